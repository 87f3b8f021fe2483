/*
 * Handlers: the MnoHub v2 API for a tenant's express frontend
 * (mno-enterprise 4.x/5.x), under /api/mnoe/v2, authenticated as the
 * tenant (HTTP Basic uid:key; r->pr.id is the tenant id). JSON:API in
 * and out. A tenant only ever reaches its own row and the apps live on
 * its marketplace: anything else is the same 404 as an id that does not
 * exist. Every GET carries an ETag derived from the body; nothing is
 * cached, so a row changed by SQL shows on the next request.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define PAGE_SIZE_DEFAULT	100
#define PAGE_SIZE_MAX		500
#define IDS_MAX			200
#define NOT_FOUND		"Record not found"

/* How an app attribute is written. */
enum akind {
	AK_STR,		/* text, NULL as null */
	AK_INT,
	AK_BOOL,	/* "0"/"1" */
	AK_JSON,	/* stored JSON text */
	AK_RANK,	/* integer or null */
	AK_SLUG,	/* "<id>-<nid>" */
	AK_EMPTY,	/* [] : nothing to share or list here */
	AK_NULL,	/* null: not tracked by agora */
	AK_ZERO
};

static const struct {
	const char	*name;
	enum akind	 kind;
	enum catcol	 col;
} app_attrs[] = {
	{ "uid",                    AK_STR,   CC_UID },
	{ "nid",                    AK_STR,   CC_NID },
	{ "name",                   AK_STR,   CC_NAME },
	{ "active",                 AK_BOOL,  CC_ACTIVE },
	{ "stack",                  AK_STR,   CC_STACK },
	{ "logo",                   AK_STR,   CC_LOGO },
	{ "website",                AK_STR,   CC_WEBSITE },
	{ "slug",                   AK_SLUG,  CC_NID },
	{ "description",            AK_STR,   CC_DESCRIPTION },
	{ "tiny_description",       AK_STR,   CC_TINY_DESCRIPTION },
	{ "categories",             AK_JSON,  CC_CATEGORIES },
	{ "subcategories",          AK_EMPTY, CC__MAX },
	{ "tags",                   AK_JSON,  CC_TAGS },
	{ "key_benefits",           AK_JSON,  CC_KEY_BENEFITS },
	{ "key_features",           AK_JSON,  CC_KEY_FEATURES },
	{ "key_workflows",          AK_EMPTY, CC__MAX },
	{ "known_limitations",      AK_NULL,  CC__MAX },
	{ "getting_started",        AK_NULL,  CC__MAX },
	{ "testimonials",           AK_EMPTY, CC__MAX },
	{ "worldwide_usage",        AK_NULL,  CC__MAX },
	{ "rank",                   AK_RANK,  CC_RANK },
	{ "appinfo",                AK_JSON,  CC_APPINFO },
	{ "average_rating",         AK_NULL,  CC__MAX },
	{ "running_instances_count",AK_ZERO,  CC__MAX },
	{ "multi_instantiable",     AK_BOOL,  CC_MULTI_INSTANTIABLE },
	{ "sso_enabled",            AK_BOOL,  CC_SSO_ENABLED },
	{ "terms_url",              AK_STR,   CC_TERMS_URL },
	{ "support_url",            AK_STR,   CC_SUPPORT_URL },
	{ "metadata_url",           AK_NULL,  CC__MAX },
	{ "free_trial_duration",    AK_INT,   CC_FREE_TRIAL_DURATION },
	{ "free_trial_unit",        AK_STR,   CC_FREE_TRIAL_UNIT },
	{ "pricing_plans",          AK_JSON,  CC_PRICING_PLANS },
	{ "pricing_text",           AK_NULL,  CC__MAX },
	{ "pictures",               AK_JSON,  CC_PICTURES },
	{ "featured",               AK_BOOL,  CC_FEATURED },
	{ "created_at",             AK_STR,   CC_CREATED_AT },
	{ "updated_at",             AK_STR,   CC_UPDATED_AT },
};

#define NATTRS	(sizeof(app_attrs) / sizeof(app_attrs[0]))
#define REL_SHARED	"app_shared_entities"

