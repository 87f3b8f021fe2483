/*
 * Apps and their environments (/api/v1/apps). A provider sees only its
 * own apps: anyone else's is a 404, never a 403. Admins read everything.
 * Bodies are checked against field tables before any transaction opens,
 * and the fields the server owns are refused by name. Providers are in
 * h_provider.c, listings in h_listing.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* Fields a client can never write, per resource. */
static const char *const owned_app[] = {
	"id", "uid", "created_at", "updated_at", "provider", "provider_id",
	"status", "version", "api_key", "api_secret", NULL
};
static const char *const owned_env[] = {
	"id", "app", "app_id", "api_key", "api_secret", "created_at",
	"updated_at", "version", NULL
};

/* Validators for field tables: 0, or -1 with a field error. */

/*
 * A host URL, http or https, in which "%{marketplace}" may stand for
 * (part of) a DNS label: checked with a sample nid in its place.
 */
static int
v_host(struct req *r, const char *name, struct json_object *v)
{
	const char	*tpl = json_object_get_string(v);
	char		*s;
	int		 ok;

	s = tpl_expand(tpl, "mkt");
	ok = valid_url(s, 1) && valid_tpl_vars(tpl);
	free(s);
	if (ok)
		return 0;
	return req_field(r, name, "must be an http or https URL (the only "
	    "variable is %%{marketplace})");
}

static int
v_path(struct req *r, const char *name, struct json_object *v)
{
	if (valid_path_tpl(json_object_get_string(v)))
		return 0;
	return req_field(r, name, "must be a path starting with '/', "
	    "printable ASCII without spaces (the only variable is "
	    "%%{marketplace})");
}

static int
v_stack(struct req *r, const char *name, struct json_object *v)
{
	const char	*s = json_object_get_string(v);

	if (strcmp(s, "cloud") == 0 || strcmp(s, "cube") == 0 ||
	    strcmp(s, "connector") == 0)
		return 0;
	return req_field(r, name, "must be cloud, cube or connector");
}

static int
v_unit(struct req *r, const char *name, struct json_object *v)
{
	const char	*s = json_object_get_string(v);

	if (strcmp(s, "days") == 0 || strcmp(s, "weeks") == 0 ||
	    strcmp(s, "months") == 0 || strcmp(s, "years") == 0)
		return 0;
	return req_field(r, name, "must be days, weeks, months or years");
}

/* An array of short strings (1 to 255 bytes, no control characters). */
static int
v_strarr(struct req *r, const char *name, struct json_object *v)
{
	struct json_object	*it;
	size_t			 i;

	for (i = 0; i < json_object_array_length(v); i++) {
		it = json_object_array_get_idx(v, i);
		if (!json_object_is_type(it, json_type_string) ||
		    !valid_text(json_object_get_string(it), 1, 255))
			return req_field(r, name, "item %zu must be a string "
			    "of 1 to 255 characters", i);
	}
	return 0;
}

static int
v_urlarr(struct req *r, const char *name, struct json_object *v)
{
	struct json_object	*it;
	size_t			 i;

	for (i = 0; i < json_object_array_length(v); i++) {
		it = json_object_array_get_idx(v, i);
		if (!json_object_is_type(it, json_type_string) ||
		    !valid_url(json_object_get_string(it), 0))
			return req_field(r, name, "item %zu must be an https "
			    "URL", i);
	}
	return 0;
}

/*
 * self_publish: the marketplaces (nids) that may publish the app onto
 * themselves, or ["*"] for every one; [] (the default) for none.
 */
static int
v_selfpub(struct req *r, const char *name, struct json_object *v)
{
	struct json_object	*it;
	const char		*s;
	size_t			 i, n = json_object_array_length(v);

	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		s = json_object_is_type(it, json_type_string) ?
		    json_object_get_string(it) : NULL;
		if (s != NULL && strcmp(s, "*") == 0 && n == 1)
			continue;
		if (s == NULL || !valid_nid(s))
			return req_field(r, name, "item %zu must be a "
			    "marketplace nid (or the list be [\"*\"] for "
			    "every marketplace)", i);
	}
	return 0;
}

