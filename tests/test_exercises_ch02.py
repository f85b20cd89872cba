"""Every chapter 2 question: the reference passes, ____ is 'not attempted', a wrong answer fails."""

import pytest

from marl_course.exercises import ____, ch02

WRONG = {
    "q1": 0.5,
    "q2": 760 * 5,
    "q3": lambda Q_s: Q_s.max(),
    "q4": 0.0,
}
QUESTIONS = {name: getattr(ch02, name) for name in WRONG}


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


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch02.q1.reference():.4f}"
    assert expected not in ch02.q1.check(0.1).message
    assert str(ch02.q2.reference()) not in ch02.q2.check(5).message


def test_a_stub_function_is_not_attempted():
    assert ch02.q3.check(lambda Q_s: ____).status == "not attempted"
