"""Chapter 10 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
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


CASES = [
    ("q1", round(ch10.q1.reference(), 3), "correct", "3-digits"),
    ("q1", torch.tensor(ch10.q1.reference()), "correct", "torch-float32"),
    ("q1", round(ch10.q1.reference(), 3) - 0.001, "incorrect", "neighbour"),
    ("q3", round(ch10.q3.reference(), 3), "correct", "3-digits"),
    ("q3", ch10.q3.reference(), "correct", "exact"),
    ("q3", -0.05 * (1 + 0.9 + 0.81 + 0.729), "incorrect", "one-term-too-many"),
    ("q3", float("nan"), "incorrect", "nan"),
    ("q5", round(2.0 - 7.0 / 3, 3), "incorrect", "uniform-baseline-rounded"),
    ("q5", np.array(ch10.q5.reference()), "correct", "0d-array"),
    ("q5", torch.tensor(ch10.q5.reference(), dtype=torch.float64), "correct", "torch-scalar"),
    ("q5", [ch10.q5.reference()], "incorrect", "list"),
    ("q5", "-0.4", "incorrect", "string"),
    ("q4", float("nan"), "incorrect", "nan"),
]

test_answer_cases = answer_cases_test(ch10, CASES)


def test_q5_names_the_uniform_baseline_mistake_when_rounded():
    assert "weighted" in ch10.q5.check(round(2.0 - 7.0 / 3, 3)).message
