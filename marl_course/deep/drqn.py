"""DQN with k stacked frames against DRQN (a recurrent LSTM core), on partially observable tasks.

Both learners act from a history of observations and learn ``Q(h_t, a | theta)`` from whole
episodes kept in replay. They differ only in how the history is summarised:

- :class:`FrameStackQNet` (DQN): the last ``k`` observations concatenated, ``Q([o_{t-k+1..t}], a)``.
- :class:`RecurrentQNet` (DRQN): an LSTM hidden state ``h_t = LSTM(h_{t-1}, o_t)``, ``Q(h_t, a)``.

Either network maps an observation sequence and a *memory* (the previous ``k - 1`` frames, or the
LSTM's ``(h, c)``) to Q-values and the next memory, so acting and learning share one code path.
The TD target comes from a target network ``Q_bar(theta_bar)`` unrolled over the same window:

    y_t = r_t + gamma (1 - terminal_t) max_a' Q_bar(h_{t+1}, a')

The article's two LSTM update schemes pick the window (``DRQNConfig.update``):

- ``"sequential"`` (bootstrapped sequential updates): whole episodes from their first step, the
  hidden state carried through every step.
- ``"random"`` (bootstrapped random updates): a random start inside each sampled episode and
  ``trace_length`` steps from there, the LSTM's hidden state zeroed at the start (a frame stack
  still sees the true previous ``k - 1`` frames, as DQN's replay stores them).

:func:`flicker_robustness` runs the paper's generalisation experiment (train at one flicker
probability, evaluate greedily over a sweep of them) and :func:`relative_scores` normalises each
run by its own return at its training condition, the paper's "percentage of the original score".

References
----------
Hausknecht & Stone 2015, "Deep Recurrent Q-Learning for Partially Observable MDPs".
Mnih et al. 2015, "Human-level control through deep reinforcement learning".

Examples
--------
>>> from marl_course.envs.cartpole import CartPole
>>> env = CartPole(n_envs=4, flicker=0.5, max_steps=10)
>>> history = train(env, DRQNConfig(total_steps=60, learning_starts=20, hidden=16), seed=0, progress=False)
>>> len(history.losses) > 0, evaluate(history.q_net, env, seed=1) <= 10
(True, True)
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from marl_course._validation import as_finite_array, check_bool, check_choice, check_instance, check_int, check_real
from marl_course.deep.common import (ReplayBuffer, check_env, check_rank, check_size, load_state, mlp, save_state,
                                     seed_everything)
from marl_course.envs.cartpole import CartPole


class FrameStackQNet(nn.Module):
    """DQN's Q-network on a window of the last ``n_frames`` observations (zeros before the start).

    ``forward(obs, memory)``: ``obs`` (batch, T, obs_dim), ``memory`` (batch, n_frames - 1,
    obs_dim) or None (zeros); returns Q-values (batch, T, n_actions) and the new memory.

    Examples
    --------
    >>> net = FrameStackQNet(obs_dim=4, n_actions=2, n_frames=3, hidden=8)
    >>> q, memory = net(torch.zeros(5, 7, 4))
    >>> tuple(q.shape), tuple(memory.shape), net.context_length
    ((5, 7, 2), (5, 2, 4), 2)
    """

    def __init__(self, obs_dim: int, n_actions: int, n_frames: int = 4, hidden: int = 64):
        super().__init__()
        self.n_frames = check_int(n_frames, "n_frames", low=1)
        self.context_length = self.n_frames - 1
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        hidden = check_int(hidden, "hidden", low=1)
        self.net = mlp(self.obs_dim * self.n_frames, (hidden, hidden), check_int(n_actions, "n_actions", low=1))

    def forward(self, obs: torch.Tensor, memory: torch.Tensor | None = None):
        check_rank(obs, "obs", 3, "(batch, time, obs_dim)")
        check_size(obs, "obs", 2, self.obs_dim, "obs_dim")
        batch, T, obs_dim = obs.shape
        if memory is None:
            memory = obs.new_zeros(batch, self.context_length, obs_dim)
        elif tuple(getattr(memory, "shape", ())) != (batch, self.context_length, obs_dim):
            raise ValueError(f"memory must be None or the previous frames, shape (batch, n_frames - 1, obs_dim) = "
                             f"{(batch, self.context_length, obs_dim)}, got {getattr(memory, 'shape', type(memory).__name__)}")
        frames = torch.cat([memory, obs], dim=1)  # (batch, k - 1 + T, obs_dim)
        windows = frames.unfold(1, self.n_frames, 1)  # (batch, T, obs_dim, k)
        stacked = windows.transpose(2, 3).reshape(batch, T, self.n_frames * obs_dim)  # (batch, T, k * obs_dim)
        return self.net(stacked), frames[:, T:]


class RecurrentQNet(nn.Module):
    """DRQN's Q-network: a linear encoder, an LSTM core and a linear Q head, one frame per step.

    ``forward(obs, memory)``: ``obs`` (batch, T, obs_dim), ``memory`` the LSTM's ``(h, c)``, each
    (1, batch, hidden), or None (zeros); returns Q-values (batch, T, n_actions) and ``(h, c)``.

    Examples
    --------
    >>> net = RecurrentQNet(obs_dim=4, n_actions=2, hidden=8)
    >>> q, (h, c) = net(torch.zeros(5, 7, 4))
    >>> tuple(q.shape), tuple(h.shape), net.context_length
    ((5, 7, 2), (1, 5, 8), 0)
    """

    context_length = 0

    def __init__(self, obs_dim: int, n_actions: int, hidden: int = 64):
        super().__init__()
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        self.hidden = check_int(hidden, "hidden", low=1)
        self.encoder = nn.Sequential(nn.Linear(self.obs_dim, hidden), nn.ReLU())
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, check_int(n_actions, "n_actions", low=1))

    def forward(self, obs: torch.Tensor, memory=None):
        check_rank(obs, "obs", 3, "(batch, time, obs_dim)")
        check_size(obs, "obs", 2, self.obs_dim, "obs_dim")
        if memory is not None:
            shape = (1, obs.shape[0], self.hidden)
            if (not isinstance(memory, (tuple, list)) or len(memory) != 2
                    or any(tuple(getattr(m, "shape", ())) != shape for m in memory)):
                raise ValueError(f"memory must be None or the LSTM's (h, c), each of shape (1, batch, hidden) = {shape}")
        features = self.encoder(obs)  # (batch, T, hidden)
        out, memory = self.lstm(features, memory)  # (batch, T, hidden)
        return self.head(out), memory


@dataclass
class DRQNConfig:
    """Hyperparameters of DQN / DRQN training; defaults are the fast notebook setting.

    The paper's settings (Atari, Hausknecht & Stone 2015) are given beside each field.
    """

    recurrent: bool = True
    """True: DRQN (LSTM core, one frame per step); False: DQN on stacked frames."""
    n_frames: int = 4
    """k, frames stacked by DQN (paper: 4 on Atari, 10 on flickering Pong). Ignored by DRQN."""
    hidden: int = 64
    """Width of the hidden layers / LSTM (paper: conv layers then an LSTM of 512)."""
    update: str = "random"
    """"random" (bootstrapped random updates, hidden zeroed) or "sequential" (whole episodes)."""
    trace_length: int = 16
    """Steps unrolled per random update (paper: 10)."""
    total_steps: int = 8000
    """Environment steps, summed over the parallel worlds (paper: 10 million frames)."""
    batch_size: int = 16
    """Episodes per update (paper: 32)."""
    buffer_episodes: int = 1000
    """Replay capacity in episodes (paper: 400,000 transitions)."""
    learning_starts: int = 400
    """Environment steps collected before the first update."""
    updates_per_step: float = 0.25
    """Gradient updates per environment step (paper: one every 4 frames, i.e. 0.25)."""
    target_every: int = 100
    """Updates between hard copies into the target network (paper: 10,000 steps)."""
    gamma: float = 0.99
    """Discount gamma (paper: 0.99)."""
    lr: float = 2e-3
    """Adam learning rate (paper: ADADELTA with learning rate 0.1)."""
    eps_start: float = 1.0
    """Initial epsilon of epsilon-greedy exploration (paper: 1.0)."""
    eps_end: float = 0.05
    """Final epsilon (paper: 0.1)."""
    eps_fraction: float = 0.5
    """Fraction of ``total_steps`` over which epsilon decays linearly (paper: first 1M frames)."""

    def __post_init__(self):
        for name in ("n_frames", "hidden", "trace_length", "total_steps", "batch_size", "buffer_episodes",
                     "target_every"):
            check_int(getattr(self, name), name, low=1)
        check_int(self.learning_starts, "learning_starts", low=0)
        check_bool(self.recurrent, "recurrent")
        check_choice(self.update, "update", ("random", "sequential"))
        check_real(self.updates_per_step, "updates_per_step", low=0, low_open=True)
        check_real(self.gamma, "gamma", low=0, high=1, high_open=True)
        check_real(self.lr, "lr", low=0, low_open=True)
        check_real(self.eps_start, "eps_start", low=0, high=1)
        check_real(self.eps_end, "eps_end", low=0, high=1)
        check_real(self.eps_fraction, "eps_fraction", low=0, high=1, low_open=True)
        # a run owes (total_steps - learning_starts) * updates_per_step updates at least: refuse one owing none
        if (self.total_steps - self.learning_starts) * self.updates_per_step < 1:
            raise ValueError(f"total_steps, learning_starts, updates_per_step: (total_steps - learning_starts) * "
                             f"updates_per_step = ({self.total_steps} - {self.learning_starts}) * {self.updates_per_step}"
                             f" < 1, so the run could end without one gradient update")


@dataclass
class History:
    """What :func:`train` returns: the learning curve and the trained network."""

    q_net: nn.Module
    """The trained Q-network (:class:`RecurrentQNet` or :class:`FrameStackQNet`)."""
    steps: list = field(default_factory=list)
    """Environment steps at the end of each batch of episodes."""
    returns: list = field(default_factory=list)
    """Mean return of that batch of (exploring) episodes."""
    losses: list = field(default_factory=list)
    """TD loss of each update."""
    q_values: list = field(default_factory=list)
    """Mean max_a Q over each update's window (the article's "look at the Q values" diagnostic)."""


def make_q_net(obs_dim: int, n_actions: int, config: DRQNConfig) -> nn.Module:
    """The network ``config`` asks for: DRQN's :class:`RecurrentQNet` or DQN's :class:`FrameStackQNet`.

    >>> type(make_q_net(4, 2, DRQNConfig(recurrent=False))).__name__
    'FrameStackQNet'
    """
    check_instance(config, "config", DRQNConfig)
    if config.recurrent:
        return RecurrentQNet(obs_dim, n_actions, config.hidden)
    return FrameStackQNet(obs_dim, n_actions, config.n_frames, config.hidden)


def epsilon_greedy(q: torch.Tensor, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """``argmax_a q`` per row, replaced by a uniform action with probability ``epsilon``.

    >>> epsilon_greedy(torch.tensor([[0.0, 1.0], [2.0, 0.0]]), 0.0, np.random.default_rng(0)).tolist()
    [1, 0]
    """
    check_rank(q, "q", 2, "(batch, n_actions)")
    epsilon = check_real(epsilon, "epsilon", low=0, high=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    greedy = q.argmax(dim=-1).numpy()  # (batch,)
    explore = rng.random(len(greedy)) < epsilon
    return np.where(explore, rng.integers(0, q.shape[-1], size=len(greedy)), greedy)


def run_episodes(q_net: nn.Module, env, epsilon: float, rng: np.random.Generator, seed: int) -> dict[str, np.ndarray]:
    """Play one batch of ``env.n_envs`` episodes epsilon-greedily, carrying the network's memory.

    Returns padded arrays: ``obs`` (B, T_max + 1, obs_dim), ``action``, ``reward``,
    ``terminal`` and ``valid`` (B, T_max), and ``length`` (B,).

    >>> from marl_course.envs.cartpole import CartPole
    >>> env = CartPole(n_envs=2, max_steps=5)
    >>> ep = run_episodes(RecurrentQNet(4, 2, 8), env, 1.0, np.random.default_rng(0), seed=0)
    >>> ep["obs"].shape, ep["length"].tolist()
    ((2, 6, 4), [5, 5])
    """
    check_instance(q_net, "q_net", nn.Module)
    check_env(env, ("reset", "step", "n_envs", "obs_dim", "n_actions", "max_steps"))
    check_real(epsilon, "epsilon", low=0, high=1)
    check_int(seed, "seed", low=0)
    B, T = env.n_envs, env.max_steps
    obs = np.zeros((B, T + 1, env.obs_dim), dtype=np.float32)
    action = np.zeros((B, T), dtype=np.int64)
    reward, terminal, valid = (np.zeros((B, T), dtype=np.float32) for _ in range(3))
    obs[:, 0] = env.reset(seed)
    memory, t, done = None, 0, np.zeros(B, dtype=bool)
    with torch.no_grad():
        while not done.all():
            q, memory = q_net(torch.as_tensor(obs[:, t:t + 1]), memory)  # (B, 1, n_actions)
            action[:, t] = epsilon_greedy(q[:, 0], epsilon, rng)
            obs[:, t + 1], _, reward[:, t], done, info = env.step(action[:, t])
            terminal[:, t], valid[:, t] = info["terminal"], info["active"]
            t += 1
    return {"obs": obs, "action": action, "reward": reward, "terminal": terminal, "valid": valid,
            "length": valid.sum(axis=1).astype(np.int64)}


def td_target(reward, terminal, q_next, gamma: float) -> torch.Tensor:
    """The bootstrapped target ``y_t = r_t + gamma (1 - terminal_t) max_a' Q_bar(h_{t+1}, a')``.

    ``reward`` and ``terminal`` (batch, L); ``q_next`` (batch, L, n_actions), the target
    network's Q-values at the next step. A truncated (time-limit) step is not terminal: it
    still bootstraps. Arrays are accepted too (converted with ``torch.as_tensor``).

    >>> td_target(torch.tensor([[1.0, 1.0]]), torch.tensor([[0.0, 1.0]]), torch.tensor([[[2.0, 3.0], [5.0, 4.0]]]), 0.5)
    tensor([[2.5000, 1.0000]])
    """
    gamma = check_real(gamma, "gamma", low=0, high=1)
    reward, terminal, q_next = (torch.as_tensor(x) for x in (reward, terminal, q_next))
    if q_next.ndim < 1 or tuple(q_next.shape[:-1]) != tuple(reward.shape):
        raise ValueError(f"q_next must have shape reward.shape + (n_actions,) = {tuple(reward.shape)} + (n_actions,), "
                         f"got {tuple(q_next.shape)}")
    if tuple(terminal.shape) != tuple(reward.shape):
        raise ValueError(f"terminal must have the shape of reward {tuple(reward.shape)}, got {tuple(terminal.shape)}")
    return reward + gamma * (1.0 - terminal) * q_next.max(dim=-1).values


def td_loss(q_net: nn.Module, target_net: nn.Module, batch: dict[str, torch.Tensor], gamma: float,
            update: str, trace_length: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """The Huber TD loss on a batch of episodes under the ``update`` scheme; also the mean max Q.

    A window of ``L`` steps starts at ``start`` in each episode (0 and the whole episode for
    ``"sequential"``; uniform in the episode and ``trace_length`` for ``"random"``). The
    networks see the ``q_net.context_length`` observations before ``start`` too (a frame
    stack's previous frames; none for the LSTM, whose hidden state starts at zero).

    >>> from marl_course.envs.cartpole import CartPole
    >>> ep = run_episodes(RecurrentQNet(4, 2, 8), CartPole(n_envs=3, max_steps=9), 1.0, np.random.default_rng(0), 0)
    >>> batch = {k: torch.as_tensor(v) for k, v in ep.items()}
    >>> net = RecurrentQNet(4, 2, 8)
    >>> loss, q = td_loss(net, net, batch, 0.99, "random", 4, np.random.default_rng(0))
    >>> loss.ndim, bool(loss >= 0)
    (0, True)
    """
    check_instance(q_net, "q_net", nn.Module)
    check_instance(target_net, "target_net", nn.Module)
    missing = {"obs", "action", "reward", "terminal", "length"} - set(batch)
    if missing:
        raise ValueError(f"batch is missing the fields {sorted(missing)}")
    gamma = check_real(gamma, "gamma", low=0, high=1)
    check_choice(update, "update", ("random", "sequential"))
    trace_length = check_int(trace_length, "trace_length", low=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    length = batch["length"]  # (batch,)
    if length.ndim != 1 or bool((length < 1).any()):
        raise ValueError("batch['length'] must be a 1-D tensor of episode lengths >= 1")
    if update == "sequential":
        start, L = torch.zeros_like(length), int(batch["action"].shape[1])
    else:
        start, L = torch.as_tensor(rng.integers(0, length.numpy())), trace_length
    burn = q_net.context_length
    t_obs = start[:, None] + torch.arange(-burn, L + 1)  # (batch, burn + L + 1)
    obs = batch["obs"].gather(1, t_obs.clamp(0, batch["obs"].shape[1] - 1)[..., None].expand(-1, -1, batch["obs"].shape[2]))
    obs = obs * (t_obs >= 0)[..., None]  # zeros before the episode's start
    t_step = start[:, None] + torch.arange(L)  # (batch, L)
    step_ok = t_step < length[:, None]  # (batch, L)
    t_step = t_step.clamp(max=batch["action"].shape[1] - 1)
    action, reward, terminal = (batch[k].gather(1, t_step) for k in ("action", "reward", "terminal"))  # (batch, L)
    q_all, _ = q_net(obs)  # (batch, burn + L + 1, n_actions)
    q_taken = q_all[:, burn:burn + L].gather(2, action[..., None])[..., 0]  # (batch, L)
    with torch.no_grad():
        y = td_target(reward, terminal, target_net(obs)[0][:, burn + 1:], gamma)  # (batch, L)
    mask = step_ok.float()
    loss = (nn.functional.smooth_l1_loss(q_taken, y, reduction="none") * mask).sum() / mask.sum()
    mean_q = (q_all[:, burn:burn + L].max(dim=2).values.detach() * mask).sum() / mask.sum()
    return loss, mean_q


@contextmanager
def _single_thread():
    """Run torch single-threaded inside the block: these networks are too small to gain from
    intra-op threads, and on a shared CPU the threads' contention slows training several times."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train(env, config: DRQNConfig = DRQNConfig(), seed: int = 0, progress: bool = True) -> History:
    """Train DQN or DRQN on the batched environment ``env`` (e.g. :class:`~marl_course.envs.cartpole.CartPole`).

    Each iteration plays one batch of ``env.n_envs`` episodes epsilon-greedily, stores them in an
    episode replay (:class:`~marl_course.deep.common.ReplayBuffer` with one row per episode),
    then takes ``updates_per_step`` gradient steps per environment step collected on
    :func:`td_loss`, copying the target network every ``target_every`` updates.

    Parameters
    ----------
    env : CartPole-like
        ``reset(seed)``, ``step(actions)``, ``n_envs``, ``obs_dim``, ``n_actions``, ``max_steps``.
    config : DRQNConfig
    seed : int
        Seeds torch, exploration and the episodes' initial states.
    progress : bool
        Show a tqdm progress bar over environment steps.

    Returns
    -------
    History
    """
    if not isinstance(config, DRQNConfig):
        raise TypeError(f"config must be a DRQNConfig, got {type(config).__name__}")
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "n_envs", "obs_dim", "n_actions", "max_steps"))
    with _single_thread():
        return _train(env, config, seed, progress)


