# The two commands: `make run` sets everything up and serves the demo; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.DEFAULT_GOAL := help
.PHONY: help install run setup test bench lint format db-stop clean schema

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its test tools

setup: install ## Migrate every schema, refill the spare pool, create the demo agency and tenants
	$(PY) manage.py migrate_schemas --noinput
	$(PY) manage.py setup_demo

run: setup ## Set up and serve the console (localhost) and demo tenants (<tenant>.localhost) on :8000
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

test: install ## Import contracts, the whole test suite (real PostgreSQL, real browser), migrations check
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -q --durations=25
	$(PY) manage.py makemigrations --check --dry-run

bench: setup ## Run the benchmarks and write bench/results/*.json
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/provision.py
	$(PY) bench/serve.py
	$(PY) bench/ledger.py
	$(PY) bench/lighthouse.py
	$(PY) bench/campaign.py
	$(PY) bench/search.py
	$(PY) bench/checkout.py
	$(PY) bench/fleet.py

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

db-stop: ## Stop the embedded PostgreSQL server
	@test -x $(PY) && $(PY) -c "from config.database import stop_embedded; stop_embedded()" || true

clean: db-stop ## Stop the database and remove .venv, .pgdata and test artefacts
	rm -rf $(VENV) .pgdata test-artifacts

schema: install ## Print the GraphQL schema to schema.graphql (review the diff, then commit it)
	$(PY) -m config.graphql > schema.graphql
