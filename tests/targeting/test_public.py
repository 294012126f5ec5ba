"""The public place rankings: a withheld place must not keep its place in the ranked list."""

from __future__ import annotations

import polars as pl
import pytest

from vawg.disclosure import published_harm
from vawg.results import Params
from vawg.targeting.knox import KnoxResult
from vawg.targeting.public import _knox, _places, _shown_coverage


def test_withheld_places_follow_the_shown_ones_so_their_rank_is_not_given_away() -> None:
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E5", "E2", "E9", "E1", "E7", "E3"],
            "crimes": [40, 3, 30, 25, 2, 20],  # E2 and E7 are small: withheld
            "harm_days": [900.0, 800.0, 700.0, 600.0, 500.0, 400.0],
            "harm_share": [0.23, 0.2, 0.18, 0.15, 0.13, 0.1],
            "rank": [1, 2, 3, 4, 5, 6],
            "best_rank": [1, 1, 2, 3, 4, 5],
            "worst_rank": [2, 3, 4, 5, 6, 6],
        }
    )
    public = _places(ranked, 5, [()], 5)
    shown = public.filter(pl.col("crimes").is_not_null())
    withheld = public.filter(pl.col("crimes").is_null())
    assert {"E2", "E7"} <= set(withheld["lsoa_code"])
    # every shown place first, in rank order; then the withheld ones by code, with no rank
    assert public["lsoa_code"].to_list() == [*shown["lsoa_code"], *withheld["lsoa_code"]]
    assert shown["rank"].to_list() == sorted(shown["rank"].to_list())
    assert withheld["lsoa_code"].to_list() == sorted(withheld["lsoa_code"].to_list())
    assert withheld["rank"].null_count() == withheld.height


def test_shares_are_of_every_ranked_place_as_in_the_restricted_table() -> None:
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3"],
            "crimes": [40, 3, 20],  # E2 withheld
            "harm_days": [800.0, 600.0, 400.0],
            "harm_share": [800 / 1800, 600 / 1800, 400 / 1800],
            "rank": [1, 2, 3],
        }
    )
    public = _places(ranked, 5, [()], 5)
    shares = dict(public.select("lsoa_code", "harm_share").iter_rows())
    # E1: 40 crimes, shown as 40 -> 800 days of the 1,800 of all three (E2 is withheld, and
    # E3 with it so the published total cannot give E2 back).
    assert shares == {"E1": 800 / 1800, "E2": None, "E3": None}


def test_the_shown_places_keep_the_true_order_so_the_public_number_one_is_the_restricted_one() -> (
    None
):
    # The demo's restricted table put Ashford first; the public one, ranked on harm scaled by
    # rounded counts, put Sittingbourne first. Here E1 has the most harm of the shown places,
    # but its count rounds down (32 -> 30) and E2's up (33 -> 35).
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E0", "E1", "E2", "E3", "E4"],
            "crimes": [20, 32, 33, 45, 60],  # E0: too few crimes for its harm to be shown
            "harm_days": [9000.0, 6660.0, 6655.0, 6610.0, 4000.0],
            "rank": [1, 2, 3, 4, 5],
            "best_rank": [1, 1, 1, 2, 4],
            "worst_rank": [3, 4, 4, 5, 5],
        }
    )
    public = _places(ranked, 5, [()], 30)
    # the true order among the shown places, ranked 1, 2, ... among them; E0 follows, withheld
    assert public["lsoa_code"].to_list() == ["E1", "E2", "E3", "E4", "E0"]
    assert public["rank"].to_list() == [1, 2, 3, 4, None]
    # 6,660 and 6,655 both show as 6,700 (2 significant figures): the tie keeps the true order
    assert public["harm_days"].to_list() == [6700.0, 6700.0, 6600.0, 4000.0, None]
    # every published rank lies within its published range of ranks
    for r in public.head(4).iter_rows(named=True):
        assert r["best_rank"] <= r["rank"] <= r["worst_rank"]


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        (5312.25, 5300.0),  # nearest 100 (2 significant figures)
        (76650.0, 77000.0),  # 2 significant figures: nearest 1,000
        (445525.0, 450000.0),
        (60.0, 100.0),  # never finer than 100 days
        (149.0, 100.0),
        (150.0, 200.0),  # halves up
        (0.0, 0.0),
    ],
)
def test_published_harm_is_rounded_coarsely(days: float, shown: float) -> None:
    assert published_harm(days) == shown


