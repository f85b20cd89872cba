"""Learning automata in n-player matrix games: L_R-I (reward-inaction) and L_R-P (reward-penalty).

A learning automaton is the tuple ``(A, r, p, U)``: an action set ``A``, a reward ``r`` in
[0, 1], a probability distribution ``p`` over ``A`` (the policy) and an update rule ``U``. Each
player only sees its own action and reward, so the algorithm is fully distributed.

After player ``i`` plays ``a_c`` at step ``k`` and receives ``r^i(k)``, the L_R-P rule is

    p_c^i(k+1) = p_c^i(k) + eta_1 r^i(k) (1 - p_c^i(k)) - eta_2 (1 - r^i(k)) p_c^i(k)
    p_j^i(k+1) = p_j^i(k) - eta_1 r^i(k) p_j^i(k) + eta_2 (1 - r^i(k)) (1/(m-1) - p_j^i(k)),  j != c

with ``0 < eta_2 < eta_1 < 1``; L_R-I is the same rule with ``eta_2 = 0`` (``eta = eta_1``).
Both keep ``p`` on the simplex: the changes sum to zero and every entry stays in [0, 1].

All dynamics of chapter 4 are generators that yield one iterate per step, for a whole batch of
independent runs at once; :func:`record` collects ``n_steps`` of them into arrays.

References
----------
K. S. Narendra and M. A. L. Thathachar, *Learning Automata: An Introduction*, Prentice Hall,
1989 (ch. 4 and 8). Article 三 of the course source (多智能体强化学习入门（三）).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import (as_finite_array, as_payoff_arrays, as_probability_rows, as_rng, check_int,
                                     check_real, check_seed, checked_by)


def record(iterates: Iterator, n_steps: int, every: int = 1):
    """Collect ``n_steps`` iterates of a dynamic, keeping every ``every``-th one (the first included).

    Each iterate is a tuple (or named tuple) of arrays; the result is the same kind of tuple whose
    entries have a new leading time axis of length ``ceil(n_steps / every)``.

    Examples
    --------
    >>> def counter():
    ...     k = 0
    ...     while True:
    ...         yield (np.array([k]), np.array([2 * k]))
    ...         k += 1
    >>> ks, doubled = record(counter(), 5, every=2)
    >>> ks[:, 0].tolist(), doubled.shape
    ([0, 2, 4], (3, 1))
    """
    n_steps = check_int(n_steps, "n_steps", low=1)
    every = check_int(every, "every", low=1)
    try:
        iterates = iter(iterates)
    except TypeError:
        raise TypeError(f"iterates must be an iterator of tuples of arrays (a dynamic), "
                        f"got {type(iterates).__name__}") from None
    kept = list(islice(iterates, 0, n_steps, every))
    if not kept:
        raise ValueError("iterates must yield at least one iterate, got none")
    if not all(isinstance(k, tuple) for k in kept):
        raise TypeError("iterates must yield tuples of arrays (one entry per player or quantity)")
    stacked = [np.stack(parts) for parts in zip(*kept)]
    first = kept[0]
    return type(first)(*stacked) if hasattr(first, "_fields") else tuple(stacked)


def normalise_payoffs(payoffs) -> list[np.ndarray]:
    """Rescale each player's payoffs affinely to [0, 1] (its minimum to 0, its maximum to 1).

    Automata need rewards ``r^i`` in [0, 1]; a positive affine rescaling of one player's payoffs
    changes no best response, so the game's equilibria are unchanged.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> normalise_payoffs(matching_pennies().payoffs)[0]
    array([[1., 0.],
           [0., 1.]])
    """
    arrays = _as_payoffs(payoffs)
    scaled = []
    for array in arrays:
        spread = array.max() - array.min()
        scaled.append((array - array.min()) / spread if spread > 0 else np.full_like(array, 0.5))
    return scaled


def _check_automaton_step(policy, action, reward, eta_1, eta_2=0.0) -> None:
    """The input checks of :func:`automaton_step`."""
    policy = as_probability_rows(as_finite_array(policy, "policy"), "policy")
    _check_rates(eta_1, eta_2)
    m = policy.shape[-1]
    if m < 2:
        raise ValueError(f"policy must have at least 2 actions, got {m}")
    action = np.asarray(action)
    if not np.issubdtype(action.dtype, np.integer) or np.any((action < 0) | (action >= m)):
        raise ValueError(f"action must hold integers in [0, {m - 1}]")
    reward = as_finite_array(reward, "reward")
    if np.any((reward < 0) | (reward > 1)):
        raise ValueError("reward must lie in [0, 1] (normalise the payoffs first)")
    shapes = action.shape, reward.shape
    try:
        action, reward = np.broadcast_arrays(action, reward)
    except ValueError:
        action = None
    if action is None or action.shape != policy.shape[:-1]:
        raise ValueError(f"action and reward must have shape {policy.shape[:-1]} (one per policy row) or broadcast "
                         f"to it, got {shapes[0]} and {shapes[1]}")


@checked_by(_check_automaton_step)
def automaton_step(policy, action, reward, eta_1: float, eta_2: float = 0.0) -> np.ndarray:
    """One L_R-P update (L_R-I when ``eta_2 = 0``) of a batch of automata.

    Parameters
    ----------
    policy : array_like, shape (..., m)
        ``p^i(k)``, each row a distribution over the ``m`` actions.
    action : array_like of int, shape (...)
        The action ``a_c`` played at step ``k``.
    reward : array_like, shape (...)
        ``r^i(k)`` in [0, 1].
    eta_1, eta_2 : float
        Reward and penalty learning rates, ``0 <= eta_2 < eta_1 < 1``.

    Returns
    -------
    numpy.ndarray, shape (..., m)
        ``p^i(k+1)`` from the module's update equations.

    Examples
    --------
    >>> automaton_step([0.5, 0.3, 0.2], action=1, reward=0.8, eta_1=0.1).round(3)
    array([0.46 , 0.356, 0.184])
    >>> automaton_step([0.5, 0.5], action=0, reward=0.0, eta_1=0.1, eta_2=0.05)
    array([0.475, 0.525])
    """
    policy, action, reward = np.asarray(policy, dtype=float), np.asarray(action), np.asarray(reward, dtype=float)
    m = policy.shape[-1]
    chosen = np.arange(m) == action[..., None]                      # (..., m) one-hot of a_c
    r = reward[..., None]                                           # (..., 1)
    target = np.where(chosen, 1.0, 0.0)                             # reward pulls p toward a_c
    penalty_target = np.where(chosen, 0.0, 1.0 / (m - 1))          # penalty spreads p away from a_c
    return policy + eta_1 * r * (target - policy) + eta_2 * (1.0 - r) * (penalty_target - policy)


def _check_rates(eta_1, eta_2) -> tuple[float, float]:
    eta_1 = check_real(eta_1, "eta_1", low=0, high=1, low_open=True, high_open=True)
    eta_2 = check_real(eta_2, "eta_2", low=0, high=1, high_open=True)
    if eta_2 >= eta_1:
        raise ValueError(f"eta_2 must be smaller than eta_1 (0 < eta_2 < eta_1 < 1), got eta_2={eta_2}, eta_1={eta_1}")
    return eta_1, eta_2


def _as_payoffs(payoffs) -> list[np.ndarray]:
    """:func:`as_payoff_arrays`, with text refused rather than parsed as numbers."""
    if isinstance(payoffs, np.ndarray) and payoffs.ndim >= 2:
        as_finite_array(payoffs, "payoffs")
    elif isinstance(payoffs, (list, tuple)):
        for i, p in enumerate(payoffs):
            as_finite_array(p, f"payoffs[{i}]")
    return as_payoff_arrays(payoffs)


def _check_unit_payoffs(payoffs) -> list[np.ndarray]:
    arrays = _as_payoffs(payoffs)
    for i, array in enumerate(arrays):
        if array.min() < 0 or array.max() > 1:
            raise ValueError(f"payoffs[{i}] must lie in [0, 1] for learning automata; "
                             "rescale with normalise_payoffs(payoffs)")
    return arrays


def _initial_policies(initial_policies, shape: tuple[int, ...], n_runs: int) -> list[np.ndarray]:
    """Uniform policies by default; otherwise one (m_i,) or (n_runs, m_i) array per player."""
    if initial_policies is None:
        return [np.full((n_runs, m), 1.0 / m) for m in shape]
    if not isinstance(initial_policies, (list, tuple, np.ndarray)):
        raise TypeError(f"initial_policies must be a list or tuple of policies (one per player), "
                        f"got {type(initial_policies).__name__}")
    if len(initial_policies) != len(shape):
        raise ValueError(f"initial_policies must hold one policy per player ({len(shape)}), got {len(initial_policies)}")
    policies = []
    for i, (p, m) in enumerate(zip(initial_policies, shape)):
        p = as_probability_rows(as_finite_array(p, f"initial_policies[{i}]"), f"initial_policies[{i}]")
        if p.shape not in {(m,), (n_runs, m)}:
            raise ValueError(f"initial_policies[{i}] must have shape ({m},) or ({n_runs}, {m}), got {p.shape}")
        policies.append(np.broadcast_to(p, (n_runs, m)).copy())
    return policies


def _check_learning_automata(payoffs, eta_1, eta_2=0.0, initial_policies=None, n_runs=1, seed=None) -> None:
    """The input checks of :func:`learning_automata`, run when it is called (not at its first ``next``)."""
    arrays = _check_unit_payoffs(payoffs)
    _check_rates(eta_1, eta_2)
    _initial_policies(initial_policies, arrays[0].shape, check_int(n_runs, "n_runs", low=1))
    check_seed(seed)


@checked_by(_check_learning_automata)
def learning_automata(payoffs, eta_1: float, eta_2: float = 0.0, initial_policies=None,
                      n_runs: int = 1, seed=None) -> Iterator[tuple[np.ndarray, ...]]:
    """Every player of an n-player matrix game runs an L_R-P automaton (L_R-I when ``eta_2 = 0``).

    At each step every player samples ``a^i ~ p^i(k)`` in each of the ``n_runs`` independent
    runs, receives ``r^i(k) = Q_i(a^1, ..., a^n)`` and applies :func:`automaton_step`.

    Parameters
    ----------
    payoffs : sequence of n arrays, shape (m_1, ..., m_n)
        ``payoffs[i]`` is player ``i``'s reward, already in [0, 1] (see :func:`normalise_payoffs`).
    eta_1, eta_2 : float
        Reward and penalty rates, ``0 <= eta_2 < eta_1 < 1``.
    initial_policies : sequence of n arrays, optional
        Each of shape (m_i,) or (n_runs, m_i); uniform by default.
    n_runs : int
        Independent runs simulated together.
    seed : int, numpy.random.Generator or None

    Yields
    ------
    tuple of n arrays, shape (n_runs, m_i)
        ``(p^1(k), ..., p^n(k))`` for ``k = 0, 1, 2, ...`` (the initial policies first).

    Examples
    --------
    >>> from marl_course.games.gallery import prisoners_dilemma
    >>> unit = normalise_payoffs(prisoners_dilemma().payoffs)
    >>> p1, p2 = record(learning_automata(unit, eta_1=0.05, n_runs=100, seed=0), 2000)
    >>> bool(np.mean(p1[-1, :, 1] > 0.99) > 0.9)   # defect, the strict equilibrium
    True
    """
    payoffs = [np.asarray(p, dtype=float) for p in payoffs]                   # Q_i(a^1, ..., a^n)
    policies = _initial_policies(initial_policies, payoffs[0].shape, n_runs)  # p^i, each (n_runs, m_i)
    rng = as_rng(seed)
    while True:
        yield tuple(p.copy() for p in policies)
        # sample a^i ~ p^i in every run, player by player
        actions = tuple(sample_categorical.unchecked(p, rng) for p in policies)
        policies = [automaton_step.unchecked(p, actions[i], payoffs[i][actions], eta_1, eta_2)
                    for i, p in enumerate(policies)]


def linear_reward_inaction(payoffs, eta: float, initial_policies=None, n_runs: int = 1,
                           seed=None) -> Iterator[tuple[np.ndarray, ...]]:
    """L_R-I for every player: :func:`learning_automata` with ``eta_1 = eta`` and ``eta_2 = 0``.

    Converges (for small ``eta``) to a pure strict Nash equilibrium when the game has one; a
    reward of 0 leaves the policy unchanged ("inaction").

    Examples
    --------
    >>> from marl_course.games.gallery import coordination_game
    >>> unit = normalise_payoffs(coordination_game().payoffs)
    >>> p1, p2 = next(linear_reward_inaction(unit, eta=0.1, n_runs=3, seed=1))
    >>> p1.tolist()
    [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]
    """
    eta = check_real(eta, "eta", low=0, high=1, low_open=True, high_open=True)
    return learning_automata(payoffs, eta, 0.0, initial_policies, n_runs, seed)


def linear_reward_penalty(payoffs, eta_1: float, eta_2: float, initial_policies=None, n_runs: int = 1,
                          seed=None) -> Iterator[tuple[np.ndarray, ...]]:
    """L_R-P for every player: :func:`learning_automata` with a penalty rate ``0 < eta_2 < eta_1``.

    Meant for games whose only equilibrium is mixed (matching pennies): the penalty keeps the
    policy away from the corners, so it hovers near the mixed equilibrium.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> unit = normalise_payoffs(matching_pennies().payoffs)
    >>> p1, p2 = record(linear_reward_penalty(unit, 0.02, 0.002, n_runs=100, seed=0), 2000)
    >>> bool(abs(p1[-1, :, 0].mean() - 0.5) < 0.05)
    True
    """
    if check_real(eta_2, "eta_2", low=0, high=1, high_open=True) == 0:
        raise ValueError("eta_2 must be positive for L_R-P (use linear_reward_inaction for eta_2 = 0)")
    return learning_automata(payoffs, eta_1, eta_2, initial_policies, n_runs, seed)
