"""Minimax-Q (Littman 1994): Q-learning whose backup uses the value of the stage zero-sum game.

The agent learns ``Q(s, a, o)`` over its own action ``a`` and the opponent's ``o``; the value of
a state is the maximin value of the stage game ``Q(s, ., .)``,

    V(s) = max_{pi in PD(A)} min_{o in O} sum_a pi(a) Q(s, a, o),

one small linear program per update (the article's drawback 1, kept cheap by
:func:`~marl_course.games.zero_sum.solve_zero_sum_unchecked`). The policy ``pi(s)`` is the
maximin strategy, mixed where the game needs it, and is the same whatever the opponent does:
safe, but it does not exploit a weak opponent (drawback 3, not rational).
"""

from __future__ import annotations

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import checked_by, check_finite, check_generator, check_index, check_int, check_real
from marl_course.games.zero_sum import solve_zero_sum_unchecked
from marl_course.tabular.play import Transition
from marl_course.tabular.q_learning import _check_learner_update, _check_table, check_player


def decay_for(n_steps: int, final_alpha: float = 0.01) -> float:
    """The per-step decay that takes ``alpha`` from 1 to ``final_alpha`` in ``n_steps`` (Littman: 10^6 -> 0.9999954).

    Examples
    --------
    >>> round(decay_for(10**6), 7)
    0.9999954
    """
    n_steps = check_int(n_steps, "n_steps", low=1)
    return float(check_real(final_alpha, "final_alpha", low=0, high=1, low_open=True) ** (1.0 / n_steps))


def _check_minimax_q_update(Q: np.ndarray, V: np.ndarray, pi: np.ndarray, state: int, action: int,
                            opponent_action: int, reward: float, next_state: int, alpha: float,
                            gamma: float) -> None:
    """The input checks of :func:`minimax_q_update` (the tables are not copied: they are updated in place)."""
    Q = _check_table(Q, "Q", 3)
    n_states, n_actions, n_opponent_actions = Q.shape
    V, pi = _check_table(V, "V", 1), _check_table(pi, "pi", 2)
    if V.shape != (n_states,):
        raise ValueError(f"V must have shape ({n_states},) (one value per state of Q), got {V.shape}")
    if pi.shape != (n_states, n_actions):
        raise ValueError(f"pi must have shape {(n_states, n_actions)} (a policy per state of Q), got {pi.shape}")
    state, next_state = check_index(state, "state", n_states), check_index(next_state, "next_state", n_states)
    action = check_index(action, "action", n_actions)
    opponent_action = check_index(opponent_action, "opponent_action", n_opponent_actions)
    check_finite(reward, "reward")
    check_real(alpha, "alpha", low=0, high=1)
    check_real(gamma, "gamma", low=0, high=1, high_open=True)


@checked_by(_check_minimax_q_update)
def minimax_q_update(Q: np.ndarray, V: np.ndarray, pi: np.ndarray, state: int, action: int, opponent_action: int,
                     reward: float, next_state: int, alpha: float, gamma: float) -> None:
    """Littman's (1994) Figure 1 "Learn" step, in place on ``Q`` (S, m, o), ``V`` (S,) and ``pi`` (S, m).

    Examples
    --------
    Matching pennies as a one-state game with gamma = 0: after the four joint actions are
    backed up with alpha = 1, the policy is (1/2, 1/2) and the value 0.

    >>> Q, V, pi = np.zeros((1, 2, 2)), np.zeros(1), np.full((1, 2), 0.5)
    >>> for a, o, r in [(0, 0, 1), (0, 1, -1), (1, 0, -1), (1, 1, 1)]:
    ...     minimax_q_update(Q, V, pi, 0, a, o, r, 0, alpha=1.0, gamma=0.0)
    >>> pi.round(12).tolist(), round(float(V[0]), 12)
    ([[0.5, 0.5]], 0.0)
    """
    # (step 1) Q[s,a,o] := (1 - alpha) Q[s,a,o] + alpha (rew + gamma V[s'])
    Q[state, action, opponent_action] = ((1 - alpha) * Q[state, action, opponent_action]
                                         + alpha * (reward + gamma * V[next_state]))
    # (step 2) pi[s,.] := argmax_{pi'} min_{o'} sum_{a'} pi'[a'] Q[s,a',o']  (a linear program)
    # (step 3) V[s] := min_{o'} sum_{a'} pi[s,a'] Q[s,a',o']                 (its value)
    V[state], pi[state], _ = solve_zero_sum_unchecked(Q[state])


