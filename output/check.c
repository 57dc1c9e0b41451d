/* check.c — the writers of a budget check (output.h). Every format says the same sentence
 * for a breach or a rule that matched nothing (describe); amounts read as the rule wrote
 * its limit: sizes, counts, shares or growth. Annotations and SARIF name files only by
 * their path relative to the repository (what GitHub code scanning resolves against the
 * checkout); SARIF rules are identified by what they check, and results carry a
 * fingerprint that survives the code moving to another line. */
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "common/digest.h"
#include "output/output.h"

int out_check_parse_format(const char *s, enum out_check_format *f)
{
	static const char *const names[] = {"text", "json", "junit", "github", "sarif"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum out_check_format)i;
			return 0;
		}
	return -1;
}

/* a growth in the one style, with its sign: "+12.5%", "-3.0%" */
static void signed_pct(char *buf, size_t n, double v)
{
	char p[32];

	out_pct(p, sizeof(p), v);
	snprintf(buf, n, "%s%s", v >= 0 && p[0] != '-' ? "+" : "", p);
}

static const char *amount(char *buf, size_t n, double v, const struct budget_rule *r)
{
	if (r->scope == BUDGET_NEW_ESCAPES)
		snprintf(buf, n, "%.0f", v);
	else if (r->limit_kind == BUDGET_GROWTH && isinf(v))
		snprintf(buf, n, "new");
	else if (r->limit_kind == BUDGET_GROWTH)
		signed_pct(buf, n, v);
	else if (r->limit_kind == BUDGET_SHARE)
		out_pct(buf, n, v);
	else
		out_size(buf, n, (int64_t)llround(v), store_heap_is_bytes(r->type));
	return buf;
}

static const char *verdict_name(enum classify_check_verdict v)
{
	return v == CLASSIFY_CHECK_PASS ? "pass" : v == CLASSIFY_CHECK_BREACH ? "BREACH" :
	       v == CLASSIFY_CHECK_NO_MATCH ? "NO MATCH" : "skipped";
}

/* Nothing matched: the rule has no actual value and no worst entity. */
static int unmatched(const struct classify_check_result *x)
{
	return x->verdict == CLASSIFY_CHECK_NO_MATCH || x->verdict == CLASSIFY_CHECK_SKIPPED;
}

/* one sentence per result, shared by every format */
static void describe(const struct classify_check_result *x, char *buf, size_t n)
{
	const struct budget_rule *r = x->rule;
	char a[64], l[64];

	if (x->verdict == CLASSIFY_CHECK_NO_MATCH) {
		snprintf(buf, n, "%s: the rule matches nothing in the profile (a misspelt name? a '?'"
			 " after the scope makes a rule optional)", r->text);
		return;
	}
	if (x->verdict == CLASSIFY_CHECK_SKIPPED) {
		snprintf(buf, n, "%s: optional, and it matches nothing in the profile", r->text);
		return;
	}
	if (r->scope == BUDGET_NEW_ESCAPES) {
		snprintf(buf, n, "%s: %.0f new escape%s against the baseline build%s%s", r->text, x->actual,
			 x->actual == 1 ? "" : "s", x->detail ? ", first: " : "", x->detail ? x->detail : "");
		return;
	}
	snprintf(buf, n, "%s: %s %s, limit %s%s", r->text, x->name ? x->name : "",
		 amount(a, sizeof(a), x->actual, r), amount(l, sizeof(l), r->limit, r),
		 x->breaches > 1 ? " (and more)" : "");
}

static struct out_cell str_cell(const char *s)
{
	return (struct out_cell){.type = OUT_STR, .s = s, .len = strlen(s)};
}

