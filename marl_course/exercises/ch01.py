"""Chapter 1 exercises: matrix games, Nash equilibria and stochastic games.

Every expected answer is computed here by ``marl_course.games`` when a question is checked.

>>> from marl_course.exercises import ch01
>>> ch01.q4.check(ch01.q4.reference()).status
'correct'
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from marl_course.exercises.checker import (
    Incorrect,
    Question,
    as_whole_number,
    expect_function,
    expect_number,
    expect_set,
)
from marl_course.games import (
    big_match,
    mixed_nash_2x2,
    pure_nash_equilibria,
    shapley_value_iteration,
    StochasticGame,
    solve_zero_sum,
    stage_games,
)
from marl_course.games.gallery import chicken, volunteers_dilemma

# ---- Q1: pen and paper, the mixed equilibrium of Chicken


def _chicken_swerve_probability() -> float:
    x, _ = mixed_nash_2x2(chicken().A, chicken().B)[-1]
    return float(x[0])


def _grade_q1(answer):
    expect_number(answer, _chicken_swerve_probability(), digits=3, what="the swerve probability")


q1 = Question(
    "Q1",
    "In Chicken (`chicken()`: swerve/straight, payoffs [[0, -1], [1, -10]] for the row driver), "
    "with what probability does each driver swerve at the **mixed** equilibrium? (3 significant digits are enough.)",
    _grade_q1,
    hints=["At a mixed equilibrium the *other* driver must be indifferent between swerving and going straight.",
           "If the row driver swerves with probability p, the column driver's two actions pay "
           "0*p - 1*(1-p) and 1*p - 10*(1-p). Set them equal."],
    solution=lambda: (f"Indifference: -(1-p) = p - 10(1-p), so 9 = 10p and p = "
                      f"{_chicken_swerve_probability():.4g}. `mixed_nash_2x2(g.A, g.B)[-1]` returns it."),
    kind="pen-and-paper",
    reference=_chicken_swerve_probability,
)

# ---- Q2: pen and paper, pure equilibria of a 3-player game


def _volunteer_pure():
    return pure_nash_equilibria(volunteers_dilemma(3, cost=0.25).payoffs)


def _grade_q2(answer):
    expect_set(answer, _volunteer_pure(), what="your list of equilibria (action profiles like (0, 1, 1))", width=3)


q2 = Question(
    "Q2",
    "List **all** pure Nash equilibria of the 3-player volunteer's dilemma (`volunteers_dilemma(3, cost=0.25)`; "
    "action 0 = volunteer, 1 = ignore) as tuples `(a_1, a_2, a_3)`.",
    _grade_q2,
    hints=["If nobody volunteers, each player would gain by volunteering (1 - cost > 0).",
           "If two volunteer, either of them gains by stopping. What about exactly one volunteer?"],
    solution=lambda: (f"Exactly one volunteer: {_volunteer_pure()}. The volunteer gets 1 - c > 0 (deviating gives 0); "
                      "the others get 1 (volunteering would give 1 - c)."),
    kind="pen-and-paper",
    reference=_volunteer_pure,
)

# ---- Q3: coding, the 2x2 indifference formulas


def _reference_mixed_2x2(A, B):
    x, y = mixed_nash_2x2(A, B)[-1]
    return np.array([x[0], y[0]])


def _random_cyclic_2x2(rng: np.random.Generator):
    """A random 2x2 game with no pure equilibrium (best responses cycle), so the mixed one is unique."""
    a = rng.uniform(0.5, 3.0, size=4)
    b = rng.uniform(0.5, 3.0, size=4)
    base = rng.normal(size=2)
    A = np.array([[base[0] + a[0], base[0] - a[1]], [base[0] - a[2], base[0] + a[3]]])
    B = np.array([[base[1] - b[0], base[1] + b[1]], [base[1] + b[2], base[1] - b[3]]])
    return A, B


def _grade_q3(answer):
    expect_function(answer, _reference_mixed_2x2, _random_cyclic_2x2, n_trials=25, seed=1, tol=1e-8,
                    what="mixed_equilibrium_2x2")


q3 = Question(
    "Q3",
    "Write `mixed_equilibrium_2x2(A, B)` returning `[p, q]`: the probability `p` that the row player plays "
    "action 0 and `q` that the column player plays action 0 at the fully mixed equilibrium of a 2x2 game "
    "(the checker only passes games that have one).",
    _grade_q3,
    hints=["p makes the *column* player indifferent: p B[0,0] + (1-p) B[1,0] = p B[0,1] + (1-p) B[1,1].",
           "Solve that linear equation for p; do the same for q with A and the row player's indifference."],
    solution=lambda: (
        "```python\ndef mixed_equilibrium_2x2(A, B):\n"
        "    p = (B[1, 1] - B[1, 0]) / (B[0, 0] - B[0, 1] - B[1, 0] + B[1, 1])\n"
        "    q = (A[1, 1] - A[0, 1]) / (A[0, 0] - A[0, 1] - A[1, 0] + A[1, 1])\n"
        "    return [p, q]\n```"),
    kind="coding",
    reference=lambda: _reference_mixed_2x2,
)

# ---- Q4: pen and paper, the value of a zero-sum game

Q4_MATRIX = np.array([[2.0, -1.0], [-1.0, 1.0]])
"""The row player's payoffs in Q4."""


