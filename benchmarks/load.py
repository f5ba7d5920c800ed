"""Load test of `communique serve`: a store of a million events, 50 clients, 30 seconds.

    python benchmarks/load.py [--events 1000000] [--clients 50] [--seconds 30] [--store FILE]

1. Build the store (or reuse ``--store`` when it holds enough events): synthetic articles,
   events, actor mentions and quotes written by DuckDB SQL into the schema that
   ``EventStore`` creates, not coded from text, so a million events take seconds. Events fall
   on 2015-2024 between some 150 countries, a few of them far more often than the rest (as
   in news), with CAMEO codes, Goldstein values and places as coding gives them.
2. Start `communique serve` on a free port of 127.0.0.1, in its own process, as a user would.
3. Run the clients on loopback (never another address): each sends one request, waits for
   the answer, sends the next, until the time is up. The requests are a mix of what the
   pages ask (pages of events under filters, event pages, dyad series, the network, the
   map's places, quotes), with parameters drawn at random from what the store holds.
   The clients speak HTTP/1.1 over asyncio's streams, each on a connection it keeps: a
   general HTTP client library spends about a millisecond of CPU on a request, which on a
   two-core machine took a third of the CPU from the server it measured.
4. Print p50 and p99 latency, the errors (any status but 200, or no answer) and the share
   of answers the server had kept (``x-kept-answer``), in all and per endpoint, and the
   latencies by third of the run; then stop the server.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import duckdb
import httpx2 as httpx
import pycountry

from communique.coding.ontology import default_ontology
from communique.store.duckdb import EventStore

ROOT = Path(__file__).resolve().parents[1]
CENTROIDS = ROOT / "src" / "communique" / "data" / "country-centroids.tsv"
SECTORS = ["", "GOV", "GOV", "MIL", "BUS", "OPP", "CVL", "MED", "JUD"]
EVENTS_PER_ARTICLE = 10
HOST = "127.0.0.1"  # loopback only


# -- 1. the store ----------------------------------------------------------------------------


def build_store(path: Path, events: int) -> None:
    """Write ``events`` synthetic events (and their articles, mentions and quotes)."""
    EventStore(path).close()  # the schema, exactly as coding writes it
    db = duckdb.connect(str(path))
    try:
        _lookup_tables(db)
        articles = -(-events // EVENTS_PER_ARTICLE)
        db.execute(
            "INSERT INTO articles (id, origin, url, source, title, published, text, sentences, "
            "coded_at, themes, tone) "
            "SELECT 'art' || lpad(i::VARCHAR, 8, '0'), 'synthetic', "
            "'https://example.org/news/' || i, 'Synthetic Wire', 'Synthetic article ' || i, "
            "DATE '2015-01-01' + (hash(i, 'day') % 3653)::INTEGER, "
            "'Synthetic article ' || i || '.', ?, now(), [], 0.0 FROM range(?) t(i)",
            [EVENTS_PER_ARTICLE, articles],
        )
        # Skewed choices: country k is picked with a weight falling steeply with k.
        db.execute(
            f"""
            CREATE TEMP TABLE draws AS
            SELECT i, i // {EVENTS_PER_ARTICLE} AS article,
                floor(pow((hash(i, 's') % 1000000) / 1e6, 3) * (SELECT count(*) FROM countries))
                    ::INTEGER AS s,
                floor(pow((hash(i, 't') % 1000000) / 1e6, 3) * (SELECT count(*) FROM countries))
                    ::INTEGER AS t,
                (hash(i, 'c') % (SELECT count(*) FROM cameo))::INTEGER AS c,
                (hash(i, 'ss') % {len(SECTORS)})::INTEGER AS ss,
                (hash(i, 'ts') % {len(SECTORS)})::INTEGER AS ts,
                hash(i, 'p') % 2 = 0 AS at_target
            FROM range(?) r(i)
            """,
            [events],
        )
        db.execute(
            """
            CREATE TEMP TABLE synthetic AS
            SELECT d.i, d.article,
                'ev' || lpad(d.i::VARCHAR, 9, '0') AS id,
                'art' || lpad(d.article::VARCHAR, 8, '0') AS article_id,
                a.published - (hash(d.i, 'lag') % 2)::INTEGER AS date,
                sc.iso3 || ss.sector AS source_code, sc.iso3 AS source_country,
                sc.name AS source_name,
                tc.iso3 || ts.sector AS target_code, tc.iso3 AS target_country,
                tc.name AS target_name,
                c.code AS cameo, c.plover, c.quad, c.goldstein, c.verb,
                CASE WHEN d.at_target THEN tc.name ELSE sc.name END AS place,
                CASE WHEN d.at_target THEN tc.iso3 ELSE sc.iso3 END AS place_country,
                CASE WHEN d.at_target THEN tc.lat ELSE sc.lat END AS lat,
                CASE WHEN d.at_target THEN tc.lon ELSE sc.lon END AS lon,
                nullif(ss.sector, '') AS source_sector, nullif(ts.sector, '') AS target_sector
            FROM draws d
            JOIN articles a ON a.id = 'art' || lpad(d.article::VARCHAR, 8, '0')
            JOIN countries sc ON sc.k = d.s
            JOIN countries tc ON tc.k = (CASE WHEN d.t = d.s
                THEN (d.t + 1) % (SELECT count(*) FROM countries) ELSE d.t END)
            JOIN cameo c ON c.k = d.c
            JOIN sectors ss ON ss.k = d.ss
            JOIN sectors ts ON ts.k = d.ts
            """
        )
        # "<source> <verb> <target> in <place>.": the offsets of each part follow.
        db.execute(
            """
            INSERT INTO events (id, article_id, date, date_precision, date_origin,
                source_code, source_country, source_sector, source_kind, source_name,
                source_text, source_start, source_end,
                target_code, target_country, target_sector, target_kind, target_name,
                target_text, target_start, target_end,
                cameo, plover, quad_class, goldstein, confidence,
                trigger, trigger_start, trigger_end,
                location_name, location_country, lat, lon, location_id,
                location_precision, location_origin, location_start, location_end,
                sentence_index, sentence, span_start, span_end, coder_version,
                quote_id, themes, tone)
            SELECT id, article_id, date, 'day', 'sentence',
                source_code, source_country, source_sector, 'state', source_name,
                source_name, 0, length(source_name),
                target_code, target_country, target_sector, 'state', target_name,
                target_name, length(source_name) + length(verb) + 2,
                length(source_name) + length(verb) + 2 + length(target_name),
                cameo, plover, quad, goldstein, 0.8,
                verb, length(source_name) + 1, length(source_name) + 1 + length(verb),
                place, place_country, lat, lon, 'synthetic:' || place_country,
                'country', 'sentence',
                length(source_name) + length(verb) + length(target_name) + 7,
                length(source_name) + length(verb) + length(target_name) + 7 + length(place),
                i % 10, source_name || ' ' || verb || ' ' || target_name || ' in ' || place || '.',
                0, length(source_name) + length(verb) + length(target_name) + 8 + length(place),
                'synthetic-1',
                CASE WHEN i % 10 = 0 THEN 'q' || id END, [], 0.0
            FROM synthetic
            """
        )
        db.execute(
            """
            INSERT INTO mentions
            SELECT article_id, source_code, source_country, source_sector, 'state',
                source_name, NULL, source_name, 0, length(source_name) FROM synthetic
            UNION ALL
            SELECT article_id, target_code, target_country, target_sector, 'state',
                target_name, NULL, target_name, length(source_name) + length(verb) + 2,
                length(source_name) + length(verb) + 2 + length(target_name) FROM synthetic
            """
        )
        db.execute(
            """
            INSERT INTO quotes
            SELECT 'q' || id, article_id, i % 10, source_code, source_country, source_sector,
                'state', source_name, NULL, source_name, 0, length(source_name),
                'said', 0, 4, verb || ' ' || target_name, 0, 10, false,
                source_name || ' said it would ' || verb || ' ' || target_name || '.',
                0, 40
            FROM synthetic WHERE i % 10 = 0
            """
        )
    finally:
        db.close()


def _lookup_tables(db: duckdb.DuckDBPyConnection) -> None:
    countries = []
    for line in CENTROIDS.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or cells[0] == "iso3" or len(cells) < 3:
            continue
        country = pycountry.countries.get(alpha_3=cells[0])
        if country is not None:
            countries.append((cells[0], country.name, float(cells[1]), float(cells[2])))
    # Frequent countries first: the draws favour the first rows.
    usual = ["USA", "CHN", "RUS", "GBR", "FRA", "DEU", "IND", "JPN", "ISR", "IRN", "UKR", "PER"]
    countries.sort(key=lambda c: (usual.index(c[0]) if c[0] in usual else len(usual), c[0]))
    countries = countries[:150]
    db.execute(
        "CREATE TEMP TABLE countries (k INTEGER, iso3 VARCHAR, name VARCHAR, "
        "lat DOUBLE, lon DOUBLE)"
    )
    db.executemany(
        "INSERT INTO countries VALUES (?, ?, ?, ?, ?)",
        [(k, *c) for k, c in enumerate(countries)],
    )
    codes = [c for c in default_ontology().codes.values() if len(c.code) == 3]
    db.execute(
        "CREATE TEMP TABLE cameo (k INTEGER, code VARCHAR, plover VARCHAR, "
        "quad INTEGER, goldstein DOUBLE, verb VARCHAR)"
    )
    db.executemany(
        "INSERT INTO cameo VALUES (?, ?, ?, ?, ?, ?)",
        [
            (k, c.code, c.plover, c.quad_class, c.goldstein, c.name.split(",")[0].lower())
            for k, c in enumerate(codes)
        ],
    )
    db.execute("CREATE TEMP TABLE sectors (k INTEGER, sector VARCHAR)")
    db.executemany("INSERT INTO sectors VALUES (?, ?)", list(enumerate(SECTORS)))


def stored_events(path: Path) -> int:
    if not path.exists():
        return 0
    with EventStore(path, read_only=True) as store:
        return store.counts()["events"]


# -- 2. the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    command = shutil.which("communique", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [command or "communique", "serve", "--db", str(store), "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"the server stopped: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            if httpx.get(f"http://{HOST}:{port}/api/summary", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


# -- 3. the clients --------------------------------------------------------------------------


def request_mix(store: Path, rng: random.Random) -> list[tuple[str, float, object]]:
    """What to ask: (endpoint name, weight, a function drawing a URL)."""
    with EventStore(store, read_only=True) as opened:
        from communique.store.queries import EventQuery, StoreQueries

        queries = StoreQueries(opened)
        dyads = [(d.a, d.b) for d in queries.dyads(EventQuery(), limit=40)]
        actors = [a.code for a in queries.actors(limit=60)]
        places = [p.name for p in queries.places(EventQuery(), limit=60)]
        ids = [
            e.id
            for e in queries.events(
                EventQuery(), limit=500, order=rng.choice(["newest", "oldest", "conflict"])
            ).events
        ]  # type: ignore[arg-type]
        ids += [
            e.id for d in dyads[:10] for e in queries.events(EventQuery(dyad=d), limit=20).events
        ]
        queries.close()

    def year_range() -> str:
        first = rng.randint(2015, 2024)
        return f"since={first}-01-01&until={min(first + rng.randint(0, 2), 2024)}-12-31"

    def events() -> str:
        a, b = rng.choice(dyads)
        filters = rng.choice(
            [
                f"dyad={a},{b}",
                f"actor={rng.choice(actors)}",
                f"source={a}&target={b}&quad_class={rng.randint(1, 4)}",
                f"dyad={a},{b}&{year_range()}",
                f"place={quote(rng.choice(places), safe='')}",
                f"cameo=0{rng.randint(1, 9)}&{year_range()}",
                f"q={rng.choice(['protest', 'consult', 'appeal', 'threaten', 'aid'])}",
            ]
        )
        return f"/api/events?{filters}&offset={rng.choice([0, 0, 0, 50, 100])}"

    def series() -> str:
        a, b = rng.choice(dyads)
        return f"/api/dyads/{a}/{b}/series?interval={rng.choice(['week', 'month'])}"

    return [
        ("events", 35, events),
        ("event", 25, lambda: f"/api/events/{rng.choice(ids)}"),
        ("dyad series", 15, series),
        ("series", 5, lambda: f"/api/series?actor={rng.choice(actors)}"),
        ("dyads", 5, lambda: f"/api/dyads?actor={rng.choice(actors)}"),
        ("network", 5, lambda: f"/api/network?{year_range()}"),
        ("places", 5, lambda: f"/api/places?actor={rng.choice(actors)}"),
        ("quotes", 3, lambda: f"/api/quotes?speaker={rng.choice(actors)}"),
        ("page", 2, lambda: rng.choice(["/", "/map", "/network", "/static/app.js"])),
    ]


class Connection:
    """One client's keep-alive HTTP/1.1 connection to the server: a GET, then its answer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bool]:
        """Ask for ``path``, read the whole answer, and give its status and whether the
        server gave an answer it had kept."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(HOST, self.port)
        reader, writer = self._streams
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode("ascii"))
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await reader.readexactly(size + 2)
            await reader.readuntil(b"\r\n")
        if headers.get("connection") == "close":
            self.close()
        return status, "x-kept-answer" in headers

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


@dataclass
class Run:
    """What the clients saw, by endpoint: the latencies (seconds), the errors, the answers
    the server had kept; and for every request, when it was sent (seconds from the start)
    and how long it took."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kept: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    timeline: list[tuple[float, float]] = field(default_factory=list)


