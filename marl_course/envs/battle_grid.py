"""A small many-agent battle on a grid: a learning red army against a scripted blue one (chapter 8).

A scaled-down version of the MAgent *battle* task of Yang et al. (2018): ``n_agents`` red and
``n_agents`` blue soldiers on a ``size x size`` grid (red starts in the left third, blue in the
right third). Every cost is linear in the number of agents: positions live in occupancy grids,
observations and mean actions are read from them, never from a pairwise distance matrix.

Dynamics, per step (all agents at once):

- actions ``0 stay, 1 up, 2 down, 3 left, 4 right, 5 attack``;
- a move succeeds when its target cell is inside the grid, empty at the start of the step and
  claimed by no other mover;
- an attacker hits the weakest enemy in its 3 x 3 neighbourhood (ties: the first in reading
  order) for 1 damage; an agent at 0 hit points is removed;
- red agent ``j`` gets ``r_j = damage dealt - 1/2 damage taken - 0.01`` (0 once dead);
- blue follows :func:`scripted_action`: attack when an enemy is adjacent, otherwise step towards
  the red army's centre (or stay, if ``blue_advances`` is off), with probability ``blue_noise`` a
  random action instead;
- the episode ends when an army is destroyed or after ``max_steps``.

Observation of agent ``j`` (length ``3 + 2 (2 view + 1)^2``): its hit points over ``hp``, its
position scaled to ``[0, 1]`` (row, column), then the window's red-occupancy and blue-occupancy
(row-major, 0 outside the grid). The mean action ``a-bar_j`` is the distribution of the
previous actions of the living red agents within ``mean_radius`` (Chebyshev) of ``j``,
excluding ``j``; uniform when there is none.

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
    padded = np.pad(grids, [(0, 0)] * (grids.ndim - 2) + [(radius, radius)] * 2).astype(float)
    cumulative = padded.cumsum(axis=-1).cumsum(axis=-2)
    cumulative = np.pad(cumulative, [(0, 0)] * (grids.ndim - 2) + [(1, 0), (1, 0)])
    w = 2 * radius + 1
    return (cumulative[..., w:, w:] - cumulative[..., :-w, w:]
            - cumulative[..., w:, :-w] + cumulative[..., :-w, :-w])


class BattleGrid:
    """The red-versus-blue battle (see the module docstring for the rules and layouts).

    Parameters
    ----------
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
    blue_noise : float in [0, 1]
        Probability that a blue soldier acts at random.
    blue_advances : bool
        Whether blue marches on red's centre (otherwise it holds its ground and only attacks).

    Examples
    --------
    >>> env = BattleGrid(size=8, n_agents=4)
    >>> obs, mean_action = env.reset(seed=0)
    >>> obs.shape, mean_action.shape
    ((4, 53), (4, 6))
    >>> obs, mean_action, rewards, done, info = env.step(np.zeros(4, dtype=int))
    >>> rewards.shape, bool(done), sorted(info)
    ((4,), False, ['alive', 'blue_alive', 'red_alive'])
    """

    n_actions = N_ACTIONS

    def __init__(self, size: int = 12, n_agents: int = 16, hp: int = 3, view: int = 2,
                 mean_radius: int = 3, max_steps: int = 40, blue_noise: float = 0.2,
                 blue_advances: bool = True):
        self.size = check_int(size, "size", low=4)
        self.n_agents = check_int(n_agents, "n_agents", low=1, high=(self.size * (self.size // 3)))
        self.hp = check_int(hp, "hp", low=1)
        self.view = check_int(view, "view", low=0)
        self.mean_radius = check_int(mean_radius, "mean_radius", low=1)
        self.max_steps = check_int(max_steps, "max_steps", low=1)
        self.blue_noise = check_real(blue_noise, "blue_noise", low=0, high=1)
        self.blue_advances = check_bool(blue_advances, "blue_advances")
        self.obs_dim = 3 + 2 * (2 * self.view + 1) ** 2
        self._rng = as_rng(None)

    # ---- state: positions (2n, 2), hit points (2n,), team (2n,) with red = 0 first

    def reset(self, seed=None):
        """Place the armies at random in their thirds; returns red's ``(obs, a-bar)``."""
        self._rng = as_rng(check_seed(seed))
        n, third = self.n_agents, self.size // 3
        cells = [self._rng.choice(self.size * third, size=n, replace=False) for _ in range(2)]
        red = np.stack(np.divmod(cells[0], third), axis=1)
        blue = np.stack(np.divmod(cells[1], third), axis=1) + [0, self.size - third]
        self.positions = np.concatenate([red, blue])                     # (2n, 2)
        self.hit_points = np.full(2 * n, self.hp)                        # (2n,)
        self.team = np.repeat([0, 1], n)                                 # (2n,)
        self.last_actions = np.zeros(2 * n, dtype=int)
        self.t = 0
        return self._observe(), self._mean_actions()

    @property
    def alive(self) -> np.ndarray:
        return self.hit_points > 0

    def step(self, red_actions):
        """Play red's actions (blue acts by script); returns ``(obs, a-bar, r, done, info)``."""
        if not hasattr(self, "positions"):
            raise ValueError("call reset(seed) before step(red_actions)")
        red_actions = as_actions(red_actions, (self.n_agents,), N_ACTIONS, "red_actions")
        actions = np.concatenate([red_actions, _scripted_action(self, 1, self._rng)])
        actions = np.where(self.alive, actions, 0)
        self._move(actions)
        damage_dealt, damage_taken = self._attack(actions)
        self.last_actions = actions
        self.t += 1
        alive = self.alive[: self.n_agents]
        rewards = (damage_dealt - 0.5 * damage_taken - 0.01)[: self.n_agents]
        rewards = np.where(alive | (damage_taken[: self.n_agents] > 0), rewards, 0.0)
        red_alive, blue_alive = int(alive.sum()), int(self.alive[self.n_agents:].sum())
        done = red_alive == 0 or blue_alive == 0 or self.t >= self.max_steps
        info = {"alive": alive, "red_alive": red_alive, "blue_alive": blue_alive}
        return self._observe(), self._mean_actions(), rewards, done, info

    def _occupancy(self, mask: np.ndarray) -> np.ndarray:
        grid = np.zeros((self.size, self.size))
        np.add.at(grid, tuple(self.positions[mask].T), 1)
        return grid

    def _move(self, actions: np.ndarray) -> None:
        target = self.positions + MOVES[actions]
        inside = np.all((target >= 0) & (target < self.size), axis=1)
        target = np.where(inside[:, None], target, self.positions)
        occupied = self._occupancy(self.alive)
        claims = np.zeros((self.size, self.size))
        movers = self.alive & np.any(target != self.positions, axis=1)
        np.add.at(claims, tuple(target[movers].T), 1)
        free = (occupied[tuple(target.T)] == 0) & (claims[tuple(target.T)] == 1)
        self.positions = np.where((movers & free)[:, None], target, self.positions)

    def _attack(self, actions: np.ndarray):
        ids = np.full((self.size + 2, self.size + 2), -1)
        alive = np.flatnonzero(self.alive)
        ids[self.positions[alive, 0] + 1, self.positions[alive, 1] + 1] = alive
        attackers = np.flatnonzero(self.alive & (actions == ATTACK))
        offsets = np.array([[dr, dc] for dr in (-1, 0, 1) for dc in (-1, 0, 1)])
        cells = self.positions[attackers, None, :] + 1 + offsets            # (n_attackers, 9, 2)
        candidates = ids[cells[..., 0], cells[..., 1]]                      # (n_attackers, 9)
        enemy = (candidates >= 0) & (self.team[candidates] != self.team[attackers, None])
        hp = np.where(enemy, self.hit_points[candidates], np.inf)
        has_target = enemy.any(axis=1)
        choice = candidates[np.arange(len(attackers)), hp.argmin(axis=1)]
        damage_taken = np.bincount(choice[has_target], minlength=len(self.team)).astype(float)
        damage_dealt = np.zeros(len(self.team))
        damage_dealt[attackers[has_target]] = 1.0
        self.hit_points = self.hit_points - damage_taken
        return damage_dealt, damage_taken

    def _observe(self) -> np.ndarray:
        """Red observations, shape (n_agents, obs_dim); zeros for the dead."""
        v, n = self.view, self.n_agents
        grids = np.stack([self._occupancy(self.alive & (self.team == k)) for k in (0, 1)])
        padded = np.pad(grids, [(0, 0), (v, v), (v, v)])
        width = np.arange(2 * v + 1)
        rows = self.positions[:n, 0, None, None] + width[None, :, None]      # (n, w, 1)
        cols = self.positions[:n, 1, None, None] + width[None, None, :]      # (n, 1, w)
        windows = padded[:, rows, cols]                                      # (2, n, w, w)
        windows = np.moveaxis(windows, 0, 1).reshape(n, -1)                  # (n, 2 w^2)
        own = np.column_stack([self.hit_points[:n] / self.hp, self.positions[:n] / (self.size - 1)])
        obs = np.concatenate([own, windows], axis=1)
        return np.where(self.alive[:n, None], obs, 0.0).astype(np.float32)

    def _mean_actions(self) -> np.ndarray:
        """Red mean actions a-bar_j over living red neighbours, shape (n_agents, n_actions)."""
        n = self.n_agents
        red = self.alive & (self.team == 0)
        counts = np.zeros((N_ACTIONS, self.size, self.size))
        np.add.at(counts, (self.last_actions[red], *self.positions[red].T), 1)
        around = _box_sum(counts, self.mean_radius)[:, self.positions[:n, 0], self.positions[:n, 1]].T
        around = around - np.eye(N_ACTIONS)[self.last_actions[:n]] * red[:n, None]   # exclude j
        total = around.sum(axis=1, keepdims=True)
        uniform = np.full_like(around, 1.0 / N_ACTIONS)
        return np.where(total > 0, around / np.maximum(total, 1), uniform).astype(np.float32)


