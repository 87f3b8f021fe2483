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
-- depends on one scope. Rows no answer reads yet move nothing: a new
-- marketplace and a new certificate show only once the marketplace
-- points at it (UPDATE marketplace), so a registration moves one row of
-- its own and waits on no other writer. A scope without a row reads 0.
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

INSERT INTO gen (kind, id, n)
	SELECT 'm', id, 1 + FLOOR(RAND() * 9007199254740991) FROM marketplace;
INSERT INTO gen (kind, id, n)
	SELECT 'a', id, 1 + FLOOR(RAND() * 9007199254740991) FROM app;
INSERT INTO gen (kind, id, n, up)
	SELECT 't', id, 1 + FLOOR(RAND() * 9007199254740991), marketplace_id
	FROM tenant;

-- Each trigger draws one value into @g first; the statements that follow
-- read it, so a bump is one short statement per scope.

-- marketplace: its own scope and its apps'. Its certificates, listings
-- and tenants go with it by cascade; their scopes are bumped here.
CREATE TRIGGER gen_marketplace_au AFTER UPDATE ON marketplace FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('m', NEW.id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 'a', l.app_id, @g FROM listing l
	    WHERE l.marketplace_id = NEW.id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_marketplace_bd BEFORE DELETE ON marketplace FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('m', OLD.id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 'a', l.app_id, @g FROM listing l
	    WHERE l.marketplace_id = OLD.id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 't', t.id, @g FROM tenant t
	    WHERE t.marketplace_id = OLD.id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- certificate: once in use, the marketplace's scope and its apps'
-- (autoconfigure hands out the current certificate and leaves out a
-- revoked one). A deleted one was unset by its foreign key, unseen.
CREATE TRIGGER gen_certificate_au AFTER UPDATE ON certificate FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n)
	    VALUES ('m', NEW.marketplace_id, @g), ('m', OLD.marketplace_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 'a', l.app_id, @g FROM listing l
	    WHERE l.marketplace_id IN (NEW.marketplace_id, OLD.marketplace_id)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_certificate_ad AFTER DELETE ON certificate FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('m', OLD.marketplace_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 'a', l.app_id, @g FROM listing l
	    WHERE l.marketplace_id = OLD.marketplace_id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- listing: its marketplace and its app.
CREATE TRIGGER gen_listing_ai AFTER INSERT ON listing FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n)
	    VALUES ('m', NEW.marketplace_id, @g), ('a', NEW.app_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_listing_au AFTER UPDATE ON listing FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n)
	    VALUES ('m', NEW.marketplace_id, @g), ('a', NEW.app_id, @g),
	    ('m', OLD.marketplace_id, @g), ('a', OLD.app_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_listing_ad AFTER DELETE ON listing FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n)
	    VALUES ('m', OLD.marketplace_id, @g), ('a', OLD.app_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- app: its scope and every marketplace that lists it (and, on delete,
-- the tenants whose tenant apps go with it).
CREATE TRIGGER gen_app_au AFTER UPDATE ON app FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('a', NEW.id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 'm', l.marketplace_id, @g FROM listing l
	    WHERE l.app_id = NEW.id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_app_bd BEFORE DELETE ON app FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('a', OLD.id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 'm', l.marketplace_id, @g FROM listing l
	    WHERE l.app_id = OLD.id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
	INSERT INTO gen (kind, id, n)
	    SELECT 't', ta.tenant_id, @g FROM tenant_app ta
	    WHERE ta.app_id = OLD.id
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- environment: its app's scope (autoconfigure renders its templates).
CREATE TRIGGER gen_environment_ai AFTER INSERT ON environment FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('a', NEW.app_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_environment_au AFTER UPDATE ON environment FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n)
	    VALUES ('a', NEW.app_id, @g), ('a', OLD.app_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_environment_ad AFTER DELETE ON environment FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('a', OLD.app_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;

-- tenant and tenant_app: the tenant's scope, which names its marketplace.
CREATE TRIGGER gen_tenant_ai AFTER INSERT ON tenant FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n, up)
	    VALUES ('t', NEW.id, @g, NEW.marketplace_id)
	    ON DUPLICATE KEY UPDATE n = VALUES(n), up = VALUES(up);
END;
CREATE TRIGGER gen_tenant_au AFTER UPDATE ON tenant FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n, up)
	    VALUES ('t', NEW.id, @g, NEW.marketplace_id)
	    ON DUPLICATE KEY UPDATE n = VALUES(n), up = VALUES(up);
END;
CREATE TRIGGER gen_tenant_ad AFTER DELETE ON tenant FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('t', OLD.id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_tenant_app_ai AFTER INSERT ON tenant_app FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('t', NEW.tenant_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_tenant_app_au AFTER UPDATE ON tenant_app FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n)
	    VALUES ('t', NEW.tenant_id, @g), ('t', OLD.tenant_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
CREATE TRIGGER gen_tenant_app_ad AFTER DELETE ON tenant_app FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	INSERT INTO gen (kind, id, n) VALUES ('t', OLD.tenant_id, @g)
	    ON DUPLICATE KEY UPDATE n = VALUES(n);
END;
