"""Chapter 6 plots: the networks, the flickering robustness curves, and the POMDP explorer.

The explorer's drawing callback :func:`draw_observations` is a plain function (unit-tested
headless); :func:`explore_observations` wraps it in ipywidgets.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_bool, check_int, check_real, check_seed
from marl_course.viz._checks import check_ax, check_mapping, check_names, check_optional_real, check_text
from marl_course.envs.cartpole import CartPole, markov_probe
from marl_course.viz.explorers import explorer


def _seeds(n: int) -> str:
    """``"1 seed"``, ``"3 seeds"``: the legend's count of runs."""
    return f"{n} seed" if n == 1 else f"{n} seeds"


def plot_robustness(eval_flicker, results: dict, ax=None, title: str = "",
                    ylabel: str = "greedy return (steps balanced)"):
    """Greedy return against the evaluation flicker probability, mean and spread over seeds.

    Parameters
    ----------
    eval_flicker : array_like, shape (n_p,)
        The probabilities p of a blank observation at evaluation.
    results : dict
        ``label -> array (n_seeds, n_p)`` of evaluation returns (or returns relative to a
        reference, see :func:`marl_course.experiments.flicker.relative_scores`, with a matching ``ylabel``).
    ylabel : str
        The y-axis label, with its unit.

    Examples
    --------
    >>> ax = plot_robustness([0.0, 0.5], {"DRQN": [[100.0, 80.0], [90.0, 70.0]]}, title="trained on full")
    >>> ax.get_xlabel(), ax.get_title()
    ('evaluation flicker probability p', 'trained on full')
    """
    p = as_finite_array(eval_flicker, "eval_flicker", ndim=1)
    check_mapping(results, "results")
    checked = {}
    for label, values in results.items():
        values = as_finite_array(values, f"results[{label!r}]", ndim=2)
        if values.shape[1] != len(p):
            raise ValueError(f"results[{label!r}] must have one column per flicker probability ({len(p)}), "
                             f"got shape {values.shape}")
        checked[label] = values
    check_ax(ax)
    check_text(title, "title")
    check_text(ylabel, "ylabel")
    ax = ax if ax is not None else plt.subplots(figsize=(5, 3.5))[1]
    for label, values in checked.items():
        line, = ax.plot(p, values.mean(axis=0), marker="o", label=f"{label} ({_seeds(len(values))})")
        ax.fill_between(p, values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.2)
    ax.set_xlabel("evaluation flicker probability p")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def plot_flicker_study(studies: dict, random_return: float | None = None, labels=None):
    """The paper's generalisation figure in small: one column per training flicker probability.

    Top row: greedy return against the evaluation flicker ``p`` (and, when the study holds it,
    the memory ablation dotted: the same networks with their memory wiped before every step);
    bottom row: the same relative to each run's own return at its training ``p``
    (:func:`~marl_course.experiments.flicker.relative_scores`, the paper's "percentage of the
    original score"), floor-adjusted ``(R - R_random) / (R(p_train) - R_random)`` when
    ``random_return`` is given. A thin vertical line marks the training ``p``.

    Parameters
    ----------
    studies : dict
        ``p_train -> RobustnessResult`` (from :func:`~marl_course.experiments.flicker.flicker_robustness`).
    random_return : float, optional
        The uniformly random policy's return: a dashed line in the top row and the floor of the
        bottom row's retention.
    labels : sequence of str, optional
        The learners to draw (default: every learner of the studies).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> study = SimpleNamespace(eval_flicker=np.array([0.0, 0.5]), scores={"DQN": np.array([[100.0, 50.0]])})
    >>> fig = plot_flicker_study({0.0: study}, random_return=20.0)
    >>> fig.axes[1].lines[0].get_ydata().tolist()   # (R - 20) / (100 - 20)
    [1.0, 0.375]
    >>> plt.close(fig)
    """
    from marl_course.experiments.flicker import relative_scores

    if not isinstance(studies, dict):
        raise TypeError(f"studies must be a dict {{p_train: RobustnessResult}}, got {type(studies).__name__}")
    if not studies:
        raise ValueError("studies must map at least one training flicker probability to a RobustnessResult")
    for p_train, study in studies.items():
        check_real(p_train, f"studies key {p_train!r}", low=0, high=1)
        if not (hasattr(study, "eval_flicker") and hasattr(study, "scores")):
            raise TypeError(f"studies[{p_train!r}] must be a RobustnessResult (with eval_flicker and scores), "
                            f"got {type(study).__name__}")
        p = as_finite_array(study.eval_flicker, f"studies[{p_train!r}].eval_flicker", ndim=1)
        if not np.any(np.isclose(p, p_train)):
            raise ValueError(f"studies[{p_train!r}].eval_flicker must contain its training probability {p_train!r}")
        check_mapping(study.scores, f"studies[{p_train!r}].scores")
        for label, scores in study.scores.items():
            scores = as_finite_array(scores, f"studies[{p_train!r}].scores[{label!r}]", ndim=2)
            if scores.shape[1] != len(p):
                raise ValueError(f"studies[{p_train!r}].scores[{label!r}] must have one column per flicker "
                                 f"probability ({len(p)}), got shape {scores.shape}")
    random_return = check_optional_real(random_return, "random_return")
    floor = 0.0 if random_return is None else random_return
    if labels is not None:
        labels = check_names(labels, "labels", 1, at_least=True)
        for p_train, study in studies.items():
            if set(labels) - set(study.scores):
                raise ValueError(f"labels must name learners of studies[{p_train!r}] ({sorted(study.scores)}), "
                                 f"got {labels}")
        studies = {p_train: SimpleNamespace(eval_flicker=study.eval_flicker,
                                             scores={k: study.scores[k] for k in labels},
                                             without_memory={k: v for k, v in getattr(study, "without_memory", {}).items()
                                                             if k in labels})
                   for p_train, study in studies.items()}
    for p_train, study in studies.items():
        p = np.asarray(study.eval_flicker, dtype=float)
        for label, scores in study.scores.items():
            if np.any(np.asarray(scores)[:, np.flatnonzero(np.isclose(p, p_train))[0]] == floor):
                raise ValueError(f"studies[{p_train!r}].scores[{label!r}] must differ from {floor!r} at the training "
                                 f"flicker {p_train!r} (the relative scores divide by the difference)")
    fig, axes = plt.subplots(2, len(studies), figsize=(5.5 * len(studies), 7), squeeze=False, sharex=True)
    for column, (p_train, study) in enumerate(studies.items()):
        top, bottom = axes[:, column]
        plot_robustness(study.eval_flicker, study.scores, ax=top, title=f"trained at p = {p_train:g}")
        for line, (label, wiped) in zip(list(top.lines), getattr(study, "without_memory", {}).items()):
            top.plot(study.eval_flicker, np.mean(wiped, axis=0), ls=":", marker="x", color=line.get_color(),
                     label=f"{label}, memory wiped")
        if random_return is not None:
            top.axhline(random_return, color="grey", ls="--", label="random policy")
        relative = {label: relative_scores(s, study.eval_flicker, p_train, floor=floor)
                    for label, s in study.scores.items()}
        ylabel = (f"return / return at p = {p_train:g}" if random_return is None else
                  f"(R - R_random) / (R(p = {p_train:g}) - R_random)")
        plot_robustness(study.eval_flicker, relative, ax=bottom, title=f"relative to its own return at p = {p_train:g}",
                        ylabel=ylabel)
        bottom.axhline(1.0, color="grey", lw=0.5)
        if random_return is not None:
            bottom.axhline(0.0, color="grey", ls="--", lw=0.8)
        for ax in (top, bottom):
            ax.axvline(p_train, color="k", lw=0.5)
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def draw_observations(flicker: float = 0.5, hide_velocity: bool = False, seed: int = 0, steps: int = 60):
    """What the agent sees: the true pole angle and the observation of one episode, plus a Markov test.

    A hand-made controller (push towards the side the pole leans) runs one episode; the left
    panel shows the true ``theta_t`` and what ``o_t`` reports of it (blank steps marked), the
    right panel :func:`~marl_course.envs.cartpole.markov_probe` for histories of 1 to 4
    observations (random-action episodes of the same observation model).

    Returns
    -------
    fig : matplotlib.figure.Figure
    errors : numpy.ndarray, shape (4,)
        The unexplained fraction for histories 1..4.

    Examples
    --------
    >>> fig, errors = draw_observations(flicker=0.0, hide_velocity=True, steps=20)
    >>> bool(errors[0] > errors[1])
    True
    >>> plt.close(fig)
    """
    flicker = check_real(flicker, "flicker", low=0, high=1)
    steps = check_int(steps, "steps", low=5)
    hide_velocity = check_bool(hide_velocity, "hide_velocity")
    check_seed(seed)
    env = CartPole(n_envs=1, flicker=flicker, hide_velocity=hide_velocity, max_steps=steps)
    obs = [env.reset(seed)[0]]
    states = [env.state.copy()]
    for _ in range(steps):
        o, s, _, done, _ = env.step(np.array([int(states[-1][0, 2] + 0.5 * states[-1][0, 3] > 0)]))
        obs.append(o)
        states.append(s)
        if done.all():
            break
    obs, states = np.concatenate(obs), np.concatenate(states)
    theta_col = 1 if hide_velocity else 2
    blank = np.all(obs == 0, axis=1)
    t = np.arange(len(obs))

    errors = np.array([markov_probe(flicker, hide_velocity, h, seed) for h in range(1, 5)])

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5), gridspec_kw={"width_ratios": [2, 1]})
    ax1.plot(t, np.rad2deg(states[:, 2]), color="k", label="true angle theta")
    ax1.plot(t[~blank], np.rad2deg(obs[~blank, theta_col]), "o", ms=4, label="observed angle")
    ax1.plot(t[blank], np.zeros(blank.sum()), "x", color="tab:red", label="blank observation")
    ax1.set_xlabel("time step t (0.02 s each)")
    ax1.set_ylabel("pole angle (degrees)")
    seen = "x, theta" if hide_velocity else "x, x_dot, theta, theta_dot"
    ax1.set_title(f"one episode: o_t = ({seen}), blank with p = {flicker:g}")
    ax1.legend(fontsize=8)
    ax2.bar(np.arange(1, 5), errors, color="tab:purple")
    ax2.set_xticks(np.arange(1, 5))
    ax2.set_xlabel("history length h (observations)")
    ax2.set_ylabel("unexplained fraction of o_{t+1} - o_t")
    ax2.set_title("Markov test: predict o_{t+1}")
    ax2.set_ylim(0, max(1.0, errors.max() * 1.05))
    fig.tight_layout()
    return fig, errors


