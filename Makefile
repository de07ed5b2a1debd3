# The two commands a newcomer needs: `make build` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The optional engines beside DuckDB: pyproject extras, comma-separated (pinned in constraints.txt).
ENGINES ?= postgres,spark
ENGINES_INSTALLED := $(VENV)/.engines-installed
# NPS_RAW_DIR is left alone: nps-build tells a folder the user named (which it never fills with
# sample data) from the default; the defaults of paths and settings live in
# src/nps_warehouse/settings.py, which nps-build, nps-generate and the other commands read.

.PHONY: build test test-fast install engines postgres-local postgres-stop sample lint docs report bench clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(INSTALLED): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $@

install: $(INSTALLED) ## create .venv with the pinned dependencies

$(ENGINES_INSTALLED): $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,$(ENGINES)]"
	@touch $@

engines: $(ENGINES_INSTALLED) ## install the optional engines' adapters and drivers (extras: $(ENGINES))

postgres-local: $(ENGINES_INSTALLED) ## start a throwaway PostgreSQL 15 on 127.0.0.1 (data/postgres/) and print the exports to use
	$(BIN)/python -m nps_warehouse.pg_local start

postgres-stop: $(ENGINES_INSTALLED) ## stop the server postgres-local started
	$(BIN)/python -m nps_warehouse.pg_local stop

build: $(INSTALLED) ## set up, write sample data if data/raw holds no file, dbt build on DuckDB, print a summary
	$(BIN)/nps-build --sample-if-empty

test: $(ENGINES_INSTALLED) ## run every test: generator, dbt build + data and unit tests, oracle comparison, lint (two pytest processes side by side: tests/run_all.py)
	$(BIN)/python tests/run_all.py

test-fast: $(INSTALLED) ## the fast tier (about 2 min): dbt unit tests and the Python tests that build no warehouse (no sqlfluff: make lint)
	$(BIN)/python -m pytest -m "not build and not lint"

sample: $(INSTALLED) ## (re)write the sample data into $NPS_RAW_DIR or data/raw: only a new, empty or sample folder
	$(BIN)/nps-generate

lint: $(INSTALLED) ## sqlfluff (dbt templater) and ruff
	$(BIN)/python -m pytest tests/python/test_lint.py

docs: build ## build the warehouse, then the dbt docs site as one file that opens from disk (target/static_index.html)
	$(BIN)/dbt docs generate --static --profiles-dir profiles
	@echo "Docs written to $${DBT_TARGET_PATH:-target}/static_index.html: open it in a browser, no server needed"
	@echo "(or serve the multi-file site: $(BIN)/dbt docs serve --profiles-dir profiles)"

report: $(INSTALLED) ## render data/report/index.html (opens offline) from the marts the last `make build` published
	$(BIN)/nps-report

bench: $(INSTALLED) ## time nps-build (full, daily), dbt build and the floor (bench/floor.sql); SIZES=S RUNS=3 (SIZES=S,M,L: docs/performance.md)
	$(BIN)/nps-bench --sizes $(or $(SIZES),S) --runs $(or $(RUNS),3)

# The default paths of settings.py (warehouse, publication, report); clean runs without .venv.
clean: ## remove the build outputs (keeps .venv and the landing data)
	rm -rf target logs data/warehouse/*.duckdb data/warehouse/*.duckdb.wal
	rm -f data/published/nps_marts.duckdb data/report/index.html
