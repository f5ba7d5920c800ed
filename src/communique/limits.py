"""The most that one input may cost, and how text is cut to stay within it.

Every limit is documented with its default in README ("Limits") and settable on ``communique
code``. Beyond a reader's limit the input is skipped with a reason naming the file (and
line); beyond a coding limit the article is skipped with its reason, or, for an over-long
sentence, coded without that sentence and with a note saying so.

- ``ReadLimits``: the largest file, the longest JSON line and the deepest nesting a reader
  takes in. A file or line is never read past its limit, so a 1 GB line costs no more memory
  than the limit.
- ``parse_pieces``: what spaCy is given of a passage. A run of more characters than the
  sentence limit without a sentence end is not parsed (it is no prose, and coding a sentence
  costs more than linear time in its length); a long passage is parsed in pieces cut after
  sentence ends, since the parser's memory grows with the length of the text it holds.
- ``within_chars``: articles in runs of bounded total length, the parses of one run held at
  once; ``annotate`` gives the parser batches of bounded length too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from communique.records import Article, Span

# The defaults, declared once: PipelineConfig, ReadLimits and the CLI options take them.
MAX_ARTICLE_CHARS = 1_000_000
MAX_SENTENCE_CHARS = 2_000
MAX_BATCH_CHARS = 100_000
MAX_PIECE_CHARS = 10_000
MAX_FILE_BYTES = 5_000_000
MAX_LINE_BYTES = 10_000_000
MAX_NESTING = 200

# Where a sentence may end: the punctuation, closing quotes and brackets, then space. An
# abbreviation ("U.S. officials") counts too: that only makes runs shorter.
SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]]*(?:\s+|$)")


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much a reader takes in; beyond, the input is skipped with its reason."""

    max_file_bytes: int = MAX_FILE_BYTES  # a .txt or .html file (or a WARC page), gunzipped
    max_line_bytes: int = MAX_LINE_BYTES  # one line of JSON Lines (characters, on stdin)
    max_nesting: int = MAX_NESTING  # JSON arrays and objects, HTML elements


DEFAULT_READ_LIMITS = ReadLimits()


@dataclass(frozen=True, slots=True)
class Pieces:
    """A passage cut for the parser: the spans to parse, and the over-long runs left out."""

    parse: tuple[Span, ...]
    too_long: tuple[Span, ...]


def parse_pieces(text: str, max_sentence_chars: int, max_piece_chars: int) -> Pieces:
    """Spans of ``text`` to parse, each cut after a sentence end and at most
    ``max_piece_chars`` long (unless one sentence is longer), and the runs of more than
    ``max_sentence_chars`` characters without a sentence end, which are not parsed."""
    if len(text) <= min(max_sentence_chars, max_piece_chars):
        return Pieces(((0, len(text)),), ())
    ends = [match.end() for match in SENTENCE_END.finditer(text)]
    parse: list[Span] = []
    too_long: list[Span] = []
    piece_start = run_start = 0
    for end in [*ends, len(text)]:
        if end - run_start > max_sentence_chars:
            parse.append((piece_start, run_start))
            too_long.append((run_start, end))
            piece_start = end
        elif end - piece_start > max_piece_chars:
            parse.append((piece_start, run_start))
            piece_start = run_start
        run_start = end
    parse.append((piece_start, len(text)))
    return Pieces(_trimmed(text, parse), _trimmed(text, too_long))


def _trimmed(text: str, spans: list[Span]) -> tuple[Span, ...]:
    kept = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            kept.append((start, end))
    return tuple(kept)


def within_chars(articles: Sequence[Article], max_chars: int) -> Iterator[Sequence[Article]]:
    """Consecutive runs of the articles whose texts add up to at most ``max_chars``
    characters; an article longer than that is a run of its own."""
    start = total = 0
    for index, article in enumerate(articles):
        if total + len(article.text) > max_chars and index > start:
            yield articles[start:index]
            start, total = index, 0
        total += len(article.text)
    if start < len(articles):
        yield articles[start:]
