"""The gazetteer: what a phrase such as "Peru", "Sino", "the Kremlin" or "NATO" names.

Two data files hold the vocabulary, ``data/countries.yml`` and ``data/organisations.yml``;
the format of each is documented at the top of the file. Both are validated when loaded,
and every problem is reported with the file and line. Lookup is by whole phrase:

- case-sensitive ("US" is the country, "us" is not), except that a phrase in capitals with
  at least four letters also matches regardless of case, for upper-case wire corpora
  ("PERU", "SALVADORAN");
- a leading "the" is optional on both sides ("the Kremlin" and "Kremlin");
- runs of whitespace count as one space, typographic apostrophes as "'" and dashes as "-".

A country's combining forms ("Franco" in "Franco-German") are indexed with their hyphen,
"Franco-": spaCy splits "Franco-German" into "Franco", "-", "German", so the form is found
only where it combines, never as the surname "Franco". They read as adjectives.

A metonym stands for a state body and carries its sector: the seats of government ("the
Kremlin", "Beijing") are GOV; a country's named bodies ("the Pentagon", "the Knesset") have
their own (MIL, LEG).

When one entry gives a phrase several readings, a name beats a metonym, which beats an
adjective ("Djibouti" is the country, not its capital). Two entries may claim the same
phrase only if a file lists it under ``ambiguous``; such a phrase then finds nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from communique.errors import DataFileError

# Hit kinds, in order of priority when one entry gives a phrase several readings.
COUNTRY = "country"
ORGANISATION = "organisation"
METONYM = "metonym"
ADJECTIVE = "adjective"
_PRIORITY = {COUNTRY: 0, ORGANISATION: 0, METONYM: 1, ADJECTIVE: 2}

# Sector given to a metonym: "the Kremlin" stands for the Russian government.
GOVERNMENT = "GOV"
# What a combining form is written before: "Sino" in "Sino-Peruvian".
COMBINING_HYPHEN = "-"

ORGANISATION_KINDS = frozenset({"igo", "ngo", "group"})

_COUNTRY_CODE = re.compile(r"[A-Z]{3}")
_ORGANISATION_CODE = re.compile(r"(?:[A-Z]{3}){2,3}")
_SECTOR_CODE = re.compile(r"[A-Z]{3}")

_COUNTRY_FILE_KEYS = frozenset({"version", "source", "ambiguous", "countries"})
_COUNTRY_KEYS = frozenset(
    {"name", "names", "adjectives", "combining", "capital", "metonyms", "bodies"}
)
_ORGANISATION_FILE_KEYS = frozenset({"version", "source", "ambiguous", "organisations"})
_ORGANISATION_KEYS = frozenset({"name", "names", "kind", "country", "sector"})

_TYPOGRAPHY = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        # Hyphens and dashes: "Sino\u2013US" is often set with an en dash.
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
    }
)
_WHITESPACE = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^(?:the|The|THE) (?=\S)")
_WORD = re.compile(r"\w+")
# A phrase in capitals with fewer letters than this is taken as an acronym and matched only
# as written; longer ones ("PERU") are upper-case text and matched regardless of case.
_MIN_SHOUTED_LETTERS = 4

_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_INT_TAG = "tag:yaml.org,2002:int"


@dataclass(frozen=True, slots=True)
class Body:
    """A state body known by its own name or its building: "the Pentagon", "the Knesset"."""

    name: str
    sector: str  # CAMEO sector: "MIL", "LEG"...


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory, under its ISO 3166-1 alpha-3 code."""

    iso3: str
    name: str  # the short name news uses: "China", "South Korea"
    names: tuple[str, ...]  # every other name: "People's Republic of China", "PRC"
    adjectives: tuple[str, ...]  # demonyms: "Chinese", "Sino"
    combining: tuple[str, ...]  # forms written before a hyphen: "Sino", "Franco"
    capital: str | None
    metonyms: tuple[str, ...]  # names standing for the government: "Beijing", "Zhongnanhai"
    bodies: tuple[Body, ...]  # other state bodies, each with its sector


