"""The site's further pages (profile, outcomes by half-year, surveys), from public Results.

Each builder takes a public Result (made by :func:`vawg.opensite.open_site_results` through
the family's ``disclose`` function) and returns a :class:`SitePage`; nothing here changes a
number. :func:`profile_tables` is shared with the dashboard's profile page.
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.errors import InputError
from vawg.outcomes.mainpoints import outcomes_main_points
from vawg.outcomes.summary import OutcomeSummary
from vawg.profile import ProfileResult
from vawg.profile.mainpoints import harm_caveat, profile_main_points
from vawg.report import fmt
from vawg.report.audit._format import placement_sentence
from vawg.report.bulletin import bullet_points
from vawg.report.fmt import half_months
from vawg.report.page import Section, half_axis, paragraphs
from vawg.report.site.parts import (
    CLEAR_NOTE,
    SitePage,
    chart,
    count_text,
    kpis_html,
    main_points_section,
    nullable,
)
from vawg.report.survey import survey_view
from vawg.report.survey._format import _significant
from vawg.report.survey.summary import PUBLIC_SURVEY_WHEN
from vawg.report.survey.view import SurveyView
from vawg.schema.labels import label
from vawg.survey import SurveyResult
from vawg.survey.mainpoints import survey_main_points
from vawg.survey.satisfaction import ITEMS

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
    page: SitePage,
    name: str,
    frame: pl.DataFrame,
    x: str,
    title: str,
    *,
    horizontal: bool = False,
    table: pl.DataFrame | None = None,
    reference: tuple[float, str] | None = None,
    wrap: int | None = None,
) -> str:
    """Shares as bars with their intervals; ``wrap``: break the bars' labels into lines of
    about that many characters (long labels under narrow bars squeeze a phone's plot)."""
    labels = frame[x].to_list()
    if wrap:
        labels = [
            "<br>".join(textwrap.wrap(str(v), wrap, break_long_words=False)) or v for v in labels
        ]
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
        go.Bar(y=labels, x=nullable(frame["estimate"]), orientation="h", error_x=error)
        if horizontal
        else go.Bar(x=labels, y=nullable(frame["estimate"]), error_y=error)
    )
    fig = go.Figure(bar)
    fig.update_layout(title=title)
    if horizontal:
        fig.update_xaxes(tickformat=".0%")
        fig.update_yaxes(autorange="reversed")
    else:
        tops = [v for v in frame["ci_high"].to_list() if v is not None]
        fig.update_yaxes(tickformat=".0%", range=[0, min(1.0, 1.08 * max(tops))] if tops else None)
    if reference is not None:
        value, where = reference
        fig.add_hline(
            y=value,
            line_dash="dot",
            line_color="#555555",
            annotation_text=f"{where} {value:.0%}",
            annotation_position="top right",
        )
    return chart(page, name, fig, frame, measure="share", legend=False, table=table)


def _require_public(public: bool, what: str) -> None:
    if not public:
        raise InputError(
            f"site: the {what} Result is not the public one; nothing restricted is drawn"
        )


_SHARE_WORDS = {
    "repeat victims": "victims harmed in two or more crimes",
    "repeat perpetrators": "suspects or offenders in two or more crimes",
    "perpetrators with several victims": "suspects or offenders with several victims",
    "victims with several perpetrators": "victims with several suspects or offenders",
}
"""The profile's shares in words; a perpetrator here is a suspect or an offender."""


def _percent_table(
    frame: pl.DataFrame,
    lead: dict[str, str],
    tail: dict[str, str] | None = None,
    *,
    rate: str = "%",
) -> pl.DataFrame:
    """A share chart's data table for readers: the ``lead`` columns (renamed to words), the
    share and its interval as percentages (the share headed ``rate``), then ``tail``."""
    headers = {"estimate": rate, "ci_low": "95% CI from", "ci_high": "95% CI to"}
    return frame.select(
        *[pl.col(c).alias(h) for c, h in lead.items()],
        *[
            (pl.col(c) * 100).map_elements(lambda v: f"{v:.1f}", return_dtype=pl.String).alias(h)
            for c, h in headers.items()
        ],
        *[pl.col(c).alias(h) for c, h in (tail or {}).items()],
    )


