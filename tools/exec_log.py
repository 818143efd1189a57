"""What tools/core-trace.py and tools/hot-text.py both read: the core's
function symbols and QEMU's exec log (`-d exec,nochain`), one line per
translated block executed, whose guest PC is the second field in brackets."""
import re
import subprocess

BLOCK = re.compile(r"\[[0-9a-f]+/([0-9a-f]+)/")


def function_symbols(elf, demangle=False):
    """(address, size, name) of every function symbol of `elf`, by address."""
    args = ["aarch64-linux-gnu-nm", "-S", "--defined-only"] + (["-C"] if demangle else [])
    out = subprocess.run(args + [elf], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[2] in "tTwW":
            syms.append((int(f[0], 16), int(f[1], 16), f[3]))
    syms.sort()
    return syms


def block_pcs(path):
    """The guest PC of each block the log at `path` records, in order."""
    with open(path, errors="replace") as f:
        for line in f:
            m = BLOCK.search(line)
            if m:
                yield int(m.group(1), 16)
