/* buildjson.c — `go build -json` (Go 1.24+): the build's output as JSON events, one object
 * a line, {"ImportPath":"p","Action":"build-output","Output":"..."}. The concatenation of
 * the build-output events' Output is the text the build would have printed, so it is
 * decoded as it streams and fed to the text parser; other events (build-fail, go test
 * -json's own) are skipped, and a line that is not JSON (stderr mixed in) is text as is.
 * Memory stays bounded by the text parser's: Output is never held whole, except when an
 * object names its Action after its Output (Go never writes one so). Errors name the
 * JSON line. */
#include <stdlib.h>
#include <string.h>

#include "gclog_int.h"
#include "common/num.h"

enum state {
	S_LINE,		/* at the start of a line */
	S_TEXT,		/* in a line that is not JSON */
	S_KEY_OR_END,	/* after '{' */
	S_KEY,		/* in a key */
	S_KEY_ESC,	/* after a backslash in a key */
	S_COLON,	/* after a key */
	S_VALUE,	/* after ':' */
	S_STR,		/* in a string value */
	S_STR_ESC,	/* after a backslash in a string value */
	S_STR_U,	/* in the four digits of \uXXXX */
	S_SCALAR,	/* in a number, true, false or null */
	S_NESTED,	/* in an object or array value, skipped */
	S_NESTED_STR,
	S_NESTED_ESC,
	S_NEXT,		/* after a value: ',' or '}' */
	S_KEY_NEXT,	/* after ',': a key */
	S_END,		/* after the object: nothing but blanks to the end of the line */
};

enum target { T_NONE, T_ACTION, T_OUTPUT };
enum action { A_UNKNOWN, A_OUTPUT, A_OTHER };

enum { FLUSH_AT = 1 << 16 };

struct gc_build_json {
	struct gc_log *text;	/* borrowed */
	char *name;
	enum state st;
	size_t line;		/* 1-based line of the current byte */
	size_t col;		/* bytes of that line before it */
	char key[16];
	size_t keylen;
	int key_long;		/* the key did not fit: none of ours */
	enum target target;
	char action_s[16];
	size_t action_len;
	int action_long;
	enum action action;
	int depth;		/* S_NESTED's */
	unsigned u, ndigits;	/* \uXXXX */
	unsigned hi;		/* a high surrogate waiting for its low half, else 0 */
	struct buf out;		/* decoded Output (or a text line) not yet fed */
	int status;		/* the first error, returned by every later call */
};

struct gc_build_json *gc_build_json_new(struct gc_log *text, const char *name)
{
	struct gc_build_json *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	if (!(j->name = strdup(name ? name : ""))) {
		free(j);
		return NULL;
	}
	j->text = text;
	j->line = 1;
	buf_init(&j->out);
	return j;
}

void gc_build_json_free(struct gc_build_json *j)
{
	if (!j)
		return;
	buf_release(&j->out);
	free(j->name);
	free(j);
}

static int fail(struct gc_build_json *j, struct err *e, const char *what)
{
	return j->status = err_set(e, ESC_EINPUT, "'%s':%zu: not a go build -json event: %s at column %zu",
				   j->name, j->line, what, j->col + 1);
}

/* The text parser's own errors name its line of the wrapped text ("'name':N: ..."); the
 * user's file has JSON lines, so the number becomes this one's. */
static int text_failed(struct gc_build_json *j, int rc, struct err *e)
{
	size_t n = strlen(j->name);
	const char *p;
	char msg[ERR_MSG_MAX];

	if (e && e->status && e->msg[0] == '\'' && !strncmp(e->msg + 1, j->name, n) &&
	    !strncmp(e->msg + 1 + n, "':", 2) && gclog_is_digit(e->msg[n + 3])) {
		for (p = e->msg + n + 3; gclog_is_digit(*p); p++)
			;
		snprintf(msg, sizeof(msg), "'%s':%zu%s", j->name, j->line, p);
		memcpy(e->msg, msg, sizeof(msg));
	}
	return j->status = rc;
}

/* Feeds what out holds to the text parser. */
static int flush(struct gc_build_json *j, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc;

	if (!j->out.len)
		return 0;
	rc = gc_log_feed(j->text, j->out.data, j->out.len, fn, ctx, e);
	buf_reset(&j->out);
	return rc ? text_failed(j, rc, e) : 0;
}

/* Adds decoded Output bytes: fed as they come once the event is known to be
 * build-output, dropped for any other event, held while the Action is still unread. */
static int emit(struct gc_build_json *j, const char *p, size_t n, gc_diag_fn fn, void *ctx,
		struct err *e)
{
	if (j->target == T_ACTION) {
		if (j->action_len + n >= sizeof(j->action_s)) {
			j->action_long = 1;
		} else {
			memcpy(j->action_s + j->action_len, p, n);
			j->action_len += n;
		}
		return 0;
	}
	if (j->target != T_OUTPUT || j->action == A_OTHER)
		return 0;
	if (buf_add(&j->out, p, n))
		return j->status = gclog_oom(j->name, e);
	return j->action == A_OUTPUT && j->out.len >= FLUSH_AT ? flush(j, fn, ctx, e) : 0;
}