def _relationship_note(rel: pl.DataFrame, victims: float | None) -> str:
    """Why the relationship bars add up to more than the victims: a victim counts under every
    relationship recorded in her crimes."""
    total = float(rel["victims"].drop_nulls().sum())
    text = (
        "A victim is counted under every relationship recorded in her crimes: one recorded as "
        "a partner in one crime and an ex-partner in another counts under both"
    )
    if victims is not None and total > victims:
        return (
            f"{text}, so these bars add up to {count_text(total)}, more than the "
            f"{count_text(victims)} different victims."
        )
    return text + "."


def _ages_note(offender_bands: list[str]) -> str:
    """Why the suspects or offenders have no bar in the youngest bands (the scope counts them
    only from its minimum age, so those bands are not zeros but out of scope); empty when they
    have every band."""
    if not offender_bands or offender_bands[0] == "under 16":
        return ""
    youngest = offender_bands[0].split("-")[0].rstrip("+")
    # an age is known for every one counted (it is how they are in scope): no "unknown" bar
    bands = "the younger age bands" + ("" if "unknown" in offender_bands else " and “unknown”")
    return (
        f"Suspects or offenders are counted only from age {youngest}: the figures cover crimes "
        f"with a male suspect or offender aged {youngest} or over, so {bands} have victims "
        "only."
    )


def profile_page(result: ProfileResult) -> SitePage:
    """Who: repeats, harm concentration, relationships and ages (from the public profile)."""
    _require_public(result.public, "profile")
    frames = profile_tables(result)
    when = fmt.period(*result.period)
    page = SitePage(
        "profile",
        "Perpetrators and victims",
        "Repeat offending and victimisation, concentration of harm, relationships and ages, "
        f"{when}. Perpetrators are the male suspects or offenders recorded for each crime.",
    )
    page.sections.append(
        main_points_section(
            profile_main_points(result),
            note=CLEAR_NOTE,
        )
    )
    shares = (
        frames["shares"]
        .rename({"share": "estimate", "count": "people"})
        .with_columns(pl.col("measure").replace(_SHARE_WORDS))
    )
    share = {r["measure"]: r for r in shares.iter_rows(named=True)}
    conc = {r["top_pct"]: r for r in frames["concentration"].iter_rows(named=True)}

    def tile(row: dict[str, Any] | None, label: str) -> tuple[str, str, str]:
        if row is None or row["estimate"] is None:
            return ("–", label, "")
        return (fmt.pct(row["estimate"]), label, fmt.pct_interval(row["ci_low"], row["ci_high"]))

    top = conc.get(10)
    summary = kpis_html(
        [
            tile(
                share.get(_SHARE_WORDS["repeat perpetrators"]),
                f"of suspects or offenders were recorded for two or more crimes, {when}",
            ),
            tile(
                share.get(_SHARE_WORDS["repeat victims"]),
                f"of victims were harmed in two or more crimes, {when}",
            ),
            tile(
                None if top is None else {**top, "estimate": top["harm_share"]},
                f"of the harm was caused by the most harmful 10% of suspects or offenders, {when}",
            ),
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
        table=_percent_table(shares, {"measure": "measure"}),
        wrap=18,
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
        "Share of harm caused by the most harmful suspects or offenders (95% CI)",
        table=_percent_table(conc_frame, {"perpetrators_group": "most harmful"}),
    )
    body += paragraphs(
        harm_caveat(result.harm)
        + " Suspects or offenders are ranked by the harm of their crimes in the period.",
    )
    page.sections.append(Section("Repeats and harm", body))
    rel = frames["relationship"].sort("victims", descending=True, nulls_last=True)
    words = [label(r, "relationship") for r in rel["relationship"]]
    fig = go.Figure(go.Bar(x=words, y=nullable(rel["victims"])))
    fig.update_layout(
        title="Victims by their relationship to the suspect or offender", yaxis_title="victims"
    )
    fig.update_xaxes(automargin=True)
    body = chart(
        page,
        "victims-by-relationship",
        fig,
        rel,
        legend=False,
        table=rel.with_columns(pl.Series("relationship", words, dtype=pl.String)).rename(
            {"victim_crimes": "crimes against them"}, strict=False
        ),
    )
    body += paragraphs(_relationship_note(rel, result.distinct_victims))
    ages = pl.concat(
        [
            frames["offender_age"]
            .rename({"offenders": "people"})
            .with_columns(pl.lit("suspects or offenders").alias("who")),
            frames["victim_age"]
            .rename({"victims": "people"})
            .with_columns(pl.lit("victims").alias("who")),
        ]
    )
    order = {band: i for i, band in enumerate(AGE_ORDER)}
    ages = ages.sort(pl.col("age_band").replace_strict(order, default=len(order)), "who")
    # bands written with an en dash, as a bulletin writes a range ("18–24", not "18-24")
    ages = ages.with_columns(pl.col("age_band").str.replace("-", "–", literal=True))
    fig = go.Figure()
    for who in ("suspects or offenders", "victims"):
        part = ages.filter(pl.col("who") == who)
        fig.add_bar(x=part["age_band"].to_list(), y=nullable(part["people"]), name=who)
    bands = list(dict.fromkeys(ages["age_band"].to_list()))
    fig.update_layout(
        title=f"Ages at their first crime in {when}", barmode="group", yaxis_title="people"
    )
    fig.update_xaxes(categoryorder="array", categoryarray=bands)
    body += chart(page, "ages", fig, ages)
    note = _ages_note(frames["offender_age"]["age_band"].to_list())
    if note:
        body += paragraphs(note)
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
        "<ul>" + "".join(items) + "</ul><p class='note'>The charge and victim-withdrawal rates "
        "here are shares of the outcomes the police gave in the half-year, whenever the crime "
        "was recorded: they need no follow-up time, so the two half-years compare fairly. The "
        "first chart below is on the same basis. A change that is not statistically clear may "
        "still be real; the data cannot tell it from chance.</p>"
    )


