"""The actor registry: people remembered across articles, and the people a user adds.

An article that names "Chinese Premier Li Qiang" teaches the registry that Li Qiang is a
Chinese government person; a later article that only says "Li Qiang said" is then coded
CHNGOV. Each person has one ``PersonEntry`` per role (name, role, code), with the dates the
role was seen (``first_seen``, ``last_seen``), the sentence that first gave it, and, for
entries a user added, the dates it is valid (``valid_from``, ``valid_to``). Roles change, so
a name is resolved against the date of the article that names it: the entry whose dates
hold that date, else the nearest in time.

A user dictionary is a YAML or CSV file of people (its format is in ``read_user_dictionary``
and in the README). Each bad record is rejected with its file and line; the others are read.

Nothing here touches the store: ``store/duckdb.py`` keeps the entries, and the pipeline
builds a ``PersonRegistry`` from them once per run.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from communique.errors import CommuniqueError, DataFileError
from communique.records import Actor, Rejected, Sighting

LEARNED = "learned"  # an entry learned from a titled mention in an article
USER = "user"  # an entry added by hand or from a user dictionary

# The keys (YAML) or columns (CSV) of a user dictionary; name and code are required.
FIELDS = ("name", "code", "role", "country", "sector", "aliases", "from", "to")
REQUIRED = ("name", "code")
# In a CSV cell, aliases are separated by this character: "Li;Premier Li".
ALIAS_SEPARATOR = ";"

# A CAMEO-style actor code: a country (or --- when unknown, IGO for an intergovernmental
# organisation) and up to two three-letter parts after it: "CHNGOV", "---REB", "IGOUNO".
_CODE = re.compile(r"(?:[A-Z]{3}|---)(?:[A-Z]{3}){0,2}")
_IGO = "IGO"
_UNKNOWN_COUNTRY = "---"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# How far a date may be from an entry's dates and still be "nearest", for entries with none.
_UNDATED = (dt.date.max - dt.date.min).days + 1


# What makes an entry: one row per person, role, code and (for a user's) term: a second term
# in the same office is a row of its own.
PersonKey = tuple[str, str | None, str, dt.date | None]


class PersonEntryError(CommuniqueError):
    """A person given by a user (command line or dictionary record) is not valid."""

    def __init__(self, problem: str, key: str | None = None) -> None:
        super().__init__(problem)
        self.key = key  # the field at fault, if one is


class PersonDirectory(Protocol):
    """Who a personal name stands for on a date, beyond the article that names it."""

    def person(self, name: str, when: dt.date | None) -> Actor | None: ...


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """One person in one role: a row of the registry."""

    name: str
    code: str
    country: str | None
    sector: str | None
    role: str | None
    aliases: tuple[str, ...]  # the name and its short forms ("Li Qiang", "Li", "Qiang")
    first_seen: dt.date | None = None  # dates of the articles it was seen in
    last_seen: dt.date | None = None
    valid_from: dt.date | None = None  # the role's dates as a user gave them
    valid_to: dt.date | None = None
    sightings: int = 0  # titled mentions seen, at most one an article
    evidence: str | None = None  # the sentence of the earliest sighting
    article_id: str | None = None  # the article of that sentence
    source: str = LEARNED

    @property
    def key(self) -> PersonKey:
        return (self.name, self.role, self.code, self.valid_from)

    def actor(self) -> Actor:
        return Actor(self.code, self.country, self.sector, "person", name=self.name, role=self.role)

    def period(self) -> tuple[dt.date, dt.date] | None:
        """When the entry holds: a user's dates (open where not given), else the dates it
        was seen; None for a learned entry seen only in undated articles."""
        if self.source == USER:
            return (self.valid_from or dt.date.min, self.valid_to or dt.date.max)
        if self.first_seen is None or self.last_seen is None:
            return None
        return (self.first_seen, self.last_seen)


def person_key(actor: Actor) -> PersonKey:
    """The key of the entry an actor seen in an article belongs to."""
    return (actor.name or "", actor.role, actor.code, None)


def sighted(
    entry: PersonEntry | None, sighting: Sighting, when: dt.date | None, article_id: str
) -> PersonEntry:
    """The entry after one more sighting of its person in an article dated ``when``."""
    actor = sighting.actor
    if entry is None:
        return PersonEntry(
            name=actor.name or "",
            code=actor.code,
            country=actor.country,
            sector=actor.sector,
            role=actor.role,
            aliases=sighting.aliases,
            first_seen=when,
            last_seen=when,
            sightings=1,
            evidence=sighting.evidence,
            article_id=article_id,
        )
    earliest = entry.evidence is None or (
        when is not None and (entry.first_seen is None or when < entry.first_seen)
    )
    return replace(
        entry,
        aliases=_union(entry.aliases, sighting.aliases),
        first_seen=_earlier(entry.first_seen, when),
        last_seen=_later(entry.last_seen, when),
        sightings=entry.sightings + 1,
        evidence=sighting.evidence if earliest else entry.evidence,
        article_id=article_id if earliest else entry.article_id,
    )


def added(entry: PersonEntry | None, given: PersonEntry) -> PersonEntry:
    """The entry after a user gives it: their dates and country win, what was seen stays."""
    if entry is None:
        return given
    return replace(
        entry,
        country=given.country,
        sector=given.sector,
        aliases=_union(entry.aliases, given.aliases),
        valid_from=given.valid_from,
        valid_to=given.valid_to,
        source=USER,
    )


class PersonRegistry:
    """The registry in memory, for coding: who each alias names, in which roles."""

    def __init__(self, entries: Iterable[PersonEntry] = ()) -> None:
        self._entries: dict[PersonKey, PersonEntry] = {}
        self._roles: dict[str, list[PersonKey]] = {}  # name → keys
        self._names: dict[str, set[str]] = {}  # alias → names
        for entry in entries:
            self._put(entry)

    def person(self, name: str, when: dt.date | None) -> Actor | None:
        """The person ``name`` stands for on ``when``.

        When a short form names several people ("Bush"), the one in office on ``when``;
        if none or several are, and they all share one code, an actor with that code and no
        name (the country is known, the person is not); else None.
        """
        names = self._names.get(name)
        if not names:
            return None
        best = {full: self._best(full, when) for full in sorted(names)}
        if len(best) == 1:
            return next(iter(best.values())).actor()
        holding = [entry for entry in best.values() if _holds(entry, when)]
        if len(holding) == 1:
            return holding[0].actor()
        codes = {entry.code for entry in best.values()}
        if len(codes) == 1:
            entry = next(iter(best.values()))
            return Actor(entry.code, entry.country, entry.sector, "person")
        return None

    def entries(self) -> list[PersonEntry]:
        return list(self._entries.values())

    def _best(self, name: str, when: dt.date | None) -> PersonEntry:
        entries = [self._entries[key] for key in self._roles[name]]
        return min(entries, key=lambda entry: _rank(entry, when))

    def learn(self, sightings: Iterable[Sighting], when: dt.date | None, article_id: str) -> None:
        """Take in the sightings of a stored article, as the store did."""
        for sighting in sightings:
            entry = self._entries.get(person_key(sighting.actor))
            self._put(sighted(entry, sighting, when, article_id))

    def _put(self, entry: PersonEntry) -> None:
        if entry.key not in self._entries:
            self._roles.setdefault(entry.name, []).append(entry.key)
        self._entries[entry.key] = entry
        for alias in entry.aliases:
            self._names.setdefault(alias, set()).add(entry.name)


def _rank(entry: PersonEntry, when: dt.date | None) -> tuple[int, int, bool, int]:
    """Best first: the entry whose dates hold ``when`` (or are nearest it), the narrower
    of two that hold it, a user's before a learned one, then the one seen most. Without a
    date, the latest role is taken."""
    day = when or dt.date.max
    period = entry.period()
    if period is None:
        return (_UNDATED, _UNDATED, entry.source != USER, -entry.sightings)
    start, end = period
    gap = (start - day).days if day < start else (day - end).days if day > end else 0
    return (gap, (end - start).days, entry.source != USER, -entry.sightings)


def _holds(entry: PersonEntry, when: dt.date | None) -> bool:
    period = entry.period()
    return when is not None and period is not None and period[0] <= when <= period[1]


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return min(a, b) if a is not None and b is not None else a or b


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return max(a, b) if a is not None and b is not None else a or b


# -- people given by a user --------------------------------------------------------------


def name_aliases(name: str) -> tuple[str, ...]:
    """The name and its capitalised words, as a titled mention teaches them: "Li Qiang",
    "Li", "Qiang"; lower-case particles ("da", "von") are not short forms."""
    words = [w for w in name.split() if len(w) > 1 and w[:1].isupper()]
    return _union((name,), tuple(words))


def user_entry(
    fields: Mapping[str, str | list[str]],
    countries: Collection[str],
    sectors: Collection[str],
) -> PersonEntry:
    """A person as a user gives it, checked: the keys of ``FIELDS``, as text (``aliases``
    also as a list). Raises ``PersonEntryError`` naming the first problem."""
    unknown = [key for key in fields if key not in FIELDS]
    if unknown:
        raise PersonEntryError(
            f"unknown key {unknown[0]!r} (expected {', '.join(FIELDS)})", unknown[0]
        )
    text: dict[str, str] = {}
    for key, value in fields.items():
        if key == "aliases":
            continue
        if not isinstance(value, str):
            raise PersonEntryError(f"{key!r} should be text", key)
        if value.strip():
            text[key] = value.strip()
    for key in REQUIRED:
        if key not in text:
            raise PersonEntryError(f"missing {key!r}")
    name = " ".join(text["name"].split())
    code = text["code"]
    if not _CODE.fullmatch(code):
        raise PersonEntryError(
            f"code {code!r} is not an actor code (a country and a sector: CHNGOV, ---REB)",
            "code",
        )
    country, sector = _country_and_sector(code, text, countries, sectors)
    valid_from = _date(text.get("from"), "from")
    valid_to = _date(text.get("to"), "to")
    if valid_from and valid_to and valid_from > valid_to:
        raise PersonEntryError(f"'from' {valid_from} is after 'to' {valid_to}", "to")
    return PersonEntry(
        name=name,
        code=code,
        country=country,
        sector=sector,
        role=text.get("role"),
        # Only the short forms the user gives: "May" or "Rice" alone would name a month, a
        # grain, and nobody in particular.
        aliases=_union((name,), _aliases(fields.get("aliases"))),
        valid_from=valid_from,
        valid_to=valid_to,
        source=USER,
    )


def _country_and_sector(
    code: str, text: Mapping[str, str], countries: Collection[str], sectors: Collection[str]
) -> tuple[str | None, str | None]:
    prefix, parts = code[:3], [code[i : i + 3] for i in range(3, len(code), 3)]
    country = text.get("country")
    if country is not None:
        if country not in countries:
            raise PersonEntryError(
                f"unknown country code {country!r} (ISO 3166 alpha-3)", "country"
            )
        if prefix != country:
            raise PersonEntryError(f"code {code} does not start with its country {country}", "code")
    elif prefix in (_IGO, _UNKNOWN_COUNTRY):
        country = None
    elif prefix in countries:
        country = prefix
    else:
        raise PersonEntryError(f"code {code} does not start with a known country code", "code")
    if prefix != _IGO:
        for part in parts:
            if part not in sectors:
                raise PersonEntryError(f"code {code} has unknown sector {part!r}", "code")
    sector = text.get("sector")
    if sector is not None and sector not in sectors:
        raise PersonEntryError(f"unknown sector {sector!r}", "sector")
    if sector is None:
        sector = _IGO if prefix == _IGO else next(iter(parts), None)
    return country, sector


def _date(value: str | None, key: str) -> dt.date | None:
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PersonEntryError(f"{key!r} is not a date (YYYY-MM-DD): {value!r}", key) from None


def _aliases(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(ALIAS_SEPARATOR) if isinstance(value, str) else value
    if not all(isinstance(item, str) for item in items):
        raise PersonEntryError("'aliases' should be text or a list of text", "aliases")
    return tuple(" ".join(item.split()) for item in items if item.strip())


def builtin_people(countries: Collection[str], sectors: Collection[str]) -> PersonRegistry:
    """The leaders that ship with communique (``data/leaders.yml``): heads of state and
    government, foreign ministers and heads of the UN, NATO and the European Commission, with
    their terms. A record it rejects is a defect of the package, not of the user's input."""
    path = Path(str(resources.files("communique") / "data" / "leaders.yml"))
    dictionary = read_user_dictionary(path, countries, sectors)
    if dictionary.rejected:
        first = dictionary.rejected[0]
        raise DataFileError(first.origin, first.reason)
    return PersonRegistry(dictionary.people)


