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
