/* check.c — budget evaluation: every rule of a parsed budget against an analysis, a grown
 * rule against a baseline analysis scaled by duration, new-escapes against the escapes of
 * a baseline build. Fails closed: a store error, a missing baseline or a heap type the
 * profile lacks ends the evaluation with an error and no verdict at all, so a value that
 * could not be computed (a total left at 0) can never pass a rule. A rule that matches
 * nothing is a verdict of its own, never a silent pass. The reports' paths are made
 * relative to the repository here too (classify_check_locate), with the sources' rules. */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"

struct eval {
	struct store *s;
	const struct classify_check_input *in;
	double base_scale;	/* baseline values are multiplied by this before comparing */
	int has[STORE_NHEAP];	/* the heap types of the profile checked */
	int base_has[STORE_NHEAP];	/* and of the baseline */
	struct err *e;
};

static int suffix_glob(const char *pattern, const char *name)
{
	char p[4096];

	if (!fnmatch(pattern, name, 0))
		return 1;
	/* a site or file pattern matches by trailing path components */
	snprintf(p, sizeof(p), "*/%s", pattern);
	return !fnmatch(p, name, 0);
}

static int matches(const struct budget_rule *r, const char *name)
{
	if (r->scope == BUDGET_TOTAL)
		return 1;
	if (r->scope == BUDGET_SITE)
		return suffix_glob(r->pattern, name);
	return !fnmatch(r->pattern, name, 0);
}

static int over(const struct budget_rule *r, double actual)
{
	return r->strict ? actual >= r->limit : actual > r->limit;
}

static enum store_group group_of(enum budget_scope scope)
{
	switch (scope) {
	case BUDGET_PACKAGE: return STORE_BY_PACKAGE;
	case BUDGET_FUNCTION: return STORE_BY_FUNCTION;
	case BUDGET_SITE: return STORE_BY_SITE;
	case BUDGET_CAUSE: return STORE_BY_CAUSE;
	default: return STORE_BY_TOTAL;
	}
}

/* the store gives entities in byte order of name, strcmp's order */
static int by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct store_entity *)elem)->name);
}

static enum esc_status set_where(struct classify_check_result *res, const char *name,
				 const char *file, int64_t line, const char *function, struct err *e)
{
	free(res->name);
	free(res->file);
	free(res->function);
	res->name = strdup(name);
	res->file = file ? strdup(file) : NULL;
	res->function = function ? strdup(function) : NULL;
	res->line = line;
	if (!res->name || (file && !res->file) || (function && !res->function))
		return err_set(e, ESC_ENOMEM, "out of memory");
	return ESC_OK;
}

static enum esc_status eval_scope(struct eval *ev, const struct budget_rule *r,
				  struct classify_check_result *res)
{
	struct store_entity *cur = NULL, *base = NULL;
	size_t ncur = 0, nbase = 0, i;
	int64_t total = 0;
	enum esc_status st;
	int first = 1;

	if (!ev->has[r->type] || (r->growth && !ev->base_has[r->type])) {
		st = err_set(ev->e, ESC_EINPUT, "rule '%s': %sprofile %lld has no %s samples", r->text,
			     ev->has[r->type] ? "the baseline " : "",
			     (long long)(ev->has[r->type] ? ev->in->base_profile_id : ev->in->profile_id),
			     store_heap_types[r->type]);
		goto out;
	}
	if ((st = store_analysis_entities(ev->s, ev->in->analysis_id, group_of(r->scope), r->type,
					  &cur, &ncur, ev->e)))
		goto out;
	if (r->growth && (st = store_analysis_entities(ev->s, ev->in->base_analysis_id,
						       group_of(r->scope), r->type, &base, &nbase, ev->e)))
		goto out;
	if (r->limit_kind == BUDGET_SHARE &&
	    (st = store_profile_total(ev->s, ev->in->profile_id, r->type, &total, ev->e)))
		goto out;
	for (i = 0; i < ncur; i++) {
		const struct store_entity *x = &cur[i], *bx;
		double actual, b = 0;

		if (!matches(r, x->name))
			continue;
		res->matched++;
		if (r->limit_kind == BUDGET_GROWTH) {
			bx = bsearch(x->name, base, nbase, sizeof(*base), by_name);
			b = bx ? (double)bx->value * ev->base_scale : 0;
			actual = b > 0 ? 100.0 * ((double)x->value - b) / b : x->value > 0 ? INFINITY : 0;
		} else if (r->limit_kind == BUDGET_SHARE) {
			actual = total ? 100.0 * (double)x->value / (double)total : 0;
		} else {
			actual = (double)x->value;
		}
		if (over(r, actual))
			res->breaches++;
		if (first || actual > res->actual) {
			res->actual = actual;
			res->value = x->value;
			res->base = b;
			if ((st = set_where(res, x->name, x->file, x->line, x->function, ev->e)))
				goto out;
			first = 0;
		}
	}
	if (r->scope == BUDGET_TOTAL && !res->matched) {
		/* an empty analysis still has a total: zero */
		res->matched = 1;
		res->actual = 0;
		if ((st = set_where(res, "total", NULL, 0, NULL, ev->e)))
			goto out;
	}
	res->verdict = !res->matched ? (r->optional ? CLASSIFY_CHECK_SKIPPED : CLASSIFY_CHECK_NO_MATCH) :
		       res->breaches ? CLASSIFY_CHECK_BREACH : CLASSIFY_CHECK_PASS;
out:
	store_entities_free(cur, ncur);
	store_entities_free(base, nbase);
	return st;
}

