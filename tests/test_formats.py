"""GDELT and PLOVER shapes of events: the row builders on hand-made events, GDELT rows read
back (real GDELT samples when ../shared is there), and the ``export`` and ``import-gdelt``
commands, down to the round trip of the example article through GDELT's format."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from communique.cli import EXIT_ERROR, EXIT_SKIPPED, app
from communique.coding.ontology import default_ontology
from communique.errors import DataFileError, InputError
from communique.pipeline import run
from communique.records import Rejected
from communique.store.duckdb import ActorView, EventStore, SourcedEvent, StoredArticle, StoredEvent
from communique.store.export import CSV_COLUMNS
from communique.store.formats import (
    GDELT_COLUMNS_PATH,
    GdeltRow,
    default_country_codes,
    default_gdelt_schema,
    gdelt_event_id,
    gdelt_fraction_date,
    gdelt_line,
    gdelt_row,
    load_gdelt_schema,
    parse_gdelt_line,
    plover_record,
    read_gdelt_events,
)
from conftest import EXAMPLE, shared_path

SCHEMA = default_gdelt_schema()
COUNTRIES = default_country_codes()
GDELT_SAMPLE_ROWS = 710  # lines of ../shared/corpora/gdelt-samples/events.csv

LI_QIANG = ActorView("CHNGOV", "CHN", "GOV", "person", "Li Qiang", "Premier", "Li Qiang", (17, 25))
PERU = ActorView("PER", "PER", None, "state", "Peru", None, "Peru", (40, 44))
REBELS = ActorView("---REB", None, "REB", "group", None, None, "rebels", (0, 6))
SENTENCE = "Chinese Premier Li Qiang met with Peru in Beijing on Friday."


def stored_event(**changes) -> StoredEvent:
    fields = {
        "id": "094877cb6cc0f9ac",
        "article_id": "example",
        "date": dt.date(2024, 6, 28),
        "date_precision": "day",
        "source": LI_QIANG,
        "target": PERU,
        "cameo": "040",
        "plover": "CONSULT",
        "quad_class": 1,
        "goldstein": 1.0,
        "confidence": 0.9,
        "trigger": "met with",
        "location_name": "Beijing",
        "location_country": "CHN",
        "lat": 39.9075,
        "lon": 116.3972,
        "sentence_index": 0,
        "sentence": SENTENCE,
        "span": (0, len(SENTENCE)),
        "location_id": "geonames:1816670",
        "location_region": "Beijing",
        "location_precision": "city",
    }
    return StoredEvent(**(fields | changes))


ARTICLE = StoredArticle(
    id="example",
    origin="examples/example.txt",
    url="https://example.org/li-peru",
    source="Xinhua",
    title="Li meets Peru",
    published=dt.date(2024, 6, 29),
    text=SENTENCE + "\n\nLater, Peru praised China.",
    coded_at=dt.datetime(2024, 6, 29, 12, 30, 5),
)


def sourced(event: StoredEvent | None = None, article: StoredArticle = ARTICLE) -> SourcedEvent:
    return SourcedEvent(event or stored_event(), article, "test-coder-1")


LEAD = (0, len(SENTENCE))  # the first paragraph of ARTICLE


def gdelt(event: StoredEvent | None = None) -> dict:
    """The GDELT row of an event in ARTICLE, by column name."""
    values = gdelt_row(sourced(event), LEAD, SCHEMA, COUNTRIES)
    return dict(zip(SCHEMA.names, values, strict=True))


# -- the column list ---------------------------------------------------------------------


def test_the_column_list_is_gdelt_2_0s_61_columns():
    assert len(SCHEMA.columns) == 61
    assert SCHEMA.names[:3] == ("GLOBALEVENTID", "SQLDATE", "MonthYear")
    assert SCHEMA.names[-2:] == ("DATEADDED", "SOURCEURL")
    assert sorted(SCHEMA.layouts) == [57, 58, 61]


def test_the_column_list_matches_gdelts_header_file():
    reference = shared_path("reference", "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv")
    with reference.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(c.name, c.type) for c in SCHEMA.columns] == [
        (row["tableId"], row["dataType"]) for row in rows
    ]


def test_the_gdelt_1_layout_matches_gdelts_1_0_column_names():
    names_file = shared_path("corpora", "gdelt-samples", "events_column_names.csv")
    names = names_file.read_text(encoding="utf-8").split()
    ours = [SCHEMA.names[i].lower() for i in SCHEMA.layouts[58]]
    assert ours == ["sqldate" if name == "day" else name for name in names]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: text.replace("column\ttype\tfirst", "name\ttype\tfirst"), "header"),
        (lambda text: text.replace("SQLDATE\tINTEGER", "SQLDATE\tDATE"), "type 'DATE'"),
        (lambda text: text.replace("MonthYear", "SQLDATE"), "listed twice"),
        (lambda text: text.replace("Year\tINTEGER\t1.0", "Year\tINTEGER\t3.0"), "'3.0'"),
        (lambda text: re.sub(r".*\t2\.0\n", "", text), "two file layouts"),
    ],
)
def test_a_broken_column_list_is_refused(tmp_path, edit, problem):
    broken = tmp_path / "columns.tsv"
    broken.write_text(edit(GDELT_COLUMNS_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataFileError, match=problem):
        load_gdelt_schema(broken)


# -- GDELT rows out ----------------------------------------------------------------------


def test_a_gdelt_row_holds_what_we_know():
    row = gdelt()
    assert row["GLOBALEVENTID"] == gdelt_event_id("094877cb6cc0f9ac") < 2**53
    assert (row["SQLDATE"], row["MonthYear"], row["Year"]) == (20240628, 202406, 2024)
    assert row["FractionDate"] == 2024.4877
    assert (row["Actor1Code"], row["Actor1Name"], row["Actor1CountryCode"]) == (
        "CHNGOV",
        "LI QIANG",
        "CHN",
    )
    assert row["Actor1Type1Code"] == "GOV"
    assert (row["Actor2Code"], row["Actor2Name"], row["Actor2Type1Code"]) == ("PER", "PERU", None)
    assert (row["EventCode"], row["EventBaseCode"], row["EventRootCode"]) == ("040", "040", "04")
    assert (row["QuadClass"], row["GoldsteinScale"], row["IsRootEvent"]) == (1, 1.0, 1)
    assert (row["NumMentions"], row["NumSources"], row["NumArticles"]) == (1, 1, 1)
    assert row["ActionGeo_Type"] == 4  # a city outside the United States
    assert row["ActionGeo_FullName"] == "Beijing, Beijing, China"
    assert row["ActionGeo_CountryCode"] == "CH"  # FIPS 10-4, not ISO's CN
    assert (row["ActionGeo_Lat"], row["ActionGeo_Long"]) == (39.9075, 116.3972)
    assert row["DATEADDED"] == int(
        ARTICLE.coded_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")  # type: ignore[union-attr]
    )
    assert row["SOURCEURL"] == "https://example.org/li-peru"


def test_what_we_do_not_know_is_left_empty():
    row = gdelt()
    known = {
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
        "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
        "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
        "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
        "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat",
        "ActionGeo_Long", "DATEADDED", "SOURCEURL",
    }  # fmt: skip
    assert {name for name, value in row.items() if value is not None} == known - {
        "Actor2Type1Code"  # Peru, the state, has no sector
    }


def test_an_event_without_date_target_place_or_url_leaves_those_empty():
    event = stored_event(
        date=None,
        target=None,
        location_name=None,
        location_country=None,
        lat=None,
        lon=None,
        location_id=None,
    )
    article = StoredArticle("a", "a.txt", None, None, None, None, SENTENCE, None)
    values = gdelt_row(sourced(event, article), None, SCHEMA, COUNTRIES)
    row = dict(zip(SCHEMA.names, values, strict=True))
    for name in ("SQLDATE", "FractionDate", "Actor2Code", "Actor2Name", "ActionGeo_Type"):
        assert row[name] is None
    assert row["IsRootEvent"] is None and row["DATEADDED"] is None and row["SOURCEURL"] is None
    assert row["Actor1Code"] == "CHNGOV"


def test_an_unknown_country_is_left_out_of_the_actor_code_as_gdelt_does():
    row = gdelt(stored_event(source=REBELS))
    assert (row["Actor1Code"], row["Actor1CountryCode"], row["Actor1Type1Code"]) == (
        "REB",
        None,
        "REB",
    )


@pytest.mark.parametrize(
    ("place", "geo_type", "full_name", "fips"),
    [
        (("Chicago", "USA", "Illinois", "city"), 3, "Chicago, Illinois, United States", "US"),
        (("Ohio", "USA", None, "region"), 2, "Ohio, United States", "US"),
        (("Bavaria", "DEU", None, "region"), 5, "Bavaria, Germany", "GM"),
        (("Peru", "PER", None, "country"), 1, "Peru", "PE"),
        (("Lima", "PER", None, None), 4, "Lima, Peru", "PE"),  # a store from before
    ],
)
def test_gdelt_place_types(place, geo_type, full_name, fips):
    name, country, region, precision = place
    row = gdelt(
        stored_event(
            location_name=name,
            location_country=country,
            location_region=region,
            location_precision=precision,
        )
    )
    assert (row["ActionGeo_Type"], row["ActionGeo_FullName"]) == (geo_type, full_name)
    assert row["ActionGeo_CountryCode"] == fips


def test_is_root_event_marks_the_lead_paragraph():
    later = stored_event(span=(len(SENTENCE) + 2, len(ARTICLE.text)))
    assert gdelt(later)["IsRootEvent"] == 0
    assert gdelt(stored_event())["IsRootEvent"] == 1


def test_a_value_with_a_tab_or_line_break_stays_in_its_cell():
    line = gdelt_line((1, "two\twords", None, "a\nb", 2.5))
    assert line == "1\ttwo words\t\ta b\t2.5"


def test_fraction_date_is_computed_as_in_gdelts_files():
    sample = shared_path("corpora", "gdelt-samples", "events.csv")
    rows = [line.split("\t") for line in sample.read_text(encoding="utf-8").splitlines()]
    for cells in rows:
        day = dt.datetime.strptime(cells[1], "%Y%m%d").date()
        assert gdelt_fraction_date(day) == pytest.approx(float(cells[4]), abs=1e-4), cells[1]


# -- PLOVER records ----------------------------------------------------------------------

PLOVER_FIELDS = {
    "id", "has_event", "date", "time", "enddate", "endtime", "source", "recipient", "event",
    "event_loc", "event_text", "quad_code", "event_scale", "mode", "context", "link", "text",
    "text_info", "cite_info", "coder", "coded_date", "coded_time", "comment",
}  # fmt: skip


def test_a_plover_record_has_the_manuals_fields():
    record = plover_record(sourced(), default_ontology(), COUNTRIES)
    assert set(record) >= PLOVER_FIELDS
    assert set(record) - PLOVER_FIELDS == {"cameo", "article_id", "confidence"}
    assert record["date"] == "2024-06-28"
    assert record["event"] == ["CONSULT"]
    assert (record["quad_code"], record["event_scale"]) == (1, 1.0)
    assert record["event_text"] == ["met with"]
    (source,) = record["source"]
    assert (source["code"], source["sector"], source["office"]) == ("CHN", "GOV", "Premier")
    assert (source["identifier_text"], source["cameo_code"]) == ("Li Qiang", "CHNGOV")
    (recipient,) = record["recipient"]
    assert (recipient["code"], recipient["sector"]) == ("PER", None)
    location = record["event_loc"]
    assert (location["geonameid"], location["name"]) == (1816670, "Beijing")
    assert (location["country code"], location["cc3"]) == ("CN", "CHN")
    assert (location["latitude"], location["longitude"]) == (39.9075, 116.3972)
    assert record["text_info"]["start"] == 0 and record["text_info"]["end"] == len(SENTENCE)
    assert record["cite_info"]["url"] == "https://example.org/li-peru"
    assert record["coder"] == "communique test-coder-1"
    assert record["coded_date"] == "2024-06-29"


def test_plover_mode_and_context_come_from_the_crosswalk():
    ontology = default_ontology()
    code = next(c for c in ontology.codes.values() if c.context and c.plover)
    record = plover_record(sourced(stored_event(cameo=code.code)), ontology, COUNTRIES)
    assert (record["mode"], record["context"]) == (code.mode, code.context)


def test_plover_leaves_what_we_lack_null():
    event = stored_event(target=None, plover=None, cameo="010", location_name=None)
    record = plover_record(sourced(event), default_ontology(), COUNTRIES)
    assert record["recipient"] is None and record["event"] is None
    assert record["event_loc"] is None
    assert record["time"] is None and record["link"] is None
    assert record["source"][0]["gender"] is None


# -- GDELT rows in -----------------------------------------------------------------------

ROW_2_0 = "\t".join(["1234", "20240628", "202406", "2024", "2024.4877", "CHNGOV"] + [""] * 55)


def cells_for(width: int, **values: str) -> str:
    """A row ``width`` cells wide, empty but for GLOBALEVENTID and the named columns."""
    positions = SCHEMA.layouts[width]
    names = [SCHEMA.names[p] for p in positions]
    cells = [""] * width
    cells[0] = "42"
    for name, value in values.items():
        cells[names.index(name)] = value
    return "\t".join(cells)


def value(row: GdeltRow, name: str):
    return row.values[SCHEMA.names.index(name)]


def test_a_gdelt_2_0_row_is_read_typed():
    row = parse_gdelt_line(ROW_2_0, "f:1", SCHEMA)
    assert isinstance(row, GdeltRow)
    assert (row.event_id, value(row, "SQLDATE"), value(row, "FractionDate")) == (
        1234,
        20240628,
        2024.4877,
    )
    assert value(row, "Actor1Code") == "CHNGOV" and value(row, "EventCode") is None


@pytest.mark.parametrize("width", [57, 58, 61])
def test_gdelt_1_0_rows_fill_the_2_0_columns(width):
    line = cells_for(
        width,
        EventCode="010",
        ActionGeo_FeatureID="-534433",
        ActionGeo_Lat="52.25",
        DATEADDED="20130203",
    )
    row = parse_gdelt_line(line, "f:1", SCHEMA)
    assert isinstance(row, GdeltRow)
    assert value(row, "EventCode") == "010"  # a string: the leading zero stays
    assert value(row, "ActionGeo_FeatureID") == "-534433"
    assert value(row, "ActionGeo_Lat") == 52.25
    assert value(row, "DATEADDED") == 20130203
    assert value(row, "ActionGeo_ADM2Code") is None


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("1\t2\t3", "3 tab-separated columns, expected 57, 58 or 61"),
        (cells_for(61, SQLDATE="2024-06-28"), "SQLDATE is not an integer: '2024-06-28'"),
        (cells_for(61, GoldsteinScale="high"), "GoldsteinScale is not a number: 'high'"),
        (cells_for(61, ActionGeo_Lat="nan"), "ActionGeo_Lat is not a finite number"),
        (cells_for(58, NumMentions=str(2**64)), "out of the 64-bit integer range"),
        ("\t".join([""] * 61), "no GLOBALEVENTID"),
    ],
)
def test_a_bad_gdelt_row_is_rejected_with_its_problem(line, problem):
    rejected = parse_gdelt_line(line, "f.csv:7", SCHEMA)
    assert isinstance(rejected, Rejected)
    assert rejected.origin == "f.csv:7"
    assert problem in rejected.reason


def read_all(*paths: Path) -> tuple[list[GdeltRow], list[Rejected]]:
    skipped: list[Rejected] = []
    rows = list(read_gdelt_events(paths, SCHEMA, skipped.append))
    return rows, skipped


def test_bad_rows_are_reported_by_file_and_line_and_the_rest_is_read(tmp_path):
    path = tmp_path / "events.CSV"
    lines = [
        "GLOBALEVENTID\tSQLDATE",  # a header line is no row, and no problem
        cells_for(61),
        "broken",
        "",
        cells_for(58, SQLDATE="x"),
        cells_for(57).replace("42", "43", 1),
        cells_for(61),  # GLOBALEVENTID 42 again
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\tbad\n")
    rows, skipped = read_all(path)
    assert [row.event_id for row in rows] == [42, 43]
    assert [(r.origin, r.reason) for r in skipped] == [
        (f"{path}:3", "1 tab-separated columns, expected 57, 58 or 61"),
        (f"{path}:5", "SQLDATE is not an integer: 'x'"),
        (f"{path}:7", f"GLOBALEVENTID 42 repeats {path}:2"),
        (f"{path}:8", "not valid UTF-8 (byte 0)"),
    ]


def test_gdelt_files_are_read_gzipped_or_zipped_as_gdelt_serves_them(tmp_path):
    text = cells_for(61) + "\r\n"
    gz = tmp_path / "one.export.CSV.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    zipped = tmp_path / "two.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("two.export.CSV", text.replace("42", "43", 1))
    rows, skipped = read_all(gz, zipped)
    assert [row.event_id for row in rows] == [42, 43] and skipped == []


def test_a_file_that_cannot_be_read_is_an_error(tmp_path):
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.CSV", "")
        archive.writestr("b.CSV", "")
    with pytest.raises(InputError, match="holds 2"):
        read_all(two)
    with pytest.raises(InputError, match="No such file"):
        read_all(tmp_path / "missing.CSV")


def test_the_real_gdelt_samples_are_read_without_loss():
    sample = shared_path("corpora", "gdelt-samples", "events.csv")
    rows, skipped = read_all(sample)
    assert skipped == []
    assert len(rows) == GDELT_SAMPLE_ROWS
    first = rows[0]
    assert first.event_id == 564111644
    assert value(first, "ActionGeo_FullName") == (
        "National Postal Museum, District of Columbia, United States"
    )
    assert value(first, "SOURCEURL").startswith("http://wtop.com/lifestyle/2016/07/")
    backfile = [row for row in rows if value(row, "DATEADDED") == 20130203]
    assert backfile and all(value(row, "SOURCEURL") is None for row in backfile)


# -- the commands ------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def example_store(tmp_path_factory, coder):
    """The example article coded into a store, with the session's coder."""
    db = tmp_path_factory.mktemp("example") / "events.duckdb"
    with EventStore(db) as store:
        summary = run([str(EXAMPLE)], store, coder)
    assert summary.events > 0
    return db


