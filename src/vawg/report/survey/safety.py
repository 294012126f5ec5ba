"""The survey report's sections on feeling safe in town centres, harassment and reporting,
and why people did not report."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.report.page import Section, details_html, figure_html, table_html
from vawg.report.survey._format import (
    _ACCENT,
    _GREY,
    SHARE_LABELS,
    SHARE_PERCENT,
    _dot_plot,
    _labels,
    _part,
    _shares_table,
    wrapped,
)
from vawg.report.survey.view import SurveyView, count_text
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
        "Feel unsafe in the town centre at night, by district",
        public=view.public,
    )
    body += _shares_table(
        diff.sort("estimate", descending=True),
        "How many more feel unsafe at night than by day (percentage points; the same people "
        "asked about both), by district",
        public=view.public,
        points=True,
    )
    subs = []
    for dim, title in (("age_band", "By age band"), ("sex", "By sex")):
        rows = pl.concat(
            [_part(est, "indicator", i, dim) for i in ("unsafe_night_share", "unsafe_day_share")],
            how="vertical",
        )
        if rows.is_empty():
            continue
        table = rows.with_columns(
            pl.Series("group", _labels(rows), dtype=pl.String),
            pl.col("indicator").replace(
                {"unsafe_night_share": "at night", "unsafe_day_share": "by day"}
            ),
        ).select(
            pl.col("indicator").alias("when"),
            "group",
            *[pl.col(c) for c in SHARE_PERCENT],
            pl.col("n"),
            *([] if view.public else [pl.col("n_effective").round(0), pl.col("small_base")]),
        )
        subs.append(Section(title, table_html(table, labels=SHARE_LABELS, percent=SHARE_PERCENT)))
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
        parts.append(
            _shares_table(h, f"Experienced harassment or crime, by {title}", public=view.public)
        )
        parts.append(
            _shares_table(
                r,
                f"Did not report it (of those who experienced harassment or crime), by {title}",
                public=view.public,
            )
        )
    return Section("Harassment and reporting", "".join(parts))


REASON_LABEL_WIDTH = 22
"""Characters a theme's label runs to before it wraps: every theme in two lines at most (at
18, "would not be believed or taken seriously" took three, and three lines ran into the next
bar's label), still narrow enough to leave a phone most of its width for the bars."""

_LINE_PX = 16  # a label line at the chart's 12 px font, with its leading


def _reasons_figure(shown: pl.DataFrame) -> tuple[go.Figure, int]:
    """The bars of the themes (largest at the top) and the chart's height: each bar's slot is
    tall enough for its label's lines and a gap, so no label meets the next."""
    labels = [wrapped(t, REASON_LABEL_WIDTH) for t in shown["theme"].to_list()]
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    fig = go.Figure(
        go.Bar(
            x=[None if v is None else 100 * v for v in shown["share"].to_list()][::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=_ACCENT,
            name="% of reasons",
        )
    )
    fig.update_layout(title="Share of reasons mentioning each theme", xaxis_title="%")
    fig.update_yaxes(automargin=True)
    slot = max(40, _LINE_PX * lines + 16)
    return fig, 120 + slot * shown.height


def _reasons(result: SurveyResult, view: SurveyView) -> Section:
    if result.themes is None or view.themes.is_empty():
        return Section("Why people did not report", "<p>No reasons were given.</p>")
    t = view.themes
    shown = t.filter(pl.col("respondents").is_null() | (pl.col("respondents") > 0))
    none = t.filter(pl.col("respondents") == 0)["theme"].to_list()
    fig, height = _reasons_figure(shown)
    themes = result.themes
    reasons, unclassified, several = themes.reasons, themes.unclassified, themes.several
    text = (
        f"{count_text(reasons) if reasons is not None else 'A few'} people gave a reason for "
        "not reporting"
    )
    if unclassified == 0:
        text += "; every reason mentioned at least one theme"
    elif unclassified is not None:
        text += f"; {count_text(unclassified)} mentioned none of the themes"
    if several == 0:
        text += ". No reason mentioned more than one theme, so the shares add to 100%."
    else:
        several_text = count_text(several) if several is not None else "a few"
        text += (
            f". A reason can mention several themes ({several_text} did), so the shares add "
            "to more than 100%."
        )
    if none:
        text += f" No reason mentioned {' or '.join(f'“{n}”' for n in none)}."
    body = f"<p>{html.escape(text)}</p>"
    data = shown.select("theme", pl.col("share") * 100).rename({"share": "% of reasons"})
    body += figure_html(
        fig,
        height=height,
        data=data.with_columns(pl.col("% of reasons").round(1)),
    )
    body += table_html(
        t.select("theme", "respondents", "share", "weighted_share", "ci_low", "ci_high"),
        caption="Reasons for not reporting, by theme",
        labels={
            "respondents": "people",
            "share": "% of reasons",
            "weighted_share": "weighted %",
            "ci_low": "95% CI from",
            "ci_high": "95% CI to",
        },
        percent=["share", "weighted_share", "ci_low", "ci_high"],
    )
    body += details_html(
        "The words that mark each theme",
        table_html(
            t.select("theme", "keywords"),
            labels={"keywords": "a reason mentions the theme when it contains"},
        ),
    )
    if not view.public and not view.examples.is_empty():
        body += (
            '<p class="warning">Quotes below are restricted: free text can identify '
            "people. They never appear in public output.</p>"
        )
        body += table_html(view.examples.select("theme", "quote"), caption="Example reasons")
    return Section("Why people did not report", body)
