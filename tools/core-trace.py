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
import sys

from exec_log import block_pcs, function_symbols

CALL_ENTRY = "as oxtee_arch::hooks::Core>::yielding_call"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    elf, log = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    syms = [(a, n) for a, _, n in function_symbols(elf, demangle=True)]
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
    for pc in block_pcs(log):
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
