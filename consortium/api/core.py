"""The API's frame: the flask-smorest Api, who is calling (bearer tokens only), the throttle,
errors as application/problem+json (RFC 9457) in the caller's language, paged lists with a
Link header, and ETags with If-Match.
"""

from __future__ import annotations

import http
import re
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, NoReturn

import marshmallow as ma
from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Api, Blueprint
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import generate_etag

from consortium import permissions, security
from consortium.api import throttle, tokens
from consortium.api.models import ApiToken
from consortium.audit.context import Actor, user_actor
from consortium.db import utcnow
from consortium.extensions import csrf, db
from consortium.web import MAX_PAGE

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
MAX_PER_PAGE = 200


class ProblemFieldSchema(ma.Schema):
    location = ma.fields.String(
        required=True,
        metadata={"description": "Where the value was: json (the body), query, path or header."},
    )
    field = ma.fields.String(required=True, metadata={"description": "The field, dotted."})
    reason = ma.fields.String(required=True, metadata={"description": "What is wrong with it."})


class ProblemSchema(ma.Schema):
    """An error, as RFC 9457 describes it, with the fields that were wrong."""

    type = ma.fields.String(required=True, metadata={"description": "A URI naming the problem."})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(ProblemFieldSchema))


class ConsortiumApi(Api):
    """flask-smorest's Api, documenting every error as application/problem+json and leaving the
    answering of errors to consortium.errors (which asks this package for the body)."""

    # No catch-all "default" response: every status an operation answers is listed.
    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM: {"schema": ProblemSchema}}
            self.spec.components.response(status.name, response, lazy=True)


def current_api() -> ConsortiumApi:
    """The app's Api (each app has its own, with its own OpenAPI document)."""
    return current_app.extensions["consortium_api"]


# --- problems ---------------------------------------------------------------------------


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        412: _("Precondition failed"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Invalid request"),
        428: _("Precondition required"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
    }


def _details() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _(
            "This call needs a valid personal access token in the header "
            '"Authorization: Bearer <token>".'
        ),
        403: _("Your token or your account does not allow this call."),
        404: _("There is nothing at this address."),
        405: _("This address cannot be called with this method."),
        412: _(
            "The record changed since you read it (its ETag no longer matches If-Match). Read it "
            "again and decide once more."
        ),
        413: _("The request is larger than the limit."),
        422: _("Some fields are not valid; see errors."),
        429: _("Too many calls; wait for the number of seconds in Retry-After and try again."),
        500: _("An unexpected error occurred. It has been logged; please try again later."),
    }


# Marshmallow's own messages, in the caller's language.
_FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Not a valid list.": _l("Enter a list."),
    "Unknown field.": _l("This field is not known."),
    "Invalid input type.": _l("This value has the wrong type."),
    "Invalid JSON body.": _l("The body is not valid JSON."),
    "Field may not be null.": _l("This field may not be null."),
    "Not a valid datetime.": _l("Enter a date and time such as 2027-01-31T12:00:00Z."),
    "Not a valid mapping type.": _l("Enter an object."),
    "String does not match expected pattern.": _l(
        "This value holds characters that are not allowed."
    ),
    "Shorter than minimum length 1.": _l("This field is required."),
}


# Marshmallow's messages with numbers in them, and the same in the caller's language.
_LENGTH_BETWEEN = re.compile(r"^Length must be between (\d+) and (\d+)\.$")
_LENGTH_EQUAL = re.compile(r"^Length must be (\d+)\.$")
_LONGER = re.compile(r"^Longer than maximum length (\d+)\.$")
_SHORTER = re.compile(r"^Shorter than minimum length (\d+)\.$")
_RANGE = re.compile(
    r"^Must be greater than or equal to (\S+) and (?:less than or equal to|at most) (\S+?)\.?$"
)


def _field_reason(message: Any) -> str:
    text = str(message)
    known = _FIELD_MESSAGES.get(text)
    if known is not None:
        return str(known)
    if text.startswith("Must be one of:"):
        return _("Choose one of: %(values)s", values=text.removeprefix("Must be one of:").strip())
    if found := _LENGTH_BETWEEN.match(text):
        low, high = found.groups()
        return _("Enter from %(min)s to %(max)s characters.", min=low, max=high)
    if found := _LENGTH_EQUAL.match(text):
        return _("Enter exactly %(count)s characters.", count=found.group(1))
    if found := _LONGER.match(text):
        return _("Fill in at most %(max)s characters.", max=found.group(1))
    if found := _SHORTER.match(text):
        return _("Enter at least %(min)s characters.", min=found.group(1))
    if found := _RANGE.match(text):
        low, high = found.groups()
        return _("Enter a number from %(min)s to %(max)s.", min=low, max=high)
    if text.startswith("Must be greater than or equal to"):
        return _("The value is out of range: %(range)s", range=text)
    return text


