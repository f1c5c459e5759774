"""Pages that guide: a form's mistakes summarised at its top with a link to each field and the
page's title saying "Error:", required fields marked and the mark explained, wide tables in a
region a keyboard user can reach and scroll, every description an input points at drawn, and
titles that name the action, the record and the page of a list."""

from __future__ import annotations

import re
from datetime import date

from lxml import html

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.members import services as members
from tests.conftest import login, make_user
from tests.test_routes import objects  # noqa: F401 - a fixture


def _title(page: str) -> str:
    return html.fromstring(page).findtext(".//title").strip()


def test_a_form_with_mistakes_lists_them_at_the_top_with_links_and_takes_the_focus(client):
    make_user("kim@example.org", name="Kim")
    login(client, "kim@example.org")
    before = client.get("/profile/password").get_data(as_text=True)
    assert _title(before) == "Change my password – Consortium"
    assert 'class="form-errors"' not in before

    response = client.post(
        "/profile/password", data={"current_password": "", "password": "short", "confirm": "x"}
    )
    page = html.fromstring(response.get_data(as_text=True))

    assert page.findtext(".//title").startswith("Error: Change my password")
    (summary,) = page.find_class("form-errors")
    # The browser moves the focus there as the page opens; a screen reader reads it first.
    assert summary.get("autofocus") is not None and summary.get("tabindex") == "-1"
    assert summary.get("role") == "alert"
    assert summary.findtext(".//h2") == "There is a problem"
    links = {link.get("href"): link.text_content() for link in summary.iter("a")}
    assert links["#current_password"] == "Current password: Please fill in this field."
    assert links["#password"].startswith("New password: ")
    # Each link leads to the input it names.
    for href in links:
        (field,) = page.xpath(f"//input[@id='{href[1:]}']")
        assert field.get("aria-invalid") == "true"


def test_the_summary_links_to_a_row_of_a_list_of_fields(app, secretariat_client):
    """The budget's lines are a list of rows: a mistake in a row links to that row's input."""
    from consortium.products.models import Product

    db.session.add(Product(slug="os2forms", name="OS2forms"))
    db.session.commit()
    response = secretariat_client.post(
        "/fees/products/os2forms/2027/budget",
        data={"lines-0-purpose": "Hosting", "lines-0-amount": "lots"},
    )
    page = html.fromstring(response.get_data(as_text=True))
    assert page.findtext(".//title").startswith("Error: ")
    links = {
        link.get("href"): link.text_content()
        for link in page.find_class("form-errors")[0].iter("a")
    }
    assert links["#lines-0-amount"].startswith("Amount 1: ")
    assert page.xpath("//input[@id='lines-0-amount']")


def test_required_fields_carry_a_star_that_is_explained_once(secretariat_client):
    page = html.fromstring(secretariat_client.get("/organisations/new").get_data(as_text=True))
    (name,) = page.xpath("//input[@id='name']")
    assert name.get("required") is not None
    label = page.xpath("//label[@for='name']")[0]
    assert label.text_content().strip() == "Name"  # the field's name, without the star
    star = label.getnext()
    assert star.text_content() == "*" and "required-mark" in star.get("class")
    # The star is for the eye: a screen reader hears "required" from the input instead.
    assert star.get("aria-hidden") == "true"
    notes = page.find_class("required-note")
    assert [note.text_content() for note in notes] == ["Fields marked * must be filled in."]
    # An optional field has no star.
    optional = page.xpath("//label[@for='website']") or page.xpath("//label[@for='email']")
    assert "*" not in optional[0].text_content()


def test_a_wide_table_is_a_named_region_a_keyboard_reaches(client):
    aarhus = members.create_organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    members.change_membership(aarhus, "active", date(2020, 1, 1))
    db.session.commit()
    page = html.fromstring(client.get("/public/members").get_data(as_text=True))
    (region,) = page.find_class("table-wrap")
    assert region.get("role") == "region"
    assert region.get("tabindex") == "0"
    assert region.get("aria-label") == "Member organisations"
    assert region.find(".//table") is not None


def test_every_description_an_input_points_at_is_drawn(secretariat_client):
    """The fee schedule's "Marginal" checkbox has a hint: a screen reader reads it with the
    checkbox, so it must be on the page."""
    page = html.fromstring(secretariat_client.get("/fees/schedules/new").get_data(as_text=True))
    (marginal,) = page.xpath("//input[@id='marginal']")
    described = marginal.get("aria-describedby")
    assert described
    for element_id in described.split():
        (hint,) = page.xpath(f"//*[@id='{element_id}']")
        assert hint.text_content().strip()
    for element in page.xpath("//*[@aria-describedby]"):
        for element_id in element.get("aria-describedby").split():
            assert page.xpath(f"//*[@id='{element_id}']"), element_id


def test_titles_name_the_action_and_the_record(secretariat_client):
    aarhus = members.create_organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    group = groups.create_group("board", "OS2forms steering committee")
    db.session.commit()

    edit = secretariat_client.get(f"/organisations/{aarhus.id}/edit").get_data(as_text=True)
    assert _title(edit) == "Edit Aarhus Kommune – Consortium"
    add = secretariat_client.get(f"/groups/{group.id}/members/new").get_data(as_text=True)
    assert _title(add) == "Add a member to OS2forms steering committee – Consortium"
    assert "<h1>Add a member to OS2forms steering committee</h1>" in add
    edit_group = secretariat_client.get(f"/groups/{group.id}/edit").get_data(as_text=True)
    assert _title(edit_group) == "Edit OS2forms steering committee – Consortium"


def test_a_paged_list_names_its_page_in_the_title(secretariat_client):
    for number in range(51):
        members.create_organisation(name=f"Kommune {number:02d}", kind="municipality", country="DK")
    db.session.commit()
    first = secretariat_client.get("/organisations/").get_data(as_text=True)
    assert _title(first) == "Organisations – Consortium"
    second = secretariat_client.get("/organisations/?page=2").get_data(as_text=True)
    assert _title(second) == "Organisations – Page 2 of 2 – Consortium"
    assert re.search(r"Page 2 of 2", second)


FORM_TITLES = {
    # A form's route in tests/test_routes.py: what its title says, the record named in it.
    "meetings.edit": "Change Route meeting – Consortium",
    "meetings.add_agenda_item": "Add an agenda item to Route meeting – Consortium",
    "meetings.edit_agenda_item": "Change the agenda item Route item – Consortium",
    "backlog.submit": "Submit a wish for Route backlog product – Consortium",
    "backlog.new_round": "New prioritisation round for Route backlog product – Consortium",
    "participation.create": "New participation of Aarhus Kommune – Consortium",
    "participation.join": "Ask to join a product for Aarhus Kommune – Consortium",
}


def test_the_forms_of_meetings_backlogs_and_participation_name_their_record(
    secretariat_client,
    objects,  # noqa: F811
):
    from tests.test_routes import ROUTES

    for endpoint, expected in FORM_TITLES.items():
        url = ROUTES[endpoint][1].format(**objects)
        assert _title(secretariat_client.get(url).get_data(as_text=True)) == expected, endpoint
    item = ROUTES["backlog.edit"][1].format(**objects)
    assert re.fullmatch(
        r"Change #\d+ Route wish – Consortium",
        _title(secretariat_client.get(item).get_data(as_text=True)),
    )
