/* test_store_ids.c — the reader of the JSON arrays of ids a store keeps (a stack node's
 * locations): what it accepts is exactly what the loader writes, "[" ids joined by ","
 * "]" and nothing after; everything else is refused, never half read. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "store/store_int.h"

/* Reads all of text; the number of ids, or -1 when refused. */
static long read_all(const char *text, int64_t *ids, size_t max)
{
	const char *p = text;
	size_t n = 0;
	int64_t v;
	int r;

	while ((r = store_next_id(&p, n, &v)) == 1) {
		cr_assert_lt(n, max, "%s: more ids than written", text);
		ids[n++] = v;
	}
	if (r == 0)
		cr_assert_eq(*p, ']', "%s: ended away from the ']'", text);
	return r ? -1 : (long)n;
}

Test(store_ids, the_arrays_the_loader_writes_read_back)
{
	int64_t ids[8];

	cr_expect_eq(read_all("[]", ids, 8), 0);
	cr_expect_eq(read_all("[7]", ids, 8), 1);
	cr_expect_eq(ids[0], 7);
	cr_expect_eq(read_all("[1,22,333,2147483647]", ids, 8), 4);
	cr_expect_eq(ids[1], 22);
	cr_expect_eq(ids[3], 2147483647);
}

Test(store_ids, anything_else_is_refused)
{
	static const char *const bad[] = {"", "7", "[", "[1", "[1,", "[1,]", "[,1]", "[1 ,2]", "[ 1]",
					  "[+1]", "[\t1]", "[1,\n2]", "[1]x", "[]]", "[1][2]", "[a]", "[1,,2]", "{1}"};
	int64_t ids[8];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(read_all(bad[i], ids, 8), -1, "'%s' was read", bad[i]);
}
