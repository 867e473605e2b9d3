# iHome: `make run` starts the whole system on http://127.0.0.1:5000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Every install comes from uv.lock (the versions CI tested); `make lock` upgrades it.
UV_VERSION := 0.13.9
UV := UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv
# --compile-bytecode: machines with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every import at each start
SYNC := $(UV) sync --locked --inexact --quiet --compile-bytecode

.PHONY: run test test-sqlite test-postgresql scale lint lock system-deps translations bench bench-smoke bench-profile \
	bench-statements bench-uploads demo screenshots clean

$(VENV)/bin/uv:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.run-installed: pyproject.toml uv.lock | $(VENV)/bin/uv
	$(SYNC)
	$(PY) -m compileall -q src
	touch $@

$(VENV)/.test-installed: pyproject.toml uv.lock | $(VENV)/bin/uv
	$(SYNC) --extra test
	$(PY) -m compileall -q src
	touch $@ $(VENV)/.run-installed

lock: | $(VENV)/bin/uv
	$(UV) lock --upgrade

run: $(VENV)/.run-installed
	$(VENV)/bin/ihome serve $(if $(PORT),--port $(PORT))

demo: $(VENV)/.run-installed
	$(VENV)/bin/ihome demo

system-deps:
	sh scripts/system-deps.sh

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

test: $(VENV)/.test-installed system-deps lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgresql

test-sqlite: $(VENV)/.test-installed
	IHOME_TEST_DB=sqlite $(PY) -m pytest

test-postgresql: $(VENV)/.test-installed
	IHOME_TEST_DB=postgresql $(PY) -m pytest

# Two nodes behind nginx, one PostgreSQL, one Redis, one worker (tests/scale); not part of `make test`.
scale: $(VENV)/.test-installed system-deps
	IHOME_SCALE_DEPS=1 sh scripts/system-deps.sh
	IHOME_SCALE=1 IHOME_TEST_DB=postgresql $(PY) -m pytest tests/scale -m scale

translations: $(VENV)/.test-installed
	$(PY) scripts/translations.py compile

bench: $(VENV)/.test-installed system-deps
	$(PY) -m bench.run

# `make bench` at 2,000 houses for a few seconds per row, checked by a test (tests/bench; not in `make test`).
bench-smoke: $(VENV)/.test-installed system-deps
	sh bench/deps.sh
	IHOME_BENCH_SMOKE=1 IHOME_TEST_DB=sqlite $(PY) -m pytest tests/bench -q -s -p no:randomly

# py-spy on one gunicorn worker per scenario (root), and the statements of one booking.
bench-profile: $(VENV)/.test-installed system-deps
	$(PY) -m bench.profile

bench-statements: $(VENV)/.test-installed
	$(PY) -m bench.statements

bench-uploads: $(VENV)/.test-installed
	$(PY) -m bench.uploads

# Screenshots of the main pages at 390 and 1280 px, in Chinese and English, into screenshots/ (not committed).
screenshots: $(VENV)/.test-installed system-deps
	IHOME_SCREENSHOTS=$(CURDIR)/screenshots IHOME_TEST_DB=sqlite $(PY) -m pytest tests/e2e/test_layout.py -q \
		-k test_screenshots -p no:randomly
	@echo "screenshots written to $(CURDIR)/screenshots"

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
