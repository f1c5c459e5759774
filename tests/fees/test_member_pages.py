"""Member contacts' fee pages: what joining a product would cost, and the expected fees."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from consortium.extensions import db
from consortium.fees.models import MembershipFeeSchedule, ProductBudget, ProductTariff
from consortium.members import services as members
from consortium.participation.models import Participation
from consortium.products.models import Product
from tests.conftest import login, make_user


def add_organisation(name, registration_number=None, member_from=date(2012, 1, 1), **populations):
    """An active member with populations given as y2025=12345."""
    organisation = members.create_organisation(
        name=name,
        kind="municipality",
        country="DK",
        registration_number=registration_number,
        address=f"{name}\nRådhuset",
    )
    members.change_membership(organisation, "active", member_from)
    for key, population in populations.items():
        members.set_population(organisation, int(key[1:]), population, "test")
    return organisation


def add_schedule(year, amount):
    db.session.add(
        MembershipFeeSchedule(
            year=year,
            rule={"type": "flat", "amount": amount},
            by_kind={},
            part_year_method="half_year_after_1_july",
        )
    )


def add_tariff(product, year, budget, method="equal", entry_fee="5000.00", first_year=2025):
    db.session.add_all(
        [
            ProductTariff(
                product=product,
                year=year,
                pricing={"type": "budget_split", "method": method},
                part_year_method="half_year_after_1_july",
                first_year=first_year,
                entry_fee=Decimal(entry_fee) if entry_fee else None,
            ),
            ProductBudget(product=product, year=year, amount=Decimal(budget), status="draft"),
        ]
    )


def fee_setup(year: int = 2026) -> dict:
    """OS2-like fees: a flat 25,000 membership fee (26,000 the next year) with the half-year
    rule, and OS2forms' budget split equally between Aarhus and Odder (90,000, then 100,000).
    Skive is a member without OS2forms; Nyborg became a member on 2 July of the year."""
    last = year - 1
    aarhus = add_organisation("Aarhus Kommune", "55133018", **{f"y{last}": 361_000})
    odder = add_organisation("Odder Kommune", "29189781", **{f"y{last}": 23_000})
    skive = add_organisation("Skive Kommune", "29189668", **{f"y{last}": 48_000})
    nyborg = add_organisation(
        "Nyborg Kommune", "29189587", date(year, 7, 2), **{f"y{last}": 32_000}
    )
    product = Product(
        slug=f"os2forms-{year}" if year != 2026 else "os2forms", name="OS2forms", status="product"
    )
    db.session.add(product)
    for organisation in (aarhus, odder):
        db.session.add(
            Participation(
                organisation=organisation,
                product=product,
                phase="agreement",
                starts_on=date(last, 1, 1),
            )
        )
    add_schedule(year, "25000.00")
    add_schedule(year + 1, "26000.00")
    add_tariff(product, year, "90000.00", first_year=last)
    add_tariff(product, year + 1, "100000.00", first_year=last)
    db.session.commit()
    return {"aarhus": aarhus, "odder": odder, "skive": skive, "nyborg": nyborg, "product": product}


def contact_of(organisation, email):
    user = make_user(email)
    members.add_contact(organisation, user.id, "primary")
    db.session.commit()
    return user


@pytest.fixture
def setup(app):
    return fee_setup()


@pytest.fixture
def skive_client(client, setup):
    contact_of(setup["skive"], "it@skive.example.dk")
    login(client, "it@skive.example.dk")
    return client


def _cell(page: str, cell_id: str) -> str:
    start = page.index(f'id="{cell_id}"')
    return page[page.index(">", start) + 1 : page.index("</td>", start)]


def _share_row(page: str, name: str) -> list[str]:
    """Before, after and change of an organisation's row in the table of shares."""
    table = page[page.index('id="shares"') :]
    row = re.search(
        rf"<th scope=\"row\">(?:<strong>)?{name}(?:</strong>)?</th>(.*?)</tr>", table, re.S
    )
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))[:3]


