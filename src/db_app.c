/*
 * Providers, apps, environments and listings: typed access for
 * h_provider.c, h_app.c, h_listing.c and h_config.c. Every change runs
 * in one transaction with its audit row (and, for a listing, its
 * history row). Provider and environment secrets are returned once
 * and stored as SHA-256; a listing's hub key is sealed with the
 * configuration's data key.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define APP_FIXED	7	/* columns before the APPF_ fields */
#define ENV_FIXED	6	/* columns before the ENVF_ fields */
#define HUB_KEY_BYTES	32
#define HUB_ID_BYTES	4
#define HUB_ID_TRIES	4

const char *const lstate_names[LS__MAX] = {
	[LS_NONE] = NULL,
	[LS_SUBMITTED] = "submitted",
	[LS_APPROVED] = "approved",
	[LS_REJECTED] = "rejected",
	[LS_UNPUBLISHED] = "unpublished",
};

/*
 * The legal transitions: for each action, the state it leads to from
 * each state, or LS_NONE when the move is not allowed (409).
 */
static const enum lstate ltrans[LA__MAX][LS__MAX] = {
	[LA_REQUEST] = {
		[LS_NONE] = LS_SUBMITTED,
		[LS_REJECTED] = LS_SUBMITTED,
		[LS_UNPUBLISHED] = LS_SUBMITTED,
	},
	[LA_APPROVE] = {
		[LS_SUBMITTED] = LS_APPROVED,
		[LS_UNPUBLISHED] = LS_APPROVED,
	},
	[LA_REJECT] = {
		[LS_SUBMITTED] = LS_REJECTED,
	},
	[LA_UNPUBLISH] = {
		[LS_APPROVED] = LS_UNPUBLISHED,
	},
	[LA_PUBLISH] = {
		[LS_NONE] = LS_APPROVED,
		[LS_SUBMITTED] = LS_APPROVED,
		[LS_REJECTED] = LS_APPROVED,
		[LS_UNPUBLISHED] = LS_APPROVED,
	},
};

static const char *const lact_names[LA__MAX] = {
	[LA_REQUEST] = "listing.request",
	[LA_APPROVE] = "listing.approve",
	[LA_REJECT] = "listing.reject",
	[LA_UNPUBLISH] = "listing.unpublish",
	[LA_PUBLISH] = "listing.publish",
};

/* A scope member as a parameter: NULL (anyone) when 0. */
static struct dbp
dbp_scope(long long v)
{
	return v > 0 ? dbp_int(v) : dbp_null();
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

/*
 * A credential of kind for owner under key, with a new 256-bit secret
 * (64 hex; owned by the caller, shown once); only its SHA-256 is
 * stored. Inside the caller's transaction. 1, 0 (duplicate) or -1.
 */
static int
cred_new(struct dbx *dx, const char *kind, long long owner, const char *key,
    char **secret)
{
	unsigned char	 h[32];
	struct dbp	 p[4];
	char		*s;
	int		 rc;

	*secret = NULL;
	s = crypto_token("");
	crypto_sha256(s, strlen(s), h);
	p[0] = dbp_str(kind);
	p[1] = dbp_str(key);
	p[2] = dbp_blob(h, sizeof(h));
	p[3] = dbp_int(owner);
	if ((rc = db_exec(dx->db, STMT_CRED_ADD, p, 4, NULL, NULL)) != 1) {
		explicit_bzero(s, strlen(s));
		free(s);
		return rc;
	}
	*secret = s;
	return 1;
}

/* Wipe and free a secret (NULL is fine). */
void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* A fresh "<prefix><16 hex>" key id; owned. */
static char *
key_new(const char *prefix)
{
	unsigned char	 raw[8];
	char		*hex, *k;

	crypto_random(raw, sizeof(raw));
	hex = hex_encode(raw, sizeof(raw));
	k = xasprintf("%s%s", prefix, hex);
	free(hex);
	return k;
}

/*
 * Create a provider with its credential. Returns 1 with *key, *secret
 * (owned; show the secret once) and *id set, 0 if the nid exists (or
 * fin refused), -1 on error. fin runs inside the transaction.
 */
int
db_provider_create(struct dbx *dx, const char *nid, const char *name,
    const char *email, char **key, char **secret, long long *id,
    int (*fin)(void *, long long, void *), void *arg)
{
	struct json_object	*after;
	struct dbp		 p[4];
	unsigned long long	 lid;
	char			*k, *s = NULL;
	int			 rc = -1;

	*key = *secret = NULL;
	k = key_new("pk_");
	if (db_tx_begin(dx->db) == -1) {
		free(k);
		return -1;
	}
	p[0] = dbp_str(nid);
	p[1] = dbp_str(name);
	p[2] = dbp_str(email);
	p[3] = dbp_str(k);
	if ((rc = db_exec(dx->db, STMT_PROVIDER_ADD, p, 4, NULL, &lid)) != 1)
		goto fail;
	if ((rc = cred_new(dx, "provider", (long long)lid, k, &s)) != 1)
		goto fail;
	after = json_object_new_object();
	jadd_str(after, "nid", nid);
	jadd_str(after, "name", name);
	jadd_str(after, "email", email);
	jadd_str(after, "api_key", k);
	rc = db_audit(dx, "provider.create", "provider", (long long)lid, NULL,
	    after) == 0 ? 1 : -1;
	json_object_put(after);
	if (rc != 1)
		goto fail;
	*key = k;
	*secret = s;
	*id = (long long)lid;
	if (fin != NULL && (rc = fin(dx->up, (long long)lid, arg)) != 1)
		goto fail;
	if (db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	return 1;
fail:
	db_tx_rollback(dx->db);
	*key = *secret = NULL;
	free(k);
	secret_free(s);
	return rc;
}

/* Columns of PROVIDER_COLS. */
enum {
	PR_ID, PR_NID, PR_NAME, PR_EMAIL, PR_API_KEY, PR_CREATED, PR_UPDATED
};

/* The rows of rs as providers, into l (which takes rs). */
static void
provider_rows(struct dbres *rs, struct provider_list *l)
{
	struct provider	*v;
	size_t		 i;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		v = &l->v[i];
		v->id = dbres_int(rs, i, PR_ID);
		v->nid = dbres_str(rs, i, PR_NID);
		v->name = dbres_str(rs, i, PR_NAME);
		v->email = dbres_str(rs, i, PR_EMAIL);
		v->api_key = dbres_str(rs, i, PR_API_KEY);
		v->created_at = dbres_str(rs, i, PR_CREATED);
		v->updated_at = dbres_str(rs, i, PR_UPDATED);
	}
}

void
provider_list_free(struct provider_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/* The one-row answer of statement st to *p: 1 with l->v[0], 0, -1. */
static int
provider_row(struct dbx *dx, enum stmt st, const struct dbp *p,
    struct provider_list *l)
{
	struct dbres	*rs;

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, st, p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return 0;
	}
	provider_rows(rs, l);
	return 1;
}

/*
 * Provider id: 1 with l->v[0] (l owned: provider_list_free), 0 if none,
 * -1.
 */
int
db_provider_get(struct dbx *dx, long long id, struct provider_list *l)
{
	struct dbp	 p = dbp_int(id);

	return provider_row(dx, STMT_PROVIDER_GET, &p, l);
}

/* The provider with nid, as db_provider_get. */
int
db_provider_by_nid(struct dbx *dx, const char *nid, struct provider_list *l)
{
	struct dbp	 p = dbp_str(nid);

	return provider_row(dx, STMT_PROVIDER_BY_NID, &p, l);
}

/* A page of providers and the total. 0 with *l (owned), or -1. */
int
db_provider_list(struct dbx *dx, long long limit, long long offset,
    struct provider_list *l, long long *total)
{
	struct dbres	*rs;
	struct dbp	 p[2];

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_PROVIDER_COUNT, NULL, 0, &rs) == -1)
		return -1;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	p[0] = dbp_int(limit);
	p[1] = dbp_int(offset);
	if (db_query(dx->db, STMT_PROVIDER_LIST, p, 2, &rs) == -1)
		return -1;
	provider_rows(rs, l);
	return 0;
}

