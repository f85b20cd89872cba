"""The game solvers do not depend on the payoffs' units, agree with an exact vertex-enumeration
oracle on games with large integer payoffs, warn instead of returning nothing, and refuse games
too large for support enumeration.

Units. Multiplying player ``i``'s payoffs by ``c > 0`` and adding ``d`` to them changes none of
its best responses, so a game's equilibria (strategies) are unchanged, and values follow the
affine map: a matrix game's value becomes ``c v + d``; a discounted stochastic game's values
``c V + d / (1 - gamma)``, since the shift is paid at every step.

The property tests draw ``c = 10**e`` with ``e`` in ``[-12, 8]`` and, per player and
independently, a shift ``d = c * t`` with ``|t| <= 1e4``: any shift at all relative to the
payoffs' spread, up to ten thousand times it. (A shift ``1e12`` times larger than the payoffs'
differences would erase the game in float64 arithmetic before any solver sees it.)
"""

from __future__ import annotations

import itertools
import time
import warnings
from fractions import Fraction

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import marl_course.games.equilibria as equilibria_module
from marl_course.games import (
    MAX_SUPPORT_PAIRS,
    DegenerateGameWarning,
    StochasticGame,
    evaluate_joint_policy,
    is_nash,
    is_stationary_equilibrium,
    mixed_nash_2x2,
    pure_nash_equilibria,
    shapley_value_iteration,
    shapley_values,
    solve_zero_sum,
    support_enumeration,
    support_pair_count,
)
from marl_course.games.zero_sum import maximin_value_linprog, solve_zero_sum_unchecked

PROPERTY = settings(max_examples=40, deadline=None)

scales = st.floats(-12, 8).map(lambda e: 10.0 ** e)
shifts = st.floats(-1e4, 1e4)          # in units of the scale: d = c * t
seeds = st.integers(0, 2 ** 32 - 1)


def _transform(M, c, t):
    """``c M + d`` with ``d = c t``."""
    return c * np.asarray(M, dtype=float) + c * t


def _assert_same_equilibria(found, expected, atol=1e-7):
    assert len(found) == len(expected), (found, expected)
    for (x, y), (x0, y0) in zip(found, expected):   # same order: by support size, then supports
        np.testing.assert_allclose(x, x0, atol=atol)
        np.testing.assert_allclose(y, y0, atol=atol)


# --------------------------------------------------------------------------------------------
# 1. the same equilibria and the transformed values at every scale
# --------------------------------------------------------------------------------------------

@PROPERTY
@given(seed=seeds, m=st.integers(1, 5), n=st.integers(1, 5),
       c1=scales, t1=shifts, c2=scales, t2=shifts)
def test_support_enumeration_is_unit_free(seed, m, n, c1, t1, c2, t2):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    expected = support_enumeration(A, B)
    assert expected and all(is_nash([A, B], eq, tol=1e-9) for eq in expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a random game is nondegenerate: no warning at any scale
        found = support_enumeration(_transform(A, c1, t1), _transform(B, c2, t2))
    _assert_same_equilibria(found, expected)


@PROPERTY
@given(seed=seeds, c1=scales, t1=shifts, c2=scales, t2=shifts)
def test_mixed_nash_2x2_is_unit_free(seed, c1, t1, c2, t2):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    expected = mixed_nash_2x2(A, B)
    found = mixed_nash_2x2(_transform(A, c1, t1), _transform(B, c2, t2))
    _assert_same_equilibria(found, expected, atol=1e-9)
    _assert_same_equilibria(found, support_enumeration(A, B), atol=1e-9)


@st.composite
def small_integer_games(draw):
    """Games of 2 or 3 players with 1-3 actions each and payoffs in -4..4: ties are frequent."""
    n_players = draw(st.integers(2, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n_players, max_size=n_players)))
    return list(draw(arrays(float, (n_players, *shape), elements=st.integers(-4, 4).map(float))))


@PROPERTY
@given(payoffs=small_integer_games(), scale_list=st.lists(scales, min_size=3, max_size=3),
       shift_list=st.lists(shifts, min_size=3, max_size=3))
def test_pure_nash_equilibria_are_unit_free(payoffs, scale_list, shift_list):
    # ties must stay ties, and near-ties (a payoff step of one) must not become ties, at any scale
    expected = pure_nash_equilibria(payoffs)
    transformed = [_transform(p, c, t) for p, c, t in zip(payoffs, scale_list, shift_list)]
    assert pure_nash_equilibria(transformed) == expected


