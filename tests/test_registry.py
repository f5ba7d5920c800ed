"""The actor registry: people learned in one article and recognised in another, roles by
date, user dictionaries, and the ``communique actors`` commands.

Units are built by hand; the tests that code articles share the session's ``coder``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.actors.gazetteer import default_gazetteer
from communique.actors.registry import (
    USER,
    PersonEntry,
    PersonEntryError,
    PersonRegistry,
    read_user_dictionary,
    sighted,
    user_entry,
)
from communique.actors.sectors import default_sectors
from communique.cli import EXIT_ERROR, EXIT_NOT_FOUND, EXIT_SKIPPED, app
from communique.errors import DataFileError
from communique.pipeline import PipelineConfig, code_batch, run
from communique.records import (
    Actor,
    Article,
    CleanArticle,
    CodedArticle,
    Passage,
    Sentence,
    Sighting,
)
from communique.store import duckdb as store_module
from communique.store.duckdb import EventStore

LI_QIANG = Actor("CHNGOV", "CHN", "GOV", "person", "Li Qiang", "Premier")
LI_ALIASES = ("Li Qiang", "Li", "Qiang")
INTRODUCED = "Chinese Premier Li Qiang met with Peruvian President Dina Boluarte in Beijing."
# The second article names Li Qiang without a title or a country.
UNTITLED = "Li Qiang met with Brazilian President Luiz Inacio Lula da Silva in Beijing."

FIRST = {"id": "first", "date": "2024-06-28", "text": INTRODUCED}
SECOND = {"id": "second", "date": "2024-07-03", "text": UNTITLED}
AGAIN = {"id": "again", "date": "2024-07-10", "text": INTRODUCED}


def countries() -> frozenset[str]:
    return frozenset(default_gazetteer().countries)


def sectors() -> frozenset[str]:
    return frozenset(default_sectors().sectors)


def learned(
    name: str, role: str, first: dt.date, last: dt.date, code: str = "CHNGOV"
) -> PersonEntry:
    return PersonEntry(
        name=name,
        code=code,
        country=code[:3],
        sector=code[3:],
        role=role,
        aliases=(name, *name.split()),
        first_seen=first,
        last_seen=last,
        sightings=1,
    )


def jsonl(path: Path, *records: dict) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def source_of(coded: CodedArticle) -> Actor | None:
    """The source of the sentence's subject's event (a meeting is coded from each side, the
    subject's side first)."""
    event = coded.events[0]
    return event.source.actor if event.source else None


def events_by_article(store: EventStore) -> dict[str, list]:
    found: dict[str, list] = {}
    for event in store.events():
        found.setdefault(event.article_id, []).append(event)
    return found


# -- the registry in memory ------------------------------------------------------------


def test_a_person_is_found_by_name_and_short_form():
    registry = PersonRegistry(
        [learned("Li Qiang", "Premier", dt.date(2024, 6, 28), dt.date(2024, 6, 28))]
    )
    assert registry.person("Li Qiang", dt.date(2024, 7, 3)) == LI_QIANG
    assert registry.person("Qiang", None) == LI_QIANG
    assert registry.person("Li Keqiang", None) is None
    assert registry.person("li qiang", None) is None  # names match as written


def test_a_short_form_of_two_people_names_the_one_in_office():
    registry = PersonRegistry(
        [
            learned("Li Qiang", "Premier", dt.date(2024, 6, 28), dt.date(2024, 6, 28)),
            learned("Li Keqiang", "Premier", dt.date(2015, 5, 19), dt.date(2015, 5, 19)),
        ]
    )
    assert registry.person("Li", dt.date(2024, 6, 28)) == LI_QIANG
    found = registry.person("Li Keqiang", dt.date(2024, 7, 3))
    assert found is not None and found.name == "Li Keqiang"
    # Neither in office that day: the country and sector are known, the person is not.
    assert registry.person("Li", dt.date(2020, 1, 1)) == Actor("CHNGOV", "CHN", "GOV", "person")


def test_a_short_form_of_two_countries_finds_nobody():
    registry = PersonRegistry(
        [
            learned("Li Qiang", "Premier", dt.date(2024, 6, 28), dt.date(2024, 6, 28)),
            learned("Li Wei", "Minister", dt.date(2024, 6, 28), dt.date(2024, 6, 28), "SGPGOV"),
        ]
    )
    assert registry.person("Li", dt.date(2024, 6, 28)) is None
    assert registry.person("Li Wei", dt.date(2024, 6, 28)).code == "SGPGOV"


def test_a_second_term_in_one_office_is_kept():
    terms = [
        {"name": "Vladimir Putin", "code": "RUSGOV", "role": "President", "aliases": ["Putin"],
         "from": start, "to": end}
        for start, end in (("2000-05-07", "2008-05-07"), ("2012-05-07", "2026-01-01"))
    ]  # fmt: skip
    premier = {"name": "Vladimir Putin", "code": "RUSGOV", "role": "Prime Minister",
               "aliases": ["Putin"], "from": "2008-05-08", "to": "2012-05-07"}  # fmt: skip
    registry = PersonRegistry(
        user_entry(fields, countries(), sectors()) for fields in (*terms, premier)
    )
    assert registry.person("Putin", dt.date(2001, 1, 1)).role == "President"
    assert registry.person("Putin", dt.date(2010, 1, 1)).role == "Prime Minister"
    assert registry.person("Putin", dt.date(2015, 1, 1)).role == "President"


@pytest.mark.parametrize(
    ("when", "role"),
    [
        (dt.date(2010, 1, 1), "Vice Premier"),  # inside the first role's dates
        (dt.date(2013, 3, 15), "Vice Premier"),  # its last day
        (dt.date(2013, 3, 16), "Premier"),  # the first day of the second
        (dt.date(2005, 1, 1), "Vice Premier"),  # before both: the nearest
        (dt.date(2030, 1, 1), "Premier"),  # after both: the nearest
        (None, "Premier"),  # no date: the latest role
    ],
)
def test_a_role_is_chosen_by_date(when, role):
    registry = PersonRegistry(
        [
            learned("Li Keqiang", "Premier", dt.date(2013, 3, 16), dt.date(2023, 3, 11)),
            learned("Li Keqiang", "Vice Premier", dt.date(2008, 3, 17), dt.date(2013, 3, 15)),
        ]
    )
    found = registry.person("Li Keqiang", when)
    assert found is not None and found.role == role


def test_a_users_dates_bound_a_role_where_nothing_was_seen():
    given = user_entry(
        {"name": "Li Qiang", "code": "CHNGOV", "role": "Party Secretary", "to": "2022-10-22"},
        countries(),
        sectors(),
    )
    registry = PersonRegistry(
        [given, learned("Li Qiang", "Premier", dt.date(2024, 6, 28), dt.date(2024, 7, 3))]
    )
    assert registry.person("Li Qiang", dt.date(2020, 5, 1)).role == "Party Secretary"
    assert registry.person("Li Qiang", dt.date(2024, 1, 1)).role == "Premier"


def test_a_sighting_widens_the_dates_and_keeps_the_earliest_evidence():
    seen = Sighting(LI_QIANG, LI_ALIASES, "the June sentence")
    entry = sighted(None, seen, dt.date(2024, 6, 28), "june")
    assert (entry.first_seen, entry.last_seen, entry.sightings) == (
        dt.date(2024, 6, 28),
        dt.date(2024, 6, 28),
        1,
    )
    later = sighted(
        entry, Sighting(LI_QIANG, LI_ALIASES, "the July sentence"), dt.date(2024, 7, 3), "july"
    )
    assert (later.first_seen, later.last_seen, later.sightings) == (
        dt.date(2024, 6, 28),
        dt.date(2024, 7, 3),
        2,
    )
    assert (later.evidence, later.article_id) == ("the June sentence", "june")
    earlier = sighted(
        later, Sighting(LI_QIANG, LI_ALIASES, "the May sentence"), dt.date(2024, 5, 1), "may"
    )
    assert (earlier.first_seen, earlier.last_seen) == (dt.date(2024, 5, 1), dt.date(2024, 7, 3))
    assert (earlier.evidence, earlier.article_id) == ("the May sentence", "may")


# -- coding with the registry ----------------------------------------------------------


def test_a_person_introduced_in_one_run_is_recognised_in_the_next(coder, tmp_path):
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        run([jsonl(tmp_path / "first.jsonl", FIRST)], store, coder)
        (person,) = store.people("Li Qiang")
        assert (person.code, person.role, person.evidence) == ("CHNGOV", "Premier", INTRODUCED)
    with EventStore(db) as store:
        run([jsonl(tmp_path / "second.jsonl", SECOND)], store, coder)
        events = events_by_article(store)["second"]
    sides = {(e.source.code, e.source.name, e.source.role, e.source.text) for e in events}
    assert ("CHNGOV", "Li Qiang", "Premier", "Li Qiang") in sides


def test_without_the_registry_the_untitled_name_is_nobody(coder):
    # What the test above relies on: alone, the second article does not know Li Qiang.
    article = Article("second", UNTITLED, published=dt.date(2024, 7, 3))
    (coded,) = code_batch([article], coder, PersonRegistry())
    assert isinstance(coded, CodedArticle)
    assert all(m.actor.name != "Li Qiang" for m in coded.mentions)


def test_a_run_knows_the_people_of_its_start_and_the_next_run_what_it_taught(coder, tmp_path):
    # Every batch of a run is coded with the registry as the run found it, so that batches can
    # be coded in any order, by any number of workers, with the same result (distributed.py).
    introduced = (
        "Peruvian Foreign Minister Elmer Schialer met with Brazilian President Lula in Lima."
    )
    untitled = "Elmer Schialer met with Brazilian President Lula in Brasilia."
    both = jsonl(
        tmp_path / "both.jsonl",
        {"id": "first", "date": "2025-03-01", "text": introduced},
        {"id": "second", "date": "2025-03-08", "text": untitled},
    )
    again = jsonl(tmp_path / "again.jsonl", {"id": "third", "date": "2025-03-09", "text": untitled})
    one_at_a_time = dataclasses.replace(coder, config=PipelineConfig(articles_per_batch=1))
    with EventStore(tmp_path / "events.duckdb") as store:
        run([both], store, one_at_a_time)
        # coded with the registry the run started with: Schialer is nobody it knows yet
        second = events_by_article(store).get("second", [])
        assert "PERGOV" not in {m.code for e in second for m in (e.source, e.target) if m}
        run([again], store, one_at_a_time)
        events = events_by_article(store)["third"]
    assert ("PERGOV", "Elmer Schialer") in {(e.source.code, e.source.name) for e in events}


def test_first_and_last_seen_follow_the_articles(coder, tmp_path):
    with EventStore(tmp_path / "events.duckdb") as store:
        run([jsonl(tmp_path / "a.jsonl", AGAIN, FIRST)], store, coder)
        (person,) = store.people("Li Qiang")
    assert (person.first_seen, person.last_seen) == (dt.date(2024, 6, 28), dt.date(2024, 7, 10))
    assert person.sightings == 2
    assert person.article_id == "first"  # the earliest article's sentence is the evidence
    assert person.source == "learned"
    assert person.aliases == ("Li Qiang", "Qiang")  # beyond the article, no first names


def test_the_role_follows_the_article_date(coder):
    registry = PersonRegistry(
        [
            learned("Li Keqiang", "Vice Premier", dt.date(2008, 3, 17), dt.date(2013, 3, 15)),
            learned("Li Keqiang", "Premier", dt.date(2013, 3, 16), dt.date(2023, 3, 11)),
        ]
    )
    text = "Li Keqiang met with Brazilian President Dilma Rousseff in Brasilia."
    articles = [
        Article("2011", text, published=dt.date(2011, 4, 12)),
        Article("2015", text, published=dt.date(2015, 5, 19)),
    ]
    roles = [source_of(c).role for c in code_batch(articles, coder, registry)]
    assert roles == ["Vice Premier", "Premier"]


def test_a_title_without_a_country_takes_the_registrys(coder):
    registry = PersonRegistry(
        [learned("Li Qiang", "Premier", dt.date(2024, 6, 28), dt.date(2024, 6, 28))]
    )
    text = "Premier Li Qiang met with Brazilian President Luiz Inacio Lula da Silva in Beijing."
    article = Article("premier", text, published=dt.date(2024, 7, 3))
    (without,) = code_batch([article], coder, PersonRegistry())
    (with_registry,) = code_batch([article], coder, registry)
    assert source_of(without).code == "---GOV"
    assert source_of(with_registry).code == "CHNGOV"


def test_what_the_article_says_wins_over_the_registry(coder):
    registry = PersonRegistry(
        [learned("Li Qiang", "Premier", dt.date(2024, 6, 28), dt.date(2024, 6, 28))]
    )
    text = (
        "Singaporean Trade Minister Li Qiang met with Brazilian President Lula in Brasilia. "
        "Li Qiang later met with Argentine President Javier Milei."
    )
    (coded,) = code_batch(
        [Article("namesake", text, published=dt.date(2024, 7, 3))], coder, registry
    )
    assert isinstance(coded, CodedArticle)
    sides = {m.actor.code for e in coded.events for m in (e.source, e.target) if m}
    assert sides == {"SGPGOV", "BRAGOV", "ARGGOV"}  # Li Qiang is the article's, twice


def test_a_sighting_needs_a_country(coder):
    text = "Premier Li Qiang met with Brazilian President Luiz Inacio Lula da Silva in Beijing."
    article = Article("premier", text, published=dt.date(2024, 7, 3))
    (coded,) = code_batch([article], coder, PersonRegistry())
    assert isinstance(coded, CodedArticle)
    assert [s.actor.code for s in coded.sightings] == ["BRAGOV"]


@pytest.mark.parametrize(
    ("published", "code", "name"),
    [
        (dt.date(1991, 3, 1), "USAGOV", "George H. W. Bush"),
        (dt.date(2005, 3, 1), "USAGOV", "George W. Bush"),
    ],
)
def test_the_leaders_that_ship_are_known_by_the_date(coder, published, code, name):
    text = "President Bush met with the Mexican president in Washington."
    (coded,) = code_batch([Article("bush", text, published=published)], coder)
    source = source_of(coded)
    assert source is not None and (source.code, source.name) == (code, name)


# -- the store -------------------------------------------------------------------------


def sighting_article(article_id: str, day: dt.date, *sightings: Sighting) -> CodedArticle:
    """An article of one sentence that introduced ``sightings``, built by hand."""
    article = Article(article_id, INTRODUCED, published=day, origin=f"test:{article_id}")
    clean = CleanArticle(article, (Passage(INTRODUCED, 0),))
    sentence = Sentence(0, INTRODUCED, (0, len(INTRODUCED)))
    return CodedArticle(clean, (sentence,), (), (), sightings=sightings)


def test_sightings_roll_back_with_their_article(tmp_path, monkeypatch):
    calls = []

    def failing_row(entry: PersonEntry) -> list[object]:
        calls.append(entry.name)
        if len(calls) == 2:
            raise ValueError("bad person")
        return real_row(entry)

    real_row = store_module._person_row
    boluarte = Actor("PERGOV", "PER", "GOV", "person", "Dina Boluarte", "President")
    article = sighting_article(
        "two-people",
        dt.date(2024, 6, 28),
        Sighting(LI_QIANG, LI_ALIASES, INTRODUCED),
        Sighting(boluarte, ("Dina Boluarte", "Boluarte"), INTRODUCED),
    )
    with EventStore(tmp_path / "events.duckdb") as store:
        monkeypatch.setattr(store_module, "_person_row", failing_row)
        with pytest.raises(ValueError):
            store.add(article)
        monkeypatch.undo()
        assert not store.has_article("two-people")
        assert store.people() == []
        assert store.add(article)
        assert [p.name for p in store.people()] == ["Dina Boluarte", "Li Qiang"]


def test_a_store_from_before_the_registry_reads_as_empty(tmp_path):
    import duckdb

    db = tmp_path / "old.duckdb"
    duckdb.connect(str(db)).close()
    with EventStore(db, read_only=True) as store:
        assert store.people() == []


def test_a_user_entry_keeps_what_was_seen_of_it(tmp_path):
    with EventStore(tmp_path / "events.duckdb") as store:
        store.add(
            sighting_article(
                "june", dt.date(2024, 6, 28), Sighting(LI_QIANG, LI_ALIASES, INTRODUCED)
            )
        )
        given = user_entry(
            {
                "name": "Li Qiang",
                "code": "CHNGOV",
                "role": "Premier",
                "from": "2023-03-11",
                "aliases": ["Premier Li"],
            },
            countries(),
            sectors(),
        )
        store.add_people([given])
        (person,) = store.people("Li Qiang")
    assert person.source == USER
    assert (person.valid_from, person.first_seen, person.sightings) == (
        dt.date(2023, 3, 11),
        dt.date(2024, 6, 28),
        1,
    )
    assert person.evidence == INTRODUCED
    assert person.aliases == (*LI_ALIASES, "Premier Li")


# -- user entries and dictionaries -----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"code": "CHNGOV"}, "missing 'name'"),
        ({"name": "Li Qiang"}, "missing 'code'"),
        ({"name": "Li Qiang", "code": "chngov"}, "code 'chngov' is not an actor code"),
        ({"name": "Li Qiang", "code": "XYZGOV"}, "code XYZGOV does not start with a known country"),
        ({"name": "Li Qiang", "code": "CHNXYZ"}, "code CHNXYZ has unknown sector 'XYZ'"),
        ({"name": "Li Qiang", "code": "CHNGOV", "country": "XYZ"}, "unknown country code 'XYZ'"),
        (
            {"name": "Li Qiang", "code": "CHNGOV", "country": "PER"},
            "does not start with its country PER",
        ),
        ({"name": "Li Qiang", "code": "CHNGOV", "from": "2024-13-45"}, "'from' is not a date"),
        ({"name": "Li Qiang", "code": "CHNGOV", "to": "03/11/2023"}, "'to' is not a date"),
        (
            {"name": "Li Qiang", "code": "CHNGOV", "from": "2024-01-02", "to": "2024-01-01"},
            "is after",
        ),
        ({"name": "Li Qiang", "code": "CHNGOV", "rank": "1"}, "unknown key 'rank'"),
    ],
)
def test_a_bad_user_entry_names_its_problem(fields, problem):
    with pytest.raises(PersonEntryError, match=problem.replace("(", r"\(")):
        user_entry(fields, countries(), sectors())


