"""Chapter 10 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np

from exercise_helpers import wrong_answer_test
from marl_course.exercises import ch10


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
    "Q5": 2.0 - (1.0 + 2.0 + 4.0) / 3,  # a uniform baseline instead of pi-weighted
}


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch10, WRONG)


def test_q5_other_mistakes_fail():
    assert ch10.q5.check(2.0).status == "incorrect"  # no baseline at all
    assert ch10.q5.check(2.0 - 4.0).status == "incorrect"  # the best action's value as baseline
