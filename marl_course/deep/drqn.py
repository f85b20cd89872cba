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

The paper's generalisation experiment (train at one flicker probability, evaluate greedily over a
sweep of them) is :mod:`marl_course.experiments.flicker`.

References
----------
Hausknecht & Stone 2015, "Deep Recurrent Q-Learning for Partially Observable MDPs".
Mnih et al. 2015, "Human-level control through deep reinforcement learning".

Examples
--------
>>> from marl_course.envs.cartpole import CartPole
>>> env = CartPole(n_envs=4, flicker=0.5, max_steps=10)
>>> history = train(env, DRQNConfig(total_steps=60, learning_starts=20, hidden=16), seed=0, progress=False)
>>> len(history.loss) > 0, evaluate(history.model, env, seed=1) <= 10
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from marl_course._random import epsilon_greedy, linear_schedule
from marl_course._validation import check_bool, check_choice, check_instance, check_int, check_real
from marl_course.deep.common import (History, ReplayBuffer, check_env, check_rank, check_size, mlp, seed_everything,
                                     single_thread)
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: drqn.save, drqn.load)


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
    buffer_size: int = 1000
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
    epsilon_start: float = 1.0
    """Initial epsilon of epsilon-greedy exploration (paper: 1.0)."""
    epsilon_end: float = 0.05
    """Final epsilon (paper: 0.1)."""
    epsilon_fraction: float = 0.5
    """Fraction of ``total_steps`` over which epsilon decays linearly (paper: first 1M frames)."""

    def __post_init__(self):
        for name in ("n_frames", "hidden", "trace_length", "total_steps", "batch_size", "buffer_size",
                     "target_every"):
            check_int(getattr(self, name), name, low=1)
        check_int(self.learning_starts, "learning_starts", low=0)
        check_bool(self.recurrent, "recurrent")
        check_choice(self.update, "update", ("random", "sequential"))
        check_real(self.updates_per_step, "updates_per_step", low=0, low_open=True)
        check_real(self.gamma, "gamma", low=0, high=1, high_open=True)
        check_real(self.lr, "lr", low=0, low_open=True)
        check_real(self.epsilon_start, "epsilon_start", low=0, high=1)
        check_real(self.epsilon_end, "epsilon_end", low=0, high=1)
        check_real(self.epsilon_fraction, "epsilon_fraction", low=0, high=1, low_open=True)
        # a run owes (total_steps - learning_starts) * updates_per_step updates at least: refuse one owing none
        if (self.total_steps - self.learning_starts) * self.updates_per_step < 1:
            raise ValueError(f"total_steps, learning_starts, updates_per_step: (total_steps - learning_starts) * "
                             f"updates_per_step = ({self.total_steps} - {self.learning_starts}) * {self.updates_per_step}"
                             f" < 1, so the run could end without one gradient update")


def make_q_net(obs_dim: int, n_actions: int, config: DRQNConfig) -> nn.Module:
    """The network ``config`` asks for: DRQN's :class:`RecurrentQNet` or DQN's :class:`FrameStackQNet`.

    >>> type(make_q_net(4, 2, DRQNConfig(recurrent=False))).__name__
    'FrameStackQNet'
    """
    check_instance(config, "config", DRQNConfig)
    if config.recurrent:
        return RecurrentQNet(obs_dim, n_actions, config.hidden)
    return FrameStackQNet(obs_dim, n_actions, config.n_frames, config.hidden)


