/* html.c — the page shell and the SVG bar charts of the HTML report; see html.h. The page
 * must open anywhere, offline: no external script, style, font or image, and a CSP meta
 * that makes the browser refuse any fetch and run no script but the page's own (by its
 * hash). The script only sorts, filters and expands what the HTML already holds; it
 * reads data-* attributes, never markup from strings. */
#include <inttypes.h>
#include <string.h>

#include "classify/classify.h"
#include "common/digest.h"
#include "output/html_int.h"
#include "output/output.h"

void html_text(FILE *f, const char *s, size_t len)
{
	out_markup_escape(f, s, len);
}

void html_str(FILE *f, const char *s)
{
	if (s)
		out_markup_escape(f, s, strlen(s));
}

/* one colour per cause of the taxonomy, in its order; the last is for unknown */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#d37295", "#86bcb6", "#8cd17d",
	"#f1ce63", "#a0cbe8", "#ffbe7d", "#79706e", "#d4a6c8", "#c9c9c9",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

const char *html_cause_class(const char *cause)
{
	static char names[NPALETTE][8];
	const struct classify_cause *c;
	size_t n, i, k = NPALETTE - 1;

	c = classify_causes(&n);
	for (i = 0; cause && i < n && i < NPALETTE - 1; i++)
		if (!strcmp(c[i].id, cause) && strcmp(cause, "unknown")) {
			k = i;
			break;
		}
	if (!names[k][0])
		snprintf(names[k], sizeof(names[k]), "k%zu", k);
	return names[k];
}

const char *html_rank_class(size_t rank)
{
	static char names[NPALETTE][8];
	size_t k = rank % (NPALETTE - 1);

	if (!names[k][0])
		snprintf(names[k], sizeof(names[k]), "k%zu", k);
	return names[k];
}

static const char style[] =
	":root{--fg:#1d2330;--mute:#5b6474;--line:#dde1e8;--bg:#f6f7f9;--card:#fff;--accent:#3b6fd1}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\n"
	"main{max-width:1160px;margin:0 auto;padding:20px 24px 60px}\n"
	"h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:0 0 10px}\n"
	".sub{color:var(--mute);margin:0 0 16px;overflow-wrap:anywhere}\n"
	"section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:16px 18px;margin:0 0 16px}\n"
	".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px}\n"
	".stat{border:1px solid var(--line);border-radius:6px;padding:8px 10px}\n"
	".stat b{display:block;font-size:20px}.stat span{color:var(--mute);font-size:12px}\n"
	".meter{height:8px;background:#e8ebf0;border-radius:4px;overflow:hidden;margin-top:4px}\n"
	".meter i{display:block;height:100%;background:var(--accent)}\n"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:12px 0 0}\n"
	"dl.facts dt{color:var(--mute)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
	".note{background:#fff7e0;border:1px solid #f0d48a;border-radius:6px;padding:8px 12px;margin:12px 0 0}\n"
	"svg.chart{width:100%;height:auto;display:block;font-size:12px}\n"
	"svg.chart text{fill:var(--fg)}svg.chart .lbl{text-anchor:end}svg.chart .val{fill:var(--mute)}\n"
	"svg.chart .axis{stroke:#9aa3b2;stroke-width:1}\n"
	"svg.chart g.bar[data-attr]{cursor:pointer}svg.chart g.bar:hover rect,svg.chart g.bar:focus rect{opacity:.75}\n"
	"svg.chart g.bar:focus{outline:none}svg.chart g.bar:focus .lbl{text-decoration:underline}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"th{font-size:12px;color:var(--mute);font-weight:600;white-space:nowrap}\n"
	"th[data-key]{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:' \\25B2'}\n"
	"th[aria-sort=descending]::after{content:' \\25BC'}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:-1px}\n"
	"#sites tr.row{cursor:pointer}#sites tr.row:hover{background:#f0f4fb}\n"
	"#sites tr.row td:first-child::before{content:'\\25B8';display:inline-block;width:14px;color:var(--mute)}\n"
	"#sites tr.row[aria-expanded=true] td:first-child::before{content:'\\25BE'}\n"
	"#sites td.fn{overflow-wrap:anywhere}#sites td.loc,#sites td.cz{white-space:nowrap}\n"
	"#sites td.hint{color:var(--mute);font-size:12px;max-width:280px}\n"
	"#sites td.hint div{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}\n"
	"#sites small{color:var(--mute)}\n"
	"tr.detail td{background:#fafbfc;padding:10px 14px 14px 28px}\n"
	"tr.detail[hidden],tbody.site[hidden]{display:none}\n"
	"pre{margin:6px 0;padding:8px 10px;background:#fff;border:1px solid var(--line);border-radius:6px;"
	"overflow-x:auto;font:12px/1.5 ui-monospace,'DejaVu Sans Mono',monospace;white-space:pre}\n"
	"pre mark{background:#ffe9a8;display:block}\n"
	"pre .ln{color:#98a1af;display:inline-block;min-width:4ch;text-align:right;margin-right:1ch;user-select:none}\n"
	".label{color:var(--mute);font-size:12px;margin-top:8px}\n"
	".controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:0 0 10px}\n"
	".controls input{flex:1;min-width:220px;padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}\n"
	".controls select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit}\n"
	"#shown{color:var(--mute)}\n"
	"table.legend td{font-size:13px}table.legend td.hint{color:var(--mute)}table.legend td.cz{white-space:nowrap}\n"
	".grow{color:#b3261e}.shrink{color:#1e7b34}\n"
	"svg.trend polyline{fill:none;stroke-width:2}svg.trend .grid{stroke:var(--line);stroke-width:1}\n"
	"svg.trend .mark{stroke:#9aa3b2;stroke-width:1;stroke-dasharray:4 3}svg.trend .tick{text-anchor:middle}\n"
	"svg.trend g.key:hover polyline{stroke-width:3.5}svg.trend g.other polyline{stroke-dasharray:3 3}details.numbers{margin-top:10px}\n"
	"details.numbers summary{cursor:pointer;color:var(--mute)}\n"
	"div.scroll{overflow-x:auto;margin-top:6px}table.trend td:first-child{white-space:nowrap}\n"
	"footer{color:var(--mute);font-size:12px;text-align:center}\n";

