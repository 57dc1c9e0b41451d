#!/usr/bin/env python3
"""joinable.py — an independent estimate of how much of a profile escprof can join.

Usage: joinable.py N.raw.txt N.mm.txt [N.raw.txt N.mm.txt ...]

Reads `go tool pprof -raw` text (sample values + location ids, then `fn file:line`
per location) and a `-m -m` log, and prints, per profile: the number of samples, the
total alloc_space, and the alloc_space whose leaf line (line[0] of the sample's first
location) is a file:line at which the log has an allocating diagnostic
(`moved to heap: x` or `... escapes to heap`, with or without the `:` that starts a flow
explanation or Go 1.25+'s ` in f:`). Files are compared after dropping the prefixes
`/usr/local/go/src/` and `$WORK/<bNNN>/`, so `/usr/local/go/src/encoding/json/encode.go`
(Go 1.19 log) and `encoding/json/encode.go` (-trimpath profile) are the same file.
Standard library only; no escprof code is used.
"""
import re
import sys
from collections import defaultdict

SAMPLE = re.compile(r'^((?: +-?\d+)+): ((?:\d+ ?)*)$')
LOC_FIRST = re.compile(r'^ *(\d+): 0x[0-9a-f]+(?: M=\d+)?(?: \[F\])?(?: (.*))?$')
LOC_MORE = re.compile(r'^ {13}(\S.*)$')
FILELINE = re.compile(r'^(.*) (\S+?):(\d+)(?::\d+)? s=\d+$')
DIAG = re.compile(r'^(\S+?):(\d+):(\d+): (.*)$')
ALLOC = re.compile(r'(^moved to heap: \S+$)|( escapes to heap(?: in [^:]+)?:?$)')


def norm(path):
    for pre in ('/usr/local/go/src/',):
        if path.startswith(pre):
            return path[len(pre):]
    m = re.match(r'^\$WORK/b\d+/(.*)$', path)
    return m.group(1) if m else path


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
                    vals = dict(zip(cols, map(int, m.group(1).split())))
                    samples.append((vals, [int(x) for x in m.group(2).split()]))
            elif sec == 'locs':
                m = LOC_FIRST.match(line)
                if m:
                    cur = int(m.group(1))
                    locs[cur] = []
                    rest = m.group(2)
                else:
                    m2 = LOC_MORE.match(line)
                    rest = m2.group(1) if m2 else None
                if rest:
                    fl = FILELINE.match(rest)
                    if fl:
                        locs[cur].append((fl.group(1), norm(fl.group(2)), int(fl.group(3))))
    return samples, locs


def read_log(path):
    sites = set()
    with open(path) as f:
        for line in f:
            m = DIAG.match(line.rstrip('\n'))
            if m and ALLOC.search(m.group(4)) and not m.group(4).startswith(' '):
                sites.add((norm(m.group(1)), int(m.group(2))))
    return sites


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    for raw, log in zip(argv[0::2], argv[1::2]):
        samples, locs = read_raw(raw)
        sites = read_log(log)
        total = hit = 0
        by_leaf = defaultdict(int)
        pkg_files = {f for f, _ in sites}
        in_pkg = 0
        for vals, ids in samples:
            sp = vals.get('alloc_space', 0)
            total += sp
            leaf = locs.get(ids[0], []) if ids else []
            if not leaf:
                continue
            fn, file, ln = leaf[0]
            by_leaf[fn] += sp
            if file in pkg_files:
                in_pkg += sp
            if (file, ln) in sites:
                hit += sp
        pct = lambda x: 100.0 * x / total if total else 0.0
        print(f'{raw}: samples={len(samples)} alloc_space={total} '
              f'leaf_at_alloc_diag={hit} ({pct(hit):.1f}%) '
              f'leaf_in_logged_files={in_pkg} ({pct(in_pkg):.1f}%) '
              f'alloc_sites_in_log={len(sites)}')


if __name__ == '__main__':
    main(sys.argv[1:])
