"""Readable, translated names for the records and fields the audit trail shows."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
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
    "component_vat": _l("VAT of a kind of invoice line"),
    "invoice_run": _l("Invoice run"),
    "invoice": _l("Invoice"),
    "invoice_line": _l("Invoice line"),
    "payment": _l("Payment"),
    "reminder": _l("Payment reminder"),
    "product_settlement": _l("Year-end settlement of a product"),
    "settlement_share": _l("An organisation's part of a year-end settlement"),
    "agreement_template": _l("Agreement template"),
    "agreement_template_version": _l("Version of an agreement template"),
    "agreement_document": _l("Agreement document"),
    "agreement_acceptance": _l("Acceptance of an agreement"),
    "meeting": _l("Meeting"),
    "agenda_item": _l("Agenda item"),
    "meeting_paper": _l("Meeting paper"),
    "meeting_attendance": _l("Attendance at a meeting"),
    "meeting_minutes": _l("Minutes"),
    "meeting_minutes_text": _l("Text of the minutes on an agenda item"),
    "meeting_minutes_comment": _l("Comment on minutes"),
    "decision": _l("Decision"),
    "action_item": _l("Action item"),
    "backlog_item": _l("Backlog item"),
    "backlog_link": _l("Link of a backlog item"),
    "backlog_comment": _l("Comment on a backlog item"),
    "backlog_round": _l("Prioritisation round"),
    "backlog_round_item": _l("Item in a prioritisation round"),
    "backlog_round_weight": _l("Weight of an organisation in a prioritisation round"),
    "backlog_ballot": _l("Ballot"),
    "backlog_ballot_entry": _l("Entry of a ballot"),
    "backlog_round_result": _l("Result of a prioritisation round"),
    "bulk_message": _l("Message to many people"),
    "bulk_message_text": _l("Text of a message in one language"),
    "api_token": _l("Personal access token"),
}

FIELDS = {
    "id": _l("Id"),
    "prefix": _l("Token begins"),
    "token_hash": _l("Fingerprint of the token"),
    "scopes": _l("What the token may do"),
    "expires_at": _l("Expires"),
    "revoked_at": _l("Revoked"),
    "revoked_by_user_id": _l("Revoked by"),
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
    # Invoicing settings (settings/) and invoices (invoicing/).
    "legal_name": _l("Legal name"),
    "iban": _l("IBAN"),
    "bic": _l("BIC"),
    "payment_terms_days": _l("Payment terms in days"),
    "invoice_prefix": _l("Prefix of invoice numbers"),
    "credit_note_prefix": _l("Prefix of credit note numbers"),
    "logo": _l("Logo"),
    "logo_type": _l("Type of the logo"),
    "component": _l("Kind of line"),
    "vat_category": _l("VAT category"),
    "vat_rate": _l("VAT rate in percent"),
    "exemption_reason": _l("Exemption reason"),
    "exemption_code": _l("Exemption code (VATEX)"),
    "created_by_user_id": _l("Created by"),
    "run_id": _l("Invoice run"),
    "series": _l("Series"),
    "number": _l("Number"),
    "number_year": _l("Year of the number"),
    "issued_on": _l("Issue date"),
    "due_on": _l("Due date"),
    "period_start_on": _l("Start of the supply period"),
    "period_end_on": _l("End of the supply period"),
    "seller_name": _l("Seller"),
    "seller_address": _l("Seller's address"),
    "seller_country": _l("Seller's country"),
    "seller_registration_number": _l("Seller's registration number"),
    "seller_vat_number": _l("Seller's VAT number"),
    "seller_endpoint_scheme": _l("Seller's electronic address scheme"),
    "seller_endpoint_id": _l("Seller's electronic address"),
    "seller_email": _l("Seller's email"),
    "seller_iban": _l("Seller's IBAN"),
    "seller_bic": _l("Seller's BIC"),
    "buyer_name": _l("Buyer"),
    "buyer_department": _l("Buyer's department"),
    "buyer_address": _l("Buyer's address"),
    "buyer_country": _l("Buyer's country"),
    "buyer_registration_number": _l("Buyer's registration number"),
    "buyer_vat_number": _l("Buyer's VAT number"),
    "buyer_endpoint_scheme": _l("Buyer's electronic address scheme"),
    "buyer_endpoint_id": _l("Buyer's electronic address"),
    "buyer_reference": _l("Buyer reference"),
    "buyer_email": _l("Buyer's email"),
    "net_total": _l("Total without VAT"),
    "vat_total": _l("VAT"),
    "gross_total": _l("Total with VAT"),
    "pdf": _l("PDF"),
    "ubl": _l("E-invoice"),
    "issued_at": _l("Issued"),
    "invoice_id": _l("Invoice"),
    "description": _l("Description"),
    "quantity": _l("Quantity"),
    "unit_price": _l("Unit price"),
    "net_amount": _l("Net amount"),
    "credited_invoice_id": _l("Credited invoice"),
    "credited_line_id": _l("Credited invoice line"),
    # Payments and reminders (invoicing/).
    "paid_on": _l("Payment date"),
    "reference": _l("Payment reference"),
    "sent_on": _l("Date sent"),
    "balance": _l("Balance"),
    "outbox_message_id": _l("Message in the outbox"),
    "sent_by_user_id": _l("Sent by"),
    # Year-end settlements (invoicing/settlement.py).
    "budget_amount": _l("Budget"),
    "actual_cost": _l("Actual cost"),
    "difference": _l("Difference"),
    "issued_by_user_id": _l("Issued by"),
    "budget_share": _l("Share of the budget"),
    "share_percent": _l("Share of the budget in per cent"),
    "settlement_id": _l("Settlement"),
    # Agreements (agreements/).
    "may_sign": _l("May sign agreements"),
    "agreed_outside_system": _l("Agreed before agreements were kept in the app"),
    "agreements_since": _l("Agreements kept in the app since"),
    "template_id": _l("Template"),
    "title": _l("Title"),
    "body": _l("Text"),
    "change_note": _l("What changed"),
    "author_user_id": _l("Published by"),
    "template_version_id": _l("Template version"),
    "version_label": _l("Template version"),
    "sha256": _l("SHA-256 of the PDF"),
    "made_by_user_id": _l("Made by"),
    "made_at": _l("Made at"),
    "sent_at": _l("Sent at"),
    "accepted_at": _l("Accepted at"),
    "replaced_at": _l("Replaced at"),
    "replaced_by_id": _l("Replaced by"),
    "document_id": _l("Agreement document"),
    "method": _l("How it was accepted"),
    "signer_name": _l("Signed by"),
    "signer_role": _l("Role of the signer"),
    "signer_user_id": _l("Signer's account"),
    "scan": _l("Signed scan"),
    "scan_sha256": _l("SHA-256 of the signed scan"),
    "meeting_id": _l("Meeting"),
    "agenda_item_id": _l("Agenda item"),
    "minutes_id": _l("Minutes"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "place": _l("Place"),
    "video_url": _l("Video link"),
    "uid": _l("Invitation id"),
    "sequence": _l("Invitation update number"),
    "planned_by_user_id": _l("Planned by"),
    "cancelled_at": _l("Cancelled"),
    "presenter": _l("Presenter"),
    "expected_minutes": _l("Expected minutes"),
    "filename": _l("File name"),
    "media_type": _l("File type"),
    "size": _l("Size"),
    "content": _l("Content"),
    "uploaded_by_user_id": _l("Uploaded by"),
    "uploaded_at": _l("Uploaded"),
    "guest_name": _l("Guest"),
    "reply": _l("Reply"),
    "replied_at": _l("Replied"),
    "presence": _l("Presence"),
    "state": _l("State"),
    "circulated_at": _l("Circulated"),
    "approved_at_meeting_id": _l("Approved at the meeting"),
    "is_public": _l("Public"),
    "what": _l("What"),
    "owner_user_id": _l("Owner"),
    "done_at": _l("Done"),
    "done_by_user_id": _l("Done by"),
    "invited_at": _l("Invitation sent"),
    # The bylaws' periods (settings/, the meeting deadlines).
    "assembly_notice_months": _l(
        "Notice calling the general assembly, in calendar months before it"
    ),
    "assembly_proposals_days": _l("Proposals due, in days before the general assembly"),
    "assembly_send_out_days": _l("Papers sent out, in days before the general assembly"),
    "assembly_minutes_days": _l("Minutes published, in days after the general assembly"),
    "board_notice_days": _l("Notice calling a board meeting, in days before it"),
    "board_send_out_days": _l("Papers sent out, in days before a board meeting"),
    "board_minutes_days": _l("Minutes published, in days after a board meeting"),
    "type": _l("Type"),
    "category": _l("Category"),
    "submitted_by_user_id": _l("Submitted by"),
    "estimate": _l("Estimate"),
    "estimate_currency": _l("Currency of the estimate"),
    "estimate_hours": _l("Estimated hours"),
    "estimate_note": _l("Note on the estimate"),
    "estimated_by_user_id": _l("Estimated by"),
    "estimated_by_supplier_id": _l("Estimated by the supplier"),
    "estimated_at": _l("Estimated on"),
    "rejection_reason": _l("Reason for the rejection"),
    "priority_rank": _l("Rank in the prioritisation"),
    "item_id": _l("Backlog item"),
    "label": _l("Label"),
    "url": _l("Address"),
    "added_by_user_id": _l("Added by"),
    "points_total": _l("Points per organisation"),
    "max_per_item": _l("Most points on one item"),
    "budget": _l("Budget"),
    "weighting": _l("Weighting"),
    "opens_at": _l("Opens"),
    "closes_at": _l("Closes"),
    "opened_at": _l("Opened"),
    "opened_by_user_id": _l("Opened by"),
    "closed_at": _l("Closed"),
    "closed_by_user_id": _l("Closed by"),
    "budget_left": _l("Budget left"),
    "decision_id": _l("Decision"),
    "round_id": _l("Prioritisation round"),
    "cost": _l("Cost"),
    "weight": _l("Weight"),
    "basis": _l("Basis of the weight"),
    "cast_by_user_id": _l("Cast by"),
    "cast_at": _l("Cast"),
    "ballot_id": _l("Ballot"),
    "value": _l("Value"),
    "rank": _l("Rank"),
    "score": _l("Score"),
    "funded": _l("Funded"),
    # Messages written to many people (messages/).
    "subject": _l("Subject"),
    "sender_user_id": _l("Sent by"),
    "organisation_ids": _l("Organisations written to"),
    "one_language": _l("One language for everyone"),
    "recipient_count": _l("Number of recipients"),
    "message_id": _l("Message"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def record_type_label(record_type: str) -> str:
    return str(RECORD_TYPES.get(record_type, record_type.replace("_", " ")))


# A field whose name reads otherwise on one kind of record ("text" of a decision is not the
# requirement's English text), registered by the package that owns the record.
_RECORD_FIELDS: dict[tuple[str, str], Any] = {}


def register_field_label(record_type: str, field: str, label: Any) -> None:
    """Let the package that owns a record name one of its fields in the trail's words."""
    _RECORD_FIELDS[(record_type, field)] = label


