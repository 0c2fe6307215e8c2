# Parcelwatch: `make demo` and `make test` work on a fresh Debian machine; both install what
# they need first.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev libicu-dev pkg-config
PREFIX ?= /usr/local
# The one release build: `make install` installs and `make bench` times exactly this binary
# (the Swift runtime linked in; libcurl, libxml2, ICU and SQLite stay shared: Debian has no
# static libcurl dependencies such as nghttp2, libssh2, librtmp, libpsl or Kerberos).
RELEASE_BUILD = $(SWIFT) build -c release --static-swift-stdlib
# The one debug build: `make build`, `make check`, `make test` and `make soak` all compile with
# these flags into `.build`, so CI (`make check && make test`) compiles the package once, not once
# per flag set (the two builds were most of a 40-minute CI run). A plain `swift build` or `swift test`
# uses other flags and rebuilds `.build` once when you switch back.
DEBUG_FLAGS = -Xswiftc -warnings-as-errors
# The tests' Python helpers (Tests/Support/*.py) need modules from Debian packages, so they run
# under Debian's interpreter, /usr/bin/python3, never a python3 that comes first on the PATH.
TEST_APT_PACKAGES := postgresql chromium chromium-driver python3-aiosmtpd python3-selenium

.PHONY: deps test-deps demo-deps bench-deps check build soak test demo serve-demo bench install clean

## Install the system libraries the build links against (skipped when already present).
deps:
	@if ! pkg-config --exists libcurl libxml-2.0 sqlite3 icu-i18n 2>/dev/null; then \
		echo "==> installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build $(DEBUG_FLAGS)

## What CI checks before the tests: the format lint (`.swift-format` at the root; `swift format
## -i -r Sources Tests Package.swift` fixes what it reports) and a build of every target and test
## that fails on any compiler warning, the build `make test` then runs.
check: deps
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	$(SWIFT) build --build-tests $(DEBUG_FLAGS)

## The real servers and browser the tests use, all Debian packages (stock Debian 12's pip refuses
## to install into the system python: PEP 668): PostgreSQL (`postgresql`), an SMTP server
## (`python3-aiosmtpd`) and headless Chromium (`chromium`, `chromium-driver`) driven by Selenium
## (`python3-selenium`), both for /usr/bin/python3.
test-deps: deps
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromedriver >/dev/null \
		|| ! /usr/bin/python3 -c 'import aiosmtpd, selenium' 2>/dev/null; then \
		echo "==> installing $(TEST_APT_PACKAGES)"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(TEST_APT_PACKAGES); \
	fi

## Run every test suite against real parts on 127.0.0.1: a throwaway PostgreSQL server is
## started in a temporary directory for the run and removed after it, pass or fail.
test: test-deps
	$(SWIFT) build --build-tests $(DEBUG_FLAGS)
	@pgdir=$$(mktemp -d /tmp/parcelwatch-pg.XXXXXX); \
	trap 'scripts/test-postgres.sh stop '"$$pgdir" EXIT INT TERM; \
	eval "$$(scripts/test-postgres.sh start $$pgdir)" && \
	echo "==> PostgreSQL for the tests at $$PARCELWATCH_TEST_POSTGRES" && \
	$(SWIFT) test --skip-build

## The tools scripts/demo.sh calls besides the build: curl and python3 (its standard library only).
demo-deps:
	@if ! command -v curl >/dev/null || ! command -v python3 >/dev/null; then \
		echo "==> installing curl python3"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q curl python3; \
	fi

## Start the carrier simulator, track parcels of several carriers through it, print their timelines.
demo: build demo-deps
	@scripts/demo.sh

## Serve the demo's database on http://127.0.0.1:8080 (after `make demo`) until Ctrl-C.
serve-demo: build
	@test -f .demo/parcelwatch.sqlite || { echo "run make demo first"; exit 2; }
	.build/debug/parcelwatch serve --listen 127.0.0.1:8080 --db .demo/parcelwatch.sqlite --config .demo/parcelwatch.yaml \
		--carriers carriers --now "$$(cat .demo/now)"

## 50 sweeps killed with SIGKILL at random moments, then the store's invariants (CI runs 5).
soak: test-deps
	$(SWIFT) build --build-tests $(DEBUG_FLAGS)
	SOAK_KILLS=50 $(SWIFT) test --skip-build --filter SoakTests

## The peers the benchmarks compare against, Debian packages: xmllint (`libxml2-utils`), hyperfine
## and lxml (`python3-lxml`, for /usr/bin/python3); valgrind counts instructions per parcel.
bench-deps: deps
	@if ! command -v xmllint >/dev/null || ! command -v hyperfine >/dev/null || ! command -v valgrind >/dev/null \
		|| ! /usr/bin/python3 -c 'import lxml' 2>/dev/null; then \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q libxml2-utils hyperfine python3-lxml valgrind; \
	fi

## package-benchmark suites (Benchmarks/, a package of its own) and the UPS peers comparison.
bench: bench-deps test-deps
	$(RELEASE_BUILD)
	scripts/bench-peers.sh
	scripts/bench-callgrind.sh
	@pgdir=$$(mktemp -d /tmp/parcelwatch-pg.XXXXXX); \
	trap 'scripts/test-postgres.sh stop '"$$pgdir" EXIT INT TERM; \
	eval "$$(scripts/test-postgres.sh start $$pgdir)" && \
	cd Benchmarks && PARCELWATCH_BENCH_POSTGRES=$$PARCELWATCH_TEST_POSTGRES \
		$(SWIFT) package --allow-writing-to-package-directory benchmark --format markdown

install: deps
	$(RELEASE_BUILD)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/parcelwatch/carriers
	install -m 755 .build/release/parcelwatch .build/release/carrier-sim $(DESTDIR)$(PREFIX)/bin/
	install -m 644 carriers/*.yaml $(DESTDIR)$(PREFIX)/share/parcelwatch/carriers/

clean:
	rm -rf .build .demo
