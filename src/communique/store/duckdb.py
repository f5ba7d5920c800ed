"""The event store: one DuckDB file. Nothing outside ``store/`` talks to the database.

Each article is written in one transaction with its actors, events and the people it taught
the actor registry, so a run that fails or is stopped part-way leaves every article either
wholly stored or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from communique.actors.registry import (
    LEARNED,
    PersonEntry,
    PersonKey,
    added,
    person_key,
    sighted,
)
from communique.errors import StoreError
from communique.records import CodedArticle, Event, Mention

SCHEMA_VERSION = 3  # 2: the people of the actor registry; 3: argument phrases of events

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY,
    origin VARCHAR,
    url VARCHAR,
    source VARCHAR,
    title VARCHAR,
    published DATE,
    dateline_place VARCHAR,
    dateline_date DATE,
    agency VARCHAR,
    text VARCHAR,
    sentences INTEGER,
    coded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR,
    code VARCHAR,
    country VARCHAR,
    sector VARCHAR,
    kind VARCHAR,
    name VARCHAR,
    role VARCHAR,
    text VARCHAR,
    span_start INTEGER,
    span_end INTEGER
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY,
    article_id VARCHAR,
    date DATE,
    date_precision VARCHAR,
    date_origin VARCHAR,
    source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR, source_kind VARCHAR,
    source_name VARCHAR, source_role VARCHAR, source_text VARCHAR,
    source_start INTEGER, source_end INTEGER,
    target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR, target_kind VARCHAR,
    target_name VARCHAR, target_role VARCHAR, target_text VARCHAR,
    target_start INTEGER, target_end INTEGER,
    cameo VARCHAR,
    plover VARCHAR,
    quad_class INTEGER,
    goldstein DOUBLE,
    confidence DOUBLE,
    trigger VARCHAR,
    trigger_start INTEGER,
    trigger_end INTEGER,
    location_name VARCHAR,
    location_country VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    location_id VARCHAR,
    sentence_index INTEGER,
    sentence VARCHAR,
    span_start INTEGER,
    span_end INTEGER,
    coder_version VARCHAR,
    source_phrase_start INTEGER, source_phrase_end INTEGER,
    target_phrase_start INTEGER, target_phrase_end INTEGER,
    object_start INTEGER, object_end INTEGER
);
CREATE TABLE IF NOT EXISTS people (
    name VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    country VARCHAR,
    sector VARCHAR,
    role VARCHAR,
    aliases VARCHAR[],
    first_seen DATE,
    last_seen DATE,
    valid_from DATE,
    valid_to DATE,
    sightings INTEGER,
    evidence VARCHAR,
    article_id VARCHAR,
    source VARCHAR
);
"""

# Columns added after the first release, for stores made before them.
_MIGRATIONS = """
ALTER TABLE events ADD COLUMN IF NOT EXISTS source_phrase_start INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS source_phrase_end INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS target_phrase_start INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS target_phrase_end INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS object_start INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS object_end INTEGER;
"""

_PEOPLE_COLUMNS = (
    "name, code, country, sector, role, aliases, first_seen, last_seen, valid_from, valid_to, "
    "sightings, evidence, article_id, source"
)
# One row per person, role, code and term; a person without a role has a NULL one.
_PERSON_KEY = (
    "name = ? AND role IS NOT DISTINCT FROM ? AND code = ? AND valid_from IS NOT DISTINCT FROM ?"
)

_EVENT_COLUMNS = (
    "id, article_id, date, date_precision, date_origin, "
    "source_code, source_country, source_sector, source_kind, source_name, source_role, "
    "source_text, source_start, source_end, "
    "target_code, target_country, target_sector, target_kind, target_name, target_role, "
    "target_text, target_start, target_end, "
    "cameo, plover, quad_class, goldstein, confidence, trigger, trigger_start, trigger_end, "
    "location_name, location_country, lat, lon, location_id, "
    "sentence_index, sentence, span_start, span_end, coder_version, "
    "source_phrase_start, source_phrase_end, target_phrase_start, target_phrase_end, "
    "object_start, object_end"
)


