"""The typed records that flow along the path of an article.

Every offset is a character offset into ``Article.text``, the text as it was read, so that an
event can always be traced back to the exact words that say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from its file, before any cleaning."""

    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    source: str | None = None
    origin: str = ""  # where it was read: "path", "path:line" or "path@offset" (WARC)
    captured: dt.datetime | None = None  # when a crawler fetched it (WARC-Date), UTC


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not become an article, with the reason why."""

    origin: str  # "path" or "path:line"
    reason: str

    def message(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening ``BEIJING, June 28 (Xinhua) --`` of a wire story."""

    place: str | None  # as a name, e.g. "Beijing"
    date: dt.date | None  # the year comes from the publication date
    agency: str | None  # e.g. "Xinhua"
    span: Span


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of body text kept by cleaning; ``text == article.text[start:start+len(text)]``."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A piece of the original text that cleaning removed, and why."""

    span: Span
    reason: str  # "caption", "credit", "editor line", "header fragment", "dateline", ...


@dataclass(frozen=True, slots=True)
class CleanArticle:
    """An article with its boilerplate removed and its dateline parsed."""

    article: Article
    passages: tuple[Passage, ...]
    dateline: Dateline | None = None
    dropped: tuple[Dropped, ...] = ()

    @property
    def reference_date(self) -> dt.date | None:
        """The date relative expressions are resolved against: dateline, else publication."""
        if self.dateline is not None and self.dateline.date is not None:
            return self.dateline.date
        return self.article.published


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of kept text, numbered in reading order within its article."""

    index: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts or is acted upon, with a CAMEO-style code (country + sector)."""

    code: str  # "CHNGOV", "IGOUNO", "---REB"
    country: str | None  # ISO 3166 alpha-3
    sector: str | None  # "GOV", "MIL", ...
    kind: str  # "state", "person", "organisation", "igo", "group"; "unknown": a name no
    # dictionary knows ("The Earth Liberation Front claimed ..."), its code "---"
    name: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor as mentioned in a sentence: the words that name it."""

    actor: Actor
    text: str
    span: Span
    # The whole argument the actor was found in, when it is wider than the name:
    # "the Croatian government's request" for the actor named by "Croatian government".
    phrase: Span | None = None

    @property
    def phrase_span(self) -> Span:
        """The argument's span if known, else the name's."""
        return self.phrase or self.span


@dataclass(frozen=True, slots=True)
class Place:
    """A place resolved in the gazetteer."""

    name: str
    country: str | None
    lat: float | None
    lon: float | None
    gazetteer_id: str | None = None
    region: str | None = None  # first-level region (GeoNames admin1): "Beijing", "Ohio"
    precision: str | None = None  # "city", "region" or "country" (a country's centroid)
    # Where the event's place was read: "sentence" or "dateline"; and the words, if any.
    origin: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened, and where in the article that was read from."""

    date: dt.date
    precision: str  # "day", "week", "month", "year"
    origin: str  # "sentence", "dateline", "publication"
    span: Span | None = None  # the words it was read from, when from the sentence


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: who did what to whom, when, where, and the sentence that says so."""

    id: str
    article_id: str
    sentence: Sentence
    source: Mention | None
    target: Mention | None
    cameo: str
    plover: str | None
    quad_class: int
    goldstein: float
    confidence: float
    trigger: str = ""  # the words that carry the event, e.g. "met with"
    trigger_span: Span | None = None
    object_phrase: Span | None = None  # what was acted upon, when it is not an actor
    date: EventDate | None = None
    location: Place | None = None
    coder_version: str = ""
    quote_id: str | None = None  # the quote the event was told in, if any
    themes: tuple[str, ...] = ()  # of its sentence, from data/themes.yml
    tone: float | None = None  # of its sentence, -1 (negative) to +1 (positive)


@dataclass(frozen=True, slots=True)
class Quote:
    """What someone said: direct ("'...,' Li said") or reported ("Li said China is ...")."""

    id: str
    article_id: str
    sentence: Sentence
    speaker: Mention | None  # resolved like any actor; None when nobody is named
    verb: str  # "said", "noted"
    verb_span: Span
    text: str  # the words said, without quotation marks
    span: Span
    direct: bool  # inside quotation marks


@dataclass(frozen=True, slots=True)
class Sighting:
    """A person seen with a title in an article: what the actor registry learns from."""

    actor: Actor  # kind "person", with name, role, country and sector
    aliases: tuple[str, ...]  # the name and the words it may later be shortened to
    evidence: str  # the sentence (or passage) that gave the title


@dataclass(frozen=True, slots=True)
class CodedArticle:
    """The result of coding one article: the article, its sentences, actors and events."""

    article: CleanArticle
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    notes: tuple[str, ...] = field(default=())
    sightings: tuple[Sighting, ...] = field(default=())
    quotes: tuple[Quote, ...] = field(default=())
    themes: tuple[str, ...] = field(default=())  # most mentioned first
    tone: float | None = None  # mean of its passages' tone, -1 to +1
