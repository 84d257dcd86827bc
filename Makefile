# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export CASEWORK_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/casework.db

.PHONY: run test install system-deps bench clean

$(BIN)/activate:
	python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

## make run: install, prepare the SQLite database with demo data, serve with the scheduler.
run: install
	bash scripts/system-deps.sh run
	mkdir -p instance
	$(BIN)/casework demo --reset
	$(BIN)/casework serve --port $(PORT)

## make test: install what tests need, start PostgreSQL, run every test on both databases.
test: install system-deps
	bash scripts/test.sh

system-deps:
	bash scripts/system-deps.sh test

## make bench: the speed benchmarks at full scale (figures go in the README; about an hour)
bench: install system-deps
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python benchmarks/lifecycle.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) instance .pytest_cache
