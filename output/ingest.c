/* ingest.c — the writers of escapes and load: what each input became (stored, already
 * stored, or in a dry run only parsed), one line of text per input or one object of a
 * JSON array; --quiet silences the text, never the JSON. */
#include <inttypes.h>
#include <string.h>

#include "output/output.h"

static void escapes_text(FILE *f, const char *path, const struct classify_ingest_build_result *r, int dry)
{
	size_t k;
	int first = 1;

	const char *diags = out_plural((int64_t)r->st.diagnostics, "diagnostic", "diagnostics");

	if (dry)
		out_textf(f, "%s: %zu %s", path, r->st.diagnostics, diags);
	else if (r->added)
		out_textf(f, "%s: stored as build %lld: %zu %s", path, (long long)r->id,
			  r->st.diagnostics, diags);
	else
		out_textf(f, "%s: already stored as build %lld: %zu %s", path, (long long)r->id,
			  r->st.diagnostics, diags);
	for (k = 0; k < GC_KIND_COUNT; k++) {
		if (!r->kinds[k])
			continue;
		fprintf(f, "%s%s %zu", first ? " (" : ", ", gc_kind_name((enum gc_kind)k), r->kinds[k]);
		first = 0;
	}
	out_textf(f, "%s; %zu of %zu %s not understood; Go version %s\n", first ? "" : ")",
		  r->st.skipped, r->st.lines, out_plural((int64_t)r->st.lines, "line", "lines"),
		  r->version[0] ? r->version : "unknown");
}

static json_t *escapes_json(const char *path, const struct classify_ingest_build_result *r)
{
	json_t *o = json_object(), *kinds = json_object();
	size_t k;

	for (k = 0; k < GC_KIND_COUNT; k++)
		json_object_set_new(kinds, gc_kind_name((enum gc_kind)k), json_integer((json_int_t)r->kinds[k]));
	json_object_set_new(o, "input", out_json_string(path, strlen(path)));
	json_object_set_new(o, "build_id", r->id ? json_integer(r->id) : json_null());
	json_object_set_new(o, "added", json_boolean(r->added));
	json_object_set_new(o, "go_version", r->version[0] ? out_json_string(r->version, strlen(r->version)) :
			    json_null());
	json_object_set_new(o, "lines", json_integer((json_int_t)r->st.lines));
	json_object_set_new(o, "diagnostics", json_integer((json_int_t)r->st.diagnostics));
	json_object_set_new(o, "skipped", json_integer((json_int_t)r->st.skipped));
	json_object_set_new(o, "blocks", json_integer((json_int_t)r->st.blocks));
	json_object_set_new(o, "kinds", kinds);
	return o;
}

int out_escapes_write(FILE *f, const struct out_ingest_opts *o, const char *const *inputs,
		      const struct classify_ingest_build_result *res, size_t n)
{
	json_t *report = o->fmt == OUT_JSON ? json_array() : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (report)
			json_array_append_new(report, escapes_json(inputs[i], &res[i]));
		else if (!o->quiet)
			escapes_text(f, inputs[i], &res[i], o->dry);
	return report ? out_json_dump(f, report) : 0;
}

int out_load_write(FILE *f, const struct out_ingest_opts *o, const char *const *inputs,
		   const struct classify_ingest_profile_result *res, size_t n)
{
	json_t *report = o->fmt == OUT_JSON ? json_array() : NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct classify_ingest_profile_result *r = &res[i];

		if (report) {
			json_t *row = json_object();

			json_object_set_new(row, "file", out_json_string(inputs[i], strlen(inputs[i])));
			json_object_set_new(row, "profile_id", json_integer(r->id));
			json_object_set_new(row, "added", json_boolean(r->added));
			json_object_set_new(row, "samples", json_integer((json_int_t)r->nsamples));
			json_object_set_new(row, "sha256", json_string(r->sha256));
			json_array_append_new(report, row);
		} else if (!o->quiet) {
			if (r->added)
				out_textf(f, "%s: loaded as profile %" PRId64 " (%zu %s, %zu %s)\n",
					  inputs[i], r->id, r->nsamples,
					  out_plural((int64_t)r->nsamples, "sample", "samples"), r->nsample_types,
					  out_plural((int64_t)r->nsample_types, "sample type", "sample types"));
			else
				out_textf(f, "%s: already loaded as profile %" PRId64 "\n", inputs[i], r->id);
		}
	}
	return report ? out_json_dump(f, report) : 0;
}
