-- agora schema, version 6: what the admin console needs to manage
-- admins without SQL.
-- An admin can be disabled (never deleted: the audit log names them);
-- version guards console edits of an admin against lost updates.
-- Admin API tokens may expire. The audit log is filtered by action.

ALTER TABLE admin_user
    ADD COLUMN disabled_at DATETIME(6) NULL,
    ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1;

ALTER TABLE admin_token
    ADD COLUMN expires_at DATETIME(6) NULL,
    ADD KEY k_admin_token_admin (admin_id, id);

ALTER TABLE audit
    ADD KEY k_audit_action (action, at);

-- One row every admin disable updates first: two disables (on any
-- nodes of a cluster) write the same row, so one waits or fails
-- certification and runs again, seeing the other; the last active admin
-- can never be disabled by two at once.
CREATE TABLE admin_guard (
	id		TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	disables	BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO admin_guard (id) VALUES (1);
