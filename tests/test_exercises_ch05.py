"""Chapter 5 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, questions_of, wrong_answer_test
from marl_course.exercises import ch05

WRONG = {
    "q1": 23,  # the independent critic's input
    "q2": 0.1375 + 0.05,
    "q3": lambda agent_pos, landmark_pos: -np.linalg.norm(agent_pos - landmark_pos, axis=1),  # own landmark only
    "q4": -7.8,  # the default policy's return, not the undamped one
    "q5": "every agent's actor",
}


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
    for name, q in questions_of(ch05).items():
        expected = q.reference()
        if isinstance(expected, (int, float)):
            message = q.check(WRONG[name]).message
            assert f"{expected:.3f}" not in message and str(expected) not in message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch05, WRONG)


CASES = [
    ("q1", 69.0 if ch05.q1.reference() == 69 else float(ch05.q1.reference()), "correct", "whole-float"),
    ("q1", ch05.q1.reference() + 0.5, "incorrect", "truncation-bait"),
    ("q1", ch05.q1.reference() - 0.1, "incorrect", "truncation-bait-below"),
    ("q1", torch.tensor(ch05.q1.reference()), "correct", "torch-int"),
    ("q1", 3 * 18, "incorrect", "observations-only"),
    ("q2", round(ch05.q2.reference(), 3), "correct", "3-digits"),
    ("q2", 0.1 * (0.5 + 0.875 + 1.15625), "incorrect", "one-step-too-many"),
    ("q2", float("nan"), "incorrect", "nan"),
    ("q4", float("-inf"), "incorrect", "-inf"),
    ("q5", "ITS OWN ACTOR", "correct", "upper-case"),
    ("q5", ["its own actor"], "incorrect", "list"),
]

test_answer_cases = answer_cases_test(ch05, CASES)
