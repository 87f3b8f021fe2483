/*
 * Tenants and tenant apps: typed data access shared by the admin API,
 * the marketplace API, the hub API and the console (their input checks
 * and the status for each enum dbrc are h_tenant.c's).
 * Every change is one transaction with its audit row, and moves the
 * tenant's updated_at (strictly: at least one microsecond) and version,
 * so that frontends keying their caches on updated_at refresh. Nothing
 * is cached: every call reads the database.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* Columns of TN_COLS and TAPP_COLS (db_sql.c). */
enum { TC_ID, TC_UID, TC_MKT, TC_MKT_NID, TC_NAME, TC_DOMAIN, TC_META,
    TC_FECONF, TC_CREATED, TC_UPDATED, TC_VERSION, TC_TMODE, TC_NAPPS };
enum { AC_ID, AC_TENANT, AC_APP, AC_APP_UID, AC_APP_NID, AC_APP_NAME,
    AC_RANK, AC_FEATURED, AC_LIVE, AC_CREATED, AC_UPDATED };

void
tenant_free(struct tenant *t)
{
	if (t == NULL)
		return;
	free(t->uid);
	free(t->mkt_nid);
	free(t->name);
	free(t->domain);
	free(t->metadata);
	free(t->frontend_config);
	free(t->created_at);
	free(t->updated_at);
	free(t);
}

void
tenant_list_free(struct tenant **ts, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		tenant_free(ts[i]);
	free(ts);
}

static char *
cell_dup(const struct dbres *rs, size_t row, size_t col)
{
	const char	*s = dbres_str(rs, row, col);

	return xstrdup(s ? s : "");
}

static struct tenant *
tenant_row(const struct dbres *rs, size_t i)
{
	struct tenant	*t;

	t = xcalloc(1, sizeof(*t));
	t->id = dbres_int(rs, i, TC_ID);
	t->uid = cell_dup(rs, i, TC_UID);
	t->mkt_id = dbres_int(rs, i, TC_MKT);
	t->mkt_nid = cell_dup(rs, i, TC_MKT_NID);
	t->name = cell_dup(rs, i, TC_NAME);
	t->domain = cell_dup(rs, i, TC_DOMAIN);
	t->metadata = cell_dup(rs, i, TC_META);
	t->frontend_config = cell_dup(rs, i, TC_FECONF);
	t->created_at = cell_dup(rs, i, TC_CREATED);
	t->updated_at = cell_dup(rs, i, TC_UPDATED);
	t->version = dbres_int(rs, i, TC_VERSION);
	t->app_mgmt_tenant = dbres_int(rs, i, TC_TMODE) == 1;
	t->napps = dbres_int(rs, i, TC_NAPPS);
	return t;
}

/*
 * Tenant id, limited to marketplace mkt unless 0. 1 with *out (owned;
 * tenant_free), 0 none, -1 error.
 */
int
db_tenant_get(struct dbx *dx, long long id, long long mkt, struct tenant **out)
{
	struct dbres	*rs;
	struct dbp	 p[3];
	int		 rc;

	*out = NULL;
	p[0] = dbp_int(id);
	p[1] = dbp_int(mkt);
	p[2] = dbp_int(mkt);
	if (db_query(dx->db, STMT_TENANT_GET, p, 3, &rs) == -1)
		return -1;
	if ((rc = rs->nrow == 1))
		*out = tenant_row(rs, 0);
	dbres_free(rs);
	return rc;
}

/*
 * A page of tenants (ordered by id) and the total matching f. 0 with
 * *out (owned; tenant_list_free), *n and *total, or -1.
 */
int
db_tenant_list(struct dbx *dx, const struct tenant_filter *f,
    struct tenant ***out, size_t *n, long long *total)
{
	struct dbres	*rs = NULL;
	struct dbp	 p[7];
	size_t		 i;

