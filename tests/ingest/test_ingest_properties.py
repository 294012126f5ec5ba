"""Property tests for the loader's promises, on generated crimes files (valid and broken mixed).

Every generated row is built valid, then optionally broken by mutations that each certainly
break a rule of the contract, or written as a line with too few / too many fields. So the test
knows, independently of the loader, which rows must load and which must be quarantined, and on
which physical line each starts: the header is line 1, and a row starts one line after the
previous row's last line, counting every line break inside its quoted values (LF, CR LF or a
lone CR, as an editor shows them).

Promises checked: ``read == loaded + quarantined`` per file with the count of distinct
quarantined lines equal to ``quarantined``; exactly the intact rows load, each on its own line;
CSV and Parquet of the same rows give the same tables; loading twice gives the same database;
row order does not change what loads.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vawg.store import load_paths

from .conftest import dump, queries, scratch

COLUMNS = (
    "crime_ref",
    "recorded_date",
    "committed_from",
    "committed_to",
    "offence_code",
    "offence_group",
    "domestic_abuse",
    "location_type",
    "lsoa_code",
    "easting",
    "northing",
    "outcome_code",
    "outcome_date",
)
# Copied from docs/data-contract.md, not imported from the code under test.
GROUPS = (
    "violence_with_injury",
    "violence_without_injury",
    "stalking",
    "harassment",
    "coercive_control",
    "rape",
    "other_sexual",
    "drink_spiking",
    "other",
)
PLACES = (
    "dwelling",
    "street",
    "licensed_premises",
    "transport",
    "open_space",
    "commercial",
    "education",
    "other",
    "unknown",
)
# Each mutation breaks at least one rule whatever the rest of the row holds.
MUTATIONS = (
    "bad_date",
    "no_recorded_date",
    "date_only_committed",
    "unknown_group",
    "bad_flag",
    "unknown_place",
    "lsoa_form",
    "one_coordinate",
    "outcome_out_of_range",
    "outcome_without_date",
    "committed_too_late",
    "to_before_from",
    "not_whole",
)
MALFORMED = ("too_few_fields", "too_many_fields")
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class Row:
    """One generated row: its cells, and whether (and how) it was broken."""

    cells: tuple[str, ...]
    broken: tuple[str, ...]  # mutations applied, or one MALFORMED kind

    @property
    def malformed(self) -> bool:
        return bool(self.broken) and self.broken[0] in MALFORMED


def _pad(draw: st.DrawFn, value: str) -> str:
    """Text, sometimes with spaces around it (the contract trims text; only text)."""
    return draw(st.sampled_from(("", " ", "  "))) + value + draw(st.sampled_from(("", " ")))


@st.composite
def crime_row(draw: st.DrawFn, i: int) -> Row:
    suffix = draw(st.text(max_size=8))  # any unicode: quotes, commas, newlines, emoji
    recorded = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2023, 12, 31)))
    back = draw(st.integers(min_value=-1, max_value=40))  # -1: committed the day after (allowed)
    when = datetime.combine(recorded, datetime.min.time()) - timedelta(days=back)
    when += timedelta(minutes=draw(st.integers(min_value=0, max_value=1439)))
    committed = when.strftime(draw(st.sampled_from(("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"))))
    until = ""
    if draw(st.booleans()):
        until = (when + timedelta(minutes=draw(st.integers(0, 5000)))).strftime("%Y-%m-%d %H:%M")
    lsoa = "E01" + f"{draw(st.integers(0, 999_999)):06d}"
    easting, northing = str(draw(st.integers(0, 700_000))), str(draw(st.integers(0, 1_300_000)))
    match draw(st.sampled_from(("lsoa", "grid", "both"))):
        case "lsoa":
            easting = northing = ""
        case "grid":
            lsoa = ""
    code = outcome_date = ""
    if draw(st.booleans()):
        code = str(draw(st.integers(1, 22)))
        outcome_date = (recorded + timedelta(days=draw(st.integers(0, 400)))).isoformat()
    cells = {
        "crime_ref": _pad(draw, f"R{i}|{suffix}"),
        "recorded_date": recorded.isoformat(),
        "committed_from": committed,
        "committed_to": until,
        "offence_code": draw(st.sampled_from(("", "8N", "105A", "008/01", "19C", "3"))),
        "offence_group": draw(st.sampled_from(GROUPS)),
        "domestic_abuse": draw(st.sampled_from(("Y", "N"))),
        "location_type": draw(st.sampled_from(PLACES)),
        "lsoa_code": lsoa,
        "easting": easting,
        "northing": northing,
        "outcome_code": code,
        "outcome_date": outcome_date,
    }
    broken: tuple[str, ...] = ()
    kind = draw(st.sampled_from(("valid", "valid", "mutated", "malformed")))
    if kind == "mutated":
        broken = tuple(sorted(draw(st.sets(st.sampled_from(MUTATIONS), min_size=1, max_size=3))))
        for mutation in broken:
            _mutate(draw, cells, mutation, recorded, when)
    elif kind == "malformed":
        broken = (draw(st.sampled_from(MALFORMED)),)
    return Row(tuple(cells[c] for c in COLUMNS), broken)


def _mutate(
    draw: st.DrawFn, cells: dict[str, str], mutation: str, recorded: date, when: datetime
) -> None:
    match mutation:
        case "bad_date":
            cells["recorded_date"] = draw(st.sampled_from(("2020-02-30", "05/01/2020", "x")))
        case "no_recorded_date":
            cells["recorded_date"] = draw(st.sampled_from(("", "  ")))
        case "date_only_committed":
            cells["committed_from"] = when.date().isoformat()
        case "unknown_group":
            # No enum value inside the text, so no trimming can make it one.
            cells["offence_group"] = draw(
                st.text(min_size=1, max_size=12).filter(lambda s: not any(g in s for g in GROUPS))
            )
        case "bad_flag":
            cells["domestic_abuse"] = draw(st.sampled_from(("Yes", "n", "", "1", "=1+1")))
        case "unknown_place":
            cells["location_type"] = "home"
        case "lsoa_form":
            cells["lsoa_code"] = draw(st.sampled_from(("E0100000", "S01000001", "e01000001")))
        case "one_coordinate":
            cells["easting"], cells["northing"] = "550000", ""
        case "outcome_out_of_range":
            cells["outcome_code"] = draw(st.sampled_from(("0", "23", "-1")))
            cells["outcome_date"] = recorded.isoformat()
        case "outcome_without_date":
            cells["outcome_code"], cells["outcome_date"] = "5", ""
        case "committed_too_late":
            cells["committed_from"] = f"{recorded + timedelta(days=2)} 10:00"
        case "to_before_from":
            cells["committed_to"] = (when - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
        case "not_whole":
            cells["easting"], cells["northing"] = "550000.5", "150000"
        case _:  # pragma: no cover
            raise AssertionError(mutation)


@st.composite
def crime_files(draw: st.DrawFn, *, malformed: bool = True) -> list[Row]:
    n = draw(st.integers(min_value=0, max_value=25))
    out = [draw(crime_row(i)) for i in range(n)]
    if not malformed:
        out = [r if not r.malformed else Row(r.cells, ()) for r in out]
    return out


def write_csv(path: Path, generated: list[Row]) -> None:
    """The rows as CSV; malformed rows as a line with 3 fields or with a 14th field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in generated:
        if row.broken[:1] == ("too_few_fields",):
            buffer.write(f"R{row.cells[0].split('|')[0][1:]}|short,2020-01-05,x\n")
            continue
        # csv quotes a field holding "\r" or "\n" only when they are in its line terminator.
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(row.cells)
        extra = ",extra" if row.broken[:1] == ("too_many_fields",) else ""
        buffer.write(line.getvalue()[:-2] + extra + "\n")
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_parquet(path: Path, generated: list[Row]) -> None:
    """The same rows as Parquet, every column a string."""
    columns = {c: [r.cells[k] for r in generated] for k, c in enumerate(COLUMNS)}
    pq.write_table(pa.table(columns, schema=pa.schema([(c, pa.string()) for c in COLUMNS])), path)


