# plerome — `make run` serves, `make test` checks everything. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# Folders that exist in this checkout (git keeps no empty ones, e.g. scripts/ before the first script).
CODE := $(wildcard domain ports adapters entrypoints tests scripts)

.PHONY: run test lint typecheck layers pytest bench install dev clean

# `make .venv`: the venv with plerome and its runtime dependencies.
$(VENV): $(VENV)/.runtime
$(VENV)/.runtime: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -q --upgrade pip
	$(PIP) install -q .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) install -q '.[dev]'
	@touch $@

# Reinstall plerome itself (not its dependencies) so the installed package is the working tree.
install: $(VENV)/.runtime
	@$(PIP) install -q --no-deps --force-reinstall --no-build-isolation . 2>/dev/null \
		|| $(PIP) install -q --no-deps --force-reinstall .

dev: $(VENV)/.dev install

run: install
	$(BIN)/plerome serve

lint: dev
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: dev
	$(BIN)/mypy -p plerome.domain -p plerome.ports -p plerome.adapters -p plerome.entrypoints

layers: dev
	$(BIN)/lint-imports

pytest: dev
	$(BIN)/pytest -q -rs $(PYTEST_ARGS)

test: lint typecheck layers pytest

bench: dev
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_userdata.py

clean:
	rm -rf $(VENV) dist build
