"""Support enumeration: ours against nashpy's, on random nondegenerate 4x4 games, in one run.

Prints the time per game of each and the ratio, and checks that we find the same equilibria as
nashpy's vertex enumeration (its support enumeration with default arguments misses some).

    .venv/bin/python benchmarks/bench_support_enumeration.py
"""

import time
import warnings

import nashpy
import numpy as np

from marl_course.games import support_enumeration


def per_call(fn, games, repeat):
    start = time.perf_counter()
    for _ in range(repeat):
        for A, B in games:
            fn(A, B)
    return (time.perf_counter() - start) / (repeat * len(games))


def key(equilibria):
    return sorted(tuple(np.round(np.concatenate([x, y]), 6)) for x, y in equilibria)


def main(n_games=30, size=4, seed=0):
    rng = np.random.default_rng(seed)
    games = [(rng.normal(size=(size, size)), rng.normal(size=(size, size))) for _ in range(n_games)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same = sum(key(support_enumeration(A, B)) == key(nashpy.Game(A, B).vertex_enumeration()) for A, B in games)
        ours = per_call(support_enumeration, games, repeat=10)
        theirs = per_call(lambda A, B: list(nashpy.Game(A, B).support_enumeration()), games, repeat=2)
    print(f"random {size}x{size} games: {n_games}")
    print(f"same equilibria as nashpy vertex_enumeration: {same}/{n_games}")
    print(f"ours     {ours * 1e3:8.3f} ms/game")
    print(f"nashpy   {theirs * 1e3:8.3f} ms/game (support_enumeration)")
    print(f"speed-up {theirs / ours:8.1f}x")


if __name__ == "__main__":
    main()
