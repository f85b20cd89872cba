"""Chapter 9 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np

from exercise_helpers import wrong_answer_test
from marl_course.exercises import ch09
from marl_course.envs.jungle import k_nearest_adjacency


def _k_nearest_without_self(positions, k):
    # a typical mistake: forgetting the agent itself in B_{+i}
    return k_nearest_adjacency(positions, k) & ~np.eye(len(positions), dtype=bool)


WRONG = {
    "Q1": float(np.exp(1.0) / (np.exp(0.5) + np.exp(1.0) + np.exp(0.25) + np.exp(1.5))),  # softmax over all agents
    "Q2": _k_nearest_without_self,
    "Q3": float(0.5 * np.log(0.25 / 0.5)),  # D_KL(q || p) direction mixed up and sign flipped
    "Q4": ch09.crowded_fraction(6),  # the 6-agent answer
}


test_wrong_answers_fail_with_a_reason = wrong_answer_test(ch09, WRONG)
