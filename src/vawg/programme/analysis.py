"""Did the perpetrator programme work? :func:`programme_evaluation` for every programme loaded.

For each programme in ``programme_participants.csv``: participants against a comparison group
matched on prior offending, RFGV score, age and time at risk (:mod:`vawg.programme.cohort`),
with a balance table; time to the next in-scope VAWG offence (any victim, and the same victim)
as Kaplan-Meier curves and a Cox hazard ratio; completers and non-completers apart; and the
harm of reoffending in the follow-up (:mod:`vawg.programme.outcomes`). Where the data cannot
support a conclusion (too few reoffences, or groups still unalike after matching) it says so.

Completers and non-completers: whether a man completes is only known at the end, and men who
reoffend may be more likely to leave, so their comparison describes who did better, not what
completing caused. The planted synthetic programme gives both the same effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError, ModelError
from vawg.evaluation.events import CrimeEvents, crime_events
from vawg.evaluation.matching import MATCHING_CITATION, balance_table
from vawg.programme.cohort import COVARIATES, OffenceHistory, build_cohort, offence_history
from vawg.programme.outcomes import (
    COX_CITATION,
    CoxFit,
    cox_hazard_ratio,
    harm_ratio,
    km_curves,
    reoffending,
)
from vawg.query import Tables
from vawg.results import Estimate, MainPoint, Params, ResultMixin, excludes

__all__ = [
    "ProgrammeEvaluation",
    "ProgrammeEvaluationResult",
    "finding",
    "programme_evaluation",
]

MIN_EVENTS = 10
SEVERE_IMBALANCE = 0.25
COMPLETION = {True: "completed", False: "left early", None: "not known yet"}
_DAY0 = date(1970, 1, 1)


@dataclass(frozen=True)
class ProgrammeEvaluation(ResultMixin):
    """One programme evaluated (person-level ``cohort``: restricted).

    ``hazard_ratios``: one row per outcome (any victim, same victim) and group (all
    participants, completed, left early, not known yet) with participants, comparisons, their
    reoffences, hazard_ratio, ci_low, ci_high, p_value (null where it could not be estimated).
    ``curves``: Kaplan-Meier curves. ``balance``: the balance table.
    """

    programme: str
    referrals: int | None  # None: suppressed (public version)
    analysed: int | None
    comparisons: int | None
    excluded: dict[str, int | None]
    balance: pl.DataFrame
    hazard_ratio: Estimate | None
    same_victim_hazard_ratio: Estimate | None
    hazard_ratios: pl.DataFrame
    curves: pl.DataFrame
    harm_ratio: Estimate | None
    mean_harm_participants: float | None
    mean_harm_comparisons: float | None
    harm_people: int | None
    reoffended_share: dict[str, float | None]
    cohort: pl.DataFrame
    can_conclude: bool
    reasons: tuple[str, ...]
    conclusion: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeEvaluationResult(ResultMixin):
    """Every programme; ``table`` is the hazard ratios of all of them (one row per programme,
    outcome and group)."""

    params: Params
    table: pl.DataFrame
    programmes: tuple[ProgrammeEvaluation, ...]
    last_day: date
    public: bool
    notes: tuple[str, ...]

    @property
    def main_points(self) -> tuple[MainPoint, ...]:
        """What the report opens with, for each programme where a conclusion can be drawn:
        participants' next VAWG offences against matched comparisons, and the harm of their
        reoffending in the follow-up, each with its interval and whether it is statistically
        clear (read from this Result's own fields, so the public Result's points are its
        published figures)."""
        days = self.params.settings.get("programme_followup_days")
        after = f"the {days} days after referral" if days else "the follow-up"
        points: list[MainPoint] = []
        for p in self.programmes:
            if not (p.can_conclude and p.hazard_ratio is not None):
                continue
            points.append(
                MainPoint(
                    topic=f"{p.programme}: rate of a next VAWG offence, participants against "
                    "matched comparisons",
                    measure="hazard",
                    value=None,
                    change=p.hazard_ratio,
                    clear=excludes(p.hazard_ratio, 1.0),
                    better_when="lower",
                    tested="95% confidence interval",
                )
            )
            if p.harm_ratio is not None:
                points.append(
                    MainPoint(
                        topic=f"{p.programme}: harm of VAWG reoffending in {after}, "
                        "participants against matched comparisons",
                        measure="harm",
                        value=None,
                        change=p.harm_ratio,
                        clear=excludes(p.harm_ratio, 1.0),
                        better_when="lower",
                        tested="95% confidence interval (bootstrap of matched sets)",
                        note=HARM_NOTE,
                    )
                )
        return tuple(points)


HARM_NOTE = (
    "Harm weighs each offence by its seriousness, so a few very serious offences can move it a "
    "lot: quote the range."
)


def _row(
    programme: str, outcome: str, group: str, fit: CoxFit | None, note: str
) -> dict[str, object]:
    e = fit.hazard_ratio if fit else None
    if fit is not None and min(fit.events_participants, fit.events_comparisons) < MIN_EVENTS:
        # the report's own rule: with fewer reoffences than this in a group no ratio is given
        e = None
        note = note or (
            f"too few reoffences for a hazard ratio (at least {MIN_EVENTS} in each group are "
            "needed)"
        )
    return {
        "programme": programme,
        "outcome": outcome,
        "group": group,
        "participants": fit.participants if fit else None,
        "comparisons": fit.comparisons if fit else None,
        "reoffended_participants": fit.events_participants if fit else None,
        "reoffended_comparisons": fit.events_comparisons if fit else None,
        "hazard_ratio": e.estimate if e else None,
        "ci_low": e.ci_low if e else None,
        "ci_high": e.ci_high if e else None,
        "p_value": e.p_value if e else None,
        "note": note,
    }


_ROW_SCHEMA = {
    "programme": pl.String,
    "outcome": pl.String,
    "group": pl.String,
    "participants": pl.Int64,
    "comparisons": pl.Int64,
    "reoffended_participants": pl.Int64,
    "reoffended_comparisons": pl.Int64,
    "hazard_ratio": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "p_value": pl.Float64,
    "note": pl.String,
}


def _fit(frame: pl.DataFrame, days: str, event: str) -> tuple[CoxFit | None, str]:
    try:
        return cox_hazard_ratio(frame, days, event), ""
    except ModelError as error:
        return None, str(error)


def _conclusion(fit: CoxFit | None, reasons: list[str], harm: Estimate | None = None) -> str:
    """The finding on reoffending, then (when a conclusion can be drawn) on its harm."""
    if reasons:
        return "Cannot conclude: " + "; ".join(reasons) + "."
    if fit is None:
        return "Cannot conclude: the Cox model could not be fitted."
    return finding(fit.hazard_ratio, harm)


def finding(hazard: Estimate, harm: Estimate | None) -> str:
    """The plain-English finding: the rate of reoffending, then the harm of it (when
    estimated), each with its interval."""
    return f"{_reoffending(hazard)} {_harm(harm)}".strip()


def _reoffending(e: Estimate) -> str:
    if e.ci_high < 1:
        return (
            f"Participants were less likely to reoffend at any time than matched comparisons: "
            f"their rate of a next VAWG offence was {1 - e.estimate:.0%} lower (95% CI "
            f"{1 - e.ci_high:.0%} to {1 - e.ci_low:.0%} lower)."
        )
    if e.ci_low > 1:
        return (
            f"Participants were more likely to reoffend than matched comparisons: their rate of "
            f"a next VAWG offence was {e.estimate - 1:.0%} higher (95% CI {e.ci_low - 1:.0%} to "
            f"{e.ci_high - 1:.0%} higher)."
        )
    return (
        "No clear difference in reoffending between participants and matched comparisons: "
        f"their rate of a next VAWG offence could be anything from {1 - e.ci_low:.0%} lower to "
        f"{e.ci_high - 1:.0%} higher (95% CI)."
    )


def _harm(e: Estimate | None) -> str:
    """The harm of reoffending in the follow-up, participants against comparisons, in words
    ("no clear difference" first when its interval includes none)."""
    if e is None or excludes(e, 1.0) is None:
        return ""
    if e.ci_high < 1:
        return (
            f"The harm of their reoffending in the follow-up was clearly lower: "
            f"{1 - e.estimate:.0%} less than the comparisons' (95% CI {1 - e.ci_high:.0%} to "
            f"{1 - e.ci_low:.0%} less)."
        )
    if e.ci_low > 1:
        return (
            f"The harm of their reoffending in the follow-up was clearly higher: "
            f"{e.estimate - 1:.0%} more than the comparisons' (95% CI {e.ci_low - 1:.0%} to "
            f"{e.ci_high - 1:.0%} more)."
        )
    return (
        "No clear difference in the harm of their reoffending in the follow-up: anything "
        f"from {1 - e.ci_low:.0%} less to {e.ci_high - 1:.0%} more (95% CI)."
    )


def _evaluate_one(
    programme: str,
    referrals: pl.DataFrame,
    history: OffenceHistory,
    referred: dict[str, date],
    last_day: date,
    settings: Settings,
) -> ProgrammeEvaluation:
    cohort = build_cohort(referrals, history, referred, last_day, settings)
    notes = [f"{n} people referred were left out: {why}" for why, n in cohort.excluded.items()]
    if cohort.short:
        notes.append(
            f"{cohort.short} people on the programme found fewer than "
            f"{settings.programme_comparisons} comparisons"
        )
    table = cohort.table
    if table.filter(pl.col("group") == "participant").is_empty():
        reasons = ["no participant could be matched (see the notes)"]
        return ProgrammeEvaluation(
            programme, referrals.height, 0, 0, dict(cohort.excluded), pl.DataFrame(), None, None,
            pl.DataFrame(schema=_ROW_SCHEMA), pl.DataFrame(), None, None, None, 0, {}, table,
            False, tuple(reasons), _conclusion(None, reasons), tuple(notes),
        )  # fmt: skip
    last = (last_day - _DAY0).days
    table = reoffending(
        table,
        history,
        last,
        int(settings.programme_lookback_days),
        int(settings.programme_followup_days),
    )
    participants = table.filter(pl.col("group") == "participant")
    comparisons = table.filter(pl.col("group") == "comparison")
    balance = balance_table(
        participants, cohort.pool, comparisons, list(COVARIATES), labels=COVARIATES
    )
    rows, curves = [], []
    fits: dict[tuple[str, str], CoxFit | None] = {}
    for outcome, days, event in (
        ("any victim", "days", "event"),
        ("same victim", "days_same_victim", "event_same_victim"),
    ):
        for group in ("all participants", *COMPLETION.values()):
            part = (
                table if group == "all participants" else table.filter(pl.col("completed") == group)
            )
            if part.filter(pl.col("group") == "participant").is_empty():
                continue
            fit, note = _fit(part, days, event)
            fits[(outcome, group)] = fit
            rows.append(_row(programme, outcome, group, fit, note))
            curves.append(km_curves(part, f"{outcome}: {group}", days, event))
    ratio, mean_t, mean_c, harm_people = harm_ratio(table, seed=settings.seed)
    main = fits.get(("any victim", "all participants"))
    reasons = []
    if main is None or min(main.events_participants, main.events_comparisons) < MIN_EVENTS:
        got = (
            f"{main.events_participants} among participants and {main.events_comparisons} among "
            "comparisons"
            if main
            else "none in one group"
        )
        reasons.append(
            f"too few reoffences to compare ({got}; at least {MIN_EVENTS} in each are needed)"
        )
    unbalanced = balance.filter(pl.col("smd_after").abs() > SEVERE_IMBALANCE)
    if unbalanced.height:
        reasons.append(
            "participants and comparisons are still unalike after matching on "
            + ", ".join(unbalanced["covariate"].to_list())
            + f" (standardised difference above {SEVERE_IMBALANCE})"
        )
    full = table.filter(pl.col("harm_followup").is_not_null())
    reoffended = {
        g: (
            float((full.filter(pl.col("group") == g)["harm_followup"] > 0).mean())  # type: ignore[arg-type]
            if full.filter(pl.col("group") == g).height
            else None
        )
        for g in ("participant", "comparison")
    }
    same = fits.get(("same victim", "all participants"))
    return ProgrammeEvaluation(
        programme=programme,
        referrals=referrals.height,
        analysed=participants.height,
        comparisons=comparisons.height,
        excluded=dict(cohort.excluded),
        balance=balance,
        hazard_ratio=main.hazard_ratio if main else None,
        same_victim_hazard_ratio=same.hazard_ratio if same else None,
        hazard_ratios=pl.DataFrame(rows, schema=_ROW_SCHEMA),
        curves=pl.concat(curves) if curves else pl.DataFrame(),
        harm_ratio=ratio,
        mean_harm_participants=mean_t,
        mean_harm_comparisons=mean_c,
        harm_people=harm_people,
        reoffended_share=reoffended,
        cohort=table,
        can_conclude=not reasons and main is not None,
        reasons=tuple(reasons),
        conclusion=_conclusion(main, reasons, ratio),
        notes=tuple(notes),
    )


def programme_evaluation(
    tables: Tables, settings: Settings, *, events: CrimeEvents | None = None
) -> ProgrammeEvaluationResult:
    """Evaluate every programme in the loaded ``programme_participants`` table. ``events``: the
    whole extract's :func:`~vawg.evaluation.events.crime_events`, when the caller has them."""
    referrals = tables.programme_participants.drop("_file", "_line").to_polars()
    if referrals.is_empty():
        raise InputError(
            "no programme participants are loaded; load a programme_participants.csv (see "
            "docs/data-contract.md) with `vawg ingest`"
        )
    referrals = referrals.with_columns(
        pl.col("referral_date", "start_date", "end_date").cast(pl.Date),
        completed=pl.when(pl.col("completed"))
        .then(pl.lit(COMPLETION[True]))
        .when(~pl.col("completed"))
        .then(pl.lit(COMPLETION[False]))
        .otherwise(pl.lit(COMPLETION[None])),
    )
    if events is None:
        events = crime_events(tables, settings, whole_extract=True)
    births = tables.people.select("person_id", "date_of_birth").to_polars()
    history = offence_history(events.crimes, events.offenders, events.victims, births)
    referred = {
        str(k): v
        for k, v in referrals.group_by("person_id").agg(pl.col("referral_date").min()).iter_rows()
    }
    evaluations = [
        _evaluate_one(name, part, history, referred, events.last_day, settings)
        for (name,), part in referrals.group_by(["programme"], maintain_order=True)
    ]
    table = pl.concat([e.hazard_ratios for e in evaluations], how="vertical_relaxed")
    return ProgrammeEvaluationResult(
        params=Params(
            method=(
                "risk-set nearest-neighbour matching (Mahalanobis) on prior and recent offending, "
                "RFGV score, age, days since the last offence and between the last two, domestic "
                "abuse share and offences against the current victim; time at risk equal by "
                "design; "
                "Kaplan-Meier; Cox proportional hazards (Efron ties, robust by person); harm "
                "ratio with a matched-set bootstrap"
            ),
            citation=f"{COX_CITATION} {MATCHING_CITATION}",
            period=(events.first_day, events.last_day),
            seed=settings.seed,
            settings={
                "programme_lookback_days": settings.programme_lookback_days,
                "programme_comparisons": settings.programme_comparisons,
                "programme_followup_days": settings.programme_followup_days,
                "rfgv_window_days": settings.rfgv_window_days,
            },
        ),
        table=table,
        programmes=tuple(evaluations),
        last_day=events.last_day,
        public=False,
        notes=events.notes,
    )
