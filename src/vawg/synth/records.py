"""How a crime is written down: recording delay, committed-to time and Home Office offence code.

* Recording delay (committed -> recorded date): most domestic violence is reported the same
  day; courses of conduct (stalking, harassment, coercive control) are recorded weeks after
  they began; sexual offences often weeks or months later (capped at two years).
* ``committed_to``: courses of conduct usually run from the first incident towards the report;
  some single incidents carry an end time minutes or hours later; the rest leave it empty.
* Offence codes are the Home Office codes of the shared spec (harm-and-outcomes.md): 8N/5D
  (violence with injury), 105A/3B, 8Q, 8L/8R, 8U, rape 19C/19D/19E by the victim's age
  (19F/G/H for male victims), other sexual 20A/20B/21/22B by age, criminal damage 58A/58C/58D
  for ``other``; drink spiking has no code; about 2% of codes are simply not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vawg.synth.crimes import (
    COERCIVE,
    DRINK,
    HARASSMENT,
    OTHER,
    OTHER_SEXUAL,
    RAPE,
    STALKING,
    VWI,
    VWOI,
)

__all__ = ["OFFENCE_CODES", "Recording", "record_crimes"]

IntArray = npt.NDArray[np.int64]
_MAX_DELAY = 730
_MISSING_CODE = 0.02
OFFENCE_CODES = ("", "8N", "5D", "105A", "3B", "8Q", "8L", "8R", "8U", "19C", "19D", "19E", "19F",
                 "19G", "19H", "20A", "20B", "21", "22B", "58A", "58C", "58D")  # fmt: skip
_C = {code: i for i, code in enumerate(OFFENCE_CODES)}
_S18_SHARE = 0.015  # share of violence with injury recorded as s.18 GBH (5D)


@dataclass(frozen=True)
class Recording:
    """Per-crime recording details; ``committed_to_minutes`` is -1 when empty."""

    recorded_day: IntArray  # days since 1970-01-01
    committed_to_minutes: IntArray  # minutes after committed_from, or -1
    offence_code: IntArray  # index into OFFENCE_CODES (0 = not recorded)


def _delay(group: IntArray, rng: np.random.Generator) -> IntArray:
    n = group.size
    u = rng.random(n)
    quick = np.where(u < 0.70, 0, rng.integers(1, 4, n))
    violence = np.where(u < 0.90, quick, rng.lognormal(np.log(20.0), 1.0, n))
    course = rng.lognormal(np.log(12.0), 1.2, n)
    rape = np.where(u < 0.40, rng.integers(0, 2, n), rng.lognormal(np.log(60.0), 1.4, n))
    sexual = np.where(u < 0.60, rng.integers(0, 2, n), rng.lognormal(np.log(20.0), 1.3, n))
    drink = np.where(u < 0.50, 0, rng.lognormal(np.log(3.0), 1.0, n))
    delay = np.select(
        [
            np.isin(group, (STALKING, HARASSMENT, COERCIVE)),
            group == RAPE,
            group == OTHER_SEXUAL,
            group == DRINK,
        ],
        [course, rape, sexual, drink],
        violence,
    )
    return np.minimum(np.floor(delay), _MAX_DELAY).astype(np.int64)


def _codes(
    group: IntArray,
    victim_age: npt.NDArray[np.float64],
    victim_female: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> IntArray:
    n = group.size
    u = rng.random(n)
    child, young = victim_age < 13, victim_age < 16
    rape_f = np.where(child, _C["19E"], np.where(young, _C["19D"], _C["19C"]))
    rape_m = np.where(child, _C["19H"], np.where(young, _C["19G"], _C["19F"]))
    sexual_f = np.where(
        child,
        np.where(u < 0.6, _C["20B"], _C["21"]),
        np.where(young, np.where(u < 0.5, _C["22B"], _C["20A"]), _C["20A"]),
    )
    code = np.select(
        [
            group == VWI,
            group == VWOI,
            group == STALKING,
            group == HARASSMENT,
            group == COERCIVE,
            group == RAPE,
            group == OTHER_SEXUAL,
            group == OTHER,
        ],
        [
            np.where(u < _S18_SHARE, _C["5D"], _C["8N"]),
            np.where(u < 0.12, _C["3B"], _C["105A"]),
            np.full(n, _C["8Q"]),
            np.where(u < 0.55, _C["8L"], _C["8R"]),
            np.full(n, _C["8U"]),
            np.where(victim_female, rape_f, rape_m),
            np.where(victim_female, sexual_f, 0),
            np.where(u < 0.60, _C["58A"], np.where(u < 0.85, _C["58C"], _C["58D"])),
        ],
        0,
    )
    return np.where(rng.random(n) < _MISSING_CODE, 0, code).astype(np.int64)


def record_crimes(
    group: IntArray,
    committed_day: IntArray,
    victim_age: npt.NDArray[np.float64],
    victim_female: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> Recording:
    """Recording delay, committed-to and offence code for each crime."""
    n = group.size
    delay = _delay(group, rng)
    course = np.isin(group, (STALKING, HARASSMENT, COERCIVE))
    course_to = np.where(
        delay > 0,
        np.floor(rng.random(n) * delay * 1440).astype(np.int64),
        rng.integers(0, 180, n),
    )
    short_to = rng.integers(5, 240, n)
    u = rng.random(n)
    to_minutes = np.where(course, np.where(u < 0.7, course_to, -1), np.where(u < 0.4, short_to, -1))
    return Recording(
        recorded_day=(committed_day + delay).astype(np.int64),
        committed_to_minutes=to_minutes.astype(np.int64),
        offence_code=_codes(group, victim_age, victim_female, rng),
    )
