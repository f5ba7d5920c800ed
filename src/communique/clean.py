"""Cleaning: split an article's body into paragraphs, drop wire boilerplate, parse the dateline.

Nothing is rewritten: every kept passage and every dropped piece is a span of ``Article.text``,
so later stages can point at the exact words of the file. The cascade for each paragraph, in
order (the first rule that fires decides):

1. repeated   - identical to an earlier paragraph, kept or dropped (captions are often repeated);
2. editor     - "(Web editor: ...)", "Reporting by ...; Editing by ...";
3. caption    - a photo credit "(Xinhua/Liu Bin)", "REUTERS/Name", or "Photo taken on ...";
4. furniture  - "Advertisement", "Our Standards: ..." (whole paragraphs only);
5. header     - before the body starts only: the title again, or debris like
                "Xinhua) 09:21, June 29, 2024";
6. kept       - the first kept paragraph loses its dateline, every kept paragraph loses a
                trailing credit "(Xinhua)" or editor note "(Reporting by ...)".

Rules err on the side of keeping: a paragraph that merely mentions a photo is text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from communique.errors import DataFileError
from communique.records import Article, CleanArticle, Dateline, Dropped, Passage, Span

BOILERPLATE_PATH = Path(__file__).parent / "data" / "boilerplate.yml"
BOILERPLATE_VERSION = 1

# Reasons, as recorded in Dropped.reason.
REPEATED = "repeated"
CAPTION = "caption"
CREDIT = "credit"
EDITOR = "editor line"
HEADER = "header fragment"
TITLE = "title"
DATELINE = "dateline"
FURNITURE = "boilerplate"

# A line ending in one of these ends a paragraph even without a blank line after it.
TERMINAL_PUNCTUATION = ".!?:;\"'”’)]…"
# Hard-wrapped text has lines of similar length, at most this long.
MAX_WRAPPED_LINE = 100
# A header fragment is short; anything longer is treated as text.
MAX_HEADER_FRAGMENT = 100
# A dateline place with neither agency nor date must be at least this long: "EU —" is no place.
MIN_BARE_PLACE = 4
# Editor lines name people, not tell a story.
MAX_EDITOR_LINE = 250

LIST_KEYS = (
    "agencies",
    "photo_credit_words",
    "picture_services",
    "caption_openings",
    "credit_openings",
    "editor_openings",
    "name_connectives",
    "header_words",
    "place_particles",
    "furniture",
)
MAPPING_KEYS = ("month_abbreviations",)


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """The cleaner's vocabulary, as loaded from ``data/boilerplate.yml``."""

    path: str
    version: int
    agencies: tuple[str, ...]
    photo_credit_words: tuple[str, ...]
    picture_services: tuple[str, ...]
    caption_openings: tuple[str, ...]
    credit_openings: tuple[str, ...]
    editor_openings: tuple[str, ...]
    name_connectives: tuple[str, ...]
    header_words: tuple[str, ...]
    place_particles: tuple[str, ...]
    furniture: tuple[str, ...]
    month_abbreviations: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Patterns:
    """Regular expressions compiled once from a Boilerplate."""

    photo_credit: re.Pattern[str]
    caption_opening: re.Pattern[str]
    editor_line: re.Pattern[str]
    trailing_editor: re.Pattern[str]
    trailing_credit: re.Pattern[str]
    header_debris: re.Pattern[str]
    date_or_time: re.Pattern[str]
    dateline: re.Pattern[str]
    months: Mapping[str, int]
    place_particles: frozenset[str]
    name_connectives: frozenset[str]
    furniture: frozenset[str]


# ---------------------------------------------------------------------------------------------
# The vocabulary file


