/* pq_shim.c — libpq's functions that escprof calls, each forwarding to the library opened
 * at first use (common/dynlib.h): a store on a server loads it, nothing else does. A call
 * made when the library could not be loaded fails as libpq's own would without memory. */
#include <libpq-fe.h>

#include "common/dynlib.h"
#include "store/pq_shim.h"

/* F(type, name, parameters, arguments, what it gives when libpq is missing); V for void */
#define PQ_FUNCTIONS(F, V)                                                                        \
	V(PQclear, (PGresult *res), (res))                                                        \
	F(PGconn *, PQconnectdbParams,                                                            \
	  (const char *const *keywords, const char *const *values, int expand_dbname),             \
	  (keywords, values, expand_dbname), NULL)                                                 \
	V(PQconninfoFree, (PQconninfoOption *o), (o))                                             \
	F(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg),             \
	  (conninfo, errmsg), NULL)                                                                \
	F(char *, PQdb, (const PGconn *conn), (conn), NULL)                                       \
	F(char *, PQerrorMessage, (const PGconn *conn), (conn), "libpq is not loaded")            \
	F(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query), NULL)             \
	F(PGresult *, PQexecParams,                                                               \
	  (PGconn *conn, const char *command, int n, const Oid *types, const char *const *values,  \
	   const int *lengths, const int *formats, int result_format),                              \
	  (conn, command, n, types, values, lengths, formats, result_format), NULL)                 \
	V(PQfinish, (PGconn *conn), (conn))                                                       \
	F(char *, PQfname, (const PGresult *res, int field), (res, field), NULL)                  \
	V(PQfreemem, (void *ptr), (ptr))                                                          \
	F(Oid, PQftype, (const PGresult *res, int field), (res, field), 0)                        \
	F(PGresult *, PQgetResult, (PGconn *conn), (conn), NULL)                                  \
	F(int, PQgetisnull, (const PGresult *res, int row, int field), (res, row, field), 1)      \
	F(int, PQgetlength, (const PGresult *res, int row, int field), (res, row, field), 0)      \
	F(char *, PQgetvalue, (const PGresult *res, int row, int field), (res, row, field), NULL) \
	F(char *, PQhost, (const PGconn *conn), (conn), NULL)                                     \
	F(int, PQnfields, (const PGresult *res), (res), 0)                                        \
	F(int, PQntuples, (const PGresult *res), (res), 0)                                        \
	F(char *, PQport, (const PGconn *conn), (conn), NULL)                                     \
	F(int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes), (conn, buffer, nbytes), -1) \
	F(int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg), -1)          \
	F(char *, PQresultErrorField, (const PGresult *res, int code), (res, code), NULL)         \
	F(char *, PQresultErrorMessage, (const PGresult *res), (res), "libpq is not loaded")      \
	F(ExecStatusType, PQresultStatus, (const PGresult *res), (res), PGRES_FATAL_ERROR)        \
	F(int, PQsendQueryParams,                                                                 \
	  (PGconn *conn, const char *command, int n, const Oid *types, const char *const *values,  \
	   const int *lengths, const int *formats, int result_format),                              \
	  (conn, command, n, types, values, lengths, formats, result_format), 0)                    \
	F(int, PQsetClientEncoding, (PGconn *conn, const char *encoding), (conn, encoding), -1)   \
	F(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), \
	  (conn, proc, arg), NULL)                                                                 \
	F(int, PQsetSingleRowMode, (PGconn *conn), (conn), 0)                                     \
	F(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD)                 \
	F(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn), (conn), PQTRANS_UNKNOWN) \
	F(unsigned char *, PQunescapeBytea, (const unsigned char *text, size_t *len), (text, len), NULL) \
	F(char *, PQuser, (const PGconn *conn), (conn), NULL)

#define INDEX_F(type, name, params, args, fail) IX_##name,
#define INDEX_V(name, params, args) IX_##name,
enum { PQ_FUNCTIONS(INDEX_F, INDEX_V) NFUNCS };

#define NAME_F(type, name, params, args, fail) #name,
#define NAME_V(name, params, args) #name,
static const char *const names[] = {PQ_FUNCTIONS(NAME_F, NAME_V)};
static void *fns[NFUNCS];

static struct dynlib libpq = {"libpq.so.5", "libpq5", "a PostgreSQL store", names, fns, NFUNCS, 0, 0, ""};

enum esc_status pq_shim_load(struct err *e)
{
	return dynlib_load(&libpq, e);
}

#define DEFINE_F(type, name, params, args, fail)                                                  \
	type name params                                                                          \
	{                                                                                         \
		return dynlib_ready(&libpq) ? ((type(*) params)fns[IX_##name]) args : (type)(fail); \
	}
#define DEFINE_V(name, params, args)                                                              \
	void name params                                                                          \
	{                                                                                         \
		if (dynlib_ready(&libpq))                                                         \
			((void(*) params)fns[IX_##name]) args;                                    \
	}
PQ_FUNCTIONS(DEFINE_F, DEFINE_V)
