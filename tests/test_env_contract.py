"""The batched worlds' one contract (marl_course.envs): reset(seed) -> (obs, state, info),
step(actions) -> (obs, state, reward, done[n_envs], info) with terminated | truncated == done, seeded.

The tabular games (soccer, the grid games, a repeated matrix game) observe state indices: obs
(n_envs, n_players) and state (n_envs,), integers in [0, n_states)."""

import numpy as np
import pytest

from marl_course.envs.battle_grid import BattleGrid
from marl_course.envs.cartpole import CartPole
from marl_course.envs.coordination_grid import CoordinationGrid
from marl_course.envs.grid_games import GridGame
from marl_course.envs.jungle import Jungle
from marl_course.envs.matrix_games import make_matrix_game
from marl_course.envs.nonmonotonic import OneStepTeamGame, climbing_game
from marl_course.envs.particle import CooperativeNavigation, PhysicalDeception, SpeakerListener
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.envs.soccer import Soccer
from marl_course.envs.traffic_junction import TrafficJunction
from marl_course.envs.two_step import TwoStepGame

N_ENVS = 3
WORLDS = {
    "BattleGrid": lambda: BattleGrid(n_envs=N_ENVS, size=8, n_agents=4, max_steps=10),
    "CartPole": lambda: CartPole(n_envs=N_ENVS, flicker=0.3, max_steps=30),
    "CoordinationGrid": lambda: CoordinationGrid(n_envs=N_ENVS, episode_limit=12),
    "Jungle": lambda: Jungle(n_envs=N_ENVS, n_agents=4, n_scouts=1, k=2, episode_length=6),
    "OneStepTeamGame": lambda: OneStepTeamGame(climbing_game(), n_envs=N_ENVS),
    "CooperativeNavigation": lambda: CooperativeNavigation(n_envs=N_ENVS, max_steps=6),
    "PhysicalDeception": lambda: PhysicalDeception(n_envs=N_ENVS, max_steps=6),
    "SpeakerListener": lambda: SpeakerListener(n_envs=N_ENVS, max_steps=6),
    "TwoStepGame": lambda: TwoStepGame(n_envs=N_ENVS),
    "PredatorPrey": lambda: PredatorPrey(n_envs=N_ENVS, n_predators=3, size=4, episode_length=10),
    "PredatorPrey capture": lambda: PredatorPrey(n_envs=N_ENVS, n_predators=4, n_prey=2, size=5, rule="capture",
                                                 episode_length=10),
    "PredatorPrey distractors": lambda: PredatorPrey(n_envs=N_ENVS, n_predators=3, size=4, episode_length=10,
                                                     n_distractors=2),
    "TrafficJunction": lambda: TrafficJunction(n_envs=N_ENVS, episode_length=12, p_arrive=0.5),
    "Soccer": lambda: Soccer(n_envs=N_ENVS),
    "GridGame 1": lambda: GridGame(1, max_steps=12, n_envs=N_ENVS),
    "GridGame 2": lambda: GridGame(2, max_steps=12, n_envs=N_ENVS),
    "RepeatedMatrixGame": lambda: make_matrix_game("matching_pennies", n_envs=N_ENVS, horizon=5),
}


def _indexed(env):
    """A tabular game: its observations and states are state indices."""
    return hasattr(env, "n_states")


def _n_agents(env):
    return getattr(env, "n_agents", getattr(env, "n_players", None))


def _random_actions(env, rng):
    n = _n_agents(env)
    if n is None:
        return rng.integers(0, env.n_actions, size=env.n_envs)
    counts = env.action_counts if _indexed(env) else np.broadcast_to(env.n_actions, (n,))
    return np.stack([rng.integers(0, m, size=env.n_envs) for m in counts], axis=1)


def _episode(env, seed):
    """Reset with ``seed`` and play seeded random actions until every world is done."""
    rng = np.random.default_rng(seed)
    first = env.reset(seed=seed)
    steps = []
    for _ in range(1000):
        steps.append(env.step(_random_actions(env, rng)))
        if steps[-1][3].all():
            return first, steps
    raise AssertionError("an episode did not end within 1000 steps")


@pytest.mark.parametrize("name", WORLDS)
def test_reset_and_step_have_the_contract_shapes(name):
    env = WORLDS[name]()
    assert env.n_envs == N_ENVS
    (obs, state, info), steps = _episode(env, seed=4)
    assert isinstance(info, dict)
    n = _n_agents(env)
    for step in [(obs, state, None, None, info)] + steps:
        o, s = step[0], step[1]
        batch = (N_ENVS,) if n is None else (N_ENVS, n)
        if _indexed(env):  # every player observes the state index
            assert o.shape == batch and s.shape == (N_ENVS,) and s.dtype.kind == "i"
            assert (o == s[:, None]).all() and 0 <= s.min() and s.max() < env.n_states
            continue
        assert o.ndim == len(batch) + 1 and o.shape[:-1] == batch
        assert s.ndim == 2 and s.shape[0] == N_ENVS
        assert np.isfinite(o).all() and np.isfinite(s).all()
    for _, _, reward, done, step_info in steps:
        assert reward.shape in {(N_ENVS,), (N_ENVS, n)} and np.isfinite(reward).all()
        assert done.dtype == bool and done.shape == (N_ENVS,)
        terminated, truncated = step_info["terminated"], step_info["truncated"]
        assert terminated.dtype == bool and truncated.dtype == bool
        np.testing.assert_array_equal(terminated | truncated, done)
        assert not (terminated & truncated).any()  # a world ends one way


@pytest.mark.parametrize("name", WORLDS)
def test_done_worlds_stay_done_until_reset(name):
    env = WORLDS[name]()
    _, steps = _episode(env, seed=1)
    done = np.stack([step[3] for step in steps])  # (T, n_envs)
    assert (done[1:] >= done[:-1]).all()  # once done, done
    env.reset(seed=1)  # a reset starts the worlds again
    assert len(steps) == 1 or not env.step(_random_actions(env, np.random.default_rng(0)))[3].any()


@pytest.mark.parametrize("name", WORLDS)
def test_the_same_seed_gives_the_same_episode(name):
    def roll(seed):
        (obs, state, _), steps = _episode(WORLDS[name](), seed)
        return [obs, state] + [array for step in steps for array in step[:4]]

    first, again = roll(7), roll(7)
    assert len(first) == len(again) and all(np.array_equal(a, b) for a, b in zip(first, again))
    deterministic = name in {"OneStepTeamGame", "TwoStepGame"}  # fixed starts and payoffs
    other = roll(8)
    assert deterministic or len(other) != len(first) or not all(np.array_equal(a, b) for a, b in zip(first, other))