	*out = NULL;
	*n = 0;
	p[0] = dbp_int(f->mkt_id);
	p[1] = dbp_int(f->mkt_id);
	p[2] = dbp_str(f->q);
	p[3] = dbp_str(f->q);
	p[4] = dbp_str(f->q);
	p[5] = dbp_int(f->limit);
	p[6] = dbp_int(f->offset);
	if (db_query(dx->db, STMT_TENANT_COUNT, p, 5, &rs) == -1)
		return -1;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	if (db_query(dx->db, STMT_TENANT_LIST, p, 7, &rs) == -1)
		return -1;
	*out = xcalloc(rs->nrow + 1, sizeof(**out));
	for (i = 0; i < rs->nrow; i++)
		(*out)[i] = tenant_row(rs, i);
	*n = rs->nrow;
	dbres_free(rs);
	return 0;
}

/* A snapshot of a tenant for the audit log (no secrets); owned. */
static struct json_object *
tenant_audit(const struct tenant *t)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_str(o, "uid", t->uid);
	jadd_str(o, "marketplace", t->mkt_nid);
	jadd_str(o, "name", t->name);
	jadd_str(o, "domain", t->domain);
	jadd(o, "metadata", json_from_text(t->metadata));
	jadd(o, "frontend_config", json_from_text(t->frontend_config));
	jadd_int(o, "version", t->version);
	return o;
}

/*
 * Inside a transaction: lock tenant id in scope mkt. 1 with *version and
 * *mkt_id, 0 none, -1 error.
 */
static int
tenant_lock(struct dbx *dx, long long id, long long mkt, long long *version,
    long long *mkt_id)
{
	struct dbres	*rs;
	struct dbp	 p[3];
	int		 rc;

	p[0] = dbp_int(id);
	p[1] = dbp_int(mkt);
	p[2] = dbp_int(mkt);
	if (db_query(dx->db, STMT_TENANT_LOCK, p, 3, &rs) == -1)
		return -1;
	if ((rc = rs->nrow == 1)) {
		*version = dbres_int(rs, 0, 0);
		*mkt_id = dbres_int(rs, 0, 1);
	}
	dbres_free(rs);
	return rc;
}

/* Move updated_at and version of tenant id. 0 or -1. */
static int
tenant_touch(struct dbx *dx, long long id)
{
	struct dbp	 p = dbp_int(id);

	return db_exec(dx->db, STMT_TENANT_TOUCH, &p, 1, NULL, NULL) == 1 ?
	    0 : -1;
}

/* Add a tenant credential for uid; *key gets the clear key (owned). */
static int
tenant_cred_add(struct dbx *dx, long long id, const char *uid, char **key)
{
	struct dbp	 p[4];
	unsigned char	 h[32];
	char		*k;

	*key = NULL;
	k = crypto_token("tk_");
	crypto_sha256(k, strlen(k), h);
	p[0] = dbp_str("tenant");
	p[1] = dbp_str(uid);
	p[2] = dbp_blob(h, sizeof(h));
	p[3] = dbp_int(id);
	if (db_exec(dx->db, STMT_CRED_ADD, p, 4, NULL, NULL) != 1) {
		explicit_bzero(k, strlen(k));
		free(k);
		return -1;
	}
	*key = k;
	return 0;
}

static void
key_free(char *k)
{
	if (k != NULL)
		explicit_bzero(k, strlen(k));
	free(k);
}

/*
 * Create a tenant (in validated by tenant_in_check) with its key.
 * Returns enum dbrc; on DBRC_OK *id and *key (owned, show once) are set.
 */
