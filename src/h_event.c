/*
 * Handlers: webhook subscriptions, for a marketplace
 * (/api/v1/marketplace/webhooks...), a provider
 * (/api/v1/provider/webhooks...) and platform admins
 * (/api/v1/admin/webhooks...). The same handlers serve the three faces:
 * a marketplace or provider sees only its own subscriptions (another's
 * is answered like one that does not exist, 404); an admin sees all,
 * may create one for a marketplace or provider, and alone may allow a
 * private, loopback or link-local target (allow_private).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define SUB_EVENTS_MAX	32

/* The caller's scope: its own subscriptions, or all for an admin. */
static void
scope_of(const struct req *r, struct sub_scope *sc)
{
	sc->kind = NULL;
	sc->id = 0;
	if (r->pr.kind == PK_MKT)
		sc->kind = "marketplace";
	else if (r->pr.kind == PK_PROVIDER)
		sc->kind = "provider";
	if (sc->kind != NULL)
		sc->id = r->pr.id;
}

static const char *
base(const struct req *r)
{
	if (r->pr.kind == PK_MKT)
		return "/api/v1/marketplace/webhooks";
	if (r->pr.kind == PK_PROVIDER)
		return "/api/v1/provider/webhooks";
	return "/api/v1/admin/webhooks";
}

/* A checked "events" array as canonical JSON text; owned. */
static char *
sub_events_text(struct json_object *v)
{
	struct json_object	*a;
	size_t			 i;
	char			*out;

	a = json_object_new_array();
	for (i = 0; i < json_object_array_length(v); i++)
		jappend(a, json_object_new_string(json_object_get_string(
		    json_object_array_get_idx(v, i))));
	out = xstrdup(json_text(a));
	json_object_put(a);
	return out;
}

/*
 * Check the "events" array v (named name) and write its canonical text
 * (owned) to *out: event type names or "*", 1 to SUB_EVENTS_MAX of
 * them, no repeats. 0, or -1 with a field error on r.
 */
int
sub_events_parse(struct req *r, const char *name, struct json_object *v,
    char **out)
{
	struct json_object	*it;
	size_t			 i, j, n;
	const char		*s;

	*out = NULL;
	if (!json_object_is_type(v, json_type_array))
		return req_field(r, name, "must be an array of event types");
	n = json_object_array_length(v);
	if (n == 0 || n > SUB_EVENTS_MAX)
		return req_field(r, name, "must name 1 to %d event types "
		    "(\"*\" for all)", SUB_EVENTS_MAX);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		if (!json_object_is_type(it, json_type_string) ||
		    !webhook_type_ok(json_object_get_string(it)))
			return req_field(r, name, "item %zu is not an event "
			    "type (see the API documentation)", i);
		s = json_object_get_string(it);
		for (j = 0; j < i; j++)
			if (strcmp(s, json_object_get_string(
			    json_object_array_get_idx(v, j))) == 0)
				return req_field(r, name, "item %zu repeats "
				    "\"%s\"", i, s);
	}
	*out = sub_events_text(v);
	return 0;
}

static int
v_events(struct req *r, const char *name, struct json_object *v)
{
	char	*s;

	if (sub_events_parse(r, name, v, &s) == -1)
		return -1;
	free(s);
	return 0;
}

static int
v_desc(struct req *r, const char *name, struct json_object *v)
{
	if (!valid_text(json_object_get_string(v), 0, 255))
		return req_field(r, name, "must be text without control "
		    "characters");
	return 0;
}

static const struct jfield sub_fields[] = {
	{ .key = "url", .type = JT_STR, .min = 1, .max = 512,
	    .check = jf_url },
	{ .key = "events", .type = JT_ARR, .min = 1, .max = SUB_EVENTS_MAX,
	    .check = v_events },
	{ .key = "description", .type = JT_STR, .max = 255, .check = v_desc },
	{ .key = "active", .type = JT_BOOL },
	{ .key = NULL }
};

/* An admin may also name the owner and allow a private target. */
static const struct jfield sub_fields_admin[] = {
	{ .key = "url", .type = JT_STR, .min = 1, .max = 512,
	    .check = jf_url },
	{ .key = "events", .type = JT_ARR, .min = 1, .max = SUB_EVENTS_MAX,
	    .check = v_events },
	{ .key = "description", .type = JT_STR, .max = 255, .check = v_desc },
	{ .key = "active", .type = JT_BOOL },
	{ .key = "allow_private", .type = JT_BOOL },
	{ .key = "marketplace", .type = JT_STR, .min = 2, .max = 64 },
	{ .key = "provider", .type = JT_STR, .min = 2, .max = 64 },
	{ .key = NULL }
};