class MinimaxQ:
    """A Minimax-Q player with Littman's (1994) initialisation and schedule.

    Parameters
    ----------
    n_states, n_actions, n_opponent_actions : int
    gamma : float
        The discount (Littman: 0.9).
    epsilon : float
        Probability of a uniformly random action while learning (Littman: 0.2).
    alpha, alpha_decay : float
        Learning rate and its per-update decay (Littman: 1.0 and 0.9999954; see :func:`decay_for`).
    player : int
        Its seat (0 or 1): it learns from ``a = transition.actions[player]``,
        ``o = transition.actions[1 - player]`` and ``r = transition.rewards[player]``.

    Attributes
    ----------
    Q : numpy.ndarray, shape (S, m, o)
        Initialised to 1, as are ``V`` (S,); ``pi`` (S, m) starts uniform.

    References
    ----------
    Littman, "Markov games as a framework for multi-agent reinforcement learning", ICML 1994.

    Examples
    --------
    >>> from marl_course.tabular.play import Transition
    >>> player = MinimaxQ(1, 2, 2, gamma=0.0, epsilon=0.0, alpha_decay=1.0)
    >>> player.update(Transition(0, (0, 0), (-1.0, 1.0), 0))  # Q(s) = [[-1, 1], [1, 1]]: action 1 now dominates
    >>> player.policy.round(12).tolist(), float(player.V[0])
    ([[0.0, 1.0]], 1.0)
    """

    def __init__(self, n_states: int, n_actions: int, n_opponent_actions: int, gamma: float = 0.9,
                 epsilon: float = 0.2, alpha: float = 1.0, alpha_decay: float = 0.9999954, player: int = 0):
        n_states = check_int(n_states, "n_states", low=1)
        self.n_actions = check_int(n_actions, "n_actions", low=1)
        n_opponent_actions = check_int(n_opponent_actions, "n_opponent_actions", low=1)
        self.gamma = check_real(gamma, "gamma", low=0, high=1, high_open=True)
        self.epsilon = check_real(epsilon, "epsilon", low=0, high=1)
        self.alpha = check_real(alpha, "alpha", low=0, high=1, low_open=True)
        self.alpha_decay = check_real(alpha_decay, "alpha_decay", low=0, high=1, low_open=True)
        self.player = check_player(player)
        pair = (self.n_actions, n_opponent_actions)
        self.action_counts = pair if self.player == 0 else pair[::-1]
        # (initialise) Q[s,a,o] := 1, V[s] := 1, pi[s,a] := 1/|A|
        self.Q = np.ones((n_states, self.n_actions, n_opponent_actions))
        self.V = np.ones(n_states)
        self.pi = np.full((n_states, self.n_actions), 1.0 / self.n_actions)

    @property
    def n_states(self) -> int:
        """``|S|``, the number of states."""
        return self.Q.shape[0]

    @property
    def policy(self) -> np.ndarray:
        """The learned maximin policy ``pi``, shape (S, m)."""
        return self.pi

    def act(self, state: int, rng: np.random.Generator) -> int:
        """(choose) With probability ``epsilon`` a random action, else ``a`` with probability ``pi[s, a]``."""
        state = check_index(state, "state", self.n_states)
        return self._act(state, check_generator(rng))

    def _act(self, state: int, rng: np.random.Generator) -> int:
        # epsilon = 1 (pure exploration) draws no coin: the same choice, one number fewer
        if self.epsilon == 1.0 or rng.random() < self.epsilon:
            return int(rng.integers(self.n_actions))
        return sample_categorical.unchecked(self.pi[state], rng)

    @checked_by(_check_learner_update)
    def update(self, transition: Transition) -> None:
        """(learn) :func:`minimax_q_update` with ``(s, a, o, r, s')`` read from the transition, then
        (step 4) ``alpha := alpha * decay``."""
        state, actions, rewards, next_state = transition
        minimax_q_update.unchecked(self.Q, self.V, self.pi, state, actions[self.player], actions[1 - self.player],
                                   rewards[self.player], next_state, self.alpha, self.gamma)
        self.alpha *= self.alpha_decay
