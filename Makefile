# factcheck — the two commands a newcomer needs: `make run` and `make test`.
# Needs only Python 3.11 and make; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help install run test lint format check clean bench-linkcheck

help:
	@echo "make run    set up, migrate, load demo data and serve at http://$(HOST):$(PORT)/ with a Celery worker and beat"
	@echo "make test   run the test suite (set DATABASE_URL / REDIS_URL to test against PostgreSQL / Redis)"
	@echo "make lint   ruff check and format check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# make run: development server plus a real Celery worker and beat, under honcho.
# Ctrl-C stops all three. DEBUG is on unless the environment says otherwise.
run: export DEBUG ?= true
run: export PATH := $(abspath $(BIN)):$(PATH)
run: export FACTCHECK_ADDR := $(HOST):$(PORT)
run: install
	python manage.py migrate --noinput
	python manage.py seed_demo
	@echo ""
	@echo "  factcheck:        http://$(HOST):$(PORT)/"
	@echo "  Django admin:     http://$(HOST):$(PORT)/admin/"
	@echo "  Broker:           $${REDIS_URL:-embedded (var/celery)}"
	@echo "  Ctrl-C stops the web server, the worker and beat."
	@echo ""
	honcho start --procfile Procfile

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache

# Benchmarks (not part of `make test`): see bench/ and the README's figures.
bench-linkcheck: install
	$(BIN)/python bench/linkcheck_bench.py
