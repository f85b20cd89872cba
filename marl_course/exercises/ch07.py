"""Chapter 7 exercises: value decomposition with IQL, VDN and QMIX.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch07
>>> ch07.q1.check(ch07.q1.reference()).status
'correct'
"""

from __future__ import annotations

import itertools

import numpy as np
import torch

from marl_course.deep.value_decomposition import monotonic_mix
from marl_course.envs.nonmonotonic import best_additive_fit, climbing_game, exploration_weights
from marl_course.envs.two_step import PAYOFF_2B
from marl_course.exercises.checker import Incorrect, Question, as_number, expect_choices, expect_function, expect_number

# ---- Q1: pen and paper, VDN's value of (B, B) in state 2B


def _vdn_2b_bb() -> float:
    return float(best_additive_fit(PAYOFF_2B)[0][1, 1])


def _grade_q1(answer):
    expect_number(answer, _vdn_2b_bb(), digits=3, what="the additive fit at (B, B)")


q1 = Question(
    "Q1",
    "In state 2B of the two-step game the payoff is `[[0, 1], [1, 8]]`. With epsilon = 1 every joint action is "
    "equally frequent in the replay, and VDN fits `Q_1(a_1) + Q_2(a_2)` to the payoff by least squares. "
    "What value does this fit give the joint action (B, B)? (3 significant digits are enough.)",
    _grade_q1,
    hints=["With uniform weights the least-squares additive fit is row mean + column mean - overall mean.",
           "You need three averages of the 2x2 payoff: over row B (agent 1 plays B), over column B (agent 2 "
           "plays B), and over all four joint actions. Combine them as in the first hint."],
    solution=lambda: (f"4.5 + 4.5 - 2.5 = {_vdn_2b_bb():g} (`best_additive_fit(PAYOFF_2B)`). So in state 1 VDN values "
                      "choosing B at 0.99 * 6.5 < 0.99 * 7 for A: it settles for 7."),
    kind="pen-and-paper",
    reference=_vdn_2b_bb,
)

# ---- Q2: coding, QMIX's mixing network for one sample


def _reference_mix(q, w1, b1, w2, b2):
    t = {k: torch.as_tensor(np.asarray(v, dtype=float))[None] for k, v in
         dict(q=q, w1=w1, b1=b1, w2=w2, b2=np.asarray([b2])).items()}
    return float(monotonic_mix(t["q"], t["w1"], t["b1"], t["w2"], t["b2"][0])[0])


def _random_mix_inputs(rng: np.random.Generator):
    n, e = rng.integers(1, 5), rng.integers(1, 9)
    return (rng.normal(size=n) * 3, rng.normal(size=(n, e)), rng.normal(size=e), rng.normal(size=e),
            float(rng.normal()))


def _numpy_mix(q, w1, b1, w2, b2):
    """The learner-style numpy answer to Q2 (the solution's code)."""
    x = q @ np.abs(w1) + b1
    hidden = np.where(x > 0, x, np.expm1(x))
    return hidden @ np.abs(w2) + b2


def _grade_q2(answer):
    expect_function(answer, _reference_mix, _random_mix_inputs, n_trials=25, seed=7, tol=1e-8, what="mix")


q2 = Question(
    "Q2",
    "Write `mix(q, w1, b1, w2, b2)`: QMIX's mixing network for one sample, "
    "`Q_tot = |w2| . ELU(q |W1| + b1) + b2`, with `q` of shape (n,), `w1` (n, e), `b1` (e,), `w2` (e,), "
    "`b2` a number (the hypernetwork outputs; you take the absolute values). Use numpy.",
    _grade_q2,
    hints=["ELU(x) = x for x > 0 and exp(x) - 1 otherwise; `np.where` picks elementwise between two arrays, "
           "and `np.expm1` computes exp(x) - 1 accurately.",
           "Work from the inside out: take the absolute values of the two weight arrays first (that is what makes "
           "Q_tot monotone in every q_i), then the first layer is a vector-matrix product with q plus b1, the ELU, "
           "and a dot product with the second weights plus b2. Check the shapes: (n,) -> (e,) -> a number."],
    solution=("```python\ndef mix(q, w1, b1, w2, b2):\n    x = q @ np.abs(w1) + b1\n"
              "    hidden = np.where(x > 0, x, np.expm1(x))\n    return hidden @ np.abs(w2) + b2\n```\n"
              "This is `marl_course.deep.value_decomposition.monotonic_mix` for a batch of one."),
    kind="coding",
    reference=lambda: _numpy_mix,
)

# ---- Q3: check the argmax decomposition for several mixers

Q3_QMIX_WEIGHTS = (np.array([[-1.0, 0.5], [2.0, -0.3]]), np.array([0.2, -1.0]), np.array([-0.7, 1.5]), 0.0)
"""Fixed hypernetwork outputs ``(W_1, b_1, w_2, b_2)`` of the ``qmix`` candidate in Q3 (2 agents, embed 2)."""


