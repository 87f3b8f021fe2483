/*
 * Webhook subscriptions, deliveries and attempts. The events themselves
 * are written by triggers (sql/migrations/0005_events.sql) inside the
 * transaction of each change; this file reads them, and runs the
 * notifier's side of the outbox: fan-out to subscriptions, claims with
 * a lease, and results.
 *
 * Subscription secrets are sealed under data_key (the notifier signs
 * with them, so a hash would not do) and shown once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* Columns of SUB_COLS (STMT_SUB_GET, STMT_SUB_LIST). */
enum subcol {
	SC_ID, SC_KIND, SC_OWNER, SC_NID, SC_URL, SC_TYPES, SC_DESC,
	SC_PRIVATE, SC_ACTIVE, SC_CREATED, SC_UPDATED, SC_VERSION,
	SC_OLD_UNTIL, SC_PENDING, SC_FAILED, SC_DELIVERED, SC__MAX
};

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

void
sub_free(struct sub *s)
{
	if (s == NULL)
		return;
	free(s->owner_kind);
	free(s->owner_nid);
	free(s->url);
	free(s->types);
	free(s->description);
	free(s->created_at);
	free(s->updated_at);
	free(s->old_until);
	free(s);
}

void
sub_list_free(struct sub **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		sub_free(v[i]);
	free(v);
}

static struct sub *
sub_from_row(const struct dbres *rs, size_t row)
{
	struct sub	*s;

	s = xcalloc(1, sizeof(*s));
	s->id = dbres_int(rs, row, SC_ID);
	s->owner_kind = xstrdup(dbres_str(rs, row, SC_KIND));
	s->owner_id = dbres_int(rs, row, SC_OWNER);
	s->owner_nid = dup_or_null(dbres_str(rs, row, SC_NID));
	s->url = xstrdup(dbres_str(rs, row, SC_URL));
	s->types = xstrdup(dbres_str(rs, row, SC_TYPES));
	s->description = xstrdup(dbres_str(rs, row, SC_DESC));
	s->allow_private = dbres_int(rs, row, SC_PRIVATE) != 0;
	s->active = dbres_int(rs, row, SC_ACTIVE) != 0;
	s->created_at = xstrdup(dbres_str(rs, row, SC_CREATED));
	s->updated_at = xstrdup(dbres_str(rs, row, SC_UPDATED));
	s->version = dbres_int(rs, row, SC_VERSION);
	s->old_until = dup_or_null(dbres_str(rs, row, SC_OLD_UNTIL));
	s->npending = dbres_int(rs, row, SC_PENDING);
	s->nfailed = dbres_int(rs, row, SC_FAILED);
	s->ndelivered = dbres_int(rs, row, SC_DELIVERED);
	return s;
}

/* The three scope parameters of SUB_SCOPE into p. */
static void
scope_params(const struct sub_scope *sc, struct dbp *p)
{
	if (sc == NULL || sc->kind == NULL) {
		p[0] = dbp_null();
		p[1] = dbp_null();
		p[2] = dbp_null();
		return;
	}
	p[0] = dbp_int(1);
	p[1] = dbp_str(sc->kind);
	p[2] = dbp_int(sc->id);
}

/*
 * A fresh secret (owned, shown once) and its sealed form (owned) in
 * *sealed, *sealedsz. 0 or -1.
 */
static int
secret_new(struct dbx *dx, char **secret, unsigned char **sealed,
    size_t *sealedsz)
{
	*secret = crypto_token(SUB_SECRET_PREFIX);
	if (crypto_seal(dx->conf->data_key, *secret, strlen(*secret), sealed,
	    sealedsz) == -1) {
		secret_free(*secret);
		*secret = NULL;
		return -1;
	}
	return 0;
}

/*
 * A sealed secret column back in clear; owned (secret_free), or NULL
 * for SQL NULL or a seal that does not open (logged).
 */
char *
db_sub_secret(const struct conf *c, const struct dbcell *cell)
{
	unsigned char	*plain;
	size_t		 sz;

	if (cell == NULL || cell->v == NULL)
		return NULL;
	if (crypto_open(c->data_key, (const unsigned char *)cell->v, cell->sz,
	    &plain, &sz) == -1) {
		log_warnx("a subscription secret does not open");
		return NULL;
	}
	return (char *)plain;
}

