"""Who the people are: dates of birth, victims, where victims live, and second people.

* Perpetrators get a date of birth from an age at their first crime in the window (adult men
  mostly 20–50; boys 12–17 for the youth noise), so every later age is consistent.
* Each dyad gets a victim whose age follows the relationship: partners close to the
  perpetrator's age (a little younger, never under 16), family members a generation apart
  (daughters, mothers) or siblings, acquaintance and stranger victims younger on average,
  including girls under 18. About one dyad in ten re-victimises a woman already harmed by
  another perpetrator (matched on age by sorting), so some victims have several perpetrators.
* Victims live in an LSOA drawn from the planted *home* area model; a crime at home happens at
  the victim's home (or, for some ex-partner, family and acquaintance crimes, at the
  perpetrator's home, drawn from the same model); public crimes happen in an LSOA drawn from the
  *public* model. So the planted area effects hold exactly in expectation.
* Second people: children harmed alongside their mother in some intimate dyads, and a second
  male suspect in a few acquaintance/stranger crimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vawg.synth.areas import AreaModel
from vawg.synth.crimes import EX_PARTNER, HOME, PH_ACQUAINTANCE, CrimeSkeleton
from vawg.synth.people import (
    CORE,
    FAMILY,
    FEMALE_SUSPECT,
    INTIMATE,
    MALE_VICTIM,
    OTHER_NON_DA,
    STRANGER,
    UNIDENTIFIED,
    YOUTH,
    Cast,
)

__all__ = [
    "NO_DOB",
    "Identities",
    "assign_identities",
    "identity_parameters",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
NO_DOB = np.iinfo(np.int64).min  # sentinel: date of birth not recorded / no person
_YEAR = 365.25
_REUSE_SHARE = 0.08
_CHILD_DYAD_SHARE = 0.05
_CHILD_PER_CRIME = 0.35
_CO_SUSPECT_SHARE = 0.03
_AT_PERP_HOME = 0.15


@dataclass(frozen=True)
class Identities:
    """People and who was involved in which crime (indices into the people arrays).

    ``person_female``/``person_dob`` (days since 1970-01-01, ``NO_DOB`` if unknown) describe
    every person; ``crime_perp`` is -1 when no suspect was identified. ``extra_*`` are further
    involvements: role 0 = victim (relationship family), 1 = suspect.
    """

    person_female: npt.NDArray[np.bool_]
    person_dob: IntArray
    crime_perp: IntArray
    crime_victim: IntArray
    crime_lsoa: IntArray
    extra_crime: IntArray
    extra_person: IntArray
    extra_role: IntArray


def _clip_age(age: FloatArray, lo: float, hi: float, rng: np.random.Generator) -> FloatArray:
    """Clip ages into [lo, hi] *without* piling them on one value.

    A hard clip would put many dates of birth exactly ``lo`` years before a crime, i.e. crimes
    on birthdays; clipped ages get a uniform fraction of a year instead.
    """
    u = rng.random(age.size)
    return np.where(age < lo, lo + u, np.where(age > hi, hi - u, age))


def _gamma_age(
    lo: float, shape: float, scale: float, n: int, rng: np.random.Generator
) -> FloatArray:
    return _clip_age(lo + rng.gamma(shape, scale, n), lo, 90.0, rng)


def _dob_from_age(day: IntArray, age_years: FloatArray) -> IntArray:
    dob = (day - np.round(age_years * _YEAR)).astype(np.int64)
    # No 29 February birthdays: move them to the 28th so every year has the birthday.
    d = dob.astype("datetime64[D]")
    md = (d - d.astype("datetime64[M]")).astype(np.int64)
    month = d.astype("datetime64[M]").astype(np.int64) % 12
    return np.where((month == 1) & (md == 28), dob - 1, dob).astype(np.int64)


def _sample_lsoa(prob: FloatArray, n: int, rng: np.random.Generator) -> IntArray:
    cum = np.cumsum(prob)
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), prob.size - 1)


def _perp_ages(
    kind: IntArray, domestic: npt.NDArray[np.bool_], rng: np.random.Generator
) -> FloatArray:
    n = kind.size
    age = _gamma_age(18.0, 2.2, 7.5, n, rng)
    age = np.where((kind == CORE) & ~domestic, _gamma_age(18.0, 1.8, 7.0, n, rng), age)
    age = np.where(kind == YOUTH, 12.0 + 5.98 * rng.random(n), age)
    age = np.where(kind == FEMALE_SUSPECT, _gamma_age(16.0, 2.5, 8.0, n, rng), age)
    return np.where(kind == OTHER_NON_DA, _gamma_age(18.0, 2.0, 8.0, n, rng), age)


def _victim_ages(
    rel: IntArray, kind: IntArray, perp_age: FloatArray, rng: np.random.Generator
) -> FloatArray:
    n = rel.size
    partner = _clip_age(perp_age + rng.normal(-2.5, 5.0, n), 16.0, 90.0, rng)
    u = rng.random(n)
    daughter = perp_age - rng.uniform(20.0, 35.0, n)
    mother = perp_age + rng.uniform(20.0, 35.0, n)
    sister = perp_age + rng.normal(0.0, 5.0, n)
    family = np.where(u < 0.40, daughter, np.where(u < 0.75, mother, sister))
    acquaintance = _gamma_age(13.0, 2.0, 6.5, n, rng)
    stranger = _gamma_age(14.0, 2.0, 7.5, n, rng)
    age = np.select(
        [rel == INTIMATE, rel == FAMILY, rel == STRANGER],
        [partner, family, stranger],
        acquaintance,
    )
    peers = perp_age + rng.normal(0.0, 1.5, n)
    youth_family = np.where(
        u < 0.6, perp_age + rng.uniform(22.0, 40.0, n), perp_age + rng.normal(0, 4, n)
    )
    age = np.where(kind == YOUTH, np.where(rel == FAMILY, youth_family, peers), age)
    age = np.where(kind == UNIDENTIFIED, _gamma_age(14.0, 2.0, 8.0, n, rng), age)
    return _clip_age(age, 1.0, 95.0, rng)


def assign_identities(
    cast: Cast,
    crimes: CrimeSkeleton,
    first_day: int,
    areas: AreaModel,
    rng: np.random.Generator,
) -> Identities:
    """Create every person and attach perpetrators, victims and LSOAs to the crimes.

    ``first_day`` is the window's first day in days since 1970-01-01.
    """
    day_abs = first_day + crimes.day
    n_crimes = crimes.dyad.size
    perp_of_crime = cast.dyad_perp[crimes.dyad]

    # Perpetrators: age at their first crime in the window.
    first_perp_day = np.full(cast.n_perps, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_perp_day, perp_of_crime, day_abs)
    seen = first_perp_day < np.iinfo(np.int64).max
    perp_age_first = _perp_ages(cast.perp_kind, cast.perp_domestic, rng)
    perp_dob = np.where(
        seen, _dob_from_age(np.where(seen, first_perp_day, 0), perp_age_first), NO_DOB
    )
    perp_female = cast.perp_female.copy()

    # Victims: one per dyad, aged by relationship at the dyad's first crime.
    first_dyad_day = np.full(cast.n_dyads, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_dyad_day, crimes.dyad, day_abs)
    live = np.flatnonzero(first_dyad_day < np.iinfo(np.int64).max)
    dperp = cast.dyad_perp[live]
    dkind = cast.perp_kind[dperp]
    perp_age_then = (first_dyad_day[live] - perp_dob[dperp]) / _YEAR
    v_age = _victim_ages(cast.dyad_rel[live], dkind, perp_age_then, rng)
    v_dob = _dob_from_age(first_dyad_day[live], v_age)

    victim_of_dyad = np.full(cast.n_dyads, -1, dtype=np.int64)
    core = np.flatnonzero(dkind == CORE)
    reuse_mask = np.zeros(live.size, dtype=bool)
    n_reuse = round(_REUSE_SHARE * core.size)
    shuffled = rng.permutation(core)
    reusers, donors = shuffled[:n_reuse], shuffled[n_reuse : 2 * n_reuse]
    reuse_mask[reusers] = True
    primary = np.flatnonzero(~reuse_mask)
    victim_of_dyad[live[primary]] = np.arange(primary.size, dtype=np.int64)
    # Age-matched re-victimisation: the k-th youngest reuser takes the k-th youngest donor.
    r_sorted = reusers[np.argsort(v_dob[reusers], kind="stable")]
    d_sorted = donors[np.argsort(v_dob[donors], kind="stable")]
    victim_of_dyad[live[r_sorted]] = victim_of_dyad[live[d_sorted]]
    n_victims = primary.size
    victim_dob = v_dob[primary]
    victim_female = dkind[primary] != MALE_VICTIM
    residence = _sample_lsoa(areas.home_prob, n_victims, rng)
    perp_home = _sample_lsoa(areas.home_prob, cast.n_perps, rng)

    # Places: home crimes at the victim's (or sometimes the perpetrator's) home.
    crime_victim_local = victim_of_dyad[crimes.dyad]
    at_perp = (crimes.phase >= EX_PARTNER) & (crimes.phase <= PH_ACQUAINTANCE)
    at_perp &= rng.random(n_crimes) < _AT_PERP_HOME
    at_perp &= cast.perp_kind[perp_of_crime] != UNIDENTIFIED
    home_lsoa = np.where(at_perp, perp_home[perp_of_crime], residence[crime_victim_local])
    public_lsoa = _sample_lsoa(areas.public_prob, n_crimes, rng)
    crime_lsoa = np.where(crimes.place_class == HOME, home_lsoa, public_lsoa).astype(np.int64)

    # Person numbering: perpetrators, then victims, then children, then co-suspects.
    victim_base = cast.n_perps
    crime_perp = np.where(cast.perp_kind[perp_of_crime] == UNIDENTIFIED, -1, perp_of_crime)
    crime_victim = victim_base + crime_victim_local

    # Children harmed alongside their mother in some intimate dyads of adult men.
    intimate_core = live[(cast.dyad_rel[live] == INTIMATE) & (dkind == CORE)]
    child_dyads = intimate_core[rng.random(intimate_core.size) < _CHILD_DYAD_SHARE]
    child_of_dyad = np.full(cast.n_dyads, -1, dtype=np.int64)
    child_base = victim_base + n_victims
    child_of_dyad[child_dyads] = child_base + np.arange(child_dyads.size)
    child_dob = _dob_from_age(first_dyad_day[child_dyads], rng.uniform(1.0, 17.5, child_dyads.size))
    child_female = rng.random(child_dyads.size) < 0.5
    with_child = (child_of_dyad[crimes.dyad] >= 0) & (rng.random(n_crimes) < _CHILD_PER_CRIME)
    child_crimes = np.flatnonzero(with_child)

    # A second adult male suspect in a few acquaintance/stranger crimes.
    non_dom = (crimes.phase >= PH_ACQUAINTANCE) & (crime_perp >= 0)
    non_dom &= cast.perp_kind[perp_of_crime] == CORE
    co_crimes = np.flatnonzero(non_dom & (rng.random(n_crimes) < _CO_SUSPECT_SHARE))
    co_base = child_base + child_dyads.size
    co_people = co_base + np.arange(co_crimes.size)
    co_dob = _dob_from_age(day_abs[co_crimes], _gamma_age(18.0, 2.0, 6.0, co_crimes.size, rng))

    person_female = np.concatenate(
        [perp_female, victim_female, child_female, np.zeros(co_crimes.size, dtype=bool)]
    )
    person_dob = np.concatenate([perp_dob, victim_dob, child_dob, co_dob]).astype(np.int64)
    return Identities(
        person_female=person_female,
        person_dob=person_dob,
        crime_perp=crime_perp.astype(np.int64),
        crime_victim=crime_victim.astype(np.int64),
        crime_lsoa=crime_lsoa,
        extra_crime=np.concatenate([child_crimes, co_crimes]).astype(np.int64),
        extra_person=np.concatenate([child_of_dyad[crimes.dyad[child_crimes]], co_people]).astype(
            np.int64
        ),
        extra_role=np.concatenate(
            [np.zeros(child_crimes.size, dtype=np.int64), np.ones(co_crimes.size, dtype=np.int64)]
        ),
    )


def identity_parameters() -> dict[str, Any]:
    """Shares and age rules of the people model, for truth.json."""
    return {
        "victim_reuse_share_of_core_dyads": _REUSE_SHARE,
        "child_victim_share_of_intimate_dyads": _CHILD_DYAD_SHARE,
        "child_victim_per_crime": _CHILD_PER_CRIME,
        "second_suspect_share_non_domestic": _CO_SUSPECT_SHARE,
        "home_crime_at_perpetrator_home_share": _AT_PERP_HOME,
        "ages": (
            "adult men 18 + gamma(2.2, 7.5) at first crime (non-domestic 18 + gamma(1.8, 7)); "
            "boys 12-18; partners perpetrator age - 2.5 +/- 5 (>= 16); family: daughters "
            "20-35 younger, mothers 20-35 older, sisters +/- 5; acquaintances 13 + gamma(2, 6.5); "
            "strangers 14 + gamma(2, 7.5)"
        ),
    }
