/* cmd_explain.c — `escprof explain FILE:LINE|SITE`: everything escprof knows of one site:
 * what it allocated, the cause and how sure, the compiler's diagnostic with its flow chain
 * exactly as printed (the deciding step marked), the other diagnostics at that line,
 * and the fix. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "cli.h"
#include "common/paths.h"

static const char usage[] =
	"usage: escprof explain [--db FILE] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                       [--format text|json] FILE:LINE|SITE\n"
	"\n"
	"Shows why the allocations at a site are on the heap: the bytes and objects, the\n"
	"cause, the compiler's explanation (flow chain) with the deciding step marked, the\n"
	"other diagnostics at that line, and the fix. FILE matches by whole trailing path\n"
	"components (main.go, pkg/main.go, /abs/pkg/main.go); SITE is a site id from top.\n";

struct site {
	int64_t site_id, line, values[4], build_id, diag_id, decisive, samples;
	char *function, *file, *cause, *via, *evidence;
	double confidence;
};

struct sites {
	struct site *v;
	size_t n, cap;
	const char *file;	/* suffix to match, or NULL */
};

static char *vdup(const struct store_value *v)
{
	return v->type == STORE_TEXT ? strndup(v->s, v->len) : NULL;
}

static int take_site(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct sites *ss = ctx;
	struct site *x;
	int i;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (ss->file && (v[2].type != STORE_TEXT || !path_has_suffix((const char *)v[2].s, ss->file)))
		return 0;
	if (vec_reserve(&ss->v, &ss->cap, ss->n + 1, sizeof(*ss->v), 8))
		return ESC_ENOMEM;
	x = &ss->v[ss->n++];
	memset(x, 0, sizeof(*x));
	x->site_id = v[0].i;
	x->function = vdup(&v[1]);
	x->file = vdup(&v[2]);
	x->line = v[3].i;
	for (i = 0; i < 4; i++)
		x->values[i] = v[4 + i].i;
	x->cause = vdup(&v[8]);
	x->confidence = v[9].r;
	x->build_id = v[10].type == STORE_INT ? v[10].i : 0;
	x->diag_id = v[11].type == STORE_INT ? v[11].i : 0;
	x->via = vdup(&v[12]);
	x->decisive = v[13].type == STORE_INT ? v[13].i : 0;
	x->evidence = vdup(&v[14]);
	x->samples = v[15].i;
	return 0;
}

struct steps_out {
	int64_t decisive;
	json_t *arr;
};

static int print_step(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct steps_out *o = ctx;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* seq, text, kind */
	if (o->arr) {
		json_t *s = json_object();

		json_object_set_new(s, "seq", json_integer(v[0].i));
		json_object_set_new(s, "text", out_json_string(v[1].s, v[1].len));
		json_object_set_new(s, "decisive", json_boolean(v[0].i == o->decisive));
		json_array_append_new(o->arr, s);
		return 0;
	}
	out_textf(stdout, "  %s %s", v[0].i == o->decisive ? ">>" : "  ",
		  v[2].len == 4 && !memcmp(v[2].s, "flow", 4) ? "" : "  ");
	out_text(stdout, v[1].s, v[1].len);
	putchar('\n');
	return 0;
}

struct diag_out {
	json_t *obj;
	int header;
};

static int print_diag(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct diag_out *o = ctx;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* file, line, col, kind, message, func, package */
	if (o->obj) {
		json_object_set_new(o->obj, "file", out_json_string(v[0].s, v[0].len));
		json_object_set_new(o->obj, "line", json_integer(v[1].i));
		json_object_set_new(o->obj, "col", v[2].type == STORE_INT ? json_integer(v[2].i) : json_null());
		json_object_set_new(o->obj, "kind", out_json_string(v[3].s, v[3].len));
		json_object_set_new(o->obj, "message", out_json_string(v[4].s, v[4].len));
		return 0;
	}
	fputs("  ", stdout);
	out_text(stdout, v[0].s, v[0].len);
	if (v[2].type == STORE_INT)
		printf(":%" PRId64 ":%" PRId64 ": ", v[1].i, v[2].i);
	else
		printf(":%" PRId64 ": ", v[1].i);
	out_text(stdout, v[4].s, v[4].len);
	putchar('\n');
	return 0;
}

struct also {
	json_t *arr;
	int printed;
	int64_t build, diag;
	const char *file;
};

static const char *base(const char *p, size_t n, size_t *bl)
{
	const char *b = p + n;

	while (b > p && b[-1] != '/' && b[-1] != '\\')
		b--;
	*bl = (size_t)(p + n - b);
	return b;
}

