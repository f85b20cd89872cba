"""Benchmark: one WoLF-PHC self-play run, the plain-float path of ``self_play`` against the batched learners.

Chapter 3's explorer redraws one run of up to 60,000 steps. ``self_play`` on a one-run repeated
matrix game takes a plain-Python path that gives the same trajectory bit for bit as
:func:`~marl_course.tabular.phc.learn` with the batched :class:`~marl_course.tabular.phc.WoLFPHC`
learners (checked here and in ``tests/test_phc.py``). Both run in this process on the same seed;
the script prints each one's CPU time, the ratio, and the projected explorer redraw at 60,000 steps.
Run by hand: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_phc_one_run.py``.
"""

from __future__ import annotations

import time

import numpy as np

from marl_course.envs.matrix_games import make_matrix_game
from marl_course.tabular.phc import WoLFPHC, learn, off_equilibrium_start, self_play

N_STEPS, DELTA_W, DELTA_L, SEED = 20_000, 0.0005, 0.0015, 0


def main() -> None:
    env = make_matrix_game("rock_paper_scissors")
    start = time.process_time()
    fast = self_play(env, DELTA_W, DELTA_L, N_STEPS, seed=SEED)
    fast_s = time.process_time() - start
    agents = [WoLFPHC(m, delta_w=DELTA_W, delta_l=DELTA_L, initial_policy=off_equilibrium_start(m, i),
                      player=i)
              for i, m in enumerate(env.action_counts)]
    start = time.process_time()
    batched = learn(env, agents, N_STEPS, seed=SEED)
    batched_s = time.process_time() - start
    same = all(np.array_equal(a, b) for a, b in zip(fast.policies, batched.policies))
    print(f"rock-paper-scissors, WoLF-PHC, {N_STEPS:,} steps, one run")
    print(f"  batched learners (learn): {batched_s:6.2f} s CPU")
    print(f"  plain-float path:         {fast_s:6.2f} s CPU   ratio {batched_s / fast_s:5.1f}x   identical: {same}")
    print(f"  projected explorer run at 60,000 steps: {fast_s * 60_000 / N_STEPS:5.2f} s CPU")


if __name__ == "__main__":
    main()
