/*
 * Marketplaces, their credentials, certificates and registration
 * tokens: typed data access. Every change is one transaction with its
 * audit row; secrets arrive in clear only to be hashed here, and never
 * reach the audit log.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "extern.h"

/* The audit snapshot of a registration: never a secret. */
static struct json_object *
mkt_snapshot(const struct mkt_in *in)
{
	struct json_object	*o, *e;

	o = json_object_new_object();
	if (in->nid != NULL)
		jadd_str(o, "nid", in->nid);
	jadd_str(o, "name", in->name);
	if (in->environment != NULL)
		jadd_str(o, "environment", in->environment);
	e = json_object_new_object();
	jadd_str(e, "hub", in->hub);
	jadd_str(e, "impac", in->impac);
	jadd_str(e, "connec", in->connec);
	jadd_str(e, "nex", in->nex);
	jadd(o, "endpoints", e);
	if (in->hub_pending != NULL)
		jadd_str(o, "hub_pending", in->hub_pending);
	return o;
}

/* The audit snapshot of a certificate. */
static struct json_object *
cert_snapshot(const struct issued *is)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_str(o, "serial", is->serial);
	jadd_str(o, "subject_cn", is->cn);
	jadd_str(o, "fingerprint_sha256", is->fp_sha256);
	jadd_str(o, "key_type", is->key_type);
	return o;
}

/* Insert a certificate row for marketplace id; its id, or -1. */
static long long
cert_insert(struct dbx *dx, long long id, const struct issued *is)
{
	struct dbp		 p[9];
	unsigned long long	 cid;

	p[0] = dbp_int(id);
	p[1] = dbp_str(is->serial);
	p[2] = dbp_str(is->cn);
	p[3] = dbp_str(is->pem);
	p[4] = dbp_str(is->fp_sha1);
	p[5] = dbp_str(is->fp_sha256);
	p[6] = dbp_str(is->key_type);
	p[7] = dbp_int(is->not_before);
	p[8] = dbp_int(is->not_after);
	if (db_exec(dx->db, STMT_CERT_ADD, p, 9, NULL, &cid) != 1)
		return -1;
	p[0] = dbp_int((long long)cid);
	p[1] = dbp_int(id);
	if (db_exec(dx->db, STMT_MKT_SETCERT, p, 2, NULL, NULL) != 1)
		return -1;
	return (long long)cid;
}

/*
 * Register a new marketplace in one transaction: the marketplace, its
 * credential (api_key and the SHA-256 of secret), its certificate, the
 * audit row, whatever done stores (the Idempotency-Key answer; it gets
 * the new id and returns as idem_store), and last one use of
 * registration token token_id. Before done runs, *row is the
 * marketplace as written (the insert returns what the database chose:
 * id, version, times), so done answers without reading it back; its
 * strings live until this returns. Returns DBRC_OK with *id, DBRC_DUP
 * (nid taken), DBRC_NOUSE (token used up, revoked or expired),
 * DBRC_BUSY (done returned 0) or DBRC_ERR. Nothing is left behind
 * unless DBRC_OK.
 */