def test_a_published_knox_ratio_is_of_the_published_pair_count() -> None:
    # The demo showed "5 | 10.7 | 0.56": 0.56 x 10.7 gives the true 6 pairs back. The published
    # ratio must be of the rounded count, so ratio x expected gives the published count.
    table = pl.DataFrame(
        {
            "distance_band": ["0-100 m", "0-100 m", "100-200 m"],
            "time_band": ["0-7 days", "8-14 days", "0-7 days"],
            "distance_index": [0, 0, 1],
            "time_index": [0, 1, 0],
            "observed": [6, 23, 2],  # shown as 5, 25; 2 is withheld
            "expected": [10.7, 20.0, 3.0],
            "knox_ratio": [6 / 10.7, 23 / 20.0, 2 / 3.0],
            "p_value": [0.9, 0.002, 0.5],
            "above_chance": [False, True, False],
        }
    )
    knox = KnoxResult(
        params=Params(method="Knox test"),
        table=table,
        events=400,
        pairs=79800,
        near_pairs=1200,
        distance_edges=(0.0, 100.0, 200.0),
        time_edges=(0.0, 7.0, 14.0),
        permutations=99,
    )
    public = _knox(knox, 5)
    assert public is not None
    rows = public.table.select("observed", "expected", "knox_ratio").rows()
    assert rows[0][0] == 5 and rows[1][0] == 25
    assert rows[0][2] * rows[0][1] == pytest.approx(5.0)
    assert rows[1][2] * rows[1][1] == pytest.approx(25.0)
    assert rows[2][0] is None and rows[2][2] is None
    # The shuffle p-value is of the true pairs: public, only whether a cell is clearly above
    # chance is said.
    assert public.table["p_value"].null_count() == public.table.height
    assert public.table["above_chance"].to_list() == [False, True, None]


# The published Cambridge Crime Harm Index weights (days), one per distinct value: rape; violence
# with injury and drink spiking; other sexual offences; violence without injury, stalking,
# harassment and coercive control; other (domestic-abuse flagged) offences.
_WEIGHTS = (2555.0, 365.0, 182.25, 10.0, 2.0)


def _mixes(n: int, k: int = len(_WEIGHTS)) -> list[tuple[int, ...]]:
    """Every way of sharing ``n`` crimes among ``k`` weights."""
    if k == 1:
        return [(n,)]
    return [(first, *rest) for first in range(n + 1) for rest in _mixes(n - first, k - 1)]


def _harm(mix: tuple[int, ...]) -> float:
    return sum(c * w for c, w in zip(mix, _WEIGHTS, strict=True))


def _solutions(crimes: int, harm: float, min_base: int) -> list[tuple[int, ...]]:
    """The reviewer's attack on one published row: every true count that rounds (to the
    nearest 5, halves up) to the published ``crimes``, every mix of offences of that count,
    and which of them the public transformation turns into the published row."""
    counts = [n for n in range(max(crimes - 2, 1), crimes + 3) if (n + 2) // 5 * 5 == crimes]
    candidates = [(n, mix) for n in counts for mix in _mixes(n)]
    frame = pl.DataFrame(
        {
            "key": list(range(len(candidates))),
            "crimes": [n for n, _ in candidates],
            "harm_days": [_harm(mix) for _, mix in candidates],
            "rank": [1] * len(candidates),
        }
    )
    # each candidate published on its own (no total), as the attacker would check it
    out = _places(frame, 5, [], min_base)
    hits = out.filter((pl.col("crimes") == crimes) & (pl.col("harm_days") == harm))
    return [candidates[i][1] for i in hits["key"].to_list()]


def test_a_shown_harm_cannot_be_taken_apart_into_the_offences_behind_it() -> None:
    # The reviewer solved "Maidstone 005A | 5,312 days | 5 crimes" as exactly 2 rapes, 1 other
    # sexual offence and 2 ten-day crimes (harm shown for the rounded count, to the day).
    mixes = {  # crimes of each weight, in the order of _WEIGHTS
        "E1": (2, 0, 1, 2, 0),  # 5 crimes: the reviewer's row (old code: solvable)
        "E2": (1, 2, 0, 0, 9),  # 12 crimes
        "E3": (2, 0, 1, 27, 0),  # 30 crimes
        "E4": (3, 5, 2, 20, 2),  # 32 crimes
        "E5": (0, 8, 0, 0, 0),  # 8 crimes
    }
    ranked = pl.DataFrame(
        {
            "lsoa_code": list(mixes),
            "crimes": [sum(m) for m in mixes.values()],
            "harm_days": [_harm(m) for m in mixes.values()],
        }
    ).with_columns(rank=pl.col("harm_days").rank("min", descending=True).cast(pl.Int64))
    public = _places(ranked.sort("rank"), 5, [()], 30)
    shown = public.filter(pl.col("harm_days").is_not_null())
    for row in shown.iter_rows(named=True):
        found = _solutions(row["crimes"], row["harm_days"], 30)
        assert mixes[row["lsoa_code"]] in found  # the attack is sound: the truth fits
        assert len(found) > 1, row  # but so do other mixes: the shown row does not pin it
    # the places of 30 crimes or more are shown: the check above was not empty
    assert set(shown["lsoa_code"]) == {"E3", "E4"}


def test_a_share_does_not_give_the_exact_total_harm_back() -> None:
    # Shares were of the exact total: 800 / (800 / 1,843) is 1,843, the total to the day, and
    # less the shown places' harm, the withheld places' harm to within a little rounding.
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3"],
            "crimes": [40, 12, 31],  # E2: too few for its harm to be shown
            "harm_days": [812.0, 600.0, 431.0],
            "harm_share": [812 / 1843, 600 / 1843, 431 / 1843],
            "rank": [1, 2, 3],
        }
    )
    public = _places(ranked, 5, [()], 30)
    shown = public.filter(pl.col("harm_share").is_not_null())
    assert shown["lsoa_code"].to_list() == ["E1", "E3"]
    # each shown harm over its share is the total as published (1,843 to 2 significant
    # figures), never the exact one
    implied = {round(h / s, 6) for h, s in shown.select("harm_days", "harm_share").iter_rows()}
    assert implied == {published_harm(1843.0)} == {1800.0}


