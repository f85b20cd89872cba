"""The package's random choices (``marl_course._random``): frequencies, the tie and rounding rules, bad inputs.

The frequency tests are seeded, so they are deterministic; their bound is the chi-square
quantile at ``1 - 1e-6``, which a correct sampler passes with room to spare and an off-by-one
or unnormalised one fails by orders of magnitude.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.stats import chi2

from marl_course._random import epsilon_greedy, linear_schedule, sample_categorical

N_DRAWS = 40_000
N_SINGLE = 5_000      # draws one call at a time (each call checks its input)


def chi_square(counts, probabilities) -> tuple[float, float]:
    """Pearson's statistic over the indices of positive probability, and its 1e-6 critical value."""
    counts, probabilities = np.asarray(counts, float), np.asarray(probabilities, float)
    support = probabilities > 0
    expected = counts.sum() * probabilities[support]
    statistic = float(((counts[support] - expected) ** 2 / expected).sum())
    return statistic, float(chi2.ppf(1 - 1e-6, df=max(int(support.sum()) - 1, 1)))


DISTRIBUTIONS = [[0.5, 0.5], [0.1, 0.2, 0.7], [0.7, 0.0, 0.3], [0.0, 0.25, 0.0, 0.75, 0.0], [0.05] * 20,
                 [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


class FixedUniform(np.random.Generator):
    """A Generator whose ``random`` returns one chosen number, to test the rounding rule at its edges."""

    def __init__(self, u: float):
        super().__init__(np.random.PCG64(0))
        self.u = u

    def random(self, size=None, dtype=np.float64, out=None):
        return self.u if size is None else np.full(size, self.u)


# ---------------------------------------------------------------- sample_categorical

@pytest.mark.parametrize("probabilities", DISTRIBUTIONS)
def test_one_at_a_time_frequencies_match_the_probabilities(probabilities):
    rng = np.random.default_rng(1)
    draws = [sample_categorical(probabilities, rng) for _ in range(N_SINGLE)]
    assert all(type(d) is int for d in draws[:5])
    statistic, bound = chi_square(np.bincount(draws, minlength=len(probabilities)), probabilities)
    assert statistic < bound


@pytest.mark.parametrize("probabilities", DISTRIBUTIONS)
def test_batched_frequencies_match_the_probabilities(probabilities):
    batch = np.broadcast_to(probabilities, (200, N_DRAWS // 200, len(probabilities)))
    draws = sample_categorical(batch, np.random.default_rng(2))
    assert draws.shape == (200, N_DRAWS // 200)
    statistic, bound = chi_square(np.bincount(draws.ravel(), minlength=len(probabilities)), probabilities)
    assert statistic < bound


def test_rows_of_a_batch_follow_their_own_distributions():
    rows = np.array([[0.9, 0.1, 0.0], [0.0, 0.2, 0.8]])
    draws = sample_categorical(np.repeat(rows[None], N_DRAWS, axis=0), np.random.default_rng(3))
    for r, probabilities in enumerate(rows):
        statistic, bound = chi_square(np.bincount(draws[:, r], minlength=3), probabilities)
        assert statistic < bound


def test_a_zero_probability_index_is_never_drawn():
    probabilities = np.array([0.0, 0.3, 0.0, 0.7, 0.0])
    rng = np.random.default_rng(4)
    batched = sample_categorical(np.broadcast_to(probabilities, (N_DRAWS, 5)), rng)
    single = [sample_categorical(probabilities, rng) for _ in range(2000)]
    assert set(np.unique(batched)) == {1, 3} and set(single) == {1, 3}


@pytest.mark.parametrize("u, probabilities, expected", [
    (0.0, [0.0, 1.0], 1),                        # c_0 = 0 does not exceed 0: the first positive index
    (0.0, [0.0, 0.0, 0.4, 0.6], 2),
    (0.5, [0.5, 0.5], 1),                        # c_0 = 0.5 does not exceed 0.5: side="right"
    (np.nextafter(0.5, 0), [0.5, 0.5], 0),
    (1 - 2 ** -53, [0.5, 0.5, 0.0], 1),          # the largest uniform stays below the total
    (1 - 2 ** -53, [0.1, 0.2, 0.7], 2),
    (1 - 2 ** -53, [0.5, 0.5 - 1e-9], 1),        # u is scaled by the total, which may miss 1 by 1e-8
])
def test_the_rounding_rule_at_the_edges(u, probabilities, expected):
    assert sample_categorical(probabilities, FixedUniform(u)) == expected
    batch = sample_categorical([probabilities, probabilities], FixedUniform(u))
    assert batch.tolist() == [expected, expected]


def test_a_batch_draws_its_rows_in_order_like_single_draws():
    rows = np.random.default_rng(5).dirichlet(np.ones(4), size=(3, 7))
    batched = sample_categorical(rows, np.random.default_rng(6))
    rng = np.random.default_rng(6)
    assert batched.tolist() == [[sample_categorical(row, rng) for row in block] for block in rows]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=8).filter(lambda w: sum(w) > 0.1), st.integers(0, 2**32))
def test_a_draw_is_always_in_the_support(weights, seed):
    probabilities = np.array(weights) / sum(weights)
    index = sample_categorical(probabilities, np.random.default_rng(seed))
    assert 0 <= index < len(probabilities) and probabilities[index] > 0


# ---------------------------------------------------------------- epsilon_greedy

def test_ties_go_to_the_lowest_index():
    rng = np.random.default_rng(0)
    assert epsilon_greedy([1.0, 3.0, 3.0, 3.0], 0.0, rng) == 1
    assert epsilon_greedy([[2.0, 2.0], [0.0, 5.0], [4.0, 4.0]], 0.0, rng).tolist() == [0, 1, 0]


@pytest.mark.parametrize("epsilon", [0.0, 0.3, 1.0])
def test_epsilon_greedy_frequencies(epsilon):
    values = np.array([0.2, 0.9, -1.0, 0.9])       # greedy: index 1 (the tie with 3 goes to 1)
    expected = np.full(4, epsilon / 4)
    expected[1] += 1 - epsilon
    rng = np.random.default_rng(7)
    single = [epsilon_greedy(values, epsilon, rng) for _ in range(N_SINGLE)]
    batched = epsilon_greedy(np.broadcast_to(values, (N_DRAWS, 4)), epsilon, rng)
    for draws in (np.asarray(single), batched):
        statistic, bound = chi_square(np.bincount(draws, minlength=4), expected)
        assert statistic < bound


def test_epsilon_greedy_random_draws():
    """One vector: a uniform, and an integer only when exploring; a batch: uniforms then integers."""
    rng, twin = np.random.default_rng(8), np.random.default_rng(8)
    exploring = [epsilon_greedy([0.0, 1.0, 0.0], 0.5, rng) for _ in range(100)]
    expected = []
    for _ in range(100):
        expected.append(int(twin.integers(3)) if twin.random() < 0.5 else 1)
    assert exploring == expected
    q = np.random.default_rng(9).normal(size=(6, 5))
    explore = twin.random(6) < 0.5
    assert epsilon_greedy(q, 0.5, rng).tolist() == np.where(explore, twin.integers(5, size=6), q.argmax(1)).tolist()


# ---------------------------------------------------------------- linear_schedule

@pytest.mark.parametrize("start, end, duration", [(1.0, 0.05, 500), (0.1, 3.0, 7), (1.0, 0.05, 0.5 * 3333),
                                                  (0.3, 0.3, 10), (-2.0, 5.0, 1)])
def test_schedule_endpoints_and_monotonicity(start, end, duration):
    assert linear_schedule(start, end, duration, 0) == start
    assert linear_schedule(start, end, duration, duration) == end
    assert linear_schedule(start, end, duration, 10 * duration + 3) == end
    values = [linear_schedule(start, end, duration, t) for t in np.linspace(0, 1.2 * duration, 2001)]
    steps = np.diff(values) * np.sign(end - start)
    assert (steps >= 0).all()
    assert min(start, end) <= min(values) and max(values) <= max(start, end)


def test_schedule_is_linear_in_between():
    assert linear_schedule(1.0, 0.0, 4, 1) == 0.75
    assert linear_schedule(0.0, 10.0, 8, 2.0) == pytest.approx(2.5)
    assert linear_schedule(1.0, 0.05, 1000, 250) == pytest.approx(1.0 - 0.25 * 0.95)


# ---------------------------------------------------------------- bad inputs

RNG = np.random.default_rng(0)
BAD_INPUTS = [
    (lambda: sample_categorical([0.5, -0.5, 1.0], RNG), ValueError, "probabilities must be non-negative"),
    (lambda: sample_categorical([0.5, math.nan], RNG), ValueError, "probabilities"),
    (lambda: sample_categorical([math.inf, 0.0], RNG), ValueError, "probabilities"),
    (lambda: sample_categorical([0.5, 0.6], RNG), ValueError, "probabilities must sum to 1"),
    (lambda: sample_categorical([0.0, 0.0], RNG), ValueError, "probabilities must sum to 1"),
    (lambda: sample_categorical([[0.5, 0.5], [0.2, 0.2]], RNG), ValueError, "probabilities must sum to 1"),
    (lambda: sample_categorical([], RNG), ValueError, "probabilities"),
    (lambda: sample_categorical(0.5, RNG), ValueError, "probabilities"),
    (lambda: sample_categorical("ab", RNG), TypeError, "probabilities"),
    (lambda: sample_categorical(["0.5", "0.5"], RNG), TypeError, "probabilities"),
    (lambda: sample_categorical([0.5, 0.5], 0), TypeError, "rng"),
    (lambda: sample_categorical([0.5, 0.5], np.random.RandomState(0)), TypeError, "rng"),
    (lambda: epsilon_greedy([0.0, 1.0], -0.1, RNG), ValueError, "epsilon"),
    (lambda: epsilon_greedy([0.0, 1.0], 1.5, RNG), ValueError, "epsilon"),
    (lambda: epsilon_greedy([0.0, 1.0], math.nan, RNG), ValueError, "epsilon"),
    (lambda: epsilon_greedy([0.0, 1.0], "0.1", RNG), TypeError, "epsilon"),
    (lambda: epsilon_greedy([0.0, math.nan], 0.1, RNG), ValueError, "values"),
    (lambda: epsilon_greedy([], 0.1, RNG), ValueError, "values"),
    (lambda: epsilon_greedy(1.0, 0.1, RNG), ValueError, "values"),
    (lambda: epsilon_greedy([0.0, 1.0], 0.1, None), TypeError, "rng"),
    (lambda: linear_schedule(1.0, 0.0, 0, 1), ValueError, "duration"),
    (lambda: linear_schedule(1.0, 0.0, -5, 1), ValueError, "duration"),
    (lambda: linear_schedule(1.0, 0.0, 10, -1), ValueError, "t must be"),
    (lambda: linear_schedule(1.0, 0.0, 10, math.nan), ValueError, "t must be"),
    (lambda: linear_schedule(math.nan, 0.0, 10, 1), ValueError, "start"),
    (lambda: linear_schedule(1.0, math.inf, 10, 1), ValueError, "end"),
    (lambda: linear_schedule(1.0, 0.0, "10", 1), TypeError, "duration"),
    (lambda: linear_schedule(1.0, 0.0, 10, None), TypeError, "t must be"),
]


@pytest.mark.parametrize("call, error, match", BAD_INPUTS)
def test_bad_inputs_are_refused_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_valid_edge_values():
    assert sample_categorical(np.array([1.0]), RNG) == 0
    assert sample_categorical([0.5, 0.5 + 1e-9, -1e-9], RNG) in (0, 1)    # within the 1e-8 tolerance
    assert epsilon_greedy(np.array([3]), 1.0, RNG) == 0
    assert linear_schedule(1, 0, 1e-9, 0) == 1.0
