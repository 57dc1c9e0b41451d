/* test_numbers.c — one number style in every command: sizes in B/KiB/MiB/GiB and
 * one-decimal percentages in text, exact integers and percentages of at most two decimals
 * (the whole printed 100) in csv and json, nouns that agree with their count. The
 * oracles: `go tool pprof -raw`'s samples of the bundled iface_fmt profile (their count
 * and alloc_space total), arithmetic on them, and a one-sample profile written here. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

#define SAMPLE "sample-profiles/out/go1.26/iface_fmt"

/* Whether s matches the extended regex re (anchors apply per line). */
static int matches(const char *s, const char *re)
{
	regex_t r;
	int m;

	cr_assert_eq(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0, "bad regex %s", re);
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* "1.50 KiB" back to bytes; -1 when s does not start with a size for people. */
static double size_back(const char *s)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB"};
	char unit[8];
	double v;
	int i;

	if (sscanf(s, "%lf %7s", &v, unit) != 2)
		return -1;
	for (i = 0; i < 4; i++)
		if (!strcmp(unit, units[i]))
			return v * pow(1024, i);
	return -1;
}

/* Three significant digits are within 0.5% of the value (and exact below 1 KiB). */
static void expect_size_near(double shown, long long want, const char *what)
{
	cr_expect(fabs(shown - (double)want) <= 0.005 * (double)want + 0.5,
		  "%s: shown as %.0f bytes, the profile says %lld", what, shown, want);
}

static long long raw_total(size_t *nsamples)
{
	struct t_raw r;
	long long total;

	t_raw_read(&r, t_path(SAMPLE ".raw.txt"));
	total = r.total;
	if (nsamples)
		*nsamples = r.n;
	t_raw_release(&r);
	cr_assert_gt(total, 0);
	return total;
}

static const char *analysed_db(void)
{
	const char *db = t_fresh("numbers.db");

	cr_assert_eq(t_run(NULL, NULL, "analyze --db '%s' " SAMPLE ".pb.gz " SAMPLE ".mm.txt", db), 0);
	return db;
}

/* A percentage for programs: digits with at most two decimals. */
static void expect_program_pct(const char *field, double want)
{
	cr_expect(matches(field, "^[0-9]+(\\.[0-9][0-9]?)?$"), "percentage '%s' is not plain", field);
	cr_expect(fabs(atof(field) - want) <= 0.005 + 1e-9, "percentage %s, arithmetic says %.4f",
		  field, want);
}

