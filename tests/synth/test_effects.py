"""Planted effects are in the files: recovered from the CSVs alone, within 99% intervals.

Each check computes its estimate from the written files (DuckDB SQL + statsmodels), never from
the generator's internals, and compares it with the planted value recorded in truth.json. With
``null=True`` the same estimates must be compatible with no effect. 99% intervals are used
because the file runs about a dozen interval checks on fixed seeds.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from vawg.synth import SynthResult

Z99 = 2.5758

BIRTHDAY_OFFSETS = """
WITH pairs AS (
    SELECT f.crime_ref, f.cdate, f.dob FROM flagged f JOIN in_scope s USING (crime_ref)
    WHERE {who} AND f.dob IS NOT NULL
), cand AS (
    SELECT date_diff('day', make_date(CAST(year(cdate) + k AS INTEGER), month(dob),
               CASE WHEN month(dob) = 2 AND day(dob) = 29 THEN 28 ELSE day(dob) END), cdate) AS o,
           crime_ref, cdate, dob
    FROM pairs, (SELECT unnest([-1, 0, 1]) AS k)
)
SELECT arg_min(o, abs(o)) AS offset FROM cand GROUP BY crime_ref, cdate, dob
"""
WHO = {
    "offender": "f.m_adult",
    "victim": "f.f_victim",
}


def _birthday_rr(con: duckdb.DuckDBPyConnection, who: str) -> tuple[float, float, float]:
    """Rate ratio of crimes on the birthday vs an ordinary day (7..175 days away), 99% CI."""
    offsets = np.asarray(
        [r[0] for r in con.execute(BIRTHDAY_OFFSETS.format(who=WHO[who])).fetchall()]
    )
    on_day = int((offsets == 0).sum())
    ordinary = int(((np.abs(offsets) >= 7) & (np.abs(offsets) <= 175)).sum())
    per_day = ordinary / (2 * (175 - 7 + 1))
    rr = on_day / per_day
    se = math.sqrt(1 / on_day + 1 / ordinary)
    return rr, rr * math.exp(-Z99 * se), rr * math.exp(Z99 * se)


def _area_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """
        SELECT a.lsoa_code, CAST(a.population AS INTEGER) AS population,
               CAST(a.imd_decile AS INTEGER) AS imd_decile, CAST(a.pubs AS INTEGER) AS pubs,
               CAST(a.town_centre = 'Y' AS INTEGER) AS town_centre,
               count(s.crime_ref) FILTER (WHERE s.location_type = 'dwelling') AS home,
               count(s.crime_ref) FILTER (WHERE s.location_type NOT IN ('dwelling', 'unknown'))
                   AS public,
               count(s.crime_ref) AS total
        FROM areas a LEFT JOIN in_scope s USING (lsoa_code)
        GROUP BY ALL ORDER BY a.lsoa_code
        """
    ).df()


def _area_fit(counts: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """NB2 regression (alpha estimated) of LSOA counts with a log-population offset."""
    model = sm.NegativeBinomial.from_formula(
        f"{outcome} ~ imd_decile + pubs + town_centre",
        data=counts,
        offset=np.log(counts["population"]),
    )
    fit = model.fit(disp=0, maxiter=200)
    ci = fit.conf_int(alpha=0.01)
    return pd.DataFrame({"rr": np.exp(fit.params), "low": np.exp(ci[0]), "high": np.exp(ci[1])})


def _daily(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> pd.DataFrame:
    daily = con.execute(
        """
        SELECT CAST(w.date AS DATE) AS day, CAST(w.tmax_c AS DOUBLE) AS tmax,
               count(s.crime_ref) AS n
        FROM weather w LEFT JOIN in_scope s ON CAST(LEFT(s.committed_from, 10) AS DATE) = CAST(w.date AS DATE)
        WHERE CAST(w.date AS DATE) BETWEEN DATE '2017-04-01' AND DATE '2022-03-31'
        GROUP BY ALL ORDER BY 1
        """
    ).df()
    day = pd.to_datetime(daily["day"])
    daily["dow"] = day.dt.day_of_week
    daily["month"] = day.dt.month
    daily["years"] = (day - pd.Timestamp("2017-04-01")).dt.days / 365.25
    holidays = pd.to_datetime(truth["planted"]["daily"]["bank_holidays"])
    daily["bank_holiday"] = day.isin(holidays).astype(int)
    lockdown = np.zeros(len(daily), dtype=bool)
    for lo, hi in truth["planted"]["daily"]["lockdowns"]:
        lockdown |= ((day >= lo) & (day <= hi)).to_numpy()
    daily["lockdown"] = lockdown.astype(int)
    return daily


def _tmax_rr(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> tuple[float, float, float]:
    """Quasi-Poisson daily model: RR per degree of tmax with calendar controls, 99% CI."""
    daily = _daily(con, truth)
    fit = smf.glm(
        "n ~ tmax + C(dow) + C(month) + years + bank_holiday + lockdown",
        data=daily,
        family=sm.families.Poisson(),
    ).fit(scale="X2")
    low, high = fit.conf_int(alpha=0.01).loc["tmax"]
    return math.exp(fit.params["tmax"]), math.exp(low), math.exp(high)


# --- planted ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["offender", "victim"])
def test_birthday_effect_recovered(
    who: str, medium: SynthResult, con_medium: duckdb.DuckDBPyConnection
) -> None:
    planted = medium.truth["planted"]["birthday"][f"{who}_birthday"]
    rr, low, high = _birthday_rr(con_medium, who)
    assert low <= planted <= high, (rr, low, high)
    assert low > 1.0


def test_area_effects_recovered_per_place_class(
    medium: SynthResult, con_medium: duckdb.DuckDBPyConnection
) -> None:
    counts = _area_counts(con_medium)
    area = medium.truth["planted"]["area"]
    for outcome, planted in (
        ("home", area["home"]),
        ("public", area["public"]),
        ("total", area["combined_pseudo_true"]),
    ):
        fit = _area_fit(counts, outcome)
        for term in ("imd_decile", "pubs", "town_centre"):
            key = "imd_decile_step" if term == "imd_decile" else term
            row = fit.loc[term]
            assert row["low"] <= planted[key] <= row["high"], (outcome, term, row.to_dict())
    # Deprivation matters more at home, pubs and town centres more in public.
    home, public = _area_fit(counts, "home"), _area_fit(counts, "public")
    assert home.loc["imd_decile", "rr"] < public.loc["imd_decile", "rr"]
    assert public.loc["town_centre", "rr"] > home.loc["town_centre", "rr"]
    assert public.loc["pubs", "low"] > 1


def test_temperature_effect_recovered(
    medium: SynthResult, con_medium: duckdb.DuckDBPyConnection
) -> None:
    planted = medium.truth["planted"]["daily"]["tmax_per_degree"]
    rr, low, high = _tmax_rr(con_medium, medium.truth)
    assert low <= planted <= high, (rr, low, high)
    assert low > 1.0


def test_weekends_busier_than_midweek(
    medium: SynthResult, con_medium: duckdb.DuckDBPyConnection
) -> None:
    daily = _daily(con_medium, medium.truth)
    mean = daily.groupby("dow")["n"].mean()
    assert mean[5] > mean[2] * 1.1 and mean[6] > mean[2] * 1.1


def test_public_survey_effects(medium: SynthResult, con_medium: duckdb.DuckDBPyConnection) -> None:
    row = con_medium.execute(
        """SELECT avg((reported = 'N')::INT) FILTER (WHERE experienced_harassment = 'Y'
                                                     AND reported IS NOT NULL),
                  avg(CAST(feel_safe_town_day AS INTEGER)),
                  avg(CAST(feel_safe_town_night AS INTEGER)),
                  avg((sex = 'F')::INT)
           FROM public_survey"""
    ).fetchone()
    assert row is not None
    not_reported, day, night, female = row
    assert not_reported == pytest.approx(0.63, abs=0.03)
    assert night < day - 0.8
    assert female > 0.6  # self-selected: many more women than in the population
    population = medium.truth["surveys"]["public_survey"]["population_16_plus"]
    # The young are under-represented and report least: weighting raises the share.
    assert population["share_victims_not_reporting"] > not_reported + 0.01


def test_victim_survey_effects(medium: SynthResult, con_medium: duckdb.DuckDBPyConnection) -> None:
    data = con_medium.execute(
        """
        SELECT CAST(v.whole_experience AS INTEGER) AS y,
               CASE WHEN c.outcome_code = '1' THEN 'charged'
                    WHEN c.outcome_code IN ('2', '3', '6', '8') THEN 'out_of_court'
                    WHEN c.outcome_code = '15' THEN 'evidential_difficulties_victim_supports'
                    WHEN c.outcome_code IN ('14', '16') THEN 'victim_does_not_support'
                    WHEN c.outcome_code = '18' THEN 'no_suspect_identified'
                    ELSE 'other' END AS grp,
               date_diff('day', CAST(c.recorded_date AS DATE), CAST(c.outcome_date AS DATE))
                   / 365.25 AS years,
               CAST(v.survey_date AS DATE) > CAST(c.outcome_date AS DATE) AS after_outcome,
               CAST(CAST(v.kept_informed AS INTEGER) >= 5 AS INTEGER) AS kept
        FROM victim_survey v JOIN crimes c USING (crime_ref)
        """
    ).df()
    assert data["after_outcome"].all()
    fit = smf.ols(
        "y ~ C(grp, Treatment(reference='victim_does_not_support')) + years + kept", data=data
    ).fit()
    planted = medium.truth["surveys"]["victim_survey"]["whole_experience_model"]
    ci = fit.conf_int(alpha=0.01)
    charged = "C(grp, Treatment(reference='victim_does_not_support'))[T.charged]"
    gap = planted["charged"] - planted["victim_does_not_support"]
    assert ci.loc[charged, 0] <= gap <= ci.loc[charged, 1], fit.params[charged]
    assert ci.loc[charged, 0] > 0
    assert ci.loc["years", 0] <= planted["per_year_to_outcome"] <= ci.loc["years", 1]
    # Being kept informed (drawn first, independent noise) raises the whole experience.
    assert planted["kept_informed"] == 0.9 and ci.loc["kept", 0] > 0.5


# --- null ------------------------------------------------------------------------------------


def test_null_truth_records_no_effects(null_medium: SynthResult) -> None:
    planted = null_medium.truth["planted"]
    assert planted["daily"]["tmax_per_degree"] == 1.0
    assert planted["birthday"]["offender_birthday"] == 1.0
    assert set(planted["area"]["home"].values()) == {1.0}
    assert planted["area"]["alpha"] == 0.0
    assert planted["careers"]["heavy_tailed"] is False


def test_null_volumes_kept(null_medium: SynthResult, medium: SynthResult) -> None:
    h, n = medium.truth["headline"], null_medium.truth["headline"]
    for key in ("distinct_offenders", "distinct_victims", "crimes_in_scope"):
        assert n[key] == pytest.approx(h[key], rel=0.05), key


@pytest.mark.parametrize("who", ["offender", "victim"])
def test_null_birthday_not_significant(who: str, con_null: duckdb.DuckDBPyConnection) -> None:
    rr, low, high = _birthday_rr(con_null, who)
    assert low <= 1.0 <= high, (rr, low, high)


def test_null_area_not_significant(con_null: duckdb.DuckDBPyConnection) -> None:
    counts = _area_counts(con_null)
    for outcome in ("home", "public", "total"):
        fit = _area_fit(counts, outcome)
        for term in ("imd_decile", "pubs", "town_centre"):
            row = fit.loc[term]
            assert row["low"] <= 1.0 <= row["high"], (outcome, term, row.to_dict())


def test_null_temperature_not_significant(
    null_medium: SynthResult, con_null: duckdb.DuckDBPyConnection
) -> None:
    rr, low, high = _tmax_rr(con_null, null_medium.truth)
    assert low <= 1.0 <= high, (rr, low, high)


def test_hours_evenings_and_weekend_nights(con_medium: duckdb.DuckDBPyConnection) -> None:
    rows = con_medium.execute(
        """
        SELECT location_type = 'dwelling' AS home,
               dayofweek(cdate) IN (0, 6) AS weekend_morning,   -- Sunday 0, Saturday 6
               avg((hour(ts) BETWEEN 0 AND 4)::INT) AS small_hours,
               avg((hour(ts) BETWEEN 17 AND 22)::INT) AS evening
        FROM (SELECT *, CAST(committed_from AS TIMESTAMP) AS ts,
                     CAST(LEFT(committed_from, 10) AS DATE) AS cdate
              FROM in_scope WHERE location_type <> 'unknown')
        GROUP BY ALL
        """
    ).fetchall()
    share = {(home, weekend): (small, evening) for home, weekend, small, evening in rows}
    assert share[(True, False)][1] > 0.35  # home crimes peak in the evening
    # Public crimes in the small hours of Saturday/Sunday (Friday/Saturday nights out).
    assert share[(False, True)][0] > 2 * share[(False, False)][0]
    assert share[(False, True)][0] > share[(True, True)][0]
