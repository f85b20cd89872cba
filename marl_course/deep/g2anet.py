"""G2ANet: game abstraction by two-stage graph attention (Liu et al. 2020), chapter 10: GA-Comm.

Every agent encodes its observation and keeps a recurrent state,
``h_i, s_i = LSTM(e(o_i), h_i', s_i')``. Then two attentions decide whom it listens to:

- **hard attention** cuts edges: for every other agent ``j`` the pair ``(h_i, h_j)`` goes through a
  bidirectional LSTM (run over ``j = 1..N`` both ways, so the edge to ``j`` does not depend on
  the order of the agents alone), a linear layer ``f`` and a Gumbel-softmax:
  ``W_h^{ij} = gum(f(Bi-LSTM(h_i, h_j)))`` in ``{0, 1}`` (straight-through: 0/1 forward,
  softmax gradients backward);
- **soft attention** weighs the kept edges: ``W_s^{ij} ∝ exp(e_j^T W_k^T W_q e_i W_h^{ij})``
  over ``j != i`` (with the scaled dot product ``/ sqrt(d)``);

and the message is ``x_i = sum_{j != i} W_h^{ij} W_s^{ij} h_j``. The policy is ``pi(a_i | h_i, x_i)``,
trained with REINFORCE and a learned baseline ``V(h_i, x_i)`` (an episode cut by the time limit
bootstraps from ``V``; on the traffic junction a new car starts with an empty memory and only the
cars on the road communicate). ``communication`` switches the
message: ``"hard+soft"`` (GA-Comm), ``"soft"`` (all edges kept: full soft-attention
communication) or ``"none"`` (``x_i = 0``: independent recurrent policies).

The two attentions form one module, :class:`TwoStageAttention`, which GA-AC's critic
(:mod:`marl_course.deep.g2anet_ac`) uses too.

References
----------
Liu, Wang, Hu, Hao, Chen, Gao (2020). Multi-Agent Game Abstraction via Graph Attention Neural Network. AAAI.
Williams (1992). Simple statistical gradient-following algorithms for connectionist reinforcement learning.
Jang, Gu, Poole (2017). Categorical reparameterization with Gumbel-softmax. ICLR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from marl_course._validation import check_bool, check_choice, check_instance, check_int, check_real
from marl_course.deep.common import History, check_env, check_rank, check_size, seed_everything, single_thread
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: g2anet.save, g2anet.load)
from marl_course.deep.graph_attention import EdgeScores, masked_softmax

COMMUNICATION = ("hard+soft", "soft", "none")
"""The message variants: GA-Comm, full soft-attention communication, no communication."""


@dataclass
class GACommConfig:
    """Hyperparameters of GA-Comm; defaults are the fast notebook setting (the paper's in brackets)."""

    hidden: int = 32
    """Feature size ``d`` of ``h_i`` (paper: 128 in traffic junction)."""
    communication: str = "hard+soft"
    """``"hard+soft"`` (GA-Comm), ``"soft"`` (every edge kept) or ``"none"`` (no message)."""
    gumbel_tau: float = 1.0
    """Temperature of the Gumbel-softmax in hard attention."""
    gamma: float = 0.99
    """Discount of the REINFORCE returns (paper: 1, undiscounted episodes)."""
    lr: float = 1e-2
    """Adam learning rate (paper: RMSProp 1e-3)."""
    n_updates: int = 100
    """Policy-gradient updates; each uses one batch of episodes from all ``n_envs`` worlds (paper: 2000 epochs)."""
    value_coef: float = 0.5
    """Weight of the baseline's squared error."""
    entropy_coef: float = 0.01
    """Weight of the entropy bonus."""

    def __post_init__(self):
        check_int(self.hidden, "hidden", low=1)
        check_int(self.n_updates, "n_updates", low=1)
        check_choice(self.communication, "communication", COMMUNICATION)
        check_real(self.gumbel_tau, "gumbel_tau", low=0, low_open=True)
        check_real(self.gamma, "gamma", low=0, high=1)
        check_real(self.lr, "lr", low=0, low_open=True)
        check_real(self.value_coef, "value_coef", low=0)
        check_real(self.entropy_coef, "entropy_coef", low=0)


def _check_edges(hard, scores) -> None:
    if hard.ndim < 2 or hard.shape[-1] != hard.shape[-2]:
        raise ValueError(f"hard must have shape (..., N, N), got {tuple(hard.shape)}")
    if scores.shape != hard.shape:
        raise ValueError(f"scores must have the shape of hard {tuple(hard.shape)}, got {tuple(scores.shape)}")


def two_stage_weights(hard: torch.Tensor, scores: torch.Tensor, present: torch.Tensor | None = None) -> torch.Tensor:
    """The final edge weights ``W_h^{ij} W_s^{ij}`` from hard edges and soft-attention scores.

    ``W_s^{ij} = exp(score_ij W_h^{ij}) / sum_{k != i} exp(score_ik W_h^{ik})`` (the article's
    ``W_s^{ij} ∝ exp(e_j^T W_k^T W_q e_i W_h^{ij})``), so a cut edge enters the normalisation with
    logit 0 and is then zeroed by ``W_h``; the message is ``x_i = sum_j (W_h W_s)_{ij} h_j``.
    With ``present`` (which agents exist, e.g. the cars on the road) the sums run over present
    ``k != i`` only, and a row or column of an absent agent is 0.

    Parameters
    ----------
    hard : torch.Tensor, shape (..., N, N)
        ``W_h`` in {0, 1} (the diagonal is ignored).
    scores : torch.Tensor, shape (..., N, N)
        ``q_i . k_j / sqrt(d)``.
    present : torch.Tensor of bool, shape (..., N), optional
        The agents that exist (default: all).

    Examples
    --------
    >>> hard = torch.tensor([[0., 1., 0.], [1., 0., 1.], [0., 0., 0.]])
    >>> two_stage_weights(hard, torch.zeros(3, 3))
    tensor([[0.0000, 0.5000, 0.0000],
            [0.5000, 0.0000, 0.5000],
            [0.0000, 0.0000, 0.0000]])
    >>> two_stage_weights(torch.ones(3, 3), torch.zeros(3, 3), present=torch.tensor([True, True, False]))
    tensor([[0., 1., 0.],
            [1., 0., 0.],
            [0., 0., 0.]])
    """
    _check_edges(hard, scores)
    n = hard.shape[-1]
    allowed = ~torch.eye(n, dtype=torch.bool)  # j != i
    if present is not None:
        if tuple(present.shape) != tuple(hard.shape[:-1]):
            raise ValueError(f"present must have shape {tuple(hard.shape[:-1])} (hard without its last axis), "
                             f"got {tuple(present.shape)}")
        present = present.bool()
        allowed = allowed & present[..., :, None] & present[..., None, :]
    safe = allowed | ~allowed.any(-1, keepdim=True)  # a row with nobody to hear: any softmax, zeroed below
    return hard * allowed * masked_softmax(scores * hard, safe)  # W_h W_s, W_s over present j != i


def discounted_returns(rewards: torch.Tensor, gamma: float, continues: torch.Tensor | None = None,
                       bootstrap: torch.Tensor | None = None) -> torch.Tensor:
    """``G_t = r_t + gamma c_t G_{t+1}`` along the first (time) axis, with ``G_T = V_T`` (``bootstrap``).

    ``c_t`` (``continues``, 1 by default) is 1 when the same agent's episode goes on after step
    ``t`` and 0 when it ended there for good (a terminal state; a car that left the road); then
    nothing later is added to its return. An episode *cut by the time limit* is not terminal: keep
    ``c_{T-1} = 1`` and pass the value of the state reached, ``bootstrap = V(s_T)``, so
    ``G_{T-1} = r_{T-1} + gamma V(s_T)``. Without ``bootstrap`` (``V_T = 0``) and with ``c = 1`` this is
    ``G_t = sum_{t' >= t} gamma^{t' - t} r_{t'}``.

    Examples
    --------
    >>> discounted_returns(torch.tensor([1.0, 0.0, 2.0]), 0.5)
    tensor([1.5000, 1.0000, 2.0000])
    >>> discounted_returns(torch.tensor([1.0, 0.0, 2.0]), 0.5, bootstrap=torch.tensor(4.0))   # cut by the time limit
    tensor([2., 2., 4.])
    >>> discounted_returns(torch.tensor([1.0, 0.0, 2.0]), 0.5, continues=torch.tensor([1.0, 0.0, 1.0]))
    tensor([1., 0., 2.])
    """
    gamma = check_real(gamma, "gamma", low=0, high=1)
    if rewards.ndim < 1 or len(rewards) == 0:
        raise ValueError(f"rewards must have a non-empty time axis first, got shape {tuple(rewards.shape)}")
    if continues is None:
        continues = torch.ones_like(rewards)
    elif continues.shape != rewards.shape:
        raise ValueError(f"continues must have the shape of rewards {tuple(rewards.shape)}, got {tuple(continues.shape)}")
    running = torch.zeros_like(rewards[0])
    if bootstrap is not None:
        if bootstrap.shape != rewards.shape[1:]:
            raise ValueError(f"bootstrap must have the shape of one step of rewards {tuple(rewards.shape[1:])}, "
                             f"got {tuple(bootstrap.shape)}")
        running = bootstrap.detach().to(rewards.dtype)
    returns = torch.zeros_like(rewards)
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * continues[t] * running
        returns[t] = running
    return returns


class TwoStageAttention(nn.Module):
    """G2ANet's two-stage attention over the agents' complete graph, shared by GA-Comm and GA-AC.

    Agent ``i``'s query feature ``q_i`` meets every other agent's key feature ``k_j``:

    - hard attention ``W_h^{ij} = gum(f(Bi-LSTM(q_i, k_j)))`` in {0, 1} (see :meth:`hard_attention`);
    - soft attention ``W_s^{ij} ∝ exp((W_q q_i) . (W_k k_j) / sqrt(d) * W_h^{ij})`` over ``j != i``
      (:func:`two_stage_weights`);

    and the output is ``x_i = sum_{j != i} W_h^{ij} W_s^{ij} v_j``. GA-Comm passes its recurrent
    features as query, key and value (``q = k = v = h``); GA-AC's critic passes ``q_i`` from
    ``o_i`` and ``k_j = e_j = g(o_j, a_j)``, ``v_j = h(V e_j)``.

    Parameters
    ----------
    dim : int
        Feature size ``d`` of queries, keys and values.
    communication : {"hard+soft", "soft", "none"}
        Which edges exist: learned by hard attention, all ``j != i`` (soft attention alone), or
        none (``x_i = 0``).
    gumbel_tau : float
        Temperature of the Gumbel-softmax.
    own_key : bool
        Whether agent ``i``'s row of the Bi-LSTM reads its own pair ``(q_i, k_i)`` (GA-Comm, where
        ``k_i = h_i``) or zeros in its place (GA-AC, where ``k_i = g(o_i, a_i)``: agent ``i``'s own
        action must not move its edges).

    ``forward(query, key, value, present=None) -> (x, hard, weights)``, all inputs (batch, N, d) and
    ``present`` (batch, N) bool, the agents that exist (default: all; an absent agent neither sends
    nor receives); ``x``: (batch, N, d), ``hard`` = ``W_h``: (batch, N, N) in {0, 1} with a zero
    diagonal, ``weights`` = ``W_h W_s``: (batch, N, N).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> attention = TwoStageAttention(dim=4, communication="soft")
    >>> h = torch.randn(2, 3, 4)                          # (batch, N, d)
    >>> x, hard, weights = attention(h, h, h)
    >>> x.shape, hard[0]
    (torch.Size([2, 3, 4]), tensor([[0., 1., 1.],
            [1., 0., 1.],
            [1., 1., 0.]]))
    >>> torch.allclose(weights.sum(-1), torch.ones(2, 3))
    True
    """

    def __init__(self, dim: int, communication: str = "hard+soft", gumbel_tau: float = 1.0, own_key: bool = True):
        super().__init__()
        self.communication = check_choice(communication, "communication", COMMUNICATION)
        d = self.dim = check_int(dim, "dim", low=1)
        self.gumbel_tau = check_real(gumbel_tau, "gumbel_tau", low=0, low_open=True)
        self.own_key = check_bool(own_key, "own_key")
        self.pair_lstm = nn.LSTM(2 * d, d, batch_first=True, bidirectional=True)
        self.edge = nn.Linear(2 * d, 2)  # f: logits of (no edge, edge)
        self.query = nn.Linear(d, d, bias=False)  # W_q
        self.key = nn.Linear(d, d, bias=False)  # W_k

    def hard_attention(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        """``W_h^{ij} = gum(f(Bi-LSTM(q_i, k_j)))``: (batch, N, N) in {0, 1}, zero diagonal.

        For each ``i`` the Bi-LSTM reads the pairs ``(q_i, k_1), ..., (q_i, k_N)`` both ways (with
        ``k_i`` replaced by 0 unless ``own_key``). In training mode the edge is sampled with straight-through
        Gumbel-softmax; in eval mode it is the argmax (no noise).
        """
        self._check_inputs(query=query, key=key)
        batch, n, d = query.shape
        others = 1.0 - torch.eye(n)  # (N, N)
        key_mask = torch.ones(n, n) if self.own_key else others  # (N, N): which k_j row i reads
        pairs = torch.cat([query[:, :, None].expand(batch, n, n, d), key[:, None] * key_mask[..., None]], -1)
        out, _ = self.pair_lstm(pairs.reshape(batch * n, n, 2 * d))  # (batch N, N, 2d): over j, both ways
        logits = self.edge(out).view(batch, n, n, 2)
        if self.training:
            edge = F.gumbel_softmax(logits, tau=self.gumbel_tau, hard=True)[..., 1]  # (batch, N, N)
        else:
            edge = (logits[..., 1] > logits[..., 0]).float()
        return edge * others

    def _check_inputs(self, **tensors: torch.Tensor) -> None:
        shape = None
        for name, x in tensors.items():
            check_rank(x, name, 3, f"(batch, N, dim = {self.dim})")
            check_size(x, name, 2, self.dim, "dim")
            if shape is not None and tuple(x.shape) != shape:
                raise ValueError(f"{name} must have the shape of the query {shape}, got {tuple(x.shape)}")
            shape = tuple(x.shape)

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, present: torch.Tensor | None = None):
        self._check_inputs(query=query, key=key, value=value)
        batch, n, d = value.shape
        if present is not None and tuple(present.shape) != (batch, n):
            raise ValueError(f"present must have shape (batch, N) = {(batch, n)}, got {tuple(present.shape)}")
        if self.communication == "none" or n == 1:
            zeros = torch.zeros(batch, n, n)
            return torch.zeros_like(value), zeros, zeros
        everyone = (1.0 - torch.eye(n)).expand(batch, n, n)
        hard = self.hard_attention(query, key) if self.communication == "hard+soft" else everyone
        if present is not None:  # edges only between agents that exist
            hard = hard * (present[:, :, None] & present[:, None, :]).float()
        scores = self.query(query) @ self.key(key).transpose(-1, -2) / d ** 0.5  # (batch, N, N)
        weights = two_stage_weights(hard, scores, present)  # W_h W_s
        return weights @ value, hard, weights  # x_i = sum_j W_h W_s v_j: (batch, N, d)


class GAComm(nn.Module):
    """The GA-Comm policy: encoder, LSTM cell, :class:`TwoStageAttention`, policy and baseline heads.

    ``forward(obs, state, present=None) -> (logits, value, state, hard, weights)`` with ``obs``: (batch, N,
    obs_dim), ``state``: a pair of (batch, N, d) tensors or None, ``present``: (batch, N) bool, the
    agents that exist (None: all; see :class:`TwoStageAttention`), ``logits``: (batch, N,
    n_actions), ``value``: (batch, N), ``hard`` = ``W_h``: (batch, N, N) in {0, 1} with a zero
    diagonal, ``weights`` = ``W_h W_s``: (batch, N, N).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net = GAComm(obs_dim=5, n_actions=5, config=GACommConfig(hidden=8))
    >>> logits, value, state, hard, weights = net(torch.zeros(2, 3, 5))
    >>> logits.shape, value.shape, hard.shape
    (torch.Size([2, 3, 5]), torch.Size([2, 3]), torch.Size([2, 3, 3]))
    >>> sorted(set(hard.flatten().tolist())) <= [0.0, 1.0]
    True
    """

    def __init__(self, obs_dim: int, n_actions: int, config: GACommConfig):
        super().__init__()
        check_instance(config, "config", GACommConfig)
        d = check_int(config.hidden, "hidden", low=1)
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        check_int(n_actions, "n_actions", low=1)
        self.encoder = nn.Linear(obs_dim, d)
        self.cell = nn.LSTMCell(d, d)
        self.attention = TwoStageAttention(d, config.communication, config.gumbel_tau)
        self.policy = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(), nn.Linear(d, n_actions))
        self.value = nn.Linear(2 * d, 1)

    def forward(self, obs: torch.Tensor, state=None, present: torch.Tensor | None = None):
        check_rank(obs, "obs", 3, "(batch, N, obs_dim)")
        check_size(obs, "obs", 2, self.obs_dim, "obs_dim")
        if state is not None and (not isinstance(state, (tuple, list)) or len(state) != 2
                                  or any(s.shape[:2] != obs.shape[:2] for s in state)):
            raise ValueError("state must be None or the pair (h, s) of (batch, N, d) tensors returned by forward")
        batch, n, _ = obs.shape
        e = torch.relu(self.encoder(obs)).reshape(batch * n, -1)  # (batch N, d)
        h_flat, s_flat = self.cell(e, None if state is None else (state[0].reshape(batch * n, -1),
                                                                   state[1].reshape(batch * n, -1)))
        h = h_flat.view(batch, n, -1)  # (batch, N, d)
        x, hard, weights = self.attention(h, h, h, present)  # x_i = sum_j W_h W_s h_j: (batch, N, d)
        features = torch.cat([h, x], dim=-1)  # (batch, N, 2d)
        return (self.policy(features), self.value(features).squeeze(-1), (h, s_flat.view(batch, n, -1)),
                hard, weights)


