"""Pages of the product catalogue: load, check access, call a service, render."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from consortium import permissions
from consortium.audit.context import audit_source
from consortium.auth.models import User
from consortium.extensions import db
from consortium.forms import form_view
from consortium.listing import Column, Listing, in_order
from consortium.products import (
    bp,
    licences,
    publiccode,
    publiccode_rules,
    queries,
    services,
    slugs,
)
from consortium.products.forms import (
    AssessmentForm,
    DescriptionsForm,
    ImportForm,
    LevelDecisionForm,
    ProductForm,
    RatingForm,
    RequirementForm,
    split_list,
)
from consortium.products.labels import labels
from consortium.products.models import LEVELS, PRODUCT_STATUSES, MaturityRequirement, Product
from consortium.settings.services import get_settings
from consortium.text import upload_name


def _product_or_404(slug: str) -> Product:
    product = queries.by_slug(slug)
    if product is None:
        abort(404)
    return product


def _language() -> str:
    return str(get_locale() or "en").split("_")[0]


@bp.route("/")
@login_required
def index():
    """The catalogue: search by name, filter by status and decided level, sort by a column."""
    permissions.require("products.view")
    product_filter = queries.ProductFilter(
        search=request.args.get("q", "").strip(),
        status=request.args.get("status", "")
        if request.args.get("status") in PRODUCT_STATUSES
        else "",
        level=request.args.get("level", ""),
    )
    language = _language()
    status_labels, level_labels = labels()["status_labels"], labels()["level_labels"]
    columns = [
        Column("name", _l("Name"), func.lower(Product.name), lambda row: row[0].name),
        Column(
            "description",
            _l("Description"),
            None,
            lambda row: row[1].short_description if row[1] else "",
        ),
        Column(
            "status",
            _l("Status"),
            in_order(Product.status, PRODUCT_STATUSES),
            lambda row: status_labels.get(row[0].status, row[0].status),
        ),
        Column(
            "level",
            _l("Decided level"),
            in_order(Product.level, LEVELS),
            lambda row: level_labels.get(row[0].level, "") if row[0].level else "",
        ),
    ]
    listing = Listing(
        "products.index",
        columns,
        default_sort="name",
        filters=("q", "status", "level"),
        tie_breakers=(Product.id,),
    )
    statement = product_filter.statement()
    if listing.exporting:
        products = db.session.scalars(listing.order(statement)).all()
        rows = [(product, queries.description_for(product, language)) for product in products]
        return listing.export(rows, "products")
    pagination = listing.paginate(statement)
    rows = [(product, queries.description_for(product, language)) for product in pagination.items]
    return render_template(
        "products/index.html",
        rows=rows,
        pagination=pagination,
        listing=listing,
        columns=columns,
        **labels(),
    )


@bp.route("/<slug>")
@login_required
def detail(slug: str):
    """A product: its description, who takes part, its level and what is missing for the next."""
    product = _product_or_404(slug)
    permissions.require("products.view", product)
    today = date.today()
    recorders = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(
                User.id.in_([d.recorded_by_user_id for d in product.level_decisions])
            )
        )
    }
    # What keeps the product's own publiccode.yml from being valid, for those who can fix it.
    publiccode_problems, publiccode_open_ended = None, None
    if permissions.can(current_user, "products.manage", product):
        facts = _export_facts(product)
        publiccode_problems = [
            finding_message(finding)
            for finding in publiccode.problems_of_export(publiccode.build(product, facts))
        ]
        if publiccode.open_ended_contractors(facts):
            publiccode_open_ended = (
                publiccode.open_ended_contractors(facts),
                publiccode.open_ended_until(facts.as_of),
            )
    participants = queries.participant_page(product, today)
    return render_template(
        "products/detail.html",
        product=product,
        participant_listing=participants[0] if participants else None,
        participants=participants[1] if participants else None,
        publiccode_problems=publiccode_problems,
        publiccode_open_ended=publiccode_open_ended,
        description=queries.description_for(product, _language()),
        licence_name=licences.name_of(product.licence),
        supplier_agreements=queries.supplier_agreements(product, today),
        groups=queries.groups_of(product),
        assessment=queries.assess(product, today),
        recorders=recorders,
        language=_language(),
        point_person_user=db.session.get(User, product.point_person_user_id)
        if product.point_person_user_id
        else None,
        **labels(),
    )


def _product_values(form: ProductForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "slug": form.slug.data,
        "status": form.status.data,
        "licence": form.licence.data,
        "repository_url": (form.repository_url.data or "").strip(),
        "issue_tracker_url": (form.issue_tracker_url.data or "").strip(),
        "website_url": (form.website_url.data or "").strip(),
        "point_person_name": (form.point_person_name.data or "").strip(),
        "point_person_user_id": int(form.point_person_user_id.data)
        if form.point_person_user_id.data
        else None,
        "software_type": form.software_type.data,
        "platforms": split_list(form.platforms.data),
        "categories": split_list(form.categories.data),
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_view
def create():
    """Add a product to the catalogue."""
    permissions.require("products.manage")
    form = ProductForm()
    if request.method == "GET":
        form.licence.data = licences.DEFAULT_LICENCE
        form.status.data = "idea"
        form.software_type.data = "standalone/web"
    if form.validate_on_submit():
        try:
            product = services.create_product(**_product_values(form))
        except services.SlugTaken:
            form.slug.errors.append(_("Another product already has this short name."))
        else:
            flash(_("%(name)s has been added to the catalogue.", name=product.name), "success")
            return redirect(url_for("products.detail", slug=product.slug))
    return render_template("products/edit.html", form=form, product=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(slug: str):
    """Change a product's details."""
    product = _product_or_404(slug)
    permissions.require("products.manage", product)
    form = ProductForm(obj=product, product=product)
    if request.method == "GET":
        form.point_person_user_id.data = str(product.point_person_user_id or "")
        form.platforms.data = ", ".join(product.platforms or [])
        form.categories.data = ", ".join(product.categories or [])
    if form.validate_on_submit():
        try:
            services.update_product(product, **_product_values(form))
        except services.SlugTaken:
            form.slug.errors.append(_("Another product already has this short name."))
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("products.detail", slug=product.slug))
    return render_template("products/edit.html", form=form, product=product)


