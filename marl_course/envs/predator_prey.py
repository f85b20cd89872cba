"""Predator-prey with a hidden prey (chapter 10): the cooperative task of IC3Net and G2ANet, small.

``n_predators`` predators search an ``size x size`` grid for a stationary prey; ``n_envs``
worlds are stepped at once with numpy. A predator sees the prey only within ``vision`` cells,
so a predator that has found it can help the others only by communicating. A predator that
reaches the prey stays on it. Each step every predator not on the prey gets ``step_penalty``;
an episode ends when all predators are on the prey (a *success*, a terminal state) or is cut
after ``episode_length`` steps (a time limit: not terminal, ``info["truncated"]``).

Actions: ``0 stay, 1 up, 2 down, 3 left, 4 right`` (clipped at the border).
Observation of predator ``i`` (length 5): its position scaled to ``[0, 1]`` (row, column), a flag
``1`` when the prey is within ``vision``, then the prey's offset (row, column) divided by
``size`` when visible (0 otherwise).

References
----------
Singh, Jain, Sukhbaatar (2019). Learning when to communicate at scale in multiagent cooperative
and competitive tasks (IC3Net). ICLR.
Liu, Wang, Hu, Hao, Chen, Gao (2020). Multi-Agent Game Abstraction via Graph Attention Neural Network. AAAI.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, as_rng, check_int, check_real, check_seed
from marl_course.envs.jungle import MOVES


class PredatorPrey:
    """``n_envs`` predator-prey worlds stepped together (rules in the module docstring).

    ``reset(seed) -> (obs, info)``; ``step(actions) -> (obs, reward, done, info)`` with ``obs``
    (E, N, 5), ``reward`` (E, N), ``done`` (E,) bool (a finished world stays finished, with
    reward 0, until the next reset) and ``info`` holding ``predator_pos`` (E, N, 2), ``prey_pos``
    (E, 2), ``success`` (E,) bool, ``active`` (E,), the worlds still running before this step, and
    ``truncated`` (E,), the worlds the time limit cut at this step without a success: their last
    state is not terminal (a learner bootstraps from its value).

    Examples
    --------
    >>> env = PredatorPrey(n_envs=2, n_predators=3)
    >>> obs, info = env.reset(seed=0)
    >>> obs.shape
    (2, 3, 5)
    >>> obs, reward, done, info = env.step(np.zeros((2, 3), dtype=int))
    >>> reward.shape, done.shape
    ((2, 3), (2,))
    """

    n_actions = len(MOVES)
    obs_dim = 5

    def __init__(self, n_envs: int = 64, n_predators: int = 3, size: int = 5, vision: int = 1,
                 episode_length: int = 20, step_penalty: float = -0.05):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.n_agents = check_int(n_predators, "n_predators", low=1)
        self.size = check_int(size, "size", low=2)
        self.vision = check_int(vision, "vision", low=0, high=self.size)
        self.episode_length = check_int(episode_length, "episode_length", low=1)
        self.step_penalty = check_real(step_penalty, "step_penalty", high=0)
        self._rng = np.random.default_rng(0)
        self.predator_pos = np.zeros((self.n_envs, self.n_agents, 2), dtype=int)
        self.prey_pos = np.zeros((self.n_envs, 2), dtype=int)
        self.done = np.zeros(self.n_envs, dtype=bool)
        self.t = 0

    def reset(self, seed=None):
        """Start new episodes: prey and predators on uniformly random cells."""
        self._rng = as_rng(check_seed(seed))
        self.predator_pos = self._rng.integers(0, self.size, size=(self.n_envs, self.n_agents, 2))
        self.prey_pos = self._rng.integers(0, self.size, size=(self.n_envs, 2))
        self.done = np.zeros(self.n_envs, dtype=bool)  # a world born solved ends at its first step
        self.t = 0
        return self.observe(), self._info(active=~self.done)

    def step(self, actions):
        """Move the predators of the running worlds; see the class docstring for what is returned."""
        actions = as_actions(actions, (self.n_envs, self.n_agents), self.n_actions)
        active = ~self.done
        frozen = self._caught() | self.done[:, None]  # (E, N): on the prey, or the world has ended
        moved = np.clip(self.predator_pos + MOVES[actions], 0, self.size - 1)
        self.predator_pos = np.where(frozen[..., None], self.predator_pos, moved)
        caught = self._caught()
        reward = np.where(active[:, None] & ~caught, self.step_penalty, 0.0)  # (E, N)
        self.t += 1
        success = caught.all(axis=1)
        truncated = active & ~success & (self.t >= self.episode_length)  # cut by the time limit, not ended
        self.done = self.done | success | (self.t >= self.episode_length)
        return self.observe(), reward, self.done.copy(), self._info(active=active, truncated=truncated)

    def observe(self) -> np.ndarray:
        """Observations (E, N, 5): position, prey-visible flag, prey offset when visible."""
        offset = self.prey_pos[:, None, :] - self.predator_pos  # (E, N, 2)
        visible = np.abs(offset).max(axis=-1) <= self.vision  # (E, N)
        own = self.predator_pos / (self.size - 1)
        obs = np.concatenate([own, visible[..., None], visible[..., None] * offset / self.size], axis=-1)
        return obs.astype(np.float32)

    def _caught(self) -> np.ndarray:
        return np.all(self.predator_pos == self.prey_pos[:, None, :], axis=-1)  # (E, N)

    def _info(self, active, truncated=None) -> dict:
        truncated = np.zeros(self.n_envs, dtype=bool) if truncated is None else truncated
        return {"predator_pos": self.predator_pos.copy(), "prey_pos": self.prey_pos.copy(),
                "success": self._caught().all(axis=1), "active": active, "truncated": truncated}
