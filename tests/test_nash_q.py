"""Nash-Q: stage equilibria, the update, the equilibrium path of grid game 1, a seeded regression."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from marl_course.envs.grid_games import GOALS, N_STATES, STARTS, GridGame, greedy_path, state_of
from marl_course.games import is_nash
from marl_course.games.gallery import matching_pennies, prisoners_dilemma
from marl_course.tabular.nash_q import NashQ, stage_nash
from marl_course.tabular.play import Transition, play


def offline(game: int, n_episodes: int, seed: int) -> list:
    """Hu & Wellman's offline learning: two Nash-Q learners explore at random and learn from every move."""
    learners = [NashQ(N_STATES, player=i) for i in (0, 1)]
    play(GridGame(game), learners, n_episodes=n_episodes, seed=seed)
    return learners


def test_stage_nash_on_classic_games():
    pd = prisoners_dilemma()
    values, x, y = stage_nash(pd.A, pd.B)
    assert is_nash([pd.A, pd.B], [x, y]) and x.tolist() == y.tolist() == [0.0, 1.0]
    mp = matching_pennies()
    values, x, y = stage_nash(mp.A, mp.B)
    assert np.allclose([x, y], 0.5) and np.allclose(values, 0)


@settings(max_examples=40, deadline=None)
@given(arrays(float, (2, 3, 3), elements=st.integers(-5, 5).map(float)))
def test_stage_nash_returns_an_equilibrium_on_the_simplex(payoffs):
    values, x, y = stage_nash(payoffs[0], payoffs[1])
    assert np.isclose(x.sum(), 1) and np.isclose(y.sum(), 1) and (x >= -1e-12).all() and (y >= -1e-12).all()
    assert is_nash([payoffs[0], payoffs[1]], [x, y], tol=1e-7)
    assert np.allclose(values, [x @ payoffs[0] @ y, x @ payoffs[1] @ y])


@pytest.mark.slow
def test_nash_q_reaches_an_equilibrium_path_of_grid_game_1():
    learner = offline(1, 1500, seed=0)[0]
    path = greedy_path(GridGame(1), learner.joint_action)
    assert len(path) == 5 and path[-1] == GOALS[1]  # both agents at their goals after 4 moves: no collision
    values = learner.equilibrium(state_of(*STARTS))[0]
    assert np.all(values > 85) and np.all(values <= 100 * 0.99 ** 3 + 1e-9)  # approaching 100 gamma^3 from below


def test_seeded_regression():
    first, again = offline(2, 20, seed=11), offline(2, 20, seed=11)
    assert np.array_equal(first[0].Q, again[0].Q)
    assert np.array_equal(first[0].Q, first[1].Q)  # both seats learn the same tables from the same moves
    assert first[0].counts.sum() == 208  # recorded from this seed
    assert first[0].Q.max() == 100.0


def test_greedy_nash_q_plays_its_part_of_the_selected_equilibrium():
    learner = NashQ(1, (2, 2), gamma=0.0, epsilon=0.0, player=1)
    for a_1 in (0, 1):
        for a_2 in (0, 1):  # battle of the sexes; the selected equilibrium is (0, 0)
            learner.update(Transition(0, (a_1, a_2), ([[2, 0], [0, 1]][a_1][a_2], [[1, 0], [0, 2]][a_1][a_2]), 0))
    assert learner.act(0, np.random.default_rng(0)) == 0


def test_validation():
    with pytest.raises(ValueError, match="gamma"):
        NashQ(3, gamma=1.0)
    with pytest.raises(ValueError):
        stage_nash([[1, 2]], [[1], [2]])
