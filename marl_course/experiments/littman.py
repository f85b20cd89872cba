"""Littman's (1994) Table 1 on soccer at the paper's lengths, run once and shipped with the course.

At Littman's lengths (10^6 training steps, 10^5 challenger steps, 10^5 test steps) the experiment
takes many CPU-minutes (the file records them), more than chapter 2's budget, so this module runs it
from the command line and writes a JSON file the notebook reads::

    python -m marl_course.experiments.littman --n-train 1000000 --n-challenger 100000 --n-test 100000 --seed 0

The shipped file :data:`RESULTS_PATH` was written by exactly that command; its ``provenance``
records the command, the configuration, the versions and the CPU time. Per policy it holds the
match records against the three opponents (games won by A and by B, draws, steps), the frozen
policy ``pi(s, a)`` (760 x 5) and the values the learner held at the end of training, so the
notebook can compute each policy's exact guarantee ``W^pi`` (:func:`~marl_course.tabular.exploitability.best_response`)
at the paper's scale. ``tests/test_littman_experiment.py`` regenerates a short version.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from marl_course._validation import check_bool, check_int, check_seed
from marl_course.envs.soccer import MatchRecord
from marl_course.experiments.provenance import provenance, read_results, write_results
from marl_course.tabular.minimax_q import littman_table

RESULTS_PATH = Path(__file__).with_name("littman_paper_scale.json")
"""The shipped run at Littman's lengths."""
FORMAT = "marl_course.experiments.littman/1"
"""Identifies the layout of the results file."""
OPPONENTS = ("random", "hand-built", "challenger")


def run(n_train: int, n_challenger: int, n_test: int, seed: int = 0, progress: bool = False) -> dict:
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


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file, with the records as :class:`MatchRecord` and the arrays as numpy arrays.

    Examples
    --------
    >>> results = load_results()
    >>> results["provenance"]["config"]["n_train"], results["policies"]["MM"].shape
    (1000000, (760, 5))
    >>> results["challenger"]["QR"].percent_won_a  # QR's frozen policy never beats its challenger
    0.0
    """
    raw = read_results(path, FORMAT)
    results = {"provenance": raw["provenance"],
               "policies": {name: np.asarray(p, dtype=float) for name, p in raw["policies"].items()},
               "values": {name: np.asarray(v, dtype=float) for name, v in raw["values"].items()}}
    for opponent in OPPONENTS:
        results[opponent] = {name: MatchRecord(**record) for name, record in raw["records"][opponent].items()}
    return results


def main(argv=None) -> None:
    """Command line: run the experiment and write the results file (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m marl_course.experiments.littman",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--n-train", type=int, default=10**6, help="training steps per policy (paper: 10^6)")
    parser.add_argument("--n-challenger", type=int, default=10**5, help="challenger training steps (paper: 10^5)")
    parser.add_argument("--n-test", type=int, default=10**5, help="test steps per match (paper: 10^5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    config = {"n_train": check_int(args.n_train, "n_train", low=1),
              "n_challenger": check_int(args.n_challenger, "n_challenger", low=1),
              "n_test": check_int(args.n_test, "n_test", low=1)}
    start = time.process_time()
    results = run(**config, seed=args.seed, progress=not args.quiet)
    command = "python -m marl_course.experiments.littman " + " ".join(argv if argv is not None else sys.argv[1:])
    write_results(args.out, FORMAT, provenance(command.strip(), config, [args.seed], time.process_time() - start),
                  results)


if __name__ == "__main__":
    main()
