"""Nash equilibria of matrix games: pure profiles (n players), 2x2 closed form, support enumeration.

Notation: a bimatrix game ``(A, B)`` of shape ``(m, n)``; the row player plays ``x``, the column
player ``y``; payoffs ``x^T A y`` and ``x^T B y``. An equilibrium is returned as a pair of
probability vectors ``(x, y)``.

The equilibria do not depend on the payoffs' units: multiplying ``A`` (or ``B``) by ``c > 0`` or
adding a constant to it leaves every best response unchanged. Each solver here therefore maps
each player's payoffs onto ``[0, 1]`` first, ``(A - min A) / (max A - min A)``, and its
tolerances are fractions of that range; the same strategies come out at any scale.
"""

from __future__ import annotations

import itertools
import warnings
from math import comb

import numpy as np

from marl_course._validation import as_bimatrix, as_payoff_arrays, check_int, check_real, checked_by
from marl_course.games.normal_form import _to_unit_range

MAX_SUPPORT_PAIRS = 200_000
"""Default limit on the support pairs :func:`support_enumeration` tries: ``C(m + n, m) - 1``
pairs for an ``m x n`` game, so 10x10 (184,755 pairs) is allowed and 10x11 (352,715) is not."""

_CHUNK_PAIRS = 4096
"""Support pairs solved per batched ``numpy.linalg.solve`` call (bounds the memory in use)."""


class DegenerateGameWarning(UserWarning):
    """The game is degenerate: equal-support enumeration may miss equilibria (or a continuum)."""


def _check_pure_nash_equilibria(payoffs, tol: float = 1e-12) -> None:
    as_payoff_arrays(payoffs)
    check_real(tol, "tol", low=0)