def explore_observations():
    """An ipywidgets explorer around :func:`draw_observations`: flicker p, hidden velocities, seed."""
    import ipywidgets as widgets

    controls = {
        "flicker": widgets.FloatSlider(value=0.5, min=0.0, max=0.9, step=0.1, description="flicker p",
                                       continuous_update=False),
        "hide_velocity": widgets.Checkbox(value=False, description="hide velocities"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed", continuous_update=False),
    }
    return explorer(draw_observations, controls, rows=[list(controls)])


def _layer_boxes(net) -> list[tuple[str, str]]:
    """``(kind, label)`` of each layer of a chapter-6 Q-network, in the order ``forward`` applies them."""
    from torch import nn

    boxes, modules = [], [m for m in net.modules() if isinstance(m, (nn.Linear, nn.LSTM, nn.ReLU))]
    for i, module in enumerate(modules):
        if isinstance(module, nn.ReLU):
            continue
        relu = i + 1 < len(modules) and isinstance(modules[i + 1], nn.ReLU)
        if isinstance(module, nn.LSTM):
            boxes.append(("lstm", f"LSTM {module.input_size} -> {module.hidden_size}\n(h_t, c_t) carried to t+1"))
        else:
            boxes.append(("dense", f"dense {module.in_features} -> {module.out_features}" + (", ReLU" if relu else "")))
    boxes[-1] = ("head", boxes[-1][1].replace("dense", "Q head"))
    return boxes


def plot_architecture(n_frames: int = 4, hidden: int = 64, obs_dim: int = 4, n_actions: int = 2):
    """DQN on ``n_frames`` stacked observations next to DRQN, drawn from the networks themselves.

    The boxes are read from :class:`~marl_course.deep.drqn.FrameStackQNet` and
    :class:`~marl_course.deep.drqn.RecurrentQNet` as built with these sizes, so the diagram is the
    code's. DRQN (Hausknecht & Stone 2015) keeps DQN's shape but puts an LSTM where DQN has its
    second dense layer (in the paper: the first fully connected layer after the convolutions), and
    reads one frame ``o_t`` per step instead of the window ``o_{t-k+1..t}``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_architecture(n_frames=4, hidden=64)
    >>> [ax.get_title() for ax in fig.axes]
    ['DQN: 4 stacked frames', 'DRQN: one frame per step']
    >>> plt.close(fig)
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from marl_course.deep.drqn import FrameStackQNet, RecurrentQNet

    n_frames = check_int(n_frames, "n_frames", low=1)
    hidden = check_int(hidden, "hidden", low=1)
    obs_dim = check_int(obs_dim, "obs_dim", low=1)
    n_actions = check_int(n_actions, "n_actions", low=1)
    columns = {
        f"DQN: {n_frames} stacked frames": (
            f"input: o_(t-{n_frames - 1}) ... o_t\n{n_frames} x {obs_dim} = {n_frames * obs_dim} numbers",
            _layer_boxes(FrameStackQNet(obs_dim, n_actions, n_frames=n_frames, hidden=hidden))),
        "DRQN: one frame per step": (
            f"input: o_t\n{obs_dim} numbers",
            _layer_boxes(RecurrentQNet(obs_dim, n_actions, hidden=hidden))),
    }
    colours = {"input": "#f2f2f2", "dense": "#cfe2f3", "lstm": "#f9cb9c", "head": "#d9ead3"}
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.6))
    for ax, (title, (inputs, layers)) in zip(axes, columns.items()):
        boxes = [("input", inputs)] + layers + [("output", f"Q(., a) for {n_actions} actions")]
        ys = np.linspace(0.9, 0.08, len(boxes))
        for y, (kind, label) in zip(ys, boxes):
            ax.add_patch(FancyBboxPatch((0.15, y - 0.06), 0.7, 0.12, boxstyle="round,pad=0.01",
                                        facecolor=colours.get(kind, "white"), edgecolor="k", lw=1))
            ax.text(0.5, y, label, ha="center", va="center", fontsize=9)
            if kind == "lstm":
                ax.add_patch(FancyArrowPatch((0.85, y + 0.03), (0.85, y - 0.03), connectionstyle="arc3,rad=-2.2",
                                             arrowstyle="-|>", mutation_scale=12, color="tab:red", lw=1.5))
        for upper, lower in zip(ys[:-1], ys[1:]):
            ax.annotate("", xy=(0.5, lower + 0.065), xytext=(0.5, upper - 0.065),
                        arrowprops=dict(arrowstyle="-|>", color="k"))
        ax.set_xlim(0, 1.05)
        ax.set_ylim(0, 1)
        ax.axis("off")
        ax.set_title(title)
    fig.text(0.5, 0.01, "orange: the LSTM that replaces DQN's second dense layer (red arrow: memory from "
             "step t to t+1); green: the Q head", ha="center", fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
