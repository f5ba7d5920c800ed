"""How well coded events get their time and place: ECB+ annotations and PLOVER gold locations.

    python benchmarks/context.py [--ecbplus DIR] [--plover FILE] [--json]

ECB+ (``../shared/corpora/ecbplus``, read in place, never copied): news documents whose
annotated sentences mark time expressions (TIME_DATE, TIME_OF_THE_DAY) and locations (LOC_GEO,
LOC_FAC, LOC_OTHER). It gives no normalised dates and no publication dates, so what is scored
is whether an event's date and place come from the words the annotators marked:

- each document becomes an article of one paragraph per ECB+ sentence (tokens joined by
  spaces), published on the date in its source URL when there is one (the ECB+ half of the
  corpus keeps the URL as sentence 0), else on a nominal day (so that "Friday" still resolves
  and its words are found);
- only events in the sentences ECB+ selected for annotation count;
- date recall: of the events whose sentence has an annotated time, the share dated from words
  of the sentence that overlap one; date precision: of the events dated from their sentence,
  the share whose words overlap an annotated time. Place likewise with locations;
- resolver coverage: of the annotated TIME_DATE mentions, the share ``resolve_date`` reads
  as a date (durations and repetitions are not dates and are left out).

PLOVER (``tests/gold/plover-gsr.dev.jsonl``): the labelled event's ``location``, on the
sentences that have one. The event scored is the coded event of the labelled PLOVER type if
there is one, else the first coded event. Right: the same gazetteer entry as the gold name,
or the same name (accents and case aside), or a name inside the gold's ("province of Herat").
Same country: the place is in the gold place's country.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from communique.pipeline import Coder, code_batch
from communique.records import Article, CodedArticle, Event, Place
from communique.when import resolve_date

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ECBPLUS = ROOT.parent / "shared" / "corpora" / "ecbplus"
DEFAULT_PLOVER = ROOT / "tests" / "gold" / "plover-gsr.dev.jsonl"
NOMINAL_DAY = dt.date(2010, 6, 26)  # a Saturday, for documents without a date
TIME_TAGS = ("TIME_DATE", "TIME_OF_THE_DAY")
PLACE_TAGS = ("LOC_GEO", "LOC_FAC", "LOC_OTHER")
URL_DATE = re.compile(
    r"(?:^|\D)(20\d\d|19\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:\D|$)"
)

Span = tuple[int, int]


@dataclass
class EcbDocument:
    name: str
    text: str
    published: dt.date | None
    sentences: dict[int, Span] = field(default_factory=dict)  # ECB+ number → text offsets
    times: list[tuple[Span, str, str]] = field(default_factory=list)  # span, tag, words
    places: list[Span] = field(default_factory=list)


def read_ecb(path: Path) -> EcbDocument:
    root = ET.parse(path).getroot()
    tokens = root.findall("token")
    by_id: dict[str, Span] = {}
    text_parts: list[str] = []
    offset = 0
    sentences: dict[int, Span] = {}
    url = "".join(t.text or "" for t in tokens if t.get("sentence") == "0")
    is_plus = path.stem.endswith("ecbplus")
    previous = None
    for token in tokens:
        number = int(token.get("sentence", "0"))
        if is_plus and number == 0:
            continue  # the source URL, not text
        if previous is not None and number != previous:
            text_parts.append("\n\n")
            offset += 2
        elif previous is not None:
            text_parts.append(" ")
            offset += 1
        words = token.text or ""
        by_id[token.get("t_id", "")] = (offset, offset + len(words))
        start, _ = sentences.get(number, (offset, offset))
        sentences[number] = (start, offset + len(words))
        text_parts.append(words)
        offset += len(words)
        previous = number
    text = "".join(text_parts)
    dated = URL_DATE.search(url) if is_plus else None
    published = None
    if dated:
        try:
            published = dt.date(int(dated[1]), int(dated[2]), int(dated[3]))
        except ValueError:
            published = None
    document = EcbDocument(path.stem, text, published, sentences)
    markables = root.find("Markables")
    for mark in markables if markables is not None else []:
        found_anchors = [by_id.get(a.get("t_id", "")) for a in mark.findall("token_anchor")]
        anchors = [a for a in found_anchors if a is not None]
        if not anchors:
            continue
        span = (min(a[0] for a in anchors), max(a[1] for a in anchors))
        if mark.tag in TIME_TAGS:
            document.times.append((span, mark.tag, text[span[0] : span[1]]))
        elif mark.tag in PLACE_TAGS:
            document.places.append(span)
    return document


def _overlaps(span: Span | None, golds: list[Span]) -> bool:
    return span is not None and any(span[0] < g[1] and g[0] < span[1] for g in golds)


def _within(span: Span, outer: Span) -> bool:
    return outer[0] <= span[0] and span[1] <= outer[1]


def score_ecbplus(folder: Path, coder: Coder) -> dict[str, float | int]:
    selected: set[tuple[str, int]] = set()
    with (folder / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            selected.add((f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])))
    documents = [read_ecb(path) for path in sorted((folder / "ECB+").glob("*/*.xml"))]
    documents = [d for d in documents if any((d.name, n) in selected for n in d.sentences)]
    counts: Counter[str] = Counter()
    articles = [
        Article(d.name, d.text, published=d.published or NOMINAL_DAY, origin=d.name)
        for d in documents
    ]
    coded: dict[str, CodedArticle] = {}
    for start in range(0, len(articles), 20):
        for result in code_batch(articles[start : start + 20], coder):
            if isinstance(result, CodedArticle):
                coded[result.article.article.id] = result
    for document in documents:
        for _, tag, words in document.times:
            if tag == "TIME_DATE":
                counts["gold time dates"] += 1
                reference = document.published or NOMINAL_DAY
                counts["gold time dates resolved"] += resolve_date(words, reference) is not None
        result = coded.get(document.name)
        if result is None:
            continue
        spans = [s for n, s in document.sentences.items() if (document.name, n) in selected]
        for event in result.events:
            sentence = next((s for s in spans if _within(event.sentence.span, s)), None)
            if sentence is None:
                continue
            counts["events"] += 1
            times = [t[0] for t in document.times if _within(t[0], sentence)]
            places = [p for p in document.places if _within(p, sentence)]
            _count(counts, "date", _date_span(event), times)
            _count(counts, "place", _place_span(event.location), places)
    return {
        "documents": len(documents),
        "events": counts["events"],
        "date recall": _share(counts["date hits"], counts["date gold"]),
        "date precision": _share(counts["date precise"], counts["date found"]),
        "events with an annotated time": counts["date gold"],
        "events dated from their sentence": counts["date found"],
        "place recall": _share(counts["place hits"], counts["place gold"]),
        "place precision": _share(counts["place precise"], counts["place found"]),
        "events with an annotated place": counts["place gold"],
        "events placed from their sentence": counts["place found"],
        "time mentions resolved": _share(
            counts["gold time dates resolved"], counts["gold time dates"]
        ),
        "annotated time dates": counts["gold time dates"],
    }


def _date_span(event: Event) -> Span | None:
    return event.date.span if event.date and event.date.origin == "sentence" else None


def _place_span(place: Place | None) -> Span | None:
    return place.span if place and place.origin == "sentence" else None


def _count(counts: Counter[str], what: str, found: Span | None, golds: list[Span]) -> None:
    hit = _overlaps(found, golds)
    if golds:
        counts[f"{what} gold"] += 1
        counts[f"{what} hits"] += hit
    if found is not None:
        counts[f"{what} found"] += 1
        counts[f"{what} precise"] += hit


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _fold(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z ]", "", plain.lower()).strip()


def score_plover(path: Path, coder: Coder) -> dict[str, float | int]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    labelled = [(r, e) for r in rows for e in r["events"] if e.get("location")]
    articles = [Article(r["id"], r["text"], origin=r["id"]) for r, _ in labelled]
    results = {
        r.article.article.id: r for r in code_batch(articles, coder) if isinstance(r, CodedArticle)
    }
    counts: Counter[str] = Counter()
    for row, gold in labelled:
        result = results.get(row["id"])
        events = list(result.events) if result else []
        if not events:
            counts["no event"] += 1
            continue
        event = next((e for e in events if e.plover == gold["plover"]), events[0])
        place = event.location
        expected = coder.places.find(gold["location"])
        if place is None:
            counts["no place"] += 1
            continue
        right = (
            (expected is not None and expected.gazetteer_id == place.gazetteer_id)
            or _fold(place.name) == _fold(gold["location"])
            or f" {_fold(place.name)} " in f" {_fold(gold['location'])} "
        )
        counts["right"] += right
        counts["same country"] += right or (
            expected is not None and expected.country == place.country
        )
    total = len(labelled)
    return {
        "sentences with a location": total,
        "location right": _share(counts["right"], total),
        "location in the right country": _share(counts["same country"], total),
        "location right where an event was coded": _share(
            counts["right"], total - counts["no event"]
        ),
        "no event coded": counts["no event"],
        "event without a place": counts["no place"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecbplus", type=Path, default=DEFAULT_ECBPLUS)
    parser.add_argument("--plover", type=Path, default=DEFAULT_PLOVER)
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    args = parser.parse_args()
    coder = Coder.load()
    report: dict[str, dict[str, float | int]] = {}
    if (args.ecbplus / "ECB+").is_dir():
        report["ecbplus"] = score_ecbplus(args.ecbplus, coder)
    else:
        print(f"{args.ecbplus}: not found, ECB+ skipped", file=sys.stderr)
    report["plover-location"] = score_plover(args.plover, coder)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for name, figures in report.items():
        print(name)
        for figure, value in figures.items():
            print(f"  {figure:45} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
