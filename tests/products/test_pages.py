"""The catalogue's pages: products, descriptions, ratings, level decisions and rights."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from consortium.extensions import db
from consortium.products import queries, services
from consortium.products.models import LEVELS, MaturityRequirement, Product
from tests.products import factories as make

VALID = {
    "name": "OS2 Rollekatalog",
    "slug": "",
    "status": "project",
    "licence": "MPL-2.0",
    "repository_url": "https://github.com/OS2rollekatalog/os2rollekatalog",
    "issue_tracker_url": "",
    "website_url": "https://www.os2.eu/os2rollekatalog",
    "point_person_name": "Mette Kristensen",
    "point_person_user_id": "",
    "software_type": "standalone/web",
    "platforms": "web, linux",
    "categories": "identity-management",
}


def _product(slug):
    return db.session.scalar(select(Product).where(Product.slug == slug))


def _requirement(code) -> MaturityRequirement:
    return db.session.scalar(select(MaturityRequirement).where(MaturityRequirement.code == code))


def test_the_secretariat_adds_a_product_with_a_slug_made_from_the_name(secretariat_client):
    response = secretariat_client.post("/products/new", data=VALID)
    assert response.status_code == 302
    assert response.headers["Location"] == "/products/os2-rollekatalog"
    product = _product("os2-rollekatalog")
    assert product.platforms == ["web", "linux"]
    assert product.categories == ["identity-management"]
    page = secretariat_client.get("/products/os2-rollekatalog").get_data(as_text=True)
    assert "OS2 Rollekatalog" in page and "Mozilla Public License 2.0" in page


def test_the_new_form_suggests_mpl(secretariat_client):
    page = secretariat_client.get("/products/new").get_data(as_text=True)
    assert 'value="MPL-2.0"' in page


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("OS2_Forms", "Use lowercase letters, digits and single hyphens"),
        ("import", "Use lowercase letters, digits and single hyphens"),
        ("taken", "Another product already has this short name."),
    ],
)
def test_slug_rules(secretariat_client, slug, message):
    make.product("Taken", slug="taken")
    page = secretariat_client.post("/products/new", data=VALID | {"slug": slug})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert _product("os2-rollekatalog") is None


def test_a_product_keeps_its_own_slug_when_edited(secretariat_client):
    make.product("OS2 Rollekatalog", slug="os2-rollekatalog")
    data = VALID | {"slug": "os2-rollekatalog", "name": "OS2rollekatalog"}
    response = secretariat_client.post("/products/os2-rollekatalog/edit", data=data)
    assert response.status_code == 302
    assert _product("os2-rollekatalog").name == "OS2rollekatalog"


def test_a_licence_outside_the_spdx_list_is_refused(secretariat_client):
    page = secretariat_client.post("/products/new", data=VALID | {"licence": "Foo-1.0"})
    assert (
        "Foo-1.0 is not an identifier from the SPDX licence list, such as MPL-2.0 or EUPL-1.2."
        in page.get_data(as_text=True)
    )
    assert _product("os2-rollekatalog") is None
    response = secretariat_client.post("/products/new", data=VALID | {"licence": "eupl-1.2"})
    assert response.status_code == 302
    assert _product("os2-rollekatalog").licence == "EUPL-1.2"


@pytest.mark.parametrize("field", ["repository_url", "issue_tracker_url", "website_url"])
def test_addresses_must_be_web_addresses(secretariat_client, field):
    page = secretariat_client.post("/products/new", data=VALID | {field: "javascript:alert(1)"})
    assert "Enter a web address starting with https:// or http://." in page.get_data(as_text=True)
    assert _product("os2-rollekatalog") is None


def test_search_and_filters(secretariat_client):
    make.product("OS2forms", status="product", level="N2")
    make.product("OS2mo", status="project")
    make.product("OS2iot", status="idea")
    page = secretariat_client.get("/products/?q=forms").get_data(as_text=True)
    assert "OS2forms" in page and "OS2mo" not in page
    page = secretariat_client.get("/products/?status=project").get_data(as_text=True)
    assert "OS2mo" in page and "OS2forms" not in page
    page = secretariat_client.get("/products/?level=N2").get_data(as_text=True)
    assert "OS2forms" in page and "OS2mo" not in page
    page = secretariat_client.get("/products/?level=none").get_data(as_text=True)
    assert "OS2mo" in page and "OS2iot" in page and "OS2forms" not in page


def test_descriptions_per_language_with_fallback(app, secretariat_client):
    product = make.product("OS2forms")
    response = secretariat_client.post(
        "/products/os2forms/descriptions",
        data={
            "en-short_description": "Digital forms for citizens",
            "en-long_description": "Build forms without code.",
            "en-features": "Drag and drop\n\n  NemID/MitID login  \n",
            "da-short_description": "Digitale blanketter til borgerne",
            "da-long_description": "",
            "da-features": "",
        },
    )
    assert response.status_code == 302
    english = queries.description_for(product, "en")
    assert english.features == "Drag and drop\nNemID/MitID login"
    assert queries.description_for(product, "da").short_description.startswith("Digitale")
    assert queries.description_for(product, "cs").language == "en"
    page = secretariat_client.get("/products/os2forms").get_data(as_text=True)
    assert "Digital forms for citizens" in page and "Digitale" not in page
    # Only Danish left: every reader sees the Danish one.
    services.save_description(product, "en", "", "", "")
    assert queries.description_for(product, "cs").language == "da"


def test_a_short_description_is_at_most_150_characters(secretariat_client):
    make.product("OS2forms")
    page = secretariat_client.post(
        "/products/os2forms/descriptions", data={"en-short_description": "x" * 151}
    )
    assert "Use at most 150 characters." in page.get_data(as_text=True)


def test_rating_a_requirement_moves_the_level(secretariat_client):
    product = make.product(
        "OS2forms", repository_url="https://github.com/OS2Forms/os2forms", licence="MPL-2.0"
    )
    page = secretariat_client.get("/products/os2forms/assessment").get_data(as_text=True)
    assert "Answered by the data: yes" in page  # F1 and F2
    assert "Missing for Sandbox" in page
    for code in ("R1", "F3", "F4"):
        requirement = _requirement(code)
        response = secretariat_client.post(
            "/products/os2forms/assessment",
            data={f"r{requirement.id}-rating": "green", f"r{requirement.id}-evidence": "Done"},
        )
        assert response.status_code == 302
    f5 = _requirement("F5")
    secretariat_client.post(
        "/products/os2forms/assessment",
        data={f"r{f5.id}-rating": "yellow", f"r{f5.id}-evidence": "README is short"},
    )
    assert queries.assess(product).reached is None
    secretariat_client.post(
        "/products/os2forms/assessment",
        data={
            f"r{f5.id}-rating": "yellow",
            f"r{f5.id}-evidence": "README is short",
            f"r{f5.id}-explanation_accepted": "y",
        },
    )
    assessment = queries.assess(product)
    assert assessment.reached == "sandbox"
    assert assessment.next_level == "N1"
    assert "F6" in [row.requirement.code for row in assessment.missing]
    page = secretariat_client.get("/products/os2forms").get_data(as_text=True)
    assert 'id="level-reached">Sandbox' in page
    assert "Missing for N1" in page


def test_an_invalid_rating_is_shown_again(secretariat_client):
    make.product("OS2forms")
    requirement = _requirement("R1")
    page = secretariat_client.post(
        "/products/os2forms/assessment",
        data={f"r{requirement.id}-rating": "purple"},
    )
    assert page.status_code == 200
    assert "R1: Rating: Choose green, yellow or red." in page.get_data(as_text=True)


def test_level_decisions_are_kept_as_history(secretariat_client, secretariat):
    product = make.product("OS2forms")
    response = secretariat_client.post(
        "/products/os2forms/level",
        data={
            "level": "N1",
            "decided_by_body": "secretariat",
            "decided_on": "2026-02-01",
            "note": "Admitted",
            "confirm_above_reached": "y",
        },
    )
    assert response.status_code == 302
    secretariat_client.post(
        "/products/os2forms/level",
        data={
            "level": "N2",
            "decided_by_body": "board",
            "decided_on": "2026-09-15",
            "note": "Board meeting 3",
            "confirm_above_reached": "y",
        },
    )
    product = _product("os2forms")
    assert product.level == "N2"
    history = [(d.level, d.decided_by_body, d.decided_on) for d in product.level_decisions]
    assert history == [
        ("N1", "secretariat", date(2026, 2, 1)),
        ("N2", "board", date(2026, 9, 15)),
    ]
    assert product.level_decisions[0].recorded_by_user_id == secretariat.id
    page = secretariat_client.get("/products/os2forms").get_data(as_text=True)
    assert "Board meeting 3" in page and "Admitted" in page and "Sam Secretariat" in page
    assert page.index("Board meeting 3") < page.index("Admitted")  # newest first


def test_the_secretariat_edits_the_requirement_list(secretariat_client):
    requirement = _requirement("G14")
    response = secretariat_client.post(
        f"/products/requirements/{requirement.id}",
        data={"text": "there is a user club", "level": "N2"},
    )
    assert response.status_code == 302
    assert requirement.text == "there is a user club"
    assert requirement.level == "N2" and requirement.active is False
    assert "G14" not in [r.code for r in queries.requirements()]
    page = secretariat_client.get("/products/requirements").get_data(as_text=True)
    assert "there is a user club" in page


def test_ensure_default_requirements_fills_only_an_empty_list(app):
    assert services.ensure_default_requirements() == 0
    assert len(queries.requirements()) == 43


def test_a_signed_in_user_sees_but_cannot_change(user_client):
    product = make.product("OS2forms")
    requirement = _requirement("R1")
    assert user_client.get("/products/").status_code == 200
    page = user_client.get("/products/os2forms").get_data(as_text=True)
    assert "OS2forms" in page and "Record a level decision" not in page
    assessment = user_client.get("/products/os2forms/assessment").get_data(as_text=True)
    assert "Save the assessment" not in assessment
    assert user_client.get("/products/os2forms/publiccode.yml").status_code == 200
    for url, data in [
        ("/products/new", VALID),
        ("/products/os2forms/edit", VALID),
        ("/products/os2forms/descriptions", {"en-short_description": "x"}),
        ("/products/os2forms/assessment", {f"r{requirement.id}-rating": "green"}),
        (
            "/products/os2forms/level",
            {"level": "N3", "decided_by_body": "board", "decided_on": "2026-01-01"},
        ),
        (f"/products/requirements/{requirement.id}", {"text": "x", "level": "N1"}),
        ("/products/import", {}),
    ]:
        assert user_client.post(url, data=data).status_code == 403, url
    product = _product("os2forms")
    assert product.level is None and product.ratings == []


def test_an_unknown_product_is_404(secretariat_client):
    assert secretariat_client.get("/products/nothing-here").status_code == 404


def test_only_the_board_approves_n2_and_n3(secretariat_client):
    make.product("OS2forms")
    page = secretariat_client.post(
        "/products/os2forms/level",
        data={"level": "N2", "decided_by_body": "secretariat", "decided_on": "2026-02-01"},
    )
    assert "Only the board approves the levels N2 and N3." in page.get_data(as_text=True)
    assert _product("os2forms").level_decisions == []


def test_ensure_default_requirements_fills_an_empty_list(app):
    db.session.execute(delete(MaturityRequirement))
    assert queries.requirements() == []
    assert services.ensure_default_requirements() == 43
    requirements = {r.code: r for r in queries.requirements()}
    assert requirements["G3"].data_check == "point_person"
    assert requirements["G9"].recommended and requirements["G9"].level == "N2"
    assert requirements["G12"].theme == "governance" and requirements["G12"].level == "N3"


def test_requirements_are_shown_in_the_readers_language(secretariat_client):
    client = secretariat_client
    requirement = _requirement("R1")
    assert requirement.translations["da"].startswith("produktet")
    client.post("/language", data={"language": "da"})
    response = client.post(
        f"/products/requirements/{requirement.id}",
        data={
            "text": "the product brings value",
            "text_da": "produktet skaber værdi",
            "text_de": "",
            "text_cs": "produkt přináší hodnotu",
            "level": "sandbox",
            "active": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert _requirement("R1").translations == {
        "da": "produktet skaber værdi",
        "cs": "produkt přináší hodnotu",
    }
    page = client.get("/products/requirements").get_data(as_text=True)
    assert "produktet skaber værdi" in page


HUGE_PAGE = "99999999999999999999"


@pytest.mark.parametrize("path", ["/products/", "/organisations/", "/audit/", "/outbox/"])
@pytest.mark.parametrize("page", [HUGE_PAGE, "-" + HUGE_PAGE, "0", "abc"])
def test_every_paged_list_survives_any_page_number(secretariat_client, path, page):
    make.product("OS2forms")
    response = secretariat_client.get(f"{path}?page={page}")
    assert response.status_code == 200


def test_a_huge_page_number_is_clamped(app):
    from consortium.web import MAX_PAGE, page_number

    for asked, given in [(HUGE_PAGE, MAX_PAGE), ("3", 3), ("0", 1), ("-2", 1), ("x", 1), ("", 1)]:
        with app.test_request_context(f"/products/?page={asked}"):
            assert page_number() == given


def _taken_at_the_same_moment(monkeypatch):
    """The form's check of the short name passes, as when another request saves it meanwhile."""
    from consortium.products.forms import ProductForm

    monkeypatch.setattr(ProductForm, "validate_slug", lambda self, field: None)


