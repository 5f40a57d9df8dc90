# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://root@127.0.0.1:5432/test
PYTEST_ARGS ?=
# `make run HOST=… PORT=…` serves elsewhere (the environment does not change them).
HOST := 127.0.0.1
PORT := 5000
# `make run DEMO=province` (or commune) loads another demo profile into an empty database.
DEMO := district-2022

.PHONY: run test test-sqlite test-postgres install browser ocr lint bench clean translations wheel-check

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile -d translations -f >/dev/null

# Headless Chromium for the browser tests (Debian's package; Playwright cannot download one here).
browser:
	@test -x /usr/bin/chromium || { \
	  (apt-get update -qq || true) && \
	  apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium >/dev/null; }

# Tesseract with its Vietnamese data and poppler's pdftoppm: scanned notices (PDF, JPEG, PNG)
# are read by OCR on the notice page (docs/notice.md); Debian's packages.
ocr:
	@{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie \
	  && command -v pdftoppm >/dev/null; } || { \
	  (apt-get update -qq || true) && \
	  apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
	    tesseract-ocr tesseract-ocr-vie poppler-utils >/dev/null; }

# `tracker dev` serves on HOST:PORT with the scheduler beside it (its own process); Ctrl+C or
# SIGTERM stops both and ends with status 0 (tracker/ops/devserver.py), so make reports no error.
run: install
	$(BIN)/tracker init-db
	$(BIN)/tracker load-demo --if-empty --profile $(DEMO)
	$(BIN)/tracker dev --host $(HOST) --port $(PORT)

test: install browser ocr
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	@$(BIN)/python -c "import psycopg2,sys; psycopg2.connect('$(PG_TEST_URL)').close()" \
	  || { echo "PostgreSQL is not reachable at $(PG_TEST_URL)"; exit 1; }
	TRACKER_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n 2 -m "not browser" $(PYTEST_ARGS)

# Style, then the import contracts of pyproject.toml ([tool.importlinter]: layers, signals, views).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Build the wheel, install it into a fresh virtual environment and, outside the checkout,
# migrate, load the demo and serve /login with its stylesheets and the English translation.
wheel-check:
	PYTHON=$(PYTHON) bash scripts/check_wheel.sh

clean:
	rm -rf $(VENV) instance .pytest_cache

# Performance budget on 100,000 tasks (gunicorn, 2 workers, 16 connections; `apt-get install wrk`):
# SQLite, then PostgreSQL (schema `bench`, kept for the next run). BENCH_ARGS="--strict" fails on a miss.
# Random units and assignments, the homes and the report page, uncached (docs/performance.md).
bench: install
	@command -v wrk >/dev/null || echo "wrk is not installed (apt-get install wrk): a Python client drives the pages"
	$(BIN)/python scripts/bench_pages.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_pages.py --database-url "$(PG_TEST_URL)" $(BENCH_ARGS)

# A province on PostgreSQL: 1,000,000 tasks over 150 units in the schema `province` (seeded once,
# kept; drop it with DROP SCHEMA province CASCADE), then the one-year report, the digests and the
# hot statements' plans.
PROVINCE_URL = $(PG_TEST_URL)?options=-csearch_path%3Dprovince
.PHONY: bench-province
bench-province: install
	psql "$(PG_TEST_URL)" -qc 'CREATE SCHEMA IF NOT EXISTS province'
	TRACKER_DATABASE_URL="$(PROVINCE_URL)" $(BIN)/tracker init-db
	test "$$(psql "$(PROVINCE_URL)" -Atc 'SELECT count(*) FROM task')" -gt 0 || \
		TRACKER_DATABASE_URL="$(PROVINCE_URL)" $(BIN)/tracker seed-bench --tasks 1000000 --units 150
	psql "$(PROVINCE_URL)" -qc 'VACUUM ANALYZE'
	$(BIN)/python scripts/bench_reports.py --seeded "$(PROVINCE_URL)" --no-xlsx $(BENCH_ARGS)
	$(BIN)/python scripts/bench_mail.py --seeded "$(PROVINCE_URL)" $(BENCH_ARGS)
	TRACKER_DATABASE_URL="$(PROVINCE_URL)" $(BIN)/python scripts/bench_explain.py 2>/dev/null

# Collect the translatable strings (msgids are Vietnamese) and merge them into the English catalog;
# then translate the new entries in translations/en/LC_MESSAGES/messages.po.
.PHONY: extract
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k NP_:1c,2 --project=tracker --version=0.1 --add-location=file --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching --ignore-obsolete

# Build and queue the weekly digests for 1,000 units over 100,000 tasks (a temporary SQLite
# database; add BENCH_ARGS="--database-url postgresql://..." for PostgreSQL).
.PHONY: bench-mail
bench-mail: install
	$(BIN)/python scripts/bench_mail.py $(BENCH_ARGS)

# Load test (not part of `make test`): gunicorn with 4 workers, 50 officers posting reports and
# status changes for 60 s while leaders read their home page, each person pausing about 1 s
# after an answer (p99 under 200 ms checked); SQLite, then PostgreSQL (a schema created and
# dropped). Then 30 s each with nobody pausing: the servers' throughput when saturated.
# LOAD_ARGS="--duration 30" and the like pass options through.
.PHONY: load
load: install
	$(BIN)/python scripts/load_test.py $(LOAD_ARGS)
	$(BIN)/python scripts/load_test.py --database-url "$(PG_TEST_URL)" $(LOAD_ARGS)
	$(BIN)/python scripts/load_test.py --think 0 --duration 30 $(LOAD_ARGS)
	$(BIN)/python scripts/load_test.py --think 0 --duration 30 --database-url "$(PG_TEST_URL)" $(LOAD_ARGS)

# Precision and recall of the conclusion-notice parser over tests/fixtures/notices (per notice,
# per organisation level and overall); then the directive recall of the notices printed to PDF
# by Chromium and scanned (OCR), made in a temporary folder (NOTICE_ARGS=--text-only skips
# them); fails below the targets (0.95 directives and units, 0.9 deadlines; text PDF = pasted,
# scan 0.9).
.PHONY: notice-quality
notice-quality: install browser ocr
	$(BIN)/python scripts/notice_quality.py $(NOTICE_ARGS)

# Time a one-year report (summary + detail count, then rows and .xlsx) over 100,000 tasks and
# 40 units: SQLite, then PostgreSQL (a schema created and dropped).
.PHONY: bench-reports
bench-reports: install
	$(BIN)/python scripts/bench_reports.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_reports.py --database-url "$(PG_TEST_URL)" $(BENCH_ARGS)
