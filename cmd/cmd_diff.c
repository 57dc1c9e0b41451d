/* cmd_diff.c — `escprof diff BASE NEW`: two profiles (what grew or appeared, by site,
 * function or cause, per sample type) or two builds (escapes added and removed, matched by
 * file, kind and expression so that code that only moved is not reported). BASE and NEW
 * are files (loaded into a temporary store unless --db) or names/ids in --db. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "escset.h"
#include "common/paths.h"
#include "cli.h"

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
	int64_t duration;
	char *label;
};

/* A file becomes a stored profile or build; a name or id is looked up. */
static enum esc_status resolve_side(struct cli *c, struct store *s, const char *arg, struct side *x,
				    struct err *e)
{
	struct err quiet = {0};

	x->label = strdup(arg);
	if (path_exists(arg)) {
		/* read once: a pipe or FIFO cannot be read again */
		if (classify_ingest_profile_or_build(s, arg, &x->id, &x->is_profile, e))
			return e->status;
	} else if (!store_resolve_profile(s, arg, &x->id, &quiet)) {
		x->is_profile = 1;
	} else if (store_resolve_build(s, arg, &x->id, e)) {
		return err_set(e, ESC_EUSAGE, "'%s' is neither a file nor a profile or build in '%s'", arg, c->db);
	}
	if (x->is_profile) {
		char sql[128];

		/* the side's own analysis (its newest, or one with the newest build) */
		{
			char ref[32];

			snprintf(ref, sizeof(ref), "%" PRId64, x->id);
			if (classify_select(cli_notes(c), s, ref, NULL, 0, NULL, &x->id, &x->analysis, e))
				return e->status;
		}
		snprintf(sql, sizeof(sql), "SELECT duration_nanos FROM profiles WHERE profile_id = %" PRId64, x->id);
		store_query(s, sql, cli_take_int, &x->duration, e);
	}
	return ESC_OK;
}

struct row {
	char *key;
	int64_t base, cur;
};

struct rows {
	struct row *v;
	size_t n, cap;
	int side;	/* 0 filling base, 1 filling cur */
};

static int take_row(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct rows *rs = ctx;
	size_t i;
	char *k;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	k = strndup(v[0].s, v[0].len);
	if (!k)
		return ESC_ENOMEM;
	for (i = 0; i < rs->n && strcmp(rs->v[i].key, k); i++)
		;
	if (i == rs->n) {
		if (vec_reserve(&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v), 64)) {
			free(k);
			return ESC_ENOMEM;
		}
		rs->v[rs->n++] = (struct row){k, 0, 0};
	} else {
		free(k);
	}
	if (rs->side)
		rs->v[i].cur += v[1].i;
	else
		rs->v[i].base += v[1].i;
	return 0;
}

static double scale_of(const struct side *b, const struct side *n)
{
	return b->duration > 0 && n->duration > 0 ? (double)n->duration / (double)b->duration : 1.0;
}