int
db_mkt_register(struct dbx *dx, const struct mkt_in *in,
    const struct issued *is, const char *api_key, const char *secret,
    long long token_id, struct mkt *row,
    int (*done)(void *, long long, void *), void *arg, long long *id)
{
	struct json_object	*after = NULL;
	struct dbres		*rs = NULL;
	struct dbp		 p[8];
	unsigned long long	 n;
	long long		 lid, cid;
	unsigned char		 h[32];
	char			 nb[32], na[32];
	int			 rc = DBRC_ERR, x;

	*id = 0;
	memset(row, 0, sizeof(*row));
	crypto_sha256(secret, strlen(secret), h);
	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;

	p[0] = dbp_str(in->nid);
	p[1] = dbp_str(in->name);
	p[2] = dbp_str(in->environment);
	p[3] = dbp_str(in->hub);
	p[4] = dbp_str(in->impac);
	p[5] = dbp_str(in->connec);
	p[6] = dbp_str(in->nex);
	p[7] = dbp_str(api_key);
	if (db_query(dx->db, STMT_MKT_ADD, p, 8, &rs) == -1) {
		if (db_dup(dx->db))
			rc = DBRC_DUP;
		goto fail;
	}
	if (rs->nrow != 1)
		goto fail;
	lid = dbres_int(rs, 0, 0);

	p[0] = dbp_str("marketplace");
	p[1] = dbp_str(api_key);
	p[2] = dbp_blob(h, sizeof(h));
	p[3] = dbp_int(lid);
	if (db_exec(dx->db, STMT_CRED_ADD, p, 4, NULL, NULL) != 1)
		goto fail;
	if ((cid = cert_insert(dx, lid, is)) == -1)
		goto fail;

	after = mkt_snapshot(in);
	jadd_str(after, "api_key", api_key);
	jadd_int(after, "registration_token", token_id);
	jadd(after, "certificate", cert_snapshot(is));
	if (db_audit(dx, "marketplace.register", "marketplace", lid, NULL,
	    after) == -1)
		goto fail;

	row->id = lid;
	row->nid = in->nid;
	row->name = in->name;
	row->environment = in->environment;
	row->hub = in->hub;
	row->impac = in->impac;
	row->connec = in->connec;
	row->nex = in->nex;
	row->api_key = api_key;
	row->version = dbres_int(rs, 0, 1);
	row->created_at = dbres_str(rs, 0, 2);
	row->updated_at = dbres_str(rs, 0, 3);
	row->cert_id = cid;
	row->serial = is->serial;
	row->subject = is->cn;
	row->pem = is->pem;
	row->fp_sha1 = is->fp_sha1;
	row->fp_sha256 = is->fp_sha256;
	row->key_type = is->key_type;
	/* As the database's MTS() writes them. */
	time_iso8601((time_t)is->not_before, nb, sizeof(nb));
	time_iso8601((time_t)is->not_after, na, sizeof(na));
	row->not_before = nb;
	row->not_after = na;
	if (done != NULL && (x = done(dx->up, lid, arg)) != 1) {
		rc = x == 0 ? DBRC_BUSY : DBRC_ERR;
		goto fail;
	}

	/*
	 * One use of the token, only if one is left. Last, so the token's
	 * row is locked only for this statement and the commit: a fleet
	 * registering with one token queued on that lock for the whole
	 * transaction, a millisecond each (doc/bench.md). reg_check has
	 * refused a used-up token already; this catches a race.
	 */
	p[0] = dbp_int(token_id);
	if (db_exec(dx->db, STMT_REGTOKEN_USE, p, 1, &n, NULL) != 1)
		goto fail;
	if (n != 1) {
		rc = DBRC_NOUSE;
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1)
		goto fail;
	metrics_inc(MX_REGISTRATIONS);
	metrics_inc(MX_CERTS_ISSUED);
	json_object_put(after);
	dbres_free(rs);
	memset(row, 0, sizeof(*row));
	*id = lid;
	return DBRC_OK;
fail:
	json_object_put(after);
	dbres_free(rs);
	memset(row, 0, sizeof(*row));
	db_tx_rollback(dx->db);
	return rc;
}

/* Columns of STMT_MKT_GET and STMT_MKT_LIST. */
enum {
	MC_ID, MC_NID, MC_NAME, MC_ENV, MC_HUB, MC_IMPAC, MC_CONNEC, MC_NEX,
	MC_API_KEY, MC_VERSION, MC_CREATED, MC_UPDATED, MC_CERT_ID, MC_SERIAL,
	MC_CN, MC_PEM, MC_FP1, MC_FP256, MC_KEYTYPE, MC_NB, MC_NA, MC_REVOKED,
	MC_HUB_PENDING
};

/* Columns of STMT_CERT_LIST. */
enum {
	CE_ID, CE_SERIAL, CE_CN, CE_FP1, CE_FP256, CE_KEYTYPE, CE_NB, CE_NA,
	CE_REVOKED, CE_REASON, CE_CURRENT
};

