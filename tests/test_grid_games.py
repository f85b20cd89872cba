"""Hu & Wellman's grid games: rules, the model against the simulator, an equilibrium path's value."""

import numpy as np
import pytest

from marl_course.envs.grid_games import (GOALS, N_STATES, STARTS, TERMINAL, GridGame, cells_of, grid_game,
                                         greedy_path, state_of)
from marl_course.games import evaluate_joint_policy

UP, DOWN, LEFT, RIGHT = range(4)


def test_collision_bounces_both_back_with_minus_one():
    env = GridGame(1)
    env.reset(seed=0)
    _, state, rewards, done, _ = env.step([[RIGHT, LEFT]])  # both into cell 1
    assert cells_of(int(state[0])) == STARTS and rewards.tolist() == [[-1.0, -1.0]] and not done[0]


def test_reaching_the_goal_pays_100_and_ends_the_episode():
    env = GridGame(1)
    env.reset(seed=0)
    env.state[:] = state_of(5, 3)
    _, state, rewards, done, info = env.step([[UP, DOWN]])
    assert state[0] == TERMINAL and done[0] and rewards.tolist() == [[100.0, 0.0]]
    assert info["terminated"][0] and not info["truncated"][0]
    _, state, rewards, done, info = env.step([[UP, DOWN]])  # an ended episode waits for its reset
    assert state[0] == TERMINAL and done[0] and rewards.tolist() == [[0.0, 0.0]] and info["terminated"][0]


def test_barrier_lets_through_half_the_time_in_game_2_only():
    game_1, game_2 = grid_game(1), grid_game(2)
    s = state_of(*STARTS)
    assert game_1.transitions[s, UP, DOWN, state_of(3, 2)] == 1.0
    assert game_2.transitions[s, UP, DOWN, state_of(3, 2)] == 0.5
    assert game_2.transitions[s, UP, DOWN, s] == 0.5
    env = GridGame(2, n_envs=2000)
    env.reset(seed=1)
    moved = (env.step(np.tile([UP, DOWN], (2000, 1)))[1] == state_of(3, 2)).sum()
    assert abs(moved / 2000 - 0.5) < 0.05


def test_shared_goal_in_game_2_pays_both():
    game = grid_game(2)
    s = state_of(4, 8)
    assert game.rewards[:, s, UP, LEFT].tolist() == [100.0, 100.0]
    assert game.transitions[s, UP, LEFT, TERMINAL] == 1.0


def test_model_is_a_valid_stochastic_game_with_an_absorbing_end():
    game = grid_game(1)
    assert game.transitions.shape == (N_STATES, 4, 4, N_STATES)
    assert np.all(game.transitions[TERMINAL, :, :, TERMINAL] == 1) and np.all(game.rewards[:, TERMINAL] == 0)


def test_shortest_non_colliding_paths_are_worth_100_gamma_cubed():
    # agent 1: up, up, right, right (0-3-6-7-8); agent 2: left, up, left, up (2-1-4-3-6): they never meet
    policy_1, policy_2 = np.full((N_STATES, 4), 0.0), np.full((N_STATES, 4), 0.0)
    for s in range(TERMINAL):
        c1, c2 = cells_of(s)
        policy_1[s, UP if c1 < 6 else RIGHT] = 1.0
        policy_2[s, LEFT if c2 in (2, 4) else UP] = 1.0
    policy_1[TERMINAL, 0] = policy_2[TERMINAL, 0] = 1.0
    values = evaluate_joint_policy(grid_game(1), [policy_1, policy_2])[:, state_of(*STARTS)]
    assert values == pytest.approx([100 * 0.99 ** 3] * 2)
    assert greedy_path(GridGame(1), lambda s: (int(policy_1[s].argmax()), int(policy_2[s].argmax())))[-1] == GOALS[1]


def test_the_time_limit_ends_an_episode():
    env = GridGame(1, max_steps=3)
    env.reset(seed=0)
    steps = [env.step([[3, 3]]) for _ in range(3)]  # both agents walk right: no goal in three steps
    assert [bool(step[3][0]) for step in steps] == [False, False, True] and env.state[0] != TERMINAL
    assert steps[-1][4]["truncated"][0] and not steps[-1][4]["terminated"][0]  # a time limit, not an end state
    with pytest.raises(ValueError, match="max_steps"):
        GridGame(1, max_steps=0)


def test_invalid_game_is_named():
    with pytest.raises(ValueError, match="game"):
        GridGame(3)


@pytest.mark.parametrize("bad", [-1, 4, 0.5])
def test_step_names_a_bad_action(bad):
    env = GridGame(1)
    env.reset(seed=0)
    with pytest.raises((TypeError, ValueError), match="actions"):
        env.step([[0, bad]])
