#!/usr/bin/env python3
"""Where the core image's bytes go: code and read-only data of tee.elf per
crate (the crate a symbol's code belongs to, after demangling), largest
first, as a Markdown table.

Usage: size-table.py [--nm aarch64-linux-gnu-nm] [--top N]
                     [--before <old tee.elf> <old pager.bin>] <tee.elf> [<pager.bin>]

With --before, one table compares the two images crate by crate (bytes of
code and data before, after, and the difference), the largest first.

A generic function instantiated for another crate's type is counted under
the crate that defines the type (`<p521::Scalar as Invert>::invert` is
p521's), trait glue of `core`/`alloc` under the first other crate named in
it; what names no crate at all is "(unnamed)" (on an image built for size,
mostly the code sequences the linker-time outliner shares between
functions)."""

import argparse
import collections
import os
import re
import subprocess
import sys

PATH = re.compile(r"(?<![A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::")
STD = {"core", "alloc", "std", "compiler_builtins"}
# Names that look like a path head but are not crates.
NOT_CRATES = {"impl", "dyn", "mut", "const", "for", "as"}
KINDS = {"t": "code", "r": "rodata", "d": "data"}


def crate_of(name: str) -> str:
    heads = [h for h in PATH.findall(name) if h not in NOT_CRATES and not h[0].isupper()]
    for h in heads:
        if h not in STD:
            return h
    return heads[0] if heads else "(unnamed)"


def sizes_of(nm: str, elf: str) -> collections.Counter:
    """Bytes per (crate, kind) of the symbols in `elf`."""
    out = subprocess.run(
        [nm, "--size-sort", "-S", "-C", elf], capture_output=True, text=True, check=True
    ).stdout
    sizes = collections.Counter()
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4:
            continue
        _, size, kind, name = parts
        k = KINDS.get(kind.lower())
        if k is not None:
            sizes[(crate_of(name), k)] += int(size, 16)
    return sizes


def per_crate(sizes: collections.Counter) -> collections.Counter:
    crates = collections.Counter()
    for (c, _), n in sizes.items():
        crates[c] += n
    return crates


def single(a, sizes: collections.Counter) -> None:
    total = collections.Counter()
    for (_, k), n in sizes.items():
        total[k] += n
    print("| crate | code (bytes) | rodata+data (bytes) | share |")
    print("|---|---:|---:|---:|")
    all_bytes = sum(total.values())
    rest = [0, 0]
    for i, (c, n) in enumerate(per_crate(sizes).most_common()):
        code = sizes[(c, "code")]
        data = sizes[(c, "rodata")] + sizes[(c, "data")]
        if i < a.top:
            print(f"| {c} | {code:,} | {data:,} | {100 * n / all_bytes:.1f}% |")
        else:
            rest[0] += code
            rest[1] += data
    if rest != [0, 0]:
        print(f"| (other crates) | {rest[0]:,} | {rest[1]:,} | {100 * sum(rest) / all_bytes:.1f}% |")
    print(f"| **symbols in total** | **{total['code']:,}** | **{total['rodata'] + total['data']:,}** | 100% |")
    if a.pager:
        print()
        print(f"tee-pager_v2.bin: {os.path.getsize(a.pager):,} bytes (code, constants and"
              " .data's initial values back to back, with data without symbols: strings, tables).")


def compare(a, before: collections.Counter, after: collections.Counter) -> None:
    b, n = per_crate(before), per_crate(after)
    names = sorted(set(b) | set(n), key=lambda c: -max(b[c], n[c]))
    print("| crate | before (bytes) | after (bytes) | difference |")
    print("|---|---:|---:|---:|")
    rest = [0, 0]
    for i, c in enumerate(names):
        if i < a.top:
            print(f"| {c} | {b[c]:,} | {n[c]:,} | {n[c] - b[c]:+,} |")
        else:
            rest[0] += b[c]
            rest[1] += n[c]
    if rest != [0, 0]:
        print(f"| (other crates) | {rest[0]:,} | {rest[1]:,} | {rest[1] - rest[0]:+,} |")
    tb, tn = sum(b.values()), sum(n.values())
    print(f"| **symbols in total** | **{tb:,}** | **{tn:,}** | **{tn - tb:+,}** |")
    old_bin, new_bin = a.before[1], a.pager
    if old_bin and new_bin:
        ob, nb = os.path.getsize(old_bin), os.path.getsize(new_bin)
        print(f"| **tee-pager_v2.bin** | **{ob:,}** | **{nb:,}** | **{nb - ob:+,}** |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", default="aarch64-linux-gnu-nm")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--before", nargs=2, metavar=("ELF", "BIN"))
    ap.add_argument("elf")
    ap.add_argument("pager", nargs="?")
    a = ap.parse_args()
    after = sizes_of(a.nm, a.elf)
    if a.before:
        compare(a, sizes_of(a.nm, a.before[0]), after)
    else:
        single(a, after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
