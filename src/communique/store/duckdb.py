"""The event store: one DuckDB file. Nothing outside ``store/`` talks to the database.

Each article is written in one transaction with its actors, events and the people it taught
the actor registry, so a run that fails or is stopped part-way leaves every article either
wholly stored or not at all.

Readers during writes. DuckDB lets one process write a file, or any number read it, never
both: the process that opens the file holds a lock on it. So a store is held briefly:

- a long run lets go of the file while it reads and codes, and holds it only to check and
  write a batch (``shared`` and ``held``); on letting go it writes everything through to the
  file (CHECKPOINT), so the next process to open it finds every stored article whole;
- opening waits, retrying, while another process holds the file (``LOCK_WAIT_SECONDS``), and
  then says which file is busy;
- `communique serve` answers from a copy of the file, made while it holds the file for
  reading, and copies again when the file changes (``store/snapshots.py``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
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
from communique.cluster import Cluster, ClusterConfig
from communique.dedupe import DedupeConfig
from communique.errors import StoreError
from communique.records import Article, CodedArticle, Event, Mention, Quote
from communique.store.formats import GdeltRow, GdeltSchema, gdelt_line
from communique.store.merging import ArticleCopy, Explanation, MergeTables

# 2: the people of the actor registry; 3: argument phrases of events; 4: each event's and
# article's context: quotes (a table), themes, tone, a place's region and precision; 5: the
# people an unfinished run began with.
SCHEMA_VERSION = 5

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
    coded_at TIMESTAMP,
    themes VARCHAR[],
    tone DOUBLE,
    captured TIMESTAMP
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
    object_start INTEGER, object_end INTEGER,
    location_region VARCHAR, location_precision VARCHAR, location_origin VARCHAR,
    location_start INTEGER, location_end INTEGER,
    date_start INTEGER, date_end INTEGER,
    quote_id VARCHAR,
    themes VARCHAR[],
    tone DOUBLE
);
CREATE TABLE IF NOT EXISTS quotes (
    id VARCHAR PRIMARY KEY,
    article_id VARCHAR,
    sentence_index INTEGER,
    speaker_code VARCHAR, speaker_country VARCHAR, speaker_sector VARCHAR, speaker_kind VARCHAR,
    speaker_name VARCHAR, speaker_role VARCHAR, speaker_text VARCHAR,
    speaker_start INTEGER, speaker_end INTEGER,
    verb VARCHAR, verb_start INTEGER, verb_end INTEGER,
    text VARCHAR, span_start INTEGER, span_end INTEGER,
    direct BOOLEAN,
    sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER
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
-- The runs of `communique code` begun and not finished, and the people each began with.
CREATE TABLE IF NOT EXISTS runs (key VARCHAR PRIMARY KEY);
CREATE TABLE IF NOT EXISTS run_people (
    run VARCHAR NOT NULL,
    name VARCHAR NOT NULL, code VARCHAR NOT NULL, country VARCHAR, sector VARCHAR, role VARCHAR,
    aliases VARCHAR[], first_seen DATE, last_seen DATE, valid_from DATE, valid_to DATE,
    sightings INTEGER, evidence VARCHAR, article_id VARCHAR, source VARCHAR
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
ALTER TABLE events ADD COLUMN IF NOT EXISTS location_region VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS location_precision VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS location_origin VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS location_start INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS location_end INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS date_start INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS date_end INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS quote_id VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS themes VARCHAR[];
ALTER TABLE events ADD COLUMN IF NOT EXISTS tone DOUBLE;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS themes VARCHAR[];
ALTER TABLE articles ADD COLUMN IF NOT EXISTS tone DOUBLE;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS captured TIMESTAMP;
"""

