"""Readers: every format, every way an input can be bad, and ids that do not change."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
from pathlib import Path

import pytest

from communique.readers import read_inputs
from communique.readers.jsonl import read_jsonl_stream
from communique.records import Article, Rejected

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"

TEXT_ARTICLE = (
    " date 2024-06-29 Ministers meet in Lima\n"
    "\n"
    "\n"
    "LIMA, June 28 (Xinhua) -- The two ministers met on Friday.\n"
    "\n"
    "They signed an agreement.\n"
)
PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Ministers meet in Lima | Example News</title>
<meta property="og:title" content="Ministers meet in Lima">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-06-28T09:00:00+00:00">
<link rel="canonical" href="https://news.example.org/2024/ministers-meet">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Ministers meet in Lima</h1>
<p>The foreign ministers of the two countries met in Lima on Friday to discuss trade,
mining and the building of a new deep-water port on the Pacific coast.</p>
<p>Both sides said they would sign a framework agreement before the end of the year and
would ask their officials to prepare the text over the coming weeks.</p>
<p>The talks were the first at this level since the two governments restored full
diplomatic relations, officials from both delegations told reporters afterwards.</p>
</article>
<footer>Copyright 2019 Example News. All rights reserved.</footer>
</body></html>
"""


def read_all(*inputs: str | Path, stdin: str | None = None) -> list[Article | Rejected]:
    stream = io.StringIO(stdin) if stdin is not None else None
    return list(read_inputs([str(name) for name in inputs], stdin=stream))


def only(records: list[Article | Rejected]) -> Article | Rejected:
    assert len(records) == 1, records
    return records[0]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


# --- text ---------------------------------------------------------------------------------------


