/* cmd_list.c — `escprof list REGEX|FILE[:LINE]`: source lines annotated with what they
 * allocated and why, like pprof's list: for every function matching REGEX (or every
 * site in FILE, or the lines around FILE:LINE), the lines around its sites with bytes,
 * objects and cause. Sources are found through -source_path and -trim_path. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "cli.h"
#include "common/paths.h"

static const char usage[] =
	"usage: escprof list [--db FILE] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                    [-sample_index TYPE] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                    [--format text|json] REGEX|FILE[:LINE]\n"
	"\n"
	"Prints the source of the functions matching REGEX (or of FILE, or around\n"
	"FILE:LINE) with the bytes, objects and cause at each line that allocates.\n";

struct lsite {
	char *function, *file, *cause;
	int64_t line, value, objects;
};

struct lsites {
	struct lsite *v;
	size_t n, cap;
	regex_t *re;
	const char *file;	/* FILE or FILE:LINE form: whole-component suffix */
	int64_t line;
};

static int take(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct lsites *ls = ctx;
	struct lsite *x;
	char *fn, *file;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	fn = strndup(v[0].s, v[0].len);
	file = strndup(v[1].s, v[1].len);
	if (!fn || !file)
		goto skip;
	if (ls->file ? !path_has_suffix(file, ls->file) : regexec(ls->re, fn, 0, NULL, 0) != 0)
		goto skip;
	if (vec_reserve(&ls->v, &ls->cap, ls->n + 1, sizeof(*ls->v), 32))
		goto skip;
	x = &ls->v[ls->n++];
	x->function = fn;
	x->file = file;
	x->line = v[2].i;
	x->cause = strndup(v[3].s, v[3].len);
	x->value = v[4].i;
	x->objects = v[5].i;
	return 0;
skip:
	free(fn);
	free(file);
	return 0;
}

