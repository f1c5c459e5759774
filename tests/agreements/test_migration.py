"""Upgrading to 0018 records every participation that exists as agreed outside the system,
so nothing already agreed has to be signed again; one made afterwards waits for its agreement."""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, select

from consortium.extensions import db
from tests.conftest import MIGRATIONS, make_app, new_database
from tests.test_migration_keeps_rows import _insert


@pytest.fixture
def app_before(tmp_path_factory):
    app = make_app(new_database(tmp_path_factory, "consortium_agreements_before"))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0017_settlements")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_existing_participations_count_as_agreed_outside_the_system(app_before):
    organisation = _insert("organisation", name="Odder Kommune", kind="municipality", country="DK")
    product = _insert("product", slug="os2forms", name="OS2forms")
    existing = _insert(
        "participation",
        organisation_id=organisation,
        product_id=product,
        phase="agreement",
        starts_on=date(2020, 1, 1),
        ends_on=None,
    )
    db.session.commit()
    db.session.remove()

    upgrade(directory=MIGRATIONS)

    from consortium.agreements import queries
    from consortium.participation.models import Participation

    participations = Table("participation", MetaData(), autoload_with=db.session.connection())
    assert db.session.scalar(
        select(participations.c.agreed_outside_system).where(participations.c.id == existing)
    )
    later = _insert(
        "participation",
        organisation_id=organisation,
        product_id=product,
        phase="commitment",
        starts_on=date(2019, 1, 1),
        ends_on=date(2019, 12, 31),
    )
    assert not db.session.scalar(
        select(participations.c.agreed_outside_system).where(participations.c.id == later)
    )
    assert queries.participation_state(db.session.get(Participation, existing)) == "outside"
