"""Plots from the library and the command line, over the example article and a hostile one."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from communique.cli import EXIT_ERROR, app
from communique.plot import plot_dyad, plot_timeline
from communique.store.duckdb import EventStore
from communique.store.queries import EventQuery, Interval
from web_fixtures import build_web_store

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory, coder):
    return build_web_store(tmp_path_factory.mktemp("plot"), coder)


def dated(db, *countries: str) -> int:
    """How many dated events have an actor of each of ``countries`` (one: on either side)."""
    with EventStore(db, read_only=True) as store:
        count = 0
        for event in store.events():
            sides = {a.code[:3] for a in (event.source, event.target) if a is not None}
            count += event.date is not None and set(countries) <= sides
        return count


def test_a_dyad_plot(db, tmp_path):
    path = tmp_path / "chn-per.png"
    with EventStore(db, read_only=True) as store:
        assert plot_dyad(store, "CHN", "PER", path, Interval.week) == dated(db, "CHN", "PER")
    assert path.read_bytes().startswith(PNG)
    assert path.stat().st_size > 10_000


def test_a_timeline_plot_by_its_suffix(db, tmp_path):
    path = tmp_path / "timeline.svg"
    with EventStore(db, read_only=True) as store:
        count = plot_timeline(store, EventQuery(actor="CHN"), path, Interval.day, "China")
    assert count == dated(db, "CHN")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_nothing_to_plot_writes_nothing(db, tmp_path):
    path = tmp_path / "none.png"
    with EventStore(db, read_only=True) as store:
        assert plot_dyad(store, "CHN", "USA", path) == 0
        since = dt.date(2030, 1, 1)
        assert plot_timeline(store, EventQuery(since=since), path) == 0
    assert not path.exists()


def test_plot_commands(db, tmp_path):
    runner = CliRunner()
    dyad = tmp_path / "chn-per.png"
    result = runner.invoke(app, ["plot", "dyad", "CHN", "PER", "-o", str(dyad), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"{dated(db, 'CHN', 'PER')} events plotted to" in result.stderr
    assert dyad.read_bytes().startswith(PNG)
    timeline = tmp_path / "timeline.png"
    result = runner.invoke(
        app,
        [
            "plot",
            "timeline",
            "--actor",
            "JPN",
            "--interval",
            "day",
            "-o",
            str(timeline),
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0, result.output
    assert timeline.read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["dyad", "CHN", "USA"], 1, "no dated events between CHN and USA"),
        (["dyad", "CHN", "PER", "--interval", "year"], EXIT_ERROR, "'year' is not day, week"),
        (["dyad", "CHN'--", "PER"], EXIT_ERROR, "is not an actor code"),
        (["timeline", "--since", "2024-07-01", "--until", "2024-06-01"], EXIT_ERROR, "after"),
    ],
)
def test_plot_command_errors(db, tmp_path, args, code, says):
    output = tmp_path / "out.png"
    result = CliRunner().invoke(app, ["plot", *args, "-o", str(output), "--db", str(db)])
    assert result.exit_code == code, result.output
    assert says in result.stderr
    assert not output.exists()


def test_plotting_a_missing_store_is_an_error(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "plot",
            "dyad",
            "CHN",
            "PER",
            "-o",
            str(tmp_path / "x.png"),
            "--db",
            str(tmp_path / "none.duckdb"),
        ],
    )
    assert result.exit_code == EXIT_ERROR
    assert "no such store" in result.stderr
