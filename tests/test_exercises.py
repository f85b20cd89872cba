"""Every question of every chapter: the reference passes, ``____`` is *not attempted*, hints and the
solution render, and each chapter has the kinds of exercise the course asks for.

Each chapter's typical wrong answers are in ``tests/test_exercises_chNN.py``.
"""

import importlib

import pytest
from exercise_helpers import questions_of

from marl_course.book import load_manifest
from marl_course.exercises import ____

MODULES = [importlib.import_module(f"marl_course.exercises.ch{c.number:02d}") for c in load_manifest().chapters]
QUESTIONS = [(m, name, q) for m in MODULES for name, q in questions_of(m).items()]
IDS = [f"{m.__name__.rsplit('.', 1)[1]}.{name}" for m, name, _ in QUESTIONS]


@pytest.mark.parametrize("module, name, q", QUESTIONS, ids=IDS)
def test_reference_passes_and_placeholder_is_not_attempted(module, name, q):
    assert q.reference is not None, f"{module.__name__}.{name} has no reference answer"
    result = q.check(q.reference())
    assert result.status == "correct", result
    assert q.check(____).status == "not attempted"


@pytest.mark.parametrize("module, name, q", QUESTIONS, ids=IDS)
def test_hints_and_solution_render(module, name, q):
    assert "Hint 1" in str(q.hint())
    assert str(q.solution()).startswith("**Solution:**")


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_each_chapter_has_the_required_kinds_of_exercise(module):
    questions = questions_of(module)
    assert len(questions) >= 4
    kinds = {q.kind for q in questions.values()}
    assert {"pen-and-paper", "coding", "experiment"} <= kinds, kinds


# ---- every numeric answer goes through the checker's one coercion layer

import math  # noqa: E402
import re  # noqa: E402
from numbers import Real  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from exercise_helpers import number_forms, wrong_number_forms  # noqa: E402

from marl_course.exercises.checker import significant_tol  # noqa: E402


def _reference_kind(q):
    ref = q.reference()
    if callable(ref):
        return "function"
    if isinstance(ref, (Real, np.number)) and not isinstance(ref, bool):
        return "number"
    return "str" if isinstance(ref, str) else "other"


KINDS = {id(q): _reference_kind(q) for _, _, q in QUESTIONS}
NUMERIC = [p for p, i in zip(QUESTIONS, IDS) if KINDS[id(p[2])] == "number"]
NUMERIC_IDS = [i for p, i in zip(QUESTIONS, IDS) if KINDS[id(p[2])] == "number"]
FUNCTIONS = [p for p in QUESTIONS if KINDS[id(p[2])] == "function"]
FUNCTION_IDS = [i for p, i in zip(QUESTIONS, IDS) if KINDS[id(p[2])] == "function"]
CHOICES = [p for p in QUESTIONS if KINDS[id(p[2])] == "str"]
CHOICE_IDS = [i for p, i in zip(QUESTIONS, IDS) if KINDS[id(p[2])] == "str"]


@pytest.mark.parametrize("module, name, q", NUMERIC, ids=NUMERIC_IDS)
def test_a_right_number_passes_in_any_numeric_type(module, name, q):
    for label, answer in number_forms(q.reference()).items():
        assert q.check(answer).status == "correct", (label, q.check(answer))


@pytest.mark.parametrize("module, name, q", NUMERIC, ids=NUMERIC_IDS)
def test_malformed_numbers_are_incorrect_with_a_reason(module, name, q):
    for label, answer in wrong_number_forms(q.reference()).items():
        result = q.check(answer)
        assert result.status == "incorrect" and result.message, (label, result)


def _as_torch(f):
    return lambda *args: torch.as_tensor(np.asarray(f(*args)))


def _as_list(f):
    return lambda *args: np.asarray(f(*args)).tolist()


def _as_array(f):
    return lambda *args: np.asarray(f(*args))


@pytest.mark.parametrize("module, name, q", FUNCTIONS, ids=FUNCTION_IDS)
def test_a_right_function_passes_whatever_array_type_it_returns(module, name, q):
    reference = q.reference()
    for wrap in (_as_torch, _as_list, _as_array):
        assert q.check(wrap(reference)).status == "correct", (wrap.__name__, q.check(wrap(reference)))


@pytest.mark.parametrize("module, name, q", FUNCTIONS, ids=FUNCTION_IDS)
def test_a_function_returning_garbage_is_incorrect_with_a_reason(module, name, q):
    reference = q.reference()
    garbage = {
        "nan": lambda *args: np.full(np.shape(reference(*args)), np.nan),
        "inf": lambda *args: np.full(np.shape(reference(*args)), np.inf),
        "extra-axis": lambda *args: np.asarray(reference(*args), dtype=float)[None],
        "string": lambda *args: "oops",
        "none": lambda *args: None,
        "ragged": lambda *args: [[1.0], [1.0, 2.0]],
        "raises": lambda *args: 1 / 0,
    }
    for label, answer in garbage.items():
        result = q.check(answer)
        assert result.status == "incorrect" and result.message, (label, result)
    assert "function" in q.check(0.5).message  # a value, not a function


@pytest.mark.parametrize("module, name, q", CHOICES, ids=CHOICE_IDS)
def test_a_choice_is_a_string_and_case_does_not_matter(module, name, q):
    right = q.reference()
    assert q.check(f"  {right.upper()} ").status == "correct"
    assert q.check(np.str_(right)).status == "correct"
    for wrong in ([right], (right,), 0, None, np.array([right]), "not an option"):
        result = q.check(wrong)
        assert result.status == "incorrect" and result.message, (wrong, result)


