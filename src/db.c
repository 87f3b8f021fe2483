/*
 * The database connection: one per process, statements prepared lazily
 * from db_sql[] and kept until the connection is lost. Auto-reconnect is
 * never enabled (it can commit half a transaction): when the server goes
 * away we reconnect ourselves, drop every statement handle and retry a
 * read once, but only outside a transaction.
 *
 * The server is one MariaDB (db_socket, or db_host and db_port) or a
 * Galera cluster (db_hosts: host:port, ...). With several nodes a worker
 * keeps one connection, to the first node that answers and is Synced in
 * the primary component, and moves to the next node when it loses it.
 * What a lost node or a Galera abort means for the request in flight is
 * the dispatcher's business: db_retryable() says when the whole request
 * may run again (nothing was committed), db_lost() when it must end in
 * 503 instead of 500.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "extern.h"

#define DB_PARAMS_MAX	32
#define DB_ROW_U64_MAX	4
#define DB_HOSTS_MAX	16

struct db_node {
	char			*host;	/* NULL: the socket */
	unsigned int		 port;
};
#define DB_CELL_MAX	(16 * 1024 * 1024)

struct db {
	const struct conf	*conf;
	MYSQL			*my;
	MYSQL_STMT		*stmt[STMT__MAX];
	struct db_node		 node[DB_HOSTS_MAX];
	size_t			 nnode;
	size_t			 cur;	/* the node in use or tried next */
	int			 flags;
	int			 in_tx;
	int			 tx_wrote; /* a row changed in this transaction */
	int			 wrote;	/* committed since db_attempt() */
	int			 unknown; /* a COMMIT's outcome is unknown */
	int			 lost;	/* last failure was the connection */
	int			 connfail; /* the last connect reached no node */
	int			 spoilt; /* drop the connection before reuse */
	unsigned int		 err;	/* last error number */
};

/* The connection or the node is gone: reconnect, to another node. */
static int
is_gone(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == ER_CONNECTION_KILLED ||
	    /* Galera: "WSREP has not yet prepared node for application use" */
	    e == ER_UNKNOWN_COM_ERROR;
}

/*
 * Galera aborted the transaction, which was rolled back whole: a
 * certification conflict or a brute-force abort (1213), or a causal
 * read (wsrep_sync_wait) that timed out (1205). Running it again is safe.
 */
static int
is_aborted(unsigned int e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT;
}

/*
 * Parse db_hosts ("host:port, host:port", a port defaulting to db_port)
 * into db->node; without db_hosts the one node is db_host or db_socket.
 * A malformed list is fatal: the worker cannot run on a guess.
 */
static void
db_nodes(struct db *db)
{
	const struct conf	*c = db->conf;
	const char		*p, *e, *colon;
	long long		 port;
	char			*h;

	if (c->db_hosts == NULL || c->db_hosts[0] == '\0') {
		db->node[0].host = c->db_host ? xstrdup(c->db_host) : NULL;
		db->node[0].port = (unsigned int)c->db_port;
		db->nnode = 1;
		return;
	}
	for (p = c->db_hosts; *p != '\0'; p = e) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		e = p + strcspn(p, ", \t");
		if (db->nnode == DB_HOSTS_MAX)
			fatalx("db_hosts: more than %d nodes", DB_HOSTS_MAX);
		h = xstrndup(p, (size_t)(e - p));
		port = c->db_port;
		if ((colon = strrchr(h, ':')) != NULL) {
			if (num_parse(colon + 1, 1, 65535, &port) == -1)
				fatalx("db_hosts: bad port in %s", h);
			h[colon - h] = '\0';
		}
		if (h[0] == '\0')
			fatalx("db_hosts: an entry without a host");
		db->node[db->nnode].host = h;
		db->node[db->nnode++].port = (unsigned int)port;
	}
	if (db->nnode == 0)
		fatalx("db_hosts: no node");
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
}

/*
 * The node in use failed (gone, or not fit to serve): drop the
 * connection, and make the next connect start at the next node.
 */