def test_text_with_date_header(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", TEXT_ARTICLE)
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.title == "Ministers meet in Lima"
    assert article.published == dt.date(2024, 6, 29)
    assert article.text == TEXT_ARTICLE.split("\n\n\n", 1)[1]
    assert article.origin == str(path)


def test_text_without_date_header_takes_first_line_as_title(tmp_path: Path) -> None:
    path = write(tmp_path / "b.txt", "\nLabour plans pay rise\n\nMaternity pay is to rise.\n")
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert (article.title, article.published) == ("Labour plans pay rise", None)
    assert article.text == "Maternity pay is to rise.\n"


def test_title_beginning_with_the_word_date_is_a_title(tmp_path: Path) -> None:
    article = only(read_all(write(tmp_path / "d.txt", "date of vote set\n\nBody.\n")))
    assert isinstance(article, Article)
    assert (article.title, article.published) == ("date of vote set", None)


def test_text_header_without_title(tmp_path: Path) -> None:
    article = only(read_all(write(tmp_path / "c.txt", "date 2024-06-29\nBody.\n")))
    assert isinstance(article, Article)
    assert (article.title, article.text) == (None, "Body.\n")


def test_example_article_reads(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "xinhua-2024-06-29-china-peru.txt"
    article = only(read_all(example))
    assert isinstance(article, Article)
    assert article.published == dt.date(2024, 6, 29)
    assert article.text.startswith("Xinhua) 09:21, June 29, 2024")


@pytest.mark.parametrize(
    ("content", "origin_line", "bad"),
    [
        ("date 2024-13-45 Title\nBody\n", 1, "2024-13-45"),
        ("date 0000-00-00 Title\nBody\n", 1, "0000-00-00"),
        ("\n\n  date 2024-02-30 Title\nBody\n", 3, "2024-02-30"),
        ("date 2024-6-1 Title\nBody\n", 1, "2024-6-1"),
        ("date 2024/06/29 Title\nBody\n", 1, "2024/06/29"),
    ],
)
def test_text_impossible_date(tmp_path: Path, content: str, origin_line: int, bad: str) -> None:
    path = write(tmp_path / "bad.txt", content)
    assert only(read_all(path)) == Rejected(f"{path}:{origin_line}", f"impossible date '{bad}'")


def test_text_header_only_has_no_text(tmp_path: Path) -> None:
    path = write(tmp_path / "h.txt", "date 2024-06-29 Title\n\n  \n")
    assert only(read_all(path)) == Rejected(str(path), "no article text found")


def test_text_keeps_crlf_verbatim(tmp_path: Path) -> None:
    path = write(tmp_path / "w.txt", b"date 2024-06-29 T\r\n\r\nOne.\r\n\r\nTwo.\r\n")
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.text == "One.\r\n\r\nTwo.\r\n"


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.jsonl",
        jsonl(
            {
                "id": 7,
                "text": "Body one.",
                "title": "One",
                "date": "2024-06-28T09:21:00+08:00",
                "url": "https://example.org/1",
                "source": "Xinhua",
            },
            {"id": "b", "text": "Body two.", "published": "2024-06-27"},
        ),
    )
    first, second = read_all(path)
    assert first == Article(
        id="7",
        text="Body one.",
        title="One",
        published=dt.date(2024, 6, 28),
        url="https://example.org/1",
        source="Xinhua",
        origin=f"{path}:1",
    )
    assert isinstance(second, Article)
    assert (second.id, second.published, second.origin) == ("b", dt.date(2024, 6, 27), f"{path}:2")


def test_jsonl_bad_lines_are_rejected_and_the_rest_goes_on(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "ok1", "text": "Fine."}),
        "{not json",
        "",
        "[1, 2]",
        json.dumps({"id": "x"}),
        json.dumps({"id": "y", "text": "   "}),
        json.dumps({"id": "z", "text": 42}),
        json.dumps({"id": "d", "text": "Dated.", "date": "2024-13-45"}),
        json.dumps({"id": "t", "text": "Titled.", "title": ["a"]}),
        json.dumps({"id": "ok2", "text": "Also fine."}),
    ]
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    results = read_all(path)
    reasons = {r.origin: r.reason for r in results if isinstance(r, Rejected)}
    assert reasons == {
        f"{path}:2": "malformed JSON: Expecting property name enclosed in double quotes",
        f"{path}:4": "record is not a JSON object",
        f"{path}:5": "record has no text",
        f"{path}:6": "record has no text",
        f"{path}:7": "text is not a string",
        f"{path}:8": "impossible date '2024-13-45'",
        f"{path}:9": "title is not a string",
    }
    kept = [r for r in results if isinstance(r, Article)]
    assert [(a.id, a.origin) for a in kept] == [("ok1", f"{path}:1"), ("ok2", f"{path}:10")]


def test_jsonl_line_that_is_not_utf8(tmp_path: Path) -> None:
    good = (json.dumps({"id": "a", "text": "Fine."}) + "\n").encode()
    path = write(tmp_path / "enc.jsonl", good + b'{"text": "caf\xe9"}\n' + good)
    results = read_all(path)
    byte = len(good) + len(b'{"text": "caf')
    assert results[1] == Rejected(f"{path}:2", f"not valid UTF-8 (byte {byte})")
    assert [r.origin for r in results if isinstance(r, Article)] == [f"{path}:1", f"{path}:3"]


def test_stdin(tmp_path: Path) -> None:
    results = read_all("-", stdin=jsonl({"id": "s1", "text": "From stdin."}) + "oops\n")
    assert isinstance(results[0], Article)
    assert results[0].origin == "<stdin>:1"
    assert results[1] == Rejected("<stdin>:2", "malformed JSON: Expecting value")


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(jsonl({"id": "s", "text": "T."})))
    article = only(list(read_inputs(["-"])))
    assert isinstance(article, Article)
    assert article.id == "s"


def test_empty_stdin_is_rejected() -> None:
    assert list(read_jsonl_stream(io.StringIO("\n\n"), "<stdin>")) == [
        Rejected("<stdin>", "empty file")
    ]


# --- HTML ---------------------------------------------------------------------------------------


