"""The path of an article, in one place:

    read → clean → annotate → actors → events → time & place → store

``code_batch`` is the unit of work: a batch of articles in, coded articles out, touching no
store. ``run`` feeds it from the readers and writes each coded article to the store, holding
the store's file only while it checks and writes a batch, so that other processes can read
the store during a run; a distributed run ships the same function to its workers.

People learned across articles (the actor registry) reach ``code_batch`` as a
``PersonDirectory`` held in memory: ``run`` loads it from the store once, at its start, and
codes every batch against that same registry. What an article teaches is stored with it and
known from the next run on; a run killed part-way and started again codes with the registry
its first start found (``EventStore.begin_run``), as if it had never stopped. So the batches
of a run can be coded in any order, by any number of workers, with the same result
(``distributed.py``). The batches themselves must stay the
same: spaCy's parse of a text can change with the texts batched with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TextIO

from spacy.language import Language
from spacy.tokens import Doc, Token

from communique.actors.gazetteer import Gazetteer, default_gazetteer
from communique.actors.registry import PersonDirectory, PersonRegistry, builtin_people
from communique.actors.resolve import ArticleActors
from communique.actors.sectors import SectorVocabulary, default_sectors
from communique.annotate import AnnotateConfig, annotate, load_pipeline
from communique.clean import clean
from communique.coding.coder import Coding, SentenceCoder
from communique.coding.ontology import Ontology, default_ontology
from communique.coding.patterns import Patterns, default_patterns
from communique.coding.places import sides_from_place
from communique.limits import (
    MAX_ARTICLE_CHARS,
    MAX_BATCH_CHARS,
    MAX_PIECE_CHARS,
    MAX_SENTENCE_CHARS,
    ReadLimits,
    parse_pieces,
    within_chars,
)
from communique.quotes import QuoteFinder, SpeechVerbs, quote_of
from communique.readers import STDIN, read_inputs
from communique.readers.decode import LONE_SURROGATE
from communique.records import (
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    Mention,
    Passage,
    Place,
    Quote,
    Rejected,
    Sentence,
)
from communique.store.duckdb import EventStore
from communique.themes import ThemeTaxonomy, default_themes
from communique.tone import ToneScorer, default_tone
from communique.when import event_date
from communique.where import PlaceGazetteer, default_places, event_place


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """How a run codes: the model and batching, and the limits of what it takes in (see
    ``limits.py``; README, "Limits")."""

    annotate: AnnotateConfig = field(default_factory=AnnotateConfig)
    articles_per_batch: int = 20
    max_article_chars: int = MAX_ARTICLE_CHARS  # a longer article is skipped
    max_sentence_chars: int = MAX_SENTENCE_CHARS  # a longer sentence is not coded, with a note
    max_batch_chars: int = MAX_BATCH_CHARS  # of text parsed at once, and coded at once
    max_piece_chars: int = MAX_PIECE_CHARS  # of text given to the parser at once
    read: ReadLimits = field(default_factory=ReadLimits)


@dataclass(frozen=True)
class Coder:
    """Everything coding needs, loaded once per process."""

    nlp: Language
    gazetteer: Gazetteer
    sectors: SectorVocabulary
    patterns: Patterns
    ontology: Ontology
    places: PlaceGazetteer
    config: PipelineConfig
    people: PersonRegistry  # the leaders that ship with the package (data/leaders.yml)
    themes: ThemeTaxonomy = field(default_factory=default_themes)
    tone: ToneScorer = field(default_factory=default_tone)

    @classmethod
    def load(cls, config: PipelineConfig | None = None) -> Coder:
        config = config or PipelineConfig()
        gazetteer, sectors = default_gazetteer(), default_sectors()
        return cls(
            nlp=load_pipeline(config.annotate),
            gazetteer=gazetteer,
            sectors=sectors,
            patterns=default_patterns(),
            ontology=default_ontology(),
            places=default_places(),
            config=config,
            people=builtin_people(gazetteer.countries, sectors.sectors),
            themes=default_themes(),
            tone=default_tone(),
        )

    @cached_property
    def speech(self) -> SpeechVerbs:
        """The verbs of saying, for quotes."""
        return SpeechVerbs.of(self.patterns)

    @property
    def version(self) -> str:
        """The versions of the model and of every dictionary, recorded with each event."""
        model = f"{self.nlp.meta.get('name', '?')}-{self.nlp.meta.get('version', '?')}"
        parts = (model, self.gazetteer.version, self.sectors.version, self.patterns.version)
        leaders = f"leaders-{len(self.people.entries())}"
        context = (self.places.version, self.themes.version, self.tone.version)
        return "+".join((*parts, leaders, self.ontology.version, *context))


# -- one batch ---------------------------------------------------------------------------


def code_batch(
    articles: Sequence[Article], coder: Coder, directory: PersonDirectory | None = None
) -> list[CodedArticle | Rejected]:
    """Code a batch of articles. Each comes back coded, or rejected with its reason.
    ``directory`` names the people known from other articles; without one, the leaders
    that ship with the package. The articles are coded in runs of at most
    ``max_batch_chars`` characters, whose parses are held at once: memory stays bounded
    whatever the batch."""
    results: list[CodedArticle | Rejected] = []
    for run_of_articles in within_chars(articles, coder.config.max_batch_chars):
        results.extend(_code_articles(run_of_articles, coder, directory))
    return results


def _code_articles(
    articles: Sequence[Article], coder: Coder, directory: PersonDirectory | None
) -> list[CodedArticle | Rejected]:
    results: list[CodedArticle | Rejected | None] = [None] * len(articles)
    cleaned: list[tuple[int, CleanArticle]] = []
    for index, article in enumerate(articles):
        # 1. clean: drop captions, credits and editor lines; read the dateline.
        if len(article.text) > coder.config.max_article_chars:
            limit = coder.config.max_article_chars
            results[index] = Rejected(article.origin, f"article longer than {limit} characters")
            continue
        if field_name := _not_unicode(article):
            # No reader gives one; a library caller may, and neither spaCy nor the store
            # takes it.
            results[index] = Rejected(article.origin, f"{field_name} holds a lone surrogate")
            continue
        cleaned.append((index, clean(article)))
    # 2. annotate: the kept passages of the batch through spaCy at once, skipping those
    #    without a single trigger word or verb of saying: they can hold no event and no
    #    quote, and parsing is the cost. Those are only tokenised, to learn the titled
    #    people they introduce. A run of text longer than a sentence may be is not parsed,
    #    and a long passage is parsed in pieces (limits.py).
    docs: dict[int, list[tuple[Passage, Doc]]] = {i: [] for i, _ in cleaned}
    notes: dict[int, list[str]] = {i: [] for i, _ in cleaned}
    to_parse: list[tuple[str, tuple[int, Passage]]] = []
    config = coder.config
    for i, clean_article in cleaned:
        for whole in clean_article.passages:
            pieces = parse_pieces(whole.text, config.max_sentence_chars, config.max_piece_chars)
            notes[i].extend(
                _too_long(whole.start + start, whole.start + end, config.max_sentence_chars)
                for start, end in pieces.too_long
            )
            for start, end in pieces.parse:
                passage = Passage(whole.text[start:end], whole.start + start)
                text = passage.text
                if coder.patterns.may_hold_event(text) or coder.speech.may_hold_quote(text):
                    to_parse.append((text, (i, passage)))
                else:
                    docs[i].append((passage, coder.nlp.make_doc(passage.text)))
    for doc, (i, passage) in annotate(coder.nlp, to_parse, config.annotate, config.max_batch_chars):
        docs[i].append((passage, doc))
    for pairs in docs.values():
        pairs.sort(key=lambda pair: pair[0].start)
    # 3-6. actors, quotes, events, their context, one article at a time, in reading order.
    for index, clean_article in cleaned:
        results[index] = _code_article(
            clean_article, docs[index], coder, directory or coder.people, notes[index]
        )
    return [r for r in results if r is not None]


def _not_unicode(article: Article) -> str | None:
    """The first text field of the article that holds a lone surrogate, if any."""
    for name in ("text", "title", "id", "url", "source"):
        value = getattr(article, name)
        if value and not value.isascii() and LONE_SURROGATE.search(value):
            return name
    return None


def _too_long(start: int, end: int, limit: int) -> str:
    return f"sentence at characters {start}-{end} longer than {limit} characters: not coded"


def _code_article(
    article: CleanArticle,
    docs: list[tuple[Passage, Doc]],
    coder: Coder,
    directory: PersonDirectory | None,
    notes: list[str],
) -> CodedArticle:
    # People are resolved as of the article's date: roles change.
    actors = ArticleActors(coder.gazetteer, coder.sectors, directory, article.reference_date)
    sentence_coder = SentenceCoder(coder.patterns)
    quote_finder = QuoteFinder(coder.speech, actors, article.article.id)
    sentences: list[Sentence] = []
    quotes: list[Quote] = []
    mentions: list[Mention] = []
    events: dict[tuple[str | None, str | None, str, str | None], Event] = {}
    for passage, doc in docs:
        if not doc.has_annotation("DEP"):
            actors.learn_titled_people([token.text for token in doc], passage.text)
            continue
        for span in doc.sents:
            start = passage.start + span.start_char
            if len(span.text) > coder.config.max_sentence_chars:
                # Coding a sentence costs more than linear time in its length.
                notes.append(
                    _too_long(start, start + len(span.text), coder.config.max_sentence_chars)
                )
                continue
            sentence = Sentence(len(sentences), span.text, (start, start + len(span.text)))
            sentences.append(sentence)
            # 3. actors: remember who the sentence names, for later short forms.
            named = actors.scan(span, passage.start)
            mentions.extend(named)
            # 4. quotes: who said what, the speaker resolved like any actor.
            said = quote_finder.find(span, sentence, passage.start, named)
            quotes.extend(said)
            # 5. events, each with 6. its date, place, quote, themes and tone.
            for coding in sentence_coder.code(span, actors):
                event = _event(coding, article, sentence, passage, actors, coder, said)
                # One article telling the same thing twice is one event.
                key = (
                    event.source.actor.code if event.source else None,
                    event.target.actor.code if event.target else None,
                    event.cameo,
                    event.date.date.isoformat() if event.date else None,
                )
                events.setdefault(key, event)
    # 6. the article's own themes and tone, over all its kept text but the runs too long to
    #    be sentences (VADER, too, takes more than linear time), a long passage as its pieces.
    texts = [passage.text for passage, _ in docs]
    return CodedArticle(
        article,
        tuple(sentences),
        tuple(mentions),
        tuple(events.values()),
        notes=tuple(notes),
        sightings=actors.sightings,
        quotes=tuple(quotes),
        themes=coder.themes.ranked(texts),
        tone=coder.tone.mean(texts),
    )


def _event(
    coding: Coding,
    article: CleanArticle,
    sentence: Sentence,
    passage: Passage,
    actors: ArticleActors,
    coder: Coder,
    said: Sequence[Quote] = (),
) -> Event:
    cameo = coder.ontology[coding.code]
    dateline_place = article.dateline.place if article.dateline else None
    countries = [
        m.actor.country for m in (coding.source, coding.target) if m and m.actor.country
    ] + actors.states_in_play()
    trigger_start = passage.start + coding.trigger_span[0]
    trigger_end = passage.start + coding.trigger_span[1]
    quote = quote_of((trigger_start, trigger_end), said)
    place = event_place(coding.predicate, dateline_place, countries, coder.places, passage.start)

    def place_of(act: Token) -> Place | None:  # "threatened to impose a curfew in Algiers"
        return event_place(act, None, countries, coder.places, passage.start)

    coding = sides_from_place(coding, place, place_of, article.article.text, coder.patterns)
    return Event(
        id=_event_id(article.article.id, sentence.index, coding),
        article_id=article.article.id,
        sentence=sentence,
        source=coding.source,
        target=coding.target,
        cameo=cameo.code,
        plover=cameo.plover,
        quad_class=cameo.quad_class,
        goldstein=cameo.goldstein,
        confidence=round(coding.confidence, 2),
        trigger=coding.trigger,
        trigger_span=(trigger_start, trigger_end),
        object_phrase=coding.object_phrase,
        date=event_date(coding.predicate, article, passage.start),
        location=place,
        coder_version=coder.version,
        quote_id=quote.id if quote else None,
        themes=coder.themes.of(sentence.text),
        tone=coder.tone.score(sentence.text),
    )


def _event_id(article_id: str, sentence_index: int, coding: Coding) -> str:
    source = coding.source.actor.code if coding.source else ""
    target = coding.target.actor.code if coding.target else ""
    key = f"{article_id}|{sentence_index}|{coding.code}|{source}|{target}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# -- a whole run -------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What a run did: articles read, coded, already stored, skipped (with reasons)."""

    read: int = 0
    coded: int = 0
    already_stored: int = 0
    events: int = 0
    skipped: list[Rejected] = field(default_factory=list)


