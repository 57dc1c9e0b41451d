/* cmd_top.c — `escprof top`: the analysis of a stored profile, grouped by site, function,
 * package, cause or object size, biggest first, in any table format. Filters (--focus,
 * --min) apply to the groups; percentages are of the whole profile. */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"

static const char usage[] =
	"usage: escprof top [--db FILE] [--by site|function|package|cause|size]\n"
	"                   [-sample_index TYPE] [-n N] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                   [-focus REGEX] [--min PCT] [--format text|json|csv|tsv]\n"
	"\n"
	"Ranks what the profile allocated, grouped as asked, with the cause of each group\n"
	"(the newest analysis of the profile; --build runs a new one with those builds).\n"
	"\n"
	"  --by KEY           site (default), function, package, cause or size (object size)\n"
	"  -sample_index T    alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"  -n N               rows to show (default 20)\n"
	"  --profile REF      the profile (default: the newest)\n"
	"  --build REF        join with this build (repeatable)\n"
	"  -focus REGEX       only groups whose function, file, package or cause matches\n"
	"  --min PCT          hide groups under PCT percent\n";

static const char *const bys[] = {
	[STORE_TOP_BY_SITE] = "site", [STORE_TOP_BY_FUNCTION] = "function",
	[STORE_TOP_BY_PACKAGE] = "package", [STORE_TOP_BY_CAUSE] = "cause",
	[STORE_TOP_BY_SIZE] = "size",
};

/* A group's key columns, by grouping. */
static const char *const key_heads[][5] = {
	[STORE_TOP_BY_SITE] = {"function", "file", "line", "cause", "via"},
	[STORE_TOP_BY_FUNCTION] = {"function", "causes"},
	[STORE_TOP_BY_PACKAGE] = {"package", "causes"},
	[STORE_TOP_BY_CAUSE] = {"cause", "sites"},
	[STORE_TOP_BY_SIZE] = {"object_size"},
};
static const size_t nkeys[] = {5, 2, 2, 2, 1};

/* A line's causes ("a, b") and what they were allocated through: each cause's
 * dependencies joined by ", ", the causes' lists by ", " in turn. By function or package
 * the causes are joined by "," alone. */
static int join_causes(struct buf *causes, struct buf *vias, const struct store_top_row *r,
		       enum store_top_by by)
{
	size_t i, k;

	buf_reset(causes);
	buf_reset(vias);
	for (i = 0; i < r->ncauses; i++) {
		const struct store_top_cause *c = &r->causes[i];

		buf_adds(causes, i ? by == STORE_TOP_BY_SITE ? ", " : "," : "");
		buf_adds(causes, c->cause);
		if (!c->nvias)
			continue;
		buf_adds(vias, vias->len ? ", " : "");
		for (k = 0; k < c->nvias; k++) {
			const char *p;

			/* every comma, a name's own included, is followed by a space */
			for (p = c->vias[k]; *p; p++)
				buf_adds(vias, *p == ',' ? ", " : (char[2]){*p, 0});
			if (k + 1 < c->nvias)
				buf_adds(vias, ", ");
		}
	}
	return causes->data && vias->data ? 0 : -1;
}

static int match(const regex_t *re, const char *s)
{
	return !regexec(re, s, 0, NULL, 0);
}

