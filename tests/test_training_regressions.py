"""Stored values of short seeded training runs, compared across CPUs with a measured tolerance.

The runs and the tolerance's basis are in ``training_regressions.py``; each learner's own test
file asserts that a run repeats bit for bit on one machine.
"""

import pytest
from training_regressions import RUNS, TRAINING_RTOL


@pytest.mark.parametrize("name", list(RUNS))
def test_short_training_run_matches_its_stored_values(name):
    run, stored = RUNS[name]
    assert run() == pytest.approx(stored, rel=TRAINING_RTOL)


def test_the_tolerance_separates_the_mixers():
    """A stored value must catch a change of algorithm: the three mixers' losses differ by far more."""
    losses = sorted(RUNS["value_decomposition_two_step"][1].values())
    assert all(b / a - 1 > 50 * TRAINING_RTOL for a, b in zip(losses, losses[1:]))
