/*
 * Console pages for webhooks: every subscription (an admin sees and
 * edits all, and alone may allow a private target), its deliveries,
 * the failed ones with every attempt, "send again" and "send a test
 * event". The same validation and db_event.c functions as the JSON
 * APIs (h_event.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define EV_PER_PAGE	25

static const struct hparam owner_kinds[] = {
	{ "admin", "Platform (hears every event)" },
	{ "marketplace", "Marketplace" },
	{ "provider", "Provider" },
};

static const struct hparam dstates[] = {
	{ "", "All" }, { "failed", "Failed" }, { "pending", "Pending" },
	{ "delivered", "Delivered" },
};

/* A flash of this file's own (con_page knows the common ones). */
static void
ev_flash(struct req *r, struct html *h)
{
	const char	*d = req_qs(r, "done");

	if (d != NULL && strcmp(d, "queued") == 0)
		html_elem(h, "p", "flash ok", "Queued: agora-notify sends it "
		    "within a moment.");
}

/* A cell with a number, empty when has is 0. */
static void
ev_td_num(struct html *h, int has, long long v)
{
	char	 b[24];

	if (has)
		snprintf(b, sizeof(b), "%lld", v);
	html_td(h, has ? b : NULL);
}

/* A cell linking to path and id, the id as its text. */
static void
ev_td_id(struct html *h, const char *path, long long id)
{
	char	*u, b[24];

	snprintf(b, sizeof(b), "%lld", id);
	u = xasprintf("%s%lld", path, id);
	html_td_a(h, u, b);
	free(u);
}

/* ?page= into *page; 0 or 400. */
static int
ev_pageno(struct req *r, long long *page)
{
	const char	*v;

	*page = 1;
	if ((v = req_qs(r, "page")) != NULL && *v != '\0' &&
	    num_parse(v, 1, 1000000, page) == -1)
		return req_fail(r, 400, "page must be a page number");
	return 0;
}

/* "a, b c" into a JSON array text of strings; owned. */
static char *
ev_words_json(const char *s)
{
	struct json_object	*a;
	char			*copy, *p, *w, *save = NULL, *out;

	a = json_object_new_array();
	copy = xstrdup(s != NULL ? s : "");
	for (p = copy; (w = strtok_r(p, ", \t\r\n", &save)) != NULL; p = NULL)
		jappend(a, json_object_new_string(w));
	out = xstrdup(json_text(a));
	json_object_put(a);
	free(copy);
	return out;
}

/* The events of a subscription as "a, b" for a text field; owned. */
static char *
ev_words(const char *types)
{
	struct json_object	*a;
	struct buf		 b = { 0 };
	size_t			 i;

	if ((a = json_from_text(types)) == NULL ||
	    !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return xstrdup("*");
	}
	for (i = 0; i < json_object_array_length(a); i++)
		buf_printf(&b, "%s%s", i ? ", " : "", json_object_get_string(
		    json_object_array_get_idx(a, i)));
	json_object_put(a);
	return b.p != NULL ? b.p : xstrdup("");
}

/*
 * Read a subscription form into in (strings borrowed from f, *types
 * owned): url, events, description, active, allow_private. 0, or -1
 * with field errors on r.
 */
static int
ev_form_in(struct req *r, const struct form *f, struct sub_in *in,
    char **types)
{
	struct json_object	*a;
	char			*words;
	int			 bad = 0;

	*types = NULL;
	in->url = form_get(f, "url");
	in->description = form_get(f, "description");
	if (in->description == NULL)
		in->description = "";
	in->active = form_get(f, "active") != NULL;
	in->allow_private = form_get(f, "allow_private") != NULL;
	if (in->url == NULL || !valid_url(in->url, 0))
		bad = req_field(r, "url", "must be an absolute https URL (no "
		    "credentials, no fragment, at most 512 bytes)");
	else if (!in->allow_private && !webhook_url_ok(in->url))
		bad = req_field(r, "url", "names a private, loopback or "
		    "link-local address: tick \"allow a private target\" to "
		    "allow it");
	if (!valid_text(in->description, 0, 255))
		bad = req_field(r, "description", "must be at most 255 "
		    "characters of text");
	words = ev_words_json(form_get(f, "events"));
	if ((a = json_from_text(words)) == NULL ||
	    json_object_array_length(a) == 0) {
		json_object_put(a);
		a = json_from_text("[\"*\"]");
	}
	if (sub_events_parse(r, "events", a, types) == -1)
		bad = -1;
	in->types = *types;
	json_object_put(a);
	free(words);
	return bad ? -1 : 0;
}

