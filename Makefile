# Two commands on a fresh machine:
#   make site   create .venv, install sitegen, build the bundled archive into public/
#   make test   lint, type-check and run the whole test suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: site test lint typecheck pytest serve clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

site: $(BIN)/.installed
	$(BIN)/sitegen build

serve: $(BIN)/.installed
	$(BIN)/sitegen serve

lint: $(BIN)/.installed
	$(BIN)/ruff check sitegen tests benchmarks
	$(BIN)/ruff format --check sitegen tests benchmarks

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: $(BIN)/.installed node_modules/.installed
	$(BIN)/pytest -q

test: lint typecheck pytest

clean:
	rm -rf public .sitegen $(VENV) node_modules