/* Sorting, filtering and expanding the sites table; the view is kept in the URL's
 * fragment (#sort=objects&dir=asc&cause=...&q=...&open=SITE) so that a link shows the
 * same. */
static const char script[] =
	"(function () {\n"
	"  'use strict';\n"
	"  var table = document.getElementById('sites');\n"
	"  if (!table) { document.documentElement.setAttribute('data-ready', 'yes'); return; }\n"
	"  var sites = Array.prototype.slice.call(table.tBodies);\n"
	"  var total = +table.getAttribute('data-total') || 0;\n"
	"  var q = document.getElementById('q'), sel = document.getElementById('cause');\n"
	"  var shown = document.getElementById('shown');\n"
	"  var heads = Array.prototype.slice.call(table.tHead.querySelectorAll('th[data-key]'));\n"
	"  var text = {'function': 1, 'file': 1, 'cause': 1};\n"
	"  var st = {sort: 'value', dir: 'desc', cause: '', q: '', open: ''};\n"
	"  sites.forEach(function (tb, i) {\n"
	"    var d = tb.dataset;\n"
	"    tb.ix = i;  /* escprof's order breaks ties: biggest first, then by place */\n"
	"    tb.haystack = [d['function'], d.file, d.cause, d.pkg, d.via || ''].join('\\n').toLowerCase();\n"
	"  });\n"
	"  function readHash() {\n"
	"    st = {sort: 'value', dir: '', cause: '', q: '', open: ''};\n"
	"    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
	"      var i = kv.indexOf('=');\n"
	"      if (i < 0) return;\n"
	"      var k = decodeURIComponent(kv.slice(0, i)), v = decodeURIComponent(kv.slice(i + 1));\n"
	"      if (Object.prototype.hasOwnProperty.call(st, k)) st[k] = v;\n"
	"    });\n"
	"    if (!heads.some(function (h) { return h.getAttribute('data-key') === st.sort; })) st.sort = 'value';\n"
	"    /* names read A to Z, amounts biggest first, unless the link says */\n"
	"    if (st.dir !== 'asc' && st.dir !== 'desc') st.dir = text[st.sort] ? 'asc' : 'desc';\n"
	"  }\n"
	"  function writeHash() {\n"
	"    var parts = [];\n"
	"    if (st.sort !== 'value' || st.dir !== 'desc') parts.push('sort=' + encodeURIComponent(st.sort), 'dir=' + st.dir);\n"
	"    if (st.cause) parts.push('cause=' + encodeURIComponent(st.cause));\n"
	"    if (st.q) parts.push('q=' + encodeURIComponent(st.q));\n"
	"    if (st.open) parts.push('open=' + encodeURIComponent(st.open));\n"
	"    try { history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search); } catch (e) {}\n"
	"  }\n"
	"  function cmp(a, b) {\n"
	"    var k = st.sort, x = a.dataset[k], y = b.dataset[k], r;\n"
	"    if (text[k]) r = x < y ? -1 : x > y ? 1 : 0; else r = (+x) - (+y);\n"
	"    if (!r && k === 'file') r = (+a.dataset.line) - (+b.dataset.line);\n"
	"    if (st.dir === 'desc') r = -r;\n"
	"    return r || a.ix - b.ix;\n"
	"  }\n"
	"  function apply() {\n"
	"    var needle = st.q.toLowerCase(), n = 0, sum = 0;\n"
	"    sites.sort(cmp);\n"
	"    sites.forEach(function (tb) {\n"
	"      var ok = (!st.cause || tb.dataset.cause === st.cause) && (!needle || tb.haystack.indexOf(needle) >= 0);\n"
	"      tb.hidden = !ok;\n"
	"      if (ok) { n++; sum += +tb.dataset.value; }\n"
	"      table.appendChild(tb);\n"
	"    });\n"
	"    heads.forEach(function (h) {\n"
	"      if (h.getAttribute('data-key') === st.sort) h.setAttribute('aria-sort', st.dir === 'asc' ? 'ascending' : 'descending');\n"
	"      else h.removeAttribute('aria-sort');\n"
	"    });\n"
	"    if (q.value !== st.q) q.value = st.q;\n"
	"    if (sel.value !== st.cause) sel.value = st.cause;\n"
	"    shown.textContent = n + ' of ' + sites.length + ' sites, ' +\n"
	"      (total ? (100 * sum / total).toFixed(1) : '0.0') + '% of the total';\n"
	"    table.setAttribute('data-shown', n);\n"
	"    var tb = st.open && document.getElementById('site-' + st.open);\n"
	"    if (tb && tb.parentNode === table) { tb.hidden = false; toggle(tb.rows[0], true); }\n"
	"  }\n"
	"  function update() { apply(); writeHash(); }\n"
	"  heads.forEach(function (h) {\n"
	"    h.addEventListener('click', function () {\n"
	"      var k = h.getAttribute('data-key');\n"
	"      if (st.sort === k) st.dir = st.dir === 'asc' ? 'desc' : 'asc';\n"
	"      else { st.sort = k; st.dir = text[k] ? 'asc' : 'desc'; }\n"
	"      update();\n"
	"    });\n"
	"  });\n"
	"  q.addEventListener('input', function () { st.q = q.value; update(); });\n"
	"  sel.addEventListener('change', function () { st.cause = sel.value; update(); });\n"
	"  function toggle(row, open) {\n"
	"    var det = row.nextElementSibling;\n"
	"    if (open === undefined) open = det.hidden;\n"
	"    det.hidden = !open;\n"
	"    row.setAttribute('aria-expanded', open ? 'true' : 'false');\n"
	"    return open;\n"
	"  }\n"
	"  function toggleAndKeep(row) {\n"
	"    var id = row.parentNode.getAttribute('data-site');\n"
	"    if (toggle(row)) st.open = id; else if (st.open === id) st.open = '';\n"
	"    writeHash();\n"
	"  }\n"
	"  table.addEventListener('click', function (ev) {\n"
	"    var row = ev.target.closest('tr.row');\n"
	"    if (row && !window.getSelection().toString()) toggleAndKeep(row);\n"
	"  });\n"
	"  table.addEventListener('keydown', function (ev) {\n"
	"    var row = ev.target.closest && ev.target.closest('tr.row');\n"
	"    if (row && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); toggleAndKeep(row); }\n"
	"  });\n"
	"  Array.prototype.forEach.call(document.querySelectorAll('svg g.bar[data-attr]'), function (g) {\n"
	"    g.addEventListener('keydown', function (ev) {\n"
	"      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); g.dispatchEvent(new Event('click')); }\n"
	"    });\n"
	"    g.addEventListener('click', function () {\n"
	"      var a = g.getAttribute('data-attr'), v = g.getAttribute('data-value');\n"
	"      if (a === 'site') {\n"
	"        var tb = document.getElementById('site-' + v);\n"
	"        if (!tb) return;\n"
	"        st.cause = ''; st.q = ''; st.open = v; update();\n"
	"        tb.scrollIntoView({block: 'center'});\n"
	"        return;\n"
	"      }\n"
	"      if (a === 'cause') { st.cause = v; st.q = ''; } else { st.q = v; st.cause = ''; }\n"
	"      update();\n"
	"      table.scrollIntoView({block: 'start'});\n"
	"    });\n"
	"  });\n"
	"  window.addEventListener('hashchange', function () { readHash(); apply(); });\n"
	"  readHash();\n"
	"  apply();\n"
	"  document.documentElement.setAttribute('data-ready', 'yes');\n"
	"})();\n";

