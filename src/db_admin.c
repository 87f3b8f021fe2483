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

/*
 * Create an admin with a password (hashed with scrypt). Returns 1 with
 * *id set, 0 if the e-mail exists, -1 on error.
 */
int
db_admin_create(struct req *r, const char *email, const char *pw,
    long long *id)
{
	struct json_object	*after;
	struct dbp		 p[2];
	unsigned long long	 lid;
	char			*h;
	int			 rc;

	if ((h = crypto_pw_hash(pw)) == NULL)
		return -1;
	if (db_tx_begin(r->db) == -1) {
		free(h);
		return -1;
	}
	p[0] = dbp_str(email);
	p[1] = dbp_str(h);
	rc = db_exec(r->db, STMT_ADMIN_ADD, p, 2, NULL, &lid);
	free(h);
	if (rc != 1)
		goto fail;
	after = json_object_new_object();
	jadd_str(after, "email", email);
	rc = db_audit(r, "admin.create", "admin", (long long)lid, NULL,
	    after) == 0 ? 1 : -1;
	json_object_put(after);
	if (rc != 1 || db_tx_commit(r->db) == -1) {
		rc = -1;
		goto fail;
	}
	*id = (long long)lid;
	return 1;
fail:
	db_tx_rollback(r->db);
	return rc;
}

/* Set an admin's password, ending its sessions. 1, 0 (no such admin), -1. */
int
db_admin_setpw(struct req *r, const char *email, const char *pw)
{
	struct json_object	*after;
	struct dbp		 p[2];
	unsigned long long	 n;
	char			*h;
	int			 rc = -1;

	if ((h = crypto_pw_hash(pw)) == NULL)
		return -1;
	if (db_tx_begin(r->db) == -1) {
		free(h);
		return -1;
	}
	p[0] = dbp_str(h);
	p[1] = dbp_str(email);
	if (db_exec(r->db, STMT_ADMIN_SETPW, p, 2, &n, NULL) != 1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	after = json_object_new_object();
	jadd_str(after, "email", email);
	rc = db_audit(r, "admin.password", "admin", 0, NULL, after);
	json_object_put(after);
	if (rc == -1 || db_tx_commit(r->db) == -1) {
		rc = -1;
		goto out;
	}
	free(h);
	return 1;
out:
	free(h);
	db_tx_rollback(r->db);
	return rc;
}

/*
 * A new admin API token for admin_id. Returns 0 with the token in *tok
 * (owned; show it once), or -1.
 */
int
db_admin_token_create(struct req *r, long long admin_id, const char *label,
    char **tok)
{
	struct json_object	*after;
	struct dbp		 p[3];
	unsigned char		 h[32];
	unsigned long long	 id;
	char			*t;

	*tok = NULL;
	t = crypto_token("agat_");
	crypto_sha256(t, strlen(t), h);
	if (db_tx_begin(r->db) == -1)
		goto fail;
	p[0] = dbp_blob(h, sizeof(h));
	p[1] = dbp_int(admin_id);
	p[2] = dbp_str(label);
	if (db_exec(r->db, STMT_ADMIN_TOKEN_ADD, p, 3, NULL, &id) != 1)
		goto rollback;
	after = json_object_new_object();
	jadd_int(after, "admin_id", admin_id);
	jadd_str(after, "label", label);
	if (db_audit(r, "admin_token.create", "admin_token", (long long)id,
	    NULL, after) == -1) {
		json_object_put(after);
		goto rollback;
	}
	json_object_put(after);
	if (db_tx_commit(r->db) == -1)
		goto rollback;
	*tok = t;
	return 0;
rollback:
	db_tx_rollback(r->db);
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
db_regtoken_create(struct req *r, const char *label, long long uses,
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
	if (db_tx_begin(r->db) == -1)
		goto fail;
	p[0] = dbp_blob(h, sizeof(h));
	p[1] = dbp_str(label);
	p[2] = dbp_int(uses);
	p[3] = ttl > 0 ? dbp_int(ttl) : dbp_null();
	p[4] = dbp_str(r->pr.label[0] ? r->pr.label : "anonymous");
	if (db_exec(r->db, STMT_REGTOKEN_ADD, p, 5, NULL, &lid) != 1)
		goto rollback;
	after = json_object_new_object();
	jadd_str(after, "label", label);
	jadd_int(after, "max_uses", uses);
	jadd_int(after, "ttl_seconds", ttl);
	if (db_audit(r, "registration_token.create", "registration_token",
	    (long long)lid, NULL, after) == -1) {
		json_object_put(after);
		goto rollback;
	}
	json_object_put(after);
	if (db_tx_commit(r->db) == -1)
		goto rollback;
	*tok = t;
	*id = (long long)lid;
	return 0;
rollback:
	db_tx_rollback(r->db);
fail:
	explicit_bzero(t, strlen(t));
	free(t);
	return -1;
}
