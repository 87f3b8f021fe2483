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
	    "SELECT id, owner_id, secret_hash, expires_at IS NOT NULL "
	    "FROM credential WHERE kind = ? AND key_id = ? "
	    "AND (expires_at IS NULL OR expires_at > NOW(6)) "
	    "ORDER BY id DESC LIMIT 4",
	/*
	 * The same for a tenant and an environment, with the generations
	 * their cached reads depend on (0 when a scope has no row yet;
	 * migration 0002): a tenant's catalog, its own scope and its
	 * marketplace's; an environment's autoconfigure, its app's.
	 */
	[STMT_CRED_FIND_TENANT] =
	    "SELECT c.id, c.owner_id, c.secret_hash, "
	    "c.expires_at IS NOT NULL, COALESCE(gt.n, 0), COALESCE(gm.n, 0), "
	    "c.owner_id, TIMESTAMPDIFF(MICROSECOND, NOW(6), c.expires_at) "
	    "FROM credential c "
	    "LEFT JOIN gen gt ON gt.kind = 't' AND gt.id = c.owner_id "
	    "LEFT JOIN gen gm ON gm.kind = 'm' AND gm.id = gt.up "
	    "WHERE c.kind = 'tenant' AND c.key_id = ? "
	    "AND (c.expires_at IS NULL OR c.expires_at > NOW(6)) "
	    "ORDER BY c.id DESC LIMIT 4",
	[STMT_CRED_FIND_ENV] =
	    "SELECT c.id, c.owner_id, c.secret_hash, "
	    "c.expires_at IS NOT NULL, COALESCE(ga.n, 0), 0, "
	    "e.app_id, TIMESTAMPDIFF(MICROSECOND, NOW(6), c.expires_at) "
	    "FROM credential c JOIN environment e ON e.id = c.owner_id "
	    "LEFT JOIN gen ga ON ga.kind = 'a' AND ga.id = e.app_id "
	    "WHERE c.kind = 'environment' AND c.key_id = ? "
	    "AND (c.expires_at IS NULL OR c.expires_at > NOW(6)) "
	    "ORDER BY c.id DESC LIMIT 4",
	/*
	 * The same generations alone, for a credential the worker has
	 * checked already (auth.c): its tenant's scope and the
	 * marketplace that scope names, or its app's scope. These two
	 * are every cached hit's one statement, so they ask for MariaDB's
	 * query cache: with query_cache_type = DEMAND the server answers
	 * them from memory until a write to gen (any write: the triggers
	 * move it) drops the entry, at a third of a run's cost
	 * (doc/bench.md). With the cache off the hint does nothing.
	 */
	[STMT_GEN_TENANT] =
	    "SELECT SQL_CACHE gt.n, COALESCE(gm.n, 0) FROM gen gt "
	    "LEFT JOIN gen gm ON gm.kind = 'm' AND gm.id = gt.up "
	    "WHERE gt.kind = 't' AND gt.id = ?",
	[STMT_GEN_APP] =
	    "SELECT SQL_CACHE n, 0 FROM gen WHERE kind = 'a' AND id = ?",
	[STMT_CRED_PURGE] =
	    "DELETE FROM credential "
	    "WHERE expires_at < NOW(6) - INTERVAL 1 DAY "
	    "ORDER BY id LIMIT ?",
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
	    "WHERE t.token_hash = ? AND t.revoked_at IS NULL "
	    "AND (t.expires_at IS NULL OR t.expires_at > NOW(6)) "
	    "AND a.disabled_at IS NULL",
	[STMT_SESSION_FIND] =
	    "SELECT s.id, s.admin_id, a.email, s.csrf FROM admin_session s "
	    "JOIN admin_user a ON a.id = s.admin_id "
	    "WHERE s.token_hash = ? "
	    "AND s.seen_at > NOW(6) - INTERVAL ? SECOND "
	    "AND s.created_at > NOW(6) - INTERVAL ? SECOND "
	    "AND s.created_at >= a.pw_changed_at AND a.disabled_at IS NULL",
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
	    "disabled_at IS NOT NULL FROM admin_user "
	    "WHERE email = ?",
	[STMT_ADMIN_TOKEN_ADD] =
	    "INSERT INTO admin_token (token_hash, admin_id, label, expires_at) "
	    "VALUES (?, ?, ?, NOW(6) + INTERVAL ? SECOND)",
	[STMT_REGTOKEN_ADD] =
	    "INSERT INTO registration_token (token_hash, label, max_uses, "
	    "expires_at, created_by) "
	    "VALUES (?, ?, ?, NOW(6) + INTERVAL ? SECOND, ?)",
	/* marketplaces, certificates, registration tokens */
#define MTS(c)	"DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%sZ')"
#define MKT_COLS	"m.id, m.nid, m.name, m.environment, m.hub_url, " \
	"m.impac_url, m.connec_url, m.nex_url, m.api_key, m.version, " \
	MTS("m.created_at") ", " MTS("m.updated_at") ", m.cert_id, c.serial, " \
	"c.subject_cn, c.pem, c.fp_sha1, c.fp_sha256, c.key_type, " \
	MTS("c.not_before") ", " MTS("c.not_after") ", " MTS("c.revoked_at") \
	", m.hub_pending " \
	" FROM marketplace m LEFT JOIN certificate c ON c.id = m.cert_id "
#define RT_STATE	"CASE WHEN revoked_at IS NOT NULL THEN 'revoked' " \
	"WHEN expires_at IS NOT NULL AND expires_at <= NOW(6) " \
	"THEN 'expired' WHEN uses >= max_uses THEN 'used' ELSE 'active' END"
#define RT_COLS	"id, label, max_uses, uses, " MTS("expires_at") ", " \
	MTS("revoked_at") ", created_by, " MTS("created_at") ", " RT_STATE
	/* What the database chose, so the answer is not read back. */
	[STMT_MKT_ADD] =
	    "INSERT INTO marketplace (nid, name, environment, hub_url, "
	    "impac_url, connec_url, nex_url, api_key) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id, version, " MTS("created_at") ", "
	    MTS("updated_at"),
	[STMT_MKT_SETCERT] =
	    "UPDATE marketplace SET cert_id = ? WHERE id = ?",
	[STMT_MKT_GET] =
	    "SELECT " MKT_COLS "WHERE m.id = ?",
	[STMT_MKT_BY_NID] =
	    "SELECT id FROM marketplace WHERE nid = ?",
	[STMT_MKT_UPDATE] =
	    "UPDATE marketplace SET name = ?, hub_url = ?, impac_url = ?, "
	    "connec_url = ?, nex_url = ?, hub_pending = ?, "
	    "version = version + 1, updated_at = NOW(6) "
	    "WHERE id = ? AND version = ?",
	[STMT_MKT_LIST] =
	    "SELECT " MKT_COLS "WHERE (? IS NULL OR m.environment = ?) "
	    "AND (? IS NULL OR LEFT(m.nid, CHAR_LENGTH(?)) = ?) "
	    "ORDER BY m.id LIMIT ? OFFSET ?",
	[STMT_MKT_COUNT] =
	    "SELECT COUNT(*) FROM marketplace m "
	    "WHERE (? IS NULL OR m.environment = ?) "
	    "AND (? IS NULL OR LEFT(m.nid, CHAR_LENGTH(?)) = ?)",
	[STMT_MKT_TOUCH] =
	    "UPDATE marketplace SET version = version + 1, "
	    "updated_at = NOW(6) WHERE id = ?",
	[STMT_CERT_ADD] =
	    "INSERT INTO certificate (marketplace_id, serial, subject_cn, pem, "
	    "fp_sha1, fp_sha256, key_type, not_before, not_after) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
	[STMT_CERT_LIST] =
	    "SELECT c.id, c.serial, c.subject_cn, c.fp_sha1, c.fp_sha256, "
	    "c.key_type, " MTS("c.not_before") ", " MTS("c.not_after") ", "
	    MTS("c.revoked_at") ", c.revoke_reason, c.id = m.cert_id "
	    "FROM certificate c JOIN marketplace m ON m.id = c.marketplace_id "
	    "WHERE c.marketplace_id = ? ORDER BY c.id",
	[STMT_CERT_FIND] =
	    "SELECT c.id, c.serial, c.revoked_at IS NOT NULL FROM certificate c "
	    "JOIN marketplace m ON m.id = c.marketplace_id "
	    "WHERE c.marketplace_id = ? "
	    "AND ((? IS NULL AND c.id = m.cert_id) OR c.serial = ?) "
	    "FOR UPDATE",
	[STMT_CERT_REVOKE] =
	    "UPDATE certificate SET revoked_at = NOW(), revoke_reason = ? "
	    "WHERE id = ? AND revoked_at IS NULL",
	[STMT_CERT_REVOKED] =
	    "SELECT serial, UNIX_TIMESTAMP(revoked_at), revoke_reason "
	    "FROM certificate WHERE revoked_at IS NOT NULL "
	    "AND not_after > NOW() ORDER BY id",
	[STMT_REGTOKEN_USE] =
	    "UPDATE registration_token SET uses = uses + 1 "
	    "WHERE id = ? AND uses < max_uses AND revoked_at IS NULL "
	    "AND (expires_at IS NULL OR expires_at > NOW(6))",
	[STMT_REGTOKEN_LIST] =
	    "SELECT " RT_COLS " FROM registration_token "
	    "WHERE (? IS NULL OR " RT_STATE " = ?) "
	    "ORDER BY id DESC LIMIT ? OFFSET ?",
	[STMT_REGTOKEN_COUNT] =
	    "SELECT COUNT(*) FROM registration_token "
	    "WHERE (? IS NULL OR " RT_STATE " = ?)",
	[STMT_REGTOKEN_GET] =
	    "SELECT " RT_COLS " FROM registration_token WHERE id = ?",
	[STMT_REGTOKEN_REVOKE] =
	    "UPDATE registration_token SET revoked_at = NOW(6) "
	    "WHERE id = ? AND revoked_at IS NULL",
	[STMT_MKT_HUB_TAKEN] =
	    "SELECT COUNT(*) FROM marketplace WHERE hub_host = ? AND id <> ?",
	/* A first registration's early refusals: nid, token, hub host. */
	[STMT_MKT_REG_CHECK] =
	    "SELECT EXISTS (SELECT 1 FROM marketplace WHERE nid = ?), "
	    "COALESCE((SELECT " RT_STATE " = 'active' "
	    "FROM registration_token WHERE id = ?), 0), "
	    "EXISTS (SELECT 1 FROM marketplace WHERE hub_host = ?)",
	[STMT_MKT_HUB_LOCK] =
	    "SELECT hub_url, hub_pending FROM marketplace WHERE id = ? "
	    "FOR UPDATE",
	[STMT_MKT_HUB_APPLY] =
	    "UPDATE marketplace SET hub_url = hub_pending, hub_pending = NULL, "
	    "version = version + 1, updated_at = NOW(6) "
	    "WHERE id = ? AND hub_pending IS NOT NULL",
	[STMT_MKT_HUB_DROP] =
	    "UPDATE marketplace SET hub_pending = NULL, version = version + 1, "
	    "updated_at = NOW(6) WHERE id = ? AND hub_pending IS NOT NULL",
