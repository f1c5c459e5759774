"""Supplier agreements: added by the secretariat, valid on a day, expiring within 90 days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from consortium.extensions import db
from consortium.suppliers import queries, services
from consortium.suppliers.models import Supplier
from tests.suppliers.helpers import product, supplier


def _approved(name, number):
    found = supplier(name, number)
    found.status = "approved"
    db.session.commit()
    return found


def _agreement(found, signed_on, valid_until, products=(), version="2026.1"):
    agreement = services.save_agreement(
        found,
        None,
        version=version,
        signed_on=signed_on,
        valid_until=valid_until,
        product_ids=[p.id for p in products],
        code_of_conduct=True,
        floss_clause=True,
        copyright_transfer=False,
    )
    db.session.commit()
    return agreement


def test_the_secretariat_adds_and_edits_an_agreement(secretariat_client):
    os2mo = product("OS2mo")
    found = _approved("Magenta ApS", "31000009")
    found_id = found.id
    response = secretariat_client.post(
        f"/suppliers/{found_id}/agreements/new",
        data={
            "version": "2026.1",
            "signed_on": "2026-01-15",
            "valid_until": "2027-01-14",
            "products": [str(os2mo.id)],
            "code_of_conduct": "y",
            "floss_clause": "y",
        },
    )
    assert response.status_code == 302
    (agreement,) = db.session.get(Supplier, found_id).agreements
    assert (agreement.version, agreement.signed_on, agreement.valid_until) == (
        "2026.1",
        date(2026, 1, 15),
        date(2027, 1, 14),
    )
    assert [p.name for p in agreement.products] == ["OS2mo"]
    assert (agreement.code_of_conduct, agreement.floss_clause, agreement.copyright_transfer) == (
        True,
        True,
        False,
    )
    form = secretariat_client.get(f"/suppliers/{found_id}/agreements/{agreement.id}")
    assert 'value="2026.1"' in form.get_data(as_text=True)
    secretariat_client.post(
        f"/suppliers/{found_id}/agreements/{agreement.id}",
        data={
            "version": "2026.2",
            "signed_on": "2026-01-15",
            "valid_until": "",
            "copyright_transfer": "y",
        },
    )
    (agreement,) = db.session.get(Supplier, found_id).agreements
    assert (agreement.version, agreement.valid_until, agreement.products) == ("2026.2", None, [])
    assert agreement.copyright_transfer and not agreement.floss_clause
    page = secretariat_client.get(f"/suppliers/{found_id}").get_data(as_text=True)
    assert "2026.2" in page and "copyright transfer" in page


def test_an_agreement_cannot_end_before_it_was_signed(secretariat_client):
    found = _approved("Magenta ApS", "31000009")
    page = secretariat_client.post(
        f"/suppliers/{found.id}/agreements/new",
        data={"version": "1", "signed_on": "2026-02-01", "valid_until": "2026-01-31"},
    ).get_data(as_text=True)
    assert "The agreement cannot end before it was signed." in page


def test_an_agreement_of_another_supplier_is_not_found(secretariat_client):
    one = _approved("Magenta ApS", "31000009")
    other = _approved("Other ApS", "31000017")
    agreement = _agreement(other, date(2026, 1, 1), None)
    response = secretariat_client.get(f"/suppliers/{one.id}/agreements/{agreement.id}")
    assert response.status_code == 404


def test_expiring_within_90_days_yes_91_no_expired_no(secretariat_client):
    today = date.today()
    soon = _approved("Soon ApS", "31000009")
    last_day = _approved("Last Day ApS", "31000017")
    later = _approved("Later ApS", "31000025")
    expired = _approved("Expired ApS", "31000033")
    _agreement(soon, today - timedelta(days=300), today + timedelta(days=30))
    _agreement(last_day, today - timedelta(days=300), today + timedelta(days=90))
    _agreement(later, today - timedelta(days=300), today + timedelta(days=91))
    _agreement(expired, today - timedelta(days=300), today - timedelta(days=1))
    names = [agreement.supplier.name for agreement in queries.expiring_agreements(today)]
    assert names == ["Soon ApS", "Last Day ApS"]
    page = secretariat_client.get("/suppliers/agreements/expiring").get_data(as_text=True)
    assert "Soon ApS" in page and "Last Day ApS" in page
    assert "Later ApS" not in page and "Expired ApS" not in page
    listing = secretariat_client.get("/suppliers/?status=approved").get_data(as_text=True)
    assert "2 supplier agreements expire within 90 days" in listing
    # The secretariat's work queue counts the same two.
    home = secretariat_client.get("/").get_data(as_text=True)
    assert (
        '<span class="queue-count">2</span> <a href="/suppliers/agreements/expiring">'
        "Supplier agreements expiring within 90 days</a>" in home
    )


def test_valid_agreements_for_a_product(app):
    os2mo, other_product = product("OS2mo"), product("OS2faktor")
    day = date(2026, 6, 1)
    current = _approved("Current ApS", "31000009")
    open_ended = _approved("Open Ended ApS", "31000017")
    ended = _approved("Ended ApS", "31000025")
    future = _approved("Future ApS", "31000033")
    pending = _approved("Pending ApS", "31000041")
    _agreement(current, date(2026, 1, 1), date(2026, 6, 1), [os2mo])
    _agreement(open_ended, date(2025, 1, 1), None, [os2mo, other_product])
    _agreement(ended, date(2025, 1, 1), date(2026, 5, 31), [os2mo])
    _agreement(future, date(2026, 6, 2), None, [os2mo])
    _agreement(pending, date(2026, 1, 1), None, [os2mo])
    # An agreement from before only approved suppliers could have one.
    pending.status = "pending"
    db.session.commit()
    _agreement(current, date(2026, 1, 1), None, [other_product], version="other")
    assert [s.name for s in queries.suppliers_with_valid_agreement(os2mo, on=day)] == [
        "Current ApS",
        "Open Ended ApS",
    ]
    assert [a.version for a in queries.valid_agreements(other_product, on=day)] == [
        "other",
        "2026.1",
    ]
    assert queries.suppliers_with_valid_agreement(os2mo, on=date(2026, 6, 2))[0].name == (
        "Future ApS"
    )


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_only_an_approved_supplier_has_agreements(secretariat_client, status):
    found = supplier("Magenta ApS", "31000009")
    if status == "rejected":
        services.reject(found, "Not a company.")
        db.session.commit()
    with pytest.raises(services.SupplierError) as refused:
        services.save_agreement(
            found,
            None,
            version="2026.1",
            signed_on=date(2026, 1, 1),
            valid_until=None,
            product_ids=[],
            code_of_conduct=True,
            floss_clause=True,
            copyright_transfer=False,
        )
    assert refused.value.code == "not_approved"
    page = secretariat_client.get(f"/suppliers/{found.id}").get_data(as_text=True)
    assert "Add a supplier agreement" not in page
    assert "Supplier agreements can be added once the supplier has been approved." in page
    url = f"/suppliers/{found.id}/agreements/new"
    response = secretariat_client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/suppliers/{found.id}")
    page = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only an approved supplier can have supplier agreements." in page
    response = secretariat_client.post(url, data={"version": "1", "signed_on": "2026-01-01"})
    assert response.status_code == 302
    assert db.session.get(Supplier, found.id).agreements == []
