"""Chapter 5 plots: learning curves beside baselines, particle-world episodes, the steering explorer.

Every function draws on matplotlib and returns the figure (or axes), so tests run headless.
"""

from __future__ import annotations

from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_int, check_real
from marl_course.viz._checks import check_ax, check_frame, check_mapping, check_sequence, check_text
from marl_course.envs.particle import CooperativeNavigation, record_episode, scripted_navigation_actions


def plot_learning_curves(curves: dict, baselines: dict | None = None, ax=None,
                         title: str = "Cooperative navigation"):
    """Mean +/- one standard deviation over seeds of each learner, with baselines as lines.

    Parameters
    ----------
    curves : dict
        ``name -> (episodes (T,), returns (n_seeds, T))``: mean per-agent return per episode.
    baselines : dict, optional
        ``name -> mean per-agent return`` drawn as horizontal dashed lines.

    Examples
    --------
    >>> ax = plot_learning_curves({"A": ([1, 2], [[-20, -10], [-22, -12]])}, {"no-op": -24.6})
    >>> ax.get_xlabel()
    'episodes played (all worlds)'
    """
    check_mapping(curves, "curves")
    checked = {}
    for name, entry in curves.items():
        check_sequence(entry, f"curves[{name!r}]")
        if len(entry) != 2:
            raise ValueError(f"curves[{name!r}] must be a pair (episodes, returns), got {len(entry)} items")
        episodes = as_finite_array(entry[0], f"curves[{name!r}] episodes", ndim=1)
        returns = np.atleast_2d(as_finite_array(entry[1], f"curves[{name!r}] returns"))
        if returns.ndim != 2 or returns.shape[1] != episodes.shape[0]:
            raise ValueError(f"curves[{name!r}] returns must have shape (n_seeds, {episodes.shape[0]}) "
                             f"(one column per episode), got {returns.shape}")
        checked[name] = episodes, returns
    check_mapping(baselines or {}, "baselines", allow_empty=True)
    for name, value in (baselines or {}).items():
        check_real(value, f"baselines[{name!r}]")
    check_ax(ax)
    check_text(title, "title")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for name, (episodes, returns) in checked.items():
        mean, std = returns.mean(axis=0), returns.std(axis=0)
        line, = ax.plot(episodes, mean, label=f"{name} ({returns.shape[0]} seeds)")
        ax.fill_between(episodes, mean - std, mean + std, color=line.get_color(), alpha=0.2)
    for (name, value), style in zip((baselines or {}).items(), ["--", ":", "-."] * 3):
        ax.axhline(value, color="grey", linestyle=style, label=f"{name}: {value:.1f}")
    ax.set_xlabel("episodes played (all worlds)")
    ax.set_ylabel("mean per-agent return (25 steps)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def _check_recording(recording):
    """The arrays of a :func:`~marl_course.envs.particle.record_episode` dict, shapes checked."""
    check_frame(recording, "recording", ("agent_pos", "landmark_pos", "rewards"))
    agent_pos = as_finite_array(recording["agent_pos"], "recording['agent_pos']", ndim=3)
    if agent_pos.shape[2] != 2:
        raise ValueError(f"recording['agent_pos'] must have shape (T + 1, n_agents, 2), got {agent_pos.shape}")
    landmarks = as_finite_array(recording["landmark_pos"], "recording['landmark_pos']", ndim=2)
    if landmarks.shape[1] != 2:
        raise ValueError(f"recording['landmark_pos'] must have shape (n_landmarks, 2), got {landmarks.shape}")
    if np.size(recording["rewards"]) == 0 and agent_pos.shape[0] == 1:  # an episode of no steps
        return agent_pos, landmarks, np.zeros((0, agent_pos.shape[1]))
    rewards = as_finite_array(recording["rewards"], "recording['rewards']", ndim=2)
    if rewards.shape[0] != agent_pos.shape[0] - 1:
        raise ValueError(f"recording['rewards'] must have one row per step ({agent_pos.shape[0] - 1}), "
                         f"got shape {rewards.shape}")
    return agent_pos, landmarks, rewards


def plot_episode(recording: dict, t: int | None = None, ax=None, title: str = ""):
    """Draw a recorded episode up to step ``t``: trails, agents (size 0.15) and landmarks.

    Examples
    --------
    >>> rec = record_episode(CooperativeNavigation(), scripted_navigation_actions, seed=0)
    >>> ax = plot_episode(rec, t=10)
    >>> ax.get_xlabel()
    'x position'
    """
    agent_pos, landmarks, rewards = _check_recording(recording)
    T = agent_pos.shape[0] - 1
    t = T if t is None else check_int(t, "t", low=0, high=T)
    check_ax(ax)
    check_text(title, "title")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.scatter(landmarks[:, 0], landmarks[:, 1], marker="x", s=80, color="black", label="landmarks")
    colours = plt.cm.tab10(np.arange(agent_pos.shape[1]))
    for i, colour in enumerate(colours):
        ax.plot(agent_pos[: t + 1, i, 0], agent_pos[: t + 1, i, 1], color=colour, alpha=0.6, lw=1)
        ax.add_patch(plt.Circle(agent_pos[t, i], 0.15, color=colour, alpha=0.5,
                                label=f"agent {i}"))
    ax.set_aspect("equal")
    lim = max(1.2, float(np.abs(agent_pos[: t + 1]).max()) + 0.2, float(np.abs(landmarks).max()) + 0.2)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("x position")
    ax.set_ylabel("y position")
    ret = rewards[:t].sum(axis=0).mean() if t else 0.0
    ax.set_title(f"{title} step {t}/{T}, mean return so far {ret:.2f}".strip())
    ax.legend(loc="upper right", fontsize=7)
    return ax


def plot_episode_frames(recording: dict, steps=(0, 8, 16, 25), title: str = ""):
    """A row of :func:`plot_episode` panels at the given steps (a flip-book of one episode)."""
    agent_pos, _, _ = _check_recording(recording)
    check_sequence(steps, "steps")
    steps = [check_int(t, f"steps[{i}]", low=0, high=agent_pos.shape[0] - 1) for i, t in enumerate(steps)]
    check_text(title, "title")
    fig, axes = plt.subplots(1, len(steps), figsize=(3.4 * len(steps), 3.6))
    for ax, t in zip(np.atleast_1d(axes), steps):
        plot_episode(recording, t, ax=ax)
        ax.set_title(f"step {t}", fontsize=9)
        if t != steps[0]:
            ax.get_legend().remove()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def draw_scripted_explorer(gain: float = 2.0, damping: float = 0.6, dead_zone: float = 0.1,
                           seed: int = 0, t: int = 25):
    """The explorer's callback: one scripted episode with the given steering gains, up to step t.

    Examples
    --------
    >>> fig = draw_scripted_explorer(gain=1.0, t=5)
    >>> len(fig.axes)
    1
    """
    gain = check_real(gain, "gain", low=0)
    damping = check_real(damping, "damping", low=0)
    dead_zone = check_real(dead_zone, "dead_zone", low=0)
    seed = check_int(seed, "seed", low=0)
    t = check_int(t, "t", low=0, high=CooperativeNavigation().max_steps)
    policy = partial(scripted_navigation_actions, gain=gain, damping=damping, dead_zone=dead_zone)
    recording = record_episode(CooperativeNavigation(), policy, seed=seed)
    fig, ax = plt.subplots(figsize=(5, 5))
    plot_episode(recording, t, ax=ax, title=f"gain {gain:g}, damping {damping:g}:")
    return fig


def _check_metrics(metrics, name: str, columns) -> None:
    check_frame(metrics, name, [key for key, _ in columns])
    for key, _ in columns:
        check_real(metrics[key], f"{name}[{key!r}]")


def metrics_table(finals: dict, baselines: dict | None = None):
    """A Markdown table of greedy ``return``, ``distance`` and ``collisions``: mean +- std over
    seeds for each learner of ``finals`` (name -> list of metric dicts, one per seed), then one
    row per baseline of ``baselines`` (name -> metric dict).

    Examples
    --------
    >>> table = metrics_table({"MADDPG": [{"return": -15.0, "distance": 1.2, "collisions": 2.0}] * 2})
    >>> table.data.splitlines()[2]
    '| MADDPG (greedy, 2 seeds) | -15.00 ± 0.00 | 1.200 ± 0.000 | 2.00 ± 0.00 |'
    """
    from IPython.display import Markdown

    columns = (("return", 2), ("distance", 3), ("collisions", 2))
    check_mapping(finals, "finals")
    for name, per_seed in finals.items():
        check_sequence(per_seed, f"finals[{name!r}]")
        for i, metrics in enumerate(per_seed):
            _check_metrics(metrics, f"finals[{name!r}][{i}]", columns)
    check_mapping(baselines or {}, "baselines", allow_empty=True)
    for name, metrics in (baselines or {}).items():
        _check_metrics(metrics, f"baselines[{name!r}]", columns)
    rows = []
    for name, per_seed in finals.items():
        cells = [f"{np.mean([f[key] for f in per_seed]):.{d}f} ± {np.std([f[key] for f in per_seed]):.{d}f}"
                 for key, d in columns]
        rows.append(f"| {name} (greedy, {len(per_seed)} seeds) | " + " | ".join(cells) + " |")
    rows += [f"| {name} | " + " | ".join(f"{m[key]:.{d}f}" for key, d in columns) + " |"
             for name, m in (baselines or {}).items()]
    return Markdown("| policy | return | distance | collisions per episode |\n|---|---|---|---|\n" + "\n".join(rows))
