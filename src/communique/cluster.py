"""Many reports, one event: the coded mentions of one event, across sentences, articles and
sources, merged into one cluster that keeps them all.

Every coded event (a row of the ``events`` table) is one *mention*; the raw codings stay as they
are. A new mention joins a cluster, or starts one, in three steps:

1. blocking: the candidates are the clusters of the same CAMEO root and the same pair of
   countries (in either order) whose first date falls in the weeks around the mention's
   date (``lookup_keys``). The store indexes clusters by those keys, so that a new mention
   looks at a handful of clusters however large the archive grows. A report that names only
   one side may join a cluster of that side's country with any other (the coder often finds
   no target), and the other way round.
2. compatibility (``judge``), each check giving its reason:
   - codes: the same code; or one the other's root "not specified" code (040 and 043), or a
     more detailed code under it (043 and 0431); or converse codes with the sides swapped
     ("A visited B", 042, is "B hosted A", 043);
   - actors: each side the same code, or one more specific than the other (CHN and CHNGOV),
     or named in one report only; two named people share a word of their names ("Dina
     Boluarte", "Dina Ercilia Boluarte Zegarra"); for a mutual act (a meeting, a
     negotiation) the sides may be swapped;
   - dates: all the cluster's day dates and the mention's within ``window_days`` of each
     other, so that clusters cannot creep along a chain of dates; a date known only to the
     week, month or year covers its period;
   - places: when both were read from their sentences, the same country, and the same city
     when both name one. A place taken from a dateline says where the story was filed, not
     where the event was, and is not compared.
3. the compatible cluster with the most evidence takes the mention (exact matches over
   partial ones, a copy of an article already in the cluster, then the nearest date, then the
   oldest cluster); with none, the mention starts a cluster.

What a cluster counts follows GDELT (mentions, articles, sources), but over the cluster's whole
life rather than its first fifteen minutes; its confidence grows with independent sources
(``count``). Everything here is a pure function of typed records; ``store/`` keeps them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import NamedTuple

import yaml

from communique.errors import DataFileError
from communique.records import Event, Mention, Span

# How many days a date of a given precision covers (the date is the period's first day).
PERIOD_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}
_CODE = re.compile(r"\d{2,4}")
_NAME_WORD = re.compile(r"[^\W\d_]{3,}")


# -- the rules ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergeRules:
    """Which CAMEO codes may report one act: ``data/merging.yml``, validated."""

    version: str
    mutual: tuple[str, ...]  # codes (and the codes below them) done by both sides together
    converse: frozenset[tuple[str, str]]  # both orders of each pair

    def is_mutual(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.mutual)


def load_rules(source: Path | Traversable) -> MergeRules:
    """Read and validate a merging rules file; a problem is a ``DataFileError``."""
    path = str(source)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataFileError(path, f"cannot be read: {error}") from None
    if not isinstance(data, dict) or set(data) != {"version", "mutual", "converse"}:
        raise DataFileError(path, "needs exactly the keys 'version', 'mutual' and 'converse'")
    mutual = data["mutual"]
    if not isinstance(mutual, list) or not all(_is_code(c) for c in mutual):
        raise DataFileError(path, "'mutual' must be a list of quoted CAMEO codes")
    pairs: set[tuple[str, str]] = set()
    for pair in data["converse"] or []:
        if not (isinstance(pair, list) and len(pair) == 2 and all(_is_code(c) for c in pair)):
            raise DataFileError(path, f"'converse': {pair!r} is not a pair of quoted CAMEO codes")
        pairs |= {(pair[0], pair[1]), (pair[1], pair[0])}
    return MergeRules(f"merging-{data['version']}", tuple(mutual), frozenset(pairs))


@cache
def default_rules() -> MergeRules:
    """The rules that ship with communique, loaded once per process."""
    return load_rules(resources.files("communique") / "data" / "merging.yml")


def _is_code(value: object) -> bool:
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How mentions are merged: the rules, and how far apart their dates may be."""

    rules: MergeRules = field(default_factory=default_rules)
    window_days: int = 3


# -- the records -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Party:
    """One side of an event, as merging compares it."""

    code: str
    country: str | None
    kind: str | None  # "state", "person", "organisation", "igo", "group"
    name: str | None  # a country's, person's or organisation's name