#undef MTS
#undef MKT_COLS
#undef RT_STATE
#undef RT_COLS
	/* providers, apps, environments, listings, autoconfigure */
#define TS(c)	"DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%sZ')"
#define PROVIDER_COLS	"id, nid, name, email, api_key, " TS("created_at") \
	", " TS("updated_at")
	[STMT_PROVIDER_ADD] =
	    "INSERT INTO provider (nid, name, email, api_key) "
	    "VALUES (?, ?, ?, ?)",
	[STMT_PROVIDER_GET] =
	    "SELECT " PROVIDER_COLS " FROM provider WHERE id = ?",
	[STMT_PROVIDER_BY_NID] =
	    "SELECT " PROVIDER_COLS " FROM provider WHERE nid = ?",
	[STMT_PROVIDER_LIST] =
	    "SELECT " PROVIDER_COLS " FROM provider ORDER BY id "
	    "LIMIT ? OFFSET ?",
	[STMT_PROVIDER_COUNT] = "SELECT COUNT(*) FROM provider",
#define APP_COLS	"a.id, a.uid, a.provider_id, p.nid, a.version, " \
	TS("a.created_at") ", " TS("a.updated_at") ", a.nid, a.name, " \
	"a.description, a.tiny_description, a.logo, a.pictures, a.website, " \
	"a.categories, a.tags, a.key_benefits, a.key_features, " \
	"a.pricing_plans, a.free_trial_duration, a.free_trial_unit, " \
	"a.stack, a.terms_url, a.support_url, a.app_rank, a.appinfo, " \
	"a.sso_enabled, a.multi_instantiable, a.active, a.self_publish"
	[STMT_APP_ADD] =
	    "INSERT INTO app (uid, provider_id, nid, name, description, "
	    "tiny_description, logo, pictures, website, categories, tags, "
	    "key_benefits, key_features, pricing_plans, free_trial_duration, "
	    "free_trial_unit, stack, terms_url, support_url, app_rank, "
	    "appinfo, sso_enabled, multi_instantiable, active, self_publish) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?)",
	[STMT_APP_GET] =
	    "SELECT " APP_COLS " FROM app a "
	    "JOIN provider p ON p.id = a.provider_id "
	    "WHERE a.id = ? AND (? IS NULL OR a.provider_id = ?)",
	[STMT_APP_LIST] =
	    "SELECT " APP_COLS " FROM app a "
	    "JOIN provider p ON p.id = a.provider_id "
	    "WHERE (? IS NULL OR a.provider_id = ?) ORDER BY a.id "
	    "LIMIT ? OFFSET ?",
	[STMT_APP_COUNT] =
	    "SELECT COUNT(*) FROM app a WHERE (? IS NULL OR a.provider_id = ?)",
	[STMT_APP_UPDATE] =
	    "UPDATE app SET nid = ?, name = ?, description = ?, "
	    "tiny_description = ?, logo = ?, pictures = ?, website = ?, "
	    "categories = ?, tags = ?, key_benefits = ?, key_features = ?, "
	    "pricing_plans = ?, free_trial_duration = ?, free_trial_unit = ?, "
	    "stack = ?, terms_url = ?, support_url = ?, app_rank = ?, "
	    "appinfo = ?, sso_enabled = ?, multi_instantiable = ?, "
	    "active = ?, self_publish = ?, version = version + 1, "
	    "updated_at = NOW(6) WHERE id = ? AND version = ?",
	[STMT_APP_BY_NID] =
	    "SELECT id, active FROM app WHERE nid = ?",
#define ENV_COLS	"e.id, e.app_id, e.api_key, e.version, " \
	TS("e.created_at") ", " TS("e.updated_at") ", e.nid, e.host, e.idm, " \
	"e.sso_init_path, e.sso_consume_path, e.group_path, " \
	"e.group_user_path, e.notification_path, e.initialization_path, " \
	"e.external_ids, e.sync_start_path, e.sync_toggle_path, " \
	"e.sync_status_path"
	[STMT_ENV_ADD] =
	    "INSERT INTO environment (app_id, api_key, nid, host, idm, "
	    "sso_init_path, sso_consume_path, group_path, group_user_path, "
	    "notification_path, initialization_path, external_ids, "
	    "sync_start_path, sync_toggle_path, sync_status_path) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_ENV_GET] =
	    "SELECT " ENV_COLS " FROM environment e "
	    "WHERE e.id = ? AND e.app_id = ?",
	[STMT_ENV_LIST] =
	    "SELECT " ENV_COLS " FROM environment e "
	    "WHERE e.app_id = ? ORDER BY e.id",
	[STMT_ENV_UPDATE] =
	    "UPDATE environment SET nid = ?, host = ?, idm = ?, "
	    "sso_init_path = ?, sso_consume_path = ?, group_path = ?, "
	    "group_user_path = ?, notification_path = ?, "
	    "initialization_path = ?, external_ids = ?, sync_start_path = ?, "
	    "sync_toggle_path = ?, sync_status_path = ?, "
	    "version = version + 1, updated_at = NOW(6) "
	    "WHERE id = ? AND version = ?",
	[STMT_LISTING_ADD] =
	    "INSERT INTO listing (app_id, marketplace_id, state, hub_api_id) "
	    "VALUES (?, ?, 'submitted', ?)",
	[STMT_LISTING_FIND] =
	    "SELECT id FROM listing WHERE app_id = ? AND marketplace_id = ? "
	    "FOR UPDATE",
	[STMT_LISTING_LOCK] =
	    "SELECT l.id, l.state, l.hub_key_enc IS NOT NULL, a.active, "
	    "l.admin_hold FROM listing l JOIN app a ON a.id = l.app_id "
	    "WHERE l.id = ? AND (? IS NULL OR a.provider_id = ?) "
	    "AND (? IS NULL OR l.marketplace_id = ?) FOR UPDATE",
	[STMT_LISTING_SETSTATE] =
	    "UPDATE listing SET state = ?, admin_hold = COALESCE(?, "
	    "admin_hold), updated_at = NOW(6) WHERE id = ?",
	[STMT_LISTING_SETKEY] =
	    "UPDATE listing SET hub_key_enc = ? "
	    "WHERE id = ? AND hub_key_enc IS NULL",
	[STMT_LISTING_NOKEY] =
	    "SELECT id FROM listing WHERE state = 'approved' "
	    "AND hub_key_enc IS NULL ORDER BY id",
	[STMT_LISTING_HIST_ADD] =
	    "INSERT INTO listing_history (listing_id, actor, from_state, "
	    "to_state, note) VALUES (?, ?, ?, ?, ?)",
