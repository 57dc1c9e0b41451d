# escprof — plain Makefile. `make` builds ./escprof, `make check` runs every test,
# `make demo` runs the main job on a bundled sample. Only `make deps`, `make check`,
# `make demo` (and the fuzz, memcheck and bench targets, for their tools) install missing
# Debian packages (scripts/install-deps.sh); plain `make` only says which are missing.
#   DEVELOPER=1                 warnings are errors
#   SANITIZE=address,undefined  build everything with sanitizers (in build/san/)
#   CC=clang SANITIZE=address,undefined,float-cast-overflow,integer
#                               the same under clang with its integer checks too (in
#                               build/san-clang/); none is turned off: where unsigned
#                               arithmetic wraps on purpose (hashes), the function says so
#                               with ESC_WRAPS (common/wrap.h)
#   PREFIX=/usr/local           for `make install` and `make uninstall` (with DESTDIR=,
#                               MANDIR=, BASHCOMPDIR=, ZSHCOMPDIR= to place the parts)

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
CC ?= cc
PKGS := libprotobuf-c zlib sqlite3 jansson libmd libcurl libpq
# libcurl and libpq are opened when first needed (common/dynlib.h), not linked: a command
# that neither fetches a URL nor reaches a server maps no more than it uses
LINKED_PKGS := libprotobuf-c zlib sqlite3 jansson libmd

# clang and gcc objects never mix: a clang sanitizer build has its own directory
IS_CLANG := $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1))
ifeq ($(SANITIZE),)
B := build
else
B := build/san$(if $(IS_CLANG),-clang)
endif

# gcc's format-truncation warning is not clang's to know
TEST_WARN := $(if $(IS_CLANG),,-Wno-format-truncation)
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
OPT ?= -O2
CFLAGS ?= $(OPT) -g
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. -I$(B) -MMD -MP
ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=$(SANITIZE)
endif

DEPS_OK := $(B)/.deps-ok
pkgcflags = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
pkglibs = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
linkedlibs = $(shell pkg-config --libs $(LINKED_PKGS) 2>/dev/null) -ldl

