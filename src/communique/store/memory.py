"""What a server's snapshot keeps at hand to answer a page of events without asking DuckDB:
the event index's filter columns as arrays in memory, and the events' rows in an Arrow file
read by position; the same for quotes.

A page of events is the most asked question of `communique serve`, and the one whose
answers repeat least (every filter, date range and offset is a page of its own). Asked of
DuckDB, it costs three scans: the count of the matches, the page's ids, and the page's rows,
for which DuckDB decompresses a block of every one of some sixty columns for each row read.
Here it costs a few comparisons of integer arrays (numpy works outside the GIL), and one
slice of a memory-mapped file for each row.

1. ``write_rows`` (called by ``queries.prepare``) writes the events, newest first as in the
   event index, to ``rows_path(store, "events")``: an uncompressed Arrow IPC file beside the
   snapshot (some 500 bytes an event; it is deleted with the snapshot). The quotes go to
   ``rows_path(store, "quotes")`` in reading order, each with the ids of the events it tells.
2. ``IndexArrays.load`` reads the event index's columns into arrays: codes and CAMEO codes
   as the index numbers them, place names and PLOVER types numbered here, dates as days.
   Position k of every array is the event of rank k + 1 in the index's ``newest`` order.
   ``QuoteArrays.load`` numbers the quotes' speakers and articles.
3. ``IndexArrays.page`` finds the positions of a query's page; ``RowFile.rows`` reads them.

The conditions are ``EventQuery.where``'s, written again over arrays: tests/test_event_index.py
asks every filter, order and page of both and of a store's events table, and compares.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.ipc as ipc

if TYPE_CHECKING:
    from communique.store.queries import EventIndex, EventQuery, Order

Mask = npt.NDArray[np.bool_]
Positions = npt.NDArray[np.intp]
Integers = npt.NDArray[np.signedinteger[Any]]

_EPOCH = dt.date(1970, 1, 1)
_INTERVALS = ("day", "week", "month")
_BATCH_ROWS = 65_536  # rows of one record batch of the rows file
# Columns read by name: the event index numbers codes, the rest are numbered here.
_NUMBERED = ("plover", "location_key", "location_country")


ROW_FILES = ("events", "quotes")


def rows_path(store_path: Path, kind: str) -> Path:
    """The file of the rows of ``kind`` (``ROW_FILES``) of the store at ``store_path``."""
    return store_path.with_name(f"{store_path.name}.{kind}.arrow")


def write_rows(db: Any, select: str, path: Path, batch: int = _BATCH_ROWS) -> None:
    """Write the rows of the query ``select``, in its order, to ``path``, ``batch`` rows at
    a time; ``db`` is the DuckDB connection of a prepared store."""
    reader = db.sql(select).to_arrow_reader(batch)
    written = path.with_name(path.name + ".part")
    with pa.OSFile(str(written), "wb") as sink, ipc.new_file(sink, reader.schema) as file:
        for batch in reader:
            file.write_batch(batch)
    written.replace(path)


class RowFile:
    """The rows of a file that ``write_rows`` wrote, read by position (from 0)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._source = pa.memory_map(str(path))
        file = ipc.open_file(self._source)
        self._batches = [file.get_batch(i) for i in range(file.num_record_batches)]
        self._names = file.schema.names
        sizes = [batch.num_rows for batch in self._batches]
        self._starts = np.cumsum([0, *sizes])  # the first position of each batch, and the end
        self.count = int(self._starts[-1])

    def column(self, name: str) -> list[Any]:
        """Every row's value of the column ``name``."""
        return [value for batch in self._batches for value in batch.column(name).to_pylist()]

    def rows(self, positions: Positions | list[int]) -> list[dict[str, Any]]:
        """The rows at ``positions``, in that order, as DuckDB gives them (column: value)."""
        if len(positions) == 0:
            return []
        positions = np.asarray(positions)
        batches = np.searchsorted(self._starts, positions, side="right") - 1
        if len(np.unique(batches)) <= 4:
            # A few batches (a page of a common filter): the rows taken from each at once.
            pieces = [
                self._batches[b].take(pa.array(positions[batches == b] - self._starts[b]))
                for b in np.unique(batches).tolist()
            ]
            in_order = bool(np.all(batches[1:] >= batches[:-1]))
            restore = None if in_order else np.argsort(np.argsort(batches, kind="stable"))
        else:  # rows all over: one slice each, in order
            pieces = [
                self._batches[b].slice(p - int(self._starts[b]), 1)
                for p, b in zip(positions.tolist(), batches.tolist(), strict=True)
            ]
            restore = None
        table = pa.Table.from_batches(pieces).combine_chunks()
        if restore is not None:
            table = table.take(pa.array(restore))
        values = [column.to_pylist() for column in table.columns]
        return [dict(zip(self._names, row, strict=True)) for row in zip(*values, strict=True)]

    def close(self) -> None:
        self._batches = []
        self._source.close()


