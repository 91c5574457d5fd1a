# The two commands of the README:
#   make demo   gateway + simulator + example strategy, no keys, no network
#   (make demo-farm: two gateways sharing one budget through Redis)
#   make test   build (normal, and ASan+UBSan) and run every test via ctest
# Both install missing Debian packages first (scripts/bootstrap).

JOBS ?= $(shell nproc)

.PHONY: all bootstrap build build-asan demo demo-farm test bench clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@echo "== building (log: build/build.log)"
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS) >build/build.log 2>&1 || \
	    { tail -50 build/build.log; exit 1; }

build-asan: bootstrap
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
	    -DXG_SANITIZE=ON -DXG_FUZZ=ON >/dev/null
	cmake --build build-asan -j $(JOBS)

demo: build
	@scripts/demo

# Two gateways sharing one budget through Redis (docs/farm.md).
demo-farm: build
	@scripts/demo-farm

test: bootstrap
	@scripts/test

bench: build
	@scripts/bench

clean:
	rm -rf build build-asan
