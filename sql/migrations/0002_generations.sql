-- Generations: what a cached answer depends on, kept by the database
-- itself. Triggers on every table the hot reads (the hub catalog, the
-- hub tenant, SDK autoconfigure) read from give a scope a new random
-- 53-bit value on any INSERT, UPDATE or DELETE, whoever runs it: the
-- API, a seed script, an admin at the mariadb prompt. Workers compare
-- the values the credential statement returns with the ones their
-- cached bodies were rendered at; ETags derive from them.
--
-- Scopes, one row each, so writers never queue on one hot row:
--	('m', marketplace id)	the marketplace, its certificates, its
--				listings, the apps listed on it: what a
--				tenant's catalog reads besides the tenant
--	('a', app id)		the app, its environments, its listings,
--				and the marketplaces it is listed on: what
--				an environment's autoconfigure reads
--	('t', tenant id)	the tenant and its tenant apps; up is the
--				tenant's marketplace, so one statement
--				reaches both of a catalog's scopes
--
-- A change to a marketplace or its certificates moves the scope of every
-- app listed on it (a handful of rows, on rare writes), so autoconfigure
-- depends on one scope. A registration inserts its own rows only.
--
-- A value is random rather than a counter so that a restored backup or
-- a recreated database never hands out a value a worker saw for other
-- data. Foreign-key cascades do not fire triggers, so parents bump
-- their children's scopes themselves (BEFORE DELETE, while the children
-- are still there). TRUNCATE fires no trigger: never TRUNCATE these
-- tables on a live platform (doc/design.md, "Fresh and fast at once").