def scripted_action(env: BattleGrid, team: int, rng: np.random.Generator) -> np.ndarray:
    """The scripted soldiers' actions: attack an adjacent enemy, else head for the enemy's centre.

    With probability ``env.blue_noise`` a soldier picks a uniformly random action instead.

    Returns
    -------
    numpy.ndarray of int, shape (n_agents,)
    """
    if not isinstance(env, BattleGrid):
        raise TypeError(f"env must be a BattleGrid, got {type(env).__name__}")
    if not hasattr(env, "positions"):
        raise ValueError("env must have been reset (call env.reset(seed) first)")
    team = check_int(team, "team", low=0, high=1)
    check_generator(rng)
    return _scripted_action(env, team, rng)


def _scripted_action(env: BattleGrid, team: int, rng: np.random.Generator) -> np.ndarray:
    mine = env.team == team
    enemies = env.alive & ~mine
    if not enemies.any():
        return np.zeros(int(mine.sum()), dtype=int)
    pos = env.positions[mine]
    enemy_grid = _box_sum(env._occupancy(enemies), 1)
    adjacent = enemy_grid[pos[:, 0], pos[:, 1]] > 0
    gap = env.positions[enemies].mean(axis=0) - pos                       # (n_agents, 2)
    vertical = np.abs(gap[:, 0]) >= np.abs(gap[:, 1])
    move = np.where(vertical, np.where(gap[:, 0] < 0, 1, 2), np.where(gap[:, 1] < 0, 3, 4))
    action = np.where(adjacent, ATTACK, move if env.blue_advances else 0)
    noisy = rng.random(len(pos)) < env.blue_noise
    return np.where(noisy, rng.integers(0, N_ACTIONS, size=len(pos)), action)
