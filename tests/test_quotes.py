"""Quotes: direct and reported speech, speakers resolved to actors (pronouns too), the events
told in each, the quotes table and ``communique quotes``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from communique.cli import app
from communique.pipeline import code_batch
from communique.records import Article, CodedArticle
from communique.store.duckdb import EventStore


def coded(coder, text: str, article_id: str = "q") -> CodedArticle:
    article = Article(article_id, text, published=dt.date(2024, 6, 29), origin="test")
    (result,) = code_batch([article], coder)
    assert isinstance(result, CodedArticle)
    return result


def speakers(result: CodedArticle) -> list[tuple[str | None, str | None]]:
    return [
        (q.speaker.actor.name, q.speaker.actor.code) if q.speaker else (None, None)
        for q in result.quotes
    ]


LI = ("Li Qiang", "CHNGOV")


def test_reported_speech_has_its_speaker_and_the_events_told_in_it(coder):
    text = (
        "Chinese Premier Li Qiang met Peruvian President Dina Boluarte in Beijing on Friday. "
        "Li said China is willing to work with Peru."
    )
    result = coded(coder, text)
    (quote,) = result.quotes
    assert quote.speaker is not None
    assert (quote.speaker.actor.name, quote.speaker.actor.code) == LI
    assert text[slice(*quote.speaker.span)] == "Li"
    assert quote.text == "China is willing to work with Peru"
    assert text[slice(*quote.span)] == quote.text
    assert (quote.verb, quote.direct) == ("said", False)
    told = [e for e in result.events if e.quote_id == quote.id]
    assert told and all(e.sentence.index == quote.sentence.index for e in told)
    # The meeting was not said by anyone.
    meeting = next(e for e in result.events if e.cameo.startswith("04"))
    assert meeting.quote_id is None


def test_a_pronoun_speaker_is_the_subject_of_the_sentence_before(coder):
    text = (
        "Chinese Premier Li Qiang met Peruvian President Dina Boluarte on Friday. "
        "He said China is willing to expand trade with Peru."
    )
    result = coded(coder, text)
    assert speakers(result) == [LI]
    (quote,) = result.quotes
    assert quote.speaker is not None and quote.speaker.text == "He"


def test_a_pronoun_speaker_goes_on_from_the_speaker_before(coder):
    text = (
        "Chinese Premier Li Qiang said China is willing to work with Peru. "
        "He added that both sides should deepen cooperation in mining."
    )
    result = coded(coder, text)
    assert speakers(result) == [LI, LI]
    assert result.quotes[1].text == "both sides should deepen cooperation in mining"


def test_a_group_pronoun_speaker_is_a_state_or_organisation(coder):
    text = (
        "The United Nations condemned the attack on Monday. "
        "It said the killing of civilians must stop."
    )
    result = coded(coder, text)
    assert [code for _, code in speakers(result)] == ["IGOUNO"]


def test_a_clause_set_before_its_speaker(coder):
    text = (
        "Chinese Premier Li Qiang met Peruvian President Dina Boluarte in Beijing. "
        "China stands ready to further strengthen exchanges with Peru, Li said."
    )
    (quote,) = coded(coder, text).quotes
    assert quote.speaker is not None and quote.speaker.actor.name == "Li Qiang"
    assert quote.text == "China stands ready to further strengthen exchanges with Peru"


def test_a_second_verb_of_saying_shares_the_speaker(coder):
    text = (
        "Peruvian President Dina Boluarte met Chinese Premier Li Qiang in Beijing. "
        "Peru welcomes Chinese investment, Boluarte said, adding that the government "
        "is willing to provide a favorable environment."
    )
    result = coded(coder, text)
    boluarte = ("Dina Boluarte", "PERGOV")
    assert speakers(result) == [boluarte, boluarte]
    assert result.quotes[1].verb == "adding"
    assert result.quotes[1].text.startswith("the government is willing")


def test_direct_speech_is_the_words_inside_the_quotation_marks(coder):
    text = "“We will never give up our claims,” Chinese Foreign Minister Wang Yi said."
    (quote,) = coded(coder, text).quotes
    assert quote.direct
    assert quote.text == "We will never give up our claims"
    assert quote.speaker is not None
    assert (quote.speaker.actor.name, quote.speaker.actor.code) == ("Wang Yi", "CHNGOV")


def test_a_negated_verb_of_saying_holds_no_quote(coder):
    text = "Chinese Premier Li Qiang did not say whether China would invest in Peru."
    assert coded(coder, text).quotes == ()


def test_a_passage_with_only_a_verb_of_saying_is_parsed_for_its_quote(coder):
    # No trigger word at all: without its "said" the passage would only be tokenised.
    text = "Chinese Premier Li Qiang said the weather was fine."
    assert not coder.patterns.may_hold_event(text)
    assert coder.speech.may_hold_quote(text)
    assert speakers(coded(coder, text)) == [LI]


@pytest.fixture(scope="module")
def quote_store(coder, tmp_path_factory):
    db = tmp_path_factory.mktemp("quotes") / "quotes.duckdb"
    text = (
        "Chinese Premier Li Qiang met Peruvian President Dina Boluarte in Beijing on Friday. "
        "Li said China is willing to work with Peru. "
        "Boluarte said Peru welcomes Chinese investment."
    )
    result = coded(coder, text, "store-1")
    with EventStore(db) as store:
        assert store.add(result)
    return db, result


def test_quotes_are_stored_with_their_speakers_and_events(quote_store):
    db, result = quote_store
    with EventStore(db, read_only=True) as store:
        stored = store.quotes()
        chinese = store.quotes("CHN")
    assert [q.id for q in stored] == [q.id for q in result.quotes]
    assert [q.speaker.code for q in chinese if q.speaker] == ["CHNGOV"]
    first = stored[0]
    assert first.text == "China is willing to work with Peru"
    told = tuple(sorted(e.id for e in result.events if e.quote_id == first.id))
    assert told and first.event_ids == told


def test_quotes_command_prints_jsonl_filtered_by_speaker(quote_store):
    db, _ = quote_store
    runner = CliRunner()
    listed = runner.invoke(
        app, ["quotes", "--db", str(db), "--speaker", "PER", "--format", "jsonl"]
    )
    assert listed.exit_code == 0, listed.output
    (record,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert record["speaker"]["code"] == "PERGOV"
    assert record["text"] == "Peru welcomes Chinese investment"
    assert set(record) >= {"id", "article_id", "speaker", "verb", "text", "span", "event_ids"}
    table = runner.invoke(app, ["quotes", "--db", str(db)])
    assert table.exit_code == 0 and "2 quotes" in table.stdout


def test_quotes_command_on_a_missing_store_is_an_error(tmp_path):
    result = CliRunner().invoke(app, ["quotes", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "no such store" in result.output
