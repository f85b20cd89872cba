"""Chapter 9's study: DGN against independent DQN, and the regulariser's weight ``lambda`` swept.

Every learner is the same network (:class:`~marl_course.deep.dgn.DGN`) trained with the same
budget on the scouts' jungle (:class:`~marl_course.envs.jungle.Jungle`); only the config
differs: ``use_graph=False`` is independent DQN, and the DGN variants differ in
``reg_weight = lambda``. Every ``(learner, seed)`` trains from the same seed, and every trained
network is scored on the same evaluation episodes, so learners are compared seed by seed
(paired). Per learner and seed the study keeps:

- ``curve``: the training return of every episode (its mean is the learning-curve area);
- ``greedy``: the greedy return of an agent per episode on ``eval_episodes`` fresh resets;
- ``td_loss`` and ``kl``: the loss's two parts averaged over each episode's updates (the KL is
  measured even when ``lambda = 0``, so ``lambda * KL / TD`` can be read for every weight);
- ``attention``: ``(learned, uniform)`` from
  :func:`~marl_course.deep.dgn.attention_on_informed` over ``attention_episodes`` greedy
  episodes: the first convolution layer's attention (mean over heads) that an uninformed agent
  puts on the neighbours that see food, against the share uniform weights would give;
  ``attention_heads``, the learned share of each head; ``attention_layer2`` and
  ``attention_layer2_heads``, the same for the second layer (DGN variants only).

The notebook runs a short live comparison; the command line runs the long one, in parallel
(:mod:`marl_course.experiments.parallel`), and writes a JSON file with its provenance. The
shipped file :data:`RESULTS_PATH` was written by::

    python -m marl_course.experiments dgn --episodes 100 --reg-weights 0 0.03 0.3 1 --seeds 0-9 --jobs 1 --quiet
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path

import numpy as np

from marl_course._validation import check_bool, check_instance, check_int, check_real
from marl_course.deep.dgn import DGN, DGNConfig, attention_on_informed, evaluate, record_episode, train
from marl_course.envs.jungle import Jungle, random_policy_return
from marl_course.experiments.parallel import add_run_arguments, run_seeds_timed
from marl_course.experiments.provenance import check_seeds, provenance, read_results, study_command, write_results

FORMAT = "marl_course.experiments.dgn/1"
"""Identifies the layout of the results file."""
RESULTS_PATH = Path(__file__).with_name("dgn_jungle.json")
"""The shipped results of the long run."""
EVAL_SEED = 10_000
"""Seed of the evaluation episodes, the same for every learner and training seed."""
DQN = "independent DQN"
"""The label of the baseline: the same network attending only to itself."""


def dgn_label(reg_weight: float) -> str:
    """The label of DGN with regulariser weight ``lambda``.

    >>> dgn_label(0.03), dgn_label(0)
    ('DGN, λ = 0.03', 'DGN, λ = 0')
    """
    return f"DGN, λ = {check_real(reg_weight, 'reg_weight', low=0):g}"


def learners(reg_weights=(0.0, 0.03, 0.3, 1.0), n_episodes: int = DGNConfig.n_episodes) -> dict:
    """Label -> :class:`DGNConfig`: independent DQN, then DGN at every ``lambda`` in ``reg_weights``.

    >>> list(learners((0.0, 0.03), n_episodes=10))
    ['independent DQN', 'DGN, λ = 0', 'DGN, λ = 0.03']
    """
    base = DGNConfig(n_episodes=check_int(n_episodes, "n_episodes", low=1))
    configs = {DQN: replace(base, use_graph=False)}
    for weight in reg_weights:
        configs[dgn_label(weight)] = replace(base, reg_weight=float(weight))
    return configs


def _per_episode(values: list, n_episodes: int) -> list:
    """Means of ``values`` (one per update) over ``n_episodes`` consecutive blocks."""
    return [float(np.mean(block)) if len(block) else float("nan") for block in np.array_split(values, n_episodes)]


def attention_scores(model: DGN, environment: dict | None = None, n_episodes: int = 8) -> dict:
    """Score a DGN's attention on ``n_episodes`` recorded greedy one-world episodes (seeds
    ``EVAL_SEED, EVAL_SEED + 1, ...``) with :func:`~marl_course.deep.dgn.attention_on_informed`.

    Returns ``attention`` ``(learned, uniform)`` of the first layer (mean over heads),
    ``attention_heads`` (the learned share of each head), and ``attention_layer2`` and
    ``attention_layer2_heads``, the same for the second layer.

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> env = Jungle(n_envs=1, episode_length=5)
    >>> scores = attention_scores(DGN(env.obs_dim, env.n_actions, DGNConfig()), dict(episode_length=5), n_episodes=2)
    >>> sorted(scores), len(scores["attention_heads"])
    (['attention', 'attention_heads', 'attention_layer2', 'attention_layer2_heads'], 2)
    """
    check_instance(model, "model", DGN)
    single = Jungle(**{**({} if environment is None else check_instance(environment, "environment", dict)), "n_envs": 1})
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    scores = {}
    for layer, key in ((1, "attention"), (2, "attention_layer2")):
        frames = [f for s in range(n_episodes) for f in record_episode(model, single, EVAL_SEED + s, layer=layer)]
        scores[key] = list(attention_on_informed(frames))
        scores[key + "_heads"] = [attention_on_informed(frames, head=m)[0] for m in range(model.conv1.n_heads)]
    return scores


def run_seed(seed: int, *, configs: dict, environment: dict, eval_episodes: int, attention_episodes: int,
             progress: bool = False, keep_models: bool = False) -> dict:
    """One seed of :func:`dgn_study`: every learner trained from ``seed`` and scored (see the module
    docstring for the fields; ``model`` too with ``keep_models``)."""
    out = {}
    for label, config in configs.items():
        history = train(Jungle(**environment), config, seed=seed, progress=progress)
        result = {"curve": [float(r) for r in history.train_return],
                  "greedy": evaluate(history.model, Jungle(**environment), n_episodes=eval_episodes, seed=EVAL_SEED),
                  "td_loss": _per_episode(history.metrics["td_loss"], config.n_episodes),
                  "kl": _per_episode(history.metrics["kl"], config.n_episodes)}
        if config.use_graph:
            result |= attention_scores(history.model, environment, attention_episodes)
        if keep_models:
            result["model"] = history.model
        out[label] = result
    return out


def dgn_study(configs: dict, seeds=(0, 1), *, environment: dict | None = None, eval_episodes: int = 8,
              attention_episodes: int = 8, progress: bool = True, keep_models: bool = False, jobs: int | None = 1,
              cluster: str | None = None, address: str | None = None) -> tuple[dict, float]:
    """Train every learner of ``configs`` from every seed and score it.

    Parameters
    ----------
    configs : dict
        Label -> :class:`DGNConfig` (e.g. :func:`learners`).
    seeds : sequence of int
        Training seeds, the same for every learner.
    environment : dict, optional
        Keyword arguments of :class:`~marl_course.envs.jungle.Jungle` (default: its defaults).
    eval_episodes, attention_episodes : int
        Greedy evaluation resets (all ``n_envs`` worlds each) and recorded one-world episodes for
        the attention score.
    progress : bool
        A bar over the seeds (one seed at a time: a bar per training run).
    keep_models : bool
        Also return each trained network, under ``results[label]["model"]`` (a list over seeds).
    jobs, cluster, address
        Where the seeds run (:func:`~marl_course.experiments.parallel.run_seeds`).

    Returns
    -------
    (results, cpu_seconds)
        ``results[label][field]`` is a list over seeds (fields as in the module docstring), and
        the CPU seconds of all workers.

    Examples
    --------
    >>> configs = {label: replace(c, n_episodes=2, hidden=8, batch_size=8)
    ...            for label, c in learners((0.03,), n_episodes=2).items()}
    >>> results, cpu = dgn_study(configs, seeds=(0,), environment=dict(n_envs=2, episode_length=5),
    ...                          eval_episodes=1, attention_episodes=1, progress=False)
    >>> sorted(results), len(results["DGN, λ = 0.03"]["curve"][0])
    (['DGN, λ = 0.03', 'independent DQN'], 2)
    """
    check_instance(configs, "configs", dict)
    for label, config in configs.items():
        check_instance(config, f"configs[{label!r}]", DGNConfig)
    seeds = check_seeds(seeds)
    environment = {} if environment is None else dict(check_instance(environment, "environment", dict))
    Jungle(**environment)  # bad environment arguments fail here, before any training
    check_bool(progress, "progress")
    check_bool(keep_models, "keep_models")
    one = len(seeds) == 1 or (cluster is None and jobs == 1)
    task = partial(run_seed, configs=configs, environment=environment,
                   eval_episodes=check_int(eval_episodes, "eval_episodes", low=1),
                   attention_episodes=check_int(attention_episodes, "attention_episodes", low=1),
                   progress=progress and one, keep_models=keep_models)
    per_seed, cpu_seconds = run_seeds_timed(task, seeds, jobs=jobs, cluster=cluster, address=address,
                                            progress=progress and not one, desc="DGN study")
    results = {label: {field: [run[label][field] for run in per_seed] for field in per_seed[0][label]}
               for label in configs}
    return results, cpu_seconds


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file of :func:`main`; per learner the lists over seeds become arrays.

    >>> shipped = load_results()
    >>> shipped["learners"]["independent DQN"]["greedy"].shape == (len(shipped["provenance"]["seeds"]),)
    True
    """
    results = read_results(path, FORMAT)
    results["learners"] = {label: {field: np.asarray(values, dtype=float) for field, values in fields.items()}
                           for label, fields in results["learners"].items()}
    return results


