"""Paired per-seed scores of a study's summary: the gap is the mean paired difference with its
standard error, and nothing is skipped or dropped silently."""

import numpy as np
import pytest

from marl_course.experiments.paired import gap, scores


def test_gap_and_scores_pair_the_seeds_and_skip_nothing_silently():
    results = {"methods": {"A": {"final": [{"m": 1.0}, {"m": 3.0}, {"m": 2.0}]},
                           "B": {"final": [{"m": 0.0}, {"m": 1.0}, {"m": 2.0}]}}}
    mean, se = gap(results, "m", "A", "B")
    assert mean == pytest.approx(1.0) and se == pytest.approx(np.std([1, 2, 0], ddof=1) / np.sqrt(3))
    with pytest.raises(ValueError, match="metric"):
        gap(results, "missing", "A", "B")
    with pytest.raises(ValueError, match="a"):
        gap(results, "m", "C", "B")
    with pytest.raises(ValueError, match="kind"):
        scores(results, "A", "m", kind="best")
    with pytest.raises(ValueError, match="kind"):  # learning curves are not per-seed scores
        scores({"methods": {"A": {"final": [{"m": 1.0}], "curves": [[0.1, 0.2]]}}}, "A", "m", kind="curves")
    results["methods"]["A"]["final"][1]["m"] = None
    assert np.isnan(scores(results, "A", "m")[1])
    with pytest.raises(ValueError, match="a"):  # a seed without a value is not dropped quietly
        gap(results, "m", "A", "B")
