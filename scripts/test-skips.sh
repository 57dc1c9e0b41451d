#!/bin/sh
# test-skips.sh TAP — the one line `make check` ends with: how many tests skipped
# themselves and why, read from the TAP report Criterion writes (--tap=FILE).
#   skipped 0
#   skipped 3: report/* (chromium is not installed), real/go126 (no Go 1.26 sources)
# A test that skipped with cr_skip_test's message is one skip; several of one suite with
# the same message are named suite/* when they are all the tests of that suite, else one
# by one. Criterion's own "test was skipped" is what a test not selected by --filter (or
# disabled) gets: those are counted apart, as not run. The exit status is 0 unless the
# report cannot be read.
tap=$1
if [ -z "$tap" ] || [ ! -r "$tap" ]; then
	echo "skipped ?: no test report (${tap:-none given}) was written" >&2
	exit 1
fi
LC_ALL=C awk '
# "ok - suite::test  # SKIP message" and "ok - suite::test  (0.01s)"
/^(not )?ok / {
	line = $0
	sub(/^(not )?ok +(- +)?/, "", line)
	name = line
	sub(/ +(# .*|\(.*)?$/, "", name)
	suite = name
	sub(/::.*/, "", suite)
	test = name
	sub(/^[^:]*::/, "", test)
	total[suite]++
	if (line !~ /# SKIP/)
		next
	why = line
	sub(/^[^#]*# SKIP */, "", why)
	if (why == "test was skipped" || why == "") {
		notrun++
		next
	}
	n++
	key = suite SUBSEP why
	if (!(key in count)) {
		order[++nkeys] = key
		ksuite[key] = suite
		kwhy[key] = why
	}
	count[key]++
	tests[key] = tests[key] (tests[key] == "" ? "" : " ") test
}
END {
	out = "skipped " (n + 0)
	for (i = 1; i <= nkeys; i++) {
		k = order[i]
		s = ksuite[k]
		if (count[k] == total[s] && count[k] > 1) {
			item = s "/*"
		} else {
			m = split(tests[k], t, " ")
			item = ""
			for (j = 1; j <= m; j++)
				item = item (j > 1 ? ", " : "") s "/" t[j]
		}
		out = out (i == 1 ? ": " : ", ") item " (" kwhy[k] ")"
	}
	if (notrun)
		out = out "; " notrun " not run (not selected by --filter, or disabled)"
	print out
}' "$tap"