/* The CSP source that allows the page's own script and nothing else: even markup that
 * escaped escaping could not run. "sha256-" and the base64 of the digest, in out. */
static void script_source(char out[52])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char d[33] = {0};
	char hex[65];
	size_t i, k = 0;

	digest_sha256_hex(script, strlen(script), hex);
	for (i = 0; i < 32; i++)
		d[i] = (unsigned char)((hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10) << 4 |
				       (hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10));
	k = (size_t)snprintf(out, 52, "sha256-");
	for (i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];

		out[k++] = b64[v >> 18 & 63];
		out[k++] = b64[v >> 12 & 63];
		out[k++] = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
		out[k++] = i + 2 < 32 ? b64[v & 63] : '=';
	}
	out[k] = '\0';
}

void html_page_begin(FILE *f, const char *title)
{
	char src[52];
	size_t i;

	script_source(src);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; script-src '%s'; img-src data:\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"escprof\">\n<title>", src);
	html_str(f, title);
	fputs("</title>\n<style>\n", f);
	fputs(style, f);
	for (i = 0; i < NPALETTE; i++)
		fprintf(f, ".k%zu{fill:%s;background:%s}svg.trend .k%zu{stroke:%s}\n", i, palette[i], palette[i],
			i, palette[i]);
	/* without the script every detail stays open rather than out of reach */
	fputs("</style>\n<noscript><style>tr.detail[hidden]{display:table-row}</style></noscript>\n"
	      "</head>\n<body>\n<main>\n", f);
}

