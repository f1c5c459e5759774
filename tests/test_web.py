"""CSRF, security headers, size limits and error pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consortium.auth.models import User
from consortium.extensions import db
from tests.conftest import PASSWORD, make_user


def test_form_without_csrf_token_is_shown_again_with_what_was_typed(csrf_app, user):
    client = csrf_app.test_client()
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form had expired or did not come from this site" in page
    assert f'value="{user.email}"' in page
    assert client.get("/profile").status_code == 302  # not signed in


def test_form_with_csrf_token_works(csrf_app, user):
    client = csrf_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
    ).group(1)
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def sign_in_with_token(client, email):
    """Sign in as a browser would: with the CSRF token from the sign-in page."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302


def test_state_change_without_csrf_token_changes_nothing(csrf_app, secretariat):
    other = make_user("other@example.org")
    client = csrf_app.test_client()
    sign_in_with_token(client, secretariat.email)
    response = client.post(f"/users/{other.id}/deactivate")
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert db.session.get(User, other.id).active
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert client.get("/profile").status_code == 200


def test_invite_form_reshown_after_csrf_failure_keeps_the_values_and_sends_nothing(
    csrf_app, secretariat
):
    client = csrf_app.test_client()
    sign_in_with_token(client, secretariat.email)
    response = client.post("/users/invite", data={"email": "kept@example.org", "name": "Kept Name"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Kept Name"' in page and 'value="kept@example.org"' in page
    assert db.session.scalar(select(User).where(User.email == "kept@example.org")) is None


@pytest.mark.parametrize("path", ["/", "/sign-in", "/no-such-page"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_scripts_or_styles(secretariat_client):
    for path in ["/", "/users", "/settings/", "/audit/", "/outbox/", "/profile"]:
        page = secretariat_client.get(path).get_data(as_text=True)
        # Scripts only as files of our own (the menu's), never written into the page.
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
        assert all(
            'src="/static/' in attributes and not body.strip() for attributes, body in scripts
        ), path
        assert "style=" not in page, path
        assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page, (
            path
        )


def test_session_cookie_flags(app, client, user):
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_request_too_large_gets_a_translated_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post(
            "/sign-in",
            data={"email": "x" * 5000, "password": "y"},
            headers={"Accept-Language": "da"},
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="da">' in page
    assert "File too large" not in page


@pytest.mark.parametrize("language", ["en", "da", "de", "cs"])
def test_not_found_page_is_translated(client, language):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    if language != "en":
        assert "Page not found" not in page


def test_forbidden_page(user_client):
    response = user_client.get("/users", headers={"Accept-Language": "de"})
    assert response.status_code == 403
    assert "Not allowed" not in response.get_data(as_text=True)


def test_server_error_shows_no_stack_trace(app, client, monkeypatch):
    def broken():
        raise RuntimeError("secret internal detail")

    monkeypatch.setitem(app.view_functions, "main.home", broken)
    response = client.get("/")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret internal detail" not in page and "Traceback" not in page


def test_only_trusted_hosts_are_answered(app, client):
    app.config["TRUSTED_HOSTS"] = ["consortium.example.org"]
    try:
        assert client.get("/", headers={"Host": "consortium.example.org"}).status_code == 200
        assert client.get("/", headers={"Host": "evil.example.net"}).status_code == 400
    finally:
        app.config["TRUSTED_HOSTS"] = None


def test_csrf_failure_keeps_the_access_answer(csrf_app, user):
    anonymous = csrf_app.test_client()
    response = anonymous.post("/profile", data={"name": "X"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    signed_in = csrf_app.test_client()
    sign_in_with_token(signed_in, user.email)
    assert signed_in.post("/settings/", data={"name": "Taken over"}).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/99999999999999999999",
        "/organisations/2147483648/edit",
        "/groups/?product=99999999999999999999",
        "/participation/?product=99999999999999999999&organisation=99999999999999999999",
        "/organisations/?page=99999999999999999999",
        "/audit/?page=99999999999999999999",
    ],
)
def test_numbers_no_record_can_have_are_not_found_not_errors(secretariat_client, url):
    assert secretariat_client.get(url).status_code in (200, 404)


def _writing_routes(app) -> None:
    """Test-only routes that write a user, then answer with the status the URL names."""
    from flask import abort, redirect

    from consortium.auth import services as auth_services

    def write(email: str) -> None:
        auth_services.create_user(email, "Written")
        db.session.flush()

    @app.route("/test-only/write/<email>/<int:status>", methods=["POST"])
    def write_and_answer(email, status):
        write(email)
        if status in (301, 302, 303):
            return redirect("/", code=status)
        return "answer", status

    @app.route("/test-only/write/<email>/abort/<int:status>", methods=["POST"])
    def write_and_abort(email, status):
        write(email)
        abort(status)

    @app.route("/test-only/write/<email>/raise", methods=["POST"])
    def write_and_raise(email):
        write(email)
        raise RuntimeError("after writing")


def _stored_emails(app) -> set[str]:
    """What another connection sees: only what was really committed."""
    from sqlalchemy import create_engine

    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(User.email)))
    finally:
        engine.dispose()


def test_a_request_answering_an_error_stores_nothing_it_wrote(committed_app):
    _writing_routes(committed_app)
    client = committed_app.test_client()
    cases = {
        "bad-request@example.org": "/400",
        "forbidden@example.org": "/403",
        "conflict@example.org": "/409",
        "unprocessable@example.org": "/422",
        "aborted@example.org": "/abort/403",
        "not-found@example.org": "/abort/404",
        "crashed@example.org": "/raise",
    }
    for email, ending in cases.items():
        response = client.post(f"/test-only/write/{email}{ending}")
        assert response.status_code >= 400, email
    assert _stored_emails(committed_app) & set(cases) == set()


def test_a_request_answering_success_or_a_redirect_stores_what_it_wrote(committed_app):
    _writing_routes(committed_app)
    client = committed_app.test_client()
    cases = {"ok@example.org": 200, "created@example.org": 201, "redirected@example.org": 302}
    cases |= {"see-other@example.org": 303}
    for email, status in cases.items():
        assert client.post(f"/test-only/write/{email}/{status}").status_code == status
    assert set(cases) <= _stored_emails(committed_app)
