"""The site's further pages (profile, outcomes by half-year, surveys), from public Results.

Each builder takes a public Result (made by :func:`vawg.opensite.open_site_results` through
the family's ``disclose`` function) and returns a :class:`SitePage`; nothing here changes a
number. :func:`profile_tables` is shared with the dashboard's profile page.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.errors import InputError
from vawg.outcomes.mainpoints import outcomes_main_points
from vawg.outcomes.summary import OutcomeSummary
from vawg.profile import ProfileResult
from vawg.report.bulletin import bullet_points
from vawg.report.fmt import half_months
from vawg.report.page import Section, paragraphs
from vawg.report.site.parts import SitePage, chart, kpis_html, nullable
from vawg.report.survey import survey_view
from vawg.survey import SurveyResult

__all__ = ["outcomes_page", "profile_page", "profile_tables", "surveys_page"]

AGE_ORDER = ("under 16", "16-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")


def _long(frame: pl.DataFrame, who: str) -> pl.DataFrame:
    count = next(c for c in frame.columns if c != "band")
    return frame.select(
        pl.lit(who).alias("who"), pl.col("band").cast(pl.String), pl.col(count).alias("people")
    )


def profile_tables(result: ProfileResult) -> dict[str, pl.DataFrame]:
    """The profile's aggregate tables (never the RFGV list), as ``result`` holds them: a
    viewer's come from the public profile (:func:`vawg.profile.public.disclose`)."""
    if result.public and result.rfgv.table.height:
        raise InputError("profile: the public profile still holds the RFGV list; not shown")
    people, harm, volume = result.people, result.harm, result.volume
    repeats = pl.concat(
        [
            _long(people.offender_crimes, "offenders: crimes each"),
            _long(people.victim_crimes, "victims: crimes against each"),
            _long(people.offender_victims, "offenders: victims each"),
        ],
        how="vertical_relaxed",
    )
    return {
        "shares": people.table,
        "by_year": volume.by_financial_year,
        "relationship": people.relationship,
        "offender_age": people.offender_age,
        "victim_age": people.victim_age,
        "repeats": repeats,
        "concentration": harm.concentration,
        "lorenz": harm.lorenz,
        "hour_by_day": result.timing.hour_by_day,
        "by_offence_group": volume.by_offence_group,
    }


def _share_bars(
    page: SitePage, name: str, frame: pl.DataFrame, x: str, title: str, *, horizontal: bool = False
) -> str:
    low = [
        None if e is None or lo is None else e - lo
        for e, lo in zip(frame["estimate"], frame["ci_low"], strict=True)
    ]
    high = [
        None if e is None or hi is None else hi - e
        for e, hi in zip(frame["estimate"], frame["ci_high"], strict=True)
    ]
    error = {"type": "data", "symmetric": False, "array": high, "arrayminus": low}
    bar = (
        go.Bar(y=frame[x].to_list(), x=nullable(frame["estimate"]), orientation="h", error_x=error)
        if horizontal
        else go.Bar(x=frame[x].to_list(), y=nullable(frame["estimate"]), error_y=error)
    )
    fig = go.Figure(bar)
    fig.update_layout(title=title)
    if horizontal:
        fig.update_xaxes(tickformat=".0%")
        fig.update_yaxes(autorange="reversed")
    else:
        fig.update_yaxes(tickformat=".0%")
    return chart(page, name, fig, frame, measure="share", legend=False)


def _require_public(public: bool, what: str) -> None:
    if not public:
        raise InputError(
            f"site: the {what} Result is not the public one; nothing restricted is drawn"
        )


