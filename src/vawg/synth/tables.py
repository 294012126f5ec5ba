"""Turn the generated arrays into the force extract: crimes, people and involvements.

Everything here is formatting and bookkeeping, no new behaviour except the recording noise a
real extract has: about 3% of people without a date of birth, a few with sex ``U``, some victim
relationships recorded as ``unknown``, coordinates missing for some crimes and the LSOA code
missing for a share of those with coordinates (:mod:`vawg.synth.places`). Identifiers are
pseudonymous: people are numbered in a random order, crimes in order of recording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.synth.areas import AreaModel
from vawg.synth.crimes import GROUPS, LOCATION_TYPES, PHASE_NAMES, CrimeSkeleton
from vawg.synth.outcomes import Outcomes
from vawg.synth.places import blank_codes, points_in_lsoas
from vawg.synth.records import OFFENCE_CODES, Recording
from vawg.synth.victims import NO_DOB, Identities

__all__ = ["ForceTables", "build_force_tables"]

IntArray = npt.NDArray[np.int64]
_NO_DOB_SHARE = 0.03
_SEX_U_SHARE = 0.003
_UNKNOWN_RELATIONSHIP = 0.04
_NO_COORDINATES = 0.12
_POSITIVE_OUTCOMES = (1, 2, 3, 4, 6, 8)


@dataclass(frozen=True)
class ForceTables:
    """The three force-extract tables and the CJS events, ready to write.

    ``person_number``: the pseudonymous number (``person_id`` without its ``P``) of each
    generated person, -1 for people in no kept crime.
    """

    crimes: pl.DataFrame
    people: pl.DataFrame
    involvements: pl.DataFrame
    cjs_events: pl.DataFrame
    person_number: IntArray


def _days_to_date(days: IntArray) -> pl.Series:
    return pl.Series(days.astype("datetime64[D]")).cast(pl.Date)


def _labels(name: str, values: tuple[str | None, ...], index: IntArray) -> pl.Series:
    """Text labels looked up by integer code (no numpy string arrays: they are slow and big)."""
    return pl.Series(name, list(values), dtype=pl.String).gather(index)


_REL_LABELS: tuple[str | None, ...] = (*PHASE_NAMES, "unknown", "family", None)
_UNKNOWN_REL, _FAMILY_REL, _NO_REL = len(PHASE_NAMES), len(PHASE_NAMES) + 1, len(PHASE_NAMES) + 2
_ROLE_LABELS = ("victim", "suspect", "offender")


def build_force_tables(
    skeleton: CrimeSkeleton,
    ids: Identities,
    committed_day: IntArray,
    rec: Recording,
    outcomes: Outcomes,
    domestic: npt.NDArray[np.bool_],
    keep: npt.NDArray[np.bool_],
    areas: AreaModel,
    rng: np.random.Generator,
    ref_prefix: str = "KT",
    *,
    place_rng: np.random.Generator,
    blank_lsoa_share: float,
) -> ForceTables:
    """Assemble the contract tables for the crimes flagged in ``keep``.

    Crime references are ``ref_prefix`` + a number from 10,000,001 in order of recording.
    ``place_rng`` draws the redraws of coordinates that fell outside their LSOA and which codes
    are blanked (``blank_lsoa_share`` of crimes with coordinates), so ``rng``'s stream, and every
    other column, is the same whatever the share.
    """
    from vawg.ingest.boundaries import shipped_boundaries

    rows = np.flatnonzero(keep)
    n = rows.size
    # Crime references in order of recording (ties broken at random, reproducibly).
    minutes = committed_day[rows] * 1440 + skeleton.hour[rows] * 60 + skeleton.minute[rows]
    order = np.lexsort((rng.random(n), minutes, rec.recorded_day[rows]))
    rows = rows[order]
    minutes = minutes[order]
    crime_index = np.full(keep.size, -1, dtype=np.int64)
    crime_index[rows] = np.arange(n)
    refs = (ref_prefix + pl.Series("crime_ref", np.arange(n) + 10_000_001).cast(pl.String)).alias(
        "crime_ref"
    )

    lsoa = ids.crime_lsoa[rows]
    table = areas.table
    unit_e = rng.normal(0, 150, n) / 150.0
    unit_n = rng.normal(0, 150, n) / 150.0
    no_xy = skeleton.unknown_location[rows] | (rng.random(n) < _NO_COORDINATES)
    east, north, has_polygon = points_in_lsoas(
        table["lsoa_code"].to_numpy()[lsoa],
        table["easting"].to_numpy()[lsoa].astype(np.float64),
        table["northing"].to_numpy()[lsoa].astype(np.float64),
        unit_e,
        unit_n,
        shipped_boundaries(),
        place_rng,
    )
    # Only a crime whose LSOA has a shipped polygon can be placed back by its coordinates.
    no_code = blank_codes(~no_xy, blank_lsoa_share, place_rng) & has_polygon
    to_min = rec.committed_to_minutes[rows]
    code = outcomes.code[rows]
    timestamp = "%Y-%m-%d %H:%M"
    crimes = pl.DataFrame(
        [
            refs,
            _days_to_date(rec.recorded_day[rows]).alias("recorded_date"),
            pl.Series("committed_from", (minutes * 60_000).astype("datetime64[ms]")),
            pl.Series("committed_to", ((minutes + to_min) * 60_000).astype("datetime64[ms]")),
            pl.Series("to_missing", to_min < 0),
            _labels("offence_code", (None, *OFFENCE_CODES[1:]), rec.offence_code[rows]),
            _labels("offence_group", GROUPS, skeleton.group[rows]),
            _labels("domestic_abuse", ("N", "Y"), domestic[rows].astype(np.int64)),
            _labels("location_type", LOCATION_TYPES, skeleton.location_type[rows]),
            table["lsoa_code"].gather(lsoa),
            pl.Series("no_code", no_code),
            pl.Series("easting", east.astype(np.int64)),
            pl.Series("northing", north.astype(np.int64)),
            pl.Series("no_xy", no_xy),
            pl.Series("outcome_code", code),
            _days_to_date(outcomes.day[rows]).alias("outcome_date"),
        ]
    ).select(
        "crime_ref",
        "recorded_date",
        pl.col("committed_from").dt.strftime(timestamp),
        pl.when(pl.col("to_missing"))
        .then(None)
        .otherwise(pl.col("committed_to").dt.strftime(timestamp))
        .alias("committed_to"),
        "offence_code",
        "offence_group",
        "domestic_abuse",
        "location_type",
        pl.when(pl.col("no_code")).then(None).otherwise("lsoa_code").alias("lsoa_code"),
        pl.when(pl.col("no_xy")).then(None).otherwise("easting").alias("easting"),
        pl.when(pl.col("no_xy")).then(None).otherwise("northing").alias("northing"),
        pl.when(pl.col("outcome_code") > 0).then("outcome_code").alias("outcome_code"),
        pl.when(pl.col("outcome_code") > 0).then("outcome_date").alias("outcome_date"),
    )

    # Involvements: victim, suspect (or offender once a positive outcome is recorded), extras.
    role_main = np.where(np.isin(code, _POSITIVE_OUTCOMES), 2, 1)
    perp = ids.crime_perp[rows]
    has_perp = perp >= 0
    relationship = skeleton.phase[rows]
    no_suspect_rel = np.where(rng.random(n) < 0.6, _UNKNOWN_REL, PHASE_NAMES.index("stranger"))
    relationship = np.where(has_perp, relationship, no_suspect_rel)
    relationship = np.where(rng.random(n) < _UNKNOWN_RELATIONSHIP, _UNKNOWN_REL, relationship)
    extra_ok = crime_index[ids.extra_crime] >= 0
    e_crime = crime_index[ids.extra_crime[extra_ok]]
    e_person = ids.extra_person[extra_ok]
    e_victim = ids.extra_role[extra_ok] == 0
    inv_crime = np.concatenate([np.arange(n), np.arange(n)[has_perp], e_crime])
    inv_person = np.concatenate([ids.crime_victim[rows], perp[has_perp], e_person])
    inv_role = np.concatenate(
        [
            np.zeros(n, dtype=np.int64),
            role_main[has_perp],
            np.where(e_victim, 0, role_main[e_crime]),
        ]
    )
    inv_rel = np.concatenate(
        [
            relationship,
            np.full(int(has_perp.sum()), _NO_REL),
            np.where(e_victim, _FAMILY_REL, _NO_REL),
        ]
    )
    # One row per (crime, person): the first, in order. numpy, not a polars unique on two
    # columns, which needed about 1 GB of scratch per 5 million rows at national scale.
    _, first = np.unique(inv_crime * np.int64(ids.person_dob.size) + inv_person, return_index=True)
    first.sort()
    inv_crime, inv_person, inv_role, inv_rel = (
        a[first] for a in (inv_crime, inv_person, inv_role, inv_rel)
    )

    # People: only those involved; pseudonymous numbering in random order.
    used = np.unique(inv_person)
    pseudo = rng.permutation(used.size) + 1_000_001
    person_id = np.full(ids.person_dob.size, -1, dtype=np.int64)
    person_id[used] = pseudo
    dob = ids.person_dob[used]
    missing_dob = (dob == NO_DOB) | (rng.random(used.size) < _NO_DOB_SHARE)
    sex = np.where(ids.person_female[used], 1, 0)
    sex = np.where(rng.random(used.size) < _SEX_U_SHARE, 2, sex).astype(np.int64)
    people = (
        pl.DataFrame(
            [
                pl.Series("pid", pseudo),
                _labels("sex", ("M", "F", "U"), sex),
                _days_to_date(np.where(missing_dob, 0, dob)).alias("date_of_birth"),
                pl.Series("missing", missing_dob),
            ]
        )
        .sort("pid")
        .select(
            ("P" + pl.col("pid").cast(pl.String)).alias("person_id"),
            "sex",
            pl.when(~pl.col("missing")).then("date_of_birth").alias("date_of_birth"),
        )
    )
    inv_pid = person_id[inv_person]
    order = np.lexsort((inv_pid, inv_role, inv_crime))  # by crime, role, person (no ties)
    involvements = pl.DataFrame(
        [
            refs.gather(inv_crime[order]),
            ("P" + pl.Series("pid", inv_pid[order]).cast(pl.String)).alias("person_id"),
            _labels("role", _ROLE_LABELS, inv_role[order]),
            _labels("relationship", _REL_LABELS, inv_rel[order]),
        ]
    )
    cjs = outcomes.cjs.with_columns(pl.Series("ci", crime_index[outcomes.cjs["crime"].to_numpy()]))
    cjs = cjs.filter(pl.col("ci") >= 0).sort("ci", "day", "stage")
    cjs_events = pl.DataFrame(
        [
            refs.gather(cjs["ci"]),
            pl.Series("stage", cjs["stage"]),
            _days_to_date(cjs["day"].to_numpy()).alias("date"),
            pl.Series("result", cjs["result"]),
        ]
    )
    return ForceTables(
        crimes=crimes,
        people=people,
        involvements=involvements,
        cjs_events=cjs_events,
        person_number=person_id,
    )
