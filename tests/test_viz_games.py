"""Chapter 1 plots and explorer callback, headless."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from marl_course.games import is_nash
from marl_course.games.gallery import battle_of_the_sexes, chicken, matching_pennies, prisoners_dilemma
from marl_course.viz.explorer_2x2 import draw_2x2_game, explore_2x2
from marl_course.viz.games import best_response_curve, plot_best_responses_2x2


@pytest.mark.parametrize("make, n_eq", [(battle_of_the_sexes, 3), (chicken, 3), (matching_pennies, 1),
                                        (prisoners_dilemma, 1)])
def test_explorer_callback_marks_every_equilibrium(make, n_eq):
    g = make()
    fig, eqs = draw_2x2_game(g.A, g.B)
    assert len(eqs) == n_eq and all(is_nash(g.payoffs, eq) for eq in eqs)
    # the equilibrium markers sit on the best-response axes at (q, p)
    ax = fig.axes[1]
    marked = {(round(l.get_xdata()[0], 6), round(l.get_ydata()[0], 6)) for l in ax.lines if l.get_marker() == "o"
              and len(l.get_xdata())}
    assert marked == {(round(y[0], 6), round(x[0], 6)) for x, y in eqs}
    plt.close(fig)


def test_best_response_curves_cross_at_the_mixed_equilibrium():
    # the crossing of the two curves is the mixed equilibrium of battle of the sexes (p=0.6, q=0.4)
    g = battle_of_the_sexes()
    ax, _ = plot_best_responses_2x2(g.A, g.B)
    row_q, row_p = ax.lines[0].get_data()
    col_q, col_p = ax.lines[1].get_data()
    assert 0.4 in np.round(row_q, 12) and 0.6 in np.round(col_p, 12)
    plt.close("all")


def test_best_response_curve_switch_point():
    t, prob = best_response_curve(-2.0, 2.0)
    assert t.tolist() == [0.0, 0.5, 0.5, 1.0] and prob.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_explorer_builds_widgets_and_rejects_unknown_game():
    widget = explore_2x2("chicken")
    assert widget.children
    with pytest.raises(ValueError, match="game must be one of"):
        explore_2x2("poker")
    plt.close("all")


def test_draw_rejects_wrong_shape():
    with pytest.raises(ValueError, match="A must be 2x2"):
        draw_2x2_game(np.zeros((3, 3)), np.zeros((3, 3)))
