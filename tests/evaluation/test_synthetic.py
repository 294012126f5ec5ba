"""Synthetic control: weights sum to one, are never negative, reproduce the pre-period of a
treated area that is a blend of donors, and are as good as a brute-force search."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vawg.evaluation.synthetic import synthetic_control, synthetic_weights


def _donors(seed: int, periods: int = 20, donors: int = 6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.gamma(4.0, 1.0, donors)
    trend = np.linspace(0, 1, periods)[:, None]
    return base + trend * rng.normal(0, 1, donors) + rng.normal(0, 0.3, (periods, donors))


def test_a_blend_of_donors_is_recovered_and_reproduced() -> None:
    x = _donors(0)
    truth = np.array([0.5, 0.3, 0.0, 0.2, 0.0, 0.0])
    y = x @ truth
    pre = np.arange(20) < 14
    fit = synthetic_control(y, x, pre)
    assert fit.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (fit.weights >= 0).all()
    np.testing.assert_allclose(fit.weights, truth, atol=1e-3)
    np.testing.assert_allclose(fit.synthetic[pre], y[pre], atol=1e-3)
    assert fit.pre_rmspe < 1e-3
    assert fit.ratio == pytest.approx(1.0, abs=1e-3)


def test_an_effect_after_the_start_shows_in_the_ratio() -> None:
    x = _donors(1)
    y = x @ np.array([0.2, 0.2, 0.2, 0.2, 0.2, 0.0])
    pre = np.arange(20) < 12
    y = np.where(pre, y, 0.7 * y)
    fit = synthetic_control(y, x, pre)
    assert fit.ratio == pytest.approx(0.7, abs=0.01)


def test_weights_are_as_good_as_a_grid_search() -> None:
    rng = np.random.default_rng(2)
    x = rng.gamma(3.0, 1.0, (12, 3))
    y = rng.gamma(3.0, 1.0, 12)
    w = synthetic_weights(y, x)
    assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
    best = min(
        float(np.sum((y - x @ np.array([a, b, 1 - a - b])) ** 2))
        for a, b in itertools.product(np.linspace(0, 1, 201), repeat=2)
        if a + b <= 1 + 1e-12
    )
    assert float(np.sum((y - x @ w) ** 2)) <= best + 1e-9


def test_placebo_inference_runs_over_the_donors() -> None:
    x = _donors(3, donors=12)
    y = x[:, :3].mean(axis=1)
    fit = synthetic_control(y, x, np.arange(20) < 14)
    assert fit.placebos == 12
    assert fit.p_value is not None and 0 < fit.p_value <= 1
