"""When an event happened: date words in its clause, resolved against the article's date.

Only words attached to the event's own verb count ("met ... on Friday"), or, for what was
reported, to the verb of saying ("Li said on Friday China is willing ..."), so that background
dates elsewhere in the sentence ("since the partnership was set up in 2013", "at last year's
summit") are not taken for the event's date. A phrase counts only when every word of it is a
date word: "last year's summit" names a summit, not a date.

The forms read, against the reference day (the dateline's date, else publication):

- weekdays: "on Friday", "early Sunday", "Tuesday night" → the latest such day on or before
  it ("last Friday": before it; "next Friday", or a verb with "will": on or after it);
- days: "today", "tonight", "this morning" → it; "yesterday", "last night" → the day before;
  "tomorrow" → the day after;
- calendar dates: "June 28", "28 June 2024", "Jan. 5", "in March", "in mid-June", "June 2024",
  "in 2013"; without a year, the latest such date not after it (the next one for "will");
- periods: "this/last/next week|month|year", "earlier this month", "later this year" → the
  period's first day, at its precision;
- "three days ago", "a week ago", "two years ago".

Precision is "day", "week", "month" or "year": a date at week, month or year precision is the
first day of that period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Token

from communique.records import CleanArticle, EventDate

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    **{
        name: number
        for number, name in enumerate(
            (
                *("january", "february", "march", "april", "may", "june", "july"),
                *("august", "september", "october", "november", "december"),
            ),
            start=1,
        )
    },
    **{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8},
    **{"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12},
}
_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "noon", "midnight"})
_PERIODS = frozenset({"week", "month", "year"})
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3}
_SHIFTS = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}
# Words that narrow a date without moving it: "early Sunday", "in mid-June", "earlier this month".
_FILLERS = frozenset({"the", "of", "early", "earlier", "late", "later", "mid", "-", "on", "in"})
_DATE_PREPS = frozenset({"on", "in", "during", "at"})
_DATE_DEPS = frozenset({"npadvmod", "tmod", "nmod"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_DAY = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
_DAYS_AGO_SLACK = 2  # a dateline may be a day or two behind a date the story names


def fallback_date(article: CleanArticle) -> EventDate | None:
    """The date of an event whose clause names none: the dateline's, else publication."""
    if article.dateline is not None and article.dateline.date is not None:
        return EventDate(article.dateline.date, "day", "dateline")
    if article.article.published is not None:
        return EventDate(article.article.published, "day", "publication")
    return None


def event_date(predicate: Token, article: CleanArticle, offset: int = 0) -> EventDate | None:
    """The event's date from its clause if it names one, else the fallback. ``offset`` is
    where the predicate's doc starts in the article text, for the date's span."""
    fallback = fallback_date(article)
    reference = article.reference_date
    if reference is None:
        return fallback
    future = _is_future(predicate)
    for phrase in date_phrases(predicate):
        found = resolve_date(phrase.text, reference, future=future)
        if found is not None:
            span = (offset + phrase.start, offset + phrase.end)
            return EventDate(found.date, found.precision, "sentence", span)
    return fallback


@dataclass(frozen=True, slots=True)
class DatePhrase:
    """Words that may name a date, and their offsets in the doc."""

    text: str
    start: int
    end: int


def date_phrases(predicate: Token) -> list[DatePhrase]:
    """The phrases attached to the predicate that may name its date; for a clause reported
    by a verb of saying ("Li said on Friday China is ..."), the saying verb's come after."""
    phrases = _own_phrases(predicate)
    if predicate.dep_ == "ccomp":
        phrases.extend(_own_phrases(predicate.head))
    return phrases


def _own_phrases(predicate: Token) -> list[DatePhrase]:
    phrases = []
    for child in predicate.children:
        if child.dep_ == "prep" and child.lower_ in _DATE_PREPS:
            objects = [obj for obj in child.children if obj.dep_ == "pobj"]
            if objects:  # "in mid-June" may parse as three objects
                phrases.append(_phrase([t for obj in objects for t in _words(obj)]))
        elif child.dep_ in _DATE_DEPS or (child.dep_ == "advmod" and child.lower_ == "ago"):
            phrases.append(_phrase(_words(child)))
    return phrases


def _words(token: Token) -> list[Token]:
    return [t for t in token.subtree if t.dep_ not in ("relcl", "acl", "prep") or t.i == token.i]


def _phrase(tokens: list[Token]) -> DatePhrase:
    tokens = sorted(tokens, key=lambda t: t.i)
    first, last = tokens[0], tokens[-1]
    return DatePhrase(" ".join(t.text for t in tokens), first.idx, last.idx + len(last.text))


def _is_future(predicate: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in predicate.children)


