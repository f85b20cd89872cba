"""Chapter 10 exercises: G2ANet's two-stage attention, REINFORCE returns, searching without talking,
GA-AC's counterfactual advantage.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch10
>>> ch10.q1.check(ch10.q1.reference()).status
'correct'
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from marl_course.deep.g2anet import discounted_returns, two_stage_weights
from marl_course.deep.g2anet_ac import counterfactual_advantage
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.exercises.checker import Incorrect, Question, as_number, expect_function, expect_number

# ---- Q1: pen and paper, the message x_i

Q1_HARD = np.array([0.0, 1.0, 0.0, 1.0])
"""Agent 0's hard edges W_h^{0j} to j = 0..3 (the self entry is ignored)."""
Q1_SCORES = np.array([0.0, 1.0, 2.0, 0.0])
"""Agent 0's soft-attention scores q_0 . k_j / sqrt(d) for j = 0..3."""
Q1_H = np.array([5.0, 2.0, 4.0, -1.0])
"""The (one-dimensional) features h_j."""


def _q1_message() -> float:
    n = len(Q1_HARD)
    hard = torch.zeros(n, n)
    hard[0] = torch.as_tensor(Q1_HARD)
    scores = torch.zeros(n, n)
    scores[0] = torch.as_tensor(Q1_SCORES)
    weights = two_stage_weights(hard, scores)
    return float(weights[0] @ torch.as_tensor(Q1_H, dtype=torch.float32))


def _grade_q1(answer):
    expect_number(answer, _q1_message(), digits=3, what="x_0")


q1 = Question(
    "Q1",
    "Agent 0 has hard edges W_h^{0j} = `[-, 1, 0, 1]` to agents j = 1, 2, 3, soft scores q_0 . k_j / sqrt(d) = "
    "`[-, 1.0, 2.0, 0.0]`, and the others' features are h_1 = 2, h_2 = 4, h_3 = -1. With "
    "W_s^{0j} ∝ exp(score_0j W_h^{0j}) over j != 0, what is the message x_0 = sum_j W_h^{0j} W_s^{0j} h_j? "
    "(3 significant digits are enough.)",
    _grade_q1,
    hints=["Agent 2's edge is cut: its logit becomes 2.0 * 0 = 0, it still counts in the softmax's denominator, "
           "but W_h = 0 removes it from the sum.",
           "First the logits: multiply each score by its hard edge. Take the softmax of those three logits, "
           "then sum W_h W_s h over j = 1, 2, 3, keeping only the agents whose edge is not cut."],
    solution=lambda: (f"W_s = (e, 1, 1) / (e + 2); x_0 = (2e - 1) / (e + 2) = {_q1_message():.4f}. "
                      "`two_stage_weights(hard, scores) @ h` computes it."),
    kind="pen-and-paper",
    reference=_q1_message,
)

# ---- Q2: coding, the two-stage weights


def _reference_weights(hard, scores):
    return two_stage_weights(torch.as_tensor(hard, dtype=torch.float64), torch.as_tensor(scores)).numpy()


def _random_graph(rng: np.random.Generator):
    n = int(rng.integers(2, 7))
    hard = (rng.random((n, n)) < 0.5).astype(float)
    np.fill_diagonal(hard, 0.0)
    return hard, rng.normal(size=(n, n))


def _grade_q2(answer):
    expect_function(answer, _reference_weights, _random_graph, n_trials=25, seed=10, tol=1e-8,
                    what="two_stage_weights")


q2 = Question(
    "Q2",
    "Write `two_stage_weights(hard, scores)` in numpy: given `hard` (N, N) in {0, 1} with a zero diagonal and "
    "`scores` (N, N), return the (N, N) matrix W_h^{ij} W_s^{ij}, where for each i, "
    "W_s^{ij} = exp(scores[i, j] hard[i, j]) / sum_{k != i} exp(scores[i, k] hard[i, k]) over j != i "
    "(and 0 on the diagonal).",
    _grade_q2,
    hints=["The logits are the scores with cut edges zeroed (an elementwise product). The softmax runs over "
           "j != i, so the diagonal must contribute nothing to a row's sum; subtracting each row's maximum "
           "before exponentiating keeps it stable.",
           "Cut edges still count in the softmax's denominator (their logit is 0, not minus infinity); they only "
           "drop out of the result, through the factor W_h."],
    solution=(
        "```python\ndef two_stage_weights(hard, scores):\n"
        "    z = scores * hard\n"
        "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
        "    np.fill_diagonal(e, 0.0)\n"
        "    return hard * e / e.sum(axis=1, keepdims=True)\n```"),
    kind="coding",
    reference=lambda: _reference_weights,
)

# ---- Q3: pen and paper, a REINFORCE return

Q3_REWARDS = np.array([-0.05, -0.05, -0.05, 0.0, 0.0])
"""One predator's rewards: three steps searching, then on the prey."""
Q3_GAMMA = 0.9


def _q3_return() -> float:
    return float(discounted_returns(torch.as_tensor(Q3_REWARDS), Q3_GAMMA)[0])