@dataclass(frozen=True, slots=True)
class IndexArrays:
    """The event index's filter and order columns, position k being rank k + 1 newest first.
    Numbers start at 1; 0 is a missing value (no code, no place), which no filter matches."""

    index: EventIndex
    # Integers in the narrowest type that holds them: a filter reads each array whole.
    source_id: Integers
    target_id: Integers
    cameo_id: Integers
    quad_class: npt.NDArray[np.int8]
    dated: Mask
    day: Integers  # days since 1970-01-01
    oldest: npt.NDArray[np.int32]  # the rank in the index's oldest-first order
    goldstein: npt.NDArray[np.float64]  # NaN when missing
    numbers: dict[str, dict[str, int]]  # the numbers of PLOVER types, place keys, countries
    numbered: dict[str, Integers]
    # For the counts: each side's country (its code's first three letters when it has
    # none), numbered in the order of ``countries``; each event's place, numbered in the
    # order of ``places`` (name, country); and the place's coordinates (NaN when missing).
    countries: tuple[str, ...]
    source_country: Integers
    target_country: Integers
    places: tuple[tuple[str | None, str | None], ...]
    place: Integers
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    # The events' ids (UTF-8) in sorted order, and the position of each.
    ids: npt.NDArray[np.bytes_]
    id_positions: Positions
    # Each event's first day of its period, by interval (day, week, month); its sides as one
    # number, by kind (``_pairs``).
    periods: dict[str, npt.NDArray[np.int64]]
    pairs: dict[str, npt.NDArray[np.int64]]
    _orders: dict[str, Positions]  # the orders other than newest, worked out when first asked

    @classmethod
    def load(cls, db: Any, table: str, index: EventIndex) -> IndexArrays:
        """Read the event index ``table`` through the DuckDB connection ``db``."""
        ranks = ", ".join(
            f"CASE WHEN {name} IS NULL THEN 0 ELSE dense_rank() OVER (ORDER BY {name}) END"
            f"::INTEGER AS {name}"
            for name in _NUMBERED
        )
        found = db.execute(
            "SELECT coalesce(source_id, 0)::INTEGER AS source_id, "
            "coalesce(target_id, 0)::INTEGER AS target_id, "
            "coalesce(cameo_id, 0)::INTEGER AS cameo_id, "
            "coalesce(quad_class, 0)::TINYINT AS quad_class, date IS NOT NULL AS dated, "
            f"coalesce(date - DATE '{_EPOCH}', 0)::INTEGER AS day, oldest::INTEGER AS oldest, "
            f"coalesce(goldstein, 'NaN'::DOUBLE) AS goldstein, {ranks}, "
            "dense_rank() OVER (ORDER BY location_name, location_id)::INTEGER AS place, "
            "coalesce(lat, 'NaN'::DOUBLE) AS lat, coalesce(lon, 'NaN'::DOUBLE) AS lon "
            f"FROM {table} ORDER BY newest"
        ).fetchnumpy()
        # A place is a name and an id, as the places question groups them; any country.
        places = db.execute(
            "SELECT location_name, any_value(location_country) FROM "
            f"{table} GROUP BY location_name, location_id ORDER BY location_name, location_id"
        ).fetchall()
        values = db.execute(f"SELECT encode(id) FROM {table} ORDER BY newest").fetchall()
        ids = np.array([value for (value,) in values], dtype=np.bytes_)
        by_id = np.argsort(ids, kind="stable")
        numbers: dict[str, dict[str, int]] = {}
        for name in _NUMBERED:
            # The same order as dense_rank's, which puts NULL after every value.
            values = db.execute(
                f"SELECT DISTINCT {name} FROM {table} WHERE {name} IS NOT NULL ORDER BY {name}"
            ).fetchall()
            numbers[name] = {value: k + 1 for k, (value,) in enumerate(values)}
        day = _narrow(found["day"])
        countries, sides = _countries(db, table)
        source_id, target_id = _narrow(found["source_id"]), _narrow(found["target_id"])
        return cls(
            index=index,
            source_id=source_id,
            target_id=target_id,
            cameo_id=_narrow(found["cameo_id"]),
            quad_class=np.asarray(found["quad_class"]),
            dated=np.asarray(found["dated"]),
            day=day,
            oldest=np.asarray(found["oldest"]),
            goldstein=np.asarray(found["goldstein"]),
            numbers=numbers,
            numbered={name: _narrow(found[name]) for name in _NUMBERED},
            countries=countries,
            source_country=sides[0],
            target_country=sides[1],
            places=tuple((name, country) for name, country in places),
            place=_narrow(found["place"]),
            lat=np.asarray(found["lat"]),
            lon=np.asarray(found["lon"]),
            ids=ids[by_id],
            id_positions=by_id,
            periods={interval: _period_start(day, interval) for interval in _INTERVALS},
            pairs={
                "dyads": _pairs(*sides, target_id, len(countries) + 1, either_way=True),
                "country": _pairs(*sides, target_id, len(countries) + 1),
                "code": _pairs(source_id, target_id, target_id, len(index.codes) + 1),
            },
            _orders={},
        )

    @property
    def count(self) -> int:
        return len(self.source_id)

    def matches(self, query: EventQuery, searched: Positions | None = None) -> Mask:
        """Which events ``query`` matches. The arrays do not hold the sentences: a text
        search needs ``searched``, the positions of the events whose sentence matches."""
        match = np.ones(self.count, dtype=np.bool_)
        if query.text:
            if searched is None:
                raise ValueError("a text search needs the positions of the events it finds")
            match[:] = False
            match[searched] = True
        if query.actor:
            actor = query.actor.upper()
            match &= self._starts("source_code", actor) | self._starts("target_code", actor)
        if query.source:
            match &= self._starts("source_code", query.source.upper())
        if query.target:
            match &= self._starts("target_code", query.target.upper())
        if query.dyad:
            a, b = query.dyad[0].upper(), query.dyad[1].upper()
            one_way = self._starts("source_code", a) & self._starts("target_code", b)
            other_way = self._starts("source_code", b) & self._starts("target_code", a)
            match &= one_way | other_way
        if query.cameo:
            match &= self._starts("cameo", query.cameo)
        if query.plover:
            match &= self._is("plover", query.plover.upper())
        if query.quad_classes:
            # A few comparisons: numpy's isin sorts, some ten times slower here.
            match &= np.logical_or.reduce([self.quad_class == q for q in query.quad_classes])
        if query.since or query.until:
            first = (query.since - _EPOCH).days if query.since else None
            last = (query.until - _EPOCH).days if query.until else None
            match &= self.dated & _between(self.day, first, last)
        if query.place:
            match &= self._is("location_key", query.place.lower()) | self._is(
                "location_country", query.place.upper()
            )
        return match

    def page(self, match: Mask, limit: int, offset: int, order: Order) -> tuple[int, Positions]:
        """How many events ``match`` holds, and the positions of a page of them in ``order``."""
        if order.value == "newest":  # the positions' own order: read until the page is full
            return _in_order(match, limit, offset)
        ordered = self._ordered(order.value)
        total = int(np.count_nonzero(match))
        return total, ordered[match[ordered]][offset : offset + limit]

    def position(self, event_id: str) -> int | None:
        """The position of the event ``event_id``; None if there is none."""
        key = event_id.encode("utf-8")
        at = int(np.searchsorted(self.ids, key))
        if at < len(self.ids) and self.ids[at] == key:
            return int(self.id_positions[at])
        return None

    def series(self, match: Mask, interval: str) -> list[tuple[dt.date, int, int, float]]:
        """Events per period (``interval``: day, week or month) and QuadClass, with their
        mean Goldstein value, oldest first; events without a date left out."""
        chosen = np.flatnonzero(match & self.dated)
        if len(chosen) == 0:
            return []
        period = self.periods[interval].take(chosen)
        first = int(period.min())
        quads = self.quad_class.take(chosen).astype(np.int64)
        groups = _Groups((period - first) * 5 + quads, self.goldstein.take(chosen))
        return [
            (_EPOCH + dt.timedelta(days=first + key // 5), key % 5, n, mean)
            for key, n, mean in groups.rows()
        ]

    def dyads(self, match: Mask, limit: int) -> list[tuple[str, str, int, float, int]]:
        """The pairs of countries with most events between them either way, with their mean
        Goldstein value and their events of conflict (QuadClass 3 and 4)."""
        pairs, size = self.pairs["dyads"], len(self.countries) + 1
        chosen = np.flatnonzero(match & (pairs > 0))
        conflict = (self.quad_class.take(chosen) >= 3).astype(np.float64)
        groups = _Groups(pairs.take(chosen), self.goldstein.take(chosen), conflict)
        top = groups.top(limit)
        return [
            (self.countries[k // size - 1], self.countries[k % size - 1], n, mean, int(c))
            for k, n, mean, c in top
        ]

    def network(self, match: Mask, level: str, limit: int) -> list[tuple[str, str, int, float]]:
        """The ``limit`` heaviest directed edges between countries (``level`` country) or
        codes (code), by events, with their mean Goldstein value."""
        names = self.countries if level == "country" else self.index.codes
        edges, size = self.pairs[level], len(names) + 1
        chosen = np.flatnonzero(match & (edges > 0))
        groups = _Groups(edges.take(chosen), self.goldstein.take(chosen))
        return [
            (names[k // size - 1], names[k % size - 1], n, mean) for k, n, mean in groups.top(limit)
        ]

    def where(
        self, match: Mask, limit: int
    ) -> list[tuple[str | None, str | None, float, float, int, float]]:
        """Where events took place (name, country, mean latitude and longitude), the places
        with most events first, with their mean Goldstein value."""
        chosen = np.flatnonzero(match & ~np.isnan(self.lat) & ~np.isnan(self.lon))
        groups = _Groups(
            self.place.take(chosen).astype(np.int64),
            self.goldstein.take(chosen),
            self.lat.take(chosen),
            self.lon.take(chosen),
        )
        return [
            (*self.places[k - 1], lat / n, lon / n, n, mean)
            for k, n, mean, lat, lon in groups.top(limit)
        ]

    def _starts(self, column: str, prefix: str) -> Mask:
        """The events whose code in ``column`` starts with ``prefix``: a run of numbers."""
        first, last = self.index.prefix_ids(column, prefix)
        ids = {"source_code": self.source_id, "target_code": self.target_id}.get(
            column, self.cameo_id
        )
        return _between(ids, first, last)

    def _is(self, name: str, value: str) -> Mask:
        number = self.numbers[name].get(value)
        if number is None:
            return np.zeros(self.count, dtype=np.bool_)
        found: Mask = self.numbered[name] == number
        return found

    def _ordered(self, order: str) -> Positions:
        """The positions in ``order`` (oldest, conflict, cooperation), worked out once."""
        found = self._orders.get(order)
        if found is None:
            positions = np.arange(self.count)
            if order == "oldest":
                found = np.argsort(self.oldest, kind="stable")
            else:
                # By Goldstein value (missing ones last either way), then newest first.
                value = self.goldstein if order == "conflict" else -self.goldstein
                found = np.lexsort((positions, np.where(np.isnan(value), np.inf, value)))
            self._orders[order] = found
        return found


def _pairs(
    source: Integers, target: Integers, target_code: Integers, size: int, either_way: bool = False
) -> npt.NDArray[np.int64]:
    """Each event's pair of sides as one number, ``source * size + target``: 0 when the
    event has no target code, or a side has no number, or both sides are the same;
    ``either_way``: the lower number first (dyads), else directed (the network's edges)."""
    first, second = source.astype(np.int64), target.astype(np.int64)
    if either_way:
        first, second = np.minimum(first, second), np.maximum(first, second)
    keep = (target_code > 0) & (source > 0) & (target > 0) & (source != target)
    return np.where(keep, first * size + second, 0)


def _in_order(match: Mask, limit: int, offset: int) -> tuple[int, Positions]:
    """How many ``match`` holds, and the positions of a page of them in their own order."""
    total = int(np.count_nonzero(match))
    if offset >= total:
        return total, np.empty(0, dtype=np.intp)
    return total, _first(match, offset + limit)[offset:]


def _first(match: Mask, count: int, block: int = 65_536) -> Positions:
    """The positions of the first ``count`` events ``match`` holds, a block at a time: a
    page of a common filter is found in the first block."""
    found: list[Positions] = []
    wanted = count
    for start in range(0, len(match), block):
        positions = np.flatnonzero(match[start : start + block])[:wanted] + start
        found.append(positions)
        wanted -= len(positions)
        if wanted <= 0:
            break
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def _narrow(values: Any) -> Integers:
    """``values`` (integers) in the narrowest signed type that holds them."""
    values = np.asarray(values)
    low, high = (int(values.min()), int(values.max())) if len(values) else (0, 0)
    kind = next(
        (
            k
            for k in (np.int8, np.int16, np.int32)
            if np.iinfo(k).min <= low <= high <= np.iinfo(k).max
        ),
        np.int64,
    )
    narrowed: Integers = values.astype(kind)
    return narrowed


def _between(values: Integers, first: int | None, last: int | None) -> Mask:
    """Which ``values`` lie from ``first`` to ``last`` (either may be open), in two passes:
    a value below ``first`` turns into a large unsigned number once ``first`` is taken off."""
    limits = np.iinfo(values.dtype)
    first = limits.min if first is None else first
    last = limits.max if last is None else last
    if first > last or first > limits.max or last < limits.min:
        return np.zeros(len(values), dtype=np.bool_)
    first, last = max(first, limits.min), min(last, limits.max)
    wide = np.dtype(f"int{values.dtype.itemsize * 8}")
    unsigned = np.dtype(f"uint{values.dtype.itemsize * 8}")
    shifted = np.subtract(values, wide.type(first), dtype=wide, casting="unsafe")
    inside: Mask = shifted.view(unsigned) <= unsigned.type(last - first)
    return inside


@dataclass(frozen=True, slots=True)
class QuoteArrays:
    """The quotes of a quotes file: each one's speaker code numbered in sorted order (0: no
    speaker), and its article numbered."""

    speakers: tuple[str, ...]
    speaker: Integers
    articles: dict[str, int]
    article: Integers

    @classmethod
    def load(cls, rows: RowFile) -> QuoteArrays:
        codes, articles = rows.column("speaker_code"), rows.column("article_id")
        speakers = tuple(sorted({code for code in codes if code is not None}))
        numbers = {code: k + 1 for k, code in enumerate(speakers)}
        known = {article: k + 1 for k, article in enumerate(dict.fromkeys(articles))}
        return cls(
            speakers,
            _narrow([numbers.get(code, 0) for code in codes]),
            known,
            _narrow([known[article] for article in articles]),
        )

    def page(
        self, speaker: str | None, article_id: str | None, limit: int, offset: int
    ) -> tuple[int, Positions]:
        """How many quotes a speaker (a code or its prefix) has, in an article or in all,
        and the positions of a page of them in reading order."""
        match = np.ones(len(self.speaker), dtype=np.bool_)
        if speaker:
            match &= _between(self.speaker, *prefix_run(self.speakers, speaker.upper()))
        if article_id:
            match &= self.article == self.articles.get(article_id, -1)
        return _in_order(match, limit, offset)


def prefix_run(values: tuple[str, ...], prefix: str) -> tuple[int, int]:
    """The first and last number of the ``values`` (sorted, numbered from 1) that start with
    ``prefix``; (k + 1, k), which no number is between, when none does."""
    first = bisect.bisect_left(values, prefix)
    # Past the prefix's run, no value starts with it: the values are sorted.
    end = bisect.bisect_left(values, True, lo=first, key=lambda v: not v.startswith(prefix))
    return first + 1, end


def _countries(db: Any, table: str) -> tuple[tuple[str, ...], tuple[Integers, Integers]]:
    """The countries of the events' sides (a code's first three letters when it has none),
    and each event's source and target country, numbered in their order (0: none)."""
    sides = (
        "coalesce(source_country, left(source_code, 3))",
        "coalesce(target_country, left(target_code, 3))",
    )
    found = db.execute(
        f"WITH sides AS (SELECT newest, 0 AS side, {sides[0]} AS country FROM {table} "
        f"UNION ALL SELECT newest, 1, {sides[1]} FROM {table}) "
        "SELECT CASE WHEN country IS NULL THEN 0 ELSE dense_rank() OVER (ORDER BY country) END"
        "::INTEGER AS number FROM sides ORDER BY side, newest"
    ).fetchnumpy()["number"]
    names = db.execute(
        f"SELECT country FROM (SELECT {sides[0]} AS country FROM {table} "
        f"UNION SELECT {sides[1]} FROM {table}) WHERE country IS NOT NULL ORDER BY country"
    ).fetchall()
    half = len(found) // 2
    return tuple(name for (name,) in names), (_narrow(found[:half]), _narrow(found[half:]))


def _period_start(days: Integers, interval: str) -> npt.NDArray[np.int64]:
    """The first day of each day's period (days since 1970-01-01); weeks start on Monday."""
    days = days.astype(np.int64)
    if interval == "day":
        return days
    if interval == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday, day 3 of a week from Monday
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


class _Groups:
    """Events grouped by a key: how many in each group, the mean of ``goldstein`` (missing
    values left out, as SQL's avg does), and the sums of ``more`` values."""

    # Keys up to this many are counted in an array of that size; beyond, they are sorted.
    DENSE = 4_000_000

    def __init__(
        self, keys: npt.NDArray[np.int64], goldstein: npt.NDArray[np.float64], *more: Any
    ) -> None:
        if len(keys) and int(keys.max()) < self.DENSE:
            number = keys
            size = int(keys.max()) + 1
            self.keys = None
        else:
            self.keys, number = np.unique(keys, return_inverse=True)
            size = len(self.keys)
        self.count = np.bincount(number, minlength=size)
        missing = np.isnan(goldstein)
        if missing.any():
            self.known = np.bincount(number, weights=~missing, minlength=size)
            goldstein = np.where(missing, 0.0, goldstein)
        else:
            self.known = self.count
        self.sum = np.bincount(number, weights=goldstein, minlength=size)
        self.more = [np.bincount(number, weights=values, minlength=size) for values in more]
        self.present = np.flatnonzero(self.count)  # the groups that have events, by key

    def _key(self, group: int) -> int:
        return int(group) if self.keys is None else int(self.keys[group])

    def _row(self, group: int) -> tuple[Any, ...]:
        known = self.known[group]
        mean = float(self.sum[group] / known) if known else float("nan")
        sums = (float(values[group]) for values in self.more)
        return (self._key(group), int(self.count[group]), mean, *sums)

    def rows(self) -> list[tuple[Any, ...]]:
        """Every group, by key."""
        return [self._row(int(group)) for group in self.present]

    def top(self, limit: int) -> list[tuple[Any, ...]]:
        """The ``limit`` groups with most events, the lower key first among equals."""
        present = self.present
        order = np.lexsort((present, -self.count[present]))[:limit]
        return [self._row(int(group)) for group in present[order]]
