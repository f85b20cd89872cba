"""Chapter 10's study: GA-Comm against full soft attention and no communication on the traffic junction.

The three policies share everything but the message (:data:`METHODS`): GA-Comm keeps the edges
its hard attention chooses, full soft attention keeps every edge, and the third sends nothing.
Each is trained with REINFORCE (:func:`marl_course.deep.g2anet.train`) from the same seeds on the
easy traffic junction with vision 0 (:class:`~marl_course.envs.traffic_junction.TrafficJunction`:
a car sees only its own cell, so it can learn where the others are only from messages), and then
scored on the same fresh worlds (:func:`~marl_course.deep.g2anet.junction_metrics`): success rate
(episodes without a collision), collision rate (car-steps ending in a shared cell), how often the
cars brake, and how GA-Comm's kept edges match the pairs of cars that could collide within one
step. No arrival-rate curriculum is used: ``p_arrive`` stays at its value throughout training.
The command runs the study more seeds and updates than a notebook can afford::

    python -m marl_course.experiments ga_comm --seeds 0-4 --jobs 1 --updates 300 --quiet

The shipped file :data:`RESULTS_PATH` holds that run, with its provenance (the command, the
configuration, the seeds, the versions and the CPU seconds of all workers);
``tests/test_experiment_ga_comm.py`` regenerates a short version and checks its format. The
per-seed gap between two methods and its standard error come from :func:`gap`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from marl_course._validation import check_bool, check_choice, check_instance, check_int
from marl_course.deep.g2anet import GACommConfig, junction_metrics, train
from marl_course.envs.traffic_junction import GAS, TrafficJunction
from marl_course.experiments.paired import gather
from marl_course.experiments.parallel import run_seeds_timed, training_study
from marl_course.experiments.provenance import check_seeds, check_settings, read_results

RESULTS_PATH = Path(__file__).with_name("ga_comm_traffic_junction.json")
"""The shipped results of the study."""
METHODS = {"GA-Comm": "hard+soft", "full soft attention": "soft", "no communication": "none"}
"""Display name -> ``GACommConfig.communication``."""
FORMAT = "marl_course.ga_comm_experiment/1"
"""Identifies the layout of the results file."""
ENV = dict(n_envs=32, max_cars=5, size=7, vision=0, p_arrive=0.3, episode_length=20)
"""The training junction: IC3Net's easy version (5 cars, 7 x 7, vision 0, arrival rate 0.3, 20 steps)."""
CONFIG = GACommConfig(n_updates=300, gamma=0.9, lr=3e-3)
"""The shared training setting (the study's defaults); ``communication`` is set per method."""
EVAL = dict(n_envs=256, n_episodes=2, seed=123, horizon=1)
"""The scoring: 2 x 256 fresh episodes from ``seed``, the same for every run; edges against the pairs
that could collide within ``horizon`` steps."""


def run_seed(seed: int, *, config: GACommConfig, env: dict, evaluation: dict, block: int,
             progress: bool = False) -> dict:
    """One seed of :func:`compare`: every method of :data:`METHODS` trained from ``seed`` and scored.

    Returns ``{method: {"curve": [mean training success per block of updates], "final": metrics}}``
    with the metrics of :func:`~marl_course.deep.g2anet.junction_metrics`.
    """
    n_blocks = config.n_updates // block
    eval_env = TrafficJunction(**{**env, "n_envs": evaluation["n_envs"]})
    out = {}
    for name, communication in METHODS.items():
        history = train(TrafficJunction(**env), replace(config, communication=communication), seed=seed,
                        progress=progress)
        success = np.asarray(history.metrics["success_rate"][: n_blocks * block]).reshape(n_blocks, block)
        final = junction_metrics(history.model, eval_env, n_episodes=evaluation["n_episodes"],
                                 seed=evaluation["seed"], horizon=evaluation["horizon"])
        out[name] = {"curve": success.mean(axis=1).tolist(), "final": final}
    return out


def yield_rule(env: TrafficJunction) -> np.ndarray:
    """A hand-written policy that reads every car's position: what messages could tell a car.

    A car on road 1 one cell before the junction brakes when a car on road 0 is one cell before it
    too (road 0 has the right of way), and a car right behind a braking car on its road brakes as
    well; every other car presses gas. Returns the actions (E, N).

    Examples
    --------
    >>> env = TrafficJunction(n_envs=1, max_cars=3)
    >>> _ = env.reset(seed=0)
    >>> env.active[:] = True
    >>> env.route[0], env.progress[0] = [0, 1, 1], [2, 2, 1]   # cars 0 and 1 both one cell before the junction
    >>> yield_rule(env)[0]                                     # car 1 yields, car 2 behind it waits
    array([0, 1, 1])
    """
    check_instance(env, "env", TrafficJunction)
    before = env.active & (env.progress == env.junction - 1)
    road0_waiting = (before & (env.route == 0)).any(axis=1)  # (E,)
    brake = before & (env.route == 1) & road0_waiting[:, None]
    for _ in range(env.size):  # pass the braking back along road 1's queue
        behind = np.zeros_like(brake)
        for i in range(env.max_cars):
            ahead_brakes = brake[:, i:i + 1] & (env.route == env.route[:, i:i + 1]) & (env.progress == env.progress[:, i:i + 1] - 1)
            behind |= ahead_brakes & env.active
        if not (behind & ~brake).any():
            break
        brake |= behind
    return np.where(brake, 1 - GAS, GAS)


