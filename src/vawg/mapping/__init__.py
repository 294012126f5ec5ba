"""Mapping files: load a force's own export — its column names, codes and values — unchanged.

No records system exports the data contract's names and enums. A mapping file (TOML, one per
records system) says how the export's columns, values, offence codes and dates become the
contract's; :func:`translate` applies it to the source files (CSV or ``.xlsx``), and
:func:`load_translation` loads the result through the ordinary ingest, so every guarantee holds
and every quarantine record names the source file, line, column and value. :func:`check` does
the same into a throwaway database, so an analyst sees every unmapped value before loading;
:func:`draft` writes a first mapping from a file's headers and values.
"""

from vawg.mapping.check import Finding, check
from vawg.mapping.draft import draft
from vawg.mapping.load import MappedLoad, SourceLoad, load_translation, staging_folder
from vawg.mapping.sources import SourceTable, read_source
from vawg.mapping.spec import Mapping, load_mapping
from vawg.mapping.translate import Translation, translate, workbook_mapping

__all__ = [
    "Finding",
    "MappedLoad",
    "Mapping",
    "SourceLoad",
    "SourceTable",
    "Translation",
    "check",
    "draft",
    "load_mapping",
    "load_translation",
    "read_source",
    "staging_folder",
    "translate",
    "workbook_mapping",
]
