"""The whole survey analysis: weights, public survey estimates, themes, satisfaction, side by side.

:func:`survey_analysis` reads the two survey tables (and, for the side-by-side view, the in-scope
crimes) through ibis, decides the weights, and runs each part. The survey tables are small
(thousands of rows), so respondent-level rows are pulled to polars for the statistics; crimes
are aggregated in the database first. Weights: a ``weight`` column supplied with the survey is
used as given unless ``rake=True``; without one the survey is raked to the margins (the shipped
Kent margins unless others are given); ``rake=False`` with no weights gives equal weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from vawg.config import Settings
from vawg.datasets import district_population, kent_lsoas
from vawg.errors import InputError, ScopeError
from vawg.ingest.boundaries import boundaries_for
from vawg.query import Tables, in_memory
from vawg.results import Params, to_jsonable
from vawg.scope import vawg_scope
from vawg.spatial.placement import place_scope
from vawg.survey.margins import Margins, kent_margins
from vawg.survey.public import PublicSurveyEstimates, public_survey_estimates
from vawg.survey.raking import RakingResult, kish, rake
from vawg.survey.satisfaction import ITEMS, SatisfactionResult, victim_satisfaction
from vawg.survey.side_by_side import SideBySideResult, side_by_side
from vawg.survey.themes import ThemeResult, reason_themes

__all__ = [
    "PUBLIC_COLUMNS",
    "WEIGHT_SOURCES",
    "SurveyResult",
    "public_survey_frame",
    "survey_analysis",
    "survey_weights",
]

WEIGHT_SOURCES = {
    "raked": "raked to population margins",
    "supplied": "supplied weights, used as given",
    "supplied_raked": "supplied weights, raked to population margins",
    "equal": "none: every respondent counts equally",
}
PUBLIC_COLUMNS = (
    "respondent_id",
    "district",
    "age_band",
    "sex",
    "feel_safe_town_day",
    "feel_safe_town_night",
    "experienced_harassment",
    "reported",
    "reason_not_reported",
    "weight",
)


@dataclass(frozen=True)
class SurveyResult:
    """Everything ``vawg survey`` reports. A part is ``None`` when its data is absent (``notes``).

    ``quarantine``: survey rows refused at load, per table, column and reason (``records``).
    ``table`` is the public survey's by-group table (empty when there is no public survey).
    """

    params: Params
    weighting: RakingResult | None
    weight_source: str
    design_effect: float
    n_effective: float
    public: PublicSurveyEstimates | None
    themes: ThemeResult | None
    satisfaction: SatisfactionResult | None
    side_by_side: SideBySideResult | None
    quarantine: pl.DataFrame
    notes: tuple[str, ...]

    @property
    def table(self) -> pl.DataFrame:
        """The public survey's estimates by group."""
        return self.public.table if self.public else pl.DataFrame()

    @property
    def interval_widening(self) -> float:
        """How much wider the weights make a confidence interval than a simple random sample
        of the same size would give (``sqrt(design_effect) - 1``; 0.16 is 16% wider)."""
        return float(np.sqrt(self.design_effect)) - 1.0 if self.design_effect > 0 else 0.0

    def to_dict(self, *, include_examples: bool = True) -> dict[str, Any]:
        """JSON-safe; the headline shares are top-level keys (see ``docs``)."""
        public = self.public.to_dict() if self.public else {}
        return {
            **public,
            "weighting": {
                "source": self.weight_source,
                "design_effect": to_jsonable(self.design_effect),
                "n_effective": to_jsonable(self.n_effective),
                "raking": self.weighting.to_dict() if self.weighting else None,
            },
            "reasons_not_reported": (
                self.themes.to_dict(include_examples=include_examples) if self.themes else None
            ),
            "victim_satisfaction": self.satisfaction.to_dict() if self.satisfaction else None,
            "crime_and_survey": self.side_by_side.to_dict() if self.side_by_side else None,
            "quarantine": to_jsonable(self.quarantine),
            "notes": list(self.notes),
            "params": to_jsonable(self.params),
        }


