"""The exercise checker: ``q.check(answer)``, ``q.hint()``, ``q.solution()``.

A chapter's exercise module builds one :class:`Question` per exercise. The learner's starter
cell holds the placeholder ``____``; checking it reports *not attempted*. A wrong answer gets a
specific reason that never reveals the expected value; only :meth:`Question.solution` shows it.

The ``grade`` function of a question receives the learner's answer and either returns ``None``
(correct) or raises :class:`Incorrect` with the reason. Expected values are computed inside
``grade`` by ``marl_course`` itself, never typed in.

Examples
--------
>>> from marl_course.exercises.checker import Question, Incorrect, ____, expect_number
>>> def grade(answer):
...     expect_number(answer, expected=2 + 2, tol=1e-9, what="the sum")
>>> q = Question("q1", "What is 2 + 2?", grade, hints=["Count."], solution="`4`")
>>> q.check(____).status
'not attempted'
>>> q.check(5).status
'incorrect'
>>> q.check(4).status
'correct'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np


class _Placeholder:
    """The ``____`` of a starter cell: an answer not written yet."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"


____ = _Placeholder()


class Incorrect(Exception):
    """Raised by a question's grader: the message is the specific reason shown to the learner."""


class NotAttempted(Exception):
    """Raised by a grader that finds the placeholder inside the answer (a stub returning ``____``)."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :meth:`Question.check`: ``status`` is correct / incorrect / not attempted."""

    question: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        title = {"correct": "Correct", "incorrect": "Incorrect", "not attempted": "Not attempted"}[self.status]
        return f"{self.question} {title}" + (f": {self.message}" if self.message else "")

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {"correct": "#2e7d32", "incorrect": "#c62828", "not attempted": "#6d6d6d"}[self.status]
        return f'<div style="color:{colour};font-weight:600">{html.escape(str(self))}</div>'


@dataclass(frozen=True)
class Text:
    """A hint or solution: Markdown shown in a notebook, plain text elsewhere."""

    markdown: str

    def __str__(self) -> str:
        return self.markdown

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        return self.markdown


# Every question created in this kernel, in order; `progress()` reads it.
_REGISTRY: list[Question] = []


class Question:
    """One checked exercise.

    Parameters
    ----------
    name : str
        Shown in messages, e.g. ``"Q1"``.
    prompt : str
        What is asked (Markdown); the notebook shows it above the starter cell.
    grade : callable
        ``grade(answer) -> None``; raises :class:`Incorrect` with the reason when wrong, or
        :class:`NotAttempted` when the answer is a stub that still returns ``____``.
    hints : list of str
        Progressive hints; ``hint(1)`` is the gentlest.
    solution : str or callable
        The worked solution (Markdown); a callable is evaluated when asked, so the expected
        value it prints is computed by the package.
    kind : str
        "pen-and-paper", "coding" or "experiment".
    reference : callable, optional
        ``reference() -> answer``: the reference answer (a value or a function), computed by the
        package when called. The tests submit it and expect *correct*; the notebook's
        solution-mode run uses it too.
    """

    def __init__(self, name, prompt, grade, hints=(), solution="", kind="pen-and-paper", reference=None):
        if kind not in {"pen-and-paper", "coding", "experiment"}:
            raise ValueError(f"kind must be 'pen-and-paper', 'coding' or 'experiment', got {kind!r}")
        self.name, self.prompt, self.grade = name, prompt, grade
        self.hints, self.solution_text, self.kind, self.reference = list(hints), solution, kind, reference
        self.attempted = self.solved = False
        _REGISTRY.append(self)

    def check(self, answer=____) -> CheckResult:
        """Check ``answer``: correct, incorrect with a reason, or not attempted (``____``)."""
        if answer is ____:
            return CheckResult(self.name, "not attempted", "replace ____ with your answer, then run the cell again")
        self.attempted = True
        try:
            self.grade(answer)
        except NotAttempted:
            self.attempted = False
            return CheckResult(self.name, "not attempted", "your function still returns ____; write its body")
        except Incorrect as reason:
            return CheckResult(self.name, "incorrect", str(reason))
        self.solved = True
        return CheckResult(self.name, "correct", "")

    def hint(self, n: int = 1) -> Text:
        """The ``n``-th hint (1-based)."""
        if not self.hints:
            return Text("No hint for this one: re-read the section above the exercise.")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(self.hints):
            raise ValueError(f"n must be an integer from 1 to {len(self.hints)}, got {n!r}")
        more = f"\n\n*(hint {n} of {len(self.hints)}; `hint({n + 1})` for the next)*" if n < len(self.hints) else ""
        return Text(f"**Hint {n}:** {self.hints[n - 1]}{more}")

    def solution(self) -> Text:
        """The worked solution, with the expected answer computed by the package."""
        text = self.solution_text() if callable(self.solution_text) else self.solution_text
        return Text(f"**Solution:** {text}")


