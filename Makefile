# iHome: `make run` starts the whole system on http://127.0.0.1:5000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test test-sqlite test-postgresql lint system-deps translations bench demo clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(VENV)/bin/ihome serve

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

translations: $(VENV)/.test-installed
	$(PY) scripts/translations.py compile

bench: $(VENV)/.test-installed system-deps
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
