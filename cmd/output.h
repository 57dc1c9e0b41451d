/* output.h — writers for tabular results (text, csv, tsv, json) and the text helpers every
 * format needs: JSON that survives invalid UTF-8, CSV quoting, TSV escaping. Strings from
 * profiles and logs are untrusted: every writer escapes them for its format. */
#ifndef ESC_OUTPUT_H
#define ESC_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_TSV };

/* Parses "text", "json", "csv", "tsv"; returns 0 or -1. */
int out_parse_format(const char *s, enum out_format *f);
const char *out_format_name(enum out_format f);

enum out_type { OUT_NULL, OUT_INT, OUT_REAL, OUT_STR };

struct out_cell {
	enum out_type type;
	int64_t i;
	double r;
	const char *s;	/* borrowed */
	size_t len;	/* bytes of s */
};

struct out_table;

/* A table written to f in fmt. Text tables are buffered to align columns; the others
 * stream. Free with out_table_end, which writes what is left and returns 0 or -1. */
struct out_table *out_table_new(FILE *f, enum out_format fmt, size_t ncols,
				const char *const *names);
int out_table_row(struct out_table *t, const struct out_cell *cells);
int out_table_end(struct out_table *t);

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
size_t out_utf8_seq(const unsigned char *s, size_t n);

/* A JSON string from len bytes, invalid UTF-8 replaced by U+FFFD; NULL on no memory. */
json_t *out_json_string(const char *s, size_t len);
/* Writes v to f followed by a newline, then drops the reference; 0 or -1. */
int out_json_dump(FILE *f, json_t *v);

/* Writes s as one CSV field (quoted when needed) or one TSV field (escaped). */
void out_csv_field(FILE *f, const char *s, size_t len);
void out_tsv_field(FILE *f, const char *s, size_t len);

/* Writes len bytes of s as XML/HTML character data that is also safe inside a quoted
 * attribute: markup characters and TAB/CR/LF become references, other control characters
 * and invalid UTF-8 become U+FFFD. */
void out_markup_escape(FILE *f, const char *s, size_t len);

#endif
