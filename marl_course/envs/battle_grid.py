"""A small many-agent battle on a grid: a learning red army against a scripted blue one (chapter 8).

A scaled-down version of the MAgent *battle* task of Yang et al. (2018): ``n_agents`` red and
``n_agents`` blue soldiers on a ``size x size`` grid (red starts in the left third, blue in the
right third). Every cost is linear in the number of agents: positions live in occupancy grids,
observations and mean actions are read from them, never from a pairwise distance matrix.
``n_envs`` battles are stepped together, as whole arrays with a leading world axis: a step costs
time linear in ``n_envs x n_agents``, with no Python loop over the worlds.

Dynamics, per step (all agents of all worlds at once):

- actions ``0 stay, 1 up, 2 down, 3 left, 4 right, 5 attack``;
- a move succeeds when its target cell is inside the grid, empty at the start of the step and
  claimed by no other mover;
- an attacker hits the weakest enemy in its 3 x 3 neighbourhood (ties: the first in reading
  order) for 1 damage; an agent at 0 hit points is removed;
- red agent ``j`` gets ``r_j = damage dealt - 1/2 damage taken - 0.01`` (0 once dead);
- blue follows :func:`scripted_action`: attack when an enemy is adjacent, otherwise step towards
  the red army's centre (or stay, if ``blue_advances`` is off), with probability ``blue_noise`` a
  random action instead;
- a battle is **terminated** when an army is destroyed and **truncated** after ``max_steps``
  steps (``done = terminated | truncated``); a finished battle is frozen (nobody moves, reward 0,
  the same observation) until the next :meth:`BattleGrid.reset`.

Observation of red agent ``j`` (length ``obs_dim = 3 + 2 (2 view + 1)^2``): its hit points over
``hp``, its position scaled to ``[0, 1]`` (row, column), then the window's red-occupancy and
blue-occupancy (row-major, 0 outside the grid); zeros once dead. The mean action

    a-bar_j = (1 / |N(j)|) sum_{k in N(j)} onehot(a_k),
    N(j) = { living red k != j : max(|row_k - row_j|, |col_k - col_j|) <= mean_radius },

is the distribution of the previous actions of the living red agents within ``mean_radius``
(Chebyshev) of ``j``, uniform ``1 / 6`` when ``N(j)`` is empty; at a reset every ``a_k`` counts
as ``0 stay``. The global state (``state_dim =
2 size^2``) is the red hit-point grid then the blue one, each cell holding the hit points over
``hp`` of the living soldier standing there (0 for an empty cell), flattened row-major.

Seeding: the worlds share one generator. ``reset(seed)`` places world 0's armies (red, then
blue), then world 1's, ...; each step draws blue's noise for every soldier of every world at
once (an ``(n_envs, n_agents)`` block of uniforms, then one of random actions). So world 0 of a
batch starts exactly like a one-world battle with the same seed, and ``n_envs = 1`` plays the
same battles, number for number, as the one-world version of this class did.

References
----------
Yang, Luo, Li, Zhou, Zhang, Wang (2018). Mean Field Multi-Agent Reinforcement Learning. ICML.
Zheng et al. (2018). MAgent: a many-agent reinforcement learning platform. AAAI.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import (as_actions, as_finite_array, as_rng, check_bool, check_generator, check_int,
                                     check_real, check_seed)

MOVES = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [0, 0]])
"""Row/column displacement of actions 0 stay, 1 up, 2 down, 3 left, 4 right, 5 attack."""
ATTACK = 5
N_ACTIONS = 6
_OFFSETS = np.array([[dr, dc] for dr in (-1, 0, 1) for dc in (-1, 0, 1)])
"""The 3 x 3 neighbourhood in reading order (an attacker's candidate cells)."""


def box_sum(grids: np.ndarray, radius: int) -> np.ndarray:
    """Sum of each cell's ``(2 radius + 1)^2`` box over the last two axes (zero outside).

    Examples
    --------
    >>> box_sum(np.eye(3), 1)
    array([[2., 2., 1.],
           [2., 3., 2.],
           [1., 2., 2.]])
    """
    grids = as_finite_array(grids, "grids", min_ndim=2)
    radius = check_int(radius, "radius", low=0)
    return _box_sum(grids, radius)


def _box_sum(grids: np.ndarray, radius: int) -> np.ndarray:
    *lead, rows, cols = grids.shape
    padded = np.zeros((*lead, rows + 2 * radius, cols + 2 * radius))           # zeros around the grid
    padded[..., radius:radius + rows, radius:radius + cols] = grids
    cumulative = np.zeros((*lead, rows + 2 * radius + 1, cols + 2 * radius + 1))  # and a zero first row, column
    cumulative[..., 1:, 1:] = padded.cumsum(axis=-1).cumsum(axis=-2)
    w = 2 * radius + 1
    return (cumulative[..., w:, w:] - cumulative[..., :-w, w:]
            - cumulative[..., w:, :-w] + cumulative[..., :-w, :-w])


class BattleGrid:
    """``n_envs`` red-versus-blue battles stepped together (rules, layouts and seeding: the module
    docstring). Follows the batched worlds' contract of :mod:`marl_course.envs`.

    Parameters
    ----------
    n_envs : int
        Battles stepped together.
    size : int
        Grid side.
    n_agents : int
        Soldiers per army.
    hp : int
        Hit points of a soldier.
    view : int
        Observation window radius (the window is ``2 view + 1`` cells wide).
    mean_radius : int
        Chebyshev radius of the neighbourhood ``N(j)`` whose mean action ``a-bar_j`` is reported.
    max_steps : int
        Time limit: a battle still on after ``max_steps`` steps is truncated.
    blue_noise : float in [0, 1]
        Probability that a blue soldier acts at random.
    blue_advances : bool
        Whether blue marches on red's centre (otherwise it holds its ground and only attacks).

    Attributes
    ----------
    positions : numpy.ndarray of int, shape (n_envs, 2 n_agents, 2)
        Row and column of every soldier, red ``0 .. n-1`` first, then blue (the dead stay where
        they fell, off every grid).
    hit_points : numpy.ndarray, shape (n_envs, 2 n_agents)
    team : numpy.ndarray of int, shape (2 n_agents,)
        0 for red, 1 for blue (the same in every world).
    last_actions : numpy.ndarray of int, shape (n_envs, 2 n_agents)
        The actions of the last step (what the mean actions average).
    t : int
        Steps since the reset.

    Examples
    --------
    >>> env = BattleGrid(n_envs=2, size=8, n_agents=4)
    >>> obs, state, info = env.reset(seed=0)
    >>> obs.shape, state.shape, info["mean_action"].shape
    ((2, 4, 53), (2, 128), (2, 4, 6))
    >>> obs, state, reward, done, info = env.step(np.zeros((2, 4), dtype=int))
    >>> reward.shape, done, sorted(info)
    ((2, 4), array([False, False]), ['alive', 'blue_alive', 'mean_action', 'red_alive', 'terminated', 'truncated'])

    World 0 of a batch starts like a single battle with the same seed:

    >>> one = BattleGrid(n_envs=1, size=8, n_agents=4)
    >>> bool(np.array_equal(one.reset(seed=0)[0][0], env.reset(seed=0)[0][0]))
    True
    """

    n_actions = N_ACTIONS

    def __init__(self, n_envs: int = 1, size: int = 12, n_agents: int = 16, hp: int = 3, view: int = 2,
                 mean_radius: int = 3, max_steps: int = 40, blue_noise: float = 0.2,
                 blue_advances: bool = True):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.size = check_int(size, "size", low=4)
        self.n_agents = check_int(n_agents, "n_agents", low=1, high=(self.size * (self.size // 3)))
        self.hp = check_int(hp, "hp", low=1)
        self.view = check_int(view, "view", low=0)
        self.mean_radius = check_int(mean_radius, "mean_radius", low=1)
        self.max_steps = check_int(max_steps, "max_steps", low=1)
        self.blue_noise = check_real(blue_noise, "blue_noise", low=0, high=1)
        self.blue_advances = check_bool(blue_advances, "blue_advances")
        self.obs_dim = 3 + 2 * (2 * self.view + 1) ** 2
        self.state_dim = 2 * self.size * self.size
        self.team = np.repeat([0, 1], self.n_agents)                     # (2n,)
        self._world = np.arange(self.n_envs)[:, None]                    # (E, 1): the world of each row
        self._world_of = np.repeat(self._world, 2 * self.n_agents, axis=1)  # (E, 2n): each soldier's world
        self._team_of = np.tile(self.team, (self.n_envs, 1))             # (E, 2n): each soldier's team
        self._rng = as_rng(None)

    def reset(self, seed=None):
        """Place every world's armies at random in their thirds.

        Returns ``(obs, state, info)``: red's observations ``(n_envs, n_agents, obs_dim)``, the
        global state ``(n_envs, state_dim)`` and ``info`` with the keys of :meth:`step` (in
        ``mean_action`` every neighbour's previous action counts as ``0 stay``).
        """
        self._rng = as_rng(check_seed(seed))
        n, third = self.n_agents, self.size // 3
        positions = np.empty((self.n_envs, 2 * n, 2), dtype=int)
        for world in range(self.n_envs):  # once per battle: Generator.choice has no batched form
            cells = [self._rng.choice(self.size * third, size=n, replace=False) for _ in range(2)]
            positions[world, :n] = np.stack(np.divmod(cells[0], third), axis=1)
            positions[world, n:] = np.stack(np.divmod(cells[1], third), axis=1) + [0, self.size - third]
        self.positions = positions                                       # (E, 2n, 2)
        self.hit_points = np.full((self.n_envs, 2 * n), self.hp)         # (E, 2n)
        self.last_actions = np.zeros((self.n_envs, 2 * n), dtype=int)    # (E, 2n)
        self.t = 0
        self._terminated = np.zeros(self.n_envs, dtype=bool)
        self._truncated = np.zeros(self.n_envs, dtype=bool)
        return self._observe(), self.state(), self._info()

    @property
    def alive(self) -> np.ndarray:
        """Which soldiers live, shape ``(n_envs, 2 n_agents)`` (red first)."""
        return self.hit_points > 0

    def step(self, actions):
        """Play red's ``actions`` ``(n_envs, n_agents)`` (blue acts by script) in every world not done.

        Returns ``(obs, state, reward, done, info)``: ``reward`` ``(n_envs, n_agents)`` (0 for the
        dead and in finished worlds), ``done`` ``(n_envs,)`` and ``info`` with ``alive``
        ``(n_envs, n_agents)`` (red's living soldiers), ``red_alive`` and ``blue_alive``
        ``(n_envs,)`` (how many live), ``mean_action`` ``(n_envs, n_agents, n_actions)``
        (``a-bar_j`` for the next action), ``terminated`` (an army destroyed) and ``truncated``
        (``max_steps`` reached), both ``(n_envs,)``, ``done = terminated | truncated``.
        """
        if not hasattr(self, "positions"):
            raise ValueError("call reset(seed) before step(actions)")
        actions = as_actions(actions, (self.n_envs, self.n_agents), N_ACTIONS, "actions")
        blue = _scripted_action(self, 1, self._rng)                      # drawn for every world
        playing = ~(self._terminated | self._truncated)                  # (E,) worlds not done
        actions = np.concatenate([actions, blue], axis=1)
        actions = np.where(self.alive & playing[:, None], actions, 0)
        self._move(actions)
        damage_dealt, damage_taken = self._attack(actions)
        self.last_actions = np.where(playing[:, None], actions, self.last_actions)
        self.t += 1
        n = self.n_agents
        alive = self.alive
        reward = (damage_dealt - 0.5 * damage_taken - 0.01)[:, :n]
        reward = np.where((alive[:, :n] | (damage_taken[:, :n] > 0)) & playing[:, None], reward, 0.0)
        red_alive, blue_alive = alive[:, :n].sum(axis=1), alive[:, n:].sum(axis=1)
        ended = playing & ((red_alive == 0) | (blue_alive == 0))
        self._terminated |= ended
        self._truncated |= playing & ~ended & (self.t >= self.max_steps)
        return self._observe(), self.state(), reward, self._terminated | self._truncated, self._info()

    def state(self) -> np.ndarray:
        """The global state ``(n_envs, 2 size^2)``: red's then blue's hit-point grid over ``hp``, flattened."""
        grids = np.zeros((self.n_envs, 2, self.size, self.size))
        alive = self.alive
        rows, cols = self.positions[alive].T
        np.add.at(grids, (self._world_of[alive], self._team_of[alive], rows, cols), self.hit_points[alive] / self.hp)
        return grids.reshape(self.n_envs, -1).astype(np.float32)

    def _info(self) -> dict:
        n, alive = self.n_agents, self.alive
        return {"alive": alive[:, :n], "red_alive": alive[:, :n].sum(axis=1), "blue_alive": alive[:, n:].sum(axis=1),
                "mean_action": self._mean_actions(), "terminated": self._terminated.copy(),
                "truncated": self._truncated.copy()}

    def _occupancy(self, mask: np.ndarray) -> np.ndarray:
        """How many soldiers of ``mask`` ``(n_envs, 2 n_agents)`` stand on each cell: ``(n_envs, size, size)``."""
        grid = np.zeros((self.n_envs, self.size, self.size))
        np.add.at(grid, (self._world_of[mask], *self.positions[mask].T), 1)
        return grid

    def _move(self, actions: np.ndarray) -> None:
        world = self._world_of
        target = self.positions + MOVES[actions]                         # (E, 2n, 2)
        inside = np.all((target >= 0) & (target < self.size), axis=-1)
        target = np.where(inside[..., None], target, self.positions)
        occupied = self._occupancy(self.alive)
        claims = np.zeros((self.n_envs, self.size, self.size))
        movers = self.alive & np.any(target != self.positions, axis=-1)
        np.add.at(claims, (world[movers], *target[movers].T), 1)
        at_target = (world, target[..., 0], target[..., 1])
        free = (occupied[at_target] == 0) & (claims[at_target] == 1)
        self.positions = np.where((movers & free)[..., None], target, self.positions)

    def _attack(self, actions: np.ndarray):
        n_envs, n_soldiers = self.hit_points.shape
        ids = np.full((n_envs, self.size + 2, self.size + 2), -1)
        world, soldier = np.nonzero(self.alive)
        ids[world, self.positions[world, soldier, 0] + 1, self.positions[world, soldier, 1] + 1] = soldier
        world, attackers = np.nonzero(self.alive & (actions == ATTACK))
        cells = self.positions[world, attackers, None, :] + 1 + _OFFSETS  # (n_attackers, 9, 2)
        candidates = ids[world[:, None], cells[..., 0], cells[..., 1]]     # (n_attackers, 9)
        enemy = (candidates >= 0) & (self.team[candidates] != self.team[attackers, None])
        hp = np.where(enemy, self.hit_points[world[:, None], candidates], np.inf)
        has_target = enemy.any(axis=1)
        choice = candidates[np.arange(len(attackers)), hp.argmin(axis=1)]
        hit = (world * n_soldiers + choice)[has_target]
        damage_taken = np.bincount(hit, minlength=n_envs * n_soldiers).reshape(n_envs, n_soldiers).astype(float)
        damage_dealt = np.zeros((n_envs, n_soldiers))
        damage_dealt[world[has_target], attackers[has_target]] = 1.0
        self.hit_points = self.hit_points - damage_taken
        return damage_dealt, damage_taken

    def _observe(self) -> np.ndarray:
        """Red observations, shape (n_envs, n_agents, obs_dim); zeros for the dead."""
        v, n, alive = self.view, self.n_agents, self.alive
        grids = np.stack([self._occupancy(alive & (self.team == k)) for k in (0, 1)], axis=-1)   # (E, S, S, 2)
        padded = np.zeros((self.n_envs, self.size + 2 * v, self.size + 2 * v, 2))   # zeros outside the grid
        padded[:, v:v + self.size, v:v + self.size] = grids
        width = np.arange(2 * v + 1)
        rows = self.positions[:, :n, 0, None, None] + width[:, None]          # (E, n, w, 1)
        cols = self.positions[:, :n, 1, None, None] + width[None, :]          # (E, n, 1, w)
        windows = padded[self._world[:, :, None, None], rows, cols]           # (E, n, w, w, 2)
        windows = np.moveaxis(windows, -1, 2).reshape(self.n_envs, n, -1)     # (E, n, 2 w^2)
        own = np.concatenate([self.hit_points[:, :n, None] / self.hp, self.positions[:, :n] / (self.size - 1)],
                             axis=-1)
        obs = np.concatenate([own, windows], axis=-1)
        return np.where(alive[:, :n, None], obs, 0.0).astype(np.float32)

    def _mean_actions(self) -> np.ndarray:
        """Red mean actions a-bar_j over living red neighbours, shape (n_envs, n_agents, n_actions)."""
        n = self.n_agents
        red = self.alive & (self.team == 0)
        counts = np.zeros((self.n_envs, N_ACTIONS, self.size, self.size))
        world, soldier = np.nonzero(red)
        np.add.at(counts, (world, self.last_actions[world, soldier], *self.positions[world, soldier].T), 1)
        box = _box_sum(counts, self.mean_radius)
        around = box[self._world, :, self.positions[:, :n, 0], self.positions[:, :n, 1]]   # (E, n, n_actions)
        around = around - np.eye(N_ACTIONS)[self.last_actions[:, :n]] * red[:, :n, None]   # exclude j
        total = around.sum(axis=-1, keepdims=True)
        uniform = np.full_like(around, 1.0 / N_ACTIONS)
        return np.where(total > 0, around / np.maximum(total, 1), uniform).astype(np.float32)


def scripted_action(env: BattleGrid, team: int, rng: np.random.Generator) -> np.ndarray:
    """The scripted soldiers' actions in every world: attack an adjacent enemy, else head for the
    enemy's centre (or stay, if ``env.blue_advances`` is off); stay where no enemy lives.

    With probability ``env.blue_noise`` a soldier picks a uniformly random action instead. Every
    call draws ``rng.random((n_envs, n_agents))`` then ``rng.integers(0, 6, (n_envs, n_agents))``,
    whatever the state, so the worlds' draws do not depend on one another's battles.

    Returns
    -------
    numpy.ndarray of int, shape (n_envs, n_agents)

    Examples
    --------
    >>> env = BattleGrid(n_envs=2, size=8, n_agents=4, blue_noise=0.0)
    >>> _ = env.reset(seed=0)
    >>> scripted_action(env, team=1, rng=np.random.default_rng(0)).shape
    (2, 4)
    """
    if not isinstance(env, BattleGrid):
        raise TypeError(f"env must be a BattleGrid, got {type(env).__name__}")
    if not hasattr(env, "positions"):
        raise ValueError("env must have been reset (call env.reset(seed) first)")
    team = check_int(team, "team", low=0, high=1)
    check_generator(rng)
    return _scripted_action(env, team, rng)


def _scripted_action(env: BattleGrid, team: int, rng: np.random.Generator) -> np.ndarray:
    mine = env.team == team                                               # (2n,)
    enemies = env.alive & ~mine                                           # (E, 2n)
    pos = env.positions[:, mine]                                          # (E, n, 2)
    enemy_grid = _box_sum(env._occupancy(enemies), 1)
    adjacent = enemy_grid[env._world, pos[..., 0], pos[..., 1]] > 0
    count = enemies.sum(axis=1)                                           # (E,)
    centre = (env.positions * enemies[..., None]).sum(axis=1) / np.maximum(count, 1)[:, None]   # (E, 2)
    gap = centre[:, None, :] - pos                                        # (E, n, 2)
    vertical = np.abs(gap[..., 0]) >= np.abs(gap[..., 1])
    move = np.where(vertical, np.where(gap[..., 0] < 0, 1, 2), np.where(gap[..., 1] < 0, 3, 4))
    action = np.where(adjacent, ATTACK, move if env.blue_advances else 0)
    noisy = rng.random(pos.shape[:2]) < env.blue_noise
    action = np.where(noisy, rng.integers(0, N_ACTIONS, size=pos.shape[:2]), action)
    return np.where(count[:, None] > 0, action, 0)