void
db_app_free(struct app *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	free(a->uid);
	free(a->provider);
	free(a->created_at);
	free(a->updated_at);
	for (i = 0; i < APPF__MAX; i++)
		free(a->f[i]);
	free(a);
}

/* Row i of an APP_COLS result as an owned struct app. */
static struct app *
app_row(const struct dbres *rs, size_t i)
{
	struct app	*a;
	size_t		 k;

	a = xcalloc(1, sizeof(*a));
	a->id = dbres_int(rs, i, 0);
	a->uid = dup_or_null(dbres_str(rs, i, 1));
	a->provider_id = dbres_int(rs, i, 2);
	a->provider = dup_or_null(dbres_str(rs, i, 3));
	a->version = dbres_int(rs, i, 4);
	a->created_at = dup_or_null(dbres_str(rs, i, 5));
	a->updated_at = dup_or_null(dbres_str(rs, i, 6));
	for (k = 0; k < APPF__MAX; k++)
		a->f[k] = dup_or_null(dbres_str(rs, i, APP_FIXED + k));
	return a;
}

/*
 * The app id as seen by scope (another provider's app does not exist).
 * 1 with *out (owned, db_app_free), 0 if none, -1.
 */
int
db_app_get(struct dbx *dx, long long id, const struct scope *sc,
    struct app **out)
{
	struct dbres	*rs;
	struct dbp	 p[3];
	int		 rc = 0;

