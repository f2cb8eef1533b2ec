# Thin wrapper around meson + ninja; see README.md.
#
#   make                 install missing build dependencies, configure, build
#   make check           also run every test tier that can run here
#   make check SANITIZE=1  the same tests on an ASan+UBSan build (build-asan/)
#   make bench | fuzz | man | run   (make fuzz FUZZ_SECONDS=N FUZZ_MERGE=1 merges new inputs into the corpus)

SANITIZE ?=
FUZZ_SECONDS ?= 60

ifeq ($(SANITIZE),1)
BUILD ?= build-asan
MESON_ARGS += -Db_sanitize=address,undefined -Dsanitize=true
else
BUILD ?= build
endif

NINJA = ninja -C $(BUILD)
DEPS = scripts/install-deps

.PHONY: all deps configure www-vendor check check-deps bench fuzz man run clean

all: configure www-vendor
	$(NINJA)

# The web UI's pinned ES modules (Preact + htm, uPlot) from the npm registry.
www-vendor:
	@scripts/fetch-www-vendor

deps:
	@$(DEPS) build

configure: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) $(MESON_ARGS)

check-deps:
	@$(DEPS) build test ui

check: check-deps configure www-vendor
	$(NINJA)
	scripts/run-tests $(BUILD)

bench: configure
	@$(DEPS) bench
	$(NINJA)
	bench/run $(BUILD)

fuzz:
	@$(DEPS) build test fuzz
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false \
		-Db_sanitize=address,undefined -Dsanitize=true
	ninja -C build-fuzz
	scripts/run-fuzzers build-fuzz $(FUZZ_SECONDS)

man: configure
	$(NINJA) man

run: all
	scripts/run-sandbox $(BUILD)

clean:
	rm -rf build build-asan build-fuzz