/* biggest growth first; base values compared scaled */
static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct row *x = a, *y = b;
	double scale = *(const double *)arg;
	double dx = (double)x->cur - scale * (double)x->base, dy = (double)y->cur - scale * (double)y->base;

	if (dx != dy)
		return dx < dy ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int diff_profiles(struct cli *c, struct store *s, const struct side *b, const struct side *n,
			 const char *by, const char *want, int limit, struct err *e)
{
	const char *key = !strcmp(by, "function") ? "function" : !strcmp(by, "cause") ? "cause" :
			  "function || ' ' || file || ':' || line || ' ' || cause";
	struct rows rs = {0};
	char sql[1024];
	int ix, shown = 0, ret = EXIT_OK;
	size_t i;
	double scale = scale_of(b, n);
	json_t *arr = NULL;
	struct out_table *t = NULL;

	if (classify_sample_type(s, n->id, want, &ix, e))
		return cli_fail(c, e);
	snprintf(sql, sizeof(sql), "SELECT %s, coalesce(sum(%s), 0) FROM alloc_site WHERE analysis_id = %"
		 PRId64 " GROUP BY 1", key, store_heap_types[ix], b->analysis);
	rs.side = 0;
	if (store_query(s, sql, take_row, &rs, e))
		goto fail;
	snprintf(sql, sizeof(sql), "SELECT %s, coalesce(sum(%s), 0) FROM alloc_site WHERE analysis_id = %"
		 PRId64 " GROUP BY 1", key, store_heap_types[ix], n->analysis);
	rs.side = 1;
	if (store_query(s, sql, take_row, &rs, e))
		goto fail;
	if (rs.n)	/* no sites on either side: rs.v is NULL, which qsort_r may not take */
		qsort_r(rs.v, rs.n, sizeof(*rs.v), cmp_rows, &scale);
	if (c->format == OUT_TEXT) {
		out_textf(stdout, "%s -> %s, %s by %s", b->label, n->label, store_heap_types[ix], by);
		if (scale != 1.0)
			printf("; BASE scaled by %.4g to NEW's duration", scale);
		printf("\n");
	}
	if (c->format == OUT_JSON) {
		arr = json_array();
	} else {
		const char *heads[] = {"base", "new", "delta", "growth", "status", by};

		t = out_table_new(stdout, c->format, 6, heads);
	}
	for (i = 0; i < rs.n && shown < limit; i++) {
		double base = (double)rs.v[i].base * scale, delta = (double)rs.v[i].cur - base;
		const char *status = rs.v[i].base == 0 ? "new" : rs.v[i].cur == 0 ? "gone" :
				     delta > 0 ? "grew" : delta < 0 ? "shrank" : "same";
		char g[32];

		if (delta <= 0)
			continue;	/* appeared or grew only */
		shown++;
		if (rs.v[i].base == 0)
			snprintf(g, sizeof(g), "new");
		else
			snprintf(g, sizeof(g), "%+.1f%%", 100.0 * delta / base);
		if (arr) {
			json_t *o = json_object();

			json_object_set_new(o, by, out_json_string(rs.v[i].key, strlen(rs.v[i].key)));
			json_object_set_new(o, "base", json_integer(rs.v[i].base));
			json_object_set_new(o, "base_scaled", json_real(base));
			json_object_set_new(o, "new", json_integer(rs.v[i].cur));
			json_object_set_new(o, "delta", json_real(delta));
			json_object_set_new(o, "growth_pct", rs.v[i].base ? json_real(100.0 * delta / base) : json_null());
			json_object_set_new(o, "status", json_string(status));
			json_array_append_new(arr, o);
		} else {
			struct out_cell cell[6] = {
				{.type = OUT_INT, .i = (int64_t)llround(base)},
				{.type = OUT_INT, .i = rs.v[i].cur},
				{.type = OUT_INT, .i = (int64_t)llround(delta)},
				{.type = OUT_STR, .s = g, .len = strlen(g)},
				{.type = OUT_STR, .s = status, .len = strlen(status)},
				{.type = OUT_STR, .s = rs.v[i].key, .len = strlen(rs.v[i].key)},
			};

			out_table_row(t, cell);
		}
	}
	if (arr) {
		json_t *o = json_object();

		json_object_set_new(o, "kind", json_string("profiles"));
		json_object_set_new(o, "base", out_json_string(b->label, strlen(b->label)));
		json_object_set_new(o, "new", out_json_string(n->label, strlen(n->label)));
		json_object_set_new(o, "sample_index", json_string(store_heap_types[ix]));
		json_object_set_new(o, "by", json_string(by));
		json_object_set_new(o, "base_scale", json_real(scale));
		json_object_set_new(o, "grown", arr);
		arr = NULL;
		out_json_dump(stdout, o);
	}
	goto out;
fail:
	ret = cli_fail(c, e);
out:
	if (t)
		out_table_end(t);
	json_decref(arr);
	for (i = 0; i < rs.n; i++)
		free(rs.v[i].key);
	free(rs.v);
	return ret;
}

