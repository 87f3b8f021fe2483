-- agora schema, version 4: what every web host must agree on lives in
-- the database, so any number of hosts can serve from one Galera cluster.
--
-- The CRL: one row, one CRL number sequence. A revocation bumps revision
-- in its own transaction; the CRL is then built (by the worker that
-- revoked, or by any host's `agoractl crl-sync` that finds it stale)
-- with the next number and stored here, and every host writes its nginx
-- CRL file from this row. number went on from the milliseconds since the
-- epoch that numbered CRLs before, so numbers only grow.
CREATE TABLE crl (
	id		TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	number		BIGINT UNSIGNED NOT NULL,
	revision	BIGINT UNSIGNED NOT NULL DEFAULT 1,
	built		BIGINT UNSIGNED NOT NULL DEFAULT 0,
	pem		MEDIUMTEXT NULL,
	next_update	DATETIME NULL,
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT ck_crl_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO crl (id, number)
    VALUES (1, CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS UNSIGNED));
