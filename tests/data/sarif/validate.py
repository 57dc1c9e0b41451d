#!/usr/bin/env python3
"""validate.py SCHEMA SARIF... — checks SARIF logs as GitHub code scanning needs them:
valid against the SARIF 2.1.0 JSON schema (python3-jsonschema, Draft 4 as the schema
declares), and every artifactLocation.uri a percent-encoded relative reference inside the
repository: no scheme, no leading '/', no '..' segment, nothing but RFC 3986 unreserved
characters, '%XX' escapes and '/' separators. One line per problem; exit 0 when none,
1 on problems, 77 when jsonschema is not installed."""
import json
import re
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)

URI = re.compile(r"^(?:[A-Za-z0-9._~/-]|%[0-9A-Fa-f]{2})+$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def uris(node, where):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "artifactLocation" and isinstance(v, dict):
                yield where + "/" + k, v.get("uri")
            yield from uris(v, where + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from uris(v, "%s/%d" % (where, i))


def problems(doc):
    for where, uri in uris(doc, ""):
        if not isinstance(uri, str) or not uri:
            yield "%s: no uri" % where
        elif SCHEME.match(uri) or uri.startswith("/"):
            yield "%s: %r is not relative" % (where, uri)
        elif ".." in uri.split("/"):
            yield "%s: %r climbs out with '..'" % (where, uri)
        elif not URI.match(uri):
            yield "%s: %r is not percent-encoded" % (where, uri)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        validator = jsonschema.Draft4Validator(json.load(f))
    bad = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for e in validator.iter_errors(doc):
            print("%s: %s: %s" % (path, "/".join(str(p) for p in e.absolute_path), e.message))
            bad += 1
        for p in problems(doc):
            print("%s: %s" % (path, p))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
