#!/usr/bin/env python3
"""The core's hot-text list (core/image/hot-text.ld): write it from QEMU exec
traces, or check it against a built core.

Every call into the core runs right after a world switch has emptied QEMU's
TLB and jump cache, so each code page it touches costs a page-table walk
and its blocks new lookups; gathering the functions the common calls run
onto a few pages cuts that (bench/README.md has the numbers). This reads
traces recorded with tools/core-trace.sh and the core's ELF, and prints one
linker-script line per function the traces run, those run by the most calls
first (ties in the order they first ran), as a pattern on its section name
with the symbol's hash left out (the hash changes with the build; the path
does not), under both names the compiler gives function sections
(`.text.unlikely.` for the ones it thinks cold). Every name of a folded
function counts (the linker's identical code folding keeps one section for
several). The assembly's own labels are left out (linker.ld places its
section whole), and so are the outliner's OUTLINED_FUNCTION_n, whose
numbers change with every build.

`--check` fails when the list has gone stale (under 90% of its patterns
name a function of the core: rerun `make hot-text`) or does not take effect
(more than 2% of the functions it names lie outside the start of the Rust
code).

Usage: hot-text.py TEE_ELF TRACE_LOG... > core/image/hot-text.ld
       hot-text.py --check TEE_ELF core/image/hot-text.ld
"""
import bisect
import fnmatch
import glob
import os
import re
import sys

from exec_log import block_pcs, function_symbols

# The first block of every call into the core (a yielding call).
CALL_ENTRY = "$u20$as$u20$oxtee_arch..hooks..Core$GT$13yielding_call"
# Legacy Rust mangling: _ZN <path> 17h<16 hex digits> E
HASH = re.compile(r"17h[0-9a-f]{16}E$")


def asm_labels():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    labels = set()
    for path in glob.glob(os.path.join(root, "core/arch/src/asm/*.S")):
        with open(path) as f:
            labels.update(re.findall(r"^\s*([A-Za-z_]\w*):", f.read(), re.M))
    return labels


def check(elf, listing):
    """Exit status 1 with a reason when the list is stale or not applied."""
    syms = [s for s in function_symbols(elf) if HASH.search(s[2])]
    with open(listing) as f:
        patterns = re.findall(r"^\*\(\.text\.(\S+) ", f.read(), re.M)
    if not patterns or not syms:
        sys.exit(f"hot-text: nothing to check in {listing} / {elf}")
    by_prefix = {}
    for s in syms:
        by_prefix.setdefault(HASH.sub("17h*", s[2]), []).append(s)
    matched = {}
    for p in patterns:
        hits = by_prefix.get(p) or [s for s in syms if fnmatch.fnmatchcase(s[2], p)]
        for s in hits:
            matched[s[0]] = max(matched.get(s[0], 0), s[1])
    named = sum(1 for p in patterns if p in by_prefix)
    if named * 10 < len(patterns) * 9:
        sys.exit(f"hot-text: only {named} of {len(patterns)} patterns in {listing} name a "
                 f"function of {elf}: the list is stale, rerun `make hot-text`")
    start = min(s[0] for s in syms)
    size = sum(matched.values())
    # Function alignment pads a little; 1/8 more and a page is ample.
    limit = start + size + size // 8 + 4096
    late = [a for a in matched if a >= limit]
    # A listed function folded into an unlisted twin stays where the twin is.
    if len(late) * 50 > len(matched):
        sys.exit(f"hot-text: {len(late)} of {len(matched)} listed functions lie past "
                 f"{limit:#x} (Rust code starts at {start:#x}, the listed ones take "
                 f"{size} bytes): linker.ld does not apply {listing}")
    print(f"hot-text: {named} of {len(patterns)} patterns name functions; "
          f"{len(matched)} functions ({size} bytes) packed from {start:#x}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    syms = function_symbols(sys.argv[1])
    starts = [s[0] for s in syms]
    names_at = {}
    for addr, _, name in syms:
        names_at.setdefault(addr, []).append(name)
    skip = asm_labels()
    entry = next((s[0] for s in syms if CALL_ENTRY in s[2]), None)
    if entry is None:
        sys.exit(f"{sys.argv[1]}: no symbol with {CALL_ENTRY}")
    calls = {}  # pattern -> number of calls it ran in
    first = {}  # pattern -> when it first ran
    this_call = set()
    for log in sys.argv[2:]:
        for pc in block_pcs(log):
            if pc == entry:
                this_call = set()
            i = bisect.bisect_right(starts, pc) - 1
            if i < 0 or pc >= syms[i][0] + syms[i][1] or syms[i][0] in this_call:
                continue
            this_call.add(syms[i][0])
            for name in names_at[syms[i][0]]:
                if name in skip or name.startswith(("OUTLINED_FUNCTION_", "$")):
                    continue
                pattern = HASH.sub("17h*", name)
                calls[pattern] = calls.get(pattern, 0) + 1
                first.setdefault(pattern, len(first))
    order = sorted(calls, key=lambda p: (-calls[p], first[p]))
    print("/* Written by tools/hot-text.py from traces of the common calls;")
    print(" * linker.ld puts these functions first in .text. */")
    for p in order:
        print(f"*(.text.{p} .text.unlikely.{p})")


if __name__ == "__main__":
    main()
