"""Recorded crime per 1,000 women next to the survey: rates, exact Poisson CIs, correlation."""

from __future__ import annotations

import polars as pl
import pytest
from scipy import stats

from vawg.errors import InputError
from vawg.survey.side_by_side import side_by_side


def _survey(shares: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "indicator": name,
                "dimension": "district",
                "level": d,
                "estimate": v + k / 10,
                "ci_low": v,
                "ci_high": v + 0.2,
                "n": 100,
                "small_base": False,
            }
            for k, name in enumerate(
                ("unsafe_night_share", "harassment_share", "not_reported_share")
            )
            for d, v in shares.items()
        ]
    )


def test_rates_and_exact_poisson_intervals_by_hand() -> None:
    crimes = pl.DataFrame({"district": ["A", "C"], "vawg_crimes": [120, 10]})
    population = pl.DataFrame(
        {"district": ["A", "B", "C"], "female_population": [60_000, 30_000, 5_000]}
    )
    result = side_by_side(crimes, population, _survey({"A": 0.2, "B": 0.3, "C": 0.5}), years=2.0)
    rows = {r["district"]: r for r in result.table.to_dicts()}
    # A: 120 crimes / (60,000 women x 2 years / 1,000) = 1.0 per 1,000 a year.
    assert rows["A"]["rate_per_1000"] == pytest.approx(1.0)
    # B: none recorded; exact 95% upper limit for 0 events is 3.689 events (Garwood).
    assert rows["B"]["vawg_crimes"] == 0 and rows["B"]["rate_ci_low"] == 0
    assert rows["B"]["rate_ci_high"] == pytest.approx(3.6889 / 60, rel=1e-4)
    # C: 10 events, exposure 10 thousand woman-years: exact CI 4.795 to 18.390 events.
    assert rows["C"]["rate_per_1000"] == pytest.approx(1.0)
    assert rows["C"]["rate_ci_low"] == pytest.approx(0.4795, rel=1e-3)
    assert rows["C"]["rate_ci_high"] == pytest.approx(1.8390, rel=1e-3)
    assert rows["C"]["harassment_share"] == pytest.approx(0.6)


def test_spearman_correlation_matches_scipy() -> None:
    crimes = pl.DataFrame({"district": list("ABCD"), "vawg_crimes": [10, 20, 30, 40]})
    population = pl.DataFrame({"district": list("ABCD"), "female_population": [1000] * 4})
    shares = {"A": 0.1, "B": 0.3, "C": 0.2, "D": 0.4}
    result = side_by_side(crimes, population, _survey(shares), years=1.0)
    row = result.correlations.filter(pl.col("indicator") == "unsafe_night_share").row(0, named=True)
    rho, p = stats.spearmanr([10, 20, 30, 40], [0.1, 0.3, 0.2, 0.4])
    assert row["spearman_rho"] == pytest.approx(rho) and row["p_value"] == pytest.approx(p)
    assert row["districts"] == 4


def test_years_must_be_positive() -> None:
    with pytest.raises(InputError, match="years"):
        side_by_side(
            pl.DataFrame({"district": [], "vawg_crimes": []}),
            pl.DataFrame({"district": [], "female_population": []}),
            _survey({}),
            years=0,
        )
