"""The planted birthday effect: some crimes are moved onto the perpetrator's or victim's birthday.

Before this step a crime's date is independent of the birthdays of the people in it, so its
offset from a birthday is uniform over the year. Each crime then independently moves, with
probability p, to the nearest birthday of its perpetrator (or, with q, to the day before or
after it), and with p', q' likewise for its victim. With the remaining mass
x = 1 - p - q, a birthday receives x/365.25 + p of a person's crimes against x/365.25 on an
ordinary day, so the rate ratio is exactly

    RR_birthday = 1 + 365.25 p / (1 - p - q),   RR_window = 1 + 365.25 (q/2) / (1 - p - q)

and solving for p, q plants the requested ratios. Moves onto the victim's birthday leave the
offset from the perpetrator's birthday uniform (the two birthdays are independent), so the two
effects do not disturb each other. A move that would leave the window is not made (a small
loss at the window edges). A second suspect's birthday is not planted, so a per-suspect
analysis that includes second suspects sees a ratio diluted by their small share.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vawg.synth.params import PlantedEffects

__all__ = ["move_probabilities", "move_to_birthdays", "nearest_birthday"]

IntArray = npt.NDArray[np.int64]
_YEAR = 365.25


def move_probabilities(rr_day: float, rr_window: float) -> tuple[float, float]:
    """(p, q): probability of a move onto the birthday, and onto one of the days either side."""
    excess = (rr_day - 1.0) + 2.0 * (rr_window - 1.0)
    x = 1.0 / (1.0 + excess / _YEAR)
    return (rr_day - 1.0) * x / _YEAR, 2.0 * (rr_window - 1.0) * x / _YEAR


def nearest_birthday(day: IntArray, dob: IntArray) -> IntArray:
    """The birthday (days since 1970-01-01) nearest to ``day`` for dates of birth ``dob``.

    Dates of birth are never 29 February (see ``victims.py``), so every year has the birthday.
    """
    d = dob.astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    day_in_month = (d - month_start.astype("datetime64[D]")).astype(np.int64)
    month_of_year = month_start.astype(np.int64) % 12
    year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    best = np.zeros(day.size, dtype=np.int64)
    best_gap = np.full(day.size, np.iinfo(np.int64).max)
    for shift in (-1, 0, 1):
        months = ((year + shift) * 12 + month_of_year).astype("datetime64[M]")
        candidate = (months.astype("datetime64[D]") + day_in_month).astype(np.int64)
        gap = np.abs(candidate - day)
        better = gap < best_gap
        best = np.where(better, candidate, best)
        best_gap = np.where(better, gap, best_gap)
    return best


def move_to_birthdays(
    day: IntArray,
    perp_dob: IntArray,
    victim_dob: IntArray,
    has_perp_dob: npt.NDArray[np.bool_],
    has_victim_dob: npt.NDArray[np.bool_],
    window: tuple[int, int],
    effects: PlantedEffects,
    rng: np.random.Generator,
) -> IntArray:
    """New crime days (days since 1970-01-01) after the planted birthday moves."""
    p_o, q_o = move_probabilities(effects.offender_birthday, effects.offender_birthday_window)
    p_v, q_v = move_probabilities(effects.victim_birthday, effects.victim_birthday_window)
    u = rng.random(day.size)
    side = np.where(rng.random(day.size) < 0.5, -1, 1)
    cuts = np.cumsum([p_o, q_o, p_v, q_v])
    choice = np.searchsorted(cuts, u, side="right")  # 0..3 move, 4 stay
    new = day.copy()
    safe_perp = np.where(has_perp_dob, perp_dob, 0)
    safe_victim = np.where(has_victim_dob, victim_dob, 0)
    perp_bd = nearest_birthday(day, safe_perp)
    victim_bd = nearest_birthday(day, safe_victim)
    targets = (
        (0, perp_bd, has_perp_dob),
        (1, perp_bd + side, has_perp_dob),
        (2, victim_bd, has_victim_dob),
        (3, victim_bd + side, has_victim_dob),
    )
    for code, target, ok in targets:
        move = (choice == code) & ok & (target >= window[0]) & (target <= window[1])
        new = np.where(move, target, new)
    return new.astype(np.int64)
