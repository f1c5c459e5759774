"""Writing agreements: publishing template versions, making sealed documents, sending them,
recording acceptances and signed scans. Services flush, the request or command commits.

A document is made in one go: its number is taken, the template version's text filled with the
register's values, rendered to a PDF in the document's language, sealed by the association,
and stored with its SHA-256; a newer document for the same participation, membership or
supplier replaces the older one. An acceptance records the SHA-256 of the stored PDF and the
version, once: the document's row is locked and the database refuses a second one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from consortium.agreements import text
from consortium.agreements.models import (
    ACCEPTED,
    FALLBACK_LANGUAGE,
    LANGUAGES,
    MAX_SCAN_BYTES,
    ONLINE,
    PARTICIPATION,
    REPLACED,
    SCAN,
    SENT,
    SUPPLIER,
    WAITING_STATUSES,
    AgreementAcceptance,
    AgreementDocument,
    AgreementEvent,
    AgreementNumberSequence,
    AgreementTemplate,
    AgreementTemplateVersion,
)
from consortium.agreements.values import Parties, placeholder_values
from consortium.auth.models import User
from consortium.db import utcnow
from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.mail.services import queue_message
from consortium.members.models import Organisation
from consortium.once import find_or_create, load_locked, lock, lock_row, unique
from consortium.participation.models import Participation
from consortium.settings.services import get_settings
from consortium.suppliers.models import Supplier

NUMBER_PREFIX = "AGR-"
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
MAX_TITLE = 200
MAX_BODY = 200_000
MAX_NAME = 200
PDF_TYPE = "application/pdf"


class AgreementError(ValueError):
    """A change refused; ``code`` names the reason, ``params`` what the message names."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        """The reason in the reader's language."""
        messages = {
            "kind": _("A kind is a lowercase word of 2 to 40 letters, digits or underscores."),
            "language": _("Choose one of the languages English, Danish, German or Czech."),
            "title": _("Give the version a title of at most 200 characters."),
            "body": _("Write the agreement's text (at most 200,000 characters)."),
            "unknown_placeholders": _(
                "These placeholders are unknown: %(names)s.", names=self.params.get("names", "")
            ),
            "no_template": _(
                "No template of the kind %(kind)s has been published yet.",
                kind=self.params.get("kind", ""),
            ),
            "no_party": _("An agreement needs an organisation or a supplier."),
            "replaced": _("This document has been replaced by a newer one."),
            "accepted": _("This document has been accepted already."),
            "not_signer": _("Only a contact who may sign for the party can accept it."),
            "scan_type": _("The signed scan must be a PDF file."),
            "scan_size": _("The signed scan may be at most 10 MB."),
            "signer": _("Name who signed (at most 200 characters)."),
            "signed_on": _("The day of signing cannot be in the future or before the document."),
            "no_recipient": _("Nobody to send it to: the party has no e-mail address."),
        }
        return str(messages.get(self.code, self.code))


# --- templates ----------------------------------------------------------------------------


def check_kind(kind: str) -> str:
    """The kind as stored, or AgreementError("kind")."""
    kind = (kind or "").strip().lower()
    if not KIND_PATTERN.fullmatch(kind):
        raise AgreementError("kind")
    return kind


def find_template(kind: str, language: str) -> AgreementTemplate | None:
    found: AgreementTemplate | None = db.session.scalar(
        select(AgreementTemplate).where(
            AgreementTemplate.kind == kind, AgreementTemplate.language == language
        )
    )
    return found


