"""Render the data contract as Markdown (``docs/data-contract.md`` is this, regenerated).

A test compares the committed file with this rendering, so the documentation cannot drift from
the rules the loader applies. Regenerate with ``python scripts/build_contract_docs.py``.
"""

from __future__ import annotations

from vawg.schema.contract import TABLES
from vawg.schema.types import Column, ColumnType, Table

__all__ = ["column_rule", "contract_markdown"]

_TYPE_TEXT = {
    ColumnType.TEXT: "text",
    ColumnType.DATE: "date `YYYY-MM-DD`",
    ColumnType.DATETIME: "datetime `YYYY-MM-DD HH:MM`",
    ColumnType.MONTH: "month `YYYY-MM`",
    ColumnType.INTEGER: "integer",
    ColumnType.NUMBER: "number",
    ColumnType.FLAG: "`Y`/`N`",
    ColumnType.ENUM: "enum",
}


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else f"{int(value):,}".replace(",", "")


def column_rule(column: Column) -> str:
    """The rules of one column in words, as the documentation states them."""
    parts = ["required" if column.required else "optional"]
    if column.unique:
        parts.append("unique")
    if column.values:
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.values))
    if column.minimum is not None and column.maximum is not None:
        parts.append(f"between {_number(column.minimum)} and {_number(column.maximum)}")
    elif column.minimum is not None:
        parts.append(f"at least {_number(column.minimum)}")
    elif column.maximum is not None:
        parts.append(f"at most {_number(column.maximum)}")
    if column.pattern_doc:
        parts.append(column.pattern_doc)
    if column.not_future:
        parts.append("not in the future")
    if column.earliest:
        parts.append(f"not before {column.earliest}")
    return "; ".join(parts)


def _table_markdown(table: Table) -> list[str]:
    lines = [f"## {table.title}", "", table.doc, ""]
    lines.append(
        f"Recognised from file names: {', '.join(f'`{p}.csv`' for p in table.file_patterns)} "
        f"(or `.parquet`); stored as table `{table.name}`."
    )
    lines += ["", "| column | type | rule | meaning |", "|---|---|---|---|"]
    for column in table.columns:
        name = f"`{column.name}`"
        if column.source:
            name += f" (header `{column.source}`)"
        lines.append(
            f"| {name} | {_TYPE_TEXT[column.type]} | {column_rule(column)} | {column.doc} |"
        )
    if table.rules or table.references:
        lines += [
            "",
            "Row rules (a row that breaks one is quarantined, naming the first column):",
            "",
        ]
        lines += [f"- {rule.reason}." for rule in table.rules]
        lines += [
            f"- `{ref.column}` must exist in `{ref.table}.{ref.target}` (loaded before or in the same run)"
            + (f", checked once `{ref.table}` is loaded" if ref.when_loaded else "")
            + "."
            for ref in table.references
        ]
    lines.append("")
    return lines


def contract_markdown() -> str:
    """The whole data contract as a Markdown document."""
    lines = [
        "# Data contract: what vawg-insight reads",
        "",
        "<!-- Generated from src/vawg/schema/contract.py by `python -m vawg.schema.docs`; do not edit. -->",
        "",
        "Each input is a CSV file (UTF-8, or another encoding given with `--encoding`, e.g. `cp1252`;",
        "header row, comma-separated) or a Parquet file with the same columns. Column names are exact.",
        "Unknown extra columns are kept in the file but ignored. Optional columns may be left out of a",
        "file; required columns may not (the file is refused, naming the column). A value that breaks",
        "a rule never stops a load and is never dropped silently: its row goes to quarantine with the",
        "file, physical line (as an editor shows it), column, value and reason, and every load reports",
        "`read = loaded + quarantined`. A record that cannot be read as CSV at all (a quote that never",
        "closes, a byte that is not text in the file's encoding, a stray carriage return) costs only",
        "itself: it is quarantined with its line range and reading resumes on the next line.",
        "",
        "**Values are read exactly as written.** Text is trimmed of surrounding spaces; every other",
        "value must be written as this contract shows it: dates `2020-01-05` (not `2020-1-5`), flags",
        "`Y`/`N`, enum words in their case and without spaces (`victim`, not `Victim` or ` victim`),",
        "numbers without spaces. A near miss is quarantined, and its reason says what it should have",
        "been. A value that is empty or only spaces is missing.",
        "",
        "**Deliveries.** One `vawg ingest` run is one delivery. A row with a unique key (a crime by",
        "`crime_ref`) is added or updated by key, whatever file or folder it comes in; rows keyed to a",
        "crime (involvements, criminal justice events) are replaced per crime; police.uk rows per file",
        "name. Rows a delivery does not hold are kept, unless it is loaded as a full replacement",
        "(`--replace`). Within one file, or one delivery, a repeated key keeps the first row and",
        "quarantines the later ones. After every load, a row whose reference no longer resolves is",
        "moved to quarantine.",
        "",
    ]
    for table in TABLES.values():
        lines += _table_markdown(table)
    lines += _BOUNDARIES
    return "\n".join(lines)


_BOUNDARIES = [
    "## areas.geojson — LSOA boundaries (optional)",
    "",
    "Polygons of the force's LSOAs, used to place crimes (and police.uk rows) that have "
    "coordinates but no usable LSOA code, for queen-contiguity neighbours and to draw maps. Not "
    "loaded into the database: name the file in the `boundaries` setting (`vawg.toml`, "
    "`--set boundaries=areas.geojson`, or `--geojson` on `vawg hotspots`). Empty means the "
    "shipped Kent and Medway LSOA 2011 boundaries (1,065 polygons, ONS, Open Government Licence).",
    "",
    "| property | rule | meaning |",
    "|---|---|---|",
    "| `lsoa_code` (or `LSOA11CD` / `LSOA21CD`) | required | LSOA code, matching `areas.lsoa_code`. |",
    "| `lsoa_name` (or `LSOA11NM` / `LSOA21NM`) | optional | LSOA name, shown in reports. |",
    "| `district` (or `LAD..NM`) | optional | District name, for map outlines. |",
    "",
    "GeoJSON, GeoPackage (`.gpkg`) or shapefile (`.shp`); Polygon or MultiPolygon features in "
    "WGS84 longitude/latitude or British National Grid (EPSG:27700), converted to the grid on "
    "reading. Features without a code or polygon are reported and left out; invalid rings are "
    "repaired; a code given twice has its parts joined. Without boundaries for its LSOAs, a crime "
    "outside Kent and Medway can be placed by its LSOA code only.",
    "",
]