LIB_SRC := $(wildcard common/*.c profile/*.c gclog/*.c store/*.c classify/*.c output/*.c)
LIB_SRC := $(filter-out profile/profile.pb-c.c $(EXCLUDE),$(LIB_SRC))
CMD_SRC := $(filter-out $(EXCLUDE),$(wildcard cmd/*.c))
TEST_SRC := $(filter-out $(EXCLUDE),$(wildcard tests/unit/test_*.c tests/cli/test_*.c) tests/testutil.c)

FUZZ_TARGETS ?= profile legacy gclog gcjson budget pipeline check
# the targets past the decoders run the commands themselves: cmd/ without main
FUZZ_CMD_TARGETS := pipeline check

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/profile/profile.pb-c.o $(B)/store/schema.o \
	$(B)/store/schema_fresh.o $(B)/store/pgschema.o
CMD_OBJ := $(CMD_SRC:%.c=$(B)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)

ifeq ($(SANITIZE),)
BIN := escprof
else
BIN := $(B)/escprof
endif

# the man page: the binary's own help texts in the hand-written page (scripts/gen-man.sh)
MAN := $(B)/escprof.1

.PHONY: all check check-run demo demo-run docs install uninstall clean deps test-deps bench fuzz \
	fuzzers fuzz-replay memcheck
all: $(BIN) $(MAN)

# Plain `make` checks that the build's packages are there and names the missing ones;
# installing them is for `make deps` (and check and demo, which call it).
$(DEPS_OK): scripts/install-deps.sh
	@mkdir -p $(@D)
	@./scripts/install-deps.sh --check || { echo "run 'make deps' as root to install them" >&2; exit 1; }
	@touch $@

deps:
	@./scripts/install-deps.sh
	@mkdir -p $(B) && touch $(DEPS_OK)

test-deps: deps
	@./scripts/install-deps.sh test

# one run of protoc-c makes both files, also under -j (a grouped target)
$(B)/profile/profile.pb-c.c $(B)/profile/profile.pb-c.h &: profile/profile.proto | $(DEPS_OK)
	@mkdir -p $(B)/profile
	protoc-c --c_out=$(B) profile/profile.proto

# generated code: relaxed warnings
$(B)/profile/profile.pb-c.o: $(B)/profile/profile.pb-c.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(pkgcflags) -w -c -o $@ $<

SCHEMA := $(sort $(wildcard store/schema/*.sql))
$(B)/store/schema.c: $(SCHEMA) Makefile
	@mkdir -p $(@D)
	@{ echo '/* generated from the store/schema/NNN.sql files: one string per migration */'; \
	   echo 'const char *const store_migrations[] = {'; \
	   for f in $(SCHEMA); do \
	     sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$f; echo ','; \
	   done; \
	   echo '};'; \
	   echo 'const int store_nmigrations = $(words $(SCHEMA));'; } > $@

$(B)/store/schema.o: $(B)/store/schema.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $@ $<

# the same for PostgreSQL: store/pgschema/NNN.sql, each migration one string
PGSCHEMA := $(sort $(wildcard store/pgschema/*.sql))
$(B)/store/pgschema.c: $(PGSCHEMA) Makefile
	@mkdir -p $(@D)
	@{ echo '/* generated from the store/pgschema/NNN.sql files: one string per migration */'; \
	   echo 'const char *const store_pg_migrations[] = {'; \
	   for f in $(PGSCHEMA); do \
	     sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$f; echo ','; \
	   done; \
	   echo '};'; \
	   echo 'const int store_pg_nmigrations = $(words $(PGSCHEMA));'; } > $@

$(B)/store/pgschema.o: $(B)/store/pgschema.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $@ $<

# the schema of the newest version made at once, for a new store: the migrations applied
# to an empty database by a build step (store/gen/fresh_schema.c, a plain host program)
$(B)/fresh_schema: store/gen/fresh_schema.c $(B)/store/schema.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 $(pkgcflags) -o $@ $^ $(shell pkg-config --libs sqlite3)

$(B)/store/schema_fresh.c: $(B)/fresh_schema
	$(B)/fresh_schema >$@.tmp && mv $@.tmp $@

$(B)/store/schema_fresh.o: $(B)/store/schema_fresh.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_OBJ) $(CMD_OBJ) $(TEST_OBJ): | $(DEPS_OK)
$(filter $(B)/profile/%,$(LIB_OBJ)): $(B)/profile/profile.pb-c.h

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) $(CFLAGS) $(pkgcflags) -c -o $@ $<

$(B)/libescprof.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libescprof-cmd.a: $(filter-out $(B)/cmd/escprof.o,$(CMD_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(B)/libescprof.a
	$(CC) $(CFLAGS) $(SAN_LDFLAGS) -o $@ $(CMD_OBJ) $(B)/libescprof.a $(linkedlibs) -lm -pthread

$(MAN): $(BIN) man/escprof.1.in scripts/gen-man.sh
	./scripts/gen-man.sh ./$(BIN) man/escprof.1.in >$@.tmp && mv $@.tmp $@

$(B)/tests/suite: $(TEST_OBJ) $(B)/libescprof.a
	$(CC) $(CFLAGS) $(SAN_LDFLAGS) -o $@ $(TEST_OBJ) $(B)/libescprof.a $(pkglibs) -lcriterion -lm -pthread

# (a build tree from before tests/unit/ held sources has the old test binary there)
$(B)/tests/%.o: tests/%.c
	@if [ -f $(B)/tests/unit ]; then rm -f $(B)/tests/unit; fi
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) $(CFLAGS) $(pkgcflags) -Wno-missing-prototypes $(TEST_WARN) -c -o $@ $<

# Fuzz targets replayed without libFuzzer: the committed regression inputs and the seeds.
REPLAY := $(FUZZ_TARGETS:%=$(B)/tests/fuzz/replay-%)
$(B)/tests/fuzz/replay-%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(B)/libescprof.a
	$(CC) $(CFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(pkglibs) -lm -pthread
$(FUZZ_CMD_TARGETS:%=$(B)/tests/fuzz/replay-%): $(B)/tests/fuzz/replay-%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o \
		$(B)/libescprof-cmd.a $(B)/libescprof.a
	$(CC) $(CFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(pkglibs) -lm -pthread
.SECONDARY: $(FUZZ_TARGETS:%=$(B)/tests/fuzz/fuzz_%.o) $(B)/tests/fuzz/replay.o $(B)/libescprof-cmd.a

SEEDS_profile := sample-profiles/out/go1.19 sample-profiles/out/go1.26
SEEDS_legacy := $(wildcard sample-profiles/out/*/*.heap.txt)
SEEDS_gclog := sample-profiles/out tests/data/gclog
SEEDS_gcjson := $(wildcard sample-profiles/out/*/*.json/*/*.json)
SEEDS_budget := tests/fuzz/seeds/budget
SEEDS_pipeline := tests/fuzz/seeds/pipeline
SEEDS_check := tests/fuzz/seeds/check tests/fuzz/seeds/budget

fuzz-replay: $(REPLAY)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  case $$t in profile) s="$(SEEDS_profile)";; legacy) s="$(SEEDS_legacy)";; \
	    gclog) s="$(SEEDS_gclog)";; gcjson) s="$(SEEDS_gcjson)";; budget) s="$(SEEDS_budget)";; \
	    pipeline) s="$(SEEDS_pipeline)";; check) s="$(SEEDS_check)";; esac; \
	  ESCPROF_SRC=$(CURDIR) $(B)/tests/fuzz/replay-$$t tests/fuzz/regress/$$t $$s; done

# The standard library's sources of the Go versions the real-code cases were built with
# (sample-profiles/real): Debian's golang-X-src, installed or fetched by the script.
REAL_GO := 1.19 1.26
GOSRC := build/gosrc
$(GOSRC)/.ok: scripts/go-sources.sh
	./scripts/go-sources.sh $(GOSRC) $(REAL_GO)
	@touch $@

# Tests find the binary, the sample data and ../shared through these variables, and a
# PostgreSQL server of their own through tests/with-postgres.sh. The suite's TAP report
# gives the last line: which tests skipped themselves, and why.
check: test-deps
	@$(MAKE) --no-print-directory check-run

check-run: $(BIN) $(MAN) $(B)/tests/suite $(B)/gen_profile fuzz-replay $(GOSRC)/.ok
	@rm -f $(B)/tests/suite.tap
	ESCPROF=$(abspath $(BIN)) ESCPROF_SRC=$(CURDIR) ESCPROF_GEN=$(abspath $(B)/gen_profile) \
	ESCPROF_MAN=$(abspath $(MAN)) \
	ESCPROF_GOSRC=$(abspath $(GOSRC)) \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	tests/with-postgres.sh $(B)/tests/suite --jobs=2 --tap=$(B)/tests/suite.tap $(CRITERION_ARGS); st=$$?; \
	./scripts/test-skips.sh $(B)/tests/suite.tap; exit $$st

DEMO := sample-profiles/out/go1.26/iface_fmt
demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: $(BIN)
	./$(BIN) analyze -source_path sample-profiles -trim_path /src/samples -n 5 \
		$(DEMO).pb.gz $(DEMO).mm.txt
	@mkdir -p $(B)
	./$(BIN) report -q --html $(B)/demo-report.html -source_path sample-profiles \
		-trim_path /src/samples $(DEMO).pb.gz $(DEMO).mm.txt
	@echo "the same as one HTML page, to open in any browser: $(B)/demo-report.html"

# docs: the demo's HTML report and its screenshot under docs/ (needs Chromium)
docs: $(BIN)
	./scripts/docs-report.sh ./$(BIN)

# bench: figures as ratios against baselines run side by side (see bench/run.sh)
$(B)/measure: bench/measure.c
	$(CC) $(BASE_CFLAGS) $(WARN) -O2 -o $@ $<

$(B)/gen_profile: bench/gen_profile.c $(B)/profile/profile.pb-c.o
	$(CC) $(BASE_CFLAGS) $(WARN) -O2 $(pkgcflags) -o $@ $< $(B)/profile/profile.pb-c.o $(pkglibs)

bench: $(BIN) $(B)/measure $(B)/gen_profile
	@command -v sqlite3 >/dev/null || ./scripts/install-deps.sh test
	tests/with-postgres.sh bash bench/run.sh

# fuzz: each target under libFuzzer (clang) for FUZZ_SECONDS, from the seeds plus
# ../shared/corpus when present. A crash is saved in tests/fuzz/regress/TARGET/ for make check.
# The fuzzers check what the clang pass of make check checks, integers included.
FUZZ_SECONDS ?= 60
FUZZ_SANITIZE := address,undefined,float-cast-overflow,integer
FZ := build/libfuzzer-int
fuzz: deps
	@./scripts/install-deps.sh fuzz
	$(MAKE) --no-print-directory CC=clang B=$(FZ) SANITIZE=fuzzer-no-link,$(FUZZ_SANITIZE) fuzzers
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FZ) $(FUZZ_TARGETS)

# the libFuzzer binaries, rebuilt when their sources or the library change (made by
# `make fuzz` in its own build directory, B=$(FZ))
FUZZERS := $(FUZZ_TARGETS:%=$(B)/fuzz-%)
fuzzers: $(FUZZERS)
$(B)/fuzz-%: $(B)/tests/fuzz/fuzz_%.o $(B)/libescprof.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer,$(FUZZ_SANITIZE) -o $@ $^ $(pkglibs) -lm -pthread
$(FUZZ_CMD_TARGETS:%=$(B)/fuzz-%): $(B)/fuzz-%: $(B)/tests/fuzz/fuzz_%.o $(B)/libescprof-cmd.a $(B)/libescprof.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer,$(FUZZ_SANITIZE) -o $@ $^ $(pkglibs) -lm -pthread

# memcheck: the fuzz replays and a subset of the suite under valgrind memcheck
memcheck: $(BIN) $(REPLAY) $(B)/tests/suite $(B)/gen_profile
	@./scripts/install-deps.sh memcheck
	bash tests/fuzz/memcheck.sh $(B)

# the binary, its man page and the bash and zsh completions (which ask the installed
# binary for its commands and options, so they never go stale)
install: $(BIN) $(MAN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/escprof
	install -m 644 $(MAN) $(DESTDIR)$(MANDIR)/man1/escprof.1
	install -m 644 completion/escprof.bash $(DESTDIR)$(BASHCOMPDIR)/escprof
	install -m 644 completion/_escprof $(DESTDIR)$(ZSHCOMPDIR)/_escprof

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/escprof $(DESTDIR)$(MANDIR)/man1/escprof.1 \
		$(DESTDIR)$(BASHCOMPDIR)/escprof $(DESTDIR)$(ZSHCOMPDIR)/_escprof

clean:
	rm -rf build escprof

-include $(shell find $(B) -name '*.d' 2>/dev/null)
