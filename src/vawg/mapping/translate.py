"""Apply a mapping to source files: contract-shaped records, each remembering its source cells.

The result is what a hand-written contract file would hold — one record per crime, person and
involvement — plus, for every record and column, the source file, line, column and value it came
from. :mod:`vawg.mapping.load` writes the records as contract CSV files and loads them with the
ordinary ingest; the origins turn each quarantine record back into the analyst's own terms.

Wide exports (one row per victim–suspect pair): a crime repeated on several rows with the same
values is one crime (its record lists every source line); a repeat that differs is kept as a
second record, so the contract's duplicate-key check quarantines it with its own line. People
and involvements are built from the ``[[persons]]`` column groups the same way. A person whose
columns are all empty on a row (no suspect identified) contributes nothing for that row.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from vawg.errors import ContractError, InputError
from vawg.mapping.sources import SOURCE_SUFFIXES, SourceRow, SourceTable, read_source
from vawg.mapping.spec import Mapping, PersonColumns, TableMapping, contract_mapping
from vawg.mapping.values import translate_value
from vawg.schema import TABLES

__all__ = ["Origin", "Record", "Translation", "source_files", "translate", "workbook_mapping"]

ROW = "(row)"


@dataclass(frozen=True)
class Origin:
    """Where one contract value came from: source column and value, and what the mapping lacked."""

    column: str
    value: str
    note: str | None = None


@dataclass
class Record:
    """One contract row, the source table and lines it came from, and each value's origin."""

    source: SourceTable
    lines: list[int]
    values: dict[str, str]
    origins: dict[str, Origin]

    def key(self, columns: tuple[str, ...]) -> tuple[str, ...]:
        """The values of ``columns``: records with equal keys and equal values are one row."""
        return tuple(self.values.get(c, "") for c in columns)


@dataclass
class Translation:
    """Every contract record built from the sources, by contract table, in source order."""

    mapping: Mapping
    sources: list[SourceTable] = field(default_factory=list)
    tables: dict[str, dict[Path, list[Record]]] = field(default_factory=dict)
    skipped: list[Path] = field(default_factory=list)

    def records(self, table: str) -> list[Record]:
        """Every record of ``table``, over all source files."""
        return [r for recs in self.tables.get(table, {}).values() for r in recs]


def source_files(
    mapping: Mapping, paths: list[Path]
) -> tuple[list[tuple[Path, TableMapping]], list[Path]]:
    """Each source file under ``paths`` with the table it feeds, and the files that fit none."""
    found: list[tuple[Path, TableMapping]] = []
    skipped: list[Path] = []
    candidates: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder; check the path")
        candidates += sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for path in candidates:
        matches = [
            t
            for t in mapping.tables.values()
            if any(fnmatch.fnmatch(path.name.lower(), p.lower()) for p in t.files)
        ]
        if len(matches) > 1:
            names = ", ".join(t.table for t in matches)
            raise InputError(
                f"{path}: the mapping's files patterns match it for {names}; make them distinct"
            )
        if matches and path.suffix.lower() in SOURCE_SUFFIXES:
            found.append((path, matches[0]))
        elif path in paths:
            patterns = "; ".join(
                f"{t.table}: {', '.join(t.files)}" for t in mapping.tables.values()
            )
            raise InputError(f"{path}: matches none of the mapping's files patterns ({patterns})")
        else:
            skipped.append(path)
    order = list(TABLES)
    found.sort(key=lambda f: (order.index(f[1].table), str(f[0])))
    return found, skipped


def workbook_mapping(path: Path, kind: str | None = None) -> Mapping:
    """The mapping for a workbook named like a contract file (``crimes.xlsx``), no file needed."""
    stem = path.name.lower().removesuffix(".xlsx")
    table = kind or next(
        (
            t.name
            for t in TABLES.values()
            if any(fnmatch.fnmatchcase(stem, p) for p in t.file_patterns)
        ),
        None,
    )
    if table is None:
        names = ", ".join(f"{p}.xlsx" for t in TABLES.values() for p in t.file_patterns)
        raise InputError(
            f"{path}: cannot tell what kind of file this is; name it one of {names}, pass "
            "--kind, or give a mapping file with --mapping"
        )
    if table not in TABLES:
        raise InputError(f"unknown input kind {table!r}; use one of: {', '.join(TABLES)}")
    return contract_mapping(path, table, read_source(path).headers)


