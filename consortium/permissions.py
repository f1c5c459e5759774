"""The one place that answers "may this user do this to this object?".

Every view and template asks ``can(user, action, obj)``; none decides on its own. Rights come
from sources, each a section below: being the secretariat, being the user in question, and (as
the register grows) being an organisation's contact, a supplier's contact or a group member.
A new source of rights is added here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from consortium.extensions import login_manager

Predicate = Callable[[Any, Any], bool]

# The actions the app knows. A view names one; a test lists which role may do each.
ACTIONS = {
    "home.dashboard": "see the signed-in start page",
    "home.work_queue": "see the secretariat's work queue on the start page and its counts in the menu",
    "profile.edit": "change one's own name, language and password",
    "users.manage": "invite, deactivate and reactivate users",
    "users.view": "see a user's account",
    "settings.edit": "change the association's settings",
    "audit.read": "read the audit trail",
    "outbox.read": "read the outbox of outgoing mail and its sending state",
    "outbox.retry": "send a message that failed again",
    "search.use": "search the records one may see from the box in the header",
    "organisations.list": "see the list of organisations one may see",
    "organisations.view": "see an organisation's page with its contacts and private data",
    "organisations.edit_contact_data": "change an organisation's address, emails and billing identities",
    "organisations.manage": "create organisations; change kind, registration number, population, tier and membership",
    "organisations.manage_contacts": "add and invite an organisation's contacts by email, change their roles, remove them and make another one primary (its primary contact)",
    "people.search": "find people by name or email when adding them as a contact or a group member (the secretariat)",
    "privacy.manage": "export and anonymise a person's data",
    # Products (products/).
    "products.view": "see the product catalogue, a product's page, its assessment and publiccode.yml",
    "products.manage": "add, edit and import products; rate requirements; record level decisions; edit the requirement list",
    "suppliers.manage": "vet suppliers, see the supplier list and manage supplier agreements",
    "suppliers.mine": "see the list of suppliers one is a contact of",
    "suppliers.view": "see a supplier's page with its registration and agreements",
    "suppliers.edit_contact_data": "change a supplier's address, contact person, services and statement",
    # Groups and participation (groups/, participation/).
    "groups.manage": "create and edit groups and their members' terms; see every group",
    "groups.mine": "see the groups one is a current member of",
    "groups.view": "see a group's page with its members",
    "groups.write_minutes": "write a group's minutes (its current chair or secretary)",
    "groups.add_member": "add a person's term to a group, by their exact email (its current chair or secretary)",
    "participations.manage": "record, change and end organisations' participation in products; decide requests",
    "participations.mine": "see one's organisations' participations and requests",
    "participations.view": "see an organisation's participations",
    "participations.request": "ask to join a product or give notice, for one's own organisation",
    # Meetings (meetings/), checked against the meeting's group.
    "meetings.view": "see a group's meetings, agendas, papers, minutes, decisions and action items (its current members); published approved minutes (everyone)",
    "meetings.take_part": "reply to a meeting's invitation and comment on circulated minutes (the group's current members)",
    "meetings.plan": "plan, change and cancel a group's meetings, their agendas and papers (its current chair or secretary)",
    "meetings.write_minutes": "record attendance, write and circulate minutes, record decisions and action items (the group's current chair or secretary)",
    "meetings.approve": "approve a group's circulated minutes and publish approved ones (its current chair)",
    "meetings.record_approval": "record that a later meeting of the group approved its circulated minutes (the group's current chair or secretary)",
    "meetings.update_action": "mark an action item done or open it again (its owner, the group's current chair or secretary)",
    # Backlogs and prioritisation rounds (backlog/), checked against the product's backlog, an
    # item, a round or an organisation's place in a round.
    "backlog.view": "see a product's backlog, its items, history and rounds (contacts of participating organisations, members of the product's groups, suppliers with a valid agreement for it)",
    "backlog.submit": "submit an item to a product's backlog (contacts of organisations taking part in the product)",
    "backlog.comment": "comment on a backlog item (contacts of participating organisations, the product's coordinators, its suppliers)",
    "backlog.manage": "accept, reject and edit backlog items and move them through development (the chair or secretary of the product's coordination group)",
    "backlog.estimate": "estimate backlog items and move accepted items through development (suppliers with a valid agreement for the product)",
    "backlog.vote": "fill in or change an organisation's ballot in an open round (its contacts who sit in the round's group)",
    "backlog.run_rounds": "create, open and close a product's prioritisation rounds (the chair or secretary of the round's coordination group)",
    # Fee settings, budgets and previews (fees/views.py): the secretariat only.
    "fees.manage": "set membership fee schedules, product tariffs and budgets; approve budgets; preview a year's fees",
    # Member fee pages (fees/member_views.py).
    "fees.view_own": "see one's own organisation's expected fees and what joining a product would cost it",
    # Invoices (invoicing/).
    "invoices.manage": "make, review and issue invoices; set the seller's invoicing data",
    "invoices.view_own": "see one's own organisation's invoices and download them",
    # Agreements (agreements/).
    "agreements.manage": "publish agreement templates; make documents, record signed scans, send reminders, export",
    "agreements.mine": "see the agreements of the organisations and suppliers one is a contact of",
    "agreements.view": "see an agreement document, its history and its PDF",
    "agreements.accept": "accept an agreement document for one's organisation or supplier",
    # The JSON API's personal access tokens (api/).
    "api.own_tokens": "make, list and revoke one's own personal access tokens for the JSON API",
    "api.all_tokens": "see and revoke every user's personal access tokens",
    # Messages to many people (messages/), checked against the organisations, the product or
    # the group written to, and against a sent message.
    "messages.write": "write to the contacts of organisations or of a product's participants (the secretariat), or to a group's members (also its current chair or secretary)",
    "messages.list": "see the list of the messages one may read",
    "messages.view": "read a sent message with its recipients (its sender; the current chair and secretary of the group it went to)",
}

_rules: dict[str, list[Predicate]] = {action: [] for action in ACTIONS}


def rule(*actions: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate that grants the actions when it returns True."""

    def register(predicate: Predicate) -> Predicate:
        for action in actions:
            if action not in _rules:
                raise KeyError(f"unknown action {action!r}; declare it in ACTIONS")
            _rules[action].append(predicate)
        return predicate

    return register