/* Writes the groups that pass -focus and --min, n at most; 0 or -1 (memory). */
static int write_top(enum out_format fmt, enum store_top_by by, int ix, const struct store_top_row *rows,
		     size_t nrows, int64_t total, const regex_t *focus, double min_pct, int n)
{
	const char *heads[9] = {store_heap_is_bytes(ix) ? "bytes" : "count", "%", "sum%", "objects"};
	struct out_cell cell[9];
	struct out_table *t;
	struct buf causes, vias;
	char p1[16], p2[16];
	double cum = 0;
	size_t i, nk = nkeys[by];
	int shown = 0, ret = 0;

	for (i = 0; i < nk; i++)
		heads[4 + i] = key_heads[by][i];
	if (!(t = out_table_new(stdout, fmt, 4 + nk, heads)))
		return -1;
	buf_init(&causes);
	buf_init(&vias);
	for (i = 0; i < nrows && shown < n && !ret; i++) {
		const struct store_top_row *r = &rows[i];
		const char *text[5] = {0};
		size_t k;

		if (num_pct(r->value, total) < min_pct)
			continue;
		if (join_causes(&causes, &vias, r, by)) {
			ret = -1;
			break;
		}
		switch (by) {
		case STORE_TOP_BY_SITE:
			text[0] = r->function, text[1] = r->file, text[3] = causes.data, text[4] = vias.data;
			cell[6] = (struct out_cell){.type = OUT_INT, .i = r->line};
			break;
		case STORE_TOP_BY_FUNCTION: text[0] = r->function, text[1] = causes.data; break;
		case STORE_TOP_BY_PACKAGE: text[0] = r->package, text[1] = causes.data; break;
		case STORE_TOP_BY_CAUSE:
			text[0] = r->cause;
			cell[5] = (struct out_cell){.type = OUT_INT, .i = r->sites};
			break;
		case STORE_TOP_BY_SIZE: cell[4] = (struct out_cell){.type = OUT_INT, .i = r->object_size}; break;
		}
		if (focus) {
			int hit = 0;

			for (k = 0; k < nk && !hit; k++)
				hit = text[k] && match(focus, text[k]);
			if (!hit)
				continue;
		}
		for (k = 0; k < nk; k++)
			if (text[k])
				cell[4 + k] = (struct out_cell){.type = OUT_STR, .s = text[k], .len = strlen(text[k])};
		cum += num_pct(r->value, total);
		cell[0] = (struct out_cell){.type = OUT_INT, .i = r->value};
		if (fmt == OUT_TEXT) {
			snprintf(p1, sizeof(p1), "%.2f%%", num_pct(r->value, total));
			snprintf(p2, sizeof(p2), "%.2f%%", cum);
			cell[1] = (struct out_cell){.type = OUT_STR, .s = p1, .len = strlen(p1)};
			cell[2] = (struct out_cell){.type = OUT_STR, .s = p2, .len = strlen(p2)};
		} else {
			cell[1] = (struct out_cell){.type = OUT_REAL, .r = num_pct(r->value, total)};
			cell[2] = (struct out_cell){.type = OUT_REAL, .r = cum};
		}
		cell[3] = (struct out_cell){.type = OUT_INT, .i = r->objects};
		shown++;
		ret = out_table_row(t, cell) ? -1 : 0;
	}
	buf_release(&causes);
	buf_release(&vias);
	return out_table_end(t) || ret ? -1 : 0;
}

int cmd_top(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"by", required_argument, NULL, 'B'},
		{"sample_index", required_argument, NULL, 'i'},
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{"focus", required_argument, NULL, 'f'},
		{"min", required_argument, NULL, 'm'},
		{"nodecount", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	const char *by_name = "site", *want = NULL, *profile = NULL, *focus = NULL;
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	struct store_top_row *rows = NULL;
	size_t nb = 0, nrows = 0;
	struct store *s = NULL;
	struct err e = {0};
	regex_t re;
	enum store_top_by by = STORE_TOP_BY_SITE;
	double min_pct = 0;
	int opt, rc, ix, n = 20, ret = EXIT_OK, have_re = 0;
	int64_t pid, aid, total;

	c->usage = usage;
	cli_pprof_args(argc, argv);
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		if (rc)
			continue;
		switch (opt) {
		case 'B': by_name = optarg; break;
		case 'i': want = optarg; break;
		case 'p': profile = optarg; break;
		case 'b': brefs[nb++] = optarg; break;
		case 'f': focus = optarg; break;
		case 'm':
			if (num_parse_double(optarg, 0, 100, &min_pct)) {
				ret = cli_usage_error(c, "--min wants a percentage from 0 to 100");
				goto out;
			}
			break;
		case 'n':
			if (num_parse_int(optarg, 1, INT_MAX, &n)) {
				ret = cli_usage_error(c, "-n wants a positive number");
				goto out;
			}
			break;
		}
	}
	if (optind != argc) {
		ret = cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	while (by <= STORE_TOP_BY_SIZE && strcmp(by_name, bys[by]))
		by++;
	if (by > STORE_TOP_BY_SIZE) {
		ret = cli_usage_error(c, "--by takes site, function, package, cause or size");
		goto out;
	}
	if (focus) {
		if (regcomp(&re, focus, REG_EXTENDED | REG_NOSUB)) {
			ret = cli_usage_error(c, "bad regular expression '%s'", focus);
			goto out;
		}
		have_re = 1;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds; the arguments
	 * are checked against the profile before an analysis is run for it */
	store_batch_begin(s);
	if (classify_select_profile(s, profile, &pid, &e) ||
	    classify_sample_type(s, pid, want, &ix, &e) ||
	    classify_select(cli_notes(c), s, profile, brefs, nb, NULL, &pid, &aid, &e) ||
	    store_profile_total(s, pid, ix, &total, &e) ||
	    store_top(s, pid, aid, ix, by, &rows, &nrows, &e))
		goto fail;
	/* every group's percentage is of the whole profile */
	if (write_top(c->format, by, ix, rows, nrows, total, have_re ? &re : NULL, min_pct, n)) {
		ret = cli_write_failed(c);
		goto out;
	}
	ret = cli_store_done(c, s, ret, &e);
	goto out;
fail:
	ret = cli_fail(c, &e);
out:
	if (have_re)
		regfree(&re);
	store_top_rows_free(rows, nrows);
	store_close(s);
	free(brefs);
	return ret;
}
