"""Two-player zero-sum matrix games: the maximin linear program, solved by a small dense simplex.

The row player maximises ``x^T A y`` and the column player minimises it. The value and the
optimal (maximin) strategies solve the article's linear program

    max_{x in PD(A_1)}  min_{j}  sum_i A[i, j] x_i .

Minimax-Q and Foe-Q solve one such program per update, so speed matters (COURSE.md section 6).
Rather than a general LP solver, :func:`solve_zero_sum` runs the simplex method on the game's
own small tableau: shift ``A`` so every entry is at least 1 (``A' = A + c``, value ``v' = v + c
> 0``), substitute ``y' = y / v'``, and solve

    max 1^T y'   s.t.   A' y' <= 1,  y' >= 0,

whose slack basis is feasible at once (no phase 1). At the optimum ``v' = 1 / sum(y')``, and the
row player's strategy is read off the dual prices of the slack columns, ``x = v' * duals``.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array


def _simplex_max(tableau: np.ndarray, basis: np.ndarray, max_pivots: int) -> None:
    """Pivot ``tableau`` in place to optimality (Dantzig's rule, Bland's rule if it stalls).

    ``tableau`` has constraint rows ``0..m-1`` and the objective row ``m`` holding reduced
    costs (negative = improving); the last column is the right-hand side.
    """
    m = tableau.shape[0] - 1
    for pivots in range(max_pivots):
        costs = tableau[m, :-1]
        if pivots < max_pivots // 2:
            entering = int(np.argmin(costs))  # Dantzig: most negative reduced cost
            if costs[entering] >= -1e-12:
                return
        else:  # Bland: lowest improving index, which cannot cycle
            improving = np.flatnonzero(costs < -1e-12)
            if improving.size == 0:
                return
            entering = int(improving[0])
        column = tableau[:m, entering]
        ratios = np.full(m, np.inf)
        positive = column > 1e-12
        ratios[positive] = tableau[:m, -1][positive] / column[positive]
        leaving = int(np.argmin(ratios))
        tableau[leaving] /= tableau[leaving, entering]
        pivot_row = tableau[leaving].copy()
        tableau -= np.outer(tableau[:, entering], pivot_row)
        tableau[leaving] = pivot_row
        basis[leaving] = entering
    raise RuntimeError("simplex did not converge; the game's payoffs may be badly scaled")


def solve_zero_sum(A) -> tuple[float, np.ndarray, np.ndarray]:
    """The value and maximin strategies of the zero-sum game in which the row player gets ``A``.

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
    """
    A = as_finite_array(A, "A", ndim=2)
    m, n = A.shape
    shift = 1.0 - A.min()
    # tableau: rows = constraints A' y' + s = 1, last row = objective (reduced costs of -1^T y')
    tableau = np.zeros((m + 1, n + m + 1))
    tableau[:m, :n] = A + shift
    tableau[:m, n:n + m] = np.eye(m)
    tableau[:m, -1] = 1.0
    tableau[m, :n] = -1.0
    basis = np.arange(n, n + m)
    _simplex_max(tableau, basis, max_pivots=50 * (m + n))
    scaled_col = np.zeros(n + m)
    scaled_col[basis] = tableau[:m, -1]
    total = tableau[m, -1]  # = sum(y') at the optimum
    shifted_value = 1.0 / total
    col_strategy = np.clip(scaled_col[:n] * shifted_value, 0.0, None)
    row_strategy = np.clip(tableau[m, n:n + m] * shifted_value, 0.0, None)
    return float(shifted_value - shift), row_strategy / row_strategy.sum(), col_strategy / col_strategy.sum()
