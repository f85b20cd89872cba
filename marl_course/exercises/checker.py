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


# ---- helpers for graders: each raises Incorrect with a reason that does not reveal the answer


def expect_number(answer, expected: float, tol: float, what: str = "your answer") -> None:
    """Grade a single number against ``expected`` within absolute tolerance ``tol``."""
    if isinstance(answer, bool) or not isinstance(answer, (Real, np.floating, np.integer)):
        raise Incorrect(f"answer should be a number (int or float), got {type(answer).__name__}")
    if not np.isfinite(answer):
        raise Incorrect(f"answer should be a finite number, got {answer}")
    if abs(float(answer) - float(expected)) > tol:
        direction = "too high" if answer > expected else "too low"
        raise Incorrect(f"{what} is {direction} (tolerance {tol:g})")


def expect_array(answer, expected, tol: float, what: str = "your answer") -> np.ndarray:
    """Grade an array against ``expected`` (same shape, entries within ``tol``)."""
    try:
        array = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"answer should be a list or array of numbers, got {type(answer).__name__}") from None
    expected = np.asarray(expected, dtype=float)
    if array.shape != expected.shape:
        raise Incorrect(f"{what} should have shape {expected.shape}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise Incorrect(f"{what} contains NaN or inf")
    wrong = np.abs(array - expected) > tol
    if wrong.any():
        n_wrong = int(wrong.sum())
        raise Incorrect(f"{n_wrong} of {array.size} entries of {what} are off (tolerance {tol:g})")
    return array


def expect_choice(answer, expected, options: Sequence, what: str = "your answer") -> None:
    """Grade one choice among ``options`` (compared case-insensitively for strings)."""
    def norm(x):
        return x.strip().lower() if isinstance(x, str) else x
    if norm(answer) not in [norm(o) for o in options]:
        raise Incorrect(f"answer should be one of {list(options)}, got {answer!r}")
    if norm(answer) != norm(expected):
        raise Incorrect(f"{what} is not the right choice; re-read the definition and try again")


def expect_set(answer, expected, what: str = "your answer") -> None:
    """Grade a collection whose order does not matter (e.g. a list of action profiles)."""
    try:
        got = {tuple(np.atleast_1d(x).tolist()) if not isinstance(x, (int, str)) else x for x in answer}
    except TypeError:
        raise Incorrect(f"answer should be a list, got {type(answer).__name__}") from None
    want = {tuple(np.atleast_1d(x).tolist()) if not isinstance(x, (int, str)) else x for x in expected}
    missing, extra = want - got, got - want
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing")
        if extra:
            parts.append(f"{len(extra)} that should not be there")
        raise Incorrect(f"{what}: " + ", ".join(parts))


def expect_function(answer, reference: Callable, make_inputs: Callable[[np.random.Generator], tuple],
                    n_trials: int = 20, seed: int = 0, tol: float = 1e-8, what: str = "your function") -> None:
    """Grade a learner's function against ``reference`` on seeded random inputs.

    ``make_inputs(rng)`` returns the positional arguments of one trial. The first trial whose
    outputs differ is reported by its inputs' shapes, not by the expected output.
    """
    if not callable(answer):
        raise Incorrect(f"answer should be a function, got {type(answer).__name__}")
    rng = np.random.default_rng(seed)
    for trial in range(n_trials):
        args = make_inputs(rng)
        want = reference(*args)
        try:
            got = answer(*args)
        except Exception as exc:  # the learner's code failing is an answer, not a crash
            raise Incorrect(f"{what} raised {type(exc).__name__}: {exc} (trial {trial + 1})") from None
        if got is ____:
            raise NotAttempted
        try:
            got_arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"{what} should return numbers, returned {type(got).__name__}") from None
        want_arr = np.asarray(want, dtype=float)
        if got_arr.shape != want_arr.shape:
            raise Incorrect(f"{what} returned shape {got_arr.shape}, expected shape {want_arr.shape} (trial {trial + 1})")
        if not np.allclose(got_arr, want_arr, atol=tol, rtol=0):
            shapes = ", ".join(str(np.shape(a)) for a in args)
            raise Incorrect(f"{what} gives a different result on trial {trial + 1} (input shapes {shapes})")