/* What the audit log keeps of a subscription (never its secret). */
static struct json_object *
sub_audit_json(const struct sub_in *in)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_str(o, "url", in->url);
	jadd(o, "events", json_from_text(in->types));
	jadd_str(o, "description", in->description);
	jadd_bool(o, "active", in->active);
	jadd_bool(o, "allow_private", in->allow_private);
	return o;
}

/*
 * Insert subscription in with its audit row, inside the caller's
 * transaction. 1 with *id and *secret (owned, shown once), or -1.
 */
static int
sub_insert(struct dbx *dx, const struct sub_in *in, long long *id,
    char **secret)
{
	struct json_object	*ja = NULL;
	struct dbp		 p[8];
	unsigned long long	 lid;
	unsigned char		*sealed = NULL;
	size_t			 sealedsz;
	char			*s = NULL;
	int			 rc = -1;

	*secret = NULL;
	if (secret_new(dx, &s, &sealed, &sealedsz) == -1)
		return -1;
	p[0] = dbp_str(in->owner_kind);
	p[1] = in->owner_id ? dbp_int(in->owner_id) : dbp_null();
	p[2] = dbp_str(in->url);
	p[3] = dbp_str(in->types);
	p[4] = dbp_str(in->description);
	p[5] = dbp_blob(sealed, sealedsz);
	p[6] = dbp_int(in->allow_private);
	p[7] = dbp_int(in->active);
	if (db_exec(dx->db, STMT_SUB_ADD, p, 8, NULL, &lid) != 1)
		goto out;
	*id = (long long)lid;
	ja = sub_audit_json(in);
	jadd_str(ja, "owner", in->owner_kind);
	if (db_audit(dx, "subscription.create", "subscription", *id, NULL,
	    ja) == -1)
		goto out;
	*secret = s;
	s = NULL;
	rc = 1;
out:
	json_object_put(ja);
	free(sealed);
	secret_free(s);
	return rc;
}

/*
 * Create a subscription from in, with its audit row and fin (may be
 * NULL; run inside the transaction with the new id, *secret already
 * set, 1 to go on) in one transaction. Returns 1 with *id and *secret
 * (owned, shown once), or -1 (error, or fin refused; *secret NULL).
 */
int
db_sub_create(struct dbx *dx, const struct sub_in *in, long long *id,
    char **secret, int (*fin)(void *, long long, void *), void *arg)
{
	*secret = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if (sub_insert(dx, in, id, secret) != 1)
		goto fail;
	if (fin != NULL && fin(dx->up, *id, arg) != 1)
		goto fail;
	if (db_tx_commit(dx->db) == -1)
		goto fail;
	return 1;
fail:
	db_tx_rollback(dx->db);
	secret_free(*secret);
	*secret = NULL;
	return -1;
}

/*
 * The webhooks of a marketplace's registration call: each of in[0..n)
 * (owner fields ignored) whose URL marketplace mkt has no subscription
 * to yet is added; the others are left as they are. Inside the
 * caller's transaction when intx, else in one of its own. 0 with
 * ids[i] (0 when it existed) and secrets[i] (owned, shown once; NULL
 * when it existed), or -1 (nothing added).
 */
int
db_sub_register(struct dbx *dx, long long mkt, const struct sub_in *in,
    size_t n, int intx, long long *ids, char **secrets)
{
	struct sub_in	 one;
	struct dbres	*rs;
	struct dbp	 p[2];
	size_t		 i;

	for (i = 0; i < n; i++) {
		ids[i] = 0;
		secrets[i] = NULL;
	}
	if (!intx && db_tx_begin(dx->db) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		p[0] = dbp_int(mkt);
		p[1] = dbp_str(in[i].url);
		if (db_query(dx->db, STMT_SUB_BY_URL, p, 2, &rs) == -1)
			goto fail;
		if (rs->nrow > 0) {
			dbres_free(rs);
			continue;
		}
		dbres_free(rs);
		one = in[i];
		one.owner_kind = "marketplace";
		one.owner_id = mkt;
		one.allow_private = 0;
		if (sub_insert(dx, &one, &ids[i], &secrets[i]) != 1)
			goto fail;
	}
	if (!intx && db_tx_commit(dx->db) == -1)
		goto fail;
	return 0;
fail:
	if (!intx)
		db_tx_rollback(dx->db);
	for (i = 0; i < n; i++) {
		secret_free(secrets[i]);
		secrets[i] = NULL;
		ids[i] = 0;
	}
	return -1;
}

