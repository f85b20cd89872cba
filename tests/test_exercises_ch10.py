"""Chapter 10 exercises: the reference passes, ____ is not attempted, a typical wrong answer fails."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch10

QUESTIONS = [ch10.q1, ch10.q2, ch10.q3, ch10.q4]


def _weights_normalised_over_kept_edges_only(hard, scores):
    # a typical mistake: leaving cut edges out of the softmax's denominator
    e = np.exp(scores) * hard
    total = e.sum(axis=1, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


WRONG = {
    "Q1": float((2 * np.e - 1) / (np.e + 1)),  # normalised over the kept edges only
    "Q2": _weights_normalised_over_kept_edges_only,
    "Q3": -0.05 * 3,  # forgot the discount
    "Q4": ch10.random_success_rate(20),  # the 20-step answer
}


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_reference_passes(q):
    assert q.check(q.reference()).status == "correct"


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_placeholder_not_attempted(q):
    assert q.check(____).status == "not attempted"


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_wrong_answer_incorrect(q):
    result = q.check(WRONG[q.name])
    assert result.status == "incorrect" and result.message


def test_solutions_render():
    for q in QUESTIONS:
        assert str(q.solution()) and str(q.hint())
