"""The one contract of the tabular learners and the one loop, :func:`marl_course.tabular.play.play`.

Found by introspection: every class of ``marl_course.tabular`` with an ``act`` or an ``update``
has exactly ``act(state, rng)`` and ``update(transition)``, learns with the shared names
``gamma``/``epsilon`` and takes its seat as ``player``; then ``play`` is checked on every kind of
environment (a known equilibrium reached, seeded runs repeated exactly, evaluation without learning,
episodes and callbacks).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import marl_course.tabular
from marl_course.envs.grid_games import TERMINAL, GridGame
from marl_course.envs.matrix_games import make_matrix_game
from marl_course.envs.soccer import N_STATES as SOCCER_STATES
from marl_course.envs.soccer import START_STATES, MatchRecord, Soccer, uniform_policy
from marl_course.tabular.ffq import FriendOrFoeQ
from marl_course.tabular.minimax_q import MinimaxQ
from marl_course.tabular.nash_q import NashQ
from marl_course.tabular.phc import PHC, WoLFPHC, off_equilibrium_start
from marl_course.tabular.play import FixedPolicy, Rollout, Transition, play
from marl_course.tabular.q_learning import QLearner


def tabular_agents() -> list[type]:
    """Every class defined in a module of ``marl_course.tabular`` that acts or learns."""
    found = []
    for info in pkgutil.iter_modules(marl_course.tabular.__path__):
        module = importlib.import_module(f"marl_course.tabular.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and (hasattr(cls, "act") or hasattr(cls, "update")):
                found.append(cls)
    return found


AGENTS = tabular_agents()
LEARNERS = [cls for cls in AGENTS if cls is not FixedPolicy]


def test_the_introspection_finds_every_tabular_learner():
    assert set(AGENTS) == {QLearner, MinimaxQ, FriendOrFoeQ, NashQ, PHC, WoLFPHC, FixedPolicy}


@pytest.mark.parametrize("cls", AGENTS, ids=lambda cls: cls.__name__)
def test_every_agent_has_act_state_rng_and_update_transition(cls):
    assert list(inspect.signature(cls.act).parameters) == ["self", "state", "rng"]
    assert list(inspect.signature(cls.update).parameters) == ["self", "transition"]


@pytest.mark.parametrize("cls", LEARNERS, ids=lambda cls: cls.__name__)
def test_every_learner_takes_its_seat_and_the_shared_names(cls):
    parameters = inspect.signature(cls.__init__).parameters
    assert "player" in parameters and "gamma" in parameters and "epsilon" in parameters
    assert not {"discount", "explore", "exploration"} & set(parameters)


def make(cls, player: int, n_states: int, n_actions: int):
    """A learner of ``cls`` for seat ``player`` of a two-player game with these sizes."""
    if cls in (QLearner,):
        return cls(n_states, n_actions, player=player)
    if cls is MinimaxQ:
        return cls(n_states, n_actions, n_actions, player=player)
    if cls is FriendOrFoeQ:
        return cls(n_states, n_actions, n_actions, friend=False, player=player)
    if cls is NashQ:
        return cls(n_states, (n_actions, n_actions), epsilon=0.5, player=player)
    return cls(n_actions, n_states=n_states, player=player)


@pytest.mark.parametrize("cls", LEARNERS, ids=lambda cls: cls.__name__)
def test_every_learner_plays_every_seat_of_one_loop(cls):
    env = make_matrix_game("rock_paper_scissors")
    agents = [make(cls, i, 1, 3) for i in (0, 1)]
    rollout = play(env, agents, 30, seed=0)
    assert rollout.rewards.shape == (30, 2) and np.all(rollout.rewards.sum(axis=1) == 0)
    again = [make(cls, i, 1, 3) for i in (0, 1)]
    assert np.array_equal(play(env, again, 30, seed=0).rewards, rollout.rewards)  # seeded: repeated exactly


@pytest.mark.parametrize("cls", [QLearner, MinimaxQ, NashQ], ids=lambda cls: cls.__name__)
def test_single_game_learners_play_soccer(cls):
    agents = [make(cls, 0, SOCCER_STATES, 5), FixedPolicy(uniform_policy())]
    record = MatchRecord.of(play(Soccer(), agents, 50, seed=1))
    assert record.steps == 50


def test_minimax_q_in_self_play_reaches_the_equilibrium_of_matching_pennies():
    players = [MinimaxQ(1, 2, 2, gamma=0.0, epsilon=0.2, alpha_decay=0.998, player=i) for i in (0, 1)]
    play(make_matrix_game("matching_pennies"), players, 3000, seed=0)
    for player in players:
        np.testing.assert_allclose(player.policy[0], [0.5, 0.5], atol=0.05)


def test_wolf_phc_in_self_play_approaches_the_equilibrium_in_every_run():
    env = make_matrix_game("matching_pennies", n_envs=4)
    players = [WoLFPHC(2, n_runs=4, delta_w=0.001, delta_l=0.004, initial_policy=off_equilibrium_start(2, i),
                       player=i) for i in (0, 1)]
    rollout = play(env, players, 20_000, seed=3)
    assert rollout.rewards.shape == (20_000, 4, 2) and rollout.done.shape == (20_000, 4)
    for player in players:  # from 0.85 on one action to within 0.15 of (1/2, 1/2) in every run
        assert np.all(np.abs(player.policy[:, 0, 0] - 0.5) < 0.15), player.policy[:, 0]


def test_a_batch_carries_the_run_axis_in_one_transition():
    env = make_matrix_game("matching_pennies", n_envs=3)
    seen = []
    play(env, [PHC(2, n_runs=3), FixedPolicy([0.5, 0.5], n_runs=3)], 2, seed=0,
         callback=lambda t, transition: seen.append(transition))
    state, actions, rewards, next_state = seen[0]
    assert isinstance(seen[0], Transition) and state.shape == next_state.shape == (3,)
    assert len(actions) == len(rewards) == 2 and actions[1].shape == rewards[1].shape == (3,)
    np.testing.assert_array_equal(rewards[0], -rewards[1])


def test_seeds_repeat_and_differ():
    def run(seed):
        learner = QLearner(SOCCER_STATES, 5)
        rollout = play(Soccer(), [learner, FixedPolicy(uniform_policy())], 400, seed=seed)
        return rollout, learner.Q

    (first, q_first), (again, q_again), (other, _) = run(7), run(7), run(8)
    assert np.array_equal(first.rewards, again.rewards) and np.array_equal(q_first, q_again)
    assert not (np.array_equal(first.rewards, other.rewards) and np.array_equal(first.done, other.done))


def test_a_generator_seed_is_drawn_from_so_calls_share_one_stream():
    rng = np.random.default_rng(0)
    players = [FixedPolicy([0.5, 0.5]), FixedPolicy([0.5, 0.5])]
    env = make_matrix_game("matching_pennies")
    first, second = play(env, players, 50, seed=rng), play(env, players, 50, seed=rng)
    joined = play(env, players, 100, seed=0)
    np.testing.assert_array_equal(np.concatenate([first.rewards, second.rewards]), joined.rewards)


def test_learn_false_evaluates_without_touching_the_tables():
    learner = MinimaxQ(SOCCER_STATES, 5, 5)
    before = learner.Q.copy()
    play(Soccer(), [learner, FixedPolicy(uniform_policy())], 100, seed=0, learn=False)
    assert np.array_equal(learner.Q, before) and learner.alpha == 1.0


def test_episodes_end_and_restart_in_a_grid_game():
    steps = []
    rollout = play(GridGame(1, max_steps=30), [NashQ(82, player=i) for i in (0, 1)], n_episodes=5, seed=0,
                   callback=lambda t, transition: steps.append((t, transition.next_state)))
    assert rollout.done.sum() == 5 and rollout.done[-1]
    assert [t for t, _ in steps] == list(range(1, len(rollout.done) + 1))
    ends = np.flatnonzero(rollout.done)
    assert all(steps[k][1] == TERMINAL or k - (ends[ends < k].max() if (ends < k).any() else -1) == 30 for k in ends)


def test_after_a_soccer_game_end_the_learners_go_on_to_the_next_start():
    steps = []
    rollout = play(Soccer(), [FixedPolicy(uniform_policy()), FixedPolicy(uniform_policy())], 500, seed=0,
                   callback=lambda t, transition: steps.append(transition))
    record = MatchRecord.of(rollout)
    assert isinstance(rollout, Rollout) and record.wins_a + record.wins_b + record.draws == rollout.done.sum() > 10
    for k in np.flatnonzero(rollout.done[:-1]):  # the model's next state of an end: the start the reset drew
        assert steps[k].next_state in START_STATES and steps[k + 1].state == steps[k].next_state
    assert all(type(step.state) is int and type(step.next_state) is int for step in steps)  # one run: plain ints


def test_a_batch_of_grid_game_runs_restarts_when_its_episodes_end_together():
    down = np.zeros((82, 4))
    down[:, 1] = 1.0  # both agents push against the bottom edge: only the time limit ends an episode
    steps = []
    rollout = play(GridGame(1, max_steps=4, n_envs=3), [FixedPolicy(down, n_runs=3) for _ in (0, 1)], 10, seed=0,
                   callback=lambda t, transition: steps.append(transition))
    assert rollout.rewards.shape == (10, 3, 2) and rollout.done.shape == (10, 3)
    assert rollout.done.all(axis=1).tolist() == [False, False, False, True] * 2 + [False, False]
    assert all(step.next_state.tolist() == [2, 2, 2] for step in steps)  # truncated, not TERMINAL


def test_a_batch_whose_runs_end_at_different_steps_is_refused():
    uniform = np.full((82, 4), 0.25)
    with pytest.raises(ValueError, match="different steps"):
        play(GridGame(1, max_steps=None, n_envs=2), [FixedPolicy(uniform, n_runs=2) for _ in (0, 1)], 1000, seed=0)


@pytest.mark.parametrize("notebook", ["01_matrix_games_nash", "02_minimax_nash_ffq", "03_wolf_phc"])
def test_chapters_1_to_3_show_only_public_code(notebook):
    """``show_source`` shows public functions; the tabular cores it shows call no underscore helper."""
    import json
    import re
    from pathlib import Path

    cells = [("".join(c["source"])) for c in json.loads(
        (Path(__file__).parents[1] / "notebooks" / f"{notebook}.ipynb").read_text())["cells"] if c["cell_type"] == "code"]
    namespace = {}
    exec("\n".join(line for line in cells[0].splitlines() if not line.startswith("%")), namespace)
    shown = [expr for cell in cells for expr in re.findall(r"show_source\(([\w.]+)", cell)]
    assert shown or notebook.startswith("01")
    for expr in shown:
        obj = eval(expr, namespace)
        assert not obj.__name__.startswith("_"), expr
        if obj.__module__.startswith("marl_course.tabular"):
            body = inspect.getsource(obj).split('"""')[-1]     # the code after the docstring
            assert not re.search(r"(?<![\w.])_\w+\(|self\._\w+\(", body), expr
