"""The jungle grid world: shapes, rules (food split, crowding), observation layout, the k-nearest graph."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.envs.jungle import MOVES, Jungle, k_nearest_adjacency


def test_shapes_and_episode_end():
    env = Jungle(n_envs=3, n_agents=4, view=1, episode_length=2)
    obs, info = env.reset(seed=0)
    assert obs.shape == (3, 4, env.obs_dim) and env.obs_dim == 20
    _, reward, done, _ = env.step(np.zeros((3, 4), dtype=int))
    assert reward.shape == (3, 4) and not done
    assert env.step(np.zeros((3, 4), dtype=int))[2]


def test_same_seed_same_episode():
    runs = []
    for _ in range(2):
        env = Jungle(n_envs=2)
        env.reset(seed=5)
        rng = np.random.default_rng(1)
        runs.append([env.step(rng.integers(0, 5, size=(2, 6)))[1] for _ in range(5)])
    np.testing.assert_array_equal(runs[0], runs[1])


def test_food_is_split_and_respawned_and_crowding_penalised():
    env = Jungle(n_envs=1, n_agents=3, n_food=1, size=5, collision_penalty=-0.1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[2, 1], [2, 3], [0, 0]]]
    env.food_pos[:] = [[[2, 2]]]
    # agents 0 and 1 step onto the food together: each gets 1/2 and the crowding penalty
    _, reward, _, info = env.step(np.array([[4, 3, 0]]))
    np.testing.assert_allclose(reward, [[0.5 - 0.1, 0.5 - 0.1, 0.0]])
    assert len(info["food_pos"][0]) == 1


def test_moves_are_clipped_at_the_border():
    env = Jungle(n_envs=1, n_agents=2, size=4, k=1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[0, 0], [3, 3]]]
    env.step(np.array([[1, 4]]))  # up from row 0, right from column 3
    np.testing.assert_array_equal(env.agent_pos[0], [[0, 0], [3, 3]])
    assert MOVES.shape == (Jungle.n_actions, 2)


def test_observation_layout():
    env = Jungle(n_envs=1, n_agents=2, n_food=1, size=5, view=1, k=1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[0, 0], [1, 1]]]
    env.food_pos[:] = [[[0, 1]]]
    obs = env.observe()[0, 0]
    np.testing.assert_allclose(obs[:2], [0, 0])
    food, others = obs[2:11].reshape(3, 3), obs[11:].reshape(3, 3)
    assert food[1, 2] == 1 and food.sum() == 1  # the food is one column to the right
    assert others[2, 2] == 1 and others.sum() == 1  # agent 1 diagonally below-right; oneself not counted


def test_bad_actions_rejected():
    env = Jungle(n_envs=1, n_agents=2, k=1)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="actions"):
        env.step(np.array([[0, 5]]))
    with pytest.raises(ValueError, match="actions"):
        env.step(np.zeros((2, 2), dtype=int))


def test_k_nearest_known_graph_and_validation():
    C = k_nearest_adjacency([[0, 0], [0, 1], [0, 3], [0, 7]], k=1)
    np.testing.assert_array_equal(C.astype(int), [[1, 1, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])
    with pytest.raises(ValueError, match="k"):
        k_nearest_adjacency([[0, 0], [1, 1]], k=2)
    with pytest.raises(ValueError, match="positions"):
        k_nearest_adjacency([[0, 0, 0]], k=0)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 8), st.data())
def test_k_nearest_rows_have_self_and_k_neighbours(n, data):
    k = data.draw(st.integers(0, n - 1))
    positions = np.random.default_rng(n * 10 + k).uniform(0, 5, size=(3, n, 2))
    C = k_nearest_adjacency(positions, k)
    assert C.shape == (3, n, n)
    assert np.all(C.sum(-1) == k + 1)
    assert np.all(C[:, np.arange(n), np.arange(n)])
    # every neighbour is at least as close as every non-neighbour
    d = np.linalg.norm(positions[:, :, None] - positions[:, None], axis=-1)
    for e in range(3):
        for i in range(n):
            if k < n - 1:
                assert d[e, i][C[e, i]].max() <= d[e, i][~C[e, i]].min()