/* "N rules, B breached[, M matched nothing][, S skipped]" */
static void counts(FILE *f, const struct classify_check_result *res, size_t n)
{
	size_t i, k[4] = {0};

	for (i = 0; i < n; i++)
		k[res[i].verdict]++;
	fprintf(f, "%zu rule%s, %zu breached", n, n == 1 ? "" : "s", k[CLASSIFY_CHECK_BREACH]);
	if (k[CLASSIFY_CHECK_NO_MATCH])
		fprintf(f, ", %zu matched nothing", k[CLASSIFY_CHECK_NO_MATCH]);
	if (k[CLASSIFY_CHECK_SKIPPED])
		fprintf(f, ", %zu skipped", k[CLASSIFY_CHECK_SKIPPED]);
}

static int write_text(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		      size_t n)
{
	static const char *const heads[] = {"rule", "limit", "actual", "verdict", "where"};
	struct out_table *t = out_table_new(f, OUT_TEXT, 5, heads);
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < n; i++) {
		const struct classify_check_result *x = &res[i];
		char where[1024] = "", a[64], l[64];
		struct out_cell cell[5];

		if (!unmatched(x) && x->name && x->rule->scope != BUDGET_NEW_ESCAPES)
			snprintf(where, sizeof(where), "%s", x->name);
		else if (x->detail)
			snprintf(where, sizeof(where), "%s", x->detail);
		amount(l, sizeof(l), x->rule->limit, x->rule);
		if (unmatched(x))
			snprintf(a, sizeof(a), "-");
		else
			amount(a, sizeof(a), x->actual, x->rule);
		cell[0] = str_cell(x->rule->text);
		cell[1] = str_cell(l);
		cell[2] = str_cell(a);
		cell[3] = str_cell(verdict_name(x->verdict));
		cell[4] = str_cell(where);
		out_table_row(t, cell);
	}
	if (out_table_end(t))
		return -1;
	counts(f, res, n);
	fprintf(f, " (profile %" PRId64 ")\n", run->profile_id);
	return ferror(f) ? -1 : 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? out_json_string(s, strlen(s)) : json_null();
}

static int write_json(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		      size_t n)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct classify_check_result *x = &res[i];
		const struct budget_rule *r = x->rule;
		json_t *j = json_object();

		json_object_set_new(j, "line", json_integer((json_int_t)r->line));
		json_object_set_new(j, "rule", out_json_string(r->text, strlen(r->text)));
		json_object_set_new(j, "scope", json_string(budget_scope_name(r->scope)));
		json_object_set_new(j, "sample_type", r->scope == BUDGET_NEW_ESCAPES ? json_null() :
				    json_string(store_heap_types[r->type]));
		json_object_set_new(j, "limit", json_real(r->limit));
		json_object_set_new(j, "limit_kind", json_string(r->limit_kind == BUDGET_SHARE ? "share" :
				    r->limit_kind == BUDGET_GROWTH ? "growth" : "absolute"));
		json_object_set_new(j, "actual", unmatched(x) || isinf(x->actual) ?
				    json_null() : json_real(x->actual));
		json_object_set_new(j, "verdict", json_string(x->verdict == CLASSIFY_CHECK_PASS ? "pass" :
				    x->verdict == CLASSIFY_CHECK_BREACH ? "breach" :
				    x->verdict == CLASSIFY_CHECK_NO_MATCH ? "no-match" : "skipped"));
		json_object_set_new(j, "optional", json_boolean(r->optional));
		json_object_set_new(j, "matched", json_integer((json_int_t)x->matched));
		json_object_set_new(j, "breaches", json_integer((json_int_t)x->breaches));
		json_object_set_new(j, "worst", str_or_null(x->name));
		json_object_set_new(j, "file", str_or_null(x->file));
		json_object_set_new(j, "line_in_file", x->line ? json_integer(x->line) : json_null());
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "budget", out_json_string(run->budget, strlen(run->budget)));
	json_object_set_new(o, "profile_id", json_integer(run->profile_id));
	json_object_set_new(o, "breaches", json_integer((json_int_t)classify_check_breaches(res, n)));
	json_object_set_new(o, "failures", json_integer((json_int_t)classify_check_failures(res, n)));
	json_object_set_new(o, "rules", arr);
	return out_json_dump(f, o);
}

static void markup(FILE *f, const char *s)
{
	out_markup_escape(f, s, strlen(s));
}

