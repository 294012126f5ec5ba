"""Main points on the dashboard's programme view and RFGV page (hand-built Results)."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from vawg.web.data import RfgvView


def _programme_page() -> None:
    from datetime import date
    from pathlib import Path

    import polars as pl

    from vawg.config import Settings
    from vawg.programme.analysis import ProgrammeEvaluation, ProgrammeEvaluationResult
    from vawg.results import Estimate, Params
    from vawg.web.context import PageContext
    from vawg.web.filters import Filters
    from vawg.web.pages.evaluation import _programmes

    empty = pl.DataFrame()
    choices = ProgrammeEvaluation(
        programme="Choices",
        referrals=120,
        analysed=100,
        comparisons=300,
        excluded={},
        balance=empty,
        hazard_ratio=Estimate(0.6, 0.4, 0.9),
        same_victim_hazard_ratio=None,
        hazard_ratios=pl.DataFrame(
            {
                "outcome": ["any victim"],
                "group": ["all participants"],
                "participants": [100],
                "comparisons": [300],
                "reoffended_participants": [20],
                "reoffended_comparisons": [90],
                "hazard_ratio": [0.6],
                "ci_low": [0.4],
                "ci_high": [0.9],
                "note": [None],
            }
        ),
        curves=empty,
        harm_ratio=None,
        mean_harm_participants=None,
        mean_harm_comparisons=None,
        harm_people=None,
        reoffended_share={},
        cohort=empty,
        can_conclude=True,
        reasons=(),
        conclusion="Fewer reoffended.",
        notes=(),
    )
    result = ProgrammeEvaluationResult(
        params=Params("hand-built", settings={"programme_followup_days": 365}),
        table=empty,
        programmes=(choices,),
        last_day=date(2022, 3, 31),
        public=False,
        notes=(),
    )
    filters = Filters(date(2017, 4, 1), date(2022, 3, 31))
    ctx = PageContext(Path("vawg.duckdb"), 0.0, Settings(), "ana", "analyst", filters)
    _programmes(ctx, result)


def test_the_programme_view_opens_with_the_programme_main_points() -> None:
    app = AppTest.from_function(_programme_page).run(timeout=60)
    assert not app.exception
    text = "\n".join(m.value for m in app.markdown)
    assert "**Main points**" in text
    # The point is the Result's own: Choices' rate of a next offence, participants against
    # matched comparisons (0.6: 40% lower).
    assert "Choices: rate of a next VAWG offence" in text
    assert "40%" in text
    # A clear change for the better is green, as in the reports (one for the worse is red);
    # the programme's conclusion sits in a neutral box: green would say "it worked" whatever
    # the conclusion says.
    assert ":green[*A statistically clear difference, for the better.*]" in text
    assert [box.value for box in app.info] == ["Choices: Fewer reoffended."]
    assert not app.success


def test_rfgv_points_say_how_many_were_scored_and_the_top_band_share_of_harm() -> None:
    from vawg.web.pages.rfgv import rfgv_points

    view = RfgvView(
        table=__import__("polars").DataFrame(),
        method="",
        window=(date(2020, 4, 1), date(2022, 3, 31)),
        scored=2717,
        top_band_score=16.0,
        top_band_people=27,
        top_band_harm_share=0.1234,
    )
    assert rfgv_points(view) == [
        "2,717 people were scored: everyone recorded as a suspect or offender in a VAWG crime "
        "from 1 Apr 2020 to 31 Mar 2022.",
        "27 people scored in the top band (a score of 16 or more, of 20): 1.0% of those scored, "
        "whose crimes "
        "did 12.3% of the harm of all the crimes scored.",
    ]
