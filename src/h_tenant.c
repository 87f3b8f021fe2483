/*
 * Handlers: tenants and tenant apps, for platform admins
 * (/api/v1/admin/tenants...) and for a marketplace managing its own
 * tenants (/api/v1/marketplace/tenants...). The same handlers serve both:
 * a marketplace principal scopes every lookup to its own tenants, and a
 * tenant of another marketplace is answered exactly like one that does
 * not exist (404). Input checks and the answer for each enum dbrc are
 * here, shared with the hub API and the console; data access is
 * db_tenant.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define BULK_MAX	200

/*
 * Input checks and answers shared by every face of tenants: this API,
 * the hub API (h_hub.c) and the console. The data layer (db_tenant.c)
 * takes checked input and answers with enum dbrc.
 */
#define RANK_MAX	1000000000LL

/* Metadata keys agora knows, and what each must hold. */
enum mtype { MT_MGMT, MT_BOOL, MT_UINT, MT_URL, MT_CUR, MT_STR };

static const struct {
	const char	*key;
	enum mtype	 type;
} meta_keys[] = {
	{ "app_management",			MT_MGMT },
	{ "can_manage_apps",			MT_BOOL },
	{ "can_manage_organization_credit",	MT_BOOL },
	{ "kpi_enabled",			MT_BOOL },
	{ "pull_disabled",			MT_BOOL },
	{ "push_disabled",			MT_BOOL },
	{ "deny_old_passwords",			MT_BOOL },
	{ "customer_billing_currency_lockdown",	MT_BOOL },
	{ "password_archiving_count",		MT_UINT },
	{ "platform_fee_apps_count_activation",	MT_UINT },
	{ "platform_fee_price_cents",		MT_UINT },
	{ "host",				MT_URL },
	{ "invoicing_currency",			MT_CUR },
	{ "customer_billing_currency_default",	MT_CUR },
	{ "price_list",				MT_STR },
	{ "platform_fee_strategy",		MT_STR },
};

/*
 * Check the keys agora knows in metadata object o (borrowed); other keys
 * are kept as given. field prefixes error names ("metadata"). 0, or -1
 * with field errors on r.
 */
