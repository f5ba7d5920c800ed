"""Scoring the coder against gold files, and the floors its figures must not fall below.

Four shapes of gold (``../shared/gold/README.md``; the copies in ``tests/gold`` run the gate):

``plover-gsr`` (JSON Lines, one sentence a line, ONE labelled event each)
    * type found: any event coded in the sentence has the gold PLOVER type;
    * type + dyad: one such event has its source country among the gold source countries and
      its target country among the gold target countries. A gold side left empty (no target
      in 18 sentences, no source in one) accepts any actor or none. A gold ``IGO`` (``NGO``)
      accepts any ``IGO…`` (``NGO…``) code;
    * sector agreement: over the type + dyad hits, the share of gold sides with a sector
      (not ``null`` or ``***``, not an IGO or NGO) whose coded sector is the gold one's first three
      letters (``CVLalb`` → ``CVL``);
    * events per sentence: every coded event over the sentences, so that recall is never
      bought with noise (the other events of a sentence are not labelled, so no precision).
``pentaclass`` (JSON Lines, ``pentaclass`` 0..4)
    A sentence's class is that of its most confident event (the first in reading order on a
    tie), from its CAMEO root: 01-02 → 0, 03-05 → 1, 06-08 → 2, 09-13 → 3, 14-20 → 4; a
    sentence without an event is class 0. Macro-F1 is the unweighted mean of the five F1s.
``spans`` (CoNLL, a token and its BIO tag a line: S source, T target, R reciprocal)
    The tokens joined by single spaces are the sentence coded. A gold span is the token range
    of a B-/I- run (an I- that does not continue a run of its label starts one); an R span
    counts as both a source and a target span. A predicted source (target) span is the token
    range that an event's source (target) mention covers: every token its characters overlap;
    the same range given by two events counts once. Exact: same first and last token.
    Lenient: a predicted span is right if it overlaps a gold span of its role, and a gold span
    is found if a predicted span of its role overlaps it. ``spans.f1`` pools sources and
    targets (micro-average).
``seed`` (one JSON document)
    Required, optional and forbidden events of one article, judged as its ``about`` field says.

Every sentence is coded as an article of its own (``origin`` ``FILE:LINE``) through
``code_batch``, with one loaded ``Coder``.

When a labelled event is missed, the step that lost it is named: no event, and no trigger word
in the sentence or actors resolved but no pattern → "no trigger"; no event, a trigger word but
no actor resolved → "no actor found"; events, none of the gold type → "wrong code"; the type
with source and target swapped → "wrong direction"; the type with other countries → "wrong
actor"; for spans, a coded span of the right role overlapping the gold one with other bounds →
"span bounds", the gold span coded in the other role → "wrong direction".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.errors import DataFileError, InputError
from communique.records import Article, CodedArticle, Event, Mention

if TYPE_CHECKING:
    from communique.pipeline import Coder

_EARTH_KM = 6371.0
_REPOSITORY = Path(__file__).resolve().parents[2]
VENDORED_GOLD = _REPOSITORY / "tests" / "gold"
FLOORS = _REPOSITORY / "quality" / "floors.toml"

# Gold sentences per call of ``code_batch``: large enough that spaCy batches well.
SENTENCES_PER_BATCH = 256

NO_ACTOR = "no actor found"
NO_TRIGGER = "no trigger"
WRONG_CODE = "wrong code"
WRONG_DIRECTION = "wrong direction"
WRONG_ACTOR = "wrong actor"
SPAN_BOUNDS = "span bounds"
# The steps in the order of the pipeline: a miss lost earlier is a worse miss.
STEPS = (NO_ACTOR, NO_TRIGGER, WRONG_CODE, WRONG_DIRECTION, WRONG_ACTOR, SPAN_BOUNDS)

PENTACLASSES = (
    "statement or appeal",
    "verbal cooperation",
    "material cooperation",
    "verbal conflict",
    "material conflict",
)
# The first CAMEO root of each pentaclass after class 0 (01-02).
_PENTACLASS_FROM_ROOT = (3, 6, 9, 14)
_BIO_TAG = re.compile(r"^(O|[BI]-[STR])$")
_NO_SECTOR = (None, "", "***")
# Gold "countries" that are kinds of organisation; their gold sector is not a CAMEO sector.
_ORGANISATIONS = ("IGO", "NGO")


class Shape(StrEnum):
    """The shapes of gold file that ``eval`` understands."""

    plover = "plover-gsr"
    pentaclass = "pentaclass"
    spans = "spans"
    seed = "seed"


# -- what the coder made of one gold sentence --------------------------------------------


@dataclass(frozen=True, slots=True)
class Coded:
    """The events and actor mentions coded from one gold sentence (or why it was rejected)."""

    events: tuple[Event, ...] = ()
    mentions: tuple[Mention, ...] = ()
    rejected: str | None = None
    # Whether the sentence holds a trigger word at all. The coder resolves actors only in
    # sentences that do, so without one an empty ``mentions`` does not mean "no actor".
    trigger_word: bool = True

    def lost_without_event(self) -> str:
        """Why a sentence gave no event: no trigger word, or no actor it could resolve."""
        return NO_ACTOR if self.trigger_word and not self.mentions else NO_TRIGGER


def code_sentences(articles: Sequence[Article], coder: Coder) -> list[Coded]:
    """Code gold sentences in batches with one coder; one ``Coded`` per article, in order."""
    from communique.pipeline import code_batch

    coded: list[Coded] = []
    for start in range(0, len(articles), SENTENCES_PER_BATCH):
        batch = articles[start : start + SENTENCES_PER_BATCH]
        for article, result in zip(batch, code_batch(batch, coder), strict=True):
            trigger_word = coder.patterns.may_hold_event(article.text)
            if isinstance(result, CodedArticle):
                coded.append(Coded(result.events, result.mentions, None, trigger_word))
            else:
                coded.append(Coded(rejected=result.reason, trigger_word=trigger_word))
    return coded


@dataclass(frozen=True, slots=True)
class Miss:
    """A gold item the coder got wrong, and the step that lost it."""

    item: str  # FILE:LINE
    text: str
    gold: str
    coded: str
    step: str


def _worst_first(misses: Iterable[Miss]) -> list[Miss]:
    return sorted(misses, key=lambda miss: STEPS.index(miss.step))


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _side(mention: Mention | None) -> str:
    return mention.actor.code if mention else "-"


def _describe(events: Sequence[Event]) -> str:
    if not events:
        return "no event"
    return "; ".join(
        f"{_side(e.source)} {e.cameo} {e.plover or '-'} {_side(e.target)}" for e in events
    )


def _jsonable(report: Any, misses: int) -> dict[str, Any]:
    data: dict[str, Any] = dataclasses.asdict(report)
    data["misses"] = [dataclasses.asdict(miss) for miss in report.misses[:misses]]
    return {"shape": str(report.shape), "figures": report.figures(), **data}


# -- PLOVER gold standard records --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldActor:
    """One actor of a labelled event: a country (ISO3 or ``IGO``) and a sector, both optional."""

    text: str
    country: str | None
    sector: str | None

    def matches(self, mention: Mention | None) -> bool:
        if mention is None or self.country is None:
            return False
        # "IGO" and "NGO" are code prefixes, not countries: "IGO" accepts "IGOUNO".
        return mention.actor.country == self.country or mention.actor.code.startswith(self.country)

    def sector_agrees(self, mention: Mention | None) -> bool | None:
        """Whether the coded sector is the gold one; None when gold names no sector."""
        if self.sector in _NO_SECTOR or self.country in _ORGANISATIONS or self.sector is None:
            return None
        return mention is not None and mention.actor.sector == self.sector[:3]

    def label(self) -> str:
        return f"{self.country or '---'}{self.sector or ''}"


@dataclass(frozen=True, slots=True)
class PloverItem:
    """A sentence and its one labelled event."""

    origin: str
    text: str
    plover: str
    source: tuple[GoldActor, ...]
    target: tuple[GoldActor, ...]

    def label(self) -> str:
        def side(actors: tuple[GoldActor, ...]) -> str:
            return "|".join(a.label() for a in actors) or "(any)"

        return f"{side(self.source)} {self.plover} {side(self.target)}"


@dataclass(frozen=True, slots=True)
class PloverGold:
    path: Path
    items: tuple[PloverItem, ...]


@dataclass(frozen=True, slots=True)
class PloverTypeRow:
    """The figures of one PLOVER type."""

    plover: str
    sentences: int
    type_found: int
    dyad_found: int
    coded: int  # events of this type coded anywhere in the set


@dataclass(frozen=True, slots=True)
class PloverReport:
    """How the coder does on sentences with one labelled event each."""

    gold: str
    sentences: int
    type_found: int
    dyad_found: int
    sector_sides: int
    sector_agree: int
    events: int
    per_type: list[PloverTypeRow]
    steps: dict[str, int]
    misses: list[Miss]

    @property
    def shape(self) -> Shape:
        return Shape.plover

    def figures(self) -> dict[str, float]:
        return {
            "plover.type_recall": _ratio(self.type_found, self.sentences),
            "plover.type_dyad_recall": _ratio(self.dyad_found, self.sentences),
            # Of the sentences whose type was found, how many have both countries right.
            "plover.dyad_given_type": _ratio(self.dyad_found, self.type_found),
            "plover.sector_agreement": _ratio(self.sector_agree, self.sector_sides),
            "plover.events_per_sentence": _ratio(self.events, self.sentences),
        }

    def to_dict(self, misses: int = 0) -> dict[str, Any]:
        """The report as JSON-ready data, with its ``misses`` worst misses."""
        return _jsonable(self, misses)


def _side_matches(gold: tuple[GoldActor, ...], mention: Mention | None) -> bool:
    # An empty gold side was not labelled: accept whatever was coded, or nothing.
    return not gold or any(actor.matches(mention) for actor in gold)


def _dyad_matches(item: PloverItem, event: Event) -> bool:
    return _side_matches(item.source, event.source) and _side_matches(item.target, event.target)


def _swapped(item: PloverItem, event: Event) -> bool:
    if not item.source or not item.target:
        return False
    return any(a.matches(event.source) for a in item.target) and any(
        a.matches(event.target) for a in item.source
    )


def _plover_step(item: PloverItem, coded: Coded) -> str | None:
    """The step that lost the labelled event, or None if it was coded with its dyad."""
    typed = [e for e in coded.events if e.plover == item.plover]
    if any(_dyad_matches(item, e) for e in typed):
        return None
    if not coded.events:
        return coded.lost_without_event()
    if not typed:
        return WRONG_CODE
    if any(_swapped(item, e) for e in typed):
        return WRONG_DIRECTION
    return WRONG_ACTOR


def score_plover(gold: PloverGold, coded: Sequence[Coded]) -> PloverReport:
    """Recall of the labelled type, of type + dyad, sector agreement and events per sentence."""
    type_found = dyad_found = sides = agree = 0
    by_type: dict[str, Counter[str]] = {}
    coded_types: Counter[str] = Counter()
    steps: Counter[str] = Counter()
    misses = []
    for item, result in zip(gold.items, coded, strict=True):
        counts = by_type.setdefault(item.plover, Counter())
        counts["sentences"] += 1
        coded_types.update(e.plover for e in result.events if e.plover)
        typed = [e for e in result.events if e.plover == item.plover]
        if typed:
            type_found += 1
            counts["type"] += 1
        hit = next((e for e in typed if _dyad_matches(item, e)), None)
        if hit is not None:
            dyad_found += 1
            counts["dyad"] += 1
            for golds, mention in ((item.source, hit.source), (item.target, hit.target)):
                # The gold actor this side matched (the first, if gold left the side open).
                actor = next((a for a in golds if a.matches(mention)), None)
                verdict = actor.sector_agrees(mention) if actor else None
                if verdict is not None:
                    sides += 1
                    agree += verdict
        step = _plover_step(item, result)
        if step is not None:
            steps[step] += 1
            misses.append(
                Miss(item.origin, item.text, item.label(), _describe(result.events), step)
            )
    per_type = [
        PloverTypeRow(plover, c["sentences"], c["type"], c["dyad"], coded_types[plover])
        for plover, c in sorted(by_type.items())
    ]
    return PloverReport(
        gold=str(gold.path),
        sentences=len(gold.items),
        type_found=type_found,
        dyad_found=dyad_found,
        sector_sides=sides,
        sector_agree=agree,
        events=sum(len(result.events) for result in coded),
        per_type=per_type,
        steps={step: steps[step] for step in STEPS if steps[step]},
        misses=_worst_first(misses),
    )


def _gold_actors(value: Any, where: str) -> tuple[GoldActor, ...]:
    if not isinstance(value, list):
        raise InputError(where, "an event's source and target must be lists of actors")
    try:
        return tuple(GoldActor(a.get("text", ""), a.get("country"), a.get("sector")) for a in value)
    except AttributeError:
        raise InputError(where, "an actor must be an object with country and sector") from None


def _plover_item(record: dict[str, Any], origin: str, where: str) -> PloverItem:
    events = record.get("events")
    if not isinstance(record.get("text"), str) or not isinstance(events, list) or not events:
        raise InputError(where, "a PLOVER gold line needs 'text' and a non-empty 'events' list")
    event = events[0]
    if not isinstance(event, dict) or not isinstance(event.get("plover"), str):
        raise InputError(where, "the labelled event has no 'plover' type")
    return PloverItem(
        origin=origin,
        text=record["text"],
        plover=event["plover"],
        source=_gold_actors(event.get("source", []), where),
        target=_gold_actors(event.get("target", []), where),
    )


# -- sentence classes (ConfliBERT pentaclass) --------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassItem:
    origin: str
    text: str
    pentaclass: int


@dataclass(frozen=True, slots=True)
class PentaclassGold:
    path: Path
    items: tuple[ClassItem, ...]


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one class."""

    pentaclass: int
    name: str
    support: int
    precision: float
    recall: float
    f1: float


