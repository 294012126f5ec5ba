"""Crimes of each dyad: when, what, where (class and type) and at what hour.

Crimes are laid out in operational time inside their dyad's span (see ``people.py``), kept if
they fall in the window, then given: the relationship as recorded (an intimate dyad's crimes
after separation are ex-partner crimes), an offence group drawn from the relationship's mix, a
place class (home, public, or a home/public crime whose location was not recorded: ``unknown``),
a committed date by mapping operational time through that class's cumulative daily intensity,
and an hour drawn from the class's hour-by-day-of-week profile (evenings; weekend nights for
public places). Domestic abuse (partner, ex-partner and family) happens mostly at home; public
sexual offences are mostly by strangers and acquaintances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vawg.schema import LOCATION_TYPES, OFFENCE_GROUPS
from vawg.synth.calendar import DailyIntensity, days_from_optime
from vawg.synth.people import (
    FAMILY,
    INTIMATE,
    OTHER_NON_DA,
    STRANGER,
    UNIDENTIFIED,
    Cast,
)
from vawg.synth.sampling import categorical

__all__ = [
    "GROUPS",
    "LOCATION_TYPES",
    "PHASE_NAMES",
    "CrimeSkeleton",
    "crime_parameters",
    "lay_out_crimes",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Offence groups and location types are the data contract's (indices below follow their order).
GROUPS = OFFENCE_GROUPS
VWI, VWOI, STALKING, HARASSMENT, COERCIVE, RAPE, OTHER_SEXUAL, DRINK, OTHER = range(9)

# Recorded relationship of the victim to the suspect, per crime.
PHASE_NAMES = ("partner", "ex_partner", "family", "acquaintance", "stranger")
PARTNER, EX_PARTNER, PH_FAMILY, PH_ACQUAINTANCE, PH_STRANGER = range(5)

# Offence-group mix by recorded relationship (order of GROUPS); rows are normalised. The rape
# and other-sexual shares of partner and acquaintance crimes are calibrated so that, under the
# generator's CCHI 2026 harm (synth/harm.py), about 10% of perpetrators cause 63% of harm.
_GROUP_MIX: dict[str, tuple[float, ...]] = {
    "partner": (0.200, 0.480, 0.010, 0.075, 0.110, 0.033, 0.023, 0.0, 0.012),
    "ex_partner": (0.090, 0.300, 0.200, 0.300, 0.020, 0.014, 0.027, 0.0, 0.020),
    "family": (0.250, 0.520, 0.010, 0.150, 0.030, 0.010, 0.030, 0.0, 0.015),
    "acquaintance": (0.080, 0.200, 0.120, 0.280, 0.0, 0.065, 0.220, 0.010, 0.0),
    "stranger": (0.100, 0.250, 0.010, 0.200, 0.0, 0.030, 0.360, 0.040, 0.0),
    "unidentified": (0.050, 0.150, 0.120, 0.300, 0.0, 0.050, 0.250, 0.080, 0.0),
}

# P(home, public, unknown) by recorded relationship.
_PLACE_MIX: dict[str, tuple[float, float, float]] = {
    "partner": (0.935, 0.040, 0.025),
    "ex_partner": (0.700, 0.270, 0.030),
    "family": (0.920, 0.055, 0.025),
    "acquaintance": (0.450, 0.520, 0.030),
    "stranger": (0.060, 0.910, 0.030),
}
HOME, PUBLIC = 0, 1

# P(public location type) over LOCATION_TYPES[1:8].
_PUBLIC_TYPE_MIX: dict[str, tuple[float, ...]] = {
    "domestic": (0.60, 0.06, 0.05, 0.10, 0.12, 0.01, 0.06),
    "non_domestic": (0.42, 0.18, 0.10, 0.10, 0.10, 0.04, 0.06),
    "drink_spiking": (0.03, 0.90, 0.0, 0.0, 0.02, 0.0, 0.05),
}

# Hour-of-day weights (0..23) on an ordinary weekday; weekend nights are boosted below.
_HOURS_HOME = (2.0, 1.5, 1.0, 0.7, 0.5, 0.5, 0.8, 1.5, 2.0, 2.5, 3.0, 3.5,
               3.5, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 7.5, 7.5, 7.0, 5.5, 3.5)  # fmt: skip
_HOURS_PUBLIC = (3.0, 2.0, 1.5, 1.0, 0.6, 0.5, 0.8, 2.0, 3.5, 3.5, 3.5, 4.0,
                 4.5, 4.5, 4.5, 5.0, 5.5, 5.5, 5.0, 5.0, 5.0, 5.0, 5.0, 4.0)  # fmt: skip
# (class) -> (boost for 00-04 on Sat/Sun mornings, boost for 20-23 on Fri/Sat evenings)
_WEEKEND_NIGHT_BOOST = {HOME: (1.6, 1.2), PUBLIC: (3.5, 2.0)}


@dataclass(frozen=True)
class CrimeSkeleton:
    """Crimes committed in the window, before people, places and outcomes are attached."""

    dyad: IntArray
    phase: IntArray
    group: IntArray
    place_class: IntArray  # HOME or PUBLIC (the class whose daily pattern and areas apply)
    unknown_location: BoolArray
    location_type: IntArray  # index into LOCATION_TYPES
    day: IntArray  # index into the window's days
    hour: IntArray
    minute: IntArray


def _rows(table: Mapping[str, tuple[float, ...]], keys: list[str]) -> FloatArray:
    return np.asarray([table[k] for k in keys], dtype=np.float64)


def _hours(
    place_class: IntArray, day_of_week: IntArray, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    n = place_class.size
    # Profiles per (class, dow): 2 x 7 x 24.
    prof = np.empty((2, 7, 24))
    for cls, base in ((HOME, _HOURS_HOME), (PUBLIC, _HOURS_PUBLIC)):
        early, late = _WEEKEND_NIGHT_BOOST[cls]
        for dow in range(7):
            w = np.asarray(base, dtype=np.float64).copy()
            if dow in (5, 6):  # Saturday, Sunday small hours follow Friday/Saturday night
                w[0:5] *= early
            if dow in (4, 5):  # Friday, Saturday evenings
                w[20:24] *= late
            prof[cls, dow] = w / w.sum()
    hour = categorical(prof.reshape(14, 24), place_class * 7 + day_of_week, rng)
    minute = np.where(rng.random(n) < 0.35, 0, rng.integers(0, 60, n)).astype(np.int64)
    return hour, minute


def lay_out_crimes(
    cast: Cast,
    window_days: int,
    intensity: DailyIntensity,
    rng: np.random.Generator,
) -> CrimeSkeleton:
    """Place every dyad's crimes in time, keep those in the window, and give them their kind."""
    dyad = np.repeat(np.arange(cast.n_dyads, dtype=np.int64), cast.dyad_crimes)
    v = rng.random(dyad.size)
    t = cast.dyad_start[dyad] + cast.dyad_span[dyad] * v
    keep = (t >= 0) & (t < window_days)
    dyad, v, t = dyad[keep], v[keep], t[keep]
    n = dyad.size
    rel = cast.dyad_rel[dyad]
    kind = cast.perp_kind[cast.dyad_perp[dyad]]

    phase = np.select(
        [rel == INTIMATE, rel == FAMILY, rel == STRANGER],
        [np.where(v < cast.dyad_separation[dyad], PARTNER, EX_PARTNER), PH_FAMILY, PH_STRANGER],
        PH_ACQUAINTANCE,
    ).astype(np.int64)

    mix_keys = [*PHASE_NAMES, "unidentified"]
    row = np.where(kind == UNIDENTIFIED, len(PHASE_NAMES), phase)
    group = categorical(_rows(_GROUP_MIX, mix_keys), row, rng)
    group = np.where(kind == OTHER_NON_DA, OTHER, group)

    place_table = _rows(_PLACE_MIX, list(PHASE_NAMES))
    place = categorical(place_table, phase, rng)  # 0 home, 1 public, 2 unknown
    place = np.where(group == DRINK, np.where(place == 2, 2, PUBLIC), place)
    unknown = place == 2
    # An unknown-location crime keeps a home/public class for its timing and area.
    home_given_known = place_table[:, HOME] / (1 - place_table[:, 2])
    hidden = np.where(rng.random(n) < home_given_known[phase], HOME, PUBLIC)
    hidden = np.where(group == DRINK, PUBLIC, hidden)
    place_class = np.where(unknown, hidden, place).astype(np.int64)

    domestic = phase <= PH_FAMILY
    type_key = np.where(group == DRINK, 2, np.where(domestic, 0, 1))
    type_table = _rows(_PUBLIC_TYPE_MIX, ["domestic", "non_domestic", "drink_spiking"])
    public_type = 1 + categorical(type_table, type_key.astype(np.int64), rng)
    location_type = np.where(place_class == HOME, 0, public_type)
    location_type = np.where(unknown, len(LOCATION_TYPES) - 1, location_type).astype(np.int64)

    u = t / window_days
    day = np.empty(n, dtype=np.int64)
    for cls, name in ((HOME, "home"), (PUBLIC, "public")):
        m = place_class == cls
        day[m] = days_from_optime(u[m], intensity.cumulative(name))
    dow = ((intensity.days[day].astype(np.int64) + 3) % 7).astype(np.int64)
    hour, minute = _hours(place_class, dow, rng)
    return CrimeSkeleton(
        dyad=dyad,
        phase=phase,
        group=group.astype(np.int64),
        place_class=place_class,
        unknown_location=unknown,
        location_type=location_type,
        day=day,
        hour=hour,
        minute=minute,
    )


def crime_parameters() -> dict[str, Any]:
    """The crime-level mixes and hour profiles, for truth.json (rows normalised)."""

    def norm(table: Mapping[str, tuple[float, ...]], labels: tuple[str, ...]) -> dict[str, Any]:
        return {
            k: {lab: round(v / sum(row), 6) for lab, v in zip(labels, row, strict=True)}
            for k, row in table.items()
        }

    return {
        "offence_group_mix_by_relationship": norm(_GROUP_MIX, GROUPS),
        "place_mix_by_relationship": norm(_PLACE_MIX, ("home", "public", "unknown")),
        "public_location_type_mix": norm(_PUBLIC_TYPE_MIX, LOCATION_TYPES[1:8]),
        "hour_weights_weekday": {"home": list(_HOURS_HOME), "public": list(_HOURS_PUBLIC)},
        "weekend_night_boost": {
            "hours": "x early for 00-04 on Saturday/Sunday, x late for 20-23 on Friday/Saturday",
            "home": dict(zip(("early", "late"), _WEEKEND_NIGHT_BOOST[HOME], strict=True)),
            "public": dict(zip(("early", "late"), _WEEKEND_NIGHT_BOOST[PUBLIC], strict=True)),
        },
    }
