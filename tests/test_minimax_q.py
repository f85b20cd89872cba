"""Minimax-Q: the fast stage LP, convergence to Shapley's values, simplex property, Littman's table."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from marl_course._random import sample_categorical
from marl_course.games import big_match, shapley_values
from marl_course.games.zero_sum import maximin_value_linprog, solve_zero_sum_unchecked
from marl_course.experiments.littman import littman_table
from marl_course.tabular.minimax_q import MinimaxQ, decay_for, minimax_q_update
from marl_course.envs.matrix_games import make_matrix_game
from marl_course.tabular.play import FixedPolicy, Transition, play
from marl_course.tabular.q_learning import QLearner


def play_repeated(learner, opponent, n_steps, seed):
    """The row player's rewards when ``learner`` plays repeated rock-paper-scissors against ``opponent``."""
    return play(make_matrix_game("rock_paper_scissors"), [learner, opponent], n_steps, seed=seed).rewards[:, 0]


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-10, 10)))
def test_unchecked_solver_matches_linprog_and_gives_strategies(A):
    value, x, y = solve_zero_sum_unchecked(A)
    assert value == pytest.approx(maximin_value_linprog(A), abs=1e-6)  # HiGHS: 1e-7 feasibility on payoffs up to 10
    assert np.isclose(x.sum(), 1) and np.isclose(y.sum(), 1) and (x >= 0).all() and (y >= 0).all()
    assert (x @ A >= value - 1e-7).all() and (A @ y <= value + 1e-7).all()


def sample_next(game, s, a, o, rng):
    return sample_categorical(game.transitions[s, a, o], rng)


def test_values_converge_to_shapley_on_the_big_match():
    game = big_match(0.5)
    exact = shapley_values(game).values
    learner = MinimaxQ(3, 2, 2, gamma=0.5, epsilon=1.0, alpha=1.0, alpha_decay=decay_for(20_000))
    rng = np.random.default_rng(0)
    state = 0
    for t in range(20_000):
        a, o = learner.act(state, rng), int(rng.integers(2))
        next_state = sample_next(game, state, a, o, rng)
        learner.update(Transition(state, (a, o), game.rewards[:, state, a, o], next_state))
        state = 0 if t % 5 == 4 else next_state  # restart now and then so the play state is visited
    assert np.abs(learner.V - exact).max() < 0.05


def test_minimax_q_does_not_exploit_a_weak_opponent_but_q_learning_does():
    opponent = FixedPolicy([[0.5, 0.3, 0.2]])  # in rock-paper-scissors, play_repeated's game
    minimax = MinimaxQ(1, 3, 3, gamma=0.0, epsilon=0.1, alpha=0.1, alpha_decay=1.0)
    q = QLearner(1, 3, gamma=0.0, epsilon=0.1, alpha=0.1, alpha_decay=1.0)
    r_minimax = play_repeated(minimax, opponent, 3000, seed=0)[-1000:].mean()
    r_q = play_repeated(q, opponent, 3000, seed=0)[-1000:].mean()
    assert abs(r_minimax) < 0.08 < r_q
    assert np.allclose(minimax.policy, 1 / 3, atol=0.05)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.floats(-5, 5)), min_size=1, max_size=30))
def test_policy_stays_on_the_simplex(updates):
    Q, V, pi = np.ones((2, 3, 3)), np.ones(2), np.full((2, 3), 1 / 3)
    for k, (a, o, r) in enumerate(updates):
        minimax_q_update(Q, V, pi, k % 2, a, o, r, (k + 1) % 2, alpha=0.5, gamma=0.9)
    assert np.allclose(pi.sum(axis=1), 1) and (pi >= 0).all()
    assert np.allclose(V, [solve_zero_sum_unchecked(Q[s])[0] for s in range(2)])


def test_seeded_regression():
    learner = MinimaxQ(1, 3, 3, gamma=0.9, epsilon=0.2, alpha_decay=decay_for(500))
    rewards = play_repeated(learner, FixedPolicy([[0.2, 0.5, 0.3]]), 500, seed=3)
    again = MinimaxQ(1, 3, 3, gamma=0.9, epsilon=0.2, alpha_decay=decay_for(500))
    assert np.array_equal(rewards, play_repeated(again, FixedPolicy([[0.2, 0.5, 0.3]]), 500, seed=3))
    assert np.array_equal(learner.Q, again.Q)
    assert abs(learner.V[0]) < 1.0  # the value of RPS is 0; V = sum of discounted values stays small


def test_validation():
    with pytest.raises(ValueError, match="alpha_decay"):
        MinimaxQ(2, 2, 2, alpha_decay=0.0)
    with pytest.raises(ValueError, match="n_steps"):
        decay_for(0)


@pytest.mark.slow
def test_littman_shape_deterministic_q_policies_are_fully_exploited():
    table = littman_table(n_train=10_000, n_challenger=20_000, n_test=3_000, seed=0)
    for name in ("MR", "MM", "QR", "QQ"):
        assert table["random"][name].percent_won_a > (80 if name[0] == "Q" else 50)
    assert table["challenger"]["QR"].percent_won_a < 5 and table["challenger"]["QQ"].percent_won_a < 5
    assert np.allclose(table["policies"]["MR"].sum(axis=1), 1)
