# ctportal — two commands on a fresh machine:
#   make run    set everything up and serve the portal with demo data on http://127.0.0.1:5000
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test setup setup-test lock check translations serve-prod bench bench-web clean-instance demo-code

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs the lock file: every package pinned, transitive ones included (README, "Dependencies").
$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

# Refresh the lock files after changing requirements.txt or requirements-dev.txt.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
		--output-file requirements-dev.lock requirements-dev.txt

# The translation catalogues (.po, in git) compiled to the .mo files the portal reads (not in git: docs/i18n.md).
translations: $(VENV)/.installed
	$(BIN)/python scripts/translations.py compile

setup: $(VENV)/.installed translations
	scripts/system-packages.sh run

setup-test: $(VENV)/.installed translations
	scripts/system-packages.sh test
	$(MAKE) --no-print-directory tests/a11y/node_modules/.package-lock.json

# axe-core for the browser tests' accessibility check, pinned by tests/a11y/package-lock.json.
tests/a11y/node_modules/.package-lock.json: tests/a11y/package-lock.json
	npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error

run: setup
	CTPORTAL_ENV=development $(FLASK) init-db
	CTPORTAL_ENV=development $(FLASK) seed-demo
	CTPORTAL_ENV=development FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT) $(FLASK) run

test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The habits CI checks before the suite (settings in pyproject.toml): style and bugs, types, layers.
# The catalogues too: every string of the code translated in every language, no fuzzy entry, placeholders intact.
check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/translations.py check

# Production-like: gunicorn with 4 workers, PostgreSQL and Redis on this machine, a separate job worker.
serve-prod: setup
	scripts/serve-prod.sh

bench: setup-test
	$(BIN)/python -m bench.pdf_compile

# Every heavy page under wrk beside a bare Flask page, in one run, then the bare page and the overview
# while a cold compile runs through Redis and a job worker (docs/performance.md).
bench-web: setup
	scripts/system-packages.sh bench
	$(BIN)/python -m bench.web

demo-code:
	@CTPORTAL_ENV=development $(FLASK) demo-code $(EMAIL)

clean-instance:
	rm -rf instance/ctportal.sqlite3* instance/jobs.sqlite3* instance/files
