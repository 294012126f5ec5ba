"""The open site's evaluation page states the months its analyses use, not the site's period
of recorded crimes (it said "1 April 2017 to 31 March 2022" over analyses of Oct 2016-Jul 2022)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from tests.evaluation.conftest import Evaluated

from vawg.config import Settings
from vawg.evaluation.public import disclose_evaluation
from vawg.report.site.build import methods_section
from vawg.report.site.evaluation import evaluation_page


def test_the_evaluation_page_methods_give_the_evaluation_period(planted: Evaluated) -> None:
    settings = Settings()
    place = disclose_evaluation(planted.place, settings)
    page = evaluation_page(place, None, None)
    assert page is not None and place.params.period is not None
    first, last = place.params.period
    assert page.period is not None
    assert page.period[0] == first
    # the last month whole: its last day
    assert page.period[1].month == last.month and (page.period[1].day in (28, 29, 30, 31))
    site: Any = SimpleNamespace(
        period=(date(2000, 4, 1), date(2000, 9, 30)),
        overview=SimpleNamespace(params=place.params),
        skipped={},
    )
    text = methods_section(site, settings, page.period).body
    assert f"committed from {first.day} {first:%B %Y} to" in text
    assert "2000" not in text
    # a page without its own period keeps the site's
    assert "recorded from 1 April 2000 to 30 September 2000" in methods_section(site, settings).body


def test_the_public_evaluation_does_not_claim_whole_quarters(planted: Evaluated) -> None:
    """Its counts run before and after each start over the whole extract, so the rule's
    sentence on whole quarters would be false: the rule it records says what protects it."""
    import pytest

    from vawg.disclosure import GRID_RULE, describe, grid_period
    from vawg.errors import InputError
    from vawg.report.page import disclosure_rule

    settings = Settings()
    place = disclose_evaluation(planted.place, settings)
    assert place.params.period is not None
    first, last = place.params.period
    with pytest.raises(InputError):  # the months the page states are not a grid period
        grid_period(first, date(last.year, last.month, 28))
    method = " ".join(disclosure_rule(place.params.settings)["method"])
    assert "Public figures are made only for whole financial quarters" not in method
    assert "the evaluations cannot be" in method
    assert f"every count shown is a multiple of {settings.disclosure_threshold}" in method
    # the open site's evaluation page prints its own rule, not the site's grid sentence
    page = evaluation_page(place, None, None)
    assert page is not None and page.rule is not None
    site: Any = SimpleNamespace(
        period=(date(2000, 4, 1), date(2000, 9, 30)),
        overview=SimpleNamespace(
            params=SimpleNamespace(settings={"disclosure": describe(settings.disclosure_threshold)})
        ),
        skipped={},
    )
    own = methods_section(site, settings, page.period, page.period_counted, page.rule).body
    assert GRID_RULE not in own and "the evaluations cannot be" in own
    assert GRID_RULE in methods_section(site, settings).body
