"""The secretariat gives a group the short code its decisions are named with, on the group's
form; a bad code or one another group has is the field's message, and nothing is saved."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium.extensions import db
from consortium.groups import services
from consortium.groups.models import Group


def _edit(client, group, **changes):
    data = {
        "kind": group.kind,
        "name": group.name,
        "code": group.code or "",
        "product": str(group.product_id or ""),
        "terms_of_reference": group.terms_of_reference,
    }
    data.update(changes)
    return client.post(f"/groups/{group.id}/edit", data=data)


def test_the_secretariat_gives_a_group_its_code_and_the_page_shows_it(
    secretariat_client, committee
):
    page = secretariat_client.get(f"/groups/{committee.id}").get_data(as_text=True)
    assert "decisions are recorded once the group has a code" in page

    form = secretariat_client.get(f"/groups/{committee.id}/edit").get_data(as_text=True)
    assert 'name="code"' in form
    response = _edit(secretariat_client, committee, code=" os2forms-sc ")
    assert response.status_code == 302
    assert db.session.get(Group, committee.id).code == "OS2FORMS-SC"
    page = secretariat_client.get(f"/groups/{committee.id}").get_data(as_text=True)
    assert "<code>OS2FORMS-SC</code>" in page
    assert "decisions are recorded once" not in page


def test_a_new_group_gets_its_code_on_the_create_form(secretariat_client, product):
    response = secretariat_client.post(
        "/groups/new",
        data={"kind": "board", "name": "The board", "code": "BOARD"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Group.code).where(Group.name == "The board")) == "BOARD"


def test_a_code_another_group_has_is_refused_on_the_field(secretariat_client, committee, product):
    other = services.create_group("coordination_group", "OS2forms CG", product, code="OS2FORMS-KG")
    db.session.commit()
    response = _edit(secretariat_client, committee, name="Renamed", code="os2forms-kg")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another group has this short code." in page
    db.session.expire_all()
    kept = db.session.get(Group, committee.id)
    # Nothing of the refused change is saved, not even the new name.
    assert (kept.name, kept.code) == ("OS2forms steering committee", None)
    assert db.session.get(Group, other.id).code == "OS2FORMS-KG"

    page = secretariat_client.post(
        "/groups/new", data={"kind": "board", "name": "Board two", "code": "OS2FORMS-KG"}
    ).get_data(as_text=True)
    assert "Another group has this short code." in page
    assert db.session.scalar(select(func.count()).select_from(Group)) == 2


def test_a_code_of_the_wrong_shape_is_explained(secretariat_client, committee):
    for code in ("OS2 FORMS", "-SC", "SC-", "A--B", "ÆØÅ", "X" * 31, "A\x00B", "<script>"):
        response = _edit(secretariat_client, committee, code=code)
        assert response.status_code in (200, 400), code
        if response.status_code == 200:
            page = response.get_data(as_text=True)
            assert any(
                message in page
                for message in ("short code is capital letters", "at most 30", "not allowed")
            ), code
    assert db.session.get(Group, committee.id).code is None


def test_emptying_the_field_takes_the_code_away(secretariat_client, committee):
    committee.code = "OS2FORMS-SC"
    db.session.commit()
    assert _edit(secretariat_client, committee, code="").status_code == 302
    assert db.session.get(Group, committee.id).code is None
