/*
 * What authentication and Idempotency-Key replay read and write, as
 * typed rows: credentials (with the generations of their cached reads),
 * admin tokens, registration tokens, console sessions, a marketplace's
 * client certificates, stored answers. auth.c and idem.c see these
 * structs only; column numbers stay here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"

/*
 * Columns of STMT_CRED_FIND, _FIND_TENANT and _FIND_ENV; the last four
 * in the tenant and environment statements only.
 */
enum {
	CF_ID, CF_OWNER, CF_HASH, CF_RETIRING, CF_GEN0, CF_GEN1, CF_SCOPE,
	CF_LEFT
};

/*
 * The live credentials of kind with key_id, newest first, at most
 * CRED_ROWS. with_gen: the tenant or environment statement, which also
 * returns the generations (kind must be "tenant" or "environment").
 * Returns the number of rows in c[], or -1 on a database error.
 */
int
db_cred_find(struct db *db, const char *kind, const char *key_id,
    struct cred_row *c)
{
	struct dbres	*rs;
	struct dbp	 p[2];
	size_t		 i, n;
	enum stmt	 s;
	int		 gen;

	gen = 1;
	if (strcmp(kind, "tenant") == 0)
		s = STMT_CRED_FIND_TENANT;
	else if (strcmp(kind, "environment") == 0)
		s = STMT_CRED_FIND_ENV;
	else {
		s = STMT_CRED_FIND;
		gen = 0;
	}
	if (gen) {
		p[0] = dbp_str(key_id);
		if (db_query(db, s, p, 1, &rs) == -1)
			return -1;
	} else {
		p[0] = dbp_str(kind);
		p[1] = dbp_str(key_id);
		if (db_query(db, s, p, 2, &rs) == -1)
			return -1;
	}
	for (i = n = 0; i < rs->nrow && n < CRED_ROWS; i++) {
		/* A hash of another size matches nothing: skip the row. */
		if (rs->cell[i * rs->ncol + CF_HASH].sz != sizeof(c[n].hash))
			continue;
		memset(&c[n], 0, sizeof(c[n]));
		c[n].id = dbres_int(rs, i, CF_ID);
		c[n].owner_id = dbres_int(rs, i, CF_OWNER);
		memcpy(c[n].hash, dbres_str(rs, i, CF_HASH),
		    sizeof(c[n].hash));
		c[n].retiring = dbres_int(rs, i, CF_RETIRING) != 0;
		if (gen) {
			c[n].has_gen = 1;
			c[n].gen[0] = (uint64_t)dbres_int(rs, i, CF_GEN0);
			c[n].gen[1] = (uint64_t)dbres_int(rs, i, CF_GEN1);
			c[n].scope = dbres_int(rs, i, CF_SCOPE);
			if (c[n].retiring)
				c[n].left_us = dbres_int(rs, i, CF_LEFT);
		}
		n++;
	}
	dbres_free(rs);
	return (int)n;
}

/*
 * The generations of scope alone (STMT_GEN_TENANT for a tenant's
 * credential, STMT_GEN_APP for an environment's), as the credential
 * statement returns them: 0 for a scope without a row. Returns 0 or -1.
 */
int
db_gen_find(struct db *db, int tenant, long long scope, uint64_t gen[2])
{
	struct dbp	 p = dbp_int(scope);

	/* No row (the scope is gone) reads as generations 0 and 0. */
	return db_row_u64(db, tenant ? STMT_GEN_TENANT : STMT_GEN_APP, &p, 1,
	    gen, 2) == -1 ? -1 : 0;
}

/*
 * Delete up to max credentials that expired more than a day ago
 * (rotated-out secrets whose grace period ended: nothing authenticates
 * with them any more; the day keeps a just-retired row for whoever
 * looks into what it did). 0 with *n, or -1.
 */
int
db_cred_purge(struct db *db, long long max, long long *n)
{
	struct dbp		 p = dbp_int(max);
	unsigned long long	 aff = 0;

	*n = 0;
	if (db_exec(db, STMT_CRED_PURGE, &p, 1, &aff, NULL) != 1)
		return -1;
	*n = (long long)aff;
	return 0;
}

/* Columns of STMT_ADMIN_TOKEN_FIND. */
enum { ATK_ID, ATK_ADMIN, ATK_EMAIL };

/*
 * The live admin token whose SHA-256 is h, its admin enabled. Returns 1
 * (*t set), 0 (none) or -1.
 */
int
db_admin_token_find(struct db *db, const unsigned char h[32],
    struct token_row *t)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_blob(h, 32);
	int		 found = 0;

	memset(t, 0, sizeof(*t));
	if (db_query(db, STMT_ADMIN_TOKEN_FIND, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		found = 1;
		t->id = dbres_int(rs, 0, ATK_ID);
		t->owner_id = dbres_int(rs, 0, ATK_ADMIN);
		snprintf(t->name, sizeof(t->name), "%s",
		    dbres_str(rs, 0, ATK_EMAIL));
	}
	dbres_free(rs);
	return found;
}

/* Columns of STMT_REGTOKEN_FIND. */
enum { RGT_ID, RGT_LABEL };

