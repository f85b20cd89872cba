"""Predator-prey with coupled capture: the capture rule, the rewards, the removal of caught prey,
the ground-truth relevance on hand-built scenes, the observation of the nearest prey, and that the
default (occupying) task is unchanged."""

import numpy as np
import pytest

from marl_course.envs.predator_prey import PredatorPrey


def scene(predators, prey, *, size=8, **kw):
    env = PredatorPrey(n_envs=1, n_predators=len(predators), size=size, n_prey=len(prey), rule="capture",
                       step_penalty=kw.pop("step_penalty", 0.0), **kw)
    env.reset(seed=0)
    env.predator_pos[0] = predators
    env.prey_pos[0] = prey
    return env


def test_two_predators_in_range_capture_and_both_are_paid():
    env = scene([[2, 2], [4, 4], [7, 7]], [[3, 3], [0, 7]])
    _, _, reward, done, info = env.step(np.zeros((1, 3), dtype=int))  # 0 and 1 are diagonal to prey 0
    np.testing.assert_allclose(reward[0], [1.0, 1.0, 0.0])
    assert info["captured"][0].tolist() == [True, False] and info["prey_alive"][0].tolist() == [False, True]
    assert not done[0] and not info["success"][0]
    _, _, reward, _, _ = env.step(np.zeros((1, 3), dtype=int))  # a caught prey pays no more
    np.testing.assert_allclose(reward[0], 0.0)


def test_one_predator_alone_catches_nothing_and_distance_two_is_out_of_range():
    env = scene([[3, 3], [5, 5]], [[3, 3]])  # 0 on the prey, 1 at Chebyshev distance 2
    _, _, reward, _, info = env.step(np.zeros((1, 2), dtype=int))
    np.testing.assert_allclose(reward[0], 0.0)
    assert info["prey_alive"][0].all()
    _, _, reward, done, info = env.step(np.array([[0, 1]]))  # 1 moves up to (4, 5): distance 2 still
    assert info["prey_alive"][0].all()
    _, _, reward, done, info = env.step(np.array([[0, 3]]))  # 1 moves left to (4, 4): diagonal, in range
    np.testing.assert_allclose(reward[0], [1.0, 1.0])
    assert done[0] and info["success"][0] and not info["truncated"][0]  # every prey caught: terminal


def test_min_captors_three_and_step_penalty():
    env = scene([[1, 1], [1, 2], [6, 6]], [[1, 1]], min_captors=3, step_penalty=-0.1)
    _, _, reward, _, info = env.step(np.zeros((1, 3), dtype=int))
    np.testing.assert_allclose(reward[0], -0.1)
    assert info["prey_alive"][0].all()
    env.predator_pos[0, 2] = [2, 2]
    _, _, reward, _, _ = env.step(np.zeros((1, 3), dtype=int))
    np.testing.assert_allclose(reward[0], 0.9)


def test_a_captor_of_two_prey_at_once_gets_two_rewards():
    env = scene([[3, 3], [2, 2], [4, 4]], [[2, 3], [4, 3]])  # 0 is next to both, 1 to the first, 2 to the second
    _, _, reward, _, info = env.step(np.zeros((1, 3), dtype=int))
    np.testing.assert_allclose(reward[0], [2.0, 1.0, 1.0])
    assert info["success"][0]


def test_predators_do_not_freeze_and_time_limit_truncates():
    env = scene([[3, 3], [0, 0]], [[3, 3]], episode_length=2)
    env.step(np.array([[4, 0]]))
    assert env.predator_pos[0, 0].tolist() == [3, 4]  # it left the prey's cell
    _, _, _, done, info = env.step(np.zeros((1, 2), dtype=int))
    assert done[0] and info["truncated"][0] and not info["success"][0]


def test_relevance_on_a_hand_built_scene():
    # prey at (3, 3), capture range 1: the range is rows/cols 2-4; one move reaches it from distance 2 on one axis
    env = scene([[3, 5], [1, 3], [0, 0], [5, 5], [3, 3]], [[3, 3], [7, 0]])
    rel = env.relevance(1)[0]
    reach = {0, 1, 4}  # (5, 5) needs two moves (one per axis); (0, 0) is far
    expected = np.array([[i != j and i in reach and j in reach for j in range(5)] for i in range(5)])
    np.testing.assert_array_equal(rel, expected)
    np.testing.assert_array_equal(rel, rel.T)
    assert env.relevance(2)[0, 3, 4] and not env.relevance(0)[0, 0, 1]  # horizon 0: only those already in range
    assert env.relevance(0)[0].sum() == 0
    env.prey_alive[0, 0] = False  # a caught prey makes nobody relevant
    assert not env.relevance(1)[0].any()


def test_relevance_through_different_prey_does_not_link():
    env = scene([[0, 0], [7, 7]], [[0, 1], [7, 6]])  # each next to its own prey
    assert not env.relevance(1)[0].any()
    _, _, reward, _, info = env.step(np.zeros((1, 2), dtype=int))
    np.testing.assert_allclose(reward[0], 0.0)
    assert not info["relevance"][0].any()


def test_info_relevance_is_that_of_the_new_state():
    env = PredatorPrey(n_envs=16, n_predators=6, size=6, n_prey=3, rule="capture")
    obs, _, info = env.reset(seed=2)
    np.testing.assert_array_equal(info["relevance"], env.relevance(1))
    rng = np.random.default_rng(0)
    for _ in range(5):
        _, _, _, done, info = env.step(rng.integers(0, 5, size=(16, 6)))
        np.testing.assert_array_equal(info["relevance"], env.relevance(1))
        assert not info["relevance"][done].any()


def test_observation_shows_the_nearest_uncaught_prey():
    env = scene([[0, 0]], [[1, 1], [0, 2]], vision=2, min_captors=1)
    np.testing.assert_allclose(env.observe()[0, 0], [0.0, 0.0, 1.0, 1 / 8, 1 / 8])
    env.prey_alive[0, 0] = False
    np.testing.assert_allclose(env.observe()[0, 0], [0.0, 0.0, 1.0, 0.0, 2 / 8])
    env.prey_alive[0, 1] = False
    np.testing.assert_allclose(env.observe()[0, 0], [0.0, 0.0, 0.0, 0.0, 0.0])


def test_default_task_is_unchanged_and_bad_options_are_named():
    env = PredatorPrey(n_envs=2)
    obs, _, info = env.reset(seed=0)
    assert env.rule == "occupy" and env.prey_pos.shape == (2, 2) and "relevance" not in info
    with pytest.raises(ValueError, match="rule"):
        PredatorPrey(rule="hunt")
    with pytest.raises(ValueError, match="n_prey"):
        PredatorPrey(n_prey=2)
    with pytest.raises(ValueError, match="min_captors"):
        PredatorPrey(n_predators=3, rule="capture", min_captors=4)
    with pytest.raises(ValueError, match="capture_range"):
        PredatorPrey(rule="capture", capture_range=-1)
    with pytest.raises(ValueError, match="capture_reward"):
        PredatorPrey(rule="capture", capture_reward=-1.0)
    with pytest.raises(TypeError, match="n_prey"):
        PredatorPrey(rule="capture", n_prey=2.5)
    assert not hasattr(env, "relevance")  # the occupying task has no ground truth of who matters
    with pytest.raises(AttributeError, match="relevance"):
        env.relevance()
    with pytest.raises(ValueError, match="horizon"):
        PredatorPrey(rule="capture").relevance(-1)