def test_a_user_entry_takes_country_sector_and_short_forms_from_what_it_is_given():
    entry = user_entry(
        {"name": "Luiz Inacio Lula da Silva", "code": "BRAGOV", "aliases": "Lula; Lula da Silva"},
        countries(),
        sectors(),
    )
    assert (entry.country, entry.sector, entry.role, entry.source) == ("BRA", "GOV", None, USER)
    # Only the short forms given: a user's words are not split into more.
    assert entry.aliases == ("Luiz Inacio Lula da Silva", "Lula", "Lula da Silva")
    guterres = user_entry({"name": "Antonio Guterres", "code": "IGOUNO"}, countries(), sectors())
    assert (guterres.country, guterres.sector) == (None, "IGO")


YAML_DICTIONARY = """\
people:
  - name: Li Qiang
    code: CHNGOV
    role: Premier
    from: 2023-03-11
  - name: Nobody Known
    code: CHNGOV
    rank: 3
  - name: Dina Boluarte
    code: PERGOV
    role: President
    aliases: [Boluarte]
  - name: Wrong Date
    code: PERGOV
    to: 2024-02-30
  - code: USAGOV
"""

CSV_DICTIONARY = """\
name,code,role,country,aliases,from,to
Olaf Scholz,DEUGOV,Chancellor,,Scholz,2021-12-08,2025-05-06
Someone,DEUGOV,,FRA,,,
Antonio Guterres,IGOUNO,Secretary-General,,Guterres,2017-01-01,

,FRAGOV,President,,,,
Too,Many,cells,,,,,,
"""