def resolve_date(phrase: str, reference: dt.date, future: bool = False) -> EventDate | None:
    """A date phrase resolved against ``reference`` (the day the article reports from);
    None unless every word of it is a date word. ``future``: the clause tells what will be."""
    words = [w.strip(".") for w in re.split(r"[\s,]+", phrase.lower().replace("-", " - "))]
    words = [w for w in words if w]
    if not words:
        return None
    try:
        found = (
            _ago(words, reference)
            or _calendar(words, reference, future)
            or _weekday(words, reference, future)
            or _day_word(words, reference)
            or _period(words, reference)
        )
    except (ValueError, OverflowError):
        # Beyond the years 1-9999 (a reference day of 9999-12-31 and "tomorrow", "5000
        # years ago") lies no date we can store.
        return None
    return EventDate(found[0], found[1], "sentence") if found else None


Resolved = tuple[dt.date, str] | None


def _only(words: list[str], allowed: set[str] | frozenset[str]) -> bool:
    return all(w in allowed or w in _FILLERS for w in words)


def _weekday(words: list[str], reference: dt.date, future: bool) -> Resolved:
    days = [w for w in words if w in _WEEKDAYS]
    if len(days) != 1 or not _only(words, {days[0], "last", "next", "this", *_PARTS_OF_DAY}):
        return None
    weekday = _WEEKDAYS.index(days[0])
    if "next" in words or (future and "last" not in words):
        ahead = (weekday - reference.weekday()) % 7
        return reference + dt.timedelta(days=ahead or (7 if "next" in words else 0)), "day"
    # The latest such weekday on or before the reference day: news reports the past.
    back = (reference.weekday() - weekday) % 7
    if back == 0 and "last" in words:
        back = 7
    return reference - dt.timedelta(days=back), "day"


def _day_word(words: list[str], reference: dt.date) -> Resolved:
    if len(words) == 1 and words[0] in _DAY_WORDS:
        return reference + dt.timedelta(days=_DAY_WORDS[words[0]]), "day"
    if len(words) == 2 and words[1] in _PARTS_OF_DAY:
        if words[0] in ("this", "today", "tonight"):
            return reference, "day"
        if words[0] in ("last", "yesterday"):
            return reference - dt.timedelta(days=1), "day"
    return None


def _period(words: list[str], reference: dt.date) -> Resolved:
    units = [w for w in words if w in _PERIODS]
    shifts = [w for w in words if w in _SHIFTS]
    if len(units) != 1 or len(shifts) != 1 or not _only(words, {*units, *shifts}):
        return None
    return _shifted(reference, units[0], _SHIFTS[shifts[0]])


def _ago(words: list[str], reference: dt.date) -> Resolved:
    if len(words) != 3 or words[2] != "ago":
        return None
    count = int(words[0]) if words[0].isdigit() else _NUMBERS.get(words[0])
    unit = words[1].removesuffix("s")
    if count is None or unit not in (*_PERIODS, "day"):
        return None
    if unit == "day":
        return reference - dt.timedelta(days=count), "day"
    if unit == "week":
        return reference - dt.timedelta(weeks=count), "day"
    return _shifted(reference, unit, -count)


def _shifted(reference: dt.date, unit: str, shift: int) -> tuple[dt.date, str]:
    """The first day of the week, month or year ``shift`` such periods from the reference."""
    if unit == "week":
        monday = reference - dt.timedelta(days=reference.weekday())
        return monday + dt.timedelta(weeks=shift), "week"
    if unit == "month":
        months = reference.year * 12 + reference.month - 1 + shift
        return dt.date(months // 12, months % 12 + 1, 1), "month"
    return dt.date(reference.year + shift, 1, 1), "year"


def _calendar(words: list[str], reference: dt.date, future: bool) -> Resolved:
    month = day = year = None
    for word in words:
        if word in _MONTHS and month is None:
            month = _MONTHS[word]
        elif _YEAR.match(word) and year is None:
            year = int(word)
        elif (match := _DAY.match(word)) and day is None and 1 <= int(match[1]) <= 31:
            day = int(match[1])
        elif word not in _FILLERS and word not in _WEEKDAYS and word not in _PARTS_OF_DAY:
            return None
    if month is None:
        return (dt.date(year, 1, 1), "year") if year is not None and day is None else None
    if year is not None:
        return _date(year, month, day or 1), "day" if day else "month"
    # No year: the latest such date not after the reference (the next one for "will").
    this_year = _date(reference.year, month, day or 1)
    slack = dt.timedelta(days=_DAYS_AGO_SLACK)
    if future and this_year < reference - (slack if day else dt.timedelta(days=31)):
        this_year = _date(reference.year + 1, month, day or 1)
    elif not future and this_year > reference + slack:
        this_year = _date(reference.year - 1, month, day or 1)
    return this_year, "day" if day else "month"


def _date(year: int, month: int, day: int) -> dt.date:
    """Raises ValueError for a year outside 1-9999."""
    # "February 30" is a typo of some day in February: the month's last day is nearest.
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
