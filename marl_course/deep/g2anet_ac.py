"""GA-AC: an actor-critic whose critics abstract the game with G2ANet's two-stage attention (chapter 10).

Each predator ``i`` acts with a decentralised policy ``pi(a_i | o_i)`` (one network shared by all
agents). Its critic sees the others too, through the two-stage attention of GA-Comm
(:class:`~marl_course.deep.g2anet.TwoStageAttention`, the same module):

``Q_i(o_i, a_i, x_i) = f(s_i, x_i)[a_i]``,  ``x_i = sum_{j != i} W_h^{ij} W_s^{ij} v_j``,
``v_j = h(V e_j)``,  ``e_j = g(o_j, a_j)``,

where ``s_i = g_s(o_i)`` is agent ``i``'s query, ``e_j`` the key of agent ``j``, ``V`` a linear map,
``h`` a leaky ReLU, ``f``, ``g``, ``g_s`` small networks, ``W_h`` the hard edges and ``W_s`` the soft
weights. A cut edge (``W_h^{ij} = 0``) removes ``(o_j, a_j)`` from ``Q_i``: that is the game abstraction.

The critic is MAAC's (Iqbal & Sha 2019: the same ``Q_i`` and ``x_i``) with MAAC's soft attention
weights replaced by ``W_h W_s``, so training follows MAAC: off-policy, from a replay buffer,
entropy-regularised,

- critic: minimise ``(Q_i(o, a) - y_i)^2`` with
  ``y_i = r_i + gamma (1 - done) [Q'_i(o', a') - alpha log pi'(a'_i | o'_i)]``, ``a' ~ pi'(o')``,
  where ``Q'`` and ``pi'`` are target networks, ``theta' <- tau theta + (1 - tau) theta'``, and
  ``done`` is 1 only in a terminal state (all predators on the prey), not when the time limit cuts
  the episode;
- actor: ascend ``E[grad log pi(a_i | o_i) (A_i(o, a) - alpha log pi(a_i | o_i))]`` with ``a ~ pi(o)``
  and the counterfactual advantage ``A_i = Q_i(o, a) - sum_{b} pi(b | o_i) Q_i(o, (b, a_{-i}))``:
  the baseline changes only agent ``i``'s action, so it needs no extra forward pass.

On the coupled-capture predator-prey (:class:`~marl_course.envs.predator_prey.PredatorPrey` with
``rule="capture"``), :func:`capture_metrics` scores the policy (greedy or sampled) and the critic's
hard edges against the ground truth ``env.relevance(1)``: with ``K_ij = W_h^{ij}`` and ``R_ij`` the
relevance over the ordered pairs of every step, precision ``P(R | K)`` and recall ``P(K | R)``,
whose chance levels (edges kept blind to relevance) are ``P(R)`` and ``P(K)``.

Departures from the paper (see also :class:`GAACConfig` for the sizes):

- the critic has one output per action, ``f(s_i, x_i)`` in R^{|A|}, and the attention query
  ``s_i = g_s(o_i)`` leaves out ``a_i`` (as in MAAC's code; the papers write ``g(o_i, a_i)``), so
  ``x_i`` does not depend on ``a_i`` and the counterfactual baseline is exact;
- one attention head (MAAC: 4) and one parameter set for all critics (the paper's ``f_i, g_i``
  are per agent; our predators are interchangeable, as in the rest of the chapter);
- the actor is a feed-forward network on ``o_i`` alone, no recurrent state.

References
----------
Liu, Wang, Hu, Hao, Chen, Gao (2020). Multi-Agent Game Abstraction via Graph Attention Neural Network. AAAI.
Iqbal, Sha (2019). Actor-Attention-Critic for Multi-Agent Reinforcement Learning (MAAC). ICML.
Haarnoja, Zhou, Abbeel, Levine (2018). Soft actor-critic. ICML.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from marl_course._validation import check_bool, check_choice, check_instance, check_int, check_real
from marl_course.deep.common import (History, ReplayBuffer, check_env, check_rank, check_size, check_updates_possible, mlp,
                                     seed_everything, single_thread, soft_update)
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: g2anet_ac.save, .load)
from marl_course.deep.g2anet import COMMUNICATION, TwoStageAttention
from marl_course.deep.graph_attention import EdgeScores


@dataclass
class GAACConfig:
    """Hyperparameters of GA-AC; defaults are the fast notebook setting (MAAC's / the paper's in brackets)."""

    hidden: int = 32
    """Feature size ``d`` of every embedding and hidden layer (MAAC: 128)."""
    communication: str = "hard+soft"
    """The critic's edges: ``"hard+soft"`` (GA-AC), ``"soft"`` (every edge kept, a MAAC-like critic)
    or ``"none"`` (``x_i = 0``: independent critics ``Q_i(o_i, a_i)``)."""
    gumbel_tau: float = 1.0
    """Temperature of the Gumbel-softmax in hard attention."""
    gamma: float = 0.95
    """Discount (MAAC: 0.99)."""
    alpha: float = 0.01
    """Entropy weight ``alpha`` (MAAC: 0.01, as the inverse of its reward scale 100)."""
    actor_lr: float = 3e-3
    """Adam learning rate of the actor (MAAC: 1e-3)."""
    critic_lr: float = 3e-3
    """Adam learning rate of the critic (MAAC: 1e-3)."""
    tau: float = 0.02
    """Target-network averaging ``theta' <- tau theta + (1 - tau) theta'`` (MAAC: 0.001)."""
    batch_size: int = 256
    """Transitions per gradient step (MAAC: 1024)."""
    buffer_size: int = 50_000
    """Replay capacity in transitions (MAAC: 10^6)."""
    n_rounds: int = 40
    """Training rounds; each plays one episode in all ``n_envs`` worlds (MAAC: 50,000 episodes of 25 steps)."""
    update_every: int = 2
    """Environment steps (of all worlds at once) between gradient steps (MAAC: 4 updates every 100 steps)."""

    def __post_init__(self):
        for name in ("hidden", "batch_size", "buffer_size", "n_rounds", "update_every"):
            check_int(getattr(self, name), name, low=1)
        check_choice(self.communication, "communication", COMMUNICATION)
        for name in ("gumbel_tau", "actor_lr", "critic_lr"):
            check_real(getattr(self, name), name, low=0, low_open=True)
        check_real(self.gamma, "gamma", low=0, high=1)
        check_real(self.alpha, "alpha", low=0)
        check_real(self.tau, "tau", low=0, high=1, low_open=True)
        if self.buffer_size < self.batch_size:
            raise ValueError(f"buffer_size ({self.buffer_size}) must be at least batch_size ({self.batch_size}): "
                             f"a smaller replay never holds a batch, so nothing is trained")


def counterfactual_advantage(probs: torch.Tensor, q_all: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """``A_i = Q_i(o, a) - sum_b pi(b | o_i) Q_i(o, (b, a_{-i}))``: agent ``i``'s action against its own average.

    The baseline replaces only agent ``i``'s action (the others' stay in ``q_all``), so it does not
    depend on ``a_i`` and leaves the expected policy gradient unchanged.

    Parameters
    ----------
    probs : torch.Tensor, shape (..., n_actions)
        ``pi(. | o_i)``.
    q_all : torch.Tensor, shape (..., n_actions)
        ``Q_i(o, (b, a_{-i}))`` for every action ``b``.
    actions : torch.Tensor of int, shape (...)
        The actions ``a_i`` taken.

    Examples
    --------
    >>> counterfactual_advantage(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 3.0]), torch.tensor(1))
    tensor(1.)
    """
    if probs.shape != q_all.shape:
        raise ValueError(f"probs and q_all must have the same shape (..., n_actions), got {tuple(probs.shape)} "
                         f"and {tuple(q_all.shape)}")
    if tuple(actions.shape) != tuple(q_all.shape[:-1]):
        raise ValueError(f"actions must have shape {tuple(q_all.shape[:-1])} (q_all without its action axis), "
                         f"got {tuple(actions.shape)}")
    baseline = (probs * q_all).sum(-1)  # sum_b pi(b | o_i) Q_i(b)
    return at_actions(q_all, actions) - baseline


def actor_loss(logits: torch.Tensor, actions: torch.Tensor, q_all: torch.Tensor, alpha: float) -> torch.Tensor:
    """MAAC's policy-gradient loss with the counterfactual baseline, averaged over batch and agents.

    With ``A_i`` from :func:`counterfactual_advantage`,
    ``loss = -mean[log pi(a_i | o_i) (A_i - alpha log pi(a_i | o_i))]`` with the bracket detached,
    so that ``-grad loss`` is a sample of ``E[grad log pi (A - alpha log pi)]``.

    Parameters
    ----------
    logits : torch.Tensor, shape (batch, N, n_actions)
        The actor's ``pi(. | o_i)`` as logits (carrying gradients).
    actions : torch.Tensor of int, shape (batch, N)
        ``a_i`` sampled from ``pi(. | o_i)``.
    q_all : torch.Tensor, shape (batch, N, n_actions)
        ``Q_i(o, (b, a_{-i}))`` for every action ``b`` of agent ``i``.
    alpha : float
        Entropy weight.

    Examples
    --------
    >>> logits = torch.zeros(1, 1, 2, requires_grad=True)
    >>> actor_loss(logits, torch.tensor([[1]]), torch.tensor([[[0.0, 2.0]]]), alpha=0.0).backward()
    >>> logits.grad                     # descending it raises the logit of action 1 (A = 2 - 1 = 1)
    tensor([[[ 0.5000, -0.5000]]])
    """
    alpha = check_real(alpha, "alpha", low=0)
    check_rank(logits, "logits", 3, "(batch, N, n_actions)")
    if q_all.shape != logits.shape:
        raise ValueError(f"q_all must have the shape of logits {tuple(logits.shape)}, got {tuple(q_all.shape)}")
    log_pi = torch.log_softmax(logits, dim=-1)  # (batch, N, n_actions)
    log_pi_a = at_actions(log_pi, actions)  # (batch, N)
    advantage = counterfactual_advantage(log_pi.exp(), q_all, actions)  # (batch, N)
    return -(log_pi_a * (advantage - alpha * log_pi_a).detach()).mean()


class GACritic(nn.Module):
    """The GA-AC critics of all agents at once: ``Q_i(o_i, ., x_i)`` for every action of agent ``i``.

    ``forward(obs, actions) -> (q_all, hard, weights)`` with ``obs``: (batch, N, obs_dim),
    ``actions``: (batch, N, n_actions) one-hot (or a relaxation), ``q_all``: (batch, N, n_actions)
    where ``q_all[..., i, b] = Q_i(o_i, b, x_i)``, ``hard`` = ``W_h`` and ``weights`` = ``W_h W_s``:
    (batch, N, N). Agent ``i``'s own action enters only by indexing ``q_all``.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> critic = GACritic(obs_dim=5, n_actions=5, config=GAACConfig(hidden=8))
    >>> q_all, hard, weights = critic(torch.zeros(2, 3, 5), torch.eye(5)[torch.zeros(2, 3, dtype=int)])
    >>> q_all.shape, hard.shape
    (torch.Size([2, 3, 5]), torch.Size([2, 3, 3]))
    """

    def __init__(self, obs_dim: int, n_actions: int, config: GAACConfig):
        super().__init__()
        check_instance(config, "config", GAACConfig)
        d = check_int(config.hidden, "hidden", low=1)
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        self.n_actions = n_actions = check_int(n_actions, "n_actions", low=1)
        self.own = nn.Sequential(nn.Linear(obs_dim, d), nn.LeakyReLU())  # g_s: o_i -> s_i
        self.embed = nn.Sequential(nn.Linear(obs_dim + n_actions, d), nn.LeakyReLU())  # g: (o_j, a_j) -> e_j
        self.value_map = nn.Linear(d, d, bias=False)  # V
        self.attention = TwoStageAttention(d, config.communication, config.gumbel_tau, own_key=False)
        self.head = nn.Sequential(nn.Linear(2 * d, d), nn.LeakyReLU(), nn.Linear(d, n_actions))  # f

    def forward(self, obs: torch.Tensor, actions: torch.Tensor):
        check_rank(obs, "obs", 3, "(batch, N, obs_dim)")
        check_size(obs, "obs", 2, self.obs_dim, "obs_dim")
        if tuple(actions.shape) != (*obs.shape[:2], self.n_actions):
            raise ValueError(f"actions must be one-hot of shape (batch, N, n_actions) = {(*obs.shape[:2], self.n_actions)}, "
                             f"got {tuple(actions.shape)}")
        s = self.own(obs)  # (batch, N, d): queries s_i
        e = self.embed(torch.cat([obs, actions], dim=-1))  # (batch, N, d): keys e_j
        v = F.leaky_relu(self.value_map(e))  # (batch, N, d): values v_j = h(V e_j)
        x, hard, weights = self.attention(s, e, v)  # (batch, N, d): x_i = sum_j W_h W_s v_j
        return self.head(torch.cat([s, x], dim=-1)), hard, weights


def one_hot(actions: torch.Tensor, n_actions: int) -> torch.Tensor:
    """(...,) int -> (..., n_actions) float one-hot.

    >>> one_hot(torch.tensor([2, 0]), 3)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    n_actions = check_int(n_actions, "n_actions", low=1)
    if actions.numel() and (int(actions.min()) < 0 or int(actions.max()) >= n_actions):
        raise ValueError(f"actions must be in [0, n_actions) with n_actions = {n_actions}")
    return F.one_hot(actions, n_actions).float()