/* The JSON of a subscription (no secret); owned. */
struct json_object *
sub_json(const struct sub *s)
{
	struct json_object	*o, *own, *d;

	o = json_object_new_object();
	jadd_int(o, "id", s->id);
	own = json_object_new_object();
	jadd_str(own, "kind", s->owner_kind);
	jadd_str(own, "nid", s->owner_nid);
	jadd(o, "owner", own);
	jadd_str(o, "url", s->url);
	jadd(o, "events", json_from_text(s->types));
	jadd_str(o, "description", s->description);
	jadd_bool(o, "active", s->active);
	jadd_bool(o, "allow_private", s->allow_private);
	jadd_str(o, "old_secret_valid_until", s->old_until);
	d = json_object_new_object();
	jadd_int(d, "pending", s->npending);
	jadd_int(d, "failed", s->nfailed);
	jadd_int(d, "delivered", s->ndelivered);
	jadd(o, "deliveries", d);
	jadd_str(o, "created_at", s->created_at);
	jadd_str(o, "updated_at", s->updated_at);
	jadd_int(o, "version", s->version);
	return o;
}

/*
 * Fill in from the body o on top of what it has (an update starts from
 * the stored values), then check the target: 0, or a status (field
 * errors set).
 */
static int
sub_in_from(struct req *r, struct json_object *o, struct sub_in *in,
    char **types)
{
	struct json_object	*v;
	const char		*s;
	int			 b;

	*types = NULL;
	if (json_get_str(o, "url", &s) == 1)
		in->url = s;
	if (json_get_str(o, "description", &s) == 1)
		in->description = s;
	if (json_get_bool(o, "active", &b) == 1)
		in->active = b;
	if (json_get_bool(o, "allow_private", &b) == 1)
		in->allow_private = b;
	if ((v = json_get(o, "events")) != NULL) {
		if (sub_events_parse(r, "events", v, types) == -1)
			return req_fail(r, 400, "the subscription is invalid");
		in->types = *types;
	}
	if (in->url == NULL) {
		req_field(r, "url", "is required");
		return req_fail(r, 400, "the subscription is invalid");
	}
	if (!in->allow_private && !webhook_url_ok(in->url)) {
		req_field(r, "url", "names a private, loopback or link-local "
		    "address; only a platform admin can allow that");
		return req_fail(r, 422, "the target is not on the public "
		    "internet");
	}
	return 0;
}

struct sub_fin {
	struct json_object	*out;
	char			**secret;
};

/* Inside the create's transaction: the answer, kept for Idempotency-Key. */
static int
sub_create_fin(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct sub_fin	*sf = arg;
	struct sub	*s;

	if (db_sub_get(&r->dx, id, NULL, &s) != 1)
		return -1;
	sf->out = sub_json(s);
	sub_free(s);
	jadd_str(sf->out, "secret", *sf->secret);
	return idem_store(r, r->pr.label, 201, json_text(sf->out));
}

/*
 * The owner an admin names (marketplace or provider nid) into in; 0,
 * or a status with the field named.
 */
static int
admin_owner(struct req *r, struct json_object *o, struct sub_in *in)
{
	const char	*m = NULL, *pv = NULL, *kind;
	int		 rc;

	json_get_str(o, "marketplace", &m);
	json_get_str(o, "provider", &pv);
	if (m != NULL && pv != NULL) {
		req_field(r, "provider", "cannot be given with marketplace");
		return req_fail(r, 400, "the subscription is invalid");
	}
	in->owner_kind = "admin";
	in->owner_id = 0;
	if (m == NULL && pv == NULL)
		return 0;
	kind = m != NULL ? "marketplace" : "provider";
	if ((rc = db_sub_owner(&r->dx, kind, m != NULL ? m : pv,
	    &in->owner_id)) == -1)
		return 500;
	if (rc == 0) {
		req_field(r, kind, "names no such %s", kind);
		return req_fail(r, 422, "no such owner");
	}
	in->owner_kind = kind;
	return 0;
}

/*
 * POST .../webhooks: 201 with the subscription and its signing secret
 * (shown once), 400 bad input, 422 a private target or no such owner.
 */