/* The create or edit form; s NULL for a new one, f the last input. */
static void
ev_form(struct html *h, const struct sub *s, const struct form *f)
{
	char	*words = NULL, *act;

	if (s != NULL) {
		act = xasprintf("/admin/webhooks/%lld", s->id);
		words = ev_words(s->types);
	} else
		act = xstrdup("/admin/webhooks");
	html_form(h, act, "edit");
	if (s == NULL) {
		html_select(h, "owner_kind", "Owner", owner_kinds, 3,
		    f ? form_get(f, "owner_kind") : "admin");
		html_input(h, "owner", "Owner nid", "text",
		    f ? form_get(f, "owner") : NULL,
		    "the marketplace's or provider's nid; empty for the "
		    "platform");
	}
	html_input(h, "url", "URL", "text", f ? form_get(f, "url") :
	    s ? s->url : NULL, "https only");
	html_input(h, "events", "Events", "text", f ? form_get(f, "events") :
	    words ? words : "*", "event types separated by commas; * for "
	    "all");
	html_input(h, "description", "Description", "text",
	    f ? form_get(f, "description") : s ? s->description : NULL, NULL);
	html_checkbox(h, "active", "Active", f ? form_get(f, "active") != NULL :
	    s ? s->active : 1);
	html_checkbox(h, "allow_private", "Allow a private, loopback or "
	    "link-local target", f ? form_get(f, "allow_private") != NULL :
	    s ? s->allow_private : 0);
	html_submit(h, s ? "Save" : "Create webhook", "primary");
	html_form_end(h);
	free(words);
	free(act);
}

/* A page showing a signing secret once. */
static int
ev_secret_page(struct req *r, const char *title, long long id,
    const char *secret)
{
	struct html	 h;
	char		*u;

	con_page(r, &h, title, "webhooks");
	html_elem(&h, "h1", NULL, title);
	html_lit(&h, "<div class=\"secret\"><p>The signing secret is shown "
	    "<strong>this once</strong>. The receiver checks each "
	    "delivery's Agora-Signature with it (see doc/webhooks.md).</p>");
	html_elem(&h, "code", "token", secret);
	html_lit(&h, "</div>");
	u = xasprintf("/admin/webhooks/%lld", id);
	html_open(&h, "p", NULL);
	html_a(&h, u, "Back to the webhook");
	html_close(&h, "p");
	free(u);
	return html_reply(&h, 200);
}

