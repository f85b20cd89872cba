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

**Coupled capture** (``rule="capture"``, chapter 10's GA-AC study). The prey no longer reward a
predator for standing on them: ``n_prey`` stationary prey are scattered, the predators move freely
(nobody freezes), and a prey is *captured* at a step when at least ``min_captors`` predators are
within ``capture_range`` of it at once, in the Chebyshev distance
``d(i, p) = max(|row_i - row_p|, |col_i - col_p|)``. Every predator within range of a captured
prey (a *captor*) gets ``capture_reward``; the prey is removed. A predator's reward therefore
depends on where the others are: alone next to a prey it earns nothing. Every predator still gets
``step_penalty`` per step while its world runs; the episode ends (a success, terminal) when every
prey is captured, or is cut after ``episode_length`` steps. The observation keeps its layout, with
the *nearest* uncaptured prey within ``vision`` in place of "the prey".

**Distractors** (``n_distractors = k > 0``, chapter 10's liars). ``k`` extra agents join every
world as agents ``n_predators .. n_predators + k - 1`` of the observations and actions (so
``n_agents = n_predators + k``); they take part in communication, but they are not on the grid:
their actions do nothing and their reward is always 0. At each reset a *decoy* cell, uniformly
random among the cells other than the prey's, is drawn per world, and every distractor of that
world sits at a cell within ``vision`` of the decoy: its observation claims, at every step of the
episode, that the prey is visible at the decoy's offset. A distractor's claim has the form of a
real sighting; only the extra, last observation entry tells the agents apart (``obs_dim = 6``:
``0`` for a predator, ``1`` for a distractor), so a learner can tell them apart. Success,
``done`` and the predators' rewards are those of the predators alone, exactly as without
distractors; a return or success rate is averaged over the real predators only
(:attr:`PredatorPrey.controlled` marks them). Ground truth (:meth:`PredatorPrey.relevance`): an
edge between two predators is relevant, any edge to or from a distractor is not. Only the
occupying rule takes distractors.

Ground truth of who matters in the capture task (:meth:`PredatorPrey.relevance`): predators ``i != j`` are relevant to
each other at a state when one uncaptured prey ``p`` is within reach of both in ``horizon`` moves,
``m(i, p) = max(0, |drow| - r) + max(0, |dcol| - r) <= horizon`` with ``r = capture_range`` (the
moves needed to enter the range with the four moves). With ``horizon = 1``, only such pairs can
capture together on the next step, so ``i``'s next reward depends on ``j``'s action only if ``j``
is relevant to ``i``.

References
----------
Singh, Jain, Sukhbaatar (2019). Learning when to communicate at scale in multiagent cooperative
and competitive tasks (IC3Net). ICLR.
Liu, Wang, Hu, Hao, Chen, Gao (2020). Multi-Agent Game Abstraction via Graph Attention Neural Network. AAAI.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, as_rng, check_choice, check_int, check_real, check_seed
from marl_course.envs.jungle import MOVES


class PredatorPrey:
    """``n_envs`` predator-prey worlds stepped together (rules in the module docstring).

    The contract of :mod:`marl_course.envs`: ``reset(seed) -> (obs, state, info)``;
    ``step(actions) -> (obs, state, reward, done, info)`` with ``obs`` (E, N, 5), ``state`` the
    predators' and prey's positions scaled to ``[0, 1]`` (and, with ``rule="capture"``, which prey
    are alive), ``reward`` (E, N), ``done`` (E,) bool (a finished world stays finished, with
    reward 0, until the next reset) and ``info`` holding ``predator_pos`` (E, N, 2), ``prey_pos``
    (E, 2), ``success`` (E,) bool, ``active`` (E,), the worlds still running before this step,
    ``terminated`` (E,), the worlds that ended in a success (a terminal state), and ``truncated``
    (E,), those the time limit cut without a success: their last state is not terminal (a learner
    bootstraps from its value). With ``rule="capture"``,
    ``prey_pos`` is (E, n_prey, 2) and ``info`` also holds ``prey_alive`` (E, n_prey), the
    ``relevance`` (E, N, N) of the new state (:meth:`relevance` with ``horizon=1``) and, after a
    step, ``captured`` (E, n_prey), the prey caught at this step.

    Examples
    --------
    >>> env = PredatorPrey(n_envs=2, n_predators=3)
    >>> obs, state, info = env.reset(seed=0)
    >>> obs.shape, state.shape
    ((2, 3, 5), (2, 8))
    >>> obs, state, reward, done, info = env.step(np.zeros((2, 3), dtype=int))
    >>> reward.shape, done.shape
    ((2, 3), (2,))

    Coupled capture: two predators next to a prey catch it together; one alone does not.

    >>> env = PredatorPrey(n_envs=1, n_predators=3, size=6, n_prey=2, rule="capture", step_penalty=0.0)
    >>> _ = env.reset(seed=0)
    >>> env.prey_pos[0] = [[1, 1], [5, 5]]
    >>> env.predator_pos[0] = [[0, 0], [2, 3], [4, 4]]
    >>> env.relevance()[0].astype(int)        # 0 and 1 can both reach prey 0's range in one move
    array([[0, 1, 0],
           [1, 0, 0],
           [0, 0, 0]])
    >>> obs, state, reward, done, info = env.step(np.array([[0, 3, 0]]))   # 1 moves left, next to prey 0
    >>> reward[0], info["prey_alive"][0], bool(done[0])   # 2 is next to prey 1 but alone: no capture
    (array([1., 1., 0.]), array([False,  True]), False)
    """

    n_actions = len(MOVES)

    RULES = ("occupy", "capture")
    """``"occupy"``: every predator must reach the prey (the default, IC3Net's task); ``"capture"``:
    coupled capture by ``min_captors`` predators at once (module docstring)."""

    def __init__(self, n_envs: int = 64, n_predators: int = 3, size: int = 5, vision: int = 1,
                 episode_length: int = 20, step_penalty: float = -0.05, *, rule: str = "occupy",
                 n_prey: int = 1, min_captors: int = 2, capture_range: int = 1, capture_reward: float = 1.0,
                 n_distractors: int = 0):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.n_predators = check_int(n_predators, "n_predators", low=1)
        self.n_distractors = check_int(n_distractors, "n_distractors", low=0)
        self.n_agents = self.n_predators + self.n_distractors
        self.obs_dim = 5 if self.n_distractors == 0 else 6
        self.size = check_int(size, "size", low=2)
        self.vision = check_int(vision, "vision", low=0, high=self.size)
        self.episode_length = check_int(episode_length, "episode_length", low=1)
        self.step_penalty = check_real(step_penalty, "step_penalty", high=0)
        self.rule = check_choice(rule, "rule", self.RULES)
        self.n_prey = check_int(n_prey, "n_prey", low=1)
        if self.rule == "occupy" and self.n_prey != 1:
            raise ValueError(f"n_prey must be 1 with rule='occupy' (every predator reaches the one prey), got {n_prey}")
        if self.n_distractors and self.rule != "occupy":
            raise ValueError(f"n_distractors must be 0 with rule={self.rule!r} (only the occupying task has them), "
                             f"got {n_distractors}")
        self.min_captors = check_int(min_captors, "min_captors", low=1,
                                     high=self.n_predators if self.rule == "capture" else None)
        self.capture_range = check_int(capture_range, "capture_range", low=0, high=self.size)
        self.capture_reward = check_real(capture_reward, "capture_reward", low=0)
        self._rng = np.random.default_rng(0)
        self.predator_pos = np.zeros((self.n_envs, self.n_predators, 2), dtype=int)
        self.decoy_pos = np.zeros((self.n_envs, 2), dtype=int)  # the distractors' false prey cell
        self.distractor_pos = np.zeros((self.n_envs, self.n_distractors, 2), dtype=int)
        # "occupy": (E, 2), the one prey; "capture": (E, n_prey, 2) with prey_alive (E, n_prey)
        self.prey_pos = np.zeros(self._prey_shape, dtype=int)
        self.prey_alive = np.ones((self.n_envs, self.n_prey), dtype=bool)
        self.done = np.zeros(self.n_envs, dtype=bool)
        self.truncated = np.zeros(self.n_envs, dtype=bool)
        self.t = 0

    def reset(self, seed=None):
        """Start new episodes: prey and predators on uniformly random cells; returns ``(obs, state, info)``."""
        self._rng = as_rng(check_seed(seed))
        self.predator_pos = self._rng.integers(0, self.size, size=(self.n_envs, self.n_predators, 2))
        self.prey_pos = self._rng.integers(0, self.size, size=self._prey_shape)
        if self.n_distractors:  # drawn after the predators and the prey: the same seed gives them the same cells
            cells = self.size ** 2
            prey_cell = self.prey_pos[:, 0] * self.size + self.prey_pos[:, 1]
            decoy = (prey_cell + self._rng.integers(1, cells, size=self.n_envs)) % cells  # any cell but the prey's
            self.decoy_pos = np.stack([decoy // self.size, decoy % self.size], axis=1)
            offset = self._rng.integers(-self.vision, self.vision + 1, size=(self.n_envs, self.n_distractors, 2))
            self.distractor_pos = np.clip(self.decoy_pos[:, None, :] + offset, 0, self.size - 1)
        self.prey_alive = np.ones((self.n_envs, self.n_prey), dtype=bool)
        self.done = np.zeros(self.n_envs, dtype=bool)  # a world born solved ends at its first step
        self.truncated = np.zeros(self.n_envs, dtype=bool)
        self.t = 0
        return self.observe(), self.state(), self._info(active=~self.done)

    def step(self, actions):
        """Move the predators of the running worlds; see the class docstring for what is returned."""
        actions = as_actions(actions, (self.n_envs, self.n_agents), self.n_actions)
        if self.rule == "capture":
            return self._step_capture(actions)
        actions = actions[:, : self.n_predators]  # a distractor's action does nothing
        active = ~self.done
        frozen = self._caught() | self.done[:, None]  # (E, N): on the prey, or the world has ended
        moved = np.clip(self.predator_pos + MOVES[actions], 0, self.size - 1)
        self.predator_pos = np.where(frozen[..., None], self.predator_pos, moved)
        caught = self._caught()
        reward = np.where(active[:, None] & ~caught, self.step_penalty, 0.0)  # (E, N)
        reward = np.pad(reward, ((0, 0), (0, self.n_distractors)))  # a distractor earns nothing
        self.t += 1
        success = caught.all(axis=1)
        self.truncated |= active & ~success & (self.t >= self.episode_length)  # cut by the time limit, not ended
        self.done = self.done | success | (self.t >= self.episode_length)
        return self.observe(), self.state(), reward, self.done.copy(), self._info(active=active)

    @property
    def _prey_shape(self) -> tuple:
        return (self.n_envs, 2) if self.rule == "occupy" else (self.n_envs, self.n_prey, 2)

    def _step_capture(self, actions: np.ndarray):
        active = ~self.done
        moved = np.clip(self.predator_pos + MOVES[actions], 0, self.size - 1)
        self.predator_pos = np.where(self.done[:, None, None], self.predator_pos, moved)
        near = self.prey_distance() <= self.capture_range  # (E, N, P): within range of a prey
        near &= (self.prey_alive & active[:, None])[:, None, :]
        captured = near.sum(axis=1) >= self.min_captors  # (E, P)
        reward = self.capture_reward * (near & captured[:, None, :]).sum(axis=-1)  # (E, N): one per prey caught
        reward = reward + np.where(active[:, None], self.step_penalty, 0.0)
        self.prey_alive = self.prey_alive & ~captured
        self.t += 1
        success = active & ~self.prey_alive.any(axis=1)
        self.truncated |= active & ~success & (self.t >= self.episode_length)
        self.done = self.done | success | (self.t >= self.episode_length)
        info = self._info(active=active)
        info["captured"] = captured
        return self.observe(), self.state(), reward, self.done.copy(), info

    def prey_distance(self) -> np.ndarray:
        """Chebyshev distances (E, N, P) from every predator to every prey (``rule="capture"``)."""
        if self.rule != "capture":
            raise ValueError("rule: prey_distance needs rule='capture' (several prey)")
        return np.abs(self.predator_pos[:, :, None, :] - self.prey_pos[:, None, :, :]).max(axis=-1)

    @property
    def relevance(self):
        """``relevance(horizon=1)``, ground truth (E, N, N) bool: ``[e, i, j]`` when predators
        ``i != j`` can both be within ``capture_range`` of one uncaptured prey within ``horizon``
        moves (module docstring). A finished world has no relevant pair.

        With distractors (``n_distractors > 0``) it is the liars' ground truth instead,
        ``relevance(horizon=1)`` (E, N, N) bool: ``[e, i, j]`` for every two predators ``i != j``
        and never for a pair with a distractor (``horizon`` is accepted for the common call and
        ignored: who lies does not change during an episode); a finished world has no relevant pair.

        Only a ``rule="capture"`` world or one with distractors has it (``hasattr(env, "relevance")``
        is False otherwise): in the occupying task a predator's reward depends on its own position alone.
        """
        if self.n_distractors:
            return self._liar_relevance
        if self.rule != "capture":
            raise AttributeError("relevance: only a predator-prey with rule='capture' or with distractors has a "
                                 "ground-truth relevance")
        return self._relevance

    @property
    def controlled(self) -> np.ndarray:
        """(N,) bool: the agents whose actions move something, the real predators (the distractors are not)."""
        return np.arange(self.n_agents) < self.n_predators

    def _liar_relevance(self, horizon: int = 1) -> np.ndarray:
        check_int(horizon, "horizon", low=0)
        real = self.controlled
        pairs = real[:, None] & real[None, :] & ~np.eye(self.n_agents, dtype=bool)
        return pairs[None] & ~self.done[:, None, None]

    def _relevance(self, horizon: int = 1) -> np.ndarray:
        horizon = check_int(horizon, "horizon", low=0)
        gap = np.abs(self.predator_pos[:, :, None, :] - self.prey_pos[:, None, :, :])  # (E, N, P, 2)
        moves = np.maximum(gap - self.capture_range, 0).sum(axis=-1)  # (E, N, P): moves to enter the range
        reach = (moves <= horizon) & self.prey_alive[:, None, :] & ~self.done[:, None, None]
        together = np.einsum("eip,ejp->eij", reach.astype(int), reach.astype(int)) > 0
        return together & ~np.eye(self.n_predators, dtype=bool)

    def state(self) -> np.ndarray:
        """The global state (E, 2 N + 2 P), or (E, 2 N + 3 P) with ``rule="capture"``: every predator's
        position, then every prey's, scaled to ``[0, 1]``, then (capture) which prey are alive."""
        parts = [self.predator_pos.reshape(self.n_envs, -1), self.prey_pos.reshape(self.n_envs, -1)]
        state = np.concatenate(parts, axis=1) / (self.size - 1)
        if self.rule == "capture":
            state = np.concatenate([state, self.prey_alive], axis=1)
        return state.astype(np.float32)

    def observe(self) -> np.ndarray:
        """Observations (E, N, 5): position, prey-visible flag, prey offset when visible (the nearest
        uncaptured prey with ``rule="capture"``). With distractors (E, N, 6): the distractors' rows
        claim the decoy as a visible prey, and a last entry is 1 for a distractor, 0 for a predator."""
        if self.rule == "capture":
            offsets = self.prey_pos[:, None, :, :] - self.predator_pos[:, :, None, :]  # (E, N, P, 2)
            distance = np.where(self.prey_alive[:, None, :], np.abs(offsets).max(axis=-1), np.iinfo(int).max)
            nearest = distance.argmin(axis=-1)  # (E, N)
            offset = np.take_along_axis(offsets, nearest[..., None, None], axis=2)[:, :, 0]  # (E, N, 2)
            visible = np.take_along_axis(distance, nearest[..., None], axis=2)[..., 0] <= self.vision
        else:
            offset = self.prey_pos[:, None, :] - self.predator_pos  # (E, N, 2)
            visible = np.abs(offset).max(axis=-1) <= self.vision  # (E, N)
        own = self.predator_pos / (self.size - 1)
        obs = np.concatenate([own, visible[..., None], visible[..., None] * offset / self.size], axis=-1)
        if self.n_distractors:
            claim = self.decoy_pos[:, None, :] - self.distractor_pos  # within vision of the decoy: "I see it"
            liars = np.concatenate([self.distractor_pos / (self.size - 1), np.ones((self.n_envs, self.n_distractors, 1)),
                                    claim / self.size], axis=-1)
            identity = np.repeat(self.controlled[None, :, None] == 0, self.n_envs, axis=0)
            obs = np.concatenate([np.concatenate([obs, liars], axis=1), identity], axis=-1)
        return obs.astype(np.float32)

    def _caught(self) -> np.ndarray:
        if self.rule == "capture":  # nobody freezes; "caught" is the success of the whole world
            return np.repeat(~self.prey_alive.any(axis=1, keepdims=True), self.n_predators, axis=1)
        return np.all(self.predator_pos == self.prey_pos[:, None, :], axis=-1)  # (E, N)

    def _info(self, active) -> dict:
        info = {"predator_pos": self.predator_pos.copy(), "prey_pos": self.prey_pos.copy(),
                "success": self._caught().all(axis=1), "active": active,
                "terminated": self.done & ~self.truncated, "truncated": self.truncated.copy()}
        if self.n_distractors:
            info["decoy_pos"] = self.decoy_pos.copy()
            info["distractor_pos"] = self.distractor_pos.copy()
        if self.rule == "capture":
            info["prey_alive"] = self.prey_alive.copy()
            info["relevance"] = self.relevance(1)
        return info
