"""A register with a membership schedule, a product with a budget split and its budget: the
year an invoicing run is made from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from consortium.extensions import db
from consortium.fees import services as fees
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from consortium.settings.services import get_settings, update_settings

YEAR = 2027
ON = date(2027, 2, 1)


def seller():
    return update_settings(
        get_settings(),
        name="OS2",
        legal_name="OS2 – Offentligt digitaliseringsfællesskab",
        address="Dokk1, Hack Kampmanns Plads 2\n8000 Aarhus C",
        registration_number="29189846",
        vat_number="",
        iban="DK5000400440116243",
        bic="DABADKKK",
        payment_terms_days=30,
        email="faktura@os2.example.dk",
    )


def municipality(name: str, population: int, gln: str | None, language: str = "da"):
    organisation = members.create_organisation(
        name=name,
        kind="municipality",
        country="DK",
        address=f"Rådhuset\n8000 {name.split()[0]}",
        email=f"post@{name.split()[0].lower()}.example.dk",
        language=language,
    )
    members.change_membership(organisation, "active", date(2012, 1, 1))
    members.set_population(organisation, YEAR - 1, population, "test")
    members.save_billing_identity(
        organisation,
        None,
        name="Økonomi",
        gln=gln,
        invoice_email=f"faktura@{name.split()[0].lower()}.example.dk",
        is_default=True,
    )
    return organisation


def register(budget_status: str = "approved"):
    """Aarhus (70,000 residents) and Odder (20,000) in OS2forms, Skanderborg a member only;
    DKK 25,000 membership each; the OS2forms budget of DKK 300,000.01 split by population."""
    seller()
    product = Product(slug="os2forms", name="OS2forms", status="product")
    db.session.add(product)
    aarhus = municipality("Aarhus Kommune", 70_000, "5798000000001")
    odder = municipality("Odder Kommune", 20_000, "5798000000025", language="en")
    skanderborg = municipality("Skanderborg Kommune", 30_000, None)
    db.session.flush()
    for organisation in (aarhus, odder):
        participation.create_participation(
            organisation, product, phase="agreement", starts_on=date(2020, 1, 1)
        )
    fees.save_schedule(
        YEAR,
        rule={"type": "flat", "amount": "25000.00"},
        by_kind={},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
        population_offset=1,
    )
    fees.save_tariff(
        product,
        YEAR,
        pricing={"type": "budget_split", "method": "population"},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
    )
    budget = fees.save_budget(
        product,
        YEAR,
        [
            {"purpose": "coordination", "amount": Decimal("100000.00"), "note": ""},
            {"purpose": "development", "amount": Decimal("200000.01"), "note": ""},
        ],
    )
    if budget_status == "approved":
        fees.approve_budget(budget, None)
    db.session.commit()
    return {
        "aarhus": aarhus,
        "odder": odder,
        "skanderborg": skanderborg,
        "product": product,
        "budget": budget,
    }
