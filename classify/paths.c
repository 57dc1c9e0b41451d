/* paths.c — path normalisation. The result is only ever compared by whole trailing
 * components (never by basename alone), so normalising is about spelling: separators,
 * drive letters, "./" and "x/.." — not about resolving anything on this machine. */
#include <string.h>

#include "classify.h"

size_t classify_norm_path(const char *path, char *out, size_t n)
{
	char tmp[4096];
	size_t len = 0, i, start = 0;
	const char *p = path;
	int absolute;

	/* drive letter: "C:\dir\x.go" or "C:/dir/x.go" */
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
	    (p[2] == '\\' || p[2] == '/'))
		p += 2;
	absolute = *p == '/' || *p == '\\';
	for (; *p && len + 1 < sizeof(tmp); p++) {
		char c = *p == '\\' ? '/' : *p;

		if (c == '/' && len && tmp[len - 1] == '/')
			continue;
		tmp[len++] = c;
	}
	tmp[len] = '\0';
	/* rebuild component by component: drop ".", fold "x/.." */
	{
		char res[4096];
		size_t rl = 0;
		char *save = NULL, *tok;

		if (absolute)
			res[rl++] = '/';
		for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
			size_t tl = strlen(tok);

			if (!strcmp(tok, "."))
				continue;
			if (!strcmp(tok, "..")) {
				/* fold only over a real component, never over "..", never past "/" */
				size_t k = rl;

				while (k > (size_t)absolute && res[k - 1] == '/')
					k--;
				i = k;
				while (i > (size_t)absolute && res[i - 1] != '/')
					i--;
				if (k > i && !(k - i == 2 && res[i] == '.' && res[i + 1] == '.')) {
					rl = i;
					continue;
				}
				if (absolute && k <= 1)
					continue;	/* "/.." is "/" */
			}
			if (rl > start + (size_t)absolute && res[rl - 1] != '/')
				res[rl++] = '/';
			if (rl + tl + 1 >= sizeof(res))
				break;
			memcpy(res + rl, tok, tl);
			rl += tl;
		}
		while (rl > 1 && res[rl - 1] == '/')
			rl--;
		res[rl] = '\0';
		if (n) {
			size_t c = rl < n - 1 ? rl : n - 1;

			memcpy(out, res, c);
			out[c] = '\0';
		}
		return rl;
	}
}
