"""Predator-prey with distractors: the liars' claims, the identity entry, relevance, and the predators'
rewards, success and observations exactly as in the same world without liars."""

import numpy as np
import pytest

from marl_course.envs.predator_prey import PredatorPrey


def _scene(vision=1):
    env = PredatorPrey(n_envs=1, n_predators=3, size=5, vision=vision, n_distractors=2)
    env.reset(seed=0)
    env.prey_pos[:] = [[2, 2]]
    env.predator_pos[:] = [[[2, 1], [0, 0], [4, 4]]]
    env.decoy_pos[:] = [[4, 0]]
    env.distractor_pos[:] = [[[3, 0], [4, 1]]]
    return env


def test_liars_claim_the_decoy_in_the_form_of_a_sighting_and_carry_a_flag():
    env = _scene()
    obs = env.observe()
    assert env.n_agents == 5 and env.obs_dim == 6 and obs.shape == (1, 5, 6)
    np.testing.assert_allclose(obs[0, :3, 5], 0.0)  # predators
    np.testing.assert_allclose(obs[0, 3:, 5], 1.0)  # liars
    np.testing.assert_allclose(obs[0, 0, :5], [0.5, 0.25, 1.0, 0.0, 0.2])  # predator 0 sees the prey one cell right
    np.testing.assert_allclose(obs[0, 1, 2:5], 0.0)  # predator 1 sees nothing
    np.testing.assert_allclose(obs[0, 3, :5], [0.75, 0.0, 1.0, 0.2, 0.0])  # liar 0 "sees" the decoy one cell down
    np.testing.assert_allclose(obs[0, 4, :5], [1.0, 0.25, 1.0, 0.0, -0.2])
    # a claim is within vision, like a real sighting
    claims = obs[0, 3:, 3:5] * env.size
    assert np.abs(claims).max() <= env.vision


def test_reset_draws_a_decoy_other_than_the_prey_and_liars_near_it():
    env = PredatorPrey(n_envs=500, n_predators=3, size=5, vision=1, n_distractors=3)
    obs, state, info = env.reset(seed=3)
    assert not (env.decoy_pos == env.prey_pos).all(axis=1).any()
    assert (np.abs(env.distractor_pos - env.decoy_pos[:, None]).max(axis=-1) <= 1).all()
    assert ((env.distractor_pos >= 0) & (env.distractor_pos < 5)).all()
    np.testing.assert_allclose(obs[:, 3:, 2], 1.0)  # every liar claims a sighting at every step
    np.testing.assert_array_equal(info["decoy_pos"], env.decoy_pos)
    again = PredatorPrey(n_envs=500, n_predators=3, size=5, vision=1, n_distractors=3)
    np.testing.assert_array_equal(again.reset(seed=3)[0], obs)


def test_predators_play_exactly_the_world_without_liars():
    plain = PredatorPrey(n_envs=64, n_predators=3, size=5, vision=1, episode_length=8)
    liars = PredatorPrey(n_envs=64, n_predators=3, size=5, vision=1, episode_length=8, n_distractors=2)
    obs_p, state_p, _ = plain.reset(seed=7)
    obs_l, state_l, _ = liars.reset(seed=7)
    np.testing.assert_array_equal(obs_l[:, :3, :5], obs_p)
    np.testing.assert_array_equal(state_l, state_p)
    rng = np.random.default_rng(0)
    for _ in range(8):
        actions = rng.integers(0, 5, size=(64, 5))
        obs_p, state_p, reward_p, done_p, info_p = plain.step(actions[:, :3])
        obs_l, state_l, reward_l, done_l, info_l = liars.step(actions)  # the liars' actions do nothing
        np.testing.assert_array_equal(obs_l[:, :3, :5], obs_p)
        np.testing.assert_array_equal(reward_l[:, :3], reward_p)
        np.testing.assert_array_equal(reward_l[:, 3:], 0.0)
        np.testing.assert_array_equal(done_l, done_p)
        for key in ("success", "terminated", "truncated"):
            np.testing.assert_array_equal(info_l[key], info_p[key])
    np.testing.assert_array_equal(liars.controlled, [True, True, True, False, False])


def test_relevance_is_every_predator_pair_and_no_liar_edge():
    env = _scene()
    expected = np.zeros((5, 5), int)
    expected[:3, :3] = 1 - np.eye(3, dtype=int)
    np.testing.assert_array_equal(env.relevance(1)[0], expected)
    np.testing.assert_array_equal(env.relevance()[0], expected)
    env.done[:] = True  # a finished world has no relevant pair
    assert not env.relevance(1).any()
    assert not hasattr(PredatorPrey(n_envs=1), "relevance")  # the plain occupying task has none
    with pytest.raises(ValueError, match="horizon"):
        _scene().relevance(-1)


def test_default_world_is_unchanged():
    env = PredatorPrey(n_envs=2)
    obs, state, info = env.reset(seed=0)
    assert env.n_agents == 3 and env.obs_dim == 5 and env.n_distractors == 0 and obs.shape == (2, 3, 5)
    assert "decoy_pos" not in info


def test_bad_distractor_settings_name_the_parameter():
    with pytest.raises(ValueError, match="n_distractors"):
        PredatorPrey(n_distractors=-1)
    with pytest.raises(TypeError, match="n_distractors"):
        PredatorPrey(n_distractors=1.5)
    with pytest.raises(ValueError, match="n_distractors"):
        PredatorPrey(n_predators=3, n_prey=2, rule="capture", n_distractors=1)
