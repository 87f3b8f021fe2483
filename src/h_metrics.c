/*
 * GET /metrics: the worker pool's counters for a Prometheus scraper.
 * Public in the route table (ROLE_PUBLIC) because two doors open it: an
 * address listed in metrics_allow, or an admin API token.
 */
#include "config.h"

#include <stdlib.h>

#include "extern.h"

/*
 * GET /metrics: 200 text/plain (Prometheus 0.0.4); 401 for anyone else
 * without a valid admin token; 404 when metrics_file is not configured.
 */
int
h_metrics(struct req *r)
{
	struct buf	 b = { 0 };
	int		 st;

	if (!metrics_allowed(r->conf->metrics_allow != NULL ?
	    r->conf->metrics_allow : METRICS_ALLOW, r->remote_addr)) {
		if (r->authz == NULL) {
			req_header(r, "WWW-Authenticate", "Bearer realm=\"agora\"");
			return req_fail(r, 401, "an admin token or an "
			    "address listed in metrics_allow is needed");
		}
		if ((st = auth_principal(r, ROLE_ADMIN)) != 0)
			return st;
	}
	if (metrics_render(&b) == -1) {
		buf_free(&b);
		return req_fail(r, 404, "metrics are not enabled "
		    "(metrics_file in the configuration)");
	}
	st = reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	    b.p, b.len);
	buf_free(&b);
	return st;
}
