"""The agreement pages: the list (waiting documents for the secretariat, one's own for a
contact), a document's page with its history and acceptance, the sealed PDF, and the templates
with their versions, the form to publish a new one and a filled-in preview."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.agreements import bp, queries, services, text
from consortium.agreements.forms import (
    AcceptForm,
    MakeForm,
    PreviewForm,
    PublishForm,
    ScanForm,
    SendForm,
)
from consortium.agreements.labels import (
    EVENT_LABELS,
    LANGUAGE_LABELS,
    METHOD_LABELS,
    STATUS_LABELS,
    kind_label,
)
from consortium.agreements.models import (
    DOCUMENT_STATUSES,
    KINDS,
    LANGUAGES,
    MAX_SCAN_BYTES,
    PARTICIPATION,
    WAITING_STATUSES,
    AgreementDocument,
    AgreementTemplate,
    AgreementTemplateVersion,
)
from consortium.agreements.values import Parties, placeholder_values
from consortium.db import utcnow
from consortium.extensions import db
from consortium.forms import form_view
from consortium.listing import Column, Listing, in_order
from consortium.members.models import Organisation
from consortium.participation.models import Participation
from consortium.suppliers.models import Supplier


def _labels() -> dict[str, Any]:
    return {
        "kind_label": kind_label,
        "status_labels": STATUS_LABELS,
        "event_labels": EVENT_LABELS,
        "method_labels": METHOD_LABELS,
        "language_labels": LANGUAGE_LABELS,
    }


def _document_or_404(document_id: int) -> AgreementDocument:
    document = db.session.get(AgreementDocument, document_id)
    if document is None:
        abort(404)
    return document


# The status filter of the secretariat's list: those waiting for acceptance (the usual), one
# status, or every document.
WAITING, ALL = "waiting", "all"


@bp.route("/")
@login_required
def index():
    """The secretariat's documents (those waiting for acceptance first) and what has none; a
    contact's own."""
    permissions.require("agreements.mine")
    today = utcnow().date()
    manages = permissions.can(current_user, "agreements.manage")
    columns = _document_columns(today, with_days=manages)
    if not manages:
        listing = Listing(
            "agreements.index",
            columns,
            default_sort="made",
            default_descending=True,
            tie_breakers=(AgreementDocument.id.desc(),),
        )
        statement = queries.documents_statement(user_id=current_user.id)
        if listing.exporting:
            return listing.export(db.session.scalars(listing.order(statement)), "agreements")
        pagination = listing.paginate(statement)
        return render_template(
            "agreements/mine.html",
            documents=pagination.items,
            pagination=pagination,
            listing=listing,
            columns=columns,
            **_labels(),
        )
    listing = Listing(
        "agreements.index",
        columns,
        default_sort="made",
        filters=("status", "kind", "q"),
        tie_breakers=(AgreementDocument.id,),
    )
    status = listing.value("status") or WAITING
    kind = listing.value("kind")
    statement = queries.documents_statement(
        statuses=(
            WAITING_STATUSES
            if status not in (*DOCUMENT_STATUSES, ALL)
            else None
            if status == ALL
            else (status,)
        ),
        kind=kind if kind in KINDS else None,
        search=listing.value("q").strip()[:200],
    )
    if listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "agreements")
    pagination = listing.paginate(statement)
    return render_template(
        "agreements/index.html",
        documents=pagination.items,
        pagination=pagination,
        listing=listing,
        columns=columns,
        status=status if status in (*DOCUMENT_STATUSES, ALL) else WAITING,
        statuses=DOCUMENT_STATUSES,
        kinds=KINDS,
        today=today,
        missing=queries.without_document(today),
        make_form=MakeForm(),
        **_labels(),
    )


def _days_waiting(document: AgreementDocument, today) -> int | None:
    """Days since a document waiting for acceptance was made; None for one that does not wait."""
    if not document.is_waiting:
        return None
    return max(0, (today - document.made_at.date()).days)