/* The rows of rs as marketplaces, into l (which takes rs). */
static void
mkt_rows(struct dbres *rs, struct mkt_list *l)
{
	struct mkt	*m;
	size_t		 i;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		m = &l->v[i];
		m->id = dbres_int(rs, i, MC_ID);
		m->nid = dbres_str(rs, i, MC_NID);
		m->name = dbres_str(rs, i, MC_NAME);
		m->environment = dbres_str(rs, i, MC_ENV);
		m->hub = dbres_str(rs, i, MC_HUB);
		m->impac = dbres_str(rs, i, MC_IMPAC);
		m->connec = dbres_str(rs, i, MC_CONNEC);
		m->nex = dbres_str(rs, i, MC_NEX);
		m->hub_pending = dbres_str(rs, i, MC_HUB_PENDING);
		m->api_key = dbres_str(rs, i, MC_API_KEY);
		m->version = dbres_int(rs, i, MC_VERSION);
		m->created_at = dbres_str(rs, i, MC_CREATED);
		m->updated_at = dbres_str(rs, i, MC_UPDATED);
		m->cert_id = dbres_int(rs, i, MC_CERT_ID);
		m->serial = dbres_str(rs, i, MC_SERIAL);
		m->subject = dbres_str(rs, i, MC_CN);
		m->pem = dbres_str(rs, i, MC_PEM);
		m->fp_sha1 = dbres_str(rs, i, MC_FP1);
		m->fp_sha256 = dbres_str(rs, i, MC_FP256);
		m->key_type = dbres_str(rs, i, MC_KEYTYPE);
		m->not_before = dbres_str(rs, i, MC_NB);
		m->not_after = dbres_str(rs, i, MC_NA);
		m->revoked_at = dbres_str(rs, i, MC_REVOKED);
	}
}

void
mkt_list_free(struct mkt_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/*
 * Marketplace id with its current certificate. Returns 1 with l->v[0]
 * (l owned: mkt_list_free), 0 if there is none, -1 on error.
 */
int
db_mkt_get(struct dbx *dx, long long id, struct mkt_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(id);

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_MKT_GET, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return 0;
	}
	mkt_rows(rs, l);
	return 1;
}

/* The id of marketplace nid: 1 with *id, 0 if none, -1 on error. */
int
db_mkt_by_nid(struct dbx *dx, const char *nid, long long *id)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_str(nid);
	int		 rc;

	*id = 0;
	if (db_query(dx->db, STMT_MKT_BY_NID, &p, 1, &rs) == -1)
		return -1;
	if ((rc = rs->nrow == 1))
		*id = dbres_int(rs, 0, 0);
	dbres_free(rs);
	return rc;
}

/*
 * A page of marketplaces, optionally of one environment and with a nid
 * prefix (NULL: any). 0 with *l (owned: mkt_list_free) and *total, or
 * -1.
 */
int
db_mkt_list(struct dbx *dx, const char *env, const char *prefix,
    long long limit, long long offset, struct mkt_list *l, long long *total)
{
	struct dbres	*cnt, *rs;
	struct dbp	 p[7];

	memset(l, 0, sizeof(*l));
	p[0] = p[1] = dbp_str(env);
	p[2] = p[3] = p[4] = dbp_str(prefix);
	p[5] = dbp_int(limit);
	p[6] = dbp_int(offset);
	if (db_query(dx->db, STMT_MKT_COUNT, p, 5, &cnt) == -1)
		return -1;
	*total = dbres_int(cnt, 0, 0);
	dbres_free(cnt);
	if (db_query(dx->db, STMT_MKT_LIST, p, 7, &rs) == -1)
		return -1;
	mkt_rows(rs, l);
	return 0;
}

/*
 * Set name and endpoints of marketplace id if it is still at version.
 * Returns 1 (updated), 0 (another write came first: 412/409), -1.
 */
