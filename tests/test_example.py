"""The example article, end to end through the command line, against its seed gold.

No rule or dictionary entry names this article's people or phrases: titles, demonyms and
general verb patterns carry it, as they must for any article.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import app
from communique.evaluate import load_seed, score_seed
from communique.readers import read_inputs
from communique.records import Article

SEED = Path(__file__).parent / "gold" / "seed-xinhua-2024-06-29.json"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xinhua-2024-06-29-china-peru.txt"


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    db = tmp_path_factory.mktemp("example") / "events.duckdb"
    runner = CliRunner()
    result = runner.invoke(app, ["code", str(EXAMPLE), "--db", str(db)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["events", "--db", str(db), "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    events = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    return db, events


def test_all_required_events_and_nothing_forbidden(coded):
    _, events = coded
    report = score_seed(load_seed(SEED), events)
    assert report.missing == []
    assert report.violations == []
    assert report.required_found == 5


def test_the_meeting_coded_again_from_another_sentence_is_a_copy(coded):
    _, events = coded
    meeting = next(e for e in events if e["cameo"].startswith("04"))
    from_both_sides = [
        meeting,
        {**meeting, "source": meeting["target"], "target": meeting["source"]},
    ]
    assert score_seed(load_seed(SEED), [*events, *from_both_sides]).violations == []
    copy = {**meeting, "span": [meeting["span"][1] + 10, meeting["span"][1] + 60]}
    (violation,) = score_seed(load_seed(SEED), [*events, copy]).violations
    assert "2 sentences" in violation


def test_meeting_is_dated_from_the_sentence_and_placed_in_beijing(coded):
    _, events = coded
    report = score_seed(load_seed(SEED), events)
    assert report.meeting_date == "2024-06-28"
    assert report.meeting_place == "Beijing"


def test_meeting_carries_people_with_their_roles(coded):
    _, events = coded
    meeting = next(e for e in events if e["cameo"].startswith("04"))
    sides = {meeting["source"]["name"], meeting["target"]["name"]}
    assert sides == {"Li Qiang", "Dina Ercilia Boluarte Zegarra"}
    assert {meeting["source"]["code"], meeting["target"]["code"]} == {"CHNGOV", "PERGOV"}
    assert meeting["source"]["text"] == "Chinese Premier Li Qiang"


def test_events_follow_the_json_contract(coded):
    _, events = coded
    keys = {
        "id",
        "article_id",
        "date",
        "source",
        "target",
        "cameo",
        "plover",
        "quad_class",
        "goldstein",
        "confidence",
        "location",
        "sentence",
        "span",
    }
    (article,) = read_inputs([str(EXAMPLE)])
    assert isinstance(article, Article)
    for event in events:
        assert keys <= event.keys()
        for side in ("source", "target"):
            if event[side] is not None:
                assert {"code", "country", "sector", "name"} <= event[side].keys()
                # Every actor keeps the words it came from.
                actor_start, actor_end = event[side]["span"]
                assert article.text[actor_start:actor_end] == event[side]["text"]
        start, end = event["span"]
        # The span points at the sentence in the article's text as read.
        assert article.text[start:end] == event["sentence"]
        assert event["article_id"] == article.id


def test_coding_the_same_article_twice_adds_nothing(coded):
    db, events = coded
    runner = CliRunner()
    again = runner.invoke(app, ["code", str(EXAMPLE), "--db", str(db)])
    assert again.exit_code == 0
    assert "1 already stored" in again.output
    listed = runner.invoke(app, ["events", "--db", str(db), "--format", "jsonl"])
    assert len(listed.stdout.splitlines()) == len(events)


def test_meeting_is_dated_to_the_day_from_its_sentence_and_placed_in_beijing(coded):
    _, events = coded
    meeting = next(e for e in events if e["cameo"].startswith("04"))
    assert (meeting["date"], meeting["date_precision"]) == ("2024-06-28", "day")
    assert meeting["date_origin"] == "sentence"
    location = meeting["location"]
    assert (location["name"], location["country"], location["precision"]) == (
        "Beijing",
        "CHN",
        "city",
    )
    assert location["gazetteer_id"] == "geonames:1816670"


def test_quotes_have_their_speakers(coded):
    db, events = coded
    listed = CliRunner().invoke(app, ["quotes", "--db", str(db), "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    quotes = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    speakers = {(q["speaker"]["name"], q["speaker"]["code"]) for q in quotes if q["speaker"]}
    assert ("Li Qiang", "CHNGOV") in speakers
    assert ("Dina Ercilia Boluarte Zegarra", "PERGOV") in speakers
    assert len(quotes) >= 2
    # Every event told in a quote points at it, and the quote back at the event.
    by_id = {q["id"]: q for q in quotes}
    for event in events:
        if event["quote_id"] is not None:
            assert event["id"] in by_id[event["quote_id"]]["event_ids"]


def test_the_articles_themes_include_what_it_is_about(coder):
    from communique.pipeline import code_batch
    from communique.records import CodedArticle

    (result,) = code_batch(list(read_inputs([str(EXAMPLE)])), coder)
    assert isinstance(result, CodedArticle)
    assert {"trade", "mining", "energy", "infrastructure"} <= set(result.themes)
    assert result.tone is not None and result.tone > 0
