"""The primary contact changes once, also when it is confirmed several times at the same moment.

Each test runs on the database the suite runs on (its own, through ``committed_app``); on
PostgreSQL (``server_url()`` set) the organisation's row is really locked between requests.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.members import services
from consortium.members.models import OrganisationContact
from tests.conftest import make_user, server_url
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

N = 6
SECRETARIAT = "secretariat@example.org"


@pytest.fixture
def aarhus_contacts(committed_app):
    """Aarhus with Mette as primary contact and six others."""
    with committed_app.app_context():
        make_user(SECRETARIAT, secretariat=True)
        aarhus = services.create_organisation(
            name="Aarhus Kommune", kind="municipality", country="DK"
        )
        mette = make_user("mette@aarhus.example.dk", name="Mette")
        organisation_id = aarhus.id
        primary_id = services.add_contact(aarhus, mette.id, "primary").id
        others = []
        for index in range(N):
            person = make_user(f"colleague{index}@aarhus.example.dk", name=f"Colleague {index}")
            others.append(services.add_contact(aarhus, person.id, "technical").id)
        db.session.commit()
        yield committed_app, organisation_id, primary_id, others


def _primaries(organisation_id: int) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OrganisationContact.id).where(
                OrganisationContact.organisation_id == organisation_id,
                OrganisationContact.role == "primary",
            )
        )
    )


def test_one_contact_made_primary_by_several_presses_at_once_is_made_once(aarhus_contacts):
    app, organisation_id, primary_id, others = aarhus_contacts
    clients = signed_in_clients(app, SECRETARIAT, N)
    url = f"/organisations/{organisation_id}/contacts/{others[0]}/primary"
    data = {"replacing": str(primary_id), "former_role": "finance"}
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data, follow_redirects=True))
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "is now the primary contact of Aarhus Kommune") == 1
    assert count_saying(outcomes, "This person is the primary contact already.") == N - 1
    assert _primaries(organisation_id) == [others[0]]
    former = db.session.get(OrganisationContact, primary_id)
    assert former.role == "finance"
    contacts = db.session.scalar(
        select(func.count())
        .select_from(OrganisationContact)
        .where(OrganisationContact.organisation_id == organisation_id)
    )
    assert contacts == N + 1  # nobody removed, nobody added


def test_different_contacts_made_primary_at_once_leave_one_primary_contact(aarhus_contacts):
    app, organisation_id, primary_id, others = aarhus_contacts
    clients = signed_in_clients(app, SECRETARIAT, N)
    data = {"replacing": str(primary_id), "former_role": "other"}
    outcomes = fire_at_once(
        N,
        lambda i: clients[i].post(
            f"/organisations/{organisation_id}/contacts/{others[i]}/primary",
            data=data,
            follow_redirects=True,
        ),
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "is now the primary contact of Aarhus Kommune") == 1
    assert count_saying(outcomes, "The primary contact has changed in the meantime.") == N - 1
    primaries = _primaries(organisation_id)
    assert len(primaries) == 1 and primaries[0] in others
    if server_url() is not None:
        # Those who lost the race are shown the confirmation again, naming the new one.
        assert count_saying(outcomes, "stops being the primary contact.") == N - 1