def test_what_would_we_pay_shows_our_share_and_everyones_before_and_after(skive_client, setup):
    skive_id = setup["skive"].id
    response = skive_client.get(
        f"/fees/products/os2forms/what-if?organisation={skive_id}&year=2026&starts_on=2026-07-02"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "What Skive Kommune would pay in 2026" in page
    # Half a year's weight of three: 90,000 x 1/5 = 18,000, plus the entry fee of 5,000.
    assert "DKK\xa018,000.00" in page
    assert "Entry fee: OS2forms" in page and "DKK\xa05,000.00" in page
    assert _cell(page, "own-total") == "DKK\xa023,000.00"
    # Aarhus and Odder each go from 45,000 to 36,000; the shares add up to the budget both times.
    for name in ("Aarhus Kommune", "Odder Kommune"):
        assert _share_row(page, name) == [
            "DKK\xa045,000.00",
            "DKK\xa036,000.00",
            "-DKK\xa09,000.00",
        ]
    assert _share_row(page, "Skive Kommune") == [
        "DKK\xa00.00",
        "DKK\xa018,000.00",
        "DKK\xa018,000.00",
    ]
    assert _cell(page, "total-before") == "DKK\xa090,000.00"
    assert _cell(page, "total-after") == "DKK\xa090,000.00"
    assert (
        "equal share of the budget of DKK\xa090,000.00; 1/2 of the year: DKK\xa018,000.00" in page
    )


def test_the_what_if_form_defaults_to_next_year_and_knows_the_contacts_organisation(
    skive_client, setup
):
    page = skive_client.get("/fees/products/os2forms/what-if").get_data(as_text=True)
    assert f'value="{date.today().year + 1}"' in page
    assert f'name="organisation" value="{setup["skive"].id}"' in page
    assert "Every participant" not in page


def test_a_start_after_the_year_is_refused(skive_client, setup):
    page = skive_client.get(
        "/fees/products/os2forms/what-if?year=2026&starts_on=2027-02-01"
    ).get_data(as_text=True)
    assert "The start date must be in 2026 or earlier." in page


def test_a_year_without_tariff_says_so(skive_client, setup):
    page = skive_client.get(
        "/fees/products/os2forms/what-if?year=2030&starts_on=2030-01-01"
    ).get_data(as_text=True)
    assert "No tariff has been set for OS2forms in 2030 yet." in page


def test_choosing_the_product_on_the_general_page_leads_to_its_page(skive_client, setup):
    response = skive_client.get("/fees/what-if?product=os2forms&year=2026&starts_on=2026-01-01")
    assert response.status_code == 302
    assert "/fees/products/os2forms/what-if?" in response.headers["Location"]


def test_a_contact_of_another_organisation_is_refused(skive_client, setup):
    aarhus_id = setup["aarhus"].id
    url = f"/fees/products/os2forms/what-if?organisation={aarhus_id}&year=2026&starts_on=2026-07-02"
    assert skive_client.get(url).status_code == 403
    assert skive_client.get(f"/fees/organisations/{aarhus_id}/expected").status_code == 403
    assert skive_client.get(f"/fees/organisations/{aarhus_id}/expected.csv").status_code == 403
    assert skive_client.get(f"/fees/organisations/{aarhus_id}/expected.pdf").status_code == 403


def test_a_user_without_organisation_cannot_ask(user_client, setup):
    assert user_client.get("/fees/products/os2forms/what-if").status_code == 403


@pytest.fixture
def aarhus_client(client, setup):
    contact_of(setup["aarhus"], "it@aarhus.example.dk")
    login(client, "it@aarhus.example.dk")
    return client


def test_expected_fees_line_by_line_with_this_year_next_year_and_the_change(aarhus_client, setup):
    page = aarhus_client.get(
        f"/fees/organisations/{setup['aarhus'].id}/expected?year=2027"
    ).get_data(as_text=True)
    assert "Expected fees of Aarhus Kommune" in page
    assert "Membership fee" in page and "OS2forms" in page
    assert "flat fee of DKK\xa026,000.00 a year: DKK\xa026,000.00" in page
    assert "equal share of the budget of DKK\xa0100,000.00: DKK\xa050,000.00" in page
    assert _cell(page, "total-previous") == "DKK\xa070,000.00"
    assert _cell(page, "total-year") == "DKK\xa076,000.00"
    assert _cell(page, "total-change") == "DKK\xa06,000.00"


@pytest.mark.parametrize(
    ("language", "total"),
    [("da", "76.000,00\xa0kr."), ("de", "76.000,00\xa0DKK"), ("cs", "76\xa0000,00\xa0DKK")],
)
def test_expected_fees_read_as_the_readers_language_writes_money(
    aarhus_client, setup, language, total
):
    """A Danish clerk reads "76.000,00 kr.", right-aligned under the year, as on paper."""
    aarhus_client.post("/language", data={"language": language, "next": "/"})
    page = aarhus_client.get(
        f"/fees/organisations/{setup['aarhus'].id}/expected?year=2027"
    ).get_data(as_text=True)
    assert _cell(page, "total-year") == total
    assert re.search(r'<td class="number" id="total-year">', page)
    assert "DKK\xa076" not in page


def test_expected_fees_as_csv(aarhus_client, setup):
    response = aarhus_client.get(f"/fees/organisations/{setup['aarhus'].id}/expected.csv?year=2027")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Component,Explanation,Amount 2026,Amount 2027,Change,Currency"
    assert lines[1].startswith("Membership fee,") and lines[1].endswith(
        ",25000.00,26000.00,1000.00,DKK"
    )
    assert lines[-1] == "Total,,70000.00,76000.00,6000.00,DKK"


def test_a_fall_stays_a_number_in_the_csv(aarhus_client, setup):
    # From 2027 (76,000) to 2028 (nothing set yet): the change is a plain negative number.
    response = aarhus_client.get(f"/fees/organisations/{setup['aarhus'].id}/expected.csv?year=2028")
    last = response.get_data().decode("utf-8-sig").splitlines()[-1]
    assert last == "Total,,76000.00,0.00,-76000.00,DKK"


def test_expected_fees_as_csv_for_a_danish_reader_use_semicolons_and_decimal_commas(client, setup):
    user = contact_of(setup["aarhus"], "da@aarhus.example.dk")
    user.language = "da"
    db.session.commit()
    login(client, "da@aarhus.example.dk")
    response = client.get(f"/fees/organisations/{setup['aarhus'].id}/expected.csv?year=2027")
    last = response.get_data().decode("utf-8-sig").splitlines()[-1]
    assert last.endswith(";70000,00;76000,00;6000,00;DKK")


def test_expected_fees_as_pdf(aarhus_client, setup):
    response = aarhus_client.get(f"/fees/organisations/{setup['aarhus'].id}/expected.pdf?year=2027")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Aarhus Kommune" in text
    assert "DKK\xa076,000.00" in text


def test_links_for_contacts(aarhus_client, setup):
    aarhus_id = setup["aarhus"].id
    home = aarhus_client.get("/").get_data(as_text=True)
    assert f"/fees/organisations/{aarhus_id}/expected" in home
    organisation_page = aarhus_client.get(f"/organisations/{aarhus_id}").get_data(as_text=True)
    assert f"/fees/organisations/{aarhus_id}/expected" in organisation_page
    product_page = aarhus_client.get("/products/os2forms").get_data(as_text=True)
    assert "/fees/products/os2forms/what-if" in product_page
    mine = aarhus_client.get("/participation/mine").get_data(as_text=True)
    assert f"/fees/what-if?organisation={aarhus_id}" in mine
