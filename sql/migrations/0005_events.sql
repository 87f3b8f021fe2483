-- agora schema, version 5: events and webhooks.
--
-- event is an outbox: every row is written by a trigger in the
-- transaction of the change it reports, so a rolled-back change leaves
-- no event and a committed one always has its event, whoever made it
-- (the API, a seed script, an admin at the mariadb prompt). agora-notify
-- fans each event out to the subscriptions that want it (one delivery
-- row per subscription) and delivers them, recording every attempt.
-- Cascaded deletes fire no trigger in MariaDB: deleting a marketplace
-- reports nothing about the tenants and listings that go with it.

CREATE TABLE event (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	uid		CHAR(36) NOT NULL,
	type		VARCHAR(64) NOT NULL,
	marketplace_id	BIGINT UNSIGNED NULL,
	provider_id	BIGINT UNSIGNED NULL,
	subscription_id	BIGINT UNSIGNED NULL,
	payload		MEDIUMTEXT NOT NULL,
	txkey		VARCHAR(96) NULL,
	fanned		TINYINT(1) NOT NULL DEFAULT 0,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	UNIQUE KEY uk_event_uid (uid),
	KEY k_event_fan (fanned, id),
	KEY k_event_txkey (txkey),
	CONSTRAINT ck_event_json CHECK (json_valid(payload))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A webhook. owner_kind 'admin' (owner_id NULL) hears every event; a
-- marketplace or provider hears the events about itself. The signing
-- secrets are sealed (AES-256-GCM under data_key): the notifier needs
-- them in clear to sign. old_secret_enc signs too until old_until.
CREATE TABLE subscription (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	owner_kind	VARCHAR(16) NOT NULL,
	owner_id	BIGINT UNSIGNED NULL,
	url		VARCHAR(512) NOT NULL,
	types		TEXT NOT NULL DEFAULT '["*"]',
	description	VARCHAR(255) NOT NULL DEFAULT '',
	secret_enc	VARBINARY(255) NOT NULL,
	old_secret_enc	VARBINARY(255) NULL,
	old_until	DATETIME(6) NULL,
	allow_private	TINYINT(1) NOT NULL DEFAULT 0,
	active		TINYINT(1) NOT NULL DEFAULT 1,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	version		INT UNSIGNED NOT NULL DEFAULT 1,
	KEY k_subscription_owner (owner_kind, owner_id),
	CONSTRAINT ck_subscription_owner CHECK
	    (owner_kind IN ('admin', 'marketplace', 'provider')),
	CONSTRAINT ck_subscription_types CHECK (json_valid(types)
	    AND json_type(types) = 'ARRAY')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One event to one subscription. attempts counts claims; a claim sets
-- claim and pushes next_at past the lease, so a notifier that dies
-- mid-delivery leaves the row due again once the lease is over.
-- first_at starts the retry window (notify_max_age), reset by "send
-- again".
CREATE TABLE delivery (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	event_id	BIGINT UNSIGNED NOT NULL,
	subscription_id	BIGINT UNSIGNED NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'pending',
	attempts	INT UNSIGNED NOT NULL DEFAULT 0,
	first_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	next_at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	claim		CHAR(32) NULL,
	last_status	SMALLINT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	done_at		DATETIME(6) NULL,
	UNIQUE KEY uk_delivery (event_id, subscription_id),
	KEY k_delivery_due (state, next_at),
	KEY k_delivery_sub (subscription_id, id),
	KEY k_delivery_claim (claim),
	CONSTRAINT fk_delivery_event FOREIGN KEY (event_id)
	    REFERENCES event (id) ON DELETE CASCADE,
	CONSTRAINT fk_delivery_sub FOREIGN KEY (subscription_id)
	    REFERENCES subscription (id) ON DELETE CASCADE,
	CONSTRAINT ck_delivery_state CHECK
	    (state IN ('pending', 'delivered', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every attempt: when, how long, the HTTP status (NULL when none came
-- back), why it failed, and the first bytes of the answer.
CREATE TABLE delivery_attempt (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	delivery_id	BIGINT UNSIGNED NOT NULL,
	at		DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	duration_ms	INT UNSIGNED NOT NULL DEFAULT 0,
	http_status	SMALLINT NULL,
	error		VARCHAR(255) NOT NULL DEFAULT '',
	response	VARCHAR(512) NOT NULL DEFAULT '',
	notifier	VARCHAR(96) NOT NULL DEFAULT '',
	KEY k_attempt_delivery (delivery_id, id),
	CONSTRAINT fk_attempt_delivery FOREIGN KEY (delivery_id)
	    REFERENCES delivery (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Listings: a new row is a request (or whatever state a seed script
-- gave it); a change of state is approved, rejected, unpublished, or
-- republished when an unpublished listing goes live again. Heard by the
-- listing's marketplace and the app's provider.
CREATE TRIGGER listing_event_ai AFTER INSERT ON listing FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), CASE NEW.state WHEN 'submitted'
	    THEN 'listing.requested' ELSE CONCAT('listing.', NEW.state) END,
	    NEW.marketplace_id, a.provider_id,
	    JSON_OBJECT('listing', JSON_OBJECT('id', NEW.id,
	    'hub_api_id', NEW.hub_api_id, 'state', NEW.state,
	    'previous_state', NULL), 'app', JSON_OBJECT('uid', a.uid,
	    'nid', a.nid, 'name', a.name), 'marketplace', m.nid)
	FROM app a JOIN marketplace m ON m.id = NEW.marketplace_id
	WHERE a.id = NEW.app_id;

CREATE TRIGGER listing_event_au AFTER UPDATE ON listing FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), CASE WHEN NEW.state = 'approved'
	    AND OLD.state = 'unpublished' THEN 'listing.republished'
	    WHEN NEW.state = 'submitted' THEN 'listing.requested'
	    ELSE CONCAT('listing.', NEW.state) END,
	    NEW.marketplace_id, a.provider_id,
	    JSON_OBJECT('listing', JSON_OBJECT('id', NEW.id,
	    'hub_api_id', NEW.hub_api_id, 'state', NEW.state,
	    'previous_state', OLD.state), 'app', JSON_OBJECT('uid', a.uid,
	    'nid', a.nid, 'name', a.name), 'marketplace', m.nid)
	FROM app a JOIN marketplace m ON m.id = NEW.marketplace_id
	WHERE a.id = NEW.app_id AND NOT (OLD.state <=> NEW.state);

-- An app changed in what its marketplaces show (every column but the
-- bookkeeping ones): one event per marketplace where it is live.
CREATE TRIGGER app_event_au AFTER UPDATE ON app FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), 'app.changed', l.marketplace_id, NULL,
	    JSON_OBJECT('app', JSON_OBJECT('uid', NEW.uid, 'nid', NEW.nid,
	    'name', NEW.name, 'active', JSON_EXTRACT(IF(NEW.active,
	    'true', 'false'), '$'), 'version', NEW.version),
	    'marketplace', m.nid)
	FROM listing l JOIN marketplace m ON m.id = l.marketplace_id
	WHERE l.app_id = NEW.id AND l.state = 'approved'
	AND NOT (OLD.nid <=> NEW.nid AND OLD.name <=> NEW.name
	    AND OLD.description <=> NEW.description
	    AND OLD.tiny_description <=> NEW.tiny_description
	    AND OLD.logo <=> NEW.logo AND OLD.pictures <=> NEW.pictures
	    AND OLD.website <=> NEW.website
	    AND OLD.categories <=> NEW.categories AND OLD.tags <=> NEW.tags
	    AND OLD.key_benefits <=> NEW.key_benefits
	    AND OLD.key_features <=> NEW.key_features
	    AND OLD.pricing_plans <=> NEW.pricing_plans
	    AND OLD.free_trial_duration <=> NEW.free_trial_duration
	    AND OLD.free_trial_unit <=> NEW.free_trial_unit
	    AND OLD.stack <=> NEW.stack AND OLD.terms_url <=> NEW.terms_url
	    AND OLD.support_url <=> NEW.support_url
	    AND OLD.app_rank <=> NEW.app_rank AND OLD.appinfo <=> NEW.appinfo
	    AND OLD.sso_enabled <=> NEW.sso_enabled
	    AND OLD.multi_instantiable <=> NEW.multi_instantiable
	    AND OLD.active <=> NEW.active);

-- An environment changed in what autoconfigure hands out for the
-- marketplaces where its app is live.
CREATE TRIGGER environment_event_au AFTER UPDATE ON environment
FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), 'environment.changed', l.marketplace_id, NULL,
	    JSON_OBJECT('app', JSON_OBJECT('uid', a.uid, 'nid', a.nid),
	    'environment', JSON_OBJECT('id', NEW.id, 'nid', NEW.nid,
	    'version', NEW.version), 'marketplace', m.nid)
	FROM app a JOIN listing l ON l.app_id = a.id AND l.state = 'approved'
	JOIN marketplace m ON m.id = l.marketplace_id
	WHERE a.id = NEW.app_id
	AND NOT (OLD.nid <=> NEW.nid AND OLD.host <=> NEW.host
	    AND OLD.idm <=> NEW.idm AND OLD.sso_init_path <=> NEW.sso_init_path
	    AND OLD.sso_consume_path <=> NEW.sso_consume_path
	    AND OLD.group_path <=> NEW.group_path
	    AND OLD.group_user_path <=> NEW.group_user_path
	    AND OLD.notification_path <=> NEW.notification_path
	    AND OLD.initialization_path <=> NEW.initialization_path
	    AND OLD.external_ids <=> NEW.external_ids
	    AND OLD.sync_start_path <=> NEW.sync_start_path
	    AND OLD.sync_toggle_path <=> NEW.sync_toggle_path
	    AND OLD.sync_status_path <=> NEW.sync_status_path);

-- A marketplace's current certificate replaced by another: renewed.
CREATE TRIGGER marketplace_event_au AFTER UPDATE ON marketplace
FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), 'marketplace.certificate_renewed', NEW.id, NULL,
	    JSON_OBJECT('marketplace', NEW.nid, 'certificate',
	    JSON_OBJECT('serial', c.serial, 'fp_sha1', c.fp_sha1,
	    'fp_sha256', c.fp_sha256, 'not_after',
	    DATE_FORMAT(c.not_after, '%Y-%m-%dT%H:%i:%sZ')))
	FROM certificate c
	WHERE c.id = NEW.cert_id AND OLD.cert_id IS NOT NULL
	AND NOT (OLD.cert_id <=> NEW.cert_id);

CREATE TRIGGER certificate_event_au AFTER UPDATE ON certificate
FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), 'marketplace.certificate_revoked', NEW.marketplace_id,
	    NULL, JSON_OBJECT('marketplace', m.nid, 'certificate',
	    JSON_OBJECT('serial', NEW.serial, 'reason', NEW.revoke_reason,
	    'revoked_at', DATE_FORMAT(NEW.revoked_at,
	    '%Y-%m-%dT%H:%i:%sZ')))
	FROM marketplace m
	WHERE m.id = NEW.marketplace_id AND OLD.revoked_at IS NULL
	AND NEW.revoked_at IS NOT NULL;

CREATE TRIGGER tenant_event_ai AFTER INSERT ON tenant FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), 'tenant.created', NEW.marketplace_id, NULL,
	    JSON_OBJECT('tenant', JSON_OBJECT('id', NEW.uid, 'name', NEW.name,
	    'domain', NEW.domain), 'marketplace', m.nid)
	FROM marketplace m WHERE m.id = NEW.marketplace_id;

