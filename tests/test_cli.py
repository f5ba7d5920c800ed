"""The command line through typer's CliRunner: exit codes, skip messages, stored events.

``code`` loads spaCy on every call (about two seconds), so the bad inputs share one run.
The installed click keeps stderr apart from stdout (``result.stderr``), as a shell does.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import EXIT_ERROR, EXIT_SKIPPED, app
from communique.store.export import CSV_COLUMNS

MEETING = {
    "id": "macron-scholz",
    "title": "Macron meets Scholz",
    "date": "2024-05-06",
    "text": "French President Emmanuel Macron met with German Chancellor Olaf Scholz "
    "in Berlin on Monday.",
}
CRITICISM = {
    "id": "wang-japan",
    "title": "China criticises Japan",
    "date": "2024-07-10",
    "text": "Chinese Foreign Minister Wang Yi criticized Japan on Wednesday over its "
    "defence policy.",
}
PUTIN_MODI = {
    "id": "putin-modi",
    "date": "2024-07-08",
    "text": "Russian President Vladimir Putin met with Indian Prime Minister Narendra Modi "
    "in Moscow.",
}
IRAN_ISRAEL = {
    "id": "iran-israel",
    "date": "2024-04-02",
    "text": "Iran condemned Israel on Tuesday.",
}
# Every event coded from the four articles: (article id, source, target, date). A meeting is
# each side's, so it is coded from both.
CODED = {
    ("macron-scholz", "FRAGOV", "DEUGOV", "2024-05-06"),
    ("macron-scholz", "DEUGOV", "FRAGOV", "2024-05-06"),
    ("wang-japan", "CHNGOV", "JPN", "2024-07-10"),
    ("putin-modi", "RUSGOV", "INDGOV", "2024-07-08"),
    ("putin-modi", "INDGOV", "RUSGOV", "2024-07-08"),
    ("iran-israel", "IRN", "ISR", "2024-04-02"),
}


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def says(stderr: str, message: str) -> bool:
    """Whether stderr holds ``message`` on one of its lines."""
    return any(message in line for line in stderr.splitlines())


def code(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["code", *args], input=stdin)


def listed(db: Path, *args: str):
    return CliRunner().invoke(app, ["events", "--db", str(db), *args])


def stored(db: Path, *args: str) -> list[dict]:
    result = listed(db, "--format", "jsonl", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """Every kind of bad input, in ``folder``; returns each origin (relative to the folder)
    and the problem it is skipped for."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (folder / "latin1.txt").write_bytes("date 2024-05-06 Caf\xe9\n\nLe caf\xe9.".encode("latin-1"))
    (folder / "mixed.jsonl").write_text(
        jsonl(PUTIN_MODI) + '{"id": "broken", "text": \n' + jsonl(IRAN_ISRAEL)
    )
    (folder / "notext.jsonl").write_text(jsonl({"id": "no-text", "title": "Nothing here"}))
    (folder / "baddate.txt").write_text(
        "date 2024-13-45 Title\n\nFrench President Emmanuel Macron visited Spain.\n"
    )
    return {
        "baddate.txt:1": "impossible date '2024-13-45'",
        "binary.txt": "binary file (contains NUL bytes)",
        "empty.txt": "empty file",
        "latin1.txt": "not valid UTF-8 (byte 19)",
        "mixed.jsonl:2": "malformed JSON",
        "notext.jsonl:1": "record has no text",
    }


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """One ``code`` run over a folder of two good JSON Lines articles and every bad input."""
    root = tmp_path_factory.mktemp("mixed")
    folder = root / "inputs-in-a-folder-with-a-longer-name"
    bad = write_bad_inputs(folder)
    (folder / "good.jsonl").write_text(jsonl(MEETING, CRITICISM))
    db = root / "events.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "80")  # as wide as a pipe, whatever terminal runs the tests
        result = code(str(folder), "--db", str(db))
    return folder, db, bad, result


# -- code ------------------------------------------------------------------------------


def test_bad_inputs_are_skipped_and_named(mixed_run):
    folder, _, bad, result = mixed_run
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert result.stdout == ""
    assert "".join(result.stderr.split()).count(f"skipped{folder}") == len(bad)
    for origin, problem in bad.items():
        assert says(result.stderr, f"skipped {folder / origin}: {problem}")


def test_good_articles_are_coded_despite_bad_inputs(mixed_run):
    _, db, bad, result = mixed_run
    # Two from good.jsonl, two from the good lines around mixed.jsonl's malformed one.
    summary = f"4 articles read, 4 coded, 0 already stored, {len(bad)} skipped; 6 events"
    assert says(result.stderr, summary)
    events = stored(db)
    found = [(e["article_id"], e["source"]["code"], e["target"]["code"], e["date"]) for e in events]
    assert len(found) == len(CODED) and set(found) == CODED


def test_each_skip_message_is_one_line(mixed_run):
    folder, _, bad, result = mixed_run
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(lines) == len(bad)
    for line, (origin, problem) in zip(lines, sorted(bad.items()), strict=True):
        assert line.startswith(f"skipped {folder / origin}: {problem}")