static void
db_node_failed(struct db *db)
{
	db_drop(db);
	db->lost = 1;
	db->cur = (db->cur + 1) % db->nnode;
}

/*
 * Ask the fresh connection whether its node may serve: 1 (no Galera, or
 * Synced in the primary component), 0 (not fit: logged), -1 (error).
 * On a Galera node, reads then wait for the node to have applied every
 * transaction committed anywhere before they started (wsrep_sync_wait 1:
 * SELECT, SHOW and START TRANSACTION), so a client that wrote through
 * one host and reads through another sees its write.
 */
static int
db_node_fit(struct db *db, const char *name)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 rc = -1;

	if (mysql_query(db->my, db_sql[STMT_NODE_STATE]) != 0 ||
	    (res = mysql_store_result(db->my)) == NULL) {
		db->err = mysql_errno(db->my);
		log_warnx("%s: %s", name, mysql_error(db->my));
		return db->err == ER_UNKNOWN_COM_ERROR ? 0 : -1;
	}
	if ((row = mysql_fetch_row(res)) == NULL || row[0] == NULL)
		log_warnx("%s: no node state", name);
	else if (strcmp(row[0], "1") != 0)
		rc = 1;
	else if (row[1] == NULL || strcmp(row[1], "Synced") != 0 ||
	    row[2] == NULL || strcmp(row[2], "Primary") != 0) {
		log_warnx("%s: node %s, cluster %s: trying the next", name,
		    row[1] ? row[1] : "-", row[2] ? row[2] : "-");
		rc = 0;
	} else if (mysql_query(db->my, db_sql[STMT_NODE_SYNC_WAIT]) != 0) {
		db->err = mysql_errno(db->my);
		log_warnx("%s: %s", name, mysql_error(db->my));
	} else
		rc = 1;
	mysql_free_result(res);
	return rc;
}

/* Connect to node i; 0 or -1 (logged). */
static int
db_connect_node(struct db *db, size_t i)
{
	const struct conf	*c = db->conf;
	const struct db_node	*n = &db->node[i];
	unsigned int		 t = (unsigned int)c->db_timeout;
	my_bool			 off = 0;
	unsigned long		 fl = 0;
	char			 name[300];

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
	if (n->host != NULL)
		snprintf(name, sizeof(name), "%s:%u", n->host, n->port);
	else
		snprintf(name, sizeof(name), "%s",
		    c->db_socket ? c->db_socket : "the default socket");
	if (mysql_real_connect(db->my, n->host, c->db_user, c->db_password,
	    c->db_name, n->port, n->host ? NULL : c->db_socket, fl) == NULL) {
		db->err = mysql_errno(db->my);
		log_warnx("connect %s: %s", name, mysql_error(db->my));
	} else if (db_node_fit(db, name) == 1)
		return 0;
	mysql_close(db->my);
	db->my = NULL;
	return -1;
}

/*
 * Connect (or reconnect) to the first node that answers and may serve,
 * starting with the one in use; 0 or -1 (logged, db->lost set).
 */
static int
db_connect(struct db *db)
{
	size_t	 k;

	if (db->my != NULL || db->lost)
		metrics_inc(MX_DB_RECONNECTS);
	db_drop(db);
	for (k = 0; k < db->nnode; k++) {
		if (db_connect_node(db, db->cur) == 0) {
			db->lost = db->connfail = 0;
			return 0;
		}
		db->cur = (db->cur + 1) % db->nnode;
	}
	db->lost = db->connfail = 1;
	return -1;
}

/*
 * A handle for the configuration; never NULL. The first connection is
 * attempted now; if it fails the next statement tries again. Workers
 * start at different nodes, so a pool spreads over the cluster.
 */
struct db *
db_open(const struct conf *c, int flags)
{
	struct db	*db;

	db = xcalloc(1, sizeof(*db));
	db->conf = c;
	db->flags = flags;
	db_nodes(db);
	db->cur = (size_t)getpid() % db->nnode;
	(void)db_connect(db);
	return db;
}

void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	db_drop(db);
	for (i = 0; i < db->nnode; i++)
		free(db->node[i].host);
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

