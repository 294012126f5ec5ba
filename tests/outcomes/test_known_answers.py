"""Rates on both count bases, time to outcome, attrition, agencies and satisfaction on the
hand-built extract; every expected value is worked out in tests/data/outcomes/known_answers/
README.md (none is copied from the code's output)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import proportion_confint

from vawg.config import Settings
from vawg.errors import InputError
from vawg.outcomes.audit import MEASURE_LABELS, AuditResult, half_year_audit
from vawg.outcomes.cases import outcome_cases
from vawg.outcomes.halves import Half, parse_half
from vawg.outcomes.mainpoints import audit_main_points
from vawg.outcomes.rates import outcome_counts, rates_from_counts

from .conftest import Loaded

H2, H1, Y = Half(2021, 2), Half(2021, 1), Half(2020, 2)
AS_OF = date(2022, 6, 30)


@pytest.fixture(scope="module")
def audit(known: Loaded) -> AuditResult:
    return half_year_audit(known.tables, Settings(), "2021H2")


def _rate(
    rates: pl.DataFrame,
    base: str,
    half: Half,
    measure: str,
    dimension: str = "all",
    value: str = "all",
) -> tuple[int, int]:
    row = rates.filter(
        (pl.col("base") == base)
        & (pl.col("half") == half.label)
        & (pl.col("measure") == measure)
        & (pl.col("dimension") == dimension)
        & (pl.col("value") == value)
    ).row(0, named=True)
    return row["numerator"], row["denominator"]


def test_the_outcome_before_recording_was_quarantined_at_ingest(known: Loaded) -> None:
    # (file, line, last line, column, value, reason)
    reasons = {(q[0].rsplit("/", 1)[-1], q[3], q[5]) for q in known.load.quarantine}
    assert ("crimes.csv", "outcome_date", "outcome_date is before recorded_date") in reasons
    cases = outcome_cases(known.tables, Settings()).table.to_polars()
    assert "C11" not in cases["crime_ref"].to_list()


def test_scope_and_snapshot(known: Loaded) -> None:
    cases = outcome_cases(known.tables, Settings())
    refs = set(cases.table.to_polars()["crime_ref"])
    assert cases.as_of == AS_OF
    assert not refs & {"X01", "X02", "C11"}
    assert len(refs) == 21
    relationships = dict(cases.table.select("crime_ref", "relationship").to_polars().iter_rows())
    assert relationships["C09"] == "family"  # closest of stranger and family


def test_recorded_base_with_equal_follow_up(audit: AuditResult) -> None:
    r = audit.rates
    assert audit.follow_up_days == 91
    assert _rate(r, "recorded", H2, "charge_rate") == (3, 10)
    assert _rate(r, "recorded", H2, "victim_not_supporting_rate") == (2, 10)
    assert _rate(r, "recorded", H2, "open_share") == (2, 10)
    # P03 was charged on 2022-02-01, after 2021-12-30: open at equal follow-up.
    assert _rate(r, "recorded", H1, "charge_rate") == (1, 6)
    assert _rate(r, "recorded", H1, "victim_not_supporting_rate") == (2, 6)
    assert _rate(r, "recorded", H1, "open_share") == (2, 6)
    # Y04 was charged on 2021-07-15, after 2021-06-30.
    assert _rate(r, "recorded", Y, "charge_rate") == (2, 5)
    assert _rate(r, "recorded", Y, "victim_not_supporting_rate") == (1, 5)
    assert _rate(r, "recorded", Y, "open_share") == (1, 5)


def test_recorded_base_as_the_data_stand(known: Loaded) -> None:
    cases = outcome_cases(known.tables, Settings())
    rates = rates_from_counts(outcome_counts(cases.table, [Y, H1], base="recorded", as_of=AS_OF))
    assert _rate(rates, "recorded", H1, "charge_rate") == (2, 6)
    assert _rate(rates, "recorded", H1, "open_share") == (1, 6)
    assert _rate(rates, "recorded", Y, "charge_rate") == (3, 5)
    assert _rate(rates, "recorded", Y, "open_share") == (0, 5)


def test_outcomes_assigned_base(audit: AuditResult) -> None:
    r = audit.rates
    assert _rate(r, "assigned", H2, "charge_rate") == (3, 8)  # C01 C02 and P03
    assert _rate(r, "assigned", H2, "victim_not_supporting_rate") == (3, 8)  # C03 C04 and P06
    assert _rate(r, "assigned", H1, "charge_rate") == (2, 4)  # P01 and Y04
    assert _rate(r, "assigned", H1, "victim_not_supporting_rate") == (1, 4)
    assert _rate(r, "assigned", Y, "charge_rate") == (2, 4)
    assert _rate(r, "assigned", Y, "victim_not_supporting_rate") == (1, 4)
    assert r.filter((pl.col("base") == "assigned") & (pl.col("measure") == "open_share")).is_empty()


def test_breakdowns(audit: AuditResult) -> None:
    r = audit.rates
    assert _rate(r, "recorded", H2, "charge_rate", "district", "Ashford") == (1, 5)
    assert _rate(r, "recorded", H2, "open_share", "district", "Ashford") == (2, 5)
    assert _rate(r, "recorded", H2, "charge_rate", "district", "Thanet") == (2, 5)
    assert _rate(r, "recorded", H2, "open_share", "district", "Thanet") == (0, 5)
    assert _rate(r, "recorded", H2, "open_share", "relationship", "family") == (1, 1)
    assert _rate(r, "recorded", H2, "charge_rate", "relationship", "stranger") == (1, 2)
    assert _rate(r, "recorded", H2, "charge_rate", "domestic_abuse", "Y") == (2, 6)
    assert _rate(r, "recorded", H2, "charge_rate", "offence_group", "rape") == (1, 1)


def test_every_rate_interval_is_wilsons(audit: AuditResult) -> None:
    rates = audit.rates.filter(pl.col("denominator") > 0)
    low, high = proportion_confint(
        rates["numerator"].to_numpy(), rates["denominator"].to_numpy(), method="wilson"
    )
    assert rates["ci_low"].to_numpy() == pytest.approx(low, abs=1e-12)
    assert rates["ci_high"].to_numpy() == pytest.approx(high, abs=1e-12)


def test_median_days_equal_statsmodels_on_the_same_cases(audit: AuditResult) -> None:
    # Per-crime durations of the 2021H2 cohort from the README (open cases to 2022-06-30).
    days = [30, 90, 20, 30, 62, 30, 171, 149, 121, 30]
    event = [1, 1, 1, 1, 1, 1, 0, 1, 0, 1]
    reference = SurvfuncRight(np.array(days), np.array(event))
    head = audit.table.filter(
        (pl.col("role") == "current") & (pl.col("measure") == "median_days_to_outcome")
    )
    row = head.row(0, named=True)
    assert row["estimate"] == reference.quantile(0.5) == 62
    assert (row["ci_low"], row["ci_high"]) == reference.quantile_ci(0.5)


@pytest.mark.parametrize(
    ("half", "days", "event"),
    [
        # 2021H1 read on 2021-12-30 (91 days after its end, as the audited half on the data
        # date): P03's charge on 2022-02-01 is too late, so P03 is open there (212 days), and
        # P05 is open at 151 days, not 333 (README, "Time to outcome, equal follow-up").
        (H1, [30, 31, 212, 31, 151, 44], [1, 1, 0, 1, 0, 1]),
        # 2020H2 read on 2021-06-30: Y04 (charged 2021-07-15) is open at 166 days.
        (Y, [31, 30, 31, 166, 28], [1, 1, 1, 0, 1]),
    ],
)
def test_time_to_outcome_uses_the_same_follow_up_as_the_rates(
    audit: AuditResult, half: Half, days: list[int], event: list[int]
) -> None:
    reference = SurvfuncRight(np.array(days), np.array(event))
    row = audit.survival.table.filter(
        (pl.col("dimension") == "all") & (pl.col("half") == half.label)
    ).row(0, named=True)
    assert (row["n"], row["open"]) == (len(days), event.count(0))
    assert row["median_days"] == reference.quantile(0.5)
    curve = audit.survival.curves.filter(
        (pl.col("dimension") == "all") & (pl.col("half") == half.label)
    ).sort("days")
    expected = dict(zip(reference.surv_times.tolist(), reference.surv_prob.tolist(), strict=True))
    assert curve["days"].max() <= max(days)
    for day, share in curve.select("days", "share_with_outcome").iter_rows():
        if day in expected:
            assert share == pytest.approx(1 - expected[day])
    # The open share of the rates table is the same crimes' (equal follow-up both ways).
    assert _rate(audit.rates, "recorded", half, "open_share") == (event.count(0), len(days))


def test_attrition(audit: AuditResult) -> None:
    stages = dict(
        audit.attrition.table.filter(pl.col("half") == "2021H2")
        .select("stage", "count")
        .iter_rows()
    )
    assert stages == {
        "recorded": 10,
        "closed": 8,
        "suspect_identified": 6,
        "charged": 3,
        "first_hearing": 2,
        "verdict": 1,
        "convicted": 1,
    }


def test_the_recorded_stage_is_100_percent_without_an_interval(audit: AuditResult) -> None:
    # The public audit printed "Recorded 100.0% (95% CI 99.9% to 100.0%)": every crime counted
    # is recorded, so the share is 100% by definition and an interval means nothing there.
    from vawg.outcomes.public import public_attrition

    for result in (audit.attrition, public_attrition(audit.attrition, 5, AS_OF)):
        rows = {r["stage"]: r for r in result.table.filter(pl.col("half") == "2021H2").to_dicts()}
        assert rows["recorded"]["share_of_recorded"] == 1.0
        assert rows["recorded"]["ci_low"] is None and rows["recorded"]["ci_high"] is None
    # the other stages are estimates and keep theirs: 8 of 10 closed (Wilson, by statsmodels)
    closed = next(
        r
        for r in audit.attrition.table.to_dicts()
        if r["half"] == "2021H2" and r["stage"] == "closed"
    )
    low, high = proportion_confint(8, 10, method="wilson")
    assert closed["ci_low"] == pytest.approx(low) and closed["ci_high"] == pytest.approx(high)
    # the audit's table says why the recorded row has no interval
    from vawg.report.audit.attrition import _attrition

    body = _attrition(audit).body
    assert "“Recorded” is 100% by definition and has no interval" in body


def test_agency_stages(audit: AuditResult) -> None:
    assert audit.agencies is not None
    rates = audit.agencies.table.filter(pl.col("half") == "2021H2")
    got = {r["measure"]: (r["numerator"], r["denominator"]) for r in rates.iter_rows(named=True)}
    assert got == {"cps_charge_rate": (2, 3), "conviction_rate": (1, 2)}


def test_victim_satisfaction_beside_outcomes(audit: AuditResult) -> None:
    assert audit.satisfaction is not None
    whole = audit.satisfaction.filter(
        (pl.col("item") == "whole_experience") & (pl.col("group") == "all")
    )
    got = {r["half"]: (r["satisfied"], r["answered"]) for r in whole.iter_rows(named=True)}
    assert got == {"2021H2": (2, 4), "2021H1": (0, 1), "2020H2": (1, 1)}
    assert audit.survey_coverage == {
        "responses": 8,
        "no_crime_link": 1,
        "no_date": 0,
        "linked_to_in_scope_crime": 6,
    }


def test_changes_are_judged_together_and_nothing_is_clear_on_ten_crimes(audit: AuditResult) -> None:
    changes = audit.changes
    assert set(changes["verdict"]) == {"no clear change"}
    headline = changes.filter(
        (pl.col("base") == "recorded")
        & (pl.col("dimension") == "all")
        & (pl.col("measure") == "charge_rate")
        & (pl.col("comparison") == "previous")
    ).row(0, named=True)
    assert headline["difference"] == pytest.approx(0.3 - 1 / 6)
    assert headline["test"] == "fisher"
    assert headline["q_value"] >= headline["p_value"]


def test_json_keys_are_stable(audit: AuditResult) -> None:
    doc = audit.to_dict()
    assert set(doc["headline"]) == {"current", "previous", "year_earlier"}
    for role in doc["headline"].values():
        for key in (
            "charge_rate",
            "victim_not_supporting_rate",
            "open_share",
            "median_days_to_outcome",
        ):
            assert set(role[key]) == {"estimate", "ci_low", "ci_high"}
    assert doc["headline"]["current"]["charge_rate"]["estimate"] == 0.3
    assert doc["headline"]["previous"]["recorded"] == 6
    assert doc["outcomes_assigned"]["current"]["charge_rate"]["estimate"] == 3 / 8
    assert doc["headline"]["previous"]["median_days_to_outcome"]["ci_high"] is None  # not reached


def test_bad_halves_are_refused(known: Loaded) -> None:
    with pytest.raises(InputError, match="not a financial half-year"):
        parse_half("2021-H2")
    with pytest.raises(InputError, match="extract only runs to 2022-06-30"):
        half_year_audit(known.tables, Settings(), "2022H1")


def test_half_arithmetic() -> None:
    half = parse_half("2021h2")
    assert (half.start, half.end) == (date(2021, 10, 1), date(2022, 3, 31))
    assert half.previous() == H1 and half.year_earlier() == Y
    assert Half.of(date(2022, 3, 31)) == half and Half.of(date(2022, 4, 1)) == Half(2022, 1)
    assert half.end + timedelta(days=91) == AS_OF


def test_a_satisfaction_main_point_says_its_small_base(audit: AuditResult) -> None:
    """Whole-experience satisfaction in 2021H2 rests on 4 responses (README): its main point
    must say so, so that a reader does not quote the single figure."""
    points = {p.topic: p for p in audit_main_points(audit)}
    point = points[MEASURE_LABELS["satisfied_whole_experience"]]
    charge = next(p for t, p in points.items() if t.startswith("Charge/summons rate"))
    assert "crimes recorded in the half" in charge.topic and "91 days" in charge.topic
    if point.value is not None:
        assert "only 4 survey responses" in point.note
    else:
        assert "Too few survey responses" in point.note
    rates = [p for t, p in points.items() if not t.startswith("Victims satisfied")]
    assert all("survey responses" not in p.note for p in rates)


def test_the_time_to_outcome_table_says_each_half_was_read_at_equal_follow_up(
    audit: AuditResult,
) -> None:
    from vawg.report.audit.survival import _survival

    body = _survival(audit).body
    assert "data date" not in body
    # 2021H1: 6 crimes, P03 and P05 open 91 days after the half ended (README).
    assert "6 crimes,<br>2 still open 91 days after the half's end" in body
    assert "followed up to 91 days after each half ended, the same for all three halves" in body