void html_page_end(FILE *f)
{
	fputs("</main>\n<script>", f);	/* the script's text is exactly what the CSP hashed */
	fputs(script, f);
	fputs("</script>\n</body>\n</html>\n", f);
}

/* Writes at most max code points of s, eliding the middle with an ellipsis: a function's
 * package and a path's file name are at the two ends. Invalid bytes count as one. */
static void fit_text(FILE *f, const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t cps = 0, i, n, head, tail, k, cut_head = 0, cut_tail = len;

	for (i = 0; i < len; i += n, cps++)
		if (!(n = out_utf8_seq(u + i, len - i)))
			n = 1;
	if (cps <= max) {
		html_text(f, s, len);
		return;
	}
	head = (max - 1) / 2;
	tail = max - 1 - head;
	for (i = 0, k = 0; i < len; i += n, k++) {
		if (k == head)
			cut_head = i;
		if (k == cps - tail) {
			cut_tail = i;
			break;
		}
		if (!(n = out_utf8_seq(u + i, len - i)))
			n = 1;
	}
	html_text(f, s, cut_head);
	fputs("\xe2\x80\xa6", f);
	html_text(f, s + cut_tail, len - cut_tail);
}

enum {
	CHART_W = 960,
	ROW_H = 24,
	LABEL_X = 392,	/* labels end here */
	BAR_X = 400,
	BAR_W = 390,
	VALUE_X = BAR_X + BAR_W + 10,
	LABEL_CHARS = 56,
};