# ---- hints point the way; only the solution gives it


def _normalise(code: str) -> str:
    return re.sub(r"\s+", "", code.split("#", 1)[0])


def _solution_code_lines(text: str) -> set[str]:
    """Every line of the solution's code (fenced blocks and `inline` spans), whitespace removed, with the
    ``return`` and the assignment's left side also stripped (so ``y = f(x)`` also matches ``f(x)``)."""
    blocks = re.findall(r"```(?:python)?\n(.*?)```", text, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    lines += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    found = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith(("def ", "from ", "import ")):
            continue
        forms = {line, re.sub(r"^return\s+", "", line)}
        assignment = re.match(r"^[\w\[\]\s,.]+?\s*(?:[+\-*/]?=)(?!=)\s*(.+)$", line)
        if assignment:
            forms.add(assignment.group(1))
        found |= {f for f in map(_normalise, forms) if len(f) >= 10}
    return found


def _worked_steps(text: str) -> set[str]:
    """The arithmetic the solution shows outside code: pieces between '=' signs with digits and an operator."""
    prose = re.sub(r"`[^`]*`", " ", re.sub(r"```.*?```", " ", text, flags=re.S))
    pieces = re.split(r"=|:|;|\bso\b|\bthen\b|\band\b|\. ", prose)
    return {p for p in (_normalise(x).strip(".,") for x in pieces)
            if len(p) >= 10 and re.search(r"\d", p) and re.search(r"[+*/^]|\d-\d", p)}


def _hint_values(hint: str):
    """The values of the arithmetic written in a hint, e.g. ``exp(0.5 * 2) / (exp(0.5) + 1)`` or
    ``-0.05 (1 + 0.9)`` (implicit products, ``^`` as a power)."""
    for match in re.finditer(r"(?:exp|log|sqrt|\d+(?:\.\d+)?|[-+*/^()\s])+", hint):
        expr = match.group().strip().rstrip(".,;")
        if len(re.findall(r"\d+(?:\.\d+)?", expr)) < 2 or not re.search(r"[-+*/^]", expr):
            continue
        expr = re.sub(r"(\d|\))\s*(\(|exp|log|sqrt)", r"\1*\2", expr.replace("^", "**"))
        while expr.count("(") > expr.count(")") and expr.startswith("("):
            expr = expr[1:]
        while expr.count(")") > expr.count("(") and expr.endswith(")"):
            expr = expr[:-1]
        try:
            yield float(eval(expr, {"__builtins__": {}}, {"exp": math.exp, "log": math.log, "sqrt": math.sqrt}))
        except Exception:  # not a complete expression
            continue


@pytest.mark.parametrize("module, name, q", QUESTIONS, ids=IDS)
def test_no_hint_gives_the_solution_away(module, name, q):
    solution = str(q.solution())
    assert q.hints, f"{module.__name__}.{name} has no hints"
    assert _normalise(q.hints[-1]) != _normalise(solution.removeprefix("**Solution:**"))
    code = _solution_code_lines(solution)
    steps = _worked_steps(solution)
    for n, hint in enumerate(q.hints, 1):
        flat = _normalise(hint)
        shown = sorted(line for line in code if line in flat)
        assert not shown, f"hint {n} shows the solution's code {shown}"
        worked = sorted(step for step in steps if step in flat)
        assert not worked, f"hint {n} shows the solution's worked arithmetic {worked}"
    ref = q.reference()
    # an experiment's hint may name a range to search; a worked question's hints must not show the answer
    if q.kind != "experiment" and isinstance(ref, (Real, np.number)) and float(ref) != round(float(ref)):
        tol = significant_tol(ref, 3)
        computed = [v for hint in q.hints for v in _hint_values(hint) if abs(v - float(ref)) <= tol]
        assert not computed, "a hint writes out the arithmetic that gives the answer"
        for text in (f"{float(ref):.3g}", f"{float(ref):.4g}", f"{float(ref):.4f}"):
            pattern = rf"(?<![\d.]){re.escape(text)}(?!\d)"
            assert not any(re.search(pattern, hint) for hint in q.hints), f"a hint shows the answer {text}"


def test_the_hint_check_catches_code_and_arithmetic():
    solution = "```python\ndef f(R, P, V, gamma):\n    return R + gamma * (P @ V)\n```"
    assert _normalise("The answer is one line: `R + gamma * (P @ V)`.") in "".join(
        _normalise(x) for x in ["The answer is one line: `R + gamma * (P @ V)`."])
    assert any(line in _normalise("`R + gamma * (P @ V)`") for line in _solution_code_lines(solution))
    assert any(abs(v - 0.48102) < 1e-4 for v in _hint_values(
        "alpha_i1 = exp(0.5 * 2) / (exp(0.5 * 1) + exp(0.5 * 2) + exp(0.5 * 0.5))."))
    assert any(abs(v + 0.1355) < 1e-9 for v in _hint_values("-0.05 (1 + 0.9 + 0.81)."))
    worked = _worked_steps("G_0 = -0.05 (1 + 0.9 + 0.81) = -0.1355.")
    assert any(step in _normalise("-0.05 (1 + 0.9 + 0.81).") for step in worked)
