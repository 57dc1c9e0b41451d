/* cmd_explain.c — `escprof explain FILE:LINE|SITE`: everything escprof knows of one site:
 * what it allocated, the cause and how sure, the compiler's diagnostic with its flow chain
 * exactly as printed (the deciding step marked), the other diagnostics at that line,
 * and the fix. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "cli.h"
#include "common/paths.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof explain [--db FILE] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                       [--format text|json] FILE:LINE|SITE\n"
	"\n"
	"Shows why the allocations at a site are on the heap: the bytes and objects, the\n"
	"cause, the compiler's explanation (flow chain) with the deciding step marked, the\n"
	"other diagnostics at that line, and the fix. FILE matches by whole trailing path\n"
	"components (main.go, pkg/main.go, /abs/pkg/main.go); SITE is a site id from top.\n";

/* "  file:line[:col]: message" as the compiler printed it */
static void text_diag(const struct store_diag_row *d)
{
	fputs("  ", stdout);
	out_text(stdout, d->file, strlen(d->file));
	if (d->col)
		printf(":%" PRId64 ":%" PRId64 ": ", d->line, d->col);
	else
		printf(":%" PRId64 ": ", d->line);
	out_text(stdout, d->message, strlen(d->message));
	putchar('\n');
}

static void write_text(const struct classify_explained *x)
{
	const struct store_site_row *r = &x->site;
	const struct classify_cause *cc = x->cause;
	char b[4][32];
	size_t i;

	out_textf(stdout, "site %" PRId64 ": %s  %s:%" PRId64 "\n", r->site_id, r->function, r->file, r->line);
	printf("  alloc: %s in %s objects; in use: %s in %s objects; %" PRId64 " samples\n",
	       out_size(b[0], 32, r->values[STORE_ALLOC_SPACE], 1),
	       out_size(b[1], 32, r->values[STORE_ALLOC_OBJECTS], 0),
	       out_size(b[2], 32, r->values[STORE_INUSE_SPACE], 1),
	       out_size(b[3], 32, r->values[STORE_INUSE_OBJECTS], 0), r->samples);
	if (r->attributed_via)
		out_textf(stdout, "  allocated in %s, called from this line\n", r->attributed_via);
	out_textf(stdout, "cause: %s (confidence %.2f)%s%s\n", r->cause, r->confidence, cc ? ": " : "",
		  cc ? cc->title : "");
	if (r->evidence)
		out_textf(stdout, "  because: %s\n", r->evidence);
	if (r->diag_id) {
		printf("the compiler said (build %" PRId64 "):\n", r->build_id);
		if (x->diag_found)
			text_diag(&x->diag);
		for (i = 0; i < x->nsteps; i++) {
			const struct store_flow_step_row *st = &x->steps[i];

			out_textf(stdout, "  %s %s", st->seq == r->decisive_seq ? ">>" : "  ",
				  !strcmp(st->kind, "flow") ? "" : "  ");
			out_text(stdout, st->text, strlen(st->text));
			putchar('\n');
		}
		if (r->decisive_seq)
			printf("  (>> marks the step that decided the cause)\n");
	}
	for (i = 0; i < x->nalso; i++) {
		const struct store_diag_row *d = &x->also[i];

		if (!i)
			printf("also at this line:\n");
		text_diag(d);
	}
	if (cc)
		printf("fix: %s\n\n", cc->hint);
}

static json_t *jstr(const char *s)
{
	return s ? out_json_string(s, strlen(s)) : json_null();
}

