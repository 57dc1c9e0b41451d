#!/usr/bin/env python3
"""sites.py — the oracle for the real-code cases: where a heap profile's bytes are, by the
user's own source line, computed from `go tool pprof -raw` text alone (no escprof code).

Usage: sites.py RAW --user PKG [--user PKG ...] [-n 15] [--type alloc_space] [--tsv]

The rule, the same one escprof documents:
  * a sample's frames are its locations' lines, leaf first, inlined lines innermost first;
  * leading runtime frames (runtime.*, internal/runtime/*) are skipped; a stack of nothing
    else is runtime-internal and stays at its leaf;
  * the site is the first frame, from there up, whose package is one of the user's
    (--user; `main` for a main package) and which is not a generic instantiation of a
    standard-library function (`slices.Grow[go.shape...]`); reflect, internal/* and every
    package not named by --user are walked over;
  * `via` is the first frame after the runtime's, when the site is above it (the
    dependency the bytes were allocated in), with type arguments shortened to `[...]`;
  * a stack with no user frame stays at that first frame, with no via.
Package names come from the symbol with Go's %xx escapes decoded (`gopkg.in/yaml%2ev2.F`
is in gopkg.in/yaml.v2).

Prints the top N source lines by the sample type, each with its share, and under it the
bytes by via and by object size (the `bytes` label), which is what a judge needs to split
a line between several allocations. --tsv prints one row per (line, via) instead:
function, file, line, via, bytes, objects, sizes.
"""
import argparse
import re
import sys
from collections import defaultdict

SAMPLE = re.compile(r'^((?: +-?\d+)+): ((?:\d+ ?)*)$')
LABEL = re.compile(r'^ {16}(.*)$')
LOC_FIRST = re.compile(r'^ *(\d+): 0x[0-9a-f]+(?: M=\d+)?(?: \[F\])?(?: (.*))?$')
LOC_MORE = re.compile(r'^ {13}(\S.*)$')
FRAME = re.compile(r'^(.*) (\S+?):(\d+)(?::\d+)? s=\d+$')


def package_of(fn):
    """Import path of a function symbol, %xx decoded: text before the first '.' after the
    last '/' that precedes any '[' or '('."""
    end = len(fn)
    for c in '[(':
        i = fn.find(c)
        if i != -1:
            end = min(end, i)
    start = fn.rfind('/', 0, end) + 1
    dot = fn.find('.', start, end)
    pkg = fn[:dot] if dot != -1 else fn[:end]
    return re.sub(r'%([0-9a-fA-F]{2})', lambda m: chr(int(m.group(1), 16)), pkg)


def is_runtime(fn):
    return fn.startswith('runtime.') or fn.startswith('internal/runtime/')


def is_std(pkg):
    first = pkg.split('/')[0]
    return '.' not in first and pkg != 'main' and not pkg.endswith('_test')


def readable(fn):
    """`slices.Grow[go.shape.[]uint8,go.shape.uint8]` -> `slices.Grow[...]`."""
    out, depth = [], 0
    for c in fn:
        if c == '[':
            if depth == 0:
                out.append('[...]')
            depth += 1
        elif c == ']':
            depth -= 1
        elif depth == 0:
            out.append(c)
    return ''.join(out)


def read_raw(path):
    cols, samples, locs = [], [], {}
    sec, cur = 'head', None
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if line == 'Samples:':
                sec = 'hdr'
                continue
            if sec == 'hdr':
                cols = [c.split('/')[0] for c in line.split()]
                sec = 'samples'
                continue
            if line == 'Locations':
                sec = 'locs'
                continue
            if line == 'Mappings':
                sec = 'maps'
                continue
            if sec == 'samples':
                m = SAMPLE.match(line)
                if m:
                    vals = [int(x) for x in m.group(1).split()]
                    ids = [int(x) for x in m.group(2).split()]
                    samples.append({'v': dict(zip(cols, vals)), 'locs': ids, 'size': None})
                    continue
                m = LABEL.match(line)
                if m and samples:
                    b = re.search(r'bytes:\[(\d+)\]', m.group(1))
                    if b:
                        samples[-1]['size'] = int(b.group(1))
            elif sec == 'locs':
                m = LOC_FIRST.match(line)
                if m:
                    cur = int(m.group(1))
                    locs[cur] = []
                    if m.group(2):
                        fm = FRAME.match(m.group(2))
                        if fm:
                            locs[cur].append((fm.group(1), fm.group(2), int(fm.group(3))))
                    continue
                m = LOC_MORE.match(line)
                if m and cur is not None:
                    fm = FRAME.match(m.group(1))
                    if fm:
                        locs[cur].append((fm.group(1), fm.group(2), int(fm.group(3))))
    return samples, locs


def site_of(frames, user):
    """(site frame, via) for a leaf-first frame list."""
    if not frames:
        return ('(no frames)', '', 0), ''
    k = 0
    while k < len(frames) and is_runtime(frames[k][0]):
        k += 1
    if k == len(frames):
        return frames[0], ''
    for j in range(k, len(frames)):
        fn = frames[j][0]
        pkg = package_of(fn)
        if pkg not in user:
            continue
        if is_std(pkg) and '[' in fn and 'go.shape.' in fn:
            continue  # a standard-library generic instantiated for the caller
        return frames[j], (readable(frames[k][0]) if j > k else '')
    return frames[k], ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('raw')
    ap.add_argument('--user', action='append', default=[])
    ap.add_argument('-n', type=int, default=15)
    ap.add_argument('--type', default='alloc_space')
    ap.add_argument('--tsv', action='store_true')
    a = ap.parse_args()
    samples, locs = read_raw(a.raw)
    user = set(a.user)
    total = 0
    by_line = defaultdict(int)
    detail = defaultdict(lambda: [0, 0, defaultdict(lambda: [0, 0])])
    for s in samples:
        frames = [fr for lid in s['locs'] for fr in locs.get(lid, [])]
        val = s['v'].get(a.type, 0)
        objs = s['v'].get(a.type.replace('space', 'objects'), 0)
        total += val
        if not val:
            continue
        (fn, file, line), via = site_of(frames, user)
        by_line[(fn, file, line)] += val
        d = detail[(fn, file, line, via)]
        d[0] += val
        d[1] += objs
        d[2][s['size']][0] += val
        d[2][s['size']][1] += objs
    top = sorted(by_line.items(), key=lambda kv: (-kv[1], kv[0]))[:a.n]
    if not a.tsv:
        print('total %s = %d' % (a.type, total))
    for rank, ((fn, file, line), val) in enumerate(top, 1):
        if not a.tsv:
            print('%2d. %10d %5.1f%%  %s  %s:%d' % (rank, val, 100.0 * val / total if total else 0,
                                                   fn, file, line))
        for (f2, fl2, l2, via), (v2, o2, sizes) in sorted(detail.items(), key=lambda kv: -kv[1][0]):
            if (f2, fl2, l2) != (fn, file, line):
                continue
            sz = ' '.join('%s:%dx' % (k if k is not None else '?', c[1])
                          for k, c in sorted(sizes.items(), key=lambda kv: -kv[1][0]))
            if a.tsv:
                print('\t'.join([fn, file, str(line), via or '-', str(v2), str(o2), sz]))
            else:
                print('      %10d  via %-40s sizes %s' % (v2, via or '-', sz))


if __name__ == '__main__':
    sys.exit(main())
