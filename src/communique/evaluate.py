"""Scoring coded events against gold files.

So far one shape: a document with required, optional and forbidden events
(``seed-*.json`` in ../shared/gold), judged as its ``about`` field says.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.errors import InputError

_EARTH_KM = 6371.0


@dataclass(frozen=True, slots=True)
class SeedReport:
    """How a coded document compares with its seed gold."""

    required_found: int
    required_total: int
    missing: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    meeting_date: str | None = None
    meeting_place: str | None = None

    @property
    def passed(self) -> bool:
        return self.required_found == self.required_total and not self.violations


def load_seed(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"cannot read seed gold: {error}") from None
    if not isinstance(data, dict) or "required" not in data:
        raise InputError(str(path), "not a seed gold file (no 'required' list)")
    return data


def _actor_matches(gold: str, event_actor: dict[str, Any] | None) -> bool:
    """A gold "CHN" accepts any sector of China; "CHNGOV" needs that sector."""
    if event_actor is None:
        return False
    code = event_actor.get("code") or ""
    if len(gold) == 3:
        return bool(event_actor.get("country") == gold or code.startswith(gold))
    return bool(code == gold)


def _event_matches(gold: dict[str, Any], event: dict[str, Any]) -> bool:
    if event.get("plover") != gold["plover"] and event.get("cameo") not in gold.get("cameo", []):
        return False
    source, target = event.get("source"), event.get("target")
    if _actor_matches(gold["source"], source) and _actor_matches(gold["target"], target):
        return True
    return bool(
        gold.get("undirected")
        and _actor_matches(gold["source"], target)
        and _actor_matches(gold["target"], source)
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(a))


def score_seed(seed: dict[str, Any], events: Sequence[dict[str, Any]]) -> SeedReport:
    """Required events found, and every breach of the forbidden rules, for one document."""
    missing = [g for g in seed["required"] if not any(_event_matches(g, e) for e in events)]
    violations = []
    publication = str(seed.get("publication_date") or "")
    for event in events:
        where = f"{event.get('cameo')} {event.get('sentence', '')[:60]!r}"
        if event.get("quad_class") in (3, 4):
            violations.append(f"conflict event {where}")
        date = event.get("date")
        if date == publication:
            violations.append(f"event dated with the publication date {where}")
        if date and publication and dt.date.fromisoformat(date).year < int(publication[:4]) - 1:
            violations.append(f"event dated in a background year {date} {where}")
        names = [(event.get(side) or {}).get("name") or "" for side in ("source", "target")]
        known = {a["name"] for a in seed.get("actors", [])} | {
            alias for a in seed.get("actors", []) for alias in a.get("aliases", [])
        }
        for name in names:
            if name and name not in known and _looks_like_credit(name, seed):
                violations.append(f"actor from a credit line {name!r} {where}")
    meeting = _meeting(seed, events)
    if meeting is not None and len(meeting) > 1:
        violations.append(f"the meeting is coded {len(meeting)} times")
    first = meeting[0] if meeting else None
    report_place = None
    if first is not None and first.get("location"):
        place = first["location"]
        gold_place = seed.get("event_location") or {}
        report_place = place.get("name")
        if gold_place and place.get("lat") is not None:
            distance = _km(place["lat"], place["lon"], gold_place["lat"], gold_place["lon"])
            if distance > gold_place.get("tolerance_km", 50):
                violations.append(f"meeting placed {distance:.0f} km from {gold_place['name']}")
    return SeedReport(
        required_found=len(seed["required"]) - len(missing),
        required_total=len(seed["required"]),
        missing=missing,
        violations=violations,
        meeting_date=first.get("date") if first else None,
        meeting_place=report_place,
    )


def _meeting(seed: dict[str, Any], events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events that code the document's main meeting (its first required CONSULT)."""
    gold = next((g for g in seed["required"] if g["plover"] == "CONSULT"), None)
    if gold is None:
        return []
    return [e for e in events if _event_matches(gold, e)]


def _looks_like_credit(name: str, seed: dict[str, Any]) -> bool:
    rules = " ".join(r.get("rule", "") for r in seed.get("forbidden", []))
    return name in rules