/* one testcase's or suite's attributes: the seconds, as JUnit's xs:decimal */
static void junit_time(FILE *f, double seconds)
{
	fprintf(f, " time=\"%.3f\"", seconds > 0 && isfinite(seconds) ? seconds : 0.0);
}

static int write_junit(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		       size_t n)
{
	char line[2048];
	size_t i, failures = classify_check_failures(res, n), skipped = 0;

	for (i = 0; i < n; i++)
		skipped += res[i].verdict == CLASSIFY_CHECK_SKIPPED;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"escprof\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"",
		n, failures, skipped);
	junit_time(f, run->seconds);
	fprintf(f, ">\n  <testsuite name=\"");
	markup(f, run->budget);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", n, failures, skipped);
	junit_time(f, run->seconds);
	fprintf(f, ">\n");
	for (i = 0; i < n; i++) {
		describe(&res[i], line, sizeof(line));
		fprintf(f, "    <testcase classname=\"escprof.budget\" name=\"");
		markup(f, res[i].rule->text);
		fprintf(f, "\"");
		junit_time(f, res[i].seconds);
		fprintf(f, ">");
		if (res[i].verdict == CLASSIFY_CHECK_BREACH || res[i].verdict == CLASSIFY_CHECK_NO_MATCH) {
			fprintf(f, "\n      <failure type=\"%s\" message=\"",
				res[i].verdict == CLASSIFY_CHECK_BREACH ? "budget" : "no-match");
			markup(f, line);
			fprintf(f, "\">");
			markup(f, line);
			fprintf(f, "</failure>\n    ");
		} else if (res[i].verdict == CLASSIFY_CHECK_SKIPPED) {
			fprintf(f, "\n      <skipped message=\"");
			markup(f, line);
			fprintf(f, "\"/>\n    ");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return ferror(f) ? -1 : 0;
}

static void gh_escape(FILE *f, const char *s, int property)
{
	out_github_escape(f, s, strlen(s), property);
}

/* "::error file=F,line=N,title=T::" — without file and line when there is no relative
 * path to give (GitHub then shows the annotation on the run, not on a file) */
static void gh_command(FILE *f, const char *kind, const char *file, int64_t line)
{
	fprintf(f, "::%s ", kind);
	if (file) {
		fprintf(f, "file=");
		gh_escape(f, file, 1);
		if (line > 0)
			fprintf(f, ",line=%" PRId64, line);
		fprintf(f, ",");
	}
	fprintf(f, "title=");
	gh_escape(f, "escprof budget", 1);
	fprintf(f, "::");
}

/* a breach points at its worst site; a rule that matched nothing (or a breach whose site
 * is outside the repository) at the budget's line */
static int write_github(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
			size_t n)
{
	char line[2048];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct classify_check_result *x = &res[i];

		if (x->verdict == CLASSIFY_CHECK_PASS)
			continue;
		describe(x, line, sizeof(line));
		if (x->verdict == CLASSIFY_CHECK_BREACH && x->rel)
			gh_command(f, "error", x->rel, x->line);
		else
			gh_command(f, x->verdict == CLASSIFY_CHECK_SKIPPED ? "notice" : "error", run->budget_rel,
				   (int64_t)x->rule->line);
		gh_escape(f, line, 0);
		fprintf(f, "\n");
	}
	fprintf(f, "escprof: ");
	counts(f, res, n);
	fprintf(f, "\n");
	return ferror(f) ? -1 : 0;
}

/* ---- SARIF 2.1.0 ---- */

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SARIF_ROOT "%SRCROOT%"
#define SARIF_FINGERPRINT "escprof/v1"

/* Appends s to buf (len bytes used of n) with every byte outside printable ASCII, and
 * '%', as %XX: an id is valid text whatever bytes a budget's pattern holds, and is cut,
 * when it must be, between whole escapes and for good (returns n: later parts add
 * nothing). */
