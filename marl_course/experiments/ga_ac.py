"""Chapter 10's GA-AC study: the two-stage attention critic against a soft-attention critic and
independent critics, on a predator-prey whose reward couples the predators.

The task (:data:`ENV`) is :class:`~marl_course.envs.predator_prey.PredatorPrey` with
``rule="capture"``: 8 predators and 4 stationary prey on a 10 x 10 grid, vision 2, 20 steps; a
prey is caught when at least two predators are within one cell of it (Chebyshev distance) at the
same step, and each of them gets +1. A predator alone next to a prey earns nothing, so its return
depends on the few predators near the same prey and on nobody else: the setting in which a critic
that picks out those few should help. The ground truth of who matters is
:meth:`~marl_course.envs.predator_prey.PredatorPrey.relevance` (the pairs that can capture one
prey together on the next step).

The three learners (:data:`METHODS`) share everything but the critic's edges
(:class:`~marl_course.deep.g2anet_ac.GAACConfig` ``communication``): hard + soft attention
(GA-AC), every edge kept with soft weights (a MAAC-like critic), no edge (``Q_i(o_i, a_i)``).
The actors are the same decentralised ``pi(a_i | o_i)`` in all three. Each is trained from the
same seeds (:func:`~marl_course.deep.g2anet_ac.train`) and scored on the same fresh worlds
(:func:`~marl_course.deep.g2anet_ac.capture_metrics`, greedy and sampled actions): capture rate,
success rate, return, and the critic's kept edges against the ground truth (precision against its
chance level, the base rate of relevant pairs). Two scripted predators bracket the scores
(:func:`scripted_metrics`). The command::

    python -m marl_course.experiments ga_ac --seeds 0-4 --jobs 1 --quiet

The shipped file :data:`RESULTS_PATH` holds that run with its provenance (the command, the
configuration, the seeds, the versions and the CPU seconds); ``tests/test_experiment_ga_ac.py``
regenerates a short version and checks its format. Paired gaps come from :func:`marl_course.experiments.paired.gap`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from marl_course._validation import check_bool, check_choice, check_instance, check_int
from marl_course.deep.g2anet_ac import GAACConfig, capture_metrics, train
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.experiments.paired import gather
from marl_course.experiments.parallel import run_seeds_timed, training_study
from marl_course.experiments.provenance import check_seeds, check_settings, read_results

RESULTS_PATH = Path(__file__).with_name("ga_ac_coupled_capture.json")
"""The shipped results of the study."""
METHODS = {"GA-AC": "hard+soft", "soft-attention critic": "soft", "independent critics": "none"}
"""Display name -> ``GAACConfig.communication``."""
FORMAT = "marl_course.ga_ac_experiment/1"
"""Identifies the layout of the results file."""
ENV = dict(n_envs=32, n_predators=8, size=10, vision=2, episode_length=20, step_penalty=-0.01, rule="capture",
           n_prey=4, min_captors=2, capture_range=1, capture_reward=1.0)
"""The training worlds: coupled capture, 8 predators, 4 prey, 10 x 10, vision 2, 20 steps, 32 worlds per round."""
CONFIG = GAACConfig(n_rounds=150, update_every=4)
"""The shared training setting (the study's defaults); ``communication`` is set per method."""
EVAL = dict(n_envs=256, n_episodes=2, seed=123)
"""The scoring: 2 x 256 fresh episodes from ``seed``, the same worlds for every run."""
SCRIPTED = ("random", "chase")
"""The scripted references of :func:`scripted_metrics`."""


def chase_rule(env: PredatorPrey, obs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A memoryless hand-written predator: walk to the nearest visible prey and wait within range.

    A predator that sees a prey (``obs[..., 2] = 1``) and is more than ``capture_range`` from it
    steps along the axis of the larger offset; within range it stays; one that sees no prey moves
    uniformly at random. It uses only the predator's own observation, as the learned actors do.

    Examples
    --------
    >>> env = PredatorPrey(n_envs=1, n_predators=2, size=6, n_prey=1, rule="capture", vision=2)
    >>> obs, _, _ = env.reset(seed=0)
    >>> env.prey_pos[0] = [[2, 2]]
    >>> env.predator_pos[0] = [[2, 4], [1, 1]]   # two cells right of the prey; diagonal to it
    >>> chase_rule(env, env.observe(), np.random.default_rng(0))[0]   # 0 steps left, 1 waits
    array([3, 0])
    """
    check_instance(env, "env", PredatorPrey)
    offset = np.rint(obs[..., 3:5] * env.size).astype(int)  # (E, N, 2): prey - predator
    visible = obs[..., 2] > 0
    far = np.abs(offset).max(axis=-1) > env.capture_range
    rows = np.abs(offset[..., 0]) >= np.abs(offset[..., 1])
    toward = np.where(rows, np.where(offset[..., 0] < 0, 1, 2), np.where(offset[..., 1] < 0, 3, 4))
    wander = rng.integers(0, env.n_actions, size=visible.shape)
    return np.where(visible, np.where(far, toward, 0), wander)


def scripted_metrics(env: PredatorPrey, policy: str = "random", *, n_episodes: int = 1, seed: int = 0) -> dict:
    """Capture rate, success rate and return of a scripted policy: ``"random"`` or ``"chase"`` (:func:`chase_rule`).

    The worlds are those :func:`~marl_course.deep.g2anet_ac.capture_metrics` plays with the same
    ``env`` settings and ``seed``.

    Examples
    --------
    >>> env = PredatorPrey(n_envs=64, n_predators=8, size=10, n_prey=4, vision=2, rule="capture")
    >>> chase, rand = scripted_metrics(env, "chase", seed=0), scripted_metrics(env, "random", seed=0)
    >>> chase["capture_rate"] > rand["capture_rate"]
    True
    """
    check_instance(env, "env", PredatorPrey)
    if env.rule != "capture":
        raise ValueError("env must have rule='capture'")
    check_choice(policy, "policy", SCRIPTED)
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    act_rng = np.random.default_rng(int(rng.integers(2**31)))  # capture_metrics draws its action seed first
    captured, success, returns = [], [], []
    for _ in range(n_episodes):
        obs, _, _ = env.reset(seed=int(rng.integers(2**31)))
        done, total = np.zeros(env.n_envs, dtype=bool), np.zeros((env.n_envs, env.n_agents))
        while not done.all():
            if policy == "random":
                actions = act_rng.integers(0, env.n_actions, size=(env.n_envs, env.n_agents))
            else:
                actions = chase_rule(env, obs, act_rng)
            obs, _, reward, done, info = env.step(actions)
            total += reward
        captured.append(1.0 - info["prey_alive"].mean())
        success.append(info["success"].mean())
        returns.append(total.mean())
    return {"capture_rate": float(np.mean(captured)), "success_rate": float(np.mean(success)),
            "return": float(np.mean(returns))}


def _clean(scores: dict) -> dict:
    """nan (an empty ratio, e.g. the precision of a critic that keeps no edge) -> None, for JSON."""
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in scores.items()}


def run_seed(seed: int, *, config: GAACConfig, env: dict, evaluation: dict, block: int, progress: bool = False) -> dict:
    """One seed of :func:`compare`: every method of :data:`METHODS` trained from ``seed`` and scored.

    Returns ``{method: {"curve": [mean training capture rate per block of rounds], "final": greedy
    scores, "sampled": scores with sampled actions}}``, the scores of
    :func:`~marl_course.deep.g2anet_ac.capture_metrics` (nan as None).
    """
    n_blocks = config.n_rounds // block
    eval_env = PredatorPrey(**{**env, "n_envs": evaluation["n_envs"]})
    out = {}
    for name, communication in METHODS.items():
        history = train(PredatorPrey(**env), replace(config, communication=communication), seed=seed,
                        progress=progress)
        captured = np.asarray(history.metrics["capture_rate"][: n_blocks * block]).reshape(n_blocks, block)
        scores = {mode: _clean(capture_metrics(history.model, eval_env, n_episodes=evaluation["n_episodes"],
                                               seed=evaluation["seed"], greedy=mode == "final"))
                  for mode in ("final", "sampled")}
        out[name] = {"curve": captured.mean(axis=1).tolist(), **scores}
    return out


def compare(config: GAACConfig = CONFIG, seeds=(0, 1), *, env: dict | None = None, evaluation: dict | None = None,
            block: int = 10, progress: bool = True, jobs: int | None = 1, cluster: str | None = None,
            address: str | None = None) -> tuple[dict, float]:
    """Train every method of :data:`METHODS` from each seed (only ``communication`` differs) and summarise.

    Parameters
    ----------
    config : GAACConfig
        The shared training setting.
    seeds : sequence of int
        One run per seed and method; the methods share the seeds (paired comparison).
    env, evaluation : dict, optional
        Keyword arguments of the training :class:`PredatorPrey` (default :data:`ENV`; ``rule`` must
        be ``"capture"``) and the scoring (default :data:`EVAL`).
    block : int
        Rounds averaged into one point of the learning curve.
    progress : bool
        tqdm bars (only when the seeds run in this process).
    jobs, cluster, address
        Where the seeds run (:func:`marl_course.experiments.parallel.run_seeds`); the result does not depend on it.

    Returns
    -------
    (dict, float)
        The summary: ``rounds`` (the round count at the end of each block), ``scripted``
        (:func:`scripted_metrics` of :data:`SCRIPTED` on the scoring worlds) and, per method,
        ``curves`` ``(n_seeds, n_blocks)``, ``final`` (greedy scores, one dict per seed) and
        ``sampled`` (sampled actions); and the CPU seconds of all workers.

    Examples
    --------
    >>> out, cpu = compare(GAACConfig(n_rounds=2, hidden=8, batch_size=32), seeds=[0], env=dict(ENV, n_envs=4),
    ...                    block=1, evaluation=dict(EVAL, n_envs=8, n_episodes=1), progress=False)
    >>> out["rounds"], sorted(out["methods"]) == sorted(METHODS), sorted(out["methods"]["GA-AC"]["final"][0])[:3]
    ([1, 2], True, ['capture_rate', 'kept', 'precision'])
    """
    check_instance(config, "config", GAACConfig)
    seeds = check_seeds(seeds)
    env = check_settings(env, "env", ENV, same_keys=False)
    evaluation = check_settings(evaluation, "evaluation", EVAL)
    if PredatorPrey(**env).rule != "capture":  # also names a bad field now, not in a worker
        raise ValueError("env must set rule='capture': the study scores captures and edges against relevance")
    block = check_int(block, "block", low=1, high=config.n_rounds)
    check_bool(progress, "progress")
    run_one = partial(run_seed, config=config, env=env, evaluation=evaluation, block=block,
                      progress=progress and jobs == 1 and cluster is None)
    per_seed, cpu_seconds = run_seeds_timed(run_one, seeds, jobs=jobs, cluster=cluster, address=address)
    n_blocks = config.n_rounds // block
    eval_env = PredatorPrey(**{**env, "n_envs": evaluation["n_envs"]})
    summary = {"rounds": [(b + 1) * block for b in range(n_blocks)],
               "scripted": {policy: scripted_metrics(eval_env, policy, n_episodes=evaluation["n_episodes"],
                                                     seed=evaluation["seed"]) for policy in SCRIPTED},
               **gather(per_seed, METHODS, {"curves": "curve", "final": "final", "sampled": "sampled"})}
    return summary, cpu_seconds


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file written by :func:`main`, checking its format tag.

    Examples
    --------
    >>> results = load_results()
    >>> sorted(results["methods"]) == sorted(METHODS), results["provenance"]["command"].split()[3]
    (True, 'ga_ac')
    """
    return read_results(path, FORMAT)


def main(argv=None) -> None:
    """Command line: run :func:`compare` and write the results file (see the module docstring)."""
    training_study("ga_ac", argv, doc=__doc__, config=CONFIG, length="rounds", unit="round", env=ENV,
                   evaluation=EVAL, compare=compare, path=RESULTS_PATH, format=FORMAT)
