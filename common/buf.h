/* buf.h — a growable byte buffer, always NUL-terminated (git's strbuf in miniature).
 * An embedded struct buf is set up with buf_init and torn down with buf_release; the
 * bytes belong to the buffer until buf_detach hands them to the caller. */
#ifndef ESC_BUF_H
#define ESC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;	/* never NULL after buf_init: "" until something is added */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Makes room for n more bytes; returns 0, or -1 when memory runs out. */
int buf_grow(struct buf *b, size_t n);
/* As buf_grow, for a buffer that never holds more than max bytes: doubling stops at
 * max + 1 (the bytes and the NUL). -1 also when len + n would exceed max. */
int buf_grow_within(struct buf *b, size_t n, size_t max);
int buf_add_slow(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);

/* Appends n bytes; 0, or -1 when memory runs out. Inline: parsers call it per field. */
static inline int buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_add_slow(b, p, n);
}

static inline int buf_addc(struct buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_add_slow(b, &c, 1);
}
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);
/* Returns the bytes (caller frees) and leaves b empty and initialised. */
char *buf_detach(struct buf *b, size_t *len);

/* Reads a whole file (or stdin for "-") into b, failing past max bytes: a regular file
 * larger than max is refused unread, other input after max + 1 bytes, and b never takes
 * much more than max + 2 bytes. Returns 0, -1 on an I/O error (errno set) or -2 when
 * the file is larger than max. */
int buf_read_file(struct buf *b, const char *path, size_t max);

#endif