@functools.cache
def load_boilerplate(path: Path = BOILERPLATE_PATH) -> Boilerplate:
    """Load and validate the vocabulary file; raise DataFileError naming the problem."""
    where = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DataFileError(where, f"cannot be read ({err.strerror or err})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(where, f"is not valid YAML: {err}", line) from None
    if not isinstance(raw, dict):
        raise DataFileError(where, "must be a mapping of names to lists")
    expected = {"version", *LIST_KEYS, *MAPPING_KEYS}
    if unknown := sorted(set(raw) - expected):
        raise DataFileError(where, f"unknown keys {unknown}")
    if missing := sorted(expected - set(raw)):
        raise DataFileError(where, f"missing keys {missing}")
    if raw["version"] != BOILERPLATE_VERSION:
        raise DataFileError(where, f"version must be {BOILERPLATE_VERSION}, not {raw['version']!r}")
    lists = {key: _string_list(raw[key], key, where) for key in LIST_KEYS}
    months = _month_mapping(raw["month_abbreviations"], where)
    return Boilerplate(path=where, version=BOILERPLATE_VERSION, month_abbreviations=months, **lists)


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise DataFileError(where, f"{key} must be a non-empty list")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise DataFileError(where, f"{key} holds {item!r}, not a non-empty string")
    if len(set(value)) != len(value):
        raise DataFileError(where, f"{key} lists an entry twice")
    return tuple(value)


def _month_mapping(value: Any, where: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict):
        raise DataFileError(where, "month_abbreviations must map names to month numbers")
    for name, number in value.items():
        if not isinstance(name, str) or not isinstance(number, int) or not 1 <= number <= 12:
            raise DataFileError(where, f"month_abbreviations: {name!r}: {number!r} is not 1-12")
    return tuple(value.items())


@functools.cache
def compile_patterns(vocabulary: Boilerplate) -> Patterns:
    """Build the cleaner's regular expressions from its vocabulary."""
    agency = _alternatives(vocabulary.agencies)
    caps_agency = _alternatives(tuple({name.upper() for name in vocabulary.agencies}))
    photo_word = _alternatives(vocabulary.photo_credit_words)
    service = _alternatives(vocabulary.picture_services)
    months = _month_numbers(vocabulary)
    month = _alternatives(tuple(months))
    return Patterns(
        photo_credit=_photo_credit(agency, caps_agency, photo_word, service),
        caption_opening=re.compile(rf"(?:{_alternatives(vocabulary.caption_openings)})\b"),
        editor_line=re.compile(
            rf"\(\s*(?:{_alternatives(vocabulary.editor_openings)})[^()]*\)\.?"
            rf"|(?P<opening>{_alternatives(vocabulary.editor_openings)})[^()\n]*"
        ),
        trailing_editor=re.compile(
            rf"\(\s*(?:{_alternatives(vocabulary.editor_openings)})[^()]*\)\.?\Z"
        ),
        trailing_credit=re.compile(
            rf"\(\s*(?:(?:{agency})(?:\s*/\s*(?:{agency}|[Aa]gencies))*"
            rf"|(?:{_alternatives(vocabulary.credit_openings)})[^()\n]{{0,80}})\s*\)\.?\Z"
        ),
        header_debris=re.compile(
            rf"(?i:\b(?:{_alternatives(vocabulary.header_words)})(?!\w))"
            rf"|\b(?:{agency})\b|(?i:\b(?:{month})\b\.?)|(?i:\b(?:{_weekdays()})\b)"
        ),
        date_or_time=re.compile(
            rf"\b\d{{1,2}}:\d{{2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
            rf"|\b(?:{month})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{month})\b"
        ),
        dateline=_dateline(agency, month),
        months=MappingProxyType(months),
        place_particles=frozenset(vocabulary.place_particles),
        name_connectives=frozenset(vocabulary.name_connectives),
        furniture=frozenset(vocabulary.furniture),
    )


def _alternatives(words: tuple[str, ...]) -> str:
    # Longest first, so "Associated Press" wins over "AP" and "File photo" over "File".
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _month_numbers(vocabulary: Boilerplate) -> dict[str, int]:
    numbers = {calendar.month_name[n]: n for n in range(1, 13)}
    numbers |= {calendar.month_abbr[n]: n for n in range(1, 13)}
    return numbers | dict(vocabulary.month_abbreviations)


def _weekdays() -> str:
    return _alternatives(tuple(calendar.day_name) + tuple(calendar.day_abbr))


def _photo_credit(agency: str, caps_agency: str, photo_word: str, service: str) -> re.Pattern[str]:
    return re.compile(
        # (Xinhua/Liu Bin), (AP Photo/Evan Vucci); not (AFP/Reuters), which is a plain credit.
        rf"\(\s*(?:{agency})(?:\s+(?i:photos?|pool|images?|video))?\s*/"
        rf"(?!\s*(?:{agency}|[Aa]gencies)\s*\))[^()\n]{{1,80}}\)"
        # (Photo: Xinhua), (Photo by Jane Doe), (File photo)
        rf"|\(\s*(?i:{photo_word})\b[^()\n]{{0,80}}\)"
        # REUTERS/Kevin Lamarque, AFP/Name: agency in capitals, then a name.
        rf"|\b(?:{caps_agency})/[A-Z][a-z]"
        # ... Photograph: Kevin Lamarque/Reuters  (a credit closing the paragraph)
        rf"|(?:^|\s)(?i:{photo_word}):\s*[^\n]{{1,80}}\Z"
        # (AFP via Getty Images), /Shutterstock
        rf"|(?:\bvia|/)\s*(?:{service})\b|\([^()\n]*\b(?:{service})\s*\)"
    )


def _dateline(agency: str, month: str) -> re.Pattern[str]:
    return re.compile(
        rf"""
        (?P<place>
            [A-Z][A-Z'.\-]*[A-Z](?:\ [A-Z][A-Z'.\-]*)*       # BEIJING, RIO DE JANEIRO
          | [A-Z][a-z'\-]+(?:\ [A-Z][a-z'\-]+){{0,3}}        # Paris (AFP style, needs agency)
        )
        (?:,\ (?!(?:{month})\b)(?P<region>[A-Z][A-Za-z.'\-]*(?:\ [A-Z][A-Za-z.'\-]*){{0,2}}))?
        (?:,?\ (?P<month>{month})\.?\ (?P<day>\d{{1,2}})\b\.?)?
        \ *(?:\((?P<agency>{agency})\)|/(?P<slash_agency>{agency})/\.?)?
        (?:\ *(?P<dash>--|—|–|-))?
        \s*
        """,
        re.VERBOSE,
    )


# ---------------------------------------------------------------------------------------------
# Paragraphs


BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
LINE = re.compile(r"[^\n]+")


def split_paragraphs(text: str) -> list[Span]:
    """Paragraph spans, trimmed: blocks between blank lines, and within a block each line,
    unless the block is hard-wrapped prose (then its lines are joined back)."""
    spans: list[Span] = []
    block_start = 0
    for separator in [*BLANK_LINE.finditer(text), None]:
        block_end = len(text) if separator is None else separator.start()
        spans.extend(_block_paragraphs(text, block_start, block_end))
        if separator is not None:
            block_start = separator.end()
    return spans


def _block_paragraphs(text: str, start: int, end: int) -> list[Span]:
    lines = [
        (match.start(), match.end())
        for match in LINE.finditer(text, start, end)
        if text[match.start() : match.end()].strip()
    ]
    if not lines:
        return []
    if not _is_hard_wrapped([text[s:e] for s, e in lines]):
        return [_trim(text, s, e) for s, e in lines]
    paragraphs: list[Span] = []
    first = lines[0][0]
    for (_, previous_end), (line_start, _) in itertools.pairwise(lines):
        # In wrapped prose a paragraph ends at a sentence end followed by an indented line.
        ends_sentence = text[first:previous_end].rstrip().endswith(tuple(TERMINAL_PUNCTUATION))
        if ends_sentence and text[line_start] in " \t":
            paragraphs.append(_trim(text, first, previous_end))
            first = line_start
    paragraphs.append(_trim(text, first, lines[-1][1]))
    return paragraphs


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines of similar length that mostly stop mid-sentence were wrapped by a typewriter
    habit, not written as one paragraph each."""
    if len(lines) < 2:
        return False
    widths = [len(line.strip()) for line in lines]
    if max(widths) > MAX_WRAPPED_LINE:
        return False
    inner = [line.rstrip() for line in lines[:-1]]
    open_ended = sum(not line.endswith(tuple(TERMINAL_PUNCTUATION)) for line in inner)
    similar = all(width >= max(widths) / 2 for width in widths[:-1])
    return similar and 2 * open_ended >= len(inner)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------
# The cascade


def clean(article: Article, vocabulary: Boilerplate | None = None) -> CleanArticle:
    """Split the body into passages, drop boilerplate with its reason, parse the dateline."""
    patterns = compile_patterns(vocabulary or load_boilerplate())
    text = article.text
    title_key = _key(article.title or "")
    passages: list[Passage] = []
    dropped: list[Dropped] = []
    dateline: Dateline | None = None
    seen: set[str] = set()
    in_header = True  # nothing kept yet: header debris and the dateline can only appear here
    for start, end in split_paragraphs(text):
        paragraph = text[start:end]
        key = _key(paragraph)
        reason = _whole_paragraph_reason(paragraph, key, seen, patterns)
        if reason is None and in_header:
            reason = _header_reason(paragraph, key, title_key, patterns)
        seen.add(key)
        if reason is not None:
            dropped.append(Dropped((start, end), reason))
            continue
        if in_header:
            in_header = False
            dateline = parse_dateline(text, start, end, article.published, patterns)
            if dateline is not None:
                dropped.append(Dropped(dateline.span, DATELINE))
                start = _trim(text, dateline.span[1], end)[0]
        start, end, cut = _cut_trailing(text, start, end, patterns)
        dropped.extend(cut)
        if start < end:
            passages.append(Passage(text[start:end], start))
    return CleanArticle(
        article=article,
        passages=tuple(passages),
        dateline=dateline,
        dropped=tuple(sorted(dropped, key=lambda piece: piece.span)),
    )


def _key(paragraph: str) -> str:
    """What makes two paragraphs the same: their words, whatever the spacing."""
    return " ".join(paragraph.split())


def _whole_paragraph_reason(
    paragraph: str, key: str, seen: set[str], patterns: Patterns
) -> str | None:
    if key in seen:
        return REPEATED
    if _is_editor_line(paragraph, patterns):
        return EDITOR
    if patterns.photo_credit.search(paragraph) or patterns.caption_opening.match(paragraph):
        return CAPTION
    if key in patterns.furniture:
        return FURNITURE
    return None


def _is_editor_line(paragraph: str, patterns: Patterns) -> bool:
    match = patterns.editor_line.fullmatch(paragraph)
    if match is None or len(paragraph) > MAX_EDITOR_LINE:
        return False
    opening = match.group("opening")
    if opening is None or opening.endswith(":"):
        return True  # "(Reporting by ...)", "Editor: ..." are labelled as such
    # "Reporting by the BBC showed ..." is a sentence: an editor line lists only names,
    # "Reporting by Jane Doe in Lima; Editing by John Smith".
    words = re.findall(r"[^\s,;.]+", paragraph[len(opening) :])
    return all(word[0].isupper() or word in patterns.name_connectives for word in words)


def _header_reason(paragraph: str, key: str, title_key: str, patterns: Patterns) -> str | None:
    if title_key and key == title_key:
        return TITLE
    if _is_header_fragment(paragraph, patterns):
        return HEADER
    return None


def _is_header_fragment(paragraph: str, patterns: Patterns) -> bool:
    """Short debris of a page header: a date or time with only agency names, header words
    and punctuation around it, no sentence."""
    if len(paragraph) > MAX_HEADER_FRAGMENT or not patterns.date_or_time.search(paragraph):
        return False
    rest = patterns.date_or_time.sub(" ", paragraph)
    rest = patterns.header_debris.sub(" ", rest)
    return not any(character.isalpha() for character in rest)


def _cut_trailing(
    text: str, start: int, end: int, patterns: Patterns
) -> tuple[int, int, list[Dropped]]:
    """Cut a credit "(Xinhua)" or an editor note "(Reporting by ...)" closing a paragraph."""
    cut: list[Dropped] = []
    for pattern, reason in ((patterns.trailing_editor, EDITOR), (patterns.trailing_credit, CREDIT)):
        match = pattern.search(text, start, end)
        if match is not None:
            cut.append(Dropped((match.start(), match.end()), reason))
            start, end = _trim(text, start, match.start())
    return start, end, cut


# ---------------------------------------------------------------------------------------------
# Datelines


def parse_dateline(
    text: str, start: int, end: int, published: dt.date | None, patterns: Patterns
) -> Dateline | None:
    """The dateline opening the paragraph ``text[start:end]``, if there is one."""
    match = patterns.dateline.match(text, start, end)
    if match is None or not _is_dateline(match, text[match.end() : end]):
        return None
    place = _place_name(match.group("place"), patterns.place_particles)
    if match.group("region"):
        place = f"{place}, {_place_name(match.group('region'), patterns.place_particles)}"
    date = None
    if match.group("month") and published is not None:
        date = _dateline_date(
            patterns.months[match.group("month")], int(match.group("day")), published
        )
    span = _trim(text, match.start(), match.end())
    agency = match.group("agency") or match.group("slash_agency")
    return Dateline(place=place, date=date, agency=agency, span=span)


def _is_dateline(match: re.Match[str], following: str) -> bool:
    """Guard against ordinary openings that the loose pattern also fits."""
    dash = match.group("dash")
    if match.group("agency"):
        return dash is not None
    if match.group("slash_agency"):
        return True  # "MOSCOW, June 28. /TASS/." needs no dash
    # Without an agency only a place in capitals and a dash will do, "WASHINGTON —",
    # "BEIJING, June 28 --"; without a date also a long dash, a real name (not "EU") and a
    # new sentence after it, so "NATO - the alliance" stays text.
    if dash is None or not match.group("place").isupper():
        return False
    if match.group("month"):
        return True
    return dash != "-" and len(match.group("place")) >= MIN_BARE_PLACE and following[:1].isupper()


def _dateline_date(month: int, day: int, published: dt.date) -> dt.date | None:
    """A dateline gives month and day; the year is the publication's, or the one before when
    the day would fall after publication (a Dec. 31 story published Jan. 1)."""
    year = published.year - 1 if (month, day) > (published.month, published.day) else published.year
    try:
        return dt.date(year, month, day)
    except ValueError:  # Feb. 29 of a common year, June 31
        return None


def _place_name(written: str, particles: frozenset[str]) -> str:
    """Capitals to a name, "RIO DE JANEIRO" -> "Rio de Janeiro"; other places stay as written."""
    if not written.isupper():
        return written
    words = written.split(" ")
    named = [
        _capitalise(word, first=index == 0, particles=particles) for index, word in enumerate(words)
    ]
    return " ".join(named)


def _capitalise(word: str, first: bool, particles: frozenset[str]) -> str:
    lower = word.lower()
    if not first and lower in particles:
        return lower
    # "PORT-AU-PRINCE" -> "Port-au-Prince"
    if "-" in word:
        parts = lower.split("-")
        return "-".join(
            part if index and part in particles else _capitalise_part(part)
            for index, part in enumerate(parts)
        )
    return _capitalise_part(lower)


def _capitalise_part(lower: str) -> str:
    # "N'DJAMENA" -> "N'Djamena" (a one-letter prefix), but "XI'AN" -> "Xi'an".
    head, apostrophe, tail = lower.partition("'")
    if apostrophe and len(head) == 1:
        return f"{head.upper()}'{tail.capitalize()}"
    return lower.capitalize()
