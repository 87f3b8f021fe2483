/*
 * The database connection: one per process, statements prepared lazily
 * from db_sql[] and kept until the connection is lost. Auto-reconnect is
 * never enabled (it can commit half a transaction): when the server goes
 * away we reconnect ourselves, drop every statement handle and retry a
 * statement once, but only outside a transaction.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "extern.h"

#define DB_PARAMS_MAX	32
#define DB_CELL_MAX	(16 * 1024 * 1024)

struct db {
	const struct conf	*conf;
	MYSQL			*my;
	MYSQL_STMT		*stmt[STMT__MAX];
	int			 flags;
	int			 in_tx;
	int			 lost;	/* last failure was the connection */
	unsigned int		 err;	/* last error number */
};

static int
is_gone(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == ER_CONNECTION_KILLED;
}

static void
db_drop(struct db *db)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++)
		if (db->stmt[i] != NULL) {
			mysql_stmt_close(db->stmt[i]);
			db->stmt[i] = NULL;
		}
	if (db->my != NULL) {
		mysql_close(db->my);
		db->my = NULL;
	}
	db->in_tx = 0;
}

/* Connect (or reconnect); 0 or -1 (logged, db->lost set). */
static int
db_connect(struct db *db)
{
	const struct conf	*c = db->conf;
	unsigned int		 t = (unsigned int)c->db_timeout;
	my_bool			 off = 0;
	unsigned long		 fl = 0;

	db_drop(db);
	if ((db->my = mysql_init(NULL)) == NULL)
		fatalx("mysql_init");
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &t);
	mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, "
	    "',STRICT_ALL_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO')");
	if (db->flags & DB_MULTI)
		fl |= CLIENT_MULTI_STATEMENTS;
	if (mysql_real_connect(db->my, c->db_host, c->db_user,
	    c->db_password, c->db_name, (unsigned int)c->db_port,
	    c->db_socket, fl) == NULL) {
		log_warnx("connect: %s", mysql_error(db->my));
		db->err = mysql_errno(db->my);
		mysql_close(db->my);
		db->my = NULL;
		db->lost = 1;
		return -1;
	}
	db->lost = 0;
	return 0;
}

/*
 * A handle for the configuration; never NULL. The first connection is
 * attempted now; if it fails the next statement tries again.
 */
struct db *
db_open(const struct conf *c, int flags)
{
	struct db	*db;

	db = xcalloc(1, sizeof(*db));
	db->conf = c;
	db->flags = flags;
	(void)db_connect(db);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_drop(db);
	free(db);
}

/* 1 if connected (connecting now if needed), 0 if not. */
int
db_connected(struct db *db)
{
	if (db->my == NULL && db_connect(db) == -1)
		return 0;
	return 1;
}

/* 1 if the last failure was a lost or refused connection. */
int
db_lost(const struct db *db)
{
	return db != NULL && db->lost;
}


int
db_errno(const struct db *db)
{
	return (int)db->err;
}

/* The prepared handle for s, preparing it now; NULL on error (logged). */
static MYSQL_STMT *
db_stmt(struct db *db, enum stmt s)
{
	MYSQL_STMT	*st;
	my_bool		 one = 1;

	if (db->stmt[s] != NULL)
		return db->stmt[s];
	if (db->my == NULL && db_connect(db) == -1)
		return NULL;
	if ((st = mysql_stmt_init(db->my)) == NULL)
		fatalx("mysql_stmt_init");
	if (mysql_stmt_prepare(st, db_sql[s], strlen(db_sql[s])) != 0) {
		db->err = mysql_stmt_errno(st);
		log_warnx("prepare %d: %s", (int)s, mysql_stmt_error(st));
		mysql_stmt_close(st);
		if (is_gone(db->err))
			db->lost = 1;
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
	db->stmt[s] = st;
	return st;
}

/* Bind np parameters to st; 0 or -1. */
static int
db_bind(MYSQL_STMT *st, const struct dbp *p, size_t np, MYSQL_BIND *b,
    unsigned long *len)
{
	size_t	 i;

	if (np > DB_PARAMS_MAX || np != mysql_stmt_param_count(st)) {
		log_warnx("statement wants %lu parameters, got %zu",
		    mysql_stmt_param_count(st), np);
		return -1;
	}
	memset(b, 0, sizeof(*b) * (np ? np : 1));
	for (i = 0; i < np; i++) {
		switch (p[i].type) {
		case DBT_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DBT_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)(uintptr_t)&p[i].i;
			break;
		case DBT_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)(uintptr_t)p[i].p;
			len[i] = strlen(p[i].p);
			b[i].buffer_length = len[i];
			b[i].length = &len[i];
			break;
		case DBT_BLOB:
			b[i].buffer_type = MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(uintptr_t)p[i].p;
			len[i] = p[i].sz;
			b[i].buffer_length = len[i];
			b[i].length = &len[i];
			break;
		default:
			abort();
		}
	}
	if (np > 0 && mysql_stmt_bind_param(st, b) != 0)
		return -1;
	return 0;
}

