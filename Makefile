# make run   — create .venv if needed, install prep, launch it on the shipped deck
# make test  — install the test extras, then ruff, import-linter, mypy --strict and the whole suite
# make screenshots — redraw the README's pictures of the main screens (docs/screenshots.py)
# make bench — every benchmark (a few minutes; see bench/): start-up, scale on a quick data set
#              (SCALE_ARGS), grading, Progress. make bench-scale runs scale on the issue's full
#              data set, 10,000 cards and 1,000,000 reviews (several minutes more: the data set
#              alone takes about two to build).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
SCALE_ARGS ?= --runs 1 --cards 2000 --decks 10 --reviews 200000

.PHONY: run test lint typecheck pytest bench bench-scale screenshots mutate clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "prep needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	@touch $@

run: $(VENV)/.installed
	$(BIN)/prep

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy --strict src tests

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/scale.py $(SCALE_ARGS)
	$(BIN)/python bench/grade.py
	$(BIN)/python bench/progress.py

bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/scale.py

# The README's screenshots (docs/screenshots/*.svg), drawn from a pinned demo home.
screenshots: $(VENV)/.installed-test
	$(BIN)/python docs/screenshots.py

# Mutation testing of the domain with its fast tests (slow: hours on two cores);
# MUTANTS narrows it, e.g. make mutate MUTANTS='prep.grading.*'. The report stays in mutants/.
mutate: $(VENV)/.installed-test
	$(BIN)/mutmut run $(MUTANTS) || true
	$(BIN)/python .ci/mutation_score.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache mutants
