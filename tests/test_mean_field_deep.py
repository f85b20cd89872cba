"""Neural MF-Q, MF-AC and IQL on the battle grid: shapes, targets, seeding, save/load, learning."""

import numpy as np
import pytest
import torch

from marl_course.deep.mean_field import MeanFieldAgent, MeanFieldConfig, battle_outcome, evaluate, load, mean_field_loss, save, train
from marl_course.envs.battle_grid import BattleGrid

SMALL = dict(size=8, n_agents=4, max_steps=10)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Small MLPs: intra-op threads only add overhead (and burn CPU on a shared machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("algorithm, in_dim", [("iql", 7), ("mfq", 10), ("mfac", 10)])
def test_only_mean_field_learners_see_the_mean_action(algorithm, in_dim):
    agent = MeanFieldAgent(obs_dim=7, n_actions=3, config=MeanFieldConfig(algorithm))
    assert agent.critic[0].in_features == in_dim
    assert (agent.actor is not None) == (algorithm == "mfac")
    pi = agent.policy(torch.randn(5, 7), torch.full((5, 3), 1 / 3), beta=2.0)
    assert pi.shape == (5, 3) and torch.allclose(pi.sum(dim=1), torch.ones(5))


def _batch(n=6, obs_dim=7, n_actions=3, terminal=0.0):
    g = torch.Generator().manual_seed(0)
    return {"obs": torch.randn(n, obs_dim, generator=g), "mean_action": torch.full((n, n_actions), 1 / n_actions),
            "action": torch.zeros(n, dtype=torch.long), "reward": torch.ones(n),
            "next_obs": torch.randn(n, obs_dim, generator=g),
            "next_mean_action": torch.full((n, n_actions), 1 / n_actions), "terminal": torch.full((n,), terminal)}


def _loss(agent, batch, beta):
    return float(mean_field_loss(agent, batch, beta).detach())


def test_mf_q_target_uses_the_boltzmann_value_and_iql_the_max():
    """With the same weights, the MF value sum_a pi(a) Q(a) <= max_a Q(a): MF-Q's TD target is
    lower than IQL's unless beta is large (then they coincide)."""
    batch = _batch()
    mfq, iql = (MeanFieldAgent(7, 3, MeanFieldConfig(a, gamma=0.9)) for a in ("mfq", "iql"))
    with torch.no_grad():
        for agent in (mfq, iql):
            for p in agent.parameters():
                p.zero_()
            agent.target[-1].bias.copy_(torch.tensor([0.0, 1.0, 3.0]))   # Q'(s', .) = (0, 1, 3)
    assert np.isclose(_loss(iql, batch, 1.0), 1 + 0.9 * 3 - 0.5, atol=1e-6)       # max_a Q' = 3
    # Q(s, a) = 0; smooth L1 of (target - 0) with target = 1 + 0.9 v; v = pi . (0, 1, 3)
    pi = torch.softmax(torch.tensor([0.0, 1.0, 3.0]), dim=0)
    v = float((pi * torch.tensor([0.0, 1.0, 3.0])).sum())
    assert np.isclose(_loss(mfq, batch, 1.0), 1 + 0.9 * v - 0.5, atol=1e-6)
    assert np.isclose(_loss(mfq, batch, 200.0), 1 + 0.9 * 3 - 0.5, atol=1e-5)
    terminal = _batch(terminal=1.0)
    assert np.isclose(_loss(mfq, terminal, 1.0), 0.5, atol=1e-6)   # no bootstrap


def test_seeded_regression_and_save_load(tmp_path):
    env = BattleGrid(**SMALL)
    a = train(env, MeanFieldConfig("mfq", n_episodes=3, batch_size=16), seed=3, progress=False)
    b = train(env, MeanFieldConfig("mfq", n_episodes=3, batch_size=16), seed=3, progress=False)
    assert a.train_return == b.train_return and len(a.metrics["blue_killed"]) == 3
    save(a.model, tmp_path / "mfq.pt")
    fresh = load(MeanFieldAgent(env.obs_dim, env.n_actions, a.model.config), tmp_path / "mfq.pt")
    assert evaluate(fresh, env, n_episodes=2, seed=1) == evaluate(a.model, env, n_episodes=2, seed=1)


def test_bad_config_is_named():
    with pytest.raises(ValueError, match="algorithm"):
        MeanFieldAgent(3, 2, MeanFieldConfig("qmix"))
    with pytest.raises(ValueError, match="seed"):
        train(BattleGrid(**SMALL), MeanFieldConfig(n_episodes=1), seed=-1, progress=False)


def test_batched_battles_train_and_evaluate():
    env = BattleGrid(n_envs=3, **SMALL)
    history = train(env, MeanFieldConfig("mfac", n_episodes=2, batch_size=16), seed=0, progress=False)
    assert history.steps == [1, 2] and len(history.train_return) == 2 and history.loss
    assert all(0 <= k <= 1 for k in history.metrics["blue_killed"])
    outcome = battle_outcome(history.model, env, n_episodes=4, seed=1)  # two batches of 3, the last 2 dropped
    assert np.isfinite(outcome["mean_return"]) and 0 <= outcome["blue_killed"] <= 1


def test_replay_holds_acting_agents_only_and_bootstraps_at_truncation(monkeypatch):
    """Transitions come from the red agents alive in battles not yet over; terminal is 1 for an
    agent that died or whose battle was terminated, 0 for a survivor of a truncated battle."""
    from marl_course.deep import mean_field

    added = []

    class Spy(mean_field.ReplayBuffer):
        def add(self, **fields):
            added.append({k: np.asarray(v).copy() for k, v in fields.items()})
            super().add(**fields)

    monkeypatch.setattr(mean_field, "ReplayBuffer", Spy)
    env = BattleGrid(n_envs=4, size=8, n_agents=4, hp=1, max_steps=15)
    steps = []
    step = env.step

    def recording_step(actions):
        out = step(actions)
        steps.append((env._terminated.copy(), env._truncated.copy(), out[4]["alive"].copy()))
        return out

    monkeypatch.setattr(env, "step", recording_step)
    train(env, MeanFieldConfig("mfq", n_episodes=3, batch_size=8), seed=2, progress=False)
    assert len(added) == len(steps)
    acting = np.ones((4, 4), dtype=bool)
    saw = set()
    for (terminated, truncated, alive), fields in zip(steps, added):
        expected = (~alive | terminated[:, None])[acting]
        np.testing.assert_array_equal(fields["terminal"], expected.astype(np.float32))
        saw.update((bool(x), bool(y)) for x, y in zip(terminated, truncated))
        done = terminated | truncated
        acting = alive & ~done[:, None]
        if done.all():
            acting = np.ones((4, 4), dtype=bool)
    assert (False, True) in saw and (True, False) in saw   # both endings were met


def _random_return(env, n_episodes, seed):
    rng, returns = np.random.default_rng(seed), []
    for _ in range(n_episodes):
        env.reset(seed=int(rng.integers(2**31)))
        done, total = np.zeros(env.n_envs, dtype=bool), 0.0
        while not done.all():
            _, _, rewards, done, _ = env.step(rng.integers(0, env.n_actions, size=(env.n_envs, env.n_agents)))
            total += rewards.sum() / env.n_agents
        returns.append(total)
    return float(np.mean(returns))


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ["mfq", "mfac"])
def test_mean_field_learners_beat_random_soldiers(algorithm):
    # measured on seeds 0-4: returns 2.2-2.8 against random's -1.07, kill shares 0.92-0.99; all three seeds must pass
    env = BattleGrid()
    random_return = _random_return(env, 10, seed=100)
    for seed in (0, 1, 2):
        history = train(env, MeanFieldConfig(algorithm, n_episodes=40), seed=seed, progress=False)
        learned = battle_outcome(history.model, env, n_episodes=10, seed=100)
        assert learned["mean_return"] > random_return + 1.0, (seed, learned)
        assert learned["blue_killed"] > 0.5, (seed, learned)


@pytest.mark.slow
def test_mean_field_q_beats_independent_learners_when_the_mean_action_is_the_news():
    """Soldiers that see only their own cell: the neighbours' mean action tells MF-Q where the
    fight is, IQL has no such signal. Training return over the last 10 of 60 episodes, paired over
    seeds 0-5: the mean gap MF-Q - IQL must exceed 0.15. Measured: 0.59 +- 0.06 (s.e.) with this
    machine's AVX2 kernels, 0.46 +- 0.11 with the "portable" kernel setting of
    training_regressions.py, where seeds 0 and 1 alone gave gaps of only 0.04 and 0.22."""
    env = BattleGrid(size=12, n_agents=16, view=0, mean_radius=2)
    late = {algorithm: np.array([np.mean(train(env, MeanFieldConfig(algorithm, n_episodes=60), seed=s,
                                               progress=False).train_return[-10:]) for s in range(6)])
            for algorithm in ("iql", "mfq")}
    gap = late["mfq"] - late["iql"]
    assert gap.mean() > 0.15, gap
