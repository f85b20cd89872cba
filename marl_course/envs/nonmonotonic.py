"""One-step team games whose optimum a monotone value factorisation cannot represent.

A team game pays every agent the same ``R(a_1, a_2)``. VDN represents ``Q_tot`` as
``Q_1(a_1) + Q_2(a_2)`` and QMIX as a function monotone in each ``Q_i``; both make the greedy
joint action the pair of per-agent argmaxes. When the optimum sits next to large penalties
(the climbing and penalty games of Claus & Boutilier 1998), the best fit of that form under
uniform exploration ranks the safe actions above the optimal ones: relative overgeneralisation.

Layout of :class:`OneStepTeamGame` (a batch of ``n_envs`` games): the state and each agent's
observation are a constant 1, shapes ``(n_envs, 1)`` and ``(n_envs, n_agents, 1)``; the
episode ends after one step with reward ``R(a_1, a_2)``, a true terminal state
(``info["terminated"]`` true, ``info["truncated"]`` false: the contract of :mod:`marl_course.envs`).

References
----------
Claus and Boutilier (1998). The dynamics of reinforcement learning in cooperative multiagent
systems. AAAI. (The climbing and penalty games.)
Rashid et al. (2018). QMIX. ICML. Section 4 (monotonic factorisations and their limits).
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, as_finite_array, check_int, check_real, check_seed


def climbing_game() -> np.ndarray:
    """The climbing game's team payoff (Claus & Boutilier 1998): optimum 11 at ``(0, 0)``.

    >>> climbing_game()
    array([[ 11., -30.,   0.],
           [-30.,   7.,   6.],
           [  0.,   0.,   5.]])
    """
    return np.array([[11.0, -30.0, 0.0], [-30.0, 7.0, 6.0], [0.0, 0.0, 5.0]])


def penalty_game(k: float = -100.0) -> np.ndarray:
    """The penalty game (Claus & Boutilier 1998): optima 10 at ``(0, 0)`` and ``(2, 2)``, penalty ``k <= 0``
    when the agents miscoordinate on them.

    >>> penalty_game(-10)
    array([[ 10.,   0., -10.],
           [  0.,   2.,   0.],
           [-10.,   0.,  10.]])
    """
    k = check_real(k, "k", high=0)
    return np.array([[10.0, 0.0, k], [0.0, 2.0, 0.0], [k, 0.0, 10.0]])


def exploration_weights(n_actions: int, epsilon: float) -> np.ndarray:
    """Joint-action distribution when both agents play action 0 greedily with exploration ``epsilon``.

    Each agent plays ``pi(0) = 1 - epsilon + epsilon / m`` and ``pi(a) = epsilon / m`` otherwise;
    the weights are ``w(a_1, a_2) = pi(a_1) pi(a_2)``, what :func:`best_additive_fit` weights by.

    >>> exploration_weights(2, 1.0).tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    """
    n_actions = check_int(n_actions, "n_actions", low=1)
    epsilon = check_real(epsilon, "epsilon", low=0, high=1, low_open=True)
    policy = np.full(n_actions, epsilon / n_actions)
    policy[0] += 1 - epsilon
    return np.outer(policy, policy)


def best_additive_fit(payoff, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """The least-squares fit ``Q_1(a_1) + Q_2(a_2)`` of a team payoff: what VDN converges to in a one-step game.

    Minimises ``sum_{a_1, a_2} w(a_1, a_2) (Q_1(a_1) + Q_2(a_2) - R(a_1, a_2))^2`` where ``w`` is the
    distribution of joint actions in the replay (uniform under epsilon = 1). With uniform ``w``
    the fit is closed-form: ``Q_1(a_1) + Q_2(a_2) = mean_row(a_1) + mean_col(a_2) - mean``.

    Parameters
    ----------
    payoff : array_like, shape (m_1, m_2)
        The team payoff ``R``.
    weights : array_like, shape (m_1, m_2), optional
        Non-negative joint-action weights ``w`` (normalised here); uniform by default.

    Returns
    -------
    fit : numpy.ndarray, shape (m_1, m_2)
        ``Q_1(a_1) + Q_2(a_2)``, unique (the split of a constant between the two is not).
    greedy : numpy.ndarray, shape (2,)
        The decentralised greedy joint action ``(argmax Q_1, argmax Q_2)``.

    References
    ----------
    Sunehag et al. (2018), VDN; Rashid et al. (2018), QMIX, Table 1 (VDN in state 2B).

    Examples
    --------
    >>> fit, greedy = best_additive_fit([[0, 1], [1, 8]])
    >>> np.round(fit, 9).tolist(), greedy.tolist()
    ([[-1.5, 2.5], [2.5, 6.5]], [1, 1])
    """
    R = as_finite_array(payoff, "payoff", ndim=2)
    m1, m2 = R.shape
    if weights is None:
        w = np.full(R.shape, 1.0 / R.size)
    else:
        w = as_finite_array(weights, "weights", ndim=2)
        if w.shape != R.shape or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"weights must be non-negative with shape {R.shape} and a positive sum")
        w = w / w.sum()
    # design matrix: one indicator per a_1 and per a_2 (rank m_1 + m_2 - 1; lstsq takes the min-norm split)
    rows = np.repeat(np.eye(m1), m2, axis=0)
    cols = np.tile(np.eye(m2), (m1, 1))
    X = np.hstack([rows, cols]) * np.sqrt(w.reshape(-1, 1))
    coef, *_ = np.linalg.lstsq(X, R.reshape(-1) * np.sqrt(w.reshape(-1)), rcond=None)
    q1, q2 = coef[:m1], coef[m1:]
    fit = q1[:, None] + q2[None, :]
    return fit, np.array([int(np.argmax(q1)), int(np.argmax(q2))])


class OneStepTeamGame:
    """A batch of one-step two-agent team games with payoff ``R`` (layout in the module docstring).

    Parameters
    ----------
    payoff : array_like, shape (m, m)
        The team payoff; both agents have ``m`` actions.
    n_envs : int
        Games stepped in lockstep.

    Examples
    --------
    >>> env = OneStepTeamGame(climbing_game(), n_envs=2)
    >>> obs, state, info = env.reset(seed=0)
    >>> _, _, reward, done, _ = env.step([[0, 0], [0, 1]])
    >>> reward.tolist(), done.tolist()
    ([11.0, -30.0], [True, True])
    """

    n_agents = 2
    obs_dim = 1
    state_dim = 1
    episode_limit = 1

    def __init__(self, payoff, n_envs: int = 1):
        self.payoff = as_finite_array(payoff, "payoff", ndim=2)
        if self.payoff.shape[0] != self.payoff.shape[1]:
            raise ValueError(f"payoff must be square (both agents share an action set), got shape {self.payoff.shape}")
        self.n_actions = self.payoff.shape[0]
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self._done = np.zeros(self.n_envs, dtype=bool)

    def reset(self, seed=None):
        """Start every game (deterministic; ``seed`` is accepted for the common interface);
        returns ``(obs, state, info)``."""
        check_seed(seed)
        self._done[:] = False
        return np.ones((self.n_envs, self.n_agents, 1)), np.ones((self.n_envs, 1)), {}

    def step(self, actions):
        """Apply joint actions ``(n_envs, 2)``; pays ``R(a_1, a_2)`` to the team, then the game is over."""
        actions = as_actions(actions, (self.n_envs, 2), self.n_actions)
        reward = np.where(self._done, 0.0, self.payoff[actions[:, 0], actions[:, 1]])
        self._done[:] = True
        info = {"terminated": self._done.copy(), "truncated": np.zeros(self.n_envs, dtype=bool)}
        return np.ones((self.n_envs, 2, 1)), np.ones((self.n_envs, 1)), reward, self._done.copy(), info
