"""Charts for reports and notebooks, from the same queries the web interface asks: a dyad's
cooperation and conflict over time, and events over time by QuadClass.

matplotlib's object API draws them (a ``Figure`` saved by the Agg renderer): no pyplot, so no
global figure state and no display needed. The file's suffix picks the format (.png, .svg,
.pdf).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from communique.store.duckdb import EventStore
from communique.store.queries import QUAD_CLASSES, EventQuery, Interval, SeriesPoint, StoreQueries

# The web pages' colours (static/charts.js): greens cooperate, orange and magenta conflict.
QUAD_COLOURS = {1: "#7fbf7b", 2: "#1b7837", 3: "#f1a340", 4: "#c51b7d"}
# A bar's width in days, so that bars of one period do not overlap the next.
_BAR_DAYS = {Interval.day: 0.8, Interval.week: 5.5, Interval.month: 24.0}


@dataclass(frozen=True, slots=True)
class PlotSettings:
    width: float = 10.0  # inches
    height: float = 5.0
    dpi: int = 120


def plot_dyad(
    store: EventStore,
    a: str,
    b: str,
    path: str | Path,
    interval: Interval = Interval.month,
    since: dt.date | None = None,
    until: dt.date | None = None,
    settings: PlotSettings | None = None,
) -> int:
    """Draw the events between ``a`` and ``b`` (either way) per period to ``path``:
    cooperation above the axis, conflict below, and the mean Goldstein value beneath.
    Returns how many events were drawn; with none, no file is written."""
    queries = StoreQueries(store)
    try:
        points = queries.series(EventQuery(dyad=(a, b), since=since, until=until), interval)
    finally:
        queries.close()
    if not points:
        return 0
    figure = dyad_figure(points, a.upper(), b.upper(), interval, settings or PlotSettings())
    figure.savefig(path)
    return sum(p.events for p in points)


def plot_timeline(
    store: EventStore,
    query: EventQuery,
    path: str | Path,
    interval: Interval = Interval.month,
    title: str | None = None,
    settings: PlotSettings | None = None,
) -> int:
    """Draw the events ``query`` matches per period, stacked by QuadClass, to ``path``.
    Returns how many events were drawn; with none, no file is written."""
    queries = StoreQueries(store)
    try:
        points = queries.series(query, interval)
    finally:
        queries.close()
    if not points:
        return 0
    heading = title or f"Events per {interval.value} by QuadClass"
    figure = timeline_figure(points, heading, interval, settings or PlotSettings())
    figure.savefig(path)
    return sum(p.events for p in points)


def dyad_figure(
    points: Sequence[SeriesPoint], a: str, b: str, interval: Interval, settings: PlotSettings
) -> Figure:
    figure = Figure(
        figsize=(settings.width, settings.height), dpi=settings.dpi, layout="constrained"
    )
    bars, line = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    _stacked_bars(bars, points, interval, diverging=True)
    bars.axhline(0, color="#333333", linewidth=0.8)
    bars.set_ylabel("events (conflict below)")
    bars.set_title(f"{a}–{b}: cooperation and conflict per {interval.value}")
    figure.legend(loc="outside upper center", fontsize="small", frameon=False, ncols=4)
    periods = sorted({p.period for p in points})
    totals = {day: (0.0, 0) for day in periods}
    for point in points:
        weighted, count = totals[point.period]
        totals[point.period] = (weighted + point.goldstein * point.events, count + point.events)
    # At the middle of each period's bar.
    middle = dt.timedelta(days=_BAR_DAYS[interval] / 2)
    means = [totals[day][0] / totals[day][1] for day in periods]
    line.plot([day + middle for day in periods], means, color="#20303f", marker=".")
    line.axhline(0, color="#999999", linewidth=0.6)
    line.set_ylim(-10, 10)
    line.set_ylabel("mean Goldstein")
    return figure


def timeline_figure(
    points: Sequence[SeriesPoint], title: str, interval: Interval, settings: PlotSettings
) -> Figure:
    figure = Figure(
        figsize=(settings.width, settings.height), dpi=settings.dpi, layout="constrained"
    )
    axes = figure.subplots()
    _stacked_bars(axes, points, interval, diverging=False)
    axes.set_ylabel("events")
    axes.set_title(title)
    figure.legend(loc="outside upper center", fontsize="small", frameon=False, ncols=4)
    return figure


def _stacked_bars(
    axes: Axes, points: Sequence[SeriesPoint], interval: Interval, diverging: bool
) -> None:
    periods = sorted({p.period for p in points})
    counts = {(p.period, p.quad_class): p.events for p in points}
    up = dict.fromkeys(periods, 0)
    down = dict.fromkeys(periods, 0)
    for quad, name in QUAD_CLASSES.items():
        below = diverging and quad >= 3
        heights = [counts.get((day, quad), 0) * (-1 if below else 1) for day in periods]
        base = down if below else up
        axes.bar(
            numpy.array(periods, dtype="datetime64[D]"),
            heights,
            width=_BAR_DAYS[interval],
            bottom=[base[day] for day in periods],
            color=QUAD_COLOURS[quad],
            label=f"{quad} {name}",
            align="edge",
        )
        for day, height in zip(periods, heights, strict=True):
            base[day] += height
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    axes.set_axisbelow(True)
