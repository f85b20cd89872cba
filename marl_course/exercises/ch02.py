"""Chapter 2 exercises: Minimax-Q, Nash-Q and Friend-or-Foe Q.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch02
>>> ch02.q2.check(ch02.q2.reference()).status
'correct'
"""

from __future__ import annotations

import numpy as np

from marl_course.envs.soccer import N_STATES
from marl_course.exercises.checker import Incorrect, Question, as_number, expect_function, expect_integer, expect_number
from marl_course.games import solve_zero_sum
from marl_course.games.zero_sum import maximin_value_linprog
from marl_course.games.gallery import rock_paper_scissors
from marl_course.tabular.minimax_q import MinimaxQ, minimax_q_update
from marl_course.envs.matrix_games import make_matrix_game
from marl_course.tabular.play import FixedPolicy, play
from marl_course.tabular.q_learning import QLearner

# ---- Q1: pen and paper, one Minimax-Q update

Q1_STAGE = np.array([[1.0, 0.0], [0.0, 1.0]])
"""``Q(s, ., .)`` before the update in Q1 (rows: own action, columns: opponent's)."""


def _q1_new_value() -> float:
    Q, V, pi = np.stack([Q1_STAGE, np.zeros((2, 2))]), np.array([0.5, 1.0]), np.full((2, 2), 0.5)
    minimax_q_update(Q, V, pi, 0, 0, 0, 1.0, 1, alpha=0.5, gamma=0.9)
    return float(V[0])


def _grade_q1(answer):
    expect_number(answer, _q1_new_value(), digits=3, what="the new V(s)")


q1 = Question(
    "Q1",
    "A Minimax-Q agent has `Q(s) = [[1, 0], [0, 1]]` (rows: its actions, columns: the opponent's). It plays "
    "a = 0 against o = 0, receives r = 1 and lands in s' with V(s') = 1. With alpha = 0.5 and gamma = 0.9, "
    "what is V(s) after the update (Littman's steps 1 to 3)? (3 significant digits are enough.)",
    _grade_q1,
    hints=["Step 1 changes a single entry: Q(s,0,0) <- (1 - alpha) Q(s,0,0) + alpha (r + gamma V(s')).",
           "Steps 2-3: the value of the 2x2 zero-sum game [[a, 0], [0, d]] with a, d > 0 is a d / (a + d)."],
    solution=lambda: (f"Q(s,0,0) = 0.5 * 1 + 0.5 * (1 + 0.9) = 1.45; the stage game [[1.45, 0], [0, 1]] has no "
                      f"saddle point, so V(s) = 1.45 / 2.45 = {_q1_new_value():.4f} "
                      "(`minimax_q_update` computes it)."),
    kind="pen-and-paper",
    reference=_q1_new_value,
)

# ---- Q2: pen and paper, the size of the joint-action Q-table in soccer


def _q2_table_size() -> int:
    return int(MinimaxQ(N_STATES, 5, 5).Q.size)


def _grade_q2(answer):
    expect_integer(answer, _q2_table_size(), what="the number of table entries",
                   reason="count |S| (positions of A and of B on distinct squares, times who holds the ball), "
                          "then multiply by |A| |O|")


q2 = Question(
    "Q2",
    "How many entries does Minimax-Q's table Q(s, a, o) have in Littman's soccer (4x5 grid, two players on "
    "distinct squares, one ball held by one of them, 5 actions each)?",
    _grade_q2,
    hints=["A can stand on 20 squares, B on the 19 others, and the ball is A's or B's.",
           "Then each state has a 5 x 5 stage game."],
    solution=lambda: (f"|S| = 20 * 19 * 2 = {N_STATES}, times 5 * 5 joint actions = {_q2_table_size()} "
                      f"(an independent Q-learner needs only {N_STATES * 5})."),
    kind="pen-and-paper",
    reference=_q2_table_size,
)

# ---- Q3: coding, the stage-game linear program


def _reference_maximin(Q_s):
    return solve_zero_sum(Q_s)[0]


def _random_stage_game(rng: np.random.Generator):
    m, n = rng.integers(2, 6, size=2)
    return (rng.normal(size=(m, n)),)


