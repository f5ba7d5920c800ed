"""The REST API through FastAPI's test client, over a store of the example article and a
hostile one: every endpoint, its filters, bad parameters (422 with a clear message),
injection attempts, and that nothing writes."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from typer.testing import CliRunner

from communique.cli import EXIT_ERROR, app
from communique.store.duckdb import EventStore
from communique.store.export import event_record
from communique.store.queries import StoreQueries
from communique.web import WebSettings, create_app, models
from web_fixtures import HOSTILE, IMG, SCRIPT, build_web_store


@pytest.fixture(scope="module")
def db(tmp_path_factory, coder):
    return build_web_store(tmp_path_factory.mktemp("web-api"), coder)


@pytest.fixture(scope="module")
def coded(db):
    """Every stored event as the library reads it: what the API's answers are checked by."""
    with EventStore(db, read_only=True) as store:
        return [event_record(e) for e in store.events()]


@pytest.fixture(scope="module")
def meeting(coded):
    """The id of the event 'Chinese Premier Li Qiang met with ... Boluarte in Beijing'."""
    (found,) = [
        e["id"] for e in coded if e["trigger"] == "met with" and e["source"]["code"] == "CHNGOV"
    ]
    return found


@pytest.fixture(scope="module")
def client(db):
    with EventStore(db, read_only=True) as store, TestClient(create_app(store)) as client:
        yield client


