"""The many-agent battle grid: rules, layouts, mean actions, batched worlds, linear-cost bookkeeping."""

import numpy as np
import pytest

from marl_course.envs.battle_grid import ATTACK, BattleGrid, box_sum, scripted_action


def _place(env, red, blue, hp=None):
    """Reset, then put the same armies in every world (positions as lists of [row, col])."""
    env.reset(seed=0)
    n_soldiers = len(red) + len(blue)
    env.positions = np.tile(np.array(red + blue), (env.n_envs, 1, 1))
    env.hit_points = np.full((env.n_envs, n_soldiers), env.hp if hp is None else hp)
    env.last_actions = np.zeros((env.n_envs, n_soldiers), dtype=int)


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
    env.hit_points[0, 3] = 1                               # the diagonal blue soldier is weaker
    _, _, rewards, _, info = env.step(np.array([[ATTACK, 0]]))
    assert env.hit_points[0, 3] == 0 and env.hit_points[0, 2] == 2 - 0   # red 0 hit blue 1 only
    assert info["blue_alive"].tolist() == [1]
    # both blue soldiers were adjacent and attacked: red 0 dealt 1 damage, took 2 and died
    assert np.isclose(rewards[0, 0], 1 - 0.5 * 2 - 0.01) and np.isclose(rewards[0, 1], -0.01)
    assert info["red_alive"].tolist() == [1] and not info["alive"][0, 0]


def test_moves_are_blocked_by_occupied_and_contested_cells():
    env = BattleGrid(size=8, n_agents=3, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[2, 2], [2, 4], [5, 0]], blue=[[7, 7], [7, 5], [0, 7]])
    env.step(np.array([[4, 3, 3]]))   # red 0 and 1 both want (2, 3); red 2 walks into the wall
    assert env.positions[0, 0].tolist() == [2, 2] and env.positions[0, 1].tolist() == [2, 4]
    assert env.positions[0, 2].tolist() == [5, 0]
    env.step(np.array([[2, 0, 4]]))
    assert env.positions[0, 0].tolist() == [3, 2] and env.positions[0, 2].tolist() == [5, 1]


def test_mean_action_is_a_distribution_over_neighbours_only():
    env = BattleGrid(size=10, n_agents=3, mean_radius=2, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[0, 0], [1, 1], [9, 9]], blue=[[5, 5], [5, 7], [7, 5]])
    mean_action = env.step(np.array([[ATTACK, 4, 1]]))[4]["mean_action"][0]
    assert np.allclose(mean_action.sum(axis=1), 1) and np.all(mean_action >= 0)
    assert mean_action[0].argmax() == 4 and mean_action[1].argmax() == ATTACK   # each other's action
    assert np.allclose(mean_action[2], 1 / 6)                                   # alone: uniform


def test_observation_and_state_layout():
    env = BattleGrid(size=6, n_agents=1, view=1, blue_noise=0.0, blue_advances=False)
    _place(env, red=[[0, 0]], blue=[[1, 1]])
    env.hit_points[0, 1] = 2
    obs = env._observe()
    assert obs.shape == (1, 1, env.obs_dim) == (1, 1, 3 + 2 * 9)
    red_window, blue_window = obs[0, 0, 3:12].reshape(3, 3), obs[0, 0, 12:].reshape(3, 3)
    assert red_window[1, 1] == 1 and red_window.sum() == 1
    assert blue_window[2, 2] == 1 and blue_window.sum() == 1
    red_hp, blue_hp = env.state().reshape(2, 6, 6)               # hit points over hp, by team and cell
    assert red_hp[0, 0] == 1 and red_hp.sum() == 1
    assert np.isclose(blue_hp[1, 1], 2 / 3) and np.isclose(blue_hp.sum(), 2 / 3)


def test_scripted_soldiers_attack_when_adjacent_and_advance_otherwise():
    env = BattleGrid(n_envs=2, size=9, n_agents=2, blue_noise=0.0)
    _place(env, red=[[4, 0], [0, 0]], blue=[[4, 1], [4, 8]])
    env.hit_points[1, :2] = 0                                     # world 1: red is gone
    actions = scripted_action(env, team=1, rng=np.random.default_rng(0))
    assert actions.shape == (2, 2)
    assert actions[0].tolist() == [ATTACK, 3]       # the far one steps left, towards red
    assert actions[1].tolist() == [0, 0]            # no enemy left: stay


def test_episode_is_seeded_and_ends():
    def play(seed):
        env = BattleGrid(size=8, n_agents=4, max_steps=15)
        env.reset(seed=seed)
        rng, done, total = np.random.default_rng(seed), np.zeros(1, bool), 0.0
        while not done.all():
            _, _, rewards, done, info = env.step(rng.integers(0, 6, size=(1, 4)))
            total += rewards.sum()
        return total, env.t
    assert play(1) == play(1)
    assert play(1)[1] <= 15