/*
 * Subscription id within scope sc. 1 with *out (owned), 0 when it does
 * not exist in scope, -1 on error.
 */
int
db_sub_get(struct dbx *dx, long long id, const struct sub_scope *sc,
    struct sub **out)
{
	struct dbres	*rs;
	struct dbp	 p[4];
	int		 rc;

	*out = NULL;
	p[0] = dbp_int(id);
	scope_params(sc, p + 1);
	if (db_query(dx->db, STMT_SUB_GET, p, 4, &rs) == -1)
		return -1;
	rc = rs->nrow == 1;
	if (rc)
		*out = sub_from_row(rs, 0);
	dbres_free(rs);
	return rc;
}

/*
 * A page of the subscriptions in scope, by id. 0 with *out (owned),
 * *n and *total, or -1.
 */
int
db_sub_list(struct dbx *dx, const struct sub_scope *sc, long long limit,
    long long offset, struct sub ***out, size_t *n, long long *total)
{
	struct dbres	*rs = NULL;
	struct dbp	 p[5];
	size_t		 i;

	*out = NULL;
	*n = 0;
	scope_params(sc, p);
	if (db_query(dx->db, STMT_SUB_COUNT, p, 3, &rs) == -1)
		return -1;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	p[3] = dbp_int(limit);
	p[4] = dbp_int(offset);
	if (db_query(dx->db, STMT_SUB_LIST, p, 5, &rs) == -1)
		return -1;
	*out = xcalloc(rs->nrow + 1, sizeof(**out));
	for (i = 0; i < rs->nrow; i++)
		(*out)[i] = sub_from_row(rs, i);
	*n = rs->nrow;
	dbres_free(rs);
	return 0;
}

/*
 * Lock subscription id in scope. 1 with *version, 0 none, -1 error.
 */
static int
sub_lock(struct dbx *dx, long long id, const struct sub_scope *sc,
    long long *version)
{
	struct dbres	*rs;
	struct dbp	 p[4];
	int		 rc;

	p[0] = dbp_int(id);
	scope_params(sc, p + 1);
	if (db_query(dx->db, STMT_SUB_LOCK, p, 4, &rs) == -1)
		return -1;
	rc = rs->nrow == 1;
	if (rc)
		*version = dbres_int(rs, 0, 0);
	dbres_free(rs);
	return rc;
}

/*
 * Replace the settings of subscription id (in scope) with in, if its
 * version is still version (0: any). DBRC_OK, DBRC_NONE (not found),
 * DBRC_STALE or DBRC_ERR.
 */
int
db_sub_update(struct dbx *dx, long long id, const struct sub_scope *sc,
    long long version, const struct sub_in *in)
{
	struct json_object	*ja = NULL;
	struct dbp		 p[6];
	long long		 v;
	int			 rc;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = sub_lock(dx, id, sc, &v)) != 1)
		goto fail;
	if (version != 0 && v != version) {
		rc = DBRC_STALE;
		goto fail;
	}
	rc = -1;
	p[0] = dbp_str(in->url);
	p[1] = dbp_str(in->types);
	p[2] = dbp_str(in->description);
	p[3] = dbp_int(in->active);
	p[4] = dbp_int(in->allow_private);
	p[5] = dbp_int(id);
	if (db_exec(dx->db, STMT_SUB_UPDATE, p, 6, NULL, NULL) != 1)
		goto fail;
	ja = sub_audit_json(in);
	if (db_audit_commit(dx, "subscription.update", "subscription", id, NULL,
	    ja) == -1)
		goto fail;
	json_object_put(ja);
	return 1;
