/* The pipeline past the decoders: one input holds a heap profile, up to three compiler
 * logs and a Go source file; they are stored, joined and written through every writer
 * of every command, as a user would run escprof on them.
 *
 * Input: PROFILE, then parts each opened by a marker line:
 *   "\n--log--\n" LOG     a compiler log (-m text or a -json file); the first three count
 *   "\n--go--\n"  SOURCE  main.go, found through -source_path for every main.go frame;
 *                        the last one counts
 * The first marker ends the profile (tests/fuzz/make-seeds.sh writes the seeds this way).
 *
 * The commands run in this process (the cmd/ objects linked without main) with their argv;
 * their output is caught in memory and checked (fuzz/command.h). A fixed real profile and log
 * (the budget sample's "before") are stored first as the baseline of check, diff and
 * report. */
#include <sys/stat.h>

#include "common/buf.h"
#include "tests/fuzz/command.h"

#define NLOGS 3

static const char budget_text[] =
	"total alloc_space <= 1MiB\n"
	"total alloc_objects <= 50%\n"
	"package * alloc_space <= 10%\n"
	"function main.* inuse_space <= 1KiB\n"
	"site *.go:* alloc_objects <= 100\n"
	"cause * alloc_space <= 25%\n"
	"grown total alloc_space <= +10%\n"
	"grown package * inuse_space <= +1%\n"
	"grown function * inuse_objects <= +50%\n"
	"grown site * alloc_objects <= +0%\n"
	"grown cause * alloc_space <= +5%\n"
	"new-escapes <= 0\n"
	"new-escapes *.go <= 2\n";

static struct {
	char db[512], base_db[512], prof[512], logs[NLOGS][512], src_dir[512], src[512],
	    budget[512], base_log[512];
	struct buf base;	/* the baseline store's bytes */
} F;

static void setup(void)
{
	char bp[512];
	struct fuzz_out o = {0};
	size_t i;

	fuzz_path(F.db, sizeof(F.db), "escprof.db");
	fuzz_path(F.base_db, sizeof(F.base_db), "base.db");
	fuzz_path(F.prof, sizeof(F.prof), "heap.pb");
	for (i = 0; i < NLOGS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "build%zu.log", i + 1);
		fuzz_path(F.logs[i], sizeof(F.logs[i]), name);
	}
	fuzz_path(F.src_dir, sizeof(F.src_dir), "src");
	fuzz_path(F.src, sizeof(F.src), "src/main.go");
	fuzz_path(F.budget, sizeof(F.budget), "check.budget");
	if (mkdir(F.src_dir, 0700))
		abort();
	fuzz_write(F.budget, budget_text, sizeof(budget_text) - 1);
	fuzz_src(bp, sizeof(bp), "sample-profiles/budget/out/go1.26/before.pb.gz");
	fuzz_src(F.base_log, sizeof(F.base_log), "sample-profiles/budget/out/go1.26/before.mm.txt");
	if (fuzz_run(&o, cmd_analyze, "analyze", "-q", "--db", F.base_db, "--name", "base", bp,
		     F.base_log, NULL) != EXIT_OK)
		fuzz_fail(&o, "the baseline does not load");
	fuzz_out_release(&o);
	buf_init(&F.base);
	if (buf_read_file(&F.base, F.base_db, 64u << 20) || !F.base.len)
		abort();
}

/* The end of the part starting at p and the marker after it (NULL when none). */
static const char *next_marker(const char *p, const char *end, const char **marker, size_t *mlen)
{
	static const char *const marks[] = {"\n--log--\n", "\n--go--\n"};
	const char *best = NULL;
	size_t i;

	*marker = NULL;
	for (i = 0; i < 2; i++) {
		const char *m = memmem(p, (size_t)(end - p), marks[i], strlen(marks[i]));

		if (m && (!best || m < best)) {
			best = m;
			*marker = marks[i];
			*mlen = strlen(marks[i]);
		}
	}
	return best ? best : end;
}

