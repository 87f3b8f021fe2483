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

/* Provider p as JSON (never its secret); owned. */
static struct json_object *
provider_json(const struct provider *p)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "id", p->id);
	jadd_str(o, "nid", p->nid);
	jadd_str(o, "name", p->name);
	jadd_str(o, "email", p->email);
	jadd_str(o, "api_key", p->api_key);
	jadd_str(o, "created_at", p->created_at);
	jadd_str(o, "updated_at", p->updated_at);
	return o;
}

struct provider_fin {
	char			**secret;
	struct json_object	*out;
};

static int
provider_fin(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct provider_fin	*pf = arg;
	struct provider_list	 pl;

	if (db_provider_get(&r->dx, id, &pl) != 1)
		return -1;
	pf->out = provider_json(&pl.v[0]);
	provider_list_free(&pl);
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
	st = db_provider_create(&r->dx, nid, name, email, &key, &secret, &id,
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
	struct provider_list	 pl;
	long long		 limit, offset, total;
	size_t			 i;
	int			 st;

	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	if (db_provider_list(&r->dx, limit, offset, &pl, &total) == -1)
		return 500;
	a = json_object_new_array();
	for (i = 0; i < pl.n; i++)
		jappend(a, provider_json(&pl.v[i]));
	provider_list_free(&pl);
	o = json_object_new_object();
	jadd(o, "providers", a);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/* The provider of path parameter "id": 0 with *pl (owned), or 404/500. */
static int
provider_of(struct req *r, struct provider_list *pl)
{
	int	 rc;

	if ((rc = db_provider_get(&r->dx, req_pv_id(r, 0), pl)) == 0)
		return req_fail(r, 404, "no such provider");
	return rc == -1 ? 500 : 0;
}

/* GET /api/v1/admin/providers/{id}: 200 or 404. */
int
h_provider_get(struct req *r)
{
	struct provider_list	 pl;
	int			 rc;

	if ((rc = provider_of(r, &pl)) != 0)
		return rc;
	rc = reply_json(r, 200, provider_json(&pl.v[0]));
	provider_list_free(&pl);
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
	struct provider_list	 pl;
	const struct provider	*p;
	long long		 grace;
	char			*secret;
	int			 rc;

	if ((rc = rotate_grace(r, &grace)) != 0)
		return rc;
	if ((rc = provider_of(r, &pl)) != 0)
		return rc;
	p = &pl.v[0];
	secret = crypto_token("");
	rc = db_cred_rotate(&r->dx, "provider", p->id, p->api_key, secret,
	    grace, NULL, NULL);
	if (rc != 1) {
		secret_free(secret);
		provider_list_free(&pl);
		return rc == 0 ? req_fail(r, 409, "the rotation was refused; "
		    "retry") : 500;
	}
	o = json_object_new_object();
	jadd_int(o, "id", p->id);
	jadd_str(o, "nid", p->nid);
	jadd_str(o, "api_key", p->api_key);
	jadd_str(o, "api_secret", secret);
	jadd_int(o, "previous_secret_valid_for", grace);
	secret_free(secret);
	provider_list_free(&pl);
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
