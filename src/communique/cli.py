"""The command line: each command is a few lines over the library. Only here are exit codes
chosen and messages printed."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from communique import evaluate as scoring
from communique import recode as recoding
from communique.actors.gazetteer import default_gazetteer
from communique.actors.registry import PersonEntry, read_user_dictionary, user_entry
from communique.actors.sectors import default_sectors
from communique.cluster import Party
from communique.coding.ontology import default_ontology
from communique.errors import CommuniqueError, QueryError, StoreError
from communique.limits import (
    MAX_ARTICLE_CHARS,
    MAX_BATCH_CHARS,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    MAX_NESTING,
    MAX_PIECE_CHARS,
    MAX_SENTENCE_CHARS,
    ReadLimits,
)
from communique.pipeline import Coder, PipelineConfig, RunSummary, run
from communique.records import Rejected
from communique.store import formats
from communique.store.duckdb import ActorView, EventFilter, EventStore, StoredEvent, StoredQuote
from communique.store.export import (
    CSV_COLUMNS,
    MERGED_CSV_COLUMNS,
    cluster_record,
    csv_row,
    event_record,
    explanation_record,
    merged_csv_row,
    quote_record,
)
from communique.store.merging import Explanation
from communique.store.queries import Interval

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
EXIT_BELOW_FLOOR = 1  # eval: a figure fell below its floor (or rose above its ceiling)
EXIT_NOT_FOUND = 1  # actors show: no such person; events --explain: no such event


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
            help="Files or folders (.txt .jsonl .html .warc .gz), or - for JSON Lines on stdin."
        ),
    ],
    db: DbOption = DEFAULT_DB,
    batch_size: Annotated[int, typer.Option(help="Articles per batch.", min=1)] = 20,
    workers: Annotated[
        int | None, typer.Option(help="Code on a local Dask cluster of N processes.", min=1)
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Code on an existing Dask cluster: its scheduler, tcp://HOST:PORT."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            help="With --workers or --scheduler: write a Parquet dataset (events by date) "
            "to this folder instead of the store."
        ),
    ] = None,
    max_article_chars: Annotated[
        int, typer.Option(help="Skip an article longer than this (characters).", min=1)
    ] = MAX_ARTICLE_CHARS,
    max_sentence_chars: Annotated[
        int, typer.Option(help="Leave a longer sentence uncoded, with a note (characters).", min=1)
    ] = MAX_SENTENCE_CHARS,
    max_batch_chars: Annotated[
        int, typer.Option(help="Parse at most this much article text at once (characters).", min=1)
    ] = MAX_BATCH_CHARS,
    max_piece_chars: Annotated[
        int, typer.Option(help="Parse a longer passage in pieces (characters).", min=1)
    ] = MAX_PIECE_CHARS,
    max_file_bytes: Annotated[
        int, typer.Option(help="Skip a larger .txt or .html file or WARC page (bytes).", min=1)
    ] = MAX_FILE_BYTES,
    max_line_bytes: Annotated[
        int, typer.Option(help="Skip a longer line of JSON Lines (bytes).", min=1)
    ] = MAX_LINE_BYTES,
    max_nesting: Annotated[
        int, typer.Option(help="Skip JSON or HTML nested deeper than this.", min=1)
    ] = MAX_NESTING,
) -> None:
    """Code articles into events and store them. Limits: see README, "Limits"."""

    def report_skip(item: Rejected) -> None:
        err.print(f"skipped {item.message()}", highlight=False, markup=False)

    def report_note(message: str) -> None:
        err.print(f"note {message}", highlight=False, markup=False)

    config = PipelineConfig(
        articles_per_batch=batch_size,
        max_article_chars=max_article_chars,
        max_sentence_chars=max_sentence_chars,
        max_batch_chars=max_batch_chars,
        max_piece_chars=max_piece_chars,
        read=ReadLimits(max_file_bytes, max_line_bytes, max_nesting),
    )
    if workers or scheduler or output:
        _code_on_cluster(inputs, db, config, workers, scheduler, output, report_skip, report_note)
        return
    try:
        coder = Coder.load(config)
        with EventStore(db) as store, _progress() as bar:
            task = bar.add_task("coding", total=None)

            def report(summary: RunSummary) -> None:
                bar.update(task, completed=summary.read, description=f"{summary.events} events")

            summary = run(
                inputs, store, coder, report, report_skip, stdin=sys.stdin, on_note=report_note
            )
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


def _code_on_cluster(
    inputs: list[str],
    db: Path,
    config: PipelineConfig,
    workers: int | None,
    scheduler: str | None,
    output: Path | None,
    report_skip: Callable[[Rejected], None],
    report_note: Callable[[str], None],
) -> None:
    if (workers is None) == (scheduler is None):
        problem = "not both" if workers else "give --workers N or --scheduler tcp://HOST:PORT"
        err.print(f"error: --workers or --scheduler: {problem}", highlight=False)
        raise typer.Exit(EXIT_ERROR)
    # Imported here: Dask takes a moment to import, and only this command needs it.
    from communique import distributed

    spec = distributed.ClusterSpec(workers, scheduler)
    try:
        with ExitStack() as stack:
            if output is None:
                store = stack.enter_context(EventStore(db))
                destination: distributed.Destination = distributed.StoreDestination(store)
                people = store.people
            else:
                destination = distributed.DatasetDestination(output)
                people = functools.partial(_people_of, db)
            client = stack.enter_context(distributed.connect(spec, config))
            bar = stack.enter_context(_progress())
            task = bar.add_task("coding", total=None)

            def report(summary: RunSummary) -> None:
                bar.update(task, completed=summary.read, description=f"{summary.events} events")

            summary = distributed.code_on_cluster(
                inputs,
                client,
                destination,
                config,
                people,
                report,
                report_skip,
                sys.stdin,
                report_note,
            )
    except CommuniqueError as error:
        raise _fail(error) from None
    err.print(
        f"{summary.read} articles read, {summary.coded} coded, "
        f"{summary.already_stored} already stored, {len(summary.skipped)} skipped; "
        f"{summary.events} events coded into {output or db} ({summary.batches} batches on "
        f"{summary.workers} workers, {summary.resumed} of them finished before)",
        highlight=False,
        markup=False,
    )
    if summary.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _people_of(db: Path) -> list[PersonEntry]:
    """The people a store knows, if there is a store."""
    if not db.exists():
        return []
    with EventStore(db, read_only=True) as store:
        return store.people()


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
    merged: Annotated[
        bool,
        typer.Option(
            "--merged", help="One row per event merged from all its reports, with its counts."
        ),
    ] = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="ID",
            help="A merged event (its id, or a coded event's) with each report and why it "
            "was merged.",
        ),
    ] = None,
) -> None:
    """Print stored events: as coded, one per sentence (the default), or merged."""
    if merged and explain is not None:
        err.print("error: give --merged or --explain, not both", highlight=False)
        raise typer.Exit(EXIT_ERROR)
    where = EventFilter(
        source=source,
        target=target,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    try:
        with EventStore(db, read_only=True) as store:
            if merged or explain is not None:
                _print_merged(store, db, where, explain, format)
                return
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


def _print_merged(
    store: EventStore, db: Path, where: EventFilter, explain: str | None, format: Format
) -> None:
    if not store.merged():
        raise StoreError(
            f"{db}: no merged events in a store coded before merging: "
            f"run `communique recode --db {db}` to merge its reports"
        )
    unmerged = store.unmerged_articles()
    if unmerged:
        err.print(
            f"note: {unmerged} articles coded before merging are left out: "
            f"run `communique recode --db {db}` to merge them",
            highlight=False,
            markup=False,
        )
    if explain is not None:
        found = store.explain(explain)
        if found is None:
            err.print(f"error: {db}: no event {explain!r}", highlight=False, markup=False)
            raise typer.Exit(EXIT_NOT_FOUND)
        if format is Format.jsonl:
            out.out(json.dumps(explanation_record(found), ensure_ascii=False), highlight=False)
        elif format is Format.csv:
            writer = csv.writer(sys.stdout)
            writer.writerow(("cluster_id", *_MEMBER_CSV_COLUMNS))
            writer.writerows((found.cluster.id, *row) for row in _member_rows(found))
        else:
            _print_explanation(found)
        return
    clusters = store.clusters(where)
    if format is Format.jsonl:
        for cluster in clusters:
            out.out(json.dumps(cluster_record(cluster), ensure_ascii=False), highlight=False)
    elif format is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(MERGED_CSV_COLUMNS)
        writer.writerows(merged_csv_row(cluster) for cluster in clusters)
    else:
        rows = list(clusters)
        table = Table(
            title=f"{len(rows)} merged events",
            caption="reports: mentions/articles/sources",
        )
        for column in ("id", "date", "source", "event", "target", "place", "reports", "conf."):
            wrap = column in ("source", "target", "place", "event")
            table.add_column(column, overflow="fold", no_wrap=not wrap)
        for cluster in rows:
            counts = cluster.counts
            table.add_row(
                str(cluster.id),
                _dates(cluster.date_first, cluster.date_last),
                escape(_party_cell(cluster.source)),
                f"{cluster.cameo} {cluster.plover or ''}\n{cluster.goldstein:+.1f}",
                escape(_party_cell(cluster.target)),
                escape(cluster.place.name if cluster.place else "-"),
                f"{counts.mentions}/{counts.articles}/{counts.sources}",
                f"{counts.confidence:.2f}",
            )
        out.print(table)


_MEMBER_CSV_COLUMNS = (
    "event_id",
    "article_id",
    "outlet",
    "published",
    "sentence_index",
    "sentence",
    "span_start",
    "span_end",
    "reasons",
)


def _member_rows(found: Explanation) -> list[list[object]]:
    rows: list[list[object]] = []
    for member in found.members:
        mention = member.mention
        rows.append(
            [
                mention.event_id,
                mention.article_id,
                mention.outlet,
                _day(mention.seen),
                mention.sentence_index,
                mention.sentence,
                *mention.span,
                "; ".join(member.reasons),
            ]
        )
    return rows


def _print_explanation(found: Explanation) -> None:
    # One block per report, not a table: sentences and reasons must stay readable.
    cluster, counts = found.cluster, found.cluster.counts
    out.print(
        f"merged event {cluster.id}: {_party_text(cluster.source)} {cluster.cameo} "
        f"{cluster.plover or ''} {_party_text(cluster.target)}, "
        f"{_dates(cluster.date_first, cluster.date_last).replace(chr(10), ' to ')}"
        f"{', ' + cluster.place.name if cluster.place else ''}",
        highlight=False,
        markup=False,
    )
    out.print(
        f"{counts.mentions} mentions in {counts.articles} articles from {counts.sources} "
        f"sources ({counts.independent} independent), confidence {counts.confidence:.3f}, "
        f"seen {_day(counts.first_seen)} to {_day(counts.last_seen)}",
        highlight=False,
        markup=False,
    )
    for number, member in enumerate(found.members, start=1):
        mention, copy = member.mention, member.copy
        asked = "  <- asked" if mention.event_id == found.asked else ""
        out.print(
            f"\n{number}. event {mention.event_id}{asked}\n"
            f"   article {mention.article_id} ({mention.outlet}, "
            f"published {_day(mention.seen)}), sentence {mention.sentence_index}, "
            f"span {mention.span[0]}-{mention.span[1]}",
            highlight=False,
            markup=False,
        )
        if copy is not None and copy.copy_of is not None:
            how = "exact copy" if copy.exact else f"near-duplicate ({copy.similarity:.2f})"
            out.print(f"   {how} of article {copy.copy_of}", highlight=False, markup=False)
        out.print(f"   “{mention.sentence}”", highlight=False, markup=False)
        for reason in member.reasons:
            out.print(f"   - {reason}", highlight=False, markup=False)


def _party_cell(party: Party | None) -> str:
    if party is None:
        return "-"
    return f"{party.code}\n{party.name}" if party.name else party.code


def _party_text(party: Party | None) -> str:
    if party is None:
        return "-"
    return f"{party.code} ({party.name})" if party.name else party.code


def _dates(first: dt.date | None, last: dt.date | None) -> str:
    if first is None or last is None:
        return "-"
    return first.isoformat() if first == last else f"{first.isoformat()}\n{last.isoformat()}"


def _actor_cell(actor: ActorView | None) -> str:
    if actor is None:
        return "-"
    return f"{actor.code}\n{actor.name}" if actor.name else actor.code


class QuoteFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


@app.command()
def quotes(
    speaker: Annotated[
        str | None, typer.Option(help="Speaker's actor code or prefix (CHN, CHNGOV).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    format: Annotated[
        QuoteFormat, typer.Option("--format", help="Output format.")
    ] = QuoteFormat.table,
) -> None:
    """Print stored quotes: who said what, and the events told in it."""
    try:
        with EventStore(db, read_only=True) as store:
            found = store.quotes(speaker)
    except CommuniqueError as error:
        raise _fail(error) from None
    if format is QuoteFormat.jsonl:
        for quote in found:
            out.out(json.dumps(quote_record(quote), ensure_ascii=False), highlight=False)
        return
    _print_quotes(found)


def _print_quotes(rows: list[StoredQuote]) -> None:
    table = Table(title=f"{len(rows)} quotes")
    for column in ("speaker", "verb", "said", "events"):
        table.add_column(column, overflow="fold")
    for quote in rows:
        said = f"“{quote.text}”" if quote.direct else quote.text
        table.add_row(
            escape(_actor_cell(quote.speaker)),
            escape(quote.verb),
            escape(said),
            str(len(quote.event_ids)),
        )
    out.print(table)


@app.command("eval")
def eval_(
    gold: Annotated[
        Path | None,
        typer.Argument(help="A gold file, or a folder of them. Default: the vendored gold."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    errors: Annotated[
        int, typer.Option("--errors", help="List the N worst misses of each file.", min=0)
    ] = 0,
) -> None:
    """Score the coder on gold data; a folder is checked against the floors."""
    folder = gold is None or gold.is_dir()
    try:
        if gold is not None and not folder:
            paths = [gold]
        else:
            paths = scoring.gold_files(gold or scoring.VENDORED_GOLD)
        golds = [scoring.load_gold(path) for path in paths]
        floors = scoring.load_floors() if folder else None
        coder = Coder.load()
        reports = [scoring.evaluate(g, coder) for g in golds]
    except CommuniqueError as error:
        raise _fail(error) from None
    figures = {name: value for r in reports for name, value in r.figures().items()}
    checks = floors.check(figures) if floors else []
    if as_json:
        data = {
            "reports": [r.to_dict(errors) for r in reports],
            "checks": [{**dataclasses.asdict(c), "passed": c.passed} for c in checks],
        }
        out.out(json.dumps(data, ensure_ascii=False, indent=2), highlight=False)
    else:
        for report in reports:
            if not folder:
                _print_report(report)
            if errors:
                _print_misses(report, errors)
        if folder:
            _print_checks(figures, checks)
    if any(not check.passed for check in checks):
        raise typer.Exit(EXIT_BELOW_FLOOR)


def _print_report(report: scoring.Report) -> None:
    table = Table(title=f"{report.gold} ({report.shape})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in report.figures().items():
        table.add_row(name, f"{value:.3f}")
    out.print(table)
    if isinstance(report, scoring.PloverReport):
        _print_plover_types(report)
    elif isinstance(report, scoring.PentaclassReport):
        _print_pentaclass(report)
    elif isinstance(report, scoring.SpanReport):
        _print_spans(report)


def _figures_table(title: str, label: str, *figures: str) -> Table:
    """A table of one label column and right-aligned figure columns."""
    table = Table(title=title)
    table.add_column(label)
    for column in figures:
        table.add_column(column, justify="right")
    return table


def _print_plover_types(report: scoring.PloverReport) -> None:
    table = _figures_table(
        "per PLOVER type", "type", "sentences", "type found", "type + dyad", "coded events"
    )
    for row in report.per_type:
        table.add_row(
            row.plover, str(row.sentences), str(row.type_found), str(row.dyad_found), str(row.coded)
        )
    out.print(table)
    steps = ", ".join(f"{step} {n}" for step, n in report.steps.items())
    out.print(f"misses by step: {steps or 'none'}", highlight=False)


def _print_pentaclass(report: scoring.PentaclassReport) -> None:
    table = _figures_table("per class", "class", "support", "precision", "recall", "F1")
    for score in report.classes:
        table.add_row(
            f"{score.pentaclass} {score.name}",
            str(score.support),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
        )
    out.print(table)
    confusion = Table(title="confusion (rows gold, columns coded)")
    confusion.add_column("gold")
    for k in range(len(scoring.PENTACLASSES)):
        confusion.add_column(str(k), justify="right")
    for k, row in enumerate(report.confusion):
        confusion.add_row(str(k), *(str(n) for n in row))
    out.print(confusion)


def _print_spans(report: scoring.SpanReport) -> None:
    table = Table(title="actor spans (exact match)")
    for column in ("role", "coded", "gold", "precision", "recall", "F1", "lenient F1"):
        table.add_column(column, justify="left" if column == "role" else "right")
    for role, counts in (("source", report.source), ("target", report.target)):
        table.add_row(
            role,
            str(counts.predicted),
            str(counts.gold),
            f"{counts.precision:.3f}",
            f"{counts.recall:.3f}",
            f"{counts.f1:.3f}",
            f"{counts.lenient_f1:.3f}",
        )
    out.print(table)


def _print_misses(report: scoring.Report, limit: int) -> None:
    # One block per miss, not a table: the sentence must stay readable in 80 columns.
    misses = report.misses[:limit]
    out.print(
        f"{report.gold}: the {len(misses)} worst of {len(report.misses)} misses", style="bold"
    )
    for miss in misses:
        out.print(f"{miss.item}  lost at: {miss.step}", highlight=False, markup=False)
        for label, value in (("sentence", miss.text), ("gold", miss.gold), ("coded", miss.coded)):
            if value:
                out.print(f"  {label + ':':9} {value}", highlight=False, markup=False)


def _print_checks(figures: dict[str, float], checks: list[scoring.Check]) -> None:
    bounds = {check.figure: check for check in checks}
    table = Table(title="accuracy on the gold sets")
    for column in ("figure", "value", "floor", "ceiling", "gate"):
        table.add_column(column, justify="left" if column in ("figure", "gate") else "right")
    # The floors file's order first (it groups the figures by gold set), then the rest.
    names = [*bounds, *(name for name in figures if name not in bounds)]
    for name in names:
        value = figures.get(name)
        check = bounds.get(name)
        bound = f"{check.bound.value:.2f}" if check else "-"
        table.add_row(
            name,
            "-" if value is None else f"{value:.3f}",
            bound if check and not check.bound.ceiling else "-",
            bound if check and check.bound.ceiling else "-",
            "-" if check is None else ("pass" if check.passed else "[red]FAIL[/red]"),
        )
    out.print(table)


# -- the actor registry ------------------------------------------------------------------

actors = typer.Typer(
    help="The actor registry: people learned from titled mentions, or added by hand.",
    no_args_is_help=True,
)
app.add_typer(actors, name="actors")


@actors.command("list")
def actors_list(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List the people of the registry, one row per role."""
    try:
        with EventStore(db, read_only=True) as store:
            people = store.people()
    except CommuniqueError as error:
        raise _fail(error) from None
    if as_json:
        records = [_person_record(p) for p in people]
        out.out(json.dumps(records, ensure_ascii=False, indent=2), highlight=False)
        return
    table = Table(title=f"{len(people)} people")
    for column in ("name", "code", "role", "first seen", "last seen", "sightings", "source"):
        table.add_column(column, justify="right" if column == "sightings" else "left")
    for person in people:
        table.add_row(
            escape(person.name),
            person.code,
            escape(person.role or "-"),
            _day(person.first_seen),
            _day(person.last_seen),
            str(person.sightings),
            person.source,
        )
    out.print(table)


