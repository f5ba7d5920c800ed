"""The pages in a real browser: Debian's Chromium driven by Playwright, against `serve`'s app
on a port of 127.0.0.1. Each step saves a screenshot under the test's tmp_path (printed when
a test fails), so what the browser showed can be looked at."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is absent: install Debian's chromium (`apt-get install chromium`, as "
        ".ci/run does) to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is absent")

import uvicorn  # noqa: E402

from communique.store.duckdb import EventStore  # noqa: E402
from communique.web import create_app  # noqa: E402
from web_fixtures import HOSTILE, build_web_store  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def db(tmp_path_factory, coder):
    return build_web_store(tmp_path_factory.mktemp("web-browser"), coder)


@pytest.fixture(scope="module")
def coded(db):
    """Every stored event, as the library reads it: what the pages must show."""
    with EventStore(db, read_only=True) as store:
        return list(store.events())


@pytest.fixture(scope="module")
def server(db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with EventStore(db, read_only=True) as store:
        config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
        running = uvicorn.Server(config)
        thread = threading.Thread(target=running.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not running.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        running.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh page that records script errors and any dialog (which no page opens)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    opened.problems = []
    opened.on("pageerror", lambda error: opened.problems.append(f"script error: {error}"))
    opened.on(
        "dialog",
        lambda dialog: (opened.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()),
    )
    opened.shots = tmp_path
    yield opened
    opened.screenshot(path=tmp_path / "last.png", full_page=True)
    print(f"screenshots in {tmp_path}")
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=page.shots / f"{name}.png", full_page=True)


def test_overview_then_a_dyad_then_an_event_reaches_the_highlighted_sentence(page, server, coded):
    page.goto(server + "/")
    bars = page.locator("svg.timeline rect.bar")
    bars.first.wait_for()
    page.locator("table.events tbody tr").first.wait_for()
    shot(page, "1-overview")
    # The chart has the store's data: a bar for each day and QuadClass, with its count.
    titles = bars.evaluate_all("bars => bars.map(b => b.textContent)")
    names = {1: "verbal cooperation", 3: "verbal conflict"}
    expected = Counter((e.date.isoformat(), e.quad_class) for e in coded if e.date)
    assert sorted(titles) == sorted(f"{d}: {n} {names[q]}" for (d, q), n in expected.items())
    assert page.locator("table.events tbody tr").count() == len(coded)

    page.get_by_role("link", name="CHN–PER").click()
    page.wait_for_url("**/dyad/CHN/PER")
    page.locator("table.events tbody tr").first.wait_for()
    shot(page, "2-dyad")
    assert page.locator("h1").text_content() == "CHN–PER"
    assert page.locator("svg.timeline rect.bar").count() >= 1
    between = [
        e
        for e in coded
        if {e.source and e.source.code[:3], e.target and e.target.code[:3]} == {"CHN", "PER"}
    ]
    assert page.locator("table.events tbody tr").count() == len(between)

    # The meeting is coded from each side; the Chinese premier's side is the one checked.
    source_cell = page.locator("td:nth-child(2)", has_text="CHNGOV")
    row = page.locator("table.events tbody tr", has_text="met with").filter(has=source_cell)
    row.locator("a.event-link").click()
    page.wait_for_url("**/event/*")
    trigger = page.locator("blockquote.sentence mark.hl-trigger")
    trigger.wait_for()
    shot(page, "3-event")
    assert trigger.text_content() == "met with"
    source = page.locator("blockquote.sentence mark.hl-source")
    assert source.text_content() == "Chinese Premier Li Qiang"
    sentence = page.locator("blockquote.sentence").text_content()
    assert sentence.startswith("Chinese Premier Li Qiang met with Peruvian President")
    assert page.problems == []


def test_the_network_links_the_two_countries(page, server):
    page.goto(server + "/network")
    page.locator("svg.network g.node").first.wait_for()
    shot(page, "network")
    actors = page.locator("svg.network g.node").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-actor'))"
    )
    assert set(actors) == {"CHN", "PER", "JPN"}
    assert page.locator("svg.network path.edge[data-source=CHN][data-target=PER]").count() == 1
    assert page.problems == []


def test_the_map_shows_a_marker_in_beijing(page, server, coded):
    page.goto(server + "/map")
    marker = page.locator("circle.marker[data-place=Beijing]")
    marker.wait_for()
    shot(page, "map")
    # The marker's centre lies inside China's outline as the map draws it.
    inside = page.evaluate(
        """() => {
            const marker = document.querySelector("circle.marker[data-place=Beijing]");
            const china = document.querySelector("path.country[data-name=China]");
            const point = new DOMPoint(marker.cx.baseVal.value, marker.cy.baseVal.value);
            return china.isPointInFill(point);
        }"""
    )
    assert inside is True
    marker.click()
    page.locator(".place-events table.events tbody tr").first.wait_for()
    in_beijing = [e for e in coded if e.location_name == "Beijing"]
    assert page.locator(".place-events table.events tbody tr").count() == len(in_beijing)
    assert page.problems == []


def test_a_hostile_article_never_runs_its_script(page, server):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in ("/", "/network", "/map", "/dyad/CHN/JPN"):
        page.goto(server + path)
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_load_state("networkidle")
    # The hostile events, and the event page that shows its title, source and link.
    page.goto(server + "/?q=condemned")
    page.locator("table.events a.event-link").first.click()
    page.locator("blockquote.sentence").wait_for()
    page.wait_for_load_state("networkidle")
    shot(page, "hostile-event")
    sentence = page.locator("blockquote.sentence").text_content()
    assert "<script>window.__pwned='sentence-script'</script>" in sentence
    assert "null" not in page.locator("main").text_content()  # an event without a target
    assert page.locator("article.mention h3").text_content() == HOSTILE["title"]
    assert page.locator("article.mention .byline").text_content().startswith(HOSTILE["source"])
    # A javascript: URL is no link.
    assert page.locator("article.mention h3 a").get_attribute("href") == "#"
    page.goto(server + "/?q=criticized")
    page.locator("table.events a.event-link").first.click()
    page.locator("blockquote.sentence").wait_for()
    page.locator("article.mention h3 a").click()  # the neutralised link goes nowhere
    page.wait_for_load_state("networkidle")
    page.locator("article.mention .byline").hover()
    shot(page, "hostile-event-2")
    assert "onerror=" in page.locator("blockquote.sentence").text_content()
    # Nothing ran, no markup from the data became elements, and the browser's own policy
    # had nothing to refuse (it would, had any data become a script).
    assert page.evaluate("() => window.__pwned") is None
    assert (
        page.locator("main img, main script, main b, main [onerror], main [onmouseover]").count()
        == 0
    )
    assert violations == []
    assert page.problems == []