@dataclass(frozen=True, slots=True)
class Organisation:
    """An international, non-governmental or armed organisation, under its CAMEO code."""

    code: str  # "IGOUNO", "PSEREBHMS"
    name: str
    names: tuple[str, ...]
    kind: str  # "igo", "ngo" or "group"
    country: str | None  # ISO3 of a group's home country
    sector: str | None  # CAMEO sector: "IGO", "NGO", "REB", "IMG"...


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """What a phrase names."""

    kind: str  # "country", "adjective", "metonym" or "organisation"
    code: str  # ISO3 for countries, the organisation code otherwise
    country: str | None
    # None for names and adjectives; for metonyms the body's ("GOV" for "the Kremlin", "MIL"
    # for "the Pentagon"); for organisations their own.
    sector: str | None
    name: str  # the canonical name: "China", "United Nations"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Countries and organisations, indexed by every phrase that names them."""

    version: str  # "countries-1+organisations-1"
    countries: Mapping[str, Country]
    organisations: Mapping[str, Organisation]
    max_words: int  # the most words in any phrase, counting an optional leading "the"
    _exact: Mapping[str, GazetteerHit | None] = field(repr=False)
    _folded: Mapping[str, GazetteerHit | None] = field(repr=False)
    _openers: frozenset[str] = field(repr=False, default=frozenset())

    @classmethod
    def load(cls, countries: Path | None = None, organisations: Path | None = None) -> Gazetteer:
        """Read and validate the data files; by default those shipped with communique."""
        data = resources.files("communique") / "data"
        country_file = _read_countries(countries or data / "countries.yml")
        organisation_file = _read_organisations(
            organisations or data / "organisations.yml", country_file.entries
        )
        exact = _index(country_file, organisation_file)
        return cls(
            version=f"countries-{country_file.version}+organisations-{organisation_file.version}",
            countries=MappingProxyType(country_file.entries),
            organisations=MappingProxyType(organisation_file.entries),
            max_words=1 + max((len(_WORD.findall(key)) for key in exact), default=0),
            _exact=MappingProxyType(exact),
            _folded=MappingProxyType(_fold(exact)),
            _openers=frozenset({"the"} | {_opener(key) for key in exact}),
        )

    def may_start(self, word: str) -> bool:
        """Whether some phrase begins with this word: a cheap test before trying n-grams."""
        return _opener(word) in self._openers

    def lookup(self, phrase: str) -> GazetteerHit | None:
        """What the whole phrase names, or None if nothing (or several things) by that name."""
        key = normalise(phrase)
        if key in self._exact:
            return self._exact[key]
        if _is_shouted(key):
            return self._folded.get(key.casefold())
        return None

    def country(self, iso3: str) -> Country:
        """The country with this code; KeyError if there is none."""
        return self.countries[iso3]


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the packaged data files, loaded once per process."""
    return Gazetteer.load()


def normalise(phrase: str) -> str:
    """The indexed form of a phrase: single spaces, plain apostrophes and hyphens, no "the"."""
    text = _WHITESPACE.sub(" ", phrase.translate(_TYPOGRAPHY)).strip()
    return _LEADING_THE.sub("", text)


def _opener(text: str) -> str:
    """The first run of word characters, case-folded: "People's Republic" → "people"."""
    match = _WORD.search(normalise(text))
    return match.group(0).casefold() if match else text.casefold()


def _is_shouted(key: str) -> bool:
    letters = [c for c in key if c.isalpha()]
    return len(letters) >= _MIN_SHOUTED_LETTERS and not any(c.islower() for c in letters)


# --- Reading the files -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A phrase as written in a data file, with where it was written."""

    text: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class _Claim:
    """One reading of a phrase, as one data file entry gives it."""

    phrase: _Phrase
    hit: GazetteerHit


@dataclass(frozen=True, slots=True)
class _CountryFile:
    version: int
    entries: dict[str, Country]
    claims: list[_Claim]
    ambiguous: list[_Phrase]