def _random_red(rng, env):
    """Random red actions with many attacks, so battles end early as well as by the time limit."""
    actions = rng.integers(0, 6, size=(env.n_envs, env.n_agents))
    actions[rng.random(actions.shape) < 0.5] = ATTACK
    return actions


def test_world_b_of_a_batch_plays_like_a_single_world_from_the_same_start():
    """With blue_noise 0 the rules are deterministic: world b of a batch, stepped with red actions
    (E, N), matches a one-world battle started from world b's placement and given row b."""
    kwargs = dict(size=8, n_agents=6, hp=2, max_steps=25, blue_noise=0.0)
    batch = BattleGrid(n_envs=4, **kwargs)
    batch.reset(seed=3)
    singles = []
    for b in range(batch.n_envs):
        single = BattleGrid(n_envs=1, **kwargs)
        single.reset(seed=0)
        single.positions = batch.positions[b:b + 1].copy()
        singles.append(single)
    rng, done, endings = np.random.default_rng(0), np.zeros(batch.n_envs, bool), set()
    while not done.all():
        actions = _random_red(rng, batch)
        obs, state, reward, done, info = batch.step(actions)
        for b, single in enumerate(singles):
            o, s, r, d, i = single.step(actions[b:b + 1])
            assert np.array_equal(obs[b], o[0]) and np.array_equal(state[b], s[0])
            assert np.array_equal(reward[b], r[0]) and done[b] == d[0]
            for key in ("alive", "red_alive", "blue_alive", "mean_action", "terminated", "truncated"):
                assert np.array_equal(info[key][b], i[key][0]), key
        endings.add(tuple(info["terminated"]))
    assert len(endings) > 1  # the worlds did not all end at the same step


def test_world_zero_starts_like_a_single_world_and_the_others_differ():
    obs, state, info = BattleGrid(n_envs=3, size=8, n_agents=4).reset(seed=11)
    one_obs, one_state, one_info = BattleGrid(n_envs=1, size=8, n_agents=4).reset(seed=11)
    assert np.array_equal(obs[:1], one_obs) and np.array_equal(state[:1], one_state)
    assert np.array_equal(info["mean_action"][:1], one_info["mean_action"])
    assert not np.array_equal(state[0], state[1]) and not np.array_equal(state[1], state[2])


def test_finished_worlds_are_frozen_until_reset_and_end_one_way():
    env = BattleGrid(n_envs=5, size=8, n_agents=4, hp=1, max_steps=12, blue_noise=0.5)
    obs, state, info = env.reset(seed=2)
    assert not info["terminated"].any() and not info["truncated"].any()
    rng, done = np.random.default_rng(1), np.zeros(5, bool)
    frozen = {}
    while not done.all():
        obs, state, reward, done, info = env.step(_random_red(rng, env))
        assert np.array_equal(done, info["terminated"] | info["truncated"])
        assert not (info["terminated"] & info["truncated"]).any()
        for b, (o, s, m) in frozen.items():
            assert done[b] and np.all(reward[b] == 0)
            assert np.array_equal(obs[b], o) and np.array_equal(state[b], s)
            assert np.array_equal(info["mean_action"][b], m)
        for b in np.flatnonzero(done):
            frozen.setdefault(b, (obs[b], state[b], info["mean_action"][b]))
    ended = (info["red_alive"] == 0) | (info["blue_alive"] == 0)
    np.testing.assert_array_equal(info["terminated"], ended)          # terminated: an army destroyed
    assert info["terminated"].any()
    assert (env.t == 12) == info["truncated"].any()                  # truncated: the time limit only
    _, _, info = env.reset(seed=2)
    assert not info["terminated"].any() and not info["truncated"].any()
    assert not env.step(np.zeros((5, 4), dtype=int))[3].any()


@pytest.mark.parametrize("actions, match", [(np.zeros((1, 3), dtype=int), "actions"),
                                            (np.zeros(4, dtype=int), "actions"),
                                            (np.full((1, 4), 6), "actions"),
                                            (np.zeros((1, 4)), "actions"),
                                            (np.zeros((2, 4), dtype=int), "actions")])
def test_bad_actions_are_named(actions, match):
    env = BattleGrid(size=8, n_agents=4)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=match):
        env.step(actions)


@pytest.mark.parametrize("n_envs, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError), ("2", TypeError),
                                           (True, TypeError), (None, TypeError)])
def test_bad_n_envs_is_named(n_envs, error):
    with pytest.raises(error, match="n_envs"):
        BattleGrid(n_envs=n_envs)
