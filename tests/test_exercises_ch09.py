"""Chapter 9 exercises: the reference passes, ____ is not attempted, a typical wrong answer fails."""

import numpy as np
import pytest

from marl_course.exercises import ____, ch09
from marl_course.envs.jungle import k_nearest_adjacency

QUESTIONS = [ch09.q1, ch09.q2, ch09.q3, ch09.q4]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_reference_passes(q):
    assert q.check(q.reference()).status == "correct"


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_placeholder_not_attempted(q):
    assert q.check(____).status == "not attempted"


def _k_nearest_without_self(positions, k):
    # a typical mistake: forgetting the agent itself in B_{+i}
    return k_nearest_adjacency(positions, k) & ~np.eye(len(positions), dtype=bool)


WRONG = {
    "Q1": float(np.exp(1.0) / (np.exp(0.5) + np.exp(1.0) + np.exp(0.25) + np.exp(1.5))),  # softmax over all agents
    "Q2": _k_nearest_without_self,
    "Q3": float(0.5 * np.log(0.25 / 0.5)),  # D_KL(q || p) direction mixed up and sign flipped
    "Q4": ch09.crowded_fraction(6),  # the 6-agent answer
}


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_wrong_answer_incorrect(q):
    result = q.check(WRONG[q.name])
    assert result.status == "incorrect" and result.message


def test_solutions_render():
    for q in QUESTIONS:
        assert str(q.solution()) and str(q.hint())