@dataclass(frozen=True, slots=True)
class _OrganisationFile:
    version: int
    entries: dict[str, Organisation]
    claims: list[_Claim]
    ambiguous: list[_Phrase]


def _read_countries(source: Path | Traversable) -> _CountryFile:
    doc = _Document.open(source)
    top = doc.mapping(doc.root, "the file", _COUNTRY_FILE_KEYS, required=("version", "countries"))
    entries: dict[str, Country] = {}
    claims: list[_Claim] = []
    for code_node, node in doc.pairs(top["countries"], "countries"):
        iso3 = code_node.value
        if not _COUNTRY_CODE.fullmatch(iso3):
            raise doc.error(code_node, f"country code {iso3!r} is not three upper-case letters")
        fields = doc.mapping(node, iso3, _COUNTRY_KEYS, required=("name",), at=code_node)
        name = doc.phrase(fields["name"], f"{iso3} name")
        names = doc.phrases(fields.get("names"), f"{iso3} names")
        adjectives = doc.phrases(fields.get("adjectives"), f"{iso3} adjectives")
        combining = doc.phrases(fields.get("combining"), f"{iso3} combining")
        capital = doc.optional_text(fields.get("capital"), f"{iso3} capital")
        metonyms = doc.phrases(fields.get("metonyms"), f"{iso3} metonyms")
        bodies = doc.sectors(fields.get("bodies"), f"{iso3} bodies")
        country = Country(
            iso3=iso3,
            name=name.text,
            names=tuple(p.text for p in names),
            adjectives=tuple(p.text for p in adjectives),
            combining=tuple(p.text for p in combining),
            capital=capital,
            metonyms=tuple(p.text for p in metonyms),
            bodies=tuple(Body(p.text, sector) for p, sector in bodies),
        )
        entries[iso3] = country
        hyphenated = [replace(p, text=p.text + COMBINING_HYPHEN) for p in combining]
        readings = [
            (COUNTRY, None, [name, *names]),
            (METONYM, GOVERNMENT, metonyms),
            (ADJECTIVE, None, [*adjectives, *hyphenated]),
            *((METONYM, sector, [phrase]) for phrase, sector in bodies),
        ]
        for kind, sector, phrases in readings:
            hit = GazetteerHit(kind=kind, code=iso3, country=iso3, sector=sector, name=name.text)
            claims.extend(_Claim(phrase, hit) for phrase in phrases)
    return _CountryFile(
        version=doc.version(top["version"]),
        entries=entries,
        claims=claims,
        ambiguous=doc.phrases(top.get("ambiguous"), "ambiguous"),
    )


def _read_organisations(
    source: Path | Traversable, countries: Mapping[str, Country]
) -> _OrganisationFile:
    doc = _Document.open(source)
    top = doc.mapping(
        doc.root, "the file", _ORGANISATION_FILE_KEYS, required=("version", "organisations")
    )
    entries: dict[str, Organisation] = {}
    claims: list[_Claim] = []
    for code_node, node in doc.pairs(top["organisations"], "organisations"):
        code = code_node.value
        if not _ORGANISATION_CODE.fullmatch(code):
            raise doc.error(
                code_node, f"organisation code {code!r} is not 6 or 9 upper-case letters"
            )
        fields = doc.mapping(
            node, code, _ORGANISATION_KEYS, required=("name", "kind"), at=code_node
        )
        name = doc.phrase(fields["name"], f"{code} name")
        names = doc.phrases(fields.get("names"), f"{code} names")
        kind = doc.text(fields["kind"], f"{code} kind")
        if kind not in ORGANISATION_KINDS:
            expected = ", ".join(sorted(ORGANISATION_KINDS))
            raise doc.error(fields["kind"], f"{code} kind {kind!r} is not one of {expected}")
        country = doc.optional_text(fields.get("country"), f"{code} country")
        if country is not None:
            if country not in countries:
                raise doc.error(
                    fields["country"], f"{code} country {country!r} is not a known country code"
                )
            if not code.startswith(country):
                raise doc.error(code_node, f"{code} does not start with its country {country}")
        sector = doc.optional_text(fields.get("sector"), f"{code} sector")
        if sector is not None and not _SECTOR_CODE.fullmatch(sector):
            raise doc.error(
                fields["sector"], f"{code} sector {sector!r} is not three upper-case letters"
            )
        organisation = Organisation(
            code=code,
            name=name.text,
            names=tuple(p.text for p in names),
            kind=kind,
            country=country,
            sector=sector,
        )
        entries[code] = organisation
        hit = GazetteerHit(
            kind=ORGANISATION, code=code, country=country, sector=sector, name=name.text
        )
        claims.extend(_Claim(phrase, hit) for phrase in [name, *names])
    return _OrganisationFile(
        version=doc.version(top["version"]),
        entries=entries,
        claims=claims,
        ambiguous=doc.phrases(top.get("ambiguous"), "ambiguous"),
    )


