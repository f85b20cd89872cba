"""Friend-or-Foe Q: the team reduction, Foe-Q = Minimax-Q, exact values on grid game 1."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from marl_course.envs.grid_games import N_STATES, STARTS, GridGame, grid_game, state_of
from marl_course.games import StochasticGame, shapley_values, solve_zero_sum
from marl_course.tabular.ffq import FriendOrFoeQ, friend_or_foe_value
from marl_course.tabular.minimax_q import MinimaxQ
from marl_course.tabular.play import Transition, play


@settings(max_examples=40, deadline=None)
@given(arrays(float, (2, 3, 2), elements=st.floats(-5, 5)))
def test_team_value_lies_between_all_foes_and_all_friends(Q):
    all_foes, p_foes = friend_or_foe_value(Q, [False, False])
    mixed, p_mixed = friend_or_foe_value(Q, [True, False])
    all_friends, p_friends = friend_or_foe_value(Q, [True, True])
    assert all_foes - 1e-9 <= mixed <= all_friends + 1e-9
    assert all_friends == pytest.approx(Q.max())
    assert all_foes == pytest.approx(solve_zero_sum(Q.reshape(2, 6))[0])
    for p in (p_foes, p_mixed, p_friends):
        assert np.isclose(p.sum(), 1) and (p >= -1e-12).all()


def test_foe_q_is_minimax_q_for_two_players():
    foe = FriendOrFoeQ(2, 3, 3, friend=False, alpha_decay=0.99)
    minimax = MinimaxQ(2, 3, 3, alpha_decay=0.99)
    foe.Q[:], foe.V[:] = minimax.Q, minimax.V
    rng = np.random.default_rng(0)
    for _ in range(50):
        s, a, o, s2 = (int(v) for v in rng.integers([2, 3, 3, 2]))
        r = float(rng.normal())
        foe.update(Transition(s, (a, o), (r, -r), s2))
        minimax.update(Transition(s, (a, o), (r, -r), s2))
    assert np.allclose(foe.V, minimax.V) and np.allclose(foe.pi, minimax.pi)


def train_pair(friend: bool, n_episodes: int, seed: int):
    """Both learners explore at random (epsilon = 1) on grid game 1 and learn from every joint move."""
    agents = [FriendOrFoeQ(N_STATES, 4, 4, friend=friend, gamma=0.99, epsilon=1.0, alpha=0.5, alpha_decay=1.0,
                           player=i) for i in (0, 1)]
    play(GridGame(1), agents, n_episodes=n_episodes, seed=seed)
    return agents


@pytest.mark.slow
def test_values_on_grid_game_1_match_the_exact_ones():
    start = state_of(*STARTS)
    friends = train_pair(True, 1000, seed=0)
    assert friends[0].V[start] == pytest.approx(100 * 0.99 ** 3, abs=0.5)  # the best joint path's value
    foes = train_pair(False, 1000, seed=0)
    game = grid_game(1)
    pessimistic = StochasticGame(game.transitions, np.stack([game.rewards[0], -game.rewards[0]]), 0.99)
    exact = shapley_values(pessimistic, tol=1e-6).values[start]  # agent 1 against an adversary
    assert foes[0].V[start] == pytest.approx(exact, abs=0.5)


def test_seeded_regression():
    first, second = train_pair(True, 10, seed=5), train_pair(True, 10, seed=5)
    assert np.array_equal(first[0].Q, second[0].Q) and np.array_equal(first[1].pi, second[1].pi)
    assert first[0].Q.max() == 50.0  # alpha = 0.5 on one visit to a goal-reaching joint action


def test_validation():
    with pytest.raises(ValueError, match="friends"):
        friend_or_foe_value(np.zeros((2, 2)), [True, False])


def test_a_pair_needs_two_learners_in_their_seats():
    with pytest.raises(ValueError, match="agents"):
        play(GridGame(1), [FriendOrFoeQ(N_STATES, 4, 4, friend=True)], n_steps=1)
    with pytest.raises(ValueError, match=r"agents\[1\]\.player"):
        play(GridGame(1), [FriendOrFoeQ(N_STATES, 4, 4, friend=True) for _ in range(2)], n_steps=1)
