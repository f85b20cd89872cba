"""Chapter 3 exercises: policy hill-climbing and WoLF-PHC.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch03
>>> ch03.q1.check(ch03.q1.reference()).status
'correct'
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from marl_course.envs.matrix_games import make_matrix_game
from marl_course.exercises.checker import Incorrect, Question, as_number, expect_choice, expect_function, expect_number
from marl_course.games import best_responses
from marl_course.games.gallery import rock_paper_scissors
from marl_course.tabular.phc import (
    WoLFPHC,
    distance_to_strategy,
    hill_climb,
    learn,
    q_table_sizes,
    self_play,
    wolf_step_size,
)
from marl_course.tabular.play import FixedPolicy

# ---- Q1: pen and paper, one hill-climbing step

Q1_POLICY, Q1_Q, Q1_DELTA = [0.5, 0.3, 0.2], [1.0, 0.0, 2.0], 0.1


def _q1_scissors() -> float:
    return float(hill_climb(Q1_POLICY, Q1_Q, Q1_DELTA)[2])


def _grade_q1(answer):
    expect_number(answer, _q1_scissors(), digits=3, what="the new probability of scissors")


q1 = Question(
    "Q1",
    f"A PHC agent in rock-paper-scissors holds `pi = {Q1_POLICY}` and `Q = {Q1_Q}` (rock, paper, scissors). "
    f"After one hill-climbing step (step d) with `delta = {Q1_DELTA}`, what is the probability of **scissors**? (3 significant digits are enough.)",
    _grade_q1,
    hints=["The greedy action is the argmax of Q. Every other action a loses min(pi(a), delta / (|A| - 1)).",
           "With |A| = 3 each non-greedy action can lose at most delta / 2; the greedy action gains what they lose."],
    solution=lambda: (f"Scissors is greedy (Q = 2). Rock loses min(0.5, 0.05) = 0.05, paper min(0.3, 0.05) = 0.05, "
                      f"so scissors becomes 0.2 + 0.1 = {_q1_scissors():.4g}: "
                      f"`hill_climb({Q1_POLICY}, {Q1_Q}, {Q1_DELTA})`."),
    kind="pen-and-paper",
    reference=_q1_scissors,
)

# ---- Q2: pen and paper, the win test

Q2_POLICY, Q2_AVERAGE, Q2_Q = [0.2, 0.8], [0.6, 0.4], [1.0, 0.5]
Q2_DELTA_W, Q2_DELTA_L = 0.01, 0.04


def _q2_rate() -> str:
    delta = wolf_step_size(Q2_POLICY, Q2_AVERAGE, Q2_Q, Q2_DELTA_W, Q2_DELTA_L)
    return "delta_w" if delta == Q2_DELTA_W else "delta_l"


def _grade_q2(answer):
    expect_choice(answer, _q2_rate(), ["delta_w", "delta_l"], what="the step size")


q2 = Question(
    "Q2",
    f"A WoLF-PHC agent with two actions holds `pi = {Q2_POLICY}`, its average policy is `pibar = {Q2_AVERAGE}` and "
    f"`Q = {Q2_Q}`. Is it winning or losing: which step does it take, `'delta_w'` or `'delta_l'`?",
    _grade_q2,
    hints=["Compare the expected value of the current policy, sum_a pi(a) Q(a), with that of the average policy.",
           "Winning (current better than average) means learn slowly, with delta_w."],
    solution=lambda: ("pi . Q = 0.2 + 0.4 = 0.6 and pibar . Q = 0.6 + 0.2 = 0.8: the current policy does worse than "
                      f"the average, so the agent is losing and steps by {_q2_rate()}."),
    kind="pen-and-paper",
    reference=_q2_rate,
)

# ---- Q3: coding, the hill-climbing step


def _reference_hill_climb(policy, q_values, delta):
    return hill_climb(policy, q_values, delta)


def _random_hill_climb_inputs(rng: np.random.Generator):
    n_actions = int(rng.integers(2, 6))
    policy = rng.dirichlet(np.full(n_actions, 0.7))
    q_values = rng.normal(size=n_actions)
    return policy, q_values, float(rng.uniform(0.0, 0.6))


def _grade_q3(answer):
    expect_function(answer, _reference_hill_climb, _random_hill_climb_inputs, n_trials=30, seed=3, tol=1e-10,
                    what="your hill_climb")


q3 = Question(
    "Q3",
    "Write `hill_climb(policy, q_values, delta)` for one state: `policy` and `q_values` are 1-D arrays of length "
    "|A|; return the new policy after step (d) of PHC (every non-greedy action loses "
    "`min(pi(a), delta / (|A| - 1))`, the greedy action `argmax Q` gains the total).",
    _grade_q3,
    hints=["Find the greedy action first (the index of the largest Q). Then work out, for every action, how "
           "much probability it gives up: the cap delta / (|A| - 1), but never more than it has (an elementwise "
           "minimum does this for all actions at once).",
           "The greedy action gives up nothing; it receives the total that the others gave up, so the new "
           "policy still sums to 1. Work on a float copy of the policy so the input is not modified."],
    solution=("```python\ndef hill_climb(policy, q_values, delta):\n    policy = np.asarray(policy, float)\n"
              "    greedy = np.argmax(q_values)\n    taken = np.minimum(policy, delta / (len(policy) - 1))\n"
              "    taken[greedy] = 0.0\n    new = policy - taken\n    new[greedy] += taken.sum()\n    return new\n```\n"
              "The package's `marl_course.tabular.phc.hill_climb` does the same for batches."),
    kind="coding",
    reference=lambda: _reference_hill_climb,
)

# ---- Q4: pen and paper, memory

Q4_STATES, Q4_ACTIONS, Q4_AGENTS = 100, 4, 3


def _q4_ratio() -> float:
    independent, joint = q_table_sizes(Q4_STATES, Q4_ACTIONS, Q4_AGENTS)
    return joint / independent


def _grade_q4(answer):
    expect_number(answer, _q4_ratio(), digits=3, what="the ratio of table sizes")


q4 = Question(
    "Q4",
    f"In a game with |S| = {Q4_STATES} states, {Q4_AGENTS} agents and |A| = {Q4_ACTIONS} actions each, how many "
    "times larger is one agent's Q-table in a joint-action learner (Nash-Q) than in WoLF-PHC?",
    _grade_q4,
    hints=["A joint-action learner stores Q(s, a_1, ..., a_n); WoLF-PHC stores Q(s, a_i).",
           "|S||A|^n / (|S||A|) = |A|^(n-1)."],
    solution=lambda: f"|A|^(n-1) = {Q4_ACTIONS}^{Q4_AGENTS - 1} = {_q4_ratio():g}.",
    kind="pen-and-paper",
    reference=_q4_ratio,
)

# ---- Q5: experiment, how much closer WoLF gets

Q5_SETTING = dict(delta_w=0.0005, n_steps=20_000, seed=0, record_every=100)


def _late_distance(delta_l: float) -> float:
    env = make_matrix_game("rock_paper_scissors", n_envs=4)
    run = self_play(env, delta_l=delta_l, **Q5_SETTING)
    distance = distance_to_strategy(run.policies[0][:, :, 0], np.full(3, 1 / 3)).mean(axis=1)  # (K,)
    return float(distance[len(distance) // 2:].mean())


@lru_cache(maxsize=1)  # a seeded experiment: the same number every call
def _q5_ratio() -> float:
    return _late_distance(0.0005) / _late_distance(0.0015)


def _grade_q5(answer):
    answer = as_number(answer, "the ratio")
    if answer <= 1:
        raise Incorrect("a ratio <= 1 says PHC ends as close to the equilibrium as WoLF-PHC; re-run both settings "
                        "and check which distance goes on top")
    expected = _q5_ratio()
    if abs(answer - expected) > 0.1 * expected:
        raise Incorrect("the ratio is not within 10% of what this experiment gives; use the exact setting of the "
                        "prompt and average the distance over the second half of the recorded steps")


q5 = Question(
    "Q5",
    "Experiment: in rock-paper-scissors run `self_play(make_matrix_game('rock_paper_scissors', n_envs=4), "
    "delta_w=0.0005, delta_l=DL, n_steps=20_000, seed=0, record_every=100)` for `DL = 0.0005` (plain PHC) and "
    "`DL = 0.0015` (WoLF-PHC). For each, average player 1's distance to the equilibrium (1/3, 1/3, 1/3) over the "
    "4 runs and over the second half of the recorded steps. Report the ratio PHC / WoLF-PHC.",
    _grade_q5,
    hints=["`distance_to_strategy(run.policies[0][:, :, 0], np.full(3, 1/3))` has shape (K, 4): average over "
           "axis 1, then over the second half of axis 0.",
           "Only delta_l differs between the two runs; the seed is the same."],
    solution=lambda: (f"About {_q5_ratio():.2g}: PHC keeps cycling near the boundary of the simplex while "
                      "WoLF-PHC settles near the centre."),
    kind="experiment",
    reference=_q5_ratio,
)

# ---- Q6: experiment, rationality against a fixed opponent

Q6_OPPONENT = [0.2, 0.2, 0.6]


def _q6_action() -> str:
    game = rock_paper_scissors()
    (best,) = best_responses(game.payoffs, [np.full(3, 1 / 3), Q6_OPPONENT], player=0)
    return game.action_names[0][best]


def _q6_learned_action() -> str:
    env = make_matrix_game("rock_paper_scissors")
    learner = WoLFPHC(3, alpha=0.05)
    learn(env, [learner, FixedPolicy(Q6_OPPONENT)], n_steps=8000, seed=0, record_every=8000)
    return env.game.action_names[0][int(np.argmax(learner.policy[0, 0]))]


def _grade_q6(answer):
    expect_choice(answer, _q6_action(), rock_paper_scissors().action_names[0], what="the learned action")


q6 = Question(
    "Q6",
    f"Experiment: let a `WoLFPHC(3, alpha=0.05)` learn for 8,000 steps against `FixedPolicy({Q6_OPPONENT})` "
    "(rock, paper, scissors) with `learn(...)`. Which action does its policy end up playing: "
    "`'rock'`, `'paper'` or `'scissors'`?",
    _grade_q6,
    hints=["`learn(env, [learner, FixedPolicy(...)], n_steps=8000, seed=0)`, then look at `learner.policy[0, 0]`.",
           "Rationality: against a fixed opponent the learner should find a best response. Which action beats "
           "the opponent's most likely one?"],
    solution=lambda: (f"`{_q6_learned_action()}`: the opponent plays scissors 60% of the time, so rock earns "
                      "0.6 - 0.2 = 0.4 per game, more than scissors (0) or paper (-0.4); WoLF-PHC climbs to it "
                      "(rationality)."),
    kind="experiment",
    reference=_q6_learned_action,
)