int
db_mkt_update(struct dbx *dx, long long id, long long version,
    const struct mkt_in *in)
{
	struct json_object	*before = NULL, *after = NULL, *e;
	struct dbres		*rs = NULL;
	struct dbp		 p[8];
	unsigned long long	 n;
	int			 rc = -1;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_int(id);
	if (db_query(dx->db, STMT_MKT_GET, p, 1, &rs) == -1)
		goto out;
	if (rs->nrow == 1) {
		before = json_object_new_object();
		jadd_str(before, "name", dbres_str(rs, 0, MC_NAME));
		e = json_object_new_object();
		jadd_str(e, "hub", dbres_str(rs, 0, MC_HUB));
		jadd_str(e, "impac", dbres_str(rs, 0, MC_IMPAC));
		jadd_str(e, "connec", dbres_str(rs, 0, MC_CONNEC));
		jadd_str(e, "nex", dbres_str(rs, 0, MC_NEX));
		jadd(before, "endpoints", e);
		if (!dbres_null(rs, 0, MC_HUB_PENDING))
			jadd_str(before, "hub_pending",
			    dbres_str(rs, 0, MC_HUB_PENDING));
	}
	p[0] = dbp_str(in->name);
	p[1] = dbp_str(in->hub);
	p[2] = dbp_str(in->impac);
	p[3] = dbp_str(in->connec);
	p[4] = dbp_str(in->nex);
	p[5] = dbp_str(in->hub_pending);
	p[6] = dbp_int(id);
	p[7] = dbp_int(version);
	if (db_exec(dx->db, STMT_MKT_UPDATE, p, 8, &n, NULL) != 1)
		goto out;
	if (n != 1) {
		rc = 0;
		goto out;
	}
	after = mkt_snapshot(in);
	if (db_audit_commit(dx, "marketplace.update", "marketplace", id, before,
	    after) == -1)
		goto out;
	rc = 1;
out:
	if (rc != 1)
		db_tx_rollback(dx->db);
	dbres_free(rs);
	json_object_put(before);
	json_object_put(after);
	return rc;
}

/*
 * A new secret for the owner id of credentials of kind ("marketplace",
 * "provider"; key api_key): the live ones expire after grace seconds
 * (0: now, for a secret that leaked; never later than they already
 * would), the new one is added, the audit row ("<kind>.secret_rotate"
 * on the owner) and done (as in db_mkt_register) run in the same
 * transaction. Returns 1, 0 (done returned 0) or -1.
 */
