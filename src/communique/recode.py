"""Re-coding: the stored articles through the current coder, without reading their sources.

The store keeps each article as it was read (text, title, dates, url, origin), so a change of
dictionaries, patterns or model can be applied to everything coded before: each article is
coded again with ``pipeline.code_batch``, and its mentions and events are replaced in one
transaction, so that a failure leaves it as it was.

What changed is counted by matching an article's old events with its new ones:

- an event is *kept* when one of the same article has the same sentence (the same span of
  text), the same source and target codes and the same CAMEO code. Its id may still change:
  ids number sentences, and a pattern change can make more or fewer sentences count;
- an event is *re-typed* when, of the old and new events left, one of each has the same
  sentence and the same source and target codes but a different CAMEO code (paired in
  reading order when there are several);
- every other old event is *removed*, every other new one *added*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from communique.actors.registry import PersonRegistry
from communique.pipeline import Coder, code_batch
from communique.records import Rejected, Span
from communique.store.duckdb import EventStore, StoredEvent
from communique.store.export import stored_view

# What makes two events the same: sentence, source and target (and then the CAMEO code).
_Dyad = tuple[Span, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Changes:
    """How one article's events changed from one coding to the next."""

    kept: int = 0
    retyped: int = 0
    removed: int = 0
    added: int = 0


@dataclass
class RecodeSummary:
    """What a re-coding run did, over all articles."""

    articles: int = 0  # stored articles
    recoded: int = 0
    events_before: int = 0  # of the articles re-coded
    events_after: int = 0
    kept: int = 0
    retyped: int = 0
    removed: int = 0
    added: int = 0
    old_versions: dict[str, int] = field(default_factory=dict)  # coder version → events
    new_version: str = ""
    skipped: list[Rejected] = field(default_factory=list)

    def count(self, changes: Changes, before: int, after: int) -> None:
        self.recoded += 1
        self.events_before += before
        self.events_after += after
        self.kept += changes.kept
        self.retyped += changes.retyped
        self.removed += changes.removed
        self.added += changes.added


Progress = Callable[[RecodeSummary], None]


def recode(
    store: EventStore,
    coder: Coder,
    on_progress: Progress | None = None,
    on_skip: Callable[[Rejected], None] | None = None,
) -> RecodeSummary:
    """Code every stored article again with ``coder`` and store the new coding in place of
    the old. Every article knows all the people the store knows, also those learned from
    articles coded after it, so that the result does not depend on the order of the first
    coding, and a second re-coding with the same coder changes nothing. An article the coder
    rejects (too long for its configuration) keeps its old coding and is reported."""
    summary = RecodeSummary(old_versions=store.coder_versions(), new_version=coder.version)
    registry = PersonRegistry([*coder.people.entries(), *store.people()])
    ids = store.article_ids()
    summary.articles = len(ids)
    size = coder.config.articles_per_batch
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        before = store.article_events(batch)
        articles = [stored.article() for stored in store.stored_articles(batch)]
        for result in code_batch(articles, coder, registry):
            if isinstance(result, Rejected):
                summary.skipped.append(result)
                if on_skip:
                    on_skip(result)
                continue
            store.replace(result)
            article = result.article
            registry.learn(result.sightings, article.reference_date, article.article.id)
            old = before.get(article.article.id, [])
            new = [stored_view(event) for event in result.events]
            summary.count(compare(old, new), len(old), len(new))
        if on_progress:
            on_progress(summary)
    return summary


def compare(old: Sequence[StoredEvent], new: Sequence[StoredEvent]) -> Changes:
    """Match one article's old events with its new ones (see the module's docstring)."""
    old_left = _by_dyad(old)
    new_left = _by_dyad(new)
    kept = retyped = 0
    for dyad, olds in old_left.items():
        news = new_left.get(dyad, [])
        for code in list(olds):
            if code in news:
                olds.remove(code)
                news.remove(code)
                kept += 1
        paired = min(len(olds), len(news))
        retyped += paired
        del olds[:paired]
        del news[:paired]
    removed = sum(len(codes) for codes in old_left.values())
    added = sum(len(codes) for codes in new_left.values())
    return Changes(kept=kept, retyped=retyped, removed=removed, added=added)


def _by_dyad(events: Sequence[StoredEvent]) -> dict[_Dyad, list[str]]:
    """The CAMEO codes of the events, by sentence and actors, in reading order."""
    result: defaultdict[_Dyad, list[str]] = defaultdict(list)
    for event in events:
        source = event.source.code if event.source else None
        target = event.target.code if event.target else None
        result[(event.span, source, target)].append(event.cameo)
    return result