_OUTCOME_COUNTS = {
    "half": "half-year",
    "measure": "outcome",
    "numerator": "crimes with this outcome",
    "denominator": "crimes",
}
"""The outcome rates' data table headers in words."""


def _half_year_chart(
    page: SitePage,
    name: str,
    rows: pl.DataFrame,
    names: dict[str, str],
    title: str,
    counts: dict[str, str],
) -> str:
    """Outcome shares by half-year, one line per measure in ``names`` (those ``rows`` hold),
    with their 95% intervals, the data table and the CSV."""
    rows = rows.filter(pl.col("measure").is_in(list(names))).sort("half")
    fig = go.Figure()
    for measure, label_ in names.items():
        part = rows.filter(pl.col("measure") == measure)
        if part.height:
            fig.add_scatter(
                x=[half_months(h) for h in part["half"].to_list()],
                y=nullable(part["estimate"]),
                mode="lines+markers",
                name=label_,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": nullable(part["ci_high"] - part["estimate"]),
                    "arrayminus": nullable(part["estimate"] - part["ci_low"]),
                },
            )
    fig.update_layout(
        title=title,
        yaxis_tickformat=".0%",
        xaxis=half_axis([half_months(h) for h in rows["half"].unique(maintain_order=True)]),
    )
    fig.update_yaxes(rangemode="tozero")  # a share's axis starts at 0%
    columns = ["half", "measure", "numerator", "denominator", "estimate", "ci_low", "ci_high"]
    data = rows.select(columns).with_columns(
        half=pl.col("half").map_elements(half_months, return_dtype=pl.String),
        measure=pl.col("measure").replace_strict(names, default=pl.col("measure")),
    )
    return chart(
        page, name, fig, data, measure="share", table=_percent_table(data, counts, rate="rate (%)")
    )


