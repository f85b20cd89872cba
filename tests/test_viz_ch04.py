"""Chapter 4 plots and the explorer callback, headless."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from marl_course.games.gallery import matching_pennies, prisoners_dilemma
from marl_course.viz.ch04 import (
    EXPLORER_GAMES,
    METHODS,
    convergence_fractions,
    draw_explorer,
    gradient_field,
    plot_convergence_fractions,
    plot_phase_portrait,
)


def test_gradient_field_points_toward_defection_in_the_prisoners_dilemma():
    g = prisoners_dilemma()
    _, _, dp, dq = gradient_field(g.A, g.B, density=5)
    assert np.all(dp[:, 1:] < 0) and np.all(dq[1:, :] < 0)


def test_wolf_field_is_faster_where_the_player_loses():
    g = matching_pennies()
    _, _, dp_iga, _ = gradient_field(g.A, g.B, density=5)
    _, _, dp_wolf, _ = gradient_field(g.A, g.B, 1.0, 3.0, density=5)
    ratio = np.abs(dp_wolf[dp_iga != 0] / dp_iga[dp_iga != 0])
    assert set(np.round(ratio, 6)) <= {1.0, 3.0} and {1.0, 3.0} <= set(np.round(ratio, 6))


def test_phase_portrait_is_labelled_and_marks_the_equilibrium():
    g = matching_pennies()
    ax = plot_phase_portrait(g.A, g.B, [(np.array([0.1, 0.3]), np.array([0.2, 0.4]))], title="t")
    star = [l for l in ax.lines if l.get_marker() == "*"][0]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (0.5, 0.5)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "t"
    plt.close(ax.figure)


def test_convergence_fractions_sum_to_one():
    rng = np.random.default_rng(0)
    fractions = convergence_fractions(rng.random((50, 2)), {"a": [0, 0], "b": [1, 1]}, tol=0.3)
    assert sum(fractions.values()) == pytest.approx(1.0)
    ax = plot_convergence_fractions(fractions, title="x")
    assert ax.get_ylabel() == "fraction of runs"
    plt.close(ax.figure)


@pytest.mark.parametrize("game", EXPLORER_GAMES)
@pytest.mark.parametrize("method", METHODS)
def test_explorer_callback_draws_every_combination(game, method):
    fig = draw_explorer(game, method, n_runs=2, n_steps=20)
    assert fig.axes
    plt.close(fig)


def test_explorer_rejects_unknown_names():
    with pytest.raises(ValueError, match="game"):
        draw_explorer("chess")
    with pytest.raises(ValueError, match="method"):
        draw_explorer("matching_pennies", "Q-learning")
