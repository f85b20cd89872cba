"""Chapter 3 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np

from exercise_helpers import wrong_answer_test
from marl_course.exercises import ch03


def _greedy_without_clipping(policy, q_values, delta):
    # a typical slip: take delta / (|A| - 1) from every action even when it has less than that
    policy = np.asarray(policy, dtype=float)
    greedy = np.argmax(q_values)
    new = policy - delta / (len(policy) - 1)
    new[greedy] = policy[greedy] + delta
    return new


WRONG = {
    "q1": 0.25,
    "q2": "delta_w",
    "q3": _greedy_without_clipping,
    "q4": 4.0,
    "q5": 0.8,
    "q6": "paper",
}


def test_q5_rejects_a_ratio_far_from_the_experiment():
    # above 1 (the right direction) but far off: still incorrect
    assert ch03.q5.check(10 * ch03.q5.reference()).status == "incorrect"


def test_wrong_types_are_reported_not_raised():
    assert "number" in ch03.q1.check("0.3").message
    assert "function" in ch03.q3.check(3).message
    assert "number" in ch03.q5.check("big").message


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch03.q1.reference():.4g}"
    assert expected not in ch03.q1.check(0.9).message
    assert f"{ch03.q4.reference():g}" not in ch03.q4.check(3.0).message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch03, WRONG)
