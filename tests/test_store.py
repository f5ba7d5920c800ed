"""The DuckDB event store, with records built by hand: no spaCy, no readers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import duckdb
import pytest

from communique.errors import StoreError
from communique.records import (
    Actor,
    Article,
    CleanArticle,
    CodedArticle,
    Dateline,
    Event,
    EventDate,
    Mention,
    Passage,
    Place,
    Sentence,
)
from communique.store import duckdb as store_module
from communique.store.duckdb import EventFilter, EventStore, StoredEvent
from communique.store.export import CSV_COLUMNS, csv_row, event_record

MACRON = Actor("FRAGOV", "FRA", "GOV", "person", "Emmanuel Macron", "President")
SCHOLZ = Actor("DEUGOV", "DEU", "GOV", "person", "Olaf Scholz", "Chancellor")
FRANCE = Actor("FRA", "FRA", None, "state", "France")
CHINA_GOV = Actor("CHNGOV", "CHN", "GOV", "state", "China")
JAPAN = Actor("JPN", "JPN", None, "state", "Japan")

BERLIN = Place("Berlin", "DEU", 52.5244, 13.4105, "geonames:2950159")

EVENT_KEYS = {
    "id",
    "article_id",
    "date",
    "date_precision",
    "date_origin",
    "source",
    "target",
    "object",
    "cameo",
    "plover",
    "quad_class",
    "goldstein",
    "confidence",
    "trigger",
    "location",
    "sentence",
    "span",
    "themes",
    "tone",
    "quote_id",
}
ACTOR_KEYS = {"code", "country", "sector", "name", "role", "text", "span", "phrase"}


def mention(actor: Actor, text: str, sentence: Sentence) -> Mention:
    """The mention of ``actor`` by the words ``text`` in ``sentence``."""
    start = sentence.span[0] + sentence.text.index(text)
    return Mention(actor, text, (start, start + len(text)))


def event(
    article_id: str,
    sentence: Sentence,
    source: Mention | None,
    target: Mention | None,
    *,
    cameo: str = "040",
    plover: str | None = "CONSULT",
    quad_class: int = 1,
    goldstein: float = 1.0,
    date: dt.date | None = None,
    location: Place | None = None,
    trigger: str = "met with",
    event_id: str | None = None,
) -> Event:
    start = sentence.span[0] + sentence.text.find(trigger) if trigger else None
    return Event(
        id=event_id or f"{article_id}-{sentence.index}-{cameo}",
        article_id=article_id,
        sentence=sentence,
        source=source,
        target=target,
        cameo=cameo,
        plover=plover,
        quad_class=quad_class,
        goldstein=goldstein,
        confidence=0.9,
        trigger=trigger,
        trigger_span=(start, start + len(trigger)) if start is not None else None,
        date=EventDate(date, "day", "sentence") if date else None,
        location=location,
        coder_version="test-model-1.0+gaz-1",
    )


def coded_article(
    article_id: str, sentences: list[str], make_events, published: dt.date | None = None
) -> CodedArticle:
    """An article of ``sentences`` (one per paragraph) and the events ``make_events`` builds."""
    text = "\n\n".join(sentences)
    article = Article(
        id=article_id,
        text=text,
        title=f"Title of {article_id}",
        published=published,
        url=f"https://example.org/{article_id}",
        source="Example Wire",
        origin=f"test:{article_id}",
    )
    records: list[Sentence] = []
    passages: list[Passage] = []
    offset = 0
    for index, words in enumerate(sentences):
        records.append(Sentence(index, words, (offset, offset + len(words))))
        passages.append(Passage(words, offset))
        offset += len(words) + 2
    dateline = Dateline("Berlin", published, "Example Wire", (0, 0)) if published else None
    clean = CleanArticle(article, tuple(passages), dateline)
    events = tuple(make_events(article_id, records))
    mentions = tuple(m for e in events for m in (e.source, e.target) if m is not None)
    return CodedArticle(clean, tuple(records), mentions, events)


MEETING = "French President Emmanuel Macron met with German Chancellor Olaf Scholz in Berlin."
CRITICISM = "Chinese officials criticized Japan on Wednesday."
STATEMENT = "France said on Friday it would increase aid."


def meeting_article(article_id: str = "meeting", day: dt.date | None = None) -> CodedArticle:
    day = day or dt.date(2024, 5, 6)

    def events(aid: str, sentences: list[Sentence]) -> list[Event]:
        (s,) = sentences
        return [
            event(
                aid,
                s,
                mention(MACRON, "Emmanuel Macron", s),
                mention(SCHOLZ, "Olaf Scholz", s),
                date=day,
                location=BERLIN,
            )
        ]

    return coded_article(article_id, [MEETING], events, published=day)


def criticism_article(article_id: str = "criticism") -> CodedArticle:
    def events(aid: str, sentences: list[Sentence]) -> list[Event]:
        (s,) = sentences
        return [
            event(
                aid,
                s,
                mention(CHINA_GOV, "Chinese officials", s),
                mention(JAPAN, "Japan", s),
                cameo="111",
                plover="ACCUSE",
                quad_class=3,
                goldstein=-2.0,
                trigger="criticized",
                date=dt.date(2024, 7, 10),
            )
        ]

    return coded_article(article_id, [CRITICISM], events, published=dt.date(2024, 7, 10))


def statement_article(article_id: str = "statement") -> CodedArticle:
    """An event with a source only, and neither date nor place."""

    def events(aid: str, sentences: list[Sentence]) -> list[Event]:
        (s,) = sentences
        return [
            event(
                aid,
                s,
                mention(FRANCE, "France", s),
                None,
                cameo="010",
                plover=None,
                quad_class=1,
                goldstein=0.0,
                trigger="said",
            )
        ]

    return coded_article(article_id, [STATEMENT], events)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "events.duckdb"


@pytest.fixture
def store(db_path):
    with EventStore(db_path) as opened:
        yield opened


@pytest.fixture
def filled(store):
    """Four events: FRAGOV→DEUGOV 2024-05-06, FRAGOV→DEUGOV 2024-06-01, CHNGOV→JPN
    2024-07-10 and FRA→(nobody) without a date."""
    for coded in (
        meeting_article("meeting-may"),
        meeting_article("meeting-june", dt.date(2024, 6, 1)),
        criticism_article(),
        statement_article(),
    ):
        assert store.add(coded)
    return store


def ids(events) -> list[str]:
    return [e.article_id for e in events]


# -- writing ---------------------------------------------------------------------------


def test_added_article_is_there(store):
    coded = meeting_article()
    assert not store.has_article("meeting")
    assert store.add(coded) is True
    assert store.has_article("meeting")
    assert not store.has_article("something else")


def test_adding_twice_returns_false_and_keeps_one_copy(store):
    assert store.add(meeting_article()) is True
    assert store.add(meeting_article()) is False
    assert store.counts() == {"articles": 1, "mentions": 2, "events": 1}
    assert len(list(store.events())) == 1


def test_counts_of_an_empty_and_a_filled_store(db_path):
    with EventStore(db_path) as store:
        assert store.counts() == {"articles": 0, "mentions": 0, "events": 0}
        store.add(meeting_article())
        store.add(statement_article())
        assert store.counts() == {"articles": 2, "mentions": 3, "events": 2}


def test_an_article_without_events_is_stored(store):
    coded = coded_article("quiet", ["Nothing happened today."], lambda aid, sentences: [])
    assert store.add(coded)
    assert store.has_article("quiet")
    assert store.counts() == {"articles": 1, "mentions": 0, "events": 0}


def test_stored_articles_survive_closing_and_reopening(db_path):
    with EventStore(db_path) as store:
        store.add(meeting_article())
    with EventStore(db_path, read_only=True) as store:
        assert store.has_article("meeting")
        assert [e.article_id for e in store.events()] == ["meeting"]
    with EventStore(db_path) as store:  # reopening for writing keeps what is there
        assert store.add(meeting_article()) is False
        assert store.counts()["events"] == 1


# -- reading back ----------------------------------------------------------------------


def test_event_round_trips_field_by_field(store):
    coded = meeting_article()
    store.add(coded)
    (original,) = coded.events
    (stored,) = store.events()
    assert isinstance(stored, StoredEvent)
    assert stored.id == original.id
    assert stored.article_id == "meeting"
    assert stored.date == dt.date(2024, 5, 6)
    assert stored.date_precision == "day"
    assert (stored.cameo, stored.plover, stored.quad_class) == ("040", "CONSULT", 1)
    assert stored.goldstein == 1.0
    assert stored.confidence == 0.9
    assert stored.trigger == "met with"
    assert (stored.location_name, stored.location_country) == ("Berlin", "DEU")
    assert (stored.lat, stored.lon) == (52.5244, 13.4105)
    assert stored.sentence_index == 0
    assert stored.sentence == MEETING
    assert stored.span == (0, len(MEETING))
    for side, actor, words in (
        (stored.source, MACRON, "Emmanuel Macron"),
        (stored.target, SCHOLZ, "Olaf Scholz"),
    ):
        assert side is not None
        assert (side.code, side.country, side.sector) == (actor.code, actor.country, actor.sector)
        assert (side.kind, side.name, side.role) == (actor.kind, actor.name, actor.role)
        assert side.text == words
        assert side.span is not None
        assert MEETING[side.span[0] : side.span[1]] == words


def test_missing_target_date_and_place_stay_none(store):
    store.add(statement_article())
    (stored,) = store.events()
    assert stored.source is not None and stored.source.code == "FRA"
    assert stored.source.sector is None
    assert stored.target is None
    assert stored.date is None and stored.date_precision is None
    assert stored.plover is None
    assert stored.location_name is None and stored.lat is None and stored.lon is None
    record = event_record(stored)
    assert record["target"] is None
    assert record["date"] is None
    assert record["location"] is None
    assert record["plover"] is None
    assert record["source"]["sector"] is None
    row = dict(zip(CSV_COLUMNS, csv_row(stored), strict=True))
    assert row["target_code"] == "" and row["target_name"] == ""
    assert row["date"] == "" and row["lat"] == "" and row["plover"] == ""


def test_event_record_follows_the_json_contract(store):
    store.add(meeting_article())
    (stored,) = store.events()
    record = event_record(stored)
    assert set(record) == EVENT_KEYS
    assert set(record["source"]) == ACTOR_KEYS
    assert set(record["target"]) == ACTOR_KEYS
    # The record is plain JSON and comes back the same.
    assert json.loads(json.dumps(record)) == record
    assert record["date"] == "2024-05-06"
    assert record["span"] == [0, len(MEETING)]
    assert record["source"]["code"] == "FRAGOV"
    assert record["source"]["name"] == "Emmanuel Macron"
    assert record["source"]["role"] == "President"
    assert MEETING[slice(*record["target"]["span"])] == "Olaf Scholz"
    assert record["location"] == {
        "name": "Berlin",
        "country": "DEU",
        "lat": 52.5244,
        "lon": 13.4105,
        "region": None,
        "precision": None,
        "gazetteer_id": "geonames:2950159",
    }
    assert (record["cameo"], record["plover"], record["quad_class"]) == ("040", "CONSULT", 1)
    assert (record["goldstein"], record["confidence"]) == (1.0, 0.9)


def phrases_article() -> CodedArticle:
    """ "Chinese officials rejected the proposal of the Japanese delegation." """

    def events(aid: str, sentences: list[Sentence]) -> list[Event]:
        (s,) = sentences
        start = s.span[0]
        source = mention(CHINA_GOV, "Chinese officials", s)
        source = dataclasses.replace(source, phrase=source.span)
        proposal = s.text.index("the proposal")
        rejection = event(aid, s, source, None, cameo="120", plover="REJECT", trigger="rejected")
        object_phrase = (start + proposal, start + len(s.text) - 1)
        return [dataclasses.replace(rejection, object_phrase=object_phrase)]

    text = "Chinese officials rejected the proposal of the Japanese delegation."
    return coded_article("phrases", [text], events)


def test_argument_phrases_and_objects_come_back(store):
    store.add(phrases_article())
    (stored,) = store.events()
    record = event_record(stored)
    assert record["source"]["phrase"]["text"] == "Chinese officials"
    assert record["target"] is None
    assert record["object"]["text"] == "the proposal of the Japanese delegation"


def test_a_store_from_before_the_phrases_is_brought_up_to_date(tmp_path):
    path = tmp_path / "old.duckdb"
    EventStore(path).close()
    db = duckdb.connect(str(path))
    for column in ("source_phrase_start", "source_phrase_end", "target_phrase_start"):
        db.execute(f"ALTER TABLE events DROP COLUMN {column}")
    for column in ("target_phrase_end", "object_start", "object_end"):
        db.execute(f"ALTER TABLE events DROP COLUMN {column}")
    db.close()
    with EventStore(path) as upgraded:
        assert upgraded.add(phrases_article())
        (stored,) = upgraded.events()
    assert event_record(stored)["object"]["text"] == "the proposal of the Japanese delegation"


def test_csv_row_matches_the_columns(store):
    store.add(criticism_article())
    (stored,) = store.events()
    row = dict(zip(CSV_COLUMNS, csv_row(stored), strict=True))
    assert row["source_code"] == "CHNGOV" and row["target_code"] == "JPN"
    assert row["date"] == "2024-07-10"
    assert row["cameo"] == "111" and row["goldstein"] == -2.0
    assert row["sentence"] == CRITICISM


def test_events_come_in_date_order_with_undated_last(filled):
    assert ids(filled.events()) == ["meeting-may", "meeting-june", "criticism", "statement"]


def test_several_events_of_one_article_in_sentence_order(store):
    def events(aid: str, sentences: list[Sentence]) -> list[Event]:
        first, second = sentences
        return [
            event(aid, second, mention(FRANCE, "France", second), None, trigger="said"),
            event(
                aid,
                first,
                mention(MACRON, "Emmanuel Macron", first),
                mention(SCHOLZ, "Olaf Scholz", first),
            ),
        ]

    store.add(coded_article("two", [MEETING, STATEMENT], events, dt.date(2024, 5, 6)))
    stored = list(store.events())
    assert [e.sentence_index for e in stored] == [0, 1]
    assert [e.sentence for e in stored] == [MEETING, STATEMENT]
    assert stored[1].span == (len(MEETING) + 2, len(MEETING) + 2 + len(STATEMENT))


# -- filtering -------------------------------------------------------------------------


def test_filter_by_source_prefix(filled):
    assert ids(filled.events(EventFilter(source="FRA"))) == [
        "meeting-may",
        "meeting-june",
        "statement",
    ]
    assert ids(filled.events(EventFilter(source="FRAGOV"))) == ["meeting-may", "meeting-june"]
    assert ids(filled.events(EventFilter(source="fra"))) == ids(
        filled.events(EventFilter(source="FRA"))
    )
    assert ids(filled.events(EventFilter(source="CHN"))) == ["criticism"]
    assert ids(filled.events(EventFilter(source="USA"))) == []


def test_filter_by_target(filled):
    assert ids(filled.events(EventFilter(target="JPN"))) == ["criticism"]
    assert ids(filled.events(EventFilter(target="DEU"))) == ["meeting-may", "meeting-june"]
    # A prefix never matches an event without a target.
    assert ids(filled.events(EventFilter(target="FRA"))) == []


def test_filter_by_dates_is_inclusive(filled):
    assert ids(filled.events(EventFilter(since=dt.date(2024, 6, 1)))) == [
        "meeting-june",
        "criticism",
    ]
    assert ids(filled.events(EventFilter(until=dt.date(2024, 6, 1)))) == [
        "meeting-may",
        "meeting-june",
    ]
    one_day = EventFilter(since=dt.date(2024, 5, 6), until=dt.date(2024, 5, 6))
    assert ids(filled.events(one_day)) == ["meeting-may"]
    assert ids(filled.events(EventFilter(since=dt.date(2025, 1, 1)))) == []


def test_filters_combine(filled):
    where = EventFilter(source="FRA", target="DEU", since=dt.date(2024, 5, 7))
    assert ids(filled.events(where)) == ["meeting-june"]
    assert ids(filled.events(EventFilter())) == ids(filled.events())


# -- failures --------------------------------------------------------------------------


def test_opening_a_missing_file_read_only_raises(tmp_path):
    missing = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError, match=r"missing\.duckdb"):
        EventStore(missing, read_only=True)
    assert not missing.exists()


@pytest.mark.parametrize("read_only", [False, True])
def test_opening_a_file_that_is_not_a_store_raises(tmp_path, read_only):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database\n")
    with pytest.raises(StoreError, match=r"junk\.duckdb"):
        EventStore(junk, read_only=read_only)


def test_writing_to_a_read_only_store_raises(db_path):
    with EventStore(db_path) as store:
        store.add(meeting_article())
    with EventStore(db_path, read_only=True) as store:
        with pytest.raises(StoreError, match="criticism"):
            store.add(criticism_article())
        assert store.counts() == {"articles": 1, "mentions": 2, "events": 1}


def test_duplicate_event_id_rolls_the_article_back(store):
    store.add(meeting_article())

    def events(aid: str, sentences: list[Sentence]) -> list[Event]:
        first, second = sentences
        return [
            event(aid, first, mention(MACRON, "Emmanuel Macron", first), None, event_id="same"),
            event(aid, second, mention(FRANCE, "France", second), None, event_id="same"),
        ]

    broken = coded_article("broken", [MEETING, STATEMENT], events)
    with pytest.raises(StoreError, match="broken"):
        store.add(broken)
    assert not store.has_article("broken")
    assert store.counts() == {"articles": 1, "mentions": 2, "events": 1}
    assert ids(store.events()) == ["meeting"]
    # The store is still usable after the failure.
    assert store.add(criticism_article())
    assert ids(store.events()) == ["meeting", "criticism"]


def test_database_error_inside_the_transaction_rolls_back(store, monkeypatch):
    store.add(meeting_article())

    def failing_row(event: Event) -> list[object]:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(store_module, "_event_row", failing_row)
    with pytest.raises(StoreError, match="disk full"):
        store.add(criticism_article())
    monkeypatch.undo()
    assert not store.has_article("criticism")
    assert store.counts() == {"articles": 1, "mentions": 2, "events": 1}
    assert store.add(criticism_article())
    assert ids(store.events()) == ["meeting", "criticism"]


def test_any_error_inside_the_transaction_rolls_back(store, monkeypatch):
    store.add(meeting_article())

    def failing_row(event: Event) -> list[object]:
        raise ValueError("bad event")

    monkeypatch.setattr(store_module, "_event_row", failing_row)
    with pytest.raises(ValueError):
        store.add(criticism_article())
    monkeypatch.undo()
    assert not store.has_article("criticism")
    assert store.add(statement_article())
    assert store.counts() == {"articles": 2, "mentions": 3, "events": 2}