int
db_tenant_create(struct dbx *dx, const struct tenant_in *in, long long *id,
    char **key, int (*fin)(void *, long long, void *), void *arg)
{
	struct tenant		*t = NULL;
	struct json_object	*after;
	struct dbres		*rs;
	struct dbp		 p[6];
	unsigned long long	 lid;
	unsigned char		 rnd[8];
	char			*uid, *k = NULL;
	long long		 mkt;
	int			 rc;

	*id = 0;
	*key = NULL;

	/* The owning marketplace must exist. */
	p[0] = dbp_int(in->mkt_id);
	p[1] = dbp_str(in->mkt_nid);
	if (db_query(dx->db, STMT_TENANT_MKT, p, 2, &rs) == -1)
		return DBRC_ERR;
	mkt = rs->nrow == 1 ? dbres_int(rs, 0, 0) : 0;
	dbres_free(rs);
	if (mkt == 0)
		return DBRC_NOMKT;

	if (in->uid != NULL)
		uid = xstrdup(in->uid);
	else {
		char	*hex;

		crypto_random(rnd, sizeof(rnd));
		hex = hex_encode(rnd, sizeof(rnd));
		uid = xasprintf("tnt_%s", hex);
		free(hex);
	}
	if (db_tx_begin(dx->db) == -1) {
		free(uid);
		return DBRC_ERR;
	}
	p[0] = dbp_str(uid);
	p[1] = dbp_int(mkt);
	p[2] = dbp_str(in->name);
	p[3] = dbp_str(in->domain ? in->domain : "");
	p[4] = dbp_str(in->metadata_c ? in->metadata_c :
	    "{\"app_management\":\"marketplace\"}");
	p[5] = dbp_str(in->feconf_c ? in->feconf_c : "{}");
	if ((rc = db_exec(dx->db, STMT_TENANT_ADD, p, 6, NULL, &lid)) != 1) {
		rc = rc == 0 ? DBRC_DUP : DBRC_ERR;
		goto fail;
	}
	rc = DBRC_ERR;
	if (tenant_cred_add(dx, (long long)lid, uid, &k) == -1)
		goto fail;
	if (db_tenant_get(dx, (long long)lid, 0, &t) != 1)
		goto fail;
	after = tenant_audit(t);
	if (db_audit(dx, "tenant.create", "tenant", t->id, NULL, after) == -1) {
		json_object_put(after);
		goto fail;
	}
	json_object_put(after);
	*key = k;
	if (fin != NULL && (rc = fin(dx->up, (long long)lid, arg)) != 1) {
		rc = rc == -1 ? DBRC_ERR : DBRC_REFUSED;
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1) {
		rc = DBRC_ERR;
		goto fail;
	}
	tenant_free(t);
	free(uid);
	*id = (long long)lid;
	*key = k;
	return DBRC_OK;
fail:
	db_tx_rollback(dx->db);
	*key = NULL;
	tenant_free(t);
	free(uid);
	key_free(k);
	return rc;
}

/*
 * Update tenant id in scope mkt from in (NULL fields unchanged); version
 * 0 skips the optimistic check. Returns enum dbrc.
 */
int
db_tenant_update(struct dbx *dx, long long id, long long mkt,
    long long version, const struct tenant_in *in)
{
	struct tenant		*b = NULL, *a = NULL;
	struct json_object	*jb = NULL, *ja = NULL;
	struct dbp		 p[5];
	long long		 v, m;
	int			 rc = DBRC_ERR;

	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, id, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto out;
	}
	if (version != 0 && version != v) {
		rc = DBRC_STALE;
		goto out;
	}
	rc = DBRC_ERR;
	if (db_tenant_get(dx, id, 0, &b) != 1)
		goto out;
	p[0] = dbp_str(in->name);
	p[1] = dbp_str(in->domain);
	p[2] = dbp_str(in->metadata_c);
	p[3] = dbp_str(in->feconf_c);
	p[4] = dbp_int(id);
	if (db_exec(dx->db, STMT_TENANT_UPDATE, p, 5, NULL, NULL) != 1)
		goto out;
	if (db_tenant_get(dx, id, 0, &a) != 1)
		goto out;
	jb = tenant_audit(b);
	ja = tenant_audit(a);
	if (db_audit_commit(dx, "tenant.update", "tenant", id, jb, ja) == -1)
		goto out;
	rc = DBRC_OK;
out:
	if (rc != DBRC_OK)
		db_tx_rollback(dx->db);
	json_object_put(jb);
	json_object_put(ja);
	tenant_free(b);
	tenant_free(a);
	return rc;
}

/*
 * Delete tenant id in scope mkt with its keys and relations; version 0
 * skips the check. Returns enum dbrc.
 */