def outcomes_page(result: OutcomeSummary) -> SitePage:
    """What happened next: outcome rates by financial half-year (from the public summary)."""
    _require_public(result.public, "outcomes")
    page = SitePage(
        "outcomes",
        "Outcomes by half-year",
        "Police outcomes of VAWG crimes recorded "
        + (
            f"in {fmt.period(result.halves[0].start, result.halves[-1].end)}, "
            if result.halves
            else ""
        )
        + f"as the data stood on {result.as_of.day} {result.as_of:%B %Y}. This page runs to "
        "the latest complete half-year, past the period of the other pages: outcomes take "
        "time, and the PCC's audit reports the latest half.",
    )
    if result.halves:  # its Methods gives the page's own period, of recorded crimes
        page.period = (result.halves[0].start, result.halves[-1].end)
        page.period_counted = "recorded"
    points = _outcome_points_html(result)
    if points:
        page.sections.append(Section("Main points", points))
    names = {
        "charge_rate": "charged or summonsed",
        "victim_not_supporting_rate": "victim does not support action",
        "open_share": "still open",
    }
    # First on the main points' basis (outcomes given in each half: no follow-up needed), then
    # the crimes recorded in each half with the outcome each has reached by the data date.
    given = _half_year_chart(
        page,
        "outcomes-given-by-half-year",
        result.table.filter(pl.col("dimension") == "all", pl.col("base") == "assigned"),
        names,
        "Police outcomes given in each half-year: share of each kind (95% CI)",
        {**_OUTCOME_COUNTS, "numerator": "outcomes of this kind", "denominator": "outcomes"},
    )
    given += paragraphs(
        "Each half-year's outcomes are those the police gave in it, whenever the crime was "
        "recorded: the basis of the main points above. They need no follow-up time, so the "
        "latest half-year compares fairly with earlier ones."
    )
    body = _half_year_chart(
        page,
        "outcome-rates-by-half-year",
        result.table.filter(pl.col("dimension") == "all", pl.col("base") == "recorded"),
        names,
        f"Crimes recorded in each half-year: outcome by {result.as_of.day} {result.as_of:%b %Y} (95% CI)",
        _OUTCOME_COUNTS,
    )
    body += paragraphs(
        "This chart follows the crimes recorded in each half-year instead, not the outcomes "
        f"given in it, so its rates differ from those in the main points. Each half-year's crimes are "
        f"counted as their outcomes stood on {result.as_of.day} {result.as_of:%B %Y} (the data date). Recent "
        "half-years have had less time to reach an outcome, so more of their crimes are still "
        "open and fewer charged so far. The PCC's half-year audit counts every half at the same "
        "follow-up instead, so its charge rates for crimes recorded are lower than these for "
        "the same half-years."
    )
    page.sections.append(Section("Outcomes given", given))
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
        .with_columns(pl.col("value").replace({"unknown": "district not known"}))
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
            table=_percent_table(
                latest,
                {
                    "district": "district",
                    "numerator": "charged or summonsed",
                    "denominator": "outcomes",
                },
                rate="charge rate (%)",
            ),
        )
        # paragraphs() escapes; the sentence is plain text
        body += paragraphs(html.unescape(placement_sentence(result.placement)))
        hidden = latest.filter(pl.col("estimate").is_null())["district"].to_list()
        if hidden:
            body += paragraphs(
                f"No bar for {', '.join(hidden)}: too few outcomes there to publish the rate "
                "without risking identifying someone. A missing bar is not a rate of zero."
            )
        page.sections.append(Section("By district", body))
    return page


_SURVEY_MEASURES = {
    "unsafe_night_share": "feel unsafe in the town centre at night",
    "unsafe_day_share": "feel unsafe in the town centre by day",
    "harassment_share": "experienced harassment or crime in the last year",
}
"""The public survey's measures whose base is every respondent (drawn side by side)."""


def _survey_table(frame: pl.DataFrame, first: str, header: str | None = None) -> pl.DataFrame:
    """A survey chart's data table for readers: percentages with their interval."""
    return _percent_table(frame, {first: header or first}, {"n": "respondents"})


