"""Translated error pages; never a stack trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from consortium.extensions import db


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Bad request"),
            _("The request could not be understood. Please go back and try again."),
        ),
        403: (
            _("Not allowed"),
            _("You do not have access to this page. Ask the secretariat if you think you should."),
        ),
        404: (
            _("Page not found"),
            _(
                "There is no page at this address. Check the address or start again from the home page."
            ),
        ),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        413: (
            _("File too large"),
            _(
                "What you sent is larger than the limit of %(size)s. Please send something smaller.",
                size=_size(),
            ),
        ),
        429: (_("Too many attempts"), _("Please wait a moment and try again.")),
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred. It has been logged; please try again later."),
        ),
    }


def _size() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"


# Parts of the site that answer errors in a format of their own (the JSON API answers
# application/problem+json), registered at start-up: (whether this request is theirs, how to
# answer with the status, the message and the exception).
ErrorRenderer = Callable[[int, str | None, Exception | None], Any]
_renderers: list[tuple[Callable[[], bool], ErrorRenderer]] = []


def answer_errors_with(is_theirs: Callable[[], bool], renderer: ErrorRenderer) -> None:
    """Have ``renderer`` answer the errors of the requests ``is_theirs()`` claims."""
    if (is_theirs, renderer) not in _renderers:
        _renderers.append((is_theirs, renderer))


def render_error(code: int, message: str | None = None, error: Exception | None = None):
    db.session.rollback()
    g._rolled_back = True
    for is_theirs, renderer in _renderers:
        if is_theirs():
            return renderer(code, message, error)
    titles = _titles()
    title, text = titles.get(code, titles[500])
    try:
        return render_template(
            "errors/error.html", code=code, title=title, text=message or text
        ), code
    except Exception:  # noqa: BLE001 - e.g. an untrusted Host leaves no URL adapter for the page
        return (
            f"{title}\n\n{message or text}\n",
            code,
            {"Content-Type": "text/plain; charset=utf-8"},
        )


def secure_cookie_withheld() -> bool:
    """Whether the form failed because this plain-HTTP request could not carry the Secure
    session cookie: production's cookie only travels over HTTPS, so a browser that opened the
    app at an http:// address never sends it back, and every form fails its CSRF check."""
    config = current_app.config
    return bool(
        config.get("SESSION_COOKIE_SECURE")
        and not request.is_secure
        and config["SESSION_COOKIE_NAME"] not in request.cookies
    )


def plain_http_page():
    """Say why the form failed, and where to go instead."""
    db.session.rollback()
    g._rolled_back = True
    current_app.logger.warning(
        "A form was sent over plain HTTP without the Secure session cookie (%s %s): serve the "
        "app over HTTPS, or set INSECURE_COOKIES=1 for a local trial",
        request.method,
        request.path,
    )
    base = urlsplit(current_app.config.get("BASE_URL", ""))
    root = "https://" + (base.netloc if base.scheme == "https" and base.netloc else request.host)
    secure_url = root + url_for("auth.login")
    return render_template("errors/plain_http.html", secure_url=secure_url), 400


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if secure_cookie_withheld():
            return plain_http_page()
        # A form view is shown again with what the user typed and the reason; any other
        # state-changing request is refused with an explanation.
        view = current_app.view_functions.get(request.endpoint)
        if view is not None and getattr(view, "reshow_on_csrf_error", False):
            g.csrf_failed = True
            try:
                response = current_app.make_response(view(**(request.view_args or {})))
            except HTTPException as exc:
                return http_error(exc)
            if response.status_code < 300:
                response.status_code = 400
            return response
        return render_error(
            400,
            _(
                "This form had expired or did not come from this site, so nothing was changed. Please go back, reload the page and try again."
            ),
            error,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:
            return error.response
        return render_error(error.code, error=error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        current_app.logger.exception("Internal error on %s %s", request.method, request.path)
        return render_error(500)