def rollout(net: GAComm, env, seed, generator: torch.Generator | None = None, on_step=None):
    """Play one episode in every world, sampling actions from ``pi``; keep the graph for learning.

    Two kinds of environment are played. In one (:class:`~marl_course.envs.predator_prey.PredatorPrey`)
    the agents live as long as their world: ``info["active"]`` (E,) marks the worlds still running,
    and a world ends for good on ``info["success"]``. In the other
    (:class:`~marl_course.envs.traffic_junction.TrafficJunction`) agents come and go:
    ``info["acted"]`` (E, N) marks the slots that held a car when the actions were taken,
    ``info["left"]`` the cars whose episode ended there, ``info["arrived"]`` the slots a new car
    took, and only the cars on the road (``info["active"]``) communicate. A new car starts with
    an empty memory (its slot's LSTM state is reset to 0), and a car's return never runs on into the
    next car of its slot.

    At the time limit the episodes are cut, not ended: the last step's ``continues`` is 1 for the
    agents still playing and ``bootstrap`` holds ``V`` of the state reached (see
    :func:`discounted_returns`).

    Returns a dict of stacked (T, E, N) tensors ``log_prob``, ``entropy``, ``value``, ``reward``
    (counted only for agents that acted), ``active`` (1 where the agent acted), ``continues``, ``actions``;
    ``bootstrap`` (E, N); ``success`` (E,) bool; and, when the environment reports collisions,
    ``collision_rate``: the fraction of car-steps on the road that ended in a shared cell.
    ``on_step(env, hard, present)``, when given, is called before every step with the hard edges
    ``W_h`` (E, N, N) about to be used and the agents that exist (E, N) bool (or None: all).

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> _ = torch.manual_seed(0)
    >>> batch = rollout(GAComm(5, 5, GACommConfig(hidden=8)), PredatorPrey(n_envs=2, episode_length=4), seed=0)
    >>> batch["log_prob"].shape, batch["success"].shape
    (torch.Size([4, 2, 3]), (2,))
    >>> from marl_course.envs.traffic_junction import TrafficJunction
    >>> env = TrafficJunction(n_envs=2, episode_length=4)
    >>> batch = rollout(GAComm(env.obs_dim, 2, GACommConfig(hidden=8)), env, seed=0)
    >>> batch["active"][0].sum().item(), 0.0 <= batch["collision_rate"] <= 1.0   # the roads start empty
    (0.0, True)
    """
    check_instance(net, "net", GAComm)
    check_int(seed, "seed", low=0)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be None or a torch.Generator, got {type(generator).__name__}")
    if on_step is not None and not callable(on_step):
        raise TypeError(f"on_step must be None or a function, got {type(on_step).__name__}")
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_envs"))
    obs, _, info = env.reset(seed=seed)
    per_agent = "acted" in info  # cars come and go
    present = torch.as_tensor(info["active"]) if per_agent else None
    state, done = None, np.zeros(env.n_envs, dtype=bool)
    steps = {k: [] for k in ("log_prob", "entropy", "value", "reward", "active", "continues", "actions")}
    collided = on_road = 0
    while not done.all():
        logits, value, state, hard, _ = net(torch.as_tensor(obs), state, present)
        dist = torch.distributions.Categorical(logits=logits)
        probs = dist.probs.reshape(-1, env.n_actions)  # (E N, n_actions)
        actions = torch.multinomial(probs, 1, generator=generator).view(dist.batch_shape)  # (E, N)
        if on_step is not None:
            on_step(env, hard.detach(), present)
        obs, _, reward, done, info = env.step(actions.numpy())
        if per_agent:
            acted = info["acted"]
            goes_on = acted & ~info["left"]  # the same car plays the next step
            present = torch.as_tensor(info["active"])
            fresh = torch.as_tensor(info["arrived"])[..., None]  # a new car in this slot: empty memory
            state = tuple(x.masked_fill(fresh, 0.0) for x in state)
        else:
            acted = np.broadcast_to(info["active"][:, None], reward.shape)
            acted = acted & getattr(env, "controlled", True)  # a distractor's action moves nothing: not learned from
            goes_on = acted & ~info["success"][:, None]  # success ends the world for good
        if "collided" in info:
            collided += int((info["collided"] & info["active"]).sum())
            on_road += int(info["active"].sum())
        acted_t = torch.as_tensor(np.array(acted), dtype=torch.float32)
        steps["log_prob"].append(dist.log_prob(actions))
        steps["entropy"].append(dist.entropy())
        steps["value"].append(value)
        steps["reward"].append(torch.as_tensor(reward, dtype=torch.float32) * acted_t)
        steps["active"].append(acted_t)
        steps["continues"].append(torch.as_tensor(np.array(goes_on), dtype=torch.float32))
        steps["actions"].append(actions)
    out = {k: torch.stack(v) for k, v in steps.items()}
    with torch.no_grad():  # V of the state where the time limit cut the episodes
        out["bootstrap"] = net(torch.as_tensor(obs), state, present)[1]
    out["success"] = info["success"]
    if "collided" in info:
        out["collision_rate"] = collided / max(on_road, 1)
    return out


