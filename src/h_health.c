/*
 * Liveness and readiness. /healthz answers without touching the database;
 * /readyz checks the database node (on Galera: Synced, in the primary
 * component) and the schema version the binary expects.
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

/*
 * GET /readyz: 200 when the database node may serve and answers at our
 * schema, else 503. A Galera node that is not Synced (a donor, a joiner)
 * or is cut off from the primary component is not ready: the load
 * balancer stops sending here, and the worker leaves that node.
 */
int
h_readyz(struct req *r)
{
	struct json_object	*o;
	struct dbres		*rs;
	char			 state[128];
	long long		 v;
	int			 rc;

	r->retry_after = 1;
	if ((rc = db_node_ready(r->db, state, sizeof(state))) == -1)
		return req_fail(r, 503, "the database is not reachable");
	if (rc == 0)
		return req_fail(r, 503, "the database node is not ready (%s)",
		    state);
	if (db_query(r->db, STMT_SCHEMA_VERSION, NULL, 0, &rs) == -1)
		return req_fail(r, 503, "the database is not reachable");
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
