"""Chapter 2 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""


from exercise_helpers import wrong_answer_test
from marl_course.exercises import ____, ch02

WRONG = {
    "q1": 0.5,
    "q2": 760 * 5,
    "q3": lambda Q_s: Q_s.max(),
    "q4": 0.0,
}


def test_messages_do_not_reveal_the_answer():
    expected = f"{ch02.q1.reference():.4f}"
    assert expected not in ch02.q1.check(0.1).message
    assert str(ch02.q2.reference()) not in ch02.q2.check(5).message


def test_a_stub_function_is_not_attempted():
    assert ch02.q3.check(lambda Q_s: ____).status == "not attempted"


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch02, WRONG)