	*out = NULL;
	p[0] = dbp_int(id);
	p[1] = dbp_scope(sc->provider_id);
	p[2] = dbp_scope(sc->provider_id);
	if (db_query(dx->db, STMT_APP_GET, p, 3, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		*out = app_row(rs, 0);
		rc = 1;
	}
	dbres_free(rs);
	return rc;
}

/*
 * A page of the apps scope sees. 0 with *out (owned array of owned
 * apps), *n and *total, or -1.
 */
int
db_app_list(struct dbx *dx, const struct scope *sc, long long limit,
    long long offset, struct app ***out, size_t *n, long long *total)
{
	struct dbres	*rs;
	struct dbp	 p[4];
	size_t		 i;

	*out = NULL;
	*n = 0;
	p[0] = dbp_scope(sc->provider_id);
	p[1] = dbp_scope(sc->provider_id);
	if (db_query(dx->db, STMT_APP_COUNT, p, 2, &rs) == -1)
		return -1;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	p[2] = dbp_int(limit);
	p[3] = dbp_int(offset);
	if (db_query(dx->db, STMT_APP_LIST, p, 4, &rs) == -1)
		return -1;
	*out = xcalloc(rs->nrow + 1, sizeof(struct app *));
	for (i = 0; i < rs->nrow; i++)
		(*out)[i] = app_row(rs, i);
	*n = rs->nrow;
	dbres_free(rs);
	return 0;
}

/*
 * Inside a create's transaction: read the new row id back (statement
 * st with id and, for an environment, its app id; an app is read in
 * any scope) and set "id", "version", "created_at" and "updated_at" of
 * the audit snapshot after from columns cv, cc and cu, so the audit
 * row records the row as committed. 0 or -1.
 */
static int
row_stamp(struct dbx *dx, enum stmt st, long long id, long long app_id,
    size_t cv, size_t cc, size_t cu, struct json_object *after)
{
	struct dbres	*rs;
	struct dbp	 p[3];
	size_t		 np;

	p[0] = dbp_int(id);
	if (st == STMT_APP_GET) {
		p[1] = p[2] = dbp_null();
		np = 3;
	} else {
		p[1] = dbp_int(app_id);
		np = 2;
	}
	if (db_query(dx->db, st, p, np, &rs) == -1)
		return -1;
	if (rs->nrow != 1) {
		dbres_free(rs);
		return -1;
	}
	jadd_int(after, "id", id);
	jadd_int(after, "version", dbres_int(rs, 0, cv));
	jadd_str(after, "created_at", dbres_str(rs, 0, cc));
	jadd_str(after, "updated_at", dbres_str(rs, 0, cu));
	dbres_free(rs);
	return 0;
}

/*
 * Insert app a (fields validated, provider_id set; uid and id are set
 * here) with its audit row (after: borrowed snapshot). fin runs inside
 * the transaction. 1, 0 (nid taken, or fin refused), -1.
 */
int
db_app_create(struct dbx *dx, struct app *a, struct json_object *after,
    int (*fin)(void *, long long, void *), void *arg)
{
	struct dbp		 p[2 + APPF__MAX];
	unsigned long long	 lid;
	size_t			 i;
	int			 rc;

	free(a->uid);
	a->uid = key_new("app-");
	p[0] = dbp_str(a->uid);
	p[1] = dbp_int(a->provider_id);
	for (i = 0; i < APPF__MAX; i++)
		p[2 + i] = dbp_str(a->f[i]);
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = db_exec(dx->db, STMT_APP_ADD, p, 2 + APPF__MAX, NULL,
	    &lid)) != 1)
		goto fail;
	a->id = (long long)lid;
	if (row_stamp(dx, STMT_APP_GET, a->id, 0, 4, 5, 6, after) == -1) {
		rc = -1;
		goto fail;
	}
	jadd_str(after, "uid", a->uid);
	if (db_audit(dx, "app.create", "app", a->id, NULL, after) == -1) {
		rc = -1;
		goto fail;
	}
	if (fin != NULL && (rc = fin(dx->up, a->id, arg)) != 1)
		goto fail;
	if (db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * Write every field of a over the row a->id if its version is still
 * a->version, audited as action. 1 (written), 0 (stale: someone else
 * wrote first), -1.
 */
int
db_app_update(struct dbx *dx, const struct app *a, const char *action,
    struct json_object *before, struct json_object *after)
{
	struct dbp		 p[APPF__MAX + 2];
	unsigned long long	 n;
	size_t			 i;
	int			 rc;

	for (i = 0; i < APPF__MAX; i++)
		p[i] = dbp_str(a->f[i]);
	p[APPF__MAX] = dbp_int(a->id);
	p[APPF__MAX + 1] = dbp_int(a->version);
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = db_exec(dx->db, STMT_APP_UPDATE, p, APPF__MAX + 2, &n,
	    NULL)) != 1)
		goto fail;
	if (n == 0) {
		rc = 0;
		goto fail;
	}
	if (db_audit(dx, action, "app", a->id, before, after) == -1) {
		rc = -1;
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

void
db_env_free(struct env *e)
{
	size_t	 i;

	if (e == NULL)
		return;
	free(e->api_key);
	free(e->created_at);
	free(e->updated_at);
	for (i = 0; i < ENVF__MAX; i++)
		free(e->f[i]);
	free(e);
}

static struct env *
env_row(const struct dbres *rs, size_t i)
{
	struct env	*e;
	size_t		 k;

	e = xcalloc(1, sizeof(*e));
	e->id = dbres_int(rs, i, 0);
	e->app_id = dbres_int(rs, i, 1);
	e->api_key = dup_or_null(dbres_str(rs, i, 2));
	e->version = dbres_int(rs, i, 3);
	e->created_at = dup_or_null(dbres_str(rs, i, 4));
	e->updated_at = dup_or_null(dbres_str(rs, i, 5));
	for (k = 0; k < ENVF__MAX; k++)
		e->f[k] = dup_or_null(dbres_str(rs, i, ENV_FIXED + k));
	return e;
}

/*
 * Environment id of app app_id (whose access the caller checked).
 * 1 with *out (owned, db_env_free), 0 if none, -1.
 */
int
db_env_get(struct dbx *dx, long long app_id, long long id, struct env **out)
{
	struct dbres	*rs;
	struct dbp	 p[2];
	int		 rc = 0;

	*out = NULL;
	p[0] = dbp_int(id);
	p[1] = dbp_int(app_id);
	if (db_query(dx->db, STMT_ENV_GET, p, 2, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		*out = env_row(rs, 0);
		rc = 1;
	}
	dbres_free(rs);
	return rc;
}

/* Every environment of app_id: 0 with *out (owned array) and *n, or -1. */
int
db_env_list(struct dbx *dx, long long app_id, struct env ***out, size_t *n)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(app_id);
	size_t		 i;

	*out = NULL;
	*n = 0;
	if (db_query(dx->db, STMT_ENV_LIST, &p, 1, &rs) == -1)
		return -1;
	*out = xcalloc(rs->nrow + 1, sizeof(struct env *));
	for (i = 0; i < rs->nrow; i++)
		(*out)[i] = env_row(rs, i);
	*n = rs->nrow;
	dbres_free(rs);
	return 0;
}

/*
 * Insert environment e (fields validated, app_id set) with a new
 * credential; e->id and e->api_key are set and *secret (owned, show
 * once) returned. 1, 0 (nid taken for this app, or fin refused), -1.
 */
int
db_env_create(struct dbx *dx, struct env *e, struct json_object *after,
    char **secret, int (*fin)(void *, long long, void *), void *arg)
{
	struct dbp		 p[2 + ENVF__MAX];
	unsigned long long	 lid;
	size_t			 i;
	char			*s = NULL;
	int			 rc;

	*secret = NULL;
	free(e->api_key);
	e->api_key = key_new("ek_");
	p[0] = dbp_int(e->app_id);
	p[1] = dbp_str(e->api_key);
	for (i = 0; i < ENVF__MAX; i++)
		p[2 + i] = dbp_str(e->f[i]);
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = db_exec(dx->db, STMT_ENV_ADD, p, 2 + ENVF__MAX, NULL,
	    &lid)) != 1)
		goto fail;
	e->id = (long long)lid;
	if ((rc = cred_new(dx, "environment", e->id, e->api_key, &s)) != 1)
		goto fail;
	if (row_stamp(dx, STMT_ENV_GET, e->id, e->app_id, 3, 4, 5,
	    after) == -1) {
		rc = -1;
		goto fail;
	}
	jadd_str(after, "api_key", e->api_key);
	if (db_audit(dx, "environment.create", "environment", e->id, NULL,
	    after) == -1) {
		rc = -1;
		goto fail;
	}
	*secret = s;
	if (fin != NULL && (rc = fin(dx->up, e->id, arg)) != 1)
		goto fail;
	if (db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	return 1;
fail:
	db_tx_rollback(dx->db);
	*secret = NULL;
	secret_free(s);
	return rc;
}

