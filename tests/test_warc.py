"""WARC input: HTML responses become articles, with their target URI and WARC date; every
other record is counted and passed over. The crawl excerpt of ../shared is real (Common
Crawl, not news); the news page is one the tests wrap into a WARC file themselves."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from communique.pipeline import run
from communique.readers import read_inputs, reader_for
from communique.readers.warc import WarcCounts, read_warc, read_warc_file
from communique.records import Article, Rejected
from communique.store.duckdb import EventStore
from conftest import EXAMPLE, shared_path

NEWS_URI = "https://english.news.cn/20240629/china-peru/c.html"
WARC_DATE = "2024-06-29T03:15:42Z"


def news_page() -> bytes:
    """The example article as a news site would serve it."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    title = lines[0].split(maxsplit=2)[2]  # after "date YYYY-MM-DD"
    paragraphs = "".join(f"<p>{line}</p>\n" for line in lines[1:] if line.strip())
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta property='article:published_time' content='2024-06-29T09:21:00+08:00'>"
        "</head><body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>\n{paragraphs}</article>"
        "<footer>Copyright 2000-2026 Xinhua. All rights reserved.</footer></body></html>"
    ).encode()


def response(writer: WARCWriter, uri: str, body: bytes, content_type: str, **http: str):
    status = http.pop("status", "200 OK")
    headers = StatusAndHeaders(
        status, [("Content-Type", content_type), *http.items()], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": WARC_DATE},
    )


def write_warc(path: Path, gzipped: bool = True) -> Path:
    """A crawl of the news page, with the records a crawler writes around it."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /20240629/china-peru/c.html HTTP/1.1", [])
        writer.write_record(writer.create_warc_record(NEWS_URI, "request", http_headers=request))
        writer.write_record(response(writer, NEWS_URI, news_page(), "text/html; charset=utf-8"))
        writer.write_record(
            response(writer, "https://english.news.cn/logo.png", b"\x89PNG\r\n", "image/png")
        )
        writer.write_record(
            response(
                writer,
                "https://english.news.cn/gone",
                b"<html></html>",
                "text/html",
                status="404 Not Found",
            )
        )
        # A page served gzipped, in windows-1251 as the server says.
        russian = (
            "<html><body><p>Президент России встретился с премьер-министром.</p></body></html>"
        )
        writer.write_record(
            response(
                writer,
                "https://example.ru/news/1",
                gzip.compress(russian.encode("cp1251")),
                "text/html; charset=windows-1251",
                **{"Content-Encoding": "gzip"},
            )
        )
    return path


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_an_html_response_becomes_an_article_with_its_uri_and_date(tmp_path, name):
    path = write_warc(tmp_path / name, gzipped=name.endswith(".gz"))
    assert reader_for(path) is read_warc_file
    counts = WarcCounts()
    news, russian = read_warc(path, str(path), counts)
    assert isinstance(news, Article)
    assert news.url == NEWS_URI
    assert news.captured == dt.datetime(2024, 6, 29, 3, 15, 42)
    assert news.published == dt.date(2024, 6, 29)  # the page's own date, not the footer's
    assert news.title == "Chinese Premier meets with Peruvian president in Beijing"
    assert "\n\nBEIJING, June 28 (Xinhua) -- Chinese Premier Li Qiang met with" in news.text
    assert "Copyright" not in news.text and "Home" not in news.text
    assert news.origin.startswith(f"{path}@")
    assert isinstance(russian, Article)
    assert "Президент России" in russian.text
    assert counts.pages == 2
    assert counts.passed_over == {
        "warcinfo": 1,
        "request": 1,
        "response image/png": 1,
        "response 404": 1,
    }


def test_a_page_in_a_warc_is_coded_and_keeps_its_capture(coder, tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        summary = run([str(path)], store, coder)
        events = list(store.events())
    assert (summary.read, summary.skipped) == (2, [])
    meeting = [e for e in events if e.cameo == "040"]
    assert meeting and meeting[0].source and meeting[0].target
    sides = {(e.source.code, e.target.code) for e in meeting if e.source and e.target}
    assert sides == {("CHNGOV", "PERGOV"), ("PERGOV", "CHNGOV")}
    assert str(meeting[0].date) == "2024-06-28"
    with duckdb.connect(str(db), read_only=True) as stored:
        row = stored.execute(
            "SELECT url, captured FROM articles WHERE id = ?", [meeting[0].article_id]
        ).fetchone()
    assert row == (NEWS_URI, dt.datetime(2024, 6, 29, 3, 15, 42))


def test_a_real_crawl_excerpt(tmp_path):
    path = shared_path("corpora", "warc-cc-main-sample", "warcfile.warc.gz")
    counts = WarcCounts()
    items = list(read_warc(path, str(path), counts))
    assert counts.pages == len(items) == 16
    assert counts.passed_over == {"warcinfo": 1, "request": 17, "metadata": 16}
    articles = [item for item in items if isinstance(item, Article)]
    assert len(articles) >= 14
    first = articles[0]
    assert (first.url, first.captured) == (
        "http://003338.cn/l41/481397.html",
        dt.datetime(2020, 8, 8, 17, 27, 41),
    )
    assert first.origin == f"{path}@940"
    assert all(a.captured and a.captured.date() == dt.date(2020, 8, 8) for a in articles)
    assert all(a.url and a.url.startswith("http") for a in articles)
    # The windows-1251 page reads as Russian, not as mojibake.
    spb = next(a for a in articles if a.url == "http://01spb.ru/company/")
    assert "О компании" in spb.text


def test_a_file_that_is_not_a_warc_is_rejected(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("these are not the records you are looking for\n")
    (item,) = read_inputs([str(path)])
    assert isinstance(item, Rejected)
    assert item.reason.startswith("not a valid WARC file")