#define LISTING_COLS	"l.id, l.state, l.hub_api_id, a.id, a.nid, a.name, " \
	"m.nid, " TS("l.created_at") ", " TS("l.updated_at") ", l.hub_key_enc"
#define LISTING_WHERE	"FROM listing l JOIN app a ON a.id = l.app_id " \
	"JOIN marketplace m ON m.id = l.marketplace_id " \
	"WHERE (? IS NULL OR a.provider_id = ?) " \
	"AND (? IS NULL OR l.marketplace_id = ?) "
	[STMT_LISTING_GET] =
	    "SELECT " LISTING_COLS " " LISTING_WHERE "AND l.id = ?",
	[STMT_LISTING_LIST] =
	    "SELECT " LISTING_COLS " " LISTING_WHERE
	    "AND (? IS NULL OR l.state = ?) AND (? IS NULL OR m.nid = ?) "
	    "AND (? IS NULL OR a.nid = ?) ORDER BY l.id LIMIT ? OFFSET ?",
	[STMT_LISTING_COUNT] =
	    "SELECT COUNT(*) " LISTING_WHERE
	    "AND (? IS NULL OR l.state = ?) AND (? IS NULL OR m.nid = ?) "
	    "AND (? IS NULL OR a.nid = ?)",
	[STMT_LISTING_HISTORY] =
	    "SELECT id, " TS("at") ", actor, from_state, to_state, note "
	    "FROM listing_history WHERE listing_id = ? ORDER BY id",
	[STMT_LISTING_MKT_ID] =
	    "SELECT id FROM marketplace WHERE nid = ?",
	[STMT_LISTING_SELFPUB] =
	    "SELECT JSON_CONTAINS(a.self_publish, JSON_QUOTE(m.nid)) "
	    "OR JSON_CONTAINS(a.self_publish, '\"*\"') "
	    "FROM app a JOIN marketplace m ON m.id = ? WHERE a.id = ?",
	[STMT_CONFIG_MARKETPLACES] =
	    "SELECT a.nid, e.nid, m.nid, e.host, e.idm, e.sso_init_path, "
	    "e.sso_consume_path, e.group_path, e.group_user_path, "
	    "e.notification_path, e.initialization_path, e.external_ids, "
	    "e.sync_start_path, e.sync_toggle_path, e.sync_status_path, "
	    "l.hub_api_id, l.hub_key_enc, m.hub_url, m.connec_url, c.pem, "
	    "c.fp_sha1 FROM environment e JOIN app a ON a.id = e.app_id "
	    "JOIN listing l ON l.app_id = a.id AND l.state = 'approved' "
	    "JOIN marketplace m ON m.id = l.marketplace_id "
	    "JOIN certificate c ON c.id = m.cert_id AND c.revoked_at IS NULL "
	    "WHERE e.id = ? ORDER BY m.nid",
#undef TS
#undef PROVIDER_COLS
#undef APP_COLS
#undef ENV_COLS
#undef LISTING_COLS
#undef LISTING_WHERE
	/* tenants, tenant apps, MnoHub v2 */
#define TN_COLS \
	"SELECT t.id, t.uid, t.marketplace_id, m.nid, t.name, t.domain, " \
	"t.metadata, t.frontend_config, " \
	"DATE_FORMAT(t.created_at, '%Y-%m-%dT%H:%i:%sZ'), " \
	"DATE_FORMAT(t.updated_at, '%Y-%m-%dT%H:%i:%s.%fZ'), t.version, " \
	"COALESCE(JSON_VALUE(t.metadata, '$.app_management'), " \
	"'marketplace') = 'tenant', " \
	"(SELECT COUNT(*) FROM tenant_app ta WHERE ta.tenant_id = t.id) " \
	"FROM tenant t JOIN marketplace m ON m.id = t.marketplace_id "
#define TN_LIST_WHERE \
	"WHERE (? = 0 OR t.marketplace_id = ?) AND (? IS NULL " \
	"OR INSTR(LOWER(t.name), LOWER(?)) > 0 " \
	"OR INSTR(LOWER(t.domain), LOWER(?)) > 0) "
#define TN_TOUCH \
	"updated_at = GREATEST(NOW(6), updated_at + INTERVAL 1 MICROSECOND), " \
	"version = version + 1 "
	[STMT_TENANT_GET] =
	    TN_COLS "WHERE t.id = ? AND (? = 0 OR t.marketplace_id = ?)",
	[STMT_TENANT_LIST] =
	    TN_COLS TN_LIST_WHERE "ORDER BY t.id LIMIT ? OFFSET ?",
	[STMT_TENANT_COUNT] =
	    "SELECT COUNT(*) FROM tenant t " TN_LIST_WHERE,
	[STMT_TENANT_MKT] =
	    "SELECT id FROM marketplace WHERE id = ? OR nid = ?",
	[STMT_TENANT_ADD] =
	    "INSERT INTO tenant (uid, marketplace_id, name, domain, metadata, "
	    "frontend_config) VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_TENANT_LOCK] =
	    "SELECT version, marketplace_id FROM tenant WHERE id = ? "
	    "AND (? = 0 OR marketplace_id = ?) FOR UPDATE",
	[STMT_TENANT_UPDATE] =
	    "UPDATE tenant SET name = COALESCE(?, name), "
	    "domain = COALESCE(?, domain), metadata = COALESCE(?, metadata), "
	    "frontend_config = COALESCE(?, frontend_config), " TN_TOUCH
	    "WHERE id = ?",
	[STMT_TENANT_TOUCH] =
	    "UPDATE tenant SET " TN_TOUCH "WHERE id = ?",
	/*
	 * A listing went live or stopped being live: every catalog of its
	 * marketplace changed, so every tenant there moves (frontends key
	 * their caches on updated_at).
	 */
	[STMT_LISTING_TOUCH_TENANTS] =
	    "UPDATE tenant SET " TN_TOUCH "WHERE marketplace_id = "
	    "(SELECT marketplace_id FROM listing WHERE id = ?)",
	[STMT_TENANT_DEL] =
	    "DELETE FROM tenant WHERE id = ?",
	[STMT_TENANT_CRED_DEL] =
	    "DELETE FROM credential WHERE kind = 'tenant' AND owner_id = ?",
#define TAPP_COLS \
	"SELECT ta.id, ta.tenant_id, a.id, a.uid, a.nid, a.name, " \
	"ta.app_rank, ta.featured, EXISTS (SELECT 1 FROM listing l " \
	"JOIN tenant t ON t.id = ta.tenant_id WHERE l.app_id = a.id " \
	"AND l.marketplace_id = t.marketplace_id AND l.state = 'approved'), " \
	"DATE_FORMAT(ta.created_at, '%Y-%m-%dT%H:%i:%sZ'), " \
	"DATE_FORMAT(ta.updated_at, '%Y-%m-%dT%H:%i:%sZ') " \
	"FROM tenant_app ta JOIN app a ON a.id = ta.app_id "
	[STMT_TAPP_LIST] =
	    TAPP_COLS "WHERE ta.tenant_id = ? "
	    "ORDER BY COALESCE(ta.app_rank, a.app_rank) IS NULL, "
	    "COALESCE(ta.app_rank, a.app_rank), LOWER(a.name), ta.id",
	[STMT_TAPP_GET] =
	    TAPP_COLS "WHERE ta.tenant_id = ? AND ta.id = ?",
	[STMT_TAPP_APP] =
	    "SELECT id FROM app WHERE id = ? OR uid = ? OR nid = ? "
	    "ORDER BY id = ? DESC, uid = ? DESC LIMIT 1",
	[STMT_TAPP_STATE] =
	    "SELECT EXISTS (SELECT 1 FROM listing WHERE app_id = ? "
	    "AND marketplace_id = ? AND state = 'approved'), "
	    "EXISTS (SELECT 1 FROM tenant_app WHERE tenant_id = ? "
	    "AND app_id = ?)",
	[STMT_TAPP_ADD] =
	    "INSERT INTO tenant_app (tenant_id, app_id, app_rank, featured) "
	    "VALUES (?, ?, ?, ?)",
	[STMT_TAPP_ADD_IGNORE] =
	    "INSERT IGNORE INTO tenant_app (tenant_id, app_id) VALUES (?, ?)",
	[STMT_TAPP_UPDATE] =
	    "UPDATE tenant_app SET app_id = ?, app_rank = ?, featured = ?, "
	    "updated_at = NOW(6) WHERE id = ? AND tenant_id = ?",
	[STMT_TAPP_DEL] =
	    "DELETE FROM tenant_app WHERE id = ? AND tenant_id = ?",
	[STMT_TAPP_DEL_APP] =
	    "DELETE FROM tenant_app WHERE tenant_id = ? AND app_id = ?",
	/*
	 * The catalog: apps with an approved listing on the tenant's
	 * marketplace; in "tenant" mode (unless scope=all) only those with
	 * a relation. Unpublishing drops the app from every catalog at once
	 * (the join), while the relation row stays for a republish.
	 *
	 * STMT_HUB_APPS_* order and page narrow rows (id, sort keys, the
	 * total as a window) in a derived table, then joins the wide app
	 * columns by primary key: sorting the wide rows themselves would
	 * spill their TEXT columns into an on-disk temporary table on every
	 * request. STMT_HUB_APPS_COUNT is only for a page past the end.
	 */
