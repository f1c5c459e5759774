"""The global search: each kind of record the reader may see, matched by name and number.

Each kind is searched by one function that takes the reader, the query and a limit and answers
a :class:`Found`: at most ``limit`` hits (an exact identifier first) and how many there are in
all. What a reader may see is the same as on the pages: the secretariat everything; a contact
their organisations, their colleagues there, their own issued invoices and documents; a
member their groups; the minutes through the meetings' own search, the backlog items of the
products whose backlog they may see (asked of consortium/permissions.py). Every kind costs a
fixed number of queries, whatever the size of the register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.agreements.models import AgreementDocument
from consortium.auth.models import User
from consortium.backlog import queries as backlog_queries
from consortium.backlog.labels import STATUS_LABELS as BACKLOG_STATUS_LABELS
from consortium.backlog.models import Backlog, BacklogItem
from consortium.extensions import db
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.i18n import day
from consortium.invoicing.labels import INVOICE_STATUS_LABELS, SERIES_LABELS
from consortium.invoicing.models import NUMBERED_STATUSES, Invoice
from consortium.meetings import registers
from consortium.members.models import BillingIdentity, Organisation, OrganisationContact
from consortium.products.models import Product
from consortium.search.folding import (
    FOLD_FROM,
    FOLD_TO,
    LIKE_ESCAPE,
    compact_identifier,
    contains_pattern,
    fold,
    words,
)
from consortium.suppliers.labels import STATUS_LABELS as SUPPLIER_STATUS_LABELS
from consortium.suppliers.models import Supplier, SupplierContact


@dataclass(frozen=True)
class Hit:
    """One record found: what it is called, where its page is, a few facts to tell it apart,
    and whether the query was exactly one of its identifiers."""

    title: str
    url: str
    details: tuple[str, ...] = ()
    exact: bool = False


@dataclass
class Found:
    kind: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def exact(self) -> bool:
        return any(hit.exact for hit in self.hits)


@dataclass(frozen=True)
class Query:
    """What was typed, cleaned, with its folded words and its form as an identifier."""

    text: str
    words: tuple[str, ...]
    identifier: str

    @classmethod
    def of(cls, text: str) -> Query:
        return cls(text=text, words=tuple(words(text)), identifier=compact_identifier(text))


# --- matching in SQL --------------------------------------------------------------------------


def folded(column: Any) -> ColumnElement[str]:
    """The column as :func:`consortium.search.folding.fold` folds text, in SQL."""
    return func.translate(func.lower(func.coalesce(column, "")), FOLD_FROM, FOLD_TO)


def _matches_every_word(query: Query, columns: Sequence[Any], extra=None) -> ColumnElement[bool]:
    """Every word of the query is in one of the columns (or satisfies ``extra(pattern)``)."""
    conditions = []
    for word in query.words:
        pattern = contains_pattern(word)
        found = [folded(column).like(pattern, escape=LIKE_ESCAPE) for column in columns]
        if extra is not None:
            found.append(extra(pattern))
        conditions.append(or_(*found))
    return and_(true(), *conditions)


def _is(column: Any, value: str) -> ColumnElement[bool]:
    """The column is the value, case and diacritics aside (an identifier typed in full)."""
    if not value:
        return false()
    return folded(column) == fold(value)


def _counted(statement: Select, exact: ColumnElement[bool], limit: int, *order: Any):
    """How many rows the statement finds, and the first ``limit`` of them, exact ones first."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.execute(
        statement.add_columns(exact.label("exact"))
        .order_by(case((exact, 0), else_=1), *order)
        .limit(limit)
    ).all()
    return total or 0, rows


def _join(*parts: str | None) -> tuple[str, ...]:
    return tuple(part for part in parts if part)


def _confirmed(rows, user, action: str, everything: bool):
    """The rows whose record the user may open, asked of consortium/permissions.py: the query
    narrows to what the pages show the user already; this makes sure of each hit shown."""
    if everything:
        return rows
    return [row for row in rows if permissions.can(user, action, row[0])]


def _own_organisation_ids(user) -> Select:
    return select(OrganisationContact.organisation_id).where(OrganisationContact.user_id == user.id)


def _own_supplier_ids(user) -> Select:
    return select(SupplierContact.supplier_id).where(SupplierContact.user_id == user.id)


# --- the kinds ----------------------------------------------------------------------------------


