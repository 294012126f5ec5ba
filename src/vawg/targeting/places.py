"""The places targeting ranks: LSOAs, and town centres made of them; the survey beside them.

Town centres come from the area reference's ``town_centre_name`` when it is filled in. When
LSOAs are only flagged (``town_centre = Y``) without a name, the flagged LSOAs are joined into
town centres by linking every pair whose centroids lie within 1.5 km (single linkage), each
named after its district ("Maidstone town centre", then "... 2" when a district has two); the
result says which was used. With no flag at all there is no town-centre ranking.

"Feel unsafe at night": the share of the PCC's public survey respondents in each district who
scored feeling safe in the town centre at night at or below ``survey_unsafe_max`` (1-5
scale), weighted exactly as the survey analysis weights it (the file's own weights, else raked
to Kent's population by district, sex and age), with its linearised interval
(:func:`vawg.survey.estimates.weighted_share`): the figure the survey report quotes. It is a
district figure: every LSOA and town centre of a district shows its district's share.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from vawg.config import Settings
from vawg.errors import InputError
from vawg.query import Tables
from vawg.survey.analysis import WEIGHT_SOURCES, public_survey_frame, survey_weights
from vawg.survey.estimates import weighted_share
from vawg.survey.public import MISSING, indicator_values

__all__ = ["TOWN_LINK_METRES", "town_centres", "unsafe_at_night"]

TOWN_LINK_METRES = 1500.0


def town_centres(areas: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """``lsoa_code, town_centre`` for every town-centre LSOA, and where the names came from."""
    empty = pl.DataFrame(schema={"lsoa_code": pl.String, "town_centre": pl.String})
    if "town_centre" not in areas.columns or not areas["town_centre"].fill_null(False).any():
        return empty, "no LSOA is flagged as a town centre in the area reference"
    named = pl.DataFrame(schema={"lsoa_code": pl.String, "town_centre": pl.String})
    if "town_centre_name" in areas.columns:
        named = areas.filter(pl.col("town_centre_name").is_not_null()).select(
            "lsoa_code", town_centre=pl.col("town_centre_name")
        )
    flagged = areas.filter(
        pl.col("town_centre").fill_null(False),
        ~pl.col("lsoa_code").is_in(named["lsoa_code"].implode()),
    )
    if flagged.is_empty():
        return named, "named as in the area reference"
    located = flagged.filter(pl.col("easting").is_not_null() & pl.col("northing").is_not_null())
    xy = located.select("easting", "northing").to_numpy().astype(np.float64)
    pairs = cKDTree(xy).query_pairs(r=TOWN_LINK_METRES, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(xy), len(xy)))
    _, label = connected_components(graph, directed=False)
    groups = (
        located.drop("town_centre")
        .with_columns(group=pl.Series(label))
        .with_columns(x=pl.col("easting").mean().over("group"))
    )
    firsts = groups.group_by("group").agg(pl.col("district").first(), pl.col("x").first())
    firsts = firsts.sort("district", "x").with_columns(
        n=pl.col("group").cum_count().over("district")
    )
    firsts = firsts.with_columns(
        town_centre=pl.col("district")
        + " town centre"
        + pl.when(pl.col("n") > 1).then(" " + pl.col("n").cast(pl.String)).otherwise(pl.lit(""))
    )
    clustered = groups.join(firsts.select("group", "town_centre"), on="group").select(
        "lsoa_code", "town_centre"
    )
    linked = "town-centre LSOAs linked within 1.5 km and named by district"
    source = (
        f"named as in the area reference where it names them; other {linked}"
        if named.height
        else f"{linked} (the area reference gives no town-centre names)"
    )
    return pl.concat([named, clustered]), source


def unsafe_at_night(tables: Tables, settings: Settings) -> tuple[pl.DataFrame, str]:
    """district, unsafe_at_night_share, ci_low, ci_high, respondents; and a note on the source.

    The survey analysis's own estimate: the same weights (:func:`vawg.survey.analysis.
    survey_weights`: supplied weights as given, else raked to Kent's population by district,
    sex and age) and the same per-respondent values and domain estimator as
    :func:`vawg.survey.public.public_survey_estimates`, so the share is the one the survey
    report quotes. Empty when the public survey is not loaded or nobody answered the night
    question.
    """
    schema = {
        "district": pl.String,
        "unsafe_at_night_share": pl.Float64,
        "unsafe_ci_low": pl.Float64,
        "unsafe_ci_high": pl.Float64,
        "respondents": pl.Int64,
    }
    frame = public_survey_frame(tables)
    if frame["feel_safe_town_night"].is_not_null().sum() == 0:
        return pl.DataFrame(schema=schema), "the public survey is not loaded"
    fallback = ""
    try:
        w, source, _ = survey_weights(frame, settings)
    except InputError as error:  # e.g. a force outside Kent: its districts are not in the margins
        w, source, _ = survey_weights(frame, settings, do_rake=False)
        fallback = f" (it could not be weighted to Kent's population: {error})"
    y = indicator_values(frame, settings.survey_unsafe_max)["unsafe_night_share"]
    levels = frame["district"].cast(pl.String).fill_null(MISSING).to_numpy()
    rows = []
    for district in sorted(set(levels) - {MISSING}):
        est = weighted_share(
            y,
            w,
            levels == district,
            ci_method=settings.survey_ci_method,
            min_base=settings.survey_min_effective_base,
        )
        if est.n:
            rows.append((district, est.estimate, est.ci_low, est.ci_high, est.n))
    how = {
        WEIGHT_SOURCES["raked"]: "weighted to Kent's population by district, sex and age",
        WEIGHT_SOURCES["supplied"]: "weighted with the survey's own weights",
        WEIGHT_SOURCES["equal"]: "unweighted",
    }.get(source, source)
    note = (
        f"public survey: share scoring feeling safe in town at night {settings.survey_unsafe_max} "
        f"or less on the 1-5 scale, by district of residence, {how}"
        + (fallback or ", as in the survey report")
    )
    return pl.DataFrame(rows, schema=schema, orient="row"), note
