"""The audit report's criminal justice agencies section (CPS and courts)."""

from __future__ import annotations

import polars as pl

from vawg.outcomes.audit import MEASURE_LABELS, AuditResult
from vawg.report.audit._format import (
    SHORT_GROUPS,
    _change,
    fmt_ci,
    fmt_value,
    half_months,
)
from vawg.report.fmt import p_value as fmt_p
from vawg.report.page import Section, details_html, table_html
from vawg.schema.labels import label

COMPARISONS = {"previous": "the half before", "year_earlier": "a year earlier"}
_LABELS = {
    "half": "half-year",
    "numerator": "count",
    "denominator": "out of",
    "ci": "95% CI",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
    "stage": "stage",
    "result": "result",
    "value": "agency",
}


def _agencies(result: AuditResult) -> Section:
    if result.agencies is None:
        return Section(
            "Criminal justice agencies",
            (
                '<p class="warning">No criminal justice events are loaded, so only the police stage '
                "can be audited. Loading the criminal justice events (each crime's CPS charging "
                "decision, first hearing, trial and verdict, with their dates and results) adds "
                "them.</p>"
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
        .sort("agency", "measure", "half")
        .with_columns(half=pl.col("half").map_elements(half_months, return_dtype=pl.String))
        .select("agency", "measure", "half", "numerator", "denominator", "rate", "ci")
    )
    words = result.changes.filter(pl.col("base") == "cjs").with_columns(
        measure=pl.col("measure").replace_strict(MEASURE_LABELS, default=pl.col("measure")),
        comparison=pl.col("comparison").replace_strict(COMPARISONS, default=pl.col("comparison")),
        from_half=pl.col("from_half").map_elements(half_months, return_dtype=pl.String),
    )
    verdicts = words.with_columns(
        change=pl.struct("measure", "difference", "ci_low", "ci_high").map_elements(
            lambda s: _change({**s, "measure": "rate"}), return_dtype=pl.String
        ),
    ).select("value", "measure", "comparison", "from_half", "change", "verdict")
    tests = words.with_columns(
        pl.col("p_value").map_elements(fmt_p, return_dtype=pl.String),
        pl.col("q_value").map_elements(
            lambda q: fmt_p(q).replace("p", "q", 1), return_dtype=pl.String
        ),
    ).select("value", "measure", "comparison", "from_half", "p_value", "q_value")
    counts = (
        ag.counts.with_columns(
            stage=pl.col("stage").map_elements(
                lambda v: label(v, "cjs_stage"), return_dtype=pl.String
            ),
            result=pl.col("result").map_elements(label, return_dtype=pl.String),
            half=pl.col("half").map_elements(half_months, return_dtype=pl.String),
        )
        .pivot(on="half", index=["agency", "stage", "result"], values="count")
        .sort("agency", "stage")
    )
    timely = ag.timeliness.sort("stage", "half").with_columns(
        stage=pl.col("stage").map_elements(lambda v: label(v, "cjs_stage"), return_dtype=pl.String),
        half=pl.col("half").map_elements(half_months, return_dtype=pl.String),
    )
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
                table_html(rates, caption="Rates (95% CI)", labels=_LABELS)
                + table_html(
                    verdicts,
                    caption="Changes against earlier halves",
                    labels={**_LABELS, "value": "agency", "from_half": "compared with"},
                    wide=["change"],
                )
                + details_html(
                    "Model details",
                    table_html(
                        tests,
                        caption=(
                            "p-values, and q-values after the Benjamini–Hochberg adjustment "
                            "across the whole audit grid"
                        ),
                        labels={
                            "value": "agency",
                            "from_half": "compared with",
                            "p_value": "p-value",
                            "q_value": "q-value",
                        },
                    ),
                ),
            ),
            Section("CPS and courts: every event by result", table_html(counts, labels=_LABELS)),
            Section(
                "Timeliness",
                table_html(
                    timely,
                    caption=(
                        "Median days from recording to the first hearing / verdict in each half "
                        "(95% CI)"
                    ),
                    labels={**_LABELS, "n": "events", "median_days": "median days"},
                ),
            ),
        ),
    )