def _index(crime_ref: str) -> int:
    return int(crime_ref.split("|")[0].lstrip()[1:])


BREAK = re.compile(r"\r\n|\r|\n")


def first_lines(generated: list[Row]) -> list[int]:
    """The physical line each row starts on, counted from the text :func:`write_csv` writes."""
    lines, line = [], 2
    for row in generated:
        lines.append(line)
        short = row.broken[:1] == ("too_few_fields",)  # written as a fixed one-line text
        line += 1 + (0 if short else len(BREAK.findall("".join(row.cells))))
    return lines


@SETTINGS
@given(crime_files())
def test_every_row_read_is_loaded_or_quarantined(generated: list[Row]) -> None:
    with scratch() as folder:
        path, db = Path(folder) / "crimes.csv", Path(folder) / "vawg.duckdb"
        write_csv(path, generated)
        [load] = load_paths([path], db).files

        intact = [i for i, r in enumerate(generated) if not r.broken]
        assert load.read == len(generated)
        assert load.read == load.loaded + load.quarantined
        assert load.loaded == len(intact)
        quarantine_lines, loaded, whole_rows = queries(
            db,
            "SELECT DISTINCT line FROM quarantine ORDER BY line",
            "SELECT crime_ref, _line FROM crimes",
            "SELECT line FROM quarantine WHERE column_name = '(row)' ORDER BY line",
        )
        assert len(quarantine_lines) == load.quarantined
        # Intact rows load on the line they start on, broken rows are quarantined there, and
        # every row is accounted for exactly once.
        starts = first_lines(generated)
        assert sorted((_index(ref), line) for ref, line in loaded) == [
            (i, starts[i]) for i in intact
        ]
        broken = [starts[i] for i, r in enumerate(generated) if r.broken]
        assert [line for (line,) in quarantine_lines] == broken
        # A line that cannot be split is exactly one '(row)' record.
        malformed = [starts[i] for i, r in enumerate(generated) if r.malformed]
        assert [line for (line,) in whole_rows] == malformed