int
db_cred_rotate(struct dbx *dx, const char *kind, long long id,
    const char *api_key, const char *secret, long long grace,
    int (*done)(void *, long long, void *), void *arg)
{
	char			 action[48];
	struct json_object	*after;
	struct dbp		 p[4];
	unsigned char		 h[32];
	int			 rc = -1, x;

	crypto_sha256(secret, strlen(secret), h);
	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_int(grace);
	p[1] = dbp_str(kind);
	p[2] = dbp_int(id);
	p[3] = dbp_int(grace);
	if (db_exec(dx->db, STMT_CRED_EXPIRE, p, 4, NULL, NULL) != 1)
		goto fail;
	p[0] = dbp_str(kind);
	p[1] = dbp_str(api_key);
	p[2] = dbp_blob(h, sizeof(h));
	p[3] = dbp_int(id);
	if (db_exec(dx->db, STMT_CRED_ADD, p, 4, NULL, NULL) != 1)
		goto fail;
	after = json_object_new_object();
	jadd_str(after, "api_key", api_key);
	jadd_int(after, "grace_seconds", grace);
	snprintf(action, sizeof(action), "%s.secret_rotate", kind);
	x = db_audit(dx, action, kind, id, NULL, after);
	json_object_put(after);
	if (x == -1)
		goto fail;
	if (done != NULL && (x = done(dx->up, id, arg)) != 1) {
		rc = x == 0 ? 0 : -1;
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1)
		goto fail;
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * A renewed certificate for marketplace id: the row is added and becomes
 * the current one; older ones stay valid until they expire or are
 * revoked. Returns 1, 0 (done returned 0) or -1.
 */
int
db_mkt_renew(struct dbx *dx, long long id, const struct issued *is,
    int (*done)(void *, long long, void *), void *arg)
{
	struct json_object	*after;
	struct dbp		 p;
	int			 rc = -1, x;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	if (cert_insert(dx, id, is) == -1)
		goto fail;
	p = dbp_int(id);
	if (db_exec(dx->db, STMT_MKT_TOUCH, &p, 1, NULL, NULL) != 1)
		goto fail;
	after = cert_snapshot(is);
	x = db_audit(dx, "marketplace.certificate_renew", "marketplace", id,
	    NULL, after);
	json_object_put(after);
	if (x == -1)
		goto fail;
	if (done != NULL && (x = done(dx->up, id, arg)) != 1) {
		rc = x == 0 ? 0 : -1;
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1)
		goto fail;
	metrics_inc(MX_CERTS_ISSUED);
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * The certificates of marketplace id, oldest first, the current one
 * marked. 0 with *l (owned: mkt_cert_list_free), or -1.
 */
int
db_mkt_certs(struct dbx *dx, long long id, struct mkt_cert_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(id);
	struct mkt_cert	*c;
	size_t		 i;

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_CERT_LIST, &p, 1, &rs) == -1)
		return -1;
	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		c = &l->v[i];
		c->id = dbres_int(rs, i, CE_ID);
		c->serial = dbres_str(rs, i, CE_SERIAL);
		c->subject = dbres_str(rs, i, CE_CN);
		c->fp_sha1 = dbres_str(rs, i, CE_FP1);
		c->fp_sha256 = dbres_str(rs, i, CE_FP256);
		c->key_type = dbres_str(rs, i, CE_KEYTYPE);
		c->not_before = dbres_str(rs, i, CE_NB);
		c->not_after = dbres_str(rs, i, CE_NA);
		c->revoked_at = dbres_str(rs, i, CE_REVOKED);
		c->revoke_reason = dbres_str(rs, i, CE_REASON);
		c->current = dbres_int(rs, i, CE_CURRENT) == 1;
	}
	return 0;
}

