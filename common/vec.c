/* vec.c — see vec.h; the new capacity never overflows a size_t multiplication. */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>

int vec_reserve(void *arrp, size_t *cap, size_t need, size_t elem, size_t min)
{
	void **arr = arrp;
	size_t nc = *cap ? *cap : (min ? min : 8);
	void *na;

	if (need <= *cap)
		return 0;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return -1;
		nc *= 2;
	}
	if (nc > SIZE_MAX / elem)
		return -1;
	na = realloc(*arr, nc * elem);
	if (!na)
		return -1;
	*arr = na;
	*cap = nc;
	return 0;
}
