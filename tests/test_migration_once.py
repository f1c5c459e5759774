"""The upgrade that makes each action happen once copes with rows already doubled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, select

from consortium.extensions import db
from consortium.fees.models import BudgetShare, ProductBudget
from consortium.members import services as members
from consortium.participation.models import ParticipationRequest
from consortium.products.models import Product
from tests.conftest import MIGRATIONS, make_app, new_database
from tests.test_migration_keeps_rows import _insert


@pytest.fixture
def app_before(tmp_path_factory):
    """An app on a database migrated up to the revision before."""
    app = make_app(new_database(tmp_path_factory, "consortium_before_once"))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008_fees")
        yield app
        db.session.remove()
        db.engine.dispose()


def _register():
    organisation = members.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK"
    )
    product = Product(slug="os2forms", name="OS2forms", status="product")
    db.session.add(product)
    db.session.flush()
    return organisation, product


def test_doubled_shares_and_requests_are_reduced_to_one(app_before):
    organisation, product = _register()
    budget = ProductBudget(product=product, year=2027, status="approved", amount=Decimal("100"))
    db.session.add(budget)
    db.session.flush()
    for _ in range(3):
        db.session.add(
            BudgetShare(budget_id=budget.id, organisation_id=organisation.id, amount=Decimal("100"))
        )
    for _ in range(2):
        db.session.add(
            ParticipationRequest(
                kind="join", organisation=organisation, product=product, status="pending"
            )
        )
    db.session.commit()
    first_share = min(db.session.scalars(select(BudgetShare.id)))
    first_request = min(db.session.scalars(select(ParticipationRequest.id)))
    db.session.remove()

    upgrade(directory=MIGRATIONS)

    db.session.expire_all()
    assert list(db.session.scalars(select(BudgetShare.id))) == [first_share]
    statuses = dict(
        db.session.execute(select(ParticipationRequest.id, ParticipationRequest.status)).all()
    )
    assert statuses.pop(first_request) == "pending"
    assert list(statuses.values()) == ["withdrawn"]


def test_doubled_open_participations_stop_the_upgrade_and_are_named(app_before, capfd):
    organisation, product = _register()
    # Written as the table is at this revision: the model has columns added since.
    for _ in range(2):
        _insert(
            "participation",
            organisation_id=organisation.id,
            product_id=product.id,
            phase="agreement",
            starts_on=date(2024, 1, 1),
            ends_on=None,
        )
    db.session.commit()
    organisation_id, product_id = organisation.id, product.id
    db.session.remove()
    with pytest.raises(SystemExit):
        upgrade(directory=MIGRATIONS)
    assert (
        "more than one open-ended participation in the same product: organisation "
        f"{organisation_id} in product {product_id}"
    ) in capfd.readouterr().err
    participations = Table("participation", MetaData(), autoload_with=db.session.connection())
    assert len(db.session.execute(select(participations.c.id)).all()) == 2
