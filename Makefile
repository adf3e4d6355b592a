# flakeid: a PostgreSQL extension built with PGXS from a pure C++ core (src/core) and a thin
# glue layer (src/pg).
#
#   make demo    set up a fresh Debian 12 machine, build, install, show flakeid at work
#   make test    the same set-up, then every test (format, unit, sanitizers, pg_regress, TAP)
#   make bench   the benchmarks against a sequence, clock_timestamp(), gen_random_uuid() and,
#                on 18 (make bench PG_MAJOR=18), uuidv7()
#   make valgrind  pg_regress and a few TAP files with every server process under Valgrind
#                (before each release; not part of make test)

EXTENSION = flakeid
MODULE_big = flakeid
# The extension's SQL, as pgvector keeps it: one source, sql/flakeid/*.sql (a file per
# topic, each object once in the form of the newest version), concatenated in name order
# into the install script of the newest version (DATA_built, git-ignored); the update
# scripts sql/flakeid--A--B.sql from every earlier version to the next; and the install
# script of 1.0, from which an old version is installed (CREATE EXTENSION flakeid VERSION
# '1.2' runs 1.0 and the updates to 1.2). test/t/011 checks that every way to the newest
# version ends with the same objects as the built script.
FLAKEID_VERSION := $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" flakeid.control)
FLAKEID_SQL_SOURCES = $(sort $(wildcard sql/flakeid/*.sql))
DATA_built = sql/flakeid--$(FLAKEID_VERSION).sql
DATA = sql/flakeid--1.0.sql $(wildcard sql/flakeid--*--*.sql)
PGFILEDESC = "flakeid - 64-bit time-ordered unique IDs"

CORE_SRCS = $(sort $(wildcard src/core/*.cpp))
# The glue: the module file src/pg/flakeid.cpp and one folder per job (src/pg/README.md).
PG_SRCS = $(sort $(wildcard src/pg/*.cpp src/pg/*/*.cpp))
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

# Which PostgreSQL: PG_CONFIG=/path/to/pg_config, or PG_MAJOR=N. Without either, Debian
# 12's pg_config (15 here). PG_MAJOR=17 and PG_MAJOR=18 are Debian's own packages, in a
# root of the Debian release that packages them (test/bin/debian-root.sh: 17 in Debian 13,
# trixie; 18 in unstable, sid): make re-runs the goal there. PG_MAJOR=18 PG_FLAVOUR=cassert
# is an assert-enabled 18 and PG_FLAVOUR=release one configured as distributions do, both
# built once from Debian's source package (test/bin/postgres.sh).
DEBIAN_RELEASE_17 = trixie
DEBIAN_RELEASE_18 = sid
ifdef PG_MAJOR
ifeq ($(PG_FLAVOUR)$(FLAKEID_IN_ROOT),)
DEBIAN_ROOT := $(DEBIAN_RELEASE_$(PG_MAJOR))
endif
ifeq ($(DEBIAN_ROOT),)
PG_CONFIG := $(shell test/bin/postgres.sh $(PG_MAJOR) $(PG_FLAVOUR))
ifeq ($(PG_CONFIG),)
$(error test/bin/postgres.sh found no PostgreSQL $(PG_MAJOR))
endif
endif
endif

ifneq ($(DEBIAN_ROOT),)
# ---- PostgreSQL 17 or 18 as Debian packages it: each goal runs again in the root of the
# release (test/bin/debian-root.sh makes it the first time), as root there, in the work
# tree, with this command line's variables. `make test` there ends with `make deb`; here it
# then installs that package into a clean root of the release and makes an ID with it.
GOALS = $(or $(MAKECMDGOALS),all)
.PHONY: $(GOALS)
$(filter-out test,$(GOALS)):
	test/bin/debian-root.sh $(DEBIAN_ROOT) make $@ $(MAKEOVERRIDES)
test:
	test/bin/debian-root.sh $(DEBIAN_ROOT) make test $(MAKEOVERRIDES)
	test/bin/debian-root.sh --clean $(DEBIAN_ROOT) test/bin/deb-install-check.sh \
		build/postgresql-$(PG_MAJOR)-flakeid_*.deb
