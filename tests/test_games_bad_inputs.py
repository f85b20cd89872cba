"""Every public function of ``marl_course.games`` checks its inputs at the boundary: a wrong type,
shape, NaN, range, probability vector or game raises ``TypeError``/``ValueError`` whose message
names the parameter."""

import numpy as np
import pytest

from marl_course.games import (
    NormalFormGame,
    StochasticGame,
    action_values,
    best_responses,
    big_match,
    classify_game,
    evaluate_joint_policy,
    expected_payoffs,
    is_fully_cooperative,
    is_fully_mixed,
    is_nash,
    is_pure,
    is_stationary_equilibrium,
    is_strict_nash,
    is_zero_sum,
    maximin_value_linprog,
    mixed_nash_2x2,
    pure_nash_equilibria,
    repeated_game,
    shapley_value_iteration,
    shapley_values,
    solve_zero_sum,
    stage_games,
    support_enumeration,
    support_pair_count,
)
from marl_course.games.gallery import matching_pennies, volunteers_dilemma

EYE = np.eye(2)
GOOD = [EYE, -EYE]
HALF = [[0.5, 0.5], [0.5, 0.5]]
NAN = [[1.0, np.nan], [0.0, 1.0]]
P1 = np.ones((1, 2, 2, 1))
R1 = np.zeros((2, 1, 2, 2))
BM = big_match(0.9)
UNIFORM = np.full((3, 2), 0.5)
GENERAL_SUM = StochasticGame(P1, np.ones((2, 1, 2, 2)), 0.9)