def profile_page(result: ProfileResult) -> SitePage:
    """Who: repeats, harm concentration, relationships and ages (from the public profile)."""
    _require_public(result.public, "profile")
    frames = profile_tables(result)
    page = SitePage(
        "profile",
        "Perpetrators and victims",
        "Repeat offending and victimisation, concentration of harm, relationships and ages.",
    )
    shares = frames["shares"].rename({"share": "estimate", "count": "people"})
    share = {r["measure"]: r["estimate"] for r in shares.iter_rows(named=True)}
    conc = {r["top_pct"]: r["harm_share"] for r in frames["concentration"].iter_rows(named=True)}

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    summary = kpis_html(
        [
            (pct(share.get("repeat perpetrators")), "of perpetrators offended more than once"),
            (pct(share.get("repeat victims")), "of victims were victimised more than once"),
            (pct(conc.get(10)), "of the harm was caused by the most harmful 10% of perpetrators"),
        ]
    )
    page.sections.append(Section("Summary", summary))
    body = _share_bars(
        page,
        "repeat-shares",
        shares,
        "measure",
        "Repeat offending and victimisation (95% CI)",
        horizontal=True,
    )
    conc_frame = (
        frames["concentration"]
        .rename({"harm_share": "estimate"})
        .with_columns(
            ("top " + pl.col("top_pct").cast(pl.String) + "%").alias("perpetrators_group")
        )
    )
    body += _share_bars(
        page,
        "harm-concentration",
        conc_frame.drop("top_pct"),
        "perpetrators_group",
        "Share of harm caused by the most harmful perpetrators (95% CI)",
    )
    body += paragraphs(
        "Harm is measured in Cambridge Crime Harm Index days (the starting-point sentence for each "
        "offence); the most harmful perpetrators are ranked by the harm of their crimes in the period."
    )
    page.sections.append(Section("Repeats and harm", body))
    rel = frames["relationship"].sort("victims", descending=True, nulls_last=True)
    fig = go.Figure(
        go.Bar(x=[r.replace("_", " ") for r in rel["relationship"]], y=nullable(rel["victims"]))
    )
    fig.update_layout(title="Victims by relationship to the perpetrator", yaxis_title="victims")
    body = chart(page, "victims-by-relationship", fig, rel, legend=False)
    ages = pl.concat(
        [
            frames["offender_age"]
            .rename({"offenders": "people"})
            .with_columns(pl.lit("perpetrators").alias("who")),
            frames["victim_age"]
            .rename({"victims": "people"})
            .with_columns(pl.lit("victims").alias("who")),
        ]
    )
    order = {band: i for i, band in enumerate(AGE_ORDER)}
    ages = ages.sort(pl.col("age_band").replace_strict(order, default=len(order)), "who")
    fig = go.Figure()
    for who in ("perpetrators", "victims"):
        part = ages.filter(pl.col("who") == who)
        fig.add_bar(x=part["age_band"].to_list(), y=nullable(part["people"]), name=who)
    fig.update_layout(title="Ages", barmode="group", yaxis_title="people")
    body += chart(page, "ages", fig, ages)
    page.sections.append(Section("Relationships and ages", body))
    return page


def _outcome_points_html(result: OutcomeSummary) -> str:
    """The public outcomes Result's main points as a list: level with its interval, the change
    on a year earlier, and whether that change is statistically clear."""
    items = []
    for point in bullet_points(outcomes_main_points(result)):
        status = f" <b>{html.escape(point.status_text)}.</b>" if point.status_text else ""
        note = f" <span class='note'>{html.escape(point.note)}</span>" if point.note else ""
        items.append(f"<li>{html.escape(point.text)}{status}{note}</li>")
    if not items:
        return ""
    return (
        "<ul>" + "".join(items) + "</ul><p class='note'>Charge and victim-withdrawal rates here "
        "are among outcomes assigned in the half, which need no follow-up, so the two halves "
        "compare fairly. A change that is not statistically clear may still be real; the data "
        "cannot tell it from chance.</p>"
    )