static int emit_cp(struct gc_build_json *j, unsigned cp, gc_diag_fn fn, void *ctx, struct err *e)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return emit(j, u, n, fn, ctx, e);
}

/* A lone high surrogate is U+FFFD, as Go decodes it. */
static int drop_hi(struct gc_build_json *j, gc_diag_fn fn, void *ctx, struct err *e)
{
	if (!j->hi)
		return 0;
	j->hi = 0;
	return emit_cp(j, 0xfffd, fn, ctx, e);
}

static int end_string(struct gc_build_json *j, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc = drop_hi(j, fn, ctx, e);

	if (!rc && j->target == T_ACTION) {
		j->action = !j->action_long && j->action_len == 12 && !memcmp(j->action_s, "build-output", 12) ?
			    A_OUTPUT : A_OTHER;
		/* Output read before its Action: fed or dropped now */
		if (j->action == A_OTHER)
			buf_reset(&j->out);
	}
	j->target = T_NONE;
	return rc;
}

static int end_object(struct gc_build_json *j, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc = 0;

	if (j->action == A_OUTPUT)
		rc = flush(j, fn, ctx, e);
	buf_reset(&j->out);
	j->action = A_UNKNOWN;
	j->action_len = 0;
	j->action_long = 0;
	j->st = S_END;
	return rc;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One byte of a string value after a backslash. */
static int escape(struct gc_build_json *j, char c, gc_diag_fn fn, void *ctx, struct err *e)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	int rc;

	if (c == 'u') {
		j->u = 0;
		j->ndigits = 0;
		j->st = S_STR_U;
		return 0;
	}
	if (!(k = c ? strchr(from, c) : NULL))
		return fail(j, e, "bad escape");
	if ((rc = drop_hi(j, fn, ctx, e)))
		return rc;
	j->st = S_STR;
	return emit(j, &to[k - from], 1, fn, ctx, e);
}

static int unicode_digit(struct gc_build_json *j, char c, gc_diag_fn fn, void *ctx, struct err *e)
{
	int v = num_hex_digit(c), rc;
	unsigned cp;

	if (v < 0)
		return fail(j, e, "bad \\u escape");
	j->u = j->u << 4 | (unsigned)v;
	if (++j->ndigits < 4)
		return 0;
	j->st = S_STR;
	cp = j->u;
	if (cp >= 0xdc00 && cp <= 0xdfff && j->hi) {
		cp = 0x10000 + ((j->hi - 0xd800) << 10) + (cp - 0xdc00);
		j->hi = 0;
		return emit_cp(j, cp, fn, ctx, e);
	}
	if ((rc = drop_hi(j, fn, ctx, e)))
		return rc;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		j->hi = cp;
		return 0;
	}
	return emit_cp(j, cp >= 0xdc00 && cp <= 0xdfff ? 0xfffd : cp, fn, ctx, e);
}

static void start_key(struct gc_build_json *j)
{
	j->keylen = 0;
	j->key_long = 0;
	j->st = S_KEY;
}

static void end_key(struct gc_build_json *j)
{
	j->target = T_NONE;
	if (!j->key_long && j->keylen == 6 && !memcmp(j->key, "Action", 6))
		j->target = T_ACTION;
	else if (!j->key_long && j->keylen == 6 && !memcmp(j->key, "Output", 6))
		j->target = T_OUTPUT;
	j->st = S_COLON;
}