BAD_INPUTS = [
    # --- equilibria.py
    (pure_nash_equilibria, dict(payoffs="AB"), TypeError, "payoffs"),
    (pure_nash_equilibria, dict(payoffs=[EYE, np.zeros((2, 3))]), ValueError, r"payoffs\[1\]"),
    (pure_nash_equilibria, dict(payoffs=[EYE, NAN]), ValueError, r"payoffs\[1\] must contain only finite"),
    (pure_nash_equilibria, dict(payoffs=np.zeros(3)), ValueError, "payoffs"),
    (pure_nash_equilibria, dict(payoffs=GOOD, tol=-1.0), ValueError, "tol"),
    (pure_nash_equilibria, dict(payoffs=GOOD, tol="0"), TypeError, "tol"),
    (mixed_nash_2x2, dict(A=np.eye(3), B=np.eye(3)), ValueError, "A must be a 2x2"),
    (mixed_nash_2x2, dict(A=EYE, B=np.eye(3)), ValueError, "A and B must have the same shape"),
    (mixed_nash_2x2, dict(A=NAN, B=EYE), ValueError, "A must contain only finite"),
    (mixed_nash_2x2, dict(A=EYE, B=[["x", "y"], ["z", "w"]]), TypeError, "B must be an array of numbers"),
    (support_enumeration, dict(A=[1.0, 2.0], B=[1.0, 2.0]), ValueError, "A must be 2-dimensional"),
    (support_enumeration, dict(A=EYE, B=NAN), ValueError, "B must contain only finite"),
    (support_enumeration, dict(A=np.zeros((0, 2)), B=np.zeros((0, 2))), ValueError, "A must not be empty"),
    (support_enumeration, dict(A=EYE, B=EYE, tol=np.inf), ValueError, "tol must be finite"),
    (support_enumeration, dict(A=EYE, B=EYE, tol=-1e-3), ValueError, "tol"),
    (support_enumeration, dict(A=EYE, B=EYE, max_pairs=0), ValueError, "max_pairs"),
    (support_enumeration, dict(A=EYE, B=EYE, max_pairs=1.5), TypeError, "max_pairs"),
    (support_enumeration, dict(A=np.zeros((12, 12)), B=np.zeros((12, 12))), ValueError, "max_pairs"),
    (support_pair_count, dict(m=0, n=3), ValueError, "m must be in"),
    (support_pair_count, dict(m=3, n=2.0), TypeError, "n must be an integer"),
    # --- normal_form.py
    (action_values, dict(payoffs=GOOD, strategies=HALF, player=2), ValueError, "player"),
    (action_values, dict(payoffs=GOOD, strategies=HALF, player=True), TypeError, "player"),
    (action_values, dict(payoffs=GOOD, strategies=0.5, player=0), TypeError, "strategies"),
    (action_values, dict(payoffs=GOOD, strategies=[[0.5, 0.5]], player=0), ValueError, "strategies"),
    (expected_payoffs, dict(payoffs=GOOD, strategies=[[0.7, 0.7], [0.5, 0.5]]), ValueError, r"strategies\[0\]"),
    (expected_payoffs, dict(payoffs=GOOD, strategies=[[0.5, 0.5], [1.0, 0.0, 0.0]]), ValueError, r"strategies\[1\]"),
    (expected_payoffs, dict(payoffs=[EYE], strategies=HALF), ValueError, r"payoffs\[0\]"),
    (best_responses, dict(payoffs=GOOD, strategies=HALF, player=0, tol=-1.0), ValueError, "tol"),
    (best_responses, dict(payoffs=GOOD, strategies=[[1.5, -0.5], [0.5, 0.5]], player=1), ValueError, r"strategies\[0\]"),
    (is_nash, dict(payoffs=GOOD, strategies=[[np.nan, 1.0], [0.5, 0.5]]), ValueError, r"strategies\[0\]"),
    (is_nash, dict(payoffs=GOOD, strategies=HALF, tol=None), TypeError, "tol"),
    (is_strict_nash, dict(payoffs=GOOD, strategies="HALF"), TypeError, "strategies"),
    (is_strict_nash, dict(payoffs=[EYE, NAN], strategies=HALF), ValueError, r"payoffs\[1\]"),
    (is_fully_mixed, dict(strategy=[0.2, 0.2]), ValueError, "strategy must sum to 1"),
    (is_fully_mixed, dict(strategy=[0.5, 0.5], tol=-1), ValueError, "tol"),
    (is_pure, dict(strategy=[[1.0, 0.0]]), ValueError, "strategy must be 1-dimensional"),
    (is_pure, dict(strategy=[1.0, 0.0], tol="small"), TypeError, "tol"),
    (is_zero_sum, dict(payoffs=[EYE, NAN]), ValueError, r"payoffs\[1\]"),
    (is_zero_sum, dict(payoffs=GOOD, tol=-1e-12), ValueError, "tol"),
    (is_fully_cooperative, dict(payoffs=5), TypeError, "payoffs"),
    (is_fully_cooperative, dict(payoffs=GOOD, tol=float("nan")), ValueError, "tol"),
    (classify_game, dict(payoffs=[EYE, np.zeros((3, 3))]), ValueError, r"payoffs\[1\]"),
    (classify_game, dict(payoffs=GOOD, tol=-1.0), ValueError, "tol"),
    # --- zero_sum.py
    (solve_zero_sum, dict(A=[["a", "b"]]), TypeError, "A must be an array of numbers"),
    (solve_zero_sum, dict(A=[1.0, 2.0]), ValueError, "A must be 2-dimensional"),
    (solve_zero_sum, dict(A=NAN), ValueError, "A must contain only finite"),
    (solve_zero_sum, dict(A=np.zeros((2, 0))), ValueError, "A must not be empty"),
    (maximin_value_linprog, dict(A=[[np.inf]]), ValueError, "A must contain only finite"),
    (maximin_value_linprog, dict(A=np.zeros((2, 2, 2))), ValueError, "A must be 2-dimensional"),
    # --- gallery.py
    (NormalFormGame, dict(name=3, payoffs=GOOD, action_names=(("a", "b"), ("c", "d"))), TypeError, "name"),
    (NormalFormGame, dict(name="g", payoffs=GOOD, action_names=(("a", "b"),)), ValueError, "action_names"),
    (NormalFormGame, dict(name="g", payoffs=GOOD, action_names=(("a", "b"), ("c",))), ValueError, r"action_names\[1\]"),
    (NormalFormGame, dict(name="g", payoffs=GOOD, action_names=(("a", "b"), (1, 2))), TypeError, r"action_names\[1\]"),
    (NormalFormGame, dict(name="g", payoffs=GOOD, action_names="ab"), TypeError, "action_names"),
    (NormalFormGame, dict(name="g", payoffs=[EYE, NAN], action_names=(("a", "b"), ("c", "d"))), ValueError, r"payoffs\[1\]"),
    (NormalFormGame, dict(name="g", payoffs=GOOD, action_names=(("a", "b"), ("c", "d")), description=None), TypeError, "description"),
    (volunteers_dilemma, dict(n_players=1), ValueError, "n_players"),
    (volunteers_dilemma, dict(n_players=3.0), TypeError, "n_players"),
    (volunteers_dilemma, dict(n_players=40), ValueError, "n_players"),
    (volunteers_dilemma, dict(cost=1.0), ValueError, "cost"),
    (volunteers_dilemma, dict(cost="cheap"), TypeError, "cost"),
    # --- stochastic.py
    (StochasticGame, dict(transitions=P1, rewards=R1, discount=1.0), ValueError, "discount must be in"),
    (StochasticGame, dict(transitions=P1, rewards=R1, discount="0.9"), TypeError, "discount"),
    (StochasticGame, dict(transitions=P1 * 0.5, rewards=R1, discount=0.9), ValueError, "transitions must sum to 1"),
    (StochasticGame, dict(transitions=np.ones((1, 3, 2, 1)), rewards=R1, discount=0.9), ValueError, "transitions must have shape"),
    (StochasticGame, dict(transitions=P1, rewards=np.zeros((2, 2)), discount=0.9), ValueError, "rewards"),
    (StochasticGame, dict(transitions=P1, rewards=np.zeros((3, 1, 2, 2)), discount=0.9), ValueError, "rewards"),
    (StochasticGame, dict(transitions=P1, rewards=R1, discount=0.9, state_names=("a", "b")), ValueError, "state_names"),
    (StochasticGame, dict(transitions=P1, rewards=R1, discount=0.9, state_names="s"), TypeError, "state_names"),
    (StochasticGame, dict(transitions=P1, rewards=R1, discount=0.9, name=7), TypeError, "name"),
    (BM.is_zero_sum, dict(tol=-1.0), ValueError, "tol"),
    (repeated_game, dict(game=[EYE, -EYE], discount=0.9), TypeError, "game"),
    (repeated_game, dict(game=matching_pennies(), discount=-0.1), ValueError, "discount"),
    (big_match, dict(discount=1.5), ValueError, "discount"),
    (big_match, dict(discount=None), TypeError, "discount"),
    (stage_games, dict(game="big match", values=np.zeros((2, 3))), TypeError, "game"),
    (stage_games, dict(game=BM, values=np.zeros((2, 2))), ValueError, "values must have shape"),
    (stage_games, dict(game=BM, values=np.full((2, 3), np.nan)), ValueError, "values must contain only finite"),
    (evaluate_joint_policy, dict(game=None, policies=[UNIFORM, UNIFORM]), TypeError, "game"),
    (evaluate_joint_policy, dict(game=BM, policies=UNIFORM[0]), TypeError, "policies"),
    (evaluate_joint_policy, dict(game=BM, policies=[UNIFORM]), ValueError, "policies"),
    (evaluate_joint_policy, dict(game=BM, policies=[np.full((3, 2), 0.6), UNIFORM]), ValueError, r"policies\[0\] must sum to 1"),
    (evaluate_joint_policy, dict(game=BM, policies=[UNIFORM, np.full((2, 2), 0.5)]), ValueError, r"policies\[1\] must have shape"),
    (is_stationary_equilibrium, dict(game=BM, policies=[UNIFORM, UNIFORM], tol=-1.0), ValueError, "tol"),
    (is_stationary_equilibrium, dict(game=BM.rewards, policies=[UNIFORM, UNIFORM]), TypeError, "game"),
    (shapley_value_iteration, dict(game=GENERAL_SUM), ValueError, "game must be a two-player zero-sum"),
    (shapley_value_iteration, dict(game=matching_pennies()), TypeError, "game must be a StochasticGame"),
    (shapley_value_iteration, dict(game=BM, max_iter=0), ValueError, "max_iter"),
    (shapley_value_iteration, dict(game=BM, max_iter=10.0), TypeError, "max_iter"),
    (shapley_value_iteration, dict(game=BM, tol=-1e-3), ValueError, "tol"),
    (shapley_value_iteration, dict(game=BM, initial_values=np.zeros(2)), ValueError, "initial_values must have shape"),
    (shapley_value_iteration, dict(game=BM, initial_values=[0.0, np.inf, 0.0]), ValueError, "initial_values"),
    (shapley_values, dict(game=BM, tol="1e-6"), TypeError, "tol"),
    (shapley_values, dict(game=BM, max_iter=-5), ValueError, "max_iter"),
    (shapley_values, dict(game=GENERAL_SUM), ValueError, "game must be a two-player zero-sum"),
]


def _id(case):
    function, kwargs, error, _ = case
    return f"{getattr(function, '__name__', function)}-{'-'.join(kwargs)}-{error.__name__}"


@pytest.mark.parametrize("function, kwargs, error, match", BAD_INPUTS, ids=[_id(c) for c in BAD_INPUTS])
def test_bad_input_is_refused_naming_the_parameter(function, kwargs, error, match):
    with pytest.raises(error, match=match):
        function(**kwargs)


def test_every_public_function_is_in_the_table():
    import marl_course.games as games

    covered = {getattr(f, "__name__", None) for f, *_ in BAD_INPUTS}
    public = {name for name in games.__all__ if callable(getattr(games, name))
              and not isinstance(getattr(games, name), type) or name in ("NormalFormGame", "StochasticGame")}
    exempt = {"DegenerateGameWarning", "ShapleyIterate", "GALLERY", "MAX_SUPPORT_PAIRS"}
    assert public - exempt - covered == set()


def test_shapley_refuses_a_bad_game_before_the_first_iterate():
    # the generator checks its arguments when called, not at the first next()
    with pytest.raises(ValueError, match="max_iter"):
        shapley_value_iteration(BM, max_iter=0)
