"""Nash Q-learning (Hu & Wellman 2003) for two-player general-sum stochastic games.

Each agent keeps the Q-tables of *both* players, ``Q^1(s, a_1, a_2)`` and ``Q^2(s, a_1, a_2)``,
and backs up with the players' payoffs at a Nash equilibrium of the next state's stage game:

    Q^i(s, a_1, a_2) <- (1 - alpha_t) Q^i(s, a_1, a_2) + alpha_t (r_i + gamma NashQ^i(s')),
    NashQ^i(s') = pi^1(s') Q^i(s') pi^2(s'),

with ``(pi^1(s'), pi^2(s'))`` a Nash equilibrium of the bimatrix game ``(Q^1(s'), Q^2(s'))`` and
``alpha_t = 1 / n_t(s, a_1, a_2)``, the inverse visit count (the paper's choice). The stage game
may have several equilibria; the update needs one, chosen the same way by both players (see
:func:`stage_nash`). This choice is the algorithm's weak point (the article's drawback: the
convergence conditions need every stage game's equilibria to be all global optima or all saddle
points, which rarely holds).
"""

from __future__ import annotations

import warnings

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import (as_bimatrix, as_finite_array, check_generator, check_index, check_int, check_real,
                                     checked_by)
from marl_course.games.equilibria import DegenerateGameWarning, pure_nash_equilibria, support_enumeration
from marl_course.games.stochastic import StochasticGame
from marl_course.tabular.play import Transition
from marl_course.tabular.q_learning import _check_learner_update, _check_table, check_player


def _check_stage_nash(Q1, Q2) -> None:
    as_bimatrix(as_finite_array(Q1, "Q1"), as_finite_array(Q2, "Q2"), names=("Q1", "Q2"))


