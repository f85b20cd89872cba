"""L_R-I and L_R-P (Narendra & Thathachar 1989; article 三): update rule, convergence facts, validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.dynamics.automata import (
    automaton_step,
    learning_automata,
    linear_reward_inaction,
    linear_reward_penalty,
    normalise_payoffs,
    record,
)
from marl_course.games import solve_zero_sum
from marl_course.games.gallery import coordination_game, matching_pennies, prisoners_dilemma, rock_paper_scissors

SKEWED_RPS = np.array([[0.0, -1.0, 2.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
"""A zero-sum 3-action game whose only equilibrium is mixed and not uniform: x* = (1/4, 5/12, 1/3)."""


def test_step_matches_the_article_equations_term_by_term():
    p, c, r, e1, e2 = np.array([0.2, 0.5, 0.3]), 2, 0.4, 0.1, 0.03
    m = len(p)
    want = p.copy()
    want[c] = p[c] + e1 * r * (1 - p[c]) - e2 * (1 - r) * p[c]
    for j in (0, 1):
        want[j] = p[j] - e1 * r * p[j] + e2 * (1 - r) * (1 / (m - 1) - p[j])
    np.testing.assert_allclose(automaton_step(p, c, r, e1, e2), want, atol=1e-15)


def test_reward_inaction_ignores_zero_reward():
    np.testing.assert_array_equal(automaton_step([0.3, 0.7], 0, 0.0, 0.2), [0.3, 0.7])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=6), st.integers(0, 5), st.floats(0, 1),
       st.floats(0.01, 0.99), st.floats(0, 0.98))
def test_policies_stay_on_the_simplex(weights, action, reward, eta_1, share):
    p = np.array(weights) / np.sum(weights)
    new = automaton_step(p, action % len(p), reward, eta_1, eta_1 * share)
    assert np.all(new >= -1e-12) and np.all(new <= 1 + 1e-12)
    assert abs(new.sum() - 1) < 1e-12


def test_normalised_payoffs_keep_best_responses():
    g = prisoners_dilemma()
    unit = normalise_payoffs(g.payoffs)
    for original, scaled in zip(g.payoffs, unit):
        assert scaled.min() == 0 and scaled.max() == 1
        np.testing.assert_array_equal(np.argmax(original, axis=0), np.argmax(scaled, axis=0))


@pytest.mark.parametrize("make, target", [(prisoners_dilemma, (1, 1)), (coordination_game, None)])
def test_lri_converges_to_a_pure_strict_equilibrium_from_most_starts(make, target):
    unit = normalise_payoffs(make().payoffs)
    rng = np.random.default_rng(3)
    starts = [rng.dirichlet([1, 1], 400), rng.dirichlet([1, 1], 400)]
    p1, p2 = record(linear_reward_inaction(unit, 0.05, starts, n_runs=400, seed=1), 3000, every=3000 // 2)
    a1, a2 = p1[-1].argmax(axis=1), p2[-1].argmax(axis=1)
    pure = (p1[-1].max(axis=1) > 0.99) & (p2[-1].max(axis=1) > 0.99)
    assert pure.mean() > 0.95
    if target is None:   # coordination: both pure equilibria are strict; runs must agree on one
        assert np.all(a1[pure] == a2[pure])
    else:
        assert np.mean((a1 == target[0]) & (a2 == target[1])) > 0.95


def test_lrp_approaches_the_mixed_equilibrium_of_matching_pennies():
    # Narendra & Thathachar: for small eta_2 / eta_1 the policies settle near (1/2, 1/2)
    unit = normalise_payoffs(matching_pennies().payoffs)
    p1, p2 = record(linear_reward_penalty(unit, 0.01, 0.002, [[0.9, 0.1], [0.2, 0.8]], n_runs=200, seed=2), 10000,
                    every=100)
    late = slice(-30, None)
    assert abs(p1[late, :, 0].mean() - 0.5) < 0.03 and abs(p2[late, :, 0].mean() - 0.5) < 0.03
    assert np.abs(p1[-1, :, 0] - 0.5).mean() < 0.1


def test_lri_does_not_settle_in_matching_pennies():
    # no pure equilibrium: L_R-I locks runs into corners that are not equilibria (the article's caveat)
    unit = normalise_payoffs(matching_pennies().payoffs)
    p1, p2 = record(linear_reward_inaction(unit, 0.05, n_runs=200, seed=0), 5000, every=4999)
    assert np.abs(p1[-1, :, 0] - 0.5).mean() > 0.3


def test_lrp_with_three_actions_tracks_the_mixed_equilibrium_as_eta_2_shrinks():
    # the article's open question: L_R-P on a 3-action game with only a (non-uniform) mixed equilibrium.
    _, x_star, y_star = solve_zero_sum(SKEWED_RPS)
    unit = normalise_payoffs([SKEWED_RPS, -SKEWED_RPS])
    errors = []
    for ratio in (0.5, 0.05):
        p1, p2 = record(linear_reward_penalty(unit, 0.01, 0.01 * ratio, n_runs=100, seed=0), 20000, every=200)
        late = p1[-30:].mean(axis=(0, 1))
        errors.append(np.abs(late - x_star).max())
    assert errors[1] < 0.03 < errors[0]


def test_seeded_regression():
    unit = normalise_payoffs(rock_paper_scissors().payoffs)
    p1, _ = record(linear_reward_penalty(unit, 0.1, 0.01, n_runs=2, seed=7), 51, every=50)
    again, _ = record(linear_reward_penalty(unit, 0.1, 0.01, n_runs=2, seed=7), 51, every=50)
    np.testing.assert_array_equal(p1, again)
    np.testing.assert_allclose(p1[-1], REGRESSION, atol=1e-12)


REGRESSION = np.array([[0.24888586143241892, 0.35971385127938976, 0.3914002872881912],
                       [0.4340735212629391, 0.2934354599100897, 0.27249101882697135]])
"""Player 1's policies after 50 steps of L_R-P in rock-paper-scissors, seed 7 (recorded 2026-11-24)."""


@pytest.mark.parametrize("kwargs, message", [
    (dict(eta_1=1.0), "eta_1"), (dict(eta_1=0.0), "eta_1"), (dict(eta_1=0.1, eta_2=0.2), "eta_2"),
    (dict(eta_1=0.1, n_runs=0), "n_runs"),
])
def test_bad_rates_raise(kwargs, message):
    unit = normalise_payoffs(matching_pennies().payoffs)
    with pytest.raises(ValueError, match=message):
        learning_automata(unit, **kwargs)


def test_rewards_outside_unit_interval_raise_at_call_time():
    with pytest.raises(ValueError, match=r"payoffs\[0\].*\[0, 1\]"):
        linear_reward_inaction(matching_pennies().payoffs, 0.1)
    with pytest.raises(ValueError, match="reward"):
        automaton_step([0.5, 0.5], 0, 1.5, 0.1)
    with pytest.raises(ValueError, match="eta_2"):
        linear_reward_penalty(normalise_payoffs(matching_pennies().payoffs), 0.1, 0.0)
