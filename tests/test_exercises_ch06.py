"""Chapter 6 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""


from exercise_helpers import wrong_answer_test
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
    assert "integer" in ch06.q5.check(2.0).message


def test_messages_do_not_reveal_the_answer():
    assert f"{ch06.q1.reference():.4g}" not in ch06.q1.check(0.0).message
    assert f"{ch06.q3.reference():.3f}" not in ch06.q3.check(0.0).message


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch06, WRONG)