@bp.route("/<slug>/descriptions", methods=["GET", "POST"])
@login_required
@form_view
def descriptions(slug: str):
    """Edit the short and long description and the features in each language."""
    product = _product_or_404(slug)
    permissions.require("products.manage", product)
    form = DescriptionsForm()
    if request.method == "GET":
        for description in product.descriptions:
            if description.language in services.DESCRIPTION_LANGUAGES:
                sub = form[description.language]
                sub.short_description.data = description.short_description
                sub.long_description.data = description.long_description
                sub.features.data = description.features
    if form.validate_on_submit():
        for language in services.DESCRIPTION_LANGUAGES:
            sub = form[language]
            services.save_description(
                product,
                language,
                sub.short_description.data or "",
                sub.long_description.data or "",
                sub.features.data or "",
            )
        flash(_("The descriptions have been saved."), "success")
        return redirect(url_for("products.detail", slug=product.slug))
    return render_template(
        "products/descriptions.html",
        form=form,
        product=product,
        languages=services.DESCRIPTION_LANGUAGES,
    )


def _rating_form(row, formdata=None) -> RatingForm:
    form = RatingForm(formdata=formdata, prefix=f"r{row.requirement.id}")
    if formdata is None and row.rating is not None:
        form.rating.data = row.rating.rating
        form.evidence.data = row.rating.evidence
        form.explanation_accepted.data = row.rating.explanation_accepted
    return form


