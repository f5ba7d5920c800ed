# communique: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= communique.duckdb
CORPUS ?= ../shared/corpora/bbc-fulltext

.PHONY: demo test check lint types bench bench-dask bench-cluster eval eval-cluster load vendor-web fuzz kills clean

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
	$(BIN)/python benchmarks/clustering_cost.py

# What merging reports of one event costs per new article, with 10k, 100k and 1M stored events.
bench-cluster: $(STAMP)
	$(BIN)/python benchmarks/clustering_cost.py

# The plain run against a local Dask cluster of 1 and 2 workers, same articles, same batches.
bench-dask: $(STAMP)
	$(BIN)/python benchmarks/distributed.py $(CORPUS)

# Every accuracy figure on the vendored gold (tests/gold), next to its floor in quality/floors.toml.
eval: $(STAMP)
	$(BIN)/communique eval

# How well merged events match ECB+'s cross-document event coreference (pairwise and B-cubed).
eval-cluster: $(STAMP)
	$(BIN)/python benchmarks/clustering.py

# `communique serve` under load: a store of 1M synthetic events, 50 clients for 30 s on
# loopback; prints p50/p99 latency and errors. LOAD_ARGS="--think 1" for users who pause.
load: $(STAMP)
	$(BIN)/python benchmarks/load.py $(LOAD_ARGS)

# Re-vendor the web pages' JavaScript and map data from npm (needs npm; the result is committed).
vendor-web:
	bash scripts/vendor_web.sh

# Issue 10: thousands of hostile inputs a target (a few minutes); `make test` runs 50 of each.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_fuzz.py

# Issue 10: `communique code`, `recode` and distributed runs SIGKILLed twenty times each and
# run again; prints the kills each survived and the rows lost or duplicated (`make test`
# kills a run into a Parquet dataset 5 times, this 20).
kills: $(STAMP)
	COMMUNIQUE_DATASET_KILLS=20 $(BIN)/pytest -q -s tests/test_kills.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache .hypothesis
