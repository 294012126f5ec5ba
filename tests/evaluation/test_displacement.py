"""The weighted displacement quotient against hand arithmetic."""

from __future__ import annotations

import pytest

from vawg.evaluation.displacement import weighted_displacement_quotient


def test_wdq_by_hand() -> None:
    # Success 60/200 - 100/200 = -0.2; buffer 55/200 - 50/200 = 0.025; WDQ = -0.125.
    d = weighted_displacement_quotient((100, 60), (50, 55), (200, 200), seed=1)
    assert d.success == pytest.approx(-0.2)
    assert d.buffer_change == pytest.approx(0.025)
    assert d.wdq == pytest.approx(-0.125)
    assert d.ci_low is not None and d.ci_high is not None
    assert d.ci_low < -0.125 < d.ci_high


def test_diffusion_of_benefits() -> None:
    # The ring falls by half as much as the treated area: WDQ = (-0.1) / (-0.2) = 0.5.
    d = weighted_displacement_quotient((1000, 600), (1000, 800), (2000, 2000), seed=1)
    assert d.wdq == pytest.approx(0.5)
    assert d.reading == "diffusion of benefits"


def test_not_meaningful_when_the_treated_area_did_not_fall() -> None:
    d = weighted_displacement_quotient((50, 70), (40, 40), (200, 200))
    assert d.wdq is None
    assert d.reading == "not meaningful"
