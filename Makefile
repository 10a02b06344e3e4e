# SPDX-License-Identifier: GPL-2.0
#
# dwcp_res top-level build.
#
#   make                 build dwcp_res.ko for the running kernel, resctl and the preload shim
#   make install         install both (modules_install + /usr/local/sbin/resctl)
#   make check           the whole test suite, in VMs (see README.md)
#   make fuzz            the long netlink fuzzing run on the debug kernel
#   make stress          the long reliability runs, in VMs (Documentation/reliability.rst)
#   make demo            boot a VM with the module loaded and show it working
#   make lint            checkpatch --strict, sparse (C=2) and W=1
#   make clean
#
# KDIR selects another kernel build tree (default: the running kernel's).

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
PREFIX	?= /usr/local

all: module resctl preload

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

resctl:
	$(MAKE) -C tools/resctl OUT=$(CURDIR)/build/resctl PREFIX=$(PREFIX)

preload:
	$(MAKE) -C tools/preload OUT=$(CURDIR)/build/preload

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER) || true
	install -D -m 0755 build/resctl/resctl $(DESTDIR)$(PREFIX)/sbin/resctl
	install -D -m 0644 Documentation/resctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/resctl.8
	install -D -m 0644 tools/resctl/resctl.bash $(DESTDIR)/usr/share/bash-completion/completions/resctl
	$(MAKE) -C tools/preload OUT=$(CURDIR)/build/preload install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

check:
	@bash scripts/check.sh

fuzz:
	@bash scripts/fuzz.sh

stress:
	@bash scripts/stress.sh

demo:
	@bash scripts/demo.sh

lint:
	@bash scripts/lint.sh

bench:
	@bash scripts/bench.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf build

.PHONY: all module resctl preload install check fuzz stress demo lint bench clean
