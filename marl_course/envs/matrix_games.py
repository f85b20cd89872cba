"""Repeated matrix games as one-state stochastic games, batched over independent plays.

A matrix game played again and again is a stochastic game with a single state ``s``: every joint
action ``a = (a_1, ..., a_n)`` pays ``R_i(s, a)`` and leads back to ``s``
(``Tr(s, a, s) = 1``). :class:`RepeatedMatrixGame` steps ``n_envs`` such plays at once, so many
independent learning runs share one numpy call per step. Its full model is
:attr:`RepeatedMatrixGame.model`, the chapter 1 :class:`~marl_course.games.StochasticGame` built
by :func:`~marl_course.games.repeated_game`, so Shapley's value iteration and the equilibrium
solvers give the ground truth learners are compared with.

Observation layout: every agent observes the state index (always ``0``); ``observations`` has
shape ``(n_envs, n_players)`` and ``state`` shape ``(n_envs,)``: the contract of the batched
worlds (:mod:`marl_course.envs`), ``reset(seed) -> (observations, state, info)`` and
``step(actions) -> (observations, state, rewards, done, info)``, with state indices instead of
vectors, as the tabular learners read them. A repeated game has no terminal state; ``horizon``
(optional) ends an episode after that many steps, a truncation (``info["truncated"]``).
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, check_choice, check_int, check_real, check_seed
from marl_course.games import StochasticGame, repeated_game
from marl_course.games.gallery import GALLERY, NormalFormGame


class RepeatedMatrixGame:
    """``n_envs`` independent plays of a repeated matrix game, stepped together.

    Parameters
    ----------
    game : NormalFormGame
        The stage game (any number of players), e.g. ``rock_paper_scissors()``.
    n_envs : int
        Number of independent plays stepped together.
    discount : float
        ``gamma`` of the exposed model :attr:`model` (learners may use their own).
    horizon : int, optional
        Episode length; ``None`` (default) means the play never ends (``done`` is always False).

    Attributes
    ----------
    model : StochasticGame
        The full model: ``transitions`` of shape ``(1, m_1, ..., m_n, 1)`` (all ones) and
        ``rewards`` of shape ``(n, 1, m_1, ..., m_n)``.

    References
    ----------
    Shapley (1953), stochastic games; Bowling & Veloso (2002), section 2 (matrix games as
    one-state stochastic games).

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> env = RepeatedMatrixGame(matching_pennies(), n_envs=2)
    >>> observations, state, info = env.reset(seed=0)
    >>> observations.shape, state.tolist()
    ((2, 2), [0, 0])
    >>> _, _, rewards, done, _ = env.step([[0, 0], [0, 1]])   # heads/heads, heads/tails
    >>> rewards.tolist(), done.tolist()
    ([[1.0, -1.0], [-1.0, 1.0]], [False, False])
    """

    def __init__(self, game: NormalFormGame, n_envs: int = 1, discount: float = 0.9, horizon: int | None = None):
        if not isinstance(game, NormalFormGame):
            raise TypeError(f"game must be a NormalFormGame, got {type(game).__name__}")
        self.game = game
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.model: StochasticGame = repeated_game(game, check_real(discount, "discount", low=0, high=1, high_open=True))
        self.horizon = None if horizon is None else check_int(horizon, "horizon", low=1)
        self._payoffs = self.model.rewards[:, 0]  # (n_players, m_1, ..., m_n)
        self._t = 0

    @property
    def n_players(self) -> int:
        """``n``, the number of players."""
        return self.model.n_players

    @property
    def action_counts(self) -> tuple:
        """``(m_1, ..., m_n)``: each player's number of actions."""
        return self.model.action_counts

    @property
    def n_states(self) -> int:
        """``|S| = 1``: a repeated game has one state."""
        return self.model.n_states

    def _observe(self):
        state = np.zeros(self.n_envs, dtype=int)                      # (n_envs,)
        return np.zeros((self.n_envs, self.n_players), dtype=int), state  # (n_envs, n_players)

    def reset(self, seed=None):
        """Start new plays; return ``(observations, state, info)``.

        The dynamics are deterministic, so ``seed`` is accepted for the common interface only.
        """
        check_seed(seed)
        self._t = 0
        return *self._observe(), {}

    def step(self, actions):
        """Play one joint action per environment.

        Parameters
        ----------
        actions : array_like of int, shape (n_envs, n_players)

        Returns
        -------
        observations : ndarray, shape (n_envs, n_players)
        state : ndarray, shape (n_envs,)
        rewards : ndarray, shape (n_envs, n_players)
            ``R_i(s, a)`` of each player.
        done : ndarray of bool, shape (n_envs,)
        info : dict
            ``"t"``, the steps since reset; ``"terminated"`` (n_envs,), always False (no terminal
            state), and ``"truncated"`` (n_envs,), equal to ``done``.
        """
        actions = as_actions(actions, (self.n_envs, self.n_players), self.action_counts)
        rewards = self._payoffs[(slice(None), *actions.T)].T          # (n_envs, n_players)
        self._t += 1
        done = np.full(self.n_envs, self.horizon is not None and self._t >= self.horizon)
        observations, state = self._observe()
        info = {"t": self._t, "terminated": np.zeros(self.n_envs, dtype=bool), "truncated": done.copy()}
        return observations, state, rewards, done, info


def make_matrix_game(name: str, n_envs: int = 1, discount: float = 0.9, horizon: int | None = None) -> RepeatedMatrixGame:
    """A repeated gallery game by key, e.g. ``"matching_pennies"`` or ``"rock_paper_scissors"``.

    >>> make_matrix_game("rock_paper_scissors", n_envs=4).action_counts
    (3, 3)
    """
    check_choice(name, "name", sorted(GALLERY))
    return RepeatedMatrixGame(GALLERY[name](), n_envs=n_envs, discount=discount, horizon=horizon)
