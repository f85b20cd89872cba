"""Equilibrium solvers against an independent oracle (nashpy's vertex enumeration) and the LP."""

import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from marl_course.games import (
    DegenerateGameWarning,
    best_responses,
    expected_payoffs,
    is_nash,
    mixed_nash_2x2,
    pure_nash_equilibria,
    solve_zero_sum,
    support_enumeration,
)
from marl_course.games.zero_sum import maximin_value_linprog


def _key(equilibria):
    return sorted(tuple(np.round(np.concatenate([x, y]), 6)) for x, y in equilibria)


@pytest.mark.parametrize("seed", range(40))
def test_support_enumeration_matches_vertex_enumeration(seed):
    rng = np.random.default_rng(seed)
    m, n = rng.integers(2, 5, size=2)
    A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    ours = support_enumeration(A, B)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle = list(nashpy.Game(A, B).vertex_enumeration())
    assert _key(ours) == _key(oracle)
    for x, y in ours:
        assert is_nash([A, B], [x, y], tol=1e-9)


def test_degenerate_game_warns_and_returns_valid_equilibria():
    # the column player is indifferent between both columns against row 0: a continuum
    A = np.array([[1.0, 1.0], [0.0, 2.0]])
    B = np.array([[1.0, 1.0], [0.0, 2.0]])
    with pytest.warns(DegenerateGameWarning):
        found = support_enumeration(A, B)
    assert found and all(is_nash([A, B], eq) for eq in found)
    with pytest.warns(DegenerateGameWarning):
        mixed_nash_2x2(A, B)


def test_nondegenerate_game_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        support_enumeration([[3, 0], [5, 1]], [[3, 5], [0, 1]])


@settings(max_examples=200, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 6)),
              elements=st.integers(-5, 5).map(float)))
def test_solve_zero_sum_matches_linprog_and_is_optimal(A):
    value, x, y = solve_zero_sum(A)
    assert abs(value - maximin_value_linprog(A)) < 1e-9
    assert abs(x.sum() - 1) < 1e-12 and abs(y.sum() - 1) < 1e-12 and x.min() >= 0 and y.min() >= 0
    assert (x @ A).min() >= value - 1e-9      # x guarantees at least v against every column
    assert (A @ y).max() <= value + 1e-9      # y concedes at most v against every row


def test_solve_zero_sum_regression():
    A = np.random.default_rng(7).normal(size=(5, 5))
    value, x, y = solve_zero_sum(A)
    assert value == pytest.approx(maximin_value_linprog(A), abs=1e-9)
    assert is_nash([A, -A], [x, y], tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(arrays(float, st.tuples(st.just(2), st.integers(1, 4), st.integers(1, 4)),
              elements=st.integers(-3, 3).map(float)))
def test_pure_equilibria_are_exactly_the_pure_nash_profiles(payoffs):
    payoffs = list(payoffs)
    m, n = payoffs[0].shape
    eqs = pure_nash_equilibria(payoffs)
    for i in range(m):
        for j in range(n):
            profile = [np.eye(m)[i], np.eye(n)[j]]
            assert ((i, j) in eqs) == is_nash(payoffs, profile, tol=0)
            if (i, j) in eqs:
                assert i in best_responses(payoffs, profile, player=0)
                assert j in best_responses(payoffs, profile, player=1)


def test_expected_payoffs_three_players_by_hand():
    rng = np.random.default_rng(3)
    payoffs = [rng.normal(size=(2, 3, 2)) for _ in range(3)]
    strategies = [rng.dirichlet(np.ones(m)) for m in (2, 3, 2)]
    by_hand = [sum(p[a, b, c] * strategies[0][a] * strategies[1][b] * strategies[2][c]
                   for a in range(2) for b in range(3) for c in range(2)) for p in payoffs]
    np.testing.assert_allclose(expected_payoffs(payoffs, strategies), by_hand)


@pytest.mark.parametrize("bad, match", [
    (([[1, 2], [3, 4]], [[1, 2, 3]]), "same shape"),
    (([[1, np.nan], [3, 4]], [[1, 2], [3, 4]]), "finite"),
    (([1, 2], [1, 2]), "2-dimensional"),
])
def test_bimatrix_input_errors_name_the_parameter(bad, match):
    with pytest.raises(ValueError, match=match):
        support_enumeration(*bad)


@pytest.mark.parametrize("strategies, match", [
    ([[0.7, 0.7], [0.5, 0.5]], r"strategies\[0\] must sum to 1"),
    ([[1.5, -0.5], [0.5, 0.5]], r"strategies\[0\] must be non-negative"),
    ([[0.5, 0.5], [1.0, 0.0, 0.0]], r"strategies\[1\] must have 2 entries"),
    ([[0.5, 0.5]], "one strategy per player"),
])
def test_strategy_errors_name_the_parameter(strategies, match):
    A = np.eye(2)
    with pytest.raises(ValueError, match=match):
        is_nash([A, A], strategies)


def test_payoffs_of_wrong_rank_are_rejected():
    with pytest.raises(ValueError, match=r"payoffs\[0\] must have one axis per player"):
        pure_nash_equilibria([np.zeros((2, 2, 2)), np.zeros((2, 2, 2))])
    with pytest.raises(ValueError, match=r"payoffs\[1\] has shape"):
        pure_nash_equilibria([np.zeros((2, 2)), np.zeros((2, 3))])
    with pytest.raises(TypeError, match="A must be an array of numbers"):
        solve_zero_sum([["a", "b"]])
