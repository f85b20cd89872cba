"""Independent Q-learning: the single-agent baseline that treats the other agent as part of the world.

``Q(s, a) <- (1 - alpha) Q(s, a) + alpha (r + gamma max_a' Q(s', a'))``, acting epsilon-greedily.
Its greedy policy is deterministic, which is exactly what a challenger exploits in Littman's
soccer (chapter 2). It follows the tabular contract of :mod:`marl_course.tabular.play`
(``act(state, rng)``, ``update(transition)``); actions are drawn by :mod:`marl_course._random`, as by
every learner of the package.
"""

from __future__ import annotations

import numpy as np

from marl_course._random import epsilon_greedy
from marl_course._validation import check_finite, check_generator, check_index, check_int, check_real, checked_by
from marl_course.tabular.play import Transition, as_transition


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


def _check_q_learning_update(Q, state, action, reward, next_state, alpha, gamma) -> None:
    """The input checks of :func:`q_learning_update` (``Q`` is not copied: it is updated in place)."""
    Q = _check_table(Q, "Q", 2)
    n_states, n_actions = Q.shape
    check_index(state, "state", n_states), check_index(next_state, "next_state", n_states)
    check_index(action, "action", n_actions)
    check_finite(reward, "reward")
    check_real(alpha, "alpha", low=0, high=1)
    check_real(gamma, "gamma", low=0, high=1, high_open=True)


@checked_by(_check_q_learning_update)
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
    Q[state, action] = (1 - alpha) * Q[state, action] + alpha * (reward + gamma * Q[next_state].max())


def _check_learner_update(learner, transition) -> Transition:
    """The light checks of a single-run learner's ``update``: its state, its own and the others'
    actions in range, a finite reward per player (scalars only: ``update`` runs once per step)."""
    transition = as_transition(transition, len(learner.action_counts))
    n_states = learner.n_states
    check_index(transition.state, "transition.state", n_states)
    check_index(transition.next_state, "transition.next_state", n_states)
    for i, (action, count) in enumerate(zip(transition.actions, learner.action_counts)):
        check_index(action, f"transition.actions[{i}]", count)
    for i, reward in enumerate(transition.rewards):
        check_finite(reward, f"transition.rewards[{i}]")
    return transition


def check_player(player, n_players: int = 2) -> int:
    """A learner's seat: an int in ``[0, n_players)`` (the index of its action and reward in a
    :class:`~marl_course.tabular.play.Transition`).

    >>> check_player(1)
    1
    """
    return check_int(player, "player", low=0, high=n_players - 1)


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
    player : int
        Its seat in a two-player game (0 or 1): it learns from ``transition.actions[player]`` and
        ``transition.rewards[player]``.
    n_other_actions : int, optional
        The other player's number of actions (default ``n_actions``), checked in ``update``.

    Examples
    --------
    >>> from marl_course.tabular.play import Transition
    >>> learner = QLearner(1, 2, gamma=0.0, epsilon=0.0, alpha=0.5, alpha_decay=1.0)
    >>> learner.update(Transition(0, (1, 0), (3.0, -3.0), 0))
    >>> learner.Q.tolist(), learner.policy.tolist()
    ([[1.0, 2.0]], [[0.0, 1.0]])
    """

    def __init__(self, n_states: int, n_actions: int, gamma: float = 0.9, epsilon: float = 0.2,
                 alpha: float = 1.0, alpha_decay: float = 0.9999954, initial_q: float = 1.0, player: int = 0,
                 n_other_actions: int | None = None):
        n_states = check_int(n_states, "n_states", low=1)
        self.n_actions = check_int(n_actions, "n_actions", low=1)
        self.gamma = check_real(gamma, "gamma", low=0, high=1, high_open=True)
        self.epsilon = check_real(epsilon, "epsilon", low=0, high=1)
        self.alpha = check_real(alpha, "alpha", low=0, high=1, low_open=True)
        self.alpha_decay = check_real(alpha_decay, "alpha_decay", low=0, high=1, low_open=True)
        self.player = check_player(player)
        other = self.n_actions if n_other_actions is None else check_int(n_other_actions, "n_other_actions", low=1)
        self.action_counts = (self.n_actions, other) if self.player == 0 else (other, self.n_actions)
        self.Q = np.full((n_states, self.n_actions), check_real(initial_q, "initial_q"))

    @property
    def n_states(self) -> int:
        """``|S|``, the number of states."""
        return self.Q.shape[0]

    @property
    def policy(self) -> np.ndarray:
        """The greedy policy as one-hot rows, shape (S, m) (ties: lowest index)."""
        return np.eye(self.n_actions)[self.Q.argmax(axis=1)]

    def act(self, state: int, rng: np.random.Generator) -> int:
        """:func:`~marl_course._random.epsilon_greedy` on ``Q(s, .)`` with ``epsilon`` (ties: lowest index)."""
        state = check_index(state, "state", self.n_states)
        return self._act(state, check_generator(rng))

    def _act(self, state: int, rng: np.random.Generator) -> int:
        return epsilon_greedy.unchecked(self.Q[state], self.epsilon, rng)

    @checked_by(_check_learner_update)
    def update(self, transition: Transition) -> None:
        """Back up ``Q(s, a)`` with its own action and reward (the other's action is part of the world)."""
        state, actions, rewards, next_state = transition
        q_learning_update.unchecked(self.Q, state, actions[self.player], rewards[self.player], next_state,
                                    self.alpha, self.gamma)
        self.alpha *= self.alpha_decay
