"""Seeded regression values of short training runs, and the tolerance they are compared with.

A training run on the same seed repeats bit for bit on one machine (each learner's test asserts
that). Across machines it does not: torch (MKL, oneDNN, its own vectorised kernels) and OpenBLAS
choose kernels per CPU (SSE, AVX2, AVX-512), so matrix products differ in their last bits, and
every gradient step amplifies the difference. A stored value is therefore compared with a
relative tolerance measured across kernel settings, not bit for bit:

    .venv/bin/python benchmarks/kernel_spread.py

reruns every entry of ``RUNS`` in a fresh process under each setting of ``KERNEL_SETTINGS`` and
prints its value and relative spread. ``TRAINING_RTOL`` is that spread's maximum times a safety
factor of about ten (measured values are in its docstring). Pure numpy runs (the tabular
learners, the learning automata, the particle and grid worlds) do not depend on the kernels
(checked with OpenBLAS's Haswell, Sandybridge, Nehalem and Prescott kernels and numpy without
AVX2), so their regression tests keep tight absolute tolerances.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

KERNEL_SETTINGS = {
    "native": {},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "OPENBLAS_CORETYPE": "Haswell"},
    "default": {"ATEN_CPU_CAPABILITY": "default", "OPENBLAS_CORETYPE": "Haswell"},
    # another CPU's whole math stack, as far as one machine can imitate it: torch's scalar
    # kernels, MKL's conditional-reproducibility path, an SSE-era OpenBLAS kernel, numpy without AVX2
    "portable": {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE", "OPENBLAS_CORETYPE": "Nehalem",
                 "NPY_DISABLE_CPU_FEATURES": "X86_V3"},
}
"""Environment variables that select different CPU kernels on one x86-64 machine (read at import)."""

TRAINING_RTOL = 5e-3
"""Relative tolerance for a short training run's stored value across CPUs.

Measured by ``benchmarks/kernel_spread.py`` over ``KERNEL_SETTINGS`` (torch 2.13.0): the largest
relative deviation of any entry of ``RUNS`` from its stored value was 1.4e-4 (the experiment
command's independent DDPG, 4 rounds); the others stayed below 2e-6. The same 1.4e-4 separated an
AVX-512 machine from an AVX2 one. 5e-3 leaves a factor of more than thirty, and is still far below
what a change to an algorithm does: swapping the mixer moves the two-step loss by 28% or more."""


def _torch_single_thread():
    import torch

    torch.set_num_threads(1)


def maddpg_tiny() -> dict[str, float]:
    """MADDPG on cooperative navigation, 3 rounds of 4 worlds, seed 3: the first greedy evaluation."""
    from marl_course.deep.maddpg import MADDPGConfig, train
    from marl_course.envs.particle import CooperativeNavigation

    _torch_single_thread()
    config = MADDPGConfig(n_rounds=3, n_envs=4, updates_per_round=3, batch_size=32, eval_every=3, eval_worlds=4)
    history = train(CooperativeNavigation(n_envs=4), config, seed=3, progress=False)
    return {"eval_return": float(history.eval_return[0])}


def maddpg_experiment_short() -> dict[str, float]:
    """The experiment command, 4 rounds, seed 0: each learner's greedy return on 500 worlds."""
    from marl_course.experiments.maddpg import load_results, main

    _torch_single_thread()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "short.json"
        main(["--rounds", "4", "--seeds", "0", "--block", "2", "--quiet", "--out", str(out)])
        results = load_results(out)
    return {name: float(learner["final"][0]["return"]) for name, learner in results["learners"].items()}


def value_decomposition_two_step() -> dict[str, float]:
    """IQL, VDN and QMIX on the two-step game, 160 episodes, seed 0: the last TD loss of each."""
    from marl_course.deep.value_decomposition import VDConfig, train
    from marl_course.envs.two_step import TwoStepGame

    _torch_single_thread()
    losses = {}
    for mixer in ("iql", "vdn", "qmix"):
        history = train(TwoStepGame(n_envs=8), VDConfig(mixer=mixer, n_episodes=160, test_every_episodes=80), seed=0,
                        progress=False)
        losses[mixer] = float(history.loss[-1])
    return losses


def ga_ac_tiny() -> dict[str, float]:
    """GA-AC on predator-prey, 3 rounds of 8 worlds, seed 3: the last critic loss."""
    from marl_course.deep.g2anet_ac import GAACConfig, train
    from marl_course.envs.predator_prey import PredatorPrey

    _torch_single_thread()
    history = train(PredatorPrey(n_envs=8, episode_length=4), GAACConfig(n_rounds=3, hidden=8, batch_size=16), seed=3,
                    progress=False)
    return {"critic_loss": float(history.loss[-1])}


RUNS = {
    "maddpg_tiny": (maddpg_tiny, {"eval_return": -55.00360222045199}),
    "maddpg_experiment_short": (maddpg_experiment_short,
                                {"MADDPG": -43.03530746501527, "independent DDPG": -41.063738037270376}),
    "value_decomposition_two_step": (value_decomposition_two_step,
                                     {"iql": 14.992083549499512, "vdn": 11.706013679504395,
                                      "qmix": 4.300647258758545}),
    "ga_ac_tiny": (ga_ac_tiny, {"critic_loss": 0.025528445839881897}),
}
"""name -> (function returning named values, the values recorded from this implementation with
torch 2.13.0 CPU on an AVX2 machine)."""


if __name__ == "__main__":
    # `python tests/training_regressions.py default` prints that setting as VAR=value words for `env`
    import sys

    print(" ".join(f"{var}={value}" for var, value in KERNEL_SETTINGS[sys.argv[1]].items()))
