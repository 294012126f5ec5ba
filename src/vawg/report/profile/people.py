"""The profile report's people and harm sections: perpetrators, victims, repeats and
relationships, and the harm their offending causes.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.profile.profile import ProfileResult
from vawg.report.page import Section, table_html
from vawg.report.profile._format import (
    ACCENT,
    GREY,
    PUBLIC_C,
    _bar,
    _ci,
    _label,
    _missing,
    _n,
    _pct,
    figure_html,
    paragraphs_html,
    percent_text,
)
from vawg.schema.labels import LABELS as SCHEMA_LABELS


def _counts(frame: pl.DataFrame, key: str, header: str) -> pl.DataFrame:
    """A bar chart's data table: its categories (age bands with an en dash) and its counts
    with thousands separators."""
    return frame.select(
        pl.col(key).cast(pl.String).str.replace(r"^(\d+)-(\d+)$", "${1}–${2}").alias(header),
        *(
            pl.col(c).map_elements(_n, return_dtype=pl.String)
            for c in frame.columns
            if c != key and frame.schema[c].is_numeric()
        ),
    )


def _people(r: ProfileResult) -> Section:
    pe = r.people
    offender_age = pe.offender_age.rename({"offenders": "perpetrators"})
    offender_crimes = pe.offender_crimes.rename({"offenders": "perpetrators"})
    age_p = _bar(offender_age, "age_band", "perpetrators", "Perpetrators' age at first crime")
    age_v = _bar(
        pe.victim_age, "age_band", "victims", "Victims' age at first crime", colour="#009E73"
    )
    relationship = pe.relationship.with_columns(
        pl.col("relationship").replace(dict(SCHEMA_LABELS["relationship"]))
    )
    rel = _bar(relationship, "relationship", "victims", "Distinct victims by relationship")
    rel.update_xaxes(automargin=True)
    rep_v = _bar(pe.victim_crimes, "band", "victims", "Crimes per victim", colour="#009E73")
    rep_p = _bar(offender_crimes, "band", "perpetrators", "Crimes per perpetrator")
    for fig, x in ((age_p, "age"), (age_v, "age"), (rep_v, "crimes"), (rep_p, "crimes")):
        fig.update_layout(xaxis_title=x)
    links = (
        pe.offender_victims.rename({"offenders": "perpetrators"})
        .join(
            pe.victim_offenders.rename({"victims": "victims with this many perpetrators"}),
            on="band",
            how="full",
            coalesce=True,
        )
        .rename({"perpetrators": "perpetrators with this many victims", "band": "number"})
    )
    body = (
        table_html(
            pe.table,
            caption="Repeats and multiple links (share of distinct people, 95% CI)",
            labels={"ci_low": "95% CI from", "ci_high": "95% CI to", "count": "people"},
            percent=["share", "ci_low", "ci_high"],
        )
        + '<div class="pair">'
        + figure_html(age_p, height=340, data=_counts(offender_age, "age_band", "age"))
        + figure_html(age_v, height=340, data=_counts(pe.victim_age, "age_band", "age"))
        + "</div>"
        + figure_html(rel, height=340, data=_counts(relationship, "relationship", "relationship"))
        + '<div class="pair">'
        + figure_html(rep_v, height=320, data=_counts(pe.victim_crimes, "band", "crimes"))
        + figure_html(rep_p, height=320, data=_counts(offender_crimes, "band", "crimes"))
        + "</div>"
        + table_html(
            links,
            caption="Perpetrators by number of victims, and victims by number of perpetrators",
        )
    )
    return Section("People", body, anchor="people")


def _harm(r: ProfileResult) -> Section:
    h = r.harm
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 1], y=[0, 1], mode="lines", name="equal harm", line={"dash": "dot", "color": GREY}
    )
    if h.lorenz.height:
        fig.add_scatter(
            x=h.lorenz["population_share"].to_list(),
            y=h.lorenz["harm_share"].to_list(),
            mode="lines",
            name="perpetrators' share of harm",
            line={"color": ACCENT, "width": 3},
            fill="tonexty",
            fillcolor="rgba(91,42,134,0.08)",
        )
    top = h.harm_share_top_10pct
    if not _missing(top.estimate):
        # The top 10%'s share is the gap above the curve at 90%: drawn as that gap, so the
        # label does not sit on the curve's own value (1 - share).
        fig.add_scatter(
            x=[0.9, 0.9],
            y=[1 - top.estimate, 1],
            mode="lines+markers",
            marker={"color": PUBLIC_C, "size": 8},
            line={"color": PUBLIC_C, "width": 3},
            name=f"most harmful 10%: {_pct(top.estimate)} of harm",
        )
        fig.add_annotation(
            x=0.9,
            y=1 - top.estimate / 2,
            text=f"most harmful 10%:<br>{_pct(top.estimate)} of harm",
            showarrow=False,
            xanchor="right",
            xshift=-8,
            font={"color": PUBLIC_C},
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.update_layout(
        title="How concentrated the harm is: perpetrators from least to most harmful",
        xaxis_title="share of perpetrators, least to most harmful",
        xaxis_title_standoff=4,
        yaxis_title="share of harm",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        legend={"orientation": "h", "y": -0.2},
    )
    conc = h.concentration.with_columns(
        pl.col("top_pct").cast(pl.String) + "%",
        pl.col("perpetrators").round(0).cast(pl.Int64, strict=False),
    ).rename({"top_pct": "most harmful", "perpetrators": "perpetrators (about)"})
    bars = go.Figure(
        go.Bar(
            x=[f"top {p}%" for p in h.concentration["top_pct"]],
            y=h.concentration["harm_share"].to_list(),
            marker_color=ACCENT,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (h.concentration["ci_high"] - h.concentration["harm_share"]).to_list(),
                "arrayminus": (h.concentration["harm_share"] - h.concentration["ci_low"]).to_list(),
                "color": GREY,
            },
        )
    )
    bars.update_layout(title="Harm share of the most harmful (95% CI)", yaxis_tickformat=".0%")
    by_group = _label(h.by_offence_group).sort("harm_days", nulls_last=True)
    hg = go.Figure(
        go.Bar(
            y=by_group["offence_group"].to_list(),
            x=by_group["harm_days"].to_list(),
            orientation="h",
            marker_color=ACCENT,
        )
    )
    hg.update_layout(title="Harm (days of custody) by offence group", xaxis_title="harm days")
    hg.update_xaxes(nticks=4, tickformat="~s")  # 0, 1M, 2M: tick labels that do not collide
    gini = h.gini
    body = (
        '<div class="pair wide-left">'
        + figure_html(
            fig,
            height=420,
            data=h.lorenz.select(
                percent_text("population_share", "least harmful perpetrators (%)"),
                percent_text("harm_share", "their share of the harm (%)"),
            ),
        )
        + figure_html(
            bars,
            height=420,
            data=h.concentration.select(
                ("top " + pl.col("top_pct").cast(pl.String) + "%").alias("most harmful"),
                percent_text("harm_share", "share of harm (%)"),
                percent_text("ci_low", "95% CI from"),
                percent_text("ci_high", "95% CI to"),
            ),
        )
        + "</div>"
        + paragraphs_html(
            f"How unequally harm is spread across {_n(h.perpetrators)} perpetrators, from 0% "
            f"(all cause the same harm) to 100% (one causes it all): "
            f"{_pct(gini.estimate, 1)} ({_ci(gini, lambda x: _pct(x, 1))}). For comparison, the "
            "Kent and Medway Police and Crime Panel's minutes on the VAWG inquiry record that "
            "Kent's own 2017–22 profile, also with the Cambridge Crime Harm Index, found that "
            "10% of perpetrators caused 63% of the harm."
        )
        + table_html(
            conc,
            caption="Harm concentration (95% CI)",
            labels={"harm_share": "share of harm", "ci_low": "95% CI from", "ci_high": "95% CI to"},
            percent=[c for c in ("harm_share", "ci_low", "ci_high") if c in conc.columns],
        )
        + figure_html(
            hg,
            height=340,
            data=by_group.select("offence_group", pl.col("harm_days").round(0)),
        )
        + table_html(
            _label(h.by_offence_group),
            caption="Harm by offence group",
            labels={"harm_days": "harm (days)", "harm_share": "share of harm"},
            percent=["harm_share"] if "harm_share" in h.by_offence_group.columns else [],
        )
    )
    return Section("Harm", body, anchor="harm")
