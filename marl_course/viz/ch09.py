"""Chapter 9 plots: DGN's attention drawn on the jungle grid.

``draw_attention_frame`` is the explorer's callback (a plain function, tested headless);
``explore_attention`` wires it to an ipywidgets step slider and agent selector.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_int
from marl_course.viz._checks import check_ax, check_frame, check_sequence
from marl_course.viz.grid import style_grid_axes
from marl_course.viz.explorers import explorer


def _check_cells(value, name: str, size: int, *, allow_empty: bool = False) -> np.ndarray:
    """Grid cells ``(n, 2)`` of whole numbers in ``[0, size)``; returned as given (ints stay ints)."""
    cells = np.asarray(value)
    if allow_empty and cells.size == 0:
        return cells.reshape(0, 2)
    checked = as_finite_array(cells, name, ndim=2)
    if checked.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2) (row, column), got {checked.shape}")
    if np.any(checked != np.round(checked)) or np.any(checked < 0) or np.any(checked >= size):
        raise ValueError(f"{name} must hold whole-number cells in [0, {size})")
    return cells


def _check_square(value, name: str, n: int) -> np.ndarray:
    array = as_finite_array(value, name, ndim=2)
    if array.shape != (n, n):
        raise ValueError(f"{name} must have shape ({n}, {n}) (one row and column per agent), got {array.shape}")
    return array


def _check_attention_frame(frame, size: int, name: str):
    check_frame(frame, name, ("agent_pos", "food_pos", "adjacency", "attention"))
    pos = _check_cells(frame["agent_pos"], f"{name}['agent_pos']", size)
    food = _check_cells(frame["food_pos"], f"{name}['food_pos']", size, allow_empty=True)
    n = len(pos)
    attention = _check_square(frame["attention"], f"{name}['attention']", n)
    adjacency = _check_square(frame["adjacency"], f"{name}['adjacency']", n).astype(bool)
    for key in ("informed", "scout"):
        if key in frame and np.shape(frame[key]) != (n,):
            raise ValueError(f"{name}['{key}'] must have shape ({n},) (one flag per agent), got {np.shape(frame[key])}")
    return pos, food, attention, adjacency


def draw_attention_frame(frame: dict, size: int, agent: int = 0, ax=None):
    """Draw one jungle step: food, agents (those that see food in orange, scouts as diamonds),
    agent ``agent``'s neighbourhood and its attention.

    ``frame`` is one entry of :func:`marl_course.deep.dgn.record_episode` (``informed`` and
    ``scout`` may be left out: then no agent is drawn as seeing food or as a scout). Arrows run from each
    neighbour ``j`` to ``agent``, with width and label proportional to ``alpha_ij`` (averaged
    over heads); ``alpha_ii`` is written beside the agent itself.

    Examples
    --------
    >>> frame = {"agent_pos": np.array([[0, 0], [2, 2]]), "food_pos": np.array([[1, 1]]),
    ...          "adjacency": np.ones((2, 2), bool), "attention": np.full((2, 2), 0.5)}
    >>> ax = draw_attention_frame(frame, size=4)
    >>> ax.get_title()
    'agent 0 attends to its neighbourhood'
    """
    size = check_int(size, "size", low=1)
    pos, food, attention, adjacency = _check_attention_frame(frame, size, "frame")
    agent = check_int(agent, "agent", low=0, high=len(pos) - 1)
    check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    # grid coordinates: x = column, y = row (row 0 at the top)
    ax.scatter(food[:, 1], food[:, 0], marker="s", s=180, color="tab:green", label="food")
    informed = np.asarray(frame.get("informed", np.zeros(len(pos), dtype=bool)), dtype=bool)
    scout = np.asarray(frame.get("scout", np.zeros(len(pos), dtype=bool)), dtype=bool)
    for who, marker, kind in ((~scout, "o", "forager"), (scout, "D", "scout")):
        for sees, color, state in ((False, "tab:blue", "does not see food"), (True, "tab:orange", "sees food")):
            chosen = who & (informed == sees)
            if chosen.any():
                ax.scatter(pos[chosen, 1], pos[chosen, 0], s=220, marker=marker, color=color, zorder=3,
                           label=f"{kind}, {state}")
    ax.scatter(*pos[agent, ::-1], s=320, facecolors="none", edgecolors="tab:red", linewidths=2.5, zorder=4,
               label=f"agent {agent}")
    for i, (r, c) in enumerate(pos):
        ax.annotate(str(i), (c, r), color="white", ha="center", va="center", fontsize=8, zorder=5)
    for j in np.flatnonzero(adjacency[agent]):
        weight = float(attention[agent, j])
        if j == agent:
            ax.annotate(f"self {weight:.2f}", (pos[j, 1] + 0.25, pos[j, 0] - 0.3), color="tab:red", fontsize=9)
            continue
        ax.annotate("", xy=(pos[agent, 1], pos[agent, 0]), xytext=(pos[j, 1], pos[j, 0]),
                    arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 0.5 + 6 * weight, "alpha": 0.8})
        at = pos[j] + 0.35 * (pos[agent] - pos[j])  # near the sender, so that labels of close neighbours stay apart
        ax.annotate(f"{weight:.2f}", (at[1], at[0]), color="tab:red", fontsize=8, ha="center", va="center", zorder=6,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    style_grid_axes(ax, size)
    ax.set_title(f"agent {agent} attends to its neighbourhood")
    return ax


def explore_attention(frames: list, size: int):
    """An ipywidgets explorer: a slider over the episode's steps and one over agents."""
    import ipywidgets as widgets

    size = check_int(size, "size", low=1)
    check_sequence(frames, "frames")
    for t, frame in enumerate(frames):
        _check_attention_frame(frame, size, f"frames[{t}]")
    n_agents = len(frames[0]["agent_pos"])

    def show(step, agent):
        ax = draw_attention_frame(frames[step], size, agent)
        ax.set_title(f"step {step}: agent {agent}'s attention (last layer, mean over heads)")
        return ax

    return explorer(show, {"step": widgets.IntSlider(0, 0, len(frames) - 1, description="step"),
                           "agent": widgets.IntSlider(0, 0, n_agents - 1, description="agent")}, rows=[["step", "agent"]])
