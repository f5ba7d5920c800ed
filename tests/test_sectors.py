"""The sector vocabulary: titles, role nouns and bodies → CAMEO sectors, and its validation."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from communique.actors.sectors import SectorVocabulary, default_sectors, load_sectors
from communique.errors import DataFileError
from communique.pipeline import code_batch
from communique.records import Article

# The sectors of the CAMEO actor codebook that role nouns name.
CAMEO_SECTORS = (
    "GOV MIL COP JUD LEG OPP REB INS SPY BUS MED EDU HLH CVL REF LAB REL NGO ELI CRM AGR IGO UAF"
)


@pytest.fixture(scope="module")
def sectors() -> SectorVocabulary:
    return default_sectors()


# --- The packaged data -------------------------------------------------------------------


def test_version_and_sector_list(sectors: SectorVocabulary) -> None:
    assert sectors.version == "sectors-4"
    assert set(CAMEO_SECTORS.split()) <= set(sectors.sectors)


@pytest.mark.parametrize(
    ("noun", "sector"),
    [
        # Government bodies, and a country's compound bodies.
        ("government", "GOV"),
        ("foreign ministry", "GOV"),
        ("interior ministry", "GOV"),
        ("cabinet", "GOV"),
        ("embassy", "GOV"),
        ("counterparts", "GOV"),  # "their Chinese counterparts"
        # Legislatures.
        ("parliament", "LEG"),
        ("senate", "LEG"),
        ("congress", "LEG"),
        ("national assembly", "LEG"),
        ("lower house", "LEG"),
        ("lawmakers", "LEG"),
        ("MPs", "LEG"),
        # Courts.
        ("supreme court", "JUD"),
        ("judges", "JUD"),
        ("prosecutors", "JUD"),
        ("tribunal", "JUD"),
        # Force.
        ("police", "COP"),
        ("riot police", "COP"),
        ("gendarmes", "COP"),
        ("army", "MIL"),
        ("navy", "MIL"),
        ("air force", "MIL"),
        ("troops", "MIL"),
        ("soldiers", "MIL"),
        ("warplanes", "MIL"),
        ("intelligence agency", "SPY"),
        ("intelligence services", "SPY"),
        ("gunmen", "UAF"),
        # Non-state politics and violence.
        ("opposition party", "OPP"),
        ("opposition leaders", "OPP"),  # not "leaders", GOV
        ("dissidents", "OPP"),
        ("rebels", "REB"),
        ("militants", "INS"),
        ("insurgents", "INS"),
        ("jihadists", "INS"),
        ("cartel", "CRM"),
        # Society.
        ("protesters", "CVL"),
        ("demonstrators", "CVL"),
        ("civilians", "CVL"),
        ("Kurds", "CVL"),  # a people with no state of its own
        ("refugees", "REF"),
        ("migrants", "REF"),
        ("displaced people", "REF"),  # not "people", CVL
        ("unions", "LAB"),
        ("workers", "LAB"),
        ("aid workers", "NGO"),  # not "workers", LAB
        ("health workers", "HLH"),
        ("farm workers", "AGR"),
        ("clergy", "REL"),
        ("church", "REL"),
        ("imam", "REL"),
        ("clerics", "REL"),
        ("journalists", "MED"),
        ("newspaper", "MED"),
        ("media", "MED"),
        ("television", "MED"),
        ("students", "EDU"),
        ("university", "EDU"),
        ("doctors", "HLH"),
        ("hospital", "HLH"),
        ("companies", "BUS"),
        ("business", "BUS"),
        ("firms", "BUS"),
        ("businessman", "BUS"),
        ("farmers", "AGR"),
        ("peasants", "AGR"),
        ("charities", "NGO"),
    ],
)
def test_role_nouns_and_bodies(sectors: SectorVocabulary, noun: str, sector: str) -> None:
    assert sectors.noun_sector(noun) == sector


@pytest.mark.parametrize(
    ("title", "sector"),
    [
        ("prime minister", "GOV"),
        ("minister of foreign affairs", "GOV"),
        ("supreme leader", "GOV"),
        ("general", "MIL"),
        ("field marshal", "MIL"),
        ("police chief", "COP"),
        ("senator", "LEG"),
        ("majority leader", "LEG"),
        ("chief justice", "JUD"),
        ("grand mufti", "REL"),
        ("correspondent", "MED"),
    ],
)
def test_titles(sectors: SectorVocabulary, title: str, sector: str) -> None:
    assert sectors.titles[title] == sector
    assert sectors.noun_sector(title) == sector  # "the police chief said"


def test_lookup_ignores_case(sectors: SectorVocabulary) -> None:
    assert sectors.noun_sector("Foreign Ministry") == "GOV"
    assert sectors.noun_sector("RIOT POLICE") == "COP"
    assert sectors.max_title_words == 4  # "minister of foreign affairs"


@pytest.mark.parametrize("noun", ["house", "assembly", "force", "intelligence"])
def test_words_left_out_on_purpose(sectors: SectorVocabulary, noun: str) -> None:
    # "freedom of assembly"; "UN peacekeepers" would lose the UN (see sectors.yml).
    assert sectors.noun_sector(noun) is None


# --- Through the pipeline ----------------------------------------------------------------


def codes(coder, text: str) -> set[tuple[str, str]]:
    """The (text, code) of every actor mention the coder finds in one sentence."""
    article = Article(id="t", text=text, published=dt.date(2024, 3, 9), origin="test")
    (result,) = code_batch([article], coder)
    return {(m.text, m.actor.code) for m in result.mentions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Ivorian national assembly condemned the French foreign ministry.",
            {
                ("The Ivorian national assembly", "CIVLEG"),
                ("the French foreign ministry", "FRAGOV"),
            },
        ),
        (
            "Kenyan riot police attacked protesters in Nairobi.",
            {("Kenyan riot police", "KENCOP"), ("protesters", "---CVL")},
        ),
        (
            "Aid workers accused Sudanese soldiers of looting.",
            {("Aid workers", "---NGO"), ("Sudanese soldiers", "SDNMIL")},
        ),
        (
            "Seven opposition parties in Nepal organized a general strike.",
            {("Seven opposition parties", "NPLOPP")},
        ),
    ],
)
def test_compound_bodies_resolve_with_their_country(
    coder, text: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= codes(coder, text)


# --- Validation --------------------------------------------------------------------------

SECTORS = """\
version: 1
sectors:
  GOV: government
  MIL: military
