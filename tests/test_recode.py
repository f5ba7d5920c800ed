"""Re-coding stored articles: the matching of old and new events on hand-made events, then
real re-coding runs of the example article with the session's coder, and the command."""

from __future__ import annotations

import dataclasses
import json
import shutil
from importlib import resources
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from communique import recode as recoding
from communique.cli import EXIT_ERROR, EXIT_SKIPPED, app
from communique.coding.patterns import load_patterns
from communique.pipeline import Coder, PipelineConfig, run
from communique.recode import Changes, compare, recode
from communique.store import duckdb as store_module
from communique.store.duckdb import ActorView, EventStore, StoredEvent
from conftest import EXAMPLE

CHN = ActorView("CHN", "CHN", None, "state", "China", None, "China", (0, 5))
PER = ActorView("PER", "PER", None, "state", "Peru", None, "Peru", (20, 24))
USA = ActorView("USA", "USA", None, "state", "United States", None, "US", (30, 32))


def stored(cameo: str, span=(0, 40), source=CHN, target=PER, event_id: str = "") -> StoredEvent:
    return StoredEvent(
        id=event_id or f"{span[0]}-{cameo}-{source.code if source else ''}",
        article_id="a",
        date=None,
        date_precision=None,
        source=source,
        target=target,
        cameo=cameo,
        plover=None,
        quad_class=1,
        goldstein=0.0,
        confidence=0.9,
        trigger=None,
        location_name=None,
        location_country=None,
        lat=None,
        lon=None,
        sentence_index=0,
        sentence="x" * (span[1] - span[0]),
        span=span,
    )


# -- matching old and new events ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "changes"),
    [
        ([], [], Changes()),
        ([stored("040")], [stored("040")], Changes(kept=1)),
        # Same sentence and actors, a new id (sentences renumbered): still the same event.
        ([stored("040", event_id="x")], [stored("040", event_id="y")], Changes(kept=1)),
        ([stored("040")], [stored("042")], Changes(retyped=1)),
        ([stored("040")], [], Changes(removed=1)),
        ([], [stored("040")], Changes(added=1)),
        # Other actors, or another sentence, make another event.
        ([stored("040")], [stored("042", target=USA)], Changes(removed=1, added=1)),
        ([stored("040")], [stored("042", span=(41, 80))], Changes(removed=1, added=1)),
        ([stored("040")], [stored("040", target=None)], Changes(removed=1, added=1)),
        # Exact matches are kept before what is left is paired as re-typed.
        (
            [stored("040"), stored("051")],
            [stored("051"), stored("036"), stored("043")],
            Changes(kept=1, retyped=1, added=1),
        ),
        ([stored("040"), stored("051")], [stored("036")], Changes(retyped=1, removed=1)),
    ],
)
def test_old_and_new_events_are_matched_by_sentence_actors_and_code(old, new, changes):
    assert compare(old, new) == changes


# -- re-coding a store -------------------------------------------------------------------


@pytest.fixture
def coded_store(tmp_path, coder) -> Path:
    """The example article coded into a fresh store; its source file is gone afterwards."""
    source = tmp_path / "article.txt"
    shutil.copy(EXAMPLE, source)
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        run([str(source)], store, coder)
    source.unlink()  # re-coding must not need it
    return db


def events_of(db: Path) -> list[StoredEvent]:
    with EventStore(db, read_only=True) as store:
        return list(store.events())


def people_of(db: Path) -> list:
    with EventStore(db, read_only=True) as store:
        return store.people()


def test_recoding_with_the_same_coder_changes_nothing(coded_store, coder):
    before, people = events_of(coded_store), people_of(coded_store)
    assert before
    with EventStore(coded_store) as store:
        summary = recode(store, coder)
    assert (summary.articles, summary.recoded, summary.skipped) == (1, 1, [])
    assert summary.events_before == summary.events_after == summary.kept == len(before)
    assert (summary.retyped, summary.removed, summary.added) == (0, 0, 0)
    assert summary.old_versions == {coder.version: len(before)}
    assert summary.new_version == coder.version
    assert events_of(coded_store) == before
    # The people the article taught were counted when it was first coded, not again.
    assert people_of(coded_store) == people


def test_recoding_reports_and_repairs_what_differs_from_the_current_coding(coded_store, coder):
    coded = events_of(coded_store)
    first, second = coded[0], coded[1]
    with duckdb.connect(str(coded_store)) as con:
        con.execute("UPDATE events SET cameo = '111' WHERE id = ?", [first.id])
        con.execute("DELETE FROM events WHERE id = ?", [second.id])
        con.execute(
            "INSERT INTO events (id, article_id, cameo, quad_class, goldstein, confidence, "
            "source_code, span_start, span_end, sentence_index, sentence, coder_version) "
            "VALUES ('invented', ?, '190', 4, -10.0, 0.5, 'USA', 0, 5, 0, 'Words', 'old-coder')",
            [first.article_id],
        )
    with EventStore(coded_store) as store:
        summary = recode(store, coder)
    assert (summary.retyped, summary.added, summary.removed) == (1, 1, 1)
    assert summary.kept == len(coded) - 2
    assert (summary.events_before, summary.events_after) == (len(coded), len(coded))
    assert summary.old_versions == {coder.version: len(coded) - 1, "old-coder": 1}
    assert events_of(coded_store) == coded


