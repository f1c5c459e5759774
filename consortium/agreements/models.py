"""Agreements: templates per kind and language with their published versions, the documents
made from them (sealed PDFs), what happened to each document, and the acceptance on record.

A published template version never changes (a new one is published instead); a document keeps
the text and the PDF it was made with; an acceptance is written once and never changed or
deleted. The database refuses changes to all three (migration 0018).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.members.models import Organisation
from consortium.participation.models import Participation
from consortium.suppliers.models import Supplier

# The kinds the app makes by itself; the secretariat may name others (a lowercase word).
MEMBERSHIP, PARTICIPATION, SUPPLIER = "membership", "participation", "supplier"
KINDS = (MEMBERSHIP, PARTICIPATION, SUPPLIER)
LANGUAGES = ("en", "da", "de", "cs")
FALLBACK_LANGUAGE = "en"

# A document's status: made, sent to its party, accepted; or replaced by a newer document.
MADE, SENT, ACCEPTED, REPLACED = "made", "sent", "accepted", "replaced"
DOCUMENT_STATUSES = (MADE, SENT, ACCEPTED, REPLACED)
# Documents that wait for their party's acceptance.
WAITING_STATUSES = (MADE, SENT)

# What happened to a document.
EVENT_MADE, EVENT_SENT, EVENT_VIEWED = "made", "sent", "viewed"
EVENT_REMINDED, EVENT_ACCEPTED, EVENT_REPLACED = "reminded", "accepted", "replaced"
EVENT_KINDS = (EVENT_MADE, EVENT_SENT, EVENT_VIEWED, EVENT_REMINDED, EVENT_ACCEPTED, EVENT_REPLACED)

# How an acceptance was given: on the document's page, or on paper (a signed scan the
# secretariat uploaded).
ONLINE, SCAN = "online", "scan"
ACCEPTANCE_METHODS = (ONLINE, SCAN)

# The largest signed scan the secretariat may upload.
MAX_SCAN_BYTES = 10 * 1024 * 1024


class AgreementTemplate(db.Model):
    """One kind of agreement in one language; its text lives in its versions."""

    __tablename__ = "agreement_template"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("kind", "language", name="uq_agreement_template_kind_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[AgreementTemplateVersion]] = relationship(
        back_populates="template", order_by="AgreementTemplateVersion.number"
    )

    @property
    def latest(self) -> AgreementTemplateVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def audit_label(self) -> str:
        return f"{self.kind} ({self.language})"

    def __repr__(self) -> str:
        return f"<AgreementTemplate {self.kind} {self.language}>"


class AgreementTemplateVersion(db.Model):
    """A published text of a template: numbered 1, 2, 3 within its template, never edited."""

    __tablename__ = "agreement_template_version"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("template_id", "number", name="uq_agreement_template_version_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("agreement_template.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    change_note: Mapped[str] = mapped_column(Text, default="")
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    template: Mapped[AgreementTemplate] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        """How documents name the version: kind, language and number ("participation-da-3")."""
        return f"{self.template.kind}-{self.template.language}-{self.number}"

    @property
    def audit_label(self) -> str:
        return self.label if self.template else str(self.number)

    def __repr__(self) -> str:
        return f"<AgreementTemplateVersion {self.template_id} v{self.number}>"


class AgreementNumberSequence(db.Model):
    """The last document number taken in a year; numbers run without a gap (AGR-2027-00012)."""

    __tablename__ = "agreement_number_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<AgreementNumberSequence {self.year}: {self.last_number}>"


class AgreementDocument(db.Model):
    """An agreement made for one party (an organisation or a supplier) from a template version:
    the filled text as made, the sealed PDF and its SHA-256."""

    __tablename__ = "agreement_document"
    __audited__ = True
    # The PDF is kept once, not copied into the trail.
    __audit_redacted__ = frozenset({"pdf"})
    __table_args__ = (
        UniqueConstraint("number", name="uq_agreement_document_number"),
        CheckConstraint(
            "organisation_id IS NOT NULL OR supplier_id IS NOT NULL", name="has_a_party"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    number_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    participation_id: Mapped[int | None] = mapped_column(ForeignKey("participation.id"), index=True)
    template_version_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_template_version.id"), index=True
    )
    version_label: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=MADE, index=True)
    made_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_document.id"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship()
    supplier: Mapped[Supplier | None] = relationship()
    participation: Mapped[Participation | None] = relationship()
    template_version: Mapped[AgreementTemplateVersion] = relationship()
    replaced_by: Mapped[AgreementDocument | None] = relationship(remote_side=[id])
    events: Mapped[list[AgreementEvent]] = relationship(
        back_populates="document", order_by="(AgreementEvent.at, AgreementEvent.id)"
    )
    acceptance: Mapped[AgreementAcceptance | None] = relationship(
        back_populates="document", uselist=False
    )

    permission_subject = "agreement_document"

    @property
    def party_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.supplier.name if self.supplier is not None else ""

    def has_contact(self, user_id: int) -> bool:
        """Whether the user is a contact of the document's organisation or supplier."""
        if self.organisation is not None and self.organisation.has_contact(user_id):
            return True
        return self.supplier is not None and self.supplier.has_contact(user_id)

    def may_accept(self, user_id: int) -> bool:
        """Whether the user may accept it for its party: a contact of the organisation whom the
        secretariat marked as may sign, or a contact of the supplier."""
        if self.organisation is not None:
            return any(
                contact.user_id == user_id and contact.may_sign
                for contact in self.organisation.contacts
            )
        return self.supplier is not None and self.supplier.has_contact(user_id)

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING_STATUSES

    @property
    def audit_label(self) -> str:
        return self.number

    def __repr__(self) -> str:
        return f"<AgreementDocument {self.number} {self.kind} {self.status}>"


class AgreementEvent(db.Model):
    """One thing that happened to a document: made, sent, viewed, reminded, accepted, replaced."""

    __tablename__ = "agreement_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("agreement_document.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[AgreementDocument] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AgreementEvent {self.document_id} {self.kind} {self.at}>"


class AgreementAcceptance(db.Model):
    """The acceptance of a document, one at most, never changed: who (by name and role, kept
    when the person is anonymised), when, and the SHA-256 and version of what was accepted; or
    a signed scan the secretariat uploaded, with who signed and when."""

    __tablename__ = "agreement_acceptance"
    __audited__ = True
    # The trail may outlive the name (it is kept here, as the legal record); the scan is kept
    # once, here.
    __audit_personal__ = frozenset({"signer_name", "signer_role"})
    __audit_redacted__ = frozenset({"scan"})
    __table_args__ = (UniqueConstraint("document_id", name="uq_agreement_acceptance_document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("agreement_document.id"))
    method: Mapped[str] = mapped_column(String(10))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_role: Mapped[str] = mapped_column(String(200), default="")
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    version_label: Mapped[str] = mapped_column(String(80))
    scan: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    scan_sha256: Mapped[str] = mapped_column(String(64), default="")
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[AgreementDocument] = relationship(back_populates="acceptance")
    signer: Mapped[User | None] = relationship(foreign_keys=[signer_user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_user_id])

    @property
    def audit_label(self) -> str:
        return self.document.number if self.document else str(self.document_id)

    def __repr__(self) -> str:
        return f"<AgreementAcceptance {self.document_id} {self.method} {self.accepted_at}>"
