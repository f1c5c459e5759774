"""The demo's agreements: a template of each kind in the four languages, and documents of each
kind, accepted and waiting. Loaded last (consortium/demo.py), after the register, suppliers,
participations and fees the documents are filled from. Uses the services only.

The demo association starts keeping its agreements in the app on the day the demo is loaded:
the participations, members and suppliers that have no document here were agreed on paper.
"""

from __future__ import annotations

from sqlalchemy import select, update

from consortium.agreements import services
from consortium.agreements.demo_texts import TEXTS
from consortium.auth.models import User
from consortium.db import utcnow
from consortium.extensions import db
from consortium.members import services as members
from consortium.members.models import Organisation, OrganisationContact
from consortium.participation.models import Participation
from consortium.settings.services import get_settings
from consortium.suppliers.models import Supplier

SECRETARIAT = "secretariat@demo.example.org"
# (organisation, signing contact or None while it waits)
MEMBERS = (
    ("Syddjurs Kommune", "anna.jensen@demo.example.org"),
    ("Aarhus Kommune", None),
)
PARTICIPANTS = (
    ("Syddjurs Kommune", "anna.jensen@demo.example.org"),
    ("Aarhus Kommune", None),
    ("Digitaliseringsstyrelsen", None),
)
SUPPLIERS = (
    ("Fjordkode ApS", "lene.berg@fjordkode.demo.example.org"),
    ("Skyhavn Hosting A/S", None),
)
# The demo's contacts who may sign for their organisation.
SIGNERS = (
    "anna.jensen@demo.example.org",
    "mette.kristensen@demo.example.org",
    "peter.madsen@demo.example.org",
)


def _user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None  # noqa: S101 - the demo logins are made first
    return found


def load_demo() -> None:
    """Publish the templates, mark the signing contacts, make the documents, send the waiting
    ones and accept the others."""
    secretariat = _user(SECRETARIAT)
    for (kind, language), (title, body) in TEXTS.items():
        services.publish_version(
            kind,
            language,
            title=title,
            body=body,
            change_note="First version",
            author=secretariat,
        )
    for contact in db.session.scalars(
        select(OrganisationContact).join(User).where(User.email.in_(SIGNERS))
    ):
        members.add_contact(contact.organisation, contact.user_id, contact.role, may_sign=True)

    made = []
    for name, signer in MEMBERS:
        organisation = _organisation(name)
        made.append(
            (
                services.make_document(
                    "membership", organisation=organisation, made_by=secretariat
                ),
                signer,
            )
        )
    for name, signer in PARTICIPANTS:
        participation = db.session.scalar(
            select(Participation)
            .join(Organisation)
            .where(Organisation.name == name, Participation.ends_on.is_(None))
            .order_by(Participation.id)
        )
        if participation is not None:
            made.append(
                (
                    services.make_document(
                        "participation", participation=participation, made_by=secretariat
                    ),
                    signer,
                )
            )
    for name, signer in SUPPLIERS:
        supplier = db.session.scalar(select(Supplier).where(Supplier.name == name))
        if supplier is not None:
            made.append(
                (services.make_document("supplier", supplier=supplier, made_by=secretariat), signer)
            )
    for document, signer in made:
        services.send_document(document, secretariat)
        if signer is not None:
            services.accept(document, _user(signer))
    with_document = {
        document.participation_id for document, _signer in made if document.participation_id
    }
    # Everything else was agreed on paper before the demo association kept agreements here.
    db.session.execute(
        update(Participation)
        .where(Participation.id.not_in(with_document))
        .values(agreed_outside_system=True)
    )
    get_settings().agreements_since = utcnow()
    db.session.flush()


def _organisation(name: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(Organisation.name == name))
    assert found is not None  # noqa: S101 - the demo register has it
    return found
