"""Chapter 6 plots and the explorer's drawing callback, headless."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from marl_course.envs.cartpole import markov_probe
from marl_course.viz.ch06 import (
    draw_observations,
    explore_observations,
    plot_flicker_study,
    plot_robustness,
)


def test_draw_observations_marks_blank_steps_and_reports_the_markov_test():
    fig, errors = draw_observations(flicker=0.5, hide_velocity=False, seed=2, steps=40)
    ax = fig.axes[0]
    true_line, observed, blank = ax.lines[:3]
    n = len(true_line.get_xdata())
    assert len(observed.get_xdata()) + len(blank.get_xdata()) == n  # every step is seen or blank
    assert len(blank.get_xdata()) > 0 and len(observed.get_xdata()) > 0
    np.testing.assert_allclose(errors, [markov_probe(0.5, False, h, 2) for h in range(1, 5)])
    heights = [p.get_height() for p in fig.axes[1].patches]
    np.testing.assert_allclose(heights, errors)
    assert ax.get_xlabel() and ax.get_ylabel() and fig.axes[1].get_ylabel()
    plt.close(fig)


def test_without_flicker_no_step_is_blank():
    fig, errors = draw_observations(flicker=0.0, hide_velocity=False, seed=0, steps=30)
    assert len(fig.axes[0].lines[2].get_xdata()) == 0
    assert errors[0] < 0.05
    plt.close(fig)


def test_robustness_plot_draws_the_seed_mean():
    ax = plot_robustness([0.0, 0.5, 1.0], {"DQN": [[10.0, 6.0, 2.0], [20.0, 8.0, 4.0]]})
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [15.0, 7.0, 3.0])
    with pytest.raises(ValueError, match="one column per flicker"):
        plot_robustness([0.0, 0.5], {"DQN": [[1.0, 2.0, 3.0]]})
    plt.close("all")


def test_explorer_builds():
    widget = explore_observations()
    controls, _, output = widget.children
    assert len(output.outputs) == 1
    controls.children[0].children[2].value = 3  # the seed slider redraws
    assert widget.redraw_count == 2
    plt.close("all")


def test_flicker_study_draws_absolute_and_own_reference_relative_curves():
    from types import SimpleNamespace

    p = np.array([0.0, 0.5, 1.0])
    full = SimpleNamespace(eval_flicker=p, scores={"DQN": np.array([[100.0, 50.0, 10.0], [80.0, 60.0, 20.0]])})
    flicker = SimpleNamespace(eval_flicker=p, scores={"DQN": np.array([[90.0, 45.0, 9.0], [60.0, 30.0, 30.0]])})
    fig = plot_flicker_study({0.0: full, 0.5: flicker})
    top_left, top_right, bottom_left, bottom_right = fig.axes
    np.testing.assert_allclose(top_left.lines[0].get_ydata(), [90.0, 55.0, 15.0])
    np.testing.assert_allclose(bottom_left.lines[0].get_ydata(), [1.0, (0.5 + 0.75) / 2, (0.1 + 0.25) / 2])
    np.testing.assert_allclose(bottom_right.lines[0].get_ydata(), [2.0, 1.0, (0.2 + 1.0) / 2])  # its own p = 0.5
    assert "0.5" in bottom_right.get_ylabel() and top_left.get_xlabel()
    # with the random policy's return as the floor: (R - 20) / (R(p_train) - 20), and the ablation dotted
    full.without_memory = {"DQN": np.array([[30.0, 20.0, 10.0], [40.0, 20.0, 20.0]])}
    fig = plot_flicker_study({0.0: full}, random_return=20.0)
    top, bottom = fig.axes
    np.testing.assert_allclose(bottom.lines[0].get_ydata(), [1.0, (30 / 80 + 40 / 60) / 2, (-10 / 80 + 0.0) / 2])
    wiped = [line for line in top.lines if line.get_linestyle() == ":"]
    assert len(wiped) == 1 and "memory wiped" in wiped[0].get_label()
    np.testing.assert_allclose(wiped[0].get_ydata(), [35.0, 20.0, 15.0])
    assert "R_random" in bottom.get_ylabel()
    fig = plot_flicker_study({0.0: full}, labels=["DQN"])
    drawn = [line.get_label() for line in fig.axes[0].lines if not line.get_label().startswith("_")]
    assert drawn == ["DQN (2 seeds)", "DQN, memory wiped"], drawn
    with pytest.raises(ValueError, match="labels"):
        plot_flicker_study({0.0: full}, labels=["DRQN"])
    with pytest.raises(ValueError, match="studies"):
        plot_flicker_study({})
    plt.close("all")
