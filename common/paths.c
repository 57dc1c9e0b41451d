/* paths.c — see paths.h. Pure string work but for path_exists. */
#include <string.h>
#include <sys/stat.h>

#include "paths.h"

static int is_sep(char c)
{
	return c == '/' || c == '\\';
}

const char *path_base(const char *path)
{
	/* the last separator of either kind (libc's strrchr scans a word at a time) */
	const char *b = strrchr(path, '/'), *w = strrchr(path, '\\');

	if (w && (!b || w > b))
		b = w;
	return b && b[1] ? b + 1 : path;
}

int path_has_suffix(const char *path, const char *suffix)
{
	size_t pl = strlen(path), sl = strlen(suffix);

	if (sl > pl || strcmp(path + pl - sl, suffix))
		return 0;
	return sl == pl || is_sep(path[pl - sl - 1]) || is_sep(suffix[0]);
}

int path_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}
