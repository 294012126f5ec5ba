"""The national synthetic force (``geography="england"``): 39 forces, Kent's rates everywhere.

Generated once at national scale 0.05 (about 1.5 times Kent's volume, spread over the 32,844
English LSOAs). Known answers come from outside the generator: the Kent volumes the PCC
published (about 49,000 distinct offenders at Kent scale 1, see test_targets.py) multiplied by
the ratio of the IoD2019 populations (54,728,204 / 1,795,251), the police force areas of the
national reference, and the planted effects in truth.json recovered from the written files by
the project's own area model (``vawg.models.area.fit_area_model``) and by the independent
birthday check of test_effects.py and a daily Poisson model, with 99% intervals.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from tests.synth.conftest import open_scoped
from tests.synth.test_effects import _birthday_rr

from vawg.datasets import england_wales_lsoas, kent_lsoas
from vawg.errors import InputError
from vawg.models.area import fit_area_model
from vawg.synth import SynthResult, generate

NATIONAL_SCALE = 0.05
KENT_TO_ENGLAND = 54_728_204 / 1_795_251
Z99 = 2.5758


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(
        tmp_path_factory.mktemp("national"), scale=NATIONAL_SCALE, seed=0, geography="england"
    )


@pytest.fixture(scope="module")
def con_national(national: SynthResult) -> duckdb.DuckDBPyConnection:
    return open_scoped(national.out_dir)


def test_every_english_lsoa_in_its_force(national: SynthResult) -> None:
    areas = pl.read_csv(national.files["areas"], infer_schema=False)
    assert areas.height == 32_844
    assert areas["district"].n_unique() == 317
    assert areas["force"].n_unique() == 39
    reference = england_wales_lsoas().filter(pl.col("country") == "England")
    assert areas.select("lsoa_code", "force").equals(reference.select("lsoa_code", "force"))
    geo = national.truth["geography"]
    assert geo["volume_in_kents_at_scale_1"] == pytest.approx(KENT_TO_ENGLAND, rel=1e-6)
    assert "PROXY" in geo["town_centres"]
    assert (areas["town_centre"] == "Y").sum() == national.truth["planted"]["area"][
        "town_centre_lsoas"
    ]
    crimes = pl.read_csv(national.files["crimes"], columns=["crime_ref"], n_rows=5)
    assert crimes["crime_ref"].str.starts_with("EN").all()


def test_national_volumes_are_kent_rates_times_population(national: SynthResult) -> None:
    h = national.truth["headline"]
    expected = 49_000 * NATIONAL_SCALE * KENT_TO_ENGLAND  # about 74,700
    assert h["distinct_offenders"] == pytest.approx(expected, rel=0.04)
    assert h["harm_share_top_10pct"] == pytest.approx(0.63, abs=0.03)


def test_force_filter_gives_a_force_sized_subset(
    national: SynthResult, con_national: duckdb.DuckDBPyConnection
) -> None:
    total, kent = con_national.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE a.force = 'Kent')
        FROM crimes c JOIN areas a USING (lsoa_code)
        """
    ).fetchone()  # type: ignore[misc]
    lsoas, districts = con_national.execute(
        "SELECT count(*), count(DISTINCT district) FROM areas WHERE force = 'Kent'"
    ).fetchone()  # type: ignore[misc]
    assert (lsoas, districts) == (1_065, 13)
    share = kent / total
    population_share = 1 / KENT_TO_ENGLAND  # 3.3%
    # Per-head rates differ between forces only through deprivation, pubs and town centres.
    assert 0.75 * population_share < share < 1.25 * population_share, share
    kent_codes = set(kent_lsoas()["lsoa_code"])
    areas = pl.read_csv(national.files["areas"], infer_schema=False)
    assert set(areas.filter(pl.col("force") == "Kent")["lsoa_code"]) == kent_codes


def _area_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return pl.from_arrow(
        con.execute(
            """
            SELECT a.lsoa_code, a.district, CAST(a.population AS INTEGER) AS population,
                   CAST(a.imd_decile AS INTEGER) AS imd_decile, CAST(a.pubs AS INTEGER) AS pubs,
                   a.town_centre = 'Y' AS town_centre,
                   count(s.crime_ref) FILTER (WHERE s.location_type = 'dwelling') AS home,
                   count(s.crime_ref) FILTER (WHERE s.location_type NOT IN ('dwelling', 'unknown'))
                       AS public,
                   count(s.crime_ref) AS "all"
            FROM areas a LEFT JOIN in_scope s USING (lsoa_code)
            GROUP BY ALL ORDER BY a.lsoa_code
            """
        ).arrow()
    )  # type: ignore[return-value]


def _widen_to_99(estimate: float, low: float, high: float) -> tuple[float, float]:
    se = (math.log(high) - math.log(low)) / (2 * 1.959964)
    return estimate * math.exp(-Z99 * se), estimate * math.exp(Z99 * se)