static enum esc_status eval_new_escapes(struct eval *ev, const struct budget_rule *r,
					struct classify_check_result *res)
{
	struct classify_check_escapes *cur = ev->in->escapes, *base = ev->in->base_escapes;
	int64_t added = 0;
	size_t i;

	if (classify_match_escapes(base->v, base->n, cur->v, cur->n))
		return err_set(ev->e, ESC_ENOMEM, "out of memory");
	for (i = 0; i < cur->n; i++) {
		if (r->pattern && !suffix_glob(r->pattern, cur->v[i].file))
			continue;
		res->matched++;
		if (cur->v[i].matched)
			continue;
		if (!added++) {
			char d[1024];

			snprintf(d, sizeof(d), "%s:%u: %s", cur->file[i], cur->v[i].line, cur->msg[i]);
			free(res->detail);
			if (set_where(res, cur->msg[i], cur->file[i], cur->v[i].line, NULL, ev->e) ||
			    !(res->detail = strdup(d)))
				return err_set(ev->e, ESC_ENOMEM, "out of memory");
		}
	}
	res->actual = (double)added;
	res->value = added;
	res->breaches = over(r, (double)added) ? (size_t)added : 0;
	/* no escape at all is a pass, not "no match" */
	res->verdict = res->breaches ? CLASSIFY_CHECK_BREACH : CLASSIFY_CHECK_PASS;
	return ESC_OK;
}

/* Reads what every rule needs before any is evaluated: the heap types of the profiles and
 * the baseline's scale; refuses a rule whose baseline was not given. */
static enum esc_status prepare(struct eval *ev, const struct budget *b)
{
	const struct classify_check_input *in = ev->in;
	struct store_profile_info bi, ci;
	int heap = 0, growth = 0;
	enum esc_status st;
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct budget_rule *r = &b->rules[i];

		if (r->growth && (!in->base_profile_id || !in->base_analysis_id))
			return err_set(ev->e, ESC_EUSAGE, "rule '%s' needs a baseline profile", r->text);
		if (r->scope == BUDGET_NEW_ESCAPES && (!in->escapes || !in->base_escapes))
			return err_set(ev->e, ESC_EUSAGE, "rule '%s' needs a baseline build", r->text);
		heap |= r->scope != BUDGET_NEW_ESCAPES;
		growth |= r->growth;
	}
	ev->base_scale = 1;
	if (heap && (st = store_heap_types_of(ev->s, in->profile_id, ev->has, ev->e)))
		return st;
	if (!growth)
		return ESC_OK;
	if ((st = store_heap_types_of(ev->s, in->base_profile_id, ev->base_has, ev->e)))
		return st;
	if ((st = store_profile_info(ev->s, in->base_profile_id, &bi, ev->e)))
		return st;
	if ((st = store_profile_info(ev->s, in->profile_id, &ci, ev->e))) {
		store_profile_info_release(&bi);
		return st;
	}
	/* a profile's values grow with its duration: compare rates when both have one */
	if (bi.duration_nanos > 0 && ci.duration_nanos > 0)
		ev->base_scale = (double)ci.duration_nanos / (double)bi.duration_nanos;
	store_profile_info_release(&bi);
	store_profile_info_release(&ci);
	return ESC_OK;
}

/* a monotonic clock in seconds, for the reports' durations */
static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum esc_status classify_check_eval(struct store *s, const struct budget *b,
				    const struct classify_check_input *in,
				    struct classify_check_result **out, size_t *n, struct err *e)
{
	struct eval ev = {.s = s, .in = in, .e = e};
	struct classify_check_result *res = NULL;
	enum esc_status st;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((st = prepare(&ev, b)))
		return st;
	if (b->n && !(res = calloc(b->n, sizeof(*res))))
		return err_set(e, ESC_ENOMEM, "out of memory");
	for (i = 0; i < b->n; i++) {
		const struct budget_rule *r = &b->rules[i];

		double t0 = seconds_now();

		res[i].rule = r;
		st = r->scope == BUDGET_NEW_ESCAPES ? eval_new_escapes(&ev, r, &res[i]) :
		     eval_scope(&ev, r, &res[i]);
		res[i].seconds = seconds_now() - t0;
		if (st) {
			classify_check_results_free(res, b->n);
			return st;
		}
	}
	*out = res;
	*n = b->n;
	return ESC_OK;
}

void classify_check_results_free(struct classify_check_result *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++) {
		free(r[i].name);
		free(r[i].file);
		free(r[i].function);
		free(r[i].detail);
		free(r[i].rel);
	}
	free(r);
}

size_t classify_check_breaches(const struct classify_check_result *r, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += r[i].verdict == CLASSIFY_CHECK_BREACH;
	return k;
}

size_t classify_check_failures(const struct classify_check_result *r, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += r[i].verdict == CLASSIFY_CHECK_BREACH || r[i].verdict == CLASSIFY_CHECK_NO_MATCH;
	return k;
}

enum esc_status classify_check_locate(const struct classify_check_paths *p,
				      struct classify_check_result *r, size_t n, struct err *e)
{
	struct classify_sources src;
	enum esc_status st = ESC_OK;
	char rel[4096];
	size_t i;

	classify_sources_init(&src, p->source_path, p->nsource, p->trim_path);
	for (i = 0; i < n; i++) {
		free(r[i].rel);
		r[i].rel = NULL;
		if (!r[i].file || classify_source_relative(&src, p->srcroot, r[i].file, rel, sizeof(rel)))
			continue;
		if (!(r[i].rel = strdup(rel))) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			break;
		}
	}
	classify_sources_release(&src);
	return st;
}
