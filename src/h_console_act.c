/*
 * Handlers: console actions an operator used to leave the console for:
 * deleting a tenant, providers (create, edit, rotate the secret, their
 * apps), marketplaces (edit the endpoints; the certificate and its
 * history). Each POST passes con_post (Origin, Sec-Fetch-Site, CSRF
 * token) first, is validated by the same field tables as the JSON API,
 * carries the version it was made from, changes data only through the
 * shared db functions (which write the audit row in the change's
 * transaction) and answers with a redirect, or with the secret shown
 * once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/* A button-styled link. */
static void
act_button(struct html *h, const char *href, const char *label,
    const char *cls)
{
	html_open(h, "a", "class", cls, "href", href, NULL);
	html_t(h, label);
	html_close(h, "a");
}

/* "label: <time>" in a definition list. */
static void
act_dl_time(struct html *h, const char *label, const char *iso)
{
	html_elem(h, "dt", NULL, label);
	html_lit(h, "<dd>");
	html_time(h, iso);
	html_lit(h, "</dd>");
}

/* The "Correct the fields" banner of a form answered again. */
static void
act_flash(struct req *r, struct html *h, int status)
{
	if (status >= 400)
		html_elem(h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below; your "
		    "input is kept.");
}

/* Tenants: delete. */

/*
 * GET /admin/tenants/{id}/delete: what goes with the tenant (its key,
 * each of its tenant apps, listed), then a confirmation carrying the
 * version seen.
 */
int
h_con_tenant_delete_ask(struct req *r)
{
	struct html		 h;
	struct tenant		*t;
	struct tenant_app	**ta = NULL;
	size_t			 nta = 0, i;
	char			*u, ver[24];
	int			 st;

	if ((st = con_tenant_of(r, &t)) != 0)
		return st;
	if (db_tenant_app_list(&r->dx, t->id, 0, &ta, &nta) == -1) {
		tenant_free(t);
		return 500;
	}
	con_page(r, &h, "Delete tenant", "tenants");
	u = xasprintf("/admin/tenants/%lld", t->id);
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL, "Tenants",
	    "/admin/tenants", t->name, u, "Delete", NULL, NULL);
	html_elem(&h, "h1", NULL, "Delete tenant");
	html_open(&h, "p", "class", "confirm", NULL);
	html_tf(&h, "Delete tenant %s (%s) of marketplace %s? Its key stops "
	    "working at once, its express frontend loses its catalog, and "
	    "its %lld tenant app%s %s deleted with it. This cannot be "
	    "undone; the audit log keeps a copy of the tenant.", t->name,
	    t->uid, t->mkt_nid, (long long)nta, nta == 1 ? "" : "s",
	    nta == 1 ? "is" : "are");
	html_close(&h, "p");
	if (nta > 0) {
		html_lit(&h, "<ul class=\"doomed\">");
		for (i = 0; i < nta; i++) {
			html_lit(&h, "<li>");
			html_tf(&h, "%s (%s)", ta[i]->app_name,
			    ta[i]->app_nid);
			html_lit(&h, "</li>");
		}
		html_lit(&h, "</ul>");
	}
	free(u);
	u = xasprintf("/admin/tenants/%lld/delete", t->id);
	html_form(&h, u, "confirm");
	free(u);
	snprintf(ver, sizeof(ver), "%lld", t->version);
	html_hidden(&h, "version", ver);
	html_submit(&h, "Delete the tenant", "danger");
	html_t(&h, " ");
	u = xasprintf("/admin/tenants/%lld", t->id);
	html_a(&h, u, "Cancel");
	free(u);
	html_form_end(&h);
	tenant_app_list_free(ta, nta);
	tenant_free(t);
	return html_reply(&h, 200);
}

/*
 * POST /admin/tenants/{id}/delete: version. db_tenant_delete (as
 * DELETE /api/v1/admin/tenants/{id}) removes it, its key and its tenant
 * apps; a changed tenant is a 409.
 */
