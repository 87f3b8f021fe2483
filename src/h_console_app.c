/*
 * Handlers: the console's apps and listings: an app's page with its
 * listings, a listing's page and history, approve, reject (with a
 * reason), unpublish and republish. See h_console.c for the rules every
 * console page and form follows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* GET /admin/apps/{id}: an app's fields and its listings. */
int
h_con_app(struct req *r)
{
	static const char *const labels[APPF__MAX] = {
		[APPF_NID] = "Nid", [APPF_NAME] = "Name",
		[APPF_DESCRIPTION] = "Description",
		[APPF_TINY_DESCRIPTION] = "Tiny description",
		[APPF_LOGO] = "Logo", [APPF_PICTURES] = "Pictures",
		[APPF_WEBSITE] = "Website", [APPF_CATEGORIES] = "Categories",
		[APPF_TAGS] = "Tags", [APPF_KEY_BENEFITS] = "Key benefits",
		[APPF_KEY_FEATURES] = "Key features",
		[APPF_PRICING_PLANS] = "Pricing plans",
		[APPF_FREE_TRIAL_DURATION] = "Free trial",
		[APPF_FREE_TRIAL_UNIT] = "Free trial unit",
		[APPF_STACK] = "Stack", [APPF_TERMS_URL] = "Terms",
		[APPF_SUPPORT_URL] = "Support", [APPF_RANK] = "Rank",
		[APPF_APPINFO] = "App info", [APPF_SSO_ENABLED] = "SSO",
		[APPF_MULTI_INSTANTIABLE] = "Multi-instantiable",
		[APPF_ACTIVE] = "Active",
		[APPF_SELF_PUBLISH] = "Self-publishing on (marketplaces)",
	};
	struct html	 h;
	struct scope	 sc = { 0, 0 };
	struct app	*a;
	struct lfilter	 lf;
	struct listing_list ls;
	long long	 id, total;
	size_t		 i;
	char		*u;
	int		 rc;

	id = req_pv_id(r, 0);
	if ((rc = db_app_get(&r->dx, id, &sc, &a)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such app");
	memset(&lf, 0, sizeof(lf));
	lf.app = a->f[APPF_NID];
	lf.limit = 200;
	if (db_listing_list(&r->dx, &sc, &lf, &ls, &total) == -1) {
		db_app_free(a);
		return 500;
	}
	con_page(r, &h, a->f[APPF_NAME], "apps");
	html_crumbs(&h, "Dashboard", "/admin", "Apps", "/admin/apps",
	    a->f[APPF_NAME], NULL, NULL);
	html_open(&h, "h1", NULL);
	html_tf(&h, "App %s", a->f[APPF_NAME]);
	html_close(&h, "h1");
	html_lit(&h, "<dl class=\"show\">");
	con_dl(&h, "Uid", a->uid);
	con_dl(&h, "Provider", a->provider);
	for (i = 0; i < APPF__MAX; i++)
		con_dl_value(&h, labels[i], a->f[i], i == APPF_SSO_ENABLED ||
		    i == APPF_MULTI_INSTANTIABLE || i == APPF_ACTIVE);
	html_elem(&h, "dt", NULL, "Created");
	html_lit(&h, "<dd>");
	html_time(&h, a->created_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Updated");
	html_lit(&h, "<dd>");
	html_time(&h, a->updated_at);
	html_lit(&h, "</dd></dl><h2>Listings</h2><ul>");
	for (i = 0; i < ls.n; i++) {
		html_lit(&h, "<li>");
		u = xasprintf("/admin/listings/%lld", ls.v[i].id);
		html_a(&h, u, ls.v[i].marketplace);
		free(u);
		html_tf(&h, ": %s", ls.v[i].state);
		html_lit(&h, "</li>");
	}
	html_lit(&h, "</ul>");
	listing_list_free(&ls);
	db_app_free(a);
	return html_reply(&h, 200);
}

/* The listing page: fields, history, approve and reject forms. */
static int
con_listing_page(struct req *r, int status, long long id,
    const struct form *in)
{
	static const struct hcol cols[] = {
		{ "At", NULL }, { "Actor", NULL }, { "From", NULL },
		{ "To", NULL }, { "Note", NULL },
	};
	struct html	 h;
	struct scope	 sc = { 0, 0 };
	struct listing_list ll;
	struct listing_event_list hs;
	const struct listing *l;
	const char	*state;
	char		*u;
	size_t		 i;
	int		 rc, unp;

	if ((rc = db_listing_get(&r->dx, id, &sc, &ll)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such listing");
	if (db_listing_history(&r->dx, id, &hs) == -1) {
		listing_list_free(&ll);
		return 500;
	}
	l = &ll.v[0];
	state = l->state;
	con_page(r, &h, "Listing", "listings");
	html_crumbs(&h, "Dashboard", "/admin", "Listings", "/admin/listings",
	    l->app_name, NULL, NULL);
	html_open(&h, "h1", NULL);
	html_tf(&h, "Listing of %s on %s", l->app_name,
	    l->marketplace);
	html_close(&h, "h1");
	if (status >= 400)
		html_elem(&h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below.");
	html_lit(&h, "<dl class=\"show\">");
	con_dl(&h, "State", state);
	con_dl(&h, "App", l->app_name);
	con_dl(&h, "App nid", l->app_nid);
	con_dl(&h, "Marketplace", l->marketplace);
	con_dl(&h, "Hub API id", l->hub_api_id);
	html_elem(&h, "dt", NULL, "Requested");
	html_lit(&h, "<dd>");
	html_time(&h, l->created_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Updated");
	html_lit(&h, "<dd>");
	html_time(&h, l->updated_at);
	html_lit(&h, "</dd></dl>");
	unp = strcmp(state, "unpublished") == 0;
	if (strcmp(state, "submitted") == 0 || unp) {
		html_elem(&h, "h2", NULL, unp ? "Republish" : "Approve");
		u = xasprintf("/admin/listings/%lld/approve", id);
		html_form(&h, u, "edit");
		free(u);
		html_input(&h, "note", "Note (optional)", "text", NULL, NULL);
		html_submit(&h, unp ? "Republish" : "Approve", "primary");
		html_form_end(&h);
	}
	if (strcmp(state, "approved") == 0) {
		html_elem(&h, "h2", NULL, "Unpublish");
		u = xasprintf("/admin/listings/%lld/unpublish", id);
		html_form(&h, u, "edit");
		free(u);
		html_input(&h, "note", "Note (optional)", "text", in ?
		    form_get(in, "note") : NULL, "the app leaves every "
		    "catalog of the marketplace at once");
		html_submit(&h, "Unpublish", "danger");
		html_form_end(&h);
	}
	if (strcmp(state, "submitted") == 0) {
		html_elem(&h, "h2", NULL, "Reject");
		u = xasprintf("/admin/listings/%lld/reject", id);
		html_form(&h, u, "edit");
		free(u);
		html_textarea(&h, "reason", "Why (required; the provider "
		    "sees it)", in ? form_get(in, "reason") : NULL, NULL);
		html_submit(&h, "Reject", "danger");
		html_form_end(&h);
	}
	html_elem(&h, "h2", NULL, "History");
	html_thead(&h, NULL, NULL, 0, NULL, cols, 5);
	for (i = 0; i < hs.n; i++) {
		html_lit(&h, "<tr><td class=\"nowrap\">");
		html_time(&h, hs.v[i].at);
		html_lit(&h, "</td>");
		html_td(&h, hs.v[i].actor);
		html_td(&h, hs.v[i].from);
		html_td(&h, hs.v[i].to);
		html_td(&h, hs.v[i].note);
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	listing_event_list_free(&hs);
	listing_list_free(&ll);
	return html_reply(&h, status);
}

/* GET /admin/listings/{id}. */
int
h_con_listing(struct req *r)
{
	long long	 id;

	id = req_pv_id(r, 0);
	return con_listing_page(r, 200, id, NULL);
}

/*
 * POST /admin/listings/{id}/approve (note optional) and .../reject
 * (reason required): the listing transition of the JSON API.
 */
static int
con_listing_act(struct req *r, enum lact act)
{
	struct scope	 sc = { 0, 0 };
	struct form	 f;
	struct listing_list cur;
	const char	*note, *why;
	char		*u;
	long long	 id, out;
	int		 st, rc, unp;

	if ((st = con_post(r, &f)) != 0)
		return st;
	id = req_pv_id(r, 0);
	note = form_get(&f, act == LA_REJECT ? "reason" : "note");
	if ((st = db_listing_get(&r->dx, id, &sc, &cur)) != 1) {
		st = st == 0 ? req_fail(r, 404, "no such listing") : 500;
		goto out;
	}
	unp = strcmp(cur.v[0].state, "unpublished") == 0;
	listing_list_free(&cur);
	if (note != NULL && *note == '\0' && act != LA_REJECT)
		note = NULL;
	if (act == LA_REJECT && (note == NULL || !valid_text(note, 1, 1024)))
		req_field(r, "reason", "is required (1 to 1024 characters)");
	else if (note != NULL && !valid_text(note, 0, 1024))
		req_field(r, "note", "must be at most 1024 characters");
	if (r->ferrsz > 0) {
		st = con_listing_page(r, 400, id, &f);
		goto out;
	}
	rc = db_listing_move(&r->dx, id, 0, 0, &sc, act, note, &out, &why, NULL,
	    NULL);
	if (rc == -1)
		st = 500;
	else if (rc == 0)
		st = req_fail(r, 404, "no such listing");
	else if (rc == DBRC_CONFLICT) {
		req_fail(r, 409, "%s", why ? why : "this transition is not "
		    "allowed");
		st = con_listing_page(r, 409, id, &f);
	} else {
		u = xasprintf("/admin/listings/%lld", id);
		st = con_done(r, u, act == LA_REJECT ? "rejected" :
		    act == LA_UNPUBLISH ? "unpublished" : unp ? "republished" :
		    "approved");
		free(u);
	}
out:
	form_free(&f);
	return st;
}

/* POST /admin/listings/{id}/approve. */
int
h_con_listing_approve(struct req *r)
{
	return con_listing_act(r, LA_APPROVE);
}

/* POST /admin/listings/{id}/reject. */
int
h_con_listing_reject(struct req *r)
{
	return con_listing_act(r, LA_REJECT);
}

/* POST /admin/listings/{id}/unpublish (note optional). */
int
h_con_listing_unpublish(struct req *r)
{
	return con_listing_act(r, LA_UNPUBLISH);
}
