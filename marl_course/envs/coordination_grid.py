"""A small vectorised Dec-POMDP: two predators must stand next to the prey together to catch it.

``n_agents`` predators and one prey live on a ``size x size`` grid. Each step every predator
either moves (stay, up, down, left, right; walls block) or tries to **catch** (action 5, it stays
put). The prey is caught if every predator is within Manhattan distance 1 of it (on it or beside
it) and every predator chose catch: the team earns ``capture_reward`` and the episode ends. A
catch attempt that fails (the prey out of reach, or a partner not catching) costs the team
``miscoordination_penalty``: one predator alone cannot catch, and trying alone is punished, so
the agents must coordinate (the relative-overgeneralisation trap of Böhmer et al. 2020).
Otherwise the prey moves to a random neighbouring cell with probability ``prey_move_prob`` and
the team pays ``step_cost``. Episodes also end after ``episode_limit`` steps: that end is a
**truncation** (a time limit the agents do not observe), not a terminal state, so ``step``
reports the two apart: ``info["terminated"]`` (the prey was caught: nothing follows) and
``info["truncated"]`` (cut by the time limit: a learner should still bootstrap from the last
state), with ``done = terminated | truncated``.

Partial observability: a predator sees its own position, and the prey's and the other
predators' offsets only when they are within ``sight`` cells (Chebyshev distance).

Layout (a batch of ``n_envs`` worlds stepped in lockstep; ``n = n_agents``, ``L = size``):

- observation ``o_i`` (``obs_dim = 2 + 3 n``): own ``(row, col) / (L - 1)``; for the prey, then
  each other predator: ``(visible, d_row / sight, d_col / sight)`` (zeros when not visible);
  shape ``(n_envs, n, obs_dim)``;
- state ``s`` (``state_dim = 2 n + 2``): every predator's ``(row, col)`` then the prey's, divided
  by ``L - 1``; shape ``(n_envs, state_dim)``;
- reward ``r``: ``(n_envs,)``; done ``(n_envs,)``; finished worlds stay frozen and pay 0;
  ``info``: ``"caught"`` (caught at this step), ``"terminated"`` and ``"truncated"`` (how each
  finished world ended, kept while it stays frozen), all ``(n_envs,)`` bools.

References
----------
Benda, Jagannathan, Dodhiawala (1986), the pursuit domain; Rashid et al. (2018), QMIX,
(Dec-POMDP setting); Böhmer, Kurin, Whiteson (2020), coordination graphs (a predator-prey task
whose capture needs two agents).
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, as_rng, check_int, check_real, check_seed

MOVES = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [0, 0]])
"""Actions as (d_row, d_col): stay, up, down, left, right, catch (stays put)."""

CATCH = 5
"""The catch action."""


class CoordinationGrid:
    """A batch of predator-prey worlds where a capture needs every predator (see the module docstring).

    Examples
    --------
    >>> env = CoordinationGrid(n_envs=3, size=4)
    >>> obs, state, info = env.reset(seed=0)
    >>> obs.shape, state.shape, env.obs_dim, env.state_dim
    ((3, 2, 8), (3, 6), 8, 6)
    >>> obs, state, reward, done, info = env.step(np.zeros((3, 2), dtype=int))
    >>> reward.shape, done.dtype
    ((3,), dtype('bool'))
    >>> env = CoordinationGrid(n_envs=2, episode_limit=1)  # one step, then the time limit cuts
    >>> _ = env.reset(seed=0)
    >>> _, _, _, done, info = env.step(np.zeros((2, 2), dtype=int))  # both stay: no capture
    >>> done.tolist(), info["terminated"].tolist(), info["truncated"].tolist()
    ([True, True], [False, False], [True, True])
    """

    n_actions = len(MOVES)

    def __init__(self, n_envs: int = 16, size: int = 5, n_agents: int = 2, sight: int = 2,
                 episode_limit: int = 20, capture_reward: float = 10.0, step_cost: float = 0.1,
                 prey_move_prob: float = 0.5, miscoordination_penalty: float = 0.0):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.size = check_int(size, "size", low=2)
        self.n_agents = check_int(n_agents, "n_agents", low=1)
        self.sight = check_int(sight, "sight", low=1)
        self.episode_limit = check_int(episode_limit, "episode_limit", low=1)
        self.capture_reward = check_real(capture_reward, "capture_reward")
        self.step_cost = check_real(step_cost, "step_cost", low=0)
        self.prey_move_prob = check_real(prey_move_prob, "prey_move_prob", low=0, high=1)
        self.miscoordination_penalty = check_real(miscoordination_penalty, "miscoordination_penalty", low=0)
        if self.n_agents + 1 > self.size * self.size:
            raise ValueError(f"n_agents = {self.n_agents} predators and the prey need {self.n_agents + 1} distinct cells, "
                             f"but a grid of size = {self.size} has only {self.size * self.size}: "
                             "too many agents for the grid")
        self.obs_dim = 2 + 3 * self.n_agents
        self.state_dim = 2 * self.n_agents + 2
        self._rng = as_rng(None)
        self._pred = np.zeros((self.n_envs, self.n_agents, 2), dtype=int)  # (n_envs, n, 2)
        self._prey = np.zeros((self.n_envs, 2), dtype=int)  # (n_envs, 2)
        self._t = 0
        self._done = np.zeros(self.n_envs, dtype=bool)
        self._terminated = np.zeros(self.n_envs, dtype=bool)

    @property
    def predator_pos(self) -> np.ndarray:
        """A copy of the predators' cells (row, column), shape ``(n_envs, n_agents, 2)`` (read only).

        >>> env = CoordinationGrid(n_envs=1, size=4)
        >>> _ = env.reset(seed=0)
        >>> env.predator_pos.shape, env.prey_pos.shape
        ((1, 2, 2), (1, 2))
        """
        return self._pred.copy()

    @property
    def prey_pos(self) -> np.ndarray:
        """A copy of the prey's cell (row, column), shape ``(n_envs, 2)`` (read only)."""
        return self._prey.copy()

    def _observe(self):
        scale = self.size - 1
        pred, prey = self._pred, self._prey
        others = np.concatenate([prey[:, None, :], pred], axis=1)  # (n_envs, 1 + n, 2): prey, then predators
        obs = [pred / scale]  # own position
        for i_other in range(self.n_agents + 1):
            offset = others[:, None, i_other, :] - pred  # (n_envs, n, 2)
            visible = np.abs(offset).max(axis=-1) <= self.sight
            if i_other > 0:  # an agent does not observe itself as "another predator"
                visible[:, i_other - 1] = False
            obs.append(np.concatenate([visible[..., None], offset / self.sight * visible[..., None]], axis=-1))
        # drop the self slot so every agent gets its n - 1 other predators in a fixed order
        blocks = obs[2:]
        per_agent = []
        for i in range(self.n_agents):
            rest = [blocks[j][:, i] for j in range(self.n_agents) if j != i]
            per_agent.append(np.concatenate([obs[0][:, i], obs[1][:, i], *rest], axis=-1))
        observation = np.stack(per_agent, axis=1)
        state = np.concatenate([pred.reshape(self.n_envs, -1), prey], axis=1) / scale
        return observation, state

    def reset(self, seed=None):
        """New worlds: predators and prey on distinct random cells; returns ``(obs, state, info)``."""
        self._rng = as_rng(check_seed(seed))
        cells = self.size * self.size
        picks = np.argsort(self._rng.random((self.n_envs, cells)), axis=1)[:, : self.n_agents + 1]
        coords = np.stack([picks // self.size, picks % self.size], axis=-1)  # (n_envs, n + 1, 2)
        self._pred, self._prey = coords[:, : self.n_agents].copy(), coords[:, self.n_agents].copy()
        self._t = 0
        self._done[:] = False
        self._terminated[:] = False
        return *self._observe(), {}

    def step(self, actions):
        """Move predators by ``actions`` ``(n_envs, n_agents)``, check the capture, move the prey.

        Returns ``(obs, state, reward, done, info)``; ``done = terminated | truncated`` where
        ``info["terminated"]`` marks worlds whose prey was caught (a true terminal state) and
        ``info["truncated"]`` worlds stopped by ``episode_limit`` without a capture.
        """
        actions = as_actions(actions, (self.n_envs, self.n_agents), self.n_actions)
        live = ~self._done
        moved = np.clip(self._pred + MOVES[actions], 0, self.size - 1)
        self._pred = np.where(live[:, None, None], moved, self._pred)
        near = np.abs(self._pred - self._prey[:, None, :]).sum(axis=-1) <= 1  # (n_envs, n)
        catching = actions == CATCH  # (n_envs, n)
        caught = live & (near & catching).all(axis=1)
        failed = live & ~caught & catching.any(axis=1)
        prey_moves = MOVES[self._rng.integers(1, 5, size=self.n_envs)]
        jump = live & ~caught & (self._rng.random(self.n_envs) < self.prey_move_prob)
        self._prey = np.where(jump[:, None], np.clip(self._prey + prey_moves, 0, self.size - 1), self._prey)
        reward = np.where(caught, self.capture_reward, np.where(live, -self.step_cost, 0.0))
        reward = reward - self.miscoordination_penalty * failed
        self._t += 1
        self._terminated = self._terminated | caught
        self._done = self._done | caught | (self._t >= self.episode_limit)
        obs, state = self._observe()
        info = {"caught": caught, "terminated": self._terminated.copy(), "truncated": self._done & ~self._terminated}
        return obs, state, reward, self._done.copy(), info