CREATE TABLE gen (
	kind		CHAR(1) NOT NULL,
	id		BIGINT UNSIGNED NOT NULL,
	n		BIGINT UNSIGNED NOT NULL,
	up		BIGINT UNSIGNED NULL,
	PRIMARY KEY (kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Give scope (k, i) a new value.
CREATE PROCEDURE gen_bump(IN k CHAR(1), IN i BIGINT UNSIGNED)
	MODIFIES SQL DATA
	INSERT INTO gen (kind, id, n)
	VALUES (k, i, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- Every marketplace listing app i.
CREATE PROCEDURE gen_bump_app_mkts(IN i BIGINT UNSIGNED)
	MODIFIES SQL DATA
	INSERT INTO gen (kind, id, n)
	SELECT 'm', l.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.app_id = i
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- Every app listed on marketplace i.
CREATE PROCEDURE gen_bump_mkt_apps(IN i BIGINT UNSIGNED)
	MODIFIES SQL DATA
	INSERT INTO gen (kind, id, n)
	SELECT 'a', l.app_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.marketplace_id = i
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- Tenant i, on marketplace m.
CREATE PROCEDURE gen_bump_tenant(IN i BIGINT UNSIGNED, IN m BIGINT UNSIGNED)
	MODIFIES SQL DATA
	INSERT INTO gen (kind, id, n, up)
	VALUES ('t', i, 1 + FLOOR(RAND() * 9007199254740991), m)
	ON DUPLICATE KEY UPDATE n = VALUES(n), up = VALUES(up);

INSERT INTO gen (kind, id, n)
	SELECT 'm', id, 1 + FLOOR(RAND() * 9007199254740991) FROM marketplace;
INSERT INTO gen (kind, id, n)
	SELECT 'a', id, 1 + FLOOR(RAND() * 9007199254740991) FROM app;
INSERT INTO gen (kind, id, n, up)
	SELECT 't', id, 1 + FLOOR(RAND() * 9007199254740991), marketplace_id
	FROM tenant;

-- marketplace: its own scope and its apps'. Its certificates, listings
-- and tenants go with it by cascade; their scopes are bumped here.
CREATE TRIGGER gen_marketplace_ai AFTER INSERT ON marketplace FOR EACH ROW
	CALL gen_bump('m', NEW.id);
CREATE TRIGGER gen_marketplace_au AFTER UPDATE ON marketplace FOR EACH ROW
BEGIN
	CALL gen_bump('m', NEW.id);
	CALL gen_bump_mkt_apps(NEW.id);
END;
CREATE TRIGGER gen_marketplace_bd BEFORE DELETE ON marketplace FOR EACH ROW
BEGIN
	CALL gen_bump('m', OLD.id);
	CALL gen_bump_mkt_apps(OLD.id);
	INSERT INTO gen (kind, id, n, up)
	SELECT 't', t.id, 1 + FLOOR(RAND() * 9007199254740991), t.marketplace_id
	FROM tenant t WHERE t.marketplace_id = OLD.id
	ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- certificate: the marketplace's scope and its apps' (autoconfigure
-- hands out the current certificate and leaves out revoked ones).
CREATE TRIGGER gen_certificate_ai AFTER INSERT ON certificate FOR EACH ROW
BEGIN
	CALL gen_bump('m', NEW.marketplace_id);
	CALL gen_bump_mkt_apps(NEW.marketplace_id);
END;
CREATE TRIGGER gen_certificate_au AFTER UPDATE ON certificate FOR EACH ROW
BEGIN
	CALL gen_bump('m', NEW.marketplace_id);
	CALL gen_bump_mkt_apps(NEW.marketplace_id);
	IF OLD.marketplace_id <> NEW.marketplace_id THEN
		CALL gen_bump('m', OLD.marketplace_id);
		CALL gen_bump_mkt_apps(OLD.marketplace_id);
	END IF;
END;
CREATE TRIGGER gen_certificate_ad AFTER DELETE ON certificate FOR EACH ROW
BEGIN
	CALL gen_bump('m', OLD.marketplace_id);
	CALL gen_bump_mkt_apps(OLD.marketplace_id);
END;

-- listing: its marketplace and its app.
CREATE TRIGGER gen_listing_ai AFTER INSERT ON listing FOR EACH ROW
BEGIN
	CALL gen_bump('m', NEW.marketplace_id);
	CALL gen_bump('a', NEW.app_id);
END;
CREATE TRIGGER gen_listing_au AFTER UPDATE ON listing FOR EACH ROW
BEGIN
	CALL gen_bump('m', NEW.marketplace_id);
	CALL gen_bump('a', NEW.app_id);
	IF OLD.marketplace_id <> NEW.marketplace_id THEN
		CALL gen_bump('m', OLD.marketplace_id);
	END IF;
	IF OLD.app_id <> NEW.app_id THEN
		CALL gen_bump('a', OLD.app_id);
	END IF;
END;
CREATE TRIGGER gen_listing_ad AFTER DELETE ON listing FOR EACH ROW
BEGIN
	CALL gen_bump('m', OLD.marketplace_id);
	CALL gen_bump('a', OLD.app_id);
END;

-- app: its scope and every marketplace that lists it.
CREATE TRIGGER gen_app_ai AFTER INSERT ON app FOR EACH ROW
	CALL gen_bump('a', NEW.id);
CREATE TRIGGER gen_app_au AFTER UPDATE ON app FOR EACH ROW
BEGIN
	CALL gen_bump('a', NEW.id);
	CALL gen_bump_app_mkts(NEW.id);
END;
CREATE TRIGGER gen_app_bd BEFORE DELETE ON app FOR EACH ROW
BEGIN
	CALL gen_bump('a', OLD.id);
	CALL gen_bump_app_mkts(OLD.id);
	INSERT INTO gen (kind, id, n)
	SELECT 't', ta.tenant_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM tenant_app ta WHERE ta.app_id = OLD.id
	ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- environment: its app's scope (autoconfigure renders its templates).
CREATE TRIGGER gen_environment_ai AFTER INSERT ON environment FOR EACH ROW
	CALL gen_bump('a', NEW.app_id);
CREATE TRIGGER gen_environment_au AFTER UPDATE ON environment FOR EACH ROW
BEGIN
	CALL gen_bump('a', NEW.app_id);
	IF OLD.app_id <> NEW.app_id THEN
		CALL gen_bump('a', OLD.app_id);
	END IF;
END;
CREATE TRIGGER gen_environment_ad AFTER DELETE ON environment FOR EACH ROW
	CALL gen_bump('a', OLD.app_id);

-- tenant and tenant_app: the tenant's scope.
CREATE TRIGGER gen_tenant_ai AFTER INSERT ON tenant FOR EACH ROW
	CALL gen_bump_tenant(NEW.id, NEW.marketplace_id);
CREATE TRIGGER gen_tenant_au AFTER UPDATE ON tenant FOR EACH ROW
	CALL gen_bump_tenant(NEW.id, NEW.marketplace_id);
CREATE TRIGGER gen_tenant_ad AFTER DELETE ON tenant FOR EACH ROW
	CALL gen_bump_tenant(OLD.id, NULL);
CREATE TRIGGER gen_tenant_app_ai AFTER INSERT ON tenant_app FOR EACH ROW
	CALL gen_bump('t', NEW.tenant_id);
CREATE TRIGGER gen_tenant_app_au AFTER UPDATE ON tenant_app FOR EACH ROW
BEGIN
	CALL gen_bump('t', NEW.tenant_id);
	IF OLD.tenant_id <> NEW.tenant_id THEN
		CALL gen_bump('t', OLD.tenant_id);
	END IF;
END;
CREATE TRIGGER gen_tenant_app_ad AFTER DELETE ON tenant_app FOR EACH ROW
	CALL gen_bump('t', OLD.tenant_id);