int
h_con_tenant_delete(struct req *r)
{
	struct form	 f;
	const char	*v;
	long long	 id, ver;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	id = req_pv_id(r, 0);
	if ((v = form_get(&f, "version")) == NULL ||
	    num_parse(v, 1, INT32_MAX, &ver) == -1) {
		st = req_fail(r, 400, "version must be the version you saw");
		goto out;
	}
	if ((rc = db_tenant_delete(&r->dx, id, 0, ver)) == DBRC_STALE)
		st = req_fail(r, 409, "Someone changed this tenant since you "
		    "asked to delete it; look at it again first.");
	else if (rc != DBRC_OK)
		st = tenant_status(r, rc);
	else
		st = con_done(r, "/admin/tenants", "deleted");
out:
	form_free(&f);
	return st;
}

/* Providers. */

/* The provider form (new when p is NULL), input kept from in. */
static int
act_provider_form(struct req *r, int status, const struct provider *p,
    const char *ver, const struct form *in)
{
	struct html	 h;
	char		*u;

	con_page(r, &h, p ? "Edit provider" : "New provider", "providers");
	if (p != NULL) {
		u = xasprintf("/admin/providers/%lld", p->id);
		html_crumbs(&h, "Dashboard", "/admin", "Providers",
		    "/admin/providers", p->nid, u, "Edit",
		    NULL, NULL);
		free(u);
		html_open(&h, "h1", NULL);
		html_tf(&h, "Edit provider %s", p->nid);
		html_close(&h, "h1");
	} else {
		html_crumbs(&h, "Dashboard", "/admin", "Providers",
		    "/admin/providers", "New", NULL, NULL);
		html_elem(&h, "h1", NULL, "New provider");
	}
	act_flash(r, &h, status);
	u = p ? xasprintf("/admin/providers/%lld", p->id) :
	    xstrdup("/admin/providers");
	html_form(&h, u, "edit");
	if (p == NULL)
		html_input(&h, "nid", "Nid", "text", in ? form_get(in, "nid") :
		    NULL, "a-z, 0-9 and '-'; it never changes");
	else
		html_hidden(&h, "version", in && form_get(in, "version") ?
		    form_get(in, "version") : ver);
	html_input(&h, "name", "Name", "text", in ? form_get(in, "name") :
	    p ? p->name : NULL, NULL);
	html_input(&h, "email", "E-mail", "email", in ? form_get(in,
	    "email") : p ? p->email : NULL, NULL);
	html_submit(&h, p ? "Save" : "Create", "primary");
	html_t(&h, " ");
	html_a(&h, u, "Cancel");
	html_form_end(&h);
	free(u);
	return html_reply(&h, status);
}

/*
 * The form's fields as the API's body and checked by its field table:
 * 0 with *o (owned), or -1 with field errors.
 */
static int
act_provider_check(struct req *r, const struct form *f, const char *nid,
    struct json_object **o)
{
	const char	*v;

	*o = json_object_new_object();
	jadd_str(*o, "nid", nid ? nid : "");
	jadd_str(*o, "name", (v = form_get(f, "name")) ? v : "");
	jadd_str(*o, "email", (v = form_get(f, "email")) ? v : "");
	if (provider_check(r, *o) == 0)
		return 0;
	json_object_put(*o);
	*o = NULL;
	return -1;
}

/* GET /admin/providers/new. */
int
h_con_provider_new(struct req *r)
{
	return act_provider_form(r, 200, NULL, NULL, NULL);
}

/*
 * The page showing a provider's key and its secret once; grace (-1:
 * none) says what became of the secret it replaced.
 */
