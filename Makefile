# Common commands. `make run` and `make test` install what is missing first,
# so on a fresh Debian 12 machine they are all that is needed.
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps build run demo test test-sanitize bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: the station application on the simulated bench. With a
# display it opens its window (two sites, virtual time; scan or type a
# serial number and press Enter). Without one it runs on an X server of its
# own (Xvfb) and tests a shift of 200 units on two sites through the
# operator screen as a barcode scanner would, prints every verdict and the
# shift's yield and bins, and exits.
run: build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  $(BUILD)/bin/lightline-station --sites 2; \
	else \
	  GDK_DEBUG=gl-disable GSK_RENDERER=cairo GTK_A11Y=none \
	    tests/support/run-with-xvfb $(BUILD)/bin/lightline-station --shift 200 --sites 2; \
	fi

# The same shift from the command line, without the application.
demo: build
	$(BUILD)/bin/lightline demo --units 200 --sites 2

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The same suite, built with AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -DLL_SANITIZE=ON -DLL_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# Benchmarks print tables (they never fail on a time).
bench: build
	$(BUILD)/bench/bench-engine
	@echo
	$(BUILD)/bench/bench-final-test
	@echo
	$(BUILD)/bench/bench-sites
	@echo
	$(BUILD)/bench/bench-reports

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
