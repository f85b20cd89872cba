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


# ---- the one coercion layer: coerce -> finite -> shape / type -> compare

import numpy as np  # noqa: E402
import torch  # noqa: E402

from marl_course.exercises.checker import (  # noqa: E402
    as_number, as_numeric_array, as_whole_number, expect_choices, expect_integer, significant_tol)


@pytest.mark.parametrize("good", [0.5, np.float64(0.5), np.float32(0.5), np.array(0.5), torch.tensor(0.5),
                                  torch.tensor(0.5, dtype=torch.float64, requires_grad=True)],
                         ids=["float", "np-float64", "np-float32", "0d-array", "torch", "torch-grad"])
def test_as_number_accepts_every_real_scalar(good):
    assert as_number(good) == 0.5


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float64("-inf"), torch.tensor(float("nan")), "0.5",
                                 b"0.5", None, True, np.bool_(True), torch.tensor(True), [0.5], np.array([0.5]),
                                 torch.tensor([0.5]), complex(0.5, 1), np.complex128(0.5), {"x": 0.5}, 10 ** 400])
def test_as_number_rejects_everything_else_with_a_reason(bad):
    with pytest.raises(Incorrect, match="answer should be"):
        as_number(bad)


def test_as_whole_number_does_not_truncate():
    assert as_whole_number(3.0) == 3 and as_whole_number(np.int64(3)) == 3 and as_whole_number(torch.tensor(3)) == 3
    for bad in (3.5, 2.9999, np.float32(0.5)):
        with pytest.raises(Incorrect, match="whole number"):
            as_whole_number(bad)
    with pytest.raises(Incorrect, match="too high"):
        expect_integer(4.0, 3)


def test_as_numeric_array_coerces_checks_finite_then_shape():
    assert as_numeric_array(torch.tensor([1.0, 2.0], requires_grad=True)).tolist() == [1.0, 2.0]
    assert as_numeric_array([torch.tensor(1.0), np.float64(2.0), 3]).tolist() == [1.0, 2.0, 3.0]
    assert as_numeric_array(np.array([True, False]), allow_bool=True).tolist() == [1.0, 0.0]
    assert as_numeric_array([[1, 2]], shape=(None, 2)).shape == (1, 2)
    for bad, reason in [([1, np.nan], "NaN"), ([[1], [1, 2]], "equal length"), (["1", "2"], "strings"),
                        ([True, False], "True/False"), ([None, 1], "got None"), ("12", "string"),
                        ([1, 2, 3], "shape")]:
        with pytest.raises(Incorrect, match=reason):
            as_numeric_array(bad, shape=(2,))


def test_significant_tol_accepts_rounding_to_three_digits_only():
    for value in (0.5918367, -14.634146, 0.1355, 1.1345926, 361.0, 0.001234):
        tol = significant_tol(value, 3)
        assert abs(float(f"{value:.3g}") - value) <= tol
        assert abs(float(f"{value:.3g}") + 10 ** (np.floor(np.log10(abs(value))) - 2) - value) > tol
    expect_number(0.592, 0.5918367, digits=3)
    with pytest.raises(Incorrect, match="3 significant digits"):
        expect_number(0.591, 0.5918367, digits=3)
    with pytest.raises(ValueError, match="exactly one"):
        expect_number(1, 1, tol=0.1, digits=3)


def test_expect_set_rejects_truncation_bait_and_accepts_arrays():
    expect_set(np.array([[0, 1], [1, 0]]), [(0, 1), (1, 0)])
    expect_set({(1, 0), (0, 1)}, [(0, 1), (1, 0)])
    with pytest.raises(Incorrect, match="whole numbers"):
        expect_set([(0.5, 1), (1, 0)], [(0, 1), (1, 0)])
    with pytest.raises(Incorrect, match="a single one still goes in a list"):
        expect_set((0, 1), [(0, 1)])


def test_expect_choices_never_crashes_on_malformed_nesting():
    options = ["sum", "max", "product"]
    expect_choices(["MAX", "sum"], ["sum", "max"], options)
    for bad in ([["sum"]], "sum", None, [None], [1], {"sum": 1}, np.array(["sum"])):
        with pytest.raises(Incorrect):
            expect_choices(bad, ["sum"], options)


def test_expect_function_accepts_tensor_outputs_and_rejects_nan():
    def make(rng):
        return (rng.normal(size=3),)
    expect_function(lambda v: torch.as_tensor(v * 2), lambda v: v * 2, make)
    with pytest.raises(Incorrect, match="NaN"):
        expect_function(lambda v: v * np.nan, lambda v: v * 2, make)
