"""Bad inputs to ``marl_course.envs``: every environment's constructor, ``reset`` and ``step`` and every
public helper refuse them with a ``ValueError`` or ``TypeError`` whose message names the parameter.

Constructors get the same families of bad values (wrong type, NaN / inf, out of range, a bool for a
number, a number for a bool), ``reset`` a bad seed and ``step`` actions of the wrong shape, type or
range. A few valid edge settings (a grid exactly full, ``flicker`` 0 and 1, ...) must still work.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bad_input_table import CaseTable

from marl_course.envs import (
    battle_grid,
    cartpole,
    coordination_grid,
    grid_games,
    ising,
    jungle,
    matrix_games,
    nonmonotonic,
    particle,
    predator_prey,
    soccer,
    two_step,
)
from marl_course.games.gallery import matching_pennies
from marl_course.tabular.play import Rollout

NAN, INF = math.nan, math.inf
POSITIVE_INT = [0, -1, 2.5, "3", True, None]
NON_NEGATIVE_INT = [-1, 1.5, "0", None]
PROBABILITY = [-0.1, 1.5, NAN, INF, "0.5", None]
BOOL = [1, 0, "no", "yes", None]
SEED = ["0", 1.5, -1, [0], True]

CASES = CaseTable()
case, kwarg_cases = CASES.case, CASES.kwarg_cases


def reset_cases(label: str, make) -> None:
    for seed in SEED:
        case(f"{label}.reset-seed={seed!r}", lambda seed=seed: make().reset(seed=seed), "seed")


def step_cases(label: str, make, shape: tuple, n_actions: int, name: str = "actions") -> None:
    """Actions of the wrong shape, out of range, negative, floats, a string."""
    bad = [np.zeros(shape[:-1] + (shape[-1] + 1,), dtype=int), np.full(shape, n_actions), np.full(shape, -1),
           np.zeros(shape), "0", None]
    if len(shape) > 1:
        bad.append(np.zeros(shape[-1:], dtype=int))
    for actions in bad:
        case(f"{label}.step-{name}={actions!r}", lambda actions=actions: _reset_then_step(make(), actions), name)


def _reset_then_step(env, actions):
    env.reset(seed=0)
    return env.step(actions)


# ---------------------------------------------------------------- soccer

for name, values in [("draw_probability", PROBABILITY), ("discount", [1.0, -0.1, NAN, "0.9"]),
                     ("n_envs", POSITIVE_INT)]:
    kwarg_cases("Soccer", lambda **kw: soccer.Soccer(**kw), name, values)
reset_cases("Soccer", soccer.Soccer)
step_cases("Soccer", lambda: soccer.Soccer(n_envs=2), (2, 2), 5)
step_cases("Soccer-one-world", soccer.Soccer, (1, 2), 5)
for bad in [2, -1, "A", 0.0, None]:
    case(f"hand_built_policy-player={bad!r}", lambda bad=bad: soccer.hand_built_policy(bad), "player")
for name, values in [("wins_a", [-1, 0.5, "1"]), ("wins_b", [-1]), ("draws", [None]), ("steps", [-1, 1.5])]:
    kwarg_cases("MatchRecord", lambda **kw: soccer.MatchRecord(**{"wins_a": 0, "wins_b": 0, "draws": 0, "steps": 5,
                                                                  **kw}), name, values)
case("MatchRecord-more-games-than-steps", lambda: soccer.MatchRecord(2, 2, 2, 5), "steps")


for rewards, done in [(np.zeros((5, 3)), np.zeros(5, bool)), (np.zeros((5, 2)), np.zeros(4, bool)),
                      (np.zeros((5, 4, 2)), np.zeros((5, 4), bool))]:
    case(f"MatchRecord.of-{rewards.shape}-{done.shape}", lambda r=rewards, d=done: soccer.MatchRecord.of(Rollout(r, d)),
         "rollout")

# ---------------------------------------------------------------- grid games

for name, values in [("cell_1", [9, -1, 0.5, "0"]), ("cell_2", [9, None])]:
    kwarg_cases("state_of", lambda **kw: grid_games.state_of(**{"cell_1": 0, "cell_2": 2, **kw}), name, values)
for bad in [81, 82, -1, "3", 2.0]:
    case(f"cells_of-state={bad!r}", lambda bad=bad: grid_games.cells_of(bad), "state")
for name, values in [("game", [0, 3, "1", 1.0]), ("discount", [1.0, -0.1, NAN, "0.99"])]:
    kwarg_cases("grid_game", lambda **kw: grid_games.grid_game(**{"game": 1, **kw}), name, values)
for bad in [0, 3, "2", True]:
    case(f"GridGame-game={bad!r}", lambda bad=bad: grid_games.GridGame(bad), "game")
reset_cases("GridGame", grid_games.GridGame)
step_cases("GridGame", lambda: grid_games.GridGame(n_envs=2), (2, 2), 4)
step_cases("GridGame-one-world", grid_games.GridGame, (1, 2), 4)
for bad in [0, -1, 2.5, "200", True]:
    case(f"GridGame-max_steps={bad!r}", lambda bad=bad: grid_games.GridGame(1, max_steps=bad), "max_steps")
kwarg_cases("GridGame", lambda **kw: grid_games.GridGame(**kw), "n_envs", POSITIVE_INT)
for name, values in [("env", [None, "grid", grid_games.GridGame(n_envs=2)]), ("joint_action", [5, None, lambda s: (0, 0, 0), lambda s: 0]),
                     ("max_steps", [0, "20"]), ("seed", ["x", -1])]:
    kwarg_cases("greedy_path", lambda **kw: grid_games.greedy_path(**{"env": grid_games.GridGame(),
                                                                      "joint_action": lambda s: (0, 0), **kw}),
                name, values)

# ---------------------------------------------------------------- coordination grid

case("CoordinationGrid-too-many-agents", lambda: coordination_grid.CoordinationGrid(size=2, n_agents=4), "n_agents")
case("CoordinationGrid-too-many-agents-size", lambda: coordination_grid.CoordinationGrid(size=2, n_agents=4), "size")
case("CoordinationGrid-no-cell-for-the-prey", lambda: coordination_grid.CoordinationGrid(size=3, n_agents=9),
     "too many agents")
for name, values in [("n_envs", POSITIVE_INT), ("size", [1, 0, 2.5, "5"]), ("n_agents", POSITIVE_INT),
                     ("sight", [0, -1, 1.5]), ("episode_limit", POSITIVE_INT), ("capture_reward", [NAN, INF, "10"]),
                     ("step_cost", [-0.1, NAN, None]), ("prey_move_prob", PROBABILITY),
                     ("miscoordination_penalty", [-1.0, NAN, "0"])]:
    kwarg_cases("CoordinationGrid", lambda **kw: coordination_grid.CoordinationGrid(**kw), name, values)
reset_cases("CoordinationGrid", coordination_grid.CoordinationGrid)
step_cases("CoordinationGrid", lambda: coordination_grid.CoordinationGrid(n_envs=3), (3, 2), 6)

# ---------------------------------------------------------------- jungle

for name, values in [("positions", [[0.0, 1.0], [[0, 0, 0], [1, 1, 1]], [[NAN, 0.0], [1.0, 1.0]], [["a", "b"]]]),
                     ("k", [-1, 3, 1.5, "1", None])]:
    kwarg_cases("k_nearest_adjacency",
                lambda **kw: jungle.k_nearest_adjacency(**{"positions": [[0, 0], [0, 1], [5, 5]], "k": 1, **kw}),
                name, values)
for name, values in [("n_envs", POSITIVE_INT), ("n_agents", [1, 0, 2.5]), ("n_scouts", [-1, 13, 1.5, "2"]),
                     ("n_food", POSITIVE_INT), ("size", [2, 0, "10"]), ("view", [-1, 11, 1.5]),
                     ("scout_view", [-1, 2.5, "10"]), ("k", [-1, 12, "3"]),
                     ("episode_length", POSITIVE_INT), ("collision_penalty", [0.5, NAN, "-0.1"]),
                     ("eat_radius", [-1, 11, 0.5])]:
    kwarg_cases("Jungle", lambda **kw: jungle.Jungle(**kw), name, values)
reset_cases("Jungle", jungle.Jungle)
step_cases("Jungle", lambda: jungle.Jungle(n_envs=2, n_agents=3, n_scouts=1, k=2), (2, 3), 5)
for name, values in [("env", [None, predator_prey.PredatorPrey()]), ("n_episodes", POSITIVE_INT), ("seed", SEED)]:
    kwarg_cases("jungle.random_policy_return",
                lambda **kw: jungle.random_policy_return(**{"env": jungle.Jungle(n_envs=1), "n_episodes": 1, **kw}),
                name, values)

# ---------------------------------------------------------------- ising

BAD_LATTICES = [[0, 1, 1], [[0, 1, 1], [1, 1, 0]], np.zeros((0, 2, 2), dtype=int), 5]
for bad in BAD_LATTICES + [[[0, 2], [1, 1]], [[0.5, 1], [1, 1]], [["0", "1"], ["1", "1"]]]:
    case(f"spins_from_actions-{bad!r}", lambda bad=bad: ising.spins_from_actions(bad), "actions")
for bad in BAD_LATTICES + [[["a", "b"], ["c", "d"]], [[NAN, 1.0], [1.0, 1.0]], [[INF, 1.0], [1.0, 1.0]]]:
    case(f"neighbour_sum-{bad!r}", lambda bad=bad: ising.neighbour_sum(bad), "values")
for function in (ising.ising_rewards, ising.order_parameter):
    for bad in BAD_LATTICES + [[[0, 1], [1, 1]], [[2, 1], [1, -1]], [[NAN, 1], [1, 1]]]:
        case(f"{function.__name__}-{bad!r}", lambda function=function, bad=bad: function(bad), "spins")
for name, values in [("actions", BAD_LATTICES + [[[0.0, 1.0], [1.0, 1.0]], [[-1, 0], [0, 0]], [[0, 2], [0, 0]]]),
                     ("n_actions", [0, -1, 2.5, "2"])]:
    kwarg_cases("lattice_mean_action",
                lambda **kw: ising.lattice_mean_action(**{"actions": [[0, 1], [1, 1]], **kw}), name, values)


def _heat_bath(**kwargs):
    args = {"spins": np.ones((2, 4, 4), dtype=int), "temperature": [1.0, 2.0], "n_sweeps": 2, "seed": 0, **kwargs}
    return ising.heat_bath_sweeps(**args)


for name, values in [("spins", [np.zeros((4, 4), dtype=int), np.ones((3, 3), dtype=int), np.ones(4), [[1, 2], [1, 1]]]),
                     ("temperature", [0.0, -1.0, NAN, [1.0, 2.0, 3.0], "1", [[1.0], [2.0], [3.0]]]),
                     ("n_sweeps", POSITIVE_INT), ("seed", SEED)]:
    kwarg_cases("heat_bath_sweeps", _heat_bath, name, values)
for name, values in [("size", [3, 1, 2.5, "4"]), ("temperatures", [[0.0], [-1.0], [NAN], [[1.0]], "1", []]),
                     ("n_sweeps", [0, "5"]), ("burn_in", [-1, 10, 0.5]), ("seed", ["x"])]:
    kwarg_cases("monte_carlo_order_parameter",
                lambda **kw: ising.monte_carlo_order_parameter(**{"size": 4, "temperatures": [1.0], "n_sweeps": 10,
                                                                  "burn_in": 2, **kw}), name, values)

# ---------------------------------------------------------------- battle grid

for name, values in [("grids", [[1.0, 2.0], [[NAN, 0.0], [0.0, 1.0]], [["a", "b"], ["c", "d"]], None]),
                     ("radius", [-1, 1.5, "1", None])]:
    kwarg_cases("box_sum", lambda **kw: battle_grid.box_sum(**{"grids": np.eye(3), "radius": 1, **kw}), name, values)
for name, values in [("n_envs", POSITIVE_INT), ("size", [3, 0, 2.5, "12"]), ("n_agents", [0, 49, 1.5]),
                     ("hp", POSITIVE_INT), ("view", NON_NEGATIVE_INT), ("mean_radius", [0, -1, "3"]),
                     ("max_steps", POSITIVE_INT), ("blue_noise", PROBABILITY), ("blue_advances", BOOL)]:
    kwarg_cases("BattleGrid", lambda **kw: battle_grid.BattleGrid(**kw), name, values)
reset_cases("BattleGrid", battle_grid.BattleGrid)
step_cases("BattleGrid", lambda: battle_grid.BattleGrid(n_envs=2, size=8, n_agents=4), (2, 4), 6)
case("BattleGrid.step-before-reset",
     lambda: battle_grid.BattleGrid(size=8, n_agents=4).step(np.zeros((1, 4), dtype=int)), "reset")


def _battle(reset=True):
    env = battle_grid.BattleGrid(size=8, n_agents=4)
    if reset:
        env.reset(seed=0)
    return env


for name, values in [("env", [None, jungle.Jungle(), _battle(reset=False)]), ("team", [2, -1, 0.5, "1"]),
                     ("rng", [0, None, "rng"])]:
    kwarg_cases("scripted_action", lambda **kw: battle_grid.scripted_action(**{"env": _battle(), "team": 1,
                                                                               "rng": np.random.default_rng(0), **kw}),
                name, values, match="env" if name == "env" else None)

# ---------------------------------------------------------------- particle

for name, values in [("n_envs", POSITIVE_INT), ("max_steps", POSITIVE_INT), ("n_agents", [1, 0, 2.5, "3"]),
                     ("local_ratio", [1.5, -0.1, NAN, "0.5", None])]:
    kwarg_cases("CooperativeNavigation", lambda **kw: particle.CooperativeNavigation(**kw), name, values)
for name, values in [("n_good", POSITIVE_INT), ("n_envs", [0]), ("max_steps", [-1])]:
    kwarg_cases("PhysicalDeception", lambda **kw: particle.PhysicalDeception(**kw), name, values)
for name, values in [("n_envs", POSITIVE_INT), ("max_steps", POSITIVE_INT)]:
    kwarg_cases("SpeakerListener", lambda **kw: particle.SpeakerListener(**kw), name, values)
for make in (particle.CooperativeNavigation, particle.PhysicalDeception, particle.SpeakerListener):
    for seed in ["0", 1.5, -1, None, True]:
        case(f"{make.__name__}.reset-seed={seed!r}", lambda make=make, seed=seed: make().reset(seed), "seed")
step_cases("CooperativeNavigation", lambda: particle.CooperativeNavigation(n_envs=2), (2, 3), 5)
step_cases("PhysicalDeception", lambda: particle.PhysicalDeception(n_envs=2), (2, 3), 5)
step_cases("SpeakerListener", lambda: particle.SpeakerListener(n_envs=2), (2, 2), 5)
case("SpeakerListener.step-word-3",  # a move the listener may make is no word of the speaker's
     lambda: _reset_then_step(particle.SpeakerListener(n_envs=2), np.array([[3, 0], [0, 0]])), "actions")
case("SpeakerListener.step-before-reset",
     lambda: particle.SpeakerListener().step(np.zeros((1, 2), dtype=int)), "reset")
case("CooperativeNavigation.step-before-reset",
     lambda: particle.CooperativeNavigation().step(np.zeros((1, 3), dtype=int)), "reset")

BAD_POSITIONS = [np.zeros((2, 2)), np.zeros((1, 2, 3)), np.full((1, 2, 2), NAN), [[["a", "b"]]], None]
for bad in BAD_POSITIONS:
    case(f"pairwise_offsets-pos={bad!r}", lambda bad=bad: particle.pairwise_offsets(bad), "pos")
for name, values in [("pos", BAD_POSITIONS), ("size", [-0.1, NAN, "0.15", None])]:
    kwarg_cases("contact_forces", lambda **kw: particle.contact_forces(**{"pos": np.zeros((1, 2, 2)), "size": 0.15,
                                                                          **kw}), name, values)
for bad in [np.zeros((2, 3)), np.zeros(3), 5]:
    case(f"noop_actions-obs={bad!r}", lambda bad=bad: particle.noop_actions(bad), "obs")
    case(f"random_actions-obs={bad!r}", lambda bad=bad: particle.random_actions(bad, np.random.default_rng(0)), "obs")
for bad in [0, None, "rng"]:
    case(f"random_actions-rng={bad!r}", lambda bad=bad: particle.random_actions(np.zeros((1, 3, 18)), bad), "rng")
for name, values in [("obs", [np.zeros((2, 18)), np.zeros((1, 3, 17)), np.full((1, 3, 18), NAN), "obs"]),
                     ("gain", [-1.0, NAN, "2"]), ("damping", [-0.1, INF]), ("dead_zone", [-0.1, None])]:
    kwarg_cases("scripted_navigation_actions",
                lambda **kw: particle.scripted_navigation_actions(**{"obs": np.zeros((1, 3, 18)), **kw}), name, values)

for function in (particle.play_episode, particle.episode_returns, particle.navigation_metrics,
                 particle.record_episode):
    label = function.__name__
    for name, values in [("env", [None, jungle.Jungle()]), ("policy", [None, 5, "noop"]), ("seed", ["0", -1, 1.5])]:
        kwarg_cases(label, lambda function=function, **kw: function(**{"env": particle.CooperativeNavigation(),
                                                                        "policy": particle.noop_actions, **kw}),
                    name, values)
case("navigation_metrics-env-deception",
     lambda: particle.navigation_metrics(particle.PhysicalDeception(), particle.noop_actions), "env")
for name, values in [("n_envs", [0, 2.5]), ("n_steps", [0, "10"]), ("seed", [-1, "0"])]:
    kwarg_cases("joint_steps_per_second",
                lambda **kw: particle.joint_steps_per_second(**{"n_envs": 1, "n_steps": 1, **kw}), name, values)

# ---------------------------------------------------------------- predator-prey

for name, values in [("n_envs", POSITIVE_INT), ("n_predators", POSITIVE_INT), ("size", [1, 0, "5"]),
                     ("vision", [-1, 6, 0.5]), ("episode_length", POSITIVE_INT), ("step_penalty", [0.5, NAN, "-0.05"])]:
    kwarg_cases("PredatorPrey", lambda **kw: predator_prey.PredatorPrey(**kw), name, values)
reset_cases("PredatorPrey", predator_prey.PredatorPrey)
step_cases("PredatorPrey", lambda: predator_prey.PredatorPrey(n_envs=2), (2, 3), 5)

# ---------------------------------------------------------------- cartpole

for name, values in [("gravity", [NAN, "9.8", None]), ("cart_mass", [0.0, -1.0, INF]), ("pole_mass", [0.0, NAN]),
                     ("half_length", [0.0, "0.5"]), ("force", [-10.0, NAN]), ("tau", [0.0, -0.02, INF]),
                     ("x_limit", [0.0, NAN]), ("theta_limit", [-0.2, INF])]:
    kwarg_cases("CartPoleParams", lambda **kw: cartpole.CartPoleParams(**kw), name, values)
for name, values in [("state", [[0.0, 1.0], [NAN, 0.0, 0.0, 0.0], ["0", "0", "0", "0"], 0.0]),
                     ("force", [NAN, [1.0, 2.0, 3.0], "10"]), ("params", [None, {"gravity": 9.8}])]:
    kwarg_cases("cartpole_derivatives",
                lambda **kw: cartpole.cartpole_derivatives(**{"state": np.zeros((2, 4)), "force": 0.0, **kw}),
                name, values)
for name, values in [("n_envs", POSITIVE_INT), ("flicker", PROBABILITY), ("hide_velocity", BOOL),
                     ("visible_flag", BOOL), ("max_steps", POSITIVE_INT), ("params", [None, {}])]:
    kwarg_cases("CartPole", lambda **kw: cartpole.CartPole(**kw), name, values)
for bad in [np.zeros(4), np.zeros((3, 4)), np.zeros((2, 2)), np.full((2, 4), NAN), "state"]:
    case(f"CartPole.observe-state={bad!r}", lambda bad=bad: cartpole.CartPole(n_envs=2).observe(bad), "state")
reset_cases("CartPole", cartpole.CartPole)
step_cases("CartPole", lambda: cartpole.CartPole(n_envs=2), (2,), 2)
for name, values in [("env", [None, jungle.Jungle()]), ("seed", SEED)]:
    kwarg_cases("cartpole.random_policy_return",
                lambda **kw: cartpole.random_policy_return(**{"env": cartpole.CartPole(n_envs=2, max_steps=3), **kw}),
                name, values)


def _markov(**kwargs):
    args = {"observations": np.random.default_rng(0).normal(size=(2, 4, 2)), "actions": np.zeros((2, 3), dtype=int),
            "history": 1, **kwargs}
    return cartpole.markov_prediction_error(**args)


for name, values in [("observations", [np.zeros((2, 4)), np.zeros((2, 1, 2)), np.full((2, 4, 2), NAN), "obs",
                                      np.ones((2, 4, 2))]),
                     ("actions", [np.zeros((2, 4), dtype=int), np.full((2, 3), -1), np.zeros((2, 3)), [[0, 1, 0]]]),
                     ("history", [0, 4, 1.5, "1"])]:
    kwarg_cases("markov_prediction_error", _markov, name, values)
for name, values in [("flicker", [1.5, NAN]), ("hide_velocity", [1, "no"]), ("history", [0, 11, "1"]),
                     ("seed", ["x", -1]), ("n_episodes", [0, 2.5]), ("steps", [0, "10"])]:
    kwarg_cases("markov_probe", lambda **kw: cartpole.markov_probe(**{"n_episodes": 4, "steps": 10, **kw}), name, values)

# ---------------------------------------------------------------- two-step, matrix games, one-step team games

kwarg_cases("TwoStepGame", lambda **kw: two_step.TwoStepGame(**kw), "n_envs", POSITIVE_INT)
reset_cases("TwoStepGame", two_step.TwoStepGame)
step_cases("TwoStepGame", lambda: two_step.TwoStepGame(n_envs=2), (2, 2), 2)

for name, values in [("game", [None, np.eye(2), "matching_pennies"]), ("n_envs", POSITIVE_INT),
                     ("discount", [1.0, -0.1, NAN, "0.9"]), ("horizon", [0, -1, 2.5, "10"])]:
    kwarg_cases("RepeatedMatrixGame",
                lambda **kw: matrix_games.RepeatedMatrixGame(**{"game": matching_pennies(), **kw}), name, values)
reset_cases("RepeatedMatrixGame", lambda: matrix_games.RepeatedMatrixGame(matching_pennies()))
step_cases("RepeatedMatrixGame", lambda: matrix_games.RepeatedMatrixGame(matching_pennies(), n_envs=2), (2, 2), 2)
for name, values in [("name", ["no_such_game", 5, None, ["matching_pennies"]]), ("n_envs", [0, "1"]),
                     ("discount", [1.0]), ("horizon", [0])]:
    kwarg_cases("make_matrix_game", lambda **kw: matrix_games.make_matrix_game(**{"name": "matching_pennies", **kw}),
                name, values)

for bad in [1.0, NAN, "x", None, True]:
    case(f"penalty_game-k={bad!r}", lambda bad=bad: nonmonotonic.penalty_game(bad), "k")
for name, values in [("n_actions", [0, 2.0, "3", None]), ("epsilon", [0.0, 1.5, "1", NAN])]:
    kwarg_cases("exploration_weights",
                lambda **kw: nonmonotonic.exploration_weights(**{"n_actions": 3, "epsilon": 0.5, **kw}), name, values)
for name, values in [("payoff", [[1.0, 2.0], [[NAN, 0.0], [0.0, 1.0]], [["a", "b"], ["c", "d"]], None]),
                     ("weights", [[[-1.0, 1.0], [1.0, 1.0]], np.ones((3, 3)), np.zeros((2, 2)), [[NAN, 1.0], [1.0, 1.0]],
                                  [["1", "1"], ["1", "1"]]])]:
    kwarg_cases("best_additive_fit",
                lambda **kw: nonmonotonic.best_additive_fit(**{"payoff": [[0, 1], [1, 8]], **kw}), name, values)
for name, values in [("payoff", [np.ones((2, 3)), [[NAN, 0.0], [0.0, 1.0]], [1.0, 2.0], "payoff"]),
                     ("n_envs", POSITIVE_INT)]:
    kwarg_cases("OneStepTeamGame",
                lambda **kw: nonmonotonic.OneStepTeamGame(**{"payoff": nonmonotonic.climbing_game(), **kw}), name, values)
reset_cases("OneStepTeamGame", lambda: nonmonotonic.OneStepTeamGame(nonmonotonic.climbing_game()))
step_cases("OneStepTeamGame", lambda: nonmonotonic.OneStepTeamGame(nonmonotonic.climbing_game(), n_envs=2), (2, 2), 3)


@pytest.mark.parametrize("call, match", CASES)
def test_bad_input_is_refused_naming_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_the_table_is_large():
    assert len(CASES) > 400


def test_the_tables_defaults_are_valid():
    soccer.MatchRecord.of(Rollout(np.zeros((5, 2)), np.zeros(5, bool)))
    assert _heat_bath() is not None and next(_heat_bath()).shape == (2, 4, 4)
    assert 0.0 <= _markov()
    battle_grid.scripted_action(_battle(), 1, np.random.default_rng(0))
    particle.joint_steps_per_second(1, 1)
    grid_games.GridGame(1, max_steps=None).step([[0, 0]])
    grid_games.greedy_path(grid_games.GridGame(), lambda s: (0, 0))
    cartpole.markov_probe(n_episodes=4, steps=10)


def test_edge_values_still_work():
    # a grid exactly full (3 predators and the prey on 4 cells) and no prey movement
    env = coordination_grid.CoordinationGrid(n_envs=2, size=2, n_agents=3, prey_move_prob=0.0, step_cost=0.0)
    obs, state, info = env.reset(seed=0)
    assert len({tuple(c) for c in state[0].reshape(-1, 2)}) == 4
    # draws every step, or never; seed given as a Generator
    assert soccer.Soccer(draw_probability=1.0).step([[4, 4]])[3].all()
    soccer.Soccer(draw_probability=0.0).reset(seed=np.random.default_rng(0))
    # flicker 0 and 1
    assert np.all(cartpole.CartPole(n_envs=3, flicker=1.0).reset(seed=0)[0] == 0.0)
    assert np.any(cartpole.CartPole(n_envs=3, flicker=0.0, hide_velocity=np.bool_(True)).reset(seed=0)[0] != 0.0)
    # numpy integers are actions; view 0 and k 0 in the jungle; a zero-penalty penalty game
    grid_games.GridGame().step(np.array([[0, 3]], dtype=np.int32))
    jungle.Jungle(n_envs=1, n_agents=2, view=0, k=0).reset(seed=0)
    assert nonmonotonic.penalty_game(0.0)[0, 2] == 0.0
    assert ising.order_parameter(np.ones((2, 2), dtype=int)) == 1.0
    particle.CooperativeNavigation(local_ratio=0).reset(0)
    battle_grid.BattleGrid(size=4, n_agents=4, blue_noise=1.0, view=0).reset(seed=0)
