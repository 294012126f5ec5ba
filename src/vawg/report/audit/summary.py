"""The audit report's summary section: the four headline figures and what improved or got
worse (only statistically meaningful changes).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from vawg.outcomes.audit import HEADLINE_MEASURES, AuditResult
from vawg.outcomes.survival import MEDIAN_REPLICATES
from vawg.report.audit._format import STYLE, _bullet, _kpi, followed
from vawg.report.audit.attrition import _headline_table
from vawg.report.page import Section, details_html, paragraphs


def _findings(rows: pl.DataFrame) -> list[list[dict[str, Any]]]:
    """Clear changes grouped by measure and group: whole scope first, then the strongest."""
    grouped: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows.iter_rows(named=True):
        key = (row["base"], row["dimension"], row["value"], row["measure"])
        grouped.setdefault(key, []).append(row)
    base_order = {"recorded": 0, "assigned": 1, "cjs": 2, "victim_survey": 3}
    return sorted(
        grouped.values(),
        key=lambda g: (
            g[0]["dimension"] != "all",
            base_order.get(g[0]["base"], 9),
            min(r["q_value"] for r in g),
        ),
    )


# ----------------------------------------------------------------------------- sections
def _summary(result: AuditResult) -> Section:
    kpis = "".join(_kpi(result, m) for m in HEADLINE_MEASURES)
    changes = result.changes
    good = _findings(changes.filter(pl.col("verdict") == "improved"))
    bad = _findings(changes.filter(pl.col("verdict") == "worse"))

    def chip(kind: str, title: str, findings: list[list[dict[str, Any]]]) -> str:
        shown = findings[:6]
        items = "".join(_bullet(f) for f in shown)
        if len(findings) > len(shown):
            items += f"<li>and {len(findings) - len(shown)} more (see the appendix)</li>"
        if not findings:
            items = "<li>Nothing was statistically clear.</li>"
        return f'<div class="chip {kind}"><h3>{title}</h3><ul>{items}</ul></div>'

    tested = changes.filter(pl.col("p_value").is_not_null()).height
    headline_body, headline_tests = _headline_table(result)
    body = (
        STYLE
        + f'<div class="kpis">{kpis}</div>'
        + headline_body
        + "<h3>Across every group and comparison</h3>"
        + '<div class="chips">'
        + chip("good", f"What improved ({len(good)})", good)
        + chip("bad", f"What got worse ({len(bad)})", bad)
        + "</div>"
        + f'<p class="note">Headline figures are for crimes recorded in each half-year, with '
        f"outcomes as they stood {followed(result.follow_up_days)} (equal follow-up for all "
        f"three halves, data to {result.as_of:%d %B %Y}), so they are lower than the outcomes "
        "report's, which counts every outcome reached by the data date. A change in a group is "
        "called improved or worse only where it stays clear after allowing for the "
        f"{tested} comparisons made (the appendix lists them); everything else is shown as no "
        "clear change, which is not the same as no change.</p>"
        + details_html(
            "Model details",
            headline_tests
            + paragraphs(
                "The four headline comparisons are declared in advance and tested as their own "
                "family with Holm's correction (family-wise level "
                f"{100 * result.fdr:.0f}%); time to outcome by the log-rank test of the whole "
                "curves, with a percentile bootstrap interval for the change in the median "
                f"({MEDIAN_REPLICATES} resamples of the crimes; a change is called clear only "
                "when that interval leaves out no change too). The full grid is judged at a Benjamini–Hochberg false discovery rate "
                f"of {100 * result.fdr:.0f}% across all {tested} comparisons."
            ),
        )
    )
    return Section("Summary", body, anchor="summary")
