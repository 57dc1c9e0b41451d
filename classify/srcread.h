/* srcread.h — reading a frame's Go source for what the compiler's words leave out: the
 * sink of an allocation explained by its size alone, whether an indexed expression is a
 * map, whether a name is a method, whether a call was deferred, what a line with no
 * diagnostic allocates. Private to classify/; the join owns one per analysis. Every
 * answer is a reading of text, so each says when it cannot tell (NULL, 0, -1). */
#ifndef ESC_SRCREAD_H
#define ESC_SRCREAD_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "common/hmap.h"

struct srcread {
	struct classify_sources *src;	/* borrowed: where the files are found */
	const struct hmap *map_puts;	/* borrowed: "m[k]" the build saw as map puts */
	struct hmap decl;		/* "dir\0kind name" -> 1 declared so there, 2 not */
};

void srcread_init(struct srcread *sr, struct classify_sources *src, const struct hmap *map_puts);
void srcread_release(struct srcread *sr);

/* Line `line` of x's file without its comment into out; -1 when it cannot be read. */
int srcread_line(struct srcread *sr, const struct store_frame *x, int64_t line, char *out, size_t n);

/* Is the expression a diagnostic names written on this source line? 1 yes, 0 no, -1 cannot
 * tell ("... argument", "func literal"). */
int srcread_written_on(const char *subject, const char *line);

/* The cause a source line shows by itself when no diagnostic explains its allocation
 * (an append, a map assignment, a conversion, make(chan)); NULL when none. In a
 * dependency a make(map) is not growth. *conf receives how sure. */
const char *srcread_line_cause(const char *t, size_t n, int dependency, double *conf);
/* Whether the right side of "LHS = RHS" allocates by itself (a literal, make, new, &T{}). */
int srcread_explicit_rhs(const char *t, size_t n);

/* SRCREAD_LITERAL, returned by srcread_sink for "field: make(...)": the allocation's fate
 * is that of the composite literal opening at *literal_line. */
extern const char SRCREAD_LITERAL[];
/* Where the source sends the value that x's line allocates (subject as the compiler
 * printed it: "make([]byte, n)", "new(T)", or a variable moved to the heap): returned (a
 * named result too), stored through a pointer, into a map or slice, sent, passed to a
 * callee that stores it; SRCREAD_LITERAL; NULL when it stays local. */
const char *srcread_sink(struct srcread *sr, const struct store_frame *x, const char *subject,
			 int64_t *literal_line);

/* Whether the indexed expression of lhs[0..n) ("s.keys[name]") is a map: a map put the
 * build saw, else a map (or a named map type) the source of x's package declares. */
int srcread_indexes_map(struct srcread *sr, const struct store_frame *x, const char *lhs, size_t n);
/* Whether x's source line assigns to an element of a map. */
int srcread_assigns_map(struct srcread *sr, const struct store_frame *x);

enum srcread_decl { SRCREAD_MAP, SRCREAD_METHOD };
/* Whether name[0..nl) is declared so in the Go files of x's directory (cached). */
int srcread_declared(struct srcread *sr, const struct store_frame *x, const char *name, size_t nl,
		     enum srcread_decl kind);

/* Whether frame f[j] called f[j-1] in a defer statement (its function's source, from
 * the line up to its declaration, has "defer" and that call). */
int srcread_deferred(struct srcread *sr, const struct store_frame *f, size_t j);

#endif
