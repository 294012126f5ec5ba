"""The open-data release of the profile: :class:`OpenDataResult` → data dictionary, HTML
page and the files written by :func:`write_open_data`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.profile.opendata import OpenDataResult
from vawg.report.page import (
    Classification,
    Section,
    disclosure_rule,
    render_page,
    table_html,
    write_html,
)
from vawg.report.pdf import html_to_pdf
from vawg.report.profile._format import (
    ACCENT,
    GREY,
    PUBLIC_C,
    _esc,
    _kpi,
    _n,
    _pct,
    _ul,
    figure_html,
    paragraphs_html,
)
from vawg.results import to_jsonable
from vawg.safe_csv import write_csv

# ------------------------------------------------------------------------------------------
# Open-data mode (police.uk street-level files)
# ------------------------------------------------------------------------------------------


def open_data_dict(result: OpenDataResult) -> dict[str, Any]:
    """The open-data JSON: the profile's headline keys (null where police.uk cannot say), then
    what it can say."""
    first, last = result.months or (None, None)
    unavailable = {
        key: None
        for key in (
            "crimes_in_scope",
            "distinct_offenders",
            "distinct_victims",
            "home_crimes",
            "public_crimes",
            "unknown_location_crimes",
            "repeat_victims",
            "repeat_offenders",
            "repeat_victim_share",
            "repeat_offender_share",
            "harm_share_top_10pct",
        )
    }
    return {
        "params": {**to_jsonable(result.params), "mode": "open_data", "public": result.public},
        **unavailable,
        "home_public_ratio": None,
        "by_offence_group": None,
        "by_financial_year": None,
        "excluded_by_rule": None,
        "not_possible": list(result.not_possible),
        "months": {
            "first": to_jsonable(first),
            "last": to_jsonable(last),
            "loaded": result.months_loaded,
            "missing": to_jsonable(list(result.missing_months)),
            "flagged_by_feed_check": to_jsonable(list(result.flagged_months)),
        },
        "placement": (
            None
            if result.placement is None
            else {k: v for k, v in to_jsonable(result.placement).items() if k != "params"}
        ),
        "rows": result.rows,
        "violence_and_sexual_offences": result.vso_crimes,
        "no_location": result.no_location,
        "outside_area": result.outside_area,
        "by_month": to_jsonable(result.by_month),
        "by_crime_type": to_jsonable(result.by_crime_type),
        "by_district": to_jsonable(result.by_district),
        "by_lsoa_top": to_jsonable(result.by_lsoa),
        "lsoa_concentration": to_jsonable(result.lsoa_concentration),
        "outcomes": to_jsonable(result.outcomes),
        "location_kinds": to_jsonable(result.location_kinds),
    }


def open_data_html(result: OpenDataResult) -> str:
    """The open-data profile as one self-contained page."""
    classification = (
        Classification.public(disclosure_rule(result.params.settings))
        if result.public
        else Classification("OFFICIAL", "Open data from police.uk; no person-level data.")
    )
    return render_page(
        "VAWG profile: open-data mode",
        open_data_sections(result),
        classification=classification,
        subtitle=f"police.uk street-level crime, {_span(result)}",
    )


def open_data_sections(result: OpenDataResult) -> list[Section]:
    """The open-data profile's sections (summary, volume, place and outcomes, methods), for
    its own page and for the open site built from open data alone."""
    span = _span(result)
    months = result.by_month
    fig = go.Figure()
    fig.add_bar(
        x=months["month"].to_list(),
        y=months["vso"].to_list(),
        name="violence and sexual offences",
        marker_color=ACCENT,
        meta={"measure": "count"},
    )
    fig.add_scatter(
        x=months["month"].to_list(),
        y=months["all_crimes"].to_list(),
        name="all crimes (excl. ASB)",
        mode="lines+markers",
        line={"color": GREY},
        meta={"measure": "count"},
    )
    fig.update_layout(
        title="Recorded crimes by month (police.uk)", legend={"orientation": "h", "y": -0.2}
    )
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    rate = "vso_per_1000_residents_per_year"
    district = result.by_district.filter(pl.col(rate).is_not_null()).sort(rate)
    rates = go.Figure(
        go.Bar(
            y=district["district"].to_list(),
            x=district[rate].to_list(),
            orientation="h",
            marker_color=ACCENT,
            meta={"measure": "rate"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (district["ci_high"] - district[rate]).to_list(),
                "arrayminus": (district[rate] - district["ci_low"]).to_list(),
                "color": GREY,
            },
        )
    )
    rates.update_layout(
        title="Violence and sexual offences per 1,000 residents a year (all victims; 95% CI)"
    )
    conc = result.lsoa_concentration
    outcomes = result.outcomes.head(12).sort("vso", nulls_last=False)
    out_fig = go.Figure(
        go.Bar(
            y=outcomes["last_outcome_category"].to_list(),
            x=outcomes["vso"].to_list(),
            orientation="h",
            marker_color=PUBLIC_C,
            meta={"measure": "count"},
        )
    )
    out_fig.update_layout(title="Last outcome category (snapshot)")
    kinds = result.location_kinds.filter(
        ~pl.col("kind").is_in(["a street or other named place", "no location"])
    ).sort("vso", nulls_last=False)
    kind_fig = go.Figure(
        go.Bar(
            y=kinds["kind"].to_list(),
            x=kinds["vso"].to_list(),
            orientation="h",
            marker_color="#2a9d8f",
            meta={"measure": "count"},
        )
    )
    kind_fig.update_layout(title="Snap points that name a kind of place")
    top10 = conc.filter(pl.col("top_pct") == 10)
    share10 = top10["vso_share"][0] if top10.height else None
    summary = (
        '<div class="kpis">'
        + _kpi(_n(result.vso_crimes), f"violence and sexual offences, {span}")
        + _kpi(_pct(share10), "of them in the 10% of LSOAs with most")
        + _kpi(_n(result.rows), "police.uk rows read")
        + "</div>"
        + _period_warnings(result)
        + '<div class="warning"><b>Open-data mode.</b> No force extract is loaded, so this is '
        "not a VAWG perpetrator profile: police.uk's broad 'Violence and sexual offences' "
        "category includes violence against men and by women, and the data has no people. "
        "What cannot be said from these files is listed below.</div>"
        + '<div class="callout"><b>Not possible from police.uk data</b>'
        + _ul(_esc(x) for x in result.not_possible)
        + "</div>"
    )
    detail = (
        figure_html(fig, height=340)
        + figure_html(rates, height=max(280, 26 * district.height + 80))
        + table_html(
            result.by_district,
            caption="By district: violence and sexual offences per 1,000 residents a year",
            labels={
                rate: "per 1,000 residents a year",
                "residents": "mid-2015 population",
            },
        )
        + _placement(result)
    )
    place = (
        table_html(conc, caption="Concentration: share of VSO in the LSOAs with most")
        + table_html(result.by_lsoa, caption=f"The {result.by_lsoa.height} LSOAs with most VSO")
        + '<div class="pair">'
        + figure_html(kind_fig, height=420)
        + figure_html(out_fig, height=420)
        + "</div>"
        + table_html(result.outcomes, caption="Last outcome category of VSO crimes")
        + table_html(
            result.by_crime_type, caption="All crime types (anti-social behaviour excluded)"
        )
    )
    methods = paragraphs_html(
        result.params.method + ".",
        "Snap points: police.uk moves each crime to the nearest of a set of anonymised points "
        "(a street, or a kind of place such as 'Nightclub'); counts by kind of place are a "
        "rough signal of the night-time economy, not where crimes happened.",
        "Rates are per 1,000 residents (men and women: police.uk gives no victim sex, so a "
        "female denominator would not match the count) a year, over the months actually "
        "loaded; residents are the mid-2015 LSOA populations of each district (IoD2019). They "
        "are context, not VAWG rates. Exact Poisson (Garwood 1936) intervals.",
        "Months: every month from the first to the last file loaded is checked. Missing months "
        "are named and left out of the rates; the months present go through the same feed "
        "anomaly check as a force extract (sequential leave-one-out median test), which flags "
        "months far from the rest, such as a records-system change.",
        "Places: each row is placed in an LSOA by its LSOA code, else by its coordinates "
        "inside the LSOA boundaries; the code wins when both are given.",
        "Source: " + result.params.citation + ".",
    )
    if result.public:
        methods += paragraphs_html(
            "Disclosure control: " + " ".join(disclosure_rule(result.params.settings)["method"])
        )
    return [
        Section("Summary", summary, anchor="summary"),
        Section("Volume", detail, anchor="volume"),
        Section("Place and outcomes", place, anchor="place"),
        Section("Methods", methods, anchor="methods"),
    ]


def _span(result: OpenDataResult) -> str:
    """The months loaded in words, naming any missing month."""
    first, last = result.months or (None, None)
    if not (first and last):
        return "no months loaded"
    span = f"{first:%B %Y} to {last:%B %Y}"
    if result.missing_months:
        total = result.months_loaded + len(result.missing_months)
        missing = ", ".join(f"{m:%B %Y}" for m in result.missing_months)
        span += f" ({result.months_loaded} of {total} months: {missing} missing)"
    return span


def _period_warnings(result: OpenDataResult) -> str:
    """Missing months and months the feed check flags, where a reader looks first."""
    out = ""
    if result.missing_months:
        missing = ", ".join(f"{m:%B %Y}" for m in result.missing_months)
        out += (
            f'<div class="warning"><b>Not one continuous period.</b> No police.uk rows are '
            f"loaded for {_esc(missing)}: the figures cover {result.months_loaded} months, and "
            "rates are per year of those months only. Load the missing months' files to "
            "close the gap.</div>"
        )
    if result.flagged_months:
        flagged = ", ".join(f"{m:%B %Y}" for m in result.flagged_months)
        out += (
            f'<div class="warning"><b>The feed check flags {_esc(flagged)}</b>: counts far from '
            "the other months, in every crime type at once, which points to the records or the "
            "publication (a change of records system, say), not to crime. "
            "They are included in the totals and rates.</div>"
        )
    return out


def _placement(result: OpenDataResult) -> str:
    if result.placement is None:
        return ""
    return (
        '<div class="callout"><b>Placing rows in districts.</b>'
        + _ul(_esc(n) for n in result.placement.notes())
        + "</div>"
    )


def write_open_data(
    result: OpenDataResult,
    out: Path,
    formats: Sequence[str] = ("html", "json", "csv"),
) -> list[Path]:
    """Write the open-data report files into ``out`` (a folder, or a file for one format)."""
    suffix = "public" if result.public else "analyst"
    single = len(formats) == 1 and out.suffix.lower() in (".html", ".json", ".csv", ".pdf")
    folder = out.parent if single else out
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out if single else folder / f"profile-open-data-{suffix}.{fmt}"
        if fmt == "html":
            written += write_html(path, open_data_html(result))[1:]
        elif fmt == "pdf":
            html_to_pdf(open_data_html(result), path)
        elif fmt == "json":
            path.write_text(
                json.dumps(open_data_dict(result), indent=2, allow_nan=False), encoding="utf-8"
            )
        else:
            rows = []
            for name, frame in (
                ("by_month", result.by_month),
                ("by_district", result.by_district),
                ("by_lsoa_top", result.by_lsoa),
                ("lsoa_concentration", result.lsoa_concentration),
                ("outcomes", result.outcomes),
                ("location_kinds", result.location_kinds),
                ("by_crime_type", result.by_crime_type),
            ):
                keys = [c for c in frame.columns if frame[c].dtype in (pl.String, pl.Date)]
                for row in frame.iter_rows(named=True):
                    key = " | ".join(str(row[k]) for k in keys)
                    rows += [
                        (name, key, c, to_jsonable(row[c])) for c in frame.columns if c not in keys
                    ]
            write_csv(path, ("table", "row", "column", "value"), rows)
        written.append(path)
    return written
