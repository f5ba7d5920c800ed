"""The web interface and REST API over a store, read-only.

``create_app`` builds a FastAPI app over an open ``EventStore``: the REST API under ``/api``
(its OpenAPI schema at ``/api/openapi.json``), and the pages, which are one HTML shell and
JavaScript that asks the API and builds the page from text nodes, never from HTML made of
data. Everything a page needs (d3, topojson-client, the world-atlas map) is vendored under
``static/vendor``, so nothing is fetched from elsewhere.

`communique serve` gives it the snapshots of a store (``store/snapshots.py``): requests are
answered from a copy, never from the file that `communique code` may be writing, and a new
copy is swapped in (and the kept answers dropped) a few seconds after the file changes.

Safety: every endpoint reads (GET only, and the store should be opened ``read_only``); SQL
takes user values only as parameters (``store/queries.py``); a Content-Security-Policy lets
pages run only the scripts served here, as a second wall behind escaping; CORS is off unless
origins are configured.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, unquote

import anyio
import anyio.to_thread
import pydantic_core
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

from communique.errors import CommuniqueError, QueryError
from communique.store.duckdb import EventStore, StoredEvent
from communique.store.export import event_record, quote_record
from communique.store.queries import (
    QUAD_CLASSES,
    EventDetail,
    EventQuery,
    Interval,
    Level,
    Order,
    StoreQueries,
)
from communique.store.snapshots import StoreSnapshots
from communique.web import models

T = TypeVar("T")
LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
PAGE = STATIC / "page.html"

# Pages may run only scripts and styles served here, and may ask only this server.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SECURITY_HEADERS = (
    ("content-security-policy", _CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
)
_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": models.Error, "description": "Bad parameters, with what is wrong."}
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WebSettings:
    """How the app serves: which other origins may read the API (none by default), how
    many answers it keeps, at most how many bytes in all (a served snapshot does not
    change), and how often it looks for a change of the store to serve a new snapshot."""

    cors_origins: tuple[str, ...] = ()
    # Questions asked of the store at once, each by one DuckDB thread (``store_threads``,
    # for the snapshots of `communique serve`). Most questions now take a few milliseconds
    # of Python: with many at once they share the interpreter in turns instead of waiting in
    # line. Under `make load` on 2 cores, p99 was 164-180 ms with 16, 179-191 ms with 8,
    # 346-408 ms with 2 or 3, and 16 gave more answers a second than 32.
    query_threads: int = 16
    store_threads: int = 1
    # Room for every answer of a busy session: an answer costs a few milliseconds of the
    # store's time, and a kept one none.
    cache_answers: int = 8192
    cache_bytes: int = 256_000_000
    refresh_seconds: float = 5.0
    # Whether the objects alive once the app starts (and after each new snapshot) are left
    # out of the garbage collector's passes (``_settle``): for a process that only serves.
    settle: bool = False


def create_app(store: EventStore | StoreSnapshots, settings: WebSettings | None = None) -> FastAPI:
    """The app over ``store``: one the caller opened (read-only) and closes, or the snapshots
    of one, which the app takes again when the store changes and closes when it stops."""
    settings = settings or WebSettings()
    served = store if isinstance(store, StoreSnapshots) else _OneStore(store)
    answers = KeptAnswers(settings.cache_answers, settings.cache_bytes)
    # Questions to the store run in threads of their own (DuckDB works outside the GIL), so
    # that pages, static files and kept answers never wait behind them.
    limiter = anyio.CapacityLimiter(settings.query_threads)

    async def ask(question: Callable[..., T], *args: Any) -> T:
        def answer() -> T:
            with served.lease() as queries:
                return question(queries, *args)

        return await anyio.to_thread.run_sync(answer, limiter=limiter)

    async def keep_fresh(snapshots: StoreSnapshots) -> None:
        while True:
            await anyio.sleep(settings.refresh_seconds)
            try:
                swapped = await anyio.to_thread.run_sync(snapshots.refresh)
            except CommuniqueError as error:  # the snapshot served so far stays
                LOGGER.warning("%s", error)
                continue
            if swapped:
                answers.clear()
                if settings.settle:
                    _settle()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.settle:
            await _warm_up(app, served)
            answers.clear()  # its answers are not kept: only what a first asking costs
            _settle()
        try:
            async with anyio.create_task_group() as tasks:
                if isinstance(served, StoreSnapshots):
                    tasks.start_soon(keep_fresh, served)
                yield
                tasks.cancel_scope.cancel()
            # Now, not after: on SIGTERM, uvicorn ends the process as soon as the app stops.
            served.close()
        finally:
            if settings.settle:
                gc.unfreeze()  # what is left is freed on exit as usual

    app = FastAPI(
        title="communique",
        summary="Political event data coded from news: events, dyads, actors, quotes.",
        version=_version(),
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load its scripts from a CDN: the schema is enough
        redoc_url=None,
        lifespan=lifespan,
    )
    _add_error_handlers(app)
    # The last added runs first: CORS answers by the request's origin, so it stays outside
    # the cache of answers.
    app.add_middleware(ResponseCache, kept=answers)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET"],
            allow_credentials=False,
        )

    # -- the API ------------------------------------------------------------------------

    @app.get("/api/summary", response_model=models.Summary, tags=["store"])
    @_as_json
    async def summary() -> dict[str, Any]:
        """How many events and articles the store holds, and the dates they span."""
        found = await ask(StoreQueries.summary)
        return {
            "events": found.events,
            "articles": found.articles,
            "first_date": found.first_date,
            "last_date": found.last_date,
            "quad_classes": QUAD_CLASSES,
        }

    @app.get("/api/events", response_model=models.EventPage, responses=_ERRORS, tags=["events"])
    @_as_json
    async def events(
        query: Annotated[EventQuery, Depends(event_query)],
        limit: Annotated[int, Query(ge=1, le=500, description="Events per page.")] = 50,
        offset: Annotated[int, Query(ge=0, le=100_000, description="Events to skip.")] = 0,
        order: Annotated[
            Order, Query(description="newest or oldest first, or by Goldstein.")
        ] = Order.newest,
    ) -> dict[str, Any]:
        """A page of the events that match every filter given."""
        page = await ask(StoreQueries.events, query, limit, offset, order)
        return {
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "events": [_event(e) for e in page.events],
        }

    @app.get(
        "/api/events/{event_id}",
        response_model=models.EventDetail,
        responses={404: {"model": models.Error, "description": "No such event."}},
        tags=["events"],
    )
    @_as_json
    async def event(event_id: Annotated[str, PathParam(max_length=200)]) -> dict[str, Any]:
        """One event, with its mentions: the sentences that report it, their coded words
        (offsets in the sentence) and the actors they name."""
        found = await ask(StoreQueries.event, event_id)
        if found is None:
            raise HTTPException(404, f"no event {event_id!r} in the store")
        return _event_detail(found)

    @app.get("/api/series", response_model=models.Series, responses=_ERRORS, tags=["series"])
    @_as_json
    async def series(
        query: Annotated[EventQuery, Depends(event_query)],
        interval: Annotated[
            Interval | None, Query(description="day, week or month; default: by the dates")
        ] = None,
    ) -> dict[str, Any]:
        """Events per period and QuadClass, with their mean Goldstein value."""

        def answer(queries: StoreQueries) -> tuple[Interval, list[Any]]:
            known = queries.summary()
            chosen = interval or _interval_for(query, known.first_date, known.last_date)
            return chosen, queries.series(query, chosen)

        return _series(*await ask(answer))

    @app.get("/api/dyads", response_model=list[models.Dyad], responses=_ERRORS, tags=["series"])
    @_as_json
    async def dyads(
        query: Annotated[EventQuery, Depends(event_query)],
        limit: Annotated[int, Query(ge=1, le=200)] = 10,
    ) -> list[dict[str, Any]]:
        """The pairs of countries with most events between them (either way)."""
        return [_fields(d) for d in await ask(StoreQueries.dyads, query, limit)]

    @app.get(
        "/api/dyads/{a}/{b}/series",
        response_model=models.Series,
        responses=_ERRORS,
        tags=["series"],
    )
    @_as_json
    async def dyad_series(
        a: Annotated[str, PathParam(max_length=15, description="Actor code or prefix (CHN).")],
        b: Annotated[str, PathParam(max_length=15, description="Actor code or prefix (PER).")],
        interval: Annotated[Interval, Query()] = Interval.month,
        since: Annotated[dt.date | None, Query()] = None,
        until: Annotated[dt.date | None, Query()] = None,
        directed: Annotated[
            bool, Query(description="Only events from a to b; default: both ways.")
        ] = False,
    ) -> dict[str, Any]:
        """The dyad's events per period and QuadClass (cooperation 1-2, conflict 3-4), with
        their mean Goldstein value."""
        if directed:
            query = EventQuery(source=a, target=b, since=since, until=until)
        else:
            query = EventQuery(dyad=(a, b), since=since, until=until)
        return _series(interval, await ask(StoreQueries.series, query, interval))

    @app.get(
        "/api/actors", response_model=list[models.ActorCount], responses=_ERRORS, tags=["actors"]
    )
    @_as_json
    async def actors(
        q: Annotated[str | None, Query(max_length=15, description="Code prefix: CHN")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[dict[str, Any]]:
        """Actor codes by how many events they take part in."""
        return [_fields(a) for a in await ask(StoreQueries.actors, q, limit)]

    @app.get("/api/network", response_model=models.Network, responses=_ERRORS, tags=["actors"])
    @_as_json
    async def network(
        query: Annotated[EventQuery, Depends(event_query)],
        level: Annotated[Level, Query(description="country (CHN) or code (CHNGOV)")] = (
            Level.country
        ),
        limit: Annotated[int, Query(ge=1, le=1000, description="The heaviest edges.")] = 100,
    ) -> dict[str, Any]:
        """Who acts on whom: directed edges weighted by events, with mean Goldstein."""
        edges = await ask(StoreQueries.network, query, level, limit)
        weights: dict[str, int] = {}
        for edge in edges:
            for node in (edge.source, edge.target):
                weights[node] = weights.get(node, 0) + edge.events
        return {
            "level": level.value,
            "nodes": [{"id": node, "events": n} for node, n in weights.items()],
            "edges": [_fields(edge) for edge in edges],
        }

    @app.get("/api/places", response_model=list[models.Place], responses=_ERRORS, tags=["events"])
    @_as_json
    async def places(
        query: Annotated[EventQuery, Depends(event_query)],
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> list[dict[str, Any]]:
        """Where the matching events took place, with how many and their mean Goldstein."""
        return [_fields(p) for p in await ask(StoreQueries.places, query, limit)]

    @app.get("/api/quotes", response_model=models.QuotePage, responses=_ERRORS, tags=["quotes"])
    @_as_json
    async def quotes(
        speaker: Annotated[str | None, Query(max_length=15, description="Code or prefix")] = None,
        article_id: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    ) -> dict[str, Any]:
        """Who said what, with the events told in each quote."""
        page = await ask(StoreQueries.quotes, speaker, article_id, limit, offset)
        return {
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "quotes": [quote_record(q) for q in page.quotes],
        }

    # -- the pages ----------------------------------------------------------------------

    shell = PAGE.read_bytes()

    async def page() -> HTMLResponse:
        return HTMLResponse(shell)

    for path in ("/", "/dyad/{a}/{b}", "/network", "/map", "/event/{event_id}"):
        app.add_api_route(path, page, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


async def event_query(
    actor: Annotated[
        str | None, Query(max_length=15, description="Actor code or prefix, either side: CHN")
    ] = None,
    source: Annotated[str | None, Query(max_length=15, description="Source code or prefix")] = (
        None
    ),
    target: Annotated[str | None, Query(max_length=15, description="Target code or prefix")] = (
        None
    ),
    dyad: Annotated[
        str | None,
        Query(max_length=31, description="Two codes or prefixes, either direction: CHN,PER"),
    ] = None,
    cameo: Annotated[str | None, Query(max_length=4, description="CAMEO code or root: 04")] = (
        None
    ),
    plover: Annotated[str | None, Query(max_length=30, description="PLOVER type: CONSULT")] = (
        None
    ),
    quad_class: Annotated[
        list[int] | None,
        Query(
            description="QuadClass, repeatable: 1 verbal cooperation, 2 material "
            "cooperation, 3 verbal conflict, 4 material conflict"
        ),
    ] = None,
    since: Annotated[dt.date | None, Query(description="First date, YYYY-MM-DD")] = None,
    until: Annotated[dt.date | None, Query(description="Last date, YYYY-MM-DD")] = None,
    place: Annotated[
        str | None, Query(max_length=100, description="Place name or country code")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the sentence")] = None,
) -> EventQuery:
    """The event filters, shared by every endpoint that counts or lists events."""
    pair = None
    if dyad is not None:
        parts = dyad.split(",")
        if len(parts) != 2 or not all(parts):
            raise QueryError(f"dyad: {dyad!r} is not two actor codes joined by a comma (CHN,PER)")
        pair = (parts[0], parts[1])
    return EventQuery(
        actor=actor or None,
        source=source or None,
        target=target or None,
        dyad=pair,
        cameo=cameo or None,
        plover=plover or None,
        quad_classes=tuple(quad_class or ()),
        since=since,
        until=until,
        place=place or None,
        text=q or None,
    )


def _interval_for(query: EventQuery, first: dt.date | None, last: dt.date | None) -> Interval:
    """Days for a season, weeks for a few years, else months."""
    first, last = query.since or first, query.until or last
    if first is None or last is None:
        return Interval.month
    days = (last - first).days
    if days <= 120:
        return Interval.day
    return Interval.week if days <= 3 * 366 else Interval.month


def _as_json(endpoint: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Response]]:
    """The endpoint's answer dumped to JSON as it is. FastAPI would first validate it
    against the endpoint's response model, which took a fifth of the server's time under
    `make load`; the model still documents the answer in the OpenAPI schema, and
    tests/test_web_api.py checks every answer against it."""

    @functools.wraps(endpoint)
    async def answer(*args: Any, **kwargs: Any) -> Response:
        found = await endpoint(*args, **kwargs)
        return Response(pydantic_core.to_json(found), media_type="application/json")

    return answer


def _event(event: StoredEvent) -> dict[str, Any]:
    return event_record(event)


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}


def _series(interval: Interval, points: list[Any]) -> dict[str, Any]:
    return {"interval": interval.value, "points": [_fields(p) for p in points]}


def _event_detail(found: EventDetail) -> dict[str, Any]:
    mentions = []
    for mention in found.mentions:
        article = mention.article
        sentence = mention.sentence
        mentions.append(
            {
                "article": {
                    "id": article.id,
                    "title": article.title,
                    "url": article.url,
                    "source": article.source,
                    "published": article.published,
                },
                "sentence": sentence,
                "sentence_span": mention.sentence_span,
                "highlights": [
                    {**_fields(h), "text": sentence[h.start : h.end]} for h in mention.highlights
                ],
                "actors": [_fields(a) for a in mention.actors],
            }
        )
    return {"event": _event(found.event), "mentions": mentions}


# -- errors and headers -------------------------------------------------------------------


def _add_error_handlers(app: FastAPI) -> None:
    """Every error is JSON with one line saying what is wrong (``error``)."""

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for problem in error.errors():
            where = [str(part) for part in problem.get("loc", ())]
            # ("query", "quad_class", 0): a query parameter, its name, the item of a list
            kind = where[0] if len(where) > 1 else "request"
            name = where[1] if len(where) > 1 else (where[0] if where else "?")
            given = problem.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
            problems.append(
                {
                    "loc": where,
                    "msg": problem.get("msg", ""),
                    "type": problem.get("type", ""),
                    "text": f"{kind} parameter {name}: {problem.get('msg', '')}{shown}",
                }
            )
        return JSONResponse(
            {"error": "; ".join(p["text"] for p in problems), "detail": problems}, 422
        )

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, error: QueryError) -> JSONResponse:
        return JSONResponse({"error": str(error), "detail": []}, 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 404 and not request.url.path.startswith("/api/"):
            detail = f"no page {request.url.path}"
        else:
            detail = str(error.detail)
        return JSONResponse({"error": detail, "detail": []}, error.status_code, error.headers)


class _OneStore:
    """A store the caller opened read-only: no writer can open it meanwhile, so it does not
    change while it is served."""

    def __init__(self, store: EventStore) -> None:
        self.queries = StoreQueries(store)

    @contextmanager
    def lease(self) -> Iterator[StoreQueries]:
        yield self.queries

    def close(self) -> None:
        self.queries.close()  # the store is the caller's


Headers = list[tuple[bytes, bytes]]


class KeptAnswers:
    """The API's successful answers by URL, the least recently asked dropped first. They
    stay true while the snapshot they came from is served: ``clear`` when another is."""

    def __init__(self, answers: int, size: int) -> None:
        self.answers = answers
        self.size = size
        self.generation = 0  # of the snapshot served
        self._kept: OrderedDict[str, tuple[Headers, bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, key: str) -> tuple[Headers, bytes] | None:
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    def keep(self, key: str, generation: int, headers: Headers, body: bytes) -> None:
        """Keep an answer begun while ``generation`` was served, if it still is."""
        if generation != self.generation or len(body) > self.size // 16:
            return  # one big answer must not empty the cache
        self._kept[key] = (headers, body)
        self._bytes += len(body)
        while len(self._kept) > self.answers or self._bytes > self.size:
            _, (_, dropped) = self._kept.popitem(last=False)
            self._bytes -= len(dropped)

    def clear(self) -> None:
        self.generation += 1
        self._kept.clear()
        self._bytes = 0


class ResponseCache:
    """Gives the API's kept answers again without asking the store, and keeps new ones. A
    question asked again while its first asking is still being answered waits for that
    answer instead of asking the store a second time (as when many users open the same
    page of a freshly started server)."""

    def __init__(self, app: ASGIApp, kept: KeptAnswers) -> None:
        self.app = app
        self.kept = kept
        self._asked: dict[str, anyio.Event] = {}  # questions being answered, by key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        key = f"{scope['path']}?{scope['query_string'].decode('latin-1')}"
        asked = self._asked.get(key)
        if asked is not None:
            await asked.wait()  # then kept, unless it failed or was too big to keep
        generation = self.kept.generation
        kept = self.kept.get(key)
        if kept is not None:
            headers, body = kept
            headers = [*headers, (b"x-kept-answer", b"1")]  # for load tests and the curious
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    headers = list(start.get("headers", []))
                    self.kept.keep(key, generation, headers, b"".join(chunks))
            await send(message)

        answered = self._asked.setdefault(key, anyio.Event())
        try:
            await self.app(scope, receive, keep)
        finally:
            if self._asked.get(key) is answered:
                del self._asked[key]
            answered.set()


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI middleware: cheaper than
    one built on ``BaseHTTPMiddleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _warm_up(app: ASGIApp, served: StoreSnapshots | _OneStore) -> None:
    """Ask each kind of question once, through the whole app, before serving: the first
    asking of each pays once for what later ones share (code paths set up, the store's
    blocks read), and the first users of a freshly started server would wait for it."""
    with served.lease() as queries:
        newest = queries.events(EventQuery(), limit=1).events
    paths = [
        "/api/summary",
        "/api/events",
        "/api/events?order=oldest",
        "/api/events?order=conflict",
        "/api/events?order=cooperation",
        "/api/events?q=said",
        "/api/series",
        "/api/dyads",
        "/api/network",
        "/api/places",
        "/api/quotes",
        "/api/actors",
        *(f"/api/events/{quote(event.id, safe='')}" for event in newest),
    ]

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    for path in paths:
        route, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": unquote(route),
            "raw_path": route.encode("ascii"),
            "query_string": query.encode("ascii"),
            "root_path": "",
            "headers": [(b"host", b"warm-up")],
            "client": ("127.0.0.1", 0),
            "server": ("127.0.0.1", 0),
        }
        await app(scope, receive, send)


def _settle() -> None:
    """Leave the objects alive now (the code, the snapshot's arrays and names) out of the
    garbage collector's full passes: with them, each pass stopped every request for some 50
    ms, some 40 times in 30 s of `make load`. Objects that lose their last reference are
    still freed; only cycles among them wait for ``gc.unfreeze``."""
    gc.collect()
    gc.freeze()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("communique")
    except PackageNotFoundError:
        return "0"