/* What a GET asked for besides the rows: sparse fields and include. */
struct view {
	int		 sparse;		/* fields[apps] given */
	int		 want[NATTRS];
	int		 want_rel;
	int		 include;		/* include= given */
};

/* A 404 that reads the same for every id a tenant cannot see. */
static int
not_found(struct req *r)
{
	return req_fail(r, 404, NOT_FOUND);
}

/*
 * fields[apps]=a,b,... into v. 0, or 400 with a field error naming the
 * parameter for an unknown field.
 */
static int
view_parse(struct req *r, struct view *v)
{
	const char	*f, *p, *e;
	size_t		 i, n;

	memset(v, 0, sizeof(*v));
	v->want_rel = 1;
	v->include = req_qs(r, "include") != NULL;
	if ((f = req_qs(r, "fields[apps]")) == NULL)
		return 0;
	v->sparse = 1;
	v->want_rel = 0;
	for (p = f; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		if (n == 0)
			continue;
		if ((n == 2 && strncmp(p, "id", 2) == 0) ||
		    (n == 4 && strncmp(p, "type", 4) == 0))
			continue;
		if (n == strlen(REL_SHARED) && strncmp(p, REL_SHARED, n) == 0) {
			v->want_rel = 1;
			continue;
		}
		for (i = 0; i < NATTRS; i++)
			if (strlen(app_attrs[i].name) == n &&
			    strncmp(app_attrs[i].name, p, n) == 0)
				break;
		if (i == NATTRS) {
			req_field(r, "fields[apps]", "names an unknown "
			    "field: %.*s", (int)(n > 64 ? 64 : n), p);
			return req_fail(r, 400, "unknown field in "
			    "fields[apps]");
		}
		v->want[i] = 1;
	}
	return 0;
}

/* A stored JSON text as an object, or def when absent. */
static struct json_object *
json_or(const char *s, const char *def)
{
	struct json_object	*o;

	if (s != NULL && (o = json_from_text(s)) != NULL)
		return o;
	return json_from_text(def);
}

/* The slug "<id>-<nid>" as member key of w. */
static void
jw_member_slug(struct jw *w, const char *key, const char *id, const char *nid)
{
	struct buf	 b = { 0 };

	buf_puts(&b, id != NULL ? id : "");
	buf_puts(&b, "-");
	buf_puts(&b, nid != NULL ? nid : "");
	jw_strn(w, key, b.p, b.len);
	buf_free(&b);
}

