"""Writing the member register: services flush, the request commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consortium.auth.services import NameNeeded, find_or_invite
from consortium.extensions import db
from consortium.members.models import (
    CONTACT_ROLES,
    PRIMARY,
    BillingIdentity,
    Membership,
    Organisation,
    OrganisationContact,
    PopulationFigure,
    TierBandSet,
)
from consortium.members.tiers import (
    MAX_POPULATION,
    OS2_BANDS,
    BandError,
    BandSet,
    band_set_for_year,
    check_bands,
)
from consortium.once import is_unique_violation, lock_row

DEFAULT_BANDS_FROM = 1900

# Which membership step may follow which: a former member can apply or be readmitted.
TRANSITIONS = {
    None: {"applied", "active"},
    "applied": {"active", "lapsed"},
    "active": {"resigned", "lapsed"},
    "resigned": {"applied", "active"},
    "lapsed": {"applied", "active"},
}


class RegisterError(ValueError):
    """A change the register refuses; ``code`` names the reason for the form to translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class NumberTaken(RegisterError):
    """Another organisation of the country already has the registration number or
    municipality code; ``field`` names which, ``owner`` is that organisation's name."""

    def __init__(self, field: str, owner: str):
        super().__init__("number_taken")
        self.field = field
        self.owner = owner


# The numbers that name one organisation of a country.
UNIQUE_NUMBERS = ("registration_number", "municipality_code")


@dataclass(frozen=True)
class TierAnswer:
    tier: str
    population: int | None
    population_year: int | None
    set_by_secretariat: bool


def band_sets() -> list[BandSet]:
    """The association's tier bands by year; OS2's default when none are set."""
    rows = db.session.scalars(select(TierBandSet).order_by(TierBandSet.effective_from_year)).all()
    sets = [
        BandSet(row.effective_from_year, tuple((int(b), t) for b, t in row.bands)) for row in rows
    ]
    # Years before the first set the association saved keep OS2's default bands.
    if not sets or sets[0].effective_from_year > DEFAULT_BANDS_FROM:
        sets.insert(0, BandSet(DEFAULT_BANDS_FROM, OS2_BANDS))
    return sets


def save_band_set(year: int, bands: tuple[tuple[int, str], ...]) -> TierBandSet:
    """Set the bands in force from a year on; years already begun or past are never rewritten."""
    if year < date.today().year:
        raise RegisterError("band_set_in_past")
    try:
        check_bands(bands)
    except BandError as exc:
        raise RegisterError("bands_invalid") from exc
    if any(bound > MAX_POPULATION for bound, _tier in bands):
        raise RegisterError("bands_too_large")
    row = db.session.scalar(select(TierBandSet).where(TierBandSet.effective_from_year == year))
    if row is None:
        row = TierBandSet(effective_from_year=year)
        db.session.add(row)
    row.bands = [[bound, tier] for bound, tier in bands]
    db.session.flush()
    return row


def population_in(organisation: Organisation, year: int) -> PopulationFigure | None:
    return next((figure for figure in organisation.populations if figure.year == year), None)


def latest_population(organisation: Organisation) -> PopulationFigure | None:
    return max(organisation.populations, key=lambda figure: figure.year, default=None)


def tier_of(
    organisation: Organisation, year: int, sets: list[BandSet] | None = None
) -> TierAnswer | None:
    """The organisation's tier in a year: the secretariat's choice, or from that year's population."""
    if organisation.tier_override:
        return TierAnswer(organisation.tier_override, None, None, True)
    figure = population_in(organisation, year)
    if figure is None:
        return None
    band_set = band_set_for_year(sets if sets is not None else band_sets(), year)
    if band_set is None:
        return None
    return TierAnswer(band_set.tier_for(figure.population), figure.population, year, False)


def current_tier(
    organisation: Organisation, sets: list[BandSet] | None = None
) -> TierAnswer | None:
    """The tier by the newest population figure (or the secretariat's choice)."""
    figure = latest_population(organisation)
    year = figure.year if figure else date.today().year
    return tier_of(organisation, year, sets)


def _check_numbers(organisation_id: int | None, values: dict) -> None:
    """Refuse a registration number or municipality code another organisation of the country
    has (NumberTaken)."""
    country = values.get("country")
    for field in UNIQUE_NUMBERS:
        number = values.get(field)
        if not country or not number:
            continue
        with db.session.no_autoflush:
            owner = db.session.scalar(
                select(Organisation).where(
                    Organisation.country == country,
                    getattr(Organisation, field) == number,
                    Organisation.id != (organisation_id or -1),
                )
            )
        if owner is not None:
            raise NumberTaken(field, owner.name)


def _save(organisation: Organisation, values: dict) -> Organisation:
    """Write the organisation in a savepoint; a number someone else saved for another
    organisation at the same moment is refused as NumberTaken, like one saved before."""
    try:
        with db.session.begin_nested():
            for key, value in values.items():
                setattr(organisation, key, value)
            db.session.add(organisation)
            db.session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        _check_numbers(organisation.id, values)
        raise NumberTaken(UNIQUE_NUMBERS[0], "") from exc
    return organisation