Test(numbers, top_text_shows_sizes_and_one_decimal_percentages_summing_to_the_whole)
{
	const char *db = analysed_db();
	long long total = raw_total(NULL);
	struct buf out;
	char *line, *save = NULL, last[32] = "";
	double sum = 0;
	int rows = 0;

	cr_assert_eq(t_run(&out, NULL, "top --db '%s' --by cause -n 0", db), 0);
	cr_expect(!matches(out.data, "[0-9]\\.[0-9][0-9]%"), "two-decimal percentages in:\n%s", out.data);
	for (line = strtok_r(out.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char size[32], unit[8], pct[16], cum[16];

		if (rows++ == 0) {
			cr_expect(matches(line, "^ *bytes +% +sum% +objects +cause +sites$"), "header '%s'", line);
			continue;
		}
		cr_assert(matches(line, "^ *[0-9]+(\\.[0-9]+)? (B|KiB|MiB|GiB) +([0-9]+\\.[0-9]%|100%) "
				  "+([0-9]+\\.[0-9]%|100%) +[0-9]+ +[a-z-]+ +[0-9]+$"), "row '%s'", line);
		cr_assert_eq(sscanf(line, "%31s %7s %15s %15s", size, unit, pct, cum), 4);
		strcat(size, " ");
		strcat(size, unit);
		sum += size_back(size);
		snprintf(last, sizeof(last), "%s", cum);
	}
	cr_expect_gt(rows, 2);
	/* every byte lands in one cause: the running sum ends at the whole */
	cr_expect_str_eq(last, "100%");
	expect_size_near(sum, total, "the causes' sizes added up");
	buf_release(&out);
}

Test(numbers, top_csv_gives_exact_bytes_and_percentages_of_two_decimals_at_most)
{
	const char *db = analysed_db();
	long long total = raw_total(NULL), sum = 0;
	struct buf out;
	char *line, *save = NULL, cum[32] = "";
	int rows = 0;

	cr_assert_eq(t_run(&out, NULL, "top --db '%s' --by cause -n 0 --format csv", db), 0);
	for (line = strtok_r(out.data, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		char *f[4], *p = line;
		long long bytes;
		int k;

		if (rows++ == 0) {
			cr_expect_str_eq(line, "bytes,%,sum%,objects,cause,sites");
			continue;
		}
		for (k = 0; k < 4; k++)
			f[k] = strsep(&p, ",");
		cr_assert_not_null(p, "row '%s'", line);
		cr_expect(matches(f[0], "^[0-9]+$"), "bytes '%s' is not an exact integer", f[0]);
		bytes = atoll(f[0]);
		sum += bytes;
		expect_program_pct(f[1], 100.0 * (double)bytes / (double)total);
		expect_program_pct(f[2], 100.0 * (double)sum / (double)total);
		snprintf(cum, sizeof(cum), "%s", f[2]);
	}
	cr_expect_gt(rows, 2);
	cr_expect_eq(sum, total, "the causes' bytes add up to pprof's total");
	cr_expect_str_eq(cum, "100", "the whole is 100, without float noise");
	buf_release(&out);
}

Test(numbers, top_json_gives_exact_bytes_and_rounded_percentages)
{
	const char *db = analysed_db();
	long long total = raw_total(NULL), sum = 0;
	struct buf out;
	json_error_t je;
	json_t *j, *row;
	size_t i;

	cr_assert_eq(t_run(&out, NULL, "top --db '%s' --by cause -n 0 --format json", db), 0);
	cr_expect(!matches(out.data, "[0-9]\\.[0-9]{3,}"), "more than two decimals in:\n%s", out.data);
	cr_assert_not_null(j = json_loads(out.data, 0, &je), "%s", je.text);
	json_array_foreach(j, i, row) {
		json_t *b = json_object_get(row, "bytes");

		cr_assert(json_is_integer(b));
		sum += json_integer_value(b);
		cr_expect(fabs(json_number_value(json_object_get(row, "%")) -
			       100.0 * (double)json_integer_value(b) / (double)total) <= 0.005 + 1e-9);
	}
	cr_expect_eq(sum, total);
	row = json_array_get(j, json_array_size(j) - 1);
	cr_expect(json_is_integer(json_object_get(row, "sum%")), "the whole is the integer 100");
	cr_expect_eq(json_integer_value(json_object_get(row, "sum%")), 100);
	json_decref(j);
	buf_release(&out);
}

Test(numbers, analyze_text_and_json_agree_with_pprof_in_their_own_styles)
{
	long long total = raw_total(NULL);
	struct buf out;
	json_error_t je;
	json_t *j, *x;
	const char *at;
	size_t i;

	cr_assert_eq(t_run(&out, NULL, "analyze " SAMPLE ".pb.gz " SAMPLE ".mm.txt"), 0);
	cr_assert(matches(out.data, "^[^ ]+: alloc_space, total [0-9.]+ (B|KiB|MiB) in [0-9]+ objects$"),
		  "%s", out.data);
	at = strstr(out.data, ", total ") + 8;
	expect_size_near(size_back(at), total, "analyze's total");
	cr_expect(matches(out.data, "^coverage: ([0-9]+\\.[0-9]|100)% attributed to a cause, "
			  "([0-9]+\\.[0-9]|100)% joined"), "%s", out.data);
	/* the top sites: size, one-decimal percentage; a part's share of its line likewise */
	cr_expect(matches(out.data, "^  1\\. +[0-9.]+ (B|KiB|MiB) +[0-9]+\\.[0-9]%  main\\."), "%s", out.data);
	cr_expect(matches(out.data, "^      [a-z-]+ [0-9.]+ (B|KiB|MiB) \\([0-9]+\\.[0-9]%\\), confidence"),
		  "%s", out.data);
	cr_expect(!matches(out.data, "[0-9]\\.[0-9][0-9]%"), "%s", out.data);
	buf_release(&out);

	cr_assert_eq(t_run(&out, NULL, "analyze --format json " SAMPLE ".pb.gz " SAMPLE ".mm.txt"), 0);
	cr_expect(!matches(out.data, "\"(percent|attributed_pct|joined_pct|match)\": -?[0-9]+\\.[0-9]{3,}"),
		  "a percentage with more than two decimals:\n%s", out.data);
	cr_assert_not_null(j = json_loads(out.data, 0, &je), "%s", je.text);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), total);
	json_array_foreach(json_object_get(j, "causes"), i, x)
		cr_expect(fabs(json_number_value(json_object_get(x, "percent")) -
			       100.0 * (double)json_integer_value(json_object_get(x, "value")) / (double)total)
			  <= 0.005 + 1e-9);
	json_decref(j);
	buf_release(&out);
}

