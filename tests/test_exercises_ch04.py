"""Chapter 4 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
from marl_course.exercises import ch04


def _lri_only(p, action, reward, eta_1, eta_2):
    """A typical mistake for Q2: forgetting the penalty term (this is L_R-I)."""
    p = np.asarray(p, dtype=float)
    chosen = np.arange(len(p)) == action
    return p + eta_1 * reward * (chosen - p)


WRONG = {
    "q1": 0.3,
    "q2": _lri_only,
    "q3": 0.8 + 0.1 * (-0.8),   # the IGA step (alpha = 1) instead of the losing player's alpha_max step
    "q4": 0.0,
    "q5": "matching_pennies",
}


def test_experiment_rejects_too_large_and_out_of_range_eta_d():
    assert ch04.q4.check(100.0).status == "incorrect"      # anchor too fast: damping lost again
    assert "eta_d" in ch04.q4.check(1000.0).message
    assert "number" in ch04.q4.check("1").message


def test_messages_do_not_reveal_the_answer():
    for name in ("q1", "q3"):
        expected = f"{getattr(ch04, name).reference():.4g}"
        assert expected not in getattr(ch04, name).check(0.01).message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch04, WRONG)


CASES = [
    ("q1", round(ch04.q1.reference(), 3), "correct", "3-digits"),
    ("q1", torch.tensor(ch04.q1.reference()), "correct", "torch-scalar"),
    ("q1", 0.3 + 0.1 * 0.8, "incorrect", "forgot-1-minus-p"),
    ("q3", 0.5, "incorrect", "the-equilibrium"),
    ("q3", np.array([ch04.q3.reference()]), "incorrect", "shape-1"),
    ("q4", float("nan"), "incorrect", "nan"),
    ("q4", float("inf"), "incorrect", "inf"),
    ("q4", -1.0, "incorrect", "negative"),
    ("q4", np.array(ch04.q4.reference()), "correct", "0d-array"),
    ("q4", torch.tensor(ch04.q4.reference(), dtype=torch.float64), "correct", "torch-scalar"),
    ("q5", ["prisoners_dilemma"], "incorrect", "list"),
]

test_answer_cases = answer_cases_test(ch04, CASES)
