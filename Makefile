# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export CASEWORK_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/casework.db
# Every runtime, test and benchmark dependency, pinned with hashes (pip-compile); `make lock` remakes it.
LOCK   := requirements/lock.txt
# pip-compile, cyclonedx-py and pip-audit live apart, so their dependencies never move the app's.
TOOLS  := .venv-tools
# The lock must not depend on this machine's pip configuration (local indexes, find-links).
NOCONF := PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= PIP_CONSTRAINT=
COMPILE := $(NOCONF) $(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
           --no-emit-index-url --no-emit-find-links $(ARGS)

.PHONY: run test install system-deps bench lock sbom audit clean

$(BIN)/activate:
	python3 -m venv $(VENV)

# The install's stamp is named by what was installed (the lock, pyproject.toml and this checkout's
# folder, for the editable install), not dated: a fresh clone or checkout gives the files new
# times but the same content, and `make test` then ran both pip commands again (about 10 s,
# building the editable wheel) for nothing.
INSTALLED := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml | sha256sum | cut -c1-12)-$(shell echo '$(CURDIR)' | sha256sum | cut -c1-8)

# Exactly the locked versions, each checked against its hash; then this project, without dependencies.
$(INSTALLED): | $(BIN)/activate
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	rm -f $(VENV)/.installed $(VENV)/.installed-*
	touch $@

install: $(INSTALLED)

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
	$(BIN)/python benchmarks/lifecycle.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/scale.py

$(TOOLS)/.installed: requirements/tools.txt
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --require-hashes -r requirements/tools.txt
	touch $@

## make lock: remake the lock files after changing pyproject.toml (keeps other pins), then the SBOM.
## make lock ARGS=--upgrade moves everything to the newest allowed; ARGS='--upgrade-package flask' one package.
lock: $(TOOLS)/.installed
	$(COMPILE) --extra test --extra bench --output-file $(LOCK) pyproject.toml
	$(COMPILE) --output-file requirements/tools.txt requirements/tools.in
	$(MAKE) sbom

## make sbom: the CycloneDX SBOM of the lock file (sbom.cdx.json, committed with the lock).
sbom: $(TOOLS)/.installed
	$(TOOLS)/bin/cyclonedx-py requirements --pyproject pyproject.toml --output-reproducible --of JSON \
	    --output-file sbom.cdx.json $(LOCK)

## make audit: check the lock against a vulnerability database; says NOT AUDITED (exit 2) when it could not.
audit: $(TOOLS)/.installed
	$(TOOLS)/bin/python scripts/audit.py $(LOCK) $(if $(SERVICE),--service $(SERVICE))

clean:
	rm -rf $(VENV) $(TOOLS) instance .pytest_cache