/* One app resource from catalog row i, written to w as member key. */
static void
app_resource(struct jw *w, const char *key, const struct dbres *rs, size_t i,
    const struct view *v)
{
	const char	*s, *name;
	size_t		 k;

	jw_obj(w, key);
	jw_str(w, "id", dbres_str(rs, i, CC_ID));
	jw_str(w, "type", "apps");
	jw_obj(w, "attributes");
	for (k = 0; k < NATTRS; k++) {
		if (v->sparse && !v->want[k])
			continue;
		name = app_attrs[k].name;
		s = app_attrs[k].col == CC__MAX ? NULL :
		    dbres_str(rs, i, app_attrs[k].col);
		switch (app_attrs[k].kind) {
		case AK_STR:
			jw_str(w, name, s);
			break;
		case AK_INT:
			jw_int(w, name, dbres_int(rs, i, app_attrs[k].col));
			break;
		case AK_BOOL:
			jw_bool(w, name, s != NULL && strcmp(s, "0") != 0);
			break;
		case AK_JSON:
			/* Kept valid by the app table's json_valid CHECK. */
			jw_raw(w, name, s);
			break;
		case AK_RANK:
			if (s == NULL)
				jw_null(w, name);
			else
				jw_int(w, name, dbres_int(rs, i,
				    app_attrs[k].col));
			break;
		case AK_SLUG:
			jw_member_slug(w, name, dbres_str(rs, i, CC_ID), s);
			break;
		case AK_EMPTY:
			jw_raw(w, name, "[]");
			break;
		case AK_NULL:
			jw_null(w, name);
			break;
		case AK_ZERO:
			jw_int(w, name, 0);
			break;
		}
	}
	jw_end(w);
	if (v->want_rel) {
		jw_obj(w, "relationships");
		jw_obj(w, REL_SHARED);
		jw_raw(w, "data", "[]");
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
}

/* The tenant resource; owned. */
static struct json_object *
tenant_resource(const struct tenant *t)
{
	struct json_object	*o, *d, *a;

	a = json_object_new_object();
	jadd_str(a, "name", t->name);
	jadd_str(a, "domain", t->domain);
	jadd(a, "frontend_config", json_or(t->frontend_config, "{}"));
	jadd(a, "metadata", json_or(t->metadata, "{}"));
	jadd_str(a, "app_management", t->app_mgmt_tenant ? "tenant" :
	    "marketplace");
	jadd(a, "plugins_config", json_object_new_object());
	jadd_str(a, "created_at", t->created_at);
	jadd_str(a, "updated_at", t->updated_at);
	d = json_object_new_object();
	jadd_str(d, "id", t->uid);
	jadd_str(d, "type", "tenants");
	jadd(d, "attributes", a);
	o = json_object_new_object();
	jadd(o, "data", d);
	return o;
}

/* GET /api/mnoe/v2/tenant: 200 {"data":{...tenants}} with ETag. */
int
h_hub_tenant(struct req *r)
{
	struct tenant	*t;
	int		 st;

	if ((st = db_tenant_get(&r->dx, r->pr.id, 0, &t)) != 1)
		return st == 0 ? not_found(r) : 500;
	st = tenant_reply_etag(r, tenant_resource(t), 1);
	tenant_free(t);
	return st;
}

static const struct jfield hub_tenant_attrs[] = {
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255 },
	{ .key = "domain", .type = JT_STR, .max = 255 },
	{ .key = "metadata", .type = JT_OBJ },
	{ .key = "frontend_config", .type = JT_OBJ },
	{ .key = NULL }
};

/*
 * PATCH /api/mnoe/v2/tenant {"data":{"id","type":"tenants",
 * "attributes":{name, domain, frontend_config, metadata}}}: 200 with
 * the tenant; 400 (field errors as source.parameter); 404 when data.id
 * names another tenant (the same answer as a tenant that does not
 * exist); 403 when metadata adds or changes a key the platform admin
 * owns (tenant_meta_self: app_management, billing, ...); 409 when
 * data.type is not "tenants".
 */
int
h_hub_tenant_update(struct req *r)
{
	struct json_object	*o = NULL, *d, *a, *v, *m = NULL;
	struct tenant_in	 in;
	struct tenant		*t = NULL;
	const char		*s;
	int			 st, chk = 0;

	memset(&in, 0, sizeof(in));
	if ((st = json_body(r, &o)) != 0)
		return st;
	if ((st = db_tenant_get(&r->dx, r->pr.id, 0, &t)) != 1) {
		st = st == 0 ? not_found(r) : 500;
		goto out;
	}
	st = 400;
	d = json_get(o, "data");
	if (d == NULL || !json_object_is_type(d, json_type_object)) {
		req_field(r, "data", "must be a resource object");
		goto out;
	}
	json_object_object_foreach(d, key, val) {
		(void)val;
		if (strcmp(key, "id") != 0 && strcmp(key, "type") != 0 &&
		    strcmp(key, "attributes") != 0 &&
		    strcmp(key, "relationships") != 0)
			req_field(r, "data", "has an unknown member");
	}
	if (r->ferrsz > 0)
		goto out;
	if (json_get_str(d, "type", &s) != 1 || strcmp(s, "tenants") != 0) {
		st = req_fail(r, 409, "data.type must be \"tenants\"");
		goto out;
	}
	if ((v = json_get(d, "id")) != NULL && (!json_object_is_type(v,
	    json_type_string) || strcmp(json_object_get_string(v),
	    t->uid) != 0)) {
		st = not_found(r);
		goto out;
	}
	if ((a = json_get(d, "attributes")) == NULL ||
	    !json_object_is_type(a, json_type_object)) {
		req_field(r, "data.attributes", "must be an object");
		goto out;
	}
	if (json_check(r, a, hub_tenant_attrs, "") == -1)
		goto out;
	json_get_str(a, "name", &in.name);
	json_get_str(a, "domain", &in.domain);
	if ((v = json_get(a, "metadata")) != NULL) {
		/* Bad values are 400; app_management and billing, 403. */
		if (tenant_meta_check(r, "metadata", v) == -1)
			goto out;
		if ((m = tenant_meta_self(r, t->metadata, v)) == NULL) {
			st = req_fail(r, 403, "the express may change only "
			    "its frontend configuration, domain, name and "
			    "password policy");
			goto out;
		}
		in.metadata = json_text(m);
	}
	if ((v = json_get(a, "frontend_config")) != NULL)
		in.frontend_config = json_text(v);
	if (tenant_in_check(r, &in, 0) == -1)
		goto out;
	chk = 1;
	if ((st = db_tenant_update(&r->dx, t->id, 0, 0, &in)) != DBRC_OK) {
		st = st == DBRC_NONE ? not_found(r) : tenant_status(r, st);
		goto out;
	}
	tenant_free(t);
	t = NULL;
	if (db_tenant_get(&r->dx, r->pr.id, 0, &t) != 1) {
		st = 500;
		goto out;
	}
	st = reply_jsonapi(r, 200, tenant_resource(t));
out:
	if (st == 400 && r->err_detail == NULL)
		req_fail(r, 400, "the tenant is invalid");
	if (chk)
		tenant_in_free(&in);
	tenant_free(t);
	json_object_put(m);
	json_object_put(o);
	return st;
}

