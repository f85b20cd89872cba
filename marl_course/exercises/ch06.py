"""Chapter 6 exercises: DRQN and partial observability.

Every expected answer is computed here by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch06
>>> ch06.q1.check(ch06.q1.reference()).status
'correct'
"""

from __future__ import annotations

import numpy as np

from marl_course.deep.drqn import td_target
from marl_course.envs.cartpole import cartpole_derivatives, markov_probe
from marl_course.exercises.checker import Incorrect, Question, as_whole_number, expect_choice, expect_function, expect_number

# ---- Q1: pen and paper, the pole's angular acceleration from the cart-pole equations


def _q1_theta_ddot() -> float:
    return float(cartpole_derivatives([0.0, 0.0, 0.0, 0.0], 10.0)[3])


def _grade_q1(answer):
    expect_number(answer, _q1_theta_ddot(), digits=3, what="theta_ddot")


q1 = Question(
    "Q1",
    "The pole is upright and still (`x = x_dot = theta = theta_dot = 0`) and the agent pushes right with "
    "F = +10 N. With g = 9.8, m_c = 1, m_p = 0.1, l = 0.5, what is the pole's angular acceleration "
    "`theta_ddot` in rad/s^2 (sign included; 3 significant digits are enough)?",
    _grade_q1,
    hints=["With theta = 0: sin(theta) = 0 and cos(theta) = 1, so the gravity and theta_dot^2 terms vanish.",
           "theta_ddot = -(F / (m_c + m_p)) / (l (4/3 - m_p / (m_c + m_p))). Pushing the cart right tips "
           "the pole left: the sign is negative."],
    solution=lambda: (f"theta_ddot = -(10 / 1.1) / (0.5 (4/3 - 0.1/1.1)) = {_q1_theta_ddot():.4g} rad/s^2 "
                      "(`cartpole_derivatives([0, 0, 0, 0], 10.0)[3]`)."),
    kind="pen-and-paper",
    reference=_q1_theta_ddot,
)

# ---- Q2: coding, the bootstrapped TD target


def _reference_td_target(reward, terminal, q_next, gamma):
    return np.asarray(td_target(reward, terminal, q_next, gamma))


def _random_td_inputs(rng: np.random.Generator):
    batch, L, n_actions = rng.integers(1, 5, size=3)
    reward = rng.normal(size=(batch, L))
    terminal = (rng.random((batch, L)) < 0.3).astype(float)
    q_next = rng.normal(size=(batch, L, n_actions))
    return reward, terminal, q_next, float(rng.uniform(0, 0.99))


def _grade_q2(answer):
    expect_function(answer, _reference_td_target, _random_td_inputs, n_trials=25, seed=6, tol=1e-9,
                    what="td_target")


q2 = Question(
    "Q2",
    "Write `td_target(reward, terminal, q_next, gamma)` returning DRQN's target "
    "`y_t = r_t + gamma (1 - terminal_t) max_a' Q_bar(h_{t+1}, a')` for numpy arrays `reward` and `terminal` "
    "of shape (batch, L) (terminal is 1.0 where the pole fell) and the target network's `q_next` of shape "
    "(batch, L, n_actions).",
    _grade_q2,
    hints=["The max over actions is over the last axis of q_next; it leaves shape (batch, L), like reward.",
           "Three ingredients: the greedy next value, a factor that is 0 where the step was terminal and 1 "
           "elsewhere (so the pole's fall does not bootstrap), and the discount. Everything broadcasts, so no "
           "loop is needed."],
    solution=("```python\ndef td_target(reward, terminal, q_next, gamma):\n"
              "    return reward + gamma * (1 - terminal) * q_next.max(axis=-1)\n```\n"
              "A terminal step does not bootstrap; a time-limit (truncated) step does."),
    kind="coding",
    reference=lambda: _reference_td_target,
)

# ---- Q3: experiment, flickering makes even the full state non-Markov

Q3_FLICKER = 0.3
Q3_SWEEP = (0.0, 0.1, 0.3, 0.5)
Q3_LONG_HISTORY = 4


def _q3_expected() -> float:
    return markov_probe(Q3_FLICKER, False, 1)


def _grade_q3(answer):
    # the probe is seeded, so a learner who runs it gets this number exactly: 3 significant digits tell
    # flicker 0.3 apart from its neighbours in the sweep (0.1 and 0.5)
    expect_number(answer, _q3_expected(), digits=3, what="the unexplained fraction")


