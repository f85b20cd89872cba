"""Independent Q-learning: the single-agent baseline that treats the other agent as part of the world.

``Q(s, a) <- (1 - alpha) Q(s, a) + alpha (r + gamma max_a' Q(s', a'))``, acting epsilon-greedily.
Its greedy policy is deterministic, which is exactly what a challenger exploits in Littman's
soccer (chapter 2). The module also holds a fixed (non-learning) player; actions are drawn by
:mod:`marl_course._random`, as by every learner of the package.
"""

from __future__ import annotations

import numpy as np

from marl_course._random import epsilon_greedy, sample_categorical
from marl_course._validation import (as_finite_array, as_probability_rows, as_rng, check_finite, check_generator,
                                     check_index, check_int, check_real, check_seed)


def _check_table(array, name: str, ndim: int) -> np.ndarray:
    """A learner's table updated in place: a float numpy array of rank ``ndim`` (no copy is made)."""
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        raise TypeError(f"{name} must be a float numpy array (it is updated in place), got {type(array).__name__}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return array


def _check_player(player, name: str) -> None:
    """A player has ``act(state, rng)`` and ``update(state, own, other, reward, next_state)``."""
    if not (callable(getattr(player, "act", None)) and callable(getattr(player, "update", None))):
        raise TypeError(f"{name} must have act(state, rng) and update(state, action, other, reward, next_state) "
                        f"methods, got {type(player).__name__}")


def q_learning_update(Q: np.ndarray, state: int, action: int, reward: float, next_state: int,
                      alpha: float, gamma: float) -> None:
    """One Q-learning backup, in place: ``Q(s,a) <- (1-alpha) Q(s,a) + alpha (r + gamma max_a' Q(s',a'))``.

    References
    ----------
    Watkins & Dayan, "Q-learning", Machine Learning 8 (1992).

    Examples
    --------
    >>> Q = np.zeros((2, 2)); Q[1] = [0.0, 2.0]
    >>> q_learning_update(Q, 0, 1, 1.0, 1, alpha=0.5, gamma=0.9)
    >>> float(Q[0, 1])  # 0.5 * (1 + 0.9 * 2)
    1.4
    """
    Q = _check_table(Q, "Q", 2)
    n_states, n_actions = Q.shape
    state, next_state = check_index(state, "state", n_states), check_index(next_state, "next_state", n_states)
    action = check_index(action, "action", n_actions)
    check_finite(reward, "reward")
    check_real(alpha, "alpha", low=0, high=1)
    check_real(gamma, "gamma", low=0, high=1, high_open=True)
    _q_learning_update(Q, state, action, reward, next_state, alpha, gamma)


def _q_learning_update(Q, state, action, reward, next_state, alpha, gamma) -> None:
    Q[state, action] = (1 - alpha) * Q[state, action] + alpha * (reward + gamma * Q[next_state].max())


class QLearner:
    """An independent Q-learner ``Q(s, a)`` with Littman's (1994) schedule.

    Parameters
    ----------
    n_states, n_actions : int
    gamma : float
        The discount, in [0, 1).
    epsilon : float
        Probability of a uniformly random action while learning (Littman: 0.2).
    alpha, alpha_decay : float
        Learning rate, multiplied by ``alpha_decay`` after every update (Littman: 1.0 and
        0.9999954, i.e. 0.01 after 10^6 steps).
    initial_q : float
        Initial table entries (Littman: 1).

    Examples
    --------
    >>> learner = QLearner(1, 2, gamma=0.0, epsilon=0.0, alpha=0.5, alpha_decay=1.0)
    >>> learner.update(0, 1, None, 3.0, 0)
    >>> learner.Q.tolist(), learner.policy.tolist()
    ([[1.0, 2.0]], [[0.0, 1.0]])
    """

    def __init__(self, n_states: int, n_actions: int, gamma: float = 0.9, epsilon: float = 0.2,
                 alpha: float = 1.0, alpha_decay: float = 0.9999954, initial_q: float = 1.0):
        n_states = check_int(n_states, "n_states", low=1)
        self.n_actions = check_int(n_actions, "n_actions", low=1)
        self.gamma = check_real(gamma, "gamma", low=0, high=1, high_open=True)
        self.epsilon = check_real(epsilon, "epsilon", low=0, high=1)
        self.alpha = check_real(alpha, "alpha", low=0, high=1, low_open=True)
        self.alpha_decay = check_real(alpha_decay, "alpha_decay", low=0, high=1, low_open=True)
        self.Q = np.full((n_states, self.n_actions), check_real(initial_q, "initial_q"))

    @property
    def policy(self) -> np.ndarray:
        """The greedy policy as one-hot rows, shape (S, m) (ties: lowest index)."""
        return np.eye(self.n_actions)[self.Q.argmax(axis=1)]

    def act(self, state: int, rng: np.random.Generator) -> int:
        """:func:`~marl_course._random.epsilon_greedy` on ``Q(s, .)`` with ``epsilon`` (ties: lowest index)."""
        state = check_index(state, "state", self.Q.shape[0])
        return self._act(state, check_generator(rng))

    def _act(self, state: int, rng: np.random.Generator) -> int:
        return epsilon_greedy.unchecked(self.Q[state], self.epsilon, rng)

    def update(self, state: int, action: int, opponent_action, reward: float, next_state: int) -> None:
        """Back up ``Q(s, a)`` (the opponent's action is ignored: it is part of the world)."""
        n_states = self.Q.shape[0]
        state, next_state = check_index(state, "state", n_states), check_index(next_state, "next_state", n_states)
        action = check_index(action, "action", self.n_actions)
        check_finite(reward, "reward")
        self._update(state, action, opponent_action, reward, next_state)

    def _update(self, state: int, action: int, opponent_action, reward: float, next_state: int) -> None:
        _q_learning_update(self.Q, state, action, reward, next_state, self.alpha, self.gamma)
        self.alpha *= self.alpha_decay


class FixedPolicy:
    """A player that never learns: in state ``s`` it draws its action from ``policy[s]``.

    It plays in every loop of the package: :func:`play_repeated` and
    :func:`~marl_course.envs.soccer.play` give it one state and take one action;
    :func:`~marl_course.tabular.phc.play` gives it one state per run and takes one action per run.
    ``update`` accepts any transition and ignores it.

    Parameters
    ----------
    policy : array_like, shape (S, m) or (m,)
        ``policy[s]`` is the distribution over actions in state ``s``; a single distribution is
        a one-state policy (a repeated matrix game).
    n_runs : int
        Runs played side by side in :func:`~marl_course.tabular.phc.play` (its ``env.n_envs``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> FixedPolicy([[0.0, 1.0]]).act(0, rng)
    1
    >>> FixedPolicy([0.5, 0.3, 0.2], n_runs=4).act(np.zeros(4, dtype=int), rng).shape
    (4,)
    """

    def __init__(self, policy, n_runs: int = 1):
        policy = as_probability_rows(as_finite_array(policy, "policy"), "policy")
        if policy.ndim > 2:
            raise ValueError(f"policy must have shape (S, m) or (m,), got {policy.shape}")
        self.policy = np.atleast_2d(policy)                                          # (S, m)
        self.n_runs = check_int(n_runs, "n_runs", low=1)

    @property
    def n_actions(self) -> int:
        """``m``, the player's number of actions."""
        return self.policy.shape[1]

    def act(self, state, rng: np.random.Generator):
        """Sample an action from ``policy[state]`` (:func:`~marl_course._random.sample_categorical`).

        ``state`` is one state (one action is returned) or one state per run, an integer array
        of shape ``(n_runs,)`` (one action per run).
        """
        n_states = self.policy.shape[0]
        if np.ndim(state) == 0:
            state = check_index(state, "state", n_states)
        else:
            states = np.asarray(state)
            if states.shape != (self.n_runs,) or states.dtype.kind not in "iu" or not (
                    0 <= states.min() and states.max() < n_states):
                raise ValueError(f"state must be one state in [0, {n_states - 1}] or one per run, integers of "
                                 f"shape ({self.n_runs},), got {state!r}")
        return self._act(state, check_generator(rng))

    def _act(self, state, rng: np.random.Generator):
        return sample_categorical.unchecked(self.policy[state], rng)

    def update(self, *transition) -> None:
        """A fixed player does not learn: the transition, whatever its form, is ignored."""


def _unchecked(player, method: str):
    """``player.<method>`` without its input checks when it is one of the package's own players.

    For the package's own loops (:func:`play_repeated`, :func:`marl_course.envs.soccer.play`,
    :func:`marl_course.tabular.phc.play`), which feed a player the environment's states and
    rewards and its own actions once per step. The bare method is ``player._<method>``, or the
    function a :func:`~marl_course._validation.checked_by` method wraps. A class outside the
    package, or one that overrides the public method, keeps its checks.
    """
    public = getattr(type(player), method, None)
    if getattr(public, "__module__", "").startswith("marl_course.tabular."):
        if hasattr(public, "unchecked"):
            return public.unchecked.__get__(player)
        if hasattr(player, "_" + method):
            return getattr(player, "_" + method)
    return getattr(player, method)


def play_repeated(payoffs_row, player_row, player_col, n_steps: int, seed=None) -> np.ndarray:
    """Two players repeat a zero-sum matrix game (a one-state stochastic game, state 0) and learn.

    ``payoffs_row[a, o]`` is the row player's reward; the column player gets its negative. Each
    player has ``act(state, rng)`` and ``update(state, own, other, reward, next_state)``.

    Returns
    -------
    numpy.ndarray, shape (n_steps,)
        The row player's reward at every step.

    Examples
    --------
    A Q-learner against an opponent that always plays rock learns to play paper:

    >>> from marl_course.games.gallery import rock_paper_scissors
    >>> learner = QLearner(1, 3, gamma=0.0, epsilon=0.1, alpha_decay=0.999)
    >>> rewards = play_repeated(rock_paper_scissors().A, learner, FixedPolicy([[1.0, 0.0, 0.0]]), 500, seed=0)
    >>> int(learner.Q[0].argmax()), bool(rewards[-100:].mean() > 0.8)
    (1, True)
    """
    payoffs = as_finite_array(payoffs_row, "payoffs_row", ndim=2)
    _check_player(player_row, "player_row")
    _check_player(player_col, "player_col")
    for player, name, count in ((player_row, "player_row", payoffs.shape[0]), (player_col, "player_col", payoffs.shape[1])):
        n_actions = getattr(player, "n_actions", None)
        if n_actions is not None and n_actions != count:
            raise ValueError(f"{name} has {n_actions} actions but payoffs_row has {count} along its axis for that player")
    n_steps = check_int(n_steps, "n_steps", low=1)
    rng = as_rng(check_seed(seed))
    rewards = np.empty(n_steps)
    act_row, act_col = _unchecked(player_row, "act"), _unchecked(player_col, "act")
    update_row, update_col = _unchecked(player_row, "update"), _unchecked(player_col, "update")
    for t in range(n_steps):
        a, o = act_row(0, rng), act_col(0, rng)
        rewards[t] = payoffs[a, o]
        update_row(0, a, o, rewards[t], 0)
        update_col(0, o, a, -rewards[t], 0)
    return rewards
