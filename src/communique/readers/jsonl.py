"""JSON Lines: one article per line, ``{"id", "text", "title", "date", "url", "source"}``.

The date may also be given as ``published``; ISO dates and datetimes are read for their date.

A bad line costs only that line: it becomes a ``Rejected`` with its line number and the rest of
the file goes on. Files are read line by line, so a large dump never sits in memory whole, and
no line is held past ``max_line_bytes``: the rest of a longer one is read through and dropped.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from communique.limits import DEFAULT_READ_LIMITS, ReadLimits
from communique.readers.decode import (
    BOM,
    LONE_SURROGATE,
    BadInput,
    article_id,
    open_binary,
    parse_date,
    reading_error,
    without_lone_surrogates,
)
from communique.records import Article, Rejected

OPTIONAL_STRINGS = ("title", "url", "source")

# Bytes looked at for NUL before reading a file as lines.
BINARY_SNIFF = 8192
# How much of a line too long to keep is read at a time, to be dropped.
SKIP_CHUNK = 1 << 20

# A numbered line of decoded text, or the rejection of a line that could not be decoded.
Line = tuple[int, str] | Rejected


def read_jsonl_file(
    path: Path, origin: str, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Iterator[Article | Rejected]:
    """Yield one article or rejection per non-blank line of a (gzipped) JSON Lines file."""
    try:
        stream = open_binary(path)
    except BadInput as bad:
        yield Rejected(origin, bad.reason)
        return
    with stream:
        try:
            lines = _decoded_lines(stream, origin, limits.max_line_bytes)
            yield from read_jsonl_lines(lines, origin, limits.max_nesting)
        except BadInput as bad:
            # Whole-file problems met part way (binary data, corrupt gzip) end the file.
            yield Rejected(origin, bad.reason)


def read_jsonl_stream(
    stream: TextIO, origin: str, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Iterator[Article | Rejected]:
    """Yield one article or rejection per non-blank line of an already decoded stream (stdin);
    there ``max_line_bytes`` counts characters."""
    try:
        lines = _stream_lines(stream, origin, limits.max_line_bytes)
        yield from read_jsonl_lines(lines, origin, limits.max_nesting)
    except UnicodeDecodeError as err:
        yield Rejected(origin, f"not valid UTF-8 ({err.reason})")


def read_jsonl_lines(
    lines: Iterable[Line], origin: str, max_nesting: int = DEFAULT_READ_LIMITS.max_nesting
) -> Iterator[Article | Rejected]:
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
        yield parse_record(content, f"{origin}:{number}", max_nesting)
    if not seen_any:
        yield Rejected(origin, "empty file")


def parse_record(
    line: str, origin: str, max_nesting: int = DEFAULT_READ_LIMITS.max_nesting
) -> Article | Rejected:
    """One JSON line to an article; every problem is a short reason with the line's origin."""
    too_deep = Rejected(origin, f"JSON nested deeper than {max_nesting} levels")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return Rejected(origin, f"malformed JSON: {err.msg}")
    except RecursionError:  # deeper than Python's stack, whatever the limit
        return too_deep
    except ValueError:  # an integer of more digits than Python converts (4300)
        return Rejected(origin, "malformed JSON: a number too long to read")
    if _nests_deeper(record, max_nesting):
        return too_deep
    if not isinstance(record, dict):
        return Rejected(origin, "record is not a JSON object")
    try:
        return _article(record, origin)
    except BadInput as bad:
        return Rejected(origin, bad.reason)


def _nests_deeper(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` deep, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in children)
    return False


def _stream_lines(stream: TextIO, origin: str, max_chars: int) -> Iterator[Line]:
    number = 0
    while line := stream.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars and not line.endswith("\n"):
            _skip_rest(stream, "\n")
            yield Rejected(f"{origin}:{number}", f"line longer than {max_chars} characters")
        elif not line.isascii() and LONE_SURROGATE.search(line):
            # Standard input decoded with "surrogateescape" holds bad bytes as surrogates.
            yield Rejected(f"{origin}:{number}", "not valid UTF-8")
        else:
            yield number, line.removeprefix(BOM)


def _skip_rest(stream: Any, newline: str | bytes) -> int:
    """Read through the rest of a line, a chunk at a time, holding none of it; its length."""
    length = 0
    while chunk := stream.readline(SKIP_CHUNK):
        length += len(chunk)
        if chunk.endswith(newline):
            break
    return length


def _decoded_lines(
    stream: gzip.GzipFile | io.BufferedReader, origin: str, max_bytes: int
) -> Iterator[Line]:
    try:
        # A binary file is refused whole, before its first "line" is mistaken for bad JSON.
        if b"\x00" in stream.peek(BINARY_SNIFF)[:BINARY_SNIFF]:
            raise BadInput("binary file (contains NUL bytes)")
        offset = 0
        for number, raw, length in _lines_checked_ahead(_capped_lines(stream, max_bytes)):
            if raw is None:
                yield Rejected(f"{origin}:{number}", f"line longer than {max_bytes} bytes")
            elif b"\x00" in raw:
                raise BadInput("binary file (contains NUL bytes)")
            else:
                try:
                    content = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    # Only this line is lost; the offset is counted from the start of the file.
                    where = f"byte {offset + err.start}"
                    yield Rejected(f"{origin}:{number}", f"not valid UTF-8 ({where})")
                else:
                    yield number, content.removeprefix(BOM) if number == 1 else content
            offset += length
    except (OSError, EOFError, zlib.error) as err:
        raise reading_error(err) from None


def _capped_lines(
    stream: gzip.GzipFile | io.BufferedReader, max_bytes: int
) -> Iterator[tuple[bytes | None, int]]:
    """Each line and its length in bytes; None for a line longer than ``max_bytes``, whose
    bytes are read through, never held."""
    while line := stream.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line, len(line)
        else:
            yield None, len(line) + _skip_rest(stream, b"\n")


def _lines_checked_ahead(
    lines: Iterable[tuple[bytes | None, int]],
) -> Iterator[tuple[int, bytes | None, int]]:
    """Numbered lines, each given out only once the next has been read: a truncated gzip
    ends in a partial line, which should not be reported as bad JSON before the real cause."""
    remaining = iter(lines)
    pending = next(remaining, None)
    number = 1
    while pending is not None:
        following = next(remaining, None)
        yield number, *pending
        pending = following
        number += 1


def _article(record: dict[str, Any], origin: str) -> Article:
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise BadInput("text is not a string")
    if text is None or not text.strip():
        raise BadInput("record has no text")
    text = without_lone_surrogates(text)
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
    return without_lone_surrogates(value.strip()) or None


def _own_id(record: dict[str, Any]) -> str | None:
    value = record.get("id")
    # bool is an int subclass, but an id of true is a mistake, not a number.
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return None if value is None else without_lone_surrogates(str(value))
    raise BadInput("id is not a string or number")