def can(user, action: str, obj: Any = None) -> bool:
    """Whether the user may do the action, to the object when one is given."""
    if action not in _rules:
        raise KeyError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_secretariat:
        return True
    return any(predicate(user, obj) for predicate in _rules[action])


def require(action: str, obj: Any = None) -> None:
    """Stop the request unless the current user may act: sign in first, or 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not can(current_user, action, obj):
        abort(403)


def permission_required(action: str):
    """Decorate a view that acts on no particular object."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorate


# Source: the secretariat manages everything (handled in can()).


# Source: every signed-in user.
@rule("home.dashboard", "profile.edit", "organisations.list", "messages.list", "api.own_tokens")
def _any_signed_in_user(user, obj) -> bool:
    return True


# Source: every signed-in user searches; each kind of result is narrowed to what the user may
# see (search/queries.py).
@rule("search.use")
def _signed_in_searches(user, obj) -> bool:
    return True


# Source: the user the record is about.
@rule("users.view")
def _own_account(user, obj) -> bool:
    return obj is not None and getattr(obj, "id", None) == user.id


# The rules about a record ask the record itself (Organisation.has_contact, Group.has_current_member,
# Supplier.has_contact), so that this module imports no domain; `permission_subject` says what
# kind of record an object is.
def _is(obj, subject: str) -> bool:
    return getattr(obj, "permission_subject", None) == subject


# Source: being a contact of an organisation (any role).
@rule("organisations.view", "organisations.edit_contact_data")
def _organisation_contact(user, obj) -> bool:
    return _is(obj, "organisation") and obj.has_contact(user.id)


# Source: being an organisation's primary contact.
@rule("organisations.manage_contacts")
def _organisation_primary_contact(user, obj) -> bool:
    return _is(obj, "organisation") and obj.has_primary_contact(user.id)


# Source: membership of a group (groups/), and contacts' participation (participation/).
@rule("groups.mine", "participations.mine")
def _signed_in_sees_own_groups_and_participations(user, obj) -> bool:
    return True


@rule("groups.view")
def _current_group_member(user, obj) -> bool:
    return _is(obj, "group") and obj.has_current_member(user.id)


@rule("groups.write_minutes", "groups.add_member")
def _current_group_chair_or_secretary(user, obj) -> bool:
    return _is(obj, "group") and obj.has_current_member(user.id, roles=("chair", "secretary"))


# Source: membership of the group a meeting belongs to (meetings/). The rules take the group, a
# meeting or a version of its minutes and ask the group.
def _meeting_group(obj):
    if _is(obj, "group"):
        return obj
    if _is(obj, "meeting"):
        return obj.group
    if _is(obj, "minutes") or _is(obj, "action_item"):
        return obj.meeting.group
    return None


@rule("meetings.view", "meetings.take_part")
def _member_of_the_meeting_group(user, obj) -> bool:
    group = _meeting_group(obj)
    return group is not None and _current_group_member(user, group)


@rule("meetings.view")
def _published_minutes(user, obj) -> bool:
    return _is(obj, "minutes") and obj.is_published


