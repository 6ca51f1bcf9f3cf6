# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Node >= 20.19 builds and tests the app; without it the API still runs and tests still pass
# on the Python side, and the README says how to build the app.
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.stdout.write(a>20||(a===20&&b>=19)?"yes":"no")' 2>/dev/null || echo no)

.PHONY: demo test lint typecheck unit mobile-test web dist test-dates

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

test: $(STAMP) lint typecheck mobile-test unit test-dates

# The release: a wheel and an sdist, both carrying the app's web build at wattboard/web/, so a
# Pi needs no Node.js. Without Node this stops: a package without the app is no release.
DIST ?= dist
WEB_COPY := src/wattboard/web
dist: $(STAMP)
ifeq ($(NODE_OK),yes)
	cd mobile && (test -d node_modules || npm ci --no-audit --no-fund) \
		&& EXPO_NO_TELEMETRY=1 npx expo export --platform web --output-dir dist
	test -f mobile/dist/index.html
	rm -rf $(WEB_COPY) && cp -R mobile/dist $(WEB_COPY)
	rm -rf $(DIST) && $(BIN)/hatchling build -t wheel -t sdist -d $(DIST) \
		; status=$$?; rm -rf $(WEB_COPY); exit $$status
	@ls -l $(DIST)
else
	@echo "make dist: Node.js >= 20.19 is needed to build the app's web build, which every" >&2
	@echo "package carries (found: $$(node --version 2>/dev/null || echo no node)). Install Node.js" >&2
	@echo "20.19 or newer and run make dist again; no package was built." >&2
	@exit 1
endif

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

# The tests marked `dates` (pytest) and `@dates` (jest) again, with every process's clock moved
# by libfaketime to 1 January, the Mondays after the EU DST changes, 29 February, the first of
# a month and 00:30 in Helsinki (UTC still the day before); see tests/run_dates.py.
test-dates: $(STAMP)
	$(BIN)/python tests/run_dates.py
