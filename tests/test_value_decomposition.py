"""IQL, VDN and QMIX: mixer properties, the TD target, seeding and the headline results."""

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.deep.value_decomposition import (
    Learner, NoMixer, QMixer, SumMixer, evaluate, greedy_joint_action, joint_q_table, load,
    VDConfig, make_mixer, monotonic_mix, run_episodes, save, train, two_step_q_tables,
)
from marl_course.envs.coordination_grid import CoordinationGrid
from marl_course.envs.nonmonotonic import OneStepTeamGame, best_additive_fit, climbing_game, penalty_game
from marl_course.envs.two_step import PAPER_Q_TOT, PAYOFF_2B, TwoStepGame


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_agents=st.integers(1, 5), scale=st.floats(0.1, 100.0))
def test_qmix_mixer_is_monotone(seed, n_agents, scale):
    torch.manual_seed(seed)
    mixer = QMixer(n_agents=n_agents, state_dim=4, embed_dim=8)
    q = (torch.randn(64, n_agents) * scale).requires_grad_(True)
    q_tot = mixer(q, torch.randn(64, 4) * scale)
    (grad,) = torch.autograd.grad(q_tot.sum(), q)
    assert torch.all(grad >= 0)  # dQ_tot / dQ_i >= 0 for every sample and agent


def test_monotonic_mix_needs_the_absolute_values():
    q = torch.randn(32, 3, requires_grad=True)
    w1, b1, w2 = -torch.rand(32, 3, 4), torch.zeros(32, 4), torch.rand(32, 4)
    (grad,) = torch.autograd.grad(monotonic_mix(q, w1, b1, w2, torch.zeros(32)).sum(), q)
    assert torch.all(grad >= 0)
    # the same mix without abs has negative slopes: the constraint is what makes it monotone
    raw = (torch.nn.functional.elu(torch.einsum("bn,bne->be", q, w1) + b1) * w2).sum(-1)
    (grad_raw,) = torch.autograd.grad(raw.sum(), q)
    assert torch.any(grad_raw < 0)


def test_vdn_is_the_sum_and_iql_is_untouched():
    q = torch.randn(3, 7, 4)
    assert torch.allclose(SumMixer()(q, None).squeeze(-1), q.sum(-1))
    assert torch.equal(NoMixer()(q, None), q)


@pytest.mark.parametrize("name", ["vdn", "qmix"])
@pytest.mark.parametrize("seed", range(5))
def test_argmax_of_q_tot_is_the_per_agent_argmax(name, seed):
    torch.manual_seed(seed)
    n_agents, n_actions = 3, 4
    mixer = make_mixer(name, n_agents, state_dim=2)
    q = torch.randn(n_agents, n_actions)
    joint = torch.tensor(list(itertools.product(range(n_actions), repeat=n_agents)))
    q_tot = mixer(q[torch.arange(n_agents), joint], torch.randn(1, 2).expand(len(joint), 2)).squeeze(-1)
    assert joint[q_tot.argmax()].tolist() == q.argmax(-1).tolist()


def test_make_mixer_and_config_validate():
    with pytest.raises(ValueError, match="mixer"):
        make_mixer("coma", 2, 2)
    with pytest.raises(ValueError, match="mixer"):
        VDConfig(mixer="sum")
    with pytest.raises(ValueError, match="gamma"):
        VDConfig(gamma=1.5)
    with pytest.raises(TypeError, match="batch_size"):
        VDConfig(batch_size=3.5)


def test_epsilon_schedule():
    cfg = VDConfig(epsilon_start=1.0, epsilon_end=0.1, epsilon_anneal_episodes=100)
    assert cfg.epsilon(0) == 1.0 and cfg.epsilon(50) == pytest.approx(0.55) and cfg.epsilon(1000) == pytest.approx(0.1)


def test_td_target_of_a_one_step_game_is_the_reward():
    # one-step episodes are terminal: y = r, so a VDN whose Q_1 + Q_2 equals R has zero loss
    torch.manual_seed(0)
    env = OneStepTeamGame(penalty_game(-5.0), n_envs=9)
    learner = Learner(env, VDConfig(mixer="vdn"))
    episodes = run_episodes(learner, env, epsilon=1.0, rng=np.random.default_rng(0))
    assert episodes["done"][:, 0].all() and episodes["filled"][:, 0].all()
    batch = {k: torch.as_tensor(v) for k, v in episodes.items()}
    q = learner.agent.unroll(batch["obs"], batch["actions"])[:, 0]  # (E, n, m)
    chosen = q.gather(-1, batch["actions"][:, 0].unsqueeze(-1)).squeeze(-1).sum(-1).detach()
    expected = float(((chosen - batch["reward"][:, 0]) ** 2).mean())
    assert float(learner.td_loss(batch).detach()) == pytest.approx(expected, rel=1e-5)


