"""Watch the agents: seeded episodes before and after training, animated side by side.

Three steps, the same for every environment of the course:

1. :func:`record_frames` plays one seeded episode of an environment with a policy and returns
   its frames, one dict per state (the start included): what the drawing needs, the ``step``,
   the ``return`` so far and a ``note`` on what just happened (a goal, a capture, ...);
2. :func:`animate_episodes` draws two recordings side by side (usually the untrained, random
   policy on the left and the trained one on the right) with one ``draw_*`` function:
   :func:`draw_soccer`, :func:`draw_particles`, :func:`draw_coordination_grid`,
   :func:`draw_battle`, :func:`draw_jungle`, :func:`draw_predator_prey`, each
   ``draw_*(frame, ax)``;
3. :func:`to_html` renders the animation to inline JavaScript (``FuncAnimation.to_jshtml``):
   the frames are embedded as PNG images, so it plays offline, in JupyterLab and in the static
   HTML book.

A policy is ``policy(observation, rng) -> actions`` in the environment's own format (see
:func:`record_frames`); :func:`random_policy` gives the uniformly random one,
:func:`trained_policy` wraps a trained learner of chapters 5-10 and :func:`soccer_players`
pairs two soccer policies. A policy with memory (a recurrent network) has a ``reset()``
method, which :func:`record_frames` calls before the episode.

Examples
--------
>>> from marl_course.envs.particle import CooperativeNavigation
>>> env = CooperativeNavigation(max_steps=5)
>>> before = record_frames(env, random_policy(env), seed=3)
>>> after = record_frames(env, random_policy(env), seed=4)
>>> len(before), sorted(before[0])
(6, ['agent_pos', 'agent_size', 'goal', 'landmark_pos', 'note', 'return', 'step'])
>>> animation = animate_episodes(before, after, draw_particles, titles=("seed 3", "seed 4"))
>>> html = to_html(animation)  # display(html) in a notebook
>>> 'frames[5] = "data:image/png' in html.data  # the last of the 6 frames is embedded
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from marl_course._random import sample_categorical
from marl_course._validation import as_finite_array, as_probability_rows, check_int, check_real
from marl_course.envs.battle_grid import BattleGrid
from marl_course.envs.coordination_grid import CoordinationGrid
from marl_course.envs.jungle import Jungle
from marl_course.envs.particle import ParticleWorld
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.envs.soccer import COLS, GOAL_ROWS, ROWS, STATES, Soccer
from marl_course.viz._checks import check_ax, check_frame, check_names, check_sequence, check_text

FRAME_KEYS = ("step", "return", "note")
"""Keys every recorded frame holds, besides what its ``draw_*`` function needs."""

_ICONS = {"fa fa-play fa-flip-horizontal": "\u25c0", "fa fa-play": "\u25b6", "fa fa-pause": "||",
          "fa fa-step-backward": "\u25c1", "fa fa-step-forward": "\u25b7", "fa fa-fast-backward": "\u21e4",
          "fa fa-fast-forward": "\u21e5", "fa fa-minus": "\u2212", "fa fa-plus": "+"}
"""The player's Font Awesome button icons (loaded from a CDN) as characters common fonts have, so it works offline."""
_ICON_CSS = re.compile(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">')


# ---- recording -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Adapter:
    """How to play one kind of environment: ``reset(env, seed) -> observation``,
    ``step(env, actions) -> (observation, reward, done, note)``, ``snapshot(env) -> dict`` (world 0),
    ``random_actions(env, rng) -> actions`` and ``episode_length(env)`` (None: no natural end)."""

    reset: Callable
    step: Callable
    snapshot: Callable
    random_actions: Callable
    episode_length: Callable


def _soccer_step(env, actions):
    # world 0 of the batch plays; a game that ends is reset at once, so the board shows the next start
    _, state, rewards, done, _ = env.step(np.broadcast_to(actions, (env.n_envs, 2)))
    if done[0]:
        state = env.reset()[1]
    note = ("A scores" if rewards[0, 0] > 0 else "B scores" if rewards[0, 0] < 0 else "draw: new game") if done[0] else ""
    return int(state[0]), float(rewards[0, 0]), False, note


def _particle_step(env, actions):
    out = env.step(actions)
    return out.obs, float(out.rewards[0].mean()), bool(out.done[0]), ""


def _grid_step(env, actions):
    obs, _, reward, done, info = env.step(actions)
    return obs, float(reward[0]), bool(done[0]), "prey caught" if info["caught"][0] else ""


def _battle_step(env, actions):
    # the policy sees world 0 and returns its (n,) actions; every world of the batch plays them
    obs, _, reward, done, info = env.step(np.broadcast_to(actions, (env.n_envs, env.n_agents)))
    note = "blue destroyed" if info["blue_alive"][0] == 0 else "red destroyed" if info["red_alive"][0] == 0 else ""
    return (obs[0], info["mean_action"][0]), float(reward[0].sum() / env.n_agents), bool(done[0]), note


def _jungle_step(env, actions):
    obs, _, reward, done, info = env.step(actions)
    return (obs, info["adjacency"]), float(reward[0].mean()), bool(done[0]), ""


def _predator_prey_step(env, actions):
    obs, _, reward, done, info = env.step(actions)
    return obs, float(reward[0].mean()), bool(done[0]), "every predator on the prey" if info["success"][0] else ""


def _batch_random(env, rng):
    return rng.integers(0, env.n_actions, size=(env.n_envs, env.n_agents))


_ADAPTERS = {
    Soccer: _Adapter(
        reset=lambda env, seed: int(env.reset(seed=seed)[1][0]),
        step=_soccer_step,
        snapshot=lambda env: dict(zip(("cell_a", "cell_b", "ball"), (int(v) for v in STATES[env.state[0]]))),
        random_actions=lambda env, rng: (int(rng.integers(5)), int(rng.integers(5))),
        episode_length=lambda env: None),
    ParticleWorld: _Adapter(
        reset=lambda env, seed: env.reset(seed)[0],
        step=_particle_step,
        snapshot=lambda env: {"agent_pos": env.agent_pos[0].copy(), "landmark_pos": env.landmark_pos[0].copy(),
                              "agent_size": env.agent_size, "goal": int(env.goal[0]) if hasattr(env, "goal") else -1},
        random_actions=lambda env, rng: np.stack([rng.integers(0, m, size=env.n_envs) for m in env.n_actions], 1),
        episode_length=lambda env: env.max_steps),
    CoordinationGrid: _Adapter(
        reset=lambda env, seed: env.reset(seed=seed)[0],
        step=_grid_step,
        snapshot=lambda env: {"predator_pos": env.predator_pos[0], "prey_pos": env.prey_pos[0], "size": env.size},
        random_actions=_batch_random,
        episode_length=lambda env: env.episode_limit),
    BattleGrid: _Adapter(
        reset=lambda env, seed: (lambda obs, state, info: (obs[0], info["mean_action"][0]))(*env.reset(seed=seed)),
        step=_battle_step,
        snapshot=lambda env: {"positions": env.positions[0].copy(), "team": env.team.copy(),
                              "hit_points": env.hit_points[0].copy(), "hp": env.hp, "size": env.size},
        random_actions=lambda env, rng: rng.integers(0, env.n_actions, size=env.n_agents),
        episode_length=lambda env: env.max_steps),
    Jungle: _Adapter(
        reset=lambda env, seed: (lambda obs, state, info: (obs, info["adjacency"]))(*env.reset(seed=seed)),
        step=_jungle_step,
        snapshot=lambda env: {"agent_pos": env.agent_pos[0].copy(), "food_pos": env.food_pos[0].copy(),
                              "eating": env.eating()[0], "scout": env.is_scout.copy(), "size": env.size},
        random_actions=_batch_random,
        episode_length=lambda env: env.episode_length),
    PredatorPrey: _Adapter(
        reset=lambda env, seed: env.reset(seed=seed)[0],
        step=_predator_prey_step,
        snapshot=lambda env: {"predator_pos": env.predator_pos[0].copy(), "prey_pos": env.prey_pos[0].copy(),
                              "size": env.size},
        random_actions=_batch_random,
        episode_length=lambda env: env.episode_length),
}


def _adapter(env) -> _Adapter:
    for kind, adapter in _ADAPTERS.items():
        if isinstance(env, kind):
            return adapter
    names = ", ".join(kind.__name__ for kind in _ADAPTERS)
    raise TypeError(f"env must be one of the course's environments ({names}), got {type(env).__name__}")


def record_frames(env, policy, seed: int = 0, n_steps: int | None = None) -> list[dict]:
    """Play one seeded episode of ``env`` with ``policy`` and record every state of world 0.

    ``env`` is reset with ``seed`` and ``policy(observation, rng) -> actions`` is called with
    ``rng = numpy.random.default_rng(seed)``, so the same seed gives the same frames. The
    observation a policy gets, and the actions it returns:

    ============================  ====================================  ==============================
    environment                   observation                           actions
    ============================  ====================================  ==============================
    ``Soccer``                    the state index                       ``(action of A, action of B)``
    ``ParticleWorld`` (any task)  ``obs`` (B, n, d)                     (B, n)
    ``CoordinationGrid``          ``obs`` (E, n, d)                     (E, n)
    ``BattleGrid``                ``(obs, mean_action)`` of red         (n,) red's actions
    ``Jungle``                    ``(obs, adjacency)``                  (E, N)
    ``PredatorPrey``              ``obs`` (E, N, 5)                     (E, N)
    ============================  ====================================  ==============================

    The return so far is world 0's: A's reward in soccer, the team reward in the coordination
    grid, the mean reward per agent elsewhere (per red soldier in the battle).

    Parameters
    ----------
    env : one of the environments above
    policy : callable
        ``policy(observation, rng) -> actions``; its ``reset()``, if it has one, is called first.
    seed : int
        Seeds the environment and ``rng``.
    n_steps : int, optional
        Steps to play at most; default the episode length. Soccer has no episode end (a game
        that ends restarts), so it needs ``n_steps``.

    Returns
    -------
    list of dict
        ``steps played + 1`` frames (the start first), each with ``step``, ``return``, ``note``
        and what the environment's ``draw_*`` function draws.

    Examples
    --------
    >>> from marl_course.envs.soccer import Soccer
    >>> frames = record_frames(Soccer(), random_policy(Soccer()), seed=0, n_steps=5)
    >>> len(frames), sorted(frames[0])
    (6, ['ball', 'cell_a', 'cell_b', 'note', 'return', 'step'])
    """
    adapter = _adapter(env)
    if not callable(policy):
        raise TypeError(f"policy must be a function policy(observation, rng) -> actions, got {type(policy).__name__}")
    seed = check_int(seed, "seed", low=0)
    length = adapter.episode_length(env)
    if n_steps is None and length is None:
        raise ValueError(f"n_steps must be given for {type(env).__name__}, which has no episode end")
    n_steps = length if n_steps is None else check_int(n_steps, "n_steps", low=1, high=length)
    rng = np.random.default_rng(seed)
    if callable(getattr(policy, "reset", None)):
        policy.reset()
    observation = adapter.reset(env, seed)
    frames = [dict(adapter.snapshot(env), step=0, note="", **{"return": 0.0})]
    total = 0.0
    for step in range(1, n_steps + 1):
        observation, reward, done, note = adapter.step(env, policy(observation, rng))
        total += reward
        frames.append(dict(adapter.snapshot(env), step=step, note=note, **{"return": total}))
        if done:
            break
    return frames


def random_policy(env):
    """The uniformly random policy of ``env``'s agents (both players in soccer): ``policy(observation, rng)``.

    Examples
    --------
    >>> from marl_course.envs.jungle import Jungle
    >>> env = Jungle(n_envs=1, n_agents=3, k=2)
    >>> random_policy(env)(None, np.random.default_rng(0)).shape
    (1, 3)
    """
    adapter = _adapter(env)
    return lambda observation, rng: adapter.random_actions(env, rng)


def soccer_players(policy_a, policy_b):
    """One soccer policy from two: A plays ``policy_a`` and B ``policy_b``, each of shape (760, 5).

    Each player samples its action from its row of the state, as
    :class:`~marl_course.tabular.play.FixedPolicy` does.

    Examples
    --------
    >>> from marl_course.envs.soccer import A, B, hand_built_policy, uniform_policy
    >>> play = soccer_players(uniform_policy(), hand_built_policy(B))
    >>> len(play(0, np.random.default_rng(0)))
    2
    """
    from marl_course.tabular.play import FixedPolicy

    players = []
    for policy, name in ((policy_a, "policy_a"), (policy_b, "policy_b")):
        policy = as_probability_rows(as_finite_array(policy, name), name)
        if policy.shape != (len(STATES), 5):
            raise ValueError(f"{name} must have shape ({len(STATES)}, 5) (one row of action probabilities per "
                             f"soccer state), got shape {policy.shape}")
        players.append(FixedPolicy(policy))
    return lambda state, rng: (players[0].act(state, rng), players[1].act(state, rng))


class _RecurrentGreedy:
    """Greedy actions of a value-decomposition learner's recurrent agent network (chapter 7)."""

    def __init__(self, learner):
        self.agent = learner.agent
        self.hidden = self.last = None

    def reset(self):
        self.hidden = self.last = None

    def __call__(self, obs, rng):
        import torch

        obs = torch.as_tensor(obs, dtype=torch.float32)
        if self.hidden is None:
            self.hidden, self.last = self.agent.initial_hidden(obs.shape[0]), torch.full(obs.shape[:2], -1)
        with torch.no_grad():
            q, self.hidden = self.agent(obs, self.last, self.hidden)
        self.last = q.argmax(-1)
        return self.last.numpy()


class _GACommSampler:
    """GA-Comm's actions (chapter 10): hard attention by argmax (eval mode), actions sampled from ``pi``
    with ``rng``."""

    def __init__(self, net):
        self.net = net
        self.state = None

    def reset(self):
        self.state = None

    def __call__(self, obs, rng):
        import torch

        was_training = self.net.training
        self.net.eval()
        with torch.no_grad():
            logits, _, self.state, _, _ = self.net(torch.as_tensor(obs), self.state)
        self.net.train(was_training)
        return sample_categorical.unchecked(torch.softmax(logits, -1).numpy(), rng)


def trained_policy(trained):
    """The acting policy of a trained learner, ``policy(observation, rng)`` for :func:`record_frames`.

    ``trained`` is MADDPG's agents (chapter 5: greedy actors), a value-decomposition
    ``Learner`` (chapter 7: greedy ``Q_i`` of the recurrent agents), a ``MeanFieldAgent``
    (chapter 8: the most probable action of its policy at ``beta_end``), a ``DGN`` (chapter 9:
    greedy Q) or a ``GAComm`` (chapter 10: actions sampled from its policy, as it is evaluated).

    Examples
    --------
    >>> import torch
    >>> from marl_course.deep.dgn import DGN, DGNConfig
    >>> from marl_course.envs.jungle import Jungle
    >>> env = Jungle(n_envs=1, n_agents=3, k=2, episode_length=4)
    >>> _ = torch.manual_seed(0)
    >>> frames = record_frames(env, trained_policy(DGN(env.obs_dim, env.n_actions, DGNConfig(hidden=8))), seed=0)
    >>> len(frames)
    5
    """
    import torch

    from marl_course.deep.dgn import DGN, greedy_actions
    from marl_course.deep.g2anet import GAComm
    from marl_course.deep.maddpg import MADDPG
    from marl_course.deep.mean_field import MeanFieldAgent
    from marl_course.deep.value_decomposition import Learner

    if isinstance(trained, MADDPG):
        return lambda obs, rng: trained.act(obs, explore=False)
    if isinstance(trained, Learner):
        return _RecurrentGreedy(trained)
    if isinstance(trained, MeanFieldAgent):
        def mean_field_greedy(observation, rng):
            obs, mean_action = (torch.as_tensor(x) for x in observation)
            with torch.no_grad():
                return trained.policy(obs, mean_action, trained.config.beta_end).argmax(-1).numpy()
        return mean_field_greedy
    if isinstance(trained, DGN):
        return lambda observation, rng: greedy_actions(trained, *observation)
    if isinstance(trained, GAComm):
        return _GACommSampler(trained)
    raise TypeError("trained must be MADDPG agents, a value-decomposition Learner, a MeanFieldAgent, a DGN or a "
                    f"GAComm network, got {type(trained).__name__}")


# ---- animating -----------------------------------------------------------------------------


def _check_frames(frames, name: str) -> list:
    check_sequence(frames, name)
    for t, frame in enumerate(frames):
        check_frame(frame, f"{name}[{t}]", FRAME_KEYS)
    return list(frames)


def animate_episodes(frames_left, frames_right, draw_frame, titles=("untrained (random)", "trained"),
                     return_label: str = "return so far", interval_ms: int = 400, figsize=(8.0, 4.4),
                     dpi: int = 64) -> FuncAnimation:
    """Animate two recorded episodes side by side, one frame per step.

    Each panel is drawn by ``draw_frame(frame, ax)`` (the previous frame's artists removed first)
    and headed with its title, the step, the return so far and the frame's note. When one episode
    is shorter, its last frame stays (its note kept), marked "episode over". One legend, from the
    first frames, sits under both panels. Render it with :func:`to_html`.

    Parameters
    ----------
    frames_left, frames_right : list of dict
        Recordings from :func:`record_frames` (usually before and after training).
    draw_frame : callable
        One of the ``draw_*`` functions of this module, ``draw_frame(frame, ax)``.
    titles : pair of str
        The panels' titles.
    return_label : str
        What the return in the titles is called.
    interval_ms : int
        Milliseconds between frames when played.
    figsize : pair of float
        Figure size in inches.
    dpi : int
        Resolution of the embedded frames (dots per inch): low keeps the page small.

    Returns
    -------
    matplotlib.animation.FuncAnimation

    Examples
    --------
    >>> from marl_course.envs.predator_prey import PredatorPrey
    >>> env = PredatorPrey(n_envs=1, episode_length=4)
    >>> frames = record_frames(env, random_policy(env), seed=0)
    >>> animation = animate_episodes(frames, frames[:3], draw_predator_prey, titles=("all", "first three"))
    >>> len(list(animation.new_saved_frame_seq())) == len(frames)
    True
    >>> html = to_html(animation)
    """
    frames = (_check_frames(frames_left, "frames_left"), _check_frames(frames_right, "frames_right"))
    if not callable(draw_frame):
        raise TypeError(f"draw_frame must be a function draw_frame(frame, ax), got {type(draw_frame).__name__}")
    titles = check_names(titles, "titles", 2)
    check_text(return_label, "return_label")
    interval_ms = check_int(interval_ms, "interval_ms", low=1)
    check_sequence(figsize, "figsize")
    if len(figsize) != 2:
        raise ValueError(f"figsize must be a pair (width, height) in inches, got {len(figsize)} items")
    figsize = tuple(check_real(v, f"figsize[{i}]", low=0.5, high=30) for i, v in enumerate(figsize))
    dpi = check_int(dpi, "dpi", low=20, high=300)
    n_frames = max(len(f) for f in frames)
    # a Figure outside pyplot: the notebook shows only the player, and its canvas draws only when a frame is saved
    fig = Figure(figsize=figsize, dpi=dpi)
    axes = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.15, top=0.83, wspace=0.08)  # before drawing: sizes follow it

    # a text above each panel instead of a title (an axes title re-lays out the axes at every draw: slow)
    headers = [ax.text(0.5, 1.01, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=10) for ax in axes]
    drawn = [[], []]  # each panel's artists of the frame on show: removed before the next one (faster than clear)

    def show(i):
        for k, (ax, episode, title) in enumerate(zip(axes, frames, titles)):
            frame = episode[min(i, len(episode) - 1)]
            for artist in drawn[k]:
                artist.remove()
            before = set(ax.get_children())
            draw_frame(frame, ax)
            drawn[k] = [artist for artist in ax.get_children() if artist not in before]
            status = ", ".join(filter(None, (frame["note"], "episode over" if i >= len(episode) else "")))
            headers[k].set_text(f"{title}\nstep {frame['step']}, {return_label} {frame['return']:+.2f}\n{status}")
        return headers

    show(0)
    labelled = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            labelled.setdefault(label, handle)
    legend = fig.legend(labelled.values(), labelled.keys(), loc="lower center", ncol=min(len(labelled), 5),
                        fontsize=9, frameon=False)
    for handle in legend.legend_handles:  # one marker size in the legend, whatever the size on the board
        if isinstance(handle, PathCollection):
            handle.set_sizes([80])
    return FuncAnimation(fig, show, frames=n_frames, interval=interval_ms, blit=False, repeat=False,
                         cache_frame_data=False)


