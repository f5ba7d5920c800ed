"""Throughput and peak memory: communique's pipeline against bare spaCy, same articles, same run.

    python benchmarks/throughput.py [CORPUS] [--articles N] [--rounds R]

Each measurement runs in a fresh process (so peak memory is its own), alternating bare spaCy
(the full model, every component, ``nlp.pipe``) and communique (read → clean → annotate →
actors → events → time & place → store into a temporary DuckDB), R rounds. Reported: articles/s,
words/s and peak RSS per side as medians over the rounds, and the median of the per-round
speed ratios (communique / bare; above 1.0 means communique is faster).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "bbc-fulltext"


def _articles(corpus: str, limit: int) -> list:  # type: ignore[type-arg]
    from communique.readers import read_inputs
    from communique.records import Article

    articles = []
    for item in read_inputs([corpus]):
        if isinstance(item, Article):
            articles.append(item)
            if len(articles) >= limit:
                break
    return articles


def _measure(mode: str, corpus: str, limit: int) -> dict[str, float]:
    """One side, in this process; prints its figures as JSON."""
    articles = _articles(corpus, limit)
    words = sum(len(a.text.split()) for a in articles)
    if mode == "bare":
        import spacy

        from communique.annotate import MODEL

        nlp = spacy.load(MODEL)
        started = time.perf_counter()
        for _ in nlp.pipe((a.text for a in articles), batch_size=32):
            pass
        events = 0
    else:
        from communique.pipeline import Coder, code_batch
        from communique.records import CodedArticle
        from communique.store.duckdb import EventStore

        coder = Coder.load()
        events = 0
        with tempfile.TemporaryDirectory() as folder:
            store = EventStore(Path(folder) / "bench.duckdb")
            started = time.perf_counter()
            size = coder.config.articles_per_batch
            for i in range(0, len(articles), size):
                for result in code_batch(articles[i : i + size], coder):
                    if isinstance(result, CodedArticle):
                        store.add(result)
                        events += len(result.events)
            store.close()
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "articles": len(articles),
        "words": words,
        "seconds": elapsed,
        "articles_per_s": len(articles) / elapsed,
        "words_per_s": words / elapsed,
        "peak_mb": peak_mb,
        "events": events,
    }


def _run_side(mode: str, corpus: str, limit: int) -> dict[str, float]:
    command = [sys.executable, __file__, corpus, "--articles", str(limit), "--side", mode]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--side", choices=("bare", "ours"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not Path(args.corpus).exists():
        sys.exit(f"{args.corpus}: no such corpus folder (give any folder of articles)")
    if args.side:
        print(json.dumps(_measure(args.side, args.corpus, args.articles)))
        return
    bare_runs, our_runs = [], []
    for round_number in range(1, args.rounds + 1):
        bare = _run_side("bare", args.corpus, args.articles)
        ours = _run_side("ours", args.corpus, args.articles)
        bare_runs.append(bare)
        our_runs.append(ours)
        print(
            f"round {round_number}: bare {bare['words_per_s']:,.0f} words/s, "
            f"communique {ours['words_per_s']:,.0f} words/s, "
            f"ratio {ours['words_per_s'] / bare['words_per_s']:.2f}",
            flush=True,
        )

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    ratio = statistics.median(
        o["words_per_s"] / b["words_per_s"] for o, b in zip(our_runs, bare_runs, strict=True)
    )
    print(
        f"\ncorpus {args.corpus}: {int(bare_runs[0]['articles'])} articles, "
        f"{int(bare_runs[0]['words']):,} words; medians of {args.rounds} rounds"
    )
    print(f"{'':12} {'articles/s':>11} {'words/s':>10} {'peak MB':>9}")
    for name, runs in (("bare spaCy", bare_runs), ("communique", our_runs)):
        print(
            f"{name:12} {median(runs, 'articles_per_s'):11.1f} "
            f"{median(runs, 'words_per_s'):10,.0f} {median(runs, 'peak_mb'):9.0f}"
        )
    print(
        f"speed ratio communique / bare spaCy: {ratio:.2f} "
        f"(events coded: {int(median(our_runs, 'events'))})"
    )


if __name__ == "__main__":
    main()
