"""Every chapter 5 question: the reference passes, ____ is 'not attempted', a wrong answer fails."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch05

WRONG = {
    "q1": 23,  # the independent critic's input
    "q2": 0.1375 + 0.05,
    "q3": lambda agent_pos, landmark_pos: -np.linalg.norm(agent_pos - landmark_pos, axis=1),  # own landmark only
    "q4": -7.8,  # the default policy's return, not the undamped one
    "q5": "every agent's actor",
}
QUESTIONS = {name: getattr(ch05, name) for name in WRONG}


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


def test_collision_free_reward_is_not_enough_for_q3():
    """A reward without the collision term must fail: the random inputs put agents close together."""
    def coverage_only(agent_pos, landmark_pos):
        dist = np.linalg.norm(agent_pos[:, None] - landmark_pos[None], axis=-1)
        return np.full(len(agent_pos), -0.5 * dist.min(axis=0).sum())
    assert ch05.q3.check(coverage_only).status == "incorrect"


def test_wrong_type_is_reported_not_raised():
    assert "number" in ch05.q1.check("69").message
    assert "function" in ch05.q3.check(3).message


def test_messages_do_not_reveal_the_answer():
    for name, q in QUESTIONS.items():
        expected = q.reference()
        if isinstance(expected, (int, float)):
            message = q.check(WRONG[name]).message
            assert f"{expected:.3f}" not in message and str(expected) not in message
