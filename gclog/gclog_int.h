/* gclog_int.h — what the files of gclog/'s text parser share and nobody else sees. Calls
 * point one way: gclog.c (feeding, decoding, lines, `# pkg` sections) -> blocks.c (-m=2
 * blocks, their pairing with summary lines, delivery) -> message.c (what one line says,
 * and the section's table of lines that declare a function, which tells a parameter's
 * "p does not escape" from a variable's). */
#ifndef ESC_GCLOG_INT_H
#define ESC_GCLOG_INT_H

#include "common/buf.h"
#include "common/err.h"
#include "common/wrap.h"
#include "gclog.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GCLOG_LIT(s) s, (sizeof(s) - 1)

static inline int gclog_starts(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(s, lit, ln) == 0;
}

static inline int gclog_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* letters, digits, '_' and any byte of a multi-byte UTF-8 sequence (Go identifiers) */
static inline int gclog_is_ident(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || gclog_is_digit(c) || u == '_' ||
	       u >= 0x80;
}

static inline int gclog_oom(const char *name, struct err *e)
{
	return err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
}

struct rec;	/* a -m=2 block or a summary line (blocks.c) */
struct decl;	/* a function's declaration line (message.c) */

/* a block headed "X escapes to heap[ in F]:", one headed "parameter p leaks to LOC ...:",
 * or a summary line */
enum rec_type { GCLOG_REC_H1, GCLOG_REC_H2, GCLOG_REC_DIAG };

/* gc_log.vflags: the Go versions the forms seen so far tell (see gc_log_finish) */
enum {
	GCLOG_V_GE125 = 1 << 0, GCLOG_V_R14_24 = 1 << 1, GCLOG_V_GE122 = 1 << 2,
	GCLOG_V_LE119 = 1 << 3, GCLOG_V_LE115 = 1 << 4, GCLOG_V_LE112 = 1 << 5,
};

/* The indexes of pending blocks: by exact key (position, kind, subject, result), by
 * parameter (position, name) and by position alone (the literal-variant fallback). */
enum { GCLOG_IX_KEY, GCLOG_IX_PARAM, GCLOG_IX_POS, GCLOG_NIX };

struct rec_index {
	struct rec **tab;
	size_t nbuckets, n;
};

enum enc { GCLOG_ENC_UTF8, GCLOG_ENC_UTF16LE, GCLOG_ENC_UTF16BE };

/* The parser (gclog.h's opaque type): owns every buffer and record it points to, all freed
 * by gc_log_free. */
struct gc_log {
	char *name;
	size_t max_line;
	int counting;			/* deliver without steps (parsed, not kept) */
	gc_step_keep_fn keep_step;	/* which steps to keep; NULL: all */
	void *keep_ctx;
	int status;			/* sticky first non-zero result */

	int started;			/* encoding decided */
	enum enc enc;
	unsigned char head[3];
	size_t nhead;
	int odd, has_odd;		/* UTF-16: a byte waiting for its pair */
	unsigned hi;			/* UTF-16: a pending high surrogate, 0 if none */
	struct buf u8;			/* transcoded chunk */
	struct buf carry;		/* an unterminated line */
	int wrap;			/* PowerShell-wrapped lines are rejoined */
	struct buf join;		/* the positioned line a continuation may follow */

	struct buf pkg;
	int has_pkg;
	int in_raw;			/* inside a raw string of a `can inline ... as:` body */
	struct rec *cur;		/* the -m=2 block receiving flow/from lines */
	struct rec *held;		/* the last summary line, not delivered yet */
	int held_param;			/* it is a "leaking param" line */
	struct rec *taken, *taken_tail;	/* blocks that go with the held line */

	/* not common/hmap: multimaps of intrusive chains, unlinked in O(1) as blocks are taken */
	struct rec_index ix[GCLOG_NIX];	/* pending blocks (blocks.c) */
	size_t npending;
	struct rec *phead, *ptail;
	struct rec *pool;
	uint64_t seq;

	/* not common/hmap: emptied at each "# pkg" in O(1) by bumping gen, no key copies */
	struct decl *decl;
	size_t decl_cap, ndecl;
	uint32_t gen;

	struct gc_step *sc;		/* steps of the diagnostic being delivered */
	size_t *toff;			/* offsets of their rebuilt texts in tb */
	size_t sccap;
	struct buf tb;			/* rebuilt step texts */
	struct rec **pick;		/* blocks matching a key */
	size_t pickcap;

	size_t lines, diags, skipped, blocks;
	unsigned vflags;
};

struct pos {			/* a line's position, borrowed from the line */
	const char *file;
	size_t file_len;
	unsigned line, col;
	const char *rest;	/* after the ':' that ends the position */
	size_t rest_len;
};

struct ldiag {			/* what a message says, pointing into its line */
	enum gc_kind kind;
	int header;			/* 0, or GCLOG_REC_H1 + 1 / GCLOG_REC_H2 + 1 */
	const char *subj, *func, *loc;
	size_t subj_len, func_len, loc_len;
	int derefs;
	int decl;			/* the position declares a function */
};

/* message.c */

/* Index of the first byte of s that is `stop` at bracket depth 0 ((), [], {}), or n. */
size_t gclog_scan_depth0(const char *s, size_t n, const char *stop, size_t sl);
/* Finds "FILE:LINE[:COL]:" followed by a space at the start of s; 0, or -1 when none. */
int gclog_parse_pos(const char *s, size_t n, struct pos *o);
/* What the message m[0..n) at ps says, into o; records the version forms seen in p. */
void gclog_classify(struct gc_log *p, const struct pos *ps, const char *m, size_t n, struct ldiag *o);
/* "~R0" or an unfolded "1 << 20" (Go 1.19 and older) */
int gclog_old_names(const char *s, size_t n);
/* "[]string literal", "&T literal": expressions as Go 1.15 and older printed them */
int gclog_old_literal(const char *s, size_t n);

/* blocks.c */

/* Notes that (file, line) declares a function whose parameters start after col (this
 * # pkg section only); -1 when memory runs out. */
int gclog_decl_add(struct gc_log *p, const char *file, size_t fl, unsigned line, unsigned col);
/* Whether (file, line) declares a function whose parameters may sit at col. */
int gclog_decl_has(const struct gc_log *p, const char *file, size_t fl, unsigned line, unsigned col);
/* An indented explanation line t[0..n) at ps: a step of the open block (or, legacy, of
 * the held summary line); skipped when it belongs to neither. */
int gclog_step_line(struct gc_log *p, const struct pos *ps, const char *t, size_t n, int legacy,
		    struct err *e);
/* A "pos: message" line: opens a block, or becomes the held line taking its blocks. */
int gclog_diag_line(struct gc_log *p, const struct pos *ps, const char *m, size_t n,
		    gc_diag_fn fn, void *ctx, struct err *e);
/* Delivers the held line; same_param: the next line is another leak line of the same
 * parameter. */
int gclog_flush_held(struct gc_log *p, int same_param, gc_diag_fn fn, void *ctx, struct err *e);
/* Delivers the blocks no summary claimed, merged per key, in arrival order. */
int gclog_flush_pending(struct gc_log *p, gc_diag_fn fn, void *ctx, struct err *e);
/* Frees a list of records linked by next, and one record (gc_log_free). */
void gclog_free_list(struct rec *r);
void gclog_rec_destroy(struct rec *r);

/* FNV-1a over n bytes from h (wraps by design). */
ESC_WRAPS static inline uint64_t gclog_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
