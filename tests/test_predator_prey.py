"""Predator-prey: shapes, freezing on the prey, success and termination, observation layout."""

import numpy as np
import pytest

from marl_course.envs.predator_prey import PredatorPrey


def test_shapes_and_timeout():
    env = PredatorPrey(n_envs=4, n_predators=3, episode_length=2)
    obs, _, info = env.reset(seed=0)
    assert obs.shape == (4, 3, env.obs_dim)
    env.prey_pos[:] = [0, 0]
    env.predator_pos[:] = [4, 4]
    _, _, reward, done, _ = env.step(np.zeros((4, 3), dtype=int))
    assert reward.shape == (4, 3) and not done.any()
    np.testing.assert_allclose(reward, env.step_penalty)
    assert env.step(np.zeros((4, 3), dtype=int))[3].all()


def test_predators_freeze_on_the_prey_and_success_ends_the_world():
    env = PredatorPrey(n_envs=1, n_predators=2, size=5)
    env.reset(seed=0)
    env.prey_pos[:] = [[2, 2]]
    env.predator_pos[:] = [[[2, 1], [0, 2]]]
    _, _, reward, done, info = env.step(np.array([[4, 2]]))  # 0 steps onto the prey, 1 moves down
    np.testing.assert_allclose(reward, [[0.0, env.step_penalty]])
    assert not done[0] and not info["success"][0]
    env.step(np.array([[1, 2]]))  # 0 tries to leave: frozen; 1 arrives
    np.testing.assert_array_equal(env.predator_pos[0], [[2, 2], [2, 2]])
    assert env.done[0]
    _, _, reward, done, info = env.step(np.array([[1, 1]]))  # a finished world pays nothing
    assert info["success"][0] and done[0] and not info["active"][0]
    np.testing.assert_allclose(reward, 0.0)


def test_observation_shows_the_prey_only_within_vision():
    env = PredatorPrey(n_envs=1, n_predators=2, size=5, vision=1)
    env.reset(seed=0)
    env.prey_pos[:] = [[2, 2]]
    env.predator_pos[:] = [[[1, 1], [4, 4]]]
    obs = env.observe()[0]
    np.testing.assert_allclose(obs[0], [0.25, 0.25, 1.0, 0.2, 0.2])
    np.testing.assert_allclose(obs[1], [1.0, 1.0, 0.0, 0.0, 0.0])


def test_same_seed_same_world_and_validation():
    a, b = PredatorPrey(n_envs=3), PredatorPrey(n_envs=3)
    np.testing.assert_array_equal(a.reset(seed=4)[0], b.reset(seed=4)[0])
    with pytest.raises(ValueError, match="actions"):
        a.step(np.full((3, 3), 7))
    with pytest.raises(ValueError, match="vision"):
        PredatorPrey(vision=-1)


def test_predator_prey_reports_truncation_apart_from_success():
    env = PredatorPrey(n_envs=2, n_predators=1, size=3, episode_length=1)
    env.reset(seed=0)
    env.predator_pos[:] = [[[0, 0]], [[1, 0]]]
    env.prey_pos[:] = [[2, 2], [1, 1]]
    _, _, _, done, info = env.step(np.array([[0], [4]]))  # world 0 stays away, world 1 steps onto the prey
    assert done.tolist() == [True, True]
    assert info["truncated"].tolist() == [True, False] and info["success"].tolist() == [False, True]
