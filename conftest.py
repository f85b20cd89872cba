"""Test set-up: a headless matplotlib backend for every test, patient notebook cells, and each
notebook executed once per run (in JupyterLab when the browser test runs it, else by nbval)."""

import re

import matplotlib
import pytest

matplotlib.use("Agg")

NBVAL_OUTPUT_TIMEOUT = 60
"""Seconds nbval waits for a finished cell's last output message (its default is 5). A training
cell streams many progress-bar messages; on a loaded 2-core machine the last of them can lag
more than 5 s behind the cell's reply, which failed a correct notebook once."""


@pytest.hookimpl(trylast=True)  # after -m/-k deselection, so only the tests that will run count
def pytest_collection_modifyitems(items):
    in_jupyterlab = _notebooks_run_in_jupyterlab(items)
    for item in items:
        # an object's address in a test id differs between pytest-xdist workers, which then refuse to run
        if re.search(r"0x[0-9a-fA-F]{6,}", item.nodeid):
            raise pytest.UsageError(f"{item.nodeid}: a test id holds a memory address; give the case an explicit id")
        if hasattr(item, "output_timeout"):  # an nbval notebook cell
            item.output_timeout = NBVAL_OUTPUT_TIMEOUT
            if item.path.name in in_jupyterlab:
                item.add_marker(pytest.mark.skip(reason=f"executed in JupyterLab by {in_jupyterlab[item.path.name]}"))


def _notebooks_run_in_jupyterlab(items) -> dict[str, str]:
    """Notebook file name -> id of the selected, not skipped browser test that runs all its cells.

    A notebook costs a minute or more of CPU; running it twice per test run (nbval and JupyterLab)
    would double that, so nbval skips the notebooks the browser test executes (its cells fail the
    browser test the same way: a traceback in any output). Without Chromium the browser tests skip
    and nbval runs every notebook.
    """
    runs = {}
    for item in items:
        if any(mark.args and mark.args[0] is True for mark in item.iter_markers("skipif")):
            continue
        for mark in item.iter_markers("runs_notebook"):
            runs[mark.args[0]] = item.nodeid
    return runs
