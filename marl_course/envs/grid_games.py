"""Hu & Wellman's (2003) grid games 1 and 2: two agents on a 3x3 grid, with their full models.

Cells are numbered ``cell = 3 * row + col`` with row 0 at the bottom::

    6 7 8
    3 4 5
    0 1 2

Agent 1 starts in cell 0 and agent 2 in cell 2. Actions: 0 up, 1 down, 2 left, 3 right.
In grid game 1 agent 1's goal is cell 8 and agent 2's is cell 6; in grid game 2 both goals are
cell 7, and moving *up* out of cell 0 or cell 2 crosses a barrier and succeeds only with
probability 1/2 (else the agent stays). Reaching its goal pays an agent +100; if both agents
try to enter the same cell they collide, are bounced back and each get -1. The episode ends as
soon as an agent reaches its goal; the model represents that as an absorbing state ``TERMINAL``
with zero reward, so the discounted game (gamma = 0.99) is one stochastic game.

Details the paper leaves open, and our choices: moving off the grid leaves the agent in place
(reward 0); two agents swapping cells do not collide; in grid game 2 both entering the shared
goal together is not a collision (both score).

A state is the pair of cells, ``s = 9 * cell_1 + cell_2`` (81 states, the 9 with both agents in
one cell unreachable), plus ``TERMINAL = 81``.
"""

from __future__ import annotations

import itertools

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import as_actions, as_rng, check_int, check_real, check_seed
from marl_course.games.stochastic import StochasticGame

ACTIONS = ("up", "down", "left", "right")
MOVES = ((1, 0), (-1, 0), (0, -1), (0, 1))
STARTS = (0, 2)
GOALS = {1: (8, 6), 2: (7, 7)}
BARRIER_CELLS = {1: (), 2: (0, 2)}
TERMINAL = 81
N_STATES = 82
GOAL_REWARD, COLLISION_REWARD = 100.0, -1.0


def state_of(cell_1: int, cell_2: int) -> int:
    """The state index of the two agents' cells.

    >>> state_of(0, 2)
    2
    """
    cell_1, cell_2 = check_int(cell_1, "cell_1", low=0, high=8), check_int(cell_2, "cell_2", low=0, high=8)
    return _state_of(cell_1, cell_2)


def _state_of(cell_1: int, cell_2: int) -> int:
    return 9 * cell_1 + cell_2


def cells_of(state: int) -> tuple[int, int]:
    """The two agents' cells in a non-terminal state.

    >>> cells_of(2)
    (0, 2)
    """
    return _cells_of(check_int(state, "state", low=0, high=TERMINAL - 1))


def _cells_of(state: int) -> tuple[int, int]:
    return divmod(state, 9)


def _target(cell: int, action: int) -> int:
    row, col = divmod(cell, 3)
    new_row, new_col = row + MOVES[action][0], col + MOVES[action][1]
    return 3 * new_row + new_col if 0 <= new_row < 3 and 0 <= new_col < 3 else cell


def _outcomes(game: int, state: int, action_1: int, action_2: int):
    """``(probability, next_state, rewards, cells)`` for every outcome of the barrier coin flips."""
    cells, goals = _cells_of(state), GOALS[game]
    options = []
    for i, action in enumerate((action_1, action_2)):
        target = _target(cells[i], action)
        if action == 0 and cells[i] in BARRIER_CELLS[game] and target != cells[i]:
            options.append(((0.5, target), (0.5, cells[i])))  # through the barrier or not
        else:
            options.append(((1.0, target),))
    for (p_1, t_1), (p_2, t_2) in itertools.product(*options):
        rewards = np.zeros(2)
        if t_1 == t_2 and not (t_1 == goals[0] == goals[1]):
            rewards[:] = COLLISION_REWARD  # collision: both bounced back
            t_1, t_2 = cells
        reached = (t_1 == goals[0], t_2 == goals[1])
        rewards += GOAL_REWARD * np.array(reached)
        yield p_1 * p_2, TERMINAL if any(reached) else _state_of(t_1, t_2), rewards, (t_1, t_2)