/*
 * Run s once; 0 on success, -1 on error. *gone is set when the error was
 * the connection (the caller may reconnect and retry).
 */
static int
db_run(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    MYSQL_STMT **out, int *gone)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b[DB_PARAMS_MAX];
	unsigned long	 len[DB_PARAMS_MAX];

	*gone = 0;
	*out = NULL;
	if ((st = db_stmt(db, s)) == NULL) {
		*gone = db->lost;
		return -1;
	}
	if (db_bind(st, p, np, b, len) == -1) {
		db->err = mysql_stmt_errno(st);
		log_warnx("bind %d: %s", (int)s, mysql_stmt_error(st));
		return -1;
	}
	if (mysql_stmt_execute(st) != 0) {
		db->err = mysql_stmt_errno(st);
		if (is_gone(db->err)) {
			*gone = 1;
			db->lost = 1;
		}
		if (db->err != ER_DUP_ENTRY)
			log_warnx("execute %d: %s", (int)s,
			    mysql_stmt_error(st));
		return -1;
	}
	db->lost = 0;
	*out = st;
	return 0;
}

/*
 * Run s, reconnecting and retrying once if the server went away outside
 * a transaction. 0 with *out, or -1.
 */
static int
db_run_retry(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    MYSQL_STMT **out)
{
	int	 gone;

	if (db_run(db, s, p, np, out, &gone) == 0)
		return 0;
	if (!gone || db->in_tx) {
		if (gone) {
			db_drop(db);
			db->lost = 1;
		}
		return -1;
	}
	log_info("connection lost, reconnecting");
	if (db_connect(db) == -1)
		return -1;
	return db_run(db, s, p, np, out, &gone);
}

/*
 * Run a statement that returns no rows. Returns 1 on success (affected
 * and insert id set when not NULL), 0 on a duplicate key, -1 on error.
 */
int
db_exec(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    unsigned long long *affected, unsigned long long *lastid)
{
	MYSQL_STMT	*st;

	db->err = 0;
	if (db_run_retry(db, s, p, np, &st) == -1)
		return db->err == ER_DUP_ENTRY ? 0 : -1;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (lastid != NULL)
		*lastid = mysql_stmt_insert_id(st);
	return 1;
}

/*
 * Run a query and fetch every row as strings. Returns 0 with an owned
 * *res (possibly 0 rows), or -1. Truncation is an error.
 */
int
db_query(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    struct dbres **res)
{
	MYSQL_STMT	*st;
	MYSQL_RES	*meta = NULL;
	MYSQL_FIELD	*f;
	MYSQL_BIND	*b = NULL;
	unsigned long	*len = NULL;
	my_bool		*isnull = NULL;
	struct dbres	*rs = NULL;
	size_t		 i, row, nc;
	unsigned long	 sz;
	int		 rc = -1, frc;

	*res = NULL;
	db->err = 0;
	if (db_run_retry(db, s, p, np, &st) == -1)
		return -1;
	if (mysql_stmt_store_result(st) != 0) {
		db->err = mysql_stmt_errno(st);
		if (is_gone(db->err))
			db->lost = 1;
		log_warnx("store %d: %s", (int)s, mysql_stmt_error(st));
		goto out;
	}
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		log_warnx("statement %d returns no result set", (int)s);
		goto out;
	}
	nc = mysql_num_fields(meta);
	f = mysql_fetch_fields(meta);
	rs = xcalloc(1, sizeof(*rs));
	rs->ncol = nc;
	rs->nrow = (size_t)mysql_stmt_num_rows(st);
	rs->cell = xcalloc(rs->nrow * nc + 1, sizeof(struct dbcell));
	b = xcalloc(nc + 1, sizeof(MYSQL_BIND));
	len = xcalloc(nc + 1, sizeof(unsigned long));
	isnull = xcalloc(nc + 1, sizeof(my_bool));

	for (row = 0; row < rs->nrow; row++) {
		for (i = 0; i < nc; i++) {
			/* Sized from the schema and the data seen. */
			sz = f[i].max_length;
			if (f[i].length < 65536 && f[i].length > sz)
				sz = f[i].length;
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = xmalloc(sz + 1);
			b[i].buffer_length = sz + 1;
			b[i].length = &len[i];
			b[i].is_null = &isnull[i];
		}
		if (mysql_stmt_bind_result(st, b) != 0) {
			log_warnx("bind result: %s", mysql_stmt_error(st));
			goto rowfail;
		}
		frc = mysql_stmt_fetch(st);
		if (frc == MYSQL_DATA_TRUNCATED) {
			log_warnx("statement %d: data truncated", (int)s);
			goto rowfail;
		}
		if (frc != 0) {
			db->err = mysql_stmt_errno(st);
			log_warnx("fetch %d: %s", (int)s, mysql_stmt_error(st));
			goto rowfail;
		}
		for (i = 0; i < nc; i++) {
			struct dbcell *c = &rs->cell[row * nc + i];

			if (isnull[i]) {
				free(b[i].buffer);
				continue;
			}
			c->v = b[i].buffer;
			c->v[len[i]] = '\0';
			c->sz = len[i];
		}
		continue;
rowfail:
		for (i = 0; i < nc; i++)
			free(b[i].buffer);
		goto out;
	}
	*res = rs;
	rs = NULL;
	rc = 0;
