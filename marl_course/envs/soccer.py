"""Littman's (1994) soccer: a two-player zero-sum Markov game on a 4x5 grid, with its full model.

Players A and B and one ball. Each step both pick one of five actions (N, S, E, W, stand);
the two moves are executed in a random order (each order with probability 1/2). A move into the
square the other player occupies does not happen and the ball goes to the player standing there.
A attacks the goal on the left edge (rows 1-2, west of column 0) and B the goal on the right edge
(rows 1-2, east of column 4); carrying the ball into the attacked goal scores +1 for the scorer
and -1 for the other (rewards are ``R_A = -R_B``), and the board is reset with the ball given to
a random player. Every step the game also ends in a draw with probability ``draw_probability``
(0.1 in the paper), again resetting the board. The discount is ``gamma = 0.9``.

Where the paper leaves a detail open we chose (and document here):

* start squares: A at (row 1, column 3), B at (row 2, column 1) (0-based, row 0 at the top), the
  two mirror images of each other under a half turn, as drawn in the paper's Figure 1;
* a player carrying the ball into its *own* goal scores for the opponent; moving off the grid
  anywhere else leaves the player where it is;
* once the first mover scores, the second move is not executed;
* a game end (goal or draw) is a transition to a start state, not a terminal state, so the model
  is one infinite discounted stochastic game whose values Shapley's iteration computes.

:class:`Soccer` plays ``n_envs`` games in the batched worlds' contract (:mod:`marl_course.envs`):
there a game end terminates the world until a reset draws the next start, and
:func:`~marl_course.tabular.play.play` hands that start to its learners as the model's next state.

A state is ``(position of A, position of B, who holds the ball)``: 20 * 19 * 2 = 760 states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from marl_course._validation import as_actions, as_rng, check_int, check_real, check_seed
from marl_course.games.stochastic import StochasticGame

ROWS, COLS = 4, 5
ACTIONS = ("N", "S", "E", "W", "stand")
MOVES = ((-1, 0), (1, 0), (0, 1), (0, -1), (0, 0))
GOAL_ROWS = (1, 2)
START_A, START_B = (1, 3), (2, 1)
A, B = 0, 1


def _cell(row: int, col: int) -> int:
    return row * COLS + col


def _state_table() -> tuple[np.ndarray, np.ndarray]:
    """``states[k] = (cell_A, cell_B, ball_holder)`` and the inverse index ``index[cell_A, cell_B, ball]``."""
    states = [(a, b, ball) for a in range(ROWS * COLS) for b in range(ROWS * COLS) if a != b for ball in (A, B)]
    index = np.full((ROWS * COLS, ROWS * COLS, 2), -1, dtype=np.int64)
    for k, (a, b, ball) in enumerate(states):
        index[a, b, ball] = k
    return np.array(states, dtype=np.int64), index


STATES, STATE_INDEX = _state_table()
N_STATES = len(STATES)
START_STATES = (int(STATE_INDEX[_cell(*START_A), _cell(*START_B), A]),
                int(STATE_INDEX[_cell(*START_A), _cell(*START_B), B]))


def _move(cells: list, ball: int, mover: int, action: int) -> tuple[int, int]:
    """Execute one player's move in place on ``cells``; returns ``(ball, score)``, score = +1 if A scored."""
    row, col = divmod(cells[mover], COLS)
    d_row, d_col = MOVES[action]
    new_row, new_col = row + d_row, col + d_col
    if not 0 <= new_col < COLS and row in GOAL_ROWS and ball == mover:
        return ball, (1 if new_col < 0 else -1)  # into the left goal: A's point; the right goal: B's
    if not (0 <= new_row < ROWS and 0 <= new_col < COLS):
        return ball, 0  # off the grid: stay
    target = _cell(new_row, new_col)
    if target == cells[1 - mover]:
        return 1 - mover, 0  # bumped: the move fails, the standing player gets the ball
    cells[mover] = target
    return ball, 0