/* The filters, sort and page of GET /apps. 0, or 400 with the error. */
static int
catq_parse(struct req *r, struct catq *q, long long *page, long long *size)
{
	static const char *const sorts[CS__MAX] = {
		[CS_DEFAULT] = "", [CS_RANK] = "rank",
		[CS_RANK_DESC] = "-rank", [CS_NAME] = "name",
		[CS_NAME_DESC] = "-name", [CS_UPDATED] = "updated_at",
		[CS_UPDATED_DESC] = "-updated_at",
	};
	const char	*v, *p, *e;
	size_t		 i;
	char		 nid[65];

	memset(q, 0, sizeof(*q));
	q->active = -1;
	*page = 1;
	*size = PAGE_SIZE_DEFAULT;
	for (i = 0; i < r->qsz; i++) {
		const char *k = r->qs[i].key;

		if (strncmp(k, "filter[", 7) != 0)
			continue;
		if (strcmp(k, "filter[scope]") != 0 &&
		    strcmp(k, "filter[active]") != 0 &&
		    strcmp(k, "filter[nid]") != 0 &&
		    strcmp(k, "filter[stack]") != 0) {
			req_field(r, "filter", "unknown filter %.64s", k);
			return req_fail(r, 400, "unknown filter");
		}
	}
	if ((v = req_qs(r, "filter[scope]")) != NULL) {
		if (strcmp(v, "all") != 0) {
			req_field(r, "filter[scope]", "must be \"all\"");
			return req_fail(r, 400, "bad filter");
		}
		q->all = 1;
	}
	if ((v = req_qs(r, "filter[active]")) != NULL) {
		if (strcmp(v, "true") == 0)
			q->active = 1;
		else if (strcmp(v, "false") == 0)
			q->active = 0;
		else {
			req_field(r, "filter[active]", "must be true or "
			    "false");
			return req_fail(r, 400, "bad filter");
		}
	}
	if ((v = req_qs(r, "filter[nid]")) != NULL) {
		for (p = v; ; p = e + 1) {
			e = p + strcspn(p, ",");
			if ((size_t)(e - p) >= sizeof(nid)) {
				req_field(r, "filter[nid]", "must be a comma "
				    "list of app nids");
				return req_fail(r, 400, "bad filter");
			}
			memcpy(nid, p, (size_t)(e - p));
			nid[e - p] = '\0';
			if (!valid_nid(nid)) {
				req_field(r, "filter[nid]", "must be a comma "
				    "list of app nids");
				return req_fail(r, 400, "bad filter");
			}
			if (*e == '\0')
				break;
		}
		q->nids = v;
	}
	if ((v = req_qs(r, "filter[stack]")) != NULL) {
		if (strcmp(v, "cloud") != 0 && strcmp(v, "cube") != 0 &&
		    strcmp(v, "connector") != 0) {
			req_field(r, "filter[stack]", "must be cloud, cube or "
			    "connector");
			return req_fail(r, 400, "bad filter");
		}
		q->stack = v;
	}
	if ((v = req_qs(r, "sort")) != NULL) {
		for (i = 1; i < CS__MAX; i++)
			if (strcmp(v, sorts[i]) == 0)
				break;
		if (i == CS__MAX) {
			req_field(r, "sort", "must be name, rank or "
			    "updated_at, with - for descending");
			return req_fail(r, 400, "bad sort");
		}
		q->sort = (enum catsort)i;
	}
	if ((v = req_qs(r, "page[number]")) != NULL &&
	    num_parse(v, 1, 1000000, page) == -1) {
		req_field(r, "page[number]", "must be an integer from 1");
		return req_fail(r, 400, "bad page");
	}
	if ((v = req_qs(r, "page[size]")) != NULL &&
	    num_parse(v, 1, PAGE_SIZE_MAX, size) == -1) {
		req_field(r, "page[size]", "must be an integer from 1 to %d",
		    PAGE_SIZE_MAX);
		return req_fail(r, 400, "bad page");
	}
	q->limit = *size;
	q->offset = (*page - 1) * *size;
	return 0;
}

