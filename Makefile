# Thin wrapper over scripts/install-deps.sh, CMake and ctest: one command per job on a fresh Debian 12
# (`make scan DIR=...`, `make test`, `make bench`, `make bench-git`). The build itself lives in CMakeLists.txt.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
DIR ?= .
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

.PHONY: all build scan test bench bench-git format clean

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

bench:
	scripts/install-deps.sh bench
	$(configure_and_build)
	BUILD_DIR="$(BUILD_DIR)" bench/run.sh

bench-git:
	scripts/install-deps.sh bench
	$(configure_and_build)
	BUILD_DIR="$(BUILD_DIR)" bench/git-run.sh

format:
	scripts/install-deps.sh format
	find scanner tests \( -name '*.cpp' -o -name '*.hpp' \) -print0 | xargs -0 -r clang-format -i

clean:
	rm -rf "$(BUILD_DIR)"
