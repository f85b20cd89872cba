"""Every chapter 8 question: the reference passes, ____ is 'not attempted', a wrong answer fails."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch08

WRONG = {
    "q1": 2.0,
    "q2": 1.2,
    "q3": lambda q, beta: q.max(axis=1),
    "q4": lambda actions, n_actions: np.eye(n_actions)[actions],
    "q5": [0.1, 0.9],
}
QUESTIONS = {name: getattr(ch08, name) for name in WRONG}


@pytest.mark.parametrize("name", QUESTIONS)
def test_reference_passes(name):
    result = QUESTIONS[name].check(QUESTIONS[name].reference())
    assert result.status == "correct", result


@pytest.mark.parametrize("name", QUESTIONS)
def test_placeholder_is_not_attempted(name):
    assert QUESTIONS[name].check(____).status == "not attempted"


@pytest.mark.parametrize("name", QUESTIONS)
def test_wrong_answer_fails_with_reason(name):
    result = QUESTIONS[name].check(WRONG[name])
    assert result.status == "incorrect"
    assert result.message


@pytest.mark.parametrize("name", QUESTIONS)
def test_hints_and_solution_render(name):
    q = QUESTIONS[name]
    assert "Hint 1" in str(q.hint())
    assert str(q.solution()).startswith("**Solution:**")


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
