/* vec.h — growing a plain C array by doubling: the one helper behind every
 * "if (n == cap) realloc" of the code base. */
#ifndef ESC_VEC_H
#define ESC_VEC_H

#include <stddef.h>

/* Makes room for `need` elements of `elem` bytes in the array at *arrp (capacity *cap),
 * doubling from at least `min`. Returns 0, or -1 when memory runs out (the array is
 * then unchanged). */
int vec_reserve(void *arrp, size_t *cap, size_t need, size_t elem, size_t min);

#endif
