# hashtrack: one plain Makefile. `make`, `make check`, `make demo`.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/hashtrack
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
CC      ?= cc
O       ?= build
PKGS     = libcurl sqlite3 libcjson inih libutf8proc

CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
ALL_CPPFLAGS = -D_DEFAULT_SOURCE -Iinclude $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(SAN_FLAGS)
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)
LDLIBS       = $(PKG_LIBS) -lm

ifeq ($(SAN),1)
  O = build-asan
  SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

LIB_SRC  = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(O)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps deps-check check check-asan check-valgrind check-browser unit demo bench bench-detect bench-schedule bench-scale fuzz lint clean \
	install uninstall

all: hashtrack

ifeq ($(SAN),1)
hashtrack: $(O)/hashtrack
else
hashtrack: $(O)/hashtrack
	cp $< $@
endif

# Say which packages are missing (and how to get them) before the compiler
# fails on a missing header; only pkg-config queries, so cheap.
deps-check:
	@sh tools/deps.sh --check

$(O)/hashtrack: $(O)/main.o $(O)/libhashtrack.a | deps-check
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libhashtrack.a: $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(O)/%.o: src/%.c $(wildcard include/*.h) | $(O) deps-check
	$(CC) $(ALL_CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libhashtrack.a | $(O)/tests
	$(CC) $(ALL_CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(O)/libhashtrack.a $(CMOCKA_LIBS) $(LDLIBS)

$(O) $(O)/tests:
	mkdir -p $@

deps:
	@sh tools/deps.sh

unit: $(UNIT_BIN)

# Every test, unit and integration, through one runner that ends with a summary.
# The browser test runs first when chromium is installed, and says so when not.
check: deps
	$(MAKE) all unit
	@if command -v chromium >/dev/null 2>&1; then $(MAKE) --no-print-directory check-browser; \
	else echo "hashtrack: browser test skipped: chromium is not installed" \
		"('make check-browser' installs it as root)"; fi
	sh tests/run.sh $(O)

# The HTML report rendered by headless Chromium to a PNG and checked. Installs
# Debian's chromium as root; skips, saying so, when it cannot be had.
check-browser: deps
	$(MAKE) all
	@if sh tools/deps.sh browser; then sh tests/browser/run.sh $(O); \
	else echo "hashtrack: browser test skipped: chromium is not installed and cannot be" \
		"installed here"; fi

check-asan: deps
	$(MAKE) SAN=1 all unit
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		sh tests/run.sh build-asan

# The integration tests with every hashtrack process under valgrind (slow; not in CI).
check-valgrind: deps
	$(MAKE) all unit
	HASHTRACK_VALGRIND=1 sh tests/run.sh $(O)

# libFuzzer targets, FUZZ_SECONDS each (default 60).
fuzz:
	@sh tools/deps.sh fuzz
	sh tools/fuzz.sh

LINT_FLAGS = -D_DEFAULT_SOURCE -Iinclude $(PKG_CFLAGS)

lint:
	@sh tools/deps.sh lint
	cppcheck --enable=warning,portability --error-exitcode=1 --inline-suppr -q \
		--std=c11 $(LINT_FLAGS) src/*.c
	clang-tidy --quiet src/*.c -- -std=c11 $(LINT_FLAGS)
	python3 tools/layers.py

demo: deps
	$(MAKE) all
	sh tools/demo.sh

# `hashtrack run` against the simulated API's plans (bench/README.md); a few
# minutes, BENCH_QUICK=1 for about one. Exit status 1 when a target is missed.
bench: deps
	$(MAKE) $(O)/hashtrack
	sh bench/run.sh $(O)

# Viral detection on synthetic traces: `backtest` against the seed's rules
# (bench/README.md); seconds. Exit status 1 when a target is missed, 2 when
# hashtrack has no `backtest` (BENCH_DETECTOR_CMD runs a stand-in).
bench-detect: $(O)/hashtrack
	sh bench/detect/run.sh $(O)

# The adaptive schedule against plain 6-hourly and hourly polling, replayed
# hour by hour through `hashtrack run` (bench/README.md); minutes
# (BENCH_QUICK=1: one seed, 8 tag-months). Exit status 1 when a target is missed.
bench-schedule: $(O)/hashtrack
	python3 bench/detect/schedule.py $(O)/hashtrack

# The commands at agency scale (1,000 to 20,000 tags), against the build of
# BENCH_BASE (default: the merge-base with main) in the same invocation
# (bench/README.md); a few minutes, BENCH_QUICK=1 for about one.
bench-scale: $(O)/hashtrack
	sh bench/scale.sh $(O)

install: $(O)/hashtrack
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)
	install -m 755 $(O)/hashtrack $(DESTDIR)$(BINDIR)/hashtrack
	install -m 644 hashtrack.1 $(DESTDIR)$(MANDIR)/man1/hashtrack.1
	install -m 644 config.example.ini README.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 contrib/hashtrack.bash $(DESTDIR)$(BASHCOMPDIR)/hashtrack
	install -m 644 contrib/_hashtrack $(DESTDIR)$(ZSHCOMPDIR)/_hashtrack

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hashtrack $(DESTDIR)$(MANDIR)/man1/hashtrack.1
	rm -f $(DESTDIR)$(DOCDIR)/config.example.ini $(DESTDIR)$(DOCDIR)/README.md
	rm -f $(DESTDIR)$(BASHCOMPDIR)/hashtrack $(DESTDIR)$(ZSHCOMPDIR)/_hashtrack
	-rmdir $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build build-asan build-fuzz hashtrack
