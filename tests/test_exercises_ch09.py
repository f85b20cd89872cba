"""Chapter 9 exercises: typical wrong answers, and checks particular to its questions (the generic ones are in test_exercises.py)."""

import numpy as np
import torch

from exercise_helpers import answer_cases_test, wrong_answer_test
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


CASES = [
    ("q1", round(ch09.q1.reference(), 3), "correct", "3-digits"),
    ("q1", torch.tensor(ch09.q1.reference()), "correct", "torch-scalar"),
    ("q1", round(ch09.q1.reference(), 3) + 0.001, "incorrect", "neighbour"),
    ("q3", round(ch09.q3.reference(), 3), "correct", "3-digits"),
    ("q3", float(np.log(2)), "incorrect", "forgot-the-weight"),
    ("q3", float("nan"), "incorrect", "nan"),
    ("q4", float("inf"), "incorrect", "inf"),
    ("q4", torch.tensor(ch09.q4.reference()), "correct", "torch-scalar"),
]

test_answer_cases = answer_cases_test(ch09, CASES)


def _solution_function():
    """The function in Q2's worked solution, executed."""
    code = str(ch09.q2.solution()).split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {"np": np}
    exec(code, namespace)
    return namespace["k_nearest"]


def test_q2_solution_matches_the_package_on_integer_positions():
    k_nearest = _solution_function()
    rng = np.random.default_rng(2024)
    for _ in range(2000):
        n = int(rng.integers(2, 9))
        positions = rng.integers(0, 4, size=(n, 2))  # shared cells and equal distances are common
        k = int(rng.integers(0, n))
        assert np.array_equal(k_nearest(positions, k), k_nearest_adjacency(positions, k)), (positions, k)
    assert ch09.q2.check(k_nearest).status == "correct"


def test_q2_rejects_a_solution_that_drops_the_self_loop_on_a_shared_cell():
    def plain_argsort(positions, k):  # the old worked solution: agent i may sort after a cell-mate
        d = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
        C = np.zeros(d.shape, dtype=bool)
        np.put_along_axis(C, np.argsort(d, axis=1)[:, :k + 1], True, axis=1)
        return C
    assert ch09.q2.check(plain_argsort).status == "incorrect"
