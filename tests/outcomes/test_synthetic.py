"""On generated data: realised outcome shares equal the generator's own count (truth.json), the
planted outcome mix and time-to-outcome distribution are recovered within their intervals, and
null data (no planted differences) gives an audit with nothing improved or worse."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy import stats

from vawg.config import Settings
from vawg.outcomes.audit import AuditResult, half_year_audit
from vawg.outcomes.cases import outcome_cases
from vawg.outcomes.halves import Half, halves_between
from vawg.outcomes.mainpoints import outcomes_main_points
from vawg.outcomes.public import disclose_audit
from vawg.outcomes.rates import outcome_counts, rates_from_counts
from vawg.outcomes.summary import outcome_summary
from vawg.outcomes.survival import durations, time_to_outcome
from vawg.query import connect
from vawg.store import load_paths
from vawg.threads import MAX_WORKERS, limit, workers

from .conftest import Synthetic

EARLY = [Half(2017, 1), Half(2017, 2), Half(2018, 1), Half(2018, 2)]
DA_VIOLENCE = ("violence_with_injury", "violence_without_injury")


@pytest.fixture(scope="module")
def audit(synthetic: Synthetic) -> AuditResult:
    return half_year_audit(synthetic.tables, Settings(), "2021H2")


def test_realised_shares_equal_the_generators_count(synthetic: Synthetic) -> None:
    """truth.json counts outcomes of in-scope crimes recorded in the period, as at the extract
    date, with its own scope code; ours must agree to its 6-decimal rounding."""
    truth = synthetic.truth["headline"]
    cases = outcome_cases(synthetic.tables, Settings())
    halves = halves_between(date(2017, 4, 1), date(2022, 3, 31))
    counts = outcome_counts(cases.table, halves, base="recorded", as_of=cases.as_of, dimensions=())
    total = counts.group_by("group").agg(pl.col("count").sum())
    by_group = dict(total.iter_rows())
    n = sum(by_group.values())
    assert n == truth["crimes_in_scope"]
    shares = truth["outcome_shares"]
    assert by_group["charged"] / n == pytest.approx(shares["1"], abs=1e-6)
    assert by_group["victim_does_not_support"] / n == pytest.approx(
        shares["14"] + shares["16"], abs=2e-6
    )
    assert by_group["open"] / n == pytest.approx(shares["under_investigation"], abs=1e-6)


def _early_da_violence(synthetic: Synthetic) -> Any:
    cases = outcome_cases(synthetic.tables, Settings())
    t = cases.table
    subset = t.filter(t.domestic_abuse == "Y", t.offence_group.isin(list(DA_VIOLENCE)))
    return subset, cases.as_of


def test_planted_outcome_mix_recovered_within_its_interval(synthetic: Synthetic) -> None:
    """Domestic-abuse violence recorded in 2017-18 has had 4+ years to close; its charge and
    victim-does-not-support rates must cover the planted mix for that profile."""
    mix = synthetic.truth["planted"]["outcomes"]["mix_by_profile"]["da_violence"]
    subset, as_of = _early_da_violence(synthetic)
    counts = outcome_counts(subset, EARLY, base="recorded", as_of=as_of, dimensions=())
    pooled = (
        counts.group_by("base", "group")
        .agg(pl.col("count").sum())
        .with_columns(half=pl.lit("2017-18"), dimension=pl.lit("all"), value=pl.lit("all"))
    )
    rates = rates_from_counts(pooled.select(counts.columns))
    got = {r["measure"]: r for r in rates.iter_rows(named=True)}
    assert got["charge_rate"]["denominator"] > 1000
    assert got["charge_rate"]["ci_low"] <= mix["1"] <= got["charge_rate"]["ci_high"]
    planted_vns = mix["14"] + mix["16"]
    vns = got["victim_not_supporting_rate"]
    assert vns["ci_low"] <= planted_vns <= vns["ci_high"]
    assert got["open_share"]["estimate"] < 0.01


def _planted_median(truth: dict[str, Any], profile: str) -> int:
    """KM median of floor(T) for the planted lognormal mixture: the first whole day d at which
    P(floor T <= d) = F(d + 1) exceeds one half."""
    planted = truth["planted"]["outcomes"]
    mix = planted["mix_by_profile"][profile]
    base = planted["median_days_base_by_outcome"]
    other = planted["median_days_other_outcomes"]
    mult = planted["median_multiplier_by_profile"][profile]
    sigma = planted["lognormal_sigma"]

    def cdf(t: float) -> float:
        return sum(
            w * stats.norm.cdf((math.log(t) - math.log(base.get(c, other) * mult)) / sigma)
            for c, w in mix.items()
        )

    return next(d for d in range(1, 5000) if cdf(d + 1) > 0.5)


def test_planted_time_to_outcome_recovered_within_the_median_interval(synthetic: Synthetic) -> None:
    subset, as_of = _early_da_violence(synthetic)
    counts = durations(subset, EARLY, as_of=as_of).with_columns(half=pl.lit("2017-18"))
    counts = counts.group_by("half", "days", "event").agg(pl.col("n").sum())
    median = time_to_outcome(counts).table.row(0, named=True)
    expected = _planted_median(synthetic.truth, "da_violence")
    assert median["ci_low"] <= expected <= median["ci_high"]
    assert median["ci_high"] - median["ci_low"] < 15


def test_audit_figures_and_json(audit: AuditResult) -> None:
    doc = json.loads(json.dumps(audit.to_dict()))
    current = doc["headline"]["current"]
    for key in (
        "charge_rate",
        "victim_not_supporting_rate",
        "open_share",
        "median_days_to_outcome",
    ):
        value = current[key]
        assert value["ci_low"] <= value["estimate"] <= value["ci_high"]
    assert audit.follow_up_days == (date(2022, 9, 30) - date(2022, 3, 31)).days
    assert audit.agencies is not None and audit.satisfaction is not None
    # One Benjamini–Hochberg family over every comparison.
    assert (
        audit.changes["q_value"].drop_nulls().len() == audit.changes["p_value"].drop_nulls().len()
    )


def test_null_data_gives_nothing_improved_or_worse(synthetic_null: Synthetic) -> None:
    result = half_year_audit(synthetic_null.tables, Settings(), "2021H2")
    assert result.changes.height > 100
    assert set(result.changes["verdict"]) == {"no clear change"}


def _counts_in(doc: Any, out: list[int]) -> None:
    """Every integer under a count-like key anywhere in the JSON."""
    names = (
        "count",
        "numerator",
        "denominator",
        "n",
        "outcomes",
        "open",
        "answered",
        "satisfied",
        "at_risk",
        "outcomes_so_far",
        "crimes_excluded",
        "crimes_remaining",
        "recorded",
    )
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in names and isinstance(value, int) and not isinstance(value, bool):
                out.append(value)
            else:
                _counts_in(value, out)
    elif isinstance(doc, list):
        for item in doc:
            _counts_in(item, out)


def test_public_audit_has_no_small_counts_and_no_identifiers(audit: AuditResult) -> None:
    public = disclose_audit(audit, Settings())
    text = json.dumps(public.to_dict())
    counts: list[int] = []
    _counts_in(json.loads(text), counts)
    assert counts and all(c % 5 == 0 for c in counts)  # 0, or rounded to the nearest 5
    assert "KT1" not in text  # the generator's crime references
    # Rates built on suppressed counts are hidden.
    hidden = public.rates.filter(pl.col("numerator").is_null() | pl.col("denominator").is_null())
    assert hidden.height > 0 and hidden["estimate"].null_count() == hidden.height
    # Comparisons survive only where both sides are published.
    assert 0 < public.changes.height < audit.changes.height


def test_public_survey_base_is_one_rounded_total_on_every_question(audit: AuditResult) -> None:
    """The number who answered is rounded from its own true value (the nearest 5), so the same
    respondents give the same published base on every question, not the sum of two rounded
    parts (23 people showed as 25 on four questions and 20 on the fifth)."""
    assert audit.satisfaction is not None
    truth = audit.satisfaction.select("half", "item", "group", true=pl.col("answered"))
    # every base of the synthetic audit is under 30: with the minimum lowered, the bases show
    public = disclose_audit(audit, Settings(disclosure_min_base=5)).satisfaction
    assert public is not None
    both = public.join(truth, on=["half", "item", "group"]).filter(pl.col("answered").is_not_null())
    assert both.height > 0
    for row in both.iter_rows(named=True):
        assert row["answered"] == (row["true"] + 2) // 5 * 5, row
    # a share on fewer than 30 answers is not published: rounding would move it by up to ten
    # points; nor are its counts (beside a dash they would give the share back); on 30 or more
    # it is the published satisfied over the published answered
    public = disclose_audit(audit, Settings()).satisfaction
    assert public is not None
    both = public.join(truth, on=["half", "item", "group"])
    few = both.filter((pl.col("true") + 2) // 5 * 5 < 30)
    assert few.height > 0
    for column in ("answered", "satisfied", "estimate", "ci_low", "ci_high"):
        assert few[column].is_null().all(), column
    many = both.filter(pl.col("answered").is_not_null() & pl.col("satisfied").is_not_null())
    for row in many.iter_rows(named=True):
        assert row["answered"] >= 30
        assert row["estimate"] == pytest.approx(row["satisfied"] / row["answered"])


def test_public_audit_comparisons_are_built_from_the_published_counts(
    audit: AuditResult,
) -> None:
    """A share in the public grid or headlines computed from an unrounded count would give
    that count away (share x rounded denominator): each must be the published numerator over
    the published denominator."""
    public = disclose_audit(audit, Settings())
    keys = ["base", "dimension", "value", "measure"]
    published = public.rates.filter(pl.col("estimate").is_not_null()).select(
        *keys, "half", share=pl.col("numerator") / pl.col("denominator")
    )
    measures = published["measure"].unique().to_list()
    grid = public.changes.filter(pl.col("measure").is_in(measures))
    checked = 0
    for side in ("from", "to"):
        joined = grid.join(
            published.rename({"half": f"{side}_half"}), on=[*keys, f"{side}_half"], how="inner"
        )
        assert joined.height > 0
        assert (joined[f"{side}_estimate"] - joined["share"]).abs().max() < 1e-12
        checked += joined.height
    assert (
        checked
        == 2 * grid.filter(pl.col("base") != "cjs").filter(pl.col("base") != "victim_survey").height
    )
    for row in public.headlines.iter_rows(named=True):
        if row["verdict"] == "not available" or row["measure"] not in measures:
            continue
        match = published.filter(
            (pl.col("measure") == row["measure"]) & (pl.col("dimension") == "all")
        )
        assert any(abs(row["to_estimate"] - s) < 1e-12 for s in match["share"]), row["measure"]


def test_outcome_summary_covers_every_half(synthetic: Synthetic) -> None:
    summary = outcome_summary(synthetic.tables, Settings())
    # Five financial years, then on to the latest complete half by the data date (30 September
    # 2022): the half the audit reports.
    assert summary.as_of == date(2022, 9, 30)
    assert [h.label for h in summary.halves] == [
        h.label for h in halves_between(date(2017, 4, 1), date(2022, 9, 30))
    ]
    assert summary.halves[-1].label == "2022H1"
    assert summary.police_uk is None
    charge = summary.table.filter(
        (pl.col("dimension") == "all") & (pl.col("measure") == "charge_rate")
    )
    assert charge.height == 2 * 11
    # Attrition at equal follow-up: only halves a full year past their end, each counted then.
    assert summary.attrition_equal is not None
    equal = summary.attrition_equal.table
    assert equal["half"].unique().sort().to_list() == [
        h.label for h in halves_between(date(2017, 4, 1), date(2021, 9, 30))
    ]
    assert set(equal["days_followed"].to_list()) == {365}
    # The latest median time to outcome against the same half a year earlier.
    change = summary.survival_change
    assert change.height == 1
    assert change.row(0, named=True)["from_half"] == "2021H1"
    assert change.row(0, named=True)["to_half"] == "2022H1"
    # ... which its main point states, with a verdict, like the two rate points.
    points = outcomes_main_points(summary)
    days = [p for p in points if p.measure == "days"]
    assert len(days) == 1 and days[0].comparison == (date(2021, 4, 1), date(2021, 9, 30))
    assert days[0].change is not None and days[0].clear is not None
    # The change in the median has its bootstrap interval, around the change itself, and the
    # point is never called clear when that interval includes no change.
    row = change.row(0, named=True)
    assert row["ci_low"] is not None and row["ci_high"] is not None
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]
    assert (days[0].change.ci_low, days[0].change.ci_high) == (row["ci_low"], row["ci_high"])
    if row["ci_low"] <= 0 <= row["ci_high"]:
        assert days[0].clear is False
    assert all(p.tested.startswith("Holm's correction across these 3") for p in points)


def test_a_planted_improvement_is_found(synthetic: Synthetic, tmp_path: Path) -> None:
    """Turn every second victim-withdrawal (16) of crimes recorded in 2021H2 into a charge: the
    audit must call the charge rate and the victim-does-not-support rate improved against both
    comparison halves, and call neither worse."""
    source = synthetic.db.parent / "data"
    folder = tmp_path / "data"
    folder.mkdir()
    for path in source.glob("*.csv"):
        if path.name != "crimes.csv":
            shutil.copy(path, folder / path.name)
    crimes = pl.read_csv(source / "crimes.csv", infer_schema=False)
    in_half = pl.col("recorded_date").is_between(pl.lit("2021-10-01"), pl.lit("2022-03-31"))
    chosen = in_half & (pl.col("outcome_code") == "16")
    flip = chosen & (chosen.cast(pl.Int64).cum_sum() % 2 == 0)
    crimes = crimes.with_columns(
        outcome_code=pl.when(flip).then(pl.lit("1")).otherwise(pl.col("outcome_code"))
    )
    crimes.write_csv(folder / "crimes.csv", null_value="")
    db = tmp_path / "planted.duckdb"
    load_paths([folder], db)
    result = half_year_audit(connect(db), Settings(), "2021H2")
    head = result.changes.filter((pl.col("dimension") == "all") & (pl.col("base") == "recorded"))
    verdicts = {(r["measure"], r["comparison"]): r["verdict"] for r in head.iter_rows(named=True)}
    for comparison in ("previous", "year_earlier"):
        assert verdicts[("charge_rate", comparison)] == "improved"
        assert verdicts[("victim_not_supporting_rate", comparison)] == "improved"
    assert "worse" not in {verdicts[("charge_rate", c)] for c in ("previous", "year_earlier")}


def test_a_withheld_headline_keeps_its_published_year_earlier_figure() -> None:
    """Satisfaction withheld in the latest half: the headline row still gives the published
    year-earlier share (the tables below print it), and no verdict."""
    from vawg.outcomes.headlines import HEADLINE_SCHEMA
    from vawg.outcomes.public import _with_published_year_earlier

    headlines = pl.DataFrame(
        [
            {
                "measure": "charge_rate",
                "from_half": "2021H1",
                "from_estimate": 0.06,
                "verdict": "no clear change",
            },
            {"measure": "satisfied_whole_experience", "verdict": "not available"},
        ],
        schema=HEADLINE_SCHEMA,
    )
    rates = pl.DataFrame(
        {
            "base": ["recorded"],
            "dimension": ["all"],
            "value": ["all"],
            "measure": ["charge_rate"],
            "half": ["2021H1"],
            "estimate": [0.07],
        }
    )
    survey = pl.DataFrame(
        {
            "base": ["victim_survey"] * 2,
            "dimension": ["outcome_group"] * 2,
            "value": ["all", "charged"],
            "measure": ["satisfied_whole_experience"] * 2,
            "half": ["2021H1"] * 2,
            "estimate": [0.5, 0.9],
        }
    )
    out = _with_published_year_earlier(headlines, rates, [survey], "2021H1")
    rows = {r["measure"]: r for r in out.iter_rows(named=True)}
    assert rows["charge_rate"]["from_estimate"] == 0.06  # a compared row is left as it was
    assert rows["satisfied_whole_experience"]["from_estimate"] == 0.5
    assert rows["satisfied_whole_experience"]["from_half"] == "2021H1"
    assert rows["satisfied_whole_experience"]["verdict"] == "not available"


def test_the_site_outcomes_page_methods_give_its_own_period(synthetic: Synthetic) -> None:
    # The page runs to Sep 2022 while its Methods said "crimes recorded from 1 April 2017 to
    # 31 March 2022", the site's period.
    from types import SimpleNamespace

    from vawg.outcomes.public import disclose_summary
    from vawg.report.site.build import methods_section
    from vawg.report.site.sections import outcomes_page

    settings = Settings()
    public = disclose_summary(outcome_summary(synthetic.tables, settings), settings)
    page = outcomes_page(public)
    assert page.period == (date(2017, 4, 1), date(2022, 9, 30))
    site = SimpleNamespace(
        period=(date(2017, 4, 1), date(2022, 3, 31)),
        overview=SimpleNamespace(params=public.params),
        skipped={},
    )
    text = methods_section(site, settings, page.period, page.period_counted).body  # type: ignore[arg-type]
    assert "crimes recorded from 1 April 2017 to 30 September 2022" in text


def test_the_site_outcomes_headline_and_the_chart_beside_it_share_a_basis(
    synthetic: Synthetic,
) -> None:
    # The demo's headline said "Charge/summons rate … Apr–Sep 2022: 9.4%" (outcomes given in
    # the half) while the chart and table under it gave 6.5% (crimes recorded in the half).
    from vawg.outcomes.public import disclose_summary
    from vawg.report.fmt import pct
    from vawg.report.site.sections import outcomes_page

    settings = Settings()
    public = disclose_summary(outcome_summary(synthetic.tables, settings), settings)
    points = outcomes_main_points(public)
    charge = next(p for p in points if p.topic.startswith("Charge"))
    assert charge.topic.endswith("as a share of all police outcomes given")
    days = next(p for p in points if p.measure == "days")
    assert days.topic.endswith(", for crimes recorded")
    page = outcomes_page(public)
    titles = [s.title for s in page.sections]
    assert titles[:3] == ["Main points", "Outcomes given", "Outcome rates"]
    given = page.sections[1].body
    assert "Police outcomes given in each half-year" in given
    # the latest charge rate in the chart's table is the headline's figure
    assert charge.value is not None
    latest = public.table.filter(
        pl.col("base") == "assigned",
        pl.col("dimension") == "all",
        pl.col("measure") == "charge_rate",
        pl.col("half") == max(public.halves).label,
    )
    assert latest["estimate"][0] == charge.value.estimate
    assert f"{100 * charge.value.estimate:.1f}" in given
    assert pct(charge.value.estimate, 1) in page.sections[0].body
    recorded = page.sections[2].body
    assert "instead, not the outcomes given in it" in recorded
    assert "outcomes-given-by-half-year" in page.csvs
    assert '"rangemode":"tozero"' in given  # a share's axis starts at 0%


def test_the_site_outcome_rates_note_has_no_stray_apostrophe(synthetic: Synthetic) -> None:
    # The page said "so its rates differ from the main points'." (a possessive with nothing
    # after it).
    from vawg.outcomes.public import disclose_summary
    from vawg.report.site.sections import outcomes_page

    settings = Settings()
    public = disclose_summary(outcome_summary(synthetic.tables, settings), settings)
    page = outcomes_page(public)
    recorded = next(s for s in page.sections if s.title == "Outcome rates").body
    assert "main points'" not in recorded
    assert "its rates differ from those in the main points." in recorded


def test_the_audit_gives_the_same_intervals_on_one_thread_as_on_several(
    synthetic: Synthetic,
) -> None:
    """The median-days intervals are drawn on a pool of threads, each from its own generator."""
    made = {}
    try:
        for threads in (MAX_WORKERS, 1):
            limit(threads)
            made[workers()] = half_year_audit(synthetic.tables, Settings(), "2021H2").changes
    finally:
        limit(MAX_WORKERS)
    if len(made) < 2:
        pytest.skip("one core: no pool of threads to compare with")
    several, alone = made[max(made)], made[1]
    medians = several.filter(pl.col("measure") == "median_days_to_outcome")
    assert medians["ci_low"].drop_nulls().len() > 0
    assert_frame_equal(alone, several)