/* As db_app_update, for an environment. 1, 0 (stale), -1. */
int
db_env_update(struct dbx *dx, const struct env *e, struct json_object *before,
    struct json_object *after)
{
	struct dbp		 p[ENVF__MAX + 2];
	unsigned long long	 n;
	size_t			 i;
	int			 rc;

	for (i = 0; i < ENVF__MAX; i++)
		p[i] = dbp_str(e->f[i]);
	p[ENVF__MAX] = dbp_int(e->id);
	p[ENVF__MAX + 1] = dbp_int(e->version);
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = db_exec(dx->db, STMT_ENV_UPDATE, p, ENVF__MAX + 2, &n,
	    NULL)) != 1)
		goto fail;
	if (n == 0) {
		rc = 0;
		goto fail;
	}
	if (db_audit(dx, "environment.update", "environment", e->id, before,
	    after) == -1) {
		rc = -1;
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * A new secret for environment e (same key); the old secrets expire
 * after grace seconds (0: now). 0 with *secret (owned, show once), or
 * -1.
 */
int
db_env_rotate(struct dbx *dx, const struct env *e, long long grace,
    char **secret)
{
	struct json_object	*after;
	struct dbp		 p[4];
	char			*s = NULL;

	*secret = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_int(grace);
	p[1] = dbp_str("environment");
	p[2] = dbp_int(e->id);
	p[3] = dbp_int(grace);
	if (db_exec(dx->db, STMT_CRED_EXPIRE, p, 4, NULL, NULL) != 1)
		goto fail;
	if (cred_new(dx, "environment", e->id, e->api_key, &s) != 1)
		goto fail;
	after = json_object_new_object();
	jadd_str(after, "api_key", e->api_key);
	jadd_int(after, "grace_seconds", grace);
	if (db_audit(dx, "environment.rotate", "environment", e->id, NULL,
	    after) == -1) {
		json_object_put(after);
		goto fail;
	}
	json_object_put(after);
	if (db_tx_commit(dx->db) == -1)
		goto fail;
	*secret = s;
	return 0;
fail:
	db_tx_rollback(dx->db);
	secret_free(s);
	return -1;
}

/* Columns of LISTING_COLS and STMT_LISTING_HISTORY. */
enum {
	LG_ID, LG_STATE, LG_HUB_API_ID, LG_APP_ID, LG_APP_NID, LG_APP_NAME,
	LG_MKT_NID, LG_CREATED, LG_UPDATED, LG_KEY
};
enum { LH_ID, LH_AT, LH_ACTOR, LH_FROM, LH_TO, LH_NOTE };

/* The rows of rs as listings, into l (which takes rs). */
static void
listing_rows(struct dbres *rs, struct listing_list *l)
{
	struct listing	*v;
	size_t		 i;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		v = &l->v[i];
		v->id = dbres_int(rs, i, LG_ID);
		v->state = dbres_str(rs, i, LG_STATE);
		v->hub_api_id = dbres_str(rs, i, LG_HUB_API_ID);
		v->app_id = dbres_int(rs, i, LG_APP_ID);
		v->app_nid = dbres_str(rs, i, LG_APP_NID);
		v->app_name = dbres_str(rs, i, LG_APP_NAME);
		v->marketplace = dbres_str(rs, i, LG_MKT_NID);
		v->created_at = dbres_str(rs, i, LG_CREATED);
		v->updated_at = dbres_str(rs, i, LG_UPDATED);
		(void)dbres_str(rs, i, LG_KEY);	/* the column is there */
		v->key = &rs->cell[i * rs->ncol + LG_KEY];
		v->live = strcmp(v->state, "approved") == 0;
	}
}

