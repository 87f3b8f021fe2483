/*
 * What every rotation route takes: an optional body {"grace_seconds": N}
 * saying how long the secrets it replaces keep authenticating. The
 * default is the configured secret_grace (a planned rotation: nodes not
 * yet given the new secret keep working); 0 revokes them now (the
 * secret leaked). A rotation never lengthens a grace period.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "extern.h"

static const struct jfield rotate_fields[] = {
	{ .key = "grace_seconds", .type = JT_INT, .max = 30 * 86400 },
	{ .key = NULL }
};

/*
 * The grace period a rotation asks for, from r's body (empty: the
 * configured one). Returns 0 with *grace set, or the status to answer
 * (400 naming grace_seconds, 415) with r's error set.
 */
int
rotate_grace(struct req *r, long long *grace)
{
	struct json_object	*o;
	long long		 g;
	int			 st;

	*grace = r->conf->secret_grace;
	if (r->bodysz == 0)
		return 0;
	if ((st = json_body(r, &o)) != 0)
		return st;
	if (json_check(r, o, rotate_fields, "") == -1) {
		json_object_put(o);
		return req_fail(r, 400, "the rotation options are invalid");
	}
	if (json_get_int(o, "grace_seconds", &g) == 1) {
		if (g > r->conf->secret_grace) {
			json_object_put(o);
			req_field(r, "grace_seconds", "must be from 0 (revoke "
			    "now) to %lld (the configured grace period)",
			    r->conf->secret_grace);
			return req_fail(r, 400, "the grace period cannot be "
			    "longer than the configured one");
		}
		*grace = g;
	}
	json_object_put(o);
	return 0;
}
