"""Measure how far short seeded training runs move when the CPU kernels change.

Runs every entry of ``tests/training_regressions.RUNS`` in a fresh process under each
``KERNEL_SETTINGS`` entry (torch's vectorised kernels, MKL's path, OpenBLAS's kernel, numpy's
SIMD), then prints each value per setting, its largest relative deviation from the stored value,
and that deviation as a fraction of ``TRAINING_RTOL``, the tolerance the tests use. Run by hand:
``.venv/bin/python benchmarks/kernel_spread.py`` (about two minutes on two cores).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from training_regressions import KERNEL_SETTINGS, RUNS, TRAINING_RTOL  # noqa: E402

CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
from training_regressions import RUNS
print(json.dumps({{name: run() for name, (run, _) in RUNS.items()}}))
"""


def values_under(setting: dict[str, str]) -> dict[str, dict[str, float]]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", **setting}
    out = subprocess.run([sys.executable, "-c", CHILD.format(tests=str(ROOT / "tests"))], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    measured = {label: values_under(setting) for label, setting in KERNEL_SETTINGS.items()}
    labels = list(KERNEL_SETTINGS)
    print(f"{'run / value':44s}" + "".join(f"{label:>14s}" for label in labels) + f"{'max rel dev':>13s}{'/ rtol':>8s}")
    worst = 0.0
    for name, (_, stored) in RUNS.items():
        for key, reference in stored.items():
            row = [measured[label][name][key] for label in labels]
            deviation = max(abs(v - reference) for v in row) / abs(reference)
            worst = max(worst, deviation)
            print(f"{name + ' / ' + key:44s}" + "".join(f"{v:14.6f}" for v in row)
                  + f"{deviation:13.2e}{deviation / TRAINING_RTOL:8.3f}")
    print(f"largest relative deviation {worst:.2e}; TRAINING_RTOL = {TRAINING_RTOL:g} "
          f"(a factor of {TRAINING_RTOL / max(worst, 1e-300):.0f})")


if __name__ == "__main__":
    main()
