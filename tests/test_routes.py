"""Every URL the app registers, visited as anonymous, plain users, contacts of other records and the secretariat."""

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
    "auth.sign_out_everywhere": ("POST", "/profile/sign-out-everywhere", SIGNED_IN),
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
    "mail.retry": ("POST", "/outbox/{message}/retry", SECRETARIAT),
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
    "public.products": ("GET", "/public/products", PUBLIC),
    "public.product": ("GET", "/public/products/public-route-product", PUBLIC),
    "public.members": ("GET", "/public/members", PUBLIC),
    "public.suppliers": ("GET", "/public/suppliers", PUBLIC),
    "public.publiccode_yml": (
        "GET",
        "/public/products/public-route-product/publiccode.yml",
        PUBLIC,
    ),
    "suppliers.register": ("GET", "/suppliers/register", PUBLIC),
    "suppliers.thanks": ("GET", "/suppliers/register/thanks", PUBLIC),
    "suppliers.code_of_conduct": ("GET", "/suppliers/code-of-conduct", PUBLIC),
    "suppliers.index": ("GET", "/suppliers/", SECRETARIAT),
    "suppliers.expiring": ("GET", "/suppliers/agreements/expiring", SECRETARIAT),
    "suppliers.mine": ("GET", "/suppliers/mine", SIGNED_IN),
    "suppliers.detail": ("GET", "/suppliers/{supplier}", SECRETARIAT),
    "suppliers.edit": ("GET", "/suppliers/{supplier}/edit", SECRETARIAT),
    "suppliers.approve": ("POST", "/suppliers/{supplier}/approve", SECRETARIAT),
    "suppliers.reject": ("POST", "/suppliers/{supplier}/reject", SECRETARIAT),
    "suppliers.agreement": ("GET", "/suppliers/{supplier}/agreements/new", SECRETARIAT),
    "groups.index": ("GET", "/groups/", SECRETARIAT),
    "groups.mine": ("GET", "/groups/mine", SIGNED_IN),
    "groups.create": ("GET", "/groups/new", SECRETARIAT),
    "groups.detail": ("GET", "/groups/{group}", SECRETARIAT),
    "groups.edit": ("GET", "/groups/{group}/edit", SECRETARIAT),
    "groups.add_member": ("GET", "/groups/{group}/members/new", SECRETARIAT),
    "groups.end_term": ("POST", "/groups/{group}/members/{group_member}/end", SECRETARIAT),
    "participation.index": ("GET", "/participation/", SECRETARIAT),
    "participation.create": ("GET", "/participation/organisations/{organisation}/new", SECRETARIAT),
    "participation.edit": ("GET", "/participation/{participation}/edit", SECRETARIAT),
    "participation.notice": ("GET", "/participation/{participation}/notice", SECRETARIAT),
    "participation.mine": ("GET", "/participation/mine", SIGNED_IN),
    "participation.join": ("GET", "/participation/organisations/{organisation}/join", SECRETARIAT),
    "participation.leave": ("GET", "/participation/{participation}/leave", SECRETARIAT),
    "participation.requests": ("GET", "/participation/requests", SECRETARIAT),
    "participation.request_detail": (
        "GET",
        "/participation/requests/{participation_request}",
        SECRETARIAT,
    ),
    "participation.approve": (
        "POST",
        "/participation/requests/{participation_request}/approve",
        SECRETARIAT,
    ),
    "participation.decline": (
        "POST",
        "/participation/requests/{participation_request}/decline",
        SECRETARIAT,
    ),
    "products.index": ("GET", "/products/", SIGNED_IN),
    "products.create": ("GET", "/products/new", SECRETARIAT),
    "products.import_publiccode": ("GET", "/products/import", SECRETARIAT),
    "products.requirements": ("GET", "/products/requirements", SIGNED_IN),
    "products.edit_requirement": ("GET", "/products/requirements/{requirement}", SECRETARIAT),
    "products.detail": ("GET", "/products/public-route-product", SIGNED_IN),
    "products.edit": ("GET", "/products/public-route-product/edit", SECRETARIAT),
    "products.descriptions": ("GET", "/products/public-route-product/descriptions", SECRETARIAT),
    "products.assessment": ("GET", "/products/public-route-product/assessment", SIGNED_IN),
    "products.rate": (
        "POST",
        "/products/public-route-product/assessment/{requirement}",
        SECRETARIAT,
    ),
    "products.level_decision": ("GET", "/products/public-route-product/level", SECRETARIAT),
    "products.publiccode_yml": ("GET", "/products/public-route-product/publiccode.yml", SIGNED_IN),
    # Fee settings, budgets and the preview (tariffs/views.py).
    "tariffs.index": ("GET", "/fees/", SECRETARIAT),
    "tariffs.schedule_new": ("GET", "/fees/schedules/new", SECRETARIAT),
    "tariffs.schedule_edit": ("GET", "/fees/schedules/2027", SECRETARIAT),
    "tariffs.schedule_copy": ("GET", "/fees/schedules/2027/copy", SECRETARIAT),
    "tariffs.product_year": ("GET", "/fees/products/public-route-product/2027", SECRETARIAT),
    "tariffs.tariff_edit": ("GET", "/fees/products/public-route-product/2027/tariff", SECRETARIAT),
    "tariffs.budget_edit": ("GET", "/fees/products/public-route-product/2027/budget", SECRETARIAT),
    "tariffs.budget_approve": (
        "POST",
        "/fees/products/public-route-product/2027/budget/approve",
        SECRETARIAT,
    ),
    "tariffs.budget_to_draft": (
        "POST",
        "/fees/products/public-route-product/2027/budget/draft",
        SECRETARIAT,
    ),
    "tariffs.budget_freeze": (
        "POST",
        "/fees/products/public-route-product/2027/budget/freeze",
        SECRETARIAT,
    ),
    "tariffs.budget_confirm": (
        "POST",
        "/fees/products/public-route-product/2027/budget/confirm",
        SECRETARIAT,
    ),
    "tariffs.preview": ("GET", "/fees/preview?year=2027", SECRETARIAT),
    "privacy.export": ("GET", "/privacy/users/{other}/export", SECRETARIAT),
    "privacy.anonymise": ("GET", "/privacy/users/{other}/anonymise", SECRETARIAT),
    # Member fee pages (tariffs/member_views.py): a contact of another organisation gets 403.
    "tariffs.member_what_if": (
        "GET",
        "/fees/products/public-route-product/what-if?organisation={organisation}",
        SECRETARIAT,
    ),
    "tariffs.member_what_if_choose": (
        "GET",
        "/fees/what-if?organisation={organisation}",
        SECRETARIAT,
    ),
    "tariffs.member_expected": ("GET", "/fees/organisations/{organisation}/expected", SECRETARIAT),
    "tariffs.member_expected_csv": (
        "GET",
        "/fees/organisations/{organisation}/expected.csv",
        SECRETARIAT,
    ),
    "tariffs.member_expected_pdf": (
        "GET",
        "/fees/organisations/{organisation}/expected.pdf",
        SECRETARIAT,
    ),
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
    from consortium.products.models import Product

    # A product the public pages show (added directly: the products package owns its services).
    db.session.add(Product(slug="public-route-product", name="Public route product"))
    db.session.flush()
    from consortium.suppliers.models import Supplier

    supplier = Supplier(
        name="Route Supplier ApS",
        country="DK",
        registration_number="29189757",
        contact_name="Route",
        contact_email="route@supplier.example.dk",
    )
    db.session.add(supplier)
    db.session.flush()
    return {
        "other": other.id,
        "message": message.id,
        "organisation": organisation.id,
        "supplier": supplier.id,
        "requirement": _first_requirement_id(),
        **_group_and_participation_objects(organisation, other),
    }