int
tenant_meta_check(struct req *r, const char *field, struct json_object *o)
{
	struct json_object	*v;
	const char		*s;
	size_t			 i;
	int			 bad = 0;
	char			 name[128];

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return req_field(r, field, "must be a JSON object");
	for (i = 0; i < sizeof(meta_keys) / sizeof(meta_keys[0]); i++) {
		if (!json_object_object_get_ex(o, meta_keys[i].key, &v))
			continue;
		snprintf(name, sizeof(name), "%s.%s", field, meta_keys[i].key);
		s = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : NULL;
		switch (meta_keys[i].type) {
		case MT_MGMT:
			if (s == NULL || (strcmp(s, "marketplace") != 0 &&
			    strcmp(s, "tenant") != 0))
				bad = req_field(r, name, "must be "
				    "\"marketplace\" or \"tenant\"");
			break;
		case MT_BOOL:
			if (!json_object_is_type(v, json_type_boolean))
				bad = req_field(r, name, "must be a boolean");
			break;
		case MT_UINT:
			if (!json_object_is_type(v, json_type_int) ||
			    json_object_get_int64(v) < 0 ||
			    json_object_get_int64(v) > INT32_MAX)
				bad = req_field(r, name, "must be a "
				    "non-negative integer");
			break;
		case MT_URL:
			if (s == NULL || !valid_url(s, 1))
				bad = req_field(r, name, "must be an http(s) "
				    "URL");
			break;
		case MT_CUR:
			if (s == NULL || strlen(s) != 3 ||
			    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
				bad = req_field(r, name, "must be an ISO 4217 "
				    "currency code such as \"USD\"");
			break;
		case MT_STR:
			if (s == NULL || !valid_text(s, 1, 255))
				bad = req_field(r, name, "must be a string of "
				    "1 to 255 characters");
			break;
		}
	}
	return bad;
}

/*
 * Metadata keys a tenant's express may change itself (hub PATCH
 * /tenant): the password policy of its own users. Everything else
 * (app_management, billing and fees, capabilities, keys agora does not
 * know) is the platform admin's, through the admin API or the console.
 */
static const char *const meta_self_keys[] = {
	"deny_old_passwords",
	"password_archiving_count",
	NULL
};

static int
meta_self_key(const char *key)
{
	size_t	 i;

	for (i = 0; meta_self_keys[i] != NULL; i++)
		if (strcmp(key, meta_self_keys[i]) == 0)
			return 1;
	return 0;
}

/*
 * The metadata a tenant asks for through the hub API (given, a borrowed
 * object) checked against what is stored (JSON text): a key outside
 * meta_self_keys that it adds or changes is refused by name; one it
 * leaves out keeps its stored value. Returns the object to store
 * (owned), or NULL with a field error per refused key.
 */
struct json_object *
tenant_meta_self(struct req *r, const char *stored, struct json_object *given)
{
	struct json_object	*old, *out, *cur;
	char			 name[128];
	int			 bad = 0;

	if ((old = json_parse_text(stored, strlen(stored))) == NULL ||
	    !json_object_is_type(old, json_type_object)) {
		json_object_put(old);
		old = json_object_new_object();
	}
	out = json_object_new_object();
	json_object_object_foreach(given, gk, gv) {
		if (!meta_self_key(gk) &&
		    (!json_object_object_get_ex(old, gk, &cur) ||
		    !json_object_equal(cur, gv))) {
			snprintf(name, sizeof(name), "metadata.%s", gk);
			bad = req_field(r, name, "is set by the platform "
			    "admin, not through the hub API");
			continue;
		}
		jadd(out, gk, json_object_get(gv));
	}
	json_object_object_foreach(old, ok, ov) {
		if (!meta_self_key(ok) &&
		    !json_object_object_get_ex(given, ok, NULL))
			jadd(out, ok, json_object_get(ov));
	}
	json_object_put(old);
	if (bad) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

/*
 * Parse JSON text that must be an object of at most max bytes. Returns
 * the object (owned), or NULL with a field error on r.
 */
static struct json_object *
obj_text(struct req *r, const char *field, const char *s, size_t max)
{
	struct json_object	*o;

	if (strlen(s) > max) {
		req_field(r, field, "must be at most %zu bytes of JSON", max);
		return NULL;
	}
	if ((o = json_parse_text(s, strlen(s))) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		req_field(r, field, "must be a JSON object");
		return NULL;
	}
	return o;
}

/*
 * Validate tenant input (create when create is set: marketplace and name
 * required). On success metadata_c and feconf_c hold canonical JSON
 * text (owned by in; tenant_in_free), metadata always with an
 * app_management key ("marketplace" by default). 0, or -1 with field
 * errors on r.
 */
int
tenant_in_check(struct req *r, struct tenant_in *in, int create)
{
	struct json_object	*o;
	int			 bad = 0;

	in->metadata_c = in->feconf_c = NULL;
	if (create) {
		if (in->mkt_id <= 0 && in->mkt_nid == NULL)
			bad = req_field(r, "marketplace", "is required");
		else if (in->mkt_nid != NULL && !valid_nid(in->mkt_nid))
			bad = req_field(r, "marketplace", "must be a "
			    "marketplace nid");
		if (in->name == NULL)
			bad = req_field(r, "name", "is required");
		if (in->uid != NULL && !valid_uid(in->uid))
			bad = req_field(r, "uid", "%s", TENANT_UID_BAD);
	}
	if (in->name != NULL && !valid_text(in->name, 1, 255))
		bad = req_field(r, "name", "must be 1 to 255 characters "
		    "without control characters");
	if (in->domain != NULL && in->domain[0] != '\0' &&
	    !valid_hostname(in->domain))
		bad = req_field(r, "domain", "must be a host name such as "
		    "\"shop.example.com\", or empty");
	if (in->metadata != NULL || create) {
		o = obj_text(r, "metadata", in->metadata ? in->metadata : "{}",
		    TENANT_META_MAX);
		if (o == NULL || tenant_meta_check(r, "metadata", o) == -1)
			bad = -1;
		else {
			if (!json_object_object_get_ex(o, "app_management",
			    NULL))
				jadd_str(o, "app_management", "marketplace");
			in->metadata_c = xstrdup(json_text(o));
		}
		json_object_put(o);
	}
	if (in->frontend_config != NULL || create) {
		o = obj_text(r, "frontend_config", in->frontend_config ?
		    in->frontend_config : "{}", TENANT_FECONF_MAX);
		if (o == NULL)
			bad = -1;
		else
			in->feconf_c = xstrdup(json_text(o));
		json_object_put(o);
	}
	if (bad) {
		tenant_in_free(in);
		return -1;
	}
	return 0;
}

/* Free what tenant_in_check allocated; the borrowed inputs stay. */
void
tenant_in_free(struct tenant_in *in)
{
	free(in->metadata_c);
	free(in->feconf_c);
	in->metadata_c = in->feconf_c = NULL;
}

/*
 * Validate relation input (create: app required). Sets rank_v and
 * rank_null from rank. 0, or -1 with field errors on r.
 */
int
tenant_app_in_check(struct req *r, struct tenant_app_in *in, int create)
{
	int	 bad = 0;

	in->rank_null = 1;
	in->rank_v = 0;
	if (create && in->app == NULL)
		bad = req_field(r, "app", "is required");
	if (in->app != NULL && !valid_uid(in->app))
		bad = req_field(r, "app", "must be an app id, uid or nid");
	if (in->rank != NULL && in->rank[0] != '\0') {
		if (num_parse(in->rank, -RANK_MAX, RANK_MAX, &in->rank_v) == -1)
			bad = req_field(r, "rank", "must be an integer from "
			    "%lld to %lld, or null", -RANK_MAX, RANK_MAX);
		else
			in->rank_null = 0;
	}
	if (in->featured < -1 || in->featured > 1)
		bad = req_field(r, "featured", "must be a boolean");
	return bad;
}

/*
 * The HTTP status for an enum dbrc, with r's error detail set (DBRC_REFUSED:
 * the status fin set stands; answered as 500 if none).
 */
int
tenant_status(struct req *r, int rc)
{
	switch (rc) {
	case DBRC_OK:
		return 200;
	case DBRC_NONE:
		return req_fail(r, 404, "no such tenant or tenant app");
	case DBRC_STALE:
		return req_fail(r, 412, "the tenant changed since you read "
		    "it; read it again");
	case DBRC_DUP:
		return req_fail(r, 409, "a tenant with this uid exists");
	case DBRC_NOTLIVE:
		return req_fail(r, 422, "the app is not live on the "
		    "tenant's marketplace");
	case DBRC_NOMKT:
		req_field(r, "marketplace", "no such marketplace");
		return req_fail(r, 422, "no such marketplace");
	case DBRC_REFUSED:
		return r->status ? r->status : 500;
	default:
		return 500;
	}
}

/*
 * tenant_status for a tenant-app create or update, with the field error
 * of a refused app.
 */
int
tapp_status(struct req *r, int rc)
{
	switch (rc) {
	case DBRC_NOTLIVE:
		req_field(r, "app", "is not live on the tenant's marketplace");
		break;
	case DBRC_DUP:
		req_field(r, "app", "is already attached to this tenant");
		return req_fail(r, 409, "the app is already attached to this "
		    "tenant");
	default:
		break;
	}
	return tenant_status(r, rc);
}

/* tenant_status for a bulk change, naming the refused id (bad). */
int
tapp_bulk_status(struct req *r, int rc, const struct bulk_bad *bad)
{
	char	 field[32];

	if (rc == DBRC_NOTLIVE) {
		snprintf(field, sizeof(field), "ids[%zu]", bad->index);
		req_field(r, field, "app %lld is not live on the tenant's "
		    "marketplace", bad->app);
	}
	return tenant_status(r, rc);
}

/* The marketplace scope of the caller: its id, or 0 for an admin. */
static long long
scope(const struct req *r)
{
	return r->pr.kind == PK_MKT ? r->pr.id : 0;
}

/* The base path of the caller's face, for Location headers. */
static const char *
base(const struct req *r)
{
	return r->pr.kind == PK_MKT ? "/api/v1/marketplace/tenants" :
	    "/api/v1/admin/tenants";
}

/*
 * Send the JSON text s (sz bytes) with a strong ETag derived from the
 * bytes (SHA-256, 128 bits), answering 304 when If-None-Match names it;
 * on a cached route the dispatcher has answered the ETag from the
 * generations already (route.c). jsonapi picks the media type. Returns
 * the status sent.
 */
int
tenant_reply_text(struct req *r, const char *s, size_t sz, int jsonapi)
{
	const char	*ct = jsonapi ? "application/vnd.api+json" :
			    "application/json";
	char		*h, etag[40];

	if (r->cache_state == NULL) {
		h = crypto_sha256_hex(s, sz);
		snprintf(etag, sizeof(etag), "\"%.32s\"", h);
		free(h);
		req_header(r, "ETag", etag);
		if (req_etag_match(r, etag))
			return reply_empty(r, 304);
	}
	return reply_raw(r, 200, ct, s, sz);
}

/* As tenant_reply_text, for o (owned, put here). */
int
tenant_reply_etag(struct req *r, struct json_object *o, int jsonapi)
{
	const char	*s = json_text(o);
	int		 st;

	st = tenant_reply_text(r, s, strlen(s), jsonapi);
	json_object_put(o);
	return st;
}

/* The ETag tenant_reply_etag would send for o (borrowed) into etag. */
static void
etag_of(struct json_object *o, char *etag, size_t sz)
{
	const char	*s = json_text(o);
	char		*h;

	h = crypto_sha256_hex(s, strlen(s));
	snprintf(etag, sz, "\"%.32s\"", h);
	free(h);
}

/* The admin/marketplace representation of a tenant; owned. */
static struct json_object *
tenant_json(const struct tenant *t)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "id", t->id);
	jadd_str(o, "uid", t->uid);
	jadd_int(o, "marketplace_id", t->mkt_id);
	jadd_str(o, "marketplace", t->mkt_nid);
	jadd_str(o, "name", t->name);
	jadd_str(o, "domain", t->domain);
	jadd(o, "metadata", json_from_text(t->metadata));
	jadd(o, "frontend_config", json_from_text(t->frontend_config));
	jadd_str(o, "app_management", t->app_mgmt_tenant ? "tenant" :
	    "marketplace");
	jadd_int(o, "tenant_apps_count", t->napps);
	jadd_str(o, "created_at", t->created_at);
	jadd_str(o, "updated_at", t->updated_at);
	jadd_int(o, "version", t->version);
	return o;
}

