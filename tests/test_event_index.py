"""The event index of a server's snapshot (``queries.prepare``) gives the same answers as the
events table: pages in every order, series, dyads, the network and places, under many
filters, over a small store of events made here by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import shutil
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from communique.errors import StoreError
from communique.records import (
    Actor,
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    EventDate,
    Mention,
    Passage,
    Place,
    Quote,
    Sentence,
)
from communique.store.duckdb import EventStore, _stored_event
from communique.store.memory import RowFile, _between, _narrow, write_rows
from communique.store.queries import (
    EVENT_INDEX,
    EventIndex,
    EventQuery,
    Interval,
    Level,
    Order,
    StoreQueries,
    prepare,
)
from communique.store.snapshots import StoreSnapshots
from web_fixtures import build_web_store

# Codes that share prefixes (CHN, CHNGOV, CHNMIL), an IGO and unknown countries.
ACTORS = [
    Actor("CHN", "CHN", None, "state", "China"),
    Actor("CHNGOV", "CHN", "GOV", "person", "Wang Yi"),
    Actor("CHNMIL", "CHN", "MIL", "organization", "the Chinese army"),
    Actor("PER", "PER", None, "state", "Peru"),
    Actor("PERGOV", "PER", "GOV", "person", "Dina Boluarte"),
    Actor("JPN", "JPN", None, "state", "Japan"),
    Actor("USAGOV", "USA", "GOV", "person", "the White House"),
    Actor("IGOUNO", None, None, "organization", "the United Nations"),
    Actor("---REB", None, "REB", "organization", "the rebels"),
]
PLACES = [
    Place("Beijing", "CHN", 39.9075, 116.3972, "geonames:1816670"),
    Place("Lima", "PER", -12.0432, -77.0282, "geonames:3936456"),
    Place("Tokyo", "JPN", 35.6895, 139.6917, "geonames:1850147"),
    None,
]
# (CAMEO, PLOVER, QuadClass, Goldstein): repeated values, so that orders meet ties.
CODES = [
    ("040", "CONSULT", 1, 1.0),
    ("042", "CONSULT", 1, 1.9),
    ("043", "CONSULT", 1, 2.8),
    ("051", "COOPERATE", 1, 3.4),
    ("070", "AID", 2, 7.0),
    ("111", "DISAPPROVE", 3, -2.0),
    ("112", "DISAPPROVE", 3, -2.0),
    ("173", "COERCE", 4, -5.0),
    ("190", "FIGHT", 4, -10.0),
]
EVENTS = 400


def coded_article(number: int, rng: random.Random) -> CodedArticle:
    """An article of four sentences, each telling one event drawn with ``rng``."""
    article_id = f"a{number:03d}"
    sentences: list[str] = []
    drawn = []
    for _ in range(4):
        source = rng.choice(ACTORS)
        target = rng.choice([a for a in ACTORS if a is not source] + [None])
        place = rng.choice(PLACES)
        sentences.append(
            f"{source.name} acted on {target.name if target else 'someone'} "
            f"in {place.name if place else 'a town'}."
        )
        drawn.append((source, target, place, rng.choice(CODES)))
    text = "\n\n".join(sentences)
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    records: list[Sentence] = []
    passages: list[Passage] = []
    offset = 0
    for index, words in enumerate(sentences):
        records.append(Sentence(index, words, (offset, offset + len(words))))
        passages.append(Passage(words, offset))
        offset += len(words) + 2
    events = []
    for sentence, (source, target, place, (cameo, plover, quad, goldstein)) in zip(
        records, drawn, strict=True
    ):
        day = None if rng.random() < 0.1 else published - dt.timedelta(days=rng.randrange(3))
        events.append(
            Event(
                id=f"{article_id}-{sentence.index}",
                article_id=article_id,
                sentence=sentence,
                source=mention(source, sentence),
                target=mention(target, sentence) if target else None,
                cameo=cameo,
                plover=plover,
                quad_class=quad,
                goldstein=goldstein,
                confidence=0.9,
                trigger="acted on",
                trigger_span=None,
                date=EventDate(day, "day", "sentence") if day else None,
                location=place,
                coder_version="test-index-1",
                # Some events are told in a quote: the quotes' speakers share prefixes too.
                quote_id=f"{article_id}-q{sentence.index}" if rng.random() < 0.5 else None,
            )
        )
    quotes = [
        Quote(
            id=f"{article_id}-q{sentence.index}",
            article_id=article_id,
            sentence=sentence,
            speaker=None if rng.random() < 0.2 else mention(source, sentence),
            verb="said",
            verb_span=(sentence.span[0], sentence.span[0] + 4),
            text=sentence.text,
            span=sentence.span,
            direct=rng.random() < 0.5,
        )
        for sentence, (source, _, _, _) in zip(records, drawn, strict=True)
    ]
    article = Article(id=article_id, text=text, title=article_id, published=published)
    mentions = tuple(m for e in events for m in (e.source, e.target) if m is not None)
    clean = CleanArticle(article, tuple(passages), None)
    return CodedArticle(clean, tuple(records), mentions, tuple(events), quotes=tuple(quotes))


def mention(actor: Actor, sentence: Sentence) -> Mention:
    start = sentence.span[0] + sentence.text.index(actor.name or "")
    return Mention(actor, actor.name or "", (start, start + len(actor.name or "")))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The questions of the same events twice: a plain store, and a prepared copy."""
    folder = tmp_path_factory.mktemp("event-index")
    plain = folder / "plain.duckdb"
    rng = random.Random(8)
    with EventStore(plain) as store:
        for number in range(EVENTS // 4):
            store.add(coded_article(number, rng))
    prepared = folder / "prepared.duckdb"
    shutil.copyfile(plain, prepared)
    with EventStore(prepared) as store:
        prepare(store)
    opened = [EventStore(plain, read_only=True), EventStore(prepared, read_only=True)]
    yield StoreQueries(opened[0]), StoreQueries(opened[1], threads=1)
    for store in opened:
        store.close()


QUERIES = [
    EventQuery(),
    EventQuery(actor="CHN"),
    EventQuery(actor="chngov"),
    EventQuery(actor="C"),
    EventQuery(actor="XYZ"),  # no such code
    EventQuery(actor="---"),
    EventQuery(source="CHN", target="PER"),
    EventQuery(source="PERGOV"),
    EventQuery(target="IGO"),
    EventQuery(dyad=("CHN", "PER")),
    EventQuery(dyad=("PER", "CHN")),
    EventQuery(dyad=("CHN", "CHNGOV")),  # the prefixes overlap
    EventQuery(dyad=("CHN", "CHN")),
    EventQuery(dyad=("USA", "ZZZ")),
    EventQuery(dyad=("CHN", "JPN"), since=dt.date(2018, 1, 1), until=dt.date(2020, 12, 31)),
    EventQuery(cameo="04"),
    EventQuery(cameo="111"),
    EventQuery(cameo="99"),
    EventQuery(cameo="11", since=dt.date(2019, 3, 1)),
    EventQuery(plover="consult"),
    EventQuery(quad_classes=(3, 4)),
    EventQuery(source="CHN", target="PER", quad_classes=(1,)),
    EventQuery(until=dt.date(2016, 6, 30)),
    EventQuery(place="beijing"),
    EventQuery(place="PER"),
    EventQuery(place="Nowhere"),
    EventQuery(actor="JPN", place="Tokyo", quad_classes=(1, 2, 3)),
]


def same(a: object, b: object) -> bool:
    """Equal, but for the last bits of a mean: sums may add up in another order."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b):
        return type(a) is type(b) and same(dataclasses.astuple(a), dataclasses.astuple(b))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_the_prepared_store_answers_from_the_index(stores):
    plain, prepared = stores
    assert plain._filtered(EventQuery(actor="CHN"))[0] == "events"
    for query in QUERIES:
        assert prepared._filtered(query)[0] == EVENT_INDEX
    # A text search reads the sentences, which the index does not hold.
    assert prepared._filtered(EventQuery(text="acted"))[0] == "events"


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_pages_are_the_same(stores, query):
    plain, prepared = stores
    for order, (limit, offset) in itertools.product(Order, [(50, 0), (7, 3), (500, 0), (5, 390)]):
        expected = plain.events(query, limit, offset, order)
        assert prepared.events(query, limit, offset, order) == expected, (order, limit, offset)
    assert plain.events(query, 500).total > 0 or query in NOTHING


NOTHING = {
    EventQuery(actor="XYZ"),
    EventQuery(dyad=("USA", "ZZZ")),
    EventQuery(dyad=("CHN", "CHN")),
    EventQuery(cameo="99"),
    EventQuery(place="Nowhere"),
}


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_counts_are_the_same(stores, query):
    plain, prepared = stores
    for interval in Interval:
        assert same(prepared.series(query, interval), plain.series(query, interval)), interval
    assert same(prepared.dyads(query, 200), plain.dyads(query, 200))
    assert same(prepared.dyads(query, 2), plain.dyads(query, 2))
    for level in Level:
        assert same(prepared.network(query, level), plain.network(query, level)), level
    assert same(prepared.places(query), plain.places(query))


# One word (the prepared store answers from its word index and the arrays, a part of a word
# too), and texts whose sentences DuckDB matches.
@pytest.mark.parametrize(
    "text",
    ["BEIJING", "acted", "eij", "zzz", "acted on", "rebels acted", "%", "nothing at all"],
)
def test_text_searches_are_the_same(stores, text):
    plain, prepared = stores
    for query in (EventQuery(text=text), EventQuery(text=text, actor="CHN")):
        for order in Order:
            assert prepared.events(query, 500, 0, order) == plain.events(query, 500, 0, order)
        assert prepared.events(query, 5, 3) == plain.events(query, 5, 3)
        assert same(prepared.series(query), plain.series(query))
        assert same(prepared.dyads(query), plain.dyads(query))
        assert same(prepared.places(query), plain.places(query))
    if text in ("BEIJING", "acted", "eij"):
        assert plain.events(EventQuery(text=text)).total > 0
        assert prepared._in_memory(EventQuery(text=text)) is not None


@pytest.mark.parametrize("speaker", [None, "CHN", "chngov", "C", "P", "---", "IGOUNO", "XYZ"])
def test_quotes_are_the_same(stores, speaker):
    plain, prepared = stores
    assert prepared._quotes is not None
    for article in (None, "a000", "a042", "a099", "nothing"):
        for limit, offset in ((500, 0), (7, 3), (50, 390)):
            asked = (speaker, article, limit, offset)
            assert prepared.quotes(*asked) == plain.quotes(*asked), asked
    found = plain.quotes(speaker, None, 500)
    assert found.total > 0 or speaker == "XYZ"
    assert any(quote.event_ids for quote in found.quotes) or speaker == "XYZ"


def test_a_page_past_the_last_has_the_total_and_no_events(stores):
    plain, prepared = stores
    query = EventQuery(actor="PER")
    total = plain.events(query).total
    assert prepared.events(query, 50, total) == plain.events(query, 50, total)
    assert prepared.events(query, 50, total).events == []


@pytest.mark.parametrize(
    ("prefix", "ids"),
    [
        ("CHN", (2, 4)),  # CHN, CHNGOV, CHNMIL
        ("CHNGOV", (3, 3)),
        ("C", (2, 4)),
        ("P", (5, 6)),
        ("", (1, 7)),
        ("B", (2, 1)),  # none: an empty run where B would be
        ("ZZZ", (8, 7)),
        ("---", (1, 1)),
    ],
)
def test_a_prefix_is_a_run_of_numbers(prefix, ids):
    index = EventIndex(("---REB", "CHN", "CHNGOV", "CHNMIL", "PER", "PERGOV", "USA"), ())
    assert index.prefix_ids("source_code", prefix) == ids


def test_a_text_search_cannot_be_asked_of_the_index():
    with pytest.raises(Exception, match="text search"):
        EventQuery(text="met").where(index=EventIndex((), ()))


def test_a_servers_snapshot_is_prepared(tmp_path, stores):
    plain, _ = stores
    snapshots = StoreSnapshots(plain._store.path, threads=1)
    try:
        with snapshots.lease() as queries:
            assert queries._filtered(EventQuery(actor="CHN"))[0] == EVENT_INDEX
            assert queries.events(EventQuery(actor="CHN")) == plain.events(EventQuery(actor="CHN"))
    finally:
        snapshots.close()


def test_event_pages_are_the_same(stores):
    plain, prepared = stores
    ids = [event.id for event in plain.events(EventQuery(), 500).events]
    assert len(ids) == EVENTS
    for event_id in ids[::7]:
        assert prepared.event(event_id) == plain.event(event_id)
    for missing in ("", "nothing", ids[0] + "x", ids[0][:-1]):
        assert prepared.event(missing) is None


def test_a_coded_store_is_answered_the_same_prepared(tmp_path, coder):
    """The example article and a hostile one, coded: quotes with the events they tell,
    mentions, coded spans, places, a text search, as a snapshot answers them."""
    plain_path = build_web_store(tmp_path, coder)
    prepared_path = tmp_path / "prepared.duckdb"
    shutil.copyfile(plain_path, prepared_path)
    with EventStore(prepared_path) as store:
        prepare(store)
    with (
        EventStore(plain_path, read_only=True) as one,
        EventStore(prepared_path, read_only=True) as other,
    ):
        plain, prepared = StoreQueries(one), StoreQueries(other, threads=1)
        assert prepared._arrays is not None
        everything = plain.events(EventQuery(), 500)
        assert everything.total >= 10
        for event in everything.events:
            assert prepared.event(event.id) == plain.event(event.id)
        for query in (EventQuery(), EventQuery(dyad=("CHN", "PER")), EventQuery(text="beijing")):
            for order in Order:
                assert prepared.events(query, 500, 0, order) == plain.events(query, 500, 0, order)
            assert same(prepared.series(query, Interval.day), plain.series(query, Interval.day))
            assert same(prepared.dyads(query), plain.dyads(query))
            assert same(prepared.places(query), plain.places(query))
            for level in Level:
                assert same(prepared.network(query, level), plain.network(query, level))
        told = plain.quotes(None, None, 500, 0)
        assert any(quote.event_ids for quote in told.quotes)
        assert prepared._quotes is not None
        articles = sorted({quote.article_id for quote in told.quotes})
        for speaker in (None, "CHN", "PERGOV", "P", "USA"):
            for article in (None, *articles, "no such article"):
                for limit, offset in ((500, 0), (3, 2), (5, 500)):
                    asked = (speaker, article, limit, offset)
                    assert prepared.quotes(*asked) == plain.quotes(*asked), asked


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(-(2**40), 2**40) | st.integers(-200, 200), max_size=40),
    first=st.none() | st.integers(-(2**41), 2**41) | st.integers(-200, 200),
    last=st.none() | st.integers(-(2**41), 2**41) | st.integers(-200, 200),
)
def test_arrays_of_numbers_compare_as_numbers(values, first, last):
    narrowed = _narrow(values)
    assert narrowed.tolist() == values
    expected = [(first is None or v >= first) and (last is None or v <= last) for v in values]
    assert _between(narrowed, first, last).tolist() == expected


@pytest.mark.parametrize("batch", [1, 7, 64, 1000])
def test_rows_are_read_by_position_in_any_order(stores, tmp_path, batch):
    plain, prepared = stores
    path = tmp_path / "rows.arrow"
    select = f"SELECT events.* FROM events JOIN {EVENT_INDEX} USING (id) ORDER BY newest"
    write_rows(prepared._store._db, select, path, batch)
    rows = RowFile(path)
    try:
        newest = [
            i
            for (i,) in prepared._cursor()
            .execute(f"SELECT id FROM {EVENT_INDEX} ORDER BY newest")
            .fetchall()
        ]
        expected = plain._events_by_id(newest)
        rng = random.Random(batch)
        shuffled = rng.sample(range(EVENTS), EVENTS)
        for positions in (
            list(range(EVENTS)),
            shuffled,
            shuffled[:9],
            [5, 3, 200, 4],
            [EVENTS - 1],
            [],
        ):
            found = [_stored_event(row) for row in rows.rows(positions)]
            assert found == [expected[p] for p in positions], positions[:10]
    finally:
        rows.close()


def test_a_snapshot_of_an_empty_store_answers_and_leaves_no_files(tmp_path):
    EventStore(tmp_path / "empty.duckdb").close()
    snapshots = StoreSnapshots(tmp_path / "empty.duckdb", threads=1)
    try:
        with snapshots.lease() as queries:
            assert queries._arrays is not None and queries._quotes is not None
            for order in Order:
                assert queries.events(EventQuery(actor="CHN"), 50, 0, order).total == 0
            assert queries.events(EventQuery(text="aid")).events == []
            assert queries.series(EventQuery()) == queries.dyads(EventQuery()) == []
            assert queries.network(EventQuery(), Level.code) == queries.places(EventQuery()) == []
            assert queries.quotes("CHN").total == 0 and queries.event("nothing") is None
            folder = queries._store.path.parent
    finally:
        snapshots.close()
    assert not folder.exists() or not list(folder.iterdir())


def test_a_snapshot_that_cannot_be_written_says_so(stores, monkeypatch, tmp_path):
    plain, _ = stores
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("communique.store.queries.write_rows", no_room)
    with pytest.raises(StoreError, match=r"cannot prepare a snapshot .* No space left"):
        StoreSnapshots(plain._store.path, threads=1)
    assert list(tmp_path.iterdir()) == []  # nothing left behind