@dataclass(frozen=True, slots=True)
class Spot:
    """Where an event happened, as merging compares it."""

    name: str
    country: str | None
    precision: str | None  # "city", "region" or "country"
    origin: str | None  # "sentence" or "dateline"


@dataclass(frozen=True, slots=True)
class Reporting:
    """What merging needs of the article a mention is in."""

    article_id: str
    outlet: str  # the article's source; else its dateline's agency; else "article <id>"
    # Who saw the event for this article, to count independent sources: the wire agency of
    # its dateline, else the outlet of the original of its copies, else its own outlet.
    witness: str
    seen: dt.date | None  # when it was published


@dataclass(frozen=True, slots=True)
class EventMention:
    """One coded event as one report of an event: what was coded, where it was said, and by
    whom."""

    event_id: str
    article_id: str
    sentence_index: int
    sentence: str
    span: Span
    cameo: str
    plover: str | None
    quad_class: int
    goldstein: float
    confidence: float
    source: Party | None
    target: Party | None
    date: dt.date | None
    date_precision: str | None
    place: Spot | None
    outlet: str
    witness: str
    seen: dt.date | None

    @property
    def days(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the mention's date may stand for."""
        if self.date is None:
            return None
        length = PERIOD_DAYS.get(self.date_precision or "day", 1)
        return self.date, _shifted(self.date, length - 1)


@dataclass(frozen=True, slots=True)
class Counts:
    """A cluster's evidence, over its whole life."""

    mentions: int = 0
    articles: int = 0
    sources: int = 0  # distinct outlets
    independent: int = 0  # distinct witnesses: copies of one wire story are one
    confidence: float = 0.0
    first_seen: dt.date | None = None  # the first and last publication reporting it
    last_seen: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """One event as its reports tell it together. Its sides keep the orientation of its first
    report; its code, actors and place become more specific as reports add detail."""

    id: int
    cameo: str
    plover: str | None
    quad_class: int
    goldstein: float
    source: Party | None
    target: Party | None
    date_first: dt.date | None
    date_last: dt.date | None
    day_dated: bool  # whether a report dated it to the day (the window then binds)
    place: Spot | None
    counts: Counts = Counts()

    @property
    def keys(self) -> tuple[str, ...]:
        """The blocking keys the store indexes it by (see ``lookup_keys``)."""
        root, week = self.cameo[:2], _week(self.date_first)
        a, b = _side_key(self.source), _side_key(self.target)
        keys = [_pair_key(root, a, b, week)]
        keys += [_one_key(root, side, week) for side in sorted({a, b}) if side]
        return tuple(keys)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a mention may join a cluster, and why (or the first reason why not)."""

    merge: bool
    reasons: tuple[str, ...]
    score: float = 0.0
    swapped: bool = False  # the mention's source is the cluster's target


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a mention went: the cluster (a negative id for one it started), and why."""

    mention: EventMention
    cluster_id: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The placements of one article's mentions, and every cluster they touched, as they
    stand afterwards (clusters started here have negative ids, for the store to number)."""

    placements: tuple[Placement, ...]
    clusters: dict[int, Cluster]


FIRST_REPORT = "first report of this event"


# -- from coded events -------------------------------------------------------------------


def mention_of(event: Event, reporting: Reporting) -> EventMention:
    """A freshly coded event as a mention, with what it needs of its article."""
    place = event.location
    return EventMention(
        event_id=event.id,
        article_id=event.article_id,
        sentence_index=event.sentence.index,
        sentence=event.sentence.text,
        span=event.sentence.span,
        cameo=event.cameo,
        plover=event.plover,
        quad_class=event.quad_class,
        goldstein=event.goldstein,
        confidence=event.confidence,
        source=_party(event.source),
        target=_party(event.target),
        date=event.date.date if event.date else None,
        date_precision=event.date.precision if event.date else None,
        place=Spot(place.name, place.country, place.precision, place.origin) if place else None,
        outlet=reporting.outlet,
        witness=reporting.witness,
        seen=reporting.seen,
    )


def _party(mention: Mention | None) -> Party | None:
    if mention is None:
        return None
    actor = mention.actor
    return Party(actor.code, actor.country, actor.kind, actor.name)


def reporting_of(
    article_id: str,
    source: str | None,
    agency: str | None,
    published: dt.date | None,
    original_outlet: str | None = None,
) -> Reporting:
    """Who reported, for an article: ``original_outlet`` is the outlet of the original, when
    the article is a copy of another."""
    outlet = source or agency or f"article {article_id}"
    return Reporting(article_id, outlet, agency or original_outlet or outlet, published)


# -- blocking ----------------------------------------------------------------------------


def _side_key(party: Party | None) -> str:
    if party is None:
        return ""
    return party.country or party.code[:3]


def _week(day: dt.date | None) -> str:
    """The ISO week of a day, "2024-W26"."""
    if day is None:
        return "-"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _pair_key(root: str, a: str, b: str, week: str) -> str:
    first, second = sorted((a, b))
    return f"{root}|{first}|{second}|{week}"


def _one_key(root: str, side: str, week: str) -> str:
    return f"{root}|{side}|*|{week}"


def lookup_keys(mention: EventMention, config: ClusterConfig) -> tuple[str, ...]:
    """The keys of every cluster that may take ``mention``. A cluster is indexed by its CAMEO
    root, the week of its first date, and its pair of countries (its sides' country, else
    the first three letters of their codes, "IGO", "---"); and, for reports that name only
    one side, by each country alone. So a mention that names both sides looks for clusters
    of its pair, and of either country with no other side; one that names one side, for
    every cluster with its country."""
    root = mention.cameo[:2]
    a, b = _side_key(mention.source), _side_key(mention.target)
    weeks = _weeks(mention, config)
    if a and b:
        pairs = [(a, b), (a, ""), (b, "")]
        return tuple(_pair_key(root, x, y, week) for week in weeks for x, y in pairs)
    if a or b:
        return tuple(_one_key(root, a or b, week) for week in weeks)
    return tuple(_pair_key(root, "", "", week) for week in weeks)


def _weeks(mention: EventMention, config: ClusterConfig) -> list[str]:
    """The weeks a compatible cluster's first date may fall in: a cluster dated to the day
    spans one window at most, so its first date is within a window of the mention's. (One
    dated only to the month or the year has the first day of it as its first date, and is
    found from the dates of that day's week.)"""
    days = mention.days
    if days is None:
        return ["-"]
    day = _shifted(days[0], -config.window_days)
    last = _shifted(days[1], config.window_days)
    weeks = [_week(day)]
    while day < last and (day := _shifted(day, 7 - day.weekday())) <= last:
        weeks.append(_week(day))
    return weeks


def _shifted(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held within the calendar's years 1-9999: an article may
    be dated 0001-01-01 or 9999-12-31, and the windows around it must not overflow."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max


# -- compatibility -----------------------------------------------------------------------


def judge(
    mention: EventMention, cluster: Cluster, config: ClusterConfig, copy: bool = False
) -> Verdict:
    """Whether ``mention`` may report the event of ``cluster``; ``copy``: the mention's
    article is a copy of one already in the cluster."""
    rules = config.rules
    code = _codes(mention.cameo, cluster.cameo, rules)
    if code is None:
        return Verdict(False, (f"event type {mention.cameo} is not {cluster.cameo}",))
    code_reason, code_score, converse = code
    # The mention reads as it is against the cluster; with converse codes, swapped; for an
    # act both sides do together (a meeting), either way round.
    mutual = rules.is_mutual(mention.cameo) or rules.is_mutual(cluster.cameo)
    ways = (True,) if converse else (False, True) if mutual else (False,)
    checks = {swap: _oriented_sides(mention, cluster, swap) for swap in ways}
    passing = [swap for swap, check in checks.items() if check.ok]
    if not passing:
        return Verdict(False, checks[ways[0]].reasons)
    is_swapped = max(passing, key=lambda swap: checks[swap].score)
    sides = checks[is_swapped]
    date = _dates(mention, cluster, config.window_days)
    place = _places(mention.place, cluster.place)
    for check in (date, place):
        if not check.ok:
            return Verdict(False, check.reasons)
    reasons = [code_reason, *sides.reasons, *date.reasons, *place.reasons]
    if is_swapped and not converse:
        reasons.insert(1, f"sides compared either way round: {cluster.cameo} is done together")
    score = code_score + sides.score + date.score + place.score
    if copy:
        reasons.append("its article is a copy of an article already reporting this event")
        score += 3.0
    return Verdict(True, tuple(reasons), score, is_swapped)


def _codes(code: str, other: str, rules: MergeRules) -> tuple[str, float, bool] | None:
    """Whether two CAMEO codes may tell one act: (reason, score, converse) or None."""
    if code == other:
        return f"event type {code} = {other}", 2.0, False
    if (code[:3], other[:3]) in rules.converse:
        return f"event type {code} is the converse of {other} (sides swapped)", 1.0, True
    if code[:2] != other[:2]:
        return None
    if (
        _unspecified(code)
        or _unspecified(other)
        or code.startswith(other)
        or other.startswith(code)
    ):
        return f"event type {code} is compatible with {other} (same root)", 1.0, False
    return None


def _unspecified(code: str) -> bool:
    """The root's own code: "04", or "040" ("Consult, not specified below")."""
    return len(code) == 2 or (len(code) == 3 and code.endswith("0"))


class _Check(NamedTuple):
    """One check of a mention against a cluster: passed or not, why, and how well."""

    ok: bool
    reasons: tuple[str, ...]
    score: float = 0.0


def _passed(reason: str, score: float = 0.0) -> _Check:
    return _Check(True, (reason,), score)


def _failed(reason: str) -> _Check:
    return _Check(False, (reason,))


def _oriented_sides(mention: EventMention, cluster: Cluster, swapped: bool) -> _Check:
    """Compare the mention's sides with the cluster's: its source with the source, or, swapped,
    its target with the source."""
    sides = [("source", mention.source), ("target", mention.target)]
    if swapped:
        sides.reverse()
    reasons: list[str] = []
    score = 0.0
    for (role, mine), (their_role, theirs) in zip(
        sides, (("source", cluster.source), ("target", cluster.target)), strict=True
    ):
        label = role if role == their_role else f"its {role} as {their_role}"
        check = _party_match(mine, theirs)
        if not check.ok:
            return _failed(f"{label}: {check.reasons[0]}")
        reasons.append(f"{label}: {check.reasons[0]}")
        score += check.score
    return _Check(True, tuple(reasons), score)


def _party_match(mine: Party | None, theirs: Party | None) -> _Check:
    if mine is None or theirs is None:
        if mine is None and theirs is None:
            return _passed("none in either", 1.0)
        # The coder often finds no target; such a report says less, not something else.
        return _passed(f"{_code(mine)} and {_code(theirs)}: only one report names it")
    if mine.code == theirs.code:
        reason, score = f"{mine.code} = {theirs.code}", 2.0
    elif theirs.code.startswith(mine.code):
        reason, score = f"{mine.code} is less specific than {theirs.code}", 1.0
    elif mine.code.startswith(theirs.code):
        reason, score = f"{mine.code} is more specific than {theirs.code}", 1.0
    else:
        return _failed(f"{mine.code} is not {theirs.code}")
    # Two people of one office (two ministers) are not one: their names must agree.
    if mine.kind == theirs.kind == "person" and mine.name and theirs.name:
        if mine.name == theirs.name:
            score += 0.5
        elif _same_person(mine.name, theirs.name):
            reason += f" ('{mine.name}' is '{theirs.name}')"
        else:
            return _failed(f"'{mine.name}' is not '{theirs.name}'")
    return _passed(reason, score)


def _code(party: Party | None) -> str:
    return party.code if party else "none"


def _same_person(name: str, other: str) -> bool:
    """Whether two names may be one person's: they share a word of three letters or more
    ("Dina Boluarte", "Dina Ercilia Boluarte Zegarra"), else they are the same words."""
    words, others = _name_words(name), _name_words(other)
    if words and others:
        return bool(words & others)
    return name.casefold().split() == other.casefold().split()


def _name_words(name: str) -> set[str]:
    return {word.casefold() for word in _NAME_WORD.findall(name)}


def _dates(mention: EventMention, cluster: Cluster, window: int) -> _Check:
    days = mention.days
    if days is None or cluster.date_first is None or cluster.date_last is None:
        if days is None and cluster.date_first is None:
            return _passed("no date on either side")
        return _failed("one is dated, the other not")
    first, last = cluster.date_first, cluster.date_last
    stretch = f"{first}" if first == last else f"{first}..{last}"
    said = (
        f"{days[0]}"
        if mention.date_precision in (None, "day")
        else (f"{days[0]} ({mention.date_precision})")
    )
    if mention.date_precision in (None, "day") and cluster.day_dated:
        spread = (max(last, days[0]) - min(first, days[0])).days
        if spread > window:
            return _failed(f"date {said} is more than {window} days from {stretch}")
    else:
        gap = max((days[0] - last).days, (first - days[1]).days, 0)
        if gap > window:
            return _failed(f"date {said} is more than {window} days from {stretch}")
    distance = max((days[0] - last).days, (first - days[0]).days, 0)
    return _passed(f"date {said} within {window} days of {stretch}", -0.25 * distance)


def _places(mine: Spot | None, theirs: Spot | None) -> _Check:
    if mine is None or theirs is None:
        return _passed("place unknown on one side")
    if mine.origin != "sentence" or theirs.origin != "sentence":
        return _passed("place not compared (one is the dateline's, where the story was filed)")
    if mine.country and theirs.country and mine.country != theirs.country:
        return _failed(f"place {_spot(mine)} is not {_spot(theirs)}")
    if mine.precision == "city" and theirs.precision == "city":
        if mine.name.casefold() != theirs.name.casefold():
            return _failed(f"place {_spot(mine)} is not {_spot(theirs)}")
        return _passed(f"place {mine.name} = {theirs.name}", 1.0)
    return _passed(f"place {_spot(mine)} is within or around {_spot(theirs)}", 0.5)


def _spot(spot: Spot) -> str:
    return f"{spot.name} ({spot.country})" if spot.country else spot.name


# -- placing an article's mentions -------------------------------------------------------


def plan(
    mentions: Sequence[EventMention],
    candidates: Iterable[Cluster],
    config: ClusterConfig,
    copies: frozenset[int] = frozenset(),
) -> Plan:
    """Place the mentions of one article, in reading order, among the ``candidates`` the
    store found for their keys and the clusters the article's own mentions start;
    ``copies``: the clusters that hold a copy of this article."""
    clusters: dict[int, Cluster] = {c.id: c for c in candidates}
    touched: set[int] = set()
    placements: list[Placement] = []
    for mention in mentions:
        keys = set(lookup_keys(mention, config))
        best: tuple[tuple[float, int, int], Cluster, Verdict] | None = None
        for cluster in clusters.values():
            if keys.isdisjoint(cluster.keys):
                continue
            verdict = judge(mention, cluster, config, copy=cluster.id in copies)
            # The most evidence first; then stored clusters before those this article
            # started, the oldest first.
            rank = (verdict.score, int(cluster.id > 0), -abs(cluster.id))
            if verdict.merge and (best is None or rank > best[0]):
                best = (rank, cluster, verdict)
        if best is None:
            new_id = -(sum(1 for i in clusters if i < 0) + 1)
            clusters[new_id] = start(mention, new_id)
            placements.append(Placement(mention, new_id, (FIRST_REPORT,)))
            touched.add(new_id)
            continue
        _, chosen, verdict = best
        clusters[chosen.id] = absorb(chosen, mention, verdict.swapped, config.rules)
        placements.append(Placement(mention, chosen.id, verdict.reasons))
        touched.add(chosen.id)
    return Plan(tuple(placements), {i: clusters[i] for i in touched})


def start(mention: EventMention, cluster_id: int) -> Cluster:
    """A cluster of one mention."""
    days = mention.days
    return Cluster(
        id=cluster_id,
        cameo=mention.cameo,
        plover=mention.plover,
        quad_class=mention.quad_class,
        goldstein=mention.goldstein,
        source=mention.source,
        target=mention.target,
        date_first=days[0] if days else None,
        date_last=days[1] if days else None,
        day_dated=mention.date_precision in (None, "day") and days is not None,
        place=mention.place,
    )


def absorb(cluster: Cluster, mention: EventMention, swapped: bool, rules: MergeRules) -> Cluster:
    """The cluster with ``mention`` in it: its dates widened, its code, actors and place made
    more specific where the mention says more."""
    source, target = (
        (mention.target, mention.source) if swapped else (mention.source, mention.target)
    )
    changes: dict[str, object] = {
        "source": _finer(cluster.source, source),
        "target": _finer(cluster.target, target),
        "place": _finer_place(cluster.place, mention.place),
    }
    # A more detailed code is taken when it reads in the cluster's orientation.
    detailed = len(mention.cameo) > len(cluster.cameo) or (
        _unspecified(cluster.cameo) and not _unspecified(mention.cameo)
    )
    if (
        detailed
        and mention.cameo[:2] == cluster.cameo[:2]
        and (not swapped or rules.is_mutual(mention.cameo))
    ):
        changes |= {
            "cameo": mention.cameo,
            "plover": mention.plover,
            "quad_class": mention.quad_class,
            "goldstein": mention.goldstein,
        }
    days = mention.days
    if days is not None:
        day = mention.date_precision in (None, "day")
        if (
            cluster.date_first is None
            or cluster.date_last is None
            or (day and not cluster.day_dated)
        ):
            changes |= {"date_first": days[0], "date_last": days[1], "day_dated": day}
        elif day or not cluster.day_dated:
            changes |= {
                "date_first": min(cluster.date_first, days[0]),
                "date_last": max(cluster.date_last, days[1]),
            }
    return dataclasses.replace(cluster, **changes)  # type: ignore[arg-type]


def _finer(mine: Party | None, other: Party | None) -> Party | None:
    """The more specific of two compatible sides; of two as specific, the first, with the
    name the other gives it when it has none."""
    if mine is None or other is None:
        return mine or other
    if len(other.code) > len(mine.code):
        return other
    if mine.code == other.code and mine.name is None and other.name is not None:
        return dataclasses.replace(mine, kind=other.kind, name=other.name)
    return mine


_PRECISION_RANK = {"city": 3, "region": 2, "country": 1}


def _finer_place(mine: Spot | None, other: Spot | None) -> Spot | None:
    if mine is None or other is None:
        return mine or other
    if mine.origin != "sentence" and other.origin == "sentence":
        return other
    rank = _PRECISION_RANK.get(other.precision or "", 0) > _PRECISION_RANK.get(
        mine.precision or "", 0
    )
    return other if rank and other.origin == mine.origin else mine


def rebuild(cluster_id: int, members: Sequence[EventMention], config: ClusterConfig) -> Cluster:
    """A cluster as its remaining ``members`` (in the order they joined) make it, after some
    left it (an article re-coded)."""
    cluster = start(members[0], cluster_id)
    for mention in members[1:]:
        verdict = judge(mention, cluster, config)
        swapped = verdict.swapped if verdict.merge else _likely_swapped(mention, cluster)
        cluster = absorb(cluster, mention, swapped, config.rules)
    return cluster


def _likely_swapped(mention: EventMention, cluster: Cluster) -> bool:
    return (
        not _oriented_sides(mention, cluster, False).ok
        and _oriented_sides(mention, cluster, True).ok
    )


# -- counting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one member adds to its cluster's counts."""

    article_id: str
    outlet: str
    witness: str
    seen: dt.date | None
    confidence: float


def count(members: Iterable[Evidence]) -> Counts:
    """A cluster's counts. Outlets and witnesses compare without case. Confidence is the chance
    that not every independent witness is wrong, each trusted as much as its best coding:
    1 − ∏(1 − cᵢ) over witnesses, so that it grows with each independent source and not with
    copies of one wire story."""
    mentions = 0
    articles: set[str] = set()
    outlets: set[str] = set()
    best: dict[str, float] = {}
    seen: list[dt.date] = []
    for member in members:
        mentions += 1
        articles.add(member.article_id)
        outlets.add(member.outlet.casefold())
        witness = member.witness.casefold()
        best[witness] = max(best.get(witness, 0.0), member.confidence)
        if member.seen is not None:
            seen.append(member.seen)
    doubt = 1.0
    for confidence in best.values():
        doubt *= 1.0 - min(max(confidence, 0.0), 1.0)
    return Counts(
        mentions=mentions,
        articles=len(articles),
        sources=len(outlets),
        independent=len(best),
        confidence=round(1.0 - doubt, 3),
        first_seen=min(seen, default=None),
        last_seen=max(seen, default=None),
    )
