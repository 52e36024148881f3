# SPDX-License-Identifier: GPL-2.0-only
#
# Keel: top-level build.
#
#   make            build the hypervisor (xen/) and the tools (tools/)
#   make run        build, make boot media, boot Keel under QEMU (serial console)
#   make test       unit tests and system tests; ends with "N passed, N failed"
#   make deps       install build/test dependencies (Debian; apt-get as root)
#   make perf       benchmarks (tests/perf/: boot time vs native Linux and Xen 4.17)
#   make dist       install into dist/install/
#   make defconfig | olddefconfig | menuconfig | savedefconfig
#
# The configuration lives in .config (made from the defconfig when missing).

KCONFIG_CONFIG ?= $(CURDIR)/.config
export KCONFIG_CONFIG
DEFCONFIG := xen/arch/x86/configs/x86_64_defconfig
DESTDIR   ?= $(CURDIR)/dist/install

.PHONY: all xen tools dist install-xen install-tools install-docs deps run test perf \
        defconfig olddefconfig menuconfig savedefconfig clean distclean

all: xen tools

xen:
	$(MAKE) -C xen

tools:
	$(MAKE) -C tools

# --- dependencies ------------------------------------------------------
# deps.sh returns at once when everything is present, so run and test
# call it every time.
deps:
	@bash tests/rig/deps.sh

# --- configuration -----------------------------------------------------
defconfig:
	kconfig-conf --defconfig=$(DEFCONFIG) Kconfig

olddefconfig:
	kconfig-conf --olddefconfig Kconfig

menuconfig:
	kconfig-mconf Kconfig

savedefconfig:
	kconfig-conf --savedefconfig=defconfig Kconfig

# --- run and test ------------------------------------------------------
run: deps
	$(MAKE) all
	bash tests/rig/run.sh

test: deps
	python3 tests/run $(TESTS)

# Not part of make test: prints figures and ratios, asserts nothing.
perf: deps
	$(MAKE) xen
	$(MAKE) -C tests/perf

# --- install -----------------------------------------------------------
dist: all install-xen install-tools install-docs

install-xen: xen
	install -D -m 0644 xen/xen.gz $(DESTDIR)/boot/xen.gz
	install -D -m 0644 xen/xen-syms $(DESTDIR)/usr/lib/debug/xen-syms

install-tools: tools
	$(MAKE) -C tools install DESTDIR=$(DESTDIR)

install-docs:
	$(MAKE) -C docs install DESTDIR=$(DESTDIR)

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tools clean
	rm -rf tests/unit/build tests/out

distclean: clean
	rm -rf dist .config .config.old
