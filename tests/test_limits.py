"""Limits (issue 10): each is kept, reported with a one-line reason naming the file (and line),
settable on ``communique code``, and documented in README with its default."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique import limits
from communique.annotate import _batches
from communique.cli import EXIT_SKIPPED, app
from communique.limits import DEFAULT_READ_LIMITS, ReadLimits, parse_pieces, within_chars
from communique.pipeline import Coder, PipelineConfig, code_batch
from communique.readers import read_inputs
from communique.records import Article, CodedArticle, Rejected

README = Path(__file__).resolve().parents[1] / "README.md"
# Each limit: its option on `communique code`, and its default.
LIMITS = {
    "--max-article-chars": limits.MAX_ARTICLE_CHARS,
    "--max-sentence-chars": limits.MAX_SENTENCE_CHARS,
    "--max-batch-chars": limits.MAX_BATCH_CHARS,
    "--max-piece-chars": limits.MAX_PIECE_CHARS,
    "--max-file-bytes": limits.MAX_FILE_BYTES,
    "--max-line-bytes": limits.MAX_LINE_BYTES,
    "--max-nesting": limits.MAX_NESTING,
}


def read(*paths: Path, limits: ReadLimits = DEFAULT_READ_LIMITS) -> list[Article | Rejected]:
    return list(read_inputs([str(path) for path in paths], limits=limits))


def with_config(coder: Coder, **changes: int) -> Coder:
    return dataclasses.replace(coder, config=PipelineConfig(**changes))  # type: ignore[arg-type]


# -- documented and settable ---------------------------------------------------------------


def test_every_limit_is_documented_with_its_default() -> None:
    section = README.read_text(encoding="utf-8").split("## Limits", 1)[1].split("\n## ", 1)[0]
    for option, default in LIMITS.items():
        row = next((line for line in section.splitlines() if f"`{option}`" in line), None)
        assert row is not None, f"README's Limits section does not name {option}"
        assert f"{default:,}" in row, f"README gives {option} another default than {default:,}"


def test_every_limit_is_an_option_of_code() -> None:
    # Wide enough that no option name is wrapped.
    result = CliRunner().invoke(app, ["code", "--help"], env={"COLUMNS": "200"})
    for option in LIMITS:
        assert option in result.stdout


def test_defaults_agree() -> None:
    config = PipelineConfig()
    assert config.max_article_chars == limits.MAX_ARTICLE_CHARS
    assert config.max_sentence_chars == limits.MAX_SENTENCE_CHARS
    assert config.max_batch_chars == limits.MAX_BATCH_CHARS
    assert config.max_piece_chars == limits.MAX_PIECE_CHARS
    assert config.read == ReadLimits(
        limits.MAX_FILE_BYTES, limits.MAX_LINE_BYTES, limits.MAX_NESTING
    )


# -- readers -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["big.txt", "big.html", "big.txt.gz", "big.html.gz"])
def test_a_file_over_the_limit_is_skipped(tmp_path: Path, name: str) -> None:
    words = b"The ministers met in Lima on Friday to talk about trade and ports. " * 20
    content = b"<html><body><article><p>" + words + b"</p></article></body></html>"
    if ".txt" in name:
        content = b"Title\n\n" + words
    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    assert read(path, limits=ReadLimits(max_file_bytes=1000)) == [
        Rejected(str(path), "file larger than 1000 bytes")
    ]
    assert isinstance(read(path, limits=ReadLimits(max_file_bytes=len(content)))[0], Article)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_a_line_over_the_limit_is_skipped_and_the_next_read(tmp_path: Path, suffix: str) -> None:
    lines = [
        {"id": "a", "text": "Short."},
        {"id": "b", "text": "Long. " * 200},
        {"id": "c", "text": "Short again."},
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    path = tmp_path / f"lines{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    results = read(path, limits=ReadLimits(max_line_bytes=100))
    assert [getattr(r, "id", None) for r in results] == ["a", None, "c"]
    assert results[1] == Rejected(f"{path}:2", "line longer than 100 bytes")


def test_a_line_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    line = json.dumps({"id": "a", "text": "Exactly."})
    path = tmp_path / "exact.jsonl"
    path.write_text(line + "\n" + line.replace('"a"', '"b"'))
    results = read(path, limits=ReadLimits(max_line_bytes=len(line)))
    assert [getattr(r, "id", None) for r in results] == ["a", "b"]


def test_a_line_over_the_limit_on_stdin_is_skipped() -> None:
    stream = io.StringIO(json.dumps({"text": "Long. " * 50}) + "\n" + '{"text": "Short."}\n')
    results = list(read_inputs(["-"], stdin=stream, limits=ReadLimits(max_line_bytes=100)))
    assert results[0] == Rejected("<stdin>:1", "line longer than 100 characters")
    assert isinstance(results[1], Article) and results[1].text == "Short."


def test_json_nested_deeper_than_the_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    nested = "[" * 30 + "]" * 30
    path.write_text(f'{{"text": "Deep.", "x": {nested}}}\n{{"text": "Flat."}}\n')
    results = read(path, limits=ReadLimits(max_nesting=10))
    assert results[0] == Rejected(f"{path}:1", "JSON nested deeper than 10 levels")
    assert isinstance(results[1], Article)
    assert all(isinstance(r, Article) for r in read(path, limits=ReadLimits(max_nesting=31)))


def test_html_nested_deeper_than_the_limit_is_skipped(tmp_path: Path) -> None:
    paragraph = "<p>" + "The ministers met in Lima on Friday to talk about trade. " * 5 + "</p>"
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{'<div>' * 40}{paragraph}{'</div>' * 40}</body></html>")
    assert read(path, limits=ReadLimits(max_nesting=20)) == [
        Rejected(str(path), "HTML nested deeper than 20 elements")
    ]
    assert isinstance(read(path, limits=ReadLimits(max_nesting=50))[0], Article)


# -- coding ------------------------------------------------------------------------------


def test_a_run_without_a_sentence_end_is_not_parsed_with_a_note(coder: Coder) -> None:
    text = "China condemned Russia on Friday. " + "word " * 100 + "\n\nPeru welcomed the move."
    strict = with_config(coder, max_sentence_chars=200)
    (coded,) = code_batch([Article(id="a", text=text, origin="a.txt")], strict)
    assert isinstance(coded, CodedArticle)
    start = text.index("word")
    assert coded.notes == (
        f"sentence at characters {start}-{start + 499} longer than 200 characters: not coded",
    )
    # The sentences around it are coded.
    assert [s.text for s in coded.sentences] == [
        "China condemned Russia on Friday.",
        "Peru welcomed the move.",
    ]
    assert [e.cameo[:2] for e in coded.events] == ["11", "05"]


def test_a_parsed_sentence_over_the_limit_is_not_coded_with_a_note(coder: Coder) -> None:
    # Each run between full stops is short, but the parser reads one sentence.
    text = "Mr. Li and Mr. Wang met Mr. Boluarte."
    (coded,) = code_batch(
        [Article(id="a", text=text, origin="a.txt")], with_config(coder, max_sentence_chars=20)
    )
    assert isinstance(coded, CodedArticle)
    assert coded.sentences == () and coded.events == ()
    assert coded.notes == ("sentence at characters 0-37 longer than 20 characters: not coded",)


def test_an_article_over_the_limit_is_skipped(coder: Coder) -> None:
    article = Article(id="a", text="China condemned Russia. " * 10, origin="big.jsonl:3")
    assert code_batch([article], with_config(coder, max_article_chars=100)) == [
        Rejected("big.jsonl:3", "article longer than 100 characters")
    ]


def test_batches_are_coded_in_runs_of_bounded_text(coder: Coder) -> None:
    articles = [
        Article(id=f"a{n}", text=f"China condemned Russia on day {n}.", origin=f"a{n}")
        for n in range(5)
    ]
    whole = code_batch(articles, coder)
    one_by_one = code_batch(articles, with_config(coder, max_batch_chars=1))
    assert [r.article.article.id for r in one_by_one] == [a.id for a in articles]  # type: ignore[union-attr]
    assert [[e.cameo for e in r.events] for r in one_by_one] == [  # type: ignore[union-attr]
        [e.cameo for e in r.events]
        for r in whole  # type: ignore[union-attr]
    ]


def test_within_chars_keeps_order_and_bound() -> None:
    articles = [Article(id=str(n), text="x" * size) for n, size in enumerate([3, 4, 10, 1, 1])]
    runs = [[a.id for a in run] for run in within_chars(articles, 7)]
    assert runs == [["0", "1"], ["2"], ["3", "4"]]


def test_parser_batches_are_bounded_by_count_and_characters() -> None:
    texts = [("x" * size, n) for n, size in enumerate([5, 5, 5, 20, 1, 1, 1])]
    assert [[n for _, n in batch] for batch in _batches(texts, 3, 12)] == [
        [0, 1],
        [2],
        [3],
        [4, 5, 6],
    ]


def test_a_long_passage_is_parsed_in_pieces_cut_after_sentence_ends() -> None:
    text = "One two three. " * 40  # 600 characters
    pieces = parse_pieces(text, max_sentence_chars=50, max_piece_chars=100)
    assert pieces.too_long == ()
    assert all(0 < end - start <= 100 for start, end in pieces.parse)
    assert all(text[start:end].endswith("three.") for start, end in pieces.parse)
    # Together they are the whole passage, but the spaces between them.
    assert " ".join(text[start:end] for start, end in pieces.parse) == text.strip()


def test_a_short_passage_is_one_piece() -> None:
    assert parse_pieces("Short. Text.", 2000, 10_000).parse == ((0, 12),)


# -- the command -------------------------------------------------------------------------


def test_code_reports_limits_by_file_and_line(tmp_path: Path) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        json.dumps({"id": "long", "text": "China condemned Russia. " * 20})
        + "\n"
        + json.dumps({"id": "ok", "text": "China condemned Russia. " + "word " * 30})
        + "\n"
    )
    db = tmp_path / "limits.duckdb"
    result = CliRunner().invoke(
        app,
        [
            *("code", str(inputs), "--db", str(db)),
            *("--max-article-chars", "300", "--max-sentence-chars", "100"),
        ],
    )
    assert result.exit_code == EXIT_SKIPPED, result.output
    lines = result.stderr.splitlines()
    assert f"skipped {inputs}:1: article longer than 300 characters" in lines
    assert any(
        re.fullmatch(
            rf"note {re.escape(str(inputs))}:2: sentence at characters 24-\d+ longer "
            r"than 100 characters: not coded",
            line,
        )
        for line in lines
    ), lines