def _q4_value() -> float:
    return solve_zero_sum(Q4_MATRIX)[0]


def _grade_q4(answer):
    expect_number(answer, _q4_value(), digits=3, what="the value")


q4 = Question(
    "Q4",
    "What is the value (to the row player) of the zero-sum game `A = [[2, -1], [-1, 1]]`? "
    "(3 significant digits are enough.)",
    _grade_q4,
    hints=["There is no saddle point: each row's minimum is below each column's maximum, so both players mix.",
           "For a 2x2 game without a saddle point, v = (a d - b c) / (a + d - b - c)."],
    solution=lambda: f"v = (2*1 - (-1)(-1)) / (2 + 1 + 1 + 1) = {_q4_value():.4g} (check: `solve_zero_sum(A)[0]`).",
    kind="pen-and-paper",
    reference=_q4_value,
)

# ---- Q5: coding, the Bellman backup that builds stage games


def _reference_backup(R, P, V, gamma):
    game = StochasticGame(P, np.stack([R, -R]), gamma)
    return stage_games(game, np.stack([V, -V]))[0]


def _random_backup_inputs(rng: np.random.Generator):
    S, m1, m2 = rng.integers(1, 4, size=3)
    R = rng.normal(size=(S, m1, m2))
    P = rng.dirichlet(np.ones(S), size=(S, m1, m2))
    V = rng.normal(size=S)
    return R, P, V, float(rng.uniform(0, 0.99))


def _grade_q5(answer):
    expect_function(answer, _reference_backup, _random_backup_inputs, n_trials=25, seed=2, tol=1e-9,
                    what="bellman_backup")


q5 = Question(
    "Q5",
    "Write `bellman_backup(R, P, V, gamma)` returning the stage games `Q(s, a1, a2) = R(s, a1, a2) + "
    "gamma * sum_s' P(s, a1, a2, s') V(s')` for arrays `R` of shape (S, m1, m2), `P` of shape (S, m1, m2, S) "
    "and `V` of shape (S,).",
    _grade_q5,
    hints=["Look at the shapes: the sum over s' runs over the **last** axis of P, and what is left has R's "
           "shape (S, m1, m2). No loop over states or actions is needed.",
           "Three ingredients: the expected next value (P contracted with V over s'; a matrix product with a "
           "1-D right operand contracts exactly that axis), the discount, and the immediate reward, combined "
           "as in the formula of the question."],
    solution="`return R + gamma * (P @ V)`: this is `marl_course.games.stage_games` for one player's values.",
    kind="coding",
    reference=lambda: lambda R, P, V, gamma: R + gamma * (P @ V),
)

# ---- Q6: experiment, how the discount sets the speed of value iteration

Q6_DISCOUNT = 0.95
Q6_TOL = 1e-8


@lru_cache(maxsize=None)  # deterministic: the same count every call
def _q6_iterations(discount: float = Q6_DISCOUNT) -> int:
    iterates = list(shapley_value_iteration(big_match(discount), tol=Q6_TOL, max_iter=100_000))
    return iterates[-1].iteration


def _grade_q6(answer):
    count = as_whole_number(answer, "the number of iterates")
    if abs(count - _q6_iterations()) > 1:
        raise Incorrect("that is not the number of iterates `shapley_value_iteration` yields for this game and tol; "
                        "count the iterates of one run (the last one has delta < tol)")


q6 = Question(
    "Q6",
    f"Run `shapley_value_iteration(big_match({Q6_DISCOUNT}), tol={Q6_TOL:g})` and report how many iterates it "
    "yields. Then try discounts 0.5 and 0.99: how does the count grow? (Only the count for "
    f"gamma = {Q6_DISCOUNT} is checked.)",
    _grade_q6,
    hints=["`len(list(shapley_value_iteration(...)))` counts the iterates.",
           "The error shrinks by a factor gamma per iterate, so the count grows like log(tol) / log(gamma)."],
    solution=lambda: (f"{_q6_iterations()} iterates. The map is a gamma-contraction, so the count grows like "
                      f"log(tol)/log(gamma): runs give {_q6_iterations(0.5)} for gamma = 0.5 and "
                      f"{_q6_iterations(0.99)} for 0.99 (log(tol)/log(gamma) = "
                      f"{np.log(Q6_TOL) / np.log(0.5):.0f} and {np.log(Q6_TOL) / np.log(0.99):.0f}): "
                      "the count scales like 1 / (1 - gamma)."),
    kind="experiment",
    reference=_q6_iterations,
)

