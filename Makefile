# The course's three commands. Each creates .venv (and installs the course into it) when missing.
#   make lab    open the course in JupyterLab
#   make test   unit tests, doctests, and every notebook executed with nbval
#   make book   the HTML book (Sphinx + MyST-NB) in _build/book/; writes each chapter's run time into book.toml
#   make slides reveal.js slide decks of every chapter in _build/slides/
# Both execute the notebooks through one jupyter-cache (_build/jupyter_cache/): only changed chapters run again.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The CPU build where one is on disk or on the index; the deep chapters (5-10) need it.
TORCH  ?= torch==2.13.0
PYTEST_ARGS ?=
# e.g. BOOK_ARGS="--chapters 1 3": build only those chapters
BOOK_ARGS ?=

.PHONY: lab test test-kernels book slides clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,deep,book]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# two workers with one BLAS/torch thread each: two cores, no oversubscription
test: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest --nbval-lax -n 2 --dist loadfile $(PYTEST_ARGS)

# the unit suite (no notebooks, no browser) under each CPU-kernel setting of
# tests/training_regressions.py: torch's AVX2 and scalar kernels, OpenBLAS's Haswell kernel, and an
# imitation of another CPU's math stack; it must be green under each (about 10 minutes a setting)
KERNEL_SETTINGS ?= native avx2 default portable
test-kernels: $(STAMP)
	for k in $(KERNEL_SETTINGS); do \
	  echo "== kernel setting $$k: $$($(BIN)/python tests/training_regressions.py $$k)"; \
	  env $$($(BIN)/python tests/training_regressions.py $$k) OMP_NUM_THREADS=1 \
	    $(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser" tests marl_course $(PYTEST_ARGS) || exit 1; \
	done

# one BLAS/torch thread: the measured run times match the test runs' setting
book: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m marl_course.book $(BOOK_ARGS)

slides: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m marl_course.book --slides $(BOOK_ARGS)

clean:
	rm -rf _build .pytest_cache