def field_label(field: str, record_type: str | None = None) -> str:
    label = _RECORD_FIELDS.get((record_type or "", field))
    if label is not None:
        return str(label)
    return str(FIELDS.get(field, field.replace("_", " ")))


# How the actor and source of an entry are stored (in English, at write time, so the
# append-only trail never depends on a reader's language): each is recognised here and shown
# in the reader's language. See consortium/audit/context.py and consortium/imports.py.
_ANONYMOUS = "anonymous web request"
_COMMAND = re.compile(r"^CLI flask (?P<command>.+) \((?P<os_user>[^()]*)\)$")
_SYSTEM = re.compile(r"^system \((?P<os_user>[^()]*)\)$")
_USER = re.compile(r"^user #(?P<id>\d+)(?: \((?P<how>[^()]*)\))?$")
_IMPORT = re.compile(r"^Import of (?P<file>.+)$", re.DOTALL)


def actor_name(entry) -> str:
    """Who acted: a user's current name (a placeholder once anonymised), else the stored label
    in the reader's language."""
    if entry.actor is None:
        return _actor_label(entry.actor_label)
    if entry.actor_label.endswith("(emailed link)"):
        return _("%(name)s, through an emailed link", name=entry.actor.display_name)
    return entry.actor.display_name


def _actor_label(label: str) -> str:
    if label == _ANONYMOUS:
        return _("anonymous web request")
    if match := _COMMAND.match(label):
        return _(
            "command line: flask %(command)s (%(os_user)s)",
            command=match["command"],
            os_user=match["os_user"],
        )
    if match := _SYSTEM.match(label):
        return _("system (%(os_user)s)", os_user=match["os_user"])
    if match := _USER.match(label):
        if match["how"] == "emailed link":
            return _("user #%(id)s, through an emailed link", id=match["id"])
        return _("user #%(id)s", id=match["id"])
    return label


