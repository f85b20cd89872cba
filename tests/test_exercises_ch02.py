"""Chapter 2 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
from marl_course.exercises import ____, ch02

WRONG = {
    "q1": 0.5,
    "q2": 760 * 5,
    "q3": lambda Q_s: Q_s.max(),
    "q4": 0.0,
}


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch02.q1.reference():.4f}"
    assert expected not in ch02.q1.check(0.1).message
    assert str(ch02.q2.reference()) not in ch02.q2.check(5).message


def test_a_stub_function_is_not_attempted():
    assert ch02.q3.check(lambda Q_s: ____).status == "not attempted"


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch02, WRONG)


Q1 = ch02.q1.reference()

CASES = [
    ("q1", round(Q1, 3), "correct", "3-decimals"),
    ("q1", round(Q1, 4), "correct", "4-decimals"),
    ("q1", torch.tensor(round(Q1, 3)), "correct", "torch-3-decimals"),
    ("q1", round(Q1, 3) - 0.001, "incorrect", "neighbour-below"),
    ("q1", round(Q1, 3) + 0.001, "incorrect", "neighbour-above"),
    ("q1", 1.45, "incorrect", "the-updated-q-entry"),
    ("q2", float(ch02.q2.reference()), "correct", "whole-float"),
    ("q2", ch02.q2.reference() + 0.5, "incorrect", "truncation-bait"),
    ("q2", np.int64(ch02.q2.reference() // 2), "incorrect", "ball-forgotten"),
    ("q4", float("nan"), "incorrect", "nan"),
    ("q4", np.array([0.3]), "incorrect", "shape-1"),
    ("q4", np.float32(ch02.q4.reference()), "correct", "float32"),
]

test_answer_cases = answer_cases_test(ch02, CASES)


def test_solution_types_no_measured_speed_up():
    import re
    assert not re.search(r"\d+\s*x\b", str(ch02.q3.solution()))
