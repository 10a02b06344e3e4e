#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bundle-python.sh DEST SCRIPT
#
# The guests have no Python. This puts Debian's python3 interpreter into
# DEST/bin (with its libraries, by bundle-dynamic.sh) and, under
# DEST/py/lib/python3.X, only the modules SCRIPT needs: the ones loaded
# when SCRIPT is imported (its module-level imports, not main()) and a
# generic netlink socket is bound on the host (to nlctrl), so that the
# modules pyroute2 loads lazily come too. Each module keeps its compiled
# __pycache__ file (same mtime, so it stays valid); extension modules come
# with their libraries. Everything sits in one tree, so in the guest
#
#	PYTHONHOME=/dwcp/py python3 -S SCRIPT ...
#
# finds it all (selftests/kselftest/third_party.sh does that). Third-party
# packages (pyroute2) are taken from the system, where scripts/deps.sh put
# them with apt-get; nothing is copied into the repository.
set -euo pipefail
[ $# = 2 ] || { echo "usage: bundle-python.sh DEST SCRIPT" >&2; exit 2; }
dest=$1 script=$2
py=$(readlink -f /usr/bin/python3)
ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
here=$(dirname "$0")
bash "$here/bundle-dynamic.sh" "$dest" "$py"
[ "$(basename "$py")" = python3 ] || ln -sf "$(basename "$py")" "$dest/bin/python3"
lib=$dest/py/lib/python$ver
mkdir -p "$lib/lib-dynload"
"$py" - "$script" <<'PY' | while IFS=$'\t' read -r root rel; do
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("bundled_script", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
try:
    from pyroute2.netlink import genlmsg
    from pyroute2.netlink.generic import GenericNetlinkSocket
    s = GenericNetlinkSocket()
    s.bind("nlctrl", genlmsg)
    s.add_membership("notify")
    s.close()
except Exception as e:  # the list is still useful; the guest test will say
    print("bundle-python: exercising pyroute2: %r" % e, file=sys.stderr)
roots = sorted((os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)),
               key=len, reverse=True)
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if not f or os.path.realpath(f) == os.path.realpath(sys.argv[1]):
        continue
    f = os.path.realpath(f)
    for r in roots:
        if f.startswith(r + os.sep):
            print("%s\t%s" % (r, os.path.relpath(f, r)))
            break
PY
	# lib-dynload modules stay in lib-dynload; the rest is flattened.
	case "$root" in */lib-dynload) rel=lib-dynload/$rel ;; esac
	mkdir -p "$lib/$(dirname "$rel")"
	cp -p "$root/${rel#lib-dynload/}" "$lib/$rel"
	pyc=$(dirname "$root/${rel#lib-dynload/}")/__pycache__/$(basename "${rel%.py}").cpython-${ver/./}.pyc
	if [ "${rel%.py}" != "$rel" ] && [ -f "$pyc" ]; then
		mkdir -p "$lib/$(dirname "$rel")/__pycache__"
		cp -p "$pyc" "$lib/$(dirname "$rel")/__pycache__/"
	fi
	case "$rel" in *.so) bash "$here/bundle-dynamic.sh" "$dest" "$lib/$rel" >/dev/null
		rm -f "$dest/lib/$(basename "$rel")" ;; esac
done
# Python finds its home by this landmark.
[ -f "$lib/os.py" ] || { echo "bundle-python.sh: os.py was not collected" >&2; exit 1; }
