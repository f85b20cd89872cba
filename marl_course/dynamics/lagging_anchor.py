"""The Lagging Anchor algorithm for two-player zero-sum matrix games.

Player 1's strategy ``v`` (over ``m_1`` actions) and player 2's ``w`` (over ``m_2``) follow
their payoff gradients, each pulled toward an *anchor* (``v-bar``, ``w-bar``) that itself lags
behind the strategy:

    v(k+1)     = v(k) + eta P_{m_1} R_1 Y(k) + eta eta_d (v-bar(k) - v(k))
    v-bar(k+1) = v-bar(k) + eta eta_d (v(k) - v-bar(k))
    w(k+1)     = w(k) + eta P_{m_2} R_2 X(k) + eta eta_d (w-bar(k) - w(k))
    w-bar(k+1) = w-bar(k) + eta eta_d (w(k) - w-bar(k))

``P_m = I_m - (1/m) 1 1^T`` removes the component that would change the sum of a strategy,
``eta_d > 0`` is the anchor drawing factor, ``R_1`` is player 1's payoff matrix (m_1 x m_2) and
``R_2`` player 2's (m_2 x m_1; ``R_2 = -R_1^T`` in a zero-sum game). In the *sampled* form
``Y(k)`` is the one-hot vector of player 2's sampled action (``X(k)`` of player 1's); in the
*expected* form they are the mixed strategies ``w(k)`` and ``v(k)``. With ``eta_d = 0`` the rule
is plain projected gradient play, which circles the equilibrium of rock-paper-scissors.

The article counts it as not fully distributed: the algorithm is stated with both players'
reward matrices ``R_1, R_2`` and one common ``eta`` and ``eta_d``, and its convergence is a
property of the pair running together. (In the sampled form each update itself uses only the
player's own ``R_i`` and the opponent's observed action.)

References
----------
F. A. Dahl, "The lagging anchor algorithm: reinforcement learning in two-player zero-sum games
with imperfect information", Machine Learning 49, 2002. Article 三 of the course source.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import (as_bimatrix, as_finite_array, as_probability_rows, as_rng, check_bool,
                                     check_int, check_real, check_seed, checked_by)


class AnchorState(NamedTuple):
    """One iterate of :func:`lagging_anchor`: strategies and anchors, each (n_runs, m_i)."""

    v: np.ndarray
    w: np.ndarray
    v_bar: np.ndarray
    w_bar: np.ndarray


def centering_matrix(m: int) -> np.ndarray:
    """``P_m = I_m - (1/m) 1 1^T``: ``P_m g`` has entries summing to zero.

    Examples
    --------
    >>> centering_matrix(2)
    array([[ 0.5, -0.5],
           [-0.5,  0.5]])
    """
    m = check_int(m, "m", low=1)
    return np.eye(m) - np.full((m, m), 1.0 / m)


def project_to_simplex(points) -> np.ndarray:
    """Euclidean projection of each row of ``points`` (..., m) onto the probability simplex.

    Keeps a strategy a distribution when a gradient step pushes an entry below zero; points
    already on the simplex are returned unchanged.

    Examples
    --------
    >>> project_to_simplex([[0.5, 0.5], [1.2, -0.2], [0.6, 0.6]]).round(3)
    array([[0.5, 0.5],
           [1. , 0. ],
           [0.5, 0.5]])
    """
    return _project_to_simplex(as_finite_array(points, "points", min_ndim=1))


def _project_to_simplex(x: np.ndarray) -> np.ndarray:
    m = x.shape[-1]
    # sort descending; the threshold tau makes sum(max(x - tau, 0)) = 1
    s = -np.sort(-x, axis=-1)
    cumulative = np.cumsum(s, axis=-1) - 1.0
    k = np.arange(1, m + 1)
    support = s - cumulative / k > 0                               # (..., m), True on a prefix
    rho = support.sum(axis=-1, keepdims=True)                      # (..., 1) size of the support
    tau = np.take_along_axis(cumulative, rho - 1, axis=-1) / rho
    return np.maximum(x - tau, 0.0)


def _check_lagging_anchor(R_1, R_2=None, eta=0.01, eta_d=1.0, initial=None, n_runs=1, sampled=True,
                          seed=None) -> None:
    """The input checks of :func:`lagging_anchor`, run when it is called (not at its first ``next``)."""
    R_1, R_2 = as_bimatrix(as_finite_array(R_1, "R_1"), None if R_2 is None else as_finite_array(R_2, "R_2"),
                           names=("R_1", "R_2"))
    eta = check_real(eta, "eta", low=0, low_open=True)
    eta_d = check_real(eta_d, "eta_d", low=0)
    if eta * eta_d > 1:
        raise ValueError(f"eta * eta_d must be at most 1 (the anchor would overshoot), got {eta * eta_d}")
    n_runs = check_int(n_runs, "n_runs", low=1)
    if initial is not None:
        if not isinstance(initial, (list, tuple, np.ndarray)) or len(initial) != 2:
            raise ValueError("initial must be a pair (v(0), w(0))")
        for i, (strategy, m) in enumerate(zip(initial, R_1.shape)):
            name = f"initial[{i}]"
            if as_probability_rows(as_finite_array(strategy, name), name).shape not in {(m,), (n_runs, m)}:
                raise ValueError(f"{name} must have shape ({m},) or ({n_runs}, {m}), got {np.shape(strategy)}")
    check_bool(sampled, "sampled")
    check_seed(seed)


@checked_by(_check_lagging_anchor)
def lagging_anchor(R_1, R_2=None, eta: float = 0.01, eta_d: float = 1.0, initial=None, n_runs: int = 1,
                   sampled: bool = True, seed=None) -> Iterator[AnchorState]:
    """Lagging Anchor dynamics for a batch of runs of a two-player (zero-sum) matrix game.

    Parameters
    ----------
    R_1 : array_like, shape (m_1, m_2)
        Player 1's payoffs.
    R_2 : array_like, shape (m_1, m_2), optional
        Player 2's payoffs in the same row/column layout as ``R_1`` (the function transposes
        it); by default ``-R_1`` (zero-sum).
    eta : float
        Step size, ``eta > 0``.
    eta_d : float
        Anchor drawing factor, ``eta_d >= 0`` (0 gives plain gradient play), ``eta eta_d <= 1``.
    initial : (array_like, array_like), optional
        Starting strategies ``(v(0), w(0))``, each (m_i,) or (n_runs, m_i); uniform by default.
        The anchors start at the strategies.
    n_runs : int
        Independent runs simulated together.
    sampled : bool
        True: ``Y(k)``, ``X(k)`` are one-hot sampled actions (the article's form). False: the
        expected form with ``Y = w``, ``X = v`` (deterministic).
    seed : int, numpy.random.Generator or None

    Yields
    ------
    AnchorState
        ``(v, w, v_bar, w_bar)`` at ``k = 0, 1, ...``, each of shape (n_runs, m_i).

    Examples
    --------
    >>> from marl_course.dynamics.automata import record
    >>> from marl_course.games.gallery import rock_paper_scissors
    >>> A = rock_paper_scissors().A
    >>> start = ([0.8, 0.1, 0.1], [0.1, 0.1, 0.8])
    >>> path = record(lagging_anchor(A, eta=0.02, eta_d=1.0, initial=start, sampled=False), 2000)
    >>> bool(np.abs(path.v[-1] - 1 / 3).max() < 0.01)
    True
    """
    R_1 = np.asarray(R_1, dtype=float)                                       # (m_1, m_2)
    R_2 = (-R_1 if R_2 is None else np.asarray(R_2, dtype=float)).T.copy()  # (m_2, m_1): own actions on the rows
    (m_1, m_2), rng = R_1.shape, as_rng(seed)
    if initial is None:
        initial = (np.full(m_1, 1.0 / m_1), np.full(m_2, 1.0 / m_2))
    v, w = (np.broadcast_to(np.asarray(s, dtype=float), (n_runs, m)).copy() for s, m in zip(initial, (m_1, m_2)))
    v_bar, w_bar = v.copy(), w.copy()                                        # the anchors start at the strategies
    P_1, P_2, I_1, I_2 = centering_matrix(m_1), centering_matrix(m_2), np.eye(m_1), np.eye(m_2)
    while True:
        yield AnchorState(v.copy(), w.copy(), v_bar.copy(), w_bar.copy())
        X = I_1[sample_categorical.unchecked(v, rng)] if sampled else v        # (n_runs, m_1), one-hot rows
        Y = I_2[sample_categorical.unchecked(w, rng)] if sampled else w        # (n_runs, m_2)
        grad_v = Y @ R_1.T @ P_1                                              # rows of P_1 R_1 Y
        grad_w = X @ R_2.T @ P_2                                              # rows of P_2 R_2 X
        v, v_bar = (_project_to_simplex(v + eta * grad_v + eta * eta_d * (v_bar - v)),
                    v_bar + eta * eta_d * (v - v_bar))
        w, w_bar = (_project_to_simplex(w + eta * grad_w + eta * eta_d * (w_bar - w)),
                    w_bar + eta * eta_d * (w - w_bar))
