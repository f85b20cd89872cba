"""Gradient ascent in two-player two-action games: IGA and WoLF-IGA.

Player 1 plays its first action with probability ``p_1`` and player 2 with ``q_1``. With
payoff matrices ``R_1`` (row player) and ``R_2`` (column player), the expected rewards are

    V_i(p_1, q_1) = [p_1, 1 - p_1] R_i [q_1, 1 - q_1]^T,

and each player climbs its own gradient, projected back onto [0, 1]:

    p_1(k+1) = p_1(k) + eta alpha_1(k) dV_1/dp_1,     q_1(k+1) = q_1(k) + eta alpha_2(k) dV_2/dq_1.

IGA uses ``alpha_1 = alpha_2 = 1``. WoLF-IGA ("win or learn fast") learns slowly when winning:

    alpha_1 = alpha_min if V_1(p_1, q_1) > V_1(p_1*, q_1) else alpha_max,
    alpha_2 = alpha_min if V_2(p_1, q_1) > V_2(p_1, q_1*) else alpha_max,

with ``(p_1*, q_1*)`` a Nash equilibrium and ``alpha_max > alpha_min > 0``.

References
----------
S. Singh, M. Kearns and Y. Mansour, "Nash convergence of gradient dynamics in general-sum
games", UAI 2000. M. Bowling and M. Veloso, "Multiagent learning using a variable learning
rate", Artificial Intelligence 136, 2002. Article 三 of the course source.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from marl_course._validation import as_bimatrix, as_real_array, check_real
from marl_course.games import mixed_nash_2x2


def _check_2x2(R_1, R_2) -> tuple[np.ndarray, np.ndarray]:
    R_1, R_2 = as_bimatrix(as_real_array(R_1, "R_1"), as_real_array(R_2, "R_2"), names=("R_1", "R_2"))
    if R_1.shape != (2, 2):
        raise ValueError(f"R_1 and R_2 must be 2x2 (IGA and WoLF-IGA are two-action methods), got shape {R_1.shape}")
    return R_1, R_2


def _check_unit_interval(value, name: str) -> np.ndarray:
    array = as_real_array(value, name)
    if np.any((array < 0) | (array > 1)):
        raise ValueError(f"{name} must lie in [0, 1] (a probability)")
    return array


def expected_rewards_2x2(R_1, R_2, p_1, q_1) -> tuple[np.ndarray, np.ndarray]:
    """``V_1(p_1, q_1)`` and ``V_2(p_1, q_1)`` for arrays of probabilities (broadcast together).

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> [float(v) for v in expected_rewards_2x2(g.A, g.B, 1.0, 0.25)]
    [-0.5, 0.5]
    """
    R_1, R_2 = _check_2x2(R_1, R_2)
    p, q = _broadcast_pq(p_1, q_1)
    return _values(R_1, p, q), _values(R_2, p, q)


def _broadcast_pq(p_1, q_1) -> tuple[np.ndarray, np.ndarray]:
    p, q = _check_unit_interval(p_1, "p_1"), _check_unit_interval(q_1, "q_1")
    try:
        return np.broadcast_arrays(p, q)
    except ValueError:
        raise ValueError(f"p_1 and q_1 must broadcast together, got shapes {p.shape} and {q.shape}") from None


def _values(R: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    x = np.stack([p, 1 - p], axis=-1)                       # (..., 2) row strategy
    y = np.stack([q, 1 - q], axis=-1)                       # (..., 2) column strategy
    return np.einsum("...a,ab,...b->...", x, R, y)


def value_gradients_2x2(R_1, R_2, p_1, q_1) -> tuple[np.ndarray, np.ndarray]:
    """The IGA vector field ``(dV_1/dp_1, dV_2/dq_1)`` at ``(p_1, q_1)`` (arrays broadcast).

    ``dV_1/dp_1 = u_1 q_1 + (R_1[0,1] - R_1[1,1])`` with ``u_1 = R_1[0,0] - R_1[0,1] - R_1[1,0] +
    R_1[1,1]``, and ``dV_2/dq_1 = u_2 p_1 + (R_2[1,0] - R_2[1,1])`` with ``u_2`` built from
    ``R_2`` the same way. Each depends only on the *other* player's probability.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> [float(d) for d in value_gradients_2x2(g.A, g.B, 0.5, 1.0)]
    [2.0, 0.0]
    """
    R_1, R_2 = _check_2x2(R_1, R_2)
    p, q = _broadcast_pq(p_1, q_1)
    return _gradients(R_1, R_2, p, q)


def _gradients(R_1: np.ndarray, R_2: np.ndarray, p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u_1 = R_1[0, 0] - R_1[0, 1] - R_1[1, 0] + R_1[1, 1]
    u_2 = R_2[0, 0] - R_2[0, 1] - R_2[1, 0] + R_2[1, 1]
    return u_1 * q + (R_1[0, 1] - R_1[1, 1]), u_2 * p + (R_2[1, 0] - R_2[1, 1])


def default_equilibrium_2x2(R_1, R_2) -> tuple[float, float]:
    """The equilibrium ``(p_1*, q_1*)`` WoLF-IGA compares against by default.

    The fully mixed equilibrium when the game has one, otherwise its first pure equilibrium
    (the order of :func:`marl_course.games.mixed_nash_2x2`).

    Examples
    --------
    >>> from marl_course.games.gallery import prisoners_dilemma
    >>> default_equilibrium_2x2(prisoners_dilemma().A, prisoners_dilemma().B)
    (0.0, 0.0)
    """
    R_1, R_2 = _check_2x2(R_1, R_2)
    equilibria = mixed_nash_2x2(R_1, R_2)
    if not equilibria:
        raise ValueError("R_1, R_2: no isolated equilibrium found; pass equilibrium=(p_1*, q_1*) explicitly")
    x, y = equilibria[-1] if 0 < equilibria[-1][0][0] < 1 else equilibria[0]
    return float(x[0]), float(y[0])


def wolf_iga(R_1, R_2, eta: float, alpha_min: float, alpha_max: float, initial, equilibrium=None
             ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """WoLF-IGA from a batch of starting points; IGA is the case ``alpha_min = alpha_max``.

    Parameters
    ----------
    R_1, R_2 : array_like, shape (2, 2)
        The row and column players' payoffs.
    eta : float
        Step size ``eta > 0`` (small: the theory is the limit ``eta -> 0``).
    alpha_min, alpha_max : float
        Learning-rate factors when winning / losing, ``0 < alpha_min <= alpha_max``.
    initial : array_like, shape (2,) or (n_runs, 2)
        Starting points ``(p_1(0), q_1(0))``.
    equilibrium : (float, float), optional
        ``(p_1*, q_1*)``, a Nash equilibrium of the game (checked: neither player may gain more
        than ``1e-6`` times the payoff range by deviating); by default
        :func:`default_equilibrium_2x2`.

    Yields
    ------
    (p_1, q_1) : two arrays of shape (n_runs,)
        The iterates ``k = 0, 1, ...``, starting with ``initial``.

    Examples
    --------
    >>> from marl_course.dynamics.automata import record
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> p, q = record(wolf_iga(g.A, g.B, 0.01, 1.0, 4.0, [0.9, 0.6]), 2000)
    >>> bool(np.hypot(p[-1] - 0.5, q[-1] - 0.5)[0] < 0.02)
    True
    """
    R_1, R_2 = _check_2x2(R_1, R_2)
    eta = check_real(eta, "eta", low=0, low_open=True)
    alpha_min = check_real(alpha_min, "alpha_min", low=0, low_open=True)
    alpha_max = check_real(alpha_max, "alpha_max", low=alpha_min)
    start = _check_start(initial)
    if equilibrium is None:
        p_star, q_star = default_equilibrium_2x2(R_1, R_2)
    else:
        star = _check_unit_interval(equilibrium, "equilibrium")
        if star.shape != (2,):
            raise ValueError(f"equilibrium must be a pair (p_1*, q_1*), got shape {star.shape}")
        p_star, q_star = tuple(star)
        _check_equilibrium(R_1, R_2, p_star, q_star)
    return _wolf_iga_iterates(R_1, R_2, eta, alpha_min, alpha_max, start, p_star, q_star)


def _check_start(initial) -> np.ndarray:
    start = _check_unit_interval(initial, "initial")
    if start.shape[-1:] != (2,) or start.ndim > 2:
        raise ValueError(f"initial must have shape (2,) or (n_runs, 2), got {start.shape}")
    return np.atleast_2d(start).copy()


EQUILIBRIUM_TOL = 1e-6
"""How much (relative to the payoff range) a player may gain by deviating from a given equilibrium."""


def _check_equilibrium(R_1: np.ndarray, R_2: np.ndarray, p_star: float, q_star: float) -> None:
    """Refuse a point ``(p_1*, q_1*)`` where a player gains by a unilateral deviation."""
    spread = max(np.ptp(R_1), np.ptp(R_2))
    tol = EQUILIBRIUM_TOL * spread
    p, q = np.array([p_star]), np.array([q_star])
    pure = np.array([0.0, 1.0])
    gain_1 = _values(R_1, pure, np.full(2, q_star)).max() - _values(R_1, p, q)[0]
    gain_2 = _values(R_2, np.full(2, p_star), pure).max() - _values(R_2, p, q)[0]
    if gain_1 > tol or gain_2 > tol:
        raise ValueError(f"equilibrium ({p_star:g}, {q_star:g}) is not a Nash equilibrium of (R_1, R_2): "
                         f"a deviation gains {max(gain_1, gain_2):.3g} (> {tol:.3g}); "
                         "leave equilibrium=None for the game's own")


def _wolf_iga_iterates(R_1, R_2, eta, alpha_min, alpha_max, start, p_star, q_star):
    p, q = start[:, 0], start[:, 1]                                   # (n_runs,) each
    while True:
        yield p.copy(), q.copy()
        grad_p, grad_q = _gradients(R_1, R_2, p, q)
        winning_1 = _values(R_1, p, q) > _values(R_1, np.full_like(p, p_star), q)
        winning_2 = _values(R_2, p, q) > _values(R_2, p, np.full_like(q, q_star))
        alpha_1 = np.where(winning_1, alpha_min, alpha_max)
        alpha_2 = np.where(winning_2, alpha_min, alpha_max)
        # simultaneous step, projected back onto the unit square
        p, q = (np.clip(p + eta * alpha_1 * grad_p, 0.0, 1.0),
                np.clip(q + eta * alpha_2 * grad_q, 0.0, 1.0))


def iga(R_1, R_2, eta: float, initial) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Infinitesimal gradient ascent (IGA): :func:`wolf_iga` with ``alpha_1 = alpha_2 = 1``.

    In matching pennies IGA's policies circle the mixed equilibrium instead of converging
    (Singh, Kearns & Mansour 2000); only their time averages converge.

    Examples
    --------
    >>> from marl_course.dynamics.automata import record
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> p, q = record(iga(g.A, g.B, 0.01, [0.9, 0.6]), 2000)
    >>> bool(np.hypot(p[-1] - 0.5, q[-1] - 0.5)[0] > 0.3)
    True
    """
    R_1, R_2 = _check_2x2(R_1, R_2)
    eta = check_real(eta, "eta", low=0, low_open=True)
    start = _check_start(initial)
    # with alpha_min = alpha_max the equilibrium is never consulted, so any point will do
    return _wolf_iga_iterates(R_1, R_2, eta, 1.0, 1.0, start, 0.5, 0.5)