def _first_requirement_id() -> int:
    """A requirement of the maturity list (products/), seeded by the migrations."""
    from consortium.products import queries, services

    services.ensure_default_requirements()
    return queries.requirements()[0].id


def _group_and_participation_objects(organisation, other) -> dict:
    """A group with a member, and a participation with a pending request (groups/, participation/)."""
    from datetime import date

    from consortium.extensions import db
    from consortium.groups import services as groups
    from consortium.members import services as members
    from consortium.participation.models import Participation, ParticipationRequest
    from consortium.products.models import Product

    members.add_contact(organisation, other.id, "other")
    group = groups.create_group("board", "Route board")
    member = groups.add_member(group, other, organisation=organisation, starts_on=date(2025, 1, 1))
    product = Product(slug="route-participation-product", name="Route participation product")
    participation = Participation(
        organisation=organisation, product=product, phase="agreement", starts_on=date(2025, 1, 1)
    )
    request = ParticipationRequest(
        kind="join",
        organisation=organisation,
        product=product,
        phase="agreement",
        starts_on=date(2026, 1, 1),
    )
    db.session.add_all([product, participation, request])
    db.session.flush()
    return {
        "group": group.id,
        "group_member": member.id,
        "participation": participation.id,
        "participation_request": request.id,
    }


def _give_own_records(role: str, visitor) -> None:
    """The visitor's own organisation, supplier or group: never the ones the URLs name."""
    from datetime import date

    from consortium.extensions import db
    from consortium.groups import services as groups
    from consortium.members import services as members
    from consortium.suppliers.models import Supplier, SupplierContact

    if role in ("contact", "group member"):
        own = members.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
        members.add_contact(own, visitor.id, "primary")
        if role == "group member":
            group = groups.create_group("general_assembly", "Own assembly")
            groups.add_member(group, visitor, organisation=own, starts_on=date(2025, 1, 1))
    if role == "supplier contact":
        supplier = Supplier(
            name="Own Supplier ApS",
            country="DK",
            registration_number="55133018",
            contact_name="Own",
            contact_email="own@supplier.example.dk",
            status="approved",
        )
        db.session.add(supplier)
        db.session.flush()
        db.session.add(SupplierContact(supplier_id=supplier.id, user_id=visitor.id))
        db.session.flush()


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
@pytest.mark.parametrize(
    "role", ["anonymous", "user", "contact", "supplier contact", "group member", "secretariat"]
)
def test_access(app, client, objects, endpoint, role):
    """A contact of another organisation, a contact of another supplier and a member of
    another group have no more rights on these records than any signed-in user."""
    method, url, who = ROUTES[endpoint]
    visitor = None
    if role != "anonymous":
        email = f"{role.replace(' ', '-')}-visitor@example.org"
        visitor = make_user(email, secretariat=role == "secretariat")
        _give_own_records(role, visitor)
        assert login(client, email).status_code == 302
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