def _flatten(messages: Any, location: str, field: str = "") -> list[dict[str, str]]:
    """webargs' nested messages ({"json": {"amount": ["..."]}}) as a flat list."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            name = f"{field}.{key}" if field else str(key)
            found += _flatten(value, location, name)
        return found
    if isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            return [
                {"location": location, "field": field, "reason": _field_reason(m)} for m in messages
            ]
        found = []
        for item in messages:
            found += _flatten(item, location, field)
        return found
    return [{"location": location, "field": field, "reason": _field_reason(messages)}]


def problem_response(code: int, message: str | None = None, error: Exception | None = None):
    """The body and headers of an error answered by the API."""
    titles = _titles()
    data = getattr(error, "data", None) or {}
    body: dict[str, Any] = {
        "type": data.get("type", "about:blank"),
        "title": titles.get(
            code,
            http.HTTPStatus(code).phrase
            if code in http.HTTPStatus._value2member_map_
            else titles[500],
        ),
        "status": code,
        "detail": str(
            data.get("detail") or message or _details().get(code) or titles.get(code, "")
        ),
    }
    errors = list(data.get("errors") or [])
    for location, messages in (data.get("messages") or {}).items():
        errors += _flatten(messages, location)
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    response.mimetype = PROBLEM
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="consortium"')
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    for key, value in headers.items():
        response.headers[key] = value
    response.headers["Content-Language"] = str(_current_language())
    return response


def _current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else "en"


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(
    status: int,
    detail: Any = None,
    *,
    errors: Sequence[dict[str, str]] = (),
    headers: dict[str, str] | None = None,
) -> NoReturn:
    """Stop the call with a problem answer."""
    error = HTTPException(description=str(detail) if detail else None)
    error.code = status
    error.data = {"detail": detail, "errors": list(errors), "headers": headers or {}}  # type: ignore[attr-defined]
    raise error


# --- who is calling ----------------------------------------------------------------------


def authenticate() -> None:
    """Know the caller by their bearer token (never by a session cookie), and count the call."""
    g.api_token = None
    g.api_user = None
    g.audit_actor = Actor(None, "anonymous API request")
    header = request.headers.get("Authorization", "")
    token: ApiToken | None = None
    now = utcnow()
    if header:
        scheme, _space, presented = header.partition(" ")
        token = tokens.find(presented.strip()) if scheme.lower() == "bearer" else None
        if token is None or not token.is_usable(now):
            _count(f"address:{security.client_address()}", "API_CALLS_PER_ADDRESS")
            if token is not None and token.revoked_at is not None:
                detail = _("This token has been revoked.")
            elif token is not None and token.expires_at <= now:
                detail = _("This token has expired.")
            elif token is not None:
                detail = _("This token's account is deactivated.")
            else:
                detail = _("This token is not known.")
            problem(
                401,
                detail,
                headers={"WWW-Authenticate": 'Bearer realm="consortium", error="invalid_token"'},
            )
        _count(f"token:{token.id}", "API_CALLS_PER_TOKEN")
        g.api_token = token
        g.api_user = token.user
        g.audit_actor = user_actor(token.user_id, f"API token {token.prefix} #{token.id}")
        tokens.note_use(token, now)
    else:
        _count(f"address:{security.client_address()}", "API_CALLS_PER_ADDRESS")


def _count(caller: str, limit_setting: str) -> None:
    limit = current_app.config[limit_setting]
    if limit <= 0:
        # 0 turns the throttle off (a proxy in front limits the calls): nothing is counted.
        return
    verdict = throttle.count_call(caller, limit)
    g.api_rate = verdict
    if not verdict.allowed:
        problem(429, headers={"Retry-After": str(verdict.retry_after_seconds)})


def require_scope(area: str, level: str) -> ApiToken:
    """Stop the call unless it carries a token whose scopes cover the area."""
    token = g.get("api_token")
    if token is None:
        problem(401)
    if not tokens.allows(token, area, level):
        problem(
            403,
            _(
                'This token\'s scopes do not include "%(scope)s".',
                scope=tokens.scope(area, level),
            ),
        )
    return token


def require(area: str, level: str, action: str, obj: Any = None) -> None:
    """Stop the call unless the token's scopes cover the area and its user may act (the
    permission module decides, as for the pages)."""
    token = require_scope(area, level)
    if not permissions.can(token.user, action, obj):
        problem(403)


def requires(area: str, level: str, action: str | None = None) -> Callable:
    """Check the token's scope (and an action on no particular record) before the body is
    read: a caller who may not write learns nothing from the checks of what they sent."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            token = require_scope(area, level)
            if action is not None and not permissions.can(token.user, action):
                problem(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def requires_on(area: str, level: str, action: str, load: Callable[..., Any]) -> Callable:
    """Check the token's scope and the action on the record the address names (``load`` takes
    the view's arguments and answers the record, or stops with 404) before the body is read."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            token = require_scope(area, level)
            if not permissions.can(token.user, action, load(**kwargs)):
                problem(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def if_match_parameter(what: str) -> dict[str, Any]:
    """The If-Match header of a write, for the OpenAPI document."""
    return {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "schema": {"type": "string"},
        "description": f"The {what}'s ETag as last read; the write is refused (412) when the "
        f"{what} changed since.",
    }


def may(action: str, obj: Any = None) -> bool:
    """Whether the calling token's user may act (no scope check)."""
    token = g.get("api_token")
    return token is not None and permissions.can(token.user, action, obj)


def caller_user():
    return g.get("api_user")


# --- lists, ETags ------------------------------------------------------------------------


class ListArgs(ma.Schema):
    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(1, MAX_PAGE),
        metadata={"description": "The page, from 1."},
    )
    per_page = ma.fields.Integer(
        load_default=50,
        validate=ma.validate.Range(1, MAX_PER_PAGE),
        metadata={"description": "Records per page, at most 200."},
    )