@PROPERTY
@given(seed=seeds, m=st.integers(1, 6), n=st.integers(1, 6), c=scales, t=shifts, integer=st.booleans())
def test_zero_sum_solvers_are_unit_free(seed, m, n, c, t, integer):
    rng = np.random.default_rng(seed)
    A = rng.integers(-5, 6, size=(m, n)).astype(float) if integer else rng.normal(size=(m, n))
    value, x, y = solve_zero_sum(A)
    scaled = _transform(A, c, t)
    v2, x2, y2 = solve_zero_sum(scaled)
    unit = c * (np.ptp(A) + abs(t))       # the size of the transformed payoffs' rounding errors, / 1e-16
    assert abs(v2 - (c * value + c * t)) <= 1e-9 * unit
    if integer:   # ties are likely: several optimal strategies, and rounding may pick another one
        span = max(np.ptp(A), 1.0)
        assert (x2 @ A).min() >= value - 1e-9 * span and (A @ y2).max() <= value + 1e-9 * span
    else:         # a random game has unique optimal strategies: the same ones at any scale
        np.testing.assert_allclose(x2, x, atol=1e-9)
        np.testing.assert_allclose(y2, y, atol=1e-9)
    v3, x3, y3 = solve_zero_sum_unchecked(scaled)
    assert v3 == v2 and np.array_equal(x3, x2) and np.array_equal(y3, y2)
    # optimality at the new scale, in the new units
    assert (x2 @ scaled).min() >= v2 - 1e-9 * unit and (scaled @ y2).max() <= v2 + 1e-9 * unit
    # the general-purpose LP agrees on the value, in the new units
    assert abs(maximin_value_linprog(scaled) - v2) <= 1e-7 * unit
    assert abs(maximin_value_linprog(A) - value) <= 1e-7 * np.ptp(A) + 1e-12


def test_the_reported_failures_are_gone():
    # the bugs that motivated this file: 1e6 / 1e8 payoffs gave no equilibrium at all, and
    # solve_zero_sum was 37% off at payoff scale 1e-12
    empty = {6: 0, 8: 0}
    for seed in range(50):
        rng = np.random.default_rng(seed)
        A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
        expected = support_enumeration(A, B)
        for e in empty:
            found = support_enumeration(A * 10.0 ** e, B * 10.0 ** e)
            empty[e] += not found
            _assert_same_equilibria(found, expected)
        value = solve_zero_sum(A)[0]
        assert solve_zero_sum(A * 1e-12)[0] == pytest.approx(value * 1e-12, rel=1e-9, abs=1e-21)
        assert maximin_value_linprog(A * 1e-12) == pytest.approx(value * 1e-12, rel=1e-7, abs=1e-19)
    assert empty == {6: 0, 8: 0}


def _random_zero_sum_game(seed, gamma):
    rng = np.random.default_rng(seed)
    S, m1, m2 = rng.integers(1, 4), rng.integers(1, 4), rng.integers(1, 4)
    P = rng.dirichlet(np.ones(S), size=(S, m1, m2))
    R = rng.normal(size=(S, m1, m2))
    return P, R


