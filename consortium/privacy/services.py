"""A person's data: everything the app holds about them, and anonymising them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select

from consortium.audit.models import AuditEntry
from consortium.auth import services as auth_services
from consortium.auth.models import RESET_REQUEST, SIGN_IN, LoginAttempt, User, UserToken
from consortium.db import utcnow
from consortium.extensions import db
from consortium.groups.models import GroupMember
from consortium.mail.models import KEPT, OutboxMessage
from consortium.members.models import OrganisationContact
from consortium.once import lock
from consortium.participation.models import ParticipationRequest
from consortium.products.models import Product
from consortium.suppliers.models import Supplier, SupplierContact

PLACEHOLDER_DOMAIN = "anonymised.invalid"


class PrivacyError(ValueError):
    """A request about a person's data that cannot be carried out."""


def placeholder_email(user: User) -> str:
    """A unique address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"former-user-{user.id}@{PLACEHOLDER_DOMAIN}"


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _same_address(column, email: str):
    return func.lower(column) == email.lower()


def _registry_data(user: User) -> dict[str, Any]:
    """The person in the registry: group terms, supplier contacts, products, requests."""
    terms = db.session.scalars(
        select(GroupMember).where(GroupMember.user_id == user.id).order_by(GroupMember.id)
    )
    supplier_links = db.session.scalars(
        select(SupplierContact)
        .where(SupplierContact.user_id == user.id)
        .order_by(SupplierContact.id)
    )
    named_in = db.session.scalars(
        select(Supplier)
        .where(_same_address(Supplier.contact_email, user.email))
        .order_by(Supplier.id)
    )
    products = db.session.scalars(
        select(Product).where(Product.point_person_user_id == user.id).order_by(Product.id)
    )
    requests = db.session.scalars(
        select(ParticipationRequest)
        .where(
            or_(
                ParticipationRequest.requested_by_user_id == user.id,
                ParticipationRequest.decided_by_user_id == user.id,
            )
        )
        .order_by(ParticipationRequest.id)
    )
    return {
        "group_terms": [
            {
                "group": term.group.name,
                "role": term.role,
                "starts_on": _iso(term.starts_on),
                "ends_on": _iso(term.ends_on),
                "organisation": term.organisation.name if term.organisation else None,
                "supplier": term.supplier.name if term.supplier else None,
            }
            for term in terms
        ],
        "supplier_contacts": [{"supplier": link.supplier.name} for link in supplier_links],
        "supplier_contact_person": [
            {
                "supplier": supplier.name,
                "contact_name": supplier.contact_name,
                "contact_email": supplier.contact_email,
            }
            for supplier in named_in
        ],
        "point_person_of_products": [
            {
                "product": product.name,
                "slug": product.slug,
                "point_person_name": product.point_person_name,
            }
            for product in products
        ],
        "participation_requests": [
            {
                "kind": request.kind,
                "organisation": request.organisation.name,
                "product": request.product.name,
                "status": request.status,
                "message": request.message,
                "requested_by_this_person": request.requested_by_user_id == user.id,
                "requested_at": _iso(request.requested_at),
                "decided_by_this_person": request.decided_by_user_id == user.id,
                "decided_at": _iso(request.decided_at),
                "decision_reason": request.decision_reason,
            }
            for request in requests
        ],
    }


def personal_data(user: User) -> dict[str, Any]:
    """Everything the app holds about the person, as plain JSON-ready values.

    Secrets are left out: a password appears only as whether one is set, and emailed links
    (kept as hashes) not at all.
    """
    contacts = db.session.scalars(
        select(OrganisationContact)
        .where(OrganisationContact.user_id == user.id)
        .order_by(OrganisationContact.id)
    )
    attempts = db.session.scalars(
        select(LoginAttempt)
        .where(_same_address(LoginAttempt.email, user.email))
        .order_by(LoginAttempt.attempted_at)
    ).all()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.actor_user_id == user.id,
                (AuditEntry.record_type == "user") & (AuditEntry.record_id == str(user.id)),
            )
        )
        .order_by(AuditEntry.id)
    )
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(_same_address(OutboxMessage.recipient, user.email))
        .order_by(OutboxMessage.id)
    )
    return {
        "exported_at": _iso(utcnow()),
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "role": "secretariat" if user.is_secretariat else "user",
            "active": user.active,
            "password_set": user.has_password,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "anonymised_at": _iso(user.anonymised_at),
            "publish_email": user.publish_email,
        },
        "organisation_contacts": [
            {"organisation": contact.organisation.name, "role": contact.role}
            for contact in contacts
        ],
        **_registry_data(user),
        "sign_in_attempts": [
            {
                "attempted_at": _iso(attempt.attempted_at),
                "succeeded": attempt.succeeded,
                "client_address": attempt.client_address,
            }
            for attempt in attempts
            if attempt.kind == SIGN_IN
        ],
        "password_reset_requests": [
            {
                "requested_at": _iso(attempt.attempted_at),
                "client_address": attempt.client_address,
            }
            for attempt in attempts
            if attempt.kind == RESET_REQUEST
        ],
        "audit_entries": [
            {
                "created_at": _iso(entry.created_at),
                "by_this_person": entry.actor_user_id == user.id,
                "actor": entry.actor_label,
                "action": entry.action,
                "record_type": entry.record_type,
                "record_id": entry.record_id,
                "record_label": entry.record_label,
                "changes": entry.changes,
                "source": entry.source,
            }
            for entry in entries
        ],
        "emails": [
            {
                "created_at": _iso(message.created_at),
                "recipient": message.recipient,
                "subject": message.subject,
                # Only the development outbox keeps a text to show: mail for the mail server
                # may hold a personal link while it waits, and none once delivered.
                "body": message.body if message.status == KEPT else "",
            }
            for message in messages
        ],
    }


def _hide_in_trail(record, *fields: str) -> None:
    """Have the trail note these fields of this record as changed without their values.

    Product does not list its point person's name among its personal fields, and anonymising
    must not write the name it removes into the append-only trail.
    """
    record.__audit_personal__ = set(getattr(record, "__audit_personal__", set())) | set(fields)


def anonymise(user: User, by: User) -> None:
    """Remove the person's name and contact data; keep the row that records point to.

    The account is deactivated (its sessions and emailed links end), its links, sign-in
    attempts, organisation and supplier contact links and the mail kept for it are deleted.
    Products they are the point person of lose the name and the link to the account; suppliers
    naming them as contact person keep the record with the name removed and the placeholder
    address. Group terms, participation requests and level decisions stay, pointing to the
    placeholder. The audit entry of the change notes which fields changed, never their values.
    """
    if user.id == by.id:
        raise PrivacyError("self")
    lock(user)
    if user.is_anonymised:
        raise PrivacyError("already")
    old_email = user.email
    for contact in db.session.scalars(
        select(OrganisationContact).where(OrganisationContact.user_id == user.id)
    ):
        db.session.delete(contact)
    for link in db.session.scalars(
        select(SupplierContact).where(SupplierContact.user_id == user.id)
    ):
        db.session.delete(link)
    for product in db.session.scalars(
        select(Product).where(Product.point_person_user_id == user.id)
    ):
        _hide_in_trail(product, "point_person_name")
        product.point_person_name = ""
        product.point_person_user_id = None
    for supplier in db.session.scalars(
        select(Supplier).where(_same_address(Supplier.contact_email, old_email))
    ):
        supplier.contact_name = ""
        supplier.contact_email = placeholder_email(user)
    db.session.execute(delete(UserToken).where(UserToken.user_id == user.id))
    db.session.execute(delete(LoginAttempt).where(_same_address(LoginAttempt.email, old_email)))
    db.session.execute(
        delete(OutboxMessage).where(_same_address(OutboxMessage.recipient, old_email))
    )
    db.session.expire(user, ["tokens"])
    user.name = ""
    user.email = placeholder_email(user)
    user.password_hash = None
    user.language = None
    user.last_login_at = None
    user.publish_email = False
    user.anonymised_at = utcnow()
    # Deactivating flushes the changes above with it, so the trail has one entry for them all.
    auth_services.set_active(user, False)
    db.session.flush()
