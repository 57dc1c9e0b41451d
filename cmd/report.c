/* report.c — helpers shared by the reporting commands; see report.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "common/vec.h"
#include "report.h"

#include <stdio.h>

void report_pprof_args(int argc, char **argv)
{
	static const char *const names[] = {"-sample_index", "-source_path", "-trim_path", "-focus",
					    "-nodecount"};
	static char rewritten[5][32];
	int i;
	size_t k;

	for (i = 1; i < argc; i++)
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			size_t l = strlen(names[k]);

			if (!strncmp(argv[i], names[k], l) && (argv[i][l] == '\0' || argv[i][l] == '=')) {
				if (argv[i][l] == '=') {
					/* keep "=value": build "--name=value" in place is not possible;
					 * split into two arguments is not either, so allocate */
					char *s = malloc(strlen(argv[i]) + 2);

					if (s) {
						s[0] = '-';
						strcpy(s + 1, argv[i]);
						argv[i] = s;	/* lives until exit */
					}
				} else {
					snprintf(rewritten[k], sizeof(rewritten[k]), "-%s", names[k]);
					argv[i] = rewritten[k];
				}
			}
		}
}

int report_add_dirs(const char ***dirs, size_t *n, size_t *cap, char *arg)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(arg, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (vec_reserve(dirs, cap, *n + 1, sizeof(**dirs), 4))
			return -1;
		(*dirs)[(*n)++] = tok;
	}
	return 0;
}

const char *report_column(int ix)
{
	return store_heap_types[ix];
}

const char *report_objects_column(int ix)
{
	return store_heap_types[store_heap_objects_of(ix)];
}

enum esc_status report_get_totals(struct store *s, int64_t analysis, int ix,
				  struct report_totals *t, struct err *e)
{
	return store_analysis_totals(s, analysis, ix, t, e);
}

void report_causes_sql(char *sql, size_t n, int64_t analysis, int ix)
{
	const char *col = report_column(ix);

	snprintf(sql, n,
		 "SELECT cause, coalesce(sum(%s), 0), count(nullif(%s, 0)), coalesce(sum(%s), 0) FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " GROUP BY cause HAVING sum(%s) != 0 OR cause = 'unknown'"
		 " UNION ALL SELECT 'unknown', 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " AND cause = 'unknown') ORDER BY 2 DESC, 1",
		 col, col, report_objects_column(ix), analysis, col, analysis);
}

int report_is_bytes(int ix)
{
	return store_heap_is_bytes(ix);
}