/*
 * 1 if the last failure was the database being unavailable rather than
 * a fault: a lost or refused connection, a node out of the primary
 * component, a transaction Galera aborted, a COMMIT of unknown outcome.
 * The request ends in 503 with Retry-After, not 500.
 */
int
db_lost(const struct db *db)
{
	return db != NULL && (db->lost || db->unknown ||
	    is_aborted(db->err) || db->spoilt);
}

/* A request (or its next run) starts: forget the last one's outcome. */
void
db_attempt(struct db *db)
{
	if (db->in_tx)
		(void)db_tx_rollback(db);
	/*
	 * A trigger the node failed to load ("Trigger ... has an error in
	 * its body", or the procedure it calls "does not exist"): MariaDB
	 * 10.11 keeps such a broken table in its table cache after a Galera
	 * abort hit a session while it opened the table, and every write
	 * to that table on that node fails until FLUSH TABLES there. Run
	 * again on the next node. After a plain Galera abort, start on a
	 * fresh connection to the same node.
	 */
	if (db->my != NULL && db->spoilt) {
		log_warnx("%s:%u failed to load a trigger: moving to the "
		    "next node (FLUSH TABLES on that node mends it)",
		    db->node[db->cur].host ? db->node[db->cur].host :
		    "socket", db->node[db->cur].port);
		db_node_failed(db);
	} else if (db->my != NULL && is_aborted(db->err))
		db_drop(db);
	db->spoilt = 0;
	db->err = 0;
	db->wrote = 0;
	db->unknown = 0;
}

/*
 * 1 if the request that just failed may run again whole: it failed on
 * the database being unavailable (db_lost) and committed nothing since
 * db_attempt(), so nothing of it is anywhere.
 */
int
db_retryable(const struct db *db)
{
	return db_lost(db) && !db->wrote && !db->unknown;
}

/*
 * The typed rows of result rs: a zeroed array of its row count of
 * elements of size sz (at least one, so it is never NULL), *n set; the
 * list takes rs (*own), whose cells the rows' strings point into.
 */
void *
dbrows_new(struct dbres *rs, size_t sz, size_t *n, struct dbres **own)
{
	*own = rs;
	*n = rs->nrow;
	return xcalloc(rs->nrow ? rs->nrow : 1, sz);
}

/* Free typed rows v and the result rs they point into. */
void
dbrows_free(void *v, struct dbres *rs)
{
	free(v);
	dbres_free(rs);
}

/* The schema version the database is at: 0 with *v, or -1. */
int
db_schema_version(struct db *db, long long *v)
{
	struct dbres	*rs;

	if (db_query(db, STMT_SCHEMA_VERSION, NULL, 0, &rs) == -1)
		return -1;
	*v = dbres_int(rs, 0, 0);
	dbres_free(rs);
	return 0;
}

/*
 * For /readyz: 1 if the node in use may serve (no Galera, or Synced in
 * the primary component), 0 if not (the connection is dropped, so the
 * next request goes to another node; *state says why), -1 on error.
 */
int
db_node_ready(struct db *db, char *state, size_t statesz)
{
	struct dbres	*rs;
	const char	*ls, *cs;
	int		 rc;

	snprintf(state, statesz, "unknown");
	if (db_query(db, STMT_NODE_STATE, NULL, 0, &rs) == -1)
		return -1;
	ls = dbres_str(rs, 0, 1);
	cs = dbres_str(rs, 0, 2);
	if (dbres_int(rs, 0, 0) != 1)
		rc = 1;
	else
		rc = ls != NULL && strcmp(ls, "Synced") == 0 &&
		    cs != NULL && strcmp(cs, "Primary") == 0;
	snprintf(state, statesz, "%s, %s", ls ? ls : "-", cs ? cs : "-");
	dbres_free(rs);
	if (rc == 0)
		db_node_failed(db);
	return rc;
}


int
db_errno(const struct db *db)
{
	return (int)db->err;
}

/* Whether the last statement failed on a duplicate key. */
int
db_dup(const struct db *db)
{
	return db->err == ER_DUP_ENTRY;
}