else
# ---- the rest of this Makefile: the PostgreSQL of PG_CONFIG (Debian 12's 15, a source
# build, or 17 or 18 inside their root), up to `endif # DEBIAN_ROOT` at the end.
PG_CONFIG ?= pg_config
PG_MAJOR_VERSION := $(shell $(PG_CONFIG) --version 2>/dev/null | sed -n 's/^PostgreSQL \([0-9]*\).*/\1/p')
PG_INCLUDEDIR_SERVER := $(shell $(PG_CONFIG) --includedir-server 2>/dev/null)
# PostgreSQL's headers are not ours to warn about: -isystem keeps -Werror for our code only.
# The library's version (FLAKEID_VERSION), as pg_get_loaded_modules() shows it on 18 and later.
PG_CPPFLAGS = -isystem $(PG_INCLUDEDIR_SERVER) -Isrc \
	-DFLAKEID_VERSION='"$(FLAKEID_VERSION)"'
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Wno-register -fno-strict-aliasing
SHLIB_LINK += -lstdc++

# pg_regress: test/sql/*.sql against test/expected/*.out, on a server of its own, in the
# order of test/schedule (which writes down the numbers' bands); REGRESS=name runs one file.
# test/sql/include/ holds what several files load with \i.
REGRESS_SCHEDULE = test/schedule
REGRESS = --schedule=$(REGRESS_SCHEDULE)
REGRESS_PREP = regress-schedule-check
REGRESS_OPTS = --inputdir=test --temp-instance=tmp_check_regress --temp-config=test/regress.conf \
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

# The install script of the newest version, built from the single source: a header that
# stops psql from running it by hand, then each topic file in name order.
$(DATA_built): $(FLAKEID_SQL_SOURCES) flakeid.control
	@{ printf '%s\n' '-- flakeid $(FLAKEID_VERSION), built by make from sql/flakeid/*.sql: edit those, not this file.' \
	    '-- Every object is created in the extension'"'"'s schema; no statement depends on search_path.' \
	    '' '\echo Use "CREATE EXTENSION flakeid" to load this file. \quit'; \
	  for f in $(FLAKEID_SQL_SOURCES); do printf '\n-- ==== %s\n\n' "$$f"; cat "$$f"; done; \
	} > $@.tmp && mv $@.tmp $@

