/* err.c — error records: first message wins, messages are bounded and one line. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum esc_status err_set(struct err *e, enum esc_status status, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->status != ESC_OK)
		return status;
	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/* one line: a message built from input text must not break the output format */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return status;
}

void err_clear(struct err *e)
{
	if (!e)
		return;
	e->status = ESC_OK;
	e->msg[0] = '\0';
}

const char *err_status_name(enum esc_status status)
{
	switch (status) {
	case ESC_OK: return "ok";
	case ESC_EINPUT: return "bad input";
	case ESC_ELIMIT: return "limit exceeded";
	case ESC_EIO: return "i/o error";
	case ESC_ENOMEM: return "out of memory";
	case ESC_EDB: return "database error";
	case ESC_ESCHEMA: return "schema too new";
	case ESC_EUSAGE: return "usage error";
	case ESC_EINTR: return "interrupted";
	case ESC_ENOTFOUND: return "not found";
	}
	return "error";
}
