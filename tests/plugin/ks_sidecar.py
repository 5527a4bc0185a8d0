# SPDX-License-Identifier: GPL-2.0-only
"""ks_sidecar.py: read a ksplice sidecar (docs/sidecar-format.md, schema
version 2) in Python, for the tests.

load(path) returns the unit as plain dicts with every field spelled out,
as a reader sees it once the tables are resolved:
  {"schema", "version", "compiler", "source", "object", "flags_hash",
   "functions": [{"name", "linkage", "visibility", "section", "file", "line",
                  "hash", "body_hash", "clone_of", "clone_kind", "refs",
                  "inlined": [{"name", "body_hash"}], "static_locals",
                  "fentry", "init", "exit", "notrace"}],
   "data": [{"name", "linkage", "section", "size", "readonly", "owner",
             "init_hash"}]}
static_locals is derived from the data owners, as the format says.
decode(doc) does the same for an already parsed document. Both raise
ValueError on a document they cannot resolve; validate.py checks the rest.

As a script: ks_sidecar.py SIDECAR prints load()'s result as indented JSON.
"""
import json
import sys

LINKAGE = ["global", "weak", "local"]
VISIBILITY = ["default", "hidden", "protected", "internal"]
FUNC_COLUMNS = ["name", "flags", "section", "file", "line", "hash",
                "body_hash", "refs", "inlined", "clone_of", "clone_kind"]
FUNC_REQUIRED = 6       # name .. hash: never left off
FUNC_DEFAULTS = {"body_hash": None, "refs": [], "inlined": [],
                 "clone_of": None, "clone_kind": None}
DATA_COLUMNS = ["name", "flags", "section", "size", "init_hash", "owner"]
DATA_REQUIRED = 5       # name .. init_hash
DATA_DEFAULTS = {"owner": None}


def _string(strings, v):
    """A string field: the string itself, an index into strings, or None."""
    if v is None or isinstance(v, str):
        return v
    if type(v) is int and 0 <= v < len(strings):
        return strings[v]
    raise ValueError("bad string reference %r" % (v,))


def _row(row, columns, required, defaults, what):
    if not isinstance(row, list) or len(row) < required:
        raise ValueError("%s: not a row of at least %d columns" % (what, required))
    out = dict(defaults)
    for name, v in zip(columns, row):
        out[name] = v
    return out


def decode(doc):
    if doc.get("schema") != "ksplice-sidecar" or doc.get("version") != 2:
        raise ValueError("not a version-2 ksplice sidecar")
    strings = doc["strings"]
    fcols, dcols = doc["function_columns"], doc["data_columns"]
    inlined = [{"name": _string(strings, e[0]), "body_hash": e[1]}
               for e in doc["inlined"]]
    out = {k: doc[k] for k in ("schema", "version", "compiler", "source",
                                "object", "flags_hash")}
    out["data"] = []
    for i, row in enumerate(doc["data"]):
        r = _row(row, dcols, DATA_REQUIRED, DATA_DEFAULTS, "data[%d]" % i)
        out["data"].append({
            "name": _string(strings, r["name"]),
            "linkage": LINKAGE[r["flags"] & 3],
            "section": _string(strings, r["section"]),
            "size": r["size"],
            "readonly": bool(r["flags"] & 4),
            "owner": _string(strings, r["owner"]),
            "init_hash": r["init_hash"]})
    out["functions"] = []
    for i, row in enumerate(doc["functions"]):
        r = _row(row, fcols, FUNC_REQUIRED, FUNC_DEFAULTS, "functions[%d]" % i)
        name = _string(strings, r["name"])
        flags = r["flags"]
        out["functions"].append({
            "name": name,
            "linkage": LINKAGE[flags & 3],
            "visibility": VISIBILITY[flags >> 2 & 3],
            "section": _string(strings, r["section"]),
            "file": _string(strings, r["file"]),
            "line": r["line"],
            "hash": r["hash"],
            "body_hash": r["body_hash"],
            "clone_of": _string(strings, r["clone_of"]),
            "clone_kind": _string(strings, r["clone_kind"]),
            "refs": [_string(strings, s) for s in r["refs"]],
            "inlined": [inlined[j] for j in r["inlined"]],
            "static_locals": [d["name"] for d in out["data"] if d["owner"] == name],
            "fentry": bool(flags & 16),
            "init": bool(flags & 32),
            "exit": bool(flags & 64),
            "notrace": bool(flags & 128)})
    return out


def load(path):
    with open(path) as f:
        return decode(json.load(f))


if __name__ == "__main__":
    json.dump(load(sys.argv[1]), sys.stdout, indent=1)
    print()
