/* dynlib.h — a shared library opened when first needed, not at start: escprof links
 * libcurl and libpq this way, so the commands that never fetch a URL or reach a
 * PostgreSQL server do not map the thirty libraries those two bring with them. */
#ifndef ESC_DYNLIB_H
#define ESC_DYNLIB_H

#include <stddef.h>

#include "err.h"

struct dynlib {
	const char *soname;		/* "libpq.so.5" */
	const char *package;		/* the Debian package that has it: "libpq5" */
	const char *what;		/* what needs it, for the message: "a PostgreSQL store" */
	const char *const *names;	/* the functions, by name */
	void **fns;			/* filled in the same order */
	size_t n;
	int tried, ok;			/* (ok is read without the lock: atomically) */
	char why[192];			/* what dlopen or dlsym said */
};

/* Opens l and finds all its functions, once (from any thread); ESC_EINPUT, with a message
 * naming the library, its package and what needs it, when that fails. */
enum esc_status dynlib_load(struct dynlib *l, struct err *e);
/* Whether l is loaded, loading it when not tried yet: each shim's guard. */
int dynlib_ready(struct dynlib *l);

#endif