def progress() -> Text:
    """Which exercises of this kernel are solved, attempted or untouched (a Markdown table)."""
    rows = ["| exercise | kind | status |", "|---|---|---|"]
    for q in _REGISTRY:
        status = "solved" if q.solved else ("attempted" if q.attempted else "not attempted")
        rows.append(f"| {q.name} | {q.kind} | {status} |")
    return Text("\n".join(rows))


# ---- the one coercion layer every numeric check goes through -----------------------------------
#
# coerce (python numbers, numpy scalars, 0-d arrays, 0-d tensors by duck typing: ``.item()``,
# ``.detach()``, ``.numpy()``) -> check finite -> check shape / type -> compare. Each step raises
# Incorrect with a reason; nothing here imports torch.


def _kind(x) -> str:
    return "a string" if isinstance(x, (str, bytes)) else ("None" if x is None else type(x).__name__)


def _coerce_real(answer, what: str) -> float:
    """One real number from a python number, numpy scalar, 0-d array or 0-d tensor (no finiteness check)."""
    if answer is ____:
        raise Incorrect(f"{what} still contains ____; replace it with a number")
    if isinstance(answer, (bool, np.bool_)):
        raise Incorrect(f"answer should be a number, got {answer!r} (a bool)")
    if isinstance(answer, (str, bytes)):
        raise Incorrect(f"answer should be a number, not a string: write 0.5, not '0.5' (got {answer!r})")
    if isinstance(answer, (Real, np.integer, np.floating)):
        value = answer
    elif hasattr(answer, "shape") and callable(getattr(answer, "item", None)):
        shape = tuple(answer.shape)
        if shape != ():
            raise Incorrect(f"answer should be a single number, got an array of shape {shape}")
        value = answer.item()
        if isinstance(value, bool) or not isinstance(value, Real):
            raise Incorrect(f"answer should be a real number, got a 0-d array holding {_kind(value)}")
    else:
        raise Incorrect(f"answer should be a single number (int or float), got {_kind(answer)}")
    try:
        return float(value)
    except OverflowError:
        raise Incorrect("answer should be a finite number, got one too large for a float") from None


def as_number(answer, what: str = "your answer") -> float:
    """``answer`` as a finite float, or :class:`Incorrect` saying why it is not one."""
    value = _coerce_real(answer, what)
    if not np.isfinite(value):
        raise Incorrect(f"answer should be a finite number, got {value}")
    return value


def as_whole_number(answer, what: str = "your answer") -> int:
    """``answer`` as an int: a finite number with no fractional part (``2.0`` passes, ``2.5`` does not)."""
    value = as_number(answer, what)
    if value != round(value):
        raise Incorrect(f"answer should be a whole number (an integer), got {value:g}")
    return int(round(value))


