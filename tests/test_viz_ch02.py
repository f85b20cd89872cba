"""Chapter 2 plots, headless."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from marl_course.envs.soccer import hand_built_policy, uniform_policy  # noqa: E402
from marl_course.viz.ch02 import (draw_grid_paths, draw_soccer_position, plot_littman_table,  # noqa: E402
                                  plot_value_gap)


def test_explorer_callback_draws_the_chosen_policy():
    policies = {"hand-built": hand_built_policy(0), "random": uniform_policy()}
    board, bars = draw_soccer_position(policies, "hand-built", 8, 11, "A")
    heights = [p.get_height() for p in bars.patches]
    assert sorted(heights) == [0, 0, 0, 0, 1]
    assert draw_soccer_position(policies, "random", 5, 5, "B").texts  # same square: a message, no crash
    with pytest.raises(ValueError, match="holder"):
        draw_soccer_position(policies, "random", 1, 2, "C")
    plt.close("all")


def test_table_and_gap_plots_are_labelled():
    ax, = plot_littman_table({"random": {"MR": 90.0, "QR": 95.0}}, {"random": {"MR": 99.3, "QR": 99.4}})
    assert len(ax.patches) == 4 and ax.get_legend() is not None
    ax = plot_value_gap([10, 20], [0.3, 0.1])
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    with pytest.raises(ValueError, match="same length"):
        plot_value_gap([1, 2], [1.0])
    axes = draw_grid_paths({"a": ([(0, 2), (3, 5)], (8, 6)), "b": ([(0, 2)], (7, 7))})
    assert [a.get_title() for a in axes] == ["a: 1 steps", "b: 0 steps"]
    plt.close("all")