def _assessment_page(product, result, forms, form=None, mistakes=(), status: int = 200):
    return render_template(
        "products/assessment.html",
        product=product,
        assessment=result,
        forms=forms,
        form=form,
        mistakes=list(mistakes),
        page_has_errors=bool(mistakes) or bool(form is not None and form.errors),
        levels=LEVELS,
        language=_language(),
        **labels(),
    ), status


@bp.route("/<slug>/assessment")
@login_required
def assessment(slug: str):
    """The requirements by level and theme as a matrix of ratings, with one Save for all."""
    product = _product_or_404(slug)
    permissions.require("products.view", product)
    result = queries.assess(product)
    if not permissions.can(current_user, "products.manage", product):
        return _assessment_page(product, result, {})
    forms = {
        row.requirement.id: _rating_form(row) for row in result.rows if row.data_answer is None
    }
    return _assessment_page(product, result, forms, AssessmentForm(formdata=None))


def _changed(row, form: RatingForm) -> dict | None:
    """What a row of the matrix asks to record, or None when it changes nothing."""
    values = {
        "rating": form.rating.data,
        "evidence": (form.evidence.data or "").strip(),
        "explanation_accepted": form.rating.data == "yellow"
        and bool(form.explanation_accepted.data),
    }
    if row.rating is not None and (
        row.rating.rating,
        row.rating.evidence,
        row.rating.explanation_accepted,
    ) == (values["rating"], values["evidence"], values["explanation_accepted"]):
        return None
    return values


@bp.route("/<slug>/assessment", methods=["POST"])
@login_required
@form_view
def save_assessment(slug: str):
    """Record every changed row of the matrix at once: all of them, or none when a row has a
    mistake (the page names it and keeps what was typed). Rows not changed are not touched."""
    product = _product_or_404(slug)
    permissions.require("products.manage", product)
    result = queries.assess(product)
    form = AssessmentForm()
    valid = form.validate_on_submit()
    forms, changes, mistakes = {}, [], []
    for row in result.rows:
        if row.data_answer is not None:
            continue
        prefix = f"r{row.requirement.id}"
        sent = any(key.startswith(f"{prefix}-") for key in request.form)
        rating_form = _rating_form(row, formdata=request.form if sent else None)
        forms[row.requirement.id] = rating_form
        if not sent:
            continue
        if rating_form.validate() and not rating_form.rating.data:
            if rating_form.evidence.data and rating_form.evidence.data.strip():
                rating_form.rating.errors.append(_("Choose a rating to record the evidence."))
        if not any(field.errors for field in rating_form):
            values = _changed(row, rating_form) if rating_form.rating.data else None
            if values is not None:
                changes.append((row.requirement, values))
            continue
        for field in rating_form:
            for message in field.errors:
                mistakes.append(
                    {
                        "field_id": f"{field.id}-green"
                        if field.name.endswith("-rating")
                        else field.id,
                        "label": f"{row.requirement.code}: {field.label.text}",
                        "message": message,
                    }
                )
    if not valid or mistakes:
        return _assessment_page(product, result, forms, form, mistakes)
    for requirement, values in changes:
        services.rate(product, requirement, **values)
    if changes:
        flash(
            ngettext(
                "%(num)d rating has been saved: %(codes)s.",
                "%(num)d ratings have been saved: %(codes)s.",
                len(changes),
                codes=", ".join(requirement.code for requirement, _values in changes),
            ),
            "success",
        )
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("products.assessment", slug=product.slug))


