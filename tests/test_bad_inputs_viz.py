"""Every public function and class of ``marl_course.viz`` and ``marl_course.source`` checks its inputs
at the boundary: a wrong type, shape, NaN, probability vector, count, choice string or ``ax`` raises
``TypeError``/``ValueError`` whose message names the parameter, before anything is drawn."""

import importlib
import inspect
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from marl_course.envs.soccer import uniform_policy
from marl_course.games.gallery import matching_pennies
from marl_course.source import SourceCode, show_source, source_of
from marl_course.tabular.phc import Trajectory
from marl_course.viz import (ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, curves, explorer_2x2, explorers, games, grid,
                             simplex)
from test_animation import BAD_INPUTS as ANIMATION_BAD_INPUTS

VIZ_MODULES = ("animation", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "curves", "explorer_2x2",
               "explorers", "games", "grid", "simplex")

AX = Figure().add_subplot()  # a real Axes outside pyplot: nothing to close


def _slider():
    import ipywidgets as widgets

    return widgets.FloatSlider(value=1.0)
NAN = [[1.0, np.nan], [0.0, 1.0]]
EYE = np.eye(2)
MP = matching_pennies()

_two = np.tile([[[[0.5, 0.5]]]], (3, 1, 1, 1))  # (K, n_runs, |S|, |A|)
_three = np.tile([[[[0.2, 0.3, 0.5]]]], (3, 1, 1, 1))
PENNIES = Trajectory(steps=np.array([0, 10, 20]), policies=[_two, _two], mean_rewards=np.zeros(2))
RPS = Trajectory(steps=np.array([0, 10, 20]), policies=[_three, _three], mean_rewards=np.zeros(2))
RUNS2 = {"PHC": PENNIES}
RUNS3 = {"PHC": RPS}

ITERATES = [SimpleNamespace(values=np.array([0.5, 1.0])), SimpleNamespace(values=np.array([0.7, 1.2]))]
POLICY = uniform_policy()
PATHS = {"Nash-Q": ([(0, 2), (3, 1)], (8, 6))}
RECORDING = {"agent_pos": np.zeros((3, 2, 2)), "landmark_pos": np.ones((2, 2)), "rewards": np.zeros((2, 2))}
METRICS = {"return": -15.0, "distance": 1.2, "collisions": 2.0}
STUDY = SimpleNamespace(eval_flicker=np.array([0.0, 0.5]), scores={"DQN": np.array([[100.0, 50.0]])})
ATTENTION = {"agent_pos": np.array([[0, 0], [2, 2]]), "food_pos": np.array([[1, 1]]),
             "adjacency": np.ones((2, 2), bool), "attention": np.full((2, 2), 0.5)}
GRAPH = {"predator_pos": np.array([[0, 0], [2, 2]]), "prey_pos": np.array([1, 1]),
         "hard": np.array([[0.0, 1.0], [0.0, 0.0]]), "weights": np.array([[0.0, 1.0], [0.0, 0.0]])}
TABLES = {"VDN": {"1": EYE, "2A": EYE, "2B": EYE}}
PROBE_RUN = {"mse": 0.02, "kept": 0.2, "relevant": 0.02, "precision": 0.09, "recall": 1.0, "kept_if_sees": 1.0,
             "kept_if_blind": 0.0}
PROBE = {"methods": {"GA-AC": {"final": [PROBE_RUN]}}}


def _with(base: dict, **changes) -> dict:
    out = dict(base)
    out.update(changes)
    return out


def _history(**changes) -> SimpleNamespace:
    """The fields of a deep learner's History (marl_course.deep.common), without importing torch."""
    return SimpleNamespace(**_with(dict(step_unit="episodes", steps=[10, 20], train_return=[0.0, 1.0], eval_steps=[],
                                        eval_return=[], loss=[], metrics={}), **changes))


HISTORY = _history()