def _outcome_tables() -> tuple[np.ndarray, np.ndarray]:
    """Deterministic outcome of ``(state, a_A, a_B, first mover)``: next state (before any reset) and score."""
    next_state = np.zeros((N_STATES, 5, 5, 2), dtype=np.int64)
    score = np.zeros((N_STATES, 5, 5, 2), dtype=np.int64)
    for s, (cell_a, cell_b, ball) in enumerate(STATES):
        for act_a in range(5):
            for act_b in range(5):
                for first in (A, B):
                    cells, holder, goal = [int(cell_a), int(cell_b)], int(ball), 0
                    for mover in (first, 1 - first):
                        holder, goal = _move(cells, holder, mover, (act_a, act_b)[mover])
                        if goal:
                            break
                    next_state[s, act_a, act_b, first] = s if goal else STATE_INDEX[cells[0], cells[1], holder]
                    score[s, act_a, act_b, first] = goal
    return next_state, score


NEXT_STATE, SCORE = _outcome_tables()
# The step's lookup tables, one entry per outcome key 50 s + 10 a_A + 2 a_B + first (NEXT_STATE and SCORE
# flattened): the next state, the rewards (R_A, R_B) = (score, -score) and whether somebody scored.
_KEY_STRIDES = np.array([10, 2])
_NEXT_BY_KEY = NEXT_STATE.reshape(-1)
_REWARDS_BY_KEY = np.stack([SCORE, -SCORE], axis=-1).reshape(-1, 2).astype(float)
_GOAL_BY_KEY = SCORE.reshape(-1) != 0


