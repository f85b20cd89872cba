"""Two-player zero-sum matrix games: the maximin linear program, solved by a small dense simplex.

The row player maximises ``x^T A y`` and the column player minimises it. The value and the
optimal (maximin) strategies solve the article's linear program

    max_{x in PD(A_1)}  min_{j}  sum_i A[i, j] x_i .

Minimax-Q and Foe-Q solve one such program per update, so speed matters (COURSE.md section 6).
Rather than a general LP solver, :func:`solve_zero_sum` runs the simplex method on the game's
own small tableau: map ``A`` onto ``[1, 2]``, ``A' = 1 + (A - lo) / span`` with ``lo = min A`` and
``span = max A - min A`` (value ``v' = 1 + (v - lo) / span > 0``), substitute ``y' = y / v'``, and solve

    max 1^T y'   s.t.   A' y' <= 1,  y' >= 0,

whose slack basis is feasible at once (no phase 1). At the optimum ``v' = 1 / sum(y')``, and the
row player's strategy is read off the dual prices of the slack columns, ``x = v' * duals``,
and the value is ``v = x^T A y`` (equal to ``lo + span (v' - 1)``, but computed in ``A``'s units).

Units: the strategies are those of the mapped game, so they do not change when ``A`` is scaled
by ``c > 0`` or shifted by a constant, and the value follows as ``c v + shift``. The simplex's
tolerances act on the mapped tableau, whose entries lie in ``[0, 2]`` whatever the payoffs' scale.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array
from marl_course.games.normal_form import _to_unit_range


_EYES: dict[int, np.ndarray] = {}
_EPS = 1e-12


def _entering_column(costs: np.ndarray, bland: bool) -> int:
    """The improving column: Dantzig's most negative reduced cost, or Bland's lowest index; -1 at the optimum."""
    if not bland:
        entering = int(costs.argmin())
        return entering if costs[entering] < -_EPS else -1
    improving = np.flatnonzero(costs < -_EPS)
    return int(improving[0]) if improving.size else -1


def solve_zero_sum_unchecked(A: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """:func:`solve_zero_sum` without input validation, for learners' inner loops.

    ``A`` must already be a finite float array of shape (m, n). ``A`` is mapped onto ``[1, 2]``
    (a constant ``A`` onto 1), so the result does not depend on its scale. The tableau is pivoted in place
    with as few numpy calls per pivot as possible (Dantzig's rule, then Bland's rule, which
    cannot cycle, if the first ``25 (m + n)`` pivots did not finish).

    Examples
    --------
    >>> value, x, y = solve_zero_sum_unchecked(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    >>> round(value, 12), x.round(12), y.round(12)
    (0.0, array([0.5, 0.5]), array([0.5, 0.5]))
    >>> value, x, y = solve_zero_sum_unchecked(np.array([[1e-12, -1e-12], [-1e-12, 1e-12]]) + 4.0)
    >>> value, x.round(12), y.round(12)
    (4.0, array([0.5, 0.5]), array([0.5, 0.5]))
    """
    m, n = A.shape
    eye = _EYES.get(m)
    if eye is None:
        eye = _EYES[m] = np.eye(m)
    lo = A.min()
    span = A.max() - lo
    # tableau: rows = constraints A' y' + s = 1, last row = objective (reduced costs of -1^T y')
    tableau = np.empty((m + 1, n + m + 1))
    if span > 0 and np.isfinite(span):
        tableau[:m, :n] = A
        tableau[:m, :n] -= lo
        tableau[:m, :n] /= span
    else:  # a constant matrix (or max - min overflowed): the general helper copes
        tableau[:m, :n] = _to_unit_range(A)[0]
    tableau[:m, :n] += 1.0
    tableau[:m, n:n + m] = eye
    tableau[:m, -1] = 1.0
    tableau[m, :n] = -1.0
    tableau[m, n:] = 0.0
    constraints, costs, rhs = tableau[:m], tableau[m, :-1], tableau[:m, -1]  # views
    basis = list(range(n, n + m))
    max_pivots = 50 * (m + n)
    for pivots in range(max_pivots):
        entering = _entering_column(costs, bland=pivots >= max_pivots // 2)
        if entering < 0:
            break
        column = constraints[:, entering]
        ratios = np.where(column > _EPS, rhs, np.inf) / np.maximum(column, _EPS)  # min-ratio test
        leaving = int(ratios.argmin())
        pivot_row = tableau[leaving] / tableau[leaving, entering]
        tableau -= tableau[:, entering, None] * pivot_row
        tableau[leaving] = pivot_row
        basis[leaving] = entering
    else:
        raise RuntimeError("simplex did not converge; the game's payoffs may be badly scaled")
    shifted_value = 1.0 / tableau[m, -1]  # tableau[m, -1] = sum(y') at the optimum
    scaled = np.zeros(n + m)
    scaled[basis] = rhs
    col_strategy = np.clip(scaled[:n] * shifted_value, 0.0, None)
    row_strategy = np.clip(tableau[m, n:n + m] * shifted_value, 0.0, None)  # dual prices of the slacks
    row_strategy /= row_strategy.sum()
    col_strategy /= col_strategy.sum()
    # v = x^T A y at the optimum; in A's own units this is exact at a saddle point and as precise as
    # A's entries otherwise (mapping back, lo + span (v' - 1), would lose digits to the 1 in v')
    return float(row_strategy @ A @ col_strategy), row_strategy, col_strategy


def solve_zero_sum(A) -> tuple[float, np.ndarray, np.ndarray]:
    """The value and maximin strategies of the zero-sum game in which the row player gets ``A``.

    The strategies do not depend on the payoffs' units: ``solve_zero_sum(c * A + d)`` returns
    the value ``c * v + d`` and the same strategies, for any ``c > 0`` and ``d``.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Row player's payoffs; the column player gets ``-A``.

    Returns
    -------
    value : float
        ``v = max_x min_y x^T A y = min_y max_x x^T A y``.
    row_strategy : numpy.ndarray, shape (m,)
        A maximin strategy ``x``: ``x^T A >= v`` in every column.
    col_strategy : numpy.ndarray, shape (n,)
        A minimax strategy ``y``: ``A y <= v`` in every row.

    References
    ----------
    von Neumann (1928); the LP formulation as in Littman (1994), section 4.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> value, x, y = solve_zero_sum(matching_pennies().A)
    >>> round(value, 12), x, y
    (0.0, array([0.5, 0.5]), array([0.5, 0.5]))
    >>> solve_zero_sum([[3, 1], [4, 2]])[0]  # a saddle point: row 1, column 1
    2.0
    >>> value, x, y = solve_zero_sum(1e-12 * matching_pennies().A + 1e-12)
    >>> value, x, y
    (1e-12, array([0.5, 0.5]), array([0.5, 0.5]))
    """
    return solve_zero_sum_unchecked(as_finite_array(A, "A", ndim=2))


def maximin_value_linprog(A) -> float:
    """``v = max_x min_j (x^T A)_j`` by ``scipy.optimize.linprog`` (HiGHS): the general-purpose
    peer that :func:`solve_zero_sum` is checked against in the tests and timed against in the
    benchmark and chapter 2.

    The linear program over ``(x_1, ..., x_m, v)``: minimise ``-v`` subject to
    ``v - sum_i x_i A_ij <= 0`` for every column ``j``, ``sum_i x_i = 1``, ``x >= 0``, ``v`` free.
    HiGHS's tolerances are absolute, so the program is solved for ``A`` mapped onto ``[0, 1]``
    (``(A - lo) / span``, ``lo = min A``, ``span = max A - min A``) and the value mapped back,
    ``v = lo + span v01``: the answer does not depend on the payoffs' scale.

    Examples
    --------
    >>> round(maximin_value_linprog([[2.0, 0.0], [0.0, 1.0]]), 9)   # x = (1/3, 2/3) guarantees 2/3
    0.666666667
    >>> round(maximin_value_linprog([[2e-12, 0.0], [0.0, 1e-12]]) * 1e12, 9)
    0.666666667
    """
    from scipy.optimize import linprog

    A, lo, span = _to_unit_range(as_finite_array(A, "A", ndim=2))
    m, n = A.shape
    objective = np.append(np.zeros(m), -1.0)  # maximise v = minimise -v
    upper = np.hstack([-A.T, np.ones((n, 1))])  # v - sum_i x_i A_ij <= 0 for every column j
    equality = np.append(np.ones(m), 0.0)[None]  # sum_i x_i = 1
    result = linprog(objective, A_ub=upper, b_ub=np.zeros(n), A_eq=equality, b_eq=[1.0],
                     bounds=[(0, None)] * m + [(None, None)], method="highs")
    if not result.success:  # cannot happen for a finite matrix: the program is feasible and bounded
        raise RuntimeError(f"linprog failed on the maximin program: {result.message}")
    return float(lo + span * -result.fun)