void
mkt_cert_list_free(struct mkt_cert_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/*
 * Revoke a certificate of marketplace id: the one with serial, or the
 * current one when serial is NULL, with an RFC 5280 reason. Returns 1
 * (revoked; *serial_out owned), 0 (no such certificate), DBRC_CONFLICT
 * (already revoked) or -1. The CRL is the caller's next step (db_crl_refresh).
 */
int
db_mkt_revoke(struct dbx *dx, long long id, const char *serial,
    const char *reason, char **serial_out)
{
	struct json_object	*after;
	struct dbres		*rs = NULL;
	struct dbp		 p[3];
	unsigned long long	 n;
	long long		 cid;
	int			 rc = -1, x;

	*serial_out = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_int(id);
	p[1] = p[2] = dbp_str(serial);
	if (db_query(dx->db, STMT_CERT_FIND, p, 3, &rs) == -1)
		goto fail;
	if (rs->nrow == 0) {
		rc = 0;
		goto fail;
	}
	if (dbres_int(rs, 0, 2) == 1) {
		rc = DBRC_CONFLICT;
		goto fail;
	}
	cid = dbres_int(rs, 0, 0);
	p[0] = dbp_str(reason);
	p[1] = dbp_int(cid);
	if (db_exec(dx->db, STMT_CERT_REVOKE, p, 2, &n, NULL) != 1)
		goto fail;
	if (n != 1) {
		rc = DBRC_CONFLICT;
		goto fail;
	}
	/* The CRL in the database is stale from this commit on. */
	if (db_exec(dx->db, STMT_CRL_BUMP, NULL, 0, NULL, NULL) != 1)
		goto fail;
	after = json_object_new_object();
	jadd_str(after, "serial", dbres_str(rs, 0, 1));
	jadd_str(after, "reason", reason);
	x = db_audit(dx, "marketplace.certificate_revoke", "marketplace", id,
	    NULL, after);
	json_object_put(after);
	if (x == -1 || db_tx_commit(dx->db) == -1)
		goto fail;
	metrics_inc(MX_CERTS_REVOKED);
	*serial_out = xstrdup(dbres_str(rs, 0, 1));
	dbres_free(rs);
	return 1;
fail:
	db_tx_rollback(dx->db);
	dbres_free(rs);
	return rc;
}

/*
 * Build the next CRL from the database's revocations and store it, with
 * the next number of the one sequence, in one transaction. Returns 0
 * with the owned PEM in *pem, or -1 (logged; a Galera conflict with
 * another host building at once leaves that host's CRL in place).
 */
static int
db_crl_build(struct dbx *dx, char **pem)
{
	struct crl_entry	*ents = NULL;
	struct dbres		*lk = NULL, *rs = NULL;
	struct dbp		 p[4];
	size_t			 i;
	int			 rc = -1;

	*pem = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if (db_query(dx->db, STMT_CRL_LOCK, NULL, 0, &lk) == -1)
		goto out;
	if (lk->nrow == 0) {
		log_warnx("the crl table has no row: run agoractl migrate");
		goto out;
	}
	if (db_query(dx->db, STMT_CERT_REVOKED, NULL, 0, &rs) == -1)
		goto out;
	ents = xcalloc(rs->nrow + 1, sizeof(*ents));
	for (i = 0; i < rs->nrow; i++) {
		ents[i].serial = dbres_str(rs, i, 0);
		ents[i].revoked_at = dbres_int(rs, i, 1);
		ents[i].reason = dbres_str(rs, i, 2);
	}
	if (cert_crl_build(dx->conf, ents, rs->nrow, dbres_int(lk, 0, 0),
	    pem) == -1)
		goto out;
	p[0] = dbp_int(dbres_int(lk, 0, 0));
	p[1] = dbp_int(dbres_int(lk, 0, 1));
	p[2] = dbp_str(*pem);
	p[3] = dbp_int(dx->conf->crl_days);
	if (db_exec(dx->db, STMT_CRL_SET, p, 4, NULL, NULL) != 1 ||
	    db_tx_commit(dx->db) == -1)
		goto out;
	log_info("CRL %lld built with %zu entries", dbres_int(lk, 0, 0),
	    rs->nrow);
	rc = 0;
out:
	if (rc == -1) {
		db_tx_rollback(dx->db);
		free(*pem);
		*pem = NULL;
	}
	free(ents);
	dbres_free(lk);
	dbres_free(rs);
	return rc;
}

/*
 * Make the CRL file (conf ca_crl) the database's CRL, under the CRL lock.
 * The database's CRL is built first when force is set or it is stale (a
 * revocation not in it yet, or near its nextUpdate); with force 0 and a
 * current file that is the database's, nothing is written. Every host
 * runs this (after its own revocations, and `agoractl crl-sync` every
 * second or so), so all hosts serve the same CRL. Returns 0, or -1
 * (logged). When pem is not NULL, *pem is the CRL (owned) whenever one
 * is known, even if writing the file failed. When number is not NULL it
 * is the CRL's number.
 */
int
db_crl_sync(struct dbx *dx, int force, char **pem, long long *number)
{
	struct dbres	*rs = NULL;
	char		*text = NULL, *cur = NULL;
	int		 fd, rc = -1;

	if (pem != NULL)
		*pem = NULL;
	if (number != NULL)
		*number = 0;
	if ((fd = cert_crl_lock(dx->conf)) == -1)
		return -1;
	if (db_query(dx->db, STMT_CRL_GET, NULL, 0, &rs) == -1)
		goto out;
	if (rs->nrow == 0) {
		log_warnx("the crl table has no row: run agoractl migrate");
		goto out;
	}
	if (force || dbres_int(rs, 0, 2) != 0) {
		dbres_free(rs);
		rs = NULL;
		if (db_crl_build(dx, &text) == -1 ||
		    db_query(dx->db, STMT_CRL_GET, NULL, 0, &rs) == -1 ||
		    rs->nrow == 0 || dbres_null(rs, 0, 1))
			goto out;
		free(text);
	}
	text = xstrdup(dbres_str(rs, 0, 1));
	if (number != NULL)
		*number = dbres_int(rs, 0, 0);
	cur = cert_crl_current(dx->conf);
	if (cur != NULL && strcmp(cur, text) == 0)
		rc = 0;
	else if (cert_crl_write(dx->conf, text) == 0) {
		log_info("CRL %lld written", dbres_int(rs, 0, 0));
		rc = 0;
	}
out:
	cert_crl_unlock(fd);
	dbres_free(rs);
	free(cur);
	if (pem != NULL)
		*pem = text;
	else
		free(text);
	return rc;
}

/* The CRL file from the database's CRL: db_crl_sync without the number. */
int
db_crl_refresh(struct dbx *dx, int force, char **pem)
{
	return db_crl_sync(dx, force, pem, NULL);
}

/* The rows of rs as registration tokens, into l (which takes rs). */
static void
regtoken_rows(struct dbres *rs, struct regtoken_list *l)
{
	struct regtoken	*t;
	size_t		 i;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		t = &l->v[i];
		t->id = dbres_int(rs, i, RT_ID);
		t->label = dbres_str(rs, i, RT_LABEL);
		t->max_uses = dbres_int(rs, i, RT_MAX_USES);
		t->uses = dbres_int(rs, i, RT_USES);
		t->expires_at = dbres_str(rs, i, RT_EXPIRES);
		t->revoked_at = dbres_str(rs, i, RT_REVOKED);
		t->created_by = dbres_str(rs, i, RT_CREATED_BY);
		t->created_at = dbres_str(rs, i, RT_CREATED);
		t->state = dbres_str(rs, i, RT_STATE);
	}
}

