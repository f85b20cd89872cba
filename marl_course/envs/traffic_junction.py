"""Traffic junction, easy version (chapter 10): cars that must not meet where two roads cross.

``n_envs`` worlds are stepped at once with numpy. Each world is a ``size x size`` grid (``size``
odd, 7 by default) crossed by two one-way roads through the middle: road 0 runs down column
``c = size // 2`` from the top, road 1 runs right along row ``c`` from the left. They share one
cell, the *junction* ``(c, c)``. A car's route is its road, cell by cell: the car on road 0 at
route index ``l`` is at ``(l, c)``, the car on road 1 is at ``(c, l)``, ``l = 0, ..., size - 1``.

There are ``max_cars`` car slots (the agents). A world starts with an empty road. Every step:

1. every car on the road acts: ``0`` gas (advance one cell along its route) or ``1`` brake
   (stay); a car that presses gas on the last cell of its route leaves the road and its slot
   becomes free;
2. arrivals: for road 0 and then road 1, while fewer than ``max_cars`` cars are on the road, a
   new car enters at the road's first cell with probability ``p_arrive``, in a free slot chosen
   uniformly at random (it may land on a car that braked on the entry cell: that is a collision);
3. rewards, for every car on the road after the step (cars off the road get 0):

   .. math::

       r_i = -10 \\, \\mathbb{1}[\\text{another car shares } i\\text{'s cell}] - 0.01 \\, \\tau_i,

   where ``tau_i`` is the number of steps since car ``i`` entered (0 on its entry step, then 1,
   2, ...). The first constant is ``collision_penalty``, the second ``time_penalty``. A car in a
   shared cell pays the collision penalty once however many cars share it, and again at every
   step the cars stay together.

An episode lasts ``episode_length`` steps (20 by default); it is a *success* when no collision
happened in it. A collision can only happen on the junction (cars from both roads), behind a
braking car on the same road, or on an entry cell.

Observation of car ``i`` (length ``5 + (2 vision + 1)^2``, all zeros for a free slot): its row
and column divided by ``size - 1``, its road (0 or 1), its route progress ``l / (size - 1)``, its
last action (0 gas, 1 brake), then, for each cell within ``vision`` of its own (rows, then
columns, of the ``(2 vision + 1)^2`` window), the number of *other* cars in that cell. With
``vision = 0`` a car sees only its own cell, so it learns about the others only by communicating.

:meth:`TrafficJunction.relevance` gives, for the chapter's communication graphs, which pairs of
cars could collide within the next few steps.

Differences from IC3Net's code: the observation holds the car's position and route progress as
numbers instead of a one-hot road-cell vocabulary; there is no arrival-rate curriculum (IC3Net
raises ``p_arrive`` from 0.1 to 0.3 during training; set ``env.p_arrive`` between episodes to do
the same); stepping a finished episode raises ``RuntimeError``.

References
----------
Singh, Jain, Sukhbaatar (2019). Learning when to communicate at scale in multiagent cooperative
and competitive tasks (IC3Net). ICLR.
Liu, Wang, Hu, Hao, Chen, Gao (2020). Multi-Agent Game Abstraction via Graph Attention Neural Network. AAAI.

Examples
--------
>>> env = TrafficJunction(n_envs=2, max_cars=5, vision=1, p_arrive=1.0)
>>> obs, state, info = env.reset(seed=0)
>>> obs.shape, state.shape, int(info["active"].sum())  # the roads start empty
((2, 5, 14), (2, 70), 0)
>>> obs, state, reward, done, info = env.step(np.zeros((2, 5), dtype=int))  # all gas; one car enters per road
>>> info["active"].sum(axis=1)
array([2, 2])
>>> sorted(map(tuple, info["positions"][0][info["active"][0]].tolist()))
[(0, 3), (3, 0)]
>>> reward[info["active"]]  # tau = 0 on the entry step, no collision
array([0., 0., 0., 0.])
>>> int(env.relevance(horizon=3)[0].sum())  # both cars can be on the junction in 3 steps: one pair, both ways
2
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, as_rng, check_int, check_real, check_seed

GAS, BRAKE = 0, 1
"""The two actions."""

N_ROADS = 2
"""Road 0 runs down from the top, road 1 right from the left (the easy version)."""


class TrafficJunction:
    """``n_envs`` traffic-junction worlds stepped together (rules in the module docstring).

    ``reset(seed) -> (obs, info)``; ``step(actions) -> (obs, reward, done, info)`` with ``obs``
    (E, N, obs_dim) float32 where ``N = max_cars`` slots, ``reward`` (E, N), ``done`` (E,) bool
    (all worlds end together after ``episode_length`` steps) and ``info`` holding

    * ``positions`` (E, N, 2): row and column of each car, ``-1`` for a free slot;
    * ``active`` (E, N) bool: the slots holding a car after the step (mask the next actions with it);
    * ``acted`` (E, N) bool: the slots that held a car when ``actions`` were taken;
    * ``arrived`` / ``left`` (E, N) bool: cars that entered / left the road in this step;
    * ``collided`` (E, N) bool: cars sharing a cell after the step;
    * ``collisions`` (E,) int: cells holding two or more cars after the step;
    * ``success`` (E,) bool: no collision so far in the episode;
    * ``route``, ``progress``, ``tau`` (E, N) int: road, route index and steps on the road.

    The state lives in the public arrays ``active``, ``route``, ``progress``, ``tau`` and
    ``last_action`` (E, N), so a scene can be built by hand after :meth:`reset`.
    """

    n_actions = 2

    def __init__(self, n_envs: int = 64, max_cars: int = 5, size: int = 7, vision: int = 0,
                 p_arrive: float = 0.3, episode_length: int = 20, collision_penalty: float = -10.0,
                 time_penalty: float = -0.01):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.n_agents = self.max_cars = check_int(max_cars, "max_cars", low=1)
        self.size = check_int(size, "size", low=3)
        if self.size % 2 == 0:
            raise ValueError(f"size must be odd (the roads cross in the middle cell), got {self.size}")
        self.vision = check_int(vision, "vision", low=0, high=self.size - 1)
        self.p_arrive = check_real(p_arrive, "p_arrive", low=0, high=1)
        self.episode_length = check_int(episode_length, "episode_length", low=1)
        self.collision_penalty = check_real(collision_penalty, "collision_penalty", high=0)
        self.time_penalty = check_real(time_penalty, "time_penalty", high=0)
        self.junction = self.size // 2
        self.window = 2 * self.vision + 1
        self.obs_dim = 5 + self.window ** 2
        self._rng = np.random.default_rng(0)
        shape = (self.n_envs, self.max_cars)
        self.active = np.zeros(shape, dtype=bool)
        self.route = np.zeros(shape, dtype=int)
        self.progress = np.zeros(shape, dtype=int)
        self.tau = np.zeros(shape, dtype=int)
        self.last_action = np.zeros(shape, dtype=int)
        self.failed = np.zeros(self.n_envs, dtype=bool)
        self.t = 0

    def reset(self, seed=None):
        """Start new episodes with empty roads; ``seed`` is None, an int or a ``numpy.random.Generator``.

        Returns ``(obs, state, info)`` (the contract of :mod:`marl_course.envs`); the state is the joint
        observation, ``obs.reshape(E, -1)``."""
        self._rng = as_rng(check_seed(seed))
        for array in (self.active, self.route, self.progress, self.tau, self.last_action):
            array[:] = 0
        self.failed[:] = False
        self.t = 0
        empty = np.zeros((self.n_envs, self.max_cars), dtype=bool)
        info = self._info(acted=empty, arrived=empty, left=empty, collided=empty)
        obs = self.observe()
        return obs, obs.reshape(self.n_envs, -1), info

    def step(self, actions):
        """Move the cars, let new cars enter, pay the rewards; see the class docstring for what is returned."""
        if self.t >= self.episode_length:
            raise RuntimeError("the episode is over (episode_length steps taken); call reset first")
        actions = as_actions(actions, (self.n_envs, self.max_cars), self.n_actions)
        acted = self.active.copy()
        gas = acted & (actions == GAS)
        self.tau = np.where(acted, self.tau + 1, 0)
        self.last_action = np.where(acted, actions, 0)
        self.progress = self.progress + gas
        left = gas & (self.progress >= self.size)  # pressed gas on the last cell of the route
        self.active = acted & ~left
        self._clear(~self.active)
        arrived = self._arrive()
        collided = self._shared_cell().any(axis=2)  # (E, N)
        reward = np.where(self.active, self.collision_penalty * collided + self.time_penalty * self.tau, 0.0)
        reward += 0.0  # -0.01 * 0 is -0.0: print it as 0.0
        self.failed |= collided.any(axis=1)
        self.t += 1
        done = np.full(self.n_envs, self.t >= self.episode_length)
        obs = self.observe()
        return obs, obs.reshape(self.n_envs, -1), reward, done, self._info(acted=acted, arrived=arrived, left=left,
                                                                           collided=collided)

    def positions(self) -> np.ndarray:
        """Row and column of every car (E, N, 2); ``-1`` for a free slot."""
        c = self.junction
        down = self.route == 0
        rows = np.where(down, self.progress, c)
        cols = np.where(down, c, self.progress)
        return np.where(self.active[..., None], np.stack([rows, cols], axis=-1), -1)

    def observe(self) -> np.ndarray:
        """Observations (E, N, obs_dim): position, road, progress, last action, other cars in the window."""
        pos = self.positions()
        scale = self.size - 1
        own = np.stack([pos[..., 0] / scale, pos[..., 1] / scale, self.route, self.progress / scale,
                        self.last_action], axis=-1)
        offset = pos[:, None, :, :] - pos[:, :, None, :]  # (E, i, j, 2): where j is seen from i
        v, w = self.vision, self.window
        seen = self._pairs() & (np.abs(offset).max(axis=-1) <= v)  # (E, i, j)
        cell = (offset[..., 0] + v) * w + (offset[..., 1] + v)  # index in the window (valid where seen)
        counts = (seen[..., None] & (cell[..., None] == np.arange(w * w))).sum(axis=2)  # (E, i, w*w)
        obs = np.concatenate([own, counts], axis=-1) * self.active[..., None]
        return obs.astype(np.float32)

    def relevance(self, horizon: int = 1) -> np.ndarray:
        """Ground-truth relevance (E, N, N) bool: could cars ``i`` and ``j`` share a cell within ``horizon`` steps?

        ``R[e, i, j]`` is true when ``i != j`` are both on the road and some actions of the two
        cars put them in the same cell at some step ``t in {0, ..., k}``, ``k = horizon`` (other
        cars and new arrivals ignored). A car at route index ``l`` can be at index ``l + x`` at
        step ``t`` for every ``0 <= x <= t`` (gas ``x`` times, brake the rest), so with
        ``d = c - l`` its distance to the junction index ``c = size // 2`` (negative once past it):

        .. math::

            R_{ij} = \\begin{cases}
                |l_i - l_j| \\le k & \\text{same road} \\\\
                0 \\le d_i \\le k \\ \\wedge\\ 0 \\le d_j \\le k & \\text{different roads}
            \\end{cases}

        On one road the car behind catches up in ``|l_i - l_j|`` steps while the one ahead brakes;
        two roads share only the junction, where both cars can be at ``t = max(d_i, d_j)``.
        ``R`` is symmetric; ``horizon = 0`` gives the cars colliding now, ``horizon = 1`` marks the cars whose next actions decide whether ``i``
        collides at the next step, the pairs a learned communication graph should connect.

        Examples
        --------
        >>> env = TrafficJunction(n_envs=1, max_cars=3)
        >>> _ = env.reset(seed=0)
        >>> env.active[:] = True
        >>> env.route[0], env.progress[0] = [0, 1, 0], [2, 3, 5]  # car 0 next to the junction, car 1 on it
        >>> env.relevance(horizon=1)[0].astype(int)
        array([[0, 1, 0],
               [1, 0, 0],
               [0, 0, 0]])
        """
        k = check_int(horizon, "horizon", low=0)
        route_i, route_j = self.route[:, :, None], self.route[:, None, :]
        lane_i, lane_j = self.progress[:, :, None], self.progress[:, None, :]
        to_go_i, to_go_j = self.junction - lane_i, self.junction - lane_j
        same_road = (route_i == route_j) & (np.abs(lane_i - lane_j) <= k)
        crossing = ((route_i != route_j) & (to_go_i >= 0) & (to_go_j >= 0)
                    & (np.maximum(to_go_i, to_go_j) <= k))
        return self._pairs() & (same_road | crossing)

    def render(self, world: int = 0) -> str:
        """Text picture of one world: ``#`` off-road, ``.`` road, a car's slot number, ``X`` a shared cell.

        >>> env = TrafficJunction(n_envs=1, size=5)
        >>> _ = env.reset(seed=0)
        >>> print(env.render())
        ##.##
        ##.##
        .....
        ##.##
        ##.##
        """
        world = check_int(world, "world", low=0, high=self.n_envs - 1)
        grid = np.full((self.size, self.size), "#")
        grid[self.junction, :] = "."
        grid[:, self.junction] = "."
        for slot, (row, col) in enumerate(self.positions()[world]):
            if self.active[world, slot]:
                grid[row, col] = "X" if grid[row, col] not in "#." else str(slot % 10)
        return "\n".join("".join(row) for row in grid)

    # --- internals -------------------------------------------------------------------------

    def _pairs(self) -> np.ndarray:
        """(E, N, N) bool: ``i != j`` and both cars on the road."""
        return self.active[:, :, None] & self.active[:, None, :] & ~np.eye(self.max_cars, dtype=bool)

    def _shared_cell(self) -> np.ndarray:
        """(E, N, N) bool: cars ``i != j`` on the road in the same cell."""
        pos = self.positions()
        return self._pairs() & np.all(pos[:, :, None, :] == pos[:, None, :, :], axis=-1)

    def _clear(self, mask) -> None:
        for array in (self.route, self.progress, self.tau, self.last_action):
            array[mask] = 0

    def _draw(self):
        """This step's randomness: arrival coins (E, roads) and slot-choice keys (E, roads, N)."""
        coins = self._rng.random((self.n_envs, N_ROADS)) < self.p_arrive
        keys = self._rng.random((self.n_envs, N_ROADS, self.max_cars))
        return coins, keys

    def _arrive(self) -> np.ndarray:
        """Let new cars enter, road 0 first; returns the slots filled (E, N)."""
        coins, keys = self._draw()
        arrived = np.zeros_like(self.active)
        slots = np.arange(self.max_cars)
        for road in range(N_ROADS):
            room = self.active.sum(axis=1) < self.max_cars
            free_key = np.where(self.active, np.inf, keys[:, road])  # argmin: a uniform free slot
            enter = (coins[:, road] & room)[:, None] & (slots == free_key.argmin(axis=1)[:, None])
            self.active |= enter
            self.route[enter] = road
            self.progress[enter] = 0
            self.tau[enter] = 0
            self.last_action[enter] = GAS
            arrived |= enter
        return arrived

    def _info(self, acted, arrived, left, collided) -> dict:
        shared = self._shared_cell()
        first_in_cell = ~np.tril(shared, k=-1).any(axis=2)  # no lower slot in the same cell
        return {"positions": self.positions(), "active": self.active.copy(), "acted": acted,
                "arrived": arrived, "left": left, "collided": collided,
                "collisions": (collided & first_in_cell).sum(axis=1), "success": ~self.failed,
                "route": self.route.copy(), "progress": self.progress.copy(), "tau": self.tau.copy(),
                "terminated": np.zeros(self.n_envs, dtype=bool),  # an episode only ends by its time limit
                "truncated": np.full(self.n_envs, self.t >= self.episode_length)}
