"""Every chapter 1 question: the reference passes, ____ is 'not attempted', a wrong answer fails."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch01

WRONG = {
    "q1": 0.5,
    "q2": [(0, 0, 0)],
    "q3": lambda A, B: np.array([0.5, 0.5]),
    "q4": 0.0,
    "q5": lambda R, P, V, gamma: R,
    "q6": 10,
}
QUESTIONS = {name: getattr(ch01, name) for name in WRONG}


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


def test_wrong_type_is_reported_not_raised():
    assert "number" in ch01.q1.check("0.9").message
    assert "list" in ch01.q2.check(3).message
    assert "function" in ch01.q3.check(3).message


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch01.q1.reference():.4g}"
    assert expected not in ch01.q1.check(0.1).message