/* pricing_plans: {"<currency or key>": [ {plan}, ... ], ...}. */
static int
v_plans(struct req *r, const char *name, struct json_object *v)
{
	struct json_object	*it;
	size_t			 i;

	json_object_object_foreach(v, key, val) {
		if (!valid_text(key, 1, 64) ||
		    !json_object_is_type(val, json_type_array))
			return req_field(r, name, "must map a key of 1 to 64 "
			    "characters to a list of plans");
		for (i = 0; i < json_object_array_length(val); i++) {
			it = json_object_array_get_idx(val, i);
			if (!json_object_is_type(it, json_type_object))
				return req_field(r, name, "%s: plan %zu must "
				    "be an object", key, i);
		}
	}
	return 0;
}

/* appinfo: an object of boolean flags. */
static int
v_flags(struct req *r, const char *name, struct json_object *v)
{
	json_object_object_foreach(v, key, val) {
		if (!valid_text(key, 1, 64) ||
		    !json_object_is_type(val, json_type_boolean))
			return req_field(r, name, "must map flag names to "
			    "booleans");
	}
	return 0;
}

/* The app fields, parallel to enum appf (NULL-terminated for json_check). */
static const struct jfield app_fields[APPF__MAX + 1] = {
	[APPF_NID] = { .key = "nid", .type = JT_STR, .min = 2, .max = 64,
	    .required = 1, .check = jf_nid },
	[APPF_NAME] = { .key = "name", .type = JT_STR, .min = 1, .max = 255,
	    .required = 1, .check = jf_text },
	[APPF_DESCRIPTION] = { .key = "description", .type = JT_STR,
	    .max = 65535, .check = jf_text },
	[APPF_TINY_DESCRIPTION] = { .key = "tiny_description", .type = JT_STR,
	    .max = 1024, .check = jf_text },
	[APPF_LOGO] = { .key = "logo", .type = JT_STR, .min = 1, .max = 512,
	    .nullable = 1, .check = jf_url },
	[APPF_PICTURES] = { .key = "pictures", .type = JT_ARR, .max = 50,
	    .check = v_urlarr },
	[APPF_WEBSITE] = { .key = "website", .type = JT_STR, .min = 1,
	    .max = 512, .nullable = 1, .check = jf_url },
	[APPF_CATEGORIES] = { .key = "categories", .type = JT_ARR, .max = 50,
	    .check = v_strarr },
	[APPF_TAGS] = { .key = "tags", .type = JT_ARR, .max = 100,
	    .check = v_strarr },
	[APPF_KEY_BENEFITS] = { .key = "key_benefits", .type = JT_ARR,
	    .max = 50, .check = v_strarr },
	[APPF_KEY_FEATURES] = { .key = "key_features", .type = JT_ARR,
	    .max = 50, .check = v_strarr },
	[APPF_PRICING_PLANS] = { .key = "pricing_plans", .type = JT_OBJ,
	    .check = v_plans },
	[APPF_FREE_TRIAL_DURATION] = { .key = "free_trial_duration",
	    .type = JT_INT, .max = 3650 },
	[APPF_FREE_TRIAL_UNIT] = { .key = "free_trial_unit", .type = JT_STR,
	    .min = 1, .max = 16, .check = v_unit },
	[APPF_STACK] = { .key = "stack", .type = JT_STR, .min = 1, .max = 16,
	    .check = v_stack },
	[APPF_TERMS_URL] = { .key = "terms_url", .type = JT_STR, .min = 1,
	    .max = 512, .nullable = 1, .check = jf_url },
	[APPF_SUPPORT_URL] = { .key = "support_url", .type = JT_STR, .min = 1,
	    .max = 512, .nullable = 1, .check = jf_url },
	[APPF_RANK] = { .key = "rank", .type = JT_INT, .max = 1000000,
	    .nullable = 1 },
	[APPF_APPINFO] = { .key = "appinfo", .type = JT_OBJ,
	    .check = v_flags },
	[APPF_SSO_ENABLED] = { .key = "sso_enabled", .type = JT_BOOL },
	[APPF_MULTI_INSTANTIABLE] = { .key = "multi_instantiable",
	    .type = JT_BOOL },
	[APPF_ACTIVE] = { .key = "active", .type = JT_BOOL },
	[APPF_SELF_PUBLISH] = { .key = "self_publish", .type = JT_ARR,
	    .max = 100, .check = v_selfpub },
	[APPF__MAX] = { .key = NULL },
};

