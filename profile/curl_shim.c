/* curl_shim.c — libcurl's functions that escprof calls, each forwarding to the library
 * opened at first use (common/dynlib.h): fetching a URL loads it, nothing else does. A
 * call made when the library could not be loaded fails as libcurl's would without memory. */
#define CURL_DISABLE_TYPECHECK	/* the functions are defined here, not checked macros */
#include <curl/curl.h>
#include <stdarg.h>

#include "common/dynlib.h"
#include "profile/curl_shim.h"

/* F(type, name, parameters, arguments, what it gives when libcurl is missing); V for void.
 * The two variadic ones follow by hand. */
#define CURL_FUNCTIONS(F, V)                                                                      \
	V(curl_easy_cleanup, (CURL *c), (c))                                                      \
	F(CURL *, curl_easy_init, (void), (), NULL)                                               \
	F(CURLcode, curl_easy_perform, (CURL *c), (c), CURLE_FAILED_INIT)                         \
	F(const char *, curl_easy_strerror, (CURLcode rc), (rc), "libcurl is not loaded")         \
	V(curl_free, (void *p), (p))                                                              \
	F(CURLU *, curl_url, (void), (), NULL)                                                    \
	V(curl_url_cleanup, (CURLU *u), (u))                                                      \
	F(CURLU *, curl_url_dup, (CURLU *u), (u), NULL)                                           \
	F(CURLUcode, curl_url_get, (CURLU *u, CURLUPart what, char **part, unsigned int flags),   \
	  (u, what, part, flags), CURLUE_OUT_OF_MEMORY)                                            \
	F(CURLUcode, curl_url_set, (CURLU *u, CURLUPart what, const char *part, unsigned int flags), \
	  (u, what, part, flags), CURLUE_OUT_OF_MEMORY)

#define INDEX_F(type, name, params, args, fail) IX_##name,
#define INDEX_V(name, params, args) IX_##name,
enum { CURL_FUNCTIONS(INDEX_F, INDEX_V) IX_curl_easy_setopt, IX_curl_easy_getinfo, NFUNCS };

#define NAME_F(type, name, params, args, fail) #name,
#define NAME_V(name, params, args) #name,
static const char *const names[] = {CURL_FUNCTIONS(NAME_F, NAME_V) "curl_easy_setopt", "curl_easy_getinfo"};
static void *fns[NFUNCS];

static struct dynlib libcurl = {"libcurl.so.4", "libcurl4", "reading a profile from a URL", names,
				fns, NFUNCS, 0, 0, ""};

enum esc_status curl_shim_load(struct err *e)
{
	return dynlib_load(&libcurl, e);
}

#define DEFINE_F(type, name, params, args, fail)                                                  \
	type name params                                                                          \
	{                                                                                         \
		return dynlib_ready(&libcurl) ? ((type(*) params)fns[IX_##name]) args : (type)(fail); \
	}
#define DEFINE_V(name, params, args)                                                              \
	void name params                                                                          \
	{                                                                                         \
		if (dynlib_ready(&libcurl))                                                       \
			((void(*) params)fns[IX_##name]) args;                                    \
	}
CURL_FUNCTIONS(DEFINE_F, DEFINE_V)

/* An option's one value, of the type its number says (as libcurl reads it). */
CURLcode curl_easy_setopt(CURL *c, CURLoption o, ...)
{
	CURLcode (*f)(CURL *, CURLoption, ...);
	CURLcode rc;
	va_list ap;

	if (!dynlib_ready(&libcurl))
		return CURLE_FAILED_INIT;
	f = (CURLcode(*)(CURL *, CURLoption, ...))fns[IX_curl_easy_setopt];
	va_start(ap, o);
	if (o < CURLOPTTYPE_OBJECTPOINT)
		rc = f(c, o, va_arg(ap, long));
	else if (o < CURLOPTTYPE_FUNCTIONPOINT)
		rc = f(c, o, va_arg(ap, void *));
	else if (o < CURLOPTTYPE_OFF_T)
		rc = f(c, o, va_arg(ap, void (*)(void)));
	else if (o < CURLOPTTYPE_BLOB)
		rc = f(c, o, va_arg(ap, curl_off_t));
	else
		rc = f(c, o, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every kind of information is given through a pointer. */
CURLcode curl_easy_getinfo(CURL *c, CURLINFO i, ...)
{
	CURLcode (*f)(CURL *, CURLINFO, ...);
	CURLcode rc;
	va_list ap;

	if (!dynlib_ready(&libcurl))
		return CURLE_FAILED_INIT;
	f = (CURLcode(*)(CURL *, CURLINFO, ...))fns[IX_curl_easy_getinfo];
	va_start(ap, i);
	rc = f(c, i, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
