# Inlet: every step a user or CI needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
SAM_VENV := .venv-sam
BIN := $(VENV)/bin
SAM := $(SAM_VENV)/bin/sam
# `sam build` needs the Lambda runtime's Python (3.12) on PATH; pyenv keeps it outside the default PATH.
PY312_DIR := $(shell ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin 2>/dev/null | tail -1)
EVENT ?= events/uplink-single.json
PIP_QUIET := --quiet --disable-pip-version-check
# uv (from PyPI) installs the virtual environments: `uv` on PATH if there is one, else a tiny venv holding only uv,
# made once per machine under the user's cache (from nothing but python3 and PyPI) and shared by every clone.
CACHE_HOME := $(or $(XDG_CACHE_HOME),$(if $(HOME),$(HOME)/.cache))
UV_BOOT := $(if $(CACHE_HOME),$(CACHE_HOME)/inlet/uv-bootstrap,.venv-uv)
UV ?= $(or $(shell command -v uv 2>/dev/null),$(UV_BOOT)/bin/uv)
UV_QUIET := --quiet

.DEFAULT_GOAL := help
.PHONY: help venv dev-venv sam-venv layer-venv run invoke test lint format validate unit integration e2e bench bench-smoke build deploy clean docs docs-serve

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# One stamp per part of .venv, each installed once: the project and the CLI (all `make run` needs), then the test
# tools (`.[dev]`) or the benchmark tools (`.[bench]`) for the targets that use them. A changed pyproject.toml
# reinstalls the project, and with it each extra the next time a target needs it. Install steps are silent on
# stdout (their notes go to stderr) so that `make invoke ... > out.json` captures the result alone.
RUN_STAMP := $(BIN)/.installed
DEV_STAMP := $(BIN)/.installed-dev
BENCH_STAMP := $(BIN)/.installed-bench
DOCS_STAMP := $(BIN)/.installed-docs

$(UV_BOOT)/bin/uv:
	@echo "make: bootstrapping uv from PyPI into $(UV_BOOT) (once per machine)" >&2
	@$(PYTHON) -m venv $(UV_BOOT) >&2
	@$(UV_BOOT)/bin/pip install $(PIP_QUIET) 'uv>=0.5,<1' >&2

$(RUN_STAMP): pyproject.toml | $(UV)
	@echo "make: installing the project into $(VENV)" >&2
	@$(UV) venv $(UV_QUIET) --allow-existing --python $(PYTHON) $(VENV) >&2
	@$(UV) pip install $(UV_QUIET) --python $(BIN)/python -e . >&2
	@touch $@

$(DEV_STAMP): $(RUN_STAMP)
	@echo "make: installing the test tools (.[dev]) into $(VENV)" >&2
	@$(UV) pip install $(UV_QUIET) --python $(BIN)/python -e '.[dev]' >&2
	@touch $@

$(BENCH_STAMP): $(RUN_STAMP)
	@echo "make: installing the benchmark tools (.[bench]) into $(VENV)" >&2
	@$(UV) pip install $(UV_QUIET) --python $(BIN)/python -e '.[bench]' >&2
	@touch $@

$(DOCS_STAMP): $(RUN_STAMP)
	@echo "make: installing the documentation tools (.[docs]) into $(VENV)" >&2
	@$(UV) pip install $(UV_QUIET) --python $(BIN)/python -e '.[docs]' >&2
	@touch $@

# The inspector's browser test drives Debian's Chromium through Playwright (the system browser: no `playwright
# install`). Installed once with apt-get when missing (apt-get update first if the package lists are empty or stale).
CHROMIUM := /usr/bin/chromium
CHROMIUM_STAMP := $(BIN)/.installed-chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(CHROMIUM_STAMP): | $(RUN_STAMP)
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "make: installing chromium (apt-get) for the browser tests" >&2; \
	  $(SUDO) apt-get install -y -qq chromium >&2 2>/dev/null \
	  || { $(SUDO) apt-get update -qq >&2 && $(SUDO) apt-get install -y -qq chromium >&2; }; \
	fi
	@touch $@

$(SAM_VENV)/.installed: | $(UV)
	$(UV) venv $(UV_QUIET) --allow-existing --python $(PYTHON) $(SAM_VENV)
	$(UV) pip install $(UV_QUIET) --python $(SAM_VENV)/bin/python aws-sam-cli
	touch $@