out:
	if (meta != NULL)
		mysql_free_result(meta);
	mysql_stmt_free_result(st);
	free(b);
	free(len);
	free(isnull);
	dbres_free(rs);
	return rc;
}

/*
 * Run a query unbuffered (mysql_use_result style) and hand each row to
 * fn as it arrives, as a one-row struct dbres that lives only during
 * the call: the result is never held whole, so an export of any size
 * runs in constant memory. fn returns 0 to go on, -1 to stop; it must
 * not run a statement itself (the connection is busy until the last
 * row). Cells longer than their first buffer are fetched again whole
 * (at most DB_CELL_MAX bytes). Returns 0, or -1 on a database error,
 * an oversized cell, or when fn stopped.
 */
int
db_query_each(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    int (*fn)(void *, const struct dbres *), void *arg)
{
	MYSQL_STMT	*st;
	MYSQL_RES	*meta = NULL;
	MYSQL_FIELD	*f;
	MYSQL_BIND	*b = NULL, col;
	unsigned long	*len = NULL, *cap = NULL;
	my_bool		*isnull = NULL;
	struct dbres	 rs;
	size_t		 i, nc = 0;
	int		 rc = -1, frc;

	memset(&rs, 0, sizeof(rs));
	db->err = 0;
	if (db_run_retry(db, s, p, np, &st) == -1)
		return -1;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		log_warnx("statement %d returns no result set", (int)s);
		goto out;
	}
	nc = mysql_num_fields(meta);
	f = mysql_fetch_fields(meta);
	rs.ncol = nc;
	rs.nrow = 1;
	rs.cell = xcalloc(nc + 1, sizeof(struct dbcell));
	b = xcalloc(nc + 1, sizeof(MYSQL_BIND));
	len = xcalloc(nc + 1, sizeof(unsigned long));
	cap = xcalloc(nc + 1, sizeof(unsigned long));
	isnull = xcalloc(nc + 1, sizeof(my_bool));
	for (i = 0; i < nc; i++) {
		/* The schema's size when small, else grown on demand. */
		cap[i] = f[i].length > 0 && f[i].length < 1024 ?
		    f[i].length : 1024;
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = xmalloc(cap[i] + 1);
		b[i].buffer_length = cap[i] + 1;
		b[i].length = &len[i];
		b[i].is_null = &isnull[i];
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		log_warnx("bind result: %s", mysql_stmt_error(st));
		goto out;
	}
	for (;;) {
		frc = mysql_stmt_fetch(st);
		if (frc == MYSQL_NO_DATA)
			break;
		if (frc == 1) {
			db->err = mysql_stmt_errno(st);
			if (is_gone(db->err))
				db->lost = 1;
			log_warnx("fetch %d: %s", (int)s, mysql_stmt_error(st));
			goto out;
		}
		for (i = 0; i < nc; i++) {
			if (isnull[i] || len[i] <= cap[i])
				continue;
			/* Truncated: a bigger buffer, this cell again. */
			if (len[i] > DB_CELL_MAX) {
				log_warnx("statement %d: a cell of %lu bytes",
				    (int)s, len[i]);
				goto out;
			}
			free(b[i].buffer);
			cap[i] = len[i];
			b[i].buffer = xmalloc(cap[i] + 1);
			b[i].buffer_length = cap[i] + 1;
			col = b[i];
			if (mysql_stmt_fetch_column(st, &col, (unsigned int)i,
			    0) != 0 || mysql_stmt_bind_result(st, b) != 0) {
				log_warnx("refetch %d: %s", (int)s,
				    mysql_stmt_error(st));
				goto out;
			}
		}
		for (i = 0; i < nc; i++) {
			rs.cell[i].v = isnull[i] ? NULL : b[i].buffer;
			rs.cell[i].sz = isnull[i] ? 0 : len[i];
			if (!isnull[i])
				rs.cell[i].v[len[i]] = '\0';
		}
		if (fn(arg, &rs) == -1)
			goto out;
	}
	rc = 0;