static int diff_builds(struct cli *c, struct store *s, const struct side *b, const struct side *n,
		       struct err *e)
{
	struct escset bs = {0}, ns = {0};
	size_t i, added = 0, removed = 0;
	int pass, ret = EXIT_OK;
	json_t *o = NULL, *lists[2] = {NULL, NULL};
	struct out_table *t = NULL;

	if (escset_load(s, b->id, &bs, e) || escset_load(s, n->id, &ns, e)) {
		ret = cli_fail(c, e);
		goto out;
	}
	if (classify_match_escapes(bs.v, bs.n, ns.v, ns.n)) {
		err_set(e, ESC_ENOMEM, "out of memory");
		ret = cli_fail(c, e);
		goto out;
	}
	if (c->format == OUT_JSON) {
		o = json_object();
		lists[0] = json_array();
		lists[1] = json_array();
	} else if (c->format != OUT_TEXT) {
		static const char *const heads[] = {"change", "file", "line", "kind", "message"};

		t = out_table_new(stdout, c->format, 5, heads);
	} else {
		out_textf(stdout, "escapes %s -> %s\n", b->label, n->label);
	}
	/* added: unmatched in NEW; removed: unmatched in BASE */
	for (pass = 0; pass < 2; pass++) {
		const struct escset *set = pass ? &bs : &ns;

		for (i = 0; i < set->n; i++) {
			const char *sign = pass ? "-" : "+";

			if (set->v[i].matched)
				continue;
			pass ? removed++ : added++;
			if (o) {
				json_t *x = json_object();

				json_object_set_new(x, "file", out_json_string(set->file[i], strlen(set->file[i])));
				json_object_set_new(x, "line", json_integer(set->v[i].line));
				json_object_set_new(x, "kind", json_string(set->v[i].kind));
				json_object_set_new(x, "message", out_json_string(set->msg[i], strlen(set->msg[i])));
				json_array_append_new(lists[pass], x);
			} else if (t) {
				struct out_cell cell[5] = {
					{.type = OUT_STR, .s = pass ? "removed" : "added", .len = pass ? 7 : 5},
					{.type = OUT_STR, .s = set->file[i], .len = strlen(set->file[i])},
					{.type = OUT_INT, .i = set->v[i].line},
					{.type = OUT_STR, .s = set->v[i].kind, .len = strlen(set->v[i].kind)},
					{.type = OUT_STR, .s = set->msg[i], .len = strlen(set->msg[i])},
				};

				out_table_row(t, cell);
			} else {
				out_textf(stdout, "%s %s:%u: %s\n", sign, set->file[i], set->v[i].line, set->msg[i]);
			}
		}
	}
	if (o) {
		json_object_set_new(o, "kind", json_string("builds"));
		json_object_set_new(o, "base", out_json_string(b->label, strlen(b->label)));
		json_object_set_new(o, "new", out_json_string(n->label, strlen(n->label)));
		json_object_set_new(o, "added", lists[0]);
		json_object_set_new(o, "removed", lists[1]);
		out_json_dump(stdout, o);
	} else if (!t) {
		printf("%zu added, %zu removed (%zu and %zu escapes)\n", added, removed, bs.n, ns.n);
	}
out:
	if (t)
		out_table_end(t);
	escset_release(&bs);
	escset_release(&ns);
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
		else if (opt == 'n' && (limit = atoi(optarg)) <= 0)
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
	ret = b.is_profile ? diff_profiles(c, s, &b, &n, by, want, limit, &e) : diff_builds(c, s, &b, &n, &e);
	ret = cli_store_done(c, s, ret, &e);
out:
	store_close(s);
	free(b.label);
	free(n.label);
	return ret;
}
