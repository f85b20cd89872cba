"""Benchmark: a vectorised batch of L_R-I runs against the same runs one at a time.

Runs L_R-I on the prisoner's dilemma (rewards normalised to [0, 1]) for ``N_RUNS`` runs of
``N_STEPS`` steps, (a) as one call with ``n_runs=N_RUNS`` and (b) as ``N_RUNS`` calls with
``n_runs=1`` in a Python loop, both in this run, and prints the time of each, the speed ratio,
and the projected time of the target size (1,000 runs x 10,000 steps). It also checks that
the two give the same share of runs at the equilibrium (defect, defect). Run by hand:
``.venv/bin/python benchmarks/bench_dynamics.py``.
"""

from __future__ import annotations

import time

import numpy as np

from marl_course.dynamics.automata import linear_reward_inaction, normalise_payoffs, record
from marl_course.games.gallery import prisoners_dilemma

N_RUNS, N_STEPS, ETA = 200, 2_000, 0.05


def final_policies_batched(payoffs) -> np.ndarray:
    p1, _ = record(linear_reward_inaction(payoffs, ETA, n_runs=N_RUNS, seed=0), N_STEPS, every=N_STEPS - 1)
    return p1[-1]


def final_policies_looped(payoffs) -> np.ndarray:
    finals = []
    for run in range(N_RUNS):
        p1, _ = record(linear_reward_inaction(payoffs, ETA, n_runs=1, seed=run), N_STEPS, every=N_STEPS - 1)
        finals.append(p1[-1, 0])
    return np.array(finals)


def timed(function, payoffs):
    start = time.process_time()
    result = function(payoffs)
    return time.process_time() - start, result


def main():
    payoffs = normalise_payoffs(prisoners_dilemma().payoffs)
    t_batch, batch = timed(final_policies_batched, payoffs)
    t_loop, loop = timed(final_policies_looped, payoffs)
    print(f"L_R-I, prisoner's dilemma, {N_RUNS} runs x {N_STEPS} steps (CPU seconds)")
    print(f"  batched (one call, n_runs={N_RUNS}):   {t_batch:8.3f} s")
    print(f"  looped  ({N_RUNS} calls, n_runs=1):   {t_loop:8.3f} s")
    print(f"  speed-up of the batch:               {t_loop / t_batch:8.1f}x")
    print(f"  share at (D, D): batched {np.mean(batch[:, 1] > 0.99):.2f}, looped {np.mean(loop[:, 1] > 0.99):.2f}")
    start = time.process_time()
    record(linear_reward_inaction(payoffs, 0.01, n_runs=1000, seed=0), 10_000, every=1000)
    print(f"  1,000 runs x 10,000 steps batched:   {time.process_time() - start:8.3f} s")


if __name__ == "__main__":
    main()