@settings(max_examples=25, deadline=None)
@given(seed=seeds, gamma=st.floats(0.0, 0.8), c=scales, t=shifts)
def test_shapley_iteration_values_map_as_c_v_plus_d_over_one_minus_gamma(seed, gamma, c, t):
    P, R = _random_zero_sum_game(seed, gamma)
    game = StochasticGame(P, np.stack([R, -R]), gamma)
    R2 = _transform(R, c, t)
    scaled = StochasticGame(P, np.stack([R2, -R2]), gamma)
    d = c * t
    unit = c * (np.ptp(R) + np.abs(R).max() + abs(t)) / (1 - gamma)   # the scaled values' size

    # the exact values and policies
    exact, exact2 = shapley_values(game), shapley_values(scaled)
    np.testing.assert_allclose(exact2.values, c * exact.values + d / (1 - gamma), rtol=0, atol=1e-8 * unit)
    np.testing.assert_allclose(exact2.row_policy, exact.row_policy, atol=1e-6)
    np.testing.assert_allclose(exact2.col_policy, exact.col_policy, atol=1e-6)

    # iterate by iterate, from corresponding initial values V_0 and c V_0 + d / (1 - gamma) (the
    # default V_0 = 0 is a different start for a shifted game, so the iterates differ from it on)
    V0 = np.random.default_rng(seed + 1).normal(size=game.n_states)
    first = list(shapley_value_iteration(game, initial_values=V0, max_iter=5))
    second = list(shapley_value_iteration(scaled, initial_values=c * V0 + d / (1 - gamma), max_iter=5))
    assert len(first) == len(second)
    for it, it2 in zip(first, second):
        np.testing.assert_allclose(it2.values, c * it.values + d / (1 - gamma), rtol=0, atol=1e-8 * unit)
        assert it2.delta == pytest.approx(c * it.delta, rel=1e-6, abs=1e-8 * unit)

    # the Bellman equations and the Nash condition, in the new units
    policies = [exact2.row_policy, exact2.col_policy]
    V = evaluate_joint_policy(game, policies)
    V2 = evaluate_joint_policy(scaled, policies)
    np.testing.assert_allclose(V2[0], c * V[0] + d / (1 - gamma), rtol=0, atol=1e-8 * unit)
    assert is_stationary_equilibrium(game, policies, tol=1e-6)
    assert is_stationary_equilibrium(scaled, policies, tol=1e-6)