static struct json_object *
tapp_json(const struct tenant_app *ta)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "id", ta->id);
	jadd_int(o, "tenant_id", ta->tenant_id);
	jadd_int(o, "app_id", ta->app_id);
	jadd_str(o, "app_uid", ta->app_uid);
	jadd_str(o, "app_nid", ta->app_nid);
	jadd_str(o, "app_name", ta->app_name);
	jadd(o, "rank", ta->has_rank ? json_object_new_int64(ta->rank) : NULL);
	jadd_bool(o, "featured", ta->featured);
	jadd_bool(o, "live", ta->live);
	jadd_str(o, "created_at", ta->created_at);
	jadd_str(o, "updated_at", ta->updated_at);
	return o;
}

static const struct jfield tenant_create_admin[] = {
	{ .key = "marketplace", .type = JT_STR, .min = 2, .max = 64 },
	{ .key = "marketplace_id", .type = JT_INT, .min = 1,
	    .max = INT64_MAX - 1 },
	{ .key = "uid", .type = JT_STR, .min = 1, .max = 64 },
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255, .required = 1 },
	{ .key = "domain", .type = JT_STR, .max = 255 },
	{ .key = "metadata", .type = JT_OBJ },
	{ .key = "frontend_config", .type = JT_OBJ },
	{ .key = NULL }
};

