/* cmd_diff.c — `escprof diff BASE NEW`: two profiles (what grew or appeared, by site,
 * function or cause, per sample type) or two builds (escapes added and removed, matched by
 * file, kind and expression so that code that only moved is not reported). BASE and NEW
 * are files (loaded into a temporary store unless --db) or names/ids in --db. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "cli.h"
#include "common/paths.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof diff [--db FILE] [--by site|function|cause] [-sample_index TYPE] [-n N]\n"
	"                    [--format text|json|csv] BASE NEW\n"
	"\n"
	"Two profiles: the sites (functions, causes) that appeared or grew from BASE to NEW.\n"
	"When both profiles carry a duration, BASE is scaled to NEW's duration (said).\n"
	"Two builds (compiler logs): the escapes NEW added and removed; an escape whose\n"
	"expression is unchanged but moved to another line is not reported.\n"
	"BASE and NEW are files, or profile/build ids or names in --db.\n";

struct side {
	int is_profile;
	int64_t id, analysis;
	char *label;
};

/* A file becomes a stored profile or build; a name or id is looked up (a profile comes
 * with its newest analysis, or one with the newest build). */
static enum esc_status resolve_side(struct cli *c, struct store *s, const char *arg, struct side *x,
				    struct err *e)
{
	const struct classify_baseline_opts o = {.builds_too = 1};
	struct classify_baseline bl;
	enum esc_status st;

	if (!(x->label = strdup(arg)))
		return err_set(e, ESC_ENOMEM, "out of memory");
	if ((st = classify_baseline(cli_notes(c), s, arg, &o, &bl, e)))
		return st;
	x->is_profile = bl.is_profile;
	x->id = bl.is_profile ? bl.profile_id : bl.build_id;
	x->analysis = bl.analysis_id;
	return ESC_OK;
}

/* What grew or appeared, biggest first, at most limit keys. */
static int write_profiles(const struct cli *c, const struct side *b, const struct side *n,
			  const struct classify_profile_diff *d, const char *column, const char *by, int limit)
{
	const char *const heads[6] = {"base", "new", "delta", "growth", "status", by};
	struct out_table *t = NULL;
	json_t *arr = NULL, *o;
	size_t i;
	int shown = 0;

	if (c->format == OUT_TEXT) {
		out_textf(stdout, "%s -> %s, %s by %s", b->label, n->label, column, by);
		if (d->scale != 1.0)
			printf("; BASE scaled by %.4g to NEW's duration", d->scale);
		printf("\n");
	}
	if (c->format == OUT_JSON)
		arr = json_array();
	else
		t = out_table_new(stdout, c->format, 6, heads);
	for (i = 0; i < d->n && shown < limit; i++) {
		const struct classify_diff_row *r = &d->rows[i];
		const char *status = classify_change_name(r->change);
		char g[32];

		if (r->delta <= 0)
			continue;	/* appeared or grew only */
		shown++;
		if (r->base == 0)
			snprintf(g, sizeof(g), "new");
		else
			snprintf(g, sizeof(g), "%+.1f%%", 100.0 * r->delta / r->base_scaled);
		if (arr) {
			o = json_object();
			json_object_set_new(o, by, out_json_string(r->key, strlen(r->key)));
			json_object_set_new(o, "base", json_integer(r->base));
			json_object_set_new(o, "base_scaled", json_real(r->base_scaled));
			json_object_set_new(o, "new", json_integer(r->cur));
			json_object_set_new(o, "delta", json_real(r->delta));
			json_object_set_new(o, "growth_pct", r->base ? json_real(100.0 * r->delta / r->base_scaled) :
					    json_null());
			json_object_set_new(o, "status", json_string(status));
			json_array_append_new(arr, o);
		} else {
			struct out_cell cell[6] = {
				{.type = OUT_INT, .i = (int64_t)llround(r->base_scaled)},
				{.type = OUT_INT, .i = r->cur},
				{.type = OUT_INT, .i = (int64_t)llround(r->delta)},
				{.type = OUT_STR, .s = g, .len = strlen(g)},
				{.type = OUT_STR, .s = status, .len = strlen(status)},
				{.type = OUT_STR, .s = r->key, .len = strlen(r->key)},
			};

			out_table_row(t, cell);
		}
	}
	if (t)
		return out_table_end(t);
	o = json_object();
	json_object_set_new(o, "kind", json_string("profiles"));
	json_object_set_new(o, "base", out_json_string(b->label, strlen(b->label)));
	json_object_set_new(o, "new", out_json_string(n->label, strlen(n->label)));
	json_object_set_new(o, "sample_index", json_string(column));
	json_object_set_new(o, "by", json_string(by));
	json_object_set_new(o, "base_scale", json_real(d->scale));
	json_object_set_new(o, "grown", arr);
	return out_json_dump(stdout, o);
}