# Columns compared between databases: everything but the file name (the paths differ).
CRIMES = f"SELECT {', '.join(COLUMNS)}, _line FROM crimes"
QUARANTINE = "SELECT line, column_name, value, reason FROM quarantine"


@SETTINGS
@given(crime_files(malformed=False))
def test_csv_and_parquet_give_the_same_tables(generated: list[Row]) -> None:
    with scratch() as folder:
        csv_path, parquet_path = Path(folder) / "crimes.csv", Path(folder) / "crimes.parquet"
        write_csv(csv_path, generated)
        write_parquet(parquet_path, generated)
        csv_db, parquet_db = Path(folder) / "csv.duckdb", Path(folder) / "parquet.duckdb"
        [from_csv] = load_paths([csv_path], csv_db).files
        [from_parquet] = load_paths([parquet_path], parquet_db).files

        counts = (from_csv.read, from_csv.loaded, from_csv.quarantined)
        assert counts == (from_parquet.read, from_parquet.loaded, from_parquet.quarantined)
        # A CSV line is the physical line a row starts on; a Parquet "line" is the 1-based row
        # number. Map both to the row's position to compare.
        position = {line: k + 1 for k, line in enumerate(first_lines(generated))}
        csv_crimes, csv_quarantine = queries(csv_db, CRIMES, QUARANTINE)
        parquet_crimes, parquet_quarantine = queries(parquet_db, CRIMES, QUARANTINE)
        assert sorted(map(repr, ((*r[:-1], position[r[-1]]) for r in csv_crimes))) == sorted(
            map(repr, parquet_crimes)
        )
        assert sorted(map(repr, ((position[r[0]], *r[1:]) for r in csv_quarantine))) == sorted(
            map(repr, parquet_quarantine)
        )


@SETTINGS
@given(crime_files())
def test_loading_twice_gives_the_same_database(generated: list[Row]) -> None:
    with scratch() as folder:
        path, db = Path(folder) / "crimes.csv", Path(folder) / "vawg.duckdb"
        write_csv(path, generated)
        load_paths([path], db)
        before = dump(db)
        [again] = load_paths([path], db).files
        assert again.status == "unchanged"
        assert dump(db) == before


@SETTINGS
@given(crime_files(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_what_loads(generated: list[Row], rng: random.Random) -> None:
    shuffled = list(generated)
    rng.shuffle(shuffled)
    with scratch() as folder:
        results = []
        for name, version in (("a", generated), ("b", shuffled)):
            (Path(folder) / name).mkdir()
            path, db = Path(folder) / name / "crimes.csv", Path(folder) / name / "vawg.duckdb"
            write_csv(path, version)
            load_paths([path], db)
            loaded, records = queries(
                db,
                f"SELECT {', '.join(COLUMNS)} FROM crimes",  # without _line
                "SELECT column_name, value, reason FROM quarantine",
            )
            results.append((sorted(map(repr, loaded)), sorted(map(repr, records))))
        assert results[0] == results[1]
