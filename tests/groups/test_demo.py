"""The demo's groups and participations, loaded on top of the demo register and products."""

from __future__ import annotations

from sqlalchemy import select

from consortium.extensions import db
from consortium.groups import queries
from consortium.groups.models import Group
from consortium.participation import queries as participation_queries
from consortium.participation.models import ParticipationRequest
from consortium.products.models import Product

PRODUCTS = (
    ("os2forms", "OS2forms", "product", "N3"),
    ("os2borgerpc", "OS2borgerPC", "product", "N2"),
    ("os2display", "OS2display", "project", "N1"),
    ("os2old", "OS2old", "retired", None),
)


def test_the_demo_groups_and_participations(in_demo):
    """The demo (with its products) has groups for each product and participations."""
    products = db.session.scalars(select(Product)).all()
    groups = queries.groups()
    for product in products:
        kinds = sorted(group.kind for group in groups if group.product_id == product.id)
        assert kinds == ["coordination_group", "steering_committee"], product.slug
    (board,) = [group for group in groups if group.kind == "board"]
    assert len(queries.current_members(board)) == 5 and queries.past_members(board)
    # The N3 product's steering committee has a board member; none warns about it.
    os2forms = next(g for g in groups if g.kind == "steering_committee" and g.product.level == "N3")
    assert all(w.code != "no_board_member" for w in queries.warnings_for(os2forms))
    anna = next(m for m in queries.memberships_of(_user("anna.jensen@demo.example.org").id))
    assert isinstance(anna.group, Group)
    for product in products:
        if product.status != "retired":
            assert len(participation_queries.current_participations(product)) >= 4
    pending = db.session.scalars(
        select(ParticipationRequest).where(ParticipationRequest.status == "pending")
    ).all()
    assert 2 <= len(pending) <= 3


def _user(email):
    from consortium.auth.services import find_user_by_email

    return find_user_by_email(email)
