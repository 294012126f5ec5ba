"""The public programme evaluation: no figure to full precision that gives exact counts back."""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from vawg.leaks import is_count
from vawg.programme.analysis import ProgrammeEvaluation
from vawg.programme.public import _programme
from vawg.results import Estimate


def test_mean_harm_is_in_whole_days_so_its_fraction_gives_no_count_back() -> None:
    # The demo's public evaluation gave participants' mean harm as 63.76488095238095 days: the
    # fraction closest to it is 21,425 / 336, the exact harm over the exact number of people.
    mean_t, mean_c = 21425 / 336, 81035 / 332
    assert Fraction(mean_t).limit_denominator(1000) == Fraction(21425, 336)  # the attack
    p = ProgrammeEvaluation(
        programme="DAPP",
        referrals=700,
        analysed=336,
        comparisons=332,
        excluded={},
        balance=pl.DataFrame(),
        hazard_ratio=None,
        same_victim_hazard_ratio=None,
        hazard_ratios=pl.DataFrame(
            schema={
                **dict.fromkeys(("programme", "outcome", "group"), pl.String),
                **dict.fromkeys(
                    ("participants", "comparisons", "reoffended_participants"), pl.Int64
                ),
                "reoffended_comparisons": pl.Int64,
                **dict.fromkeys(("hazard_ratio", "ci_low", "ci_high", "p_value"), pl.Float64),
                "note": pl.String,
            }
        ),
        curves=pl.DataFrame(),
        harm_ratio=Estimate(mean_t / mean_c, 0.113133, 0.546059),
        mean_harm_participants=mean_t,
        mean_harm_comparisons=mean_c,
        harm_people=668,
        reoffended_share={},
        cohort=pl.DataFrame(),
        can_conclude=False,
        reasons=("too few reoffences to compare",),
        conclusion="",
        notes=(),
    )
    public = _programme(p, 5, 30)
    # 63.76... -> 64 days; 244.08... -> 244 days; the ratio 0.2612... -> 0.26 (0.11 to 0.55)
    assert (public.mean_harm_participants, public.mean_harm_comparisons) == (64.0, 244.0)
    assert public.harm_ratio is not None
    ratio = public.harm_ratio
    assert (ratio.estimate, ratio.ci_low, ratio.ci_high) == (0.26, 0.11, 0.55)
    assert public.harm_people == 670


def test_a_mean_in_whole_days_is_not_read_as_a_count() -> None:
    # the public JSON nests the means as mean_harm_days.participants / .comparisons
    assert not is_count("programmes[0].mean_harm_days.participants")
    assert not is_count("programmes[0].mean_harm_days.comparisons")
    assert is_count("programmes[0].participants")  # the number of participants still is