CREATE TRIGGER tenant_event_ad AFTER DELETE ON tenant FOR EACH ROW
	INSERT INTO event (uid, type, marketplace_id, provider_id, payload)
	SELECT UUID(), 'tenant.deleted', OLD.marketplace_id, NULL,
	    JSON_OBJECT('tenant', JSON_OBJECT('id', OLD.uid, 'name', OLD.name,
	    'domain', OLD.domain), 'marketplace', m.nid)
	FROM marketplace m WHERE m.id = OLD.marketplace_id;

-- Tenant apps: one tenant.apps_changed event per tenant per transaction,
-- listing every change. The transaction is known by @agora_tx, which
-- agora's own transactions set when they begin (db_tx_begin); SQL typed
-- by hand has none, and groups by statement (connection and statement
-- time), which for autocommit is the transaction.
CREATE PROCEDURE event_tenant_app(IN p_tenant BIGINT UNSIGNED,
    IN p_app BIGINT UNSIGNED, IN p_op VARCHAR(16))
BEGIN
	DECLARE v_key VARCHAR(96);
	DECLARE v_id BIGINT UNSIGNED DEFAULT NULL;

	SET v_key = CONCAT(IF(@@in_transaction = 1 AND @agora_tx IS NOT NULL,
	    CONCAT('t:', @agora_tx), CONCAT('s:', CONNECTION_ID(), ':',
	    NOW(6))), '/', p_tenant);
	SET v_id = (SELECT id FROM event WHERE txkey = v_key LIMIT 1);
	IF v_id IS NULL THEN
		INSERT INTO event (uid, type, marketplace_id, provider_id,
		    payload, txkey)
		SELECT UUID(), 'tenant.apps_changed', t.marketplace_id, NULL,
		    JSON_OBJECT('tenant', JSON_OBJECT('id', t.uid,
		    'name', t.name), 'marketplace', m.nid,
		    'changes', JSON_ARRAY()), v_key
		FROM tenant t JOIN marketplace m ON m.id = t.marketplace_id
		WHERE t.id = p_tenant;
		IF ROW_COUNT() = 1 THEN
			SET v_id = LAST_INSERT_ID();
		END IF;
	END IF;
	IF v_id IS NOT NULL THEN
		UPDATE event SET payload = JSON_ARRAY_APPEND(payload,
		    '$.changes', JSON_OBJECT('op', p_op,
		    'app', JSON_OBJECT('uid',
		    (SELECT uid FROM app WHERE id = p_app),
		    'nid', (SELECT nid FROM app WHERE id = p_app))))
		WHERE id = v_id;
	END IF;
END;

CREATE TRIGGER tenant_app_event_ai AFTER INSERT ON tenant_app FOR EACH ROW
	CALL event_tenant_app(NEW.tenant_id, NEW.app_id, 'added');

CREATE TRIGGER tenant_app_event_ad AFTER DELETE ON tenant_app FOR EACH ROW
	CALL event_tenant_app(OLD.tenant_id, OLD.app_id, 'removed');

CREATE TRIGGER tenant_app_event_au AFTER UPDATE ON tenant_app FOR EACH ROW
BEGIN
	IF NOT (OLD.app_id <=> NEW.app_id AND OLD.tenant_id <=> NEW.tenant_id)
	THEN
		CALL event_tenant_app(OLD.tenant_id, OLD.app_id, 'removed');
		CALL event_tenant_app(NEW.tenant_id, NEW.app_id, 'added');
	ELSEIF NOT (OLD.app_rank <=> NEW.app_rank
	    AND OLD.featured <=> NEW.featured) THEN
		CALL event_tenant_app(NEW.tenant_id, NEW.app_id, 'updated');
	END IF;
END;
