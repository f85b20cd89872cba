"""Chapter 7 plots: Q_tot tables beside the paper's and the additive-fit explorer.

The explorer asks what VDN can learn in a one-step team game: the weighted least-squares fit
``Q_1(a_1) + Q_2(a_2)`` of the payoff (:func:`marl_course.envs.nonmonotonic.best_additive_fit`)
under an exploration policy where each agent plays action 0 with probability
``1 - epsilon + epsilon / m`` and every other action with ``epsilon / m``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_choice, check_int, check_real
from marl_course.viz._checks import (check_ax, check_mapping, check_names, check_optional_real, check_sequence,
                                     check_text)
from marl_course.envs.nonmonotonic import best_additive_fit, climbing_game, exploration_weights, penalty_game
from marl_course.envs.two_step import PAPER_Q_TOT, STATE_NAMES


def plot_table(ax, table, title: str, mark=None, action_names=None, vmin=None, vmax=None):
    """Draw a 2-agent table as an annotated heatmap (rows: agent 1's action); ``mark`` outlines one cell.

    >>> fig, ax = plt.subplots()
    >>> ax = plot_table(ax, [[0, 1], [1, 8]], "2B", mark=(1, 1))
    >>> [t.get_text() for t in ax.texts]
    ['0.00', '1.00', '1.00', '8.00']
    >>> plt.close(fig)
    """
    check_ax(ax, optional=False)
    table = as_finite_array(table, "table", ndim=2)
    check_text(title, "title")
    if mark is not None:
        check_sequence(mark, "mark")
        if len(mark) != 2:
            raise ValueError(f"mark must be a cell (row, column), got {len(mark)} items")
        mark = (check_int(mark[0], "mark[0]", low=0, high=table.shape[0] - 1),
                check_int(mark[1], "mark[1]", low=0, high=table.shape[1] - 1))
    if action_names is not None:
        action_names = check_names(action_names, "action_names", max(table.shape), at_least=True)
    vmin, vmax = check_optional_real(vmin, "vmin"), check_optional_real(vmax, "vmax")
    if (vmin is None) != (vmax is None):
        raise ValueError("vmin and vmax must be given together (or neither)")
    if vmin is not None and vmin >= vmax:
        raise ValueError(f"vmin must be smaller than vmax, got vmin={vmin}, vmax={vmax}")
    ax.imshow(table, cmap="viridis", vmin=vmin, vmax=vmax)
    mid = (np.nanmax(table) + np.nanmin(table)) / 2 if vmin is None else (vmin + vmax) / 2
    for (r, c), v in np.ndenumerate(table):
        ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=9, color="black" if v > mid else "white")
    names = action_names or [str(a) for a in range(table.shape[0])]
    ax.set_xticks(range(table.shape[1]), names[: table.shape[1]])
    ax.set_yticks(range(table.shape[0]), names[: table.shape[0]])
    ax.set_xlabel("agent 2's action")
    ax.set_ylabel("agent 1's action")
    ax.set_title(title, fontsize=10)
    if mark is not None:
        ax.add_patch(plt.Rectangle((mark[1] - 0.5, mark[0] - 0.5), 1, 1, fill=False, lw=3, ec="red"))
    return ax


def plot_two_step_tables(ours: dict, paper: dict = PAPER_Q_TOT):
    """The learned ``Q_tot`` tables of the two-step game beside the paper's (Rashid et al. 2018, Table 1).

    Parameters
    ----------
    ours : dict
        ``{"VDN": {"1": table, "2A": table, "2B": table}, "QMIX": {...}}`` from
        :func:`marl_course.deep.value_decomposition.two_step_q_tables`.

    Examples
    --------
    >>> fig = plot_two_step_tables(PAPER_Q_TOT)
    >>> len(fig.axes)
    12
    >>> plt.close(fig)
    """
    check_mapping(ours, "ours")
    check_mapping(paper, "paper")
    for m in ours:
        if m not in paper:
            raise ValueError(f"paper must have tables for every method of ours; {m!r} is missing")
        for who, tables in (("paper", paper[m]), ("ours", ours[m])):
            check_mapping(tables, f"{who}[{m!r}]")
            for state in STATE_NAMES:
                if state not in tables:
                    raise ValueError(f"{who}[{m!r}] must have a table for every state {STATE_NAMES}; "
                                     f"{state!r} is missing")
                table = as_finite_array(tables[state], f"{who}[{m!r}][{state!r}]", ndim=2)
                if table.shape != (2, 2):
                    raise ValueError(f"{who}[{m!r}][{state!r}] must be 2x2 (agent 1's action by agent 2's), "
                                     f"got shape {table.shape}")
    rows = [(f"{m} ({who})", tables) for m in ours for who, tables in (("paper", paper[m]), ("ours", ours[m]))]
    fig, axes = plt.subplots(len(rows), 3, figsize=(8.5, 2.6 * len(rows)), squeeze=False)
    for (label, tables), row in zip(rows, axes):
        for state, ax in zip(STATE_NAMES, row):
            plot_table(ax, tables[state], f"{label}, state {state}", action_names=["A", "B"], vmin=-2, vmax=8)
    fig.suptitle("Two-step game: learned $Q_{tot}(s, a_1, a_2)$", y=1.0)
    fig.tight_layout()
    return fig


def draw_fit_explorer(game: str = "penalty", k: float = -50.0, epsilon: float = 1.0):
    """The explorer's drawing: a team payoff beside VDN's best additive fit under ``epsilon`` exploration.

    Parameters
    ----------
    game : {"penalty", "climbing"}
        The penalty game with penalty ``k`` or the climbing game (``k`` ignored).
    k : float
        The penalty (``<= 0``).
    epsilon : float
        Exploration in (0, 1]; smaller puts more data on the optimal joint action ``(0, 0)``.

    Examples
    --------
    >>> fig = draw_fit_explorer("climbing", epsilon=1.0)
    >>> fig.axes[1].get_title().startswith("VDN fit")
    True
    >>> plt.close(fig)
    """
    check_choice(game, "game", ("penalty", "climbing"))
    k = check_real(k, "k", high=0)
    epsilon = check_real(epsilon, "epsilon", low=0, high=1, low_open=True)
    payoff = penalty_game(k) if game == "penalty" else climbing_game()
    fit, greedy = best_additive_fit(payoff, exploration_weights(len(payoff), epsilon))
    optimum = np.unravel_index(np.argmax(payoff), payoff.shape)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    plot_table(axes[0], payoff, f"payoff R ({game}); optimum {payoff[optimum]:.0f}", mark=optimum)
    plot_table(axes[1], fit, f"VDN fit, epsilon={epsilon:.2f}: greedy pays {payoff[tuple(greedy)]:.0f}", mark=greedy)
    fig.suptitle("red box: the optimum (left) and the decentralised greedy joint action of the fit (right)", fontsize=9)
    fig.tight_layout()
    return fig
