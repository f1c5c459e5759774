"""Every URL the app registers, visited as anonymous, a plain user and the secretariat."""

from __future__ import annotations

import pytest

from tests.conftest import login, make_user

PUBLIC, SIGNED_IN, SECRETARIAT = "public", "signed-in", "secretariat"

# endpoint -> (method, url, who may use it). A new route must be declared here.
ROUTES = {
    "main.home": ("GET", "/", PUBLIC),
    "main.language": ("POST", "/language", PUBLIC),
    "static": ("GET", "/static/css/app.css", PUBLIC),
    "auth.login": ("GET", "/sign-in", PUBLIC),
    "auth.logout": ("POST", "/sign-out", PUBLIC),
    "auth.forgot_password": ("GET", "/forgot-password", PUBLIC),
    "auth.reset_password": ("GET", "/reset-password/unknown-token", PUBLIC),
    "auth.set_password": ("GET", "/invitation/unknown-token", PUBLIC),
    "auth.profile": ("GET", "/profile", SIGNED_IN),
    "auth.change_password": ("GET", "/profile/password", SIGNED_IN),
    "auth.users": ("GET", "/users", SECRETARIAT),
    "auth.invite": ("GET", "/users/invite", SECRETARIAT),
    "auth.user_detail": ("GET", "/users/{other}", SECRETARIAT),
    "auth.deactivate": ("POST", "/users/{other}/deactivate", SECRETARIAT),
    "auth.reactivate": ("POST", "/users/{other}/reactivate", SECRETARIAT),
    "auth.resend_invitation": ("POST", "/users/{other}/resend-invitation", SECRETARIAT),
    "settings.edit": ("GET", "/settings/", SECRETARIAT),
    "settings.tiers": ("GET", "/settings/tiers", SECRETARIAT),
    "audit.index": ("GET", "/audit/", SECRETARIAT),
    "audit.record": ("GET", "/audit/user/{other}", SECRETARIAT),
    "mail.index": ("GET", "/outbox/", SECRETARIAT),
    "mail.message": ("GET", "/outbox/{message}", SECRETARIAT),
    "members.index": ("GET", "/organisations/", SIGNED_IN),
    "members.create": ("GET", "/organisations/new", SECRETARIAT),
    "members.detail": ("GET", "/organisations/{organisation}", SECRETARIAT),
    "members.edit": ("GET", "/organisations/{organisation}/edit", SECRETARIAT),
    "members.population": ("GET", "/organisations/{organisation}/population", SECRETARIAT),
    "members.membership": ("GET", "/organisations/{organisation}/membership", SECRETARIAT),
    "members.billing_identity": ("GET", "/organisations/{organisation}/billing/new", SECRETARIAT),
    "members.add_contact": ("GET", "/organisations/{organisation}/contacts/new", SECRETARIAT),
    "members.export": ("GET", "/organisations/export.csv", SECRETARIAT),
    "members.import_upload": ("GET", "/organisations/import", SECRETARIAT),
    "members.import_confirm": ("POST", "/organisations/import/{pending}", SECRETARIAT),
    "privacy.index": ("GET", "/privacy/", PUBLIC),
    "privacy.export": ("GET", "/privacy/users/{other}/export", SECRETARIAT),
    "privacy.anonymise": ("GET", "/privacy/users/{other}/anonymise", SECRETARIAT),
}


def test_every_route_is_declared(app):
    registered = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert registered - set(ROUTES) == set(), (
        "declare the new routes in ROUTES with who may use them"
    )
    assert set(ROUTES) - registered == set()


@pytest.fixture
def objects(app):
    from consortium.auth import services

    other = make_user("other@example.org")
    invited = services.create_user("invitee@example.org", "Invitee")
    services.invite_user(invited, None)
    from sqlalchemy import select

    from consortium.extensions import db
    from consortium.mail.models import OutboxMessage

    message = db.session.scalars(select(OutboxMessage)).first()
    from consortium.members import services as members

    organisation = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK"
    )
    return {"other": other.id, "message": message.id, "organisation": organisation.id}


def _pending_import(user_id: int) -> int:
    """An uploaded file waiting for its uploader's confirmation."""
    from consortium.extensions import db
    from consortium.members.models import PendingImport

    pending = PendingImport(user_id=user_id, filename="x.csv", content=b"name,kind,country\n")
    db.session.add(pending)
    db.session.flush()
    return pending.id


def _visit(client, method, url):
    response = client.get(url) if method == "GET" else client.post(url, data={})
    response.close()  # a static file is streamed from an open file
    return response


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("role", ["anonymous", "user", "contact", "secretariat"])
def test_access(app, client, objects, endpoint, role):
    """A contact of another organisation has no more rights on this one than any user."""
    method, url, who = ROUTES[endpoint]
    visitor = None
    if role != "anonymous":
        visitor = make_user(f"{role}-visitor@example.org", secretariat=role == "secretariat")
        if role == "contact":
            from consortium.members import services as members

            own = members.create_organisation(
                name="Odder Kommune", kind="municipality", country="DK"
            )
            members.add_contact(own, visitor.id, "primary")
        assert login(client, f"{role}-visitor@example.org").status_code == 302
    # Each uploads their own file; others' uploads are not theirs to confirm.
    url = url.format(
        pending=_pending_import(visitor.id if visitor else objects["other"]), **objects
    )
    response = _visit(client, method, url)
    allowed = who == PUBLIC or (who == SIGNED_IN and role != "anonymous") or role == "secretariat"
    if allowed:
        assert response.status_code in (200, 302, 410), (endpoint, role, response.status_code)
        if response.status_code == 302:
            assert (
                "/sign-in" not in response.headers["Location"] or endpoint == "auth.reset_password"
            )
    elif role == "anonymous":
        assert response.status_code == 302, (endpoint, response.status_code)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        assert response.status_code == 403, (endpoint, role, response.status_code)
