"""Places: the offline gazetteer (cities, regions, country centroids) and the place of an event."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.actors.gazetteer import default_gazetteer
from communique.errors import DataFileError
from communique.where import default_places, event_place, load_places

DATA = Path(__file__).resolve().parents[1] / "src" / "communique" / "data"


@pytest.fixture(scope="module")
def places():
    return default_places()


@pytest.mark.parametrize(
    ("name", "countries", "country", "region"),
    [
        ("Lima", ["PER"], "PER", "Lima"),
        ("Lima", ["USA"], "USA", "Ohio"),
        ("Lima", [], "PER", "Lima"),  # the largest, without a hint
        ("Beijing", ["PER", "CHN"], "CHN", "Beijing"),
        ("BEIJING", [], "CHN", "Beijing"),  # a dateline's capitals
        ("Kiev", [], "UKR", None),  # an English alternate name
    ],
)
def test_an_ambiguous_city_is_the_one_in_the_articles_countries(
    places, name, countries, country, region
):
    place = places.find(name, countries)
    assert place is not None
    assert (place.country, place.precision) == (country, "city")
    assert place.gazetteer_id is not None and place.gazetteer_id.startswith("geonames:")
    if region is not None:
        assert place.region == region


def test_a_country_name_is_the_country_at_its_centroid(places):
    place = places.find("Britain")
    assert place is not None
    assert (place.name, place.country, place.precision) == ("Britain", "GBR", "country")
    assert place.gazetteer_id == "geonames:2635167"
    # The centroid lies in Great Britain, not at London.
    assert place.lat is not None and place.lon is not None
    assert 52 < place.lat < 56 and -4 < place.lon < 0


def test_a_name_of_a_country_and_a_region_follows_the_article(places):
    georgia = places.find("Georgia")
    assert georgia is not None and (georgia.country, georgia.precision) == ("GEO", "country")
    state = places.find("Georgia", ["USA"])
    assert state is not None and (state.country, state.precision) == ("USA", "region")
    assert state.lat is not None and 30 < state.lat < 35


def test_unknown_names_are_not_places(places):
    assert places.find("Narnia") is None
    assert places.find("Great Hall") is None


def article_place(coder, places, text, countries=(), dateline=None, offset=0):
    doc = coder.nlp(text)
    return event_place(doc[:].root, dateline, countries, places, offset)


@pytest.mark.parametrize(
    ("text", "countries", "name", "country", "precision"),
    [
        (
            "Chinese Premier Li Qiang met with Boluarte in Beijing on Friday.",
            [],
            "Beijing",
            "CHN",
            "city",
        ),
        ("Thousands of people marched in Lima.", ["PER"], "Lima", "PER", "city"),
        ("Thousands of people marched in Lima.", ["USA"], "Lima", "USA", "city"),
        ("Thousands of people marched in Lima, Ohio.", ["PER"], "Lima", "USA", "city"),
        (
            "Swiss doctors handed over medicine to the Red Crescent in Bam, Iran.",
            [],
            "Bam",
            "IRN",
            "city",
        ),
        (
            "Some 800,000 Iraqi Kurds sought refuge in Germany last month.",
            [],
            "Germany",
            "DEU",
            "country",
        ),
        ("Supporters blocked roads in the capital city of Algiers.", [], "Algiers", "DZA", "city"),
        ("U.S. and Russian negotiators return to Geneva this week.", [], "Geneva", "CHE", "city"),
        (
            "U.N. helicopters evacuated the wounded from the besieged town of Gorazde.",
            [],
            "Goražde",
            "BIH",
            "city",
        ),
        ("Hundreds of people blocked streets in Hong Kong.", [], "Hong Kong", "HKG", "country"),
        (
            "Sudan bombed the refugee camp in Yida, South Sudan, on Thursday.",
            [],
            "South Sudan",
            "SSD",
            "country",
        ),
        (
            "Police arrested a man outside the Sam's Club in Bloomington.",
            ["USA"],
            "Bloomington",
            "USA",
            "city",
        ),
    ],
)
def test_the_place_in_the_events_clause(coder, places, text, countries, name, country, precision):
    place = article_place(coder, places, text, countries, dateline="Beijing")
    assert place is not None
    assert (place.name, place.country, place.precision) == (name, country, precision)
    assert place.origin == "sentence"


def test_the_place_keeps_the_words_it_was_read_from(coder, places):
    text = "Protesters marched in Lima, Ohio."
    place = article_place(coder, places, text, offset=1000)
    assert place is not None and place.span is not None
    assert text[place.span[0] - 1000 : place.span[1] - 1000] == "Lima"


def test_a_country_after_to_is_a_target_not_a_place(coder, places):
    text = "China sent a letter to Peru."
    place = article_place(coder, places, text, ["CHN", "PER"], dateline="BEIJING")
    assert place is not None and (place.name, place.origin) == ("Beijing", "dateline")


def test_cooperation_with_a_country_is_no_place(coder, places):
    text = "Peru is willing to expand cooperation in areas such as trade with China."
    place = article_place(coder, places, text, dateline=None)
    assert place is None


def test_without_a_place_in_the_clause_the_dateline_is_used(coder, places):
    place = article_place(coder, places, "Li said China is willing.", [], dateline="BEIJING")
    assert place is not None
    assert (place.name, place.origin, place.precision) == ("Beijing", "dateline", "city")
    assert article_place(coder, places, "Li said China is willing.") is None


@pytest.mark.parametrize(
    ("file", "line", "message"),
    [
        ("admin1", "PE\t15\tLima\tnorth\t-77.0\t3\n", "'north' is not a coordinate"),
        ("admin1", "PE\t15\tLima\t-12.0\t-277.0\t3\n", "out of range"),
        ("admin1", "PE\t15\tLima\t-12.0\n", "expected 6 columns"),
        ("centroids", "Peru\t-9.2\t-74.4\n", "is not an ISO 3166 alpha-3 code"),
    ],
)
def test_a_bad_line_in_the_place_data_is_named(tmp_path, file, line, message):
    admin1 = tmp_path / "admin1.tsv"
    centroids = tmp_path / "country-centroids.tsv"
    admin1.write_text("# comment\ncountry\tadmin1\tname\tlat\tlon\tcities\n", encoding="utf-8")
    centroids.write_text("iso3\tlat\tlon\n", encoding="utf-8")
    bad = admin1 if file == "admin1" else centroids
    with bad.open("a", encoding="utf-8") as handle:
        handle.write(line)
    with pytest.raises(DataFileError) as error:
        load_places(admin1, centroids, default_gazetteer())
    expected_line = 3 if file == "admin1" else 2
    assert str(error.value).startswith(f"{bad}:{expected_line}: ")
    assert message in str(error.value)


def test_the_shipped_place_data_covers_every_country_of_the_actor_gazetteer(places):
    missing = set(default_gazetteer().countries) - set(places.countries)
    # Territories without an outline of their own (a few islands) may lack a centroid.
    assert len(missing) <= 15, sorted(missing)
