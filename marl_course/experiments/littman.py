"""Littman's (1994) Table 1 on soccer at the paper's lengths, run once and shipped with the course.

At Littman's lengths (10^6 training steps, 10^5 challenger steps, 10^5 test steps) the experiment
takes many CPU-minutes (the file records them), more than chapter 2's budget, so this module runs it
from the course's study command line and writes a JSON file the notebook reads::

    python -m marl_course.experiments littman --n-train 1000000 --n-challenger 100000 --n-test 100000 --seeds 0 --jobs 1 --quiet

The shipped file :data:`RESULTS_PATH` was written by exactly that command; its ``provenance``
records the command, the configuration, the seeds, the versions and the CPU time. Per seed
(``runs``, in the order of the seeds; each seed's run is its own, however the seeds were spread
over processes or a cluster) and per policy it holds the match records against the three
opponents (games won by A and by B, draws, steps), the frozen policy ``pi(s, a)`` (760 x 5) and
the values the learner held at the end of training, so the notebook can compute each policy's
exact guarantee ``W^pi`` (:func:`~marl_course.tabular.exploitability.best_response`) at the
paper's scale. ``tests/test_littman_experiment.py`` regenerates a short version.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import numpy as np

from marl_course._validation import check_bool, check_int, check_seed
from marl_course.envs.soccer import MatchRecord
from marl_course.experiments.parallel import add_run_arguments, run_seeds_timed
from marl_course.experiments.provenance import provenance, read_results, study_command, write_results
from marl_course.tabular.minimax_q import littman_table

RESULTS_PATH = Path(__file__).with_name("littman_paper_scale.json")
"""The shipped run at Littman's lengths."""
FORMAT = "marl_course.experiments.littman/2"
"""Identifies the layout of the results file."""
OPPONENTS = ("random", "hand-built", "challenger")


def run(seed: int = 0, *, n_train: int, n_challenger: int, n_test: int, progress: bool = False) -> dict:
    """:func:`~marl_course.tabular.minimax_q.littman_table` as plain lists, ready for JSON.

    Returns ``records[opponent][policy]`` (the :class:`~marl_course.envs.soccer.MatchRecord`
    fields), ``policies[policy]`` (760 x 5 nested lists) and ``values[policy]`` (760 floats).

    Examples
    --------
    >>> out = run(n_train=200, n_challenger=200, n_test=200, seed=0)
    >>> sorted(out["records"]["challenger"]), np.shape(out["policies"]["MM"])
    (['MM', 'MR', 'QQ', 'QR'], (760, 5))
    """
    table = littman_table(n_train=n_train, n_challenger=n_challenger, n_test=n_test, seed=check_seed(seed),
                          progress=check_bool(progress, "progress"))
    return {"records": {opponent: {name: vars(record).copy() for name, record in table[opponent].items()}
                        for opponent in OPPONENTS},
            "policies": {name: np.asarray(policy).tolist() for name, policy in table["policies"].items()},
            "values": {name: np.asarray(values).tolist() for name, values in table["values"].items()}}


def load_results(path=RESULTS_PATH, seed: int | None = None) -> dict:
    """Read one seed's run from a results file (default: its first seed), with the records as
    :class:`MatchRecord` and the arrays as numpy arrays, beside the file's ``provenance``.

    Examples
    --------
    >>> results = load_results()
    >>> results["provenance"]["config"]["n_train"], results["policies"]["MM"].shape
    (1000000, (760, 5))
    >>> results["challenger"]["QR"].percent_won_a  # QR's frozen policy never beats its challenger
    0.0
    """
    file = read_results(path, FORMAT)
    seeds = file["provenance"]["seeds"]
    if seed is not None and seed not in seeds:
        raise ValueError(f"seed must be one of the file's seeds {seeds}, got {seed!r}")
    raw = file["runs"][0 if seed is None else seeds.index(seed)]
    results = {"provenance": file["provenance"],
               "policies": {name: np.asarray(p, dtype=float) for name, p in raw["policies"].items()},
               "values": {name: np.asarray(v, dtype=float) for name, v in raw["values"].items()}}
    for opponent in OPPONENTS:
        results[opponent] = {name: MatchRecord(**record) for name, record in raw["records"][opponent].items()}
    return results


def main(argv=None) -> None:
    """Command line: run the experiment and write the results file (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m marl_course.experiments littman",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--n-train", type=int, default=10**6, help="training steps per policy (paper: 10^6)")
    parser.add_argument("--n-challenger", type=int, default=10**5, help="challenger training steps (paper: 10^5)")
    parser.add_argument("--n-test", type=int, default=10**5, help="test steps per match (paper: 10^5)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_run_arguments(parser, default_seeds="0")
    args = parser.parse_args(argv)
    config = {"n_train": check_int(args.n_train, "n_train", low=1),
              "n_challenger": check_int(args.n_challenger, "n_challenger", low=1),
              "n_test": check_int(args.n_test, "n_test", low=1)}
    one_process = (args.jobs == 1 or len(args.seeds) == 1) and args.cluster is None
    runs, cpu_seconds = run_seeds_timed(partial(run, **config, progress=one_process and not args.quiet), args.seeds,
                                        jobs=args.jobs, cluster=args.cluster, address=args.address)
    command = study_command("littman", argv)
    write_results(RESULTS_PATH if args.out is None else Path(args.out), FORMAT,
                  provenance(command, config, args.seeds, cpu_seconds), {"runs": runs})


if __name__ == "__main__":
    main()