_ARTICLE_INSERT = (
    "id, origin, url, source, title, published, dateline_place, dateline_date, agency, text, "
    "sentences, coded_at, themes, tone, captured"
)
# The values of one article row: coded_at is the time it is written.
_ARTICLE_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?)"
_QUOTE_COLUMNS = (
    "id, article_id, sentence_index, "
    "speaker_code, speaker_country, speaker_sector, speaker_kind, speaker_name, speaker_role, "
    "speaker_text, speaker_start, speaker_end, verb, verb_start, verb_end, "
    "text, span_start, span_end, direct, sentence, sentence_start, sentence_end"
)

_PEOPLE_COLUMNS = (
    "name, code, country, sector, role, aliases, first_seen, last_seen, valid_from, valid_to, "
    "sightings, evidence, article_id, source"
)
_PEOPLE_ORDER = " ORDER BY name, coalesce(valid_from, first_seen), role, code"
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
    "object_start, object_end, "
    "location_region, location_precision, location_origin, location_start, location_end, "
    "date_start, date_end, quote_id, themes, tone"
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
    date_origin: str | None = None  # "sentence", "dateline" or "publication"
    location_id: str | None = None  # "geonames:1816670"
    location_region: str | None = None  # first-level region: "Beijing", "Ohio"
    location_precision: str | None = None  # "city", "region" or "country"
    quote_id: str | None = None
    themes: tuple[str, ...] = ()
    tone: float | None = None

    def text_at(self, span: tuple[int, int]) -> str:
        """The words at article offsets ``span``, which lie within the event's sentence."""
        start = self.span[0]
        return self.sentence[span[0] - start : span[1] - start]


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote as read back from the store, with the ids of the events told in it."""

    id: str
    article_id: str
    sentence_index: int
    speaker: ActorView | None
    verb: str
    text: str
    span: tuple[int, int]
    direct: bool
    sentence: str
    sentence_span: tuple[int, int]
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to read. Actor codes match exactly or as a prefix ("CHN" → "CHNGOV")."""

    source: str | None = None
    target: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored: its text as read, and where and when it was read and coded."""

    id: str
    origin: str
    url: str | None
    source: str | None
    title: str | None
    published: dt.date | None
    text: str
    coded_at: dt.datetime | None  # the machine's local time

    def article(self) -> Article:
        """The article as its reader gave it, to be coded again without reading its source."""
        return Article(
            id=self.id,
            text=self.text,
            title=self.title,
            published=self.published,
            url=self.url,
            source=self.source,
            origin=self.origin,
        )


@dataclass(frozen=True, slots=True)
class SourcedEvent:
    """A stored event with what exports add to the JSON contract: its article, and the coder
    that found it."""

    event: StoredEvent
    article: StoredArticle
    coder_version: str | None


@dataclass(frozen=True, slots=True)
class GdeltImport:
    """What loading GDELT rows did: rows stored, and how many of them replaced earlier ones."""

    stored: int
    replaced: int


# How long opening a store waits while another process holds the file: a writer holds it
# for a batch's writes, a reader (`communique events`) while it reads.
LOCK_WAIT_SECONDS = 120.0
_FIRST_RETRY_SECONDS = 0.02
_LAST_RETRY_SECONDS = 1.0


def connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, retrying for up to ``wait`` seconds while another process holds
    it (DuckDB's lock: one writer or many readers)."""
    deadline = time.monotonic() + wait
    pause = _FIRST_RETRY_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if "Could not set lock" not in str(error):
                raise StoreError(f"{path}: cannot open the store: {error}") from None
            if time.monotonic() + pause > deadline:
                raise StoreError(
                    f"{path}: the store is busy: another process has held it for {wait:g} s "
                    "(a `communique code` run writing, or a reader); try again when it is done"
                ) from None
        except duckdb.Error as error:
            raise StoreError(f"{path}: cannot open the store: {error}") from None
        time.sleep(pause)
        pause = min(pause * 2, _LAST_RETRY_SECONDS)


