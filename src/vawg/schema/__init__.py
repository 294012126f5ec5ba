"""The data contract as code: every input table declared once as columns and row rules."""

from vawg.schema.contract import (
    AGE_BANDS,
    LOCATION_TYPES,
    OFFENCE_GROUPS,
    RELATIONSHIPS,
    ROLES,
    TABLES,
    table,
)
from vawg.schema.docs import contract_markdown
from vawg.schema.types import Column, ColumnType, Reference, RowRule, Table

__all__ = [
    "AGE_BANDS",
    "LOCATION_TYPES",
    "OFFENCE_GROUPS",
    "RELATIONSHIPS",
    "ROLES",
    "TABLES",
    "Column",
    "ColumnType",
    "Reference",
    "RowRule",
    "Table",
    "contract_markdown",
    "table",
]
