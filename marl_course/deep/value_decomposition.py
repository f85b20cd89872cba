"""IQL, VDN and QMIX: one learner, three mixers.

Every agent acts greedily on its own ``Q_i(tau_i, a_i)`` (a shared :class:`RecurrentAgent`); the
three methods differ **only** in the mixer that turns the chosen ``Q_i`` into what the TD(0)
loss trains:

=========  =========================================================  ===================
method     mixer ``f(Q_1, ..., Q_n; s)``                              class
=========  =========================================================  ===================
IQL        none: each ``Q_i`` regresses on the team reward alone       :class:`NoMixer`
VDN        ``Q_tot = sum_i Q_i``                                       :class:`SumMixer`
QMIX       ``Q_tot = w_2(s)^T ELU(W_1(s)^T Q + b_1(s)) + V(s)``,       :class:`QMixer`
           ``|W_1|, |w_2|`` from hypernetworks of the state ``s``
=========  =========================================================  ===================

The loss, for a batch of ``b`` episodes from the episode replay, is
``L(theta) = sum (y^tot - Q_tot(tau, a, s; theta))^2`` with
``y^tot = r + gamma (1 - terminated) max_{a'} Qbar_tot(tau', a', s'; thetabar)`` (target networks
``thetabar``, copied every ``target_update_episodes``). Only a true terminal step (``terminated``)
drops the bootstrap; a step cut by the time limit (``truncated``) still bootstraps from ``s'``,
like :func:`marl_course.deep.drqn.td_target` (the QMIX authors' runner stores
``terminated != episode_limit`` for the same reason). Because the mixers are monotone
(``dQ_tot/dQ_i >= 0``), ``max_{a'}`` is taken per agent: ``argmax_a Q_tot = (argmax_{a_1} Q_1, ...,
argmax_{a_n} Q_n)``, linear instead of exponential in ``n``.

References
----------
Tan (1993). Multi-agent reinforcement learning: independent vs. cooperative agents. ICML.
Sunehag et al. (2018). Value-decomposition networks for cooperative multi-agent learning. AAMAS.
Rashid et al. (2018). QMIX: monotonic value function factorisation for deep multi-agent
reinforcement learning. ICML.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from marl_course._random import epsilon_greedy, linear_schedule
from marl_course._validation import check_bool, check_instance, check_int, check_real
from marl_course.deep.common import History, ReplayBuffer, check_env, check_rank, seed_everything, single_thread
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: value_decomposition.save, .load)
from marl_course.deep.recurrent import RecurrentAgent

# ---------------------------------------------------------------- the mixers: the only difference


def _check_mix_shapes(q_agents, w1, b1, w2, b2) -> None:
    check_rank(q_agents, "q_agents", 2, "(batch, n_agents)")
    batch, n = q_agents.shape
    check_rank(w1, "w1", 3, "(batch, n_agents, embed)")
    embed = w1.shape[2]
    for name, x, shape in (("w1", w1, (batch, n, embed)), ("b1", b1, (batch, embed)), ("w2", w2, (batch, embed)),
                           ("b2", b2, (batch,))):
        if tuple(x.shape) != shape:
            raise ValueError(f"{name} must have shape {shape} for q_agents of shape {(batch, n)}, got {tuple(x.shape)}")


def monotonic_mix(q_agents, w1, b1, w2, b2):
    """QMIX's mixing network with given weights: ``Q_tot = |w_2|^T ELU(|W_1|^T Q + b_1) + b_2``.

    Non-negative weights and a monotone activation make ``dQ_tot/dQ_i >= 0``; the biases are free.

    Parameters
    ----------
    q_agents : torch.Tensor, shape (batch, n_agents)
    w1 : torch.Tensor, shape (batch, n_agents, embed)
    b1 : torch.Tensor, shape (batch, embed)
    w2 : torch.Tensor, shape (batch, embed)
    b2 : torch.Tensor, shape (batch,)

    Returns
    -------
    torch.Tensor, shape (batch,)

    Examples
    --------
    >>> q = torch.tensor([[1.0, 2.0]])
    >>> float(monotonic_mix(q, -torch.ones(1, 2, 1), torch.zeros(1, 1), torch.ones(1, 1), torch.zeros(1)))
    3.0
    """
    _check_mix_shapes(q_agents, w1, b1, w2, b2)
    hidden = F.elu(torch.einsum("bn,bne->be", q_agents, w1.abs()) + b1)  # (batch, embed)
    return (hidden * w2.abs()).sum(-1) + b2


class NoMixer(nn.Module):
    """IQL: no mixing; each agent's ``Q_i`` is trained on the team reward, ``(..., n_agents) -> (..., n_agents)``.

    >>> NoMixer()(torch.tensor([[1.0, 2.0]]), None).tolist()
    [[1.0, 2.0]]
    """

    def forward(self, q_agents, state):
        return q_agents


class SumMixer(nn.Module):
    """VDN: ``Q_tot = sum_i Q_i``, ``(..., n_agents) -> (..., 1)``.

    >>> SumMixer()(torch.tensor([[1.0, 2.0]]), None).tolist()
    [[3.0]]
    """

    def forward(self, q_agents, state):
        return q_agents.sum(-1, keepdim=True)


class QMixer(nn.Module):
    """QMIX: hypernetworks map the state ``s`` to the weights of :func:`monotonic_mix`, ``(..., n_agents) -> (..., 1)``.

    ``W_1(s)``, ``b_1(s)`` and ``w_2(s)`` are linear in ``s`` (absolute values taken inside the mix);
    the final bias ``V(s)`` is a two-layer ReLU network.

    Parameters
    ----------
    n_agents, state_dim : int
    embed_dim : int
        Width of the mixing layer (QMIX paper: 32).

    Examples
    --------
    >>> mixer = QMixer(n_agents=2, state_dim=3, embed_dim=4)
    >>> mixer(torch.zeros(5, 7, 2), torch.zeros(5, 7, 3)).shape
    torch.Size([5, 7, 1])
    """

    def __init__(self, n_agents: int, state_dim: int, embed_dim: int = 32):
        super().__init__()
        self.n_agents = check_int(n_agents, "n_agents", low=1)
        self.embed_dim = check_int(embed_dim, "embed_dim", low=1)
        state_dim = check_int(state_dim, "state_dim", low=1)
        self.hyper_w1 = nn.Linear(state_dim, self.n_agents * self.embed_dim)
        self.hyper_b1 = nn.Linear(state_dim, self.embed_dim)
        self.hyper_w2 = nn.Linear(state_dim, self.embed_dim)
        self.hyper_v = nn.Sequential(nn.Linear(state_dim, self.embed_dim), nn.ReLU(), nn.Linear(self.embed_dim, 1))

    def forward(self, q_agents, state):
        if q_agents.ndim < 1 or q_agents.shape[-1] != self.n_agents:
            raise ValueError(f"q_agents must have shape (..., n_agents = {self.n_agents}), got {tuple(q_agents.shape)}")
        if state.ndim < 1 or tuple(state.shape[:-1]) != tuple(q_agents.shape[:-1]) \
                or state.shape[-1] != self.hyper_b1.in_features:
            raise ValueError(f"state must have shape {(*q_agents.shape[:-1], self.hyper_b1.in_features)} "
                             f"(q_agents' leading axes, state_dim), got {tuple(state.shape)}")
        lead = q_agents.shape[:-1]
        q = q_agents.reshape(-1, self.n_agents)  # (batch, n_agents)
        s = state.reshape(q.shape[0], -1).float()  # (batch, state_dim)
        w1 = self.hyper_w1(s).reshape(-1, self.n_agents, self.embed_dim)  # (batch, n_agents, embed)
        q_tot = monotonic_mix(q, w1, self.hyper_b1(s), self.hyper_w2(s), self.hyper_v(s).squeeze(-1))
        return q_tot.reshape(*lead, 1)


def make_mixer(name: str, n_agents: int, state_dim: int, embed_dim: int = 32) -> nn.Module:
    """The mixer of method ``name`` in {"iql", "vdn", "qmix"}.

    >>> type(make_mixer("vdn", 2, 3)).__name__
    'SumMixer'
    """
    if name == "iql":
        return NoMixer()
    if name == "vdn":
        return SumMixer()
    if name == "qmix":
        return QMixer(n_agents, state_dim, embed_dim)
    raise ValueError(f"mixer (name) must be 'iql', 'vdn' or 'qmix', got {name!r}")


# ---------------------------------------------------------------- configuration


@dataclass
class VDConfig:
    """Hyperparameters of the value-decomposition learner (defaults: the fast notebook setting)."""

    mixer: str = "qmix"
    """"iql", "vdn" or "qmix": the only switch between the three methods."""
    n_episodes: int = 2000
    """Training episodes (two-step game in the paper: 10,000 steps = 5,000 episodes)."""
    batch_size: int = 32
    """Episodes per gradient step (paper: 32)."""
    buffer_size: int = 1000
    """Episodes kept in the replay (paper: 5,000)."""
    gamma: float = 0.99
    """Discount (paper: 0.99)."""
    lr: float = 2e-3
    """Adam learning rate (paper: RMSprop, 5e-4)."""
    hidden: int = 32
    """GRU width of the agent network (paper: 64)."""
    embed_dim: int = 16
    """Mixing-layer width of QMIX (paper: 32)."""
    epsilon_start: float = 1.0
    """Exploration at the start (paper: 1.0)."""
    epsilon_end: float = 0.05
    """Exploration after the anneal (paper: 0.05; the two-step game keeps 1.0 throughout)."""
    epsilon_anneal_episodes: int = 500
    """Episodes of linear annealing (paper: 50,000 steps)."""
    target_update_episodes: int = 100
    """Episodes between copies of the target networks (paper: 200)."""
    updates_per_rollout: int = 1
    """Gradient steps after each batch of ``env.n_envs`` episodes (paper: 1 per episode)."""
    grad_clip: float = 10.0
    """Gradient-norm clip (paper: 10)."""
    test_every_episodes: int = 200
    """Episodes between greedy evaluations."""

    def __post_init__(self):
        make_mixer(self.mixer, 1, 1)  # validates the name
        for name in ("n_episodes", "batch_size", "buffer_size", "hidden", "embed_dim",
                     "epsilon_anneal_episodes", "target_update_episodes", "updates_per_rollout",
                     "test_every_episodes"):
            check_int(getattr(self, name), name, low=1)
        check_real(self.gamma, "gamma", low=0, high=1)
        check_real(self.lr, "lr", low=0, low_open=True)
        check_real(self.epsilon_start, "epsilon_start", low=0, high=1)
        check_real(self.epsilon_end, "epsilon_end", low=0, high=1)
        check_real(self.grad_clip, "grad_clip", low=0, low_open=True)

    def epsilon(self, episode: int) -> float:
        """Linear schedule from ``epsilon_start`` to ``epsilon_end`` over ``epsilon_anneal_episodes``."""
        return linear_schedule(self.epsilon_start, self.epsilon_end, self.epsilon_anneal_episodes,
                               check_int(episode, "episode", low=0))


# ---------------------------------------------------------------- the learner


class Learner(nn.Module):
    """The agent network, the mixer and their target copies, with the TD(0) loss on ``Q_tot``.

    Examples
    --------
    >>> from marl_course.envs.two_step import TwoStepGame
    >>> learner = Learner(TwoStepGame(), VDConfig(mixer="vdn"))
    >>> type(learner.mixer).__name__
    'SumMixer'
    """

    def __init__(self, env, config: VDConfig):
        super().__init__()
        self.config = check_instance(config, "config", VDConfig)
        check_env(env, ("obs_dim", "n_actions", "n_agents", "state_dim"))
        self.agent = RecurrentAgent(env.obs_dim, env.n_actions, env.n_agents, config.hidden)
        self.mixer = make_mixer(config.mixer, env.n_agents, env.state_dim, config.embed_dim)
        self.target_agent = copy.deepcopy(self.agent).requires_grad_(False)
        self.target_mixer = copy.deepcopy(self.mixer).requires_grad_(False)

    def update_targets(self) -> None:
        """thetabar <- theta."""
        self.target_agent.load_state_dict(self.agent.state_dict())
        self.target_mixer.load_state_dict(self.mixer.state_dict())

    def td_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Masked mean of ``(y^tot - Q_tot)^2`` over a batch of episodes (shapes in :func:`run_episodes`).

        ``y^tot_t = r_t + gamma (1 - terminated_t) max_{a'} Qbar_tot(tau_{t+1}, a', s_{t+1})``: a
        time-limit end (``done`` but not ``terminated``) bootstraps, a true terminal step does not.

        >>> from marl_course.envs.two_step import TwoStepGame
        >>> env = TwoStepGame(n_envs=4)
        >>> learner = Learner(env, VDConfig())
        >>> batch = {k: torch.as_tensor(v) for k, v in run_episodes(learner, env, 1.0, np.random.default_rng(0)).items()}
        >>> float(learner.td_loss(batch).detach()) >= 0
        True
        """
        missing = {"obs", "state", "actions", "reward", "terminated", "filled"} - set(batch)
        if missing:
            raise ValueError(f"batch is missing the fields {sorted(missing)}")
        gamma = self.config.gamma
        actions = batch["actions"].long()  # (b, T, n_agents)
        q = self.agent.unroll(batch["obs"], actions)  # (b, T + 1, n_agents, n_actions)
        chosen = q[:, :-1].gather(-1, actions.unsqueeze(-1)).squeeze(-1)  # (b, T, n_agents)
        q_tot = self.mixer(chosen, batch["state"][:, :-1])  # (b, T, 1) or (b, T, n_agents) for IQL
        with torch.no_grad():
            next_max = self.target_agent.unroll(batch["obs"], actions)[:, 1:].max(-1).values  # (b, T, n_agents)
            next_tot = self.target_mixer(next_max, batch["state"][:, 1:])
            y = batch["reward"].unsqueeze(-1) + gamma * (1 - batch["terminated"].float().unsqueeze(-1)) * next_tot
        mask = batch["filled"].float().unsqueeze(-1)  # (b, T, 1)
        return (((q_tot - y) * mask) ** 2).sum() / (mask.sum() * q_tot.shape[-1])


