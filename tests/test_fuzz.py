"""Any text in, no crash (issue 10): hostile input thrown at every step that meets it.

Readers (files of every kind, gzipped or not, in right and wrong encodings), the cleaner,
dates, places and the whole ``code_batch`` get random and hostile text: control characters,
NULs, lone surrogates, right-to-left scripts, emoji, combining marks, huge tokens and lines,
deep HTML and JSON, dates such as 0000-00-00. The property, for every input:

- nothing raises: an input comes back as an article (coded) or as a ``Rejected`` with a
  one-line reason;
- nothing runs past its time bound (a hang is reported as such, with its input);
- every span of the output slices the text it points into, and every date is a real date.

Profiles, chosen by ``HYPOTHESIS_PROFILE``: "ci" (the default, a short run inside ``make
test``) and "fuzz" (``make fuzz``, thousands of inputs per target). A run ends by printing how
many inputs were fuzzed, and the crashes and hangs met (each with where it happened).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import faulthandler
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communique.clean import clean
from communique.pipeline import Coder, code_batch, run
from communique.readers import read_inputs
from communique.readers.html import parse_html
from communique.readers.jsonl import parse_record
from communique.readers.text import parse_text
from communique.records import Article, CodedArticle, Rejected, Span
from communique.store.duckdb import EventStore
from communique.when import resolve_date
from communique.where import default_places

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=1500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
EXAMPLES = settings().max_examples
# Coding is costly (a quarter of a second an input, a second with a store): a long run
# codes a third as many inputs, and stores a tenth.
CODING_EXAMPLES = EXAMPLES if EXAMPLES <= 100 else EXAMPLES // 3
STORE_EXAMPLES = max(5, EXAMPLES // 10)

# Bounds on one input's time, in seconds: far above what a healthy run takes (milliseconds
# to a second), far below what a hang would.
QUICK = 10.0  # a reader, the cleaner, a date, a place
CODING = 60.0  # code_batch on a few articles

# -- the tally printed at the end --------------------------------------------------------


class Hang(BaseException):
    """An input ran past its time bound (a BaseException: no ``except Exception`` hides it)."""


@dataclasses.dataclass
class Tally:
    inputs: Counter[str] = dataclasses.field(default_factory=Counter)
    crashes: dict[str, str] = dataclasses.field(default_factory=dict)  # where → input
    hangs: dict[str, str] = dataclasses.field(default_factory=dict)  # target → input
    measures: list[str] = dataclasses.field(default_factory=list)  # time and memory of huge ones


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not TALLY.inputs:
        return
    targets = ", ".join(f"{name} {count}" for name, count in sorted(TALLY.inputs.items()))
    lines = [
        f"fuzz ({PROFILE}): {TALLY.inputs.total()} inputs fuzzed ({targets}); "
        f"crashes {len(TALLY.crashes)}, hangs {len(TALLY.hangs)}",
        *(f"  crash {where} on {given}" for where, given in TALLY.crashes.items()),
        *(f"  hang in {target} on {given}" for target, given in TALLY.hangs.items()),
        *(f"  {measure}" for measure in TALLY.measures),
    ]
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)


@contextmanager
def fuzzing(target: str, given_input: object, seconds: float = QUICK) -> Iterator[None]:
    """Count one input of ``target``; a crash or hang is recorded with its input and raised."""
    TALLY.inputs[target] += 1

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"{target}: still running after {seconds} s on {shown(given_input)}")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    # A hang inside C code that never gives the alarm a chance: end the run with every
    # thread's traceback rather than let it hang.
    faulthandler.dump_traceback_later(3 * seconds, exit=True)
    try:
        yield
    except Hang:
        TALLY.hangs[target] = shown(given_input)
        raise
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{target}: {type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}"
        TALLY.crashes[where] = shown(given_input)  # the last: Hypothesis's smallest
        raise
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def shown(value: object, width: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= width else f"{text[:width]}... ({len(text)} characters)"


# -- hostile text ----------------------------------------------------------------------------

# Words that reach deep into coding: actors, titles, triggers, dates, places, boilerplate.
NEWS = (
    *("China", "Peru", "Chinese", "Peruvian", "President", "Premier", "Li", "Qiang", "he", "it"),
    *("Boluarte", "the", "two", "sides", "U.N.", "NATO", "rebels", "protesters", "police"),
    *("met", "with", "said", "condemned", "attacked", "killed", "urged", "called", "on", "will"),
    *("not", "signed", "an", "agreement", "talks", "and", "that", "in", "at", "near", "to"),
    *("Beijing", "Lima", "Ohio", "Friday", "yesterday", "June", "28", "2024", "last", "week"),
    *("ago", "three", "years", "days", "next", "month", "mid-June", "tonight", "Jan.", "early"),
    *("BEIJING,", "(Xinhua)", "--", "—", "(AP Photo/Jane Doe)", "REUTERS/Kevin", "(Reporting by"),
    *('"', "'", "“", "”", ",", ".", ";", ":", "(", ")", "?", "!", "…", "-"),
)
# Characters and strings that break naive text handling.
HOSTILE = (
    *("\x00", "\x01", "\x1b[31m", "\x7f", "\x85", "\r", "\t", "\x0b", "\x0c", "\u2028", "\u2029"),
    *("\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\ufffd", "\ufffe", "\U0010ffff"),
    *("\ud800", "\udfff", "\udc80"),  # lone surrogates: legal in a Python str, in no file
    *("שלום עולם", "مرحبا بالعالم", "سلام", "ـــــ", "۱۲۳", "٢٠٢٤-٠٦-٢٩", "０１２３"),
    *("😀", "👨\u200d👩\u200d👧", "🇨🇳", "🏳️\u200d🌈", "e\u0301", "Z̸̢̛͎a̷̗l̸g̶o̵", "ﷺ", "𝕳𝖊𝖑𝖑𝖔"),
    *("日本語", "中华人民共和国", "Ελλάδα", "Россия", "İstanbul", "ß", "ǅ", "ﬁ"),
)
BOGUS_DATES = (
    *("0000-00-00", "2024-13-45", "99999-01-01", "2024-02-30", "9999-12-31", "0001-01-01"),
    *("February 30", "June 31", "5000 years ago", "99999999999999999999 days ago"),
    *("-1 days ago", "in 10000", "in 1000", "31/12/99999", "June 0", "June 99"),
)
SEPARATORS = (" ", " ", " ", "\n", "\n\n", ". ", ", ", "\r\n", "\t", "")

any_character = st.characters(codec=None, exclude_categories=())
word = st.one_of(
    st.sampled_from(NEWS),
    st.sampled_from(NEWS),
    st.sampled_from(HOSTILE),
    st.sampled_from(BOGUS_DATES),
    st.text(any_character, min_size=1, max_size=12),
)
news_like = st.lists(st.tuples(word, st.sampled_from(SEPARATORS)), max_size=120).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)
# One piece repeated into a huge token or line: "AAAA...", "(((...", "China China ...".
long_run = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(
        ("a", "A", "China ", ".", "(", '"', "日本", "😀", " ", "\u0301", "-", "BEIJING ")
    ),
    st.integers(500, 12_000),
)
long_prose = st.builds(
    lambda sentence, times: sentence * times,
    st.sampled_from(
        (
            "China condemned the attack by rebels near Lima on Friday. ",
            "Li said China is willing to work with Peru, Boluarte said. ",
            "President Li met Premier Li. ",
        )
    ),
    st.integers(50, 400),
)
hostile_text = st.one_of(
    news_like, news_like, st.text(any_character, max_size=400), long_run, long_prose
)
# Text any reader could produce: no lone surrogates (no file and no database holds them).
readable_text = hostile_text.map(lambda text: text.encode("utf-8", "replace").decode("utf-8"))
dates = st.one_of(
    st.none(), st.dates(), st.sampled_from((dt.date.min, dt.date.max, dt.date(2024, 2, 29)))
)


def nested_json(depth: int, kind: str) -> str:
    return "[" * depth + "]" * depth if kind == "[" else '{"a":' * depth + "1" + "}" * depth


deep_json = st.builds(nested_json, st.integers(10, 50_000), st.sampled_from(("[", "{")))


def nested_html(depth: int, tag: str, text: str) -> str:
    return f"<{tag}>" * depth + f"<p>{text}</p>" + f"</{tag}>" * depth


# -- the properties ----------------------------------------------------------------------


def assert_slices(text: str, span: Span | None, words: str | None = None) -> None:
    if span is None:
        return
    start, end = span
    assert 0 <= start <= end <= len(text), (span, len(text))
    if words is not None:
        assert text[start:end] == words, (span, text[start:end], words)


def assert_real_date(value: object) -> None:
    assert value is None or type(value) is dt.date, value


def assert_rejected_well(rejected: Rejected) -> None:
    assert rejected.origin and rejected.reason, rejected
    assert "\n" not in rejected.message() and "\r" not in rejected.message(), rejected
    assert len(rejected.reason) <= 300, shown(rejected.reason)


def assert_article(article: Article) -> None:
    assert article.text.strip() and article.id, article
    article.text.encode("utf-8")  # no lone surrogates: the store could not hold it
    assert_real_date(article.published)


def assert_coded(result: CodedArticle | Rejected, article: Article) -> None:
    if isinstance(result, Rejected):
        assert_rejected_well(result)
        return
    text = article.text
    assert result.article.article is article
    for passage in result.article.passages:
        assert_slices(text, (passage.start, passage.end), passage.text)
    for dropped in result.article.dropped:
        assert_slices(text, dropped.span)
    if result.article.dateline is not None:
        assert_slices(text, result.article.dateline.span)
        assert_real_date(result.article.dateline.date)
    for sentence in result.sentences:
        assert_slices(text, sentence.span, sentence.text)
    for mention in result.mentions:
        assert_slices(text, mention.span, mention.text)
        assert_slices(text, mention.phrase)
    for quote in result.quotes:
        assert_slices(text, quote.span)
        assert_slices(text, quote.verb_span)
    for event in result.events:
        assert event.sentence in result.sentences
        assert_slices(text, event.trigger_span)
        assert_slices(text, event.object_phrase)
        for side in (event.source, event.target):
            if side is not None:
                assert_slices(text, side.span, side.text)
        if event.date is not None:
            assert_real_date(event.date.date)
            assert_slices(text, event.date.span)
        if event.location is not None:
            assert_slices(text, event.location.span)
    for note in result.notes:
        assert "\n" not in note


# -- readers -------------------------------------------------------------------------------


ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",  # with a BOM
    "utf-16-le",  # without
    "utf-32",
    "cp1252",
    "latin-1",
    "utf-8 surrogatepass",  # lone surrogates written as UTF-8 would write them
)


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-8 surrogatepass":
        return text.encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace")


@st.composite
def text_file(draw: st.DrawFn) -> tuple[str, str]:
    header = draw(
        st.one_of(
            st.builds(
                lambda day, title: f"date {day} {title}\n\n",
                st.one_of(st.sampled_from(BOGUS_DATES), st.dates().map(str)),
                hostile_text,
            ),
            hostile_text.map(lambda title: title + "\n"),
            st.just(""),
        )
    )
    return ".txt", header + draw(hostile_text)


@st.composite
def jsonl_file(draw: st.DrawFn) -> tuple[str, str]:
    value = st.one_of(
        hostile_text,
        st.sampled_from(BOGUS_DATES),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=3),
    )
    record = st.fixed_dictionaries(
        {},
        optional={
            "id": value,
            "text": st.one_of(hostile_text, value),
            "title": value,
            "date": value,
            "published": value,
            "url": value,
            "source": value,
        },
    )
    line = st.one_of(
        st.builds(json.dumps, record, ensure_ascii=st.booleans()),
        st.builds(lambda r, cut: json.dumps(r)[:cut], record, st.integers(0, 40)),  # cut short
        deep_json.map(lambda nested: '{"text": "Nested.", "x": ' + nested + "}"),
        st.integers(4000, 6000).map(lambda digits: '{"text": "x", "id": ' + "9" * digits + "}"),
        st.just('{"text": "\\ud83d cut emoji", "title": "\\udc00"}'),
        hostile_text,
    )
    lines = draw(st.lists(line, max_size=6))
    return ".jsonl", draw(st.sampled_from(("\n", "\r\n", "\n\n"))).join(lines)


@st.composite
def html_file(draw: st.DrawFn) -> tuple[str, str]:
    charset = draw(
        st.sampled_from(("utf-8", "windows-1252", "utf-16", "base64", "idna", "unicode_escape", ""))
    )
    meta = f'<meta charset="{charset}">' if charset else ""
    published = draw(st.sampled_from(BOGUS_DATES))
    body = draw(
        st.one_of(
            hostile_text.map(lambda text: f"<article><p>{text}</p></article>"),
            st.builds(
                nested_html,
                st.integers(1, 3000),
                st.sampled_from(("div", "span", "b", "table")),
                hostile_text,
            ),
            hostile_text,
        )
    )
    return ".html", (
        f"<html><head>{meta}<title>{draw(hostile_text)[:200]}</title>"
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body>{body}</body></html>"
    )


@given(
    st.one_of(text_file(), jsonl_file(), html_file()),
    st.sampled_from(ENCODINGS),
    st.sampled_from(("", ".gz", ".gz cut")),
)
def test_readers_take_any_file(file: tuple[str, str], encoding: str, compression: str) -> None:
    suffix, content = file
    data = encoded(content, encoding)
    if compression:
        data = gzip.compress(data)
        if compression == ".gz cut":
            data = data[: len(data) // 2]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}{'.gz' if compression else ''}"
        path.write_bytes(data)
        with fuzzing(f"read {suffix}", (encoding, compression, content)):
            results = list(read_inputs([str(path)]))
    assert results
    for result in results:
        assert result.origin.startswith(str(path))
        if isinstance(result, Rejected):
            assert_rejected_well(result)
        else:
            assert_article(result)


@given(st.lists(st.one_of(hostile_text, jsonl_file().map(lambda file: file[1])), max_size=5))
def test_stdin_takes_any_lines(lines: list[str]) -> None:
    stream = io.StringIO("\n".join(lines))
    with fuzzing("read stdin", lines):
        results = list(read_inputs(["-"], stdin=stream))
    for result in results:
        if isinstance(result, Rejected):
            assert_rejected_well(result)
        else:
            assert_article(result)


@given(st.one_of(hostile_text, deep_json, jsonl_file().map(lambda file: file[1])))
def test_parse_record_takes_any_line(line: str) -> None:
    with fuzzing("parse JSON line", line):
        result = parse_record(line, "fuzz.jsonl:1")
    if isinstance(result, Rejected):
        assert_rejected_well(result)
    else:
        assert_article(result)


@given(hostile_text)
def test_parse_text_takes_any_text(text: str) -> None:
    with fuzzing("parse text", text):
        result = parse_text(text, "fuzz.txt")
    if isinstance(result, Rejected):
        assert_rejected_well(result)
    else:
        assert result.text in text


@given(html_file().map(lambda file: file[1]))
def test_parse_html_takes_any_page(page: str) -> None:
    with fuzzing("parse HTML", page):
        result = parse_html(page, "fuzz.html")
    if isinstance(result, Rejected):
        assert_rejected_well(result)
    else:
        assert_real_date(result.published)


# -- cleaning, dates, places -----------------------------------------------------------------


@given(hostile_text, st.one_of(st.none(), hostile_text), dates)
def test_clean_takes_any_text(text: str, title: str | None, published: dt.date | None) -> None:
    article = Article(id="fuzz", text=text, title=title, published=published, origin="fuzz")
    with fuzzing("clean", article):
        cleaned = clean(article)
    for passage in cleaned.passages:
        assert_slices(text, (passage.start, passage.end), passage.text)
    for dropped in cleaned.dropped:
        assert_slices(text, dropped.span)
    if cleaned.dateline is not None:
        assert_slices(text, cleaned.dateline.span)
        assert_real_date(cleaned.dateline.date)


date_phrase = st.one_of(
    st.lists(st.one_of(st.sampled_from(NEWS), st.sampled_from(BOGUS_DATES)), max_size=6).map(
        " ".join
    ),
    st.builds(
        lambda n, unit: f"{n} {unit} ago",
        st.integers(),
        st.sampled_from(("days", "weeks", "months", "years")),
    ),
    st.builds(
        lambda month, day, year: f"{month} {day} {year}",
        st.sampled_from(("June", "Feb.", "December")),
        st.integers(-5, 99),
        st.integers(0, 99999),
    ),
    hostile_text,
)


@given(date_phrase, st.dates(), st.booleans())
def test_resolve_date_takes_any_phrase_and_day(
    phrase: str, reference: dt.date, future: bool
) -> None:
    with fuzzing("resolve date", (phrase, reference, future)):
        found = resolve_date(phrase, reference, future=future)
    if found is not None:
        assert_real_date(found.date)
        assert found.precision in ("day", "week", "month", "year")


@given(hostile_text, st.lists(st.sampled_from(("PER", "USA", "CHN", "", "???")), max_size=3))
def test_places_take_any_name(name: str, countries: list[str]) -> None:
    places = default_places()
    with fuzzing("find place", (name, countries)):
        place = places.find(name, countries)
    if place is not None:
        assert place.lat is None or -90 <= place.lat <= 90


# -- the whole coding of a batch ---------------------------------------------------------------


article_text = st.one_of(
    readable_text,
    hostile_text,  # code_batch is a library call too: a caller may hand it anything
    st.builds(lambda body: f"BEIJING, June 28 (Xinhua) -- {body}", readable_text),
    st.builds(lambda body: f"LIMA, Feb. 30 /TASS/. {body}", readable_text),
)
articles = st.lists(
    st.builds(
        Article,
        id=st.text(max_size=20).map(lambda text: f"fuzz-{text}"),
        text=article_text,
        title=st.one_of(st.none(), readable_text),
        published=dates,
        origin=st.just("fuzz"),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=CODING_EXAMPLES)
@given(articles)
def test_code_batch_takes_any_articles(coder: Coder, batch: list[Article]) -> None:
    with fuzzing("code_batch", batch, CODING):
        results = code_batch(batch, coder)
    assert len(results) == len(batch)
    for result, article in zip(results, batch, strict=True):
        assert_coded(result, article)


@settings(max_examples=STORE_EXAMPLES)
@given(st.lists(st.one_of(text_file(), jsonl_file(), html_file()), min_size=1, max_size=3))
def test_the_code_command_path_takes_any_files(
    coder: Coder, files: Sequence[tuple[str, str]]
) -> None:
    """Read, code and store, as ``communique code`` does: nothing raises, every input is
    counted once as read or skipped."""
    with tempfile.TemporaryDirectory() as folder:
        for number, (suffix, content) in enumerate(files):
            (Path(folder) / f"{number}{suffix}").write_text(content, "utf-8", "replace")
        skipped: list[Rejected] = []
        with (
            EventStore(Path(folder) / "fuzz.duckdb") as store,
            fuzzing("code command", files, CODING),
        ):
            summary = run([folder], store, coder, on_skip=skipped.append)
    assert summary.skipped == skipped
    for rejected in skipped:
        assert_rejected_well(rejected)
    assert summary.coded + summary.already_stored <= summary.read


# -- huge inputs: bounded time, bounded memory ---------------------------------------------

MB = 1_000_000


@contextmanager
def measured(what: str, seconds: float) -> Iterator[list[float]]:
    """Time and peak traced memory (MB) of the block, reported with the tally."""
    figures: list[float] = []
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with fuzzing(what, what, seconds):
            yield figures
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
        figures.extend([time.perf_counter() - started, peak])
        TALLY.measures.append(f"{what}: {figures[0]:.2f} s, peak {peak:.1f} MB traced")


def huge_file(folder: Path, name: str, size: int) -> Path:
    """A file of ``size`` bytes of its kind, gzipped for ``.gz``."""
    sentence = b"China condemned Russia on Friday. "
    body = sentence * (size // len(sentence))
    if ".jsonl" in name:  # one line
        content = b'{"text": "' + body[: size - 12] + b'"}\n'
    elif ".html" in name:
        content = b"<html><body><p>" + body[: size - 30] + b"</p></body></html>"
    else:
        content = b"date 2024-06-29 Huge\n\n" + body[: size - 22]
    path = folder / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    return path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("huge.txt", "file larger than 5000000 bytes"),
        ("huge.html", "file larger than 5000000 bytes"),
        ("huge.txt.gz", "file larger than 5000000 bytes"),
        ("huge.html.gz", "file larger than 5000000 bytes"),
        ("huge.jsonl", "line longer than 10000000 bytes"),
        ("huge.jsonl.gz", "line longer than 10000000 bytes"),
    ],
)
def test_a_huge_file_is_skipped_holding_no_more_than_its_limit(
    tmp_path: Path, name: str, reason: str
) -> None:
    # 40 MB: more than three times the largest limit, so holding it whole would show.
    path = huge_file(tmp_path, name, 40 * MB)
    with measured(f"skip 40 MB {name}", 10) as figures:
        results = list(read_inputs([str(path)]))
    assert [(r.origin, getattr(r, "reason", None)) for r in results] == [
        (f"{path}:1" if ".jsonl" in name else str(path), reason)
    ]
    seconds, peak = figures
    assert seconds < 5
    limit = 10 if ".jsonl" in name else 5
    # A line or a gzip stream is read into a buffer, then copied: about twice the limit.
    assert peak < 2 * limit + 5, f"{peak:.1f} MB held to skip {name}"


def test_a_ten_megabyte_article_is_skipped_at_once(coder: Coder) -> None:
    article = Article(id="huge", text="China condemned Russia. " * 420_000, origin="huge.jsonl:1")
    with measured("skip a 10 MB article", 5):
        results = code_batch([article], coder)
    assert results == [Rejected("huge.jsonl:1", "article longer than 1000000 characters")]


# Codes one file in a fresh process and prints the time and memory it took: the test
# process's own peak says nothing of one input.
CODE_ONE_FILE = """
import json, resource, sys, time
from communique.pipeline import Coder, code_batch
from communique.readers import read_inputs
from communique.records import Article