def as_numeric_array(answer, what: str = "your answer", shape: tuple | None = None,
                     allow_bool: bool = False) -> np.ndarray:
    """``answer`` as a finite float array (lists, tuples, numpy arrays, tensors by duck typing).

    ``shape`` may use ``None`` for a free axis; ``allow_bool`` accepts a boolean array (0/1).
    """
    if answer is ____:
        raise Incorrect(f"{what} is still ____")
    if isinstance(answer, (str, bytes)) or answer is None or isinstance(answer, dict):
        raise Incorrect(f"answer should be a list or array of numbers, got {_kind(answer)}")
    for step in ("detach", "cpu", "numpy"):  # a tensor, without importing torch
        method = getattr(answer, step, None)
        if callable(method) and not isinstance(answer, np.ndarray):
            answer = method()
    if isinstance(answer, (set, frozenset)):
        answer = list(answer)
    try:
        array = np.asarray(answer)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be a list or array of numbers with rows of equal length") from None
    if array.dtype == object:  # e.g. a list of tensors or of mixed things: each entry on its own
        flat = [_coerce_real(x, what) if not isinstance(x, (bool, np.bool_)) or not allow_bool else float(x)
                for x in array.ravel()]
        array = np.array(flat, dtype=float).reshape(array.shape)
    elif array.dtype.kind == "b" and not allow_bool:
        raise Incorrect(f"{what} should hold numbers, not True/False")
    elif array.dtype.kind in "US":
        raise Incorrect(f"{what} should hold numbers, not strings")
    elif array.dtype.kind not in "biuf":
        raise Incorrect(f"{what} should hold real numbers, got dtype {array.dtype}")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise Incorrect(f"{what} contains NaN or inf")
    if shape is not None and (array.ndim != len(shape)
                              or any(s is not None and s != a for s, a in zip(shape, array.shape))):
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise Incorrect(f"{what} should have shape {want}, got {array.shape}")
    return array


def significant_tol(expected: float, digits: int = 3) -> float:
    """Half a unit in the ``digits``-th significant digit of ``expected``: rounding to that many passes."""
    expected = abs(float(expected))
    if expected == 0:
        return 0.5 * 10.0 ** (-digits)
    return 0.5 * 10.0 ** (np.floor(np.log10(expected)) - digits + 1) * (1 + 1e-9)


# ---- helpers for graders: each raises Incorrect with a reason that does not reveal the answer


def expect_number(answer, expected: float, tol: float | None = None, what: str = "your answer", *,
                  digits: int | None = None) -> float:
    """Grade a single number against ``expected``: within absolute ``tol``, or correct to ``digits``
    significant digits (the answer rounded to that many digits passes). Returns the answer as a float."""
    if (tol is None) == (digits is None):
        raise ValueError("give exactly one of tol and digits")
    value = as_number(answer, what)
    tol = significant_tol(expected, digits) if digits is not None else tol
    if abs(value - float(expected)) > tol:
        direction = "too high" if value > expected else "too low"
        precision = f"to {digits} significant digits" if digits is not None else f"tolerance {tol:g}"
        raise Incorrect(f"{what} is {direction} ({precision})")
    return value


def expect_integer(answer, expected: int, what: str = "your answer", reason: str | None = None) -> int:
    """Grade a whole number exactly (``2.0`` counts as 2; ``2.5`` is not a whole number)."""
    value = as_whole_number(answer, what)
    if value != int(expected):
        raise Incorrect(reason or f"{what} is {'too high' if value > expected else 'too low'}")
    return value


def expect_array(answer, expected, tol: float, what: str = "your answer") -> np.ndarray:
    """Grade an array against ``expected`` (same shape, entries within ``tol``)."""
    expected = np.asarray(expected, dtype=float)
    array = as_numeric_array(answer, what, shape=expected.shape)
    wrong = np.abs(array - expected) > tol
    if wrong.any():
        n_wrong = int(wrong.sum())
        raise Incorrect(f"{n_wrong} of {array.size} entries of {what} are off (tolerance {tol:g})")
    return array


def expect_choice(answer, expected, options: Sequence, what: str = "your answer") -> None:
    """Grade one choice among ``options`` (strings, compared case-insensitively)."""
    if not isinstance(answer, str):
        raise Incorrect(f"answer should be one of {list(options)} (a string), got {_kind(answer)}")
    norm = answer.strip().lower()
    if norm not in [o.strip().lower() for o in options]:
        raise Incorrect(f"answer should be one of {list(options)}, got {answer!r}")
    if norm != expected.strip().lower():
        raise Incorrect(f"{what} is not the right choice; re-read the definition and try again")


def _report_set(missing: int, extra: int, what: str) -> None:
    if missing or extra:
        parts = ([f"{missing} missing"] if missing else []) + ([f"{extra} that should not be there"] if extra else [])
        raise Incorrect(f"{what}: " + ", ".join(parts))