def outcomes_page(result: OutcomeSummary) -> SitePage:
    """What happened next: outcome rates by financial half-year (from the public summary)."""
    _require_public(result.public, "outcomes")
    page = SitePage(
        "outcomes",
        "Outcomes by half-year",
        f"Police outcomes of VAWG crimes by financial half-year, as the data stood on "
        f"{result.as_of:%d %B %Y}.",
    )
    points = _outcome_points_html(result)
    if points:
        page.sections.append(Section("Main points", points))
    rates = result.table.filter(pl.col("dimension") == "all", pl.col("base") == "recorded").sort(
        "half"
    )
    fig = go.Figure()
    names = {
        "charge_rate": "charged or summonsed",
        "victim_not_supporting_rate": "victim does not support action",
        "open_share": "still open",
    }
    for measure, name in names.items():
        part = rates.filter(pl.col("measure") == measure)
        if part.height:
            fig.add_scatter(
                x=[half_months(h) for h in part["half"].to_list()],
                y=nullable(part["estimate"]),
                mode="lines+markers",
                name=name,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": nullable(part["ci_high"] - part["estimate"]),
                    "arrayminus": nullable(part["estimate"] - part["ci_low"]),
                },
            )
    fig.update_layout(
        title=f"Crimes recorded in each half-year: outcome by {result.as_of:%d %b %Y} (95% CI)",
        yaxis_tickformat=".0%",
    )
    columns = ["half", "measure", "numerator", "denominator", "estimate", "ci_low", "ci_high"]
    data = rates.select(columns).with_columns(
        half=pl.col("half").map_elements(half_months, return_dtype=pl.String),
        measure=pl.col("measure").replace_strict(names, default=pl.col("measure")),
    )
    body = chart(page, "outcome-rates-by-half-year", fig, data, measure="share")
    body += paragraphs(
        f"Each half-year's crimes are counted as their outcomes stood on {result.as_of:%d %B %Y} "
        "(the data date). Recent half-years have had less time to reach an outcome, so more of "
        "their crimes are still open and fewer charged so far. The PCC's half-year audit counts "
        "every half at the same follow-up instead, so its charge rates for crimes recorded are "
        "lower than these for the same half-years."
    )
    page.sections.append(Section("Outcome rates", body))
    # Outcomes assigned in the half: no follow-up needed, so the latest half is not flattered
    # or penalised by how long its crimes have had (as the main points).
    district = result.table.filter(
        pl.col("dimension") == "district",
        pl.col("base") == "assigned",
        pl.col("measure") == "charge_rate",
    )
    last = str(district["half"].max()) if district.height else None
    latest = (
        district.filter(pl.col("half") == last)
        .sort("value")
        .select(
            pl.col("value").alias("district"),
            "numerator",
            "denominator",
            "estimate",
            "ci_low",
            "ci_high",
        )
    )
    if latest.height:
        body = _share_bars(
            page,
            "charge-rate-by-district",
            latest,
            "district",
            f"Charge rate by district, outcomes assigned in {half_months(last or '')} (95% CI)",
        )
        hidden = latest.filter(pl.col("estimate").is_null())["district"].to_list()
        if hidden:
            body += paragraphs(
                f"No bar for {', '.join(hidden)}: too few outcomes there to publish the rate "
                "without risking identifying someone. A missing bar is not a rate of zero."
            )
        page.sections.append(Section("By district", body))
    return page


def surveys_page(result: SurveyResult) -> SitePage | None:
    """What people told the PCC: the public survey and victims' satisfaction (None when
    neither survey is loaded)."""
    view = survey_view(result)
    _require_public(view.public, "survey")
    page = SitePage(
        "surveys",
        "Survey results",
        "The PCC's public survey on safety and harassment, and victims' satisfaction.",
    )
    keep = ["indicator", "dimension", "level", "estimate", "ci_low", "ci_high", "n"]
    est = view.estimates
    if est.height:
        labels = {
            "unsafe_night_share": "feel unsafe in town at night",
            "harassment_share": "experienced harassment",
            "not_reported_share": "did not report it",
        }
        overall = est.filter(pl.col("dimension") == "all", pl.col("indicator").is_in(list(labels)))
        overall = overall.select(keep).with_columns(
            pl.col("indicator").replace_strict(labels).alias("label")
        )
        body = _share_bars(
            page,
            "public-survey-headline",
            overall.drop("label").with_columns(overall["label"].alias("indicator")),
            "indicator",
            "Public survey (weighted, 95% CI)",
        )
        night = (
            est.filter(
                pl.col("indicator") == "unsafe_night_share", pl.col("dimension") == "district"
            )
            .select(keep)
            .sort("level")
        )
        body += _share_bars(
            page,
            "unsafe-at-night-by-district",
            night,
            "level",
            "Feel unsafe in town at night, by district (95% CI)",
        )
        page.sections.append(Section("Public survey", body))
    if view.satisfaction is not None and view.satisfaction.height:
        sat = view.satisfaction.filter(pl.col("dimension") == "all").select(
            pl.col("item").str.replace_all("_", " "), "estimate", "ci_low", "ci_high", "n"
        )
        body = _share_bars(page, "victim-satisfaction", sat, "item", "Victims satisfied (95% CI)")
        page.sections.append(Section("Victims' satisfaction", body))
    if not page.sections:
        return None
    about = paragraphs(
        f"Weights: {result.weight_source}. Groups with too few respondents are not shown.",
        *[str(note) for note in result.notes],
    )
    page.sections.append(Section("About the surveys", about))
    return page
