"""Chapter 1 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np

from exercise_helpers import wrong_answer_test
from marl_course.exercises import ch01

WRONG = {
    "q1": 0.5,
    "q2": [(0, 0, 0)],
    "q3": lambda A, B: np.array([0.5, 0.5]),
    "q4": 0.0,
    "q5": lambda R, P, V, gamma: R,
    "q6": 10,
}


def test_wrong_type_is_reported_not_raised():
    assert "number" in ch01.q1.check("0.9").message
    assert "list" in ch01.q2.check(3).message
    assert "function" in ch01.q3.check(3).message


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch01.q1.reference():.4g}"
    assert expected not in ch01.q1.check(0.1).message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch01, WRONG)
