/*
 * Handlers: the console's tenants and tenant apps (Partners > Tenants,
 * Partners > Tenant apps): pages, forms, create, edit, delete, bulk
 * enable/disable, key rotation. See h_console.c for the rules every
 * console page and form follows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define LIVE_PER	50	/* live apps a page on a tenant's apps */
#define TAPP_CHOICES	500	/* apps in a tenant app form's choice */

/* GET /admin/tenants/{id}: a tenant. */
int
h_con_tenant(struct req *r)
{
	struct html	 h;
	struct tenant	*t;
	char		*u, *js;
	long long	 id;
	int		 rc;

	id = req_pv_id(r, 0);
	if ((rc = db_tenant_get(&r->dx, id, 0, &t)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such tenant");
	con_page(r, &h, t->name, "tenants");
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL, "Tenants",
	    "/admin/tenants", t->name, NULL, NULL);
	html_lit(&h, "<div class=\"titlebar\">");
	html_open(&h, "h1", NULL);
	html_tf(&h, "Tenant %s", t->name);
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"actions\">");
	u = xasprintf("/admin/tenants/%lld/apps", t->id);
	html_open(&h, "a", "class", "button", "href", u, NULL);
	html_t(&h, "Tenant apps");
	html_close(&h, "a");
	free(u);
	u = xasprintf("/admin/tenants/%lld/rotate-key", t->id);
	html_open(&h, "a", "class", "button", "href", u, NULL);
	html_t(&h, "Rotate key");
	html_close(&h, "a");
	free(u);
	u = xasprintf("/admin/tenants/%lld/delete", t->id);
	html_open(&h, "a", "class", "button", "href", u, NULL);
	html_t(&h, "Delete");
	html_close(&h, "a");
	free(u);
	u = xasprintf("/admin/tenants/%lld/edit", t->id);
	html_open(&h, "a", "class", "button primary", "href", u, NULL);
	html_t(&h, "Edit");
	html_close(&h, "a");
	free(u);
	html_lit(&h, "</div></div><dl class=\"show\">");
	con_dl(&h, "Name", t->name);
	con_dl(&h, "Tenant id", t->uid);
	con_dl(&h, "Marketplace", t->mkt_nid);
	con_dl(&h, "Domain", t->domain);
	con_dl(&h, "App management", t->app_mgmt_tenant ? "tenant" :
	    "marketplace");
	html_elem(&h, "dt", NULL, "Tenant apps");
	html_open(&h, "dd", NULL);
	html_int(&h, t->napps);
	html_close(&h, "dd");
	html_elem(&h, "dt", NULL, "Created");
	html_lit(&h, "<dd>");
	html_time(&h, t->created_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Updated");
	html_lit(&h, "<dd>");
	html_time(&h, t->updated_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Version");
	html_open(&h, "dd", NULL);
	html_int(&h, t->version);
	html_close(&h, "dd");
	html_lit(&h, "</dl><h2>Metadata</h2>");
	js = con_json_pretty(t->metadata);
	html_elem(&h, "pre", "json metadata", js);
	free(js);
	html_lit(&h, "<h2>Frontend configuration</h2>");
	js = con_json_pretty(t->frontend_config);
	html_elem(&h, "pre", "json", js);
	free(js);
	js = xasprintf("%lld", t->id);
	u = html_qurl("/admin/audit", NULL, 0, "tenant", js);
	free(js);
	html_lit(&h, "<p>");
	html_a(&h, u, "Audit trail of this tenant and its tenant apps");
	html_lit(&h, "</p>");
	free(u);
	tenant_free(t);
	return html_reply(&h, 200);
}

/*
 * The tenant edit form: values from the form when re-showing input
 * (in), else from the tenant.
 */
static int
con_tenant_form(struct req *r, int status, const struct tenant *t,
    const struct form *in)
{
	struct html	 h;
	char		*u, *meta, *fe, ver[24];

	if (in != NULL) {
		meta = xstrdup(form_get(in, "metadata") ?
		    form_get(in, "metadata") : "");
		fe = xstrdup(form_get(in, "frontend_config") ?
		    form_get(in, "frontend_config") : "");
	} else {
		meta = con_json_pretty(t->metadata);
		fe = con_json_pretty(t->frontend_config);
	}
	snprintf(ver, sizeof(ver), "%lld", t->version);
	con_page(r, &h, "Edit tenant", "tenants");
	u = xasprintf("/admin/tenants/%lld", t->id);
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL, "Tenants",
	    "/admin/tenants", t->name, u, "Edit", NULL, NULL);
	free(u);
	html_open(&h, "h1", NULL);
	html_tf(&h, "Edit tenant %s", t->name);
	html_close(&h, "h1");
	if (status >= 400)
		html_elem(&h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below; your "
		    "input is kept.");
	u = xasprintf("/admin/tenants/%lld", t->id);
	html_form(&h, u, "edit");
	html_hidden(&h, "version", in && form_get(in, "version") ?
	    form_get(in, "version") : ver);
	html_input(&h, "name", "Name", "text", in ? form_get(in, "name") :
	    t->name, NULL);
	html_input(&h, "domain", "Domain", "text", in ?
	    form_get(in, "domain") : t->domain, "the express frontend's "
	    "host name");
	html_textarea(&h, "metadata", "Metadata (JSON object)", meta,
	    "e.g. {\"app_management\": \"tenant\"}; \"tenant\" makes the "
	    "catalog exactly the tenant apps");
	html_textarea(&h, "frontend_config", "Frontend configuration (JSON "
	    "object)", fe, NULL);
	html_submit(&h, "Save", "primary");
	html_t(&h, " ");
	html_a(&h, u, "Cancel");
	html_form_end(&h);
	free(u);
	free(meta);
	free(fe);
	return html_reply(&h, status);
}

/* GET /admin/tenants/{id}/edit. */
int
h_con_tenant_edit(struct req *r)
{
	struct tenant	*t;
	long long	 id;
	int		 rc;

	id = req_pv_id(r, 0);
	if ((rc = db_tenant_get(&r->dx, id, 0, &t)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such tenant");
	rc = con_tenant_form(r, 200, t, NULL);
	tenant_free(t);
	return rc;
}

/*
 * POST /admin/tenants/{id}: name, domain, metadata, frontend_config,
 * version. Validated by tenant_in_check like the JSON API; on error the
 * form comes back with the input and the errors beside the fields.
 */
int
h_con_tenant_update(struct req *r)
{
	struct form	 f;
	struct tenant	*t = NULL;
	struct tenant_in in;
	const char	*v;
	char		*u;
	long long	 id, ver = 0;
	int		 st, rc;

	memset(&in, 0, sizeof(in));
	if ((st = con_post(r, &f)) != 0)
		return st;
	id = req_pv_id(r, 0);
	if ((rc = db_tenant_get(&r->dx, id, 0, &t)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no such tenant") : 500;
		goto out;
	}
	/* The form always carries it: a lost update is never silent. */
	if ((v = form_get(&f, "version")) == NULL ||
	    num_parse(v, 1, INT32_MAX, &ver) == -1)
		req_field(r, "version", "must be the version you edited");
	in.name = form_get(&f, "name");
	in.domain = form_get(&f, "domain");
	in.metadata = form_get(&f, "metadata");
	in.frontend_config = form_get(&f, "frontend_config");
	if (r->ferrsz > 0 || tenant_in_check(r, &in, 0) == -1) {
		st = con_tenant_form(r, 400, t, &f);
		goto out;
	}
	rc = db_tenant_update(&r->dx, id, 0, ver, &in);
	if (rc == DBRC_OK) {
		u = xasprintf("/admin/tenants/%lld", id);
		st = con_done(r, u, "saved");
		free(u);
		goto out;
	}
	st = tenant_status(r, rc);
	if (rc == DBRC_STALE)
		req_fail(r, 409, "Someone changed this tenant since you "
		    "opened the form; your input is kept. Reload the page to "
		    "see their version.");
	if (st < 500 && st != 404)
		st = con_tenant_form(r, rc == DBRC_STALE ? 409 : st, t, &f);
out:
	tenant_in_free(&in);
	tenant_free(t);
	form_free(&f);
	return st;
}

/*
 * The tenant of path parameter 0: 0 with *t (owned; tenant_free), or
 * the status to answer (404, 500).
 */
int
con_tenant_of(struct req *r, struct tenant **t)
{
	long long	 id;
	int		 rc;

	*t = NULL;
	id = req_pv_id(r, 0);
	if ((rc = db_tenant_get(&r->dx, id, 0, t)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such tenant");
	return 0;
}

/*
 * GET /admin/tenants/{id}/apps: the tenant's relations ("New Tenant
 * app" at the top right; edit, delete per row) and every app live on
 * its marketplace with bulk enable/disable.
 */
int
h_con_tenant_apps(struct req *r)
{
	static const struct hcol cols[] = {
		{ "App", NULL }, { "Nid", NULL }, { "Rank", NULL },
		{ "Featured", NULL }, { "Live", NULL }, { "Updated", NULL },
		{ "", NULL },
	};
	static const struct hcol lcols[] = {
		{ "", NULL }, { "App", NULL }, { "Nid", NULL },
		{ "Enabled for this tenant", NULL },
	};
	struct html		 h;
	struct tenant		*t;
	struct tenant_app	**ta = NULL;
	struct live_app_list	 live = { 0 };
	struct hparam		 p[1];
	const char		*q, *v;
	size_t			 nta = 0, i;
	char			*u, *b;
	long long		 page = 1, total;
	int			 st;

	/* The live apps part is searched (?q=) and paged (?page=). */
	if ((q = req_qs(r, "q")) != NULL && *q == '\0')
		q = NULL;
	if (q != NULL && !valid_text(q, 1, 255))
		return req_fail(r, 400, "q must be at most 255 characters");
	if ((v = req_qs(r, "page")) != NULL && *v != '\0' &&
	    num_parse(v, 1, 1000000, &page) == -1)
		return req_fail(r, 400, "page must be a page number");
	if ((st = con_tenant_of(r, &t)) != 0)
		return st;
	if (db_tenant_app_list(&r->dx, t->id, 0, &ta, &nta) == -1 ||
	    db_console_live_page(&r->dx, t->mkt_id, t->id, q, LIVE_PER,
	    (page - 1) * LIVE_PER, &live, &total) == -1) {
		tenant_app_list_free(ta, nta);
		tenant_free(t);
		return 500;
	}
	con_page(r, &h, "Tenant apps", "tenant-apps");
	b = xasprintf("/admin/tenants/%lld", t->id);
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL, "Tenants",
	    "/admin/tenants", t->name, b, "Tenant apps", NULL, NULL);
	free(b);
	html_lit(&h, "<div class=\"titlebar\">");
	html_open(&h, "h1", NULL);
	html_tf(&h, "Tenant apps of %s", t->name);
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"actions\">");
	u = xasprintf("/admin/tenants/%lld/apps/new", t->id);
	html_open(&h, "a", "class", "button primary", "href", u, "id",
	    "new-tenant-app", NULL);
	html_t(&h, "New Tenant app");
	html_close(&h, "a");
	free(u);
	html_lit(&h, "</div></div>");
	html_open(&h, "p", "class", "muted", NULL);
	html_tf(&h, "Marketplace %s. App management: %s%s", t->mkt_nid,
	    t->app_mgmt_tenant ? "tenant" : "marketplace",
	    t->app_mgmt_tenant ? " (the catalog is exactly these apps)." :
	    " (the catalog is every live app of the marketplace; set "
	    "\"app_management\": \"tenant\" in the metadata to use this "
	    "list).");
	html_close(&h, "p");

	html_thead(&h, NULL, NULL, 0, NULL, cols, 7);
	for (i = 0; i < nta; i++) {
		html_open(&h, "tr", "id", NULL, NULL);
		html_td(&h, ta[i]->app_name);
		html_open(&h, "td", "class", "mono", NULL);
		html_t(&h, ta[i]->app_nid);
		html_close(&h, "td");
		html_open(&h, "td", NULL);
		if (ta[i]->has_rank)
			html_int(&h, ta[i]->rank);
		html_close(&h, "td");
		html_td(&h, ta[i]->featured ? "yes" : "no");
		html_td(&h, ta[i]->live ? "yes" : "no");
		html_lit(&h, "<td class=\"nowrap\">");
		html_time(&h, ta[i]->updated_at);
		html_lit(&h, "</td>");
		html_open(&h, "td", "class", "row-actions", NULL);
		u = xasprintf("/admin/tenants/%lld/apps/%lld/edit", t->id,
		    ta[i]->id);
		html_a(&h, u, "Edit");
		free(u);
		html_t(&h, " ");
		u = xasprintf("/admin/tenants/%lld/apps/%lld/delete", t->id,
		    ta[i]->id);
		html_a(&h, u, "Delete");
		free(u);
		html_close(&h, "td");
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	if (nta == 0)
		html_elem(&h, "p", "muted", "No tenant apps yet.");

	html_elem(&h, "h2", NULL, "Apps live on the marketplace");
	u = xasprintf("/admin/tenants/%lld/apps", t->id);
	html_form_get(&h, u, "filters");
	html_input(&h, "q", "Search the live apps", "search", q,
	    "name or nid");
	html_submit(&h, "Search", "primary");
	html_t(&h, " ");
	html_a(&h, u, "Clear");
	html_form_end(&h);
	free(u);
	u = xasprintf("/admin/tenants/%lld/apps/bulk", t->id);
	html_form(&h, u, "bulkform");
	free(u);
	html_thead(&h, NULL, NULL, 0, NULL, lcols, 4);
	for (i = 0; i < live.n; i++) {
		html_lit(&h, "<tr><td>");
		html_open(&h, "input", "type", "checkbox", "name", "ids",
		    "value", live.v[i].id_text, "aria-label", live.v[i].name,
		    NULL);
		html_lit(&h, "</td>");
		html_td(&h, live.v[i].name);
		html_open(&h, "td", "class", "mono", NULL);
		html_t(&h, live.v[i].nid);
		html_close(&h, "td");
		html_td(&h, live.v[i].attached ? "yes" : "no");
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	html_lit(&h, "<div class=\"bulk\"><label><input type=\"checkbox\" "
	    "data-select-all=\"ids\"> all</label>"
	    "<button type=\"submit\" name=\"action\" value=\"enable\">"
	    "Enable selected</button>"
	    "<button type=\"submit\" name=\"action\" value=\"disable\">"
	    "Disable selected</button></div>");
	html_form_end(&h);
	p[0].key = "q";
	p[0].val = q;
	u = xasprintf("/admin/tenants/%lld/apps", t->id);
	html_pager(&h, u, p, 1, page, LIVE_PER, total);
	free(u);
	tenant_app_list_free(ta, nta);
	live_app_list_free(&live);
	tenant_free(t);
	return html_reply(&h, 200);
}

/*
 * The tenant app form (new when ta is NULL): app (select of the apps
 * live on the tenant's marketplace; on edit too, to move the relation),
 * rank, featured. Input kept from in, errors beside the fields.
 */
static int
con_tapp_form(struct req *r, int status, const struct tenant *t,
    const struct tenant_app *ta, const struct form *in)
{
	struct html	 h;
	struct live_app_list live;
	struct hparam	*opts;
	struct hparam	 qp[1];
	const char	*sel, *q, *v;
	char		*u, *b, **lbl, rank[24], appid[24];
	long long	 total, pg = 1;
	size_t		 i, n = 0;

	/*
	 * A marketplace with many apps: ?q= narrows the choice, ?page=
	 * pages through it, TAPP_CHOICES at a time (a new relation only).
	 */
	if ((q = req_qs(r, "q")) != NULL && (*q == '\0' ||
	    !valid_text(q, 1, 255)))
		q = NULL;
	if ((v = req_qs(r, "page")) != NULL &&
	    num_parse(v, 1, 1000000, &pg) == -1)
		pg = 1;
	if (db_console_live_page(&r->dx, t->mkt_id, t->id, q, TAPP_CHOICES,
	    (pg - 1) * TAPP_CHOICES, &live, &total) == -1)
		return 500;
	/* Apps attached already say so (creating them again is a 409). */
	opts = xcalloc(live.n + 2, sizeof(*opts));
	lbl = xcalloc(live.n + 1, sizeof(*lbl));
	opts[n].key = "";
	opts[n++].val = "Choose an app";
	/* An edited relation keeps its app whichever page is shown. */
	appid[0] = '\0';
	if (ta != NULL)
		snprintf(appid, sizeof(appid), "%lld", ta->app_id);
	for (i = 0; ta != NULL && i < live.n; i++)
		if (live.v[i].id == ta->app_id)
			break;
	if (ta != NULL && i == live.n) {
		opts[n].key = appid;
		opts[n++].val = ta->app_name;
	}
	for (i = 0; i < live.n; i++) {
		opts[n].key = live.v[i].id_text;
		opts[n].val = live.v[i].name;
		if (live.v[i].attached && (ta == NULL ||
		    live.v[i].id != ta->app_id))
			opts[n].val = lbl[i] = xasprintf("%s (already "
			    "attached)", live.v[i].name);
		n++;
	}
	rank[0] = '\0';
	if (ta != NULL) {
		if (ta->has_rank)
			snprintf(rank, sizeof(rank), "%lld", ta->rank);
	}
	sel = in ? form_get(in, "app") : appid;
	con_page(r, &h, ta ? "Edit tenant app" : "New tenant app",
	    "tenant-apps");
	u = xasprintf("/admin/tenants/%lld", t->id);
	b = xasprintf("/admin/tenants/%lld/apps", t->id);
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL, "Tenants",
	    "/admin/tenants", t->name, u, "Tenant apps", b, ta ?
	    ta->app_name : "New", NULL, NULL);
	free(u);
	free(b);
	html_open(&h, "h1", NULL);
	if (ta != NULL)
		html_tf(&h, "Edit tenant app %s of %s", ta->app_name, t->name);
	else
		html_tf(&h, "New tenant app for %s", t->name);
	html_close(&h, "h1");
	if (status >= 400)
		html_elem(&h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below; your "
		    "input is kept.");
	u = ta == NULL ? xasprintf("/admin/tenants/%lld/apps/new", t->id) :
	    xasprintf("/admin/tenants/%lld/apps/%lld/edit", t->id, ta->id);
	html_form_get(&h, u, "filters");
	html_input(&h, "q", "Find an app", "search", q, total > TAPP_CHOICES ?
	    "the choice below shows 500 of the live apps at a time: search "
	    "to narrow it, or page through them" : "name or nid");
	html_submit(&h, "Search", NULL);
	html_form_end(&h);
	if (total > TAPP_CHOICES) {
		qp[0].key = "q";
		qp[0].val = q;
		html_pager(&h, u, qp, 1, pg, TAPP_CHOICES, total);
	}
	free(u);
	if (ta != NULL)
		u = xasprintf("/admin/tenants/%lld/apps/%lld", t->id, ta->id);
	else
		u = xasprintf("/admin/tenants/%lld/apps", t->id);
	html_form(&h, u, "edit");
	free(u);
	html_select(&h, "app", "App", opts, n, sel);
	html_input(&h, "rank", "Rank", "number", in ? form_get(in, "rank") :
	    rank, "lower first; empty for none");
	html_checkbox(&h, "featured", "Featured", in ?
	    form_get(in, "featured") != NULL : ta != NULL && ta->featured);
	html_submit(&h, ta ? "Save" : "Create", "primary");
	html_t(&h, " ");
	u = xasprintf("/admin/tenants/%lld/apps", t->id);
	html_a(&h, u, "Cancel");
	free(u);
	html_form_end(&h);
	for (i = 0; i < live.n; i++)
		free(lbl[i]);
	free(lbl);
	free(opts);
	live_app_list_free(&live);
	return html_reply(&h, status);
}

/* GET /admin/tenants/{id}/apps/new. */
int
h_con_tenant_app_new(struct req *r)
{
	struct tenant	*t;
	int		 st;

	if ((st = con_tenant_of(r, &t)) != 0)
		return st;
	st = con_tapp_form(r, 200, t, NULL, NULL);
	tenant_free(t);
	return st;
}

/* The relation of path parameters 0 (tenant) and 1; status or 0. */
static int
con_tapp_of(struct req *r, struct tenant **t, struct tenant_app **ta)
{
	long long	 id;
	int		 st, rc;

	*ta = NULL;
	if ((st = con_tenant_of(r, t)) != 0)
		return st;
	id = req_pv_id(r, 1);
	if ((rc = db_tenant_app_get(&r->dx, (*t)->id, 0, id, ta)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such tenant app");
	return 0;
}

/* GET /admin/tenants/{id}/apps/{aid}/edit. */
int
h_con_tenant_app_edit(struct req *r)
{
	struct tenant		*t;
	struct tenant_app	*ta;
	int			 st;

	if ((st = con_tapp_of(r, &t, &ta)) == 0)
		st = con_tapp_form(r, 200, t, ta, NULL);
	tenant_app_free(ta);
	tenant_free(t);
	return st;
}

/*
 * POST /admin/tenants/{id}/apps (create) and
 * POST /admin/tenants/{id}/apps/{aid} (update): app, rank, featured,
 * checked by tenant_app_in_check like the JSON API.
 */
static int
con_tapp_save(struct req *r, int create)
{
	struct form		 f;
	struct tenant		*t = NULL;
	struct tenant_app	*ta = NULL;
	struct tenant_app_in	 in;
	char			*u;
	long long		 id;
	int			 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = create ? con_tenant_of(r, &t) :
	    con_tapp_of(r, &t, &ta)) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.app = form_get(&f, "app");
	if (in.app != NULL && *in.app == '\0')
		in.app = NULL;
	if (create && in.app == NULL) {
		req_field(r, "app", "choose an app");
		st = con_tapp_form(r, 400, t, ta, &f);
		goto out;
	}
	in.rank = form_get(&f, "rank");
	if (in.rank == NULL)
		in.rank = "";
	in.featured = form_get(&f, "featured") != NULL;
	if (tenant_app_in_check(r, &in, create) == -1) {
		st = con_tapp_form(r, 400, t, ta, &f);
		goto out;
	}
	if (create)
		rc = db_tenant_app_create(&r->dx, t->id, 0, &in, &id);
	else
		rc = db_tenant_app_update(&r->dx, t->id, 0, ta->id, &in);
	if (rc == DBRC_OK) {
		u = xasprintf("/admin/tenants/%lld/apps", t->id);
		st = con_done(r, u, create ? "created" : "saved");
		free(u);
		goto out;
	}
	st = tapp_status(r, rc);
	if (st < 500 && st != 404)
		st = con_tapp_form(r, st, t, ta, &f);
out:
	tenant_app_free(ta);
	tenant_free(t);
	form_free(&f);
	return st;
}

/* POST /admin/tenants/{id}/apps. */
int
h_con_tenant_app_create(struct req *r)
{
	return con_tapp_save(r, 1);
}

/* POST /admin/tenants/{id}/apps/{aid}. */
int
h_con_tenant_app_update(struct req *r)
{
	return con_tapp_save(r, 0);
}

/* GET /admin/tenants/{id}/apps/{aid}/delete: confirm first. */
int
h_con_tenant_app_delete_ask(struct req *r)
{
	struct tenant		*t;
	struct tenant_app	*ta;
	char			*q, *a, *b;
	int			 st;

	if ((st = con_tapp_of(r, &t, &ta)) == 0) {
		q = xasprintf("Remove %s from the apps of tenant %s? Its "
		    "catalog changes at once.", ta->app_name, t->name);
		a = xasprintf("/admin/tenants/%lld/apps/%lld/delete", t->id,
		    ta->id);
		b = xasprintf("/admin/tenants/%lld/apps", t->id);
		st = con_confirm(r, "Delete tenant app", q, a, "Delete", b);
		free(q);
		free(a);
		free(b);
	}
	tenant_app_free(ta);
	tenant_free(t);
	return st;
}

/* POST /admin/tenants/{id}/apps/{aid}/delete. */
int
h_con_tenant_app_delete(struct req *r)
{
	struct form		 f;
	struct tenant		*t = NULL;
	struct tenant_app	*ta = NULL;
	char			*u;
	int			 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = con_tapp_of(r, &t, &ta)) != 0)
		goto out;
	rc = db_tenant_app_delete(&r->dx, t->id, 0, ta->id);
	if (rc != DBRC_OK) {
		st = tenant_status(r, rc);
		goto out;
	}
	u = xasprintf("/admin/tenants/%lld/apps", t->id);
	st = con_done(r, u, "deleted");
	free(u);
out:
	tenant_app_free(ta);
	tenant_free(t);
	form_free(&f);
	return st;
}

/*
 * POST /admin/tenants/{id}/apps/bulk: action (enable or disable) and
 * ids (app ids). Disabling asks first: without confirm=1 it answers a
 * confirmation page that posts the same selection again.
 */
int
h_con_tenant_apps_bulk(struct req *r)
{
	struct form	 f;
	struct html	 h;
	struct tenant	*t = NULL;
	long long	*ids = NULL, changed = 0;
	struct bulk_bad	 bad;
	const char	*act, *cf;
	char		*u = NULL;
	size_t		 i, n = 0;
	int		 st, rc, en;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = con_tenant_of(r, &t)) != 0)
		goto out;
	act = form_get(&f, "action");
	if (act == NULL || (strcmp(act, "enable") != 0 &&
	    strcmp(act, "disable") != 0)) {
		st = req_fail(r, 400, "action must be enable or disable");
		goto out;
	}
	en = strcmp(act, "enable") == 0;
	ids = xcalloc(f.n, sizeof(*ids));
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.kv[i].key, "ids") != 0)
			continue;
		if (!valid_id(f.kv[i].val, &ids[n])) {
			st = req_fail(r, 400, "ids must be app ids");
			goto out;
		}
		n++;
	}
	u = xasprintf("/admin/tenants/%lld/apps", t->id);
	if (n == 0) {
		st = req_fail(r, 400, "select at least one app");
		goto out;
	}
	cf = form_get(&f, "confirm");
	if (!en && (cf == NULL || strcmp(cf, "1") != 0)) {
		con_page(r, &h, "Disable tenant apps", "tenant-apps");
		html_elem(&h, "h1", NULL, "Disable tenant apps");
		html_open(&h, "p", "class", "confirm", NULL);
		html_tf(&h, "Remove %zu app%s from the apps of tenant %s? "
		    "Its catalog changes at once.", n, n == 1 ? "" : "s",
		    t->name);
		html_close(&h, "p");
		free(u);
		u = xasprintf("/admin/tenants/%lld/apps/bulk", t->id);
		html_form(&h, u, "confirm");
		html_hidden(&h, "action", "disable");
		html_hidden(&h, "confirm", "1");
		for (i = 0; i < f.n; i++)
			if (strcmp(f.kv[i].key, "ids") == 0)
				html_hidden(&h, "ids", f.kv[i].val);
		html_submit(&h, "Disable", "danger");
		html_t(&h, " ");
		free(u);
		u = xasprintf("/admin/tenants/%lld/apps", t->id);
		html_a(&h, u, "Cancel");
		html_form_end(&h);
		st = html_reply(&h, 200);
		goto out;
	}
	rc = db_tenant_apps_bulk(&r->dx, t->id, 0, en ? ids : NULL, en ? n : 0,
	    en ? NULL : ids, en ? 0 : n, &changed, &bad);
	if (rc != DBRC_OK) {
		st = tapp_bulk_status(r, rc, &bad);
		goto out;
	}
	st = con_done(r, u, en ? "enabled" : "disabled");
