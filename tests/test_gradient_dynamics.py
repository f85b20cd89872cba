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
    value_gradients_2x2,
    wolf_iga,
)
from marl_course.games.gallery import battle_of_the_sexes, matching_pennies, prisoners_dilemma, rock_paper_scissors

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
    # IGA: closed orbits around the equilibrium (Euler steps drift outward, the projection caps
    # them at the square's edges), so every run stays far from it over the last quarter
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
