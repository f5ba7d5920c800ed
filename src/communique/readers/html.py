"""Web pages: main text, title, canonical URL, site name and publication date via trafilatura.

Trafilatura returns one paragraph per line; they are joined with blank lines, so that the
cleaner sees the same paragraph structure as in a text file. That joined text is
``Article.text``, the text all offsets refer to.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import Document
from trafilatura.utils import load_html

from communique.limits import DEFAULT_READ_LIMITS, ReadLimits
from communique.readers.decode import (
    BadInput,
    article_id,
    charset_codec,
    decode_text,
    parse_date,
    read_raw,
    without_lone_surrogates,
)
from communique.records import Article, Rejected

# The page's own date only: its meta tags, JSON-LD, URL and time elements ("original_date"
# prefers first publication over later updates). Extensive search is off because it falls back
# to any year in the page text, typically the footer's copyright line.
DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False}

# <meta charset="..."> or http-equiv content="text/html; charset=...", near the top of the page.
DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
CHARSET_WINDOW = 4096

LOGGER = logging.getLogger(__name__)


def read_html_file(
    path: Path, origin: str, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Iterator[Article | Rejected]:
    """Yield the one article of a (gzipped) HTML page, or why none could be found."""
    try:
        page = _decode_page(read_raw(path, limits.max_file_bytes))
    except BadInput as bad:
        yield Rejected(origin, bad.reason)
        return
    yield parse_html(page, origin, limits)


def parse_html(
    page: str, origin: str, limits: ReadLimits = DEFAULT_READ_LIMITS
) -> Article | Rejected:
    """Extract the article from a decoded page."""
    # A charset can spell half a UTF-16 pair (UTF-7's "+2AA-"), which no store takes.
    page = without_lone_surrogates(page)
    if len(page) > limits.max_file_bytes:
        return Rejected(origin, f"page larger than {limits.max_file_bytes} characters")
    # Parsed here (as trafilatura would) to see how deep it nests: lxml silently drops what
    # lies deeper than 256 elements, and trafilatura walks the tree recursively.
    tree = load_html(page)
    if tree is None:
        return Rejected(origin, "no article text found")
    if _nests_deeper(tree, limits.max_nesting):
        return Rejected(origin, f"HTML nested deeper than {limits.max_nesting} elements")
    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={**DATE_PARAMS, "max_date": dt.date.today().isoformat()},
    )
    # as_dict is off, so anything but a Document means trafilatura found nothing.
    if not isinstance(document, Document):
        return Rejected(origin, "no article text found")
    lines = (document.text or "").splitlines()
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    if not text:
        return Rejected(origin, "no article text found")
    title = document.title or None
    return Article(
        id=article_id(None, title, text),
        text=text,
        title=title,
        published=_published(document.date, origin),
        url=document.url or None,
        source=document.sitename or None,
        origin=origin,
    )


def _published(value: str | None, origin: str) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except BadInput:
        # htmldate only returns valid dates; a bad one is its bug, not a reason to lose the page.
        LOGGER.warning("%s: ignoring unparseable page date %r", origin, value)
        return None


def _nests_deeper(tree: Any, limit: int) -> bool:
    """Whether elements nest more than ``limit`` deep, walked without recursion."""
    stack = [(tree, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def _decode_page(data: bytes) -> str:
    """UTF-8 as everywhere else, unless the page itself declares another charset."""
    try:
        return decode_text(data)
    except BadInput as bad:
        charset = _declared_charset(data)
        if not bad.reason.startswith("not valid UTF-8") or charset is None:
            raise
    try:
        page = data.decode(charset)
    except UnicodeDecodeError as err:
        raise BadInput(f"not valid {charset} (byte {err.start})") from None
    except (UnicodeError, LookupError):  # a codec that does not decode as a charset does
        raise BadInput(f"not valid {charset}") from None
    return page


def _declared_charset(data: bytes) -> str | None:
    match = DECLARED_CHARSET.search(data[:CHARSET_WINDOW])
    if match is None:
        return None
    name = charset_codec(match.group(1).decode("ascii"))
    return None if name == "utf-8" else name
