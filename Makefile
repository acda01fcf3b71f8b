# lancelot: the two set-up commands of the README, and a few helpers.
#   make demo   build lancelot and scaffold a slice in a throwaway repository
#   make test   formatting, lints and every test (installs pytest in target/pyenv)

CARGO  ?= cargo
PYTHON ?= python3
PYENV  := target/pyenv
LANCELOT := $(CARGO) run --quiet --

.PHONY: all build release test lint demo install man bench fuzz clean

all: build

build:
	$(CARGO) build

release:
	$(CARGO) build --release

# Manual pages, from the same definitions as --help: target/man/lancelot*.1.
MANDIR ?= $(HOME)/.local/share/man/man1

man:
	$(LANCELOT) man --out target/man

install: man
	$(CARGO) install --path . --locked
	mkdir -p $(MANDIR) && cp target/man/*.1 $(MANDIR)/

# pytest runs the Python tests that new-slice generates, to prove they pass.
$(PYENV)/.ready:
	$(PYTHON) -m venv $(PYENV)
	$(PYENV)/bin/python -m pip install --quiet --disable-pip-version-check pytest
	touch $@

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

# The freeze tests run a second time on SHA-256 repositories.
FREEZE_TESTS := baseline:: blobs:: check:: index:: push:: rewrite:: objects:: spoofing:: hook_limits:: overrides:: sha256:: parallel::

test: lint $(PYENV)/.ready
	LANCELOT_TEST_PYTHON=$(abspath $(PYENV))/bin/python $(CARGO) test --locked
	LANCELOT_TEST_OBJECT_FORMAT=sha256 $(CARGO) test --locked --test cli -- $(FREEZE_TESTS)

demo:
	@repo=$$(mktemp -d "$${TMPDIR:-/tmp}/lancelot-demo.XXXXXX") && \
	git -C "$$repo" init --quiet && \
	echo "Throwaway repository: $$repo" && echo && \
	$(LANCELOT) -C "$$repo" new-slice "Health Monitor" --yes \
	  --summary "Watch the health of every service and surface it in the War Room" \
	  --kind subsystem --kind background-process \
	  --include "heartbeat probes" --exclude "paging on-call" && \
	echo && echo "The spec it wrote:" && echo && \
	cat "$$repo/docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md"

# Speed of the freeze check, side by side with git (see docs/freeze.md, Cost).
# LANCELOT_BENCH_PEPS=<clone of python/peps> adds its real history; LANCELOT_BENCH_RUNS=n.
bench:
	$(CARGO) bench --bench versus_git
	$(CARGO) bench --bench freeze
	$(CARGO) bench --bench status

# Fuzz the status reader and the transition judge (needs nightly and cargo-fuzz:
# `cargo install cargo-fuzz`). FUZZ_SECONDS per target; crashes land in fuzz/artifacts.
FUZZ_SECONDS ?= 60
fuzz:
	cd fuzz && for target in status_reader transition_judge; do \
	  mkdir -p corpus/$$target && cp -n seeds/$$target/* corpus/$$target/ && \
	  $(CARGO) +nightly fuzz run $$target corpus/$$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

clean:
	$(CARGO) clean
