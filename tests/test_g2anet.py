"""G2ANet / GA-Comm: hard edges are 0/1 with straight-through gradients, masking, equivariance, training."""

import numpy as np
import pytest
import torch

from marl_course.deep.g2anet import GAComm, GACommConfig, evaluate, load, record_episode, reinforce_loss, save, train
from marl_course.envs.predator_prey import PredatorPrey

torch.set_num_threads(1)  # tiny networks: one thread avoids spin-waiting on a shared CPU


def _net(communication="hard+soft", seed=0):
    torch.manual_seed(seed)
    return GAComm(obs_dim=5, n_actions=5, config=GACommConfig(hidden=8, communication=communication))


def test_hard_edges_are_binary_with_zero_diagonal_and_carry_gradients():
    net = _net()
    h = torch.randn(6, 4, 8, requires_grad=True)
    edge = net.hard_attention(h)
    assert set(edge.unique().tolist()) <= {0.0, 1.0}
    assert torch.all(torch.diagonal(edge, dim1=-2, dim2=-1) == 0)
    (edge * torch.randn(6, 4, 4)).sum().backward()  # straight-through: a 0/1 forward, softmax gradients back
    assert h.grad is not None and h.grad.abs().sum() > 0
    assert net.edge.weight.grad.abs().sum() > 0


def test_message_uses_only_kept_edges_and_soft_weights_sum_to_one():
    net = _net()
    obs = torch.randn(16, 4, 5)
    _, _, _, hard, weights = net(obs)
    assert torch.all(weights[hard == 0] == 0)
    # W_s is a distribution over j != i, so the kept weights never sum above 1
    assert torch.all(weights.sum(-1) <= 1 + 1e-6)
    soft_net = _net("soft")
    _, _, _, hard_all, weights_all = soft_net(obs)
    torch.testing.assert_close(hard_all, (~torch.eye(4, dtype=torch.bool)).float().expand(16, 4, 4))
    torch.testing.assert_close(weights_all.sum(-1), torch.ones(16, 4))


def test_without_communication_an_agent_ignores_the_others():
    net = _net("none")
    obs = torch.randn(3, 4, 5)
    changed = obs.clone()
    changed[:, 1:] += 3.0
    torch.testing.assert_close(net(obs)[0][:, 0], net(changed)[0][:, 0])
    ga = _net()
    ga.eval()
    assert not torch.allclose(ga(obs)[0][:, 0], ga(changed)[0][:, 0])


@pytest.mark.parametrize("communication", ["soft", "none"])
def test_permutation_equivariance_without_hard_attention(communication):
    # hard attention's Bi-LSTM reads the other agents in index order (as in the paper), so only the
    # soft-attention and no-communication networks are exactly equivariant
    net = _net(communication)
    obs = torch.randn(5, 4, 5)
    perm = torch.tensor([2, 0, 3, 1])
    logits, value, _, _, weights = net(obs)
    logits_p, value_p, _, _, weights_p = net(obs[:, perm])
    torch.testing.assert_close(logits_p, logits[:, perm], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(value_p, value[:, perm], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(weights_p, weights[:, perm][:, :, perm], atol=1e-6, rtol=1e-6)


def test_reinforce_loss_gradient_points_towards_rewarded_actions():
    # two worlds: action 0 taken in world 0 earns 1, action 1 taken in world 1 earns 0
    logits = torch.zeros(1, 2, 1, 2, requires_grad=True)  # (T, E, N, n_actions)
    dist = torch.distributions.Categorical(logits=logits)
    action = torch.tensor([[[0], [1]]])
    batch = dict(log_prob=dist.log_prob(action), entropy=dist.entropy(), value=torch.zeros(1, 2, 1),
                 reward=torch.tensor([[[1.0], [0.0]]]), active=torch.ones(1, 2, 1))
    reinforce_loss(batch, gamma=1.0, value_coef=0.0, entropy_coef=0.0).backward()
    grad = logits.grad[0, :, 0]
    assert grad[0, 0] < 0 < grad[0, 1]  # gradient descent raises the rewarded action ...
    assert grad[1, 1] > 0 > grad[1, 0]  # ... and lowers the one with the lower return
    inactive = dict(batch, active=torch.zeros(1, 2, 1))
    assert reinforce_loss(inactive, 1.0, 1.0, 0.0).item() == 0.0


def test_training_is_seeded_and_save_load_round_trips(tmp_path):
    env = PredatorPrey(n_envs=4, episode_length=4)
    config = GACommConfig(n_updates=2, hidden=8)
    a, b = (train(env, config, seed=3, progress=False) for _ in range(2))
    assert a.loss == b.loss
    np.testing.assert_array_equal(a.success_rate, b.success_rate)
    save(a.model, tmp_path / "g2a.pt")
    fresh = load(GAComm(env.obs_dim, env.n_actions, config), tmp_path / "g2a.pt")
    assert evaluate(fresh, env, seed=1) == evaluate(a.model, env, seed=1)
    frames = record_episode(a.model, PredatorPrey(n_envs=1, episode_length=4), seed=2)
    assert 1 <= len(frames) <= 4 and frames[0]["hard"].shape == (3, 3)


def test_bad_communication_rejected():
    with pytest.raises(ValueError, match="communication"):
        GAComm(5, 5, GACommConfig(communication="all"))


@pytest.mark.slow
def test_ga_comm_beats_no_communication():
    env = PredatorPrey()
    ga = train(env, GACommConfig(), seed=0, progress=False)
    none = train(env, GACommConfig(communication="none"), seed=0, progress=False)
    assert evaluate(ga.model, env, n_episodes=4, seed=5) > evaluate(none.model, env, n_episodes=4, seed=5)


def test_graph_drawing_and_explorer_headless():
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from marl_course.viz.ch10 import draw_graph_frame, explore_graph

    frame = {"predator_pos": np.array([[0, 0], [0, 0], [3, 3]]), "prey_pos": np.array([2, 2]),
             "hard": np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
             "weights": np.array([[0.0, 0.6, 0.4], [0.0, 0.0, 0.0], [0.5, 0.0, 0.0]])}
    ax = draw_graph_frame(frame, size=5)
    arrows = [t for t in ax.texts if t.arrow_patch is not None]
    assert len(arrows) == 3  # one per kept edge
    assert ax.get_title() == "edges kept by hard attention: 3 of 6"
    assert isinstance(explore_graph([frame, frame], size=5), widgets.interactive)
    plt.close("all")
