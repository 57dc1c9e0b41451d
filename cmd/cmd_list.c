/* cmd_list.c — `escprof list REGEX|FILE[:LINE]`: source lines annotated with what they
 * allocated and why, like pprof's list: for every function matching REGEX (or every
 * site in FILE, or the lines around FILE:LINE), the lines around its sites with bytes,
 * objects and cause. Sources are found through -source_path and -trim_path. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/num.h"
#include "cli.h"
#include "common/paths.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof list [--db FILE] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                    [-sample_index TYPE] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                    [--format text|json] REGEX|FILE[:LINE]\n"
	"\n"
	"Prints the source of the functions matching REGEX (or of FILE, or around\n"
	"FILE:LINE) with the bytes, objects and cause at each line that allocates.\n";

/* "cause" or "cause1,cause2": a line's causes as one field */
static void join_causes(struct buf *b, const struct store_line_sum *r)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < r->ncauses; i++) {
		if (i)
			buf_addc(b, ',');
		buf_adds(b, r->causes[i] ? r->causes[i] : "");
	}
}

/* One block per file: from 3 lines before its first allocating line to 3 after its last
 * (around `at` alone when given), the source beside what each line allocated. */
static int write_list(const struct cli *c, struct classify_sources *src, const struct store_line_sum *v,
		      size_t n, int64_t at, int ix)
{
	json_t *out = c->format == OUT_JSON ? json_array() : NULL;
	struct buf causes;
	size_t i, j;

	buf_init(&causes);
	for (i = 0; i < n; i = j) {
		int64_t first = v[i].line, last, from, to, ln, total_lines;
		const char *path = v[i].file;
		char b1[32];

		for (j = i; j < n && !strcmp(v[j].file, path); j++)
			;
		last = v[j - 1].line;
		if (at)
			first = last = at;
		from = first > 3 ? first - 3 : 1;
		to = last + 3;
		total_lines = classify_source_lines(src, path);
		if (total_lines && to > total_lines)
			to = total_lines;
		if (!out) {
			size_t k, q;

			printf("ROUTINE ======================== ");
			for (k = i; k < j; k++) {
				for (q = i; q < k && strcmp(v[q].function, v[k].function); q++)
					;
				if (q == k)
					out_textf(stdout, "%s%s", k > i ? ", " : "", v[k].function);
			}
			out_textf(stdout, " in %s\n", classify_source_path(src, path) ?
				  classify_source_path(src, path) : path);
			if (!total_lines)
				printf("(source not found: give -source_path and -trim_path)\n");
		}
		for (ln = from; ln <= to; ln++) {
			const char *text = NULL;
			size_t len = 0, k;
			const struct store_line_sum *hit = NULL;

			for (k = i; k < j; k++)
				if (v[k].line == ln)
					hit = &v[k];
			if (classify_source_line(src, path, ln, &text, &len) && !hit)
				continue;
			if (hit)
				join_causes(&causes, hit);
			if (out) {
				json_t *o = json_object();

				json_object_set_new(o, "file", out_json_string(path, strlen(path)));
				json_object_set_new(o, "line", json_integer(ln));
				json_object_set_new(o, "value", json_integer(hit ? hit->value : 0));
				json_object_set_new(o, "objects", json_integer(hit ? hit->objects : 0));
				json_object_set_new(o, "cause", hit ? out_json_string(causes.data, causes.len) :
						    json_null());
				json_object_set_new(o, "source", text ? out_json_string(text, len) : json_null());
				json_array_append_new(out, o);
				continue;
			}
			if (hit)
				out_textf(stdout, "%10s %8" PRId64 "  %-22s %5" PRId64 ": ",
					  out_size(b1, sizeof(b1), hit->value, store_heap_is_bytes(ix)), hit->objects,
					  causes.data, ln);
			else
				printf("%10s %8s  %-22s %5" PRId64 ": ", ".", ".", "", ln);
			/* the source as out_text shows it, but for its indentation */
			for (k = 0; text && k < len; k++) {
				const char *tab = memchr(text + k, '\t', len - k);
				size_t m = tab ? (size_t)(tab - (text + k)) : len - k;

				out_text(stdout, text + k, m);
				k += m;
				if (tab)
					putchar('\t');
			}
			putchar('\n');
		}
	}
	buf_release(&causes);
	return out ? out_json_dump(stdout, out) : 0;
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
	const char *profile = NULL, *want = NULL, *trim = NULL, *file = NULL;
	struct classify_sources src;
	struct store_line_sum *lines = NULL;
	struct store *s = NULL;
	struct err e = {0};
	regex_t re;
	size_t nb = 0, nd = 0, capd = 0, n = 0;
	int opt, rc, ret = EXIT_OK, ix, have_re = 0;
	int64_t pid, aid, at = 0;
	char *target = NULL, *colon;

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
	if (!(target = strdup(argv[optind]))) {
		ret = EXIT_FAIL;
		goto out_src;
	}
	colon = strrchr(target, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		if (num_parse_i64(colon + 1, 0, INT64_MAX, &at)) {
			ret = cli_usage_error(c, "line out of range in '%s'", argv[optind]);
			goto out_src;
		}
		*colon = '\0';
		file = target;
	} else if (strstr(target, ".go")) {
		file = target;
	} else if (regcomp(&re, target, REG_EXTENDED | REG_NOSUB)) {
		ret = cli_usage_error(c, "bad regular expression '%s'", target);
		goto out_src;
	} else {
		have_re = 1;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds */
	store_batch_begin(s);
	if (classify_select_profile(s, profile, &pid, &e) ||
	    classify_sample_type(s, pid, want, &ix, &e) ||
	    classify_select(cli_notes(c), s, profile, brefs, nb, NULL, &pid, &aid, &e) ||
	    classify_list_lines(s, aid, ix, have_re ? &re : NULL, file, &lines, &n, &e))
		goto fail;
	if (!n) {
		err_set(&e, ESC_EUSAGE, "nothing allocates in '%s' in profile %" PRId64, argv[optind], pid);
		goto fail;
	}
	if (write_list(c, &src, lines, n, at, ix))
		ret = cli_write_failed(c);
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	store_line_sums_free(lines, n);
	store_close(s);
out_src:
	if (have_re)
		regfree(&re);
	classify_sources_release(&src);
out:
	free(target);
	free(brefs);
	free(dirs);
	return ret;
}
