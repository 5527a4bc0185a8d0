# SPDX-License-Identifier: GPL-2.0-only
"""validate.py [--list FILE] SIDECAR...: check sidecars against
docs/sidecar-format.md (schema "ksplice-sidecar", version 2): every key
present with its type, no unknown key, the declared columns, rows of the
right length with the right types and no default left in a trailing
column, string and inlined indices in range, a string in the table only if
used more than once and written in place only if used once, tables and
arrays sorted, hashes 11 base64url characters, flags in range, clones and
.cold parts linked to their parent. Prints one line per bad file and exits
1 if any is bad."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ks_sidecar  # noqa: E402

HASH = re.compile(r"^[A-Za-z0-9_-]{11}$")
TOP = ["schema", "version", "compiler", "source", "object", "flags_hash",
       "strings", "inlined", "function_columns", "functions", "data_columns",
       "data"]
# column: (kind, default or REQUIRED)
REQUIRED = object()
FUNC = {"name": ("sref", REQUIRED), "flags": ("fflags", REQUIRED),
        "section": ("sref", REQUIRED), "file": ("sref", REQUIRED),
        "line": ("uint", REQUIRED), "hash": ("hash", REQUIRED),
        "body_hash": ("hash?", None), "refs": ("srefs", []),
        "inlined": ("iidx", []), "clone_of": ("sref?", None),
        "clone_kind": ("sref?", None)}
DATA = {"name": ("sref", REQUIRED), "flags": ("dflags", REQUIRED),
        "section": ("sref", REQUIRED), "size": ("uint", REQUIRED),
        "init_hash": ("hash", REQUIRED), "owner": ("sref?", None)}


class Doc:
    def __init__(self, doc):
        self.doc = doc
        self.uses = {}          # string -> uses, counted over every sref

    def sref(self, v, nullable=False):
        if v is None:
            return nullable
        if isinstance(v, str):
            self.uses.setdefault(v, [0, 0])[0] += 1     # [in place, by index]
            return True
        if type(v) is int and 0 <= v < len(self.doc["strings"]):
            self.uses.setdefault(self.doc["strings"][v], [0, 0])[1] += 1
            return True
        return False

    def value(self, kind, v):
        if kind == "sref":
            return self.sref(v)
        if kind == "sref?":
            return self.sref(v, True)
        if kind == "uint":
            return type(v) is int and v >= 0
        if kind == "fflags":
            return type(v) is int and 0 <= v < 256 and v & 3 != 3
        if kind == "dflags":
            return type(v) is int and 0 <= v < 8 and v & 3 != 3
        if kind == "hash":
            return isinstance(v, str) and bool(HASH.match(v))
        if kind == "hash?":
            return v is None or self.value("hash", v)
        if kind == "srefs":
            return isinstance(v, list) and all(self.sref(s) for s in v)
        if kind == "iidx":
            n = len(self.doc["inlined"])
            return (isinstance(v, list) and all(type(i) is int and 0 <= i < n for i in v)
                    and v == sorted(set(v)))
        raise ValueError(kind)

    def rows(self, key, spec):
        errs = []
        columns = self.doc["function_columns" if key == "functions" else "data_columns"]
        if columns != list(spec):
            return ["'%s' is %r" % ("function_columns" if key == "functions"
                                    else "data_columns", columns)]
        required = sum(1 for k in spec if spec[k][1] is REQUIRED)
        for i, row in enumerate(self.doc[key]):
            what = "%s[%d]" % (key, i)
            if not isinstance(row, list) or not required <= len(row) <= len(spec):
                errs.append("%s: not a row of %d to %d columns" % (what, required, len(spec)))
                continue
            for name, v in zip(spec, row):
                if not self.value(spec[name][0], v):
                    errs.append("%s: bad value for '%s': %r" % (what, name, v))
            if len(row) > required and row[-1] == spec[list(spec)[len(row) - 1]][1]:
                errs.append("%s: trailing default not left off" % what)
        return errs


def check(doc):
    if not isinstance(doc, dict):
        return ["top level is not an object"]
    errs = ["top level: missing key '%s'" % k for k in TOP if k not in doc]
    errs += ["top level: unknown key '%s'" % k for k in doc if k not in TOP]
    if errs:
        return errs
    if doc["schema"] != "ksplice-sidecar" or doc["version"] != 2:
        return ["not a version-2 ksplice sidecar"]
    for k in ("compiler", "source", "object"):
        if not isinstance(doc[k], str):
            errs.append("'%s' is not a string" % k)
    if not (isinstance(doc["flags_hash"], str) and HASH.match(doc["flags_hash"])):
        errs.append("bad flags_hash %r" % doc["flags_hash"])
    strings = doc["strings"]
    if not (isinstance(strings, list) and all(isinstance(s, str) for s in strings)
            and strings == sorted(set(strings), key=lambda s: s.encode())):
        return errs + ["'strings' is not a sorted list of unique strings"]
    d = Doc(doc)
    inl = doc["inlined"]
    if not isinstance(inl, list):
        return errs + ["'inlined' is not a list"]
    for i, e in enumerate(inl):
        if not (isinstance(e, list) and len(e) == 2 and d.sref(e[0])
                and d.value("hash?", e[1])):
            errs.append("inlined[%d]: bad entry %r" % (i, e))
    if errs:
        return errs
    errs += d.rows("functions", FUNC) + d.rows("data", DATA)
    if errs:
        return errs
    for s, (in_place, by_index) in d.uses.items():
        if by_index and in_place:
            errs.append("string %r written both in place and by index" % s)
        elif by_index + in_place > 1 and not by_index:
            errs.append("string %r used %d times but not in 'strings'" % (s, in_place))
        elif by_index == 1:
            errs.append("string %r in 'strings' but used once" % s)
    unused = set(strings) - set(d.uses)
    if unused:
        errs.append("unused strings: %s" % ", ".join(sorted(unused)[:5]))
    u = ks_sidecar.decode(doc)
    pairs = [(ks_sidecar._string(strings, x[0]).encode(), x[1] is not None, x[1] or "")
             for x in inl]
    if pairs != sorted(set(pairs)):
        errs.append("'inlined' not sorted by name and body_hash, or not unique")
    fnames = [f["name"] for f in u["functions"]]
    dnames = [x["name"] for x in u["data"]]
    if [n.encode() for n in fnames] != sorted(set(n.encode() for n in fnames)):
        errs.append("functions not sorted by unique name")
    if [n.encode() for n in dnames] != sorted(set(n.encode() for n in dnames)):
        errs.append("data not sorted by unique name")
    for f in u["functions"]:
        if [r.encode() for r in f["refs"]] != sorted(set(r.encode() for r in f["refs"])):
            errs.append("function '%s': refs not sorted or not unique" % f["name"])
        if f["clone_kind"] is None and f["clone_of"] is not None:
            errs.append("function '%s': clone_of without clone_kind" % f["name"])
        if f["clone_kind"] == "cold" and f["clone_of"] not in fnames:
            errs.append("function '%s': parent '%s' missing" % (f["name"], f["clone_of"]))
        if f["clone_kind"] == "cold" and f["static_locals"]:
            errs.append("function '%s': a .cold part owns static locals" % f["name"])
        if f["init"] != f["section"].startswith(".init.text"):
            errs.append("function '%s': init flag and section disagree" % f["name"])
    return errs


def main():
    paths = sys.argv[1:]
    if paths[:1] == ["--list"]:
        paths = [l.strip() for l in open(paths[1]) if l.strip()] + paths[2:]
    bad = 0
    for p in paths:
        try:
            errs = check(json.load(open(p)))
        except (OSError, ValueError) as e:
            errs = [str(e)]
        if errs:
            bad += 1
            print("%s: %s" % (p, "; ".join(errs[:5])))
    if len(paths) > 1 or bad:
        print("%d sidecars, %d invalid" % (len(paths), bad), file=sys.stderr)
    sys.exit(1 if bad else 0)


main()
