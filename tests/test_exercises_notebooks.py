"""Every chapter's exercise cells, end to end in a real kernel.

Untouched, every ``check()`` must report *not attempted* and nothing may crash; with each
starter replaced by the question's reference solution, every ``check()`` must report *correct*.
Only the exercise cells (and the cell that imports the chapter's exercises) run, so this stays
fast; the full notebooks run under nbval.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from marl_course.book import load_manifest

COURSE = load_manifest()
CHECK = re.compile(r"^(?P<question>\w+\.q\d+)\.check\((?P<arg>.*)\)\s*$", re.MULTILINE)


def _exercise_notebook(path, mode):
    nb = nbformat.read(path, as_version=4)
    cells, n_checks = [], 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "marl_course.exercises import" in cell.source:
            cells.append(nbformat.v4.new_code_cell(cell.source))
            continue
        match = CHECK.search(cell.source)
        if not match:
            continue
        n_checks += 1
        q = match["question"]
        if mode == "solved":
            source = f"_r = {q}.check({q}.reference())\nassert _r.status == 'correct', _r"
        else:
            source = CHECK.sub(f"_r = {q}.check({match['arg']})\nassert _r.status == 'not attempted', _r",
                               cell.source)
        cells.append(nbformat.v4.new_code_cell(source))
    nb.cells = cells
    return nb, n_checks


@pytest.mark.parametrize("mode", ["untouched", "solved"])
@pytest.mark.parametrize("chapter", COURSE.chapters, ids=lambda c: f"ch{c.number:02d}")
def test_exercise_cells(chapter, mode):
    nb, n_checks = _exercise_notebook(COURSE.notebooks / chapter.notebook, mode)
    assert n_checks >= 4, f"{chapter.notebook} has {n_checks} checked exercises; the course asks for at least 4"
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(COURSE.notebooks)}}).execute()