int
db_tenant_delete(struct dbx *dx, long long id, long long mkt,
    long long version)
{
	struct tenant		*b = NULL;
	struct json_object	*jb = NULL;
	struct dbp		 p;
	long long		 v, m;
	int			 rc;

	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, id, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto out;
	}
	if (version != 0 && version != v) {
		rc = DBRC_STALE;
		goto out;
	}
	rc = DBRC_ERR;
	if (db_tenant_get(dx, id, 0, &b) != 1)
		goto out;
	p = dbp_int(id);
	if (db_exec(dx->db, STMT_TENANT_CRED_DEL, &p, 1, NULL, NULL) != 1 ||
	    db_exec(dx->db, STMT_TENANT_DEL, &p, 1, NULL, NULL) != 1)
		goto out;
	jb = tenant_audit(b);
	jadd_int(jb, "tenant_apps", b->napps);
	if (db_audit_commit(dx, "tenant.delete", "tenant", id, jb, NULL) == -1)
		goto out;
	rc = DBRC_OK;
out:
	if (rc != DBRC_OK)
		db_tx_rollback(dx->db);
	json_object_put(jb);
	tenant_free(b);
	return rc;
}

/*
 * A new key for tenant id in scope mkt; the current keys expire after
 * grace seconds (0: now). Returns enum dbrc, with *key (owned, show
 * once) on DBRC_OK.
 */
int
db_tenant_rotate_key(struct dbx *dx, long long id, long long mkt,
    long long grace, char **key)
{
	struct tenant		*t = NULL;
	struct json_object	*ja = NULL;
	struct dbp		 p[4];
	char			*k = NULL;
	long long		 v, m;
	int			 rc;

	*key = NULL;
	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, id, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto out;
	}
	rc = DBRC_ERR;
	if (db_tenant_get(dx, id, 0, &t) != 1)
		goto out;
	p[0] = dbp_int(grace);
	p[1] = dbp_str("tenant");
	p[2] = dbp_int(id);
	p[3] = dbp_int(grace);
	if (db_exec(dx->db, STMT_CRED_EXPIRE, p, 4, NULL, NULL) != 1 ||
	    tenant_cred_add(dx, id, t->uid, &k) == -1)
		goto out;
	ja = json_object_new_object();
	jadd_str(ja, "uid", t->uid);
	jadd_int(ja, "old_keys_grace_seconds", grace);
	if (db_audit_commit(dx, "tenant.rotate_key", "tenant", id, NULL,
	    ja) == -1)
		goto out;
	*key = k;
	k = NULL;
	rc = DBRC_OK;
out:
	if (rc != DBRC_OK)
		db_tx_rollback(dx->db);
	key_free(k);
	json_object_put(ja);
	tenant_free(t);
	return rc;
}

void
tenant_app_free(struct tenant_app *ta)
{
	if (ta == NULL)
		return;
	free(ta->app_uid);
	free(ta->app_nid);
	free(ta->app_name);
	free(ta->created_at);
	free(ta->updated_at);
	free(ta);
}

void
tenant_app_list_free(struct tenant_app **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		tenant_app_free(v[i]);
	free(v);
}

static struct tenant_app *
tapp_row(const struct dbres *rs, size_t i)
{
	struct tenant_app	*ta;

	ta = xcalloc(1, sizeof(*ta));
	ta->id = dbres_int(rs, i, AC_ID);
	ta->tenant_id = dbres_int(rs, i, AC_TENANT);
	ta->app_id = dbres_int(rs, i, AC_APP);
	ta->app_uid = cell_dup(rs, i, AC_APP_UID);
	ta->app_nid = cell_dup(rs, i, AC_APP_NID);
	ta->app_name = cell_dup(rs, i, AC_APP_NAME);
	ta->has_rank = !dbres_null(rs, i, AC_RANK);
	ta->rank = dbres_int(rs, i, AC_RANK);
	ta->featured = dbres_int(rs, i, AC_FEATURED) != 0;
	ta->live = dbres_int(rs, i, AC_LIVE) != 0;
	ta->created_at = cell_dup(rs, i, AC_CREATED);
	ta->updated_at = cell_dup(rs, i, AC_UPDATED);
	return ta;
}

/*
 * The relations of tenant tid in scope mkt, in catalog order (rank,
 * unranked last, then app name). 1 with *out (owned;
 * tenant_app_list_free) and *n, 0 no such tenant, -1 error.
 */
