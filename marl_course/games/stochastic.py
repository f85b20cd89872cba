"""Tabular stochastic (Markov) games: Bellman equations, the Nash condition, Shapley's iteration.

A stochastic game is an MDP with several agents, or a matrix game with several states:
states ``s in S``, per-player action sets ``A_i``, transitions ``Tr(s, a_1..a_n, s')``, rewards
``R_i(s, a_1..a_n)`` (the expected reward of the article's ``R_i(s, a, s')``) and a discount
``gamma``. Under a joint stationary policy ``pi = (pi_1, ..., pi_n)`` the article's Bellman
equations are

    V_i(s) = sum_a Q_i(s, a) pi_1(s, a_1) ... pi_n(s, a_n),
    Q_i(s, a) = R_i(s, a) + gamma sum_{s'} Tr(s, a, s') V_i(s').

``pi*`` is a Nash equilibrium when, in every state, ``pi*(s)`` is a Nash equilibrium of the
*stage game* ``Q_i^*(s, .)``. For two-player zero-sum games Shapley (1953) showed the values
are the unique fixed point of ``V(s) <- val[Q(s, ., .)]``, a ``gamma``-contraction.

Units. Scaling player ``i``'s rewards by ``c > 0`` and shifting them by ``d`` (``R_i -> c R_i + d``)
scales and shifts its values as ``V_i -> c V_i + d / (1 - gamma)`` (the shift is paid every step
forever) and leaves every equilibrium policy unchanged. Shapley's iteration runs on the row
player's rewards mapped onto ``[0, 1]`` and maps the values back, and its tolerances are fractions
of the reward range, so its policies and the number of iterates do not depend on the units.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from marl_course._validation import as_finite_array, as_probability_rows, check_int, check_real
from marl_course.games.gallery import NormalFormGame
from marl_course.games.normal_form import _to_unit_range, is_nash
from marl_course.games.zero_sum import solve_zero_sum_unchecked


@dataclass(frozen=True)
class StochasticGame:
    """A finite stochastic game with its full model.

    Parameters
    ----------
    transitions : array_like, shape (S, m_1, ..., m_n, S)
        ``transitions[s, a_1, ..., a_n, s']`` = ``Tr(s, a, s')``; each ``[s, a]`` slice sums to 1.
    rewards : array_like, shape (n, S, m_1, ..., m_n)
        ``rewards[i, s, a]`` = expected immediate reward ``R_i(s, a)`` of player ``i``.
    discount : float
        ``gamma`` in [0, 1).
    state_names : tuple of str, optional
    name : str, optional

    Examples
    --------
    >>> g = big_match(0.9)
    >>> g.n_players, g.n_states, g.action_counts
    (2, 3, (2, 2))
    """

    transitions: np.ndarray
    rewards: np.ndarray
    discount: float
    state_names: tuple = field(default=())
    name: str = ""

    def __post_init__(self):
        rewards = as_finite_array(self.rewards, "rewards", min_ndim=3)
        n_players = rewards.shape[0]
        if rewards.ndim != n_players + 2:
            raise ValueError(f"rewards must have shape (n, S, m_1, ..., m_n): {n_players} players need "
                             f"{n_players + 2} axes, got shape {rewards.shape}")
        n_states, action_counts = rewards.shape[1], rewards.shape[2:]
        transitions = as_probability_rows(self.transitions, "transitions")
        expected = (n_states, *action_counts, n_states)
        if transitions.shape != expected:
            raise ValueError(f"transitions must have shape (S, m_1, ..., m_n, S) = {expected}, got {transitions.shape}")
        discount = check_real(self.discount, "discount", low=0, high=1, high_open=True)
        if not isinstance(self.state_names, Sequence) or isinstance(self.state_names, str):
            raise TypeError(f"state_names must be a tuple of str, got {type(self.state_names).__name__}")
        if self.state_names and len(self.state_names) != n_states:
            raise ValueError(f"state_names must name {n_states} states, got {len(self.state_names)}")
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")
        object.__setattr__(self, "rewards", rewards)
        object.__setattr__(self, "transitions", transitions)
        object.__setattr__(self, "discount", discount)

    @property
    def n_players(self) -> int:
        return self.rewards.shape[0]

    @property
    def n_states(self) -> int:
        return self.rewards.shape[1]

    @property
    def action_counts(self) -> tuple:
        return tuple(int(m) for m in self.rewards.shape[2:])

    def is_zero_sum(self, tol: float = 1e-12) -> bool:
        """Do the players' rewards sum to zero in every state and joint action?

        ``|sum_i R_i(s, a)| <= tol * max |R|``: ``tol`` is relative to the largest absolute reward.
        """
        tol = check_real(tol, "tol", low=0)
        return bool(np.all(np.abs(self.rewards.sum(axis=0)) <= tol * np.abs(self.rewards).max()))


def _check_game(game) -> "StochasticGame":
    if not isinstance(game, StochasticGame):
        raise TypeError(f"game must be a StochasticGame, got {type(game).__name__}")
    return game


def repeated_game(game: NormalFormGame, discount: float) -> StochasticGame:
    """A matrix game played again and again: a one-state stochastic game (the article's repeated game).

    >>> from marl_course.games.gallery import matching_pennies
    >>> repeated_game(matching_pennies(), 0.9).transitions.shape
    (1, 2, 2, 1)
    """
    if not isinstance(game, NormalFormGame):
        raise TypeError(f"game must be a NormalFormGame (see marl_course.games.gallery), got {type(game).__name__}")
    rewards = np.stack(game.payoffs)[:, None]  # (n, 1, m_1, ..., m_n)
    transitions = np.ones((1, *rewards.shape[2:], 1))
    return StochasticGame(transitions, rewards, discount, ("s",), f"repeated {game.name}")


def big_match(discount: float = 0.9) -> StochasticGame:
    """The discounted Big Match (Gillette 1957), a two-player zero-sum stochastic game.

    In state ``play`` the row player chooses *stay* (0) or *quit* (1) and the column player *left*
    (0) or *right* (1). Staying pays the row player 1 on *right*, 0 on *left*, and play goes on.
    Quitting ends in an absorbing state that pays 1 per step forever on *left* (state ``won``) or
    0 (state ``lost``) on *right*. For every discount the normalised value is 1/2, so
    ``V(play) = 1 / (2 (1 - gamma))``, which solves Shapley's equation ``V = val[[V, 1 + gamma V],
    [1 / (1 - gamma), 0]]``; the row player quits with probability ``(1 - gamma) / (2 - gamma)``
    and the column player plays left with probability 1/2. The undiscounted (limiting-average)
    game, Blackwell & Ferguson (1968), also has value 1/2, but no optimal strategy, and no
    stationary strategy guarantees the row player more than 0.

    Examples
    --------
    >>> g = big_match(0.9)
    >>> round(float(shapley_values(g).values[0]), 9)
    5.0
    """
    discount = check_real(discount, "discount", low=0, high=1, high_open=True)
    play, won, lost = 0, 1, 2
    transitions = np.zeros((3, 2, 2, 3))
    transitions[play, 0, :, play] = 1.0       # stay: the game goes on
    transitions[play, 1, 0, won] = 1.0        # quit against left: absorbed with 1 a step
    transitions[play, 1, 1, lost] = 1.0       # quit against right: absorbed with 0 a step
    transitions[won, :, :, won] = 1.0
    transitions[lost, :, :, lost] = 1.0
    row = np.zeros((3, 2, 2))
    row[play, 0, 1] = 1.0                     # stay against right pays 1
    row[play, 1, 0] = 1.0                     # quitting against left pays 1 now ...
    row[won] = 1.0                            # ... and 1 every step after
    return StochasticGame(transitions, np.stack([row, -row]), discount, ("play", "won", "lost"), "Big Match")


def _check_values(game: StochasticGame, values, name: str, shape) -> np.ndarray:
    values = as_finite_array(values, name)
    if values.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {values.shape}")
    return values


def stage_games(game: StochasticGame, values) -> np.ndarray:
    """The stage games ``Q_i(s, a) = R_i(s, a) + gamma sum_s' Tr(s, a, s') V_i(s')``.

    Parameters
    ----------
    values : array_like, shape (n, S)
        Continuation values ``V_i(s')``.

    Returns
    -------
    numpy.ndarray, shape (n, S, m_1, ..., m_n)

    Examples
    --------
    >>> g = big_match(0.5)
    >>> stage_games(g, np.zeros((2, 3)))[0, 0]  # with zero continuation: the immediate rewards
    array([[0., 1.],
           [1., 0.]])
    """
    game = _check_game(game)
    values = _check_values(game, values, "values", (game.n_players, game.n_states))
    return game.rewards + game.discount * np.einsum("s...t,it->is...", game.transitions, values)


def _check_policies(game: StochasticGame, policies) -> list[np.ndarray]:
    if isinstance(policies, np.ndarray) and policies.ndim == 3:
        policies = list(policies)
    if not isinstance(policies, Sequence) or isinstance(policies, str):
        raise TypeError(f"policies must be a sequence of n arrays of shape (S, m_i), got {type(policies).__name__}")
    if len(policies) != game.n_players:
        raise ValueError(f"policies must hold one policy per player ({game.n_players}), got {len(policies)}")
    checked = []
    for i, (policy, m) in enumerate(zip(policies, game.action_counts)):
        policy = as_probability_rows(policy, f"policies[{i}]")
        if policy.shape != (game.n_states, m):
            raise ValueError(f"policies[{i}] must have shape (S, m_{i + 1}) = {(game.n_states, m)}, got {policy.shape}")
        checked.append(policy)
    return checked


def _joint_policy(policies: list[np.ndarray]) -> np.ndarray:
    """``pi(s, a) = prod_i pi_i(s, a_i)``, shape (S, m_1, ..., m_n)."""
    joint = policies[0]
    for policy in policies[1:]:
        joint = joint[..., None] * policy.reshape(policy.shape[0], *([1] * (joint.ndim - 1)), policy.shape[1])
    return joint


def evaluate_joint_policy(game: StochasticGame, policies) -> np.ndarray:
    """The values ``V_i^pi(s)`` of a stationary joint policy: the article's Bellman equations.

    Solves the linear system ``(I - gamma P_pi) V_i = r_i^pi`` with
    ``P_pi(s, s') = sum_a pi(s, a) Tr(s, a, s')`` and ``r_i^pi(s) = sum_a pi(s, a) R_i(s, a)``.

    Parameters
    ----------
    policies : sequence of n arrays, shape (S, m_i)
        ``policies[i][s]`` is player ``i``'s distribution over its actions in state ``s``.

    Returns
    -------
    numpy.ndarray, shape (n, S)

    Examples
    --------
    Both players uniform in the Big Match, gamma = 0.5:

    >>> g = big_match(0.5)
    >>> uniform = np.full((3, 2), 0.5)
    >>> evaluate_joint_policy(g, [uniform, uniform])[0].round(4)
    array([1., 2., 0.])
    """
    policies = _check_policies(_check_game(game), policies)
    joint = _joint_policy(policies)
    axes = tuple(range(1, game.n_players + 1))
    P = np.tensordot(joint, game.transitions, axes=(axes, axes))[np.arange(game.n_states), np.arange(game.n_states)]
    r = np.stack([(joint * game.rewards[i]).sum(axis=axes) for i in range(game.n_players)])
    return np.linalg.solve(np.eye(game.n_states) - game.discount * P, r.T).T


def is_stationary_equilibrium(game: StochasticGame, policies, tol: float = 1e-8) -> bool:
    """The article's Nash condition: in every state, ``pi(s)`` is a Nash equilibrium of the stage
    game ``Q_i^pi(s, .)`` built from the policy's own values ``V^pi``.

    ``tol`` is the gain from a deviation that is tolerated, as a fraction of the player's reward
    range ``max R_i - min R_i``, so the answer does not depend on the rewards' units.

    Examples
    --------
    >>> g = big_match(0.9)
    >>> it = shapley_values(g)
    >>> is_stationary_equilibrium(g, [it.row_policy, it.col_policy])
    True
    >>> always_stay = np.tile([1.0, 0.0], (3, 1))
    >>> is_stationary_equilibrium(g, [always_stay, it.col_policy])
    False
    """
    policies = _check_policies(_check_game(game), policies)
    tol = check_real(tol, "tol", low=0)
    Q = stage_games(game, evaluate_joint_policy(game, policies))
    spans = [_to_unit_range(game.rewards[i])[2] for i in range(game.n_players)]
    return all(is_nash([Q[i, s] / spans[i] for i in range(game.n_players)], [p[s] for p in policies], tol)
               for s in range(game.n_states))


@dataclass(frozen=True)
class ShapleyIterate:
    """One step of Shapley's value iteration.

    Attributes
    ----------
    iteration : int
        ``k``, starting at 1.
    values : numpy.ndarray, shape (S,)
        ``V_k(s)``, the row player's values (the column player's are ``-V_k``).
    row_policy, col_policy : numpy.ndarray, shapes (S, m_1) and (S, m_2)
        Maximin / minimax strategies of the stage games ``Q_{k-1}(s)``.
    delta : float
        ``max_s |V_k(s) - V_{k-1}(s)|``.
    """

    iteration: int
    values: np.ndarray
    row_policy: np.ndarray
    col_policy: np.ndarray
    delta: float


def _check_zero_sum_pair(game) -> StochasticGame:
    game = _check_game(game)
    if game.n_players != 2 or not game.is_zero_sum():
        raise ValueError("game must be a two-player zero-sum stochastic game (rewards[1] == -rewards[0])")
    return game


def _shapley_iterates(game: StochasticGame, initial_values, max_iter: int, tol: float):
    """Shapley's iteration on the row player's rewards mapped onto ``[0, 1]``.

    Yields ``(iterate, converged)``; ``iterate`` is in the game's own units, ``converged`` says
    whether the change in the mapped units fell below ``tol``.
    """
    rewards, lo, span = _to_unit_range(game.rewards[0])
    offset = lo / (1.0 - game.discount)  # R -> lo + span R01 maps V -> lo / (1 - gamma) + span V01
    values = (np.zeros(game.n_states) if initial_values is None
              else _check_values(game, initial_values, "initial_values", (game.n_states,)))
    mapped = (values - offset) / span
    for k in range(1, max_iter + 1):
        continuation = np.einsum("s...t,t->s...", game.transitions, mapped)
        Q = rewards + game.discount * continuation
        solved = [solve_zero_sum_unchecked(Q[s]) for s in range(game.n_states)]
        new_mapped = np.array([v for v, _, _ in solved])
        delta = float(np.max(np.abs(new_mapped - mapped)))
        mapped = new_mapped
        iterate = ShapleyIterate(k, offset + span * mapped, np.stack([x for _, x, _ in solved]),
                                 np.stack([y for _, _, y in solved]), span * delta)
        yield iterate, delta < tol
        if delta < tol:
            return


def shapley_value_iteration(game: StochasticGame, initial_values=None, max_iter: int = 10_000,
                            tol: float = 1e-10) -> Iterator[ShapleyIterate]:
    """Shapley's value iteration for a two-player zero-sum stochastic game, one iterate at a time.

    ``V_{k+1}(s) = val[ Q_k(s, ., .) ]`` with ``Q_k(s, a_1, a_2) = R_1(s, a_1, a_2) + gamma sum_s'
    Tr(s, a, s') V_k(s')``, each ``val`` the maximin linear program of :func:`solve_zero_sum`.
    The map is a ``gamma``-contraction in the max norm, so ``|V_k - V*| <= gamma^k |V_0 - V*|``.
    Stops after ``max_iter`` iterates or once ``delta < tol * span``, ``span = max R_1 - min R_1``
    the range of the row player's rewards (``tol`` is relative, so the number of iterates does not
    depend on the rewards' units).

    The iteration runs on ``R_1`` mapped onto ``[0, 1]``, ``(R_1 - lo) / span``, whose values are
    ``(V - lo / (1 - gamma)) / span``; the iterates are mapped back to the game's units.

    Parameters
    ----------
    game : StochasticGame
        Two players, ``rewards[1] == -rewards[0]`` (relative to the largest reward, 1e-12).
    initial_values : array_like, shape (S,), optional
        ``V_0``; zeros by default.
    max_iter : int
        At least 1.
    tol : float
        Non-negative, relative to the reward range.

    Yields
    ------
    ShapleyIterate

    References
    ----------
    Shapley, "Stochastic games", PNAS 39 (1953).

    Examples
    --------
    >>> g = big_match(0.9)
    >>> iterates = list(shapley_value_iteration(g, max_iter=3))
    >>> [round(float(it.values[0]), 4) for it in iterates]
    [0.5, 0.95, 1.355]
    """
    game = _check_zero_sum_pair(game)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0)
    if initial_values is not None:
        _check_values(game, initial_values, "initial_values", (game.n_states,))
    return (iterate for iterate, _ in _shapley_iterates(game, initial_values, max_iter, tol))


def shapley_values(game: StochasticGame, tol: float = 1e-10, max_iter: int = 10_000) -> ShapleyIterate:
    """Run :func:`shapley_value_iteration` to convergence and return the last iterate.

    ``tol`` is relative to the row player's reward range, as there. Raises ``RuntimeError`` if
    ``max_iter`` iterates did not reach ``tol``.

    Examples
    --------
    Scaling the rewards by ``c`` and shifting them by ``d`` maps the values to
    ``c V + d / (1 - gamma)`` and keeps the policies:

    >>> g = big_match(0.9)
    >>> scaled = StochasticGame(g.transitions, np.stack([1e6 * g.rewards[0] + 3, -1e6 * g.rewards[0] - 3]), 0.9)
    >>> round(float(shapley_values(g).values[0]), 6), round(float(shapley_values(scaled).values[0]) / 1e6, 6)
    (5.0, 5.00003)
    """
    game = _check_zero_sum_pair(game)
    tol = check_real(tol, "tol", low=0)
    max_iter = check_int(max_iter, "max_iter", low=1)
    last, converged = None, False
    for last, converged in _shapley_iterates(game, None, max_iter, tol):
        pass
    if not converged:
        raise RuntimeError(f"value iteration did not reach tol={tol:g} (relative to the reward range) in "
                           f"{max_iter} iterations (delta {last.delta:.3g})")
    return last
