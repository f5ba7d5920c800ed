"""The tables of merging: copies of articles, and events as clusters of their mentions.

``EventStore`` calls ``MergeTables`` inside the transaction that stores (or re-stores) an
article, so that an article is never stored without its place among copies and clusters, nor
the other way round. Only the candidates a new article can join are read: its copies through
the indexed LSH band keys, its clusters through their indexed blocking keys. The cost of one
article therefore stays flat as the store grows.

Tables (all new, none of the coding tables changes):

- ``article_signatures``: each article's content hash and MinHash signature;
  ``article_bands``: its LSH band keys, indexed;
- ``article_groups``: one row per article found in a group of copies, with the stored article
  it copies, how (exact or near, and how similar), and which member is the original (the first
  published; the first stored among those without a date);
- ``clusters``: one row per event, with what its reports say together, and its counts;
  ``cluster_keys``: its blocking keys, indexed;
- ``cluster_members``: one row per coded event (``events.id``), with the cluster it is in, in
  the order they joined, what merging compared of it, and the reasons it was merged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from communique import cluster as merging
from communique import dedupe
from communique.cluster import (
    Cluster,
    ClusterConfig,
    Counts,
    EventMention,
    Evidence,
    Party,
    Reporting,
    Spot,
)
from communique.dedupe import DedupeConfig, Fingerprint
from communique.records import CodedArticle

SCHEMA = """
CREATE TABLE IF NOT EXISTS article_signatures (
    article_id VARCHAR, content_hash VARCHAR, signature BLOB, version VARCHAR
);
CREATE TABLE IF NOT EXISTS article_bands (band_key BIGINT, article_id VARCHAR);
CREATE TABLE IF NOT EXISTS article_groups (
    article_id VARCHAR,
    group_id VARCHAR,
    copy_of VARCHAR,
    exact BOOLEAN,
    similarity DOUBLE,
    original BOOLEAN
);
CREATE TABLE IF NOT EXISTS clusters (
    id BIGINT,
    cameo VARCHAR, plover VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    source_code VARCHAR, source_country VARCHAR, source_kind VARCHAR, source_name VARCHAR,
    target_code VARCHAR, target_country VARCHAR, target_kind VARCHAR, target_name VARCHAR,
    date_first DATE, date_last DATE, day_dated BOOLEAN,
    place_name VARCHAR, place_country VARCHAR, place_precision VARCHAR, place_origin VARCHAR,
    mentions INTEGER, articles INTEGER, sources INTEGER, independent_sources INTEGER,
    confidence DOUBLE, first_seen DATE, last_seen DATE
);
CREATE TABLE IF NOT EXISTS cluster_keys (key VARCHAR, cluster_id BIGINT);
CREATE TABLE IF NOT EXISTS cluster_members (
    event_id VARCHAR,
    cluster_id BIGINT,
    seq BIGINT,
    article_id VARCHAR,
    outlet VARCHAR,
    witness VARCHAR,
    seen DATE,
    confidence DOUBLE,
    reasons VARCHAR[]
);
CREATE SEQUENCE IF NOT EXISTS cluster_ids START 1;
CREATE SEQUENCE IF NOT EXISTS cluster_member_seq START 1;
CREATE INDEX IF NOT EXISTS article_signatures_id ON article_signatures (article_id);
CREATE INDEX IF NOT EXISTS article_bands_key ON article_bands (band_key);
CREATE INDEX IF NOT EXISTS article_groups_article ON article_groups (article_id);
CREATE INDEX IF NOT EXISTS article_groups_group ON article_groups (group_id);
CREATE INDEX IF NOT EXISTS clusters_id ON clusters (id);
CREATE INDEX IF NOT EXISTS cluster_keys_key ON cluster_keys (key);
CREATE INDEX IF NOT EXISTS cluster_members_cluster ON cluster_members (cluster_id);
CREATE INDEX IF NOT EXISTS cluster_members_article ON cluster_members (article_id);
"""

TABLES = (
    "article_signatures",
    "article_bands",
    "article_groups",
    "clusters",
    "cluster_keys",
    "cluster_members",
)

_CLUSTER_COLUMNS = (
    "id, cameo, plover, quad_class, goldstein, "
    "source_code, source_country, source_kind, source_name, "
    "target_code, target_country, target_kind, target_name, "
    "date_first, date_last, day_dated, "
    "place_name, place_country, place_precision, place_origin, "
    "mentions, articles, sources, independent_sources, confidence, first_seen, last_seen"
)
_MEMBER_COLUMNS = (
    "event_id, cluster_id, seq, article_id, outlet, witness, seen, confidence, reasons"
)
# What a mention is, of its coded event (the ``events`` table keeps it).
_EVENT_COLUMNS = (
    "id, article_id, sentence_index, sentence, span_start, span_end, "
    "cameo, plover, quad_class, goldstein, confidence, "
    "source_code, source_country, source_kind, source_name, "
    "target_code, target_country, target_kind, target_name, "
    "date, date_precision, location_name, location_country, location_precision, "
    "location_origin"
)
_GROUP_COLUMNS = "article_id, group_id, copy_of, exact, similarity, original"


@dataclass(frozen=True, slots=True)
class ArticleCopy:
    """An article's place in a group of copies."""

    article_id: str
    group_id: str
    copy_of: str | None  # the stored article it was found to copy; None for the first
    exact: bool
    similarity: float | None
    original: bool  # the group's first published member


