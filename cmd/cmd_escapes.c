/* cmd_escapes.c — `escprof escapes LOG|DIR|-...`: parse Go compiler diagnostics (-m text
 * logs of any form, or -json=0,DIR trees) and store each input as one build in one
 * transaction. --dry-run parses and counts without a database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify/classify.h"
#include "classify/gclog.h"
#include "cli.h"
#include "common/digest.h"
#include "store/store.h"

static const char usage[] =
	"usage: escprof escapes [--db FILE] [--name N] [--go-version V] [--dry-run]\n"
	"                       [--max-line N] LOG|DIR|- ...\n"
	"\n"
	"Stores the Go compiler's escape-analysis output: text logs of -m, -m -m, -m=2\n"
	"or -m=3 (`go build -gcflags='-m -m' ./... 2>build.log`; Go 1.13 to 1.27, both\n"
	"flow forms, # pkg headers, CRLF, UTF-16 from PowerShell), or a -json=0,DIR tree.\n"
	"Each input is one build, stored in one transaction. Lines that are not\n"
	"diagnostics (banners, prompts, build errors) are skipped and counted; an input\n"
	"with no diagnostics at all is an error.\n"
	"\n"
	"  --db FILE        database (default escprof.db or $ESCPROF_DB)\n"
	"  --name N         name of the build (default: the input's base name)\n"
	"  --go-version V   the Go version that printed it (default: inferred)\n"
	"  --dry-run        parse and count only; no database\n"
	"  --max-line N     longest line accepted (default 1M)\n"
	"  --format F       text or json report\n"
	"  -q, --quiet      print nothing but errors\n";

struct escapes_run {
	struct store_build *b;		/* NULL in a dry run */
	struct digest_sha256 sha;
	size_t kinds[GC_KIND_COUNT];
	struct store_step *steps;
	size_t capsteps;
	struct err *e;
};

static void hash_str(struct digest_sha256 *d, const char *s)
{
	if (s)
		digest_sha256_update(d, s, strlen(s) + 1);
	else
		digest_sha256_update(d, "\xff", 1);
}

static int on_diag(void *ctx, const struct gc_diag *d)
{
	struct escapes_run *r = ctx;
	static const char *const step_kinds[] = {"flow", "from", "warning"};
	char norm[4096], pos[64];
	struct store_diag sd;
	size_t i;

	if ((size_t)d->kind < GC_KIND_COUNT)
		r->kinds[d->kind]++;
	/* the content digest: what a build says, independent of how it was spelled on disk */
	hash_str(&r->sha, d->package);
	hash_str(&r->sha, d->file);
	snprintf(pos, sizeof(pos), "%u:%u:%d", d->line, d->col, (int)d->kind);
	hash_str(&r->sha, pos);
	hash_str(&r->sha, d->message);
	for (i = 0; i < d->nsteps; i++)
		hash_str(&r->sha, d->steps[i].text);
	if (!r->b)
		return 0;
	if (d->nsteps > r->capsteps) {
		size_t nc = d->nsteps * 2;
		struct store_step *ns = realloc(r->steps, nc * sizeof(*ns));

		if (!ns)
			return err_set(r->e, ESC_ENOMEM, "out of memory");
		r->steps = ns;
		r->capsteps = nc;
	}
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *g = &d->steps[i];

		r->steps[i] = (struct store_step){step_kinds[g->kind], g->dst, g->src, g->derefs,
						  g->why, g->expr, g->file, g->line, g->col, g->text};
	}
	classify_norm_path(d->file, norm, sizeof(norm));
	sd = (struct store_diag){d->package, d->file, norm, d->line, d->col, gc_kind_name(d->kind),
				 d->subject, d->func, d->message ? d->message : "", r->steps,
				 d->nsteps};
	return store_build_add(r->b, &sd, r->e);
}

