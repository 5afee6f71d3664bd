# The two commands of the README: `make demo` and `make test`.
# Each creates (or reuses) the virtual environment in .venv and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(INSTALLED)
	$(BIN)/observatorio demo

test: $(INSTALLED)
	scripts/test

lint: $(INSTALLED)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info test-output
