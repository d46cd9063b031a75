# Kyodo: the commands people type. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test test-sqlite test-postgres lint fmt typecheck messages bench install install-test clean worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: a fresh clone → the whole product with Kawagoe demo data on SQLite: the web server,
## the task worker (e-mail, digests) and the scheduler, together (Ctrl+C stops all three).
## Mail is kept in var/mail/ and readable at /notifications/mail/ unless EMAIL_HOST is set.
run: install
	$(BIN)/python manage.py translations compile
	$(BIN)/python manage.py migrate --no-input
	KYODO_MANIFEST_STATIC=1 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python scripts/run.py

## The task worker alone (when the web server runs elsewhere); `make run` already starts it.
worker: install
	$(BIN)/python manage.py db_worker

## make test: lint, types, migrations, then pytest on SQLite and (when reachable) PostgreSQL.
test: install-test
	./scripts/test.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install-test
	$(BIN)/mypy .

messages: install-test
	$(BIN)/python manage.py translations extract

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf var/ .mypy_cache .ruff_cache
