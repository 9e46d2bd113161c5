# `make run` and `make test` work on a fresh machine with Python 3.11+ and nothing else:
# they create .venv if missing and install the project (and, for tests, its dev tools), every package at the
# version pinned in constraints.txt, so each machine runs what CI ran. `make lock` refreshes the pins.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := --disable-pip-version-check --no-input -q
# The pins every install takes (pip -c): written by `make lock`, committed.
LOCK := constraints.txt
LOCK_VENV := .lock-venv

.PHONY: run test lint bench clean check-python lock

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3 --version)."; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -c $(LOCK) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(LOCK) $(VENV)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) -c $(LOCK) -e '.[dev]'
	@touch $@

# Resolve pyproject.toml's ranges afresh in a throw-away venv and pin what came out (run tools and dev tools
# alike), then `make test` on the new pins before committing constraints.txt.
lock: | check-python
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install $(PIP_FLAGS) -e '.[dev]'
	{ echo "# Pinned versions for every install (pip install -c constraints.txt); made by \`make lock\` from"; \
	  echo "# pyproject.toml with $$($(LOCK_VENV)/bin/python --version). Refresh: make lock && make test."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^(pip|backoffice-bot)=='; \
	} > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf $(LOCK_VENV)
	@echo "Wrote $(LOCK). Run make test with it before committing."

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
	$(BIN)/python bench/bench_memory.py
	$(BIN)/python bench/bench_dashboard.py

clean:
	rm -rf $(VENV) $(LOCK_VENV) var .pytest_cache .ruff_cache *.egg-info
