/* Replays inputs through a fuzz target without libFuzzer: each argument is a file, or a
 * directory whose regular files are all replayed. Prints the count; a crash or sanitizer
 * report is the failure, as it would be under the fuzzer. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return -1;
	}
	do {
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 1;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay(const char *path)
{
	struct stat st;
	struct dirent *d;
	char **names = NULL;
	size_t n = 0, i;
	int total = 0, r;
	DIR *dir;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: no such file\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? replay_file(path) : 0;
	if (!(dir = opendir(path)))
		return -1;
	while ((d = readdir(dir))) {
		char **nn;

		if (d->d_name[0] == '.')
			continue;
		if (!(nn = realloc(names, (n + 1) * sizeof(*names))) ||
		    !(nn[n] = malloc(strlen(path) + strlen(d->d_name) + 2))) {
			names = nn ? nn : names;
			total = -1;
			break;
		}
		names = nn;
		sprintf(names[n++], "%s/%s", path, d->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		if (total >= 0 && (r = replay(names[i])) >= 0)
			total += r;
		else
			total = -1;
		free(names[i]);
	}
	free(names);
	return total;
}

int main(int argc, char **argv)
{
	int i, n, total = 0;

	for (i = 1; i < argc; i++) {
		if ((n = replay(argv[i])) < 0)
			return 1;
		total += n;
	}
	printf("%s: %d inputs replayed\n", argv[0], total);
	return 0;
}
