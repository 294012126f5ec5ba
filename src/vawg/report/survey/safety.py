"""The survey report's sections on feeling safe in town centres, harassment and reporting,
and why people did not report."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.report.page import Section, figure_html, table_html
from vawg.report.survey._format import _ACCENT, _GREY, _dot_plot, _part, _shares_table
from vawg.report.survey.view import SurveyView
from vawg.survey import SurveyResult


def _safety(view: SurveyView) -> Section:
    est = view.estimates
    night = _part(est, "indicator", "unsafe_night_share", "district").sort("estimate")
    day = _part(est, "indicator", "unsafe_day_share", "district")
    order = night["level"].to_list()
    day = day.sort(
        pl.col("level").replace_strict({v: i for i, v in enumerate(order)}, default=len(order))
    )
    chart = _dot_plot(
        [("at night", night, _ACCENT), ("by day", day, _GREY)],
        "Feel unsafe in the town centre, by district (95% CI)",
    )
    diff = _part(est, "indicator", "unsafe_night_minus_day", "district")
    body = chart + _shares_table(
        night.sort("estimate", descending=True),
        "Feel unsafe at night (score 1-2 of 5), by district",
    )
    body += _shares_table(
        diff.sort("estimate", descending=True),
        "Unsafe at night minus unsafe by day, same respondents (paired), by district",
    )
    subs = []
    for dim, title in (("age_band", "By age band"), ("sex", "By sex")):
        rows = pl.concat(
            [_part(est, "indicator", i, dim) for i in ("unsafe_night_share", "unsafe_day_share")],
            how="vertical",
        )
        if rows.is_empty():
            continue
        table = rows.select(
            pl.col("indicator")
            .replace({"unsafe_night_share": "at night", "unsafe_day_share": "by day"})
            .alias("when"),
            pl.col("level").alias("group"),
            *[
                (pl.col(c) * 100).round(1).alias(f"{c} %")
                for c in ("estimate", "ci_low", "ci_high")
            ],
            "n",
            pl.col("n_effective").round(0).alias("effective n"),
            "small_base",
        )
        subs.append(Section(title, table_html(table)))
    return Section("Feeling safe in town centres", body, subsections=tuple(subs))


def _harassment(view: SurveyView) -> Section:
    est = view.estimates
    parts = []
    for dim, title in (("age_band", "age band"), ("sex", "sex"), ("district", "district")):
        h = _part(est, "indicator", "harassment_share", dim)
        r = _part(est, "indicator", "not_reported_share", dim)
        if dim == "age_band":
            parts.append(
                _dot_plot(
                    [
                        ("experienced harassment or crime", h, _ACCENT),
                        ("did not report it (of those)", r, _GREY),
                    ],
                    f"Harassment and non-reporting by {title} (95% CI)",
                )
            )
        parts.append(_shares_table(h, f"Experienced harassment or crime, by {title}"))
        parts.append(
            _shares_table(
                r, f"Did not report it (base: those who experienced it and answered), by {title}"
            )
        )
    return Section("Harassment and reporting", "".join(parts))


def _reasons(result: SurveyResult, view: SurveyView) -> Section:
    if result.themes is None or view.themes.is_empty():
        return Section("Why people did not report", "<p>No reasons were given.</p>")
    t = view.themes
    fig = go.Figure(
        go.Bar(
            x=[None if v is None else 100 * v for v in t["share"].to_list()][::-1],
            y=t["theme"].to_list()[::-1],
            orientation="h",
            marker_color=_ACCENT,
        )
    )
    fig.update_layout(title="Share of reasons mentioning each theme", xaxis_title="%")
    reasons: int | None = result.themes.reasons
    unclassified: int | None = result.themes.unclassified
    body = (
        f"<p>{reasons if reasons is not None else 'Few'} people gave a reason for not "
        f"reporting; {unclassified if unclassified is not None else 'few'} matched no theme. "
        "A reason can mention several themes, so the shares can add to more than 100%.</p>"
    )
    body += figure_html(fig, height=120 + 30 * t.height)
    body += table_html(
        t.select(
            "theme",
            "respondents",
            (pl.col("share") * 100).round(1).alias("share %"),
            (pl.col("weighted_share") * 100).round(1).alias("weighted %"),
            (pl.col("ci_low") * 100).round(1).alias("ci low %"),
            (pl.col("ci_high") * 100).round(1).alias("ci high %"),
            "keywords",
        ),
        caption="Themes (keyword dictionary)",
    )
    if not view.public and not view.examples.is_empty():
        body += (
            '<p class="warning">Quotes below are restricted: free text can identify '
            "people. They never appear in public output.</p>"
        )
        body += table_html(view.examples.select("theme", "quote"), caption="Example reasons")
    return Section("Why people did not report", body)
