-- agora schema, version 7: a registration's own cert_id update costs two
-- index lookups in its triggers instead of four statements.
--
-- A registration inserts its marketplace, then its certificate, then
-- sets marketplace.cert_id (the two rows name each other). That UPDATE
-- fired two AFTER UPDATE triggers, four statements that did nothing
-- useful: the generation bump (0002) for a marketplace nothing can have
-- cached yet, and the renewal event (0005), whose WHERE then matched no
-- row. Both triggers now decide in the trigger whether there is work:
--
-- * the renewal event, only when a certificate replaces another (the
--   same condition as before, tested before the INSERT instead of in
--   its WHERE);
-- * the bump, always, except for a marketplace that had no certificate
--   and that no listing and no tenant names (a registration's, until it
--   commits). Nothing cached can depend on such a marketplace: a catalog
--   is a tenant's, an autoconfigure answer lists the marketplaces its
--   app is listed on. Its scope then has no row (read as 0) until its
--   first change, which gives it a new value. A cert_id restored by
--   hand on a marketplace with listings or tenants still bumps; one
--   that had a certificate bumps without looking further.

DROP TRIGGER IF EXISTS gen_marketplace_au;
CREATE TRIGGER gen_marketplace_au AFTER UPDATE ON marketplace FOR EACH ROW
BEGIN
	IF OLD.cert_id IS NOT NULL
	    OR EXISTS (SELECT 1 FROM listing l WHERE l.marketplace_id = NEW.id)
	    OR EXISTS (SELECT 1 FROM tenant t WHERE t.marketplace_id = NEW.id)
	THEN
		SET @g = 1 + FLOOR(RAND() * 9007199254740991);
		INSERT INTO gen (kind, id, n) VALUES ('m', NEW.id, @g)
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
		INSERT INTO gen (kind, id, n)
		    SELECT 'a', l.app_id, @g FROM listing l
		    WHERE l.marketplace_id = NEW.id
		    ON DUPLICATE KEY UPDATE n = VALUES(n);
	END IF;
END;

DROP TRIGGER IF EXISTS marketplace_event_au;
CREATE TRIGGER marketplace_event_au AFTER UPDATE ON marketplace
FOR EACH ROW
BEGIN
	IF OLD.cert_id IS NOT NULL AND NOT (OLD.cert_id <=> NEW.cert_id) THEN
		INSERT INTO event (uid, type, marketplace_id, provider_id,
		    payload)
		SELECT UUID(), 'marketplace.certificate_renewed', NEW.id,
		    NULL, JSON_OBJECT('marketplace', NEW.nid, 'certificate',
		    JSON_OBJECT('serial', c.serial, 'fp_sha1', c.fp_sha1,
		    'fp_sha256', c.fp_sha256, 'not_after',
		    DATE_FORMAT(c.not_after, '%Y-%m-%dT%H:%i:%sZ')))
		FROM certificate c
		WHERE c.id = NEW.cert_id;
	END IF;
END;
