/*
 * Liveness and readiness. /healthz answers without touching the database;
 * /readyz checks the database and the schema version the binary expects.
 */
#include "config.h"

#include <json-c/json.h>

#include "extern.h"

/* GET /healthz: 200 while the worker can answer at all. */
int
h_healthz(struct req *r)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_str(o, "status", "ok");
	return reply_json(r, 200, o);
}

/* GET /readyz: 200 when the database answers at our schema, else 503. */
int
h_readyz(struct req *r)
{
	struct json_object	*o;
	struct dbres		*rs;
	long long		 v;

	if (db_query(r->db, STMT_SCHEMA_VERSION, NULL, 0, &rs) == -1) {
		r->retry_after = 1;
		return req_fail(r, 503, "the database is not reachable");
	}
	v = dbres_int(rs, 0, 0);
	dbres_free(rs);
	if (v != AGORA_SCHEMA_VERSION)
		return req_fail(r, 503, "schema version %lld, expected %d; "
		    "run agoractl migrate", v, AGORA_SCHEMA_VERSION);
	o = json_object_new_object();
	jadd_str(o, "status", "ready");
	jadd_int(o, "schema_version", v);
	return reply_json(r, 200, o);
}