/* A marketplace creates tenants on itself only. */
static const struct jfield tenant_create_mkt[] = {
	{ .key = "uid", .type = JT_STR, .min = 1, .max = 64 },
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255, .required = 1 },
	{ .key = "domain", .type = JT_STR, .max = 255 },
	{ .key = "metadata", .type = JT_OBJ },
	{ .key = "frontend_config", .type = JT_OBJ },
	{ .key = NULL }
};

static const struct jfield tenant_update_fields[] = {
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255 },
	{ .key = "domain", .type = JT_STR, .max = 255 },
	{ .key = "metadata", .type = JT_OBJ },
	{ .key = "frontend_config", .type = JT_OBJ },
	{ .key = NULL }
};

/*
 * Fill in from a checked body o (borrowed: in points into it). Objects
 * are passed on as their JSON text, so that the console's textarea and
 * the API share tenant_in_check.
 */
static void
tenant_in_from(struct json_object *o, struct tenant_in *in)
{
	struct json_object	*v;
	long long		 id = 0;

	memset(in, 0, sizeof(*in));
	json_get_str(o, "marketplace", &in->mkt_nid);
	if (json_get_int(o, "marketplace_id", &id) == 1)
		in->mkt_id = id;
	json_get_str(o, "uid", &in->uid);
	json_get_str(o, "name", &in->name);
	json_get_str(o, "domain", &in->domain);
	if ((v = json_get(o, "metadata")) != NULL)
		in->metadata = json_text(v);
	if ((v = json_get(o, "frontend_config")) != NULL)
		in->frontend_config = json_text(v);
}

struct tenant_fin {
	char			**key;
	struct json_object	*out;
};