@dataclass(frozen=True, slots=True)
class Member:
    """A mention as a member of its cluster: why it was merged, and its article's copies."""

    mention: EventMention
    seq: int  # the order it joined in
    reasons: tuple[str, ...]
    copy: ArticleCopy | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """A cluster with all its members, for ``events --explain``."""

    cluster: Cluster
    members: tuple[Member, ...]
    asked: str  # the id asked about: the cluster's, or one of its events'


class MergeTables:
    """The merging tables of one store's connection. Every write runs inside the caller's
    transaction.

    DuckDB takes a statement's parameters one by one and each column of an insert at a cost,
    so the writes are few and narrow: lists go in as one parameter, members keep only what
    is theirs (the rest of a mention is its row in ``events``), and keys are rewritten only
    when they change."""

    def __init__(
        self,
        db: duckdb.DuckDBPyConnection,
        clusters: ClusterConfig | None = None,
        copies: DedupeConfig | None = None,
    ) -> None:
        self._db = db
        self.cluster_config = clusters or ClusterConfig()
        self.copy_config = copies or DedupeConfig()

    def create(self) -> None:
        self._db.execute(SCHEMA)
        # How the store merges from now on, as the coder's version is kept with each event.
        clusters, copies = self.cluster_config, self.copy_config
        self._db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('merging', ?)",
            [f"{clusters.rules.version}+window-{clusters.window_days}+{copies.version}"],
        )

    def exists(self) -> bool:
        """Whether the store has the tables (one written before merging, opened read-only,
        does not)."""
        row = self._db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ANY(?)",
            [list(TABLES)],
        ).fetchone()
        return row is not None and int(row[0]) == len(TABLES)

    # -- writing --------------------------------------------------------------------------

    def add(self, coded: CodedArticle) -> None:
        """Place a newly stored article among the copies, and its events among the clusters."""
        fingerprint = self._fingerprint_of(coded)
        copy = self._join_copies(coded.article.article.id, fingerprint) if fingerprint else None
        self._place(coded, copy)

    def replace(self, coded: CodedArticle) -> None:
        """Place a re-coded article again: its old events leave their clusters (which are
        rebuilt from the members left, or dropped when none is left), and its new events are
        placed as a new article's would be. Other articles' members stay where they are."""
        article_id = coded.article.article.id
        left = self._column(
            "SELECT DISTINCT cluster_id FROM cluster_members WHERE article_id = ?", [article_id]
        )
        self._db.execute("DELETE FROM cluster_members WHERE article_id = ?", [article_id])
        self._rebuild(left)
        fingerprint = self._fingerprint_of(coded)
        stored = self._column(
            "SELECT content_hash FROM article_signatures WHERE article_id = ? AND version = ?",
            [article_id, self.copy_config.version],
        )
        if fingerprint is not None and stored == [fingerprint.content_hash]:
            copy = self._copy_of(article_id)
        else:
            # Cleaning changed what the article says (or the fingerprint's settings did):
            # find its copies anew.
            self._forget_article(article_id)
            copy = self._join_copies(article_id, fingerprint) if fingerprint else None
        self._place(coded, copy)

    # copies

    def _fingerprint_of(self, coded: CodedArticle) -> Fingerprint | None:
        return dedupe.fingerprint(dedupe.cleaned_text(coded.article), self.copy_config)

    def _join_copies(self, article_id: str, fingerprint: Fingerprint) -> ArticleCopy | None:
        """Store the article's fingerprint, and join it to the group of the stored article it
        copies, if any; returns its place in that group."""
        version = self.copy_config.version
        found: list[tuple[str, str, bytes]] = []
        keys = list(fingerprint.keys)
        near = self._distinct(
            f"SELECT article_id FROM article_bands WHERE band_key IN {_marks(keys)}", keys
        )
        if near:
            rows = self._db.execute(
                "SELECT article_id, content_hash, signature FROM article_signatures "
                f"WHERE article_id IN {_marks(near)} AND version = ? ORDER BY article_id",
                [*near, version],
            ).fetchall()
            found = [(row[0], row[1], bytes(row[2])) for row in rows]
        self._db.execute(
            "INSERT INTO article_signatures VALUES (?, ?, ?, ?)",
            [article_id, fingerprint.content_hash, fingerprint.signature, version],
        )
        self._db.execute(
            "INSERT INTO article_bands SELECT unnest(?::BIGINT[]), ?",
            [list(fingerprint.keys), article_id],
        )
        copy = dedupe.best_copy(fingerprint, found, self.copy_config)
        if copy is None:
            return None
        group = self._copy_of(copy.article_id)
        group_id = group.group_id if group else copy.article_id
        if group is None:
            self._db.execute(
                "INSERT INTO article_groups VALUES (?, ?, NULL, NULL, NULL, false)",
                [copy.article_id, group_id],
            )
        self._db.execute(
            "INSERT INTO article_groups VALUES (?, ?, ?, ?, ?, false)",
            [article_id, group_id, copy.article_id, copy.exact, copy.similarity],
        )
        self._elect_original(group_id)
        return self._copy_of(article_id)

    def _elect_original(self, group_id: str) -> None:
        """Mark the group's first published member as its original (ties: the first stored)."""
        members = self._column(
            "SELECT article_id FROM article_groups WHERE group_id = ?", [group_id]
        )
        # Lookups by key, not a join: a join would read every article.
        first = self._column(
            f"SELECT id FROM articles WHERE id IN {_marks(members)} "
            "ORDER BY published NULLS LAST, coded_at, id LIMIT 1",
            members,
        )
        self._db.execute(
            "UPDATE article_groups SET original = (article_id = ?) WHERE group_id = ?",
            [first[0] if first else None, group_id],
        )

    def _copy_of(self, article_id: str) -> ArticleCopy | None:
        row = self._db.execute(
            f"SELECT {_GROUP_COLUMNS} FROM article_groups WHERE article_id = ?", [article_id]
        ).fetchone()
        return _article_copy(row) if row else None

    def _forget_article(self, article_id: str) -> None:
        """Take an article out of the copies: its fingerprint, and its group (a group left
        with one member is no group)."""
        self._db.execute("DELETE FROM article_signatures WHERE article_id = ?", [article_id])
        self._db.execute("DELETE FROM article_bands WHERE article_id = ?", [article_id])
        copy = self._copy_of(article_id)
        if copy is None:
            return
        self._db.execute("DELETE FROM article_groups WHERE article_id = ?", [article_id])
        # Those found to copy it stay in the group, copying no one found.
        self._db.execute(
            "UPDATE article_groups SET copy_of = NULL, exact = NULL, similarity = NULL "
            "WHERE group_id = ? AND copy_of = ?",
            [copy.group_id, article_id],
        )
        left = self._column(
            "SELECT count(*) FROM article_groups WHERE group_id = ?", [copy.group_id]
        )
        if left and int(left[0]) <= 1:
            self._db.execute("DELETE FROM article_groups WHERE group_id = ?", [copy.group_id])
        else:
            self._elect_original(copy.group_id)

    def _reporting(self, coded: CodedArticle, copy: ArticleCopy | None) -> Reporting:
        article, dateline = coded.article.article, coded.article.dateline
        original_outlet = None
        if copy is not None and not copy.original:
            original = self._column(
                "SELECT article_id FROM article_groups WHERE group_id = ? AND original",
                [copy.group_id],
            )
            row = self._db.execute(
                "SELECT source, agency FROM articles WHERE id = ?", original[:1] or [None]
            ).fetchone()
            original_outlet = (row[0] or row[1]) if row else None
        return merging.reporting_of(
            article.id,
            article.source,
            dateline.agency if dateline else None,
            article.published,
            original_outlet,
        )

    # clusters

    def _place(self, coded: CodedArticle, copy: ArticleCopy | None) -> None:
        """Place the article's events among the clusters."""
        if not coded.events:
            return
        config = self.cluster_config
        reporting = self._reporting(coded, copy)
        mentions = [merging.mention_of(event, reporting) for event in coded.events]
        keys = sorted({key for m in mentions for key in merging.lookup_keys(m, config)})
        near = self._distinct(
            f"SELECT cluster_id FROM cluster_keys WHERE key IN {_marks(keys)}", keys
        )
        candidates = self._clusters_where(f"id IN {_marks(near)}", near)
        copies = self._clusters_with_copies(coded.article.article.id, copy)
        plan = merging.plan(mentions, candidates, config, copies)
        started = sum(1 for cluster_id in plan.clusters if cluster_id < 0)
        numbers, seqs = self._numbers(started, len(plan.placements))
        ids = {old: numbers.pop(0) if old < 0 else old for old in sorted(plan.clusters)}
        _insert(
            self._db,
            "cluster_members",
            _MEMBER_COLUMNS,
            [
                _member_row(p.mention, ids[p.cluster_id], seq, p.reasons)
                for p, seq in zip(plan.placements, seqs, strict=True)
            ],
        )
        before = {c.id: c.keys for c in candidates if c.id in plan.clusters}
        self._write_clusters(
            [dataclasses.replace(c, id=ids[c.id]) for c in plan.clusters.values()], before
        )

    def _clusters_with_copies(self, article_id: str, copy: ArticleCopy | None) -> frozenset[int]:
        """The clusters holding an event of a copy of the article."""
        if copy is None:
            return frozenset()
        mates = self._column(
            "SELECT article_id FROM article_groups WHERE group_id = ? AND article_id <> ?",
            [copy.group_id, article_id],
        )
        found = self._column(
            f"SELECT cluster_id FROM cluster_members WHERE article_id IN {_marks(mates)}", mates
        )
        return frozenset(int(cluster_id) for cluster_id in found)

    def _rebuild(self, cluster_ids: Sequence[int]) -> None:
        """Rebuild clusters from the members they have left; drop those left empty."""
        if not cluster_ids:
            return
        stored = self._clusters_where(f"id IN {_marks(cluster_ids)}", cluster_ids)
        before = {c.id: c.keys for c in stored}
        members = self._members(cluster_ids)
        rebuilt = [
            merging.rebuild(cid, [m.mention for m in members[cid]], self.cluster_config)
            for cid in cluster_ids
            if members.get(cid)
        ]
        self._write_clusters(rebuilt, before)

    def _write_clusters(
        self, clusters: Sequence[Cluster], before: dict[int, tuple[str, ...]]
    ) -> None:
        """Store ``clusters`` with their counts taken afresh from their members, in place of
        the rows of ``before`` (stored clusters, with their keys then); a stored cluster not
        among ``clusters`` is dropped. Keys are rewritten where they changed."""
        stored = [cluster_id for cluster_id in before if cluster_id > 0]
        if stored:
            self._db.execute(f"DELETE FROM clusters WHERE id IN {_marks(stored)}", stored)
        evidence: defaultdict[int, list[Evidence]] = defaultdict(list)
        ids = [c.id for c in clusters]
        if ids:
            for row in self._db.execute(
                "SELECT cluster_id, article_id, outlet, witness, seen, confidence "
                f"FROM cluster_members WHERE cluster_id IN {_marks(ids)}",
                ids,
            ).fetchall():
                evidence[row[0]].append(Evidence(*row[1:]))
        _insert(
            self._db,
            "clusters",
            _CLUSTER_COLUMNS,
            [_cluster_row(c, merging.count(evidence[c.id])) for c in clusters],
        )
        now = {c.id: c.keys for c in clusters}
        stale = [(key, cid) for cid, keys in before.items() if now.get(cid) != keys for key in keys]
        if stale:
            self._db.execute(
                f"DELETE FROM cluster_keys WHERE key IN {_marks(stale)} "
                f"AND cluster_id IN {_marks(stale)}",
                [key for key, _ in stale] + [cid for _, cid in stale],
            )
        fresh = [(key, cid) for cid, keys in now.items() if before.get(cid) != keys for key in keys]
        if fresh:
            self._db.execute(
                "INSERT INTO cluster_keys SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[])",
                [[key for key, _ in fresh], [cid for _, cid in fresh]],
            )

    def _column(self, sql: str, params: Sequence[object]) -> list[Any]:
        return [row[0] for row in self._db.execute(sql, list(params)).fetchall()]

    def _distinct(self, sql: str, params: Sequence[object]) -> list[Any]:
        """A column's distinct values, sorted: a set here costs less than DISTINCT there."""
        return sorted(set(self._column(sql, params)))

    def _numbers(self, clusters: int, members: int) -> tuple[list[int], list[int]]:
        """New cluster ids and member sequence numbers, in one statement."""
        row = self._db.execute(
            "SELECT (SELECT list(nextval('cluster_ids') ORDER BY i) FROM range(?) t(i)), "
            "(SELECT list(nextval('cluster_member_seq') ORDER BY i) FROM range(?) t(i))",
            [clusters, members],
        ).fetchone()
        assert row is not None
        return sorted(row[0] or []), sorted(row[1] or [])

    # -- reading --------------------------------------------------------------------------

    def _clusters_where(self, where: str, params: Sequence[object]) -> list[Cluster]:
        cursor = self._db.execute(
            f"SELECT {_CLUSTER_COLUMNS} FROM clusters WHERE {where}", list(params)
        )
        return [_cluster(row) for row in cursor.fetchall()]

    def clusters(
        self,
        source: str | None = None,
        target: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Iterator[Cluster]:
        """The clusters by first date; actor codes match exactly or as a prefix, dates by
        overlap with the cluster's."""
        clauses: list[str] = ["true"]
        params: list[object] = []
        for column, code in (("source_code", source), ("target_code", target)):
            if code:
                clauses.append(f"starts_with({column}, ?)")
                params.append(code.upper())
        if since:
            clauses.append("date_last >= ?")
            params.append(since)
        if until:
            clauses.append("date_first <= ?")
            params.append(until)
        cursor = self._db.execute(
            f"SELECT {_CLUSTER_COLUMNS} FROM clusters WHERE {' AND '.join(clauses)} "
            "ORDER BY date_first NULLS LAST, id",
            params,
        )
        while rows := cursor.fetchmany(1000):
            yield from (_cluster(row) for row in rows)

    def explain(self, ident: str) -> Explanation | None:
        """The cluster of an event id, else the cluster of that id, with all its members."""
        found = self._column("SELECT cluster_id FROM cluster_members WHERE event_id = ?", [ident])
        if not found and ident.isdigit() and len(ident) < 19:
            found = [int(ident)]
        clusters = self._clusters_where("id = ?", found[:1]) if found else []
        if not clusters:
            return None
        cluster = clusters[0]
        return Explanation(cluster, tuple(self._members([cluster.id]).get(cluster.id, [])), ident)

    def _members(self, cluster_ids: Sequence[int]) -> dict[int, list[Member]]:
        """The members of clusters, in the order they joined, with their coded events and
        their articles' groups of copies."""
        rows = self._db.execute(
            f"SELECT {_MEMBER_COLUMNS} FROM cluster_members "
            f"WHERE cluster_id IN {_marks(cluster_ids)} ORDER BY seq",
            list(cluster_ids),
        ).fetchall()
        event_ids = [row[0] for row in rows]
        articles = sorted({row[3] for row in rows})
        cursor = self._db.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE id IN {_marks(event_ids)}", event_ids
        )
        names = [d[0] for d in cursor.description]
        events = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
        copies = {
            row[0]: _article_copy(row)
            for row in self._db.execute(
                f"SELECT {_GROUP_COLUMNS} FROM article_groups "
                f"WHERE article_id IN {_marks(articles)}",
                articles,
            ).fetchall()
        }
        result: defaultdict[int, list[Member]] = defaultdict(list)
        for event_id, cluster_id, seq, article_id, outlet, witness, seen, _, reasons in rows:
            event = events.get(event_id)
            if event is None:
                continue
            mention = _mention(event, outlet, witness, seen)
            member = Member(mention, seq, tuple(reasons or ()), copies.get(article_id))
            result[cluster_id].append(member)
        return result

    def article_groups(self) -> list[list[ArticleCopy]]:
        """Every group of copies, its original first, then by the order they were found."""
        rows = self._db.execute(
            f"SELECT {_GROUP_COLUMNS} FROM article_groups "
            "ORDER BY group_id, original DESC, copy_of NULLS FIRST, article_id"
        ).fetchall()
        groups: dict[str, list[ArticleCopy]] = {}
        for row in rows:
            groups.setdefault(row[1], []).append(_article_copy(row))
        return list(groups.values())

    def unmerged_articles(self) -> int:
        """Articles with events that are in no cluster: coded before the store merged."""
        row = self._db.execute(
            "SELECT count(DISTINCT article_id) FROM events WHERE article_id NOT IN "
            "(SELECT article_id FROM cluster_members)"
        ).fetchone()
        return int(row[0]) if row else 0


