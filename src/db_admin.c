/*
 * Admin accounts, admin API tokens and registration tokens. Each change
 * runs in one transaction with its audit row. Tokens are returned to the
 * caller to show once; only their SHA-256 is stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* Columns of STMT_CON_ADMIN_GET; of STMT_CON_ATOKEN_LIST and _GET. */
enum {
	AD_ID, AD_EMAIL, AD_STATE, AD_CREATED, AD_PWCHANGED, AD_DISABLED,
	AD_LOCKED, AD_FAILED, AD_VERSION
};
enum {
	AT_ID, AT_LABEL, AT_CREATED, AT_EXPIRES, AT_REVOKED, AT_STATE
};

/*
 * Admin id as the audit log records it (never its password hash), read
 * inside the caller's transaction: owned, or NULL on error.
 */
static struct json_object *
admin_snapshot(struct dbx *dx, long long id)
{
	struct json_object	*o;
	struct dbres		*rs;
	struct dbp		 p = dbp_int(id);

	if (db_query(dx->db, STMT_CON_ADMIN_GET, &p, 1, &rs) == -1)
		return NULL;
	if (rs->nrow != 1) {
		dbres_free(rs);
		return NULL;
	}
	o = json_object_new_object();
	jadd_int(o, "id", id);
	jadd_str(o, "email", dbres_str(rs, 0, AD_EMAIL));
	jadd_str(o, "state", dbres_str(rs, 0, AD_STATE));
	jadd_str(o, "created_at", dbres_str(rs, 0, AD_CREATED));
	jadd_str(o, "password_changed_at", dbres_str(rs, 0, AD_PWCHANGED));
	jadd_int(o, "version", dbres_int(rs, 0, AD_VERSION));
	dbres_free(rs);
	return o;
}

/*
 * Create an admin with a password (hashed with scrypt). Returns 1 with
 * *id set, 0 if the e-mail exists, -1 on error.
 */
int
db_admin_create(struct dbx *dx, const char *email, const char *pw,
    long long *id)
{
	struct json_object	*after;
	struct dbp		 p[2];
	unsigned long long	 lid;
	char			*h;
	int			 rc;

	if ((h = crypto_pw_hash(pw)) == NULL)
		return -1;
	if (db_tx_begin(dx->db) == -1) {
		free(h);
		return -1;
	}
	p[0] = dbp_str(email);
	p[1] = dbp_str(h);
	rc = db_exec(dx->db, STMT_ADMIN_ADD, p, 2, NULL, &lid);
	free(h);
	if (rc != 1)
		goto fail;
	if ((after = admin_snapshot(dx, (long long)lid)) == NULL) {
		rc = -1;
		goto fail;
	}
	rc = db_audit(dx, "admin.create", "admin", (long long)lid, NULL,
	    after) == 0 ? 1 : -1;
	json_object_put(after);
	if (rc != 1 || db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto fail;
	}
	*id = (long long)lid;
	return 1;
fail:
	db_tx_rollback(dx->db);
	return rc;
}

