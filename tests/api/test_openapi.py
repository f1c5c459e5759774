"""The API against its own OpenAPI document, with Schemathesis: for a token of each kind of
caller (and none), every operation answers no server error, every answer matches its schema
and content type, and every status it gives is documented. At most 20 examples per operation,
on a copy of the demo association."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from consortium.auth.models import User
from consortium.extensions import db
from tests.api.helpers import bearer, token_for
from tests.conftest import make_app

# Demo accounts (consortium/demo.py): the secretariat, a municipality's contact, a supplier's
# contact; and a user who is no one's contact.
CALLERS = {
    "secretariat": "secretariat@demo.example.org",
    "contact": "anna.jensen@demo.example.org",
    "supplier contact": None,
    "user": "",
    "anonymous": None,
}


# The blueprints (tags) whose operations answer anyone, with or without a token.
PUBLIC_TAGS = {"api-public", "api-products"}


# No server error, every answer of a documented status, content type, headers and schema. (A
# request the document allows may still be refused for what it says, such as an organisation
# not in the register or more than an invoice's balance: a documented 422, so Schemathesis's
# "valid data is accepted" check is not among these.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def schema_app(demo_database):
    # The throttle is tested on its own (test_resources.py); here it counts nothing.
    app = make_app(demo_database, API_CALLS_PER_TOKEN=0, API_CALLS_PER_ADDRESS=0)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def tokens(schema_app) -> dict[str, dict[str, str]]:
    """The Authorization header of each caller."""
    from consortium.suppliers.models import SupplierContact

    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    with schema_app.app_context():
        for role, email in CALLERS.items():
            if role == "anonymous":
                continue
            if role == "user":
                from tests.conftest import make_user

                person = make_user("nobody-in-particular@example.org")
            elif role == "supplier contact":
                person = db.session.get(
                    User, db.session.scalars(select(SupplierContact.user_id)).first()
                )
            else:
                person = db.session.scalar(select(User).where(User.email == email))
            assert person is not None, role
            headers[role] = bearer(token_for(person))
        db.session.remove()
    return headers


@pytest.fixture(scope="module")
def api_schema(schema_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", schema_app)


@pytest.mark.postgresql  # the run: on the database production uses
@pytest.mark.parametrize("caller", list(CALLERS))
def test_the_api_keeps_to_its_document(caller, api_schema, tokens, schema_app):
    headers = tokens[caller]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        examples = 20
        if operation.path.endswith("/fees/preview"):
            # The year's preview computes every organisation's fees at each call, and takes a
            # year only: a few examples cover it.
            examples = 5
        elif caller == "anonymous" and not PUBLIC_TAGS & set(operation.definition.raw["tags"]):
            # Without a token these are refused (401) before anything sent is read.
            examples = 2

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_the_document(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_to_the_document()


def test_the_fee_preview_adds_up_to_each_organisations_expected_fees(schema_app, tokens):
    """The year's preview (the secretariat) and one organisation's expected fees (its contact)
    come from the same engine: the organisation's charges add up to its total."""
    client = schema_app.test_client()
    preview = client.get("/api/v1/fees/preview?year=2027", headers=tokens["secretariat"])
    assert preview.status_code == 200, preview.json
    organisation_id = preview.json["charges"][0]["organisation_id"]
    expected = client.get(
        f"/api/v1/organisations/{organisation_id}/expected-fees?year=2027",
        headers=tokens["secretariat"],
    ).json
    from decimal import Decimal

    own = [c for c in preview.json["charges"] if c["organisation_id"] == organisation_id]
    assert sum(Decimal(c["amount"]) for c in own) == Decimal(expected["total"])
    assert client.get("/api/v1/fees/preview", headers=tokens["contact"]).status_code == 403


def test_a_products_recorded_shares_add_up_to_its_approved_budget(schema_app, tokens):
    """The demo splits some products' budgets by population and approves them: the API shows
    each participant's recorded share, they add up to the budget, and nothing has changed
    since they were recorded. Only the secretariat reads them."""
    from decimal import Decimal

    from consortium.fees.models import ProductBudget

    with schema_app.app_context():
        budget = next(
            budget
            for budget in db.session.scalars(
                select(ProductBudget).where(ProductBudget.status == "approved")
            )
            if budget.shares
        )
        url = f"/api/v1/products/{budget.product.slug}/shares/{budget.year}"
        amount, count = budget.amount, len(budget.shares)
        db.session.remove()
    client = schema_app.test_client()
    shares = client.get(url, headers=tokens["secretariat"])
    assert shares.status_code == 200, shares.json
    assert len(shares.json["shares"]) == count
    assert sum(Decimal(share["amount"]) for share in shares.json["shares"]) == amount
    assert Decimal(shares.json["total"]) == amount
    assert shares.json["changes"] == [] and shares.json["changes_problem"] is None
    assert client.get(url, headers=tokens["contact"]).status_code == 403