# Every file of test/sql runs: the schedule names each one, and too_many_layouts last.
regress-schedule-check:
	@missing=$$(for f in $(patsubst test/sql/%.sql,%,$(wildcard test/sql/*.sql)); do \
	  grep -qx "test: $$f" $(REGRESS_SCHEDULE) || echo " $$f"; done); \
	  [ -z "$$missing" ] || { echo "$(REGRESS_SCHEDULE) does not run:$$missing" >&2; exit 1; }
	@[ "$$(grep '^test:' $(REGRESS_SCHEDULE) | tail -n 1)" = 'test: 99_too_many_layouts' ] || \
	  { echo "$(REGRESS_SCHEDULE): 99_too_many_layouts must run last" >&2; exit 1; }

# PGXS does not track headers: rebuild every object when any of ours changes (the state
# table's layout in shared memory must agree in every file).
$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp src/pg/*/*.hpp)
src/pg/flakeid.o: flakeid.control

# Objects built against one PostgreSQL are no good for another: the stamp names the
# pg_config they were built with, and changes (rebuilding them) when it does.
$(OBJS): build/pg_config.stamp
build/pg_config.stamp: FORCE
	@mkdir -p build
	@echo '$(PG_CONFIG) $(PG_MAJOR_VERSION)' | cmp -s - $@ || echo '$(PG_CONFIG) $(PG_MAJOR_VERSION)' > $@
FORCE:

.PHONY: regress-schedule-check setup test check-all demo bench unit unit-sanitize fuzz lint \
	boundary format clients-deps deb deb-installcheck valgrind valgrind-check valgrind-installcheck \
	FORCE

# Installs what a fresh Debian 12 machine lacks (root only; a no-op when all is there).
setup:
	test/bin/setup-debian.sh

# ---- unit tests of the core (GoogleTest), plain and under ASan + UBSan ----
UNIT_SRCS = $(sort $(wildcard test/unit/*.cpp))
UNIT_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Isrc -g

build/unit_tests: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/core/*.hpp test/unit/*.hpp)
	@mkdir -p build
	$(CXX) $(UNIT_CXXFLAGS) -O2 -o $@ $(CORE_SRCS) $(UNIT_SRCS) -lgtest -lgtest_main -pthread

build/unit_tests_sanitized: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/core/*.hpp test/unit/*.hpp)
	@mkdir -p build
	$(CXX) $(UNIT_CXXFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o $@ $(CORE_SRCS) $(UNIT_SRCS) -lgtest -lgtest_main -pthread

unit: build/unit_tests
	build/unit_tests

unit-sanitize: build/unit_tests_sanitized
	build/unit_tests_sanitized

# ---- fuzzing of the core's parsers and codec (libFuzzer, ASan + UBSan), time-bounded ----
# Each fuzzer runs FUZZ_TIME seconds on a scratch copy of its seed corpus under build/fuzz/,
# so runs never touch test/fuzz/; a crash or a broken invariant fails the target and leaves
# the input that caused it in build/fuzz/run_NAME/crash-*.
FUZZ_CXX = clang++
FUZZ_NAMES = layout epoch codec mark
FUZZ_BINS = $(FUZZ_NAMES:%=build/fuzz_%)
FUZZ_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Isrc -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TIME = 20
FUZZ_OPTS = -max_total_time=$(FUZZ_TIME) -max_len=64 -print_final_stats=1
# The core is built once, instrumented, for all three fuzzers.
FUZZ_CORE_OBJS = $(CORE_SRCS:src/core/%.cpp=build/fuzz/core/%.o)

$(FUZZ_CORE_OBJS): build/fuzz/core/%.o: src/core/%.cpp $(wildcard src/core/*.hpp)
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -c -o $@ $<

$(FUZZ_BINS): build/fuzz_%: test/fuzz/fuzz_%.cpp $(FUZZ_CORE_OBJS) $(wildcard src/core/*.hpp)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -o $@ $< $(FUZZ_CORE_OBJS)

fuzz: $(FUZZ_BINS)
	@for name in $(FUZZ_NAMES); do \
	  dir=build/fuzz/run_$$name; rm -rf $$dir; mkdir -p $$dir/corpus; \
	  if [ -d test/fuzz/corpus_$$name ]; then cp test/fuzz/corpus_$$name/* $$dir/corpus/; fi; \
	  dict=; if [ -f test/fuzz/$$name.dict ]; then dict=-dict=test/fuzz/$$name.dict; fi; \
	  echo "fuzz_$$name: $(FUZZ_TIME) s, log in $$dir/log"; \
	  if build/fuzz_$$name $(FUZZ_OPTS) $$dict -artifact_prefix=$$dir/ $$dir/corpus \
	       >$$dir/log 2>&1; then \
	    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' $$dir/log; \
	  else \
	    tail -n 40 $$dir/log; echo "fuzz_$$name FAILED: reproduce with build/fuzz_$$name $$dir/crash-*" >&2; \
	    exit 1; \
	  fi; \
	done

# ---- static checks; make test runs both targets on 15 (they read the source, the same on
# every version) ----
# make lint (seconds, before each commit): the format (.clang-format is the rule); the
# registry of errors (src/pg/errors/codes.hpp) against every code used in src/ and sql/ and
# against the README's error table (test/bin/check-errors.py); shellcheck on every shell
# script, found by its first line.
FORMAT_FILES = $(wildcard src/core/*.[ch]pp src/pg/*.[ch]pp src/pg/*/*.[ch]pp test/unit/*.[ch]pp \
	test/fuzz/*.[ch]pp bench/*.[ch]pp)
SHELL_SCRIPTS = $(shell for f in $$(find .ci bench debian test -type f -not -path '*/node_modules/*' \
	-not -path '*/tmp_check*' 2>/dev/null | sort); do \
	head -n 1 "$$f" | grep -qE '^\#!.*[/ ](ba|da)?sh$$' && echo "$$f"; done)

lint:
	clang-format --dry-run --Werror $(FORMAT_FILES)
	test/bin/check-errors.py
	shellcheck -x $(SHELL_SCRIPTS)

# make boundary (about a minute of CPU): the rules of the C++/PostgreSQL boundary, with the
# compiler's parse of the glue: every callback PostgreSQL calls is noexcept, and the glue
# holds no owning standard-library type (clang-query); then clang-tidy with .clang-tidy
# (bugprone-exception-escape among its checks) on src/core and src/pg. Both in
# test/bin/check-boundary.sh.
boundary:
	test/bin/check-boundary.sh $(PG_CONFIG)

format:
	clang-format -i $(FORMAT_FILES)

# ---- the README's two commands ----
test: setup
	$(MAKE) check-all

# On Debian 12's PostgreSQL (15): every test and the .deb. On 17 and 18 (Debian's, in the
# root of their release): the unit tests, the whole server suite and the .deb; the static
# checks read the source, and the sanitizer and the fuzz runs test the core alone, which
# are the same on every version. On a PostgreSQL built from source (PG_FLAVOUR): no .deb,
# which is built for the version the release packages (its postgresql-server-dev-N
# installed).
DEBIAN_PACKAGED := $(shell dpkg-query -W -f='$${Status}' postgresql-server-dev-$(PG_MAJOR_VERSION) \
	2>/dev/null | grep -c 'install ok installed')
ifeq ($(PG_MAJOR_VERSION),15)
check-all: lint boundary unit unit-sanitize fuzz clients-deps
else
check-all: unit clients-deps
endif
	$(MAKE) all $(FOREIGN_LIBS)
	$(MAKE) install
	test/bin/as-postgres.sh $(MAKE) installcheck
ifeq ($(DEBIAN_PACKAGED),1)
	$(MAKE) deb
endif

# test/t/041: the library built with another format (format2) or another size (size2) of
# its shared memory, as a package upgrade would put it under a running server (not
# installed; the test loads them by path).
FOREIGN_LIBS = build/flakeid_format2.so build/flakeid_size2.so
build/flakeid_format2.so: FOREIGN_FLAGS = -DFLAKEID_SHARED_FORMAT_VERSION=2
build/flakeid_size2.so: FOREIGN_FLAGS = -DFLAKEID_SHARED_EXTRA_BYTES=64
SHARED_STATE_SRC = src/pg/shmem/shared_state.cpp
$(FOREIGN_LIBS): build/flakeid_%.so: $(OBJS) $(SHARED_STATE_SRC)
	@mkdir -p build
	$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(FOREIGN_FLAGS) -c -o build/shared_state_$*.o \
		$(SHARED_STATE_SRC)
	$(CXX) $(CXXFLAGS) -shared -o $@ $(filter-out $(SHARED_STATE_SRC:.cpp=.o),$(OBJS)) \
		build/shared_state_$*.o $(LDFLAGS) $(SHLIB_LINK)

demo: setup
	$(MAKE) all
	$(MAKE) install
	test/bin/as-postgres.sh test/bin/demo.sh

# ---- make bench: the core alone (Google Benchmark), then flakeid on a throwaway server
# against clock_timestamp(), nextval(), gen_random_uuid() and (18 and later) uuidv7();
# writes bench/results/pgMAJOR.md and .png. Not part of `make test`; it reports and
# asserts nothing. Sizes: see bench/run.sh (BENCH_*). The sub-makes get the pg_config
# chosen here, so all of it runs on one PostgreSQL.
BENCH_PACKAGES = gnuplot-nox libbenchmark-dev
BENCH_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Isrc -O2

build/core_bench: bench/core_bench.cpp $(CORE_SRCS) $(wildcard src/core/*.hpp)
	@mkdir -p build
	$(CXX) $(BENCH_CXXFLAGS) -o $@ $(CORE_SRCS) bench/core_bench.cpp -lbenchmark -pthread

bench:
	test/bin/setup-debian.sh $(BENCH_PACKAGES)
	$(MAKE) all PG_CONFIG=$(PG_CONFIG) PG_FLAVOUR=$(PG_FLAVOUR)
	$(MAKE) install PG_CONFIG=$(PG_CONFIG) PG_FLAVOUR=$(PG_FLAVOUR)
	$(MAKE) build/core_bench PG_CONFIG=$(PG_CONFIG) PG_FLAVOUR=$(PG_FLAVOUR)
	PG_CONFIG=$(PG_CONFIG) bench/bench.sh

# ---- make valgrind: the glue under Valgrind's memcheck, on PostgreSQL 18 built for it
# (test/bin/postgres.sh 18 valgrind: USE_VALGRIND, asserts, -Og; built once, 36 minutes on
# the 2 loaded CPUs here). Its `postgres` is test/bin/valgrind-postgres.sh, so every server
# process of the whole pg_regress suite and of the TAP files in VALGRIND_TAP (a preloaded
# server's shared generator under pgbench clients of two databases and a restart, a bulk
# call beside another session, crash restarts, the mark file) runs under memcheck, with
# PostgreSQL's own suppressions only. Fails when Valgrind reports an error in any process
# (its reports are printed) or a server crashed. Run before each release: it took 14 and
# 17 minutes here, more than CI has to spare. Only the Valgrind build's postgres is replaced.
VALGRIND_TAP = test/t/002_preload.pl test/t/008_bulk_call.pl test/t/021_crash_restart.pl \
	test/t/024_mark_file.pl
VALGRIND_LOGS = build/valgrind

valgrind:
	test/bin/setup-debian.sh valgrind
	$(MAKE) valgrind-check PG_MAJOR=18 PG_FLAVOUR=valgrind

valgrind-check:
	@$(PG_CONFIG) --configure | grep -q USE_VALGRIND || { echo "valgrind-check:" \
	  "$(PG_CONFIG) is not a build with USE_VALGRIND (make valgrind makes one)" >&2; exit 1; }
	$(MAKE) all
	$(MAKE) install
	@bindir=$$($(PG_CONFIG) --bindir); \
	  [ -e $$bindir/postgres.orig ] || mv $$bindir/postgres $$bindir/postgres.orig; \
	  install -m 755 test/bin/valgrind-postgres.sh $$bindir/postgres
	test/bin/as-postgres.sh $(MAKE) valgrind-installcheck

# Run as the postgres user (by valgrind-check): pg_regress, then the TAP files, with the
# server under Valgrind and generous timeouts, then the scan of Valgrind's reports. The
# verdict is Valgrind's (and as-postgres.sh's: a failed assertion or a crash): under
# Valgrind the server runs 20 to 50 times slower, so the tests' timing bounds (10 000 IDs
# within a second, a session that waits a minute at most) fail there; their results are
# printed, not counted.
VALGRIND_ENV = FLAKEID_VALGRIND_LOGS=$(CURDIR)/$(VALGRIND_LOGS) PGCTLTIMEOUT=900 \
	PG_TEST_TIMEOUT_DEFAULT=900

valgrind-installcheck:
	@rm -rf $(VALGRIND_LOGS); mkdir -p $(VALGRIND_LOGS)
	-$(VALGRIND_ENV) $(MAKE) installcheck TAP_TESTS=
	-$(VALGRIND_ENV) $(MAKE) installcheck REGRESS= PROVE_TESTS="$(VALGRIND_TAP)"
	@logs=$$(ls $(VALGRIND_LOGS) | wc -l); \
	  bad=$$(grep -l VALGRINDERROR-BEGIN $(VALGRIND_LOGS)/*.log 2>/dev/null); \
	  for log in $$bad; do echo "==== Valgrind's report in $$log"; cat $$log; done; \
	  echo "valgrind: $$logs server processes ran under memcheck; $$(echo $$bad | wc -w) reported errors"; \
	  [ $$logs -gt 0 ] || { echo "valgrind: no process ran under Valgrind" >&2; exit 1; }; \
	  [ -z "$$bad" ]

# ---- real clients (test/t/031_clients.pl, and TypeORM and Knex for the ORM recipes of
# test/t/102_orm_recipes.pl): node-postgres, TypeORM and Knex from the npm registry into
# test/clients/node_modules, or node-postgres where Debian's node-pg installs it (the roots
# of 17 and 18, which have no npm; the recipes of TypeORM and Knex are skipped there). Run
# by root before the tests copy the tree for the postgres user; with neither, the Node
# half of 031 is skipped, with a message.
clients-deps:
	@if command -v npm >/dev/null 2>&1; then \
	  if [ -f test/clients/package-lock.json ]; then \
	    cd test/clients && npm ci --no-audit --no-fund; \
	  else \
	    cd test/clients && npm install --no-audit --no-fund; \
	  fi; \
	elif pg=$$(cd test/clients && node -p "require.resolve('pg')" 2>/dev/null); then \
	  echo "clients-deps: node-postgres from $$pg"; \
	else \
	  echo "clients-deps: neither npm nor node-pg (make setup installs one); test/t/031_clients.pl" \
	    "will skip Node, test/t/102_orm_recipes.pl TypeORM and Knex"; \
	fi

# ---- make deb: a Debian package built by pg_buildext (debian/), in a scratch copy of the
# tree under /tmp, for the PostgreSQL the Debian release packages (postgresql-15-flakeid on
# Debian 12, -17- on 13, -18- on unstable: `pg_buildext updatecontrol` names it in the
# copy's debian/control); the .deb lands in build/. make deb-installcheck installs it with
# dpkg and runs the pg_regress suite against the installed files. make test builds the
# package (about 15 s); on 17 and 18 it also installs it into a clean root of the release
# (test/bin/deb-install-check.sh).
DEB_PACKAGES = build-essential debhelper postgresql-server-dev-all

deb:
	test/bin/setup-debian.sh $(DEB_PACKAGES)
	@v=$$(sed -n "s/^default_version = '\(.*\)'/\1/p" flakeid.control); \
	  d=$$(dpkg-parsechangelog -S Version); \
	  m=$$(sed -n 's/^   "version": "\(.*\)",$$/\1/p' META.json); \
	  [ "$$d" = "$$v.0" ] && [ "$$m" = "$$v.0" ] || { echo "version mismatch: flakeid.control" \
	    "$$v, debian/changelog $$d, META.json $$m (all should be $$v.0)" >&2; exit 1; }
	@set -e; tmp=$$(mktemp -d /tmp/flakeid-deb.XXXXXX); \
	  mkdir $$tmp/flakeid; \
	  tar --exclude=.git --exclude=./build --exclude=./test/clients/node_modules \
	    --exclude='*.o' --exclude='*.so' --exclude='*.bc' --exclude=./tmp_check \
	    --exclude=./tmp_check_regress --exclude=./results --exclude=./$(DATA_built) \
	    -cf - . | tar -C $$tmp/flakeid -xf -; \
	  (cd $$tmp/flakeid && pg_buildext updatecontrol && \
	    env -u MAKEFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b) > $$tmp/build.log 2>&1 \
	    || { tail -n 60 $$tmp/build.log; echo "make deb failed: log in $$tmp/build.log" >&2; exit 1; }; \
	  mkdir -p build; for deb in $$tmp/*.deb; do \
	    rm -f build/$$(basename $$deb | sed 's/_.*//')_*.deb; cp $$deb build/; done; rm -rf $$tmp
	@ls -l $(DEB_FILE)
	@dpkg-deb -c $(DEB_FILE) | grep -E '\.(so|control|sql)$$'

# The package of this PostgreSQL (a shell glob: make deb writes it during the recipe).
DEB_FILE = build/postgresql-$(PG_MAJOR_VERSION)-flakeid_*.deb

deb-installcheck:
	@ls $(DEB_FILE) >/dev/null 2>&1 || $(MAKE) deb
	dpkg -i $(DEB_FILE)
	debian/tests/installcheck

endif # DEBIAN_ROOT