def reinforce_loss(batch: dict, gamma: float, value_coef: float, entropy_coef: float) -> torch.Tensor:
    """REINFORCE with a baseline over the active steps of a batch from :func:`rollout`.

    ``G_t = r_t + gamma c_t G_{t+1}`` (:func:`discounted_returns`, with the batch's ``continues``
    ``c_t`` and ``bootstrap`` ``G_T = V(s_T)`` when it holds them; otherwise
    ``G_t = sum_{t' >= t} gamma^{t'-t} r_{t'}``), ``A_t = G_t - V_t``; loss ``= -mean[Â_t log pi(a_t)]
    + value_coef mean[A_t^2] - entropy_coef mean[H(pi)]``, where ``Â_t`` is ``A_t`` normalised to
    zero mean and unit variance over the batch's active steps (and detached).

    Examples
    --------
    >>> T, E, N = 2, 1, 1
    >>> batch = dict(log_prob=torch.zeros(T, E, N), entropy=torch.zeros(T, E, N), value=torch.zeros(T, E, N),
    ...              reward=torch.ones(T, E, N), active=torch.ones(T, E, N))
    >>> round(float(reinforce_loss(batch, gamma=0.5, value_coef=1.0, entropy_coef=0.0)), 4)  # (1.5^2 + 1^2) / 2
    1.625
    """
    missing = {"log_prob", "entropy", "value", "reward", "active"} - set(batch)
    if missing:
        raise ValueError(f"batch is missing the fields {sorted(missing)}")
    value_coef = check_real(value_coef, "value_coef", low=0)
    entropy_coef = check_real(entropy_coef, "entropy_coef", low=0)
    returns = discounted_returns(batch["reward"], gamma, batch.get("continues"), batch.get("bootstrap"))  # (T, E, N)
    active = batch["active"]
    count = active.sum().clamp(min=1.0)
    advantage = returns - batch["value"]  # (T, E, N)
    # normalise the advantages over the active steps: the policy step no longer depends on the reward scale
    mean = (advantage.detach() * active).sum() / count
    std = (((advantage.detach() - mean) ** 2 * active).sum() / count).sqrt()
    normalised = (advantage.detach() - mean) / (std + 1e-8)
    policy_loss = -(normalised * batch["log_prob"] * active).sum() / count
    value_loss = (advantage ** 2 * active).sum() / count
    entropy = (batch["entropy"] * active).sum() / count
    return policy_loss + value_coef * value_loss - entropy_coef * entropy