def test_a_short_name_taken_at_the_same_moment_is_a_form_error(secretariat_client, monkeypatch):
    make.product("Taken", slug="taken")
    make.product("Other", slug="other")
    _taken_at_the_same_moment(monkeypatch)
    response = secretariat_client.post("/products/new", data=VALID | {"slug": "taken"})
    assert response.status_code == 200
    assert "Another product already has this short name." in response.get_data(as_text=True)
    response = secretariat_client.post("/products/other/edit", data=VALID | {"slug": "taken"})
    assert response.status_code == 200
    assert "Another product already has this short name." in response.get_data(as_text=True)
    assert _product("other").name == "Other"
    assert len(db.session.scalars(select(Product)).all()) == 2


def test_the_service_refuses_a_taken_short_name_and_the_session_goes_on(app):
    make.product("Taken", slug="taken")
    with pytest.raises(services.SlugTaken):
        services.create_product(name="Again", slug="taken")
    other = make.product("Other", slug="other")
    with pytest.raises(services.SlugTaken):
        services.update_product(other, slug="taken", name="Renamed")
    assert other.slug == "other" and other.name == "Other"
    assert sorted(db.session.scalars(select(Product.slug))) == ["other", "taken"]


def test_an_import_racing_another_is_explained(secretariat_client, monkeypatch):
    from tests.products.test_publiccode import VALID as PUBLICCODE
    from tests.products.test_publiccode import _upload

    def taken(imported):
        raise services.SlugTaken(imported.slug)

    monkeypatch.setattr(services, "import_product", taken)
    response = _upload(secretariat_client, PUBLICCODE)
    assert response.status_code == 200  # the file is fine; upload it again
    assert (
        "Another product with the short name valghalla was added at the same moment."
        in response.get_data(as_text=True)
    )


