"""The planted Safer Streets and programme effects of the synthetic force are recovered within
their 95% intervals (one seed here; several in the slow calibration test), and a null force
gives intervals that cover 1."""

from __future__ import annotations

import dataclasses

import polars as pl

from vawg.results import Estimate

from .conftest import Evaluated


def test_pooled_safer_streets_effect_covers_the_planted_ratio(planted: Evaluated) -> None:
    truth = planted.truth["planted"]["safer_streets"]
    pooled = planted.place.pooled
    assert pooled is not None and pooled.rate_ratio is not None
    assert pooled.rate_ratio.contains(truth["rate_ratio"])
    assert len(pooled.included) == len(truth["interventions"]) == 8
    assert pooled.crimes_averted is not None and pooled.crimes_averted.estimate > 0


def test_each_intervention_is_evaluated_on_its_planted_areas(planted: Evaluated) -> None:
    truth = {
        i["intervention_id"]: i for i in planted.truth["planted"]["safer_streets"]["interventions"]
    }
    covered = 0
    for e in planted.place.interventions:
        planted_iv = truth[e.intervention.intervention_id]
        assert sorted(e.intervention.lsoas) == sorted(planted_iv["treated_lsoas"])
        assert sorted(e.intervention.ring) == sorted(planted_iv["ring_lsoas"])
        assert e.rate_ratio is not None
        covered += e.rate_ratio.contains(planted_iv["rate_ratio"])
        # Synthetic control weights are a proper blend.
        if e.synthetic_fit:
            assert abs(float(e.synthetic_fit["total_weight"] or 0) - 1) < 1e-9
    assert covered >= 7
    # At this scale single town centres have too few crimes, and the report says so.
    too_few = [
        e for e in planted.place.interventions if any("too few crimes" in r for r in e.reasons)
    ]
    assert too_few and all(e.conclusion.startswith("Cannot conclude") for e in too_few)


def test_programme_hazard_ratio_covers_the_planted_truth(planted: Evaluated) -> None:
    truth = planted.truth["planted"]["programme"]
    evaluation = planted.programme.programmes[0]
    assert evaluation.programme == truth["programme"]
    assert evaluation.hazard_ratio is not None
    assert evaluation.hazard_ratio.contains(truth["hazard_ratio_marginal"])
    table = planted.programme.table
    groups = set(table.filter(pl.col("outcome") == "any victim")["group"])
    assert {"all participants", "completed", "left early"} <= groups
    assert (evaluation.balance["smd_after"].abs() < 0.25).all()


def test_null_force_intervals_cover_one(null: Evaluated) -> None:
    pooled = null.place.pooled
    assert pooled is not None and pooled.rate_ratio is not None
    assert pooled.rate_ratio.contains(1.0)
    assert null.truth["planted"]["safer_streets"]["rate_ratio"] == 1.0
    hr = null.programme.programmes[0].hazard_ratio
    assert hr is not None and hr.contains(1.0)


def test_a_poorly_matched_scheme_carries_its_caveat_in_the_main_points(planted: Evaluated) -> None:
    """A scheme whose comparison areas were a poor match says so in its main point; a well
    matched one does not."""
    place = planted.place
    first = dataclasses.replace(
        place.interventions[0], can_conclude=True, rate_ratio=Estimate(0.8, 0.7, 0.9)
    )
    for poor, expected in ((("deprivation",), True), ((), False)):
        e = dataclasses.replace(first, poor_match=poor)
        result = dataclasses.replace(place, interventions=(e, *place.interventions[1:]))
        point = next(p for p in result.main_points if p.topic.startswith(e.intervention.name))
        assert ("not a close match" in point.note) is expected
        assert ("uncertain" in point.note) is expected


def test_the_programme_harm_result_is_a_main_point(planted: Evaluated) -> None:
    """Each programme opens with its reoffending rate and the harm of its reoffending, each
    with the interval and whether it is clear; the finding names the harm too."""
    from vawg.results import excludes

    evaluation = planted.programme.programmes[0]
    assert evaluation.can_conclude and evaluation.harm_ratio is not None
    points = [p for p in planted.programme.main_points if p.topic.startswith(evaluation.programme)]
    assert [p.measure for p in points] == ["hazard", "harm"]
    harm = points[1]
    assert harm.change == evaluation.harm_ratio
    assert harm.clear == excludes(evaluation.harm_ratio, 1.0)
    assert "365 days after referral" in harm.topic
    assert "harm of their reoffending" in evaluation.conclusion


def test_periods_before_the_start_that_were_not_steady_caveat_the_main_points(
    planted: Evaluated,
) -> None:
    """The pooled finding and a scheme's finding carry the event study's caveat in their main
    points, as their conclusions do, when the periods before the start were not steady; the
    dashboard had shown "no clear change" beside treated areas 2.5 times the comparison
    areas' level a few quarters before the start."""
    place = planted.place
    pooled = place.pooled
    assert pooled is not None
    pooled = dataclasses.replace(pooled, can_conclude=True, rate_ratio=Estimate(0.8, 0.6, 1.1))
    first = dataclasses.replace(
        place.interventions[0],
        can_conclude=True,
        rate_ratio=Estimate(0.8, 0.7, 0.9),
        poor_match=(),
    )
    for p_value, expected in ((0.001, True), (0.6, False), (None, False)):
        result = dataclasses.replace(
            place,
            pooled=dataclasses.replace(pooled, event_leads_p_value=p_value, event_leads_df=4),
            interventions=(
                dataclasses.replace(first, event_leads_p_value=p_value, event_leads_df=4),
                *place.interventions[1:],
            ),
        )
        together = next(p for p in result.main_points if p.topic.startswith("All "))
        scheme = next(p for p in result.main_points if p.topic.startswith(first.intervention.name))
        for point in (together, scheme):
            assert ("not steady" in point.note) is expected, (p_value, point.topic)
            assert ("4 periods before the start" in point.note) is expected