out:
	if (meta != NULL)
		mysql_free_result(meta);
	/* Unread rows are drained here, so the connection is usable. */
	mysql_stmt_free_result(st);
	for (i = 0; b != NULL && i < nc; i++)
		free(b[i].buffer);
	free(rs.cell);
	free(b);
	free(len);
	free(cap);
	free(isnull);
	return rc;
}

static int
db_simple(struct db *db, const char *sql)
{
	if (db->my == NULL && (db->in_tx || db_connect(db) == -1))
		return -1;
	if (mysql_query(db->my, sql) != 0) {
		db->err = mysql_errno(db->my);
		log_warnx("%s: %s", sql, mysql_error(db->my));
		if (is_gone(db->err)) {
			db_drop(db);
			db->lost = 1;
		}
		return -1;
	}
	return 0;
}

/*
 * Start a transaction. If the connection had gone away since the last
 * request, reconnect first: nothing is lost before BEGIN.
 */
int
db_tx_begin(struct db *db)
{
	if (db_simple(db, "START TRANSACTION") == -1) {
		if (!db->lost || db_connect(db) == -1 ||
		    db_simple(db, "START TRANSACTION") == -1)
			return -1;
	}
	db->in_tx = 1;
	return 0;
}

int
db_tx_commit(struct db *db)
{
	int	 rc;

	rc = db_simple(db, "COMMIT");
	db->in_tx = 0;
	return rc;
}

/* Roll back; harmless when the connection is gone (the server did). */
int
db_tx_rollback(struct db *db)
{
	int	 rc = 0;

	if (db->my != NULL)
		rc = db_simple(db, "ROLLBACK");
	db->in_tx = 0;
	return rc;
}

/*
 * Run a multi-statement script (migrations; DB_MULTI handles only).
 * 0 or -1 (logged with the failing statement's error).
 */
int
db_run_script(struct db *db, const char *sql, size_t sz)
{
	MYSQL_RES	*r;
	int		 st;

	if (db->my == NULL && db_connect(db) == -1)
		return -1;
	if (mysql_real_query(db->my, sql, sz) != 0) {
		log_warnx("script: %s", mysql_error(db->my));
		return -1;
	}
	do {
		if ((r = mysql_store_result(db->my)) != NULL)
			mysql_free_result(r);
		else if (mysql_field_count(db->my) != 0) {
			log_warnx("script: %s", mysql_error(db->my));
			return -1;
		}
		if ((st = mysql_next_result(db->my)) > 0) {
			log_warnx("script: %s", mysql_error(db->my));
			return -1;
		}
	} while (st == 0);
	return 0;
}

void
dbres_free(struct dbres *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrow * rs->ncol; i++)
		free(rs->cell[i].v);
	free(rs->cell);
	free(rs);
}

/* Cell text (borrowed), NULL for SQL NULL or out of range. */
const char *
dbres_str(const struct dbres *rs, size_t row, size_t col)
{
	if (rs == NULL || row >= rs->nrow || col >= rs->ncol)
		return NULL;
	return rs->cell[row * rs->ncol + col].v;
}

/* Cell as an integer; 0 for NULL or junk. */
long long
dbres_int(const struct dbres *rs, size_t row, size_t col)
{
	const char	*s;
	long long	 v;

	if ((s = dbres_str(rs, row, col)) == NULL)
		return 0;
	if (num_parse(s, INT64_MIN, INT64_MAX, &v) == -1)
		return 0;
	return v;
}

int
dbres_null(const struct dbres *rs, size_t row, size_t col)
{
	return dbres_str(rs, row, col) == NULL;
}

struct dbp
dbp_int(long long v)
{
	struct dbp	 p = { .type = DBT_INT, .i = v };

	return p;
}

struct dbp
dbp_str(const char *s)
{
	struct dbp	 p = { .type = s ? DBT_STR : DBT_NULL, .p = s };

	return p;
}

struct dbp
dbp_blob(const void *v, size_t sz)
{
	struct dbp	 p = { .type = DBT_BLOB, .p = v, .sz = sz };

	return p;
}

struct dbp
dbp_null(void)
{
	struct dbp	 p = { .type = DBT_NULL };

	return p;
}
