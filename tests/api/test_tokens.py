"""Personal access tokens: shown once, kept as a hash, refused once expired, revoked or when
their person is deactivated; the profile pages make, list and revoke them."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from consortium.api.models import ApiToken
from consortium.audit.models import AuditEntry
from consortium.extensions import db
from tests.api.helpers import bearer, token_for
from tests.conftest import login, make_user, sign_in

ORGANISATIONS = "/api/v1/organisations"


def test_a_token_is_kept_only_as_its_hash(app, user):
    token = token_for(user)
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.startswith(record.prefix + "_")
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr([getattr(record, column.key) for column in ApiToken.__table__.columns])


def test_a_valid_token_opens_the_api_and_notes_its_use(client, user):
    token = token_for(user)
    response = client.get(ORGANISATIONS, headers=bearer(token))
    assert response.status_code == 200
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    db.session.refresh(record)
    assert record.last_used_at is not None


def test_an_unknown_or_altered_token_is_refused(client, user):
    token = token_for(user)
    for presented in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "cst_00000000_x",
        "nonsense",
    ):
        response = client.get(ORGANISATIONS, headers=bearer(presented))
        assert response.status_code == 401, presented
        assert response.mimetype == "application/problem+json"
        assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_an_expired_token_is_refused(client, user):
    token = token_for(user)
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    record.expires_at = record.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.get(ORGANISATIONS, headers=bearer(token))
    assert response.status_code == 401
    assert response.json["detail"] == "This token has expired."


def test_a_revoked_token_is_refused_at_once(client, user):
    token = token_for(user)
    assert client.get(ORGANISATIONS, headers=bearer(token)).status_code == 200
    login(client, user.email)
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    response = client.post(f"/profile/tokens/{record.id}/revoke")
    assert response.status_code == 302
    response = client.get(ORGANISATIONS, headers=bearer(token))
    assert response.status_code == 401
    assert response.json["detail"] == "This token has been revoked."


def test_a_deactivated_persons_tokens_stop_at_once(client, user, secretariat):
    token = token_for(user)
    assert client.get(ORGANISATIONS, headers=bearer(token)).status_code == 200
    login(client, secretariat.email)
    assert client.post(f"/users/{user.id}/deactivate").status_code == 302
    response = client.get(ORGANISATIONS, headers=bearer(token))
    assert response.status_code == 401


def test_the_session_cookie_gives_no_api_access(client, user):
    login(client, user.email)
    assert client.get("/profile").status_code == 200
    response = client.get(ORGANISATIONS)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_token_opens_no_page(client, user):
    token = token_for(user)
    response = client.get("/profile", headers=bearer(token))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_token_outside_its_scopes_is_refused(client, user):
    token = token_for(user, scopes=["products:read"])
    response = client.get(ORGANISATIONS, headers=bearer(token))
    assert response.status_code == 403
    assert "register:read" in response.json["detail"]


def test_making_a_token_on_the_profile_shows_it_once(csrf_app, client, user):
    sign_in(client, user.email)
    page = client.get("/profile/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/profile/tokens",
        data={
            "csrf_token": csrf,
            "name": "Finance system",
            "days": "30",
            "scope_invoices": "write",
            "scope_fees": "read",
        },
    )
    assert response.status_code == 200
    shown = re.search(r'value="(cst_[0-9a-f]{8}_[^"]+)"', response.get_data(as_text=True))
    assert shown is not None
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert record.name == "Finance system"
    assert record.scopes == ["fees:read", "invoices:write"]
    assert record.expires_at - record.created_at == timedelta(days=30)
    again = client.get("/profile/tokens").get_data(as_text=True)
    assert shown.group(1) not in again
    assert record.prefix in again
    assert client.get(ORGANISATIONS, headers=bearer(shown.group(1))).status_code == 403


def test_a_token_without_a_name_is_not_made(client, user):
    login(client, user.email)
    response = client.post("/profile/tokens", data={"name": "", "days": "30"})
    assert response.status_code == 422
    assert db.session.scalar(select(ApiToken)) is None


def test_nobody_revokes_anothers_token_but_the_secretariat(client, user, secretariat):
    token = token_for(user)
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    make_user("mallory@example.org")
    login(client, "mallory@example.org")
    assert client.post(f"/profile/tokens/{record.id}/revoke").status_code == 403
    assert client.get("/profile/tokens/all").status_code == 403
    client.post("/sign-out")
    login(client, secretariat.email)
    page = client.get("/profile/tokens/all").get_data(as_text=True)
    assert record.prefix in page
    assert client.post(f"/profile/tokens/{record.id}/revoke").status_code == 302
    assert client.get(ORGANISATIONS, headers=bearer(token)).status_code == 401


def test_the_audit_trail_names_the_token_and_the_user(client, user):
    token = token_for(user, scopes=["register:read"])
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    creation = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "api_token", AuditEntry.record_id == str(record.id)
        )
    )
    assert creation is not None
    assert token not in str(creation.changes)
    assert creation.changes["token_hash"] == {"redacted": True}
    client.get(ORGANISATIONS, headers=bearer(token))
    login(client, user.email)
    client.post(f"/profile/tokens/{record.id}/revoke")
    revocation = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.record_type == "api_token", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert revocation.actor_user_id == user.id