class _Document:
    """One YAML data file as a node tree, so that every problem can name its line."""

    def __init__(self, path: str, root: Node) -> None:
        self.path = path
        self.root = root

    @classmethod
    def open(cls, source: Path | Traversable) -> _Document:
        path = str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(path, f"cannot be read: {exc}") from exc
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
            raise DataFileError(path, f"is not valid YAML: {exc.problem}", line) from exc
        except yaml.YAMLError as exc:
            raise DataFileError(path, f"is not valid YAML: {exc}") from exc
        if root is None:
            raise DataFileError(path, "is empty")
        return cls(path, root)

    def error(self, node: Node, problem: str) -> DataFileError:
        return DataFileError(self.path, problem, node.start_mark.line + 1)

    def pairs(self, node: Node, what: str) -> list[tuple[ScalarNode, Node]]:
        """The entries of a mapping, keys checked to be distinct strings."""
        if not isinstance(node, MappingNode):
            raise self.error(node, f"{what} should be a mapping, found {_describe(node)}")
        seen: dict[str, int] = {}
        pairs: list[tuple[ScalarNode, Node]] = []
        for key, value in node.value:
            if not (isinstance(key, ScalarNode) and key.tag == _STR_TAG and key.value.strip()):
                raise self.error(key, f"{what} has a key that is not text: {_describe(key)}")
            line = key.start_mark.line + 1
            if key.value in seen:
                raise self.error(
                    key, f"{what} has {key.value!r} twice (first at line {seen[key.value]})"
                )
            seen[key.value] = line
            pairs.append((key, value))
        return pairs

    def mapping(
        self,
        node: Node,
        what: str,
        allowed: frozenset[str],
        required: tuple[str, ...],
        at: Node | None = None,
    ) -> dict[str, Node]:
        """A mapping with a fixed set of keys, by key; a missing key is reported at ``at``."""
        fields: dict[str, Node] = {}
        for key, value in self.pairs(node, what):
            if key.value not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.error(key, f"{what} has unknown key {key.value!r} (expected {expected})")
            fields[key.value] = value
        for name in required:
            if name not in fields:
                raise self.error(at or node, f"{what} is missing {name!r}")
        return fields

    def text(self, node: Node, what: str) -> str:
        if not (isinstance(node, ScalarNode) and node.tag == _STR_TAG):
            raise self.error(node, f"{what} should be text, found {_describe(node)}")
        if not node.value.strip():
            raise self.error(node, f"{what} is empty")
        return str(node.value)

    def optional_text(self, node: Node | None, what: str) -> str | None:
        if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG):
            return None
        return self.text(node, what)

    def phrase(self, node: Node, what: str) -> _Phrase:
        return _Phrase(self.text(node, what), self.path, node.start_mark.line + 1)

    def phrases(self, node: Node | None, what: str) -> list[_Phrase]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            raise self.error(node, f"{what} should be a list, found {_describe(node)}")
        return [self.phrase(item, what) for item in node.value]

    def sectors(self, node: Node | None, what: str) -> list[tuple[_Phrase, str]]:
        """A mapping from phrases to CAMEO sector codes, in file order."""
        if node is None:
            return []
        found = []
        for key, value in self.pairs(node, what):
            sector = self.text(value, f"{what} {key.value!r}")
            if not _SECTOR_CODE.fullmatch(sector):
                raise self.error(
                    value, f"{what} {key.value!r} sector {sector!r} is not three upper-case letters"
                )
            found.append((_Phrase(key.value, self.path, key.start_mark.line + 1), sector))
        return found

    def version(self, node: Node) -> int:
        if not (
            isinstance(node, ScalarNode)
            and node.tag == _INT_TAG
            and node.value.isdigit()
            and int(node.value) > 0
        ):
            raise self.error(node, f"version should be a positive integer, found {_describe(node)}")
        return int(node.value)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = str(node.tag).rsplit(":", 1)[-1]
    return f"{node.value!r} ({kind})" if kind != "null" else "nothing"