class EventStore:
    """A DuckDB file holding articles, actor mentions and events."""

    def __init__(
        self,
        path: str | Path,
        read_only: bool = False,
        clustering: ClusterConfig | None = None,
        dedupe: DedupeConfig | None = None,
        wait: float = LOCK_WAIT_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.wait = wait
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `communique code` first)")
        self._db = connect(self.path, read_only, wait)
        self._held = True
        # Copies of articles and events merged from their mentions (store/merging.py).
        self._merging = MergeTables(self._db, clustering, dedupe)
        if not read_only:
            self._db.execute(_SCHEMA)
            self._db.execute(_MIGRATIONS)
            self._merging.create()
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )

    def close(self) -> None:
        self._db.close()

    # -- sharing the file with other processes ----------------------------------------------

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Let other processes open the file while inside, but within ``held()``: a long
        run holds it only to check and write a batch, and readers come in between. An
        in-memory store has no file to share."""
        if str(self.path).startswith(":memory:") or not self._held:
            yield
            return
        self._let_go()
        try:
            yield
        finally:
            self._hold()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Inside ``shared()``, hold the file for the reads and writes inside (waiting while
        another process has it), then let it go again; elsewhere the file is held already."""
        if self._held:
            yield
            return
        self._hold()
        try:
            yield
        finally:
            self._let_go()

    def _let_go(self) -> None:
        if not self.read_only:
            # Into the file itself: a reader that opens it finds every article whole.
            self._db.execute("CHECKPOINT")
        self._db.close()
        self._held = False

    def _hold(self) -> None:
        self._db = connect(self.path, self.read_only, self.wait)
        self._merging = MergeTables(
            self._db, self._merging.cluster_config, self._merging.copy_config
        )
        self._held = True

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
        try:
            self._db.execute("BEGIN TRANSACTION")
            if self.has_article(article.id):
                self._db.execute("ROLLBACK")
                return False
            self._db.execute(
                f"INSERT INTO articles ({_ARTICLE_INSERT}) VALUES {_ARTICLE_VALUES}",
                _article_row(coded),
            )
            self._put_coding(coded, fresh=True)
            self._merging.add(coded)
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
        sql = f"SELECT {_PEOPLE_COLUMNS} FROM people"
        if name is None:
            rows = self._db.execute(sql + _PEOPLE_ORDER).fetchall()
            return [_person_entry(row) for row in rows]
        by_alias = "name IN (SELECT name FROM people WHERE list_contains(aliases, ?))"
        for where in ("lower(name) = lower(?)", by_alias):
            rows = self._db.execute(f"{sql} WHERE {where}{_PEOPLE_ORDER}", [name]).fetchall()
            if rows:
                return [_person_entry(row) for row in rows]
        return []

    def _has_people(self) -> bool:
        # A store written before the registry, opened read-only, has no people table yet.
        row = self._db.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'people'"
        ).fetchone()
        return row is not None

    def quotes(self, speaker: str | None = None) -> list[StoredQuote]:
        """The stored quotes in reading order; ``speaker`` matches a speaker's code exactly
        or as a prefix ("CHN" → "CHNGOV")."""
        # A store written before quotes, opened read-only, has no quotes table yet.
        known = self._db.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'quotes'"
        ).fetchone()
        if known is None:
            return []
        sql = (
            f"SELECT {_QUOTE_COLUMNS}, (SELECT list(e.id ORDER BY e.id) FROM events e "
            "WHERE e.quote_id = q.id) AS event_ids FROM quotes q"
        )
        params: list[object] = []
        if speaker:
            sql += " WHERE starts_with(speaker_code, ?)"
            params.append(speaker.upper())
        sql += " ORDER BY article_id, span_start"
        cursor = self._db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [_stored_quote(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def _put_quotes(self, article_id: str, quotes: Sequence[Quote], fresh: bool = False) -> None:
        """Store an article's quotes, in place of any stored before, inside the caller's
        transaction; ``fresh``: the article is new, and has none to replace."""
        if not fresh:
            self._db.execute("DELETE FROM quotes WHERE article_id = ?", [article_id])
        self._insert("quotes", _QUOTE_COLUMNS, [_quote_row(quote) for quote in quotes])

    # -- merged events (store/merging.py) -------------------------------------------------

    def merged(self) -> bool:
        """Whether the store has merged events: one written before merging, opened read-only,
        has not (re-code it to merge its reports)."""
        return self._merging.exists()

    def clusters(self, where: EventFilter | None = None) -> Iterator[Cluster]:
        """The events merged from their mentions, by first date."""
        where = where or EventFilter()
        if not self._merging.exists():
            return iter(())
        return self._merging.clusters(where.source, where.target, where.since, where.until)

    def explain(self, ident: str) -> Explanation | None:
        """A merged event, found by its id or by the id of one of its coded events, with all
        its mentions and the reasons each was merged; None if there is no such id."""
        return self._merging.explain(ident) if self._merging.exists() else None

    def article_groups(self) -> list[list[ArticleCopy]]:
        """The groups of copies of one article, each with its original first."""
        return self._merging.article_groups() if self._merging.exists() else []

    def unmerged_articles(self) -> int:
        """How many articles with events are in no merged event (coded before merging)."""
        if not self._merging.exists():
            return self.counts()["articles"]
        return self._merging.unmerged_articles()

    def counts(self) -> dict[str, int]:
        result = {}
        for table in ("articles", "mentions", "events"):
            row = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()
            result[table] = int(row[0]) if row else 0
        return result

    # -- runs -----------------------------------------------------------------------------

    def begin_run(self, key: str) -> list[PersonEntry]:
        """The people a run (``key``: its inputs and settings) codes with: those the store
        knows, or, if the same run began before and did not finish (killed, stopped), those
        it began with. So a run started again codes the articles it had not stored as the
        uninterrupted run would have, not with what the articles it stored taught."""
        try:
            self._db.execute("BEGIN TRANSACTION")
            if self._db.execute("SELECT 1 FROM runs WHERE key = ?", [key]).fetchone() is None:
                self._db.execute("INSERT INTO runs VALUES (?)", [key])
                self._db.execute(
                    f"INSERT INTO run_people SELECT ?, {_PEOPLE_COLUMNS} FROM people", [key]
                )
            rows = self._db.execute(
                f"SELECT {_PEOPLE_COLUMNS} FROM run_people WHERE run = ?{_PEOPLE_ORDER}", [key]
            ).fetchall()
            self._db.execute("COMMIT")
        except BaseException as error:
            self._db.execute("ROLLBACK")
            if isinstance(error, duckdb.Error):
                raise StoreError(f"{self.path}: cannot begin the run: {error}") from None
            raise
        return [_person_entry(row) for row in rows]

    def finish_run(self, key: str) -> None:
        """Forget the people the run ``key`` began with: it is complete."""
        try:
            self._db.execute("BEGIN TRANSACTION")
            self._db.execute("DELETE FROM run_people WHERE run = ?", [key])
            self._db.execute("DELETE FROM runs WHERE key = ?", [key])
            self._db.execute("COMMIT")
        except BaseException as error:
            self._db.execute("ROLLBACK")
            if isinstance(error, duckdb.Error):
                raise StoreError(f"{self.path}: cannot finish the run: {error}") from None
            raise

    # -- re-coding ------------------------------------------------------------------------

    def article_ids(self) -> list[str]:
        """Every stored article's id, in the order they were coded."""
        rows = self._db.execute("SELECT id FROM articles ORDER BY coded_at, id").fetchall()
        return [row[0] for row in rows]

    def stored_articles(self, ids: Sequence[str]) -> list[StoredArticle]:
        """The stored articles of ``ids``, in that order; ids not stored are left out."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        cursor = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", list(ids)
        )
        found = {row[0]: _stored_article(row) for row in cursor.fetchall()}
        return [found[i] for i in ids if i in found]

    def article_events(self, ids: Sequence[str]) -> dict[str, list[StoredEvent]]:
        """The stored events of the articles ``ids``, by article id, in reading order."""
        result: dict[str, list[StoredEvent]] = {i: [] for i in ids}
        if not ids:
            return result
        marks = ", ".join("?" * len(ids))
        cursor = self._db.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE article_id IN ({marks}) "
            "ORDER BY article_id, sentence_index, id",
            list(ids),
        )
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            event = _stored_event(dict(zip(names, row, strict=True)))
            result[event.article_id].append(event)
        return result

    def coder_versions(self) -> dict[str, int]:
        """The coder versions of the stored events, with how many events each found, the
        most events first."""
        rows = self._db.execute(
            "SELECT coder_version, count(*) AS n FROM events WHERE coder_version IS NOT NULL "
            "GROUP BY coder_version ORDER BY n DESC, coder_version"
        ).fetchall()
        return {version: int(n) for version, n in rows}

    def _put_coding(self, coded: CodedArticle, fresh: bool) -> None:
        """Write what coding found in an article (its mentions, events and quotes), in the
        caller's transaction; unless ``fresh``, in place of what was there."""
        article_id = coded.article.article.id
        if not fresh:
            self._db.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
            self._db.execute("DELETE FROM events WHERE article_id = ?", [article_id])
        self._insert("mentions", None, [_mention_row(article_id, m) for m in coded.mentions])
        self._insert("events", _EVENT_COLUMNS, [_event_row(e) for e in coded.events])
        self._put_quotes(article_id, coded.quotes, fresh=fresh)

    def _insert(self, table: str, columns: str | None, rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows in one statement: DuckDB takes many rows far faster than row by row."""
        if not rows:
            return
        row = "(" + ", ".join("?" * len(rows[0])) + ")"
        named = f" ({columns})" if columns else ""
        self._db.execute(
            f"INSERT INTO {table}{named} VALUES {', '.join([row] * len(rows))}",
            [value for values in rows for value in values],
        )

    def replace(self, coded: CodedArticle) -> None:
        """Put a new coding of a stored article in place of its old one, in one transaction:
        the article's mentions, events and quotes are replaced, and what coding found of the
        article as a whole (dateline, themes, tone) updated; its text stays as read. Of the
        people it sights, only those the registry does not know yet are added: the others
        were counted when the article was first coded."""
        article = coded.article.article
        dateline = coded.article.dateline
        try:
            self._db.execute("BEGIN TRANSACTION")
            if not self.has_article(article.id):
                raise StoreError(f"{self.path}: no stored article {article.id} to re-code")
            self._db.execute(
                "UPDATE articles SET dateline_place = ?, dateline_date = ?, agency = ?, "
                "sentences = ?, coded_at = now(), themes = ?, tone = ? WHERE id = ?",
                [
                    dateline.place if dateline else None,
                    dateline.date if dateline else None,
                    dateline.agency if dateline else None,
                    len(coded.sentences),
                    list(coded.themes),
                    coded.tone,
                    article.id,
                ],
            )
            self._put_coding(coded, fresh=False)
            self._merging.replace(coded)
            when = coded.article.reference_date
            new: set[PersonKey] = set()
            for sighting in coded.sightings:
                key = person_key(sighting.actor)
                known = self._person(key)
                if known is None or key in new:
                    self._put_person(sighted(known, sighting, when, article.id))
                    new.add(key)
            self._db.execute("COMMIT")
        except BaseException as error:
            self._db.execute("ROLLBACK")
            if isinstance(error, duckdb.Error):
                raise StoreError(
                    f"{self.path}: cannot re-store article {article.id}: {error}"
                ) from None
            raise

    # -- exports --------------------------------------------------------------------------

    def sourced_events(self) -> Iterator[SourcedEvent]:
        """Every stored event with its article: article by article in the order they were
        coded, each article's events in reading order."""
        articles, events = self._db.cursor(), self._db.cursor()
        try:
            articles.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY coded_at, id")
            events.execute(
                "SELECT e.* FROM events e JOIN articles a ON a.id = e.article_id "
                "ORDER BY a.coded_at, a.id, e.sentence_index, e.id"
            )
            names = [d[0] for d in events.description]
            article: StoredArticle | None = None
            while rows := events.fetchmany(1000):
                for values in rows:
                    row = dict(zip(names, values, strict=True))
                    # Both queries walk the articles in the same order.
                    while article is None or article.id != row["article_id"]:
                        found = articles.fetchone()
                        if found is None:
                            return
                        article = _stored_article(found)
                    yield _sourced_event(row, article)
        finally:
            articles.close()
            events.close()

    def export_parquet(self, path: str | Path) -> int:
        """Write every event, with its article's url, title, source and publication date, to
        one Parquet file (DuckDB's own writer); returns how many events."""
        sql = (
            "COPY (SELECT e.*, a.url AS article_url, a.title AS article_title, "
            "a.source AS article_source, a.published AS article_published "
            "FROM events e LEFT JOIN articles a ON a.id = e.article_id "
            "ORDER BY e.date, e.article_id, e.sentence_index, e.id) TO ? (FORMAT PARQUET)"
        )
        try:
            row = self._db.execute(sql, [str(path)]).fetchone()
        except duckdb.Error as error:
            raise StoreError(f"{path}: cannot write Parquet: {error}") from None
        return int(row[0]) if row else 0

    # -- GDELT events ---------------------------------------------------------------------

    def add_gdelt_events(self, rows: Iterable[GdeltRow], schema: GdeltSchema) -> GdeltImport:
        """Store GDELT event rows in the ``gdelt_events`` table (one column per GDELT column,
        keyed by GLOBALEVENTID), all or none; a row whose GLOBALEVENTID is stored already
        replaces it. The rows go through a file of GDELT's own layout: DuckDB reads one
        far faster than it takes rows one by one."""
        columns = _gdelt_read_columns(schema)
        with tempfile.TemporaryDirectory(prefix="communique-gdelt-") as folder:
            staged = Path(folder) / "events.tsv"
            count = 0
            with staged.open("w", encoding="utf-8", newline="") as out:
                for row in rows:
                    out.write(gdelt_line(row.values) + "\n")
                    count += 1
            if count == 0:
                return GdeltImport(0, 0)
            source = (
                "read_csv(?, delim = '\t', quote = '', escape = '', header = false, "
                f"auto_detect = false, nullstr = '', columns = {{{columns}}})"
            )
            key = schema.columns[0].name
            try:
                self._db.execute("BEGIN TRANSACTION")
                self._db.execute(_gdelt_table(schema))
                found = self._db.execute(
                    f'SELECT count(*) FROM gdelt_events WHERE "{key}" IN '
                    f'(SELECT "{key}" FROM {source})',
                    [str(staged)],
                ).fetchone()
                self._db.execute(
                    f"INSERT OR REPLACE INTO gdelt_events SELECT * FROM {source}", [str(staged)]
                )
                self._db.execute("COMMIT")
            except BaseException as error:
                self._db.execute("ROLLBACK")
                if isinstance(error, duckdb.Error):
                    raise StoreError(f"{self.path}: cannot store GDELT events: {error}") from None
                raise
        return GdeltImport(count, int(found[0]) if found else 0)

    def gdelt_events(self, schema: GdeltSchema) -> Iterator[GdeltRow]:
        """The stored GDELT events, by GLOBALEVENTID."""
        if not self._has_table("gdelt_events"):
            return
        names = ", ".join(f'"{name}"' for name in schema.names)
        cursor = self._db.execute(f'SELECT {names} FROM gdelt_events ORDER BY "{schema.names[0]}"')
        while rows := cursor.fetchmany(1000):
            for values in rows:
                yield GdeltRow("gdelt_events", values[0], tuple(values))

    def _has_table(self, name: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return row is not None


def _article_row(coded: CodedArticle) -> list[Any]:
    """The values of ``_ARTICLE_VALUES`` for a coded article."""
    article = coded.article.article
    dateline = coded.article.dateline
    return [
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
        list(coded.themes),
        coded.tone,
        article.captured,
    ]


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


def _quote_row(quote: Quote) -> list[Any]:
    sentence = quote.sentence
    return [
        quote.id,
        quote.article_id,
        sentence.index,
        *_side(quote.speaker)[:6],
        quote.speaker.text if quote.speaker else None,
        *_pair(quote.speaker.span if quote.speaker else None),
        quote.verb,
        *quote.verb_span,
        quote.text,
        *quote.span,
        quote.direct,
        sentence.text,
        *sentence.span,
    ]


def _stored_quote(row: dict[str, Any]) -> StoredQuote:
    speaker = None
    if row["speaker_code"] is not None:
        speaker = ActorView(
            code=row["speaker_code"],
            country=row["speaker_country"],
            sector=row["speaker_sector"],
            kind=row["speaker_kind"],
            name=row["speaker_name"],
            role=row["speaker_role"],
            text=row["speaker_text"],
            span=_span(row["speaker_start"], row["speaker_end"]),
        )
    return StoredQuote(
        id=row["id"],
        article_id=row["article_id"],
        sentence_index=row["sentence_index"],
        speaker=speaker,
        verb=row["verb"],
        text=row["text"],
        span=(row["span_start"], row["span_end"]),
        direct=bool(row["direct"]),
        sentence=row["sentence"],
        sentence_span=(row["sentence_start"], row["sentence_end"]),
        event_ids=tuple(row["event_ids"] or ()),
    )


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
        place.region if place else None,
        place.precision if place else None,
        place.origin if place else None,
        *_pair(place.span if place else None),
        *_pair(date.span if date else None),
        event.quote_id,
        list(event.themes),
        event.tone,
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
        date_origin=row["date_origin"],
        location_id=row["location_id"],
        location_region=row["location_region"],
        location_precision=row["location_precision"],
        quote_id=row["quote_id"],
        themes=tuple(row["themes"] or ()),
        tone=row["tone"],
    )


# -- re-coding and exports ----------------------------------------------------------------

_ARTICLE_COLUMNS = "id, origin, url, source, title, published, text, coded_at"


def _stored_article(row: tuple[Any, ...]) -> StoredArticle:
    article_id, origin, url, source, title, published, text, coded_at = row
    return StoredArticle(
        id=article_id,
        origin=origin or "",
        url=url,
        source=source,
        title=title,
        published=published,
        text=text,
        coded_at=coded_at,
    )


def _sourced_event(row: dict[str, Any], article: StoredArticle) -> SourcedEvent:
    return SourcedEvent(_stored_event(row), article, row["coder_version"])


# GDELT's column types, as DuckDB types.
_GDELT_SQL_TYPES = {"INTEGER": "BIGINT", "FLOAT": "DOUBLE", "STRING": "VARCHAR"}


def _gdelt_table(schema: GdeltSchema) -> str:
    columns = ", ".join(f'"{c.name}" {_GDELT_SQL_TYPES[c.type]}' for c in schema.columns)
    return (
        f"CREATE TABLE IF NOT EXISTS gdelt_events ({columns}, "
        f'PRIMARY KEY ("{schema.columns[0].name}"))'
    )


def _gdelt_read_columns(schema: GdeltSchema) -> str:
    return ", ".join(f"'{c.name}': '{_GDELT_SQL_TYPES[c.type]}'" for c in schema.columns)