#define HUB_FROM \
	"FROM tenant t JOIN listing l ON l.marketplace_id = t.marketplace_id " \
	"AND l.state = 'approved' JOIN app a ON a.id = l.app_id " \
	"LEFT JOIN tenant_app ta ON ta.tenant_id = t.id AND ta.app_id = a.id " \
	"WHERE t.id = ? AND (? = 1 OR ta.id IS NOT NULL OR " \
	"COALESCE(JSON_VALUE(t.metadata, '$.app_management'), " \
	"'marketplace') <> 'tenant') " \
	"AND (? IS NULL OR a.active = ?) " \
	"AND (? IS NULL OR FIND_IN_SET(a.nid, ?) > 0) " \
	"AND (? IS NULL OR a.stack = ?) AND (? IS NULL OR a.id = ?) "
/*
 * One statement per sort order (enum catsort; db_catalog picks it):
 * ORDER BY binds nothing, and the orders read as they are. Ties break
 * on the lower-cased name, then the id, so every order is total.
 */
#define HUB_APPS(inner, outer) \
	"SELECT a.id, a.uid, a.nid, a.name, a.active, " \
	"a.stack, a.logo, a.website, a.description, a.tiny_description, " \
	"a.categories, a.tags, a.key_benefits, a.key_features, s.rnk, " \
	"a.appinfo, a.multi_instantiable, a.sso_enabled, " \
	"a.terms_url, a.support_url, a.free_trial_duration, " \
	"a.free_trial_unit, a.pricing_plans, a.pictures, " \
	"DATE_FORMAT(a.created_at, '%Y-%m-%dT%H:%i:%sZ'), " \
	"DATE_FORMAT(a.updated_at, '%Y-%m-%dT%H:%i:%sZ'), " \
	"s.featured, s.total " \
	"FROM (SELECT a.id, " \
	"CASE WHEN JSON_VALUE(t.metadata, '$.app_management') = 'tenant' " \
	"THEN COALESCE(ta.app_rank, a.app_rank) ELSE a.app_rank END " \
	"AS rnk, COALESCE(ta.featured, 0) AS featured, " \
	"a.updated_at AS upd, LOWER(a.name) AS lname, " \
	"COUNT(*) OVER () AS total " HUB_FROM \
	"ORDER BY " inner " LIMIT ? OFFSET ?) s " \
	"STRAIGHT_JOIN app a ON a.id = s.id " \
	"ORDER BY " outer
	/* Rank ascending, unranked last (also the default order). */
	[STMT_HUB_APPS_RANK] = HUB_APPS(
	    "rnk IS NULL, rnk, lname, id",
	    "s.rnk IS NULL, s.rnk, s.lname, s.id"),
	/* Rank descending, unranked still last. */
	[STMT_HUB_APPS_RANK_DESC] = HUB_APPS(
	    "rnk IS NULL, rnk DESC, lname, id",
	    "s.rnk IS NULL, s.rnk DESC, s.lname, s.id"),
	[STMT_HUB_APPS_NAME] = HUB_APPS(
	    "lname, id",
	    "s.lname, s.id"),
	[STMT_HUB_APPS_NAME_DESC] = HUB_APPS(
	    "lname DESC, id",
	    "s.lname DESC, s.id"),
	[STMT_HUB_APPS_UPDATED] = HUB_APPS(
	    "upd, lname, id",
	    "s.upd, s.lname, s.id"),
	[STMT_HUB_APPS_UPDATED_DESC] = HUB_APPS(
	    "upd DESC, lname, id",
	    "s.upd DESC, s.lname, s.id"),
	[STMT_HUB_APPS_COUNT] =
	    "SELECT COUNT(*) " HUB_FROM,
	/* admin users, sessions, console */
#define CON_TIME(c)	"DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%sZ')"
#define CON_AUDIT_WHERE \
	"WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR target_kind = ?) " \
	"AND (? IS NULL OR target_id = ?) AND (? IS NULL OR at >= ?) " \
	"AND (? IS NULL OR at < ?) AND (? IS NULL OR action = ?) " \
	"AND (? IS NULL OR (target_kind = 'tenant' AND target_id = ?) " \
	"OR (target_kind = 'tenant_app' AND (JSON_VALUE(after_json, " \
	"'$.tenant_id') = ? OR JSON_VALUE(before_json, '$.tenant_id') = ?))) "
#define CON_AUDIT_COLS \
	"SELECT id, " CON_TIME("at") ", actor, action, target_kind, " \
	"target_id, before_json, after_json, request_id FROM audit "
#define CON_SORT(k, c) \
	"CASE WHEN ? = '" k "' THEN " c " END ASC, " \
	"CASE WHEN ? = '-" k "' THEN " c " END DESC, "
#define CON_TENANT_MGMT \
	"COALESCE(JSON_VALUE(t.metadata, '$.app_management'), 'marketplace')"
#define CON_TENANT_WHERE \
	"WHERE (? IS NULL OR t.marketplace_id = ?) AND (? IS NULL OR " \
	"t.name LIKE ? OR t.uid LIKE ? OR t.domain LIKE ?) " \
	"AND (? IS NULL OR " CON_TENANT_MGMT " = ?) "
#define CON_MKT_CERT \
	"CASE WHEN c.id IS NULL THEN 'none' WHEN c.revoked_at IS NOT NULL " \
	"THEN 'revoked' WHEN c.not_after <= NOW() THEN 'expired' " \
	"ELSE 'valid' END"
#define CON_MKT_TENANTS \
	"(SELECT COUNT(*) FROM tenant t WHERE t.marketplace_id = m.id)"
#define CON_MKT_LIVE \
	"(SELECT COUNT(*) FROM listing l WHERE l.marketplace_id = m.id " \
	"AND l.state = 'approved')"
#define CON_MKT_WHERE \
	"WHERE (? IS NULL OR m.environment = ?) AND (? IS NULL OR " \
	"m.nid LIKE ? OR m.name LIKE ? OR m.hub_url LIKE ?) " \
	"AND (? IS NULL OR " CON_MKT_CERT " = ?) "
#define CON_APP_LIVE \
	"(SELECT COUNT(*) FROM listing l WHERE l.app_id = a.id " \
	"AND l.state = 'approved')"
#define CON_APP_WHERE \
	"WHERE (? IS NULL OR a.provider_id = ?) AND (? IS NULL OR " \
	"a.name LIKE ? OR a.nid LIKE ?) AND (? IS NULL OR a.stack = ?) " \
	"AND (? IS NULL OR a.active = ?) AND (? IS NULL OR EXISTS " \
	"(SELECT 1 FROM listing l WHERE l.app_id = a.id " \
	"AND l.marketplace_id = ? AND l.state = 'approved')) "
#define CON_PROVIDER_APPS \
	"(SELECT COUNT(*) FROM app a WHERE a.provider_id = p.id)"
#define CON_PROVIDER_WHERE \
	"WHERE (? IS NULL OR p.name LIKE ? OR p.nid LIKE ? " \
	"OR p.email LIKE ?) "
#define CON_LISTING_WHERE \
	"WHERE (? IS NULL OR l.state = ?) AND (? IS NULL OR m.nid = ?) " \
	"AND (? IS NULL OR a.name LIKE ? OR a.nid LIKE ?) " \
	"AND (? IS NULL OR a.provider_id = ?) "
#define CON_ADMIN_STATE \
	"CASE WHEN u.disabled_at IS NOT NULL THEN 'disabled' " \
	"WHEN EXISTS (SELECT 1 FROM login_lock l WHERE l.email = u.email " \
	"AND l.locked_until > NOW(6)) THEN 'locked' ELSE 'active' END"
#define CON_ADMIN_TOKENS \
	"(SELECT COUNT(*) FROM admin_token k WHERE k.admin_id = u.id " \
	"AND k.revoked_at IS NULL AND (k.expires_at IS NULL " \
	"OR k.expires_at > NOW(6)))"
#define CON_ADMIN_WHERE \
	"WHERE (? IS NULL OR u.email LIKE ?) " \
	"AND (? IS NULL OR " CON_ADMIN_STATE " = ?) "
#define CON_RT_STATE \
	"CASE WHEN revoked_at IS NOT NULL THEN 'revoked' " \
	"WHEN expires_at IS NOT NULL AND expires_at <= NOW(6) " \
	"THEN 'expired' WHEN uses >= max_uses THEN 'used' ELSE 'active' END"