Progress = Callable[[RunSummary], None]


def run(
    inputs: Iterable[str],
    store: EventStore,
    coder: Coder,
    on_progress: Progress | None = None,
    on_skip: Callable[[Rejected], None] | None = None,
    stdin: TextIO | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RunSummary:
    """Read, code and store everything in ``inputs``; bad inputs are skipped, not fatal.
    ``on_note`` hears "origin: note" for what was left out of a coded article."""
    summary = RunSummary()
    inputs = list(inputs)
    key = run_key(inputs, coder.config)
    registry = PersonRegistry([*coder.people.entries(), *store.begin_run(key)])
    articles = read_inputs(inputs, stdin=stdin, limits=coder.config.read)
    # Reading and coding take the time and need no store: the file is held once a batch,
    # to write the last batch and check this one, so that `communique events` and `serve`
    # can read it meanwhile (store/duckdb.py, "Readers during writes").
    coded: list[CodedArticle | Rejected] = []
    with store.shared():
        for batch in batches(articles, coder.config.articles_per_batch):
            with store.held():
                _store_coded(coded, store, summary, on_skip, on_note)
                fresh = _fresh_articles(batch, store, summary, on_skip)
            if on_progress and coded:
                on_progress(summary)
            coded = code_batch(fresh, coder, registry)
        with store.held():
            _store_coded(coded, store, summary, on_skip, on_note)
    store.finish_run(key)
    if on_progress:
        on_progress(summary)
    return summary


def run_key(inputs: Sequence[str], config: PipelineConfig) -> str:
    """What makes two starts of a run the same run: its inputs, resolved, and its settings."""
    names = [name if name == STDIN else str(Path(name).resolve()) for name in inputs]
    return json.dumps({"inputs": names, "config": repr(config)})


def _fresh_articles(
    batch: list[Article | Rejected],
    store: EventStore,
    summary: RunSummary,
    on_skip: Callable[[Rejected], None] | None,
) -> list[Article]:
    """The batch's articles to code: neither rejected by their reader nor stored before."""
    fresh: list[Article] = []
    fresh_ids: set[str] = set()
    for item in batch:
        if isinstance(item, Rejected):
            _skip(item, summary, on_skip)
            continue
        summary.read += 1
        if item.id in fresh_ids or store.has_article(item.id):
            summary.already_stored += 1
        else:
            fresh.append(item)
            fresh_ids.add(item.id)
    return fresh


def _skip(item: Rejected, summary: RunSummary, on_skip: Callable[[Rejected], None] | None) -> None:
    summary.skipped.append(item)
    if on_skip:
        on_skip(item)


def _store_coded(
    coded: list[CodedArticle | Rejected],
    store: EventStore,
    summary: RunSummary,
    on_skip: Callable[[Rejected], None] | None,
    on_note: Callable[[str], None] | None,
) -> None:
    for result in coded:
        if isinstance(result, Rejected):
            _skip(result, summary, on_skip)
            continue
        if not store.add(result):  # another run stored it since the check
            summary.already_stored += 1
            continue
        if on_note:
            for note in result.notes:
                on_note(f"{result.article.article.origin}: {note}")
        summary.coded += 1
        summary.events += len(result.events)


def batches(items: Iterator[Article | Rejected], size: int) -> Iterator[list[Article | Rejected]]:
    """The items in lists of ``size``, in input order: the batches of a run."""
    batch: list[Article | Rejected] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
