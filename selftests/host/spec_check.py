#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the YNL spec, the uAPI header and the kernel's policies agree.

Reads Documentation/netlink/dwcp_res.yaml (PyYAML, Debian python3-yaml),
include/uapi/linux/dwcp_res.h and the genetlink code in kmod/ (netlink.c,
nl_*.c; the object-like #defines of kmod/core/*.h resolve the constants its
policies use), and prints TAP:

  - every definition, attribute set and command of the spec exists in the
    header with the same numeric (or string) value, and every enum member
    and define of the header is in the spec;
  - for each operation the request attributes of the spec are exactly the
    entries of that command's nla_policy table, do/dump match doit/dumpit,
    uns-admin-perm matches GENL_UNS_ADMIN_PERM; an event operation (event
    and mcgrp, no do/dump) is no genl_op, names a group, and is sent by
    some kmod/*.c;
  - every nla_policy entry (top level and nests) has the spec's type,
    min/max/mask, string length and nested set; attributes of a nest the
    kernel refuses are pad or documented "Reply only";
  - attributes the kernel puts in replies have the spec's type;
  - the policy field table (nl_policy.c) covers every policy attribute.

Usage: spec_check.py [--root DIR] (default: the repository of this file).
Exit status 1 when a check fails.
"""
import argparse
import ast
import errno
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-yaml missing (scripts/deps.sh installs it)")
    sys.exit(0)

# ---------------------------------------------------------------- TAP

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, name, errors):
        self.n += 1
        if errors:
            self.failed += 1
            print(f"not ok {self.n} {name}")
            for e in errors:
                print(f"# {e}")
        else:
            print(f"ok {self.n} {name}")

    def done(self):
        print(f"1..{self.n}")
        return 1 if self.failed else 0


# ---------------------------------------------------------------- C helpers

BUILTINS = {
    "NSEC_PER_SEC": 1000000000, "USEC_PER_SEC": 1000000, "MSEC_PER_SEC": 1000,
    "NSEC_PER_MSEC": 1000000, "NSEC_PER_USEC": 1000,
    "U8_MAX": 0xff, "U16_MAX": 0xffff, "U32_MAX": 0xffffffff,
    "U64_MAX": 0xffffffffffffffff, "S8_MIN": -128, "S8_MAX": 127,
    "S16_MIN": -32768, "S16_MAX": 32767, "S32_MIN": -(1 << 31),
    "S32_MAX": (1 << 31) - 1, "S64_MIN": -(1 << 63), "S64_MAX": (1 << 63) - 1,
}

TYPE_LIMITS = {
    "u8": (0, 0xff), "u16": (0, 0xffff), "u32": (0, 0xffffffff),
    "u64": (0, 0xffffffffffffffff), "s8": (-128, 127), "s16": (-32768, 32767),
    "s32": (-(1 << 31), (1 << 31) - 1), "s64": (-(1 << 63), (1 << 63) - 1),
}

SPEC_TO_NLA = {
    "u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32", "u64": "NLA_U64",
    "s8": "NLA_S8", "s16": "NLA_S16", "s32": "NLA_S32", "s64": "NLA_S64",
    "string": "NLA_NUL_STRING", "nest": "NLA_NESTED", "flag": "NLA_FLAG",
    "binary": "NLA_BINARY", "uint": "NLA_UINT", "sint": "NLA_SINT",
}
NLA_TO_SPEC = {v: k for k, v in SPEC_TO_NLA.items()}
NLA_TO_SPEC["NLA_STRING"] = "string"

PUT_TO_SPEC = {
    "u8": "u8", "u16": "u16", "u32": "u32", "u64_64bit": "u64", "s8": "s8",
    "s16": "s16", "s32": "s32", "s64": "s64", "string": "string",
    "flag": "flag", "uint": "uint", "sint": "sint",
}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"),
                  text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def join_continuations(text):
    return re.sub(r"\\\n", " ", text)


def c_upper(name):
    return name.upper().replace("-", "_")


class CEvalError(Exception):
    pass


# Integer casts such as (u64)NSEC_PER_SEC: the value is what matters here.
CAST_RE = re.compile(r"\(\s*(?:const\s+)?(?:__)?(?:[us](?:8|16|32|64)|"
                     r"(?:unsigned\s+|signed\s+)?(?:char|short|int|long(?:\s+long)?)|"
                     r"unsigned|size_t)\s*\)")


def c_eval(expr, symbols):
    """Evaluate an integer C constant expression (integer casts ignored,
    no sizeof)."""
    expr = CAST_RE.sub(" ", expr.strip()).strip()
    expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU]?)\b",
                  r"\1", expr)
    try:
        tree = ast.parse(expr.replace("/", "//"), mode="eval")
    except SyntaxError as e:
        raise CEvalError(f"cannot parse C expression {expr!r}") from e

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in symbols:
                v = symbols[node.id]
                if callable(v):
                    v = v()
                if not isinstance(v, int):
                    raise CEvalError(f"{node.id} is not an integer")
                return v
            if node.id in BUILTINS:
                return BUILTINS[node.id]
            raise CEvalError(f"unknown identifier {node.id} in {expr!r}")
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            if isinstance(node.op, ast.USub):
                return -v
            if isinstance(node.op, ast.UAdd):
                return v
            if isinstance(node.op, ast.Invert):
                return ~v
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b,
                   ast.Mult: lambda: a * b, ast.FloorDiv: lambda: a // b,
                   ast.LShift: lambda: a << b, ast.RShift: lambda: a >> b,
                   ast.BitOr: lambda: a | b, ast.BitAnd: lambda: a & b,
                   ast.BitXor: lambda: a ^ b, ast.Mod: lambda: a % b}
            if type(node.op) in ops:
                return ops[type(node.op)]()
        raise CEvalError(f"unsupported construct in C expression {expr!r}")

    return ev(tree)


def split_top(text, sep=","):
    """Split at separators outside (), [] and {}."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return [p.strip() for p in parts]


def balanced(text, start, open_ch, close_ch):
    """Return the index just past the bracket closing the one at start."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == open_ch:
            depth += 1
        elif text[i] == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError("unbalanced brackets")


# ---------------------------------------------------------------- header

class Header:
    def __init__(self, path):
        text = join_continuations(strip_comments(open(path).read()))
        self.defines = {}      # name -> raw text
        self.enums = {}        # enum name -> [(const, value)]
        self.consts = {}       # enum constant -> value
        self.const_enum = {}   # enum constant -> enum name
        self.guard = None
        for m in re.finditer(r"^\s*#\s*define\s+(\w+)(?:[ \t]+(.*))?$", text, re.M):
            if m.group(2) is None or not m.group(2).strip():
                self.guard = m.group(1)
                continue
            self.defines[m.group(1)] = m.group(2).strip()
        for m in re.finditer(r"\benum\s+(\w+)\s*\{(.*?)\}\s*;", text, re.S):
            ename, body = m.group(1), m.group(2)
            val = -1
            members = []
            for item in split_top(body):
                if not item:
                    continue
                if "=" in item:
                    cname, expr = (s.strip() for s in item.split("=", 1))
                    val = c_eval(expr, self.symbols())
                else:
                    cname = item.strip()
                    val += 1
                members.append((cname, val))
                self.consts[cname] = val
                self.const_enum[cname] = ename
            self.enums[ename] = members

    def symbols(self):
        syms = dict(self.consts)
        for name in self.defines:
            syms.setdefault(name, (lambda n=name: self.define_value(n)))
        return syms

    def define_value(self, name):
        raw = self.defines[name]
        m = re.fullmatch(r'"(.*)"', raw)
        if m:
            return m.group(1)
        return c_eval(raw, self.symbols())

    def value(self, cname):
        """Integer or string value of an enum constant or define, or None."""
        if cname in self.consts:
            return self.consts[cname]
        if cname in self.defines:
            return self.define_value(cname)
        return None


# ---------------------------------------------------------------- kernel C

class Policy:
    """One nla_policy entry, normalised."""
    def __init__(self, nla, lo=None, hi=None, mask=None, length=0, nested=None,
                 raw=""):
        self.nla, self.lo, self.hi, self.mask = nla, lo, hi, mask
        self.length, self.nested, self.raw = length, nested, raw


class Kernel:
    def __init__(self, kdir, header):
        self.header = header
        self.errors = []
        srcs = sorted(f for f in os.listdir(kdir)
                      if f.endswith(".c") and not f.startswith("."))
        self.sources = {f: open(os.path.join(kdir, f)).read() for f in srcs}
        text = join_continuations(strip_comments(self.sources["netlink.c"]))
        self.text = text
        self.fmacros = {}   # name -> (params, body)
        self.omacros = {}   # name -> body
        for m in re.finditer(r"^\s*#\s*define\s+(\w+)(\(([^)]*)\))?[ \t]+(.*)$",
                             text, re.M):
            if m.group(2):
                params = [p.strip() for p in m.group(3).split(",")]
                self.fmacros[m.group(1)] = (params, m.group(4).strip())
            else:
                self.omacros[m.group(1)] = m.group(4).strip()
        self.syms = header.symbols()
        # Constants of the core (kmod/core/*.h) that the policies use, e.g.
        # DWCP_HEALTH_MAX_INTERVAL_NS; netlink.c's own macros win.
        for name, body in self.core_defines(os.path.join(kdir, "core")).items():
            self.syms.setdefault(name, (lambda b=body: c_eval(b, self.syms)))
        for name, body in self.omacros.items():
            self.syms[name] = (lambda b=body: c_eval(b, self.syms))
        self.ranges = {}
        for m in re.finditer(r"struct\s+netlink_range_validation(_signed)?\s+(\w+)"
                             r"\s*=\s*\{(.*?)\}\s*;", text, re.S):
            fields = self.fields(m.group(3))
            self.ranges[m.group(2)] = (c_eval(fields.get(".min", "0"), self.syms),
                                       c_eval(fields[".max"], self.syms))
        self.tables = {}    # table name -> {attr const: Policy}
        for m in re.finditer(r"struct\s+nla_policy\s+(\w+)\s*\[[^\]]*\]\s*=\s*\{",
                             text):
            start = m.end() - 1
            body = text[start + 1:balanced(text, start, "{", "}") - 1]
            self.tables[m.group(1)] = self.parse_table(m.group(1), body)
        self.ops = self.parse_ops()
        self.family, self.mcgrps = self.parse_family()

    @staticmethod
    def core_defines(cdir):
        """Object-like #defines of cdir/*.h, name -> body (evaluated lazily,
        so one that is no integer expression only fails where it is used)."""
        out = {}
        if not os.path.isdir(cdir):
            return out
        for f in sorted(os.listdir(cdir)):
            if not f.endswith(".h") or f.startswith("."):
                continue
            text = join_continuations(strip_comments(open(os.path.join(cdir, f)).read()))
            for m in re.finditer(r"^\s*#\s*define\s+(\w+)[ \t]+(.*)$", text, re.M):
                body = m.group(2).strip()
                if body:
                    out.setdefault(m.group(1), body)
        return out

    @staticmethod
    def fields(body):
        out = {}
        for part in split_top(body):
            if "=" in part:
                k, v = (s.strip() for s in part.split("=", 1))
                out[k] = v
        return out

    def expand(self, s):
        for _ in range(10):
            changed = False
            for name, (params, body) in self.fmacros.items():
                m = re.search(r"\b%s\s*\(" % re.escape(name), s)
                if not m:
                    continue
                end = balanced(s, m.end() - 1, "(", ")")
                args = split_top(s[m.end():end - 1])
                repl = body
                for p, a in zip(params, args):
                    repl = re.sub(r"\b%s\b" % re.escape(p), a, repl)
                s = s[:m.start()] + repl + s[end:]
                changed = True
            if not changed:
                break
        return s

    def parse_table(self, tname, body):
        entries = {}
        for m in re.finditer(r"\[\s*(\w+)\s*\]\s*=\s*", body):
            rest = body[m.end():]
            val = split_top(rest)[0] if rest.strip() else ""
            attr = m.group(1)
            try:
                entries[attr] = self.parse_entry(self.expand(val))
            except (CEvalError, ValueError, KeyError) as e:
                self.errors.append(f"{tname}[{attr}]: {e}")
        return entries

    def parse_entry(self, v):
        raw = re.sub(r"\s+", " ", v).strip()
        s = re.sub(r"\s+", "", v)
        m = re.fullmatch(r"NLA_POLICY_(MAX|MIN)\((NLA_\w+),(.*)\)", s)
        if m:
            n = c_eval(m.group(3), self.syms)
            return Policy(m.group(2), lo=n if m.group(1) == "MIN" else None,
                          hi=n if m.group(1) == "MAX" else None, raw=raw)
        m = re.fullmatch(r"NLA_POLICY_RANGE\((NLA_\w+),(.*)\)", s)
        if m:
            lo, hi = split_top(m.group(2))
            return Policy(m.group(1), lo=c_eval(lo, self.syms),
                          hi=c_eval(hi, self.syms), raw=raw)
        m = re.fullmatch(r"NLA_POLICY_FULL_RANGE(?:_SIGNED)?\((NLA_\w+),&\(?(\w+)\)?\)", s)
        if m:
            if m.group(2) not in self.ranges:
                raise KeyError(f"no netlink_range_validation {m.group(2)}")
            lo, hi = self.ranges[m.group(2)]
            return Policy(m.group(1), lo=lo, hi=hi, raw=raw)
        m = re.fullmatch(r"NLA_POLICY_MASK\((NLA_\w+),(.*)\)", s)
        if m:
            return Policy(m.group(1), mask=c_eval(m.group(2), self.syms), raw=raw)
        m = re.fullmatch(r"NLA_POLICY_NESTED\((\w+)\)", s)
        if m:
            return Policy("NLA_NESTED", nested=m.group(1), raw=raw)
        m = re.fullmatch(r"\{(.*)\}", s)
        if m:
            f = self.fields(m.group(1))
            unknown = set(f) - {".type", ".len"}
            if unknown or ".type" not in f:
                raise ValueError(f"unsupported policy entry {raw}")
            length = c_eval(f[".len"], self.syms) if ".len" in f else 0
            return Policy(f[".type"], length=length, raw=raw)
        raise ValueError(f"unsupported policy entry {raw}")

    def parse_ops(self):
        ops = {}
        m = re.search(r"struct\s+genl_ops\s+\w+\s*\[\s*\]\s*=\s*\{", self.text)
        if not m:
            self.errors.append("no genl_ops array in netlink.c")
            return ops
        start = m.end() - 1
        body = self.text[start + 1:balanced(self.text, start, "{", "}") - 1]
        for blk in split_top(body):
            f = self.fields(blk.strip()[1:-1])
            cmd = f.get(".cmd")
            flags = f.get(".flags", "0")
            while flags in self.omacros:
                flags = self.omacros[flags]
            ops[cmd] = {
                "policy": f.get(".policy"), "doit": ".doit" in f,
                "dumpit": ".dumpit" in f, "maxattr": f.get(".maxattr"),
                "flags": set(re.findall(r"GENL_\w+", flags)),
            }
        return ops

    def parse_family(self):
        fam, groups = {}, []
        m = re.search(r"struct\s+genl_family\s+\w+[^=]*=\s*\{", self.text)
        if m:
            start = m.end() - 1
            fam = self.fields(self.text[start + 1:balanced(self.text, start, "{", "}") - 1])
        m = re.search(r"struct\s+genl_multicast_group\s+\w+\s*\[\s*\]\s*=\s*\{", self.text)
        if m:
            start = m.end() - 1
            body = self.text[start + 1:balanced(self.text, start, "{", "}") - 1]
            for blk in split_top(body):
                groups.append(self.fields(blk.strip()[1:-1]).get(".name"))
        return fam, groups

    def puts(self):
        """(file, line, put kind, attr const, pad const or None)."""
        out = []
        for fname, src in self.sources.items():
            text = strip_comments(src)
            for m in re.finditer(r"\b(nla_put_(\w+)|nla_nest_start(?:_noflag)?)\s*\(", text):
                end = balanced(text, m.end() - 1, "(", ")")
                args = split_top(text[m.end():end - 1])
                if len(args) < 2 or not re.fullmatch(r"DWCP_RES_\w+", args[1]):
                    continue
                kind = "nest" if m.group(1).startswith("nla_nest") else m.group(2)
                pad = args[-1] if kind == "u64_64bit" else None
                line = text.count("\n", 0, m.start()) + 1
                out.append((fname, line, kind, args[1], pad))
        return out


# ---------------------------------------------------------------- spec

ALLOWED = {
    "top": {"name", "doc", "protocol", "uapi-header", "c-family-name",
            "c-version-name", "max-by-define", "cmd-max-name", "cmd-cnt-name",
            "kernel-policy", "version", "definitions", "attribute-sets",
            "operations", "mcast-groups"},
    "definition": {"name", "header", "type", "doc", "value", "value-start",
                   "entries", "render-max", "enum-name", "name-prefix",
                   "enum-cnt-name", "members"},
    "entry": {"name", "value", "doc"},
    "set": {"name", "name-prefix", "enum-name", "doc", "subset-of",
            "attr-cnt-name", "attr-max-name", "header", "attributes"},
    "attr": {"name", "type", "doc", "value", "type-value", "byte-order",
             "multi-attr", "nested-attributes", "enum", "enum-as-flags",
             "checks", "sub-type", "display-hint", "name-prefix", "struct"},
    "checks": {"flags-mask", "min", "max", "min-len", "max-len", "exact-len",
               "unterminated-ok"},
    "operations": {"enum-model", "name-prefix", "enum-name", "async-prefix",
                   "async-enum", "fixed-header", "list"},
    "op": {"name", "doc", "value", "attribute-set", "flags", "dont-validate",
           "config-cond", "fixed-header", "do", "dump", "notify", "event",
           "mcgrp"},
    "subop": {"request", "reply", "pre", "post"},
    "msg": {"attributes", "value"},
    "mcgrp": {"name", "c-define-name", "flags"},
}
ATTR_TYPES = {"unused", "pad", "flag", "binary", "bitfield32", "uint", "sint",
              "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string",
              "nest", "indexed-array", "nest-type-value"}


class Spec:
    def __init__(self, path):
        self.y = yaml.safe_load(open(path))
        for s in self.y.get("attribute-sets", []):
            for i, a in enumerate(s.get("attributes") or []):
                if not isinstance(a, dict) or "name" not in a:
                    raise ValueError(f"set {s.get('name')}: attribute #{i} is "
                                     f"not a mapping with a name: {a!r}")
        for i, d in enumerate(self.y.get("definitions", [])):
            if not isinstance(d, dict) or "name" not in d:
                raise ValueError(f"definition #{i} is not a mapping with a name")
        for i, op in enumerate(self.y.get("operations", {}).get("list", [])):
            if not isinstance(op, dict) or "name" not in op:
                raise ValueError(f"operation #{i} is not a mapping with a name")
        self.family = self.y["name"]
        self.defs = {d["name"]: d for d in self.y.get("definitions", [])}
        self.sets = {s["name"]: s for s in self.y["attribute-sets"]}
        self.ops = self.y["operations"]
        self.const_by_cname = {
            c_upper(d.get("name-prefix", f"{self.family}-") + d["name"]): d
            for d in self.defs.values() if d["type"] == "const"}
        self.attr_by_cname = {}    # C name -> (set, attr)
        for s in self.y["attribute-sets"]:
            for a, cname, _ in self.attrs(s):
                self.attr_by_cname[cname] = (s, a)

    def schema_errors(self):
        errs = []

        def keys(obj, kind, where):
            if not isinstance(obj, dict):
                errs.append(f"{where}: not a mapping")
                return
            extra = set(obj) - ALLOWED[kind]
            if extra:
                errs.append(f"{where}: unknown keys {sorted(extra)}")

        y = self.y
        keys(y, "top", "spec")
        if y.get("protocol") not in (None, "genetlink", "genetlink-c",
                                     "genetlink-legacy"):
            errs.append(f"protocol {y.get('protocol')!r}")
        for d in y.get("definitions", []):
            keys(d, "definition", f"definition {d.get('name')}")
            for e in d.get("entries", []):
                if isinstance(e, dict):
                    keys(e, "entry", f"definition {d.get('name')} entry")
        for s in y["attribute-sets"]:
            keys(s, "set", f"set {s.get('name')}")
            for a in s["attributes"]:
                keys(a, "attr", f"set {s['name']} attr {a.get('name')}")
                if a.get("type") not in ATTR_TYPES:
                    errs.append(f"set {s['name']} attr {a.get('name')}: type {a.get('type')!r}")
                keys(a.get("checks", {}), "checks", f"attr {a.get('name')} checks")
                if a.get("type") == "nest" and a.get("nested-attributes") not in self.sets:
                    errs.append(f"attr {a['name']}: nested-attributes "
                                f"{a.get('nested-attributes')!r} is no set")
                if "enum" in a and a["enum"] not in self.defs:
                    errs.append(f"attr {a['name']}: enum {a['enum']!r} not defined")
        keys(self.ops, "operations", "operations")
        for op in self.ops["list"]:
            keys(op, "op", f"op {op.get('name')}")
            if "doc" not in op:
                errs.append(f"op {op.get('name')}: no doc")
            for fl in op.get("flags", []):
                if fl not in ("admin-perm", "uns-admin-perm"):
                    errs.append(f"op {op['name']}: flag {fl!r}")
            aset = self.sets.get(op.get("attribute-set"))
            for mode in ("do", "dump"):
                if mode not in op:
                    continue
                keys(op[mode], "subop", f"op {op['name']} {mode}")
                for msg in ("request", "reply"):
                    if msg in op[mode]:
                        keys(op[mode][msg], "msg", f"op {op['name']} {mode} {msg}")
                        names = {a["name"] for a in aset["attributes"]} if aset else set()
                        for n in op[mode][msg].get("attributes", []):
                            if n not in names:
                                errs.append(f"op {op['name']} {mode} {msg}: "
                                            f"{n!r} not in set {op.get('attribute-set')}")
        for g in y.get("mcast-groups", {}).get("list", []):
            keys(g, "mcgrp", f"mcast group {g.get('name')}")
        return errs

    # C names, as ynl-gen derives them (genetlink-c rules)
    def prefix_default(self, what):
        return f"{self.family}-{what}-"

    def entries(self, d):
        """(entry name, C name, value) of an enum or flags definition."""
        out = []
        pfx = d.get("name-prefix", f"{self.family}-{d['name']}-")
        start = d.get("value-start", 0)
        val = start - 1
        for e in d.get("entries", []):
            name = e if isinstance(e, str) else e["name"]
            if isinstance(e, dict) and "value" in e:
                val = e["value"]
            else:
                val += 1
            v = (1 << val) if d["type"] == "flags" else val
            out.append((name, c_upper(pfx + name), v))
        return out

    def attrs(self, s):
        """(attr, C name, value) of an attribute set."""
        out = []
        pfx = s.get("name-prefix", f"{self.family}-a-{s['name']}-")
        val = 0
        for i, a in enumerate(s["attributes"]):
            if "value" in a:
                val = a["value"]
            elif i:
                val += 1
            out.append((a, c_upper(pfx + a["name"]), val))
        return out

    def op_list(self):
        out = []
        pfx = self.ops.get("name-prefix", f"{self.family}-cmd-")
        val = 0
        for i, op in enumerate(self.ops["list"]):
            if "value" in op:
                val = op["value"]
            elif i:
                val += 1
            out.append((op, c_upper(pfx + op["name"]), val))
        return out

    def limit(self, v):
        if v is None or isinstance(v, int):
            return v
        m = re.fullmatch(r"([su](?:8|16|32|64))-(min|max)", v)
        if m:
            return TYPE_LIMITS[m.group(1)][0 if m.group(2) == "min" else 1]
        m = re.fullmatch(r"([0-9A-Za-z_-]+)( - 1)?", v)
        if m and m.group(1) in self.defs and self.defs[m.group(1)]["type"] == "const":
            return self.defs[m.group(1)]["value"] - (1 if m.group(2) else 0)
        raise ValueError(f"cannot resolve limit {v!r}")

    def mask_of(self, dname):
        d = self.defs[dname]
        mask = 0
        for _, _, v in self.entries(d):
            mask |= v if d["type"] == "flags" else (1 << v)
        return mask

    def policy_of(self, a):
        """What the kernel policy should say for attribute a (ynl-gen rules)."""
        t = a["type"]
        chk = a.get("checks", {})
        nla = SPEC_TO_NLA.get(t)
        if t == "string" and chk.get("unterminated-ok"):
            nla = "NLA_STRING"
        if t in TYPE_LIMITS:
            tmin, tmax = TYPE_LIMITS[t]
            lo, hi = self.limit(chk.get("min")), self.limit(chk.get("max"))
            mask = None
            if "flags-mask" in chk:
                mask = self.mask_of(chk["flags-mask"])
            elif "enum" in a and not a.get("enum-as-flags") \
                    and self.defs[a["enum"]]["type"] == "enum":
                vals = [v for _, _, v in self.entries(self.defs[a["enum"]])]
                if lo is None and (min(vals) != 0 or t[0] == "s"):
                    lo = min(vals)
                if hi is None:
                    hi = max(vals)
            return (nla, tmin if lo is None else lo, tmax if hi is None else hi, mask)
        if t == "string":
            return (nla, self.limit(chk.get("max-len")) or 0)
        if t == "nest":
            return (nla, a["nested-attributes"])
        return (nla,)


def kernel_sig(p, table_set):
    """Kernel Policy in the shape of Spec.policy_of."""
    t = NLA_TO_SPEC.get(p.nla)
    if t in TYPE_LIMITS:
        tmin, tmax = TYPE_LIMITS[t]
        return (p.nla, tmin if p.lo is None else p.lo,
                tmax if p.hi is None else p.hi, p.mask)
    if t == "string":
        return (p.nla, p.length)
    if t == "nest":
        return (p.nla, table_set.get(p.nested))
    return (p.nla,)


# ---------------------------------------------------------------- checks

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    args = ap.parse_args()
    root = args.root
    tap = Tap()

    try:
        spec = Spec(os.path.join(root, "Documentation/netlink/dwcp_res.yaml"))
        hdr = Header(os.path.join(root, "include/uapi/linux/dwcp_res.h"))
        kern = Kernel(os.path.join(root, "kmod"), hdr)
    except Exception as e:  # a parse failure is a failure, not a crash
        tap.check("parse_inputs", [f"{type(e).__name__}: {e}"])
        return tap.done()
    tap.check("parse_inputs", kern.errors)
    tap.check("spec_schema_keys", spec.schema_errors())

    # -- family globals
    errs = []
    y = spec.y

    def want_define(key, value, what):
        if key not in y:
            errs.append(f"spec has no {key}")
            return
        c = c_upper(y[key])
        if hdr.value(c) != value:
            errs.append(f"{what}: header {c} = {hdr.value(c)!r}, spec {value!r}")
        covered.add(c)

    covered = set()    # header names the spec accounts for
    want_define("c-family-name", spec.family, "family name")
    want_define("c-version-name", y.get("version", 1), "version")
    if kern.family.get(".name") not in (c_upper(y.get("c-family-name", "")),):
        errs.append(f"kernel family .name = {kern.family.get('.name')}")
    if kern.family.get(".version") not in (c_upper(y.get("c-version-name", "")),):
        errs.append(f"kernel family .version = {kern.family.get('.version')}")
    if y.get("kernel-policy") != "per-op":
        errs.append("kernel-policy must be per-op (genl_ops carry their own .policy)")
    tap.check("family_name_version", errs)

    # -- definitions vs header
    errs = []
    enum_owner = {}     # header enum name -> spec object
    for d in spec.defs.values():
        if d["type"] == "const":
            c = c_upper(d.get("name-prefix", f"{spec.family}-") + d["name"])
            if hdr.value(c) != d["value"]:
                errs.append(f"const {d['name']}: header {c} = {hdr.value(c)!r}, "
                            f"spec {d['value']!r}")
            covered.add(c)
            continue
        ename = d.get("enum-name", c_upper(f"{spec.family}-{d['name']}").lower())
        if ename:
            enum_owner[ename] = d
        for name, c, v in spec.entries(d):
            covered.add(c)
            hv = hdr.value(c)
            if hv is None:
                errs.append(f"{d['name']}.{name}: {c} not in the header")
            elif hv != v:
                errs.append(f"{d['name']}.{name}: header {c} = {hv}, spec {v}")
            elif ename and hdr.const_enum.get(c) != ename:
                errs.append(f"{d['name']}.{name}: {c} is not in enum {ename}")
            elif not ename and c in hdr.consts:
                errs.append(f"{d['name']}.{name}: {c} is an enum member, spec "
                            f"says no enum")
        if "enum-cnt-name" in d:
            c = c_upper(d["enum-cnt-name"])
            covered.add(c)
            last = max(v for _, _, v in spec.entries(d))
            if hdr.value(c) != last + 1:
                errs.append(f"{d['name']}: {c} = {hdr.value(c)}, expected {last + 1}")
    tap.check("definitions_match_header", errs)

    # -- attribute sets vs header
    errs = []
    for s in spec.sets.values():
        if "subset-of" in s:
            continue
        ename = s.get("enum-name")
        enum_owner[ename] = s
        last = 0
        for a, c, v in spec.attrs(s):
            covered.add(c)
            last = max(last, v)
            if hdr.value(c) != v:
                errs.append(f"set {s['name']}.{a['name']}: header {c} = "
                            f"{hdr.value(c)}, spec {v}")
            elif hdr.const_enum.get(c) != ename:
                errs.append(f"set {s['name']}.{a['name']}: {c} not in enum {ename}")
        for key, want in (("attr-cnt-name", last + 1), ("attr-max-name", last)):
            if key in s:
                c = c_upper(s[key])
                covered.add(c)
                if hdr.value(c) != want:
                    errs.append(f"set {s['name']}: {c} = {hdr.value(c)}, expected {want}")
            else:
                errs.append(f"set {s['name']}: no {key}")
    tap.check("attribute_sets_match_header", errs)

    # -- operations vs header
    errs = []
    enum_owner[spec.ops.get("enum-name")] = spec.ops
    last = 0
    for op, c, v in spec.op_list():
        covered.add(c)
        last = max(last, v)
        if hdr.value(c) != v:
            errs.append(f"op {op['name']}: header {c} = {hdr.value(c)}, spec {v}")
        elif hdr.const_enum.get(c) != spec.ops.get("enum-name"):
            errs.append(f"op {op['name']}: {c} not in enum {spec.ops.get('enum-name')}")
    for key, want in (("cmd-cnt-name", last + 1), ("cmd-max-name", last)):
        c = c_upper(y.get(key, ""))
        covered.add(c)
        if hdr.value(c) != want:
            errs.append(f"{key}: {c} = {hdr.value(c)}, expected {want}")
    tap.check("commands_match_header", errs)

    # -- multicast groups
    errs = []
    groups = y.get("mcast-groups", {}).get("list", [])
    for g in groups:
        c = c_upper(g.get("c-define-name", f"{spec.family}-mcgrp-{g['name']}"))
        covered.add(c)
        if hdr.value(c) != g["name"]:
            errs.append(f"mcast group {g['name']}: header {c} = {hdr.value(c)!r}")
    kgroups = sorted(hdr.value(n) if n in hdr.defines else n for n in kern.mcgrps)
    if kgroups != sorted(g["name"] for g in groups):
        errs.append(f"kernel groups {kgroups}, spec {sorted(g['name'] for g in groups)}")
    tap.check("mcast_groups_match", errs)

    # -- everything in the header is in the spec
    errs = []
    for ename, members in hdr.enums.items():
        if ename not in enum_owner:
            errs.append(f"enum {ename} has no definition, set or operations in the spec")
            continue
        for c, _ in members:
            if c not in covered:
                errs.append(f"enum {ename}: {c} not in the spec")
    # The error-fault errno list is no netlink constant: checked below.
    errno_defs = {"DWCP_RES_FAULT_ERRNOS", "DWCP_RES_FAULT_ERRNO_NAMES"}
    for d in hdr.defines:
        if d not in covered and d != hdr.guard and d not in errno_defs:
            errs.append(f"#define {d} not in the spec")
    tap.check("header_fully_covered", errs)

    # -- the error-fault errnos: real errnos, named in the same order
    errs = []
    nums = re.findall(r"\b(E[A-Z0-9]+)\b", hdr.defines.get("DWCP_RES_FAULT_ERRNOS", ""))
    names = " ".join(re.findall(r'"([^"]*)"', hdr.defines.get("DWCP_RES_FAULT_ERRNO_NAMES",
                                                               ""))).split()
    if not nums or nums != names:
        errs.append(f"DWCP_RES_FAULT_ERRNOS {nums} != DWCP_RES_FAULT_ERRNO_NAMES {names}")
    for e in nums:
        if not hasattr(errno, e) or getattr(errno, e) >= 512:
            errs.append(f"{e} is not an errno a program may see")
    tap.check("fault_errnos_named", errs)

    # -- per-command policies, admin flags, do/dump
    table_set = {}      # nla_policy table -> spec set name
    for tname, entries in kern.tables.items():
        enums = {hdr.const_enum.get(a) for a in entries}
        if len(enums) == 1:
            ename = enums.pop()
            for s in spec.sets.values():
                if s.get("enum-name") == ename:
                    table_set[tname] = s["name"]
    group_names = {g["name"] for g in y.get("mcast-groups", {}).get("list", [])}
    for op, c, v in spec.op_list():
        if v == 0:
            continue
        errs = []
        if "event" in op and "do" not in op and "dump" not in op:
            # A notification: sent on a group by the kernel, never requested.
            if c in kern.ops:
                errs.append(f"{c} is an event but the kernel's genl_ops take it")
            if op.get("mcgrp") not in group_names:
                errs.append(f"event mcgrp {op.get('mcgrp')!r} is no mcast group")
            aset = spec.sets.get(op.get("attribute-set"), {"attributes": []})
            names = {a["name"] for a in aset["attributes"]}
            for n in op["event"].get("attributes", []):
                if n not in names:
                    errs.append(f"event attribute {n!r} not in set {op.get('attribute-set')}")
            if not any(re.search(r"\b%s\b" % c, strip_comments(src))
                       for src in kern.sources.values()):
                errs.append(f"no kmod/*.c sends {c}")
            tap.check(f"op_{op['name']}", errs)
            continue
        k = kern.ops.get(c)
        if k is None:
            tap.check(f"op_{op['name']}", [f"{c} is not in the kernel's genl_ops"])
            continue
        aset = spec.sets[op["attribute-set"]]
        cname = {a["name"]: cn for a, cn, _ in spec.attrs(aset)}
        table = kern.tables.get(k["policy"])
        if table is None:
            errs.append(f"kernel policy table {k['policy']} not found")
            table = {}
        req_mode = "do" if "do" in op else "dump"
        want = {cname[n] for n in op.get(req_mode, {}).get("request", {})
                .get("attributes", [])}
        got = set(table)
        if want != got:
            errs.append(f"{req_mode} request {sorted(want)} != {k['policy']} {sorted(got)}")
        if "dump" in op and "do" in op:
            extra = {cname[n] for n in op["dump"].get("request", {})
                     .get("attributes", [])} - got
            if extra:
                errs.append(f"dump request {sorted(extra)} not in {k['policy']}")
        if ("do" in op) != k["doit"]:
            errs.append(f"spec do: {'do' in op}, kernel .doit: {k['doit']}")
        if ("dump" in op) != k["dumpit"]:
            errs.append(f"spec dump: {'dump' in op}, kernel .dumpit: {k['dumpit']}")
        flags = set(op.get("flags", []))
        kflags = {"admin-perm" if f == "GENL_ADMIN_PERM" else
                  "uns-admin-perm" if f == "GENL_UNS_ADMIN_PERM" else f
                  for f in k["flags"]}
        if flags != kflags:
            errs.append(f"flags spec {sorted(flags)}, kernel {sorted(kflags)}")
        if k["maxattr"] != c_upper(aset["attr-max-name"]):
            errs.append(f".maxattr {k['maxattr']}, spec set max "
                        f"{c_upper(aset['attr-max-name'])}")
        tap.check(f"op_{op['name']}", errs)
    spec_cmds = {c for _, c, _ in spec.op_list()}
    tap.check("kernel_ops_in_spec",
              [f"kernel op {c} not in the spec" for c in kern.ops if c not in spec_cmds])

    # -- every nla_policy entry: type, range, length, nest
    for tname, entries in sorted(kern.tables.items()):
        errs = []
        for attr, p in entries.items():
            if attr not in spec.attr_by_cname:
                errs.append(f"{attr} not in the spec")
                continue
            s, a = spec.attr_by_cname[attr]
            try:
                want = spec.policy_of(a)
            except ValueError as e:
                errs.append(f"{attr}: {e}")
                continue
            got = kernel_sig(p, table_set)
            if want != got:
                errs.append(f"{attr}: spec {want} != kernel {got} ({p.raw})")
        # a nest's table: what it refuses must be pad or reply-only
        sname = table_set.get(tname)
        if sname and tname not in {k["policy"] for k in kern.ops.values()}:
            for a, c, _ in spec.attrs(spec.sets[sname]):
                if c in entries or a["type"] in ("pad", "unused"):
                    continue
                if not a.get("doc", "").startswith("Reply only"):
                    errs.append(f"{c} is refused by {tname} but its doc does not "
                                f"start with 'Reply only'")
        tap.check(f"policy_table_{tname}", errs)

    # -- nested sets used by requests have a kernel table
    errs = []
    nest_tables = {p.nested for t in kern.tables.values() for p in t.values() if p.nested}
    for tn in nest_tables:
        if tn not in kern.tables:
            errs.append(f"nested table {tn} not found")
        elif tn not in table_set:
            errs.append(f"nested table {tn} matches no spec set")
    tap.check("nested_tables_resolve", errs)

    # -- reply attributes: nla_put_* types
    errs = []
    for fname, line, kind, attr, pad in kern.puts():
        if attr not in spec.attr_by_cname:
            # a const naming a set: the type of that set's nest elsewhere
            d = spec.const_by_cname.get(attr)
            if not (kind == "nest" and d and d["name"] in spec.sets):
                errs.append(f"{fname}:{line}: {attr} not in the spec")
            continue
        s, a = spec.attr_by_cname[attr]
        want = "nest" if kind == "nest" else PUT_TO_SPEC.get(kind)
        if a["type"] != want:
            errs.append(f"{fname}:{line}: nla_put_{kind}({attr}) but spec type {a['type']}")
        if pad is not None:
            ps = spec.attr_by_cname.get(pad)
            if not ps or ps[0] is not s or ps[1]["type"] != "pad":
                errs.append(f"{fname}:{line}: pad {pad} is not the pad of set {s['name']}")
    tap.check("reply_put_types", errs)

    # -- the policy field table covers every accepted policy attribute
    errs = []
    src = strip_comments(kern.sources.get("nl_policy.c", ""))
    pf = {"DWCP_RES_P_" + m for m in re.findall(r"\bPF\(\s*([A-Z][A-Z0-9_]*)\s*,", src)}
    ptable = kern.tables.get("dwcp_res_policy_attr_policy", {})
    # Request-only attributes (BASE, FLAGS_MASK) are read by name: tb[...].
    by_name = set(re.findall(r"\btb\[(DWCP_RES_P_[A-Z0-9_]+)\]", src))
    for attr in sorted(set(ptable) - pf - by_name):
        errs.append(f"{attr} is accepted but not in policy_fields (ignored, never replied)")
    for attr in sorted(pf):
        if attr not in ptable:
            errs.append(f"policy_fields has {attr}, the nest policy refuses it")
        elif ptable[attr].nla not in ("NLA_U32", "NLA_U64"):
            errs.append(f"policy_fields {attr} is {ptable[attr].nla}; only u32/u64 are copied")
    tap.check("policy_fields_cover_policy", errs)

    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
