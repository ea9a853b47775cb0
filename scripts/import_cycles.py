#!/usr/bin/env python3
"""Import cycles between the till's source files (issue 18's check), from the `use` lines and the
inline `crate::`/`super::`/`self::` paths of each file's non-test code.

A file imports another when a path it names resolves (longest module prefix) to that file. Test
code is left out: files named tests.rs or *_tests.rs, anything under a tests/ folder, and
everything after a file's first `#[cfg(test)]`. An import of an ancestor module's own file (a child
naming `super::State`, defined in its folder's mod.rs) is not counted: that is the folder's shared
vocabulary, not a layer above (the review's 17-file count of 2026-12 did not list core/mod.rs
either). Prints each cycle (strongly connected set of two or more files), largest first, then a
count per top-level module. Usage: scripts/import_cycles.py [src] [--only core]
"""
import os
import re
import sys

ARGS = sys.argv[1:]
ONLY = ARGS[ARGS.index("--only") + 1] if "--only" in ARGS else None
SRC = next((a for i, a in enumerate(ARGS) if not a.startswith("--") and (i == 0 or ARGS[i - 1] != "--only")), "src")


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def is_test(path):
    rel = os.path.relpath(path, SRC).split(os.sep)
    name = rel[-1]
    return name == "tests.rs" or name.endswith("_tests.rs") or "tests" in rel[:-1]


files = {}
for root, _, names in os.walk(SRC):
    for n in names:
        p = os.path.join(root, n)
        if n.endswith(".rs") and not is_test(p):
            files[module_of(p)] = p
if ("main",) in files:
    del files[("main",)]


def expand(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e] (aliases and globs dropped)."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [re.sub(r"as\w+$", "", tree).rstrip(":*").rstrip(":")]
    prefix, body = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    return [x for p in parts if p for x in expand(prefix + p)]


def resolve(me, path):
    segs = [s for s in path.split("::") if s]
    if not segs:
        return None
    if segs[0] == "crate":
        base, segs = [], segs[1:]
    elif segs[0] in ("super", "self"):
        base = list(me)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    else:
        return None
    best = None
    for i in range(len(segs) + 1):
        m = tuple(base + segs[:i])
        if m in files:
            best = m
    return best


edges = {m: set() for m in files}
for me, p in files.items():
    text = open(p, encoding="utf-8").read()
    cut = re.search(r"^\s*#\[cfg\(test\)\]", text, re.M)
    if cut:
        text = text[: cut.start()]
    text = re.sub(r"//[^\n]*", "", text)
    paths = []
    for u in re.finditer(r"\buse\s+([^;]+);", text):
        paths += expand(u.group(1))
    paths += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text)
    for path in paths:
        t = resolve(me, path)
        if t is None or t == me or me[: len(t)] == t:
            continue
        edges[me].add(t)

# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


for v in sorted(files):
    if v not in index:
        visit(v)

name = lambda m: "/".join(m) or "lib"
shown = [c for c in sccs if ONLY is None or all(m[:1] == (ONLY,) for m in c)]
for c in sorted(shown, key=len, reverse=True):
    print(f"{len(c)} files: " + ", ".join(name(m) for m in c))
by_top = {}
for c in sccs:
    by_top.setdefault(name(c[0][:1]), []).append(len(c))
print("cycles per module:", ", ".join(f"{k} {sorted(v, reverse=True)}" for k, v in sorted(by_top.items())) or "none")
