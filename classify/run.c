/* run.c — the engine the reading commands call before they write anything: which profile,
 * which heap sample type, which analysis (the newest stored, else a new one), running and
 * storing an analysis, and resolving a baseline. Nothing here prints: what the user should
 * hear (a build left out, an analysis made on the way) goes to the caller's notes, and
 * every store failure is returned. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "classify/classify.h"
#include "common/num.h"
#include "common/paths.h"

static void note(const struct classify_notes *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct classify_notes *n, const char *fmt, ...)
{
	va_list ap;

	if (!n || !n->fn)
		return;
	va_start(ap, fmt);
	n->fn(n->ctx, fmt, ap);
	va_end(ap);
}

/* What f asks, as the command line said it: "--label k=v --since T ..." (for messages). */
static void filter_words(const struct store_profile_filter *f, char *out, size_t n)
{
	size_t i, k = 0;

	out[0] = '\0';
	for (i = 0; i < f->nlabels && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s--label %s", k ? " " : "", f->labels[i]);
	if (f->since && k < n)
		k += (size_t)snprintf(out + k, n - k, "%s--since %s", k ? " " : "", f->since);
	if (f->until && k < n)
		snprintf(out + k, n - k, "%s--until %s", k ? " " : "", f->until);
}

enum esc_status classify_select_profile(struct store *s, const char *profile_ref,
					const struct store_profile_filter *f, int64_t *profile_id,
					struct err *e)
{
	enum esc_status st;
	char words[512];
	int yes;

	if (profile_ref) {
		if ((st = store_resolve_profile(s, profile_ref, profile_id, e)) ||
		    (st = store_profile_admitted(s, *profile_id, f, &yes, e)) || yes)
			return st;
		filter_words(f, words, sizeof(words));
		return err_set(e, ESC_EINPUT, "profile '%s' does not match %s", profile_ref, words);
	}
	if ((st = store_latest_profile_where(s, f, profile_id, e)) || *profile_id)
		return st;
	if (!store_profile_filter_any(f))
		return err_set(e, ESC_EINPUT, "no heap profile in '%s' (escprof load one first; a CPU or"
			       " goroutine profile is none)", store_path(s));
	filter_words(f, words, sizeof(words));
	return err_set(e, ESC_EINPUT, "no heap profile in '%s' matches %s", store_path(s), words);
}

enum esc_status classify_sample_type(struct store *s, int64_t profile_id, const char *want,
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
			/* an index among the profile's own sample types, as pprof counts them */
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
	/* pprof's choice: the profile's default type, else its last one; a profile whose
	 * choice is not a heap type still has one: the last of those */
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

/* Notes which of the builds given were left out: they do not fit the profile. */
static int say_unfit(void *ctx, const struct store_build_fit *m, const char *name)
{
	const struct classify_notes *n = ctx;

	if (m->used)
		return 0;
	if (m->lines)
		note(n, "build %" PRId64 " ('%s') has diagnostics at %" PRId64 " of the %" PRId64
		     " %s of the profile's own code it covers (%.1f%%): it is not the build of this"
		     " profile (another program or commit?); not used", m->build_id, name, m->matched,
		     m->lines, m->lines == 1 ? "line" : "lines", 100.0 * (double)m->matched / (double)m->lines);
	else
		note(n, "build %" PRId64 " ('%s') covers none of the profile's own code: it is not the"
		     " build of this profile; not used", m->build_id, name);
	return 0;
}

enum esc_status classify_run(const struct classify_notes *n, struct store *s, int64_t profile_id,
			     const int64_t *builds, size_t nbuilds, const struct classify_opts *o,
			     int64_t *analysis_id, struct err *e)
{
	struct classify_result r;
	struct store_cause_row rows[32];
	struct store_build_fit *fits = NULL;
	struct classify_decoded *grouped = NULL;
	struct classify_opts oo = o ? *o : (struct classify_opts){0};
	int64_t *used = NULL;
	const struct classify_cause *cs;
	size_t nc, i, nused = 0;
	enum esc_status st;

	cs = classify_causes(&nc);
	if (nc > 32)
		nc = 32;
	for (i = 0; i < nc; i++)
		rows[i] = (struct store_cause_row){cs[i].id, cs[i].title, cs[i].hint};
	/* samples read from memory are grouped once for both analyses below */
	if (oo.decoded && !oo.grouped) {
		if ((st = classify_decoded_group(oo.decoded, &grouped, e)))
			return st;
		oo.grouped = grouped;
	}
	o = &oo;
	if ((st = classify_analyze(s, profile_id, builds, nbuilds, o, &r, e))) {
		classify_decoded_free(grouped);
		return st;
	}
	fits = calloc(nbuilds + 1, sizeof(*fits));
	used = calloc(nbuilds + 1, sizeof(*used));
	if (!fits || !used) {
		classify_result_release(&r);
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
	if (!st && nused < nbuilds && n && n->fn)
		st = store_foreach_build_fit(s, *analysis_id, say_unfit, (void *)n, e);
out:
	classify_decoded_free(grouped);
	free(fits);
	free(used);
	return st;
}

/* A profile's analysis when it has none: a new one with the newest build (said). */
static enum esc_status run_with_newest(const struct classify_notes *n, struct store *s,
				       int64_t profile_id, const struct classify_opts *o,
				       int64_t *analysis_id, struct err *e)
{
	int64_t latest = 0;
	enum esc_status st;

	if ((st = store_latest_build(s, &latest, e)))
		return st;
	if (latest)
		note(n, "profile %" PRId64 " had no analysis yet: joined it with build %" PRId64
		     " (the newest; choose with --build)", profile_id, latest);
	else
		note(n, "profile %" PRId64 " had no analysis yet and the store holds no build:"
		     " the causes come from the profile alone", profile_id);
	return classify_run(n, s, profile_id, &latest, latest ? 1 : 0, o, analysis_id, e);
}

enum esc_status classify_select(const struct classify_notes *n, struct store *s,
				const char *profile_ref, const struct store_profile_filter *f,
				const char *const *build_refs,
				size_t nbuild_refs, const struct classify_opts *o,
				int64_t *profile_id, int64_t *analysis_id, struct err *e)
{
	int64_t *builds = NULL;
	enum esc_status st;
	size_t i;

	if ((st = classify_select_profile(s, profile_ref, f, profile_id, e)))
		return st;
	if (!nbuild_refs) {
		if ((st = store_latest_analysis(s, *profile_id, analysis_id, e)) || *analysis_id)
			return st;
		return run_with_newest(n, s, *profile_id, o, analysis_id, e);
	}
	builds = calloc(nbuild_refs, sizeof(*builds));
	if (!builds)
		return err_set(e, ESC_ENOMEM, "out of memory");
	for (i = 0; i < nbuild_refs; i++)
		if ((st = store_resolve_build(s, build_refs[i], &builds[i], e)))
			goto out;
	st = classify_run(n, s, *profile_id, builds, nbuild_refs, o, analysis_id, e);
out:
	free(builds);
	return st;
}

/* The analysis a baseline profile is compared by. */
static enum esc_status baseline_analysis(const struct classify_notes *n, struct store *s,
					 const struct classify_baseline_opts *o,
					 struct classify_baseline *b, struct err *e)
{
	struct store_analysis_build *rows = NULL;
	int64_t *ids = NULL;
	size_t nrows = 0, i;
	enum esc_status st;

	if (o->nbuilds)
		return classify_run(n, s, b->profile_id, o->builds, o->nbuilds, o->join,
				    &b->analysis_id, e);
	if ((st = store_latest_analysis(s, b->profile_id, &b->analysis_id, e)) || b->analysis_id)
		return st;
	if (!o->builds_of)
		return run_with_newest(n, s, b->profile_id, o->join, &b->analysis_id, e);
	if ((st = store_analysis_builds(s, o->builds_of, &rows, &nrows, e)))
		return st;
	if (nrows && !(ids = calloc(nrows, sizeof(*ids)))) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nrows; i++)
		ids[i] = rows[i].build_id;
	st = classify_run(n, s, b->profile_id, ids, nrows, o->join, &b->analysis_id, e);
out:
	free(ids);
	store_analysis_builds_free(rows, nrows);
	return st;
}

enum esc_status classify_baseline(const struct classify_notes *n, struct store *s, const char *ref,
				  const struct classify_baseline_opts *o, struct classify_baseline *b,
				  struct err *e)
{
	static const struct classify_baseline_opts none;
	struct store_profile_info info;
	struct err quiet = {0};
	enum esc_status st;

	if (!o)
		o = &none;
	*b = (struct classify_baseline){0};
	if (path_exists(ref) || profile_is_url(ref)) {
		/* read once: a pipe or a FIFO cannot be read again (nor a URL fetched twice) */
		if (o->builds_too) {
			int64_t id;

			if ((st = classify_ingest_profile_or_build(s, ref, &id, &b->is_profile, e)))
				return st;
			*(b->is_profile ? &b->profile_id : &b->build_id) = id;
		} else {
			struct store_profile_opts po = {0};
			struct classify_ingest_profile_result pr;

			if ((st = classify_ingest_profile(s, ref, &po, o->lim, &pr, e)))
				return st;
			b->is_profile = 1;
			b->profile_id = pr.id;
		}
	} else if (!o->builds_too) {
		if ((st = store_resolve_profile(s, ref, &b->profile_id, e)))
			return st;
		b->is_profile = 1;
	} else if (!(st = store_resolve_profile(s, ref, &b->profile_id, &quiet))) {
		b->is_profile = 1;
	} else if (st != ESC_ENOTFOUND || (err_clear(&quiet),
					   (st = store_resolve_build(s, ref, &b->build_id, &quiet)))) {
		/* a failed lookup is the store's error; only none found is the user's */
		if (st != ESC_ENOTFOUND) {
			if (e)
				*e = quiet;
			return st;
		}
		return err_set(e, ESC_ENOTFOUND, "'%s' is neither a file nor a profile or build in '%s'",
			       ref, store_path(s));
	}
	if (!b->is_profile)
		return ESC_OK;
	if ((st = baseline_analysis(n, s, o, b, e)))
		return st;
	if ((st = store_profile_info(s, b->profile_id, &info, e)))
		return st;
	b->duration_nanos = info.duration_nanos;
	store_profile_info_release(&info);
	return ESC_OK;
}
