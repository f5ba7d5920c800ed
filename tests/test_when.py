"""Event dates: each form of date phrase resolved by hand, then read off parsed sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from communique.records import Article, CleanArticle, Dateline, EventDate
from communique.when import event_date, fallback_date, resolve_date

# Saturday 29 June 2024: the day the example article was published.
SATURDAY = dt.date(2024, 6, 29)


def day(month: int, number: int, year: int = 2024) -> dt.date:
    return dt.date(year, month, number)


@pytest.mark.parametrize(
    ("phrase", "expected", "precision"),
    [
        # days named relative to the reference
        ("today", day(6, 29), "day"),
        ("tonight", day(6, 29), "day"),
        ("this morning", day(6, 29), "day"),
        ("yesterday", day(6, 28), "day"),
        ("last night", day(6, 28), "day"),
        ("tomorrow", day(6, 30), "day"),
        # weekdays: the latest on or before the reference
        ("Friday", day(6, 28), "day"),
        ("Saturday", day(6, 29), "day"),
        ("Sunday", day(6, 23), "day"),
        ("early Sunday", day(6, 23), "day"),
        ("Tuesday night", day(6, 25), "day"),
        ("last Saturday", day(6, 22), "day"),
        ("next Monday", day(7, 1), "day"),
        # calendar dates, the year from the reference
        ("June 28", day(6, 28), "day"),
        ("28 June", day(6, 28), "day"),
        ("June 28 , 2024", day(6, 28), "day"),
        ("Friday , June 28 , 2024", day(6, 28), "day"),
        ("Jan. 5", day(1, 5), "day"),
        ("June 30", day(6, 30), "day"),  # a day ahead of a dateline is still this year
        ("July 15", day(7, 15, 2023), "day"),  # past tense: last year's
        ("March", day(3, 1), "month"),
        ("December", day(12, 1, 2023), "month"),
        ("mid - June", day(6, 1), "month"),
        ("June 2023", day(6, 1, 2023), "month"),
        ("2013", day(1, 1, 2013), "year"),
        # periods
        ("last week", day(6, 17), "week"),
        ("this week", day(6, 24), "week"),
        ("next week", day(7, 1), "week"),
        ("earlier this month", day(6, 1), "month"),
        ("last month", day(5, 1), "month"),
        ("this year", day(1, 1), "year"),
        ("later this year", day(1, 1), "year"),
        ("last year", day(1, 1, 2023), "year"),
        # ago
        ("three days ago", day(6, 26), "day"),
        ("a week ago", day(6, 22), "day"),
        ("two months ago", day(4, 1), "month"),
        ("two years ago", day(1, 1, 2022), "year"),
    ],
)
def test_each_form_resolves_against_the_reference_day(phrase, expected, precision):
    found = resolve_date(phrase, SATURDAY)
    assert found == EventDate(expected, precision, "sentence")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Friday", day(7, 5)),
        ("December", day(12, 1)),
        ("June 28", day(6, 28)),  # yesterday's date in a "will" clause is still that date
    ],
)
def test_what_will_happen_resolves_forward(phrase, expected):
    found = resolve_date(phrase, SATURDAY, future=True)
    assert found is not None and found.date == expected


@pytest.mark.parametrize(
    "phrase",
    ["last year 's summit", "the summit", "Peru", "the two sides", "28", "Friday prayers"],
)
def test_phrases_that_are_not_wholly_dates_are_none(phrase):
    assert resolve_date(phrase, SATURDAY) is None


def article(
    text: str, published: dt.date | None = SATURDAY, dateline: dt.date | None = None
) -> CleanArticle:
    line = Dateline("BEIJING", dateline, "Xinhua", (0, 0)) if dateline else None
    return CleanArticle(Article("t", text, published=published), (), line)


def predicate_of(coder, text: str, word: str):
    doc = coder.nlp(text)
    return next(token for token in doc if token.text == word)


def test_a_weekday_in_the_clause_dates_the_event_with_its_words(coder):
    text = "Chinese Premier Li Qiang met with the Peruvian president in Beijing on Friday."
    found = event_date(predicate_of(coder, text, "met"), article(text), offset=100)
    assert found is not None
    assert (found.date, found.precision, found.origin) == (day(6, 28), "day", "sentence")
    assert found.span is not None
    assert text[found.span[0] - 100 : found.span[1] - 100] == "Friday"


def test_relative_dates_resolve_against_the_dateline_before_publication(coder):
    text = "Protesters marched in Lima yesterday."
    clean = article(text, published=day(7, 2), dateline=day(6, 30))
    found = event_date(predicate_of(coder, text, "marched"), clean)
    assert found is not None and found.date == day(6, 29)


def test_a_reported_clause_takes_the_date_of_its_saying(coder):
    text = "Li said on Friday China is willing to work with Peru."
    found = event_date(predicate_of(coder, text, "is"), article(text))
    assert found is not None and (found.date, found.origin) == (day(6, 28), "sentence")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("China has supported Peru since 2013.", "supported"),
        ("They agreed at last year's summit to cut tariffs.", "agreed"),
        (
            "Li said that since the partnership was set up in 2013, ties have deepened.",
            "deepened",
        ),
    ],
)
def test_background_dates_are_not_the_events_date(coder, text, word):
    found = event_date(predicate_of(coder, text, word), article(text, dateline=day(6, 28)))
    assert found == EventDate(day(6, 28), "day", "dateline")


def test_an_announced_visit_is_dated_ahead(coder):
    text = "Obama will visit Japan next week."
    found = event_date(predicate_of(coder, text, "visit"), article(text))
    assert found is not None and (found.date, found.precision) == (day(7, 1), "week")


def test_without_a_date_in_the_clause_the_dateline_then_publication_date_is_used():
    assert fallback_date(article("x", dateline=day(6, 28))) == EventDate(
        day(6, 28), "day", "dateline"
    )
    assert fallback_date(article("x")) == EventDate(SATURDAY, "day", "publication")
    assert fallback_date(article("x", published=None)) is None


def test_without_any_reference_day_a_relative_date_is_not_guessed(coder):
    text = "Protesters marched in Lima yesterday."
    assert event_date(predicate_of(coder, text, "marched"), article(text, published=None)) is None