def test_a_rating_saved_at_the_same_moment_is_replaced(app, monkeypatch):
    product = make.product("OS2forms")
    requirement = _requirement("R1")
    services.rate(product, requirement, "red", "First")
    real = services._rating_of
    calls = []

    def not_yet_seen(product, requirement):
        calls.append(1)
        return None if len(calls) == 1 else real(product, requirement)

    monkeypatch.setattr(services, "_rating_of", not_yet_seen)
    rating = services.rate(product, requirement, "green", "Second")
    assert len(calls) == 2
    assert (rating.rating, rating.evidence) == ("green", "Second")
    assert [(r.rating, r.evidence) for r in product.ratings] == [("green", "Second")]


def test_a_deactivated_point_person_does_not_block_editing(secretariat_client):
    from consortium.auth.services import set_active
    from tests.conftest import make_user

    lead = make_user("lead@example.org", name="<b>Lead</b>")
    make.product("OS2forms", point_person_user_id=lead.id)
    set_active(lead, False)
    page = secretariat_client.get("/products/new").get_data(as_text=True)
    assert "lead@example.org" not in page
    page = secretariat_client.get("/products/os2forms/edit").get_data(as_text=True)
    assert "&lt;b&gt;Lead&lt;/b&gt; &lt;lead@example.org&gt; (deactivated)" in page
    assert "<b>Lead" not in page
    response = secretariat_client.post(
        "/products/os2forms/edit",
        data=VALID | {"name": "OS2forms", "slug": "os2forms", "point_person_user_id": str(lead.id)},
    )
    assert response.status_code == 302
    assert _product("os2forms").point_person_user_id == lead.id


