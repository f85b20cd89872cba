"""Chapter 2 plots: Littman's table beside ours, the value gap to Shapley's values, a soccer board."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_choice, check_int, check_real
from marl_course.viz._checks import check_ax, check_axes, check_mapping, check_sequence, check_text


def plot_littman_table(ours: dict, paper: dict, axes=None, label: str = "ours"):
    """Percent of decided games won by each trained policy, ours beside the paper's: one panel per opponent.

    Parameters
    ----------
    ours, paper : dict
        ``[opponent][policy] -> percent won`` (e.g. from ``littman_table`` and ``LITTMAN_TABLE_1``).
    label : str
        Legend label of our bars (say the scale).

    Examples
    --------
    >>> axes = plot_littman_table({"random": {"MR": 95.0}}, {"random": {"MR": 99.3}})
    >>> axes[0].get_ylabel()
    '% of decided games won by A'
    """
    check_mapping(ours, "ours")
    check_mapping(paper, "paper")
    for opponent, row in ours.items():
        check_mapping(row, f"ours[{opponent!r}]")
        if opponent not in paper:
            raise ValueError(f"paper must have a row for every opponent of ours; {opponent!r} is missing")
        check_mapping(paper[opponent], f"paper[{opponent!r}]")
        for policy, percent in row.items():
            check_real(percent, f"ours[{opponent!r}][{policy!r}]")
            if policy not in paper[opponent]:
                raise ValueError(f"paper[{opponent!r}] must have every policy of ours; {policy!r} is missing")
            check_real(paper[opponent][policy], f"paper[{opponent!r}][{policy!r}]")
    check_text(label, "label")
    axes = check_axes(axes, "axes", len(ours))
    axes = np.atleast_1d(axes if axes is not None else
                         plt.subplots(1, len(ours), figsize=(3.4 * len(ours), 3.6), sharey=True)[1])
    for ax, opponent in zip(axes, ours):
        names = list(ours[opponent])
        x = np.arange(len(names))
        ax.bar(x - 0.2, [ours[opponent][n] for n in names], 0.4, label=label)
        ax.bar(x + 0.2, [paper[opponent][n] for n in names], 0.4, label="Littman 1994, Table 1")
        ax.set_xticks(x, names)
        ax.set_xlabel("trained policy (A)")
        ax.set_ylim(0, 105)
        ax.set_title(f"against {opponent}")
    axes[0].set_ylabel("% of decided games won by A")
    axes[-1].legend(loc="upper right", fontsize=8)
    return axes


def plot_value_gap(steps, gaps, ax=None):
    """Mean ``|V(s) - V*(s)|`` over states of Minimax-Q's values against training steps.

    Examples
    --------
    >>> ax = plot_value_gap([1, 2], [0.5, 0.25])
    >>> ax.get_xlabel()
    'training steps'
    """
    steps, gaps = as_finite_array(steps, "steps", ndim=1), as_finite_array(gaps, "gaps", ndim=1)
    if steps.shape != gaps.shape:
        raise ValueError(f"steps and gaps must have the same length, got {steps.shape} and {gaps.shape}")
    check_ax(ax)
    if np.any(gaps < 0):
        raise ValueError("gaps must be non-negative (they are drawn on a log scale)")
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    ax.plot(steps, gaps, marker="o")
    ax.set_xlabel("training steps")
    ax.set_ylabel("mean over states of |V(s) - V*(s)|")
    ax.set_title("Minimax-Q's values approach Shapley's values")
    ax.set_yscale("log")
    return ax


def _check_soccer_policy(policy, name: str) -> np.ndarray:
    from marl_course.envs.soccer import ACTIONS, N_STATES

    policy = as_finite_array(policy, name, ndim=2)
    if policy.shape != (N_STATES, len(ACTIONS)):
        raise ValueError(f"{name} must have shape ({N_STATES}, {len(ACTIONS)}), got {policy.shape}")
    if np.any(policy < -1e-8) or np.any(np.abs(policy.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError(f"{name} must hold one probability distribution per state (rows non-negative, "
                         f"summing to 1)")
    return policy


def draw_soccer_state(state: int, policy, ax=None):
    """The soccer board in ``state`` with player A's action probabilities under ``policy`` (760, 5).

    The explorer's drawing callback: board, goals, players (the ball holder ringed) and a bar of
    the five action probabilities.

    Examples
    --------
    >>> from marl_course.envs.soccer import uniform_policy
    >>> ax = draw_soccer_state(0, uniform_policy())
    >>> ax[1].get_ylabel()
    'probability'
    """
    from marl_course.envs.soccer import ACTIONS, COLS, GOAL_ROWS, N_STATES, ROWS, STATES

    state = check_int(state, "state", low=0, high=N_STATES - 1)
    policy = _check_soccer_policy(policy, "policy")
    check_axes(ax, "ax", 2, exact=True)
    axes = ax if ax is not None else plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1.6, 1]})[1]
    board, bars = axes
    cell_a, cell_b, ball = STATES[state]
    for row in range(ROWS + 1):
        board.plot([0, COLS], [row, row], color="0.7", lw=0.8)
    for col in range(COLS + 1):
        board.plot([col, col], [0, ROWS], color="0.7", lw=0.8)
    for x, label in ((-0.3, "A scores"), (COLS + 0.3, "B scores")):
        board.plot([x, x], [ROWS - GOAL_ROWS[0], ROWS - GOAL_ROWS[-1] - 1], lw=6, color="tab:green")
        board.text(x, ROWS + 0.25, label, ha="center", fontsize=8)
    for name, cell, color, holder in (("A", cell_a, "tab:blue", 0), ("B", cell_b, "tab:red", 1)):
        row, col = divmod(int(cell), COLS)
        board.scatter(col + 0.5, ROWS - row - 0.5, s=500, color=color, edgecolors="k" if ball == holder else color,
                      linewidths=3)
        board.text(col + 0.5, ROWS - row - 0.5, name, ha="center", va="center", color="w", fontweight="bold")
    board.set_xlim(-0.8, COLS + 0.8)
    board.set_ylim(-0.2, ROWS + 0.6)
    board.set_aspect("equal")
    board.axis("off")
    board.set_title(f"state {state}: ball with {'AB'[ball]} (ringed)")
    bars.bar(ACTIONS, policy[state], color="tab:blue")
    bars.set_ylim(0, 1)
    bars.set_xlabel("A's action")
    bars.set_ylabel("probability")
    bars.set_title("A's policy in this state")
    return axes


def draw_soccer_position(policies: dict, name: str, cell_a: int, cell_b: int, holder: str, ax=None):
    """The explorer's callback: place A, B and the ball, and show A's policy ``policies[name]`` there.

    Examples
    --------
    >>> from marl_course.envs.soccer import uniform_policy
    >>> axes = draw_soccer_position({"random": uniform_policy()}, "random", 8, 11, "A")
    >>> axes[0].get_title()
    'state 324: ball with A (ringed)'
    """
    from marl_course.envs.soccer import STATE_INDEX

    check_mapping(policies, "policies")
    check_choice(name, "name", list(policies))
    if holder not in ("A", "B"):
        raise ValueError(f"holder must be 'A' or 'B', got {holder!r}")
    cell_a, cell_b = check_int(cell_a, "cell_a", low=0, high=19), check_int(cell_b, "cell_b", low=0, high=19)
    if cell_a == cell_b:
        check_ax(ax)
        _check_soccer_policy(policies[name], f"policies[{name!r}]")
        ax = ax if ax is not None else plt.subplots(figsize=(6, 2))[1]
        ax.text(0.5, 0.5, "A and B cannot stand on the same square", ha="center", va="center")
        ax.axis("off")
        return ax
    policy = _check_soccer_policy(policies[name], f"policies[{name!r}]")
    return draw_soccer_state(int(STATE_INDEX[cell_a, cell_b, "AB".index(holder)]), policy, ax=ax)


def draw_grid_paths(paths: dict, axes=None):
    """Joint paths on Hu & Wellman's 3x3 grid: one panel per learner, agent 1 blue, agent 2 red, goals as stars.

    Parameters
    ----------
    paths : dict
        ``name -> (path, goals)``: ``path`` a list of ``(cell_1, cell_2)`` from
        :func:`~marl_course.envs.grid_games.greedy_path`, ``goals`` the two agents' goal cells.

    Examples
    --------
    >>> axes = draw_grid_paths({"Nash-Q": ([(0, 2), (3, 1), (6, 4), (7, 3), (8, 6)], (8, 6))})
    >>> axes[0].get_title()
    'Nash-Q: 4 steps'
    """
    check_mapping(paths, "paths")
    for name, entry in paths.items():
        check_sequence(entry, f"paths[{name!r}]")
        if len(entry) != 2:
            raise ValueError(f"paths[{name!r}] must be a pair (path, goals), got {len(entry)} items")
        path, goals = entry
        check_sequence(path, f"paths[{name!r}] path")
        for t, cells in enumerate(path):
            check_sequence(cells, f"paths[{name!r}] path[{t}]")
            if len(cells) != 2:
                raise ValueError(f"paths[{name!r}] path[{t}] must be a pair of cells, got {len(cells)}")
            for agent, cell in enumerate(cells):
                check_int(cell, f"paths[{name!r}] path[{t}][{agent}]", low=0, high=8)
        check_sequence(goals, f"paths[{name!r}] goals")
        if len(goals) != 2:
            raise ValueError(f"paths[{name!r}] goals must be a pair of cells, got {len(goals)}")
        for agent, cell in enumerate(goals):
            check_int(cell, f"paths[{name!r}] goals[{agent}]", low=0, high=8)
    axes = check_axes(axes, "axes", len(paths))
    axes = np.atleast_1d(axes if axes is not None else plt.subplots(1, len(paths), figsize=(3.2 * len(paths), 3.6))[1])
    for panel, (name, (path, goals)) in zip(axes, paths.items()):
        for k in range(4):
            panel.plot([k, k], [0, 3], color="0.7", lw=0.8)
            panel.plot([0, 3], [k, k], color="0.7", lw=0.8)
        for agent, (color, offset) in enumerate((("tab:blue", -0.1), ("tab:red", 0.1))):
            cells = [p[agent] for p in path]
            xy = np.array([(cell % 3 + 0.5 + offset, cell // 3 + 0.5 + offset) for cell in cells])
            panel.plot(xy[:, 0], xy[:, 1], "-o", color=color, label=f"agent {agent + 1}", alpha=0.8)
            panel.scatter(goals[agent] % 3 + 0.5 + offset, goals[agent] // 3 + 0.5 + offset, marker="*", s=250,
                          color=color, edgecolors="k", zorder=3, label=f"goal {agent + 1}")
        panel.set_xlim(0, 3)
        panel.set_ylim(0, 3)
        panel.set_aspect("equal")
        panel.set_xticks([])
        panel.set_yticks([])
        panel.set_title(f"{name}: {len(path) - 1} steps")
    axes[0].legend(loc="upper center", fontsize=7, bbox_to_anchor=(0.5, -0.02), ncol=4, handletextpad=0.3,
                   columnspacing=0.8)
    return axes