def test_a_yaml_dictionary_names_each_bad_record_and_keeps_the_good(tmp_path):
    path = tmp_path / "people.yml"
    path.write_text(YAML_DICTIONARY)
    dictionary = read_user_dictionary(path, countries(), sectors())
    assert [p.name for p in dictionary.people] == ["Li Qiang", "Dina Boluarte"]
    assert [r.message() for r in dictionary.rejected] == [
        f"{path}:8: unknown key 'rank' (expected name, code, role, country, sector, aliases, "
        "from, to)",
        f"{path}:15: 'to' is not a date (YYYY-MM-DD): '2024-02-30'",
        f"{path}:16: missing 'name'",
    ]


def test_a_csv_dictionary_names_each_bad_record_and_keeps_the_good(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV_DICTIONARY)
    dictionary = read_user_dictionary(path, countries(), sectors())
    assert [p.name for p in dictionary.people] == ["Olaf Scholz", "Antonio Guterres"]
    scholz = dictionary.people[0]
    assert (scholz.valid_from, scholz.valid_to) == (dt.date(2021, 12, 8), dt.date(2025, 5, 6))
    assert [r.message() for r in dictionary.rejected] == [
        f"{path}:3: code DEUGOV does not start with its country FRA",
        f"{path}:6: missing 'name'",
        f"{path}:7: 9 cells where the header has 7",
    ]


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("people.csv", "name,code,cuntry\nX,CHNGOV,CHN\n", ":1: unknown column 'cuntry'"),
        ("people.csv", "name,role\nX,Premier\n", ":1: no 'code' column"),
        ("people.csv", "", ": is empty"),
        ("people.yml", "people:\n  - name: [x\n", ": is not valid YAML"),
        ("people.yml", "persons: []\n", ":1: unknown key 'persons'"),
        ("people.yml", "people: Li Qiang\n", "'people' should be a list"),
        ("people.txt", "Li Qiang\n", ": unsupported file type '.txt'"),
    ],
)
def test_a_dictionary_that_cannot_be_read_is_an_error(tmp_path, name, text, problem):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DataFileError) as raised:
        read_user_dictionary(path, countries(), sectors())
    assert str(raised.value).startswith(str(path))
    assert problem in str(raised.value)


