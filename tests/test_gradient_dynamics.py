"""IGA (Singh, Kearns & Mansour 2000) and WoLF-IGA (Bowling & Veloso 2002) on 2x2 games."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.dynamics.automata import record
from marl_course.dynamics.gradient import (
    default_equilibrium_2x2,
    expected_rewards_2x2,
    iga,
    iga_conserved_quantity,
    iga_flow,
    iga_flow_time_average,
    value_gradients_2x2,
    wolf_iga,
)
from marl_course.games.gallery import (battle_of_the_sexes, coordination_game, matching_pennies, prisoners_dilemma,
                                       rock_paper_scissors)

STARTS = np.array([[0.9, 0.6], [0.2, 0.3], [0.5, 0.95], [0.1, 0.9]])


def test_gradients_are_finite_differences_of_the_values():
    g = battle_of_the_sexes()
    p, q, h = np.array([0.3, 0.7]), np.array([0.6, 0.2]), 1e-6
    d1, d2 = value_gradients_2x2(g.A, g.B, p, q)
    v1_hi, _ = expected_rewards_2x2(g.A, g.B, p + h, q)
    v1_lo, _ = expected_rewards_2x2(g.A, g.B, p - h, q)
    _, v2_hi = expected_rewards_2x2(g.A, g.B, p, q + h)
    _, v2_lo = expected_rewards_2x2(g.A, g.B, p, q - h)
    np.testing.assert_allclose(d1, (v1_hi - v1_lo) / (2 * h), atol=1e-8)
    np.testing.assert_allclose(d2, (v2_hi - v2_lo) / (2 * h), atol=1e-8)


def test_gradient_vanishes_at_the_mixed_equilibrium():
    g = battle_of_the_sexes()
    p_star, q_star = default_equilibrium_2x2(g.A, g.B)
    assert (p_star, q_star) == pytest.approx((0.6, 0.4))
    np.testing.assert_allclose(value_gradients_2x2(g.A, g.B, p_star, q_star), 0, atol=1e-12)


def _distance(p, q, target=(0.5, 0.5)):
    return np.hypot(p - target[0], q - target[1])


def test_wolf_iga_converges_where_iga_cycles_in_matching_pennies():
    g = matching_pennies()
    p, q = record(iga(g.A, g.B, 0.002, STARTS), 20000, every=100)
    pw, qw = record(wolf_iga(g.A, g.B, 0.002, 1.0, 4.0, STARTS), 20000, every=100)
    # IGA with Euler steps: the exact flow has closed orbits (see the iga_flow tests below); the
    # Euler steps drift outward and the projection caps them at the square's edges, so every run
    # stays far from the equilibrium over the last quarter
    assert np.all(_distance(p[-50:], q[-50:]).min(axis=0) > 0.3)
    # WoLF-IGA spirals in (Bowling & Veloso 2002, Theorem 4)
    assert np.all(_distance(pw[-1], qw[-1]) < 0.02)


def test_iga_time_average_approaches_the_equilibrium_in_matching_pennies():
    # Singh et al.: even when the strategies cycle, the average payoffs (and strategies) converge
    g = matching_pennies()
    p, q = record(iga(g.A, g.B, 0.002, [0.9, 0.6]), 20000)
    assert _distance(p.mean(), q.mean()) < 0.05


def test_iga_reaches_the_pure_equilibrium_of_the_prisoners_dilemma():
    g = prisoners_dilemma()
    p, q = record(iga(g.A, g.B, 0.01, STARTS), 1000, every=999)
    np.testing.assert_allclose(p[-1], 0.0)
    np.testing.assert_allclose(q[-1], 0.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.01, 2.0), st.floats(1.0, 10.0))
def test_iterates_stay_in_the_unit_square(p0, q0, eta, ratio):
    g = battle_of_the_sexes()
    p, q = record(wolf_iga(g.A, g.B, eta, 0.5, 0.5 * ratio, [p0, q0]), 20)
    assert np.all((p >= 0) & (p <= 1) & (q >= 0) & (q <= 1))


def test_wolf_uses_alpha_max_when_losing():
    # matching pennies at (p, q) = (0.9, 0.2): the row player loses (V_1 < V_1(p*, q)); column wins
    g = matching_pennies()
    p, q = record(wolf_iga(g.A, g.B, 0.01, 1.0, 3.0, [0.9, 0.2]), 2)
    d1, d2 = value_gradients_2x2(g.A, g.B, 0.9, 0.2)
    assert p[1, 0] - p[0, 0] == pytest.approx(0.01 * 3.0 * d1)
    assert q[1, 0] - q[0, 0] == pytest.approx(0.01 * 1.0 * d2)


def test_seeded_regression():
    g = battle_of_the_sexes()
    p, q = record(wolf_iga(g.A, g.B, 0.05, 1.0, 2.0, [0.62, 0.3]), 11, every=10)
    np.testing.assert_allclose([p[-1, 0], q[-1, 0]], REGRESSION, atol=1e-12)


REGRESSION = [0.15521770477294908, 0.0]
"""(p_1, q_1) after 10 WoLF-IGA steps in battle of the sexes (recorded 2026-11-24)."""


@pytest.mark.parametrize("kwargs, message", [
    (dict(eta=0.0), "eta"), (dict(alpha_min=0.0), "alpha_min"), (dict(alpha_max=0.5), "alpha_max"),
    (dict(initial=[1.2, 0.5]), "initial"), (dict(initial=[0.5, 0.5, 0.5]), "initial"),
])
def test_bad_parameters_raise(kwargs, message):
    g = matching_pennies()
    args = dict(eta=0.01, alpha_min=1.0, alpha_max=2.0, initial=[0.5, 0.5]) | kwargs
    with pytest.raises(ValueError, match=message):
        wolf_iga(g.A, g.B, **args)


def test_wrong_game_size_raises():
    g = rock_paper_scissors()
    with pytest.raises(ValueError, match="2x2"):
        iga(g.A, g.B, 0.01, [0.5, 0.5])


# ---------------------------------------------------------------- the exact IGA flow

# a general-sum game with a centre and elliptic (not circular) orbits: u_1 = 4, u_2 = -3, (p*, q*) = (2/3, 1/2)
ELLIPTIC = (np.array([[3.0, 0.0], [1.0, 2.0]]), np.array([[0.0, 1.0], [2.0, 0.0]]))
FLOW_STARTS = np.array([[0.9, 0.6], [0.2, 0.3], [0.5, 0.95], [0.3, 0.8], [0.7, 0.1]])


def _games_with_centres():
    g = matching_pennies()
    return [(g.A, g.B, (0.5, 0.5), FLOW_STARTS), (*ELLIPTIC, (2 / 3, 0.5), np.array([[0.8, 0.5], [0.6, 0.3]]))]


@pytest.mark.parametrize("R_1, R_2, star, starts", _games_with_centres())
def test_flow_keeps_the_conserved_quantity_over_many_periods(R_1, R_2, star, starts):
    times = np.linspace(0.0, 500.0, 20001)              # ~ 300 periods in matching pennies
    p, q = iga_flow(R_1, R_2, starts, times)
    h = iga_conserved_quantity(R_1, R_2, p, q)
    assert np.abs(h - h[0]).max() < 1e-12
    assert np.all((p > 0) & (p < 1) & (q > 0) & (q < 1))
    assert default_equilibrium_2x2(R_1, R_2) == pytest.approx(star)


@pytest.mark.parametrize("R_1, R_2, star, starts", _games_with_centres())
def test_flow_solves_the_iga_differential_equation(R_1, R_2, star, starts):
    t, h = np.array([0.3, 1.7, 4.1]), 1e-5
    p, q = iga_flow(R_1, R_2, starts, t)
    p_hi, q_hi = iga_flow(R_1, R_2, starts, t + h)
    p_lo, q_lo = iga_flow(R_1, R_2, starts, t - h)
    dp, dq = value_gradients_2x2(R_1, R_2, p, q)
    np.testing.assert_allclose((p_hi - p_lo) / (2 * h), dp, atol=1e-8)
    np.testing.assert_allclose((q_hi - q_lo) / (2 * h), dq, atol=1e-8)


def test_flow_orbits_close_after_one_period_in_matching_pennies():
    g = matching_pennies()
    period = 2 * np.pi / 4                                 # omega = sqrt(-u_1 u_2) = 4
    p, q = iga_flow(g.A, g.B, FLOW_STARTS, [0.0, period, 50 * period])
    np.testing.assert_allclose(p, np.tile(FLOW_STARTS[:, 0], (3, 1)), atol=1e-12)
    np.testing.assert_allclose(q, np.tile(FLOW_STARTS[:, 1], (3, 1)), atol=1e-12)


def test_euler_steps_approach_the_flow_as_eta_shrinks_and_drift_outward():
    g = matching_pennies()
    horizon = 2.0
    errors, drifts = [], []
    for eta in (0.02, 0.002):
        n = int(round(horizon / eta))
        p, q = record(iga(g.A, g.B, eta, FLOW_STARTS[:2]), n + 1, every=n)
        p_exact, q_exact = iga_flow(g.A, g.B, FLOW_STARTS[:2], [horizon])
        errors.append(np.hypot(p[-1] - p_exact[0], q[-1] - q_exact[0]).max())
        drifts.append(_distance(p[-1], q[-1]) - _distance(FLOW_STARTS[:2, 0], FLOW_STARTS[:2, 1]))
    assert errors[1] < errors[0] / 5                       # first-order method: error ~ eta
    assert np.all(np.array(drifts) > 0)                    # each Euler step multiplies the radius by sqrt(1 + 16 eta^2)


@pytest.mark.parametrize("R_1, R_2, star, starts", _games_with_centres())
def test_time_average_converges_to_the_equilibrium_at_rate_one_over_t(R_1, R_2, star, starts):
    times = np.array([10.0, 100.0, 1000.0, 10000.0])
    p_bar, q_bar = iga_flow_time_average(R_1, R_2, starts, times)
    gap = np.hypot(p_bar - star[0], q_bar - star[1]).max(axis=1)
    assert gap[-1] < 1e-4
    np.testing.assert_array_less(gap * times, 2.0)         # |x(0)| < 1 and the matrix factor < 2 here
    # the closed form agrees with a numerical average of the flow
    fine = np.linspace(0.0, 10.0, 200001)
    p, q = iga_flow(R_1, R_2, starts, fine)
    np.testing.assert_allclose(np.trapezoid(p, fine, axis=0) / 10.0, p_bar[0], atol=1e-8)
    np.testing.assert_allclose(np.trapezoid(q, fine, axis=0) / 10.0, q_bar[0], atol=1e-8)


@pytest.mark.parametrize("call, message", [
    (lambda: iga_flow(*prisoners_dilemma().payoffs, [0.5, 0.5], [1.0]), "R_1, R_2"),
    (lambda: iga_flow(coordination_game().A, coordination_game().B, [0.5, 0.5], [1.0]), "centre"),
    (lambda: iga_flow(matching_pennies().A, matching_pennies().B, [0.1, 0.9], [1.0]), "initial"),
    (lambda: iga_flow(matching_pennies().A, matching_pennies().B, [0.6, 0.5], [-1.0]), "times"),
    (lambda: iga_flow(matching_pennies().A, matching_pennies().B, [0.6, 0.5], [2.0, 1.0]), "times"),
    (lambda: iga_flow(matching_pennies().A, matching_pennies().B, [0.6, 0.5], [[1.0]]), "times"),
    (lambda: iga_flow_time_average(matching_pennies().A, matching_pennies().B, [0.6, 0.5], []), "times"),
    (lambda: iga_flow_time_average(matching_pennies().A, matching_pennies().B, [0.95, 0.9], [1.0]), "initial"),
    (lambda: iga_conserved_quantity(matching_pennies().A, matching_pennies().B, 1.5, 0.5), "p_1"),
    (lambda: iga_conserved_quantity(np.eye(3), np.eye(3), 0.5, 0.5), "2x2"),
])
def test_flow_bad_inputs_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()
