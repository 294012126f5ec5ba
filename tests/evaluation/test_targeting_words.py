"""The targeting report's notes in plain words, on the planted synthetic force."""

from __future__ import annotations

from tests.evaluation.conftest import Evaluated


def test_crimes_without_a_map_position_are_left_out_in_plain_words(planted: Evaluated) -> None:
    # The targeting report read "left out of the Knox test and the repeat locations".
    from vawg.query import connect
    from vawg.targeting.analysis import targeting

    from .conftest import FAST

    result = targeting(connect(planted.db), FAST)
    notes = [n for n in result.notes if "no map position" in n]
    assert len(notes) == 1
    assert "check for near repeats (crimes close together in place and time)" in notes[0]
    assert not any("Knox" in n for n in result.notes)
