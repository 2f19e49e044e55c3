# techmarket — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
HOST ?= 127.0.0.1
# One xdist worker per core, and at least 3: much of a test's time is spent waiting on PostgreSQL, Chromium,
# localstripe or a worker process, so on a 2-core machine a third worker fills those waits.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -lt 3 ] && n=3; echo $$n)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
TRANSLATIONS := src/techmarket/translations
export TECHMARKET_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test install install-test translations assets migrate demo lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Serving needs the package alone; the test tools (Playwright, mypy, hypothesis...) come with `make test`.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

install: $(STAMP) translations assets

install-test: $(TEST_STAMP) translations

# Front-end code from npm, never committed: ECharts for the statistics charts, served by the site from vendor/.
# Without npm the statistics pages show their tables only.
ECHARTS := vendor/node_modules/echarts/dist/echarts.min.js
assets: $(ECHARTS)

$(ECHARTS):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix vendor echarts@5; \
	else echo "npm not found: the statistics pages will show tables without charts"; fi

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d $(TRANSLATIONS) >/dev/null

migrate: install
	$(BIN)/techmarket db upgrade

demo: migrate
	@if [ ! -f $(TECHMARKET_INSTANCE_PATH)/.demo-loaded ]; then \
		$(BIN)/techmarket demo load && touch $(TECHMARKET_INSTANCE_PATH)/.demo-loaded; \
	fi

# The web server and the background worker (imports, mail, search sync) together; Ctrl-C stops both.
run: demo
	@echo "techmarket: http://$(HOST):$(PORT)/  (mail outbox: $(TECHMARKET_INSTANCE_PATH)/outbox)"
	@$(BIN)/techmarket jobs worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy src

test: install-test lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=30 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
