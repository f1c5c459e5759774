"""Pages of the messages: write, check the recipients, send; the list and the record."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from consortium import permissions
from consortium.extensions import db
from consortium.forms import form_view
from consortium.groups.models import Group
from consortium.i18n import LANGUAGE_LABELS, association_default_language, current_language
from consortium.messages import bp, queries, recipients, services
from consortium.messages.forms import MessageForm, is_token, message_form, new_token
from consortium.messages.labels import ERROR_MESSAGES, LEFT_OUT_REASONS, SOURCE_LABELS
from consortium.products.models import Product
from consortium.web import MAX_ID, page_number

# The most organisations one message may be written to by choosing them.
MAX_ORGANISATIONS = 1000


def _ids(name: str) -> list[int] | None:
    """The ids given for the name in the query string, each once; None when one is no id."""
    ids: list[int] = []
    for value in request.args.getlist(name):
        if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            return None
        if int(value) not in ids:
            ids.append(int(value))
    return ids


def _source_or_404() -> queries.Source:
    """The organisations, the product or the group the address names (one kind only)."""
    organisation_ids, product_ids, group_ids = _ids("organisation"), _ids("product"), _ids("group")
    if organisation_ids is None or product_ids is None or group_ids is None:
        abort(404)
    given = [
        kind for kind, ids in (("o", organisation_ids), ("p", product_ids), ("g", group_ids)) if ids
    ]
    if len(given) != 1 or len(product_ids) > 1 or len(group_ids) > 1:
        abort(404)
    if product_ids:
        product = db.session.get(Product, product_ids[0])
        if product is None:
            abort(404)
        return queries.Source("product", product=product)
    if group_ids:
        group = db.session.get(Group, group_ids[0])
        if group is None:
            abort(404)
        return queries.Source("group", group=group)
    if len(organisation_ids) > MAX_ORGANISATIONS:
        abort(404)
    found = queries.organisations(organisation_ids)
    if len(found) != len(organisation_ids):
        abort(404)
    return queries.Source("organisations", organisations=found)


def _one_language() -> str | None:
    language = request.args.get("language", "")
    return language if language in current_app.config["LANGUAGES"] else None


def _texts(form: MessageForm, languages: list[str]) -> dict[str, services.Text]:
    """The texts as typed, with the browser's line breaks (CR LF) as a mail's text has them."""
    return {
        language: services.Text(
            form.subject(language).data.strip(),
            form.body(language).data.replace("\r\n", "\n").strip("\n"),
        )
        for language in languages
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_view
def new():
    """Write a message once for each language in use among the recipients, check who gets it,
    and send it: each recipient one mail in their language, through the outbox."""
    source = _source_or_404()
    for record in source.records:
        permissions.require("messages.write", record)
    one_language = _one_language()
    plan = recipients.plan(
        queries.candidates(source),
        languages=current_app.config["LANGUAGES"],
        default_language=association_default_language(),
        one_language=one_language,
    )
    # With no one to write to, the form still has fields, to say so when it is sent.
    languages = plan.languages or [one_language or association_default_language()]
    form = message_form(languages)
    step = request.form.get("step", "")
    if request.method == "POST" and form.validate_on_submit():
        if not plan.recipients:
            form.form_errors.append(ERROR_MESSAGES["no_recipients"])
        elif step == "send" and not is_token(form.token.data):
            form.form_errors.append(ERROR_MESSAGES["expired"])
            form.token.data = new_token()
            return _render_preview(source, plan, form, languages, one_language)
        elif step == "send":
            try:
                message = services.send(
                    source,
                    plan,
                    _texts(form, languages),
                    sender=current_user,
                    token=form.token.data,
                    one_language=one_language,
                )
            except services.AlreadySent as sent:
                flash(_("This message has already been sent."), "info")
                if sent.message is not None and permissions.can(
                    current_user, "messages.view", sent.message
                ):
                    return redirect(url_for("messages.detail", message_id=sent.message.id))
                return redirect(url_for("messages.index"))
            flash(
                ngettext(
                    "The message is in the outbox for %(num)d person.",
                    "The message is in the outbox for %(num)d people.",
                    message.recipient_count,
                ),
                "success",
            )
            return redirect(url_for("messages.detail", message_id=message.id))
        elif step != "edit":
            if not is_token(form.token.data):
                form.token.data = new_token()
            return _render_preview(source, plan, form, languages, one_language)
    if not is_token(form.token.data):
        form.token.data = new_token()
    return render_template(
        "messages/new.html",
        form=form,
        **_page(source, plan, languages, one_language),
    )


def _page(source, plan, languages, one_language) -> dict:
    return {
        "source": source,
        "plan": plan,
        "languages": languages,
        "one_language": one_language,
        "language_labels": LANGUAGE_LABELS,
        "left_out_reasons": LEFT_OUT_REASONS,
        "all_languages": current_app.config["LANGUAGES"],
        "action": url_for("messages.new", **source.url_args(), **_language_arg(one_language)),
    }


def _language_arg(one_language: str | None) -> dict:
    return {"language": one_language} if one_language else {}


def _render_preview(source, plan, form, languages, one_language):
    return render_template(
        "messages/preview.html",
        form=form,
        **_page(source, plan, languages, one_language),
    )


@bp.route("/")
@login_required
def index():
    """The messages sent to many people that the user may read, newest first."""
    permissions.require("messages.list")
    return render_template(
        "messages/index.html",
        pagination=queries.readable_messages(current_user, page_number()),
        source_labels=SOURCE_LABELS,
    )


@bp.route("/<int:message_id>")
@login_required
def detail(message_id: int):
    """A sent message: its texts, who sent it when, and who got it in which language."""
    message = queries.message(message_id)
    if message is None:
        abort(404)
    permissions.require("messages.view", message)
    return render_template(
        "messages/detail.html",
        message=message,
        first=message.text_in(current_language()) or message.texts[0],
        organisations=queries.organisations(message.organisation_ids or []),
        language_labels=LANGUAGE_LABELS,
        source_labels=SOURCE_LABELS,
    )
