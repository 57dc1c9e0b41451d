#!/bin/sh
# docs-report.sh ESCPROF — regenerates docs/report.html (the HTML report of the bundled
# demo) and docs/report.png, its screenshot in headless Chromium with the largest site
# opened. Run from the repository's root (make docs).
set -eu
escprof=${1:-./escprof}
demo=sample-profiles/out/go1.26/iface_fmt
"$escprof" report -q --html docs/report.html -source_path sample-profiles \
	-trim_path /src/samples "$demo.pb.gz" "$demo.mm.txt"
command -v chromium >/dev/null 2>&1 || ./scripts/install-deps.sh browser
# the first row of the table is the largest site
site=$(sed -n 's/.*<tbody class="site" id="site-\([0-9]*\)".*/\1/p' docs/report.html | head -n 1)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
HOME=$profile chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
	--user-data-dir="$profile" --window-size=1280,2300 --screenshot="$PWD/docs/report.png" \
	"file://$PWD/docs/report.html#open=$site" >/dev/null 2>&1
echo "docs/report.html, docs/report.png (site $site opened)"