def test_recoding_applies_changed_dictionaries(coded_store, coder, tmp_path):
    """'met with' made a host-a-visit verb (043) re-types the meeting, and only it."""
    verbs = resources.files("communique") / "data" / "verbs.yml"
    data = yaml.safe_load(verbs.read_text(encoding="utf-8"))
    data["verbs"].update({"meet": "043", "meet with": "043"})
    data["mutual"] = [*data["mutual"], "043"]  # hosted from each side, as met was
    data["version"] = 999
    changed = tmp_path / "verbs.yml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    new_coder = dataclasses.replace(coder, patterns=load_patterns(changed))
    before = events_of(coded_store)
    meetings = [e for e in before if e.cameo == "040" and e.trigger == "met with"]
    assert len(meetings) == 2  # each side's
    with EventStore(coded_store) as store:
        summary = recode(store, new_coder)
    assert summary.retyped == 2 and summary.added == summary.removed == 0
    assert list(summary.old_versions) == [coder.version] != [new_coder.version]
    assert "verbs-999" in summary.new_version
    after = events_of(coded_store)
    hosted = [e for e in after if e.span == meetings[0].span and e.cameo == "043"]
    assert {(e.source, e.target) for e in hosted} == {(m.source, m.target) for m in meetings}
    assert {e.cameo for e in after} - {e.cameo for e in before} == {"043"}


def test_an_article_the_coder_rejects_keeps_its_old_coding(coded_store, coder):
    before = events_of(coded_store)
    strict = dataclasses.replace(coder, config=PipelineConfig(max_article_chars=100))
    with EventStore(coded_store) as store:
        summary = recode(store, strict)
    assert summary.recoded == 0
    (rejected,) = summary.skipped
    assert rejected.reason == "article longer than 100 characters"
    assert rejected.origin.endswith("article.txt")
    assert events_of(coded_store) == before


def test_a_failed_replacement_leaves_the_article_as_it_was(coded_store, coder, monkeypatch):
    before = events_of(coded_store)

    def broken(event):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "_event_row", broken)
    with EventStore(coded_store) as store, pytest.raises(RuntimeError, match="disk on fire"):
        recode(store, coder)
    monkeypatch.undo()
    assert events_of(coded_store) == before
    with EventStore(coded_store, read_only=True) as store:
        assert store.counts()["mentions"] > 0


# -- the command -------------------------------------------------------------------------


@pytest.fixture
def session_coder(monkeypatch, coder):
    """``Coder.load`` gives the session's coder: the command's own loading is not tested."""

    def load(cls, config: PipelineConfig | None = None) -> Coder:
        return dataclasses.replace(coder, config=config) if config else coder

    monkeypatch.setattr(Coder, "load", classmethod(load))


def invoke(*args: str):
    return CliRunner().invoke(app, ["recode", *args])


def test_recode_command_reports_what_changed(coded_store, session_coder, coder):
    count = len(events_of(coded_store))
    result = invoke("--db", str(coded_store))
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"1 articles re-coded in {coded_store}, 0 skipped; events {count} -> {count}: "
        f"{count} kept, 0 re-typed, 0 removed, 0 added",
        f"coder version unchanged: {coder.version}",
    ]


def test_recode_command_json(coded_store, session_coder, coder):
    result = invoke("--db", str(coded_store), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["recoded"] == 1 and report["skipped"] == []
    assert report["coder_version"]["new"] == coder.version
    assert report["kept"] == report["events_before"] == report["events_after"]


def test_recode_command_names_skipped_articles(coded_store, session_coder, monkeypatch, coder):
    strict = dataclasses.replace(coder, config=PipelineConfig(max_article_chars=100))
    monkeypatch.setattr(recoding, "recode", _with_coder(recoding.recode, strict))
    result = invoke("--db", str(coded_store))
    assert result.exit_code == EXIT_SKIPPED
    (skip,) = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert skip.endswith("article.txt: article longer than 100 characters")


def _with_coder(function, coder):
    return lambda store, _coder, *args: function(store, coder, *args)


def test_recode_command_needs_a_store(tmp_path, session_coder):
    missing = tmp_path / "none.duckdb"
    result = invoke("--db", str(missing))
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip() == (
        f"error: {missing}: no such store (run `communique code` first)"
    )
    assert not missing.exists()