def expect_choices(answer, expected, options: Sequence[str], what: str = "your answer") -> None:
    """Grade a collection of names from ``options`` whose order does not matter (e.g. ``['sum', 'max']``)."""
    example = f"e.g. [{options[0]!r}]"
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple, set, frozenset)):
        raise Incorrect(f"answer should be a list of names, {example}, got {_kind(answer)}")
    not_names = [a for a in answer if not isinstance(a, str)]
    if not_names:
        raise Incorrect(f"every entry should be a name (a string), {example}; got {_kind(not_names[0])} "
                        f"{not_names[0]!r}")
    known = {o.strip().lower() for o in options}
    got = {a.strip().lower() for a in answer}
    unknown = sorted(got - known)
    if unknown:
        raise Incorrect(f"unknown names {unknown}; choose from {sorted(options)}")
    want = {e.strip().lower() for e in expected}
    _report_set(len(want - got), len(got - want), what)


def expect_set(answer, expected, what: str = "your answer", width: int | None = None) -> None:
    """Grade a collection of integer tuples whose order does not matter (e.g. a list of action profiles).

    Each entry must be ``width`` whole numbers (``(0.5, 1, 1)`` is not truncated to ``(0, 1, 1)``);
    lists, tuples, sets and 2-D arrays are accepted.
    """
    want = {tuple(int(a) for a in np.atleast_1d(x)) for x in expected}
    width = width if width is not None else (len(next(iter(want))) if want else None)
    if isinstance(answer, (set, frozenset)):
        answer = list(answer)
    if isinstance(answer, (list, tuple)) and len(answer) == 0:
        array = np.zeros((0, width or 0))
    elif isinstance(answer, (list, tuple)) or hasattr(answer, "shape"):
        array = as_numeric_array(answer, what)
    else:
        raise Incorrect(f"answer should be a list of tuples, got {_kind(answer)}")
    if array.ndim != 2:
        raise Incorrect(f"{what} should be a list of tuples (a single one still goes in a list, [(...)]), "
                        f"got {array.ndim} level(s) of nesting")
    if width is not None and array.shape[1] != width:
        raise Incorrect(f"each entry of {what} should hold {width} numbers, got {array.shape[1]}")
    if np.any(array != np.round(array)):
        raise Incorrect(f"{what} should hold whole numbers (indices), found a fraction")
    got = {tuple(int(a) for a in row) for row in array}
    _report_set(len(want - got), len(got - want), what)


def expect_function(answer, reference: Callable, make_inputs: Callable[[np.random.Generator], tuple],
                    n_trials: int = 20, seed: int = 0, tol: float = 1e-8, what: str = "your function") -> None:
    """Grade a learner's function against ``reference`` on seeded random inputs.

    ``make_inputs(rng)`` returns the positional arguments of one trial. The first trial whose
    outputs differ is reported by its inputs' shapes, not by the expected output. The outputs go
    through the same coercion as every other answer (tensors, arrays, numbers; booleans count as 0/1).
    """
    if not callable(answer):
        raise Incorrect(f"answer should be a function, got {_kind(answer)}")
    rng = np.random.default_rng(seed)
    for trial in range(n_trials):
        args = make_inputs(rng)
        want = reference(*args)
        copies = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args)
        try:
            got = answer(*copies)
        except Exception as exc:  # the learner's code failing is an answer, not a crash
            raise Incorrect(f"{what} raised {type(exc).__name__}: {exc} (trial {trial + 1})") from None
        if got is ____:
            raise NotAttempted
        want_arr = np.asarray(want, dtype=float)
        got_arr = as_numeric_array(got, f"what {what} returned (trial {trial + 1})", allow_bool=True)
        if got_arr.shape != want_arr.shape:
            raise Incorrect(f"{what} returned shape {got_arr.shape}, expected shape {want_arr.shape} (trial {trial + 1})")
        if not np.allclose(got_arr, want_arr, atol=tol, rtol=0):
            shapes = ", ".join(str(np.shape(a)) for a in args)
            raise Incorrect(f"{what} gives a different result on trial {trial + 1} (input shapes {shapes})")