/*
 * Member key of w: a link to page n of this list, other query
 * parameters kept (in their canonical order).
 */
static void
page_link(struct jw *w, const char *key, struct req *r, long long n,
    long long size)
{
	struct buf	 b = { 0 };
	char		*k, *v;
	size_t		 i;

	buf_printf(&b, "%s%s?", r->conf->public_url ? r->conf->public_url :
	    "", r->path);
	for (i = 0; i < r->qsz; i++) {
		if (strcmp(r->qs[i].key, "page[number]") == 0 ||
		    strcmp(r->qs[i].key, "page[size]") == 0)
			continue;
		k = url_encode(r->qs[i].key);
		v = url_encode(r->qs[i].val);
		buf_printf(&b, "%s=%s&", k, v);
		free(k);
		free(v);
	}
	buf_printf(&b, "page%%5Bnumber%%5D=%lld&page%%5Bsize%%5D=%lld", n,
	    size);
	jw_strn(w, key, b.p, b.len);
	buf_free(&b);
}

/*
 * GET /api/mnoe/v2/apps: the tenant's catalog. filter[scope]=all (every
 * live app of its marketplace), filter[active], filter[nid] (comma
 * list), filter[stack]; sort=name|rank|updated_at (- descending;
 * default rank ascending with unranked last, then name); page[number],
 * page[size] (default 100, at most 500); fields[apps]; include (answered
 * with empty app_shared_entities). 200 with data, meta.record_count and
 * links, ETag (304); 400 for a bad parameter.
 */
int
h_hub_apps(struct req *r)
{
	struct catq		 q;
	struct view		 v;
	struct dbres		*rs;
	struct jw		 w = { 0 };
	long long		 page, size, total, last;
	size_t			 i;
	int			 st;

	if ((st = catq_parse(r, &q, &page, &size)) != 0 ||
	    (st = view_parse(r, &v)) != 0)
		return st;
	if (db_catalog(&r->dx, r->pr.id, &q, &rs, &total) == -1)
		return 500;
	jw_obj(&w, NULL);
	jw_arr(&w, "data");
	for (i = 0; i < rs->nrow; i++)
		app_resource(&w, NULL, rs, i, &v);
	jw_end(&w);
	dbres_free(rs);
	if (v.include)
		jw_raw(&w, "included", "[]");
	last = total > 0 ? (total + size - 1) / size : 1;
	jw_obj(&w, "meta");
	jw_int(&w, "record_count", total);
	jw_int(&w, "page_count", last);
	jw_end(&w);
	jw_obj(&w, "links");
	page_link(&w, "self", r, page, size);
	page_link(&w, "first", r, 1, size);
	if (page > 1)
		page_link(&w, "prev", r, page - 1 > last ? last : page - 1,
		    size);
	if (page < last)
		page_link(&w, "next", r, page + 1, size);
	page_link(&w, "last", r, last, size);
	jw_end(&w);
	jw_end(&w);
	st = tenant_reply_text(r, w.b.p, w.b.len, 1);
	buf_free(&w.b);
	return st;
}