static int
act_secret_page(struct req *r, const char *title, const char *back,
    const char *backlabel, const char *key, const char *secret,
    long long grace)
{
	struct html	 h;

	con_page(r, &h, title, "providers");
	html_elem(&h, "h1", NULL, title);
	html_lit(&h, "<div class=\"secret\"><p>The secret is shown "
	    "<strong>this once</strong>; only its hash is kept. The "
	    "provider's apps authenticate with this key and secret (HTTP "
	    "Basic).</p><dl class=\"show\">");
	con_dl(&h, "API key", key);
	html_elem(&h, "dt", NULL, "API secret");
	html_open(&h, "dd", NULL);
	html_elem(&h, "code", "token", secret);
	html_close(&h, "dd");
	html_lit(&h, "</dl></div>");
	if (grace >= 0)
		con_grace_note(&h, grace);
	html_lit(&h, "<p>");
	html_a(&h, back, backlabel);
	html_lit(&h, "</p>");
	return html_reply(&h, 200);
}

/*
 * POST /admin/providers: nid, name, email, as POST
 * /api/v1/admin/providers. The answer shows the secret once.
 */
int
h_con_provider_create(struct req *r)
{
	struct json_object	*o = NULL;
	struct form		 f;
	char			*key = NULL, *secret = NULL, *u;
	long long		 id;
	int			 st;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if (act_provider_check(r, &f, form_get(&f, "nid"), &o) == -1) {
		st = act_provider_form(r, 400, NULL, NULL, &f);
		goto out;
	}
	st = db_provider_create(&r->dx, form_get(&f, "nid"),
	    form_get(&f, "name"), form_get(&f, "email"), &key, &secret, &id,
	    NULL, NULL);
	if (st == -1) {
		st = 500;
		goto out;
	}
	if (st == 0) {
		req_field(r, "nid", "is taken");
		st = act_provider_form(r, 409, NULL, NULL, &f);
		goto out;
	}
	u = xasprintf("/admin/providers/%lld", id);
	st = act_secret_page(r, "Provider created", u, "Go to the provider",
	    key, secret, -1);
	free(u);
out:
	free(key);
	secret_free(secret);
	json_object_put(o);
	form_free(&f);
	return st;
}

