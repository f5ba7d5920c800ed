"""Many reports, one event: the merge rules on hand-made mentions, merged events in the store
with articles built by hand, then the example article and two copies of it through the coder,
re-coding, and the command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import EXIT_ERROR, EXIT_NOT_FOUND, app
from communique.cluster import (
    FIRST_REPORT,
    ClusterConfig,
    EventMention,
    Evidence,
    Party,
    Spot,
    count,
    judge,
    load_rules,
    lookup_keys,
    plan,
    start,
)
from communique.errors import DataFileError
from communique.pipeline import run
from communique.recode import recode
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
from communique.store.duckdb import EventStore
from conftest import EXAMPLE

CONFIG = ClusterConfig()
DAY = dt.date(2024, 6, 28)  # a Friday

CHN = Party("CHN", "CHN", "state", "China")
CHNGOV = Party("CHNGOV", "CHN", "state", "China")
CHNMIL = Party("CHNMIL", "CHN", "state", "China")
LI = Party("CHNGOV", "CHN", "person", "Li Qiang")
WANG = Party("CHNGOV", "CHN", "person", "Wang Yi")
PER = Party("PER", "PER", "state", "Peru")
BOLUARTE = Party("PERGOV", "PER", "person", "Dina Ercilia Boluarte Zegarra")
BOLUARTE_SHORT = Party("PERGOV", "PER", "person", "Dina Boluarte")
USA = Party("USA", "USA", "state", "United States")
BEIJING = Spot("Beijing", "CHN", "city", "sentence")
SHANGHAI = Spot("Shanghai", "CHN", "city", "sentence")
LIMA = Spot("Lima", "PER", "city", "sentence")
LIMA_DATELINE = Spot("Lima", "PER", "city", "dateline")


def mention(
    source: Party | None = LI,
    target: Party | None = BOLUARTE,
    *,
    cameo: str = "040",
    day: dt.date | None = DAY,
    precision: str = "day",
    place: Spot | None = BEIJING,
    witness: str = "Xinhua",
    article: str = "a1",
    number: int = 0,
    confidence: float = 0.9,
) -> EventMention:
    return EventMention(
        event_id=f"{article}-{number}",
        article_id=article,
        sentence_index=number,
        sentence="Words.",
        span=(0, 6),
        cameo=cameo,
        plover=None,
        quad_class=1,
        goldstein=1.0,
        confidence=confidence,
        source=source,
        target=target,
        date=day,
        date_precision=precision if day else None,
        place=place,
        outlet=witness,
        witness=witness,
        seen=DAY,
    )


def merges(first: EventMention, second: EventMention) -> bool:
    return judge(second, start(first, 1), CONFIG).merge


# -- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("later", "merged"),
    [
        (mention(), True),
        # One side more specific than the other; a side named in one report only.
        (mention(CHN, PER), True),
        (mention(LI, None), True),
        # A shorter form of the same person's name.
        (mention(LI, BOLUARTE_SHORT), True),
        # A mutual act told from the other side; a converse code with the sides swapped.
        (mention(BOLUARTE, LI), True),
        (mention(LI, BOLUARTE, cameo="043"), True),
        # Dates within the window; a date known only to the month covers it.
        (mention(day=DAY + dt.timedelta(days=3)), True),
        (mention(day=dt.date(2024, 6, 1), precision="month"), True),
        # A place read from a dateline says where the story was filed: not compared.
        (mention(place=LIMA_DATELINE), True),
        (mention(place=None), True),
        # Another event.
        (mention(CHNMIL, BOLUARTE), False),
        (mention(WANG, BOLUARTE), False),
        (mention(LI, USA), False),
        (mention(cameo="051"), False),
        (mention(day=DAY + dt.timedelta(days=4)), False),
        (mention(day=None), False),
        (mention(place=SHANGHAI), False),
        (mention(place=LIMA), False),
    ],
)
def test_what_may_report_one_meeting(later, merged):
    assert merges(mention(), later) is merged


def test_an_act_of_one_side_is_not_merged_with_the_other_sides_act():
    support = mention(CHN, PER, cameo="051")
    assert merges(support, mention(CHN, PER, cameo="051"))
    assert not merges(support, mention(PER, CHN, cameo="051"))
    # "A visited B" is "B hosted A", not "B visited A".
    visit = mention(BOLUARTE, LI, cameo="042")
    assert merges(visit, mention(LI, BOLUARTE, cameo="043"))
    assert not merges(visit, mention(LI, BOLUARTE, cameo="042"))


def test_each_merge_says_why_and_each_refusal_why_not():
    verdict = judge(mention(BOLUARTE_SHORT, CHN), start(mention(), 1), CONFIG)
    assert verdict.merge and verdict.swapped
    assert verdict.reasons == (
        "event type 040 = 040",
        "sides compared either way round: 040 is done together",
        "its target as source: CHN is less specific than CHNGOV",
        "its source as target: PERGOV = PERGOV ('Dina Boluarte' is 'Dina Ercilia Boluarte "
        "Zegarra')",
        "date 2024-06-28 within 3 days of 2024-06-28",
        "place Beijing = Beijing",
    )
    refused = judge(mention(place=SHANGHAI), start(mention(), 1), CONFIG)
    assert refused.reasons == ("place Shanghai (CHN) is not Beijing (CHN)",)


def test_dates_cannot_creep_along_a_chain_of_reports():
    placed = plan(
        [
            mention(day=DAY, number=0),
            mention(day=DAY + dt.timedelta(days=2), number=1),
            mention(day=DAY + dt.timedelta(days=4), number=2),
        ],
        [],
        CONFIG,
    )
    assert [p.cluster_id for p in placed.placements] == [-1, -1, -2]
    assert placed.placements[0].reasons == (FIRST_REPORT,)


def test_a_report_goes_to_the_cluster_it_matches_best():
    vague, exact = start(mention(CHN, PER), 1), start(mention(), 2)
    placed = plan([mention(article="a2")], [vague, exact], CONFIG)
    assert [p.cluster_id for p in placed.placements] == [2]
    # The cluster takes what the report adds: a person's name, a place.
    grown = plan(
        [mention(LI, BOLUARTE, article="a2")], [start(mention(LI, None, place=None), 3)], CONFIG
    )
    (cluster,) = grown.clusters.values()
    assert (cluster.target, cluster.place) == (BOLUARTE, BEIJING)


def test_a_compatible_cluster_is_always_among_the_lookup_keys():
    """The store only reads clusters under the keys a mention looks up."""
    first = start(mention(day=dt.date(2024, 6, 30)), 1)  # a Sunday: week 26
    for later in (
        mention(day=dt.date(2024, 7, 2)),  # week 27
        mention(CHN, None, day=dt.date(2024, 6, 27)),
        mention(BOLUARTE, LI, day=dt.date(2024, 7, 3)),
    ):
        assert judge(later, first, CONFIG).merge
        assert set(lookup_keys(later, CONFIG)) & set(first.keys)
    assert not set(lookup_keys(mention(LI, USA), CONFIG)) & set(first.keys)


def test_confidence_grows_with_independent_sources_not_with_copies():
    def evidence(article: str, witness: str) -> Evidence:
        return Evidence(article, witness, witness, DAY, 0.6)

    one = count([evidence("a1", "Xinhua")])
    copies = count([evidence("a1", "Xinhua"), evidence("a2", "xinhua")])
    two = count([evidence("a1", "Xinhua"), evidence("a3", "Reuters")])
    assert (one.mentions, one.articles, one.sources, one.independent) == (1, 1, 1, 1)
    assert (copies.articles, copies.independent, copies.confidence) == (2, 1, one.confidence)
    assert (two.independent, one.confidence, two.confidence) == (2, 0.6, 0.84)


def test_a_bad_rules_file_is_named(tmp_path):
    bad = tmp_path / "merging.yml"
    bad.write_text("version: 1\nmutual: [40]\nconverse: []\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"merging\.yml: 'mutual' must be a list"):
        load_rules(bad)


# -- merged events in the store ----------------------------------------------------------

LI_QIANG = Actor("CHNGOV", "CHN", "GOV", "person", "Li Qiang", "Premier")
DINA = Actor("PERGOV", "PER", "GOV", "person", "Dina Boluarte", "President")
BEIJING_PLACE = Place("Beijing", "CHN", 39.9, 116.4, precision="city", origin="sentence")


def article(
    article_id: str,
    sentences: list[str],
    *,
    source: str | None = None,
    agency: str | None = None,
    day: dt.date = DAY,
    cameo: str = "040",
) -> CodedArticle:
    """An article whose every sentence reports Li meeting Boluarte in Beijing on ``day``."""
    text = "\n\n".join(sentences)
    clean = CleanArticle(
        Article(article_id, text, published=day + dt.timedelta(days=1), source=source),
        tuple(Passage(s, text.index(s)) for s in sentences),
        Dateline("Beijing", day, agency, (0, 0)) if agency else None,
    )
    records = [
        Sentence(i, s, (text.index(s), text.index(s) + len(s))) for i, s in enumerate(sentences)
    ]
    events = tuple(
        Event(
            id=f"{article_id}-{s.index}",
            article_id=article_id,
            sentence=s,
            source=Mention(LI_QIANG, "Li", (s.span[0], s.span[0] + 2)),
            target=Mention(DINA, "Boluarte", (s.span[0], s.span[0] + 8)),
            cameo=cameo,
            plover="CONSULT",
            quad_class=1,
            goldstein=1.0,
            confidence=0.9,
            date=EventDate(day, "day", "sentence"),
            location=BEIJING_PLACE,
        )
        for s in records
    )
    return CodedArticle(clean, tuple(records), (), events)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "merged.duckdb"


def merged(db: Path) -> list:
    with EventStore(db, read_only=True) as store:
        return list(store.clusters())


def test_an_article_stored_later_joins_the_event_stored_before(db):
    with EventStore(db) as store:
        store.add(
            article("xinhua", ["Li met Boluarte.", "Li and Boluarte talked."], agency="Xinhua")
        )
    with EventStore(db) as store:
        store.add(article("andina", ["Boluarte met Li."], source="Andina"))
        store.add(article("later", ["Li met Boluarte."], day=DAY + dt.timedelta(days=9)))
    first, second = merged(db)
    counts = first.counts
    assert (counts.mentions, counts.articles, counts.sources, counts.independent) == (3, 2, 2, 2)
    assert (counts.first_seen, counts.last_seen) == (DAY + dt.timedelta(days=1),) * 2
    assert counts.confidence == 0.99
    assert second.counts.articles == 1 and second.date_first == DAY + dt.timedelta(days=9)


def test_storing_an_article_again_counts_nothing_twice(db):
    with EventStore(db) as store:
        assert store.add(article("xinhua", ["Li met Boluarte."]))
        assert not store.add(article("xinhua", ["Li met Boluarte."]))
    (only,) = merged(db)
    assert (only.counts.mentions, only.counts.articles) == (1, 1)


def test_a_copy_of_a_wire_story_is_no_independent_source(db):
    story = ["Li met Boluarte in the Great Hall of the People on Friday afternoon, officials said."]
    with EventStore(db) as store:
        store.add(article("xinhua", story, source="Xinhua"))
        store.add(article("reprint", story, source="People's Daily"))
        explained = store.explain("reprint-0")
    assert explained is not None
    counts = explained.cluster.counts
    assert (counts.articles, counts.sources, counts.independent) == (2, 2, 1)
    copy = explained.members[1]
    assert copy.copy is not None and copy.copy.exact and copy.copy.copy_of == "xinhua"
    assert "its article is a copy of an article already reporting this event" in copy.reasons


def test_explain_finds_an_event_by_its_id_or_by_one_of_its_mentions(db):
    with EventStore(db) as store:
        store.add(article("xinhua", ["Li met Boluarte."], agency="Xinhua"))
        store.add(article("andina", ["Boluarte met Li."], source="Andina"))
        (cluster,) = store.clusters()
        by_id, by_mention = store.explain(str(cluster.id)), store.explain("andina-0")
        assert store.explain("no-such-event") is None
    assert by_id is not None and by_mention is not None
    assert by_id.members == by_mention.members
    first, second = by_id.members
    assert (first.mention.article_id, first.mention.outlet, first.reasons) == (
        "xinhua",
        "Xinhua",
        (FIRST_REPORT,),
    )
    assert (
        second.mention.sentence == "Boluarte met Li." and "event type 040 = 040" in second.reasons
    )


def test_a_failure_while_merging_leaves_the_article_unstored(db, monkeypatch):
    from communique import cluster as merging

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    with EventStore(db) as store:
        store.add(article("xinhua", ["Li met Boluarte."]))
        monkeypatch.setattr(merging, "plan", broken)
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.add(article("andina", ["Boluarte met Li."]))
        monkeypatch.undo()
        assert not store.has_article("andina")
        (only,) = store.clusters()
        assert only.counts.articles == 1


def test_replacing_an_article_moves_its_mentions_and_rebuilds_what_they_left(db):
    with EventStore(db) as store:
        store.add(article("xinhua", ["Li met Boluarte."]))
        store.add(article("andina", ["Boluarte met Li.", "They talked."]))
        store.replace(article("andina", ["Boluarte met Li.", "They talked."], cameo="051"))
        clusters = {c.cameo: c for c in store.clusters()}
        assert clusters["040"].counts.mentions == 1 and clusters["051"].counts.mentions == 2
        store.replace(article("xinhua", ["Li met Boluarte."], cameo="051"))
        (only,) = store.clusters()
    assert (only.cameo, only.counts.mentions, only.counts.articles) == ("051", 3, 2)


# -- the example article and two copies, through the coder -------------------------------

# Two other outlets' versions of the example's meeting: the photo caption alone, and a report
# in other words (written for this test).
COPIES = [
    {
        "id": "photo-desk-0629",
        "source": "Photo Desk",
        "date": "2024-06-29",
        "text": "Chinese Premier Li Qiang meets with Peruvian President Dina Ercilia Boluarte "
        "Zegarra, who is on a state visit to China, at the Great Hall of the People in Beijing, "
        "capital of China, June 28, 2024.",
    },
    {
        "id": "lima-courier-0629",
        "source": "Lima Courier",
        "date": "2024-06-29",
        "title": "Boluarte and Li hold talks in Beijing",
        "text": "Peru's President Dina Boluarte held talks with Chinese Premier Li Qiang in "
        "Beijing on Friday, on the third day of a state visit that both governments said "
        "would bring new investment in ports and mines.",
    },
]


@pytest.fixture(scope="module")
def three_reports(tmp_path_factory, coder) -> Path:
    folder = tmp_path_factory.mktemp("three")
    shutil.copy(EXAMPLE, folder / "xinhua.txt")
    (folder / "copies.jsonl").write_text(
        "".join(json.dumps(record) + "\n" for record in COPIES), encoding="utf-8"
    )
    db = folder / "events.duckdb"
    with EventStore(db) as store:
        run([str(folder / "xinhua.txt"), str(folder / "copies.jsonl")], store, coder)
    return db


def meetings(db: Path) -> list:
    return [
        c
        for c in merged(db)
        if c.cameo.startswith("04") and {c.source.country, c.target.country} == {"CHN", "PER"}
    ]


def test_the_example_and_two_copies_make_one_meeting(three_reports):
    (meeting,) = meetings(three_reports)
    assert meeting.counts.articles == 3
    assert meeting.counts.sources >= 2
    assert meeting.date_first == dt.date(2024, 6, 28)
    assert meeting.place is not None and meeting.place.name == "Beijing"
    assert meeting.counts.independent >= 2 and meeting.counts.confidence > 0.9
    # The raw codings stay: one meeting event per article.
    with EventStore(three_reports, read_only=True) as store:
        raw = [e for e in store.events() if e.cameo.startswith("04") and e.trigger != "discussed"]
    assert {e.article_id for e in raw} >= {"photo-desk-0629", "lima-courier-0629"}


def assert_each_event_in_one_merged_event(db: Path) -> None:
    with EventStore(db, read_only=True) as store:
        events = [e.id for e in store.events()]
        explained = [store.explain(str(c.id)) for c in store.clusters()]
    members = [m.mention.event_id for e in explained if e is not None for m in e.members]
    assert sorted(members) == sorted(events)


def test_every_coded_event_is_in_exactly_one_merged_event(three_reports):
    assert_each_event_in_one_merged_event(three_reports)


def test_coding_the_same_input_again_does_not_double_counts(three_reports, coder, tmp_path):
    db = tmp_path / "again.duckdb"
    shutil.copy(three_reports, db)
    before = merged(db)
    jsonl = tmp_path / "copies.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in COPIES), encoding="utf-8")
    with EventStore(db) as store:
        summary = run([str(EXAMPLE), str(jsonl)], store, coder)
    assert summary.already_stored == 3 and summary.coded == 0
    assert merged(db) == before


def test_recoding_keeps_the_merged_events(three_reports, coder, tmp_path):
    db = tmp_path / "recoded.duckdb"
    shutil.copy(three_reports, db)
    before = Counter((c.cameo, c.counts) for c in merged(db))
    with EventStore(db) as store:
        recode(store, coder)
    assert Counter((c.cameo, c.counts) for c in merged(db)) == before
    assert_each_event_in_one_merged_event(db)


# -- the command -------------------------------------------------------------------------


def events_command(db: Path, *args: str):
    return CliRunner().invoke(app, ["events", "--db", str(db), *args])


def test_events_still_lists_the_raw_codings_by_default(three_reports):
    result = events_command(three_reports, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    with EventStore(three_reports, read_only=True) as store:
        assert len(rows) == len(list(store.events())) > len(list(store.clusters()))


def test_merged_lists_one_row_per_event_with_its_counts(three_reports):
    result = events_command(three_reports, "--merged", "--format", "jsonl", "--source", "CHN")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(row["source"]["code"].startswith("CHN") for row in rows)
    (meeting,) = [row for row in rows if row["cameo"].startswith("04")]
    assert meeting["articles"] == 3 and meeting["sources"] >= 2 and meeting["mentions"] >= 3
    table = events_command(three_reports, "--merged")
    assert table.exit_code == 0 and "merged events" in table.stdout


def test_explain_shows_each_report_and_why_it_was_merged(three_reports):
    (meeting,) = meetings(three_reports)
    result = events_command(three_reports, "--explain", str(meeting.id))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"merged event {meeting.id}:" in text
    assert "article photo-desk-0629 (Photo Desk, published 2024-06-29)" in text
    assert "first report of this event" in text and "place Beijing = Beijing" in text
    as_json = json.loads(
        events_command(three_reports, "--explain", str(meeting.id), "--format", "jsonl").stdout
    )
    member = as_json["members"][1]
    assert {"event_id", "article_id", "outlet", "published", "sentence", "span", "reasons"} <= set(
        member
    )
    by_event = events_command(three_reports, "--explain", member["event_id"], "--format", "jsonl")
    assert json.loads(by_event.stdout)["id"] == meeting.id


def test_explain_of_an_unknown_id_is_a_one_line_error(three_reports):
    result = events_command(three_reports, "--explain", "nothing-like-it")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stderr.strip().splitlines() == [
        f"error: {three_reports}: no event 'nothing-like-it'"
    ]


def test_merged_on_a_store_from_before_merging_says_how_to_merge(tmp_path):
    import duckdb

    db = tmp_path / "old.duckdb"
    with EventStore(db):
        pass
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE clusters")
    result = events_command(db, "--merged")
    assert result.exit_code == EXIT_ERROR
    assert "communique recode" in result.stderr


def test_merged_and_explain_together_are_refused(three_reports):
    result = events_command(three_reports, "--merged", "--explain", "1")
    assert result.exit_code == EXIT_ERROR and "not both" in result.stderr


@pytest.mark.parametrize("day", [dt.date.min, dt.date(1, 1, 3), dt.date(9999, 12, 29), dt.date.max])
def test_a_mention_dated_at_the_ends_of_the_calendar_has_weeks(day):
    # An article may be dated 0001-01-01 or 9999-12-31; the window around it stays inside.
    for precision in ("day", "month", "year"):
        assert lookup_keys(mention(day=day, precision=precision), CONFIG)
