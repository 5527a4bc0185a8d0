# SPDX-License-Identifier: GPL-2.0-only
"""verdicts.py KEY PRE.json POST.json: for every function of either sidecar,
by normalised name, print "name: equal", "name: changed" (KEY differs),
"name: only-pre" or "name: only-post", sorted by name. Functions whose
normalised names collide (two .constprop clones) compare as a multiset."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ks_sidecar  # noqa: E402


def normalise(name):
    name = name.lstrip("*")
    m = re.match(r"(__initcall__kmod_.*?__)\d+_\d+_(.*)", name)
    if m:
        name = m.group(1) + m.group(2)
    parts = name.split(".")
    if parts[0].startswith("__UNIQUE_ID_"):
        parts[0] = parts[0].rstrip("0123456789")
    return ".".join([parts[0]] + [p for p in parts[1:] if not p.isdigit()])


def load(path, key):
    out = {}
    for f in ks_sidecar.load(path)["functions"]:
        out.setdefault(normalise(f["name"]), []).append(json.dumps(f[key]))
    return {name: sorted(values) for name, values in out.items()}


def main():
    key, pre, post = sys.argv[1], load(sys.argv[2], sys.argv[1]), load(sys.argv[3], sys.argv[1])
    for name in sorted(set(pre) | set(post)):
        if name not in post:
            verdict = "only-pre"
        elif name not in pre:
            verdict = "only-post"
        else:
            verdict = "equal" if pre[name] == post[name] else "changed"
        print("%s: %s" % (name, verdict))


main()