def _grade_q3(answer):
    expect_number(answer, _q3_return(), digits=3, what="G_0")


q3 = Question(
    "Q3",
    "A predator receives rewards `[-0.05, -0.05, -0.05, 0, 0]` (three steps of searching, then it sits on the prey). "
    "With gamma = 0.9, what is the return G_0 that REINFORCE multiplies into log pi(a_0)? "
    "(3 significant digits are enough.)",
    _grade_q3,
    hints=["G_0 = r_0 + gamma r_1 + gamma^2 r_2 + ...",
           "Only the steps with a non-zero reward contribute; each is discounted by gamma to the power of how "
           "many steps after t = 0 it comes."],
    solution=lambda: f"G_0 = -0.05 (1 + 0.9 + 0.81) = {_q3_return():.4f} (`discounted_returns(r, 0.9)[0]`).",
    kind="pen-and-paper",
    reference=_q3_return,
)

# ---- Q4: experiment, how often random search succeeds


def random_success_rate(episode_length: int, seed: int = 0, n_envs: int = 256) -> float:
    """Success rate of uniformly random predators in the default 5x5, 3-predator world."""
    env = PredatorPrey(n_envs=n_envs, episode_length=episode_length)
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    done = np.zeros(n_envs, dtype=bool)
    while not done.all():
        _, _, _, done, info = env.step(rng.integers(0, env.n_actions, size=(n_envs, env.n_agents)))
    return float(info["success"].mean())


@lru_cache(maxsize=None)  # seeded: the same numbers every call
def _q4_checked_rate(episode_length: int) -> float:
    return random_success_rate(episode_length, seed=2024, n_envs=4096)


def _grade_q4(answer):
    answer = expect_number(answer, _q4_checked_rate(40), tol=0.05, what="the success rate with 40 steps")
    if answer <= _q4_checked_rate(20):
        raise Incorrect("with 40 steps random search should succeed more often than with 20")


q4 = Question(
    "Q4",
    "Experiment: `random_success_rate(episode_length, seed)` runs uniformly random predators. Try "
    "episode_length 20 (the training setting), then 40. Report the success rate for **40** steps. "
    "What does it say about the baseline a communicating policy must beat?",
    _grade_q4,
    hints=["`from marl_course.exercises.ch10 import random_success_rate`; call it with episode_length=40.",
           "It is an estimate: any seed is fine, the checker allows a small sampling error."],
    solution=lambda: (f"About {random_success_rate(40):.2f} (vs {random_success_rate(20):.2f} with 20 steps). "
                      "Random search rarely gathers all three predators on a hidden prey: a learned search "
                      "plus a message from whoever finds the prey is what lifts the success rate."),
    kind="experiment",
    reference=lambda: random_success_rate(40),
)

# ---- Q5: pen and paper, GA-AC's counterfactual advantage

Q5_PI = np.array([0.2, 0.5, 0.3])
"""Agent i's policy pi(b | o_i) over its three actions."""
Q5_Q = np.array([1.0, 2.0, 4.0])
"""Its critic's Q_i(o, (b, a_-i)) for b = 0, 1, 2, the other agents' actions held fixed."""
Q5_ACTION = 1
"""The action agent i took."""


def _q5_advantage() -> float:
    return float(counterfactual_advantage(torch.as_tensor(Q5_PI), torch.as_tensor(Q5_Q), torch.tensor(Q5_ACTION)))


def _grade_q5(answer):
    answer = as_number(answer, "A_i")
    if abs(answer - (Q5_Q[Q5_ACTION] - Q5_Q.mean())) < 1e-3:
        raise Incorrect("the baseline averages Q_i over agent i's actions weighted by its policy pi, not uniformly")
    expect_number(answer, _q5_advantage(), digits=3, what="A_i")


q5 = Question(
    "Q5",
    "GA-AC. Agent i's policy is pi(. | o_i) = `[0.2, 0.5, 0.3]` over three actions; with the other agents' "
    "actions held fixed, its critic gives Q_i(o, (b, a_-i)) = `[1.0, 2.0, 4.0]` for b = 0, 1, 2. "
    "Agent i took action 1. What is its counterfactual advantage "
    "A_i = Q_i(o, a) - sum_b pi(b | o_i) Q_i(o, (b, a_-i)), the weight of grad log pi(a_i | o_i) in the actor's "
    "update? (3 significant digits are enough.)",
    _grade_q5,
    hints=["The baseline is the value agent i would expect if it re-drew its own action from pi, everyone else unchanged.",
           "The baseline is an expectation: weight each of the three Q values by the probability pi gives that "
           "action. The advantage compares the action actually taken with it; its sign says whether that "
           "action was better than agent i's average."],
    solution=lambda: (f"Baseline = 0.2 + 1.0 + 1.2 = 2.4, so A_i = 2.0 - 2.4 = {_q5_advantage():.4f}: action 1 "
                      "was worse than agent i's average, and the update lowers its probability "
                      "(`counterfactual_advantage(pi, q, a)`)."),
    kind="pen-and-paper",
    reference=_q5_advantage,
)
