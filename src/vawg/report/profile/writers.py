"""Assembles the profile report: the HTML page from its sections, the JSON document, the
tidy CSV rows, and :func:`write_profile` which writes them to disk.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from vawg.profile.mainpoints import profile_main_points
from vawg.profile.profile import ProfileResult
from vawg.report.fmt import period
from vawg.report.page import Classification, disclosure_rule, render_page, write_html
from vawg.report.pdf import html_to_pdf
from vawg.report.profile.methods import _methods, _scope
from vawg.report.profile.people import _harm, _people
from vawg.report.profile.place import _place
from vawg.report.profile.rfgv import _rfgv, _timing
from vawg.report.profile.summary import _summary
from vawg.report.profile.volume import _volume
from vawg.results import to_jsonable
from vawg.safe_csv import write_csv


def profile_html(result: ProfileResult) -> str:
    """The whole profile as one self-contained HTML page."""
    start, end = result.period
    classification = (
        Classification.public(disclosure_rule(result.params.settings))
        if result.public
        else Classification.restricted()
    )
    sections = [
        _summary(result),
        _volume(result),
        _place(result),
        _people(result),
        _harm(result),
        _rfgv(result),
        _timing(result),
        _scope(result),
        _methods(result),
    ]
    return render_page(
        "VAWG perpetrator problem profile",
        sections,
        classification=classification,
        subtitle=(
            f"Crimes recorded {period(start, end)} · male perpetrators aged 18+, "
            "women and girls harmed · " + ("public version" if result.public else "analyst version")
        ),
        main_points=profile_main_points(result),
    )


def profile_json(result: ProfileResult) -> str:
    """The JSON document (``ProfileResult.to_dict``), indented."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False)


def _tables(result: ProfileResult) -> list[tuple[str, pl.DataFrame]]:
    v, p, pe, h, t = result.volume, result.place, result.people, result.harm, result.timing
    out = [
        ("headline", result.table),
        ("excluded_by_rule", result.exclusions),
        ("by_financial_year", v.by_financial_year),
        ("by_month", v.by_month),
        ("by_district", v.by_district),
        ("by_offence_group", v.by_offence_group),
        ("by_domestic_abuse", v.by_domestic_abuse),
        ("place_by_district", p.by_district),
        ("place_by_offence_group", p.by_offence_group),
        ("place_by_location_type", p.by_location_type),
        ("people_shares", pe.table),
        ("offender_age", pe.offender_age),
        ("victim_age", pe.victim_age),
        ("relationship", pe.relationship),
        ("victim_crimes", pe.victim_crimes),
        ("offender_crimes", pe.offender_crimes),
        ("offender_victims", pe.offender_victims),
        ("victim_offenders", pe.victim_offenders),
        ("harm_concentration", h.concentration),
        ("harm_by_offence_group", h.by_offence_group),
        ("harm_lorenz", h.lorenz),
        ("rfgv_score_distribution", result.rfgv.score_distribution),
        ("timing_hour_by_day", t.hour_by_day),
        ("timing_by_month_of_year", t.by_month_of_year),
    ]
    return out


def profile_csv_rows(result: ProfileResult) -> list[tuple[str, str, str, Any]]:
    """Every table as long rows: (table, row key, column, value). No person-level rows."""
    rows: list[tuple[str, str, str, Any]] = []
    for name, frame in _tables(result):
        keys = [c for c in frame.columns if frame[c].dtype in (pl.String, pl.Date, pl.Boolean)]
        values = [c for c in frame.columns if c not in keys]
        for row in frame.iter_rows(named=True):
            key = " | ".join(str(row[k]) for k in keys) if keys else ""
            for column in values:
                value = row[column]
                rows.append((name, key, column, to_jsonable(value)))
    return rows


def write_profile(
    result: ProfileResult, out: Path, formats: Sequence[str] = ("html", "json", "csv")
) -> list[Path]:
    """Write the report files (``out`` is a folder, or a file path when one format is asked)."""
    suffix = "public" if result.public else "restricted"
    single = len(formats) == 1 and out.suffix.lower() in (".html", ".json", ".csv", ".pdf")
    folder = out.parent if single else out
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        path = out if single else folder / f"profile-{suffix}.{fmt}"
        if fmt == "html":
            written += write_html(path, profile_html(result))[1:]
        elif fmt == "pdf":
            html_to_pdf(profile_html(result), path)
        elif fmt == "json":
            path.write_text(profile_json(result), encoding="utf-8")
        elif fmt == "csv":
            write_csv(path, ("table", "row", "column", "value"), profile_csv_rows(result))
            if not result.public and not single:
                people_path = folder / "profile-restricted-rfgv.csv"
                frame = result.rfgv.table
                write_csv(people_path, frame.columns, frame.rows())
                written.append(people_path)
        written.append(path)
    return written
