"""Every person's history on a day, from the sorted arrays, against a plain loop over them.

:func:`vawg.programme.cohort._history_on` works out each covariate for every person in a few
vectorised passes (the next offence of the same person, the previous offence of the same
pair); the reference here walks the offences one by one, as the definitions read.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from vawg.config import Settings
from vawg.programme.cohort import RECENT_DAYS, OffenceHistory, _history_on, offence_history

DAY0 = date(1970, 1, 1)
START = date(2020, 1, 1)
SETTINGS = Settings(programme_lookback_days=120, rfgv_window_days=60)


@st.composite
def histories(draw: st.DrawFn) -> tuple[OffenceHistory, int]:
    """Up to 40 offences by 5 men against 6 women over 200 days; some with 2 victims."""
    n = draw(st.integers(1, 40))
    rows = []
    for i in range(n):
        day = draw(st.integers(0, 200))
        victims = draw(st.lists(st.sampled_from("ABCDEF"), min_size=1, max_size=2, unique=True))
        for v in victims:
            rows.append((f"c{i:02d}", draw(st.sampled_from("PQRST")), v, day))
    # one perpetrator per crime (the first drawn), as the extract has it here
    first = {}
    for crime, man, _, _ in rows:
        first.setdefault(crime, man)
    crimes = pl.DataFrame(
        {
            "crime_ref": sorted(first),
            "day": [
                START + timedelta(days=next(r[3] for r in rows if r[0] == c)) for c in sorted(first)
            ],
            "harm_days": [float(draw(st.integers(0, 400))) for _ in first],
            "domestic_abuse": [draw(st.booleans()) for _ in first],
        }
    )
    offenders = pl.DataFrame({"crime_ref": list(first), "person_id": list(first.values())})
    victims = pl.DataFrame({"crime_ref": [r[0] for r in rows], "person_id": [r[2] for r in rows]})
    births = pl.DataFrame({"person_id": list("PQRST"), "date_of_birth": [date(1990, 1, 1)] * 5})
    history = offence_history(crimes, offenders, victims, births)
    index = (START - DAY0).days + draw(st.integers(0, 260))
    return history, index


def _reference(h: OffenceHistory, index: int) -> dict[str, list[float]]:
    lookback, window = SETTINGS.programme_lookback_days, SETTINGS.rfgv_window_days
    n = len(h.people)
    out: dict[str, list[float]] = {
        k: [0.0] * n for k in ("prior", "recent", "gap", "domestic", "since", "victims", "current")
    }
    for p in range(n):
        mine = [i for i in range(h.day.size) if h.person[i] == p]
        back = [i for i in mine if index - lookback <= h.day[i] < index]
        out["prior"][p] = len(back)
        out["recent"][p] = sum(1 for i in mine if index - RECENT_DAYS <= h.day[i] < index)
        out["domestic"][p] = sum(h.domestic[i] for i in back)
        out["gap"][p] = float(h.day[back[-1]] - h.day[back[-2]]) if len(back) > 1 else lookback
        out["since"][p] = float(index - h.day[back[-1]]) if back else lookback + 1.0
        pairs = [i for i in range(h.pair_day.size) if h.pair_person[i] == p]
        in_window = {h.pair_victim[i] for i in pairs if index - window <= h.pair_day[i] < index}
        out["victims"][p] = len(in_window)
        recent_pairs = [i for i in pairs if index - lookback <= h.pair_day[i] < index]
        if recent_pairs:
            latest = h.pair_victim[recent_pairs[-1]]  # pairs are in day order
            out["current"][p] = sum(1 for i in recent_pairs if h.pair_victim[i] == latest)
    return out


@settings(max_examples=150, deadline=None)
@given(histories())
def test_the_history_on_a_day_is_the_plain_loop(case: tuple[OffenceHistory, int]) -> None:
    h, index = case
    got = _history_on(h, index, SETTINGS)
    want = _reference(h, index)
    assert got["prior_offences"].to_list() == want["prior"]
    assert got["recent_offences"].to_list() == want["recent"]
    assert got["days_since_last"].to_list() == want["since"]
    assert got["current_victim_offences"].to_list() == want["current"]
    assert np.allclose(got["log_last_gap"].to_numpy(), np.log1p(want["gap"]))
    share = [d / p if p else 0.0 for d, p in zip(want["domestic"], want["prior"], strict=True)]
    assert np.allclose(got["domestic_share"].to_numpy(), share)
    assert got["rfgv_score"].to_list() == _scores(h, index, want)


def _more(value: float, edges: tuple[float, ...]) -> int:
    """1 below the first edge, 2 from it, ... 5 from the fourth."""
    return 1 + sum(value >= e for e in edges)


def _scores(h: OffenceHistory, index: int, want: dict[str, list[float]]) -> list[float]:
    """RFGV, the four bands added with the default weights of 1 (4 with no crime in the
    window); recency counts days from the last offence of the look-back."""
    window = SETTINGS.rfgv_window_days
    scores = []
    for p in range(len(h.people)):
        mine = [i for i in range(h.day.size) if h.person[i] == p]
        scored = [i for i in mine if index - window <= h.day[i] < index]
        if not scored:
            scores.append(4.0)
            continue
        since = want["since"][p]
        recency = 6 - _more(since, tuple(e + 0.5 for e in SETTINGS.rfgv_recency_days))
        frequency = _more(len(scored), SETTINGS.rfgv_frequency_crimes)
        gravity = _more(sum(h.harm[i] for i in scored), SETTINGS.rfgv_gravity_days)
        victims = _more(want["victims"][p], SETTINGS.rfgv_victims)
        scores.append(float(recency + frequency + gravity + victims))
    return scores
