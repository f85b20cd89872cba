"""Run a study's seeds in parallel: on this machine's cores, or on a Dask or Ray cluster.

A study is a function ``run_one(seed) -> dict`` (plain JSON values) that seeds everything it
draws from ``seed``, so its result does not depend on which process or machine runs it, nor in
which order: :func:`run_seeds` returns ``[run_one(s) for s in seeds]`` exactly, however it is
spread. Each result comes back with the CPU seconds its worker spent, so a results file's
provenance counts the whole run's CPU, not only the parent's.

Backends (one flag of the command line, :func:`add_run_arguments`):

- local (default): joblib's process pool on ``jobs`` cores (default: all of them);
- ``--cluster dask --address tcp://scheduler:8786``: an existing Dask distributed cluster
  (joblib's ``dask`` backend); without ``--address``, a local cluster of ``jobs`` one-thread workers;
- ``--cluster ray --address auto``: an existing Ray cluster (``ray.util.joblib``).

Examples
--------
>>> run_seeds(str, [1, 2, 3], jobs=1)
['1', '2', '3']
>>> parse_seeds("0-3,7")
[0, 1, 2, 3, 7]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path

from tqdm.auto import tqdm

from marl_course._validation import check_bool, check_choice, check_instance, check_int
from marl_course.experiments.provenance import check_seeds, provenance, study_command, write_results

CLUSTERS = ("dask", "ray")


def parse_seeds(text: str) -> list[int]:
    """Seeds from the command line: ``"0-15"``, ``"0,3,5"`` or a mix (``"0-3,7"``), in order, no repeats.

    >>> parse_seeds("5")
    [5]
    """
    check_instance(text, "seeds", str)
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"seeds must look like 0-15, 0,3,5 or 0-3,7 (non-negative ints), got {text!r}")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"seeds: the range {part} runs backwards")
        seeds += [s for s in range(low, high + 1) if s not in seeds]
    return seeds


def _timed(run_one, seed: int) -> tuple[dict, float]:
    """``(run_one(seed), CPU seconds of this process while it ran)``: runs inside the worker."""
    start = time.process_time()
    result = run_one(seed)
    return result, time.process_time() - start


def run_seeds_timed(run_one, seeds, *, jobs: int | None = None, cluster: str | None = None,
                    address: str | None = None, progress: bool = False, desc: str = "seeds") -> tuple[list, float]:
    """``([run_one(s) for s in seeds], total CPU seconds of the workers)``, run as :func:`run_seeds` says."""
    if not callable(run_one):
        raise TypeError(f"run_one must be a function of the seed, got {type(run_one).__name__}")
    seeds = check_seeds(seeds)
    jobs = (os.cpu_count() or 1) if jobs is None else check_int(jobs, "jobs", low=1)
    if cluster is not None:
        check_choice(cluster, "cluster", CLUSTERS)
    if address is not None:
        check_instance(address, "address", str)
        if cluster is None:
            raise ValueError("address: give --cluster dask or --cluster ray with --address")
    check_bool(progress, "progress")
    bar = tqdm(total=len(seeds), desc=check_instance(desc, "desc", str), disable=not progress)
    task = partial(_timed, run_one)
    if cluster is None and (jobs == 1 or len(seeds) == 1):
        results = map(task, seeds)
    else:
        from joblib import Parallel, delayed, parallel_config

        calls = [delayed(task)(seed) for seed in seeds]
        if cluster is None:
            results = Parallel(n_jobs=min(jobs, len(seeds)), return_as="generator")(calls)
        elif cluster == "dask":
            results = _on_dask(calls, jobs, address, Parallel, parallel_config)
        else:
            results = _on_ray(calls, address, Parallel, parallel_config)
    timed = []
    for result in results:  # in seed order, as each finishes (a cluster returns them all at once)
        timed.append(result)
        bar.update()
    bar.close()
    return [result for result, _ in timed], float(sum(cpu for _, cpu in timed))


def run_seeds(run_one, seeds, *, jobs: int | None = None, cluster: str | None = None,
              address: str | None = None, progress: bool = False, desc: str = "seeds") -> list:
    """``[run_one(s) for s in seeds]``, in seed order, computed in parallel.

    Parameters
    ----------
    run_one : callable
        ``run_one(seed)``; must be picklable (a module-level function or a ``functools.partial``
        of one) when it runs in other processes.
    seeds : sequence of int
    jobs : int, optional
        Local worker processes (default: every core); 1 runs in this process.
    cluster : {"dask", "ray"}, optional
        Run on a cluster instead of local processes.
    address : str, optional
        The cluster's scheduler (Dask: ``tcp://host:8786``; Ray: ``auto`` or ``ray://host:10001``).
    progress : bool
        A tqdm bar over the seeds, labelled ``desc``, advanced as each seed finishes.
    """
    return run_seeds_timed(run_one, seeds, jobs=jobs, cluster=cluster, address=address, progress=progress,
                           desc=desc)[0]


def _on_dask(calls, jobs: int, address: str | None, Parallel, parallel_config) -> list:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError("cluster='dask' needs Dask distributed: pip install 'dask[distributed]'") from exc
    if address is None:  # a local cluster: one single-threaded worker process per job
        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as local, \
                Client(local), parallel_config(backend="dask"):
            return Parallel()(calls)
    with Client(address), parallel_config(backend="dask"):
        return Parallel()(calls)


def _on_ray(calls, address: str | None, Parallel, parallel_config) -> list:
    try:
        import ray
        from ray.util.joblib import register_ray
    except ImportError as exc:
        raise ImportError("cluster='ray' needs Ray: pip install 'ray[default]'") from exc
    ray.init(address=address, ignore_reinit_error=True)
    register_ray()
    with parallel_config(backend="ray"):
        return Parallel()(calls)


def training_study(name: str, argv, *, doc: str, config, length: str, unit: str, env: dict, evaluation: dict,
                   compare, path, format: str, scene=None) -> None:
    """The command line of a study that trains ``config`` on batched worlds ``env`` and scores on fresh
    ones (``evaluation``), as chapter 10's GA studies do: parse ``argv``, run ``compare`` and write
    ``path`` (or ``--out``) with the provenance of :mod:`~marl_course.experiments.provenance`.

    Options: ``--<length>`` (the config's ``n_<length>``, one per ``unit``), ``--envs`` (worlds per
    ``unit``), ``--eval-envs`` (worlds per scoring episode), ``--block`` (``unit`` s per point of
    the learning curve), ``--quiet`` and the run options of :func:`add_run_arguments`. With ``scene``
    given, ``--scene`` calls ``scene(argv, args, config, env, evaluation)`` instead of ``compare``.
    ``compare(config, seeds, *, env, evaluation, block, progress, jobs, cluster, address)`` returns
    ``(summary, cpu_seconds)``; the file's settings are ``{"training": asdict(config), "env": env,
    "evaluation": evaluation}``.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from marl_course.experiments import ga_comm
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "study.json"
    >>> training_study("ga_comm", ["--updates", "1", "--envs", "2", "--eval-envs", "2", "--block", "1", "--seeds", "0",
    ...                            "--jobs", "1", "--quiet", "--out", str(out)], doc=ga_comm.__doc__,
    ...                config=replace(ga_comm.CONFIG, hidden=4), length="updates", unit="update", env=ga_comm.ENV,
    ...                evaluation=dict(ga_comm.EVAL, n_episodes=1), compare=ga_comm.compare, path=None,
    ...                format="demo/1")
    >>> written = json.loads(out.read_text())
    >>> written["provenance"]["config"]["training"]["n_updates"], written["updates"]
    (1, [1])
    """
    field = f"n_{length}"
    parser = argparse.ArgumentParser(prog=f"python -m marl_course.experiments {name}", description=doc.split("\n")[0])
    parser.add_argument(f"--{length}", type=int, default=getattr(config, field), help=f"{unit}s of training per run")
    parser.add_argument("--envs", type=int, default=env["n_envs"], help=f"worlds (episodes) per {unit}")
    parser.add_argument("--eval-envs", type=int, default=evaluation["n_envs"], help="worlds per scoring episode")
    parser.add_argument("--block", type=int, default=10, help=f"{unit}s per point of the learning curve")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    if scene is not None:
        parser.add_argument("--scene", action="store_true", help="instead: record the study's scene file (first seed)")
    add_run_arguments(parser, default_seeds="0-4")
    args = parser.parse_args(argv)
    config = replace(config, **{field: getattr(args, length)})
    env, evaluation = dict(env, n_envs=args.envs), dict(evaluation, n_envs=args.eval_envs)
    if scene is not None and args.scene:
        scene(argv, args, config, env, evaluation)
        return
    summary, cpu_seconds = compare(config, args.seeds, env=env, evaluation=evaluation, block=args.block,
                                   progress=not args.quiet, jobs=args.jobs, cluster=args.cluster, address=args.address)
    settings = {"training": asdict(config), "env": env, "evaluation": evaluation}
    write_results(path if args.out is None else Path(args.out), format,
                  provenance(study_command(name, argv), settings, args.seeds, cpu_seconds), summary)


def add_run_arguments(parser: argparse.ArgumentParser, default_seeds: str) -> None:
    """The options every study's command line shares: seeds, parallelism, output, progress."""
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds(default_seeds),
                        help=f"seeds, e.g. 0-15 or 0,3,5 (default: {default_seeds})")
    parser.add_argument("--jobs", type=int, default=None, help="local worker processes (default: every core)")
    parser.add_argument("--cluster", choices=CLUSTERS, default=None, help="run the seeds on a Dask or Ray cluster")
    parser.add_argument("--address", default=None, help="the cluster's scheduler address (default: a local cluster)")
    parser.add_argument("--out", default=None, help="results file (default: the study's shipped file)")