@dataclass
class Soccer:
    """``n_envs`` soccer games played side by side, in the batched worlds' contract (:mod:`marl_course.envs`).

    Observations and states are the tabular learners' state indices, as in
    :class:`~marl_course.envs.matrix_games.RepeatedMatrixGame`: ``reset(seed) -> (observations,
    state, info)`` with ``observations`` of shape ``(n_envs, 2)`` (each player sees the state
    index) and ``state`` of shape ``(n_envs,)``; ``step(actions)`` takes the joint actions
    ``(n_envs, 2)`` (A's, B's) and returns ``(observations, state, rewards (n_envs, 2), done,
    info)``. In each world, ``first ~ Uniform{A, B}`` moves first; a goal pays
    ``(R_A, R_B) = (score, -score)``, and without a goal the game ends in a draw when
    ``u < draw_probability``, ``u ~ U[0, 1)``. A goal or a draw ends the game: a termination
    (``info["terminated"]``; soccer has no time limit, ``info["truncated"]`` stays False). The
    ended world shows the board where the game ended and stays frozen (reward 0, no draws) until
    :meth:`reset`, which puts the players on their start squares and the ball at a random one.

    Parameters
    ----------
    draw_probability : float
        Probability that a step ends the game in a draw (paper: 0.1).
    discount : float
        ``gamma`` (paper: 0.9) of the model :meth:`model` (learners take their own ``gamma``).
    n_envs : int
        Games played side by side. A step draws the first movers of the running worlds (in world
        order), then the draw coins of those where nobody scored; one world draws as one game did.

    Attributes
    ----------
    n_players, n_states, action_counts
        2 players, A (player 0) and B (player 1); 760 states; 5 actions each.
    state : numpy.ndarray of int, shape (n_envs,)
        Each world's state index.
    continuing : bool
        True: in the model a game end (goal or draw) is a transition to a start state, so
        :func:`~marl_course.tabular.play.play` hands its learners the start state :meth:`reset`
        draws after an end as the next state of the step that ended the game.

    Examples
    --------
    >>> env = Soccer()
    >>> observations, state, info = env.reset(seed=0)
    >>> observations.shape, int(state[0]) in START_STATES
    ((1, 2), True)
    >>> _, _, rewards, done, info = env.step([[4, 4]])  # both stand
    >>> rewards.tolist(), done.tolist(), info["terminated"].tolist(), info["truncated"].tolist()
    ([[0.0, 0.0]], [False], [False], [False])
    >>> _, _, rewards, done, info = Soccer(draw_probability=1.0, n_envs=2).step([[4, 4], [4, 4]])
    >>> done.tolist(), info["terminated"].tolist()   # every step is a draw
    ([True, True], [True, True])
    """

    draw_probability: float = 0.1
    discount: float = 0.9
    n_envs: int = 1
    n_players = 2
    n_states = N_STATES
    action_counts = (5, 5)
    continuing = True

    def __post_init__(self):
        self.draw_probability = check_real(self.draw_probability, "draw_probability", low=0, high=1)
        self.discount = check_real(self.discount, "discount", low=0, high=1, high_open=True)
        self.n_envs = check_int(self.n_envs, "n_envs", low=1)
        self.state = np.full(self.n_envs, START_STATES[0])
        self._done = np.zeros(self.n_envs, dtype=bool)
        self.rng = np.random.default_rng()

    def _observe(self):
        return self.state[:, None].repeat(self.n_players, axis=1), self.state.copy()

    def reset(self, seed=None):
        """Start new games (the ball to a random player in each); ``seed`` re-seeds the games' generator.

        Returns ``(observations (n_envs, 2), state (n_envs,), info)``.
        """
        if seed is not None:
            self.rng = as_rng(check_seed(seed))
        self.state = np.array(START_STATES)[self.rng.integers(2, size=self.n_envs)]
        self._done = np.zeros(self.n_envs, dtype=bool)
        return *self._observe(), {}

    def step(self, actions):
        """Play one joint action ``(action of A, action of B)`` per world, ``actions`` of shape (n_envs, 2).

        Returns ``(observations, state, rewards, done, info)``: ``rewards[e] = (R_A, R_B)``,
        ``done = info["terminated"]`` (a goal or a draw at this step or an earlier one since the last
        reset) and ``info["truncated"]`` all False.
        """
        actions = as_actions(actions, (self.n_envs, self.n_players), len(ACTIONS))
        n_ended = np.count_nonzero(self._done)
        running = (~self._done).nonzero()[0] if n_ended else slice(None)  # all running: views, no gathers
        first = self.rng.integers(2, size=self.n_envs - n_ended)  # who moves first in each running world
        key = self.state[running] * 50 + actions[running] @ _KEY_STRIDES + first
        rewards = np.zeros((self.n_envs, self.n_players))
        rewards[running] = _REWARDS_BY_KEY[key]
        ended = _GOAL_BY_KEY[key]
        open_play = ~ended
        ended[open_play] = self.rng.random(np.count_nonzero(open_play)) < self.draw_probability  # a draw
        self.state[running] = _NEXT_BY_KEY[key]  # after a goal: where it was scored
        self._done[running] = ended
        info = {"terminated": self._done.copy(), "truncated": np.zeros(self.n_envs, dtype=bool)}
        return *self._observe(), rewards, self._done.copy(), info

    def model(self) -> StochasticGame:
        """The full model as a :class:`~marl_course.games.StochasticGame` (A is player 1).

        ``Tr(s, a, s') = sum_first 1/2 [goal: reset(s') ; else (1-p) 1[s' = next] + p reset(s')]``,
        ``reset`` putting 1/2 on each start state; ``R_A(s, a) = sum_first 1/2 score``.
        The arrays are dense, shape (760, 5, 5, 760): about 115 MB.

        Examples
        --------
        >>> game = Soccer().model()
        >>> game.n_states, game.action_counts, game.is_zero_sum()
        (760, (5, 5), True)
        """
        reset = np.zeros(N_STATES)
        reset[list(START_STATES)] = 0.5
        transitions = np.zeros((N_STATES, 5, 5, N_STATES))
        s_idx, a_idx, b_idx = np.indices((N_STATES, 5, 5))
        for first in (A, B):
            scored = SCORE[..., first] != 0
            transitions += 0.5 * np.where(scored[..., None], 1.0, self.draw_probability) * reset
            np.add.at(transitions, (s_idx, a_idx, b_idx, NEXT_STATE[..., first]),
                      0.5 * (1 - self.draw_probability) * ~scored)
        reward_a = 0.5 * SCORE.sum(axis=-1).astype(float)
        return StochasticGame(transitions, np.stack([reward_a, -reward_a]), self.discount,
                              name="Littman's soccer")