/* Inside the create's transaction: the answer, kept for Idempotency-Key. */
static int
tenant_create_fin(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct tenant_fin	*tf = arg;
	struct tenant		*t;

	if (db_tenant_get(&r->dx, id, 0, &t) != 1)
		return -1;
	tf->out = tenant_json(t);
	tenant_free(t);
	jadd_str(tf->out, "key", *tf->key);
	return idem_store(r, r->pr.label, 201, json_text(tf->out));
}

/*
 * POST .../tenants: 201 with the tenant and its key (shown once; the
 * Basic-auth pair is uid:key), 400 bad input, 409 uid taken (admins; a
 * marketplace gets the 400 of a malformed uid), 422 no such marketplace.
 */
int
h_tenant_create(struct req *r)
{
	struct json_object	*o = NULL;
	struct tenant_in	 in;
	struct tenant_fin	 tf;
	char			*key = NULL, loc[96];
	long long		 id;
	int			 st;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body(r, &o)) != 0)
		return st;
	if (json_check(r, o, scope(r) ? tenant_create_mkt :
	    tenant_create_admin, "") == -1) {
		json_object_put(o);
		return req_fail(r, 400, "the tenant is invalid");
	}
	tenant_in_from(o, &in);
	if (scope(r))
		in.mkt_id = scope(r);
	if (tenant_in_check(r, &in, 1) == -1) {
		json_object_put(o);
		return req_fail(r, 400, "the tenant is invalid");
	}
	tf.key = &key;
	tf.out = NULL;
	st = db_tenant_create(&r->dx, &in, &id, &key, tenant_create_fin, &tf);
	tenant_in_free(&in);
	json_object_put(o);
	if (st != DBRC_OK) {
		json_object_put(tf.out);
		/* A marketplace learns nothing of other marketplaces' uids. */
		if (st == DBRC_DUP && scope(r)) {
			req_field(r, "uid", "%s", TENANT_UID_BAD);
			return req_fail(r, 400, "the tenant is invalid");
		}
		if (st == DBRC_DUP)
			req_field(r, "uid", "is taken");
		return tenant_status(r, st);
	}
	explicit_bzero(key, strlen(key));
	free(key);
	snprintf(loc, sizeof(loc), "%s/%lld", base(r), id);
	req_header(r, "Location", loc);
	return reply_json(r, 201, tf.out);
}

/*
 * GET .../tenants: 200 {"tenants":[...]}, paged (limit/offset,
 * X-Total-Count, Link); filter[marketplace] or marketplace (admins: a
 * marketplace nid), q (substring of name or domain).
 */
int
h_tenant_list(struct req *r)
{
	struct tenant_filter	 f;
	struct tenant		**ts;
	struct json_object	*o, *a;
	const char		*mkt, *q;
	size_t			 i, n;
	long long		 total;
	int			 st;

	memset(&f, 0, sizeof(f));
	if ((st = req_paging(r, &f.limit, &f.offset)) != 0)
		return st;
	if ((q = req_qs(r, "q")) != NULL && q[0] != '\0') {
		if (!valid_text(q, 1, 255)) {
			req_field(r, "q", "must be 1 to 255 characters");
			return req_fail(r, 400, "bad search");
		}
		f.q = q;
	}
	if ((mkt = req_qs(r, "filter[marketplace]")) == NULL)
		mkt = req_qs(r, "marketplace");
	f.mkt_id = scope(r);
	if (mkt != NULL && mkt[0] != '\0' && !scope(r)) {
		if (!valid_nid(mkt)) {
			req_field(r, "filter[marketplace]", "must be a "
			    "marketplace nid");
			return req_fail(r, 400, "bad filter");
		}
		if ((st = db_mkt_by_nid(&r->dx, mkt, &f.mkt_id)) == -1)
			return 500;
		if (st == 0)
			f.mkt_id = -1;
	}
	if (db_tenant_list(&r->dx, &f, &ts, &n, &total) == -1)
		return 500;
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		jappend(a, tenant_json(ts[i]));
	tenant_list_free(ts, n);
	o = json_object_new_object();
	jadd(o, "tenants", a);
	reply_paging(r, total, f.limit, f.offset);
	return tenant_reply_etag(r, o, 0);
}

/* GET .../tenants/{tid}: 200 with ETag (304 on If-None-Match), 404. */
int
h_tenant_show(struct req *r)
{
	struct tenant	*t;
	long long	 id;
	int		 st;

	id = req_pv_id(r, 0);
	if ((st = db_tenant_get(&r->dx, id, scope(r), &t)) != 1)
		return st == 0 ? tenant_status(r, DBRC_NONE) : 500;
	st = tenant_reply_etag(r, tenant_json(t), 0);
	tenant_free(t);
	return st;
}

