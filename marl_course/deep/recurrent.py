"""The recurrent agent network of QMIX: a DRQN fed ``o_{i,t}``, the last action ``a_{i,t-1}`` and the agent id.

All agents share one network (parameter sharing); the agent id one-hot lets it still behave
differently per agent. The GRU's hidden state summarises the action-observation history
``tau_i = (a_{i,0}, o_{i,1}, ..., a_{i,t-1}, o_{i,t})``, so ``Q_i(tau_i, a_i)`` is a function of the
history, not of the unobserved state (Dec-POMDP).

References
----------
Hausknecht and Stone (2015), DRQN; Rashid et al. (2018), QMIX, Figure 2(c).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from marl_course._validation import check_int
from marl_course.deep.common import check_rank, check_size


def agent_inputs(obs: torch.Tensor, last_actions: torch.Tensor, n_actions: int) -> torch.Tensor:
    """Concatenate ``[o_{i,t}, onehot(a_{i,t-1}), onehot(i)]`` for every agent.

    Parameters
    ----------
    obs : torch.Tensor, shape (batch, n_agents, obs_dim)
    last_actions : torch.LongTensor, shape (batch, n_agents)
        The previous action; ``-1`` at the first step (encoded as all zeros).
    n_actions : int

    Returns
    -------
    torch.Tensor, shape (batch, n_agents, obs_dim + n_actions + n_agents)

    Examples
    --------
    >>> x = agent_inputs(torch.zeros(1, 2, 3), torch.tensor([[-1, 1]]), n_actions=2)
    >>> x[0].tolist()
    [[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0]]
    """
    check_rank(obs, "obs", 3, "(batch, n_agents, obs_dim)")
    check_rank(last_actions, "last_actions", 2, "(batch, n_agents)")
    if tuple(last_actions.shape) != tuple(obs.shape[:2]):
        raise ValueError(f"last_actions must have shape (batch, n_agents) = {tuple(obs.shape[:2])}, "
                         f"got {tuple(last_actions.shape)}")
    n_actions = check_int(n_actions, "n_actions", low=1)
    if last_actions.numel() and (int(last_actions.min()) < -1 or int(last_actions.max()) >= n_actions):
        raise ValueError(f"last_actions must be in [-1, n_actions) with n_actions = {n_actions}")
    batch, n_agents, _ = obs.shape
    last = F.one_hot(last_actions.clamp(min=0), n_actions).float() * (last_actions >= 0).unsqueeze(-1)
    ids = torch.eye(n_agents).expand(batch, n_agents, n_agents)
    return torch.cat([obs.float(), last, ids], dim=-1)


class RecurrentAgent(nn.Module):
    """``Q_i(tau_i, .)``: linear + ReLU -> GRU cell -> linear to one value per action, shared by all agents.

    Parameters
    ----------
    obs_dim, n_actions, n_agents : int
        Sizes of ``o_i``, of the action set and of the team (for the input width).
    hidden_dim : int
        Width of the GRU hidden state (QMIX paper: 64).

    Examples
    --------
    >>> net = RecurrentAgent(obs_dim=3, n_actions=2, n_agents=2, hidden_dim=8)
    >>> h = net.initial_hidden(batch=4)
    >>> q, h = net(torch.zeros(4, 2, 3), torch.full((4, 2), -1), h)
    >>> q.shape, h.shape
    (torch.Size([4, 2, 2]), torch.Size([4, 2, 8]))
    """

    def __init__(self, obs_dim: int, n_actions: int, n_agents: int, hidden_dim: int = 64):
        super().__init__()
        self.n_actions = check_int(n_actions, "n_actions", low=1)
        self.n_agents = check_int(n_agents, "n_agents", low=1)
        self.hidden_dim = check_int(hidden_dim, "hidden_dim", low=1)
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        in_dim = self.obs_dim + self.n_actions + self.n_agents
        self.encoder = nn.Linear(in_dim, self.hidden_dim)
        self.gru = nn.GRUCell(self.hidden_dim, self.hidden_dim)
        self.head = nn.Linear(self.hidden_dim, self.n_actions)

    def initial_hidden(self, batch: int) -> torch.Tensor:
        """Zero hidden states, shape ``(batch, n_agents, hidden_dim)``."""
        batch = check_int(batch, "batch", low=1)
        return torch.zeros(batch, self.n_agents, self.hidden_dim)

    def forward(self, obs: torch.Tensor, last_actions: torch.Tensor, hidden: torch.Tensor):
        """One step for every agent: returns ``(q, hidden)``, ``q`` of shape (batch, n_agents, n_actions)."""
        check_rank(obs, "obs", 3, "(batch, n_agents, obs_dim)")
        check_size(obs, "obs", 1, self.n_agents, "n_agents")
        check_size(obs, "obs", 2, self.obs_dim, "obs_dim")
        check_rank(hidden, "hidden", 3, "(batch, n_agents, hidden_dim)")
        if tuple(hidden.shape) != (obs.shape[0], self.n_agents, self.hidden_dim):
            raise ValueError(f"hidden must have shape (batch, n_agents, hidden_dim) = "
                             f"{(obs.shape[0], self.n_agents, self.hidden_dim)}, got {tuple(hidden.shape)}")
        batch = obs.shape[0]
        x = agent_inputs(obs, last_actions, self.n_actions)  # (batch, n_agents, in_dim)
        x = F.relu(self.encoder(x)).reshape(batch * self.n_agents, -1)  # agents share weights: fold into batch
        h = self.gru(x, hidden.reshape(batch * self.n_agents, -1))  # (batch * n_agents, hidden_dim)
        q = self.head(h)  # (batch * n_agents, n_actions)
        return q.reshape(batch, self.n_agents, -1), h.reshape(batch, self.n_agents, -1)

    def unroll(self, obs: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """Q-values along whole episodes: ``obs`` (batch, T + 1, n_agents, obs_dim), ``actions`` (batch, T, n_agents).

        The last action fed at step ``t`` is ``actions[:, t - 1]`` (none at ``t = 0``). Returns
        ``(batch, T + 1, n_agents, n_actions)``.
        """
        check_rank(obs, "obs", 4, "(batch, T + 1, n_agents, obs_dim)")
        check_rank(actions, "actions", 3, "(batch, T, n_agents)")
        if tuple(actions.shape) != (obs.shape[0], obs.shape[1] - 1, obs.shape[2]):
            raise ValueError(f"actions must have shape (batch, T, n_agents) = {(obs.shape[0], obs.shape[1] - 1, obs.shape[2])} "
                             f"for obs of shape {tuple(obs.shape)}, got {tuple(actions.shape)}")
        batch, steps = obs.shape[:2]
        last = torch.cat([torch.full((batch, 1, obs.shape[2]), -1), actions.long()], dim=1)  # (batch, T + 1, n_agents)
        hidden = self.initial_hidden(batch)
        qs = []
        for t in range(steps):
            q, hidden = self(obs[:, t], last[:, t], hidden)
            qs.append(q)
        return torch.stack(qs, dim=1)
