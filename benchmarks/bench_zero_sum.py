"""Benchmark: the stage-game linear program of Minimax-Q / Foe-Q against scipy's linprog.

Solves the same random 5x5 zero-sum games with ``solve_zero_sum`` (validated entry point),
``solve_zero_sum_unchecked`` (the learners' inner loop) and ``scipy.optimize.linprog`` (HiGHS)
on the maximin program, all in this run, and prints the speed ratios and the largest value
difference. Run by hand: ``.venv/bin/python benchmarks/bench_zero_sum.py``.
"""

from __future__ import annotations

import time

import numpy as np

from marl_course.games.zero_sum import maximin_value_linprog, solve_zero_sum, solve_zero_sum_unchecked


def seconds_per_solve(solver, games, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for A in games:
            solver(A)
        best = min(best, (time.perf_counter() - start) / len(games))
    return best


def main(n_games: int = 300, size: int = 5, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    games = [rng.normal(size=(size, size)) for _ in range(n_games)]
    reference = np.array([maximin_value_linprog(A) for A in games])
    ours = np.array([solve_zero_sum(A)[0] for A in games])
    t_linprog = seconds_per_solve(maximin_value_linprog, games, repeats=3)
    t_checked = seconds_per_solve(solve_zero_sum, games, repeats=5)
    t_unchecked = seconds_per_solve(solve_zero_sum_unchecked, games, repeats=5)
    print(f"{n_games} random {size}x{size} zero-sum games")
    print(f"linprog (HiGHS)            {t_linprog * 1e6:8.1f} us/solve")
    print(f"solve_zero_sum             {t_checked * 1e6:8.1f} us/solve   {t_linprog / t_checked:5.1f}x faster")
    print(f"solve_zero_sum_unchecked   {t_unchecked * 1e6:8.1f} us/solve   {t_linprog / t_unchecked:5.1f}x faster")
    print(f"max |value - linprog value| = {np.max(np.abs(ours - reference)):.2e}")


if __name__ == "__main__":
    main()
