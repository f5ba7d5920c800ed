# communique: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= communique.duckdb
CORPUS ?= ../shared/corpora/bbc-fulltext

.PHONY: demo test check lint types bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DB)
	$(BIN)/communique code examples/xinhua-2024-06-29-china-peru.txt --db $(DB)
	$(BIN)/communique events --db $(DB)

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

types: $(STAMP)
	$(BIN)/mypy

check: lint types test

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py $(CORPUS)

# Every accuracy figure on the vendored gold (tests/gold), next to its floor in quality/floors.toml.
eval: $(STAMP)
	$(BIN)/communique eval

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