def _document_columns(today, *, with_days: bool) -> list[Column]:
    """A list of documents' columns: what each sorts by and how a document reads in the export;
    the secretariat's list also says how long a document has waited."""
    columns = [
        Column("number", _l("Number"), AgreementDocument.number, lambda d: d.number),
        Column("kind", _l("Kind"), AgreementDocument.kind, lambda d: kind_label(d.kind)),
        Column("party", _l("Party"), queries.PARTY_NAME, lambda d: d.party_name),
        Column(
            "status",
            _l("Status"),
            in_order(AgreementDocument.status, DOCUMENT_STATUSES),
            lambda d: STATUS_LABELS[d.status],
        ),
        Column(
            "made",
            _l("Made on"),
            AgreementDocument.made_at,
            lambda d: d.made_at.date(),
            descending_first=True,
        ),
    ]
    if with_days:
        columns.append(
            Column(
                "days",
                _l("Days waiting"),
                None,
                lambda d: _days_waiting(d, today),
                css_class="number",
            )
        )
    return columns


@bp.route("/documents/<int:document_id>")
@login_required
def detail(document_id: int):
    """A document: what it is, its status, SHA-256, history and acceptance, and what one may do."""
    document = _document_or_404(document_id)
    permissions.require("agreements.view", document)
    return _detail(document)


def _detail(document: AgreementDocument, **forms: Any):
    return render_template(
        "agreements/detail.html",
        document=document,
        may_accept=document.is_waiting and document.may_accept(current_user.id),
        may_manage=permissions.can(current_user, "agreements.manage"),
        accept_form=forms.get("accept_form") or AcceptForm(),
        scan_form=forms.get("scan_form") or ScanForm(),
        send_form=SendForm(),
        **_labels(),
    )


@bp.route("/documents/<int:document_id>.pdf")
@login_required
def document_pdf(document_id: int):
    """The sealed PDF as stored; a contact's opening it is noted in the history."""
    document = _document_or_404(document_id)
    permissions.require("agreements.view", document)
    services.record_view(document, current_user)
    return Response(
        document.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{document.number}.pdf"'},
    )


@bp.route("/documents/<int:document_id>/scan.pdf")
@login_required
def scan_pdf(document_id: int):
    """The signed scan the secretariat recorded."""
    document = _document_or_404(document_id)
    permissions.require("agreements.view", document)
    acceptance = document.acceptance
    if acceptance is None or acceptance.scan is None:
        abort(404)
    return Response(
        acceptance.scan,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{document.number}-signed.pdf"'},
    )


@bp.route("/documents/<int:document_id>/accept", methods=["POST"])
@login_required
@form_view
def accept(document_id: int):
    """A contact who may sign accepts the document for their organisation or supplier."""
    document = _document_or_404(document_id)
    permissions.require("agreements.accept", document)
    form = AcceptForm()
    if not form.validate_on_submit():
        return _detail(document, accept_form=form), 422
    try:
        services.accept(document, current_user, role=form.role.data or "")
    except services.AgreementError as error:
        flash(error.message, "error")
    else:
        flash(_("You accepted agreement %(number)s.", number=document.number), "success")
    return redirect(url_for("agreements.detail", document_id=document.id))


@bp.route("/documents/<int:document_id>/scan", methods=["POST"])
@login_required
@form_view
def record_scan(document_id: int):
    """The secretariat records a signed paper copy of the document."""
    document = _document_or_404(document_id)
    permissions.require("agreements.manage", document)
    form = ScanForm()
    if not form.validate_on_submit():
        return _detail(document, scan_form=form), 422
    content = form.file.data.read(MAX_SCAN_BYTES + 1)
    try:
        services.record_scan(
            document,
            scan=content,
            signer_name=form.signer_name.data,
            signer_role=form.signer_role.data or "",
            signed_on=form.signed_on.data,
            recorded_by=current_user,
        )
    except services.AgreementError as error:
        form.file.errors = [error.message] if error.code.startswith("scan") else []
        if error.code in ("signer",):
            form.signer_name.errors = [error.message]
        elif error.code == "signed_on":
            form.signed_on.errors = [error.message]
        elif not error.code.startswith("scan"):
            flash(error.message, "error")
            return redirect(url_for("agreements.detail", document_id=document.id))
        return _detail(document, scan_form=form), 422
    flash(_("The signed scan of %(number)s is recorded.", number=document.number), "success")
    return redirect(url_for("agreements.detail", document_id=document.id))