/* Writes the parts to their files; returns the number of logs. */
static size_t split(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *mark, *e;
	size_t nlogs = 0, mlen = 0;
	int has_src = 0;

	e = next_marker(p, end, &mark, &mlen);
	fuzz_write(F.prof, p, (size_t)(e - p));
	while (mark) {
		const char *what = mark;

		p = e + mlen;
		e = next_marker(p, end, &mark, &mlen);
		if (!strcmp(what, "\n--go--\n")) {
			fuzz_write(F.src, p, (size_t)(e - p));
			has_src = 1;
		} else if (nlogs < NLOGS) {
			fuzz_write(F.logs[nlogs++], p, (size_t)(e - p));
		}
	}
	if (!has_src)
		unlink(F.src);
	return nlogs;
}

/* The profile's top sites as FILE:LINE, from top's JSON. */
static size_t top_sites(const struct fuzz_out *o, char sites[3][600])
{
	json_t *v = o->rc == EXIT_OK ? json_loadb(o->out, o->nout, 0, NULL) : NULL;
	size_t i, n = 0;

	for (i = 0; v && i < json_array_size(v) && n < 3; i++) {
		json_t *row = json_array_get(v, i);
		const char *file = json_string_value(json_object_get(row, "file"));
		json_t *line = json_object_get(row, "line");

		if (file && json_is_integer(line))
			snprintf(sites[n++], sizeof(sites[0]), "%s:%" JSON_INTEGER_FORMAT, file,
				 json_integer_value(line));
	}
	json_decref(v);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lim[] = {"--max-size", "16M", "--max-depth", "256", "--max-string", "4096"};
	static const char *const formats[] = {"text", "json", "junit", "github", "sarif"};
	struct fuzz_out o = {0};
	const char *l[NLOGS] = {NULL, NULL, NULL};
	char sites[3][600];
	size_t nlogs, i, n;

	if (!F.base.len)
		setup();
	nlogs = split(data, size);
	for (i = 0; i < nlogs; i++)
		l[i] = F.logs[i];
	unlink(F.db);
	fuzz_write(F.db, F.base.data, F.base.len);

	/* the profile alone */
	fuzz_run(&o, cmd_info, "info", "-q", lim[0], lim[1], lim[2], lim[3], lim[4], lim[5], F.prof, NULL);
	fuzz_check_text(&o);
	fuzz_run(&o, cmd_info, "info", "-q", "--format", "json", lim[0], lim[1], lim[2], lim[3],
		 lim[4], lim[5], F.prof, NULL);
	fuzz_check_json(&o);
	fuzz_run(&o, cmd_escapes, "escapes", "-q", "--dry-run", "--format", "json", "--max-line", "4096",
		 l[0] ? l[0] : F.base_log, l[1], l[2], NULL);
	fuzz_check_json(&o);

	/* analyze in a store of its own, then into the one the other commands read */
	fuzz_run(&o, cmd_analyze, "analyze", "-q", "--source_path", F.src_dir, "--trim_path", "/src/samples",
		 lim[0], lim[1], lim[2], lim[3], lim[4], lim[5], "--max-line", "4096", F.prof, l[0], l[1],
		 l[2], NULL);
	fuzz_check_text(&o);
	if (fuzz_run(&o, cmd_analyze, "analyze", "-q", "--db", F.db, "--name", "cur", "--format", "json",
		     "-n", "50", "--source_path", F.src_dir, lim[0], lim[1], lim[2], lim[3], lim[4], lim[5],
		     "--max-line", "4096", F.prof, l[0], l[1], l[2], NULL) != EXIT_OK) {
		fuzz_check_exit(&o);
		/* a log it refuses: the profile alone, so the writers still see its names */
		if (!nlogs || fuzz_run(&o, cmd_analyze, "analyze", "-q", "--db", F.db, "--name", "cur",
				       "--format", "json", lim[0], lim[1], lim[2], lim[3], lim[4], lim[5],
				       F.prof, NULL) != EXIT_OK) {
			fuzz_check_exit(&o);
			fuzz_out_release(&o);
			return 0;
		}
	}
	fuzz_check_json(&o);
	fuzz_run(&o, cmd_load, "load", "-q", "--db", F.db, "--format", "json", lim[0], lim[1], lim[2],
		 lim[3], lim[4], lim[5], F.prof, NULL);
	fuzz_check_json(&o);

	/* the stored analysis through each writer */
	fuzz_run(&o, cmd_top, "top", "-q", "--db", F.db, NULL);
	fuzz_check_text(&o);
	fuzz_run(&o, cmd_top, "top", "-q", "--db", F.db, "--by", "cause", NULL);
	fuzz_check_text(&o);
	fuzz_run(&o, cmd_top, "top", "-q", "--db", F.db, "--by", "function", "--format", "csv", NULL);
	fuzz_check_csv(&o);
	fuzz_run(&o, cmd_top, "top", "-q", "--db", F.db, "--by", "package", "--format", "tsv", NULL);
	fuzz_check_tsv(&o);
	fuzz_run(&o, cmd_top, "top", "-q", "--db", F.db, "--by", "size", "--format", "csv", NULL);
	fuzz_check_csv(&o);
	fuzz_run(&o, cmd_top, "top", "-q", "--db", F.db, "--format", "json", "-n", "3", NULL);
	fuzz_check_json(&o);
	n = top_sites(&o, sites);
	for (i = 0; i < n; i++) {
		fuzz_run(&o, cmd_explain, "explain", "-q", "--db", F.db, "--format", i == 1 ? "json" : "text",
			 sites[i], NULL);
		if (i == 1)
			fuzz_check_json(&o);
		else
			fuzz_check_text(&o);
	}
	fuzz_run(&o, cmd_list, "list", "-q", "--db", F.db, "--source_path", F.src_dir, ".", NULL);
	fuzz_check_text(&o);
	fuzz_run(&o, cmd_list, "list", "-q", "--db", F.db, "--source_path", F.src_dir, "--format", "json",
		 "main.go", NULL);
	fuzz_check_json(&o);
	fuzz_run(&o, cmd_report, "report", "-q", "--db", F.db, "--html", "-", "--baseline", "base",
		 "--source_path", F.src_dir, "-n", "0", NULL);
	fuzz_check_markup(&o, 1);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		fuzz_run(&o, cmd_check, "check", "-q", "--db", F.db, "--budget", F.budget, "--baseline", "base",
			 "--format", formats[i], NULL);
		if (i == 1 || i == 4)
			fuzz_check_json(&o);
		else if (i == 2)
			fuzz_check_markup(&o, 0);
		else if (i == 3)
			fuzz_check_github(&o);
		else
			fuzz_check_text(&o);
	}

	/* what changed: profiles by name in the store, builds from their files */
	fuzz_run(&o, cmd_diff, "diff", "-q", "--db", F.db, "base", "cur", NULL);
	fuzz_check_text(&o);
	fuzz_run(&o, cmd_diff, "diff", "-q", "--db", F.db, "--by", "function", "--format", "json", "base",
		 "cur", NULL);
	fuzz_check_json(&o);
	fuzz_run(&o, cmd_diff, "diff", "-q", "--db", F.db, "--by", "cause", "--format", "csv", "base", "cur",
		 NULL);
	fuzz_check_csv(&o);
	if (nlogs) {
		const char *last = l[nlogs - 1], *first = nlogs > 1 ? l[0] : F.base_log;

		fuzz_run(&o, cmd_diff, "diff", "-q", first, last, NULL);
		fuzz_check_text(&o);
		fuzz_run(&o, cmd_diff, "diff", "-q", "--format", "json", first, last, NULL);
		fuzz_check_json(&o);
	}

	/* the stored rows as they are */
	fuzz_run(&o, cmd_sql, "sql", "-q", "--db", F.db, "--format", "csv", "SELECT * FROM alloc_sites", NULL);
	fuzz_check_csv(&o);
	fuzz_run(&o, cmd_sql, "sql", "-q", "--db", F.db, "--format", "tsv", "SELECT * FROM diagnostics", NULL);
	fuzz_check_tsv(&o);
	fuzz_run(&o, cmd_sql, "sql", "-q", "--db", F.db, "--format", "json", "SELECT * FROM flow_steps", NULL);
	fuzz_check_json(&o);
	fuzz_run(&o, cmd_sql, "sql", "-q", "--db", F.db, "SELECT * FROM frames", NULL);
	fuzz_check_text(&o);
	fuzz_out_release(&o);
	return 0;
}
