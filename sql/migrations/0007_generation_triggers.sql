-- The generation triggers of 0002, each one statement: no BEGIN ... END,
-- no user variable. On a Galera node MariaDB 10.11 was seen to refuse,
-- for seconds at a time, to load tenant_app's triggers ("Trigger
-- 'gen_tenant_app_au' has an error in its body: ... syntax ... near
-- 'INSERT INTO gen'", right after the SET of the compound body), failing
-- every write to the table; the same definitions loaded everywhere else.
-- One INSERT ... SELECT per trigger does the same work and leaves the
-- parser nothing between statements. Each row draws its own random
-- value: a scope only needs a value it has not had.

DROP TRIGGER IF EXISTS gen_marketplace_au;
DROP TRIGGER IF EXISTS gen_marketplace_bd;
DROP TRIGGER IF EXISTS gen_certificate_au;
DROP TRIGGER IF EXISTS gen_certificate_ad;
DROP TRIGGER IF EXISTS gen_listing_ai;
DROP TRIGGER IF EXISTS gen_listing_au;
DROP TRIGGER IF EXISTS gen_listing_ad;
DROP TRIGGER IF EXISTS gen_app_au;
DROP TRIGGER IF EXISTS gen_app_bd;
DROP TRIGGER IF EXISTS gen_environment_ai;
DROP TRIGGER IF EXISTS gen_environment_au;
DROP TRIGGER IF EXISTS gen_environment_ad;
DROP TRIGGER IF EXISTS gen_tenant_ai;
DROP TRIGGER IF EXISTS gen_tenant_au;
DROP TRIGGER IF EXISTS gen_tenant_ad;
DROP TRIGGER IF EXISTS gen_tenant_app_ai;
DROP TRIGGER IF EXISTS gen_tenant_app_au;
DROP TRIGGER IF EXISTS gen_tenant_app_ad;

-- marketplace: its own scope and its apps'; on delete also its tenants'
-- (cascades fire no trigger).
CREATE TRIGGER gen_marketplace_au AFTER UPDATE ON marketplace FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	SELECT 'm', NEW.id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'a', l.app_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.marketplace_id = NEW.id
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_marketplace_bd BEFORE DELETE ON marketplace FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	SELECT 'm', OLD.id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'a', l.app_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.marketplace_id = OLD.id
	UNION ALL
	SELECT 't', t.id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM tenant t WHERE t.marketplace_id = OLD.id
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- certificate: the marketplace's scope and its apps'.
CREATE TRIGGER gen_certificate_au AFTER UPDATE ON certificate FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	SELECT 'm', NEW.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'm', OLD.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'a', l.app_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l
	WHERE l.marketplace_id IN (NEW.marketplace_id, OLD.marketplace_id)
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_certificate_ad AFTER DELETE ON certificate FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	SELECT 'm', OLD.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'a', l.app_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.marketplace_id = OLD.marketplace_id
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- listing: its marketplace and its app.
CREATE TRIGGER gen_listing_ai AFTER INSERT ON listing FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('m', NEW.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('a', NEW.app_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_listing_au AFTER UPDATE ON listing FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('m', NEW.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('a', NEW.app_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('m', OLD.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('a', OLD.app_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_listing_ad AFTER DELETE ON listing FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('m', OLD.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('a', OLD.app_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- app: its scope and every marketplace that lists it; on delete also
-- the tenants whose tenant apps go with it.
CREATE TRIGGER gen_app_au AFTER UPDATE ON app FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	SELECT 'a', NEW.id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'm', l.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.app_id = NEW.id
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_app_bd BEFORE DELETE ON app FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	SELECT 'a', OLD.id, 1 + FLOOR(RAND() * 9007199254740991)
	UNION ALL
	SELECT 'm', l.marketplace_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM listing l WHERE l.app_id = OLD.id
	UNION ALL
	SELECT 't', ta.tenant_id, 1 + FLOOR(RAND() * 9007199254740991)
	FROM tenant_app ta WHERE ta.app_id = OLD.id
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- environment: its app's scope.
CREATE TRIGGER gen_environment_ai AFTER INSERT ON environment FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('a', NEW.app_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_environment_au AFTER UPDATE ON environment FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('a', NEW.app_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('a', OLD.app_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_environment_ad AFTER DELETE ON environment FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('a', OLD.app_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);

-- tenant and tenant_app: the tenant's scope, which names its marketplace.
CREATE TRIGGER gen_tenant_ai AFTER INSERT ON tenant FOR EACH ROW
	INSERT INTO gen (kind, id, n, up)
	VALUES ('t', NEW.id, 1 + FLOOR(RAND() * 9007199254740991),
	    NEW.marketplace_id)
	ON DUPLICATE KEY UPDATE n = VALUES(n), up = VALUES(up);
CREATE TRIGGER gen_tenant_au AFTER UPDATE ON tenant FOR EACH ROW
	INSERT INTO gen (kind, id, n, up)
	VALUES ('t', NEW.id, 1 + FLOOR(RAND() * 9007199254740991),
	    NEW.marketplace_id)
	ON DUPLICATE KEY UPDATE n = VALUES(n), up = VALUES(up);
CREATE TRIGGER gen_tenant_ad AFTER DELETE ON tenant FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('t', OLD.id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_tenant_app_ai AFTER INSERT ON tenant_app FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('t', NEW.tenant_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_tenant_app_au AFTER UPDATE ON tenant_app FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('t', NEW.tenant_id, 1 + FLOOR(RAND() * 9007199254740991)),
	    ('t', OLD.tenant_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
CREATE TRIGGER gen_tenant_app_ad AFTER DELETE ON tenant_app FOR EACH ROW
	INSERT INTO gen (kind, id, n)
	VALUES ('t', OLD.tenant_id, 1 + FLOOR(RAND() * 9007199254740991))
	ON DUPLICATE KEY UPDATE n = VALUES(n);
