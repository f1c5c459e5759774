"""Who gets a message and in which language, without an app."""

from __future__ import annotations

from consortium.messages.recipients import INACTIVE, NO_EMAIL, Candidate, plan

LANGUAGES = ["en", "da", "de", "cs"]


def person(user_id, name, language=None, *, email=None, active=True, represents=""):
    address = f"{name.split()[0].lower()}@example.org" if email is None else email
    return Candidate(user_id, name, address, language, active, represents)


def test_a_contact_of_two_organisations_is_one_recipient_for_both():
    result = plan(
        [
            person(1, "Anna Jensen", "da", represents="Aarhus Kommune"),
            person(2, "Bo Berg", "da", represents="Aarhus Kommune"),
            person(1, "Anna Jensen", "da", represents="Odder Kommune"),
        ],
        languages=LANGUAGES,
        default_language="en",
    )
    assert [(r.name, r.represents) for r in result.recipients] == [
        ("Anna Jensen", ["Aarhus Kommune", "Odder Kommune"]),
        ("Bo Berg", ["Aarhus Kommune"]),
    ]


def test_each_gets_their_own_language_or_the_associations_default():
    result = plan(
        [
            person(1, "Anna Jensen", "da"),
            person(2, "Dieter Bauer", "de"),
            person(3, "Eva Novak", None),
            person(4, "Olaf Old", "sv"),  # a language the app does not speak
            person(5, "Dorte Dam", "da"),
        ],
        languages=LANGUAGES,
        default_language="cs",
    )
    assert {r.name: r.language for r in result.recipients} == {
        "Anna Jensen": "da",
        "Dieter Bauer": "de",
        "Eva Novak": "cs",
        "Olaf Old": "cs",
        "Dorte Dam": "da",
    }
    # Most recipients first; a tie in the app's order of languages.
    assert result.languages == ["da", "cs", "de"]
    assert result.count_in("da") == 2 and result.count_in("en") == 0


def test_one_language_for_all():
    result = plan(
        [person(1, "Anna Jensen", "da"), person(2, "Dieter Bauer", "de")],
        languages=LANGUAGES,
        default_language="en",
        one_language="en",
    )
    assert {r.language for r in result.recipients} == {"en"}
    assert result.languages == ["en"]


def test_deactivated_people_and_people_without_an_address_are_named_and_left_out():
    result = plan(
        [
            person(1, "Anna Jensen", "da"),
            person(2, "Gone Person", active=False, represents="Odder Kommune"),
            person(3, "No Address", email="  "),
            person(2, "Gone Person", active=False, represents="Aarhus Kommune"),
        ],
        languages=LANGUAGES,
        default_language="en",
    )
    assert [r.name for r in result.recipients] == ["Anna Jensen"]
    assert [(p.name, p.reason, p.represents) for p in result.left_out] == [
        ("Gone Person", INACTIVE, ["Odder Kommune", "Aarhus Kommune"]),
        ("No Address", NO_EMAIL, []),
    ]


def test_nobody_means_no_language_in_use():
    result = plan([], languages=LANGUAGES, default_language="en")
    assert result.recipients == [] and result.languages == []