# -- rows --------------------------------------------------------------------------------


def _marks(values: Sequence[object]) -> str:
    """The parameters of an IN list: DuckDB looks each up in an index, where it scans the
    whole table for ``= ANY(list)``. An empty list matches nothing."""
    return "(" + ", ".join("?" * len(values)) + ")" if values else "(NULL)"


def _insert(
    db: duckdb.DuckDBPyConnection, table: str, columns: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows in one statement: DuckDB takes many rows far faster than row by row."""
    if not rows:
        return
    row = "(" + ", ".join("?" * len(rows[0])) + ")"
    db.execute(
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(rows))}",
        [value for values in rows for value in values],
    )


def _party_cells(party: Party | None) -> list[Any]:
    return [party.code, party.country, party.kind, party.name] if party else [None] * 4


def _spot_cells(spot: Spot | None) -> list[Any]:
    if spot is None:
        return [None, None, None, None]
    return [spot.name, spot.country, spot.precision, spot.origin]


def _cluster_row(cluster: Cluster, counts: Counts) -> list[Any]:
    return [
        cluster.id,
        cluster.cameo,
        cluster.plover,
        cluster.quad_class,
        cluster.goldstein,
        *_party_cells(cluster.source),
        *_party_cells(cluster.target),
        cluster.date_first,
        cluster.date_last,
        cluster.day_dated,
        *_spot_cells(cluster.place),
        counts.mentions,
        counts.articles,
        counts.sources,
        counts.independent,
        counts.confidence,
        counts.first_seen,
        counts.last_seen,
    ]


def _member_row(
    mention: EventMention, cluster_id: int, seq: int, reasons: Sequence[str]
) -> list[Any]:
    return [
        mention.event_id,
        cluster_id,
        seq,
        mention.article_id,
        mention.outlet,
        mention.witness,
        mention.seen,
        mention.confidence,
        list(reasons),
    ]


def _party(
    code: str | None, country: str | None, kind: str | None, name: str | None
) -> Party | None:
    return Party(code, country, kind, name) if code is not None else None


def _side(row: dict[str, Any], side: str) -> Party | None:
    return _party(*(row[f"{side}_{cell}"] for cell in ("code", "country", "kind", "name")))


def _spot(
    name: str | None, country: str | None, precision: str | None, origin: str | None
) -> Spot | None:
    return Spot(name, country, precision, origin) if name is not None else None


def _cluster(row: tuple[Any, ...]) -> Cluster:
    (cid, cameo, plover, quad_class, goldstein, *rest) = row
    source, target = _party(*rest[0:4]), _party(*rest[4:8])
    date_first, date_last, day_dated = rest[8:11]
    place = _spot(*rest[11:15])
    mentions, articles, sources, independent, confidence, first_seen, last_seen = rest[15:22]
    return Cluster(
        id=int(cid),
        cameo=cameo,
        plover=plover,
        quad_class=quad_class,
        goldstein=goldstein,
        source=source,
        target=target,
        date_first=date_first,
        date_last=date_last,
        day_dated=bool(day_dated),
        place=place,
        counts=Counts(
            mentions=mentions or 0,
            articles=articles or 0,
            sources=sources or 0,
            independent=independent or 0,
            confidence=confidence or 0.0,
            first_seen=first_seen,
            last_seen=last_seen,
        ),
    )


def _mention(
    event: dict[str, Any], outlet: str, witness: str, seen: dt.date | None
) -> EventMention:
    return EventMention(
        event_id=event["id"],
        article_id=event["article_id"],
        sentence_index=event["sentence_index"],
        sentence=event["sentence"],
        span=(event["span_start"], event["span_end"]),
        cameo=event["cameo"],
        plover=event["plover"],
        quad_class=event["quad_class"],
        goldstein=event["goldstein"],
        confidence=event["confidence"],
        source=_side(event, "source"),
        target=_side(event, "target"),
        date=event["date"],
        date_precision=event["date_precision"],
        place=_spot(
            event["location_name"],
            event["location_country"],
            event["location_precision"],
            event["location_origin"],
        ),
        outlet=outlet,
        witness=witness,
        seen=seen,
    )


def _article_copy(row: Sequence[Any]) -> ArticleCopy:
    article_id, group_id, copy_of, exact, similarity, original = row
    return ArticleCopy(article_id, group_id, copy_of, bool(exact), similarity, bool(original))
