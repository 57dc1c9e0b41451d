#!/bin/sh
# gen-man.sh BIN TEMPLATE — writes escprof(1) on stdout: TEMPLATE's hand-written roff with
# @VERSION@, @COMMAND_LIST@ (one entry per command of `BIN help --commands`) and
# @COMMAND_SECTIONS@ (each command's `BIN help CMD`, turned into roff) filled in. The
# help texts follow one layout (usage block, paragraphs, "heading:" lines, option lines
# "  -x, --opt ARG   what it does" with indented continuations, examples last), so a
# command added to the table gets its section without touching this script. The global
# options every help repeats are said once, in the template.
set -eu
bin=$1
template=$2

version=$("$bin" --version | sed 's/^escprof //')
cmds=$(mktemp)
list=$(mktemp)
sections=$(mktemp)
trap 'rm -f "$cmds" "$list" "$sections"' EXIT
"$bin" help --commands >"$cmds"

# roff-safe text: backslashes printed as such, every '-' a real minus (options copy and
# paste), no line starting with a control character
esc() {
	sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

while IFS='	' read -r name summary; do
	printf '.TP 12\n.B %s\n%s\n' "$(printf '%s' "$name" | esc)" "$(printf '%s\n' "$summary" | esc)"
done <"$cmds" >"$list"

while IFS='	' read -r name summary; do
	printf '.SS "escprof %s"\n' "$(printf '%s' "$name" | esc)"
	"$bin" help "$name" | esc | awk '
	function flush_nf() { if (nf) { print ".fi"; print ".RE"; nf = 0 } }
	BEGIN { state = "usage" }
	state == "usage" {
		if ($0 == "") { flush_nf(); print ".PP"; state = "text"; next }
		if (!nf) { print ".PP"; print ".RS 4"; print ".nf"; nf = 1 }
		print; next
	}
	state == "examples" { sub(/^  /, ""); print; next }
	state == "global" { if ($0 == "") state = "text"; next }
	/^$/ { flush_nf(); opt = 0; print ".PP"; next }
	/^global options.*:$/ { state = "global"; next }
	/^[a-z][a-z ()]*:$/ {
		flush_nf(); opt = 0
		print ".PP"; print "\\fI" $0 "\\fR"
		if ($0 == "examples:") { state = "examples"; print ".RS 4"; print ".nf" }
		next
	}
	/^  \\-/ {
		flush_nf()
		line = substr($0, 3)
		i = index(line, "  ")
		if (i) { term = substr(line, 1, i - 1); desc = substr(line, i); sub(/^ +/, "", desc) }
		else { term = line; desc = "" }
		print ".TP"; print "\\fB" term "\\fR"
		if (desc != "") print desc
		opt = 1; next
	}
	opt && /^    / { sub(/^ +/, ""); print; next }
	/^ / {
		opt = 0
		if (!nf) { print ".RS 4"; print ".nf"; nf = 1 }
		sub(/^  /, ""); print; next
	}
	{ flush_nf(); opt = 0; print }
	END { if (state == "examples") { print ".fi"; print ".RE" } else flush_nf() }
	'
done <"$cmds" >"$sections"

awk -v version="$version" -v list="$list" -v sections="$sections" '
	/^@COMMAND_LIST@$/ { while ((getline l < list) > 0) print l; next }
	/^@COMMAND_SECTIONS@$/ { while ((getline l < sections) > 0) print l; next }
	{ gsub(/@VERSION@/, version); print }
' "$template"
