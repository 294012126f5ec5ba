"""The evaluation report (``vawg evaluate``): one HTML page and one JSON document.

JSON keys are stable: every intervention (and ``pooled``) carries ``rate_ratio``, ``ci_low``,
``ci_high``, ``p_value``, ``crimes_averted`` (with ``crimes_averted_ci_low``/``_ci_high``),
``harm_averted``, ``cost_per_crime_averted`` (with its interval; ``ci_high`` null = no upper
limit), ``cost_per_harm_day_averted``, ``can_conclude``, ``conclusion`` and ``reasons``; every
programme ``hazard_ratio``, ``ci_low``, ``ci_high``, ``p_value`` and the same for
``same_victim``. When no conclusion can be drawn, the headline keys are null and (restricted
output only) ``diagnostic`` holds the numbers, marked not fit for conclusions.
"""

from __future__ import annotations

from typing import Any

from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.evaluation.place import InterventionEvaluation
from vawg.evaluation.pooled import PooledEvaluation
from vawg.programme.analysis import ProgrammeEvaluation, ProgrammeEvaluationResult
from vawg.report.evaluation._format import esc
from vawg.report.evaluation.methods import methods_html
from vawg.report.evaluation.place import intervention_section, place_summary, pooled_section
from vawg.report.evaluation.programme import programme_section
from vawg.report.fmt import period as fmt_period
from vawg.report.page import (
    Classification,
    Section,
    disclosure_rule,
    paragraphs,
    render_page,
)
from vawg.results import Estimate, to_jsonable

__all__ = ["evaluation_html", "evaluation_json"]


def _subtitle(
    place: PlaceEvaluationResult | None, programme: ProgrammeEvaluationResult | None
) -> str:
    """What was compared, in words, and over which months (methods are named in Methods)."""
    parts = []
    if place is not None:
        parts.append("Safer Streets areas against similar areas")
    if programme is not None:
        parts.append("programme participants against similar people who did not take part")
    text = "; ".join(parts)
    if place is not None and place.params.period is not None:
        text += f" · {fmt_period(*place.params.period)}"
    return text


def _flat(prefix: str, e: Estimate | None) -> dict[str, Any]:
    value = to_jsonable(e) if e is not None else None
    return {
        prefix: value["estimate"] if value else None,
        f"{prefix}_ci_low": value["ci_low"] if value else None,
        f"{prefix}_ci_high": value["ci_high"] if value else None,
    }


def _effects(item: InterventionEvaluation | PooledEvaluation, public: bool) -> dict[str, Any]:
    show = item.can_conclude
    rate = to_jsonable(item.rate_ratio) if item.rate_ratio and show else None
    out: dict[str, Any] = {
        "can_conclude": item.can_conclude,
        "conclusion": item.conclusion,
        "reasons": list(item.reasons),
        "rate_ratio": rate["estimate"] if rate else None,
        "ci_low": rate["ci_low"] if rate else None,
        "ci_high": rate["ci_high"] if rate else None,
        "p_value": rate["p_value"] if rate else None,
        **_flat("crimes_averted", item.crimes_averted if show else None),
        **_flat("harm_averted", item.harm_averted if show else None),
        **_flat("net_crimes_averted", item.net_crimes_averted if show else None),
        **_flat("displaced_crimes", item.displaced_crimes if show else None),
        **_flat("ring_rate_ratio", item.ring_ratio if show else None),
        **_flat("cost_per_crime_averted", item.cost_per_crime_averted if show else None),
        **_flat("cost_per_harm_day_averted", item.cost_per_harm_day_averted if show else None),
        "counts": dict(item.counts),
        "pre_trend": None
        if item.pre_trend is None
        else {
            "ratio_per_year": to_jsonable(item.pre_trend.ratio_per_year),
            "differs": item.pre_trend.differs,
        },
        "event_study": to_jsonable(item.event_study),
        "notes": list(item.notes),
    }
    if not show and not public:
        out["diagnostic"] = {
            "not_fit_for_conclusions": True,
            "rate_ratio": to_jsonable(item.rate_ratio),
            "crimes_averted": to_jsonable(item.crimes_averted),
            "cost_per_crime_averted": to_jsonable(item.cost_per_crime_averted),
        }
    return out


def _intervention(e: InterventionEvaluation, public: bool) -> dict[str, Any]:
    iv = e.intervention
    out = {
        "intervention_id": iv.intervention_id,
        "name": iv.name,
        "type": iv.type,
        "start_date": iv.start.isoformat(),
        "end_date": iv.end.isoformat() if iv.end else None,
        "cost": iv.cost,
        "funder": iv.funder,
        "area": iv.area,
        "before_months": e.before_months,
        "after_months": e.after_months,
        **_effects(e, public),
        "balance": to_jsonable(e.balance),
        "poorly_matched_on": list(e.poor_match),
        "synthetic_control": None
        if not e.synthetic_fit
        else {**to_jsonable(e.synthetic_fit), "interval": to_jsonable(e.synthetic_ratio)},
        "displacement_quotient": to_jsonable(e.displacement),
    }
    if not public:
        out["lsoas"] = list(iv.lsoas)
        out["ring_lsoas"] = list(iv.ring)
        out["comparison_lsoas"] = list(e.comparisons)
    return out


