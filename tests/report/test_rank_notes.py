"""A rank list that skips numbers says why in its caption: ties share a rank, and places not
in the list (not even possibly in the top N) leave gaps. The demo's lists read 14, 14, 16 and
19, 21, 22, 22, 24 with no word on it."""

from __future__ import annotations

from vawg.report.targeting.map import rank_note


def test_no_note_when_the_ranks_run_on() -> None:
    assert rank_note([1, 2, 3, 4]) == ""


def test_ties_are_explained() -> None:
    note = rank_note([1, 2, 2, 4, 5], "LSOAs")
    assert "tied LSOAs share a rank, and the next rank is skipped" in note
    assert "not listed" not in note


def test_places_left_out_are_explained() -> None:
    note = rank_note([1, 2, 3, 5, 6], "LSOAs", "not even possibly in the top 10")
    assert note == (
        "Why a rank number is missing: a rank not listed is one of the LSOAs not even possibly "
        "in the top 10."
    )
    both = rank_note([14, 14, 16, 17, 18, 19, 21], "LSOAs", "not even possibly in the top 10")
    assert "tied LSOAs share a rank" in both and "a rank not listed" in both
