"""Bad inputs to ``marl_course.tabular`` (and ``marl_course.stats``): every public function, class and
method refuses them with a ``ValueError`` or ``TypeError`` whose message names the parameter.

One table of calls, each paired with the name the error must mention. Constructors' scalar
parameters are fed the same families of bad values (wrong type, NaN / inf, out of range, a bool
where a number belongs, a string where a number or a bool belongs). A few edge values that are
valid (``epsilon=0``, ``gamma=0``, a one-hot distribution, ...) must still work.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bad_input_table import CaseTable

from marl_course.envs.grid_games import GridGame
from marl_course.envs.matrix_games import make_matrix_game
from marl_course.envs.soccer import Soccer
from marl_course.experiments import littman
from marl_course.stats import standard_error
from marl_course.tabular import ffq, mean_field_q, minimax_q, nash_q, phc, play, q_learning

NAN, INF = math.nan, math.inf

# families of bad scalars
POSITIVE_INT = [0, -1, 2.5, "3", True, None]
PROBABILITY = [-0.1, 1.5, NAN, INF, "0.5", None, True]            # must be in [0, 1]
RATE = [0.0, -0.1, 1.5, NAN, "0.5", None]                       # must be in (0, 1]
DISCOUNT = [1.0, -0.1, 1.5, NAN, "0.9", None]                   # must be in [0, 1)
REWARD = [NAN, INF, -INF, "1", None, [1.0]]                      # must be a finite number
BOOL = [1, 0, "no", "yes", None, 1.0]
SEED = ["0", 1.5, -1, [0]]
RNG = [0, None, "rng", np.random.RandomState(0)]

CASES = CaseTable()
case, kwarg_cases, arg_cases = CASES.case, CASES.kwarg_cases, CASES.arg_cases


# ---------------------------------------------------------------- q_learning

def _q_learner(**kwargs):
    return q_learning.QLearner(**{"n_states": 2, "n_actions": 3, **kwargs})


for name, values in [("n_states", POSITIVE_INT), ("n_actions", POSITIVE_INT), ("gamma", DISCOUNT),
                     ("epsilon", PROBABILITY), ("alpha", RATE), ("alpha_decay", RATE),
                     ("initial_q", [NAN, INF, "1", None])]:
    kwarg_cases("QLearner", _q_learner, name, values)


def _q_update(**kwargs):
    args = {"Q": np.zeros((2, 3)), "state": 0, "action": 1, "reward": 1.0, "next_state": 1, "alpha": 0.5,
            "gamma": 0.9, **kwargs}
    q_learning.q_learning_update(**args)


for name, values in [("Q", [[[0.0, 0.0]], np.zeros((2, 3), dtype=int), np.zeros((2, 3, 1)), np.full((2, 3), NAN),
                            np.zeros((0, 3)), "Q"]),
                     ("state", [-1, 2, 1.0, True, "0", None]), ("action", [-1, 3, 0.5, "1"]),
                     ("next_state", [-1, 5, 1.5]), ("reward", REWARD), ("alpha", [-0.1, 1.5, NAN, "0.5"]),
                     ("gamma", [1.0, -0.1, NAN, "0.9"])]:
    kwarg_cases("q_learning_update", _q_update, name, values)

for name, values in [("state", [-1, 2, 1.5, "0", True, None]), ("rng", RNG)]:
    kwarg_cases("QLearner.act", lambda **kw: _q_learner().act(**{"state": 0, "rng": np.random.default_rng(0), **kw}),
                name, values)


for name, values in [("player", [-1, 2, 0.5, "1", None]), ("n_other_actions", [0, 2.5, "3"])]:
    kwarg_cases("QLearner", _q_learner, name, values)

# one transition, (s, (a_1, a_2), (r_1, r_2), s'), with one field bad: every single-run learner refuses it by name
TRANSITION = {"state": 0, "actions": (1, 0), "rewards": (1.0, -1.0), "next_state": 1}
BAD_FIELDS = [("state", [-1, 2, 0.5, "0", None]), ("actions", [(1, 5), (-1, 0), (1.0, 0), (1,), (1, 0, 0), 5, "10"]),
              ("rewards", [(NAN, 0.0), (0.0, INF), ("1", "0"), (1.0,), 1.0, None]), ("next_state", [-1, 2, "1"])]


def _learner_update(learner, **kwargs):
    learner.update(play.Transition(**{**TRANSITION, **kwargs}))


def transition_cases(label, make):
    for name, values in BAD_FIELDS:
        kwarg_cases(f"{label}.update", lambda **kw: _learner_update(make(), **kw), name, values,
                    match=f"transition.{name}")
    for bad in [None, 5, (0, (1, 0), (1.0, -1.0)), "s a r s"]:
        case(f"{label}.update-transition={bad!r}", lambda bad=bad: make().update(bad), "transition")


transition_cases("QLearner", _q_learner)

# ---------------------------------------------------------------- play

for bad in [[[0.5, 0.6]], [[NAN, 1.0]], [[[0.5, 0.5]]], [["0.5", "0.5"]], [[-0.5, 1.5]], [[0.0, 0.0]], [0.5, 0.6],
            "policy", None]:
    case(f"FixedPolicy-policy={bad!r}", lambda bad=bad: play.FixedPolicy(bad), "policy")
case("FixedPolicy-n_runs=0", lambda: play.FixedPolicy([0.5, 0.5], n_runs=0), "n_runs")
case("FixedPolicy-n_runs=2.5", lambda: play.FixedPolicy([0.5, 0.5], n_runs=2.5), "n_runs")
for name, values in [("state", [-1, 1, 0.0, "0", [1, 0], [0], [0.0, 0.0], [0, -1]]), ("rng", RNG)]:
    kwarg_cases("FixedPolicy.act",
                lambda **kw: play.FixedPolicy([[0.5, 0.5]], n_runs=2).act(**{"state": 0,
                                                                             "rng": np.random.default_rng(0),
                                                                             **kw}), name, values)
for bad, match in [(None, "transition"), ((0, 1, 1.0, 2), "actions"), ((0, (1, 0), 1.0, 2), "rewards"),
                   ((0, (1, 0), (1.0,), 2), "rewards")]:
    case(f"as_transition-{bad!r}", lambda bad=bad: play.as_transition(bad, 2), match)


def _rps_players(n_runs=1):
    return [phc.PHC(3, n_runs=n_runs), play.FixedPolicy([1 / 3] * 3, n_runs=n_runs)]


def _play(**kwargs):
    args = {"env": make_matrix_game("rock_paper_scissors"), "agents": _rps_players(), "n_steps": 10, "seed": 0,
            **kwargs}
    return play.play(**args)


for name, values in [("env", [None, object(), "soccer"]),
                     ("agents", [None, "ab", phc.PHC(3), _rps_players()[:1], [object(), object()],
                                 [q_learning.QLearner(1, 3), q_learning.QLearner(1, 3)],
                                 [phc.PHC(3, n_runs=2), play.FixedPolicy([1 / 3] * 3, n_runs=2)]]),
                     ("n_steps", POSITIVE_INT), ("n_episodes", [0, -1, 2.5, "3"]), ("seed", SEED), ("learn", BOOL),
                     ("callback", [5, "f"]), ("progress", BOOL)]:
    kwarg_cases("play", _play, name, values)
case("play-second-seat", lambda: _play(agents=[phc.PHC(3), phc.PHC(3)]), r"agents\[1\]\.player")
case("play-n_runs", lambda: _play(agents=_rps_players(n_runs=2)), "n_runs")
case("play-one-learner-in-a-batch", lambda: _play(env=make_matrix_game("rock_paper_scissors", n_envs=2),
                                                  agents=[q_learning.QLearner(1, 3), play.FixedPolicy([1 / 3] * 3, n_runs=2)]),
     "agents")
case("play-steps-and-episodes", lambda: _play(n_episodes=3), "n_steps")
case("play-neither-steps-nor-episodes", lambda: _play(n_steps=None), "n_steps")

# ---------------------------------------------------------------- minimax_q

for name, values in [("n_steps", POSITIVE_INT), ("final_alpha", [0.0, 1.5, NAN, "0.01", None])]:
    kwarg_cases("decay_for", lambda **kw: minimax_q.decay_for(**{"n_steps": 100, **kw}), name, values)


def _minimax(**kwargs):
    return minimax_q.MinimaxQ(**{"n_states": 2, "n_actions": 3, "n_opponent_actions": 2, **kwargs})


for name, values in [("n_states", POSITIVE_INT), ("n_actions", POSITIVE_INT), ("n_opponent_actions", POSITIVE_INT),
                     ("gamma", DISCOUNT), ("epsilon", PROBABILITY), ("alpha", RATE), ("alpha_decay", RATE)]:
    kwarg_cases("MinimaxQ", _minimax, name, values)

transition_cases("MinimaxQ", _minimax)
kwarg_cases("MinimaxQ", _minimax, "player", [-1, 2, 1.5])
for name, values in [("state", [-1, 2, 1.5]), ("rng", RNG)]:
    kwarg_cases("MinimaxQ.act", lambda **kw: _minimax().act(**{"state": 0, "rng": np.random.default_rng(0), **kw}),
                name, values)


def _minimax_update(**kwargs):
    args = {"Q": np.ones((2, 3, 2)), "V": np.ones(2), "pi": np.full((2, 3), 1 / 3), "state": 0, "action": 1,
            "opponent_action": 0, "reward": 1.0, "next_state": 1, "alpha": 0.5, "gamma": 0.9, **kwargs}
    minimax_q.minimax_q_update(**args)


for name, values in [("Q", [np.ones((2, 3)), [[[1.0]]], np.full((2, 3, 2), NAN)]),
                     ("V", [np.ones(3), np.ones((2, 1)), [1.0, 1.0]]), ("pi", [np.ones((2, 2)), np.ones(3)]),
                     ("state", [-1, 2]), ("action", [-1, 3]), ("opponent_action", [-1, 2]),
                     ("next_state", [2, -1]), ("reward", REWARD), ("alpha", [1.5, -0.1, NAN]),
                     ("gamma", [1.0, NAN])]:
    kwarg_cases("minimax_q_update", _minimax_update, name, values)

for name, values in [("n_train", [0, -1, "5"]), ("n_challenger", [0, 2.5]), ("n_test", [0, None]),
                     ("seed", SEED), ("progress", BOOL)]:
    kwarg_cases("littman_table",
                lambda **kw: littman.littman_table(**{"n_train": 1, "n_challenger": 1, "n_test": 1, **kw}),
                name, values)

for name, values in [("name", ["XY", "mm", 3, None]), ("n_train", [0, -1, 2.5]), ("seed", SEED), ("progress", BOOL)]:
    kwarg_cases("train_soccer_policy", lambda **kw: littman.train_soccer_policy(**{"name": "QR", "n_train": 1, **kw}),
                name, values)

# ---------------------------------------------------------------- nash_q

for name, values in [("Q1", [[1.0, 2.0], [[NAN, 0.0], [0.0, 1.0]], [["a", "b"], ["c", "d"]]]),
                     ("Q2", [[[1.0, 2.0, 3.0]], [[INF, 0.0], [0.0, 1.0]], None])]:
    kwarg_cases("stage_nash", lambda **kw: nash_q.stage_nash(**{"Q1": [[1.0, 0.0], [0.0, 1.0]],
                                                                "Q2": [[1.0, 0.0], [0.0, 1.0]], **kw}), name, values)


def _nash_update(**kwargs):
    args = {"Q": np.zeros((2, 2, 2, 2)), "counts": np.zeros((2, 2, 2)), "state": 0, "action_1": 1, "action_2": 0,
            "rewards": [1.0, 0.0], "next_state": 1, "gamma": 0.5, **kwargs}
    nash_q.nash_q_update(**args)


for name, values in [("Q", [np.zeros((3, 2, 2, 2)), np.zeros((2, 2, 2)), [[[[0.0]]]], np.full((2, 2, 2, 2), NAN)]),
                     ("counts", [np.zeros((2, 2)), np.zeros((2, 2, 3)), np.full((2, 2, 2), -1.0)]),
                     ("state", [-1, 2]), ("action_1", [-1, 2, 0.5]), ("action_2", [2, "0"]), ("next_state", [-1, 2]),
                     ("rewards", [1.0, [1.0], [1.0, 2.0, 3.0], [NAN, 0.0], "ab", None, [["1", "2"]]]),
                     ("gamma", [1.0, -0.5, NAN])]:
    kwarg_cases("nash_q_update", _nash_update, name, values)

for name, values in [("n_states", POSITIVE_INT),
                     ("action_counts", [(4,), (4, 4, 4), 4, "44", (0, 4), (4, 2.5), (4, "4"), None]),
                     ("gamma", DISCOUNT)]:
    kwarg_cases("NashQ", lambda **kw: nash_q.NashQ(**{"n_states": 2, **kw}), name, values)


for name, values in [("epsilon", PROBABILITY), ("player", [-1, 2, "0"])]:
    kwarg_cases("NashQ", lambda **kw: nash_q.NashQ(**{"n_states": 2, "action_counts": (2, 2), **kw}), name, values)
transition_cases("NashQ", lambda: nash_q.NashQ(2, (2, 2)))
for name, values in [("state", [-1, 2, 0.5, "0"]), ("rng", RNG)]:
    kwarg_cases("NashQ.act", lambda **kw: nash_q.NashQ(2, (2, 2)).act(**{"state": 0, "rng": np.random.default_rng(0),
                                                                         **kw}), name, values)
arg_cases("NashQ.equilibrium-state", lambda s: nash_q.NashQ(2, (2, 2)).equilibrium(s), [-1, 2, "0", 0.5], "state")
arg_cases("NashQ.joint_action-state", lambda s: nash_q.NashQ(2, (2, 2)).joint_action(s), [-1, 2], "state")

# ---------------------------------------------------------------- ffq

for name, values in [("stage_q", [[1.0, 2.0], [[NAN, 0.0], [0.0, 1.0]], [["a", "b"], ["c", "d"]]]),
                     ("friends", ["yes", True, [1], ["no"], [True, True], [None]])]:
    kwarg_cases("friend_or_foe_value",
                lambda **kw: ffq.friend_or_foe_value(**{"stage_q": [[1.0, 0.0], [0.0, 1.0]], "friends": [True], **kw}),
                name, values)


def _ffq(**kwargs):
    return ffq.FriendOrFoeQ(**{"n_states": 2, "n_actions": 2, "n_opponent_actions": 2, "friend": True, **kwargs})


for name, values in [("friend", BOOL), ("n_states", [0, 2.5]), ("n_actions", [0, "2"]), ("gamma", [1.0, NAN]),
                     ("epsilon", [1.5, None]), ("alpha", [0.0, NAN]), ("alpha_decay", [0.0, 1.5])]:
    kwarg_cases("FriendOrFoeQ", _ffq, name, values)
kwarg_cases("FriendOrFoeQ", _ffq, "player", [2, "1"])
transition_cases("FriendOrFoeQ", lambda: _ffq(n_actions=3))
for agents in [None, "ab", [_ffq()], [_ffq(), _ffq(), _ffq()], [object(), object()], [_ffq(), _ffq()]]:
    case(f"play-grid-agents={agents!r}",
         lambda agents=agents: play.play(GridGame(1), agents, n_episodes=1, seed=0), "agents")
case("play-soccer-agents", lambda: play.play(Soccer(), [_ffq(), _ffq(player=1)], n_steps=1), "n_states")
case("play-soccer-actions", lambda: play.play(Soccer(), [ffq.FriendOrFoeQ(760, 4, 5, friend=False),
                                                         play.FixedPolicy(np.full((760, 5), 0.2))], n_steps=1),
     "n_actions")

# ---------------------------------------------------------------- phc

for name, values in [("policy", [[0.5, 0.6], [NAN, 1.0], [1.0], ["0.5", "0.5"], [-0.5, 1.5]]),
                     ("q_values", [[1.0, 0.0, 0.0], [NAN, 0.0], [["1", "0"]]]),
                     ("delta", [1.5, -0.1, NAN, [0.1, 0.2], "0.1"])]:
    kwarg_cases("hill_climb", lambda **kw: phc.hill_climb(**{"policy": [0.5, 0.5], "q_values": [1.0, 0.0],
                                                             "delta": 0.1, **kw}), name, values)

for name, values in [("policy", [[0.5, 0.6], [NAN, 1.0]]), ("average_policy", [[0.2, 0.2], ["a", "b"]]),
                     ("q_values", [[NAN, 0.0], [1.0, 0.0, 0.0]]), ("delta_w", [0.0, 1.5, NAN, "0.01"]),
                     ("delta_l", [0.001, 0.01, NAN, None])]:
    kwarg_cases("wolf_step_size",
                lambda **kw: phc.wolf_step_size(**{"policy": [0.5, 0.5], "average_policy": [0.5, 0.5],
                                                   "q_values": [1.0, 0.0], "delta_w": 0.01, "delta_l": 0.04, **kw}),
                name, values)

for name in ("n_states", "n_actions", "n_agents"):
    kwarg_cases("q_table_sizes",
                lambda **kw: phc.q_table_sizes(**{"n_states": 1, "n_actions": 2, "n_agents": 2, **kw}), name,
                [0, -1, 2.5, "3"])


def _phc(**kwargs):
    return phc.PHC(**{"n_actions": 2, "n_states": 2, "n_runs": 2, **kwargs})


for name, values in [("n_actions", [1, 0, 2.5, "3", None]), ("n_states", POSITIVE_INT), ("n_runs", POSITIVE_INT),
                     ("alpha", RATE), ("delta", RATE), ("gamma", DISCOUNT), ("epsilon", PROBABILITY),
                     ("initial_policy", [[0.5, 0.6], [1 / 3] * 3, [NAN, 1.0], ["0.5", "0.5"], "uniform"])]:
    kwarg_cases("PHC", _phc, name, values)


def _wolf(**kwargs):
    return phc.WoLFPHC(**{"n_actions": 2, "n_states": 2, "n_runs": 2, **kwargs})


for name, values in [("delta_w", [0.0, -0.1, 1.5, NAN, "0.001"]), ("delta_l", [0.0001, 0.0005, NAN, 2.0]),
                     ("alpha", [0.0, NAN]), ("gamma", [1.0, None]), ("epsilon", [1.5, "0"]), ("n_runs", [0, 1.5])]:
    kwarg_cases("WoLFPHC", _wolf, name, values)

for learner in (_phc, _wolf):
    label = learner.__name__
    kwarg_cases(label[1:].upper(), learner, "player", [-1, 0.5, "1"])
    for name, values in [("state", [[0, 2], [-1, 0], [0.0, 1.0], [0, 0, 0], "0"]), ("rng", RNG)]:
        kwarg_cases(f"{label}.act",
                    lambda learner=learner, **kw: learner().act(**{"state": [0, 1], "rng": np.random.default_rng(0),
                                                                   **kw}), name, values)
    batch = {"state": [0, 1], "actions": ([1, 0], [0, 1]), "rewards": ([1.0, 0.0], [0.0, 1.0]), "next_state": [1, 0]}
    for name, values in [("state", [[0, 2], [-1, 0], [0.5, 0.0]]),
                         ("actions", [([0, 2], [0, 0]), ([-1, 0], [0, 0]), ([1.0, 0.0], [0, 0]), ([0], [0])]),
                         ("rewards", [([NAN, 0.0], [0, 0]), ([0.0, INF], [0, 0]), (["1", "0"], [0, 0]),
                                      ([1.0, 2.0, 3.0], [0, 0])]),
                         ("next_state", [[0, 5], [True, False]])]:
        kwarg_cases(f"{label}.update",
                    lambda learner=learner, **kw: learner().update(play.Transition(**{**batch, **kw})), name, values,
                    match=f"transition.{name}")
    case(f"{label}.update-transition", lambda learner=learner: learner().update(None), "transition")
    case(f"{label}.update-seat", lambda learner=learner: learner(player=2).update(play.Transition(**batch)), "player")


def _matching_pennies(n_envs=2):
    return make_matrix_game("matching_pennies", n_envs=n_envs)


def _agents(n_runs=2):
    return [phc.PHC(2, n_runs=n_runs), phc.PHC(2, n_runs=n_runs, player=1)]


for name, values in [("n_steps", POSITIVE_INT), ("record_every", [0, -1, 2.5]), ("progress", BOOL), ("seed", SEED)]:
    kwarg_cases("learn", lambda **kw: phc.learn(**{"env": _matching_pennies(), "agents": _agents(), "n_steps": 10,
                                                   **kw}), name, values)

for name, values in [("n_actions", [1, 0, "2"]), ("player", [-1, 0.5, "1"]), ("weight", [1.5, -0.1, NAN])]:
    kwarg_cases("off_equilibrium_start",
                lambda **kw: phc.off_equilibrium_start(**{"n_actions": 2, "player": 0, **kw}), name, values)


def _self_play(**kwargs):
    args = {"env": _matching_pennies(), "delta_w": 0.001, "delta_l": 0.002, "n_steps": 10, "seed": 0, **kwargs}
    return phc.self_play(**args)


for name, values in [("delta_w", [0.0, NAN, "0.001"]), ("delta_l", [0.0005, NAN]), ("env", [None, "pennies"]),
                     ("initial_policies", [5, [[0.5, 0.5]], [[0.5, 0.6], [0.5, 0.5]]]), ("alpha", [0.0, 1.5]),
                     ("epsilon", [1.5, NAN]), ("n_steps", [0, "10"]), ("record_every", [0]), ("progress", [1])]:
    kwarg_cases("self_play", _self_play, name, values, match="initial_policies" if name == "initial_policies" else None)

def _one_run(**kwargs):
    args = {"env": _matching_pennies(1), "agents": [phc.WoLFPHC(2), phc.WoLFPHC(2, player=1)], "n_steps": 10,
            "seed": 0, **kwargs}
    return phc.self_play_one_run(**args)


for name, values in [("env", [None, _matching_pennies(2)]),
                     ("agents", [None, [phc.WoLFPHC(2)], [phc.WoLFPHC(2), phc.PHC(2, player=1)],
                                 [phc.WoLFPHC(2), phc.WoLFPHC(2)], [phc.WoLFPHC(2), phc.WoLFPHC(2, player=1, alpha=0.5)],
                                 [play.FixedPolicy([0.5, 0.5]), play.FixedPolicy([0.5, 0.5])]]),
                     ("n_steps", [0, "10"]), ("record_every", [0, 1.5]), ("progress", BOOL), ("seed", SEED)]:
    kwarg_cases("self_play_one_run", _one_run, name, values)

for name, values in [("policies", [[[0.5, 0.6]], [[NAN, 1.0]], "ab"]),
                     ("strategy", [[0.5, 0.6], [1 / 3] * 3, [[0.5, 0.5], [0.5, 0.5]]])]:
    kwarg_cases("distance_to_strategy",
                lambda **kw: phc.distance_to_strategy(**{"policies": [[0.5, 0.5]], "strategy": [0.5, 0.5], **kw}),
                name, values)

# ---------------------------------------------------------------- mean_field_q

for name, values in [("q", [5.0, [NAN, 0.0], ["a", "b"], []]), ("beta", [NAN, INF, "1", [1.0, 2.0, 3.0]])]:
    kwarg_cases("boltzmann_policy",
                lambda **kw: mean_field_q.boltzmann_policy(**{"q": [[0.0, 1.0], [1.0, 0.0]], "beta": 1.0, **kw}),
                name, values)
    kwarg_cases("mean_field_value",
                lambda **kw: mean_field_q.mean_field_value(**{"q": [[0.0, 1.0], [1.0, 0.0]], "beta": 1.0, **kw}),
                name, values)

for name, values in [("size", [1, 2.5, "8", None]), ("beta", [NAN, "1", None]), ("n_steps", [0, -1, 1.5]),
                     ("alpha", [0.0, 1.5, NAN]), ("gamma", [1.0, -0.1, NAN]), ("seed", SEED)]:
    kwarg_cases("ising_mean_field_q",
                lambda **kw: mean_field_q.ising_mean_field_q(**{"size": 4, "beta": 1.0, "n_steps": 2, **kw}),
                name, values)

for name, values in [("taus", [[0.0, 1.0], [-1.0], [NAN], [[1.0]], "1", []]), ("n_steps", [0, "5"]),
                     ("average_last", [0, 11, 2.5]), ("size", [1, "4"]), ("alpha", [0.0]), ("gamma", [1.0]),
                     ("seed", ["x"])]:
    kwarg_cases("mean_field_q_order_parameter",
                lambda **kw: mean_field_q.mean_field_q_order_parameter(**{"size": 4, "taus": [1.0], "n_steps": 10,
                                                                          "average_last": 5, **kw}), name, values)

# ---------------------------------------------------------------- stats

for name, values in [("values", [[], [NAN, 1.0], ["1", "2"], 3.0, None]), ("axis", [2, -3, 0.5, "0"])]:
    kwarg_cases("standard_error", lambda **kw: standard_error(**{"values": [[1.0, 2.0], [3.0, 4.0]], **kw}),
                name, values)


@pytest.mark.parametrize("call, match", CASES)
def test_bad_input_is_refused_naming_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_the_table_is_large():
    assert len(CASES) > 350


# ---------------------------------------------------------------- edge values that are valid


def test_edge_values_still_work():
    rng = np.random.default_rng(0)
    learner = q_learning.QLearner(1, 2, gamma=0.0, epsilon=0.0, alpha=1.0, alpha_decay=1.0, initial_q=0.0)
    learner.update((0, [1, 0], [3, -3], 0))                  # a plain tuple, lists, int rewards
    assert learner.act(np.int64(0), rng) == 1               # numpy integers are indices
    minimax = minimax_q.MinimaxQ(1, 2, 2, gamma=0.0, epsilon=1.0, alpha=1.0, alpha_decay=1.0)
    minimax.update(play.Transition(0, (0, 1), np.array([-1.0, 1.0]), 0))
    assert minimax.act(0, rng) in (0, 1)
    nash = nash_q.NashQ(1, (2, 2), gamma=0.0)
    nash.update(play.Transition(0, (1, 1), (1, 2), 0))       # a tuple of ints
    assert nash.Q[:, 0, 1, 1].tolist() == [1.0, 2.0]
    foe = ffq.FriendOrFoeQ(1, 2, 2, friend=np.bool_(False), gamma=0.0)
    foe.update(play.Transition(0, (0, 0), (1.0, -1.0), 0))
    agent = phc.PHC(2, n_runs=2, gamma=0.0, epsilon=0.0, alpha=1.0, delta=1.0)
    agent.update(play.Transition(np.array([0, 0]), (np.array([1, 0]), np.array([0, 0])),
                                 (np.array([1.0, 0.0]), np.zeros(2)), np.array([0, 0])))
    assert agent.act(0, rng).shape == (2,)                   # one state for all runs
    one = phc.PHC(2, gamma=0.0)
    one.update(play.Transition(0, (1, 0), (1.0, -1.0), 0))   # one run: plain ints and floats
    assert type(one.act(0, rng)) is int
    assert phc.hill_climb([1.0, 0.0], [0.0, 1.0], 0.0).tolist() == [1.0, 0.0]
    assert mean_field_q.boltzmann_policy([0.0, 1.0], 0.0).tolist() == [0.5, 0.5]
    assert float(standard_error([3.0])) == 0.0
    assert minimax_q.decay_for(1, final_alpha=1.0) == 1.0


def test_the_tables_defaults_are_valid():
    """Each bad case changes one argument of a valid call: the valid calls themselves succeed."""
    _q_update()
    _learner_update(_q_learner())
    _learner_update(_minimax())
    _learner_update(_ffq())
    _minimax_update()
    _nash_update()
    _learner_update(nash_q.NashQ(2, (2, 2)))
    _play()
    _self_play()
    _one_run()
    _phc().update(play.Transition([0, 1], ([1, 0], [0, 1]), ([1.0, 0.0], [0.0, 1.0]), [1, 0]))
    _wolf().act([0, 1], np.random.default_rng(0))
    phc.learn(_matching_pennies(), _agents(), n_steps=10)
    next(mean_field_q.ising_mean_field_q(4, 1.0, 2))
    littman.littman_table(n_train=1, n_challenger=1, n_test=1)
    play.play(GridGame(1), [ffq.FriendOrFoeQ(82, 4, 4, friend=True, player=i) for i in (0, 1)], n_episodes=1, seed=0)
    play.play(GridGame(1), [nash_q.NashQ(82, player=i) for i in (0, 1)], n_steps=5, seed=0)
