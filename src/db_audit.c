/*
 * The audit log: one row per mutation, written by the caller inside the
 * transaction of the change it records, so both commit or neither does.
 */
#include "config.h"

#include <json-c/json.h>

#include "extern.h"

/*
 * Record action on target (kind, id) by the caller's principal, with optional
 * before/after snapshots (borrowed; never pass secrets). 0 or -1.
 */
int
db_audit(struct dbx *dx, const char *action, const char *kind, long long id,
    struct json_object *before, struct json_object *after)
{
	struct dbp	 p[7];

	p[0] = dbp_str(dx->pr->label[0] ? dx->pr->label : "anonymous");
	p[1] = dbp_str(action);
	p[2] = dbp_str(kind);
	p[3] = id > 0 ? dbp_int(id) : dbp_null();
	p[4] = dbp_str(before ? json_text(before) : NULL);
	p[5] = dbp_str(after ? json_text(after) : NULL);
	p[6] = dbp_str(dx->id);
	return db_exec(dx->db, STMT_AUDIT_ADD, p, 7, NULL, NULL) == 1 ? 0 : -1;
}

/*
 * The tail of a write transaction: its audit row (as db_audit), then
 * COMMIT. 0, or -1; on -1 the caller rolls back, as on any failure.
 */
int
db_audit_commit(struct dbx *dx, const char *action, const char *kind,
    long long id, struct json_object *before, struct json_object *after)
{
	if (db_audit(dx, action, kind, id, before, after) == -1)
		return -1;
	return db_tx_commit(dx->db);
}
