"""The maturity assessment is one page: a matrix of requirements by rating with one Save that
records the changed rows, each audited, all or nothing."""

from __future__ import annotations

from lxml import html
from sqlalchemy import func, select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.products import queries, services
from consortium.products.models import MaturityRequirement, RequirementRating
from tests.products import factories as make

URL = "/products/os2forms/assessment"


def _requirement(code) -> MaturityRequirement:
    services.ensure_default_requirements()
    return db.session.scalar(select(MaturityRequirement).where(MaturityRequirement.code == code))


def _page_form(client) -> dict[str, str]:
    """What the browser sends when Save is pressed without changing anything."""
    tree = html.fromstring(client.get(URL).get_data(as_text=True))
    (form,) = tree.xpath("//main//form[@method='post']")
    return {name: value for name, value in form.form_values()}


def _audited(requirement_ids) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.record_type == "requirement_rating")
    )


def test_one_form_with_a_labelled_radio_per_rating_and_one_save(secretariat_client):
    make.product("OS2forms")
    r1 = _requirement("R1")
    tree = html.fromstring(secretariat_client.get(URL).get_data(as_text=True))
    assert len(tree.xpath("//main//form[@method='post']")) == 1
    assert [b.text_content().strip() for b in tree.xpath("//main//button")] == [
        "Save the assessment"
    ]
    radios = tree.xpath(f"//input[@type='radio'][@name='r{r1.id}-rating']")
    assert [radio.get("value") for radio in radios] == ["green", "yellow", "red"]
    labels = [
        " ".join(tree.xpath(f"//label[@for='{radio.get('id')}']")[0].text_content().split())
        for radio in radios
    ]
    assert labels == ["Requirement R1: Green", "Requirement R1: Yellow", "Requirement R1: Red"]
    row = tree.get_element_by_id(f"requirement-{r1.id}")
    # The status is a word and an icon as well as a colour.
    assert "Not rated" in row.xpath(".//td[@class='matrix-status']")[0].text_content()


def test_one_save_records_the_changed_rows_only(secretariat_client):
    product = make.product("OS2forms")
    r1, f3, f4 = (_requirement(code) for code in ("R1", "F3", "F4"))
    services.rate(product, r1, "green", "Done")
    db.session.commit()
    before = _audited(None)
    r1_rating = db.session.scalar(
        select(RequirementRating).where(RequirementRating.requirement_id == r1.id)
    )
    r1_updated = r1_rating.updated_at if hasattr(r1_rating, "updated_at") else None

    data = _page_form(secretariat_client)
    assert data[f"r{r1.id}-rating"] == "green"  # shown as it is, sent back unchanged
    data |= {
        f"r{f3.id}-rating": "green",
        f"r{f3.id}-evidence": "Tracker on GitHub",
        f"r{f4.id}-rating": "yellow",
        f"r{f4.id}-evidence": "Being set up",
    }
    response = secretariat_client.post(URL, data=data, follow_redirects=True)
    assert "2 ratings have been saved: F3, F4." in response.get_data(as_text=True)
    ratings = {
        row.requirement.code: row.rating for row in queries.assess(product).rows if row.rating
    }
    assert ratings["F3"].rating == "green" and ratings["F3"].evidence == "Tracker on GitHub"
    assert ratings["F4"].rating == "yellow" and not ratings["F4"].explanation_accepted
    assert ratings["R1"].evidence == "Done"
    # One audit entry per changed requirement; the unchanged row is not touched.
    assert _audited(None) == before + 2
    if r1_updated is not None:
        assert ratings["R1"].updated_at == r1_updated

    # Saving the page again as it is changes nothing.
    again = secretariat_client.post(URL, data=_page_form(secretariat_client), follow_redirects=True)
    assert "Nothing was changed." in again.get_data(as_text=True)
    assert _audited(None) == before + 2


def test_a_mistake_in_one_row_saves_nothing_and_names_the_row(secretariat_client):
    product = make.product("OS2forms")
    f3, f4, f5 = (_requirement(code) for code in ("F3", "F4", "F5"))
    data = _page_form(secretariat_client) | {
        f"r{f3.id}-rating": "green",
        f"r{f4.id}-rating": "red",
        f"r{f4.id}-evidence": "x" * 5001,
        f"r{f5.id}-evidence": "Typed without a rating",
    }
    response = secretariat_client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.startswith("<!doctype html>") and "<title>Error:" in page
    assert "Nothing has been saved." in page
    assert "F4: Evidence or explanation: Use at most 5000 characters." in page
    assert "F5: Rating: Choose a rating to record the evidence." in page
    # What was typed stays, in the good rows too.
    tree = html.fromstring(page)
    assert tree.xpath(f"//input[@id='r{f3.id}-rating-green']")[0].get("checked") is not None
    assert "Typed without a rating" in page
    assert not [row for row in queries.assess(product).rows if row.rating]


def test_a_reader_sees_the_matrix_without_the_form(user_client):
    product = make.product("OS2forms")
    services.rate(product, _requirement("R1"), "red", "No licence file")
    db.session.commit()
    tree = html.fromstring(user_client.get(URL).get_data(as_text=True))
    assert not tree.xpath("//main//form[@method='post']")
    assert not tree.xpath("//input[@type='radio']")
    status = " ".join(tree.xpath("//tr[th/span[.='R1']]//td")[0].text_content().split())
    assert status.startswith("✗ Red") and "No licence file" in status