void
listing_list_free(struct listing_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/*
 * Listing id as seen by scope: 1 with l->v[0] (l owned:
 * listing_list_free), 0 if none, -1.
 */
int
db_listing_get(struct dbx *dx, long long id, const struct scope *sc,
    struct listing_list *l)
{
	struct dbres	*rs;
	struct dbp	 p[5];

	memset(l, 0, sizeof(*l));
	p[0] = dbp_scope(sc->provider_id);
	p[1] = dbp_scope(sc->provider_id);
	p[2] = dbp_scope(sc->marketplace_id);
	p[3] = dbp_scope(sc->marketplace_id);
	p[4] = dbp_int(id);
	if (db_query(dx->db, STMT_LISTING_GET, p, 5, &rs) == -1)
		return -1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return 0;
	}
	listing_rows(rs, l);
	return 1;
}

/* A filtered page of listings and the total. 0 with *l (owned), or -1. */
int
db_listing_list(struct dbx *dx, const struct scope *sc,
    const struct lfilter *f, struct listing_list *l, long long *total)
{
	struct dbres	*rs;
	struct dbp	 p[12];

	memset(l, 0, sizeof(*l));
	p[0] = dbp_scope(sc->provider_id);
	p[1] = dbp_scope(sc->provider_id);
	p[2] = dbp_scope(sc->marketplace_id);
	p[3] = dbp_scope(sc->marketplace_id);
	p[4] = dbp_str(f->state);
	p[5] = dbp_str(f->state);
	p[6] = dbp_str(f->marketplace);
	p[7] = dbp_str(f->marketplace);
	p[8] = dbp_str(f->app);
	p[9] = dbp_str(f->app);
	if (db_query(dx->db, STMT_LISTING_COUNT, p, 10, &rs) == -1)
		return -1;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	p[10] = dbp_int(f->limit);
	p[11] = dbp_int(f->offset);
	if (db_query(dx->db, STMT_LISTING_LIST, p, 12, &rs) == -1)
		return -1;
	listing_rows(rs, l);
	return 0;
}

/*
 * The history of listing id, oldest first (access checked by the
 * caller). 0 with *l (owned: listing_event_list_free), or -1.
 */
int
db_listing_history(struct dbx *dx, long long id,
    struct listing_event_list *l)
{
	struct dbres		*rs;
	struct dbp		 p = dbp_int(id);
	struct listing_event	*v;
	size_t			 i;

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_LISTING_HISTORY, &p, 1, &rs) == -1)
		return -1;
	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		v = &l->v[i];
		v->at = dbres_str(rs, i, LH_AT);
		v->actor = dbres_str(rs, i, LH_ACTOR);
		v->from = dbres_str(rs, i, LH_FROM);
		v->to = dbres_str(rs, i, LH_TO);
		v->note = dbres_str(rs, i, LH_NOTE);
	}
	return 0;
}

