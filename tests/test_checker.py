"""The exercise checker: three outcomes, hints, solutions, progress, and grading helpers."""

import pytest

from marl_course.exercises import ____, Incorrect, Question, progress
from marl_course.exercises.checker import expect_array, expect_choice, expect_function, expect_number, expect_set


def _question():
    return Question("QX", "2 + 2?", lambda a: expect_number(a, 4, tol=1e-9), hints=["one", "two"],
                    solution=lambda: "it is 4", reference=lambda: 4)


def test_three_outcomes_and_progress():
    q = _question()
    assert q.check(____).status == "not attempted" and not q.check(____)
    wrong = q.check(5)
    assert wrong.status == "incorrect" and "too high" in wrong.message and "4" not in wrong.message
    assert q.check(4) and "| QX | pen-and-paper | solved |" in str(progress())


def test_hints_are_numbered_and_bounded():
    q = _question()
    assert "Hint 1" in str(q.hint()) and "hint(2)" in str(q.hint(1))
    assert "Hint 2" in str(q.hint(2))
    with pytest.raises(ValueError, match="n must be an integer from 1 to 2"):
        q.hint(3)
    assert "it is 4" in str(q.solution())


def test_results_render_as_html():
    assert "Correct" in _question().check(4)._repr_html_()


def test_expect_number_rejects_wrong_types():
    for bad in ("4", None, [4], True, float("nan")):
        with pytest.raises(Incorrect, match="answer should be"):
            expect_number(bad, 4, tol=0.1)


def test_expect_array_and_choice_and_set():
    with pytest.raises(Incorrect, match="shape"):
        expect_array([1, 2], [1, 2, 3], tol=1e-9)
    with pytest.raises(Incorrect, match="1 of 2 entries"):
        expect_array([1, 5], [1, 2], tol=1e-9)
    expect_choice("Zero-Sum ", "zero-sum", ["zero-sum", "general-sum"])
    with pytest.raises(Incorrect, match="one of"):
        expect_choice("cooperative", "zero-sum", ["zero-sum", "general-sum"])
    with pytest.raises(Incorrect, match="1 missing"):
        expect_set([(0, 1)], [(0, 1), (1, 0)])


def test_expect_function_catches_a_wrong_function_and_its_exceptions():
    def make(rng):
        return (rng.normal(size=3),)
    expect_function(lambda v: v * 2, lambda v: v * 2, make)
    with pytest.raises(Incorrect, match="different result"):
        expect_function(lambda v: v * 2 + (v[0] > 1), lambda v: v * 2, make, n_trials=50)
    with pytest.raises(Incorrect, match="raised ZeroDivisionError"):
        expect_function(lambda v: 1 / 0, lambda v: v, make)
    with pytest.raises(Incorrect, match="shape"):
        expect_function(lambda v: v[:2], lambda v: v, make)


def test_question_kind_is_validated():
    with pytest.raises(ValueError, match="kind must be"):
        Question("Q", "p", lambda a: None, kind="quiz")


def test_a_stub_function_returning_the_placeholder_is_not_attempted():
    q = Question("QF", "double it", lambda f: expect_function(f, lambda v: 2 * v, lambda rng: (rng.normal(size=2),)))

    def stub(v):
        return ____

    assert q.check(stub).status == "not attempted"
    assert q.check(lambda v: 2 * v).status == "correct"
