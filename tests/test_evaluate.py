"""Scoring against gold: the metrics on tiny hand-made inputs, the ``eval`` command, and the
quality gate: every figure on the vendored gold (tests/gold) at or above its floor.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import EXIT_ERROR, app
from communique.errors import DataFileError, InputError
from communique.evaluate import (
    FLOORS,
    NO_ACTOR,
    NO_TRIGGER,
    SPAN_BOUNDS,
    VENDORED_GOLD,
    WRONG_ACTOR,
    WRONG_CODE,
    WRONG_DIRECTION,
    Bound,
    Coded,
    GoldActor,
    PloverGold,
    PloverItem,
    SpanGold,
    SpanItem,
    bio_spans,
    evaluate,
    gold_files,
    load_floors,
    load_gold,
    macro_f1,
    match_spans,
    mention_tokens,
    pentaclass_of,
    score_plover,
    score_spans,
    sentence_class,
)
from communique.records import Actor, Event, Mention, Sentence
from communique.store.duckdb import EventStore
from communique.store.export import coded_event_record, event_record
from conftest import shared_path

# -- hand-made coder output --------------------------------------------------------------


def mention(code: str, span: tuple[int, int] = (0, 1), sector: str | None = None) -> Mention:
    country = None if code.startswith(("IGO", "NGO")) else code[:3]
    return Mention(Actor(code, country, sector, "state"), code, span)


def event(
    plover: str | None,
    source: Mention | None = None,
    target: Mention | None = None,
    cameo: str = "040",
    confidence: float = 0.9,
) -> Event:
    return Event(
        id="e",
        article_id="a",
        sentence=Sentence(0, "s", (0, 1)),
        source=source,
        target=target,
        cameo=cameo,
        plover=plover,
        quad_class=1,
        goldstein=0.0,
        confidence=confidence,
    )


def actors(*codes: str) -> tuple[GoldActor, ...]:
    return tuple(GoldActor(code, code[:3], code[3:] or None) for code in codes)


# -- sentence classes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cameo", "pentaclass"),
    [
        ("010", 0),
        ("0211", 0),
        ("036", 1),
        ("051", 1),
        ("061", 2),
        ("090", 3),
        ("138", 3),
        ("145", 4),
        ("190", 4),
        ("204", 4),
    ],
)
def test_pentaclass_of_a_cameo_code(cameo, pentaclass):
    assert pentaclass_of(cameo) == pentaclass


def test_a_sentence_takes_the_class_of_its_most_confident_event():
    assert sentence_class([]) == 0
    events = [event("ASSAULT", cameo="190", confidence=0.5), event("AGREE", cameo="030")]
    assert sentence_class(events) == 1
    # On a tie, the first in reading order.
    tied = [event("ACCUSE", cameo="112"), event("AGREE", cameo="030")]
    assert sentence_class(tied) == 3


def test_macro_f1_is_the_mean_of_the_class_f1s():
    perfect = [[2 if gold == coded else 0 for coded in range(5)] for gold in range(5)]
    assert macro_f1(perfect) == 1.0
    # Class 0: precision 1/2, recall 1/1 → F1 2/3; class 1: P 1/1, R 1/2 → F1 2/3;
    # classes 2-4 have no item and no prediction: F1 0.
    confusion = [[0] * 5 for _ in range(5)]
    confusion[0][0] = 1
    confusion[1][0] = 1
    confusion[1][1] = 1
    assert macro_f1(confusion) == pytest.approx((2 / 3 + 2 / 3) / 5)


# -- actor spans -------------------------------------------------------------------------


def test_bio_runs_become_token_spans():
    tags = ["B-S", "I-S", "O", "B-T", "B-T", "I-T", "I-R", "O", "I-S"]
    assert bio_spans(tags) == {"S": {(0, 1), (8, 8)}, "T": {(3, 3), (4, 5)}, "R": {(6, 6)}}


def test_a_mention_covers_the_tokens_its_characters_overlap():
    offsets = [(0, 3), (4, 9), (10, 12)]  # "The Swiss court"
    assert mention_tokens((4, 12), offsets) == (1, 2)
    assert mention_tokens((5, 7), offsets) == (1, 1)
    assert mention_tokens((3, 4), offsets) is None


def test_exact_and_lenient_span_matches():
    counts = match_spans(predicted={(0, 1), (4, 4), (9, 9)}, gold={(0, 1), (3, 5), (7, 7)})
    assert (counts.predicted, counts.gold, counts.exact) == (3, 3, 1)
    assert counts.f1 == pytest.approx(1 / 3)
    assert (counts.lenient_predicted, counts.lenient_gold) == (2, 2)
    assert counts.lenient_f1 == pytest.approx(2 / 3)


def test_spans_of_coded_events_against_gold_with_reciprocal_as_both():
    # "Iran condemned Israel and Egypt ." with Iran source, Israel target, Egypt reciprocal.
    tokens = ("Iran", "condemned", "Israel", "and", "Egypt", ".")
    item = SpanItem("x:1", tokens, frozenset({(0, 0), (4, 4)}), frozenset({(2, 2), (4, 4)}))
    iran, israel = mention("IRN", (0, 4)), mention("ISR", (15, 21))
    coded = Coded(events=(event("ACCUSE", iran, israel, "111"),), mentions=(iran, israel))
    report = score_spans(SpanGold(Path("x"), (item,)), [coded])
    assert (report.source.exact, report.source.gold, report.source.predicted) == (1, 2, 1)
    assert (report.target.exact, report.target.gold, report.target.predicted) == (1, 2, 1)
    assert report.figures()["spans.f1"] == pytest.approx(2 / 3)
    assert {miss.step for miss in report.misses} == {NO_ACTOR}


def test_a_span_coded_with_other_bounds_is_lost_at_its_bounds():
    tokens = ("Abu", "Sayyaf", "gunmen", "killed", "soldiers")
    item = SpanItem("x:1", tokens, frozenset({(0, 2)}), frozenset())
    coded = Coded(events=(event("ASSAULT", mention("PHLREB", (0, 10)), None, "190"),))
    report = score_spans(SpanGold(Path("x"), (item,)), [coded])
    assert report.source.exact == 0
    assert report.source.lenient_f1 == 1.0
    assert [miss.step for miss in report.misses] == [SPAN_BOUNDS]


# -- PLOVER records ----------------------------------------------------------------------


def plover_item(plover: str, source: tuple[str, ...], target: tuple[str, ...]) -> PloverItem:
    return PloverItem("x:1", "a sentence", plover, actors(*source), actors(*target))


def test_plover_recall_of_type_and_dyad_and_events_per_sentence():
    items = (
        plover_item("AGREE", ("USAGOV",), ("JOR",)),  # found with its dyad
        plover_item("ACCUSE", ("IRN",), ("ISR",)),  # the type, other actors
        plover_item("PROTEST", ("FRACVL",), ()),  # no target labelled: any target will do
        plover_item("ASSAULT", ("RUS",), ("UKR",)),  # nothing coded
    )
    coded = [
        Coded(events=(event("AGREE", mention("USAGOV", sector="GOV"), mention("JOR")),)),
        Coded(events=(event("ACCUSE", mention("IRN"), mention("USA")), event("REJECT"))),
        Coded(events=(event("PROTEST", mention("FRACVL", sector="CVL"), mention("DEU")),)),
        Coded(trigger_word=False),
    ]
    report = score_plover(PloverGold(Path("x"), items), coded)
    figures = report.figures()
    assert figures["plover.type_recall"] == 0.75
    assert figures["plover.type_dyad_recall"] == 0.5
    assert figures["plover.dyad_given_type"] == 2 / 3  # of the three whose type was found
    assert figures["plover.events_per_sentence"] == 1.0
    # Sectors: USAGOV coded GOV, FRACVL coded CVL; JOR has no gold sector.
    assert (report.sector_agree, report.sector_sides) == (2, 2)
    assert [miss.step for miss in report.misses] == [NO_TRIGGER, WRONG_ACTOR]
    assert {row.plover: row.dyad_found for row in report.per_type}["AGREE"] == 1


@pytest.mark.parametrize(
    ("coded", "step"),
    [
        (Coded(trigger_word=True), NO_ACTOR),
        (Coded(trigger_word=False), NO_TRIGGER),
        (Coded(mentions=(mention("SYR"),)), NO_TRIGGER),
        (Coded(events=(event("CONSULT", mention("SYR"), mention("TUR")),)), WRONG_CODE),
        (Coded(events=(event("THREATEN", mention("TUR"), mention("SYR")),)), WRONG_DIRECTION),
        (Coded(events=(event("THREATEN", mention("SYR"), mention("IRQ")),)), WRONG_ACTOR),
    ],
)
def test_the_step_that_lost_a_labelled_event(coded, step):
    item = plover_item("THREATEN", ("SYR",), ("TUR",))
    report = score_plover(PloverGold(Path("x"), (item,)), [coded])
    assert [miss.step for miss in report.misses] == [step]


def test_a_gold_igo_accepts_any_igo_code():
    igo = GoldActor("the United Nations", "IGO", None)
    assert igo.matches(mention("IGOUNO"))
    assert not igo.matches(mention("USA"))


# -- reading gold and floors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"id": "a", "text": "x", "pentaclass": 1}\n{"id": "b", "text"\n', "bad.jsonl:2"),
        ('{"id": "a", "text": "x", "pentaclass": 7}\n', "pentaclass' 0..4"),
        ("Iran B-S\ncondemned\n", "bad.jsonl:2"),
        ("just some prose\n", "unknown gold shape"),
    ],
)
def test_malformed_gold_is_an_input_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        load_gold(path)


def test_a_lowered_floor_needs_a_reason(tmp_path):
    path = tmp_path / "floors.toml"
    path.write_text(
        '[floors]\n"plover.type_recall" = 0.4\n\n'
        '[[lowered]]\nfigure = "plover.type_recall"\nwas = 0.5\nnow = 0.4\nreason = ""\n'
    )
    with pytest.raises(DataFileError, match="reason"):
        load_floors(path)


def test_floors_and_ceilings():
    assert Bound("x", 0.51).holds(0.5121)
    assert Bound("x", 0.51).holds(0.51 - 1e-12)
    assert not Bound("x", 0.51).holds(0.509)
    assert Bound("x", 2.5, ceiling=True).holds(0.7)
    assert not Bound("x", 0.0, ceiling=True).holds(1.0)


def test_vendored_gold_is_the_shared_gold_unchanged():
    for path in gold_files(VENDORED_GOLD):
        assert path.read_bytes() == shared_path("gold", path.name).read_bytes()


# -- the command line --------------------------------------------------------------------


def test_eval_on_a_malformed_gold_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": "x", "events": [{"plover": "AGREE"}]}\n{oops\n')
    result = CliRunner().invoke(app, ["eval", str(path)])
    assert result.exit_code == EXIT_ERROR
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert f"{path}:2: malformed JSON" in lines[0]


def test_eval_of_an_unknown_shape_names_the_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("nothing to score here\n")
    result = CliRunner().invoke(app, ["eval", str(path)])
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.count("\n") == 1
    assert f"{path}: unknown gold shape" in result.stderr


# -- the quality gate --------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(coder):
    """Every vendored gold file, coded and scored once (10-30 s)."""
    return {path.name: evaluate(load_gold(path), coder) for path in gold_files(VENDORED_GOLD)}


@pytest.fixture(scope="module")
def figures(reports):
    return {name: value for r in reports.values() for name, value in r.figures().items()}


@pytest.mark.parametrize("bound", load_floors(FLOORS).bounds, ids=lambda bound: bound.figure)
def test_figure_keeps_its_floor(figures, bound):
    assert bound.figure in figures, f"{bound.figure} is pinned in {FLOORS} but not measured"
    kind = "ceiling" if bound.ceiling else "floor"
    assert bound.holds(figures[bound.figure]), (
        f"{bound.figure} = {figures[bound.figure]:.3f}, {kind} {bound.value} ({FLOORS})"
    )


def test_every_vendored_file_is_scored(reports):
    shapes = sorted(str(report.shape) for report in reports.values())
    assert shapes == ["pentaclass", "plover-gsr", "seed", "spans"]


def test_a_coded_event_and_its_stored_copy_give_one_contract(coder, example_path, tmp_path):
    from communique.pipeline import code_batch
    from communique.readers import read_inputs

    articles = list(read_inputs([str(example_path)]))
    (coded,) = code_batch(articles, coder)
    with EventStore(tmp_path / "events.duckdb") as store:
        store.add(coded)
        stored = {e.id: event_record(e) for e in store.events()}
    assert stored
    for fresh in coded.events:
        record = coded_event_record(fresh)
        # The store keeps floats as DOUBLE: the same numbers, whatever their Python type.
        assert record == stored[fresh.id]