def class_scores(confusion: Sequence[Sequence[int]]) -> list[ClassScore]:
    """Per-class figures from a confusion matrix (rows gold, columns coded)."""
    scores = []
    for k, name in enumerate(PENTACLASSES):
        true = confusion[k][k]
        coded = sum(row[k] for row in confusion)
        support = sum(confusion[k])
        precision, recall = _ratio(true, coded), _ratio(true, support)
        scores.append(ClassScore(k, name, support, precision, recall, _f1(precision, recall)))
    return scores


def macro_f1(confusion: Sequence[Sequence[int]]) -> float:
    scores = class_scores(confusion)
    return sum(score.f1 for score in scores) / len(scores)


def pentaclass_of(cameo: str) -> int:
    """The pentaclass of a CAMEO code, by its two-digit root."""
    root = int(cameo[:2])
    return sum(root >= first for first in _PENTACLASS_FROM_ROOT)


def sentence_class(events: Sequence[Event]) -> int:
    """The class of the most confident event (the first on a tie); no event is class 0."""
    if not events:
        return 0
    best = max(events, key=lambda e: e.confidence)  # max keeps the first of equals
    return pentaclass_of(best.cameo)


@dataclass(frozen=True, slots=True)
class PentaclassReport:
    """How the coder's events classify sentences into the five classes."""

    gold: str
    sentences: int
    confusion: list[list[int]]
    classes: list[ClassScore]
    misses: list[Miss]

    @property
    def shape(self) -> Shape:
        return Shape.pentaclass

    @property
    def accuracy(self) -> float:
        return _ratio(sum(self.confusion[k][k] for k in range(len(PENTACLASSES))), self.sentences)

    def figures(self) -> dict[str, float]:
        return {
            "pentaclass.macro_f1": macro_f1(self.confusion),
            "pentaclass.accuracy": self.accuracy,
        }

    def to_dict(self, misses: int = 0) -> dict[str, Any]:
        """The report as JSON-ready data, with its ``misses`` worst misses."""
        return _jsonable(self, misses)