/* GET /admin/webhooks: every subscription. */
int
h_con_webhooks(struct req *r)
{
	static const struct hcol cols[] = {
		{ "Id", NULL }, { "Owner", NULL }, { "URL", NULL },
		{ "Events", NULL }, { "Active", NULL }, { "Private", NULL },
		{ "Pending", NULL }, { "Failed", NULL }, { "Delivered", NULL },
	};
	struct html	 h;
	struct sub	**v;
	size_t		 n, i;
	long long	 page, total;
	char		*u, *w;

	if (ev_pageno(r, &page) != 0)
		return 400;
	if (db_sub_list(&r->dx, NULL, EV_PER_PAGE, (page - 1) * EV_PER_PAGE, &v,
	    &n, &total) == -1)
		return 500;
	con_page(r, &h, "Webhooks", "webhooks");
	html_elem(&h, "h1", NULL, "Webhooks");
	html_open(&h, "p", NULL);
	html_a(&h, "/admin/webhooks/new", "New webhook");
	html_t(&h, " \xc2\xb7 ");
	html_a(&h, "/admin/deliveries?state=failed", "Failed deliveries");
	html_t(&h, " \xc2\xb7 ");
	html_a(&h, "/admin/deliveries", "All deliveries");
	html_close(&h, "p");
	html_thead(&h, NULL, NULL, 0, NULL, cols, 9);
	for (i = 0; i < n; i++) {
		html_lit(&h, "<tr>");
		u = xasprintf("/admin/webhooks/%lld", v[i]->id);
		w = xasprintf("%lld", v[i]->id);
		html_td_a(&h, u, w);
		free(w);
		w = xasprintf("%s%s%s", v[i]->owner_kind,
		    v[i]->owner_nid ? " " : "",
		    v[i]->owner_nid ? v[i]->owner_nid : "");
		html_td(&h, w);
		free(w);
		html_td_a(&h, u, v[i]->url);
		free(u);
		w = ev_words(v[i]->types);
		html_td(&h, w);
		free(w);
		html_td(&h, v[i]->active ? "yes" : "no");
		html_td(&h, v[i]->allow_private ? "allowed" : "no");
		html_open(&h, "td", NULL);
		html_int(&h, v[i]->npending);
		html_close(&h, "td");
		html_open(&h, "td", NULL);
		html_int(&h, v[i]->nfailed);
		html_close(&h, "td");
		html_open(&h, "td", NULL);
		html_int(&h, v[i]->ndelivered);
		html_close(&h, "td");
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	html_pager(&h, "/admin/webhooks", NULL, 0, page, EV_PER_PAGE, total);
	sub_list_free(v, n);
	return html_reply(&h, 200);
}

static int
ev_new_page(struct req *r, int status, const struct form *f)
{
	struct html	 h;

	con_page(r, &h, "New webhook", "webhooks");
	html_elem(&h, "h1", NULL, "New webhook");
	ev_form(&h, NULL, f);
	return html_reply(&h, status);
}

/* GET /admin/webhooks/new. */
int
h_con_webhook_new(struct req *r)
{
	return ev_new_page(r, 200, NULL);
}

/* POST /admin/webhooks: create; the answer shows the secret once. */
int
h_con_webhook_create(struct req *r)
{
	struct form	 f;
	struct sub_in	 in;
	const char	*kind, *owner;
	char		*types = NULL, *secret = NULL;
	long long	 id;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	memset(&in, 0, sizeof(in));
	kind = form_get(&f, "owner_kind");
	owner = form_get(&f, "owner");
	in.owner_kind = "admin";
	if (kind != NULL && (strcmp(kind, "marketplace") == 0 ||
	    strcmp(kind, "provider") == 0)) {
		in.owner_kind = kind;
		if (owner == NULL || *owner == '\0')
			req_field(r, "owner", "is required for a %s", kind);
		else if ((rc = db_sub_owner(&r->dx, kind, owner,
		    &in.owner_id)) == -1) {
			st = 500;
			goto out;
		} else if (rc == 0)
			req_field(r, "owner", "names no such %s", kind);
	} else if (kind == NULL || strcmp(kind, "admin") != 0)
		req_field(r, "owner_kind", "must be admin, marketplace or "
		    "provider");
	if (ev_form_in(r, &f, &in, &types) == -1 || r->ferrsz > 0) {
		st = ev_new_page(r, 400, &f);
		goto out;
	}
	if (db_sub_create(&r->dx, &in, &id, &secret, NULL, NULL) != 1) {
		st = 500;
		goto out;
	}
	st = ev_secret_page(r, "Webhook created", id, secret);
	secret_free(secret);
out:
	free(types);
	form_free(&f);
	return st;
}

/* The subscription page: settings, actions, its latest deliveries. */
static int
ev_sub_page(struct req *r, int status, long long id, const struct form *f)
{
	static const struct hcol cols[] = {
		{ "Delivery", NULL }, { "Event", NULL }, { "Type", NULL },
		{ "State", NULL }, { "Attempts", NULL }, { "Last status", NULL },
		{ "Created", NULL }, { "Next attempt", NULL },
	};
	struct html	 h;
	struct sub	*s;
	struct delivery_list dl = { 0 };
	const struct delivery *d;
	long long	 page, total;
	size_t		 i;
	char		*u, *t;
	int		 rc;

	if (ev_pageno(r, &page) != 0)
		return 400;
	if ((rc = db_sub_get(&r->dx, id, NULL, &s)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such webhook") : 500;
	if (db_delivery_list(&r->dx, id, NULL, EV_PER_PAGE,
	    (page - 1) * EV_PER_PAGE, &dl, &total) == -1) {
		sub_free(s);
		return 500;
	}
	t = xasprintf("Webhook %lld", id);
	con_page(r, &h, t, "webhooks");
	ev_flash(r, &h);
	html_elem(&h, "h1", NULL, t);
	free(t);
	html_lit(&h, "<dl class=\"show\">");
	html_elem(&h, "dt", NULL, "Owner");
	html_open(&h, "dd", NULL);
	html_t(&h, s->owner_kind);
	if (s->owner_nid != NULL) {
		html_t(&h, " ");
		html_t(&h, s->owner_nid);
	}
	html_close(&h, "dd");
	html_elem(&h, "dt", NULL, "Old secret signs until");
	html_elem(&h, "dd", NULL, s->old_until ? s->old_until :
	    "\xe2\x80\x94");
	html_elem(&h, "dt", NULL, "Created");
	html_elem(&h, "dd", NULL, s->created_at);
	html_elem(&h, "dt", NULL, "Updated");
	html_elem(&h, "dd", NULL, s->updated_at);
	html_lit(&h, "</dl>");

	html_elem(&h, "h2", NULL, "Settings");
	ev_form(&h, s, f);

	html_elem(&h, "h2", NULL, "Actions");
	u = xasprintf("/admin/webhooks/%lld/test", id);
	html_form(&h, u, "inline");
	html_submit(&h, "Send a test event", "primary");
	html_form_end(&h);
	free(u);
	u = xasprintf("/admin/webhooks/%lld/rotate", id);
	html_form(&h, u, "inline");
	html_submit(&h, "Rotate the secret", NULL);
	html_form_end(&h);
	free(u);
	u = xasprintf("/admin/webhooks/%lld/delete", id);
	html_form(&h, u, "inline");
	html_submit(&h, "Delete", "danger");
	html_form_end(&h);
	free(u);

	html_elem(&h, "h2", NULL, "Deliveries");
	html_thead(&h, NULL, NULL, 0, NULL, cols, 8);
	for (i = 0; i < dl.n; i++) {
		d = &dl.v[i];
		html_lit(&h, "<tr>");
		ev_td_id(&h, "/admin/deliveries/", d->id);
		html_td(&h, d->event);
		html_td(&h, d->type);
		html_td(&h, d->state);
		ev_td_num(&h, 1, d->attempts);
		ev_td_num(&h, d->has_status, d->status);
		html_td(&h, d->created_at);
		html_td(&h, strcmp(d->state, "pending") == 0 ? d->next_at :
		    NULL);
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	u = xasprintf("/admin/webhooks/%lld", id);
	html_pager(&h, u, NULL, 0, page, EV_PER_PAGE, total);
	free(u);
	delivery_list_free(&dl);
	sub_free(s);
	return html_reply(&h, status);
}

/* GET /admin/webhooks/{id}. */
int
h_con_webhook(struct req *r)
{
	long long	 id;

	id = req_pv_id(r, 0);
	return ev_sub_page(r, 200, id, NULL);
}

/* POST /admin/webhooks/{id}: save the settings. */
int
h_con_webhook_update(struct req *r)
{
	struct form	 f;
	struct sub_in	 in;
	char		*types = NULL, *u;
	long long	 id;
	int		 st, rc;

	id = req_pv_id(r, 0);
	if ((st = con_post(r, &f)) != 0)
		return st;
	memset(&in, 0, sizeof(in));
	if (ev_form_in(r, &f, &in, &types) == -1) {
		st = ev_sub_page(r, 400, id, &f);
		goto out;
	}
	if ((rc = db_sub_update(&r->dx, id, NULL, 0, &in)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no such webhook") : 500;
		goto out;
	}
	u = xasprintf("/admin/webhooks/%lld", id);
	st = con_done(r, u, "saved");
	free(u);
out:
	free(types);
	form_free(&f);
	return st;
}

/* POST /admin/webhooks/{id}/test: a ping for this webhook alone. */
int
h_con_webhook_test(struct req *r)
{
	struct form	 f;
	char		*uid, *u;
	long long	 id;
	int		 st, rc;

	id = req_pv_id(r, 0);
	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((rc = db_sub_test(&r->dx, id, NULL, &uid)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no such webhook") : 500;
		goto out;
	}
	free(uid);
	u = xasprintf("/admin/webhooks/%lld", id);
	st = con_done(r, u, "queued");
	free(u);
out:
	form_free(&f);
	return st;
}

/* POST /admin/webhooks/{id}/rotate: a new secret, shown once. */
int
h_con_webhook_rotate(struct req *r)
{
	struct form	 f;
	char		*secret;
	long long	 id;
	int		 st, rc;

	id = req_pv_id(r, 0);
	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((rc = db_sub_rotate(&r->dx, id, NULL, &secret)) != 1)
		st = rc == 0 ? req_fail(r, 404, "no such webhook") : 500;
	else {
		st = ev_secret_page(r, "Secret rotated", id, secret);
		secret_free(secret);
	}
	form_free(&f);
	return st;
}

/* POST /admin/webhooks/{id}/delete. */
int
h_con_webhook_delete(struct req *r)
{
	struct form	 f;
	long long	 id;
	int		 st, rc;

	id = req_pv_id(r, 0);
	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((rc = db_sub_delete(&r->dx, id, NULL)) != 1)
		st = rc == 0 ? req_fail(r, 404, "no such webhook") : 500;
	else
		st = con_done(r, "/admin/webhooks", "deleted");
	form_free(&f);
	return st;
}

/* GET /admin/deliveries?state=: deliveries of every webhook. */
int
h_con_deliveries(struct req *r)
{
	static const struct hcol cols[] = {
		{ "Delivery", NULL }, { "Webhook", NULL }, { "URL", NULL },
		{ "Event", NULL }, { "Type", NULL }, { "State", NULL },
		{ "Attempts", NULL }, { "Last status", NULL },
		{ "Created", NULL },
	};
	struct html	 h;
	struct delivery_list dl = { 0 };
	const struct delivery *d;
	struct hparam	 p[1];
	const char	*st;
	long long	 page, total;
	size_t		 i;

	if (ev_pageno(r, &page) != 0)
		return 400;
	st = req_qs(r, "state");
	if (st != NULL && *st == '\0')
		st = NULL;
	for (i = 1; st != NULL && i < 4; i++)
		if (strcmp(st, dstates[i].key) == 0)
			break;
	if (i == 4)
		return req_fail(r, 400, "state must be failed, pending or "
		    "delivered");
	if (db_delivery_list(&r->dx, 0, st, EV_PER_PAGE,
	    (page - 1) * EV_PER_PAGE, &dl, &total) == -1)
		return 500;
	p[0].key = "state";
	p[0].val = st;
	con_page(r, &h, "Deliveries", "webhooks");
	html_elem(&h, "h1", NULL, st != NULL && strcmp(st, "failed") == 0 ?
	    "Failed deliveries" : "Deliveries");
	html_form_get(&h, "/admin/deliveries", "filters");
	html_select(&h, "state", "State", dstates, 4, st);
	html_submit(&h, "Filter", "primary");
	html_form_end(&h);
	html_thead(&h, NULL, NULL, 0, NULL, cols, 9);
	for (i = 0; i < dl.n; i++) {
		d = &dl.v[i];
		html_lit(&h, "<tr>");
		ev_td_id(&h, "/admin/deliveries/", d->id);
		ev_td_id(&h, "/admin/webhooks/", d->sub_id);
		html_td(&h, d->url);
		html_td(&h, d->event);
		html_td(&h, d->type);
		html_td(&h, d->state);
		ev_td_num(&h, 1, d->attempts);
		ev_td_num(&h, d->has_status, d->status);
		html_td(&h, d->created_at);
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	html_pager(&h, "/admin/deliveries", p, 1, page, EV_PER_PAGE, total);
	delivery_list_free(&dl);
	return html_reply(&h, 200);
}

/* GET /admin/deliveries/{id}: the event and every attempt. */
int
h_con_delivery(struct req *r)
{
	static const struct hcol cols[] = {
		{ "#", NULL }, { "At", NULL }, { "Status", NULL },
		{ "Time (ms)", NULL }, { "Error", NULL },
		{ "Answer (first bytes)", NULL }, { "Notifier", NULL },
	};
	struct html	 h;
	struct delivery_list dl;
	struct attempt_list al;
	const struct delivery *d;
	const struct attempt *a;
	long long	 id;
	size_t		 i;
	char		*t, *u;
	int		 rc;

	id = req_pv_id(r, 0);
	if ((rc = db_delivery_get(&r->dx, id, &dl, &al)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such delivery") : 500;
	d = &dl.v[0];
	t = xasprintf("Delivery %lld", id);
	con_page(r, &h, t, "webhooks");
	ev_flash(r, &h);
	html_elem(&h, "h1", NULL, t);
	free(t);
	html_lit(&h, "<dl class=\"show\">");
	html_elem(&h, "dt", NULL, "Webhook");
	html_open(&h, "dd", NULL);
	u = xasprintf("/admin/webhooks/%lld", d->sub_id);
	html_a(&h, u, d->url);
	free(u);
	html_close(&h, "dd");
	html_elem(&h, "dt", NULL, "Event");
	html_elem(&h, "dd", NULL, d->event);
	html_elem(&h, "dt", NULL, "Type");
	html_elem(&h, "dd", NULL, d->type);
	html_elem(&h, "dt", NULL, "State");
	html_elem(&h, "dd", "state", d->state);
	html_elem(&h, "dt", NULL, "Attempts");
	html_open(&h, "dd", NULL);
	html_int(&h, d->attempts);
	html_close(&h, "dd");
	html_elem(&h, "dt", NULL, "Next attempt");
	html_elem(&h, "dd", NULL, strcmp(d->state, "pending") == 0 ?
	    d->next_at : "\xe2\x80\x94");
	html_lit(&h, "</dl>");
	if (strcmp(d->state, "pending") != 0) {
		u = xasprintf("/admin/deliveries/%lld/resend", id);
		html_form(&h, u, "inline");
		html_submit(&h, "Send again", "primary");
		html_form_end(&h);
		free(u);
	}
	html_elem(&h, "h2", NULL, "Event data");
	html_elem(&h, "pre", NULL, d->payload);
	html_elem(&h, "h2", NULL, "Attempts");
	html_thead(&h, NULL, NULL, 0, NULL, cols, 7);
	for (i = 0; i < al.n; i++) {
		a = &al.v[i];
		html_lit(&h, "<tr>");
		html_open(&h, "td", NULL);
		html_int(&h, (long long)i + 1);
		html_close(&h, "td");
		html_td(&h, a->at);
		ev_td_num(&h, a->has_status, a->status);
		ev_td_num(&h, 1, a->ms);
		html_td(&h, a->error);
		html_open(&h, "td", NULL);
		html_elem(&h, "code", NULL, a->response);
		html_close(&h, "td");
		html_td(&h, a->notifier);
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	delivery_list_free(&dl);
	attempt_list_free(&al);
	return html_reply(&h, 200);
}

/* POST /admin/deliveries/{id}/resend: send again. */
int
h_con_delivery_resend(struct req *r)
{
	struct form	 f;
	long long	 id;
	char		*u;
	int		 st, rc;

	id = req_pv_id(r, 0);
	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((rc = db_delivery_resend(&r->dx, id)) == -1)
		st = 500;
	else if (rc == 0)
		st = req_fail(r, 409, "no such delivery, or it is pending "
		    "already");
	else {
		u = xasprintf("/admin/deliveries/%lld", id);
		st = con_done(r, u, "queued");
		free(u);
	}
	form_free(&f);
	return st;
}