/* The provider of path parameter 0 (*pl owned), or a status. */
static int
act_provider_of(struct req *r, struct provider_list *pl)
{
	int	 rc;

	if ((rc = db_provider_get(&r->dx, req_pv_id(r, 0), pl)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such provider");
	return 0;
}

/* GET /admin/providers/{id}: the provider and its apps. */
int
h_con_provider(struct req *r)
{
	struct html		 h;
	struct provider_list pl;
	const struct provider	*p;
	char			*u, id[24];
	int			 st;

	if ((st = act_provider_of(r, &pl)) != 0)
		return st;
	p = &pl.v[0];
	snprintf(id, sizeof(id), "%lld", p->id);
	con_page(r, &h, p->nid, "providers");
	html_crumbs(&h, "Dashboard", "/admin", "Providers", "/admin/providers",
	    p->nid, NULL, NULL);
	html_lit(&h, "<div class=\"titlebar\">");
	html_open(&h, "h1", NULL);
	html_tf(&h, "Provider %s", p->nid);
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"actions\">");
	u = xasprintf("/admin/providers/%lld/rotate", p->id);
	act_button(&h, u, "Rotate secret", "button");
	free(u);
	u = xasprintf("/admin/providers/%lld/edit", p->id);
	act_button(&h, u, "Edit", "button primary");
	free(u);
	html_lit(&h, "</div></div><dl class=\"show\">");
	con_dl(&h, "Id", id);
	con_dl(&h, "Nid", p->nid);
	con_dl(&h, "Name", p->name);
	con_dl(&h, "E-mail", p->email);
	con_dl(&h, "API key", p->api_key);
	act_dl_time(&h, "Created", p->created_at);
	act_dl_time(&h, "Updated", p->updated_at);
	html_lit(&h, "</dl><h2>Apps</h2>");
	if (con_provider_apps(r, &h, p->id) == -1) {
		html_free(&h);
		provider_list_free(&pl);
		return 500;
	}
	provider_list_free(&pl);
	return html_reply(&h, 200);
}

/* GET /admin/providers/{id}/edit. */
int
h_con_provider_edit(struct req *r)
{
	struct provider_list pl;
	char		 ver[32];
	int		 st;

	if ((st = act_provider_of(r, &pl)) != 0)
		return st;
	if ((st = db_provider_ver(&r->dx, pl.v[0].id, ver)) != 1)
		st = st == 0 ? req_fail(r, 404, "no such provider") : 500;
	else
		st = act_provider_form(r, 200, &pl.v[0], ver, NULL);
	provider_list_free(&pl);
	return st;
}

/*
 * POST /admin/providers/{id}: name, email, version (the nid stays).
 * Checked by the API's field table; a stale version is a 409 with the
 * input kept.
 */
int
h_con_provider_update(struct req *r)
{
	struct json_object	*o = NULL;
	struct form		 f;
	struct provider_list	 pl = { 0 };
	const char		*ver;
	char			*u;
	int			 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = act_provider_of(r, &pl)) != 0)
		goto out;
	if ((ver = form_get(&f, "version")) == NULL || strlen(ver) > 31)
		req_field(r, "version", "must be the version you edited");
	if (act_provider_check(r, &f, pl.v[0].nid, &o) == -1 ||
	    r->ferrsz > 0) {
		st = act_provider_form(r, 400, &pl.v[0], "", &f);
		goto out;
	}
	rc = db_provider_update(&r->dx, pl.v[0].id, ver,
	    form_get(&f, "name"), form_get(&f, "email"));
	if (rc == -1)
		st = 500;
	else if (rc == 0) {
		req_fail(r, 409, "Someone changed this provider since you "
		    "opened the form; your input is kept. Reload the page to "
		    "see their version.");
		st = act_provider_form(r, 409, &pl.v[0], "", &f);
	} else {
		u = xasprintf("/admin/providers/%lld", pl.v[0].id);
		st = con_done(r, u, "saved");
		free(u);
	}
out:
	json_object_put(o);
	provider_list_free(&pl);
	form_free(&f);
	return st;
}

/* GET /admin/providers/{id}/rotate: confirm a new secret. */
int
h_con_provider_rotate_ask(struct req *r)
{
	struct provider_list pl;
	char		*q, *a, *b;
	int		 st;

	if ((st = act_provider_of(r, &pl)) != 0)
		return st;
	q = xasprintf("Give provider %s a new API secret? The current one "
	    "keeps working for %lld seconds (the grace period), then only "
	    "the new one does; revoke it now if it leaked. The new secret "
	    "is shown once.", pl.v[0].nid,
	    r->conf->secret_grace);
	a = xasprintf("/admin/providers/%lld/rotate", pl.v[0].id);
	b = xasprintf("/admin/providers/%lld", pl.v[0].id);
	st = con_confirm_rotate(r, "Rotate the provider's secret", q, a, b);
	free(q);
	free(a);
	free(b);
	provider_list_free(&pl);
	return st;
}

/*
 * POST /admin/providers/{id}/rotate [revoke_now=1]: a new secret through
 * db_cred_rotate (as POST /api/v1/admin/providers/{id}/rotate), shown
 * once; the old one lives conf->secret_grace seconds, or is revoked now.
 */
int
h_con_provider_rotate(struct req *r)
{
	struct form	 f;
	struct provider_list pl = { 0 };
	char		*secret = NULL, *u;
	long long	 grace;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if (con_grace(r, &f, &grace) == -1) {
		st = req_fail(r, 400, "the form is invalid");
		goto out;
	}
	if ((st = act_provider_of(r, &pl)) != 0)
		goto out;
	secret = crypto_token("");
	if ((rc = db_cred_rotate(&r->dx, "provider", pl.v[0].id,
	    pl.v[0].api_key, secret, grace, NULL, NULL)) != 1) {
		st = rc == 0 ? req_fail(r, 409, "the rotation was refused; "
		    "retry") : 500;
		goto out;
	}
	u = xasprintf("/admin/providers/%lld", pl.v[0].id);
	st = act_secret_page(r, "New provider secret", u,
	    "Back to the provider", pl.v[0].api_key, secret,
	    grace);
	free(u);
out:
	secret_free(secret);
	provider_list_free(&pl);
	form_free(&f);
	return st;
}

