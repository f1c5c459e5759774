"""Organisations with billing identities, and draft invoices with lines."""

from __future__ import annotations

from decimal import Decimal

from consortium.invoicing import services
from consortium.invoicing.models import Invoice
from consortium.members import services as members
from consortium.members.models import Organisation


def buyer(
    name: str = "Aarhus Kommune",
    *,
    registration_number: str | None = None,
    gln: str | None = "5798000000001",
    reference: str = "",
    country: str = "DK",
    address: str = "Rådhuspladsen 2\n8000 Aarhus C",
) -> Organisation:
    """A municipality with one billing identity (the default), addressed by its EAN."""
    organisation = members.create_organisation(
        name=name,
        kind="municipality",
        country=country,
        registration_number=registration_number,
        address=address,
        language="da",
    )
    members.save_billing_identity(
        organisation,
        None,
        name="Økonomiafdelingen",
        gln=gln,
        invoice_reference=reference,
        invoice_email="faktura@aarhus.example.dk",
        is_default=True,
    )
    return organisation


def draft(organisation: Organisation, *amounts: str, component: str = "membership") -> Invoice:
    """A draft invoice to the organisation's default billing identity, one line per amount."""
    identity = members.default_billing_identity(organisation)
    invoice = services.create_draft(organisation, identity)
    for position, amount in enumerate(amounts or ("25000.00",), start=1):
        services.add_line(invoice, component, f"Line {position}", Decimal(amount))
    return invoice


def gln(index: int) -> str:
    """A valid GLN (with its GS1 check digit) of the Danish range, numbered by ``index``."""
    data = f"5798{index:08d}"
    total = sum(int(digit) * (1 if position % 2 == 0 else 3) for position, digit in enumerate(data))
    return data + str((10 - total % 10) % 10)


def complete_seller():
    """The association with everything a valid Peppol e-invoice needs of its seller."""
    from consortium.settings.services import get_settings, update_settings

    return update_settings(
        get_settings(),
        name="OS2",
        address="Dokk1, Hack Kampmanns Plads 2\n8000 Aarhus C",
        registration_number="29189846",
        iban="DK5000400440116243",
        bic="DABADKKK",
    )
