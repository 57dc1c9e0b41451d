/* num.h — numbers read from the command line and budgets, and shares of a total: one
 * parser with range checks, one percentage, one hex digit. */
#ifndef ESC_NUM_H
#define ESC_NUM_H

#include <stdint.h>

/* Parses all of s (no surrounding space) as a base-10 integer in [min, max] into *out;
 * -1 (and *out unchanged) when s is empty, has anything else in it, or is out of range. */
int num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* The same for an int. */
int num_parse_int(const char *s, int min, int max, int *out);

/* The same for a finite decimal number ("2.5", "1e3"): no hex, no inf or nan. */
int num_parse_double(const char *s, double min, double max, double *out);

/* v as a percentage of total; 0 when total is 0. */
double num_pct(int64_t v, int64_t total);

/* The value of the hex digit c (0-9, a-f, A-F), -1 when c is none. */
int num_hex_digit(char c);

#endif