@bp.route("/documents/<int:document_id>/send", methods=["POST"])
@login_required
def send(document_id: int):
    """Mail the document to its party, or a reminder when it has been sent before."""
    document = _document_or_404(document_id)
    permissions.require("agreements.manage", document)
    if not SendForm().validate_on_submit():
        flash(_("Nothing was sent: the form had expired. Try again."), "error")
        return redirect(url_for("agreements.detail", document_id=document.id))
    reminder = document.sent_at is not None
    try:
        messages = services.send_document(document, current_user, reminder=reminder)
    except services.AgreementError as error:
        flash(error.message, "error")
    else:
        flash(
            _("A reminder went to %(count)s recipients.", count=len(messages))
            if reminder
            else _("The document went to %(count)s recipients.", count=len(messages)),
            "success",
        )
    return redirect(url_for("agreements.detail", document_id=document.id))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.route("/make", methods=["POST"])
@login_required
def make():
    """Make (or make again) a document for a participation, a member or a supplier."""
    permissions.require("agreements.manage")
    form = MakeForm()
    if not form.validate_on_submit():
        flash(_("Nothing was made: the form had expired. Try again."), "error")
        return redirect(url_for("agreements.index"))
    participation = _load(Participation, form.participation_id.data)
    organisation = _load(Organisation, form.organisation_id.data)
    supplier = _load(Supplier, form.supplier_id.data)
    try:
        document = services.make_document(
            form.kind.data,
            organisation=organisation,
            participation=participation,
            supplier=supplier,
            made_by=current_user,
        )
    except services.AgreementError as error:
        flash(error.message, "error")
        return redirect(url_for("agreements.index"))
    flash(_("Agreement %(number)s is made and sealed.", number=document.number), "success")
    return redirect(url_for("agreements.detail", document_id=document.id))


def _load(model: Any, value: str | None) -> Any:
    key = _int(value)
    if value and key is None:
        abort(404)
    if key is None:
        return None
    found = db.session.get(model, key)
    if found is None:
        abort(404)
    return found


@bp.route("/templates", methods=["GET", "POST"])
@login_required
@form_view
def templates():
    """Every template with its versions, and the form to publish a new version."""
    permissions.require("agreements.manage")
    form = PublishForm()
    if request.method == "GET":
        form.kind.data = form.kind.data or request.args.get("kind", "")[:40]
    if form.validate_on_submit():
        try:
            version = services.publish_version(
                form.kind.data,
                form.language.data,
                title=form.title.data,
                body=form.body.data,
                change_note=form.change_note.data or "",
                author=current_user,
            )
        except services.AgreementError as error:
            field = {
                "kind": form.kind,
                "language": form.language,
                "title": form.title,
            }.get(error.code, form.body)
            field.errors = [*field.errors, error.message]
        else:
            flash(
                _("Version %(label)s is published.", label=version.label),
                "success",
            )
            return redirect(url_for("agreements.version", version_id=version.id))
    columns = _template_columns()
    listing = Listing(
        "agreements.templates",
        columns,
        default_sort="kind",
        tie_breakers=(AgreementTemplate.kind, AgreementTemplate.language, AgreementTemplate.id),
    )
    statement = select(AgreementTemplate).options(selectinload(AgreementTemplate.versions))
    if request.method == "GET" and listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "agreement-templates")
    pagination = listing.paginate(statement)
    status = 422 if form.errors else 200
    return (
        render_template(
            "agreements/templates.html",
            templates=pagination.items,
            pagination=pagination,
            listing=listing,
            columns=columns,
            form=form,
            placeholders=text.PLACEHOLDERS,
            placeholders_by_kind=text.PLACEHOLDERS_BY_KIND,
            **_labels(),
        ),
        status,
    )


def _latest_published():
    """When a template's latest version was published, as a column of the template's row."""
    return (
        select(func.max(AgreementTemplateVersion.created_at))
        .where(AgreementTemplateVersion.template_id == AgreementTemplate.id)
        .scalar_subquery()
    )


