"""Every chapter 6 question: the reference passes, ____ is 'not attempted', a wrong answer fails."""

import pytest

from marl_course.exercises import ____, ch06

WRONG = {
    "q1": 14.63,  # the sign flipped
    "q2": lambda reward, terminal, q_next, gamma: reward + gamma * q_next.max(axis=-1),  # bootstraps past the end
    "q3": 0.0,
    "q4": "sequential",
    "q5": 1,
}
QUESTIONS = {name: getattr(ch06, name) for name in WRONG}


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


def test_kinds_cover_pen_and_paper_coding_and_experiment():
    assert {q.kind for q in QUESTIONS.values()} == {"pen-and-paper", "coding", "experiment"}


def test_wrong_types_are_reported_not_raised():
    assert "number" in ch06.q1.check("-14").message
    assert "function" in ch06.q2.check(3).message
    assert "integer" in ch06.q5.check(2.0).message


def test_messages_do_not_reveal_the_answer():
    assert f"{ch06.q1.reference():.4g}" not in ch06.q1.check(0.0).message
    assert f"{ch06.q3.reference():.3f}" not in ch06.q3.check(0.0).message