def _train(env, config: DRQNConfig, seed: int, progress: bool) -> History:
    rng = seed_everything(seed)
    q_net = make_q_net(env.obs_dim, env.n_actions, config)
    target_net = make_q_net(env.obs_dim, env.n_actions, config)
    target_net.load_state_dict(q_net.state_dict())
    optimiser = torch.optim.Adam(q_net.parameters(), lr=config.lr)
    replay = ReplayBuffer(config.buffer_episodes)
    history = History(q_net=q_net)
    steps, n_updates, owed = 0, 0, 0.0
    bar = tqdm(total=config.total_steps, disable=not progress, desc="DRQN" if config.recurrent else "DQN")
    while steps < config.total_steps:
        progress_fraction = min(1.0, steps / (config.eps_fraction * config.total_steps))
        epsilon = config.eps_start + progress_fraction * (config.eps_end - config.eps_start)
        episodes = run_episodes(q_net, env, epsilon, rng, seed=int(rng.integers(2**31)))
        replay.add(**episodes)
        new_steps = int(episodes["length"].sum())
        steps += new_steps
        bar.update(new_steps)
        history.steps.append(steps)
        history.returns.append(float(episodes["reward"].sum(axis=1).mean()))
        if steps < config.learning_starts:
            continue
        owed += new_steps * config.updates_per_step
        while owed >= 1:
            owed -= 1
            loss, mean_q = td_loss(q_net, target_net, replay.sample(config.batch_size, rng), config.gamma,
                                   config.update, config.trace_length, rng)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(q_net.parameters(), 10.0)
            optimiser.step()
            n_updates += 1
            history.losses.append(loss.item())
            history.q_values.append(float(mean_q))
            if n_updates % config.target_every == 0:
                target_net.load_state_dict(q_net.state_dict())
    bar.close()
    return history


