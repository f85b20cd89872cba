"""Chapter 8 exercises: mean-field MARL on the Ising lattice.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch08
>>> ch08.q1.check(ch08.q1.reference()).status
'correct'
"""

from __future__ import annotations

import numpy as np

from marl_course.envs.ising import CRITICAL_TEMPERATURE, ising_rewards, lattice_mean_action
from marl_course.exercises.checker import Incorrect, Question, as_numeric_array, expect_function, expect_number
from marl_course.tabular.mean_field_q import mean_field_q_order_parameter, mean_field_value

# ---- Q1: pen and paper, one agent's reward

Q1_SPINS = np.array([[1, 1, 1], [1, 1, -1], [1, 1, 1]])
"""Q1's 3 x 3 torus; the question is about the centre agent."""


def _q1_reward() -> float:
    return float(ising_rewards(Q1_SPINS)[1, 1])


def _grade_q1(answer):
    expect_number(answer, _q1_reward(), digits=3, what="the centre agent's reward")


q1 = Question(
    "Q1",
    "On the torus `[[1, 1, 1], [1, 1, -1], [1, 1, 1]]` what reward `r_j = 1/2 s_j sum_k s_k` does the "
    "**centre** agent get?",
    _grade_q1,
    hints=["The centre's four neighbours are up, down, left and right of it; one of them points down.",
           "Three agree (+1 each), one disagrees (-1); multiply the sum by s_j / 2."],
    solution=lambda: f"s_j = 1 and the neighbours sum to 3 - 1 = 2, so r_j = 2 / 2 = {_q1_reward():g}.",
    kind="pen-and-paper",
    reference=_q1_reward,
)

# ---- Q2: pen and paper, the temperature mapping


def _q2_critical_tau() -> float:
    return CRITICAL_TEMPERATURE / 2


def _grade_q2(answer):
    expect_number(answer, _q2_critical_tau(), digits=3, what="the critical Boltzmann temperature")


q2 = Question(
    "Q2",
    "Onsager's critical temperature of the Ising model (energy `E = -sum s_j s_k`) is "
    "`T_c = 2 / ln(1 + sqrt(2))`. At which **Boltzmann temperature tau** of the MF-Q agents "
    "(policy `exp(Q / tau)`, reward `r_j = 1/2 s_j sum_k s_k`) is the critical point? (3 significant digits "
    "are enough.)",
    _grade_q2,
    hints=["Compare the odds pi(up) / pi(down) of the agents, exp((r_up - r_down) / tau) = exp(h / tau), "
           "with heat-bath Monte Carlo's exp(2 h / T), h the neighbours' spin sum.",
           "The two agree when T = 2 tau."],
    solution=lambda: (f"T = 2 tau, so tau_c = T_c / 2 = {_q2_critical_tau():.4f}; the paper reports about 1.2 "
                      "from its finite runs."),
    kind="pen-and-paper",
    reference=_q2_critical_tau,
)

# ---- Q3: coding, the mean-field value


def _random_q_beta(rng: np.random.Generator):
    n, m = rng.integers(1, 6), rng.integers(2, 6)
    return rng.normal(scale=3.0, size=(n, m)), float(rng.uniform(0.1, 5.0))


def _grade_q3(answer):
    expect_function(answer, mean_field_value, _random_q_beta, n_trials=25, seed=3, tol=1e-8,
                    what="mf_value")


q3 = Question(
    "Q3",
    "Write `mf_value(q, beta)`: for `q` of shape `(n_agents, n_actions)` (each row is `Q_j(s', ., a-bar_j)`) "
    "return the mean-field values `v_j = sum_a pi_j(a) Q_j(a)` under the reward-maximising Boltzmann policy "
    "`pi_j(a) ∝ exp(beta Q_j(a))`, shape `(n_agents,)`.",
    _grade_q3,
    hints=["Softmax of `beta * q` along the last axis gives pi; subtract the row maximum before `np.exp` for safety.",
           "Then average each row of q under its own policy row (a weighted sum over the action axis). Mind the "
           "sign: a maximiser weights *high* Q more."],
    solution=("```python\ndef mf_value(q, beta):\n"
              "    z = beta * q - (beta * q).max(axis=1, keepdims=True)\n"
              "    pi = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
              "    return (pi * q).sum(axis=1)\n```\n"
              "This is `marl_course.tabular.mean_field_q.mean_field_value`."),
    kind="coding",
    reference=lambda: mean_field_value,
)

