"""GA-AC on the coupled-capture predator-prey: capture_metrics replays the episodes it claims (greedy
or sampled), scores the critic's edges against the relevance of the state the critic saw, and the
training history records the fraction of prey caught."""

import numpy as np
import pytest
import torch

from marl_course.deep.g2anet_ac import (GAAC, GAACConfig, capture_metrics, greedy_actions, one_hot, sample_actions,
                                        train)
from marl_course.envs.predator_prey import PredatorPrey

torch.set_num_threads(1)


def coupled(n_envs=6, **kw):
    return PredatorPrey(n_envs=n_envs, n_predators=5, size=6, n_prey=2, vision=2, episode_length=8, rule="capture",
                        step_penalty=-0.01, **kw)


def model(communication="hard+soft", seed=0):
    torch.manual_seed(seed)
    return GAAC(5, 5, GAACConfig(hidden=8, communication=communication))


def replay(m, env, seed, greedy):
    """capture_metrics, written out plainly for one episode."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(int(rng.integers(2**31)))
    obs, _, info = env.reset(seed=int(rng.integers(2**31)))
    m.critic.eval()
    done, total = np.zeros(env.n_envs, bool), np.zeros((env.n_envs, env.n_agents))
    kept = relevant = both = pairs = 0
    while not done.all():
        actions = greedy_actions(m.actor, obs) if greedy else sample_actions(m.actor, obs)
        with torch.no_grad():
            hard = m.critic(torch.as_tensor(obs), one_hot(torch.as_tensor(actions), 5))[1].numpy() > 0
        for e in np.flatnonzero(~done):
            for i in range(env.n_agents):
                for j in range(env.n_agents):
                    if i != j:
                        pairs += 1
                        kept += hard[e, i, j]
                        relevant += info["relevance"][e, i, j]
                        both += hard[e, i, j] and info["relevance"][e, i, j]
        obs, _, reward, done, info = env.step(actions)
        total += reward
    m.critic.train()
    return {"capture_rate": 1 - info["prey_alive"].mean(), "return": total.mean(), "kept": kept / pairs,
            "relevant": relevant / pairs, "precision": both / kept if kept else np.nan,
            "recall": both / relevant if relevant else np.nan}


@pytest.mark.parametrize("greedy", [True, False])
def test_capture_metrics_is_the_plain_replay(greedy):
    m = model()
    scores = capture_metrics(m, coupled(), seed=5, greedy=greedy)
    expected = replay(m, coupled(), 5, greedy)
    for key, value in expected.items():
        np.testing.assert_allclose(scores[key], value, err_msg=key)
    assert m.critic.training  # restored


def test_soft_and_independent_critics_bound_the_edge_scores():
    soft = capture_metrics(model("soft"), coupled(n_envs=16), seed=1)
    assert soft["kept"] == 1.0 and soft["recall"] == 1.0 and soft["precision"] == soft["relevant"] > 0
    none = capture_metrics(model("none"), coupled(n_envs=16), seed=1)
    assert none["kept"] == 0.0 and np.isnan(none["precision"]) and none["recall"] == 0.0


def test_an_oracle_critic_that_keeps_exactly_the_relevant_edges_scores_one():
    env = coupled(n_envs=16)
    m = model("hard+soft")

    def oracle(obs, actions):  # the relevance of the state the critic is asked about
        n = obs.shape[1]
        return torch.zeros(obs.shape[0], n, 5), torch.as_tensor(env.relevance(1)).float(), torch.zeros(obs.shape[0], n, n)

    m.critic.forward = oracle
    scores = capture_metrics(m, env, seed=2)
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0 and scores["kept"] == scores["relevant"] > 0


def test_greedy_and_sampled_play_differently_and_bad_input_is_named():
    m = model()
    greedy, sampled = capture_metrics(m, coupled(n_envs=32), seed=0), capture_metrics(m, coupled(n_envs=32), seed=0,
                                                                                       greedy=False)
    assert greedy != sampled
    with pytest.raises((TypeError, ValueError), match="env"):
        capture_metrics(m, PredatorPrey(n_envs=2))
    with pytest.raises(TypeError, match="model"):
        capture_metrics("x", coupled())
    with pytest.raises(ValueError, match="n_episodes"):
        capture_metrics(m, coupled(), n_episodes=0)
    with pytest.raises(TypeError, match="greedy"):
        capture_metrics(m, coupled(), greedy="yes")
    with pytest.raises(TypeError, match="env"):
        capture_metrics(m, object())
    with pytest.raises(ValueError, match="obs"):
        greedy_actions(m.actor, np.zeros((3, 5), dtype=np.float32))


def test_training_on_coupled_capture_records_the_fraction_caught():
    hist = train(coupled(n_envs=4), GAACConfig(n_rounds=2, hidden=8, batch_size=16), seed=0, progress=False)
    assert len(hist.metrics["capture_rate"]) == 2
    assert all(0.0 <= c <= 1.0 for c in hist.metrics["capture_rate"])
    plain = train(PredatorPrey(n_envs=4, episode_length=4), GAACConfig(n_rounds=1, hidden=8, batch_size=16), seed=0,
                  progress=False)
    assert set(plain.metrics) == {"success_rate"}  # the default task's history is unchanged