def test_episodes_are_masked_after_they_end():
    env = CoordinationGrid(n_envs=6, size=3, episode_limit=8)
    learner = Learner(env, VDConfig(mixer="iql"))
    episodes = run_episodes(learner, env, epsilon=1.0, rng=np.random.default_rng(2))
    filled, done, terminated = episodes["filled"], episodes["done"], episodes["terminated"]
    assert done.sum(axis=1).tolist() == [1] * 6  # exactly one final step per episode
    last = filled.sum(axis=1) - 1
    assert np.all(done[np.arange(6), last]) and np.all(episodes["reward"][~filled] == 0)
    # terminal only where the prey was caught; an episode that ran out of time is truncated
    caught = episodes["reward"][np.arange(6), last] == env.capture_reward
    assert np.all(terminated <= done) and np.array_equal(terminated[np.arange(6), last], caught)


def _truncation_batch(env, terminated):
    """Two identical one-step episodes, both cut after step 0; ``terminated`` says which ended for real."""
    torch.manual_seed(1)
    n, E = env.n_agents, 2
    obs = torch.rand(1, 2, n, env.obs_dim).expand(E, -1, -1, -1).clone()
    state = torch.rand(1, 2, env.state_dim).expand(E, -1, -1).clone()
    return {"obs": obs, "state": state, "actions": torch.zeros(E, 1, n, dtype=torch.long),
            "reward": torch.ones(E, 1), "done": torch.ones(E, 1, dtype=torch.bool),
            "terminated": torch.tensor(terminated).reshape(E, 1), "filled": torch.ones(E, 1, dtype=torch.bool)}


@pytest.mark.parametrize("name", ["vdn", "qmix"])
def test_truncated_step_bootstraps_and_terminal_step_does_not(name):
    # hand-built batch: episode 0 is cut by the time limit (truncated), episode 1 ends for real
    env = CoordinationGrid(n_envs=2, episode_limit=1)
    torch.manual_seed(0)
    learner = Learner(env, VDConfig(mixer=name, gamma=0.9))
    batch = _truncation_batch(env, [False, True])
    with torch.no_grad():
        q = learner.agent.unroll(batch["obs"], batch["actions"])  # (2, 2, n, m)
        chosen = q[:, 0].gather(-1, batch["actions"][:, 0].unsqueeze(-1)).squeeze(-1)  # (2, n)
        q_tot = learner.mixer(chosen, batch["state"][:, 0]).squeeze(-1)  # (2,)
        next_max = learner.target_agent.unroll(batch["obs"], batch["actions"])[:, 1].max(-1).values
        next_tot = learner.target_mixer(next_max, batch["state"][:, 1]).squeeze(-1)  # (2,)
    assert abs(float(next_tot[0])) > 1e-3  # the bootstrap term is visible
    y = torch.tensor([1.0 + 0.9 * float(next_tot[0]), 1.0])  # truncated: r + gamma Q_tot(s'); terminal: r
    expected = float(((q_tot - y) ** 2).mean())
    assert float(learner.td_loss(batch).detach()) == pytest.approx(expected, rel=1e-5)
    # behaviourally: the terminal episode ignores what follows, the truncated one does not
    def per_episode_loss(b):
        return [float(learner.td_loss({k: v[i:i + 1] for k, v in b.items()}).detach()) for i in range(2)]
    before = per_episode_loss(batch)
    moved = dict(batch, obs=batch["obs"].clone(), state=batch["state"].clone())
    moved["obs"][:, 1] += 1.0
    moved["state"][:, 1] += 1.0
    after = per_episode_loss(moved)
    assert after[1] == pytest.approx(before[1], rel=1e-6) and after[0] != pytest.approx(before[0], rel=1e-3)
    # and the ``done`` flag alone (a time-limit end) does not stop the bootstrap
    both_truncated = per_episode_loss(_truncation_batch(env, [False, False]))
    assert both_truncated[0] == pytest.approx(both_truncated[1], rel=1e-6)
    assert both_truncated[1] != pytest.approx(before[1], rel=1e-3)


# seeding: same seed, same run; a different seed, a different run (stored values: test_training_regressions.py)
@pytest.mark.parametrize("name", ["iql", "vdn", "qmix"])
def test_training_is_seeded(name):
    def run(seed):
        h = train(TwoStepGame(n_envs=8), VDConfig(mixer=name, n_episodes=160, test_every_episodes=80), seed=seed,
                  progress=False)
        return np.array(h.loss)
    a, b = run(0), run(0)
    assert np.array_equal(a, b) and not np.array_equal(a, run(1))


def test_save_and_load_round_trip(tmp_path):
    env = TwoStepGame(n_envs=4)
    trained = train(env, VDConfig(mixer="qmix", n_episodes=40), seed=0, progress=False).model
    save(trained, tmp_path / "qmix.pt")
    fresh = load(Learner(env, VDConfig(mixer="qmix")), tmp_path / "qmix.pt")
    for name, table in two_step_q_tables(trained).items():
        assert np.allclose(two_step_q_tables(fresh)[name], table)


# ---- the headline results


