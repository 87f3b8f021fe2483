-- 0003: hardening.
--
-- Self-publishing (POST /api/v1/marketplace/listings) needs the app's
-- consent: app.self_publish is a JSON array of the marketplace nids it
-- may be self-published on ("*" for every marketplace); empty, the
-- default, for none. A listing an admin rejected or took down carries
-- admin_hold until an admin approves it: a marketplace cannot publish it
-- onto itself meanwhile.
ALTER TABLE app
    ADD COLUMN self_publish TEXT NOT NULL DEFAULT '[]',
    ADD CONSTRAINT ck_app_self_publish CHECK (json_valid(self_publish));

ALTER TABLE listing
    ADD COLUMN admin_hold TINYINT(1) NOT NULL DEFAULT 0;

-- Listings an admin already rejected or took down stay down.
UPDATE listing SET admin_hold = 1 WHERE state = 'rejected'
    OR (state = 'unpublished' AND (SELECT h.actor FROM listing_history h
    WHERE h.listing_id = listing.id ORDER BY h.id DESC LIMIT 1)
    LIKE 'admin:%');

-- The CA certifies a marketplace's hub host, so a hub host belongs to
-- one marketplace at a time (hub_host, derived from hub_url whoever
-- writes it, is unique), and a marketplace asking for another host
-- waits in hub_pending for an admin's approval: until then hub_url and
-- every certificate keep the old host.
ALTER TABLE marketplace
    ADD COLUMN hub_host VARCHAR(255) AS (LOWER(SUBSTRING_INDEX(
	SUBSTRING_INDEX(SUBSTRING_INDEX(SUBSTRING_INDEX(hub_url, '://', -1),
	'/', 1), '?', 1), ':', 1))) PERSISTENT,
    ADD COLUMN hub_pending VARCHAR(512) NULL,
    ADD UNIQUE KEY uk_marketplace_hub_host (hub_host);

-- Console lock-out per e-mail and client address, with a back-off: a
-- lock lasts login_lock seconds doubled for each earlier lock of the
-- pair (at most a day), so someone who knows an admin's e-mail locks
-- out only their own address. admin_user.failed and locked_until are
-- no longer used.
CREATE TABLE login_lock (
	email		VARCHAR(255) NOT NULL,
	addr		VARCHAR(64) NOT NULL,
	failed		INT UNSIGNED NOT NULL DEFAULT 0,
	locks		INT UNSIGNED NOT NULL DEFAULT 0,
	locked_until	DATETIME(6) NULL,
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (email, addr)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
