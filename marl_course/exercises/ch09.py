"""Chapter 9 exercises: DGN's relation kernel, the k-nearest graph, the KL regulariser, crowding.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch09
>>> ch09.q1.check(ch09.q1.reference()).status
'correct'
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from marl_course.deep.graph_attention import attention_kl, masked_softmax
from marl_course.envs.jungle import Jungle, k_nearest_adjacency
from marl_course.exercises.checker import Incorrect, Question, expect_function, expect_number

# ---- Q1: pen and paper, one attention weight

Q1_SCORES = np.array([1.0, 2.0, 0.5, 3.0])
"""``W_Q h_i . W_K h_j`` for j = 0..3; agent i is j = 0; agent 3 is not in i's neighbourhood."""
Q1_MASK = np.array([True, True, True, False])
Q1_TAU = 0.5


def _q1_alpha() -> float:
    alpha = masked_softmax(torch.as_tensor(Q1_TAU * Q1_SCORES), torch.as_tensor(Q1_MASK))
    return float(alpha[1])


def _grade_q1(answer):
    expect_number(answer, _q1_alpha(), digits=3, what="alpha_i1")


q1 = Question(
    "Q1",
    "Agent i (index 0) has neighbourhood B_{+i} = {0, 1, 2}. The dot products W_Q h_i . W_K h_j are "
    "`[1.0, 2.0, 0.5, 3.0]` for j = 0, 1, 2, 3 (agent 3 is **not** a neighbour) and tau = 0.5. "
    "What is the attention weight alpha_i1? (3 significant digits are enough.)",
    _grade_q1,
    hints=["Only j in B_{+i} enter the softmax: agent 3's large score does not count.",
           "Scale the scores of the agents in B_{+i} by tau, exponentiate them, and divide agent 1's term by "
           "the sum of those terms (the softmax restricted to the neighbourhood)."],
    solution=lambda: (f"alpha_i1 = e^1 / (e^0.5 + e^1 + e^0.25) = {_q1_alpha():.4f}; "
                      "`masked_softmax(tau * scores, mask)` computes it."),
    kind="pen-and-paper",
    reference=_q1_alpha,
)

# ---- Q2: coding, the k-nearest-neighbour graph


def _random_positions(rng: np.random.Generator):
    """Real positions, or (every other trial) integer cells of a small grid: shared cells and equal distances."""
    n = int(rng.integers(3, 8))
    if rng.random() < 0.5:
        return rng.uniform(0, 10, size=(n, 2)), int(rng.integers(0, n))
    return rng.integers(0, 3, size=(n, 2)), int(rng.integers(0, n))


def _grade_q2(answer):
    expect_function(answer, k_nearest_adjacency, _random_positions, n_trials=40, seed=9, tol=0,
                    what="k_nearest")


q2 = Question(
    "Q2",
    "Write `k_nearest(positions, k)`: given `positions` of shape (N, 2), return the (N, N) boolean adjacency "
    "C with `C[i, j] = True` when j == i or j is one of the k **other** agents closest to i (Euclidean "
    "distance; ties broken by the lower index). Agents may share a cell: i is always in its own row.",
    _grade_q2,
    hints=["All pairwise distances at once: broadcast an (N, 1, 2) view of the positions against a (1, N, 2) "
           "view, subtract, and take the norm over the last axis.",
           "Sorting each row puts the nearest agents first, but agent i is only guaranteed to come first if "
           "nobody else shares its cell (distance 0 too). Make the self-distance smaller than any other, and "
           "sort stably so that equal distances keep the lower index first; then keep k + 1 per row."],
    solution=(
        "```python\ndef k_nearest(positions, k):\n"
        "    d = np.linalg.norm(positions[:, None] - positions[None], axis=-1)\n"
        "    np.fill_diagonal(d, -1.0)  # agent i first, even when another agent shares its cell\n"
        "    order = np.argsort(d, axis=1, kind='stable')  # equal distances: the lower index first\n"
        "    C = np.zeros(d.shape, dtype=bool)\n"
        "    np.put_along_axis(C, order[:, :k + 1], True, axis=1)\n"
        "    return C\n```\n"
        "This is `marl_course.envs.jungle.k_nearest_adjacency` for one set of positions."),
    kind="coding",
    reference=lambda: k_nearest_adjacency,
)

