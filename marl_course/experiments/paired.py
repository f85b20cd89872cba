"""Paired per-seed scores of a study's summary: every chapter 10 study stores, per method, one dict of
scores per seed (``{"methods": {name: {"final": [scores of seed 0, seed 1, ...], ...}}}``), the seeds
shared by all methods, so two methods are compared seed by seed.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import check_choice, check_instance
from marl_course.stats import paired_difference


def gather(per_seed: list, methods, fields: dict[str, str]) -> dict:
    """The summary layout from one result per seed: ``{"methods": {name: {key: [run[name][field] for
    run in per_seed]}}}`` for every ``name`` in ``methods`` and every ``key: field`` of ``fields``.

    Examples
    --------
    >>> per_seed = [{"A": {"curve": [0.1], "final": {"m": 1.0}}}, {"A": {"curve": [0.2], "final": {"m": 2.0}}}]
    >>> gather(per_seed, ["A"], {"curves": "curve", "final": "final"})
    {'methods': {'A': {'curves': [[0.1], [0.2]], 'final': [{'m': 1.0}, {'m': 2.0}]}}}
    """
    check_instance(per_seed, "per_seed", list)
    check_instance(fields, "fields", dict)
    return {"methods": {name: {key: [run[name][field] for run in per_seed] for key, field in fields.items()}
                        for name in methods}}


def scores(results: dict, method: str, metric: str, kind: str = "final") -> np.ndarray:
    """One method's per-seed ``metric`` from a summary (None, an empty ratio, as nan).

    Examples
    --------
    >>> scores({"methods": {"A": {"final": [{"m": 1.0}, {"m": None}]}}}, "A", "m")
    array([ 1., nan])
    """
    check_instance(results, "results", dict)
    methods = results.get("methods", {})
    check_choice(method, "method", tuple(methods))
    check_choice(kind, "kind", tuple(key for key, value in methods[method].items() if key != "curves"
                                     and isinstance(value, list) and value and isinstance(value[0], dict)))
    runs = methods[method][kind]
    if any(metric not in run for run in runs):
        raise ValueError(f"metric must be a score of every seed's {kind} metrics, got {metric!r}")
    return np.array([np.nan if run[metric] is None else run[metric] for run in runs], dtype=float)


def gap(results: dict, metric: str, a: str, b: str, kind: str = "final") -> tuple[float, float]:
    """Mean over paired seeds of ``metric(a) - metric(b)`` and its standard error.

    ``results`` is a study's summary (the ``compare`` of a chapter 10 study, or its loaded results file); the gap is the mean of
    the per-seed differences ``d_k = m_a(k) - m_b(k)`` and its error ``s_d / sqrt(n)``
    (:func:`~marl_course.stats.paired_difference`). ``kind`` picks which per-seed scores, e.g. the
    greedy (``"final"``) or the sampled ones (``"sampled"``) of the GA-AC study.

    Examples
    --------
    >>> results = {"methods": {"GA-AC": {"final": [{"capture_rate": 0.5}, {"capture_rate": 0.7}]},
    ...                        "independent critics": {"final": [{"capture_rate": 0.4}, {"capture_rate": 0.4}]}}}
    >>> tuple(round(x, 3) for x in gap(results, "capture_rate", "GA-AC", "independent critics"))
    (0.2, 0.1)
    """
    for name, value in (("a", a), ("b", b)):
        check_choice(value, name, tuple(check_instance(results, "results", dict).get("methods", {})))
    return paired_difference(scores(results, a, metric, kind), scores(results, b, metric, kind))
