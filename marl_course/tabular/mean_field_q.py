"""Tabular mean-field Q-learning (MF-Q) on the Ising lattice, vectorised over agents (chapter 8).

Mean-field MARL replaces agent ``j``'s interaction with all its neighbours by one interaction
with their *mean action* ``a-bar_j = 1/N_j sum_{k in N(j)} a_k`` (one-hot actions averaged), so
its Q-function ``Q_j(s, a_j, a-bar_j)`` grows with the number of actions, not of agents. MF-Q
updates it with the mean-field value of the next state under the Boltzmann policy:

    Q_j(s, a_j, a-bar_j) <- (1 - alpha) Q_j(s, a_j, a-bar_j) + alpha [r_j + gamma v_j(s')],
    v_j(s') = sum_{a_j} pi_j(a_j | s', a-bar_j) Q_j(s', a_j, a-bar_j),
    pi_j(a_j | s, a-bar_j) = exp(beta Q_j(s, a_j, a-bar_j)) / sum_b exp(beta Q_j(s, b, a-bar_j)).

On the Ising lattice the state never changes and a-bar_j takes the five values ``k / 4``
(``k`` up-neighbours), so every agent's table is ``Q_j[a_j, k]``: shape ``(2, 5)``, and all
``L^2`` tables are one numpy array updated at once.

References
----------
Yang, Luo, Li, Zhou, Zhang, Wang (2018). Mean Field Multi-Agent Reinforcement Learning. ICML,
equations (9), (11), (12) and Algorithm 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marl_course._validation import as_finite_array, as_rng, check_int, check_real, check_seed, checked_by
from marl_course.envs.ising import (
    N_NEIGHBOURS,
    _ising_rewards,
    lattice_mean_action,
    _order_parameter,
    _spins_from_actions,
)

N_MEAN_ACTIONS = N_NEIGHBOURS + 1
"""The mean action of four neighbours takes five values: 0, 1/4, ..., 1 of them up."""


def _check_beta(beta, q_shape) -> np.ndarray:
    beta = as_finite_array(beta, "beta")
    rows = q_shape[:-1] + (1,)
    # broadcastable without growing: right-aligned, each axis of beta is 1 or that of the rows
    fits = beta.ndim <= len(rows) and all(b in (1, r) for b, r in zip(beta.shape[::-1], rows[::-1]))
    if not fits:
        raise ValueError(f"beta must be one inverse temperature or an array broadcastable to {rows} "
                         f"(one per row of q), got shape {beta.shape}")
    return beta



def boltzmann_policy(q, beta) -> np.ndarray:
    """The Boltzmann policy ``pi(a) = exp(beta Q(a)) / sum_b exp(beta Q(b))`` over the last axis.

    **The sign of beta.** The article writes ``exp(-beta Q)``: that is the physicists' Gibbs
    weight ``exp(-E / T)``, which favours *low* energy. Q is a value to be *maximised*, so a
    reward-seeking agent must use ``exp(+beta Q)`` with ``beta = 1 / tau > 0`` (equivalently
    ``exp(-beta E)`` with the energy ``E = -Q``). Taken literally with ``beta > 0``,
    ``exp(-beta Q)`` picks the worst actions: on the Ising lattice the agents then *disagree* with
    their neighbours (a checkerboard). Pass a negative ``beta`` to see that.

    Parameters
    ----------
    q : array_like, shape (..., n_actions)
        Action values.
    beta : float or array_like broadcastable to ``q.shape[:-1] + (1,)``
        Inverse temperature ``1 / tau``; 0 gives the uniform policy.

    Returns
    -------
    numpy.ndarray, shape (..., n_actions): probability rows.

    Examples
    --------
    >>> boltzmann_policy([0.0, np.log(3.0)], beta=1.0)
    array([0.25, 0.75])
    >>> boltzmann_policy([0.0, np.log(3.0)], beta=-1.0)
    array([0.75, 0.25])
    """
    q = as_finite_array(q, "q", min_ndim=1)
    beta = _check_beta(beta, q.shape)
    logits = beta * q
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=-1, keepdims=True)


def mean_field_value(q, beta) -> np.ndarray:
    """The MF value ``v_j = sum_a pi_j(a | a-bar_j) Q_j(a, a-bar_j)`` under the Boltzmann policy.

    Examples
    --------
    >>> float(mean_field_value([0.0, np.log(3.0)], beta=1.0).round(4))
    0.824
    """
    q = as_finite_array(q, "q", min_ndim=1)
    return (boltzmann_policy(q, beta) * q).sum(axis=-1)


@dataclass(frozen=True)
class IsingMFQStep:
    """One step of MF-Q on the Ising lattice (leading axes: one per ``beta``)."""

    step: int
    """Steps taken so far (1 for the first yield)."""
    actions: np.ndarray
    """Actions ``(..., L, L)``: 0 = spin down, 1 = spin up."""
    order_parameter: np.ndarray
    """``xi = |N_up - N_down| / N``, shape ``(...)``."""
    q: np.ndarray
    """Every agent's table ``Q_j[a_j, k]``, shape ``(..., L, L, 2, 5)``, ``k`` = up-neighbours."""