#define CON_RT_WHERE \
	"WHERE (? IS NULL OR " CON_RT_STATE " = ?) " \
	"AND (? IS NULL OR label LIKE ? OR created_by LIKE ?) "
#define CON_ATOKEN_STATE \
	"CASE WHEN revoked_at IS NOT NULL THEN 'revoked' " \
	"WHEN expires_at IS NOT NULL AND expires_at <= NOW(6) " \
	"THEN 'expired' ELSE 'active' END"
	[STMT_CON_SESSION_ADD] =
	    "INSERT INTO admin_session (token_hash, admin_id, csrf) "
	    "VALUES (?, ?, ?)",
	[STMT_CON_SESSION_DEL] =
	    "DELETE FROM admin_session WHERE id = ?",
	[STMT_CON_SESSION_PURGE] =
	    "DELETE FROM admin_session WHERE admin_id = ? AND "
	    "(seen_at <= NOW(6) - INTERVAL ? SECOND "
	    "OR created_at <= NOW(6) - INTERVAL ? SECOND)",
	[STMT_CON_LOCK_GET] =
	    "SELECT failed, COALESCE(locked_until > NOW(6), 0) FROM login_lock "
	    "WHERE email = ? AND addr = ?",
	/*
	 * One more failure of (email, addr): the failure that reaches the
	 * limit locks the pair for ? seconds doubled per earlier lock, at
	 * most a day. Assignments run in order: each sees the ones before.
	 */
	[STMT_CON_LOCK_FAIL] =
	    "INSERT INTO login_lock (email, addr, failed, locks, locked_until) "
	    "VALUES (?, ?, IF(1 >= ?, 0, 1), IF(1 >= ?, 1, 0), "
	    "IF(1 >= ?, NOW(6) + INTERVAL ? SECOND, NULL)) "
	    "ON DUPLICATE KEY UPDATE "
	    "locked_until = IF(failed + 1 >= ?, NOW(6) + INTERVAL "
	    "LEAST(? * POW(2, locks), ?) SECOND, locked_until), "
	    "locks = IF(failed + 1 >= ?, locks + 1, locks), "
	    "failed = IF(failed + 1 >= ?, 0, failed + 1), updated_at = NOW(6)",
	[STMT_CON_LOCK_CLEAR] =
	    "DELETE FROM login_lock WHERE email = ? AND addr = ?",
	[STMT_CON_LOGIN_OK] =
	    "UPDATE admin_user SET failed = 0, locked_until = NULL "
	    "WHERE id = ?",
	[STMT_CON_COUNTS] =
	    "SELECT (SELECT COUNT(*) FROM marketplace), "
	    "(SELECT COUNT(*) FROM tenant), "
	    "(SELECT COUNT(*) FROM provider), "
	    "(SELECT COUNT(*) FROM app), "
	    "(SELECT COUNT(*) FROM listing WHERE state = 'approved'), "
	    "(SELECT COUNT(*) FROM listing WHERE state = 'submitted'), "
	    "(SELECT COUNT(*) FROM tenant_app), "
	    "(SELECT COUNT(*) FROM registration_token WHERE revoked_at IS NULL "
	    "AND (expires_at IS NULL OR expires_at > NOW(6)) "
	    "AND uses < max_uses)",
	[STMT_CON_AUDIT_COUNT] =
	    "SELECT COUNT(*) FROM audit " CON_AUDIT_WHERE,
	/* Sorted on a column shown (the sort key, 12 times), newest last. */
	[STMT_CON_AUDIT_LIST] =
	    CON_AUDIT_COLS CON_AUDIT_WHERE "ORDER BY "
	    CON_SORT("actor", "actor") CON_SORT("action", "action")
	    CON_SORT("target", "target_kind") CON_SORT("target", "target_id")
	    CON_SORT("request", "request_id") CON_SORT("at", "id")
	    "id DESC LIMIT ? OFFSET ?",
	[STMT_CON_AUDIT_CSV] =
	    CON_AUDIT_COLS CON_AUDIT_WHERE
	    "AND id > ? ORDER BY id ASC LIMIT ?",
	/*
	 * Console lists: a COUNT and a LIST per list, sharing the WHERE of
	 * bound filters ((? IS NULL OR ...), a search repeats its pattern
	 * per column); the LIST sorts by CASE on the bound sort key, each
	 * key once ascending and once descending, then by id. The CSV
	 * export runs the LIST statement unbuffered without a real limit.
	 */
	[STMT_CON_TENANT_COUNT] =
	    "SELECT COUNT(*) FROM tenant t " CON_TENANT_WHERE,
	[STMT_CON_TENANT_LIST] =
	    "SELECT t.id, t.uid, t.name, m.nid, t.domain, "
	    CON_TIME("t.updated_at") ", "
	    "(SELECT COUNT(*) FROM tenant_app ta WHERE ta.tenant_id = t.id), "
	    CON_TENANT_MGMT ", m.id, " CON_TIME("t.created_at") " "
	    "FROM tenant t JOIN marketplace m ON m.id = t.marketplace_id "
	    CON_TENANT_WHERE "ORDER BY "
	    CON_SORT("name", "t.name") CON_SORT("uid", "t.uid")
	    CON_SORT("marketplace", "m.nid") CON_SORT("domain", "t.domain")
	    CON_SORT("app_management", CON_TENANT_MGMT)
	    CON_SORT("apps", "(SELECT COUNT(*) FROM tenant_app ta "
	    "WHERE ta.tenant_id = t.id)")
	    CON_SORT("updated_at", "t.updated_at")
	    CON_SORT("created_at", "t.created_at")
	    "t.id ASC LIMIT ? OFFSET ?",
	[STMT_CON_MKT_NAMES] =
	    "SELECT id, nid FROM marketplace ORDER BY nid",
	[STMT_CON_MKT_COUNT] =
	    "SELECT COUNT(*) FROM marketplace m "
	    "LEFT JOIN certificate c ON c.id = m.cert_id " CON_MKT_WHERE,
	[STMT_CON_MKT_LIST] =
	    "SELECT m.id, m.nid, m.name, m.environment, m.hub_url, c.fp_sha1, "
	    CON_TIME("c.not_after") ", " CON_MKT_CERT ", "
	    CON_TIME("m.updated_at") ", " CON_MKT_TENANTS ", "
	    CON_MKT_LIVE " FROM marketplace m "
	    "LEFT JOIN certificate c ON c.id = m.cert_id " CON_MKT_WHERE
	    "ORDER BY " CON_SORT("nid", "m.nid") CON_SORT("name", "m.name")
	    CON_SORT("environment", "m.environment")
	    CON_SORT("hub", "m.hub_url") CON_SORT("expires", "c.not_after")
	    CON_SORT("certificate", CON_MKT_CERT)
	    CON_SORT("fingerprint", "c.fp_sha1")
	    CON_SORT("tenants", CON_MKT_TENANTS)
	    CON_SORT("listings", CON_MKT_LIVE)
	    CON_SORT("updated_at", "m.updated_at")
	    "m.id ASC LIMIT ? OFFSET ?",
	[STMT_CON_MKT_GET] =
	    "SELECT m.id, m.nid, m.name, m.environment, m.hub_url, "
	    "m.impac_url, m.connec_url, m.nex_url, m.api_key, c.serial, "
	    "c.fp_sha1, c.fp_sha256, " CON_TIME("c.not_before") ", "
	    CON_TIME("c.not_after") ", " CON_TIME("c.revoked_at") ", "
	    CON_TIME("m.created_at") ", " CON_TIME("m.updated_at") ", "
	    "c.subject_cn, c.key_type, c.revoke_reason, m.version, m.hub_pending "
	    "FROM marketplace m LEFT JOIN certificate c ON c.id = m.cert_id "
	    "WHERE m.id = ?",
	[STMT_CON_APP_COUNT] =
	    "SELECT COUNT(*) FROM app a " CON_APP_WHERE,
	[STMT_CON_APP_LIST] =
	    "SELECT a.id, a.name, a.nid, p.nid, p.id, a.stack, a.app_rank, "
	    "a.active, " CON_TIME("a.updated_at") ", " CON_APP_LIVE " "
	    "FROM app a JOIN provider p ON p.id = a.provider_id "
	    CON_APP_WHERE "ORDER BY "
	    CON_SORT("name", "a.name") CON_SORT("nid", "a.nid")
	    CON_SORT("provider", "p.nid") CON_SORT("stack", "a.stack")
	    CON_SORT("rank", "a.app_rank") CON_SORT("active", "a.active")
	    CON_SORT("live", CON_APP_LIVE)
	    CON_SORT("updated_at", "a.updated_at")
	    "a.id ASC LIMIT ? OFFSET ?",
	[STMT_CON_PROVIDER_COUNT] =
	    "SELECT COUNT(*) FROM provider p " CON_PROVIDER_WHERE,
	[STMT_CON_PROVIDER_LIST] =
	    "SELECT p.id, p.nid, p.name, p.email, p.api_key, "
	    CON_TIME("p.created_at") ", " CON_PROVIDER_APPS " "
	    "FROM provider p " CON_PROVIDER_WHERE "ORDER BY "
	    CON_SORT("nid", "p.nid") CON_SORT("name", "p.name")
	    CON_SORT("email", "p.email") CON_SORT("api_key", "p.api_key")
	    CON_SORT("created_at", "p.created_at")
	    CON_SORT("apps", CON_PROVIDER_APPS)
	    "p.id ASC LIMIT ? OFFSET ?",
	[STMT_CON_LISTING_COUNT] =
	    "SELECT COUNT(*) FROM listing l JOIN app a ON a.id = l.app_id "
	    "JOIN marketplace m ON m.id = l.marketplace_id "
	    "JOIN provider p ON p.id = a.provider_id " CON_LISTING_WHERE,
	[STMT_CON_LISTING_LIST] =
	    "SELECT l.id, a.name, a.nid, m.nid, l.state, p.nid, "
	    CON_TIME("l.created_at") ", " CON_TIME("l.updated_at") ", "
	    "a.id, m.id, p.id "
	    "FROM listing l JOIN app a ON a.id = l.app_id "
	    "JOIN marketplace m ON m.id = l.marketplace_id "
	    "JOIN provider p ON p.id = a.provider_id " CON_LISTING_WHERE
	    "ORDER BY " CON_SORT("app", "a.name") CON_SORT("nid", "a.nid")
	    CON_SORT("marketplace", "m.nid") CON_SORT("state", "l.state")
	    CON_SORT("provider", "p.nid")
	    CON_SORT("created_at", "l.created_at")
	    CON_SORT("updated_at", "l.updated_at")
	    "l.id ASC LIMIT ? OFFSET ?",
	[STMT_CON_RTOKEN_COUNT] =
	    "SELECT COUNT(*) FROM registration_token " CON_RT_WHERE,
	[STMT_CON_RTOKEN_LIST] =
	    "SELECT id, label, max_uses, uses, " CON_TIME("expires_at") ", "
	    CON_TIME("revoked_at") ", created_by, " CON_TIME("created_at")
	    ", " CON_RT_STATE " FROM registration_token " CON_RT_WHERE
	    "ORDER BY " CON_SORT("id", "id") CON_SORT("label", "label")
	    CON_SORT("uses", "uses") CON_SORT("expires", "expires_at")
	    CON_SORT("state", CON_RT_STATE)
	    CON_SORT("created_by", "created_by")
	    CON_SORT("created_at", "created_at")
	    "id ASC LIMIT ? OFFSET ?",
	[STMT_CON_ADMIN_COUNT] =
	    "SELECT COUNT(*) FROM admin_user u " CON_ADMIN_WHERE,
	[STMT_CON_ADMIN_LIST] =
	    "SELECT u.id, u.email, " CON_ADMIN_STATE ", "
	    CON_TIME("u.created_at") ", " CON_ADMIN_TOKENS ", "
	    CON_TIME("u.pw_changed_at") " FROM admin_user u " CON_ADMIN_WHERE
	    "ORDER BY " CON_SORT("email", "u.email")
	    CON_SORT("state", CON_ADMIN_STATE)
	    CON_SORT("created_at", "u.created_at")
	    CON_SORT("tokens", CON_ADMIN_TOKENS)
	    CON_SORT("pw_changed_at", "u.pw_changed_at")
	    "u.id ASC LIMIT ? OFFSET ?",
	[STMT_CON_ADMIN_GET] =
	    "SELECT u.id, u.email, " CON_ADMIN_STATE ", "
	    CON_TIME("u.created_at") ", " CON_TIME("u.pw_changed_at") ", "
	    CON_TIME("u.disabled_at") ", " CON_TIME("(SELECT MAX(l.locked_until) FROM login_lock l "
	    "WHERE l.email = u.email AND l.locked_until > NOW(6))") ", "
	    "u.failed, u.version FROM admin_user u WHERE u.id = ?",
	[STMT_CON_ADMIN_GUARD] =
	    "UPDATE admin_guard SET disables = disables + 1 WHERE id = 1",
	[STMT_CON_ADMIN_ACTIVE] =
	    "SELECT id FROM admin_user WHERE disabled_at IS NULL FOR UPDATE",
	[STMT_CON_ADMIN_SETSTATE] =
	    "UPDATE admin_user SET disabled_at = IF(? = 1, NOW(6), NULL), "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[STMT_CON_ADMIN_RESETPW] =
	    "UPDATE admin_user SET pw_hash = ?, pw_changed_at = NOW(6), "
	    "failed = 0, locked_until = NULL, version = version + 1 "
	    "WHERE id = ? AND version = ?",
	[STMT_CON_ADMIN_SESS_END] =
	    "DELETE FROM admin_session WHERE admin_id = ?",
	[STMT_CON_ATOKEN_LIST] =
	    "SELECT id, label, " CON_TIME("created_at") ", "
	    CON_TIME("expires_at") ", " CON_TIME("revoked_at") ", "
	    CON_ATOKEN_STATE " FROM admin_token WHERE admin_id = ? "
	    "ORDER BY id DESC",
	[STMT_CON_ATOKEN_GET] =
	    "SELECT id, label, " CON_TIME("created_at") ", "
	    CON_TIME("expires_at") ", " CON_TIME("revoked_at") ", "
	    CON_ATOKEN_STATE " FROM admin_token WHERE id = ? AND admin_id = ?",
	[STMT_CON_ATOKEN_REVOKE] =
	    "UPDATE admin_token SET revoked_at = NOW(6) "
	    "WHERE id = ? AND admin_id = ? AND revoked_at IS NULL",
	[STMT_CON_PROVIDER_UPDATE] =
	    "UPDATE provider SET name = ?, email = ?, updated_at = NOW(6) "
	    "WHERE id = ? AND DATE_FORMAT(updated_at, "
	    "'%Y-%m-%d %H:%i:%s.%f') = ?",
	[STMT_CON_PROVIDER_VER] =
	    "SELECT DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') "
	    "FROM provider WHERE id = ?",
	/*
	 * The latest audit rows with the names a sentence needs: the
	 * target's (or, once deleted, the name its last snapshot had) and,
	 * for a tenant app, its tenant's and its app's.
	 */
	[STMT_CON_RECENT] =
	    "SELECT u.id, " CON_TIME("u.at") ", u.actor, u.action, "
	    "u.target_kind, u.target_id, u.before_json, u.after_json, "
	    "u.request_id, COALESCE(CASE u.target_kind "
	    "WHEN 'tenant' THEN t.name WHEN 'marketplace' THEN m.nid "
	    "WHEN 'provider' THEN p.nid WHEN 'app' THEN ap.name "
	    "WHEN 'listing' THEN CONCAT(la.name, ' on ', lm.nid) "
	    "WHEN 'admin' THEN ad.email END, "
	    "JSON_VALUE(u.before_json, '$.name'), "
	    "JSON_VALUE(u.after_json, '$.name'), "
	    "JSON_VALUE(u.before_json, '$.email'), "
	    "JSON_VALUE(u.after_json, '$.email'), "
	    "JSON_VALUE(u.after_json, '$.nid')), "
	    "tt.name, COALESCE(ta.name, JSON_VALUE(COALESCE(u.after_json, "
	    "u.before_json), '$.app_nid')) "
	    "FROM (SELECT * FROM audit ORDER BY id DESC LIMIT ?) u "
	    "LEFT JOIN tenant t ON u.target_kind = 'tenant' "
	    "AND t.id = u.target_id "
	    "LEFT JOIN marketplace m ON u.target_kind = 'marketplace' "
	    "AND m.id = u.target_id "
	    "LEFT JOIN provider p ON u.target_kind = 'provider' "
	    "AND p.id = u.target_id "
	    "LEFT JOIN app ap ON u.target_kind = 'app' AND ap.id = u.target_id "
	    "LEFT JOIN listing l ON u.target_kind = 'listing' "
	    "AND l.id = u.target_id "
	    "LEFT JOIN app la ON la.id = l.app_id "
	    "LEFT JOIN marketplace lm ON lm.id = l.marketplace_id "
	    "LEFT JOIN admin_user ad ON u.target_kind = 'admin' "
	    "AND ad.id = u.target_id "
	    "LEFT JOIN tenant tt ON u.target_kind = 'tenant_app' AND tt.id = "
	    "JSON_VALUE(COALESCE(u.after_json, u.before_json), '$.tenant_id') "
	    "LEFT JOIN app ta ON u.target_kind = 'tenant_app' AND ta.id = "
	    "JSON_VALUE(COALESCE(u.after_json, u.before_json), '$.app_id') "
	    "ORDER BY u.id DESC",
	[STMT_CON_TAPP_LIST] =
	    "SELECT ta.id, a.id, a.nid, a.name, ta.app_rank, ta.featured, "
	    CON_TIME("ta.updated_at") ", "
	    "EXISTS (SELECT 1 FROM listing l JOIN tenant t "
	    "ON t.id = ta.tenant_id WHERE l.app_id = a.id "
	    "AND l.marketplace_id = t.marketplace_id "
	    "AND l.state = 'approved') "
	    "FROM tenant_app ta JOIN app a ON a.id = ta.app_id "
	    "WHERE ta.tenant_id = ? "
	    "ORDER BY ta.app_rank IS NULL, ta.app_rank, a.name, ta.id",
	[STMT_CON_LIVE_COUNT] =
	    "SELECT COUNT(*) FROM listing l JOIN app a ON a.id = l.app_id "
	    "WHERE l.marketplace_id = ? AND l.state = 'approved' "
	    "AND (? IS NULL OR a.name LIKE ? OR a.nid LIKE ?)",
	[STMT_CON_LIVE_PAGE] =
	    "SELECT a.id, a.nid, a.name, EXISTS (SELECT 1 FROM tenant_app ta "
	    "WHERE ta.tenant_id = ? AND ta.app_id = a.id) "
	    "FROM listing l JOIN app a ON a.id = l.app_id "
	    "WHERE l.marketplace_id = ? AND l.state = 'approved' "
	    "AND (? IS NULL OR a.name LIKE ? OR a.nid LIKE ?) "
	    "ORDER BY a.name, a.id LIMIT ? OFFSET ?",
	/*
	 * Operations. db-init names databases and accounts from the
	 * configuration: STMT_OPS_INIT_VARS binds them (placeholders) to
	 * session variables, and the fixed statements after it have the
	 * server quote them (QUOTE, doubled backquotes) into the DDL that
	 * EXECUTE IMMEDIATE runs; nothing is pasted together here. MariaDB
	 * does not prepare EXECUTE IMMEDIATE, so db_ops.c sends those
	 * texts as they are (db_run_script).
	 */
	[STMT_OPS_COUNTS] =
	    "SELECT (SELECT COUNT(*) FROM marketplace), "
	    "(SELECT COUNT(*) FROM app), "
	    "(SELECT COUNT(*) FROM tenant), "
	    "(SELECT COUNT(*) FROM listing WHERE state = 'approved')",
	[STMT_OPS_WSREP] =
	    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
	    "WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'",
	[STMT_OPS_SETTINGS] =
	    "SELECT @@query_cache_type, @@query_cache_size, @@thread_handling",
	[STMT_OPS_INIT_VARS] =
	    "SET @agora_db = ?, @agora_host = ?, @agora_user = ?, "
	    "@agora_pw = ?, @agora_table = ?",
	[STMT_OPS_INIT_DB] =
	    "EXECUTE IMMEDIATE CONCAT('CREATE DATABASE IF NOT EXISTS `', "
	    "REPLACE(@agora_db, '`', '``'), "
	    "'` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin')",
	[STMT_OPS_INIT_USER] =
	    "EXECUTE IMMEDIATE CONCAT('CREATE USER IF NOT EXISTS ', "
	    "QUOTE(@agora_user), '@', QUOTE(@agora_host), ' IDENTIFIED BY ', "
	    "QUOTE(@agora_pw))",
	[STMT_OPS_INIT_PASSWORD] =
	    "EXECUTE IMMEDIATE CONCAT('ALTER USER ', QUOTE(@agora_user), '@', "
	    "QUOTE(@agora_host), ' IDENTIFIED BY ', QUOTE(@agora_pw))",
	[STMT_OPS_INIT_GRANT_ALL] =
	    "EXECUTE IMMEDIATE CONCAT('GRANT ALL ON `', "
	    "REPLACE(@agora_db, '`', '``'), '`.* TO ', QUOTE(@agora_user), "
	    "'@', QUOTE(@agora_host))",
	[STMT_OPS_INIT_TABLES] =
	    "SELECT table_name FROM information_schema.tables "
	    "WHERE table_schema = ? AND table_type = 'BASE TABLE' "
	    "ORDER BY table_name",
	[STMT_OPS_INIT_GRANT_RW] =
	    "EXECUTE IMMEDIATE CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE "
	    "ON `', REPLACE(@agora_db, '`', '``'), '`.`', "
	    "REPLACE(@agora_table, '`', '``'), '` TO ', QUOTE(@agora_user), "
	    "'@', QUOTE(@agora_host))",
	[STMT_OPS_INIT_GRANT_READ] =
	    "EXECUTE IMMEDIATE CONCAT('GRANT SELECT "
	    "ON `', REPLACE(@agora_db, '`', '``'), '`.`', "
	    "REPLACE(@agora_table, '`', '``'), '` TO ', QUOTE(@agora_user), "
	    "'@', QUOTE(@agora_host))",
	[STMT_OPS_INIT_GRANT_APPEND] =
	    "EXECUTE IMMEDIATE CONCAT('GRANT SELECT, INSERT "
	    "ON `', REPLACE(@agora_db, '`', '``'), '`.`', "
	    "REPLACE(@agora_table, '`', '``'), '` TO ', QUOTE(@agora_user), "
	    "'@', QUOTE(@agora_host))",