def source_label(source: str | None) -> str:
    """Where a change came from (such as an imported file), in the reader's language."""
    if not source:
        return ""
    if match := _IMPORT.match(source):
        return _("Import of %(file)s", file=match["file"])
    return source


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


ValueFormatter = Callable[[Any], str]
_FORMATTERS: dict[tuple[str, str], ValueFormatter] = {}


def register_value_formatter(record_type: str, field: str, formatter: ValueFormatter) -> None:
    """Let the package that owns a record say how one of its structured fields reads (a fee
    rule, a list of codes); the audit trail imports no package above it."""
    _FORMATTERS[(record_type, field)] = formatter


def _language_label(code: str) -> str:
    from consortium.i18n import LANGUAGE_LABELS

    return str(LANGUAGE_LABELS.get(code, code))


def _country_label(code: str) -> str:
    from consortium.i18n import country_name

    return country_name(code)


# Fields that read the same on every record: a language or a country by its name.
_FIELD_FORMATTERS: dict[str, ValueFormatter] = {
    "language": _language_label,
    "default_language": _language_label,
    "country": _country_label,
    "seller_country": _country_label,
    "buyer_country": _country_label,
}


def value_label(value, record_type: str | None = None, field: str | None = None) -> str:
    """A recorded value as a reader expects it: yes/no rather than True/False, a dash for
    nothing, dates and numbers for the reader's locale, lists and rules in words."""
    if value is None or value == "":
        return "–"
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    column = _column_type(record_type, field)
    if isinstance(value, str) and column == "json":
        value = _structured(value)
    formatter = _FORMATTERS.get((record_type or "", field or "")) or _FIELD_FORMATTERS.get(
        field or ""
    )
    if formatter is not None and not (isinstance(value, str) and column == "json"):
        try:
            return formatter(value)
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
            pass  # an entry older than the rule's current shape: shown plainly below
    return _plain_label(value, column)