def _check_ising_mean_field_q(size: int, beta, n_steps: int, alpha: float = 0.1, gamma: float = 0.5,
                              seed=None) -> None:
    """The input checks of :func:`ising_mean_field_q`, run when it is called (not at its first ``next``)."""
    check_int(size, "size", low=2)
    as_finite_array(beta, "beta")
    check_int(n_steps, "n_steps", low=1)
    check_real(alpha, "alpha", low=0, high=1, low_open=True)
    check_real(gamma, "gamma", low=0, high=1, high_open=True)
    check_seed(seed)


@checked_by(_check_ising_mean_field_q)
def ising_mean_field_q(size: int, beta, n_steps: int, alpha: float = 0.1, gamma: float = 0.5,
                       seed=None):
    """Run MF-Q (Yang et al. 2018, Algorithm 1) on an ``L x L`` Ising lattice; yield every step.

    Every step, all ``N = L^2`` agents at once:

    1. sample ``a_j ~ pi_j(. | a-bar_j)``, the Boltzmann policy of the *previous* step's mean action;
    2. form the new mean actions ``a-bar_j`` and the rewards ``r_j = 1/2 s_j sum_k s_k``;
    3. update ``Q_j(a_j, a-bar_j) += alpha (r_j + gamma v_j - Q_j(a_j, a-bar_j))`` with
       ``v_j = sum_a pi_j(a | a-bar_j) Q_j(a, a-bar_j)``.

    Since ``Q_j(a, a-bar)`` converges to ``r(a, a-bar) + gamma v(a-bar)``, the policy's odds are
    ``pi(up) / pi(down) = exp(beta h_j)`` with ``h_j`` the neighbours' spin sum: heat-bath
    dynamics at the Monte Carlo temperature ``T = 2 / beta`` (see :mod:`marl_course.envs.ising`).

    Parameters
    ----------
    size : int
        Lattice side ``L``.
    beta : float or array_like
        Inverse Boltzmann temperature ``1 / tau``; an array runs one independent lattice per
        entry (a temperature sweep in one call). Negative values use the article's literal
        ``exp(-|beta| Q)``.
    n_steps : int
    alpha : float in (0, 1]
        Learning rate.
    gamma : float in [0, 1)
        Discount.
    seed : int, None or numpy.random.Generator

    Yields
    ------
    IsingMFQStep

    Examples
    --------
    >>> steps = list(ising_mean_field_q(8, beta=[1 / 0.8, 1 / 2.0], n_steps=300, seed=0))
    >>> steps[-1].q.shape
    (2, 8, 8, 2, 5)
    >>> xi = steps[-1].order_parameter
    >>> bool(xi[0] > 0.9), bool(xi[1] < 0.4)
    (True, True)
    """
    beta = np.asarray(beta, dtype=float)
    alpha, gamma = float(alpha), float(gamma)
    rng = as_rng(seed)
    batch = beta.shape
    beta_rows = beta[..., None, None, None]                        # (..., 1, 1, 1)
    q = np.zeros((*batch, size, size, 2, N_MEAN_ACTIONS))           # (..., L, L, n_actions, n_mean)
    actions = rng.integers(0, 2, size=(*batch, size, size))         # (..., L, L)
    up_neighbours = _up_neighbours(actions)                         # (..., L, L)
    for step in range(1, n_steps + 1):
        # 1. act on the previous step's mean action
        policy = boltzmann_policy(_rows(q, up_neighbours), beta_rows)   # (..., L, L, n_actions)
        actions = (rng.random((*batch, size, size)) < policy[..., 1]).astype(int)
        # 2. the new mean action and the stage game's rewards
        up_neighbours = _up_neighbours(actions)
        spins = _spins_from_actions(actions)
        rewards = _ising_rewards(spins)
        # 3. MF-Q backup with the mean-field value v_j under the Boltzmann policy
        value = mean_field_value(_rows(q, up_neighbours), beta_rows)     # (..., L, L)
        index = (actions * N_MEAN_ACTIONS + up_neighbours)[..., None]    # (..., L, L, 1)
        flat = q.reshape(*q.shape[:-2], -1)                              # (..., L, L, n_actions * n_mean)
        current = np.take_along_axis(flat, index, axis=-1)
        target = rewards[..., None] + gamma * value[..., None]
        np.put_along_axis(flat, index, current + alpha * (target - current), axis=-1)
        yield IsingMFQStep(step, actions, _order_parameter(spins), q.copy())


def _up_neighbours(actions: np.ndarray) -> np.ndarray:
    """The index ``k = 4 a-bar_j[up]`` of each agent's mean action (0..4 neighbours up)."""
    return np.rint(N_NEIGHBOURS * lattice_mean_action(actions)[..., 1]).astype(int)


