/*
 * Listings (/api/v1/listings, /api/v1/admin/listings,
 * /api/v1/marketplace/listings): an app on a marketplace, requested by
 * its provider and approved by an admin, or published by the marketplace
 * itself. A provider sees its own apps' listings, a marketplace those on
 * itself, an admin all; anyone else's is a 404.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define NOTE_MAX	1024

/* Fields a client can never write. */
static const char *const owned_listing[] = {
	"id", "state", "hub_api_id", "api_key", "created_at", "updated_at",
	"history", NULL
};

static const struct jfield request_fields[] = {
	{ .key = "marketplace", .type = JT_STR, .min = 2, .max = 64,
	    .required = 1, .check = jf_nid },
	{ .key = "note", .type = JT_STR, .max = NOTE_MAX, .check = jf_text },
	{ .key = NULL },
};

static const struct jfield publish_fields[] = {
	{ .key = "app", .type = JT_STR, .min = 2, .max = 64, .required = 1,
	    .check = jf_nid },
	{ .key = "note", .type = JT_STR, .max = NOTE_MAX, .check = jf_text },
	{ .key = NULL },
};

static const struct jfield note_fields[] = {
	{ .key = "note", .type = JT_STR, .max = NOTE_MAX, .check = jf_text },
	{ .key = NULL },
};

static const struct jfield reject_fields[] = {
	{ .key = "note", .type = JT_STR, .min = 1, .max = NOTE_MAX,
	    .required = 1, .check = jf_text },
	{ .key = NULL },
};

/* A listing's history as a JSON array; owned. */
static struct json_object *
history_json(const struct listing_event_list *l)
{
	struct json_object	*arr, *h;
	size_t			 i;

	arr = json_object_new_array();
	for (i = 0; i < l->n; i++) {
		h = json_object_new_object();
		jadd_str(h, "at", l->v[i].at);
		jadd_str(h, "actor", l->v[i].actor);
		jadd_str(h, "from", l->v[i].from);
		jadd_str(h, "to", l->v[i].to);
		jadd_str(h, "note", l->v[i].note);
		jappend(arr, h);
	}
	return arr;
}

/*
 * A listing as r's caller sees it. The marketplace it is on also gets
 * the app's hub key while it is live ("api_key", else null): its hub
 * must accept the api.id:api.key pair autoconfigure hands the app.
 */
static struct json_object *
listing_json(const struct req *r, const struct listing *l)
{
	struct json_object	*o, *a;

	o = json_object_new_object();
	jadd_int(o, "id", l->id);
	jadd_str(o, "state", l->state);
	jadd_str(o, "hub_api_id", l->hub_api_id);
	a = json_object_new_object();
	jadd_int(a, "id", l->app_id);
	jadd_str(a, "nid", l->app_nid);
	jadd_str(a, "name", l->app_name);
	jadd(o, "app", a);
	jadd_str(o, "marketplace", l->marketplace);
	jadd_bool(o, "live", l->live);
	jadd_str(o, "created_at", l->created_at);
	jadd_str(o, "updated_at", l->updated_at);
	if (r->pr.kind == PK_MKT)
		jadd(o, "api_key", l->live ? listing_key_json(r->conf,
		    l->key) : NULL);
	return o;
}

/* Listing id with its history, as sc may see it; NULL if none. */
static int
listing_full(struct req *r, long long id, const struct scope *sc,
    struct json_object **out)
{
	struct listing_list	 ll;
	struct listing_event_list hs;
	int			 rc;

	*out = NULL;
	if ((rc = db_listing_get(&r->dx, id, sc, &ll)) != 1)
		return rc;
	if (db_listing_history(&r->dx, id, &hs) == -1) {
		listing_list_free(&ll);
		return -1;
	}
	*out = listing_json(r, &ll.v[0]);
	jadd(*out, "history", history_json(&hs));
	listing_list_free(&ll);
	listing_event_list_free(&hs);
	return 1;
}

struct listing_fin {
	struct json_object	*out;
};

static int
listing_fin(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct listing_fin	*lf = arg;
	struct scope		 sc = { 0, 0 };

	if (listing_full(r, id, &sc, &lf->out) != 1)
		return -1;
	return idem_keep(r, lf->out);
}

