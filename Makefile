# SPDX-License-Identifier: GPL-2.0-only
# armvirt: top-level Makefile.
#
#   make            build armvirt.ko (cross-built against the cached Debian
#                   headers on x86-64; natively on an ARMv7 board with
#                   KDIR=/lib/modules/$(uname -r)/build)
#   make check      set up, build, boot the emulated boards, run the tests
#   make check-all  the same, and every suite on every kernel and flavour
#   make run        set up, build, boot the board with armvirt loaded and a
#                   2-vCPU Linux guest on it (CMD='...': run that in the guest)
#   make bench      set up, build, run the benchmarks on the board
#                   (KVMTOOL=PATH: a static armhf kvmtool, measured too)
#   make fuzz-vmm   fuzz armvirt-vmm's device code on this machine (clang's
#                   libFuzzer; SECONDS=N in all, default 120)
#   make fuzz       set up, build, fuzz the module on the board for SECONDS
#                   (default 180; SEED=N replays a run, ITER=I TRACE=1 one
#                   iteration of it, traced; AVOID=known steers away from
#                   the bugs already known; TRAP=0 without trap injection,
#                   HOST=0 without CPU hotplug/PM events), print the results
#   make setup      install and fetch what the above need (scripts/setup.sh)
#   make debug-kernel  build (once, cached) the debug board's kernel
#   make C=1        build with sparse; W=1 for extra warnings
#   make modules-all  build the module for every kernel scripts/setup.sh
#                   fetches (W=1 -Werror), each with that kernel's compiler
#   make deb        the Debian packages armvirt-dkms and armvirt-vmm, in
#                   build/deb/ (scripts/mkdeb.sh)

SRC := $(CURDIR)
# Parallel jobs of the builds make check starts (the module, the VMM, the
# tests, each kernel of modules-all).
JOBS ?= $(shell nproc)
HOST_ARCH := $(shell uname -m)

ifneq ($(filter arm%,$(HOST_ARCH)),)
KDIR ?= /lib/modules/$(shell uname -r)/build
KMAKE_ARGS :=
else
# Cross build: the Debian armhf headers fetched by scripts/setup.sh.
KCACHE ?= $(shell $(SRC)/scripts/setup.sh --print-kdir 2>/dev/null)
KDIR ?= $(KCACHE)/build
KMAKE_ARGS := ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-
endif

KMAKE = $(MAKE) -C $(KDIR) M=$(SRC) $(KMAKE_ARGS)

.PHONY: all modules module-flavour modules-all setup debug-kernel check check-all run bench fuzz fuzz-vmm tests vmm tools clean checkpatch deb

all: modules

modules:
	+$(KMAKE) modules

# The module for another kernel (FLAVOUR=<version>-<flavour>, e.g.
# 5.10-armmp-lpae, 6.12-rt-armmp, 7.2-armmp: `scripts/setup.sh
# --print-kernels` lists them; armmp, armmp-lpae and rt-armmp are 6.1's;
# FLAVOUR=debug: the debug board's kernel, scripts/debug-kernel.sh), built
# from a copy of the sources in build/kmod-FLAVOUR, since kbuild writes its
# output beside them, by the compiler that kernel was built with
# (`scripts/setup.sh --print-cc`: its folder comes first in PATH, and the
# kernel's own Makefile names it). W=1 and -Werror, like the main build of
# `make check`. ARM has no kernel-wide UBSAN in 6.1: the debug build asks
# for it for armvirt's own files.
FLAVOUR ?= armmp
KERNEL_DIRS := highvisor lowvisor mmu uapi vgic timer
FLAVOUR_DIR := $(SRC)/build/kmod-$(FLAVOUR)
FLAVOUR_ARGS := $(if $(filter debug,$(FLAVOUR)),UBSAN_SANITIZE=y)
module-flavour:
	$(if $(filter debug,$(FLAVOUR)),bash scripts/debug-kernel.sh)
	rm -rf $(FLAVOUR_DIR) && mkdir -p $(FLAVOUR_DIR)
	cp --parents Kbuild $$(find $(KERNEL_DIRS) -name '*.[chS]') $(FLAVOUR_DIR)
	cc=$$(scripts/setup.sh --print-cc $(FLAVOUR)) && \
	PATH="$${cc%/*}:$$PATH" $(MAKE) -C $$(scripts/setup.sh --print-kdir $(FLAVOUR))/build \
		M=$(FLAVOUR_DIR) ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- W=1 KCFLAGS=-Werror \
		$(FLAVOUR_ARGS) modules