def _plain_label(value, column: str | None = None) -> str:
    if value is None or value == "" or isinstance(value, bool):
        return value_label(value)
    if isinstance(value, list | tuple):
        return ", ".join(_plain_label(item) for item in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain_label(item)}" for key, item in value.items()) or "–"
    if isinstance(value, str):
        if _TIMESTAMP.match(value):
            return format_datetime(datetime.fromisoformat(value), "medium")
        if column == "date":
            try:
                return format_date(date.fromisoformat(value), "medium")
            except ValueError:
                return value
        if column == "decimal":
            try:
                return decimal_text(value)
            except (InvalidOperation, ValueError):
                return value
        return value
    if isinstance(value, float | Decimal):
        return format_decimal(value)
    return str(value)


def decimal_text(value) -> str:
    """A stored number for the reader's locale, with the decimals it was stored with
    ("25000.00" is 25,000.00 in English and 25.000,00 in Danish)."""
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(value)
    places = max(0, -number.as_tuple().exponent)
    return format_decimal(number, format="#,##0" + ("." + "0" * places if places else ""))


def _structured(text: str):
    """A list or mapping that older entries stored as Python's text of it
    ("{'type': 'flat', …}", "['development']"); anything else stays text."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{" or len(stripped) > 100_000:
        return text
    try:
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return value if isinstance(value, list | dict) else text


def _column_type(record_type: str | None, field: str | None) -> str | None:
    """json, date, decimal or None: what the audited model's column holds."""
    if not record_type or not field:
        return None
    from sqlalchemy import JSON, Date, DateTime, Numeric

    from consortium.extensions import db

    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) != record_type:
            continue
        column = mapper.columns.get(field)
        if column is None:
            return None
        if isinstance(column.type, JSON):
            return "json"
        if isinstance(column.type, DateTime):
            return None
        if isinstance(column.type, Date):
            return "date"
        if isinstance(column.type, Numeric):
            return "decimal"
        return None
    return None


def labelled(labels: dict) -> ValueFormatter:
    """A formatter for one code: its translated label, or the code itself."""

    def formatter(value) -> str:
        return str(labels.get(value, value))

    return formatter


def labelled_list(labels: dict) -> ValueFormatter:
    """A formatter for a list of codes: each by its translated label, comma-separated."""

    def formatter(value) -> str:
        return ", ".join(str(labels.get(code, code)) for code in value) or "–"

    return formatter