/*
 * Answer a listing move: 200/201 with the listing, 404, 409, 500.
 * created selects 201 and Location.
 */
static int
listing_reply(struct req *r, int rc, long long id, const char *why,
    struct json_object *out, int created)
{
	struct scope	 sc = app_scope(r);
	char		 loc[64];

	if (rc == -1) {
		json_object_put(out);
		return 500;
	}
	if (rc == 0) {
		json_object_put(out);
		return req_fail(r, 404, "no such listing");
	}
	if (rc == DBRC_CONFLICT) {
		json_object_put(out);
		return req_fail(r, 409, "%s", why);
	}
	if (rc == DBRC_FORBIDDEN) {
		json_object_put(out);
		return req_fail(r, 403, "%s", why);
	}
	if (out == NULL && listing_full(r, id, &sc, &out) != 1)
		return 500;
	if (created) {
		snprintf(loc, sizeof(loc), "/api/v1/listings/%lld", id);
		req_header(r, "Location", loc);
	}
	return reply_json(r, created ? 201 : 200, out);
}

/*
 * POST /api/v1/apps/{id}/listings {"marketplace", "note"?}: the
 * provider asks for its app on a marketplace. 201 with the listing
 * (submitted); 400, 404 (app or marketplace), 409 (already submitted
 * or live, or the app is deactivated).
 */
int
h_listing_request(struct req *r)
{
	struct json_object	*o = NULL;
	struct listing_fin	 lf = { NULL };
	struct scope		 sc = app_scope(r);
	struct app		*a = NULL;
	const char		*mkt, *note, *why = NULL;
	long long		 mid, id = 0;
	int			 st, rc;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body_checked(r, request_fields, owned_listing, 0, &o)))
		return st;
	if ((st = app_load(r, &a)) != 0)
		goto out;
	json_get_str(o, "marketplace", &mkt);
	json_get_str(o, "note", &note);
	if ((rc = db_listing_mkt_id(&r->dx, mkt, &mid)) == -1) {
		st = 500;
		goto out;
	}
	if (rc == 0) {
		req_field(r, "marketplace", "no such marketplace");
		st = req_fail(r, 404, "no such marketplace");
		goto out;
	}
	if (strcmp(a->f[APPF_ACTIVE], "0") == 0) {
		st = req_fail(r, 409, "the app is deactivated");
		goto out;
	}
	rc = db_listing_move(&r->dx, 0, a->id, mid, &sc, LA_REQUEST, note, &id,
	    &why, listing_fin, &lf);
	st = listing_reply(r, rc, id, why, lf.out, 1);
out:
	json_object_put(o);
	db_app_free(a);
	return st;
}

/*
 * GET /api/v1/listings, /api/v1/admin/listings and
 * /api/v1/marketplace/listings: 200 {"listings": [...]} as the caller
 * may see them, filtered by state, marketplace and app, paged.
 */
int
h_listing_list(struct req *r)
{
	struct json_object	*o, *arr;
	struct scope		 sc = app_scope(r);
	struct lfilter		 f;
	struct listing_list	 ll;
	long long		 total;
	size_t			 i;
	int			 st, ok = 0;

	memset(&f, 0, sizeof(f));
	if ((st = req_paging(r, &f.limit, &f.offset)) != 0)
		return st;
	f.state = req_qs(r, "state");
	f.marketplace = req_qs(r, "marketplace");
	f.app = req_qs(r, "app");
	if (f.state != NULL) {
		for (i = 1; i < LS__MAX; i++)
			if (strcmp(f.state, lstate_names[i]) == 0)
				ok = 1;
		if (!ok)
			req_field(r, "state", "must be submitted, approved, "
			    "rejected or unpublished");
	}
	if (f.marketplace != NULL && !valid_nid(f.marketplace))
		req_field(r, "marketplace", "must be a marketplace nid");
	if (f.app != NULL && !valid_nid(f.app))
		req_field(r, "app", "must be an app nid");
	if (r->ferrsz > 0)
		return req_fail(r, 400, "bad filter");
	if (db_listing_list(&r->dx, &sc, &f, &ll, &total) == -1)
		return 500;
	arr = json_object_new_array();
	for (i = 0; i < ll.n; i++)
		jappend(arr, listing_json(r, &ll.v[i]));
	listing_list_free(&ll);
	o = json_object_new_object();
	jadd(o, "listings", arr);
	reply_paging(r, total, f.limit, f.offset);
	return reply_json(r, 200, o);
}