out:
	free(u);
	free(ids);
	tenant_free(t);
	form_free(&f);
	return st;
}

/* A page showing a tenant's id and key once (after create or rotate). */
static int
con_tenant_key_page(struct req *r, long long id, const char *title,
    const char *uid, const char *key, long long grace)
{
	struct html	 h;
	char		*u;

	con_page(r, &h, title, "tenants");
	html_elem(&h, "h1", NULL, title);
	html_lit(&h, "<div class=\"secret\"><p>The tenant key is shown "
	    "<strong>this once</strong>; only its hash is kept. The express "
	    "frontend authenticates with the tenant id and this key.</p>"
	    "<dl class=\"show\">");
	con_dl(&h, "Tenant id", uid);
	html_elem(&h, "dt", NULL, "Tenant key");
	html_open(&h, "dd", NULL);
	html_elem(&h, "code", "token", key);
	html_close(&h, "dd");
	html_lit(&h, "</dl></div>");
	if (grace >= 0)
		con_grace_note(&h, grace);
	html_lit(&h, "<p>");
	u = xasprintf("/admin/tenants/%lld", id);
	html_a(&h, u, "Go to the tenant");
	free(u);
	html_lit(&h, "</p>");
	return html_reply(&h, 200);
}

/* The new tenant form, input kept from in. */
static int
con_tenant_new_form(struct req *r, int status, const struct form *in)
{
	struct html	 h;
	struct mkt_name_list mk;
	struct hparam	*opts;
	size_t		 nopt;

	if ((opts = con_mkt_opts(r, &mk, &nopt)) == NULL)
		return 500;
	opts[0].val = "Choose a marketplace";
	con_page(r, &h, "New tenant", "tenants");
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL, "Tenants",
	    "/admin/tenants", "New", NULL, NULL);
	html_elem(&h, "h1", NULL, "New tenant");
	if (status >= 400)
		html_elem(&h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below; your "
		    "input is kept.");
	html_form(&h, "/admin/tenants", "edit");
	html_select(&h, "marketplace", "Marketplace", opts, nopt, in ?
	    form_get(in, "marketplace") : req_qs(r, "marketplace"));
	html_input(&h, "name", "Name", "text", in ? form_get(in, "name") :
	    NULL, NULL);
	html_input(&h, "uid", "Tenant id", "text", in ? form_get(in, "uid") :
	    NULL, "optional; generated when empty");
	html_input(&h, "domain", "Domain", "text", in ?
	    form_get(in, "domain") : NULL, "the express frontend's host name");
	html_textarea(&h, "metadata", "Metadata (JSON object)", in ?
	    form_get(in, "metadata") : "{\"app_management\": \"marketplace\"}",
	    NULL);
	html_textarea(&h, "frontend_config", "Frontend configuration (JSON "
	    "object)", in ? form_get(in, "frontend_config") : "{}", NULL);
	html_submit(&h, "Create", "primary");
	html_t(&h, " ");
	html_a(&h, "/admin/tenants", "Cancel");
	html_form_end(&h);
	free(opts);
	mkt_name_list_free(&mk);
	return html_reply(&h, status);
}

