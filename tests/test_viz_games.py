"""Chapter 1 plots and explorer callback, headless; the exact equilibrium set of 2x2 games."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from marl_course.games import DegenerateGameWarning, is_nash, mixed_nash_2x2, support_enumeration
from marl_course.games.gallery import battle_of_the_sexes, chicken, matching_pennies, prisoners_dilemma
from marl_course.viz.explorer_2x2 import draw_2x2_game, explore_2x2
from marl_course.viz.games import best_response_curve, equilibrium_set_2x2, plot_best_responses_2x2

DEGENERATE_A = [[2.0, 0.0], [0.0, 1.0]]
DEGENERATE_B = [[1.0, 1.0], [0.0, 2.0]]


def _profile(p, q):
    return [np.array([p, 1 - p]), np.array([q, 1 - q])]


def _circled(ax):
    return {(round(l.get_xdata()[0], 6), round(l.get_ydata()[0], 6)) for l in ax.lines
            if l.get_marker() == "o" and len(l.get_xdata())}


@pytest.mark.parametrize("make, n_eq", [(battle_of_the_sexes, 3), (chicken, 3), (matching_pennies, 1),
                                        (prisoners_dilemma, 1)])
def test_explorer_callback_marks_every_equilibrium(make, n_eq):
    g = make()
    fig, (points, segments, regions) = draw_2x2_game(g.A, g.B)
    assert len(points) == n_eq and not segments and not regions
    assert all(is_nash(g.payoffs, _profile(p, q)) for p, q in points)
    # the equilibrium markers sit on the best-response axes at (q, p)
    assert _circled(fig.axes[1]) == {(round(q, 6), round(p, 6)) for p, q in points}
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


@pytest.mark.parametrize("d0, d1, t, prob", [
    (0.0, -2.0, [0, 0, 1], [1, 0, 0]),      # indifferent at t = 0: vertical segment on the left edge
    (0.0, 3.0, [0, 0, 1], [0, 1, 1]),
    (-1.0, 0.0, [0, 1, 1], [0, 0, 1]),      # indifferent at t = 1: vertical segment on the right edge
    (2.0, 0.0, [0, 1, 1], [1, 1, 0]),
    (1.0, 5.0, [0, 1], [1, 1]),             # never indifferent
    (0.0, 0.0, [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]),  # always indifferent: the square
])
def test_best_response_curve_draws_the_segment_at_a_boundary_switch(d0, d1, t, prob):
    got_t, got_prob = best_response_curve(d0, d1)
    assert got_t.tolist() == t and got_prob.tolist() == prob


def test_degenerate_example_has_a_continuum_and_one_isolated_point():
    points, segments, regions = equilibrium_set_2x2(DEGENERATE_A, DEGENERATE_B)
    assert points == [(0.0, 0.0)] and regions == []
    assert len(segments) == 1
    (p0, q0), (p1, q1) = segments[0]
    assert p0 == p1 == 1.0 and q0 == pytest.approx(1 / 3, abs=1e-12) and q1 == 1.0
    # every point of the continuum is an equilibrium; just below q = 1/3 it is not
    G = [np.array(DEGENERATE_A), np.array(DEGENERATE_B)]
    assert all(is_nash(G, _profile(1.0, q)) for q in np.linspace(1 / 3, 1, 11))
    assert not is_nash(G, _profile(1.0, 1 / 3 - 0.01))


def test_degenerate_example_is_drawn_and_reported_correctly():
    fig, _ = draw_2x2_game(DEGENERATE_A, DEGENERATE_B)
    ax = fig.axes[1]
    # circled: only (q, p) = (0, 0); (1, 1) lies on the continuum and is not circled
    assert _circled(ax) == {(0.0, 0.0)}
    title = ax.get_title().replace("\n", " ")
    assert "1 isolated equilibrium (p=0, q=0)" in title and "a continuum p=1, q in [1/3, 1]" in title
    # the column player's vertical segment at p = 1 ... is drawn on the edge q = 0, from p = 0 to 1
    col_q, col_p = ax.lines[1].get_data()
    assert col_q.tolist()[:2] == [0.0, 0.0] and sorted(col_p.tolist()[:2]) == [0.0, 1.0]
    # the continuum is a thick segment at p = 1 from q = 1/3 to 1
    thick = [l for l in ax.lines if l.get_linewidth() > 5]
    assert len(thick) == 1
    q, p = thick[0].get_data()
    assert list(p) == [1.0, 1.0] and q[0] == pytest.approx(1 / 3) and q[1] == 1.0
    plt.close(fig)


def test_a_player_indifferent_everywhere():
    # the row player is indifferent against every q: its graph is the whole square, and the
    # equilibrium set is the column player's whole graph (three segments)
    points, segments, regions = equilibrium_set_2x2(np.zeros((2, 2)), [[1.0, 0.0], [0.0, 1.0]])
    assert points == [] and regions == []
    assert segments == [((0.0, 0.0), (0.5, 0.0)), ((0.5, 0.0), (0.5, 1.0)), ((0.5, 1.0), (1.0, 1.0))]
    # the column player indifferent everywhere, the row player with a strictly dominant action 1
    points, segments, regions = equilibrium_set_2x2([[0.0, 0.0], [1.0, 1.0]], 5 * np.ones((2, 2)))
    assert points == [] and segments == [((0.0, 0.0), (0.0, 1.0))] and regions == []
    # both indifferent: every profile
    assert equilibrium_set_2x2(np.ones((2, 2)), np.zeros((2, 2))) == ([], [], [((0.0, 1.0), (0.0, 1.0))])
    fig, _ = draw_2x2_game(np.ones((2, 2)), np.zeros((2, 2)))
    assert "every profile is an equilibrium" in fig.axes[1].get_title()
    plt.close(fig)


def _as_set(equilibria):
    return {(round(float(x[0]), 7), round(float(y[0]), 7)) for x, y in equilibria}


def test_nondegenerate_random_games_match_the_closed_form_and_support_enumeration():
    rng = np.random.default_rng(0)
    for _ in range(200):
        A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
        points, segments, regions = equilibrium_set_2x2(A, B)
        assert not segments and not regions
        ours = {(round(p, 7), round(q, 7)) for p, q in points}
        with warnings.catch_warnings():
            warnings.simplefilter("error", DegenerateGameWarning)
            assert ours == _as_set(mixed_nash_2x2(A, B)) == _as_set(support_enumeration(A, B))
        assert len(points) in (1, 3)  # a nondegenerate 2x2 game has an odd number of equilibria


@pytest.mark.parametrize("A, B", [(DEGENERATE_A, DEGENERATE_B), (np.zeros((2, 2)), [[1.0, 0.0], [0.0, 1.0]]),
                                  (battle_of_the_sexes().A, battle_of_the_sexes().B),
                                  ([[3.0, 0.0], [3.0, 1.0]], [[2.0, 2.0], [1.0, 4.0]])])
def test_scale_and_shift_give_the_same_set(A, B):
    A, B = np.asarray(A, float), np.asarray(B, float)
    base = equilibrium_set_2x2(A, B)
    scaled = equilibrium_set_2x2(1e6 * A + 0.37, 1e6 * B - 123.0)
    tiny = equilibrium_set_2x2(1e-9 * A - 5.0, 3e-7 * B)
    for other in (scaled, tiny):
        assert len(other[0]) == len(base[0]) and len(other[1]) == len(base[1]) and other[2] == base[2]
        assert np.allclose(np.ravel(other[0]), np.ravel(base[0]), atol=1e-9)
        assert np.allclose(np.ravel(other[1]), np.ravel(base[1]), atol=1e-9)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(A=np.eye(3), B=np.eye(3)), ValueError, "A must be 2x2"),
    (dict(A=[[1.0, np.nan], [0.0, 1.0]], B=np.eye(2)), ValueError, "^A"),
    (dict(A=np.eye(2), B=np.ones((2, 3))), ValueError, "B"),
    (dict(A="ab", B=np.eye(2)), TypeError, "^A"),
    (dict(A=np.eye(2), B=None), TypeError, "^B"),
    (dict(A=np.eye(2), B=[["x", 1], [0, 1]]), TypeError, "^B"),
])
def test_equilibrium_set_rejects_bad_inputs(kwargs, error, match):
    with pytest.raises(error, match=match):
        equilibrium_set_2x2(**kwargs)


def test_explorer_builds_widgets_and_rejects_unknown_game():
    widget = explore_2x2("chicken")
    assert widget.children
    with pytest.raises(ValueError, match="game must be one of"):
        explore_2x2("poker")
    plt.close("all")


def test_draw_rejects_wrong_shape():
    with pytest.raises(ValueError, match="A must be 2x2"):
        draw_2x2_game(np.zeros((3, 3)), np.zeros((3, 3)))