LIST_HEADERS = {
    "Link": {
        "description": "RFC 8288 links to the first, previous, next and last pages.",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "How many records the filter matches.",
        "schema": {"type": "integer"},
    },
}
ETAG_HEADER = {
    "ETag": {"description": "The version of this representation.", "schema": {"type": "string"}}
}


def paginate(statement: Select, args: dict) -> tuple[list, dict[str, str]]:
    """One page of the statement's rows, and the Link and X-Total-Count headers."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = list(
        db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique()
    )
    return items, page_headers(total or 0, page, per_page)


def page_headers(total: int, page: int, per_page: int) -> dict[str, str]:
    last = max(1, -(-total // per_page))
    links = [("first", 1), ("last", last)]
    if page > 1:
        links.append(("prev", min(page - 1, last)))
    if page < last:
        links.append(("next", page + 1))
    base = request.base_url
    query = {key: value for key, value in request.args.items() if key != "page"}

    def url(number: int) -> str:
        from urllib.parse import urlencode

        return base + "?" + urlencode({**query, "page": number})

    return {
        "Link": ", ".join(f'<{url(number)}>; rel="{rel}"' for rel, number in links),
        "X-Total-Count": str(total),
    }


def etag_of(data: Any, schema: ma.Schema) -> str:
    """The ETag of a representation, as a GET answers it: the hash of its JSON."""
    return generate_etag(current_app.json.response(schema.dump(data)).get_data())


def check_if_match(current: Any, schema: ma.Schema) -> None:
    """Refuse (412) a write whose If-Match names another version than the current one."""
    if not request.headers.get("If-Match"):
        return
    if request.if_match.star_tag:
        return
    if not request.if_match.contains(etag_of(current, schema)):
        problem(412)


def add_etag(response):
    """Every successful GET carries an ETag; a matching If-None-Match gets 304."""
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        response.set_etag(generate_etag(response.get_data()))
        response.make_conditional(request)
    response.headers["Vary"] = "Authorization, Accept-Language"
    return response


class ApiBlueprint(Blueprint):
    def problems(self, *codes: int) -> Callable:
        """Document the problem answers an operation may give, besides those every call may
        give (400: a control character in the address; 401: an unknown, expired or revoked
        token; 429: throttled)."""

        def decorate(view):
            for code in sorted({400, 401, 429, *codes}, reverse=True):
                view = self.alt_response(code, response=http.HTTPStatus(code).name)(view)
            return view

        return decorate


def api_blueprint(name: str, description: str, url_prefix: str = "") -> ApiBlueprint:
    """A blueprint of the API: token authentication, no CSRF (no cookie is read), ETags."""
    blueprint = ApiBlueprint(
        name, __name__, url_prefix=PREFIX + url_prefix, description=description
    )
    blueprint.before_request(authenticate)
    blueprint.after_request(add_etag)
    csrf.exempt(blueprint)
    return blueprint
