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

from marl_course._validation import as_rng, check_bool, check_choice, check_int, check_seed
from marl_course.envs.soccer import B, N_STATES, MatchRecord, Soccer, hand_built_policy, uniform_policy
from marl_course.experiments.parallel import add_run_arguments, run_seeds_timed
from marl_course.experiments.provenance import provenance, read_results, study_command, write_results
from marl_course.tabular.minimax_q import MinimaxQ, decay_for
from marl_course.tabular.play import FixedPolicy, play
from marl_course.tabular.q_learning import QLearner

RESULTS_PATH = Path(__file__).with_name("littman_paper_scale.json")
"""The shipped run at Littman's lengths."""
FORMAT = "marl_course.experiments.littman/2"
"""Identifies the layout of the results file."""
OPPONENTS = ("random", "hand-built", "challenger")
"""The three test opponents of Littman's Table 1."""


#: Littman (1994), Table 1: percent of games won by each trained policy (playing A) against each test opponent.
LITTMAN_TABLE_1 = {
    "random": {"MR": 99.3, "MM": 99.3, "QR": 99.4, "QQ": 99.5},
    "hand-built": {"MR": 53.7, "MM": 48.1, "QR": 26.1, "QQ": 76.3},
    "challenger": {"MR": 35.0, "MM": 37.5, "QR": 0.0, "QQ": 0.0},
}


POLICY_PAIRS = {"MR": ("minimax", "random"), "MM": ("minimax", "minimax"), "QR": ("q", "random"), "QQ": ("q", "q")}
"""Littman's four training set-ups: name of A's policy -> (A's learner, B's learner during training)."""


def train_soccer_policy(name: str, n_train: int, seed=0, progress: bool = False):
    """Train player A's learner of Littman's set-up ``name`` (MR, MM, QR or QQ) for ``n_train`` soccer steps.

    A is a Minimax-Q learner (M) or a Q-learner (Q); B, during training, is a random player (R)
    or a learner of A's kind. The learning rate decays from 1 to 0.01 over the run
    (:func:`decay_for`); ``epsilon = 0.2`` and ``gamma = 0.9`` as in Littman (1994). ``seed`` is an
    int or a ``numpy.random.Generator`` (drawn from, so runs can share one stream). Returns A's
    learner: its ``policy`` (760, 5) and its values (``V`` for Minimax-Q, ``Q`` for Q-learning).

    Examples
    --------
    >>> learner = train_soccer_policy("MM", n_train=500, seed=0)
    >>> learner.policy.shape, bool(np.allclose(learner.policy.sum(axis=1), 1))
    ((760, 5), True)
    """
    kind_a, kind_b = POLICY_PAIRS[check_choice(name, "name", POLICY_PAIRS)]
    n_train = check_int(n_train, "n_train", low=1)
    rng = as_rng(check_seed(seed))
    decay = decay_for(n_train)
    make = {"minimax": lambda player: MinimaxQ(N_STATES, 5, 5, alpha_decay=decay, player=player),
            "q": lambda player: QLearner(N_STATES, 5, alpha_decay=decay, player=player),
            "random": lambda player: FixedPolicy(uniform_policy())}
    learner = make[kind_a](0)
    play(Soccer(), [learner, make[kind_b](1)], n_train, seed=rng, progress=check_bool(progress, "progress"))
    return learner


def littman_table(n_train: int = 100_000, n_challenger: int = 50_000, n_test: int = 20_000, seed: int = 0,
                  progress: bool = False) -> dict:
    """Littman's (1994) Table 1 experiment on soccer, at a chosen scale (paper: 10^6, 10^5 and 10^5 steps).

    Trains four policies for player A: MR (Minimax-Q against a random B), MM (Minimax-Q against a
    Minimax-Q B), QR and QQ (Q-learning against a random / a Q-learning B). Each policy, frozen
    (no exploration), then plays B = random, B = the hand-built player, and B = its challenger: a
    Q-learner trained ``n_challenger`` steps to beat that frozen policy.

    Returns
    -------
    dict
        ``results[opponent][name]`` = :class:`~marl_course.envs.soccer.MatchRecord` of ``n_test`` steps,
        plus ``results["policies"][name]``, the frozen policies (760, 5), and ``results["values"][name]``,
        the values (760,) each learner holds at the end of training: ``V(s)`` for Minimax-Q,
        ``max_a Q(s, a)`` for Q-learning.

    Examples
    --------
    >>> table = littman_table(n_train=300, n_challenger=300, n_test=300, seed=0)
    >>> sorted(table["challenger"])
    ['MM', 'MR', 'QQ', 'QR']
    >>> table["values"]["MM"].shape
    (760,)
    """
    n_train, n_challenger, n_test = (check_int(n, name, low=1) for n, name in
                                     ((n_train, "n_train"), (n_challenger, "n_challenger"), (n_test, "n_test")))
    rng = as_rng(check_seed(seed))
    progress = check_bool(progress, "progress")
    challenger_decay = decay_for(n_challenger)
    results = {"random": {}, "hand-built": {}, "challenger": {}, "policies": {}, "values": {}}
    for name, (kind_a, _) in POLICY_PAIRS.items():
        learner = train_soccer_policy(name, n_train, seed=rng, progress=progress)
        frozen = FixedPolicy(learner.policy.copy())
        results["policies"][name] = frozen.policy
        results["values"][name] = learner.V.copy() if kind_a == "minimax" else learner.Q.max(axis=1)
        challenger = QLearner(N_STATES, 5, alpha_decay=challenger_decay, player=1)
        play(Soccer(), [frozen, challenger], n_challenger, seed=rng)
        challenger.epsilon = 0.0
        opponents = {"random": FixedPolicy(uniform_policy()), "hand-built": FixedPolicy(hand_built_policy(B)),
                     "challenger": challenger}
        for opponent, player_b in opponents.items():
            results[opponent][name] = MatchRecord.of(play(Soccer(), [frozen, player_b], n_test, seed=rng, learn=False))
    return results



def run(seed: int = 0, *, n_train: int, n_challenger: int, n_test: int, progress: bool = False) -> dict:
    """:func:`littman_table` as plain lists, ready for JSON.

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
