"""The shapes the REST API answers with, as they appear in its OpenAPI schema. An event is the
JSON contract of ``communique events --format jsonl`` (``store/export.py``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Words(BaseModel):
    text: str
    span: tuple[int, int] = Field(description="Character offsets into the article's text.")


class Actor(BaseModel):
    code: str = Field(examples=["CHNGOV"])
    country: str | None
    sector: str | None
    name: str | None
    role: str | None
    text: str | None
    span: tuple[int, int] | None
    phrase: Words | None


class Location(BaseModel):
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    region: str | None
    precision: str | None
    gazetteer_id: str | None


class Event(BaseModel):
    id: str
    article_id: str
    date: dt.date | None
    date_precision: str | None
    date_origin: str | None
    source: Actor | None
    target: Actor | None
    object: Words | None
    cameo: str = Field(examples=["040"])
    plover: str | None = Field(examples=["CONSULT"])
    quad_class: int = Field(ge=1, le=4)
    goldstein: float
    confidence: float
    trigger: str | None
    location: Location | None
    sentence: str
    span: tuple[int, int]
    themes: list[str]
    tone: float | None
    quote_id: str | None


class EventPage(BaseModel):
    total: int = Field(description="How many events match, on every page.")
    limit: int
    offset: int
    events: list[Event]


class Article(BaseModel):
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: dt.date | None


class Highlight(BaseModel):
    kind: str = Field(description="source, target, trigger, object, place or date")
    start: int = Field(description="Offset in the sentence.")
    end: int
    text: str


class ActorMention(BaseModel):
    code: str
    name: str | None
    text: str
    start: int = Field(description="Offset in the sentence.")
    end: int


class Mention(BaseModel):
    """One report of the event: the sentence that tells it, and its coded words."""

    article: Article
    sentence: str
    sentence_span: tuple[int, int]
    highlights: list[Highlight]
    actors: list[ActorMention]


class EventDetail(BaseModel):
    event: Event
    mentions: list[Mention]


class SeriesPoint(BaseModel):
    period: dt.date = Field(description="The first day of the period.")
    quad_class: int
    events: int
    goldstein: float = Field(description="Mean Goldstein value of the period's events.")


class Series(BaseModel):
    interval: str
    points: list[SeriesPoint]


class Dyad(BaseModel):
    a: str
    b: str
    events: int
    goldstein: float
    conflict: int = Field(description="Events of QuadClass 3 and 4.")


class ActorCount(BaseModel):
    code: str
    name: str | None
    events: int
    as_source: int
    as_target: int


class Node(BaseModel):
    id: str
    events: int


class Edge(BaseModel):
    source: str
    target: str
    events: int
    goldstein: float


class Network(BaseModel):
    level: str
    nodes: list[Node]
    edges: list[Edge]


class Place(BaseModel):
    name: str
    country: str | None
    lat: float
    lon: float
    events: int
    goldstein: float


class Speaker(BaseModel):
    code: str
    country: str | None
    sector: str | None
    name: str | None
    role: str | None
    text: str | None
    span: tuple[int, int] | None


class Quote(BaseModel):
    id: str
    article_id: str
    speaker: Speaker | None
    verb: str
    text: str
    span: tuple[int, int]
    direct: bool
    sentence: str
    sentence_span: tuple[int, int]
    event_ids: list[str]


class QuotePage(BaseModel):
    total: int
    limit: int
    offset: int
    quotes: list[Quote]


class Summary(BaseModel):
    events: int
    articles: int
    first_date: dt.date | None
    last_date: dt.date | None
    quad_classes: dict[int, str]


class Error(BaseModel):
    """Every error: one line saying what is wrong, and for bad parameters which ones."""

    error: str
    detail: list[dict[str, object]] = []
