/* output.h — the writers' layer, and output/'s one public header: plain structs in,
 * bytes out, the store never touched. First the writers for tabular results (text, csv,
 * tsv, json) and the text helpers every format needs (text for terminals and CI logs,
 * JSON that survives invalid UTF-8, CSV quoting, TSV escaping, markup, GitHub workflow
 * commands, URIs), then one section per command's writer (analyze, check, report
 * --html, diff, explain, list, top, info, escapes and load). Strings from
 * profiles, logs and source files are untrusted: every writer escapes them for its
 * format, and a command writes them as text through out_text or out_textf, never a bare
 * printf. */
#ifndef ESC_OUTPUT_H
#define ESC_OUTPUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "common/err.h"

/* An output stream on a file descriptor that remembers why a write failed (stdio keeps
 * only that one did): standard output and the files the commands write. */
struct out_file {
	FILE *f;
	int fd;
	int err;	/* errno of the first failed write or of the close */
};
/* Opens o->f on fd, line-buffered on a terminal; 0, or -1 when memory runs out. o must
 * stay where it is until out_file_close. */
int out_file_open(struct out_file *o, int fd);
/* Flushes and closes o->f and fd: 0 when every write succeeded, else the errno of the
 * first that failed (EIO when none was given). */
int out_file_close(struct out_file *o);

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_TSV };

/* Parses "text", "json", "csv", "tsv"; returns 0 or -1. */
int out_parse_format(const char *s, enum out_format *f);
const char *out_format_name(enum out_format f);

/* A cell's value. OUT_BYTES is a size (i): out_size's "1.50 MiB" in text, the exact
 * integer elsewhere; OUT_PCT a percentage (r): out_pct's "51.2%" in text, out_pct_round's
 * number elsewhere ("51.17", "100"). */
enum out_type { OUT_NULL, OUT_INT, OUT_REAL, OUT_STR, OUT_BYTES, OUT_PCT };

struct out_cell {
	enum out_type type;
	int64_t i;
	double r;
	const char *s;	/* borrowed */
	size_t len;	/* bytes of s */
};

struct out_table;

/* A table written to f in fmt. Text tables are buffered to align columns; the others
 * stream. Free with out_table_end, which writes what is left and returns 0 or -1. */
struct out_table *out_table_new(FILE *f, enum out_format fmt, size_t ncols,
				const char *const *names);
int out_table_row(struct out_table *t, const struct out_cell *cells);
int out_table_end(struct out_table *t);

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
size_t out_utf8_seq(const unsigned char *s, size_t n);

/* Text for people, terminals and CI logs: len bytes of s with C0 controls and DEL shown as
 * \xNN, C1 controls as \u00NN and bytes that are not UTF-8 as U+FFFD, so that a string
 * can neither end the line nor carry an escape sequence. Returns 0, or -1 when f took less. */
int out_text(FILE *f, const char *s, size_t len);
/* fprintf whose string arguments (%s, %.*s, %c) are written as out_text writes them; the
 * format's own text is written as it is. Returns 0 or -1, as out_text. */
