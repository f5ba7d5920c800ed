"""A small store for the web, API and plot tests: the example article (China and Peru, in
Beijing) and a hostile one whose title, source, url and sentences carry markup and script."""

from __future__ import annotations

import json
from pathlib import Path

from communique.pipeline import Coder, run
from communique.store.duckdb import EventStore

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "xinhua-2024-06-29-china-peru.txt"

# Each payload, if it ever ran, would set window.__pwned to say where it came from.
SCRIPT = "<script>window.__pwned='sentence-script'</script>"
IMG = "<img src=x onerror=\"window.__pwned='sentence-img'\">"
HOSTILE = {
    "id": "hostile",
    "title": "<script>window.__pwned='title'</script>Hostile <img src=x "
    "onerror=\"window.__pwned='title-img'\">",
    "date": "2024-07-03",
    "url": "javascript:window.__pwned='url'",
    "source": "<b onmouseover=\"window.__pwned='source'\">Evil Wire</b>",
    "text": f"Japan condemned {SCRIPT} China on Tuesday.\n\n"
    f"Chinese Foreign Minister Wang Yi criticized Japan {IMG} on Tuesday.",
}


def build_web_store(folder: Path, coder: Coder) -> Path:
    """Code the two articles into ``folder/web.duckdb``, as `communique code` would."""
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    path = folder / "web.duckdb"
    with EventStore(path) as store:
        summary = run([str(EXAMPLE), str(hostile)], store, coder)
    assert summary.coded == 2 and not summary.skipped, summary
    return path
