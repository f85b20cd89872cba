"""Friend-or-Foe Q-learning (Littman 2001): every other player is labelled a friend or a foe.

The value of a state's stage game ``Q_i(s, a_i, a_{-i})`` for player ``i`` treats its friends
(and itself) as one *team* choosing a joint action and its foes as another, a two-"player"
zero-sum game (the team reduction of n players to two):

    V_i(s) = max_{pi in PD(X_1 x ... x X_k)} min_{y in Y_1 x ... x Y_l} sum_x pi(x) Q_i(s, x, y),

``X`` the friends' actions (``i`` included) and ``Y`` the foes'. All friends (Friend-Q): the
largest entry ``max_a Q_i(s, a)``, an ordinary max; all foes (Foe-Q, two players): Minimax-Q.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array, check_bool, checked_by
from marl_course.games.zero_sum import solve_zero_sum_unchecked
from marl_course.tabular.minimax_q import MinimaxQ
from marl_course.tabular.play import Transition
from marl_course.tabular.q_learning import _check_learner_update


def friend_or_foe_value(stage_q, friends) -> tuple[float, np.ndarray]:
    """Player ``i``'s FFQ value of one stage game and its own (marginal) policy.

    Parameters
    ----------
    stage_q : array_like, shape (m_i, m_2, ..., m_n)
        ``Q_i(s, .)`` with player ``i``'s own action on axis 0.
    friends : sequence of bool, length n - 1
        For every other player (axes 1..n-1), True = friend, False = foe.

    Returns
    -------
    value : float
    policy : numpy.ndarray, shape (m_i,)
        The team's optimal joint strategy, marginalised to player ``i``'s own action.

    Examples
    --------
    Three players, one friend and one foe, on a random stage game: the team of two plays a
    4-action (2 x 2) zero-sum game against the foe.

    >>> rng = np.random.default_rng(0)
    >>> value, policy = friend_or_foe_value(rng.normal(size=(2, 2, 3)), [True, False])
    >>> policy.shape, bool(np.isclose(policy.sum(), 1))
    ((2,), True)
    >>> friend_or_foe_value([[1, 5], [2, 0]], [True])  # Friend-Q: the best joint action
    (5.0, array([1., 0.]))
    """
    stage_q = as_finite_array(stage_q, "stage_q", min_ndim=2)
    if not isinstance(friends, (list, tuple, np.ndarray)):
        raise TypeError(f"friends must be a sequence of bools (one per other player), got {type(friends).__name__}")
    friends = [check_bool(f, f"friends[{k}]") for k, f in enumerate(friends)]
    if len(friends) != stage_q.ndim - 1:
        raise ValueError(f"friends must label {stage_q.ndim - 1} other players, got {len(friends)}")
    team_axes = [0] + [k + 1 for k, f in enumerate(friends) if f]
    foe_axes = [k + 1 for k, f in enumerate(friends) if not f]
    team = stage_q.transpose(team_axes + foe_axes)
    team_shape = team.shape[:len(team_axes)]
    matrix = team.reshape(int(np.prod(team_shape)), -1)  # (team joint actions, foe joint actions)
    if not foe_axes:  # Friend-Q: max over joint actions, play your part of the best one
        best = int(matrix[:, 0].argmax())
        value, team_strategy = float(matrix[best, 0]), np.eye(matrix.shape[0])[best]
    else:  # Foe-Q: the team's maximin strategy
        value, team_strategy, _ = solve_zero_sum_unchecked(matrix)
    policy = team_strategy.reshape(team_shape).sum(axis=tuple(range(1, len(team_shape))))
    return value, policy


class FriendOrFoeQ(MinimaxQ):
    """A two-player FFQ learner: Friend-Q (``friend=True``) or Foe-Q (``friend=False``).

    A :class:`~marl_course.tabular.minimax_q.MinimaxQ` (same schedule, parameters, seat and
    action choice) whose update values the stage game as a friend (max) or a foe (maximin); with
    ``friend=False`` it *is* Minimax-Q. Tables start at 0 (Littman 2001 leaves this open).

    References
    ----------
    Littman, "Friend-or-foe Q-learning in general-sum games", ICML 2001.

    Examples
    --------
    Each learner of a pair reads the same joint transition from its own seat:

    >>> from marl_course.tabular.play import Transition
    >>> pair = [FriendOrFoeQ(1, 2, 2, friend=True, gamma=0.0, epsilon=0.0, alpha=1.0, alpha_decay=1.0, player=i)
    ...         for i in (0, 1)]
    >>> for learner in pair:
    ...     learner.update(Transition(0, (1, 0), (3.0, 5.0), 0))
    >>> float(pair[0].Q[0, 1, 0]), float(pair[1].Q[0, 0, 1])     # Q_i(s, own action, other's action)
    (3.0, 5.0)
    >>> pair[0].V.tolist(), pair[0].policy.tolist()
    ([3.0], [[0.0, 1.0]])
    """

    def __init__(self, n_states: int, n_actions: int, n_opponent_actions: int, friend: bool, gamma: float = 0.9,
                 epsilon: float = 0.2, alpha: float = 1.0, alpha_decay: float = 0.9999954, player: int = 0):
        friend = check_bool(friend, "friend")
        super().__init__(n_states, n_actions, n_opponent_actions, gamma, epsilon, alpha, alpha_decay, player)
        self.friend = friend
        self.Q[:] = 0.0
        self.V[:] = 0.0

    @checked_by(_check_learner_update)
    def update(self, transition: Transition) -> None:
        """Littman (2001): back up ``Q_i(s, a, o)`` with ``V_i(s')``, then re-solve ``s``'s stage game."""
        state, actions, rewards, next_state = transition
        action, opponent_action = actions[self.player], actions[1 - self.player]
        # (step 1) Q_i(s, a, o) <- (1 - alpha) Q_i(s, a, o) + alpha (r_i + gamma V_i(s'))
        self.Q[state, action, opponent_action] = ((1 - self.alpha) * self.Q[state, action, opponent_action]
                                                  + self.alpha * (rewards[self.player] + self.gamma * self.V[next_state]))
        # (step 2) V_i(s), pi_i(s) from the friend (max) or foe (maximin) value of the stage game
        self.V[state], self.pi[state] = friend_or_foe_value(self.Q[state], [self.friend])
        # (step 3) alpha <- alpha * decay
        self.alpha *= self.alpha_decay