def rss():
    # The peak of this process's own memory: ru_maxrss would keep the test process's peak
    # from before the exec.
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

coder = Coder.load()
loaded, started = rss(), time.perf_counter()
results = code_batch([r for r in read_inputs([sys.argv[1]]) if isinstance(r, Article)], coder)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "loaded_mb": loaded,
    "peak_mb": rss(),
    "sentences": [len(r.sentences) for r in results],
    "notes": [len(r.notes) for r in results],
}))
"""


def coded_in_own_process(path: Path, seconds: float) -> dict[str, Any]:
    # No timeout of its own: on a hang, the alarm's Hang makes subprocess.run kill it.
    with fuzzing(f"code {path.name}", path.name, seconds):
        command = [sys.executable, "-c", CODE_ONE_FILE, str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout)
    TALLY.measures.append(
        f"code {path.name} ({path.stat().st_size:,} bytes): {figures['seconds']:.1f} s, "
        f"peak {figures['peak_mb']:.0f} MB ({figures['loaded_mb']:.0f} MB with the model loaded)"
    )
    return figures


def test_a_one_megabyte_line_without_sentence_ends_is_coded_in_bounds(tmp_path: Path) -> None:
    words = "China condemned Russia and the minister said talks would resume " * 16_000
    path = tmp_path / "one-line.jsonl"
    path.write_text(json.dumps({"text": words[: MB - 100]}) + "\n")
    figures = coded_in_own_process(path, 120)
    assert figures["sentences"] == [0] and figures["notes"] == [1]
    assert figures["seconds"] < 30
    assert figures["peak_mb"] - figures["loaded_mb"] < 200


@pytest.mark.skipif(PROFILE != "fuzz", reason="about a minute: runs in `make fuzz`")
def test_a_one_megabyte_line_of_prose_is_coded_in_bounds(tmp_path: Path) -> None:
    sentences = (
        "Chinese Premier Li Qiang met with Peruvian President Dina Boluarte in Beijing on "
        "Friday. Li said China is willing to work with Peru to expand trade. The two sides "
        "signed an agreement on the port of Chancay. Protesters rallied near the embassy. "
    )
    path = tmp_path / "prose.jsonl"
    text = (sentences * (MB // len(sentences)))[: MB - 100]
    path.write_text(json.dumps({"text": text, "date": "2024-06-29"}) + "\n")
    figures = coded_in_own_process(path, 600)
    assert figures["notes"] == [0] and figures["sentences"] != [0]
    assert figures["seconds"] < 300
    assert figures["peak_mb"] < 1000


# -- crashes and hangs fuzzing found, each with its input ----------------------------------


@pytest.mark.parametrize(
    ("phrase", "reference", "future"),
    [
        ("5000 years ago", dt.date(2024, 6, 29), False),  # ValueError: year -2976
        ("99999999999999 days ago", dt.date(2024, 6, 29), False),  # OverflowError
        ("yesterday", dt.date.min, False),  # OverflowError
        ("last month", dt.date.min, False),  # ValueError: year 0
        ("tomorrow", dt.date.max, False),  # OverflowError
        ("next year", dt.date.max, False),  # ValueError: year 10000
        ("January", dt.date.max, True),  # an endless loop looking for day 1 of year 10000
        ("December", dt.date.min, False),  # the same, for year 0
    ],
)
def test_dates_beyond_the_calendar_are_no_dates(
    phrase: str, reference: dt.date, future: bool
) -> None:
    with fuzzing("regression: date", phrase, 5):
        assert resolve_date(phrase, reference, future=future) is None


def test_an_event_years_before_the_calendar_keeps_the_article_date(coder: Coder) -> None:
    article = Article(id="a", text="China attacked Vietnam 5000 years ago.", origin="a")
    (coded,) = code_batch([dataclasses.replace(article, published=dt.date(2024, 6, 29))], coder)
    assert isinstance(coded, CodedArticle)
    assert [e.date.date if e.date else None for e in coded.events] == [dt.date(2024, 6, 29)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # RecursionError from the json module
        ('{"text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nested deeper"),
        # ValueError: more digits than Python converts
        ('{"text": "x", "id": ' + "9" * 5000 + "}", "malformed JSON: a number too long"),
        # a 1 MB value in a reason
        ('{"text": "x", "date": "' + "a" * MB + '"}', "not an ISO date 'aaaa"),
    ],
)
def test_json_lines_that_crashed_are_skipped_with_a_short_reason(line: str, reason: str) -> None:
    with fuzzing("regression: JSON line", line):
        result = parse_record(line, "r.jsonl:1")
    assert isinstance(result, Rejected) and result.reason.startswith(reason)
    assert_rejected_well(result)


def test_half_an_emoji_escaped_in_json_becomes_a_replacement_character() -> None:
    # json gives a lone surrogate; hashing the id of such a text raised UnicodeEncodeError.
    result = parse_record('{"text": "Cut \\ud83d here.", "title": "\\udc00"}', "r.jsonl:1")
    assert isinstance(result, Article)
    assert (result.text, result.title) == ("Cut \ufffd here.", "\ufffd")


def test_a_text_with_a_lone_surrogate_gets_an_id() -> None:
    result = parse_text("China\n\ud800 ", "r.txt")  # UnicodeEncodeError in article_id
    assert isinstance(result, Article) and result.id


def test_a_lone_surrogate_handed_to_code_batch_is_rejected(coder: Coder) -> None:
    # spaCy raised UnicodeEncodeError.
    article = Article(id="s", text="China \ud800 condemned Russia.", origin="s")
    assert code_batch([article], coder) == [Rejected("s", "text holds a lone surrogate")]


@pytest.mark.parametrize("charset", ["base64", "rot13", "hex", "zlib", "idna", "undefined"])
def test_a_page_declaring_a_codec_that_is_no_charset(tmp_path: Path, charset: str) -> None:
    # LookupError ("'base64' is not a text encoding") or UnicodeError from the declared codec.
    data = f'<html><head><meta charset="{charset}"></head><p>caf'.encode() + b"\xe9</p>"
    path = tmp_path / "page.html"
    path.write_bytes(data)
    with fuzzing("regression: charset", charset):
        (result,) = read_inputs([str(path)])
    # The codec is no charset: the page is read as UTF-8, which it is not.
    bad_byte = data.index(b"\xe9")
    assert result == Rejected(str(path), f"not valid UTF-8 (byte {bad_byte})")


def test_a_warc_page_decoded_into_a_lone_surrogate_is_read(tmp_path: Path) -> None:
    # UTF-7, a charset, can spell half a UTF-16 pair ("+2AA-"); the store refused the text.
    from communique.readers.warc import _decode

    sentence = "The ministers met in Lima on Friday to talk about trade and ports. "
    data = f"<html><body><article><p>{sentence * 5}+2AA-</p></article></body></html>"
    page = _decode(data.encode("ascii"), "utf-7")
    assert "\ud800" in page
    result = parse_html(page, "crawl.warc@0")
    assert isinstance(result, Article)
    assert_article(result)


@pytest.mark.parametrize("charset", ["base64", "idna", "unicode_escape", "undefined"])
def test_a_warc_page_declaring_a_codec_that_is_no_charset(charset: str) -> None:
    from communique.readers.warc import _decode

    with fuzzing("regression: WARC charset", charset):
        page = _decode(b"<p>caf\xe9 \\ud800</p>", charset)
    page.encode("utf-8")


def test_stdin_bytes_that_are_not_utf8_are_a_bad_line() -> None:
    # Standard input is decoded with "surrogateescape": bad bytes arrive as surrogates.
    stream = io.StringIO('{"text": "caf\udce9"}\n{"text": "Fine."}\n')
    results = list(read_inputs(["-"], stdin=stream))
    assert results[0] == Rejected("<stdin>:1", "not valid UTF-8")
    assert isinstance(results[1], Article)


def test_a_file_name_that_is_not_utf8_is_coded_and_stored(coder: Coder, tmp_path: Path) -> None:
    # The store refused the name's surrogates, and the run stopped (exit 2).
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(name, "wb") as handle:
        handle.write(b"date 2024-06-29 T\n\nChina condemned Russia on Friday.\n")
    with EventStore(tmp_path / "names.duckdb") as store:
        summary = run([str(folder)], store, coder)
    assert (summary.coded, summary.skipped) == (1, [])
    with EventStore(tmp_path / "names.duckdb", read_only=True) as store:
        assert [event.article_id for event in store.events()] != []


def test_a_sentence_of_100_000_characters_is_not_coded(coder: Coder) -> None:
    # Coding it took 76 s, and a million characters would take hours: coding a sentence
    # (and VADER's tone) costs more than linear time in its length.
    words = "China condemned Russia and the minister said that talks would resume "
    article = Article(id="long", text=(words * 1500)[:100_000], origin="long.txt")
    with fuzzing("regression: long sentence", "100,000 characters", 10):
        (coded,) = code_batch([article], coder)
    assert isinstance(coded, CodedArticle) and coded.sentences == ()
    assert coded.notes == (
        "sentence at characters 0-100000 longer than 2000 characters: not coded",
    )