void
listing_event_list_free(struct listing_event_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

static enum lstate
lstate_parse(const char *s)
{
	size_t	 i;

	for (i = 1; i < LS__MAX; i++)
		if (s != NULL && strcmp(s, lstate_names[i]) == 0)
			return (enum lstate)i;
	return LS_NONE;
}

/* Give listing id a sealed hub key if it has none yet. 0 or -1. */
static int
listing_key(struct dbx *dx, long long id)
{
	unsigned char	 raw[HUB_KEY_BYTES], *sealed = NULL;
	struct dbp	 p[2];
	size_t		 sz;
	char		*hex;
	int		 rc;

	crypto_random(raw, sizeof(raw));
	hex = hex_encode(raw, sizeof(raw));
	explicit_bzero(raw, sizeof(raw));
	rc = crypto_seal(dx->conf->data_key, hex, strlen(hex), &sealed, &sz);
	explicit_bzero(hex, strlen(hex));
	free(hex);
	if (rc == -1)
		return -1;
	p[0] = dbp_blob(sealed, sz);
	p[1] = dbp_int(id);
	rc = db_exec(dx->db, STMT_LISTING_SETKEY, p, 2, NULL, NULL);
	free(sealed);
	return rc == 1 ? 0 : -1;
}

/*
 * The hub key sealed in k (a listing's hub_key_enc cell), opened under
 * the data key into *plain (owned; wipe and free) and *sz. 0, or -1
 * when the cell is NULL or does not open (another data_key).
 */
int
listing_key_open(const struct conf *c, const struct dbcell *k,
    unsigned char **plain, size_t *sz)
{
	*plain = NULL;
	*sz = 0;
	if (k->v == NULL || crypto_open(c->data_key,
	    (const unsigned char *)k->v, k->sz, plain, sz) == -1)
		return -1;
	return 0;
}

/* The same as a JSON string (owned), or NULL. */
struct json_object *
listing_key_json(const struct conf *c, const struct dbcell *k)
{
	struct json_object	*o;
	unsigned char		*plain;
	size_t			 sz;

	if (listing_key_open(c, k, &plain, &sz) == -1)
		return NULL;
	o = json_object_new_string_len((const char *)plain, (int)sz);
	explicit_bzero(plain, sz);
	free(plain);
	return o;
}

/*
 * Give every live listing without a hub key one (listings a seed script
 * inserted: SQL cannot seal under the data key), each in a transaction
 * with its audit row, counted on pg (may be NULL; started here). *n is
 * how many got one. 0 or -1.
 */
int
db_listing_keys(struct dbx *dx, struct progress *pg, long long *n)
{
	struct dbres	*rs;
	struct json_object *after;
	long long	 id;
	size_t		 i;
	int		 rc = 0;

	*n = 0;
	if (db_query(dx->db, STMT_LISTING_NOKEY, NULL, 0, &rs) == -1)
		return -1;
	if (pg != NULL)
		progress_init(pg, "hub-keys", (long long)rs->nrow);
	for (i = 0; i < rs->nrow && rc == 0; i++) {
		id = dbres_int(rs, i, 0);
		if (db_tx_begin(dx->db) == -1) {
			rc = -1;
			break;
		}
		after = json_object_new_object();
		jadd_bool(after, "hub_key", 1);
		if (listing_key(dx, id) == -1 || db_audit_commit(dx,
		    "listing.key", "listing", id, NULL, after) == -1) {
			db_tx_rollback(dx->db);
			rc = -1;
		} else
			(*n)++;
		json_object_put(after);
		if (pg != NULL)
			progress_step(pg, 1);
	}
	if (pg != NULL)
		progress_done(pg);
	dbres_free(rs);
	return rc;
}

/* A new listing of app on marketplace in state submitted; 1, 0, -1. */
static int
listing_add(struct dbx *dx, long long app_id, long long mkt_id,
    long long *id)
{
	unsigned char		 raw[HUB_ID_BYTES];
	unsigned long long	 lid;
	struct dbp		 p[3];
	char			*hex, *hub;
	int			 i, rc = 0;

	for (i = 0; i < HUB_ID_TRIES && rc == 0; i++) {
		crypto_random(raw, sizeof(raw));
		hex = hex_encode(raw, sizeof(raw));
		hub = xasprintf("app-%s", hex);
		free(hex);
		p[0] = dbp_int(app_id);
		p[1] = dbp_int(mkt_id);
		p[2] = dbp_str(hub);
		rc = db_exec(dx->db, STMT_LISTING_ADD, p, 3, NULL, &lid);
		free(hub);
	}
	if (rc == 1)
		*id = (long long)lid;
	return rc;
}

/*
 * Whether the marketplace mkt_id may publish app app_id onto itself:
 * the listing is not on an admin's hold, and the app opted in to
 * self-publishing there (self_publish names the marketplace, or "*").
 * 1 yes, 0 no (*why set, static), -1 error.
 */
static int
listing_may_publish(struct dbx *dx, long long app_id, long long mkt_id,
    int hold, const char **why)
{
	struct dbres	*rs;
	struct dbp	 p[2];
	int		 ok;

	if (hold) {
		*why = "a platform admin rejected or took down this app on "
		    "this marketplace; only an admin can approve it again";
		return 0;
	}
	p[0] = dbp_int(mkt_id);
	p[1] = dbp_int(app_id);
	if (db_query(dx->db, STMT_LISTING_SELFPUB, p, 2, &rs) == -1)
		return -1;
	ok = rs->nrow == 1 && dbres_int(rs, 0, 0) == 1;
	dbres_free(rs);
	if (!ok)
		*why = "the app's provider has not opted in to "
		    "self-publishing on this marketplace (self_publish)";
	return ok;
}

/*
 * Apply action act to a listing, as one transaction with its history
 * and audit rows. The listing is either id (with scope checked), or,
 * when id is 0, the one of app_id on mkt_id (created if none). note may
 * be NULL; fin runs inside the transaction. Returns DBRC_OK with *out
 * set to the listing id; DBRC_NONE when it does not exist in scope;
 * DBRC_CONFLICT when the move is illegal or the app is inactive (*why
 * says which, static); DBRC_FORBIDDEN when a marketplace may not
 * publish the app onto itself (*why: the provider did not opt in there,
 * or an admin rejected or took it down); DBRC_ERR.
 *
 * An admin's reject or unpublish puts the listing on hold, and only an
 * admin's approval lifts it: self-publishing respects the admin.
 */
int
db_listing_move(struct dbx *dx, long long id, long long app_id,
    long long mkt_id, const struct scope *sc, enum lact act,
    const char *note, long long *out, const char **why,
    int (*fin)(void *, long long, void *), void *arg)
{
	struct json_object	*before = NULL, *after = NULL;
	struct dbres		*rs = NULL;
	struct dbp		 p[5];
	enum lstate		 from = LS_NONE, to;
	int			 haskey = 0, active = 1, hold = 0, rc = -1;

	*why = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if (id == 0) {
		p[0] = dbp_int(app_id);
		p[1] = dbp_int(mkt_id);
		if (db_query(dx->db, STMT_LISTING_FIND, p, 2, &rs) == -1)
			goto fail;
		if (rs->nrow == 1)
			id = dbres_int(rs, 0, 0);
		dbres_free(rs);
		rs = NULL;
	}
	if (id != 0) {
		p[0] = dbp_int(id);
		p[1] = dbp_scope(sc->provider_id);
		p[2] = dbp_scope(sc->provider_id);
		p[3] = dbp_scope(sc->marketplace_id);
		p[4] = dbp_scope(sc->marketplace_id);
		if (db_query(dx->db, STMT_LISTING_LOCK, p, 5, &rs) == -1)
			goto fail;
		if (rs->nrow == 0) {
			rc = 0;
			goto fail;
		}
		from = lstate_parse(dbres_str(rs, 0, 1));
		haskey = dbres_int(rs, 0, 2) != 0;
		active = dbres_int(rs, 0, 3) != 0;
		hold = dbres_int(rs, 0, 4) != 0;
	}
	if ((to = ltrans[act][from]) == LS_NONE) {
		*why = "this listing cannot make that move from its state";
		rc = DBRC_CONFLICT;
		goto fail;
	}
	if (to != LS_UNPUBLISHED && to != LS_REJECTED && !active) {
		*why = "the app is deactivated";
		rc = DBRC_CONFLICT;
		goto fail;
	}
	if (act == LA_PUBLISH && (rc = listing_may_publish(dx, app_id, mkt_id,
	    hold, why)) != 1) {
		if (rc == 0)
			rc = DBRC_FORBIDDEN;
		goto fail;
	}
	rc = -1;
	if (from == LS_NONE) {
		if ((rc = listing_add(dx, app_id, mkt_id, &id)) != 1) {
			if (rc == 0) {
				*why = "the listing was created meanwhile";
				rc = DBRC_CONFLICT;
			}
			goto fail;
		}
		rc = -1;
	}
	if (to != LS_SUBMITTED || from != LS_NONE) {
		p[0] = dbp_str(lstate_names[to]);
		/* An admin's decision holds or releases the listing. */
		if (dx->pr->kind == PK_ADMIN && act == LA_APPROVE)
			p[1] = dbp_int(0);
		else if (dx->pr->kind == PK_ADMIN && (act == LA_REJECT ||
		    act == LA_UNPUBLISH))
			p[1] = dbp_int(1);
		else
			p[1] = dbp_null();
		p[2] = dbp_int(id);
		if (db_exec(dx->db, STMT_LISTING_SETSTATE, p, 3, NULL,
		    NULL) != 1)
			goto fail;
	}
	if (to == LS_APPROVED && !haskey && listing_key(dx, id) == -1)
		goto fail;
	if ((to == LS_APPROVED) != (from == LS_APPROVED)) {
		p[0] = dbp_int(id);
		if (db_exec(dx->db, STMT_LISTING_TOUCH_TENANTS, p, 1, NULL,
		    NULL) == -1)
			goto fail;
	}
	p[0] = dbp_int(id);
	p[1] = dbp_str(dx->pr->label[0] ? dx->pr->label : "anonymous");
	p[2] = dbp_str(lstate_names[from]);
	p[3] = dbp_str(lstate_names[to]);
	p[4] = dbp_str(note ? note : "");
	if (db_exec(dx->db, STMT_LISTING_HIST_ADD, p, 5, NULL, NULL) != 1)
		goto fail;
	before = json_object_new_object();
	jadd_str(before, "state", lstate_names[from]);
	after = json_object_new_object();
	jadd_str(after, "state", lstate_names[to]);
	if (note != NULL)
		jadd_str(after, "note", note);
	if (db_audit(dx, lact_names[act], "listing", id, before, after) == -1)
		goto fail;
	if (fin != NULL && (rc = fin(dx->up, id, arg)) != 1) {
		if (rc == 0) {
			*why = "a concurrent request holds this "
			    "Idempotency-Key";
			rc = DBRC_CONFLICT;
		}
		goto fail;
	}
	if (db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	*out = id;
	rc = 1;
	goto done;
fail:
	db_tx_rollback(dx->db);
done:
	dbres_free(rs);
	json_object_put(before);
	json_object_put(after);
	return rc;
}

/* Columns of STMT_CONFIG_MARKETPLACES. */
enum {
	CFGC_APP_NID, CFGC_ENV_NID, CFGC_MKT_NID, CFGC_HOST, CFGC_IDM,
	CFGC_SSO_INIT, CFGC_SSO_CONSUME, CFGC_GROUP, CFGC_GROUP_USER,
	CFGC_NOTIFICATION, CFGC_INITIALIZATION, CFGC_EXTERNAL_IDS,
	CFGC_SYNC_START, CFGC_SYNC_TOGGLE, CFGC_SYNC_STATUS, CFGC_HUB_API_ID,
	CFGC_HUB_KEY_ENC, CFGC_HUB_URL, CFGC_CONNEC_URL, CFGC_PEM,
	CFGC_FP_SHA1
};

/*
 * Everything the autoconfigure answer of environment env_id needs, one
 * row per marketplace on which its app is live and which has a current
 * certificate. 0 with *l (owned: cfg_list_free) or -1.
 */
int
db_config_marketplaces(struct dbx *dx, long long env_id, struct cfg_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(env_id);
	struct cfg_item	*c;
	const char	*ext;
	size_t		 i;

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_CONFIG_MARKETPLACES, &p, 1, &rs) == -1)
		return -1;
	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		c = &l->v[i];
		c->app_nid = dbres_str(rs, i, CFGC_APP_NID);
		c->env_nid = dbres_str(rs, i, CFGC_ENV_NID);
		c->mkt_nid = dbres_str(rs, i, CFGC_MKT_NID);
		c->host = dbres_str(rs, i, CFGC_HOST);
		c->idm = dbres_str(rs, i, CFGC_IDM);
		c->sso_init = dbres_str(rs, i, CFGC_SSO_INIT);
		c->sso_consume = dbres_str(rs, i, CFGC_SSO_CONSUME);
		c->group = dbres_str(rs, i, CFGC_GROUP);
		c->group_user = dbres_str(rs, i, CFGC_GROUP_USER);
		c->notification = dbres_str(rs, i, CFGC_NOTIFICATION);
		c->initialization = dbres_str(rs, i, CFGC_INITIALIZATION);
		ext = dbres_str(rs, i, CFGC_EXTERNAL_IDS);
		c->external_ids = ext != NULL && strcmp(ext, "0") != 0;
		c->sync_start = dbres_str(rs, i, CFGC_SYNC_START);
		c->sync_toggle = dbres_str(rs, i, CFGC_SYNC_TOGGLE);
		c->sync_status = dbres_str(rs, i, CFGC_SYNC_STATUS);
		c->hub_api_id = dbres_str(rs, i, CFGC_HUB_API_ID);
		(void)dbres_str(rs, i, CFGC_HUB_KEY_ENC);
		c->hub_key = &rs->cell[i * rs->ncol + CFGC_HUB_KEY_ENC];
		c->hub_url = dbres_str(rs, i, CFGC_HUB_URL);
		c->connec_url = dbres_str(rs, i, CFGC_CONNEC_URL);
		c->pem = dbres_str(rs, i, CFGC_PEM);
		c->fp_sha1 = dbres_str(rs, i, CFGC_FP_SHA1);
	}
	return 0;
}