def _programme(p: ProgrammeEvaluation) -> dict[str, Any]:
    hr = to_jsonable(p.hazard_ratio) if p.hazard_ratio and p.can_conclude else None
    same = to_jsonable(p.same_victim_hazard_ratio) if p.same_victim_hazard_ratio else None
    return {
        "programme": p.programme,
        "can_conclude": p.can_conclude,
        "conclusion": p.conclusion,
        "reasons": list(p.reasons),
        "hazard_ratio": hr["estimate"] if hr else None,
        "ci_low": hr["ci_low"] if hr else None,
        "ci_high": hr["ci_high"] if hr else None,
        "p_value": hr["p_value"] if hr else None,
        "same_victim": {
            "hazard_ratio": same["estimate"] if same else None,
            "ci_low": same["ci_low"] if same else None,
            "ci_high": same["ci_high"] if same else None,
        },
        "harm_ratio": to_jsonable(p.harm_ratio),
        "mean_harm_days": {
            "participants": p.mean_harm_participants,
            "comparisons": p.mean_harm_comparisons,
        },
        "referrals": p.referrals,
        "participants": p.analysed,
        "comparisons": p.comparisons,
        "excluded": dict(p.excluded),
        "by_outcome_and_group": to_jsonable(p.hazard_ratios),
        "balance": to_jsonable(p.balance),
        "notes": list(p.notes),
    }


def evaluation_json(
    place: PlaceEvaluationResult | None,
    programme: ProgrammeEvaluationResult | None,
    *,
    missing: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The evaluation as a JSON-safe dict with stable keys (see module docstring)."""
    public = bool((place and place.public) or (programme and programme.public))
    out: dict[str, Any] = {
        "classification": "PUBLIC" if public else "OFFICIAL-SENSITIVE",
        "not_evaluated": list(missing),
        "place": None,
        "programmes": [],
    }
    if place is not None:
        out["place"] = {
            "outcome": place.outcome,
            "months": to_jsonable(place.months),
            "hours": list(place.evening_night_hour),
            "interventions": [_intervention(e, public) for e in place.interventions],
            "pooled": None
            if place.pooled is None
            else {
                "included": list(place.pooled.included),
                "excluded": [list(x) for x in place.pooled.excluded],
                "cost": place.pooled.cost,
                **_effects(place.pooled, public),
            },
            "settings": to_jsonable(place.params.settings),
            "notes": list(place.notes),
        }
    if programme is not None:
        out["programmes"] = [_programme(p) for p in programme.programmes]
        out["settings"] = {"programme": to_jsonable(programme.params.settings)}
    return out


def evaluation_html(
    place: PlaceEvaluationResult | None,
    programme: ProgrammeEvaluationResult | None,
    *,
    missing: tuple[str, ...] = (),
) -> str:
    """The evaluation report as one self-contained HTML page."""
    public = bool((place and place.public) or (programme and programme.public))
    shown = place if place is not None else programme
    rule = disclosure_rule(shown.params.settings) if public and shown is not None else None
    summary = ""
    for text in missing:
        summary += f'<div class="warning">{esc(text)}</div>'
    sections: list[Section] = []
    if place is not None:
        summary += "<h3>Safer Streets (places)</h3>" + place_summary(place)
    if programme is not None:
        summary += "<h3>Perpetrator programme</h3>" + "".join(
            f"<p><b>{esc(p.programme)}:</b> {esc(p.conclusion)}</p>" for p in programme.programmes
        )
    sections.append(Section("Summary", summary, anchor="summary"))
    if place is not None:
        if place.pooled is not None:
            sections.append(
                Section(
                    "Safer Streets: all interventions together",
                    pooled_section(
                        place.pooled,
                        public,
                        {
                            e.intervention.intervention_id: e.intervention.name
                            for e in place.interventions
                        },
                    ),
                    anchor="pooled",
                )
            )
        sections.append(
            Section(
                "Safer Streets: each intervention",
                paragraphs(
                    "One part per intervention: the finding first, then the crimes before and "
                    "after the start. "
                    + (
                        "Where a conclusion can be drawn, the change period by period from the "
                        "start, the ring around the areas (where crime could have moved to) and "
                        "a second estimate follow; how alike the comparison areas were, and other "
                        "model details, are folded under each."
                        if public
                        else "Then the change period by period from the start, the ring around "
                        "the areas (where crime could have moved to) and a second estimate; how "
                        "alike the comparison areas were, and other model details, are folded "
                        "under each. Where no conclusion can be drawn, the figures are "
                        "diagnostics only."
                    )
                ),
                anchor="interventions",
                subsections=tuple(intervention_section(e, public) for e in place.interventions),
            )
        )
    if programme is not None:
        sections += [programme_section(p, public) for p in programme.programmes]
    sections.append(
        Section(
            "Methods, definitions and assumptions",
            methods_html(place, programme, rule=rule),
            anchor="methods",
        )
    )
    return render_page(
        "Did it work? Safer Streets and the perpetrator programme",
        sections,
        classification=Classification.public(rule) if rule else Classification.restricted(),
        subtitle=_subtitle(place, programme),
        main_points=[
            *(place.main_points if place is not None else ()),
            *(programme.main_points if programme is not None else ()),
        ],
    )
