"""The two evaluations read the same crimes: pulled once and shared, they answer as they do
when each pulls its own (as ``vawg evaluate`` shares them)."""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal
from tests.evaluation.conftest import FAST, Evaluated

from vawg.evaluation.analysis import place_evaluation
from vawg.evaluation.events import crime_events
from vawg.programme.analysis import programme_evaluation
from vawg.query import connect
from vawg.synth.interventions import PLANNED


def test_shared_events_give_the_same_evaluations(planted: Evaluated) -> None:
    tables = connect(planted.db)
    try:
        events = crime_events(tables, FAST, whole_extract=True)
        place = place_evaluation(tables, FAST, events=events)
        programme = programme_evaluation(tables, FAST, events=events)
    finally:
        tables.backend.disconnect()
    assert_frame_equal(place.table, planted.place.table)
    assert_frame_equal(programme.table, planted.programme.table)
    assert place.table.height == len(PLANNED)


def test_the_programme_cohort_does_not_depend_on_how_many_cores_match_it(
    planted: Evaluated, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The referral dates are matched on several threads and taken back in date order.
    monkeypatch.setattr("vawg.threads.os.cpu_count", lambda: 1)
    tables = connect(planted.db)
    try:
        one = programme_evaluation(tables, FAST)
    finally:
        tables.backend.disconnect()
    (alone,) = one.programmes
    (shared,) = planted.programme.programmes
    assert_frame_equal(alone.cohort, shared.cohort)
    assert_frame_equal(one.table, planted.programme.table)
