"""One plot_learning_curves for every chapter: the mean line and the band are what the seeds give."""

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest

from marl_course.viz.curves import plot_learning_curves, smooth


def _band(ax, x):
    """(low, high) of the first shaded band at ``x``."""
    vertices = ax.collections[0].get_paths()[0].vertices
    ys = vertices[np.isclose(vertices[:, 0], x), 1]
    return ys.min(), ys.max()


def test_mean_line_and_standard_error_band():
    ax = plot_learning_curves({"a": [[1, 2], [2, 3]], "b": [[0, 1], [1, 1]]})
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.5, 2.5])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a (2 seeds)", "b (2 seeds)"]
    np.testing.assert_allclose(_band(ax, 1), (1.0, 2.0))  # s.e. of (1, 2) = 0.5 either side of 1.5
    assert "standard error" in ax.get_title()
    plt.close("all")


def test_range_band_spans_the_lowest_and_highest_seed():
    ax = plot_learning_curves({"a": [[0, 5, 2], [4, 1, 2], [2, 3, 2]]}, band="range")
    np.testing.assert_allclose(_band(ax, 2), (1.0, 5.0))
    assert "min to max" in ax.get_title()
    plt.close("all")


def test_histories_give_their_curve_and_unit():
    runs = [SimpleNamespace(step_unit="environment steps", steps=[10, 20], train_return=[1.0, 3.0], eval_steps=[20],
                            eval_return=[5.0], loss=[0.1], metrics={"q_value": [0.0, 1.0]}),
            SimpleNamespace(step_unit="environment steps", steps=[10, 20], train_return=[3.0, 5.0], eval_steps=[20],
                            eval_return=[7.0], loss=[0.2], metrics={"q_value": [2.0, 3.0]})]
    ax = plot_learning_curves({"DRQN": runs}, baselines={"random": 2.0})
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [2.0, 4.0])
    assert ax.get_xlabel() == "environment steps"
    assert ax.get_lines()[1].get_ydata()[0] == 2.0 and "random: 2" in ax.get_legend().get_texts()[1].get_text()
    np.testing.assert_allclose(plot_learning_curves({"D": runs}, metric="eval_return").get_lines()[0].get_ydata(), [6.0])
    np.testing.assert_allclose(plot_learning_curves({"D": runs}, metric="q_value").get_lines()[0].get_ydata(), [1.0, 2.0])
    plt.close("all")


def test_runs_with_different_steps_are_interpolated_on_the_shared_range():
    runs = [([0, 10, 20], [0.0, 10.0, 20.0]), ([5, 15, 30], [5.0, 15.0, 30.0])]  # both y = x
    ax = plot_learning_curves({"a": runs})
    x, y = ax.get_lines()[0].get_xdata(), ax.get_lines()[0].get_ydata()
    assert x[0] == 5 and x[-1] == 20 and len(x) == 50
    np.testing.assert_allclose(y, x)
    plt.close("all")


def test_smoothing_is_a_trailing_mean_that_keeps_the_length():
    np.testing.assert_allclose(smooth(np.array([[0.0, 3.0, 6.0, 9.0]]), 3), [[0.0, 1.0, 3.0, 6.0]])
    np.testing.assert_allclose(smooth(np.array([[1.0, 2.0]]), 10), [[1.0, 1.5]])  # window capped at the length
    ax = plot_learning_curves({"a": [[0.0, 2.0, 4.0]]}, window=2)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.0, 1.0, 3.0])
    plt.close("all")


def test_a_single_seed_has_no_band_width():
    ax = plot_learning_curves({"a": [[1.0, 2.0]]})
    assert _band(ax, 1) == (1.0, 1.0) and "1 seed)" in ax.get_legend().get_texts()[0].get_text()
    with pytest.raises(ValueError, match="band"):
        plot_learning_curves({"a": [[1.0, 2.0]]}, band="sd")
    plt.close("all")