def run_episodes(q_net: nn.Module, env, epsilon: float, rng: np.random.Generator, seed: int,
                 memory: bool = True) -> dict[str, np.ndarray]:
    """Play one batch of ``env.n_envs`` episodes epsilon-greedily, carrying the network's memory.

    ``memory=False`` is the ablation: the memory is wiped before every step (the LSTM starts from
    ``(h, c) = 0``, the frame stack sees zeros before the current frame), so the network acts on
    the current observation alone.

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
    keep = check_bool(memory, "memory")
    B, T = env.n_envs, env.max_steps
    obs = np.zeros((B, T + 1, env.obs_dim), dtype=np.float32)
    action = np.zeros((B, T), dtype=np.int64)
    reward, terminal, valid = (np.zeros((B, T), dtype=np.float32) for _ in range(3))
    obs[:, 0] = env.reset(seed)[0]
    carried, t, done = None, 0, np.zeros(B, dtype=bool)  # the network's memory, carried from step to step
    with torch.no_grad():
        while not done.all():
            q, carried = q_net(torch.as_tensor(obs[:, t:t + 1]), carried if keep else None)  # (B, 1, n_actions)
            action[:, t] = epsilon_greedy.unchecked(q[:, 0].numpy(), epsilon, rng)
            obs[:, t + 1], _, reward[:, t], done, info = env.step(action[:, t])
            terminal[:, t], valid[:, t] = info["terminated"] & info["active"], info["active"]  # failed at this step
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


@single_thread()
def train(env, config: DRQNConfig | None = None, *, seed: int = 0, progress: bool = True) -> History:
    """Train DQN or DRQN on the batched environment ``env`` (e.g. :class:`~marl_course.envs.cartpole.CartPole`).

    Each iteration plays one batch of ``env.n_envs`` episodes epsilon-greedily, stores them in an
    episode replay (:class:`~marl_course.deep.common.ReplayBuffer` with one row per episode),
    then takes ``updates_per_step`` gradient steps per environment step collected on
    :func:`td_loss`, copying the target network every ``target_every`` updates. Epsilon decays
    linearly from ``epsilon_start`` to ``epsilon_end`` over the first ``epsilon_fraction`` of
    ``total_steps``.

    Parameters
    ----------
    env : CartPole-like
        ``reset(seed)``, ``step(actions)``, ``n_envs``, ``obs_dim``, ``n_actions``, ``max_steps``.
    config : DRQNConfig, optional
        Defaults to ``DRQNConfig()``.
    seed : int
        Seeds torch, exploration and the episodes' initial states.
    progress : bool
        Show a tqdm progress bar over environment steps.

    Returns
    -------
    History
        Counted in environment steps: ``train_return[k]`` is the mean return of the batch of
        exploring episodes that ended at ``steps[k]``; ``loss`` the TD loss of each update;
        ``metrics["q_value"]`` the mean ``max_a Q`` over each update's window (the article's
        "look at the Q values" diagnostic), one entry per update.
    """
    config = DRQNConfig() if config is None else check_instance(config, "config", DRQNConfig)
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "n_envs", "obs_dim", "n_actions", "max_steps"))
    rng = seed_everything(seed)
    q_net = make_q_net(env.obs_dim, env.n_actions, config)
    target_net = make_q_net(env.obs_dim, env.n_actions, config)
    target_net.load_state_dict(q_net.state_dict())
    optimiser = torch.optim.Adam(q_net.parameters(), lr=config.lr)
    replay = ReplayBuffer(config.buffer_size)
    history = History(model=q_net, step_unit="environment steps", metrics={"q_value": []})
    steps, n_updates, owed = 0, 0, 0.0
    bar = tqdm(total=config.total_steps, disable=not progress, desc="DRQN" if config.recurrent else "DQN")
    while steps < config.total_steps:
        epsilon = linear_schedule(config.epsilon_start, config.epsilon_end, config.epsilon_fraction * config.total_steps,
                                  steps)
        episodes = run_episodes(q_net, env, epsilon, rng, seed=int(rng.integers(2**31)))
        replay.add(**episodes)
        new_steps = int(episodes["length"].sum())
        steps += new_steps
        bar.update(new_steps)
        history.steps.append(steps)
        history.train_return.append(float(episodes["reward"].sum(axis=1).mean()))
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
            history.loss.append(loss.item())
            history.metrics["q_value"].append(float(mean_q))
            if n_updates % config.target_every == 0:
                target_net.load_state_dict(q_net.state_dict())
    bar.close()
    return history


@single_thread()
def evaluate(model: nn.Module, env, *, n_episodes: int = 1, seed: int = 0, memory: bool = True) -> float:
    """Mean greedy return over ``n_episodes`` resets of ``env``, each a batch of ``env.n_envs`` episodes.

    ``memory=False`` measures what the memory is worth: the same network, the same episodes, its
    memory wiped before every step (see :func:`run_episodes`).

    >>> from marl_course.envs.cartpole import CartPole
    >>> evaluate(RecurrentQNet(4, 2, 8), CartPole(n_envs=2, max_steps=10), seed=0) <= 10
    True
    """
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    check_instance(model, "model", nn.Module)
    seed = check_int(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    returns = [run_episodes(model, env, 0.0, rng, seed=seed + i, memory=memory)["reward"].sum(axis=1)
               for i in range(n_episodes)]
    return float(np.mean(returns))