/* GET /admin/tenants/new. */
int
h_con_tenant_new(struct req *r)
{
	return con_tenant_new_form(r, 200, NULL);
}

/*
 * POST /admin/tenants: marketplace (id), name, uid, domain, metadata,
 * frontend_config; checked by tenant_in_check and created by
 * db_tenant_create like the API. The answer shows the key once.
 */
int
h_con_tenant_create(struct req *r)
{
	struct form	 f;
	struct tenant_in in;
	struct tenant	*t = NULL;
	const char	*v;
	char		*key = NULL;
	long long	 id;
	int		 st, rc;

	memset(&in, 0, sizeof(in));
	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((v = form_get(&f, "marketplace")) == NULL || *v == '\0')
		req_field(r, "marketplace", "choose a marketplace");
	else if (!valid_id(v, &in.mkt_id))
		req_field(r, "marketplace", "is not a marketplace");
	in.name = form_get(&f, "name");
	in.uid = form_get(&f, "uid");
	if (in.uid != NULL && *in.uid == '\0')
		in.uid = NULL;
	in.domain = form_get(&f, "domain");
	in.metadata = form_get(&f, "metadata");
	in.frontend_config = form_get(&f, "frontend_config");
	if (tenant_in_check(r, &in, 1) == -1 || r->ferrsz > 0) {
		st = con_tenant_new_form(r, 400, &f);
		goto out;
	}
	rc = db_tenant_create(&r->dx, &in, &id, &key, NULL, NULL);
	if (rc == DBRC_OK) {
		if (db_tenant_get(&r->dx, id, 0, &t) != 1) {
			st = 500;
			goto out;
		}
		st = con_tenant_key_page(r, id, "Tenant created", t->uid,
		    key, -1);
		goto out;
	}
	st = tenant_status(r, rc);
	if (st < 500)
		st = con_tenant_new_form(r, st, &f);
out:
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	free(key);
	tenant_free(t);
	tenant_in_free(&in);
	form_free(&f);
	return st;
}

