"""Writing participations and requests: services flush, the request commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from consortium import periods
from consortium.auth.models import User
from consortium.extensions import db
from consortium.members.models import BillingIdentity, Organisation
from consortium.members.services import membership_status
from consortium.once import lock, lock_row, unique
from consortium.participation import rules
from consortium.participation.models import PHASES, Participation, ParticipationRequest
from consortium.products.models import Product

DEFAULT_NOTICE_MONTHS = 6

# What the domains above do when the secretariat grants a request to join (the agreements make
# the participation agreement), registered at start-up by name; called with the new
# participation and who decided, in the same transaction.
_ON_JOIN_APPROVED: dict[str, Callable[[Participation, User], None]] = {}


def on_join_approved(name: str, hook: Callable[[Participation, User], None]) -> None:
    """Have ``hook(participation, decided_by)`` run whenever a request to join is approved."""
    _ON_JOIN_APPROVED[name] = hook


class ParticipationError(ValueError):
    """A change refused; ``code`` names the reason for the page to translate."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def membership_start(organisation: Organisation) -> date | None:
    """The day the organisation's current active membership started, or None for a non-member."""
    current = membership_status(organisation)
    return current.status_on if current is not None and current.status == "active" else None


def _participations(organisation: Organisation, product: Product) -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation).where(
                Participation.organisation_id == organisation.id,
                Participation.product_id == product.id,
            )
        )
    )


def check_period(
    organisation: Organisation,
    product: Product,
    starts_on: date,
    ends_on: date | None,
    ignore: Participation | None = None,
) -> None:
    """Refuse a second participation of the organisation in the product for the same days.

    The organisation's row stays locked until the change is committed, so two changes of its
    participations at the same moment are checked one after the other.
    """
    if ends_on is not None and ends_on < starts_on:
        raise ParticipationError("dates")
    lock_row(Organisation, organisation.id)
    for other in _participations(organisation, product):
        if other is ignore:
            continue
        if periods.overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
            raise ParticipationError("already_participating")


def check_join(
    organisation: Organisation,
    product: Product,
    starts_on: date,
    ignore_request: ParticipationRequest | None = None,
) -> None:
    """Whether the organisation may join the product from the day; ParticipationError if not."""
    if product.status == "retired":
        raise ParticipationError("retired")
    start = membership_start(organisation)
    if start is None:
        raise ParticipationError("not_a_member")
    if starts_on < start:
        raise ParticipationError("before_membership", day=start)
    check_period(organisation, product, starts_on, None)
    pending = db.session.scalar(
        select(ParticipationRequest.id).where(
            ParticipationRequest.organisation_id == organisation.id,
            ParticipationRequest.product_id == product.id,
            ParticipationRequest.status == "pending",
            ParticipationRequest.id != (ignore_request.id if ignore_request else -1),
        )
    )
    if pending is not None:
        raise ParticipationError("pending_request")


def _check_fields(organisation, phase, billing_identity, amount_per_year) -> None:
    if phase not in PHASES:
        raise ParticipationError("phase")
    if billing_identity is not None and billing_identity.organisation_id != organisation.id:
        raise ParticipationError("billing_identity")
    if phase == "commitment" and amount_per_year is None:
        raise ParticipationError("amount_required")
    if amount_per_year is not None:
        problem = rules.amount_problem(amount_per_year)
        if problem is not None:
            raise ParticipationError("amount", problem=problem)


def create_participation(
    organisation: Organisation,
    product: Product,
    *,
    phase: str,
    starts_on: date,
    ends_on: date | None = None,
    notice_months: int = DEFAULT_NOTICE_MONTHS,
    ends_at_year_end: bool = True,
    agreement_version: str = "",
    amount_per_year: Decimal | None = None,
    billing_identity: BillingIdentity | None = None,
) -> Participation:
    """Record an organisation's commitment or agreement for a product."""
    _check_fields(organisation, phase, billing_identity, amount_per_year)
    check_period(organisation, product, starts_on, ends_on)
    participation = Participation(
        organisation=organisation,
        product=product,
        phase=phase,
        starts_on=starts_on,
        ends_on=ends_on,
        notice_months=notice_months,
        ends_at_year_end=ends_at_year_end,
        agreement_version=agreement_version,
        amount_per_year=amount_per_year,
        billing_identity=billing_identity,
    )
    with unique(ParticipationError("already_participating")):
        db.session.add(participation)
    return participation


def update_participation(participation: Participation, **fields) -> Participation:
    """Change a participation's phase, dates, terms or billing identity."""
    values = {
        key: fields.get(key, getattr(participation, key))
        for key in (
            "phase",
            "starts_on",
            "ends_on",
            "notice_months",
            "ends_at_year_end",
            "agreement_version",
            "amount_per_year",
            "billing_identity",
        )
    }
    _check_fields(
        participation.organisation,
        values["phase"],
        values["billing_identity"],
        values["amount_per_year"],
    )
    check_period(
        participation.organisation,
        participation.product,
        values["starts_on"],
        values["ends_on"],
        ignore=participation,
    )
    for key, value in values.items():
        setattr(participation, key, value)
    db.session.flush()
    return participation


