/* fetch.c — profiles read from http:// and https:// URLs, as `go tool pprof URL` reads
 * them: a bare host:port[/path] is a URL only when no file has that name, an empty path is
 * /debug/pprof/heap, -seconds sets ?seconds=N and the timeout follows pprof's -timeout.
 * libcurl never leaves this file. The bytes are capped while they arrive, and a URL's user
 * name and password are used for the request but never appear in a name or a message. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/paths.h"
#include "curl_shim.h"
#include "profile_int.h"

enum { MAX_REDIRS = 5, DEFAULT_TIMEOUT = 60 };

static int has_prefix_ci(const char *s, const char *p)
{
	return !strncasecmp(s, p, strlen(p));
}

/* host:port[/path], the form pprof completes with http://: a host name or an IPv4 or
 * bracketed IPv6 address, a port of digits, then nothing or a path. */
static int is_host_port(const char *s)
{
	const char *p = s;

	if (*p == '[') {
		p++;
		while (isxdigit((unsigned char)*p) || *p == ':' || *p == '.')
			p++;
		if (*p++ != ']' || p - s < 3)
			return 0;
	} else {
		while (isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_')
			p++;
		if (p == s)
			return 0;
	}
	if (*p++ != ':' || !isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0' || *p == '/';
}

bool profile_is_url(const char *source)
{
	if (has_prefix_ci(source, "http://") || has_prefix_ci(source, "https://"))
		return true;
	return is_host_port(source) && !path_exists(source);
}

struct download {
	struct buf *out;
	size_t start;		/* out->len before the transfer */
	uint64_t max;
	int over;		/* the body went past max */
	long status;		/* the last status line's code and reason */
	char reason[64];
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct download *d = ctx;
	size_t len = size * n;

	if ((uint64_t)(d->out->len - d->start) + len > d->max) {
		d->over = 1;
		return 0;
	}
	return buf_add(d->out, p, len) ? 0 : len;
}

/* Keeps the reason phrase of each status line ("HTTP/1.1 404 Not Found"): after
 * redirects, the last one is the answer's. HTTP/2 has none. */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct download *d = ctx;
	size_t len = size * n, i = 0, k = 0;

	if (len < 5 || memcmp(p, "HTTP/", 5))
		return len;
	d->reason[0] = '\0';
	while (i < len && p[i] != ' ')
		i++;
	while (i < len && p[i] == ' ')
		i++;
	while (i < len && isdigit((unsigned char)p[i]))
		i++;
	while (i < len && p[i] == ' ')
		i++;
	while (i < len && p[i] != '\r' && p[i] != '\n' && k + 1 < sizeof(d->reason)) {
		/* a reason is printable ASCII; anything else would end up in a message */
		d->reason[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
		i++;
	}
	d->reason[k] = '\0';
	return len;
}

/* Query q (may be NULL) without its seconds=... parameters, then seconds=N: a new string
 * (caller frees) or NULL when memory runs out. */
static char *with_seconds(const char *q, uint32_t seconds)
{
	struct buf b;
	const char *p = q ? q : "";

	buf_init(&b);
	while (*p) {
		size_t n = strcspn(p, "&");

		if (n && !(n >= 8 && !strncmp(p, "seconds=", 8)) && !(n == 7 && !strncmp(p, "seconds", 7))) {
			if (b.len)
				buf_addc(&b, '&');
			buf_add(&b, p, n);
		}
		p += n + (p[n] == '&');
	}
	if (b.len)
		buf_addc(&b, '&');
	buf_printf(&b, "seconds=%u", seconds);
	return buf_detach(&b, NULL);
}

/* The seconds=N a query asks for (0 when none), as pprof reads it for the timeout. */
static unsigned long query_seconds(const char *q)
{
	const char *p = q;

	while (p && *p) {
		if (!strncmp(p, "seconds=", 8) && isdigit((unsigned char)p[8]))
			return strtoul(p + 8, NULL, 10);
		p = strchr(p, '&');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

/* Completes source into u as pprof does; *seconds gets the delta's length. */
static CURLUcode complete_url(CURLU *u, const char *source, uint32_t seconds,
			      unsigned long *delta)
{
	char *full = NULL, *path = NULL, *query = NULL, *q2;
	CURLUcode rc;

	if (!has_prefix_ci(source, "http://") && !has_prefix_ci(source, "https://")) {
		if (!(full = malloc(strlen(source) + 8)))
			return CURLUE_OUT_OF_MEMORY;
		strcpy(full, "http://");
		strcat(full, source);
	}
	rc = curl_url_set(u, CURLUPART_URL, full ? full : source, CURLU_NON_SUPPORT_SCHEME);
	free(full);
	if (rc)
		return rc;
	if (!curl_url_get(u, CURLUPART_PATH, &path, 0) && (!strcmp(path, "") || !strcmp(path, "/")) &&
	    (rc = curl_url_set(u, CURLUPART_PATH, "/debug/pprof/heap", 0)))
		goto out;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0))
		query = NULL;
	*delta = seconds ? seconds : query_seconds(query);
	if (seconds) {
		if (!(q2 = with_seconds(query, seconds))) {
			rc = CURLUE_OUT_OF_MEMORY;
			goto out;
		}
		rc = curl_url_set(u, CURLUPART_QUERY, q2, 0);
		free(q2);
	}
out:
	curl_free(path);
	curl_free(query);
	return rc;
}

/* The URL as shown and stored: without user name, password or login options. */
static char *public_url(CURLU *u)
{
	CURLU *v = curl_url_dup(u);
	char *s = NULL, *copy;

	if (!v)
		return NULL;
	curl_url_set(v, CURLUPART_USER, NULL, 0);
	curl_url_set(v, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(v, CURLUPART_OPTIONS, NULL, 0);
	curl_url_set(v, CURLUPART_FRAGMENT, NULL, 0);
	if (curl_url_get(v, CURLUPART_URL, &s, 0))
		s = NULL;
	copy = s ? strdup(s) : NULL;
	curl_free(s);
	curl_url_cleanup(v);
	return copy;
}

/* The user-visible form of a source that did not parse: its scheme and host only, since
 * what follows an '@' may be a password. */
static char *unparsed_name(const char *source)
{
	const char *at = strrchr(source, '@');

	if (!at)
		return strdup(source);
	return strdup(at + 1);
}

char *profile_source_name(const char *source, const struct profile_limits *lim)
{
	unsigned long delta;
	char *name = NULL;
	CURLU *u;

	if (!profile_is_url(source))
		return strdup(source);
	if (curl_shim_load(NULL))
		return unparsed_name(source);	/* (the fetch will say why) */
	if (!(u = curl_url()))
		return NULL;
	name = complete_url(u, source, lim ? lim->seconds : 0, &delta) ? unparsed_name(source) :
									  public_url(u);
	curl_url_cleanup(u);
	return name;
}

static enum esc_status transfer_error(CURLcode rc, const char *name, const char *msg,
				      const struct download *d, unsigned long timeout,
				      struct err *e)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(e, ESC_EIO, "%s: no answer within %lu second%s (raise it with --timeout)",
			       name, timeout, timeout == 1 ? "" : "s");
	case CURLE_FILESIZE_EXCEEDED:
		return err_set(e, ESC_ELIMIT, "%s: larger than the size limit (raise it with --max-size)", name);
	case CURLE_WRITE_ERROR:
		if (d->over)
			return err_set(e, ESC_ELIMIT, "%s: larger than the size limit (raise it with --max-size)",
				       name);
		return err_set(e, ESC_ENOMEM, "%s: out of memory", name);
	case CURLE_OUT_OF_MEMORY:
		return err_set(e, ESC_ENOMEM, "%s: out of memory", name);
	case CURLE_TOO_MANY_REDIRECTS:
		return err_set(e, ESC_EIO, "%s: more than %d redirects", name, MAX_REDIRS);
	default:
		/* libcurl's own words name the host, never the user or password */
		return err_set(e, ESC_EIO, "%s: %s", name, msg[0] ? msg : curl_easy_strerror(rc));
	}
}

enum esc_status profile_fetch(const char *source, const struct profile_limits *lim,
			      struct buf *out, char **name, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct download d = {0};
	unsigned long delta = 0, timeout;
	char *url = NULL;
	CURLU *u = NULL;
	CURL *c = NULL;
	CURLcode rc;
	enum esc_status st = ESC_OK;

	*name = NULL;
	d.out = out;
	d.start = out->len;
	d.max = lim && lim->max_size ? lim->max_size : PROFILE_DEFAULT_MAX_SIZE;
	if ((st = curl_shim_load(e))) {
		*name = unparsed_name(source);
		goto out;
	}
	if (!(u = curl_url()) || !(c = curl_easy_init())) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	if (complete_url(u, source, lim ? lim->seconds : 0, &delta)) {
		*name = unparsed_name(source);
		st = err_set(e, ESC_EINPUT, "'%s': not a URL escprof can read", *name ? *name : "");
		goto out;
	}
	if (!(*name = public_url(u)) || curl_url_get(u, CURLUPART_URL, &url, 0)) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	timeout = lim && lim->timeout ? lim->timeout : delta ? delta + delta / 2 : DEFAULT_TIMEOUT;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &d);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(d.max > INT64_MAX ? INT64_MAX : d.max));
	curl_easy_setopt(c, CURLOPT_USERAGENT, "escprof");
	/* a status >= 400 is the answer, not a transfer error: its body is not wanted */
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &d.status);
	if (rc == CURLE_OK && d.status >= 400) {
		st = err_set(e, ESC_EIO, "%s: HTTP %ld%s%s", *name, d.status, d.reason[0] ? " " : "",
			     d.reason);
	} else if (rc != CURLE_OK) {
		st = transfer_error(rc, *name, errbuf, &d, timeout, e);
	}
out:
	if (st && out->len > d.start) {
		out->len = d.start;
		out->data[out->len] = '\0';
	}
	curl_free(url);
	curl_easy_cleanup(c);
	curl_url_cleanup(u);
	return st;
}
