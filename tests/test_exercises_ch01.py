"""Chapter 1 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
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


PROFILES = ch01.q2.reference()

CASES = [
    ("q2", np.array(PROFILES), "correct", "numpy-array"),
    ("q2", torch.tensor(PROFILES), "correct", "torch-tensor"),
    ("q2", set(PROFILES), "correct", "set-of-tuples"),
    ("q2", [list(p) for p in reversed(PROFILES)], "correct", "lists-any-order"),
    ("q2", [tuple(float(a) for a in p) for p in PROFILES], "correct", "whole-floats"),
    ("q2", [(0.5, 1, 1), (1, 0, 1), (1, 1, 0)], "incorrect", "truncation-bait"),
    ("q2", [(0.9, 1, 1)] + PROFILES[1:], "incorrect", "truncation-bait-2"),
    ("q2", PROFILES[0], "incorrect", "one-profile-not-in-a-list"),
    ("q2", [PROFILES], "incorrect", "nested-too-deep"),
    ("q2", [p[:2] for p in PROFILES], "incorrect", "two-actions"),
    ("q2", [(0, 1), (1, 0, 1), (1, 1, 0)], "incorrect", "ragged"),
    ("q2", PROFILES[:2], "incorrect", "one-missing"),
    ("q2", PROFILES + [(1, 1, 1)], "incorrect", "one-extra"),
    ("q2", [], "incorrect", "empty"),
    ("q2", "(0, 1, 1)", "incorrect", "string"),
    ("q2", [("0", "1", "1")], "incorrect", "strings-inside"),
    ("q2", [(np.nan, 1, 1)], "incorrect", "nan-inside"),
    ("q2", [(True, False, False)], "incorrect", "bools"),
    ("q1", 1 - ch01.q1.reference(), "incorrect", "the-straight-probability"),
    ("q1", round(ch01.q1.reference(), 3), "correct", "3-digits"),
    ("q4", round(ch01.q4.reference(), 3), "correct", "3-digits"),
    ("q4", -ch01.q4.reference(), "incorrect", "sign"),
    ("q6", float(ch01.q6.reference()), "correct", "whole-float"),
    ("q6", ch01.q6.reference() + 0.5, "incorrect", "truncation-bait"),
    ("q6", str(ch01.q6.reference()), "incorrect", "string"),
    ("q6", ch01.q6.reference() + 5, "incorrect", "far-count"),
]

test_answer_cases = answer_cases_test(ch01, CASES)