/* Marketplaces. */

/* The marketplace of path parameter 0 (*ml owned), or a status. */
static int
act_mkt_of(struct req *r, struct mkt_list *ml)
{
	int	 rc;

	if ((rc = db_console_marketplace(&r->dx, req_pv_id(r, 0), ml)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such marketplace");
	return 0;
}

/*
 * A hub change the marketplace asked for (pending, or NULL), with the
 * admin's two answers.
 */
static void
act_hub_pending(struct html *h, long long id, const char *hub,
    const char *pending)
{
	char	*u;

	if (pending == NULL)
		return;
	html_lit(h, "<section class=\"hub-change\">");
	html_elem(h, "h2", NULL, "Hub change requested");
	html_open(h, "p", NULL);
	html_tf(h, "The marketplace asks to move its hub from %s to %s, "
	    "another host. Its certificates name the hub's host: until an "
	    "admin approves, the hub and every certificate renewed keep "
	    "the current host.", hub, pending);
	html_close(h, "p");
	u = xasprintf("/admin/marketplaces/%lld/hub/approve", id);
	html_form(h, u, "inline");
	html_submit(h, "Approve the new hub", "primary");
	html_form_end(h);
	free(u);
	u = xasprintf("/admin/marketplaces/%lld/hub/refuse", id);
	html_form(h, u, "inline");
	html_submit(h, "Refuse", "danger");
	html_form_end(h);
	free(u);
	html_lit(h, "</section>");
}

/* POST /admin/marketplaces/{id}/hub/approve or refuse. */
static int
act_hub_decide(struct req *r, int approve)
{
	struct form	 f;
	char		*hub = NULL, *u;
	long long	 id;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	id = req_pv_id(r, 0);
	if ((rc = db_mkt_hub_decide(&r->dx, id, approve, &hub)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no hub change is pending "
		    "for this marketplace") : rc == DBRC_DUP ? req_fail(r, 409,
		    "that host became another marketplace's hub meanwhile; "
		    "refuse the request") : 500;
		goto out;
	}
	u = xasprintf("/admin/marketplaces/%lld", id);
	st = con_done(r, u, approve ? "hub-approved" : "hub-refused");
	free(u);
out:
	free(hub);
	form_free(&f);
	return st;
}

/* POST /admin/marketplaces/{id}/hub/approve: the new hub applies. */
int
h_con_mkt_hub_approve(struct req *r)
{
	return act_hub_decide(r, 1);
}

/* POST /admin/marketplaces/{id}/hub/refuse: the request is dropped. */
int
h_con_mkt_hub_refuse(struct req *r)
{
	return act_hub_decide(r, 0);
}

/*
 * GET /admin/marketplaces/{id}: registration, endpoints, the current
 * certificate (subject, serial, fingerprints, validity) and every
 * certificate it had.
 */
int
h_con_marketplace(struct req *r)
{
	static const struct hcol cols[] = {
		{ "Serial", NULL }, { "Subject", NULL },
		{ "SHA-1 fingerprint", NULL }, { "Key", NULL },
		{ "Valid from", NULL }, { "Valid until", NULL },
		{ "Revoked", NULL }, { "Current", NULL },
	};
	struct html	 h;
	struct mkt_list	 ml;
	struct mkt_cert_list cs = { 0 };
	char		*u;
	const char	*v;
	size_t		 i;
	int		 st;

	if ((st = act_mkt_of(r, &ml)) != 0)
		return st;
	if (db_mkt_certs(&r->dx, ml.v[0].id, &cs) == -1) {
		mkt_list_free(&ml);
		return 500;
	}
	con_page(r, &h, ml.v[0].nid, "marketplaces");
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL,
	    "Marketplaces", "/admin/marketplaces", ml.v[0].nid,
	    NULL, NULL);
	html_lit(&h, "<div class=\"titlebar\">");
	html_open(&h, "h1", NULL);
	html_tf(&h, "Marketplace %s", ml.v[0].nid);
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"actions\">");
	u = xasprintf("/admin/marketplaces/%lld/rotate", ml.v[0].id);
	act_button(&h, u, "Rotate secret", "button");
	free(u);
	if (ml.v[0].serial != NULL && ml.v[0].revoked_at == NULL) {
		u = xasprintf("/admin/marketplaces/%lld/revoke", ml.v[0].id);
		act_button(&h, u, "Revoke certificate", "button");
		free(u);
	}
	u = xasprintf("/admin/tenants?marketplace=%lld", ml.v[0].id);
	act_button(&h, u, "Tenants", "button");
	free(u);
	u = xasprintf("/admin/marketplaces/%lld/edit", ml.v[0].id);
	act_button(&h, u, "Edit endpoints", "button primary");
	free(u);
	html_lit(&h, "</div></div><dl class=\"show\">");
	con_dl(&h, "Nid", ml.v[0].nid);
	con_dl(&h, "Name", ml.v[0].name);
	con_dl(&h, "Environment", ml.v[0].environment);
	con_dl(&h, "Hub", ml.v[0].hub);
	con_dl(&h, "Impac!", ml.v[0].impac);
	con_dl(&h, "Connec!", ml.v[0].connec);
	con_dl(&h, "Nex!", ml.v[0].nex);
	con_dl(&h, "API key", ml.v[0].api_key);
	act_dl_time(&h, "Registered", ml.v[0].created_at);
	act_dl_time(&h, "Updated", ml.v[0].updated_at);
	html_lit(&h, "</dl>");
	act_hub_pending(&h, ml.v[0].id, ml.v[0].hub,
	    ml.v[0].hub_pending);
	html_elem(&h, "h2", NULL, "Current certificate");
	if (ml.v[0].serial == NULL)
		html_elem(&h, "p", "muted", "None yet.");
	else {
		html_lit(&h, "<dl class=\"show cert\">");
		con_dl(&h, "Subject", ml.v[0].subject);
		con_dl(&h, "Serial", ml.v[0].serial);
		con_dl(&h, "SHA-1 fingerprint", ml.v[0].fp_sha1);
		con_dl(&h, "SHA-256 fingerprint", ml.v[0].fp_sha256);
		con_dl(&h, "Key", ml.v[0].key_type);
		act_dl_time(&h, "Valid from", ml.v[0].not_before);
		act_dl_time(&h, "Valid until", ml.v[0].not_after);
		v = ml.v[0].revoked_at;
		html_elem(&h, "dt", NULL, "Revoked");
		html_lit(&h, "<dd>");
		if (v == NULL)
			html_t(&h, "no");
		else {
			html_time(&h, v);
			html_tf(&h, " (%s)", ml.v[0].revoke_reason ?
			    ml.v[0].revoke_reason : "unspecified");
		}
		html_lit(&h, "</dd></dl>");
	}
	html_elem(&h, "h2", NULL, "Certificate history");
	html_thead(&h, NULL, NULL, 0, NULL, cols, 8);
	for (i = 0; i < cs.n; i++) {
		html_lit(&h, "<tr>");
		html_open(&h, "td", "class", "mono", NULL);
		html_t(&h, cs.v[i].serial);
		html_close(&h, "td");
		html_td(&h, cs.v[i].subject);
		html_open(&h, "td", "class", "mono", NULL);
		html_t(&h, cs.v[i].fp_sha1);
		html_close(&h, "td");
		html_td(&h, cs.v[i].key_type);
		html_lit(&h, "<td class=\"nowrap\">");
		html_time(&h, cs.v[i].not_before);
		html_lit(&h, "</td><td class=\"nowrap\">");
		html_time(&h, cs.v[i].not_after);
		html_lit(&h, "</td><td>");
		if (cs.v[i].revoked_at == NULL)
			html_t(&h, "no");
		else {
			html_time(&h, cs.v[i].revoked_at);
			html_tf(&h, " (%s)", cs.v[i].revoke_reason ?
			    cs.v[i].revoke_reason : "unspecified");
		}
		html_lit(&h, "</td>");
		html_td(&h, cs.v[i].current ? "yes" : "no");
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	mkt_cert_list_free(&cs);
	mkt_list_free(&ml);
	return html_reply(&h, 200);
}

/* The endpoint fields of the edit form: name, then the URLs. */
static const struct {
	const char	*field;		/* form and error name */
	const char	*key;		/* key in "endpoints" */
	const char	*label;
} act_eps[] = {
	{ "endpoints.hub", "hub", "Hub (required)" },
	{ "endpoints.impac", "impac", "Impac!" },
	{ "endpoints.connec", "connec", "Connec!" },
	{ "endpoints.nex", "nex", "Nex!" },
};

/* The endpoints form, input kept from in. */
static int
act_mkt_form(struct req *r, int status, const struct mkt *m,
    const struct form *in)
{
	struct html	 h;
	const char	*cur[] = { m->hub, m->impac, m->connec, m->nex };
	char		*u, *b, ver[24];
	size_t		 i;

	con_page(r, &h, "Edit marketplace", "marketplaces");
	b = xasprintf("/admin/marketplaces/%lld", m->id);
	html_crumbs(&h, "Dashboard", "/admin", "Partners", NULL,
	    "Marketplaces", "/admin/marketplaces", m->nid,
	    b, "Edit", NULL, NULL);
	html_open(&h, "h1", NULL);
	html_tf(&h, "Edit marketplace %s", m->nid);
	html_close(&h, "h1");
	act_flash(r, &h, status);
	html_elem(&h, "p", "muted", "The same rules as the marketplace's own "
	    "PATCH /api/v1/marketplace: https URLs with a host; an empty "
	    "optional endpoint is removed.");
	u = xasprintf("/admin/marketplaces/%lld", m->id);
	html_form(&h, u, "edit");
	free(u);
	snprintf(ver, sizeof(ver), "%lld", m->version);
	html_hidden(&h, "version", in && form_get(in, "version") ?
	    form_get(in, "version") : ver);
	html_input(&h, "name", "Name", "text", in ? form_get(in, "name") :
	    m->name, NULL);
	for (i = 0; i < sizeof(act_eps) / sizeof(act_eps[0]); i++)
		html_input(&h, act_eps[i].field, act_eps[i].label, "url",
		    in ? form_get(in, act_eps[i].field) : cur[i], NULL);
	html_submit(&h, "Save", "primary");
	html_t(&h, " ");
	html_a(&h, b, "Cancel");
	html_form_end(&h);
	free(b);
	return html_reply(&h, status);
}

/* GET /admin/marketplaces/{id}/edit. */
int
h_con_mkt_edit(struct req *r)
{
	struct mkt_list	 ml;
	int		 st;

	if ((st = act_mkt_of(r, &ml)) != 0)
		return st;
	st = act_mkt_form(r, 200, &ml.v[0], NULL);
	mkt_list_free(&ml);
	return st;
}

/*
 * POST /admin/marketplaces/{id}: name, endpoints.hub, .impac, .connec,
 * .nex, version. The form becomes the PATCH body of the API and passes
 * its field table (an empty optional endpoint is null: removed); then
 * db_mkt_update at the version edited (stale: 409, input kept).
 */
int
h_con_mkt_update(struct req *r)
{
	struct json_object	*o = NULL, *e;
	struct form		 f;
	struct mkt_list		 ml = { 0 };
	struct mkt_in		 in;
	const char		*v;
	const char		**dst[4];
	char			*u;
	long long		 ver = 0;
	size_t			 i;
	int			 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = act_mkt_of(r, &ml)) != 0)
		goto out;
	if ((v = form_get(&f, "version")) == NULL ||
	    num_parse(v, 1, INT32_MAX, &ver) == -1)
		req_field(r, "version", "must be the version you edited");
	o = json_object_new_object();
	jadd_str(o, "name", (v = form_get(&f, "name")) ? v : "");
	e = json_object_new_object();
	for (i = 0; i < sizeof(act_eps) / sizeof(act_eps[0]); i++) {
		v = form_get(&f, act_eps[i].field);
		if (v != NULL && *v == '\0' && i > 0)
			v = NULL;
		jadd_str(e, act_eps[i].key, v ? v : (i == 0 ? "" : NULL));
	}
	jadd(o, "endpoints", e);
	if (mkt_patch_check(r, o) == -1 || r->ferrsz > 0) {
		st = act_mkt_form(r, 400, &ml.v[0], &f);
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.nid = ml.v[0].nid;
	in.environment = ml.v[0].environment;
	in.name = form_get(&f, "name");
	dst[0] = &in.hub;
	dst[1] = &in.impac;
	dst[2] = &in.connec;
	dst[3] = &in.nex;
	for (i = 0; i < 4; i++) {
		v = form_get(&f, act_eps[i].field);
		*dst[i] = v != NULL && *v != '\0' ? v : NULL;
	}
	rc = db_mkt_update(&r->dx, ml.v[0].id, ver, &in);
	if (rc == -1)
		st = 500;
	else if (rc == 0) {
		req_fail(r, 409, "Someone changed this marketplace since you "
		    "opened the form; your input is kept. Reload the page to "
		    "see their version.");
		st = act_mkt_form(r, 409, &ml.v[0], &f);
	} else {
		u = xasprintf("/admin/marketplaces/%lld", ml.v[0].id);
		st = con_done(r, u, "saved");
		free(u);
	}
out:
	json_object_put(o);
	mkt_list_free(&ml);
	form_free(&f);
	return st;
}