def to_html(animation, embed_limit_mb: float = 4.0):
    """The animation as inline JavaScript (its frames embedded as PNG), ready to display in a notebook.

    The page needs nothing from the network: the player's buttons show plain characters instead of
    the icon font matplotlib's player loads from a CDN.

    Raises ``ValueError`` when the frames do not fit in ``embed_limit_mb`` megabytes (matplotlib would drop the rest).

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> from marl_course.envs.soccer import Soccer
    >>> frames = record_frames(Soccer(), random_policy(Soccer()), seed=0, n_steps=3)
    >>> html = to_html(animate_episodes(frames, frames, draw_soccer))
    >>> [f"frames[{i}] = " in html.data for i in range(5)]  # 3 steps: 4 frames
    [True, True, True, True, False]
    """
    from IPython.display import HTML

    if not isinstance(animation, FuncAnimation):
        raise TypeError(f"animation must be a matplotlib FuncAnimation (from animate_episodes), "
                        f"got {type(animation).__name__}")
    embed_limit_mb = check_real(embed_limit_mb, "embed_limit_mb", low=0.01, high=50)
    n_frames = len(list(animation.new_saved_frame_seq()))
    with plt.rc_context({"animation.embed_limit": embed_limit_mb}):
        html = _ICON_CSS.sub("", animation.to_jshtml(default_mode="loop"))
    for icon, character in _ICONS.items():
        html = html.replace(f'<i class="{icon}"></i>', character)
    embedded = len(re.findall(r"frames\[\d+\] = ", html))
    if embedded != n_frames:
        raise ValueError(f"embed_limit_mb = {embed_limit_mb} holds {embedded} of the {n_frames} frames: "
                         "raise it, or record fewer steps or lower the dpi")
    return HTML(html)