def stored_events(db: Path) -> list[StoredEvent]:
    with EventStore(db, read_only=True) as store:
        return list(store.events())


def test_import_gdelt_loads_the_real_samples_without_loss(tmp_path):
    sample = shared_path("corpora", "gdelt-samples", "events.csv")
    db = tmp_path / "gdelt.duckdb"
    result = invoke("import-gdelt", str(sample), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"{GDELT_SAMPLE_ROWS} GDELT events imported" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        (count,) = con.execute("SELECT count(*) FROM gdelt_events").fetchone()
        row = con.execute(
            "SELECT SQLDATE, Actor1Code, Actor1Name, EventCode, GoldsteinScale, AvgTone, "
            "ActionGeo_Lat, ActionGeo_FeatureID, DATEADDED FROM gdelt_events "
            "WHERE GLOBALEVENTID = 564111664"
        ).fetchone()
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                 "WHERE table_name = 'gdelt_events'").fetchall())  # fmt: skip
    assert count == GDELT_SAMPLE_ROWS
    assert row == (
        20150729, "USA", "IOWA", "173", -5.0, -10.3085462501191, 41.3333, "465266", 20160728
    )  # fmt: skip
    assert (types["GLOBALEVENTID"], types["EventCode"], types["ActionGeo_Lat"]) == (
        "BIGINT",
        "VARCHAR",
        "DOUBLE",
    )
    # Importing again replaces, never doubles.
    again = invoke("import-gdelt", str(sample), "--db", str(db))
    assert f"({GDELT_SAMPLE_ROWS} replacing earlier ones)" in again.stderr


