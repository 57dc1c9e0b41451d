/* buf.c — growable byte buffer; data is NUL-terminated at len and cap > len always. */
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

static char empty[1];

void buf_init(struct buf *b)
{
	b->data = empty;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

/* Grows b to hold n more bytes and the NUL, doubling, but to no more than limit
 * bytes in all when that is enough. */
static int grow(struct buf *b, size_t n, size_t limit)
{
	size_t want, cap;
	char *p;

	if (n > (size_t)-1 / 2 - b->len)
		return -1;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	if (cap > limit && want <= limit)
		cap = limit;
	p = b->cap ? realloc(b->data, cap) : malloc(cap);
	if (!p)
		return -1;
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_grow(struct buf *b, size_t n)
{
	return grow(b, n, (size_t)-1);
}

int buf_grow_within(struct buf *b, size_t n, size_t max)
{
	if (max > (size_t)-2 || b->len > max || n > max - b->len)
		return -1;
	return grow(b, n, max + 1);
}

int buf_add_slow(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n))
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (b->len + (size_t)n + 1 > b->cap) {
		if (buf_grow(b, (size_t)n))
			return -1;
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->cap && buf_grow(b, 0))
		return NULL;
	p = b->data;
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}

int buf_read_file(struct buf *b, const char *path, size_t max)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct stat sb;
	size_t n, room, step;
	int r = 0;

	if (!f)
		return -1;
	if (max > (size_t)-3)
		max = (size_t)-3;	/* max + 2 must not wrap */
	/* a regular file's size is known: refused before reading when too large, read with
	 * one allocation otherwise (a byte more to see the end) */
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > max) {
			r = -2;
			goto out;
		}
		grow(b, (size_t)sb.st_size + 1, (size_t)sb.st_size + 2);
	}
	/* anything else (a pipe, /dev/zero) is read until max + 1 bytes at most: the buffer
	 * doubles but never past the cap, so memory stays near the cap, not twice it */
	for (;;) {
		if (b->len > max) {
			r = -2;
			break;
		}
		room = b->cap ? b->cap - b->len - 1 : 0;
		if (!room) {
			step = b->len < (1 << 16) ? (1 << 16) : b->len;
			if (step > max + 1 - b->len)
				step = max + 1 - b->len;
			if (grow(b, step, max + 2)) {
				errno = ENOMEM;
				r = -1;
				break;
			}
			room = b->cap - b->len - 1;
		}
		if (room > max + 1 - b->len)
			room = max + 1 - b->len;
		n = fread(b->data + b->len, 1, room, f);
		b->len += n;
		b->data[b->len] = '\0';
		if (n == 0) {
			if (ferror(f))
				r = -1;
			break;
		}
	}
out:
	if (f != stdin)
		fclose(f);
	return r;
}
