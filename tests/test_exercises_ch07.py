"""Chapter 7 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
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


MONOTONE = ch07.q3.reference()

CASES = [
    ("q3", [["sum"]], "incorrect", "nested-list"),
    ("q3", [MONOTONE], "incorrect", "nested-full-list"),
    ("q3", [("sum", "qmix")], "incorrect", "nested-tuple"),
    ("q3", "sum", "incorrect", "a-string"),
    ("q3", [1, 2], "incorrect", "numbers"),
    ("q3", [None], "incorrect", "none-inside"),
    ("q3", None, "incorrect", "none"),
    ("q3", {"sum": 1}, "incorrect", "dict"),
    ("q3", np.array(MONOTONE), "incorrect", "numpy-array"),
    ("q3", MONOTONE + ["median"], "incorrect", "unknown-name"),
    ("q3", tuple(MONOTONE), "correct", "tuple"),
    ("q3", set(MONOTONE), "correct", "set"),
    ("q3", [m.upper() for m in MONOTONE], "correct", "upper-case"),
    ("q1", round(ch07.q1.reference(), 2), "correct", "rounded"),
    ("q1", torch.tensor(ch07.q1.reference()), "correct", "torch-scalar"),
    ("q1", 4.5 + 4.5, "incorrect", "forgot-the-overall-mean"),
    ("q4", float("nan"), "incorrect", "nan"),
    ("q4", "0.5", "incorrect", "string"),
    ("q4", np.float64(ch07.q4.reference()), "correct", "numpy-scalar"),
    ("q4", torch.tensor(ch07.q4.reference(), dtype=torch.float64), "correct", "torch-scalar"),
]

test_answer_cases = answer_cases_test(ch07, CASES)


def test_q3_malformed_answers_say_what_is_expected():
    assert "name" in ch07.q3.check([["sum"]]).message
    assert "list of names" in ch07.q3.check("sum").message