def _grade_q3(answer):
    expect_function(answer, _reference_maximin, _random_stage_game, n_trials=20, seed=3, tol=1e-6,
                    what="maximin_value")


q3 = Question(
    "Q3",
    "Write `maximin_value(Q_s)`: the value max_pi min_o sum_a pi(a) Q_s[a, o] of a stage game, as the linear "
    "program Minimax-Q solves, with `scipy.optimize.linprog` (variables: pi(a) for every a, and v).",
    _grade_q3,
    hints=["linprog minimises, so minimise -v. Variables x = (pi(0), ..., pi(m-1), v).",
           "One inequality per opponent action o: v - sum_a pi(a) Q_s[a, o] <= 0; one equality sum_a pi(a) = 1; "
           "bounds pi >= 0 and v free (None, None)."],
    solution=lambda: (
        "```python\ndef maximin_value(Q_s):\n    m, n = Q_s.shape\n"
        "    c = np.append(np.zeros(m), -1.0)\n    A_ub = np.hstack([-Q_s.T, np.ones((n, 1))])\n"
        "    A_eq = np.append(np.ones(m), 0.0)[None]\n"
        "    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=[1.0],\n"
        "                  bounds=[(0, None)] * m + [(None, None)])\n    return -res.fun\n```\n"
        "`solve_zero_sum` solves the same program with a small dense simplex; for stage games this small it is "
        "much faster, because `linprog`'s set-up cost dominates (the notebook times both)."),
    kind="coding",
    reference=lambda: maximin_value_linprog,
)

# ---- Q4: experiment, rationality (drawback 3): who exploits a biased opponent?

Q4_OPPONENT = (0.6, 0.2, 0.2)
"""The fixed rock-paper-scissors opponent of Q4 (rock, paper, scissors)."""
Q4_STEPS = 3000


def _q4_run(seed: int = 0) -> float:
    learner = QLearner(1, 3, gamma=0.0, epsilon=0.1, alpha=0.1, alpha_decay=1.0)
    rollout = play(make_matrix_game("rock_paper_scissors"), [learner, FixedPolicy(Q4_OPPONENT)], Q4_STEPS, seed=seed)
    return float(rollout.rewards[-1000:, 0].mean())


def _grade_q4(answer):
    answer = as_number(answer, "the average reward")
    best_response = float((rock_paper_scissors().A @ np.array(Q4_OPPONENT)).max())
    exploring_cost = 0.1 * (best_response - float(np.mean(rock_paper_scissors().A @ np.array(Q4_OPPONENT))))
    # sampled: within 0.15 of what a best response earns while still exploring 10% of the time
    if abs(answer - (best_response - exploring_cost)) > 0.15:
        raise Incorrect("that is not what a Q-learner earns here: run the experiment with the opponent "
                        f"{Q4_OPPONENT}, {Q4_STEPS} steps, and average the last 1000 rewards")


q4 = Question(
    "Q4",
    f"Experiment. In the notebook's rationality experiment, change the opponent to `{Q4_OPPONENT}` and train "
    f"the **Q-learner** (`QLearner(1, 3, gamma=0.0, epsilon=0.1, alpha=0.1, alpha_decay=1.0)`) for "
    f"{Q4_STEPS} steps with `play(make_matrix_game('rock_paper_scissors'), ..., seed=0)`. Report its average reward over the last 1000 steps. "
    "(Then try Minimax-Q: what does it earn, and why?)",
    _grade_q4,
    hints=["`rollout = play(make_matrix_game('rock_paper_scissors'), [learner, FixedPolicy(opponent)], 3000, "
           "seed=0)`, then `rollout.rewards[-1000:, 0].mean()` (column 0: the learner's rewards).",
           "Against a rock-heavy opponent the best response is paper: a rational learner ends up near what "
           "always playing paper earns against this opponent, a little below because 10% of its actions are "
           "random."],
    solution=lambda: (f"About {_q4_run():.3f}: the Q-learner learns paper and exploits the bias. Minimax-Q stays "
                      "near the uniform maximin strategy and earns about 0: safe, but not rational "
                      "(the article's drawback 3)."),
    kind="experiment",
    reference=_q4_run,
)
