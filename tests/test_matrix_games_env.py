"""Repeated matrix games as one-state stochastic games: stepping, the exposed model, validation."""

import itertools

import numpy as np
import pytest

from marl_course.envs.matrix_games import RepeatedMatrixGame, make_matrix_game
from marl_course.games import shapley_values, solve_zero_sum
from marl_course.games.gallery import NormalFormGame, battle_of_the_sexes, rock_paper_scissors, volunteers_dilemma


@pytest.mark.parametrize("make", [rock_paper_scissors, battle_of_the_sexes, lambda: volunteers_dilemma(3)])
def test_every_joint_action_pays_the_stage_game(make):
    game = make()
    joint_actions = np.array(list(itertools.product(*(range(m) for m in game.payoffs[0].shape))))
    env = RepeatedMatrixGame(game, n_envs=len(joint_actions))
    observations, state, info = env.reset(seed=0)
    assert observations.shape == (len(joint_actions), game.n_players) and not state.any()
    observations, state, rewards, done, info = env.step(joint_actions)
    want = np.array([[payoff[tuple(a)] for payoff in game.payoffs] for a in joint_actions])
    np.testing.assert_array_equal(rewards, want)
    assert not done.any() and info["t"] == 1 and not observations.any()
    assert not info["terminated"].any() and not info["truncated"].any()


def test_a_horizon_truncates():
    env = make_matrix_game("matching_pennies", n_envs=2, horizon=2)
    env.reset()
    assert not env.step(np.zeros((2, 2), dtype=int))[3].any()
    *_, done, info = env.step(np.zeros((2, 2), dtype=int))
    assert done.all() and info["truncated"].all() and not info["terminated"].any()  # a time limit, not a terminal state


def test_model_is_the_one_state_repeated_game():
    env = make_matrix_game("matching_pennies", discount=0.8)
    assert env.model.transitions.shape == (1, 2, 2, 1)
    np.testing.assert_array_equal(env.model.transitions, 1.0)
    np.testing.assert_array_equal(env.model.rewards[0, 0], env.game.A)
    assert env.model.discount == 0.8 and env.n_states == 1


def test_shapley_value_of_the_model_is_the_discounted_game_value():
    # a repeated zero-sum game is worth val(A) every step: V = val(A) / (1 - gamma)
    A = np.random.default_rng(3).normal(size=(3, 4))
    game = NormalFormGame("random", (A, -A), (("a", "b", "c"), ("w", "x", "y", "z")))
    env = RepeatedMatrixGame(game, discount=0.9)
    value, _, _ = solve_zero_sum(A)
    assert shapley_values(env.model).values[0] == pytest.approx(value / (1 - 0.9), abs=1e-7)


def test_horizon_ends_the_episode():
    env = make_matrix_game("rock_paper_scissors", n_envs=2, horizon=3)
    env.reset()
    dones = [env.step(np.zeros((2, 2), dtype=int))[3].all() for _ in range(3)]
    assert dones == [False, False, True]


@pytest.mark.parametrize("actions, match", [
    (np.zeros((2, 3), dtype=int), "actions"),          # wrong shape
    (np.zeros((2, 2)), "actions"),                     # floats
    (np.full((2, 2), 3), "actions"),                   # out of range
    (np.full((2, 2), -1), "actions"),
])
def test_bad_actions_are_rejected(actions, match):
    env = make_matrix_game("rock_paper_scissors", n_envs=2)
    env.reset()
    with pytest.raises(ValueError, match=match):
        env.step(actions)


def test_bad_construction_is_rejected():
    with pytest.raises(TypeError, match="game"):
        RepeatedMatrixGame(np.eye(2))
    with pytest.raises(ValueError, match="n_envs"):
        make_matrix_game("matching_pennies", n_envs=0)
    with pytest.raises(ValueError, match="discount"):
        make_matrix_game("matching_pennies", discount=1.0)
    with pytest.raises(ValueError, match="name"):
        make_matrix_game("poker")
