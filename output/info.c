/* info.c — info's writer: what a decoded profile holds, its sample types with their
 * totals, as text for people (sizes as out_size writes them) or as one JSON object
 * (exact integers). The JSON is a contract (README.md):
 * field names and types do not change; a default sample type is null when not given. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "output/output.h"

static int write_json(FILE *f, const struct profile *p, const int64_t *totals)
{
	json_t *o = json_object(), *types = json_array(), *pt = json_object();
	size_t i;

	for (i = 0; i < p->nsample_types; i++) {
		json_t *ty = json_object();

		json_object_set_new(ty, "type", out_json_string(p->sample_types[i].type,
								strlen(p->sample_types[i].type)));
		json_object_set_new(ty, "unit", out_json_string(p->sample_types[i].unit,
								strlen(p->sample_types[i].unit)));
		json_object_set_new(ty, "total", json_integer(totals[i]));
		json_array_append_new(types, ty);
	}
	json_object_set_new(pt, "type", out_json_string(p->period_type.type, strlen(p->period_type.type)));
	json_object_set_new(pt, "unit", out_json_string(p->period_type.unit, strlen(p->period_type.unit)));
	json_object_set_new(o, "file", out_json_string(p->name, strlen(p->name)));
	json_object_set_new(o, "format", json_string(profile_format_name(p->format)));
	json_object_set_new(o, "sample_types", types);
	json_object_set_new(o, "samples", json_integer((json_int_t)p->nsamples));
	json_object_set_new(o, "locations", json_integer((json_int_t)p->nlocations));
	json_object_set_new(o, "functions", json_integer((json_int_t)p->nfunctions));
	json_object_set_new(o, "mappings", json_integer((json_int_t)p->nmappings));
	json_object_set_new(o, "period_type", pt);
	json_object_set_new(o, "period", json_integer(p->period));
	json_object_set_new(o, "time_nanos", json_integer(p->time_nanos));
	json_object_set_new(o, "duration_nanos", json_integer(p->duration_nanos));
	json_object_set_new(o, "default_sample_type",
			    p->default_sample_type ?
			    out_json_string(p->default_sample_type, strlen(p->default_sample_type)) :
			    json_null());
	json_object_set_new(o, "max_inline_depth", json_integer((json_int_t)p->max_inline_depth));
	return out_json_dump(f, o);
}

static void write_text(FILE *f, const struct profile *p, const int64_t *totals)
{
	int def = profile_default_sample_index(p);
	char b1[32], b2[32];
	size_t i;

	out_textf(f, "file:        %s\n", p->name);
	fprintf(f, "format:      %s (%s read, %s decoded)\n", profile_format_name(p->format),
		out_size(b1, sizeof(b1), (int64_t)p->input_size, 1),
		out_size(b2, sizeof(b2), (int64_t)p->decoded_size, 1));
	out_textf(f, "period:      %" PRId64 " %s/%s\n", p->period, p->period_type.type, p->period_type.unit);
	if (p->time_nanos) {
		time_t secs = (time_t)(p->time_nanos / 1000000000);
		struct tm tm;
		char when[32];

		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(f, "time:        %s\n", when);
	}
	if (p->duration_nanos)
		fprintf(f, "duration:    %.3fs\n", (double)p->duration_nanos / 1e9);
	fprintf(f, "samples:     %zu\n", p->nsamples);
	fprintf(f, "locations:   %zu (deepest inlining: %zu %s)\n", p->nlocations, p->max_inline_depth,
		out_plural((int64_t)p->max_inline_depth, "line", "lines"));
	fprintf(f, "functions:   %zu\n", p->nfunctions);
	fprintf(f, "mappings:    %zu\n", p->nmappings);
	fprintf(f, "sample types%s:\n", def >= 0 ? " (* = default)" : "");
	for (i = 0; i < p->nsample_types; i++)
		out_textf(f, "  %c %-16s %-12s %20s\n", (int)i == def ? '*' : ' ',
			  p->sample_types[i].type, p->sample_types[i].unit,
			  out_size(b1, sizeof(b1), totals[i], !strcmp(p->sample_types[i].unit, "bytes")));
}

int out_info_write(FILE *f, enum out_format fmt, const struct profile *p, const int64_t *totals)
{
	if (fmt == OUT_JSON)
		return write_json(f, p, totals);
	write_text(f, p, totals);
	return 0;
}