/*
 * The current tenant and its ETag, checking If-Match. Returns 0 with
 * *version set, or the status to answer (404, 412).
 */
static int
tenant_precond(struct req *r, long long id, long long *version)
{
	struct json_object	*o;
	struct tenant		*t;
	char			 etag[40];
	int			 st;

	if ((st = db_tenant_get(&r->dx, id, scope(r), &t)) != 1)
		return st == 0 ? tenant_status(r, DBRC_NONE) : 500;
	o = tenant_json(t);
	etag_of(o, etag, sizeof(etag));
	json_object_put(o);
	*version = t->version;
	tenant_free(t);
	if (!req_if_match(r, etag))
		return tenant_status(r, DBRC_STALE);
	return 0;
}

/*
 * PATCH .../tenants/{tid}: name, domain, metadata (replaced whole),
 * frontend_config (replaced whole). 200 with the tenant, 400, 404, 412
 * (If-Match names another version).
 */
int
h_tenant_update(struct req *r)
{
	struct json_object	*o = NULL;
	struct tenant_in	 in;
	struct tenant		*t;
	long long		 id, version;
	int			 st;

	id = req_pv_id(r, 0);
	if ((st = json_body(r, &o)) != 0)
		return st;
	if (json_check(r, o, tenant_update_fields, "") == -1) {
		json_object_put(o);
		return req_fail(r, 400, "the tenant is invalid");
	}
	tenant_in_from(o, &in);
	if (tenant_in_check(r, &in, 0) == -1) {
		json_object_put(o);
		return req_fail(r, 400, "the tenant is invalid");
	}
	if ((st = tenant_precond(r, id, &version)) == 0)
		st = db_tenant_update(&r->dx, id, scope(r), version, &in);
	else
		st = -st;
	tenant_in_free(&in);
	json_object_put(o);
	if (st < -1)
		return -st;
	if (st != DBRC_OK)
		return tenant_status(r, st);
	if (db_tenant_get(&r->dx, id, scope(r), &t) != 1)
		return 500;
	st = tenant_reply_etag(r, tenant_json(t), 0);
	tenant_free(t);
	return st;
}

/* DELETE .../tenants/{tid}: 204, 404, 412. Its keys and relations go. */
int
h_tenant_delete(struct req *r)
{
	long long	 id, version;
	int		 st;

	id = req_pv_id(r, 0);
	if ((st = tenant_precond(r, id, &version)) != 0)
		return st;
	if ((st = db_tenant_delete(&r->dx, id, scope(r), version)) != DBRC_OK)
		return tenant_status(r, st);
	return 204;
}

/*
 * POST .../tenants/{tid}/rotate-key {"grace_seconds"?}: 200
 * {"uid","key"} (shown once); the old key keeps working for
 * secret_grace seconds, or grace_seconds (0: revoked now). 400, 404.
 */
int
h_tenant_rotate(struct req *r)
{
	struct json_object	*o;
	struct tenant		*t;
	char			*key;
	long long		 id, grace;
	int			 st;

	id = req_pv_id(r, 0);
	if ((st = rotate_grace(r, &grace)) != 0)
		return st;
	if ((st = db_tenant_rotate_key(&r->dx, id, scope(r), grace, &key)) !=
	    DBRC_OK)
		return tenant_status(r, st);
	if (db_tenant_get(&r->dx, id, 0, &t) != 1) {
		explicit_bzero(key, strlen(key));
		free(key);
		return 500;
	}
	o = json_object_new_object();
	jadd_str(o, "uid", t->uid);
	jadd_str(o, "key", key);
	jadd_int(o, "old_key_grace_seconds", grace);
	tenant_free(t);
	explicit_bzero(key, strlen(key));
	free(key);
	return reply_json(r, 200, o);
}

/* GET .../tenants/{tid}/apps: 200 {"tenant_apps":[...]} with ETag, 404. */
int
h_tapp_list(struct req *r)
{
	struct tenant_app	**v;
	struct json_object	*o, *a;
	long long		 tid;
	size_t			 i, n;
	int			 st;

	tid = req_pv_id(r, 0);
	if ((st = db_tenant_app_list(&r->dx, tid, scope(r), &v, &n)) != 1)
		return st == 0 ? tenant_status(r, DBRC_NONE) : 500;
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		jappend(a, tapp_json(v[i]));
	tenant_app_list_free(v, n);
	o = json_object_new_object();
	jadd(o, "tenant_apps", a);
	return tenant_reply_etag(r, o, 0);
}