/* Whether s writes although it returns rows (INSERT ... RETURNING). */
static int
stmt_returning(enum stmt s)
{
	return strncmp(db_sql[s], "INSERT", 6) == 0;
}

/* A statement changed rows: the transaction's, or the connection's. */
static void
db_wrote(struct db *db)
{
	if (db->in_tx)
		db->tx_wrote = 1;
	else
		db->wrote = 1;
}

/* The name of statement s for the log ("STMT_TENANT_GET"). */
const char *
db_stmt_name(enum stmt s)
{
	if ((size_t)s >= db_stmt_nnames)
		return "STMT_?";
	return db_stmt_names[s];
}

/* The prepared handle for s, preparing it now; NULL on error (logged). */
static MYSQL_STMT *
db_stmt(struct db *db, enum stmt s)
{
	MYSQL_STMT	*st;
	my_bool		 one = 1;

	if (db->stmt[s] != NULL)
		return db->stmt[s];
	/* Never reconnect inside a transaction: its first half is gone. */
	if (db->my == NULL && (db->in_tx || db_connect(db) == -1)) {
		db->lost = 1;
		return NULL;
	}
	if ((st = mysql_stmt_init(db->my)) == NULL)
		fatalx("mysql_stmt_init");
	if (mysql_stmt_prepare(st, db_sql[s], strlen(db_sql[s])) != 0) {
		db->err = mysql_stmt_errno(st);
		log_warnx("prepare %s: %s", db_stmt_name(s),
		    mysql_stmt_error(st));
		mysql_stmt_close(st);
		if (is_gone(db->err))
			db_node_failed(db);
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
 * the connection or the node: 1 if the statement never reached the
 * server, 2 if it was lost in flight (a write's outcome is unknown).
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
		log_warnx("bind %s: %s", db_stmt_name(s), mysql_stmt_error(st));
		return -1;
	}
	metrics_inc(MX_DB_STATEMENTS);
	if (mysql_stmt_execute(st) != 0) {
		db->err = mysql_stmt_errno(st);
		if (db->err != ER_DUP_ENTRY)
			metrics_inc(MX_DB_ERRORS);
		/* A node out of the primary component refuses up front. */
		if (is_gone(db->err))
			*gone = db->err == ER_UNKNOWN_COM_ERROR ? 1 : 2;
		/*
		 * A prepared statement cannot fail to parse, nor call a
		 * procedure: a trigger did. The node failed to load it.
		 */
		if (db->err == ER_PARSE_ERROR ||
		    db->err == ER_SP_DOES_NOT_EXIST)
			db->spoilt = 1;
		if (db->err != ER_DUP_ENTRY)
			log_warnx("execute %s: %s", db_stmt_name(s),
			    mysql_stmt_error(st));
		else
			log_info("execute %s: %s", db_stmt_name(s),
			    mysql_stmt_error(st));
		return -1;
	}
	db->lost = 0;
	*out = st;
	return 0;
}

/*
 * 1 if the server still holds the transaction we began. Galera can roll
 * a transaction back under a statement and let the statement succeed:
 * a brute-force abort that lands inside a trigger's stored procedure is
 * not always reported (the deadlock error is lost on the way out of the
 * procedure). The statement "worked", the rows it wrote are gone, and
 * what follows runs in autocommit. The OK packet still tells: the
 * server status no longer says "in transaction". Such a statement fails
 * as the abort it was (1213), so the request runs again whole.
 */
static int
db_tx_held(struct db *db, enum stmt s)
{
	unsigned int	 status = 0;

	if (!db->in_tx || db->my == NULL)
		return 1;
	if (mariadb_get_infov(db->my, MARIADB_CONNECTION_SERVER_STATUS,
	    &status) != 0 || (status & SERVER_STATUS_IN_TRANS))
		return 1;
	log_warnx("statement %s: the server ended the transaction without "
	    "an error; taken as the cluster's abort", db_stmt_name(s));
	metrics_inc(MX_DB_ERRORS);
	db->err = ER_LOCK_DEADLOCK;
	return 0;
}

/*
 * Run s, reconnecting (to the next node) when the connection or the node
 * failed. Outside a transaction the statement runs once more on the new
 * connection if that cannot do it twice: a read, or a write that never
 * reached the server. A write lost in flight may have committed: its
 * outcome is unknown and the caller fails. 0 with *out, or -1.
 */
static int
db_run_retry(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    MYSQL_STMT **out)
{
	int	 gone, write, i;

	if (db_run(db, s, p, np, out, &gone) == 0)
		return 0;
	write = db->stmt[s] == NULL ||
	    mysql_stmt_field_count(db->stmt[s]) == 0 || stmt_returning(s);
	/*
	 * A read outside a transaction that Galera aborted (a replicated
	 * write set's brute-force abort, or a causal wait that timed out)
	 * changed nothing: it runs again, a few times. So a handler's
	 * read-back after its commit does not turn a done write into a 500.
	 */
	for (i = 0; i < 3 && !gone && !write && !db->in_tx &&
	    is_aborted(db->err); i++) {
		log_info("statement %s aborted by the cluster: reading again "
		    "on a new connection", db_stmt_name(s));
		db_drop(db);
		if (db_run(db, s, p, np, out, &gone) == 0)
			return 0;
	}
	/* No node answered just now: no second round. */
	if (!gone || db->connfail)
		return -1;
	if (db->my != NULL)
		db_node_failed(db);
	/* The server rolled the transaction back; it stays failed. */
	if (db->in_tx)
		return -1;
	if (gone == 2 && write) {
		db->unknown = 1;
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
	MYSQL_STMT		*st;
	unsigned long long	 n;

	db->err = 0;
	if (db_run_retry(db, s, p, np, &st) == -1)
		return db->err == ER_DUP_ENTRY ? 0 : -1;
	if (!db_tx_held(db, s))
		return -1;
	n = mysql_stmt_affected_rows(st);
	if (n > 0 && n != (unsigned long long)-1)
		db_wrote(db);
	if (affected != NULL)
		*affected = n;
	if (lastid != NULL)
		*lastid = mysql_stmt_insert_id(st);
	return 1;
}

/*
 * Run s and store its whole result client-side. 0 with *out, or -1
 * (nothing left to free).
 */
static int
db_run_stored(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    MYSQL_STMT **out)
{
	MYSQL_STMT	*st;

	db->err = 0;
	if (db_run_retry(db, s, p, np, &st) == -1)
		return -1;
	if (mysql_stmt_store_result(st) != 0) {
		db->err = mysql_stmt_errno(st);
		if (is_gone(db->err))
			db->lost = 1;
		log_warnx("store %s: %s", db_stmt_name(s),
		    mysql_stmt_error(st));
		mysql_stmt_free_result(st);
		return -1;
	}
	if (!db_tx_held(db, s)) {
		mysql_stmt_free_result(st);
		return -1;
	}
	*out = st;
	return 0;
}

/*
 * Run a query and fetch every row as strings. Returns 0 with an owned
 * *res (possibly 0 rows), or -1. Truncation is an error.
 *
 * The result is stored client-side first, so each column's longest
 * value is known (STMT_ATTR_UPDATE_MAX_LENGTH): one buffer per column
 * is bound once for all rows, and every cell is copied into one arena
 * owned by the result, so a result costs a handful of allocations
 * whatever its size.
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
	char		*bufs = NULL, *at;
	size_t		*width = NULL;
	size_t		 i, row, nc, rowmax = 0, off;
	int		 rc = -1, frc;

	*res = NULL;
	if (db_run_stored(db, s, p, np, &st) == -1)
		return -1;
	if (stmt_returning(s) && mysql_stmt_num_rows(st) > 0)
		db_wrote(db);
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		log_warnx("statement %s returns no result set",
		    db_stmt_name(s));
		goto out;
	}
	nc = mysql_num_fields(meta);
	f = mysql_fetch_fields(meta);
	rs = xcalloc(1, sizeof(*rs));
	rs->ncol = nc;
	rs->nrow = (size_t)mysql_stmt_num_rows(st);
	rs->cell = xcalloc(rs->nrow * nc + 1, sizeof(struct dbcell));
	b = xcalloc(nc + 1, sizeof(MYSQL_BIND));
	width = xcalloc(nc + 1, sizeof(size_t));
	len = xcalloc(nc + 1, sizeof(unsigned long));
	isnull = xcalloc(nc + 1, sizeof(my_bool));

	/*
	 * One fetch buffer per column, as long as its longest value; a
	 * short column (numbers, times) gets its display width, which a
	 * value converted to text may exceed its binary max_length by.
	 */
	for (i = 0; i < nc; i++) {
		width[i] = f[i].max_length;
		if (f[i].length < 256 && f[i].length > width[i])
			width[i] = f[i].length;
		rowmax += width[i] + 1;
	}
	bufs = xmalloc(rowmax + 1);
	for (i = 0, off = 0; i < nc; i++) {
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = bufs + off;
		b[i].buffer_length = width[i] + 1;
		b[i].length = &len[i];
		b[i].is_null = &isnull[i];
		off += width[i] + 1;
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		log_warnx("bind result %s: %s", db_stmt_name(s),
		    mysql_stmt_error(st));
		goto out;
	}
	rs->arena = xmalloc(rs->nrow * rowmax + 1);
	at = rs->arena;
	for (row = 0; row < rs->nrow; row++) {
		frc = mysql_stmt_fetch(st);
		if (frc == MYSQL_DATA_TRUNCATED) {
			log_warnx("statement %s: data truncated",
			    db_stmt_name(s));
			goto out;
		}
		if (frc != 0) {
			db->err = mysql_stmt_errno(st);
			log_warnx("fetch %s: %s", db_stmt_name(s),
			    mysql_stmt_error(st));
			goto out;
		}
		for (i = 0; i < nc; i++) {
			struct dbcell *c = &rs->cell[row * nc + i];

			if (isnull[i])
				continue;
			memcpy(at, b[i].buffer, len[i]);
			at[len[i]] = '\0';
			c->v = at;
			c->sz = len[i];
			at += len[i] + 1;
		}
	}
	*res = rs;
	rs = NULL;
	rc = 0;
out:
	if (meta != NULL)
		mysql_free_result(meta);
	mysql_stmt_free_result(st);
	free(bufs);
	free(width);
	free(b);
	free(len);
	free(isnull);
	dbres_free(rs);
	return rc;
}

/*
 * Run a query of at most one row of n unsigned integers into v (NULL
 * reads 0): the hot generation check, bound straight to the numbers
 * rather than through db_query's text cells and their allocations.
 * Returns 1 (a row), 0 (no row) or -1.
 */
int
db_row_u64(struct db *db, enum stmt s, const struct dbp *p, size_t np,
    uint64_t *v, size_t n)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b[DB_ROW_U64_MAX];
	my_bool		 isnull[DB_ROW_U64_MAX];
	size_t		 i;
	int		 rc = -1, frc;

	if (n > DB_ROW_U64_MAX)
		fatalx("db_row_u64: %zu columns", n);
	if (db_run_stored(db, s, p, np, &st) == -1)
		return -1;
	if (mysql_stmt_field_count(st) != n || mysql_stmt_num_rows(st) > 1) {
		log_warnx("statement %s: not one row of %zu numbers",
		    db_stmt_name(s), n);
		goto out;
	}
	memset(b, 0, sizeof(b));
	for (i = 0; i < n; i++) {
		v[i] = 0;
		b[i].buffer_type = MYSQL_TYPE_LONGLONG;
		b[i].buffer = &v[i];
		b[i].is_unsigned = 1;
		b[i].is_null = &isnull[i];
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		log_warnx("bind result %s: %s", db_stmt_name(s),
		    mysql_stmt_error(st));
		goto out;
	}
	if ((frc = mysql_stmt_fetch(st)) == MYSQL_NO_DATA)
		rc = 0;
	else if (frc == 0) {
		for (i = 0; i < n; i++)
			if (isnull[i])
				v[i] = 0;
		rc = 1;
	} else {
		db->err = mysql_stmt_errno(st);
		log_warnx("fetch %s: %s", db_stmt_name(s),
		    frc == MYSQL_DATA_TRUNCATED ? "data truncated" :
		    mysql_stmt_error(st));
	}
out:
	mysql_stmt_free_result(st);
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
		log_warnx("statement %s returns no result set",
		    db_stmt_name(s));
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
			log_warnx("fetch %s: %s", db_stmt_name(s),
			    mysql_stmt_error(st));
			goto out;
		}
		for (i = 0; i < nc; i++) {
			if (isnull[i] || len[i] <= cap[i])
				continue;
			/* Truncated: a bigger buffer, this cell again. */
			if (len[i] > DB_CELL_MAX) {
				log_warnx("statement %s: a cell of %lu bytes",
				    db_stmt_name(s), len[i]);
				goto out;
			}
			free(b[i].buffer);
			cap[i] = len[i];
			b[i].buffer = xmalloc(cap[i] + 1);
			b[i].buffer_length = cap[i] + 1;
			col = b[i];
			if (mysql_stmt_fetch_column(st, &col, (unsigned int)i,
			    0) != 0 || mysql_stmt_bind_result(st, b) != 0) {
				log_warnx("refetch %s: %s", db_stmt_name(s),
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
	metrics_inc(MX_DB_STATEMENTS);
	if (mysql_query(db->my, sql) != 0) {
		db->err = mysql_errno(db->my);
		metrics_inc(MX_DB_ERRORS);
		log_warnx("%s: %s", sql, mysql_error(db->my));
		if (is_gone(db->err))
			db_node_failed(db);
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
	db->tx_wrote = 0;
	/* Label it: the tenant_app triggers write one event per label. */
	if (db_exec(db, STMT_EVENT_TXKEY, NULL, 0, NULL, NULL) != 1) {
		db_tx_rollback(db);
		return -1;
	}
	return 0;
}

/*
 * Commit; 0 or -1. A commit Galera refused (certification conflict:
 * 1213) rolled back whole; any other failure leaves the outcome unknown
 * (the write set may have been replicated before the answer was lost),
 * and the request must not run again.
 */
int
db_tx_commit(struct db *db)
{
	int	 rc;

	rc = db_simple(db, "COMMIT");
	if (rc == 0 && db->tx_wrote)
		db->wrote = 1;
	else if (rc == -1 && !is_aborted(db->err))
		db->unknown = 1;
	db->in_tx = 0;
	db->tx_wrote = 0;
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
	db->tx_wrote = 0;
	return rc;
}

/*
 * Run a multi-statement script (migrations; DB_MULTI handles only),
 * counting each statement done on pg (may be NULL). 0 or -1 (logged
 * with the failing statement's error).
 */
int
db_run_script(struct db *db, const char *sql, size_t sz,
    struct progress *pg)
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
		if (pg != NULL)
			progress_step(pg, 1);
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
	if (rs == NULL)
		return;
	free(rs->arena);
	free(rs->cell);
	free(rs);
}

/*
 * Cell text (borrowed), NULL for SQL NULL or a row past the end. A
 * column the statement does not have is a programming error: fatal, so
 * a SELECT and its reader that disagree fail the first test that runs
 * them instead of reading NULL.
 */
const char *
dbres_str(const struct dbres *rs, size_t row, size_t col)
{
	if (rs == NULL || row >= rs->nrow)
		return NULL;
	if (col >= rs->ncol)
		fatalx("column %zu of a %zu-column result", col, rs->ncol);
	return rs->cell[row * rs->ncol + col].v;
}

/*
 * Cell as an integer; 0 for NULL. A cell that is not an integer is a
 * reader's mistake (the wrong column): fatal, like a missing column.
 */
long long
dbres_int(const struct dbres *rs, size_t row, size_t col)
{
	const char	*s;
	long long	 v;

	if ((s = dbres_str(rs, row, col)) == NULL)
		return 0;
	if (num_parse(s, INT64_MIN, INT64_MAX, &v) == -1)
		fatalx("column %zu: \"%.40s\" is not an integer", col, s);
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