static int step(struct gc_build_json *j, char c, gc_diag_fn fn, void *ctx, struct err *e)
{
	switch (j->st) {
	case S_LINE:
		/* a UTF-8 byte order mark before the first object */
		if (j->line == 1 && j->col < 3 && c == "\xef\xbb\xbf"[j->col])
			return 0;
		if (c == '{') {
			j->st = S_KEY_OR_END;
			return 0;
		}
		if (is_blank(c))
			return 0;
		j->st = S_TEXT;
		/* fall through */
	case S_TEXT:
		if (buf_addc(&j->out, c))
			return j->status = gclog_oom(j->name, e);
		if (c == '\n')
			j->st = S_LINE;
		return c == '\n' || j->out.len >= FLUSH_AT ? flush(j, fn, ctx, e) : 0;
	case S_KEY_OR_END:
	case S_KEY_NEXT:
		if (is_blank(c))
			return 0;
		if (c == '"') {
			start_key(j);
			return 0;
		}
		if (c == '}' && j->st == S_KEY_OR_END)
			return end_object(j, fn, ctx, e);
		return fail(j, e, "expected a key");
	case S_KEY:
		if (c == '"') {
			end_key(j);
		} else if (c == '\\') {
			j->key_long = 1;	/* an escaped key is none of ours */
			j->st = S_KEY_ESC;
		} else if ((unsigned char)c < 0x20) {
			return fail(j, e, "control character in a string");
		} else if (j->keylen < sizeof(j->key)) {
			j->key[j->keylen++] = c;
		} else {
			j->key_long = 1;
		}
		return 0;
	case S_KEY_ESC:
		j->st = S_KEY;
		return 0;
	case S_COLON:
		if (is_blank(c))
			return 0;
		if (c != ':')
			return fail(j, e, "expected ':'");
		j->st = S_VALUE;
		return 0;
	case S_VALUE:
		if (is_blank(c))
			return 0;
		if (c == '"') {
			if (j->target == T_ACTION) {
				j->action_len = 0;
				j->action_long = 0;
			}
			j->st = S_STR;
			return 0;
		}
		j->target = T_NONE;
		if (c == '{' || c == '[') {
			j->depth = 1;
			j->st = S_NESTED;
			return 0;
		}
		if (c == '-' || gclog_is_digit(c) || (c >= 'a' && c <= 'z')) {
			j->st = S_SCALAR;
			return 0;
		}
		return fail(j, e, "expected a value");
	case S_STR:
		if (c == '"') {
			j->st = S_NEXT;
			return end_string(j, fn, ctx, e);
		}
		if (c == '\\') {
			j->st = S_STR_ESC;
			return 0;
		}
		if ((unsigned char)c < 0x20)
			return fail(j, e, c == '\n' ? "unterminated string" : "control character in a string");
		{
			int rc = drop_hi(j, fn, ctx, e);

			return rc ? rc : emit(j, &c, 1, fn, ctx, e);
		}
	case S_STR_ESC:
		if (c != 'u') {
			int rc = drop_hi(j, fn, ctx, e);

			if (rc)
				return rc;
		}
		return escape(j, c, fn, ctx, e);
	case S_STR_U:
		return unicode_digit(j, c, fn, ctx, e);
	case S_SCALAR:
		if (c == '-' || c == '+' || c == '.' || gclog_is_digit(c) || (c >= 'a' && c <= 'z') ||
		    c == 'E')
			return 0;
		j->st = S_NEXT;
		return step(j, c, fn, ctx, e);
	case S_NESTED:
		if (c == '"')
			j->st = S_NESTED_STR;
		else if (c == '{' || c == '[')
			j->depth++;
		else if ((c == '}' || c == ']') && --j->depth == 0)
			j->st = S_NEXT;
		else if (c == '\n')
			return fail(j, e, "unterminated value");
		return 0;
	case S_NESTED_STR:
		if (c == '"')
			j->st = S_NESTED;
		else if (c == '\\')
			j->st = S_NESTED_ESC;
		else if ((unsigned char)c < 0x20)
			return fail(j, e, "unterminated string");
		return 0;
	case S_NESTED_ESC:
		j->st = S_NESTED_STR;
		return 0;
	case S_NEXT:
		if (is_blank(c))
			return 0;
		if (c == ',') {
			j->st = S_KEY_NEXT;
			return 0;
		}
		if (c == '}')
			return end_object(j, fn, ctx, e);
		return fail(j, e, "expected ',' or '}'");
	case S_END:
		if (c == '\n') {
			j->st = S_LINE;
			return 0;
		}
		if (is_blank(c))
			return 0;
		return fail(j, e, "text after the object");
	}
	return 0;
}

int gc_build_json_feed(struct gc_build_json *j, const char *data, size_t len, gc_diag_fn fn,
		       void *ctx, struct err *e)
{
	size_t i;
	int rc;

	if (j->status)
		return j->status;
	for (i = 0; i < len; i++) {
		if ((rc = step(j, data[i], fn, ctx, e)))
			return j->status = rc;
		if (data[i] == '\n') {
			j->line++;
			j->col = 0;
		} else {
			j->col++;
		}
	}
	/* what a text line or a build-output event has decoded so far goes on now */
	if (j->st == S_TEXT || (j->st == S_STR && j->target == T_OUTPUT && j->action == A_OUTPUT))
		return flush(j, fn, ctx, e);
	return 0;
}

int gc_build_json_finish(struct gc_build_json *j, gc_diag_fn fn, void *ctx, struct gc_stats *st,
			 struct err *e)
{
	int rc;

	if (j->status)
		return j->status;
	if (j->st != S_LINE && j->st != S_TEXT && j->st != S_END)
		return fail(j, e, "truncated object");
	if ((rc = flush(j, fn, ctx, e)))
		return rc;
	return gc_log_finish(j->text, fn, ctx, st, e);
}

int gc_build_json_sniff(const char *head, size_t len)
{
	const char *p = head, *end = head + len, *nl;

	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		if (p < nl && *p == '{')
			return memmem(p, (size_t)(nl - p), "\"Action\"", 8) != NULL;
		p = nl + 1;
	}
	return 0;
}
