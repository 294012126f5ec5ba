"""Assembles the audit report: the HTML page from its sections, the JSON document and the
CSV rows.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from vawg.outcomes.audit import AuditResult
from vawg.outcomes.mainpoints import audit_main_points
from vawg.report import fmt
from vawg.report.audit.agencies import _agencies
from vawg.report.audit.attrition import _all_changes, _attrition
from vawg.report.audit.methods import _methods
from vawg.report.audit.police import _police
from vawg.report.audit.summary import _summary
from vawg.report.audit.survival import _survival
from vawg.report.audit.victims import _victims
from vawg.report.page import Classification, disclosure_rule, render_page


# ----------------------------------------------------------------------------- outputs
def audit_html(result: AuditResult) -> str:
    """The self-contained HTML audit."""
    classification = (
        Classification.public(disclosure_rule(result.params.settings))
        if result.public
        else Classification(
            "OFFICIAL-SENSITIVE",
            "Aggregate figures; every count exact, small ones included. Not for publication.",
        )
    )
    sections = [
        _summary(result),
        _police(result),
        _survival(result),
        _agencies(result),
        _victims(result),
        _attrition(result),
        _all_changes(result),
        _methods(result),
    ]
    return render_page(
        f"Criminal justice outcomes audit: {result.half.title}",
        sections,
        classification=classification,
        subtitle=(
            f"{fmt.period(result.half.start, result.half.end)} against "
            f"{fmt.period(result.previous.start, result.previous.end)} (the half before) and "
            f"{fmt.period(result.year_earlier.start, result.year_earlier.end)} (a year earlier) "
            f"· violence against women and girls scope · data to {result.as_of:%d %B %Y}"
        ),
        main_points=audit_main_points(result),
    )


def audit_json(result: AuditResult) -> str:
    """The same figures as JSON with stable keys (see ``AuditResult.to_dict``)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


RATE_CSV_COLUMNS = [
    "base",
    "half",
    "dimension",
    "value",
    "measure",
    "numerator",
    "denominator",
    "estimate",
    "ci_low",
    "ci_high",
]
"""The columns of every tidy CSV of outcome rates (the audit's and the outcomes report's)."""


def rates_csv_rows(rates: pl.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """A frame of outcome rates as CSV header and rows, in the shared column order."""
    return RATE_CSV_COLUMNS, [list(r) for r in rates.select(RATE_CSV_COLUMNS).iter_rows()]


def audit_csv_rows(result: AuditResult) -> tuple[list[str], list[list[Any]]]:
    """Every rate (both bases, every group) as one tidy CSV."""
    return rates_csv_rows(result.rates)
