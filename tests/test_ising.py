"""The Ising lattice: rewards, mean actions, order parameter and heat-bath Monte Carlo."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marl_course.envs.ising import (
    CRITICAL_TEMPERATURE,
    heat_bath_sweeps,
    ising_rewards,
    lattice_mean_action,
    monte_carlo_order_parameter,
    neighbour_sum,
    order_parameter,
    spins_from_actions,
    stripe_states,
)

lattices = st.integers(2, 6).flatmap(
    lambda n: st.lists(st.integers(0, 1), min_size=n * n, max_size=n * n).map(lambda v: np.reshape(v, (n, n))))


@given(lattices)
@settings(max_examples=40, deadline=None)
def test_mean_action_is_a_distribution(actions):
    mean_action = lattice_mean_action(actions)
    assert mean_action.shape == (*actions.shape, 2)
    assert np.all(mean_action >= 0)
    assert np.allclose(mean_action.sum(axis=-1), 1.0)


@given(lattices)
@settings(max_examples=40, deadline=None)
def test_reward_counts_agreeing_neighbours(actions):
    """r_j = 1/2 s_j sum s_k equals (agreeing neighbours) - 2, i.e. one of -2..2."""
    spins = spins_from_actions(actions)
    agreeing = 4 * lattice_mean_action(actions)[np.arange(actions.shape[0])[:, None],
                                                np.arange(actions.shape[1]), actions]
    assert np.allclose(ising_rewards(spins), agreeing - 2)


def test_rewards_of_the_two_ground_states_and_the_checkerboard():
    up = np.ones((4, 4), dtype=int)
    assert np.all(ising_rewards(up) == 2) and np.all(ising_rewards(-up) == 2)
    checkerboard = np.where(np.indices((4, 4)).sum(axis=0) % 2 == 0, 1, -1)
    assert np.all(ising_rewards(checkerboard) == -2)
    assert order_parameter(checkerboard) == 0 and order_parameter(up) == 1


def test_neighbour_sum_is_a_torus():
    spins = np.zeros((5, 5))
    spins[0, 0] = 1
    total = neighbour_sum(spins)
    assert total[0, 1] == total[1, 0] == total[4, 0] == total[0, 4] == 1
    assert total.sum() == 4


def test_heat_bath_matches_onsager_on_both_sides_of_the_critical_point():
    """Onsager (1944): spontaneous magnetisation (1 - sinh(2/T)^-4)^(1/8) below T_c, 0 above."""
    temperatures = np.array([1.8, 3.5])
    xi = monte_carlo_order_parameter(16, temperatures, n_sweeps=300, burn_in=100, seed=0)
    onsager = (1 - np.sinh(2 / temperatures[0]) ** -4) ** 0.125
    assert abs(xi[0] - onsager) < 0.03
    assert xi[1] < 0.15
    assert 2.26 < CRITICAL_TEMPERATURE < 2.27


def test_heat_bath_is_seeded_and_does_not_modify_its_input():
    start = np.ones((8, 8), dtype=int)
    a = list(heat_bath_sweeps(start, 2.0, 5, seed=3))[-1]
    b = list(heat_bath_sweeps(start, 2.0, 5, seed=3))[-1]
    assert np.array_equal(a, b) and np.all(start == 1)


@pytest.mark.parametrize("call, match", [
    (lambda: spins_from_actions([[0, 2], [1, 1]]), "actions"),
    (lambda: lattice_mean_action(np.zeros(3, dtype=int)), "actions"),
    (lambda: next(heat_bath_sweeps(np.ones((3, 3), dtype=int), 1.0, 1)), "even"),
    (lambda: next(heat_bath_sweeps(np.ones((4, 4), dtype=int), -1.0, 1)), "temperature"),
    (lambda: monte_carlo_order_parameter(4, [1.0], n_sweeps=5, burn_in=5), "burn_in"),
])
def test_bad_inputs_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_stripe_states_detects_straight_bands_only():
    band = np.ones((2, 8, 8), dtype=int)
    band[0, 2:6] = -1                                 # horizontal stripes
    band[1, :, :4] = -1                               # vertical stripes
    assert stripe_states(band).tolist() == [True, True]
    noisy = band[0].copy()
    noisy[0, 0] = -noisy[0, 0]                        # one flipped spin keeps it a stripe state
    assert stripe_states(noisy)
    ordered = np.ones((8, 8), dtype=int)
    checkerboard = np.where(np.indices((8, 8)).sum(axis=0) % 2 == 0, 1, -1)
    random = np.random.default_rng(0).choice([-1, 1], size=(8, 8))
    assert not stripe_states(ordered) and not stripe_states(checkerboard) and not stripe_states(random)


@pytest.mark.parametrize("kwargs, match", [
    ({"spins": [[0, 1], [1, 1]]}, "spins"),
    ({"line_order": 0.0}, "line_order"),
    ({"max_order": 1.5}, "max_order"),
    ({"line_order": float("nan")}, "line_order"),
])
def test_stripe_states_bad_inputs_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        stripe_states(**{"spins": np.ones((4, 4), dtype=int), **kwargs})