def main(argv=None) -> None:
    """Command line: train every learner from every seed, write the file."""
    parser = argparse.ArgumentParser(prog="python -m marl_course.experiments dgn", description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=100, help="training episodes per run (the notebook's: 40)")
    parser.add_argument("--reg-weights", type=float, nargs="+", default=[0.0, 0.03, 0.3, 1.0],
                        help="the regulariser weights lambda of the DGN variants")
    parser.add_argument("--eval-episodes", type=int, default=8, help="greedy evaluation resets per run")
    parser.add_argument("--attention-episodes", type=int, default=8, help="recorded episodes for the attention score")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_run_arguments(parser, default_seeds="0-9")
    args = parser.parse_args(argv)
    configs = learners(args.reg_weights, args.episodes)
    results, cpu_seconds = dgn_study(configs, args.seeds, eval_episodes=args.eval_episodes,
                                     attention_episodes=args.attention_episodes, progress=not args.quiet,
                                     jobs=args.jobs, cluster=args.cluster, address=args.address)
    env = Jungle()
    config = {"learners": {label: asdict(c) for label, c in configs.items()},
              "environment": {name: getattr(env, name) for name in ("n_envs", "n_agents", "n_scouts", "n_food", "size",
                                                                     "view", "scout_view", "k", "episode_length",
                                                                     "collision_penalty", "eat_radius")},
              "eval_episodes": args.eval_episodes, "attention_episodes": args.attention_episodes, "eval_seed": EVAL_SEED}
    command = study_command("dgn", argv)
    write_results(RESULTS_PATH if args.out is None else Path(args.out), FORMAT,
                  provenance(command, config, args.seeds, cpu_seconds),
                  {"random_return": random_policy_return(env), "learners": results})
