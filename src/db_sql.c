/*
 * Every SQL statement the program runs, by enum stmt. Placeholders only:
 * no statement text is ever built at run time. Sorting and optional
 * filters are spelled out as separate statements or as CASE on a bound
 * value. The session runs with time_zone '+00:00', so NOW(6) is UTC.
 */
#include "config.h"

#include "extern.h"

const char *const db_sql[STMT__MAX] = {
	/* core */
	[STMT_PING] = "SELECT 1",
	[STMT_SCHEMA_VERSION] =
	    "SELECT COALESCE(MAX(version), 0) FROM schema_version",
	[STMT_AUDIT_ADD] =
	    "INSERT INTO audit (actor, action, target_kind, target_id, "
	    "before_json, after_json, request_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[STMT_CRED_FIND] =
	    "SELECT id, owner_id, secret_hash FROM credential "
	    "WHERE kind = ? AND key_id = ? "
	    "AND (expires_at IS NULL OR expires_at > NOW(6)) "
	    "ORDER BY id DESC LIMIT 4",
	[STMT_CRED_ADD] =
	    "INSERT INTO credential (kind, key_id, secret_hash, owner_id) "
	    "VALUES (?, ?, ?, ?)",
	[STMT_CRED_EXPIRE] =
	    "UPDATE credential SET expires_at = NOW(6) + INTERVAL ? SECOND "
	    "WHERE kind = ? AND owner_id = ? "
	    "AND (expires_at IS NULL OR expires_at > NOW(6) + INTERVAL ? SECOND)",
	[STMT_ADMIN_TOKEN_FIND] =
	    "SELECT t.id, t.admin_id, a.email FROM admin_token t "
	    "JOIN admin_user a ON a.id = t.admin_id "
	    "WHERE t.token_hash = ? AND t.revoked_at IS NULL",
	[STMT_SESSION_FIND] =
	    "SELECT s.id, s.admin_id, a.email, s.csrf FROM admin_session s "
	    "JOIN admin_user a ON a.id = s.admin_id "
	    "WHERE s.token_hash = ? "
	    "AND s.seen_at > NOW(6) - INTERVAL ? SECOND "
	    "AND s.created_at > NOW(6) - INTERVAL ? SECOND "
	    "AND s.created_at >= a.pw_changed_at",
	[STMT_SESSION_TOUCH] =
	    "UPDATE admin_session SET seen_at = NOW(6) WHERE id = ?",
	[STMT_REGTOKEN_FIND] =
	    "SELECT id, label FROM registration_token WHERE token_hash = ? "
	    "AND revoked_at IS NULL "
	    "AND (expires_at IS NULL OR expires_at > NOW(6))",
	[STMT_IDEM_FIND] =
	    "SELECT req_hash, status, body_enc FROM idempotency "
	    "WHERE principal = ? AND idem_key = ? "
	    "AND created_at > NOW(6) - INTERVAL ? SECOND",
	[STMT_IDEM_ADD] =
	    "INSERT INTO idempotency (principal, idem_key, req_hash, status, "
	    "body_enc) VALUES (?, ?, ?, ?, ?)",
	[STMT_IDEM_PURGE] =
	    "DELETE FROM idempotency WHERE principal = ? AND idem_key = ? "
	    "AND created_at <= NOW(6) - INTERVAL ? SECOND",
	[STMT_MIGRATION_LIST] =
	    "SELECT version, name, checksum FROM schema_version "
	    "ORDER BY version",
	[STMT_MIGRATION_ADD] =
	    "INSERT INTO schema_version (version, name, checksum) "
	    "VALUES (?, ?, ?)",
	[STMT_ADMIN_ADD] =
	    "INSERT INTO admin_user (email, pw_hash) VALUES (?, ?)",
	[STMT_ADMIN_SETPW] =
	    "UPDATE admin_user SET pw_hash = ?, pw_changed_at = NOW(6), "
	    "failed = 0, locked_until = NULL WHERE email = ?",
	[STMT_ADMIN_BY_EMAIL] =
	    "SELECT id, pw_hash, failed, "
	    "COALESCE(locked_until > NOW(6), 0) FROM admin_user "
	    "WHERE email = ?",
	[STMT_ADMIN_TOKEN_ADD] =
	    "INSERT INTO admin_token (token_hash, admin_id, label) "
	    "VALUES (?, ?, ?)",
	[STMT_REGTOKEN_ADD] =
	    "INSERT INTO registration_token (token_hash, label, max_uses, "
	    "expires_at, created_by) "
	    "VALUES (?, ?, ?, NOW(6) + INTERVAL ? SECOND, ?)",
	/* marketplaces, certificates, registration tokens */
	/* providers, apps, environments, listings, autoconfigure */
	/* tenants, tenant apps, MnoHub v2 */
	/* admin users, sessions, console */
};