def test_area_effects_recovered_by_the_area_model(
    national: SynthResult, con_national: duckdb.DuckDBPyConnection
) -> None:
    frame = _area_frame(con_national)
    assert frame.height == 32_844
    result = fit_area_model(frame, outcomes=("home", "public", "all"))
    area = national.truth["planted"]["area"]
    for outcome, planted in (
        ("home", area["home"]),
        ("public", area["public"]),
        ("all", area["combined_pseudo_true"]),
    ):
        fit = result.fits[outcome]
        for term in ("imd_decile_step", "pubs", "town_centre"):
            e = fit.rate_ratios[term]
            low, high = _widen_to_99(e.estimate, e.ci_low, e.ci_high)
            assert low <= planted[term] <= high, (outcome, term, e)
    home, public = result.fits["home"].rate_ratios, result.fits["public"].rate_ratios
    assert home["imd_decile_step"].ci_high < 1  # more crime where deprivation is higher
    assert public["town_centre"].ci_low > home["town_centre"].ci_high


def _daily_committed(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> pd.DataFrame:
    """Every recorded crime by the day it was committed, 2017-04-01..2022-03-31, with weather.

    The trend is planted on committed dates; the recorded-date scope would lose the crimes
    committed near the end of the period but recorded after it, and bias the trend down.
    """
    daily = con.execute(
        """
        SELECT CAST(w.date AS DATE) AS day, CAST(w.tmax_c AS DOUBLE) AS tmax,
               count(c.crime_ref) AS n
        FROM weather w
        LEFT JOIN crimes c ON CAST(LEFT(c.committed_from, 10) AS DATE) = CAST(w.date AS DATE)
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


def test_temperature_and_trend_recovered(
    national: SynthResult, con_national: duckdb.DuckDBPyConnection
) -> None:
    daily = _daily_committed(con_national, dict(national.truth))
    fit = smf.glm(
        "n ~ tmax + C(dow) + C(month) + years + bank_holiday + lockdown",
        data=daily,
        family=sm.families.Poisson(),
    ).fit(scale="X2")
    ci = np.exp(fit.conf_int(alpha=0.01))
    planted = national.truth["planted"]["daily"]
    assert ci.loc["tmax", 0] <= planted["tmax_per_degree"] <= ci.loc["tmax", 1]
    assert ci.loc["years", 0] <= planted["trend_per_year"] <= ci.loc["years", 1]
    assert ci.loc["tmax", 0] > 1 and ci.loc["years", 0] > 1


@pytest.mark.parametrize("who", ["offender", "victim"])
def test_birthday_recovered(
    who: str, national: SynthResult, con_national: duckdb.DuckDBPyConnection
) -> None:
    planted = national.truth["planted"]["birthday"][f"{who}_birthday"]
    rr, low, high = _birthday_rr(con_national, who)
    assert low <= planted <= high, (rr, low, high)


def test_one_force_alone(tmp_path: Path) -> None:
    cumbria = generate(tmp_path, scale=0.5, seed=2, geography="england", force="Cumbria")
    areas = pl.read_csv(cumbria.files["areas"], infer_schema=False)
    assert areas.height == 321 and set(areas["force"]) == {"Cumbria"}
    assert cumbria.truth["geography"]["label"] == "Cumbria"
    people = 498_032 / 1_795_251  # Cumbria's population in Kents
    expected = 49_000 * 0.5 * people
    assert cumbria.truth["headline"]["distinct_offenders"] == pytest.approx(expected, rel=0.08)
    refs = pl.read_csv(cumbria.files["crimes"], columns=["crime_ref"], n_rows=3)
    assert refs["crime_ref"].str.starts_with("F02").all()
    readme = cumbria.files["readme"].read_text(encoding="utf-8")
    assert readme.startswith("# Synthetic Cumbria force extract")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"geography": "scotland"}, "not one of kent, england"),
        ({"geography": "kent", "force": "Cumbria"}, "--geography england"),
        ({"geography": "england", "force": "Gwent"}, "is in Wales"),
        ({"geography": "england", "scale": 3.0}, "about twice England"),
    ],
)
def test_geography_errors_name_the_fix(
    tmp_path: Path, kwargs: dict[str, object], needle: str
) -> None:
    with pytest.raises(InputError, match=needle):
        generate(tmp_path / "x", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


def test_cli_force_implies_the_national_reference(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import vawg.cli.synth  # noqa: F401  (registers the command)
    from vawg.cli._app import app

    out = tmp_path / "cleveland"
    done = CliRunner().invoke(
        app, ["synth", "--out", str(out), "--force", "cleveland", "--scale", "0.2"]
    )
    assert done.exit_code == 0, done.output
    assert "352 real LSOAs of Cleveland" in done.output.replace("\n", " ")
    assert set(pl.read_csv(out / "areas.csv")["force"]) == {"Cleveland"}
    bad = CliRunner().invoke(app, ["synth", "--out", str(out), "--geography", "wales"])
    assert bad.exit_code == 2
