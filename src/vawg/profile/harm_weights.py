"""Harm weight tables: the shipped CCHI 2026 group defaults, a table of your own, or the
official Cambridge per-code sheet.

The shipped default (``vawg/datasets/harm_weights.csv``, built by
``scripts/build_harm_weights.py``; provenance in ``vawg/datasets/PROVENANCE.md``) gives each
offence group the **median** Cambridge Crime Harm Index 2026 score (days) of the offences in
the Home Office police-recorded-crime subgroup it belongs to, and the subgroup **mean** beside
it (``mean_days``) for the sensitivity line. ``--harm-weights FILE`` (setting
``harm_weights_file``) replaces it with either

* a table in the same columns (``key_type, key, label, weight_days, status, source``; optional
  ``mean_days``), e.g. a force's own per-code weights, or
* the official CCHI spreadsheet's values sheet saved as CSV ("CCHI 2026 values sheet": columns
  ``HO_CODE``, ``HO_SUB_CODE``, ``CCHI Score``, optionally ``FULL_OFFENCE_TITLE``): each Home
  Office code gets the median score of its rows (several ATHENA offences can share a code; rows
  whose title says EXPIRED are left out), keyed as the data contract writes codes (``HO_CODE``
  followed by a letter ``HO_SUB_CODE``, e.g. ``8N``; ``NNN/NN`` for a numeric sub-code, e.g.
  ``008/66``), and every offence group keeps the shipped weight as the fallback for codes the
  sheet does not list.

``weights_table`` (:func:`describe`) says in words which table was used; every harm output
shows it.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from vawg.datasets import dataset_path
from vawg.errors import InputError
from vawg.schema import OFFENCE_GROUPS

__all__ = [
    "CCHI_SHEET_COLUMNS",
    "DEFAULT_TABLE",
    "HARM_WEIGHT_COLUMNS",
    "describe",
    "describe_plainly",
    "load_cchi_sheet",
    "load_harm_weights",
]

HARM_WEIGHT_COLUMNS = ("key_type", "key", "label", "weight_days", "status", "source")
OPTIONAL_COLUMNS = ("mean_days",)
CCHI_SHEET_COLUMNS = ("HO_CODE", "HO_SUB_CODE", "CCHI Score")
DEFAULT_TABLE = "CCHI 2026 subgroup medians (the standard table)"
SHEET_STATUS = "official (CCHI sheet)"


def _read(source: Path) -> pl.DataFrame:
    if not source.is_file():
        raise InputError(
            f"--harm-weights {source}: no such file; give a CSV with columns "
            f"{','.join(HARM_WEIGHT_COLUMNS)} or the CCHI values sheet saved as CSV"
        )
    try:
        return pl.read_csv(io.BytesIO(source.read_bytes()), infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
        raise InputError(
            f"--harm-weights {source}: not a readable CSV ({error}); fix the file"
        ) from None


def load_harm_weights(path: Path | str | None = None) -> pl.DataFrame:
    """The harm weight table: the shipped default, ``path`` in the same columns, or the
    official CCHI values sheet (recognised by its ``HO_CODE`` and ``CCHI Score`` columns).

    Checks every row: ``key_type`` is ``offence_code`` or ``offence_group``, ``weight_days`` is a
    number of 0 or more, no key appears twice, and every offence group has a weight (the
    fallback for crimes whose code is not listed). Adds ``source_file`` and, when absent,
    ``mean_days`` (null).
    """
    source = Path(path) if path else dataset_path("harm_weights.csv")
    frame = _read(source)
    if all(c in frame.columns for c in CCHI_SHEET_COLUMNS):
        return load_cchi_sheet(source)
    missing = [c for c in HARM_WEIGHT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"--harm-weights {source}: missing column(s) {', '.join(missing)}; the columns are "
            f"{','.join(HARM_WEIGHT_COLUMNS)} (or the CCHI sheet's "
            f"{', '.join(CCHI_SHEET_COLUMNS)})"
        )
    if "mean_days" not in frame.columns:
        frame = frame.with_columns(mean_days=pl.lit(None, dtype=pl.String))
    frame = frame.select(*HARM_WEIGHT_COLUMNS, *OPTIONAL_COLUMNS).with_columns(
        pl.col("key_type", "key", "status").str.strip_chars(),
        weight_days=pl.col("weight_days").str.strip_chars().cast(pl.Float64, strict=False),
        mean_days=pl.col("mean_days").str.strip_chars().cast(pl.Float64, strict=False),
    )
    _check(frame, source)
    return frame.with_columns(source_file=pl.lit(str(source)))


def _check(frame: pl.DataFrame, source: Path) -> None:
    bad_type = frame.filter(~pl.col("key_type").is_in(["offence_code", "offence_group"]))
    if bad_type.height:
        raise InputError(
            f"--harm-weights {source}: key_type {bad_type['key_type'][0]!r} on key "
            f"{bad_type['key'][0]!r}; use offence_code or offence_group"
        )
    bad_weight = frame.filter(pl.col("weight_days").is_null() | (pl.col("weight_days") < 0))
    if bad_weight.height:
        raise InputError(
            f"--harm-weights {source}: key {bad_weight['key'][0]!r} has no usable weight_days; "
            "give a number of days of 0 or more"
        )
    dupes = frame.filter(pl.struct("key_type", "key").is_duplicated())
    if dupes.height:
        raise InputError(
            f"--harm-weights {source}: {dupes['key_type'][0]} {dupes['key'][0]!r} is listed more "
            "than once; keep one row per key"
        )
    groups = set(frame.filter(pl.col("key_type") == "offence_group")["key"].to_list())
    absent = [g for g in OFFENCE_GROUPS if g not in groups]
    if absent:
        raise InputError(
            f"--harm-weights {source}: no weight for offence group(s) {', '.join(absent)}; add an "
            "offence_group row for each (it is the fallback for codes not listed)"
        )
    unknown = sorted(groups - set(OFFENCE_GROUPS))
    if unknown:
        raise InputError(
            f"--harm-weights {source}: unknown offence group(s) {', '.join(unknown)}; use "
            f"{', '.join(OFFENCE_GROUPS)}"
        )


def _code_key(code: str, sub: str) -> str:
    code, sub = code.strip(), sub.strip()
    if not sub:
        return code
    if sub.isdigit():
        return f"{int(code):03d}/{int(sub):02d}" if code.isdigit() else f"{code}/{int(sub):02d}"
    return f"{code}{sub}"


def load_cchi_sheet(path: Path | str) -> pl.DataFrame:
    """Per-code weights from the official CCHI values sheet (saved as CSV), with the shipped
    group weights as the fallback (see the module docstring)."""
    source = Path(path)
    sheet = _read(source)
    missing = [c for c in CCHI_SHEET_COLUMNS if c not in sheet.columns]
    if missing:
        raise InputError(
            f"--harm-weights {source}: the CCHI sheet lacks column(s) {', '.join(missing)}"
        )
    if "FULL_OFFENCE_TITLE" in sheet.columns:
        sheet = sheet.filter(
            ~pl.col("FULL_OFFENCE_TITLE").fill_null("").str.to_uppercase().str.contains("EXPIRED")
        )
    sheet = sheet.with_columns(
        score=pl.col("CCHI Score")
        .str.replace_all(",", "")
        .str.strip_chars()
        .cast(pl.Float64, strict=False),
        key=pl.struct("HO_CODE", "HO_SUB_CODE").map_elements(
            lambda r: _code_key(r["HO_CODE"] or "", r["HO_SUB_CODE"] or ""),
            return_dtype=pl.String,
        ),
    ).filter(pl.col("key") != "")
    unusable = sheet.filter(pl.col("score").is_null() | (pl.col("score") < 0))
    if unusable.height:
        raise InputError(
            f"--harm-weights {source}: code {unusable['key'][0]!r} has no usable CCHI Score; "
            "give a number of days of 0 or more"
        )
    codes = (
        sheet.group_by("key")
        .agg(weight_days=pl.col("score").median(), rows=pl.len())
        .sort("key")
        .select(
            key_type=pl.lit("offence_code"),
            key="key",
            label=pl.format("Home Office code {}", "key"),
            weight_days="weight_days",
            status=pl.lit(SHEET_STATUS),
            source=pl.format(
                "CCHI values sheet {}: median of {} row(s)", pl.lit(source.name), "rows"
            ),
            mean_days=pl.lit(None, dtype=pl.Float64),
        )
    )
    groups = load_harm_weights().drop("source_file").filter(pl.col("key_type") == "offence_group")
    frame = pl.concat([codes, groups.select(codes.columns)])
    _check(frame, source)
    return frame.with_columns(source_file=pl.lit(str(source)))


def describe(weights: pl.DataFrame) -> str:
    """Which table the weights are, in words: the shipped default, the CCHI sheet, or a file."""
    source = str(weights["source_file"][0]) if weights.height else ""
    if source == str(dataset_path("harm_weights.csv")):
        return DEFAULT_TABLE
    if (weights["status"] == SHEET_STATUS).any():
        return f"official CCHI per-code sheet {Path(source).name} (groups: shipped medians)"
    return f"harm weights from {Path(source).name}"


def describe_plainly(description: str) -> str:
    """:func:`describe`'s words for a report's body, without file or table names: what each
    crime is weighted by (the names stay in the methods)."""
    if description == DEFAULT_TABLE:
        return (
            "the Cambridge Crime Harm Index, 2026 values: the typical score of offences of "
            "its kind, in days of custody"
        )
    if description.startswith("official CCHI per-code sheet"):
        return "the Cambridge Crime Harm Index score of its offence, in days of custody"
    return "the force's own harm weights, in days of custody"
