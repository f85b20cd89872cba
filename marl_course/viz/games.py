"""Chapter 1 plots: payoff tables, best-response correspondences of 2x2 games, value-iteration convergence.

In a 2x2 game the row player plays action 0 with probability ``p`` and the column player with
probability ``q``. The row player's best response to ``q`` depends on the sign of
``d_1(q) = V_1(0, q) - V_1(1, q)``, linear in ``q``; the column player's on
``d_2(p) = V_2(p, 0) - V_2(p, 1)``. Where the sign is zero the player is indifferent and every
``p`` (or ``q``) in ``[0, 1]`` is a best response, so each best response is a *correspondence*
whose graph is a union of axis-parallel segments (or the whole square). The equilibria are the
intersection of the two graphs, computed exactly by :func:`equilibrium_set_2x2`: isolated points,
and in degenerate games whole segments (continua) of equilibria.

:func:`equilibrium_set_2x2` lives here, next to the drawing it serves, rather than in
``marl_course.games``; it uses only comparisons of the payoffs, so it is exact for any 2x2 game.
"""

from __future__ import annotations

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_bimatrix, as_finite_array, check_real
from marl_course.viz._checks import check_ax, check_axes, check_names, check_sequence, check_text
from marl_course.games import pure_nash_equilibria


def _sign(x: float) -> int:
    return int(x > 0) - int(x < 0)


def _correspondence_pieces(d0: float, d1: float) -> list[tuple[float, float, float, float]]:
    """The graph of the best-response correspondence to ``t`` in [0, 1] as closed boxes
    ``(own_lo, own_hi, t_lo, t_hi)``, for the advantage ``d(t) = d0 + (d1 - d0) t`` of action 0.

    Only the signs of ``d0`` and ``d1`` are compared (a float difference ``a - b`` has the exact
    sign of ``a - b``); the switch point ``d0 / (d0 - d1)`` is computed only when it is strictly
    inside (0, 1), and is exactly 0 or 1 when ``d0`` or ``d1`` is zero.
    """
    a, b = _sign(d0), _sign(d1)
    if a == 0 and b == 0:        # indifferent against every t
        return [(0.0, 1.0, 0.0, 1.0)]
    if a == b:                   # the same strict preference against every t
        c = 1.0 if a > 0 else 0.0
        return [(c, c, 0.0, 1.0)]
    if a == 0:                   # indifferent only at t = 0
        c = 1.0 if b > 0 else 0.0
        return [(0.0, 1.0, 0.0, 0.0), (c, c, 0.0, 1.0)]
    if b == 0:                   # indifferent only at t = 1
        c = 1.0 if a > 0 else 0.0
        return [(c, c, 0.0, 1.0), (0.0, 1.0, 1.0, 1.0)]
    s = d0 / (d0 - d1)           # opposite strict signs: a switch strictly inside (0, 1)
    left, right = (1.0, 0.0) if a > 0 else (0.0, 1.0)
    return [(left, left, 0.0, s), (0.0, 1.0, s, s), (right, right, s, 1.0)]