static int64_t bar_total(const struct html_bar *b)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < b->nsegs; i++)
		t += b->segs[i].value;
	return t;
}

void html_bar_chart(FILE *f, const char *id, const char *title, const struct html_bar *bars,
		    size_t n)
{
	int64_t maxabs = 0, t;
	int negative = 0, positive = 0;
	double axis, span, x, w;
	size_t i, k;
	int y;

	for (i = 0; i < n; i++) {
		t = bar_total(&bars[i]);
		if (t < 0)
			negative = 1;
		if (t > 0)
			positive = 1;
		if ((t < 0 ? -t : t) > maxabs)
			maxabs = t < 0 ? -t : t;
	}
	span = negative && positive ? BAR_W / 2.0 : BAR_W;
	axis = negative ? BAR_X + BAR_W - span : BAR_X;
	fprintf(f, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %zu\" role=\"img\" aria-labelledby=\"%s-t\">\n"
		"<title id=\"%s-t\">", id, CHART_W, n * ROW_H + 8, id, id);
	html_str(f, title);
	fputs("</title>\n", f);
	for (i = 0; i < n; i++) {
		const struct html_bar *b = &bars[i];

		y = 4 + (int)i * ROW_H;
		t = bar_total(b);
		fputs("<g class=\"bar\"", f);
		if (b->attr) {
			fprintf(f, " tabindex=\"0\" role=\"button\" data-attr=\"%s\" data-value=\"", b->attr);
			html_str(f, b->attr_value);
			fputs("\"", f);
		}
		fprintf(f, " data-total=\"%" PRId64 "\"><title>", t);
		html_text(f, b->label, b->label_len);
		fputs(": ", f);
		html_str(f, b->value_text);
		for (k = 0; k < b->nsegs; k++)
			if (b->segs[k].tip) {
				fputs("&#10;", f);
				html_str(f, b->segs[k].tip);
			}
		fprintf(f, "</title><text class=\"lbl\" x=\"%d\" y=\"%d\">", LABEL_X, y + 16);
		fit_text(f, b->label, b->label_len, LABEL_CHARS);
		fputs("</text>", f);
		x = t < 0 ? axis - (maxabs ? span * (double)-t / (double)maxabs : 0) : axis;
		for (k = 0; k < b->nsegs; k++) {
			int64_t v = b->segs[k].value < 0 ? -b->segs[k].value : b->segs[k].value;

			if (!v)
				continue;
			w = maxabs ? span * (double)v / (double)maxabs : 0;
			if (w < 1)
				w = 1;	/* nothing that counts is invisible */
			fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">",
				b->segs[k].cls, x, y + 3, w, ROW_H - 6);
			if (b->segs[k].tip && b->nsegs > 1) {
				fputs("<title>", f);
				html_str(f, b->segs[k].tip);
				fputs("</title>", f);
			}
			fputs("</rect>", f);
			x += w;
		}
		fprintf(f, "<text class=\"val\" x=\"%d\" y=\"%d\">", VALUE_X, y + 16);
		html_str(f, b->value_text);
		fputs("</text></g>\n", f);
	}
	if (negative)
		fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%zu\"/>\n", axis,
			axis, n * ROW_H + 8);
	fputs("</svg>\n", f);
}

enum {
	PLOT_X = 72,		/* the plot's left edge: the y axis's texts end before it */
	PLOT_W = 620,
	PLOT_Y = 10,
	PLOT_H = 240,
	KEY_X = PLOT_X + PLOT_W + 24,	/* the legend */
	KEY_CHARS = 30,
	DOTS_MAX = 60,		/* points drawn as dots (with their values) up to this many */
	TICKS = 5,		/* x labels at most */
};

