"""What every reader shares: raw bytes to text, date strings to dates, content to a stable id.

Whole-file problems come back as a reason string (the caller wraps it in ``Rejected`` with its
own origin), so no reader ever raises on bad input.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import hashlib
import io
import re
import zlib
from pathlib import Path

# ISO dates as "YYYY-MM-DD", optionally followed by a time ("T09:21:00Z", " 09:21").
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[T ])")
BOM = "\ufeff"
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
# Codecs that turn bytes into text but are no charset a page is written in.
NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})


class BadInput(Exception):
    """A whole file cannot be read; ``reason`` is the short phrase for ``Rejected``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_binary(path: Path) -> gzip.GzipFile | io.BufferedReader:
    """Open a file for reading bytes, through gzip for ``.gz``; raise BadInput if it cannot be."""
    try:
        if path.suffix.lower() == ".gz":
            return gzip.GzipFile(path, mode="rb")
        return path.open("rb")
    except OSError as err:
        raise reading_error(err) from None


def read_raw(path: Path, max_bytes: int) -> bytes:
    """Read a whole file's bytes, gunzipped for ``.gz``; raise BadInput if it cannot be read
    or holds more than ``max_bytes`` (never reading more than one byte past them)."""
    with open_binary(path) as stream:
        try:
            data = stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as err:
            raise reading_error(err) from None
    if len(data) > max_bytes:
        raise BadInput(f"file larger than {max_bytes} bytes")
    return data


def reading_error(err: OSError | EOFError | zlib.error) -> BadInput:
    """The short reason for an error met while opening or reading (and gunzipping) a file."""
    # A gzip stream shows corruption only as it is read: a bad header, data or truncation.
    if isinstance(err, gzip.BadGzipFile | EOFError | zlib.error):
        return BadInput(f"corrupt gzip file ({err})")
    if isinstance(err, FileNotFoundError):
        return BadInput("no such file or directory")
    if isinstance(err, PermissionError):
        return BadInput("unreadable file (permission denied)")
    return BadInput(f"unreadable file ({err.strerror or err})")


def decode_text(data: bytes) -> str:
    """Check bytes are a non-empty UTF-8 text (a BOM is accepted and dropped) and decode them."""
    if b"\x00" in data:
        raise BadInput("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        # err.start is the 0-based offset of the first bad byte, counted in the file's bytes.
        raise BadInput(f"not valid UTF-8 (byte {err.start})") from None
    text = text.removeprefix(BOM)
    if not text.strip():
        raise BadInput("empty file")
    return text


def read_text(path: Path, max_bytes: int) -> str:
    """Read, gunzip if needed, and decode one whole file as text."""
    return decode_text(read_raw(path, max_bytes))


def without_lone_surrogates(value: str) -> str:
    """JSON can escape half of a UTF-16 pair ("\\ud83d" of an emoji cut in two), and Python
    then holds a lone surrogate, which no file or database takes. Each becomes U+FFFD, one
    character for one, so offsets into the text stay right."""
    return value if value.isascii() else LONE_SURROGATE.sub(REPLACEMENT, value)


def charset_codec(name: str) -> str | None:
    """Python's name for the charset a page or server names, or None when Python knows no
    codec by that name or its codec is no charset ("base64", "idna", "unicode_escape")."""
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return None
    if not codec._is_text_encoding or codec.name in NOT_CHARSETS:
        return None
    return codec.name


def parse_date(value: str) -> dt.date:
    """The date part of an ISO date or datetime string; raise BadInput when it is not one."""
    match = ISO_DATE.match(value.strip())
    if match is None:
        raise BadInput(f"not an ISO date {quoted(value)}")
    year, month, day = (int(group) for group in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadInput(f"impossible date {quoted(value)}") from None


def quoted(value: str, width: int = 40) -> str:
    """A value as a reason shows it: quoted, and cut short, so a reason stays one short line."""
    if len(value) <= width:
        return repr(value)
    return f"{value[:width]!r}... ({len(value)} characters)"


def article_id(own_id: str | None, title: str | None, text: str) -> str:
    """The record's own id, else a content hash, so the same article always gets the same id."""
    if own_id is not None and own_id.strip():
        return own_id.strip()
    # U+001F (unit separator) keeps "ab"+"c" and "a"+"bc" apart; a lone surrogate (no reader
    # gives one, a library caller may) is hashed as its code point, not refused.
    content = f"{title or ''}\x1f{text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(content).hexdigest()[:16]