@actors.command("show")
def actors_show(
    name: Annotated[str, typer.Argument(help="The person's name (any case), or an alias.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Show every role of one person, with the sentence each was learned from."""
    try:
        with EventStore(db, read_only=True) as store:
            people = store.people(name)
    except CommuniqueError as error:
        raise _fail(error) from None
    if not people:
        err.print(f"error: no person named {name!r} in {db}", highlight=False, markup=False)
        raise typer.Exit(EXIT_NOT_FOUND)
    if as_json:
        records = [_person_record(p) for p in people]
        out.out(json.dumps(records, ensure_ascii=False, indent=2), highlight=False)
        return
    for person in people:
        lines = [
            f"{person.name}  {person.code}  {person.role or '-'}  ({person.source})",
            f"  country {person.country or '-'}, sector {person.sector or '-'}",
            f"  aliases {', '.join(person.aliases)}",
            f"  seen {_day(person.first_seen)} to {_day(person.last_seen)}, "
            f"sightings {person.sightings}",
        ]
        if person.valid_from or person.valid_to:
            lines.append(f"  valid {_day(person.valid_from)} to {_day(person.valid_to)}")
        if person.evidence:
            lines.append(f"  evidence ({person.article_id}): {person.evidence}")
        # Each line whole, however long: the evidence sentence is grepped and copied.
        out.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)


@actors.command("add")
def actors_add(
    name: Annotated[str, typer.Argument(help="The person's full name.")],
    code: Annotated[str, typer.Option(help="Actor code: country and sector (CHNGOV).")],
    role: Annotated[str | None, typer.Option(help="The role or title (Premier).")] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 alpha-3 code; default: from the code.")
    ] = None,
    sector: Annotated[str | None, typer.Option(help="Sector; default: from the code.")] = None,
    alias: Annotated[
        list[str] | None, typer.Option(help="Another name for the person (repeatable).")
    ] = None,
    valid_from: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")
    ] = None,
    valid_to: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add a person in a role; coding then recognises them by name, in the role's dates."""
    given: dict[str, str | list[str]] = {"name": name, "code": code, "aliases": alias or []}
    for key, value in (("role", role), ("country", country), ("sector", sector)):
        if value is not None:
            given[key] = value
    for key, day in (("from", valid_from), ("to", valid_to)):
        if day is not None:
            given[key] = day.date().isoformat()
    try:
        person = user_entry(given, default_gazetteer().countries, default_sectors().sectors)
        with EventStore(db) as store:
            store.add_people([person])
    except CommuniqueError as error:
        raise _fail(error) from None
    err.print(
        f"added {person.name} ({person.code}, {person.role or 'no role'}) to {db}",
        highlight=False,
        markup=False,
    )


@actors.command("import")
def actors_import(
    file: Annotated[Path, typer.Argument(help="A user dictionary: .yml, .yaml or .csv.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add the people of a user dictionary; bad records are skipped and named."""
    try:
        countries, sectors = default_gazetteer().countries, default_sectors().sectors
        dictionary = read_user_dictionary(file, countries, sectors)
        with EventStore(db) as store:
            store.add_people(dictionary.people)
    except CommuniqueError as error:
        raise _fail(error) from None
    for rejected in dictionary.rejected:
        err.print(f"skipped {rejected.message()}", highlight=False, markup=False)
    err.print(
        f"{len(dictionary.people)} people imported into {db}, {len(dictionary.rejected)} skipped",
        highlight=False,
        markup=False,
    )
    if dictionary.rejected:
        raise typer.Exit(EXIT_SKIPPED)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "-"


def _person_record(person: PersonEntry) -> dict[str, object]:
    record = dataclasses.asdict(person)
    for key, value in record.items():
        if isinstance(value, dt.date):
            record[key] = value.isoformat()
        elif isinstance(value, tuple):
            record[key] = list(value)
    return record


# -- re-coding, exports and GDELT --------------------------------------------------------


@app.command()
def recode(
    db: DbOption = DEFAULT_DB,
    batch_size: Annotated[int, typer.Option(help="Articles per batch.", min=1)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Code the stored articles again with the current dictionaries, and report what changed."""

    def report_skip(item: Rejected) -> None:
        err.print(f"skipped {item.message()}", highlight=False, markup=False)

    try:
        if not db.exists():
            raise StoreError(f"{db}: no such store (run `communique code` first)")
        coder = Coder.load(PipelineConfig(articles_per_batch=batch_size))
        with EventStore(db) as store, _progress() as bar:
            task = bar.add_task("re-coding", total=None)

            def report(summary: recoding.RecodeSummary) -> None:
                done = summary.recoded + len(summary.skipped)
                bar.update(task, total=summary.articles, completed=done)

            summary = recoding.recode(store, coder, report, report_skip)
    except CommuniqueError as error:
        raise _fail(error) from None
    if as_json:
        out.out(json.dumps(_recode_record(summary), ensure_ascii=False, indent=2), highlight=False)
    else:
        for line in _recode_report(summary, db):
            err.print(line, highlight=False, markup=False)
    if summary.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _recode_report(summary: recoding.RecodeSummary, db: Path) -> list[str]:
    old = summary.old_versions
    if list(old) == [summary.new_version]:
        version = f"coder version unchanged: {summary.new_version}"
    else:
        before = ", ".join(f"{v} ({n} events)" for v, n in old.items()) or "none"
        version = f"coder version: {before} -> {summary.new_version}"
    return [
        f"{summary.recoded} articles re-coded in {db}, {len(summary.skipped)} skipped; "
        f"events {summary.events_before} -> {summary.events_after}: "
        f"{summary.kept} kept, {summary.retyped} re-typed, "
        f"{summary.removed} removed, {summary.added} added",
        version,
    ]


def _recode_record(summary: recoding.RecodeSummary) -> dict[str, object]:
    return {
        "articles": summary.articles,
        "recoded": summary.recoded,
        "skipped": [item.message() for item in summary.skipped],
        "events_before": summary.events_before,
        "events_after": summary.events_after,
        "kept": summary.kept,
        "retyped": summary.retyped,
        "removed": summary.removed,
        "added": summary.added,
        "coder_version": {"old": summary.old_versions, "new": summary.new_version},
    }


class ExportFormat(StrEnum):
    gdelt = "gdelt"
    plover = "plover"
    parquet = "parquet"
    csv = "csv"


@app.command()
def export(
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="gdelt: GDELT 2.0 event rows; plover: PLOVER JSON Lines; "
            "parquet: one Parquet file; csv: the columns of `events --format csv`.",
        ),
    ],
    db: DbOption = DEFAULT_DB,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="The file to write (parquet needs one); default: stdout."
        ),
    ] = None,
) -> None:
    """Write every stored event as GDELT 2.0 rows, PLOVER records, Parquet or CSV."""
    if format is ExportFormat.parquet and output is None:
        err.print("error: --format parquet writes a file: give --output FILE", highlight=False)
        raise typer.Exit(EXIT_ERROR)
    try:
        with EventStore(db, read_only=True) as store:
            if format is ExportFormat.parquet and output is not None:
                count = store.export_parquet(output)
            else:
                with _text_output(output) as stream:
                    count = _write_events(format, store, stream)
    except CommuniqueError as error:
        raise _fail(error) from None
    except BrokenPipeError:
        # The reader stopped reading (`| head`): not our error, and nothing left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as error:
        err.print(f"error: {output}: cannot write: {error.strerror}", highlight=False)
        raise typer.Exit(EXIT_ERROR) from None
    err.print(
        f"{count} events exported as {format} to {output or 'stdout'}",
        highlight=False,
        markup=False,
    )


@contextmanager
def _text_output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as stream:
        yield stream


def _write_events(format: ExportFormat, store: EventStore, stream: TextIO) -> int:
    if format is ExportFormat.gdelt:
        return formats.write_gdelt(store.sourced_events(), stream)
    if format is ExportFormat.plover:
        return formats.write_plover(store.sourced_events(), stream, default_ontology())
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in store.events():
        writer.writerow(csv_row(event))
        count += 1
    return count


@app.command("import-gdelt")
def import_gdelt(
    files: Annotated[
        list[Path],
        typer.Argument(help="GDELT event files: 2.0 or 1.0, plain, .gz or .zip."),
    ],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Load GDELT event rows into the store (table gdelt_events), to compare with ours."""
    skipped: list[Rejected] = []

    def report_skip(item: Rejected) -> None:
        err.print(f"skipped {item.message()}", highlight=False, markup=False)
        skipped.append(item)

    try:
        schema = formats.default_gdelt_schema()
        rows = formats.read_gdelt_events(files, schema, report_skip)
        with EventStore(db) as store:
            loaded = store.add_gdelt_events(rows, schema)
    except CommuniqueError as error:
        raise _fail(error) from None
    err.print(
        f"{loaded.stored} GDELT events imported into {db} "
        f"({loaded.replaced} replacing earlier ones), {len(skipped)} skipped",
        highlight=False,
        markup=False,
    )
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


# -- the web interface and plots ---------------------------------------------------------


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on; only this machine by default.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="An origin whose pages may read the API (repeatable); default: none."),
    ] = None,
) -> None:
    """Serve the store read-only: web pages and a REST API (schema at /api/openapi.json).
    Answers come from a copy of the store, taken again when `communique code` changes it."""
    import uvicorn

    from communique.store.snapshots import StoreSnapshots
    from communique.web import WebSettings, create_app

    settings = WebSettings(cors_origins=tuple(cors_origin or ()), settle=True)
    # The snapshot's indexes take some seconds for a million events: say what is going on.
    err.print(f"taking a snapshot of {db} and indexing it ...", highlight=False, markup=False)
    started = time.perf_counter()
    try:
        snapshots = StoreSnapshots(db, threads=settings.store_threads)
    except CommuniqueError as error:
        raise _fail(error) from None
    err.print(
        f"snapshot ready in {time.perf_counter() - started:.1f} s",
        highlight=False,
        markup=False,
    )
    err.print(
        f"serving {db} read-only at http://{host}:{port}/ (Ctrl-C stops)",
        highlight=False,
        markup=False,
    )
    try:
        uvicorn.run(create_app(snapshots, settings), host=host, port=port, log_level="warning")
    finally:
        snapshots.close()


plot = typer.Typer(
    help="Charts as image files: PNG, SVG or PDF by the file's suffix.", no_args_is_help=True
)
app.add_typer(plot, name="plot")

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="The image file to write.")]
IntervalOption = Annotated[str, typer.Option(help="day, week or month.")]
SinceOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First date.")]
UntilOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Last date.")]


@plot.command("dyad")
def plot_dyad(
    a: Annotated[str, typer.Argument(help="An actor code or prefix (CHN).")],
    b: Annotated[str, typer.Argument(help="The other actor code or prefix (PER).")],
    output: OutputOption,
    db: DbOption = DEFAULT_DB,
    interval: IntervalOption = "month",
    since: SinceOption = None,
    until: UntilOption = None,
) -> None:
    """Cooperation and conflict between two actors over time, and their mean Goldstein."""
    from communique import plot as plots

    try:
        with EventStore(db, read_only=True) as store:
            count = plots.plot_dyad(
                store, a, b, output, _interval(interval), _day_of(since), _day_of(until)
            )
    except CommuniqueError as error:
        raise _fail(error) from None
    _report_plot(count, output, f"between {a} and {b} in {db}")


@plot.command("timeline")
def plot_timeline(
    output: OutputOption,
    db: DbOption = DEFAULT_DB,
    actor: Annotated[str | None, typer.Option(help="Actor code or prefix, either side.")] = None,
    source: Annotated[str | None, typer.Option(help="Source actor code or prefix.")] = None,
    target: Annotated[str | None, typer.Option(help="Target actor code or prefix.")] = None,
    cameo: Annotated[str | None, typer.Option(help="CAMEO code or root (04).")] = None,
    interval: IntervalOption = "month",
    since: SinceOption = None,
    until: UntilOption = None,
    title: Annotated[str | None, typer.Option(help="The chart's title.")] = None,
) -> None:
    """Events over time, stacked by QuadClass, under the filters given."""
    from communique import plot as plots
    from communique.store.queries import EventQuery

    try:
        query = EventQuery(
            actor=actor,
            source=source,
            target=target,
            cameo=cameo,
            since=_day_of(since),
            until=_day_of(until),
        )
        with EventStore(db, read_only=True) as store:
            count = plots.plot_timeline(store, query, output, _interval(interval), title)
    except CommuniqueError as error:
        raise _fail(error) from None
    _report_plot(count, output, f"matching in {db}")


def _interval(name: str) -> Interval:
    try:
        return Interval(name)
    except ValueError:
        raise QueryError(f"interval: {name!r} is not day, week or month") from None


def _day_of(moment: dt.datetime | None) -> dt.date | None:
    return moment.date() if moment else None


def _report_plot(count: int, output: Path, what: str) -> None:
    if count == 0:
        err.print(f"no dated events {what}: nothing plotted", highlight=False, markup=False)
        raise typer.Exit(EXIT_NOT_FOUND)
    err.print(f"{count} events plotted to {output}", highlight=False, markup=False)


def main() -> None:
    app()
