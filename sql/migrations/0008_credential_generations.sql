-- agora schema, version 8: a tenant's or an environment's credential
-- moves the scope its cached answers are kept under.
--
-- A worker that has checked a tenant's or an environment's secret
-- against its credential row keeps what it found (the row's hash, its
-- owner, its grace period) and the generations the statement returned
-- with it. On the next request with the same key and secret it asks
-- only for those generations (two primary-key reads instead of the
-- credential statement's join, sort and expiry test), and trusts what
-- it kept while they have not moved. That is sound only if every change
-- to a credential row moves them, whoever makes it: these triggers
-- make it so. Expiry needs no trigger: the worker keeps the time left
-- as the database counted it and checks it on every request.
--
--	tenant credential	('t', owner_id): the tenant's scope
--	environment credential	('a', the environment's app): the app's
--
-- Marketplace and provider credentials answer nothing cached and move
-- nothing (a registration's INSERT costs one IF). A rotation moves the
-- owner's scope, so its cached answers are rendered once more and its
-- ETags change: rotations are rare, and the answer is still the same.

CREATE TRIGGER gen_credential_ai AFTER INSERT ON credential FOR EACH ROW
BEGIN
	IF NEW.kind = 'tenant' THEN
		SET @g = 1 + FLOOR(RAND() * 9007199254740991);
		INSERT INTO gen (kind, id, n) VALUES ('t', NEW.owner_id, @g)
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	ELSEIF NEW.kind = 'environment' THEN
		SET @g = 1 + FLOOR(RAND() * 9007199254740991);
		INSERT INTO gen (kind, id, n)
		    SELECT 'a', e.app_id, @g FROM environment e
		    WHERE e.id = NEW.owner_id
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	END IF;
END;

-- An UPDATE may change the kind or the owner: both rows' scopes move.
CREATE TRIGGER gen_credential_au AFTER UPDATE ON credential FOR EACH ROW
BEGIN
	SET @g = 1 + FLOOR(RAND() * 9007199254740991);
	IF OLD.kind = 'tenant' THEN
		INSERT INTO gen (kind, id, n) VALUES ('t', OLD.owner_id, @g)
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	ELSEIF OLD.kind = 'environment' THEN
		INSERT INTO gen (kind, id, n)
		    SELECT 'a', e.app_id, @g FROM environment e
		    WHERE e.id = OLD.owner_id
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	END IF;
	IF NEW.kind = 'tenant' THEN
		INSERT INTO gen (kind, id, n) VALUES ('t', NEW.owner_id, @g)
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	ELSEIF NEW.kind = 'environment' THEN
		INSERT INTO gen (kind, id, n)
		    SELECT 'a', e.app_id, @g FROM environment e
		    WHERE e.id = NEW.owner_id
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	END IF;
END;

CREATE TRIGGER gen_credential_ad AFTER DELETE ON credential FOR EACH ROW
BEGIN
	IF OLD.kind = 'tenant' THEN
		SET @g = 1 + FLOOR(RAND() * 9007199254740991);
		INSERT INTO gen (kind, id, n) VALUES ('t', OLD.owner_id, @g)
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	ELSEIF OLD.kind = 'environment' THEN
		SET @g = 1 + FLOOR(RAND() * 9007199254740991);
		INSERT INTO gen (kind, id, n)
		    SELECT 'a', e.app_id, @g FROM environment e
		    WHERE e.id = OLD.owner_id
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	END IF;
END;
