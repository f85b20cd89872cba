"""The two-step game of Rashid et al. (2018): dynamics, the paper's tables, VDN's closed-form fit."""

import numpy as np
import pytest

from marl_course.envs.nonmonotonic import best_additive_fit
from marl_course.envs.two_step import PAPER_Q_TOT, PAYOFF_2A, PAYOFF_2B, TwoStepGame


def play(first, second):
    env = TwoStepGame(n_envs=1)
    env.reset(seed=0)
    _, state1, r1, d1, _ = env.step([first])
    _, state2, r2, d2, _ = env.step([second])
    return state1[0], r1[0] + r2[0], bool(d1[0]), bool(d2[0]), state2[0]


@pytest.mark.parametrize("a1", [0, 1])
@pytest.mark.parametrize("a2", [0, 1])
def test_payoffs_match_the_paper(a1, a2):
    for first_a2 in (0, 1):
        state, ret, d1, d2, final = play([0, first_a2], [a1, a2])
        assert state.tolist() == [0, 1, 0] and ret == 7 and not d1 and d2 and not final.any()
        state, ret, *_ = play([1, first_a2], [a1, a2])
        assert state.tolist() == [0, 0, 1] and ret == PAYOFF_2B[a1, a2]


def test_optimum_is_eight_by_choosing_2b():
    best = max(play([f, 0], list(s))[1] for f in (0, 1) for s in np.ndindex(2, 2))
    assert best == 8 == PAYOFF_2B.max() > PAYOFF_2A.max()


def test_finished_games_stay_finished():
    env = TwoStepGame(n_envs=2)
    env.reset()
    env.step([[1, 0], [0, 0]])
    env.step([[1, 1], [0, 0]])
    _, state, reward, done, _ = env.step([[1, 1], [1, 1]])
    assert reward.tolist() == [0, 0] and done.all() and not state.any()


def test_observations_are_the_state():
    env = TwoStepGame(n_envs=3)
    obs, state, info = env.reset()
    assert np.array_equal(obs[:, 0], state) and np.array_equal(obs[:, 1], state)


@pytest.mark.parametrize("bad", [[[0, 2]], [[0, 1, 0]], [[0.5, 1]]])
def test_bad_actions_raise(bad):
    with pytest.raises(ValueError, match="actions"):
        TwoStepGame(n_envs=1).step(bad)


def test_paper_qmix_table_is_the_payoff_and_vdn_is_near_the_additive_fit():
    assert np.allclose(PAPER_Q_TOT["QMIX"]["2B"], PAYOFF_2B, atol=0.01)
    fit, greedy = best_additive_fit(PAYOFF_2B)
    assert greedy.tolist() == [1, 1]
    # the paper's VDN table in 2B is the uniform-exploration least-squares fit, up to training noise
    assert np.abs(np.asarray(PAPER_Q_TOT["VDN"]["2B"]) - fit).max() < 0.4
    # so VDN's value of reaching 2B, gamma * max fit = 0.99 * 6.5, is below 0.99 * 7 for 2A: it picks 2A
    assert 0.99 * fit.max() < 0.99 * 7 and np.allclose(np.max(PAPER_Q_TOT["VDN"]["1"]), 0.99 * 7, atol=0.02)
    assert np.allclose(np.max(PAPER_Q_TOT["QMIX"]["1"]), 0.99 * 8, atol=0.01)


def test_table_figure_shows_paper_and_ours_side_by_side():
    import matplotlib.pyplot as plt

    from marl_course.viz.ch07 import plot_two_step_tables
    fig = plot_two_step_tables({"VDN": PAPER_Q_TOT["VDN"]})
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["VDN (paper), state 1", "VDN (paper), state 2A", "VDN (paper), state 2B"]
    assert titles[3] == "VDN (ours), state 1" and all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    plt.close(fig)