@dataclass(frozen=True, slots=True)
class ActorView:
    """One side of a stored event."""

    code: str
    country: str | None
    sector: str | None
    kind: str | None
    name: str | None
    role: str | None
    text: str | None
    span: tuple[int, int] | None
    phrase: tuple[int, int] | None = None  # the whole argument the actor was named in


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from the store."""

    id: str
    article_id: str
    date: dt.date | None
    date_precision: str | None
    source: ActorView | None
    target: ActorView | None
    cameo: str
    plover: str | None
    quad_class: int
    goldstein: float
    confidence: float
    trigger: str | None
    location_name: str | None
    location_country: str | None
    lat: float | None
    lon: float | None
    sentence_index: int
    sentence: str
    span: tuple[int, int]
    object_span: tuple[int, int] | None = None  # what was acted upon, when it is no actor

    def text_at(self, span: tuple[int, int]) -> str:
        """The words at article offsets ``span``, which lie within the event's sentence."""
        start = self.span[0]
        return self.sentence[span[0] - start : span[1] - start]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to read. Actor codes match exactly or as a prefix ("CHN" → "CHNGOV")."""

    source: str | None = None
    target: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


class EventStore:
    """A DuckDB file holding articles, actor mentions and events."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `communique code` first)")
        try:
            self._db = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise StoreError(f"{self.path}: cannot open the store: {error}") from None
        if not read_only:
            self._db.execute(_SCHEMA)
            self._db.execute(_MIGRATIONS)
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone()
        return row is not None

    def add(self, coded: CodedArticle) -> bool:
        """Store an article with its mentions and events; False if it was already there."""
        article = coded.article.article
        dateline = coded.article.dateline
        try:
            self._db.execute("BEGIN TRANSACTION")
            if self.has_article(article.id):
                self._db.execute("ROLLBACK")
                return False
            self._db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [
                    article.id,
                    article.origin,
                    article.url,
                    article.source,
                    article.title,
                    article.published,
                    dateline.place if dateline else None,
                    dateline.date if dateline else None,
                    dateline.agency if dateline else None,
                    article.text,
                    len(coded.sentences),
                ],
            )
            if coded.mentions:
                self._db.executemany(
                    "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_mention_row(article.id, m) for m in coded.mentions],
                )
            if coded.events:
                marks = ", ".join("?" * len(_EVENT_COLUMNS.split(",")))
                self._db.executemany(
                    f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({marks})",
                    [_event_row(e) for e in coded.events],
                )
            when = coded.article.reference_date
            for sighting in coded.sightings:
                known = self._person(person_key(sighting.actor))
                self._put_person(sighted(known, sighting, when, article.id))
            self._db.execute("COMMIT")
        except BaseException as error:
            # Whatever stopped the write (a database error, a bug, Ctrl-C), the article goes
            # wholly or not at all, and the connection stays usable for the next one.
            self._db.execute("ROLLBACK")
            if isinstance(error, duckdb.Error):
                raise StoreError(
                    f"{self.path}: cannot store article {article.id}: {error}"
                ) from None
            raise
        return True

    def add_people(self, people: Sequence[PersonEntry]) -> int:
        """Store people given by a user, all or none; an entry already there (same name, role
        and code) takes the user's dates and keeps what was seen of it."""
        try:
            self._db.execute("BEGIN TRANSACTION")
            for given in people:
                known = self._person(given.key)
                if known is None:
                    # A role seen in articles and now given its term by the user.
                    seen = self._person((*given.key[:3], None))
                    if seen is not None and seen.source == LEARNED:
                        self._db.execute(f"DELETE FROM people WHERE {_PERSON_KEY}", list(seen.key))
                        known = seen
                self._put_person(added(known, given))
            self._db.execute("COMMIT")
        except BaseException as error:
            self._db.execute("ROLLBACK")
            if isinstance(error, duckdb.Error):
                raise StoreError(f"{self.path}: cannot store people: {error}") from None
            raise
        return len(people)

    def _person(self, key: PersonKey) -> PersonEntry | None:
        cursor = self._db.execute(
            f"SELECT {_PEOPLE_COLUMNS} FROM people WHERE {_PERSON_KEY}", list(key)
        )
        row = cursor.fetchone()
        return _person_entry(row) if row is not None else None

    def _put_person(self, entry: PersonEntry) -> None:
        self._db.execute(f"DELETE FROM people WHERE {_PERSON_KEY}", list(entry.key))
        marks = ", ".join("?" * len(_PEOPLE_COLUMNS.split(",")))
        self._db.execute(f"INSERT INTO people VALUES ({marks})", _person_row(entry))

    # -- reading --------------------------------------------------------------------------

    def events(self, where: EventFilter | None = None) -> Iterator[StoredEvent]:
        where = where or EventFilter()
        clauses: list[str] = []
        params: list[object] = []
        for column, code in (("source_code", where.source), ("target_code", where.target)):
            if code:
                clauses.append(f"starts_with({column}, ?)")
                params.append(code.upper())
        if where.since:
            clauses.append("date >= ?")
            params.append(where.since)
        if where.until:
            clauses.append("date <= ?")
            params.append(where.until)
        sql = f"SELECT {_EVENT_COLUMNS} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY date, article_id, sentence_index, id"
        cursor = self._db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(1000):
            for row in rows:
                yield _stored_event(dict(zip(names, row, strict=True)))

    def people(self, name: str | None = None) -> list[PersonEntry]:
        """The actor registry, by name and then date; or the entries of one person, found
        by name (any case), else by one of their aliases."""
        if not self._has_people():
            return []
        order = " ORDER BY name, coalesce(valid_from, first_seen), role, code"
        sql = f"SELECT {_PEOPLE_COLUMNS} FROM people"
        if name is None:
            return [_person_entry(row) for row in self._db.execute(sql + order).fetchall()]
        by_alias = "name IN (SELECT name FROM people WHERE list_contains(aliases, ?))"
        for where in ("lower(name) = lower(?)", by_alias):
            rows = self._db.execute(f"{sql} WHERE {where}{order}", [name]).fetchall()
            if rows:
                return [_person_entry(row) for row in rows]
        return []

    def _has_people(self) -> bool:
        # A store written before the registry, opened read-only, has no people table yet.
        row = self._db.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'people'"
        ).fetchone()
        return row is not None

    def counts(self) -> dict[str, int]:
        result = {}
        for table in ("articles", "mentions", "events"):
            row = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()
            result[table] = int(row[0]) if row else 0
        return result