/* GET .../tenants/{tid}/apps/{taid}: 200 with ETag, 404. */
int
h_tapp_show(struct req *r)
{
	struct tenant_app	*ta;
	long long		 tid, taid;
	int			 st;

	tid = req_pv_id(r, 0);
	taid = req_pv_id(r, 1);
	if ((st = db_tenant_app_get(&r->dx, tid, scope(r), taid, &ta)) != 1)
		return st == 0 ? tenant_status(r, DBRC_NONE) : 500;
	st = tenant_reply_etag(r, tapp_json(ta), 0);
	tenant_app_free(ta);
	return st;
}

static const struct jfield tapp_fields[] = {
	{ .key = "app", .type = JT_STR, .min = 1, .max = 64 },
	{ .key = "app_id", .type = JT_INT, .min = 1, .max = INT64_MAX - 1 },
	{ .key = "rank", .type = JT_INT, .min = -1000000000, .max = 1000000000,
	    .nullable = 1 },
	{ .key = "featured", .type = JT_BOOL },
	{ .key = NULL }
};

/*
 * Parse a relation body into in, with the rank and app texts in the
 * caller's buffers. 0, or 400 with field errors.
 */
static int
tapp_body(struct req *r, int create, struct json_object **o,
    struct tenant_app_in *in, char *appbuf, char *rankbuf)
{
	struct json_object	*v;
	long long		 n;
	int			 b, st;

	memset(in, 0, sizeof(*in));
	in->featured = -1;
	if ((st = json_body(r, o)) != 0)
		return st;
	if (json_check(r, *o, tapp_fields, "") == -1)
		return req_fail(r, 400, "the tenant app is invalid");
	json_get_str(*o, "app", &in->app);
	if (json_get_int(*o, "app_id", &n) == 1) {
		if (in->app != NULL) {
			req_field(r, "app_id", "give app or app_id, not both");
			return req_fail(r, 400, "the tenant app is invalid");
		}
		snprintf(appbuf, 24, "%lld", n);
		in->app = appbuf;
	}
	if (json_object_object_get_ex(*o, "rank", &v)) {
		if (v == NULL)
			rankbuf[0] = '\0';
		else
			snprintf(rankbuf, 24, "%lld",
			    (long long)json_object_get_int64(v));
		in->rank = rankbuf;
	}
	if (json_get_bool(*o, "featured", &b) == 1)
		in->featured = b;
	if (tenant_app_in_check(r, in, create) == -1)
		return req_fail(r, 400, "the tenant app is invalid");
	return 0;
}

/*
 * POST .../tenants/{tid}/apps {"app": id|uid|nid or "app_id", "rank",
 * "featured"}: 201 with the relation, 400, 404 (tenant), 409 (already
 * attached), 422 (app not live on the tenant's marketplace).
 */
int
h_tapp_create(struct req *r)
{
	struct json_object	*o = NULL;
	struct tenant_app_in	 in;
	struct tenant_app	*ta;
	char			 appbuf[24], rankbuf[24], loc[128];
	long long		 tid, id;
	int			 st;

	tid = req_pv_id(r, 0);
	if ((st = tapp_body(r, 1, &o, &in, appbuf, rankbuf)) != 0) {
		json_object_put(o);
		return st;
	}
	st = db_tenant_app_create(&r->dx, tid, scope(r), &in, &id);
	json_object_put(o);
	if (st != DBRC_OK)
		return tapp_status(r, st);
	if (db_tenant_app_get(&r->dx, tid, 0, id, &ta) != 1)
		return 500;
	snprintf(loc, sizeof(loc), "%s/%lld/apps/%lld", base(r), tid, id);
	req_header(r, "Location", loc);
	st = reply_json(r, 201, tapp_json(ta));
	tenant_app_free(ta);
	return st;
}

/*
 * PATCH .../tenants/{tid}/apps/{taid} {"app"|"app_id", "rank",
 * "featured"}: 200 with the relation, 400, 404, 409, 422.
 */
