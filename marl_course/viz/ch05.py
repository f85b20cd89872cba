"""Chapter 5 plots: particle-world episodes, the communication study, the steering explorer.

Every function draws on matplotlib and returns the figure (or axes), so tests run headless.
"""

from __future__ import annotations

from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_int, check_real
from marl_course.viz._checks import check_ax, check_frame, check_mapping, check_sequence, check_text
from marl_course.envs.particle import CooperativeNavigation, record_episode, scripted_navigation_actions
from marl_course.stats import standard_error


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


NAVIGATION_COLUMNS = (("return", 2, "return"), ("distance", 3, "distance"), ("collisions", 2, "collisions per episode"))
"""Cooperative navigation's table: key, decimals, header."""
COMMUNICATION_COLUMNS = (("return", 2, "return"), ("reached", 2, "goal reached (share of worlds)"),
                         ("information", 2, "I(goal; word), bits"))
"""Cooperative communication's table: key, decimals, header."""


def metrics_table(finals: dict, baselines: dict | None = None, columns=NAVIGATION_COLUMNS):
    """A Markdown table of greedy metrics: mean +- std over seeds for each learner of ``finals``
    (name -> list of metric dicts, one per seed), then one row per baseline of ``baselines``
    (name -> metric dict). ``columns`` lists ``(key, decimals, header)``: cooperative navigation's
    return, distance and collisions by default, :data:`COMMUNICATION_COLUMNS` for the speaker and listener.

    Examples
    --------
    >>> table = metrics_table({"MADDPG": [{"return": -15.0, "distance": 1.2, "collisions": 2.0}] * 2})
    >>> table.data.splitlines()[2]
    '| MADDPG (greedy, 2 seeds) | -15.00 ± 0.00 | 1.200 ± 0.000 | 2.00 ± 0.00 |'
    """
    from IPython.display import Markdown

    check_sequence(columns, "columns")
    if not columns or any(not isinstance(c, tuple) or len(c) != 3 for c in columns):
        raise ValueError("columns must be a non-empty sequence of (key, decimals, header) triples")
    pairs = [(key, digits) for key, digits, _ in columns]
    check_mapping(finals, "finals")
    for name, per_seed in finals.items():
        check_sequence(per_seed, f"finals[{name!r}]")
        for i, metrics in enumerate(per_seed):
            _check_metrics(metrics, f"finals[{name!r}][{i}]", pairs)
    check_mapping(baselines or {}, "baselines", allow_empty=True)
    for name, metrics in (baselines or {}).items():
        _check_metrics(metrics, f"baselines[{name!r}]", pairs)
    rows = []
    for name, per_seed in finals.items():
        cells = [f"{np.mean([f[key] for f in per_seed]):.{d}f} ± {np.std([f[key] for f in per_seed]):.{d}f}"
                 for key, d in pairs]
        rows.append(f"| {name} (greedy, {len(per_seed)} seeds) | " + " | ".join(cells) + " |")
    rows += [f"| {name} | " + " | ".join(f"{m[key]:.{d}f}" for key, d in pairs) + " |"
             for name, m in (baselines or {}).items()]
    header = "| policy | " + " | ".join(h for _, _, h in columns) + " |\n|" + "---|" * (len(columns) + 1) + "\n"
    return Markdown(header + "\n".join(rows))


def plot_communication_study(results: dict, baselines: dict | None = None):
    """Cooperative communication, MADDPG against independent DDPG over paired seeds: the learning
    curves (left) and, per seed, the bits the speaker's words carry about the goal against the
    greedy return (right), the two learners of one seed joined by a grey line.

    Parameters
    ----------
    results : dict
        A results file of :mod:`marl_course.experiments.maddpg` (``episodes`` and, per learner,
        ``curves`` (n_seeds, n_blocks) and ``final``, a list of metric dicts with ``return`` and
        ``information``), e.g. ``load_results(RESULTS_PATHS["speaker_listener"])``.
    baselines : dict, optional
        ``name -> mean return`` drawn as dashed lines on the curves, and on the per-seed panel where
        they fall near the seeds' points (far-off baselines would squeeze the seeds together).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> results = {"episodes": [10, 20], "learners": {
    ...     "MADDPG": {"curves": [[-30, -20], [-28, -18]], "final": [{"return": -15, "information": 1.2}] * 2},
    ...     "independent DDPG": {"curves": [[-30, -25], [-29, -26]], "final": [{"return": -18, "information": 0.1}] * 2}}}
    >>> fig = plot_communication_study(results, {"listener stays": -40.0})
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['episodes played (all worlds)', 'I(goal; word) of the greedy speaker (bits)']
    >>> plt.close(fig)
    """
    check_frame(results, "results", ["episodes", "learners"])
    learners = check_mapping(results["learners"], "results['learners']")
    episodes = as_finite_array(results["episodes"], "results['episodes']", ndim=1)
    finals = {}
    for name, learner in learners.items():
        check_frame(learner, f"results['learners'][{name!r}]", ["curves", "final"])
        curves = as_finite_array(learner["curves"], f"results['learners'][{name!r}]['curves']", ndim=2)
        if curves.shape[1] != len(episodes):
            raise ValueError(f"results['learners'][{name!r}]['curves'] must have one column per episode count "
                             f"({len(episodes)}), got shape {curves.shape}")
        check_sequence(learner["final"], f"results['learners'][{name!r}]['final']")
        for i, metrics in enumerate(learner["final"]):
            _check_metrics(metrics, f"results['learners'][{name!r}]['final'][{i}]", [("return", 2), ("information", 2)])
        finals[name] = (curves, np.array([[m["information"], m["return"]] for m in learner["final"]]))
    if len({len(points) for _, points in finals.values()}) != 1:
        raise ValueError("results must hold the same seeds for every learner")
    check_mapping(baselines or {}, "baselines", allow_empty=True)
    for name, value in (baselines or {}).items():
        check_real(value, f"baselines[{name!r}]")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, (curves, points) in finals.items():
        mean, se = curves.mean(axis=0), standard_error(curves)
        line, = left.plot(episodes, mean, label=f"{name} ({len(curves)} seeds)")
        left.fill_between(episodes, mean - se, mean + se, color=line.get_color(), alpha=0.25)
        right.scatter(points[:, 0], points[:, 1], color=line.get_color(), label=name, zorder=3)
    paired = np.stack([points for _, points in finals.values()], axis=1)  # (n_seeds, n_learners, 2)
    for seed_points in paired:
        right.plot(seed_points[:, 0], seed_points[:, 1], color="0.75", lw=0.8, zorder=1)
    lowest = paired[..., 1].min()
    for (name, value), style in zip((baselines or {}).items(), ["--", ":", "-."] * 3):
        left.axhline(value, color="grey", linestyle=style, label=f"{name}: {value:.1f}")
        if value > lowest - 0.25 * (paired[..., 1].max() - lowest + 1):  # only the baselines near the seeds' points
            right.axhline(value, color="grey", linestyle=style, label=f"{name}: {value:.1f}")
    left.set_xlabel("episodes played (all worlds)")
    left.set_ylabel("return per episode (exploring policy)")
    left.set_title("learning curves (mean +/- s.e. over seeds)")
    right.axvline(np.log2(3), color="k", lw=0.6, label="log2 3 bits: every word names the goal")
    right.set_xlim(-0.08, 1.7)
    right.set_xlabel("I(goal; word) of the greedy speaker (bits)")
    right.set_ylabel("greedy return per episode")
    right.set_title("per seed (grey line: the same seed)")
    left.legend(fontsize=8, loc="lower right")
    right.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
