"""DGN: graph convolutional reinforcement learning (Jiang et al. 2020), chapter 9.

The network has the article's three modules:

1. an observation encoder ``h_i = MLP(o_i)``;
2. two convolution layers, each a multi-head relation kernel over agent ``i``'s neighbourhood
   ``B_{+i}`` (:class:`~marl_course.deep.graph_attention.RelationKernel`); every layer widens
   what ``i`` perceives by one hop of the graph ``C``;
3. a Q head on the concatenation ``O_{i,C} = [h_i, h_i', h_i'']`` of all layers' outputs.

Training is DQN on the graph, parameters shared by all agents:

``L(theta) = 1/S sum_S 1/N sum_i (y_i - Q(O_{i,C}, a_i; theta))^2
+ lambda 1/M sum_m D_KL(G_m^k(O_{i,C}; theta) || G_m^k(O'_{i,C}; theta'))``

with ``y_i = r_i + gamma max_a' Q'(O'_{i,C}, a'; theta')``: the adjacency ``C`` of time ``t`` is held
fixed for both steps of a transition, ``G_m^k`` is head ``m``'s attention in the last layer (the
reference distribution at ``t + 1`` comes from the target network, as in the authors' code), and
the target network follows ``theta' <- tau theta + (1 - tau) theta'``. Setting
``use_graph=False`` keeps the same encoder and layers but lets every agent attend only to
itself: independent DQN with the same parameter count (the paper's baseline).

References
----------
Jiang, Dun, Huang, Lu (2020). Graph Convolutional Reinforcement Learning. ICLR.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from marl_course._random import epsilon_greedy, linear_schedule
from marl_course._validation import check_bool, check_instance, check_int, check_real
from marl_course.deep.common import (History, ReplayBuffer, check_env, check_updates_possible, mlp, seed_everything,
                                     single_thread, soft_update)
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: dgn.save, dgn.load)
from marl_course.deep.graph_attention import RelationKernel, attention_kl, check_graph_inputs


@dataclass
class DGNConfig:
    """Hyperparameters of DGN; defaults are the fast notebook setting (the paper's in brackets)."""

    hidden: int = 32
    """Feature size ``d`` of ``h_i`` (paper: 128)."""
    n_heads: int = 2
    """Attention heads ``M`` per relation kernel (paper: 8 in the jungle)."""
    use_graph: bool = True
    """Attend over the neighbourhood ``C``; False = each agent attends only to itself (independent DQN)."""
    reg_weight: float = 0.03
    """``lambda``, the weight of the temporal relation regulariser (paper: 0.03); 0 switches it off."""
    gamma: float = 0.9
    """Discount ``gamma`` (paper: 0.96 in the jungle)."""
    lr: float = 2e-3
    """Adam learning rate (paper: 1e-4)."""
    batch_size: int = 32
    """Transitions ``S`` per update (paper: 64)."""
    buffer_size: int = 20_000
    """Replay capacity in transitions (one transition = one world's step) (paper: 200 000)."""
    n_episodes: int = 40
    """Training episodes; every episode steps all ``n_envs`` worlds (paper: ~2000 episodes)."""
    update_every: int = 1
    """Environment steps between gradient updates."""
    tau: float = 0.05
    """Soft target rate ``tau`` in ``theta' <- tau theta + (1 - tau) theta'`` (paper: 0.01, there named beta)."""
    epsilon_start: float = 1.0
    """Initial exploration rate."""
    epsilon_end: float = 0.05
    """Exploration rate after the decay."""
    epsilon_fraction: float = 0.6
    """Fraction of the episodes over which epsilon decays linearly."""

    def __post_init__(self):
        for name in ("hidden", "n_heads", "batch_size", "buffer_size", "n_episodes", "update_every"):
            check_int(getattr(self, name), name, low=1)
        check_bool(self.use_graph, "use_graph")
        check_real(self.reg_weight, "reg_weight", low=0)
        check_real(self.gamma, "gamma", low=0, high=1, high_open=True)
        check_real(self.lr, "lr", low=0, low_open=True)
        check_real(self.tau, "tau", low=0, high=1, low_open=True)
        for name in ("epsilon_start", "epsilon_end", "epsilon_fraction"):
            check_real(getattr(self, name), name, low=0, high=1)
        if self.buffer_size < self.batch_size:
            raise ValueError(f"buffer_size ({self.buffer_size}) must be at least batch_size "
                             f"({self.batch_size}): a smaller replay never holds a batch, so nothing is trained")


class DGN(nn.Module):
    """The DGN Q network: encoder, two relation-kernel layers, Q head on ``[h, h', h'']``.

    ``forward(obs, adjacency) -> (Q, alpha)`` with ``obs``: (batch, N, obs_dim), ``adjacency``:
    (batch, N, N) bool, ``Q``: (batch, N, n_actions) and ``alpha``: (batch, M, N, N), the last
    layer's attention (``layer=1``: the first layer's, whose keys and values are the neighbours'
    own encoded observations ``h_j``).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net = DGN(obs_dim=4, n_actions=3, config=DGNConfig(hidden=8))
    >>> q, alpha = net(torch.zeros(2, 5, 4), torch.ones(2, 5, 5, dtype=torch.bool))
    >>> q.shape, alpha.shape
    (torch.Size([2, 5, 3]), torch.Size([2, 2, 5, 5]))
    """

    def __init__(self, obs_dim: int, n_actions: int, config: DGNConfig):
        super().__init__()
        check_instance(config, "config", DGNConfig)
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        check_int(n_actions, "n_actions", low=1)
        d = config.hidden
        self.use_graph = config.use_graph
        self.encoder = nn.Sequential(mlp(obs_dim, (d,), d), nn.ReLU())
        self.conv1 = RelationKernel(d, config.n_heads)
        self.conv2 = RelationKernel(d, config.n_heads)
        self.q_head = nn.Linear(3 * d, n_actions)

    def forward(self, obs: torch.Tensor, adjacency: torch.Tensor, *, layer: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
        """``(Q, alpha)``; ``alpha`` is the attention of convolution layer ``layer`` (1 or 2; 2,
        the last, is the regulariser's ``G^k``)."""
        check_graph_inputs(obs, "obs", adjacency, self.obs_dim)
        check_int(layer, "layer", low=1, high=2)
        if not self.use_graph:
            n = adjacency.shape[-1]
            adjacency = torch.eye(n, dtype=torch.bool).expand_as(adjacency)
        h0 = self.encoder(obs)  # (batch, N, d)
        h1, alpha1 = self.conv1(h0, adjacency)  # (batch, N, d), (batch, M, N, N)
        h2, alpha2 = self.conv2(h1, adjacency)  # (batch, N, d), (batch, M, N, N)
        return self.q_head(torch.cat([h0, h1, h2], dim=-1)), (alpha1 if layer == 1 else alpha2)  # (batch, N, n_actions)


class DGNLoss(NamedTuple):
    """The parts of the DGN loss on a batch: ``total = td + lambda kl``."""

    total: torch.Tensor
    """The loss to minimise (with gradient)."""
    td: torch.Tensor
    """Mean squared TD error, ``1/S sum_S 1/N sum_i (y_i - Q(O_{i,C}, a_i))^2``."""
    kl: torch.Tensor
    """Mean attention KL, ``1/M sum_m D_KL(G_m(O_{i,C}; theta) || G_m(O'_{i,C}; theta'))`` (with gradient)."""


def dgn_loss(net: DGN, target: DGN, batch: dict, gamma: float, reg_weight: float) -> DGNLoss:
    """The DGN loss on a batch: mean squared TD error plus ``lambda`` times the attention KL.

    ``batch`` holds ``obs``, ``next_obs`` (S, N, obs_dim), ``action``, ``reward`` (S, N),
    ``terminated`` (S,) and ``adjacency`` (S, N, N), the graph at time ``t`` used for both steps.
    The target ``y_i = r_i + gamma (1 - terminated) max_a' Q'(O'_{i,C}, a')`` bootstraps unless
    the step ended in a true terminal state (a time limit is not one). One pass of the target
    network at ``t + 1`` gives both ``Q'`` and the regulariser's reference distribution
    ``G_m(O'_{i,C}; theta')``: the KL ``D_KL(G_m(O_{i,C}; theta) || G_m(O'_{i,C}; theta'))`` pulls
    the attention at ``t`` towards the target network's attention at ``t + 1`` (as in the authors'
    code, there on the graph of ``t + 1``); gradients flow through step ``t`` only.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net = DGN(4, 3, DGNConfig(hidden=8)); target = copy.deepcopy(net)
    >>> batch = dict(obs=torch.zeros(2, 3, 4), next_obs=torch.zeros(2, 3, 4),
    ...              action=torch.zeros(2, 3, dtype=torch.long), reward=torch.ones(2, 3),
    ...              terminated=torch.zeros(2), adjacency=torch.ones(2, 3, 3, dtype=torch.bool))
    >>> loss = dgn_loss(net, target, batch, 0.9, 0.03)
    >>> loss.total.item() > 0, round(loss.kl.item(), 6)  # same inputs, same weights: no KL
    (True, 0.0)
    """
    missing = {"obs", "next_obs", "action", "reward", "terminated", "adjacency"} - set(batch)
    if missing:
        raise ValueError(f"batch is missing the fields {sorted(missing)}")
    gamma = check_real(gamma, "gamma", low=0, high=1)
    reg_weight = check_real(reg_weight, "reg_weight", low=0)
    adjacency = batch["adjacency"]
    q, alpha = net(batch["obs"], adjacency)  # (S, N, A), (S, M, N, N)
    q_taken = q.gather(-1, batch["action"].long().unsqueeze(-1)).squeeze(-1)  # (S, N)
    with torch.no_grad():
        q_next, alpha_next = target(batch["next_obs"], adjacency)  # same C at t + 1
        bootstrap = gamma * (1.0 - batch["terminated"].float())[:, None]  # (S, 1)
        y = batch["reward"] + bootstrap * q_next.max(-1).values  # (S, N)
    td = ((y - q_taken) ** 2).mean()
    kl = attention_kl(alpha, alpha_next).mean()
    return DGNLoss(td + reg_weight * kl, td, kl)


def greedy_actions(net: DGN, obs: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    """``argmax_a Q(O_{i,C}, a)`` for every agent of every world: (E, N) ints.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net = DGN(obs_dim=4, n_actions=3, config=DGNConfig(hidden=8))
    >>> greedy_actions(net, np.zeros((2, 5, 4), np.float32), np.ones((2, 5, 5), bool)).shape
    (2, 5)
    """
    check_instance(net, "net", DGN)
    with torch.no_grad():
        q, _ = net(torch.as_tensor(obs), torch.as_tensor(adjacency))
    return q.argmax(-1).numpy()


@single_thread()
def train(env, config: DGNConfig | None = None, *, seed: int = 0, progress: bool = True) -> History:
    """Train DGN (or its ablations, by ``config``) on a batched graph environment such as
    :class:`~marl_course.envs.jungle.Jungle`.

    The environment follows the contract of :mod:`marl_course.envs` (``reset(seed) -> (obs, state,
    info)``, ``step(actions) -> (obs, state, reward, done, info)``, all worlds ending together)
    with ``info["adjacency"]`` (E, N, N), plus ``obs_dim`` and ``n_actions``.
    Epsilon decays linearly from ``epsilon_start`` to ``epsilon_end`` over the first
    ``epsilon_fraction`` of the episodes.

    Returns a :class:`~marl_course.deep.common.History` counted in episodes: ``train_return[k]``
    is episode ``k``'s return of an agent, averaged over agents and worlds; ``loss`` is the total
    loss (TD error + lambda KL) of each update, and ``metrics["td_loss"]`` and ``metrics["kl"]``
    its two parts (the KL is recorded even when ``lambda = 0``).

    Examples
    --------
    >>> from marl_course.envs.jungle import Jungle
    >>> hist = train(Jungle(n_envs=2, n_agents=3, k=2, episode_length=5), DGNConfig(n_episodes=2, hidden=8, batch_size=8),
    ...              seed=0, progress=False)
    >>> hist.steps, len(hist.train_return)
    ([1, 2], 2)
    """
    config = DGNConfig() if config is None else check_instance(config, "config", DGNConfig)
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_envs"))
    if hasattr(env, "episode_length") and hasattr(env, "n_envs"):
        check_updates_possible(max_steps=config.n_episodes * env.episode_length, transitions_per_step=env.n_envs,
                               batch_size=config.batch_size, update_every=config.update_every,
                               fields="n_episodes, batch_size, update_every (with env.episode_length, env.n_envs)")
    rng = seed_everything(seed)
    net = DGN(env.obs_dim, env.n_actions, config)
    target = copy.deepcopy(net)
    optimiser = torch.optim.Adam(net.parameters(), lr=config.lr, foreach=True)  # one kernel per step, not per tensor
    buffer = ReplayBuffer(config.buffer_size)
    history = History(model=net, step_unit="episodes", metrics={"td_loss": [], "kl": []})
    step = 0
    decay_episodes = max(1.0, config.epsilon_fraction * config.n_episodes)
    for episode in tqdm(range(config.n_episodes), desc="DGN" if config.use_graph else "DQN", disable=not progress):
        epsilon = linear_schedule(config.epsilon_start, config.epsilon_end, decay_episodes, episode)
        obs, _, info = env.reset(seed=int(rng.integers(2**31)))
        total, done = 0.0, np.zeros(env.n_envs, dtype=bool)
        while not done.all():
            with torch.no_grad():
                q, _ = net(torch.as_tensor(obs), torch.as_tensor(info["adjacency"]))  # (E, N, n_actions)
            actions = epsilon_greedy.unchecked(q.numpy(), epsilon, rng)
            next_obs, _, reward, done, next_info = env.step(actions)
            buffer.add(obs=obs, action=actions, reward=reward.astype(np.float32), next_obs=next_obs,
                       terminated=next_info["terminated"].astype(np.float32), adjacency=info["adjacency"])
            total += reward.mean()
            obs, info, step = next_obs, next_info, step + 1
            if step % config.update_every == 0 and len(buffer) >= config.batch_size:
                loss = dgn_loss(net, target, buffer.sample(config.batch_size, rng), config.gamma, config.reg_weight)
                optimiser.zero_grad()
                loss.total.backward()
                optimiser.step()
                soft_update(target, net, config.tau)
                history.loss.append(loss.total.item())
                history.metrics["td_loss"].append(loss.td.item())
                history.metrics["kl"].append(loss.kl.item())
        history.steps.append(episode + 1)
        history.train_return.append(float(total))
    return history


@single_thread()
def evaluate(model: DGN, env, *, n_episodes: int = 5, seed: int = 0) -> float:
    """Mean greedy return of an agent per episode (averaged over agents, worlds and episodes).

    ``n_episodes`` resets of ``env``, each one episode in every one of its ``n_envs`` worlds.

    Examples
    --------
    >>> from marl_course.envs.jungle import Jungle
    >>> _ = torch.manual_seed(0)
    >>> env = Jungle(n_envs=2, n_agents=3, k=2, episode_length=5)
    >>> isinstance(evaluate(DGN(env.obs_dim, env.n_actions, DGNConfig(hidden=8)), env, n_episodes=1), float)
    True
    """
    check_instance(model, "model", DGN)
    check_env(env, ("reset", "step", "n_envs"))
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    totals = []
    for _ in range(check_int(n_episodes, "n_episodes", low=1)):
        obs, _, info = env.reset(seed=int(rng.integers(2**31)))
        total, done = 0.0, np.zeros(env.n_envs, dtype=bool)
        while not done.all():
            obs, _, reward, done, info = env.step(greedy_actions(model, obs, info["adjacency"]))
            total += reward.mean()
        totals.append(total)
    return float(np.mean(totals))


@single_thread()
def record_episode(model: DGN, env, seed: int = 0, *, layer: int = 1) -> list[dict]:
    """Play one greedy episode and record world 0 at every step, for drawing the learned graph.

    Returns a list with one dict per step: ``agent_pos`` (N, 2), ``food_pos`` (F, 2), ``eating``
    (N,), ``informed`` (N,), the agents that see food, ``scout`` (N,), ``adjacency`` (N, N),
    ``head_attention`` (M, N, N), the attention ``alpha_ij^m`` of convolution layer ``layer``,
    and ``attention`` (N, N), its mean over heads. The default, layer 1, is the layer whose keys
    and values are the neighbours' own encoded observations: its weights say whom an agent
    listens to. (In layer 2 every ``h_j'`` already mixes ``j``'s neighbourhood.)

    Examples
    --------
    >>> from marl_course.envs.jungle import Jungle
    >>> _ = torch.manual_seed(0)
    >>> env = Jungle(n_envs=1, n_agents=3, k=2, episode_length=4)
    >>> frames = record_episode(DGN(env.obs_dim, env.n_actions, DGNConfig(hidden=8)), env)
    >>> len(frames), frames[0]["attention"].shape, frames[0]["head_attention"].shape
    (4, (3, 3), (2, 3, 3))
    """
    check_instance(model, "model", DGN)
    check_int(seed, "seed", low=0)
    check_int(layer, "layer", low=1, high=2)
    obs, _, info = env.reset(seed=seed)
    frames, done = [], np.zeros(env.n_envs, dtype=bool)
    while not done.all():
        with torch.no_grad():
            q, alpha = model(torch.as_tensor(obs), torch.as_tensor(info["adjacency"]), layer=layer)
        frames.append({key: info[key][0] for key in ("agent_pos", "food_pos", "eating", "informed", "scout", "adjacency")}
                      | {"head_attention": alpha[0].numpy(), "attention": alpha[0].mean(0).numpy()})
        obs, _, _, done, info = env.step(q.argmax(-1).numpy())
    return frames


def attention_on_informed(frames: list[dict], head: int | None = None) -> tuple[float, float]:
    """How much an agent that does not know where food is attends to the neighbours that do,
    against uniform attention.

    Over every step and every agent ``i`` that is not informed (sees no food) but has both
    informed and uninformed neighbours ``j in B_i``, average ``sum_{j informed} alpha_ij`` (the
    learned share) and ``|{j in B_i informed}| / |B_{+i}|`` (the share uniform weights
    ``1 / |B_{+i}|`` would give). Returns ``(learned, uniform)``, both NaN when no step has such
    an agent.

    Parameters
    ----------
    frames : list of dict
        The output of :func:`record_episode` (``informed``, ``adjacency`` and ``attention``).
    head : int, optional
        Score head ``head``'s weights (``frame["head_attention"][head]``); default: the mean over heads.

    Examples
    --------
    >>> frame = {"informed": np.array([False, True, False]), "adjacency": np.ones((3, 3), bool),
    ...          "attention": np.array([[0.2, 0.7, 0.1], [1/3, 1/3, 1/3], [0.5, 0.25, 0.25]])}
    >>> [round(x, 3) for x in attention_on_informed([frame])]
    [0.475, 0.333]
    """
    if not isinstance(frames, (list, tuple)):
        raise TypeError(f"frames must be a list of dicts from record_episode, got {type(frames).__name__}")
    for i, frame in enumerate(frames):
        if not isinstance(frame, dict) or {"informed", "adjacency", "attention"} - set(frame):
            raise ValueError(f"frames[{i}] must be a dict with 'informed', 'adjacency' and 'attention' (see record_episode)")
    if head is not None:
        check_int(head, "head", low=0)
        if any("head_attention" not in frame or head >= len(frame["head_attention"]) for frame in frames):
            raise ValueError(f"head: every frame needs 'head_attention' with a head {head} (see record_episode)")
    learned, uniform = [], []
    for frame in frames:
        informed, adjacency = np.asarray(frame["informed"], bool), np.asarray(frame["adjacency"], bool)
        weights = np.asarray(frame["attention"] if head is None else frame["head_attention"][head])
        neighbours = adjacency & ~np.eye(len(informed), dtype=bool)  # B_i, without i itself
        informed_neighbours = neighbours & informed[None, :]
        chosen = ~informed & informed_neighbours.any(-1) & (neighbours & ~informed[None, :]).any(-1)
        learned.extend((weights * informed_neighbours).sum(-1)[chosen])
        uniform.extend((informed_neighbours.sum(-1) / adjacency.sum(-1))[chosen])
    if not learned:
        return float("nan"), float("nan")
    return float(np.mean(learned)), float(np.mean(uniform))
