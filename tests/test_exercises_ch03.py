"""Chapter 3 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
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


Q5 = ch03.q5.reference()

CASES = [
    ("q5", float("nan"), "incorrect", "nan"),
    ("q5", np.nan, "incorrect", "numpy-nan"),
    ("q5", torch.tensor(float("nan")), "incorrect", "torch-nan"),
    ("q5", float("inf"), "incorrect", "inf"),
    ("q5", 1 / Q5, "incorrect", "upside-down"),
    ("q5", [Q5], "incorrect", "list"),
    ("q5", torch.tensor(Q5), "correct", "torch-scalar"),
    ("q5", np.array(Q5), "correct", "0d-array"),
    ("q5", round(Q5, 2), "correct", "rounded"),
    ("q1", round(ch03.q1.reference(), 3), "correct", "3-digits"),
    ("q1", 0.2 + 0.05, "incorrect", "half-the-gain"),
    ("q4", 4 ** 3, "incorrect", "the-joint-table-ratio-power-n"),
    ("q4", np.int64(16) if ch03.q4.reference() == 16 else ch03.q4.reference(), "correct", "numpy-int"),
    ("q2", ["delta_l"], "incorrect", "list"),
    ("q2", "delta l", "incorrect", "not-an-option"),
]

test_answer_cases = answer_cases_test(ch03, CASES)