/* What a new app holds when the client leaves a field out. */
static const char *const app_defaults[APPF__MAX] = {
	[APPF_DESCRIPTION] = "",
	[APPF_TINY_DESCRIPTION] = "",
	[APPF_PICTURES] = "[]",
	[APPF_CATEGORIES] = "[]",
	[APPF_TAGS] = "[]",
	[APPF_KEY_BENEFITS] = "[]",
	[APPF_KEY_FEATURES] = "[]",
	[APPF_PRICING_PLANS] = "{}",
	[APPF_FREE_TRIAL_DURATION] = "0",
	[APPF_FREE_TRIAL_UNIT] = "days",
	[APPF_STACK] = "cloud",
	[APPF_APPINFO] = "{}",
	[APPF_SSO_ENABLED] = "1",
	[APPF_MULTI_INSTANTIABLE] = "0",
	[APPF_ACTIVE] = "1",
	[APPF_SELF_PUBLISH] = "[]",
};

/* The environment fields, parallel to enum envf. */
static const struct jfield env_fields[ENVF__MAX + 1] = {
	[ENVF_NID] = { .key = "nid", .type = JT_STR, .min = 2, .max = 64,
	    .required = 1, .check = jf_nid },
	[ENVF_HOST] = { .key = "host", .type = JT_STR, .min = 1, .max = 512,
	    .required = 1, .check = v_host },
	[ENVF_IDM] = { .key = "idm", .type = JT_STR, .min = 1, .max = 512,
	    .nullable = 1, .check = v_host },
	[ENVF_SSO_INIT_PATH] = { .key = "sso_init_path", .type = JT_STR,
	    .min = 1, .max = 512, .check = v_path },
	[ENVF_SSO_CONSUME_PATH] = { .key = "sso_consume_path", .type = JT_STR,
	    .min = 1, .max = 512, .check = v_path },
	[ENVF_GROUP_PATH] = { .key = "group_path", .type = JT_STR, .min = 1,
	    .max = 512, .check = v_path },
	[ENVF_GROUP_USER_PATH] = { .key = "group_user_path", .type = JT_STR,
	    .min = 1, .max = 512, .check = v_path },
	[ENVF_NOTIFICATION_PATH] = { .key = "notification_path",
	    .type = JT_STR, .min = 1, .max = 512, .check = v_path },
	[ENVF_INITIALIZATION_PATH] = { .key = "initialization_path",
	    .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = v_path },
	[ENVF_EXTERNAL_IDS] = { .key = "external_ids", .type = JT_BOOL },
	[ENVF_SYNC_START_PATH] = { .key = "synchronization_start_path",
	    .type = JT_STR, .min = 1, .max = 512, .check = v_path },
	[ENVF_SYNC_TOGGLE_PATH] = { .key = "synchronization_toggle_path",
	    .type = JT_STR, .min = 1, .max = 512, .check = v_path },
	[ENVF_SYNC_STATUS_PATH] = { .key = "synchronization_status_path",
	    .type = JT_STR, .min = 1, .max = 512, .check = v_path },
	[ENVF__MAX] = { .key = NULL },
};

/* Maestrano's own conventions, used when a template is left out. */
static const char *const env_defaults[ENVF__MAX] = {
	[ENVF_SSO_INIT_PATH] =
	    "/maestrano/auth/saml/init?marketplace=%{marketplace}",
	[ENVF_SSO_CONSUME_PATH] =
	    "/maestrano/auth/saml/consume?marketplace=%{marketplace}",
	[ENVF_GROUP_PATH] = "/maestrano/account/groups/:id/%{marketplace}",
	[ENVF_GROUP_USER_PATH] =
	    "/maestrano/account/groups/:group_id/users/:id/%{marketplace}",
	[ENVF_NOTIFICATION_PATH] =
	    "/maestrano/connec/notifications/%{marketplace}",
	[ENVF_EXTERNAL_IDS] = "1",
	[ENVF_SYNC_START_PATH] = "/maestrano/%{marketplace}/synchronizations",
	[ENVF_SYNC_TOGGLE_PATH] =
	    "/maestrano/%{marketplace}/synchronizations/toggle_sync",
	[ENVF_SYNC_STATUS_PATH] =
	    "/maestrano/%{marketplace}/synchronizations/:cld-uid",
};