@dataclass(frozen=True, slots=True)
class UserDictionary:
    """The people of a user dictionary, and the records that were rejected, with why."""

    people: tuple[PersonEntry, ...]
    rejected: tuple[Rejected, ...]


def read_user_dictionary(
    path: Path, countries: Collection[str], sectors: Collection[str]
) -> UserDictionary:
    """Read a user dictionary of people, by its suffix:

    - ``.yml``/``.yaml``: a mapping with one key, ``people``, a list of mappings with the
      keys of ``FIELDS`` (``aliases`` a list);
    - ``.csv``: a header row naming columns of ``FIELDS`` (``name`` and ``code`` required),
      then one person a row; ``aliases`` separated by ``;``.

    A bad record is rejected as ``FILE:LINE`` with its problem; the file as a whole (missing,
    not YAML, unknown CSV columns) raises ``DataFileError``.
    """
    suffix = path.suffix.lower()
    if suffix not in (".yml", ".yaml", ".csv"):
        raise DataFileError(str(path), f"unsupported file type {suffix or '(none)'!r}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(str(path), f"cannot be read: {error}") from None
    records = _csv_records(path, text) if suffix == ".csv" else _yaml_records(path, text)
    people: list[PersonEntry] = []
    rejected: list[Rejected] = []
    for record in records:
        try:
            if isinstance(record.fields, str):
                raise PersonEntryError(record.fields)
            people.append(user_entry(record.fields, countries, sectors))
        except PersonEntryError as error:
            line = record.lines.get(error.key or "", record.line)
            rejected.append(Rejected(f"{path}:{line}", str(error)))
    return UserDictionary(tuple(people), tuple(rejected))


@dataclass(frozen=True, slots=True)
class _Record:
    """A record as read from a file: its fields, or the problem that kept it unread."""

    line: int
    fields: dict[str, str | list[str]] | str
    lines: Mapping[str, int]  # where each field is, when it has a line of its own


def _csv_records(path: Path, text: str) -> list[_Record]:
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None:
        raise DataFileError(str(path), "is empty")
    columns = [column.strip() for column in header]
    for column in columns:
        if column not in FIELDS:
            raise DataFileError(
                str(path), f"unknown column {column!r} (expected {', '.join(FIELDS)})", 1
            )
    for column in REQUIRED:
        if column not in columns:
            raise DataFileError(str(path), f"no {column!r} column", 1)
    records: list[_Record] = []
    line = rows.line_num
    for row in rows:
        start, line = line + 1, rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problem = f"{len(row)} cells where the header has {len(columns)}"
            records.append(_Record(start, problem, {}))
            continue
        records.append(_Record(start, dict(zip(columns, row, strict=True)), {}))
    return records


def _yaml_records(path: Path, text: str) -> list[_Record]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark is not None else None
        raise DataFileError(str(path), f"is not valid YAML: {error.problem}", line) from None
    except yaml.YAMLError as error:
        raise DataFileError(str(path), f"is not valid YAML: {error}") from None
    if root is None:
        raise DataFileError(str(path), "is empty")
    return [_yaml_record(item) for item in _people_node(path, root).value]


def _people_node(path: Path, root: Node) -> SequenceNode:
    """The list under the one top-level key, ``people``."""
    if not isinstance(root, MappingNode):
        raise DataFileError(str(path), "should be a mapping with a 'people' list", _line(root))
    people: Node | None = None
    for key, value in root.value:
        if not (isinstance(key, ScalarNode) and key.value == "people"):
            raise DataFileError(
                str(path), f"unknown key {key.value!r} (expected 'people')", _line(key)
            )
        people = value
    if not isinstance(people, SequenceNode):
        raise DataFileError(str(path), "'people' should be a list of people", _line(root))
    return people


def _yaml_record(node: Node) -> _Record:
    """One YAML record, its fields as text, each with its line."""
    line = _line(node)
    if not isinstance(node, MappingNode):
        return _Record(line, "a person should be a mapping of name, code, ...", {})
    fields: dict[str, str | list[str]] = {}
    lines: dict[str, int] = {}
    for key, value in node.value:
        name = str(key.value)
        if name in fields:
            return _Record(_line(key), f"{name!r} given twice", {})
        lines[name] = _line(key)
        if isinstance(value, ScalarNode):
            fields[name] = "" if value.tag.endswith(":null") else str(value.value)
        elif isinstance(value, SequenceNode) and name == "aliases":
            items = [item.value for item in value.value if isinstance(item, ScalarNode)]
            if len(items) != len(value.value):
                return _Record(_line(key), "'aliases' should be a list of text", {})
            fields[name] = [str(item) for item in items]
        else:
            return _Record(_line(key), f"{name!r} should be text", {})
    return _Record(line, fields, lines)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1
