"""Stored events in the shapes users read: the JSON contract, CSV rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from communique.cluster import Cluster, Party, Spot
from communique.records import Event, Mention
from communique.store.duckdb import ActorView, StoredEvent, StoredQuote
from communique.store.merging import Explanation, Member

CSV_COLUMNS = (
    "id",
    "article_id",
    "date",
    "source_code",
    "source_name",
    "target_code",
    "target_name",
    "cameo",
    "plover",
    "quad_class",
    "goldstein",
    "confidence",
    "location_name",
    "location_country",
    "lat",
    "lon",
    "sentence",
    "span_start",
    "span_end",
    "date_precision",
    "date_origin",
    "location_region",
    "location_precision",
    "location_id",
    "themes",
    "tone",
    "quote_id",
)


def _words(event: StoredEvent, span: tuple[int, int] | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"text": event.text_at(span), "span": list(span)}


def _actor(actor: ActorView | None, event: StoredEvent) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "code": actor.code,
        "country": actor.country,
        "sector": actor.sector,
        "name": actor.name,
        "role": actor.role,
        "text": actor.text,
        "span": list(actor.span) if actor.span else None,
        "phrase": _words(event, actor.phrase),
    }


def event_record(event: StoredEvent) -> dict[str, Any]:
    """The event as the JSON contract of DESIGN.md (plus a few extra keys)."""
    location = None
    if event.location_name is not None:
        location = {
            "name": event.location_name,
            "country": event.location_country,
            "lat": event.lat,
            "lon": event.lon,
            "region": event.location_region,
            "precision": event.location_precision,
            "gazetteer_id": event.location_id,
        }
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision,
        "date_origin": event.date_origin,
        "source": _actor(event.source, event),
        "target": _actor(event.target, event),
        "object": _words(event, event.object_span),
        "cameo": event.cameo,
        "plover": event.plover,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "confidence": event.confidence,
        "trigger": event.trigger,
        "location": location,
        "sentence": event.sentence,
        "span": list(event.span),
        "themes": list(event.themes),
        "tone": event.tone,
        "quote_id": event.quote_id,
    }


def quote_record(quote: StoredQuote) -> dict[str, Any]:
    """A quote as JSON: who said it, the words said, and the events told in it."""
    speaker = quote.speaker
    return {
        "id": quote.id,
        "article_id": quote.article_id,
        "speaker": None
        if speaker is None
        else {
            "code": speaker.code,
            "country": speaker.country,
            "sector": speaker.sector,
            "name": speaker.name,
            "role": speaker.role,
            "text": speaker.text,
            "span": list(speaker.span) if speaker.span else None,
        },
        "verb": quote.verb,
        "text": quote.text,
        "span": list(quote.span),
        "direct": quote.direct,
        "sentence": quote.sentence,
        "sentence_span": list(quote.sentence_span),
        "event_ids": list(quote.event_ids),
    }


def coded_event_record(event: Event) -> dict[str, Any]:
    """A freshly coded event as the same JSON contract, without a round trip through the store."""
    return event_record(stored_view(event))


def stored_view(event: Event) -> StoredEvent:
    """The event as the store would give it back, so that one function writes the contract."""
    date, place = event.date, event.location
    return StoredEvent(
        id=event.id,
        article_id=event.article_id,
        date=date.date if date else None,
        date_precision=date.precision if date else None,
        source=_actor_view(event.source),
        target=_actor_view(event.target),
        cameo=event.cameo,
        plover=event.plover,
        quad_class=event.quad_class,
        goldstein=event.goldstein,
        confidence=event.confidence,
        trigger=event.trigger,
        location_name=place.name if place else None,
        location_country=place.country if place else None,
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        sentence_index=event.sentence.index,
        sentence=event.sentence.text,
        span=event.sentence.span,
        object_span=event.object_phrase,
        date_origin=date.origin if date else None,
        location_id=place.gazetteer_id if place else None,
        location_region=place.region if place else None,
        location_precision=place.precision if place else None,
        quote_id=event.quote_id,
        themes=event.themes,
        tone=event.tone,
    )


def _actor_view(mention: Mention | None) -> ActorView | None:
    if mention is None:
        return None
    actor = mention.actor
    return ActorView(
        code=actor.code,
        country=actor.country,
        sector=actor.sector,
        kind=actor.kind,
        name=actor.name,
        role=actor.role,
        text=mention.text,
        span=mention.span,
        phrase=mention.phrase,
    )


def csv_row(event: StoredEvent) -> list[Any]:
    source, target = event.source, event.target
    return [
        event.id,
        event.article_id,
        event.date.isoformat() if event.date else "",
        source.code if source else "",
        (source.name or "") if source else "",
        target.code if target else "",
        (target.name or "") if target else "",
        event.cameo,
        event.plover or "",
        event.quad_class,
        event.goldstein,
        event.confidence,
        event.location_name or "",
        event.location_country or "",
        "" if event.lat is None else event.lat,
        "" if event.lon is None else event.lon,
        event.sentence,
        event.span[0],
        event.span[1],
        event.date_precision or "",
        event.date_origin or "",
        event.location_region or "",
        event.location_precision or "",
        event.location_id or "",
        ";".join(event.themes),
        "" if event.tone is None else event.tone,
        event.quote_id or "",
    ]


# -- merged events -------------------------------------------------------------------------

MERGED_CSV_COLUMNS = (
    "id",
    "date_first",
    "date_last",
    "source_code",
    "source_name",
    "target_code",
    "target_name",
    "cameo",
    "plover",
    "quad_class",
    "goldstein",
    "location_name",
    "location_country",
    "mentions",
    "articles",
    "sources",
    "independent_sources",
    "confidence",
    "first_seen",
    "last_seen",
)


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _party(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return {"code": party.code, "country": party.country, "kind": party.kind, "name": party.name}


def _spot(spot: Spot | None) -> dict[str, Any] | None:
    if spot is None:
        return None
    return {
        "name": spot.name,
        "country": spot.country,
        "precision": spot.precision,
        "origin": spot.origin,
    }


def cluster_record(cluster: Cluster) -> dict[str, Any]:
    """A merged event as JSON: what its reports say together, and how much they say it."""
    counts = cluster.counts
    return {
        "id": cluster.id,
        "date": _day(cluster.date_first),
        "date_last": _day(cluster.date_last),
        "source": _party(cluster.source),
        "target": _party(cluster.target),
        "cameo": cluster.cameo,
        "plover": cluster.plover,
        "quad_class": cluster.quad_class,
        "goldstein": cluster.goldstein,
        "location": _spot(cluster.place),
        "mentions": counts.mentions,
        "articles": counts.articles,
        "sources": counts.sources,
        "independent_sources": counts.independent,
        "confidence": counts.confidence,
        "first_seen": _day(counts.first_seen),
        "last_seen": _day(counts.last_seen),
    }


def member_record(member: Member) -> dict[str, Any]:
    """One mention of a merged event: the coded event, where it was said, and why it was
    merged."""
    mention, copy = member.mention, member.copy
    return {
        "event_id": mention.event_id,
        "article_id": mention.article_id,
        "outlet": mention.outlet,
        "witness": mention.witness,
        "published": _day(mention.seen),
        "sentence_index": mention.sentence_index,
        "sentence": mention.sentence,
        "span": list(mention.span),
        "date": _day(mention.date),
        "source": _party(mention.source),
        "target": _party(mention.target),
        "cameo": mention.cameo,
        "location": _spot(mention.place),
        "confidence": mention.confidence,
        "copy": None
        if copy is None
        else {
            "group": copy.group_id,
            "copy_of": copy.copy_of,
            "exact": copy.exact,
            "similarity": copy.similarity,
            "original": copy.original,
        },
        "reasons": list(member.reasons),
    }


def explanation_record(explanation: Explanation) -> dict[str, Any]:
    """A merged event with all its mentions, in the order they joined it."""
    return {
        **cluster_record(explanation.cluster),
        "asked": explanation.asked,
        "members": [member_record(m) for m in explanation.members],
    }


def merged_csv_row(cluster: Cluster) -> list[Any]:
    source, target, place, counts = cluster.source, cluster.target, cluster.place, cluster.counts
    return [
        cluster.id,
        _day(cluster.date_first) or "",
        _day(cluster.date_last) or "",
        source.code if source else "",
        (source.name or "") if source else "",
        target.code if target else "",
        (target.name or "") if target else "",
        cluster.cameo,
        cluster.plover or "",
        cluster.quad_class,
        cluster.goldstein,
        place.name if place else "",
        (place.country or "") if place else "",
        counts.mentions,
        counts.articles,
        counts.sources,
        counts.independent,
        counts.confidence,
        _day(counts.first_seen) or "",
        _day(counts.last_seen) or "",
    ]
