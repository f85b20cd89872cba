"""Time our VDN and QMIX on the QMIX paper's two-step game (run by hand: python benchmarks/bench_qmix_two_step.py).

"Solved" means: the greedy return is 8 at every test after it first reaches 8
(tests every 250 episodes, paper setting: epsilon 1 throughout, gamma 0.99, at most 5,000 episodes).
The peer (the reference PyMARL framework, reported at about 45 s for QMIX and 29 s for VDN on a machine like this one)
is not installable here, so its figure is quoted, not measured in the same run; the ratio printed
is against that quoted figure. VDN never solves the game (it settles for 7), so its time is the full budget.
"""

import time

import numpy as np

from marl_course.deep.value_decomposition import VDConfig, train
from marl_course.envs.two_step import TwoStepGame

QUOTED_SECONDS = {"qmix": 45.0, "vdn": 29.0}


def solved_at(history) -> int | None:
    """First test episode after which every greedy return is 8, or None."""
    returns = np.asarray(history.eval_return)
    for k in range(len(returns)):
        if np.all(returns[k:] == 8):
            return history.eval_steps[k]
    return None


def main(seeds=(0, 1, 2)):
    for mixer in ("qmix", "vdn"):
        for seed in seeds:
            config = VDConfig(mixer=mixer, n_episodes=5000, epsilon_end=1.0, buffer_size=5000, test_every_episodes=250)
            start, cpu = time.perf_counter(), time.process_time()
            history = train(TwoStepGame(n_envs=8), config, seed=seed, progress=False)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            episode = solved_at(history)
            print(f"{mixer.upper():4s} seed {seed}: wall {wall:5.2f} s, cpu {cpu:5.2f} s for 5,000 episodes; "
                  f"solved from episode {episode}; final greedy return {history.eval_return[-1]:.0f}; "
                  f"quoted framework time {QUOTED_SECONDS[mixer]:.0f} s -> ratio {QUOTED_SECONDS[mixer] / wall:.1f}x "
                  "(not measured in the same run)")


if __name__ == "__main__":
    main()