/* GET /api/v1/listings/{id} (and the marketplace's): 200 with history. */
int
h_listing_get(struct req *r)
{
	struct json_object	*o;
	struct scope		 sc = app_scope(r);
	long long		 id;
	int			 rc;

	id = req_pv_id(r, 0);
	if ((rc = listing_full(r, id, &sc, &o)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such listing");
	return reply_json(r, 200, o);
}

/* GET /api/v1/listings/{id}/history: 200 {"history": [...]}, 404. */
int
h_listing_history(struct req *r)
{
	struct json_object	*o;
	struct scope		 sc = app_scope(r);
	struct listing_list	 ll;
	struct listing_event_list hs;
	long long		 id;
	int			 rc;

	id = req_pv_id(r, 0);
	if ((rc = db_listing_get(&r->dx, id, &sc, &ll)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such listing");
	listing_list_free(&ll);
	if (db_listing_history(&r->dx, id, &hs) == -1)
		return 500;
	o = json_object_new_object();
	jadd(o, "history", history_json(&hs));
	listing_event_list_free(&hs);
	return reply_json(r, 200, o);
}

/* Move listing {id} by act, with an optional (or required) note. */
static int
listing_act(struct req *r, enum lact act, const struct jfield *fs)
{
	struct json_object	*o = NULL;
	struct scope		 sc = app_scope(r);
	const char		*note = NULL, *why = NULL;
	long long		 id, out = 0;
	int			 st, rc;

	if ((st = json_body_checked(r, fs, owned_listing, fs != reject_fields,
	    &o)) != 0)
		return st;
	id = req_pv_id(r, 0);
	json_get_str(o, "note", &note);
	rc = db_listing_move(&r->dx, id, 0, 0, &sc, act, note, &out, &why, NULL,
	    NULL);
	json_object_put(o);
	return listing_reply(r, rc, out, why, NULL, 0);
}

/*
 * POST /api/v1/admin/listings/{id}/approve: submitted or unpublished ->
 * approved.
 */
int
h_listing_approve(struct req *r)
{
	return listing_act(r, LA_APPROVE, note_fields);
}

/* POST /api/v1/admin/listings/{id}/reject {"note"}: -> rejected. */
int
h_listing_reject(struct req *r)
{
	return listing_act(r, LA_REJECT, reject_fields);
}

/*
 * POST /api/v1/admin/listings/{id}/unpublish and
 * /api/v1/marketplace/listings/{id}/unpublish: approved -> unpublished.
 */
int
h_listing_unpublish(struct req *r)
{
	return listing_act(r, LA_UNPUBLISH, note_fields);
}

/*
 * POST /api/v1/marketplace/listings {"app", "note"?}: the marketplace
 * publishes a platform app onto itself, live at once. 201 with the
 * listing; 400, 404 (no such app), 409 (already live, app deactivated).
 */
int
h_listing_publish(struct req *r)
{
	struct json_object	*o = NULL;
	struct listing_fin	 lf = { NULL };
	struct scope		 sc = app_scope(r);
	const char		*app, *note, *why = NULL;
	long long		 aid, id = 0;
	int			 st, rc, active;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = json_body_checked(r, publish_fields, owned_listing, 0, &o)))
		return st;
	json_get_str(o, "app", &app);
	json_get_str(o, "note", &note);
	if ((rc = db_app_by_nid(&r->dx, app, &aid, &active)) == -1) {
		st = 500;
		goto out;
	}
	if (rc == 0) {
		req_field(r, "app", "no such app");
		st = req_fail(r, 404, "no such app");
		goto out;
	}
	if (!active) {
		st = req_fail(r, 409, "the app is deactivated");
		goto out;
	}
	rc = db_listing_move(&r->dx, 0, aid, r->pr.id, &sc, LA_PUBLISH, note,
	    &id, &why, listing_fin, &lf);
	st = listing_reply(r, rc, id, why, lf.out, 1);
out:
	json_object_put(o);
	return st;
}