def score_pentaclass(gold: PentaclassGold, coded: Sequence[Coded]) -> PentaclassReport:
    """Confusion matrix, per-class F1, macro-F1 and accuracy of the sentence classes."""
    confusion = [[0] * len(PENTACLASSES) for _ in PENTACLASSES]
    ranked: list[tuple[int, Miss]] = []
    for item, result in zip(gold.items, coded, strict=True):
        predicted = sentence_class(result.events)
        confusion[item.pentaclass][predicted] += 1
        if predicted == item.pentaclass:
            continue
        step = WRONG_CODE if result.events else result.lost_without_event()
        gold_label = f"class {item.pentaclass} {PENTACLASSES[item.pentaclass]}"
        coded_label = f"class {predicted}: {_describe(result.events)}"
        # The worst: the furthest class, e.g. material conflict coded as cooperation.
        distance = abs(item.pentaclass - predicted)
        ranked.append((distance, Miss(item.origin, item.text, gold_label, coded_label, step)))
    ranked.sort(key=lambda pair: -pair[0])
    return PentaclassReport(
        gold=str(gold.path),
        sentences=len(gold.items),
        confusion=confusion,
        classes=class_scores(confusion),
        misses=[miss for _, miss in ranked],
    )


def _class_item(record: dict[str, Any], origin: str, where: str) -> ClassItem:
    label, text = record.get("pentaclass"), record.get("text")
    # bool is an int to Python, but True is not a class.
    if (
        isinstance(label, int)
        and not isinstance(label, bool)
        and isinstance(text, str)
        and 0 <= label < len(PENTACLASSES)
    ):
        return ClassItem(origin, text, label)
    raise InputError(where, "a pentaclass gold line needs 'text' and 'pentaclass' 0..4")


