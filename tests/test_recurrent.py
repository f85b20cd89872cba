"""The shared GRU agent: inputs, parameter sharing, memory of the history."""

import torch

from marl_course.deep.recurrent import RecurrentAgent, agent_inputs


def test_inputs_are_observation_last_action_and_id():
    x = agent_inputs(torch.ones(2, 3, 4), torch.tensor([[0, 2, -1], [1, 1, 1]]), n_actions=3)
    assert x.shape == (2, 3, 4 + 3 + 3)
    assert x[0, 0, 4:7].tolist() == [1, 0, 0] and x[0, 2, 4:7].tolist() == [0, 0, 0]
    assert torch.equal(x[1, :, 7:], torch.eye(3))


def test_parameters_are_shared_and_the_id_tells_agents_apart():
    torch.manual_seed(0)
    net = RecurrentAgent(obs_dim=2, n_actions=3, n_agents=2, hidden_dim=8)
    assert sum(p.numel() for p in net.parameters()) == sum(
        p.numel() for p in RecurrentAgent(2, 3, 1, 8).parameters()) + 8  # one more id input
    q, _ = net(torch.zeros(1, 2, 2), torch.full((1, 2), -1), net.initial_hidden(1))
    assert not torch.allclose(q[0, 0], q[0, 1])  # same observation, different id
    with torch.no_grad():
        net.encoder.weight[:, -2:] = 0  # blind it to the id: both agents now agree
    q, _ = net(torch.zeros(1, 2, 2), torch.full((1, 2), -1), net.initial_hidden(1))
    assert torch.allclose(q[0, 0], q[0, 1])


def test_unroll_equals_stepping_and_remembers_the_past():
    torch.manual_seed(1)
    net = RecurrentAgent(obs_dim=3, n_actions=2, n_agents=2, hidden_dim=16)
    obs = torch.randn(4, 5, 2, 3)
    actions = torch.randint(0, 2, (4, 4, 2))
    q = net.unroll(obs, actions)
    h, last = net.initial_hidden(4), torch.full((4, 2), -1)
    for t in range(5):
        q_t, h = net(obs[:, t], last, h)
        assert torch.allclose(q[:, t], q_t, atol=1e-6)
        last = actions[:, t] if t < 4 else last
    changed = obs.clone()
    changed[:, 0] += 1.0  # a different first observation changes the value at the last step
    assert not torch.allclose(net.unroll(changed, actions)[:, -1], q[:, -1])
