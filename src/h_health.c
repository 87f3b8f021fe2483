/*
 * Liveness and readiness. /healthz answers without touching the database;
 * /readyz checks the database node (on Galera: Synced, in the primary
 * component), the schema version the binary expects and the CRL nginx
 * checks client certificates against.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

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

/* Warn of the CRL at most once a minute per worker (probes are many). */
#define CRL_WARN_EVERY	60
/* Degrade this long before the CRL's nextUpdate. */
#define CRL_WARN_AHEAD	86400

/*
 * The CRL's health for /readyz: 0 fine, 1 its nextUpdate is within a day
 * (degraded: run agoractl crl), 2 missing, unreadable or past it (nginx
 * refuses every client certificate). why gets the reason; a warning is
 * logged, throttled.
 */
static int
crl_health(const struct conf *c, char *why, size_t sz)
{
	static time_t	 warned;
	long long	 nu;
	time_t		 now = time(NULL);
	int		 rc;

	if (cert_crl_next_update(c, &nu) == -1) {
		snprintf(why, sz, "the CRL %s is missing or unreadable",
		    c->ca_crl);
		rc = 2;
	} else if (nu <= (long long)now) {
		snprintf(why, sz, "the CRL passed its nextUpdate %lld seconds "
		    "ago: nginx refuses every client certificate; run "
		    "agoractl crl", (long long)now - nu);
		rc = 2;
	} else if (nu - (long long)now <= CRL_WARN_AHEAD) {
		snprintf(why, sz, "the CRL reaches its nextUpdate in %lld "
		    "seconds; run agoractl crl", nu - (long long)now);
		rc = 1;
	} else
		return 0;
	if (now - warned >= CRL_WARN_EVERY) {
		warned = now;
		log_warnx("%s", why);
	}
	return rc;
}

/*
 * GET /readyz: 200 when the database node may serve and answers at our
 * schema, else 503. A Galera node that is not Synced (a donor, a joiner)
 * or is cut off from the primary component is not ready: the load
 * balancer stops sending here, and the worker leaves that node.
 * A CRL whose nextUpdate is within a day answers 200 with "status":
 * "degraded" and the warning (nothing fails yet, but it must be noticed);
 * one past it, or none, is a 503.
 */
int
h_readyz(struct req *r)
{
	struct json_object	*o, *w;
	char			 state[128];
	long long		 v;
	char			 why[256];
	int			 rc, crl;

	r->retry_after = 1;
	if ((rc = db_node_ready(r->db, state, sizeof(state))) == -1)
		return req_fail(r, 503, "the database is not reachable");
	if (rc == 0)
		return req_fail(r, 503, "the database node is not ready (%s)",
		    state);
	if (db_schema_version(r->db, &v) == -1)
		return req_fail(r, 503, "the database is not reachable");
	if (v != AGORA_SCHEMA_VERSION)
		return req_fail(r, 503, "schema version %lld, expected %d; "
		    "run agoractl migrate", v, AGORA_SCHEMA_VERSION);
	if ((crl = crl_health(r->conf, why, sizeof(why))) == 2) {
		r->retry_after = 60;
		return req_fail(r, 503, "%s", why);
	}
	o = json_object_new_object();
	jadd_str(o, "status", crl ? "degraded" : "ready");
	jadd_int(o, "schema_version", v);
	if (crl) {
		w = json_object_new_array();
		jappend(w, json_object_new_string(why));
		jadd(o, "warnings", w);
	}
	return reply_json(r, 200, o);
}
