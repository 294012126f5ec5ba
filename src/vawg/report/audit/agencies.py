"""The audit report's criminal justice agencies section (CPS and courts)."""

from __future__ import annotations

import polars as pl

from vawg.outcomes.audit import MEASURE_LABELS, AuditResult
from vawg.report.audit._format import SHORT_GROUPS, fmt_ci, fmt_value
from vawg.report.page import Section, table_html


def _agencies(result: AuditResult) -> Section:
    if result.agencies is None:
        return Section(
            "Criminal justice agencies",
            (
                '<p class="warning">No criminal justice events are loaded, so only the police stage '
                "can be audited. Load <code>cjs_events.csv</code> (crime_ref, stage, date, result) to "
                "add CPS charging decisions, first hearings, trials and verdicts.</p>"
            ),
        )
    ag = result.agencies
    rates = (
        ag.table.with_columns(
            measure=pl.col("measure").replace_strict(MEASURE_LABELS),
            rate=pl.struct("estimate").map_elements(
                lambda s: fmt_value("r", s["estimate"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", ""),
                return_dtype=pl.String,
            ),
        )
        .select("agency", "measure", "half", "numerator", "denominator", "rate", "ci")
        .sort("agency", "measure", "half")
    )
    verdicts = (
        result.changes.filter(pl.col("base") == "cjs")
        .select("value", "measure", "comparison", "from_half", "verdict", "q_value")
        .with_columns(measure=pl.col("measure").replace_strict(MEASURE_LABELS))
    )
    counts = ag.counts.pivot(on="half", index=["agency", "stage", "result"], values="count").sort(
        "agency", "stage"
    )
    timely = ag.timeliness.sort("stage", "half")
    police = result.counts.filter((pl.col("base") == "assigned") & (pl.col("dimension") == "all"))
    police = police.with_columns(group=pl.col("group").replace_strict(SHORT_GROUPS)).pivot(
        on="half", index="group", values="count"
    )
    return Section(
        "Criminal justice agencies",
        (
            "<p>Activity by the date it happened: each agency's work in the half, whenever the crime "
            "was recorded.</p>"
        ),
        subsections=(
            Section(
                "Police: outcomes assigned",
                table_html(police, caption="Outcomes assigned by the police, by half"),
            ),
            Section(
                "CPS and courts: rates",
                table_html(rates, caption="Rates with 95% Wilson intervals")
                + table_html(verdicts, caption="Changes (BH-adjusted q-values)"),
            ),
            Section("CPS and courts: every event by result", table_html(counts)),
            Section(
                "Timeliness",
                table_html(
                    timely,
                    caption=(
                        "Median days from recording to the first hearing / verdict in each half (95% CI, "
                        "binomial order statistics)"
                    ),
                ),
            ),
        ),
    )
