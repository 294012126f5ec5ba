"""The programme cohort on a hand-built history: each covariate on the index date, the
matched comparison, who is left out and why, and the reoffending that follows."""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl
import pytest

from vawg.config import Settings
from vawg.programme.cohort import build_cohort, offence_history
from vawg.programme.outcomes import cox_hazard_ratio, reoffending

D = date(2021, 1, 1)  # P1's referral date (his index date)
LAST = date(2022, 6, 30)  # the data end
_DAY0 = date(1970, 1, 1)
REFERRED = {"P1": D, "P2": D - timedelta(days=25)}  # first referral of each referred man


def _day(offset: int) -> date:
    return D + timedelta(days=offset)


def _history() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    # (crime, perpetrator, victim, day offset from D, harm days, domestic abuse)
    rows = [
        ("c1", "P1", "V1", -200, 10.0, True),
        ("c2", "P1", "V2", -40, 30.0, True),
        ("c3", "P1", "V2", -10, 1825.0, False),
        ("c4", "P1", "V3", 50, 20.0, True),  # after the start: a new victim
        ("d1", "C1", "W1", -201, 10.0, True),  # C1 is P1's twin, one day earlier
        ("d2", "C1", "W2", -41, 30.0, True),
        ("d3", "C1", "W2", -11, 1825.0, False),
        ("d4", "C1", "W2", 20, 5.0, True),  # after: the same victim, day 20
        ("e1", "C2", "X1", -700, 5.0, False),  # C2: one old offence, nothing like P1
        ("f1", "C3", "Y1", -900, 5.0, True),  # C3: outside the look-back: not a candidate
        ("g1", "P2", "Z1", -30, 10.0, True),  # P2 is referred elsewhere: never a comparison
        ("g2", "P2", "Z1", -20, 10.0, True),
    ]
    crimes = pl.DataFrame(
        {
            "crime_ref": [r[0] for r in rows],
            "day": [_day(r[3]) for r in rows],
            "harm_days": [r[4] for r in rows],
            "domestic_abuse": [r[5] for r in rows],
        }
    )
    offenders = pl.DataFrame({"crime_ref": [r[0] for r in rows], "person_id": [r[1] for r in rows]})
    victims = pl.DataFrame({"crime_ref": [r[0] for r in rows], "person_id": [r[2] for r in rows]})
    births = pl.DataFrame(
        {
            "person_id": ["P1", "C1", "C2", "C3", "P2"],
            "date_of_birth": [
                date(1990, 1, 1),
                date(1990, 1, 1),
                date(1960, 1, 1),
                date(1980, 1, 1),
                None,
            ],
        }
    )
    return crimes, offenders, victims, births


def _referrals() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": ["P1", "P2", "P1"],
            "programme": ["Choices"] * 3,
            "referral_date": [D, _day(-25), _day(100)],
            "start_date": [_day(20), _day(-5), None],
            "completed": ["completed", "left early", "not known yet"],
            "end_date": [_day(182), None, None],
        }
    )


def test_covariates_on_the_index_date_by_hand() -> None:
    history = offence_history(*_history())
    settings = Settings(programme_comparisons=1)
    cohort = build_cohort(_referrals().head(1), history, REFERRED, LAST, settings)
    p1 = cohort.table.filter(pl.col("person_id") == "P1").row(0, named=True)
    assert p1["prior_offences"] == 3
    assert p1["recent_offences"] == 2  # day -40 and day -10 are within 91 days
    assert p1["days_since_last"] == 10
    assert p1["log_last_gap"] == pytest.approx(math.log1p(30))
    assert p1["domestic_share"] == pytest.approx(2 / 3)
    assert p1["current_victim_offences"] == 2  # his latest victim V2, twice
    # RFGV with the default bands: recency 10 days -> 5; 3 crimes -> 3; 1865 harm days -> 5;
    # 2 victims -> 2.
    assert p1["rfgv_score"] == 15
    assert p1["age"] == pytest.approx((D - date(1990, 1, 1)).days / 365.25)
    assert p1["time_at_risk"] == (LAST - D).days


def test_latest_victim_is_the_same_whatever_order_the_rows_come_in() -> None:
    # P1's last day (day -10) holds two offences against two victims: c3 against V2 and c3b
    # against V9. Ties on a day go in crime-reference order, so his latest victim is V9's
    # (c3b comes after c3) and he has one offence against her, whichever order the database
    # returns the rows in.
    crimes, offenders, victims, births = _history()
    crimes = pl.concat(
        [
            crimes,
            pl.DataFrame(
                {
                    "crime_ref": ["c3b"],
                    "day": [_day(-10)],
                    "harm_days": [5.0],
                    "domestic_abuse": [True],
                }
            ),
        ]
    )
    offenders = pl.concat([offenders, pl.DataFrame({"crime_ref": ["c3b"], "person_id": ["P1"]})])
    victims = pl.concat([victims, pl.DataFrame({"crime_ref": ["c3b"], "person_id": ["V9"]})])
    settings = Settings(programme_comparisons=1)
    seen = set()
    for seed in range(6):
        shuffled = [
            frame.sample(fraction=1.0, shuffle=True, seed=seed)
            for frame in (crimes, offenders, victims, births)
        ]
        history = offence_history(*shuffled)
        cohort = build_cohort(_referrals().head(1), history, REFERRED, LAST, settings)
        p1 = cohort.table.filter(pl.col("person_id") == "P1").row(0, named=True)
        seen.add(p1["current_victim_offences"])
    assert seen == {1}


def test_the_twin_is_the_comparison_and_the_others_are_not() -> None:
    history = offence_history(*_history())
    settings = Settings(programme_comparisons=1)
    cohort = build_cohort(_referrals(), history, REFERRED, LAST, settings)
    table = cohort.table
    assert table.filter(pl.col("group") == "comparison")["person_id"].to_list() == ["C1"]
    assert set(table["person_id"]) == {"P1", "C1"}  # P2: no date of birth; C3, C2 not chosen
    assert cohort.excluded == {
        "never started": 1,
        "no date of birth": 1,
    }
    assert table.filter(pl.col("person_id") == "C1")["set_id"][0] == f"P1@{D}"


def test_reoffending_by_hand() -> None:
    history = offence_history(*_history())
    settings = Settings(programme_comparisons=1)
    cohort = build_cohort(_referrals().head(1), history, REFERRED, LAST, settings)
    out = reoffending(cohort.table, history, (LAST - _DAY0).days, 730, 365)
    p1 = out.filter(pl.col("person_id") == "P1").row(0, named=True)
    c1 = out.filter(pl.col("person_id") == "C1").row(0, named=True)
    assert (p1["days"], p1["event"]) == (50, 1)
    # P1's next offence is against a new victim: no same-victim reoffence by the end.
    assert (p1["days_same_victim"], p1["event_same_victim"]) == ((LAST - D).days, 0)
    assert p1["harm_followup"] == 20.0
    assert (c1["days"], c1["event"]) == (20, 1)
    assert (c1["days_same_victim"], c1["event_same_victim"]) == (20, 1)
    assert c1["harm_followup"] == 5.0


def test_cox_needs_reoffences_in_both_groups() -> None:
    frame = pl.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"],
            "group": ["participant", "participant", "comparison", "comparison"],
            "days": [10, 20, 30, 40],
            "event": [1, 1, 0, 0],
        }
    )
    from vawg.errors import ModelError

    with pytest.raises(ModelError, match="no reoffence in one of the groups"):
        cox_hazard_ratio(frame, "days", "event")