int
h_sub_create(struct req *r)
{
	struct json_object	*o = NULL;
	struct sub_in		 in;
	struct sub_fin		 sf;
	struct sub_scope	 sc;
	char			*types = NULL, *secret = NULL, loc[96];
	long long		 id;
	int			 st;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body(r, &o)) != 0)
		return st;
	scope_of(r, &sc);
	if (json_check(r, o, sc.kind ? sub_fields : sub_fields_admin,
	    "") == -1) {
		st = req_fail(r, 400, "the subscription is invalid");
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.types = "[\"*\"]";
	in.description = "";
	in.active = 1;
	if (sc.kind != NULL) {
		in.owner_kind = sc.kind;
		in.owner_id = sc.id;
	} else if ((st = admin_owner(r, o, &in)) != 0)
		goto out;
	if ((st = sub_in_from(r, o, &in, &types)) != 0)
		goto out;
	sf.out = NULL;
	sf.secret = &secret;
	if (db_sub_create(&r->dx, &in, &id, &secret, sub_create_fin,
	    &sf) != 1) {
		json_object_put(sf.out);
		st = 500;
		goto out;
	}
	secret_free(secret);
	snprintf(loc, sizeof(loc), "%s/%lld", base(r), id);
	req_header(r, "Location", loc);
	st = reply_json(r, 201, sf.out);
out:
	free(types);
	json_object_put(o);
	return st;
}

/*
 * GET .../webhooks: 200 {"webhooks":[...]}, paged (limit/offset,
 * X-Total-Count, Link).
 */