static size_t id_add(char *buf, size_t len, size_t n, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (len >= n)
		return n;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = c > ' ' && c < 0x7f && c != '%';

		if (len + (plain ? 1 : 3) >= n) {
			buf[len] = '\0';
			return n;
		}
		if (plain) {
			buf[len++] = (char)c;
		} else {
			buf[len++] = '%';
			buf[len++] = hex[c >> 4];
			buf[len++] = hex[c & 15];
		}
	}
	buf[len] = '\0';
	return len;
}

const char *out_check_rule_id(const struct budget_rule *r, char *buf, size_t n)
{
	const char *scope = budget_scope_name(r->scope);
	size_t len = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	if (r->growth && r->scope != BUDGET_NEW_ESCAPES)
		len = id_add(buf, len, n, "grown/");
	len = id_add(buf, len, n, scope);
	if (r->pattern && r->scope != BUDGET_TOTAL) {
		len = id_add(buf, len, n, "/");
		len = id_add(buf, len, n, r->pattern);
	}
	if (r->scope != BUDGET_NEW_ESCAPES) {
		len = id_add(buf, len, n, "/");
		id_add(buf, len, n, store_heap_types[r->type]);
	}
	return buf;
}

/* An artifact in the repository: its path relative to %SRCROOT%, percent-encoded. */
static json_t *sarif_physical(const char *rel, int64_t line)
{
	json_t *phys = json_object(), *art = json_object();

	json_object_set_new(art, "uri", out_json_uri(rel, strlen(rel)));
	json_object_set_new(art, "uriBaseId", json_string(SARIF_ROOT));
	json_object_set_new(phys, "artifactLocation", art);
	if (line > 0) {
		json_t *reg = json_object();

		json_object_set_new(reg, "startLine", json_integer(line));
		json_object_set_new(phys, "region", reg);
	}
	return phys;
}

static json_t *sarif_logical(const char *name, const char *kind)
{
	json_t *arr = json_array(), *l = json_object();

	json_object_set_new(l, "fullyQualifiedName", out_json_string(name, strlen(name)));
	if (kind)
		json_object_set_new(l, "kind", json_string(kind));
	json_array_append_new(arr, l);
	return arr;
}

/* Where a result is: its site in the repository (with its function), else its function
 * alone, else the budget's line, else the rule itself; never a path outside the repository. */
static json_t *sarif_locations(const struct out_check_run *run, const struct classify_check_result *x)
{
	json_t *locs = json_array(), *loc = json_object();
	int site = x->verdict != CLASSIFY_CHECK_NO_MATCH && x->verdict != CLASSIFY_CHECK_SKIPPED;

	if (site && x->rel)
		json_object_set_new(loc, "physicalLocation", sarif_physical(x->rel, x->line));
	else if (!(site && x->function) && run->budget_rel)
		json_object_set_new(loc, "physicalLocation", sarif_physical(run->budget_rel, (int64_t)x->rule->line));
	if (site && x->function)
		json_object_set_new(loc, "logicalLocations", sarif_logical(x->function, "function"));
	else if (!json_object_get(loc, "physicalLocation"))
		json_object_set_new(loc, "logicalLocations", sarif_logical(x->rule->text, NULL));
	json_array_append_new(locs, loc);
	return locs;
}

/* ruleId, the site's function (or what new-escapes found) and its file: not the line, so
 * that code moving within its file keeps its alert */
static json_t *sarif_fingerprints(const struct out_check_run *run, const struct classify_check_result *x,
				  const char *id)
{
	int site = x->verdict != CLASSIFY_CHECK_NO_MATCH && x->verdict != CLASSIFY_CHECK_SKIPPED;
	const char *what = !site ? "" : x->function ? x->function :
			   x->rule->scope == BUDGET_NEW_ESCAPES && x->name ? x->name : "";
	const char *file = site && x->rel ? x->rel : !site && run->budget_rel ? run->budget_rel : "";
	json_t *fp = json_object();
	struct buf b;
	char hex[65];

	buf_init(&b);
	buf_add(&b, id, strlen(id) + 1);
	buf_add(&b, what, strlen(what) + 1);
	buf_add(&b, file, strlen(file));
	digest_sha256_hex(b.data ? b.data : "", b.len, hex);
	buf_release(&b);
	json_object_set_new(fp, SARIF_FINGERPRINT, json_string(hex));
	return fp;
}

