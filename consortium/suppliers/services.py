"""Writing the supplier register: services flush, the request commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.db import utcnow
from consortium.extensions import db
from consortium.mail.services import send_mail
from consortium.once import find_or_create, lock
from consortium.settings.services import get_settings
from consortium.suppliers import queries
from consortium.suppliers.models import (
    SERVICE_TYPES,
    Supplier,
    SupplierAgreement,
    SupplierContact,
)


class SupplierError(ValueError):
    """A change the register refuses; ``code`` names the reason for the view to translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _language(supplier: Supplier) -> str:
    languages = current_app.config["LANGUAGES"]
    if supplier.language in languages:
        return supplier.language
    return get_settings().default_language


def _service_types(values) -> list[str]:
    return [value for value in SERVICE_TYPES if value in set(values)]


def register_supplier(
    *,
    name: str,
    country: str,
    registration_number: str,
    address: str,
    contact_name: str,
    contact_email: str,
    service_types: list[str],
    product_ids: list[int],
    statement: str,
    language: str | None,
) -> Supplier:
    """Record a company's registration as pending, and tell the contact and the secretariat.

    A company that was rejected may apply again: its record is reopened as a new pending
    application with the data now given (the audit trail keeps the earlier values). A company
    that is pending or approved is refused as ``duplicate``, also when another registration of
    it is saved at the same moment.
    """
    country = country.upper()
    values = {
        "name": name.strip(),
        "vat_number": registration_number if country != "DK" else "",
        "address": address.strip(),
        "contact_name": contact_name.strip(),
        "contact_email": auth_services.normalise_email(contact_email),
        "service_types": _service_types(service_types),
        "statement": statement.strip(),
        "language": language or None,
        "code_of_conduct_accepted_at": utcnow(),
        "status": "pending",
        "products_wanted": queries.products_by_ids(product_ids),
    }
    existing = queries.find_registered(country, registration_number, for_update=True)
    if existing is not None and existing.status != "rejected":
        raise SupplierError("duplicate")
    try:
        with db.session.begin_nested():
            if existing is None:
                supplier = Supplier(
                    country=country, registration_number=registration_number, **values
                )
                db.session.add(supplier)
            else:
                supplier = _reopen(existing, values)
            db.session.flush()
    except IntegrityError as exc:
        raise SupplierError("duplicate") from exc
    settings = get_settings()
    send_mail(
        supplier.contact_email,
        "suppliers/mail/received_subject.txt",
        "suppliers/mail/received.txt",
        _language(supplier),
        supplier=supplier,
        association=settings.name,
    )
    if settings.email:
        send_mail(
            settings.email,
            "suppliers/mail/new_registration_subject.txt",
            "suppliers/mail/new_registration.txt",
            settings.default_language,
            supplier=supplier,
            link=_link("suppliers.detail", supplier_id=supplier.id),
        )
    return supplier


def _reopen(supplier: Supplier, values: dict) -> Supplier:
    """A rejected supplier applies again: a new pending application replaces the old data."""
    # Whoever spoke for the rejected application does not speak for the new one.
    for contact in list(supplier.contacts):
        db.session.delete(contact)
    # Without flushing halfway (loading the old collections would), so the audit trail has
    # the change in one entry.
    with db.session.no_autoflush:
        for key, value in values.items():
            setattr(supplier, key, value)
        supplier.decided_at = None
        supplier.decision_reason = ""
        supplier.created_at = utcnow()
    return supplier