/* The escapes added (unmatched in NEW), then those removed (unmatched in BASE). */
static int write_builds(const struct cli *c, const struct side *b, const struct side *n,
			const struct classify_build_diff *d)
{
	static const char *const heads[] = {"change", "file", "line", "kind", "message"};
	struct out_table *t = NULL;
	json_t *o = NULL, *lists[2] = {NULL, NULL};
	int pass;
	size_t i;

	if (c->format == OUT_JSON) {
		o = json_object();
		lists[0] = json_array();
		lists[1] = json_array();
	} else if (c->format != OUT_TEXT) {
		t = out_table_new(stdout, c->format, 5, heads);
	} else {
		out_textf(stdout, "escapes %s -> %s\n", b->label, n->label);
	}
	for (pass = 0; pass < 2; pass++) {
		const struct classify_escset *set = pass ? &d->base : &d->cur;
		const char *change = pass ? "removed" : "added";

		for (i = 0; i < set->n; i++) {
			const struct classify_escape *x = &set->v[i];

			if (x->matched)
				continue;
			if (o) {
				json_t *j = json_object();

				json_object_set_new(j, "file", out_json_string(set->file[i], strlen(set->file[i])));
				json_object_set_new(j, "line", json_integer(x->line));
				json_object_set_new(j, "kind", json_string(x->kind));
				json_object_set_new(j, "message", out_json_string(set->msg[i], strlen(set->msg[i])));
				json_array_append_new(lists[pass], j);
			} else if (t) {
				struct out_cell cell[5] = {
					{.type = OUT_STR, .s = change, .len = strlen(change)},
					{.type = OUT_STR, .s = set->file[i], .len = strlen(set->file[i])},
					{.type = OUT_INT, .i = x->line},
					{.type = OUT_STR, .s = x->kind, .len = strlen(x->kind)},
					{.type = OUT_STR, .s = set->msg[i], .len = strlen(set->msg[i])},
				};

				out_table_row(t, cell);
			} else {
				out_textf(stdout, "%s %s:%u: %s\n", pass ? "-" : "+", set->file[i], x->line, set->msg[i]);
			}
		}
	}
	if (t)
		return out_table_end(t);
	if (!o) {
		printf("%zu added, %zu removed (%zu and %zu escapes)\n", d->added, d->removed, d->base.n,
		       d->cur.n);
		return 0;
	}
	json_object_set_new(o, "kind", json_string("builds"));
	json_object_set_new(o, "base", out_json_string(b->label, strlen(b->label)));
	json_object_set_new(o, "new", out_json_string(n->label, strlen(n->label)));
	json_object_set_new(o, "added", lists[0]);
	json_object_set_new(o, "removed", lists[1]);
	return out_json_dump(stdout, o);
}

static int diff(struct cli *c, struct store *s, const struct side *b, const struct side *n,
		const char *by, const char *want, int limit, struct err *e)
{
	enum store_site_group group = !strcmp(by, "function") ? STORE_GROUP_FUNCTION :
				      !strcmp(by, "cause") ? STORE_GROUP_CAUSE : STORE_GROUP_SITE;
	struct classify_diff_side bs = {b->id, b->analysis}, ns = {n->id, n->analysis};
	struct classify_profile_diff pd = {0};
	struct classify_build_diff bd = {0};
	int ix, ret = EXIT_OK;

	if (b->is_profile) {
		if (classify_sample_type(s, n->id, want, &ix, e) ||
		    classify_diff_profiles(s, &bs, &ns, ix, group, &pd, e))
			ret = cli_fail(c, e);
		else if (write_profiles(c, b, n, &pd, store_heap_types[ix], by, limit))
			ret = cli_write_failed(c);
	} else {
		if (classify_diff_builds(s, b->id, n->id, &bd, e))
			ret = cli_fail(c, e);
		else if (write_builds(c, b, n, &bd))
			ret = cli_write_failed(c);
	}
	classify_profile_diff_release(&pd);
	classify_build_diff_release(&bd);
	return ret;
}

int cmd_diff(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"by", required_argument, NULL, 'B'},
		{"sample_index", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	const char *by = "site", *want = NULL;
	struct side b = {0}, n = {0};
	struct store *s = NULL;
	struct err e = {0};
	int opt, rc, ret, limit = 30;

	c->usage = usage;
	cli_pprof_args(argc, argv);
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100)
			return rc - 100;
		if (opt == 'B')
			by = optarg;
		else if (opt == 'i')
			want = optarg;
		else if (opt == 'n' && num_parse_int(optarg, 1, INT_MAX, &limit))
			return cli_usage_error(c, "-n wants a positive number");
	}
	if (argc - optind != 2)
		return cli_usage_error(c, "need BASE and NEW");
	if (strcmp(by, "site") && strcmp(by, "function") && strcmp(by, "cause"))
		return cli_usage_error(c, "--by takes site, function or cause");
	if (c->format == OUT_TSV)
		return cli_usage_error(c, "diff writes text, json or csv");
	if (store_open(&s, c->db_set ? c->db : ":memory:", STORE_READ_WRITE, &e)) {
		ret = cli_fail(c, &e);
		goto out;
	}
	/* both sides and their analyses are kept together, and only when the diff is made */
	store_batch_begin(s);
	if (resolve_side(c, s, argv[optind], &b, &e) || resolve_side(c, s, argv[optind + 1], &n, &e)) {
		ret = cli_fail(c, &e);
		goto out;
	}
	if (b.is_profile != n.is_profile) {
		ret = cli_usage_error(c, "'%s' and '%s' are not both profiles or both builds", b.label, n.label);
		goto out;
	}
	ret = diff(c, s, &b, &n, by, want, limit, &e);
	ret = cli_store_done(c, s, ret, &e);
out:
	store_close(s);
	free(b.label);
	free(n.label);
	return ret;
}