def _template_columns() -> list[Column]:
    """The templates' columns: what each sorts by and how a template reads in the export."""
    return [
        Column(
            "kind",
            _l("Kind"),
            in_order(AgreementTemplate.kind, KINDS),
            lambda template: kind_label(template.kind),
        ),
        Column(
            "language",
            _l("Language"),
            AgreementTemplate.language,
            lambda template: LANGUAGE_LABELS.get(template.language, template.language),
        ),
        Column(
            "versions",
            _l("Versions"),
            None,
            lambda template: ", ".join(version.label for version in template.versions),
        ),
        Column(
            "published",
            _l("Latest published"),
            _latest_published(),
            lambda template: template.latest.created_at.date() if template.latest else None,
            descending_first=True,
        ),
    ]


@bp.route("/templates/versions/<int:version_id>")
@login_required
def version(version_id: int):
    """A published version as written, with its author, date and note, and filled in for an
    organisation the secretariat chooses."""
    permissions.require("agreements.manage")
    found = db.session.get(AgreementTemplateVersion, version_id)
    if found is None:
        abort(404)
    form = PreviewForm(request.args)
    organisations = list(
        db.session.scalars(select(Organisation).order_by(Organisation.name).limit(500))
    )
    form.organisation.choices = [("", "–")] + [
        (str(organisation.id), organisation.name) for organisation in organisations
    ]
    form.language.choices = [(code, LANGUAGE_LABELS[code]) for code in LANGUAGES]
    preview = None
    organisation = _load(Organisation, request.args.get("organisation") or None)
    language = request.args.get("language", "")
    if language in LANGUAGES and language != found.template.language:
        # The same kind in another language: its latest version, filled in in that language.
        other = services.find_template(found.template.kind, language)
        if other is not None and other.latest is not None:
            return redirect(
                url_for(
                    "agreements.version",
                    version_id=other.latest.id,
                    organisation=organisation.id if organisation else None,
                )
            )
        flash(
            _(
                "There is no template of this kind in %(language)s yet.",
                language=LANGUAGE_LABELS[language],
            ),
            "error",
        )
    form.language.data = found.template.language
    if organisation is not None:
        preview = _preview(found, organisation, found.template.language)
    return render_template(
        "agreements/version.html", version=found, form=form, preview=preview, **_labels()
    )


def _preview(version: AgreementTemplateVersion, organisation: Organisation, language: str):
    """The version's text filled in for the organisation (its first current participation for
    a participation agreement), as the document would read it; nothing is stored."""
    participation = None
    if version.template.kind == PARTICIPATION:
        participation = db.session.scalar(
            select(Participation)
            .where(Participation.organisation_id == organisation.id)
            .order_by(Participation.starts_on.desc())
        )
    parties = Parties(organisation=organisation, participation=participation)
    values = placeholder_values(
        parties,
        language,
        today=utcnow().date(),
        document_number=_("(number when made)"),
        version_label=version.label,
    )
    return text.render_markdown(text.fill(version.body, values))


@bp.app_context_processor
def _menu() -> dict[str, Any]:
    """Whether the menu shows "Agreements" to a contact: they speak for an organisation or a
    supplier (asked once per page, when the menu is drawn)."""

    def agreement_parties() -> bool:
        if not current_user.is_authenticated:
            return False
        from consortium.members.services import organisations_on_page
        from consortium.suppliers.models import SupplierContact

        if organisations_on_page(current_user):
            return True
        return bool(
            db.session.scalar(
                select(SupplierContact.id)
                .where(SupplierContact.user_id == current_user.id)
                .limit(1)
            )
        )

    return {"agreement_parties": agreement_parties}


@bp.app_context_processor
def _participation_agreements() -> dict[str, Any]:
    """What the lists of participations (an organisation's page, a product's page, the
    secretariat's list, a contact's products) need to show each one's agreement state: the
    states of all rows, read at once."""

    def participation_agreements(
        participations: list[Participation],
    ) -> dict[int, queries.AgreementState]:
        return queries.participation_states(participations)

    return {"participation_agreements": participation_agreements}