def get(client: TestClient, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


def code(side) -> str:
    return side["code"] if side else ""


def test_summary(client, coded):
    summary = get(client, "/api/summary")
    assert summary["events"] == len(coded)
    assert summary["articles"] == 2
    assert (summary["first_date"], summary["last_date"]) == ("2024-06-28", "2024-07-02")
    assert summary["quad_classes"]["4"] == "material conflict"


def test_events_page_and_its_total(client, coded):
    total = len(coded)
    page = get(client, "/api/events?limit=5")
    assert (page["total"], page["limit"], page["offset"], len(page["events"])) == (total, 5, 0, 5)
    # Newest first: the hostile article's events are dated 2 July.
    assert [e["date"] for e in page["events"][:2]] == ["2024-07-02", "2024-07-02"]
    rest = get(client, f"/api/events?limit=5&offset={total - 2}")
    assert len(rest["events"]) == 2 and rest["total"] == total
    everything = get(client, "/api/events?limit=500")["events"]
    assert sorted(e["id"] for e in everything) == sorted(e["id"] for e in coded)
    assert get(client, "/api/events?offset=500")["events"] == []
    oldest = get(client, "/api/events?order=oldest&limit=1")["events"][0]
    assert oldest["date"] == "2024-06-28"
    conflict = get(client, "/api/events?order=conflict&limit=1")["events"][0]
    assert conflict["goldstein"] == min(e["goldstein"] for e in coded)


def test_an_event_is_the_json_contract(client, meeting, coded):
    (event,) = [e for e in get(client, "/api/events?limit=500")["events"] if e["id"] == meeting]
    assert event == next(e for e in coded if e["id"] == meeting)
    assert event["source"]["code"] == "CHNGOV" and event["source"]["name"] == "Li Qiang"
    assert event["target"]["code"] == "PERGOV"
    assert (event["cameo"], event["plover"], event["quad_class"]) == ("040", "CONSULT", 1)
    assert event["location"]["name"] == "Beijing"
    assert event["sentence"].startswith("Chinese Premier Li Qiang met with")


def either(event, a: str, b: str) -> bool:
    s, t = code(event["source"]), code(event["target"])
    return (s.startswith(a) and t.startswith(b)) or (s.startswith(b) and t.startswith(a))


def place(event) -> str:
    return (event["location"] or {}).get("name") or ""


# Each filter, and which stored events it must match.
FILTERS = [
    ("actor=JPN", lambda e: "JPN" in (code(e["source"]), code(e["target"]))),
    ("actor=jpn", lambda e: "JPN" in (code(e["source"]), code(e["target"]))),  # any case
    ("source=CHN", lambda e: code(e["source"]).startswith("CHN")),
    ("source=CHNGOV", lambda e: code(e["source"]) == "CHNGOV"),
    ("target=CHN", lambda e: code(e["target"]).startswith("CHN")),
    (
        "source=CHN&target=PER",
        lambda e: code(e["source"]).startswith("CHN") and code(e["target"]).startswith("PER"),
    ),
    ("dyad=PER,CHN", lambda e: either(e, "CHN", "PER")),
    ("dyad=CHN,PER", lambda e: either(e, "CHN", "PER")),
    ("dyad=CHN,JPN", lambda e: either(e, "CHN", "JPN")),
    ("cameo=05", lambda e: e["cameo"].startswith("05")),
    ("cameo=111", lambda e: e["cameo"] == "111"),
    ("plover=CONSULT", lambda e: e["plover"] == "CONSULT"),
    ("plover=consult", lambda e: e["plover"] == "CONSULT"),
    ("quad_class=1", lambda e: e["quad_class"] == 1),
    ("quad_class=3", lambda e: e["quad_class"] == 3),
    ("quad_class=1&quad_class=3", lambda e: e["quad_class"] in (1, 3)),
    ("since=2024-07-01", lambda e: (e["date"] or "") >= "2024-07-01"),
    ("until=2024-06-30", lambda e: e["date"] is not None and e["date"] <= "2024-06-30"),
    ("since=2024-06-28&until=2024-06-28", lambda e: e["date"] == "2024-06-28"),
    ("place=Beijing", lambda e: place(e) == "Beijing"),
    ("place=beijing", lambda e: place(e) == "Beijing"),
    ("place=CHN", lambda e: (e["location"] or {}).get("country") == "CHN"),
    ("q=met with", lambda e: "met with" in e["sentence"]),
    ("q=MET WITH", lambda e: "met with" in e["sentence"]),
    ("q=<script>", lambda e: "<script>" in e["sentence"]),
    (
        "actor=CHN&quad_class=3&since=2024-07-01",
        lambda e: (
            "CHN" in (code(e["source"])[:3], code(e["target"])[:3])
            and e["quad_class"] == 3
            and (e["date"] or "") >= "2024-07-01"
        ),
    ),
]


@pytest.mark.parametrize(("query", "matches"), FILTERS, ids=[f[0] for f in FILTERS])
def test_event_filters(client, coded, query, matches):
    expected = sorted(e["id"] for e in coded if matches(e))
    assert expected, f"no stored event for {query}: the test would prove nothing"
    page = get(client, f"/api/events?{query}&limit=500")
    assert page["total"] == len(expected)
    assert sorted(e["id"] for e in page["events"]) == expected


def test_a_filter_that_matches_nothing(client):
    assert get(client, "/api/events?quad_class=2")["total"] == 0  # no material cooperation


def test_one_event_with_its_mention_and_highlighted_words(client, meeting):
    detail = get(client, f"/api/events/{meeting}")
    assert detail["event"]["id"] == meeting
    (mention,) = detail["mentions"]
    assert mention["article"]["title"] == "Chinese Premier meets with Peruvian president in Beijing"
    sentence = mention["sentence"]
    words = {h["kind"]: h["text"] for h in mention["highlights"]}
    assert words["trigger"] == "met with"
    assert words["source"] == "Chinese Premier Li Qiang"
    assert words["target"] == "Peruvian President Dina Ercilia Boluarte Zegarra"
    assert words["place"] == "Beijing"
    for highlight in mention["highlights"]:
        assert sentence[highlight["start"] : highlight["end"]] == highlight["text"]
    assert {"CHNGOV", "PERGOV"} <= {a["code"] for a in mention["actors"]}
    for actor in mention["actors"]:
        assert sentence[actor["start"] : actor["end"]] == actor["text"]


def test_an_unknown_event_is_404(client):
    body = get(client, "/api/events/no-such-event", 404)
    assert body["error"] == "no event 'no-such-event' in the store"


def counted(events) -> dict[tuple[str, int], list[float]]:
    """Goldstein values by (date, QuadClass)."""
    found: dict[tuple[str, int], list[float]] = {}
    for event in events:
        found.setdefault((event["date"], event["quad_class"]), []).append(event["goldstein"])
    return found


def test_series_by_quad_class(client, coded):
    series = get(client, "/api/series")
    assert series["interval"] == "day"  # the store spans a few days
    expected = counted(e for e in coded if e["date"])
    assert {(p["period"], p["quad_class"]) for p in series["points"]} == set(expected)
    for point in series["points"]:
        values = expected[(point["period"], point["quad_class"])]
        assert point["events"] == len(values)
        assert point["goldstein"] == pytest.approx(sum(values) / len(values))
    monthly = get(client, "/api/series?interval=month&actor=JPN")
    japan = [e for e in coded if "JPN" in (code(e["source"]), code(e["target"]))]
    assert [(p["period"], p["events"]) for p in monthly["points"]] == [("2024-07-01", len(japan))]


def test_dyad_series(client, coded):
    both = get(client, "/api/dyads/CHN/PER/series?interval=week")
    assert both["interval"] == "week"
    dyad = [e for e in coded if either(e, "CHN", "PER")]
    assert {e["quad_class"] for e in dyad} == {1}  # all on 28 June, in the week of 24 June
    assert [(p["period"], p["quad_class"], p["events"]) for p in both["points"]] == [
        ("2024-06-24", 1, len(dyad))
    ]
    directed = get(client, "/api/dyads/CHN/PER/series?directed=true")
    forward = [e for e in dyad if code(e["source"]).startswith("CHN")]
    assert sum(p["events"] for p in directed["points"]) == len(forward)
    assert get(client, "/api/dyads/CHN/USA/series")["points"] == []


def test_top_dyads(client, coded):
    dyads = get(client, "/api/dyads")
    peru = [e for e in coded if either(e, "CHN", "PER")]
    japan = [e for e in coded if either(e, "CHN", "JPN")]
    assert len(peru) > len(japan) > 0
    assert [(d["a"], d["b"], d["events"], d["conflict"]) for d in dyads] == [
        ("CHN", "PER", len(peru), sum(e["quad_class"] >= 3 for e in peru)),
        ("CHN", "JPN", len(japan), sum(e["quad_class"] >= 3 for e in japan)),
    ]


def test_actors(client):
    actors = {a["code"]: a for a in get(client, "/api/actors")}
    assert actors["CHNGOV"]["name"] in {"Li Qiang", "Wang Yi"}
    assert actors["PER"]["as_source"] >= 1
    assert [a["code"] for a in get(client, "/api/actors?q=JP")] == ["JPN"]


def test_network(client, coded):
    network = get(client, "/api/network")
    edges = {(e["source"], e["target"]): e for e in network["edges"]}
    for a, b in (("CHN", "PER"), ("PER", "CHN")):
        directed = [e for e in coded if code(e["source"])[:3] == a and code(e["target"])[:3] == b]
        assert edges[(a, b)]["events"] == len(directed)
    assert edges[("CHN", "JPN")]["goldstein"] < 0
    assert {n["id"] for n in network["nodes"]} == {"CHN", "PER", "JPN"}
    by_code = get(client, "/api/network?level=code")
    assert ("CHNGOV", "PERGOV") in {(e["source"], e["target"]) for e in by_code["edges"]}


def test_places(client, coded):
    (beijing,) = get(client, "/api/places")
    there = sum(place(e) == "Beijing" for e in coded)
    assert (beijing["name"], beijing["country"], beijing["events"]) == ("Beijing", "CHN", there)
    assert beijing["lat"] == pytest.approx(39.9, abs=0.1)
    assert beijing["lon"] == pytest.approx(116.4, abs=0.1)
    assert get(client, "/api/places?actor=JPN") == []


def test_quotes(client):
    page = get(client, "/api/quotes?speaker=CHN&limit=2")
    assert page["total"] >= 2 and len(page["quotes"]) == 2
    assert all(q["speaker"]["code"].startswith("CHN") for q in page["quotes"])
    told = get(client, "/api/quotes?limit=50")["quotes"]
    assert any(q["event_ids"] for q in told)
    assert get(client, "/api/quotes?article_id=nope")["total"] == 0


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/api/events?quad_class=5", "unknown QuadClass 5"),
        ("/api/events?quad_class=x", "quad_class"),
        ("/api/events?since=2024-07-01&until=2024-06-01", "since (2024-07-01) is after until"),
        ("/api/events?since=2024-13-45", "since"),
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=501", "limit"),
        ("/api/events?offset=-1", "offset"),
        ("/api/events?order=random", "order"),
        ("/api/events?dyad=CHN", "dyad: 'CHN' is not two actor codes"),
        ("/api/events?dyad=CHN,PER,USA", "dyad"),
        ("/api/events?actor=CHN%27%20OR%201%3D1", "is not an actor code"),
        ("/api/events?source=CHN;DROP", "is not an actor code"),
        ("/api/events?cameo=ab", "cameo"),
        ("/api/events?plover=1%3D1", "plover"),
        ("/api/events?q=" + "x" * 201, "q"),
        ("/api/series?interval=year", "interval"),
        ("/api/dyads/CHN/PER%27--/series", "is not an actor code"),
        ("/api/network?level=planet", "level"),
        ("/api/actors?q=C%25", "is not an actor code"),
        ("/api/quotes?speaker=%27", "is not an actor code"),
    ],
)
def test_bad_parameters_are_422_with_a_clear_message(client, url, says):
    body = get(client, url, 422)
    assert says in body["error"], body