def _rows(q: np.ndarray, up_neighbours: np.ndarray) -> np.ndarray:
    """``Q_j[:, k_j]`` for every agent: shape (..., L, L, n_actions)."""
    index = np.broadcast_to(up_neighbours[..., None, None], (*up_neighbours.shape, 2, 1))
    return np.take_along_axis(q, index, axis=-1)[..., 0]


def mean_field_q_order_parameter(size: int, taus, n_steps: int = 600, average_last: int = 200,
                                 alpha: float = 0.1, gamma: float = 0.5, seed=None) -> np.ndarray:
    """MF-Q's order parameter over Boltzmann temperatures: ``<xi>`` over the last steps of a run.

    One lattice per temperature ``tau`` (``beta = 1 / tau``), all run at once by
    :func:`ising_mean_field_q`.

    Parameters
    ----------
    size : int
    taus : array_like, shape (n_tau,)
        Positive Boltzmann temperatures.
    n_steps, average_last : int
        Run length and how many final steps ``<xi>`` averages.
    alpha, gamma : float
    seed : int, None or numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (n_tau,)

    Examples
    --------
    >>> xi = mean_field_q_order_parameter(8, [0.8, 2.0], n_steps=300, average_last=100, seed=1)
    >>> bool(xi[0] > 0.9), bool(xi[1] < 0.4)
    (True, True)
    """
    taus = as_finite_array(taus, "taus", ndim=1)
    if np.any(taus <= 0):
        raise ValueError("taus must be positive temperatures")
    n_steps = check_int(n_steps, "n_steps", low=1)
    average_last = check_int(average_last, "average_last", low=1, high=n_steps)
    steps = ising_mean_field_q(size, 1.0 / taus, n_steps, alpha, gamma, seed)
    xi = [s.order_parameter for s in steps]
    return np.mean(xi[-average_last:], axis=0)


def majority_oriented_gaps(q, actions) -> np.ndarray:
    """Each agent's learned preference ``Q_j(up, k) - Q_j(down, k)``, seen from the lattice's majority.

    At the fixed point ``Q_j(a, k) = r(a, k) + gamma v_j(k)`` of MF-Q the value term cancels in the
    difference, so the gap is the reward difference, the neighbours' spin sum
    ``h = 2k - 4`` (see :func:`fixed_point_gaps`), and the policy's odds are ``exp(beta h)``.
    To compare the two phases, every lattice whose majority is *down* is mirrored (spins
    flipped): the returned index ``k`` counts the neighbours that play the **majority** spin,
    and a positive gap favours the majority spin. Contexts ``k = 0, 1`` (an agent surrounded by
    the minority) are rare in an ordered lattice; comparing their gaps with ``-4, -2`` shows how
    far the tables there are from the fixed point.

    Parameters
    ----------
    q : array_like, shape (..., L, L, 2, 5)
        The tables ``Q_j[a_j, k]`` of :class:`IsingMFQStep`.
    actions : array_like of 0/1, shape (..., L, L)
        The lattice whose majority orients the gaps (ties count as up).

    Returns
    -------
    numpy.ndarray, shape (..., L, L, 5)

    Examples
    --------
    >>> h = fixed_point_gaps()
    >>> q = np.zeros((2, 2, 2, 5))
    >>> q[..., 1, :] = h                              # Q(up, k) - Q(down, k) = 2k - 4
    >>> down = np.zeros((2, 2), dtype=int)            # a lattice whose majority is down
    >>> majority_oriented_gaps(q, down)[0, 0]         # mirrored: the same fixed point
    array([-4., -2.,  0.,  2.,  4.])
    """
    q = as_finite_array(q, "q")
    if q.ndim < 4 or q.shape[-2:] != (2, N_MEAN_ACTIONS) or q.shape[-4] != q.shape[-3]:
        raise ValueError(f"q must have shape (..., L, L, 2, {N_MEAN_ACTIONS}), got {q.shape}")
    actions = np.asarray(actions)
    if actions.shape != q.shape[:-2]:
        raise ValueError(f"actions must have shape {q.shape[:-2]} (that of q without its last two axes), "
                         f"got {actions.shape}")
    if not np.isin(actions, (0, 1)).all():
        raise ValueError("actions must hold 0 (spin down) or 1 (spin up) only")
    gaps = q[..., 1, :] - q[..., 0, :]
    majority_up = (actions.mean(axis=(-2, -1)) >= 0.5)[..., None, None, None]
    return np.where(majority_up, gaps, 0.0 - gaps[..., ::-1])


def fixed_point_gaps() -> np.ndarray:
    """The fixed point of ``Q(up, k) - Q(down, k)`` on the Ising lattice: ``h = 2k - 4``, k = 0..4.

    With ``r(a, k) = s_a (k - 2)`` (``s_a = -1, +1``) and ``Q(a, k) = r(a, k) + gamma v(k)``:

    .. math:: Q(\\uparrow, k) - Q(\\downarrow, k) = 2(k - 2) = h_j.

    Examples
    --------
    >>> fixed_point_gaps()
    array([-4., -2.,  0.,  2.,  4.])
    """
    return 2.0 * np.arange(N_MEAN_ACTIONS) - N_NEIGHBOURS