# The module for every kernel of scripts/setup.sh (5.10, 6.1, 6.12, 7.2;
# armmp, armmp-lpae, rt-armmp), each in build/kmod-<key>/, its output in
# build/kmod-<key>.log; fails if any fails, after trying them all.
modules-all:
	@mkdir -p build; failed=; for k in $$(scripts/setup.sh --print-kernels); do \
		start=$$(date +%s); \
		if $(MAKE) -s -j$(JOBS) module-flavour FLAVOUR=$$k >build/kmod-$$k.log 2>&1; then \
			echo "modules-all: $$k: built ($$(( $$(date +%s) - start ))s)"; \
		else \
			echo "modules-all: $$k: FAILED (build/kmod-$$k.log):"; \
			grep -E 'error|warning' build/kmod-$$k.log | head -n 20; \
			failed="$$failed $$k"; \
		fi; \
	done; \
	[ -z "$$failed" ] || { echo "modules-all: failed:$$failed"; exit 1; }

setup:
	@bash scripts/setup.sh >/dev/null

deb: setup vmm tools
	bash scripts/mkdeb.sh

# The debug board's kernel (KASAN, lockdep, kmemleak...): about 15 minutes the
# first time on a machine, then cached in the machine-wide cache.
debug-kernel: setup
	bash scripts/debug-kernel.sh

tests:
	$(MAKE) -C tests

# armvirt-vmm, our VMM (vmm/): a static armhf binary
vmm:
	$(MAKE) -C vmm

# armvirt-check (tools/): can this board run VMs, and what is missing
tools:
	$(MAKE) -C tools

# libFuzzer on the VMM's device code, built for this machine (tests/fuzz-vmm)
fuzz-vmm:
	bash scripts/fuzz-vmm.sh $(SECONDS)

# The tests build the module with W=1 and treat any warning as an error.
# The debug kernel, when not cached yet, is built by tests/run.sh in the
# background while the other boards run.
check: setup
	$(MAKE) -j$(JOBS) modules W=1 KCFLAGS=-Werror
	$(MAKE) -j$(JOBS) vmm
	$(MAKE) -j$(JOBS) tools
	$(MAKE) -j$(JOBS) tests
	bash tests/run.sh

# make check-all: what make check runs, and every suite (hyp, nohyp, kexec,
# kdump, hyppanic, vmm) on every kernel and flavour of scripts/setup.sh
# that make check leaves out (tests/run.sh --all); takes hours.
check-all: setup
	$(MAKE) -j$(JOBS) modules W=1 KCFLAGS=-Werror
	$(MAKE) -j$(JOBS) vmm
	$(MAKE) -j$(JOBS) tools
	$(MAKE) -j$(JOBS) tests
	bash tests/run.sh --all

bench: setup
	$(MAKE) modules
	$(MAKE) vmm
	$(MAKE) tools
	$(MAKE) tests
	ARMVIRT_KVMTOOL="$(KVMTOOL)" bash scripts/bench.sh

# make fuzz SECONDS=600 SEED=123: the a15-fuzz board (tests/fuzz/, on the
# stock kernel, 180 s by default), its counts, exit reasons and checks
# printed at the end. make check runs a shorter one on the debug board.
fuzz: setup
	$(MAKE) modules W=1 KCFLAGS=-Werror
	$(MAKE) tools
	$(MAKE) tests
	FUZZ_SECONDS='$(or $(SECONDS),180)' FUZZ_SEED='$(SEED)' FUZZ_AVOID='$(AVOID)' \
		FUZZ_ITER='$(ITER)' FUZZ_TRACE='$(TRACE)' FUZZ_TRAP='$(TRAP)' FUZZ_HOST='$(HOST)' \
		bash tests/run.sh a15-fuzz; rc=$$?; \
	grep -aE '^(fuzz: seed|# fz:|ok |not ok )' build/test-logs/a15-fuzz.log; exit $$rc

# make run CMD='uname -a': the guest runs CMD and everything powers off.
run: setup
	$(MAKE) modules
	$(MAKE) vmm
	$(MAKE) tools
	$(MAKE) tests
ifeq ($(CMD),)
	bash scripts/board.sh --interactive
else
	bash scripts/board.sh --guest-cmd '$(CMD)'
endif

checkpatch:
	bash scripts/checkpatch.sh

clean:
	-[ -d "$(KDIR)" ] && $(KMAKE) clean
	$(MAKE) -C tests clean
	$(MAKE) -C vmm clean
	rm -rf build