/* What the caller may see: a provider its own, a marketplace itself. */
struct scope
app_scope(const struct req *r)
{
	struct scope	 sc = { 0, 0 };

	if (r->pr.kind == PK_PROVIDER)
		sc.provider_id = r->pr.id;
	else if (r->pr.kind == PK_MKT)
		sc.marketplace_id = r->pr.id;
	return sc;
}

/* A checked JSON value as column text (owned; NULL for null). */
static char *
field_text(const struct jfield *f, struct json_object *v)
{
	if (v == NULL)
		return NULL;
	switch (f->type) {
	case JT_STR:
		return xstrdup(json_object_get_string(v));
	case JT_INT:
		return xasprintf("%lld", (long long)json_object_get_int64(v));
	case JT_BOOL:
		return xstrdup(json_object_get_boolean(v) ? "1" : "0");
	default:
		return xstrdup(json_text(v));
	}
}

/* Column text back to JSON for field f (owned; NULL for SQL NULL). */
static struct json_object *
field_json(const struct jfield *f, const char *s)
{
	long long	 n;

	if (s == NULL)
		return NULL;
	switch (f->type) {
	case JT_STR:
		return json_object_new_string(s);
	case JT_INT:
		if (num_parse(s, INT64_MIN, INT64_MAX, &n) == -1)
			return NULL;
		return json_object_new_int64(n);
	case JT_BOOL:
		return json_object_new_boolean(strcmp(s, "0") != 0);
	default:
		return json_from_text(s);
	}
}

/*
 * Copy the fields present in o into vals (n of them, table fs), freeing
 * what they replace.
 */
static void
fields_apply(const struct jfield *fs, size_t n, struct json_object *o,
    char **vals)
{
	struct json_object	*v;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(o, fs[i].key, &v))
			continue;
		free(vals[i]);
		vals[i] = field_text(&fs[i], v);
	}
}

/* A copy of table fs (n rows plus the terminator) with nothing required. */
static void
fields_optional(const struct jfield *fs, size_t n, struct jfield *out)
{
	size_t	 i;

	for (i = 0; i <= n; i++) {
		out[i] = fs[i];
		out[i].required = 0;
	}
}

static void
etag_header(struct req *r, long long version)
{
	char	 e[32];

	snprintf(e, sizeof(e), "\"%lld\"", version);
	req_header(r, "ETag", e);
}

/* 1 if If-Match is absent or names version. */
static int
etag_ok(struct req *r, long long version)
{
	char	 e[32];

	snprintf(e, sizeof(e), "\"%lld\"", version);
	return req_if_match(r, e);
}

/* Apps */

static struct json_object *
app_json(const struct app *a)
{
	struct json_object	*o;
	size_t			 i;

	o = json_object_new_object();
	jadd_int(o, "id", a->id);
	jadd_str(o, "uid", a->uid);
	jadd_str(o, "provider", a->provider);
	for (i = 0; i < APPF__MAX; i++)
		jadd(o, app_fields[i].key, field_json(&app_fields[i], a->f[i]));
	jadd_int(o, "version", a->version);
	jadd_str(o, "created_at", a->created_at);
	jadd_str(o, "updated_at", a->updated_at);
	return o;
}

/* The app of path parameter 0 as the caller may see it: 0 or status. */
int
app_load(struct req *r, struct app **a)
{
	struct scope	 sc = app_scope(r);
	long long	 id;
	int		 rc;

	*a = NULL;
	id = req_pv_id(r, 0);
	if ((rc = db_app_get(&r->dx, id, &sc, a)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such app");
	return 0;
}

struct app_fin {
	struct json_object	*out;
	long long		 version;
};

static int
app_fin(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct app_fin	*af = arg;
	struct scope	 sc = { 0, 0 };
	struct app	*a;

	if (db_app_get(&r->dx, id, &sc, &a) != 1)
		return -1;
	af->out = app_json(a);
	af->version = a->version;
	db_app_free(a);
	return idem_keep(r, af->out);
}

/* POST /api/v1/apps: 201 with the app; 400, 409 (nid taken). */
int
h_app_create(struct req *r)
{
	struct json_object	*o = NULL, *after;
	struct app_fin		 af = { NULL, 0 };
	struct app		*a;
	size_t			 i;
	char			 loc[64];
	int			 st;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body_checked(r, app_fields, owned_app, 0, &o)) != 0)
		return st;
	a = xcalloc(1, sizeof(*a));
	a->provider_id = r->pr.id;
	for (i = 0; i < APPF__MAX; i++)
		a->f[i] = app_defaults[i] ? xstrdup(app_defaults[i]) : NULL;
	fields_apply(app_fields, APPF__MAX, o, a->f);
	json_object_put(o);
	after = app_json(a);
	st = db_app_create(&r->dx, a, after, app_fin, &af);
	json_object_put(after);
	if (st != 1) {
		db_app_free(a);
		json_object_put(af.out);
		if (st == -1)
			return 500;
		req_field(r, "nid", "is taken");
		return req_fail(r, 409, "an app with this nid exists");
	}
	snprintf(loc, sizeof(loc), "/api/v1/apps/%lld", a->id);
	db_app_free(a);
	req_header(r, "Location", loc);
	etag_header(r, af.version);
	return reply_json(r, 201, af.out);
}