def hand_built_policy(player: int) -> np.ndarray:
    """A deterministic hand-built player (our rules; the paper does not list its own).

    With the ball: get into a goal row, then run at the attacked goal, side-stepping vertically if
    the opponent stands right in front. Without the ball: step toward the ball carrier, closing the
    larger of the row and column gaps. Returns the policy as one-hot rows, shape (760, 5).

    Examples
    --------
    >>> policy = hand_built_policy(A)
    >>> policy.shape, ACTIONS[int(policy[START_STATES[0]].argmax())]  # A holds the ball at the start
    ((760, 5), 'W')
    """
    player = check_int(player, "player", low=0, high=1)
    policy = np.zeros((N_STATES, 5))
    west = player == A
    for s, (cell_a, cell_b, ball) in enumerate(STATES):
        (row, col), (o_row, o_col) = (divmod(int(c), COLS) for c in ((cell_a, cell_b) if player == A else (cell_b, cell_a)))
        if ball == player:
            if row not in GOAL_ROWS:
                action = 1 if row < GOAL_ROWS[0] else 0
            else:
                ahead = col - 1 if west else col + 1
                blocked = (o_row, o_col) == (row, ahead)
                action = (1 if row == GOAL_ROWS[0] else 0) if blocked else (3 if west else 2)
        elif abs(o_row - row) > abs(o_col - col):
            action = 1 if o_row > row else 0
        else:
            action = 2 if o_col > col else 3
        policy[s, action] = 1.0
    return policy


def uniform_policy() -> np.ndarray:
    """The random player: uniform over the five actions in every state, shape (760, 5)."""
    return np.full((N_STATES, 5), 0.2)


@dataclass(frozen=True)
class MatchRecord:
    """What happened in a match: games A won, B won, drawn, and steps played.

    Examples
    --------
    >>> from marl_course.tabular.play import FixedPolicy, play
    >>> players = [FixedPolicy(hand_built_policy(A)), FixedPolicy(uniform_policy())]
    >>> record = MatchRecord.of(play(Soccer(), players, 2000, seed=1))
    >>> record.percent_won_a > 80
    True
    """

    wins_a: int
    wins_b: int
    draws: int
    steps: int

    def __post_init__(self):
        for name in ("wins_a", "wins_b", "draws", "steps"):
            check_int(getattr(self, name), name, low=0)
        if self.wins_a + self.wins_b + self.draws > self.steps:
            raise ValueError(f"wins_a + wins_b + draws must be at most steps (a game lasts at least one step), "
                             f"got {self.wins_a} + {self.wins_b} + {self.draws} > {self.steps}")

    @classmethod
    def of(cls, rollout) -> "MatchRecord":
        """The match record of a soccer :class:`~marl_course.tabular.play.Rollout`: a game ends
        at every step marked ``done``; A won it if its reward there is positive, B if B's is, and
        it was a draw if both are 0."""
        rewards, done = np.asarray(rollout.rewards), np.asarray(rollout.done, dtype=bool)
        if rewards.ndim != 2 or rewards.shape[1] != 2 or done.shape != rewards.shape[:1]:
            raise ValueError(f"rollout must be one soccer run: rewards of shape (n_steps, 2) and done of shape "
                             f"(n_steps,), got {rewards.shape} and {done.shape}")
        over = rewards[done]
        return cls(int((over[:, 0] > 0).sum()), int((over[:, 1] > 0).sum()), int((over[:, 0] == 0).sum()),
                   len(rewards))

    @property
    def percent_won_a(self) -> float:
        """A's share of the decided games, in percent (nan when none was decided)."""
        decided = self.wins_a + self.wins_b
        return 100.0 * self.wins_a / decided if decided else float("nan")