@checked_by(_check_stage_nash)
def stage_nash(Q1, Q2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Nash equilibrium of the stage game ``(Q1, Q2)`` and the players' payoffs there.

    Selection rule (ours; the paper picks "the first equilibrium found"): among the pure
    equilibria, the one with the largest sum of payoffs ``Q1 + Q2`` (ties: the first in
    lexicographic order); if there is no pure equilibrium, the first equilibrium of
    :func:`~marl_course.games.support_enumeration`.

    Returns
    -------
    values : numpy.ndarray, shape (2,)
        ``NashQ^i = pi^1 Q^i pi^2`` for i = 1, 2.
    pi_1, pi_2 : numpy.ndarray, shapes (m_1,), (m_2,)

    Examples
    --------
    Battle of the sexes has two pure equilibria; the rule picks the one with more total payoff:

    >>> values, x, y = stage_nash([[2, 0], [0, 3]], [[3, 0], [0, 2]])
    >>> values.tolist(), x.tolist(), y.tolist()
    ([2.0, 3.0], [1.0, 0.0], [1.0, 0.0])
    """
    Q1, Q2 = np.asarray(Q1, dtype=float), np.asarray(Q2, dtype=float)
    pure = pure_nash_equilibria.unchecked([Q1, Q2])
    if pure:
        totals = [Q1[a] + Q2[a] for a in pure]
        a_1, a_2 = pure[int(np.argmax(totals))]
        x, y = np.eye(Q1.shape[0])[a_1], np.eye(Q1.shape[1])[a_2]
    else:  # a learned stage game is often degenerate; any equilibrium found is a valid choice here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateGameWarning)
            x, y = support_enumeration(Q1, Q2)[0]
    return np.array([x @ Q1 @ y, x @ Q2 @ y]), x, y


def nash_value_iteration(game: StochasticGame, tol: float = 1e-10,
                         max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nash-Q's backup run on the full model: value iteration with :func:`stage_nash`'s selection.

    ``V_{k+1}^i(s) = NashQ^i`` of the stage game ``(Q_k^1(s), Q_k^2(s))``, with
    ``Q_k^i(s, a_1, a_2) = R_i(s, a_1, a_2) + gamma sum_s' Tr(s, a, s') V_k^i(s')`` and ``V_0 = 0``
    (Nash-Q's initial tables). It is the fixed point Nash-Q's tables approach when every stage game
    it meets is backed up with the same selection rule, so it is the right reference for the
    learned values. For general-sum games the map need not be a contraction; the iteration stops
    once ``max_s,i |V_{k+1} - V_k| < tol * (1 + max |R|)`` and raises ``RuntimeError`` if that
    does not happen in ``max_iter`` steps.

    Parameters
    ----------
    game : StochasticGame
        Two players.
    tol : float
        Positive, relative to ``1 + max |R|``.
    max_iter : int
        At least 1.

    Returns
    -------
    values : numpy.ndarray, shape (2, S)
    pi_1, pi_2 : numpy.ndarray, shapes (S, m_1), (S, m_2)
        The selected stage equilibria of the last ``Q_k``.

    Examples
    --------
    The prisoner's dilemma repeated with gamma = 0.5: mutual defection (1 a step for both in the
    gallery's payoffs) is the only stage equilibrium, worth 1 / (1 - 0.5) = 2.

    >>> from marl_course.games.gallery import prisoners_dilemma
    >>> from marl_course.games.stochastic import repeated_game
    >>> values, pi_1, pi_2 = nash_value_iteration(repeated_game(prisoners_dilemma(), 0.5))
    >>> values.round(6).tolist(), pi_1.tolist()
    ([[2.0], [2.0]], [[0.0, 1.0]])
    """
    if not isinstance(game, StochasticGame):
        raise TypeError(f"game must be a StochasticGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise ValueError(f"game must have two players, got {game.n_players}")
    tol = check_real(tol, "tol", low=0, low_open=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    threshold = tol * (1.0 + np.abs(game.rewards).max())
    values = np.zeros((2, game.n_states))
    for _ in range(max_iter):
        Q = game.rewards + game.discount * np.einsum("sabt,it->isab", game.transitions, values)
        solved = [stage_nash.unchecked(Q[0, s], Q[1, s]) for s in range(game.n_states)]
        new_values = np.stack([v for v, _, _ in solved], axis=1)
        delta = float(np.abs(new_values - values).max())
        values = new_values
        if delta < threshold:
            return values, np.stack([x for _, x, _ in solved]), np.stack([y for _, _, y in solved])
    raise RuntimeError(f"Nash value iteration did not settle to tol={tol:g} in {max_iter} steps (last change {delta:.3g})")


def _check_rewards(rewards, name: str = "rewards") -> np.ndarray:
    """One finite reward per player: ``(r_1, r_2)``; a single number is refused, not broadcast."""
    if isinstance(rewards, (str, bytes)) or np.ndim(rewards) != 1 or len(rewards) != 2:
        raise ValueError(f"{name} must hold one reward per player, (r_1, r_2), got {rewards!r}")
    return as_finite_array(rewards, name, ndim=1)


def _check_transition(shape, state, action_1, action_2, rewards, next_state):
    """Indices within ``shape = (S, m_1, m_2)`` and a reward pair (the light checks of one update)."""
    n_states, m_1, m_2 = shape
    _check_rewards(rewards)
    return (check_index(state, "state", n_states), check_index(action_1, "action_1", m_1),
            check_index(action_2, "action_2", m_2), rewards, check_index(next_state, "next_state", n_states))


def _check_nash_q_update(Q: np.ndarray, counts: np.ndarray, state: int, action_1: int, action_2: int, rewards,
                         next_state: int, gamma: float) -> None:
    """The input checks of :func:`nash_q_update` (the tables are not copied: they are updated in place)."""
    Q = _check_table(Q, "Q", 4)
    if Q.shape[0] != 2:
        raise ValueError(f"Q must hold both players' tables, shape (2, S, m_1, m_2), got {Q.shape}")
    counts = _check_table(counts, "counts", 3)
    if counts.shape != Q.shape[1:]:
        raise ValueError(f"counts must have shape {Q.shape[1:]} (S, m_1, m_2) like Q's tables, got {counts.shape}")
    if counts.min() < 0:
        raise ValueError("counts must be non-negative visit counts")
    _check_transition(Q.shape[1:], state, action_1, action_2, rewards, next_state)
    check_real(gamma, "gamma", low=0, high=1, high_open=True)


@checked_by(_check_nash_q_update)
def nash_q_update(Q: np.ndarray, counts: np.ndarray, state: int, action_1: int, action_2: int, rewards,
                  next_state: int, gamma: float) -> None:
    """Hu & Wellman's (2003) Table 1 update, in place on ``Q`` (2, S, m_1, m_2) and visit ``counts`` (S, m_1, m_2).

    Examples
    --------
    >>> Q, counts = np.zeros((2, 2, 2, 2)), np.zeros((2, 2, 2))
    >>> Q[:, 1] = [[[2, 0], [0, 3]], [[3, 0], [0, 2]]]  # the next state's stage game
    >>> nash_q_update(Q, counts, 0, 1, 1, [1.0, 0.0], 1, gamma=0.5)
    >>> Q[:, 0, 1, 1].tolist()  # alpha = 1 on the first visit: r + 0.5 * NashQ(s')
    [2.0, 1.5]
    """
    # (step 1) alpha_t = 1 / n_t(s, a_1, a_2)
    counts[state, action_1, action_2] += 1
    alpha = 1.0 / counts[state, action_1, action_2]
    # (step 2) NashQ^i(s') from a Nash equilibrium of the stage game (Q^1(s'), Q^2(s'))
    nash_values, _, _ = stage_nash.unchecked(Q[0, next_state], Q[1, next_state])
    # (step 3) Q^i(s, a_1, a_2) <- (1 - alpha) Q^i + alpha (r_i + gamma NashQ^i(s')), for both players
    Q[:, state, action_1, action_2] = ((1 - alpha) * Q[:, state, action_1, action_2]
                                       + alpha * (np.asarray(rewards) + gamma * nash_values))


class NashQ:
    """A Nash-Q learner holding both players' tables (what each of Hu & Wellman's agents keeps).

    Parameters
    ----------
    n_states : int
    action_counts : tuple of int
        ``(m_1, m_2)``.
    gamma : float
        The discount (Hu & Wellman: 0.99).
    epsilon : float
        Probability of a uniformly random action; otherwise it plays its part of the selected
        equilibrium of the learned stage game. The default 1 is Hu & Wellman's offline learning:
        both agents explore at random and learn from every joint move.
    player : int
        Its seat (0 or 1): the equilibrium strategy it plays. Its update reads the whole
        transition (both actions and both rewards), the same for either seat.

    References
    ----------
    Hu & Wellman, "Nash Q-learning for general-sum stochastic games", JMLR 4 (2003).

    Examples
    --------
    >>> from marl_course.tabular.play import Transition
    >>> learner = NashQ(2, (2, 2), gamma=0.5)
    >>> learner.update(Transition(0, (0, 1), (1.0, -1.0), 1))
    >>> learner.Q[:, 0, 0, 1].tolist()
    [1.0, -1.0]
    """

    def __init__(self, n_states: int, action_counts=(4, 4), gamma: float = 0.99, epsilon: float = 1.0,
                 player: int = 0):
        n_states = check_int(n_states, "n_states", low=1)
        if not isinstance(action_counts, (tuple, list)) or len(action_counts) != 2:
            raise ValueError(f"action_counts must be a pair (m_1, m_2), got {action_counts!r}")
        m_1, m_2 = (check_int(m, f"action_counts[{i}]", low=1) for i, m in enumerate(action_counts))
        self.gamma = check_real(gamma, "gamma", low=0, high=1, high_open=True)
        self.epsilon = check_real(epsilon, "epsilon", low=0, high=1)
        self.player = check_player(player)
        self.action_counts = (m_1, m_2)
        # (initialise) Q^i(s, a_1, a_2) = 0 for all s, a_1, a_2 and both players
        self.Q = np.zeros((2, n_states, m_1, m_2))
        self.counts = np.zeros((n_states, m_1, m_2))

    @property
    def n_states(self) -> int:
        """``|S|``, the number of states."""
        return self.counts.shape[0]

    @property
    def n_actions(self) -> int:
        """Its own number of actions, ``m_{player}``."""
        return self.action_counts[self.player]

    def act(self, state: int, rng: np.random.Generator) -> int:
        """With probability ``epsilon`` a uniformly random action, else a draw from its own strategy
        in the selected equilibrium of the learned stage game ``(Q^1(s), Q^2(s))``."""
        state = check_index(state, "state", self.n_states)
        return self._act(state, check_generator(rng))

    def _act(self, state: int, rng: np.random.Generator) -> int:
        # epsilon = 1 (offline learning) draws no coin: the same choice, one number fewer
        if self.epsilon == 1.0 or rng.random() < self.epsilon:
            return int(rng.integers(self.n_actions))
        return sample_categorical.unchecked(self.equilibrium(state)[1 + self.player], rng)

    @checked_by(_check_learner_update)
    def update(self, transition: Transition) -> None:
        """:func:`nash_q_update` on the learner's tables with the joint transition."""
        state, (action_1, action_2), rewards, next_state = transition
        nash_q_update.unchecked(self.Q, self.counts, state, action_1, action_2, rewards, next_state, self.gamma)

    def equilibrium(self, state: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The selected equilibrium of the learned stage game in ``state``: ``(values, pi_1, pi_2)``."""
        state = check_index(state, "state", self.counts.shape[0])
        return stage_nash.unchecked(self.Q[0, state], self.Q[1, state])

    def joint_action(self, state: int) -> tuple[int, int]:
        """The most likely joint action of the selected equilibrium (the pure one when it is pure)."""
        _, x, y = self.equilibrium(state)
        return int(x.argmax()), int(y.argmax())