/* GET /api/v1/apps: 200 {"apps": [...]}, the caller's apps, paged. */
int
h_app_list(struct req *r)
{
	struct json_object	*o, *arr;
	struct scope		 sc = app_scope(r);
	struct app		**as;
	long long		 limit, offset, total;
	size_t			 i, n;
	int			 st;

	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	if (db_app_list(&r->dx, &sc, limit, offset, &as, &n, &total) == -1)
		return 500;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		jappend(arr, app_json(as[i]));
		db_app_free(as[i]);
	}
	free(as);
	o = json_object_new_object();
	jadd(o, "apps", arr);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/* GET /api/v1/apps/{id}: 200 with ETag, 304, or 404. */
int
h_app_get(struct req *r)
{
	struct app	*a;
	char		 e[32];
	int		 st;

	if ((st = app_load(r, &a)) != 0)
		return st;
	etag_header(r, a->version);
	snprintf(e, sizeof(e), "\"%lld\"", a->version);
	if (req_etag_match(r, e)) {
		db_app_free(a);
		return reply_empty(r, 304);
	}
	st = reply_json(r, 200, app_json(a));
	db_app_free(a);
	return st;
}

/*
 * Write a (its fields changed by the caller) as action, answering the
 * fresh app: 200, 412 (stale), 500.
 */
static int
app_write(struct req *r, struct app *a, const char *action,
    struct json_object *before)
{
	struct json_object	*after;
	struct scope		 sc = { 0, 0 };
	struct app		*b;
	int			 rc;

	after = app_json(a);
	/* A write that changes nothing keeps the version, ETag and log. */
	if (strcmp(json_text(before), json_text(after)) == 0) {
		json_object_put(after);
		etag_header(r, a->version);
		return reply_json(r, 200, app_json(a));
	}
	rc = db_app_update(&r->dx, a, action, before, after);
	json_object_put(after);
	if (rc == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 412, "the app changed meanwhile; read it "
		    "again");
	if (db_app_get(&r->dx, a->id, &sc, &b) != 1)
		return 500;
	etag_header(r, b->version);
	rc = reply_json(r, 200, app_json(b));
	db_app_free(b);
	return rc;
}

/*
 * PATCH /api/v1/apps/{id}: 200 with the app; 400, 404, 412 (If-Match
 * names an older version, or a concurrent write won).
 */
int
h_app_update(struct req *r)
{
	struct jfield		 fs[APPF__MAX + 1];
	struct json_object	*o = NULL, *before = NULL;
	struct app		*a = NULL;
	const char		*nid;
	int			 st;

	fields_optional(app_fields, APPF__MAX, fs);
	if ((st = json_body_checked(r, fs, owned_app, 0, &o)) != 0)
		return st;
	if ((st = app_load(r, &a)) != 0)
		goto out;
	if (!etag_ok(r, a->version)) {
		st = req_fail(r, 412, "If-Match does not name the current "
		    "version");
		goto out;
	}
	if (json_get_str(o, "nid", &nid) == 1 && strcmp(nid,
	    a->f[APPF_NID]) != 0) {
		req_field(r, "nid", "cannot be changed");
		st = req_fail(r, 400, "the nid of an app is permanent");
		goto out;
	}
	before = app_json(a);
	fields_apply(app_fields, APPF__MAX, o, a->f);
	st = app_write(r, a, "app.update", before);
out:
	json_object_put(o);
	json_object_put(before);
	db_app_free(a);
	return st;
}