void
regtoken_list_free(struct regtoken_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/*
 * A page of registration tokens, newest first, optionally in one state
 * (active, used, expired, revoked; NULL: any). 0 with *l (owned:
 * regtoken_list_free) and *total, or -1. Never the token: only its hash
 * is stored anyway.
 */
int
db_regtoken_list(struct dbx *dx, const char *state, long long limit,
    long long offset, struct regtoken_list *l, long long *total)
{
	struct dbres	*cnt, *rs;
	struct dbp	 p[4];

	memset(l, 0, sizeof(*l));
	p[0] = p[1] = dbp_str(state);
	p[2] = dbp_int(limit);
	p[3] = dbp_int(offset);
	if (db_query(dx->db, STMT_REGTOKEN_COUNT, p, 2, &cnt) == -1)
		return -1;
	*total = dbres_int(cnt, 0, 0);
	dbres_free(cnt);
	if (db_query(dx->db, STMT_REGTOKEN_LIST, p, 4, &rs) == -1)
		return -1;
	regtoken_rows(rs, l);
	return 0;
}

/* Token id: 1 with l->v[0] (l owned), 0 if none, -1. */
int
db_regtoken_get(struct dbx *dx, long long id, struct regtoken_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(id);

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_REGTOKEN_GET, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return 0;
	}
	regtoken_rows(rs, l);
	return 1;
}

/*
 * Revoke token id. Returns 1 (revoked now), 0 (no such token or already
 * revoked: the caller tells them apart), -1.
 */
int
db_regtoken_revoke(struct dbx *dx, long long id)
{
	struct dbp		 p = dbp_int(id);
	unsigned long long	 n;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	if (db_exec(dx->db, STMT_REGTOKEN_REVOKE, &p, 1, &n, NULL) != 1)
		goto fail;
	if (n == 0) {
		db_tx_rollback(dx->db);
		return 0;
	}
	if (db_audit_commit(dx, "registration_token.revoke",
	    "registration_token", id, NULL, NULL) == -1)
		goto fail;
	return 1;
fail:
	db_tx_rollback(dx->db);
	return -1;
}

