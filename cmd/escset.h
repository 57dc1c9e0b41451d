/* escset.h — the escapes of a stored build as a list, for comparing builds (check's
 * new-escapes rule and diff). */
#ifndef ESC_ESCSET_H
#define ESC_ESCSET_H

#include "classify/classify.h"
#include "store/store.h"

struct escset {
	struct classify_escape *v;
	char **msg;		/* the diagnostic as printed */
	char **file;		/* the file as printed */
	size_t n, cap;
};

/* Reads the allocating diagnostics (moved_to_heap, escapes, append_escapes) of a build. */
enum esc_status escset_load(struct store *s, int64_t build, struct escset *set, struct err *e);
void escset_release(struct escset *set);

#endif