int
h_sub_list(struct req *r)
{
	struct json_object	*o, *a;
	struct sub_scope	 sc;
	struct sub		**v;
	size_t			 n, i;
	long long		 limit, offset, total;
	int			 st;

	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	scope_of(r, &sc);
	if (db_sub_list(&r->dx, &sc, limit, offset, &v, &n, &total) == -1)
		return 500;
	o = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		jappend(a, sub_json(v[i]));
	sub_list_free(v, n);
	jadd(o, "webhooks", a);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/* GET .../webhooks/{id}: 200 with ETag, 404. */
int
h_sub_get(struct req *r)
{
	struct sub_scope	 sc;
	struct sub		*s;
	char			 etag[32];
	long long		 id;
	int			 rc;

	id = req_pv_id(r, 0);
	scope_of(r, &sc);
	if ((rc = db_sub_get(&r->dx, id, &sc, &s)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such subscription") : 500;
	snprintf(etag, sizeof(etag), "\"%lld\"", s->version);
	req_header(r, "ETag", etag);
	rc = reply_json(r, 200, sub_json(s));
	sub_free(s);
	return rc;
}

/*
 * PATCH .../webhooks/{id}: 200 with the subscription, 400 bad input,
 * 404, 412 If-Match names another version, 409 changed meanwhile, 422 a
 * private target.
 */
int
h_sub_update(struct req *r)
{
	struct json_object	*o = NULL;
	struct sub_scope	 sc;
	struct sub_in		 in;
	struct sub		*s = NULL;
	char			*types = NULL, etag[32];
	long long		 id;
	int			 st, rc;

	id = req_pv_id(r, 0);
	if ((st = json_body(r, &o)) != 0)
		return st;
	scope_of(r, &sc);
	if (json_check(r, o, sc.kind ? sub_fields : sub_fields_admin,
	    "") == -1) {
		st = req_fail(r, 400, "the subscription is invalid");
		goto out;
	}
	if (json_get(o, "marketplace") != NULL ||
	    json_get(o, "provider") != NULL) {
		req_field(r, json_get(o, "marketplace") ? "marketplace" :
		    "provider", "cannot be changed");
		st = req_fail(r, 400, "the subscription is invalid");
		goto out;
	}
	if ((rc = db_sub_get(&r->dx, id, &sc, &s)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no such subscription") : 500;
		goto out;
	}
	snprintf(etag, sizeof(etag), "\"%lld\"", s->version);
	if (!req_if_match(r, etag)) {
		st = req_fail(r, 412, "the subscription changed since %s",
		    r->if_match);
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.url = s->url;
	in.types = s->types;
	in.description = s->description;
	in.active = s->active;
	in.allow_private = s->allow_private;
	/*
	 * An admin's leave for a private target was for the URL the admin
	 * saw: an owner who moves the subscription loses it.
	 */
	if (sc.kind != NULL && json_get(o, "url") != NULL &&
	    strcmp(json_object_get_string(json_get(o, "url")), s->url) != 0)
		in.allow_private = 0;
	if ((st = sub_in_from(r, o, &in, &types)) != 0)
		goto out;
	if ((rc = db_sub_update(&r->dx, id, &sc, s->version, &in)) != 1) {
		if (rc == 0)
			st = req_fail(r, 404, "no such subscription");
		else if (rc == DBRC_STALE)
			st = req_fail(r, 409, "the subscription changed "
			    "meanwhile; read it again");
		else
			st = 500;
		goto out;
	}
	sub_free(s);
	s = NULL;
	if (db_sub_get(&r->dx, id, &sc, &s) != 1) {
		st = 500;
		goto out;
	}
	snprintf(etag, sizeof(etag), "\"%lld\"", s->version);
	req_header(r, "ETag", etag);
	st = reply_json(r, 200, sub_json(s));
out:
	sub_free(s);
	free(types);
	json_object_put(o);
	return st;
}

/* DELETE .../webhooks/{id}: 204, 404. Its deliveries go with it. */
int
h_sub_delete(struct req *r)
{
	struct sub_scope	 sc;
	long long		 id;
	int			 rc;

	id = req_pv_id(r, 0);
	scope_of(r, &sc);
	if ((rc = db_sub_delete(&r->dx, id, &sc)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such subscription") : 500;
	return reply_empty(r, 204);
}

/*
 * POST .../webhooks/{id}/rotate-secret: 200 {"secret",
 * "old_secret_valid_until"}; the old secret signs too (a second
 * signature) during the grace period. 404.
 */
int
h_sub_rotate(struct req *r)
{
	struct json_object	*o;
	struct sub_scope	 sc;
	struct sub		*s;
	char			*secret;
	long long		 id;
	int			 rc;

	id = req_pv_id(r, 0);
	scope_of(r, &sc);
	if ((rc = db_sub_rotate(&r->dx, id, &sc, &secret)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such subscription") : 500;
	o = json_object_new_object();
	jadd_str(o, "secret", secret);
	secret_free(secret);
	if (db_sub_get(&r->dx, id, &sc, &s) == 1) {
		jadd_str(o, "old_secret_valid_until", s->old_until);
		sub_free(s);
	}
	return reply_json(r, 200, o);
}

/*
 * POST .../webhooks/{id}/test: 202 {"event_id"}: a "ping" event for
 * this subscription alone, delivered like any other. 404.
 */
int
h_sub_test(struct req *r)
{
	struct json_object	*o;
	struct sub_scope	 sc;
	char			*uid;
	long long		 id;
	int			 rc;

	id = req_pv_id(r, 0);
	scope_of(r, &sc);
	if ((rc = db_sub_test(&r->dx, id, &sc, &uid)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such subscription") : 500;
	o = json_object_new_object();
	jadd_str(o, "event_id", uid);
	free(uid);
	return reply_json(r, 202, o);
}

/*
 * GET .../webhooks/{id}/deliveries: 200 {"deliveries":[...]}, newest
 * first, paged; ?state=pending|delivered|failed. 400, 404.
 */
int
h_sub_deliveries(struct req *r)
{
	struct json_object	*o, *a, *d, *e;
	struct sub_scope	 sc;
	struct sub		*s;
	struct delivery_list	 dl;
	const struct delivery	*v;
	const char		*state;
	long long		 id, limit, offset, total;
	size_t			 i;
	int			 rc, st;

	id = req_pv_id(r, 0);
	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	state = req_qs(r, "state");
	if (state != NULL && strcmp(state, "pending") != 0 &&
	    strcmp(state, "delivered") != 0 && strcmp(state, "failed") != 0) {
		req_field(r, "state", "must be pending, delivered or failed");
		return req_fail(r, 400, "bad filter");
	}
	scope_of(r, &sc);
	if ((rc = db_sub_get(&r->dx, id, &sc, &s)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such subscription") : 500;
	sub_free(s);
	if (db_delivery_list(&r->dx, id, state, limit, offset, &dl,
	    &total) == -1)
		return 500;
	o = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < dl.n; i++) {
		v = &dl.v[i];
		d = json_object_new_object();
		jadd_int(d, "id", v->id);
		e = json_object_new_object();
		jadd_str(e, "id", v->event);
		jadd_str(e, "type", v->type);
		jadd_str(e, "created_at", v->event_at);
		jadd(d, "event", e);
		jadd_str(d, "state", v->state);
		jadd_int(d, "attempts", v->attempts);
		jadd(d, "last_status", v->has_status ?
		    json_object_new_int64(v->status) : NULL);
		jadd_str(d, "created_at", v->created_at);
		jadd_str(d, "next_attempt_at",
		    strcmp(v->state, "pending") == 0 ? v->next_at : NULL);
		jadd_str(d, "done_at", v->done_at);
		jappend(a, d);
	}
	delivery_list_free(&dl);
	jadd(o, "deliveries", a);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/* The members of one webhook of a registration call. */
static const struct jfield reg_hook_fields[] = {
	{ .key = "url", .type = JT_STR, .min = 1, .max = 512, .required = 1,
	    .check = jf_url },
	{ .key = "events", .type = JT_ARR, .min = 1, .max = SUB_EVENTS_MAX,
	    .check = v_events },
	{ .key = "description", .type = JT_STR, .max = 255, .check = v_desc },
	{ .key = NULL }
};

/*
 * A registration's "webhooks" (a field validator): up to SUB_REG_MAX
 * objects {url, events, description}, distinct https URLs on the public
 * internet (a marketplace cannot allow a private target). 0 or -1 with
 * field errors.
 */
int
sub_reg_check(struct req *r, const char *name, struct json_object *v)
{
	struct json_object	*it;
	char			 pfx[64];
	const char		*u, *w;
	size_t			 i, j, n;

	n = json_object_array_length(v);
	if (n > SUB_REG_MAX)
		return req_field(r, name, "at most %d webhooks", SUB_REG_MAX);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		snprintf(pfx, sizeof(pfx), "%s[%zu].", name, i);
		if (!json_object_is_type(it, json_type_object))
			return req_field(r, name, "item %zu must be an object "
			    "{url, events}", i);
		if (json_check(r, it, reg_hook_fields, pfx) == -1)
			return -1;
		json_get_str(it, "url", &u);
		if (!webhook_url_ok(u)) {
			snprintf(pfx, sizeof(pfx), "%s[%zu].url", name, i);
			return req_field(r, pfx, "names a private, loopback "
			    "or link-local address");
		}
		for (j = 0; j < i; j++) {
			json_get_str(json_object_array_get_idx(v, j), "url",
			    &w);
			if (strcmp(u, w) == 0)
				return req_field(r, name, "item %zu repeats "
				    "the URL of item %zu", i, j);
		}
	}
	return 0;
}

/* A checked "webhooks" array v into reg (strings borrowed from v). */
void
sub_reg_get(struct json_object *v, struct sub_reg *reg)
{
	struct json_object	*it, *ev;
	size_t			 i;

	memset(reg, 0, sizeof(*reg));
	if (v == NULL || !json_object_is_type(v, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(v) && i < SUB_REG_MAX; i++) {
		it = json_object_array_get_idx(v, i);
		json_get_str(it, "url", &reg->in[i].url);
		json_get_str(it, "description", &reg->in[i].description);
		if (reg->in[i].description == NULL)
			reg->in[i].description = "";
		reg->in[i].active = 1;
		reg->in[i].types = "[\"*\"]";
		if ((ev = json_get(it, "events")) != NULL) {
			reg->types[i] = sub_events_text(ev);
			reg->in[i].types = reg->types[i];
		}
		reg->n++;
	}
}

void
sub_reg_free(struct sub_reg *reg)
{
	size_t	 i;

	for (i = 0; i < SUB_REG_MAX; i++)
		free(reg->types[i]);
	memset(reg, 0, sizeof(*reg));
}

/*
 * Subscribe marketplace mkt to reg's webhooks it does not have yet
 * (inside the caller's transaction when intx) and add to answer a
 * "webhooks" array of those added, each with its secret (shown once).
 * 0 or -1.
 */
int
sub_reg_apply(struct req *r, long long mkt, const struct sub_reg *reg,
    int intx, struct json_object *answer)
{
	struct json_object	*a, *o;
	struct sub		*s;
	long long		 ids[SUB_REG_MAX];
	char			*secrets[SUB_REG_MAX];
	size_t			 i;
	int			 rc = 0;

	if (reg->n == 0)
		return 0;
	if (db_sub_register(&r->dx, mkt, reg->in, reg->n, intx, ids,
	    secrets) == -1)
		return -1;
	a = json_object_new_array();
	for (i = 0; i < reg->n; i++) {
		if (ids[i] == 0)
			continue;
		if (db_sub_get(&r->dx, ids[i], NULL, &s) != 1) {
			rc = -1;
			continue;
		}
		o = sub_json(s);
		sub_free(s);
		jadd_str(o, "secret", secrets[i]);
		jappend(a, o);
	}
	for (i = 0; i < reg->n; i++)
		secret_free(secrets[i]);
	jadd(answer, "webhooks", a);
	return rc;
}