async def run_clients(
    port: int,
    clients: int,
    seconds: float,
    mix: list[tuple[str, float, object]],
    seed: int,
    think: float = 0.0,
) -> Run:
    run = Run()
    names = [m[0] for m in mix]
    weights = [m[1] for m in mix]
    draw = {m[0]: m[2] for m in mix}
    begun = time.perf_counter()
    deadline = time.monotonic() + seconds

    async def one_client(number: int) -> None:
        rng = random.Random(seed + number)
        connection = Connection(port)
        while time.monotonic() < deadline:
            name = rng.choices(names, weights)[0]
            url = draw[name]()  # type: ignore[operator]
            started = time.perf_counter()
            try:
                status, kept = await asyncio.wait_for(connection.get(url), 30)
                ok = status == 200
                run.kept[name] += kept
            except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError):
                ok = False
                connection.close()  # a broken answer leaves the connection unusable
            run.latencies[name].append(time.perf_counter() - started)
            run.timeline.append((started - begun, time.perf_counter() - started))
            if not ok:
                run.errors[name] += 1
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        connection.close()

    await asyncio.gather(*(one_client(n) for n in range(clients)))
    return run


# -- 4. the report ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(run: Run, seconds: float) -> None:
    everything = [v for values in run.latencies.values() for v in values]
    print(f"{'endpoint':14} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'kept':>6}")
    for name in sorted(run.latencies, key=lambda n: -len(run.latencies[n])):
        values = run.latencies[name]
        print(
            f"{name:14} {len(values):9d} {percentile(values, 0.5) * 1000:8.1f} "
            f"{percentile(values, 0.99) * 1000:8.1f} {run.errors.get(name, 0):7d} "
            f"{run.kept.get(name, 0) / len(values):6.0%}"
        )
    print(
        f"{'all':14} {len(everything):9d} {percentile(everything, 0.5) * 1000:8.1f} "
        f"{percentile(everything, 0.99) * 1000:8.1f} {sum(run.errors.values()):7d} "
        f"{sum(run.kept.values()) / len(everything):6.0%}"
    )
    print(
        f"{len(everything) / seconds:.0f} requests/s, "
        f"mean {statistics.mean(everything) * 1000:.1f} ms"
    )
    # The server keeps its answers: the first seconds, when every question is new, are the
    # slowest. Latencies by the third of the run in which each request was sent:
    thirds = [
        [took for at, took in run.timeline if k * seconds / 3 <= at < (k + 1) * seconds / 3]
        for k in range(3)
    ]
    print(
        "by third of the run (requests, p50, p99): "
        + "; ".join(
            f"{len(part)}, {percentile(part, 0.5) * 1000:.0f} ms, "
            f"{percentile(part, 0.99) * 1000:.0f} ms"
            for part in thirds
            if part
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--store", type=Path, help="Keep the store here (default: a temporary one)."
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="Seconds a client waits between an answer and its next request, on average "
        "(default 0: each client asks again at once, which saturates the server).",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 300:
        parser.error("at most 200 clients and 300 seconds: this test is bounded")
    with tempfile.TemporaryDirectory(prefix="communique-load-") as folder:
        store = args.store or Path(folder) / "load.duckdb"
        if stored_events(store) < args.events:
            store.unlink(missing_ok=True)
            started = time.perf_counter()
            build_store(store, args.events)
            print(f"built {store} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        size_mb = store.stat().st_size / 1e6
        print(f"store: {stored_events(store):,} events, {size_mb:.0f} MB")
        mix = request_mix(store, random.Random(args.seed))
        port = free_port()
        server = start_server(store, port)
        try:
            print(
                f"{args.clients} clients for {args.seconds:.0f} s, thinking {args.think:g} s, "
                f"against http://{HOST}:{port}"
            )
            run = asyncio.run(
                run_clients(port, args.clients, args.seconds, mix, args.seed, args.think)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        report(run, args.seconds)


if __name__ == "__main__":
    main()