def test_html_page(tmp_path: Path) -> None:
    article = only(read_all(write(tmp_path / "page.html", PAGE)))
    assert isinstance(article, Article)
    assert article.title == "Ministers meet in Lima"
    assert article.published == dt.date(2024, 6, 28)
    assert article.url == "https://news.example.org/2024/ministers-meet"
    assert article.source == "Example News"
    assert "deep-water port" in article.text
    assert "Copyright" not in article.text
    assert "\n\n" in article.text  # paragraphs separated by blank lines


def test_html_date_does_not_come_from_the_copyright_footer(tmp_path: Path) -> None:
    page = PAGE.replace(
        '<meta property="article:published_time" content="2024-06-28T09:00:00+00:00">', ""
    )
    article = only(read_all(write(tmp_path / "undated.htm", page)))
    assert isinstance(article, Article)
    assert article.published is None


def test_html_without_text(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")
    assert only(read_all(path)) == Rejected(str(path), "no article text found")


def test_html_in_declared_charset(tmp_path: Path) -> None:
    page = PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').replace("Lima", "Lima é")
    article = only(read_all(write(tmp_path / "latin.html", page.encode("latin-1"))))
    assert isinstance(article, Article)
    assert article.title == "Ministers meet in Lima é"


# --- whole-file problems ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".html", ".txt.gz", ".jsonl.gz", ".html.gz"])
@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(tmp_path: Path, suffix: str, content: bytes) -> None:
    data = gzip.compress(content) if suffix.endswith(".gz") else content
    path = write(tmp_path / f"empty{suffix}", data)
    assert only(read_all(path)) == Rejected(str(path), "empty file")


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".html"])
def test_binary_file(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"bin{suffix}", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert only(read_all(path)) == Rejected(str(path), "binary file (contains NUL bytes)")


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_not_utf8_names_the_byte(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"latin{suffix}", "date 2024-06-29 Café\n\nBody.\n".encode("latin-1"))
    byte = len(b"date 2024-06-29 Caf")
    assert only(read_all(path)) == Rejected(str(path), f"not valid UTF-8 (byte {byte})")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + TEXT_ARTICLE.encode())
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.published == dt.date(2024, 6, 29)


@pytest.mark.parametrize("suffix", [".txt.gz", ".jsonl.gz", ".html.gz"])
@pytest.mark.parametrize(
    "data",
    [b"this is not gzip at all", gzip.compress(b"Body. " * 400)[:40]],
    ids=["not-gzip", "truncated"],
)
def test_corrupt_gzip(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = write(tmp_path / f"bad{suffix}", data)
    result = only(read_all(path))
    assert isinstance(result, Rejected)
    assert result.origin == str(path)
    assert result.reason.startswith("corrupt gzip file")


def test_truncated_jsonl_gzip_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    lines = jsonl(*({"id": str(n), "text": f"Line {n} " + "x" * 3000} for n in range(40)))
    data = gzip.compress(lines.encode(), compresslevel=0)
    path = write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    results = read_all(path)
    assert all(isinstance(r, Article) for r in results[:-1])
    assert len(results) > 5
    assert results[-1].origin == str(path)
    assert results[-1].reason.startswith("corrupt gzip file")


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    assert only(read_all(path)) == Rejected(str(path), "no such file or directory")


def test_unknown_suffix_named_explicitly(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.md", "# Notes\n")
    assert only(read_all(path)) == Rejected(str(path), "unsupported file type '.md'")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", TEXT_ARTICLE)
    path.chmod(0)
    try:
        assert only(read_all(path)) == Rejected(str(path), "unreadable file (permission denied)")
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".html.gz"])
def test_permission_denied_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    path = write(tmp_path / f"locked{suffix}", TEXT_ARTICLE)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(gzip, "GzipFile", refuse)
    assert only(read_all(path)) == Rejected(str(path), "unreadable file (permission denied)")


