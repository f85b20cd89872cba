"""Input validation names the parameter and never returns a silently wrong value."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marl_course._validation import (
    as_finite_array,
    as_probability_rows,
    as_probability_vector,
    as_rng,
    check_int,
    check_real,
)


@given(st.lists(st.floats(0.01, 10), min_size=1, max_size=8))
def test_normalised_vectors_are_accepted(weights):
    p = np.array(weights) / np.sum(weights)
    np.testing.assert_allclose(as_probability_vector(p, "policy"), p)


@pytest.mark.parametrize("value, match", [
    ([0.5, 0.6], "policy must sum to 1"),
    ([1.2, -0.2], "policy must be non-negative"),
    ([np.nan, 1.0], "policy must contain only finite"),
    ([[0.5, 0.5]], "policy must be 1-dimensional"),
    ("abc", "policy must be an array of numbers"),
])
def test_bad_probability_vectors(value, match):
    with pytest.raises((ValueError, TypeError), match=match):
        as_probability_vector(value, "policy")


def test_probability_rows_report_the_worst_row():
    with pytest.raises(ValueError, match="transitions must sum to 1 along axis -1"):
        as_probability_rows([[0.5, 0.5], [0.9, 0.2]], "transitions")


def test_ranges_and_types():
    assert check_real(0.5, "alpha", low=0, high=1, low_open=True) == 0.5
    with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\]"):
        check_real(0.0, "alpha", low=0, high=1, low_open=True)
    with pytest.raises(TypeError, match="alpha must be a real number"):
        check_real("0.1", "alpha")
    with pytest.raises(ValueError, match="alpha must be finite"):
        check_real(float("inf"), "alpha")
    with pytest.raises(TypeError, match="steps must be an integer"):
        check_int(2.5, "steps")
    with pytest.raises(ValueError, match=r"steps must be in \[1, inf\]"):
        check_int(0, "steps", low=1)
    assert as_rng(3).integers(100) == np.random.default_rng(3).integers(100)
    with pytest.raises(TypeError, match="seed must be"):
        as_rng("3")


def test_actions_must_be_integers_of_the_shape_in_range():
    from marl_course._validation import as_actions

    assert as_actions(np.array([[1, 0]]), (1, 2), (2, 1)).tolist() == [[1, 0]]
    with pytest.raises(ValueError, match="actions must be integers"):
        as_actions([[1.0, 0.0]], (1, 2), 2)  # floats are refused, not truncated
    with pytest.raises(ValueError, match="red_actions must be integers of shape"):
        as_actions([1, 0, 1], (2,), 2, "red_actions")
    with pytest.raises(ValueError, match="actions must be in"):
        as_actions([[0, 1]], (1, 2), (2, 1))  # the second player has one action
    with pytest.raises(ValueError, match="actions must be in"):
        as_actions([[-1, 0]], (1, 2), 2)


@pytest.mark.parametrize("value", ["0.5", ["1", 2], np.array(["1.0"]), [[1.0, "x"]], b"1"])
def test_text_is_not_parsed_as_a_number(value):
    with pytest.raises(TypeError, match="payoff"):
        as_finite_array(value, "payoff")


def test_a_negative_seed_is_named():
    with pytest.raises(ValueError, match="seed"):
        as_rng(-1)
