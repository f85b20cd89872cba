"""Test set-up: a headless matplotlib backend for every test, and patient notebook cells."""

import matplotlib

matplotlib.use("Agg")

NBVAL_OUTPUT_TIMEOUT = 60
"""Seconds nbval waits for a finished cell's last output message (its default is 5). A training
cell streams many progress-bar messages; on a loaded 2-core machine the last of them can lag
more than 5 s behind the cell's reply, which failed a correct notebook once."""


def pytest_collection_modifyitems(items):
    for item in items:
        if hasattr(item, "output_timeout"):  # an nbval notebook cell
            item.output_timeout = NBVAL_OUTPUT_TIMEOUT
