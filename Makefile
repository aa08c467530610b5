# The two commands a newcomer types: `make run` and `make test`. See README.md.
# Variables from .env (see .env.example) reach every command below.
-include .env
export

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# PostgreSQL run of the test suite; `make test` runs SQLite first, then this.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/catalog_portal

.PHONY: run test test-sqlite test-postgres venv lint messages bench-clean clean

# pip shows what it collects and installs (a first start takes a few minutes): no --quiet.
$(VENV)/.run-deps: pyproject.toml
	@echo "Installing the portal and its dependencies into $(VENV) (the first time takes a few minutes) ..."
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --progress-bar on -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps pyproject.toml
	@echo "Installing the test dependencies into $(VENV) ..."
	$(PIP) install --progress-bar on -e ".[test]"
	touch $@

venv: $(VENV)/.run-deps

## Serve the portal at http://$(HOST):$(PORT)/ with the demo catalogue (SQLite by default).
run: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

## Run the whole suite on SQLite, then on PostgreSQL + PostGIS (skipped with a message when
## no server answers at TEST_POSTGRES_URL; in CI that is an error).
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.test-deps
	DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.test-deps
	@if $(PY) -m catalog_portal.lib.dbping "$(TEST_POSTGRES_URL)"; then \
		DATABASE_URL="$(TEST_POSTGRES_URL)" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "CI: PostgreSQL is required at $(TEST_POSTGRES_URL)"; exit 1; \
	else \
		echo "Skipped the PostgreSQL run: no server at $(TEST_POSTGRES_URL)."; \
		echo "Install postgresql-15 and postgresql-15-postgis-3, or set TEST_POSTGRES_URL."; \
	fi

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Refresh the German translation: collect texts, fill them from locale/translate_de.py, compile.
messages: $(VENV)/.test-deps
	$(PY) manage.py makemessages -l de --no-obsolete --ignore=".venv/*" --ignore="static/*" --ignore="var/*" --ignore="tests/*"
	$(PY) locale/translate_de.py
	$(PY) manage.py compilemessages -l de --ignore=".venv/*" --ignore="var/*"

clean:
	rm -rf $(VENV) var tests/artifacts
