# Thin wrapper over scripts/install-deps.sh, CMake and ctest: one command per job on a fresh Debian 12
# (`make scan DIR=...`, `make test`, `make bench`, `make bench-git`, `make package`). The build itself lives in CMakeLists.txt.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
DIR ?= .
comma := ,
ARGS ?=
CMAKE ?= cmake
CTEST ?= ctest

# Configure once with Ninja; later runs reuse whatever generator the build directory already has.
define configure_and_build
	@if [ -f "$(BUILD_DIR)/CMakeCache.txt" ]; then \
	  $(CMAKE) -S . -B "$(BUILD_DIR)" -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null; \
	else \
	  $(CMAKE) -S . -B "$(BUILD_DIR)" -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi
	$(CMAKE) --build "$(BUILD_DIR)"
endef

# Sanitizer builds (CI runs both): the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# the threaded pipeline under ThreadSanitizer. DTSCAN_SANITIZED tells tests that cap memory to skip it.
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
TSAN_TESTS ?= ^(unit|e2e-test_threads|e2e-test_audit|e2e-test_audit_state|e2e-test_audit_verify|e2e-test_git_history|e2e-test_staged|e2e-test_scan_behaviour|e2e-test_corpus)$$
SAN_ENV = DTSCAN_SANITIZED=1 \
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

# configure_sanitized DIR SANITIZERS: configure (once, Ninja) and build a sanitized build directory.
define configure_sanitized
	@if [ -f "$(1)/CMakeCache.txt" ]; then \
	  $(CMAKE) -S . -B "$(1)" -DDTSCAN_SANITIZE=$(2) >/dev/null; \
	else \
	  $(CMAKE) -S . -B "$(1)" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTSCAN_SANITIZE=$(2); \
	fi
	$(CMAKE) --build "$(1)"
endef

.PHONY: all build scan test test-asan test-tsan bench bench-git bench-audit package format clean

all: build

build:
	scripts/install-deps.sh build
	$(configure_and_build)

scan: build
	"$(BUILD_DIR)/dtscan" scan $(ARGS) "$(DIR)"

test:
	scripts/install-deps.sh test
	$(configure_and_build)
	$(CTEST) --test-dir "$(BUILD_DIR)" --output-on-failure

test-asan:
	scripts/install-deps.sh test
	$(call configure_sanitized,$(ASAN_DIR),address$(comma)undefined)
	$(SAN_ENV) $(CTEST) --test-dir "$(ASAN_DIR)" --output-on-failure

test-tsan:
	scripts/install-deps.sh test
	$(call configure_sanitized,$(TSAN_DIR),thread)
	$(SAN_ENV) $(CTEST) --test-dir "$(TSAN_DIR)" --output-on-failure -R '$(TSAN_TESTS)'

bench:
	scripts/install-deps.sh bench
	$(configure_and_build)
	BUILD_DIR="$(BUILD_DIR)" bench/run.sh

bench-git:
	scripts/install-deps.sh bench
	$(configure_and_build)
	BUILD_DIR="$(BUILD_DIR)" bench/git-run.sh

bench-audit:
	scripts/install-deps.sh bench
	$(configure_and_build)
	BUILD_DIR="$(BUILD_DIR)" bench/audit-run.sh

# Fuzzing (tests/fuzz/README.md): builds the libFuzzer targets with clang in FUZZ_DIR and runs each of
# FUZZ_TARGETS (all, or names) for FUZZ_SECONDS, one after another; prints executions and coverage.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= all
.PHONY: fuzz
fuzz:
	scripts/install-deps.sh fuzz
	FUZZ_DIR="$(FUZZ_DIR)" FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" tests/fuzz/run.sh

# A Debian package of the installed files (cmake/package.cmake): $(BUILD_DIR)/dtscan_<version>_<arch>.deb.
package:
	scripts/install-deps.sh package
	$(configure_and_build)
	cd "$(BUILD_DIR)" && cpack -G DEB

format:
	scripts/install-deps.sh format
	find scanner tests \( -name '*.cpp' -o -name '*.hpp' \) -print0 | xargs -0 -r clang-format -i

clean:
	rm -rf "$(BUILD_DIR)" "$(ASAN_DIR)" "$(TSAN_DIR)"
