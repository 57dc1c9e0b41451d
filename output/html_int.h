/* html_int.h — the building blocks of the HTML report's page (html.c), for the page
 * writer (report_html.c): one self-contained page (its style and a small script inline, a
 * Content-Security-Policy that forbids every fetch) and horizontal bar charts drawn as
 * inline SVG. Every string that comes from a profile or a log is written through
 * html_text, which escapes it. */
#ifndef ESC_HTML_INT_H
#define ESC_HTML_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes len bytes of s as escaped text (also safe inside a quoted attribute). */
void html_text(FILE *f, const char *s, size_t len);
/* The same for a NUL-terminated string; NULL writes nothing. */
void html_str(FILE *f, const char *s);

/* The doctype, head (title escaped, style) and the opening of body. */
void html_page_begin(FILE *f, const char *title);
/* The script and the end of the page. */
void html_page_end(FILE *f);

/* The colour class of a cause ("k0".."k17" by the taxonomy's rank; unknown causes get
 * the last, grey one). */
const char *html_cause_class(const char *cause);

/* One coloured part of a bar. */
struct html_seg {
	int64_t value;
	const char *cls;	/* colour class (html_cause_class) */
	const char *tip;	/* tooltip, unescaped; may be NULL */
};

/* One bar: a label, the segments drawn end to end, and the text after the bar. A click
 * on the bar sets the table's filter: attr names the data attribute the script reads
 * ("cause", "q" or "site") and attr_value its value. All strings are unescaped and
 * borrowed. */
struct html_bar {
	const char *label;
	size_t label_len;
	const char *value_text;
	const char *attr, *attr_value;
	const struct html_seg *segs;
	size_t nsegs;
};

/* An <svg id=ID> bar chart with an accessible title. Bars are scaled to the largest
 * absolute total; when some totals are negative the axis sits in the middle and
 * negative bars grow to the left. */
void html_bar_chart(FILE *f, const char *id, const char *title, const struct html_bar *bars,
		    size_t n);

/* A colour class by rank, for keys that are not causes (packages, functions): "k0",
 * "k1", ... without the grey one, which html_cause_class(NULL) gives. */
const char *html_rank_class(size_t rank);

/* The points of a line chart, oldest first: npoints labels for the x axis (the first,
 * the last and a few between are shown), three texts for the y axis (0, the middle and
 * the top: the largest value), and the point to mark with a dashed rule (mark_text its
 * tooltip), mark >= npoints for none. Strings are unescaped and borrowed. */
struct html_line_axis {
	const char *const *xlabels;
	size_t npoints;
	const char *ytexts[3];
	size_t mark;
	const char *mark_text;
};

/* One line: its legend label, colour class, and its value (and that value's text, for
 * the tooltips) at each point. */
struct html_line {
	const char *label;
	const char *cls;
	const int64_t *values;
	const char *const *texts;
	int other;		/* the sum of the keys not shown: drawn dashed */
};

/* An <svg id=ID> line chart with an accessible title: the lines from 0 up to the
 * largest value, a legend on the right; up to 60 points, each is a dot whose tooltip
 * says its value. */
void html_line_chart(FILE *f, const char *id, const char *title, const struct html_line_axis *ax,
		     const struct html_line *lines, size_t nlines);

#endif