static int cmp_site(const void *a, const void *b)
{
	const struct lsite *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{"sample_index", required_argument, NULL, 'i'},
		{"source_path", required_argument, NULL, 's'},
		{"trim_path", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	const char **dirs = NULL;
	const char *profile = NULL, *want = NULL, *trim = NULL;
	struct classify_sources src;
	struct lsites ls = {0};
	struct store *s = NULL;
	struct err e = {0};
	regex_t re;
	json_t *out = NULL;
	size_t nb = 0, nd = 0, capd = 0, i, j;
	int opt, rc, ret = EXIT_OK, ix, have_re = 0;
	int64_t pid, aid;
	char sql[1024], *target = NULL;

	c->usage = usage;
	cli_pprof_args(argc, argv);
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		switch (opt) {
		case 'p': profile = optarg; break;
		case 'b': brefs[nb++] = optarg; break;
		case 'i': want = optarg; break;
		case 's':
			if (cli_add_dirs(&dirs, &nd, &capd, optarg)) {
				ret = EXIT_FAIL;
				goto out;
			}
			break;
		case 't': trim = optarg; break;
		}
	}
	classify_sources_init(&src, dirs, nd, trim);
	if (argc - optind != 1) {
		ret = cli_usage_error(c, "need one REGEX or FILE[:LINE]");
		goto out_src;
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		ret = cli_usage_error(c, "list writes text or json");
		goto out_src;
	}
	target = strdup(argv[optind]);
	if (!target)
		goto out_src;
	{
		char *colon = strrchr(target, ':');

		if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
			*colon = '\0';
			ls.file = target;
			ls.line = atoll(colon + 1);
		} else if (strstr(target, ".go")) {
			ls.file = target;
		} else {
			if (regcomp(&re, target, REG_EXTENDED | REG_NOSUB)) {
				ret = cli_usage_error(c, "bad regular expression '%s'", target);
				goto out_src;
			}
			have_re = 1;
			ls.re = &re;
		}
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds */
	store_batch_begin(s);
	if (classify_select_profile(s, profile, &pid, &e) ||
	    classify_sample_type(s, pid, want, &ix, &e) ||
	    classify_select(cli_notes(c), s, profile, brefs, nb, NULL, &pid, &aid, &e))
		goto fail;
	snprintf(sql, sizeof(sql),
		 "SELECT function, file, line, group_concat(DISTINCT cause), sum(%s), sum(%s) FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " GROUP BY function, file, line HAVING sum(%s) != 0",
		 store_heap_types[ix], ix >= STORE_INUSE_OBJECTS ? "inuse_objects" : "alloc_objects", aid,
		 store_heap_types[ix]);
	if (store_query(s, sql, take, &ls, &e))
		goto fail;
	if (!ls.n) {
		err_set(&e, ESC_EUSAGE, "nothing allocates in '%s' in profile %" PRId64, argv[optind], pid);
		goto fail;
	}
	qsort(ls.v, ls.n, sizeof(*ls.v), cmp_site);
	if (c->format == OUT_JSON)
		out = json_array();
	for (i = 0; i < ls.n; i = j) {
		/* one block per file: from 3 lines before its first site to 3 after its last */
		int64_t first = ls.v[i].line, last, from, to, ln, total_lines;
		const char *path = ls.v[i].file;
		char b1[32];

		for (j = i; j < ls.n && !strcmp(ls.v[j].file, path); j++)
			;
		last = ls.v[j - 1].line;
		if (ls.line) {
			first = last = ls.line;
		}
		from = first > 3 ? first - 3 : 1;
		to = last + 3;
		total_lines = classify_source_lines(&src, path);
		if (total_lines && to > total_lines)
			to = total_lines;
		if (!out) {
			size_t k, q;

			printf("ROUTINE ======================== ");
			for (k = i; k < j; k++) {
				for (q = i; q < k && strcmp(ls.v[q].function, ls.v[k].function); q++)
					;
				if (q == k)
					out_textf(stdout, "%s%s", k > i ? ", " : "", ls.v[k].function);
			}
			out_textf(stdout, " in %s\n", classify_source_path(&src, path) ?
				  classify_source_path(&src, path) : path);
		}
		if (!total_lines && !out)
			printf("(source not found: give -source_path and -trim_path)\n");
		for (ln = from; ln <= to; ln++) {
			const char *text = NULL;
			size_t len = 0, k;
			const struct lsite *hit = NULL;

			for (k = i; k < j; k++)
				if (ls.v[k].line == ln)
					hit = &ls.v[k];
			if (classify_source_line(&src, path, ln, &text, &len) && !hit)
				continue;
			if (out) {
				json_t *o = json_object();

				json_object_set_new(o, "file", out_json_string(path, strlen(path)));
				json_object_set_new(o, "line", json_integer(ln));
				json_object_set_new(o, "value", json_integer(hit ? hit->value : 0));
				json_object_set_new(o, "objects", json_integer(hit ? hit->objects : 0));
				json_object_set_new(o, "cause", hit ? out_json_string(hit->cause, strlen(hit->cause)) :
						    json_null());
				json_object_set_new(o, "source", text ? out_json_string(text, len) : json_null());
				json_array_append_new(out, o);
				continue;
			}
			if (hit)
				out_textf(stdout, "%10s %8" PRId64 "  %-22s %5" PRId64 ": ",
					  out_size(b1, sizeof(b1), hit->value, store_heap_is_bytes(ix)), hit->objects,
					  hit->cause, ln);
			else
				printf("%10s %8s  %-22s %5" PRId64 ": ", ".", ".", "", ln);
			/* the source as out_text shows it, but for its indentation */
			for (k = 0; text && k < len; k++) {
				const char *tab = memchr(text + k, '\t', len - k);
				size_t n = tab ? (size_t)(tab - (text + k)) : len - k;

				out_text(stdout, text + k, n);
				k += n;
				if (tab)
					putchar('\t');
			}
			putchar('\n');
		}
	}
	if (out) {
		rc = out_json_dump(stdout, out);
		out = NULL;
		if (rc)
			ret = cli_write_failed(c);
	}
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	json_decref(out);
	for (i = 0; i < ls.n; i++) {
		free(ls.v[i].function);
		free(ls.v[i].file);
		free(ls.v[i].cause);
	}
	free(ls.v);
	if (have_re)
		regfree(&re);
	store_close(s);
out_src:
	classify_sources_release(&src);
out:
	free(target);
	free(brefs);
	free(dirs);
	return ret;
}