def organisations(user, query: Query, limit: int) -> Found:
    """By name, registration number (CVR), VAT number, municipality code, email and the EAN/GLN,
    Peppol id or invoice email of a billing identity. The secretariat all, a contact theirs."""

    def by_billing_identity(pattern: str) -> ColumnElement[bool]:
        return Organisation.id.in_(
            select(BillingIdentity.organisation_id).where(
                or_(
                    *(
                        folded(column).like(pattern, escape=LIKE_ESCAPE)
                        for column in (
                            BillingIdentity.gln,
                            BillingIdentity.peppol_id,
                            BillingIdentity.invoice_email,
                        )
                    )
                )
            )
        )

    statement = select(Organisation).where(
        _matches_every_word(
            query,
            (
                Organisation.name,
                Organisation.registration_number,
                Organisation.vat_number,
                Organisation.municipality_code,
                Organisation.email,
            ),
            by_billing_identity,
        )
    )
    everything = permissions.can(user, "organisations.manage")
    if not everything:
        statement = statement.where(Organisation.id.in_(_own_organisation_ids(user)))
    exact = or_(
        _is(Organisation.registration_number, query.identifier),
        _is(Organisation.vat_number, query.identifier),
        _is(Organisation.municipality_code, query.identifier),
        Organisation.id.in_(
            select(BillingIdentity.organisation_id).where(
                or_(
                    _is(BillingIdentity.gln, query.identifier),
                    _is(BillingIdentity.peppol_id, query.identifier),
                )
            )
        ),
    )
    total, rows = _counted(
        statement.options(selectinload(Organisation.billing_identities)),
        exact,
        limit,
        func.lower(Organisation.name),
        Organisation.id,
    )
    found = Found("organisations", total=total)
    for organisation, is_exact in _confirmed(rows, user, "organisations.view", everything):
        eans = [
            identity.gln
            for identity in organisation.billing_identities
            if identity.gln and any(word in fold(identity.gln) for word in query.words)
        ]
        found.hits.append(
            Hit(
                organisation.name,
                url_for("members.detail", organisation_id=organisation.id),
                _join(
                    _("Registration number %(number)s", number=organisation.registration_number)
                    if organisation.registration_number
                    else None,
                    _("Municipality code %(code)s", code=organisation.municipality_code)
                    if organisation.municipality_code
                    else None,
                    *(_("EAN %(number)s", number=ean) for ean in eans),
                ),
                bool(is_exact),
            )
        )
    return found


def people(user, query: Query, limit: int) -> Found:
    """By name and email. The secretariat finds every account; a contact only the contacts of
    their own organisations, as the organisation's page shows them (never the user list)."""
    columns = (User.name, User.email)
    exact = _is(User.email, query.text)
    if permissions.can(user, "users.manage"):
        statement = select(User).where(_matches_every_word(query, columns))
        total, rows = _counted(statement, exact, limit, func.lower(User.name), User.id)
        found = Found("people", total=total)
        for person, is_exact in rows:
            found.hits.append(
                Hit(
                    person.display_name,
                    url_for("auth.user_detail", user_id=person.id),
                    _join(
                        person.shown_email,
                        None if person.active else _("Deactivated"),
                    ),
                    bool(is_exact),
                )
            )
        return found
    statement = (
        select(OrganisationContact)
        .join(User, OrganisationContact.user_id == User.id)
        .join(Organisation, OrganisationContact.organisation_id == Organisation.id)
        .where(
            OrganisationContact.organisation_id.in_(_own_organisation_ids(user)),
            _matches_every_word(query, columns),
        )
        .options(
            selectinload(OrganisationContact.user), selectinload(OrganisationContact.organisation)
        )
    )
    total, rows = _counted(statement, exact, limit, func.lower(User.name), User.id, Organisation.id)
    found = Found("people", total=total)
    for contact, is_exact in rows:
        found.hits.append(
            Hit(
                contact.user.display_name,
                url_for("members.detail", organisation_id=contact.organisation_id),
                _join(contact.user.shown_email, contact.organisation.name),
                bool(is_exact),
            )
        )
    return found


