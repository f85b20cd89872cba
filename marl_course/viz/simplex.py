"""Drawing strategies of 3-action games on the probability simplex (a triangle).

A distribution ``p = (p_0, p_1, p_2)`` maps to the point ``p_0 v_0 + p_1 v_1 + p_2 v_2`` of the
equilateral triangle with corners ``v_0 = (0, 0)``, ``v_1 = (1, 0)``, ``v_2 = (1/2, sqrt(3)/2)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_probability_rows
from marl_course.viz._checks import check_ax, check_names

CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
"""The triangle's corners, one per action."""


def simplex_to_xy(probabilities) -> np.ndarray:
    """Barycentric map of distributions over 3 actions, shape (..., 3), to points, shape (..., 2).

    >>> simplex_to_xy([1/3, 1/3, 1/3]).round(4)
    array([0.5   , 0.2887])
    """
    p = as_probability_rows(probabilities, "probabilities")
    if p.shape[-1] != 3:
        raise ValueError(f"probabilities must have 3 entries on the last axis, got shape {p.shape}")
    return p @ CORNERS


def simplex_axes(ax=None, labels=("action 0", "action 1", "action 2")):
    """Draw the empty triangle with a label at each corner; return the axes.

    >>> import matplotlib
    >>> ax = simplex_axes(labels=("rock", "paper", "scissors"))
    >>> len(ax.texts)
    3
    """
    check_ax(ax)
    labels = check_names(labels, "labels", 3)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot(*np.vstack([CORNERS, CORNERS[:1]]).T, color="0.3", lw=1)
    offsets = [(-0.04, -0.05), (0.04, -0.05), (0.0, 0.04)]
    for corner, label, (dx, dy), ha in zip(CORNERS, labels, offsets, ("right", "left", "center")):
        ax.text(corner[0] + dx, corner[1] + dy, label, ha=ha, va="center")
    ax.set_aspect("equal")
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.12, 1.0)
    ax.axis("off")
    return ax


def plot_simplex_trajectory(probabilities, ax=None, labels=("action 0", "action 1", "action 2"), **line_kwargs):
    """Draw a trajectory of distributions ``(T, 3)`` on the simplex, marking start and end.

    >>> ax = plot_simplex_trajectory(np.array([[1, 0, 0], [0.5, 0.5, 0], [1/3, 1/3, 1/3]]), label="run")
    >>> len(ax.lines) >= 2
    True
    """
    xy = simplex_to_xy(probabilities)
    if xy.ndim != 2:
        raise ValueError(f"probabilities must have shape (T, 3), got {np.shape(probabilities)}")
    check_ax(ax)
    labels = check_names(labels, "labels", 3)
    if ax is None:
        ax = simplex_axes(labels=labels)
    line, = ax.plot(xy[:, 0], xy[:, 1], lw=1.2, **line_kwargs)
    ax.plot(*xy[0], "o", color=line.get_color(), ms=5)
    ax.plot(*xy[-1], "s", color=line.get_color(), ms=5)
    return ax
