"""Known answers: the hand-built extract of 40 crimes, every figure worked out by hand below.

The extract (``tests/data/profile/hand_extract``) is profiled with ``period_years=2``. Its
latest recorded date is 2022-04-01 (X07), so the last complete financial year ends 2022-03-31
and the period is 2020-04-01 to 2022-03-31 (730 days = 1.998631 years of 365.25 days).

People (sex, date of birth): P01 M 1980-05-10, P02 M 1990-01-01, P03 M 1975-07-20, P04 M
1985-03-03, P05 M 1995-06-15, P06 M 1970-11-11, P07 M 1988-08-08, P08 M 2003-06-01 (18 on
2021-06-01), P09 M no DOB, P10 M 2006-02-02 (a boy of 15), P11 F (female suspect), P12 M, P13 M
1983-04-04, P14 M 1979-09-09, P15 M 1996-10-10, P16 M 1987-02-27, P17 M 1965-03-03, P18 M
2000-02-20, P19 M 1978-08-18, P20 M 1984-04-14, P21 M 1993-03-13, P22 M 1960-06-16, P23 M, P24 M
1989-09-19. Victims V01..V25 are female except V08 (male) and V24 (sex U); V05 has no DOB;
V06 (2006-07-07) and V21 (2004-01-01) are girls under 18.

The 40 crimes and the rule each exercises (recorded date; perpetrators -> victims):

    in scope (30)                                        excluded (10)
    C01-C04  P01 -> V01 partner (C04 rape, code 19C)     X06 rec 2020-03-31: before the period
    C05      P01 -> V02 ex-partner, street               X07 rec 2022-04-01: after the period
    C06-C08, C28  P02 -> V03 partner (C08 code 5D)       X04 male victim only (V08)
    C09, C29 P03 -> V04 licensed premises; C10 P03->V05  X10 victim of sex U only (V24)
    C11 P06 + P10 (boy, not counted) -> V06 (girl, 14)   X03 female suspect only (P11)
    C12 P06 -> V06                                       X09 no suspect at all
    C13 P04 + P11 (female, not counted) -> V07 (65)      X01 P08 aged 17 on the day
    C14 P05 -> V09 (F) + V08 (M, not counted), street    X02 P09 no date of birth
    C15 P07 -> V10; C16 P13 -> V10 (unknown location)    X08 P10 (15) alone
    C17 P07 + P16 -> V16 rape, open space                X05 offence 'other', not DA
    C18 P08 -> V11: P08's 18th birthday (in scope)
    C19 P14 -> V14: offence 'other' but DA-flagged
    C20 rec 2020-04-01 (first day; committed 2020-03-31) and C21 rec 2022-03-31 (last day)
    C22-C27, C30 one-off offenders P17-P22, P24; C26 and C27 have coordinates but no LSOA
    (district Unknown); C16 and C26 have location type 'unknown'.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from datetime import date, datetime

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from vawg.profile import ProfileResult

from .conftest import HAND

YEARS = 730 / 365.25

# Per-perpetrator harm (days): each crime's weight from the shipped table (19C rape 1825, 5D
# s.18 GBH 1460, else by group: rape 1825, other_sexual 180, violence_with_injury 90,
# violence_without_injury 5, stalking 90, harassment 10, coercive_control 180, drink_spiking
# 180, other 2), summed over his in-scope crimes:
#   P01 C01 90 + C02 180 + C03 5 + C04 1825 + C05 90 = 2190   P02 90 + 5 + 1460 + 90 = 1645
#   P03 180 x 3 = 540   P04 10   P05 90   P06 5 + 10 = 15   P07 5 + 1825 = 1830   P08 5
#   P13 90   P14 2   P15 180 + 180 = 360   P16 1825   P17 90   P18 5   P19 180   P20 10
#   P21 180   P22 90   P24 5
HARM = {
    "P01": 2190,
    "P02": 1645,
    "P03": 540,
    "P04": 10,
    "P05": 90,
    "P06": 15,
    "P07": 1830,
    "P08": 5,
    "P13": 90,
    "P14": 2,
    "P15": 360,
    "P16": 1825,
    "P17": 90,
    "P18": 5,
    "P19": 180,
    "P20": 10,
    "P21": 180,
    "P22": 90,
    "P24": 5,
}
TOTAL_HARM = 9162  # sum of HARM; C17's 1825 counts for P07 and for P16


def test_scope_counts_and_exclusions(hand_result: ProfileResult) -> None:
    r = hand_result
    assert r.period == (date(2020, 4, 1), date(2022, 3, 31))
    # 40 crimes - 10 excluded = 30. Distinct perpetrators: P01-P08, P13-P22, P24 = 19 (P10 is
    # under 18, P11 is female, P09/P12/P23 are only in excluded crimes). Distinct victims:
    # V01-V07, V09-V11, V14-V22, V25 = 20 (V08 is male; V12, V13, V23, V24 excluded crimes only).
    assert (r.crimes_in_scope, r.distinct_offenders, r.distinct_victims) == (30, 19, 20)
    # Rules in order: X06, X07 (period) 40 -> 38; X04, X10 (no female victim) -> 36; X03, X09
    # (no male suspect/offender) -> 34; X01 (17), X02 (no DOB), X08 (15) -> 31; X05 -> 30.
    ex = dict(r.exclusions.select("rule", "crimes_excluded").iter_rows())
    assert ex == {
        "recorded_outside_period": 2,
        "no_victim_of_scope_sex": 2,
        "no_perpetrator_of_scope_sex": 2,
        "perpetrator_under_age_or_no_date_of_birth": 3,
        "not_vawg_offence": 1,
    }
    assert r.exclusions["crimes_remaining"].to_list() == [38, 36, 34, 31, 30]
    assert r.no_date_of_birth_crimes == 1  # X02 (P09)


def test_by_financial_year(hand_result: ProfileResult) -> None:
    # 2020/21 (rec 2020-04-01 .. 2021-03-31): C01 C02 C03 C06 C07 C09 C10 C11 C13 C15 C20 C22
    # C23 C24 C25 C27 C30 = 17. 2021/22: C04 C05 C08 C12 C14 C16 C17 C18 C19 C21 C26 C28 C29 = 13.
    # Perpetrators 2020/21: P01 P02 P03 P06 P04 P07 P15 P17 P18 P19 P20 P22 P24 = 13;
    # 2021/22: P01 P02 P06 P05 P13 P07 P16 P08 P14 P15 P21 P03 = 12.
    # Victims 2020/21: V01 V03 V04 V05 V06 V07 V10 V15 V17 V18 V19 V20 V22 V25 = 14;
    # 2021/22: V01 V02 V03 V06 V09 V10 V16 V11 V14 V15 V21 V04 = 12.
    fy = hand_result.volume.by_financial_year
    assert fy.rows() == [("2020/21", 17, 13, 14), ("2021/22", 13, 12, 12)]


def test_by_offence_group_and_place(hand_result: ProfileResult) -> None:
    # crimes (home / public / unknown):
    #   violence_with_injury C01 C06 C08 C14 C22 C27 C28 = 7 (6 / 1 C14 street / 0)
    #   violence_without_injury C03 C07 C11 C15 C18 C23 C30 = 7 (7 / 0 / 0)
    #   other_sexual C09 C10 C21 C26 C29 = 5 (0 / 4 / 1 C26)
    #   harassment C12 C13 C25 = 3 (1 / 2 / 0); coercive_control C02 C24 = 2 (2 / 0 / 0)
    #   rape C04 C17 = 2 (1 / 1 / 0); stalking C05 C16 = 2 (0 / 1 / 1)
    #   drink_spiking C20 = 1 (0 / 1 / 0); other C19 = 1 (1 / 0 / 0)
    expected = {
        "violence_with_injury": (7, 6, 1, 0),
        "violence_without_injury": (7, 7, 0, 0),
        "other_sexual": (5, 0, 4, 1),
        "harassment": (3, 1, 2, 0),
        "coercive_control": (2, 2, 0, 0),
        "rape": (2, 1, 1, 0),
        "stalking": (2, 0, 1, 1),
        "drink_spiking": (1, 0, 1, 0),
        "other": (1, 1, 0, 0),
    }
    got = {
        row[0]: row[1:]
        for row in hand_result.place.by_offence_group.select(
            "offence_group", "crimes", "home", "public", "unknown"
        ).iter_rows()
    }
    assert got == expected
    volume = dict(hand_result.volume.by_offence_group.select("offence_group", "crimes").iter_rows())
    assert volume == {k: v[0] for k, v in expected.items()}
    # Home 6+7+0+1+2+1+0+0+1 = 18, public 1+0+4+2+0+1+1+1+0 = 10, unknown 2 (C16, C26).
    p = hand_result.place
    assert (p.home_crimes, p.public_crimes, p.unknown_location_crimes) == (18, 10, 2)
    # Domestic abuse flag Y: C01-C08, C11, C12, C15, C16, C18, C19, C22-C24, C27, C28, C30 = 20;
    # N: C09, C10, C13, C14, C17, C20, C21, C25, C26, C29 = 10.
    flags = dict(hand_result.volume.by_domestic_abuse.iter_rows())
    assert flags == {True: 20, False: 10}


def test_home_public_ratio_and_its_exact_interval(hand_result: ProfileResult) -> None:
    # 18 at home, 10 in public: ratio 1.8. Given 28, home ~ Binomial(28, r / (1 + r)); the
    # Clopper-Pearson interval for the share (statsmodels, method "beta") maps to the ratio.
    ratio = hand_result.place.home_public_ratio
    low_p, high_p = proportion_confint(18, 28, alpha=0.05, method="beta")
    assert ratio.estimate == pytest.approx(1.8)
    assert ratio.ci_low == pytest.approx(low_p / (1 - low_p), rel=1e-9)
    assert ratio.ci_high == pytest.approx(high_p / (1 - high_p), rel=1e-9)
    assert ratio.p_value == pytest.approx(stats.binomtest(18, 28, 0.5).pvalue)
    # By district: Dover home 9 (C01-C04, C11, C12, C15, C24, C30), public 4 (C05, C20, C21,
    # C25), unknown 1 (C16); Thanet home 8, public 6, unknown 0; Not placed (no LSOA, and their
    # coordinates fall in Dover LSOAs outside areas.csv) C27 home, C26
    # unknown location.
    rows = hand_result.place.by_district.select("district", "home", "public", "unknown").rows()
    assert rows == [("Dover", 9, 4, 1), ("Not placed", 1, 0, 1), ("Thanet", 8, 6, 0)]


def test_rates_per_1000_female_residents(hand_result: ProfileResult) -> None:
    # Dover: C01-C05, C11, C12, C15, C16, C20, C21, C24, C25, C30 = 14 crimes; ONS mid-2019
    # female population 59,763 -> 14 / (59,763 x 1.998631 / 1000) = 0.117210 a year.
    # Thanet: 14 crimes, 73,119 women and girls -> 0.095800. Force area (Dover + Thanet, all 30
    # crimes including the 2 with no LSOA): 30 / (132,882 x 1.998631 / 1000) = 0.112959.
    v = hand_result.volume
    rates = dict(v.by_district.select("district", "rate_per_1000_per_year").iter_rows())
    assert rates["Dover"] == pytest.approx(14 / (59763 * YEARS / 1000))
    assert rates["Thanet"] == pytest.approx(14 / (73119 * YEARS / 1000))
    assert rates["Not placed"] is None
    assert v.rate_per_1000_per_year.estimate == pytest.approx(30 / (132882 * YEARS / 1000))
    # Exact Poisson interval (Garwood): gamma quantiles of the count.
    exposure = 59763 * YEARS / 1000
    dover = v.by_district.filter(pl.col("district") == "Dover").row(0, named=True)
    assert dover["ci_low"] == pytest.approx(stats.gamma.ppf(0.025, 14) / exposure)
    assert dover["ci_high"] == pytest.approx(stats.gamma.ppf(0.975, 15) / exposure)


def test_repeats_and_links(hand_result: ProfileResult) -> None:
    pe = hand_result.people
    # Victims' in-scope crimes: V01 4, V03 4, V04 2, V06 2, V10 2, V15 2 (C20, C21; X06 and X07
    # are outside the period), the other 14 once -> 6 repeat victims of 20 = 0.30.
    # Perpetrators: P01 5, P02 4, P03 3, P06 2, P07 2, P15 2, 13 others once -> 6 of 19.
    assert (pe.repeat_victims, pe.repeat_offenders) == (6, 6)
    assert pe.repeat_victim_share.estimate == pytest.approx(6 / 20)
    assert pe.repeat_offender_share.estimate == pytest.approx(6 / 19)
    low, high = proportion_confint(6, 20, method="beta")
    assert (pe.repeat_victim_share.ci_low, pe.repeat_victim_share.ci_high) == pytest.approx(
        (low, high)
    )
    assert dict(pe.victim_crimes.iter_rows()) == {
        "1": 14,
        "2": 4,
        "3": 0,
        "4": 2,
        "5-9": 0,
        "10+": 0,
    }
    assert dict(pe.offender_crimes.iter_rows()) == {
        "1": 13,
        "2": 3,
        "3": 1,
        "4": 1,
        "5-9": 1,
        "10+": 0,
    }
    # Several victims: P01 (V01, V02), P03 (V04, V05), P07 (V10 in C15, V16 in C17); P05's
    # second victim in C14, V08, is male.
    # Several perpetrators: V10 (P07, P13), V16 (P07, P16); V06's P10 and V07's P11 don't count.
    assert pe.offenders_with_several_victims == 3
    assert pe.victims_with_several_offenders == 2
    assert dict(pe.offender_victims.iter_rows()) == {"1": 16, "2": 3, "3": 0, "4+": 0}
    assert dict(pe.victim_offenders.iter_rows()) == {"1": 18, "2": 2, "3": 0, "4+": 0}


def test_age_profiles_and_relationships(hand_result: ProfileResult) -> None:
    pe = hand_result.people
    # Perpetrators' age at first in-scope crime: P01 39 on 2020-05-09 (his 40th birthday is
    # the next day) 35-44; P02 30; P03 45; P04 35; P05 25; P06 50; P07 32; P08 18 (C18 on his
    # birthday); P13 38; P14 41; P15 23 (C20 committed 2020-03-31); P16 34; P17 55; P18 21;
    # P19 42; P20 36; P21 28; P22 60; P24 30.
    assert dict(pe.offender_age.iter_rows()) == {
        "18-24": 3,
        "25-34": 6,
        "35-44": 6,
        "45-54": 2,
        "55-64": 2,
        "65+": 0,
    }
    # Victims: V06 14 (under 16); V21 17; V04 21, V11 20, V15 23, V16 22, V18 20 (18-24);
    # V03 28, V09 27, V20 34, V25 29; V01 38, V02 36, V19 41; V10 50, V14 45 (birthday 5 May
    # not reached on 19 April 2021); V22 57; V07 65, V17 70; V05 no date of birth.
    assert dict(pe.victim_age.iter_rows()) == {
        "under 16": 1,
        "16-17": 1,
        "18-24": 5,
        "25-34": 4,
        "35-44": 3,
        "45-54": 2,
        "55-64": 1,
        "65+": 2,
        "unknown": 1,
    }
    # Relationship per female victim per crime (30): partner C01-C04, C06-C08, C28, C15, C18,
    # C22, C24, C27 = 13; acquaintance C09, C29, C13, C20, C21, C25 = 6; ex-partner C05, C16,
    # C30 = 3; family C11, C12, C19 = 3; stranger C10, C14, C17 = 3; unknown C26; C23 empty.
    # Distinct victims under each (involvements.csv): partner V01 V03 V10 V11 V17 V19 V22 = 7;
    # acquaintance V04 V07 V15 V20 = 4; ex-partner V02 V10 V25 = 3 (V10 is also a partner
    # victim, so she counts under both); family V06 V14 = 2; stranger V05 V09 V16 = 3; unknown
    # V21; not recorded V18.
    rel = {
        r["relationship"]: (r["victims"], r["victim_crimes"]) for r in pe.relationship.to_dicts()
    }
    assert rel == {
        "partner": (7, 13),
        "acquaintance": (4, 6),
        "ex_partner": (3, 3),
        "family": (2, 3),
        "stranger": (3, 3),
        "unknown": (1, 1),
        "not recorded": (1, 1),
    }


def test_harm_and_its_concentration(hand_result: ProfileResult) -> None:
    h = hand_result.harm
    assert h.perpetrators == 19
    assert h.perpetrator_harm_days == TOTAL_HARM
    assert h.crime_harm_days == TOTAL_HARM - 1825  # C17 once: 7,337
    assert (h.crimes_weighted_by_code, h.crimes_weighted_by_group) == (2, 28)  # C04, C08
    by_group = dict(h.by_offence_group.select("offence_group", "harm_days").iter_rows())
    assert by_group["rape"] == 3650 and by_group["violence_with_injury"] == 2000
    # Sorted harm: 2190, 1830, 1825, 1645, 540, 360, 180, 180, 90 x 4, 15, 10, 10, 5 x 3, 2.
    # Top 10% of 19 = 1.9 people: 2190 + 0.9 x 1830 = 3837 -> 3837 / 9162 = 0.418795.
    # Top 20% = 3.8: 2190 + 1830 + 1825 + 0.8 x 1645 = 7161 -> 0.781598.
    # Top 5% = 0.95: 0.95 x 2190 = 2080.5 -> 0.227079. Top 1% = 0.19 x 2190 = 416.1 -> 0.045416.
    shares = dict(h.concentration.select("top_pct", "harm_share").iter_rows())
    assert shares[10] == pytest.approx(3837 / TOTAL_HARM)
    assert shares[20] == pytest.approx(7161 / TOTAL_HARM)
    assert shares[5] == pytest.approx(2080.5 / TOTAL_HARM)
    assert shares[1] == pytest.approx(416.1 / TOTAL_HARM)
    for row in h.concentration.iter_rows(named=True):
        assert row["ci_low"] <= row["harm_share"] <= row["ci_high"]
    # Gini by its definition, the mean absolute difference over twice the mean.
    x = np.array(list(HARM.values()), dtype=float)
    gini = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert h.gini.estimate == pytest.approx(gini)
    # The Lorenz curve passes through (1 - 0.1, 1 - top 10% share) and the corners.
    lorenz = h.lorenz
    at = dict(zip(lorenz["population_share"].round(2), lorenz["harm_share"], strict=True))
    assert at[0.0] == 0 and at[1.0] == pytest.approx(1)
    assert at[0.9] == pytest.approx(1 - 3837 / TOTAL_HARM)
    # The assumed (not verified) weights applied: all 11 of the table's rows that were used.
    assert set(h.assumed_weights["key"]) == {
        "19C",
        "5D",
        "rape",
        "other_sexual",
        "violence_with_injury",
        "violence_without_injury",
        "stalking",
        "harassment",
        "coercive_control",
        "drink_spiking",
        "other",
    }


def test_rfgv_ranking(hand_result: ProfileResult) -> None:
    # Window: 365 days to 2022-03-31 = recorded 2021-04-01..2022-03-31 (the 13 crimes of
    # 2021/22). Scores (R, F, G, V; default edges R 28/91/182/273 days, F 2/3/4/6 crimes,
    # G 10/90/180/1000 days, V 2/3/4/5 victims):
    #   P01 C04 2021-11-05 + C05: 146 days R3, 2 crimes F2, 1915 days G5, V01+V02 V2 = 12
    #   P02 C08 + C28 2022-01-15: 75 days R4, F2, 1550 G5, V1 = 12 (less harm: after P01)
    #   P15 C21 2022-03-31: 0 days R5, F1, 180 G4, V1 = 11
    #   P07, P16 C17 2021-10-30: 152 days R3, F1, 1825 G5, V1 = 10 each (tie: by id)
    #   P21 C26 2021-07-20: 254 R2, F1, 180 G4, V1 = 8; P13 C16 2021-12-12: 109 R3, 90 G3 = 8
    #   P03 C29 2021-06-30: 274 R1, 180 G4 = 7
    #   P05 C14 2021-05-05: 330 R1, 90 G3 = 6; P06 C12 2021-09-01: 211 R2, 10 G2 = 6
    #   P08 C18 2021-06-02: 302 R1, 5 G1 = 4; P14 C19 2021-04-20: 345 R1, 2 G1 = 4
    top = hand_result.rfgv.table
    assert top["person_id"].to_list() == [
        "P01",
        "P02",
        "P15",
        "P07",
        "P16",
        "P21",
        "P13",
        "P03",
        "P05",
        "P06",
        "P08",
        "P14",
    ]
    assert top["score"].to_list() == [12, 12, 11, 10, 10, 8, 8, 7, 6, 6, 4, 4]
    first = top.row(0, named=True)
    assert (first["days_since_last"], first["crimes"], first["harm_days"], first["victims"]) == (
        146,
        2,
        1915,
        2,
    )
    assert hand_result.rfgv.perpetrators_scored == 12


def test_rfgv_weights_change_the_ranking(hand, hand_settings) -> None:  # type: ignore[no-untyped-def]
    from vawg.profile import profile

    # Recency only (weights 1, 0, 0, 0): P15 (0 days, R5) first, then P02 (75 days, R4).
    result = profile(hand.tables, hand_settings.replace(rfgv_weights=(1, 0, 0, 0)))
    assert result.rfgv.table["person_id"].to_list()[:2] == ["P15", "P02"]


def _committed() -> list[datetime]:
    with (HAND / "crimes.csv").open(encoding="utf-8") as handle:
        return [
            datetime.strptime(row["committed_from"], "%Y-%m-%d %H:%M")
            for row in csv.DictReader(handle)
            if row["crime_ref"].startswith("C")
        ]


def test_timing(hand_result: ProfileResult) -> None:
    # Computed from the file with the calendar (independent of the engine): e.g. Saturday 22:00
    # holds C01 (2020-05-09 22:30) and C23 (2021-02-27 22:00); Tuesday 20:00 holds C03 and C27
    # (and C15 at 20:30) = 3.
    expected = Counter((d.weekday(), d.hour) for d in _committed())
    grid = hand_result.timing.hour_by_day
    got = {(d, h): n for d, h, n in grid.select("day_index", "hour", "crimes").iter_rows() if n}
    assert got == dict(expected)
    assert got[(5, 22)] == 2 and got[(1, 20)] == 3
    months = Counter(d.month for d in _committed())
    assert dict(hand_result.timing.by_month_of_year.select("month", "crimes").iter_rows()) == {
        m: months.get(m, 0) for m in range(1, 13)
    }


def test_monthly_counts_and_trend_against_statsmodels(hand_result: ProfileResult) -> None:
    v = hand_result.volume
    by_month = dict(v.by_month.iter_rows())
    # April 2020: C20 (recorded 2020-04-01, the first day) and C30 -> 2; March 2022: C21
    # (recorded 2022-03-31, the last day) -> 1; 24 months, 30 crimes.
    assert by_month[date(2020, 4, 1)] == 2 and by_month[date(2022, 3, 1)] == 1
    assert len(by_month) == 24 and sum(by_month.values()) == 30
    # Reference fit: Poisson GLM of the monthly counts on mid-month time with log(days) offset.
    months = sorted(by_month)
    days = np.array(
        [((date(m.year + (m.month == 12), m.month % 12 + 1, 1)) - m).days for m in months],
        dtype=float,
    )
    t = np.array(
        [((m - date(2020, 4, 1)).days + d / 2) / 365.25 for m, d in zip(months, days, strict=True)]
    )
    y = np.array([by_month[m] for m in months], dtype=float)
    fit = sm.GLM(y, sm.add_constant(t), family=sm.families.Poisson(), offset=np.log(days)).fit()
    trend = v.trend
    # 30 crimes over 24 months: no overdispersion to speak of, so the Poisson, with its standard
    # error widened by the Pearson dispersion where that exceeds 1 (quasi-likelihood).
    assert trend.model.startswith("Poisson, quasi-likelihood")
    assert trend.rate_ratio_per_year.estimate == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
    se = float(fit.bse[1]) * math.sqrt(max(1.0, float(fit.pearson_chi2 / fit.df_resid)))
    low, high = np.exp(fit.params[1] + np.array([-1, 1]) * 1.959963984540054 * se)
    assert trend.rate_ratio_per_year.ci_low == pytest.approx(low, rel=1e-4)
    assert trend.rate_ratio_per_year.ci_high == pytest.approx(high, rel=1e-4)


def test_json_has_the_issue_keys(hand_result: ProfileResult) -> None:
    data = hand_result.to_dict()
    keys = [
        "params",
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
        "home_public_ratio",
        "by_offence_group",
        "by_financial_year",
        "excluded_by_rule",
    ]
    assert list(data)[: len(keys)] == keys
    for key in keys[1:9]:
        assert type(data[key]) is int, key
    for key in ("repeat_victim_share", "repeat_offender_share", "harm_share_top_10pct"):
        assert 0 <= data[key] <= 1
    assert set(data["home_public_ratio"]) >= {"estimate", "ci_low", "ci_high"}
    assert data["repeat_victim_share"] == pytest.approx(0.3)
    assert data["harm_share_top_10pct"] == pytest.approx(3837 / TOTAL_HARM)


def test_placement_is_reported_with_the_place_tables(hand_result: ProfileResult) -> None:
    # 30 in-scope crimes: C01-C25, C28-C30 carry an LSOA code that areas.csv holds (28); C26
    # and C27 have coordinates only, inside Dover LSOAs E01024200/E01024201, which areas.csv
    # does not hold: not placed (and counted under district "Not placed" above).
    placement = hand_result.place.placement
    assert placement is not None
    assert (placement.rows, placement.by_code, placement.by_coordinates) == (30, 28, 0)
    assert placement.not_placed == 2
    reasons = dict(placement.table.select("reason", "rows").iter_rows())
    assert reasons["coordinates outside the area covered"] == 2


def test_rfgv_top_band_people_and_their_share_of_harm(hand, hand_settings) -> None:  # type: ignore[no-untyped-def]
    from vawg.profile import profile

    # Default weights (all 1): the top band is 16 of 20 or more; nobody in the hand extract
    # scores above 12 (test_rfgv_ranking), so it is empty and holds none of the harm.
    rf = profile(hand.tables, hand_settings).rfgv
    assert (rf.top_band_score, rf.top_band_people, rf.top_band_harm_share) == (16.0, 0, 0.0)
    # Recency only (weights 1, 0, 0, 0): the band is R 4 or 5 (4 of 5): P15 (0 days, 180 harm
    # days) and P02 (75 days, 1550 harm days). Harm of all 12 people scored (the table's harm
    # column, test_rfgv_ranking): 1915 + 1550 + 180 + 1825 + 1825 + 180 + 90 + 180 + 90 + 10
    # + 5 + 2 = 7852.
    rf = profile(hand.tables, hand_settings.replace(rfgv_weights=(1, 0, 0, 0))).rfgv
    assert rf.top_band_score == 4.0 and rf.top_band_people == 2
    assert rf.top_band_harm_share == pytest.approx((180 + 1550) / 7852)