def test_import_gdelt_skips_bad_rows_by_line_and_loads_the_rest(tmp_path):
    path = tmp_path / "mixed.CSV"
    path.write_text(cells_for(61) + "\nnot a row\n" + cells_for(58).replace("42", "7", 1) + "\n")
    db = tmp_path / "gdelt.duckdb"
    result = invoke("import-gdelt", str(path), "--db", str(db))
    assert result.exit_code == EXIT_SKIPPED, result.output
    skips = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert skips == [f"skipped {path}:2: 1 tab-separated columns, expected 57, 58 or 61"]
    with EventStore(db, read_only=True) as store:
        assert [row.event_id for row in store.gdelt_events(SCHEMA)] == [7, 42]


def test_import_gdelt_of_a_missing_file_imports_nothing(tmp_path):
    good = tmp_path / "good.CSV"
    good.write_text(cells_for(61) + "\n")
    db = tmp_path / "gdelt.duckdb"
    result = invoke("import-gdelt", str(good), str(tmp_path / "missing.CSV"), "--db", str(db))
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing.CSV'}: cannot read: No such file or directory"
    ]
    with EventStore(db, read_only=True) as store:
        assert list(store.gdelt_events(SCHEMA)) == []


def test_the_example_round_trips_through_gdelts_format(example_store, tmp_path):
    """Export as GDELT, import the file: the same events, codes, actors, dates and places."""
    exported = tmp_path / "example.export.CSV"
    result = invoke("export", "--format", "gdelt", "--db", str(example_store), "-o", str(exported))
    assert result.exit_code == 0, result.output
    db = tmp_path / "roundtrip.duckdb"
    result = invoke("import-gdelt", str(exported), "--db", str(db))
    assert result.exit_code == 0, result.output
    with EventStore(db, read_only=True) as store:
        rows = {row.event_id: row for row in store.gdelt_events(SCHEMA)}
    events = stored_events(example_store)
    assert len(rows) == len(events)
    fips = default_country_codes().fips
    for event in events:
        row = rows[gdelt_event_id(event.id)]
        assert value(row, "EventCode") == event.cameo
        assert value(row, "QuadClass") == event.quad_class
        assert value(row, "GoldsteinScale") == event.goldstein
        for side, prefix in ((event.source, "Actor1"), (event.target, "Actor2")):
            assert value(row, f"{prefix}Code") == (side.code.removeprefix("---") if side else None)
            assert value(row, f"{prefix}CountryCode") == (side.country if side else None)
            name = side.name.upper() if side and side.name else None
            assert value(row, f"{prefix}Name") == name
        day = event.date
        assert value(row, "SQLDATE") == (int(day.strftime("%Y%m%d")) if day else None)
        if event.location_name is not None:
            assert value(row, "ActionGeo_FullName").startswith(event.location_name)
            assert (value(row, "ActionGeo_Lat"), value(row, "ActionGeo_Long")) == (
                event.lat,
                event.lon,
            )
            assert value(row, "ActionGeo_CountryCode") == fips[event.location_country]
    assert sum(value(row, "IsRootEvent") for row in rows.values()) >= 1


