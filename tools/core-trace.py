#!/usr/bin/env python3
"""Where the oxtee core's work goes per call, from a QEMU exec trace.

Reads a log written by QEMU's `-d exec,nochain` restricted to the core's code
(`-dfilter`), which has one line per translated block executed, and the
core's ELF for its symbols. The trace is cut into calls at the first block
of the core's yielding-call entry. Prints, per call: blocks executed,
distinct blocks (each costs QEMU a lookup after the TLB and jump-cache flush
of every world switch) and code pages touched (each a TLB refill), then the
functions that execute most blocks and those that bring the most distinct
blocks. tools/core-trace.sh records such a log (bench/README.md).

Usage: core-trace.py TEE_ELF TRACE_LOG [TOP]
"""
import bisect
import collections
import re
import subprocess
import sys

CALL_ENTRY = "as oxtee_arch::hooks::Core>::yielding_call"
BLOCK = re.compile(r"\[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elf, nm):
    out = subprocess.run([nm, "-S", "--defined-only", "-C", elf],
                         capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[2] in "tTwW":
            syms.append((int(f[0], 16), f[3]))
    syms.sort()
    return syms


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    elf, log = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    nm = "aarch64-linux-gnu-nm"
    syms = symbols(elf, nm)
    starts = [a for a, _ in syms]
    entry = next((a for a, n in syms if CALL_ENTRY in n), None)
    if entry is None:
        sys.exit(f"{elf}: no symbol ending in '{CALL_ENTRY}'")

    def name(pc):
        i = bisect.bisect_right(starts, pc) - 1
        return syms[i][1] if i >= 0 else "?"

    calls = 0
    execs = collections.Counter()
    breadth = collections.Counter()
    totals = [0, 0, 0]
    seen = set()
    pending = 0
    with open(log, errors="replace") as f:
        for line in f:
            m = BLOCK.search(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == entry:
                if calls:
                    totals[0] += pending
                    totals[1] += len(seen)
                    totals[2] += len({p >> 12 for p in seen})
                    for p in seen:
                        breadth[name(p)] += 1
                calls += 1
                seen = set()
                pending = 0
            if calls:
                pending += 1
                seen.add(pc)
                execs[name(pc)] += 1
    done = calls - 1
    if done < 1:
        sys.exit("fewer than two call entries in the trace: record longer, or later")
    print(f"{done} calls: per call {totals[0] / done:.0f} blocks executed, "
          f"{totals[1] / done:.0f} distinct blocks, {totals[2] / done:.1f} code pages")
    print("\nblocks executed per call, by function:")
    for n, c in execs.most_common(top):
        print(f"{c / calls:9.1f}  {n[:150]}")
    print("\ndistinct blocks per call, by function:")
    for n, c in breadth.most_common(top):
        print(f"{c / done:9.1f}  {n[:150]}")


if __name__ == "__main__":
    main()