def test_nothing_stored_is_lost_when_later_inputs_are_bad(tmp_path):
    db = tmp_path / "events.duckdb"
    first = tmp_path / "first.jsonl"
    first.write_text(jsonl(MEETING))
    result = code(str(first), "--db", str(db))
    assert result.exit_code == 0, result.output
    before = stored(db)
    assert [e["article_id"] for e in before] == ["macron-scholz", "macron-scholz"]

    bad = tmp_path / "bad"
    write_bad_inputs(bad)
    second = tmp_path / "second.jsonl"
    second.write_text(jsonl(CRITICISM))
    result = code(str(bad / "binary.txt"), str(bad / "mixed.jsonl"), str(second), "--db", str(db))
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert says(result.stderr, "3 articles read, 3 coded, 0 already stored, 2 skipped")
    after = stored(db)
    assert before[0] in after
    assert {e["article_id"] for e in after} == {
        "macron-scholz",
        "wang-japan",
        "putin-modi",
        "iran-israel",
    }


def test_clean_run_exits_zero_and_recoding_adds_nothing(tmp_path):
    db = tmp_path / "events.duckdb"
    articles = tmp_path / "articles.jsonl"
    articles.write_text(jsonl(MEETING, CRITICISM))
    first = code(str(articles), "--db", str(db))
    assert first.exit_code == 0, first.output
    assert "skipped " not in first.stderr
    assert says(first.stderr, "2 articles read, 2 coded, 0 already stored, 0 skipped")
    events = stored(db)
    assert len(events) == 3  # the meeting from each side, the criticism

    again = code(str(articles), "--db", str(db))
    assert again.exit_code == 0, again.output
    assert says(again.stderr, "2 articles read, 0 coded, 2 already stored, 0 skipped; 0 events")
    assert stored(db) == events


def test_dash_reads_json_lines_from_stdin(tmp_path):
    db = tmp_path / "events.duckdb"
    result = code("-", "--db", str(db), stdin=jsonl(MEETING, PUTIN_MODI) + "not json\n")
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert says(result.stderr, "skipped <stdin>:3: malformed JSON")
    assert says(result.stderr, "2 articles read, 2 coded")
    assert {e["article_id"] for e in stored(db)} == {"macron-scholz", "putin-modi"}


def test_code_into_a_file_that_is_not_a_store_fails(tmp_path):
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database\n")
    articles = tmp_path / "articles.jsonl"
    articles.write_text(jsonl(MEETING))
    result = code(str(articles), "--db", str(db))
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.startswith("error: ")
    assert says(result.stderr, f"error: {db}: cannot open the store")
    assert db.read_text() == "not a database\n"


# -- events ----------------------------------------------------------------------------


def test_events_filter_by_source_prefix_and_target(mixed_run):
    _, db, _, _ = mixed_run
    assert [e["article_id"] for e in stored(db, "--source", "FRA")] == ["macron-scholz"]
    assert [e["article_id"] for e in stored(db, "--source", "chn")] == ["wang-japan"]
    assert [e["article_id"] for e in stored(db, "--source", "RUSGOV")] == ["putin-modi"]
    assert [e["article_id"] for e in stored(db, "--target", "JPN")] == ["wang-japan"]
    assert [e["article_id"] for e in stored(db, "--target", "DEU")] == ["macron-scholz"]
    assert stored(db, "--source", "USA") == []
    assert stored(db, "--source", "FRA", "--target", "JPN") == []


def test_events_filter_by_dates(mixed_run):
    _, db, _, _ = mixed_run

    def articles(events: list[dict]) -> list[str]:
        return list(dict.fromkeys(e["article_id"] for e in events))

    assert articles(stored(db)) == ["iran-israel", "macron-scholz", "putin-modi", "wang-japan"]
    since = stored(db, "--since", "2024-07-08")
    assert articles(since) == ["putin-modi", "wang-japan"]
    until = stored(db, "--until", "2024-05-06")
    assert articles(until) == ["iran-israel", "macron-scholz"]
    window = stored(db, "--since", "2024-05-07", "--until", "2024-07-09")
    assert articles(window) == ["putin-modi"]


def test_events_rejects_a_malformed_date(mixed_run):
    _, db, _, _ = mixed_run
    result = listed(db, "--since", "2024-13-45")
    assert result.exit_code == 2
    assert "--since" in result.stderr


def test_events_as_csv(mixed_run):
    _, db, _, _ = mixed_run
    result = listed(db, "--format", "csv", "--source", "FRA")
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(header) == CSV_COLUMNS
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["article_id"] == "macron-scholz"
    assert (row["source_code"], row["target_code"]) == ("FRAGOV", "DEUGOV")
    assert row["source_name"] == "Emmanuel Macron"
    assert row["date"] == "2024-05-06"
    assert row["sentence"] == MEETING["text"]


def test_events_as_table(mixed_run):
    _, db, _, _ = mixed_run
    result = listed(db, "--format", "table")
    assert result.exit_code == 0, result.output
    assert "6 events" in result.stdout
    assert "FRAGOV" in result.stdout and "IRN" in result.stdout
    # The table is the default format.
    assert listed(db).stdout == result.stdout
    one = listed(db, "--source", "IRN")
    assert "1 events" in one.stdout and "ISR" in one.stdout


def test_events_on_a_missing_store_fails_naming_it(tmp_path):
    db = tmp_path / "missing.duckdb"
    result = listed(db, "--format", "jsonl")
    assert result.exit_code == EXIT_ERROR
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert says(result.stderr, f"error: {db}: no such store (run `communique code` first)")
    assert not db.exists()


def test_error_on_a_missing_store_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    db = tmp_path / ("long-folder-name-" * 6) / "missing.duckdb"
    result = listed(db)
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.count("\n") == 1
    assert str(db) in result.stderr


def test_error_names_a_store_whose_path_holds_brackets(tmp_path):
    db = tmp_path / "run[bold].duckdb"
    result = listed(db)
    assert result.exit_code == EXIT_ERROR
    assert "run[bold].duckdb" in result.stderr