BAD_INPUTS = [
    # --- source.py
    (source_of, dict(obj=3), "obj"),
    (source_of, dict(obj=len), "obj"),
    (source_of, dict(obj=source_of, until=3), "until"),
    (source_of, dict(obj=source_of, until=""), "until"),
    (source_of, dict(obj=source_of, until="no such line anywhere"), "until"),
    (show_source, dict(), "objects"),
    (show_source, dict(until="x"), "objects"),
    (show_source, dict(_args=(3,)), r"objects\[0\]"),
    (show_source, dict(_args=(source_of, len)), r"objects\[1\]"),
    (show_source, dict(_args=(source_of,), until=3), "until"),
    (SourceCode, dict(data=123), "data"),
    (SourceCode, dict(data=None), "data"),
    (SourceCode, dict(data="x = 1", language=3), "language"),
    # --- grid.py
    (grid.style_grid_axes, dict(ax=None, size=4), "ax"),
    (grid.style_grid_axes, dict(ax="axes", size=4), "ax"),
    (grid.style_grid_axes, dict(ax=AX, size=0), "size"),
    (grid.style_grid_axes, dict(ax=AX, size=2.5), "size"),
    (grid.style_grid_axes, dict(ax=AX, size="4"), "size"),
    # --- simplex.py
    (simplex.simplex_to_xy, dict(probabilities=[0.5, 0.5]), "probabilities"),
    (simplex.simplex_to_xy, dict(probabilities=[0.7, 0.7, 0.7]), "probabilities"),
    (simplex.simplex_to_xy, dict(probabilities=[np.nan, 0.5, 0.5]), "probabilities"),
    (simplex.simplex_to_xy, dict(probabilities="abc"), "probabilities"),
    (simplex.simplex_axes, dict(ax="ax"), "ax"),
    (simplex.simplex_axes, dict(labels=("a", "b")), "labels"),
    (simplex.simplex_axes, dict(labels=5), "labels"),
    (simplex.simplex_axes, dict(labels="abc"), "labels"),
    (simplex.simplex_axes, dict(labels=(1, 2, 3)), "labels"),
    (simplex.plot_simplex_trajectory, dict(probabilities=[1 / 3] * 3), "probabilities"),
    (simplex.plot_simplex_trajectory, dict(probabilities=[[1.0, 0.5, 0.0]]), "probabilities"),
    (simplex.plot_simplex_trajectory, dict(probabilities=np.zeros((0, 3))), "probabilities"),
    (simplex.plot_simplex_trajectory, dict(probabilities=[[1.0, 0.0, 0.0]], ax=3), "ax"),
    (simplex.plot_simplex_trajectory, dict(probabilities=[[1.0, 0.0, 0.0]], labels=("a",)), "labels"),
    # --- games.py
    (games.best_response_curve, dict(d0="1", d1=0.0), "d0"),
    (games.best_response_curve, dict(d0=1.0, d1=np.nan), "d1"),
    (games.best_response_curve, dict(d0=1.0, d1=None), "d1"),
    (games.equilibrium_set_2x2, dict(A=np.eye(3), B=np.eye(3)), "A"),
    (games.equilibrium_set_2x2, dict(A=NAN, B=EYE), "A"),
    (games.equilibrium_set_2x2, dict(A=EYE, B=None), "B"),
    (games.plot_best_responses_2x2, dict(A=np.eye(3), B=np.eye(3)), "A"),
    (games.plot_best_responses_2x2, dict(A=NAN, B=EYE), "A"),
    (games.plot_best_responses_2x2, dict(A=EYE, B=np.ones((2, 3))), "B"),
    (games.plot_best_responses_2x2, dict(A=EYE, B=EYE, ax=[1]), "ax"),
    (games.plot_best_responses_2x2, dict(A=EYE, B=EYE, action_names=("x",)), "action_names"),
    (games.plot_best_responses_2x2, dict(A=EYE, B=EYE, action_names="xy"), "action_names"),
    (games.plot_payoff_table, dict(payoffs="AB"), "payoffs"),
    (games.plot_payoff_table, dict(payoffs=[EYE]), "payoffs"),
    (games.plot_payoff_table, dict(payoffs=[EYE, NAN]), "payoffs"),
    (games.plot_payoff_table, dict(payoffs=[EYE, np.ones((3, 2))]), "payoffs"),
    (games.plot_payoff_table, dict(payoffs=MP.payoffs, ax="ax"), "ax"),
    (games.plot_payoff_table, dict(payoffs=MP.payoffs, title=3), "title"),
    (games.plot_payoff_table, dict(payoffs=MP.payoffs, action_names=(["a"], ["b", "c"])), "action_names"),
    (games.plot_payoff_table, dict(payoffs=MP.payoffs, action_names=["a", "b"]), "action_names"),
    (games.plot_payoff_table, dict(payoffs=MP.payoffs, action_names=(["a", "b"],)), "action_names"),
    (games.plot_value_iteration, dict(iterates=[], exact_values=[1.0, 1.0], discount=0.9), "iterates"),
    (games.plot_value_iteration, dict(iterates=[1, 2], exact_values=[1.0, 1.0], discount=0.9), "iterates"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0], discount=0.9), "exact_values"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0, np.inf], discount=0.9), "exact_values"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0, 1.0], discount=1.0), "discount"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0, 1.0], discount="0.9"), "discount"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0, 1.0], discount=0.9, state_names=["a"]),
     "state_names"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0, 1.0], discount=0.9, axes=[AX]), "axes"),
    (games.plot_value_iteration, dict(iterates=ITERATES, exact_values=[1.0, 1.0], discount=0.9, axes="ab"), "axes"),
    # --- explorer_2x2.py
    (explorer_2x2.draw_2x2_game, dict(A=np.eye(3), B=np.eye(3)), "A"),
    (explorer_2x2.draw_2x2_game, dict(A=EYE, B=NAN), "B"),
    (explorer_2x2.draw_2x2_game, dict(A="ab", B=EYE), "A"),
    (explorer_2x2.explore_2x2, dict(game="chess"), "game"),
    (explorer_2x2.explore_2x2, dict(game=["x"]), "game"),
    (explorer_2x2.explore_2x2, dict(game="rock_paper_scissors"), "game"),
    # --- ch02.py
    (ch02.plot_littman_table, dict(ours={}, paper={}), "ours"),
    (ch02.plot_littman_table, dict(ours=[1], paper={}), "ours"),
    (ch02.plot_littman_table, dict(ours={"random": {"MR": 95.0}}, paper={}), "paper"),
    (ch02.plot_littman_table, dict(ours={"random": {"MR": 95.0}}, paper={"random": {}}), "paper"),
    (ch02.plot_littman_table, dict(ours={"random": {"MR": "95"}}, paper={"random": {"MR": 99.0}}), "ours"),
    (ch02.plot_littman_table, dict(ours={"random": {"MR": 95.0}}, paper={"random": {"MR": np.nan}}), "paper"),
    (ch02.plot_littman_table, dict(ours={"random": {"MR": 95.0}}, paper={"random": {"MR": 99.0}}, axes=3), "axes"),
    (ch02.plot_littman_table, dict(ours={"random": {"MR": 95.0}}, paper={"random": {"MR": 99.0}}, label=1), "label"),
    (ch02.plot_value_gap, dict(steps=[1, 2], gaps=[1.0]), "steps"),
    (ch02.plot_value_gap, dict(steps=[1, 2], gaps=[1.0, np.nan]), "gaps"),
    (ch02.plot_value_gap, dict(steps=[], gaps=[]), "steps"),
    (ch02.plot_value_gap, dict(steps=[1, 2], gaps=[1.0, -0.5]), "gaps"),
    (ch02.plot_value_gap, dict(steps=[1, 2], gaps=[1.0, 0.5], ax="ax"), "ax"),
    (ch02.draw_soccer_state, dict(state=-1, policy=POLICY), "state"),
    (ch02.draw_soccer_state, dict(state=1.0, policy=POLICY), "state"),
    (ch02.draw_soccer_state, dict(state=0, policy=POLICY[:10]), "policy"),
    (ch02.draw_soccer_state, dict(state=0, policy=POLICY * 2), "policy"),
    (ch02.draw_soccer_state, dict(state=0, policy=POLICY, ax=AX), "ax"),
    (ch02.draw_soccer_position, dict(policies={"random": POLICY}, name="greedy", cell_a=8, cell_b=11, holder="A"),
     "name"),
    (ch02.draw_soccer_position, dict(policies=POLICY, name="random", cell_a=8, cell_b=11, holder="A"), "policies"),
    (ch02.draw_soccer_position, dict(policies={"random": POLICY[:, :2]}, name="random", cell_a=8, cell_b=11,
                                     holder="A"), "policies"),
    (ch02.draw_soccer_position, dict(policies={"random": POLICY}, name="random", cell_a=20, cell_b=11, holder="A"),
     "cell_a"),
    (ch02.draw_soccer_position, dict(policies={"random": POLICY}, name="random", cell_a=8, cell_b="1", holder="A"),
     "cell_b"),
    (ch02.draw_soccer_position, dict(policies={"random": POLICY}, name="random", cell_a=8, cell_b=11, holder="C"),
     "holder"),
    (ch02.draw_soccer_position, dict(policies={"random": POLICY}, name="random", cell_a=8, cell_b=8, holder="A",
                                     ax="ax"), "ax"),
    (ch02.draw_grid_paths, dict(paths={}), "paths"),
    (ch02.draw_grid_paths, dict(paths={"a": ([], (8, 6))}), "paths"),
    (ch02.draw_grid_paths, dict(paths={"a": ([(0, 9)], (8, 6))}), "paths"),
    (ch02.draw_grid_paths, dict(paths={"a": ([(0, 2)], (8,))}), "paths"),
    (ch02.draw_grid_paths, dict(paths={"a": ([(0, 2)],)}), "paths"),
    (ch02.draw_grid_paths, dict(paths=PATHS, axes="ax"), "axes"),
    # --- ch03.py
    (ch03.plot_strategy_square, dict(trajectories={}), "trajectories"),
    (ch03.plot_strategy_square, dict(trajectories={"x": 3}), "trajectories"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, run=1), "run"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, action=2), "action"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, action=0.0), "action"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, equilibrium=([0.5, 0.5],)), "equilibrium"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, equilibrium=([0.7, 0.7], [0.5, 0.5])), "equilibrium"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, ax=1), "ax"),
    (ch03.plot_strategy_square, dict(trajectories=RUNS2, action_name=0), "action_name"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS2), "trajectories"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS3, player=2), "player"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS3, run=-1), "run"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS3, equilibrium=[0.5, 0.5]), "equilibrium"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS3, equilibrium=[0.5, 0.5, 0.5]), "equilibrium"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS3, ax="ax"), "ax"),
    (ch03.plot_simplex_trajectories, dict(trajectories=RUNS3, labels=("r", "p")), "labels"),
    (ch03.plot_distance_to_equilibrium, dict(trajectories=[PENNIES], equilibrium=[0.5, 0.5]), "trajectories"),
    (ch03.plot_distance_to_equilibrium, dict(trajectories=RUNS2, equilibrium=[0.5, 0.6]), "equilibrium"),
    (ch03.plot_distance_to_equilibrium, dict(trajectories=RUNS2, equilibrium=[1 / 3] * 3), "equilibrium"),
    (ch03.plot_distance_to_equilibrium, dict(trajectories=RUNS2, equilibrium=[0.5, 0.5], player=5), "player"),
    (ch03.plot_distance_to_equilibrium, dict(trajectories=RUNS2, equilibrium=[0.5, 0.5], ax=0), "ax"),
    (ch03.plot_action_probability, dict(trajectories=None), "trajectories"),
    (ch03.plot_action_probability, dict(trajectories=RUNS2, action=3), "action"),
    (ch03.plot_action_probability, dict(trajectories=RUNS2, run="0"), "run"),
    (ch03.plot_action_probability, dict(trajectories=RUNS2, ax=[AX]), "ax"),
    (ch03.plot_action_probability, dict(trajectories=RUNS2, action_name=None), "action_name"),
    (ch03.plot_policy_over_time, dict(trajectory=RUNS2), "trajectory"),
    (ch03.plot_policy_over_time, dict(trajectory=RPS, player=-1), "player"),
    (ch03.plot_policy_over_time, dict(trajectory=RPS, run=1), "run"),
    (ch03.plot_policy_over_time, dict(trajectory=RPS, action_names=("r", "p")), "action_names"),
    (ch03.plot_policy_over_time, dict(trajectory=RPS, ax="ax"), "ax"),
    (ch03.draw_self_play, dict(game="chess"), "game"),
    (ch03.draw_self_play, dict(game=None), "game"),
    (ch03.draw_self_play, dict(delta_w=0.0), "delta_w"),
    (ch03.draw_self_play, dict(delta_l="0.1"), "delta_l"),
    (ch03.draw_self_play, dict(n_steps=10), "n_steps"),
    (ch03.draw_self_play, dict(n_steps=2000.0), "n_steps"),
    (ch03.draw_self_play, dict(seed=-1), "seed"),
    (ch03.draw_self_play, dict(seed="0"), "seed"),
    (ch03.explore_wolf, dict(game="chess"), "game"),
    (ch03.explore_wolf, dict(game=3), "game"),
    (ch03.explore_wolf, dict(game=None), "game"),
    # --- ch04.py
    (ch04.gradient_field, dict(R_1=np.eye(3), R_2=np.eye(3)), "R_1"),
    (ch04.gradient_field, dict(R_1=EYE, R_2=NAN), "R_2"),
    (ch04.gradient_field, dict(R_1=EYE, R_2=-EYE, alpha_min=0.0), "alpha_min"),
    (ch04.gradient_field, dict(R_1=EYE, R_2=-EYE, alpha_max="2"), "alpha_max"),
    (ch04.gradient_field, dict(R_1=EYE, R_2=-EYE, density=1), "density"),
    (ch04.gradient_field, dict(R_1=EYE, R_2=-EYE, density=3.5), "density"),
    (ch04.gradient_field, dict(R_1=EYE, R_2=-EYE, equilibrium=(0.5,)), "equilibrium"),
    (ch04.plot_phase_portrait, dict(R_1=[1, 2], R_2=EYE), "R_1"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, trajectories=[([0.1, 0.2],)]), "trajectories"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, trajectories=[([0.1, 0.2], [0.3])]), "trajectories"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, trajectories=[([0.1, np.nan], [0.3, 0.4])]), "trajectories"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, trajectories=[([], [])]), "trajectories"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, trajectories="path"), "trajectories"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, ax=[AX]), "ax"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, title=None), "title"),
    (ch04.plot_phase_portrait, dict(R_1=EYE, R_2=-EYE, labels=("a",)), "labels"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2), 1 / 3)), "strategies"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 2), 0.5)), "strategies"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), 0.5)), "strategies"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), np.nan)), "strategies"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), 1 / 3), equilibrium=[0.5, 0.5]), "equilibrium"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), 1 / 3), max_runs=0), "max_runs"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), 1 / 3), ax="ax"), "ax"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), 1 / 3), title=1), "title"),
    (ch04.plot_simplex_runs, dict(strategies=np.full((4, 2, 3), 1 / 3), labels=["a"]), "labels"),
    (ch04.convergence_fractions, dict(final_points=[1, 0], targets={"A": [1, 1]}, tol=0.1), "final_points"),
    (ch04.convergence_fractions, dict(final_points=[[1, np.nan]], targets={"A": [1, 1]}, tol=0.1), "final_points"),
    (ch04.convergence_fractions, dict(final_points=[[1, 0]], targets={}, tol=0.1), "targets"),
    (ch04.convergence_fractions, dict(final_points=[[1, 0]], targets=[[1, 1]], tol=0.1), "targets"),
    (ch04.convergence_fractions, dict(final_points=[[1, 0]], targets={"A": [1, 1, 1]}, tol=0.1), "targets"),
    (ch04.convergence_fractions, dict(final_points=[[1, 0]], targets={"A": [1, 1]}, tol=0.0), "tol"),
    (ch04.convergence_fractions, dict(final_points=[[1, 0]], targets={"A": [1, 1]}, tol="0.1"), "tol"),
    (ch04.plot_convergence_fractions, dict(fractions={}), "fractions"),
    (ch04.plot_convergence_fractions, dict(fractions={"a": 1.5}), "fractions"),
    (ch04.plot_convergence_fractions, dict(fractions={"a": np.nan}), "fractions"),
    (ch04.plot_convergence_fractions, dict(fractions={"a": 1.0}, ax="ax"), "ax"),
    (ch04.plot_convergence_fractions, dict(fractions={"a": 1.0}, title=2), "title"),
    (ch04.plot_convergence_fractions, dict(fractions={"a": 1.0}, colour="no such colour"), "colour"),
    (ch04.draw_explorer, dict(game="chess"), "game"),
    (ch04.draw_explorer, dict(method="Q-learning"), "method"),
    (ch04.draw_explorer, dict(eta=0.0), "eta"),
    (ch04.draw_explorer, dict(method="L_R-I", eta=1.5), "eta"),
    (ch04.draw_explorer, dict(alpha_min=-1.0), "alpha_min"),
    (ch04.draw_explorer, dict(alpha_max=np.inf), "alpha_max"),
    (ch04.draw_explorer, dict(eta_d=-1.0), "eta_d"),
    (ch04.draw_explorer, dict(n_runs=0), "n_runs"),
    (ch04.draw_explorer, dict(n_steps=1), "n_steps"),
    (ch04.draw_explorer, dict(seed=-3), "seed"),
    # --- ch05.py
    (ch05.plot_communication_study, dict(results={"episodes": [1]}), "learners"),
    (ch05.plot_communication_study, dict(results={"episodes": [1, 2], "learners": {"A": {"curves": [[1.0]], "final": []}}}), "curves"),
    (ch05.plot_communication_study, dict(results={"episodes": [1], "learners": {"A": {"curves": [[1.0]], "final": [{"return": 1.0}]}}}), "information"),
    (ch05.plot_communication_study, dict(results={"episodes": [1], "learners": {
        "A": {"curves": [[1.0]], "final": [{"return": 1.0, "information": 0.0}]},
        "B": {"curves": [[1.0]], "final": [{"return": 1.0, "information": 0.0}] * 2}}}), "same seeds"),
    (ch05.metrics_table, dict(finals={"A": [{"return": 1.0}]}, columns=(("return", 2),)), "columns"),
    (ch05.plot_episode, dict(recording={}), "recording"),
    (ch05.plot_episode, dict(recording=_with(RECORDING, agent_pos=np.zeros((3, 2)))), "recording"),
    (ch05.plot_episode, dict(recording=_with(RECORDING, landmark_pos=np.full((2, 2), np.nan))), "recording"),
    (ch05.plot_episode, dict(recording=_with(RECORDING, rewards=np.zeros((5, 2)))), "recording"),
    (ch05.plot_episode, dict(recording=RECORDING, t=3), "t"),
    (ch05.plot_episode, dict(recording=RECORDING, t=1.0), "t"),
    (ch05.plot_episode, dict(recording=RECORDING, ax="ax"), "ax"),
    (ch05.plot_episode, dict(recording=RECORDING, title=3), "title"),
    (ch05.plot_episode_frames, dict(recording=[]), "recording"),
    (ch05.plot_episode_frames, dict(recording=RECORDING, steps=()), "steps"),
    (ch05.plot_episode_frames, dict(recording=RECORDING, steps=(0, 5)), "steps"),
    (ch05.plot_episode_frames, dict(recording=RECORDING, steps=3), "steps"),
    (ch05.plot_episode_frames, dict(recording=RECORDING, steps=(0, 1), title=0), "title"),
    (ch05.draw_scripted_explorer, dict(gain=-1.0), "gain"),
    (ch05.draw_scripted_explorer, dict(damping="0.6"), "damping"),
    (ch05.draw_scripted_explorer, dict(dead_zone=np.nan), "dead_zone"),
    (ch05.draw_scripted_explorer, dict(seed=-1), "seed"),
    (ch05.draw_scripted_explorer, dict(t=26), "t"),
    (ch05.draw_scripted_explorer, dict(t=2.0), "t"),
    (ch05.metrics_table, dict(finals={}), "finals"),
    (ch05.metrics_table, dict(finals={"A": []}), "finals"),
    (ch05.metrics_table, dict(finals={"A": [{"return": 1.0}]}), "finals"),
    (ch05.metrics_table, dict(finals={"A": [_with(METRICS, distance=np.nan)]}), "finals"),
    (ch05.metrics_table, dict(finals={"A": [METRICS]}, baselines={"no-op": {"return": 1.0}}), "baselines"),
    (ch05.metrics_table, dict(finals={"A": [METRICS]}, baselines=[METRICS]), "baselines"),
    # --- ch06.py
    (ch06.plot_architecture, dict(n_frames=0), "n_frames"),
    (ch06.plot_architecture, dict(hidden=2.5), "hidden"),
    (ch06.plot_architecture, dict(obs_dim="4"), "obs_dim"),
    (ch06.plot_architecture, dict(n_actions=0), "n_actions"),
    (ch06.plot_robustness, dict(eval_flicker=[[0.0]], results={"a": [[1.0]]}), "eval_flicker"),
    (ch06.plot_robustness, dict(eval_flicker=[0.0, 0.5], results={"a": [[1.0]]}), "results"),
    (ch06.plot_robustness, dict(eval_flicker=[0.0, 0.5], results={"a": [[1.0, np.nan]]}), "results"),
    (ch06.plot_robustness, dict(eval_flicker=[0.0, 0.5], results={}), "results"),
    (ch06.plot_robustness, dict(eval_flicker=[0.0, 0.5], results={"a": [[1.0, 2.0]]}, ax="a"), "ax"),
    (ch06.plot_robustness, dict(eval_flicker=[0.0, 0.5], results={"a": [[1.0, 2.0]]}, title=1), "title"),
    (ch06.plot_robustness, dict(eval_flicker=[0.0, 0.5], results={"a": [[1.0, 2.0]]}, ylabel=None), "ylabel"),
    (ch06.plot_flicker_study, dict(studies={0.0: STUDY}, labels="DQN"), "labels"),
    (ch06.plot_flicker_study, dict(studies={0.0: STUDY}, labels=[]), "labels"),
    (ch06.plot_flicker_study, dict(studies={0.0: STUDY}, labels=["DRQN"]), "labels"),
    (ch06.plot_flicker_study, dict(studies={}), "studies"),
    (ch06.plot_flicker_study, dict(studies=[STUDY]), "studies"),
    (ch06.plot_flicker_study, dict(studies={0.0: 3}), "studies"),
    (ch06.plot_flicker_study, dict(studies={"0": STUDY}), "studies"),
    (ch06.plot_flicker_study, dict(studies={0.3: STUDY}), "studies"),
    (ch06.plot_flicker_study, dict(studies={0.0: SimpleNamespace(eval_flicker=[0.0, 0.5], scores={"a": [[0.0, 1.0]]})}),
     "studies"),
    (ch06.plot_flicker_study, dict(studies={0.0: SimpleNamespace(eval_flicker=[0.0, 0.5], scores={"a": [[1.0]]})}),
     "studies"),
    (ch06.plot_flicker_study, dict(studies={0.0: STUDY}, random_return="20"), "random_return"),
    (ch06.draw_observations, dict(flicker=1.5), "flicker"),
    (ch06.draw_observations, dict(flicker="0.5"), "flicker"),
    (ch06.draw_observations, dict(hide_velocity="yes"), "hide_velocity"),
    (ch06.draw_observations, dict(seed=-1), "seed"),
    (ch06.draw_observations, dict(steps=2), "steps"),
    # --- curves.py: one plot_learning_curves for every chapter
    (curves.plot_learning_curves, dict(curves={}), "curves"),
    (curves.plot_learning_curves, dict(curves=[[1.0]]), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": []}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": [1.0, 2.0]}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, np.nan]]}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": ([1, 2], [[1.0, 2.0, 3.0]])}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": [([10, 20], [1.0])]}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": [([], [])]}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": [([0, 1], [1.0, 2.0]), ([5, 6], [1.0, 2.0])]}), "overlap"),
    (curves.plot_learning_curves, dict(curves={"a": [HISTORY]}, metric="q"), "metric"),
    (curves.plot_learning_curves, dict(curves={"a": [HISTORY, _history(step_unit="updates")]}), "units"),
    (curves.plot_learning_curves, dict(curves={"a": [_history(train_return=[1.0])]}), "curves"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, band="std"), "band"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, window=0), "window"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, baselines={"random": "x"}), "baselines"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, baselines=[1.0]), "baselines"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, ax="ax"), "ax"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, xlabel=1), "xlabel"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, ylabel=1), "ylabel"),
    (curves.plot_learning_curves, dict(curves={"a": [[1.0, 2.0]]}, title=None), "title"),
    (curves.smooth, dict(values=[1.0, 2.0], window=1), "values"),
    (curves.smooth, dict(values=[[1.0, np.nan]], window=1), "values"),
    (curves.smooth, dict(values=[[1.0, 2.0]], window=0), "window"),
    (curves.smooth, dict(values=[[1.0, 2.0]], window=1.5), "window"),
    # --- ch07.py
    (ch07.plot_table, dict(ax=None, table=EYE, title="t"), "ax"),
    (ch07.plot_table, dict(ax=AX, table=[1.0, 2.0], title="t"), "table"),
    (ch07.plot_table, dict(ax=AX, table=NAN, title="t"), "table"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title=3), "title"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title="t", mark=(2, 0)), "mark"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title="t", mark=1), "mark"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title="t", action_names=["A"]), "action_names"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title="t", vmin=0.0), "vmin"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title="t", vmin=1.0, vmax=0.0), "vmin"),
    (ch07.plot_table, dict(ax=AX, table=EYE, title="t", vmin=0.0, vmax="1"), "vmax"),
    (ch07.plot_two_step_tables, dict(ours=[]), "ours"),
    (ch07.plot_two_step_tables, dict(ours={"COMA": TABLES["VDN"]}), "paper"),
    (ch07.plot_two_step_tables, dict(ours={"VDN": {"1": EYE}}), "ours"),
    (ch07.plot_two_step_tables, dict(ours={"VDN": _with(TABLES["VDN"], **{"2B": np.eye(3)})}), "ours"),
    (ch07.plot_two_step_tables, dict(ours={"VDN": _with(TABLES["VDN"], **{"2B": NAN})}), "ours"),
    (ch07.plot_two_step_tables, dict(ours=TABLES, paper={"VDN": {}}), "paper"),
    (ch07.draw_fit_explorer, dict(game="prisoners"), "game"),
    (ch07.draw_fit_explorer, dict(k=5.0), "k"),
    (ch07.draw_fit_explorer, dict(k="-50"), "k"),
    (ch07.draw_fit_explorer, dict(epsilon=1.5), "epsilon"),
    # --- ch08.py
    (ch08.plot_order_parameter_sweep, dict(taus=[1.0, 2.0], xi_mean_field_q=[0.9], xi_monte_carlo=[0.9, 0.1]),
     "taus"),
    (ch08.plot_order_parameter_sweep, dict(taus=[1.0, np.nan], xi_mean_field_q=[0.9, 0.1],
                                           xi_monte_carlo=[0.9, 0.1]), "taus"),
    (ch08.plot_order_parameter_sweep, dict(taus=[1.0, 2.0], xi_mean_field_q=[0.9, 0.1],
                                           xi_monte_carlo="ab"), "xi_monte_carlo"),
    (ch08.plot_order_parameter_sweep, dict(taus=[1.0, 2.0], xi_mean_field_q=[[0.9, 0.1]],
                                           xi_monte_carlo=[0.9, 0.1]), "xi_mean_field_q"),
    (ch08.plot_order_parameter_sweep, dict(taus=[1.0], xi_mean_field_q=[0.9], xi_monte_carlo=[0.9], ax=2), "ax"),
    (ch08.plot_lattice, dict(actions=[0, 1]), "actions"),
    (ch08.plot_lattice, dict(actions=[[0, 2], [1, 0]]), "actions"),
    (ch08.plot_lattice, dict(actions=[[0, np.nan], [1, 0]]), "actions"),
    (ch08.plot_lattice, dict(actions=EYE, ax="ax"), "ax"),
    (ch08.plot_lattice, dict(actions=EYE, title=None), "title"),
    (ch08.draw_ising_explorer, dict(tau=0.0), "tau"),
    (ch08.draw_ising_explorer, dict(tau="0.8"), "tau"),
    (ch08.draw_ising_explorer, dict(size=1), "size"),
    (ch08.draw_ising_explorer, dict(beta_sign=0), "beta_sign"),
    (ch08.draw_ising_explorer, dict(beta_sign=1.0), "beta_sign"),
    (ch08.draw_ising_explorer, dict(n_steps=0), "n_steps"),
    (ch08.draw_ising_explorer, dict(seed="0"), "seed"),
    # --- ch09.py
    (ch09.draw_attention_frame, dict(frame={}, size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=[1], size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, agent_pos=np.array([[0, 0], [5, 2]])), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, agent_pos=np.array([0, 0])), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, attention=np.full((3, 3), 0.5)), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, attention=np.full((2, 2), np.nan)), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, adjacency=np.ones((1, 2))), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, informed=[True]), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=_with(ATTENTION, scout=[True, False, True]), size=4), "frame"),
    (ch09.draw_attention_frame, dict(frame=ATTENTION, size=0), "size"),
    (ch09.draw_attention_frame, dict(frame=ATTENTION, size=4, agent=2), "agent"),
    (ch09.draw_attention_frame, dict(frame=ATTENTION, size=4, ax="ax"), "ax"),
    (ch09.explore_attention, dict(frames=[], size=4), "frames"),
    (ch09.explore_attention, dict(frames=ATTENTION, size=4), "frames"),
    (ch09.explore_attention, dict(frames=[ATTENTION, {}], size=4), "frames"),
    (ch09.explore_attention, dict(frames=[ATTENTION], size="4"), "size"),
    # --- ch10.py
    (ch10.draw_graph_frame, dict(frame={}, size=4), "frame"),
    (ch10.draw_graph_frame, dict(frame=None, size=4), "frame"),
    (ch10.draw_graph_frame, dict(frame=_with(GRAPH, predator_pos=np.array([[0, 0], [9, 2]])), size=4), "frame"),
    (ch10.draw_graph_frame, dict(frame=_with(GRAPH, prey_pos=np.array([1, 1, 1])), size=4), "frame"),
    (ch10.draw_graph_frame, dict(frame=_with(GRAPH, hard=np.ones((3, 3))), size=4), "frame"),
    (ch10.draw_graph_frame, dict(frame=_with(GRAPH, weights=np.full((2, 2), np.nan)), size=4), "frame"),
    (ch10.draw_graph_frame, dict(frame=GRAPH, size=-1), "size"),
    (ch10.draw_graph_frame, dict(frame=GRAPH, size=4, ax=[AX]), "ax"),
    (ch10.explore_graph, dict(frames=[], size=4), "frames"),
    (ch10.explore_graph, dict(frames=[GRAPH, {"hard": 1}], size=4), "frames"),
    (ch10.explore_graph, dict(frames=[GRAPH], size=0), "size"),
    (ch10.plot_reward_probe, dict(results={}), "results"),
    (ch10.plot_reward_probe, dict(results=PROBE, critic="MAAC"), "critic"),
    (ch10.plot_reward_probe, dict(results=PROBE, axes=[AX]), "axes"),
    (ch10.plot_reward_probe, dict(results=PROBE, axes=[AX, "ax"]), "ax"),
    (ch10.plot_reward_probe, dict(results={"methods": {"GA-AC": {"final": [{"kept": 0.2}]}}}), "metric"),
    (explorers.explorer, dict(draw=None, controls={}), "draw"),
    (explorers.explorer, dict(draw=print, controls=[1]), "controls"),
    (explorers.explorer, dict(draw=print, controls={}), "controls"),
    (explorers.explorer, dict(draw=print, controls={"x": 1.0}), "controls"),
    (explorers.explorer, dict(draw=lambda x: AX, controls={"x": _slider()}, rows=[["y"]]), "rows"),
    (explorers.explorer, dict(draw=lambda x: 1.0, controls={"x": _slider()}), "draw must return"),
    (explorers.figure_output, dict(figure=AX), "figure"),
    (explorers.figure_output, dict(figure=None), "figure"),
    (explorers.figure_output, dict(figure="fig"), "figure"),
] + ANIMATION_BAD_INPUTS  # marl_course.viz.animation's rows live beside its other tests