@single_thread()
def train(env, config: GACommConfig | None = None, *, seed: int = 0, progress: bool = True) -> History:
    """Train GA-Comm (or a baseline, by ``config.communication``) with REINFORCE on a batched
    environment such as :class:`~marl_course.envs.predator_prey.PredatorPrey` or
    :class:`~marl_course.envs.traffic_junction.TrafficJunction` (cars that come and go: see :func:`rollout`).

    Returns a :class:`~marl_course.deep.common.History` counted in updates: ``train_return[k]``
    is the mean return of a predator per episode in update ``k``'s batch, ``loss`` the total loss
    of each update, and ``metrics["success_rate"]`` the fraction of that batch's episodes that
    ended in success.

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> hist = train(PredatorPrey(n_envs=4, episode_length=3), GACommConfig(n_updates=2, hidden=8),
    ...              seed=0, progress=False)
    >>> hist.steps, len(hist.metrics["success_rate"])
    ([1, 2], 2)
    """
    config = GACommConfig() if config is None else check_instance(config, "config", GACommConfig)
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_envs"))
    rng = seed_everything(seed)
    generator = torch.Generator().manual_seed(seed)
    net = GAComm(env.obs_dim, env.n_actions, config)
    optimiser = torch.optim.Adam(net.parameters(), lr=config.lr)
    history = History(model=net, step_unit="updates", metrics={"success_rate": []})
    for update in tqdm(range(config.n_updates), desc=f"GA-Comm ({config.communication})", disable=not progress):
        batch = rollout(net, env, int(rng.integers(2**31)), generator)
        loss = reinforce_loss(batch, config.gamma, config.value_coef, config.entropy_coef)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        history.steps.append(update + 1)
        history.train_return.append(float(batch["reward"].sum(0).mean()))
        history.loss.append(loss.item())
        history.metrics["success_rate"].append(float(batch["success"].mean()))
    return history


