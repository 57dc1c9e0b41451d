/* cmd_escapes.c — `escprof escapes LOG|DIR|-...`: parse Go compiler diagnostics (-m text
 * logs of any form, or -json=0,DIR trees) and store each input as one build, all of them
 * in one transaction. --dry-run parses and counts without a database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: escprof escapes [--db FILE] [--name N] [--go-version V] [--dry-run]\n"
	"                       [--max-line N] LOG|DIR|- ...\n"
	"\n"
	"Stores the Go compiler's escape-analysis output: text logs of -m, -m -m, -m=2\n"
	"or -m=3 (`go build -gcflags='-m -m' ./... 2>build.log`; Go 1.13 to 1.27, both\n"
	"flow forms, # pkg headers, CRLF, UTF-16 from PowerShell), or a -json=0,DIR tree.\n"
	"Each input is one build; all are stored in one transaction, so when one fails\n"
	"nothing is stored. Lines that are not diagnostics (banners, prompts, build\n"
	"errors) are skipped and counted; an input with no diagnostics at all is an error.\n"
	"\n"
	"  --db FILE        database (default escprof.db or $ESCPROF_DB)\n"
	"  --name N         name of the build (default: the input's base name)\n"
	"  --go-version V   the Go version that printed it (default: inferred)\n"
	"  --dry-run        parse and count only; no database\n"
	"  --max-line N     longest line accepted (default 1M)\n"
	"  --format F       text or json report\n"
	"  -q, --quiet      print nothing but errors\n";

static void report_text(const char *path, const struct classify_ingest_build_result *r, int dry)
{
	size_t k;
	int first = 1;

	if (dry)
		out_textf(stdout, "%s: %zu diagnostics", path, r->st.diagnostics);
	else if (r->added)
		out_textf(stdout, "%s: stored as build %lld: %zu diagnostics", path, (long long)r->id,
			  r->st.diagnostics);
	else
		out_textf(stdout, "%s: already stored as build %lld: %zu diagnostics", path, (long long)r->id,
			  r->st.diagnostics);
	for (k = 0; k < GC_KIND_COUNT; k++) {
		if (!r->kinds[k])
			continue;
		printf("%s%s %zu", first ? " (" : ", ", gc_kind_name((enum gc_kind)k), r->kinds[k]);
		first = 0;
	}
	out_textf(stdout, "%s; %zu of %zu lines not understood; Go version %s\n", first ? "" : ")",
		  r->st.skipped, r->st.lines, r->version[0] ? r->version : "unknown");
}

static json_t *report_json(const char *path, const struct classify_ingest_build_result *r)
{
	json_t *o = json_object(), *kinds = json_object();
	size_t k;

	for (k = 0; k < GC_KIND_COUNT; k++)
		json_object_set_new(kinds, gc_kind_name((enum gc_kind)k), json_integer((json_int_t)r->kinds[k]));
	json_object_set_new(o, "input", out_json_string(path, strlen(path)));
	json_object_set_new(o, "build_id", r->id ? json_integer(r->id) : json_null());
	json_object_set_new(o, "added", json_boolean(r->added));
	json_object_set_new(o, "go_version", r->version[0] ? out_json_string(r->version, strlen(r->version)) :
			    json_null());
	json_object_set_new(o, "lines", json_integer((json_int_t)r->st.lines));
	json_object_set_new(o, "diagnostics", json_integer((json_int_t)r->st.diagnostics));
	json_object_set_new(o, "skipped", json_integer((json_int_t)r->st.skipped));
	json_object_set_new(o, "blocks", json_integer((json_int_t)r->st.blocks));
	json_object_set_new(o, "kinds", kinds);
	return o;
}

int cmd_escapes(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"name", required_argument, NULL, 'n'},
		{"go-version", required_argument, NULL, 'g'},
		{"dry-run", no_argument, NULL, 'N'},
		{"max-line", required_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	const char *name = NULL, *version = NULL;
	struct store *s = NULL;
	struct err e = {0};
	struct classify_ingest_build_result *results;
	uint64_t max_line = 0;
	int opt, r, i, dry = 0, ret = EXIT_OK;

	c->usage = usage;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100)
			return r - 100;
		if (r)
			continue;
		if (opt == 'n')
			name = optarg;
		else if (opt == 'g')
			version = optarg;
		else if (opt == 'N')
			dry = 1;
		else if (opt == 'L' && (cli_parse_size(optarg, &max_line) || !max_line))
			return cli_usage_error(c, "bad line length '%s'", optarg);
	}
	if (optind >= argc)
		return cli_usage_error(c, "need at least one LOG, DIR or -");
	if (c->format != OUT_TEXT && c->format != OUT_JSON)
		return cli_usage_error(c, "escapes reports in text or json");
	results = calloc((size_t)argc, sizeof(*results));
	if (!results)
		return EXIT_FAIL;
	/* every input in one transaction: a bad one leaves the store as it was */
	if (!dry && store_open(&s, c->db, STORE_READ_WRITE, &e)) {
		free(results);
		return cli_fail(c, &e);
	}
	store_batch_begin(s);
	for (i = optind; i < argc && ret == EXIT_OK; i++)
		if (classify_ingest_build(dry ? NULL : s, argv[i], name, version, (size_t)max_line, &results[i], &e))
			ret = cli_fail(c, &e);
	if (ret == EXIT_OK) {
		json_t *report = c->format == OUT_JSON ? json_array() : NULL;

		for (i = optind; i < argc; i++)
			if (report)
				json_array_append_new(report, report_json(argv[i], &results[i]));
			else if (!c->quiet)
				report_text(argv[i], &results[i], dry);
		if (report)
			out_json_dump(stdout, report);
		ret = cli_store_done(c, s, ret, &e);
	}
	store_close(s);
	free(results);
	return ret;
}