@rule("meetings.update_action")
def _owner_of_the_action_item(user, obj) -> bool:
    return _is(obj, "action_item") and obj.owner_user_id == user.id


@rule(
    "meetings.plan",
    "meetings.write_minutes",
    "meetings.update_action",
    "meetings.record_approval",
)
def _chair_or_secretary_of_the_meeting_group(user, obj) -> bool:
    group = _meeting_group(obj)
    return group is not None and _current_group_chair_or_secretary(user, group)


@rule("meetings.approve")
def _chair_of_the_meeting_group(user, obj) -> bool:
    group = _meeting_group(obj)
    return group is not None and group.has_current_member(user.id, roles=("chair",))


@rule("participations.view", "participations.request")
def _contact_of_the_participating_organisation(user, obj) -> bool:
    return _organisation_contact(user, obj)


# Source: being a contact of a supplier.
@rule("suppliers.mine")
def _supplier_contact_list(user, obj) -> bool:
    return True


@rule("suppliers.view", "suppliers.edit_contact_data")
def _supplier_contact(user, obj) -> bool:
    return _is(obj, "supplier") and obj.has_contact(user.id)


# Source: every signed-in user sees the product catalogue (products/).
@rule("products.view")
def _signed_in_sees_products(user, obj) -> bool:
    return True


# Source: a contact sees their own organisation's fees (fees/member_views.py).
@rule("fees.view_own")
def _contact_sees_own_fees(user, obj) -> bool:
    return _organisation_contact(user, obj)


# Source: a contact sees their own organisation's invoices (invoicing/).
@rule("invoices.view_own")
def _contact_sees_own_invoices(user, obj) -> bool:
    return (_is(obj, "invoice") or _is(obj, "organisation")) and obj.has_contact(user.id)


# Source: a contact of an agreement's organisation or supplier (agreements/). Accepting asks
# the document whether the person may sign for its party: a contact whom the secretariat marked
# "may sign", or a contact of the supplier.
@rule("agreements.mine")
def _signed_in_sees_own_agreements(user, obj) -> bool:
    return True


@rule("agreements.view")
def _contact_sees_agreement(user, obj) -> bool:
    return _is(obj, "agreement_document") and obj.has_contact(user.id)


@rule("agreements.accept")
def _signer_accepts_agreement(user, obj) -> bool:
    return _is(obj, "agreement_document") and obj.may_accept(user.id)


# Source: taking part in, coordinating or supplying a product (backlog/). The rules take the
# product's backlog, an item, a comment or a round, and ask the backlog; a vote is asked of the
# organisation's place in the round.
def _backlog(obj):
    if _is(obj, "backlog"):
        return obj
    if _is(obj, "backlog_item") or _is(obj, "backlog_round"):
        return obj.backlog
    return None


@rule("backlog.view", "backlog.comment")
def _backlog_participant_or_supplier(user, obj) -> bool:
    backlog = _backlog(obj)
    return backlog is not None and (
        backlog.has_participant_contact(user.id)
        or backlog.has_coordinator(user.id)
        or backlog.has_supplier_contact(user.id)
    )


@rule("backlog.view")
def _backlog_group_member(user, obj) -> bool:
    backlog = _backlog(obj)
    return backlog is not None and backlog.has_group_member(user.id)


@rule("backlog.submit")
def _backlog_participant(user, obj) -> bool:
    backlog = _backlog(obj)
    return backlog is not None and backlog.has_participant_contact(user.id)


@rule("backlog.manage")
def _backlog_coordinator(user, obj) -> bool:
    backlog = _backlog(obj)
    return backlog is not None and backlog.has_coordinator(user.id)


@rule("backlog.estimate")
def _backlog_supplier(user, obj) -> bool:
    backlog = _backlog(obj)
    return backlog is not None and backlog.has_supplier_contact(user.id)


@rule("backlog.run_rounds")
def _round_group_chair_or_secretary(user, obj) -> bool:
    if _is(obj, "backlog_round"):
        return obj.has_chair_or_secretary(user.id)
    if _is(obj, "group"):
        return obj.kind == "coordination_group" and _current_group_chair_or_secretary(user, obj)
    return False


@rule("backlog.vote")
def _contact_in_the_round_group(user, obj) -> bool:
    return _is(obj, "backlog_vote") and obj.may_vote(user.id)


# Source: chairing or keeping the minutes of a group, or having sent a message (messages/).
@rule("messages.write")
def _group_chair_or_secretary_writes_to_members(user, obj) -> bool:
    return _is(obj, "group") and _current_group_chair_or_secretary(user, obj)


@rule("messages.view")
def _reader_of_the_message(user, obj) -> bool:
    return _is(obj, "bulk_message") and obj.may_read(user.id)
