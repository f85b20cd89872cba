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

from marl_course._validation import as_bimatrix, as_finite_array, check_real, checked_by
from marl_course.games import mixed_nash_2x2


def _check_2x2(R_1, R_2) -> tuple[np.ndarray, np.ndarray]:
    R_1, R_2 = as_bimatrix(as_finite_array(R_1, "R_1"), as_finite_array(R_2, "R_2"), names=("R_1", "R_2"))
    if R_1.shape != (2, 2):
        raise ValueError(f"R_1 and R_2 must be 2x2 (IGA and WoLF-IGA are two-action methods), got shape {R_1.shape}")
    return R_1, R_2


def _check_unit_interval(value, name: str) -> np.ndarray:
    array = as_finite_array(value, name)
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


def _check_value_gradients_2x2(R_1, R_2, p_1, q_1) -> None:
    """The input checks of :func:`value_gradients_2x2`."""
    _check_2x2(R_1, R_2)
    _broadcast_pq(p_1, q_1)


@checked_by(_check_value_gradients_2x2)
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
    R_1, R_2 = np.asarray(R_1, dtype=float), np.asarray(R_2, dtype=float)
    p, q = np.broadcast_arrays(np.asarray(p_1, dtype=float), np.asarray(q_1, dtype=float))
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


def _check_wolf_iga(R_1, R_2, eta, alpha_min, alpha_max, initial, equilibrium=None) -> None:
    """The input checks of :func:`wolf_iga`, run when it is called (not at its first ``next``)."""
    R_1, R_2 = _check_2x2(R_1, R_2)
    check_real(eta, "eta", low=0, low_open=True)
    alpha_min = check_real(alpha_min, "alpha_min", low=0, low_open=True)
    check_real(alpha_max, "alpha_max", low=alpha_min)
    _check_start(initial)
    if equilibrium is None:
        default_equilibrium_2x2(R_1, R_2)
    else:
        star = _check_unit_interval(equilibrium, "equilibrium")
        if star.shape != (2,):
            raise ValueError(f"equilibrium must be a pair (p_1*, q_1*), got shape {star.shape}")
        _check_equilibrium(R_1, R_2, *star)


@checked_by(_check_wolf_iga)
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
    R_1, R_2 = np.asarray(R_1, dtype=float), np.asarray(R_2, dtype=float)
    p_star, q_star = default_equilibrium_2x2(R_1, R_2) if equilibrium is None else (float(e) for e in equilibrium)
    start = np.atleast_2d(np.asarray(initial, dtype=float))
    p, q = start[:, 0].copy(), start[:, 1].copy()                     # (n_runs,) each
    while True:
        yield p.copy(), q.copy()
        grad_p, grad_q = value_gradients_2x2.unchecked(R_1, R_2, p, q)
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
    return wolf_iga.unchecked(R_1, R_2, eta, 1.0, 1.0, start, (0.5, 0.5))


def _center_coefficients(R_1, R_2) -> tuple[float, float, float, float, float]:
    """``u_1, u_2``, the interior equilibrium ``(p*, q*)`` and ``omega`` of a game whose IGA flow has a centre."""
    R_1, R_2 = _check_2x2(R_1, R_2)
    u_1 = float(R_1[0, 0] - R_1[0, 1] - R_1[1, 0] + R_1[1, 1])
    u_2 = float(R_2[0, 0] - R_2[0, 1] - R_2[1, 0] + R_2[1, 1])
    if not u_1 * u_2 < 0:
        raise ValueError("R_1, R_2: the exact IGA flow is implemented for games whose interior equilibrium is a "
                         f"centre (u_1 * u_2 < 0, e.g. matching pennies); got u_1 = {u_1:g}, u_2 = {u_2:g}. "
                         "Use iga() (projected Euler steps) for other games")
    p_star = -float(R_2[1, 0] - R_2[1, 1]) / u_2
    q_star = -float(R_1[0, 1] - R_1[1, 1]) / u_1
    if not (0 < p_star < 1 and 0 < q_star < 1):
        raise ValueError(f"R_1, R_2: the game has no interior equilibrium (the gradient vanishes at "
                         f"({p_star:g}, {q_star:g}), outside the open unit square)")
    return u_1, u_2, p_star, q_star, float(np.sqrt(-u_1 * u_2))


def iga_conserved_quantity(R_1, R_2, p_1, q_1) -> np.ndarray:
    """The quantity ``H`` that the (unprojected) IGA flow keeps constant in a game with a centre.

    In the interior of the square IGA is the linear ODE

        dp_1/dt = u_1 (q_1 - q_1*),     dq_1/dt = u_2 (p_1 - p_1*),

    (``u_i`` as in :func:`value_gradients_2x2`). When ``u_1 u_2 < 0`` and ``(p_1*, q_1*)`` is
    interior, ``H = u_2 (p_1 - p_1*)^2 - u_1 (q_1 - q_1*)^2`` satisfies
    ``dH/dt = 2 u_2 (p_1 - p_1*) u_1 (q_1 - q_1*) - 2 u_1 (q_1 - q_1*) u_2 (p_1 - p_1*) = 0``: the
    orbits are the ellipses ``H = const`` around the equilibrium (circles in matching pennies).

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()                      # u_1 = 4, u_2 = -4: H = -4 (distance to (1/2, 1/2))^2
    >>> [round(float(h), 12) for h in iga_conserved_quantity(g.A, g.B, [0.9, 0.5], [0.5, 0.2])]
    [-0.64, -0.36]
    """
    u_1, u_2, p_star, q_star, _ = _center_coefficients(R_1, R_2)
    p, q = _broadcast_pq(p_1, q_1)
    return u_2 * (p - p_star) ** 2 - u_1 * (q - q_star) ** 2