def _outcome_table(game: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_outcomes` of every non-terminal ``(state, action_1, action_2)``, one row per key
    ``16 state + 4 action_1 + action_2``, padded to the four outcomes of two barrier flips.

    Returns ``(probabilities (K, 4), places (K, 4, 3), rewards (K, 4, 2), flips (K,))``: a place
    is ``(next_state, cell_1, cell_2)``, a padding entry has probability 0 (never drawn), and
    ``flips`` marks the keys with more than one outcome (a move that crosses a barrier).

    >>> probabilities, places, rewards, flips = _outcome_table(2)
    >>> key = 16 * state_of(*STARTS) + 4 * 0 + 0  # both go up through their barriers: two coin flips
    >>> probabilities[key].tolist(), bool(flips[key]), places[key, 0].tolist()
    ([0.25, 0.25, 0.25, 0.25], True, [32, 3, 5])
    """
    keys = TERMINAL * 16
    probabilities, places, rewards = np.zeros((keys, 4)), np.zeros((keys, 4, 3), dtype=np.int64), np.zeros((keys, 4, 2))
    for state, action_1, action_2 in itertools.product(range(TERMINAL), range(4), range(4)):
        key = 16 * state + 4 * action_1 + action_2
        for k, (p, next_state, reward, cells) in enumerate(_outcomes(game, state, action_1, action_2)):
            probabilities[key, k], places[key, k], rewards[key, k] = p, (next_state, *cells), reward
    return probabilities, places, rewards, probabilities[:, 1] > 0


_OUTCOME_TABLES = {game: _outcome_table(game) for game in GOALS}
_KEY_STRIDES = np.array([4, 1])


def grid_game(game: int = 1, discount: float = 0.99) -> StochasticGame:
    """The full model of grid game 1 or 2 as a :class:`~marl_course.games.StochasticGame`.

    Examples
    --------
    >>> g = grid_game(2)
    >>> g.n_states, g.action_counts, g.is_zero_sum()
    (82, (4, 4), False)
    >>> s = state_of(*STARTS)
    >>> float(g.transitions[s, 0, 0].max())  # both try to go up through their barriers
    0.25
    """
    game = check_int(game, "game", low=1, high=2)
    discount = check_real(discount, "discount", low=0, high=1, high_open=True)
    transitions = np.zeros((N_STATES, 4, 4, N_STATES))
    rewards = np.zeros((2, N_STATES, 4, 4))
    transitions[TERMINAL, :, :, TERMINAL] = 1.0
    for state in range(TERMINAL):
        for action_1, action_2 in itertools.product(range(4), repeat=2):
            for p, next_state, reward, _ in _outcomes(game, state, action_1, action_2):
                transitions[state, action_1, action_2, next_state] += p
                rewards[:, state, action_1, action_2] += p * reward
    return StochasticGame(transitions, rewards, discount, name=f"grid game {game}")


class GridGame:
    """``n_envs`` plays of grid game 1 or 2 side by side, in the batched worlds' contract (:mod:`marl_course.envs`).

    Observations and states are the tabular learners' state indices ``s = 9 * cell_1 + cell_2``,
    as in :class:`~marl_course.envs.matrix_games.RepeatedMatrixGame`: ``reset(seed) ->
    (observations, state, info)`` with ``observations`` of shape ``(n_envs, 2)`` (each agent sees
    the state index) and ``state`` of shape ``(n_envs,)``; ``step(actions)`` takes the joint
    actions ``(n_envs, 2)`` and returns ``(observations, state, rewards (n_envs, 2), done,
    info)``. Each world moves to ``s' ~ Tr(s, a, .)`` (a barrier coin flip, drawn world by world
    in order, only where a move crosses a barrier) and pays ``R_i(s, a)``. Reaching a goal is a
    termination (``s' = TERMINAL``, ``info["terminated"]``); the time limit is a truncation
    (``info["truncated"]``, ``s'`` not terminal). An ended world stays frozen (reward 0) until
    :meth:`reset`.

    Parameters
    ----------
    game : int
        1 or 2.
    max_steps : int or None
        A time limit: an episode is truncated after this many steps; 200 as in the offline
        exploration we give Hu & Wellman's learners (the paper gives none), None for no limit.
    n_envs : int
        Plays stepped together.

    Attributes
    ----------
    state : numpy.ndarray of int, shape (n_envs,)
        Each world's state index.
    cells : numpy.ndarray of int, shape (n_envs, 2)
        The agents' cells after the last step (where they stand, or where they arrived when the
        state is ``TERMINAL``).

    Examples
    --------
    >>> env = GridGame(1)
    >>> observations, state, info = env.reset(seed=0)
    >>> observations.tolist(), state.tolist() == [state_of(0, 2)]
    ([[2, 2]], True)
    >>> for _ in range(3):  # both go up three times: the third move hits the top edge
    ...     _, state, rewards, done, info = env.step([[0, 0]])
    >>> cells_of(int(state[0])), rewards.tolist(), done.tolist()
    ((6, 8), [[0.0, 0.0]], [False])
    >>> _ = env.step([[3, 0]])  # agent 1 goes right to cell 7, agent 2 bumps into the top edge
    >>> _, state, rewards, done, info = env.step([[3, 2]])  # they swap cells: agent 1 arrives at cell 8
    >>> state.tolist() == [TERMINAL], rewards.tolist(), info["terminated"].tolist(), info["truncated"].tolist()
    (True, [[100.0, 0.0]], [True], [False])
    """

    n_players, n_states, action_counts = 2, N_STATES, (4, 4)

    def __init__(self, game: int = 1, max_steps: int | None = 200, n_envs: int = 1):
        self.game = check_int(game, "game", low=1, high=2)
        self.max_steps = None if max_steps is None else check_int(max_steps, "max_steps", low=1)
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.rng = np.random.default_rng()
        self._start()

    def _start(self):
        self.state = np.full(self.n_envs, _state_of(*STARTS))
        self.cells = np.tile(STARTS, (self.n_envs, 1))
        self.t = 0
        self._terminated = np.zeros(self.n_envs, dtype=bool)
        self._truncated = np.zeros(self.n_envs, dtype=bool)

    def _observe(self):
        return self.state[:, None].repeat(self.n_players, axis=1), self.state.copy()

    def reset(self, seed=None):
        """Put the agents on their start cells; ``seed`` re-seeds the barrier coin flips.

        Returns ``(observations (n_envs, 2), state (n_envs,), info)``.
        """
        if seed is not None:
            self.rng = as_rng(check_seed(seed))
        self._start()
        return *self._observe(), {}

    def step(self, actions):
        """One joint move ``(action_1, action_2)`` per world, ``actions`` of shape (n_envs, 2).

        Returns ``(observations, state, rewards, done, info)``: ``state`` is ``TERMINAL`` where an
        agent reached its goal (``info["terminated"]``); ``info["truncated"]`` marks the worlds
        stopped by the time limit; ``done = terminated | truncated``.
        """
        actions = as_actions(actions, (self.n_envs, self.n_players), len(ACTIONS))
        rewards = np.zeros((self.n_envs, self.n_players))
        self.t += 1
        n_ended = np.count_nonzero(self._terminated | self._truncated)
        running = (~(self._terminated | self._truncated)).nonzero()[0] if n_ended else slice(None)  # all: views
        probabilities, places, step_rewards, flips = _OUTCOME_TABLES[self.game]
        key = 16 * self.state[running] + actions[running] @ _KEY_STRIDES
        pick = np.zeros(self.n_envs - n_ended, dtype=np.int64)  # the one outcome of a move through no barrier
        flipped = flips[key].nonzero()[0]
        if flipped.size:
            pick[flipped] = sample_categorical.unchecked(probabilities[key[flipped]], self.rng)
        place = places[key, pick]
        self.state[running], self.cells[running], rewards[running] = place[:, 0], place[:, 1:], step_rewards[key, pick]
        terminated = self._terminated[running] = place[:, 0] == TERMINAL
        if self.max_steps is not None and self.t >= self.max_steps:
            self._truncated[running] = ~terminated  # a running world was not truncated before
        info = {"terminated": self._terminated.copy(), "truncated": self._truncated.copy()}
        return *self._observe(), rewards, self._terminated | self._truncated, info


def greedy_path(env: GridGame, joint_action, seed=None, max_steps: int = 20) -> list[tuple[int, int]]:
    """The cells visited when both agents follow ``joint_action(state) -> (a_1, a_2)`` from the start.

    ``env`` plays one world (``n_envs = 1``); ``state`` is its state index.

    Examples
    --------
    >>> greedy_path(GridGame(1), lambda s: (0, 0))[:3]
    [(0, 2), (3, 5), (6, 8)]
    """
    if not isinstance(env, GridGame):
        raise TypeError(f"env must be a GridGame, got {type(env).__name__}")
    if env.n_envs != 1:
        raise ValueError(f"env must play one world (n_envs = 1), got n_envs = {env.n_envs}")
    if not callable(joint_action):
        raise TypeError(f"joint_action must be a function state -> (a_1, a_2), got {type(joint_action).__name__}")
    max_steps = check_int(max_steps, "max_steps", low=1)
    state = int(env.reset(seed=check_seed(seed))[1][0])
    path = [STARTS]
    for _ in range(max_steps):
        actions = joint_action(state)
        if not isinstance(actions, (tuple, list, np.ndarray)) or len(actions) != 2:
            raise ValueError(f"joint_action must return a pair (a_1, a_2), got {actions!r}")
        _, states, _, done, _ = env.step([actions])
        state = int(states[0])
        path.append(tuple(int(cell) for cell in env.cells[0]))
        if done[0]:
            break
    return path