@pytest.mark.parametrize(
    "query",
    [
        "q='; DROP TABLE events; --",
        "q=Chin%25se",  # LIKE's wildcards are matched as written, not as wildcards
        "q=J_pan",
        "q=\\",
        "place=Beijing' OR '1'='1",
        "place=%25",
    ],
)
def test_injection_attempts_match_nothing_and_change_nothing(client, coded, query):
    assert get(client, f"/api/events?{query}")["total"] == 0
    assert get(client, "/api/events?limit=1")["total"] == len(coded)


def test_an_injected_event_id_is_only_an_unknown_id(client, coded):
    get(client, "/api/events/' OR '1'='1", 404)
    get(client, "/api/events/x'; DROP TABLE events; --", 404)
    assert get(client, "/api/events?limit=1")["total"] == len(coded)


def test_hostile_text_comes_back_as_data(client):
    page = get(client, "/api/events?q=condemned")
    (event,) = page["events"]
    assert SCRIPT in event["sentence"]
    (mention,) = get(client, f"/api/events/{event['id']}")["mentions"]
    assert mention["article"]["title"] == HOSTILE["title"]
    assert mention["article"]["url"] == HOSTILE["url"]
    assert IMG in get(client, "/api/events?q=criticized")["events"][0]["sentence"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_endpoint_writes(client, coded, meeting, method):
    for url in ("/api/events", f"/api/events/{meeting}", "/api/quotes", "/"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
    assert get(client, "/api/events?limit=1")["total"] == len(coded)


def test_the_served_store_is_not_touched(db, meeting):
    before = db.read_bytes()
    with EventStore(db, read_only=True) as store, TestClient(create_app(store)) as client:
        for url in ("/api/events", f"/api/events/{meeting}", "/api/network", "/api/quotes"):
            get(client, url)
    assert db.read_bytes() == before


def test_cors_is_off_unless_configured(db, client):
    headers = {"Origin": "https://elsewhere.example"}
    response = client.get("/api/summary", headers=headers)
    assert "access-control-allow-origin" not in response.headers
    settings = WebSettings(cors_origins=("https://notebook.example",))
    with EventStore(db, read_only=True) as store, TestClient(create_app(store, settings)) as other:
        allowed = other.get("/api/summary", headers={"Origin": "https://notebook.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://notebook.example"
        refused = other.get("/api/summary", headers=headers)
        assert "access-control-allow-origin" not in refused.headers


def test_the_openapi_schema_lists_every_endpoint(client):
    schema = get(client, "/api/openapi.json")
    assert set(schema["paths"]) == {
        "/api/summary",
        "/api/events",
        "/api/events/{event_id}",
        "/api/series",
        "/api/dyads",
        "/api/dyads/{a}/{b}/series",
        "/api/actors",
        "/api/network",
        "/api/places",
        "/api/quotes",
    }
    assert all(list(operations) == ["get"] for operations in schema["paths"].values())
    parameters = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"actor", "dyad", "cameo", "quad_class", "since", "until", "place", "q"} <= parameters


@pytest.mark.parametrize("path", ["/", "/dyad/CHN/PER", "/network", "/map", "/event/any-id"])
def test_pages_are_served_with_a_strict_content_security_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_load_nothing_from_elsewhere(client):
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for asset in (
        "/static/vendor/d3.min.js",
        "/static/vendor/topojson-client.min.js",
        "/static/vendor/countries-110m.json",
        "/static/app.js",
        "/static/charts.js",
        "/static/dom.js",
        "/static/style.css",
    ):
        assert client.get(asset).status_code == 200, asset
    for script in ("/static/app.js", "/static/charts.js", "/static/dom.js"):
        source = client.get(script).text
        assert ".innerHTML" not in source and "insertAdjacentHTML" not in source, script


def test_an_unknown_page_is_404(client):
    assert get(client, "/nowhere", 404)["error"] == "no page /nowhere"


def test_serve_needs_a_store(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == EXIT_ERROR
    assert "no such store" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_answers_are_kept_by_url_and_errors_are_not(db):
    settings = WebSettings(cache_answers=2)
    with EventStore(db, read_only=True) as store, TestClient(create_app(store, settings)) as client:
        first = client.get("/api/events?actor=CHN")
        again = client.get("/api/events?actor=CHN")
        assert first.content == again.content
        assert "x-kept-answer" not in first.headers and again.headers["x-kept-answer"] == "1"
        assert again.headers["content-security-policy"]  # kept answers get the headers too
        for _ in range(2):
            assert client.get("/api/events?quad_class=9").status_code == 422
        client.get("/api/summary")
        client.get("/api/network")  # the oldest kept answer is dropped
        assert client.get("/api/events?actor=CHN").json() == first.json()


def test_a_question_asked_again_while_it_is_answered_asks_the_store_once(db, monkeypatch):
    asked = []
    dyads = StoreQueries.dyads

    def slow_dyads(queries, *args):
        asked.append(args)
        time.sleep(0.3)  # long enough for the others to come while it is answered
        return dyads(queries, *args)

    monkeypatch.setattr(StoreQueries, "dyads", slow_dyads)

    async def ask_together(store):
        transport = httpx.ASGITransport(app=create_app(store))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            urls = ["/api/dyads?actor=CHN"] * 5 + ["/api/dyads?actor=PER"]
            return await asyncio.gather(*(client.get(url) for url in urls))

    with EventStore(db, read_only=True) as store:
        answers = asyncio.run(ask_together(store))
    assert [a.status_code for a in answers] == [200] * 6
    assert len({a.content for a in answers[:5]}) == 1
    assert answers[5].json() != answers[0].json()
    assert len(asked) == 2  # CHN once, PER once


def test_a_serving_process_warms_up_and_leaves_its_objects_out_of_the_collectors_passes(db):
    with EventStore(db, read_only=True) as store:
        with TestClient(create_app(store)) as client:  # an app inside another program
            assert client.get("/api/summary").status_code == 200
            assert gc.get_freeze_count() == 0
        with TestClient(create_app(store, WebSettings(settle=True))) as client:  # `serve`
            # It asked every kind of question once before serving, and kept no answer.
            first = client.get("/api/summary")
            assert first.status_code == 200 and "x-kept-answer" not in first.headers
            assert client.get("/api/summary").headers["x-kept-answer"] == "1"
            assert gc.get_freeze_count() > 1000
        assert gc.get_freeze_count() == 0  # given back when the app stops


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_deletes_its_snapshot_when_stopped(db, tmp_path, stop):
    folder = tmp_path / "tmp"
    folder.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).parent / "communique"), "serve", "--db", str(db)]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env={**os.environ, "TMPDIR": str(folder)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, server.stderr
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/summary", timeout=5).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        (snapshot,) = folder.iterdir()
        assert any(path.suffix == ".arrow" for path in snapshot.iterdir())
        server.send_signal(stop)
        server.wait(timeout=60)
    finally:
        server.kill()
    assert list(folder.iterdir()) == []


# Each endpoint's answers, and the model its OpenAPI schema gives for them. The server dumps
# answers without validating them (web/app.py, _as_json): here each must be its model exactly,
# no field missing, none more, none of another type.
ANSWERS = [
    ("/api/summary", models.Summary),
    ("/api/events?limit=500", models.EventPage),
    ("/api/events?dyad=CHN,PER&order=conflict", models.EventPage),
    ("/api/events/{meeting}", models.EventDetail),
    ("/api/series", models.Series),
    ("/api/series?actor=CHN&interval=day", models.Series),
    ("/api/dyads", list[models.Dyad]),
    ("/api/dyads/CHN/PER/series", models.Series),
    ("/api/actors", list[models.ActorCount]),
    ("/api/network?level=code", models.Network),
    ("/api/places", list[models.Place]),
    ("/api/quotes?limit=500", models.QuotePage),
]


@pytest.mark.parametrize(("url", "model"), ANSWERS, ids=[url for url, _ in ANSWERS])
def test_every_answer_is_its_model_exactly(client, meeting, url, model):
    answer = client.get(url.format(meeting=meeting))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    adapter = TypeAdapter(model)
    assert json.loads(adapter.dump_json(adapter.validate_json(answer.content))) == answer.json()
    schema = get(client, "/api/openapi.json")["components"]["schemas"]
    assert getattr(model, "__name__", "list") in {*schema, "list"}


def test_the_warm_up_asks_every_kind_of_question(db, monkeypatch):
    asked = []
    for name in ("events", "event", "series", "dyads", "network", "places", "quotes", "actors"):
        method = getattr(StoreQueries, name)

        def counted(queries, *args, _name=name, _method=method, **kwargs):
            asked.append(_name)
            return _method(queries, *args, **kwargs)

        monkeypatch.setattr(StoreQueries, name, counted)
    with (
        EventStore(db, read_only=True) as store,
        TestClient(create_app(store, WebSettings(settle=True))),
    ):
        pass
    kinds = {"events", "event", "series", "dyads", "network", "places", "quotes", "actors"}
    assert kinds <= set(asked)