/*
 * GET /api/mnoe/v2/apps/{id}: one app live on the tenant's marketplace
 * (in either catalog mode: the express admin enables apps it can see
 * here). 200 {"data":{...}} with ETag, 404 otherwise.
 */
int
h_hub_app(struct req *r)
{
	struct catq		 q;
	struct view		 v;
	struct dbres		*rs;
	struct jw		 w = { 0 };
	long long		 total;
	int			 st;

	memset(&q, 0, sizeof(q));
	q.app_id = req_pv_id(r, 0);
	if ((st = view_parse(r, &v)) != 0)
		return st;
	q.all = 1;
	q.active = -1;
	q.limit = 1;
	if (db_catalog(&r->dx, r->pr.id, &q, &rs, &total) == -1)
		return 500;
	if (rs->nrow != 1) {
		dbres_free(rs);
		return not_found(r);
	}
	jw_obj(&w, NULL);
	app_resource(&w, "data", rs, 0, &v);
	dbres_free(rs);
	if (v.include)
		jw_raw(&w, "included", "[]");
	jw_end(&w);
	st = tenant_reply_text(r, w.b.p, w.b.len, 1);
	buf_free(&w.b);
	return st;
}

/* Enable or disable ids for the caller; the answer or 404. */
static int
hub_toggle(struct req *r, long long *ids, size_t n, int enable)
{
	struct json_object	*o, *meta;
	struct tenant		*t;
	long long		 changed;
	int			 st;

	st = db_tenant_apps_bulk(&r->dx, r->pr.id, 0, enable ? ids : NULL,
	    enable ? n : 0, enable ? NULL : ids, enable ? 0 : n, &changed,
	    NULL);
	/* Say nothing about which id: a 404 like any other. */
	if (st == DBRC_NOTLIVE || st == DBRC_NONE)
		return not_found(r);
	if (st != DBRC_OK)
		return tenant_status(r, st);
	if (db_tenant_get(&r->dx, r->pr.id, 0, &t) != 1)
		return 500;
	meta = json_object_new_object();
	jadd_int(meta, "changed", changed);
	jadd_str(meta, "tenant_updated_at", t->updated_at);
	tenant_free(t);
	o = json_object_new_object();
	jadd(o, "meta", meta);
	return reply_jsonapi(r, 200, o);
}

/* PATCH /api/mnoe/v2/apps/{id}/enable: 200, 404 (app not visible). */
int
h_hub_app_enable(struct req *r)
{
	long long	 id;

	id = req_pv_id(r, 0);
	return hub_toggle(r, &id, 1, 1);
}

/* PATCH /api/mnoe/v2/apps/{id}/disable: 200, 404 (app not visible). */
int
h_hub_app_disable(struct req *r)
{
	long long	 id;

	id = req_pv_id(r, 0);
	return hub_toggle(r, &id, 1, 0);
}

/*
 * PATCH /api/mnoe/v2/apps/enable {"ids":[...]}: every id enabled in one
 * transaction, or none. 200, 400 without ids, 404 when one is not
 * visible.
 */
int
h_hub_apps_enable(struct req *r)
{
	struct json_object	*o = NULL, *a;
	long long		*ids = NULL;
	long			 n;
	int			 st;

	if ((st = json_body(r, &o)) != 0)
		return st;
	st = 400;
	a = json_get(o, "ids");
	if (a == NULL && json_get(o, "data") != NULL)
		a = json_get(json_get(o, "data"), "ids");
	if (a == NULL || !json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) == 0) {
		req_field(r, "ids", "is required: a non-empty array of app "
		    "ids");
		req_fail(r, 400, "ids is required");
		goto out;
	}
	if ((n = tenant_ids_parse(r, "ids", a, IDS_MAX, &ids)) == -1) {
		req_fail(r, 400, "ids must be app ids");
		goto out;
	}
	st = hub_toggle(r, ids, (size_t)n, 1);
out:
	free(ids);
	json_object_put(o);
	return st;
}