/* POST /api/v1/apps/{id}/deactivate: 200 with the app; 404, 412. */
int
h_app_deactivate(struct req *r)
{
	struct json_object	*before;
	struct app		*a;
	int			 st;

	if (r->bodysz > 0) {
		req_field(r, "body", "must be empty");
		return req_fail(r, 400, "this action takes no body");
	}
	if ((st = app_load(r, &a)) != 0)
		return st;
	if (!etag_ok(r, a->version)) {
		db_app_free(a);
		return req_fail(r, 412, "If-Match does not name the current "
		    "version");
	}
	if (strcmp(a->f[APPF_ACTIVE], "0") == 0) {
		etag_header(r, a->version);
		st = reply_json(r, 200, app_json(a));
		db_app_free(a);
		return st;
	}
	before = app_json(a);
	free(a->f[APPF_ACTIVE]);
	a->f[APPF_ACTIVE] = xstrdup("0");
	st = app_write(r, a, "app.deactivate", before);
	json_object_put(before);
	db_app_free(a);
	return st;
}

/* Environments */

static struct json_object *
env_json(const struct env *e)
{
	struct json_object	*o;
	size_t			 i;

	o = json_object_new_object();
	jadd_int(o, "id", e->id);
	jadd_int(o, "app_id", e->app_id);
	jadd_str(o, "api_key", e->api_key);
	for (i = 0; i < ENVF__MAX; i++)
		jadd(o, env_fields[i].key, field_json(&env_fields[i], e->f[i]));
	jadd_int(o, "version", e->version);
	jadd_str(o, "created_at", e->created_at);
	jadd_str(o, "updated_at", e->updated_at);
	return o;
}

/*
 * The app of path parameter 0 (as the caller may see it) and its
 * environment of path parameter 1: 0 or the status.
 */
static int
env_load(struct req *r, struct app **a, struct env **e)
{
	long long	 id;
	int		 rc;

	*e = NULL;
	if ((rc = app_load(r, a)) != 0)
		return rc;
	id = req_pv_id(r, 1);
	if ((rc = db_env_get(&r->dx, (*a)->id, id, e)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such environment");
	return 0;
}

struct env_fin {
	char			**secret;
	long long		 app_id;
	struct json_object	*out;
};

static int
env_fin(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct env_fin	*ef = arg;
	struct env	*e;

	if (db_env_get(&r->dx, ef->app_id, id, &e) != 1)
		return -1;
	ef->out = env_json(e);
	db_env_free(e);
	jadd_str(ef->out, "api_secret", *ef->secret);
	return idem_keep(r, ef->out);
}

/*
 * POST /api/v1/apps/{id}/environments: 201 with the environment, its
 * api_key and api_secret (shown once); 400, 404, 409 (nid taken).
 */
int
h_env_create(struct req *r)
{
	struct json_object	*o = NULL, *after;
	struct env_fin		 ef = { NULL, 0, NULL };
	struct app		*a = NULL;
	struct env		*e;
	char			*secret = NULL, loc[96];
	size_t			 i;
	int			 st;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body_checked(r, env_fields, owned_env, 0, &o)) != 0)
		return st;
	if ((st = app_load(r, &a)) != 0) {
		json_object_put(o);
		return st;
	}
	e = xcalloc(1, sizeof(*e));
	e->app_id = a->id;
	db_app_free(a);
	for (i = 0; i < ENVF__MAX; i++)
		e->f[i] = env_defaults[i] ? xstrdup(env_defaults[i]) : NULL;
	fields_apply(env_fields, ENVF__MAX, o, e->f);
	json_object_put(o);
	after = env_json(e);
	ef.secret = &secret;
	ef.app_id = e->app_id;
	st = db_env_create(&r->dx, e, after, &secret, env_fin, &ef);
	json_object_put(after);
	if (st != 1) {
		db_env_free(e);
		json_object_put(ef.out);
		if (st == -1)
			return 500;
		req_field(r, "nid", "is taken");
		return req_fail(r, 409, "this app has an environment with "
		    "this nid");
	}
	snprintf(loc, sizeof(loc), "/api/v1/apps/%lld/environments/%lld",
	    e->app_id, e->id);
	db_env_free(e);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	req_header(r, "Location", loc);
	return reply_json(r, 201, ef.out);
}