fail:
	db_tx_rollback(dx->db);
	json_object_put(ja);
	return rc;
}

/* Delete subscription id in scope, with its deliveries. 1, 0, -1. */
int
db_sub_delete(struct dbx *dx, long long id, const struct sub_scope *sc)
{
	struct dbp	 p[1];
	long long	 v;
	int		 rc;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = sub_lock(dx, id, sc, &v)) != 1)
		goto fail;
	rc = -1;
	p[0] = dbp_int(id);
	if (db_exec(dx->db, STMT_SUB_DEL, p, 1, NULL, NULL) != 1 ||
	    db_audit_commit(dx, "subscription.delete", "subscription", id, NULL,
	    NULL) == -1)
		goto fail;
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * A new secret for subscription id in scope; the current one keeps
 * signing (a second signature) for conf->secret_grace seconds. 1 with
 * *secret (owned, shown once), 0 not found, -1 error.
 */
int
db_sub_rotate(struct dbx *dx, long long id, const struct sub_scope *sc,
    char **secret)
{
	struct json_object	*ja = NULL;
	struct dbp		 p[3];
	unsigned char		*sealed = NULL;
	size_t			 sealedsz;
	char			*s = NULL;
	long long		 v;
	int			 rc;

	*secret = NULL;
	if (secret_new(dx, &s, &sealed, &sealedsz) == -1)
		return -1;
	if (db_tx_begin(dx->db) == -1) {
		rc = -1;
		goto out;
	}
	if ((rc = sub_lock(dx, id, sc, &v)) != 1)
		goto fail;
	rc = -1;
	p[0] = dbp_int(dx->conf->secret_grace);
	p[1] = dbp_blob(sealed, sealedsz);
	p[2] = dbp_int(id);
	ja = json_object_new_object();
	jadd_int(ja, "old_secret_grace_seconds", dx->conf->secret_grace);
	if (db_exec(dx->db, STMT_SUB_ROTATE, p, 3, NULL, NULL) != 1 ||
	    db_audit_commit(dx, "subscription.rotate", "subscription", id, NULL,
	    ja) == -1)
		goto fail;
	*secret = s;
	s = NULL;
	rc = 1;
	goto out;
fail:
	db_tx_rollback(dx->db);
out:
	json_object_put(ja);
	free(sealed);
	secret_free(s);
	return rc;
}

/*
 * A test event ("ping") for subscription id in scope alone. 1 with
 * *uid (owned: the event id), 0 not found, -1 error.
 */
int
db_sub_test(struct dbx *dx, long long id, const struct sub_scope *sc,
    char **uid)
{
	struct json_object	*pl;
	struct dbres		*rs = NULL;
	struct dbp		 p[2];
	unsigned long long	 eid;
	long long		 v;
	int			 rc;

	*uid = NULL;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	if ((rc = sub_lock(dx, id, sc, &v)) != 1)
		goto fail;
	rc = -1;
	pl = json_object_new_object();
	jadd_int(pl, "subscription", id);
	jadd_str(pl, "message", "a test event, sent on request");
	p[0] = dbp_int(id);
	p[1] = dbp_str(json_text(pl));
	if (db_exec(dx->db, STMT_EVENT_TEST_ADD, p, 2, NULL, &eid) != 1) {
		json_object_put(pl);
		goto fail;
	}
	json_object_put(pl);
	p[0] = dbp_int((long long)eid);
	if (db_query(dx->db, STMT_EVENT_UID, p, 1, &rs) == -1 ||
	    rs->nrow != 1 || db_audit_commit(dx, "subscription.test",
	    "subscription", id, NULL, NULL) == -1)
		goto fail;
	*uid = xstrdup(dbres_str(rs, 0, 0));
	dbres_free(rs);
	return 1;
fail:
	dbres_free(rs);
	db_tx_rollback(dx->db);
	return rc;
}

