"""Particle worlds of the multi-agent particle environment, vectorised over B parallel worlds.

Three tasks with the physics of the ``mpe2`` package (the maintained multi-agent particle
environment of Lowe et al. 2017):

* :class:`CooperativeNavigation` -- ``simple_spread_v3`` (N agents cover N landmarks without
  colliding; rewards mix a shared coverage term and a local collision term);
* :class:`PhysicalDeception` -- ``simple_adversary_v3`` (two good agents know which of two
  landmarks is the goal, one adversary does not; the mixed cooperative-competitive task);
* :class:`SpeakerListener` -- ``simple_speaker_listener_v4`` (cooperative communication: an
  immobile speaker sees the goal's colour and says one of 3 words, a listener hears it and moves).

Physics (all tasks), per world and moving agent, with time step ``dt = 0.1``, damping 0.25, mass 1:

    p <- p + v dt ;  v <- (1 - damping) v + (f_action + f_contact) dt / mass

where ``f_action = 5 e(a)`` for the discrete action ``a`` (0 no-op, 1 -x, 2 +x, 3 -y, 4 +y)
and the soft contact force between colliding agents i, j of sizes s_i, s_j is

    f_ij = 100 * (p_i - p_j) / d_ij * k log(1 + exp(-(d_ij - s_i - s_j) / k)),   k = 1e-3.

One call to ``step`` advances all ``B`` worlds; actions are ``(B, n_agents)`` integers, agent
``i``'s in ``0 .. n_actions[i] - 1`` (5 moves for a moving agent; the speaker has 3 words).
World ``b`` of ``reset(seed)`` is placed by ``numpy.random.default_rng(seed + b)`` exactly as
``mpe2`` places its world after ``reset(seed=seed + b)``.

Observations are returned as one array ``(B, n_agents, obs_dim)``; when agents observe
different amounts (physical deception, speaker-listener), agent ``i`` reads the first
``obs_dims[i]`` entries and the rest is zero padding.

References
----------
Lowe, Wu, Tamar, Harb, Abbeel & Mordatch (2017), Multi-Agent Actor-Critic for Mixed
Cooperative-Competitive Environments, NeurIPS. Mordatch & Abbeel (2018), Emergence of
grounded compositional language in multi-agent populations, AAAI (the particle physics).
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

import numpy as np

from marl_course._validation import as_actions, as_finite_array, as_rng, check_generator, check_int, check_real
from marl_course.stats import mutual_information

DT = 0.1
"""Integration time step."""
DAMPING = 0.25
"""Fraction of the velocity lost per step."""
ACTION_FORCE = 5.0
"""Magnitude of the force of a move action (mpe2's ``sensitivity``)."""
CONTACT_FORCE = 100.0
"""Stiffness of the soft contact force."""
CONTACT_MARGIN = 1e-3
"""Softness ``k`` of the contact force."""
ACTION_DIRECTIONS = np.array([[0.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]])
"""Unit force direction of the discrete actions: no-op, -x, +x, -y, +y."""
N_ACTIONS = len(ACTION_DIRECTIONS)
LANDMARK_COLOURS = np.array([[0.65, 0.15, 0.15], [0.15, 0.65, 0.15], [0.15, 0.15, 0.65]])
"""RGB colours of the speaker-listener landmarks; the speaker observes the goal's."""
N_WORDS = len(LANDMARK_COLOURS)
"""Size of the speaker's vocabulary (mpe2's communication dimension, one word per landmark)."""


class StepResult(NamedTuple):
    """What :meth:`ParticleWorld.step` returns: the ``(obs, state, reward, done, info)`` of the
    environments' contract (:mod:`marl_course.envs`), with names.

    Attributes
    ----------
    obs : ndarray, shape (B, n_agents, obs_dim)
        Each agent's observation o_i after the step.
    state : ndarray, shape (B, n_agents * obs_dim)
        The joint observation x = (o_1, ..., o_n) the centralised critics see.
    rewards : ndarray, shape (B, n_agents)
        r_i of the step.
    done : ndarray of bool, shape (B,)
        True when the episode's ``max_steps`` are reached.
    info : dict
        ``"terminated"`` (B,), always False, and ``"truncated"`` (B,), equal to ``done``: the
        step limit is a time limit, not a terminal state, so learners keep bootstrapping.
    """

    obs: np.ndarray
    state: np.ndarray
    rewards: np.ndarray
    done: np.ndarray
    info: dict


class ParticleWorld:
    """Shared state and physics of a batch of ``n_envs`` particle worlds.

    Subclasses place the entities (``_place``) and define observations and rewards; the
    physics (:meth:`integrate`) is common. Attributes after ``reset``: ``agent_pos``,
    ``agent_vel`` ``(B, n_agents, 2)``, ``landmark_pos`` ``(B, n_landmarks, 2)``, ``t``.
    """

    n_agents: int
    n_landmarks: int
    agent_size: float
    collide: bool
    obs_dims: tuple[int, ...]

    def __init__(self, n_envs: int = 1, max_steps: int = 25):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.max_steps = check_int(max_steps, "max_steps", low=1)
        self.t = 0
        self.agent_pos = None

    @property
    def obs_dim(self) -> int:
        """Length of the (padded) observation vector."""
        return max(self.obs_dims)

    @property
    def n_actions(self) -> tuple[int, ...]:
        """Number of discrete actions of each agent (the 5 moves for all, unless a task says otherwise)."""
        return (N_ACTIONS,) * self.n_agents

    def reset(self, seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
        """Place every world at random; world ``b`` uses ``default_rng(seed + b)``.

        Returns ``(obs, state, info)``: ``obs`` ``(B, n_agents, obs_dim)``, ``state``
        ``(B, n_agents * obs_dim)`` and an empty ``info``.
        """
        seed = check_int(seed, "seed", low=0)
        B = self.n_envs
        self.agent_pos = np.zeros((B, self.n_agents, 2))
        self.agent_vel = np.zeros((B, self.n_agents, 2))
        self.landmark_pos = np.zeros((B, self.n_landmarks, 2))
        self._reset_extra()
        for b in range(B):
            self._place(b, np.random.default_rng(seed + b))
        self.t = 0
        obs = self.observations()
        return obs, obs.reshape(B, -1), {}

    def step(self, actions) -> StepResult:
        """Advance all worlds by one step with the joint actions ``(B, n_agents)``, agent i's in 0..n_actions[i]-1."""
        if self.agent_pos is None:
            raise ValueError("call reset(seed) before step(actions)")
        actions = as_actions(actions, (self.n_envs, self.n_agents), self.n_actions)
        self.integrate(self._act(actions))
        self.t += 1
        obs = self.observations()
        done = np.full(self.n_envs, self.t >= self.max_steps)
        info = {"terminated": np.zeros(self.n_envs, dtype=bool), "truncated": done.copy()}
        return StepResult(obs, obs.reshape(self.n_envs, -1), self.rewards(), done, info)

    def integrate(self, action_force: np.ndarray) -> None:
        """One physics step of every world, semi-implicit Euler with damping:

        ``p <- p + v dt``, then ``v <- (1 - damping) v + (f_action + f_contact) dt``
        (the old velocity moves the agents first, as in mpe2; contact forces only if ``collide``).
        """
        force = action_force  # (B, n_agents, 2)
        if self.collide:
            force = force + _contact_forces(self.agent_pos, self.agent_size)
        self.agent_pos = self.agent_pos + self.agent_vel * DT  # old velocity first, as mpe2
        self.agent_vel = self.agent_vel * (1.0 - DAMPING) + force * DT

    def _act(self, actions: np.ndarray) -> np.ndarray:
        """Action forces ``(B, n_agents, 2)`` of valid actions; a task whose actions do more (speak) records it here."""
        return ACTION_FORCE * ACTION_DIRECTIONS[actions]

    def _reset_extra(self) -> None:
        """Allocate task-specific state before placement (none by default)."""

    def _place(self, b: int, rng: np.random.Generator) -> None:
        raise NotImplementedError

    def observations(self) -> np.ndarray:
        raise NotImplementedError

    def rewards(self) -> np.ndarray:
        raise NotImplementedError


def pairwise_offsets(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets ``p_i - p_j`` ``(B, n, n, 2)`` and distances ``d_ij`` ``(B, n, n)`` of ``pos`` ``(B, n, 2)``.

    >>> delta, dist = pairwise_offsets(np.array([[[0.0, 0.0], [3.0, 4.0]]]))
    >>> float(dist[0, 0, 1])
    5.0
    """
    return _pairwise_offsets(_check_positions(pos, "pos"))


def _check_positions(pos, name: str) -> np.ndarray:
    pos = as_finite_array(pos, name, ndim=3)
    if pos.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (B, n, 2) (2-D positions), got {pos.shape}")
    return pos


def _pairwise_offsets(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    delta = pos[:, :, None, :] - pos[:, None, :, :]
    return delta, np.sqrt(np.sum(delta**2, axis=-1))


def contact_forces(pos: np.ndarray, size: float) -> np.ndarray:
    """Total soft contact force on each agent, ``sum_j f_ij`` (module docstring), shape ``(B, n, 2)``.

    >>> f = contact_forces(np.array([[[0.0, 0.0], [0.2, 0.0]]]), size=0.15)
    >>> bool(f[0, 0, 0] < 0 < f[0, 1, 0])   # pushed apart along x
    True
    """
    pos = _check_positions(pos, "pos")
    size = check_real(size, "size", low=0)
    return _contact_forces(pos, size)


def _contact_forces(pos: np.ndarray, size: float) -> np.ndarray:
    delta, dist = _pairwise_offsets(pos)
    n = pos.shape[1]
    off_diagonal = ~np.eye(n, dtype=bool)
    safe = np.where(off_diagonal, dist, 1.0)
    penetration = np.logaddexp(0.0, -(safe - 2 * size) / CONTACT_MARGIN) * CONTACT_MARGIN
    magnitude = np.where(off_diagonal, CONTACT_FORCE * penetration / safe, 0.0)  # (B, n, n)
    return np.sum(magnitude[..., None] * delta, axis=2)


def _others(values: np.ndarray) -> np.ndarray:
    """For each agent i, the rows j != i of ``values`` ``(B, n, ...)`` in order: ``(B, n, n - 1, ...)``."""
    n = values.shape[1]
    index = np.array([[j for j in range(n) if j != i] for i in range(n)])
    return values[:, index]


class CooperativeNavigation(ParticleWorld):
    """Cooperative navigation (mpe2 ``simple_spread_v3``) in ``n_envs`` parallel worlds.

    N agents (size 0.15, colliding) and N landmarks. Reward of agent i with local ratio 1/2:

        r_i = 1/2 * ( - sum_l min_j ||p_j - q_l|| ) + 1/2 * ( - #{j != i : ||p_i - p_j|| < 0.3} )

    Observation of agent i (length 4 + 2N + 4(N - 1) = 18 for N = 3):
    ``[v_i, p_i, q_1 - p_i, ..., q_N - p_i, p_j - p_i (j != i, in order), 2(N-1) zeros]``
    (the zeros are the silent agents' communication channels).

    Parameters
    ----------
    n_envs : int
        B, the number of worlds stepped together.
    n_agents : int
        N (also the number of landmarks); 3 in the paper.
    max_steps : int
        Episode length (25).
    local_ratio : float
        Weight of the local collision term (0.5).

    References
    ----------
    Lowe et al. (2017), section 5 and appendix; mpe2 ``simple_spread_v3``.

    Examples
    --------
    >>> env = CooperativeNavigation(n_envs=4)
    >>> obs, state, info = env.reset(seed=0)
    >>> obs.shape, state.shape
    ((4, 3, 18), (4, 54))
    >>> out = env.step(np.zeros((4, 3), dtype=int))
    >>> out.rewards.shape, bool(out.done.any())
    ((4, 3), False)
    """

    agent_size = 0.15
    collide = True

    def __init__(self, n_envs: int = 1, n_agents: int = 3, max_steps: int = 25, local_ratio: float = 0.5):
        super().__init__(n_envs, max_steps)
        self.n_agents = self.n_landmarks = check_int(n_agents, "n_agents", low=2)
        self.local_ratio = check_real(local_ratio, "local_ratio", low=0, high=1)
        self.obs_dims = (4 + 2 * self.n_landmarks + 4 * (self.n_agents - 1),) * self.n_agents

    def _place(self, b, rng):
        self.agent_pos[b] = rng.uniform(-1, 1, (self.n_agents, 2))
        self.landmark_pos[b] = rng.uniform(-1, 1, (self.n_landmarks, 2))

    def landmark_distances(self) -> np.ndarray:
        """``||p_j - q_l||`` for every agent j and landmark l, shape ``(B, n_agents, n_landmarks)``."""
        return np.sqrt(np.sum((self.agent_pos[:, :, None] - self.landmark_pos[:, None]) ** 2, axis=-1))

    def collisions(self) -> np.ndarray:
        """Number of other agents each agent overlaps, shape ``(B, n_agents)``."""
        _, dist = _pairwise_offsets(self.agent_pos)
        touching = (dist < 2 * self.agent_size) & ~np.eye(self.n_agents, dtype=bool)
        return touching.sum(axis=2)

    def rewards(self) -> np.ndarray:
        coverage = -self.landmark_distances().min(axis=1).sum(axis=1)  # (B,)
        local = -self.collisions().astype(float)  # (B, n_agents)
        return (1 - self.local_ratio) * coverage[:, None] + self.local_ratio * local

    def observations(self) -> np.ndarray:
        B, n = self.n_envs, self.n_agents
        pos = self.agent_pos
        landmarks = self.landmark_pos[:, None] - pos[:, :, None]  # (B, n_agents, n_landmarks, 2)
        others = _others(pos) - pos[:, :, None]  # (B, n_agents, n_agents - 1, 2)
        comm = np.zeros((B, n, 2 * (n - 1)))
        return np.concatenate([self.agent_vel, pos, landmarks.reshape(B, n, -1), others.reshape(B, n, -1), comm],
                              axis=2)


class PhysicalDeception(ParticleWorld):
    """Physical deception (mpe2 ``simple_adversary_v3``, N = 2 good agents) in parallel worlds.

    Agent 0 is the adversary, agents 1..N are good; N landmarks, one of them the goal g
    (drawn first at reset). Nobody collides. With d_i = ||p_i - q_g||:

        r_adversary = -d_0 ,    r_good = -min_{i >= 1} d_i + d_0   (shared by the good agents).

    Observations: adversary ``[q_l - p_0 (all l), p_j - p_0 (j != 0)]`` (length 4N);
    good agent i ``[q_g - p_i, q_l - p_i (all l), p_j - p_i (j != i)]`` (length 4N + 2),
    padded to the good agents' length.

    Examples
    --------
    >>> env = PhysicalDeception(n_envs=2)
    >>> obs, _, _ = env.reset(seed=1)
    >>> env.obs_dims, obs.shape
    ((8, 10, 10), (2, 3, 10))
    """

    agent_size = 0.15
    collide = False

    def __init__(self, n_envs: int = 1, n_good: int = 2, max_steps: int = 25):
        super().__init__(n_envs, max_steps)
        n_good = check_int(n_good, "n_good", low=1)
        self.n_agents, self.n_landmarks = n_good + 1, n_good
        self.obs_dims = (4 * n_good,) + (4 * n_good + 2,) * n_good

    def _reset_extra(self):
        self.goal = np.zeros(self.n_envs, dtype=int)

    def _place(self, b, rng):
        self.goal[b] = rng.integers(self.n_landmarks)
        self.agent_pos[b] = rng.uniform(-1, 1, (self.n_agents, 2))
        self.landmark_pos[b] = rng.uniform(-1, 1, (self.n_landmarks, 2))

    def goal_distances(self) -> np.ndarray:
        """``d_i = ||p_i - q_g||``, shape ``(B, n_agents)``."""
        goal = self.landmark_pos[np.arange(self.n_envs), self.goal]  # (B, 2)
        return np.sqrt(np.sum((self.agent_pos - goal[:, None]) ** 2, axis=-1))

    def rewards(self) -> np.ndarray:
        d = self.goal_distances()
        good = -d[:, 1:].min(axis=1) + d[:, 0]  # (B,)
        return np.concatenate([-d[:, :1], np.repeat(good[:, None], self.n_agents - 1, axis=1)], axis=1)

    def observations(self) -> np.ndarray:
        B, n = self.n_envs, self.n_agents
        pos = self.agent_pos
        goal = self.landmark_pos[np.arange(B), self.goal]  # (B, 2)
        landmarks = (self.landmark_pos[:, None] - pos[:, :, None]).reshape(B, n, -1)
        others = (_others(pos) - pos[:, :, None]).reshape(B, n, -1)
        obs = np.zeros((B, n, self.obs_dim))
        obs[:, 0, : self.obs_dims[0]] = np.concatenate([landmarks[:, 0], others[:, 0]], axis=1)
        obs[:, 1:] = np.concatenate([goal[:, None] - pos[:, 1:], landmarks[:, 1:], others[:, 1:]], axis=2)
        return obs


class SpeakerListener(ParticleWorld):
    """Cooperative communication (mpe2 ``simple_speaker_listener_v4``) in ``n_envs`` parallel worlds.

    Agent 0, the speaker, cannot move; agent 1, the listener, cannot speak. There are 3
    landmarks q_0, q_1, q_2 of fixed colours c_0 = (0.65, 0.15, 0.15), c_1 = (0.15, 0.65, 0.15),
    c_2 = (0.15, 0.15, 0.65); one of them, g, is the goal (drawn first at reset). Nobody collides.

    Actions: the speaker says word ``m`` in {0, 1, 2} (3 actions), sent as the one-hot message
    ``e_m`` and heard from the next observation on (all zeros before its first word); the
    listener has the 5 moves (its force is ``5 e(a)``, damping 0.25, as in every task), so
    ``n_actions = (3, 5)``. The speaker keeps its placed position with zero velocity.

    Shared reward (both agents, p_1 the listener's position):

        r_0 = r_1 = -||p_1 - q_g||^2

    Observations (``obs_dims = (3, 11)``, padded to 11):

    * speaker: ``[c_g]`` (the goal's colour), then 8 zeros of padding;
    * listener: ``[v_1, q_0 - p_1, q_1 - p_1, q_2 - p_1, e_m]`` (velocity, landmark offsets, the
      speaker's last message).

    Only the speaker knows the goal and only the listener can reach it, so the return depends
    on the listener decoding words the speaker must learn to choose.

    Parameters
    ----------
    n_envs : int
        B, the number of worlds stepped together.
    max_steps : int
        Episode length (25).

    References
    ----------
    Lowe et al. (2017), section 5 (cooperative communication); mpe2 ``simple_speaker_listener_v4``.

    Examples
    --------
    >>> env = SpeakerListener(n_envs=2)
    >>> obs, state, info = env.reset(seed=0)
    >>> env.obs_dims, env.n_actions, obs.shape, state.shape
    ((3, 11), (3, 5), (2, 2, 11), (2, 22))
    >>> bool(np.array_equal(obs[:, 0, :3], LANDMARK_COLOURS[env.goal]))   # the speaker sees the goal's colour
    True
    >>> out = env.step(np.stack([env.goal, np.zeros(2, dtype=int)], axis=1))   # the speaker names the goal
    >>> bool(np.array_equal(out.obs[:, 1, 8:], np.eye(3)[env.goal]))   # the listener hears it
    True
    >>> bool(np.array_equal(out.rewards[:, 0], out.rewards[:, 1]))   # one shared reward
    True
    >>> random = np.random.default_rng(0).integers(0, env.n_actions, size=(2, 2))   # per-agent action counts
    >>> env.step(random).rewards.shape
    (2, 2)
    """

    n_actions = (N_WORDS, N_ACTIONS)
    agent_size = 0.075
    landmark_size = 0.04
    collide = False

    def __init__(self, n_envs: int = 1, max_steps: int = 25):
        super().__init__(n_envs, max_steps)
        self.n_agents, self.n_landmarks = 2, len(LANDMARK_COLOURS)
        self.obs_dims = (LANDMARK_COLOURS.shape[1], 2 + 2 * self.n_landmarks + N_WORDS)

    def _reset_extra(self):
        self.goal = np.zeros(self.n_envs, dtype=int)
        self.message = np.zeros((self.n_envs, N_WORDS))

    def _place(self, b, rng):
        self.goal[b] = rng.integers(self.n_landmarks)
        self.agent_pos[b] = rng.uniform(-1, 1, (self.n_agents, 2))
        self.landmark_pos[b] = rng.uniform(-1, 1, (self.n_landmarks, 2))

    def _act(self, actions):
        self.message = np.eye(N_WORDS)[actions[:, 0]]  # the speaker's word, heard after this step
        force = np.zeros((self.n_envs, self.n_agents, 2))  # the speaker never moves
        force[:, 1] = ACTION_FORCE * ACTION_DIRECTIONS[actions[:, 1]]
        return force

    def goal_distance_squared(self) -> np.ndarray:
        """``||p_1 - q_g||^2``, the listener's squared distance to the goal, shape ``(B,)``."""
        goal = self.landmark_pos[np.arange(self.n_envs), self.goal]  # (B, 2)
        return np.sum((self.agent_pos[:, 1] - goal) ** 2, axis=-1)

    def rewards(self) -> np.ndarray:
        return np.repeat(-self.goal_distance_squared()[:, None], self.n_agents, axis=1)

    def observations(self) -> np.ndarray:
        B = self.n_envs
        obs = np.zeros((B, self.n_agents, self.obs_dim))
        obs[:, 0, : self.obs_dims[0]] = LANDMARK_COLOURS[self.goal]
        landmarks = (self.landmark_pos - self.agent_pos[:, 1:2]).reshape(B, -1)
        obs[:, 1] = np.concatenate([self.agent_vel[:, 1], landmarks, self.message], axis=1)
        return obs


# ---- baselines ---------------------------------------------------------------------------


def noop_actions(obs: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """The always-no-op policy: action 0 for every agent of every world, ``(B, n_agents)``."""
    return np.zeros(_observation_batch(obs), dtype=int)


def random_actions(obs: np.ndarray, rng: np.random.Generator, n_actions=N_ACTIONS) -> np.ndarray:
    """The uniform random policy, ``(B, n_agents)``: over the 5 moves, or over ``n_actions``, one
    count for every agent or one per agent (``SpeakerListener.n_actions = (3, 5)``).

    >>> obs, _, _ = SpeakerListener(n_envs=1000).reset(seed=0)
    >>> actions = random_actions(obs, np.random.default_rng(0), n_actions=SpeakerListener.n_actions)
    >>> actions.max(axis=0).tolist()   # the speaker's 3 words, the listener's 5 moves
    [2, 4]
    """
    shape = _observation_batch(obs)
    counts = np.asarray(n_actions)
    if (not np.issubdtype(counts.dtype, np.integer) or counts.ndim > 1 or counts.size == 0 or counts.min() < 1
            or counts.ndim == 1 and counts.shape != shape[1:]):
        raise ValueError(f"n_actions must be a positive action count or one per agent ({shape[1]}), got {n_actions!r}")
    return check_generator(rng).integers(0, counts, size=shape)


def _observation_batch(obs) -> tuple[int, int]:
    """``(B, n_agents)`` of observations ``(B, n_agents, obs_dim)`` (a cheap check: policies run every step)."""
    shape = np.shape(obs)
    if len(shape) != 3:
        raise ValueError(f"obs must have shape (B, n_agents, obs_dim), got shape {shape}")
    return shape[:2]


def scripted_navigation_actions(obs, rng: np.random.Generator | None = None, gain: float = 2.0,
                                damping: float = 0.6, dead_zone: float = 0.1) -> np.ndarray:
    """Assign-and-steer for cooperative navigation, computed by each agent from its own o_i.

    Each agent rebuilds every agent's and landmark's position from its observation, picks the
    assignment of agents to landmarks (a permutation) with the least total distance, and pushes
    toward its landmark with the action whose direction best matches the PD command
    ``u = gain * (q - p_i) - damping * v_i`` (no-op when ``||u|| < dead_zone``). All agents see
    the same world, so they agree on the assignment without communicating.

    Parameters
    ----------
    obs : array, shape (B, N, 18)
        Cooperative navigation observations.

    Returns
    -------
    ndarray of int, shape (B, N)

    Examples
    --------
    >>> env = CooperativeNavigation(n_envs=8)
    >>> obs, _, _ = env.reset(seed=0)
    >>> scripted_navigation_actions(obs).shape
    (8, 3)
    """
    obs = as_finite_array(obs, "obs", ndim=3)
    gain = check_real(gain, "gain", low=0)
    damping = check_real(damping, "damping", low=0)
    dead_zone = check_real(dead_zone, "dead_zone", low=0)
    B, n, d = obs.shape
    if d != 4 + 2 * n + 4 * (n - 1):
        raise ValueError(f"obs must be cooperative navigation observations of length {4 + 2 * n + 4 * (n - 1)}, got {d}")
    vel, pos = obs[..., 0:2], obs[..., 2:4]
    landmarks = pos[:, :, None] + obs[..., 4:4 + 2 * n].reshape(B, n, n, 2)  # (B, agent i's view, n_landmarks, 2)
    others = pos[:, :, None] + obs[..., 4 + 2 * n:4 + 4 * n - 2].reshape(B, n, n - 1, 2)
    perms = np.array(list(permutations(range(n))))  # (n!, n): perms[k, j] = landmark of agent j
    actions = np.zeros((B, n), dtype=int)
    for i in range(n):
        agents = np.insert(others[:, i], i, pos[:, i], axis=1)  # (B, n_agents, 2), agent i's view
        dist = np.sqrt(np.sum((agents[:, :, None] - landmarks[:, i, None]) ** 2, axis=-1))  # (B, n, n)
        cost = dist[:, np.arange(n), perms].sum(axis=2)  # (B, n!)
        target = landmarks[np.arange(B), i, perms[cost.argmin(axis=1), i]]  # (B, 2)
        command = gain * (target - pos[:, i]) - damping * vel[:, i]
        best = np.argmax(command @ ACTION_DIRECTIONS[1:].T, axis=1) + 1
        actions[:, i] = np.where(np.linalg.norm(command, axis=1) < dead_zone, 0, best)
    return actions


def scripted_communication_actions(obs, rng: np.random.Generator | None = None, gain: float = 2.0,
                                   damping: float = 0.6, dead_zone: float = 0.1) -> np.ndarray:
    """A hand-made code for cooperative communication: the speaker names the goal, the listener goes there.

    The speaker says word ``g``, the index of the goal's colour (its brightest channel); the
    listener steers towards the landmark named by the last word it heard, with the action whose
    direction best matches ``u = gain * (q_m - p_1) - damping * v_1`` (no-op when
    ``||u|| < dead_zone``, and before the first word). It is what a learned protocol can reach:
    ``log2 3`` bits per word and the listener on the goal.

    Parameters
    ----------
    obs : array, shape (B, 2, 11)
        Cooperative communication observations.

    Returns
    -------
    ndarray of int, shape (B, 2)

    Examples
    --------
    >>> env = SpeakerListener(n_envs=4)
    >>> obs, _, _ = env.reset(seed=0)
    >>> actions = scripted_communication_actions(obs)
    >>> bool(np.array_equal(actions[:, 0], env.goal)), actions[:, 1].tolist()   # nothing heard yet: the listener waits
    (True, [0, 0, 0, 0])
    """
    obs = as_finite_array(obs, "obs", ndim=3)
    gain = check_real(gain, "gain", low=0)
    damping = check_real(damping, "damping", low=0)
    dead_zone = check_real(dead_zone, "dead_zone", low=0)
    if obs.shape[1:] != (2, 11):
        raise ValueError(f"obs must be cooperative communication observations of shape (B, 2, 11), got {obs.shape}")
    word = obs[:, 0, :3].argmax(axis=1)
    listener = obs[:, 1]
    heard = listener[:, 8:11]
    offsets = listener[:, 2:8].reshape(-1, 3, 2)
    target = offsets[np.arange(len(obs)), heard.argmax(axis=1)] * heard.any(axis=1)[:, None]
    command = gain * target - damping * listener[:, :2]
    best = np.argmax(command @ ACTION_DIRECTIONS[1:].T, axis=1) + 1
    move = np.where(np.linalg.norm(command, axis=1) < dead_zone, 0, best)
    return np.stack([word, move], axis=1)


def play_episode(env: ParticleWorld, policy, seed: int = 0):
    """Reset ``env`` with ``seed`` and yield the :class:`StepResult` of every step of one episode.

    All worlds step together; ``policy(obs (B, n, d), rng) -> actions (B, n)`` chooses the
    actions, with ``rng = default_rng(seed)``. Between two yields the world's state
    (``env.agent_pos``, ...) is the state after the step just yielded.

    Examples
    --------
    >>> steps = list(play_episode(CooperativeNavigation(n_envs=2), noop_actions, seed=0))
    >>> len(steps), steps[-1].rewards.shape, bool(steps[-1].done.all())
    (25, (2, 3), True)
    """
    _check_episode_args(env, policy, seed)
    # validation above runs at call time; the generator below only plays
    return _play_episode(env, policy, seed)


def _check_episode_args(env, policy, seed) -> None:
    if not isinstance(env, ParticleWorld):
        raise TypeError(f"env must be a ParticleWorld (e.g. CooperativeNavigation), got {type(env).__name__}")
    if not callable(policy):
        raise TypeError(f"policy must be a function policy(obs, rng) -> actions, got {type(policy).__name__}")
    check_int(seed, "seed", low=0)


def _play_episode(env: ParticleWorld, policy, seed: int):
    rng = as_rng(seed)
    obs, _, _ = env.reset(seed)
    done = np.zeros(env.n_envs, dtype=bool)
    while not done.all():
        out = env.step(policy(obs, rng))
        yield out
        obs, done = out.obs, out.done


def episode_returns(env: ParticleWorld, policy, seed: int = 0) -> np.ndarray:
    """Play one episode in every world with ``policy(obs, rng) -> actions``; return sum_t r_i.

    Parameters
    ----------
    env : ParticleWorld
        The batched world (reset here with ``seed``).
    policy : callable
        ``policy(obs (B, n, d), rng) -> actions (B, n)``.
    seed : int
        Seeds the worlds' placement and ``rng``.

    Returns
    -------
    ndarray, shape (B, n_agents)
        Each agent's undiscounted return in each world; ``.mean()`` is the mean per-agent
        return the chapter reports.

    Examples
    --------
    >>> env = CooperativeNavigation(n_envs=16)
    >>> noop = episode_returns(env, noop_actions, seed=0).mean()
    >>> scripted = episode_returns(env, scripted_navigation_actions, seed=0).mean()
    >>> bool(scripted > noop)
    True
    """
    return sum(out.rewards for out in play_episode(env, policy, seed))


def navigation_metrics(env: CooperativeNavigation, policy, seed: int = 0) -> dict[str, np.ndarray]:
    """The two numbers Lowe et al. (2017) tabulate for cooperative navigation, and the return.

    Plays one episode of T steps in every world and measures, per world,

        distance   = (1/T) sum_t sum_l min_j ||p_j(t) - q_l||   (coverage: 0 when every landmark is occupied)
        collisions = sum_t #{pairs j < k : ||p_j(t) - p_k(t)|| < 2 * size}   (agent pairs in contact, per step)
        return     = (1/N) sum_i sum_t r_i(t)                    (the mean per-agent return)

    so that ``return = -T/2 * distance - collisions / N`` when the local ratio is 1/2 (every
    pair in contact costs each of its two agents 1/2).

    Parameters
    ----------
    env : CooperativeNavigation
    policy : callable
        ``policy(obs (B, n, d), rng) -> actions (B, n)``.
    seed : int
        Seeds the worlds' placement and the policy's ``rng``.

    Returns
    -------
    dict
        ``"distance"``, ``"collisions"`` and ``"return"``, each an array of shape ``(B,)``.

    References
    ----------
    Lowe et al. (2017), appendix, the table of cooperative navigation (average distance and
    number of collisions per episode; how the paper counted them is not stated).

    Examples
    --------
    >>> m = navigation_metrics(CooperativeNavigation(n_envs=100), scripted_navigation_actions, seed=0)
    >>> sorted(m), m["distance"].shape
    (['collisions', 'distance', 'return'], (100,))
    >>> bool(np.allclose(m["return"], -25 / 2 * m["distance"] - m["collisions"] / 3))
    True
    """
    if not isinstance(env, CooperativeNavigation):
        raise TypeError(f"env must be a CooperativeNavigation, got {type(env).__name__}")
    _check_episode_args(env, policy, seed)
    distance = collisions = total = 0.0
    steps = 0
    for out in play_episode(env, policy, seed):
        distance = distance + env.landmark_distances().min(axis=1).sum(axis=1)  # (B,)
        collisions = collisions + env.collisions().sum(axis=1) / 2  # each pair counted by both agents
        total = total + out.rewards.mean(axis=1)
        steps += 1
    return {"distance": distance / steps, "collisions": collisions, "return": total}


def deception_metrics(env: PhysicalDeception, policy, seed: int = 0) -> dict[str, np.ndarray]:
    """Who gets to the goal in physical deception? Per world, over one episode of T steps.

        adversary_distance = (1/T) sum_t d_0(t)                   (the adversary's distance to the goal)
        good_distance      = (1/T) sum_t min_{i >= 1} d_i(t)      (the nearest good agent's distance)
        return             = sum_t r_good(t) = sum_t (d_0(t) - min_{i >= 1} d_i(t))   (the good agents' return)

    The adversary's own return is ``-T * adversary_distance``. The good agents win when they
    cover the goal (``good_distance`` small) while keeping the adversary away from it
    (``adversary_distance`` large), which they can only do by deceiving it: the adversary does
    not know which landmark is the goal.

    Parameters
    ----------
    env : PhysicalDeception
    policy : callable
        ``policy(obs (B, n, d), rng) -> actions (B, n)``; agent 0 is the adversary.
    seed : int
        Seeds the worlds' placement and the policy's ``rng``.

    Examples
    --------
    >>> scores = deception_metrics(PhysicalDeception(n_envs=8), noop_actions, seed=0)
    >>> sorted(scores), scores["return"].shape
    (['adversary_distance', 'good_distance', 'return'], (8,))
    >>> good_returns = episode_returns(PhysicalDeception(n_envs=8), noop_actions, seed=0)[:, 1]  # the env's rewards
    >>> bool(np.allclose(scores["return"], good_returns))
    True
    """
    if not isinstance(env, PhysicalDeception):
        raise TypeError(f"env must be a PhysicalDeception, got {type(env).__name__}")
    _check_episode_args(env, policy, seed)
    adversary, good, n_steps = np.zeros(env.n_envs), np.zeros(env.n_envs), 0
    for _ in _play_episode(env, policy, seed):
        d = env.goal_distances()  # (B, n_agents), after the step
        adversary += d[:, 0]
        good += d[:, 1:].min(axis=1)
        n_steps += 1
    return {"adversary_distance": adversary / n_steps, "good_distance": good / n_steps,
            "return": adversary - good}


def communication_metrics(env: SpeakerListener, policy, seed: int = 0) -> dict[str, np.ndarray]:
    """Does the speaker say where to go, and does the listener go there? Per world, over one episode.

    Plays one episode of T steps in every world and measures

        return     = sum_t r(t)                          (the shared reward; r = -||p_1 - q_g||^2)
        distance   = ||p_1(T) - q_g||                    (the listener's final distance to the goal)
        reached    = 1[q_g is the landmark nearest to p_1(T)]   (chance: 1/3 for a listener that ignores words)
        words      = the speaker's word m(t) at every step, shape (B, T)

    and ``goals`` (B,), so that the information the words carry about the goal,
    ``I(G; M)`` (:func:`~marl_course.stats.mutual_information`, at most log2 3 = 1.58 bits), can
    be computed over many worlds: 0 bits means the speaker says nothing about the goal.

    Parameters
    ----------
    env : SpeakerListener
    policy : callable
        ``policy(obs (B, 2, d), rng) -> actions (B, 2)`` (the speaker's word, the listener's move).
    seed : int
        Seeds the worlds' placement and the policy's ``rng``.

    Returns
    -------
    dict
        ``"return"``, ``"distance"``, ``"reached"`` (B,), ``"goals"`` (B,) and ``"words"`` (B, T).

    Examples
    --------
    >>> def honest(obs, rng):   # says the goal's index (its colour's brightest channel), does not move
    ...     return np.stack([obs[:, 0, :3].argmax(axis=1), np.zeros(len(obs), dtype=int)], axis=1)
    >>> m = communication_metrics(SpeakerListener(n_envs=300), honest, seed=0)
    >>> sorted(m), m["words"].shape
    (['distance', 'goals', 'reached', 'return', 'words'], (300, 25))
    >>> bool(np.all(m["words"] == m["goals"][:, None]))   # every word names the goal
    True
    """
    if not isinstance(env, SpeakerListener):
        raise TypeError(f"env must be a SpeakerListener, got {type(env).__name__}")
    _check_episode_args(env, policy, seed)
    total, words = 0.0, []
    for out in play_episode(env, policy, seed):
        total = total + out.rewards[:, 0]
        words.append(env.message.argmax(axis=1))
    goal = env.landmark_pos[np.arange(env.n_envs), env.goal]  # (B, 2)
    to_landmarks = np.linalg.norm(env.landmark_pos - env.agent_pos[:, 1:2], axis=-1)  # (B, L)
    return {"return": total, "distance": np.linalg.norm(env.agent_pos[:, 1] - goal, axis=-1),
            "reached": (to_landmarks.argmin(axis=1) == env.goal).astype(float), "goals": env.goal.copy(),
            "words": np.stack(words, axis=1)}


def communication_scores(env: SpeakerListener, policy, seed: int = 0) -> dict[str, float]:
    """:func:`communication_metrics` summarised over the worlds: the mean ``return``, ``distance``
    and ``reached``, and ``information``, the plug-in ``I(G; M)`` in bits between the goal and the
    speaker's word over every step of every world (:func:`~marl_course.stats.mutual_information`).

    Examples
    --------
    >>> scores = communication_scores(SpeakerListener(n_envs=300), scripted_communication_actions, seed=0)
    >>> sorted(scores), scores["reached"] > 0.9, bool(abs(scores["information"] - np.log2(3)) < 0.01)
    (['distance', 'information', 'reached', 'return'], True, True)
    """
    metrics = communication_metrics(env, policy, seed)
    goals = np.repeat(metrics.pop("goals")[:, None], metrics["words"].shape[1], axis=1)  # (B, T): G at each step
    information = mutual_information(goals.ravel(), metrics.pop("words").ravel())
    return {**{key: float(value.mean()) for key, value in metrics.items()}, "information": information}


def record_episode(env: ParticleWorld, policy, seed: int = 0) -> dict[str, np.ndarray]:
    """Play one episode in world 0 of ``env`` and record where everything was.

    Returns
    -------
    dict
        ``agent_pos`` ``(T + 1, n_agents, 2)`` (index 0 is the start), ``landmark_pos``
        ``(n_landmarks, 2)`` and ``rewards`` ``(T, n_agents)``.

    Examples
    --------
    >>> rec = record_episode(CooperativeNavigation(), scripted_navigation_actions, seed=0)
    >>> rec["agent_pos"].shape, rec["rewards"].shape
    ((26, 3, 2), (25, 3))
    """
    _check_episode_args(env, policy, seed)
    positions = []

    def recording_policy(obs, rng):
        positions.append(env.agent_pos[0].copy())  # where world 0 is before each action
        return policy(obs, rng)

    rewards = [out.rewards[0] for out in play_episode(env, recording_policy, seed)]
    positions.append(env.agent_pos[0].copy())
    return {"agent_pos": np.array(positions), "landmark_pos": env.landmark_pos[0].copy(), "rewards": np.array(rewards)}


def joint_steps_per_second(n_envs: int, n_steps: int, seed: int = 0) -> float:
    """Joint steps per second of ``CooperativeNavigation(n_envs)`` stepped ``n_steps`` times
    with seeded random actions (a joint step is one step of one world: B worlds stepped once
    count B). Wall-clock time; the episode limit is lifted so no reset is timed.

    Examples
    --------
    >>> joint_steps_per_second(4, 10) > 0
    True
    """
    import time

    n_envs = check_int(n_envs, "n_envs", low=1)
    n_steps = check_int(n_steps, "n_steps", low=1)
    seed = check_int(seed, "seed", low=0)
    env = CooperativeNavigation(n_envs=n_envs, max_steps=10**9)
    env.reset(seed)
    actions = np.random.default_rng(seed).integers(0, N_ACTIONS, size=(n_steps, n_envs, env.n_agents))
    start = time.perf_counter()
    for a in actions:
        env.step(a)
    return n_envs * n_steps / (time.perf_counter() - start)
