"""``generate()``: build a synthetic Kent force extract with planted, recorded effects.

The pipeline: weather (real HadCET mean, synthetic max) -> daily intensities -> LSOAs with
pubs, town centres and frailties -> perpetrators and dyads -> crimes in time -> people, victims
and places -> birthday moves -> recording -> outcomes and CJS events -> tables -> surveys ->
files -> truth recomputed from the files -> ``truth.json`` and ``README.md``.

Every random step draws from its own child of ``numpy.random.SeedSequence(seed)``, so the same
seed gives byte-identical files and changing one step does not reshuffle the others.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from vawg.errors import InputError
from vawg.synth.areas import AreaModel, build_area_model, pseudo_true_combined
from vawg.synth.birthdays import move_probabilities, move_to_birthdays
from vawg.synth.calendar import BANK_HOLIDAYS, LOCKDOWNS, daily_intensity
from vawg.synth.crimes import PH_FAMILY, crime_parameters, lay_out_crimes
from vawg.synth.geography import MAX_KENT_MULTIPLE, Geography, load_geography
from vawg.synth.harm import harm_parameters
from vawg.synth.interventions import plant_interventions
from vawg.synth.outcomes import assign_outcomes, outcome_parameters
from vawg.synth.params import PlantedEffects, check_effects
from vawg.synth.people import (
    CORE,
    OTHER_NON_DA,
    UNIDENTIFIED,
    YOUTH,
    career_parameters,
    draw_cast,
)
from vawg.synth.places import DEFAULT_BLANK_SHARE
from vawg.synth.programme import PROGRAMME_NAME, ProgrammePlan, plant_programme
from vawg.synth.readme import readme_text
from vawg.synth.records import record_crimes
from vawg.synth.surveys import public_survey, victim_survey
from vawg.synth.tables import build_force_tables
from vawg.synth.truth import compute_truth
from vawg.synth.victims import NO_DOB, assign_identities, identity_parameters
from vawg.synth.weather import synthesise_weather

__all__ = ["MARGIN_DAYS", "Progress", "SynthResult", "generate"]

MARGIN_DAYS = 183  # generation window = period +/- this; the extract date is the window end
Progress = Callable[[str, float], None]
_STEPS = (
    "weather",
    "areas",
    "careers",
    "crimes",
    "people",
    "recording",
    "interventions",
    "outcomes",
    "tables",
    "surveys",
    "writing",
    "truth",
)


@dataclass(frozen=True)
class SynthResult:
    """What ``generate`` wrote: file paths by table name, row counts, and the truth dict."""

    out_dir: Path
    files: Mapping[str, Path]
    row_counts: Mapping[str, int]
    truth: Mapping[str, Any]


def _check_arguments(scale: float, seed: int, start: date, end: date) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale):
        raise InputError(f"scale = {scale!r} is not a number; give a positive number such as 1.0.")
    if scale <= 0:
        raise InputError(
            f"scale = {scale!r} must be > 0; it multiplies people and crimes (1.0 = Kent-sized, "
            "0.05 for a quick test)."
        )
    if scale > 50:
        raise InputError(f"scale = {scale!r} is above 50; generate at most 50x Kent (e.g. 10).")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed = {seed!r} must be a whole number >= 0, e.g. 0.")
    if start > end:
        raise InputError(
            f"from = {start.isoformat()} is after to = {end.isoformat()}; swap them or give a "
            "start on or before the end (e.g. --from 2017-04-01 --to 2022-03-31)."
        )


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the operating system (glibc only; elsewhere a no-op).

    numpy's many medium-sized arrays live on the C heap, and glibc keeps the pages of freed
    ones: at 15 times Kent about 0.7 GB stayed resident while the truth re-read the files.
    ``malloc_trim`` returns them, so the next step's peak starts from what is really in use.
    (The arrays are freed as their last reference goes: a garbage collection first made no
    difference to the peak at 15 times Kent, 3.18–3.23 GB with it and 3.22 GB without, and
    cost 0.13 s a call in a process that has imported the analyses, as the demo's has.)
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _write_csv(df: pl.DataFrame, path: Path) -> None:
    df.write_csv(path, include_header=True, null_value="", line_terminator="\n")


def _write_parquet(df: pl.DataFrame, path: Path) -> None:
    """Parquet whose every value is the text the CSV would hold (empty = null).

    Ingest reads Parquet columns as text and checks them like CSV fields, so the two formats
    load to the same database; dates and integers are written as in the CSV.
    """
    df.with_columns(pl.all().cast(pl.String)).write_parquet(path, compression="zstd")


def generate(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 0,
    start: date = date(2017, 4, 1),
    end: date = date(2022, 3, 31),
    null: bool = False,
    effects: PlantedEffects | None = None,
    progress: Progress | None = None,
    geography: str = "kent",
    force: str | None = None,
    parquet: bool = False,
    blank_lsoa_share: float = DEFAULT_BLANK_SHARE,
) -> SynthResult:
    """Write a synthetic force extract, area, weather and survey files, truth.json and README.

    ``null=True`` plants no effects (every rate ratio 1, Poisson careers) at the same volumes;
    it cannot be combined with ``effects``. ``progress`` is called with (step, fraction done).
    ``geography`` is ``kent`` or ``england`` (every English LSOA, 39 forces), ``force`` one
    English force of the national reference (:mod:`vawg.synth.geography`); ``scale`` multiplies
    the geography's own volume (1.0 = Kent-sized for Kent, national-sized for England).
    ``parquet=True`` writes the tables as Parquet (text columns, the CSV's values) instead of
    CSV: a third of the size, and quicker to load at national scale.
    ``blank_lsoa_share`` of the crimes with coordinates are written without an LSOA code, so
    analyses must place them by their coordinates (0 keeps every code).
    """
    _check_arguments(scale, seed, start, end)
    if not (isinstance(blank_lsoa_share, int | float) and 0.0 <= blank_lsoa_share <= 1.0):
        raise InputError(
            f"blank_lsoa_share = {blank_lsoa_share!r} must be between 0 and 1, e.g. 0.2."
        )
    geo = load_geography(geography, force)
    if scale * geo.volume > MAX_KENT_MULTIPLE:
        raise InputError(
            f"scale = {scale!r} for {geo.label} is {scale * geo.volume:.0f} times Kent; the "
            f"generator goes up to {MAX_KENT_MULTIPLE:.0f} (about twice England), e.g. "
            f"scale = {MAX_KENT_MULTIPLE / geo.volume / 2:.2g}."
        )
    if null and effects is not None:
        raise InputError("null=True and effects were both given; pass one of them, not both.")
    eff = PlantedEffects.null() if null else (effects if effects is not None else PlantedEffects())
    check_effects(eff)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"out_dir = {str(out)!r} is a file; give a directory path.")

    def step(name: str) -> None:
        if progress is not None:
            progress(name, _STEPS.index(name) / len(_STEPS))

    first, last = start - timedelta(days=MARGIN_DAYS), end + timedelta(days=MARGIN_DAYS)
    tables, areas, extra_truth = _simulate(
        eff, scale, seed, start, end, first, last, step, geo, blank_lsoa_share
    )
    step("writing")
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for name, df in tables.items():
        path = out / f"{name}.{'parquet' if parquet else 'csv'}"
        (_write_parquet if parquet else _write_csv)(df, path)
        files[name] = path
    row_counts = {name: df.height for name, df in tables.items()}
    crimes = tables["crimes"]
    has_xy = crimes["easting"].is_not_null()
    recording = {
        "blank_lsoa_share": blank_lsoa_share,
        "crimes_with_coordinates": int(has_xy.sum()),
        "crimes_without_lsoa_code": int(crimes["lsoa_code"].is_null().sum()),
        "coordinates": (
            "whole metres strictly inside the crime's LSOA boundary where the package ships one "
            "(Kent and Medway), so placing such a crime by its coordinates recovers its LSOA "
            "exactly; elsewhere the LSOA's population-weighted centroid plus 150 m of normal "
            "noise, and the code is never blanked"
        ),
    }
    del tables, crimes  # the truth is read back from the files; free the frames first

    step("truth")
    _release_freed_memory()
    headline = compute_truth(out, start, end)
    truth: dict[str, Any] = {
        "synthetic": True,
        "generator": "vawg.synth",
        "seed": seed,
        "scale": scale,
        "geography": geo.to_dict(),
        "null": null,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "window": {
            "first": first.isoformat(),
            "last": last.isoformat(),
            "extract_date": last.isoformat(),
        },
        "scope_rule": (
            "recorded_date in [start, end]; >=1 victim with sex F; >=1 suspect/offender with sex M "
            "aged 18+ (completed years) on committed_from, no DOB = not 18+; domestic_abuse = Y or "
            "offence_group != other"
        ),
        "headline": headline,
        "planted": {
            **_planted(eff, areas, headline),
            "safer_streets": extra_truth["safer_streets"],
            "programme": extra_truth["programme"],
        },
        "recording": recording,
        "surveys": {k: extra_truth[k] for k in ("public_survey", "victim_survey")},
    }
    (out / "truth.json").write_text(
        json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(readme_text(truth), encoding="utf-8")
    files["truth"] = out / "truth.json"
    files["readme"] = out / "README.md"
    if progress is not None:
        progress("done", 1.0)
    return SynthResult(
        out_dir=out,
        files=files,
        row_counts=row_counts,
        truth=truth,
    )


def _simulate(
    eff: PlantedEffects,
    scale: float,
    seed: int,
    start: date,
    end: date,
    first: date,
    last: date,
    step: Callable[[str], None],
    geo: Geography,
    blank_lsoa_share: float = DEFAULT_BLANK_SHARE,
) -> tuple[dict[str, pl.DataFrame], AreaModel, dict[str, Any]]:
    """Every random step, from weather to surveys: the tables to write and what truth needs."""
    from vawg.datasets import hadcet_daily

    volume = scale * geo.volume  # in Kents: what the people and crimes are scaled by

    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(14)]
    first_day = int(np.datetime64(first, "D").astype(np.int64))
    last_day = int(np.datetime64(last, "D").astype(np.int64))
    window_days = last_day - first_day + 1

    step("weather")
    weather = synthesise_weather(hadcet_daily(), first, last, rngs[0])
    intensity = daily_intensity(weather.days, weather.tmax_c, eff, start)
    step("areas")
    areas = build_area_model(geo.lsoas, eff, rngs[1])
    step("careers")
    cast = draw_cast(volume, float(window_days), eff.heavy_tailed_careers, rngs[2])
    step("crimes")
    skel = lay_out_crimes(cast, window_days, intensity, rngs[3])
    step("people")
    ids = assign_identities(cast, skel, first_day, areas, rngs[4])
    perp_dob = np.where(ids.crime_perp >= 0, ids.person_dob[np.maximum(ids.crime_perp, 0)], NO_DOB)
    victim_dob = ids.person_dob[ids.crime_victim]
    day = move_to_birthdays(
        first_day + skel.day,
        perp_dob,
        victim_dob,
        perp_dob != NO_DOB,
        victim_dob != NO_DOB,
        (first_day, last_day),
        eff,
        rngs[5],
    )
    step("recording")
    victim_age = (day - victim_dob) / 365.25
    victim_female = ids.person_female[ids.crime_victim]
    rec = record_crimes(skel.group, day, victim_age, victim_female, rngs[6])
    kind = cast.perp_kind[cast.dyad_perp[skel.dyad]]
    domestic = (skel.phase <= PH_FAMILY) & (kind != UNIDENTIFIED) & (kind != OTHER_NON_DA)
    step("interventions")
    programme: ProgrammePlan | None = None
    # Safer Streets schemes everywhere (Kent's named town centres, else the largest districts');
    # the perpetrator programme is one PCC's own scheme, planted for Kent only.
    places = plant_interventions(
        areas,
        ids.crime_lsoa,
        day,
        skel.hour,
        skel.place_class,
        skel.unknown_location,
        eff.safer_streets,
        rngs[11],
    )
    ids = dataclasses.replace(ids, crime_lsoa=places.crime_lsoa)
    if geo.name == "kent":
        programme = plant_programme(
            ids.crime_perp,
            (cast.perp_kind == CORE) & cast.perp_domestic,
            day,
            (rec.recorded_day <= last_day) & ~places.prevented,
            last_day,
            volume,
            eff.programme,
            rngs[12],
        )
    del cast, perp_dob, victim_dob, victim_age, victim_female
    step("outcomes")
    outcomes = assign_outcomes(
        skel.group,
        domestic,
        ids.crime_perp >= 0,
        kind == YOUTH,
        rec.recorded_day,
        last_day,
        eff.outcome_differences,
        rngs[7],
    )
    step("tables")
    _release_freed_memory()
    keep = rec.recorded_day <= last_day
    keep &= ~places.prevented
    if programme is not None:
        keep &= ~programme.prevented
    force = build_force_tables(
        skel,
        ids,
        day,
        rec,
        outcomes,
        domestic,
        keep,
        areas,
        rngs[8],
        geo.crime_ref_prefix,
        place_rng=rngs[13],
        blank_lsoa_share=blank_lsoa_share,
    )
    del skel, ids, rec, outcomes, day, domestic, keep, kind
    step("surveys")
    pub = public_survey(geo.district_population, eff.public_survey, rngs[9])
    vic = victim_survey(
        force.crimes,
        force.involvements,
        force.people,
        areas,
        start,
        end,
        last,
        volume,
        eff.victim_survey,
        rngs[10],
    )
    tables: dict[str, pl.DataFrame] = {
        "crimes": force.crimes,
        "people": force.people,
        "involvements": force.involvements,
        "cjs_events": force.cjs_events,
        "areas": areas.areas_frame(),
        "weather": weather.to_frame(),
        "public_survey": pub.table,
        "victim_survey": vic.table,
    }
    not_planted = {
        "planted": False,
        "reason": (
            f"not planted for {geo.label}: the perpetrator programme is the Kent PCC's own "
            "scheme; use --geography kent"
        ),
    }
    tables["interventions"] = places.table
    if programme is not None:
        tables["programme_participants"] = _participants(programme, force.person_number)
    return (
        tables,
        areas,
        {
            "public_survey": pub.truth,
            "victim_survey": vic.truth,
            "safer_streets": places.truth,
            "programme": programme.truth if programme is not None else not_planted,
        },
    )


def _participants(plan: ProgrammePlan, person_number: np.ndarray) -> pl.DataFrame:
    """programme_participants.csv: one row per referral, in order of referral."""

    def dates(days: np.ndarray) -> pl.Series:
        return pl.Series(days.astype("datetime64[D]")).cast(pl.Date)

    frame = pl.DataFrame(
        [
            pl.Series("number", person_number[plan.perp]),
            pl.Series("programme", [PROGRAMME_NAME] * plan.perp.size, dtype=pl.String),
            dates(plan.referral_day).alias("referral_date"),
            dates(plan.start_day).alias("start_date"),
            pl.Series("completed_code", plan.completed),
            dates(np.maximum(plan.end_day, 0)).alias("end"),
            pl.Series("has_end", plan.end_day >= 0),
        ]
    ).filter(pl.col("number") >= 0)
    return frame.sort("referral_date", "number").select(
        ("P" + pl.col("number").cast(pl.String)).alias("person_id"),
        "programme",
        "referral_date",
        "start_date",
        pl.when(pl.col("completed_code") == 1)
        .then(pl.lit("Y"))
        .when(pl.col("completed_code") == 0)
        .then(pl.lit("N"))
        .alias("completed"),
        pl.when(pl.col("has_end")).then(pl.col("end")).alias("end_date"),
    )


def _planted(eff: PlantedEffects, areas: AreaModel, headline: Mapping[str, Any]) -> dict[str, Any]:
    p_o, q_o = move_probabilities(eff.offender_birthday, eff.offender_birthday_window)
    p_v, q_v = move_probabilities(eff.victim_birthday, eff.victim_birthday_window)
    combined = pseudo_true_combined(
        areas, eff, float(headline["home_crimes"]), float(headline["public_crimes"])
    )
    t = areas.table
    return {
        "effects": eff.to_dict(),
        "area": {
            "home": eff.to_dict()["home_area"],
            "public": eff.to_dict()["public_area"],
            "combined_pseudo_true": combined,
            "alpha": eff.area_alpha,
            "frailty_note": (
                "alpha is the variance of the mean-one gamma frailty per LSOA, shared by home and "
                "public crimes; repeat crimes within a dyad add further (linear) overdispersion, so "
                "an NB2 fit estimates a somewhat larger alpha"
            ),
            "rate_denominator": "LSOA population (all ages, mid-2015)",
            "town_centre_lsoas": int(t["town_centre"].sum()),
            "pubs_total": int(t["pubs"].sum()),
            "town_centres": [
                {"lsoa_code": code, "town": town}
                for code, town in t.filter(pl.col("town_centre"))
                .select("lsoa_code", "town_centre_name")
                .iter_rows()
            ],
            "lsoa_expected": {
                "definition": (
                    "each LSOA's expected share of all home (dwelling) and of all public crimes: "
                    "population x exp(x'beta) x its frailty, normalised; an LSOA's true rate ratio "
                    "is its expected crimes per resident over the force's"
                ),
                "lsoa_code": t["lsoa_code"].to_list(),
                "population": t["population"].to_list(),
                "home_share": [float(f"{v:.8g}") for v in areas.home_prob],
                "public_share": [float(f"{v:.8g}") for v in areas.public_prob],
            },
        },
        "daily": {
            "tmax_per_degree": eff.tmax_per_degree,
            "tmax_series": "weather.csv tmax_c (synthetic maximum; tmean_c is real HadCET)",
            "day_of_week_home": eff.to_dict()["day_of_week_home"],
            "day_of_week_public": eff.to_dict()["day_of_week_public"],
            "month": eff.to_dict()["month"],
            "bank_holiday_home": eff.bank_holiday_home,
            "bank_holiday_public": eff.bank_holiday_public,
            "bank_holidays": list(BANK_HOLIDAYS),
            "lockdown_home": eff.lockdown_home,
            "lockdown_public": eff.lockdown_public,
            "lockdowns": [list(x) for x in LOCKDOWNS],
            "trend_per_year": eff.trend_per_year,
            "trend_origin": "period start",
            "date_used": "committed_from date",
        },
        "birthday": {
            "offender_birthday": eff.offender_birthday,
            "victim_birthday": eff.victim_birthday,
            "offender_birthday_window": eff.offender_birthday_window,
            "victim_birthday_window": eff.victim_birthday_window,
            "move_probabilities": {
                "offender_day": p_o,
                "offender_either_side": q_o,
                "victim_day": p_v,
                "victim_either_side": q_v,
            },
            "definition": (
                "rate ratio of crimes committed on the person's birthday (nearest, same month "
                "and day) to an ordinary day; planted for the main suspect and main victim only"
            ),
        },
        "careers": {"heavy_tailed": eff.heavy_tailed_careers},
        "people_and_crimes": {
            "careers": career_parameters(eff.heavy_tailed_careers),
            "people": identity_parameters(),
            "crimes": crime_parameters(),
        },
        "outcomes": outcome_parameters(eff.outcome_differences),
        "harm": harm_parameters(),
    }