def _link(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def update_supplier(supplier: Supplier, **values) -> Supplier:
    """Change a supplier's contact data and statement (and, for the secretariat, its name)."""
    allowed = {
        "name",
        "address",
        "contact_name",
        "contact_email",
        "service_types",
        "statement",
        "language",
    }
    for key, value in values.items():
        if key not in allowed:
            raise KeyError(key)
        if key == "service_types":
            value = _service_types(value)
        elif key == "contact_email":
            value = auth_services.normalise_email(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(supplier, key, value)
    db.session.flush()
    return supplier


def add_contact(supplier: Supplier, user: User) -> SupplierContact:
    """Make the user a contact of the supplier (once)."""

    def find() -> SupplierContact | None:
        return db.session.scalar(
            select(SupplierContact).where(
                SupplierContact.supplier_id == supplier.id, SupplierContact.user_id == user.id
            )
        )

    def create() -> SupplierContact:
        contact = SupplierContact(supplier=supplier, user=user)
        db.session.add(contact)
        return contact

    return find_or_create(find, create)[0]


# What the domains above do when a supplier is approved (the agreements make the supplier
# agreement), registered at start-up by name; called in the same transaction.
_ON_APPROVED: dict[str, Callable[[Supplier, User | None], None]] = {}


def on_approved(name: str, hook: Callable[[Supplier, User | None], None]) -> None:
    """Have ``hook(supplier, decided_by)`` run whenever a supplier is approved."""
    _ON_APPROVED[name] = hook


def approve(supplier: Supplier, decided_by: User | None) -> User:
    """Approve a pending supplier; its contact gets an account (or their existing one)."""
    lock(supplier)
    if supplier.status == "approved":
        raise SupplierError("decided")
    user, new_account = find_or_create(
        lambda: auth_services.find_user_by_email(supplier.contact_email),
        lambda: auth_services.create_user(
            supplier.contact_email, supplier.contact_name, language=supplier.language
        ),
    )
    add_contact(supplier, user)
    supplier.status = "approved"
    supplier.decided_at = utcnow()
    supplier.decision_reason = ""
    db.session.flush()
    settings = get_settings()
    send_mail(
        supplier.contact_email,
        "suppliers/mail/approved_subject.txt",
        "suppliers/mail/approved.txt",
        _language(supplier),
        supplier=supplier,
        new_account=new_account or not user.has_password,
        login_link=_link("auth.login"),
        association=settings.name,
    )
    if not user.has_password:
        auth_services.invite_user(user, decided_by)
    for hook in _ON_APPROVED.values():
        hook(supplier, decided_by)
    return user


def reject(supplier: Supplier, reason: str) -> None:
    """Reject a pending supplier and email the reason to its contact."""
    reason = (reason or "").strip()
    if not reason:
        raise SupplierError("reason")
    lock(supplier)
    if supplier.status != "pending":
        raise SupplierError("decided")
    supplier.status = "rejected"
    supplier.decided_at = utcnow()
    supplier.decision_reason = reason
    db.session.flush()
    send_mail(
        supplier.contact_email,
        "suppliers/mail/rejected_subject.txt",
        "suppliers/mail/rejected.txt",
        _language(supplier),
        supplier=supplier,
        reason=reason,
        association=get_settings().name,
    )


def save_agreement(
    supplier: Supplier,
    agreement: SupplierAgreement | None,
    *,
    version: str,
    signed_on: date,
    valid_until: date | None,
    product_ids: list[int],
    code_of_conduct: bool,
    floss_clause: bool,
    copyright_transfer: bool,
) -> SupplierAgreement:
    """Add a supplier agreement, or change one: only an approved supplier has agreements."""
    if supplier.status != "approved":
        raise SupplierError("not_approved")
    if valid_until is not None and valid_until < signed_on:
        raise SupplierError("dates")
    if agreement is None:
        agreement = SupplierAgreement(supplier=supplier)
        db.session.add(agreement)
    agreement.version = version.strip()
    agreement.signed_on = signed_on
    agreement.valid_until = valid_until
    agreement.products = queries.products_by_ids(product_ids)
    agreement.code_of_conduct = bool(code_of_conduct)
    agreement.floss_clause = bool(floss_clause)
    agreement.copyright_transfer = bool(copyright_transfer)
    db.session.flush()
    return agreement
