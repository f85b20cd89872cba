"""Normal-form (matrix) games for n players: expected payoffs, best responses, Definitions 1-6.

A game with players ``i = 1..n`` and action sets ``A_i`` of sizes ``m_i`` is given by its
payoffs: ``n`` arrays ``Q_i`` (the article's ``R_i`` for two players), each of shape
``(m_1, ..., m_n)``, ``Q_i[a_1, ..., a_n]`` being player ``i``'s reward for the joint action.
A strategy ``pi_i`` is a probability vector over ``A_i``; a profile is one strategy per player.

The expected payoff (the article's ``V_i(pi_1, ..., pi_n)``) is

    V_i(pi) = sum_{a_1..a_n} Q_i(a_1, ..., a_n) pi_1(a_1) ... pi_n(a_n),

which for two players is ``V_1 = pi_1 R_1 pi_2^T``.

Units. A game's equilibria do not depend on the units of the payoffs: multiplying player ``i``'s
payoffs by ``c > 0`` or adding a constant to them changes none of its best responses. The
solvers in :mod:`marl_course.games` therefore work on each player's payoffs mapped to the unit
range, ``(Q_i - min Q_i) / (max Q_i - min Q_i)`` (``_to_unit_range``), and their tolerances
are fractions of that range. The checks :func:`best_responses`, :func:`is_nash` and
:func:`is_strict_nash` keep an absolute ``tol`` in payoff units (an ``epsilon``-equilibrium is
defined in payoff units); :func:`is_zero_sum` and :func:`is_fully_cooperative` compare with a
tolerance relative to the largest absolute payoff.
"""

from __future__ import annotations

import numpy as np

from collections.abc import Sequence

from marl_course._validation import as_payoff_arrays, as_probability_vector, check_int, check_real