# --- Building the index ------------------------------------------------------------------


def _index(
    countries: _CountryFile, organisations: _OrganisationFile
) -> dict[str, GazetteerHit | None]:
    """Every normalised phrase with its reading; None for phrases declared ambiguous."""
    ambiguous = {normalise(p.text): p for p in [*countries.ambiguous, *organisations.ambiguous]}
    first: dict[str, _Claim] = {}
    codes: dict[str, set[str]] = {}
    index: dict[str, GazetteerHit | None] = {}
    for claim in _all_claims(countries.claims, organisations.claims):
        key = normalise(claim.phrase.text)
        earlier = first.get(key)
        codes.setdefault(key, set()).add(claim.hit.code)
        if earlier is None:
            first[key] = claim
            index[key] = claim.hit
        elif earlier.hit.code != claim.hit.code:
            if key not in ambiguous:
                raise DataFileError(
                    claim.phrase.path,
                    f"{claim.phrase.text!r} is claimed by both {earlier.hit.code} "
                    f"({_where(earlier.phrase, claim.phrase)}) and {claim.hit.code}; "
                    "list it under 'ambiguous' if both are meant",
                    claim.phrase.line,
                )
            index[key] = None
        elif earlier.hit.kind == claim.hit.kind:
            raise DataFileError(
                claim.phrase.path,
                f"{claim.phrase.text!r} is listed twice for {claim.hit.code} "
                f"({_where(earlier.phrase, claim.phrase)}); a leading 'the' is optional",
                claim.phrase.line,
            )
        # Otherwise the same entry gives a second reading, of lower priority: the first stays.
    for key, phrase in ambiguous.items():
        if len(codes.get(key, ())) < 2:
            raise DataFileError(
                phrase.path,
                f"{phrase.text!r} is listed as ambiguous but fewer than two entries claim it",
                phrase.line,
            )
    return index


def _all_claims(*groups: Iterable[_Claim]) -> list[_Claim]:
    """Every claim, highest-priority readings first, in file order within a priority."""
    claims = [claim for group in groups for claim in group]
    return sorted(claims, key=lambda claim: _PRIORITY[claim.hit.kind])


def _where(earlier: _Phrase, later: _Phrase) -> str:
    if earlier.path == later.path:
        return f"line {earlier.line}"
    return f"{earlier.path}:{earlier.line}"


def _fold(exact: Mapping[str, GazetteerHit | None]) -> dict[str, GazetteerHit | None]:
    """The index under case-folded keys, for phrases in capitals.

    Keys that differ only in case ("Unicef", "UNICEF") fold together; if they name
    different entries the folded phrase finds nothing.
    """
    folded: dict[str, GazetteerHit | None] = {}
    for key, hit in exact.items():
        folded_key = key.casefold()
        if folded_key not in folded:
            folded[folded_key] = hit
            continue
        kept = folded[folded_key]
        if hit is None or kept is None or kept.code != hit.code:
            folded[folded_key] = None
        elif _PRIORITY[hit.kind] < _PRIORITY[kept.kind]:
            folded[folded_key] = hit
    return folded