def _check_times(times) -> np.ndarray:
    t = as_finite_array(times, "times", ndim=1)
    if t.size == 0 or np.any(t < 0) or np.any(np.diff(t) < 0):
        raise ValueError("times must be a non-empty, non-decreasing 1-D array of times >= 0")
    return t


def iga_flow(R_1, R_2, initial, times) -> tuple[np.ndarray, np.ndarray]:
    """The exact IGA flow (the limit ``eta -> 0`` of :func:`iga`) at the given ``times``.

    With ``x = (p_1 - p_1*, q_1 - q_1*)`` the interior dynamics are ``dx/dt = M x`` with
    ``M = [[0, u_1], [u_2, 0]]``. For ``u_1 u_2 < 0`` put ``omega = sqrt(-u_1 u_2)``; then
    ``M^2 = -omega^2 I`` and the matrix exponential is

        exp(M t) = [[cos(omega t), (u_1/omega) sin(omega t)], [(u_2/omega) sin(omega t), cos(omega t)]],

    so ``x(t) = exp(M t) x(0)``: a closed orbit of period ``2 pi / omega`` on which
    :func:`iga_conserved_quantity` is constant. A step of :func:`iga` of size ``eta`` advances
    the time by ``eta``.

    Parameters
    ----------
    R_1, R_2 : array_like, shape (2, 2)
        A game with an interior equilibrium that is a centre of the flow (``u_1 u_2 < 0``),
        e.g. matching pennies; other games raise ``ValueError``.
    initial : array_like, shape (2,) or (n_runs, 2)
        Starting points ``(p_1(0), q_1(0))``. Each orbit must stay inside the unit square
        (otherwise IGA's projection acts and this closed form no longer describes it).
    times : array_like, shape (T,)
        Non-decreasing times ``t >= 0``.

    Returns
    -------
    p_1, q_1 : arrays of shape (T, n_runs)

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()                               # omega = 4: period pi / 2
    >>> p, q = iga_flow(g.A, g.B, [0.9, 0.5], [0.0, np.pi / 8, np.pi / 2])
    >>> np.round(np.c_[p, q], 12).tolist()
    [[0.9, 0.5], [0.5, 0.1], [0.9, 0.5]]
    """
    u_1, u_2, p_star, q_star, omega = _center_coefficients(R_1, R_2)
    start = _check_start(initial)
    t = _check_times(times)
    x0, y0 = start[:, 0] - p_star, start[:, 1] - q_star
    # semi-axes of the ellipse H = const through each start: |x| <= sqrt(H / u_2), |y| <= sqrt(-H / u_1)
    h = u_2 * x0 ** 2 - u_1 * y0 ** 2
    half_p, half_q = np.sqrt(np.abs(h / u_2)), np.sqrt(np.abs(h / u_1))
    leaves = (p_star - half_p < 0) | (p_star + half_p > 1) | (q_star - half_q < 0) | (q_star + half_q > 1)
    if np.any(leaves):
        raise ValueError(f"initial: the orbit through {start[np.argmax(leaves)].tolist()} leaves the unit square, "
                         "where IGA's projection acts; start closer to the equilibrium or use iga()")
    c, s = np.cos(omega * t)[:, None], np.sin(omega * t)[:, None]
    return p_star + c * x0 + (u_1 / omega) * s * y0, q_star + (u_2 / omega) * s * x0 + c * y0


def iga_flow_time_average(R_1, R_2, initial, times) -> tuple[np.ndarray, np.ndarray]:
    """The time average ``(1/T) int_0^T (p_1(t), q_1(t)) dt`` of :func:`iga_flow`, in closed form.

    Integrating ``exp(M t)`` term by term (``int_0^T cos = sin(omega T)/omega``,
    ``int_0^T sin = (1 - cos(omega T))/omega``) gives

        average - (p_1*, q_1*) = (1 / (omega T)) [[sin, (u_1/omega)(1 - cos)], [(u_2/omega)(1 - cos), sin]] x(0),

    whose size is at most ``2 |x(0)| max(1, |u_1|/omega, |u_2|/omega) / (omega T)``: the strategies
    cycle for ever, but their time average converges to the equilibrium at rate ``1/T``
    (Singh, Kearns & Mansour 2000). At ``T = 0`` the average is the start.

    Returns
    -------
    p_1, q_1 : arrays of shape (T, n_runs)

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> p, q = iga_flow_time_average(g.A, g.B, [0.9, 0.5], [0.0, np.pi / 2, 1000 * np.pi / 2])
    >>> np.round(np.c_[p, q], 12).tolist()                  # after whole periods: exactly (1/2, 1/2)
    [[0.9, 0.5], [0.5, 0.5], [0.5, 0.5]]
    """
    u_1, u_2, p_star, q_star, omega = _center_coefficients(R_1, R_2)
    start = _check_start(initial)
    iga_flow(R_1, R_2, start, [0.0])                         # the orbit must stay in the square
    t = _check_times(times)[:, None]
    x0, y0 = start[:, 0] - p_star, start[:, 1] - q_star
    safe_t = np.where(t > 0, t, 1.0)
    sin_part = np.where(t > 0, np.sin(omega * t) / (omega * safe_t), 1.0)
    cos_part = np.where(t > 0, (1 - np.cos(omega * t)) / (omega * safe_t), 0.0)
    return (p_star + sin_part * x0 + (u_1 / omega) * cos_part * y0,
            q_star + (u_2 / omega) * cos_part * x0 + sin_part * y0)
