"""Chapter 4 exercises: learning automata, IGA / WoLF-IGA and Lagging Anchor.

Every expected answer is computed here by ``marl_course.dynamics`` when a question is checked.

>>> from marl_course.exercises import ch04
>>> ch04.q1.check(ch04.q1.reference()).status
'correct'
"""

from __future__ import annotations

import numpy as np

from marl_course.dynamics.automata import automaton_step, record
from marl_course.dynamics.gradient import wolf_iga
from marl_course.dynamics.lagging_anchor import lagging_anchor
from marl_course.exercises.checker import Incorrect, Question, as_number, expect_choice, expect_function, expect_number
from marl_course.games import is_strict_nash, pure_nash_equilibria, solve_zero_sum
from marl_course.games.gallery import GALLERY, matching_pennies

# ---- Q1: pen and paper, one L_R-I update

Q1_POLICY = np.array([0.5, 0.3, 0.2])
Q1_ACTION, Q1_REWARD, Q1_ETA = 1, 0.8, 0.1


def _q1_answer() -> float:
    return float(automaton_step(Q1_POLICY, Q1_ACTION, Q1_REWARD, Q1_ETA)[Q1_ACTION])


def _grade_q1(answer):
    expect_number(answer, _q1_answer(), digits=3, what="the new probability of the played action")


q1 = Question(
    "Q1",
    f"An L_R-I automaton has policy p = {Q1_POLICY.tolist()} over three actions. It plays action {Q1_ACTION} "
    f"(0-based) and receives r = {Q1_REWARD}. With eta = {Q1_ETA}, what is the probability of action "
    f"{Q1_ACTION} after the update? (3 significant digits are enough.)",
    _grade_q1,
    hints=["The played action moves toward 1: p_c + eta r (1 - p_c).",
           f"p_c = {Q1_POLICY[Q1_ACTION]}, so the increase is {Q1_ETA} x {Q1_REWARD} x (1 - {Q1_POLICY[Q1_ACTION]})."],
    solution=lambda: (f"p_c(k+1) = {Q1_POLICY[Q1_ACTION]} + {Q1_ETA} * {Q1_REWARD} * (1 - {Q1_POLICY[Q1_ACTION]}) = "
                      f"{_q1_answer():.4g} (`automaton_step(p, {Q1_ACTION}, {Q1_REWARD}, {Q1_ETA})`)."),
    kind="pen-and-paper",
    reference=_q1_answer,
)

# ---- Q2: coding, the L_R-P update for one automaton


def _reference_lrp(p, action, reward, eta_1, eta_2):
    return automaton_step(p, action, reward, eta_1, eta_2)


def _random_lrp_inputs(rng: np.random.Generator):
    m = int(rng.integers(2, 6))
    eta_1 = float(rng.uniform(0.05, 0.9))
    return (rng.dirichlet(np.ones(m)), int(rng.integers(m)), float(rng.uniform(0, 1)), eta_1,
            float(rng.uniform(0.01, 0.99) * eta_1))


def _grade_q2(answer):
    expect_function(answer, _reference_lrp, _random_lrp_inputs, n_trials=25, seed=4, tol=1e-10, what="lrp_step")


q2 = Question(
    "Q2",
    "Write `lrp_step(p, action, reward, eta_1, eta_2)` returning the L_R-P update of the policy `p` (a numpy "
    "array over m actions) after playing `action` and receiving `reward` in [0, 1].",
    _grade_q2,
    hints=["Start from a copy of p. The played action c gains eta_1 r (1 - p_c) and loses eta_2 (1 - r) p_c.",
           "Every other action j loses eta_1 r p_j and gains eta_2 (1 - r) (1/(m-1) - p_j). "
           "Both parts move p toward a target vector (one for the reward, one for the penalty) that differs "
           "only at the played action: a boolean mask of that action builds both targets without a loop."],
    solution=(
        "```python\ndef lrp_step(p, action, reward, eta_1, eta_2):\n"
        "    m = len(p)\n"
        "    chosen = np.arange(m) == action\n"
        "    reward_target = np.where(chosen, 1.0, 0.0)\n"
        "    penalty_target = np.where(chosen, 0.0, 1 / (m - 1))\n"
        "    return p + eta_1 * reward * (reward_target - p) + eta_2 * (1 - reward) * (penalty_target - p)\n```\n"
        "The package version is `marl_course.dynamics.automata.automaton_step`."),
    kind="coding",
    reference=lambda: _reference_lrp,
)

# ---- Q3: pen and paper, one WoLF-IGA step in matching pennies

Q3_START, Q3_ETA, Q3_ALPHA_MIN, Q3_ALPHA_MAX = (0.8, 0.3), 0.1, 1.0, 2.0


def _q3_answer() -> float:
    g = matching_pennies()
    p, _ = record(wolf_iga(g.A, g.B, Q3_ETA, Q3_ALPHA_MIN, Q3_ALPHA_MAX, list(Q3_START)), 2)
    return float(p[1, 0])


def _grade_q3(answer):
    expect_number(answer, _q3_answer(), digits=3, what="p_1 after one step")


