"""JSON Lines: one article per line, ``{"id", "text", "title", "date", "url", "source"}``.

The date may also be given as ``published``; ISO dates and datetimes are read for their date.

A bad line costs only that line: it becomes a ``Rejected`` with its line number and the rest of
the file goes on. Files are read line by line, so a large dump never sits in memory whole.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from communique.readers.decode import (
    BOM,
    BadInput,
    article_id,
    open_binary,
    parse_date,
    reading_error,
)
from communique.records import Article, Rejected

OPTIONAL_STRINGS = ("title", "url", "source")

# Bytes looked at for NUL before reading a file as lines.
BINARY_SNIFF = 8192

# A numbered line of decoded text, or the rejection of a line that could not be decoded.
Line = tuple[int, str] | Rejected


def read_jsonl_file(path: Path, origin: str) -> Iterator[Article | Rejected]:
    """Yield one article or rejection per non-blank line of a (gzipped) JSON Lines file."""
    try:
        stream = open_binary(path)
    except BadInput as bad:
        yield Rejected(origin, bad.reason)
        return
    with stream:
        try:
            yield from read_jsonl_lines(_decoded_lines(stream, origin), origin)
        except BadInput as bad:
            # Whole-file problems met part way (binary data, corrupt gzip) end the file.
            yield Rejected(origin, bad.reason)


def read_jsonl_stream(stream: TextIO, origin: str) -> Iterator[Article | Rejected]:
    """Yield one article or rejection per non-blank line of an already decoded stream (stdin)."""
    try:
        yield from read_jsonl_lines(
            ((number, line.removeprefix(BOM)) for number, line in enumerate(stream, start=1)),
            origin,
        )
    except UnicodeDecodeError as err:
        yield Rejected(origin, f"not valid UTF-8 ({err.reason})")


def read_jsonl_lines(lines: Iterable[Line], origin: str) -> Iterator[Article | Rejected]:
    """Parse numbered lines; say "empty file" when there was not a single non-blank one."""
    seen_any = False
    for line in lines:
        if isinstance(line, Rejected):
            seen_any = True
            yield line
            continue
        number, content = line
        if not content.strip():
            continue
        seen_any = True
        yield parse_record(content, f"{origin}:{number}")
    if not seen_any:
        yield Rejected(origin, "empty file")


def parse_record(line: str, origin: str) -> Article | Rejected:
    """One JSON line to an article; every problem is a short reason with the line's origin."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return Rejected(origin, f"malformed JSON: {err.msg}")
    if not isinstance(record, dict):
        return Rejected(origin, "record is not a JSON object")
    try:
        return _article(record, origin)
    except BadInput as bad:
        return Rejected(origin, bad.reason)


def _decoded_lines(stream: gzip.GzipFile | io.BufferedReader, origin: str) -> Iterator[Line]:
    try:
        # A binary file is refused whole, before its first "line" is mistaken for bad JSON.
        if b"\x00" in stream.peek(BINARY_SNIFF)[:BINARY_SNIFF]:
            raise BadInput("binary file (contains NUL bytes)")
        offset = 0
        for number, raw in _lines_checked_ahead(stream):
            if b"\x00" in raw:
                raise BadInput("binary file (contains NUL bytes)")
            try:
                content = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                # Only this line is lost; the offset is counted from the start of the file.
                yield Rejected(f"{origin}:{number}", f"not valid UTF-8 (byte {offset + err.start})")
            else:
                yield number, content.removeprefix(BOM) if number == 1 else content
            offset += len(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise reading_error(err) from None


def _lines_checked_ahead(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Numbered lines, each given out only once the next has been read: a truncated gzip
    ends in a partial line, which should not be reported as bad JSON before the real cause."""
    lines = iter(stream)
    pending = next(lines, None)
    number = 1
    while pending is not None:
        following = next(lines, None)
        yield number, pending
        pending = following
        number += 1


def _article(record: dict[str, Any], origin: str) -> Article:
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise BadInput("text is not a string")
    if text is None or not text.strip():
        raise BadInput("record has no text")
    strings = {name: _optional_string(record, name) for name in OPTIONAL_STRINGS}
    date = _optional_string(record, "date") or _optional_string(record, "published")
    return Article(
        id=article_id(_own_id(record), strings["title"], text),
        text=text,
        title=strings["title"],
        published=parse_date(date) if date else None,
        url=strings["url"],
        source=strings["source"],
        origin=origin,
    )


def _optional_string(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"{name} is not a string")
    return value.strip() or None


def _own_id(record: dict[str, Any]) -> str | None:
    value = record.get("id")
    # bool is an int subclass, but an id of true is a mistake, not a number.
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return None if value is None else str(value)
    raise BadInput("id is not a string or number")
