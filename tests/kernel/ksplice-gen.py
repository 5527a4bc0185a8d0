#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ksplice-gen.py: write the ABI tables of a test update module.

This is a stand-in for the linker step (linker/, issue 5) that kernel tests
use until it lands; it is not part of the product. It does what the linker
does for the simplest case: the old code of each patched function is the
function's section (-ffunction-sections) extracted from the pre object with
objcopy and embedded with .incbin, and its relocations (read with
readelf -rW) become PRE relocations, and the .altinstructions entries
whose original instructions lie in it become SITE entries. The new code is ordinary C compiled
into the update module, which refers to unexported kernel symbols only
through pointer variables named with --new-reloc.

usage: ksplice-gen.py --out DIR --id ID --target TARGET --release REL
         [--description TEXT] [--nr-targets N]
         --pre OBJ:FUNC...  [--patch FUNC...]  [--new-reloc VAR:SYMBOL[:data]...]

Writes DIR/ksplice-tables.c and DIR/pre-FUNC.bin. A patched FUNC must have
a --pre; the replacement is the update module's own global FUNC.
"""
import argparse
import os
import re
import subprocess
import sys

RTYPES = {
    "R_X86_64_PC32": "KSPLICE_R_PC32",
    "R_X86_64_PLT32": "KSPLICE_R_PC32",
    "R_X86_64_64": "KSPLICE_R_ABS64",
    "R_X86_64_32": "KSPLICE_R_ABS32",
    "R_X86_64_32S": "KSPLICE_R_ABS32S",
}


def die(msg):
    sys.stderr.write("ksplice-gen: error: %s\n" % msg)
    sys.exit(1)


def relocs_of(obj, section):
    """The relocations of one section: (offset, type, symbol, addend)."""
    out = subprocess.run(["readelf", "-rW", obj], check=True,
                         capture_output=True, text=True).stdout
    rels, cur = [], None
    for line in out.splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            cur = m.group(1)
            continue
        if cur != ".rela" + section:
            continue
        m = re.match(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+(\S+)\s+[0-9a-f]+\s+(\S+)\s*([+-])\s*([0-9a-f]+)",
                     line)
        if not m:
            continue
        off, rtype, sym, sign, add = m.groups()
        addend = int(add, 16) * (-1 if sign == "-" else 1)
        rels.append((int(off, 16), rtype, sym, addend))
    return rels


def alt_sites(obj, func):
    """(offset, length) of each alternatives site in FUNC's section."""
    raw = obj + ".altinstructions.bin"
    r = subprocess.run(["objcopy", "-O", "binary", "--only-section=.altinstructions",
                        obj, raw], capture_output=True)
    if r.returncode or not os.path.exists(raw):
        return []
    data = open(raw, "rb").read()
    os.unlink(raw)
    sites = set()
    for off, rtype, sym, addend in relocs_of(obj, ".altinstructions"):
        if off % 12 == 0 and sym in (".text." + func, func) and off + 12 <= len(data):
            sites.add((addend, data[off + 10]))     # struct alt_instr: instrlen
    return sorted(sites)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--release", required=True)
    ap.add_argument("--description", default="test update")
    ap.add_argument("--nr-targets", type=int, default=1)
    ap.add_argument("--pre", action="append", default=[])
    ap.add_argument("--patch", action="append", default=[])
    ap.add_argument("--new-reloc", action="append", default=[])
    a = ap.parse_args()

    syms, symidx = [], {}

    def sym(name, flags):
        if name not in symidx:
            symidx[name] = len(syms)
            syms.append((name, flags))
        return symidx[name]

    pres, relocs = [], []
    for spec in a.pre:
        obj, func = spec.split(":")
        sec = ".text." + func
        binf = os.path.join(a.out, "pre-%s.bin" % func)
        subprocess.run(["objcopy", "-O", "binary", "--only-section=" + sec,
                        obj, binf], check=True)
        size = os.path.getsize(binf)
        if size == 0:
            die("no section '%s' in '%s'" % (sec, obj))
        s = sym(func, "KSPLICE_SYM_FUNC")
        pres.append((func, size, s))
        for n, (off, rtype, rsym, addend) in enumerate(relocs_of(obj, sec)):
            if rtype == "R_X86_64_NONE":
                continue
            if rtype not in RTYPES:
                die("%s+0x%x: relocation type %s" % (func, off, rtype))
            if rsym.startswith(".text."):
                name, flags = rsym[len(".text."):], "KSPLICE_SYM_FUNC"
            elif rsym.startswith("."):
                # a section symbol: one anonymous symbol per use, as the
                # final link may merge or move what it points into
                name, flags = "%s#%s.%d" % (rsym, func, n), "KSPLICE_SYM_DATA"
            else:
                name, flags = rsym, "KSPLICE_SYM_FUNC"
            relocs.append(("%s_pre + %d" % (func, off), addend,
                           sym(name, flags), RTYPES[rtype], "KSPLICE_RELOC_PRE"))
        for off, length in alt_sites(obj, func):
            relocs.append(("%s_pre + %d" % (func, off), length, s,
                           "KSPLICE_R_SITE_ALT", "KSPLICE_RELOC_SITE"))
    for spec in a.new_reloc:
        var, name, *kind = spec.split(":")
        flags = "KSPLICE_SYM_DATA" if kind == ["data"] else "KSPLICE_SYM_FUNC"
        relocs.append(("&" + var, 0, sym(name, flags),
                       "KSPLICE_R_ABS64", "KSPLICE_RELOC_NEW"))
    for func in a.patch:
        if func not in symidx:
            die("patch '%s' has no --pre" % func)

    c = ['// SPDX-License-Identifier: GPL-2.0-only',
         '/* Generated by tests/kernel/ksplice-gen.py; do not edit. */',
         '#include <linux/module.h>', '#include "ksplice-abi.h"', '']
    for func, size, s in pres:
        c.append('extern const unsigned char %s_pre[];' % func)
        c.append('asm(".pushsection %s, \\"a\\"\\n%s_pre:\\n.incbin \\"%s\\"\\n.popsection");'
                 % (".ksplice.pre_code", func, os.path.abspath(
                     os.path.join(a.out, "pre-%s.bin" % func))))
    for func in a.patch:
        c.append('extern char %s[];' % func)
    for spec in a.new_reloc:
        c.append('extern void *%s;' % spec.split(":")[0])
    c.append('')
    c.append('static const struct ksplice_symbol symbols[] __section(".ksplice.symbols") = {')
    for name, flags in syms:
        c.append('\t{ .name = "%s", .object = "", .flags = %s },' % (name, flags))
    c.append('};')
    c.append('static const struct ksplice_reloc relocs[%d] __section(".ksplice.relocs") = {'
             % max(len(relocs), 0))
    for where, addend, s, t, f in relocs:
        c.append('\t{ .where = (void *)(%s), .addend = %d, .symbol = %d, .type = %s, .flags = %s },'
                 % (where, addend, s, t, f))
    c.append('};')
    c.append('static const struct ksplice_pre_section pre[] __section(".ksplice.pre") = {')
    for func, size, s in pres:
        c.append('\t{ .code = %s_pre, .size = %d, .symbol = %d, .flags = KSPLICE_PRE_TEXT },'
                 % (func, size, s))
    c.append('};')
    c.append('static const struct ksplice_patch patches[%d] __section(".ksplice.patches") = {'
             % len(a.patch))
    for func in a.patch:
        c.append('\t{ .new_code = %s, .symbol = %d, .flags = KSPLICE_PATCH_FENTRY },'
                 % (func, symidx[func]))
    c.append('};')
    c.append('''
const struct ksplice_header ksplice_update_header __section(".ksplice.header") = {
	.magic = KSPLICE_ABI_MAGIC,
	.version = KSPLICE_ABI_VERSION,
	.header_size = sizeof(struct ksplice_header),
	.id = "%s",
	.target = "%s",
	.kernel_release = "%s",
	.description = "%s",
	.nr_targets = %d,
	.symbols = symbols, .nr_symbols = ARRAY_SIZE(symbols),
	.symbol_size = sizeof(struct ksplice_symbol),
	.relocs = relocs, .nr_relocs = ARRAY_SIZE(relocs),
	.reloc_size = sizeof(struct ksplice_reloc),
	.pre = pre, .nr_pre = ARRAY_SIZE(pre),
	.pre_size = sizeof(struct ksplice_pre_section),
	.patches = patches, .nr_patches = ARRAY_SIZE(patches),
	.patch_size = sizeof(struct ksplice_patch),
};''' % (a.id, a.target, a.release, a.description, a.nr_targets))
    with open(os.path.join(a.out, "ksplice-tables.c"), "w") as f:
        f.write("\n".join(c) + "\n")


main()
