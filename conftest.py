"""Test set-up: a headless matplotlib backend for every test, and patient notebook cells."""

import re

import matplotlib
import pytest

matplotlib.use("Agg")

NBVAL_OUTPUT_TIMEOUT = 60
"""Seconds nbval waits for a finished cell's last output message (its default is 5). A training
cell streams many progress-bar messages; on a loaded 2-core machine the last of them can lag
more than 5 s behind the cell's reply, which failed a correct notebook once."""


def pytest_collection_modifyitems(items):
    for item in items:
        # an object's address in a test id differs between pytest-xdist workers, which then refuse to run
        if re.search(r"0x[0-9a-fA-F]{6,}", item.nodeid):
            raise pytest.UsageError(f"{item.nodeid}: a test id holds a memory address; give the case an explicit id")
        if hasattr(item, "output_timeout"):  # an nbval notebook cell
            item.output_timeout = NBVAL_OUTPUT_TIMEOUT