# -- communique actors -----------------------------------------------------------------


def actors(*args: str):
    return CliRunner().invoke(app, ["actors", *args])


def says(stderr: str, message: str) -> bool:
    return any(message in line for line in stderr.splitlines())


def test_add_then_list_and_show(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    db = str(tmp_path / "events.duckdb")
    added = actors(
        "add", "Li Keqiang", "--code", "CHNGOV", "--role", "Premier",
        "--from", "2013-03-16", "--to", "2023-03-11", "--alias", "Premier Li", "--db", db,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert says(added.stderr, f"added Li Keqiang (CHNGOV, Premier) to {db}")
    assert (
        actors(
            "add", "Li Keqiang", "--code", "CHNGOV", "--role", "Vice Premier", "--db", db
        ).exit_code
        == 0
    )

    listed = actors("list", "--db", db)
    assert listed.exit_code == 0, listed.output
    assert "2 people" in listed.stdout
    assert "Vice Premier" in listed.stdout and "CHNGOV" in listed.stdout

    as_json = json.loads(actors("list", "--db", db, "--json").stdout)
    assert [(p["name"], p["role"], p["valid_from"]) for p in as_json] == [
        ("Li Keqiang", "Premier", "2013-03-16"),
        ("Li Keqiang", "Vice Premier", None),
    ]

    shown = actors("show", "li keqiang", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert "valid 2013-03-16 to 2023-03-11" in shown.stdout
    assert "aliases Li Keqiang, Premier Li" in shown.stdout
    assert actors("show", "Premier Li", "--db", db).stdout == shown.stdout  # by alias


def test_show_gives_the_evidence_sentence(tmp_path):
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        store.add(
            sighting_article(
                "june", dt.date(2024, 6, 28), Sighting(LI_QIANG, LI_ALIASES, INTRODUCED)
            )
        )
    shown = actors("show", "Li Qiang", "--db", str(db))
    assert shown.exit_code == 0, shown.output
    assert f"evidence (june): {INTRODUCED}" in shown.stdout
    assert "seen 2024-06-28 to 2024-06-28, sightings 1" in shown.stdout


def test_show_of_nobody_and_list_of_no_store(tmp_path):
    db = tmp_path / "events.duckdb"
    EventStore(db).close()
    nobody = actors("show", "Zhou Enlai", "--db", str(db))
    assert nobody.exit_code == EXIT_NOT_FOUND
    assert says(nobody.stderr, f"error: no person named 'Zhou Enlai' in {db}")
    missing = actors("list", "--db", str(tmp_path / "missing.duckdb"))
    assert missing.exit_code == EXIT_ERROR
    assert says(missing.stderr, "no such store")


def test_add_rejects_a_bad_person(tmp_path):
    db = tmp_path / "events.duckdb"
    result = actors("add", "Li Qiang", "--code", "CHNGOV", "--country", "PER", "--db", str(db))
    assert result.exit_code == EXIT_ERROR
    assert says(result.stderr, "error: code CHNGOV does not start with its country PER")
    assert not db.exists()
    bad_date = actors(
        "add", "Li Qiang", "--code", "CHNGOV", "--from", "2024-13-01", "--db", str(db)
    )
    assert bad_date.exit_code == 2
    assert "--from" in bad_date.stderr


def test_import_reports_bad_lines_and_keeps_what_was_stored(tmp_path):
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        store.add(
            sighting_article(
                "june", dt.date(2024, 6, 28), Sighting(LI_QIANG, LI_ALIASES, INTRODUCED)
            )
        )
    path = tmp_path / "people.csv"
    path.write_text(CSV_DICTIONARY)
    result = actors("import", str(path), "--db", str(db))
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert says(result.stderr, f"skipped {path}:3: code DEUGOV does not start with its country FRA")
    assert says(result.stderr, f"skipped {path}:6: missing 'name'")
    assert says(result.stderr, f"2 people imported into {db}, 3 skipped")
    with EventStore(db, read_only=True) as store:
        assert store.has_article("june")
        assert [p.name for p in store.people()] == ["Antonio Guterres", "Li Qiang", "Olaf Scholz"]
        (li,) = store.people("Li Qiang")
        assert li.evidence == INTRODUCED


def test_import_of_a_clean_file_exits_zero(tmp_path):
    path = tmp_path / "people.yaml"
    path.write_text("people:\n  - {name: Li Qiang, code: CHNGOV, role: Premier}\n")
    result = actors("import", str(path), "--db", str(tmp_path / "events.duckdb"))
    assert result.exit_code == 0, result.output
    assert "skipped " not in result.stderr


def test_import_of_an_unreadable_file_stores_nothing(tmp_path):
    db = tmp_path / "events.duckdb"
    path = tmp_path / "people.csv"
    path.write_text("name,code,cuntry\nLi Qiang,CHNGOV,CHN\n")
    result = actors("import", str(path), "--db", str(db))
    assert result.exit_code == EXIT_ERROR
    assert says(result.stderr, f"error: {path}:1: unknown column 'cuntry'")
    assert not db.exists()


def test_a_surname_the_article_gave_to_someone_else_is_not_the_registrys(coder):
    # The shipped leaders know John Howard (Australia, 1996-2007); this article is about
    # another Howard, named in full without a title.
    text = "Michael Howard spoke to voters in Leeds. Howard condemned France over the deal."
    (coded,) = code_batch([Article("howard", text, published=dt.date(2005, 3, 1))], coder)
    assert isinstance(coded, CodedArticle)
    assert all(m.actor.country != "AUS" for m in coded.mentions)
    assert all(e.source is None or e.source.actor.country != "AUS" for e in coded.events)


def test_learned_short_forms_leave_out_first_names(coder):
    text = "British Foreign Secretary David Miliband met with French President Sarkozy."
    article = Article("miliband", text, published=dt.date(2008, 3, 1))
    (coded,) = code_batch([article], coder, PersonRegistry())
    sightings = {s.actor.name: s.aliases for s in coded.sightings}
    assert sightings["David Miliband"] == ("David Miliband", "Miliband")


def test_a_person_known_only_from_the_registry_does_not_set_the_articles_country(coder):
    registry = PersonRegistry(
        [learned("Malcolm Fraser", "Prime Minister", dt.date(1980, 1, 1), dt.date(1983, 1, 1),
                 "AUSGOV")]
    )  # fmt: skip
    text = "Fraser welcomed the plan. Health Minister Tom Brankin criticised the plan."
    (coded,) = code_batch([Article("fraser", text, published=dt.date(1982, 1, 1))], coder, registry)
    assert isinstance(coded, CodedArticle)
    brankin = [m.actor for m in coded.mentions if m.actor.name == "Tom Brankin"]
    assert brankin and all(actor.country is None for actor in brankin)
