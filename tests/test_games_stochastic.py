"""Stochastic games: the Big Match's known value, contraction, Bellman equations, the Nash condition."""

import numpy as np
import pytest

from marl_course.games import (
    StochasticGame,
    big_match,
    evaluate_joint_policy,
    is_stationary_equilibrium,
    repeated_game,
    shapley_value_iteration,
    shapley_values,
    stage_games,
)
from marl_course.games.gallery import matching_pennies, rock_paper_scissors


@pytest.mark.parametrize("gamma", [0.0, 0.3, 0.9, 0.99])
def test_big_match_value_is_one_half_normalised(gamma):
    # Blackwell & Ferguson (1968): the discounted Big Match has normalised value 1/2 for every discount
    result = shapley_values(big_match(gamma), tol=1e-12, max_iter=20_000)
    assert result.values[0] * (1 - gamma) == pytest.approx(0.5, abs=1e-8)
    np.testing.assert_allclose(result.row_policy[0], [1 / (2 - gamma), (1 - gamma) / (2 - gamma)], atol=1e-6)
    np.testing.assert_allclose(result.col_policy[0], [0.5, 0.5], atol=1e-6)


def test_value_iteration_is_a_gamma_contraction():
    gamma = 0.8
    exact = shapley_values(big_match(gamma), tol=1e-13).values
    errors = [np.abs(it.values - exact).max() for it in shapley_value_iteration(big_match(gamma), max_iter=40)]
    initial = np.abs(exact).max()
    for k, err in enumerate(errors, start=1):
        assert err <= gamma ** k * initial + 1e-12


def test_equilibrium_policies_satisfy_the_bellman_equations_and_nash_condition():
    game = big_match(0.9)
    result = shapley_values(game)
    V = evaluate_joint_policy(game, [result.row_policy, result.col_policy])
    np.testing.assert_allclose(V[0], result.values, atol=1e-8)
    np.testing.assert_allclose(V[1], -result.values, atol=1e-8)
    assert is_stationary_equilibrium(game, [result.row_policy, result.col_policy])


def test_policy_evaluation_solves_the_bellman_equations_for_random_games():
    rng = np.random.default_rng(0)
    S, m1, m2 = 4, 2, 3
    P = rng.dirichlet(np.ones(S), size=(S, m1, m2))
    R = rng.normal(size=(2, S, m1, m2))
    game = StochasticGame(P, R, 0.7)
    pols = [rng.dirichlet(np.ones(m1), size=S), rng.dirichlet(np.ones(m2), size=S)]
    V = evaluate_joint_policy(game, pols)
    Q = stage_games(game, V)
    # V_i(s) = sum_a Q_i(s, a) pi_1(s, a_1) pi_2(s, a_2)
    rebuilt = np.einsum("isab,sa,sb->is", Q, pols[0], pols[1])
    np.testing.assert_allclose(rebuilt, V, atol=1e-10)


@pytest.mark.parametrize("make", [matching_pennies, rock_paper_scissors])
def test_repeated_zero_sum_game_has_value_zero(make):
    result = shapley_values(repeated_game(make(), 0.9))
    assert result.values[0] == pytest.approx(0.0, abs=1e-9)


def test_value_iteration_from_zero_follows_the_closed_form():
    # from V_0 = 0 the Big Match's iterates are V_k(play) = (1 - gamma^k) / (2 (1 - gamma))
    gamma = 0.9
    values = [float(it.values[0]) for it in shapley_value_iteration(big_match(gamma), max_iter=30)]
    k = np.arange(1, 31)
    np.testing.assert_allclose(values, (1 - gamma ** k) / (2 * (1 - gamma)), atol=1e-9)


def test_bad_models_are_rejected_with_the_parameter_named():
    P = np.full((1, 2, 2, 1), 1.0)
    R = np.zeros((2, 1, 2, 2))
    with pytest.raises(ValueError, match="discount must be in"):
        StochasticGame(P, R, 1.0)
    with pytest.raises(ValueError, match="transitions must sum to 1"):
        StochasticGame(P * 0.5, R, 0.9)
    with pytest.raises(ValueError, match="transitions must have shape"):
        StochasticGame(np.ones((1, 3, 2, 1)), R, 0.9)
    with pytest.raises(ValueError, match="rewards must contain only finite"):
        StochasticGame(P, np.full((2, 1, 2, 2), np.nan), 0.9)
    with pytest.raises(ValueError, match="two-player zero-sum"):
        next(shapley_value_iteration(StochasticGame(P, np.ones((2, 1, 2, 2)), 0.9)))
    with pytest.raises(ValueError, match=r"policies\[0\] must sum to 1"):
        evaluate_joint_policy(big_match(0.9), [np.full((3, 2), 0.6), np.full((3, 2), 0.5)])
