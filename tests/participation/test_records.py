"""The secretariat records participations; the organisation page and the product page read them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.participation import queries, services
from consortium.participation.models import Participation


def _new(client, organisation, **data):
    values = {
        "product": "",
        "phase": "agreement",
        "starts_on": "2025-01-01",
        "notice_months": "6",
        "ends_at_year_end": "y",
    } | data
    return client.post(f"/participation/organisations/{organisation.id}/new", data=values)


def test_secretariat_records_a_commitment_shown_on_the_organisation_page(
    secretariat_client, aarhus, product
):
    identity = aarhus.billing_identities[0]
    response = _new(
        secretariat_client,
        aarhus,
        product=str(product.id),
        phase="commitment",
        amount_per_year="12500.50",
        agreement_version="2024-1",
        billing_identity=str(identity.id),
    )
    assert response.status_code == 302
    participation = db.session.scalar(select(Participation))
    assert participation.amount_per_year == Decimal("12500.50")
    assert participation.billing_identity_id == identity.id
    assert (participation.phase, participation.notice_months) == ("commitment", 6)
    page = secretariat_client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert "Participation in products" in page and "OS2forms" in page and "Commitment" in page
    assert f"/audit/participation/{participation.id}" in page
    history = secretariat_client.get(f"/audit/participation/{participation.id}")
    assert history.status_code == 200


def test_a_commitment_needs_an_amount_and_periods_may_not_overlap(
    secretariat_client, aarhus, product
):
    page = _new(secretariat_client, aarhus, product=str(product.id), phase="commitment")
    assert "Enter the amount pledged per year for a commitment." in page.get_data(as_text=True)
    assert _new(secretariat_client, aarhus, product=str(product.id)).status_code == 302
    page = _new(secretariat_client, aarhus, product=str(product.id), starts_on="2026-01-01")
    assert "already takes part in this product" in page.get_data(as_text=True)
    assert len(db.session.scalars(select(Participation)).all()) == 1


def test_a_danish_amount_is_read_as_danish(client, secretariat, aarhus, product):
    from tests.conftest import login

    secretariat.language = "da"
    db.session.commit()
    login(client, secretariat.email)
    response = _new(
        client, aarhus, product=str(product.id), phase="commitment", amount_per_year="12.500,50"
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Participation)).amount_per_year == Decimal("12500.50")


def test_edit_and_record_notice(secretariat_client, aarhus, product):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2025, 1, 1), notice_months=3
    )
    db.session.commit()
    response = secretariat_client.post(
        f"/participation/{participation.id}/edit",
        data={
            "phase": "agreement",
            "starts_on": "2025-02-01",
            "notice_months": "6",
            "agreement_version": "v2",
        },
    )
    assert response.status_code == 302
    participation = db.session.get(Participation, participation.id)
    assert participation.starts_on == date(2025, 2, 1)
    assert participation.agreement_version == "v2"
    assert participation.ends_at_year_end is False  # the box was not ticked
    response = secretariat_client.post(
        f"/participation/{participation.id}/notice", data={"given_on": "2026-03-15"}
    )
    assert response.status_code == 302
    participation = db.session.get(Participation, participation.id)
    assert participation.notice_given_on == date(2026, 3, 15)
    assert participation.ends_on == date(2026, 9, 15)
    page = secretariat_client.post(
        f"/participation/{participation.id}/notice", data={"given_on": "2026-04-01"}
    ).get_data(as_text=True)
    assert "already ended or had notice" in page


def test_notice_at_year_end_through_the_service(app, aarhus, product):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2025, 1, 1)
    )
    services.give_notice(participation, date(2026, 3, 15))
    assert participation.ends_on == date(2026, 12, 31)


def test_queries_for_the_product_and_the_organisation(app, aarhus, odder, product):
    old = services.create_participation(
        aarhus,
        product,
        phase="commitment",
        starts_on=date(2020, 1, 1),
        ends_on=date(2021, 12, 31),
        amount_per_year=Decimal(1000),
    )
    now = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2022, 1, 1)
    )
    later = services.create_participation(
        odder, product, phase="agreement", starts_on=date(2099, 1, 1)
    )
    assert queries.current_participations(product) == [now]
    assert queries.current_participations(product, on=date(2021, 6, 1)) == [old]
    assert queries.current_participations(product, on=date(2099, 1, 1)) == [now, later]
    assert queries.participations_of(aarhus) == [now, old]


def test_the_list_filters_by_product(secretariat_client, aarhus, product, retired):
    services.create_participation(aarhus, product, phase="agreement", starts_on=date(2025, 1, 1))
    services.create_participation(aarhus, retired, phase="agreement", starts_on=date(2015, 1, 1))
    db.session.commit()
    page = secretariat_client.get(f"/participation/?product={product.id}").get_data(as_text=True)
    assert "OS2forms" in page and "Old Thing</td>" not in page
    page = secretariat_client.get("/participation/").get_data(as_text=True)
    assert "Old Thing</td>" in page


def test_a_contact_sees_their_participations_but_cannot_change_them(
    contact_client, aarhus, odder, product
):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2025, 1, 1)
    )
    other = services.create_participation(
        odder, product, phase="agreement", starts_on=date(2025, 1, 1)
    )
    db.session.commit()
    page = contact_client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert "OS2forms" in page and "Ask to join a product" in page
    assert "Record notice" not in page and "/audit/participation" not in page
    assert contact_client.get(f"/participation/{participation.id}/edit").status_code == 403
    assert contact_client.get(f"/participation/{participation.id}/notice").status_code == 403
    assert contact_client.get("/participation/").status_code == 403
    assert contact_client.get(f"/participation/organisations/{aarhus.id}/new").status_code == 403
    assert contact_client.get(f"/participation/{other.id}/leave").status_code == 403


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NaN", "Enter an amount such as 12500.00."),
        ("sNaN", "Enter an amount such as 12500.00."),
        ("Infinity", "Enter an amount such as 12500.00."),
        ("-Infinity", "Enter an amount such as 12500.00."),
        ("abc", "Enter an amount such as 12500.00."),
        ("-5", "Enter an amount of 0 or more."),
        # Exponents are no way to type an amount, in a form as in an import.
        ("1e100", "Enter an amount such as 12500.00."),
        ("1" * 30, "Enter an amount of at most 999,999,999,999.99."),
        ("1000000000000", "Enter an amount of at most 999,999,999,999.99."),
        ("999999999999.995", "Enter an amount of at most 999,999,999,999.99."),
    ],
)
def test_an_amount_that_is_no_amount_is_a_field_error(
    secretariat_client, aarhus, product, typed, message
):
    response = _new(
        secretariat_client,
        aarhus,
        product=str(product.id),
        phase="commitment",
        amount_per_year=typed,
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Participation)) is None


def test_the_largest_amount_the_register_holds_is_accepted(secretariat_client, aarhus, product):
    response = _new(
        secretariat_client,
        aarhus,
        product=str(product.id),
        phase="commitment",
        amount_per_year="999,999,999,999.99",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Participation)).amount_per_year == Decimal("999999999999.99")


def test_the_service_refuses_an_amount_the_register_cannot_hold(app, aarhus, product):
    for amount, problem in (
        (Decimal("NaN"), "invalid"),
        (Decimal("-1"), "negative"),
        (Decimal("1E+12"), "too_large"),
    ):
        with pytest.raises(services.ParticipationError) as caught:
            services.create_participation(
                aarhus,
                product,
                phase="commitment",
                starts_on=date(2025, 1, 1),
                amount_per_year=amount,
            )
        assert (caught.value.code, caught.value.params) == ("amount", {"problem": problem})


@pytest.mark.parametrize("given_on", ["9999-10-01", "9999-12-31", "0001-01-01", "1900-01-01"])
def test_notice_far_from_today_is_a_field_error(secretariat_client, aarhus, product, given_on):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2025, 1, 1)
    )
    db.session.commit()
    response = secretariat_client.post(
        f"/participation/{participation.id}/notice", data={"given_on": given_on}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Years outside 1900-2200 are refused by every date field; the rest by the notice rule.
    assert (
        "Enter a day at most 10 years before or after today." in page
        or "Enter a date between the years 1900 and 2200." in page
    )
    participation = db.session.get(Participation, participation.id)
    assert (participation.notice_given_on, participation.ends_on) == (None, None)


def test_notice_before_the_participation_starts_is_a_field_error(
    secretariat_client, aarhus, product
):
    starts_on = date.today() + timedelta(days=60)
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=starts_on, ends_at_year_end=False
    )
    db.session.commit()
    response = secretariat_client.post(
        f"/participation/{participation.id}/notice",
        data={"given_on": date.today().isoformat()},
    )
    assert response.status_code == 200
    assert "Notice can be given from the day the participation starts (" in response.get_data(
        as_text=True
    )
    assert db.session.get(Participation, participation.id).ends_on is None


def test_notice_never_ends_a_participation_before_its_start(app, aarhus, product):
    today = date(2026, 6, 1)
    participation = services.create_participation(
        aarhus,
        product,
        phase="agreement",
        starts_on=date(2026, 7, 1),
        notice_months=0,
        ends_at_year_end=False,
    )
    with pytest.raises(services.ParticipationError) as caught:
        services.give_notice(participation, today, today)
    assert caught.value.code == "notice_before_start"
    services.give_notice(participation, date(2026, 7, 1), today)
    assert participation.ends_on == date(2026, 7, 1) >= participation.starts_on


def test_notice_whose_end_would_pass_the_calendar_is_refused(app, aarhus, product):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(9990, 1, 1), notice_months=120
    )
    with pytest.raises(services.ParticipationError) as caught:
        services.give_notice(participation, date(9995, 1, 1), today=date(9989, 6, 1))
    assert caught.value.code == "notice_date"
    assert participation.ends_on is None
