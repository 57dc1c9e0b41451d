/* cmd_sql.c — `escprof sql "SELECT ..."`: one read-only statement on the store, written
 * in any table format. The database is opened read-only and an authorizer refuses
 * anything that would write, unless --write asks for one statement that may write, run
 * in its own transaction. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "common/paths.h"

static const char usage[] =
	"usage: escprof sql [--db FILE] [--format text|csv|tsv|json] [--write] \"SELECT ...\"\n"
	"\n"
	"Runs one read-only SQL statement on the store. The public views are profiles,\n"
	"profile_labels, sample_types, sample_values, heap_samples, sample_labels, frames,\n"
	"builds, diagnostics, flow_steps, alloc_sites, causes, profile_names and\n"
	"build_names (see README.md).\n"
	"\n"
	"options:\n"
	"  --write              allow one statement that changes the store (your own tables\n"
	"                       or views, or DELETE FROM profiles / builds WHERE ..., which\n"
	"                       removes them as `escprof rm` does), run in its own transaction\n"
	"  --format F           text (default), csv, tsv or json\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  escprof sql 'SELECT cause, sum(alloc_space) FROM alloc_sites GROUP BY cause'\n"
	"  escprof sql --format csv 'SELECT name, sha256 FROM profiles'\n";

struct sql_out {
	enum out_format fmt;
	struct out_table *t;
	struct out_cell *cells;
};

static int on_row(void *ctx, size_t ncols, const char *const *names,
		  const struct store_value *vals)
{
	struct sql_out *o = ctx;
	size_t i;

	if (!vals) {
		o->t = out_table_new(stdout, o->fmt, ncols, names);
		o->cells = calloc(ncols + 1, sizeof(*o->cells));
		return o->t && o->cells ? 0 : ESC_ENOMEM;
	}
	for (i = 0; i < ncols; i++) {
		struct out_cell *c = &o->cells[i];

		switch (vals[i].type) {
		case STORE_INT: *c = (struct out_cell){.type = OUT_INT, .i = vals[i].i}; break;
		case STORE_REAL: *c = (struct out_cell){.type = OUT_REAL, .r = vals[i].r}; break;
		case STORE_TEXT:
		case STORE_BLOB: *c = (struct out_cell){.type = OUT_STR, .s = vals[i].s, .len = vals[i].len}; break;
		default: *c = (struct out_cell){.type = OUT_NULL};
		}
	}
	return out_table_row(o->t, o->cells) ? ESC_ENOMEM : 0;
}

int cmd_sql(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"write", no_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	struct sql_out o = {0};
	struct store *s = NULL;
	struct err e = {0};
	int opt, r, ret = EXIT_OK, write = 0;

	c->usage = usage;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100)
			return r - 100;
		if (opt == 'w')
			write = 1;
	}
	if (argc - optind != 1)
		return cli_usage_error(c, "need exactly one SQL statement (quote it)");
	o.fmt = c->format;
	/* --write changes a store; it never creates one */
	if (write && !store_is_pg(c->db) && !path_exists(c->db)) {
		err_set(&e, ESC_EIO, "'%s': no such store (--write does not create one)", c->db);
		return cli_fail(c, &e);
	}
	if (write && store_is_pg(c->db) && !cli_store_exists(c, &e))
		return cli_fail(c, &e);
	if (store_open(&s, c->db, write ? STORE_READ_WRITE : STORE_READ_ONLY, &e))
		return cli_fail(c, &e);
	r = write ? store_query_write(s, argv[optind], on_row, &o, &e) :
		    store_query(s, argv[optind], on_row, &o, &e);
	if (o.t && out_table_end(o.t) && !r)
		ret = cli_write_failed(c);
	else if (r)
		ret = cli_fail(c, &e);
	free(o.cells);
	store_close(s);
	return ret;
}
