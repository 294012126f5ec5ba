"""A clear rise in the ring around a scheme (possible displacement) is a finding: it was left
out of the finding box and the main points, though it was the only clear Safer Streets result
(Ramsgate: 2.4 times as many crimes, 95% CI 1.04 to 5.7 times as many). Its interval is written
in one form: both ends as "times as many" once an end is twice as many or more."""

from __future__ import annotations

import dataclasses

from tests.evaluation.conftest import Evaluated

from vawg.evaluation.effects import conclusion_text, ring_finding
from vawg.results import Estimate

RAMSGATE = Estimate(2.4353, 1.0430, 5.6862)


def test_a_clear_rise_in_the_ring_is_said_with_its_interval() -> None:
    text = ring_finding(RAMSGATE)
    assert text is not None
    assert "Crime rose in the ring around the scheme" in text
    assert "2.4 times as many crimes (95% CI 1.04 to 5.7 times as many)" in text
    assert "4.3% more" not in text
    assert "displaced" in text
    fall = ring_finding(Estimate(0.6, 0.45, 0.8))
    assert fall is not None and "40% fewer crimes (95% CI 55% fewer to 20% fewer)" in fall


def test_no_ring_sentence_when_the_interval_includes_no_change() -> None:
    assert ring_finding(Estimate(1.5, 0.9, 2.5)) is None
    assert ring_finding(None) is None


def test_the_finding_box_carries_the_ring_after_the_finding() -> None:
    text = conclusion_text(Estimate(1.04, 0.59, 1.82), [], "Crimes", ring_finding(RAMSGATE))
    assert text.startswith("No clear change in crimes")
    assert "Crime rose in the ring around the scheme" in text
    # no finding, no ring sentence either
    assert "ring" not in conclusion_text(None, ["too few crimes"], "Crimes", ring_finding(RAMSGATE))


def test_a_clear_ring_change_is_a_main_point(planted: Evaluated) -> None:
    result = planted.place
    evaluable = [e for e in result.interventions if e.can_conclude and e.rate_ratio]
    assert evaluable
    first = evaluable[0]
    changed = dataclasses.replace(first, ring_ratio=RAMSGATE)
    others = tuple(changed if e is first else e for e in result.interventions)
    points = dataclasses.replace(result, interventions=others).main_points
    ring = [
        p for p in points if p.topic.startswith(f"{first.intervention.name}, crime in the ring")
    ]
    assert len(ring) == 1
    assert ring[0].change == RAMSGATE and ring[0].clear is True
    assert "possible displacement" in ring[0].topic
    # it follows the scheme's own point
    names = [p.topic for p in points]
    assert (
        names.index(ring[0].topic)
        == names.index(f"{first.intervention.name}, against matched comparison areas") + 1
    )


def test_the_count_of_schemes_with_a_conclusion_names_them(planted: Evaluated) -> None:
    # The demo opened with "Safer Streets schemes with enough crimes to draw a conclusion (out
    # of 8 evaluated): 1." and never said which one.
    result = planted.place
    evaluable = [e for e in result.interventions if e.can_conclude and e.rate_ratio]
    assert evaluable and len(evaluable) < len(result.interventions)
    first = next(p for p in result.main_points if p.topic.startswith("Safer Streets schemes"))
    for e in evaluable:
        assert e.intervention.name in first.note
    for e in result.interventions:
        if e not in evaluable:
            assert e.intervention.name not in first.note
    rest = len(result.interventions) - len(evaluable)
    assert f"The other {rest if rest > 1 else 'one'} had too few crimes" in first.note
    # Only one scheme: "That is …"
    only = dataclasses.replace(
        result,
        interventions=tuple(
            e
            for e in result.interventions
            if e is evaluable[0] or not (e.can_conclude and e.rate_ratio)
        ),
    )
    (point,) = [p for p in only.main_points if p.topic.startswith("Safer Streets schemes")]
    assert point.note.startswith(f"That is {evaluable[0].intervention.name}.")