/* Columns of DLV_COLS and STMT_ATTEMPT_LIST. */
enum {
	DC_ID, DC_SUB, DC_URL, DC_EVENT, DC_TYPE, DC_STATE, DC_ATTEMPTS,
	DC_STATUS, DC_CREATED, DC_NEXT, DC_DONE, DC_PAYLOAD, DC_EV_CREATED
};
enum {
	DA_ID, DA_AT, DA_MS, DA_STATUS, DA_ERROR, DA_RESPONSE, DA_NOTIFIER
};

/* The rows of rs as deliveries, into l (which takes rs). */
static void
delivery_rows(struct dbres *rs, struct delivery_list *l)
{
	struct delivery	*d;
	size_t		 i;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		d = &l->v[i];
		d->id = dbres_int(rs, i, DC_ID);
		d->sub_id = dbres_int(rs, i, DC_SUB);
		d->url = dbres_str(rs, i, DC_URL);
		d->event = dbres_str(rs, i, DC_EVENT);
		d->type = dbres_str(rs, i, DC_TYPE);
		d->state = dbres_str(rs, i, DC_STATE);
		d->attempts = dbres_int(rs, i, DC_ATTEMPTS);
		if ((d->has_status = !dbres_null(rs, i, DC_STATUS)))
			d->status = dbres_int(rs, i, DC_STATUS);
		d->created_at = dbres_str(rs, i, DC_CREATED);
		d->next_at = dbres_str(rs, i, DC_NEXT);
		d->done_at = dbres_str(rs, i, DC_DONE);
		d->payload = dbres_str(rs, i, DC_PAYLOAD);
		d->event_at = dbres_str(rs, i, DC_EV_CREATED);
	}
}