# ---- Q3: pen and paper, the temporal relation regulariser

Q3_P = np.array([0.5, 0.5, 0.0])
"""Agent i's attention at time t over (itself, neighbour 1, neighbour 2)."""
Q3_Q = np.array([0.25, 0.5, 0.25])
"""The same agent's attention at time t + 1 (same adjacency C)."""


def _q3_kl() -> float:
    return float(attention_kl(torch.as_tensor(Q3_P), torch.as_tensor(Q3_Q)))


def _grade_q3(answer):
    expect_number(answer, _q3_kl(), digits=3, what="the KL divergence")


q3 = Question(
    "Q3",
    "At time t agent i attends `[0.5, 0.5, 0.0]` to (itself, neighbour 1, neighbour 2); at t + 1 it attends "
    "`[0.25, 0.5, 0.25]`. What is the regulariser's term D_KL(G(O_t) || G(O_{t+1})) (natural log; 3 significant digits are enough)?",
    _grade_q3,
    hints=["D_KL(p || q) = sum_j p_j log(p_j / q_j); a term with p_j = 0 contributes 0.",
           "Only j = 0 contributes a non-zero term here."],
    solution=lambda: f"0.5 log(0.5 / 0.25) + 0.5 log(0.5 / 0.5) + 0 = 0.5 log 2 = {_q3_kl():.4f}.",
    kind="pen-and-paper",
    reference=_q3_kl,
)

# ---- Q4: experiment, crowding grows with the number of agents


def crowded_fraction(n_agents: int, seed: int = 0, n_envs: int = 64) -> float:
    """The fraction of agent-steps spent sharing a cell under uniformly random actions in the default 10x10 jungle."""
    env = Jungle(n_envs=n_envs, n_agents=n_agents, k=1)  # the graph plays no part here
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    crowded, done = [], np.zeros(n_envs, dtype=bool)
    while not done.all():
        _, _, _, done, info = env.step(rng.integers(0, env.n_actions, size=(n_envs, n_agents)))
        pos = info["agent_pos"]  # (E, N, 2)
        same_cell = np.all(pos[:, :, None] == pos[:, None, :], axis=-1).sum(-1)  # (E, N), counts oneself
        crowded.append(same_cell > 1)
    return float(np.mean(crowded))


@lru_cache(maxsize=None)  # seeded: the same numbers every call
def _q4_checked_fraction(n_agents: int) -> float:
    return crowded_fraction(n_agents, seed=12345, n_envs=512)


def _grade_q4(answer):
    answer = expect_number(answer, _q4_checked_fraction(12), tol=0.03, what="the crowded fraction with 12 agents")
    if answer <= _q4_checked_fraction(6):
        raise Incorrect("with 12 agents the fraction should exceed the one with 6 agents")


q4 = Question(
    "Q4",
    "Experiment: run `crowded_fraction(n_agents, seed)` (uniformly random actions in the 10x10 jungle) with "
    "6 agents, then with 12. Report the fraction for **12** agents. Why does DGN's k-nearest graph stay the "
    "same size while crowding grows?",
    _grade_q4,
    hints=["`from marl_course.exercises.ch09 import crowded_fraction`; call it with n_agents=12.",
           "It is an estimate: any seed is fine, the checker allows a small sampling error."],
    solution=lambda: (f"About {crowded_fraction(12):.3f} (vs {crowded_fraction(6):.3f} with 6 agents). Each agent "
                      "still has k neighbours, so the cost per agent of DGN's convolution does not grow with N, "
                      "while the interactions it must model become denser."),
    kind="experiment",
    reference=lambda: crowded_fraction(12),
)
