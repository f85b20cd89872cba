"""Chapter 5's comparison, MADDPG against independent DDPG, run longer than a notebook can afford.

The notebook trains both learners for a short live run. This module runs the same comparison
for more rounds and seeds, from the command line, on one of three tasks, and writes a small JSON
file of learning curves and final scores that the notebook shows beside the live run::

    python -m marl_course.experiments maddpg --rounds 300 --seeds 0-5 --quiet
    python -m marl_course.experiments maddpg --task speaker_listener --rounds 300 --seeds 0-9 --quiet
    python -m marl_course.experiments maddpg --task physical_deception --rounds 300 --seeds 0-9 --jobs 1 --quiet
    python -m marl_course.experiments maddpg --task speaker_listener --approximate-policies --rounds 300 --seeds 0-4 --jobs 2 --quiet
    python -m marl_course.experiments maddpg --task physical_deception --ensembles 3 --rounds 300 --seeds 0-4 --jobs 1 --quiet

the fourth with the paper's inferred policies (``MADDPGConfig.approximate_policies``), from the same
seeds as the speaker-listener file, so that the two compare seed by seed; the last with the paper's
policy ensembles (:func:`ensemble_learners`): MADDPG with one policy per agent against MADDPG with
three sub-policies per agent, with the cross-play of their good agents and adversaries.

The seeds run in parallel (:mod:`marl_course.experiments.parallel`: every local core by default,
``--jobs``, or a Dask or Ray cluster with ``--cluster``); each seed is seeded on its own, so the
file does not depend on how the seeds were spread. The shipped files :data:`RESULTS_PATHS` hold
those runs; each file's ``provenance`` entry records the command, the configuration, the seeds,
the library versions and the CPU time of all workers. ``tests/test_experiment_maddpg.py``
regenerates short versions and checks their format.

Per learner and seed a file holds the exploring return of every block of ``block`` rounds (the
learning curve) and, at the end of training, the greedy policy's scores on ``eval_worlds`` fresh
worlds (:func:`greedy_metrics`): for cooperative navigation the paper's coverage distance and
collisions (:func:`~marl_course.envs.particle.navigation_metrics`); for cooperative communication
whether the listener reaches the goal and how many bits the speaker's words carry about it
(:func:`~marl_course.envs.particle.communication_metrics`); for physical deception the distances of
the adversary and of the nearest good agent to the goal
(:func:`~marl_course.envs.particle.deception_metrics`). A physical-deception file also holds the
paper's cross-play (:func:`cross_play`): each seed's MADDPG and DDPG good agents against each
seed's MADDPG and DDPG adversary.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path

import numpy as np

from marl_course._validation import check_bool, check_choice, check_instance, check_int
from marl_course.deep.maddpg import MADDPG, MADDPGConfig, train
from marl_course.envs.particle import (CooperativeNavigation, PhysicalDeception, SpeakerListener, communication_scores,
                                       deception_metrics, navigation_metrics)
from marl_course.experiments.parallel import add_run_arguments, run_seeds_timed
from marl_course.experiments.provenance import check_seeds, provenance, read_results, study_command, write_results
from marl_course.stats import paired_difference, standard_error

TASKS = {"cooperative_navigation": CooperativeNavigation, "speaker_listener": SpeakerListener,
         "physical_deception": PhysicalDeception}
"""Task name -> environment class."""
RESULTS_PATHS = {"cooperative_navigation": Path(__file__).with_name("maddpg_long_run.json"),
                 "speaker_listener": Path(__file__).with_name("maddpg_speaker_listener.json"),
                 "physical_deception": Path(__file__).with_name("maddpg_physical_deception.json"),
                 "speaker_listener_approximate": Path(__file__).with_name("maddpg_speaker_listener_approximate.json"),
                 "physical_deception_ensembles": Path(__file__).with_name("maddpg_physical_deception_ensembles.json")}
"""The shipped results of each task's long run (``*_approximate``: with ``--approximate-policies``;
``*_ensembles``: with ``--ensembles 3``)."""
RESULTS_PATH = RESULTS_PATHS["cooperative_navigation"]
"""The shipped results of the cooperative-navigation run (the default of :func:`load_results`)."""
LEARNERS = {"MADDPG": {"centralised": True}, "independent DDPG": {"centralised": False}}
"""Display name -> the :class:`MADDPGConfig` fields that make the learner: the comparison of critics."""
FORMAT = "marl_course.maddpg_experiment/1"
"""Identifies the layout of the results file."""


def ensemble_learners(n_sub_policies: int = 3) -> dict[str, dict]:
    """The comparison of policy ensembles (section 4.3): MADDPG with one policy per agent against
    MADDPG whose agents each hold ``n_sub_policies`` sub-policies, one drawn per episode.

    >>> ensemble_learners(3)
    {'MADDPG': {'n_sub_policies': 1}, 'MADDPG ensemble (K = 3)': {'n_sub_policies': 3}}
    """
    k = check_int(n_sub_policies, "n_sub_policies", low=2)
    return {"MADDPG": {"n_sub_policies": 1}, f"MADDPG ensemble (K = {k})": {"n_sub_policies": k}}


def _check_learners(learners) -> dict[str, dict]:
    fields = set(MADDPGConfig.__dataclass_fields__)
    if (not isinstance(learners, dict) or len(learners) < 2 or not all(isinstance(v, dict) for v in learners.values())
            or any(set(v) - fields for v in learners.values())):
        raise ValueError("learners must map at least two names to dicts of MADDPGConfig fields, "
                         f"e.g. {LEARNERS}")
    return learners


def run_seed(seed: int, *, config: MADDPGConfig, task: str, block: int, eval_worlds: int, eval_seed: int,
             progress: bool = False, learners: dict | None = None) -> dict:
    """One seed of :func:`compare`: every learner (default :data:`LEARNERS`) trained from ``seed`` and scored.

    Returns ``{learner: {"curve": [mean exploring return per block], "final": greedy_metrics}}``;
    for physical deception also ``"cross_play"``: :func:`cross_play` of every pairing of the
    learners' good agents and adversaries.
    """
    make_env = TASKS[task]
    eval_env = make_env(n_envs=eval_worlds)
    n_blocks = config.n_rounds // block
    learners = LEARNERS if learners is None else learners
    out, models = {}, {}
    for name, fields in learners.items():
        history = train(make_env(n_envs=config.n_envs), replace(config, **fields), seed=seed, progress=progress)
        returns = np.asarray(history.train_return[: n_blocks * block]).reshape(n_blocks, block)
        out[name] = {"curve": returns.mean(axis=1).tolist(), "final": greedy_metrics(history.model, eval_env, eval_seed)}
        models[name] = history.model
    if task == "physical_deception":
        out["cross_play"] = {pairing_label(good, adversary): out[good]["final"] if good == adversary  # self-play: scored above
                             else cross_play(models[good], models[adversary], eval_env, eval_seed)
                             for good in learners for adversary in learners}
    return out


def pairing_label(good: str, adversary: str) -> str:
    """The label of a cross-play pairing.

    >>> pairing_label("MADDPG", "independent DDPG")
    'MADDPG good agents vs independent DDPG adversary'
    """
    return f"{good} good agents vs {adversary} adversary"


def cross_play(good: MADDPG, adversary: MADDPG, eval_env: PhysicalDeception, eval_seed: int = 123) -> dict[str, float]:
    """Physical deception with the good agents of one trained model and the adversary of another
    (both greedy): :func:`~marl_course.envs.particle.deception_metrics`, averaged over the worlds.

    The paper's cross-play: MADDPG's good agents against a DDPG adversary and the other way
    round, beside each model playing itself. A model with a policy ensemble plays, in each world,
    the sub-policies :meth:`~marl_course.deep.maddpg.MADDPG.draw_sub_policies` draws from ``eval_seed``
    (the paper draws one per episode).

    Examples
    --------
    >>> env = PhysicalDeception(n_envs=4)
    >>> a, b = (MADDPG(env.obs_dims, MADDPGConfig()) for _ in range(2))
    >>> sorted(cross_play(a, b, env))
    ['adversary_distance', 'good_distance', 'return']
    """
    check_instance(good, "good", MADDPG)
    check_instance(adversary, "adversary", MADDPG)
    check_instance(eval_env, "eval_env", PhysicalDeception)

    draws = np.random.default_rng(check_int(eval_seed, "eval_seed", low=0))
    good_k, adversary_k = (model.draw_sub_policies(eval_env.n_envs, draws) for model in (good, adversary))

    def policy(obs, rng=None):
        actions = good.act(obs, explore=False, sub_policy=good_k)
        actions[:, 0] = adversary.act(obs, explore=False, sub_policy=adversary_k)[:, 0]  # agent 0 is the adversary
        return actions

    scores = deception_metrics(eval_env, policy, eval_seed)
    return {key: float(value.mean()) for key, value in scores.items()}


def cross_play_table(results: dict) -> str:
    """The cross-play of a physical-deception results file as a Markdown table: for every pairing of
    good agents and adversary, the mean over seeds +- its standard error of the adversary's distance
    to the goal d_0, the nearest good agent's min_i d_i and the good agents' return.

    Examples
    --------
    >>> print(cross_play_table(load_results(RESULTS_PATHS["physical_deception"])).splitlines()[0])
    | good agents | adversary | adversary's d_0 | good agents' min d_i | good agents' return |
    """
    if not isinstance(results, dict) or "cross_play" not in results:
        raise ValueError("results must be a physical-deception results file (with 'cross_play'), see load_results")
    rows = ["| good agents | adversary | adversary's d_0 | good agents' min d_i | good agents' return |",
            "|---|---|---|---|---|"]
    for good in results["learners"]:
        for adversary in results["learners"]:
            per_seed = results["cross_play"][pairing_label(good, adversary)]
            cells = []
            for key, digits in (("adversary_distance", 3), ("good_distance", 3), ("return", 2)):
                values = np.array([scores[key] for scores in per_seed])
                cells.append(f"{values.mean():.{digits}f} ± {standard_error(values):.{digits}f}")
            rows.append(f"| {good} | {adversary} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def cross_play_differences(results: dict, learner: str, baseline: str) -> dict[str, dict[str, tuple[float, float]]]:
    """The cross-play read side by side, paired over the seeds of a physical-deception results file.

    ``"good"``: for each adversary ``a``, the good agents' return with ``learner``'s good agents minus
    with ``baseline``'s, R(learner, a) - R(baseline, a) (positive: ``learner``'s good agents do better).
    ``"adversary"``: for each good team ``g``, the adversary's distance to the goal with ``baseline``'s
    adversary minus with ``learner``'s, d_0(g, baseline) - d_0(g, learner) (positive: ``learner``'s
    adversary gets closer). Each is ``(mean, standard error)`` of the per-seed differences
    (:func:`~marl_course.stats.paired_difference`).

    Examples
    --------
    >>> diffs = cross_play_differences(load_results(RESULTS_PATHS["physical_deception"]), "MADDPG", "independent DDPG")
    >>> sorted(diffs), sorted(diffs["good"])
    (['adversary', 'good'], ['MADDPG', 'independent DDPG'])
    """
    if not isinstance(results, dict) or "cross_play" not in results:
        raise ValueError("results must be a physical-deception results file (with 'cross_play'), see load_results")
    names = list(results["learners"])
    check_choice(learner, "learner", names)
    check_choice(baseline, "baseline", names)

    def per_seed(good, adversary, key):
        return [scores[key] for scores in results["cross_play"][pairing_label(good, adversary)]]

    return {"good": {a: paired_difference(per_seed(learner, a, "return"), per_seed(baseline, a, "return"))
                     for a in names},
            "adversary": {g: paired_difference(per_seed(g, baseline, "adversary_distance"),
                                               per_seed(g, learner, "adversary_distance")) for g in names}}


def compare(config: MADDPGConfig, seeds=(0, 1, 2), block: int = 10, eval_worlds: int = 500,
            eval_seed: int = 123, progress: bool = True, task: str = "cooperative_navigation", *,
            learners: dict | None = None, jobs: int | None = 1, cluster: str | None = None,
            address: str | None = None) -> tuple[dict, float]:
    """Train MADDPG and independent DDPG with ``config`` (only ``centralised`` differs), or the
    ``learners`` given, and summarise.

    Parameters
    ----------
    config : MADDPGConfig
        The shared configuration; each learner overrides the fields ``learners`` gives it.
    seeds : sequence of int
        One training run per seed and learner.
    block : int
        Rounds averaged into one point of the learning curve.
    eval_worlds, eval_seed : int
        The greedy evaluation after training: one episode in each of ``eval_worlds`` worlds
        placed from ``eval_seed``, the same worlds for every run.
    progress : bool
        Show tqdm progress bars (only when the seeds run in this process, ``jobs=1``).
    task : {"cooperative_navigation", "speaker_listener", "physical_deception"}
        The particle world (:data:`TASKS`).
    learners : dict, optional
        Display name -> config fields (default :data:`LEARNERS`; :func:`ensemble_learners` for the
        policy ensembles). The summary records them as ``learner_fields``.
    jobs, cluster, address
        Where the seeds run (:func:`marl_course.experiments.parallel.run_seeds`); the result
        does not depend on it.

    Returns
    -------
    (dict, float)
        The summary: ``episodes`` (the episode count at the end of each block) and, per learner,
        ``curves`` ``(n_seeds, n_blocks)`` of mean exploring return per block and ``final``,
        a list (one per seed) of the :func:`greedy_metrics` of the trained agents (plain lists
        and floats, ready for JSON); for physical deception also ``cross_play``, per pairing
        (:func:`pairing_label`) a list over seeds of :func:`cross_play` scores; and the CPU
        seconds of all workers.

    Examples
    --------
    >>> cfg = MADDPGConfig(n_rounds=4, n_envs=4, updates_per_round=1, batch_size=16, eval_every=4, eval_worlds=4)
    >>> out, cpu = compare(cfg, seeds=[0], block=2, eval_worlds=8, progress=False)
    >>> out["episodes"], len(out["learners"]["MADDPG"]["curves"][0]), sorted(out["learners"]["MADDPG"]["final"][0])
    ([8, 16], 2, ['collisions', 'distance', 'return'])
    """
    check_instance(config, "config", MADDPGConfig)
    seeds = check_seeds(seeds)
    block = check_int(block, "block", low=1, high=config.n_rounds)
    eval_seed = check_int(eval_seed, "eval_seed", low=0)
    eval_worlds = check_int(eval_worlds, "eval_worlds", low=1)
    check_bool(progress, "progress")
    check_choice(task, "task", TASKS)
    learners = _check_learners(LEARNERS if learners is None else learners)
    run_one = partial(run_seed, config=config, task=task, block=block, eval_worlds=eval_worlds, eval_seed=eval_seed,
                      progress=progress and jobs == 1 and cluster is None, learners=learners)
    per_seed, cpu_seconds = run_seeds_timed(run_one, seeds, jobs=jobs, cluster=cluster, address=address)
    n_blocks = config.n_rounds // block
    summary = {"episodes": [(b + 1) * block * config.n_envs for b in range(n_blocks)],
               "learner_fields": learners,
               "learners": {name: {"curves": [run[name]["curve"] for run in per_seed],
                                   "final": [run[name]["final"] for run in per_seed]} for name in learners}}
    if task == "physical_deception":
        summary["cross_play"] = {label: [run["cross_play"][label] for run in per_seed] for label in per_seed[0]["cross_play"]}
    return summary, cpu_seconds


def _greedy_actions(agents, sub_policy, obs, rng=None):
    """The argmax actions ``(B, n_agents)`` of ``agents`` (a policy for the metrics functions)."""
    return agents.act(obs, explore=False, sub_policy=sub_policy)


def greedy_metrics(agents, eval_env, eval_seed: int = 123) -> dict[str, float]:
    """The greedy policy's scores, each averaged over the worlds of ``eval_env`` (one episode per
    world, placed from ``eval_seed``).

    Cooperative navigation: ``distance``, ``collisions`` and ``return``
    (:func:`~marl_course.envs.particle.navigation_metrics`). Cooperative communication:
    ``return``, the listener's final ``distance`` to the goal, ``reached`` (the share of worlds
    where the goal is the landmark nearest to the listener; 1/3 by chance) and ``information``,
    ``I(G; M)`` in bits between the goal and the speaker's words over all steps and worlds
    (:func:`~marl_course.envs.particle.communication_scores`). Physical deception: the model
    playing itself in :func:`cross_play` (``return`` is the good agents' return). With a policy
    ensemble, each world plays the sub-policies drawn from ``eval_seed``.

    Examples
    --------
    >>> from marl_course.deep.maddpg import MADDPG
    >>> scores = greedy_metrics(MADDPG((18,) * 3, MADDPGConfig()), CooperativeNavigation(n_envs=4))
    >>> sorted(scores), bool(scores["return"] < 0)
    (['collisions', 'distance', 'return'], True)
    >>> scores = greedy_metrics(MADDPG((3, 11), MADDPGConfig(), n_actions=(3, 5)), SpeakerListener(n_envs=4))
    >>> sorted(scores)
    ['distance', 'information', 'reached', 'return']
    """
    check_instance(agents, "agents", MADDPG)
    check_int(eval_seed, "eval_seed", low=0)
    if isinstance(eval_env, PhysicalDeception):
        return cross_play(agents, agents, eval_env, eval_seed)
    policy = partial(_greedy_actions, agents, agents.draw_sub_policies(eval_env.n_envs, np.random.default_rng(eval_seed)))
    if isinstance(eval_env, SpeakerListener):
        return communication_scores(eval_env, policy, eval_seed)
    scores = navigation_metrics(eval_env, policy, eval_seed)
    return {key: float(value.mean()) for key, value in scores.items()}


def gap_in_returns(finals: dict) -> tuple[float, float]:
    """MADDPG's mean greedy return minus independent DDPG's over paired seeds, and its standard error.

    ``finals`` maps each name of :data:`LEARNERS` to a list (one entry per seed, the same seeds
    in the same order) of metric dicts. The gap is the mean of the per-seed differences
    ``d_k = R_MADDPG(k) - R_DDPG(k)`` and its error ``s_d / sqrt(n)``
    (:func:`~marl_course.stats.paired_difference`).

    Examples
    --------
    >>> finals = {"MADDPG": [{"return": -15.0}, {"return": -17.0}],
    ...           "independent DDPG": [{"return": -18.0}, {"return": -18.0}]}
    >>> gap_in_returns(finals)
    (2.0, 1.0)
    """
    if not isinstance(finals, dict) or set(LEARNERS) - set(finals):
        raise ValueError(f"finals must be a dict with the keys {sorted(LEARNERS)}")
    if any(not isinstance(f, dict) or "return" not in f for name in LEARNERS for f in finals[name]):
        raise ValueError("finals must hold, per learner, a list of metric dicts each with a 'return'")
    returns = [[f["return"] for f in finals[name]] for name in LEARNERS]
    if any(len(r) < 2 for r in returns) or len(returns[0]) != len(returns[1]):
        raise ValueError("finals must hold the same number (at least 2) of seeds for both learners")
    return paired_difference(*returns)


def save_results(summary: dict, config: MADDPGConfig, seeds, command: str, cpu_seconds: float, path) -> None:
    """Write ``summary`` with its provenance (command, config, seeds, versions, CPU time) to ``path``."""
    if not isinstance(summary, dict) or {"episodes", "learners"} - set(summary):
        raise ValueError("summary must be the dict compare() returns, with 'episodes' and 'learners'")
    check_instance(config, "config", MADDPGConfig)
    write_results(path, FORMAT, provenance(command, asdict(config), seeds, cpu_seconds), summary)


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file written by :func:`save_results`, checking its format tag.

    Examples
    --------
    >>> results = load_results()
    >>> sorted(results["learners"]) == sorted(LEARNERS)
    True
    >>> "--task speaker_listener" in load_results(RESULTS_PATHS["speaker_listener"])["provenance"]["command"]
    True
    """
    return read_results(path, FORMAT)


def main(argv=None) -> None:
    """Command line: run :func:`compare` and write the results file (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m marl_course.experiments maddpg",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="cooperative_navigation")
    parser.add_argument("--rounds", type=int, default=300, help="training rounds per run (notebook: 60)")
    parser.add_argument("--block", type=int, default=10, help="rounds per point of the learning curve")
    parser.add_argument("--approximate-policies", action="store_true",
                        help="targets use each agent's fitted approximations of the others' policies (section 4.2)")
    parser.add_argument("--ensembles", type=int, metavar="K",
                        help="compare MADDPG with one policy per agent against MADDPG with K sub-policies per agent "
                             "(section 4.3) instead of MADDPG against independent DDPG")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_run_arguments(parser, default_seeds="0-2")
    args = parser.parse_args(argv)
    config = MADDPGConfig(n_rounds=args.rounds, approximate_policies=args.approximate_policies)
    learners = None if args.ensembles is None else ensemble_learners(args.ensembles)
    summary, cpu_seconds = compare(config, args.seeds, block=args.block, progress=not args.quiet, task=args.task,
                                   learners=learners, jobs=args.jobs, cluster=args.cluster, address=args.address)
    command = study_command("maddpg", argv)
    shipped = args.task + ("_approximate" if args.approximate_policies else "") + ("" if learners is None else "_ensembles")
    out = Path(args.out) if args.out is not None else RESULTS_PATHS.get(shipped)
    if out is None:
        raise SystemExit(f"no shipped file for {shipped}: give --out")
    save_results(summary, config, args.seeds, command, cpu_seconds, out)

