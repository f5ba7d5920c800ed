"""Parquet parts: the rows of one batch of coded articles, as files of a Parquet dataset.

A distributed run with ``--output DIR`` writes each batch as one part: a file per table, the
events split by date in Hive's layout, so that DuckDB, pandas (pyarrow) and Spark read the
folder as one dataset and skip the dates a query does not ask for::

    DIR/events/date=2024-06-28/part-000003-0.parquet
    DIR/events/date=__HIVE_DEFAULT_PARTITION__/part-000003-0.parquet   (events without a date)
    DIR/articles/part-000003.parquet
    DIR/mentions/part-000003.parquet
    DIR/quotes/part-000003.parquet
    DIR/sightings/part-000003.parquet

The rows are those the store writes (the same functions make them, in ``store/duckdb.py``),
and the events carry the article columns of ``communique export --format parquet``
(``article_url``, ``article_title``, ``article_source``, ``article_published``). ``sightings``
holds the titled people each article introduced, in order (``seq``): what the store's actor
registry learns from. Merged events are not part of a part: merging compares an article with
everything stored before it, which only a store can do.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from communique.errors import StoreError
from communique.records import CodedArticle
from communique.store.duckdb import (
    _ARTICLE_INSERT,
    _ARTICLE_VALUES,
    _EVENT_COLUMNS,
    _QUOTE_COLUMNS,
    _SCHEMA,
    _article_row,
    _event_row,
    _mention_row,
    _quote_row,
)

TABLES = ("articles", "mentions", "events", "quotes", "sightings")
# Events by date, as Hive, Spark and pyarrow name partitions; DuckDB writes a missing date
# as __HIVE_DEFAULT_PARTITION__ and reads it back as NULL.
PARTITION = "date"

_SIGHTINGS = """
CREATE TABLE sightings (
    article_id VARCHAR, seq INTEGER, reference_date DATE,
    code VARCHAR, country VARCHAR, sector VARCHAR, kind VARCHAR, name VARCHAR, role VARCHAR,
    aliases VARCHAR[], evidence VARCHAR
);
"""
_EVENTS_WITH_ARTICLES = (
    "SELECT e.*, a.url AS article_url, a.title AS article_title, "
    "a.source AS article_source, a.published AS article_published "
    "FROM events e LEFT JOIN articles a ON a.id = e.article_id "
    "ORDER BY e.article_id, e.sentence_index, e.id"
)


def part_name(ordinal: int) -> str:
    """The file name stem of a batch's part: its place in the run's input order."""
    return f"part-{ordinal:06d}"


def write_part(coded: Sequence[CodedArticle], name: str) -> dict[str, bytes]:
    """The Parquet files of one batch, by path inside the dataset; a table without rows has
    no file."""
    db = duckdb.connect(":memory:")
    try:
        db.execute(_SCHEMA)
        db.execute(_SIGHTINGS)
        _insert_rows(db, coded)
        with tempfile.TemporaryDirectory(prefix="communique-part-") as folder:
            return _copy_tables(db, Path(folder), name)
    except duckdb.Error as error:
        raise StoreError(f"cannot write the Parquet part {name}: {error}") from None
    finally:
        db.close()


def _insert_rows(db: duckdb.DuckDBPyConnection, coded: Sequence[CodedArticle]) -> None:
    articles = [_article_row(c) for c in coded]
    mentions = [_mention_row(c.article.article.id, m) for c in coded for m in c.mentions]
    events = [_event_row(e) for c in coded for e in c.events]
    quotes = [_quote_row(q) for c in coded for q in c.quotes]
    sightings = [
        [
            c.article.article.id,
            seq,
            c.article.reference_date,
            s.actor.code,
            s.actor.country,
            s.actor.sector,
            s.actor.kind,
            s.actor.name,
            s.actor.role,
            list(s.aliases),
            s.evidence,
        ]
        for c in coded
        for seq, s in enumerate(c.sightings)
    ]
    _insert(db, f"articles ({_ARTICLE_INSERT})", articles, _ARTICLE_VALUES)
    _insert(db, "mentions", mentions)
    _insert(db, f"events ({_EVENT_COLUMNS})", events)
    _insert(db, f"quotes ({_QUOTE_COLUMNS})", quotes)
    _insert(db, "sightings", sightings)


def _insert(
    db: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Sequence[Any]],
    values: str | None = None,
) -> None:
    """All rows in one statement: DuckDB takes many rows far faster than row by row."""
    if not rows:
        return
    values = values or "(" + ", ".join("?" * len(rows[0])) + ")"
    db.execute(
        f"INSERT INTO {table} VALUES {', '.join([values] * len(rows))}",
        [value for row in rows for value in row],
    )


def _copy_tables(db: duckdb.DuckDBPyConnection, folder: Path, name: str) -> dict[str, bytes]:
    for table in TABLES:
        count = db.execute(f"SELECT count(*) FROM {table}").fetchone()
        if not count or not count[0]:
            continue
        if table == "events":
            db.execute(
                f"COPY ({_EVENTS_WITH_ARTICLES}) TO '{folder / table}' (FORMAT PARQUET, "
                f"PARTITION_BY ({PARTITION}), FILENAME_PATTERN '{name}-{{i}}')"
            )
        else:
            (folder / table).mkdir()
            db.execute(
                f"COPY (SELECT * FROM {table}) TO '{folder / table / name}.parquet' "
                "(FORMAT PARQUET)"
            )
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*.parquet"))
    }
