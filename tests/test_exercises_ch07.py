"""Chapter 7 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np

from exercise_helpers import wrong_answer_test
from marl_course.exercises import ch07


WRONG = {
    "Q1": 8.0,  # the payoff, not the fit
    "Q2": lambda q, w1, b1, w2, b2: float(np.maximum(q @ w1 + b1, 0) @ w2 + b2),  # no abs, ReLU
    "Q3": ["sum", "qmix", "product"],
    "Q4": 1.0,
}


def test_q3_needs_all_monotone_mixers():
    assert ch07.q3.check(["sum"]).status == "incorrect"
    assert "product" not in ch07.q3.reference() and "qmix" in ch07.q3.reference()


def test_q4_rejects_a_smaller_epsilon_and_off_grid_values():
    best = ch07.q4.reference()
    assert best < 1.0
    assert ch07.q4.check(round(best - 0.05, 10)).status == "incorrect"  # not the largest
    assert ch07.q4.check(0.123).status == "incorrect"
    assert ch07.q4.check(round(best + 0.05, 10)).status == "incorrect"


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch07, WRONG)
