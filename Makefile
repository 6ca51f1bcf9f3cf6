# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Node >= 20.19 builds and tests the app; without it the API still runs and tests still pass
# on the Python side, and the README says how to build the app.
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.stdout.write(a>20||(a===20&&b>=19)?"yes":"no")' 2>/dev/null || echo no)

.PHONY: demo test lint typecheck unit mobile-deps mobile-test web dist test-dates

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

# The parts run side by side: on 2 cores pytest's two workers, the app's checks and the dated
# runs fill each other's waits (browsers, servers starting, sleeps). -O prints each part's output
# in one piece when it ends; -k lets every part finish, so each failing one is named in the
# summary (and by make's "*** [part-unit]" line) and `make test` fails.
TEST_PARTS := lint typecheck mobile-test unit test-dates
PARTS_DIR := build/test-parts
test: $(STAMP) mobile-deps
	@rm -rf $(PARTS_DIR) && mkdir -p $(PARTS_DIR)
	@started=$$(date +%s); \
	$(MAKE) --no-print-directory -k -j$(words $(TEST_PARTS)) --output-sync=target \
		$(addprefix part-,$(TEST_PARTS)); status=$$?; \
	echo "== make test: $$(( $$(date +%s) - started )) s wall"; \
	for part in $(TEST_PARTS); do cat $(PARTS_DIR)/$$part 2>/dev/null \
		|| echo "   $$part: did not finish"; done; \
	exit $$status

# One part of `make test`: its output, then a line with its result, wall and CPU seconds.
part-%: $(STAMP)
	@mkdir -p $(PARTS_DIR); started=$$(date +%s); \
	$(MAKE) --no-print-directory $*; status=$$?; \
	times > $(PARTS_DIR)/$*.cpu; cpu=$$(tail -n 1 $(PARTS_DIR)/$*.cpu); \
	result=$$([ $$status -eq 0 ] && echo passed || echo FAILED); \
	line="$*: $$result in $$(( $$(date +%s) - started )) s wall, CPU user/sys $$cpu"; \
	echo "== $$line"; echo "   $$line" > $(PARTS_DIR)/$*; exit $$status

# The release: a wheel and an sdist, both carrying the app's web build at wattboard/web/, so a
# Pi needs no Node.js. Without Node this stops: a package without the app is no release.
DIST ?= dist
# The build happens in a copy of the sources beside the packages (removed after), so the working
# tree is never touched: the API and the app's e2e, which may run meanwhile, keep serving
# mobile/dist and never see a half-copied src/wattboard/web.
STAGE = $(abspath $(DIST))/.stage
dist: $(STAMP)
ifeq ($(NODE_OK),yes)
	rm -rf $(DIST) && mkdir -p $(STAGE)
	cp -R pyproject.toml README.md .gitignore src deploy $(STAGE)/
	rm -rf $(STAGE)/src/wattboard/web
	cd mobile && (test -d node_modules || npm ci --no-audit --no-fund) \
		&& EXPO_NO_TELEMETRY=1 npx expo export --platform web --output-dir $(STAGE)/src/wattboard/web
	test -f $(STAGE)/src/wattboard/web/index.html
	cd $(STAGE) && $(abspath $(BIN))/hatchling build -t wheel -t sdist -d $(abspath $(DIST)) \
		; status=$$?; rm -rf $(STAGE); exit $$status
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

# The app's node_modules (npm ci when missing or older than the lock file), before the parts of
# `make test` start: mobile-test and test-dates both run from it.
mobile-deps:
ifeq ($(NODE_OK),yes)
	bash mobile/scripts/test.sh deps
endif

mobile-test: $(STAMP)
ifeq ($(NODE_OK),yes)
	bash mobile/scripts/test.sh
else
	@echo "Node.js >= 20.19 not found: the app's tests are skipped."
endif

# Two pytest-xdist workers, one per core; a test file stays on one worker (module fixtures are
# built once). PYTEST_WORKERS=1 runs it in one process.
PYTEST_WORKERS ?= 2
unit: $(STAMP)
ifeq ($(PYTEST_WORKERS),1)
	$(BIN)/pytest -q
else
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --durations=20
endif

# The tests marked `dates` (pytest) and `@dates` (jest) again, with every process's clock moved
# by libfaketime to 1 January, the Mondays after the EU DST changes, 29 February, the first of
# a month and 00:30 in Helsinki (UTC still the day before); see tests/run_dates.py.
test-dates: $(STAMP)
	$(BIN)/python tests/run_dates.py
