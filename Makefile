# `make run` and `make test` work on a fresh machine with Python 3.11+ and nothing else:
# they create .venv if missing and install the project (and, for tests, its dev tools).

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := --disable-pip-version-check --no-input -q

.PHONY: run test lint bench clean check-python

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3 --version)."; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[dev]'
	@touch $@

run: $(VENV)/.installed
	$(BIN)/backoffice run

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy bot handlers
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_decide.py
	$(BIN)/python bench/bench_roundtrip.py
	$(BIN)/python bench/bench_understand.py
	$(BIN)/python bench/bench_blind.py
	$(BIN)/python bench/bench_inbox.py
	$(BIN)/python bench/bench_slack_ack.py
	$(BIN)/python bench/bench_chatwork_webhook.py
	$(BIN)/python bench/bench_retrieval.py
	$(BIN)/python bench/bench_contract.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