# --- gzip, folders, ids ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.txt.gz", TEXT_ARTICLE),
        ("a.jsonl.gz", jsonl({"id": "g", "text": "Gzipped line."})),
        ("a.html.gz", PAGE),
        ("a.HTM.GZ", PAGE),
    ],
)
def test_gzip_of_each_format(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path / name, gzip.compress(content.encode()))
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.text.strip()


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "Second\n\nBody b.\n")
    write(
        tmp_path / "a" / "z.jsonl", jsonl({"id": "z1", "text": "Z."}, {"id": "z2", "text": "Z2."})
    )
    write(tmp_path / "a" / "deeper" / "y.txt.gz", gzip.compress(b"First\n\nBody y.\n"))
    write(tmp_path / "a" / "notes.md", "ignored")
    write(tmp_path / "c.csv", "ignored,too")
    origins = [record.origin for record in read_all(tmp_path)]
    assert origins == [
        str(tmp_path / "a" / "deeper" / "y.txt.gz"),
        f"{tmp_path / 'a' / 'z.jsonl'}:1",
        f"{tmp_path / 'a' / 'z.jsonl'}:2",
        str(tmp_path / "b.txt"),
    ]


def test_inputs_are_read_lazily(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "A\n\nBody a.\n")
    records = read_inputs([str(tmp_path), str(tmp_path / "missing.txt")])
    first = next(records)
    assert isinstance(first, Article)
    write(tmp_path / "b.txt", "B\n\nBody b.\n")  # a file appearing after the walk began
    assert isinstance(next(records), Rejected)


def test_ids_are_stable_content_hashes(tmp_path: Path) -> None:
    first = write(tmp_path / "one.txt", TEXT_ARTICLE)
    copy = write(tmp_path / "sub" / "copy.txt", TEXT_ARTICLE)
    other = write(tmp_path / "other.txt", TEXT_ARTICLE.replace("Friday", "Monday"))
    ids = [
        record.id for record in read_all(first, copy, other, first) if isinstance(record, Article)
    ]
    assert ids[0] == ids[1] == ids[3] != ids[2]
    assert len(ids[0]) == 16
    assert int(ids[0], 16) >= 0


def test_jsonl_without_id_gets_the_same_hash_as_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "noid.jsonl", jsonl({"text": "Same body.", "title": "Same"}, {"id": ""})
    )
    text_file = write(tmp_path / "same.txt", "Same\n\nSame body.")
    article, rejected, from_text = read_all(path, text_file)
    assert isinstance(article, Article) and isinstance(from_text, Article)
    assert article.id == from_text.id
    assert rejected == Rejected(f"{path}:2", "record has no text")


# --- real pages -----------------------------------------------------------------------------------


def test_real_news_pages_read_without_errors() -> None:
    folder = CORPORA / "html-trafilatura-en-news"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not available")
    results = read_all(folder)
    articles = [r for r in results if isinstance(r, Article)]
    assert len(results) >= 60
    assert len(articles) >= 0.9 * len(results)
    assert sum(a.published is not None for a in articles) >= 0.7 * len(articles)


def test_real_pages_get_their_own_publication_date() -> None:
    """fundus test pages come with the expected publication date of each page."""
    folder = CORPORA / "html-fundus-en" / "test_data"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not available")
    checked = agreed = 0
    for expected_file in sorted(folder.glob("*/*.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        pages = sorted(expected_file.parent.glob(f"{expected_file.stem}_*.html.gz"))
        if len(pages) != len(expected):
            continue
        for key, page in zip(sorted(expected), pages, strict=True):
            want = (expected[key].get("publishing_date") or "")[:10]
            article = only(read_all(page))
            if not want or not isinstance(article, Article):
                continue
            checked += 1
            agreed += article.published is not None and article.published.isoformat() == want
    assert checked >= 50
    # The rest are off by a day where the page gives local time and fundus UTC.
    assert agreed >= 0.9 * checked
