"""The standard error over seeds."""

import numpy as np
import pytest

from marl_course.stats import standard_error


def test_standard_error_is_sample_std_over_root_n():
    values = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(standard_error(values), values.std(0, ddof=1) / np.sqrt(5))
    np.testing.assert_allclose(standard_error(values, axis=1), values.std(1, ddof=1) / np.sqrt(3))


def test_one_seed_has_no_spread_and_bad_input_is_named():
    np.testing.assert_array_equal(standard_error([[1.0, 2.0]]), [0.0, 0.0])
    with pytest.raises(ValueError, match="values"):
        standard_error([1.0, np.nan])
