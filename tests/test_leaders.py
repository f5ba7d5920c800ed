"""The built-in dictionary of political leaders (``data/leaders.yml``).

It is a user dictionary like any other: every record must pass the checks of
``read_user_dictionary``, no record may be given twice, and no press form may stand for
two people of different codes at the same time. A few well-known people are then looked
up through a ``PersonRegistry`` on dates that pick one role or another.
"""

from __future__ import annotations

import datetime as dt
import itertools
from importlib import resources
from pathlib import Path

import pytest
import yaml

from communique.actors.gazetteer import default_gazetteer
from communique.actors.registry import (
    PersonEntry,
    PersonRegistry,
    UserDictionary,
    read_user_dictionary,
)
from communique.actors.sectors import default_sectors

LEADERS = Path(str(resources.files("communique") / "data" / "leaders.yml"))
# The number of records, rounded down to a hundred: a guard against losing a section.
MIN_PEOPLE = 1000


@pytest.fixture(scope="module")
def dictionary() -> UserDictionary:
    # The country and sector codes as ``communique actors import`` passes them.
    countries, sectors = default_gazetteer().countries, default_sectors().sectors
    return read_user_dictionary(LEADERS, countries, sectors)


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    """The records as written, for the aliases they give (the entries' aliases also hold
    the short forms the registry derives from each name)."""
    return list(yaml.safe_load(LEADERS.read_text(encoding="utf-8"))["people"])


@pytest.fixture(scope="module")
def registry(dictionary: UserDictionary) -> PersonRegistry:
    return PersonRegistry(dictionary.people)


def test_every_record_is_read(dictionary: UserDictionary) -> None:
    assert dictionary.rejected == ()
    assert len(dictionary.people) >= MIN_PEOPLE


def test_no_record_is_given_twice(dictionary: UserDictionary) -> None:
    seen: dict[tuple[str, str | None, dt.date | None], PersonEntry] = {}
    for entry in dictionary.people:
        key = (entry.name, entry.role, entry.valid_from)
        assert key not in seen, f"{key} given twice"
        seen[key] = entry


def test_every_record_has_a_role_and_a_start(dictionary: UserDictionary) -> None:
    for entry in dictionary.people:
        assert entry.role, entry.name
        assert entry.valid_from is not None, entry.name


def test_no_alias_names_two_codes_at_once(
    dictionary: UserDictionary, records: list[dict[str, object]]
) -> None:
    """A name or alias given in the file may be shared only by entries of one code, or by
    entries whose terms do not overlap. (The registry's own short forms of names, such as
    first names, are not checked: it refuses any alias that two people share.)"""
    assert len(records) == len(dictionary.people)
    holders: dict[str, list[PersonEntry]] = {}
    for record, entry in zip(records, dictionary.people, strict=True):
        assert record["name"] == entry.name
        given = record.get("aliases") or []
        assert isinstance(given, list)
        for alias in {entry.name, *(str(alias) for alias in given)}:
            holders.setdefault(alias, []).append(entry)
    clashes = []
    for alias, entries in holders.items():
        for first, second in itertools.combinations(entries, 2):
            if first.name == second.name or first.code == second.code:
                continue
            one, other = first.period(), second.period()
            assert one is not None and other is not None  # a user's entry always has one
            if one[0] <= other[1] and other[0] <= one[1]:
                clashes.append((alias, first.name, first.code, second.name, second.code))
    assert clashes == []


@pytest.mark.parametrize(
    ("name", "when", "code", "role"),
    [
        ("Obama", "2012-05-01", "USAGOV", "President"),
        ("Putin", "2001-01-01", "RUSGOV", "President"),
        ("Putin", "2010-01-01", "RUSGOV", "Prime Minister"),
        ("Merkel", "2015-06-01", "DEUGOV", "Chancellor"),
        ("Xi", "2015-06-01", "CHNGOV", "President"),
        ("Erdogan", "2010-06-01", "TURGOV", "Prime Minister"),
        ("Erdoğan", "2020-06-01", "TURGOV", "President"),
        ("Lula", "2024-06-01", "BRAGOV", "President"),
        ("Sisi", "2013-10-01", "EGYMIL", "Defence Minister"),
        ("Sisi", "2016-10-01", "EGYGOV", "President"),
        ("Guterres", "2020-01-01", "IGOUNO", "Secretary-General"),
        ("Stoltenberg", "2020-01-01", "IGOWSTNAT", "Secretary-General"),
        ("von der Leyen", "2020-01-01", "IGOEUREEC", "Commission President"),
    ],
)
def test_known_people(registry: PersonRegistry, name: str, when: str, code: str, role: str) -> None:
    actor = registry.person(name, dt.date.fromisoformat(when))
    assert actor is not None, name
    assert (actor.code, actor.role) == (code, role)


def test_a_person_keeps_their_code_between_terms(registry: PersonRegistry) -> None:
    """Whatever the role, a person of several terms is coded by his country all along."""
    for name, when, code in [
        ("Putin", "2001-01-01", "RUSGOV"),
        ("Netanyahu", "1997-01-01", "ISRGOV"),
        ("Trump", "2019-01-01", "USAGOV"),
        ("Berlusconi", "1994-06-01", "ITAGOV"),
    ]:
        actor = registry.person(name, dt.date.fromisoformat(when))
        assert actor is not None, name
        assert actor.code == code, name
