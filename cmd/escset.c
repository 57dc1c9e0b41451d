/* escset.c — a build's escapes read back from the diagnostics view; strings are owned. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "escset.h"

static int take(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct escset *set = ctx;
	char norm[4096];
	struct classify_escape *x;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (set->n == set->cap) {
		/* three parallel arrays grow together */
		size_t c1 = set->cap, c2 = set->cap, c3 = set->cap;

		if (vec_reserve(&set->v, &c1, set->n + 1, sizeof(*set->v), 256) ||
		    vec_reserve(&set->msg, &c2, set->n + 1, sizeof(*set->msg), 256) ||
		    vec_reserve(&set->file, &c3, set->n + 1, sizeof(*set->file), 256))
			return ESC_ENOMEM;
		set->cap = c1;
	}
	x = &set->v[set->n];
	set->file[set->n] = strndup(v[0].s, v[0].len);
	classify_norm_path(set->file[set->n] ? set->file[set->n] : "", norm, sizeof(norm));
	x->file = strdup(norm);
	x->line = (unsigned)v[1].i;
	x->kind = strndup(v[2].s, v[2].len);
	x->subject = v[3].type == STORE_TEXT ? strndup(v[3].s, v[3].len) : strdup("");
	x->matched = 0;
	set->msg[set->n] = strndup(v[4].s, v[4].len);
	set->n++;
	if (!x->file || !x->kind || !x->subject || !set->msg[set->n - 1] || !set->file[set->n - 1])
		return ESC_ENOMEM;
	return 0;
}

enum esc_status escset_load(struct store *s, int64_t build, struct escset *set, struct err *e)
{
	char sql[512];

	memset(set, 0, sizeof(*set));
	snprintf(sql, sizeof(sql), "SELECT file, line, kind, subject, message FROM diagnostics WHERE"
		 " build_id = %" PRId64 " AND kind IN ('moved_to_heap', 'escapes', 'append_escapes')"
		 " ORDER BY diag_id", build);
	if (store_query(s, sql, take, set, e))
		return e->status ? e->status : ESC_ENOMEM;
	return ESC_OK;
}

void escset_release(struct escset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free((char *)set->v[i].file);
		free((char *)set->v[i].kind);
		free((char *)set->v[i].subject);
		free(set->msg[i]);
		free(set->file[i]);
	}
	free(set->v);
	free(set->msg);
	free(set->file);
	memset(set, 0, sizeof(*set));
}