int
db_tenant_app_list(struct dbx *dx, long long tid, long long mkt,
    struct tenant_app ***out, size_t *n)
{
	struct tenant	*t;
	struct dbres	*rs;
	struct dbp	 p;
	size_t		 i;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_tenant_get(dx, tid, mkt, &t)) != 1)
		return rc;
	tenant_free(t);
	p = dbp_int(tid);
	if (db_query(dx->db, STMT_TAPP_LIST, &p, 1, &rs) == -1)
		return -1;
	*out = xcalloc(rs->nrow + 1, sizeof(**out));
	for (i = 0; i < rs->nrow; i++)
		(*out)[i] = tapp_row(rs, i);
	*n = rs->nrow;
	dbres_free(rs);
	return 1;
}

/*
 * Relation taid of tenant tid in scope mkt. 1 with *out (owned), 0 none
 * (or tenant out of scope), -1 error.
 */
int
db_tenant_app_get(struct dbx *dx, long long tid, long long mkt,
    long long taid, struct tenant_app **out)
{
	struct tenant	*t;
	struct dbres	*rs;
	struct dbp	 p[2];
	int		 rc;

	*out = NULL;
	if ((rc = db_tenant_get(dx, tid, mkt, &t)) != 1)
		return rc;
	tenant_free(t);
	p[0] = dbp_int(tid);
	p[1] = dbp_int(taid);
	if (db_query(dx->db, STMT_TAPP_GET, p, 2, &rs) == -1)
		return -1;
	if ((rc = rs->nrow == 1))
		*out = tapp_row(rs, 0);
	dbres_free(rs);
	return rc;
}

/*
 * Resolve an app reference (decimal id, uid or nid) and tell whether it
 * is live on marketplace mkt and attached to tenant tid. 1 with *app_id,
 * *live, *attached; 0 no such app; -1 error.
 */
static int
app_state(struct dbx *dx, const char *ref, long long app_id, long long mkt,
    long long tid, long long *out, int *live, int *attached)
{
	struct dbres	*rs;
	struct dbp	 p[5];
	long long	 id = app_id;

	*out = 0;
	*live = *attached = 0;
	if (ref != NULL) {
		if (!valid_id(ref, &id))
			id = -1;
		p[0] = dbp_int(id);
		p[1] = dbp_str(ref);
		p[2] = dbp_str(ref);
		p[3] = dbp_int(id);
		p[4] = dbp_str(ref);
		if (db_query(dx->db, STMT_TAPP_APP, p, 5, &rs) == -1)
			return -1;
		id = rs->nrow == 1 ? dbres_int(rs, 0, 0) : 0;
		dbres_free(rs);
	}
	p[0] = dbp_int(id);
	p[1] = dbp_int(mkt);
	p[2] = dbp_int(tid);
	p[3] = dbp_int(id);
	if (db_query(dx->db, STMT_TAPP_STATE, p, 4, &rs) == -1)
		return -1;
	*live = dbres_int(rs, 0, 0) != 0;
	*attached = dbres_int(rs, 0, 1) != 0;
	dbres_free(rs);
	*out = id;
	return id > 0 ? 1 : 0;
}

static struct json_object *
tapp_audit(const struct tenant_app *ta)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "tenant_id", ta->tenant_id);
	jadd_int(o, "app_id", ta->app_id);
	jadd_str(o, "app_nid", ta->app_nid);
	jadd(o, "rank", ta->has_rank ? json_object_new_int64(ta->rank) :
	    NULL);
	jadd_bool(o, "featured", ta->featured);
	return o;
}

/*
 * Finish a relation change: touch the tenant, audit, commit. The audit
 * target is relation id, or (id 0: a bulk change of several) tenant tid.
 */
static int
tapp_finish(struct dbx *dx, long long tid, const char *action, long long id,
    struct json_object *before, struct json_object *after)
{
	int	 rc = DBRC_ERR;

	if (tenant_touch(dx, tid) == 0 &&
	    db_audit(dx, action, id ? "tenant_app" : "tenant", id ? id : tid,
	    before, after) == 0 &&
	    db_tx_commit(dx->db) == 0)
		rc = DBRC_OK;
	json_object_put(before);
	json_object_put(after);
	return rc;
}

