"""Requirements answered from the app's own records."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.products import checks, queries, services
from tests.products import factories as make

TODAY = date(2026, 6, 1)


@pytest.fixture
def product(app):
    return make.product("OS2forms", repository_url="", issue_tracker_url="")


def answer(key, product):
    return checks.answer(key, product, TODAY)


def test_repository_issue_tracker_and_point_person(product):
    assert answer("repository_url", product) is False
    assert answer("issue_tracker", product) is False
    assert answer("point_person", product) is False
    services.update_product(
        product,
        repository_url="https://github.com/OS2Forms/os2forms",
        issue_tracker_url="https://github.com/OS2Forms/os2forms/issues",
        point_person_name="Mette Kristensen",
    )
    assert answer("repository_url", product) is True
    assert answer("issue_tracker", product) is True
    assert answer("point_person", product) is True


def test_a_point_person_with_an_account_counts_too(product):
    services.update_product(product, point_person_user_id=make.user("lead@example.org").id)
    assert answer("point_person", product) is True


def test_osi_licence(product):
    assert answer("osi_licence", product) is True  # MPL-2.0 by default
    services.update_product(product, licence="CC-BY-NC-4.0")
    assert answer("osi_licence", product) is False


def test_two_organisations_with_a_current_participation(product):
    aarhus, odder, ended = (make.organisation(n) for n in ("Aarhus", "Odder", "Ended"))
    make.participation(product, aarhus)
    # A second current participation of the same organisation (one open-ended at most).
    make.participation(product, aarhus, phase="commitment", ends_on=date(2030, 12, 31))
    make.participation(product, ended, ends_on=date(2026, 5, 31))
    assert answer("two_organisations", product) is False
    make.participation(product, odder, ends_on=date(2026, 12, 31))
    assert answer("two_organisations", product) is True


def test_participation_agreements(product):
    aarhus = make.organisation("Aarhus")
    make.participation(product, aarhus, phase="commitment", ends_on=date(2030, 12, 31))
    make.participation(product, aarhus, phase="agreement", ends_on=date(2026, 1, 1))
    assert answer("participation_agreements", product) is False
    make.participation(product, aarhus, phase="agreement")
    assert answer("participation_agreements", product) is True


@pytest.mark.parametrize("kind", ["steering_committee", "coordination_group"])
def test_product_groups_need_current_members(product, kind):
    other = make.product("OS2mo")
    assert answer(kind, product) is False
    group = make.group(kind, product)
    assert answer(kind, product) is False
    make.member(group, make.user("past@example.org"), ends_on=date(2026, 1, 1))
    make.member(make.group(kind, other), make.user("other@example.org"))
    assert answer(kind, product) is False
    make.member(group, make.user("now@example.org"))
    assert answer(kind, product) is True


def test_a_supplier_with_a_valid_agreement_covering_the_product(product):
    other = make.product("OS2mo")
    make.supplier_agreement([other], name="Other ApS")
    make.supplier_agreement([product], name="Expired ApS", valid_until=date(2026, 5, 31))
    make.supplier_agreement([product], name="Future ApS", signed_on=date(2026, 7, 1))
    assert answer("supplier_agreement", product) is False
    make.supplier_agreement([product, other], name="Magenta ApS", valid_until=date(2027, 12, 31))
    assert answer("supplier_agreement", product) is True


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_agreements_of_suppliers_not_approved_do_not_count(product, status):
    make.supplier_agreement([product], name="Unvetted ApS", status=status)
    assert answer("supplier_agreement", product) is False
    assert queries.supplier_agreements(product, TODAY) == []
    approved = make.supplier_agreement([product], name="Magenta ApS")
    assert answer("supplier_agreement", product) is True
    assert queries.supplier_agreements(product, TODAY) == [approved]


def test_participations_starting_later_do_not_count_yet(product):
    aarhus, odder = make.organisation("Aarhus"), make.organisation("Odder")
    make.participation(product, aarhus, phase="commitment")
    later = make.participation(product, odder, starts_on=date(2026, 6, 2))
    assert answer("two_organisations", product) is False
    assert answer("participation_agreements", product) is False
    assert [p.organisation.name for p in queries.current_participations(product, TODAY)] == [
        "Aarhus"
    ]
    assert queries.participating_organisation_names(product, TODAY) == ["Aarhus"]
    assert answer("two_organisations", product) is False
    assert checks.answer("two_organisations", product, later.starts_on) is True
    assert checks.answer("participation_agreements", product, later.starts_on) is True


def test_a_board_member_in_the_steering_committee(product):
    board = make.group("board", name="Board")
    committee = make.group("steering_committee", product)
    karen, jens = make.user("karen@example.org"), make.user("jens@example.org")
    make.member(board, karen)
    make.member(committee, jens)
    assert answer("board_member_in_steering_committee", product) is False
    make.member(board, jens, ends_on=date(2026, 1, 1))  # no longer on the board
    assert answer("board_member_in_steering_committee", product) is False
    make.member(committee, karen)
    assert answer("board_member_in_steering_committee", product) is True


def test_a_recorded_board_decision(product):
    services.record_level_decision(
        product, "N1", "secretariat", date(2026, 1, 1), confirmed_above_reached=True
    )
    assert answer("board_decision", product) is False
    services.record_level_decision(
        product, "N2", "board", date(2026, 3, 1), confirmed_above_reached=True
    )
    assert answer("board_decision", product) is True


def test_the_budget_is_not_answered_by_the_data(product):
    assert answer("budget_lines", product) is None
    assert answer(None, product) is None


def test_data_answers_override_hand_ratings_in_the_assessment(product):
    requirements = {r.code: r for r in queries.requirements()}
    services.rate(product, requirements["F1"], "green", "We said so")
    services.rate(product, requirements["G13"], "green", "Budget 2026 has both lines")
    rows = {row.requirement.code: row for row in queries.assess(product, TODAY).rows}
    assert rows["F1"].data_answer is False and rows["F1"].effective == "red"
    assert rows["F2"].data_answer is True and rows["F2"].effective == "green"
    assert rows["G13"].data_answer is None and rows["G13"].effective == "green"
    assert rows["R1"].effective is None