def test_a_level_above_the_one_reached_is_recorded_only_when_confirmed(secretariat_client):
    make.product("OS2forms")
    data = {"level": "N3", "decided_by_body": "board", "decided_on": "2026-02-01"}
    response = secretariat_client.post("/products/os2forms/level", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "By its ratings, OS2forms reaches no level yet, but the decision records N3." in page
    assert "Yes, record this level although the ratings do not reach it" in page
    product = _product("os2forms")
    assert product.level_decisions == [] and product.level is None

    response = secretariat_client.post(
        "/products/os2forms/level", data=data | {"confirm_above_reached": "y"}
    )
    assert response.status_code == 302
    product = _product("os2forms")
    assert product.level == "N3"
    assert [d.level for d in product.level_decisions] == ["N3"]


def _rate_up_to(product, level: str) -> None:
    """Green ratings for every requirement up to the level; those the records answer are
    taken off the list, as the secretariat may do."""
    for requirement in queries.requirements():
        if LEVELS.index(requirement.level) > LEVELS.index(level):
            continue
        if requirement.data_check:
            services.update_requirement(
                requirement, text=requirement.text, level=requirement.level, active=False
            )
        else:
            services.rate(product, requirement, "green", "Done")
    assert queries.assess(product).reached == level


def test_the_warning_names_the_level_reached(secretariat_client):
    product = make.product("OS2forms")
    _rate_up_to(product, "N1")
    page = secretariat_client.post(
        "/products/os2forms/level",
        data={"level": "N3", "decided_by_body": "board", "decided_on": "2026-02-01"},
    ).get_data(as_text=True)
    assert "By its ratings, OS2forms reaches N1, but the decision records N3." in page
    assert _product("os2forms").level_decisions == []


def test_a_level_at_or_below_the_one_reached_needs_no_confirmation(secretariat_client):
    product = make.product("OS2forms")
    _rate_up_to(product, "N2")
    for level in ("N2", "N1", ""):
        response = secretariat_client.post(
            "/products/os2forms/level",
            data={"level": level, "decided_by_body": "board", "decided_on": "2026-02-01"},
        )
        assert response.status_code == 302, level
    assert [d.level for d in _product("os2forms").level_decisions] == ["N2", "N1", None]


def _participant_names(page: str) -> list[str]:
    import re

    table = page.partition('id="participants"')[2].partition("</table>")[0]
    return re.findall(r"<tr><td>(?:<a [^>]*>)?([^<]+)", table)


def test_a_product_with_many_participants_shows_them_a_page_at_a_time(secretariat_client):
    product = make.product("OS2forms")
    for number in range(55):
        phase = "agreement" if number % 2 else "commitment"
        make.participation(product, make.organisation(f"Kommune {number:02d}"), phase=phase)
    make.participation(product, make.organisation("Kommune ended"), ends_on=date(2020, 12, 31))
    db.session.commit()

    first = secretariat_client.get("/products/os2forms").get_data(as_text=True)
    assert "55 organisations take part." in first
    assert _participant_names(first) == [f"Kommune {n:02d}" for n in range(50)]
    assert "Page 1 of 2" in first
    second = secretariat_client.get("/products/os2forms?page=2").get_data(as_text=True)
    assert _participant_names(second) == [f"Kommune {n:02d}" for n in range(50, 55)]
    # Sorted by phase (commitment before agreement, as the phases follow each other), in the
    # address, with a page size chosen.
    by_phase = secretariat_client.get(
        "/products/os2forms?sort=phase&order=asc&per_page=100"
    ).get_data(as_text=True)
    names = _participant_names(by_phase)
    assert len(names) == 55
    assert names[:28] == [f"Kommune {n:02d}" for n in range(0, 55, 2)]
    assert 'aria-sort="ascending"' in by_phase
    assert "Kommune ended" not in first + second + by_phase


def test_a_contact_opens_only_the_own_organisation_from_the_participants(client):
    from tests.conftest import sign_in

    product = make.product("OS2forms")
    own, other = make.organisation("Aarhus Kommune"), make.organisation("Vejle Kommune")
    make.participation(product, own)
    make.participation(product, other)
    contact = make.user("anna@aarhus.example.org")
    from consortium.members import services as members

    members.add_contact(own, contact.id, role="primary")
    db.session.commit()
    sign_in(client, "anna@aarhus.example.org")
    page = client.get("/products/os2forms").get_data(as_text=True)
    assert _participant_names(page) == ["Aarhus Kommune", "Vejle Kommune"]
    assert f'href="/organisations/{own.id}"' in page
    assert f'href="/organisations/{other.id}"' not in page
