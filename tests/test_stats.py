"""Summaries over seeds: the standard error, the paired difference, the mutual information of two labels."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.stats import mutual_information, paired_difference, standard_error


def test_standard_error_is_sample_std_over_root_n():
    values = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(standard_error(values), values.std(0, ddof=1) / np.sqrt(5))
    np.testing.assert_allclose(standard_error(values, axis=1), values.std(1, ddof=1) / np.sqrt(3))


def test_one_seed_has_no_spread_and_bad_input_is_named():
    np.testing.assert_array_equal(standard_error([[1.0, 2.0]]), [0.0, 0.0])
    with pytest.raises(ValueError, match="values"):
        standard_error([1.0, np.nan])


def test_paired_difference_cancels_the_seeds_shared_luck():
    luck = np.random.default_rng(1).normal(scale=10.0, size=8)   # large seed effects, shared by both methods
    a, b = luck + 1.0 + np.linspace(-0.1, 0.1, 8), luck
    gap, se = paired_difference(a, b)
    assert gap == pytest.approx(1.0) and se < 0.05                       # paired: the seed effect cancels
    assert np.hypot(standard_error(a), standard_error(b)) > 100 * se      # unpaired it would swamp the gap


def test_paired_difference_refuses_unpaired_input():
    with pytest.raises(ValueError, match="a and b"):
        paired_difference([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="a and b"):
        paired_difference([1.0], [2.0])
    with pytest.raises(ValueError, match="b"):
        paired_difference([1.0, 2.0], [1.0, np.inf])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=1, max_size=60))
def test_mutual_information_is_bounded_by_both_entropies_and_symmetric(pairs):
    x, y = map(np.array, zip(*pairs))

    def entropy(v):
        p = np.bincount(v) / len(v)
        p = p[p > 0]
        return float(-(p * np.log2(p)).sum())

    info = mutual_information(x, y)
    assert -1e-12 <= info <= min(entropy(x), entropy(y)) + 1e-12
    assert info == pytest.approx(mutual_information(y, x), abs=1e-12)
    assert mutual_information(x, x) == pytest.approx(entropy(x), abs=1e-12)   # I(X; X) = H(X)


def test_mutual_information_of_independent_labels_is_near_zero():
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 3, 30_000), rng.integers(0, 3, 30_000)
    assert mutual_information(x, y) < 1e-3   # plug-in bias ~ 4 / (2 n ln 2) = 1e-4 bits


def test_mutual_information_refuses_bad_labels():
    with pytest.raises(ValueError, match="x"):
        mutual_information([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="y"):
        mutual_information([0, 1], [-1, 1])
    with pytest.raises(ValueError, match="same non-zero length"):
        mutual_information([0, 1], [0])


def test_measured_difference_is_a_gap_beyond_z_standard_errors():
    from marl_course.stats import measured_difference

    assert measured_difference(2.1, 1.0) and not measured_difference(1.9, 1.0)
    assert measured_difference(-2.1, 1.0)  # either sign
    assert measured_difference(1.5, 1.0, z=1.0) and not measured_difference(1.5, 1.0, z=3.0)
    assert not measured_difference(0.0, 0.0)  # identical on every seed
    with pytest.raises(ValueError, match="se"):
        measured_difference(1.0, -0.1)
    with pytest.raises(ValueError, match="z"):
        measured_difference(1.0, 0.1, z=0.0)
