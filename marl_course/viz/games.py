"""Chapter 1 plots: payoff tables, best-response curves of 2x2 games, value-iteration convergence.

In a 2x2 game the row player plays action 0 with probability ``p`` and the column player with
probability ``q``. The row player's best response to ``q`` depends on the sign of
``d_1(q) = V_1(0, q) - V_1(1, q)``, linear in ``q``; the column player's on
``d_2(p) = V_2(p, 0) - V_2(p, 1)``. The equilibria are where the two best-response curves cross.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_bimatrix, as_finite_array, check_real
from marl_course.viz._checks import check_ax, check_axes, check_names, check_sequence, check_text
from marl_course.games import DegenerateGameWarning, mixed_nash_2x2, pure_nash_equilibria


def best_response_curve(d0: float, d1: float) -> tuple[np.ndarray, np.ndarray]:
    """The best-response correspondence to an opponent mixing ``t`` in [0, 1], as a polyline.

    The player's advantage of action 0 over action 1 is ``d(t) = d0 + (d1 - d0) t``; it plays
    action 0 (probability 1) where ``d > 0``, action 1 where ``d < 0``, anything where ``d = 0``.

    Returns
    -------
    t, prob : numpy.ndarray
        Vertices of the polyline ``prob(t)`` (a vertical segment at the switch point).

    Examples
    --------
    >>> t, prob = best_response_curve(1.0, -1.0)  # switches from action 0 to 1 at t = 1/2
    >>> t.tolist(), prob.tolist()
    ([0.0, 0.5, 0.5, 1.0], [1.0, 1.0, 0.0, 0.0])
    """
    d0, d1 = check_real(d0, "d0"), check_real(d1, "d1")

    def choice(d):
        return 1.0 if d > 0 else 0.0
    if d0 == d1:  # constant advantage: the whole square if indifferent
        if d0 == 0:
            return np.array([0.0, 0.0, 1.0, 1.0, 0.0]), np.array([0.0, 1.0, 1.0, 0.0, 0.0])
        return np.array([0.0, 1.0]), np.array([choice(d0)] * 2)
    switch = d0 / (d0 - d1)
    if not 0 < switch < 1:
        middle = d0 + (d1 - d0) * 0.5
        return np.array([0.0, 1.0]), np.array([choice(middle)] * 2)
    return np.array([0.0, switch, switch, 1.0]), np.array([choice(d0), choice(d0), choice(d1), choice(d1)])


def plot_best_responses_2x2(A, B, ax=None, action_names=("action 0", "action 1")):
    """Both best-response curves of a 2x2 game on the unit square, with every equilibrium marked.

    Returns
    -------
    ax, equilibria
        The axes and the list of equilibria ``(x, y)`` from :func:`marl_course.games.mixed_nash_2x2`.

    Examples
    --------
    >>> from marl_course.games.gallery import battle_of_the_sexes
    >>> g = battle_of_the_sexes()
    >>> ax, eqs = plot_best_responses_2x2(g.A, g.B)
    >>> len(eqs)
    3
    """
    A, B = as_bimatrix(A, B)
    if A.shape != (2, 2):
        raise ValueError(f"A must be 2x2 for best-response curves, got shape {A.shape}")
    check_ax(ax)
    action_names = check_names(action_names, "action_names", 2)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    # row player's advantage of action 0 as a function of q
    q_row, p_row = best_response_curve(A[0, 1] - A[1, 1], A[0, 0] - A[1, 0])
    # column player's advantage of action 0 as a function of p
    p_col, q_col = best_response_curve(B[1, 0] - B[1, 1], B[0, 0] - B[0, 1])
    ax.plot(q_row, p_row, color="tab:blue", lw=3, alpha=0.8, label="row player's best response p*(q)")
    ax.plot(q_col, p_col, color="tab:orange", lw=3, alpha=0.8, ls="--", label="column player's best response q*(p)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        equilibria = mixed_nash_2x2(A, B)
    for x, y in equilibria:
        ax.plot(y[0], x[0], "o", ms=11, mfc="none", mec="black", mew=2)
    ax.plot([], [], "o", mfc="none", mec="black", mew=2, label=f"Nash equilibria ({len(equilibria)})")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(f"q = P(column plays {action_names[0]})")
    ax.set_ylabel(f"p = P(row plays {action_names[0]})")
    ax.set_aspect("equal")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8, frameon=False)
    return ax, equilibria


def plot_payoff_table(payoffs, ax=None, action_names=None, title=""):
    """A bimatrix as a table: each cell shows ``R_1, R_2``; pure Nash equilibria are shaded.

    Examples
    --------
    >>> from marl_course.games.gallery import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> ax = plot_payoff_table(g.payoffs, action_names=g.action_names)
    >>> sorted(t.get_text() for t in ax.texts)[:2]
    ['0, 5', '1, 1']
    """
    if isinstance(payoffs, str) or not isinstance(payoffs, (list, tuple, np.ndarray)):
        raise TypeError(f"payoffs must be a two-player game (A, B), got {type(payoffs).__name__}")
    if len(payoffs) != 2:
        raise ValueError(f"payoffs must be a two-player game (A, B) for a payoff table, got {len(payoffs)} players")
    A, B = as_bimatrix(payoffs[0], payoffs[1], names=("payoffs[0]", "payoffs[1]"))
    m, n = A.shape
    check_ax(ax)
    check_text(title, "title")
    if action_names is None:
        action_names = ([f"a{i}" for i in range(m)], [f"b{j}" for j in range(n)])
    else:
        check_sequence(action_names, "action_names")
        if len(action_names) != 2:
            raise ValueError(f"action_names must hold two lists (row and column actions), got {len(action_names)}")
        action_names = (check_names(action_names[0], "action_names[0]", m),
                        check_names(action_names[1], "action_names[1]", n))
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 1.3 * n, 0.9 + 0.7 * m))
    shade = np.zeros((m, n))
    for i, j in pure_nash_equilibria([A, B]):
        shade[i, j] = 1.0
    ax.imshow(shade, cmap="Greens", vmin=0, vmax=2.5, aspect="auto")
    for i in range(m):
        for j in range(n):
            ax.text(j, i, f"{A[i, j]:g}, {B[i, j]:g}", ha="center", va="center", fontsize=11)
    ax.set_xticks(range(n), action_names[1])
    ax.set_yticks(range(m), action_names[0])
    ax.set_xlabel("column player's action")
    ax.set_ylabel("row player's action")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.set_title(title + ("\n" if title else "") + "cells: row payoff, column payoff; shaded = pure Nash",
                 fontsize=9, pad=28)
    return ax


def plot_value_iteration(iterates, exact_values, discount: float, state_names=None, axes=None):
    """Left: ``V_k(s)`` per state against ``k``; right: ``max_s |V_k - V*|`` (log scale) with the
    contraction bound ``gamma^k max_s |V_0 - V*|`` (``V_0 = 0``).

    Parameters
    ----------
    iterates : list of ShapleyIterate
    exact_values : array_like, shape (S,)
        ``V*``, e.g. from :func:`marl_course.games.shapley_values`.
    discount : float
        ``gamma``.
    """
    check_sequence(iterates, "iterates")
    if not all(hasattr(it, "values") for it in iterates):
        raise TypeError("iterates must be a list of ShapleyIterate (each with .values)")
    values = as_finite_array([it.values for it in iterates], "iterates", ndim=2)
    exact = as_finite_array(exact_values, "exact_values", ndim=1)
    if exact.shape[0] != values.shape[1]:
        raise ValueError(f"exact_values must have one value per state ({values.shape[1]}), got {exact.shape[0]}")
    discount = check_real(discount, "discount", low=0, high=1, high_open=True)
    if state_names is not None:
        state_names = check_names(state_names, "state_names", values.shape[1])
    axes = check_axes(axes, "axes", 2, exact=True)
    k = np.arange(1, len(values) + 1)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    names = state_names or [f"state {s}" for s in range(values.shape[1])]
    for s, name in enumerate(names):
        line, = axes[0].plot(k, values[:, s], label=f"V_k({name})")
        axes[0].axhline(exact[s], color=line.get_color(), ls=":", lw=1)
    axes[0].set_xlabel("iteration k")
    axes[0].set_ylabel("value (discounted return)")
    axes[0].set_title("Shapley value iteration (dotted: exact V*)")
    axes[0].legend(fontsize=8)
    error = np.abs(values - exact).max(axis=1)
    axes[1].semilogy(k, np.maximum(error, 1e-16), label="max_s |V_k(s) - V*(s)|")
    axes[1].semilogy(k, discount ** k * np.abs(exact).max(), "k--", lw=1, label="bound gamma^k max|V*|")
    axes[1].set_xlabel("iteration k")
    axes[1].set_ylabel("error (log scale)")
    axes[1].set_title("convergence: a gamma-contraction")
    axes[1].legend(fontsize=8)
    return axes