def give_notice(
    participation: Participation, given_on: date, today: date | None = None
) -> Participation:
    """Record notice given on a day; the participation ends when the notice takes effect.

    The day must lie between the participation's start and NOTICE_YEARS from today.
    """
    if not rules.notice_day_in_range(given_on, today or date.today()):
        raise ParticipationError("notice_date")
    lock(participation)
    if participation.notice_given_on is not None or (
        participation.ends_on is not None and participation.ends_on < given_on
    ):
        raise ParticipationError("not_current")
    if given_on < participation.starts_on:
        raise ParticipationError("notice_before_start", day=participation.starts_on)
    try:
        end = rules.notice_takes_effect(
            given_on, participation.notice_months, participation.ends_at_year_end
        )
    except (OverflowError, ValueError) as exc:
        raise ParticipationError("notice_date") from exc
    if participation.ends_on is not None:
        end = min(end, participation.ends_on)
    participation.notice_given_on = given_on
    participation.ends_on = max(end, participation.starts_on)
    db.session.flush()
    return participation


# --- requests -----------------------------------------------------------------------------


def request_join(
    organisation: Organisation,
    product: Product,
    user: User,
    *,
    phase: str,
    starts_on: date,
    billing_identity: BillingIdentity | None,
    amount_per_year: Decimal | None,
    message: str = "",
) -> ParticipationRequest:
    """A contact asks for their organisation to join a product; the secretariat is told."""
    _check_fields(organisation, phase, billing_identity, amount_per_year)
    check_join(organisation, product, starts_on)
    request = ParticipationRequest(
        kind="join",
        organisation=organisation,
        product=product,
        phase=phase,
        starts_on=starts_on,
        billing_identity=billing_identity,
        amount_per_year=amount_per_year if phase == "commitment" else None,
        message=message,
        requested_by_user_id=user.id,
    )
    with unique(ParticipationError("pending_request")):
        db.session.add(request)
    _tell_secretariat(request, user)
    return request


def request_leave(
    participation: Participation, user: User, message: str = ""
) -> ParticipationRequest:
    """A contact gives notice to leave a current participation; the secretariat is told."""
    lock(participation)
    if participation.notice_given_on is not None or (
        participation.ends_on is not None and participation.ends_on < date.today()
    ):
        raise ParticipationError("not_current")
    pending = db.session.scalar(
        select(ParticipationRequest.id).where(
            ParticipationRequest.participation_id == participation.id,
            ParticipationRequest.status == "pending",
        )
    )
    if pending is not None:
        raise ParticipationError("pending_request")
    request = ParticipationRequest(
        kind="leave",
        organisation=participation.organisation,
        product=participation.product,
        participation=participation,
        message=message,
        requested_by_user_id=user.id,
    )
    with unique(ParticipationError("pending_request")):
        db.session.add(request)
    _tell_secretariat(request, user)
    return request


def approve(request: ParticipationRequest, decided_by: User) -> Participation:
    """Grant a request: create the participation, or record the notice; the contact is told."""
    lock(request)
    if request.status != "pending":
        raise ParticipationError("not_pending")
    if request.kind == "join":
        check_join(request.organisation, request.product, request.starts_on, request)
        participation = create_participation(
            request.organisation,
            request.product,
            phase=request.phase,
            starts_on=request.starts_on,
            amount_per_year=request.amount_per_year,
            billing_identity=request.billing_identity,
        )
        request.participation = participation
        _decide(request, decided_by, "approved", "")
        for hook in _ON_JOIN_APPROVED.values():
            hook(participation, decided_by)
        return participation
    # Notice asked for before the participation starts counts from its first day.
    participation = give_notice(
        request.participation,
        max(request.requested_at.date(), request.participation.starts_on),
    )
    _decide(request, decided_by, "approved", "")
    return participation


def decline(request: ParticipationRequest, decided_by: User, reason: str) -> None:
    """Refuse a request, with the reason the contact reads."""
    lock(request)
    if request.status != "pending":
        raise ParticipationError("not_pending")
    if not reason.strip():
        raise ParticipationError("reason_required")
    _decide(request, decided_by, "declined", reason.strip())


def _decide(request: ParticipationRequest, decided_by: User, status: str, reason: str) -> None:
    request.status = status
    request.decided_by_user_id = decided_by.id
    request.decided_at = datetime.now(UTC)
    request.decision_reason = reason
    db.session.flush()
    _tell_contact(request)


# --- mail ---------------------------------------------------------------------------------


def _tell_secretariat(request: ParticipationRequest, user: User) -> None:
    from consortium.mail.services import send_mail
    from consortium.settings.services import get_settings

    settings = get_settings()
    if not settings.email:
        return
    send_mail(
        settings.email,
        "participation/mail/new_request_subject.txt",
        "participation/mail/new_request.txt",
        settings.default_language,
        request=request,
        user=user,
        association=settings.name,
        link=_link("participation.request_detail", request_id=request.id),
    )


def _tell_contact(request: ParticipationRequest) -> None:
    from consortium.auth.services import user_language
    from consortium.mail.services import send_mail
    from consortium.settings.services import get_settings

    if request.requested_by_user_id is None:
        return
    user = db.session.get(User, request.requested_by_user_id)
    if user is None or not user.active or user.is_anonymised:
        return
    send_mail(
        user.email,
        "participation/mail/decision_subject.txt",
        "participation/mail/decision.txt",
        user_language(user),
        request=request,
        user=user,
        association=get_settings().name,
        link=_link("participation.mine"),
    )


def _link(endpoint: str, **values) -> str:
    from flask import current_app

    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
