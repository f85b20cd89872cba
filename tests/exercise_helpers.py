"""Shared checks for the chapter exercise tests (imported by ``tests/test_exercises_chNN.py``)."""

import pytest

from marl_course.exercises import Question


def questions_of(module) -> dict[str, Question]:
    """A chapter module's questions by attribute name (``q1``, ``q2``, ...), in order."""
    found = {name: q for name, q in vars(module).items() if isinstance(q, Question) and name[:1] == "q"}
    return dict(sorted(found.items(), key=lambda kv: int(kv[0][1:])))


def wrong_answer_test(module, wrong: dict):
    """A parametrised test: each typical wrong answer in ``wrong`` (keyed ``q1`` or ``Q1``) is
    reported *incorrect* with a reason, and ``wrong`` covers every question of ``module``."""
    wrong = {key.lower(): answer for key, answer in wrong.items()}
    questions = questions_of(module)

    @pytest.mark.parametrize("name", list(questions))
    def test_wrong_answer_fails_with_a_reason(name):
        assert name in wrong, f"{module.__name__}.{name} has no typical wrong answer in the test's WRONG"
        result = questions[name].check(wrong[name])
        assert result.status == "incorrect" and result.message, result

    return test_wrong_answer_fails_with_a_reason
