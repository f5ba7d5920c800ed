"""Read-only questions asked of a store by the web interface and the plots: pages of events
under filters, one event with its mentions, time series by QuadClass, dyads, the actor
network, places and quotes.

Every value a user gives reaches SQL as a parameter. The only text joined into SQL is this
module's own: column lists, and the fragments an ``Order`` or ``Level`` picks from fixed maps.
Each thread asks through a cursor of its own, so a server may answer requests in parallel.

A store that will only be read from now on (a server's snapshot) can be ``prepare``d: it
then also holds a word index for text searches, and the event index, a narrow copy of the
columns that filters, orders and counts read, sorted newest first, with actor and CAMEO codes
as numbers. Codes are numbered in sorted order, so the codes that start with a prefix are a
run of numbers, and a prefix filter compares two integers instead of matching strings; a
page of the newest events stops reading once it has its rows. When the questions are asked
of a prepared store, the event index is also read into memory as arrays, which answer pages,
series, dyads, the network and places without DuckDB's scans (``store/memory.py``). Text
searches of more than one word read the sentences in the events table, as in an unprepared
store: the answers are the same either way (tests/test_event_index.py).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from communique.errors import QueryError
from communique.store.duckdb import (
    _ARTICLE_COLUMNS,
    _EVENT_COLUMNS,
    _QUOTE_COLUMNS,
    EventStore,
    StoredArticle,
    StoredEvent,
    StoredQuote,
    _stored_article,
    _stored_event,
    _stored_quote,
)
from communique.store.memory import (
    ROW_FILES,
    IndexArrays,
    Mask,
    QuoteArrays,
    RowFile,
    prefix_run,
    rows_path,
    write_rows,
)

# GDELT's QuadClass, which follows from the CAMEO root (coding/ontology.py).
QUAD_CLASSES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

# An actor code or prefix: a country (ISO 3166 alpha-3, IGO, or --- when unknown), sectors.
ACTOR_CODE = re.compile(r"^[A-Za-z0-9-]{1,15}$")
CAMEO_CODE = re.compile(r"^\d{2,4}$")
PLOVER_TYPE = re.compile(r"^[A-Za-z_]{2,30}$")
MAX_TEXT = 200  # characters of a text search
# The words of the search index: runs of ASCII letters and digits, in lower case. A text's
# run is inside one of a matching sentence's, so the index finds every match (and more,
# which ILIKE then drops); a text without one is searched sentence by sentence.
SEARCH_WORD = re.compile(r"[a-z0-9]+")
_SEARCH_SPLIT = "[^a-z0-9]+"


class Interval(StrEnum):
    """The period a time series counts by; weeks start on Monday."""

    day = "day"
    week = "week"
    month = "month"


class Order(StrEnum):
    """How a page of events is sorted."""

    newest = "newest"
    oldest = "oldest"
    conflict = "conflict"  # the lowest Goldstein value first
    cooperation = "cooperation"


_ORDER_SQL = {
    Order.newest: "date DESC NULLS LAST, id",
    Order.oldest: "date NULLS LAST, id",
    Order.conflict: "goldstein, date DESC NULLS LAST, id",
    Order.cooperation: "goldstein DESC, date DESC NULLS LAST, id",
}


# The same orders on the event index, whose ``newest`` and ``oldest`` number the events in
# the first two (each event once: ids are unique), so that every order is the same.
_INDEX_ORDER_SQL = {
    Order.newest: "newest",
    Order.oldest: "oldest",
    Order.conflict: "goldstein, newest",
    Order.cooperation: "goldstein DESC, newest",
}


class Level(StrEnum):
    """What a node of the actor network is: a country (the code's first three letters,
    which also groups IGOs and unknown countries, ``---``) or a whole actor code."""

    country = "country"
    code = "code"


_LEVEL_SQL = {
    # The country column, read faster than a slice of every code; codes without one
    # (IGO..., ---...) by their first three letters.
    Level.country: (
        "coalesce(source_country, left(source_code, 3))",
        "coalesce(target_country, left(target_code, 3))",
    ),
    Level.code: ("source_code", "target_code"),
}


# The event index's numbers for the events' codes.
_INDEX_IDS = {"source_code": "source_id", "target_code": "target_id", "cameo": "cameo_id"}


@dataclass(frozen=True, slots=True)
class EventIndex:
    """The codes the event index numbers, in order: the code at position k is number k + 1.
    ``codes``: actor codes, as source or target; ``cameos``: CAMEO codes."""

    codes: tuple[str, ...]
    cameos: tuple[str, ...]

    def prefix_ids(self, column: str, prefix: str) -> tuple[int, int]:
        """The first and last number of the codes in ``column`` that start with ``prefix``;
        (k + 1, k), which no number is between, when none does."""
        return prefix_run(self.cameos if column == "cameo" else self.codes, prefix)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events a question is about. Actor codes match exactly or as a prefix ("CHN"
    matches "CHNGOV"); ``actor`` on either side, ``dyad`` in either direction; ``cameo`` a
    code or its root ("04"); ``place`` a place name (any case) or a country code; ``text``
    words in the sentence (any case)."""

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    dyad: tuple[str, str] | None = None
    cameo: str | None = None
    plover: str | None = None
    quad_classes: tuple[int, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    place: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        codes = [("actor", self.actor), ("source", self.source), ("target", self.target)]
        if self.dyad is not None:
            codes += [("dyad", self.dyad[0]), ("dyad", self.dyad[1])]
        for name, code in codes:
            if code is not None and not ACTOR_CODE.match(code):
                raise QueryError(
                    f"{name}: {code!r} is not an actor code (letters, digits and '-', "
                    "e.g. CHN, CHNGOV, ---REB)"
                )
        if self.cameo is not None and not CAMEO_CODE.match(self.cameo):
            raise QueryError(f"cameo: {self.cameo!r} is not a CAMEO code (2 to 4 digits: 04, 040)")
        if self.plover is not None and not PLOVER_TYPE.match(self.plover):
            raise QueryError(f"plover: {self.plover!r} is not a PLOVER type (e.g. CONSULT)")
        for quad in self.quad_classes:
            if quad not in QUAD_CLASSES:
                known = ", ".join(f"{k} ({name})" for k, name in QUAD_CLASSES.items())
                raise QueryError(f"quad_class: unknown QuadClass {quad}; use {known}")
        if self.since and self.until and self.since > self.until:
            raise QueryError(f"since ({self.since}) is after until ({self.until})")
        if self.text is not None and len(self.text) > MAX_TEXT:
            raise QueryError(f"q: text search longer than {MAX_TEXT} characters")

    def where(
        self, searchable: bool = False, index: EventIndex | None = None
    ) -> tuple[str, list[object]]:
        """The SQL condition (``TRUE`` for all events) and its parameters; ``searchable``:
        the store has the word index of ``prepare``; ``index``: the condition is on the
        event index (``EVENT_INDEX``) instead of the events table, which a text search
        cannot be."""
        if index is not None and self.text:
            raise QueryError("a text search reads the events table, not the event index")
        clauses: list[str] = []
        params: list[object] = []

        def starts(column: str, prefix: str) -> str:
            if index is None:
                params.append(prefix)
                return f"starts_with({column}, ?)"
            params.extend(index.prefix_ids(column, prefix))
            return f"{_INDEX_IDS[column]} BETWEEN ? AND ?"

        if self.actor:
            actor = self.actor.upper()
            clauses.append(f"({starts('source_code', actor)} OR {starts('target_code', actor)})")
        for column, code in (("source_code", self.source), ("target_code", self.target)):
            if code:
                clauses.append(starts(column, code.upper()))
        if self.dyad:
            a, b = self.dyad[0].upper(), self.dyad[1].upper()
            one_way = f"({starts('source_code', a)} AND {starts('target_code', b)})"
            other_way = f"({starts('source_code', b)} AND {starts('target_code', a)})"
            if index is None:
                clauses.append(f"({one_way} OR {other_way})")
            else:
                # The same condition. From an OR of ranges DuckDB (2.0) derives a filter for
                # the scan that costs ten times the count it serves; it leaves a CASE alone.
                clauses.append(f"CASE WHEN {one_way} THEN true ELSE {other_way} END")
        if self.cameo:
            clauses.append(starts("cameo", self.cameo))
        if self.plover:
            clauses.append("plover = ?")
            params.append(self.plover.upper())
        if self.quad_classes:
            clauses.append(f"quad_class IN ({', '.join('?' * len(self.quad_classes))})")
            params += list(self.quad_classes)
        if self.since:
            clauses.append("date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("date <= ?")
            params.append(self.until)
        if self.place:
            name = "location_key" if index is not None else "lower(location_name)"
            clauses.append(f"({name} = lower(?) OR location_country = upper(?))")
            params += [self.place, self.place]
        if self.text:
            words = sorted(set(SEARCH_WORD.findall(self.text.lower()))) if searchable else []
            for word in words:
                # Only events with a word holding each word of the text can match.
                clauses.append(
                    "id IN (SELECT id FROM search_words WHERE word_id IN "
                    "(SELECT word_id FROM search_vocabulary WHERE contains(word, ?)))"
                )
                params.append(word)
            if words != [self.text.lower()]:  # one word is found exactly by the index
                # ILIKE with the user's wildcards escaped: the words are matched as written.
                clauses.append("sentence ILIKE ? ESCAPE '\\'")
                params.append("%" + re.sub(r"([%_\\])", r"\\\1", self.text) + "%")
        return (" AND ".join(clauses) or "TRUE"), params


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of the events a query matches, and how many it matches in all."""

    total: int
    events: list[StoredEvent]


@dataclass(frozen=True, slots=True)
class Highlight:
    """Coded words of an event in its sentence: ``start``/``end`` count from the sentence's
    first character. ``kind``: source, target, trigger, object, place or date."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a sentence, with its offsets in the sentence."""

    code: str
    name: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EventMention:
    """One report of an event: the article and sentence that tell it, and its coded words.
    (An event has one until reports of the same event are clustered.)"""

    article: StoredArticle
    sentence: str
    sentence_span: tuple[int, int]
    highlights: list[Highlight]
    actors: list[ActorMention]


@dataclass(frozen=True, slots=True)
class EventDetail:
    event: StoredEvent
    mentions: list[EventMention]


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """Events of one QuadClass in one period, and their mean Goldstein value."""

    period: dt.date
    quad_class: int
    events: int
    goldstein: float


@dataclass(frozen=True, slots=True)
class DyadCount:
    """Events between two countries (either direction): ``a`` sorts before ``b``."""

    a: str
    b: str
    events: int
    goldstein: float
    conflict: int  # events of QuadClass 3 and 4


@dataclass(frozen=True, slots=True)
class ActorCount:
    code: str
    name: str | None  # the name the code goes by most often
    events: int
    as_source: int
    as_target: int


@dataclass(frozen=True, slots=True)
class Edge:
    """Events from ``source`` to ``target``, and their mean Goldstein value."""

    source: str
    target: str
    events: int
    goldstein: float


@dataclass(frozen=True, slots=True)
class PlaceCount:
    name: str
    country: str | None
    lat: float
    lon: float
    events: int
    goldstein: float


@dataclass(frozen=True, slots=True)
class QuotePage:
    total: int
    quotes: list[StoredQuote]


@dataclass(frozen=True, slots=True)
class StoreSummary:
    events: int
    articles: int
    first_date: dt.date | None
    last_date: dt.date | None


class StoreQueries:
    """The read-only questions, asked of one open store (best opened ``read_only``).
    ``threads``: how many threads DuckDB gives one question (default: one per core); a
    server that asks many at once does better with 1, its questions sharing the cores."""

    def __init__(self, store: EventStore, threads: int | None = None) -> None:
        self._store = store
        if threads is not None:
            store._db.execute(f"SET threads = {int(threads)}")
        self._local = threading.local()
        self._cursors: list[Any] = []
        self._lock = threading.Lock()
        self._searchable = _has_tables(store, _SEARCH_TABLES)
        self._index = _event_index(store)
        # A prepared store's pages of events, answered from memory (store/memory.py).
        self._arrays: IndexArrays | None = None
        self._event_rows: RowFile | None = None
        self._quotes: tuple[QuoteArrays, RowFile] | None = None
        if self._index is not None and all(rows_path(store.path, k).exists() for k in ROW_FILES):
            self._arrays = IndexArrays.load(store._db, EVENT_INDEX, self._index)
            self._event_rows = RowFile(rows_path(store.path, "events"))
            quotes = RowFile(rows_path(store.path, "quotes"))
            self._quotes = QuoteArrays.load(quotes), quotes
        self._summary: StoreSummary | None = None
        # How many events match a filter, by its SQL and parameters: the pages of one filter
        # share it, and the store does not change while it is read.
        self._totals: dict[tuple[str, tuple[object, ...]], int] = {}

    def _cursor(self) -> Any:
        # A DuckDB connection must not be used by two threads at once; a cursor is a
        # connection of its own to the same database, kept for the thread's later requests.
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._store._db.cursor()
            self._local.cursor = cursor
            with self._lock:
                self._cursors.append(cursor)
        return cursor

    def _rows(self, sql: str, params: Sequence[object]) -> list[dict[str, Any]]:
        cursor = self._cursor().execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
            if self._event_rows is not None and self._quotes is not None:
                self._event_rows.close()
                self._quotes[1].close()
                self._arrays, self._event_rows, self._quotes = None, None, None

    # -- events ---------------------------------------------------------------------------

    def summary(self) -> StoreSummary:
        """Counts and dates, read once: the store does not change while it is read."""
        if self._summary is None:
            self._summary = self._count()
        return self._summary

    def _count(self) -> StoreSummary:
        (events, first, last), (articles,) = (
            self._cursor().execute(sql).fetchone()
            for sql in (
                "SELECT count(*), min(date), max(date) FROM events",
                "SELECT count(*) FROM articles",
            )
        )
        return StoreSummary(int(events), int(articles), first, last)

    def _in_memory(self, query: EventQuery) -> tuple[IndexArrays, Mask] | None:
        """The arrays that answer ``query`` without DuckDB's scans, if the store has them,
        and the events ``query`` matches; None for a text search that is not one word of
        the word index (its sentences are matched by DuckDB)."""
        if self._arrays is None:
            return None
        searched = None
        if query.text:
            word = query.text.lower()
            if not self._searchable or SEARCH_WORD.findall(word) != [word]:
                return None
            searched = (
                self._cursor()
                .execute(
                    "SELECT newest - 1 AS position FROM search_words WHERE word_id IN "
                    "(SELECT word_id FROM search_vocabulary WHERE contains(word, ?))",
                    [word],
                )
                .fetchnumpy()["position"]
            )
        return self._arrays, self._arrays.matches(query, searched)

    def _filtered(self, query: EventQuery) -> tuple[str, str, list[object]]:
        """The table that answers questions about ``query``'s events (the event index when
        there is one and it can), the SQL condition, and its parameters."""
        if self._index is not None and not query.text:
            return (EVENT_INDEX, *query.where(index=self._index))
        return ("events", *query.where(self._searchable))

    def _total(self, table: str, where: str, params: list[object]) -> int:
        key = (f"{table}: {where}", tuple(params))
        with self._lock:
            total = self._totals.get(key)
        if total is None:
            (found,) = (
                self._cursor()
                .execute(f"SELECT count(*) FROM {table} WHERE {where}", params)
                .fetchone()
            )
            total = int(found)
            with self._lock:
                if len(self._totals) >= _TOTALS_KEPT:
                    self._totals.clear()
                self._totals[key] = total
        return total

    def events(
        self,
        query: EventQuery,
        limit: int = 50,
        offset: int = 0,
        order: Order = Order.newest,
    ) -> EventPage:
        memory = self._in_memory(query)
        if memory is not None and self._event_rows is not None:
            total, positions = memory[0].page(memory[1], limit, offset, order)
            return EventPage(total, [_stored_event(r) for r in self._event_rows.rows(positions)])
        table, where, params = self._filtered(query)
        if table == EVENT_INDEX:
            # The count of the matches, then the page's ids in order: the index is sorted
            # newest first, so that page stops reading at its last row.
            total = self._total(table, where, params)
            if offset >= total:
                return EventPage(total, [])
            ids = [
                event_id
                for (event_id,) in self._cursor()
                .execute(
                    f"SELECT id FROM {EVENT_INDEX} WHERE {where} "
                    f"ORDER BY {_INDEX_ORDER_SQL[order]} LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                )
                .fetchall()
            ]
            return EventPage(total, self._events_by_id(ids))
        # One scan finds the matches; the page's ids come with their count. Then the page's
        # rows by key: sorting only the columns that order them is several times faster
        # than sorting every column of every match.
        page = (
            self._cursor()
            .execute(
                "WITH matched AS MATERIALIZED "
                f"(SELECT id, date, goldstein FROM events WHERE {where}) "
                "SELECT id, (SELECT count(*) FROM matched) FROM matched "
                f"ORDER BY {_ORDER_SQL[order]} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            .fetchall()
        )
        if not page:
            return EventPage(self._total(table, where, params), [])
        return EventPage(int(page[0][1]), self._events_by_id([event_id for event_id, _ in page]))

    def _events_by_id(self, ids: list[str]) -> list[StoredEvent]:
        """The events of ``ids``, in that order, read by key."""
        if not ids:
            return []
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        found = {row["id"]: _stored_event(row) for row in rows}
        return [found[i] for i in ids]

    def event(self, event_id: str) -> EventDetail | None:
        """One event with its mentions; None if there is no such event."""
        if self._arrays is not None and self._event_rows is not None:
            position = self._arrays.position(event_id)
            rows = [] if position is None else self._event_rows.rows([position])
        else:
            rows = self._rows(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", [event_id])
        if not rows:
            return None
        row = rows[0]
        event = _stored_event(row)
        found = (
            self._cursor()
            .execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", [event.article_id])
            .fetchone()
        )
        article = (
            _stored_article(found)
            if found
            else StoredArticle(event.article_id, "", None, None, None, None, "", None)
        )
        start, end = event.span
        actors = [
            ActorMention(
                r["code"], r["name"], r["text"], r["span_start"] - start, r["span_end"] - start
            )
            for r in self._rows(
                "SELECT code, name, text, span_start, span_end FROM mentions "
                "WHERE article_id = ? AND span_start >= ? AND span_end <= ? "
                "ORDER BY span_start, span_end",
                [event.article_id, start, end],
            )
        ]
        spans = {
            "source": event.source.span if event.source else None,
            "target": event.target.span if event.target else None,
            "trigger": _pair(row["trigger_start"], row["trigger_end"]),
            "object": event.object_span,
            "place": _pair(row["location_start"], row["location_end"]),
            "date": _pair(row["date_start"], row["date_end"]),
        }
        highlights = [
            Highlight(kind, max(a, start) - start, min(b, end) - start)
            for kind, span in spans.items()
            if span is not None
            for a, b in [span]
            if a < b and a < end and b > start
        ]
        mention = EventMention(article, event.sentence, event.span, highlights, actors)
        return EventDetail(event, [mention])

    def series(self, query: EventQuery, interval: Interval = Interval.month) -> list[SeriesPoint]:
        """Events per period and QuadClass, with their mean Goldstein value, oldest first;
        events without a date are left out."""
        memory = self._in_memory(query)
        if memory is not None:
            return [SeriesPoint(*row) for row in memory[0].series(memory[1], interval.value)]
        table, where, params = self._filtered(query)
        rows = (
            self._cursor()
            .execute(
                "SELECT date_trunc(?, date)::DATE AS period, quad_class, count(*), avg(goldstein) "
                f"FROM {table} WHERE date IS NOT NULL AND {where} "
                "GROUP BY 1, 2 ORDER BY period, quad_class",
                [interval.value, *params],
            )
            .fetchall()
        )
        return [SeriesPoint(p, int(q), int(n), float(g)) for p, q, n, g in rows]

    def dyads(self, query: EventQuery, limit: int = 10) -> list[DyadCount]:
        """The pairs of countries with the most events between them, either way."""
        memory = self._in_memory(query)
        if memory is not None:
            return [DyadCount(*row) for row in memory[0].dyads(memory[1], limit)]
        table, where, params = self._filtered(query)
        rows = (
            self._cursor()
            .execute(
                "WITH pairs AS (SELECT coalesce(source_country, left(source_code, 3)) AS s, "
                "coalesce(target_country, left(target_code, 3)) AS t, "
                f"goldstein, quad_class FROM {table} WHERE target_code IS NOT NULL AND {where}) "
                "SELECT least(s, t) AS a, greatest(s, t) AS b, count(*) AS n, avg(goldstein), "
                "count(*) FILTER (WHERE quad_class >= 3) FROM pairs WHERE s <> t "
                "GROUP BY 1, 2 ORDER BY n DESC, a, b LIMIT ?",
                [*params, limit],
            )
            .fetchall()
        )
        return [DyadCount(a, b, int(n), float(g), int(c)) for a, b, n, g, c in rows]

    def actors(self, prefix: str | None = None, limit: int = 50) -> list[ActorCount]:
        """Actor codes by how many events they take part in; ``prefix`` narrows the codes."""
        if prefix is not None and not ACTOR_CODE.match(prefix):
            raise QueryError(f"q: {prefix!r} is not an actor code or prefix (e.g. CHN)")
        rows = (
            self._cursor()
            .execute(
                "WITH sides AS ("
                "SELECT source_code AS code, source_name AS name, 1 AS s, 0 AS t FROM events "
                "WHERE starts_with(source_code, ?) UNION ALL "
                "SELECT target_code, target_name, 0, 1 FROM events "
                "WHERE starts_with(target_code, ?)) "
                "SELECT code, mode(name), count(*) AS n, sum(s), sum(t) FROM sides "
                "GROUP BY code ORDER BY n DESC, code LIMIT ?",
                [(prefix or "").upper()] * 2 + [limit],
            )
            .fetchall()
        )
        return [ActorCount(c, name, int(n), int(s), int(t)) for c, name, n, s, t in rows]

    def network(
        self, query: EventQuery, level: Level = Level.country, limit: int = 100
    ) -> list[Edge]:
        """The ``limit`` heaviest directed edges between actors, by events."""
        memory = self._in_memory(query)
        if memory is not None:
            return [Edge(*row) for row in memory[0].network(memory[1], level.value, limit)]
        table, where, params = self._filtered(query)
        source, target = _LEVEL_SQL[level]
        rows = (
            self._cursor()
            .execute(
                f"SELECT {source} AS s, {target} AS t, count(*) AS n, avg(goldstein) "
                f"FROM {table} WHERE target_code IS NOT NULL AND {where} "
                "GROUP BY 1, 2 HAVING s <> t ORDER BY n DESC, s, t LIMIT ?",
                [*params, limit],
            )
            .fetchall()
        )
        return [Edge(s, t, int(n), float(g)) for s, t, n, g in rows]

    def places(self, query: EventQuery, limit: int = 500) -> list[PlaceCount]:
        """Where events took place, the places with most events first."""
        memory = self._in_memory(query)
        if memory is not None:
            return [
                PlaceCount(name or "?", country, lat, lon, n, g)
                for name, country, lat, lon, n, g in memory[0].where(memory[1], limit)
            ]
        table, where, params = self._filtered(query)
        rows = (
            self._cursor()
            .execute(
                "SELECT location_name, any_value(location_country), avg(lat), avg(lon), "
                f"count(*) AS n, avg(goldstein) FROM {table} "
                f"WHERE lat IS NOT NULL AND lon IS NOT NULL AND {where} "
                "GROUP BY location_name, location_id ORDER BY n DESC, location_name LIMIT ?",
                [*params, limit],
            )
            .fetchall()
        )
        return [
            PlaceCount(name or "?", country, float(lat), float(lon), int(n), float(g))
            for name, country, lat, lon, n, g in rows
        ]

    # -- quotes ---------------------------------------------------------------------------

    def quotes(
        self,
        speaker: str | None = None,
        article_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> QuotePage:
        """Quotes in reading order, with the events told in each; ``speaker`` matches a
        code exactly or as a prefix."""
        if speaker is not None and not ACTOR_CODE.match(speaker):
            raise QueryError(f"speaker: {speaker!r} is not an actor code (e.g. CHN, CHNGOV)")
        known = (
            self._cursor()
            .execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'quotes'")
            .fetchone()
        )
        if known is None:  # a store from before quotes, opened read-only
            return QuotePage(0, [])
        if self._quotes is not None:
            numbered, kept = self._quotes
            total, positions = numbered.page(speaker, article_id, limit, offset)
            return QuotePage(total, [_stored_quote(row) for row in kept.rows(positions)])
        clauses, params = ["TRUE"], []
        if speaker:
            clauses.append("starts_with(speaker_code, ?)")
            params.append(speaker.upper())
        if article_id:
            clauses.append("article_id = ?")
            params.append(article_id)
        where = " AND ".join(clauses)
        (total,) = (
            self._cursor().execute(f"SELECT count(*) FROM quotes WHERE {where}", params).fetchone()
        )
        rows = self._rows(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes WHERE {where} "
            f"ORDER BY {_QUOTE_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        told: dict[str, list[str]] = {}
        if rows:
            ids = [row["id"] for row in rows]
            marks = ", ".join("?" * len(ids))
            told = dict(
                self._cursor()
                .execute(
                    "SELECT quote_id, list(id ORDER BY id) FROM events "
                    f"WHERE quote_id IN ({marks}) GROUP BY quote_id",
                    ids,
                )
                .fetchall()
            )
        quotes = [_stored_quote({**row, "event_ids": told.get(row["id"])}) for row in rows]
        return QuotePage(int(total), quotes)


_SEARCH_TABLES = ("search_vocabulary", "search_words")
_QUOTE_ORDER = "article_id, span_start, id"  # reading order
EVENT_INDEX = "event_index"
_INDEX_TABLES = (EVENT_INDEX, "event_index_codes", "event_index_cameos")
_TOTALS_KEPT = 8192


def prepare(store: EventStore) -> None:
    """Add to a store that will only be read from now on (a server's snapshot) what makes
    questions quick: the word index of text searches, the event index, and the events' rows
    in the index's order and the quotes in reading order in files beside the store
    (``memory.rows_path``); the mentions sorted by article."""
    _prepare_event_index(store)
    _prepare_search(store)
    # An event page reads its article's mentions: sorted by article, they are one block.
    store._db.execute(
        "CREATE OR REPLACE TABLE mentions AS SELECT * FROM mentions "
        "ORDER BY article_id, span_start, span_end"
    )
    write_rows(
        store._db,
        f"SELECT {_EVENT_COLUMNS} FROM events JOIN (SELECT id, newest FROM {EVENT_INDEX}) "
        "USING (id) ORDER BY newest",
        rows_path(store.path, "events"),
    )
    write_rows(
        store._db,
        f"SELECT {_QUOTE_COLUMNS}, told.event_ids FROM quotes LEFT JOIN (SELECT quote_id, "
        "list(id ORDER BY id) AS event_ids FROM events WHERE quote_id IS NOT NULL "
        f"GROUP BY quote_id) told ON told.quote_id = quotes.id ORDER BY {_QUOTE_ORDER}",
        rows_path(store.path, "quotes"),
    )


def _prepare_search(store: EventStore) -> None:
    """Each word of the events' sentences (``SEARCH_WORD``), and the events it is in, by id
    and by rank in the event index."""
    db = store._db
    db.execute(
        "CREATE OR REPLACE TEMP TABLE sentence_words AS SELECT id, "
        f"unnest(string_split_regex(lower(sentence), '{_SEARCH_SPLIT}')) AS word FROM events"
    )
    db.execute(
        "CREATE OR REPLACE TABLE search_vocabulary AS "
        "SELECT word, (row_number() OVER (ORDER BY word))::INTEGER AS word_id "
        "FROM (SELECT DISTINCT word FROM sentence_words WHERE word <> '')"
    )
    db.execute(
        "CREATE OR REPLACE TABLE search_words AS SELECT v.word_id, w.id, i.newest "
        "FROM sentence_words w JOIN search_vocabulary v USING (word) "
        f"JOIN {EVENT_INDEX} i USING (id) ORDER BY v.word_id, i.newest"
    )
    db.execute("DROP TABLE sentence_words")


def _prepare_event_index(store: EventStore) -> None:
    """The columns of the events that filters, orders and groups read, newest first, with
    codes numbered in sorted order (``EventIndex``)."""
    db = store._db
    db.execute(
        "CREATE OR REPLACE TABLE event_index_codes AS "
        "SELECT code, (row_number() OVER (ORDER BY code))::INTEGER AS code_id FROM "
        "(SELECT source_code AS code FROM events UNION SELECT target_code FROM events) "
        "WHERE code IS NOT NULL"
    )
    db.execute(
        "CREATE OR REPLACE TABLE event_index_cameos AS "
        "SELECT cameo, (row_number() OVER (ORDER BY cameo))::INTEGER AS cameo_id "
        "FROM (SELECT DISTINCT cameo FROM events WHERE cameo IS NOT NULL)"
    )
    db.execute(
        f"CREATE OR REPLACE TABLE {EVENT_INDEX} AS SELECT "
        f"(row_number() OVER (ORDER BY {_ORDER_SQL[Order.newest]}))::INTEGER AS newest, "
        f"(row_number() OVER (ORDER BY {_ORDER_SQL[Order.oldest]}))::INTEGER AS oldest, * "
        "FROM (SELECT e.id, e.date, e.goldstein, e.quad_class, e.plover, "
        "s.code_id AS source_id, t.code_id AS target_id, c.cameo_id, "
        "e.source_code, e.source_country, e.target_code, e.target_country, "
        "lower(e.location_name) AS location_key, e.location_name, e.location_id, "
        "e.location_country, e.lat, e.lon FROM events e "
        "LEFT JOIN event_index_codes s ON s.code = e.source_code "
        "LEFT JOIN event_index_codes t ON t.code = e.target_code "
        "LEFT JOIN event_index_cameos c ON c.cameo = e.cameo) "
        "ORDER BY newest"
    )


def _event_index(store: EventStore) -> EventIndex | None:
    """The codes of the store's event index; None if it has none."""
    if not _has_tables(store, _INDEX_TABLES):
        return None
    codes, cameos = (
        tuple(value for (value,) in store._db.execute(sql).fetchall())
        for sql in (
            "SELECT code FROM event_index_codes ORDER BY code_id",
            "SELECT cameo FROM event_index_cameos ORDER BY cameo_id",
        )
    )
    # A prefix's codes are a run of numbers if DuckDB sorted them as Python does (by code
    # point, as UTF-8 bytes sort); under any other collation, the index is not used.
    if any(list(values) != sorted(set(values)) for values in (codes, cameos)):
        return None
    return EventIndex(codes, cameos)


def _has_tables(store: EventStore, names: tuple[str, ...]) -> bool:
    row = store._db.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ANY(?)", [list(names)]
    ).fetchone()
    return row is not None and int(row[0]) == len(names)


def _pair(start: int | None, end: int | None) -> tuple[int, int] | None:
    return (start, end) if start is not None and end is not None else None
