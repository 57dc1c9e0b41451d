/* explain.c — explain's writer: a site's values, cause, the compiler's diagnostic and
 * flow chain exactly as printed (the deciding step marked with ">>"), the other
 * diagnostics at its line and the fix; as text, or as one JSON array of sites whose
 * fields are null when unknown. */
#include <inttypes.h>
#include <string.h>

#include "output/output.h"

/* "  file:line[:col]: message" as the compiler printed it */
static void text_diag(FILE *f, const struct store_diag_row *d)
{
	fputs("  ", f);
	out_text(f, d->file, strlen(d->file));
	if (d->col)
		fprintf(f, ":%" PRId64 ":%" PRId64 ": ", d->line, d->col);
	else
		fprintf(f, ":%" PRId64 ": ", d->line);
	out_text(f, d->message, strlen(d->message));
	fputc('\n', f);
}

static void write_text(FILE *f, const struct classify_explained *x)
{
	const struct store_site_row *r = &x->site;
	const struct classify_cause *cc = x->cause;
	char b[4][32];
	size_t i;

	out_textf(f, "site %" PRId64 ": %s  %s:%" PRId64 "\n", r->site_id, r->function, r->file, r->line);
	fprintf(f, "  alloc: %s in %s %s; in use: %s in %s %s; %" PRId64 " %s\n",
		out_size(b[0], 32, r->values[STORE_ALLOC_SPACE], 1),
		out_size(b[1], 32, r->values[STORE_ALLOC_OBJECTS], 0),
		out_plural(r->values[STORE_ALLOC_OBJECTS], "object", "objects"),
		out_size(b[2], 32, r->values[STORE_INUSE_SPACE], 1),
		out_size(b[3], 32, r->values[STORE_INUSE_OBJECTS], 0),
		out_plural(r->values[STORE_INUSE_OBJECTS], "object", "objects"), r->samples,
		out_plural(r->samples, "sample", "samples"));
	if (r->attributed_via)
		out_textf(f, "  allocated in %s, called from this line\n", r->attributed_via);
	out_textf(f, "cause: %s (confidence %.2f)%s%s\n", r->cause, r->confidence, cc ? ": " : "",
		  cc ? cc->title : "");
	if (r->evidence)
		out_textf(f, "  because: %s\n", r->evidence);
	if (r->diag_id) {
		fprintf(f, "the compiler said (build %" PRId64 "):\n", r->build_id);
		if (x->diag_found)
			text_diag(f, &x->diag);
		for (i = 0; i < x->nsteps; i++) {
			const struct store_flow_step_row *st = &x->steps[i];

			out_textf(f, "  %s %s", st->seq == r->decisive_seq ? ">>" : "  ",
				  !strcmp(st->kind, "flow") ? "" : "  ");
			out_text(f, st->text, strlen(st->text));
			fputc('\n', f);
		}
		if (r->decisive_seq)
			fprintf(f, "  (>> marks the step that decided the cause)\n");
	}
	for (i = 0; i < x->nalso; i++) {
		const struct store_diag_row *d = &x->also[i];

		if (!i)
			fprintf(f, "also at this line:\n");
		text_diag(f, d);
	}
	if (cc)
		fprintf(f, "fix: %s\n\n", cc->hint);
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

int out_explain_write(FILE *f, enum out_format fmt, const struct classify_explain *x)
{
	json_t *out;
	size_t i;

	if (fmt != OUT_JSON) {
		for (i = 0; i < x->n; i++)
			write_text(f, &x->v[i]);
		return 0;
	}
	out = json_array();
	for (i = 0; i < x->n; i++)
		json_array_append_new(out, json_of(&x->v[i]));
	return out_json_dump(f, out);
}