void
cfg_list_free(struct cfg_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/* The id of marketplace nid: 1 with *id, 0 if none, -1. */
int
db_listing_mkt_id(struct dbx *dx, const char *nid, long long *id)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_str(nid);
	int		 rc = 0;

	if (db_query(dx->db, STMT_LISTING_MKT_ID, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		*id = dbres_int(rs, 0, 0);
		rc = 1;
	}
	dbres_free(rs);
	return rc;
}

/*
 * The id and active flag of app nid (any provider): 1 with *id and
 * *active, 0 if none, -1.
 */
int
db_app_by_nid(struct dbx *dx, const char *nid, long long *id, int *active)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_str(nid);
	int		 rc = 0;

	if (db_query(dx->db, STMT_APP_BY_NID, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		*id = dbres_int(rs, 0, 0);
		*active = dbres_int(rs, 0, 1) != 0;
		rc = 1;
	}
	dbres_free(rs);
	return rc;
}

/*
 * The version of provider id for an edit form (its updated_at to the
 * microsecond): 1 with ver filled, 0 none, -1.
 */
int
db_provider_ver(struct dbx *dx, long long id, char ver[32])
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(id);
	int		 rc;

	if (db_query(dx->db, STMT_CON_PROVIDER_VER, &p, 1, &rs) == -1)
		return -1;
	if ((rc = rs->nrow == 1))
		snprintf(ver, 32, "%s", dbres_str(rs, 0, 0));
	dbres_free(rs);
	return rc;
}

