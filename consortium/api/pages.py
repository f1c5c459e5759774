"""The pages of the API: one's personal access tokens on the profile (make, list, revoke), the
secretariat's list of every token, and the documentation read from the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consortium import permissions
from consortium.api import tokens
from consortium.api.forms import TokenForm
from consortium.api.models import ApiToken
from consortium.auth.forms import ConfirmForm
from consortium.db import utcnow
from consortium.extensions import db
from consortium.forms import form_view

bp = Blueprint("api", __name__)


@bp.route("/profile/tokens", methods=["GET", "POST"])
@login_required
@form_view
def tokens_page():
    """One's personal access tokens: make one (shown once), see them, revoke them."""
    permissions.require("api.own_tokens")
    form = TokenForm()
    made = None
    status = 200
    if form.validate_on_submit():
        made = tokens.create_token(current_user, form.name.data, form.scopes(), int(form.days.data))
        flash(
            _("Copy the token now: it is shown only this once."),
            "success",
        )
        form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    return (
        render_template(
            "api/tokens.html",
            form=form,
            made=made,
            own=tokens.tokens_of(current_user.id),
            revoke_form=ConfirmForm(),
            now=utcnow(),
            areas=tokens.AREAS,
        ),
        status,
    )


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Stop a token at once: one's own, or (the secretariat) anyone's."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        permissions.require("api.all_tokens")
    else:
        permissions.require("api.own_tokens")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    tokens.revoke(token, current_user.id)
    flash(_("The token %(prefix)s has been revoked.", prefix=token.prefix), "success")
    if token.user_id == current_user.id:
        return redirect(url_for("api.tokens_page"))
    return redirect(url_for("api.all_tokens"))


@bp.route("/profile/tokens/all")
@login_required
def all_tokens():
    """Every user's tokens, for the secretariat to see and revoke."""
    permissions.require("api.all_tokens")
    return render_template(
        "api/all_tokens.html",
        tokens=tokens.all_tokens(),
        revoke_form=ConfirmForm(),
        now=utcnow(),
    )


def _documentation() -> tuple[dict, list[dict]]:
    """The OpenAPI document and its operations grouped by area (a blueprint's tag), each area
    with its address on the documentation pages, title, description and operations."""
    from consortium.api.core import current_api

    spec = current_api().spec.to_dict()
    descriptions = {tag["name"]: tag.get("description", "") for tag in spec.get("tags", [])}
    titles = _group_titles()
    groups: dict[str, dict] = {}
    for operation in _operations(spec):
        tag = operation["tag"]
        groups.setdefault(
            tag,
            {
                "id": f"group-{tag}",
                "area": tag.removeprefix("api-"),
                "title": titles.get(tag, tag),
                "description": descriptions.get(tag, ""),
                "operations": [],
            },
        )["operations"].append(operation)
    return spec, list(groups.values())


@bp.route("/api/docs")
def docs():
    """The API's documentation, read from its OpenAPI document: for integrators. This page
    says how to sign in and the conventions, and lists the operations by area; each area has a
    page of its own (``docs_area``)."""
    spec, groups = _documentation()
    return render_template("api/docs.html", spec=spec, groups=groups)


@bp.route("/api/docs/<area>")
def docs_area(area: str):
    """One area's operations (parameters, body, answers) and the schemas they use."""
    spec, groups = _documentation()
    group = next((group for group in groups if group["area"] == area), None)
    if group is None:
        abort(404)
    components = spec.get("components", {})
    schemas = components.get("schemas", {})
    used = _schemas_used(group["operations"], schemas, components.get("responses", {}))
    return render_template(
        "api/docs_area.html",
        group=group,
        schemas={name: schemas[name] for name in sorted(used)},
    )


def _schemas_used(operations: list[dict], schemas: dict, responses: dict) -> set[str]:
    """The schemas the operations send or answer (also through the document's shared
    answers), and the schemas those name, by name."""
    waiting = [name for operation in operations for name in operation["schemas"]]
    used: set[str] = set()
    seen: set[str] = set()
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in schemas:
            used.add(name)
            waiting.extend(_refs(schemas[name]))
        elif name in responses:
            waiting.extend(_refs(responses[name]))
    return used


def _refs(node) -> list[str]:
    """The schema names a part of the document refers to (``$ref``), at any depth."""
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if isinstance(node.get("$ref"), str) else []
        return found + [name for value in node.values() for name in _refs(value)]
    if isinstance(node, list):
        return [name for value in node for name in _refs(value)]
    return []


def _group_titles() -> dict[str, str]:
    """The documentation page's heading for each blueprint's operations."""
    from flask_babel import gettext as _

    return {
        "api-organisations": _("Organisations and population figures"),
        "api-public": _("Public data, without a token"),
        "api-products": _("Products"),
        "api-fees": _("Fees"),
        "api-invoices": _("Invoices, credit notes and payments"),
        "api-participation": _("Participations and requests"),
        "api-groups": _("Groups"),
        "api-suppliers": _("Suppliers"),
        "api-agreements": _("Agreements"),
        "api-meetings": _("Meetings, decisions and action items"),
        "api-backlog": _("Backlogs and prioritisation rounds"),
    }


def _operations(spec: dict) -> list[dict]:
    found = []
    for path, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "tag": (operation.get("tags") or [""])[0],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": _body_schema(spec, operation),
                    "responses": dict(sorted(operation.get("responses", {}).items())),
                    "result": _result_schema(operation),
                    "schemas": _refs(
                        {
                            "body": operation.get("requestBody", {}),
                            "answers": operation.get("responses", {}),
                        }
                    ),
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                }
            )
    return found


def _result_schema(operation: dict) -> str:
    """The schema a successful call answers, as "Invoice" or "list of Invoice"."""
    from flask_babel import gettext as _

    for code in ("200", "201"):
        content = operation.get("responses", {}).get(code, {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            return schema["$ref"].rsplit("/", 1)[-1]
        if "$ref" in schema.get("items", {}):
            return _("list of %(schema)s", schema=schema["items"]["$ref"].rsplit("/", 1)[-1])
    return ""


def _body_schema(spec: dict, operation: dict) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1]
