# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Node >= 20.19 builds and tests the app; without it the API still runs and tests still pass
# on the Python side, and the README says how to build the app.
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.stdout.write(a>20||(a===20&&b>=19)?"yes":"no")' 2>/dev/null || echo no)

.PHONY: demo test lint typecheck unit mobile-test web

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,sim]'  # sim: the emulator, for the demo and the tests
	touch $(STAMP)

demo: $(STAMP) web
	$(BIN)/wattboard demo --port 8000

web:
ifeq ($(NODE_OK),yes)
	cd mobile && (test -d node_modules || npm ci --no-audit --no-fund) && EXPO_NO_TELEMETRY=1 npx expo export --platform web
else
	@echo "Node.js >= 20.19 not found: the app's web build is skipped (see mobile/README.md)."
endif

test: $(STAMP) lint typecheck mobile-test unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

mobile-test: $(STAMP)
ifeq ($(NODE_OK),yes)
	bash mobile/scripts/test.sh
else
	@echo "Node.js >= 20.19 not found: the app's tests are skipped."
endif

unit: $(STAMP)
	$(BIN)/pytest -q
