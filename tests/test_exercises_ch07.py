"""Chapter 7 exercises: references pass, ____ is not attempted, typical mistakes fail with a reason."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch07

QUESTIONS = [ch07.q1, ch07.q2, ch07.q3, ch07.q4]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_reference_passes_and_placeholder_is_not_attempted(q):
    assert q.check(q.reference()).status == "correct"
    assert q.check(____).status == "not attempted"
    assert q.hint().markdown and q.solution().markdown


WRONG = {
    "Q1": 8.0,  # the payoff, not the fit
    "Q2": lambda q, w1, b1, w2, b2: float(np.maximum(q @ w1 + b1, 0) @ w2 + b2),  # no abs, ReLU
    "Q3": ["sum", "qmix", "product"],
    "Q4": 1.0,
}


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_typical_wrong_answer_is_incorrect(q):
    result = q.check(WRONG[q.name])
    assert result.status == "incorrect" and result.message


def test_q3_needs_all_monotone_mixers():
    assert ch07.q3.check(["sum"]).status == "incorrect"
    assert "product" not in ch07.q3.reference() and "qmix" in ch07.q3.reference()


def test_q4_rejects_a_smaller_epsilon_and_off_grid_values():
    best = ch07.q4.reference()
    assert best < 1.0
    assert ch07.q4.check(round(best - 0.05, 10)).status == "incorrect"  # not the largest
    assert ch07.q4.check(0.123).status == "incorrect"
    assert ch07.q4.check(round(best + 0.05, 10)).status == "incorrect"