# -- actor spans (ConfliBERT CoNLL) ------------------------------------------------------

TokenSpan = tuple[int, int]  # first and last token, inclusive


@dataclass(frozen=True, slots=True)
class SpanItem:
    """A tokenised sentence with its gold source and target spans."""

    origin: str
    tokens: tuple[str, ...]
    sources: frozenset[TokenSpan]
    targets: frozenset[TokenSpan]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    def token_offsets(self) -> list[tuple[int, int]]:
        offsets, start = [], 0
        for token in self.tokens:
            offsets.append((start, start + len(token)))
            start += len(token) + 1
        return offsets


@dataclass(frozen=True, slots=True)
class SpanGold:
    path: Path
    items: tuple[SpanItem, ...]


def bio_spans(tags: Sequence[str]) -> dict[str, set[TokenSpan]]:
    """The token spans of each label in a BIO sequence (an orphan I- starts a span)."""
    spans: dict[str, set[TokenSpan]] = {}
    label, start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and tag[2:] == label
        if label is not None and not inside:
            spans.setdefault(label, set()).add((start, i - 1))
            label = None
        if tag != "O" and not inside:
            label, start = tag[2:], i
    return spans


def mention_tokens(span: tuple[int, int], offsets: Sequence[tuple[int, int]]) -> TokenSpan | None:
    """The tokens whose characters a mention's character span overlaps."""
    covered = [i for i, (start, end) in enumerate(offsets) if start < span[1] and end > span[0]]
    return (covered[0], covered[-1]) if covered else None


