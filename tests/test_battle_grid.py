"""The many-agent battle grid: rules, layouts, mean actions, linear-cost bookkeeping."""

import numpy as np
import pytest

from marl_course.envs.battle_grid import ATTACK, BattleGrid, box_sum, scripted_action


def _place(env, red, blue, hp=None):
    env.reset(seed=0)
    env.positions = np.array(red + blue)
    env.hit_points = np.full(len(red) + len(blue), env.hp if hp is None else hp)
    env.last_actions = np.zeros(len(red) + len(blue), dtype=int)


def test_box_sum_matches_a_loop():
    rng = np.random.default_rng(0)
    grid = rng.integers(0, 3, size=(7, 9))
    fast = box_sum(grid, 2)
    for i in range(7):
        for j in range(9):
            assert fast[i, j] == grid[max(i - 2, 0):i + 3, max(j - 2, 0):j + 3].sum()


def test_attack_hits_the_weakest_adjacent_enemy_and_kills_at_zero():
    env = BattleGrid(size=8, n_agents=2, hp=2, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[3, 3], [0, 0]], blue=[[3, 4], [4, 4]])
    env.hit_points[3] = 1                                  # the diagonal blue soldier is weaker
    _, _, rewards, _, info = env.step(np.array([ATTACK, 0]))
    assert env.hit_points[3] == 0 and env.hit_points[2] == 2 - 0   # red 0 hit blue 1 only
    assert info["blue_alive"] == 1
    # both blue soldiers were adjacent and attacked: red 0 dealt 1 damage, took 2 and died
    assert np.isclose(rewards[0], 1 - 0.5 * 2 - 0.01) and np.isclose(rewards[1], -0.01)
    assert info["red_alive"] == 1 and not info["alive"][0]


def test_moves_are_blocked_by_occupied_and_contested_cells():
    env = BattleGrid(size=8, n_agents=3, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[2, 2], [2, 4], [5, 0]], blue=[[7, 7], [7, 5], [0, 7]])
    env.step(np.array([4, 3, 3]))     # red 0 and 1 both want (2, 3); red 2 walks into the wall
    assert env.positions[0].tolist() == [2, 2] and env.positions[1].tolist() == [2, 4]
    assert env.positions[2].tolist() == [5, 0]
    env.step(np.array([2, 0, 4]))
    assert env.positions[0].tolist() == [3, 2] and env.positions[2].tolist() == [5, 1]


def test_mean_action_is_a_distribution_over_neighbours_only():
    env = BattleGrid(size=10, n_agents=3, mean_radius=2, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[0, 0], [1, 1], [9, 9]], blue=[[5, 5], [5, 7], [7, 5]])
    _, mean_action, _, _, _ = env.step(np.array([ATTACK, 4, 1]))
    assert np.allclose(mean_action.sum(axis=1), 1) and np.all(mean_action >= 0)
    assert mean_action[0].argmax() == 4 and mean_action[1].argmax() == ATTACK   # each other's action
    assert np.allclose(mean_action[2], 1 / 6)                                   # alone: uniform


def test_observation_layout():
    env = BattleGrid(size=6, n_agents=1, view=1, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[0, 0]], blue=[[1, 1]])
    obs = env._observe()
    assert obs.shape == (1, env.obs_dim) == (1, 3 + 2 * 9)
    red_window, blue_window = obs[0, 3:12].reshape(3, 3), obs[0, 12:].reshape(3, 3)
    assert red_window[1, 1] == 1 and red_window.sum() == 1
    assert blue_window[2, 2] == 1 and blue_window.sum() == 1


def test_scripted_soldiers_attack_when_adjacent_and_advance_otherwise():
    env = BattleGrid(size=9, n_agents=2, blue_noise=0.0)
    _place(env, red=[[4, 0], [0, 0]], blue=[[4, 1], [4, 8]])
    actions = scripted_action(env, team=1, rng=np.random.default_rng(0))
    assert actions[0] == ATTACK and actions[1] == 3     # the far one steps left, towards red


def test_episode_is_seeded_and_ends():
    def play(seed):
        env = BattleGrid(size=8, n_agents=4, max_steps=15)
        env.reset(seed=seed)
        rng, done, total = np.random.default_rng(seed), False, 0.0
        while not done:
            _, _, rewards, done, info = env.step(rng.integers(0, 6, size=4))
            total += rewards.sum()
        return total, env.t
    assert play(1) == play(1)
    assert play(1)[1] <= 15


@pytest.mark.parametrize("actions, match", [(np.zeros(3, dtype=int), "red_actions"),
                                            (np.full(4, 6), "red_actions"),
                                            (np.zeros(4), "red_actions")])
def test_bad_actions_are_named(actions, match):
    env = BattleGrid(size=8, n_agents=4)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=match):
        env.step(actions)