/* GET /admin/tenants/{id}/rotate-key: confirm. */
int
h_con_tenant_rotate_ask(struct req *r)
{
	struct tenant	*t;
	char		*q, *a, *b;
	int		 st;

	if ((st = con_tenant_of(r, &t)) != 0)
		return st;
	q = xasprintf("Give tenant %s a new key? The current key keeps "
	    "working for %lld seconds; update the express frontend's "
	    "configuration with the new one.", t->name,
	    r->conf->secret_grace);
	a = xasprintf("/admin/tenants/%lld/rotate-key", t->id);
	b = xasprintf("/admin/tenants/%lld", t->id);
	st = con_confirm_rotate(r, "Rotate the tenant key", q, a, b);
	free(q);
	free(a);
	free(b);
	tenant_free(t);
	return st;
}

/*
 * POST /admin/tenants/{id}/rotate-key [revoke_now=1]: the new key, shown
 * once; the old one lives secret_grace seconds, or is revoked now.
 */
int
h_con_tenant_rotate(struct req *r)
{
	struct form	 f;
	struct tenant	*t = NULL;
	char		*key = NULL;
	long long	 grace;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if (con_grace(r, &f, &grace) == -1) {
		st = req_fail(r, 400, "the form is invalid");
		goto out;
	}
	if ((st = con_tenant_of(r, &t)) != 0)
		goto out;
	if ((rc = db_tenant_rotate_key(&r->dx, t->id, 0, grace, &key)) !=
	    DBRC_OK) {
		st = tenant_status(r, rc);
		goto out;
	}
	st = con_tenant_key_page(r, t->id, "New tenant key", t->uid, key,
	    grace);
out:
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	free(key);
	tenant_free(t);
	form_free(&f);
	return st;
}
