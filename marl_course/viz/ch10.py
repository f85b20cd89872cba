"""Chapter 10 plots: G2ANet's learned interaction graph over the predators, and its explorer.

``draw_graph_frame`` is the explorer's callback (a plain function, tested headless);
``explore_graph`` wires it to an ipywidgets step slider. Learning curves are drawn by
:func:`marl_course.viz.curves.plot_learning_curves`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_int
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
    n = len(pos)
    arrays = []
    for key in ("hard", "weights"):
        array = as_finite_array(frame[key], f"{name}[{key!r}]", ndim=2)
        if array.shape != (n, n):
            raise ValueError(f"{name}[{key!r}] must have shape ({n}, {n}) (one row and column per predator), "
                             f"got {array.shape}")
        arrays.append(np.asarray(frame[key]))
    return pos, prey, arrays[0], arrays[1]


def draw_graph_frame(frame: dict, size: int, ax=None):
    """Draw one predator-prey step: the prey, the predators and the edges hard attention keeps.

    ``frame`` is one entry of :func:`marl_course.deep.g2anet.record_episode`. An arrow ``j -> i``
    is drawn when ``W_h^{ij} = 1``, its width and label the final weight ``W_h^{ij} W_s^{ij}``.
    Predators at the same cell are drawn slightly apart so that all of them stay visible.

    Examples
    --------
    >>> frame = {"predator_pos": np.array([[0, 0], [2, 2]]), "prey_pos": np.array([1, 1]),
    ...          "hard": np.array([[0.0, 1.0], [0.0, 0.0]]), "weights": np.array([[0.0, 1.0], [0.0, 0.0]])}
    >>> ax = draw_graph_frame(frame, size=4)
    >>> ax.get_title()
    'edges kept by hard attention: 1 of 2'
    """
    size = check_int(size, "size", low=1)
    pos, prey, hard, weights = _check_graph_frame(frame, size, "frame")
    check_ax(ax)
    n = len(pos)
    # spread predators sharing a cell on a small circle
    angle = 2 * np.pi * np.arange(n) / n
    shown = pos + 0.18 * np.stack([np.sin(angle), np.cos(angle)], axis=-1) * (
        (pos[:, None] == pos[None]).all(-1).sum(-1) > 1)[:, None]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(prey[1], prey[0], marker="*", s=500, color="tab:orange", label="prey", zorder=2)
    ax.scatter(shown[:, 1], shown[:, 0], s=260, color="tab:blue", label="predator", zorder=3)
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


def explore_graph(frames: list, size: int):
    """An ipywidgets explorer: a slider over the episode's steps, the kept edges drawn each step."""
    import ipywidgets as widgets

    size = check_int(size, "size", low=1)
    check_sequence(frames, "frames")
    for t, frame in enumerate(frames):
        _check_graph_frame(frame, size, f"frames[{t}]")

    def show(step):
        ax = draw_graph_frame(frames[step], size)
        ax.set_title(f"step {step}: {ax.get_title()}")
        return ax

    return explorer(show, {"step": widgets.IntSlider(0, 0, len(frames) - 1, description="step")})
