# helhed: `make demo` and `make test` set everything up from a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORT ?= 8000
CITIZENS ?= 2000
PG_URL ?= postgres://helhed:helhed@127.0.0.1:5432/helhed
VENDOR := src/helhed/static/vendor
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test test-sqlite test-sqlite-then-dates test-postgres test-browser test-dates lint bench bench-national setup base-packages system-packages postgres static clean

## What `make demo` needs on a bare Debian: Python's venv module, npm, and the libraries
## WeasyPrint renders PDFs with.
base-packages:
	@missing=""; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	ldconfig -p | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## Python environment from uv.lock (uv itself is pinned in the lock's dev group).
$(BIN)/helhed: pyproject.toml uv.lock | base-packages
	test -x $(BIN)/uv || ($(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv==$(UV_VERSION))
	$(BIN)/uv sync --frozen --python $(BIN)/python
	touch $@

## Front-end: DKFDS and htmx from package-lock.json, copied into the static files.
node_modules/.package-lock.json: package.json package-lock.json | base-packages
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/.built: node_modules/.package-lock.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/dkfds $(VENDOR)/htmx
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img $(VENDOR)/dkfds/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $@

static: $(VENDOR)/.built

setup: $(BIN)/helhed static

## System packages the suite needs besides those: Chromium and its driver for the browser
## tests, PostgreSQL, and hunspell with its Danish dictionary for the spell check
## (tests/core/test_spelling.py). Installed only when missing.
system-packages: base-packages
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v pg_ctlcluster >/dev/null || missing="$$missing postgresql"; \
	command -v hunspell >/dev/null || missing="$$missing hunspell"; \
	[ -f /usr/share/hunspell/da_DK.dic ] || missing="$$missing hunspell-da"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## A running PostgreSQL with a role and database for the tests (starts Debian's cluster if needed).
postgres: system-packages
	@bash scripts/ensure-postgres.sh

demo: setup
	$(BIN)/helhed demo --port $(PORT) --citizens $(CITIZENS)

## The two engines and the browser tests run side by side, each printing its report when it
## is done; the browser tests do not test the database and run on SQLite only, in a process
## of their own so the two cores stay busy until the end. The date runs follow the SQLite
## run, which ends first, while the other two still run.
test: system-packages setup postgres
	$(MAKE) --no-print-directory -j3 --output-sync=target test-sqlite-then-dates test-postgres test-browser

test-sqlite-then-dates: test-sqlite
	$(MAKE) --no-print-directory test-dates

test-sqlite: setup
	$(BIN)/pytest -m "not e2e" --durations=25

test-browser: setup
	$(BIN)/pytest -m e2e --durations=25

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" --database-tests-only --durations=25

## Every test runs on a named day (tests/conftest.py). The date-sensitive ones (the demo,
## statistics, letters, deadlines, reports) run again on other days: a Monday in December,
## 29 February, the day summer time starts, and today's date.
TEST_DAYS ?= 2026-12-14 2028-02-29 2027-03-28 real
DATE_TESTS := tests/demo/test_demo.py tests/core/test_lix.py \
	tests/borgerservice/test_demo.py tests/borgerservice/test_views.py tests/borgerservice/test_services.py \
	tests/cashaccess/test_demo.py tests/intake/test_demo.py tests/fasttrack/test_views.py \
	tests/casework/test_demo.py tests/casework/test_letters.py tests/casework/test_calendar_and_deadlines.py \
	tests/pools/test_demo.py tests/pools/test_views.py tests/pools/test_export_reports.py tests/review/test_demo.py
test-dates: setup
	for day in $(TEST_DAYS); do \
	  echo "Date-sensitive tests on $$day"; \
	  HELHED_TEST_DAY=$$day $(BIN)/pytest -q -m "not e2e" $(DATE_TESTS) || exit 1; \
	done

lint: setup
	$(BIN)/ruff check src tests
	@if grep -rnE --include='*.py' '(^|[^.[:alnum:]_])assert True\b|\bor True[[:space:]]*(#.*)?$$' tests; then \
	  echo "A test that cannot fail (assert True, or True) is a defect."; exit 1; fi
	$(BIN)/helhed makemigrations --check --dry-run

## Benchmarks write their figures to bench/results/ and are summarised in bench/RESULTS.md.
BENCHMARKS := bench/registry_lookup.py bench/register_targetgroup.py
bench: setup
	for b in $(BENCHMARKS); do $(BIN)/python $$b || exit 1; done

## National scale on PostgreSQL (bench/RESULTS.md): the dataset of 1 million citizens (made
## once, about 10 minutes and 7 GB), then the Kvik-linje and mixed load tests against granian.
NATIONAL_URL ?= postgres://helhed:helhed@127.0.0.1:5432/helhed_bench_national
bench-national: setup postgres
	DATABASE_URL=$(NATIONAL_URL) $(BIN)/python bench/national_data.py --citizens 1000000 --if-empty
	DATABASE_URL=$(NATIONAL_URL) $(BIN)/python bench/fasttrack_load.py --rate 400 --seconds 60
	DATABASE_URL=$(NATIONAL_URL) $(BIN)/python bench/mixed_load.py --users 16 64 --rate 0 \
		--out bench/results/mixed_load_closed.json
	DATABASE_URL=$(NATIONAL_URL) $(BIN)/python bench/mixed_load.py --users 16 --rate 16 \
		--out bench/results/mixed_load_paced_16.json

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