const char *report_size(char *buf, size_t n, int64_t v, int bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double d = (double)v;
	int u = 0;

	if (!bytes) {
		snprintf(buf, n, "%" PRId64, v);
		return buf;
	}
	while ((d >= 1024 || d <= -1024) && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%" PRId64 " B", v);
	else
		snprintf(buf, n, "%.*f %s", d < 10 ? 2 : d < 100 ? 1 : 0, d, units[u]);
	return buf;
}

enum esc_status report_sample_index(struct store *s, int64_t profile_id, const char *want,
				    int *ix, struct err *e)
{
	struct store_profile_info info;
	const char *pick[2];
	char name[256];
	int has[STORE_NHEAP], i, k;
	enum esc_status st;

	if ((st = store_heap_types_of(s, profile_id, has, e)))
		return st;
	if (want) {
		int64_t idx;

		if (!num_parse_i64(want, 0, INT64_MAX, &idx)) {
			/* an index among the profile's own sample types */
			if ((st = store_sample_type_at(s, profile_id, idx, name, sizeof(name), e)))
				return st;
			want = name;
		}
		if ((i = store_heap_type_index(want)) >= 0 && has[i]) {
			*ix = i;
			return ESC_OK;
		}
		return err_set(e, ESC_EUSAGE,
			       "sample type '%s' is not one of the profile's heap types", want);
	}
	/* pprof's choice: the profile's default type, else its last one */
	if ((st = store_profile_info(s, profile_id, &info, e)))
		return st;
	pick[0] = info.default_sample_type;
	pick[1] = info.last_sample_type;
	for (k = 0, i = -1; k < 2 && i < 0; k++)
		if ((i = store_heap_type_index(pick[k])) >= 0 && !has[i])
			i = -1;
	store_profile_info_release(&info);
	for (k = STORE_NHEAP - 1; i < 0 && k >= 0; k--)
		if (has[k])
			i = k;
	if (i < 0)
		return err_set(e, ESC_EINPUT, "the profile has no heap sample type");
	*ix = i;
	return ESC_OK;
}

/* Notes which builds given were left out: they do not fit the profile. */
static int say_unfit(void *ctx, const struct store_build_fit *m, const char *name)
{
	struct cli *c = ctx;

	if (m->used)
		return 0;
	if (m->lines)
		cli_note(c, "build %" PRId64 " ('%s') has diagnostics at %" PRId64 " of the %" PRId64
			 " lines of the profile's own code it covers (%.0f%%): it is not the build of this"
			 " profile (another program or commit?); not used", m->build_id, name, m->matched,
			 m->lines, 100.0 * (double)m->matched / (double)m->lines);
	else
		cli_note(c, "build %" PRId64 " ('%s') covers none of the profile's own code: it is not the"
			 " build of this profile; not used", m->build_id, name);
	return 0;
}

enum esc_status report_analyze(struct cli *c, struct store *s, int64_t profile_id,
			       const int64_t *builds, size_t nbuilds, const struct classify_opts *o,
			       int64_t *analysis_id, struct err *e)
{
	struct classify_result r;
	struct store_cause_row rows[32];
	struct store_build_fit *fits = NULL;
	int64_t *used = NULL;
	const struct classify_cause *cs;
	size_t nc, i, nused = 0;
	enum esc_status st;

	cs = classify_causes(&nc);
	if (nc > 32)
		nc = 32;
	for (i = 0; i < nc; i++)
		rows[i] = (struct store_cause_row){cs[i].id, cs[i].title, cs[i].hint};
	if ((st = classify_analyze(s, profile_id, builds, nbuilds, o, &r, e)))
		return st;
	fits = calloc(nbuilds + 1, sizeof(*fits));
	used = calloc(nbuilds + 1, sizeof(*used));
	if (!fits || !used) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	/* a build that does not fit the profile would give confident, wrong causes: it is
	 * left out (and that is said once the analysis is stored) */
	for (i = 0; i < r.nmatches; i++) {
		const struct classify_match *m = &r.matches[i];

		fits[i] = (struct store_build_fit){m->build_id, (int64_t)m->lines, (int64_t)m->matched,
						   classify_build_fits(m)};
		if (fits[i].used)
			used[nused++] = m->build_id;
	}
	if (nused < r.nmatches) {
		classify_result_release(&r);
		if ((st = classify_analyze(s, profile_id, used, nused, o, &r, e)))
			goto out;
	}
	st = store_add_analysis(s, profile_id, used, nused, rows, nc, r.sites, r.nsites,
				fits, nbuilds, analysis_id, e);
	classify_result_release(&r);
	if (!st && nused < nbuilds && !c->quiet)
		st = store_foreach_build_fit(s, *analysis_id, say_unfit, c, e);
out:
	free(fits);
	free(used);
	return st;
}

enum esc_status report_latest_analysis(struct store *s, int64_t profile_id, int64_t *id,
				       struct err *e)
{
	return store_latest_analysis(s, profile_id, id, e);
}

enum esc_status report_select_profile(const struct cli *c, struct store *s, const char *profile_ref,
				      int64_t *profile_id, struct err *e)
{
	enum esc_status st;

	if (profile_ref)
		st = store_resolve_profile(s, profile_ref, profile_id, e);
	else if (!(st = store_latest_profile(s, profile_id, e)) && !*profile_id)
		st = err_set(e, ESC_EINPUT, "no profile in '%s' (escprof load one first)", c->db);
	return st;
}

enum esc_status report_select(struct cli *c, struct store *s, const char *profile_ref,
			      const char *const *build_refs, size_t nbuild_refs,
			      const struct classify_opts *o, int64_t *profile_id,
			      int64_t *analysis_id, struct err *e)
{
	int64_t *builds = NULL, latest = 0;
	enum esc_status st;
	size_t i;

	if ((st = report_select_profile(c, s, profile_ref, profile_id, e)))
		return st;
	if (!nbuild_refs) {
		if ((st = report_latest_analysis(s, *profile_id, analysis_id, e)) || *analysis_id)
			return st;
		if ((st = store_latest_build(s, &latest, e)))
			return st;
		if (!c->quiet) {
			if (latest)
				cli_note(c, "profile %" PRId64 " had no analysis yet: joined it with build %" PRId64
					 " (the newest; choose with --build)", *profile_id, latest);
			else
				cli_note(c, "profile %" PRId64 " had no analysis yet and the store holds no build:"
					 " the causes come from the profile alone", *profile_id);
		}
		return report_analyze(c, s, *profile_id, &latest, latest ? 1 : 0, o, analysis_id, e);
	}
	builds = calloc(nbuild_refs, sizeof(*builds));
	if (!builds)
		return err_set(e, ESC_ENOMEM, "out of memory");
	for (i = 0; i < nbuild_refs; i++)
		if ((st = store_resolve_build(s, build_refs[i], &builds[i], e)))
			goto out;
	st = report_analyze(c, s, *profile_id, builds, nbuild_refs, o, analysis_id, e);
out:
	free(builds);
	return st;
}

int report_take_int(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	(void)names;
	if (v && ncols && v[0].type == STORE_INT)
		*(int64_t *)ctx = v[0].i;
	return 0;
}
