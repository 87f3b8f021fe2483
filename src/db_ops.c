/*
 * Operations on the database as a whole: the counts and cluster state
 * agoractl status shows, and db-init's database, accounts and grants
 * (least privilege: the workers' account reads and writes rows of the
 * tables the migrations made, append-only on the audit trail; only the
 * admin account changes the schema).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extern.h"

/* Tables the workers may only read and append to. */
static const char *const append_only[] = { "audit", "schema_version" };
/* Tables the workers may only read (the generations: triggers write). */
static const char *const read_only[] = { "gen" };

/* Counts for agoractl status. 0 with *out filled, or -1. */
int
db_ops_counts(struct db *db, struct ops_counts *out)
{
	struct dbres	*rs;

	memset(out, 0, sizeof(*out));
	if (db_query(db, STMT_OPS_COUNTS, NULL, 0, &rs) == -1)
		return -1;
	out->marketplaces = dbres_int(rs, 0, 0);
	out->apps = dbres_int(rs, 0, 1);
	out->tenants = dbres_int(rs, 0, 2);
	out->live_listings = dbres_int(rs, 0, 3);
	dbres_free(rs);
	return 0;
}

/*
 * The Galera state of this node ("Synced", ...). Returns 1 with state
 * filled, 0 when the server is not a cluster node, -1 on error.
 */
int
db_ops_cluster(struct db *db, char *state, size_t sz)
{
	struct dbres	*rs;
	int		 rc = 0;

	if (db_query(db, STMT_OPS_WSREP, NULL, 0, &rs) == -1)
		return -1;
	if (rs->nrow == 1 && dbres_str(rs, 0, 0) != NULL &&
	    *dbres_str(rs, 0, 0) != '\0') {
		snprintf(state, sz, "%s", dbres_str(rs, 0, 0));
		rc = 1;
	}
	dbres_free(rs);
	return rc;
}

/* The server's query cache and thread handling. 0 or -1. */
int
db_ops_settings(struct db *db, struct ops_settings *st)
{
	struct dbres	*rs;
	int		 rc = -1;

	memset(st, 0, sizeof(*st));
	if (db_query(db, STMT_OPS_SETTINGS, NULL, 0, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		snprintf(st->qc_type, sizeof(st->qc_type), "%s",
		    dbres_str(rs, 0, 0) != NULL ? dbres_str(rs, 0, 0) : "");
		st->qc_size = dbres_int(rs, 0, 1);
		snprintf(st->threads, sizeof(st->threads), "%s",
		    dbres_str(rs, 0, 2) != NULL ? dbres_str(rs, 0, 2) : "");
		rc = 0;
	}
	dbres_free(rs);
	return rc;
}

/*
 * Bind the names of the next DDL to session variables: database, account
 * host, user, password, table (NULL: unused). 0 or -1.
 */
static int
ops_vars(struct db *db, const struct ops_accounts *a, const char *user,
    const char *password, const char *table)
{
	struct dbp	 p[5];

	p[0] = dbp_str(a->db);
	p[1] = dbp_str(a->host);
	p[2] = dbp_str(user);
	p[3] = dbp_str(password != NULL ? password : "");
	p[4] = dbp_str(table);
	return db_exec(db, STMT_OPS_INIT_VARS, p, 5, NULL, NULL) == 1 ? 0 : -1;
}

/* Run one of the EXECUTE IMMEDIATE statements as text. 0 or -1. */
static int
ops_ddl(struct db *db, enum stmt s)
{
	return db_run_script(db, db_sql[s], strlen(db_sql[s]), NULL);
}

/* Create user@host with password, or set its password. 0 or -1. */
static int
ops_account(struct db *db, const struct ops_accounts *a, const char *user,
    const char *password)
{
	if (ops_vars(db, a, user, password, NULL) == -1 ||
	    ops_ddl(db, STMT_OPS_INIT_USER) == -1 ||
	    ops_ddl(db, STMT_OPS_INIT_PASSWORD) == -1)
		return -1;
	return 0;
}

/*
 * On a root connection: the database (utf8mb4, binary collation), the
 * two accounts with the configured passwords (set again when they
 * exist), and every privilege on the database for the admin account.
 * Idempotent. 0 or -1 (logged).
 */
int
db_ops_create(struct db *db, const struct ops_accounts *a)
{
	int	 rc = -1;

	if (ops_vars(db, a, NULL, NULL, NULL) == -1 ||
	    ops_ddl(db, STMT_OPS_INIT_DB) == -1)
		goto out;
	if (ops_account(db, a, a->admin, a->admin_password) == -1 ||
	    ops_account(db, a, a->user, a->password) == -1)
		goto out;
	if (ops_vars(db, a, a->admin, NULL, NULL) == -1 ||
	    ops_ddl(db, STMT_OPS_INIT_GRANT_ALL) == -1)
		goto out;
	rc = 0;
out:
	/* No password stays in the session. */
	(void)ops_vars(db, a, NULL, NULL, NULL);
	return rc;
}

/*
 * On a root connection, after the migrations: the workers' account gets
 * SELECT, INSERT, UPDATE, DELETE on each table, SELECT and INSERT only
 * on the append-only ones, SELECT only on the read-only ones. *n is the number of tables. 0 or -1.
 */
int
db_ops_grant(struct db *db, const struct ops_accounts *a, long long *n)
{
	struct dbres	*rs;
	struct dbp	 p;
	enum stmt	 s;
	const char	*t;
	size_t		 i, j;
	int		 rc = 0;

	*n = 0;
	p = dbp_str(a->db);
	if (db_query(db, STMT_OPS_INIT_TABLES, &p, 1, &rs) == -1)
		return -1;
	for (i = 0; i < rs->nrow && rc == 0; i++) {
		t = dbres_str(rs, i, 0);
		s = STMT_OPS_INIT_GRANT_RW;
		for (j = 0; j < sizeof(append_only) / sizeof(append_only[0]);
		    j++)
			if (strcmp(t, append_only[j]) == 0)
				s = STMT_OPS_INIT_GRANT_APPEND;
		for (j = 0; j < sizeof(read_only) / sizeof(read_only[0]); j++)
			if (strcmp(t, read_only[j]) == 0)
				s = STMT_OPS_INIT_GRANT_READ;
		if (ops_vars(db, a, a->user, NULL, t) == -1 ||
		    ops_ddl(db, s) == -1)
			rc = -1;
		else
			(*n)++;
	}
	dbres_free(rs);
	return rc;
}