/* GET /api/v1/apps/{id}/environments: 200 {"environments": [...]}. */
int
h_env_list(struct req *r)
{
	struct json_object	*o, *arr;
	struct app		*a;
	struct env		**es;
	size_t			 i, n;
	int			 st;

	if ((st = app_load(r, &a)) != 0)
		return st;
	st = db_env_list(&r->dx, a->id, &es, &n);
	db_app_free(a);
	if (st == -1)
		return 500;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		jappend(arr, env_json(es[i]));
		db_env_free(es[i]);
	}
	free(es);
	o = json_object_new_object();
	jadd(o, "environments", arr);
	return reply_json(r, 200, o);
}

/* GET /api/v1/apps/{id}/environments/{eid}: 200 with ETag, or 404. */
int
h_env_get(struct req *r)
{
	struct app	*a = NULL;
	struct env	*e = NULL;
	char		 tag[32];
	int		 st;

	if ((st = env_load(r, &a, &e)) == 0) {
		etag_header(r, e->version);
		snprintf(tag, sizeof(tag), "\"%lld\"", e->version);
		st = req_etag_match(r, tag) ? reply_empty(r, 304) :
		    reply_json(r, 200, env_json(e));
	}
	db_app_free(a);
	db_env_free(e);
	return st;
}

/* PATCH /api/v1/apps/{id}/environments/{eid}: 200; 400, 404, 412. */
int
h_env_update(struct req *r)
{
	struct jfield		 fs[ENVF__MAX + 1];
	struct json_object	*o = NULL, *before = NULL, *after = NULL;
	struct app		*a = NULL;
	struct env		*e = NULL, *f = NULL;
	const char		*nid;
	int			 st;

	fields_optional(env_fields, ENVF__MAX, fs);
	if ((st = json_body_checked(r, fs, owned_env, 0, &o)) != 0)
		return st;
	if ((st = env_load(r, &a, &e)) != 0)
		goto out;
	if (!etag_ok(r, e->version)) {
		st = req_fail(r, 412, "If-Match does not name the current "
		    "version");
		goto out;
	}
	if (json_get_str(o, "nid", &nid) == 1 && strcmp(nid,
	    e->f[ENVF_NID]) != 0) {
		req_field(r, "nid", "cannot be changed");
		st = req_fail(r, 400, "the nid of an environment is "
		    "permanent");
		goto out;
	}
	before = env_json(e);
	fields_apply(env_fields, ENVF__MAX, o, e->f);
	after = env_json(e);
	if (strcmp(json_text(before), json_text(after)) == 0) {
		/* Nothing changes: version, ETag and log stay. */
		etag_header(r, e->version);
		st = reply_json(r, 200, env_json(e));
		goto out;
	}
	if ((st = db_env_update(&r->dx, e, before, after)) == -1) {
		st = 500;
		goto out;
	}
	if (st == 0) {
		st = req_fail(r, 412, "the environment changed meanwhile");
		goto out;
	}
	if (db_env_get(&r->dx, e->app_id, e->id, &f) != 1) {
		st = 500;
		goto out;
	}
	etag_header(r, f->version);
	st = reply_json(r, 200, env_json(f));
out:
	json_object_put(o);
	json_object_put(before);
	json_object_put(after);
	db_app_free(a);
	db_env_free(e);
	db_env_free(f);
	return st;
}

/*
 * POST /api/v1/apps/{id}/environments/{eid}/rotate {"grace_seconds"?}:
 * 200 with the environment and its new api_secret (the old one lives on
 * for the configured grace, or grace_seconds: 0 revokes it now); 400,
 * 404.
 */
int
h_env_rotate(struct req *r)
{
	struct json_object	*o;
	struct app		*a = NULL;
	struct env		*e = NULL;
	char			*secret;
	long long		 grace;
	int			 st;

	if ((st = rotate_grace(r, &grace)) != 0)
		return st;
	if ((st = env_load(r, &a, &e)) != 0)
		goto out;
	if (db_env_rotate(&r->dx, e, grace, &secret) == -1) {
		st = 500;
		goto out;
	}
	o = env_json(e);
	jadd_str(o, "api_secret", secret);
	jadd_int(o, "previous_secret_valid_for", grace);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	st = reply_json(r, 200, o);
out:
	db_app_free(a);
	db_env_free(e);
	return st;
}