def best_response_curve(d0: float, d1: float) -> tuple[np.ndarray, np.ndarray]:
    """The graph of the best-response correspondence to an opponent mixing ``t`` in [0, 1], as a polyline.

    The player's advantage of action 0 over action 1 is ``d(t) = d0 + (d1 - d0) t``; it plays
    action 0 (probability 1) where ``d > 0``, action 1 where ``d < 0``, and any probability in
    ``[0, 1]`` where ``d = 0``: a vertical segment at the switch point, also when the switch point
    is 0 or 1 (``d0 = 0`` or ``d1 = 0``). A player indifferent against every ``t`` (``d0 = d1 = 0``)
    has the whole square as its graph; the polyline is then the square's outline.

    Returns
    -------
    t, prob : numpy.ndarray
        Vertices of the polyline ``prob(t)``.

    Examples
    --------
    >>> t, prob = best_response_curve(1.0, -1.0)  # switches from action 0 to 1 at t = 1/2
    >>> t.tolist(), prob.tolist()
    ([0.0, 0.5, 0.5, 1.0], [1.0, 1.0, 0.0, 0.0])
    >>> t, prob = best_response_curve(0.0, -2.0)  # indifferent at t = 0 only: a segment on the edge
    >>> t.tolist(), prob.tolist()
    ([0.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    """
    d0, d1 = check_real(d0, "d0"), check_real(d1, "d1")
    a, b = _sign(d0), _sign(d1)
    if a == 0 and b == 0:  # the whole square: its outline
        t, prob = [0.0, 0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0]
    elif a == b:           # constant strict preference
        c = 1.0 if a > 0 else 0.0
        t, prob = [0.0, 1.0], [c, c]
    elif a == 0:           # vertical segment on the edge t = 0, then the choice for t > 0
        c = 1.0 if b > 0 else 0.0
        t, prob = [0.0, 0.0, 1.0], [1.0 - c, c, c]
    elif b == 0:           # the choice for t < 1, then a vertical segment on the edge t = 1
        c = 1.0 if a > 0 else 0.0
        t, prob = [0.0, 1.0, 1.0], [c, c, 1.0 - c]
    else:                  # switch strictly inside (0, 1)
        (left, _, _, s), _, (right, *_) = _correspondence_pieces(d0, d1)
        t, prob = [0.0, s, s, 1.0], [left, left, right, right]
    return np.array(t), np.array(prob)


