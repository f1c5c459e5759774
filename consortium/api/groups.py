"""Groups and their current members: the secretariat reads every group, a member the groups
they sit in now, with the names their pages show; what the public pages show of a product's
groups is in the product."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import g
from sqlalchemy import func, select

from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    may,
    paginate,
    problem,
    require,
)
from consortium.api.schemas import plain_text, sort_field
from consortium.api.tokens import READ
from consortium.db import in_force_on
from consortium.groups import queries
from consortium.groups.models import GROUP_KINDS, MEMBER_ROLES, Group, GroupMember
from consortium.products.models import Product

bp = api_blueprint(
    "api-groups",
    "Groups (the board, steering committees, coordination and topic groups) and their current "
    "members. The secretariat reads every group; a member the groups they sit in now.",
)


class GroupSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(GROUP_KINDS))
    name = ma.fields.String(required=True)
    code = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The code decisions are numbered by, such as OS2FORMS-SC."},
    )
    product_slug = ma.fields.String(allow_none=True, required=True)


class GroupMemberSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "As the group's page shows."})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(MEMBER_ROLES))
    organisation_id = ma.fields.Integer(allow_none=True, required=True)
    representing = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The organisation or supplier the member represents."},
    )
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(allow_none=True, required=True)


class GroupSchema(GroupSummarySchema):
    terms_of_reference = ma.fields.String(required=True)
    members = ma.fields.List(
        ma.fields.Nested(GroupMemberSchema),
        required=True,
        metadata={"description": "The members whose term runs today."},
    )


class GroupListArgs(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(GROUP_KINDS))
    product = ma.fields.String(
        validate=plain_text(100), metadata={"description": "A product's slug."}
    )
    sort = sort_field("name", "name", "kind")


def summary(group: Group) -> dict:
    return {
        "id": group.id,
        "kind": group.kind,
        "name": group.name,
        "code": group.code,
        "product_slug": group.product.slug if group.product else None,
    }


def _member(member: GroupMember) -> dict:
    representing = member.organisation or member.supplier
    return {
        "name": member.user.display_name,
        "role": member.role,
        "organisation_id": member.organisation_id,
        "representing": representing.name if representing else None,
        "starts_on": member.starts_on,
        "ends_on": member.ends_on,
    }


_SORTS = {
    "name": (func.lower(Group.name), Group.id),
    "-name": (func.lower(Group.name).desc(), Group.id.desc()),
    "kind": (Group.kind, func.lower(Group.name), Group.id),
    "-kind": (Group.kind.desc(), func.lower(Group.name).desc(), Group.id.desc()),
}


@bp.route("/groups")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(GroupListArgs, location="query", as_kwargs=True)
@bp.response(200, GroupSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_groups(page, per_page, sort, kind="", product=""):
    """Every group for the secretariat; the groups the caller is a current member of
    otherwise. Filter by kind and product.

    Scope: groups:read."""
    require("groups", READ, "groups.mine")
    statement = select(Group).outerjoin(Product, Group.product_id == Product.id)
    if not may("groups.manage"):
        statement = statement.where(
            Group.id.in_(
                select(GroupMember.group_id).where(
                    GroupMember.user_id == g.api_user.id,
                    in_force_on(GroupMember.starts_on, GroupMember.ends_on, date.today()),
                )
            )
        )
    if kind:
        statement = statement.where(Group.kind == kind)
    if product:
        statement = statement.where(Product.slug == product)
    groups, headers = paginate(
        statement.order_by(*_SORTS[sort]), {"page": page, "per_page": per_page}
    )
    return [summary(group) for group in groups], 200, headers


@bp.route("/groups/<int:group_id>")
@bp.response(200, GroupSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_group(group_id: int):
    """A group with its terms of reference and its current members (name, role, whom they
    represent, term), as its page shows them.

    Scope: groups:read; the group's current members and the secretariat."""
    group = queries.group(group_id)
    if group is None:
        problem(404)
    require("groups", READ, "groups.view", group)
    members = sorted(
        queries.current_members(group), key=lambda m: (m.role != "chair", m.user.display_name)
    )
    return summary(group) | {
        "terms_of_reference": group.terms_of_reference,
        "members": [_member(member) for member in members],
    }
