"""Load mapped sources: write contract files, load them with the ordinary ingest, report back.

The translated records of each source file are written as contract CSV files (``crimes.csv``,
``people.csv``, ``involvements.csv``) in a folder beside the database, ``<db>.mapped/``, one
subfolder per source file. :func:`vawg.store.load_paths` then loads them with every guarantee of
a contract load — one transaction, every row loaded or quarantined, an unchanged file changes
nothing — because the folder and the files' bytes depend only on the source and the mapping.
The folder is readable by its owner only while the load runs and is removed after it, loaded
or not: the files hold person-level records in plain text, and an encrypted database must not
leave them on disk. The next load writes the same bytes again, so it still changes nothing.

Each quarantine record is then put back in the analyst's terms: the source file (and sheet), the
source line, the source column and the source value, with the contract's reason and what the
mapping lacked. A source row counts as quarantined when any record built from it was, so per
source file ``rows = loaded + quarantined``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vawg.mapping.translate import ROW, Record, Translation
from vawg.schema import TABLES
from vawg.store import LoadResult, connect, load_paths

__all__ = ["MappedLoad", "SourceLoad", "load_translation", "staging_folder"]

QuarantineRow = tuple[str, int, str, str | None, str]
_FIRST_AT = re.compile(r"first at line (\d+)")


@dataclass(frozen=True)
class SourceLoad:
    """One source file (or sheet): data rows, rows loaded, rows quarantined, blank rows skipped."""

    label: str
    rows: int
    loaded: int
    quarantined: int
    blank: int


@dataclass(frozen=True)
class MappedLoad:
    """The ordinary load of the contract files, and the same load in the source's terms."""

    load: LoadResult
    sources: tuple[SourceLoad, ...]
    quarantine: tuple[QuarantineRow, ...]  # file, line, column, value, reason (source terms)
    fresh: tuple[QuarantineRow, ...]  # the records of files loaded or replaced in this run


def staging_folder(db: Path) -> Path:
    """Where the contract files made from mapped sources live: beside the database."""
    return db.resolve().parent / f"{db.name}.mapped"


def _csv_text(table: str, records: list[Record]) -> str:
    columns = [c.name for c in TABLES[table].columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([record.values.get(c, "") for c in columns])
    return out.getvalue()


def _target(folder: Path, source: Path, table: str) -> Path:
    digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:10]
    return (folder / f"{source.stem}-{digest}" / f"{table}.csv").resolve()


def _known_people(db: Path) -> dict[tuple[str, ...], set[str]]:
    """(person_id, sex, date_of_birth) → the files that loaded that very person."""
    if not db.exists():
        return {}
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT person_id, sex, coalesce(CAST(date_of_birth AS VARCHAR), ''), _file FROM people"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    known: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for person, sex, born, file in rows:
        known[(str(person), str(sex), str(born))].add(str(file))
    return known


def write_contract_files(
    translation: Translation, folder: Path, db: Path | None = None
) -> dict[Path, list[Record]]:
    """Write each source's records as contract CSV files; return file → records, in line order.

    A wide export's person already loaded, identically, from another export (a repeat victim
    or perpetrator in next month's file) is not written again: the involvement links to the
    loaded person, and no duplicate-key quarantine record is made for the same facts.
    """
    known = _known_people(db) if db is not None and translation.mapping.persons else {}
    written: dict[Path, list[Record]] = {}
    for table, by_source in translation.tables.items():
        for source, records in by_source.items():
            target = _target(folder, source, table)
            if table == "people" and known:
                records = [
                    r
                    for r in records
                    if not known.get(r.key(("person_id", "sex", "date_of_birth")), set())
                    - {str(target)}
                ]
            text = _csv_text(table, records)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
            written[target] = records
    return written


def _back(
    row: tuple[str, int, str, str | None, str],
    files: dict[Path, list[Record]],
    labels: dict[str, str],
) -> tuple[QuarantineRow | None, Record | None]:
    """One contract quarantine record in the source's terms, and the record it names."""
    file, line, column, value, reason = row
    records = files.get(Path(file))
    if records is None or not 2 <= line < len(records) + 2:
        return (file, line, column, value, reason), None
    record = records[line - 2]

    def source_line(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return (
            f"first at line {records[n - 2].lines[0]}"
            if 2 <= n < len(records) + 2
            else match.group(0)
        )

    reason = _FIRST_AT.sub(source_line, reason)
    for staged, label in labels.items():
        reason = reason.replace(staged, label)
    origin = record.origins.get(column)
    if value is not None and column in record.values and record.values[column] != value:
        return None, record  # a record of an earlier delivery of this file: no longer true
    if origin is None:
        return (record.source.label, record.lines[0], column, value, reason), record
    if origin.column == ROW:
        reason = origin.note or reason
    elif origin.note:
        reason = f"{column}: {origin.note}"
    elif origin.column != column:
        reason = f"{reason} (the contract's {column})"
    role = record.origins.get("role")
    if role is not None and role.column.startswith("(mapping"):
        reason = f"{reason}; {role.value} involvement"
    return (record.source.label, record.lines[0], origin.column, origin.value, reason), record


def load_translation(
    translation: Translation, db: Path, *, require_encryption: bool = False
) -> MappedLoad:
    """Write the contract files for ``translation`` and load them into ``db``.

    ``require_encryption`` refuses person-level tables in a database without a key, as
    ``vawg ingest`` does.
    """
    folder = staging_folder(db)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    try:
        files = write_contract_files(translation, folder, db)
        load = load_paths(sorted(files), db, require_encryption=require_encryption)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    labels = {str(f): records[0].source.label for f, records in files.items() if records}
    con = connect(db, read_only=True)
    try:
        stored = con.execute(
            "SELECT file, line, column_name, value, reason FROM quarantine "
            "WHERE list_contains(?, file) ORDER BY file, line, column_name",
            [[str(f) for f in files]],
        ).fetchall()
    finally:
        con.close()
    fresh_files = {f.file for f in load.files if f.status != "unchanged"}
    bad_lines: dict[str, set[int]] = defaultdict(set)
    every: list[QuarantineRow] = []
    fresh: list[QuarantineRow] = []
    for row in stored:
        back, record = _back(row, files, labels)
        if back is None:
            continue
        every.append(back)
        if row[0] in fresh_files:
            fresh.append(back)
        if record is not None:
            bad_lines[record.source.label].update(record.lines)
    sources = tuple(
        SourceLoad(
            s.label,
            len(s.rows),
            len(s.rows) - len(bad_lines[s.label]),
            len(bad_lines[s.label]),
            s.blank_rows,
        )
        for s in translation.sources
    )
    key = lambda r: (r[0], r[1], r[2])  # noqa: E731
    return MappedLoad(load, sources, tuple(sorted(every, key=key)), tuple(sorted(fresh, key=key)))