static json_t *json_of(const struct classify_explained *x)
{
	static const char *const keys[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};
	const struct store_site_row *r = &x->site;
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "site_id", json_integer(r->site_id));
	json_object_set_new(o, "function", jstr(r->function));
	json_object_set_new(o, "file", jstr(r->file));
	json_object_set_new(o, "line", json_integer(r->line));
	for (i = 0; i < STORE_NHEAP; i++)
		json_object_set_new(o, keys[i], json_integer(r->values[i]));
	json_object_set_new(o, "cause", jstr(r->cause));
	json_object_set_new(o, "confidence", json_real(r->confidence));
	json_object_set_new(o, "attributed_via", jstr(r->attributed_via));
	json_object_set_new(o, "evidence", jstr(r->evidence));
	json_object_set_new(o, "hint", x->cause ? json_string(x->cause->hint) : json_null());
	if (r->diag_id) {
		json_t *d = json_object();

		if (x->diag_found) {
			json_object_set_new(d, "file", jstr(x->diag.file));
			json_object_set_new(d, "line", json_integer(x->diag.line));
			json_object_set_new(d, "col", x->diag.col ? json_integer(x->diag.col) : json_null());
			json_object_set_new(d, "kind", jstr(x->diag.kind));
			json_object_set_new(d, "message", jstr(x->diag.message));
		}
		a = json_array();
		for (i = 0; i < x->nsteps; i++) {
			json_t *st = json_object();

			json_object_set_new(st, "seq", json_integer(x->steps[i].seq));
			json_object_set_new(st, "text", jstr(x->steps[i].text));
			json_object_set_new(st, "decisive", json_boolean(x->steps[i].seq == r->decisive_seq));
			json_array_append_new(a, st);
		}
		json_object_set_new(d, "flow", a);
		json_object_set_new(o, "diagnostic", d);
	} else {
		json_object_set_new(o, "diagnostic", json_null());
	}
	a = json_array();
	for (i = 0; i < x->nalso; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "kind", jstr(x->also[i].kind));
		json_object_set_new(d, "col", x->also[i].col ? json_integer(x->also[i].col) : json_null());
		json_object_set_new(d, "message", jstr(x->also[i].message));
		json_array_append_new(a, d);
	}
	json_object_set_new(o, "also_at_line", a);
	return o;
}

/* Digits only (no sign, no space), and in range. */
static int number(const char *s, int64_t *v)
{
	return *s && strspn(s, "0123456789") == strlen(s) && !num_parse_i64(s, 0, INT64_MAX, v);
}

/* Every site explained, as text or as one JSON array; 0 or -1 when a write failed. */
static int write_explain(const struct cli *c, const struct classify_explain *x)
{
	json_t *out;
	size_t i;

	if (c->format != OUT_JSON) {
		for (i = 0; i < x->n; i++)
			write_text(&x->v[i]);
		return 0;
	}
	out = json_array();
	for (i = 0; i < x->n; i++)
		json_array_append_new(out, json_of(&x->v[i]));
	return out_json_dump(stdout, out);
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
	const char *profile = NULL, *file = NULL;
	struct classify_explain x = {0};
	struct store *s = NULL;
	struct err e = {0};
	size_t nb = 0;
	int opt, rc, ret = EXIT_OK;
	int64_t pid, aid, line = 0, site = 0;
	char *target = NULL, *colon;

	c->usage = usage;
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		if (opt == 'p')
			profile = optarg;
		else if (opt == 'b')
			brefs[nb++] = optarg;
	}
	if (argc - optind != 1) {
		ret = cli_usage_error(c, "need one FILE:LINE or SITE");
		goto out;
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		ret = cli_usage_error(c, "explain writes text or json");
		goto out;
	}
	if (!(target = strdup(argv[optind]))) {
		ret = EXIT_FAIL;
		goto out;
	}
	colon = strrchr(target, ':');
	if (number(target, &site)) {
		/* a site id */
	} else if (colon && number(colon + 1, &line)) {
		*colon = '\0';
		file = target;
	} else {
		ret = cli_usage_error(c, "'%s' is neither FILE:LINE nor a site id", argv[optind]);
		goto out;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds */
	store_batch_begin(s);
	if (classify_select(cli_notes(c), s, profile, brefs, nb, NULL, &pid, &aid, &e) ||
	    classify_explain(s, aid, site, line, file, &x, &e))
		goto fail;
	if (!x.n) {
		err_set(&e, ESC_EUSAGE, "no allocation site at %s in profile %" PRId64, argv[optind], pid);
		goto fail;
	}
	if (write_explain(c, &x))
		ret = cli_write_failed(c);
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	classify_explain_release(&x);
	store_close(s);
out:
	free(brefs);
	free(target);
	return ret;
}
