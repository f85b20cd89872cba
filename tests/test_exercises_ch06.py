"""Chapter 6 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""
import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
from marl_course.envs.cartpole import markov_probe
from marl_course.exercises import ch06

WRONG = {
    "q1": 14.63,  # the sign flipped
    "q2": lambda reward, terminal, q_next, gamma: reward + gamma * q_next.max(axis=-1),  # bootstraps past the end
    "q3": 0.0,
    "q4": "sequential",
    "q5": 1,
}


def test_wrong_types_are_reported_not_raised():
    assert "number" in ch06.q1.check("-14").message
    assert "function" in ch06.q2.check(3).message
    assert "integer" in ch06.q5.check(2.5).message


def test_messages_do_not_reveal_the_answer():
    assert f"{ch06.q1.reference():.4g}" not in ch06.q1.check(0.0).message
    assert f"{ch06.q3.reference():.3f}" not in ch06.q3.check(0.0).message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch06, WRONG)


Q3 = ch06.q3.reference()

CASES = [
    ("q3", round(Q3, 3), "correct", "3-digits"),
    ("q3", torch.tensor(Q3), "correct", "torch-scalar"),
    ("q3", markov_probe(0.5, False, 1), "incorrect", "the-p=0.5-value"),
    ("q3", round(markov_probe(0.5, False, 1), 3), "incorrect", "the-p=0.5-value-rounded"),
    ("q3", markov_probe(0.1, False, 1), "incorrect", "the-p=0.1-value"),
    ("q3", markov_probe(0.4, False, 1), "incorrect", "the-p=0.4-value"),
    ("q3", markov_probe(0.3, False, 4), "incorrect", "the-history-4-value"),
    ("q3", float("nan"), "incorrect", "nan"),
    ("q1", round(ch06.q1.reference(), 1), "correct", "3-digits"),
    ("q1", round(ch06.q1.reference(), 0), "incorrect", "2-digits"),
    ("q5", float(ch06.q5.reference()), "correct", "whole-float"),
    ("q5", ch06.q5.reference() + 0.5, "incorrect", "truncation-bait"),
    ("q5", ch06.q5.reference() + 0.9, "incorrect", "truncation-bait-2"),
    ("q5", np.int64(ch06.q5.reference()), "correct", "numpy-int"),
    ("q5", [ch06.q5.reference()], "incorrect", "list"),
]

test_answer_cases = answer_cases_test(ch06, CASES)


def test_q3_neighbouring_flicker_values_differ_by_more_than_the_tolerance():
    from marl_course.exercises.checker import significant_tol
    for p in (0.1, 0.4, 0.5):
        assert abs(markov_probe(p, False, 1) - Q3) > 2 * significant_tol(Q3, 3)


def test_q3_solution_describes_what_is_computed():
    text = str(ch06.q3.solution())
    assert "grows with p" not in text
    for p in ch06.Q3_SWEEP:
        assert f"{markov_probe(p, False, 1):.3f}" in text