static json_t *sarif_result(const struct out_check_run *run, const struct classify_check_result *x,
			    size_t index, const char *id)
{
	json_t *r = json_object(), *msg = json_object();
	char line[2048];

	describe(x, line, sizeof(line));
	json_object_set_new(r, "ruleId", json_string(id));
	json_object_set_new(r, "ruleIndex", json_integer((json_int_t)index));
	json_object_set_new(r, "level", json_string("error"));
	json_object_set_new(msg, "text", out_json_string(line, strlen(line)));
	json_object_set_new(r, "message", msg);
	json_object_set_new(r, "locations", sarif_locations(run, x));
	json_object_set_new(r, "partialFingerprints", sarif_fingerprints(run, x, id));
	return r;
}

static json_t *sarif_text(const char *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", out_json_string(s, strlen(s)));
	return o;
}

/* text as literal Markdown: its punctuation escaped */
static void md_add(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>#|", *s))
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

/* one sentence on what the rule measures */
static void rule_what(struct buf *b, const struct budget_rule *r)
{
	const char *type = r->scope == BUDGET_NEW_ESCAPES ? "" : store_heap_types[r->type];

	switch (r->scope) {
	case BUDGET_TOTAL: buf_printf(b, "the profile's total %s", type); break;
	case BUDGET_PACKAGE: buf_printf(b, "the %s of each package matching '%s'", type, r->pattern); break;
	case BUDGET_FUNCTION: buf_printf(b, "the %s of each function matching '%s'", type, r->pattern); break;
	case BUDGET_SITE: buf_printf(b, "the %s of each source line matching '%s'", type, r->pattern); break;
	case BUDGET_CAUSE: buf_printf(b, "the %s of the allocations whose escape cause is '%s'", type, r->pattern); break;
	case BUDGET_NEW_ESCAPES:
		buf_printf(b, "the escapes the build adds against the baseline build%s%s%s",
			   r->pattern ? " in files matching '" : "", r->pattern ? r->pattern : "", r->pattern ? "'" : "");
		break;
	default: break;
	}
}

/* The rule's descriptor: what it checks, and for its causes (a cause rule's own, else all
 * of them) what each means and how to fix it, from the causes table. */
static json_t *sarif_rule(const struct out_check_run *run, const struct budget_rule *r, const char *id)
{
	json_t *rule = json_object(), *help = json_object(), *cfg = json_object(), *props = json_object();
	json_t *tags = json_array();
	const struct classify_cause *cs;
	struct buf full, text, md;
	size_t nc, i;
	char uri[512];

	buf_init(&full);
	buf_init(&text);
	buf_init(&md);
	buf_adds(&full, "Fails when ");
	rule_what(&full, r);
	buf_printf(&full, "%s exceeds the budget's limit (%s).", r->growth ? ", grown against the baseline"
		   " profile," : "", r->text);
	buf_adds(&text, full.data);
	buf_adds(&md, "Fails when ");
	md_add(&md, full.data + strlen("Fails when "));
	buf_adds(&text, r->scope == BUDGET_CAUSE ? "\n\nThe cause, and its fix:\n" :
		 "\n\nThe cause of a site names what keeps its bytes on the heap; `escprof explain"
		 " FILE:LINE` shows the compiler's reasoning at the site. The causes, and their fixes:\n");
	buf_adds(&md, r->scope == BUDGET_CAUSE ? "\n\nThe cause, and its fix:\n\n" :
		 "\n\nThe cause of a site names what keeps its bytes on the heap; `escprof explain"
		 " FILE:LINE` shows the compiler's reasoning at the site. The causes, and their fixes:\n\n");
	cs = classify_causes(&nc);
	for (i = 0; i < nc; i++) {
		if (r->scope == BUDGET_CAUSE && fnmatch(r->pattern, cs[i].id, 0))
			continue;
		buf_printf(&text, "- %s: %s. Fix: %s.\n", cs[i].id, cs[i].title, cs[i].hint);
		buf_printf(&md, "- **`%s`**: ", cs[i].id);
		md_add(&md, cs[i].title);
		buf_adds(&md, ". *Fix:* ");
		md_add(&md, cs[i].hint);
		buf_adds(&md, ".\n");
	}
	json_object_set_new(rule, "id", json_string(id));
	json_object_set_new(rule, "shortDescription", sarif_text(r->text));
	json_object_set_new(rule, "fullDescription", sarif_text(full.data));
	json_object_set_new(help, "text", out_json_string(text.data, text.len));
	json_object_set_new(help, "markdown", out_json_string(md.data, md.len));
	json_object_set_new(rule, "help", help);
	if (run->home) {
		snprintf(uri, sizeof(uri), "%s%s", run->home, r->scope == BUDGET_CAUSE ? "#causes" : "#budgets-and-ci");
		json_object_set_new(rule, "helpUri", json_string(uri));
	}
	json_object_set_new(cfg, "level", json_string("error"));
	json_object_set_new(rule, "defaultConfiguration", cfg);
	json_array_append_new(tags, json_string("memory"));
	json_array_append_new(tags, json_string("escape-analysis"));
	json_object_set_new(props, "tags", tags);
	json_object_set_new(rule, "properties", props);
	buf_release(&full);
	buf_release(&text);
	buf_release(&md);
	return rule;
}

static json_t *sarif_notification(const char *level, const char *text, json_t *locations)
{
	json_t *note = json_object();

	json_object_set_new(note, "level", json_string(level));
	json_object_set_new(note, "message", sarif_text(text));
	if (locations)
		json_object_set_new(note, "locations", locations);
	return note;
}

/* The run's tool, its invocation (successful or not, with its notifications), where
 * %SRCROOT% is, and its results: every SARIF document escprof writes has this shape. */
static json_t *sarif_run(const struct out_check_run *run, json_t *rules, json_t *results, json_t *notes,
			 int ok)
{
	json_t *rn = json_object(), *tool = json_object(), *drv = json_object();
	json_t *invs = json_array(), *inv = json_object();

	json_object_set_new(drv, "name", json_string("escprof"));
	json_object_set_new(drv, "version", json_string(run->version));
	json_object_set_new(drv, "semanticVersion", json_string(run->version));
	if (run->home)
		json_object_set_new(drv, "informationUri", json_string(run->home));
	json_object_set_new(drv, "rules", rules);
	json_object_set_new(tool, "driver", drv);
	json_object_set_new(rn, "tool", tool);
	json_object_set_new(inv, "executionSuccessful", json_boolean(ok));
	if (json_array_size(notes))
		json_object_set_new(inv, "toolExecutionNotifications", notes);
	else
		json_decref(notes);
	json_array_append_new(invs, inv);
	json_object_set_new(rn, "invocations", invs);
	if (run->srcroot) {
		json_t *bases = json_object(), *root = json_object(), *enc = out_json_uri(run->srcroot,
										       strlen(run->srcroot));
		const char *e = json_string_value(enc);
		struct buf u;

		buf_init(&u);
		buf_printf(&u, "file://%s%s", e, *e && e[strlen(e) - 1] == '/' ? "" : "/");
		json_object_set_new(root, "uri", json_stringn(u.data, u.len));
		json_object_set_new(bases, SARIF_ROOT, root);
		json_object_set_new(rn, "originalUriBaseIds", bases);
		buf_release(&u);
		json_decref(enc);
	}
	json_object_set_new(rn, "results", results);
	return rn;
}

static int sarif_dump(FILE *f, json_t *rn)
{
	json_t *root = json_object(), *runs = json_array();

	json_array_append_new(runs, rn);
	json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(root, "runs", runs);
	return out_json_dump(f, root);
}

/* One descriptor per distinct id (two rules on the same subject with other limits share
 * it); a result per failure; an optional rule that matched nothing is a note. */
static int write_sarif(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		       size_t n)
{
	json_t *rules = json_array(), *results = json_array(), *notes = json_array();
	size_t i, k;

	for (i = 0; i < n; i++) {
		char id[1024], line[2048];

		out_check_rule_id(res[i].rule, id, sizeof(id));
		for (k = 0; k < json_array_size(rules); k++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(rules, k), "id")), id))
				break;
		if (k == json_array_size(rules))
			json_array_append_new(rules, sarif_rule(run, res[i].rule, id));
		if (res[i].verdict == CLASSIFY_CHECK_BREACH || res[i].verdict == CLASSIFY_CHECK_NO_MATCH) {
			json_array_append_new(results, sarif_result(run, &res[i], k, id));
		} else if (res[i].verdict == CLASSIFY_CHECK_SKIPPED) {
			json_t *note, *desc = json_object();

			describe(&res[i], line, sizeof(line));
			note = sarif_notification("note", line, sarif_locations(run, &res[i]));
			json_object_set_new(desc, "id", json_string(id));
			json_object_set_new(desc, "index", json_integer((json_int_t)k));
			json_object_set_new(note, "associatedRule", desc);
			json_array_append_new(notes, note);
		}
	}
	return sarif_dump(f, sarif_run(run, rules, results, notes, 1));
}

