"""Chapter 8 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np

from exercise_helpers import wrong_answer_test
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