#undef CON_TIME
#undef CON_AUDIT_WHERE
#undef CON_AUDIT_COLS
#undef CON_SORT
#undef CON_TENANT_MGMT
#undef CON_TENANT_WHERE
#undef CON_MKT_CERT
#undef CON_MKT_TENANTS
#undef CON_MKT_LIVE
#undef CON_MKT_WHERE
#undef CON_APP_LIVE
#undef CON_APP_WHERE
#undef CON_PROVIDER_APPS
#undef CON_PROVIDER_WHERE
	/*
	 * cluster. A node may serve when Galera is off or it is Synced in
	 * the primary component.
	 */
	[STMT_NODE_STATE] =
	    "SELECT @@wsrep_on, (SELECT VARIABLE_VALUE "
	    "FROM information_schema.GLOBAL_STATUS "
	    "WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'), "
	    "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
	    "WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATUS')",
	/* On a Galera node: reads see what any node committed before. */
	[STMT_NODE_SYNC_WAIT] =
	    "SET SESSION wsrep_sync_wait = 1",
	/*
	 * The CRL every host serves: one row. A revocation bumps revision;
	 * whoever builds the CRL takes the next number and records the
	 * revision it saw; stale (last column) means a revocation is not
	 * in it yet, or it nears its nextUpdate.
	 */
	[STMT_CRL_GET] =
	    "SELECT number, pem, pem IS NULL OR built < revision "
	    "OR next_update < NOW() + INTERVAL 1 HOUR FROM crl WHERE id = 1",
	[STMT_CRL_LOCK] =
	    "SELECT number + 1, revision FROM crl WHERE id = 1 FOR UPDATE",
	[STMT_CRL_SET] =
	    "UPDATE crl SET number = ?, built = ?, pem = ?, "
	    "next_update = NOW() + INTERVAL ? DAY, updated_at = NOW(6) "
	    "WHERE id = 1",
	[STMT_CRL_BUMP] =
	    "UPDATE crl SET revision = revision + 1 WHERE id = 1",
	/* events, subscriptions, deliveries */
