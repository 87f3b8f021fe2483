/*
 * App providers (/api/v1/admin/providers): created by an admin, with a
 * key and secret shown once, listed, read and rotated; the console's
 * provider form is checked by the same field table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* Fields a client can never write. */
static const char *const owned_provider[] = {
	"id", "api_key", "api_secret", "created_at", "updated_at", NULL
};

static const struct jfield provider_fields[] = {
	{ .key = "nid", .type = JT_STR, .min = 2, .max = 64, .required = 1,
	    .check = jf_nid },
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255, .required = 1,
	    .check = jf_text },
	{ .key = "email", .type = JT_STR, .min = 3, .max = 255, .required = 1,
	    .check = jf_email },
	{ .key = NULL },
};

static struct json_object *
provider_json(const struct dbres *rs, size_t i)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "id", dbres_int(rs, i, 0));
	jadd_str(o, "nid", dbres_str(rs, i, 1));
	jadd_str(o, "name", dbres_str(rs, i, 2));
	jadd_str(o, "email", dbres_str(rs, i, 3));
	jadd_str(o, "api_key", dbres_str(rs, i, 4));
	jadd_str(o, "created_at", dbres_str(rs, i, 5));
	jadd_str(o, "updated_at", dbres_str(rs, i, 6));
	return o;
}

struct provider_fin {
	char			**secret;
	struct json_object	*out;
};

static int
provider_fin(struct req *r, long long id, void *arg)
{
	struct provider_fin	*pf = arg;
	struct dbres		*rs;

	if (db_provider_get(r, id, &rs) != 1)
		return -1;
	pf->out = provider_json(rs, 0);
	dbres_free(rs);
	jadd_str(pf->out, "api_secret", *pf->secret);
	return idem_keep(r, pf->out);
}

/*
 * POST /api/v1/admin/providers: 201 with the provider, its api_key and
 * its api_secret (shown this once); 400, 409 (nid taken).
 */
int
h_provider_create(struct req *r)
{
	struct json_object	*o = NULL;
	struct provider_fin	 pf = { NULL, NULL };
	const char		*nid, *name, *email;
	char			*key = NULL, *secret = NULL, loc[64];
	long long		 id;
	int			 st;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body_checked(r, provider_fields, owned_provider, 0, &o)))
		return st;
	json_get_str(o, "nid", &nid);
	json_get_str(o, "name", &name);
	json_get_str(o, "email", &email);
	pf.secret = &secret;
	st = db_provider_create(r, nid, name, email, &key, &secret, &id,
	    provider_fin, &pf);
	json_object_put(o);
	if (st == -1) {
		json_object_put(pf.out);
		return 500;
	}
	if (st == 0) {
		json_object_put(pf.out);
		req_field(r, "nid", "is taken");
		return req_fail(r, 409, "a provider with this nid exists");
	}
	snprintf(loc, sizeof(loc), "/api/v1/admin/providers/%lld", id);
	req_header(r, "Location", loc);
	free(key);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return reply_json(r, 201, pf.out);
}

/* GET /api/v1/admin/providers: 200 {"providers": [...]}, paged. */
int
h_provider_list(struct req *r)
{
	struct json_object	*o, *a;
	struct dbres		*rs;
	long long		 limit, offset, total;
	size_t			 i;
	int			 st;

	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	if (db_provider_list(r, limit, offset, &rs, &total) == -1)
		return 500;
	a = json_object_new_array();
	for (i = 0; i < rs->nrow; i++)
		jappend(a, provider_json(rs, i));
	dbres_free(rs);
	o = json_object_new_object();
	jadd(o, "providers", a);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/* The provider of path parameter "id": 0 with *rs (owned), or 404/500. */
static int
provider_of(struct req *r, struct dbres **rs)
{
	long long	 id;
	int		 rc;

	*rs = NULL;
	id = req_pv_id(r, 0);
	if ((rc = db_provider_get(r, id, rs)) == 0)
		return req_fail(r, 404, "no such provider");
	return rc == -1 ? 500 : 0;
}

/* GET /api/v1/admin/providers/{id}: 200 or 404. */
int
h_provider_get(struct req *r)
{
	struct dbres	*rs;
	int		 rc;

	if ((rc = provider_of(r, &rs)) != 0)
		return rc;
	rc = reply_json(r, 200, provider_json(rs, 0));
	dbres_free(rs);
	return rc;
}

/*
 * POST /api/v1/admin/providers/{id}/rotate {"grace_seconds"?}: a new
 * secret for the provider, shown once; the old one works secret_grace
 * seconds more, or grace_seconds (0: revoked now).
 * 200 {"id", "nid", "api_key", "api_secret", "previous_secret_valid_for"},
 * 400 or 404.
 */
int
h_provider_rotate(struct req *r)
{
	struct json_object	*o;
	struct dbres		*rs;
	long long		 id, grace;
	char			*secret;
	int			 rc;

	if ((rc = rotate_grace(r, &grace)) != 0)
		return rc;
	if ((rc = provider_of(r, &rs)) != 0)
		return rc;
	id = dbres_int(rs, 0, 0);
	secret = crypto_token("");
	rc = db_cred_rotate(r, "provider", id, dbres_str(rs, 0, 4), secret,
	    grace, NULL, NULL);
	if (rc != 1) {
		secret_free(secret);
		dbres_free(rs);
		return rc == 0 ? req_fail(r, 409, "the rotation was refused; "
		    "retry") : 500;
	}
	o = json_object_new_object();
	jadd_int(o, "id", id);
	jadd_str(o, "nid", dbres_str(rs, 0, 1));
	jadd_str(o, "api_key", dbres_str(rs, 0, 4));
	jadd_str(o, "api_secret", secret);
	jadd_int(o, "previous_secret_valid_for", grace);
	secret_free(secret);
	dbres_free(rs);
	req_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, o);
}

/*
 * The console's provider form as a body o (nid, name, email): checked
 * by the same field table as POST /api/v1/admin/providers. 0, or -1
 * with field errors on r.
 */
int
provider_check(struct req *r, struct json_object *o)
{
	return json_check(r, o, provider_fields, "");
}
