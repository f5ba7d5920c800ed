"""When an event happened: date words in its clause, resolved against the article's date.

Only words attached to the event's own verb count ("met ... on Friday"), so that background
dates elsewhere in the sentence ("since the partnership was set up in 2013") are not taken
for the event's date. Weekdays and "yesterday"-like words are resolved here, exactly;
calendar dates ("June 28", "28 June 2024", "in March") go to dateparser.
"""

from __future__ import annotations

import datetime as dt
import re

import dateparser
from spacy.tokens import Token

from communique.records import CleanArticle, EventDate

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tonight": 0}
_MONTHS = frozenset(
    {
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    }
)
_DATE_PREPS = frozenset({"on", "in", "during", "at"})
_DATE_DEPS = frozenset({"npadvmod", "tmod", "nmod"})
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


def fallback_date(article: CleanArticle) -> EventDate | None:
    """The date of an event whose clause names none: the dateline's, else publication."""
    if article.dateline is not None and article.dateline.date is not None:
        return EventDate(article.dateline.date, "day", "dateline")
    if article.article.published is not None:
        return EventDate(article.article.published, "day", "publication")
    return None


def event_date(predicate: Token, article: CleanArticle) -> EventDate | None:
    """The event's date from its clause if it names one, else the fallback."""
    fallback = fallback_date(article)
    reference = article.reference_date
    if reference is None:
        return fallback
    for phrase in _date_phrases(predicate):
        found = resolve_date(phrase, reference)
        if found is not None:
            return found
    return fallback


def _date_phrases(predicate: Token) -> list[str]:
    phrases = []
    for child in predicate.children:
        if child.dep_ == "prep" and child.lower_ in _DATE_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    phrases.append(_phrase_text(obj))
        elif child.dep_ in _DATE_DEPS:
            phrases.append(_phrase_text(child))
    return phrases


def _phrase_text(token: Token) -> str:
    words = [t for t in token.subtree if t.dep_ not in ("relcl", "acl", "prep") or t.i == token.i]
    return " ".join(t.text for t in words)


def resolve_date(phrase: str, reference: dt.date) -> EventDate | None:
    """A date phrase resolved against ``reference`` (the day the article reports from)."""
    words = phrase.lower().replace(",", " ").split()
    if not words:
        return None
    if len(words) == 1 and words[0] in _WEEKDAYS:
        # The latest such weekday on or before the reference day: news reports the past.
        back = (reference.weekday() - _WEEKDAYS.index(words[0])) % 7
        return EventDate(reference - dt.timedelta(days=back), "day", "sentence")
    if len(words) == 1 and words[0] in _RELATIVE_DAYS:
        return EventDate(reference + dt.timedelta(days=_RELATIVE_DAYS[words[0]]), "day", "sentence")
    if len(words) == 1 and _YEAR.match(words[0]):
        return EventDate(dt.date(int(words[0]), 1, 1), "year", "sentence")
    if not any(w in _MONTHS for w in words):
        return None
    has_day = any(w.isdigit() and len(w) <= 2 for w in words)
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(reference, dt.time()),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["month"],
    }
    parsed = dateparser.parse(" ".join(words), languages=["en"], settings=settings)
    if parsed is None:
        return None
    return EventDate(parsed.date(), "day" if has_day else "month", "sentence")