int
h_tapp_update(struct req *r)
{
	struct json_object	*o = NULL;
	struct tenant_app_in	 in;
	struct tenant_app	*ta;
	char			 appbuf[24], rankbuf[24];
	long long		 tid, taid;
	int			 st;

	tid = req_pv_id(r, 0);
	taid = req_pv_id(r, 1);
	if ((st = tapp_body(r, 0, &o, &in, appbuf, rankbuf)) != 0) {
		json_object_put(o);
		return st;
	}
	st = db_tenant_app_update(&r->dx, tid, scope(r), taid, &in);
	json_object_put(o);
	if (st != DBRC_OK)
		return tapp_status(r, st);
	if (db_tenant_app_get(&r->dx, tid, 0, taid, &ta) != 1)
		return 500;
	st = reply_json(r, 200, tapp_json(ta));
	tenant_app_free(ta);
	return st;
}

/* DELETE .../tenants/{tid}/apps/{taid}: 204, 404. */
int
h_tapp_delete(struct req *r)
{
	long long	 tid, taid;
	int		 st;

	tid = req_pv_id(r, 0);
	taid = req_pv_id(r, 1);
	if ((st = db_tenant_app_delete(&r->dx, tid, scope(r), taid)) != DBRC_OK)
		return tenant_status(r, st);
	return 204;
}

/*
 * App ids from a JSON array (numbers or decimal strings), at most max.
 * Returns the count with *out (owned), or -1 with a field error.
 */
long
tenant_ids_parse(struct req *r, const char *field, struct json_object *a,
    size_t max, long long **out)
{
	struct json_object	*v;
	long long		*ids;
	size_t			 i, n;
	char			 name[48];

	*out = NULL;
	if (a == NULL || !json_object_is_type(a, json_type_array))
		return req_field(r, field, "must be an array of app ids");
	if ((n = json_object_array_length(a)) > max)
		return req_field(r, field, "must hold at most %zu ids", max);
	ids = xcalloc(n + 1, sizeof(*ids));
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		if (v != NULL && json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) > 0 &&
		    json_object_get_int64(v) < INT64_MAX)
			ids[i] = json_object_get_int64(v);
		else if (v == NULL || !json_object_is_type(v,
		    json_type_string) || !valid_id(json_object_get_string(v),
		    &ids[i])) {
			free(ids);
			return req_field(r, name, "must be an app id");
		}
	}
	*out = ids;
	return (long)n;
}

/*
 * POST .../tenants/{tid}/apps/bulk {"enable":[app ids], "disable":[app
 * ids]}: one transaction. 200 {"changed": n, "updated_at"}, 400, 404,
 * 422 (an id not live: nothing changed).
 */
int
h_tapp_bulk(struct req *r)
{
	static const struct jfield fs[] = {
		{ .key = "enable", .type = JT_ARR, .max = BULK_MAX },
		{ .key = "disable", .type = JT_ARR, .max = BULK_MAX },
		{ .key = NULL }
	};
	struct json_object	*o = NULL, *res;
	struct tenant		*t;
	long long		*en = NULL, *dis = NULL, tid, changed;
	struct bulk_bad		 bad;
	long			 nen = 0, ndis = 0;
	int			 st;

	tid = req_pv_id(r, 0);
	if ((st = json_body(r, &o)) != 0)
		return st;
	st = 400;
	if (json_check(r, o, fs, "") == -1)
		goto out;
	if (json_get(o, "enable") != NULL && (nen = tenant_ids_parse(r,
	    "enable", json_get(o, "enable"), BULK_MAX, &en)) == -1)
		goto out;
	if (json_get(o, "disable") != NULL && (ndis = tenant_ids_parse(r,
	    "disable", json_get(o, "disable"), BULK_MAX, &dis)) == -1)
		goto out;
	if (nen + ndis == 0) {
		req_field(r, "enable", "enable or disable must name an app");
		goto out;
	}
	if ((st = db_tenant_apps_bulk(&r->dx, tid, scope(r), en, (size_t)nen,
	    dis, (size_t)ndis, &changed, &bad)) != DBRC_OK) {
		st = tapp_bulk_status(r, st, &bad);
		goto out;
	}
	if (db_tenant_get(&r->dx, tid, 0, &t) != 1) {
		st = 500;
		goto out;
	}
	res = json_object_new_object();
	jadd_int(res, "changed", changed);
	jadd_str(res, "updated_at", t->updated_at);
	jadd_int(res, "version", t->version);
	tenant_free(t);
	st = reply_json(r, 200, res);
out:
	if (st == 400 && r->err_detail == NULL)
		req_fail(r, 400, "the bulk request is invalid");
	json_object_put(o);
	free(en);
	free(dis);
	return st;
}
