#!/usr/bin/env bash
# generate.sh [CASE...] — regenerate the real-code cases (every case directory here, or
# those named) with the real Go toolchains: each case's own generate.sh builds, runs and
# writes its go1.X/ files. The toolchains: Go 1.19 from Debian (`apt-get install golang-go`),
# the others from ../../../shared/tools/go-toolchains.sh (or $GO_TOOLCHAINS_DIR); the
# libraries from Debian's golang-*-dev packages (scripts/install-deps.sh test). A new run
# gives slightly different byte counts (the runtime's own allocations vary): the verdicts'
# bytes must then be taken again from the new NAME.top.txt.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
	for d in "$here"/*/; do
		[ -x "$d/generate.sh" ] && cases+=("$(basename "$d")")
	done
fi
for c in "${cases[@]}"; do
	[ -x "$here/$c/generate.sh" ] || { echo "generate.sh: no case $c" >&2; exit 2; }
	"$here/$c/generate.sh"
done