static int is_dir(const char *path)
{
	struct stat sb;

	return strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A single -json file (first byte '{' and a logopt header) is parsed as JSON too. */
static int is_json_file(const char *path)
{
	FILE *f;
	char head[256];
	size_t n;

	if (!strcmp(path, "-") || !(f = fopen(path, "rb")))
		return 0;
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	return n && head[0] == '{' && strstr(head, "\"gc_version\"");
}

static int parse_input(const char *path, size_t max_line, struct escapes_run *r,
		       struct gc_stats *st, struct err *e)
{
	if (is_dir(path) || is_json_file(path))
		return gc_parse_json_dir(path, on_diag, r, st, e);
	if (max_line) {
		/* the streaming API, to apply the limit */
		FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
		struct gc_log *p;
		char *chunk;
		size_t n;
		int rc = 0;

		if (!f)
			return err_set(e, ESC_EIO, "cannot read '%s': %m", path);
		p = gc_log_new(path);
		chunk = malloc(1 << 16);
		if (!p || !chunk) {
			if (f != stdin)
				fclose(f);
			gc_log_free(p);
			free(chunk);
			return err_set(e, ESC_ENOMEM, "out of memory");
		}
		gc_log_set_max_line(p, max_line);
		while (!rc && (n = fread(chunk, 1, 1 << 16, f)) > 0)
			rc = gc_log_feed(p, chunk, n, on_diag, r, e);
		if (!rc && ferror(f))
			rc = err_set(e, ESC_EIO, "cannot read '%s'", path);
		if (!rc)
			rc = gc_log_finish(p, on_diag, r, st, e);
		if (f != stdin)
			fclose(f);
		gc_log_free(p);
		free(chunk);
		return rc;
	}
	return gc_parse_log_file(path, on_diag, r, st, e);
}

static void report_text(const char *path, const struct escapes_run *r, const struct gc_stats *st,
			const char *version, int64_t id, int added, int dry)
{
	size_t k;
	int first = 1;

	if (dry)
		printf("%s: %zu diagnostics", path, st->diagnostics);
	else if (added)
		printf("%s: stored as build %lld: %zu diagnostics", path, (long long)id, st->diagnostics);
	else
		printf("%s: already stored as build %lld: %zu diagnostics", path, (long long)id,
		       st->diagnostics);
	for (k = 0; k < GC_KIND_COUNT; k++) {
		if (!r->kinds[k])
			continue;
		printf("%s%s %zu", first ? " (" : ", ", gc_kind_name((enum gc_kind)k), r->kinds[k]);
		first = 0;
	}
	printf("%s; %zu of %zu lines not understood; Go version %s\n", first ? "" : ")", st->skipped,
	       st->lines, version && *version ? version : "unknown");
}

static json_t *report_json(const char *path, const struct escapes_run *r, const struct gc_stats *st,
			   const char *version, int64_t id, int added)
{
	json_t *o = json_object(), *kinds = json_object();
	size_t k;

	for (k = 0; k < GC_KIND_COUNT; k++)
		json_object_set_new(kinds, gc_kind_name((enum gc_kind)k), json_integer((json_int_t)r->kinds[k]));
	json_object_set_new(o, "input", out_json_string(path, strlen(path)));
	json_object_set_new(o, "build_id", id ? json_integer(id) : json_null());
	json_object_set_new(o, "added", json_boolean(added));
	json_object_set_new(o, "go_version", version && *version ? json_string(version) : json_null());
	json_object_set_new(o, "lines", json_integer((json_int_t)st->lines));
	json_object_set_new(o, "diagnostics", json_integer((json_int_t)st->diagnostics));
	json_object_set_new(o, "skipped", json_integer((json_int_t)st->skipped));
	json_object_set_new(o, "blocks", json_integer((json_int_t)st->blocks));
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
	json_t *report = NULL;
	uint64_t max_line = 0;
	int opt, r, i, dry = 0, ret = EXIT_OK;
	struct escapes_run run = {0};

	c->usage = usage;
	while ((opt = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
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
	if (!dry && store_open(&s, c->db, STORE_READ_WRITE, &e))
		return cli_fail(c, &e);
	report = json_array();
	run.e = &e;
	for (i = optind; i < argc; i++) {
		struct store_build_opts o = {name, argv[i]};
		struct gc_stats st = {0};
		const char *v;
		char sha[65];
		int64_t id = 0;
		int added = 0;

		memset(run.kinds, 0, sizeof(run.kinds));
		digest_sha256_init(&run.sha);
		run.b = NULL;
		if (!dry && store_build_begin(s, &o, &run.b, &e)) {
			ret = cli_fail(c, &e);
			break;
		}
		if ((r = parse_input(argv[i], (size_t)max_line, &run, &st, &e))) {
			if (!e.status)
				err_set(&e, (enum esc_status)r, "'%s': cannot parse", argv[i]);
			store_build_abort(run.b);
			ret = cli_fail(c, &e);
			break;
		}
		v = version ? version : st.go_version;
		digest_sha256_final(&run.sha, sha);
		if (!dry && store_build_commit(run.b, sha, v, &id, &added, &e)) {
			ret = cli_fail(c, &e);
			break;
		}
		if (c->format == OUT_JSON)
			json_array_append_new(report, report_json(argv[i], &run, &st, v, id, added));
		else if (!c->quiet)
			report_text(argv[i], &run, &st, v, id, added, dry);
	}
	if (ret == EXIT_OK && c->format == OUT_JSON) {
		out_json_dump(stdout, report);
		report = NULL;
	}
	json_decref(report);
	free(run.steps);
	store_close(s);
	return ret;
}
