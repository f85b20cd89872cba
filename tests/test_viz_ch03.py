"""Chapter 3 plots and explorer callback, headless."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from marl_course.envs.matrix_games import make_matrix_game
from marl_course.tabular.phc import self_play
from marl_course.viz.ch03 import (
    draw_self_play,
    explore_wolf,
    plot_distance_to_equilibrium,
    plot_simplex_trajectories,
    plot_strategy_square,
)
from marl_course.viz.simplex import simplex_to_xy


@pytest.mark.parametrize("game, delta_l, algorithm", [("rock_paper_scissors", 0.003, "WoLF-PHC"),
                                                      ("matching_pennies", 0.001, "PHC")])
def test_explorer_callback_draws_the_trajectory_it_learned(game, delta_l, algorithm):
    fig, run = draw_self_play(game, delta_w=0.001, delta_l=delta_l, n_steps=1000, seed=0)
    left, right = fig.axes
    line = left.lines[1] if game == "rock_paper_scissors" else left.lines[0]  # the triangle is line 0 on the simplex
    assert line.get_label() == algorithm
    if game == "rock_paper_scissors":
        np.testing.assert_allclose(np.c_[line.get_xdata(), line.get_ydata()], simplex_to_xy(run.policies[0][:, 0, 0]))
    else:
        np.testing.assert_allclose(line.get_xdata(), run.policies[0][:, 0, 0, 0])
        np.testing.assert_allclose(line.get_ydata(), run.policies[1][:, 0, 0, 0])
    assert right.get_xlabel() == "step t"
    plt.close(fig)


def test_explorer_runs_phc_when_delta_l_is_below_delta_w():
    fig, _ = draw_self_play("matching_pennies", delta_w=0.002, delta_l=0.001, n_steps=500)
    assert fig.axes[0].lines[0].get_label() == "PHC"
    assert any("delta_l < delta_w" in t.get_text() for t in fig.axes[1].texts)
    plt.close(fig)


def test_explorer_validates_and_builds():
    with pytest.raises(ValueError, match="game"):
        draw_self_play("chess")
    with pytest.raises(ValueError, match="delta_w"):
        draw_self_play("matching_pennies", delta_w=0.0)
    widget = explore_wolf("matching_pennies")
    controls, _, output = widget.children
    assert len(output.outputs) == 1 and widget.redraw_count == 1
    controls.children[0].children[1].value = 4_000  # the steps slider redraws
    assert widget.redraw_count == 2
    plt.close("all")


def test_plots_are_labelled_and_check_their_input():
    run = self_play(make_matrix_game("rock_paper_scissors", n_envs=2), 0.001, 0.002, 300, seed=0)
    ax = plot_distance_to_equilibrium({"WoLF-PHC": run}, np.full(3, 1 / 3))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    ax = plot_simplex_trajectories({"WoLF-PHC": run}, player=1, equilibrium=np.full(3, 1 / 3))
    assert [t.get_text() for t in ax.texts] == ["rock", "paper", "scissors"]
    with pytest.raises(TypeError, match="trajectories"):
        plot_strategy_square({"x": np.zeros(3)})
    plt.close("all")