def create_organisation(**fields) -> Organisation:
    """Add an organisation; its registration number and municipality code are its own."""
    _check_numbers(None, fields)
    return _save(Organisation(), fields)


def update_organisation(organisation: Organisation, **fields) -> Organisation:
    """Change an organisation; a number another organisation has is refused (NumberTaken)."""
    numbers = {
        key: fields.get(key, getattr(organisation, key)) for key in ("country", *UNIQUE_NUMBERS)
    }
    _check_numbers(organisation.id, numbers)
    return _save(organisation, fields)


def set_population(
    organisation: Organisation, year: int, population: int, source: str
) -> PopulationFigure:
    """Record the population on 1 January of a year (replacing that year's figure)."""
    return set_populations(organisation, {year: population}, source)[0]


def set_populations(
    organisation: Organisation, populations: dict[int, int], source: str
) -> list[PopulationFigure]:
    """Record the populations on 1 January of several years at once (replacing those years'
    figures), in the order given; a register's history is read in one step, not one per year."""
    for population in populations.values():
        if population < 0:
            raise RegisterError("negative_population")
        if population > MAX_POPULATION:
            raise RegisterError("population_too_large")
    if organisation.id is not None:
        # Two figures for the same year at once: the second replaces the first.
        lock_row(Organisation, organisation.id)
        db.session.expire(organisation, ["populations"])
    figures = []
    for year, population in populations.items():
        figure = population_in(organisation, year)
        if figure is None:
            figure = PopulationFigure(
                organisation=organisation, year=year, population=population, source=source
            )
            db.session.add(figure)
        else:
            figure.population = population
            figure.source = source
        figures.append(figure)
    db.session.flush()
    return figures


def membership_status(organisation: Organisation) -> Membership | None:
    """The current step of the membership: the latest one recorded."""
    return organisation.memberships[-1] if organisation.memberships else None


# What the domains above do when a membership becomes active (the agreements make the
# membership agreement), registered at start-up by name; called with the organisation in the
# same transaction.
_ON_MEMBERSHIP_ACTIVE: dict[str, Callable[[Organisation], None]] = {}


def on_membership_active(name: str, hook: Callable[[Organisation], None]) -> None:
    """Have ``hook(organisation)`` run whenever a membership step makes it an active member."""
    _ON_MEMBERSHIP_ACTIVE[name] = hook


def change_membership(
    organisation: Organisation, status: str, status_on: date, reason: str = ""
) -> Membership:
    """Add a step to the membership history; earlier steps are kept.

    The organisation stays locked until the step is committed: the same step asked for twice at
    once is added once, the second finds it recorded.
    """
    if organisation.id is not None:
        lock_row(Organisation, organisation.id)
        db.session.expire(organisation, ["memberships"])
    current = membership_status(organisation)
    if current is not None and current.status == status:
        raise RegisterError("membership_already")
    allowed = TRANSITIONS[current.status if current else None]
    if status not in allowed:
        raise RegisterError("membership_transition")
    if current is not None and status_on < current.status_on:
        raise RegisterError("membership_date_before_previous")
    step = Membership(organisation=organisation, status=status, status_on=status_on, reason=reason)
    db.session.add(step)
    db.session.flush()
    if status == "active":
        for hook in _ON_MEMBERSHIP_ACTIVE.values():
            hook(organisation)
    return step


def save_billing_identity(
    organisation: Organisation, identity: BillingIdentity | None, **fields
) -> BillingIdentity:
    """Create or change a billing identity; the first one, or one marked default, is the default."""
    make_default = fields.pop("is_default", False)
    with db.session.no_autoflush:
        if identity is None:
            identity = BillingIdentity(**fields)
            organisation.billing_identities.append(identity)
        else:
            for key, value in fields.items():
                setattr(identity, key, value)
        others = [other for other in organisation.billing_identities if other is not identity]
        if make_default or not any(other.is_default for other in others):
            for other in others:
                other.is_default = False
            identity.is_default = True
    db.session.flush()
    return identity


def default_billing_identity(organisation: Organisation) -> BillingIdentity | None:
    return next(
        (identity for identity in organisation.billing_identities if identity.is_default), None
    )