def _survey_points(result: SurveyResult, view: SurveyView) -> Section:
    """The surveys' main points: the public survey's headline shares with their intervals and
    what is clear, the districts clearly different from the rest of Kent, and who answered
    when."""
    more, fewer = (_significant(view, "unsafe_night_share", s) for s in (1, -1))
    extra = []
    if more or fewer:
        extra.append(
            "Feeling unsafe at night is clearly higher than in the rest of Kent in "
            f"{', '.join(more) or 'no district'}, and clearly lower in "
            f"{', '.join(fewer) or 'no district'}; other districts are not clearly different."
        )
    if result.public is not None:
        extra.append(
            f"The public survey had {count_text(result.public.n)} answers, weighted to Kent's "
            f"population by district, sex and age; {PUBLIC_SURVEY_WHEN}."
        )
    if result.satisfaction is not None:
        sat = result.satisfaction
        when = f" ({fmt.period(*sat.surveyed)})" if sat.surveyed else ""
        extra.append(
            f"{count_text(sat.responses)} victims answered the satisfaction survey{when}; "
            "their answers are not weighted."
        )
    return main_points_section(survey_main_points(result), *extra, note=CLEAR_NOTE)


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
        overall = (
            est.filter(
                pl.col("dimension") == "all", pl.col("indicator").is_in(list(_SURVEY_MEASURES))
            )
            .select(keep)
            .with_columns(pl.col("indicator").replace_strict(_SURVEY_MEASURES).alias("measure"))
            .sort(
                pl.col("indicator").replace_strict({k: i for i, k in enumerate(_SURVEY_MEASURES)})
            )
        )
        body = _share_bars(
            page,
            "public-survey-headline",
            overall.drop("indicator", "dimension", "level"),
            "measure",
            "Public survey: share of all people asked (weighted, 95% CI)",
            table=_survey_table(overall, "measure"),
            wrap=14,
        )
        notrep = est.filter(
            pl.col("dimension") == "all", pl.col("indicator") == "not_reported_share"
        ).to_dicts()
        if notrep and notrep[0]["estimate"] is not None:
            r = notrep[0]
            body += paragraphs(
                f"Of the people who experienced harassment or crime, {fmt.pct(r['estimate'])} "
                f"did not report it ({fmt.pct_interval(r['ci_low'], r['ci_high'])})."
            )
        night = (
            est.filter(
                pl.col("indicator") == "unsafe_night_share", pl.col("dimension") == "district"
            )
            .select(keep)
            .sort("estimate", descending=True, nulls_last=True)
            .rename({"level": "district"})
        )
        kent = overall.filter(pl.col("indicator") == "unsafe_night_share")["estimate"].to_list()
        body += _share_bars(
            page,
            "unsafe-at-night-by-district",
            night.drop("indicator", "dimension"),
            "district",
            "Feel unsafe in the town centre at night, by district (95% CI)",
            table=_survey_table(night, "district"),
            reference=(kent[0], "Kent") if kent and kent[0] is not None else None,
        )
        page.sections.append(Section("Public survey", body))
    if view.satisfaction is not None and view.satisfaction.height:
        sat = view.satisfaction.filter(pl.col("dimension") == "all").select(
            pl.col("item").replace(ITEMS), "estimate", "ci_low", "ci_high", "n"
        )
        body = _share_bars(
            page,
            "victim-satisfaction",
            sat,
            "item",
            "Victims satisfied, by part of the service (95% CI)",
            table=_survey_table(sat, "item", "part of the service"),
        )
        page.sections.append(Section("Victims' satisfaction", body))
    if not page.sections:
        return None
    page.sections.insert(0, _survey_points(result, view))
    s = result.params.settings
    about = paragraphs(
        f"Feeling unsafe: a score of 1 to {s['survey_unsafe_max']} on a scale from 1 (very "
        "unsafe) to 5 (very safe). Did not report it: of those who experienced harassment or "
        "crime in the last year and answered. Satisfied: a score of "
        f"{s['survey_satisfied_min']} to 7 on a scale of 1 to 7.",
        "The public survey is weighted to Kent's population by district, sex and age, so that "
        "each group counts in proportion to its size; people choose to take part, and weighting "
        "cannot correct for that. The victims' survey is not weighted: it describes those who "
        "answered.",
        "Groups with too few respondents to rely on are not shown. The figures on crime "
        "recorded by the police, described under Methods and definitions, are not used on this "
        "page.",
        *[str(note) for note in result.notes],
    )
    page.sections.append(Section("About the surveys", about))
    return page