def _advantages(A: np.ndarray, B: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """``(d_1(0), d_1(1))``, the row player's advantage of action 0 at ``q = 0`` and ``q = 1``, and
    ``(d_2(0), d_2(1))``, the column player's at ``p = 0`` and ``p = 1``."""
    return ((float(A[0, 1] - A[1, 1]), float(A[0, 0] - A[1, 0])),
            (float(B[1, 0] - B[1, 1]), float(B[0, 0] - B[0, 1])))


def _check_2x2(A, B) -> tuple[np.ndarray, np.ndarray]:
    if B is None:
        raise TypeError("B must be the column player's 2x2 payoff matrix, got None")
    A, B = as_bimatrix(A, B)
    if A.shape != (2, 2):
        raise ValueError(f"A must be 2x2, got shape {A.shape}")
    return A, B


def _merge_segments(boxes: list[list[float]]) -> list[list[float]]:
    """Merge collinear segments ``[p_lo, p_hi, q_lo, q_hi]`` that overlap or touch."""
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                u, v = boxes[i], boxes[j]
                horizontal = u[0] == u[1] == v[0] == v[1] and u[2] <= v[3] and v[2] <= u[3]
                vertical = u[2] == u[3] == v[2] == v[3] and u[0] <= v[1] and v[0] <= u[1]
                if horizontal or vertical:
                    boxes[i] = [min(u[0], v[0]), max(u[1], v[1]), min(u[2], v[2]), max(u[3], v[3])]
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


def equilibrium_set_2x2(A, B):
    """The exact set of Nash equilibria of a 2x2 bimatrix game, degenerate or not.

    The row player plays action 0 with probability ``p``, the column player with probability
    ``q``. The row player's advantage of action 0 is linear in ``q``,

        d_1(q) = (1 - q) (A_01 - A_11) + q (A_00 - A_10),

    and its best-response correspondence is ``BR_1(q) = {1}`` where ``d_1 > 0``, ``{0}`` where
    ``d_1 < 0`` and the whole interval ``[0, 1]`` where ``d_1(q) = 0``; likewise
    ``d_2(p) = (1 - p) (B_10 - B_11) + p (B_00 - B_01)`` for the column player. The graph of each
    correspondence is a union of at most three closed axis-parallel boxes: horizontal pieces where
    the preference is strict, a vertical segment at the switch point ``d(0) / (d(0) - d(1))`` (on
    the edge when the switch point is 0 or 1), or the whole square when the player is indifferent
    against everything (``d(0) = d(1) = 0``). The equilibrium set

        E = {(p, q) : p in BR_1(q) and q in BR_2(p)}

    is the intersection of the two graphs, i.e. the union of the pairwise intersections of their
    boxes. Each is a point, a segment or the square; collinear touching segments are merged and
    points lying on a segment are dropped. Only the signs of the four advantages are compared and
    the switch point is divided out only strictly inside (0, 1), so ties are found exactly and the
    result does not change when a player's payoffs are scaled by ``c > 0`` or shifted (beyond the
    last bit of an interior switch point).

    Parameters
    ----------
    A, B : array_like, shape (2, 2)
        The row and column player's payoffs.

    Returns
    -------
    points : list of (p, q)
        The isolated equilibria, sorted by decreasing ``p`` then ``q`` (pure (0, 0) first).
    segments : list of ((p0, q0), (p1, q1))
        Continua of equilibria: segments with ``p0 <= p1`` and ``q0 <= q1``.
    regions : list of ((p_lo, p_hi), (q_lo, q_hi))
        Two-dimensional sets of equilibria: ``[((0, 1), (0, 1))]`` when both players are
        indifferent against everything (every profile is an equilibrium), else empty.

    Examples
    --------
    A degenerate game: the column player is indifferent only when the row player plays action 0
    for sure (``p = 1``), so the equilibria are the point (0, 0) and the continuum ``p = 1``,
    ``q`` in [1/3, 1]:

    >>> points, segments, regions = equilibrium_set_2x2([[2, 0], [0, 1]], [[1, 1], [0, 2]])
    >>> points, regions
    ([(0.0, 0.0)], [])
    >>> [((p0, round(q0, 4)), (p1, q1)) for (p0, q0), (p1, q1) in segments]
    [((1.0, 0.3333), (1.0, 1.0))]

    Battle of the sexes is nondegenerate: three isolated equilibria.

    >>> from marl_course.games.gallery import battle_of_the_sexes
    >>> g = battle_of_the_sexes()
    >>> points, segments, regions = equilibrium_set_2x2(g.A, g.B)
    >>> [(round(p, 3), round(q, 3)) for p, q in points], segments
    ([(1.0, 1.0), (0.6, 0.4), (0.0, 0.0)], [])
    """
    A, B = _check_2x2(A, B)
    (r0, r1), (c0, c1) = _advantages(A, B)
    row = _correspondence_pieces(r0, r1)                      # (p_lo, p_hi, q_lo, q_hi)
    col = [(p_lo, p_hi, q_lo, q_hi) for q_lo, q_hi, p_lo, p_hi in _correspondence_pieces(c0, c1)]
    boxes = []
    for u in row:
        for v in col:
            box = [max(u[0], v[0]), min(u[1], v[1]), max(u[2], v[2]), min(u[3], v[3])]
            if box[0] <= box[1] and box[2] <= box[3] and box not in boxes:
                boxes.append(box)
    dims = [(b[0] < b[1]) + (b[2] < b[3]) for b in boxes]
    regions = [b for b, d in zip(boxes, dims) if d == 2]
    if regions:  # only the whole square is two-dimensional, and it contains everything else
        return [], [], [((0.0, 1.0), (0.0, 1.0))]
    segments = _merge_segments([b for b, d in zip(boxes, dims) if d == 1])
    points = {(b[0], b[2]) for b, d in zip(boxes, dims) if d == 0
              if not any(s[0] <= b[0] <= s[1] and s[2] <= b[2] <= s[3] for s in segments)}
    points = sorted(((float(p), float(q)) for p, q in points), reverse=True)
    segments = sorted(((float(s[0]), float(s[2])), (float(s[1]), float(s[3]))) for s in segments)
    return points, segments, []


def _number(x: float) -> str:
    """A probability as a short fraction when it is one (``1/3``), else to three decimals."""
    fraction = Fraction(x).limit_denominator(12)
    return str(fraction) if abs(float(fraction) - x) < 1e-9 else f"{x:.3f}"


def _describe_equilibrium_set(points, segments, regions) -> str:
    """E.g. ``'1 isolated equilibrium (p=0, q=0) and a continuum p=1, q in [1/3, 1]'``."""
    if regions:
        return "every profile is an equilibrium (p, q in [0, 1])"
    parts = []
    if points or not segments:
        where = ", ".join(f"(p={_number(p)}, q={_number(q)})" for p, q in points)
        parts.append(f"{len(points)} isolated equilibri{'um' if len(points) == 1 else 'a'}"
                     + (f" {where}" if where else ""))
    for (p0, q0), (p1, q1) in segments:
        if p0 == p1:
            parts.append(f"a continuum p={_number(p0)}, q in [{_number(q0)}, {_number(q1)}]")
        else:
            parts.append(f"a continuum q={_number(q0)}, p in [{_number(p0)}, {_number(p1)}]")
    return " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " and " + parts[-1]


def plot_best_responses_2x2(A, B, ax=None, action_names=("action 0", "action 1")):
    """Both best-response correspondences of a 2x2 game on the unit square, with the equilibrium set.

    Each correspondence is drawn exactly (:func:`best_response_curve`): a vertical segment where
    the player is indifferent, also on an edge of the square, and a shaded square for a player who
    is indifferent against everything. The equilibria (:func:`equilibrium_set_2x2`) are marked:
    isolated ones with a circle, continua as thick green segments, a two-dimensional set shaded.

    Returns
    -------
    ax, (points, segments, regions)
        The axes and the equilibrium set from :func:`equilibrium_set_2x2`.

    Examples
    --------
    >>> from marl_course.games.gallery import battle_of_the_sexes
    >>> g = battle_of_the_sexes()
    >>> ax, (points, segments, regions) = plot_best_responses_2x2(g.A, g.B)
    >>> len(points), len(segments), len(regions)
    (3, 0, 0)
    """
    A, B = _check_2x2(A, B)
    check_ax(ax)
    action_names = check_names(action_names, "action_names", 2)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    points, segments, regions = equilibrium_set_2x2(A, B)
    (r0, r1), (c0, c1) = _advantages(A, B)
    q_row, p_row = best_response_curve(r0, r1)       # row player's correspondence p*(q)
    p_col, q_col = best_response_curve(c0, c1)       # column player's correspondence q*(p)
    row_label, col_label = "row player's best response p*(q)", "column player's best response q*(p)"
    if r0 == r1 == 0:
        ax.fill([0, 0, 1, 1], [0, 1, 1, 0], facecolor="none", edgecolor="tab:blue", hatch="\\\\", lw=0,
                label="row player indifferent everywhere: p*(q) = [0, 1]")
    if c0 == c1 == 0:
        ax.fill([0, 0, 1, 1], [0, 1, 1, 0], facecolor="none", edgecolor="tab:orange", hatch="//", lw=0,
                label="column player indifferent everywhere: q*(p) = [0, 1]")
    ax.plot(q_row, p_row, color="tab:blue", lw=3, alpha=0.8, label=row_label, zorder=3)
    ax.plot(q_col, p_col, color="tab:orange", lw=3, alpha=0.8, ls="--", label=col_label, zorder=4)
    for k, ((p0, q0), (p1, q1)) in enumerate(segments):
        ax.plot([q0, q1], [p0, p1], color="tab:green", lw=11, alpha=0.45, solid_capstyle="butt", zorder=2,
                label="continuum of equilibria" if k == 0 else None)
    for (p_lo, p_hi), (q_lo, q_hi) in regions:
        ax.fill([q_lo, q_lo, q_hi, q_hi], [p_lo, p_hi, p_hi, p_lo], color="tab:green", alpha=0.25, zorder=1,
                label="every profile is an equilibrium")
    for p, q in points:
        ax.plot(q, p, "o", ms=11, mfc="none", mec="black", mew=2, zorder=5)
    ax.plot([], [], "o", mfc="none", mec="black", mew=2, label=f"isolated equilibria ({len(points)})")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(f"q = P(column plays {action_names[0]})")
    ax.set_ylabel(f"p = P(row plays {action_names[0]})")
    ax.set_aspect("equal")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8, frameon=False)
    return ax, (points, segments, regions)


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