def publish_version(
    kind: str,
    language: str,
    *,
    title: str,
    body: str,
    change_note: str = "",
    author: User | None = None,
) -> AgreementTemplateVersion:
    """Publish a new version of the kind's template in the language (the template is made
    with its first version). An unknown placeholder is refused with its name."""
    kind = check_kind(kind)
    if language not in LANGUAGES:
        raise AgreementError("language")
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise AgreementError("title")
    if not (body or "").strip() or len(body) > MAX_BODY:
        raise AgreementError("body")
    unknown = text.unknown_placeholders(body, kind)
    if unknown:
        raise AgreementError("unknown_placeholders", names=", ".join(unknown))

    def create() -> AgreementTemplate:
        template = AgreementTemplate(kind=kind, language=language)
        db.session.add(template)
        return template

    template, _created = find_or_create(lambda: find_template(kind, language), create)
    lock(template)
    db.session.expire(template, ["versions"])
    version = AgreementTemplateVersion(
        template=template,
        number=len(template.versions) + 1,
        title=title,
        body=body,
        change_note=(change_note or "").strip(),
        author_user_id=author.id if author is not None else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def version_for(kind: str, language: str) -> AgreementTemplateVersion | None:
    """The latest version of the kind in the language, else in English, else None."""
    for each in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        template = find_template(kind, each)
        if template is not None and template.latest is not None:
            return template.latest
    return None


# --- documents ----------------------------------------------------------------------------


def next_number(year: int) -> str:
    """Take the next document number of the year (AGR-2027-00012), in the caller's
    transaction: the sequence row is locked, so numbers run without a gap and never twice."""

    def find() -> AgreementNumberSequence | None:
        found: AgreementNumberSequence | None = db.session.scalar(
            select(AgreementNumberSequence).where(AgreementNumberSequence.year == year)
        )
        return found

    def create() -> AgreementNumberSequence:
        sequence = AgreementNumberSequence(year=year, last_number=0)
        db.session.add(sequence)
        return sequence

    sequence, _created = find_or_create(find, create)
    locked = load_locked(AgreementNumberSequence, sequence.id)
    assert locked is not None  # noqa: S101 - a sequence row is never deleted
    locked.last_number += 1
    db.session.flush()
    return f"{NUMBER_PREFIX}{year}-{locked.last_number:05d}"


def party_language(parties: Parties) -> str:
    """The language the party reads: the organisation's or supplier's, else the association's."""
    organisation = parties.organisation
    if parties.participation is not None:
        organisation = parties.participation.organisation
    language = None
    if organisation is not None:
        language = organisation.language
    elif parties.supplier is not None:
        language = parties.supplier.language
    language = language or get_settings().default_language
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


def parties_for(
    kind: str,
    *,
    organisation: Organisation | None = None,
    participation: Participation | None = None,
    supplier: Supplier | None = None,
) -> Parties:
    """The parties of a document of the kind; AgreementError("no_party") when none is given."""
    if participation is not None:
        organisation = participation.organisation
    if kind == PARTICIPATION and participation is None:
        raise AgreementError("no_party")
    if kind == SUPPLIER and supplier is None:
        raise AgreementError("no_party")
    if organisation is None and supplier is None:
        raise AgreementError("no_party")
    return Parties(organisation=organisation, participation=participation, supplier=supplier)


def make_document(
    kind: str,
    *,
    organisation: Organisation | None = None,
    participation: Participation | None = None,
    supplier: Supplier | None = None,
    made_by: User | None = None,
    language: str | None = None,
    today: date | None = None,
) -> AgreementDocument:
    """Make, seal and store a document of the kind for its party, from the latest template
    version in the party's language (else English); the party's earlier document of the kind
    (for the same participation) is replaced. AgreementError("no_template") when the kind has
    no published version."""
    kind = check_kind(kind)
    parties = parties_for(
        kind, organisation=organisation, participation=participation, supplier=supplier
    )
    language = language if language in LANGUAGES else party_language(parties)
    version = version_for(kind, language)
    if version is None:
        raise AgreementError("no_template", kind=kind)
    # One party's documents are made one at a time, so replacing finds the one made before.
    if parties.organisation is not None and parties.organisation.id is not None:
        lock_row(Organisation, parties.organisation.id)
    if parties.supplier is not None and parties.supplier.id is not None:
        lock_row(Supplier, parties.supplier.id)
    today = today or utcnow().date()
    document_language = version.template.language
    number = next_number(today.year)
    values = placeholder_values(
        parties,
        document_language,
        today=today,
        document_number=number,
        version_label=version.label,
    )
    filled = text.fill(version.body, values)
    settings = get_settings()
    association = settings.legal_name or settings.name
    # Imported here: the PDF and the seal need WeasyPrint and pyHanko, which only making a
    # document loads.
    from consortium.agreements.pdf import agreement_pdf

    pdf = agreement_pdf(
        title=version.title,
        body=text.render_markdown(filled),
        document_number=number,
        version_label=version.label,
        language=document_language,
        association_name=association,
        made_on=today,
    )
    sealed = seal(pdf, number, document_language, association)
    previous = _current_documents(kind, parties)
    document = AgreementDocument(
        number=number,
        number_year=today.year,
        kind=kind,
        organisation=parties.organisation,
        supplier=parties.supplier,
        participation=parties.participation,
        template_version=version,
        version_label=version.label,
        language=document_language,
        title=version.title,
        body=filled,
        pdf=sealed,
        sha256=hashlib.sha256(sealed).hexdigest(),
        made_by_user_id=made_by.id if made_by is not None else None,
    )
    db.session.add(document)
    db.session.flush()
    _event(document, "made", made_by)
    for old in previous:
        old.status = REPLACED
        old.replaced_at = utcnow()
        old.replaced_by_id = document.id
        _event(old, "replaced", made_by)
    db.session.flush()
    return document


def seal(pdf: bytes, number: str, language: str, association: str) -> bytes:
    """The PDF sealed with the association's key and certificate from the configuration."""
    from consortium.agreements import sealing

    key_path, cert_path, passphrase = seal_files()
    with force_locale(language):
        reason = _(
            "Agreement %(number)s issued by %(association)s", number=number, association=association
        )
    return sealing.seal_pdf(
        pdf,
        key_path=key_path,
        cert_path=cert_path,
        passphrase=passphrase,
        reason=reason,
        name=association,
    )


def seal_files() -> tuple[str, str, bytes | None]:
    """The seal's key, certificate and passphrase: from the configuration, or in development
    and testing the development seal in the instance folder, named after the association."""
    from consortium.agreements import sealing

    config = current_app.config
    configured = config.get("AGREEMENT_SEAL_KEY") or config.get("AGREEMENT_SEAL_CERT")
    if not configured and config.get("CONSORTIUM_ENV") in ("development", "testing"):
        # Read the association's name in this session: ``seal_settings`` reads it in an app
        # context of its own, whose end would close the session of the request making the
        # document, with everything it has written so far.
        name = get_settings().name or "Consortium"
        key_path, cert_path = sealing.ensure_development_seal(current_app.instance_path, name)
        return key_path, cert_path, None
    return sealing.seal_settings(current_app)


def _current_documents(kind: str, parties: Parties) -> list[AgreementDocument]:
    """The party's documents of the kind that a new one replaces (accepted ones too)."""
    statement = select(AgreementDocument).where(
        AgreementDocument.kind == kind, AgreementDocument.status != REPLACED
    )
    if parties.participation is not None:
        statement = statement.where(AgreementDocument.participation_id == parties.participation.id)
    elif parties.supplier is not None:
        statement = statement.where(AgreementDocument.supplier_id == parties.supplier.id)
    else:
        assert parties.organisation is not None  # noqa: S101 - parties_for checks it
        statement = statement.where(
            AgreementDocument.organisation_id == parties.organisation.id,
            AgreementDocument.participation_id.is_(None),
        )
    return list(db.session.scalars(statement))


def _event(document: AgreementDocument, kind: str, user: User | None) -> AgreementEvent:
    event = AgreementEvent(document=document, kind=kind, user_id=user.id if user else None)
    db.session.add(event)
    return event


def record_view(document: AgreementDocument, user: User) -> None:
    """Note that a contact of the party opened the PDF (once a day per person)."""
    if user.is_secretariat and not document.has_contact(user.id):
        return
    since = utcnow() - timedelta(days=1)
    seen = db.session.scalar(
        select(AgreementEvent.id).where(
            AgreementEvent.document_id == document.id,
            AgreementEvent.kind == "viewed",
            AgreementEvent.user_id == user.id,
            AgreementEvent.at >= since,
        )
    )
    if seen is None:
        _event(document, "viewed", user)
        db.session.flush()


# --- acceptance ---------------------------------------------------------------------------


def _acceptable(document: AgreementDocument) -> None:
    if document.status == REPLACED:
        raise AgreementError("replaced")
    if document.status == ACCEPTED or document.acceptance is not None:
        raise AgreementError("accepted")


def accept(document: AgreementDocument, user: User, *, role: str = "") -> AgreementAcceptance:
    """The user accepts the document for its party: name, role, time, the SHA-256 of the
    stored PDF and the version are recorded, once. Only a contact who may sign for the
    organisation, or a contact of the supplier, may accept."""
    lock(document)
    db.session.expire(document, ["acceptance"])
    _acceptable(document)
    if not document.may_accept(user.id):
        raise AgreementError("not_signer")
    now = utcnow()
    acceptance = AgreementAcceptance(
        document_id=document.id,
        method=ONLINE,
        signer_name=(user.name or user.email)[:MAX_NAME],
        signer_role=(role or _contact_role(document, user)).strip()[:MAX_NAME],
        signer_user_id=user.id,
        accepted_at=now,
        sha256=document.sha256,
        version_label=document.version_label,
        recorded_by_user_id=user.id,
        recorded_at=now,
    )
    with unique(AgreementError("accepted")):
        db.session.add(acceptance)
    _accepted(document, now, user)
    return acceptance


def _contact_role(document: AgreementDocument, user: User) -> str:
    from consortium.members.labels import ROLE_LABELS

    if document.organisation is not None:
        for contact in document.organisation.contacts:
            if contact.user_id == user.id:
                return str(ROLE_LABELS.get(contact.role, contact.role))
    return _("Supplier contact")


def _accepted(document: AgreementDocument, when: datetime, user: User | None) -> None:
    db.session.expire(document, ["acceptance"])
    document.status = ACCEPTED
    document.accepted_at = when
    _event(document, "accepted", user)
    db.session.flush()


def record_scan(
    document: AgreementDocument,
    *,
    scan: bytes,
    signer_name: str,
    signer_role: str,
    signed_on: date,
    recorded_by: User,
) -> AgreementAcceptance:
    """The secretariat records a signed paper copy: the scan (a PDF of at most 10 MB, stored
    in the database), who signed it and on which day."""
    if not scan or not scan.startswith(b"%PDF-"):
        raise AgreementError("scan_type")
    if len(scan) > MAX_SCAN_BYTES:
        raise AgreementError("scan_size")
    signer_name = (signer_name or "").strip()
    if not signer_name or len(signer_name) > MAX_NAME:
        raise AgreementError("signer")
    lock(document)
    db.session.expire(document, ["acceptance"])
    _acceptable(document)
    if signed_on > utcnow().date() or signed_on < document.made_at.date():
        raise AgreementError("signed_on")
    accepted_at = datetime.combine(signed_on, time(12, 0), tzinfo=UTC)
    acceptance = AgreementAcceptance(
        document_id=document.id,
        method=SCAN,
        signer_name=signer_name,
        signer_role=(signer_role or "").strip()[:MAX_NAME],
        accepted_at=accepted_at,
        sha256=document.sha256,
        version_label=document.version_label,
        scan=scan,
        scan_sha256=hashlib.sha256(scan).hexdigest(),
        recorded_by_user_id=recorded_by.id,
    )
    with unique(AgreementError("accepted")):
        db.session.add(acceptance)
    _accepted(document, accepted_at, recorded_by)
    return acceptance


# --- sending ------------------------------------------------------------------------------


def recipients(document: AgreementDocument) -> list[tuple[str, str]]:
    """Who gets the document, as (address, language): the organisation's contacts who may
    sign (else its primary contacts, else its address), or the supplier's contacts (else its
    contact address)."""
    from consortium.auth.services import user_language

    users: list[User] = []
    fallback = ""
    if document.organisation is not None:
        contacts = document.organisation.contacts
        signers = [contact.user for contact in contacts if contact.may_sign]
        primary = [contact.user for contact in contacts if contact.role == "primary"]
        users = signers or primary
        fallback = document.organisation.email
    elif document.supplier is not None:
        users = [contact.user for contact in document.supplier.contacts]
        fallback = document.supplier.contact_email
    found = [
        (user.email, user_language(user))
        for user in users
        if user.active and not user.is_anonymised and user.email
    ]
    if not found and fallback:
        found = [(fallback, document.language)]
    return found


def send_document(
    document: AgreementDocument, by: User | None = None, *, reminder: bool = False
) -> list[OutboxMessage]:
    """Mail the document with its PDF to its party, each recipient in their language; a
    reminder says it still waits for acceptance. The document is then sent."""
    if document.status == REPLACED:
        raise AgreementError("replaced")
    if document.status == ACCEPTED:
        raise AgreementError("accepted")
    addresses = recipients(document)
    if not addresses:
        raise AgreementError("no_recipient")
    settings = get_settings()
    association = settings.legal_name or settings.name
    link = current_app.config["BASE_URL"] + f"/agreements/documents/{document.id}"
    messages = []
    for address, language in addresses:
        with force_locale(language if language in LANGUAGES else document.language):
            subject, body = _message(document, association, link, reminder)
        messages.append(
            queue_message(
                address, subject, body, [(f"{document.number}.pdf", PDF_TYPE, document.pdf)]
            )
        )
    now = utcnow()
    if document.status in WAITING_STATUSES:
        document.status = SENT
        document.sent_at = document.sent_at or now
    _event(document, "reminded" if reminder else "sent", by)
    db.session.flush()
    return messages


def _message(
    document: AgreementDocument, association: str, link: str, reminder: bool
) -> tuple[str, str]:
    if reminder:
        subject = _(
            "Reminder: agreement %(number)s waits for your acceptance", number=document.number
        )
        body = _(
            'Dear %(party)s,\n\nagreement %(number)s, "%(title)s", still waits for '
            "acceptance. Please read it (attached) and accept it on its page:\n%(link)s\n\n"
            "Kind regards,\n%(association)s\n",
            party=document.party_name,
            number=document.number,
            title=document.title,
            link=link,
            association=association,
        )
    else:
        subject = _(
            "Agreement %(number)s from %(association)s",
            number=document.number,
            association=association,
        )
        body = _(
            'Dear %(party)s,\n\nplease find attached agreement %(number)s, "%(title)s". '
            "A contact who may sign for you accepts it on its page:\n%(link)s\n\n"
            "The PDF is sealed by %(association)s: your PDF reader shows whether it is "
            "unchanged.\n\nKind regards,\n%(association)s\n",
            party=document.party_name,
            number=document.number,
            title=document.title,
            link=link,
            association=association,
        )
    return subject, body