static int print_also(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct also *a = ctx;
	size_t bl1, bl2;
	const char *b1, *b2;

	(void)ncols;
	(void)names;
	if (!v || (v[5].i == a->build && v[6].i == a->diag))
		return 0;
	b1 = base(v[0].s, v[0].len, &bl1);
	b2 = base(a->file, strlen(a->file), &bl2);
	if (bl1 != bl2 || memcmp(b1, b2, bl1))
		return 0;	/* same line number, another file */
	if (a->arr) {
		json_t *o = json_object();

		json_object_set_new(o, "kind", out_json_string(v[3].s, v[3].len));
		json_object_set_new(o, "col", v[2].type == STORE_INT ? json_integer(v[2].i) : json_null());
		json_object_set_new(o, "message", out_json_string(v[4].s, v[4].len));
		json_array_append_new(a->arr, o);
		return 0;
	}
	if (!a->printed++)
		printf("also at this line:\n");
	fputs("  ", stdout);
	out_text(stdout, v[0].s, v[0].len);
	printf(":%" PRId64 "%s%.0" PRId64 ": ", v[1].i, v[2].type == STORE_INT ? ":" : "",
	       v[2].type == STORE_INT ? v[2].i : 0);
	out_text(stdout, v[4].s, v[4].len);
	putchar('\n');
	return 0;
}

static void free_sites(struct sites *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		free(ss->v[i].function);
		free(ss->v[i].file);
		free(ss->v[i].cause);
		free(ss->v[i].via);
		free(ss->v[i].evidence);
	}
	free(ss->v);
}

static int explain_site(struct cli *c, struct store *s, int64_t aid, const struct site *x,
			json_t *out, struct err *e)
{
	const struct classify_cause *cc = classify_cause_by_id(x->cause);
	char sql[1024], b[4][32];
	json_t *o = out ? json_object() : NULL;

	if (!o) {
		out_textf(stdout, "site %" PRId64 ": %s  %s:%" PRId64 "\n", x->site_id, x->function, x->file,
			  x->line);
		printf("  alloc: %s in %s objects; in use: %s in %s objects; %" PRId64 " samples\n",
		       out_size(b[0], 32, x->values[STORE_ALLOC_SPACE], 1),
		       out_size(b[1], 32, x->values[STORE_ALLOC_OBJECTS], 0),
		       out_size(b[2], 32, x->values[STORE_INUSE_SPACE], 1),
		       out_size(b[3], 32, x->values[STORE_INUSE_OBJECTS], 0), x->samples);
		if (x->via)
			out_textf(stdout, "  allocated in %s, called from this line\n", x->via);
		out_textf(stdout, "cause: %s (confidence %.2f)%s%s\n", x->cause, x->confidence, cc ? ": " : "",
			  cc ? cc->title : "");
		if (x->evidence)
			out_textf(stdout, "  because: %s\n", x->evidence);
	} else {
		static const char *const keys[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};

		json_object_set_new(o, "site_id", json_integer(x->site_id));
		json_object_set_new(o, "function", out_json_string(x->function, strlen(x->function)));
		json_object_set_new(o, "file", out_json_string(x->file, strlen(x->file)));
		json_object_set_new(o, "line", json_integer(x->line));
		for (int i = 0; i < 4; i++)
			json_object_set_new(o, keys[i], json_integer(x->values[i]));
		json_object_set_new(o, "cause", out_json_string(x->cause, strlen(x->cause)));
		json_object_set_new(o, "confidence", json_real(x->confidence));
		json_object_set_new(o, "attributed_via", x->via ? out_json_string(x->via, strlen(x->via)) : json_null());
		json_object_set_new(o, "evidence", x->evidence ? out_json_string(x->evidence, strlen(x->evidence)) :
				    json_null());
		json_object_set_new(o, "hint", cc ? json_string(cc->hint) : json_null());
	}
	if (x->diag_id) {
		struct diag_out d = {o ? json_object() : NULL, 0};
		struct steps_out so = {x->decisive, o ? json_array() : NULL};

		if (!o)
			printf("the compiler said (build %" PRId64 "):\n", x->build_id);
		snprintf(sql, sizeof(sql), "SELECT file, line, col, kind, message, func, package FROM diagnostics"
			 " WHERE build_id = %" PRId64 " AND diag_id = %" PRId64, x->build_id, x->diag_id);
		if (store_query(s, sql, print_diag, &d, e))
			goto fail;
		snprintf(sql, sizeof(sql), "SELECT seq, text, kind FROM flow_steps WHERE build_id = %" PRId64
			 " AND diag_id = %" PRId64 " ORDER BY seq", x->build_id, x->diag_id);
		if (store_query(s, sql, print_step, &so, e))
			goto fail;
		if (o) {
			json_object_set_new(d.obj, "flow", so.arr);
			json_object_set_new(o, "diagnostic", d.obj);
		} else if (x->decisive) {
			printf("  (>> marks the step that decided the cause)\n");
		}
	} else if (o) {
		json_object_set_new(o, "diagnostic", json_null());
	}
	{
		/* what else the compiler said at this line, in the analysis's builds */
		struct also a = {o ? json_array() : NULL, 0, x->build_id, x->diag_id, x->file};

		snprintf(sql, sizeof(sql),
			 "SELECT d.file, d.line, d.col, d.kind, d.message, d.build_id, d.diag_id FROM diagnostics d"
			 " JOIN analysis a ON a.id = %" PRId64 " AND (',' || a.builds || ',') LIKE"
			 " ('%%,' || d.build_id || ',%%') WHERE d.line = %" PRId64 " AND d.kind IN"
			 " ('moved_to_heap', 'escapes', 'append_escapes', 'does_not_escape')"
			 " ORDER BY d.build_id, d.col, d.diag_id", aid, x->line);
		if (store_query(s, sql, print_also, &a, e)) {
			json_decref(a.arr);
			goto fail;
		}
		if (o)
			json_object_set_new(o, "also_at_line", a.arr);
	}
	if (cc && !o)
		printf("fix: %s\n\n", cc->hint);
	if (o)
		json_array_append_new(out, o);
	(void)c;
	(void)aid;
	return 0;
fail:
	json_decref(o);
	return e->status ? e->status : ESC_EDB;
}

