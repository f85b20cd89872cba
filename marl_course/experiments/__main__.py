"""One command line for the chapters' studies: ``python -m marl_course.experiments NAME [options]``.

``python -m marl_course.experiments --list`` names the studies; ``python -m marl_course.experiments
NAME --help`` shows a study's options. Every study takes ``--seeds`` (e.g. ``0-15``), ``--jobs``
(local processes, default every core), ``--cluster dask|ray`` with ``--address`` (an existing
cluster) and ``--out``; it writes a JSON results file with its provenance (command, config, seeds,
versions, CPU seconds of all workers).
"""

from __future__ import annotations

import importlib
import sys

STUDIES = {
    "littman": ("marl_course.experiments.littman", "chapter 2: Littman's soccer table at the paper's lengths"),
    "maddpg": ("marl_course.experiments.maddpg", "chapter 5: MADDPG against independent DDPG on a particle task"),
    "flicker": ("marl_course.experiments.flicker", "chapter 6: DQN and DRQN trained at one flicker probability, played at others"),
    "dgn": ("marl_course.experiments.dgn", "chapter 9: DGN against independent DQN, and a sweep of the regulariser's weight"),
    "ga_comm": ("marl_course.experiments.ga_comm", "chapter 10: GA-Comm against full soft attention and no communication"),
    "ga_comm_distractors": ("marl_course.experiments.ga_comm_distractors",
                            "chapter 10: GA-Comm, full soft attention and no communication among liars"),
    "ga_ac": ("marl_course.experiments.ga_ac", "chapter 10: GA-AC against soft-attention and independent critics, coupled capture"),
    "ga_abstraction": ("marl_course.experiments.ga_abstraction",
                       "chapter 10: GA-AC's critic fitted to the next reward; its kept edges against who matters"),
}
"""Study name -> (module with a ``main(argv)``, what it runs)."""


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "--list"):
        print(__doc__.split("\n")[0] + "\n\nstudies:")
        for name, (_, what) in STUDIES.items():
            print(f"  {name:20s} {what}")
        return
    name, *rest = argv
    if name not in STUDIES:
        raise SystemExit(f"unknown study {name!r}; the studies are: {', '.join(STUDIES)}")
    importlib.import_module(STUDIES[name][0]).main(rest)


if __name__ == "__main__":
    main()