def public_survey_frame(tables: Tables) -> pl.DataFrame:
    """The public survey's respondents (the columns the analysis uses), in respondent order."""
    return tables.public_survey.select(*PUBLIC_COLUMNS).order_by("respondent_id").to_polars()


def survey_weights(
    frame: pl.DataFrame,
    settings: Settings,
    margins: Margins | None = None,
    do_rake: bool | None = None,
) -> tuple[np.ndarray, str, RakingResult | None]:
    """The weights every public-survey estimate uses, one per row of ``frame``; their source
    (a :data:`WEIGHT_SOURCES` value) and the raking, when raked.

    Supplied weights are used as given unless ``do_rake=True``; without them the survey is
    raked to ``margins`` (Kent's by default) unless ``do_rake=False`` (equal weights).
    """
    supplied = frame["weight"]
    given = supplied.is_not_null().sum()
    if 0 < given < frame.height:
        raise InputError(
            f"public_survey: {frame.height - given:,} of {frame.height:,} respondents have no "
            "weight; give every respondent a weight, or none (then the survey is raked)"
        )
    has = given == frame.height
    if do_rake is None:
        do_rake = not has
    if not do_rake:
        w = supplied.to_numpy().astype(float) if has else np.ones(frame.height)
        return w, WEIGHT_SOURCES["supplied" if has else "equal"], None
    raked = rake(
        frame,
        margins or kent_margins(),
        base_weights=supplied.to_numpy().astype(float) if has else None,
        tolerance=settings.survey_rake_tolerance,
        max_iterations=settings.survey_rake_max_iterations,
        trim_ratio=settings.survey_trim_ratio,
    )
    weights = frame.select("respondent_id").join(raked.weights, on="respondent_id", how="left")
    return (
        weights["weight"].to_numpy().astype(float),
        WEIGHT_SOURCES["supplied_raked" if has else "raked"],
        raked,
    )


def _quarantine(tables: Tables) -> pl.DataFrame:
    schema = {"table": pl.String, "column": pl.String, "reason": pl.String, "records": pl.Int64}
    if "quarantine" not in tables.backend.list_tables():
        return pl.DataFrame(schema=schema)
    q = tables.backend.table("quarantine")
    q = q.filter(q.kind.isin(["public_survey", "victim_survey"]))
    # Reasons naming a line (duplicates) are grouped by their stem.
    q = q.select(
        table=q.kind,
        column=q.column_name,
        reason=q.reason.re_replace(r": (first at line|already loaded from) .*$", ""),
    )
    out = (
        q.group_by("table", "column", "reason")
        .aggregate(records=q.count())
        .order_by(["table", "column", "reason"])
        .to_polars()
    )
    return out.cast(schema)


def _crimes_by_district(
    tables: Tables, settings: Settings
) -> tuple[pl.DataFrame, int, float, tuple[Any, Any]]:
    scope = vawg_scope(tables, settings)
    start, end = scope.period
    areas = tables.areas.select("lsoa_code", "district")
    if int(areas.count().to_pyarrow().as_py()) == 0:
        areas = in_memory(kent_lsoas().select("lsoa_code", "district"))
    # Crimes with coordinates but no usable code are placed in their LSOA first.
    codes = areas.select("lsoa_code").to_pyarrow().column(0).to_pylist()
    scope, _ = place_scope(scope, codes, boundaries_for(settings))
    joined = scope.crimes.select("crime_ref", "lsoa_code").left_join(areas, "lsoa_code")
    counts = (
        joined.group_by(joined.district)
        .aggregate(vawg_crimes=joined.crime_ref.nunique())
        .to_polars()
    )
    unplaced = int(counts.filter(pl.col("district").is_null())["vawg_crimes"].sum())
    years = ((end - start).days + 1) / 365.25
    return counts.filter(pl.col("district").is_not_null()), unplaced, years, (start, end)


def _female_population() -> pl.DataFrame:
    return (
        district_population()
        .filter(pl.col("sex") == "F")
        .group_by("district")
        .agg(female_population=pl.col("population").sum())
        .sort("district")
    )