@checked_by(_check_pure_nash_equilibria)
def pure_nash_equilibria(payoffs, tol: float = 1e-12) -> list[tuple[int, ...]]:
    """All pure-strategy Nash equilibria of an n-player game.

    A joint action ``a`` is an equilibrium when every ``a_i`` is a best response:
    ``Q_i(a_i, a_{-i}) >= max_b Q_i(b, a_{-i}) - tol`` for all ``i``. Computed for all joint actions
    at once: player ``i``'s best-response mask is ``Q_i == max over axis i``.

    Each player's payoffs are first mapped onto ``[0, 1]`` (minus their minimum, divided by
    their range), so the answer does not depend on the payoffs' units.

    Parameters
    ----------
    payoffs : sequence of n arrays of shape (m_1, ..., m_n)
    tol : float
        Ties within ``tol`` times the player's payoff range count as best responses.

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
    >>> pure_nash_equilibria([1e9 * p + 5 for p in battle_of_the_sexes().payoffs])
    [(0, 0), (1, 1)]
    """
    payoffs = [np.asarray(p, dtype=float) for p in payoffs]
    is_equilibrium = np.ones(payoffs[0].shape, dtype=bool)
    for i, payoff in enumerate(payoffs):
        payoff = _to_unit_range(payoff)[0]
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

    kept when both lie strictly inside (0, 1). Both ratios are unchanged when ``A`` or ``B`` is
    scaled or shifted; they are computed on the payoffs mapped onto ``[0, 1]``. A degenerate game (a tie between two payoffs a
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
    >>> x, y = mixed_nash_2x2(1e-12 * g.A, 3e8 * g.B - 7)[-1]
    >>> x.round(3).tolist(), y.round(3).tolist()
    ([0.6, 0.4], [0.4, 0.6])
    """
    A, B = as_bimatrix(A, B)
    if A.shape != (2, 2):
        raise ValueError(f"A must be a 2x2 matrix for the closed form, got shape {A.shape}; use support_enumeration")
    A, B = _to_unit_range(A)[0], _to_unit_range(B)[0]
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


def support_pair_count(m: int, n: int) -> int:
    """The number of support pairs ``(I, J)`` with ``|I| = |J| >= 1`` in an ``m x n`` game.

    ``sum_k C(m, k) C(n, k) = C(m + n, m) - 1`` (Vandermonde's identity): the work
    :func:`support_enumeration` does, which grows like ``4^n / sqrt(n)`` for square games.

    >>> support_pair_count(3, 3), support_pair_count(10, 10), support_pair_count(12, 12)
    (19, 184755, 2704155)
    """
    m = check_int(m, "m", low=1)
    n = check_int(n, "n", low=1)
    return comb(m + n, m) - 1


def _support_pair_chunks(m: int, n: int, k: int):
    """The pairs of size-``k`` supports, as ``(rows, cols)`` index arrays of shape
    ``(n_pairs, k)`` with at most ``_CHUNK_PAIRS`` pairs each, in lexicographic order (row
    support first)."""
    row_supports = np.array(list(itertools.combinations(range(m), k)))
    col_supports = np.array(list(itertools.combinations(range(n), k)))
    total = len(row_supports) * len(col_supports)
    for start in range(0, total, _CHUNK_PAIRS):
        pair = np.arange(start, min(start + _CHUNK_PAIRS, total))
        yield row_supports[pair // len(col_supports)], col_supports[pair % len(col_supports)]


def support_enumeration(A, B, tol: float = 1e-10,
                        max_pairs: int = MAX_SUPPORT_PAIRS) -> list[tuple[np.ndarray, np.ndarray]]:
    """All Nash equilibria of a nondegenerate bimatrix game, by support enumeration.

    In a nondegenerate game every equilibrium ``(x, y)`` has supports ``I`` (of ``x``) and ``J``
    (of ``y``) of equal size ``k``. For each such pair, ``y`` must make the row player indifferent
    on ``I`` and ``x`` the column player indifferent on ``J``:

        A[I, J] y_J = u 1,   sum(y_J) = 1,      x_I^T B[I, J] = v 1^T,   sum(x_I) = 1,

    and the pair is an equilibrium when ``x, y >= 0`` and no action outside the supports pays
    more: ``(A y)_i <= u`` and ``(x^T B)_j <= v`` for all ``i, j``. The ``(k+1) x (k+1)`` systems
    of one size are solved in batched ``numpy.linalg.solve`` calls of a few thousand pairs.

    Units: ``A`` and ``B`` are each mapped onto ``[0, 1]`` first (``(A - min A) / (max A -
    min A)``; a constant matrix maps to zeros), which changes no best response, so the same
    equilibria come out whatever the payoffs' scale (``1e-12`` or ``1e8``) or offset.

    Size: there are ``C(m + n, m) - 1`` support pairs (:func:`support_pair_count`). A game with
    more than ``max_pairs`` of them is refused with a ``ValueError`` before any work is done; the
    default allows up to 10x10 (184,755 pairs, about a second; 12x12 would be 2.7 million).

    Degenerate games: the function returns the equal-support equilibria it finds (a subset of
    all equilibria; for a continuum, some of its points) and issues a
    :class:`DegenerateGameWarning` when it detects degeneracy (a pure strategy with several best
    responses, or an equilibrium with more best responses than its support size). Every finite
    game has an equilibrium (Nash 1951): if none is found, a ``RuntimeWarning`` says so.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        The row and column player's payoffs.
    tol : float
        Tolerance for non-negativity of the probabilities and for the best-response
        inequalities, the latter as a fraction of each player's payoff range.
    max_pairs : int
        The most support pairs to try (default :data:`MAX_SUPPORT_PAIRS`).

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
    >>> [(x.round(4).tolist(), y.round(4).tolist()) for x, y in support_enumeration(1e8 * g.A, 1e-12 * g.B + 3)]
    [([0.3333, 0.3333, 0.3333], [0.3333, 0.3333, 0.3333])]
    """
    A, B = as_bimatrix(A, B)
    tol = check_real(tol, "tol", low=0)
    max_pairs = check_int(max_pairs, "max_pairs", low=1)
    m, n = A.shape
    pairs = support_pair_count(m, n)
    if pairs > max_pairs:
        raise ValueError(f"A and B have shape {A.shape}: support enumeration would try {pairs:,} support pairs, "
                         f"more than max_pairs={max_pairs:,} (the default allows games up to 10x10); pass a "
                         "larger max_pairs to run anyway (about 5 microseconds a pair), or compute one "
                         "equilibrium with the Lemke-Howson algorithm instead")
    A, B = _to_unit_range(A)[0], _to_unit_range(B)[0]
    degenerate = _has_pure_ties(A, B)
    equilibria, found = [], []  # found: the same profiles, concatenated, for the duplicate check
    for k in range(1, min(m, n) + 1):
        for rows, cols in _support_pair_chunks(m, n, k):
            y_J, u, ok_y = _indifference_solutions(A, rows, cols)
            x_I, v, ok_x = _indifference_solutions(B.T, cols, rows)
            candidate = ok_x & ok_y
            candidate &= np.all(np.nan_to_num(x_I, nan=-1) > -tol, axis=1)
            candidate &= np.all(np.nan_to_num(y_J, nan=-1) > -tol, axis=1)
            c = np.flatnonzero(candidate)
            if c.size == 0:
                continue
            # the candidates' full strategies, then the best-response test, all at once
            x = np.zeros((c.size, m))
            y = np.zeros((c.size, n))
            np.put_along_axis(x, rows[c], np.clip(x_I[c], 0, None), axis=1)
            np.put_along_axis(y, cols[c], np.clip(y_J[c], 0, None), axis=1)
            row_values, col_values = y @ A.T, x @ B  # (A y)_i and (x^T B)_j per candidate
            u_c, v_c = u[c, None], v[c, None]
            best = (row_values.max(axis=1) <= u_c[:, 0] + tol) & (col_values.max(axis=1) <= v_c[:, 0] + tol)
            extra = (np.sum(row_values >= u_c - tol, axis=1) > k) | (np.sum(col_values >= v_c - tol, axis=1) > k)
            degenerate |= bool(np.any(best & extra))
            for p in np.flatnonzero(best):
                profile = np.concatenate([x[p], y[p]])
                if not found or not np.any(np.all(np.abs(np.asarray(found) - profile) <= 1e-9, axis=1)):
                    found.append(profile)
                    equilibria.append((x[p], y[p]))
    if degenerate:
        warnings.warn("the game is degenerate: equal-support enumeration may miss equilibria "
                      "(or return points of a continuum)", DegenerateGameWarning, stacklevel=2)
    if not equilibria:
        warnings.warn("support_enumeration found no equilibrium, although every finite game has one (Nash 1951): "
                      "the game is probably degenerate (its equilibria have supports of different sizes, "
                      "e.g. because of tied payoffs) or numerically ill-conditioned (payoff differences near "
                      "float precision); perturb the payoffs slightly or use vertex enumeration "
                      "(nashpy.Game(A, B).vertex_enumeration())", RuntimeWarning, stacklevel=2)
    return equilibria
