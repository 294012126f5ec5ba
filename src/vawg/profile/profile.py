"""The perpetrator problem profile: every part, run once over the same scope, in one Result.

:func:`profile` applies the VAWG scope (:mod:`vawg.scope`), materialises the in-scope tables
once (:mod:`vawg.profile.data`) and runs volume, place, people, harm, RFGV and timing over them.
The result is person-level (the RFGV list) and so restricted; :func:`vawg.profile.public.disclose`
makes the open version. ``to_dict`` gives the JSON other systems read, with the top-level keys
the issue fixed (``crimes_in_scope`` ... ``excluded_by_rule``) and the detail after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from vawg.config import Settings
from vawg.profile.data import prepared
from vawg.profile.harm import HarmResult, harm, load_harm_weights
from vawg.profile.people import PeopleResult, people
from vawg.profile.place import PlaceResult, place
from vawg.profile.rfgv import RfgvResult, rfgv
from vawg.profile.timing import TimingResult, timing
from vawg.profile.volume import VolumeResult, volume
from vawg.query import Tables
from vawg.results import Estimate, Params, ResultMixin, to_jsonable
from vawg.scope import vawg_scope

__all__ = ["SCOPE_SETTINGS", "ProfileResult", "headline_table", "profile"]

SCOPE_SETTINGS = (
    "period_start",
    "period_end",
    "period_years",
    "victim_sex",
    "offender_sex",
    "offender_roles",
    "offender_min_age",
    "vawg_offence_groups",
    "include_domestic_abuse",
    "repeat_min_crimes",
    "harm_weights_file",
    "disclosure_threshold",
    "seed",
    "profile_bootstrap_replicates",
    "rfgv_window_days",
    "rfgv_recency_days",
    "rfgv_frequency_crimes",
    "rfgv_gravity_days",
    "rfgv_victims",
    "rfgv_weights",
    "rfgv_top_n",
)


@dataclass(frozen=True)
class ProfileResult(ResultMixin):
    """The whole profile. ``public`` says whether disclosure control has been applied.

    ``exclusions``: rule, description, crimes_excluded, crimes_remaining (the scope's rules in
    order; each crime is charged to the first rule it fails). ``no_date_of_birth_crimes``: of
    the crimes excluded by the age rule, those with a perpetrator of the scope's sex who had no
    date of birth. ``table``: the headline figures as measure, value, ci_low, ci_high.
    """

    params: Params
    public: bool
    period: tuple[date, date]
    crimes_in_scope: int | None
    distinct_offenders: int | None
    distinct_victims: int | None
    exclusions: pl.DataFrame
    no_date_of_birth_crimes: int | None
    district_source: str
    volume: VolumeResult
    place: PlaceResult
    people: PeopleResult
    harm: HarmResult
    rfgv: RfgvResult
    timing: TimingResult
    table: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the fixed headline keys first, then every part in detail."""
        v, pl_, pe, h = self.volume, self.place, self.people, self.harm
        by_group = _offence_group_table(self)
        excluded = self.exclusions
        head: dict[str, Any] = {
            "params": {
                **to_jsonable(self.params),
                "public": self.public,
                "district_source": self.district_source,
                "harm_weights_source": h.weights_source,
                "harm_weights_table": h.weights_table,
            },
            "crimes_in_scope": self.crimes_in_scope,
            "distinct_offenders": self.distinct_offenders,
            "distinct_victims": self.distinct_victims,
            "home_crimes": pl_.home_crimes,
            "public_crimes": pl_.public_crimes,
            "unknown_location_crimes": pl_.unknown_location_crimes,
            "repeat_victims": pe.repeat_victims,
            "repeat_offenders": pe.repeat_offenders,
            "repeat_victim_share": to_jsonable(pe.repeat_victim_share.estimate),
            "repeat_offender_share": to_jsonable(pe.repeat_offender_share.estimate),
            "harm_share_top_10pct": to_jsonable(h.harm_share_top_10pct.estimate),
            "home_public_ratio": pl_.home_public_ratio.to_dict(),
            "by_offence_group": to_jsonable(by_group),
            "by_financial_year": to_jsonable(v.by_financial_year),
            "excluded_by_rule": to_jsonable(excluded),
        }
        detail: dict[str, Any] = {
            "period": {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
            "intervals": {
                "repeat_victim_share": pe.repeat_victim_share.to_dict(),
                "repeat_offender_share": pe.repeat_offender_share.to_dict(),
                "harm_share_top_10pct": h.harm_share_top_10pct.to_dict(),
            },
            "no_date_of_birth_crimes": self.no_date_of_birth_crimes,
            "rate_per_1000_female_residents_per_year": v.rate_per_1000_per_year.to_dict(),
            "female_population": v.female_population,
            "trend": to_jsonable(v.trend),
            "by_month": to_jsonable(v.by_month),
            "by_district": to_jsonable(v.by_district),
            "by_domestic_abuse": to_jsonable(v.by_domestic_abuse),
            "place": {
                "by_district": to_jsonable(pl_.by_district),
                "by_offence_group": to_jsonable(pl_.by_offence_group),
                "by_location_type": to_jsonable(pl_.by_location_type),
            },
            "people": {
                "offenders_with_several_victims": pe.offenders_with_several_victims,
                "victims_with_several_offenders": pe.victims_with_several_offenders,
                "shares": to_jsonable(pe.table),
                "offender_age": to_jsonable(pe.offender_age),
                "victim_age": to_jsonable(pe.victim_age),
                "relationship": to_jsonable(pe.relationship),
                "victim_crimes": to_jsonable(pe.victim_crimes),
                "offender_crimes": to_jsonable(pe.offender_crimes),
                "offender_victims": to_jsonable(pe.offender_victims),
                "victim_offenders": to_jsonable(pe.victim_offenders),
            },
            "harm": {
                "perpetrators": h.perpetrators,
                "weights_table": h.weights_table,
                "concentration": to_jsonable(h.concentration),
                "sensitivity": to_jsonable(h.sensitivity),
                "gini": h.gini.to_dict(),
                "lorenz": to_jsonable(h.lorenz),
                "by_offence_group": to_jsonable(h.by_offence_group),
                "crime_harm_days": to_jsonable(h.crime_harm_days),
                "perpetrator_harm_days": to_jsonable(h.perpetrator_harm_days),
                "crimes_weighted_by_code": h.crimes_weighted_by_code,
                "crimes_weighted_by_group": h.crimes_weighted_by_group,
                "weights": to_jsonable(h.weights),
                "assumed_weights": to_jsonable(h.assumed_weights),
                "method": to_jsonable(h.params),
            },
            "rfgv": {
                "window": [d.isoformat() for d in self.rfgv.window],
                "perpetrators_scored": self.rfgv.perpetrators_scored,
                "bands": to_jsonable(self.rfgv.bands),
                "score_distribution": to_jsonable(self.rfgv.score_distribution),
                "priority_perpetrators": None if self.public else to_jsonable(self.rfgv.table),
            },
            "timing": {
                "hour_by_day": to_jsonable(self.timing.hour_by_day),
                "by_day": to_jsonable(self.timing.by_day),
                "by_month_of_year": to_jsonable(self.timing.by_month_of_year),
                "midnight_share": to_jsonable(self.timing.midnight_share),
            },
            "headline": to_jsonable(self.table),
        }
        return {**head, **detail}


def _offence_group_table(result: ProfileResult) -> pl.DataFrame:
    """One row per offence group: crimes, share, home/public/unknown, ratio, harm."""
    place_cols = result.place.by_offence_group.select(
        "offence_group", "home", "public", "unknown", "ratio", "ci_low", "ci_high"
    )
    harm_cols = result.harm.by_offence_group.select("offence_group", "harm_days", "harm_share")
    return (
        result.volume.by_offence_group.join(place_cols, on="offence_group", how="left")
        .join(harm_cols, on="offence_group", how="left")
        .sort("crimes", descending=True, nulls_last=True)
    )


def headline_table(
    volume_: VolumeResult, place_: PlaceResult, people_: PeopleResult, harm_: HarmResult
) -> pl.DataFrame:
    """The headline figures as measure, value, ci_low, ci_high (null where not available)."""
    nan = float("nan")

    def count(measure: str, value: int | None) -> tuple[str, float | None, float, float]:
        return (measure, None if value is None else float(value), nan, nan)

    def est(measure: str, e: Estimate) -> tuple[str, float, float, float]:
        return (measure, e.estimate, e.ci_low, e.ci_high)

    rows = [
        count("crimes in scope", volume_.crimes_in_scope),
        count("distinct perpetrators", volume_.distinct_offenders),
        count("distinct victims", volume_.distinct_victims),
        count("crimes at home", place_.home_crimes),
        count("crimes in public", place_.public_crimes),
        count("crimes with location unknown", place_.unknown_location_crimes),
        est("home / public ratio", place_.home_public_ratio),
        count("repeat victims", people_.repeat_victims),
        est("repeat victim share", people_.repeat_victim_share),
        count("repeat perpetrators", people_.repeat_offenders),
        est("repeat perpetrator share", people_.repeat_offender_share),
        est("harm share of the most harmful 10%", harm_.harm_share_top_10pct),
        est("rate per 1,000 female residents per year", volume_.rate_per_1000_per_year),
        est("trend: rate ratio per year", volume_.trend.rate_ratio_per_year),
    ]
    return pl.DataFrame(
        rows,
        schema={
            "measure": pl.String,
            "value": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        },
        orient="row",
    ).with_columns(pl.col("value", "ci_low", "ci_high").fill_nan(None))


def profile(
    tables: Tables, settings: Settings, *, harm_weights: Path | str | None = None
) -> ProfileResult:
    """The perpetrator problem profile of the loaded force extract (restricted: person-level)."""
    weights = load_harm_weights(harm_weights or settings.harm_weights_file or None)
    scope = vawg_scope(tables, settings)
    with prepared(tables, scope, weights) as data:
        volume_ = volume(data)
        place_ = place(data)
        people_ = people(
            data,
            repeat_min_crimes=settings.repeat_min_crimes,
            offender_min_age=settings.offender_min_age,
        )
        harm_ = harm(
            data, weights, replicates=settings.profile_bootstrap_replicates, seed=settings.seed
        )
        rfgv_ = rfgv(data, settings)
        timing_ = timing(data)
        district_source = data.district_source
    exclusions = scope.exclusions
    no_dob = scope.no_date_of_birth_crimes
    used = {name: getattr(settings, name) for name in SCOPE_SETTINGS}
    if harm_weights:
        used["harm_weights_file"] = str(harm_weights)
    return ProfileResult(
        params=Params(
            method="VAWG perpetrator problem profile",
            citation="see each part's method",
            period=scope.period,
            seed=settings.seed,
            settings=used,
        ),
        public=False,
        period=scope.period,
        crimes_in_scope=volume_.crimes_in_scope,
        distinct_offenders=volume_.distinct_offenders,
        distinct_victims=volume_.distinct_victims,
        exclusions=exclusions,
        no_date_of_birth_crimes=no_dob,
        district_source=district_source,
        volume=volume_,
        place=place_,
        people=people_,
        harm=harm_,
        rfgv=rfgv_,
        timing=timing_,
        table=headline_table(volume_, place_, people_, harm_),
    )
