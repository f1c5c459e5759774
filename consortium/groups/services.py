"""Writing groups and their members' terms: services flush, the request commits."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from consortium import periods
from consortium.auth.models import User
from consortium.auth.services import NameNeeded, find_or_invite, find_user_by_email
from consortium.extensions import db
from consortium.groups.models import (
    GROUP_KINDS,
    MEMBER_ROLES,
    PRODUCT_GROUP_KINDS,
    Group,
    GroupMember,
)
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.once import lock, lock_row, unique
from consortium.products.models import Product
from consortium.suppliers.models import Supplier

# A group's short code, naming its decisions (OS2FORMS-SC in OS2FORMS-SC-2027-04): capital
# letters and digits in parts joined by hyphens, at most 30 characters.
GROUP_CODE = re.compile(r"(?=.{1,30}$)[A-Z0-9]+(?:-[A-Z0-9]+)*")


class GroupError(ValueError):
    """A change refused; ``code`` names the reason for the page to translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_product(kind: str, product: Product | None) -> None:
    if kind not in GROUP_KINDS:
        raise GroupError("kind")
    if kind in PRODUCT_GROUP_KINDS and product is None:
        raise GroupError("product_required")
    if kind not in PRODUCT_GROUP_KINDS and product is not None:
        raise GroupError("product_not_allowed")


def clean_code(code: str | None) -> str | None:
    """A group's short code as it is stored: capitals, no surrounding spaces; None for none.
    GroupError("code_format") for anything else than parts of capital letters and digits
    joined by hyphens, at most 30 characters."""
    cleaned = (code or "").strip().upper()
    if not cleaned:
        return None
    if not GROUP_CODE.fullmatch(cleaned):
        raise GroupError("code_format")
    return cleaned


def create_group(
    kind: str,
    name: str,
    product: Product | None = None,
    terms_of_reference: str = "",
    *,
    code: str | None = None,
) -> Group:
    """Set up a group; a product's groups name their product. Its short code (optional) is
    unique: GroupError("code_taken") when another group has it."""
    check_product(kind, product)
    cleaned = clean_code(code)
    with unique(GroupError("code_taken")):
        group = Group(
            kind=kind,
            name=name,
            product=product,
            terms_of_reference=terms_of_reference,
            code=cleaned,
        )
        db.session.add(group)
    return group


def update_group(
    group: Group,
    kind: str,
    name: str,
    product: Product | None,
    terms_of_reference: str,
    *,
    code: str | None,
) -> Group:
    """Change a group's kind, name, product, terms of reference or short code. The decisions
    already taken keep the code they were numbered with."""
    check_product(kind, product)
    cleaned = clean_code(code)
    # Every change inside the savepoint: a code another group has undoes all of them.
    with unique(GroupError("code_taken")):
        group.kind, group.name, group.product = kind, name, product
        group.terms_of_reference = terms_of_reference
        group.code = cleaned
    return group


def check_member(
    group: Group,
    user: User,
    organisation: Organisation | None,
    supplier: Supplier | None,
    role: str,
    starts_on: date,
    ends_on: date | None,
) -> None:
    """Raise GroupError when the term cannot be recorded as given."""
    if role not in MEMBER_ROLES:
        raise GroupError("role")
    if organisation is not None and supplier is not None:
        raise GroupError("both_representatives")
    if organisation is None and supplier is None:
        raise GroupError("representative_required")
    if supplier is not None:
        if group.kind != "coordination_group":
            raise GroupError("supplier_only_coordination")
        if not any(contact.user_id == user.id for contact in supplier.contacts):
            raise GroupError("not_a_supplier_contact")
    if organisation is not None and not any(
        contact.user_id == user.id for contact in organisation.contacts
    ):
        raise GroupError("not_a_contact")
    if ends_on is not None and ends_on < starts_on:
        raise GroupError("dates")
    check_overlap(group, user, starts_on, ends_on)


def check_overlap(
    group: Group,
    user: User,
    starts_on: date,
    ends_on: date | None,
    ignore: GroupMember | None = None,
) -> None:
    """Refuse a second term of the person in the group for any of the same days.

    The group's row stays locked until the change is committed, so two changes of its terms
    at the same moment are checked one after the other.
    """
    lock_row(Group, group.id)
    terms = db.session.scalars(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    for other in terms:
        if other is not ignore and periods.overlaps(
            starts_on, ends_on, other.starts_on, other.ends_on
        ):
            raise GroupError("overlapping_term")


def add_member(
    group: Group,
    user: User,
    *,
    organisation: Organisation | None = None,
    supplier: Supplier | None = None,
    role: str = "member",
    starts_on: date,
    ends_on: date | None = None,
) -> GroupMember:
    """Record a person's term in the group, representing an organisation or a supplier."""
    check_member(group, user, organisation, supplier, role, starts_on, ends_on)
    with unique(GroupError("overlapping_term")):
        member = GroupMember(
            group=group,
            user=user,
            organisation=organisation,
            supplier=supplier,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        db.session.add(member)
    return member


def add_person(
    group: Group,
    email: str,
    *,
    name: str,
    language: str | None,
    invited_by: User | None,
    may_make_contact: Callable[[Organisation], bool],
    organisation: Organisation | None = None,
    supplier: Supplier | None = None,
    role: str = "member",
    starts_on: date,
    ends_on: date | None = None,
) -> tuple[GroupMember, bool]:
    """Record the term of the person with that email; someone without an account is invited
    and becomes a contact of the organisation they represent, when ``may_make_contact`` allows
    the one adding them to make contacts of it. True when the person was invited here.

    Nothing is kept when the term is refused: no account, no contact, no invitation.
    """
    try:
        with db.session.begin_nested():
            user = find_user_by_email(email)
            invited = False
            if user is None:
                if not name.strip():
                    raise GroupError("name_needed")
                if organisation is None:
                    raise GroupError("new_person_needs_organisation")
                if not may_make_contact(organisation):
                    # The same answer as for someone with an account who is not a contact.
                    raise GroupError("not_a_contact")
                user, invited = find_or_invite(email, name, language, invited_by)
                if not organisation.has_contact(user.id):
                    members.add_contact(organisation, user.id, "other")
            member = add_member(
                group,
                user,
                organisation=organisation,
                supplier=supplier,
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
            )
    except NameNeeded as exc:
        raise GroupError("name_needed") from exc
    return member, invited


def end_term(member: GroupMember, ends_on: date) -> GroupMember:
    """End a term on a day; the member stays in the group's history."""
    lock(member)
    if member.ends_on is not None and member.ends_on < date.today():
        raise GroupError("already_ended")
    if ends_on < member.starts_on:
        raise GroupError("dates")
    check_overlap(member.group, member.user, member.starts_on, ends_on, ignore=member)
    member.ends_on = ends_on
    db.session.flush()
    return member