def test_the_public_top_n_share_is_of_the_places_shown_and_gives_no_withheld_harm_away() -> None:
    # The public report said the top 5 held 9.1% of the harm (the true top 5, a withheld
    # place among them) above five shown rows adding up to 8.6%; and that share less the shown
    # rows' harm was the withheld place's harm.
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3", "E4", "E5", "E6", "E7"],
            "crimes": [40, 15, 35, 50, 45, 33, 60],  # E2: too few for its harm to be shown
            "harm_days": [9000.0, 8000.0, 7000.0, 6000.0, 5000.0, 4000.0, 1000.0],
            "harm_share": [h / 40000 for h in (9000, 8000, 7000, 6000, 5000, 4000, 1000)],
            "rank": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    public = _places(ranked, 5, [()], 30)
    full = pl.DataFrame(  # the analysis' coverage: the true top 5 and all 7 places
        {
            "up_to_rank": [5, 7],
            "harm_share": [35000 / 40000, 1.0],
            "ci_low": [0.8, 1.0],
            "ci_high": [0.95, 1.0],
            "crime_share": [185 / 278, 1.0],
        }
    )
    out = _shown_coverage(public, full, 10, 280)  # 278 crimes in all, rounded to 280
    rows = {r["up_to_rank"]: r for r in out.to_dicts()}
    # six places shown: the top 5 shown and (top N = 10 is more than are shown) all 6 shown;
    # the top 7 is more than are shown, so it is not published
    assert sorted(rows) == [5, 6]
    # E1, E3, E4, E5, E6: 9,000 + 7,000 + 6,000 + 5,000 + 4,000 of 40,000 days; their
    # rounded counts 40 + 35 + 50 + 45 + 35 of 280
    assert rows[5]["harm_share"] == pytest.approx(31000 / 40000)
    assert rows[5]["crime_share"] == pytest.approx(205 / 280)
    assert rows[6]["harm_share"] == pytest.approx(32000 / 40000)
    assert rows[5]["ci_low"] is None and rows[5]["ci_high"] is None
    # the share is the sum of the rows shown, so it adds nothing to them: no withheld harm
    shown = public.filter(pl.col("harm_share").is_not_null())
    assert rows[5]["harm_share"] == pytest.approx(sum(shown["harm_share"].head(5)))


def test_the_coverage_chart_draws_no_interval_for_shares_that_have_none() -> None:
    # The public chart drew a stray tick on each bar from intervals that were all missing.
    from vawg.report.evaluation.charts import coverage_chart

    shares = pl.DataFrame(
        {"up_to_rank": [5, 6], "harm_share": [0.087, 0.091], "ci_low": [None, None]},
        schema_overrides={"ci_low": pl.Float64},
    ).with_columns(ci_high=pl.col("ci_low"))
    assert coverage_chart(shares, "t").data[0].error_y.array is None
    with_ci = shares.with_columns(ci_low=pl.lit(0.05), ci_high=pl.lit(0.12))
    assert coverage_chart(with_ci, "t").data[0].error_y.array is not None