q3 = Question(
    "Q3",
    f"Matching pennies (row payoffs [[1, -1], [-1, 1]]), WoLF-IGA from (p_1, q_1) = {Q3_START} with eta = {Q3_ETA}, "
    f"alpha_min = {Q3_ALPHA_MIN}, alpha_max = {Q3_ALPHA_MAX}. What is the row player's p_1 after one step? (3 significant digits are enough.)",
    _grade_q3,
    hints=["dV_1/dp_1 = 4 q_1 - 2 in matching pennies. Compute it at q_1 = 0.3.",
           "Is the row player winning? Compare V_1(0.8, 0.3) with V_1(p_1* = 0.5, 0.3) = 0. "
           "Losing means alpha_max."],
    solution=lambda: (f"dV_1/dp_1 = 4(0.3) - 2 = -0.8; V_1(0.8, 0.3) = -0.32 < 0 = V_1(0.5, 0.3), so the row player "
                      f"is losing and uses alpha_max: p_1 = 0.8 + 0.1 * 2 * (-0.8) = {_q3_answer():.4g}."),
    kind="pen-and-paper",
    reference=_q3_answer,
)

# ---- Q4: experiment, the anchor drawing factor

Q4_START = ([0.8, 0.1, 0.1], [0.1, 0.1, 0.8])
Q4_ETA, Q4_STEPS, Q4_TOL = 0.01, 5000, 0.01


def _q4_final_error(eta_d: float) -> float:
    A = GALLERY["rock_paper_scissors"]().A
    _, x_star, _ = solve_zero_sum(A)
    path = record(lagging_anchor(A, eta=Q4_ETA, eta_d=eta_d, initial=Q4_START, sampled=False), Q4_STEPS,
                  every=Q4_STEPS - 1)
    return float(np.abs(path.v[-1, 0] - x_star).max())


def _grade_q4(answer):
    answer = as_number(answer, "your eta_d")
    if not 0 <= answer <= 1 / Q4_ETA:
        raise Incorrect(f"eta_d must lie in [0, {1 / Q4_ETA:g}] for eta = {Q4_ETA} (eta * eta_d <= 1)")
    if _q4_final_error(answer) > Q4_TOL:
        raise Incorrect(f"with that eta_d the strategy after {Q4_STEPS} steps is still more than {Q4_TOL} from "
                        "(1/3, 1/3, 1/3) in some entry; try other values")


def _q4_reference() -> float:
    return next(eta_d for eta_d in (0.1, 0.3, 1.0, 3.0) if _q4_final_error(eta_d) <= Q4_TOL)


q4 = Question(
    "Q4",
    f"Run `lagging_anchor(A, eta={Q4_ETA}, eta_d=..., initial={Q4_START}, sampled=False)` on rock-paper-scissors "
    f"for {Q4_STEPS} steps. With eta_d = 0 (plain gradient play) the strategy circles. Try several eta_d and "
    f"report one for which player 1's final strategy is within {Q4_TOL} of (1/3, 1/3, 1/3) in every entry. "
    "What happens for very small and for very large eta_d?",
    _grade_q4,
    hints=["`record(lagging_anchor(...), 5000)[0][-1, 0]` is player 1's final strategy.",
           "A tiny eta_d barely damps the cycle in 5000 steps; try values between 0.1 and 10."],
    solution=lambda: (f"eta_d = {_q4_reference()} works (final error {_q4_final_error(_q4_reference()):.2g}). "
                      "Small eta_d damps too slowly; very large eta_d ties the strategy to an anchor that "
                      "itself moves fast, and the damping weakens again: there is a sweet spot."),
    kind="experiment",
    reference=_q4_reference,
)

# ---- Q5: which game suits L_R-I?

Q5_OPTIONS = ("matching_pennies", "prisoners_dilemma", "rock_paper_scissors")


def _q5_answer() -> str:
    def has_pure_strict(name):
        payoffs = GALLERY[name]().payoffs
        shape = payoffs[0].shape
        return any(is_strict_nash(payoffs, [np.eye(m)[a] for m, a in zip(shape, profile)])
                   for profile in pure_nash_equilibria(payoffs))
    return next(name for name in Q5_OPTIONS if has_pure_strict(name))


def _grade_q5(answer):
    expect_choice(answer, _q5_answer(), Q5_OPTIONS, what="the game")


q5 = Question(
    "Q5",
    f"In which of these gallery games do L_R-I automata (small eta) converge to a Nash equilibrium? "
    f"Answer with its name, one of {list(Q5_OPTIONS)}.",
    _grade_q5,
    hints=["L_R-I needs a pure strict equilibrium: it can only lock into a corner of the simplex.",
           "Which of the three games has a pure equilibrium at all?"],
    solution=lambda: (f"`{_q5_answer()}`: its only equilibrium is pure and strict. The other two have only a "
                      "mixed equilibrium, where L_R-I runs lock into corners that are not equilibria."),
    kind="pen-and-paper",
    reference=_q5_answer,
)