/* Provider p for the audit log; owned. */
static struct json_object *
provider_snapshot(const struct provider *p)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "id", p->id);
	jadd_str(o, "nid", p->nid);
	jadd_str(o, "name", p->name);
	jadd_str(o, "email", p->email);
	jadd_str(o, "api_key", p->api_key);
	jadd_str(o, "updated_at", p->updated_at);
	return o;
}

/*
 * Set name and email of provider id if it is still at version ver (see
 * db_provider_ver). Returns 1, 0 (stale or gone) or -1. Audited with
 * the rows before and after.
 */
int
db_provider_update(struct dbx *dx, long long id, const char *ver,
    const char *name, const char *email)
{
	struct json_object	*before = NULL, *after = NULL;
	struct provider_list	 pl = { 0 };
	struct dbp		 p[4];
	unsigned long long	 n;
	int			 rc = -1;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = db_provider_get(dx, id, &pl)) != 1)
		goto out;
	rc = -1;
	before = provider_snapshot(&pl.v[0]);
	provider_list_free(&pl);
	p[0] = dbp_str(name);
	p[1] = dbp_str(email);
	p[2] = dbp_int(id);
	p[3] = dbp_str(ver);
	if (db_exec(dx->db, STMT_CON_PROVIDER_UPDATE, p, 4, &n, NULL) != 1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (db_provider_get(dx, id, &pl) != 1)
		goto out;
	after = provider_snapshot(&pl.v[0]);
	if (db_audit_commit(dx, "provider.update", "provider", id, before,
	    after) == -1)
		goto out;
	rc = 1;
out:
	if (rc != 1)
		db_tx_rollback(dx->db);
	provider_list_free(&pl);
	json_object_put(before);
	json_object_put(after);
	return rc;
}