# ---- Q4: coding, the neighbours' mean action on the lattice


def _random_lattice(rng: np.random.Generator):
    size = int(rng.integers(3, 8))
    n_actions = int(rng.integers(2, 5))
    return rng.integers(0, n_actions, size=(size, size)), n_actions


def _grade_q4(answer):
    expect_function(answer, lattice_mean_action, _random_lattice, n_trials=20, seed=4, tol=1e-12,
                    what="mean_action")


q4 = Question(
    "Q4",
    "Write `mean_action(actions, n_actions)`: for integer actions of shape `(L, L)` on a torus return "
    "`a-bar` of shape `(L, L, n_actions)`, where `a-bar[i, j]` averages the **one-hot** actions of the four "
    "neighbours of site `(i, j)` (up, down, left, right, wrapping around the edges).",
    _grade_q4,
    hints=["Indexing an identity matrix of size n_actions with the whole integer array one-hot encodes every "
           "site at once: shape (L, L, n_actions).",
           "`np.roll(x, 1, axis=0)` shifts the lattice by one row with wrap-around; add the four shifts, divide by 4."],
    solution=("```python\ndef mean_action(actions, n_actions):\n"
              "    x = np.eye(n_actions)[actions]\n"
              "    return (np.roll(x, 1, 0) + np.roll(x, -1, 0) + np.roll(x, 1, 1) + np.roll(x, -1, 1)) / 4\n```\n"
              "This is `marl_course.envs.ising.lattice_mean_action`."),
    kind="coding",
    reference=lambda: lattice_mean_action,
)

# ---- Q5: experiment, the phase transition

Q5_TAUS = (0.8, 2.0)
Q5_SIZE = 12


def _q5_order_parameters(seed: int = 0) -> list[float]:
    xi = mean_field_q_order_parameter(Q5_SIZE, list(Q5_TAUS), n_steps=600, average_last=200, seed=seed)
    return [float(x) for x in xi]


def _grade_q5(answer):
    pair = as_numeric_array(answer, "your [xi_low, xi_high]")
    if pair.shape != (2,):
        raise Incorrect(f"answer should be a list of two numbers: [xi at tau = 0.8, xi at tau = 2.0], got shape "
                        f"{pair.shape}")
    low, high = pair
    if not (0 <= low <= 1 and 0 <= high <= 1):
        raise Incorrect("an order parameter |N_up - N_down| / N lies between 0 and 1")
    if low < 0.85:
        raise Incorrect("at tau = 0.8 the MF-Q lattice should order; did you pass beta = 1 / tau and let it run?")
    if high > 0.3:
        raise Incorrect("at tau = 2.0 the lattice should be disordered; is that the high-temperature run?")


q5 = Question(
    "Q5",
    f"Run `mean_field_q_order_parameter({Q5_SIZE}, [0.8, 2.0], n_steps=600, average_last=200, seed=...)` "
    "with a seed of your choice and report `[xi_low, xi_high]`. Which side of tau_c is each temperature on? "
    "(Any seed passes: the check is a bound, not an exact value.)",
    _grade_q5,
    hints=["`from marl_course.tabular.mean_field_q import mean_field_q_order_parameter`.",
           "Convert the returned array with `list(...)`."],
    solution=lambda: (f"For seed 0: {np.round(_q5_order_parameters(), 3).tolist()}: ordered (xi near 1) below "
                      f"tau_c = {CRITICAL_TEMPERATURE / 2:.3f}, disordered (xi near 0) above it."),
    kind="experiment",
    reference=_q5_order_parameters,
)