/*
 * Whether hub host (lower case) is the hub of a marketplace other than
 * id (0: any). 1 taken, 0 free, -1 error.
 */
int
db_mkt_hub_taken(struct dbx *dx, const char *host, long long id)
{
	struct dbres	*rs;
	struct dbp	 p[2];
	int		 rc;

	p[0] = dbp_str(host);
	p[1] = dbp_int(id);
	if (db_query(dx->db, STMT_MKT_HUB_TAKEN, p, 2, &rs) == -1)
		return -1;
	rc = dbres_int(rs, 0, 0) > 0;
	dbres_free(rs);
	return rc;
}

/*
 * The refusals a first registration meets before its certificate is
 * signed, in one statement: whether a marketplace has nid, whether
 * registration token token_id has a use left, whether a marketplace has
 * hub host host (NULL: none asked). The registration's transaction
 * checks all three again. 0 with *rc filled, or -1.
 */
int
db_mkt_reg_check(struct dbx *dx, const char *nid, long long token_id,
    const char *host, struct reg_check *rc)
{
	struct dbres	*rs;
	struct dbp	 p[3];

	memset(rc, 0, sizeof(*rc));
	p[0] = dbp_str(nid);
	p[1] = dbp_int(token_id);
	p[2] = dbp_str(host);
	if (db_query(dx->db, STMT_MKT_REG_CHECK, p, 3, &rs) == -1)
		return -1;
	if (rs->nrow != 1) {
		dbres_free(rs);
		return -1;
	}
	rc->nid_taken = dbres_int(rs, 0, 0) != 0;
	rc->token_active = dbres_int(rs, 0, 1) != 0;
	rc->hub_taken = dbres_int(rs, 0, 2) != 0;
	dbres_free(rs);
	return 0;
}

/*
 * An admin's decision on marketplace id's pending hub change: approve
 * makes it the hub (the next certificate names its host), otherwise it
 * is dropped; audited ("marketplace.hub_approve" or "_refuse") in the
 * same transaction. Returns 1 with *hub (owned: the hub now), 0 when
 * nothing is pending (or no such marketplace), DBRC_DUP when the host
 * became another marketplace's meanwhile, -1 on error.
 */
int
db_mkt_hub_decide(struct dbx *dx, long long id, int approve, char **hub)
{
	struct json_object	*before = NULL, *after = NULL;
	struct dbres		*rs = NULL;
	struct dbp		 p;
	unsigned long long	 n;
	int			 rc = -1, x;

	*hub = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	p = dbp_int(id);
	if (db_query(dx->db, STMT_MKT_HUB_LOCK, &p, 1, &rs) == -1)
		goto out;
	if (rs->nrow == 0 || dbres_null(rs, 0, 1)) {
		rc = 0;
		goto out;
	}
	before = json_object_new_object();
	jadd_str(before, "hub", dbres_str(rs, 0, 0));
	jadd_str(before, "hub_pending", dbres_str(rs, 0, 1));
	if ((x = db_exec(dx->db, approve ? STMT_MKT_HUB_APPLY :
	    STMT_MKT_HUB_DROP, &p, 1, &n, NULL)) != 1) {
		if (x == 0)
			rc = DBRC_DUP;
		goto out;
	}
	after = json_object_new_object();
	jadd_str(after, "hub", dbres_str(rs, 0, approve ? 1 : 0));
	if (db_audit_commit(dx, approve ? "marketplace.hub_approve" :
	    "marketplace.hub_refuse", "marketplace", id, before, after) == -1)
		goto out;
	*hub = xstrdup(dbres_str(rs, 0, approve ? 1 : 0));
	rc = 1;
out:
	if (rc != 1)
		db_tx_rollback(dx->db);
	dbres_free(rs);
	json_object_put(before);
	json_object_put(after);
	return rc;
}
