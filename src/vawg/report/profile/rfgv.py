"""The profile report's priority-perpetrators (RFGV) section and its timing section."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from vawg.profile.profile import ProfileResult
from vawg.profile.rfgv import RfgvResult
from vawg.report.page import Section, table_html
from vawg.report.profile._format import _bar, _n, _pct, figure_html, paragraphs_html


def _num(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def _bands(edges: Sequence[float], *, recent: bool, whole: bool) -> list[str]:
    """Each score's range in words, from 5 down to 1. ``recent``: fewer days scores higher
    (recency); otherwise more scores higher. ``whole``: the measure is a whole number."""
    a, b, c, d = edges
    if recent:  # days <= a: 5, <= b: 4, <= c: 3, <= d: 2, else 1
        return [
            f"{_num(a)} or fewer",
            *[f"{_num(lo + 1)} to {_num(hi)}" for lo, hi in ((a, b), (b, c), (c, d))],
            f"more than {_num(d)}",
        ]

    def between(lo: float, hi: float) -> str:  # lo <= x < hi
        if whole:
            if hi - lo <= 2:
                return _num(lo) if hi - lo <= 1 else f"{_num(lo)} or {_num(lo + 1)}"
            return f"{_num(lo)} to {_num(hi - 1)}"
        return f"{_num(lo)} to under {_num(hi)}"

    return [
        f"{_num(d)} or more",
        *[between(lo, hi) for lo, hi in ((c, d), (b, c), (a, b))],
        f"fewer than {_num(a)}" if whole else f"under {_num(a)}",
    ]


def _bands_table(bands: pl.DataFrame) -> pl.DataFrame:
    """The scoring bands as a reader's table: each score's range of each measure."""
    edges = {
        row["factor"]: [float(e) for e in row["edges"].split(", ")]
        for row in bands.iter_rows(named=True)
    }
    words = {
        "days since last recorded": _bands(edges["recency"], recent=True, whole=True),
        "crimes": _bands(edges["frequency"], recent=False, whole=True),
        "harm (days of custody)": _bands(edges["gravity"], recent=False, whole=False),
        "victims": _bands(edges["victims"], recent=False, whole=True),
    }
    return pl.DataFrame({"score": ["5", "4", "3", "2", "1"], **words})


def _rule_sentence(rf: RfgvResult) -> str:
    """How a man comes to be on the list, in a sentence."""
    start, end = rf.window
    weights = dict(zip(rf.bands["factor"], rf.bands["weight"], strict=True))
    equal = len(set(weights.values())) == 1
    total = (
        "adds the four scores up"
        if equal and next(iter(weights.values())) == 1
        else "adds the four scores up, weighted "
        + ", ".join(f"{_num(w)} × {f}" for f, w in weights.items())
    )
    return (
        f"Each man recorded as a suspect or offender in a VAWG crime from {start.day} {start:%b %Y} to "
        f"{end.day} {end:%b %Y} gets four scores from 1 to 5: how recently he was last recorded (R), "
        "how many crimes he was recorded for (F), how much harm they did, by the typical "
        "sentence for each (G, for gravity), and how many women and girls he harmed (V). The "
        f"table below gives each score's range. His priority score {total}, and the men with "
        "the highest scores are listed first; equal scores are ordered by harm, then by how "
        "recently, then by number of crimes. Forces keep their own scoring of this kind; every "
        "range and weight here can be changed."
    )


def _rfgv(r: ProfileResult) -> Section:
    rf = r.rfgv
    dist = rf.score_distribution.sort("score")
    fig = _bar(
        dist.with_columns(pl.col("score").map_elements(lambda x: f"{x:g}", return_dtype=pl.String)),
        "score",
        "perpetrators",
        "Perpetrators by priority score (RFGV)",
    )
    # every other score labelled, upright: seventeen labels turn on their side on a phone
    fig.update_xaxes(tickangle=0, dtick=2, title="priority score")
    scored = f" {_n(rf.perpetrators_scored)} men were scored." if rf.perpetrators_scored else ""
    body = (
        paragraphs_html(_rule_sentence(rf) + scored)
        + table_html(_bands_table(rf.bands), caption="The range of each score")
        + figure_html(
            fig,
            height=320,
            data=dist.select(pl.col("score").alias("priority score"), "perpetrators"),
        )
    )
    if r.public:
        body += (
            '<div class="note">The ranked list of individual perpetrators is in the analyst '
            "(restricted) version only.</div>"
        )
    else:
        body += (
            '<div class="warning"><b>Restricted.</b> Person-level list: for tasking by '
            "authorised analysts only. A score ranks recorded crime; it is not a risk "
            "assessment and must be read with the intelligence picture.</div>"
            + table_html(
                rf.table, caption=f"Top {rf.table.height} perpetrators by RFGV score", max_rows=200
            )
        )
    return Section("Priority perpetrators (RFGV)", body, anchor="rfgv")


def _timing(r: ProfileResult) -> Section:
    t = r.timing
    grid = t.hour_by_day
    days = grid["day"].unique(maintain_order=True).to_list()
    z = [
        [grid.filter((pl.col("day") == d) & (pl.col("hour") == h))["crimes"][0] for h in range(24)]
        for d in days
    ]
    heat = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{h:02d}" for h in range(24)],
            y=days,
            colorscale="Purples",
            hoverongaps=False,
            # the scale across the top, not at the side where it takes a phone's width
            colorbar={
                "title": {"text": "crimes", "side": "top"},
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "len": 0.6,
                "thickness": 10,
            },
        )
    )
    heat.update_layout(
        title="When crimes were committed: hour of day by day of week",
        xaxis_title="hour of the day it happened (or began)",
        yaxis={"autorange": "reversed"},
        # every third hour labelled, so the labels do not run together on a phone
        xaxis={"tickvals": [f"{h:02d}" for h in range(0, 24, 3)]},
        margin={"t": 70},
    )
    months = _bar(t.by_month_of_year, "month_name", "crimes", "By month of the year")
    note = (
        f"{_pct(t.midnight_share, 1)} of crimes have a committed time of exactly 00:00, which "
        "some systems use when the time is unknown; treat the midnight column with care."
    )
    body = (
        figure_html(heat, height=360, data=grid.select("day", "hour", "crimes"))
        + paragraphs_html(note)
        + figure_html(
            months,
            height=300,
            data=t.by_month_of_year.select(pl.col("month_name").alias("month"), "crimes"),
        )
    )
    return Section("Timing", body, anchor="timing")
