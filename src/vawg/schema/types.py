"""The building blocks of the data contract: columns, row rules, references and tables.

A table is declared once, as data. From that one declaration come the SQL checks that
:mod:`vawg.ingest` runs on every row and the generated ``docs/data-contract.md``, so the two
cannot drift apart. Nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Column", "ColumnType", "Reference", "RowRule", "Table"]


class ColumnType(StrEnum):
    """How a column's text is read; each maps to one DuckDB type and one parse rule."""

    TEXT = "text"
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # YYYY-MM-DD HH:MM (seconds allowed)
    MONTH = "month"  # YYYY-MM (police.uk)
    INTEGER = "integer"
    NUMBER = "number"
    FLAG = "flag"  # Y / N
    ENUM = "enum"


@dataclass(frozen=True)
class Column:
    """One column of an input table and the rules each of its values must keep.

    ``source`` is the header as it appears in the file when it differs from ``name`` (police.uk
    files use headers such as ``Crime ID``); the database always uses ``name``.
    """

    name: str
    type: ColumnType
    doc: str
    required: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    pattern_doc: str | None = None
    unique: bool = False
    not_future: bool = False
    earliest: str | None = None  # ISO date: no value before this
    source: str | None = None

    @property
    def header(self) -> str:
        """The header this column has in an input file."""
        return self.source or self.name


@dataclass(frozen=True)
class RowRule:
    """A rule across several columns of one row.

    ``violated`` is a SQL condition over the *typed* values, written with ``{column}``
    placeholders; it is true when the row breaks the rule. The first of ``columns`` is the one
    named in the quarantine record.
    """

    columns: tuple[str, ...]
    violated: str
    reason: str


@dataclass(frozen=True)
class Reference:
    """A value that must exist in another table (e.g. an involvement's ``crime_ref``).

    With ``when_loaded`` the rule applies only once the other table has rows (a survey's
    district is checked against the area reference when one is loaded).
    """

    column: str
    table: str
    target: str
    when_loaded: bool = False


@dataclass(frozen=True)
class Table:
    """One input table of the data contract.

    How a new delivery updates the table: a table with a unique column (``key``) is updated
    row by row by that key; a table with a ``group`` column (an involvement's ``crime_ref``) has
    all its rows for each delivered group replaced by the delivered ones; any other table
    (police.uk's monthly files) has the rows of each delivered file name replaced. ``period``
    names the date column that dates a row, for the periods a delivery covers.
    """

    name: str
    title: str
    doc: str
    columns: tuple[Column, ...]
    file_patterns: tuple[str, ...]
    confidential: bool
    rules: tuple[RowRule, ...] = ()
    references: tuple[Reference, ...] = field(default=())
    group: str | None = None
    period: str | None = None

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def required_headers(self) -> tuple[str, ...]:
        """Headers that must be present in every file of this table."""
        return tuple(c.header for c in self.columns if c.required)

    @property
    def key(self) -> Column | None:
        """The unique column, if the table has one."""
        return next((c for c in self.columns if c.unique), None)
