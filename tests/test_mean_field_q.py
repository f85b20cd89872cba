"""Tabular MF-Q on the Ising lattice: Boltzmann policy, fixed points, temperature mapping."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from marl_course.envs.ising import CRITICAL_TEMPERATURE, monte_carlo_order_parameter
from marl_course.tabular.mean_field_q import (
    boltzmann_policy,
    fixed_point_gaps,
    ising_mean_field_q,
    majority_oriented_gaps,
    mean_field_q_order_parameter,
    mean_field_value,
)


@given(arrays(float, st.integers(1, 6), elements=st.floats(-50, 50)), st.floats(-20, 20))
@settings(max_examples=60, deadline=None)
def test_boltzmann_policy_stays_on_the_simplex(q, beta):
    pi = boltzmann_policy(q, beta)
    assert np.all(pi >= 0) and np.isclose(pi.sum(), 1.0)
    assert q.min() - 1e-9 <= mean_field_value(q, beta) <= q.max() + 1e-9


def test_sign_of_beta():
    """exp(+beta Q) prefers the higher value; the article's literal exp(-beta Q) the lower."""
    q = np.array([1.0, 2.0])
    assert boltzmann_policy(q, 5.0).argmax() == 1
    assert boltzmann_policy(q, -5.0).argmax() == 0
    assert np.allclose(boltzmann_policy(q, 0.0), 0.5)


def test_fixed_point_of_the_q_table_at_low_temperature():
    """In the ordered phase every agent sees k = 4 agreeing neighbours and plays along: its
    table entry converges to the fixed point Q(a, k) = r(a, k) + gamma v(k), with r = 2."""
    gamma, beta = 0.5, 1 / 0.8
    last = list(ising_mean_field_q(10, beta, 800, alpha=0.2, gamma=gamma, seed=0))[-1]
    assert last.order_parameter > 0.95
    up = int(last.actions.mean() > 0.5)
    q = last.q[..., 4 * up]                                   # (L, L, 2): Q_j(., a-bar = all agree)
    value = mean_field_value(q, beta)
    assert np.allclose(q[..., up], 2.0 + gamma * value, atol=0.05)
    assert np.all(q[..., up] > q[..., 1 - up])                # the policy prefers agreeing


def test_fixed_point_of_the_q_table_at_high_temperature():
    """Disordered: every agent often sees 1, 2 or 3 up-neighbours and plays both spins, so both
    rows converge to Q(a, k) = r(a, k) + gamma v(k), with r(a, k) = s_a (k - 2)."""
    gamma, beta = 0.5, 1 / 2.0
    last = list(ising_mean_field_q(10, beta, 800, alpha=0.2, gamma=gamma, seed=0))[-1]
    assert last.order_parameter < 0.3
    for k in (1, 2, 3):
        q = last.q[..., k]                                    # (L, L, 2)
        reward = np.array([-(k - 2), k - 2], dtype=float)     # spin down, spin up
        assert np.allclose(q, reward + gamma * mean_field_value(q, beta)[..., None], atol=0.05)


def test_ordered_below_and_disordered_above_the_critical_point():
    xi = mean_field_q_order_parameter(16, [0.8, 2.0], n_steps=600, average_last=200, seed=0)
    assert xi[0] > 0.95
    assert xi[1] < 0.2


@pytest.mark.slow
def test_mean_field_q_tracks_monte_carlo_at_twice_the_temperature():
    """The reward's factor 1/2: MF-Q at tau behaves like Monte Carlo at T = 2 tau (tau_c = 1.135)."""
    taus = np.array([0.8, 1.0, 1.4, 1.8])
    mf = mean_field_q_order_parameter(20, taus, n_steps=1500, average_last=800, seed=1)
    mc = monte_carlo_order_parameter(20, 2 * taus, n_sweeps=1500, burn_in=700, seed=1)
    assert np.all(np.abs(mf - mc) < 0.1)
    assert 1.13 < CRITICAL_TEMPERATURE / 2 < 1.14


def test_article_sign_anti_aligns():
    last = list(ising_mean_field_q(10, -1 / 0.5, 300, seed=0))[-1]
    spins = 2 * last.actions - 1
    checkerboard = np.where(np.indices((10, 10)).sum(axis=0) % 2 == 0, 1, -1)
    assert abs((spins * checkerboard).mean()) > 0.9


def test_seeded_regression():
    a = list(ising_mean_field_q(6, [1.0, 2.0], 50, seed=7))[-1]
    b = list(ising_mean_field_q(6, [1.0, 2.0], 50, seed=7))[-1]
    assert np.array_equal(a.actions, b.actions) and np.array_equal(a.q, b.q)
    assert a.q.shape == (2, 6, 6, 2, 5) and a.step == 50
    # recorded from this implementation (numpy default_rng, seed 7): 4 and 32 of 36 spins in excess
    assert np.allclose(a.order_parameter, [4 / 36, 32 / 36])


@pytest.mark.parametrize("kwargs, match", [
    ({"size": 1}, "size"),
    ({"alpha": 0.0}, "alpha"),
    ({"gamma": 1.0}, "gamma"),
    ({"beta": float("nan")}, "beta"),
])
def test_bad_inputs_are_named(kwargs, match):
    args = {"size": 4, "beta": 1.0, "n_steps": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        next(ising_mean_field_q(**args))


def test_majority_oriented_gaps_mirror_a_down_lattice():
    q = np.zeros((3, 3, 2, 5))
    q[..., 1, :] = [-3.0, -1.0, 0.0, 2.0, 4.0]          # Q(up, k) - Q(down, k)
    up, down = np.ones((3, 3), dtype=int), np.zeros((3, 3), dtype=int)
    assert np.allclose(majority_oriented_gaps(q, up)[1, 1], [-3, -1, 0, 2, 4])
    assert np.allclose(majority_oriented_gaps(q, down)[1, 1], [-4, -2, 0, 1, 3])
    assert np.allclose(fixed_point_gaps(), [-4, -2, 0, 2, 4])


def test_frequent_contexts_reach_the_fixed_point_rare_ones_lag():
    """Ordered lattice: the all-majority context is at its fixed point, the all-minority one short of it."""
    last = list(ising_mean_field_q(16, 1 / 1.15, 1000, seed=0))[-1]
    gaps = majority_oriented_gaps(last.q, last.actions).mean(axis=(0, 1))
    assert abs(gaps[4] - 4.0) < 0.3
    assert -gaps[0] < 4.0 - 0.5


@pytest.mark.parametrize("kwargs, match", [
    ({"q": np.zeros((3, 3, 2, 4))}, "q"),
    ({"actions": np.zeros((2, 2), dtype=int)}, "actions"),
    ({"actions": np.full((3, 3), 2)}, "actions"),
    ({"q": np.full((3, 3, 2, 5), np.nan)}, "q"),
])
def test_majority_oriented_gaps_bad_inputs_are_named(kwargs, match):
    args = {"q": np.zeros((3, 3, 2, 5)), "actions": np.ones((3, 3), dtype=int), **kwargs}
    with pytest.raises(ValueError, match=match):
        majority_oriented_gaps(**args)
