"""Chapter 8 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
from marl_course.exercises import ch08

WRONG = {
    "q1": 2.0,
    "q2": 1.2,
    "q3": lambda q, beta: q.max(axis=1),
    "q4": lambda actions, n_actions: np.eye(n_actions)[actions],
    "q5": [0.1, 0.9],
}


def test_article_sign_fails_the_coding_question():
    """exp(-beta Q) literally is the common mistake Q3 guards against."""
    def literal(q, beta):
        pi = np.exp(-beta * q) / np.exp(-beta * q).sum(axis=1, keepdims=True)
        return (pi * q).sum(axis=1)
    assert ch08.q3.check(literal).status == "incorrect"


def test_q5_accepts_other_seeds_and_rejects_bad_shapes():
    assert ch08.q5.check(ch08._q5_order_parameters(seed=5)).status == "correct"
    assert "two numbers" in ch08.q5.check(0.5).message


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch08.q2.reference():.3f}"
    assert expected not in ch08.q2.check(1.5).message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch08, WRONG)


XI = ch08.q5.reference()

CASES = [
    ("q5", np.array(XI), "correct", "numpy-array"),
    ("q5", torch.tensor(XI), "correct", "torch-tensor"),
    ("q5", tuple(XI), "correct", "tuple"),
    ("q5", [np.float64(x) for x in XI], "correct", "numpy-scalars"),
    ("q5", [torch.tensor(x) for x in XI], "correct", "torch-scalars"),
    ("q5", [float("nan"), XI[1]], "incorrect", "nan-inside"),
    ("q5", [XI[0], float("inf")], "incorrect", "inf-inside"),
    ("q5", [XI], "incorrect", "nested"),
    ("q5", XI[:1], "incorrect", "one-number"),
    ("q5", XI + [0.0], "incorrect", "three-numbers"),
    ("q5", [str(x) for x in XI], "incorrect", "strings"),
    ("q5", [XI[0], [XI[1]]], "incorrect", "ragged"),
    ("q5", XI[::-1], "incorrect", "swapped"),
    ("q5", "0.9, 0.1", "incorrect", "a-string"),
    ("q2", round(ch08.q2.reference(), 3), "correct", "3-decimals"),
    ("q2", 2 * ch08.q2.reference(), "incorrect", "onsager-T-not-tau"),
    ("q1", np.int64(1) if ch08.q1.reference() == 1 else ch08.q1.reference(), "correct", "numpy-int"),
    ("q1", True, "incorrect", "bool"),
]

test_answer_cases = answer_cases_test(ch08, CASES)