@bp.route("/<slug>/level", methods=["GET", "POST"])
@login_required
@form_view
def level_decision(slug: str):
    """Record that the secretariat or the board decided the product's level."""
    product = _product_or_404(slug)
    permissions.require("products.manage", product)
    form = LevelDecisionForm()
    assessment = queries.assess(product)
    if request.method == "GET":
        form.decided_on.data = date.today()
        form.level.data = assessment.reached or ""
        form.decided_by_body.data = (
            "secretariat" if assessment.reached in (None, "sandbox", "N1") else "board"
        )
    above_reached = None
    if form.validate_on_submit():
        try:
            services.record_level_decision(
                product,
                form.level.data or None,
                form.decided_by_body.data,
                form.decided_on.data,
                form.note.data or "",
                recorded_by=current_user,
                confirmed_above_reached=form.confirm_above_reached.data,
            )
        except services.LevelAboveReached as exc:
            above_reached = exc
        else:
            flash(_("The level decision has been recorded."), "success")
            return redirect(url_for("products.detail", slug=product.slug))
    return render_template(
        "products/level.html",
        form=form,
        product=product,
        assessment=assessment,
        above_reached=above_reached,
        **labels(),
    )


def _export_facts(product: Product) -> publiccode.ExportFacts:
    return publiccode.ExportFacts(
        owner=get_settings().name,
        organisations=queries.participating_organisation_names(product),
        contractors=[
            (agreement.supplier.name, agreement.valid_until)
            for agreement in queries.supplier_agreements(product)
        ],
    )


@bp.route("/<slug>/publiccode.yml")
@login_required
def publiccode_yml(slug: str):
    """The product's publiccode.yml (version 0.4)."""
    product = _product_or_404(slug)
    permissions.require("products.view", product)
    text = publiccode.dump(publiccode.build(product, _export_facts(product)))
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": "inline; filename=publiccode.yml"},
    )


@bp.route("/requirements")
@login_required
def requirements():
    """The requirement list every product is rated against."""
    permissions.require("products.view")
    return render_template(
        "products/requirements.html",
        requirements=queries.requirements(active_only=False),
        **labels(),
    )


@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@login_required
@form_view
def edit_requirement(requirement_id: int):
    """Change a requirement's text, level, or whether it counts."""
    requirement = db.get_or_404(MaturityRequirement, requirement_id)
    permissions.require("products.manage", requirement)
    form = RequirementForm(obj=requirement)
    languages = ("da", "de", "cs")
    if request.method == "GET":
        for language in languages:
            form[f"text_{language}"].data = (requirement.translations or {}).get(language, "")
    if form.validate_on_submit():
        # A text left empty in a language falls back to the English one.
        translations = {
            language: form[f"text_{language}"].data.strip()
            for language in languages
            if (form[f"text_{language}"].data or "").strip()
        }
        services.update_requirement(
            requirement,
            text=form.text.data,
            translations=translations,
            level=form.level.data,
            active=form.active.data,
        )
        flash(_("The requirement %(code)s has been saved.", code=requirement.code), "success")
        return redirect(url_for("products.requirements"))
    return render_template(
        "products/requirement_edit.html", form=form, requirement=requirement, **labels()
    )


