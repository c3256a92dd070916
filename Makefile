# Samskab: `make demo` builds everything and serves the demo; `make test` runs lint and the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
SAMSKAB   := $(VENV)/bin/samskab
STAMP     := $(VENV)/.installed
NPMSTAMP  := node_modules/.installed
# PostgreSQL run of the suite: used when this URL answers (CI sets it and starts the server).
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export TEST_DATABASE_URL

.PHONY: help install system-deps demo test lint test-sqlite test-postgres test-browser bench messages bytecode clean

help:
	@echo "make demo    build everything and serve the demo on http://127.0.0.1:8000"
	@echo "make test    lint and the whole test suite (SQLite, then PostgreSQL when it answers)"
	@echo "make bench   benchmarks (long; prints figures)"

install: system-deps $(STAMP) $(NPMSTAMP) messages assets bytecode

system-deps:
	@bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml requirements.lock setup.py src/samskab/analysis/_kernel.c
	@PYBIN=$$(bash scripts/find-python.sh) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "creating $(VENV) with $$PYBIN"; "$$PYBIN" -m venv $(VENV); fi
	@command -v cc >/dev/null || command -v gcc >/dev/null || { echo "error: a C compiler (Debian: gcc) is needed to build the analysis kernel" >&2; exit 1; }
	@$(PY) -c "import sysconfig, os, sys; h = sysconfig.get_paths()['include']; sys.exit(0 if os.path.exists(os.path.join(h, 'Python.h')) else 1)" || { echo "error: the Python headers are needed to build the analysis kernel (Debian: python3-dev for your Python)" >&2; exit 1; }
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,dask]'
	@touch $@

$(NPMSTAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm (Node.js 20+) is needed for the front-end packages" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: $(NPMSTAMP) $(STAMP)
	@$(PY) scripts/copy_assets.py

# the package's bytecode, as a wheel's install writes it (an editable install does not, and a
# command such as `samskab analyse` would compile its modules at every start where Python may
# not write its caches, PYTHONDONTWRITEBYTECODE)
bytecode: $(STAMP)
	@$(PY) -m compileall -q src/samskab >/dev/null

messages: $(STAMP)
	@cd src/samskab && SAMSKAB_VAR_DIR=$(CURDIR)/var ../../$(PY) -m django compilemessages --settings=samskab.settings -v 0

demo: install
	$(SAMSKAB) demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts
	@# the layers (pyproject.toml [tool.importlinter]); every import counts, also in functions
	$(VENV)/bin/lint-imports --no-cache

test: install lint
	@bash scripts/run-tests.sh

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var staticfiles