def at_actions(values: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """Each agent's entry at its own action, e.g. ``Q_i(o, a)`` from ``q_all``: (..., n_actions) -> (...).

    >>> at_actions(torch.tensor([[[1.0, 2.0], [3.0, 4.0]]]), torch.tensor([[1, 0]]))
    tensor([[2., 3.]])
    """
    if tuple(actions.shape) != tuple(values.shape[:-1]):
        raise ValueError(f"actions must have shape {tuple(values.shape[:-1])} (values without its action axis), "
                         f"got {tuple(actions.shape)}")
    return values.gather(-1, actions[..., None]).squeeze(-1)


def critic_loss(critic: GACritic, target_critic: GACritic, target_actor: nn.Module, batch: dict,
                gamma: float, alpha: float) -> torch.Tensor:
    """Mean of ``(Q_i(o, a) - y_i)^2`` with the soft target ``y_i`` of the module docstring.

    ``batch`` holds ``obs``, ``next_obs`` (B, N, obs_dim), ``action`` (B, N) int, ``reward`` (B, N)
    and ``done`` (B,) float, as stored by :func:`train`. The target critic samples its hard edges
    too (training mode), like the critic.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = GAACConfig(hidden=8)
    >>> critic, actor = GACritic(5, 5, config), make_actor(5, 5, config)
    >>> batch = {"obs": torch.zeros(4, 3, 5), "next_obs": torch.zeros(4, 3, 5), "action": torch.zeros(4, 3, dtype=int),
    ...          "reward": torch.zeros(4, 3), "done": torch.ones(4)}
    >>> loss = critic_loss(critic, critic, actor, batch, gamma=0.9, alpha=0.01)   # done: y_i = r_i = 0
    >>> torch.isclose(loss, (critic(batch["obs"], one_hot(batch["action"], 5))[0][..., 0] ** 2).mean())
    tensor(True)
    """
    check_instance(critic, "critic", GACritic)
    check_instance(target_critic, "target_critic", GACritic)
    missing = {"obs", "next_obs", "action", "reward", "done"} - set(batch)
    if missing:
        raise ValueError(f"batch is missing the fields {sorted(missing)}")
    gamma = check_real(gamma, "gamma", low=0, high=1)
    alpha = check_real(alpha, "alpha", low=0)
    n_actions = critic.n_actions
    q = at_actions(critic(batch["obs"], one_hot(batch["action"], n_actions))[0], batch["action"])  # (B, N)
    with torch.no_grad():
        next_dist = torch.distributions.Categorical(logits=target_actor(batch["next_obs"]))
        next_action = next_dist.sample()  # (B, N): a' ~ pi'(o')
        next_q = at_actions(target_critic(batch["next_obs"], one_hot(next_action, n_actions))[0], next_action)
        soft_value = next_q - alpha * next_dist.log_prob(next_action)  # (B, N)
        target = batch["reward"] + gamma * (1.0 - batch["done"])[:, None] * soft_value
    return F.mse_loss(q, target)


def policy_step_loss(actor: nn.Module, critic: GACritic, obs: torch.Tensor, alpha: float) -> torch.Tensor:
    """:func:`actor_loss` on fresh actions ``a ~ pi(o)`` of all agents (obs: (B, N, obs_dim)), scored by the critic.

    >>> _ = torch.manual_seed(0)
    >>> config = GAACConfig(hidden=8)
    >>> policy_step_loss(make_actor(5, 5, config), GACritic(5, 5, config), torch.zeros(4, 3, 5), alpha=0.01).shape
    torch.Size([])
    """
    check_instance(critic, "critic", GACritic)
    alpha = check_real(alpha, "alpha", low=0)
    check_rank(obs, "obs", 3, "(B, N, obs_dim)")
    logits = actor(obs)  # (B, N, n_actions)
    actions = torch.distributions.Categorical(logits=logits.detach()).sample()  # (B, N)
    with torch.no_grad():
        q_all = critic(obs, one_hot(actions, logits.shape[-1]))[0]  # (B, N, n_actions)
    return actor_loss(logits, actions, q_all, alpha)


def make_actor(obs_dim: int, n_actions: int, config: GAACConfig) -> nn.Module:
    """The decentralised policy ``pi(a_i | o_i)``: an MLP ``obs_dim -> d -> d -> n_actions`` (logits).

    >>> make_actor(5, 4, GAACConfig(hidden=8))(torch.zeros(2, 3, 5)).shape     # (E, N, n_actions)
    torch.Size([2, 3, 4])
    """
    check_instance(config, "config", GAACConfig)
    d = check_int(config.hidden, "hidden", low=1)
    return mlp(check_int(obs_dim, "obs_dim", low=1), (d, d), check_int(n_actions, "n_actions", low=1))


def greedy_actions(actor: nn.Module, obs: np.ndarray) -> np.ndarray:
    """``a_i = argmax_b pi(b | o_i)`` for every world and agent: (E, N, obs_dim) -> (E, N) int.

    >>> actor = make_actor(5, 4, GAACConfig(hidden=8))
    >>> obs = np.zeros((2, 3, 5), dtype=np.float32)
    >>> bool((greedy_actions(actor, obs) == actor(torch.as_tensor(obs)).argmax(-1).numpy()).all())
    True
    """
    check_instance(actor, "actor", nn.Module)
    check_rank(obs, "obs", 3, "(E, N, obs_dim)")
    with torch.no_grad():
        return actor(torch.as_tensor(obs)).argmax(-1).numpy()


def sample_actions(actor: nn.Module, obs: np.ndarray) -> np.ndarray:
    """``a_i ~ pi(. | o_i)`` for every world and agent: (E, N, obs_dim) -> (E, N) int.

    >>> sample_actions(make_actor(5, 4, GAACConfig(hidden=8)), np.zeros((2, 3, 5), dtype=np.float32)).shape
    (2, 3)
    """
    check_instance(actor, "actor", nn.Module)
    check_rank(obs, "obs", 3, "(E, N, obs_dim)")
    with torch.no_grad():
        return torch.distributions.Categorical(logits=actor(torch.as_tensor(obs))).sample().numpy()


class GAAC(nn.Module):
    """GA-AC's trained pair: the shared decentralised actor ``pi(a_i | o_i)`` and the attention critic ``Q_i``.

    >>> model = GAAC(5, 4, GAACConfig(hidden=8))
    >>> model.actor(torch.zeros(2, 3, 5)).shape, type(model.critic).__name__
    (torch.Size([2, 3, 4]), 'GACritic')
    """

    def __init__(self, obs_dim: int, n_actions: int, config: GAACConfig):
        super().__init__()
        self.actor = make_actor(obs_dim, n_actions, config)
        self.critic = GACritic(obs_dim, n_actions, config)


def _gradient_step(optimiser: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()


@single_thread()
def train(env, config: GAACConfig | None = None, *, seed: int = 0, progress: bool = True) -> History:
    """Train GA-AC (or, by ``config.communication``, its soft-attention or independent-critic variants).

    Every round plays one episode in all worlds of ``env`` with the current policy, storing each
    running world's transition ``(o, a, r, o', done)``, where ``done`` marks terminal states only: an
    episode cut by the time limit (``info["truncated"]``) stores ``done = 0``, so its target
    bootstraps from ``Q'(o', a')``; every ``update_every`` steps (once the buffer
    holds a batch) it takes one critic step, one actor step and a soft target update.

    Returns a :class:`~marl_course.deep.common.History` of a :class:`GAAC` counted in rounds:
    ``train_return[k]`` is round ``k``'s mean return of a predator per episode, ``loss[k]`` the
    mean critic loss of its gradient steps (nan before the first one), and
    ``metrics["success_rate"][k]`` the fraction of its worlds whose episode ended in success
    (behaviour policy); on a coupled-capture predator-prey (``env.rule == "capture"``) also
    ``metrics["capture_rate"][k]``, the fraction of the prey caught.

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> hist = train(PredatorPrey(n_envs=8, episode_length=4), GAACConfig(n_rounds=3, hidden=8, batch_size=16),
    ...              seed=0, progress=False)
    >>> hist.steps, len(hist.metrics["success_rate"])
    ([1, 2, 3], 3)
    """
    config = GAACConfig() if config is None else check_instance(config, "config", GAACConfig)
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_envs"))
    if hasattr(env, "episode_length") and hasattr(env, "n_envs"):
        check_updates_possible(max_steps=config.n_rounds * env.episode_length, transitions_per_step=env.n_envs,
                               batch_size=config.batch_size, update_every=config.update_every,
                               fields="n_rounds, batch_size, update_every (with env.episode_length, env.n_envs)")
    rng = seed_everything(seed)
    model = GAAC(env.obs_dim, env.n_actions, config)
    actor, critic = model.actor, model.critic
    target_actor, target_critic = copy.deepcopy(actor), copy.deepcopy(critic)
    actor_opt = torch.optim.Adam(actor.parameters(), lr=config.actor_lr)
    critic_opt = torch.optim.Adam(critic.parameters(), lr=config.critic_lr)
    buffer = ReplayBuffer(config.buffer_size)
    coupled = getattr(env, "rule", None) == "capture"  # several prey: also the fraction captured
    history = History(model=model, step_unit="rounds",
                      metrics={"success_rate": [], **({"capture_rate": []} if coupled else {})})
    step = 0
    for round_ in tqdm(range(config.n_rounds), desc=f"GA-AC ({config.communication})", disable=not progress):
        obs, _, _ = env.reset(seed=int(rng.integers(2**31)))
        done, total, round_losses = np.zeros(env.n_envs, dtype=bool), 0.0, []
        while not done.all():
            actions = sample_actions(actor, obs)
            next_obs, _, reward, done, info = env.step(actions)
            running = info["active"]
            terminal = info["terminated"]  # a time limit is not terminal
            buffer.add(obs=obs[running], action=actions[running], reward=reward[running].astype(np.float32),
                       next_obs=next_obs[running], done=terminal[running].astype(np.float32))
            total += reward.mean()  # summed over steps: the mean return of a predator
            obs, step = next_obs, step + 1
            if len(buffer) >= config.batch_size and step % config.update_every == 0:
                batch = buffer.sample(config.batch_size, rng)
                loss = critic_loss(critic, target_critic, target_actor, batch, config.gamma, config.alpha)
                _gradient_step(critic_opt, loss)
                _gradient_step(actor_opt, policy_step_loss(actor, critic, batch["obs"], config.alpha))
                soft_update(target_critic, critic, config.tau)
                soft_update(target_actor, actor, config.tau)
                round_losses.append(loss.item())
        history.steps.append(round_ + 1)
        history.train_return.append(float(total))
        history.loss.append(float(np.mean(round_losses)) if round_losses else float("nan"))
        history.metrics["success_rate"].append(float(info["success"].mean()))
        if coupled:
            history.metrics["capture_rate"].append(float(1.0 - info["prey_alive"].mean()))
    return history


@single_thread()
def evaluate(model: GAAC, env, *, n_episodes: int = 1, seed: int = 0) -> float:
    """Success rate of ``pi`` over ``n_episodes`` resets of ``env``, each one episode in every one
    of its ``n_envs`` worlds (actions sampled; seeded).

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> _ = torch.manual_seed(0)
    >>> rate = evaluate(GAAC(5, 5, GAACConfig(hidden=8)), PredatorPrey(n_envs=8), seed=0)
    >>> 0.0 <= rate <= 1.0
    True
    """
    check_instance(model, "model", GAAC)
    check_env(env, ("reset", "step", "n_envs"))
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    with torch.random.fork_rng():
        torch.manual_seed(int(rng.integers(2**31)))
        rates = []
        for _ in range(n_episodes):
            obs, _, _ = env.reset(seed=int(rng.integers(2**31)))
            done = np.zeros(env.n_envs, dtype=bool)
            while not done.all():
                obs, _, _, done, info = env.step(sample_actions(model.actor, obs))
            rates.append(info["success"].mean())
    return float(np.mean(rates))


@single_thread()
def record_episode(model: GAAC, env, seed: int = 0) -> list[dict]:
    """One episode in world 0: positions, and the critic's ``W_h`` and ``W_h W_s`` on the joint action taken.

    The critic is put in eval mode (hard edges by argmax). The frames have the layout of
    :func:`marl_course.deep.g2anet.record_episode`, so :func:`marl_course.viz.ch10.draw_graph_frame`
    draws them.

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> _ = torch.manual_seed(0)
    >>> config = GAACConfig(hidden=8)
    >>> frames = record_episode(GAAC(5, 5, config), PredatorPrey(n_envs=1, episode_length=3))
    >>> len(frames) <= 3, frames[0]["hard"].shape
    (True, (3, 3))
    """
    check_instance(model, "model", GAAC)
    check_int(seed, "seed", low=0)
    actor, critic = model.actor, model.critic
    was_training = critic.training
    critic.eval()
    obs, _, info = env.reset(seed=seed)
    done, frames = np.zeros(1, dtype=bool), []
    with torch.random.fork_rng(), torch.no_grad():
        torch.manual_seed(int(np.random.default_rng(seed).integers(2**31)))
        while not done[0]:
            actions = sample_actions(actor, obs)
            _, hard, weights = critic(torch.as_tensor(obs), one_hot(torch.as_tensor(actions), env.n_actions))
            frames.append({"predator_pos": info["predator_pos"][0], "prey_pos": info["prey_pos"][0],
                           "hard": hard[0].numpy(), "weights": weights[0].numpy()})
            obs, _, _, done, info = env.step(actions)
    critic.train(was_training)
    return frames


@single_thread()
def capture_metrics(model: GAAC, env, *, n_episodes: int = 1, seed: int = 0, greedy: bool = True) -> dict[str, float]:
    """Score a policy on a coupled-capture predator-prey, and its critic's hard edges against who matters.

    Plays ``n_episodes`` resets of ``env`` (a :class:`~marl_course.envs.predator_prey.PredatorPrey`
    with ``rule="capture"``) with the actor, greedy (``argmax_b pi(b | o_i)``) or sampled, and returns

    - ``capture_rate``: the fraction of the prey caught, averaged over worlds and episodes;
    - ``success_rate``: the fraction of episodes in which every prey was caught;
    - ``return``: a predator's undiscounted return per episode, averaged over predators and worlds;
    - the critic's edges (eval mode: ``W_h`` by argmax, on the joint action taken) against the
      ground truth ``R_ij`` = ``env.relevance(1)`` at every step of a running world, over the
      ordered pairs ``i != j``: ``kept = P(K)``, ``relevant = P(R)`` (the base rate, which is
      also the precision of edges kept at random), ``precision = P(R | K)`` and
      ``recall = P(K | R)`` (nan when the denominator is empty).

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> env = PredatorPrey(n_envs=8, n_predators=4, size=6, n_prey=2, rule="capture")
    >>> _ = torch.manual_seed(0)
    >>> scores = capture_metrics(GAAC(5, 5, GAACConfig(hidden=8, communication="soft")), env)
    >>> scores["kept"], scores["precision"] == scores["relevant"]     # the soft critic keeps every edge
    (1.0, True)
    """
    check_instance(model, "model", GAAC)
    check_env(env, ("reset", "step", "relevance", "n_envs", "n_agents"))
    if getattr(env, "rule", None) != "capture":
        raise ValueError("env must be a predator-prey with rule='capture' (several prey, a ground-truth relevance)")
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    check_bool(greedy, "greedy")
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    edges = EdgeScores()
    others = ~np.eye(env.n_agents, dtype=bool)
    captured, success, returns = [], [], []
    was_training = model.critic.training
    model.critic.eval()
    with torch.random.fork_rng(), torch.no_grad():
        torch.manual_seed(int(rng.integers(2**31)))
        for _ in range(n_episodes):
            obs, _, info = env.reset(seed=int(rng.integers(2**31)))
            done, total = np.zeros(env.n_envs, dtype=bool), np.zeros((env.n_envs, env.n_agents))
            while not done.all():
                actions = greedy_actions(model.actor, obs) if greedy else sample_actions(model.actor, obs)
                hard = model.critic(torch.as_tensor(obs), one_hot(torch.as_tensor(actions), env.n_actions))[1].numpy()
                edges.add(kept=hard > 0, relevant=info["relevance"],
                          pairs=~done[:, None, None] & others)  # (E, N, N): the running worlds' ordered pairs
                obs, _, reward, done, info = env.step(actions)
                total += reward
            captured.append(1.0 - info["prey_alive"].mean())
            success.append(info["success"].mean())
            returns.append(total.mean())
    model.critic.train(was_training)
    return {"capture_rate": float(np.mean(captured)), "success_rate": float(np.mean(success)),
            "return": float(np.mean(returns))} | edges.summary()