/*
 * The live registration token whose SHA-256 is h. Returns 1 (*t set:
 * id and owner_id are the token's id, name its label), 0 or -1.
 */
int
db_regtoken_find(struct db *db, const unsigned char h[32],
    struct token_row *t)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_blob(h, 32);
	int		 found = 0;

	memset(t, 0, sizeof(*t));
	if (db_query(db, STMT_REGTOKEN_FIND, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		found = 1;
		t->id = t->owner_id = dbres_int(rs, 0, RGT_ID);
		snprintf(t->name, sizeof(t->name), "%s",
		    dbres_str(rs, 0, RGT_LABEL));
	}
	dbres_free(rs);
	return found;
}

/* Columns of STMT_SESSION_FIND. */
enum { SF_ID, SF_ADMIN, SF_EMAIL, SF_CSRF };

/*
 * The live console session whose token's SHA-256 is h (idle and max
 * ages in seconds), marked as seen. Returns 1 (*t set, with its CSRF
 * token), 0 or -1.
 */
int
db_session_find(struct db *db, const unsigned char h[32], long long idle,
    long long max, struct token_row *t)
{
	struct dbres	*rs;
	struct dbp	 p[3];
	int		 found = 0;

	memset(t, 0, sizeof(*t));
	p[0] = dbp_blob(h, 32);
	p[1] = dbp_int(idle);
	p[2] = dbp_int(max);
	if (db_query(db, STMT_SESSION_FIND, p, 3, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		found = 1;
		t->id = dbres_int(rs, 0, SF_ID);
		t->owner_id = dbres_int(rs, 0, SF_ADMIN);
		snprintf(t->name, sizeof(t->name), "%s",
		    dbres_str(rs, 0, SF_EMAIL));
		snprintf(t->csrf, sizeof(t->csrf), "%s",
		    dbres_str(rs, 0, SF_CSRF));
		p[0] = dbp_int(t->id);
		(void)db_exec(db, STMT_SESSION_TOUCH, p, 1, NULL, NULL);
	}
	dbres_free(rs);
	return found;
}

/* Columns of STMT_CERT_LIST that matter here. */
enum { CL_SERIAL = 1, CL_REVOKED = 8 };

/*
 * Whether serial (hex, any case) names a certificate of marketplace mkt
 * that is not revoked. Returns 1, 0 or -1.
 */
int
db_mkt_cert_valid(struct db *db, long long mkt, const char *serial)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(mkt);
	size_t		 i;
	int		 mine = 0;

	if (db_query(db, STMT_CERT_LIST, &p, 1, &rs) == -1)
		return -1;
	for (i = 0; i < rs->nrow; i++)
		if (strcasecmp(dbres_str(rs, i, CL_SERIAL), serial) == 0 &&
		    dbres_null(rs, i, CL_REVOKED))
			mine = 1;
	dbres_free(rs);
	return mine;
}

/* Columns of STMT_IDEM_FIND. */
enum { IF_HASH, IF_STATUS, IF_BODY };

/*
 * The stored answer of principal for Idempotency-Key key, younger than
 * ttl seconds (an older one is deleted first). Returns 1 (*a set, its
 * sealed body owned: idem_answer_free), 0 (none) or -1.
 */
int
db_idem_find(struct db *db, const char *principal, const char *key,
    long long ttl, struct idem_answer *a)
{
	struct dbres	*rs;
	struct dbp	 p[3];
	const char	*h;
	int		 found = 0;

	memset(a, 0, sizeof(*a));
	p[0] = dbp_str(principal);
	p[1] = dbp_str(key);
	p[2] = dbp_int(ttl);
	(void)db_exec(db, STMT_IDEM_PURGE, p, 3, NULL, NULL);
	if (db_query(db, STMT_IDEM_FIND, p, 3, &rs) == -1)
		return -1;
	if (rs->nrow > 0) {
		found = 1;
		h = dbres_str(rs, 0, IF_HASH);
		a->has_hash = rs->cell[IF_HASH].sz == sizeof(a->req_hash);
		if (a->has_hash)
			memcpy(a->req_hash, h, sizeof(a->req_hash));
		a->status = (int)dbres_int(rs, 0, IF_STATUS);
		a->sealsz = rs->cell[IF_BODY].sz;
		a->sealed = xmalloc(a->sealsz + 1);
		memcpy(a->sealed, dbres_str(rs, 0, IF_BODY), a->sealsz);
	}
	dbres_free(rs);
	return found;
}

void
idem_answer_free(struct idem_answer *a)
{
	free(a->sealed);
	a->sealed = NULL;
}

/*
 * Keep the sealed answer of a create for principal and key, inside the
 * create's transaction. Returns 1, 0 (the key is taken: a concurrent
 * request holds it) or -1.
 */
int
db_idem_add(struct db *db, const char *principal, const char *key,
    const unsigned char req_hash[32], int status, const unsigned char *sealed,
    size_t sealsz)
{
	struct dbp	 p[5];

	p[0] = dbp_str(principal);
	p[1] = dbp_str(key);
	p[2] = dbp_blob(req_hash, 32);
	p[3] = dbp_int(status);
	p[4] = dbp_blob(sealed, sealsz);
	return db_exec(db, STMT_IDEM_ADD, p, 5, NULL, NULL);
}
