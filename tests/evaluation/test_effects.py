"""Crimes averted, cost per crime averted and the plain statements, by hand."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from vawg.evaluation.effects import (
    averted,
    conclusion_reasons,
    conclusion_text,
    cost_per,
    harm_averted,
    leads_caution,
    leads_outside,
    match_caution,
    poorly_matched,
)
from vawg.evaluation.matching import balance_table
from vawg.results import Estimate


def test_crimes_averted_and_cost_by_hand() -> None:
    saved = averted(100, Estimate(0.8, 0.64, 1.0))
    # 100 x (1/0.8 - 1) = 25; interval 100 x (1/1.0 - 1) = 0 to 100 x (1/0.64 - 1) = 56.25.
    assert (saved.estimate, saved.ci_low, saved.ci_high) == pytest.approx((25, 0, 56.25))
    cost = cost_per(10_000, saved)
    assert cost is not None
    assert cost.estimate == pytest.approx(400)
    assert cost.ci_low == pytest.approx(10_000 / 56.25)
    assert math.isinf(cost.ci_high)  # the interval reaches no crime averted: no upper limit
    assert cost_per(10_000, averted(100, Estimate(1.1, 0.9, 1.3))) is None


def test_harm_averted_scales_crimes_averted_by_mean_harm() -> None:
    harms = np.array([10.0, 20.0, 30.0, 1825.0])
    e = harm_averted(100, Estimate(0.8, 0.7, 0.9), harms, seed=0)
    assert e is not None
    assert e.estimate == pytest.approx(25 * harms.mean())
    assert e.ci_low < e.estimate < e.ci_high


def test_reasons_name_each_problem_plainly() -> None:
    reasons = conclusion_reasons(
        before_months=8,
        after_months=3,
        crimes_before=12,
        crimes_after=4,
        pre_trend=None,
        min_before_months=12,
        min_after_months=6,
        min_crimes=20,
    )
    assert len(reasons) == 3
    assert reasons[0].startswith("too short a period before the start: 8 months")
    assert reasons[1].startswith("too short a period since the start: 3 months")
    assert reasons[2].startswith("too few crimes: 12 before and 4 after")
    text = conclusion_text(Estimate(0.5, 0.2, 1.2), reasons, "X")
    assert text.startswith("Cannot conclude:") and "0.5" not in text


def test_statements_when_a_conclusion_is_possible() -> None:
    assert "fell by 20%" in conclusion_text(Estimate(0.8, 0.7, 0.9), [], "Crime")
    assert "rose by 30%" in conclusion_text(Estimate(1.3, 1.1, 1.5), [], "Crime")
    assert conclusion_text(Estimate(0.9, 0.7, 1.2), [], "Crime").startswith("No clear change")


def test_findings_are_percentages_not_bare_ratios() -> None:
    text = conclusion_text(Estimate(0.72, 0.51, 1.01), [], "Crime")
    assert "rate ratio" not in text and "0.72" not in text
    assert "a fall of 49% to a rise of 1.0%" in text and "(estimate a fall of 28%)" in text


def test_the_finding_rounds_a_change_as_the_main_point_beside_it_does() -> None:
    # The demo's pooled result read "a rise of 2%" in the finding and "1.6% more" in the main
    # point: under 10% a change has one decimal in both.
    text = conclusion_text(Estimate(0.77, 0.58, 1.016), [], "Crime")
    assert "a fall of 42% to a rise of 1.6%" in text and "(estimate a fall of 23%)" in text
    assert "rise of 2%" not in text
    rise = conclusion_text(Estimate(1.038, 0.59, 1.82), [], "Crime")
    assert "(estimate a rise of 3.8%)" in rise and "a fall of 41% to a rise of 82%" in rise
    assert "fell by 5.0%" in conclusion_text(Estimate(0.95, 0.92, 0.98), [], "Crime")


def test_a_clear_ring_result_does_not_vanish_from_the_public_report() -> None:
    from types import SimpleNamespace

    from vawg.evaluation.public import _ring_note

    clear = SimpleNamespace(ring_ratio=Estimate(4.01, 1.28, 12.53))
    unclear = SimpleNamespace(ring_ratio=Estimate(1.2, 0.8, 1.9))
    (note,) = _ring_note(clear, dropped=True)  # type: ignore[arg-type]
    assert "rose clearly" in note and "4.0" not in note
    assert _ring_note(unclear, dropped=True) == ()  # type: ignore[arg-type]
    assert _ring_note(clear, dropped=False) == ()  # type: ignore[arg-type]


def _planted_balance(shift: float) -> object:
    """Three treated areas, a pool of 40 and nine matched comparisons whose deprivation sits
    ``shift`` pooled standard deviations from the treated areas' (pubs matched exactly)."""
    import polars as pl

    rng = np.random.default_rng(3)
    treated = pl.DataFrame({"deprivation": [10.0, 12.0, 14.0], "pubs": [3.0, 4.0, 5.0]})
    pool = pl.DataFrame(
        {"deprivation": rng.normal(12, 2, 40).tolist(), "pubs": rng.normal(4, 1, 40).tolist()}
    )
    s = float(np.sqrt((np.var([10.0, 12.0, 14.0], ddof=1) + pool["deprivation"].var()) / 2))
    chosen = pl.DataFrame(
        {"deprivation": [12.0 - shift * s + d for d in (-1, 0, 1) * 3], "pubs": [3.0, 4.0, 5.0] * 3}
    )
    return balance_table(treated, pool, chosen, ["deprivation", "pubs"])


def test_a_poorly_matched_comparison_is_a_caveat_of_the_finding() -> None:
    """Comparison areas half a standard deviation off on deprivation (past the 0.25 mark) put
    the caveat in the finding; a close match (0.05 off) does not."""
    poor, good = poorly_matched(_planted_balance(0.5)), poorly_matched(_planted_balance(0.05))  # type: ignore[arg-type]
    assert poor == ("deprivation",) and good == ()
    ratio = Estimate(0.7, 0.55, 0.9)
    caveat = conclusion_text(ratio, [], "Crime", match_caution(poor))
    assert caveat.startswith("Crime fell by 30%")
    assert "not a close match" in caveat and "deprivation" in caveat and "uncertain" in caveat
    assert "close match" not in conclusion_text(ratio, [], "Crime", match_caution(good))
    assert match_caution(good) is None


def test_periods_before_the_start_that_cannot_be_tested_together_are_counted() -> None:
    # The demo's eight schemes together: the joint test could not be made (None), and 3 of 7
    # periods before the start lay wholly above no change; the finding said nothing of it.
    table = pl.DataFrame(
        {
            "offset": [-8, -7, -6, -5, -2, -1, 0],
            "ci_low": [0.93, 0.55, 1.13, 1.004, 1.07, None, 0.57],
            "ci_high": [4.15, 2.94, 6.64, 5.16, 6.0, None, 3.17],
        }
    )
    assert leads_outside(table) == 3  # -6, -5 and -2; not the reference (-1) or after the start
    caution = leads_caution(None, 7, outside=3)
    assert caution is not None and "3 of the 7 periods" in caution
    assert "could not be tested together" in caution
    assert leads_caution(None, 7, outside=1) is None  # one of seven: as likely as not by chance
    assert leads_caution(0.5, 7, outside=3) is None  # the joint test, when made, decides
    assert leads_outside(pl.DataFrame()) == 0
