"""Where should the next pound go? Harm-weighted targeting of public-place evening and night VAWG.

:func:`targeting` ranks every LSOA, and every town centre, by the harm of the in-scope VAWG
crimes committed in public places in the evening and at night (hours: the setting
``evening_night_hours``) among crimes recorded in the scope's period, with rank intervals
(:mod:`vawg.targeting.ranking`); puts the public survey's "feel unsafe at night" share of each
district beside them where the survey is loaded; gives the share of harm each candidate set of
N places would cover; and, for the evidence on what to do after an incident, tests for near
repeats (:mod:`vawg.targeting.knox`, all hours, the last ``knox_months`` months of the period)
and lists repeat locations (:mod:`vawg.targeting.repeats`).

Ranking by harm, not by rate per resident: town centres have few residents and many visitors,
so a rate per resident would put them first for the wrong reason; the question is where the
harm is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from vawg.config import Settings
from vawg.datasets import kent_lsoas
from vawg.evaluation.events import PUBLIC, crime_events, hours_text
from vawg.ingest.boundaries import Boundaries, boundaries_for
from vawg.inputs.frames import area_table
from vawg.query import Tables
from vawg.results import Estimate, MainPoint, Params, ResultMixin
from vawg.targeting.knox import KNOX_CITATION, KnoxResult, knox_test
from vawg.targeting.places import town_centres, unsafe_at_night
from vawg.targeting.ranking import RANKING_CITATION, Ranking, rank_places
from vawg.targeting.repeats import REPEAT_CITATION, RepeatResult, repeat_locations

__all__ = ["TargetingResult", "targeting", "targeting_main_points"]

CITATION = f"{RANKING_CITATION} {KNOX_CITATION} {REPEAT_CITATION}"


@dataclass(frozen=True)
class TargetingResult(ResultMixin):
    """Targeting: ranked places, coverage of candidate sets, near repeats, repeat locations.

    ``table`` (LSOAs) and ``towns`` (town centres): rank, place, district, crimes, harm_days,
    harm_share, best_rank, worst_rank, top_n_share, top_n (surely / might be / no), the district's
    unsafe_at_night_share with its interval; LSOAs also lsoa_code, lsoa_name, town_centre,
    easting, northing. ``coverage`` and ``town_coverage``: up_to_rank, harm_share, ci_low,
    ci_high, crime_share. ``survey``: the district shares. ``knox`` is None when too few
    located offences were recorded; ``repeats`` lists exact places (restricted).
    """

    params: Params
    table: pl.DataFrame
    towns: pl.DataFrame
    coverage: pl.DataFrame
    town_coverage: pl.DataFrame
    survey: pl.DataFrame
    knox: KnoxResult | None
    repeats: RepeatResult
    crimes: int | None
    harm_days: float | None
    evening_night_hour: tuple[int, int]  # from, to (18, 6 = 18:00 to 05:59)
    top_rank: int  # the N of the top N
    knox_window: tuple[date, date]
    town_source: str
    survey_source: str
    harm_source: str
    public: bool
    notes: tuple[str, ...]
    boundaries: Boundaries | None = None  # the LSOA polygons for the map (None: none match)
    main_points: tuple[MainPoint, ...] = ()  # see targeting_main_points


SHOWN_SHARE_NOTE = (
    "The places shown are those with enough crimes to publish; the share is the sum of their "
    "shares in the table, so it has no interval."
)


def targeting_main_points(result: TargetingResult) -> tuple[MainPoint, ...]:
    """What the report opens with: how many crimes, and how much of their harm the top N
    LSOAs and the top town centres hold (with the interval of that share). Made from the
    Result's own tables, so the public Result's points come from its published figures."""
    points: list[MainPoint] = []
    period = result.params.period
    what = "public-place VAWG in the evening and at night"
    if result.crimes is not None:
        points.append(
            MainPoint(
                topic="Recorded public-place VAWG crimes in the evening and at night",
                measure="count",
                value=Estimate(float(result.crimes), math.nan, math.nan),
                period=period,
            )
        )
    # Public: the shares are of the places shown (the first rows of the table), as the
    # public coverage is (vawg.targeting.public), and said so.
    shown = " shown" if result.public else ""
    for frame, places, topic, size in (
        (
            result.coverage,
            result.table,
            f"Neighbourhoods (LSOAs): share of all the harm from {what} that was in the "
            f"{{size}}{shown} with the most harm",
            result.top_rank,
        ),
        (  # town-centre shares are of the harm in town centres, not of all the harm
            result.town_coverage,
            result.towns,
            f"Town centres: share of their harm from {what} that was in the {{size}}{shown} "
            "with the most harm",
            min(result.top_rank, result.towns.height),
        ),
    ):
        if result.public and "harm_share" in places.columns:
            size = min(size, places["harm_share"].drop_nulls().len())
        row = frame.filter(pl.col("up_to_rank") == size)
        if row.height and size:
            r = row.row(0, named=True)
            points.append(
                MainPoint(
                    topic=topic.format(size=size),
                    measure="share",
                    value=Estimate(r["harm_share"], r["ci_low"], r["ci_high"]),
                    period=period,
                    note=SHOWN_SHARE_NOTE if result.public else "",
                )
            )
    return tuple(points)


def _ranked(ranking: Ranking, places: pl.DataFrame, key: str) -> pl.DataFrame:
    total = float(ranking.harm.sum())
    frame = places.with_columns(
        pl.Series("crimes", ranking.crimes),
        pl.Series("harm_days", ranking.harm),
        pl.Series("harm_share", ranking.harm / total if total > 0 else ranking.harm * math.nan),
        pl.Series("rank", ranking.rank),
        pl.Series("best_rank", ranking.best_rank),
        pl.Series("worst_rank", ranking.worst_rank),
        pl.Series("top_n_share", ranking.top_n_share),
        pl.Series("top_n", list(ranking.status), dtype=pl.String),
    )
    return frame.sort(["rank", key])


def _coverage(ranking: Ranking) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "up_to_rank": list(ranking.set_sizes),
            "harm_share": ranking.set_share.tolist(),
            "ci_low": ranking.set_low.tolist(),
            "ci_high": ranking.set_high.tolist(),
            "crime_share": ranking.set_crime_share.tolist(),
        },
        schema={
            "up_to_rank": pl.Int64,
            "harm_share": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "crime_share": pl.Float64,
        },
    )


_EMPTY_COVERAGE = pl.DataFrame(
    schema={
        "up_to_rank": pl.Int64,
        "harm_share": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "crime_share": pl.Float64,
    }
)


def _lsoa_places(areas: pl.DataFrame, towns: pl.DataFrame) -> pl.DataFrame:
    names = kent_lsoas().select("lsoa_code", "lsoa_name")
    return (
        areas.select(
            "lsoa_code",
            "district",
            pl.col("town_centre").fill_null(False),
            "easting",
            "northing",
        )
        .join(names, on="lsoa_code", how="left")
        .join(towns.rename({"town_centre": "town_centre_name"}), on="lsoa_code", how="left")
        .sort("lsoa_code")
    )


def targeting(tables: Tables, settings: Settings) -> TargetingResult:
    """Rank LSOAs and town centres by harm, test for near repeats, list repeat locations."""
    events = crime_events(tables, settings, whole_extract=False)
    notes = list(events.notes)
    start, end = events.first_day, events.last_day
    areas, area_source = area_table(tables)
    towns, town_source = town_centres(areas)
    places = _lsoa_places(areas, towns)
    survey, survey_source = unsafe_at_night(tables, settings)
    target = events.crimes.filter(pl.col("place") == PUBLIC, pl.col("evening_night"))
    unplaced = target.filter(
        pl.col("lsoa_code").is_null() | ~pl.col("lsoa_code").is_in(places["lsoa_code"].implode())
    )
    if unplaced.height:
        notes.append(
            f"{unplaced.height:,} crimes (in public places, evening and night) have no LSOA in "
            f"the area reference ({area_source}) and are not ranked; they are in the totals."
        )
    placed = target.join(
        places.select("lsoa_code").with_row_index("place_index"), on="lsoa_code", how="inner"
    )
    top_n = int(settings.target_top_n)
    sizes = tuple(int(float(s)) for s in settings.target_candidate_sets)
    seed = settings.seed
    replicates = settings.target_bootstrap_replicates
    table = pl.DataFrame()
    coverage = town_coverage = _EMPTY_COVERAGE
    towns_ranked = pl.DataFrame()
    if placed.height:
        ranking = rank_places(
            placed["place_index"].to_numpy(),
            placed["harm_days"].to_numpy(),
            places.height,
            top_n=top_n,
            set_sizes=sizes,
            replicates=replicates,
            seed=seed,
        )
        table = _ranked(ranking, places, "lsoa_code")
        coverage = _coverage(ranking)
        town_list = towns.select("town_centre").unique().sort("town_centre")
        in_town = placed.join(towns, on="lsoa_code", how="inner").join(
            town_list.with_row_index("town"), on="town_centre"
        )
        if town_list.height and in_town.height:
            town_rank = rank_places(
                in_town["town"].to_numpy(),
                in_town["harm_days"].to_numpy(),
                town_list.height,
                top_n=min(top_n, town_list.height),
                set_sizes=sizes,
                replicates=replicates,
                seed=seed,
            )
            district = (
                towns.join(places.select("lsoa_code", "district"), on="lsoa_code")
                .group_by("town_centre")
                .agg(pl.col("district").mode().sort().first(), lsoas=pl.len())
            )
            towns_ranked = _ranked(
                town_rank, town_list.join(district, on="town_centre", how="left"), "town_centre"
            )
            town_coverage = _coverage(town_rank)
        elif not town_list.height:
            notes.append(f"No town-centre ranking: {town_source}.")
    else:
        notes.append(
            "No public-place evening and night crimes in the period: nothing to rank "
            f"({hours_text(events.hours)})."
        )
    if survey.height:
        shares = survey.select(
            "district", "unsafe_at_night_share", "unsafe_ci_low", "unsafe_ci_high"
        )
        if table.height:
            table = table.join(shares, on="district", how="left")
        if towns_ranked.height:
            towns_ranked = towns_ranked.join(shares, on="district", how="left")
    knox_end = end
    knox_start = max(start, _before_months(end, settings.knox_months))
    public = events.crimes.filter(
        pl.col("place") == PUBLIC, pl.col("day").is_between(knox_start, knox_end)
    )
    located = public.filter(pl.col("easting").is_not_null() & pl.col("northing").is_not_null())
    if public.height > located.height:
        notes.append(
            f"{public.height - located.height:,} crimes (of {public.height:,} crimes in public "
            "places in the near-repeat window) have no map position, so they are left out of "
            "the check for near repeats (crimes close together in place and time) and of the "
            "repeat locations."
        )
    knox: KnoxResult | None = None
    if located.height >= 20:
        knox = knox_test(
            located["easting"].to_numpy(),
            located["northing"].to_numpy(),
            (located["day"] - knox_start).dt.total_days().to_numpy(),
            distance_edges=tuple(float(e) for e in settings.knox_distance_bands),
            time_edges=tuple(float(e) for e in settings.knox_time_bands),
            permutations=settings.knox_simulations,
            seed=seed,
        )
    else:
        notes.append(
            f"Only {located.height} crimes in public places with coordinates from {knox_start} "
            f"to {knox_end}: too few for a near-repeat test (at least 20 are needed)."
        )
    repeats = repeat_locations(located, metres=float(settings.repeat_location_metres))
    result = TargetingResult(
        params=Params(
            method=(
                "harm-weighted ranking of public-place evening and night VAWG "
                f"({hours_text(events.hours)}) with Poisson-bootstrap rank intervals "
                f"({replicates} replicates); Knox near-repeat test; repeat locations"
            ),
            citation=CITATION,
            period=(start, end),
            seed=seed,
            settings={
                "evening_night_hours": list(events.hours),
                "target_top_n": top_n,
                "target_candidate_sets": list(sizes),
                "target_bootstrap_replicates": replicates,
                "knox_months": settings.knox_months,
                "knox_distance_bands": [float(e) for e in settings.knox_distance_bands],
                "knox_time_bands": [float(e) for e in settings.knox_time_bands],
                "knox_simulations": settings.knox_simulations,
                "repeat_location_metres": float(settings.repeat_location_metres),
                "area_source": area_source,
            },
        ),
        table=table,
        towns=towns_ranked,
        coverage=coverage,
        town_coverage=town_coverage,
        survey=survey,
        knox=knox,
        repeats=repeats,
        crimes=target.height,
        harm_days=float(target["harm_days"].sum()),
        evening_night_hour=events.hours,
        top_rank=top_n,
        knox_window=(knox_start, knox_end),
        town_source=town_source,
        survey_source=survey_source,
        harm_source=events.harm_source,
        public=False,
        notes=tuple(notes),
        boundaries=_drawable_boundaries(boundaries_for(settings), places["lsoa_code"]),
    )
    return dataclasses.replace(result, main_points=targeting_main_points(result))


def _drawable_boundaries(boundaries: Boundaries, codes: pl.Series) -> Boundaries | None:
    """``boundaries`` when they hold at least one of the ranked LSOAs, else None."""
    return boundaries if set(boundaries.codes) & set(codes.to_list()) else None


def _before_months(end: date, months: int) -> date:
    """The first day of a window of ``months`` whole months ending on ``end``."""
    after = end + timedelta(days=1)
    year, month = divmod(after.year * 12 + after.month - 1 - months, 12)
    return date(year, month + 1, min(after.day, 28))
