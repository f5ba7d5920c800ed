"""Plain-text articles: a ``date YYYY-MM-DD Title`` header line, or a title line, then the body.

The body is kept exactly as in the file (only its leading blank lines go), so that offsets into
``Article.text`` point at the file's own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from communique.limits import DEFAULT_READ_LIMITS, ReadLimits
from communique.readers.decode import BadInput, article_id, parse_date, quoted, read_text
from communique.records import Article, Rejected

# "date 2024-06-29 Title"; the date must start with a digit, so that a plain title which
# happens to begin with the word "date" is still read as a title.
DATE_HEADER = re.compile(r"[ \t]*date[ \t]+(?P<date>\d\S*)(?:[ \t]+(?P<title>.*?))?[ \t\r]*")
FIRST_LINE = re.compile(r"(?:[ \t\r]*\n)*(?P<line>[^\n]*)(?:\n|$)")
LEADING_BLANK_LINES = re.compile(r"(?:[ \t\r]*\n)*")


def read_text_file(
    path: Path, origin: str, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Iterator[Article | Rejected]:
    """Yield the one article in a text file (gzipped or not), or why it cannot be read."""
    try:
        text = read_text(path, limits.max_file_bytes)
    except BadInput as bad:
        yield Rejected(origin, bad.reason)
        return
    yield parse_text(text, origin)


def parse_text(text: str, origin: str) -> Article | Rejected:
    """Split a decoded text file into header and body."""
    first = FIRST_LINE.match(text)
    assert first is not None  # the pattern matches any string, if only emptily
    line = first.group("line")
    body = LEADING_BLANK_LINES.sub("", text[first.end() :], count=1)
    header = DATE_HEADER.fullmatch(line)
    if header is None:
        title = line.strip() or None
        return _article(origin, title, body, published=None)
    line_number = text.count("\n", 0, first.start("line")) + 1
    try:
        published = parse_date(header.group("date"))
    except BadInput:
        return Rejected(
            f"{origin}:{line_number}", f"impossible date {quoted(header.group('date'))}"
        )
    return _article(origin, header.group("title") or None, body, published)


def _article(
    origin: str, title: str | None, body: str, published: dt.date | None
) -> Article | Rejected:
    if not body.strip():
        return Rejected(origin, "no article text found")
    return Article(
        id=article_id(None, title, body),
        text=body,
        title=title,
        published=published,
        origin=origin,
    )
