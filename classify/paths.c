/* paths.c — path normalisation, and the package a function name belongs to. A
 * normalised path is only ever compared by whole trailing components (never by basename
 * alone), so normalising is about spelling: separators, drive letters, "./" and "x/.." —
 * not about resolving anything on this machine. */
#include <string.h>

#include "classify.h"
#include "common/num.h"

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

int classify_is_runtime(const char *function)
{
	/* asked for every frame of every stack: the first byte settles most names */
	if (function[0] == 'r')
		return !strncmp(function, "runtime.", 8);
	return function[0] == 'i' && !strncmp(function, "internal/runtime/", 17);
}

size_t classify_package_of(const char *function, char *out, size_t n)
{
	/* only the part before type arguments or a receiver: "sync.OnceValue[go.shape.func(
	 * *encoding/json.encodeState)]" is in sync, whatever slashes its brackets hold */
	size_t end = strcspn(function, "[(");
	const char *start = function, *dot;
	size_t i, len, o = 0;

	for (i = 0; i < end; i++)
		if (function[i] == '/')
			start = function + i + 1;
	dot = memchr(start, '.', (size_t)(function + end - start));
	len = dot ? (size_t)(dot - function) : end;
	/* the linker escapes '.' in the last element and other odd bytes as %xx
	 * ("gopkg.in/yaml%2ev3"): the import path is the decoded text */
	for (i = 0; i < len && n; i++) {
		char c = function[i];
		int hi, lo;

		if (c == '%' && i + 2 < len && (hi = num_hex_digit(function[i + 1])) >= 0 &&
		    (lo = num_hex_digit(function[i + 2])) >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 < n)
			out[o++] = c;
	}
	if (n)
		out[o] = '\0';
	return len;
}
