"""Every chapter 4 question: the reference passes, ____ is 'not attempted', a wrong answer fails."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch04


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
QUESTIONS = {name: getattr(ch04, name) for name in WRONG}


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


def test_kinds_cover_the_course_requirements():
    kinds = {q.kind for q in QUESTIONS.values()}
    assert {"pen-and-paper", "coding", "experiment"} <= kinds


def test_experiment_rejects_too_large_and_out_of_range_eta_d():
    assert ch04.q4.check(100.0).status == "incorrect"      # anchor too fast: damping lost again
    assert "eta_d" in ch04.q4.check(1000.0).message
    assert "number" in ch04.q4.check("1").message


def test_messages_do_not_reveal_the_answer():
    for name in ("q1", "q3"):
        expected = f"{QUESTIONS[name].reference():.4g}"
        assert expected not in QUESTIONS[name].check(0.01).message
