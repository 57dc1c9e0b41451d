/* num.c — see num.h. strtoll with every failure checked: errno, no digits, trailing bytes. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "num.h"

int num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
		return -1;	/* strtoll would skip leading space */
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int num_parse_int(const char *s, int min, int max, int *out)
{
	int64_t v;

	if (num_parse_i64(s, min, max, &v))
		return -1;
	*out = (int)v;
	return 0;
}

int num_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !(*s == '-' || *s == '+' || *s == '.' || (*s >= '0' && *s <= '9')) ||
	    strpbrk(s, "xXnN"))
		return -1;	/* no leading space, hex, inf or nan */
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

double num_pct(int64_t v, int64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0;
}

int num_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
