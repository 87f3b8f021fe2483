-- agora schema, version 1.
-- Applied once by `agoractl migrate`, recorded with its SHA-256 in
-- schema_version. Never edit an applied migration: add the next number.
-- All times are UTC. Secrets are never stored in clear: random tokens as
-- SHA-256 (BINARY(32)), passwords as scrypt strings, secrets that must be
-- shown again sealed with AES-256-GCM (VARBINARY).

CREATE TABLE marketplace (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	nid		VARCHAR(64) NOT NULL,
	name		VARCHAR(255) NOT NULL,
	environment	VARCHAR(16) NOT NULL,
	hub_url		VARCHAR(512) NOT NULL,
	impac_url	VARCHAR(512) NULL,
	connec_url	VARCHAR(512) NULL,
	nex_url		VARCHAR(512) NULL,
	api_key		VARCHAR(64) NOT NULL,
	cert_id		BIGINT UNSIGNED NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	version		INT UNSIGNED NOT NULL DEFAULT 1,
	UNIQUE KEY uk_marketplace_nid (nid),
	UNIQUE KEY uk_marketplace_key (api_key),
	CONSTRAINT ck_marketplace_env CHECK (environment IN ('production', 'uat'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE certificate (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	marketplace_id	BIGINT UNSIGNED NOT NULL,
	serial		VARCHAR(40) NOT NULL,
	subject_cn	VARCHAR(255) NOT NULL,
	pem		TEXT NOT NULL,
	fp_sha1		CHAR(59) NOT NULL,
	fp_sha256	CHAR(95) NOT NULL,
	key_type	VARCHAR(16) NOT NULL,
	not_before	DATETIME NOT NULL,
	not_after	DATETIME NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	revoked_at	DATETIME NULL,
	revoke_reason	VARCHAR(32) NULL,
	UNIQUE KEY uk_certificate_serial (serial),
	KEY k_certificate_mkt (marketplace_id),
	CONSTRAINT fk_certificate_mkt FOREIGN KEY (marketplace_id)
	    REFERENCES marketplace (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE marketplace ADD CONSTRAINT fk_marketplace_cert
    FOREIGN KEY (cert_id) REFERENCES certificate (id) ON DELETE SET NULL;

-- Every secret that is only verified: marketplace, provider, environment
-- and tenant credentials. A rotation adds a row and gives the old one an
-- expires_at (the grace period).
CREATE TABLE credential (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	kind		VARCHAR(16) NOT NULL,
	key_id		VARCHAR(64) NOT NULL,
	secret_hash	BINARY(32) NOT NULL,
	owner_id	BIGINT UNSIGNED NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at	DATETIME(6) NULL,
	KEY k_credential_key (kind, key_id),
	KEY k_credential_owner (kind, owner_id),
	CONSTRAINT ck_credential_kind CHECK
	    (kind IN ('marketplace', 'provider', 'environment', 'tenant'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE registration_token (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	BINARY(32) NOT NULL,
	label		VARCHAR(255) NOT NULL DEFAULT '',
	max_uses	INT UNSIGNED NOT NULL DEFAULT 1,
	uses		INT UNSIGNED NOT NULL DEFAULT 0,
	expires_at	DATETIME(6) NULL,
	revoked_at	DATETIME(6) NULL,
	created_by	VARCHAR(96) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_regtoken_hash (token_hash),
	CONSTRAINT ck_regtoken_uses CHECK (uses <= max_uses)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE provider (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	nid		VARCHAR(64) NOT NULL,
	name		VARCHAR(255) NOT NULL,
	email		VARCHAR(255) NOT NULL,
	api_key		VARCHAR(64) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_provider_nid (nid),
	UNIQUE KEY uk_provider_key (api_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- JSON columns hold arrays or objects validated at the edge; the CHECK
-- keeps hand-written SQL honest too.
CREATE TABLE app (
	id			BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	uid			VARCHAR(32) NOT NULL,
	provider_id		BIGINT UNSIGNED NOT NULL,
	nid			VARCHAR(64) NOT NULL,
	name			VARCHAR(255) NOT NULL,
	description		TEXT NOT NULL,
	tiny_description	VARCHAR(1024) NOT NULL DEFAULT '',
	logo			VARCHAR(512) NULL,
	pictures		TEXT NOT NULL DEFAULT '[]',
	website			VARCHAR(512) NULL,
	categories		TEXT NOT NULL DEFAULT '[]',
	tags			TEXT NOT NULL DEFAULT '[]',
	key_benefits		TEXT NOT NULL DEFAULT '[]',
	key_features		TEXT NOT NULL DEFAULT '[]',
	pricing_plans		TEXT NOT NULL DEFAULT '{}',
	free_trial_duration	INT UNSIGNED NOT NULL DEFAULT 0,
	free_trial_unit		VARCHAR(16) NOT NULL DEFAULT 'days',
	stack			VARCHAR(16) NOT NULL DEFAULT 'cloud',
	terms_url		VARCHAR(512) NULL,
	support_url		VARCHAR(512) NULL,
	app_rank		INT NULL,
	appinfo			TEXT NOT NULL DEFAULT '{}',
	sso_enabled		TINYINT(1) NOT NULL DEFAULT 1,
	multi_instantiable	TINYINT(1) NOT NULL DEFAULT 0,
	active			TINYINT(1) NOT NULL DEFAULT 1,
	created_at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	version			INT UNSIGNED NOT NULL DEFAULT 1,
	UNIQUE KEY uk_app_uid (uid),
	UNIQUE KEY uk_app_nid (nid),
	KEY k_app_provider (provider_id),
	CONSTRAINT fk_app_provider FOREIGN KEY (provider_id)
	    REFERENCES provider (id),
	CONSTRAINT ck_app_stack CHECK (stack IN ('cloud', 'cube', 'connector')),
	CONSTRAINT ck_app_json CHECK (json_valid(pictures)
	    AND json_valid(categories) AND json_valid(tags)
	    AND json_valid(key_benefits) AND json_valid(key_features)
	    AND json_valid(pricing_plans) AND json_valid(appinfo))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- An app's deployment. Templates may contain %{marketplace}.
CREATE TABLE environment (
	id			BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	app_id			BIGINT UNSIGNED NOT NULL,
	nid			VARCHAR(64) NOT NULL,
	api_key			VARCHAR(64) NOT NULL,
	host			VARCHAR(512) NOT NULL,
	idm			VARCHAR(512) NULL,
	sso_init_path		VARCHAR(512) NOT NULL,
	sso_consume_path	VARCHAR(512) NOT NULL,
	group_path		VARCHAR(512) NOT NULL,
	group_user_path		VARCHAR(512) NOT NULL,
	notification_path	VARCHAR(512) NOT NULL,
	initialization_path	VARCHAR(512) NULL,
	external_ids		TINYINT(1) NOT NULL DEFAULT 1,
	sync_start_path		VARCHAR(512) NOT NULL,
	sync_toggle_path	VARCHAR(512) NOT NULL,
	sync_status_path	VARCHAR(512) NOT NULL,
	created_at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	version			INT UNSIGNED NOT NULL DEFAULT 1,
	UNIQUE KEY uk_environment_nid (app_id, nid),
	UNIQUE KEY uk_environment_key (api_key),
	CONSTRAINT fk_environment_app FOREIGN KEY (app_id)
	    REFERENCES app (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- An app on a marketplace. hub_key_enc is AES-256-GCM sealed under the
-- config's data_key: the key is shown to the app on every autoconfigure.
CREATE TABLE listing (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	app_id		BIGINT UNSIGNED NOT NULL,
	marketplace_id	BIGINT UNSIGNED NOT NULL,
	state		VARCHAR(16) NOT NULL,
	hub_api_id	VARCHAR(32) NOT NULL,
	hub_key_enc	VARBINARY(255) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_listing (app_id, marketplace_id),
	UNIQUE KEY uk_listing_hub (hub_api_id),
	KEY k_listing_mkt (marketplace_id, state),
	CONSTRAINT fk_listing_app FOREIGN KEY (app_id)
	    REFERENCES app (id) ON DELETE CASCADE,
	CONSTRAINT fk_listing_mkt FOREIGN KEY (marketplace_id)
	    REFERENCES marketplace (id) ON DELETE CASCADE,
	CONSTRAINT ck_listing_state CHECK
	    (state IN ('submitted', 'approved', 'rejected', 'unpublished'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE listing_history (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	listing_id	BIGINT UNSIGNED NOT NULL,
	at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	actor		VARCHAR(96) NOT NULL,
	from_state	VARCHAR(16) NULL,
	to_state	VARCHAR(16) NOT NULL,
	note		VARCHAR(1024) NOT NULL DEFAULT '',
	KEY k_listing_history (listing_id, at),
	CONSTRAINT fk_listing_history FOREIGN KEY (listing_id)
	    REFERENCES listing (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A marketplace frontend ("express"). uid is the public tenant id used
-- as the Basic-auth user; its key lives in credential (kind 'tenant').
CREATE TABLE tenant (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	uid		VARCHAR(64) NOT NULL,
	marketplace_id	BIGINT UNSIGNED NOT NULL,
	name		VARCHAR(255) NOT NULL,
	domain		VARCHAR(255) NOT NULL DEFAULT '',
	metadata	TEXT NOT NULL DEFAULT '{}',
	frontend_config	TEXT NOT NULL DEFAULT '{}',
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	version		INT UNSIGNED NOT NULL DEFAULT 1,
	UNIQUE KEY uk_tenant_uid (uid),
	KEY k_tenant_mkt (marketplace_id),
	CONSTRAINT fk_tenant_mkt FOREIGN KEY (marketplace_id)
	    REFERENCES marketplace (id) ON DELETE CASCADE,
	CONSTRAINT ck_tenant_json CHECK (json_valid(metadata)
	    AND json_type(metadata) = 'OBJECT'
	    AND json_valid(frontend_config)
	    AND json_type(frontend_config) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tenant_app (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	tenant_id	BIGINT UNSIGNED NOT NULL,
	app_id		BIGINT UNSIGNED NOT NULL,
	app_rank	INT NULL,
	featured	TINYINT(1) NOT NULL DEFAULT 0,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_tenant_app (tenant_id, app_id),
	CONSTRAINT fk_tenant_app_tenant FOREIGN KEY (tenant_id)
	    REFERENCES tenant (id) ON DELETE CASCADE,
	CONSTRAINT fk_tenant_app_app FOREIGN KEY (app_id)
	    REFERENCES app (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE admin_user (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	email		VARCHAR(255) NOT NULL,
	pw_hash		VARCHAR(255) NOT NULL,
	failed		INT UNSIGNED NOT NULL DEFAULT 0,
	locked_until	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	pw_changed_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_admin_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE admin_session (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	BINARY(32) NOT NULL,
	admin_id	BIGINT UNSIGNED NOT NULL,
	csrf		CHAR(64) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	seen_at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_session_hash (token_hash),
	CONSTRAINT fk_session_admin FOREIGN KEY (admin_id)
	    REFERENCES admin_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE admin_token (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	BINARY(32) NOT NULL,
	admin_id	BIGINT UNSIGNED NOT NULL,
	label		VARCHAR(255) NOT NULL DEFAULT '',
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	revoked_at	DATETIME(6) NULL,
	UNIQUE KEY uk_admin_token_hash (token_hash),
	CONSTRAINT fk_admin_token_admin FOREIGN KEY (admin_id)
	    REFERENCES admin_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Written in the same transaction as the change it records.
CREATE TABLE audit (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	actor		VARCHAR(96) NOT NULL,
	action		VARCHAR(64) NOT NULL,
	target_kind	VARCHAR(32) NOT NULL,
	target_id	BIGINT UNSIGNED NULL,
	before_json	MEDIUMTEXT NULL,
	after_json	MEDIUMTEXT NULL,
	request_id	CHAR(32) NOT NULL DEFAULT '',
	KEY k_audit_at (at),
	KEY k_audit_actor (actor, at),
	KEY k_audit_target (target_kind, target_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key: the first answer, sealed (it may hold a secret shown
-- once), kept idem_ttl seconds.
CREATE TABLE idempotency (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	principal	VARCHAR(96) NOT NULL,
	idem_key	VARCHAR(255) NOT NULL,
	req_hash	BINARY(32) NOT NULL,
	status		SMALLINT UNSIGNED NOT NULL,
	body_enc	MEDIUMBLOB NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_idempotency (principal, idem_key),
	KEY k_idempotency_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