def _qmix_fixed(q: np.ndarray) -> np.ndarray:
    w1, b1, w2, b2 = (torch.as_tensor(np.asarray(x, dtype=float)) for x in Q3_QMIX_WEIGHTS)
    batch = len(q)
    return monotonic_mix(torch.as_tensor(q, dtype=torch.float64), w1.expand(batch, 2, 2), b1.expand(batch, 2),
                         w2.expand(batch, 2), b2.expand(batch)).numpy()


Q3_MIXERS = {
    "sum": lambda q: q.sum(-1),
    "qmix": _qmix_fixed,
    "product": lambda q: q.prod(-1),
    "difference": lambda q: q[:, 0] - q[:, 1],
    "max": lambda q: q.max(-1),
    "min": lambda q: q.min(-1),
}
"""Candidate mixers ``f(Q_1, Q_2)`` of Q3, each mapping an array (batch, 2) to (batch,)."""


def _decomposes(f, n_trials: int = 300, n_actions: int = 3, seed: int = 0) -> bool:
    """Does the per-agent greedy joint action maximise ``f`` on ``n_trials`` random Q tables? (brute force)"""
    rng = np.random.default_rng(seed)
    joint = np.array(list(itertools.product(range(n_actions), repeat=2)))
    for _ in range(n_trials):
        q = rng.normal(size=(2, n_actions)) * 3
        q_tot = f(q[[0, 1], joint])  # (n_actions^2,)
        greedy = f(q.max(axis=1)[None])[0]
        if greedy < q_tot.max() - 1e-9:
            return False
    return True


def _q3_answer() -> list[str]:
    return sorted(name for name, f in Q3_MIXERS.items() if _decomposes(f))


def _grade_q3(answer):
    expect_choices(answer, _q3_answer(), list(Q3_MIXERS), what="your list of mixers")


q3 = Question(
    "Q3",
    "The argmax decomposition (equation (1) of the article) says that the agents' greedy actions "
    "`(argmax Q_1, argmax Q_2)` also maximise `Q_tot = f(Q_1, Q_2)`. For which of the mixers in "
    "`ch07.Q3_MIXERS` (`sum`, `qmix` (fixed hypernetwork outputs), `product`, `difference`, `max`, `min`) "
    "does it hold for **every** pair of Q tables? Answer with a list of names; check by brute force over random "
    "Q tables, or prove it from dQ_tot/dQ_i >= 0.",
    _grade_q3,
    hints=["If f is non-decreasing in each argument, raising any Q_i to its maximum cannot lower f.",
           "The product is not monotone when a Q_i is negative: (-1) * (-1) beats (-1) * 2. Check max and min too."],
    solution=lambda: (f"{_q3_answer()}: each is non-decreasing in every Q_i (QMIX by its absolute weights and the "
                      "monotone ELU), so f(max Q_1, max Q_2) >= f(Q_1(a_1), Q_2(a_2)) for all a. A product or a "
                      "difference has negative slopes somewhere, and random tables find a counterexample."),
    kind="pen-and-paper",
    reference=_q3_answer,
)

# ---- Q4: experiment, less exploration lets VDN find the climbing game's optimum

Q4_STEP = 0.05


def _fit_finds_optimum(epsilon: float) -> bool:
    payoff = climbing_game()
    _, greedy = best_additive_fit(payoff, exploration_weights(len(payoff), epsilon))
    return payoff[tuple(greedy)] == payoff.max()


def _q4_answer() -> float:
    grid = np.round(np.arange(1.0, 0.0, -Q4_STEP), 10)
    return float(next(e for e in grid if _fit_finds_optimum(e)))


def _grade_q4(answer):
    answer = as_number(answer, "your epsilon")
    steps = answer / Q4_STEP
    if not 0 < answer <= 1 or abs(steps - round(steps)) > 1e-6:
        raise Incorrect(f"answer should be a multiple of {Q4_STEP} in (0, 1]")
    if not _fit_finds_optimum(answer):
        raise Incorrect("at that epsilon the fit's greedy joint action is not the optimum (0, 0); try smaller")
    if answer + Q4_STEP <= 1 + 1e-9 and _fit_finds_optimum(answer + Q4_STEP):
        raise Incorrect("the optimum is already found at a larger epsilon; look for the largest one")


q4 = Question(
    "Q4",
    "Experiment with the explorer (or `best_additive_fit(climbing_game(), exploration_weights(3, epsilon))`): "
    "both agents explore around action 0 with probability `epsilon` of a uniform random action. Lower `epsilon` "
    "from 1 in steps of 0.05. What is the **largest** epsilon at which VDN's additive fit makes the optimal joint "
    "action (0, 0), worth 11, the greedy one?",
    _grade_q4,
    hints=["Loop `for eps in np.arange(1.0, 0.0, -0.05)` and look at the `greedy` returned by `best_additive_fit`.",
           "The fit weighs each joint action by how often it is tried: with little exploration the penalties "
           "(-30) are rarely seen next to (0, 0)."],
    solution=lambda: (f"epsilon = {_q4_answer():g}. With uniform data the fit prefers the safe action 2; once most data "
                      "sits on (0, 0) its neighbours' penalties weigh little and the fit ranks action 0 first. "
                      "This is why decentralised learners can coordinate on the optimum only if they already mostly "
                      "play it: relative overgeneralisation."),
    kind="experiment",
    reference=_q4_answer,
)