int out_textf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int out_vtextf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The same, appended to b. */
void out_text_vformat(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* A value in a GitHub workflow command (::error PROPERTIES::DATA): %, CR and LF as the
 * runner's %XX escapes, and in a property (property != 0) : and , too; other control
 * characters and invalid UTF-8 as out_text shows them. Returns 0 or -1, as out_text. */
int out_github_escape(FILE *f, const char *s, size_t len, int property);

/* A JSON string from len bytes, invalid UTF-8 (and NUL) replaced by U+FFFD; NULL on no
 * memory. */
json_t *out_json_string(const char *s, size_t len);
/* A JSON string holding the path s as an RFC 3986 URI reference: every byte but the
 * unreserved characters and the separating slashes percent-encoded; NULL on no memory. */
json_t *out_json_uri(const char *s, size_t len);
/* Writes v to f followed by a newline, then drops the reference; 0 or -1. */
int out_json_dump(FILE *f, json_t *v);

/* Numbers, in one style for every command. Text for people: sizes in B, KiB, MiB, GiB
 * (out_size), percentages with one decimal (out_pct), nouns that agree with their count
 * (out_plural). CSV, TSV and JSON for programs: sizes and counts as exact integers,
 * percentages rounded to two decimals without float noise (out_pct_round, out_json_pct;
 * the table writers do it for OUT_BYTES and OUT_PCT cells). */

/* A value for people: "1.50 MiB", "312 B" when bytes is set (powers of 1024, three
 * significant digits), else the plain integer. Written into buf (n bytes), returned. */
const char *out_size(char *buf, size_t n, int64_t v, int bytes);
/* A percentage for people: "51.2%", "0.0%"; "100%" when it rounds to the whole. Written
 * into buf (n bytes), returned. */
const char *out_pct(char *buf, size_t n, double pct);
/* A percentage for programs: pct rounded to two decimals (0 for NaN). */
double out_pct_round(double pct);
/* out_pct_round's value as a JSON number: an integer when whole (100, not 100.0); NULL on
 * no memory. out_json_dump writes reals with 15 significant digits, so 51.17 stays 51.17. */
json_t *out_json_pct(double pct);
/* "sample" or "samples": one when n is 1, else many. */
const char *out_plural(int64_t n, const char *one, const char *many);

/* Writes s as one CSV field (quoted when needed) or one TSV field (escaped), invalid UTF-8
 * replaced by U+FFFD. Both carry the string's other characters as they are: they are
 * data for programs (a quoted CSV field may hold a line break). */
void out_csv_field(FILE *f, const char *s, size_t len);
void out_tsv_field(FILE *f, const char *s, size_t len);

/* Writes len bytes of s as XML/HTML character data that is also safe inside a quoted
 * attribute: markup characters and TAB/CR/LF become references; other control characters
 * (C0, DEL, C1), noncharacters and invalid UTF-8 become U+FFFD. */
void out_markup_escape(FILE *f, const char *s, size_t len);


/* ---- analyze (analysis.c): an analysis summary (classify_summarize) as text for people
 * or as the JSON contract of README.md ---- */

/* Writes the summary of the analysis of profile (as named on the command line): the
 * totals and coverage, the causes as a table, then the top lines with their parts.
 * Returns 0, or -1 when memory runs out. */
int out_analysis_text(FILE *f, const char *profile, const struct classify_summary *sum);

/* The same as one JSON object (the builds given too); 0, or -1 when it could not be
 * written. */
int out_analysis_json(FILE *f, const char *profile, const struct classify_summary *sum);

/* ---- check (check.c): a budget check's verdicts as an aligned text table, JSON, JUnit
 * XML, GitHub workflow annotations and SARIF 2.1.0; every string from a profile, a log
 * or the budget is escaped for its format ---- */

enum out_check_format {
	OUT_CHECK_TEXT, OUT_CHECK_JSON, OUT_CHECK_JUNIT, OUT_CHECK_GITHUB, OUT_CHECK_SARIF,
};

/* Parses "text", "json", "junit", "github", "sarif"; returns 0 or -1. */
int out_check_parse_format(const char *s, enum out_check_format *f);

/* What the reports say besides the results; all borrowed. */
struct out_check_run {
	const char *budget;	/* the budget file as named */
	int64_t profile_id;	/* the profile checked */
	const char *version;	/* escprof's, SARIF's driver version (a semantic version) */
	const char *budget_rel;	/* the budget relative to srcroot, where annotations and SARIF
				   point for a rule that matched nothing; NULL when it is not
				   under srcroot (they point nowhere then) */
	const char *srcroot;	/* the repository root, canonical and absolute, that every
				   relative path (the results' rel) is relative to: SARIF's
				   %SRCROOT%; NULL leaves it to the consumer */
	const char *home;	/* the project's home page (SARIF informationUri and helpUri
				   base); NULL for none */
	double seconds;		/* wall time of the whole check, for JUnit */
};

/* Writes the results of one check (one per rule, in the budget's order) to f in fmt.
 * Files are named only by the results' rel and run->budget_rel: no path that is not
 * relative to the repository reaches an annotation or a SARIF artifact (SARIF names the
 * site's function as a logical location instead). SARIF rule ids say what a rule checks
 * (out_check_rule_id). Returns 0, or -1 when a write failed or memory ran out. */
int out_check_write(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
		    const struct classify_check_result *res, size_t n);
/* The stable id of a rule: scope, subject (the pattern as written) and sample type
 * ("cause/interface-conversion/alloc_space", "function/main.parse/inuse_space",
 * "grown/package/GLOB/alloc_space", "total/alloc_space", "new-escapes[/FILE-GLOB]"), never
 * its line in the budget; bytes outside printable ASCII, and %, as %XX. Written into buf
 * (n bytes), returned. */
const char *out_check_rule_id(const struct budget_rule *r, char *buf, size_t n);
/* Writes, in fmt, a document saying the check could not be made (message; line of the
 * budget at fault, 0 when none): a JUnit <error>, a SARIF invocation that did not
 * succeed with its notification, a JSON {"error"}, a GitHub ::error; text writes nothing
 * (the message goes to standard error). Returns 0, or -1 when a write failed. */
int out_check_write_error(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
			  const char *message, size_t line);

/* ---- report --html (report_html.c): one self-contained page written from a struct
 * classify_report (its building blocks are html.c's, in html_int.h) ---- */

struct classify_report;

struct out_html_opts {
	const char *title;	/* NULL: "escprof: " and the profile's name */
	const char *version;	/* escprof's, in the footer */
};

/* Writes the whole page of a report to f (borrowed, left open). ESC_EUSAGE when r's
 * sample type is none; ESC_ENOMEM when memory runs out part way (f then holds part of
 * a page: a caller that keeps it writes to a temporary file, as out_html_save). */
enum esc_status out_html_write(FILE *f, const struct classify_report *r,
			       const struct out_html_opts *o, struct err *e);
/* Writes the page to path through a temporary file beside it, renamed into place, so
 * that a failed run leaves no half page; what is not a regular file (a device, a FIFO)
 * is written in place, as nothing can be renamed over it. The file gets the mode the
 * user's umask gives new files. */
enum esc_status out_html_save(const char *path, const struct classify_report *r,
			      const struct out_html_opts *o, struct err *e);

/* ---- diff (diff.c): two profiles' changed keys, or two builds' added and removed
 * escapes, as text, JSON or CSV ---- */

/* What a diff's writers say besides the diff; all borrowed. */
struct out_diff_opts {
	enum out_format fmt;	/* text, json or csv */
	const char *base, *cur;	/* the two sides as named on the command line */
	const char *column;	/* profiles: the sample type compared */
	const char *by;		/* profiles: "site", "function" or "cause" (the key's name) */
	int bytes;		/* profiles: the sample type counts bytes (text shows KiB) */
};

/* Writes the rows of d that changed, at most limit of each list (grew, shrank, new,
 * gone), with the sides, the sample type, the scale and the totals. Returns 0, or -1
 * when a write failed or memory ran out. */
int out_diff_profiles(FILE *f, const struct out_diff_opts *o, const struct classify_profile_diff *d,
		      size_t limit);
/* Writes the escapes d's NEW added (unmatched in cur), then those it removed (unmatched
 * in base). Returns 0 or -1, as out_diff_profiles. */
int out_diff_builds(FILE *f, const struct out_diff_opts *o, const struct classify_build_diff *d);

/* ---- explain (explain.c): everything known of a site, as text or JSON ---- */

/* Writes every site of x, as text (the compiler's diagnostic and flow as printed, the
 * deciding step marked, the fix) or as one JSON array (fmt OUT_JSON). Returns 0, or -1
 * when the JSON could not be written. */
int out_explain_write(FILE *f, enum out_format fmt, const struct classify_explain *x);

/* ---- list (list.c): source lines beside what they allocated, as text or JSON ---- */

struct out_list_opts {
	enum out_format fmt;	/* text or json */
	int type;		/* the heap type of the values (STORE_*) */
	int64_t at;		/* the one line asked for (FILE:LINE), else 0 */
};

/* Writes, per file of v (n lines ordered by file, then line, as classify_list_lines
 * gives them), its lines from 3 before the first that allocates to 3 after the last
 * (around o->at alone when set), the source (found through src) beside what each line
 * allocated. Returns 0, or -1 when the JSON could not be written. */
int out_list_write(FILE *f, const struct out_list_opts *o, struct classify_sources *src,
		   const struct store_line_sum *v, size_t n);

/* ---- top (top.c): the groups of an analysis as a table ---- */

struct out_top_opts {
	enum out_format fmt;
	enum store_top_by by;	/* the grouping: which key columns follow the values */
	int type;		/* the heap type of the values (STORE_*) */
	int64_t total;		/* the whole profile's, which the percentages are of */
};

/* Writes rows (n groups, those classify_top_select kept) with their percentage and
 * running sum. Returns 0, or -1 when a write failed or memory ran out. */
int out_top_write(FILE *f, const struct out_top_opts *o, const struct store_top_row *rows, size_t n);

/* ---- trend (trend.c): a key's value over the points of a trend ---- */

struct out_trend_opts {
	enum out_format fmt;
	enum store_trend_by by;		/* the key's column: cause, package or function */
	enum classify_trend_per per;	/* profile: its loaded_at, id and name; day: the day */
	int type;			/* the heap type of the values (STORE_*) */
};
/* One row per point and key. Returns 0, or -1 when a write failed or memory ran out. */
int out_trend_write(FILE *f, const struct out_trend_opts *o, const struct classify_trend *t);

/* ---- info (info.c): a decoded profile described, as text or as the JSON contract of
 * README.md ---- */

/* Writes what p holds, totals[i] being the sum of sample type i over its samples.
 * Returns 0, or -1 when the JSON could not be written. */
int out_info_write(FILE *f, enum out_format fmt, const struct profile *p, const int64_t *totals);

/* ---- escapes and load (ingest.c): what each input became ---- */

struct out_ingest_opts {
	enum out_format fmt;	/* text or json */
	int quiet;		/* text: say nothing */
	int dry;		/* escapes --dry-run: parsed, not stored */
};

/* Writes one line (text) or one object of a JSON array per input: inputs[i] (as named)
 * and res[i], n of each. Return 0, or -1 when the JSON could not be written. */
int out_escapes_write(FILE *f, const struct out_ingest_opts *o, const char *const *inputs,
		      const struct classify_ingest_build_result *res, size_t n);
int out_load_write(FILE *f, const struct out_ingest_opts *o, const char *const *inputs,
		   const struct classify_ingest_profile_result *res, size_t n);

#endif