IMPORT_MESSAGES = {
    "too_large": lambda e: _("The file is too large for a publiccode.yml."),
    "encoding": lambda e: _("The file is not UTF-8 text."),
    "control_character": lambda e: _(
        "Line %(line)s of the file contains a character that is not allowed (a control character).",
        line=e.line,
    ),
    "yaml": lambda e: _(
        "The file is not valid YAML (line %(line)s): %(problem)s",
        line=e.line or "?",
        problem=e.detail,
    ),
    "tag": lambda e: _(
        "The file uses a YAML tag that is not allowed (line %(line)s), such as !!python/object. Remove it and upload the file again.",
        line=e.line or "?",
    ),
    "alias": lambda e: _(
        "The file uses a YAML anchor or alias (line %(line)s), such as &name or *name. Write the values out in full and upload the file again.",
        line=e.line or "?",
    ),
    "too_deep": lambda e: _(
        "The file nests lists or mappings more than %(depth)s levels deep.",
        depth=publiccode.MAX_DEPTH,
    ),
    "not_mapping": lambda e: _("The file does not describe a product: it has no keys."),
}
# What publiccode_rules and read_product find, by code; p holds the finding's parameters.
FINDING_MESSAGES = {
    "required": lambda key, p: _("%(key)s is missing; the standard requires it.", key=key),
    "unknown_key": lambda key, p: _(
        "%(key)s is not a key of the publiccode.yml standard.", key=key
    ),
    "not_mapping": lambda key, p: _("%(key)s must be a section with keys.", key=key),
    "not_text": lambda key, p: _("%(key)s must be text.", key=key),
    "not_texts": lambda key, p: _("%(key)s must be a list of texts.", key=key),
    "not_records": lambda key, p: _("%(key)s must be a list of entries with keys.", key=key),
    "not_boolean": lambda key, p: _("%(key)s must be true or false.", key=key),
    "url": lambda key, p: _("%(key)s is not a URL.", key=key),
    "http_url": lambda key, p: _(
        "%(key)s is not a web address starting with https:// or http://.", key=key
    ),
    "date": lambda key, p: _("%(key)s is not a real date written as YYYY-MM-DD.", key=key),
    "email": lambda key, p: _("%(key)s is not an e-mail address.", key=key),
    "path_or_url": lambda key, p: _(
        "%(key)s must be a path inside the repository or a web address, not an absolute path or a file: address.",
        key=key,
    ),
    "logo_format": lambda key, p: _("%(key)s must be an SVG, SVGZ or PNG file.", key=key),
    "mime_type": lambda key, p: _("%(key)s is not a media type such as text/plain.", key=key),
    "category": lambda key, p: _(
        "%(key)s: %(value)s is not a category from the standard's list.",
        key=key,
        value=p["value"],
    ),
    "scope": lambda key, p: _(
        "%(key)s: %(value)s is not a scope from the standard's list.", key=key, value=p["value"]
    ),
    "one_of": lambda key, p: _(
        "%(key)s is %(value)s; the standard allows %(allowed)s.",
        key=key,
        value=p["value"],
        allowed=p["allowed"],
    ),
    "country": lambda key, p: _(
        "%(key)s: %(value)s is not an ISO 3166-1 two-letter country code.",
        key=key,
        value=p["value"],
    ),
    "lower_case_country": lambda key, p: _(
        "%(key)s: lower-case country codes are out of date; write %(value)s.",
        key=key,
        value=p["value"],
    ),
    "language": lambda key, p: _(
        "%(key)s is not a BCP 47 language tag such as en or de-AT.", key=key
    ),
    "too_long": lambda key, p: _(
        "%(key)s is longer than %(count)s characters.", key=key, count=format_number(p["max"])
    ),
    "too_short": lambda key, p: _(
        "%(key)s has %(count)s characters; the standard asks for at least %(min)s.",
        key=key,
        count=format_number(p["count"]),
        min=format_number(p["min"]),
    ),
    "licence": lambda key, p: _(
        "%(key)s is not an SPDX licence identifier or expression, such as MPL-2.0 or MIT OR Apache-2.0.",
        key=key,
    ),
    "required_for_contract": lambda key, p: _(
        "%(key)s is missing; the standard requires it when maintenance.type is contract.",
        key=key,
    ),
    "required_for_type": lambda key, p: _(
        "%(key)s is missing; the standard requires it when maintenance.type is %(type)s.",
        key=key,
        type=p["type"],
    ),
    "only_for_contract": lambda key, p: _(
        "%(key)s is only allowed when maintenance.type is contract.", key=key
    ),
    "older_version": lambda key, p: _(
        "%(key)s: version %(version)s is older than the current %(current)s.",
        key=key,
        version=p["version"],
        current=p["current"],
    ),
    "unsupported_version": lambda key, p: _(
        "%(key)s: version %(version)s is not supported; use one of %(supported)s.",
        key=key,
        version=p["version"],
        supported=p["supported"],
    ),
    "duplicate_section": lambda key, p: _(
        "%(key)s: the Italian section is written both as it and as IT; keep one.", key=key
    ),
    # What this app needs beyond the standard to store a product.
    "unknown": lambda key, p: _("%(key)s has a value this app does not know.", key=key),
    "licence_too_long": lambda key, p: _(
        "%(key)s is longer than %(count)s characters.",
        key=key,
        count=format_number(licences.MAX_EXPRESSION),
    ),
    "too_long_to_store": lambda key, p: _(
        "%(key)s is longer than the %(count)s characters this app can store.",
        key=key,
        count=format_number(publiccode.MAX_SHORT_DESCRIPTION),
    ),
    "too_many": lambda key, p: _(
        "%(key)s has more than %(count)s items.", key=key, count=publiccode.MAX_ITEMS
    ),
    "item_too_long": lambda key, p: _(
        "An item of %(key)s is longer than %(count)s characters.",
        key=key,
        count=publiccode.MAX_ITEM_LENGTH,
    ),
}
# read_product's own codes that name the same rule as the standard's.
_PRODUCT_PROBLEM_PARAMS = {
    "too_long": {"max": publiccode.MAX_SHORT_DESCRIPTION},
    "long_description_too_long": {"max": publiccode.MAX_LONG_DESCRIPTION},
}