def _mention_row(article_id: str, mention: Mention) -> list[Any]:
    actor = mention.actor
    return [
        article_id,
        actor.code,
        actor.country,
        actor.sector,
        actor.kind,
        actor.name,
        actor.role,
        mention.text,
        mention.span[0],
        mention.span[1],
    ]


def _person_row(entry: PersonEntry) -> list[Any]:
    return [
        entry.name,
        entry.code,
        entry.country,
        entry.sector,
        entry.role,
        list(entry.aliases),
        entry.first_seen,
        entry.last_seen,
        entry.valid_from,
        entry.valid_to,
        entry.sightings,
        entry.evidence,
        entry.article_id,
        entry.source,
    ]


def _person_entry(row: tuple[Any, ...]) -> PersonEntry:
    (name, code, country, sector, role, aliases, first, last, valid_from, valid_to) = row[:10]
    sightings, evidence, article_id, source = row[10:]
    return PersonEntry(
        name=name,
        code=code,
        country=country,
        sector=sector,
        role=role,
        aliases=tuple(aliases or ()),
        first_seen=first,
        last_seen=last,
        valid_from=valid_from,
        valid_to=valid_to,
        sightings=sightings or 0,
        evidence=evidence,
        article_id=article_id,
        source=source,
    )


def _side(mention: Mention | None) -> list[Any]:
    if mention is None:
        return [None] * 9
    actor = mention.actor
    return [
        actor.code,
        actor.country,
        actor.sector,
        actor.kind,
        actor.name,
        actor.role,
        mention.text,
        mention.span[0],
        mention.span[1],
    ]


def _event_row(event: Event) -> list[Any]:
    date = event.date
    place = event.location
    trigger = event.trigger_span or (None, None)
    return [
        event.id,
        event.article_id,
        date.date if date else None,
        date.precision if date else None,
        date.origin if date else None,
        *_side(event.source),
        *_side(event.target),
        event.cameo,
        event.plover,
        event.quad_class,
        event.goldstein,
        event.confidence,
        event.trigger,
        trigger[0],
        trigger[1],
        place.name if place else None,
        place.country if place else None,
        place.lat if place else None,
        place.lon if place else None,
        place.gazetteer_id if place else None,
        event.sentence.index,
        event.sentence.text,
        event.sentence.span[0],
        event.sentence.span[1],
        event.coder_version,
        *_pair(event.source.phrase if event.source else None),
        *_pair(event.target.phrase if event.target else None),
        *_pair(event.object_phrase),
    ]


def _pair(span: tuple[int, int] | None) -> tuple[int | None, int | None]:
    return span if span is not None else (None, None)


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return (start, end) if start is not None and end is not None else None


def _actor_view(row: dict[str, Any], side: str) -> ActorView | None:
    if row[f"{side}_code"] is None:
        return None
    start, end = row[f"{side}_start"], row[f"{side}_end"]
    return ActorView(
        code=row[f"{side}_code"],
        country=row[f"{side}_country"],
        sector=row[f"{side}_sector"],
        kind=row[f"{side}_kind"],
        name=row[f"{side}_name"],
        role=row[f"{side}_role"],
        text=row[f"{side}_text"],
        span=(start, end) if start is not None else None,
        phrase=_span(row[f"{side}_phrase_start"], row[f"{side}_phrase_end"]),
    )


def _stored_event(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        id=row["id"],
        article_id=row["article_id"],
        date=row["date"],
        date_precision=row["date_precision"],
        source=_actor_view(row, "source"),
        target=_actor_view(row, "target"),
        cameo=row["cameo"],
        plover=row["plover"],
        quad_class=row["quad_class"],
        goldstein=row["goldstein"],
        confidence=row["confidence"],
        trigger=row["trigger"],
        location_name=row["location_name"],
        location_country=row["location_country"],
        lat=row["lat"],
        lon=row["lon"],
        sentence_index=row["sentence_index"],
        sentence=row["sentence"],
        span=(row["span_start"], row["span_end"]),
        object_span=_span(row["object_start"], row["object_end"]),
    )
