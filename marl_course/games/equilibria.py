"""Nash equilibria of matrix games: pure profiles (n players), 2x2 closed form, support enumeration.

Notation: a bimatrix game ``(A, B)`` of shape ``(m, n)``; the row player plays ``x``, the column
player ``y``; payoffs ``x^T A y`` and ``x^T B y``. An equilibrium is returned as a pair of
probability vectors ``(x, y)``.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from marl_course._validation import as_bimatrix, as_payoff_arrays, check_real


class DegenerateGameWarning(UserWarning):
    """The game is degenerate: equal-support enumeration may miss equilibria (or a continuum)."""


def pure_nash_equilibria(payoffs, tol: float = 1e-12) -> list[tuple[int, ...]]:
    """All pure-strategy Nash equilibria of an n-player game.

    A joint action ``a`` is an equilibrium when every ``a_i`` is a best response:
    ``Q_i(a_i, a_{-i}) >= max_b Q_i(b, a_{-i}) - tol`` for all ``i``. Computed for all joint actions
    at once: player ``i``'s best-response mask is ``Q_i == max over axis i``.

    Parameters
    ----------
    payoffs : sequence of n arrays of shape (m_1, ..., m_n)
    tol : float
        Ties within ``tol`` count as best responses.

    Returns
    -------
    list of tuple of int
        The equilibrium joint actions, in lexicographic order.

    Examples
    --------
    >>> from marl_course.games.gallery import battle_of_the_sexes, volunteers_dilemma
    >>> pure_nash_equilibria(battle_of_the_sexes().payoffs)
    [(0, 0), (1, 1)]
    >>> pure_nash_equilibria(volunteers_dilemma(3).payoffs)
    [(0, 1, 1), (1, 0, 1), (1, 1, 0)]
    """
    payoffs = as_payoff_arrays(payoffs)
    tol = check_real(tol, "tol", low=0)
    is_equilibrium = np.ones(payoffs[0].shape, dtype=bool)
    for i, payoff in enumerate(payoffs):
        is_equilibrium &= payoff >= payoff.max(axis=i, keepdims=True) - tol
    return [tuple(int(a) for a in profile) for profile in np.argwhere(is_equilibrium)]


def _pure_vector(index: int, size: int) -> np.ndarray:
    vector = np.zeros(size)
    vector[index] = 1.0
    return vector


def mixed_nash_2x2(A, B) -> list[tuple[np.ndarray, np.ndarray]]:
    """All Nash equilibria of a nondegenerate 2x2 bimatrix game, in closed form.

    The pure equilibria, then the fully mixed one by indifference: the row player mixes
    ``x = (p, 1-p)`` so that the column player is indifferent,

        p = (B_11 - B_10) / (B_00 - B_01 - B_10 + B_11),

    and the column player mixes ``y = (q, 1-q)`` so that the row player is indifferent,

        q = (A_11 - A_01) / (A_00 - A_01 - A_10 + A_11),

    kept when both lie strictly inside (0, 1). A degenerate game (a tie between two payoffs a
    player compares) can have a continuum of equilibria; then a :class:`DegenerateGameWarning`
    is issued and only the isolated ones found this way are returned.

    Returns
    -------
    list of (x, y)
        Pure equilibria first (lexicographic), then the mixed one if it exists.

    Examples
    --------
    >>> from marl_course.games.gallery import battle_of_the_sexes
    >>> g = battle_of_the_sexes()
    >>> [(x.round(3).tolist(), y.round(3).tolist()) for x, y in mixed_nash_2x2(g.A, g.B)]
    [([1.0, 0.0], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0]), ([0.6, 0.4], [0.4, 0.6])]
    """
    A, B = as_bimatrix(A, B)
    if A.shape != (2, 2):
        raise ValueError(f"A must be a 2x2 matrix for the closed form, got shape {A.shape}; use support_enumeration")
    if _has_pure_ties(A, B):
        warnings.warn("the game is degenerate (tied payoffs): it may have a continuum of equilibria, "
                      "of which only isolated ones are returned", DegenerateGameWarning, stacklevel=2)
    equilibria = [(_pure_vector(i, 2), _pure_vector(j, 2)) for i, j in pure_nash_equilibria([A, B])]
    denom_p = B[0, 0] - B[0, 1] - B[1, 0] + B[1, 1]
    denom_q = A[0, 0] - A[0, 1] - A[1, 0] + A[1, 1]
    if denom_p != 0 and denom_q != 0:
        p = (B[1, 1] - B[1, 0]) / denom_p
        q = (A[1, 1] - A[0, 1]) / denom_q
        if 0 < p < 1 and 0 < q < 1:
            equilibria.append((np.array([p, 1 - p]), np.array([q, 1 - q])))
    return equilibria


def _has_pure_ties(A: np.ndarray, B: np.ndarray) -> bool:
    """Does some pure strategy have two or more pure best responses (degeneracy at support size 1)?"""
    col_ties = np.sum(A == A.max(axis=0, keepdims=True), axis=0) > 1  # row player's replies to each column
    row_ties = np.sum(B == B.max(axis=1, keepdims=True), axis=1) > 1  # column player's replies to each row
    return bool(col_ties.any() or row_ties.any())


def _indifference_solutions(M: np.ndarray, rows: np.ndarray, cols: np.ndarray):
    """Solve, for every support pair at once, ``M[I, J] z = u 1`` with ``sum(z) = 1``.

    ``rows``/``cols`` have shape ``(n_pairs, k)``. Returns ``z`` of shape ``(n_pairs, k)``, the
    payoff ``u`` of shape ``(n_pairs,)`` and a mask of the solvable (non-singular) systems.
    """
    n_pairs, k = rows.shape
    # (n_pairs, k+1, k+1): [M[I, J]  -1] [z]   [0]
    #                      [ 1 ... 1  0] [u] = [1]
    system = np.zeros((n_pairs, k + 1, k + 1))
    system[:, :k, :k] = M[rows[:, :, None], cols[:, None, :]]
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    rhs = np.zeros((n_pairs, k + 1))
    rhs[:, k] = 1.0
    scale = np.abs(system).max(axis=(1, 2))
    solvable = np.abs(np.linalg.det(system / scale[:, None, None])) > 1e-12
    solution = np.full((n_pairs, k + 1), np.nan)
    if solvable.any():
        solution[solvable] = np.linalg.solve(system[solvable], rhs[solvable][..., None])[..., 0]
    return solution[:, :k], solution[:, k], solvable


def support_enumeration(A, B, tol: float = 1e-10) -> list[tuple[np.ndarray, np.ndarray]]:
    """All Nash equilibria of a nondegenerate bimatrix game, by support enumeration.

    In a nondegenerate game every equilibrium ``(x, y)`` has supports ``I`` (of ``x``) and ``J``
    (of ``y``) of equal size ``k``. For each such pair, ``y`` must make the row player indifferent
    on ``I`` and ``x`` the column player indifferent on ``J``:

        A[I, J] y_J = u 1,   sum(y_J) = 1,      x_I^T B[I, J] = v 1^T,   sum(x_I) = 1,

    and the pair is an equilibrium when ``x, y >= 0`` and no action outside the supports pays
    more: ``(A y)_i <= u`` and ``(x^T B)_j <= v`` for all ``i, j``. All the ``(k+1) x (k+1)``
    systems of one size are solved in one batched ``numpy.linalg.solve``.

    Degenerate games: the function returns the equal-support equilibria it finds (a subset of
    all equilibria; for a continuum, some of its points) and issues a
    :class:`DegenerateGameWarning` when it detects degeneracy (a pure strategy with several best
    responses, or an equilibrium with more best responses than its support size).

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        The row and column player's payoffs.
    tol : float
        Tolerance for non-negativity and for the best-response inequalities.

    Returns
    -------
    list of (x, y)
        Ordered by support size, then lexicographically by supports.

    References
    ----------
    Nisan, Roughgarden, Tardos & Vazirani, *Algorithmic Game Theory* (2007), section 3.2.

    Examples
    --------
    >>> from marl_course.games.gallery import rock_paper_scissors
    >>> g = rock_paper_scissors()
    >>> [(x.round(4).tolist(), y.round(4).tolist()) for x, y in support_enumeration(g.A, g.B)]
    [([0.3333, 0.3333, 0.3333], [0.3333, 0.3333, 0.3333])]
    """
    A, B = as_bimatrix(A, B)
    tol = check_real(tol, "tol", low=0)
    m, n = A.shape
    degenerate = _has_pure_ties(A, B)
    equilibria = []
    for k in range(1, min(m, n) + 1):
        row_supports = np.array(list(itertools.combinations(range(m), k)))
        col_supports = np.array(list(itertools.combinations(range(n), k)))
        # every (I, J) pair: (n_pairs, k) index arrays
        rows = np.repeat(row_supports, len(col_supports), axis=0)
        cols = np.tile(col_supports, (len(row_supports), 1))
        y_J, u, ok_y = _indifference_solutions(A, rows, cols)
        x_I, v, ok_x = _indifference_solutions(B.T, cols, rows)
        candidate = ok_x & ok_y
        candidate &= np.all(np.nan_to_num(x_I, nan=-1) > -tol, axis=1)
        candidate &= np.all(np.nan_to_num(y_J, nan=-1) > -tol, axis=1)
        for p in np.flatnonzero(candidate):
            x = np.zeros(m)
            y = np.zeros(n)
            x[rows[p]] = np.clip(x_I[p], 0, None)
            y[cols[p]] = np.clip(y_J[p], 0, None)
            row_values, col_values = A @ y, x @ B
            if row_values.max() > u[p] + tol or col_values.max() > v[p] + tol:
                continue
            if np.sum(row_values >= u[p] - tol) > k or np.sum(col_values >= v[p] - tol) > k:
                degenerate = True
            if not any(np.allclose(x, x0, atol=1e-9) and np.allclose(y, y0, atol=1e-9) for x0, y0 in equilibria):
                equilibria.append((x, y))
    if degenerate:
        warnings.warn("the game is degenerate: equal-support enumeration may miss equilibria "
                      "(or return points of a continuum)", DegenerateGameWarning, stacklevel=2)
    return equilibria
