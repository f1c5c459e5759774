"""Who may see an invoice: the contacts of the organisation it goes to, and the secretariat."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.invoicing.services import issue
from consortium.members import services as members
from consortium.permissions import can
from tests.conftest import make_user
from tests.invoicing.factories import buyer, complete_seller, draft


def test_a_contact_sees_their_own_organisations_invoices_only(app):
    aarhus, odder = buyer("Aarhus Kommune"), buyer("Odder Kommune", gln="5798000000002")
    finance = make_user("finance@aarhus.example.dk")
    members.add_contact(aarhus, finance.id, "finance")
    secretariat = make_user("sec@example.org", secretariat=True)
    own, other = draft(aarhus), draft(odder)
    db.session.flush()

    assert can(finance, "invoices.view_own", own)
    assert can(finance, "invoices.view_own", aarhus)
    assert not can(finance, "invoices.view_own", other)
    assert not can(finance, "invoices.view_own", odder)
    assert not can(finance, "invoices.manage", own)
    assert can(secretariat, "invoices.manage", own)
    assert can(secretariat, "invoices.view_own", other)


def test_issuing_is_in_the_audit_trail(app):
    complete_seller()
    invoice = issue(draft(buyer(), "25000.00"), on=date(2027, 2, 1))
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.record_type == "invoice",
            AuditEntry.record_id == str(invoice.id),
            AuditEntry.action == "update",
        )
        .order_by(AuditEntry.id)
    ).all()
    # Issuing may be written in more than one step; together they record the number and status.
    changes = {key: value for entry in entries for key, value in entry.changes.items()}
    assert entries[-1].record_label == invoice.number == "2027-00001"
    assert changes["number"] == {"old": None, "new": "2027-00001"}
    assert changes["status"] == {"old": "draft", "new": "issued"}
