"""Bad inputs to ``marl_course.dynamics``: learning automata, (WoLF-)IGA and the Lagging Anchor refuse
them with a ``ValueError`` or ``TypeError`` whose message names the parameter.

The dynamics are generators, but they validate when called: a bad argument fails at the call,
not at the first ``next``. WoLF-IGA's ``equilibrium`` must be a Nash equilibrium of the game.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bad_input_table import CaseTable

from marl_course.dynamics import automata, gradient, lagging_anchor
from marl_course.games.gallery import matching_pennies, prisoners_dilemma, rock_paper_scissors

NAN, INF = math.nan, math.inf
PENNIES = matching_pennies()
UNIT_PENNIES = automata.normalise_payoffs(PENNIES.payoffs)
SEED = ["0", 1.5, -1, [0]]

CASES = CaseTable()
case, kwarg_cases = CASES.case, CASES.kwarg_cases


def _counter():
    k = 0
    while True:
        yield (np.array([k]),)
        k += 1


# ---------------------------------------------------------------- automata

for name, values in [("n_steps", [0, -1, 2.5, "10", None, True]), ("every", [0, -2, 1.5, "1"])]:
    kwarg_cases("record", lambda **kw: automata.record(**{"iterates": _counter(), "n_steps": 5, **kw}), name, values)
for bad in [5, None, iter([]), iter([1, 2, 3]), iter([np.array([1.0])])]:
    case(f"record-iterates={bad!r}", lambda bad=bad: automata.record(bad, 3), "iterates")

for bad, match in [("ab", "payoffs"), ([], "payoffs"), ([[1.0, 2.0], [3.0, 4.0]], "payoffs"),
                   ([np.zeros((2, 2)), np.zeros((2, 3))], "payoffs"), ([np.full((2, 2), NAN), np.zeros((2, 2))], "payoffs"),
                   ([[["a", "b"], ["c", "d"]], np.zeros((2, 2))], "payoffs"), (None, "payoffs"), (np.zeros(3), "payoffs")]:
    case(f"normalise_payoffs-{bad!r}", lambda bad=bad: automata.normalise_payoffs(bad), match)


def _step(**kwargs):
    args = {"policy": [0.5, 0.5], "action": 0, "reward": 0.5, "eta_1": 0.1, "eta_2": 0.0, **kwargs}
    return automata.automaton_step(**args)


for name, values in [("policy", [[0.5, 0.6], [1.0], [NAN, 1.0], ["0.5", "0.5"], [-0.5, 1.5], "p"]),
                     ("action", [0.5, -1, 2, [0, 1], "0", True]),
                     ("reward", [1.5, -0.1, NAN, INF, "0.5", None, [0.5, 0.5]]),
                     ("eta_1", [0.0, 1.0, -0.1, NAN, "0.1", None]), ("eta_2", [-0.1, 0.1, 0.5, NAN, "0"])]:
    kwarg_cases("automaton_step", _step, name, values, match="eta" if name == "eta_2" else None)


def _automata(**kwargs):
    args = {"payoffs": UNIT_PENNIES, "eta_1": 0.1, "eta_2": 0.0, "n_runs": 2, "seed": 0, **kwargs}
    return automata.learning_automata(**args)


for name, values in [("payoffs", [PENNIES.payoffs, [np.eye(2) * 2, np.eye(2)], "ab", [np.eye(2)]]),
                     ("eta_1", [0.0, 1.0, NAN, "0.1"]), ("eta_2", [0.1, 0.2, -0.1, NAN]),
                     ("initial_policies", [5, "ab", [[0.5, 0.5]], [[0.5, 0.6], [0.5, 0.5]], [[1 / 3] * 3, [0.5, 0.5]],
                                           [np.full((3, 2), 0.5), [0.5, 0.5]], [[NAN, 1.0], [0.5, 0.5]]]),
                     ("n_runs", [0, -1, 2.5, "2"]), ("seed", SEED)]:
    kwarg_cases("learning_automata", _automata, name, values, match="eta" if name == "eta_2" else None)

for name, values in [("eta", [0.0, 1.0, -0.5, NAN, "0.1", None]), ("n_runs", [0, "1"]), ("seed", ["x"]),
                     ("payoffs", [PENNIES.payoffs])]:
    kwarg_cases("linear_reward_inaction",
                lambda **kw: automata.linear_reward_inaction(**{"payoffs": UNIT_PENNIES, "eta": 0.1, **kw}), name, values)
for name, values in [("eta_2", [0.0, 0.02, 0.5, NAN, "0.002"]), ("eta_1", [0.0, 1.0, NAN])]:
    kwarg_cases("linear_reward_penalty",
                lambda **kw: automata.linear_reward_penalty(**{"payoffs": UNIT_PENNIES, "eta_1": 0.02, "eta_2": 0.002,
                                                               **kw}), name, values, match="eta")

# ---------------------------------------------------------------- gradient

BAD_R = [np.eye(3), [[NAN, 0.0], [0.0, 1.0]], [["a", "b"], ["c", "d"]], [1.0, 2.0], None]

for function in (gradient.expected_rewards_2x2, gradient.value_gradients_2x2):
    label = function.__name__
    for name, values in [("R_1", BAD_R), ("R_2", BAD_R[:4] + [np.zeros((2, 3))]),
                         ("p_1", [1.5, -0.1, NAN, "0.5", [0.1, 0.2, 0.3]]), ("q_1", [2.0, INF, None])]:
        kwarg_cases(label, lambda function=function, **kw: function(**{"R_1": PENNIES.A, "R_2": PENNIES.B,
                                                                        "p_1": [0.1, 0.2], "q_1": [0.5, 0.5], **kw}),
                    name, values)

for name, values in [("R_1", BAD_R), ("R_2", [np.eye(3), [[INF, 0.0], [0.0, 1.0]]])]:
    kwarg_cases("default_equilibrium_2x2",
                lambda **kw: gradient.default_equilibrium_2x2(**{"R_1": PENNIES.A, "R_2": PENNIES.B, **kw}), name, values)


def _wolf_iga(**kwargs):
    args = {"R_1": PENNIES.A, "R_2": PENNIES.B, "eta": 0.01, "alpha_min": 1.0, "alpha_max": 4.0,
            "initial": [0.9, 0.6], **kwargs}
    return gradient.wolf_iga(**args)


for name, values in [("R_1", BAD_R), ("R_2", [np.eye(3), [[NAN, 0.0], [0.0, 1.0]]]),
                     ("eta", [0.0, -0.01, NAN, INF, "0.01", None]), ("alpha_min", [0.0, -1.0, NAN, "1"]),
                     ("alpha_max", [0.5, NAN, None]),
                     ("initial", [[1.5, 0.5], [0.5], [[[0.5, 0.5]]], [NAN, 0.5], ["0.5", "0.5"], [0.5, 0.5, 0.5]]),
                     ("equilibrium", [(0.9, 0.1), (0.5, 0.6), (1.0, 1.0), (0.5,), (0.5, 0.5, 0.5), (1.5, 0.5),
                                      "ab", (NAN, 0.5), [[0.5, 0.5]]])]:
    kwarg_cases("wolf_iga", _wolf_iga, name, values)
# prisoner's dilemma: mutual cooperation is not an equilibrium, mutual defection (0, 0) is
PD = prisoners_dilemma()
for bad in [(1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5)]:
    case(f"wolf_iga-prisoners-equilibrium={bad}", lambda bad=bad: _wolf_iga(R_1=PD.A, R_2=PD.B, equilibrium=bad),
         "equilibrium")

for name, values in [("R_1", BAD_R), ("eta", [0.0, NAN, "0.01"]), ("initial", [[1.5, 0.5], [0.5], "ab"])]:
    kwarg_cases("iga", lambda **kw: gradient.iga(**{"R_1": PENNIES.A, "R_2": PENNIES.B, "eta": 0.01,
                                                    "initial": [0.9, 0.6], **kw}), name, values)

# ---------------------------------------------------------------- lagging anchor

for bad in [0, -1, 2.5, "3", True, None]:
    case(f"centering_matrix-m={bad!r}", lambda bad=bad: lagging_anchor.centering_matrix(bad), "m")
for bad in [[NAN, 1.0], ["0.5", "0.5"], 0.5, [], [[INF, 0.0]]]:
    case(f"project_to_simplex-points={bad!r}", lambda bad=bad: lagging_anchor.project_to_simplex(bad), "points")

RPS = rock_paper_scissors().A


def _anchor(**kwargs):
    args = {"R_1": RPS, "eta": 0.02, "eta_d": 1.0, "n_runs": 2, "seed": 0, **kwargs}
    return lagging_anchor.lagging_anchor(**args)


for name, values in [("R_1", [[1.0, 2.0], [[NAN, 0.0], [0.0, 1.0]], [["a"]], None]),
                     ("R_2", [np.zeros((2, 3)), np.full((3, 3), INF), [["a", "b", "c"]] * 3]),
                     ("eta", [0.0, -0.1, NAN, "0.02", None]), ("eta_d", [-1.0, NAN, INF, "1"]),
                     ("initial", [5, "ab", ([1 / 3] * 3,), ([0.5, 0.6, 0.0], [1 / 3] * 3), ([0.5, 0.5], [1 / 3] * 3),
                                  ([1 / 3] * 3, np.full((3, 3), 1 / 3)), ([NAN, 0.5, 0.5], [1 / 3] * 3)]),
                     ("n_runs", [0, -1, 1.5, "2"]), ("sampled", [1, 0, "no", None]), ("seed", SEED)]:
    kwarg_cases("lagging_anchor", _anchor, name, values)
case("lagging_anchor-eta*eta_d>1", lambda: _anchor(eta=0.5, eta_d=3.0), "eta")


@pytest.mark.parametrize("call, match", CASES)
def test_bad_input_is_refused_naming_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_the_table_is_large():
    assert len(CASES) > 200


def test_the_tables_defaults_are_valid():
    assert automata.record(_counter(), 5)[0].shape == (5, 1)
    assert _step().shape == (2,)
    next(_automata())
    next(_wolf_iga())
    next(_anchor())


def test_edge_values_still_work():
    # rewards at both ends of [0, 1], eta_2 = 0 (L_R-I), a batch of policies with one action each
    assert automata.automaton_step([0.5, 0.5], 0, 1.0, 0.1).tolist() == [0.55, 0.45]
    assert automata.automaton_step([0.5, 0.5], 0, 0.0, 0.1).tolist() == [0.5, 0.5]
    assert automata.automaton_step([[0.5, 0.5], [1.0, 0.0]], np.array([0, 1]), [0.0, 1.0], 0.1).shape == (2, 2)
    # the given equilibrium of matching pennies, and a pure one of the prisoner's dilemma, are accepted
    p, q = next(_wolf_iga(equilibrium=(0.5, 0.5)))
    assert p.tolist() == [0.9]
    next(_wolf_iga(R_1=PD.A, R_2=PD.B, equilibrium=(0.0, 0.0)))
    # a game where every point is an equilibrium (constant payoffs)
    next(_wolf_iga(R_1=np.ones((2, 2)), R_2=np.ones((2, 2)), equilibrium=(0.3, 0.7)))
    # eta_d = 0 is plain gradient play; start on a corner of the simplex
    path = automata.record(_anchor(eta_d=0.0, initial=([1.0, 0.0, 0.0], [0.0, 0.0, 1.0]), sampled=False), 3)
    assert np.allclose(path.v.sum(axis=-1), 1.0)
    assert gradient.expected_rewards_2x2(PENNIES.A, PENNIES.B, 0.0, 1.0)[0].tolist() == -1.0
    assert lagging_anchor.centering_matrix(np.int64(1)).tolist() == [[0.0]]