titles:
  president: GOV
nouns:
  troops: MIL
  army: MIL
"""


def load(tmp_path: Path, text: str) -> SectorVocabulary:
    path = tmp_path / "sectors.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_sectors(path)


def load_error(tmp_path: Path, text: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load(tmp_path, text)
    return caught.value


def test_small_file_loads(tmp_path: Path) -> None:
    vocabulary = load(tmp_path, SECTORS)
    assert vocabulary.version == "sectors-1"
    assert vocabulary.noun_sector("Troops") == "MIL"
    assert vocabulary.noun_sector("President") == "GOV"


def test_word_listed_twice(tmp_path: Path) -> None:
    error = load_error(tmp_path, SECTORS + "  troops: GOV\n")
    assert error.line == 10
    assert "'troops' is listed twice" in error.problem


def test_words_that_differ_only_in_case(tmp_path: Path) -> None:
    error = load_error(tmp_path, SECTORS + "  Troops: MIL\n")
    assert "'Troops' is listed twice" in error.problem


def test_unknown_sector(tmp_path: Path) -> None:
    error = load_error(tmp_path, SECTORS + "  rebels: REB\n")
    assert "'rebels' has unknown sector 'REB'" in error.problem


def test_bad_sector_code(tmp_path: Path) -> None:
    error = load_error(tmp_path, SECTORS.replace("  MIL: military", "  Military: military"))
    assert "'Military' is not three capital letters" in error.problem


def test_invalid_yaml(tmp_path: Path) -> None:
    error = load_error(tmp_path, SECTORS + "  [unclosed\n")
    assert error.line is not None
    assert "is not valid" in error.problem
