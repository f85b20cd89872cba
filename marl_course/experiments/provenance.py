"""Results files with provenance: what a shipped study ran, with which versions, for how much CPU.

Every shipped results file is one JSON object ``{"format": ..., "provenance": ..., **results}``.
``provenance`` records the command that wrote the file, the configuration, the seeds, the CPU
seconds the run took and the versions of Python, numpy and (when the study used it) torch, so a
reader can regenerate the file and judge whether a rerun on their machine should match it.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.json"
>>> info = provenance("python -m demo --seed 0", {"steps": 10}, seeds=[0], cpu_seconds=1.25)
>>> write_results(path, "demo/1", info, {"score": 0.5})
>>> results = read_results(path, "demo/1")
>>> results["score"], results["provenance"]["seeds"], results["provenance"]["cpu_seconds"]
(0.5, [0], 1.2)
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np

from marl_course._validation import check_instance, check_int, check_real


def check_seeds(seeds) -> list[int]:
    """``seeds`` as a non-empty list of non-negative ints (ValueError/TypeError naming ``seeds`` otherwise).

    Examples
    --------
    >>> check_seeds(range(3))
    [0, 1, 2]
    """
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints, got {type(seeds).__name__}")
    seeds = [check_int(s, "seeds", low=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    return seeds


def check_settings(value, name: str, default: dict, same_keys: bool = True) -> dict:
    """A study's settings dict ``name``: a copy of ``default`` when ``value`` is None, else a copy of
    ``value``, which must be a dict with the keys of ``default`` when ``same_keys``.

    Examples
    --------
    >>> check_settings(None, "evaluation", {"n_envs": 256, "seed": 123})
    {'n_envs': 256, 'seed': 123}
    >>> check_settings({"n_envs": 8}, "evaluation", {"n_envs": 256, "seed": 123})
    Traceback (most recent call last):
    ...
    ValueError: evaluation must have the keys ['n_envs', 'seed'], got ['n_envs']
    """
    check_instance(default, "default", dict)
    value = dict(default) if value is None else dict(check_instance(value, name, dict))
    if same_keys and set(value) != set(default):
        raise ValueError(f"{name} must have the keys {sorted(default)}, got {sorted(value)}")
    return value


def study_command(name: str, argv=None) -> str:
    """The command line that ran study ``name`` with arguments ``argv`` (default: this process's), as provenance records it.

    Examples
    --------
    >>> study_command("ga_ac", ["--seeds", "0-4", "--quiet"])
    'python -m marl_course.experiments ga_ac --seeds 0-4 --quiet'
    """
    check_instance(name, "name", str)
    args = sys.argv[1:] if argv is None else [check_instance(a, "argv", str) for a in argv]
    return " ".join(["python -m marl_course.experiments", name, *args])


def provenance(command: str, config: dict, seeds, cpu_seconds: float) -> dict:
    """The provenance entry of a results file: command, config, seeds, CPU seconds and versions.

    torch's version is recorded when torch has been imported (the deep studies); the tabular
    studies never import it.
    """
    check_instance(command, "command", str)
    check_instance(config, "config", dict)
    info = {"command": command, "config": config, "seeds": check_seeds(seeds),
            "cpu_seconds": round(check_real(cpu_seconds, "cpu_seconds", low=0), 1),
            "numpy": np.__version__, "python": platform.python_version()}
    if "torch" in sys.modules:
        info["torch"] = sys.modules["torch"].__version__
    return info


def write_results(path, format: str, info: dict, results: dict) -> None:
    """Write ``results`` with the format tag ``format`` and the provenance ``info`` to ``path`` (JSON)."""
    check_instance(format, "format", str)
    check_instance(info, "info", dict)
    check_instance(results, "results", dict)
    if {"format", "provenance"} & set(results):
        raise ValueError("results must not hold the keys 'format' or 'provenance' (the file's header)")
    Path(path).write_text(json.dumps({"format": format, "provenance": info, **results}, indent=1) + "\n")


def read_results(path, format: str) -> dict:
    """Read a file written by :func:`write_results`, checking that its format tag is ``format``."""
    try:
        results = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"path must be a JSON results file written by write_results, got {path}") from exc
    if not isinstance(results, dict) or results.get("format") != format:
        found = results.get("format") if isinstance(results, dict) else type(results).__name__ + " JSON"
        raise ValueError(f"path must be a results file of format {format!r}, got {found!r}")
    return results
