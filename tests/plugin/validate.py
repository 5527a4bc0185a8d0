# SPDX-License-Identifier: GPL-2.0-only
"""validate.py [--list FILE] SIDECAR...: check sidecars against
docs/sidecar-format.md (schema "ksplice-sidecar", version 1): every key
present with its type, no unknown key, hashes 16 hex digits, enumerations
in range, arrays sorted, static_locals and owners consistent. Prints one
line per bad file and exits 1 if any is bad."""
import json
import re
import sys

HEX = re.compile(r"^[0-9a-f]{16}$")
TOP = {"schema": str, "version": int, "compiler": str, "source": str,
       "object": str, "flags_hash": "hash", "functions": list, "data": list}
FUNC = {"name": str, "linkage": "linkage", "visibility": "visibility",
        "section": str, "file": str, "line": int, "hash": "hash",
        "body_hash": "hash?", "clone_of": "str?", "clone_kind": "str?",
        "refs": "strs", "inlined": "inlined", "static_locals": "strs",
        "fentry": bool, "init": bool, "exit": bool, "notrace": bool}
DATA = {"name": str, "linkage": "linkage", "section": str, "size": int,
        "readonly": bool, "owner": "str?", "init_hash": "hash"}
ENUMS = {"linkage": {"global", "weak", "local"},
         "visibility": {"default", "hidden", "protected", "internal"}}


def check_value(kind, v):
    if kind in (str, int, bool, list):
        return type(v) is kind
    if kind == "hash":
        return isinstance(v, str) and bool(HEX.match(v))
    if kind == "hash?":
        return v is None or check_value("hash", v)
    if kind == "str?":
        return v is None or isinstance(v, str)
    if kind in ENUMS:
        return v in ENUMS[kind]
    if kind == "strs":
        return (isinstance(v, list) and all(isinstance(s, str) for s in v)
                and v == sorted(set(v)))
    if kind == "inlined":
        return (isinstance(v, list) and all(
            isinstance(e, dict) and set(e) == {"name", "body_hash"}
            and isinstance(e["name"], str) and check_value("hash?", e["body_hash"])
            for e in v) and [e["name"] for e in v] == sorted(e["name"] for e in v))
    raise ValueError(kind)


def check_obj(obj, spec, what):
    if not isinstance(obj, dict):
        return ["%s is not an object" % what]
    errs = ["%s: missing key '%s'" % (what, k) for k in spec if k not in obj]
    errs += ["%s: unknown key '%s'" % (what, k) for k in obj if k not in spec]
    errs += ["%s: bad value for '%s': %r" % (what, k, obj[k])
             for k in spec if k in obj and not check_value(spec[k], obj[k])]
    return errs


def check(doc):
    errs = check_obj(doc, TOP, "top level")
    if errs:
        return errs
    if doc["schema"] != "ksplice-sidecar" or doc["version"] != 1:
        return ["not a version-1 ksplice sidecar"]
    for f in doc["functions"]:
        errs += check_obj(f, FUNC, "function '%s'" % f.get("name"))
    for d in doc["data"]:
        errs += check_obj(d, DATA, "data '%s'" % d.get("name"))
    if errs:
        return errs
    fnames = [f["name"] for f in doc["functions"]]
    dnames = [d["name"] for d in doc["data"]]
    if fnames != sorted(set(fnames)):
        errs.append("functions not sorted by unique name")
    if dnames != sorted(set(dnames)):
        errs.append("data not sorted by unique name")
    owned = {}
    for d in doc["data"]:
        if d["owner"] is not None:
            owned.setdefault(d["owner"], []).append(d["name"])
    for f in doc["functions"]:
        if f["clone_kind"] is None and f["clone_of"] is not None:
            errs.append("function '%s': clone_of without clone_kind" % f["name"])
        if f["clone_kind"] == "cold" and f["clone_of"] not in fnames:
            errs.append("function '%s': parent '%s' missing" % (f["name"], f["clone_of"]))
        if f["static_locals"] != sorted(owned.get(f["name"], [])) and f["clone_kind"] is None:
            errs.append("function '%s': static_locals do not match data owners" % f["name"])
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
