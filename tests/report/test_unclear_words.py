"""A change whose interval holds none reads one way in every report: "no clear change
(estimate 3.8% more crimes, 95% CI 41% fewer to 82% more)" (vawg.wording.unclear)."""

from __future__ import annotations

from datetime import date

from vawg.evaluation.effects import conclusion_text
from vawg.report.bulletin import sentence
from vawg.report.drivers._format import _ci, effect_words
from vawg.report.evaluation.place import ratio_words
from vawg.results import Estimate, MainPoint

# 1.038 is 3.8% more; 0.59 is 41% fewer; 1.82 is 82% more
WORDS = "no clear change (estimate 3.8% more crimes, 95% CI 41% fewer to 82% more)"


def test_tables_tiles_and_main_points_word_an_unclear_change_alike() -> None:
    # The tables said "no clear change (point estimate 3.8% more crimes; 95% CI ...)" and the
    # main points "no clear change (estimate 3.8% more crimes, 95% CI ...)".
    e = Estimate(1.038, 0.59, 1.82)
    assert effect_words(1.038, 0.59, 1.82) == WORDS  # the drivers tables
    assert ratio_words(e) == WORDS  # the evaluation tables
    point = MainPoint(
        topic="Crimes",
        measure="effect",
        value=None,
        change=e,
        comparison=(date(2020, 4, 1), date(2021, 3, 31)),
        clear=False,
    )
    assert sentence(point) == f"Crimes: {WORDS}."  # the main points
    # a tile's detail line under "no clear change"
    assert _ci(e) == "estimate 3.8% more crimes, 95% CI 41% fewer to 82% more"
    # the evaluation's finding: the estimate beside "no clear change", never "point estimate"
    finding = conclusion_text(e, [], "Crime")
    assert finding.startswith("No clear change in crime relative to the comparison areas ")
    assert "(estimate a rise of 3.8%)" in finding
    assert "point estimate" not in finding


def test_the_trend_before_the_start_reads_the_same_way() -> None:
    # It read "no clear difference in trend from the comparison areas: point estimate 1.2%
    # more crimes a year (95% CI 47% fewer to 94% more)".
    from vawg.report.evaluation.place import _pre_trend

    text = _pre_trend(Estimate(1.012, 0.53, 1.94), False)
    assert (
        "Before the start, no clear difference in trend from the comparison areas (estimate "
        "1.2% more crimes a year, 95% CI 47% fewer to 94% more)." in text
    )