def _to_unit_range(payoff: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Map one player's payoffs affinely onto ``[0, 1]``: ``(Q - lo) / span``.

    Returns the mapped array, ``lo = min Q`` and ``span = max Q - min Q``, so that
    ``Q = lo + span * mapped``. A constant array maps to zeros, with ``span = |lo|`` (1 if all
    payoffs are 0) so that tolerances in mapped units still scale with the payoffs. Equilibrium
    strategies are the same for ``Q`` and the mapped array; values map back as ``lo + span * v``.

    >>> _to_unit_range(np.array([[2e6, 4e6], [3e6, 2e6]]))
    (array([[0. , 1. ],
           [0.5, 0. ]]), 2000000.0, 2000000.0)
    >>> _to_unit_range(np.full((2, 2), -7.0))
    (array([[0., 0.],
           [0., 0.]]), -7.0, 7.0)
    """
    lo = float(payoff.min())
    span = float(payoff.max()) - lo
    if not span > 0 or not np.isfinite(span):
        if np.isfinite(span):
            return np.zeros_like(payoff, dtype=float), lo, (abs(lo) or 1.0)
        # max - min overflowed: halve first (payoffs near the float limit)
        half = payoff / 2.0
        lo_half = float(half.min())
        span_half = float(half.max()) - lo_half
        return (half - lo_half) / span_half, lo, 2.0 * span_half
    return (payoff - lo) / span, lo, span


def _check_profile(payoffs: list[np.ndarray], strategies, name: str = "strategies") -> list[np.ndarray]:
    shape = payoffs[0].shape
    if isinstance(strategies, np.ndarray) and strategies.ndim == 2:
        strategies = list(strategies)
    if not isinstance(strategies, Sequence) or isinstance(strategies, str):
        raise TypeError(f"{name} must be a sequence of probability vectors (one per player), "
                        f"got {type(strategies).__name__}")
    if len(strategies) != len(shape):
        raise ValueError(f"{name} must hold one strategy per player ({len(shape)}), got {len(strategies)}")
    return [as_probability_vector(s, f"{name}[{i}]", size=m) for i, (s, m) in enumerate(zip(strategies, shape))]


def _contract_others(payoff: np.ndarray, strategies: list[np.ndarray], keep: int) -> np.ndarray:
    """Sum ``payoff`` against every strategy except player ``keep``'s: a vector over ``A_keep``."""
    result = payoff
    # contract from the last axis down so the remaining axis numbers stay valid
    for j in reversed(range(payoff.ndim)):
        if j != keep:
            result = np.tensordot(result, strategies[j], axes=([j], [0]))
    return result


def action_values(payoffs, strategies, player: int) -> np.ndarray:
    """Player ``i``'s expected payoff for each of its pure actions against the others' strategies.

    ``action_values(...)[a_i] = V_i(a_i, pi_{-i})``.

    Parameters
    ----------
    payoffs : sequence of n arrays of shape (m_1, ..., m_n)
    strategies : sequence of n probability vectors
    player : int
        ``0 <= player < n``.

    Returns
    -------
    numpy.ndarray, shape (m_player,)

    Examples
    --------
    >>> A = [[1, -1], [-1, 1]]
    >>> action_values([A, -np.array(A)], [[0.5, 0.5], [0.25, 0.75]], player=0)
    array([-0.5,  0.5])
    """
    payoffs = as_payoff_arrays(payoffs)
    player = check_int(player, "player", low=0, high=len(payoffs) - 1)
    strategies = _check_profile(payoffs, strategies)
    return _contract_others(payoffs[player], strategies, player)


def expected_payoffs(payoffs, strategies) -> np.ndarray:
    """The expected payoff ``V_i(pi_1, ..., pi_n)`` of every player.

    Returns
    -------
    numpy.ndarray, shape (n,)

    Examples
    --------
    Matching pennies at its equilibrium is worth 0 to both players:

    >>> A = np.array([[1, -1], [-1, 1]])
    >>> expected_payoffs([A, -A], [[0.5, 0.5], [0.5, 0.5]])
    array([0., 0.])
    """
    payoffs = as_payoff_arrays(payoffs)
    strategies = _check_profile(payoffs, strategies)
    return np.array([_contract_others(p, strategies, 0) @ strategies[0] for p in payoffs])


def best_responses(payoffs, strategies, player: int, tol: float = 1e-9) -> np.ndarray:
    """The pure best responses of ``player`` to the others' strategies ``pi_{-i}``.

    ``BR_i(pi_{-i}) = {a_i : V_i(a_i, pi_{-i}) >= max_b V_i(b, pi_{-i}) - tol}``. Player ``i``'s own
    entry of ``strategies`` is ignored (it must still be a valid strategy).

    Returns
    -------
    numpy.ndarray of int
        The best-response action indices, ascending.

    Examples
    --------
    In the prisoner's dilemma (action 1 = defect), defecting is the best response to anything:

    >>> from marl_course.games.gallery import prisoners_dilemma
    >>> best_responses(prisoners_dilemma().payoffs, [[1, 0], [1, 0]], player=0)
    array([1])
    """
    tol = check_real(tol, "tol", low=0)
    values = action_values(payoffs, strategies, player)
    return np.flatnonzero(values >= values.max() - tol)


def is_nash(payoffs, strategies, tol: float = 1e-9) -> bool:
    """Definition 1: no player gains more than ``tol`` by deviating alone.

    ``V_i(pi*) >= V_i(pi_i, pi*_{-i}) - tol`` for all ``pi_i`` and ``i``; it suffices to check pure
    deviations, since ``V_i`` is linear in ``pi_i``.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> is_nash(g.payoffs, [[0.5, 0.5], [0.5, 0.5]]), is_nash(g.payoffs, [[1, 0], [0.5, 0.5]])
    (True, False)
    """
    payoffs = as_payoff_arrays(payoffs)
    tol = check_real(tol, "tol", low=0)
    strategies = _check_profile(payoffs, strategies)
    for i, payoff in enumerate(payoffs):
        values = _contract_others(payoff, strategies, i)
        if values.max() > values @ strategies[i] + tol:
            return False
    return True


def is_strict_nash(payoffs, strategies, tol: float = 1e-9) -> bool:
    """Definition 2: every unilateral deviation loses strictly (by more than ``tol``).

    A strict equilibrium is necessarily pure: each player's action is its unique best response.

    Examples
    --------
    >>> from marl_course.games.gallery import stag_hunt
    >>> g = stag_hunt()
    >>> is_strict_nash(g.payoffs, [[1, 0], [1, 0]])
    True
    """
    payoffs = as_payoff_arrays(payoffs)
    tol = check_real(tol, "tol", low=0)
    strategies = _check_profile(payoffs, strategies)
    if not all(is_pure(s) for s in strategies):
        return False
    for i, payoff in enumerate(payoffs):
        values = _contract_others(payoff, strategies, i)
        chosen = int(np.argmax(strategies[i]))
        if np.any(np.delete(values, chosen) >= values[chosen] - tol):
            return False
    return True


def is_fully_mixed(strategy, tol: float = 1e-12) -> bool:
    """Definition 3: the strategy gives every action a probability above ``tol``.

    >>> is_fully_mixed([0.2, 0.8]), is_fully_mixed([0.0, 1.0])
    (True, False)
    """
    strategy = as_probability_vector(strategy, "strategy")
    return bool(np.all(strategy > check_real(tol, "tol", low=0)))


def is_pure(strategy, tol: float = 1e-12) -> bool:
    """Definition 4: the strategy puts probability 1 (within ``tol``) on a single action.

    >>> is_pure([0.0, 1.0, 0.0]), is_pure([0.5, 0.5])
    (True, False)
    """
    strategy = as_probability_vector(strategy, "strategy")
    return bool(strategy.max() >= 1.0 - check_real(tol, "tol", low=0))


def _magnitude(payoffs: list[np.ndarray]) -> float:
    """The largest absolute payoff: the unit of the relative tolerances below."""
    return max(float(np.abs(p).max()) for p in payoffs)


def is_zero_sum(payoffs, tol: float = 1e-12) -> bool:
    """Definition 5: the players' rewards sum to zero for every joint action (``R_1 = -R_2``).

    ``|sum_i Q_i(a)| <= tol * max_{i, a} |Q_i(a)|`` for every joint action ``a``: ``tol`` is
    relative to the payoffs' magnitude, so the answer does not depend on their units.

    >>> A = np.array([[1, -1], [-1, 1]])
    >>> is_zero_sum([A, -A]), is_zero_sum([A, A]), is_zero_sum([1e-14 * A, 1e-14 * A])
    (True, False, False)
    """
    payoffs = as_payoff_arrays(payoffs)
    tol = check_real(tol, "tol", low=0)
    return bool(np.all(np.abs(np.sum(payoffs, axis=0)) <= tol * _magnitude(payoffs)))


def is_fully_cooperative(payoffs, tol: float = 1e-12) -> bool:
    """All players receive the same reward for every joint action (a team game).

    ``|Q_i(a) - Q_1(a)| <= tol * max_{i, a} |Q_i(a)|``: ``tol`` is relative, as in :func:`is_zero_sum`.

    >>> A = np.eye(2)
    >>> is_fully_cooperative([A, A]), is_fully_cooperative([1e-14 * A, -1e-14 * A])
    (True, False)
    """
    payoffs = as_payoff_arrays(payoffs)
    tol = check_real(tol, "tol", low=0) * _magnitude(payoffs)
    return all(bool(np.all(np.abs(p - payoffs[0]) <= tol)) for p in payoffs[1:])


def classify_game(payoffs, tol: float = 1e-12) -> str:
    """Classify by rewards: ``"fully cooperative"``, ``"zero-sum"`` or ``"general-sum"`` (Def. 6).

    The article: identical reward functions make a fully cooperative game, negated ones a fully
    competitive (zero-sum) game; everything else is general-sum. A game that is both (all
    payoffs zero) is reported as fully cooperative.

    >>> from marl_course.games.gallery import prisoners_dilemma, matching_pennies
    >>> classify_game(prisoners_dilemma().payoffs), classify_game(matching_pennies().payoffs)
    ('general-sum', 'zero-sum')
    """
    payoffs = as_payoff_arrays(payoffs)
    tol = check_real(tol, "tol", low=0)
    if is_fully_cooperative(payoffs, tol):
        return "fully cooperative"
    if is_zero_sum(payoffs, tol):
        return "zero-sum"
    return "general-sum"