def survey_analysis(
    tables: Tables,
    settings: Settings,
    *,
    margins: Margins | None = None,
    rake: bool | None = None,
    themes: dict[str, tuple[str, ...]] | None = None,
) -> SurveyResult:
    """Run the survey analysis on the loaded tables (see module docstring).

    Raises :class:`~vawg.errors.InputError` when neither survey is loaded.
    """
    notes: list[str] = []
    ps = tables.public_survey
    loaded = int(ps.count().to_pyarrow().as_py()) + int(
        tables.victim_survey.count().to_pyarrow().as_py()
    )
    if not loaded:
        raise InputError(
            "no survey responses are loaded; load public_survey.csv or victim_survey.csv with "
            "`vawg ingest` (see docs/data-contract.md)"
        )
    frame = public_survey_frame(tables)
    public: PublicSurveyEstimates | None = None
    theme_result: ThemeResult | None = None
    raking: RakingResult | None = None
    source, deff, n_eff = "no public survey loaded", float("nan"), 0.0
    if frame.height:
        w, source, raking = survey_weights(frame, settings, margins, rake)
        deff, n_eff = kish(w)
        public = public_survey_estimates(
            frame,
            w,
            weight_source=source,
            unsafe_max=settings.survey_unsafe_max,
            ci_method=settings.survey_ci_method,
            min_base=settings.survey_min_effective_base,
        )
        theme_result = reason_themes(
            frame["respondent_id"].to_list(),
            frame["reason_not_reported"].to_list(),
            w,
            dictionary=themes,
            seed=settings.seed,
            ci_method=settings.survey_ci_method,
            min_base=settings.survey_min_effective_base,
        )
    else:
        notes.append("No public survey is loaded (public_survey.csv); its sections are empty.")

    vs = tables.victim_survey
    responses = (
        vs.select("response_id", "crime_ref", "district", "survey_date", *ITEMS)
        .order_by("response_id")
        .to_polars()
    )
    satisfaction: SatisfactionResult | None = None
    if responses.height:
        crimes = tables.crimes
        linked = (
            crimes.semi_join(vs, crimes.crime_ref == vs.crime_ref)
            .select("crime_ref", "offence_group", "recorded_date", "outcome_code", "outcome_date")
            .to_polars()
        )
        satisfaction = victim_satisfaction(
            responses,
            linked,
            satisfied_min=settings.survey_satisfied_min,
            model=settings.survey_satisfaction_model,
            ci_method=settings.survey_ci_method,
            min_base=settings.survey_min_effective_base,
        )
    else:
        notes.append("No victims' satisfaction survey is loaded (victim_survey.csv).")

    sbs: SideBySideResult | None = None
    if public is not None:
        try:
            counts, unplaced, years, period = _crimes_by_district(tables, settings)
            sbs = side_by_side(
                counts,
                _female_population(),
                public.table,
                years=years,
                unplaced=unplaced,
                params=Params(
                    method="annual recorded VAWG crimes per 1,000 women and girls (exact Poisson "
                    "CI) beside weighted survey shares; Spearman rank correlation",
                    citation="Garwood (1936) Biometrika 28:437-442",
                    period=period,
                ),
            )
        except ScopeError as error:
            notes.append(f"Recorded crime is not shown beside the survey: {error}")
    params = Params(
        method="survey weighting, design-based estimates and victims' satisfaction",
        seed=settings.seed,
        settings={
            k: getattr(settings, k)
            for k in (
                "survey_unsafe_max",
                "survey_satisfied_min",
                "survey_min_effective_base",
                "survey_ci_method",
                "survey_trim_ratio",
                "survey_rake_tolerance",
                "survey_rake_max_iterations",
                "survey_satisfaction_model",
            )
        },
    )
    return SurveyResult(
        params=params,
        weighting=raking,
        weight_source=source,
        design_effect=deff,
        n_effective=n_eff,
        public=public,
        themes=theme_result,
        satisfaction=satisfaction,
        side_by_side=sbs,
        quarantine=_quarantine(tables),
        notes=tuple(notes),
    )
