"""Planted effects of the synthetic force are recovered; with no effects planted, none is found.

The truth is the generator's truth.json (vawg.synth), written from the parameters it planted:
per place class (home, public) for the area effects, the pseudo-true values a combined model
converges to for all places, the rate ratio per degree of the synthetic daily maximum, and the
birthday rate ratios. One seed here; benchmarks/calibration.py runs many seeds and reports how
often the 95% intervals cover the truth.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
from tests.models.conftest import Force
from tests.pages import assert_opens_offline
from typer.testing import CliRunner

from vawg.cli import app
from vawg.config import Settings
from vawg.models.drivers import EFFECT_KEYS
from vawg.models.public import disclose_drivers
from vawg.query import connect
from vawg.report.drivers import drivers_json
from vawg.report.hotspots import hotspots_json
from vawg.scope import vawg_scope
from vawg.spatial.public import disclose_hotspots

AREA = ("imd_decile_step", "pubs", "town_centre")


@pytest.mark.parametrize("place", ["home", "public"])
def test_planted_area_rate_ratios_lie_in_their_intervals(planted: Force, place: str) -> None:
    fit = planted.drivers.area.fits[place]  # type: ignore[union-attr]
    truth = planted.truth["planted"]["area"][place]
    for key in AREA:
        assert fit.rate_ratios[key].contains(truth[key]), (
            place,
            key,
            fit.rate_ratios[key],
            truth[key],
        )


def test_combined_area_model_covers_the_pseudo_true_values(planted: Force) -> None:
    truth = planted.truth["planted"]["area"]["combined_pseudo_true"]
    for key in AREA:
        assert planted.drivers.effects[key].contains(truth[key]), key


def test_temperature_and_birthdays_lie_in_their_intervals(planted: Force) -> None:
    d = planted.drivers
    assert d.daily is not None and d.daily.temperature == "tmax_c"
    assert d.effects["tmax_per_degree"].contains(
        planted.truth["planted"]["daily"]["tmax_per_degree"]
    )
    birthday = planted.truth["planted"]["birthday"]
    for key in (
        "offender_birthday",
        "victim_birthday",
        "offender_birthday_window",
        "victim_birthday_window",
    ):
        assert d.birthday.effects[key].contains(birthday[key]), key  # type: ignore[union-attr]


def test_no_feed_anomaly_in_a_clean_synthetic_feed(planted: Force, null: Force) -> None:
    assert planted.drivers.anomalies.flagged == ()
    assert null.drivers.anomalies.flagged == ()


def test_null_force_shows_no_significant_effect(null: Force) -> None:
    # Six headline tests: none significant at a family-wise 5% (Bonferroni, 0.05 / 6).
    for key in EFFECT_KEYS:
        p = null.drivers.effects[key].p_value
        assert p is not None and p > 0.05 / len(EFFECT_KEYS), (key, null.drivers.effects[key])


def test_null_force_has_almost_no_hot_spots(null: Force) -> None:
    # FDR control bounds the share of false alarms, not their number; with about 5 public
    # crimes per LSOA at this scale the z-test is a little optimistic (2 of 1,065 LSOAs here,
    # both flagged as few-crimes in the notes). The product's promise: at most 1% on null data.
    for place, result in null.hotspots.by_place.items():
        declared = result.hot_spots + result.cold_spots
        assert declared <= 0.01 * result.table.height, (place, declared)


def test_planted_town_centres_make_public_places_concentrated(planted: Force, null: Force) -> None:
    public = planted.hotspots.concentration["public"]
    assert public.top_share > public.chance_high
    flat = null.hotspots.concentration["public"]
    assert flat.chance_low <= flat.top_share <= flat.chance_high


def test_json_has_the_stable_keys(planted: Force) -> None:
    data = drivers_json(planted.drivers)
    assert set(data["effects"]) == set(EFFECT_KEYS)
    for effect in data["effects"].values():
        assert set(effect) == {"estimate", "ci_low", "ci_high", "p_value"}
    spots = hotspots_json(planted.hotspots)
    assert isinstance(spots["hotspots"], list)
    for row in spots["lsoas"][:5]:
        assert {"lsoa_code", "gi_z", "p_value", "p_perm", "q_value", "declared"} <= set(row)
    json.dumps(data), json.dumps(spots)


def test_public_json_suppresses_small_counts(planted: Force) -> None:
    data = hotspots_json(disclose_hotspots(planted.hotspots, Settings()))
    crimes = [r["crimes"] for r in data["lsoas"]]
    assert all(c is None or c % 5 == 0 for c in crimes)  # withheld, 0, or rounded to 5s
    assert any(c is None for c in crimes)
    assert all("p_sim" not in r and "p_value" not in r and "p_perm" not in r for r in data["lsoas"])
    # No statistic of a withheld LSOA: its z-score, q-value and class go with its count.
    withheld = [r for r in data["lsoas"] if r["crimes"] is None]
    assert all(r["gi_z"] is None and r["hotspot_class"] is None for r in withheld)
    assert all(r["rate"] is None and r["declared"] is None for r in withheld)
    drivers = drivers_json(disclose_drivers(planted.drivers, Settings()))
    age = drivers["age_profile"]["table"]
    assert all(r["people"] is None or r["people"] % 5 == 0 for r in age)
    # The daily model's crimes per series were printed as they were; now rounded.
    series = drivers["daily_model"]["series"]
    assert series and all(s["crimes"] % 5 == 0 for s in series.values())
    # The map of crimes against the model's expectation: rounded or withheld counts, no
    # expected count (with it, the ratio would give the exact count back).
    public_area = disclose_drivers(planted.drivers, Settings()).area
    assert public_area is not None
    lsoas = public_area.lsoas
    assert "expected" not in lsoas.columns and lsoas["crimes"].null_count() > 0
    assert all(c % 5 == 0 for c in lsoas["crimes"].drop_nulls())
    hidden = lsoas.filter(pl.col("crimes").is_null())
    assert hidden["excess_ratio"].null_count() == hidden.height


def test_cli_writes_reports(planted: Force, tmp_path: pytest.TempPathFactory) -> None:
    runner = CliRunner()
    out = str(tmp_path)
    result = runner.invoke(
        app,
        [
            "drivers",
            "--db",
            str(planted.db),
            "--format",
            "json",
            "--out",
            out,
            "--exclude-anomalies",
            "--from",
            "2018-04-01",
            "--to",
            "2021-03-31",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "drivers.json").read_text())  # type: ignore[operator]
    assert data["period"] == ["2018-04-01", "2021-03-31"]
    result = runner.invoke(
        app,
        [
            "hotspots",
            "--db",
            str(planted.db),
            "--out",
            f"{out}/h.html",  # a name with a suffix is the file itself, in that format
            "--set",
            "hotspot_permutations=199",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "h.html").is_file()  # type: ignore[operator]
    page = (tmp_path / "h.html").read_text()  # type: ignore[operator]
    assert_opens_offline(tmp_path / "h.html")  # type: ignore[operator]
    assert "Main points" in page and "confirmed hot spot" in page


def test_main_points_name_the_outcome_their_area_effects_come_from(planted: Force) -> None:
    from vawg.models.mainpoints import AREA_OUTCOME_WORDS, drivers_main_points

    result = planted.drivers
    assert result.area is not None
    fits = result.area.fits
    for point in drivers_main_points(result):
        if not point.topic.startswith(("Each extra pub", "Town-centre areas")):
            continue
        term = "pubs" if point.topic.startswith("Each extra pub") else "town_centre"
        # The topic names one outcome, and the estimate is that outcome's fit.
        named = [o for o, words in AREA_OUTCOME_WORDS.items() if f"({words})" in point.topic]
        assert len(named) == 1, point.topic
        assert point.change is not None
        assert point.change.estimate == fits[named[0]].rate_ratios[term].estimate


def test_the_two_counts_of_the_period_are_said_side_by_side(planted: Force) -> None:
    # The daily model counts crimes by the day committed, the area model by the day recorded:
    # the report's tables showed both (27,134 and 27,109 for the demo) with no word on why.
    d = planted.drivers
    assert d.daily is not None and d.area is not None
    committed = int(d.daily.table.filter(pl.col("series") == "all")["crimes"][0])
    recorded = vawg_scope(connect(planted.db), Settings()).crimes.count().execute()
    assert committed != recorded  # the force has crimes of both kinds
    (note,) = [n for n in d.notes if "by the day they were committed" in n]
    assert f"{committed:,} crimes committed" in note and f"the {recorded:,} crimes recorded" in note
