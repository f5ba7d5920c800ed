"""The command line: each command is a few lines over the library. Only here are exit codes
chosen and messages printed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from communique.errors import CommuniqueError
from communique.pipeline import Coder, RunSummary, run
from communique.records import Rejected
from communique.store.duckdb import ActorView, EventFilter, EventStore, StoredEvent
from communique.store.export import CSV_COLUMNS, csv_row, event_record

app = typer.Typer(
    help="communique: news articles in, political events out (CAMEO, PLOVER, Goldstein).",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
# One message, one line, whatever the terminal width: logs are grepped by file name.
err = Console(stderr=True, soft_wrap=True)

DEFAULT_DB = Path("communique.duckdb")
DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]

EXIT_SKIPPED = 1  # some inputs were skipped; the rest were coded
EXIT_ERROR = 2  # nothing could be done: bad store, missing model, ...


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def _fail(error: CommuniqueError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
    return typer.Exit(EXIT_ERROR)


@app.command()
def code(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders (.txt .jsonl .html .gz), or - for JSON Lines on stdin."
        ),
    ],
    db: DbOption = DEFAULT_DB,
    batch_size: Annotated[int, typer.Option(help="Articles per batch.", min=1)] = 20,
) -> None:
    """Code articles into events and store them."""
    from communique.pipeline import PipelineConfig

    def report_skip(item: Rejected) -> None:
        err.print(f"skipped {item.message()}", highlight=False, markup=False)

    try:
        coder = Coder.load(PipelineConfig(articles_per_batch=batch_size))
        with EventStore(db) as store, _progress() as bar:
            task = bar.add_task("coding", total=None)

            def report(summary: RunSummary) -> None:
                bar.update(task, completed=summary.read, description=f"{summary.events} events")

            summary = run(inputs, store, coder, report, report_skip, stdin=sys.stdin)
    except CommuniqueError as error:
        raise _fail(error) from None
    err.print(
        f"{summary.read} articles read, {summary.coded} coded, "
        f"{summary.already_stored} already stored, {len(summary.skipped)} skipped; "
        f"{summary.events} events coded into {db}",
        highlight=False,
        markup=False,
    )
    if summary.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} articles"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@app.command()
def events(
    db: DbOption = DEFAULT_DB,
    source: Annotated[
        str | None, typer.Option(help="Source actor code or prefix (CHN, CHNGOV).")
    ] = None,
    target: Annotated[str | None, typer.Option(help="Target actor code or prefix.")] = None,
    since: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First date.")
    ] = None,
    until: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Last date.")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Print stored events."""
    where = EventFilter(
        source=source,
        target=target,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    try:
        with EventStore(db, read_only=True) as store:
            rows = store.events(where)
            if format is Format.jsonl:
                for event in rows:
                    out.out(json.dumps(event_record(event), ensure_ascii=False), highlight=False)
            elif format is Format.csv:
                writer = csv.writer(sys.stdout)
                writer.writerow(CSV_COLUMNS)
                writer.writerows(csv_row(event) for event in rows)
            else:
                _print_table(list(rows))
    except CommuniqueError as error:
        raise _fail(error) from None


def _print_table(rows: list[StoredEvent]) -> None:
    # The sentence itself is in --format jsonl/csv; the table shows the words that carry
    # the event, so that it stays readable in an 80-column terminal.
    table = Table(title=f"{len(rows)} events", show_lines=False)
    for column in ("date", "source", "event", "target", "place", "trigger"):
        table.add_column(column, overflow="fold")
    for event in rows:
        table.add_row(
            event.date.isoformat() if event.date else "-",
            _actor_cell(event.source),
            f"{event.cameo} {event.plover or ''}\n{event.goldstein:+.1f}",
            _actor_cell(event.target),
            event.location_name or "-",
            event.trigger or "-",
        )
    out.print(table)


def _actor_cell(actor: ActorView | None) -> str:
    if actor is None:
        return "-"
    return f"{actor.code}\n{actor.name}" if actor.name else actor.code


def main() -> None:
    app()