@torch.no_grad()
def run_episodes(learner: Learner, env, epsilon: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Play ``env.n_envs`` episodes epsilon-greedily on ``Q_i`` and return them padded to ``T = env.episode_limit``.

    Returns a dict of arrays (``E = env.n_envs``): ``obs (E, T + 1, n_agents, obs_dim)``,
    ``state (E, T + 1, state_dim)``, ``actions (E, T, n_agents)``, ``reward (E, T)``,
    ``done (E, T)`` (the episode ended after step ``t``, by termination or by the time limit),
    ``terminated (E, T)`` (it ended in a true terminal state: the TD target does not bootstrap
    there; a time-limit end does) and ``filled (E, T)`` (the step happened). An environment
    reports the two ends apart in ``info["terminated"]`` (as :class:`CoordinationGrid
    <marl_course.envs.coordination_grid.CoordinationGrid>` does); without that key every end
    counts as terminal (the two-step and one-step games end only for real).

    Examples
    --------
    >>> from marl_course.envs.two_step import TwoStepGame
    >>> env = TwoStepGame(n_envs=3)
    >>> episodes = run_episodes(Learner(env, VDConfig()), env, epsilon=1.0, rng=np.random.default_rng(0))
    >>> episodes["obs"].shape, bool(episodes["filled"].all()), episodes["terminated"][:, -1].tolist()
    ((3, 3, 2, 3), True, [True, True, True])
    >>> from marl_course.envs.coordination_grid import CoordinationGrid
    >>> env = CoordinationGrid(n_envs=2, episode_limit=1)
    >>> episodes = run_episodes(Learner(env, VDConfig()), env, epsilon=1.0, rng=np.random.default_rng(0))
    >>> bool(episodes["done"][:, 0].all()), bool((episodes["terminated"] <= episodes["done"]).all())
    (True, True)
    """
    check_instance(learner, "learner", Learner)
    check_env(env, ("reset", "step", "n_envs", "episode_limit", "n_agents", "obs_dim", "state_dim", "n_actions"))
    check_real(epsilon, "epsilon", low=0, high=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    E, T, n = env.n_envs, env.episode_limit, env.n_agents
    obs, state, _ = env.reset(seed=int(rng.integers(2**31)))
    out = {"obs": np.zeros((E, T + 1, n, env.obs_dim), np.float32), "state": np.zeros((E, T + 1, env.state_dim), np.float32),
           "actions": np.zeros((E, T, n), np.int64), "reward": np.zeros((E, T), np.float32),
           "done": np.zeros((E, T), bool), "terminated": np.zeros((E, T), bool), "filled": np.zeros((E, T), bool)}
    out["obs"][:, 0], out["state"][:, 0] = obs, state
    hidden = learner.agent.initial_hidden(E)
    last = torch.full((E, n), -1)
    finished = np.zeros(E, dtype=bool)
    for t in range(T):
        q, hidden = learner.agent(torch.as_tensor(obs, dtype=torch.float32), last, hidden)  # (E, n, n_actions)
        actions = epsilon_greedy.unchecked(q.detach().numpy(), epsilon, rng)
        obs, state, reward, done, info = env.step(actions)
        terminated = np.asarray(info.get("terminated", done), dtype=bool)
        out["obs"][:, t + 1], out["state"][:, t + 1] = obs, state
        out["actions"][:, t], out["reward"][:, t] = actions, reward
        out["filled"][:, t], out["done"][:, t] = ~finished, done & ~finished
        out["terminated"][:, t] = terminated & ~finished
        finished = finished | done
        last = torch.as_tensor(actions)
        if finished.all():
            break
    return out


def episode_returns(episodes: dict[str, np.ndarray]) -> np.ndarray:
    """Undiscounted team return of each episode, shape ``(E,)``.

    >>> episode_returns({"reward": np.array([[1.0, 2.0], [3.0, 5.0]]), "filled": np.array([[True, True], [True, False]])})
    array([3., 3.])
    """
    if not isinstance(episodes, dict) or {"reward", "filled"} - set(episodes):
        raise ValueError("episodes must be a dict with 'reward' and 'filled' (see run_episodes)")
    reward, filled = np.asarray(episodes["reward"]), np.asarray(episodes["filled"])
    if reward.ndim != 2 or reward.shape != filled.shape:
        raise ValueError(f"episodes['reward'] and episodes['filled'] must both have shape (E, T), got "
                         f"{reward.shape} and {filled.shape}")
    return (episodes["reward"] * episodes["filled"]).sum(axis=1)


@single_thread()
def train(env, config: VDConfig | None = None, *, seed: int = 0, progress: bool = True) -> History:
    """Train IQL, VDN or QMIX (``config.mixer``) on a batched team environment.

    Each iteration plays ``env.n_envs`` episodes with epsilon-greedy ``Q_i``, stores them in the
    episode replay, and takes ``config.updates_per_rollout`` Adam steps on :meth:`Learner.td_loss`
    with ``config.batch_size`` sampled episodes; target networks are copied every
    ``config.target_update_episodes`` episodes.

    Parameters
    ----------
    env : TwoStepGame, OneStepTeamGame, CoordinationGrid or any env with the same interface
    config : VDConfig, optional
        Defaults to ``VDConfig()``.
    seed : int
        Seeds torch (initial weights) and the numpy generator (exploration, replay, env resets).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    History
        Counted in episodes: ``train_return[k]`` is the mean return of the exploring episodes of
        rollout ``k``, ``loss[k]`` the TD loss of its last gradient step (one entry per rollout),
        and ``eval_return`` the greedy return (epsilon = 0) of one batch of ``env.n_envs``
        episodes every ``test_every_episodes`` episodes and at the end.

    Examples
    --------
    >>> from marl_course.envs.two_step import TwoStepGame
    >>> history = train(TwoStepGame(n_envs=8), VDConfig(mixer="vdn", n_episodes=64), seed=0, progress=False)
    >>> history.steps[-1], len(history.eval_return) >= 1
    (64, True)
    """
    config = VDConfig() if config is None else check_instance(config, "config", VDConfig)
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "n_envs", "episode_limit", "n_agents", "obs_dim", "state_dim", "n_actions"))
    rng = seed_everything(seed)
    learner = Learner(env, config)
    optimiser = torch.optim.Adam(list(learner.agent.parameters()) + list(learner.mixer.parameters()), lr=config.lr)
    buffer = ReplayBuffer(config.buffer_size)
    history = History(model=learner, step_unit="episodes")
    played, last_target, next_test = 0, 0, 0
    bar = tqdm(total=config.n_episodes, desc=f"{config.mixer.upper()}", disable=not progress, leave=False)
    loss = float("nan")
    while played < config.n_episodes:
        if played >= next_test:
            history.eval_steps.append(played)
            history.eval_return.append(evaluate(learner, env, seed=int(rng.integers(2**31))))
            next_test += config.test_every_episodes
        episodes = run_episodes(learner, env, config.epsilon(played), rng)
        buffer.add(**episodes)
        played += env.n_envs
        for _ in range(config.updates_per_rollout):
            batch = buffer.sample(config.batch_size, rng)
            loss_t = learner.td_loss(batch)
            optimiser.zero_grad()
            loss_t.backward()
            nn.utils.clip_grad_norm_(optimiser.param_groups[0]["params"], config.grad_clip)
            optimiser.step()
            loss = float(loss_t.detach())
        if played - last_target >= config.target_update_episodes:
            learner.update_targets()
            last_target = played
        history.steps.append(played)
        history.train_return.append(float(episode_returns(episodes).mean()))
        history.loss.append(loss)
        bar.update(env.n_envs)
    bar.close()
    history.eval_steps.append(played)
    history.eval_return.append(evaluate(learner, env, seed=int(rng.integers(2**31))))
    return history


@single_thread()
def evaluate(model: Learner, env, *, n_episodes: int = 1, seed: int = 0) -> float:
    """Mean greedy (epsilon = 0) team return over ``n_episodes`` resets of ``env``, each a batch of
    ``env.n_envs`` episodes.

    >>> from marl_course.envs.two_step import TwoStepGame
    >>> env = TwoStepGame(n_envs=2)
    >>> evaluate(Learner(env, VDConfig()), env) in (0.0, 1.0, 7.0, 8.0)  # greedy play is deterministic here
    True
    """
    check_instance(model, "model", Learner)
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    return float(np.mean([episode_returns(run_episodes(model, env, 0.0, rng)).mean() for _ in range(n_episodes)]))


# ---------------------------------------------------------------- reading the learned values


@torch.no_grad()
def joint_q_table(learner: Learner, obs_history, action_history, state) -> np.ndarray:
    """``Q_tot(tau, a, s)`` for every joint action ``a`` after a given history (``(n_actions,) * n_agents`` table).

    Parameters
    ----------
    obs_history : array_like, shape (t + 1, n_agents, obs_dim)
        ``o_{i,0..t}``.
    action_history : array_like, shape (t, n_agents)
        ``a_{i,0..t-1}`` (empty for ``t = 0``).
    state : array_like, shape (state_dim,)
        ``s_t``, the mixer's input.

    For IQL (no ``Q_tot``) the table is ``sum_i Q_i``, what the agents jointly believe.

    Examples
    --------
    >>> from marl_course.envs.nonmonotonic import OneStepTeamGame, climbing_game
    >>> learner = Learner(OneStepTeamGame(climbing_game()), VDConfig(mixer="vdn"))
    >>> joint_q_table(learner, [np.ones((2, 1))], np.zeros((0, 2)), [1.0]).shape
    (3, 3)
    """
    check_instance(learner, "learner", Learner)
    obs = torch.as_tensor(np.asarray(obs_history, dtype=np.float32))[None]  # (1, t + 1, n_agents, obs_dim)
    check_rank(obs[0], "obs_history", 3, "(t + 1, n_agents, obs_dim)")
    action_history = np.asarray(action_history)
    if action_history.size != (obs.shape[1] - 1) * obs.shape[2]:
        raise ValueError(f"action_history must have shape (t, n_agents) = {(obs.shape[1] - 1, obs.shape[2])}, "
                         f"got {action_history.shape}")
    acts = torch.as_tensor(np.asarray(action_history, dtype=np.int64).reshape(1, -1, obs.shape[2]))
    q = learner.agent.unroll(obs, acts)[0, -1]  # (n_agents, n_actions)
    n_agents, n_actions = q.shape
    joint = torch.tensor(list(itertools.product(range(n_actions), repeat=n_agents)))  # (n_actions^n, n_agents)
    chosen = q[torch.arange(n_agents), joint]  # (n_actions^n, n_agents)
    states = torch.as_tensor(np.asarray(state, dtype=np.float32)).expand(len(joint), -1)
    q_tot = learner.mixer(chosen, states).sum(-1)
    return q_tot.reshape((n_actions,) * n_agents).numpy()


def two_step_q_tables(learner: Learner) -> dict[str, np.ndarray]:
    """The learned ``Q_tot`` tables of the two-step game in states 1, 2A and 2B (rows: agent 1's action).

    In 2A and 2B the table is averaged over agent 2's first action (agent 1's first action is
    fixed by the state), the histories that lead there.

    >>> from marl_course.envs.two_step import TwoStepGame
    >>> tables = two_step_q_tables(Learner(TwoStepGame(), VDConfig()))
    >>> sorted(tables), tables["2B"].shape
    (['1', '2A', '2B'], (2, 2))
    """
    eye = np.eye(3)
    obs = [np.stack([eye[k]] * 2) for k in range(3)]  # per state: (n_agents, obs_dim)
    tables = {"1": joint_q_table(learner, [obs[0]], np.zeros((0, 2)), eye[0])}
    for name, k in (("2A", 1), ("2B", 2)):
        tables[name] = np.mean([joint_q_table(learner, [obs[0], obs[k]], [[k - 1, a2]], eye[k]) for a2 in (0, 1)], axis=0)
    return tables


def greedy_joint_action(learner: Learner, env) -> np.ndarray:
    """The decentralised greedy joint action ``(argmax_{a_i} Q_i)_i`` at the first step of ``env``.

    >>> from marl_course.envs.nonmonotonic import OneStepTeamGame, climbing_game
    >>> env = OneStepTeamGame(climbing_game())
    >>> greedy_joint_action(Learner(env, VDConfig()), env).shape
    (2,)
    """
    check_instance(learner, "learner", Learner)
    obs, _, _ = env.reset(seed=0)
    q, _ = learner.agent(torch.as_tensor(obs[:1], dtype=torch.float32), torch.full((1, env.n_agents), -1),
                         learner.agent.initial_hidden(1))
    return q[0].argmax(-1).numpy()