/*
 * Attach the app in->app to tenant tid in scope mkt (in validated by
 * tenant_app_in_check). Returns enum dbrc: DBRC_NOTLIVE when the app
 * does not exist or is not live on the tenant's marketplace, DBRC_DUP
 * when it is already attached; *id on DBRC_OK.
 */
int
db_tenant_app_create(struct dbx *dx, long long tid, long long mkt,
    const struct tenant_app_in *in, long long *id)
{
	struct tenant_app	*ta = NULL;
	struct dbp		 p[4];
	unsigned long long	 lid;
	long long		 v, m, app;
	int			 rc, live, att;

	*id = 0;
	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, tid, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto fail;
	}
	if ((rc = app_state(dx, in->app, 0, m, tid, &app, &live, &att)) == -1) {
		rc = DBRC_ERR;
		goto fail;
	}
	if (rc == 0 || !live) {
		rc = DBRC_NOTLIVE;
		goto fail;
	}
	if (att) {
		rc = DBRC_DUP;
		goto fail;
	}
	p[0] = dbp_int(tid);
	p[1] = dbp_int(app);
	p[2] = in->rank_null ? dbp_null() : dbp_int(in->rank_v);
	p[3] = dbp_int(in->featured == 1);
	if ((rc = db_exec(dx->db, STMT_TAPP_ADD, p, 4, NULL, &lid)) != 1) {
		rc = rc == 0 ? DBRC_DUP : DBRC_ERR;
		goto fail;
	}
	if ((rc = db_tenant_app_get(dx, tid, 0, (long long)lid, &ta)) != 1) {
		if (rc == 0)
			log_warnx("tenant app %llu of tenant %lld: inserted, "
			    "not found in the same transaction", lid, tid);
		rc = DBRC_ERR;
		goto fail;
	}
	rc = tapp_finish(dx, tid, "tenant_app.create", (long long)lid, NULL,
	    tapp_audit(ta));
	tenant_app_free(ta);
	if (rc != DBRC_OK)
		goto fail;
	*id = (long long)lid;
	return DBRC_OK;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * Edit relation taid of tenant tid in scope mkt: point it at another app
 * (in->app, which must be live and not yet attached), set rank (in->rank
 * not NULL) or featured (in->featured not -1). Returns enum dbrc.
 */
int
db_tenant_app_update(struct dbx *dx, long long tid, long long mkt,
    long long taid, const struct tenant_app_in *in)
{
	struct tenant_app	*b = NULL, *a = NULL;
	struct dbp		 p[5];
	long long		 v, m, app;
	int			 rc, live, att;

	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, tid, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto fail;
	}
	if ((rc = db_tenant_app_get(dx, tid, 0, taid, &b)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto fail;
	}
	app = b->app_id;
	if (in->app != NULL) {
		if ((rc = app_state(dx, in->app, 0, m, tid, &app, &live,
		    &att)) == -1) {
			rc = DBRC_ERR;
			goto fail;
		}
		if (rc == 0 || !live) {
			rc = DBRC_NOTLIVE;
			goto fail;
		}
		if (att && app != b->app_id) {
			rc = DBRC_DUP;
			goto fail;
		}
	}
	p[0] = dbp_int(app);
	if (in->rank == NULL)
		p[1] = b->has_rank ? dbp_int(b->rank) : dbp_null();
	else
		p[1] = in->rank_null ? dbp_null() : dbp_int(in->rank_v);
	p[2] = dbp_int(in->featured == -1 ? b->featured : in->featured);
	p[3] = dbp_int(taid);
	p[4] = dbp_int(tid);
	if ((rc = db_exec(dx->db, STMT_TAPP_UPDATE, p, 5, NULL, NULL)) != 1) {
		rc = rc == 0 ? DBRC_DUP : DBRC_ERR;
		goto fail;
	}
	if (db_tenant_app_get(dx, tid, 0, taid, &a) != 1) {
		rc = DBRC_ERR;
		goto fail;
	}
	rc = tapp_finish(dx, tid, "tenant_app.update", taid, tapp_audit(b),
	    tapp_audit(a));
	tenant_app_free(a);
	tenant_app_free(b);
	if (rc != DBRC_OK)
		db_tx_rollback(dx->db);
	return rc;
fail:
	db_tx_rollback(dx->db);
	tenant_app_free(b);
	return rc;
}