@single_thread()
def evaluate(model: GAComm, env, *, n_episodes: int = 1, seed: int = 0) -> float:
    """Success rate over ``n_episodes`` resets of ``env``, each one episode in every one of its
    ``n_envs`` worlds (hard attention by argmax, actions sampled). Success, not return, is the
    measure here: a return also counts how early the prey was reached.

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> _ = torch.manual_seed(0)
    >>> rate = evaluate(GAComm(5, 5, GACommConfig(hidden=8)), PredatorPrey(n_envs=8), seed=0)
    >>> 0.0 <= rate <= 1.0
    True
    """
    check_instance(model, "model", GAComm)
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_envs"))
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        rates = [rollout(model, env, int(rng.integers(2**31)), generator)["success"].mean()
                 for _ in range(n_episodes)]
    model.train(was_training)
    return float(np.mean(rates))


@single_thread()
def record_episode(model: GAComm, env, seed: int = 0) -> list[dict]:
    """One episode in world 0 (eval mode, actions sampled with ``seed``): positions, ``W_h`` and ``W_h W_s`` per step.

    On predator-prey a frame holds ``predator_pos``, ``prey_pos``, ``hard`` and ``weights``; on a
    traffic junction it holds ``positions`` (N, 2) (``-1`` for a free slot), ``active``,
    ``route`` (N,), ``relevant`` (N, N), the ground truth
    :meth:`~marl_course.envs.traffic_junction.TrafficJunction.relevance` with horizon 1, ``hard``,
    ``weights``, the ``actions`` taken and ``collided`` (N,) after them, and ``size``.

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> _ = torch.manual_seed(0)
    >>> frames = record_episode(GAComm(5, 5, GACommConfig(hidden=8)), PredatorPrey(n_envs=1, episode_length=3))
    >>> len(frames) <= 3, frames[0]["hard"].shape
    (True, (3, 3))
    >>> from marl_course.envs.traffic_junction import TrafficJunction
    >>> env = TrafficJunction(n_envs=1, episode_length=3)
    >>> frames = record_episode(GAComm(env.obs_dim, 2, GACommConfig(hidden=8)), env)
    >>> len(frames), sorted(frames[0])[:4]
    (3, ['actions', 'active', 'collided', 'hard'])
    """
    check_instance(model, "model", GAComm)
    check_int(seed, "seed", low=0)
    generator = torch.Generator().manual_seed(int(np.random.default_rng(seed).integers(2**31)))
    was_training = model.training
    model.eval()
    obs, _, info = env.reset(seed=seed)
    junction = "acted" in info
    present = torch.as_tensor(info["active"]) if junction else None
    state, done, frames = None, np.zeros(1, dtype=bool), []
    with torch.no_grad():
        while not done[0]:
            logits, _, state, hard, weights = model(torch.as_tensor(obs), state, present)
            actions = torch.multinomial(torch.softmax(logits.view(-1, env.n_actions), -1), 1, generator=generator)
            actions = actions.view(logits.shape[:2]).numpy()
            if junction:
                frame = {"positions": info["positions"][0], "active": info["active"][0], "route": info["route"][0],
                         "relevant": env.relevance(1)[0], "hard": hard[0].numpy(), "weights": weights[0].numpy(),
                         "actions": actions[0], "size": env.size}
            else:
                frame = {"predator_pos": info["predator_pos"][0], "prey_pos": info["prey_pos"][0],
                         "hard": hard[0].numpy(), "weights": weights[0].numpy()}
            obs, _, _, done, info = env.step(actions)
            if junction:
                frame["collided"] = info["collided"][0] & info["acted"][0]
                present = torch.as_tensor(info["active"])
                fresh = torch.as_tensor(info["arrived"])[..., None]
                state = tuple(x.masked_fill(fresh, 0.0) for x in state)
            frames.append(frame)
    model.train(was_training)
    return frames