def add_contact(
    organisation: Organisation,
    user_id: int,
    role: str,
    *,
    may_sign: bool = False,
    replace_primary: bool = True,
) -> OrganisationContact:
    """Link a user to the organisation; a new primary contact replaces the old one's role
    (unless ``replace_primary`` is False: then RegisterError "primary_exists").
    ``may_sign`` marks whether they may sign agreements for it."""
    organisation = _lock_contacts(organisation)
    if role == PRIMARY and not replace_primary:
        current = organisation.primary_contact
        if current is not None and current.user_id != user_id:
            raise RegisterError("primary_exists")
    if role == PRIMARY:
        for contact in organisation.contacts:
            if contact.role == PRIMARY and contact.user_id != user_id:
                contact.role = "other"
        # The old primary contact steps down before the new one is written: the database
        # keeps one primary contact per organisation.
        db.session.flush()
    existing = next(
        (contact for contact in organisation.contacts if contact.user_id == user_id), None
    )
    if existing is not None:
        existing.role = role
        existing.may_sign = may_sign
        db.session.flush()
        return existing
    contact = OrganisationContact(
        organisation=organisation, user_id=user_id, role=role, may_sign=may_sign
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def add_person_as_contact(
    organisation: Organisation,
    email: str,
    *,
    name: str,
    language: str | None,
    role: str,
    may_sign: bool,
    invited_by,
) -> tuple[OrganisationContact, bool]:
    """Add the person with that email to the contacts; someone without an account is invited
    (True). Refused, with nothing kept (no account, no invitation): RegisterError "name_needed"
    for an unknown address without a name, "already_contact", and "primary_exists" for a
    second primary contact (that takes ``make_primary``'s confirmation)."""
    try:
        with db.session.begin_nested():
            user, invited = find_or_invite(email, name, language, invited_by)
            organisation = _lock_contacts(organisation)
            if organisation.has_contact(user.id):
                raise RegisterError("already_contact")
            contact = add_contact(
                organisation, user.id, role, may_sign=may_sign, replace_primary=False
            )
    except NameNeeded as exc:
        raise RegisterError("name_needed") from exc
    return contact, invited


def _lock_contacts(organisation: Organisation) -> Organisation:
    """Serialise the changes to the organisation's contacts: the organisation stays locked until
    the change is committed, and its contacts are read afresh. Returns the session's own copy
    of the organisation (the caller's may come from an earlier session)."""
    if organisation.id is not None:
        lock_row(Organisation, organisation.id)
        state = sa_inspect(organisation)
        if state.detached:
            # Loaded by an earlier session: take it back unless this session has its own copy.
            known = db.session.identity_map.get(state.key)
            if known is None:
                db.session.add(organisation)
            else:
                organisation = known
        # Contacts loaded before the lock may show roles changed since: read them again.
        db.session.scalars(
            select(OrganisationContact)
            .where(OrganisationContact.organisation_id == organisation.id)
            .execution_options(populate_existing=True)
        ).all()
        db.session.expire(organisation, ["contacts"])
    return organisation


def _current(contact: OrganisationContact) -> OrganisationContact | None:
    """The contact as it is now, under the organisation's lock; None when it was removed."""
    organisation = _lock_contacts(contact.organisation)
    return next((other for other in organisation.contacts if other.id == contact.id), None)


def remove_contact(contact: OrganisationContact) -> None:
    """Remove a contact; the primary contact stays until another contact is made primary."""
    current = _current(contact)
    if current is None:
        raise RegisterError("contact_gone")
    if current.role == PRIMARY:
        raise RegisterError("primary_cannot_be_removed")
    current.organisation.contacts.remove(current)
    db.session.delete(current)
    db.session.flush()


def change_contact_role(
    contact: OrganisationContact, role: str, *, may_sign: bool | None = None
) -> OrganisationContact:
    """Change a contact's role (never to or from primary: that is ``make_primary``) and, when
    given, whether they may sign agreements."""
    if role not in CONTACT_ROLES or role == PRIMARY:
        raise RegisterError("role")
    current = _current(contact)
    if current is None:
        raise RegisterError("contact_gone")
    if current.role == PRIMARY:
        raise RegisterError("primary_role")
    current.role = role
    if may_sign is not None:
        current.may_sign = may_sign
    db.session.flush()
    return current


def make_primary(
    contact: OrganisationContact, replacing_id: int | None, former_role: str = "other"
) -> OrganisationContact | None:
    """Make the contact the organisation's primary contact; the one it replaces gets
    ``former_role``. Returns the contact that stopped being primary.

    ``replacing_id`` is the primary contact the person confirmed to replace (None for none):
    when someone else changed the primary contact in the meantime, nothing changes
    (RegisterError "primary_changed"), so nobody replaces a person they were not shown.
    """
    if former_role not in CONTACT_ROLES or former_role == PRIMARY:
        raise RegisterError("role")
    current = _current(contact)
    if current is None:
        raise RegisterError("contact_gone")
    if current.role == PRIMARY:
        raise RegisterError("already_primary")
    former = current.organisation.primary_contact
    if (former.id if former else None) != replacing_id:
        raise RegisterError("primary_changed")
    if former is not None:
        former.role = former_role
        db.session.flush()
    current.role = PRIMARY
    db.session.flush()
    return former


def organisations_of(user) -> list[Organisation]:
    """The organisations the user is a contact of, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(OrganisationContact)
            .where(OrganisationContact.user_id == user.id)
            .order_by(Organisation.name)
        )
    )


def organisations_on_page(user) -> list[Organisation]:
    """The organisations the user is a contact of, read once while a page is drawn: the menu
    asks for them for its own organisation, its fees, its invoices and its documents. (Not for
    what a request changes: ``organisations_of`` reads them as they are.)"""
    if not has_request_context():
        return organisations_of(user)
    key = ("organisations_on_page", user.id)
    if key not in g.setdefault("page_memo", {}):
        g.page_memo[key] = organisations_of(user)
    found: list[Organisation] = g.page_memo[key]
    return found