/* Set an admin's password, ending its sessions. 1, 0 (no such admin), -1. */
int
db_admin_setpw(struct dbx *dx, const char *email, const char *pw)
{
	struct json_object	*after;
	struct dbp		 p[2];
	unsigned long long	 n;
	char			*h;
	int			 rc = -1;

	if ((h = crypto_pw_hash(pw)) == NULL)
		return -1;
	if (db_tx_begin(dx->db) == -1) {
		free(h);
		return -1;
	}
	p[0] = dbp_str(h);
	p[1] = dbp_str(email);
	if (db_exec(dx->db, STMT_ADMIN_SETPW, p, 2, &n, NULL) != 1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	after = json_object_new_object();
	jadd_str(after, "email", email);
	rc = db_audit(dx, "admin.password", "admin", 0, NULL, after);
	json_object_put(after);
	if (rc == -1 || db_tx_commit(dx->db) == -1) {
		rc = -1;
		goto out;
	}
	free(h);
	return 1;
out:
	free(h);
	db_tx_rollback(dx->db);
	return rc;
}

/*
 * A new admin API token for admin_id, expiring after ttl seconds (0:
 * never). Returns 0 with the token in *tok (owned; show it once), or
 * -1.
 */
int
db_admin_token_create(struct dbx *dx, long long admin_id, const char *label,
    long long ttl, char **tok)
{
	struct json_object	*after;
	struct dbres		*rs;
	struct dbp		 p[4];
	unsigned char		 h[32];
	unsigned long long	 id;
	char			*t;

	*tok = NULL;
	t = crypto_token("agat_");
	crypto_sha256(t, strlen(t), h);
	if (db_tx_begin(dx->db) == -1)
		goto fail;
	p[0] = dbp_blob(h, sizeof(h));
	p[1] = dbp_int(admin_id);
	p[2] = dbp_str(label);
	p[3] = ttl > 0 ? dbp_int(ttl) : dbp_null();
	if (db_exec(dx->db, STMT_ADMIN_TOKEN_ADD, p, 4, NULL, &id) != 1)
		goto rollback;
	p[0] = dbp_int((long long)id);
	p[1] = dbp_int(admin_id);
	if (db_query(dx->db, STMT_CON_ATOKEN_GET, p, 2, &rs) == -1)
		goto rollback;
	after = json_object_new_object();
	jadd_int(after, "id", (long long)id);
	jadd_int(after, "admin_id", admin_id);
	jadd_str(after, "label", label);
	jadd_str(after, "created_at", dbres_str(rs, 0, AT_CREATED));
	jadd_str(after, "expires_at", dbres_str(rs, 0, AT_EXPIRES));
	dbres_free(rs);
	if (db_audit(dx, "admin_token.create", "admin_token", (long long)id,
	    NULL, after) == -1) {
		json_object_put(after);
		goto rollback;
	}
	json_object_put(after);
	if (db_tx_commit(dx->db) == -1)
		goto rollback;
	*tok = t;
	return 0;
rollback:
	db_tx_rollback(dx->db);
fail:
	explicit_bzero(t, strlen(t));
	free(t);
	return -1;
}

/*
 * A new registration token good for uses registrations, expiring after
 * ttl seconds (0: never). Returns 0 with *tok (owned; show once) and *id,
 * or -1.
 */
int
db_regtoken_create(struct dbx *dx, const char *label, long long uses,
    long long ttl, char **tok, long long *id)
{
	struct json_object	*after;
	struct dbp		 p[5];
	unsigned char		 h[32];
	unsigned long long	 lid;
	char			*t;

	*tok = NULL;
	t = crypto_token("agrt_");
	crypto_sha256(t, strlen(t), h);
	if (db_tx_begin(dx->db) == -1)
		goto fail;
	p[0] = dbp_blob(h, sizeof(h));
	p[1] = dbp_str(label);
	p[2] = dbp_int(uses);
	p[3] = ttl > 0 ? dbp_int(ttl) : dbp_null();
	p[4] = dbp_str(dx->pr->label[0] ? dx->pr->label : "anonymous");
	if (db_exec(dx->db, STMT_REGTOKEN_ADD, p, 5, NULL, &lid) != 1)
		goto rollback;
	after = json_object_new_object();
	jadd_str(after, "label", label);
	jadd_int(after, "max_uses", uses);
	jadd_int(after, "ttl_seconds", ttl);
	if (db_audit(dx, "registration_token.create", "registration_token",
	    (long long)lid, NULL, after) == -1) {
		json_object_put(after);
		goto rollback;
	}
	json_object_put(after);
	if (db_tx_commit(dx->db) == -1)
		goto rollback;
	*tok = t;
	*id = (long long)lid;
	return 0;
rollback:
	db_tx_rollback(dx->db);
fail:
	explicit_bzero(t, strlen(t));
	free(t);
	return -1;
}

void
admin_list_free(struct admin_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

void
admin_token_list_free(struct admin_token_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/* Admin id: 1 with l->v[0] (l owned: admin_list_free), 0 none, -1. */
int
db_admin_get(struct dbx *dx, long long id, struct admin_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(id);
	struct admin	*a;

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_CON_ADMIN_GET, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow != 1) {
		dbres_free(rs);
		return 0;
	}
	l->rs = rs;
	l->n = 1;
	l->v = a = xcalloc(1, sizeof(*a));
	a->id = dbres_int(rs, 0, AD_ID);
	a->email = dbres_str(rs, 0, AD_EMAIL);
	a->state = dbres_str(rs, 0, AD_STATE);
	a->created_at = dbres_str(rs, 0, AD_CREATED);
	a->pw_changed_at = dbres_str(rs, 0, AD_PWCHANGED);
	a->disabled_at = dbres_str(rs, 0, AD_DISABLED);
	a->locked_until = dbres_str(rs, 0, AD_LOCKED);
	a->failed = dbres_int(rs, 0, AD_FAILED);
	a->version = dbres_int(rs, 0, AD_VERSION);
	return 1;
}

/*
 * Disable (disable 1) or enable admin id at version: a disabled admin's
 * sessions end at once and neither its password nor its tokens are
 * accepted. The last active admin cannot be disabled. Returns 1, 0 (no
 * such admin at that version: stale), DBRC_CONFLICT (the last active
 * one), or -1. Audited.
 */
int
db_admin_set_disabled(struct dbx *dx, long long id, long long version,
    int disable)
{
	struct json_object	*before = NULL, *after = NULL;
	struct dbres		*rs = NULL;
	struct dbp		 p[3];
	unsigned long long	 n;
	size_t			 i;
	int			 rc = -1, active = 0;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	/*
	 * Every disable writes the guard row first, so two cannot cross
	 * (on one node the second waits; on a cluster one fails
	 * certification and runs again), then counts the active admins.
	 */
	if (disable && db_exec(dx->db, STMT_CON_ADMIN_GUARD, NULL, 0, NULL,
	    NULL) != 1)
		goto out;
	if (db_query(dx->db, STMT_CON_ADMIN_ACTIVE, NULL, 0, &rs) == -1)
		goto out;
	for (i = 0; i < rs->nrow; i++)
		if (dbres_int(rs, i, 0) == id)
			active = 1;
	if (disable && active && rs->nrow <= 1) {
		rc = DBRC_CONFLICT;
		goto out;
	}
	if ((before = admin_snapshot(dx, id)) == NULL) {
		rc = 0;
		goto out;
	}
	p[0] = dbp_int(disable != 0);
	p[1] = dbp_int(id);
	p[2] = dbp_int(version);
	if (db_exec(dx->db, STMT_CON_ADMIN_SETSTATE, p, 3, &n, NULL) != 1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	p[0] = dbp_int(id);
	if (disable && db_exec(dx->db, STMT_CON_ADMIN_SESS_END, p, 1, NULL,
	    NULL) != 1)
		goto out;
	if ((after = admin_snapshot(dx, id)) == NULL ||
	    db_audit_commit(dx, disable ? "admin.disable" : "admin.enable",
	    "admin", id, before, after) == -1)
		goto out;
	rc = 1;
out:
	if (rc != 1)
		db_tx_rollback(dx->db);
	json_object_put(before);
	json_object_put(after);
	dbres_free(rs);
	return rc;
}

/*
 * A new random password for admin id at version, ending its sessions
 * (the old password stops at once). Returns 1 with *pw (owned; show it
 * once), 0 (stale or no such admin), or -1. Audited, without the
 * password.
 */
int
db_admin_reset_pw(struct dbx *dx, long long id, long long version,
    char **pw)
{
	struct json_object	*after = NULL;
	struct dbp		 p[3];
	unsigned long long	 n;
	char			*np, *h;
	int			 rc = -1;

	*pw = NULL;
	np = crypto_token("");
	if ((h = crypto_pw_hash(np)) == NULL) {
		secret_free(np);
		return -1;
	}
	if (db_tx_begin(dx->db) == -1)
		goto out;
	p[0] = dbp_str(h);
	p[1] = dbp_int(id);
	p[2] = dbp_int(version);
	if (db_exec(dx->db, STMT_CON_ADMIN_RESETPW, p, 3, &n, NULL) != 1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	p[0] = dbp_int(id);
	if (db_exec(dx->db, STMT_CON_ADMIN_SESS_END, p, 1, NULL, NULL) != 1 ||
	    (after = admin_snapshot(dx, id)) == NULL ||
	    db_audit_commit(dx, "admin.password_reset", "admin", id, NULL,
	    after) == -1)
		goto out;
	rc = 1;
	*pw = np;
	np = NULL;
out:
	if (rc != 1)
		db_tx_rollback(dx->db);
	json_object_put(after);
	free(h);
	secret_free(np);
	return rc;
}

/* The rows of rs as admin tokens, into l (which takes rs). */
static void
admin_token_rows(struct dbres *rs, struct admin_token_list *l)
{
	struct admin_token	*t;
	size_t			 i;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		t = &l->v[i];
		t->id = dbres_int(rs, i, AT_ID);
		t->label = dbres_str(rs, i, AT_LABEL);
		t->created_at = dbres_str(rs, i, AT_CREATED);
		t->expires_at = dbres_str(rs, i, AT_EXPIRES);
		t->revoked_at = dbres_str(rs, i, AT_REVOKED);
		t->state = dbres_str(rs, i, AT_STATE);
	}
}

/* Admin admin_id's API tokens, newest first. 0 with *l (owned) or -1. */
int
db_admin_tokens(struct dbx *dx, long long admin_id,
    struct admin_token_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(admin_id);

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_CON_ATOKEN_LIST, &p, 1, &rs) == -1)
		return -1;
	admin_token_rows(rs, l);
	return 0;
}

/* Token id of admin admin_id: 1 with l->v[0] (l owned), 0, -1. */
int
db_admin_token_get(struct dbx *dx, long long admin_id, long long id,
    struct admin_token_list *l)
{
	struct dbres	*rs;
	struct dbp	 p[2];

	memset(l, 0, sizeof(*l));
	p[0] = dbp_int(id);
	p[1] = dbp_int(admin_id);
	if (db_query(dx->db, STMT_CON_ATOKEN_GET, p, 2, &rs) == -1)
		return -1;
	if (rs->nrow != 1) {
		dbres_free(rs);
		return 0;
	}
	admin_token_rows(rs, l);
	return 1;
}

/*
 * Revoke token id of admin admin_id: 1, 0 (none, or revoked already),
 * -1. Audited.
 */
int
db_admin_token_revoke(struct dbx *dx, long long admin_id, long long id)
{
	struct json_object	*after;
	struct dbp		 p[2];
	unsigned long long	 n;
	int			 rc = -1;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_int(id);
	p[1] = dbp_int(admin_id);
	if (db_exec(dx->db, STMT_CON_ATOKEN_REVOKE, p, 2, &n, NULL) != 1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	after = json_object_new_object();
	jadd_int(after, "admin_id", admin_id);
	jadd_bool(after, "revoked", 1);
	rc = db_audit(dx, "admin_token.revoke", "admin_token", id, NULL,
	    after) == 0 && db_tx_commit(dx->db) == 0 ? 1 : -1;
	json_object_put(after);
out:
	if (rc != 1)
		db_tx_rollback(dx->db);
	return rc;
}