def products(user, query: Query, limit: int) -> Found:
    """By name and slug; every signed-in user sees the catalogue."""
    if not permissions.can(user, "products.view"):
        return Found("products")
    statement = select(Product).where(_matches_every_word(query, (Product.name, Product.slug)))
    total, rows = _counted(
        statement, _is(Product.slug, query.text), limit, func.lower(Product.name), Product.id
    )
    found = Found("products", total=total)
    for product, is_exact in rows:
        found.hits.append(
            Hit(
                product.name,
                url_for("products.detail", slug=product.slug),
                (product.slug,),
                bool(is_exact),
            )
        )
    return found


def groups(user, query: Query, limit: int) -> Found:
    """By name and code. The secretariat all, a member the groups they sit in today."""
    statement = select(Group).where(_matches_every_word(query, (Group.name, Group.code)))
    everything = permissions.can(user, "groups.manage")
    if not everything:
        member_of = [term.group_id for term in group_queries.memberships_of(user.id)]
        statement = statement.where(Group.id.in_(member_of))
    total, rows = _counted(
        statement, _is(Group.code, query.text), limit, func.lower(Group.name), Group.id
    )
    found = Found("groups", total=total)
    for group, is_exact in _confirmed(rows, user, "groups.view", everything):
        found.hits.append(
            Hit(
                group.name,
                url_for("groups.detail", group_id=group.id),
                _join(group.code),
                bool(is_exact),
            )
        )
    return found


def suppliers(user, query: Query, limit: int) -> Found:
    """By name, registration number and VAT number. The secretariat every registration, a
    supplier's contact their own company."""
    statement = select(Supplier).where(
        _matches_every_word(
            query, (Supplier.name, Supplier.registration_number, Supplier.vat_number)
        )
    )
    everything = permissions.can(user, "suppliers.manage")
    if not everything:
        statement = statement.where(Supplier.id.in_(_own_supplier_ids(user)))
    exact = or_(
        _is(Supplier.registration_number, query.identifier),
        _is(Supplier.vat_number, query.identifier),
    )
    total, rows = _counted(statement, exact, limit, func.lower(Supplier.name), Supplier.id)
    found = Found("suppliers", total=total)
    for supplier, is_exact in _confirmed(rows, user, "suppliers.view", everything):
        found.hits.append(
            Hit(
                supplier.name,
                url_for("suppliers.detail", supplier_id=supplier.id),
                _join(
                    _("Registration number %(number)s", number=supplier.registration_number),
                    str(SUPPLIER_STATUS_LABELS.get(supplier.status, supplier.status)),
                ),
                bool(is_exact),
            )
        )
    return found


def invoices(user, query: Query, limit: int) -> Found:
    """Invoices and credit notes by number, buyer and organisation. The secretariat all, drafts
    too; a contact their organisations' issued ones, as on "Our invoices"."""
    statement = (
        select(Invoice)
        .join(Organisation, Invoice.organisation_id == Organisation.id)
        .where(_matches_every_word(query, (Invoice.number, Invoice.buyer_name, Organisation.name)))
        .options(selectinload(Invoice.organisation))
    )
    everything = permissions.can(user, "invoices.manage")
    if not everything:
        statement = statement.where(
            Invoice.organisation_id.in_(_own_organisation_ids(user)),
            Invoice.status.in_(NUMBERED_STATUSES),
        )
    total, rows = _counted(
        statement,
        _is(Invoice.number, query.text),
        limit,
        Invoice.issued_on.desc().nulls_last(),
        Invoice.id.desc(),
    )
    found = Found("invoices", total=total)
    for invoice, is_exact in _confirmed(rows, user, "invoices.view_own", everything):
        title = invoice.number or _("Draft #%(id)d", id=invoice.id)
        found.hits.append(
            Hit(
                title,
                url_for("invoicing.detail", invoice_id=invoice.id),
                _join(
                    str(SERIES_LABELS.get(invoice.series, invoice.series)),
                    invoice.buyer_name or invoice.organisation.name,
                    str(INVOICE_STATUS_LABELS.get(invoice.status, invoice.status)),
                ),
                bool(is_exact),
            )
        )
    return found