int out_check_write(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
		    const struct classify_check_result *res, size_t n)
{
	switch (fmt) {
	case OUT_CHECK_TEXT: return write_text(f, run, res, n);
	case OUT_CHECK_JSON: return write_json(f, run, res, n);
	case OUT_CHECK_JUNIT: return write_junit(f, run, res, n);
	case OUT_CHECK_GITHUB: return write_github(f, run, res, n);
	case OUT_CHECK_SARIF: return write_sarif(f, run, res, n);
	}
	return -1;
}

int out_check_write_error(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
			  const char *message, size_t line)
{
	switch (fmt) {
	case OUT_CHECK_TEXT:
		return 0;	/* the message goes to standard error */
	case OUT_CHECK_JSON: {
		json_t *o = json_object(), *err = json_object();

		json_object_set_new(err, "message", out_json_string(message, strlen(message)));
		json_object_set_new(err, "line", line ? json_integer((json_int_t)line) : json_null());
		json_object_set_new(o, "budget", out_json_string(run->budget, strlen(run->budget)));
		json_object_set_new(o, "error", err);
		json_object_set_new(o, "rules", json_array());
		return out_json_dump(f, o);
	}
	case OUT_CHECK_JUNIT:
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		fprintf(f, "<testsuites name=\"escprof\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\"");
		junit_time(f, run->seconds);
		fprintf(f, ">\n  <testsuite name=\"");
		markup(f, run->budget);
		fprintf(f, "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\"");
		junit_time(f, run->seconds);
		fprintf(f, ">\n    <testcase classname=\"escprof.budget\" name=\"the budget is checked\"");
		junit_time(f, run->seconds);
		fprintf(f, ">\n      <error type=\"escprof\" message=\"");
		markup(f, message);
		fprintf(f, "\">");
		markup(f, message);
		fprintf(f, "</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n");
		return ferror(f) ? -1 : 0;
	case OUT_CHECK_GITHUB:
		gh_command(f, "error", run->budget_rel, (int64_t)line);
		gh_escape(f, message, 0);
		fprintf(f, "\nescprof: the budget could not be checked\n");
		return ferror(f) ? -1 : 0;
	case OUT_CHECK_SARIF: {
		json_t *notes = json_array(), *locs = NULL;

		if (run->budget_rel) {
			json_t *loc = json_object();

			locs = json_array();
			json_object_set_new(loc, "physicalLocation", sarif_physical(run->budget_rel, (int64_t)line));
			json_array_append_new(locs, loc);
		}
		json_array_append_new(notes, sarif_notification("error", message, locs));
		return sarif_dump(f, sarif_run(run, json_array(), json_array(), notes, 0));
	}
	}
	return -1;
}