def evaluate(q_net: nn.Module, env, seed: int = 0, n_batches: int = 1) -> float:
    """Mean greedy return over ``n_batches`` batches of ``env.n_envs`` episodes.

    >>> from marl_course.envs.cartpole import CartPole
    >>> evaluate(RecurrentQNet(4, 2, 8), CartPole(n_envs=2, max_steps=10), seed=0) <= 10
    True
    """
    n_batches = check_int(n_batches, "n_batches", low=1)
    check_instance(q_net, "q_net", nn.Module)
    seed = check_int(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    with _single_thread():
        returns = [run_episodes(q_net, env, 0.0, rng, seed=seed + i)["reward"].sum(axis=1) for i in range(n_batches)]
    return float(np.mean(returns))


@dataclass
class RobustnessResult:
    """What :func:`flicker_robustness` returns: greedy returns over an evaluation sweep of flicker p."""

    eval_flicker: np.ndarray
    """The evaluation flicker probabilities p, shape (n_p,)."""
    scores: dict
    """``label -> array (n_seeds, n_p)``: mean greedy return of each seed's network at each p."""
    curves: dict
    """``label -> list of (steps, returns)``, one training curve per seed."""


def flicker_robustness(configs: dict, train_flicker: float, eval_flicker, seeds=(0, 1, 2), *,
                       hide_velocity: bool = False, visible_flag: bool = False, n_envs: int = 8, max_steps: int = 100,
                       eval_envs: int = 32, progress: bool = True) -> RobustnessResult:
    """Train each config at one flicker probability, then evaluate it greedily at every ``eval_flicker``.

    The paper's generalisation experiment: a network trained with observation probability
    ``1 - p_train`` is played, without further learning, at other probabilities ``1 - p``.
    Every ``(label, seed)`` trains on ``CartPole(n_envs, train_flicker, hide_velocity, max_steps,
    visible_flag=visible_flag)`` and is evaluated on ``eval_envs`` episodes per ``p`` with one
    evaluation seed, so at each ``p`` all networks meet the same initial states and the same
    blanking pattern (the environment draws it for every world at every step).

    Parameters
    ----------
    configs : dict
        ``label -> DRQNConfig``.
    train_flicker : float
        p of the training environment.
    eval_flicker : array_like, shape (n_p,)
        Evaluation flicker probabilities, each in [0, 1].
    seeds : sequence of int
        One training run per seed and label.
    hide_velocity, visible_flag, n_envs, max_steps : see :class:`~marl_course.envs.cartpole.CartPole`.
    eval_envs : int
        Episodes per evaluation point.
    progress : bool
        One tqdm bar over all the training runs.

    Returns
    -------
    RobustnessResult

    Examples
    --------
    >>> result = flicker_robustness({"DRQN": DRQNConfig(total_steps=60, learning_starts=20, hidden=8)},
    ...                             0.5, [0.0, 1.0], seeds=(0,), max_steps=10, eval_envs=4, progress=False)
    >>> result.scores["DRQN"].shape
    (1, 2)
    """
    if not configs or not all(isinstance(c, DRQNConfig) for c in configs.values()):
        raise TypeError("configs must be a non-empty dict of label -> DRQNConfig")
    p_eval = np.asarray(eval_flicker, dtype=float)
    if p_eval.ndim != 1 or p_eval.size == 0 or np.any((p_eval < 0) | (p_eval > 1)):
        raise ValueError(f"eval_flicker must be a non-empty 1-D array of probabilities in [0, 1], got {eval_flicker!r}")
    seeds = [check_int(s, "seeds", low=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    check_real(train_flicker, "train_flicker", low=0, high=1)
    for name, value in (("n_envs", n_envs), ("max_steps", max_steps), ("eval_envs", eval_envs)):
        check_int(value, name, low=1)
    for name, value in (("hide_velocity", hide_velocity), ("visible_flag", visible_flag), ("progress", progress)):
        check_bool(value, name)
    train_env = CartPole(n_envs, train_flicker, hide_velocity, max_steps, visible_flag=visible_flag)
    evaluation = [CartPole(eval_envs, p, hide_velocity, max_steps, visible_flag=visible_flag) for p in p_eval]
    scores, curves = {}, {}
    bar = tqdm(total=len(configs) * len(seeds), disable=not progress, desc=f"training at p = {train_flicker:g}")
    for label, config in configs.items():
        rows, curves[label] = [], []
        for seed in seeds:
            history = train(train_env, config, seed=seed, progress=False)
            curves[label].append((history.steps, history.returns))
            rows.append([evaluate(history.q_net, env, seed=10_000) for env in evaluation])
            bar.update()
        scores[label] = np.array(rows)
    bar.close()
    return RobustnessResult(eval_flicker=p_eval, scores=scores, curves=curves)


def relative_scores(scores, eval_flicker, reference: float) -> np.ndarray:
    """Each run's returns as a fraction of its own return at the flicker probability ``reference``.

    The paper's "percentage of the original score": a network trained at ``p_train`` is
    normalised by its score at ``p = p_train``, so a curve shows how much of what it learned
    survives the change of observation quality, whatever its absolute level.

    Parameters
    ----------
    scores : array_like, shape (n_seeds, n_p)
    eval_flicker : array_like, shape (n_p,)
        Must contain ``reference``.
    reference : float

    Returns
    -------
    numpy.ndarray, shape (n_seeds, n_p)

    Examples
    --------
    >>> relative_scores([[100.0, 50.0], [80.0, 60.0]], [0.0, 0.5], reference=0.0).tolist()
    [[1.0, 0.5], [1.0, 0.75]]
    """
    scores = as_finite_array(scores, "scores", ndim=2)
    p = as_finite_array(eval_flicker, "eval_flicker", ndim=1)
    reference = check_real(reference, "reference")
    match = np.flatnonzero(np.isclose(p, reference))
    if scores.shape[1] != len(p) or len(match) == 0:
        raise ValueError(f"eval_flicker must have one entry per column of scores ({scores.shape[1]}) and contain "
                         f"reference={reference!r}")
    if np.any(scores[:, match[0]] == 0):
        raise ValueError(f"scores at the reference flicker (reference={reference!r}) must be non-zero: a run scoring "
                         f"0 there has no relative score")
    return scores / scores[:, match[:1]]


def save(path, q_net: nn.Module) -> None:
    """Save a trained Q-network's weights (rebuild it with :func:`make_q_net` before :func:`load`)."""
    save_state(path, q_net=q_net)


def load(path, q_net: nn.Module) -> nn.Module:
    """Load weights saved by :func:`save` into ``q_net`` (``weights_only=True``) and return it."""
    load_state(path, q_net=q_net)
    return q_net
