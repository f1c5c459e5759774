"""Readable, translated names for the records and fields the audit trail shows."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")

ACTIONS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")}

RECORD_TYPES = {
    "user": _l("User"),
    "association_settings": _l("Settings of the association"),
    "organisation": _l("Organisation"),
    "billing_identity": _l("Billing identity"),
    "membership": _l("Membership"),
    "population_figure": _l("Population"),
    "organisation_contact": _l("Contacts"),
    "tier_band_set": _l("Size tiers"),
    "product": _l("Product"),
    "product_description": _l("Product description"),
    "maturity_requirement": _l("Maturity requirement"),
    "requirement_rating": _l("Rating of a requirement"),
    "level_decision": _l("Level decision"),
    "participation": _l("Participation"),
    "participation_request": _l("Participation request"),
    "group": _l("Group"),
    "group_member": _l("Group member"),
    "supplier": _l("Supplier"),
    "supplier_contact": _l("Supplier contact"),
    "supplier_agreement": _l("Supplier agreement"),
    "membership_fee_schedule": _l("Membership fee"),
    "product_tariff": _l("Product tariff"),
    "product_budget": _l("Product budget"),
    "budget_share": _l("Share of a budget"),
}

FIELDS = {
    "id": _l("Id"),
    "email": _l("Email"),
    "name": _l("Name"),
    "password_hash": _l("Password"),
    "language": _l("Language"),
    "is_secretariat": _l("Secretariat"),
    "active": _l("Active"),
    "created_at": _l("Created"),
    "anonymised_at": _l("Anonymised"),
    "default_language": _l("Default language"),
    "currency": _l("Currency"),
    "country": _l("Country"),
    "timezone": _l("Time zone"),
    "kind": _l("Kind"),
    "registration_number": _l("Registration number"),
    "vat_number": _l("VAT number, if different"),
    "municipality_code": _l("Municipality code"),
    "address": _l("Address"),
    "notes": _l("Notes"),
    "tier_override": _l("Size tier set by the secretariat"),
    "tier_override_reason": _l("Reason for the tier"),
    "population": _l("Population"),
    "source": _l("Source"),
    "gln": _l("EAN/GLN number"),
    "peppol_id": _l("Peppol participant id"),
    "invoice_reference": _l("Invoice reference"),
    "invoice_email": _l("Invoice email"),
    "is_default": _l("Default billing identity"),
    "status": _l("Status"),
    "reason": _l("Reason"),
    "role": _l("Role"),
    "effective_from_year": _l("In force from the year"),
    "bands": _l("Size tiers"),
    "year": _l("Year (population on 1 January)"),
    "status_on": pgettext_l("start of a date range", "From"),
    "starts_on": pgettext_l("start of a date range", "From"),
    "ends_on": _l("Until"),
    "agreement_version": _l("Agreement version"),
    "amount_per_year": _l("Amount pledged per year"),
    "billing_identity_id": _l("Billing identity"),
    "organisation_id": _l("Organisation"),
    "product_id": _l("Product"),
    "group_id": _l("Group"),
    "user_id": _l("User"),
    "supplier_id": _l("Supplier"),
    "participation_id": _l("Participation"),
    "requirement_id": _l("Maturity requirement"),
    "phase": _l("Phase"),
    "notice_months": _l("Notice period in months"),
    "notice_given_on": _l("Notice given on"),
    "ends_at_year_end": _l("Notice ends at the end of the year"),
    "message": _l("Message"),
    "requested_at": _l("Asked on"),
    "requested_by_user_id": _l("Asked by"),
    "decided_at": _l("Decided on"),
    "decided_on": _l("Decided on"),
    "decided_by_user_id": _l("Decided by"),
    "decided_by_body": _l("Decided by"),
    "decision_reason": _l("Reason for the decision"),
    "recorded_at": _l("Recorded"),
    "recorded_by_user_id": _l("Recorded by"),
    "slug": _l("Short name in addresses"),
    "licence": _l("Licence"),
    "repository_url": _l("Repository"),
    "issue_tracker_url": _l("Issue tracker"),
    "website_url": _l("Website"),
    "point_person_name": _l("Point person"),
    "point_person_user_id": _l("Point person"),
    "level": _l("Level"),
    "software_type": _l("Software type"),
    "platforms": _l("Platforms"),
    "categories": _l("Categories"),
    "short_description": _l("Short description"),
    "long_description": _l("Long description"),
    "features": _l("Features"),
    "code": _l("Code"),
    "theme": _l("Theme"),
    "text": _l("Requirement (English)"),
    "translations": _l("Translations"),
    "data_check": _l("Answered by the data"),
    "recommended": _l("Recommended"),
    "position": _l("Position"),
    "rating": _l("Rating"),
    "evidence": _l("Evidence or explanation"),
    "explanation_accepted": _l("Explanation accepted"),
    "updated_at": _l("Updated"),
    "note": _l("Note"),
    "terms_of_reference": _l("Terms of reference"),
    "contact_name": _l("Contact person"),
    "contact_email": _l("Contact person's email"),
    "service_types": _l("Services"),
    "statement": _l("Public statement"),
    "code_of_conduct_accepted_at": _l("Code of conduct accepted"),
    "version": _l("Version"),
    "signed_on": _l("Signed on"),
    "valid_until": _l("Valid until"),
    "code_of_conduct": _l("Code of conduct"),
    "floss_clause": _l("FLOSS clause"),
    "copyright_transfer": _l("Copyright transfer"),
    "publish_email": _l("Email published"),
    "rule": _l("Rule"),
    "minimum": _l("Minimum"),
    "maximum": _l("Maximum"),
    "by_kind": _l("Rules by kind of organisation"),
    "part_year_method": _l("Part of a year"),
    "part_year_refunds": _l("Refund when leaving during the year"),
    "population_offset": _l("Population basis"),
    "index_value": _l("Index"),
    "pricing": _l("Pricing"),
    "first_year": _l("First year"),
    "entry_fee": _l("Entry fee"),
    "lines": _l("Budget lines"),
    "amount": _l("Amount"),
    "approved_at": _l("Approved"),
    "approved_by_user_id": _l("Approved by"),
    "frozen_at": _l("Frozen"),
    "budget_id": _l("Product budget"),
    "explanation": _l("Explanation"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def record_type_label(record_type: str) -> str:
    return str(RECORD_TYPES.get(record_type, record_type.replace("_", " ")))


def field_label(field: str) -> str:
    return str(FIELDS.get(field, field.replace("_", " ")))


def actor_name(entry) -> str:
    """Who acted: a user's current name (a placeholder once anonymised), else the stored label."""
    if entry.actor is None:
        return entry.actor_label
    if entry.actor_label.endswith("(emailed link)"):
        return str(_l("%(name)s, through an emailed link", name=entry.actor.display_name))
    return entry.actor.display_name


def record_name(entry) -> str:
    """The record's label; a user is named by their current name, which the trail never keeps."""
    if entry.record_type == "user":
        return entry.record_user.display_name if entry.record_user is not None else ""
    return entry.record_label


def change_hidden(entry, field: str, change: dict) -> str | None:
    """Why a change is shown without values, or None when its values may be shown.

    Entries written before a person's name and contact data became personal fields still hold
    the values; they are not shown either.
    """
    if change.get("redacted"):
        return str(_l("changed (value not recorded)"))
    if change.get("personal") or field in _personal_fields(entry.record_type):
        return str(_l("changed (personal data, value not recorded)"))
    return None


def _personal_fields(record_type: str) -> set[str]:
    from consortium.extensions import db

    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == record_type:
            return set(getattr(mapper.class_, "__audit_personal__", set()))
    return set()


def value_label(value) -> str:
    """A recorded value as a reader expects it: yes/no rather than True/False, a dash for nothing."""
    if value is None or value == "":
        return "–"
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    if isinstance(value, str) and _TIMESTAMP.match(value):
        return format_datetime(datetime.fromisoformat(value), "medium")
    return str(value)