def _q3_solution() -> str:
    sweep = {p: markov_probe(p, False, 1) for p in Q3_SWEEP}
    long = markov_probe(Q3_FLICKER, False, Q3_LONG_HISTORY)
    table = ", ".join(f"{v:.3f} at p = {p}" for p, v in sweep.items())
    values = list(sweep.values())
    peak = max(sweep, key=sweep.get)
    first, second = Q3_SWEEP[0], Q3_SWEEP[1]
    early = (sweep[second] - sweep[first]) / (sweep[peak] - sweep[first])
    if all(b > a for a, b in zip(values, values[1:])):
        shape = "it keeps rising with p"
    else:
        shape = (f"it peaks at p = {peak} and is lower again at p = {Q3_SWEEP[-1]}: it is not monotone in p, "
                 "so 'more flicker, less Markov' is not what this number measures")
    where = (f"{early:.0%} of the rise to the peak already happens between p = {first} and p = {second}"
             if early > 0.5 else f"it rises from p = {first} on")
    return (f"{_q3_expected():.3f}. The sweep gives {table}. At p = {first} one observation predicts the next "
            f"almost perfectly (the full state is Markov). Any flicker breaks that: {where}, and {shape}. "
            f"History = {Q3_LONG_HISTORY} lowers the fraction at p = {Q3_FLICKER} to {long:.3f}, not to 0: a "
            "longer history helps when o_t is blank but cannot predict whether o_{t+1} will be.")


q3 = Question(
    "Q3",
    "Run `markov_probe(flicker, hide_velocity=False, history=1)` (from `marl_course.envs.cartpole`) for flicker "
    f"{', '.join(map(str, Q3_SWEEP[:-1]))} and {Q3_SWEEP[-1]}. Report the unexplained fraction for "
    f"flicker = {Q3_FLICKER} to 3 significant digits (the probe is seeded: your run gives the checked number). "
    f"How does it change with p, and does a longer history (history={Q3_LONG_HISTORY}) bring it back to 0?",
    _grade_q3,
    hints=["It is one call per flicker value; keep the default seed.",
           "A blank o_t says nothing about s_t, and a blank o_{t+1} cannot be predicted either: the noise "
           "that flickering adds is not removed by any history."],
    solution=_q3_solution,
    kind="experiment",
    reference=_q3_expected,
)

# ---- Q4: concept, the two update schemes

Q4_OPTIONS = ("sequential", "random")


def _grade_q4(answer):
    expect_choice(answer, "random", Q4_OPTIONS, what="the update scheme")


q4 = Question(
    "Q4",
    "Which of DRQN's two update schemes starts every unroll with the LSTM hidden state set to zero, and so "
    "cannot use memory from before the sampled window? Answer `'sequential'` or `'random'`.",
    _grade_q4,
    hints=["One scheme always starts at an episode's first step, where zero *is* the right initial state.",
           "The other starts at a random step in the middle of an episode."],
    solution=("`'random'` (bootstrapped random updates): the window starts mid-episode with h = 0, which matches "
              "DQN's i.i.d. sampling but loses what happened before the window. Sequential updates start at t = 0 "
              "and carry h through the whole episode."),
    kind="pen-and-paper",
    reference=lambda: "random",
)


def _grade_q5(answer):
    if as_whole_number(answer, "the history length") != _q5_expected():
        raise Incorrect("with that many observations the fraction is not yet below 0.1, or a shorter history "
                        "already gets there; try each h")


def _q5_expected() -> int:
    errors = np.array([markov_probe(0.0, True, h) for h in (1, 2, 3, 4)])
    return 1 + int(np.argmax(errors < 0.1))


q5 = Question(
    "Q5",
    "With the velocities hidden (`hide_velocity=True`, no flicker), what is the shortest history h for which "
    "`markov_probe(0.0, True, h)` falls below 0.1? This is the number of frames a DQN must stack here.",
    _grade_q5,
    hints=["Try h = 1, 2, 3, 4.",
           "A velocity is a difference of two positions: x_dot_t ~ (x_{t+1} - x_t) / tau."],
    solution=lambda: (f"h = {_q5_expected()}: two consecutive positions (and the action between them) recover the "
                      "velocity, so the pair is a Markov state again."),
    kind="experiment",
    reference=_q5_expected,
)