@pytest.mark.parametrize("c", [1e-12, 1e-3, 1e3, 1e8])
def test_shapley_values_stop_after_as_many_iterates_at_any_scale(c):
    # tol is relative to the reward range: with an absolute 1e-10 the iteration would stop at once
    # at scale 1e-12 and never at scale 1e8 (values of order 1e9 cannot move by less than 1e-10)
    P, R = _random_zero_sum_game(3, 0.9)
    reference = shapley_values(StochasticGame(P, np.stack([R, -R]), 0.9))
    result = shapley_values(StochasticGame(P, np.stack([c * R, -c * R]), 0.9))
    assert result.iteration == reference.iteration
    np.testing.assert_allclose(result.values, c * reference.values, rtol=1e-12)
    shifted = shapley_values(StochasticGame(P, np.stack([c * R + 5 * c, -c * R - 5 * c]), 0.9))
    np.testing.assert_allclose(shifted.values, c * reference.values + 5 * c / 0.1, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# 2. an exact vertex-enumeration oracle for games with large integer payoffs
# --------------------------------------------------------------------------------------------

def _solve_exact(M, b):
    """Solve ``M z = b`` for square integer ``M`` exactly: ``z`` as Fractions, or None if singular.

    Fraction-free (Bareiss) elimination with row pivoting keeps every entry an integer; the
    back substitution is done in Fractions."""
    k = len(M)
    rows = [list(M[i]) + [b[i]] for i in range(k)]
    previous = 1
    for col in range(k):
        pivot = next((r for r in range(col, k) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        for r in range(col + 1, k):
            factor = rows[r][col]
            rows[r] = [(p * rows[r][j] - factor * rows[col][j]) // previous if j > col else 0
                       for j in range(k + 1)]
        previous = p
    z = [Fraction(0)] * k
    for i in reversed(range(k)):
        total = Fraction(rows[i][k]) - sum(rows[i][j] * z[j] for j in range(i + 1, k))
        z[i] = total / rows[i][i]
    return z


def _polytope_vertices(C):
    """The vertices of ``{z in R^d : z >= 0, C z <= 1}`` for a positive integer ``C`` (r x d).

    Returns ``{vertex (tuple of Fraction): (zero coordinates, tight rows)}``. A vertex has ``d``
    linearly independent tight constraints: ``z_i = 0`` outside a set ``S`` and ``(C z)_t = 1`` on
    a set ``T`` with ``|T| = |S|``, ``C[T, S] z_S = 1``; every such choice is tried. A batched
    float solve only screens out choices that are clearly infeasible (a coordinate below
    ``-1e-6`` or a load above ``1 + 1e-6``, relative to a well-conditioned system); every choice
    it keeps, and every ill-conditioned one, is decided in exact arithmetic."""
    r, d = len(C), len(C[0])
    Cf = np.array(C, dtype=float)
    vertices = {(Fraction(0),) * d: (frozenset(range(d)), frozenset())}   # the origin
    for k in range(1, min(r, d) + 1):
        pairs = list(itertools.product(itertools.combinations(range(d), k), itertools.combinations(range(r), k)))
        S_idx = np.array([S for S, _ in pairs])
        T_idx = np.array([T for _, T in pairs])
        M = Cf[T_idx[:, :, None], S_idx[:, None, :]]
        with np.errstate(all="ignore"):
            cond = np.linalg.cond(M)
        well = np.isfinite(cond) & (cond < 1e9)
        solved = np.linalg.solve(M[well], np.ones((int(well.sum()), k, 1)))[..., 0]
        z_well = np.zeros((int(well.sum()), d))
        np.put_along_axis(z_well, S_idx[well], solved, axis=1)
        clearly_out = np.zeros(len(pairs), dtype=bool)
        clearly_out[well] = (z_well.min(axis=1) < -1e-6) | ((z_well @ Cf.T).max(axis=1) > 1 + 1e-6)
        for p in np.flatnonzero(~clearly_out):
            S, T = pairs[p]
            z_S = _solve_exact([[C[t][s] for s in S] for t in T], [1] * k)
            if z_S is None or any(v < 0 for v in z_S):
                continue
            z_exact = [Fraction(0)] * d
            for s, v in zip(S, z_S):
                z_exact[s] = v
            load = [sum(C[t][s] * z_exact[s] for s in S) for t in range(r)]
            if any(value > 1 for value in load):
                continue
            zeros = frozenset(i for i in range(d) if z_exact[i] == 0)
            tight = frozenset(t for t in range(r) if load[t] == 1)
            vertices[tuple(z_exact)] = (zeros, tight)
    return vertices


def vertex_enumeration_oracle(A, B):
    """All Nash equilibria of a nondegenerate bimatrix game with integer payoffs, exactly.

    With payoffs made positive (``A' = A - min A + 1``, ``B' = B - min B + 1``; equilibria do not
    change), the best-response polytopes are ``P = {x >= 0, B'^T x <= 1}`` and ``Q = {y >= 0,
    A' y <= 1}``. Label ``i`` (a row) belongs to ``x`` when ``x_i = 0`` and to ``y`` when
    ``(A' y)_i = 1``; label ``m + j`` (a column) to ``x`` when ``(B'^T x)_j = 1`` and to ``y`` when
    ``y_j = 0``. The equilibria are the completely labelled vertex pairs other than ``(0, 0)``,
    normalised to sum 1. Returns ``(equilibria as Fractions, nondegenerate)``, where
    ``nondegenerate`` says every vertex had exactly as many labels as its dimension."""
    A = [[int(a) for a in row] for row in np.asarray(A)]
    B = [[int(b) for b in row] for row in np.asarray(B)]
    m, n = len(A), len(A[0])
    a_min, b_min = min(map(min, A)), min(map(min, B))
    A1 = [[a - a_min + 1 for a in row] for row in A]
    B1T = [[B[i][j] - b_min + 1 for i in range(m)] for j in range(n)]
    P = {x: (zeros, frozenset(m + j for j in tight)) for x, (zeros, tight) in _polytope_vertices(B1T).items()}
    Q = {y: (frozenset(m + j for j in zeros), tight) for y, (zeros, tight) in _polytope_vertices(A1).items()}
    nondegenerate = (all(len(zx | tx) == m for zx, tx in P.values())
                     and all(len(zy | ty) == n for zy, ty in Q.values()))
    everything = frozenset(range(m + n))
    equilibria = []
    for x, labels_x in P.items():
        if not any(x):
            continue
        for y, labels_y in Q.items():
            if any(y) and labels_x[0] | labels_x[1] | labels_y[0] | labels_y[1] == everything:
                equilibria.append((tuple(v / sum(x) for v in x), tuple(v / sum(y) for v in y)))
    return equilibria, nondegenerate


def _match(found, exact, atol=1e-9):
    assert len(found) == len(exact), (len(found), len(exact))
    remaining = [(np.array(x, dtype=float), np.array(y, dtype=float)) for x, y in exact]
    for x, y in found:
        hits = [i for i, (x0, y0) in enumerate(remaining)
                if np.allclose(x, x0, atol=atol, rtol=0) and np.allclose(y, y0, atol=atol, rtol=0)]
        assert len(hits) == 1, (x, y)
        remaining.pop(hits[0])


def test_oracle_on_textbook_games():
    # battle of the sexes: two pure equilibria and x = (3/5, 2/5), y = (2/5, 3/5)
    found, nondegenerate = vertex_enumeration_oracle([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    assert nondegenerate
    F = Fraction
    assert sorted(found) == sorted([((F(1), F(0)), (F(1), F(0))), ((F(0), F(1)), (F(0), F(1))),
                                    ((F(3, 5), F(2, 5)), (F(2, 5), F(3, 5)))])
    # rock-paper-scissors: the uniform equilibrium only
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    assert vertex_enumeration_oracle(rps, -rps)[0] == [((F(1, 3),) * 3, (F(1, 3),) * 3)]


LARGE = 500_000
ORACLE_CASES = [(m, n, seed) for m, n in [(2, 2), (2, 3), (3, 2), (3, 3), (2, 5), (4, 4), (4, 6), (5, 5), (6, 6),
                                         (5, 8), (7, 7), (8, 8)]
                for seed in range(3)]


def _large_integer_game(m, n, seed):
    rng = np.random.default_rng(1000 * m + 10 * n + seed)
    return rng.integers(-LARGE, LARGE + 1, size=(2, m, n))


@pytest.mark.parametrize("m, n, seed", ORACLE_CASES)
def test_support_enumeration_matches_exact_vertex_enumeration(m, n, seed):
    A, B = _large_integer_game(m, n, seed)
    exact, nondegenerate = vertex_enumeration_oracle(A, B)
    assert nondegenerate and exact          # the drawn game qualifies
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = support_enumeration(A, B)
    _match(found, exact)
    for x, y in found:
        assert is_nash([A, B], [x, y], tol=1e-9 * LARGE)
    if m * n <= 16:  # nashpy's vertex enumeration as a second, floating-point oracle
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            second = list(nashpy.Game(A / LARGE, B / LARGE).vertex_enumeration())
        _match(found, second, atol=1e-7)


# --------------------------------------------------------------------------------------------
# 3. never an empty list without a warning; 4. the size limit
# --------------------------------------------------------------------------------------------

def test_no_equilibrium_found_warns(monkeypatch):
    def nothing_solvable(M, rows, cols):   # as if every indifference system were singular
        n_pairs, k = rows.shape
        return np.full((n_pairs, k), np.nan), np.full(n_pairs, np.nan), np.zeros(n_pairs, dtype=bool)

    monkeypatch.setattr(equilibria_module, "_indifference_solutions", nothing_solvable)
    with pytest.warns(RuntimeWarning, match=r"found no equilibrium.*every finite game has one.*degenerate"):
        assert support_enumeration([[1, 0], [0, 1]], [[0, 1], [1, 0]]) == []


def test_a_found_equilibrium_means_no_runtime_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", DegenerateGameWarning)
        assert support_enumeration(np.zeros((3, 3)), np.zeros((3, 3)))   # degenerate, but not empty


def test_support_pair_count_is_vandermonde():
    for m, n in [(1, 1), (2, 3), (4, 4), (3, 7)]:
        direct = sum(len(list(itertools.combinations(range(m), k))) * len(list(itertools.combinations(range(n), k)))
                     for k in range(1, min(m, n) + 1))
        assert support_pair_count(m, n) == direct


@pytest.mark.parametrize("shape", [(11, 11), (12, 12), (14, 14), (40, 40), (5, 30)])
def test_too_large_games_are_refused_at_once(shape):
    A = np.zeros(shape)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"A and B have shape .*max_pairs=200,000"):
        support_enumeration(A, A)
    assert time.perf_counter() - start < 0.5


def test_the_limit_admits_10x10_and_can_be_raised():
    assert support_pair_count(10, 10) <= MAX_SUPPORT_PAIRS < support_pair_count(10, 11)
    A, B = np.random.default_rng(0).normal(size=(2, 10, 10))
    assert support_enumeration(A, B)
    with pytest.raises(ValueError, match="max_pairs"):
        support_enumeration(A, B, max_pairs=1000)
    A, B = np.random.default_rng(0).normal(size=(2, 3, 30))
    assert support_pair_count(3, 30) > MAX_SUPPORT_PAIRS // 100
    assert support_enumeration(A, B, max_pairs=support_pair_count(3, 30))


def test_chunked_enumeration_matches_one_batch(monkeypatch):
    A, B = np.random.default_rng(5).normal(size=(2, 6, 7))
    expected = support_enumeration(A, B)
    monkeypatch.setattr(equilibria_module, "_CHUNK_PAIRS", 7)
    _assert_same_equilibria(support_enumeration(A, B), expected, atol=0)