def _overlaps(a: TokenSpan, b: TokenSpan) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True, slots=True)
class SpanCounts:
    """Exact and lenient matches of the spans of one role."""

    predicted: int = 0
    gold: int = 0
    exact: int = 0
    lenient_predicted: int = 0  # predicted spans overlapping a gold one
    lenient_gold: int = 0  # gold spans overlapped by a predicted one

    def __add__(self, other: SpanCounts) -> SpanCounts:
        return SpanCounts(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def values(self) -> tuple[int, ...]:
        return dataclasses.astuple(self)

    @property
    def precision(self) -> float:
        return _ratio(self.exact, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.exact, self.gold)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def lenient_f1(self) -> float:
        precision = _ratio(self.lenient_predicted, self.predicted)
        return _f1(precision, _ratio(self.lenient_gold, self.gold))


def match_spans(predicted: set[TokenSpan], gold: set[TokenSpan]) -> SpanCounts:
    return SpanCounts(
        predicted=len(predicted),
        gold=len(gold),
        exact=len(predicted & gold),
        lenient_predicted=sum(any(_overlaps(p, g) for g in gold) for p in predicted),
        lenient_gold=sum(any(_overlaps(p, g) for p in predicted) for g in gold),
    )


@dataclass(frozen=True, slots=True)
class SpanReport:
    """Precision, recall and F1 of the source and target spans of the coded events."""

    gold: str
    sentences: int
    source: SpanCounts
    target: SpanCounts
    misses: list[Miss]

    @property
    def shape(self) -> Shape:
        return Shape.spans

    def figures(self) -> dict[str, float]:
        both = self.source + self.target
        return {
            "spans.source_f1": self.source.f1,
            "spans.target_f1": self.target.f1,
            "spans.f1": both.f1,
            "spans.lenient_f1": both.lenient_f1,
        }

    def to_dict(self, misses: int = 0) -> dict[str, Any]:
        """The report as JSON-ready data, with its ``misses`` worst misses."""
        return _jsonable(self, misses)


def _span_step(
    gold: TokenSpan,
    predicted: set[TokenSpan],
    other: set[TokenSpan],
    actors: set[TokenSpan],
    coded: Coded,
) -> str:
    if not predicted and not other:
        return coded.lost_without_event()
    if gold in other:
        return WRONG_DIRECTION
    if any(_overlaps(gold, p) for p in predicted):
        return SPAN_BOUNDS
    if not any(_overlaps(gold, a) for a in actors | predicted | other):
        return NO_ACTOR
    return WRONG_ACTOR


def score_spans(gold: SpanGold, coded: Sequence[Coded]) -> SpanReport:
    """Exact and lenient matching of predicted against gold source and target spans."""
    totals = {"source": SpanCounts(), "target": SpanCounts()}
    misses = []
    for item, result in zip(gold.items, coded, strict=True):
        offsets = item.token_offsets()

        def tokens(mentions: Iterable[Mention | None]) -> set[TokenSpan]:
            found = (mention_tokens(m.phrase_span, offsets) for m in mentions if m is not None)  # noqa: B023
            return {span for span in found if span is not None}

        objects = {
            span
            for e in result.events
            if e.target is None and e.object_phrase is not None
            if (span := mention_tokens(e.object_phrase, offsets)) is not None
        }
        predicted = {
            "source": tokens(e.source for e in result.events),
            "target": tokens(e.target for e in result.events) | objects,
        }
        golds = {"source": set(item.sources), "target": set(item.targets)}
        actors = tokens(result.mentions)
        for role, other in (("source", "target"), ("target", "source")):
            totals[role] += match_spans(predicted[role], golds[role])
            for span in sorted(golds[role] - predicted[role]):
                step = _span_step(span, predicted[role], predicted[other], actors, result)
                words = " ".join(item.tokens[span[0] : span[1] + 1])
                coded_spans = sorted(predicted[role])
                coded_words = [" ".join(item.tokens[a : b + 1]) for a, b in coded_spans]
                misses.append(
                    Miss(
                        item.origin,
                        item.text,
                        f"{role} {words!r}",
                        f"{role} {coded_words or 'none'}; {_describe(result.events)}",
                        step,
                    )
                )
    return SpanReport(
        gold=str(gold.path),
        sentences=len(gold.items),
        source=totals["source"],
        target=totals["target"],
        misses=_worst_first(misses),
    )


def load_spans(path: Path, lines: Sequence[str]) -> SpanGold:
    items: list[SpanItem] = []
    tokens: list[str] = []
    tags: list[str] = []
    first = 0
    for number, line in enumerate([*lines, ""], start=1):
        if not line.strip():
            if tokens:
                spans = bio_spans(tags)
                reciprocal = spans.get("R", set())
                items.append(
                    SpanItem(
                        origin=f"{path.name}:{first}",
                        tokens=tuple(tokens),
                        sources=frozenset(spans.get("S", set()) | reciprocal),
                        targets=frozenset(spans.get("T", set()) | reciprocal),
                    )
                )
            tokens, tags = [], []
            continue
        parts = line.split()
        if len(parts) != 2 or not _BIO_TAG.match(parts[1]):
            raise InputError(f"{path}:{number}", "expected a token and a tag (O, B-S, I-T, ...)")
        if not tokens:
            first = number
        tokens.append(parts[0])
        tags.append(parts[1])
    return SpanGold(path, tuple(items))


# -- one seed document -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedReport:
    """How a coded document compares with its seed gold."""

    required_found: int
    required_total: int
    missing: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    meeting_date: str | None = None
    meeting_place: str | None = None
    gold: str = ""

    @property
    def passed(self) -> bool:
        return self.required_found == self.required_total and not self.violations

    @property
    def shape(self) -> Shape:
        return Shape.seed

    @property
    def misses(self) -> list[Miss]:
        # One document: no step to name, only what is missing and what is forbidden.
        lost = [
            Miss(self.gold, g.get("evidence", ""), _seed_label(g), "not coded", "missing")
            for g in self.missing
        ]
        broken = [Miss(self.gold, "", "nothing forbidden", v, "forbidden") for v in self.violations]
        return lost + broken

    def figures(self) -> dict[str, float]:
        return {
            "seed.required_recall": _ratio(self.required_found, self.required_total),
            "seed.violations": float(len(self.violations)),
        }

    def to_dict(self, misses: int = 0) -> dict[str, Any]:
        """The report as JSON-ready data, with its ``misses`` worst misses."""
        return _jsonable(self, misses)


def _seed_label(gold: dict[str, Any]) -> str:
    return f"{gold.get('source')} {gold.get('plover')} {gold.get('target')}"


@dataclass(frozen=True, slots=True)
class SeedGold:
    path: Path
    seed: dict[str, Any]


def load_seed(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"cannot read seed gold: {error}") from None
    if not isinstance(data, dict) or "required" not in data:
        raise InputError(str(path), "not a seed gold file (no 'required' list)")
    return data


def seed_document(path: Path, seed: dict[str, Any]) -> Path:
    """The article a seed judges: its ``document`` path, relative to a folder above the seed."""
    document = Path(str(seed.get("document", "")))
    for folder in (Path.cwd(), *path.resolve().parents):
        if (folder / document).is_file():
            return folder / document
    raise InputError(str(path), f"cannot find its document {document}")


def _actor_matches(gold: str, event_actor: dict[str, Any] | None) -> bool:
    """A gold "CHN" accepts any sector of China; "CHNGOV" needs that sector."""
    if event_actor is None:
        return False
    code = event_actor.get("code") or ""
    if len(gold) == 3:
        return bool(event_actor.get("country") == gold or code.startswith(gold))
    return bool(code == gold)


def _event_matches(gold: dict[str, Any], event: dict[str, Any]) -> bool:
    if event.get("plover") != gold["plover"] and event.get("cameo") not in gold.get("cameo", []):
        return False
    source, target = event.get("source"), event.get("target")
    if _actor_matches(gold["source"], source) and _actor_matches(gold["target"], target):
        return True
    return bool(
        gold.get("undirected")
        and _actor_matches(gold["source"], target)
        and _actor_matches(gold["target"], source)
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(a))


def score_seed(
    seed: dict[str, Any], events: Sequence[dict[str, Any]], gold: str = ""
) -> SeedReport:
    """Required events found, and every breach of the forbidden rules, for one document."""
    missing = [g for g in seed["required"] if not any(_event_matches(g, e) for e in events)]
    violations = []
    publication = str(seed.get("publication_date") or "")
    for event in events:
        where = f"{event.get('cameo')} {event.get('sentence', '')[:60]!r}"
        if event.get("quad_class") in (3, 4):
            violations.append(f"conflict event {where}")
        date = event.get("date")
        if date == publication:
            violations.append(f"event dated with the publication date {where}")
        if date and publication and dt.date.fromisoformat(date).year < int(publication[:4]) - 1:
            violations.append(f"event dated in a background year {date} {where}")
        names = [(event.get(side) or {}).get("name") or "" for side in ("source", "target")]
        known = {a["name"] for a in seed.get("actors", [])} | {
            alias for a in seed.get("actors", []) for alias in a.get("aliases", [])
        }
        for name in names:
            if name and name not in known and _looks_like_credit(name, seed):
                violations.append(f"actor from a credit line {name!r} {where}")
    meeting = _meeting(seed, events)
    # A copy is the meeting coded again from another sentence (the caption printed twice);
    # one sentence coding it from each side ("X met Y": Y met X) is one report of it.
    copies = len({tuple(e.get("span") or ()) for e in meeting})
    if copies > 1:
        violations.append(f"the meeting is coded from {copies} sentences")
    first = meeting[0] if meeting else None
    report_place = None
    if first is not None and first.get("location"):
        place = first["location"]
        gold_place = seed.get("event_location") or {}
        report_place = place.get("name")
        if gold_place and place.get("lat") is not None:
            distance = _km(place["lat"], place["lon"], gold_place["lat"], gold_place["lon"])
            if distance > gold_place.get("tolerance_km", 50):
                violations.append(f"meeting placed {distance:.0f} km from {gold_place['name']}")
    return SeedReport(
        required_found=len(seed["required"]) - len(missing),
        required_total=len(seed["required"]),
        missing=missing,
        violations=violations,
        meeting_date=first.get("date") if first else None,
        meeting_place=report_place,
        gold=gold,
    )


def _meeting(seed: dict[str, Any], events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events that code the document's main meeting (its first required CONSULT)."""
    gold = next((g for g in seed["required"] if g["plover"] == "CONSULT"), None)
    if gold is None:
        return []
    return [e for e in events if _event_matches(gold, e)]


def _looks_like_credit(name: str, seed: dict[str, Any]) -> bool:
    rules = " ".join(r.get("rule", "") for r in seed.get("forbidden", []))
    return name in rules


# -- reading any gold file, and scoring it -----------------------------------------------

Gold = PloverGold | PentaclassGold | SpanGold | SeedGold
Report = PloverReport | PentaclassReport | SpanReport | SeedReport


def load_gold(path: Path) -> Gold:
    """Read a gold file, recognising its shape by its content."""
    if path.suffix == ".json":
        return SeedGold(path, load_seed(path))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot read gold file: {error}") from None
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("{"):
        return _load_jsonl(path, lines)
    if _BIO_TAG.match(first.split()[-1] if first.split() else ""):
        return load_spans(path, lines)
    raise InputError(
        str(path),
        "unknown gold shape: expected PLOVER or pentaclass JSON Lines, CoNLL spans or a seed .json",
    )


def _load_jsonl(path: Path, lines: Sequence[str]) -> PloverGold | PentaclassGold:
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}", f"malformed JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}", "a gold line must be a JSON object")
        records.append((number, record))
    # Items are known by file name and line; errors name the file as given.
    if records and "events" in records[0][1]:
        items = (_plover_item(r, f"{path.name}:{n}", f"{path}:{n}") for n, r in records)
        return PloverGold(path, tuple(items))
    if records and "pentaclass" in records[0][1]:
        classes = (_class_item(r, f"{path.name}:{n}", f"{path}:{n}") for n, r in records)
        return PentaclassGold(path, tuple(classes))
    raise InputError(str(path), "unknown gold shape: JSON Lines without 'events' or 'pentaclass'")


