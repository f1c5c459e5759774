"""The demo's participations: commitments and agreements per product, and pending requests.

Loaded after the member register (consortium/demo.py) and the products. Uses the services only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.auth import services as auth_services
from consortium.extensions import db
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.participation import services
from consortium.products.models import Product

# Pending requests to join: (contact's email, organisation, phase, amount per year).
PENDING_REQUESTS = (
    ("anna.jensen@demo.example.org", "Syddjurs Kommune", "agreement", None),
    ("mette.kristensen@demo.example.org", "Aarhus Kommune", "commitment", Decimal("40000.00")),
    ("peter.madsen@demo.example.org", "Digitaliseringsstyrelsen", "agreement", None),
)
PER_PRODUCT = 5
# The demo logins' organisations take part in a product each, so their pages show something.
FEATURED = ("Syddjurs Kommune", "Aarhus Kommune", "Odense Kommune", "Norddjurs Kommune")


def _active_members() -> list[tuple[Organisation, date]]:
    """Active member organisations with the day their membership started, by name."""
    found = []
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        started = services.membership_start(organisation)
        if started is not None:
            found.append((organisation, started))
    return found


def load_demo(today: date | None = None) -> None:
    """Add participations for several organisations per product, and a few pending requests."""
    today = today or date.today()
    organisations = _active_members()
    products = db.session.scalars(
        select(Product).where(Product.status != "retired").order_by(Product.name)
    ).all()
    if not organisations or not products:
        return
    joined: dict[int, set[int]] = {}
    for number, product in enumerate(products):
        # Products still being built are funded by commitments; products in use by agreements.
        phase = "agreement" if product.status == "product" else "commitment"
        for offset in range(PER_PRODUCT):
            organisation, member_since = organisations[
                (number * 7 + offset * 3) % len(organisations)
            ]
            if organisation.id in joined.setdefault(product.id, set()):
                continue
            starts_on = max(member_since, date(today.year - 2 + offset % 2, 1, 1))
            participation = services.create_participation(
                organisation,
                product,
                phase=phase,
                starts_on=starts_on,
                notice_months=6,
                ends_at_year_end=offset != 3,
                agreement_version=f"{starts_on.year}.1",
                amount_per_year=(
                    Decimal(10000 + 5000 * offset).quantize(Decimal("0.01"))
                    if phase == "commitment"
                    else None
                ),
                billing_identity=members.default_billing_identity(organisation),
            )
            joined[product.id].add(organisation.id)
            # One organisation per product has given notice, which shows an end date.
            if offset == PER_PRODUCT - 1:
                services.give_notice(participation, max(date(today.year, 2, 1), starts_on), today)
    by_name = {organisation.name: (organisation, since) for organisation, since in organisations}
    for index, name in enumerate(FEATURED):
        if name not in by_name:
            continue
        organisation, member_since = by_name[name]
        product = products[(index + 1) % len(products)]
        try:
            services.create_participation(
                organisation,
                product,
                phase="agreement",
                starts_on=max(member_since, date(today.year - 3, 1, 1)),
                agreement_version=f"{today.year - 3}.1",
                billing_identity=members.default_billing_identity(organisation),
            )
        except services.ParticipationError:
            continue
    for index, (email, organisation_name, phase, amount) in enumerate(PENDING_REQUESTS):
        user = auth_services.find_user_by_email(email)
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == organisation_name)
        )
        if user is None or organisation is None or services.membership_start(organisation) is None:
            continue
        for product in products[index:] + products[:index]:
            try:
                services.request_join(
                    organisation,
                    product,
                    user,
                    phase=phase,
                    starts_on=date(today.year + 1, 1, 1),
                    billing_identity=members.default_billing_identity(organisation),
                    amount_per_year=amount,
                    message="We would like to take part from next year.",
                )
            except services.ParticipationError:
                continue
            break
    db.session.flush()
