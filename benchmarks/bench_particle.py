"""Joint environment steps per second of cooperative navigation: B worlds at once vs one at a time.

Run by hand: ``.venv/bin/python benchmarks/bench_particle.py``. Prints steps/s of
``CooperativeNavigation(n_envs=256)``, of the same class with one world, and of mpe2's
``simple_spread_v3`` parallel env (when installed), all measured in this run, and the ratios.
A "joint step" is one step of one world (all three agents act).
"""

from __future__ import annotations

import time

import numpy as np

from marl_course.envs.particle import joint_steps_per_second


def mpe2_one_world(n_steps: int) -> float | None:
    try:
        from mpe2 import simple_spread_v3
    except ImportError:
        return None
    env = simple_spread_v3.parallel_env(N=3, local_ratio=0.5, max_cycles=25)
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 5, size=(n_steps, 3))
    start = time.perf_counter()
    for t, a in enumerate(actions):
        if t % 25 == 0:
            env.reset(seed=t)
        env.step({name: int(x) for name, x in zip(env.possible_agents, a)})
    return n_steps / (time.perf_counter() - start)


def main():
    batched = joint_steps_per_second(256, 400)
    single = joint_steps_per_second(1, 4000)
    print(f"ours, B=256 worlds:     {batched:12,.0f} joint steps/s")
    print(f"ours, one world:        {single:12,.0f} joint steps/s   ratio {batched / single:6.1f}x")
    peer = mpe2_one_world(4000)
    if peer is None:
        print("mpe2 not installed: no mpe2 comparison")
    else:
        print(f"mpe2, one world:        {peer:12,.0f} joint steps/s   ratio {batched / peer:6.1f}x")


if __name__ == "__main__":
    main()