int cmd_explain(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{NULL, 0, NULL, 0},
	};
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	const char *profile = NULL;
	struct sites ss = {0};
	struct store *s = NULL;
	struct err e = {0};
	json_t *out = NULL;
	size_t nb = 0, i;
	int opt, rc, ret = EXIT_OK;
	int64_t pid, aid, line = 0, site = 0;
	char sql[1024], *target = NULL, *colon;

	c->usage = usage;
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			free(brefs);
			return rc - 100;
		}
		if (opt == 'p')
			profile = optarg;
		else if (opt == 'b')
			brefs[nb++] = optarg;
	}
	if (argc - optind != 1) {
		free(brefs);
		return cli_usage_error(c, "need one FILE:LINE or SITE");
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		free(brefs);
		return cli_usage_error(c, "explain writes text or json");
	}
	target = strdup(argv[optind]);
	colon = target ? strrchr(target, ':') : NULL;
	if (target && strspn(target, "0123456789") == strlen(target) && *target) {
		site = atoll(target);
	} else if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		*colon = '\0';
		line = atoll(colon + 1);
		ss.file = target;
	} else {
		free(brefs);
		free(target);
		return cli_usage_error(c, "'%s' is neither FILE:LINE nor a site id", argv[optind]);
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds */
	store_batch_begin(s);
	if (classify_select(cli_notes(c), s, profile, brefs, nb, NULL, &pid, &aid, &e))
		goto fail;
	snprintf(sql, sizeof(sql),
		 "SELECT site_id, function, file, line, alloc_objects, alloc_space, inuse_objects, inuse_space,"
		 " cause, confidence, build_id, diag_id, attributed_via, decisive_seq, evidence, samples"
		 " FROM alloc_site WHERE analysis_id = %" PRId64 " AND %s = %" PRId64
		 " ORDER BY alloc_space DESC, inuse_space DESC", aid, site ? "site_id" : "line",
		 site ? site : line);
	if (store_query(s, sql, take_site, &ss, &e))
		goto fail;
	if (!ss.n) {
		err_set(&e, ESC_EUSAGE, "no allocation site at %s in profile %" PRId64, argv[optind], pid);
		goto fail;
	}
	if (c->format == OUT_JSON)
		out = json_array();
	for (i = 0; i < ss.n; i++)
		if (explain_site(c, s, aid, &ss.v[i], out, &e))
			goto fail;
	if (out) {
		rc = out_json_dump(stdout, out);
		out = NULL;
		if (rc)
			ret = cli_write_failed(c);
	}
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	json_decref(out);
	free_sites(&ss);
	store_close(s);
	free(brefs);
	free(target);
	return ret;
}