def gold_files(folder: Path) -> list[Path]:
    """The gold files of a folder (everything but its README), in name order."""
    if not folder.is_dir():
        raise InputError(str(folder), "no such gold folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".md")
    if not files:
        raise InputError(str(folder), "no gold files in this folder")
    return files


def evaluate(gold: Gold, coder: Coder) -> Report:
    """Code the gold's sentences (or document) and score them."""
    if isinstance(gold, SeedGold):
        return _evaluate_seed(gold, coder)
    articles = [Article(id=item.origin, text=item.text, origin=item.origin) for item in gold.items]
    coded = code_sentences(articles, coder)
    if isinstance(gold, PloverGold):
        return score_plover(gold, coded)
    if isinstance(gold, PentaclassGold):
        return score_pentaclass(gold, coded)
    return score_spans(gold, coded)


def _evaluate_seed(gold: SeedGold, coder: Coder) -> SeedReport:
    from communique.pipeline import code_batch
    from communique.readers import read_inputs
    from communique.store.export import coded_event_record

    document = seed_document(gold.path, gold.seed)
    articles = list(read_inputs([str(document)]))
    events: list[dict[str, Any]] = []
    for article in articles:
        if not isinstance(article, Article):
            raise InputError(article.origin, article.reason)
    for result in code_batch([a for a in articles if isinstance(a, Article)], coder):
        if isinstance(result, CodedArticle):
            events.extend(coded_event_record(e) for e in result.events)
    return score_seed(gold.seed, events, gold=str(gold.path))


# -- floors: the figures the coder must keep ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A pinned figure: a floor it must not fall below, or a ceiling it must not rise above."""

    figure: str
    value: float
    ceiling: bool = False

    def holds(self, measured: float) -> bool:
        # Only float noise is rounded off: 0.6999999 still meets a 0.70 floor.
        measured = round(measured, 6)
        return measured <= self.value if self.ceiling else measured >= self.value


@dataclass(frozen=True, slots=True)
class Lowering:
    """A floor that was lowered (or a ceiling raised), and the written reason why."""

    figure: str
    was: float
    now: float
    reason: str


@dataclass(frozen=True, slots=True)
class Check:
    """A measured figure against its bound."""

    figure: str
    measured: float | None
    bound: Bound

    @property
    def passed(self) -> bool:
        return self.measured is not None and self.bound.holds(self.measured)


@dataclass(frozen=True, slots=True)
class Floors:
    """The floors file: floors, ceilings, and the reasons of every lowering."""

    bounds: tuple[Bound, ...]
    lowered: tuple[Lowering, ...] = ()

    def check(self, figures: Mapping[str, float]) -> list[Check]:
        return [Check(b.figure, figures.get(b.figure), b) for b in self.bounds]


def load_floors(path: Path = FLOORS) -> Floors:
    """Read and validate the floors file (TOML: ``[floors]``, ``[ceilings]``, ``[[lowered]]``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(str(path), f"cannot read floors: {error}") from None
    bounds = [
        *_bounds(path, data.get("floors", {}), ceiling=False),
        *_bounds(path, data.get("ceilings", {}), ceiling=True),
    ]
    lowered = []
    for entry in data.get("lowered", []):
        reason = entry.get("reason") if isinstance(entry, dict) else None
        if not isinstance(reason, str) or not reason.strip():
            raise DataFileError(str(path), "every [[lowered]] entry needs a written reason")
        try:
            lowered.append(
                Lowering(str(entry["figure"]), float(entry["was"]), float(entry["now"]), reason)
            )
        except (KeyError, TypeError, ValueError):
            raise DataFileError(
                str(path), "a [[lowered]] entry needs figure, was, now and reason"
            ) from None
    return Floors(tuple(bounds), tuple(lowered))


def _bounds(path: Path, table: Any, ceiling: bool) -> Iterator[Bound]:
    if not isinstance(table, dict):
        raise DataFileError(str(path), "[floors] and [ceilings] must be tables of numbers")
    for figure, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataFileError(str(path), f"{figure}: a bound must be a number")
        yield Bound(figure, float(value), ceiling)
