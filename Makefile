# flakeid: a PostgreSQL extension built with PGXS from a pure C++ core (src/core) and a thin
# glue layer (src/pg).
#
#   make demo    set up a fresh Debian 12 machine, build, install, show flakeid at work
#   make test    the same set-up, then every test (format, unit, sanitizers, pg_regress, TAP)
#   make bench   the benchmarks against a sequence, clock_timestamp() and gen_random_uuid()

EXTENSION = flakeid
MODULE_big = flakeid
DATA = $(wildcard flakeid--*.sql)
PGFILEDESC = "flakeid - 64-bit time-ordered unique IDs"

CORE_SRCS = $(sort $(wildcard src/core/*.cpp))
PG_SRCS = $(sort $(wildcard src/pg/*.cpp))
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

PG_CONFIG ?= pg_config
PG_INCLUDEDIR_SERVER := $(shell $(PG_CONFIG) --includedir-server 2>/dev/null)
# PostgreSQL's headers are not ours to warn about: -isystem keeps -Werror for our code only.
PG_CPPFLAGS = -isystem $(PG_INCLUDEDIR_SERVER) -Isrc/core -Isrc/pg
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Wno-register -fno-strict-aliasing
SHLIB_LINK += -lstdc++

# pg_regress: sql/*.sql against expected/*.out, on a server of its own.
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --temp-instance=tmp_check_regress --temp-config=test/regress.conf \
	--load-extension=flakeid
# TAP: test/t/*.pl with PostgreSQL::Test::Cluster, run by `make installcheck`.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl
EXTRA_CLEAN = build tmp_check_regress

# Bitcode for LLVM JIT is of no use to a function this small.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# Before set-up there is no PGXS: only the set-up targets below can run.
all:
	@echo "PostgreSQL's server headers are missing: run 'make test' or 'make demo' (as root) first." >&2
	@exit 1
endif

.PHONY: setup test check-all demo bench unit unit-sanitize lint format

# Installs what a fresh Debian 12 machine lacks (root only; a no-op when all is there).
setup:
	test/bin/setup-debian.sh

# ---- unit tests of the core (GoogleTest), plain and under ASan + UBSan ----
UNIT_SRCS = $(sort $(wildcard test/unit/*.cpp))
UNIT_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Isrc/core -g

build/unit_tests: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/core/*.hpp)
	@mkdir -p build
	$(CXX) $(UNIT_CXXFLAGS) -O2 -o $@ $(CORE_SRCS) $(UNIT_SRCS) -lgtest -lgtest_main -pthread

build/unit_tests_sanitized: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/core/*.hpp)
	@mkdir -p build
	$(CXX) $(UNIT_CXXFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o $@ $(CORE_SRCS) $(UNIT_SRCS) -lgtest -lgtest_main -pthread

unit: build/unit_tests
	build/unit_tests

unit-sanitize: build/unit_tests_sanitized
	build/unit_tests_sanitized

# ---- formatting: .clang-format is the rule ----
FORMAT_FILES = $(wildcard src/core/*.[ch]pp src/pg/*.[ch]pp test/unit/*.[ch]pp bench/*.[ch]pp)

lint:
	clang-format --dry-run --Werror $(FORMAT_FILES)

format:
	clang-format -i $(FORMAT_FILES)

# ---- the README's two commands ----
test: setup
	$(MAKE) check-all

check-all: lint unit unit-sanitize
	$(MAKE) all
	$(MAKE) install
	test/bin/as-postgres.sh $(MAKE) installcheck

demo: setup
	$(MAKE) all
	$(MAKE) install
	test/bin/as-postgres.sh test/bin/demo.sh