def paper_setting(name):
    """The QMIX paper's two-step setting: epsilon 1 throughout, 10,000 steps (5,000 episodes), gamma 0.99."""
    return VDConfig(mixer=name, n_episodes=5000, epsilon_end=1.0, buffer_size=5000, test_every_episodes=500)


# The two-step results below are single-seed: measured on seeds 0-2, QMIX reached 8 with its table
# within 0.03-0.05 of the paper's (the test allows 0.3), VDN reached 7 with its 2B table within
# 0.15-0.37 of the additive fit (the test allows 0.8) and preferred 2A on every seed.
@pytest.mark.slow
def test_two_step_qmix_reaches_eight_and_reproduces_the_paper_table():
    history = train(TwoStepGame(n_envs=8), paper_setting("qmix"), seed=0, progress=False)
    tables = two_step_q_tables(history.model)
    assert history.eval_return[-1] == 8
    for name in ("1", "2A", "2B"):
        assert np.abs(tables[name] - np.asarray(PAPER_Q_TOT["QMIX"][name])).max() < 0.3, name


@pytest.mark.slow
def test_two_step_vdn_settles_for_seven_with_its_additive_fit():
    history = train(TwoStepGame(n_envs=8), paper_setting("vdn"), seed=0, progress=False)
    tables = two_step_q_tables(history.model)
    fit, _ = best_additive_fit(PAYOFF_2B)
    assert history.eval_return[-1] == 7
    assert np.abs(tables["2B"] - fit).max() < 0.8  # near the least-squares additive fit, not the payoff
    assert tables["1"][0].max() > tables["1"][1].max()  # prefers 2A: 0.99 * 7 > 0.99 * 6.5


@pytest.mark.slow
@pytest.mark.parametrize("name", ["iql", "vdn", "qmix"])
def test_nonmonotonic_climbing_game_defeats_every_method(name):
    env = OneStepTeamGame(climbing_game(), n_envs=16)
    history = train(env, VDConfig(mixer=name, n_episodes=2000, epsilon_end=1.0), seed=0, progress=False)
    greedy = greedy_joint_action(history.model, env)
    optimum = np.unravel_index(np.argmax(climbing_game()), (3, 3))
    assert tuple(greedy) != tuple(optimum)
    assert climbing_game()[tuple(greedy)] < climbing_game().max()
    if name == "vdn":  # VDN's greedy action is the one its additive fit predicts
        assert greedy.tolist() == best_additive_fit(climbing_game())[1].tolist()


@pytest.mark.slow
def test_learning_beats_random_on_the_grid():
    env = CoordinationGrid(n_envs=32, size=4, episode_limit=15, sight=1)
    config = VDConfig(mixer="vdn", n_episodes=4000, gamma=0.95, epsilon_anneal_episodes=1300,
                    updates_per_rollout=2, test_every_episodes=1000)
    history = train(env, config, seed=0, progress=False)
    learner = history.model
    random_return = np.mean([
        run_episodes(learner, env, epsilon=1.0, rng=np.random.default_rng(s))["reward"].sum(axis=1).mean()
        for s in range(3)])
    greedy_return = np.mean([evaluate(learner, env, seed=s) for s in range(3)])
    assert greedy_return > random_return + 5.0


def test_joint_q_table_is_sum_for_vdn():
    env = TwoStepGame()
    learner = Learner(env, VDConfig(mixer="vdn"))
    obs = np.stack([np.eye(3)[0]] * 2)
    table = joint_q_table(learner, [obs], np.zeros((0, 2)), np.eye(3)[0])
    q = learner.agent.unroll(torch.as_tensor(obs[None, None], dtype=torch.float32),
                             torch.zeros(1, 0, 2, dtype=torch.long))[0, 0].detach().numpy()
    assert np.allclose(table, q[0][:, None] + q[1][None, :], atol=1e-6)


@pytest.mark.parametrize("epsilon", [1.0, 0.3])
def test_explorer_marks_the_fit_greedy_action(epsilon):
    import matplotlib.pyplot as plt

    from marl_course.envs.nonmonotonic import exploration_weights
    from marl_course.viz.ch07 import draw_fit_explorer
    fig = draw_fit_explorer("penalty", k=-50.0, epsilon=epsilon)
    _, greedy = best_additive_fit(penalty_game(-50.0), exploration_weights(3, epsilon))
    box = [p for p in fig.axes[1].patches if isinstance(p, plt.Rectangle)][-1]
    assert (box.get_y() + 0.5, box.get_x() + 0.5) == tuple(greedy.tolist())
    assert f"greedy pays {penalty_game(-50.0)[tuple(greedy)]:.0f}" in fig.axes[1].get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="game"):
        draw_fit_explorer("chicken")


def test_exploration_weights_are_a_joint_distribution():
    from marl_course.envs.nonmonotonic import exploration_weights
    w = exploration_weights(3, 0.4)
    assert w.sum() == pytest.approx(1.0) and w[0, 0] == pytest.approx((0.6 + 0.4 / 3) ** 2)
    with pytest.raises(ValueError, match="epsilon"):
        exploration_weights(3, 0.0)
