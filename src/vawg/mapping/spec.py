"""A mapping file: how one force's export becomes the data contract's tables.

A mapping is a TOML file (read with :mod:`tomllib`) that an analyst writes once per records
system. It says which source files feed which contract table, which source column holds each
contract column, how source values become the contract's enums, which date formats the source
uses, and — for a wide export with one row per victim–suspect pair — which columns describe each
person. Nothing here reads the data; :mod:`vawg.mapping.translate` applies the mapping.

Example (the full key list is in ``examples/README.md``)::

    [crimes]
    files = ["pairs*.csv"]
    [crimes.columns]
    crime_ref = "Occurrence Number"
    offence_code = "HO Class"          # offence_group then comes from the code list

    [values.location_type]
    dwelling = ["Dwelling - House", "Dwelling - Flat"]

    [dates]
    formats = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "excel"]

    [[persons]]                        # wide export: people + involvements from these columns
    role = "victim"
    person_id = "Victim ID"
    sex = "Victim Gender"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vawg.errors import InputError
from vawg.schema import TABLES, ColumnType

__all__ = [
    "DEFAULT_DATE_FORMATS",
    "Mapping",
    "PersonColumns",
    "TableMapping",
    "contract_mapping",
    "load_mapping",
]

DEFAULT_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
"""Formats tried when a mapping names none (the contract's own ISO forms)."""

MAPPED_TABLES = ("crimes", "people", "involvements", "cjs_events")
PERSON_KEYS = ("role", "person_id", "sex", "date_of_birth", "relationship")


@dataclass(frozen=True)
class TableMapping:
    """One contract table: the source files (glob patterns), and contract → source columns."""

    table: str
    files: tuple[str, ...]
    columns: dict[str, str]
    sheet: str | None = None


@dataclass(frozen=True)
class PersonColumns:
    """One person in each row of a wide export: a fixed role, and the columns describing them.

    ``role`` is a contract role (``victim``, ``suspect``, ``offender``); the other fields name
    source columns (``relationship`` only for victims).
    """

    role: str
    person_id: str
    sex: str | None = None
    date_of_birth: str | None = None
    relationship: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A whole mapping file, checked against the data contract."""

    path: Path
    name: str
    tables: dict[str, TableMapping]
    values: dict[str, dict[str, str]]  # contract column → {source value (casefolded): value}
    offence_codes: dict[str, str]  # source code (upper-cased) → offence group
    date_formats: dict[str, tuple[str, ...]]  # contract column ("" = default) → formats
    persons: tuple[PersonColumns, ...] = ()
    encoding: str = "utf-8-sig"
    contract_names: bool = False  # a workbook in the contract's own names (no mapping file)

    def formats(self, column: str) -> tuple[str, ...]:
        """Date formats tried, in order, for ``column``."""
        return self.date_formats.get(column) or self.date_formats[""]


def _fail(path: Path, message: str) -> InputError:
    return InputError(f"{path}: {message}; see examples/README.md for the mapping keys")


def _strings(path: Path, where: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise _fail(path, f"{where} must be a string or a list of strings")
    return tuple(items)


def _table(path: Path, name: str, body: Any) -> TableMapping:
    if not isinstance(body, dict):
        raise _fail(path, f"[{name}] must be a table")
    contract = TABLES[name]
    known = {c.name for c in contract.columns}
    columns = body.get("columns", {})
    if not isinstance(columns, dict):
        raise _fail(path, f"[{name}.columns] must be a table of contract column = source column")
    for target, source in columns.items():
        if target not in known:
            raise _fail(
                path,
                f"[{name}.columns] names {target!r}, not a column of {name} "
                f"(columns: {', '.join(sorted(known))})",
            )
        if not isinstance(source, str):
            raise _fail(path, f"[{name}.columns] {target} must name one source column")
    unknown = set(body) - {"files", "columns", "sheet"}
    if unknown:
        raise _fail(path, f"[{name}] has unknown key(s) {', '.join(sorted(unknown))}")
    sheet = body.get("sheet")
    return TableMapping(
        name,
        _strings(path, f"[{name}] files", body.get("files", [])),
        dict(columns),
        sheet if isinstance(sheet, str) else None,
    )


def _values(path: Path, body: Any) -> dict[str, dict[str, str]]:
    """``[values.<column>] target = [source values]`` → {column: {casefolded source: target}}."""
    if not isinstance(body, dict):
        raise _fail(path, "[values] must be a table of columns")
    enums = {
        c.name: c
        for t in TABLES.values()
        for c in t.columns
        if t.name in MAPPED_TABLES and c.type in (ColumnType.ENUM, ColumnType.FLAG)
    }
    enums["role"] = TABLES["involvements"].column("role")
    out: dict[str, dict[str, str]] = {}
    for column, targets in body.items():
        if column not in enums:
            raise _fail(
                path,
                f"[values.{column}]: {column!r} is not an enum or flag column of the contract "
                f"(one of {', '.join(sorted(enums))})",
            )
        allowed = enums[column].values or ("Y", "N")
        if not isinstance(targets, dict):
            raise _fail(path, f"[values.{column}] must be a table of value = [source values]")
        seen: dict[str, str] = {}
        for target, sources in targets.items():
            if target not in allowed:
                raise _fail(
                    path,
                    f"[values.{column}] maps to {target!r}, not one of {', '.join(allowed)}",
                )
            for source in _strings(path, f"[values.{column}] {target}", sources):
                key = source.strip().casefold()
                if key in seen and seen[key] != target:
                    raise _fail(
                        path,
                        f"[values.{column}] maps {source!r} to both {seen[key]} and {target}",
                    )
                seen[key] = target
        out[column] = seen
    return out


def _person(path: Path, body: Any) -> PersonColumns:
    if not isinstance(body, dict) or not isinstance(body.get("role"), str):
        raise _fail(path, "each [[persons]] needs role = victim|suspect|offender and person_id")
    unknown = set(body) - set(PERSON_KEYS)
    if unknown:
        raise _fail(path, f"[[persons]] has unknown key(s) {', '.join(sorted(unknown))}")
    roles = TABLES["involvements"].column("role").values
    if body["role"] not in roles:
        raise _fail(path, f"[[persons]] role {body['role']!r} is not one of {', '.join(roles)}")
    if not isinstance(body.get("person_id"), str):
        raise _fail(path, "each [[persons]] needs person_id = the source column of the id")
    if body.get("relationship") and body["role"] != "victim":
        raise _fail(path, "[[persons]] relationship is only recorded for role = victim")
    return PersonColumns(**{k: v for k, v in body.items() if isinstance(v, str)})


def _dates(path: Path, body: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(body, dict):
        raise _fail(path, "[dates] must be a table")
    out = {"": _strings(path, "[dates] formats", body.get("formats", list(DEFAULT_DATE_FORMATS)))}
    columns = body.get("columns", {})
    if not isinstance(columns, dict):
        raise _fail(path, "[dates.columns] must be a table of column = [formats]")
    for column, formats in columns.items():
        out[column] = _strings(path, f"[dates.columns] {column}", formats)
    return out


def load_mapping(path: Path) -> Mapping:
    """Read and check the mapping file at ``path``; one clear error names what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such mapping file; draft one with `vawg mapping init`"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, f"not valid TOML ({error})") from None
    known = {*MAPPED_TABLES, "source", "values", "offence_codes", "dates", "persons"}
    unknown = set(data) - known
    if unknown:
        raise _fail(path, f"unknown section(s) {', '.join(sorted(unknown))}")
    tables = {name: _table(path, name, data[name]) for name in MAPPED_TABLES if name in data}
    if not tables:
        raise _fail(path, "no table is mapped; add a [crimes] section with files and columns")
    persons = tuple(_person(path, p) for p in data.get("persons", []))
    if persons and "crimes" not in tables:
        raise _fail(path, "[[persons]] reads the crimes files; add a [crimes] section")
    if persons and ({"people", "involvements"} & set(tables)):
        raise _fail(path, "use either [[persons]] or [people]/[involvements] sections, not both")
    groups = TABLES["crimes"].column("offence_group").values
    codes: dict[str, str] = {}
    for code, group in data.get("offence_codes", {}).items():
        if group not in groups:
            raise _fail(
                path, f"[offence_codes] {code} = {group!r} is not one of {', '.join(groups)}"
            )
        codes[code.strip().upper()] = group
    source = data.get("source", {})
    return Mapping(
        path=path,
        name=str(source.get("name", path.stem)),
        tables=tables,
        values=_values(path, data.get("values", {})),
        offence_codes=codes,
        date_formats=_dates(path, data.get("dates", {})),
        persons=persons,
        encoding=str(source.get("encoding", "utf-8-sig")),
    )


def contract_mapping(path: Path, table: str, headers: tuple[str, ...]) -> Mapping:
    """The mapping of a workbook already in the contract's names: every known header to itself.

    ``vawg ingest crimes.xlsx`` needs no mapping file: the sheet is read like ``crimes.csv``,
    with spreadsheet dates (cells or serials) read as dates.
    """
    contract = TABLES[table]
    columns = {c.name: c.header for c in contract.columns if c.header in headers}
    target = TableMapping(table, (path.name,), columns)
    return Mapping(
        path=path,
        name=path.name,
        tables={table: target},
        values={},
        offence_codes={},
        date_formats={"": (*DEFAULT_DATE_FORMATS, "excel")},
        contract_names=True,
    )