EXEMPT = {("marl_course.viz.ch06", "explore_observations")}
"""Public callables that take no arguments, so there is nothing to refuse."""


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("function, kwargs, match", BAD_INPUTS,
                         ids=[f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}-{i}" for i, (f, *_) in
                              enumerate(BAD_INPUTS)])
def test_bad_input_is_refused_naming_the_parameter(function, kwargs, match):
    n_figures = len(plt.get_fignums())
    kwargs = dict(kwargs)
    args = kwargs.pop("_args", ())  # for show_source(*objects)
    with pytest.raises((ValueError, TypeError), match=match):
        function(*args, **kwargs)
    assert len(plt.get_fignums()) == n_figures, "the input must be refused before a figure is made"


def _public_callables(module):
    return {(module.__name__, name) for name, obj in vars(module).items()
            if not name.startswith("_") and callable(obj) and getattr(obj, "__module__", None) == module.__name__}


def test_every_public_callable_is_in_the_table():
    covered = {(f.__module__, f.__name__) for f, *_ in BAD_INPUTS}
    modules = [importlib.import_module(f"marl_course.viz.{name}") for name in VIZ_MODULES]
    modules.append(importlib.import_module("marl_course.source"))
    public = set().union(*(_public_callables(m) for m in modules))
    assert public - EXEMPT - covered == set()
    for module_name, name in EXEMPT:
        assert not inspect.signature(getattr(importlib.import_module(module_name), name)).parameters


def test_every_viz_module_is_listed():
    import pkgutil

    import marl_course.viz as viz

    found = {m.name for m in pkgutil.iter_modules(viz.__path__) if not m.name.startswith("_")}
    assert found == set(VIZ_MODULES)


def test_each_callable_has_several_bad_values():
    from collections import Counter

    counts = Counter((f.__module__, f.__name__) for f, *_ in BAD_INPUTS)
    assert min(counts.values()) >= 3, [k for k, n in counts.items() if n < 3]