#define EV_TIME(c)	"DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define SUB_COLS \
	"SELECT s.id, s.owner_kind, s.owner_id, COALESCE(m.nid, p.nid), " \
	"s.url, s.types, s.description, s.allow_private, s.active, " \
	EV_TIME("s.created_at") ", " EV_TIME("s.updated_at") ", s.version, " \
	"IF(s.old_until > NOW(6), " EV_TIME("s.old_until") ", NULL), " \
	"(SELECT COUNT(*) FROM delivery d WHERE d.subscription_id = s.id " \
	"AND d.state = 'pending'), " \
	"(SELECT COUNT(*) FROM delivery d WHERE d.subscription_id = s.id " \
	"AND d.state = 'failed'), " \
	"(SELECT COUNT(*) FROM delivery d WHERE d.subscription_id = s.id " \
	"AND d.state = 'delivered') " \
	"FROM subscription s LEFT JOIN marketplace m " \
	"ON s.owner_kind = 'marketplace' AND m.id = s.owner_id " \
	"LEFT JOIN provider p ON s.owner_kind = 'provider' " \
	"AND p.id = s.owner_id "
#define SUB_SCOPE \
	"(? IS NULL OR (s.owner_kind = ? AND s.owner_id = ?)) "
#define DLV_COLS \
	"SELECT d.id, d.subscription_id, s.url, e.uid, e.type, d.state, " \
	"d.attempts, d.last_status, " EV_TIME("d.created_at") ", " \
	EV_TIME("d.next_at") ", " EV_TIME("d.done_at") ", e.payload, " \
	EV_TIME("e.created_at") " " \
	"FROM delivery d JOIN event e ON e.id = d.event_id " \
	"JOIN subscription s ON s.id = d.subscription_id "
	/*
	 * Labels the transaction db_tx_begin opens, so the tenant_app
	 * triggers write one event per transaction (0005_events.sql).
	 */
	[STMT_EVENT_TXKEY] = "SET @agora_tx = UUID()",
	/*
	 * The fan-out's transaction reads committed rows and locks only
	 * the rows it picks: under REPEATABLE READ its FOR UPDATE also
	 * locked the gaps of k_event_fan, and a writer whose trigger was
	 * inserting an event (any tenant or tenant-app change, hand-made
	 * SQL included) could end in a deadlock with it.
	 */
	[STMT_EVENT_FAN_RC] =
	    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
	[STMT_EVENT_FAN_PICK] =
	    "SELECT id FROM event WHERE fanned = 0 ORDER BY id LIMIT ? "
	    "FOR UPDATE SKIP LOCKED",
	/*
	 * The events picked (ids from min to max, the JSON array of them),
	 * in one statement: one delivery per active subscription that
	 * hears each event: a
	 * test event goes to its subscription only; otherwise admins hear
	 * everything, a marketplace or provider what is about itself, and
	 * types filters by name ("*" for all). A subscription hears what
	 * happened after it was made, not a backlog still being fanned.
	 */
	[STMT_EVENT_FAN_OUT] =
	    "INSERT IGNORE INTO delivery (event_id, subscription_id) "
	    "SELECT e.id, s.id FROM event e JOIN subscription s "
	    "ON s.active = 1 AND s.created_at <= e.created_at "
	    "AND (s.id = e.subscription_id "
	    "OR (e.subscription_id IS NULL AND (s.owner_kind = 'admin' "
	    "OR (s.owner_kind = 'marketplace' AND s.owner_id = e.marketplace_id) "
	    "OR (s.owner_kind = 'provider' AND s.owner_id = e.provider_id)) "
	    "AND (JSON_CONTAINS(s.types, '\"*\"') "
	    "OR JSON_CONTAINS(s.types, JSON_QUOTE(e.type))))) "
	    "WHERE e.id BETWEEN ? AND ? AND e.id IN (SELECT j.id FROM "
	    "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j)",
	[STMT_EVENT_FANNED] =
	    "UPDATE event SET fanned = 1 WHERE id BETWEEN ? AND ? "
	    "AND id IN (SELECT j.id FROM "
	    "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j)",
	[STMT_EVENT_TEST_ADD] =
	    "INSERT INTO event (uid, type, subscription_id, payload) "
	    "VALUES (UUID(), 'ping', ?, ?)",
	[STMT_EVENT_UID] =
	    "SELECT uid FROM event WHERE id = ?",
	/*
	 * Due deliveries, skipping rows another notifier holds and the
	 * subscriptions that already have ? attempts in flight (claimed,
	 * lease running): a slow receiver holds a few slots, not all.
	 */
	/* Settled events past their keeping time, with their deliveries. */
	[STMT_EVENT_PURGE] =
	    "DELETE FROM event WHERE created_at < NOW(6) - INTERVAL ? DAY "
	    "AND fanned = 1 AND NOT EXISTS (SELECT 1 FROM delivery d "
	    "WHERE d.event_id = event.id AND d.state = 'pending') "
	    "ORDER BY id LIMIT ?",
	[STMT_DELIVERY_PICK] =
	    "SELECT id, subscription_id FROM delivery "
	    "WHERE state = 'pending' AND next_at <= NOW(6) "
	    "AND subscription_id NOT IN (SELECT f.subscription_id "
	    "FROM delivery f WHERE f.state = 'pending' "
	    "AND f.claim IS NOT NULL AND f.next_at > NOW(6) "
	    "GROUP BY f.subscription_id HAVING COUNT(*) >= ?) "
	    "ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
	[STMT_DELIVERY_CLAIM] =
	    "UPDATE delivery SET claim = ?, attempts = attempts + 1, "
	    "next_at = NOW(6) + INTERVAL ? SECOND WHERE id = ?",
	[STMT_DELIVERY_CLAIMED] =
	    "SELECT d.id, d.attempts, e.uid, e.type, e.payload, "
	    EV_TIME("e.created_at") ", s.id, s.url, s.secret_enc, "
	    "IF(s.old_until > NOW(6), s.old_secret_enc, NULL), "
	    "s.allow_private FROM delivery d "
	    "JOIN event e ON e.id = d.event_id "
	    "JOIN subscription s ON s.id = d.subscription_id "
	    "WHERE d.claim = ? ORDER BY d.id",
	[STMT_DELIVERY_DONE] =
	    "UPDATE delivery SET state = 'delivered', claim = NULL, "
	    "last_status = ?, done_at = NOW(6) WHERE id = ? AND claim = ?",
	/* Back off, or give up once the retry window (first_at) is over. */
	[STMT_DELIVERY_RETRY] =
	    "UPDATE delivery SET "
	    "done_at = IF(first_at + INTERVAL ? SECOND <= NOW(6), NOW(6), "
	    "NULL), state = IF(done_at IS NULL, 'pending', 'failed'), "
	    "next_at = NOW(6) + INTERVAL ? MICROSECOND, claim = NULL, "
	    "last_status = ? WHERE id = ? AND claim = ?",
	[STMT_DELIVERY_LIST] =
	    DLV_COLS "WHERE (? IS NULL OR d.subscription_id = ?) "
	    "AND (? IS NULL OR d.state = ?) "
	    "ORDER BY d.id DESC LIMIT ? OFFSET ?",
	[STMT_DELIVERY_COUNT] =
	    "SELECT COUNT(*) FROM delivery d "
	    "WHERE (? IS NULL OR d.subscription_id = ?) "
	    "AND (? IS NULL OR d.state = ?)",
	[STMT_DELIVERY_GET] =
	    DLV_COLS "WHERE d.id = ?",
	[STMT_DELIVERY_RESEND] =
	    "UPDATE delivery SET state = 'pending', next_at = NOW(6), "
	    "first_at = NOW(6), claim = NULL, done_at = NULL "
	    "WHERE id = ? AND state <> 'pending'",
	/* Nothing when the delivery went (its subscription was deleted). */
	[STMT_ATTEMPT_ADD] =
	    "INSERT INTO delivery_attempt (delivery_id, duration_ms, "
	    "http_status, error, response, notifier) "
	    "SELECT id, ?, ?, ?, ?, ? FROM delivery WHERE id = ?",
	[STMT_ATTEMPT_LIST] =
	    "SELECT id, " EV_TIME("at") ", duration_ms, http_status, error, "
	    "response, notifier FROM delivery_attempt WHERE delivery_id = ? "
	    "ORDER BY id",
	[STMT_SUB_ADD] =
	    "INSERT INTO subscription (owner_kind, owner_id, url, types, "
	    "description, secret_enc, allow_private, active) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_SUB_GET] =
	    SUB_COLS "WHERE s.id = ? AND " SUB_SCOPE,
	[STMT_SUB_LIST] =
	    SUB_COLS "WHERE " SUB_SCOPE "ORDER BY s.id LIMIT ? OFFSET ?",
	[STMT_SUB_COUNT] =
	    "SELECT COUNT(*) FROM subscription s WHERE " SUB_SCOPE,
	[STMT_SUB_LOCK] =
	    "SELECT s.version FROM subscription s WHERE s.id = ? AND "
	    SUB_SCOPE "FOR UPDATE",
	[STMT_SUB_UPDATE] =
	    "UPDATE subscription SET url = ?, types = ?, description = ?, "
	    "active = ?, allow_private = ?, version = version + 1, "
	    "updated_at = NOW(6) WHERE id = ?",
	[STMT_SUB_BY_URL] =
	    "SELECT id FROM subscription WHERE owner_kind = 'marketplace' "
	    "AND owner_id = ? AND url = ? FOR UPDATE",
	[STMT_SUB_DEL] =
	    "DELETE FROM subscription WHERE id = ?",
	[STMT_SUB_ROTATE] =
	    "UPDATE subscription SET old_secret_enc = secret_enc, "
	    "old_until = NOW(6) + INTERVAL ? SECOND, secret_enc = ?, "
	    "version = version + 1, updated_at = NOW(6) WHERE id = ?",
#undef EV_TIME
#undef SUB_COLS
#undef SUB_SCOPE
#undef DLV_COLS
#undef CON_LISTING_WHERE
#undef CON_ADMIN_STATE
#undef CON_ADMIN_TOKENS
#undef CON_ADMIN_WHERE
#undef CON_ATOKEN_STATE
#undef CON_RT_STATE
#undef CON_RT_WHERE
};
