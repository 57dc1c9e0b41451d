/* err.h — the one status enum of escprof and the error record that carries a message.
 * Library code returns an enum esc_status and, when given a struct err, fills it with a
 * one-line, lowercase message naming the input and the byte offset or line. */
#ifndef ESC_ERR_H
#define ESC_ERR_H

#include <stddef.h>

enum esc_status {
	ESC_OK = 0,
	ESC_EINPUT,	/* malformed or unrecognised input */
	ESC_ELIMIT,	/* input exceeds a configured limit */
	ESC_EIO,	/* cannot read or write a file */
	ESC_ENOMEM,
	ESC_EDB,	/* database error */
	ESC_ESCHEMA,	/* database from a newer escprof */
	ESC_EUSAGE,	/* bad request from the caller */
	ESC_EINTR,	/* interrupted */
	ESC_ENOTFOUND,	/* a lookup found nothing: no such profile, build or site */
};

#define ERR_MSG_MAX 512

struct err {
	enum esc_status status;
	char msg[ERR_MSG_MAX];
};

/* Records status and a printf-style message in e (when e is not NULL); returns status,
 * so callers can write `return err_set(e, ESC_EINPUT, "...")`. The first error wins:
 * a second call on an err that already holds one keeps the first message. */
enum esc_status err_set(struct err *e, enum esc_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears e to ESC_OK with an empty message. */
void err_clear(struct err *e);

/* Returns a short name of the status ("bad input", "out of memory", ...). */
const char *err_status_name(enum esc_status status);

#endif