/*
 * "label: value" in a definition list, the value shown as people read
 * it: a boolean field ("0"/"1") as no/yes, a JSON array of scalars as a
 * list, other JSON arrays and objects pretty-printed, text as text.
 */
void
con_dl_value(struct html *h, const char *label, const char *v, int boolean)
{
	struct json_object	*o = NULL, *it;
	char			*js;
	size_t			 i, n;
	int			 flat = 1;

	html_elem(h, "dt", NULL, label);
	html_lit(h, "<dd>");
	if (v == NULL) {
		html_t(h, "\xe2\x80\x94");
		goto out;
	}
	if (boolean) {
		html_t(h, strcmp(v, "0") == 0 ? "no" : "yes");
		goto out;
	}
	if ((v[0] != '[' && v[0] != '{') ||
	    (o = json_parse_text(v, strlen(v))) == NULL) {
		html_t(h, v);
		goto out;
	}
	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			it = json_object_array_get_idx(o, i);
			if (it == NULL || json_object_is_type(it,
			    json_type_object) || json_object_is_type(it,
			    json_type_array))
				flat = 0;
		}
		if (n == 0) {
			html_elem(h, "span", "muted", "none");
			goto out;
		}
		if (flat) {
			html_lit(h, "<ul class=\"values\">");
			for (i = 0; i < n; i++)
				html_elem(h, "li", NULL, json_object_get_string(
				    json_object_array_get_idx(o, i)));
			html_lit(h, "</ul>");
			goto out;
		}
	}
	js = con_json_pretty(v);
	html_elem(h, "pre", "json", js);
	free(js);
out:
	json_object_put(o);
	html_lit(h, "</dd>");
}