/* Delete relation taid of tenant tid in scope mkt. Returns enum dbrc. */
int
db_tenant_app_delete(struct dbx *dx, long long tid, long long mkt,
    long long taid)
{
	struct tenant_app	*b = NULL;
	struct dbp		 p[2];
	long long		 v, m;
	int			 rc;

	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, tid, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto fail;
	}
	if ((rc = db_tenant_app_get(dx, tid, 0, taid, &b)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto fail;
	}
	p[0] = dbp_int(taid);
	p[1] = dbp_int(tid);
	if (db_exec(dx->db, STMT_TAPP_DEL, p, 2, NULL, NULL) != 1) {
		rc = DBRC_ERR;
		goto fail;
	}
	rc = tapp_finish(dx, tid, "tenant_app.delete", taid, tapp_audit(b),
	    NULL);
	tenant_app_free(b);
	if (rc != DBRC_OK)
		db_tx_rollback(dx->db);
	return rc;
fail:
	db_tx_rollback(dx->db);
	tenant_app_free(b);
	return rc;
}

/*
 * Bulk enable/disable for tenant tid in scope mkt, one transaction.
 * Returns enum dbrc (see extern.h); *changed counts rows changed; *bad
 * (may be NULL) names the refused id on DBRC_NOTLIVE.
 */
int
db_tenant_apps_bulk(struct dbx *dx, long long tid, long long mkt,
    const long long *en, size_t nen, const long long *dis, size_t ndis,
    long long *changed, struct bulk_bad *bad)
{
	struct json_object	*after = NULL, *ja, *jd;
	struct dbp		 p[2];
	unsigned long long	 n;
	long long		 v, m, app, ch = 0;
	size_t			 i;
	int			 rc, live, att;

	if (changed != NULL)
		*changed = 0;
	if (db_tx_begin(dx->db) == -1)
		return DBRC_ERR;
	if ((rc = tenant_lock(dx, tid, mkt, &v, &m)) != 1) {
		rc = rc == 0 ? DBRC_NONE : DBRC_ERR;
		goto fail;
	}
	after = json_object_new_object();
	ja = json_object_new_array();
	jd = json_object_new_array();
	jadd(after, "enabled", ja);
	jadd(after, "disabled", jd);
	for (i = 0; i < nen + ndis; i++) {
		int	 enable = i < nen;
		long long id = enable ? en[i] : dis[i - nen];
		if ((rc = app_state(dx, NULL, id, m, tid, &app, &live,
		    &att)) == -1) {
			rc = DBRC_ERR;
			goto fail;
		}
		/*
		 * An admin or the marketplace may drop the relation of an
		 * app that is not live (it is kept across an unpublish);
		 * the tenant itself sees live apps only, so for it such an
		 * id is as unknown as any other, and the relation stays.
		 */
		if (rc == 0 || (enable && !live) || (!enable && !live &&
		    (!att || dx->pr->kind == PK_TENANT))) {
			if (bad != NULL) {
				bad->index = enable ? i : i - nen;
				bad->app = id;
			}
			rc = DBRC_NOTLIVE;
			goto fail;
		}
		p[0] = dbp_int(tid);
		p[1] = dbp_int(app);
		if (db_exec(dx->db, enable ? STMT_TAPP_ADD_IGNORE :
		    STMT_TAPP_DEL_APP, p, 2, &n, NULL) != 1) {
			rc = DBRC_ERR;
			goto fail;
		}
		if (n > 0) {
			ch++;
			jappend(enable ? ja : jd, json_object_new_int64(app));
		}
	}
	if (ch > 0) {
		rc = tapp_finish(dx, tid, "tenant_app.bulk", 0, NULL, after);
		after = NULL;
		if (rc != DBRC_OK)
			goto fail;
	} else if (db_tx_commit(dx->db) == -1) {
		rc = DBRC_ERR;
		goto fail;
	}
	json_object_put(after);
	if (changed != NULL)
		*changed = ch;
	return DBRC_OK;
fail:
	db_tx_rollback(dx->db);
	json_object_put(after);
	return rc;
}

