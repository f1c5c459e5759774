# consortium: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The test suite runs in one process per core (pytest-xdist); each has its own database.
TEST_WORKERS ?= auto
export FLASK_APP := consortium
# Python keeps the modules it compiled (and pytest its rewritten test modules) in __pycache__,
# as it does by default, also where the environment asks it not to: every test process and
# every command would otherwise compile the whole app again.
unexport PYTHONDONTWRITEBYTECODE

# Debian packages: WeasyPrint's Pango and HarfBuzz subsetting, poppler for reading PDFs back.
APP_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils fonts-dejavu-core
TEST_PACKAGES := chromium postgresql-15
# The load test's balancer in front of the two groups of gunicorn workers (`make loadtest`).
LOADTEST_PACKAGES := haproxy postgresql-15

.PHONY: run test checks lint translations-check test-sqlite test-postgres test-browser system-packages \
	test-packages translations migrate clean bench typecheck serve postgres-packages loadtest

define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system-packages:
	$(call apt_install,$(APP_PACKAGES))

test-packages: system-packages
	$(call apt_install,$(TEST_PACKAGES))

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# Python compiles each module the first time it is imported, and keeps it (__pycache__):
	@# compiling every file of every package at install time would take longer.
	$(BIN)/pip install --quiet --no-compile -e '.[dev]'
	@touch $(STAMP)

translations: $(STAMP)
	@$(BIN)/pybabel -q compile -d translations

run: system-packages $(STAMP) translations
	@CONSORTIUM_ENV=development $(BIN)/flask db upgrade
	@CONSORTIUM_ENV=development $(BIN)/flask demo load --if-empty
	@echo "Serving http://127.0.0.1:5000 (development mode; stop with Ctrl-C)"
	@# A thread of the development server is the worker: it issues runs queued from the pages
	@# and, with a mail server configured (MAIL_SERVER), sends the mail.
	@CONSORTIUM_ENV=development WORKER_THREAD=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

# Production as it runs: gunicorn (gunicorn.conf.py) and the job and mail worker, on PostgreSQL
# (DATABASE_URL, or a throw-away server), CONSORTIUM_ENV=production, migrations applied first.
# It names the settings production requires when one is missing (see README, "Production").
serve: system-packages $(STAMP) translations
	@[ -n "$$DATABASE_URL" ] || $(MAKE) --no-print-directory postgres-packages
	@scripts/serve.sh

# The PostgreSQL server of the throw-away database (scripts/with-postgres.sh).
postgres-packages:
	$(call apt_install,postgresql-15)

# Linting, type checking and the translations' check side by side (each uses one core).
checks: $(STAMP) translations
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint typecheck translations-check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The modules held to mypy --strict (settings in pyproject.toml).
typecheck: $(STAMP)
	$(BIN)/mypy --strict consortium/fees/engine consortium/csvio.py consortium/imports.py \
		consortium/numbers.py consortium/periods.py consortium/pdf.py consortium/once.py \
		consortium/meetings/papers.py \
		consortium/meetings/display.py consortium/meetings/mail.py \
		consortium/invoicing/document.py consortium/invoicing/ubl.py \
		consortium/invoicing/validation.py consortium/invoicing/pdf.py \
		consortium/invoicing/facturx.py consortium/invoicing/rendering.py \
		consortium/invoicing/settling.py consortium/invoicing/settlement_split.py \
		consortium/agreements/text.py consortium/agreements/pdf.py \
		consortium/agreements/demo_texts.py \
		consortium/agreements/sealing.py consortium/meetings/calendar.py \
		consortium/meetings/governance.py consortium/meetings/search.py \
		consortium/meetings/pdf.py consortium/backlog/counting.py \
		consortium/search/folding.py consortium/messages/recipients.py consortium/connecting.py

translations-check: $(STAMP)
	CONSORTIUM_ENV=testing $(BIN)/flask translate check

# Each run collects only the tests it runs: the browser tests are a folder of their own.
test-sqlite: $(STAMP) translations
	env -u DATABASE_URL $(BIN)/pytest -q -m "not browser" --ignore=tests/browser --sqlite-run -n $(TEST_WORKERS) --durations=15 --durations-min=2 --database-label sqlite

test-postgres: $(STAMP) translations
	scripts/with-postgres.sh $(BIN)/pytest -q -m "not browser" --ignore=tests/browser -n $(TEST_WORKERS) --durations=15 --durations-min=2 --database-label postgresql

test-browser: $(STAMP) translations
	env -u DATABASE_URL $(BIN)/pytest -q -m browser tests/browser -n $(TEST_WORKERS) --dist loadfile --durations=10 --durations-min=2 --database-label browser

# The runs' test processes keep the PDFs they laid out and the e-invoice reports they made, by
# what those were made of, in .test-results/memo for each other and for the later runs; it is
# emptied at the start (tests/conftest.py, same_input_same_document).
test: test-packages $(STAMP) translations
	@rm -rf .test-results; mkdir -p .test-results
	@start=$$(date +%s); status=0; \
	for step in checks test-sqlite test-postgres test-browser; do \
		echo "== $$step"; \
		CONSORTIUM_TEST_MEMO=$(CURDIR)/.test-results/memo \
			$(MAKE) --no-print-directory $$step || { status=1; echo "!! $$step failed"; }; \
	done; \
	echo "== summary"; cat .test-results/*.txt 2>/dev/null; \
	echo "make test took $$(( $$(date +%s) - start )) seconds"; \
	if [ $$status -ne 0 ]; then echo "make test FAILED"; else echo "make test passed"; fi; \
	exit $$status

# Speed, not part of `make test`: the fee engine (1,000 and 10,000 organisations x 50 product
# splits), the fee pages (the preview of 100 organisations x 10 products, and of the demo) and the
# preview of a 20,000-row organisations file; issuing 100 invoices (Factur-X PDF, UBL, validation)
# serially and over every core, against a bare WeasyPrint render, and downloading a stored PDF;
# the pages at the size of a national federation (scripts/federation.py's register) on
# PostgreSQL (DATABASE_URL, or a throw-away server), each against its target.
bench: $(STAMP) translations
	@[ -n "$$DATABASE_URL" ] || $(MAKE) --no-print-directory postgres-packages
	$(BIN)/python scripts/bench_fees.py
	$(BIN)/python scripts/bench_pages.py
	$(BIN)/python scripts/bench_import.py
	$(BIN)/python scripts/bench_invoices.py
	$(BIN)/python scripts/bench_scale.py

# The load test, not part of `make test` (it takes about ten minutes with the full register):
# a throw-away PostgreSQL with the 20,000-organisation register, two groups of two gunicorn
# workers (as two hosts would run them) behind haproxy, a `flask worker` beside each, and Locust
# with 50 users for two minutes; then the same while a worker is killed and while the database
# restarts, and the checks that nothing was written twice and every mail was sent once.
# LOADTEST_ORGANISATIONS, LOADTEST_DURATION (seconds), LOADTEST_USERS make it smaller; the
# report is printed and written to .loadtest/report.txt (scripts/loadtest.py).
loadtest: system-packages $(STAMP) translations
	$(call apt_install,$(LOADTEST_PACKAGES))
	scripts/with-postgres.sh $(BIN)/python scripts/loadtest.py

clean:
	rm -rf $(VENV) .test-results .loadtest build *.egg-info