def scripted_metrics(env: TrafficJunction, policy: str = "gas", *, n_episodes: int = 1, seed: int = 0) -> dict:
    """Success and collision rates of a scripted policy: ``"gas"`` (never brake) or ``"yield"`` (:func:`yield_rule`).

    Measured as :func:`~marl_course.deep.g2anet.junction_metrics` measures them: the fraction of
    episodes without a collision, and the mean over episodes of the fraction of car-steps that end
    in a shared cell.

    Never braking is the best a car can do knowing nothing of the others: the only collisions are
    two cars reaching the junction together from the two roads. The yield rule shows what knowing
    the others' positions is worth. The episodes are the worlds
    :func:`~marl_course.deep.g2anet.junction_metrics` plays with the same ``env`` settings and ``seed``.

    Examples
    --------
    >>> scores = scripted_metrics(TrafficJunction(n_envs=64, p_arrive=0.0), seed=0)   # no cars at all
    >>> scores["success_rate"], scores["collision_rate"]
    (1.0, 0.0)
    """
    check_instance(env, "env", TrafficJunction)
    check_choice(policy, "policy", ("gas", "yield"))
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    rng.integers(2**31)  # junction_metrics draws its action seed first: the same worlds for the same seed
    success, collisions = [], []
    for _ in range(n_episodes):
        env.reset(seed=int(rng.integers(2**31)))
        done, collided, on_road = np.zeros(env.n_envs, dtype=bool), 0, 0
        while not done.all():
            actions = np.full((env.n_envs, env.max_cars), GAS) if policy == "gas" else yield_rule(env)
            _, _, _, done, info = env.step(actions)
            collided += int((info["collided"] & info["active"]).sum())
            on_road += int(info["active"].sum())
        success.append(info["success"].mean())
        collisions.append(collided / max(on_road, 1))
    return {"success_rate": float(np.mean(success)), "collision_rate": float(np.mean(collisions))}


def compare(config: GACommConfig = CONFIG, seeds=(0, 1), *, env: dict | None = None, evaluation: dict | None = None,
            block: int = 10, progress: bool = True, jobs: int | None = 1, cluster: str | None = None,
            address: str | None = None) -> tuple[dict, float]:
    """Train every method of :data:`METHODS` from each seed (only ``communication`` differs) and summarise.

    Parameters
    ----------
    config : GACommConfig
        The shared training setting.
    seeds : sequence of int
        One run per seed and method; the methods share the seeds (paired comparison).
    env, evaluation : dict, optional
        Keyword arguments of the training :class:`TrafficJunction` (default :data:`ENV`) and the
        scoring (default :data:`EVAL`).
    block : int
        Updates averaged into one point of the learning curve.
    progress : bool
        tqdm bars (only when the seeds run in this process).
    jobs, cluster, address
        Where the seeds run (:func:`marl_course.experiments.parallel.run_seeds`); the result does not depend on it.

    Returns
    -------
    (dict, float)
        The summary: ``updates`` (the update count at the end of each block), ``scripted``
        (:func:`scripted_metrics` of ``"gas"`` and ``"yield"`` on the scoring worlds) and, per method, ``curves``
        ``(n_seeds, n_blocks)`` and ``final`` (one metrics dict per seed); and the CPU seconds of all workers.

    Examples
    --------
    >>> out, cpu = compare(GACommConfig(n_updates=2, hidden=8), seeds=[0], env=dict(ENV, n_envs=4), block=1,
    ...                    evaluation=dict(EVAL, n_envs=8, n_episodes=1), progress=False)
    >>> out["updates"], sorted(out["methods"]) == sorted(METHODS), sorted(out["methods"]["GA-Comm"]["final"][0])[:3]
    ([1, 2], True, ['brake_rate', 'collision_rate', 'kept'])
    """
    check_instance(config, "config", GACommConfig)
    seeds = check_seeds(seeds)
    env = check_settings(env, "env", ENV, same_keys=False)
    evaluation = check_settings(evaluation, "evaluation", EVAL)
    TrafficJunction(**env)  # names a bad field now, not in a worker
    block = check_int(block, "block", low=1, high=config.n_updates)
    check_bool(progress, "progress")
    run_one = partial(run_seed, config=config, env=env, evaluation=evaluation, block=block,
                      progress=progress and jobs == 1 and cluster is None)
    per_seed, cpu_seconds = run_seeds_timed(run_one, seeds, jobs=jobs, cluster=cluster, address=address)
    n_blocks = config.n_updates // block
    eval_env = TrafficJunction(**{**env, "n_envs": evaluation["n_envs"]})
    summary = {"updates": [(b + 1) * block for b in range(n_blocks)],
               "scripted": {policy: scripted_metrics(eval_env, policy, n_episodes=evaluation["n_episodes"],
                                                     seed=evaluation["seed"]) for policy in ("gas", "yield")},
               **gather(per_seed, METHODS, {"curves": "curve", "final": "final"})}
    return summary, cpu_seconds


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file written by :func:`main`, checking its format tag.

    Examples
    --------
    >>> results = load_results()
    >>> sorted(results["methods"]) == sorted(METHODS), results["provenance"]["command"].split()[3]
    (True, 'ga_comm')
    """
    return read_results(path, FORMAT)


def main(argv=None) -> None:
    """Command line: run :func:`compare` and write the results file (see the module docstring)."""
    training_study("ga_comm", argv, doc=__doc__, config=CONFIG, length="updates", unit="update", env=ENV,
                   evaluation=EVAL, compare=compare, path=RESULTS_PATH, format=FORMAT)