# The layer as Lambda runs it: Python 3.12 with only layers/common/requirements.txt and boto3 (the runtime's own),
# for the test that imports every module of the layer. Rebuilt when the requirements change.
LAYER_VENV := .venv-layer
$(LAYER_VENV)/.installed: layers/common/requirements.txt | $(UV)
	@test -x "$(PY312_DIR)/python3.12" || { echo "make: Python 3.12 not found (pyenv install 3.12)" >&2; exit 1; }
	@echo "make: building $(LAYER_VENV) (Python 3.12 with the layer's requirements only)" >&2
	@rm -rf $(LAYER_VENV)
	@$(UV) venv $(UV_QUIET) --python $(PY312_DIR)/python3.12 $(LAYER_VENV) >&2
	@$(UV) pip install $(UV_QUIET) --python $(LAYER_VENV)/bin/python -r layers/common/requirements.txt boto3 >&2
	@touch $@

venv: $(RUN_STAMP) ## Create .venv with the project and the CLI `inlet` (what `make run` needs)

dev-venv: $(DEV_STAMP) ## Add the test tools (pytest, hypothesis, ruff) to .venv; the test targets do it themselves

sam-venv: $(SAM_VENV)/.installed ## Create .venv-sam with AWS SAM CLI (kept apart: it pins boto3)

layer-venv: $(LAYER_VENV)/.installed ## Create .venv-layer: Python 3.12 with only the layer's requirements

run: venv ## Run the endpoint locally (moto + HTTP server on 127.0.0.1:${INLET_PORT:-3000}), data kept in .inlet/; RESET=1 starts afresh, TAGOIO=1 adds a local TagoIO
	$(BIN)/inlet local run $(if $(TAGOIO),--with-tagoio) $(if $(RESET),--reset)

invoke: venv ## Invoke the real handler with an event file, Docker-free: make invoke EVENT=events/uplink-tts-v3.json
	@$(BIN)/inlet local invoke $(EVENT)

test: lint validate docs $(DEV_STAMP) $(BENCH_STAMP) $(CHROMIUM_STAMP) $(LAYER_VENV)/.installed ## Everything CI runs: ruff, sam validate --lint, the docs build, the whole pytest suite (it smoke-tests the benchmarks too)
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

validate: sam-venv ## sam validate --lint (cfn-lint) on template.yaml
	$(SAM) validate --lint

unit: $(DEV_STAMP) ## Unit tests only
	$(BIN)/python -m pytest -q -m unit

integration: $(DEV_STAMP) $(BENCH_STAMP) ## Integration tests only (handler under moto; includes the benchmark smoke run)
	$(BIN)/python -m pytest -q -m integration

# TypeScript connectors of a checkout of tago-io/decoders (it has no licence: its sources are not in this repository)
# against the records Node gave for them (tests/fixtures/tagoio-ts/README.md).
typescript-corpus: $(DEV_STAMP) ## Check TAGOIO_DECODERS=<checkout of tago-io/decoders>'s TypeScript connectors against Node
	@test -n "$(TAGOIO_DECODERS)" || { echo "make: give TAGOIO_DECODERS=<a checkout of tago-io/decoders>" >&2; exit 2; }
	INLET_TAGOIO_DECODERS=$(TAGOIO_DECODERS) $(BIN)/python -m pytest -q -rs tests/unit/test_typescript_connectors.py tests/unit/test_codecs.py

e2e: $(DEV_STAMP) $(CHROMIUM_STAMP) ## End-to-end tests only (local stack over real HTTP, CLI, the inspector in Chromium)
	$(BIN)/python -m pytest -q -m e2e

docs: $(DOCS_STAMP) ## Build the documentation site into site/ (mkdocs build --strict: a broken link or a missing page fails)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

docs-serve: $(DOCS_STAMP) ## Serve the documentation on http://127.0.0.1:8000 while you edit it
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

bench: $(BENCH_STAMP) ## Benchmarks: table, bench/results.json, bench/growth.png, the figures of bench/README.md
	$(BIN)/python -m bench

bench-smoke: $(BENCH_STAMP) ## A short benchmark run that proves the suite works (no figures asserted)
	$(BIN)/python -m bench --smoke

build: sam-venv ## sam build (needs python3.12 on PATH; found under pyenv when present)
	PATH="$(PY312_DIR):$$PATH" $(SAM) build

deploy: build ## sam deploy (use `make deploy ARGS=--guided` the first time, ARGS="--config-env prod" for prod)
	$(SAM) deploy $(ARGS)

clean: ## Remove build output and local state (keeps the virtual environments)
	rm -rf .aws-sam .inlet site bench/profile*.html