def test_export_gdelt_to_stdout_is_61_tab_separated_columns_without_header(example_store):
    result = invoke("export", "--format", "gdelt", "--db", str(example_store))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(stored_events(example_store))
    assert all(len(line.split("\t")) == 61 for line in lines)
    assert all(line.split("\t")[0].isdigit() for line in lines)


def test_export_plover_is_json_lines_of_the_stored_events(example_store):
    result = invoke("export", "--format", "plover", "--db", str(example_store))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [e.id for e in stored_events(example_store)]
    assert all(set(r) >= PLOVER_FIELDS for r in records)


def test_export_csv_has_the_events_columns(example_store):
    result = invoke("export", "--format", "csv", "--db", str(example_store))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == len(stored_events(example_store))


def test_export_parquet_is_read_by_a_fresh_duckdb(example_store, tmp_path):
    path = tmp_path / "events.parquet"
    result = invoke("export", "--format", "parquet", "--db", str(example_store), "-o", str(path))
    assert result.exit_code == 0, result.output
    events = stored_events(example_store)
    assert f"{len(events)} events exported as parquet" in result.stderr
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT id, cameo, date, article_title FROM read_parquet(?)", [str(path)]
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(e.id for e in events)
    assert {r[3] for r in rows} == {"Chinese Premier meets with Peruvian president in Beijing"}


def test_export_parquet_is_read_by_pyarrow(example_store, tmp_path):
    parquet = pytest.importorskip("pyarrow.parquet")  # what pandas and Spark read it with
    path = tmp_path / "events.parquet"
    result = invoke("export", "--format", "parquet", "--db", str(example_store), "-o", str(path))
    assert result.exit_code == 0, result.output
    assert parquet.read_table(path).num_rows == len(stored_events(example_store))


def test_export_parquet_needs_an_output_file(example_store):
    result = invoke("export", "--format", "parquet", "--db", str(example_store))
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip() == "error: --format parquet writes a file: give --output FILE"


def test_export_of_a_missing_store_is_an_error(tmp_path):
    result = invoke("export", "--format", "gdelt", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == EXIT_ERROR
    assert "no such store" in result.stderr


@pytest.mark.parametrize("command", ["recode", "export", "import-gdelt"])
def test_each_command_is_documented_in_the_readme(command):
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"communique {command} " in readme
