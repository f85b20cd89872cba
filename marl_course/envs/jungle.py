"""A small jungle: foragers who see only next to them, and scouts who see the food from afar (chapter 9).

A scaled-down version of the *jungle* task of Jiang et al. (2020): ``n_agents`` agents and
``n_food`` food sources on a ``size x size`` grid, ``n_envs`` worlds stepped at once with numpy
(no Python loop over agents or worlds). As in the paper, food does not move and is not used up
within an episode, and an agent within reach of a food source gains ``+1`` every step it stays
there.

Agents ``0 .. n_scouts - 1`` are **scouts**: they see food within ``scout_view`` cells (by
default the whole grid). The others are **foragers**: they see food only within ``view`` cells,
so with the default ``view = eat_radius = 1`` a forager sees food only once it is already
eating. A forager that has not found food can learn where food is only from the agents that
know: the scouts and the foragers already eating. Those are the messages DGN's graph ``C`` of
each agent's ``k`` nearest agents (:func:`k_nearest_adjacency`) carries, and with ``k = 6`` of
``11`` others most neighbours know nothing: which neighbour to listen to matters.
:meth:`Jungle.informed` is that ground truth, for scoring the learned attention. Independent
learners must search on their own.

Dynamics, per step:

- actions ``0 stay, 1 up, 2 down, 3 left, 4 right`` (moves are clipped at the border);
- an agent within Chebyshev distance ``eat_radius`` of a food source eats: reward ``+1``
  (at most one per step, however many sources are in reach; any number of agents may eat
  from the same source, as in the paper);
- every agent sharing a cell with another agent gets ``collision_penalty`` (crowding).

Food sources are placed uniformly at random at ``reset`` and stay put for the episode; so are
the agents. An episode ends after ``episode_length`` steps: a time limit, never a terminal
state (``info["terminated"]`` is always False and ``info["truncated"]`` is ``done``, so learners
bootstrap from the last state).

Observation of agent ``i`` (length ``6 + (2 view + 1)^2``): its own position scaled to
``[0, 1]`` (row, column); 1 if it is a scout; 1 if it sees a food source; the offset (row,
column) from it to the nearest food source it sees, divided by ``size - 1`` (0 when it sees
none); then the numbers of *other* agents in the cells within ``view`` (row-major; cells
outside the grid read 0). The state (:meth:`Jungle.state`, length ``2 (N + F)``) is every
agent's position, then every food source's, scaled to ``[0, 1]``.

References
----------
Jiang, Dun, Huang, Lu (2020). Graph Convolutional Reinforcement Learning. ICLR. (Jungle: 20
agents and 12 food sources on a 30 x 30 grid, view radius 5, reach 1; eating +1 a step; our
version drops the paper's attacks between agents, +2 to the attacker and -4 to the attacked,
and adds the scouts, so that information sits with a few agents.)
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, as_finite_array, as_rng, check_int, check_real, check_seed

MOVES = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]])
"""Row/column displacement of actions 0 stay, 1 up, 2 down, 3 left, 4 right."""


def k_nearest_adjacency(positions, k: int) -> np.ndarray:
    """The adjacency ``C`` linking every agent to itself and its ``k`` nearest agents.

    ``C[..., i, j] = True`` when ``j == i`` or ``j`` is among the ``k`` agents closest to ``i``
    in Euclidean distance (ties broken by the lower index). Row ``i`` is agent ``i``'s
    neighbourhood ``B_{+i} = B_i + i``; it is not symmetric in general.

    Parameters
    ----------
    positions : array_like, shape (..., n_agents, 2)
        Agent coordinates.
    k : int
        Neighbours per agent, ``0 <= k <= n_agents - 1``.

    Returns
    -------
    numpy.ndarray of bool, shape (..., n_agents, n_agents)

    Examples
    --------
    >>> k_nearest_adjacency([[0, 0], [0, 1], [5, 5]], k=1).astype(int)
    array([[1, 1, 0],
           [1, 1, 0],
           [0, 1, 1]])
    """
    positions = as_finite_array(positions, "positions", min_ndim=2)
    if positions.shape[-1] != 2:
        raise ValueError(f"positions must have shape (..., n_agents, 2), got {positions.shape}")
    n = positions.shape[-2]
    k = check_int(k, "k", low=0, high=n - 1)
    dist = np.linalg.norm(positions[..., :, None, :] - positions[..., None, :, :], axis=-1)
    dist = dist + np.eye(n) * -1.0  # self first
    order = np.argsort(dist, axis=-1, kind="stable")[..., : k + 1]  # (..., n_agents, k + 1)
    adjacency = np.zeros(dist.shape, dtype=bool)
    np.put_along_axis(adjacency, order, True, axis=-1)
    return adjacency


class Jungle:
    """``n_envs`` jungle worlds stepped together (see the module docstring for the rules).

    Parameters
    ----------
    n_envs : int
        Parallel worlds ``E``.
    n_agents : int
        Agents per world ``N``.
    n_scouts : int
        Scouts per world (agents ``0 .. n_scouts - 1``), ``0 <= n_scouts <= n_agents``.
    n_food : int
        Food sources per world (fixed for an episode, never used up).
    size : int
        Grid side length.
    view : int
        A forager's observation radius: it sees the ``(2 view + 1)^2`` cells around it.
    scout_view : int or None
        A scout's radius (Chebyshev) for seeing food; None = the whole grid.
    k : int
        Neighbours per agent in the adjacency returned in ``info["adjacency"]``.
    eat_radius : int
        Reach: an agent eats when a food source is within this Chebyshev distance.
    episode_length : int
        Steps per episode; all worlds end together.
    collision_penalty : float
        Reward (``<= 0``) of an agent sharing its cell with another agent.

    Examples
    --------
    >>> env = Jungle(n_envs=2, n_agents=3, n_scouts=1, k=2)
    >>> obs, state, info = env.reset(seed=0)
    >>> obs.shape, state.shape, info["adjacency"].shape
    ((2, 3, 15), (2, 8), (2, 3, 3))
    >>> info["informed"][:, 0]  # the scout sees the food from anywhere
    array([ True,  True])
    >>> obs, state, reward, done, info = env.step(np.zeros((2, 3), dtype=int))
    >>> reward.shape, info["eating"].shape, done.tolist()
    ((2, 3), (2, 3), [False, False])
    """

    n_actions = len(MOVES)

    def __init__(self, n_envs: int = 8, n_agents: int = 12, n_scouts: int = 2, n_food: int = 1, size: int = 10,
                 view: int = 1, scout_view: int | None = None, k: int = 6, episode_length: int = 25,
                 collision_penalty: float = -0.1, eat_radius: int = 1):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.n_agents = check_int(n_agents, "n_agents", low=2)
        self.n_scouts = check_int(n_scouts, "n_scouts", low=0, high=self.n_agents)
        self.n_food = check_int(n_food, "n_food", low=1)
        self.size = check_int(size, "size", low=3)
        self.view = check_int(view, "view", low=0, high=self.size)
        self.scout_view = self.size if scout_view is None else check_int(scout_view, "scout_view", low=0)
        self.is_scout = np.arange(self.n_agents) < self.n_scouts
        self.k = check_int(k, "k", low=0, high=self.n_agents - 1)
        self.episode_length = check_int(episode_length, "episode_length", low=1)
        self.collision_penalty = check_real(collision_penalty, "collision_penalty", high=0)
        self.eat_radius = check_int(eat_radius, "eat_radius", low=0, high=self.size)
        self.obs_dim = 6 + (2 * self.view + 1) ** 2
        self._rng = np.random.default_rng(0)
        self.agent_pos = np.zeros((self.n_envs, self.n_agents, 2), dtype=int)
        self.food_pos = np.zeros((self.n_envs, self.n_food, 2), dtype=int)
        self.t = 0

    def reset(self, seed=None):
        """Start new episodes; returns ``(obs, state, info)`` with ``obs`` of shape ``(E, N, obs_dim)``,
        ``state`` ``(E, 2 (N + F))`` and ``info`` as in :meth:`step`."""
        self._rng = as_rng(check_seed(seed))
        self.agent_pos = self._rng.integers(0, self.size, size=(self.n_envs, self.n_agents, 2))
        self.food_pos = self._rng.integers(0, self.size, size=(self.n_envs, self.n_food, 2))
        self.t = 0
        return self.observe(), self.state(), self._info(done=False)

    def step(self, actions):
        """Move every agent; returns ``(obs, state, reward, done, info)``; ``reward`` has shape ``(E, N)``.

        ``done`` (E,) is the time limit (all worlds end together). ``info`` holds the graph
        ``adjacency`` (E, N, N), ``agent_pos`` (E, N, 2), ``food_pos`` (E, F, 2), ``eating`` (E, N),
        the agents that ate this step, ``informed`` (E, N), the agents that see a food source,
        ``scout`` (E, N), the scouts, ``terminated`` (E,), always False (the time limit is not a
        terminal state), and ``truncated`` (E,), equal to ``done``.
        """
        actions = as_actions(actions, (self.n_envs, self.n_agents), self.n_actions)
        self.agent_pos = np.clip(self.agent_pos + MOVES[actions], 0, self.size - 1)
        eating = self.eating()  # (E, N)
        # (E, N, N): agents i and j share a cell
        same = np.all(self.agent_pos[:, :, None, :] == self.agent_pos[:, None, :, :], axis=-1)
        crowded = same.sum(axis=-1) > 1
        reward = eating + self.collision_penalty * crowded
        self.t += 1
        done = self.t >= self.episode_length
        return self.observe(), self.state(), reward, np.full(self.n_envs, done), self._info(done)

    def eating(self) -> np.ndarray:
        """Which agents have a food source within reach ``eat_radius`` (Chebyshev), shape ``(E, N)``."""
        # (E, N, F): Chebyshev distance from agent i to food f
        distance = np.abs(self.agent_pos[:, :, None, :] - self.food_pos[:, None, :, :]).max(axis=-1)
        return (distance <= self.eat_radius).any(axis=-1)

    def food_offset(self) -> tuple[np.ndarray, np.ndarray]:
        """The nearest food source each agent sees: ``(seen (E, N) bool, offset (E, N, 2) int)``.

        A forager sees food within Chebyshev distance ``view``, a scout within ``scout_view``;
        ``offset`` is food minus agent position (0 where nothing is seen), ties broken by the
        lower food index.
        """
        delta = self.food_pos[:, None, :, :] - self.agent_pos[:, :, None, :]  # (E, N, F, 2)
        distance = np.abs(delta).max(axis=-1)  # (E, N, F)
        nearest = distance.argmin(axis=-1)  # (E, N)
        radius = np.where(self.is_scout, self.scout_view, self.view)  # (N,)
        seen = np.take_along_axis(distance, nearest[..., None], -1)[..., 0] <= radius
        offset = np.take_along_axis(delta, nearest[..., None, None], 2)[:, :, 0]  # (E, N, 2)
        return seen, offset * seen[..., None]

    def informed(self) -> np.ndarray:
        """Which agents know where a food source is (they see one), shape ``(E, N)``: the ground
        truth of who is worth listening to."""
        return self.food_offset()[0]

    def state(self) -> np.ndarray:
        """The global state ``s``, shape ``(E, 2 (N + F))``: agent then food positions scaled to ``[0, 1]``."""
        positions = np.concatenate([self.agent_pos, self.food_pos], axis=1).reshape(self.n_envs, -1)
        return (positions / (self.size - 1)).astype(np.float32)

    def observe(self) -> np.ndarray:
        """Observations ``o_i``, shape ``(E, N, obs_dim)`` (layout in the module docstring)."""
        offsets = np.stack(np.meshgrid(np.arange(-self.view, self.view + 1), np.arange(-self.view, self.view + 1),
                                       indexing="ij"), axis=-1).reshape(-1, 2)  # (w*w, 2)
        cells = self.agent_pos[:, :, None, :] + offsets  # (E, N, w*w, 2)
        agent_counts = np.all(cells[:, :, :, None, :] == self.agent_pos[:, None, None, :, :], axis=-1).sum(-1)
        agent_counts = agent_counts - np.all(offsets == 0, axis=-1)  # do not count oneself
        seen, food = self.food_offset()
        scout = np.broadcast_to(self.is_scout, seen.shape)
        scale = self.size - 1
        obs = np.concatenate([self.agent_pos / scale, scout[..., None], seen[..., None], food / scale, agent_counts],
                             axis=-1)
        return obs.astype(np.float32)

    def _info(self, done: bool) -> dict:
        return {"adjacency": k_nearest_adjacency(self.agent_pos, self.k), "agent_pos": self.agent_pos.copy(),
                "food_pos": self.food_pos.copy(), "eating": self.eating(), "informed": self.informed(),
                "scout": np.broadcast_to(self.is_scout, (self.n_envs, self.n_agents)).copy(),
                "terminated": np.zeros(self.n_envs, dtype=bool), "truncated": np.full(self.n_envs, done)}


def random_policy_return(env: Jungle, n_episodes: int = 8, seed=100) -> float:
    """The uniformly random policy's return per agent per episode, the learners' floor.

    Every agent picks one of the ``n_actions`` moves uniformly at each step; the result is
    ``mean over episodes and worlds and agents of sum_t r_{i,t}``, from ``n_episodes`` resets of
    ``env`` (each of its ``n_envs`` worlds plays one episode per reset).

    Examples
    --------
    >>> r = random_policy_return(Jungle(n_envs=4), n_episodes=2, seed=0)
    >>> 0.0 < r < Jungle().episode_length
    True
    """
    if not isinstance(env, Jungle):
        raise TypeError(f"env must be a Jungle, got {type(env).__name__}")
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = as_rng(check_seed(seed))
    totals = []
    for _ in range(n_episodes):
        env.reset(seed=int(rng.integers(2**31)))
        total, done = 0.0, np.zeros(env.n_envs, dtype=bool)
        while not done.all():
            _, _, reward, done, _ = env.step(rng.integers(0, env.n_actions, size=(env.n_envs, env.n_agents)))
            total += reward.mean()
        totals.append(total)
    return float(np.mean(totals))
