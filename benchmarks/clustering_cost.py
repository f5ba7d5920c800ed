"""What merging costs per new article as the store grows: 10k, 100k and 1M stored events.

    python benchmarks/clustering_cost.py [--sizes 10000,100000,1000000] [--articles 300]
                                          [--rounds 3]

For each size, a store is filled with synthetic coded events by DuckDB SQL (no text is coded):
articles of ten events each, every event in a merged event of two, with the article
fingerprints and band keys of near-duplicate detection. The archive grows as a real one does,
in time at a steady rate (2,000 events a day, so 1M events span 500 days), with actors drawn
from 150 countries, a few of them far more often than the rest (as news is), and 20 CAMEO
roots. Then ``--articles`` new articles (ten events each, dated the day after the last,
300 words of text) are stored one by one with ``EventStore.add``, in ``--rounds`` rounds that
take the sizes in turn, and the time spent placing each among copies and merged events
(``MergeTables.add``, fingerprint included) is measured, as is the whole ``add``; medians and
90th percentiles are printed. Flat figures across sizes are the point.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from communique.dedupe import DedupeConfig
from communique.records import (
    Actor,
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    EventDate,
    Mention,
    Passage,
    Sentence,
)
from communique.store.duckdb import EventStore

EVENTS_PER_ARTICLE = 10
EVENTS_PER_DAY = 2_000
COUNTRIES = 150
ROOTS = 20
FIRST_DAY = dt.date(2020, 1, 1)
WORDS = [f"w{i}" for i in range(5_000)]


def country(u: float) -> str:
    """A country code from a uniform number: skewed, the first few far more often."""
    return f"C{int(COUNTRIES * u**3):02d}"


# The same draws in SQL: u is a hash of the cluster number and a salt, mapped to [0, 1).
_U = "((hash(c, {salt}) % 1000000)::DOUBLE / 1000000)"
_COUNTRY = f"'C' || lpad(floor({COUNTRIES} * pow({_U}, 3))::INTEGER::VARCHAR, 2, '0')"


def fill(path: Path, events: int) -> float:
    """Fill a new store with ``events`` synthetic stored events; seconds taken."""
    started = time.perf_counter()
    EventStore(path).close()  # the schema, as the library makes it
    db = duckdb.connect(str(path))
    version = DedupeConfig().version
    db.execute("BEGIN TRANSACTION")
    db.execute(
        f"""CREATE TEMP TABLE synthetic AS
        SELECT e, e // {EVENTS_PER_ARTICLE} AS a, c,
               DATE '{FIRST_DAY}' + (e // {EVENTS_PER_DAY})::INTEGER AS day,
               lpad(((hash(c, 0) % {ROOTS}) + 1)::VARCHAR, 2, '0') AS root,
               {_COUNTRY.format(salt=1)} AS x, {_COUNTRY.format(salt=2)} AS y
        FROM (SELECT e, e // 2 AS c FROM range({events}) t(e))"""
    )
    db.execute(
        """INSERT INTO articles (id, origin, source, published, text, sentences, coded_at)
        SELECT 'a' || a, 'synthetic', 'outlet' || (a % 500), min(day), 'synthetic', 1, now()
        FROM synthetic GROUP BY a"""
    )
    db.execute(
        """INSERT INTO events (id, article_id, date, date_precision, source_code,
            source_country, target_code, target_country, cameo, quad_class, goldstein,
            confidence, sentence_index, sentence, span_start, span_end)
        SELECT 'e' || e, 'a' || a, day, 'day', x, x, y, y, root || '0', 1, 0.0, 0.8, 0,
               'synthetic', 0, 9
        FROM synthetic"""
    )
    db.execute(
        """INSERT INTO clusters
        SELECT c, min(root) || '0', NULL, 1, 0.0, min(x), min(x), 'state', NULL,
               min(y), min(y), 'state', NULL, min(day), max(day), true,
               NULL, NULL, NULL, NULL, count(*), count(DISTINCT a), count(DISTINCT a), 1,
               0.96, min(day), max(day)
        FROM synthetic GROUP BY c"""
    )
    db.execute(
        """INSERT INTO cluster_keys
        SELECT k, c FROM (
            SELECT c, unnest([
                min(root) || '|' || least(min(x), min(y)) || '|' || greatest(min(x), min(y))
                    || '|' || strftime(min(day), '%G-W%V'),
                min(root) || '|' || min(x) || '|*|' || strftime(min(day), '%G-W%V'),
                min(root) || '|' || min(y) || '|*|' || strftime(min(day), '%G-W%V')]) AS k
            FROM synthetic GROUP BY c)
        GROUP BY k, c"""
    )
    db.execute(
        """INSERT INTO cluster_members
        SELECT 'e' || e, c, e, 'a' || a, 'outlet' || (a % 500), 'outlet' || (a % 500), day,
               0.8, []
        FROM synthetic"""
    )
    db.execute(
        f"""INSERT INTO article_signatures
        SELECT 'a' || a, md5('a' || a), unhex(repeat(md5(a::VARCHAR), 32)), '{version}'
        FROM (SELECT DISTINCT a FROM synthetic)"""
    )
    db.execute(
        """INSERT INTO article_bands
        SELECT (hash(a, b) >> 1)::BIGINT, 'a' || a
        FROM (SELECT DISTINCT a FROM synthetic), range(26) t(b)"""
    )
    db.execute("SELECT setval('cluster_ids', (SELECT max(id) + 1 FROM clusters))")
    db.execute("SELECT setval('cluster_member_seq', (SELECT max(seq) + 1 FROM cluster_members))")
    db.execute("COMMIT")
    db.close()
    return time.perf_counter() - started


def new_article(number: int, day: dt.date, rng: random.Random) -> CodedArticle:
    """A coded article as the pipeline would give it, made by hand."""
    article_id = f"new{number}"
    text = " ".join(rng.choice(WORDS) for _ in range(300))
    article = Article(id=article_id, text=text, published=day, source=f"outlet{number % 50}")
    clean = CleanArticle(article, (Passage(text, 0),))
    sentence = Sentence(0, text[:40], (0, 40))
    events = []
    for index in range(EVENTS_PER_ARTICLE):
        x, y = country(rng.random()), country(rng.random())
        root = f"{rng.randrange(ROOTS) + 1:02d}"
        events.append(
            Event(
                id=f"{article_id}-{index}",
                article_id=article_id,
                sentence=sentence,
                source=Mention(Actor(x, x, None, "state"), x, (0, 3)),
                target=Mention(Actor(y, y, None, "state"), y, (5, 8)),
                cameo=f"{root}0",
                plover=None,
                quad_class=1,
                goldstein=0.0,
                confidence=0.8,
                date=EventDate(day, "day", "publication"),
            )
        )
    return CodedArticle(clean, (sentence,), (), tuple(events))


def measure(path: Path, events: int, first: int, count: int) -> tuple[list[float], list[float]]:
    """Store ``count`` new articles (numbered from ``first``); the milliseconds of each whole
    add and of its merging."""
    day = FIRST_DAY + dt.timedelta(days=events // EVENTS_PER_DAY + 1)
    rng = random.Random(first)
    articles = [new_article(first + i, day, rng) for i in range(count)]
    whole: list[float] = []
    merging: list[float] = []
    with EventStore(path) as store:
        tables = store._merging  # the part measured apart
        place: Callable[[CodedArticle], None] = tables.add

        def timed(coded: CodedArticle) -> None:
            started = time.perf_counter()
            place(coded)
            merging.append((time.perf_counter() - started) * 1000)

        tables.add = timed  # type: ignore[method-assign]
        for article in articles:
            started = time.perf_counter()
            store.add(article)
            whole.append((time.perf_counter() - started) * 1000)
    return whole, merging


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--articles", type=int, default=300, help="new articles per size")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, sizes taken in turn")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    per_round = max(1, args.articles // args.rounds)
    with tempfile.TemporaryDirectory(prefix="communique-bench-") as folder:
        paths = {size: Path(folder) / f"store-{size}.duckdb" for size in sizes}
        filled = {size: fill(paths[size], size) for size in sizes}
        whole: dict[int, list[float]] = {size: [] for size in sizes}
        merging: dict[int, list[float]] = {size: [] for size in sizes}
        # Sizes in turn, so that a machine busy for a while weighs on all of them alike.
        for round_number in range(args.rounds):
            for size in sizes:
                added, merged = measure(paths[size], size, round_number * per_round, per_round)
                whole[size] += added
                merging[size] += merged
    print(
        f"{'stored events':>14} {'fill s':>7} {'merging ms/article':>19} {'p90':>6} "
        f"{'whole add ms':>13}"
    )
    for size in sizes:
        times = sorted(merging[size])
        print(
            f"{size:>14,} {filled[size]:>7.1f} {statistics.median(times):>19.2f} "
            f"{times[int(len(times) * 0.9)]:>6.2f} {statistics.median(whole[size]):>13.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