def agreements(user, query: Query, limit: int) -> Found:
    """Agreement documents by number, title and party. The secretariat all, a contact those of
    their organisations and suppliers."""
    statement = (
        select(AgreementDocument)
        .outerjoin(Organisation, AgreementDocument.organisation_id == Organisation.id)
        .outerjoin(Supplier, AgreementDocument.supplier_id == Supplier.id)
        .where(
            _matches_every_word(
                query,
                (
                    AgreementDocument.number,
                    AgreementDocument.title,
                    Organisation.name,
                    Supplier.name,
                ),
            )
        )
        .options(
            selectinload(AgreementDocument.organisation), selectinload(AgreementDocument.supplier)
        )
    )
    everything = permissions.can(user, "agreements.manage")
    if not everything:
        statement = statement.where(
            or_(
                AgreementDocument.organisation_id.in_(_own_organisation_ids(user)),
                AgreementDocument.supplier_id.in_(_own_supplier_ids(user)),
            )
        )
    total, rows = _counted(
        statement,
        _is(AgreementDocument.number, query.text),
        limit,
        AgreementDocument.number.desc(),
        AgreementDocument.id.desc(),
    )
    found = Found("agreements", total=total)
    for document, is_exact in _confirmed(rows, user, "agreements.view", everything):
        found.hits.append(
            Hit(
                f"{document.number}: {document.title}",
                url_for("agreements.detail", document_id=document.id),
                _join(document.party_name),
                bool(is_exact),
            )
        )
    return found


def backlog_items(user, query: Query, limit: int) -> Found:
    """By title and number (#12). The secretariat all, others the items of the products whose
    backlog they may see (consortium/permissions.py, asked for each product)."""
    statement = select(BacklogItem).where(
        _matches_every_word(query, (BacklogItem.title,), _item_number(query))
    )
    if not user.is_secretariat:
        product_ids = backlog_queries.candidate_product_ids(user.id)
        visible = (
            [
                product.id
                for product in backlog_queries.products_by_name(product_ids)
                if permissions.can(user, "backlog.view", Backlog(product))
            ]
            if product_ids
            else []
        )
        statement = statement.where(BacklogItem.product_id.in_(visible))
    number = _number(query.text)
    exact = BacklogItem.id == number if number is not None else false()
    total, rows = _counted(
        statement.options(selectinload(BacklogItem.product)),
        exact,
        limit,
        BacklogItem.id.desc(),
    )
    found = Found("backlog", total=total)
    for item, is_exact in _confirmed(rows, user, "backlog.view", user.is_secretariat):
        found.hits.append(
            Hit(
                f"#{item.id} {item.title}",
                url_for("backlog.item", item_id=item.id),
                _join(item.product.name, str(BACKLOG_STATUS_LABELS.get(item.status, item.status))),
                bool(is_exact),
            )
        )
    return found


def _number(text: str) -> int | None:
    digits = text.removeprefix("#").strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= 9:
        return int(digits)
    return None


def _item_number(query: Query) -> Callable[[str], ColumnElement[bool]]:
    """A word "#12" or "12" also finds item 12."""
    number = _number(query.text)

    def by_number(_pattern: str) -> ColumnElement[bool]:
        return BacklogItem.id == number if number is not None else false()

    return by_number


def minutes_and_decisions(user, query: Query, limit: int) -> tuple[Found, Found]:
    """Minutes by the meeting's and agenda's titles and text, decisions by number and text: the
    meetings' own search (consortium/meetings/registers.py), which knows whose minutes a reader
    may read. Its words match at the start of a word ("bud" finds "budget")."""
    results = registers.search(user, query.text)
    access = registers.access_of(user)
    minutes = Found("minutes", total=len(results.minutes))
    for each in results.minutes[:limit]:
        meeting = each.meeting
        minutes.hits.append(
            Hit(
                f"{meeting.group.name}: {meeting.title}",
                url_for("meetings.minutes_version", meeting_id=meeting.id, version=each.version),
                (day(meeting.local_start.date()),),
            )
        )
    decisions = Found("decisions", total=len(results.decisions))
    wanted = fold(query.text)
    ordered = sorted(results.decisions, key=lambda decision: fold(decision.code) != wanted)
    for decision in ordered[:limit]:
        decisions.hits.append(
            Hit(
                decision.code,
                _decision_url(decision, access),
                _join(decision.group.name, _shortened(decision.text)),
                fold(decision.code) == wanted,
            )
        )
    return minutes, decisions


def _decision_url(decision, access) -> str:
    meeting = decision.meeting
    if meeting is not None:
        readable = access.readable(meeting)
        if readable:
            return url_for(
                "meetings.minutes_version", meeting_id=meeting.id, version=readable[-1].version
            )
        return url_for("meetings.meeting", meeting_id=meeting.id)
    return url_for("meetings.decisions", q=decision.code)


def _shortened(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
