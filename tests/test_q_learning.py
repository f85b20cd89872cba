"""Independent Q-learning: the backup, exploitation of a fixed opponent, a seeded regression."""

import numpy as np
import pytest

from marl_course.envs.matrix_games import make_matrix_game
from marl_course.games.gallery import rock_paper_scissors
from marl_course.tabular.play import FixedPolicy, Transition, play
from marl_course.tabular.q_learning import QLearner, q_learning_update


def play_repeated(learner, opponent, n_steps, seed):
    """The row player's rewards when ``learner`` plays repeated rock-paper-scissors against ``opponent``."""
    return play(make_matrix_game("rock_paper_scissors"), [learner, opponent], n_steps, seed=seed).rewards[:, 0]


def test_backup_matches_the_formula():
    Q = np.array([[0.0, 1.0], [2.0, -1.0]])
    q_learning_update(Q, 0, 0, 0.5, 1, alpha=0.25, gamma=0.9)
    assert Q[0, 0] == pytest.approx(0.25 * (0.5 + 0.9 * 2.0))


def test_q_learner_best_responds_to_a_biased_opponent():
    game = rock_paper_scissors().A
    opponent = np.array([0.5, 0.3, 0.2])
    learner = QLearner(1, 3, gamma=0.0, epsilon=0.1, alpha=0.1, alpha_decay=1.0)
    play_repeated(learner, FixedPolicy([opponent]), 3000, seed=0)
    assert learner.Q[0].argmax() == (game @ opponent).argmax()


def test_seeded_regression():
    learner = QLearner(1, 3, gamma=0.5, epsilon=0.3, alpha=0.5, alpha_decay=0.99)
    rewards = play_repeated(learner, FixedPolicy([[0.2, 0.5, 0.3]]), 200, seed=7)
    again = QLearner(1, 3, gamma=0.5, epsilon=0.3, alpha=0.5, alpha_decay=0.99)
    assert np.array_equal(rewards, play_repeated(again, FixedPolicy([[0.2, 0.5, 0.3]]), 200, seed=7))
    assert learner.Q.round(6).tolist() == again.Q.round(6).tolist()
    assert int(learner.Q[0].argmax()) == 2  # scissors beats the paper-heavy opponent


def test_greedy_policy_is_on_the_simplex():
    learner = QLearner(4, 3)
    learner.Q[:] = np.random.default_rng(0).normal(size=(4, 3))
    assert np.allclose(learner.policy.sum(axis=1), 1) and set(np.unique(learner.policy)) <= {0.0, 1.0}


def test_validation():
    with pytest.raises(ValueError, match="epsilon"):
        QLearner(2, 2, epsilon=2.0)
    with pytest.raises(ValueError, match="policy"):
        FixedPolicy([[0.5, 0.6]])


def test_the_second_seat_learns_from_its_own_action_and_reward():
    learner = QLearner(1, 2, gamma=0.0, epsilon=0.0, alpha=1.0, alpha_decay=1.0, player=1)
    learner.update(Transition(0, (0, 1), (-2.0, 2.0), 0))
    assert learner.Q.tolist() == [[1.0, 2.0]]
