#!/usr/bin/env python3
"""Where the core image's bytes go: code and read-only data of tee.elf per
crate (the crate a symbol's code belongs to, after demangling), largest
first, as a Markdown table.

Usage: size-table.py [--nm aarch64-linux-gnu-nm] [--top N] <tee.elf> [<pager.bin>]

A generic function instantiated for another crate's type is counted under
the crate that defines the type (`<p521::Scalar as Invert>::invert` is
p521's), trait glue of `core`/`alloc` under the first other crate named in
it; what names no crate at all is "(unnamed)"."""

import argparse
import collections
import re
import subprocess
import sys

PATH = re.compile(r"(?<![A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::")
STD = {"core", "alloc", "std", "compiler_builtins"}
# Names that look like a path head but are not crates.
NOT_CRATES = {"impl", "dyn", "mut", "const", "for", "as"}


def crate_of(name: str) -> str:
    heads = [h for h in PATH.findall(name) if h not in NOT_CRATES and not h[0].isupper()]
    for h in heads:
        if h not in STD:
            return h
    return heads[0] if heads else "(unnamed)"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", default="aarch64-linux-gnu-nm")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("elf")
    ap.add_argument("pager", nargs="?")
    a = ap.parse_args()
    out = subprocess.run(
        [a.nm, "--size-sort", "-S", "-C", a.elf], capture_output=True, text=True, check=True
    ).stdout
    sizes = collections.Counter()
    kinds = {"t": "code", "r": "rodata", "d": "data"}
    total = collections.Counter()
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4:
            continue
        _, size, kind, name = parts
        k = kinds.get(kind.lower())
        if k is None:
            continue
        n = int(size, 16)
        sizes[(crate_of(name), k)] += n
        total[k] += n
    crates = collections.Counter()
    for (c, _), n in sizes.items():
        crates[c] += n
    print(f"| crate | code (bytes) | rodata+data (bytes) | share |")
    print("|---|---:|---:|---:|")
    all_bytes = sum(total.values())
    rest = [0, 0]
    for i, (c, n) in enumerate(crates.most_common()):
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
        import os

        print()
        print(f"tee-pager_v2.bin: {os.path.getsize(a.pager):,} bytes (sections padded, plus"
              " data without symbols: strings, tables, relocation-free constants).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
