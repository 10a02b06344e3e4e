#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every Documentation/*.rst parses with docutils without a warning.

reStructuredText fails quietly: a table cell one character too wide or a
title underline one short turns a table into an error paragraph, and
nobody sees it until a reader does. Prints TAP, one line per file, with
docutils' messages as diagnostics.
"""
import glob
import io
import os
import sys

import docutils.core

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
files = sorted(glob.glob(os.path.join(root, "Documentation", "*.rst")))
print("TAP version 13")
print("1..%d" % len(files))
failed = 0
for n, path in enumerate(files, 1):
    name = os.path.relpath(path, root)
    warnings = io.StringIO()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    docutils.core.publish_doctree(
        text, source_path=name,
        settings_overrides={"warning_stream": warnings, "report_level": 2,
                            "halt_level": 5, "file_insertion_enabled": False})
    msgs = [l for l in warnings.getvalue().splitlines() if l.strip()]
    if msgs:
        failed += 1
        for l in msgs[:10]:
            print("# " + l)
        print("not ok %d %s" % (n, name))
    else:
        print("ok %d %s" % (n, name))
sys.exit(1 if failed else 0)
