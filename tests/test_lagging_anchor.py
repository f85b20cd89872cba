"""Lagging Anchor (Dahl 2002; article 三): simplex projection, convergence in rock-paper-scissors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from marl_course.dynamics.automata import record
from marl_course.dynamics.lagging_anchor import centering_matrix, lagging_anchor, project_to_simplex
from marl_course.games import solve_zero_sum
from marl_course.games.gallery import matching_pennies, rock_paper_scissors

SKEWED_RPS = np.array([[0.0, -1.0, 2.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])


def _starts(n_runs, seed=0):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(3), n_runs), rng.dirichlet(np.ones(3), n_runs)


def test_centering_matrix_keeps_sums():
    P = centering_matrix(4)
    np.testing.assert_allclose((P @ np.array([3.0, -1.0, 2.0, 5.0])).sum(), 0, atol=1e-12)
    np.testing.assert_allclose(P.sum(axis=0), 0, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(arrays(float, st.integers(2, 6), elements=st.floats(-3, 3)))
def test_projection_lands_on_the_simplex_and_is_closest(point):
    x = project_to_simplex(point)
    assert np.all(x >= 0) and abs(x.sum() - 1) < 1e-9
    # no random point of the simplex is closer (Euclidean projection)
    others = np.random.default_rng(0).dirichlet(np.ones(len(point)), 200)
    assert np.linalg.norm(x - point) <= np.linalg.norm(others - point, axis=1).min() + 1e-9


@pytest.mark.parametrize("A", [rock_paper_scissors().A, SKEWED_RPS])
def test_expected_form_converges_where_gradient_play_does_not(A):
    _, x_star, y_star = solve_zero_sum(A)
    v0, w0 = _starts(20)
    anchored = record(lagging_anchor(A, eta=0.01, eta_d=1.0, initial=(v0, w0), n_runs=20, sampled=False), 10000,
                      every=100)
    plain = record(lagging_anchor(A, eta=0.01, eta_d=0.0, initial=(v0, w0), n_runs=20, sampled=False), 10000,
                   every=100)
    assert np.abs(anchored.v[-1] - x_star).max() < 1e-3 and np.abs(anchored.w[-1] - y_star).max() < 1e-3
    # gradient play circles: the continuous-time flow conserves the joint distance to (x*, y*) in
    # a zero-sum game with an interior equilibrium, Euler steps drift outward, and the simplex
    # projection caps the cycle at the boundary; so every run stays far from the equilibrium
    late = slice(-25, None)
    D = np.sqrt(((plain.v[late] - x_star) ** 2).sum(-1) + ((plain.w[late] - y_star) ** 2).sum(-1))
    assert D.min() > 0.25


@pytest.mark.slow
def test_sampled_form_anchors_approach_the_equilibrium_of_rps():
    v0, w0 = _starts(100, seed=1)
    anchored = record(lagging_anchor(rock_paper_scissors().A, eta=0.002, eta_d=1.0, initial=(v0, w0), n_runs=100,
                                     seed=0), 20000, every=200)
    plain = record(lagging_anchor(rock_paper_scissors().A, eta=0.002, eta_d=0.0, initial=(v0, w0), n_runs=100,
                                  seed=0), 20000, every=200)
    err_anchor = np.abs(anchored.v_bar[-1] - 1 / 3).max(axis=1).mean()
    err_plain = np.abs(plain.v[-1] - 1 / 3).max(axis=1).mean()
    assert err_anchor < 0.05 < 0.15 < err_plain


def test_strategies_stay_distributions_in_the_sampled_form():
    path = record(lagging_anchor(matching_pennies().A, eta=0.3, eta_d=2.0, n_runs=50, seed=3), 200)
    for part in path:
        assert np.all(part >= -1e-12) and np.allclose(part.sum(axis=-1), 1)


def test_seeded_regression():
    path = record(lagging_anchor(rock_paper_scissors().A, eta=0.05, eta_d=1.0, n_runs=2, seed=11), 21, every=20)
    again = record(lagging_anchor(rock_paper_scissors().A, eta=0.05, eta_d=1.0, n_runs=2, seed=11), 21, every=20)
    np.testing.assert_array_equal(path.v, again.v)
    np.testing.assert_allclose(path.v[-1], REGRESSION, atol=1e-12)


REGRESSION = np.array([[0.19565947149108515, 0.6088145149288442, 0.19552601358007063],
                       [0.11657007839823734, 0.5107142696217387, 0.372715651980024]])
"""v after 20 sampled steps in rock-paper-scissors, seed 11 (recorded 2026-11-24)."""


@pytest.mark.parametrize("kwargs, message", [
    (dict(eta=0.0), "eta"), (dict(eta_d=-1.0), "eta_d"), (dict(eta=0.5, eta_d=3.0), "eta_d"),
    (dict(n_runs=0), "n_runs"), (dict(initial=([0.5, 0.5], [1 / 3] * 3)), r"initial\[0\]"),
])
def test_bad_parameters_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lagging_anchor(rock_paper_scissors().A, **kwargs)
