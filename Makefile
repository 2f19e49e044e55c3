# techmarket — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
HOST ?= 127.0.0.1
TEST_WORKERS ?= auto
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRANSLATIONS := src/techmarket/translations
export TECHMARKET_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test install translations migrate demo lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

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

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install lint
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
