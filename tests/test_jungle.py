"""The jungle grid world: shapes, rules (eating within reach, static food, crowding), scouts and foragers,
observation layout, the k-nearest graph."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.envs.jungle import MOVES, Jungle, k_nearest_adjacency


def test_shapes_and_episode_end():
    env = Jungle(n_envs=3, n_agents=4, view=1, k=2, episode_length=2)
    obs, state, info = env.reset(seed=0)
    assert obs.shape == (3, 4, env.obs_dim) and env.obs_dim == 15 and state.shape == (3, 2 * (4 + 1))
    _, _, reward, done, info = env.step(np.zeros((3, 4), dtype=int))
    assert reward.shape == (3, 4) and not done.any()
    _, state, _, done, info = env.step(np.zeros((3, 4), dtype=int))
    assert done.all() and not info["terminated"].any() and info["truncated"].all()  # a time limit, not a terminal state
    np.testing.assert_allclose(state.reshape(3, -1, 2), np.concatenate([env.agent_pos, env.food_pos], 1) / (env.size - 1))


def test_same_seed_same_episode():
    runs = []
    for _ in range(2):
        env = Jungle(n_envs=2)
        env.reset(seed=5)
        rng = np.random.default_rng(1)
        runs.append([env.step(rng.integers(0, 5, size=(2, env.n_agents)))[2] for _ in range(5)])
    np.testing.assert_array_equal(runs[0], runs[1])


def test_food_in_reach_pays_every_step_stays_put_and_crowding_penalised():
    env = Jungle(n_envs=1, n_agents=4, n_food=1, size=6, k=1, eat_radius=1, collision_penalty=-0.1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[2, 0], [2, 4], [0, 5], [5, 5]]]
    env.food_pos[:] = [[[2, 2]]]
    # agents 0 and 1 step next to the food (from both sides), agents 2 and 3 stay far away
    _, _, reward, _, info = env.step(np.array([[4, 3, 0, 0]]))
    np.testing.assert_allclose(reward, [[1.0, 1.0, 0.0, 0.0]])  # each eater gets the full +1, not a share
    np.testing.assert_array_equal(info["eating"], [[True, True, False, False]])
    # the food is not used up and does not move: staying keeps paying
    _, _, reward, _, info = env.step(np.array([[0, 0, 0, 0]]))
    np.testing.assert_allclose(reward, [[1.0, 1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(info["food_pos"], [[[2, 2]]])
    # both step onto the food's cell: still eating, but crowded
    _, _, reward, _, _ = env.step(np.array([[4, 3, 0, 0]]))
    np.testing.assert_allclose(reward, [[1.0 - 0.1, 1.0 - 0.1, 0.0, 0.0]])


def test_reach_is_chebyshev_and_one_meal_per_step():
    env = Jungle(n_envs=1, n_agents=3, n_food=2, size=7, k=1, eat_radius=1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[3, 3], [5, 5], [0, 6]]]
    env.food_pos[:] = [[[4, 4], [2, 2]]]  # both diagonal to agent 0; diagonal to agent 1 at distance 1 only for (4, 4)
    np.testing.assert_array_equal(env.eating(), [[True, True, False]])
    _, _, reward, _, _ = env.step(np.zeros((1, 3), dtype=int))
    np.testing.assert_allclose(reward, [[1.0, 1.0, 0.0]])  # two sources in reach still pay +1


def test_random_policy_eats_rarely_so_information_matters():
    # with view = reach = 1, an agent sees food only once it eats; random walkers eat a small fraction of steps
    env = Jungle(n_envs=64, n_scouts=0)
    env.reset(seed=3)
    rng = np.random.default_rng(0)
    fractions = [env.step(rng.integers(0, env.n_actions, size=(64, env.n_agents)))[4]["eating"].mean()
                 for _ in range(env.episode_length)]
    assert 0.05 < np.mean(fractions) < 0.3


def test_moves_are_clipped_at_the_border():
    env = Jungle(n_envs=1, n_agents=2, size=4, k=1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[0, 0], [3, 3]]]
    env.step(np.array([[1, 4]]))  # up from row 0, right from column 3
    np.testing.assert_array_equal(env.agent_pos[0], [[0, 0], [3, 3]])
    assert MOVES.shape == (Jungle.n_actions, 2)


def test_observation_layout():
    env = Jungle(n_envs=1, n_agents=3, n_scouts=1, n_food=1, size=5, view=1, k=1)
    env.reset(seed=0)
    env.agent_pos[:] = [[[4, 4], [0, 0], [1, 1]]]
    env.food_pos[:] = [[[0, 1]]]
    obs = env.observe()[0]
    # the scout (agent 0) sees the food across the grid: offset (-4, -3) / (size - 1)
    np.testing.assert_allclose(obs[0, :6], [1, 1, 1, 1, -1, -0.75])
    # forager 1 sees the food one column to its right; agent 2 is diagonally below-right; oneself not counted
    np.testing.assert_allclose(obs[1, :6], [0, 0, 0, 1, 0, 0.25])
    others = obs[1, 6:].reshape(3, 3)
    assert others[2, 2] == 1 and others.sum() == 1
    # forager 2 is within reach too (Chebyshev 1): it sees the food, offset (-1, 0)
    np.testing.assert_allclose(obs[2, 2:6], [0, 1, -0.25, 0])
    env.agent_pos[:] = [[[4, 4], [4, 0], [1, 1]]]  # forager 1 moves out of view
    np.testing.assert_allclose(env.observe()[0, 1, 2:6], [0, 0, 0, 0])
    np.testing.assert_array_equal(env.informed(), [[True, False, True]])


def test_scouts_always_know_foragers_only_near_food():
    env = Jungle(n_envs=32, n_agents=8, n_scouts=3, size=12)
    _, _, info = env.reset(seed=1)
    assert info["informed"][:, :3].all()  # scouts see the whole grid
    distance = np.abs(env.agent_pos[:, 3:, None] - env.food_pos[:, None]).max(-1).min(-1)  # foragers to nearest food
    np.testing.assert_array_equal(info["informed"][:, 3:], distance <= env.view)
    limited = Jungle(n_envs=32, n_agents=8, n_scouts=3, size=12, scout_view=2)
    _, _, info = limited.reset(seed=1)
    distance = np.abs(limited.agent_pos[:, :3, None] - limited.food_pos[:, None]).max(-1).min(-1)
    np.testing.assert_array_equal(info["informed"][:, :3], distance <= 2)
    with pytest.raises(ValueError, match="n_scouts"):
        Jungle(n_agents=4, n_scouts=5)
    with pytest.raises(ValueError, match="scout_view"):
        Jungle(scout_view=-1)


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


def test_random_policy_return_is_eating_minus_crowding_of_random_walkers():
    from marl_course.envs.jungle import random_policy_return

    env = Jungle(n_envs=16, n_scouts=0)
    r = random_policy_return(env, n_episodes=4, seed=0)
    assert r == random_policy_return(Jungle(n_envs=16, n_scouts=0), n_episodes=4, seed=0)  # seeded
    # a random walker eats on 5-30 % of the 25 steps (test above); the crowding penalty is small
    assert 0.05 * env.episode_length - 1 < r < 0.3 * env.episode_length
    with pytest.raises(ValueError, match="n_episodes"):
        random_policy_return(env, n_episodes=0)
