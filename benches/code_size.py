#!/usr/bin/env python3
"""Machine code per crate in a briefpress binary, from its symbol table.

Usage: python3 benches/code_size.py [target/release/briefpress] [rows]

Reads `nm --print-size --demangle` (GNU binutils) on the unstripped
binary: every function symbol's size goes to the crate that owns it, the
first crate named in its demangled path other than the standard
library's: `<typst_library::Foo as core::hash::Hash>::hash` is
typst_library's, and so is the generic `Vec<typst_library::Foo>::push`
made for it. C and C++ symbols (HarfBuzz) are counted apart. No rebuild is needed, unlike `cargo
bloat`; the binary's sections (`size -A`) give the totals the table is
set against.
"""

import re
import subprocess
import sys
from collections import Counter

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/briefpress"
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25

def symbols(*flags):
    """Function symbols (size, name) in the binary's own order."""
    out = subprocess.run(
        ["nm", "--no-sort", "--print-size", *flags, binary],
        capture_output=True, text=True, check=True,
    ).stdout
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in ("t", "T", "w", "W"):
            yield int(parts[1], 16), parts[3].strip()


STD = ("core", "alloc", "std", "hashbrown")
# The first segment of each path: a crate.
RUST_PATH = re.compile(r"(?<![A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::")


def owner(mangled: str, name: str) -> str:
    """The crate a function belongs to."""
    if not (mangled.startswith("_R") or re.search(r"17h[0-9a-f]{16}E", mangled)):
        # C and C++ compiled in: HarfBuzz (hb-subset, for the EPUB fonts).
        return "HarfBuzz (C++, the EPUB font subsetter)"
    crates = RUST_PATH.findall(name)
    if not crates:
        return "(Rust, no path)"
    # Generic code of the standard library (a `Vec<T>`, an iterator, a
    # `drop_in_place<T>`) counts for the crate whose type it was made for.
    mine = [crate for crate in crates if crate not in STD]
    return mine[0] if mine else "std (core, alloc, std, hashbrown)"


code = Counter()
for (size, mangled), (_, name) in zip(symbols(), symbols("--demangle")):
    code[owner(mangled, name)] += size

sections = subprocess.run(["size", "-A", binary], capture_output=True, text=True, check=True).stdout
text = next(int(l.split()[1]) for l in sections.splitlines() if l.startswith(".text "))
total = sum(code.values())
print(f"| crate | code (MB) | share of .text |")
print(f"| --- | --- | --- |")
for crate, size in code.most_common(rows):
    print(f"| {crate} | {size / 1e6:.2f} | {100 * size / text:.1f} % |")
rest = sum(size for _, size in code.most_common()[rows:])
print(f"| {len(code) - rows} other crates | {rest / 1e6:.2f} | {100 * rest / text:.1f} % |")
print(f"| (sum of symbols / .text) | {total / 1e6:.2f} / {text / 1e6:.2f} | |")
