# The few commands people run. README.md: `make demo` and `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint install install-dev clean lock docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=24"

# Core install (what `vawg demo` and the dashboard it points to, `vawg serve`, need), pinned by
# the lock file.
$(VENV)/.core: $(BIN)/python pyproject.toml $(LOCK)
	$(PIP) install -c $(LOCK) -e ".[web]"
	touch $@

# Test tools on top of the core: browser tests (Debian's Chromium, axe-core from
# npm for the accessibility checks) and Spark.
$(VENV)/.dev: $(VENV)/.core package-lock.json
	$(PIP) install -c $(LOCK) -e ".[dev,web,browser,spark]"
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.core
install-dev: $(VENV)/.dev

demo: $(VENV)/.core
	$(BIN)/vawg demo --out demo-output

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy

# Two test processes (the CI machine has two cores); a test file stays in one process, so its
# module fixtures are built once.
test: $(VENV)/.dev lint
	$(BIN)/python -m pytest -q -m "not slow" -n 2 --dist loadfile

docs: $(VENV)/.core
	$(BIN)/python scripts/build_contract_docs.py
	$(BIN)/python scripts/build_cli_docs.py

# Refresh the lock file from a venv holding every extra (run by maintainers, not users).
lock:
	$(PIP) install -e ".[dev,web,browser,spark,scripts]"
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > $(LOCK)

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