@single_thread()
def junction_metrics(model: GAComm, env, *, n_episodes: int = 1, seed: int = 0, horizon: int = 1) -> dict[str, float]:
    """Score a policy on a traffic junction, and its hard edges against the ground truth of who matters.

    Plays ``n_episodes`` resets of ``env`` (a :class:`~marl_course.envs.traffic_junction.TrafficJunction`;
    eval mode: hard edges by argmax, actions sampled) and returns

    - ``success_rate``: the fraction of episodes without a collision;
    - ``collision_rate``: the fraction of car-steps on the road that end in a shared cell;
    - ``brake_rate``: the fraction of the cars' actions that are *brake*;
    - over the ordered pairs ``(i, j)``, ``i != j``, of cars on the road at each step, with
      ``R_ij`` = :meth:`~marl_course.envs.traffic_junction.TrafficJunction.relevance` (``horizon``)
      and ``K_ij = W_h^{ij}`` the edge kept: ``kept = P(K)``, ``relevant = P(R)`` (the base rate),
      ``precision = P(R | K)`` and ``recall = P(K | R)`` (nan when the denominator is empty). A
      graph that ignores relevance has ``precision = relevant``; one that keeps exactly the
      relevant pairs has ``precision = recall = 1``.

    Examples
    --------
    >>> from marl_course.envs.traffic_junction import TrafficJunction
    >>> env = TrafficJunction(n_envs=8)
    >>> _ = torch.manual_seed(0)
    >>> scores = junction_metrics(GAComm(env.obs_dim, 2, GACommConfig(hidden=8, communication="soft")), env)
    >>> scores["kept"], scores["recall"], scores["precision"] == scores["relevant"]   # all edges kept
    (1.0, 1.0, True)
    """
    check_instance(model, "model", GAComm)
    check_env(env, ("reset", "step", "relevance", "n_envs"))
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    horizon = check_int(horizon, "horizon", low=0)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    edges = EdgeScores()

    def score_edges(env_, hard, present):
        pairs = present.numpy()[:, :, None] & present.numpy()[:, None, :] & ~np.eye(env_.n_agents, dtype=bool)
        edges.add(kept=hard.numpy() > 0, relevant=env_.relevance(horizon), pairs=pairs)

    was_training = model.training
    model.eval()
    success, collisions, brakes = [], [], []
    with torch.no_grad():
        for _ in range(n_episodes):
            batch = rollout(model, env, int(rng.integers(2**31)), generator, on_step=score_edges)
            acted = batch["active"].bool()
            success.append(batch["success"].mean())
            collisions.append(batch["collision_rate"])
            brakes.append(float((batch["actions"] != 0)[acted].float().mean()) if acted.any() else float("nan"))
    model.train(was_training)
    return {"success_rate": float(np.mean(success)), "collision_rate": float(np.mean(collisions)),
            "brake_rate": float(np.nanmean(brakes))} | edges.summary()
