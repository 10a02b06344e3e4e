# SPDX-License-Identifier: GPL-2.0
#
# dwcp_res top-level build.
#
#   make                 build dwcp_res.ko for the running kernel, resctl and the preload shim
#   make install         install the module, resctl, the preload shim, the man page,
#                        the completion, the systemd units, the example config and
#                        the Prometheus rules (DESTDIR, PREFIX, KVER honoured):
#                        install-module (extra/ + depmod) and install-tools (the rest)
#   make check           the whole test suite, in VMs (see README.md)
#   make fuzz            the long netlink fuzzing run on the debug kernel
#   make stress          the long reliability runs, in VMs (Documentation/reliability.rst)
#   make rehearse        follow the admin guide on a fresh Debian 12 VM (network, ~40 min)
#   make demo            boot a VM with the module loaded and show it working
#   make lint            checkpatch --strict, sparse (C=2) and W=1
#   make clean
#
# KDIR selects another kernel build tree (default: the running kernel's).

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
DATADIR	?= $(PREFIX)/share
DOCDIR	?= $(DATADIR)/doc/dwcp_res
MANDIR	?= $(DATADIR)/man
UNITDIR	?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
# Everything is built under BUILD; the module one directory per kernel.
BUILD	?= $(CURDIR)/build
MODDIR	?= $(BUILD)/module-$(KVER)

all: module resctl preload

module:
	bash scripts/build-module.sh $(KDIR) $(MODDIR)

resctl:
	$(MAKE) -C tools/resctl OUT=$(BUILD)/resctl PREFIX=$(PREFIX)

preload:
	$(MAKE) -C tools/preload OUT=$(BUILD)/preload

# Packagers: DESTDIR=... (no depmod then: run it when the package is installed).
# install-tools is everything but the module: what DKMS users install, since
# "dkms install" refuses to shadow a module of the same version in extra/.
install: install-module install-tools

install-module: module
	install -D -m 0644 $(MODDIR)/dwcp_res.ko $(DESTDIR)/lib/modules/$(KVER)/extra/dwcp_res.ko
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

install-tools: resctl preload
	install -D -m 0755 $(BUILD)/resctl/resctl $(DESTDIR)$(SBINDIR)/resctl
	install -D -m 0644 Documentation/resctl.8 $(DESTDIR)$(MANDIR)/man8/resctl.8
	install -D -m 0644 tools/resctl/resctl.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/resctl
	$(MAKE) -C tools/preload OUT=$(BUILD)/preload install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	for u in dwcp-res.service dwcp-res-metrics.service dwcp-res-metrics.timer; do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
			-e 's|@DOCDIR@|$(DOCDIR)|g' contrib/systemd/$$u.in >$(BUILD)/$$u && \
		install -D -m 0644 $(BUILD)/$$u $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -D -m 0644 contrib/dwcp_res.conf $(DESTDIR)$(DOCDIR)/dwcp_res.conf.example
	# The example becomes the config only where there is none: never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/dwcp_res.conf ] || \
		install -D -m 0644 contrib/dwcp_res.conf $(DESTDIR)$(SYSCONFDIR)/dwcp_res.conf
	install -D -m 0644 contrib/modprobe.d/dwcp_res.conf $(DESTDIR)$(DOCDIR)/modprobe.d/dwcp_res.conf
	install -D -m 0644 contrib/prometheus/dwcp_res.rules.yml $(DESTDIR)$(DATADIR)/dwcp_res/prometheus/dwcp_res.rules.yml
	install -D -m 0644 contrib/prometheus/dwcp_res.rules.test.yml $(DESTDIR)$(DATADIR)/dwcp_res/prometheus/dwcp_res.rules.test.yml
	for d in admin-guide.rst health.rst metrics.rst ulp.rst core.rst; do \
		install -D -m 0644 Documentation/$$d $(DESTDIR)$(DOCDIR)/$$d || exit 1; \
	done

check:
	@bash scripts/check.sh

fuzz:
	@bash scripts/fuzz.sh

stress:
	@bash scripts/stress.sh

demo:
	@bash scripts/demo.sh

rehearse:
	@bash scripts/rehearse.sh

lint:
	@bash scripts/lint.sh

bench:
	@bash scripts/bench.sh

clean:
	rm -rf build

.PHONY: all module resctl preload install install-module install-tools check fuzz stress demo rehearse lint bench clean