# ---- drawing, one function per environment --------------------------------------------------


def _check_draw(frame, ax, keys):
    check_frame(frame, "frame", keys)
    check_ax(ax, optional=False)


def _grid_axes(ax, size: int):
    """Square cells with row 0 at the top, drawn as lines (no ticks: the axes is off, which keeps frames fast)."""
    edges = np.arange(size + 1) - 0.5
    ax.hlines(edges, -0.5, size - 0.5, color="0.8", lw=0.8)
    ax.vlines(edges, -0.5, size - 0.5, color="0.8", lw=0.8)
    ax.set_xlim(-0.6, size - 0.4)
    ax.set_ylim(size - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _cell_points(ax, size: int) -> float:
    """The side of one of ``size`` x ``size`` grid cells in points (marker sizes follow the figure's size)."""
    box = ax.get_position()
    width, height = ax.figure.get_size_inches() * (box.width, box.height)
    return 72 * min(width, height) / size


def _cells(value, name: str, size: int, shape=None) -> np.ndarray:
    """Grid cells (row, column) in ``[0, size)``: shape ``(n, 2)``, or ``shape`` when given."""
    cells = np.asarray(value)
    wanted = (len(cells), 2) if shape is None else shape
    if cells.shape != wanted or not np.issubdtype(cells.dtype, np.integer) or np.any((cells < 0) | (cells >= size)):
        raise ValueError(f"{name} must hold whole-number cells (row, column) in [0, {size}) with shape "
                         f"{'(n, 2)' if shape is None else shape}, got {cells.dtype} array of shape {cells.shape}")
    return cells


def _numbered(ax, cells, colors, size: int, label: str = "_nolegend_"):
    """Numbered agents at ``cells`` (row, column), discs of ``colors`` (one, or one per agent); agents sharing a
    cell are spread on a small circle so that every one stays visible."""
    cells = cells.astype(float)
    n = len(cells)
    shared = (cells[:, None] == cells[None]).all(-1).sum(-1) > 1
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    shown = cells + 0.22 * shared[:, None] * np.stack([np.sin(angle), np.cos(angle)], axis=-1)
    ax.scatter(shown[:, 1], shown[:, 0], s=(0.6 * _cell_points(ax, size)) ** 2, c=colors, edgecolors="k",
               linewidths=0.6, zorder=3, label=label)
    for i, (r, c) in enumerate(shown):
        ax.text(c, r, str(i), color="white", ha="center", va="center", fontsize=9, fontweight="bold", zorder=4)


def draw_soccer(frame: dict, ax):
    """Littman's soccer board: A (blue) attacks the goal on the left, B (red) the one on the right;
    the ball holder wears a black ring.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = draw_soccer({"cell_a": 8, "cell_b": 11, "ball": 0}, ax)
    >>> sorted(ax.get_legend_handles_labels()[1])
    ['A (attacks left goal)', 'B (attacks right goal)', 'ball holder']
    >>> plt.close(fig)
    """
    _check_draw(frame, ax, ("cell_a", "cell_b", "ball"))
    cells = [check_int(frame[key], f"frame['{key}']", low=0, high=ROWS * COLS - 1) for key in ("cell_a", "cell_b")]
    ball = check_int(frame["ball"], "frame['ball']", low=0, high=1)
    ax.hlines(np.arange(ROWS + 1) - 0.5, -0.5, COLS - 0.5, color="0.8", lw=0.8)
    ax.vlines(np.arange(COLS + 1) - 0.5, -0.5, ROWS - 0.5, color="0.8", lw=0.8)
    goal = (GOAL_ROWS[0] - 0.5, GOAL_ROWS[-1] + 0.5)
    ax.plot([-0.6, -0.6], goal, lw=6, color="tab:blue", alpha=0.5, solid_capstyle="butt")
    ax.plot([COLS - 0.4, COLS - 0.4], goal, lw=6, color="tab:red", alpha=0.5, solid_capstyle="butt")
    for player, (name, color, side) in enumerate((("A", "tab:blue", "left"), ("B", "tab:red", "right"))):
        row, col = divmod(cells[player], COLS)
        ax.scatter(col, row, s=420, color=color, zorder=3, label=f"{name} (attacks {side} goal)")
        ax.text(col, row, name, color="white", ha="center", va="center", fontweight="bold", zorder=4)
    row, col = divmod(cells[ball], COLS)
    ax.scatter(col, row, s=700, facecolors="none", edgecolors="k", linewidths=2.5, zorder=2, label="ball holder")
    ax.set_xlim(-0.9, COLS - 0.1)
    ax.set_ylim(ROWS - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_particles(frame: dict, ax):
    """A particle world: landmarks (crosses; the goal, if the task has one, circled in green) and
    the agents as discs of their true size; the dashed square is where entities are placed at reset.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> frame = {"agent_pos": np.zeros((2, 2)), "landmark_pos": np.ones((2, 2)), "agent_size": 0.15, "goal": -1}
    >>> _ = draw_particles(frame, ax)
    >>> ax.get_legend_handles_labels()[1]
    ['landmark', 'agent 0', 'agent 1']
    >>> plt.close(fig)
    """
    _check_draw(frame, ax, ("agent_pos", "landmark_pos", "agent_size", "goal"))
    agents, landmarks = (np.asarray(frame[key], dtype=float) for key in ("agent_pos", "landmark_pos"))
    for key, array in (("agent_pos", agents), ("landmark_pos", landmarks)):
        if array.ndim != 2 or array.shape[1] != 2 or not np.isfinite(array).all():
            raise ValueError(f"frame['{key}'] must be finite positions of shape (n, 2), got shape {array.shape}")
    radius = check_real(frame["agent_size"], "frame['agent_size']", low=0)
    goal = check_int(frame["goal"], "frame['goal']", low=-1, high=len(landmarks) - 1)
    ax.scatter(landmarks[:, 0], landmarks[:, 1], marker="x", s=90, linewidths=2, color="black", zorder=2,
               label="landmark")
    if goal >= 0:
        ax.scatter(*landmarks[goal], s=300, facecolors="none", edgecolors="tab:green", linewidths=2, label="goal")
    for i, (position, colour) in enumerate(zip(agents, plt.cm.tab10(np.arange(len(agents))))):
        ax.add_patch(plt.Circle(position, radius, color=colour, alpha=0.6, zorder=3, label=f"agent {i}"))
    ax.add_patch(plt.Rectangle((-1, -1), 2, 2, fill=False, edgecolor="0.8", linestyle="--", lw=0.8))
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.7, 1.7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _draw_predators_and_prey(frame: dict, ax):
    """Numbered predators (blue) and the prey (orange star) on a square grid: the two predator tasks' frames."""
    _check_draw(frame, ax, ("predator_pos", "prey_pos", "size"))
    size = check_int(frame["size"], "frame['size']", low=2)
    predators = _cells(frame["predator_pos"], "frame['predator_pos']", size)
    prey = _cells(frame["prey_pos"], "frame['prey_pos']", size, shape=(2,))
    ax.scatter(prey[1], prey[0], marker="*", s=(0.9 * _cell_points(ax, size)) ** 2, color="tab:orange",
               edgecolors="k", linewidths=0.6, zorder=2, label="prey")
    _numbered(ax, predators, "tab:blue", size, "predator")
    _grid_axes(ax, size)
    return ax


def draw_coordination_grid(frame: dict, ax):
    """The coordination grid: numbered predators (blue) and the prey (orange star); the prey is
    caught when both predators stand on or next to it and choose *catch* together.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = draw_coordination_grid({"predator_pos": [[0, 0], [1, 1]], "prey_pos": [2, 2], "size": 4}, ax)
    >>> ax.get_legend_handles_labels()[1]
    ['prey', 'predator']
    >>> plt.close(fig)
    """
    return _draw_predators_and_prey(frame, ax)


def draw_battle(frame: dict, ax):
    """The battle grid: red soldiers (the learners) and blue ones (scripted); a soldier fades as it
    loses hit points and disappears at 0; the line under the board counts the living.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> frame = {"positions": [[0, 0], [3, 3]], "team": [0, 1], "hit_points": [3, 1], "hp": 3, "size": 4}
    >>> _ = draw_battle(frame, ax)
    >>> ax.get_legend_handles_labels()[1]
    ['red (learners)', 'blue (scripted)']
    >>> plt.close(fig)
    """
    _check_draw(frame, ax, ("positions", "team", "hit_points", "hp", "size"))
    size = check_int(frame["size"], "frame['size']", low=1)
    hp = check_int(frame["hp"], "frame['hp']", low=1)
    team, hit_points = np.asarray(frame["team"]), np.asarray(frame["hit_points"])
    positions = _cells(frame["positions"], "frame['positions']", size, shape=(len(team), 2))
    if hit_points.shape != team.shape:
        raise ValueError(f"frame['hit_points'] must hold one value per soldier of frame['team'] ({len(team)}), "
                         f"got shape {hit_points.shape}")
    for side, (name, color) in enumerate((("red (learners)", "tab:red"), ("blue (scripted)", "tab:blue"))):
        alive = (team == side) & (hit_points > 0)
        shade = np.zeros((int(alive.sum()), 4))
        shade[:] = plt.matplotlib.colors.to_rgba(color)
        shade[:, 3] = 0.35 + 0.65 * hit_points[alive] / hp
        ax.scatter(positions[alive, 1], positions[alive, 0], marker="s", s=(0.8 * _cell_points(ax, size)) ** 2,
                   c=shade, edgecolors="k", linewidths=0.4, label=name)
    red, blue = (int(((team == side) & (hit_points > 0)).sum()) for side in (0, 1))
    ax.text(0.5, -0.02, f"alive: {red} red, {blue} blue", transform=ax.transAxes, ha="center", va="top", fontsize=9)
    _grid_axes(ax, size)
    return ax


def draw_jungle(frame: dict, ax):
    """The jungle: food sources (green squares) and numbered agents, orange while eating (within
    reach of food), blue while hungry; scouts (``frame["scout"]``, optional) in purple.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> frame = {"agent_pos": [[0, 0], [3, 3]], "food_pos": [[1, 1]], "eating": [True, False], "size": 4}
    >>> _ = draw_jungle(frame, ax)
    >>> ax.get_legend_handles_labels()[1]
    ['food', 'agent, hungry', 'agent, eating']
    >>> plt.close(fig)
    """
    _check_draw(frame, ax, ("agent_pos", "food_pos", "eating", "size"))
    size = check_int(frame["size"], "frame['size']", low=1)
    agents, food = (_cells(frame[key], f"frame['{key}']", size) for key in ("agent_pos", "food_pos"))
    eating = np.asarray(frame["eating"], dtype=bool)
    if eating.shape != (len(agents),):
        raise ValueError(f"frame['eating'] must hold one flag per agent ({len(agents)}), got shape {eating.shape}")
    cell = _cell_points(ax, size)
    ax.scatter(food[:, 1], food[:, 0], marker="s", s=(0.9 * cell) ** 2, color="tab:green", alpha=0.7, zorder=1,
               label="food")
    scout = np.asarray(frame.get("scout", np.zeros(len(agents), dtype=bool)), dtype=bool)
    if scout.shape != (len(agents),):
        raise ValueError(f"frame['scout'] must hold one flag per agent ({len(agents)}), got shape {scout.shape}")
    legend = (("tab:blue", "agent, hungry"), ("tab:orange", "agent, eating")) + ((("tab:purple", "scout"),) if scout.any() else ())
    for color, label in legend:
        ax.scatter([], [], s=(0.6 * cell) ** 2, color=color, edgecolors="k", linewidths=0.6, label=label)  # legend
    _numbered(ax, agents, np.where(scout, "tab:purple", np.where(eating, "tab:orange", "tab:blue")), size)
    _grid_axes(ax, size)
    return ax


def draw_predator_prey(frame: dict, ax):
    """Predator-prey with a hidden prey: numbered predators (blue) search for the prey (orange
    star); a predator that reaches it stays on it.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = draw_predator_prey({"predator_pos": [[0, 0], [0, 0]], "prey_pos": [2, 2], "size": 5}, ax)
    >>> ax.get_legend_handles_labels()[1]
    ['prey', 'predator']
    >>> plt.close(fig)
    """
    return _draw_predators_and_prey(frame, ax)