void
delivery_list_free(struct delivery_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

void
attempt_list_free(struct attempt_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/*
 * A page of deliveries, newest first: of subscription sub (0: all) in
 * state (NULL: any). 0 with *l (owned: delivery_list_free) and *total,
 * or -1.
 */
int
db_delivery_list(struct dbx *dx, long long sub, const char *state,
    long long limit, long long offset, struct delivery_list *l,
    long long *total)
{
	struct dbres	*c, *rs;
	struct dbp	 p[6];

	memset(l, 0, sizeof(*l));
	p[0] = sub ? dbp_int(sub) : dbp_null();
	p[1] = p[0];
	p[2] = dbp_str(state);
	p[3] = p[2];
	if (db_query(dx->db, STMT_DELIVERY_COUNT, p, 4, &c) == -1)
		return -1;
	*total = dbres_int(c, 0, 0);
	dbres_free(c);
	p[4] = dbp_int(limit);
	p[5] = dbp_int(offset);
	if (db_query(dx->db, STMT_DELIVERY_LIST, p, 6, &rs) == -1)
		return -1;
	delivery_rows(rs, l);
	return 0;
}

/*
 * Delivery id and every attempt, oldest first. 1 with d->v[0] and *att,
 * both owned; 0 not found; -1 error.
 */
int
db_delivery_get(struct dbx *dx, long long id, struct delivery_list *d,
    struct attempt_list *att)
{
	struct dbres	*rs;
	struct dbp	 p[1];
	struct attempt	*a;
	size_t		 i;

	memset(d, 0, sizeof(*d));
	memset(att, 0, sizeof(*att));
	p[0] = dbp_int(id);
	if (db_query(dx->db, STMT_DELIVERY_GET, p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return 0;
	}
	delivery_rows(rs, d);
	if (db_query(dx->db, STMT_ATTEMPT_LIST, p, 1, &rs) == -1) {
		delivery_list_free(d);
		return -1;
	}
	att->v = dbrows_new(rs, sizeof(*att->v), &att->n,
	    &att->rs);
	for (i = 0; i < att->n; i++) {
		a = &att->v[i];
		a->at = dbres_str(rs, i, DA_AT);
		a->ms = dbres_int(rs, i, DA_MS);
		if ((a->has_status = !dbres_null(rs, i, DA_STATUS)))
			a->status = dbres_int(rs, i, DA_STATUS);
		a->error = dbres_str(rs, i, DA_ERROR);
		a->response = dbres_str(rs, i, DA_RESPONSE);
		a->notifier = dbres_str(rs, i, DA_NOTIFIER);
	}
	return 1;
}

/*
 * Send delivery id again (delivered or failed): due now, with a fresh
 * retry window. 1 done, 0 no such delivery or already pending, -1.
 */
int
db_delivery_resend(struct dbx *dx, long long id)
{
	struct dbp		 p[1];
	unsigned long long	 n;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_int(id);
	if (db_exec(dx->db, STMT_DELIVERY_RESEND, p, 1, &n, NULL) != 1)
		goto fail;
	if (n == 0) {
		db_tx_rollback(dx->db);
		return 0;
	}
	if (db_audit_commit(dx, "delivery.resend", "delivery", id, NULL,
	    NULL) == -1)
		goto fail;
	return 1;
fail:
	db_tx_rollback(dx->db);
	return -1;
}

/*
 * The id of the owner of kind ("marketplace" or "provider") named nid.
 * 1 with *id, 0 none, -1 error.
 */
int
db_sub_owner(struct dbx *dx, const char *kind, const char *nid,
    long long *id)
{
	struct dbres	*rs;
	struct dbp	 p[1];
	int		 rc;

	p[0] = dbp_str(nid);
	if (db_query(dx->db, strcmp(kind, "marketplace") == 0 ?
	    STMT_MKT_BY_NID : STMT_PROVIDER_BY_NID, p, 1, &rs) == -1)
		return -1;
	rc = rs->nrow == 1;
	if (rc)
		*id = dbres_int(rs, 0, 0);
	dbres_free(rs);
	return rc;
}

/*
 * Delete up to max events older than days, fanned out and with no
 * delivery pending, with their deliveries and attempts. 0 with *n, or
 * -1.
 */
int
db_event_purge(struct db *db, long long days, long long max, long long *n)
{
	struct dbp		 p[2];
	unsigned long long	 aff = 0;

	*n = 0;
	p[0] = dbp_int(days);
	p[1] = dbp_int(max);
	if (db_exec(db, STMT_EVENT_PURGE, p, 2, &aff, NULL) != 1)
		return -1;
	*n = (long long)aff;
	return 0;
}

/*
 * Fan out up to max events not fanned out yet, oldest first, in one
 * READ COMMITTED transaction: a delivery row per subscription that
 * hears each. Rows locked by another notifier (or by their writer, not
 * committed yet) are skipped. 0 with *n events done, or -1.
 */
int
db_event_fanout(struct db *db, long long max, long long *n)
{
	struct dbres	*rs = NULL;
	struct dbp	 p[3];
	struct buf	 ids;
	size_t		 i;
	unsigned long long aff;

	*n = 0;
	memset(&ids, 0, sizeof(ids));
	/* For the next transaction only (STMT_EVENT_FAN_RC says why). */
	if (db_exec(db, STMT_EVENT_FAN_RC, NULL, 0, NULL, NULL) != 1 ||
	    db_tx_begin(db) == -1)
		return -1;
	p[0] = dbp_int(max);
	if (db_query(db, STMT_EVENT_FAN_PICK, p, 1, &rs) == -1)
		goto fail;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return db_tx_commit(db);
	}
	/* The picked ids (ascending) as a JSON array, in two statements. */
	for (i = 0; i < rs->nrow; i++)
		buf_printf(&ids, "%c%lld", i == 0 ? '[' : ',',
		    dbres_int(rs, i, 0));
	buf_puts(&ids, "]");
	p[0] = dbp_int(dbres_int(rs, 0, 0));
	p[1] = dbp_int(dbres_int(rs, rs->nrow - 1, 0));
	p[2] = dbp_str(ids.p);
	if (db_exec(db, STMT_EVENT_FAN_OUT, p, 3, NULL, NULL) != 1 ||
	    db_exec(db, STMT_EVENT_FANNED, p, 3, &aff, NULL) != 1 ||
	    aff != rs->nrow)
		goto fail;
	if (db_tx_commit(db) == -1)
		goto fail;
	*n = (long long)rs->nrow;
	buf_free(&ids);
	dbres_free(rs);
	return 0;
fail:
	buf_free(&ids);
	dbres_free(rs);
	db_tx_rollback(db);
	return -1;
}

/*
 * Claim up to max due deliveries under the token claim, for lease
 * seconds (each claim counts as an attempt), then read them; at most
 * per_sub of one subscription, which must not have per_sub in flight
 * already. Two notifiers never claim the same row: the pick skips
 * locked rows and the claim pushes next_at past the lease. 0 with
 * *rows (owned, enum clmcol; possibly empty), or -1.
 */
int
db_delivery_claim(struct db *db, const char *claim, long long lease,
    long long max, long long per_sub, struct dbres **rows)
{
	struct dbres	*rs = NULL;
	struct dbp	 p[3];
	size_t		 i, j, n, k = 0;
	long long	 sub;

	*rows = NULL;
	if (db_tx_begin(db) == -1)
		return -1;
	p[0] = dbp_int(per_sub);
	p[1] = dbp_int(max);
	if (db_query(db, STMT_DELIVERY_PICK, p, 2, &rs) == -1)
		goto fail;
	for (i = 0; i < rs->nrow; i++) {
		sub = dbres_int(rs, i, 1);
		for (n = 0, j = 0; j < i; j++)
			if (dbres_int(rs, j, 1) == sub)
				n++;
		if ((long long)n >= per_sub)
			continue;
		p[0] = dbp_str(claim);
		p[1] = dbp_int(lease);
		p[2] = dbp_int(dbres_int(rs, i, 0));
		if (db_exec(db, STMT_DELIVERY_CLAIM, p, 3, NULL, NULL) != 1)
			goto fail;
		k++;
	}
	if (db_tx_commit(db) == -1)
		goto fail;
	dbres_free(rs);
	rs = NULL;
	if (k == 0) {
		*rows = xcalloc(1, sizeof(**rows));
		return 0;
	}
	p[0] = dbp_str(claim);
	return db_query(db, STMT_DELIVERY_CLAIMED, p, 1, rows);
fail:
	dbres_free(rs);
	db_tx_rollback(db);
	return -1;
}

/*
 * Record one attempt at delivery id made under claim, inside the
 * caller's transaction: delivered when ok, else due again in retry_us
 * microseconds, or failed once max_age seconds have passed since its
 * first_at. status 0 means no HTTP answer. A claim that expired
 * meanwhile (another notifier took the row) changes nothing but the
 * attempt log. 0 or -1.
 */
int
db_delivery_record(struct db *db, long long id, const char *claim, int ok,
    int status, long long retry_us, long long max_age, long long ms,
    const char *error, const char *resp, const char *notifier)
{
	struct dbp	 p[6];
	int		 rc;

	if (ok) {
		p[0] = dbp_int(status);
		p[1] = dbp_int(id);
		p[2] = dbp_str(claim);
		rc = db_exec(db, STMT_DELIVERY_DONE, p, 3, NULL, NULL);
	} else {
		p[0] = dbp_int(max_age);
		p[1] = dbp_int(retry_us);
		p[2] = status ? dbp_int(status) : dbp_null();
		p[3] = dbp_int(id);
		p[4] = dbp_str(claim);
		rc = db_exec(db, STMT_DELIVERY_RETRY, p, 5, NULL, NULL);
	}
	if (rc != 1)
		return -1;
	p[0] = dbp_int(ms);
	p[1] = status ? dbp_int(status) : dbp_null();
	p[2] = dbp_str(error);
	p[3] = dbp_str(resp);
	p[4] = dbp_str(notifier);
	p[5] = dbp_int(id);
	return db_exec(db, STMT_ATTEMPT_ADD, p, 6, NULL, NULL) == 1 ? 0 : -1;
}

/* db_delivery_record in a transaction of its own. 0 or -1. */
int
db_delivery_result(struct db *db, long long id, const char *claim, int ok,
    int status, long long retry_us, long long max_age, long long ms,
    const char *error, const char *resp, const char *notifier)
{
	if (db_tx_begin(db) == -1)
		return -1;
	if (db_delivery_record(db, id, claim, ok, status, retry_us, max_age,
	    ms, error, resp, notifier) == -1 || db_tx_commit(db) == -1) {
		db_tx_rollback(db);
		return -1;
	}
	return 0;
}
