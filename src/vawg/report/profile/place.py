"""The profile report's place section: offences at home and in public."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.profile.place import PlaceResult
from vawg.profile.profile import ProfileResult
from vawg.report.page import Section, table_html
from vawg.report.profile._format import (
    HOME_C,
    PUBLIC_C,
    UNKNOWN_C,
    _ci,
    _forest,
    _kpi,
    _label,
    _missing,
    _n,
    _ratio,
    figure_html,
    ratio_text,
)
from vawg.schema.labels import LABELS as SCHEMA_LABELS

_RATIO_LABELS = {
    "ratio": "home crimes per public crime",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
}


def _placement(p: PlaceResult) -> str:
    """How the crimes were placed in LSOAs (analyst output only)."""
    if p.placement is None:
        return ""
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in p.placement.notes())
    return f'<div class="callout"><b>Placing crimes in districts.</b><ul>{notes}</ul></div>'


def _place(r: ProfileResult) -> Section:
    p = r.place
    by_district = p.by_district.sort("crimes", descending=True, nulls_last=True)
    stacked = go.Figure()
    for column, colour, name in (
        ("home", HOME_C, "home (dwelling)"),
        ("public", PUBLIC_C, "public"),
        ("unknown", UNKNOWN_C, "location unknown"),
    ):
        stacked.add_bar(
            x=by_district["district"].to_list(),
            y=by_district[column].to_list(),
            name=name,
            marker_color=colour,
        )
    stacked.update_layout(
        title="Home and public crimes by district",
        barmode="stack",
        legend={"orientation": "h", "y": -0.25},
    )
    forest = _forest(
        pl.concat(
            [
                pl.DataFrame(
                    {
                        "group": ["All"],
                        "ratio": [p.home_public_ratio.estimate],
                        "ci_low": [p.home_public_ratio.ci_low],
                        "ci_high": [p.home_public_ratio.ci_high],
                    }
                ),
                _label(p.by_offence_group).select(
                    pl.col("offence_group").alias("group"), "ratio", "ci_low", "ci_high"
                ),
            ],
            how="vertical_relaxed",
        ),
        "Home / public ratio by offence group (95% CI, log scale)",
    )
    ratio = p.home_public_ratio
    body = (
        '<div class="kpis">'
        + _kpi(_n(p.home_crimes), "crimes at home (dwelling)")
        + _kpi(_n(p.public_crimes), "crimes in public places")
        + _kpi(_n(p.unknown_location_crimes), "location not recorded (left out of the ratio)")
        + _kpi(
            "–" if _missing(ratio.estimate) else f"{_ratio(ratio.estimate)} times",
            "as many crimes at home as in public places",
            _ci(ratio, _ratio),
        )
        + "</div>"
        + _placement(p)
        + figure_html(
            stacked,
            height=400,
            data=by_district.select(
                "district",
                pl.col("home").alias("home (dwelling)"),
                "public",
                pl.col("unknown").alias("location unknown"),
            ),
        )
        + forest
        + table_html(
            ratio_text(
                by_district.select(
                    "district", "home", "public", "unknown", "crimes", "ratio", "ci_low", "ci_high"
                )
            ),
            caption="Home and public by district, with the home/public ratio (95% CI)",
            labels=_RATIO_LABELS,
        )
        + table_html(
            ratio_text(
                _label(p.by_offence_group).select(
                    "offence_group",
                    "home",
                    "public",
                    "unknown",
                    "crimes",
                    "ratio",
                    "ci_low",
                    "ci_high",
                )
            ),
            caption="Home and public by offence group (a dash in the ratio: no public "
            "crimes, or a count not shown)",
            labels=_RATIO_LABELS,
        )
        + table_html(
            p.by_location_type.with_columns(
                pl.col(c).replace(dict(SCHEMA_LABELS[family]))
                for c, family in (("location_type", "location_type"), ("place", "place"))
                if c in p.by_location_type.columns
            ),
            caption="Every recorded type of place",
            labels={"location_type": "type of place", "place": "counted as"},
        )
    )
    return Section("Place: home and public", body, anchor="place")