def _check_required(mapping: Mapping, target: TableMapping) -> None:
    contract = TABLES[target.table]
    derived = {"offence_group"} if "offence_code" in target.columns else set()
    missing = [
        c.name
        for c in contract.columns
        if c.required and c.name not in target.columns and c.name not in derived
    ]
    if missing and mapping.contract_names:
        raise ContractError(
            f"{mapping.path}: required column {', '.join(missing)} is absent from the header; "
            f"add it (see docs/data-contract.md, table {target.table})"
        )
    if missing:
        raise InputError(
            f"{mapping.path}: [{target.table}.columns] gives no source column for "
            f"{', '.join(missing)} (required by the contract)"
        )


def _record(
    table: str, source: SourceTable, row: SourceRow, columns: dict[str, str], mapping: Mapping
) -> Record:
    contract = TABLES[table]
    record = Record(source, [row.line], {}, {})
    if row.fields != len(source.headers):
        # A row that cannot be split into the header's columns loads nothing: every value is
        # empty, so the contract quarantines it (required values missing) under "(row)".
        raw = ",".join(row.cells)[:200]
        note = f"the row has {row.fields} fields; the header has {len(source.headers)}"
        for column in contract.columns:
            record.values[column.name] = ""
            record.origins[column.name] = Origin(ROW, raw, note)
        return record
    for name, header in columns.items():
        value = row.cells[source.column(header)]
        text, lacking = translate_value(contract.column(name), value, mapping)
        record.values[name] = text
        record.origins[name] = Origin(header, value, None if mapping.contract_names else lacking)
    if table == "crimes" and "offence_group" not in columns and "offence_code" in columns:
        header = columns["offence_code"]
        value = row.cells[source.column(header)]
        text, lacking = translate_value(
            contract.column("offence_group"), value, mapping, derived_from_code=True
        )
        record.values["offence_group"] = text
        record.origins["offence_group"] = Origin(header, value, lacking)
    return record


def _persons(
    source: SourceTable, row: SourceRow, crime: Record, person: PersonColumns, mapping: Mapping
) -> tuple[Record, Record] | None:
    """The person and involvement one ``[[persons]]`` group gives on ``row``, or None if empty."""
    people_columns = {
        k: v
        for k, v in (
            ("person_id", person.person_id),
            ("sex", person.sex),
            ("date_of_birth", person.date_of_birth),
        )
        if v
    }
    headers = [*people_columns.values(), *([person.relationship] if person.relationship else [])]
    if row.fields == len(source.headers) and not any(
        row.cells[source.column(h)].strip() for h in headers
    ):
        return None
    people = _record("people", source, row, people_columns, mapping)
    links = {"person_id": person.person_id}
    if person.relationship:
        links["relationship"] = person.relationship
    if "crime_ref" in crime.origins:
        links["crime_ref"] = crime.origins["crime_ref"].column
    involvement = _record("involvements", source, row, links, mapping)
    involvement.values["role"] = person.role
    involvement.origins["role"] = Origin("(mapping: [[persons]] role)", person.role)
    return people, involvement


def _merge(records: list[Record], key: str | None) -> list[Record]:
    """Collapse records equal in every value into the first (keeping all their lines)."""
    out: list[Record] = []
    first: dict[tuple[tuple[str, str], ...], Record] = {}
    for record in records:
        whole = tuple(sorted(record.values.items()))
        if key is not None and not record.values.get(key, "").strip():
            out.append(record)
            continue
        if whole in first:
            first[whole].lines.extend(record.lines)
            continue
        first[whole] = record
        out.append(record)
    return out


def translate(mapping: Mapping, paths: list[Path]) -> Translation:
    """Read every source file under ``paths`` and build its contract records."""
    found, skipped = source_files(mapping, paths)
    result = Translation(mapping, skipped=skipped)
    for target in mapping.tables.values():
        _check_required(mapping, target)
    if mapping.persons and not all(p.sex for p in mapping.persons):
        raise InputError(f"{mapping.path}: every [[persons]] needs sex = the source column")
    for path, target in found:
        source = read_source(path, encoding=mapping.encoding, sheet=target.sheet)
        result.sources.append(source)
        records = [
            _record(target.table, source, row, target.columns, mapping) for row in source.rows
        ]
        if not mapping.persons:
            result.tables.setdefault(target.table, {})[path] = records
            continue
        people: list[Record] = []
        links: list[Record] = []
        for row, crime in zip(source.rows, records, strict=True):
            for person in mapping.persons:
                built = _persons(source, row, crime, person, mapping)
                if built is not None:
                    people.append(built[0])
                    links.append(built[1])
        result.tables.setdefault("crimes", {})[path] = _merge(records, "crime_ref")
        result.tables.setdefault("people", {})[path] = _merge(people, "person_id")
        result.tables.setdefault("involvements", {})[path] = _merge(links, None)
    return result