Test(numbers, info_shows_sizes_in_text_and_exact_totals_in_json)
{
	long long total = raw_total(NULL);
	struct buf out;
	json_error_t je;
	json_t *j, *t;
	const char *at;
	size_t i;
	int seen = 0;

	cr_assert_eq(t_run(&out, NULL, "info " SAMPLE ".pb.gz"), 0);
	cr_assert(matches(out.data, "^  \\* alloc_space +bytes +[0-9.]+ (B|KiB|MiB)$"), "%s", out.data);
	cr_expect(matches(out.data, "^    alloc_objects +count +[0-9]+$"), "%s", out.data);
	cr_expect(matches(out.data, "^format: +pprof-gzip \\([0-9.]+ (B|KiB) read, [0-9.]+ (B|KiB) decoded\\)$"),
		  "%s", out.data);
	at = strstr(out.data, "alloc_space");
	at = strstr(at, "bytes") + 5;
	expect_size_near(size_back(at + strspn(at, " ")), total, "info's alloc_space total");
	buf_release(&out);

	cr_assert_eq(t_run(&out, NULL, "info --format json " SAMPLE ".pb.gz"), 0);
	cr_assert_not_null(j = json_loads(out.data, 0, &je), "%s", je.text);
	json_array_foreach(json_object_get(j, "sample_types"), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "type")), "alloc_space")) {
			cr_expect_eq(json_integer_value(json_object_get(t, "total")), total);
			seen = 1;
		}
	cr_expect(seen);
	json_decref(j);
	buf_release(&out);
}

/* No "1 samples", no "2 sample": the nouns of every text line the commands print. */
static void expect_agreement(const char *text)
{
	cr_expect(!matches(text, "(^|[^0-9.])1 (samples|objects|lines|diagnostics|sample types)"),
		  "a plural after 1:\n%s", text);
	cr_expect(!matches(text, "(^|[^0-9.])([02-9]|[0-9]{2,}) ((sample|object|line|diagnostic)([^s a-z]|$)|"
			   "sample type([^s]|$))"),
		  "a singular after a number other than 1:\n%s", text);
}

Test(numbers, nouns_agree_with_one_and_with_many)
{
	/* one sample of one 1024-byte object; the rate 1 keeps it unscaled */
	static const char one[] = "heap profile: 1: 1024 [1: 1024] @ heap/1\n"
				  "1: 1024 [1: 1024] @ 0x401001\n"
				  "#\t0x401000\tmain.one+0x0\t/src/one/main.go:7\n";
	const char *prof = t_fresh("one.heap.txt"), *db = t_fresh("one.db"), *db2 = t_fresh("many.db");
	size_t n;
	struct buf out;
	char want[128];

	t_write(prof, one, strlen(one));
	cr_assert_eq(t_run(&out, NULL, "load --db '%s' '%s'", db, prof), 0);
	cr_expect(strstr(out.data, "(1 sample, 2 sample types)"), "%s", out.data);
	expect_agreement(out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "analyze --db '%s' '%s'", db, prof), 0);
	cr_expect(strstr(out.data, "total 1.00 KiB in 1 object\n"), "%s", out.data);
	expect_agreement(out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "explain --db '%s' /src/one/main.go:7", db), 0);
	cr_expect(strstr(out.data, "in use: 1.00 KiB in 1 object; 1 sample\n"), "%s", out.data);
	expect_agreement(out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "info '%s'", prof), 0);
	cr_expect(strstr(out.data, "(deepest inlining: 1 line)"), "%s", out.data);
	buf_release(&out);

	/* many: as many samples as pprof -raw lists */
	raw_total(&n);
	snprintf(want, sizeof(want), "(%zu samples, 4 sample types)", n);
	cr_assert_eq(t_run(&out, NULL, "load --db '%s' " SAMPLE ".pb.gz", db2), 0);
	cr_expect(strstr(out.data, want), "want %s in %s", want, out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "escapes --db '%s' " SAMPLE ".mm.txt", db2), 0);
	cr_expect(matches(out.data, ": stored as build [0-9]+: [0-9]+ diagnostics"), "%s", out.data);
	expect_agreement(out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "analyze --db '%s' " SAMPLE ".pb.gz " SAMPLE ".mm.txt", db2), 0);
	expect_agreement(out.data);
	buf_release(&out);
}

Test(numbers, report_shows_sizes_and_percentages_as_the_text_does)
{
	static const char one[] = "heap profile: 1: 1024 [1: 1024] @ heap/1\n"
				  "1: 1024 [1: 1024] @ 0x401001\n"
				  "#\t0x401000\tmain.one+0x0\t/src/one/main.go:7\n";
	const char *prof = t_fresh("one.heap.txt");
	struct buf out;

	t_write(prof, one, strlen(one));
	cr_assert_eq(t_run(&out, NULL, "report --html - '%s'", prof), 0);
	/* the one sample is the whole: its cause and its site are 100%, 1024 bytes 1.00 KiB */
	cr_expect(strstr(out.data, "<td class=\"num\">1.00 KiB</td><td class=\"num\">100%</td>"), "%s", out.data);
	cr_expect(!matches(out.data, "[0-9]\\.[0-9][0-9]%|100\\.0%"), "a percentage not in the text style");
	buf_release(&out);
}
