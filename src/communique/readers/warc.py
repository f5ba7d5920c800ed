"""Web archives: the HTML pages of a WARC file (plain or gzipped), as Common Crawl and
web crawlers write them.

Each successful (2xx) HTTP response whose content type is HTML becomes an article through the
HTML reader (trafilatura), with the record's target URI as its ``url`` and its WARC-Date as
``captured``. Every other record (the crawl's ``warcinfo``, its ``request`` and ``metadata``
records, redirects, images, PDFs) is counted and passed over: it is not an article that went
wrong, so it is not reported as a skipped input. The counts of a file are logged (INFO) when
it has been read.

An article's ``origin`` is ``path@offset``: the byte offset of its record in the file as
stored (compressed, for ``.warc.gz``), as a CDX index gives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from communique.limits import DEFAULT_READ_LIMITS, ReadLimits
from communique.readers.decode import BadInput, charset_codec, decode_text, reading_error
from communique.readers.html import CHARSET_WINDOW, DECLARED_CHARSET, parse_html
from communique.records import Article, Rejected

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Charsets that pages declare but mean their supersets, as browsers read them (WHATWG
# Encoding Standard): a "gb2312" page is usually GBK, a "latin1" one windows-1252.
CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
}

LOGGER = logging.getLogger(__name__)


@dataclasses.dataclass
class WarcCounts:
    """What one WARC file held: the HTML pages read, and the other records passed over, by
    kind ("request", "response 404", "response image/jpeg", ...)."""

    pages: int = 0
    passed_over: Counter[str] = dataclasses.field(default_factory=Counter)

    def summary(self) -> str:
        other = ", ".join(f"{kind} {count}" for kind, count in sorted(self.passed_over.items()))
        return f"{self.pages} HTML pages, {self.passed_over.total()} other records ({other})"


def read_warc_file(
    path: Path, origin: str, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Iterator[Article | Rejected]:
    """Yield an article (or why none could be read) for every HTML page in a WARC file."""
    counts = WarcCounts()
    yield from read_warc(path, origin, counts, limits)
    LOGGER.info("%s: %s", origin, counts.summary())


def read_warc(
    path: Path, origin: str, counts: WarcCounts, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Iterator[Article | Rejected]:
    """``read_warc_file``, counting what it reads and passes over into ``counts``."""
    try:
        stream = path.open("rb")
    except OSError as err:
        yield Rejected(origin, reading_error(err).reason)
        return
    with stream:
        try:
            yield from _pages(stream, origin, counts, limits)
        except BadInput as bad:
            yield Rejected(origin, bad.reason)
        except ArchiveLoadFailed as err:
            # warcio says which record was bad; the records before it were read.
            yield Rejected(origin, f"not a valid WARC file ({err.msg})")
        except (OSError, EOFError, zlib.error) as err:
            yield Rejected(origin, reading_error(err).reason)


def _pages(
    stream: IO[bytes], origin: str, counts: WarcCounts, limits: ReadLimits
) -> Iterator[Article | Rejected]:
    records = ArchiveIterator(stream)
    for record in records:
        if record.format != "warc":  # warcio reads any line-based text as an old ARC record
            raise BadInput(f"not a valid WARC file (a {record.format} record)")
        kind = _passed_over(record)
        if kind is not None:
            counts.passed_over[kind] += 1
            continue
        counts.pages += 1
        # content_stream undoes the HTTP transfer and content encodings (chunked, gzip). It
        # is read before the offset is asked for: warcio skips the rest of a record then.
        # At most one byte past the limit is held.
        data = record.content_stream().read(limits.max_file_bytes + 1)
        where = f"{origin}@{records.get_record_offset()}"
        if len(data) > limits.max_file_bytes:
            yield Rejected(where, f"page larger than {limits.max_file_bytes} bytes")
        else:
            yield _page(record, data, where, limits)


def _passed_over(record: ArcWarcRecord) -> str | None:
    """Why a record is no page to read, or None when it is one."""
    if record.rec_type != "response":
        return str(record.rec_type)
    if record.http_headers is None:  # a response of another protocol (dns:, ftp:)
        return "response (not HTTP)"
    status = record.http_headers.get_statuscode() or "?"
    if not status.startswith("2"):
        return f"response {status}"
    media_type = _media_type(record)
    if media_type not in HTML_TYPES:
        return f"response {media_type or '(no type)'}"
    return None


def _page(
    record: ArcWarcRecord, data: bytes, origin: str, limits: ReadLimits
) -> Article | Rejected:
    try:
        page = _decode(data, _http_charset(record))
    except BadInput as bad:
        return Rejected(origin, bad.reason)
    found = parse_html(page, origin, limits)
    if isinstance(found, Rejected):
        return found
    return dataclasses.replace(
        found,
        url=record.rec_headers.get_header("WARC-Target-URI") or found.url,
        captured=_warc_date(record.rec_headers.get_header("WARC-Date")),
    )


def _media_type(record: ArcWarcRecord) -> str:
    content_type = record.http_headers.get_header("Content-Type") or ""
    return content_type.split(";")[0].strip().lower()


def _http_charset(record: ArcWarcRecord) -> str | None:
    content_type = record.http_headers.get_header("Content-Type") or ""
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _decode(data: bytes, http_charset: str | None) -> str:
    """The charset the server gave, else the one the page declares, else UTF-8. A crawled page
    is what it is: bytes its charset cannot decode become U+FFFD, not a lost page."""
    if not data.strip():
        raise BadInput("empty page")
    charset = _codec(http_charset) or _declared(data)
    if charset is None or charset == "utf-8":
        try:
            return decode_text(data)
        except BadInput as bad:
            if not bad.reason.startswith("not valid UTF-8"):
                raise
        charset = "utf-8"
    return data.decode(charset, errors="replace").removeprefix("\ufeff")


def _declared(data: bytes) -> str | None:
    match = DECLARED_CHARSET.search(data[:CHARSET_WINDOW])
    return _codec(match.group(1).decode("ascii")) if match else None


def _codec(name: str | None) -> str | None:
    """Python's name for a charset, widened to what browsers read it as; None if unknown."""
    if not name:
        return None
    codec = charset_codec(name)
    return CHARSET_SUPERSETS.get(codec, codec) if codec else None


def _warc_date(value: str | None) -> dt.datetime | None:
    """A WARC-Date ("2020-08-08T17:27:41Z", maybe with fractions of a second) as a naive
    datetime in UTC; None if absent or not a date."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when