static double point_x(size_t i, size_t n)
{
	return PLOT_X + (n > 1 ? (double)PLOT_W * (double)i / (double)(n - 1) : PLOT_W / 2.0);
}

static double value_y(int64_t v, int64_t top)
{
	return PLOT_Y + PLOT_H - (top > 0 ? (double)PLOT_H * (double)v / (double)top : 0);
}

void html_line_chart(FILE *f, const char *id, const char *title, const struct html_line_axis *ax,
		     const struct html_line *lines, size_t nlines)
{
	size_t n = ax->npoints, i, k, t;
	int64_t top = 0;
	int height = PLOT_Y + PLOT_H + 30;

	if ((int)nlines * 20 + PLOT_Y > height)
		height = (int)nlines * 20 + PLOT_Y + 4;
	for (k = 0; k < nlines; k++)
		for (i = 0; i < n; i++)
			if (lines[k].values[i] > top)
				top = lines[k].values[i];
	fprintf(f, "<svg class=\"chart trend\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t\">\n"
		"<title id=\"%s-t\">", id, CHART_W, height, id, id);
	html_str(f, title);
	fputs("</title>\n", f);
	/* the y axis: 0, the middle and the top */
	for (i = 0; i < 3; i++) {
		double y = PLOT_Y + PLOT_H - (double)PLOT_H * (double)i / 2.0;

		fprintf(f, "<line class=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			"<text class=\"lbl val\" x=\"%d\" y=\"%.1f\">", i ? "grid" : "axis", PLOT_X, y,
			PLOT_X + PLOT_W, y, PLOT_X - 6, y + 4);
		html_str(f, ax->ytexts[i]);
		fputs("</text>\n", f);
	}
	/* the x axis: the first and last points and a few evenly between */
	for (t = 0; t < (n < TICKS ? n : TICKS); t++) {
		i = n <= TICKS ? t : (t * (n - 1) + (TICKS - 1) / 2) / (TICKS - 1);
		fprintf(f, "<text class=\"tick val\" x=\"%.1f\" y=\"%d\">", point_x(i, n), PLOT_Y + PLOT_H + 18);
		html_str(f, ax->xlabels[i]);
		fputs("</text>\n", f);
	}
	if (ax->mark < n) {
		fprintf(f, "<line class=\"mark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>",
			point_x(ax->mark, n), PLOT_Y, point_x(ax->mark, n), PLOT_Y + PLOT_H);
		html_str(f, ax->mark_text);
		fputs("</title></line>\n", f);
	}
	for (k = 0; k < nlines; k++) {
		const struct html_line *l = &lines[k];

		fprintf(f, "<g class=\"key%s\" data-key=\"", l->other ? " other" : "");
		html_str(f, l->label);
		fputs("\"><title>", f);
		html_str(f, l->label);
		fprintf(f, "</title><polyline class=\"%s\" points=\"", l->cls);
		for (i = 0; i < n; i++)
			fprintf(f, "%s%.1f,%.1f", i ? " " : "", point_x(i, n), value_y(l->values[i], top));
		fputs("\"/>", f);
		for (i = 0; n <= DOTS_MAX && i < n; i++) {
			fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", l->cls,
				point_x(i, n), value_y(l->values[i], top));
			html_str(f, l->label);
			fputs(" &#183; ", f);
			html_str(f, ax->xlabels[i]);
			fputs(": ", f);
			html_str(f, l->texts[i]);
			fputs("</title></circle>", f);
		}
		fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"10\" height=\"10\"/>"
			"<text x=\"%d\" y=\"%d\">", l->cls, KEY_X, PLOT_Y + (int)k * 20, KEY_X + 16,
			PLOT_Y + (int)k * 20 + 10);
		fit_text(f, l->label, strlen(l->label), KEY_CHARS);
		fputs("</text></g>\n", f);
	}
	fputs("</svg>\n", f);
}