def finding_message(finding: publiccode_rules.Finding) -> str:
    """A finding in the reader's language, naming its key."""
    return FINDING_MESSAGES[finding.code](finding.key or "publiccode.yml", finding.params)


def _product_problem(key: str, code: str) -> publiccode_rules.Finding:
    if code in _PRODUCT_PROBLEM_PARAMS:
        return publiccode_rules.Finding(key, "too_long", _PRODUCT_PROBLEM_PARAMS[code])
    return publiccode_rules.Finding(key, code)


def _unindexed(key: str) -> str:
    return re.sub(r"\[\d+\]", "", key)


@bp.route("/import", methods=["GET", "POST"])
@login_required
@form_view
def import_publiccode():
    """Upload a publiccode.yml to add a product or update the one with the same short name."""
    permissions.require("products.manage")
    form = ImportForm()
    errors: list[str] = []
    warnings: list[str] = []
    invalid = False
    imported = None
    product = None
    created = False
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload_name(upload.filename, "publiccode.yml")
        try:
            data = publiccode.parse(upload.read())
        except publiccode.PubliccodeError as exc:
            errors.append(IMPORT_MESSAGES[exc.code](exc))
            invalid = True
        else:
            findings = publiccode_rules.validate(data)
            errors.extend(finding_message(f) for f in publiccode_rules.errors(findings))
            warnings.extend(finding_message(f) for f in publiccode_rules.warnings(findings))
            named = {_unindexed(f.key) for f in publiccode_rules.errors(findings)}
            imported = publiccode.read_product(data)
            errors.extend(
                finding_message(_product_problem(key, code))
                for key, code in imported.problems
                if _unindexed(key) not in named
            )
            if not slugs.is_valid(imported.slug):
                errors.append(
                    _(
                        "No usable short name can be made from the file's url or name (%(slug)s).",
                        slug=imported.slug or "–",
                    )
                )
            invalid = bool(errors)
            if not errors:
                try:
                    with audit_source(filename):
                        product, created = services.import_product(imported)
                except services.SlugTaken:
                    errors.append(
                        _(
                            "Another product with the short name %(slug)s was added at the same moment. Upload the file again to update it.",
                            slug=imported.slug,
                        )
                    )
            if product is not None:
                if created:
                    flash(_("%(name)s has been added from the file.", name=product.name), "success")
                else:
                    flash(
                        _("%(name)s has been updated from the file.", name=product.name), "success"
                    )
    # A file that cannot be imported as it is: 422, with every problem named by its key.
    return render_template(
        "products/import.html",
        form=form,
        errors=errors,
        warnings=warnings,
        imported=imported if product else None,
        product=product,
        created=created,
        **labels(),
    ), (422 if invalid else 200)
