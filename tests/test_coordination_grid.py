"""The predator-prey Dec-POMDP: captures need every predator, observations are local."""

import numpy as np
import pytest

from marl_course.envs.coordination_grid import CATCH, MOVES, CoordinationGrid


def placed(pred, prey, **kwargs):
    env = CoordinationGrid(n_envs=1, prey_move_prob=0.0, **kwargs)
    env.reset(seed=0)
    env._pred = np.array([pred]); env._prey = np.array([prey])
    return env


def test_capture_needs_both_predators_adjacent_and_catching():
    env = placed([[1, 2], [3, 2]], [2, 2])
    _, _, reward, done, info = env.step([[CATCH, CATCH]])
    assert reward[0] == env.capture_reward and done[0] and info["caught"][0]


def test_one_predator_cannot_catch_and_pays_the_penalty():
    env = placed([[1, 2], [4, 4]], [2, 2], miscoordination_penalty=2.0, step_cost=0.1)
    _, _, reward, done, _ = env.step([[CATCH, CATCH]])
    assert reward[0] == pytest.approx(-2.1) and not done[0]
    env = placed([[1, 2], [3, 2]], [2, 2], miscoordination_penalty=2.0, step_cost=0.1)
    _, _, reward, done, _ = env.step([[CATCH, 0]])  # adjacent, but the partner does not catch
    assert reward[0] == pytest.approx(-2.1) and not done[0]


def test_walls_block_moves():
    env = placed([[0, 0], [4, 4]], [2, 2])
    env.step([[1, 2]])  # up from the top row, down from the bottom row
    assert env._pred[0].tolist() == [[0, 0], [4, 4]]
    env.step([[4, 3]])
    assert env._pred[0].tolist() == [[0, 1], [4, 3]]


def test_observation_hides_what_is_out_of_sight():
    env = placed([[0, 0], [4, 4]], [0, 1], sight=1)
    obs, state = env._observe()
    own, prey, other = obs[0, 0, :2], obs[0, 0, 2:5], obs[0, 0, 5:8]
    assert own.tolist() == [0, 0] and prey.tolist() == [1, 0, 1] and other.tolist() == [0, 0, 0]
    assert obs[0, 1, 2:].tolist() == [0] * 6  # agent 2 sees neither
    assert np.allclose(state[0] * 4, [0, 0, 4, 4, 0, 1])


def test_episode_limit_and_frozen_worlds():
    env = CoordinationGrid(n_envs=4, episode_limit=3)
    env.reset(seed=1)
    for _ in range(3):
        _, _, _, done, _ = env.step(np.zeros((4, 2), dtype=int))
    assert done.all()
    _, _, reward, done, _ = env.step(np.zeros((4, 2), dtype=int))
    assert np.all(reward == 0) and done.all()


def test_capture_is_terminal_and_the_time_limit_truncates():
    env = placed([[1, 2], [3, 2]], [2, 2], episode_limit=1)
    _, _, _, done, info = env.step([[CATCH, CATCH]])  # caught on the last allowed step: still terminal
    assert done[0] and info["terminated"][0] and not info["truncated"][0]
    env = placed([[1, 2], [3, 2]], [2, 2], episode_limit=2)
    _, _, _, done, info = env.step([[0, 0]])
    assert not done[0] and not info["terminated"][0] and not info["truncated"][0]
    _, _, _, done, info = env.step([[0, 0]])  # time is up, no capture
    assert done[0] and info["truncated"][0] and not info["terminated"][0]
    _, _, _, done, info = env.step([[CATCH, CATCH]])  # frozen: the end stays a truncation
    assert done[0] and info["truncated"][0] and not info["terminated"][0]


def test_done_is_terminated_or_truncated():
    env = CoordinationGrid(n_envs=64, size=3, episode_limit=6)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(7):
        _, _, _, done, info = env.step(rng.integers(len(MOVES), size=(64, 2)))
        assert np.array_equal(done, info["terminated"] | info["truncated"])
        assert not np.any(info["terminated"] & info["truncated"])
    assert info["terminated"].any() and info["truncated"].any()


def test_same_seed_same_worlds():
    def roll(seed):
        env = CoordinationGrid(n_envs=5)
        out = [env.reset(seed=seed)[1]]
        rng = np.random.default_rng(0)
        for _ in range(5):
            out.append(env.step(rng.integers(len(MOVES), size=(5, 2)))[1])
        return np.array(out)
    assert np.array_equal(roll(3), roll(3)) and not np.array_equal(roll(3), roll(4))


def test_starts_on_distinct_cells():
    env = CoordinationGrid(n_envs=200, size=3)
    env.reset(seed=0)
    cells = np.concatenate([env._pred, env._prey[:, None]], axis=1) @ np.array([3, 1])
    assert all(len(set(row)) == 3 for row in cells.tolist())


@pytest.mark.parametrize("kwargs, name", [({"size": 1}, "size"), ({"sight": 0}, "sight"),
                                          ({"prey_move_prob": 2.0}, "prey_move_prob"),
                                          ({"miscoordination_penalty": -1.0}, "miscoordination_penalty")])
def test_bad_parameters_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        CoordinationGrid(**kwargs)


def test_bad_actions_raise():
    env = CoordinationGrid(n_envs=2)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="actions"):
        env.step(np.full((2, 2), 6))
