"""How well communique merges reports of one event: ECB+ cross-document event coreference.

    python benchmarks/clustering.py [--ecbplus DIR] [--window DAYS] [--url-dates] [--json]

ECB+ (``../shared/corpora/ecbplus``, read in place, never copied) annotates the action mentions
of news documents (ACTION_*, NEG_ACTION_*) and which of them refer to the same event, within
and across documents (CROSS_DOC_COREF and INTRA_DOC_COREF chains; a mention in no chain is an
event of its own). It is the only public gold for "these reports are one event".

What is scored:

- each document is coded as an article (one paragraph per ECB+ sentence, tokens joined by
  spaces; its source the host of its URL), and stored, which merges its events as any run
  does. ECB+ gives no publication dates, and the dates some source URLs hold are for only
  some of the reports of an event, years apart from the nominal day the others would get: so
  every document is published on one nominal day (``--url-dates`` takes the URLs' dates), and
  dates separate only events whose sentences date them;
- a coded event stands for the gold action mention its trigger words overlap (the most
  overlapped one), in the sentences ECB+ selected for annotation
  (``ECBplus_coreference_sentences.csv``); a gold mention that several coded events overlap
  takes the merged event of the first. Coded events on no gold mention are not scored: ECB+
  says nothing of them;
- pairwise precision, recall and F1 of "in the same merged event" against "in the same gold
  chain", over the gold mentions that coded events stand for; and B-cubed, which weighs each
  mention equally rather than each pair.
- the same again over every annotated sentence: more mentions, but ECB+'s annotators linked
  those outside the selected sentences only in part.

Two settings: *within topic*, each of ECB+'s topics coded into a store of its own (the usual
ECB+ set-up: documents are first grouped by topic, then their mentions merged), and *whole
corpus*, every document in one store, where merges across topics count against precision.
Baselines on the same mentions: every mention alone, and all the mentions of a topic with
the same CAMEO root in one event.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from urllib.parse import urlparse

from communique.cluster import ClusterConfig
from communique.pipeline import Coder, code_batch
from communique.records import Article, CodedArticle
from communique.store.duckdb import EventStore

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ECBPLUS = ROOT.parent / "shared" / "corpora" / "ecbplus"
NOMINAL_DAY = dt.date(2010, 6, 26)  # as benchmarks/context.py, for documents without a date
URL_DATE = re.compile(
    r"(?:^|\D)(20\d\d|19\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:\D|$)"
)
ACTION_TAGS = ("ACTION_", "NEG_ACTION_")

Span = tuple[int, int]


@dataclass
class GoldMention:
    document: str
    span: Span
    chain: str  # the event it refers to: a cross-document instance, a chain, or itself
    selected: bool  # in a sentence ECB+ selected for annotation


@dataclass
class EcbDocument:
    name: str  # "1_10ecbplus"
    topic: str
    text: str
    published: dt.date
    source: str | None
    selected: set[tuple[int, int]] = field(default_factory=set)  # text spans of sentences
    mentions: list[GoldMention] = field(default_factory=list)

    def article(self) -> Article:
        return Article(
            id=self.name,
            text=self.text,
            published=self.published,
            source=self.source,
            origin=self.name,
        )


def read_document(
    path: Path, topic: str, selected: set[int], url_dates: bool = False
) -> EcbDocument:
    """One ECB+ document: its text (as benchmarks/context.py builds it), its action mentions
    in the selected sentences, and the event each refers to."""
    root = ET.parse(path).getroot()
    tokens = root.findall("token")
    is_plus = path.stem.endswith("ecbplus")
    url = "".join(t.text or "" for t in tokens if t.get("sentence") == "0")
    offsets: dict[str, Span] = {}
    sentence_of: dict[str, int] = {}
    parts: list[str] = []
    offset = 0
    previous: int | None = None
    spans: dict[int, Span] = {}
    for token in tokens:
        number = int(token.get("sentence", "0"))
        if is_plus and number == 0:
            continue  # the source URL, not text
        if previous is not None:
            gap = "\n\n" if number != previous else " "
            parts.append(gap)
            offset += len(gap)
        words = token.text or ""
        token_id = token.get("t_id", "")
        offsets[token_id] = (offset, offset + len(words))
        sentence_of[token_id] = number
        start = spans.get(number, (offset, offset))[0]
        spans[number] = (start, offset + len(words))
        parts.append(words)
        offset += len(words)
        previous = number
    dated = URL_DATE.search(url) if is_plus and url_dates else None
    published = NOMINAL_DAY
    if dated:
        try:
            published = dt.date(int(dated[1]), int(dated[2]), int(dated[3]))
        except ValueError:
            published = NOMINAL_DAY
    host = urlparse(url.strip()).netloc.removeprefix("www.") if is_plus else ""
    document = EcbDocument(path.stem, topic, "".join(parts), published, host or None)
    document.selected = {spans[n] for n in selected if n in spans}
    # Which event each action mention refers to.
    chains: dict[str, str] = {}
    relations = root.find("Relations")
    for relation in relations if relations is not None else []:
        if relation.tag == "CROSS_DOC_COREF":
            chain = relation.get("note", "")
        elif relation.tag == "INTRA_DOC_COREF":
            chain = f"{path.stem}/{relation.get('r_id')}"
        else:
            continue
        for source in relation.findall("source"):
            chains[source.get("m_id", "")] = chain
    markables = root.find("Markables")
    for mark in markables if markables is not None else []:
        anchors = [a.get("t_id", "") for a in mark.findall("token_anchor")]
        if not mark.tag.startswith(ACTION_TAGS) or not anchors:
            continue
        found = [offsets[a] for a in anchors if a in offsets]
        if not found:
            continue
        span = (min(s for s, _ in found), max(e for _, e in found))
        m_id = mark.get("m_id", "")
        chain = chains.get(m_id, f"{path.stem}/m{m_id}")
        chosen = all(sentence_of.get(a) in selected for a in anchors)
        document.mentions.append(GoldMention(path.stem, span, chain, chosen))
    return document


def read_corpus(folder: Path, url_dates: bool = False) -> list[EcbDocument]:
    selected: defaultdict[str, set[int]] = defaultdict(set)
    with (folder / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            selected[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    documents = []
    for path in sorted((folder / "ECB+").glob("*/*.xml")):
        topic = path.parent.name
        if path.stem in selected:
            documents.append(read_document(path, topic, selected[path.stem], url_dates))
    return documents


# -- scoring ------------------------------------------------------------------------------


@dataclass
class Scores:
    mentions: int  # gold mentions that a coded event stands for
    pair_precision: float
    pair_recall: float
    pair_f1: float
    b3_precision: float
    b3_recall: float
    b3_f1: float
    predicted_pairs: int
    gold_pairs: int


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(assigned: Sequence[tuple[str, str]]) -> Scores:
    """``assigned``: (gold chain, predicted cluster) per scored mention."""
    predicted_pairs = gold_pairs = both = 0
    for (gold_a, pred_a), (gold_b, pred_b) in combinations(assigned, 2):
        same_gold, same_pred = gold_a == gold_b, pred_a == pred_b
        gold_pairs += same_gold
        predicted_pairs += same_pred
        both += same_gold and same_pred
    precision = both / predicted_pairs if predicted_pairs else 0.0
    recall = both / gold_pairs if gold_pairs else 0.0
    by_gold: defaultdict[str, list[int]] = defaultdict(list)
    by_pred: defaultdict[str, list[int]] = defaultdict(list)
    for index, (gold, pred) in enumerate(assigned):
        by_gold[gold].append(index)
        by_pred[pred].append(index)
    b3_p = b3_r = 0.0
    for gold, pred in assigned:
        shared = len(set(by_gold[gold]) & set(by_pred[pred]))
        b3_p += shared / len(by_pred[pred])
        b3_r += shared / len(by_gold[gold])
    n = len(assigned) or 1
    b3_p, b3_r = b3_p / n, b3_r / n
    return Scores(
        len(assigned),
        round(precision, 3),
        round(recall, 3),
        round(_f1(precision, recall), 3),
        round(b3_p, 3),
        round(b3_r, 3),
        round(_f1(b3_p, b3_r), 3),
        predicted_pairs,
        gold_pairs,
    )


def align(
    documents: Iterable[EcbDocument], coded: dict[str, CodedArticle], everywhere: bool = False
) -> dict[tuple[str, Span], tuple[GoldMention, str]]:
    """The gold mention each coded event stands for: (document, mention span) → (mention, the
    first coded event's id); in the selected sentences, or ``everywhere``."""
    found: dict[tuple[str, Span], tuple[GoldMention, str]] = {}
    for document in documents:
        article = coded.get(document.name)
        if article is None:
            continue
        for event in article.events:
            trigger = event.trigger_span
            if trigger is None:
                continue
            best, overlap = None, 0
            for mention in document.mentions:
                if not (mention.selected or everywhere):
                    continue
                shared = min(trigger[1], mention.span[1]) - max(trigger[0], mention.span[0])
                if shared > overlap:
                    best, overlap = mention, shared
            if best is not None:
                found.setdefault((document.name, best.span), (best, event.id))
    return found


def merged_events(store: EventStore) -> dict[str, str]:
    """Each stored coded event's merged event, by id."""
    result: dict[str, str] = {}
    for cluster in list(store.clusters()):
        explanation = store.explain(str(cluster.id))
        if explanation is None:
            continue
        for member in explanation.members:
            result[member.mention.event_id] = f"{store.path}#{cluster.id}"
    return result


def code_documents(documents: Sequence[EcbDocument], coder: Coder) -> dict[str, CodedArticle]:
    coded: dict[str, CodedArticle] = {}
    articles = [d.article() for d in documents]
    for start in range(0, len(articles), 20):
        for result in code_batch(articles[start : start + 20], coder):
            if isinstance(result, CodedArticle):
                coded[result.article.article.id] = result
    return coded


def merge(
    documents: Sequence[EcbDocument], coded: dict[str, CodedArticle], config: ClusterConfig
) -> dict[str, dict[str, str]]:
    """Each coded event's merged event, by setting: within topic, and whole corpus."""
    whole = EventStore(":memory:", clustering=config)
    topics: dict[str, EventStore] = {}
    for document in documents:
        article = coded.get(document.name)
        if article is None:
            continue
        if document.topic not in topics:
            topics[document.topic] = EventStore(f":memory:t{document.topic}", clustering=config)
        whole.add(article)
        topics[document.topic].add(article)
    within: dict[str, str] = {}
    for topic, store in topics.items():
        within |= {event: f"{topic}/{merged}" for event, merged in merged_events(store).items()}
    return {"within topic": within, "whole corpus": merged_events(whole)}


def report(
    documents: Sequence[EcbDocument], coded: dict[str, CodedArticle], config: ClusterConfig
) -> dict[str, object]:
    merged = merge(documents, coded, config)
    topic_of = {d.name: d.topic for d in documents}
    cameo_of = {e.id: e.cameo for a in coded.values() for e in a.events}
    scopes: dict[str, object] = {}
    for scope, everywhere in (("selected sentences", False), ("all annotated sentences", True)):
        mentions = list(align(documents, coded, everywhere).values())
        results = {
            name: score([(m.chain, assigned[e]) for m, e in mentions])
            for name, assigned in merged.items()
        }
        results["baseline: every mention alone"] = score(
            [(m.chain, str(i)) for i, (m, _) in enumerate(mentions)]
        )
        results["baseline: topic and CAMEO root"] = score(
            [(m.chain, f"{topic_of[m.document]}/{cameo_of[e][:2]}") for m, e in mentions]
        )
        scopes[scope] = {
            "gold_mentions": sum(
                1 for d in documents for m in d.mentions if m.selected or everywhere
            ),
            "scored_mentions": len(mentions),
            "scores": {name: vars(result) for name, result in results.items()},
        }
    return {
        "documents": len(documents),
        "coded_events": sum(len(a.events) for a in coded.values()),
        "window_days": config.window_days,
        "scopes": scopes,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ecbplus", type=Path, default=DEFAULT_ECBPLUS)
    parser.add_argument("--window", type=int, default=ClusterConfig().window_days)
    parser.add_argument(
        "--url-dates",
        action="store_true",
        help="publish a document on the date in its source URL, when there is one",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if not (args.ecbplus / "ECB+").is_dir():
        print(f"skipped: no ECB+ corpus at {args.ecbplus}", file=sys.stderr)
        return 0
    started = time.perf_counter()
    documents = read_corpus(args.ecbplus, args.url_dates)
    coded = code_documents(documents, Coder.load())
    result = report(documents, coded, ClusterConfig(window_days=args.window))
    result["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"ECB+: {result['documents']} documents, {result['coded_events']} coded events; "
        f"window {result['window_days']} days; {result['seconds']} s"
    )
    scopes = result["scopes"]
    assert isinstance(scopes, dict)
    for scope, found in scopes.items():
        print(
            f"\n{scope}: {found['scored_mentions']} of {found['gold_mentions']} gold action "
            "mentions have a coded event"
        )
        print(f"{'':34} {'pairwise P':>10} {'R':>6} {'F1':>6}   {'B3 P':>6} {'R':>6} {'F1':>6}")
        for name, s in found["scores"].items():
            print(
                f"{name:34} {s['pair_precision']:>10.3f} {s['pair_recall']:>6.3f} "
                f"{s['pair_f1']:>6.3f}   {s['b3_precision']:>6.3f} {s['b3_recall']:>6.3f} "
                f"{s['b3_f1']:>6.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
