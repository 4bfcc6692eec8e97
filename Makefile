# Fedra: top-level entry points. Everything goes through CMake in build/.
#
#   make run     build, then run a local federation on loopback: a hub and two
#                member clusters (the API-server simulator), fedra-operator,
#                one fedra-engine per member as its webhook; kubectl applies the
#                example policies to the hub and Pods to the members
#                (FEDRA_ONCE=1: exit after the demonstration)
#   make test    install deps, build, run every test (ctest's exit status)
#   make bench   build, then run every benchmark
#
# WERROR=1 turns warnings into errors (CI sets it), WERROR=0 back off. JOBS
# defaults to the number of cores.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Only an explicit WERROR changes the cached setting: flipping it recompiles
# everything, so `make run` after `WERROR=1 make test` must not flip it back.
ifeq ($(WERROR),1)
  CMAKE_WERROR := -DFEDRA_WERROR=ON
else ifeq ($(WERROR),0)
  CMAKE_WERROR := -DFEDRA_WERROR=OFF
else
  CMAKE_WERROR :=
endif


.PHONY: all deps configure build test bench run fmt clean

all: build

deps:
	@scripts/install-deps.sh

configure:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_WERROR)

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# ctest prints its own summary ("100% tests passed, 0 tests failed out of N");
# when it fails, so does make (make's own status, 2, not ctest's).
test: deps
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

bench: build
	@set -e; found=0; \
	for b in $(BUILD_DIR)/bin/*_bench; do \
	  [ -x "$$b" ] || continue; found=1; \
	  echo "== $$b"; "$$b"; \
	done; \
	[ $$found -eq 1 ] || echo "no benchmarks built (bench/*_bench.cc, needs libbenchmark-dev)"

run: deps configure
	cmake --build $(BUILD_DIR) -j$(JOBS) --target fedra fedra-engine fedra-apiserver fedra-operator
	BUILD_DIR=$(BUILD_DIR) scripts/run-demo.sh

fmt:
	find engine bench tests -type f \( -name '*.h' -o -name '*.cc' \) \
	  -not -path 'tests/conformance/opa/*' -print0 2>/dev/null | xargs -0 -r clang-format -i

clean:
	rm -rf $(BUILD_DIR)
