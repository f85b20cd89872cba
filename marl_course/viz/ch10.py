"""Chapter 10 plots: G2ANet's learned interaction graph over the predators or the cars, and its explorer.

``draw_graph_frame`` draws one step of a predator-prey or a traffic-junction episode (the
explorer's callback, a plain function tested headless); ``explore_graph`` wires it to an
ipywidgets step slider. Learning curves are drawn by
:func:`marl_course.viz.curves.plot_learning_curves`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_int
from marl_course.experiments.paired import scores
from marl_course.viz._checks import check_ax, check_frame, check_sequence
from marl_course.viz.grid import style_grid_axes
from marl_course.viz.explorers import explorer


def _check_graph_frame(frame, size: int, name: str):
    check_frame(frame, name, ("predator_pos", "prey_pos", "hard", "weights"))
    pos = as_finite_array(frame["predator_pos"], f"{name}['predator_pos']", ndim=2)
    if pos.shape[1] != 2:
        raise ValueError(f"{name}['predator_pos'] must have shape (n, 2) (row, column), got {pos.shape}")
    prey = np.asarray(frame["prey_pos"])
    checked_prey = as_finite_array(prey, f"{name}['prey_pos']", ndim=1)
    if checked_prey.shape != (2,):
        raise ValueError(f"{name}['prey_pos'] must be one cell (row, column), got shape {checked_prey.shape}")
    for key, cells in (("predator_pos", pos), ("prey_pos", checked_prey)):
        if np.any(cells < 0) or np.any(cells >= size):
            raise ValueError(f"{name}[{key!r}] must hold cells in [0, {size})")
    if "distractor_pos" in frame:  # predator-prey with liars: they follow the predators in hard and weights
        liars = as_finite_array(frame["distractor_pos"], f"{name}['distractor_pos']", ndim=2)
        if liars.shape[1] != 2 or np.any(liars < 0) or np.any(liars >= size):
            raise ValueError(f"{name}['distractor_pos'] must hold cells (row, column) in [0, {size})")
        pos = np.concatenate([pos, liars])
    n = len(pos)
    arrays = []
    for key in ("hard", "weights"):
        array = as_finite_array(frame[key], f"{name}[{key!r}]", ndim=2)
        if array.shape != (n, n):
            raise ValueError(f"{name}[{key!r}] must have shape ({n}, {n}) (one row and column per predator), "
                             f"got {array.shape}")
        arrays.append(np.asarray(frame[key]))
    return pos, prey, arrays[0], arrays[1]


def draw_graph_frame(frame: dict, size: int | None = None, ax=None):
    """Draw one step of an episode: the agents and the edges hard attention keeps.

    ``frame`` is one entry of :func:`marl_course.deep.g2anet.record_episode`. On predator-prey
    (``size`` is the grid's) it shows the prey, the predators and an arrow ``j -> i`` for every
    ``W_h^{ij} = 1``, its width and label the final weight ``W_h^{ij} W_s^{ij}``; predators at the
    same cell are drawn slightly apart. A frame with ``distractor_pos`` (k, 2) (a world with liars,
    agents after the predators in ``hard`` and ``weights``) draws them as grey crosses, and its
    ``decoy_pos``, when given, as a hollow star: the cell they claim. On a traffic junction (the frame carries its ``size``) it
    shows the roads, the cars (a disc coloured by road with the slot number, a black ring when the
    car brakes), an arrow ``j -> i`` for every kept edge and a dashed orange line between two cars
    that could collide within one step (the ground truth ``relevance``).

    Examples
    --------
    >>> frame = {"predator_pos": np.array([[0, 0], [2, 2]]), "prey_pos": np.array([1, 1]),
    ...          "hard": np.array([[0.0, 1.0], [0.0, 0.0]]), "weights": np.array([[0.0, 1.0], [0.0, 0.0]])}
    >>> ax = draw_graph_frame(frame, size=4)
    >>> ax.get_title()
    'edges kept by hard attention: 1 of 2'
    """
    if isinstance(frame, dict) and "positions" in frame:
        return _draw_junction_frame(frame, ax)
    size = check_int(size, "size", low=1)
    pos, prey, hard, weights = _check_graph_frame(frame, size, "frame")
    check_ax(ax)
    n, n_pred = len(pos), len(np.asarray(frame["predator_pos"]))
    # spread predators sharing a cell on a small circle
    angle = 2 * np.pi * np.arange(n) / n
    shown = pos + 0.18 * np.stack([np.sin(angle), np.cos(angle)], axis=-1) * (
        (pos[:, None] == pos[None]).all(-1).sum(-1) > 1)[:, None]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(prey[1], prey[0], marker="*", s=500, color="tab:orange", label="prey", zorder=2)
    ax.scatter(shown[:n_pred, 1], shown[:n_pred, 0], s=260, color="tab:blue", label="predator", zorder=3)
    if n > n_pred:
        ax.scatter(shown[n_pred:, 1], shown[n_pred:, 0], s=260, marker="X", color="tab:gray", label="distractor (liar)",
                   zorder=3)
        if "decoy_pos" in frame:
            decoy = np.asarray(frame["decoy_pos"])
            ax.scatter(decoy[1], decoy[0], marker="*", s=700, facecolors="none", edgecolors="black", linewidths=1.2,
                       label="decoy (claimed prey)", zorder=5)
    for i in range(n):
        ax.annotate(str(i), (shown[i, 1], shown[i, 0]), color="white", ha="center", va="center", fontsize=9, zorder=4)
        for j in range(n):
            if hard[i, j] > 0:
                ax.annotate("", xy=(shown[i, 1], shown[i, 0]), xytext=(shown[j, 1], shown[j, 0]),
                            arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 0.5 + 4 * weights[i, j],
                                        "alpha": 0.8, "shrinkA": 9, "shrinkB": 9})
                mid = 0.6 * shown[i] + 0.4 * shown[j]
                ax.annotate(f"{weights[i, j]:.2f}", (mid[1], mid[0]), color="tab:red", fontsize=8)
    ax.plot([], [], color="tab:red", label="edge j → i (label: W_h W_s)")
    style_grid_axes(ax, size)
    ax.set_title(f"edges kept by hard attention: {int(hard.sum())} of {n * (n - 1)}")
    return ax


ROAD_COLOURS = ("tab:blue", "tab:green")
"""Car colour by road: 0 runs down from the top, 1 right from the left."""


def _check_junction_frame(frame, name: str):
    check_frame(frame, name, ("positions", "active", "route", "relevant", "hard", "weights", "actions", "size"))
    size = check_int(frame["size"], f"{name}['size']", low=3)
    pos = np.asarray(as_finite_array(frame["positions"], f"{name}['positions']", ndim=2))
    if pos.shape[1] != 2:
        raise ValueError(f"{name}['positions'] must have shape (n, 2) (row, column), got {pos.shape}")
    n = len(pos)
    active = np.asarray(frame["active"], dtype=bool)
    if active.shape != (n,):
        raise ValueError(f"{name}['active'] must have shape ({n},), got {active.shape}")
    if np.any(pos[active] < 0) or np.any(pos[active] >= size):
        raise ValueError(f"{name}['positions'] must hold cells in [0, {size}) for the cars on the road")
    arrays = []
    for key in ("relevant", "hard", "weights"):
        array = np.asarray(as_finite_array(np.asarray(frame[key], dtype=float), f"{name}[{key!r}]", ndim=2))
        if array.shape != (n, n):
            raise ValueError(f"{name}[{key!r}] must have shape ({n}, {n}), got {array.shape}")
        arrays.append(array)
    return size, pos, active, *arrays


def _draw_junction_frame(frame: dict, ax=None):
    """Draw one traffic-junction step: the roads, the cars, the edges hard attention keeps and the relevant pairs.

    ``frame`` is one entry of :func:`marl_course.deep.g2anet.record_episode` on a traffic junction.
    A car is a disc coloured by its road with its slot number (a black ring: it brakes now); an arrow
    ``j -> i`` is an edge kept (``W_h^{ij} = 1``), labelled with ``W_h^{ij} W_s^{ij}``; a dashed orange
    line joins two cars that could collide within one step (the ground truth ``relevance``).

    Examples
    --------
    >>> frame = {"positions": np.array([[2, 3], [3, 2], [-1, -1]]), "active": np.array([True, True, False]),
    ...          "route": np.array([0, 1, 0]), "size": 7, "actions": np.array([0, 1, 0]),
    ...          "relevant": np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]),
    ...          "hard": np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), "weights": np.eye(3)[[1, 2, 2]] * 0}
    >>> ax = draw_graph_frame(frame)
    >>> ax.get_title()
    'edges kept: 1 of 2 (1 relevant); relevant pairs: 2'
    """
    size, pos, active, relevant, hard, weights = _check_junction_frame(frame, "frame")
    check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    c = size // 2
    road = np.zeros((size, size))
    road[c, :] = road[:, c] = 1
    ax.imshow(road, cmap="Greys", vmin=-0.6, vmax=1.4, extent=(-0.5, size - 0.5, size - 0.5, -0.5), zorder=0)
    cars = np.flatnonzero(active)
    # two cars in one cell are drawn slightly apart
    shown = pos.astype(float).copy()
    for i in cars:
        twins = [j for j in cars if (pos[j] == pos[i]).all()]
        if len(twins) > 1:
            k = twins.index(i)
            shown[i] += 0.22 * np.array([np.sin(2 * np.pi * k / len(twins)), np.cos(2 * np.pi * k / len(twins))])
    drawn_relevant = False
    for i in cars:
        for j in cars:
            if j > i and relevant[i, j]:
                ax.plot([shown[i, 1], shown[j, 1]], [shown[i, 0], shown[j, 0]], ls="--", color="tab:orange", lw=2,
                        zorder=1, label=None if drawn_relevant else "could collide within 1 step")
                drawn_relevant = True
    for i in cars:
        for j in cars:
            if hard[i, j] > 0:
                ax.annotate("", xy=(shown[i, 1], shown[i, 0]), xytext=(shown[j, 1], shown[j, 0]),
                            arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 0.5 + 3 * weights[i, j],
                                        "alpha": 0.8, "shrinkA": 10, "shrinkB": 10, "connectionstyle": "arc3,rad=0.15"})
    brakes = np.asarray(frame["actions"]) != 0
    for road_index, colour in enumerate(ROAD_COLOURS):
        mine = [i for i in cars if frame["route"][i] == road_index]
        ax.scatter(shown[mine, 1], shown[mine, 0], s=300, color=colour, zorder=3,
                   edgecolors=["black" if brakes[i] else colour for i in mine], linewidths=2.5,
                   label=f"car on road {road_index} ({'down' if road_index == 0 else 'right'})")
    for i in cars:
        ax.annotate(str(i), (shown[i, 1], shown[i, 0]), color="white", ha="center", va="center", fontsize=9, zorder=4)
    ax.plot([], [], color="tab:red", label="edge j → i kept (width: W_h W_s)")
    ax.scatter([], [], s=120, facecolors="none", edgecolors="black", linewidths=2.5, label="brakes now")
    style_grid_axes(ax, size)
    pairs = len(cars) * (len(cars) - 1)
    kept = int(sum(hard[i, j] > 0 for i in cars for j in cars if i != j))
    kept_relevant = int(sum(hard[i, j] > 0 and relevant[i, j] > 0 for i in cars for j in cars if i != j))
    ax.set_title(f"edges kept: {kept} of {pairs} ({kept_relevant} relevant); "
                 f"relevant pairs: {int(sum(relevant[i, j] > 0 for i in cars for j in cars if i != j))}")
    return ax


def explore_graph(frames: list, size: int | None = None):
    """An ipywidgets explorer: a slider over the episode's steps, the kept edges drawn each step.

    ``frames`` from :func:`marl_course.deep.g2anet.record_episode`: predator-prey frames need the
    grid ``size``; traffic-junction frames carry their own.
    """
    import ipywidgets as widgets

    check_sequence(frames, "frames")
    junction = isinstance(frames[0], dict) and "positions" in frames[0]
    if not junction:
        size = check_int(size, "size", low=1)
    for t, frame in enumerate(frames):
        if junction:
            _check_junction_frame(frame, f"frames[{t}]")
        else:
            _check_graph_frame(frame, size, f"frames[{t}]")

    def show(step):
        ax = draw_graph_frame(frames[step], size)
        ax.set_title(f"step {step}: {ax.get_title()}")
        return ax

    return explorer(show, {"step": widgets.IntSlider(0, 0, len(frames) - 1, description="step")})


PROBE_BARS = (("kept_if_sees", "kept: listener\nsees a prey"), ("kept_if_blind", "kept: listener\nsees none"),
              ("recall", "recall\nP(K | R)"), ("precision", "precision\nP(R | K)"),
              ("relevant", "base rate P(R)\n(chance precision)"))
"""The edge scores :func:`plot_reward_probe` draws, with their labels."""


def plot_reward_probe(results: dict, critic: str = "GA-AC", axes=None):
    """The game-abstraction probe (:mod:`marl_course.experiments.ga_abstraction`) in two panels.

    Left: every critic's held-out squared error of ``Q_i(o, a)`` against the next reward ``r_i``,
    one dot per seed and a bar at the mean. Right: ``critic``'s hard edges ``K`` against the ground
    truth ``R``: the fraction of edges kept when the listener ``i`` sees a prey and when it sees none,
    recall, precision and the base rate of relevant pairs (the precision of edges kept at random).

    Examples
    --------
    >>> run = {"mse": 0.02, "kept": 0.2, "relevant": 0.02, "precision": 0.09, "recall": 1.0,
    ...        "kept_if_sees": 1.0, "kept_if_blind": 0.0}
    >>> results = {"methods": {"GA-AC": {"final": [run, run]}, "independent critics": {"final": [dict(run, mse=0.04)] * 2}}}
    >>> left, right = plot_reward_probe(results)
    >>> left.get_ylabel(), len(right.patches)
    ('held-out squared error of Q_i against r_i', 5)
    """
    if not isinstance(results, dict) or not isinstance(results.get("methods"), dict) or not results["methods"]:
        raise ValueError("results must be a probe summary with 'methods' (ga_abstraction.load_results())")
    methods = list(results["methods"])
    if critic not in methods:
        raise ValueError(f"critic must be one of {sorted(methods)}, got {critic!r}")
    errors = [scores(results, m, "mse") for m in methods]  # per seed; refused by name before any figure
    edges = [scores(results, critic, key) for key, _ in PROBE_BARS]
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [2, 3]})
    elif len(axes) != 2:
        raise ValueError("axes must be two matplotlib Axes (squared error, edges)")
    for ax in axes:
        check_ax(ax)
    rng = np.random.default_rng(0)  # horizontal jitter of the dots only
    for ax, names, values, colour in (
            (axes[0], methods, errors, "tab:blue"), (axes[1], [label for _, label in PROBE_BARS], edges, "tab:red")):
        for k, per_seed in enumerate(values):
            ax.bar(k, np.nanmean(per_seed), color=colour, alpha=0.35, width=0.6)
            ax.scatter(k + rng.uniform(-0.15, 0.15, len(per_seed)), per_seed, color=colour, s=14, zorder=3)
        ax.set_xticks(range(len(names)), names, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("held-out squared error of Q_i against r_i")
    axes[0].set_title("predicting the next reward (bar: mean; dots: seeds)")
    axes[1].set_ylabel("fraction (of the pairs i ← j each bar counts)")
    axes[1].set_ylim(0, 1.05)
    axes[1].set_title(f"{critic}'s hard edges K against who matters R")
    return axes
