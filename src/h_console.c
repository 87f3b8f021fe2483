/*
 * Handlers: the admin console at /admin (server-rendered HTML).
 *
 * Every page is written through html.c. Every POST is a form checked by
 * con_post (Sec-Fetch-Site, the session's CSRF token) before anything
 * else happens, then validated with the same functions as the admin
 * JSON API, then handed to the shared db functions (which write the
 * audit row), then answered with a redirect (post-redirect-get). A
 * destructive action is a GET confirmation page whose form POSTs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define SESSION_COOKIE	"__Host-agora_session"
#define LOGIN_COOKIE	"__Host-agora_login"
#define LIVE_PER	50	/* live apps a page on a tenant's apps */
#define TAPP_CHOICES	500	/* apps in a tenant app form's choice */

/* Messages shown after a redirect, by key: no user text is reflected. */
static const struct hparam con_flashes[] = {
	{ "saved", "Saved." },
	{ "created", "Created." },
	{ "deleted", "Deleted." },
	{ "revoked", "Revoked." },
	{ "rotated", "Rotated." },
	{ "approved", "Approved." },
	{ "rejected", "Rejected." },
	{ "enabled", "Apps enabled." },
	{ "disabled", "Apps disabled." },
	{ "loggedout", "You are logged out." },
	{ "unpublished", "Unpublished." },
	{ "republished", "Republished." },
	{ "admin_disabled", "The admin is disabled." },
	{ "admin_enabled", "The admin is enabled again." },
	{ "hub-approved", "The new hub applies." },
	{ "hub-refused", "The hub change was refused." },
};

/* Start a page with the layout and any flash message from ?done=. */
void
con_page(struct req *r, struct html *h, const char *title, const char *menu)
{
	const char	*d;
	size_t		 i;

	html_init(h, r);
	html_begin(h, title, menu);
	if ((d = req_qs(r, "done")) == NULL)
		return;
	for (i = 0; i < sizeof(con_flashes) / sizeof(con_flashes[0]); i++)
		if (strcmp(d, con_flashes[i].key) == 0)
			html_elem(h, "p", "flash ok", con_flashes[i].val);
}

/* A 303 to a local path. */
int
con_redirect(struct req *r, const char *path)
{
	return reply_redirect(r, 303, path);
}

/* 303 to path?done=what. */
int
con_done(struct req *r, const char *path, const char *what)
{
	char	*u;
	int	 st;

	u = xasprintf("%s%sdone=%s", path, strchr(path, '?') ? "&" : "?",
	    what);
	st = con_redirect(r, u);
	free(u);
	return st;
}

/*
 * 1 if the browser says the request came from another site: by
 * Sec-Fetch-Site, or (browsers without it) by an Origin other than our
 * public URL. "Origin: null" is what our own pages send under
 * Referrer-Policy: no-referrer, so it cannot be told apart here;
 * Sec-Fetch-Site, SameSite=Strict and the CSRF token still apply.
 */
static int
con_cross_site(const struct req *r)
{
	if (r->fetch_site != NULL &&
	    strcmp(r->fetch_site, "same-origin") != 0 &&
	    strcmp(r->fetch_site, "none") != 0)
		return 1;
	return r->origin != NULL && strcmp(r->origin, "null") != 0 &&
	    r->conf->public_url != NULL &&
	    strcmp(r->origin, r->conf->public_url) != 0;
}

/*
 * The gate of every console POST with a session: refuse a cross-site
 * request, parse the form, compare its csrf field with the session's
 * token in constant time. Returns 0 with f filled (free it), or the
 * status to answer (403, 400, 415); nothing has changed then.
 */
int
con_post(struct req *r, struct form *f)
{
	const char	*t;
	int		 st;

	memset(f, 0, sizeof(*f));
	if (con_cross_site(r))
		return req_fail(r, 403, "cross-site form submissions are "
		    "refused");
	if ((st = form_parse(r, f)) != 0)
		return st;
	t = form_get(f, "csrf");
	if (t == NULL || strlen(t) != 64 || strlen(r->pr.csrf) != 64 ||
	    !crypto_eq(t, r->pr.csrf, 64)) {
		form_free(f);
		return req_fail(r, 403, "the form's security token is missing "
		    "or wrong; reload the page and try again");
	}
	return 0;
}

/* A "label: value" row of a definition list. */
void
con_dl(struct html *h, const char *label, const char *value)
{
	html_elem(h, "dt", NULL, label);
	html_elem(h, "dd", NULL, value ? value : "\xe2\x80\x94");
}

/*
 * A confirmation page: the question, and a form POSTing to action with
 * a danger button, plus a way back.
 */
int
con_confirm(struct req *r, const char *title, const char *question,
    const char *action, const char *button, const char *back)
{
	struct html	 h;

	con_page(r, &h, title, "");
	html_elem(&h, "h1", NULL, title);
	html_elem(&h, "p", "confirm", question);
	html_form(&h, action, "confirm");
	html_submit(&h, button, "danger");
	html_t(&h, " ");
	html_a(&h, back, "Cancel");
	html_form_end(&h);
	return html_reply(&h, 200);
}

/*
 * A rotation's confirmation page: con_confirm's, with a "revoke now"
 * box for a secret that leaked (con_grace reads it).
 */
int
con_confirm_rotate(struct req *r, const char *title, const char *question,
    const char *action, const char *back)
{
	struct html	 h;

	con_page(r, &h, title, "");
	html_elem(&h, "h1", NULL, title);
	html_elem(&h, "p", "confirm", question);
	html_form(&h, action, "confirm");
	html_checkbox(&h, "revoke_now", "Revoke the current one now, "
	    "without a grace period (it leaked)", 0);
	html_submit(&h, "Rotate", "danger");
	html_t(&h, " ");
	html_a(&h, back, "Cancel");
	html_form_end(&h);
	return html_reply(&h, 200);
}

/*
 * The grace period a rotation form asks for: 0 when "revoke_now" is
 * ticked, else the configured one. -1 (field error set) for a value a
 * checkbox never sends.
 */
int
con_grace(struct req *r, const struct form *f, long long *grace)
{
	const char	*v;

	*grace = r->conf->secret_grace;
	if ((v = form_get(f, "revoke_now")) == NULL)
		return 0;
	if (strcmp(v, "1") != 0)
		return req_field(r, "revoke_now", "must be 1 or absent");
	*grace = 0;
	return 0;
}

/* What became of the secret a rotation replaced (grace seconds). */
void
con_grace_note(struct html *h, long long grace)
{
	if (grace == 0)
		html_elem(h, "p", "flash ok", "The previous one was revoked "
		    "now: it no longer authenticates.");
	else {
		html_open(h, "p", NULL);
		html_tf(h, "The previous one keeps working for %lld "
		    "seconds.", grace);
		html_close(h, "p");
	}
}

/* GET /active_admin: the original console's address. */
int
h_con_active_admin(struct req *r)
{
	return reply_redirect(r, 301, "/admin");
}

/* The session cookie: HttpOnly, Secure, SameSite=Strict, host-only. */
static void
con_set_cookie(struct req *r, const char *name, const char *val,
    long long maxage)
{
	char	*c;

	c = xasprintf("%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; "
	    "Max-Age=%lld", name, val, maxage);
	req_header(r, "Set-Cookie", c);
	explicit_bzero(c, strlen(c));
	free(c);
}

/* The login form, with a message and the e-mail kept. */
static int
con_login_page(struct req *r, int status, const char *msg, const char *email,
    const char *tok)
{
	struct html	 h;

	html_init(&h, r);
	html_begin(&h, "Log in", NULL);
	html_lit(&h, "<section class=\"login\"><h1>Log in</h1>");
	if (msg != NULL)
		html_elem(&h, "p", status >= 400 ? "flash error" : "flash ok",
		    msg);
	html_open(&h, "form", "method", "post", "action", "/admin/login",
	    NULL);
	html_hidden(&h, "csrf", tok);
	html_input(&h, "email", "E-mail", "email", email, NULL);
	html_input(&h, "password", "Password", "password", NULL, NULL);
	html_submit(&h, "Log in", "primary");
	html_form_end(&h);
	html_lit(&h, "</section>");
	return html_reply(&h, status);
}

/* A fresh login-form token, set as a cookie too (double submit). */
static char *
con_login_token(struct req *r)
{
	char	*t;

	t = crypto_token("");
	con_set_cookie(r, LOGIN_COOKIE, t, 3600);
	return t;
}

/* GET /admin/login: the login form. */
int
h_con_login_form(struct req *r)
{
	char	*t;
	int	 st;

	t = con_login_token(r);
	st = con_login_page(r, 200, req_qs(r, "done") != NULL &&
	    strcmp(req_qs(r, "done"), "loggedout") == 0 ?
	    "You are logged out." : NULL, NULL, t);
	free(t);
	return st;
}

/*
 * POST /admin/login: e-mail and password. One answer (401, the form
 * again) for an unknown e-mail, a wrong password and a locked account;
 * the KDF runs in every case so timing tells nothing either. Success
 * ends any session the browser had, opens a new one and redirects.
 */
int
h_con_login(struct req *r)
{
	static char	*dummy;
	static const char bad[] = "The e-mail or password is wrong, or the "
	    "account is locked for a while after repeated failures.";
	struct form	 f;
	struct cadmin	 a;
	const char	*email, *pw, *t;
	char		*ck = NULL, *tok = NULL, *nt = NULL, csrf[65];
	long long	 oldsid = 0;
	int		 st, found, good;

	memset(&f, 0, sizeof(f));
	if (con_cross_site(r))
		return req_fail(r, 403, "cross-site form submissions are "
		    "refused");
	if ((st = form_parse(r, &f)) != 0)
		return st;
	ck = auth_cookie(r, LOGIN_COOKIE);
	t = form_get(&f, "csrf");
	if (ck == NULL || t == NULL || strlen(ck) != 64 || strlen(t) != 64 ||
	    !crypto_eq(ck, t, 64)) {
		nt = con_login_token(r);
		st = con_login_page(r, 403, "The login form expired. "
		    "Please try again.", form_get(&f, "email"), nt);
		goto out;
	}
	email = form_get(&f, "email");
	pw = form_get(&f, "password");
	if (email == NULL || !valid_email(email)) {
		req_field(r, "email", "must be an e-mail address");
		nt = con_login_token(r);
		st = con_login_page(r, 400, "Enter your e-mail address.",
		    email, nt);
		goto out;
	}
	if (pw == NULL || !valid_text(pw, 1, 256)) {
		req_field(r, "password", "is required");
		nt = con_login_token(r);
		st = con_login_page(r, 400, "Enter your password.", email,
		    nt);
		goto out;
	}

	if ((found = db_console_admin(r, email, &a)) == -1) {
		st = 500;
		goto out;
	}
	/* The KDF runs for unknown e-mails too: same time, same answer. */
	if (dummy == NULL)
		dummy = crypto_pw_hash("agora-console-timing-equaliser");
	good = crypto_pw_verify(pw, found ? a.pw_hash : (dummy ? dummy :
	    "")) && found;
	explicit_bzero(a.pw_hash, sizeof(a.pw_hash));
	snprintf(r->pr.label, sizeof(r->pr.label), "admin:%s", email);
	if (!good || a.locked) {
		if (!a.locked && db_console_login_fail(r, &a) == -1) {
			st = 500;
			goto out;
		}
		log_info("console login refused for an admin e-mail");
		nt = con_login_token(r);
		st = con_login_page(r, 401, bad, email, nt);
		goto out;
	}

	/* A session the browser already had ends now: new id per login. */
	if (auth_principal(r, ROLE_SESSION) == 0)
		oldsid = r->pr.cred_id;
	memset(&r->pr, 0, sizeof(r->pr));
	snprintf(r->pr.label, sizeof(r->pr.label), "admin:%s", email);
	if (db_console_login(r, &a, oldsid, &tok, csrf) == -1) {
		st = 500;
		goto out;
	}
	con_set_cookie(r, SESSION_COOKIE, tok, r->conf->session_max);
	con_set_cookie(r, LOGIN_COOKIE, "", 0);
	st = con_redirect(r, "/admin");
out:
	if (tok != NULL)
		explicit_bzero(tok, strlen(tok));
	free(tok);
	free(ck);
	free(nt);
	form_free(&f);
	return st;
}

/* POST /admin/logout: end the session, clear the cookie. */
int
h_con_logout(struct req *r)
{
	struct form	 f;
	int		 st;

	if ((st = con_post(r, &f)) != 0)
		return st;
	form_free(&f);
	if (db_console_logout(r) == -1)
		return 500;
	con_set_cookie(r, SESSION_COOKIE, "", 0);
	return con_redirect(r, "/admin/login?done=loggedout");
}

/* The registration token list and its create form. */
static int
con_regtoken_page(struct req *r, int status, const char *tok,
    const struct form *in)
{
	struct html	 h;
	int		 bad;

	con_page(r, &h, "Registration tokens", "regtokens");
	html_crumbs(&h, "Dashboard", "/admin", "Registration tokens", NULL,
	    NULL);
	html_elem(&h, "h1", NULL, "Registration tokens");
	if (tok != NULL) {
		html_lit(&h, "<div class=\"secret\"><p>The new token is shown "
		    "<strong>this once</strong>; only its hash is kept. Hand "
		    "it to the marketplace's start-up script.</p>");
		html_elem(&h, "code", "token", tok);
		html_lit(&h, "</div>");
	}
	html_elem(&h, "h2", NULL, "New token");
	html_form(&h, "/admin/registration-tokens", "inline");
	html_input(&h, "label", "Label", "text", in ? form_get(in, "label") :
	    NULL, "for whom, e.g. acme-prod start-up");
	html_input(&h, "max_uses", "Uses", "number", in ?
	    form_get(in, "max_uses") : "1", "1 to 1000000");
	html_input(&h, "expires_hours", "Expires after (hours)", "number",
	    in ? form_get(in, "expires_hours") : "24", "0: never");
	html_submit(&h, "Create token", "primary");
	html_form_end(&h);
	if (con_regtoken_list(r, &h, &bad) == -1) {
		html_free(&h);
		return 500;
	}
	return html_reply(&h, bad && status == 200 ? 400 : status);
}

/* GET /admin/registration-tokens. */
int
h_con_regtokens(struct req *r)
{
	return con_regtoken_page(r, 200, NULL, NULL);
}

/*
 * POST /admin/registration-tokens: label, max_uses, expires_hours. The
 * answer shows the token once (no redirect: it is not kept anywhere).
 */
int
h_con_regtoken_create(struct req *r)
{
	struct form	 f;
	const char	*label, *v;
	char		*tok = NULL;
	long long	 uses = 0, hours = 0, id;
	int		 st;

	if ((st = con_post(r, &f)) != 0)
		return st;
	label = form_get(&f, "label");
	if (label == NULL)
		label = "";
	if (!valid_text(label, 0, 255) || strpbrk(label, "\r\n\t"))
		req_field(r, "label", "must be at most 255 printable "
		    "characters");
	if ((v = form_get(&f, "max_uses")) == NULL ||
	    num_parse(v, 1, 1000000, &uses) == -1)
		req_field(r, "max_uses", "must be an integer from 1 to "
		    "1000000");
	if ((v = form_get(&f, "expires_hours")) == NULL ||
	    num_parse(v, 0, 24 * 3650, &hours) == -1)
		req_field(r, "expires_hours", "must be 0 (never) to 87600 "
		    "hours");
	if (r->ferrsz > 0) {
		st = con_regtoken_page(r, 400, NULL, &f);
		goto out;
	}
	if (db_regtoken_create(r, label, uses, hours * 3600, &tok, &id) ==
	    -1) {
		st = 500;
		goto out;
	}
	st = con_regtoken_page(r, 200, tok, NULL);
	explicit_bzero(tok, strlen(tok));
	free(tok);
out:
	form_free(&f);
	return st;
}

/* Marketplace choices for a filter: "" (all) then every nid. */
struct hparam *
con_mkt_opts(struct req *r, struct dbres **rs, size_t *n)
{
	struct hparam	*o;
	size_t		 i;

	*n = 0;
	if (db_console_mkt_names(r, rs) == -1)
		return NULL;
	o = xcalloc((*rs)->nrow + 1, sizeof(*o));
	o[0].key = "";
	o[0].val = "All marketplaces";
	for (i = 0; i < (*rs)->nrow; i++) {
		o[i + 1].key = dbres_str(*rs, i, 0);
		o[i + 1].val = dbres_str(*rs, i, 1);
	}
	*n = (*rs)->nrow + 1;
	return o;
}

/* Pretty-print JSON text for display; owned (the text itself if bad). */
char *
con_json_pretty(const char *s)
{
	struct json_object	*o;
	char			*t;

	if (s == NULL || (o = json_parse_text(s, strlen(s))) == NULL)
		return xstrdup(s ? s : "");
	if (json_object_is_type(o, json_type_object) &&
	    json_object_object_length(o) == 0) {
		json_object_put(o);
		return xstrdup("{}");
	}
	t = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return t;
}

/* The id in path parameter i, or 0 with a 404 detail set. */
long long
con_pv_id(struct req *r, size_t i, const char *what)
{
	long long	 id;

	if (i >= r->pvsz || !valid_id(r->pv[i], &id)) {
		req_fail(r, 404, "no such %s", what);
		return 0;
	}
	return id;
}

/* GET /admin/tenants/{id}: a tenant. */
int
h_con_tenant(struct req *r)
{
	struct html	 h;
	struct tenant	*t;
	char		*u, *js;
	long long	 id;
	int		 rc;

	if ((id = con_pv_id(r, 0, "tenant")) == 0)
		return 404;
	if ((rc = db_tenant_get(r, id, 0, &t)) == -1)
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

	if ((id = con_pv_id(r, 0, "tenant")) == 0)
		return 404;
	if ((rc = db_tenant_get(r, id, 0, &t)) == -1)
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
	if ((id = con_pv_id(r, 0, "tenant")) == 0) {
		st = 404;
		goto out;
	}
	if ((rc = db_tenant_get(r, id, 0, &t)) != 1) {
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
	rc = db_tenant_update(r, id, 0, ver, &in);
	if (rc == TNRC_OK) {
		u = xasprintf("/admin/tenants/%lld", id);
		st = con_done(r, u, "saved");
		free(u);
		goto out;
	}
	st = tnrc_status(r, rc);
	if (rc == TNRC_STALE)
		req_fail(r, 409, "Someone changed this tenant since you "
		    "opened the form; your input is kept. Reload the page to "
		    "see their version.");
	if (st < 500 && st != 404)
		st = con_tenant_form(r, rc == TNRC_STALE ? 409 : st, t, &f);
out:
	tenant_in_free(&in);
	tenant_free(t);
	form_free(&f);
	return st;
}

/* The tenant of path parameter 0, or a status (404, 500). */
static int
con_tenant_of(struct req *r, struct tenant **t)
{
	long long	 id;
	int		 rc;

	*t = NULL;
	if ((id = con_pv_id(r, 0, "tenant")) == 0)
		return 404;
	if ((rc = db_tenant_get(r, id, 0, t)) == -1)
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
	struct dbres		*live = NULL;
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
	if (db_tenant_app_list(r, t->id, 0, &ta, &nta) == -1 ||
	    db_console_live_page(r, t->mkt_id, t->id, q, LIVE_PER,
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
	for (i = 0; i < live->nrow; i++) {
		html_lit(&h, "<tr><td>");
		html_open(&h, "input", "type", "checkbox", "name", "ids",
		    "value", dbres_str(live, i, 0), "aria-label",
		    dbres_str(live, i, 2), NULL);
		html_lit(&h, "</td>");
		html_td(&h, dbres_str(live, i, 2));
		html_open(&h, "td", "class", "mono", NULL);
		html_t(&h, dbres_str(live, i, 1));
		html_close(&h, "td");
		html_td(&h, dbres_int(live, i, 3) ? "yes" : "no");
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
	dbres_free(live);
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
	struct dbres	*live;
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
	if (db_console_live_page(r, t->mkt_id, t->id, q, TAPP_CHOICES,
	    (pg - 1) * TAPP_CHOICES, &live, &total) == -1)
		return 500;
	/* Apps attached already say so (creating them again is a 409). */
	opts = xcalloc(live->nrow + 2, sizeof(*opts));
	lbl = xcalloc(live->nrow + 1, sizeof(*lbl));
	opts[n].key = "";
	opts[n++].val = "Choose an app";
	/* An edited relation keeps its app whichever page is shown. */
	appid[0] = '\0';
	if (ta != NULL)
		snprintf(appid, sizeof(appid), "%lld", ta->app_id);
	for (i = 0; ta != NULL && i < live->nrow; i++)
		if (dbres_int(live, i, 0) == ta->app_id)
			break;
	if (ta != NULL && i == live->nrow) {
		opts[n].key = appid;
		opts[n++].val = ta->app_name;
	}
	for (i = 0; i < live->nrow; i++) {
		opts[n].key = dbres_str(live, i, 0);
		opts[n].val = dbres_str(live, i, 2);
		if (dbres_int(live, i, 3) && (ta == NULL ||
		    dbres_int(live, i, 0) != ta->app_id))
			opts[n].val = lbl[i] = xasprintf("%s (already "
			    "attached)", dbres_str(live, i, 2));
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
	for (i = 0; i < live->nrow; i++)
		free(lbl[i]);
	free(lbl);
	free(opts);
	dbres_free(live);
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
	if ((id = con_pv_id(r, 1, "tenant app")) == 0)
		return 404;
	if ((rc = db_tenant_app_get(r, (*t)->id, 0, id, ta)) == -1)
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
		rc = db_tenant_app_create(r, t->id, 0, &in, &id);
	else
		rc = db_tenant_app_update(r, t->id, 0, ta->id, &in);
	if (rc == TNRC_OK) {
		u = xasprintf("/admin/tenants/%lld/apps", t->id);
		st = con_done(r, u, create ? "created" : "saved");
		free(u);
		goto out;
	}
	st = tnrc_status(r, rc);
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
	rc = db_tenant_app_delete(r, t->id, 0, ta->id);
	if (rc != TNRC_OK) {
		st = tnrc_status(r, rc);
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
	rc = db_tenant_apps_bulk(r, t->id, 0, en ? ids : NULL, en ? n : 0,
	    en ? NULL : ids, en ? 0 : n, &changed);
	if (rc != TNRC_OK) {
		st = tnrc_status(r, rc);
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
	struct dbres	*ls;
	long long	 id, total;
	size_t		 i;
	char		*u;
	int		 rc;

	if ((id = con_pv_id(r, 0, "app")) == 0)
		return 404;
	if ((rc = db_app_get(r, id, &sc, &a)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such app");
	memset(&lf, 0, sizeof(lf));
	lf.app = a->f[APPF_NID];
	lf.limit = 200;
	if (db_listing_list(r, &sc, &lf, &ls, &total) == -1) {
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
	for (i = 0; i < ls->nrow; i++) {
		html_lit(&h, "<li>");
		u = xasprintf("/admin/listings/%s", dbres_str(ls, i, 0));
		html_a(&h, u, dbres_str(ls, i, 6));
		free(u);
		html_tf(&h, ": %s", dbres_str(ls, i, 1));
		html_lit(&h, "</li>");
	}
	html_lit(&h, "</ul>");
	dbres_free(ls);
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
	struct dbres	*l, *hs;
	const char	*state;
	char		*u;
	size_t		 i;
	int		 rc, unp;

	if ((rc = db_listing_get(r, id, &sc, &l)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such listing");
	if (db_listing_history(r, id, &hs) == -1) {
		dbres_free(l);
		return 500;
	}
	state = dbres_str(l, 0, 1);
	con_page(r, &h, "Listing", "listings");
	html_crumbs(&h, "Dashboard", "/admin", "Listings", "/admin/listings",
	    dbres_str(l, 0, 5), NULL, NULL);
	html_open(&h, "h1", NULL);
	html_tf(&h, "Listing of %s on %s", dbres_str(l, 0, 5),
	    dbres_str(l, 0, 6));
	html_close(&h, "h1");
	if (status >= 400)
		html_elem(&h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below.");
	html_lit(&h, "<dl class=\"show\">");
	con_dl(&h, "State", state);
	con_dl(&h, "App", dbres_str(l, 0, 5));
	con_dl(&h, "App nid", dbres_str(l, 0, 4));
	con_dl(&h, "Marketplace", dbres_str(l, 0, 6));
	con_dl(&h, "Hub API id", dbres_str(l, 0, 2));
	html_elem(&h, "dt", NULL, "Requested");
	html_lit(&h, "<dd>");
	html_time(&h, dbres_str(l, 0, 7));
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Updated");
	html_lit(&h, "<dd>");
	html_time(&h, dbres_str(l, 0, 8));
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
	for (i = 0; i < hs->nrow; i++) {
		html_lit(&h, "<tr><td class=\"nowrap\">");
		html_time(&h, dbres_str(hs, i, 1));
		html_lit(&h, "</td>");
		html_td(&h, dbres_str(hs, i, 2));
		html_td(&h, dbres_str(hs, i, 3));
		html_td(&h, dbres_str(hs, i, 4));
		html_td(&h, dbres_str(hs, i, 5));
		html_lit(&h, "</tr>");
	}
	html_tfoot(&h);
	dbres_free(hs);
	dbres_free(l);
	return html_reply(&h, status);
}

/* GET /admin/listings/{id}. */
int
h_con_listing(struct req *r)
{
	long long	 id;

	if ((id = con_pv_id(r, 0, "listing")) == 0)
		return 404;
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
	struct dbres	*cur;
	const char	*note, *why;
	char		*u;
	long long	 id, out;
	int		 st, rc, unp;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((id = con_pv_id(r, 0, "listing")) == 0) {
		st = 404;
		goto out;
	}
	note = form_get(&f, act == LA_REJECT ? "reason" : "note");
	if ((st = db_listing_get(r, id, &sc, &cur)) != 1) {
		st = st == 0 ? req_fail(r, 404, "no such listing") : 500;
		goto out;
	}
	unp = strcmp(dbres_str(cur, 0, 1), "unpublished") == 0;
	dbres_free(cur);
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
	rc = db_listing_move(r, id, 0, 0, &sc, act, note, &out, &why, NULL,
	    NULL);
	if (rc == -1)
		st = 500;
	else if (rc == 0)
		st = req_fail(r, 404, "no such listing");
	else if (rc == 2) {
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

/*
 * The row of path parameter 0 that get (1 found, 0 not, -1 error)
 * reads, what naming it in a 404: 0 with *rs (owned), or a status.
 */
static int
con_row_of(struct req *r, const char *what,
    int (*get)(struct req *, long long, struct dbres **), struct dbres **rs)
{
	long long	 id;
	int		 rc;

	*rs = NULL;
	if ((id = con_pv_id(r, 0, what)) == 0)
		return 404;
	if ((rc = get(r, id, rs)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such %s", what);
	return 0;
}

/* The marketplace of path parameter 0 (enum mcol row), or a status. */
static int
con_mkt_of(struct req *r, struct dbres **rs)
{
	return con_row_of(r, "marketplace", db_mkt_get, rs);
}

/* GET /admin/marketplaces/{id}/rotate: confirm a new API secret. */
int
h_con_mkt_rotate_ask(struct req *r)
{
	struct dbres	*rs;
	char		*q, *a, *b;
	int		 st;

	if ((st = con_mkt_of(r, &rs)) != 0)
		return st;
	q = xasprintf("Give marketplace %s a new API secret? The current "
	    "one keeps working for %lld seconds, then only the new one "
	    "does. The new secret is shown once.", dbres_str(rs, 0, MC_NID),
	    r->conf->secret_grace);
	a = xasprintf("/admin/marketplaces/%s/rotate", dbres_str(rs, 0,
	    MC_ID));
	b = xasprintf("/admin/marketplaces/%s", dbres_str(rs, 0, MC_ID));
	st = con_confirm_rotate(r, "Rotate the API secret", q, a, b);
	free(q);
	free(a);
	free(b);
	dbres_free(rs);
	return st;
}

/*
 * POST /admin/marketplaces/{id}/rotate [revoke_now=1]: a new secret
 * through db_cred_rotate (as the marketplace's own rotation), shown
 * once; the old one lives secret_grace seconds, or is revoked now.
 */
int
h_con_mkt_rotate(struct req *r)
{
	struct form	 f;
	struct html	 h;
	struct dbres	*rs = NULL;
	char		*secret = NULL, *u;
	long long	 id, grace;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if (con_grace(r, &f, &grace) == -1) {
		st = req_fail(r, 400, "the form is invalid");
		goto out;
	}
	if ((st = con_mkt_of(r, &rs)) != 0)
		goto out;
	id = dbres_int(rs, 0, MC_ID);
	secret = crypto_token("mks_");
	if ((rc = db_cred_rotate(r, "marketplace", id,
	    dbres_str(rs, 0, MC_API_KEY), secret, grace, NULL, NULL)) != 1) {
		st = rc == 0 ? req_fail(r, 409, "the rotation was refused; "
		    "retry") : 500;
		goto out;
	}
	con_page(r, &h, "New API secret", "marketplaces");
	html_open(&h, "h1", NULL);
	html_tf(&h, "New API secret of %s", dbres_str(rs, 0, MC_NID));
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"secret\"><p>The new secret is shown "
	    "<strong>this once</strong>; only its hash is kept.</p><dl "
	    "class=\"show\">");
	con_dl(&h, "API key", dbres_str(rs, 0, MC_API_KEY));
	html_elem(&h, "dt", NULL, "API secret");
	html_open(&h, "dd", NULL);
	html_elem(&h, "code", "token", secret);
	html_close(&h, "dd");
	html_lit(&h, "</dl></div>");
	con_grace_note(&h, grace);
	html_lit(&h, "<p>");
	u = xasprintf("/admin/marketplaces/%lld", id);
	html_a(&h, u, "Back to the marketplace");
	free(u);
	html_lit(&h, "</p>");
	st = html_reply(&h, 200);
out:
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
	free(secret);
	dbres_free(rs);
	form_free(&f);
	return st;
}

/* The revocation reasons we offer (RFC 5280 names). */
static const struct hparam con_reasons[] = {
	{ "unspecified", "Unspecified" },
	{ "keyCompromise", "Key compromise" },
	{ "affiliationChanged", "Affiliation changed" },
	{ "superseded", "Superseded" },
	{ "cessationOfOperation", "Cessation of operation" },
};

/* GET /admin/marketplaces/{id}/revoke: confirm, with a reason. */
int
h_con_mkt_revoke_ask(struct req *r)
{
	struct html	 h;
	struct dbres	*rs;
	char		*u;
	int		 st;

	if ((st = con_mkt_of(r, &rs)) != 0)
		return st;
	con_page(r, &h, "Revoke the certificate", "marketplaces");
	html_elem(&h, "h1", NULL, "Revoke the certificate");
	html_open(&h, "p", "class", "confirm", NULL);
	html_tf(&h, "Revoke the current certificate of marketplace %s? "
	    "It is added to the CRL at once; the marketplace must renew "
	    "its certificate.", dbres_str(rs, 0, MC_NID));
	html_close(&h, "p");
	u = xasprintf("/admin/marketplaces/%s/revoke", dbres_str(rs, 0,
	    MC_ID));
	html_form(&h, u, "confirm");
	free(u);
	html_select(&h, "reason", "Reason", con_reasons,
	    sizeof(con_reasons) / sizeof(con_reasons[0]), "unspecified");
	html_submit(&h, "Revoke", "danger");
	html_t(&h, " ");
	u = xasprintf("/admin/marketplaces/%s", dbres_str(rs, 0, MC_ID));
	html_a(&h, u, "Cancel");
	free(u);
	html_form_end(&h);
	dbres_free(rs);
	return html_reply(&h, 200);
}

/* POST /admin/marketplaces/{id}/revoke: reason; then the CRL. */
int
h_con_mkt_revoke(struct req *r)
{
	struct form	 f;
	struct dbres	*rs = NULL;
	const char	*reason;
	char		*serial = NULL, *u;
	long long	 id;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = con_mkt_of(r, &rs)) != 0)
		goto out;
	id = dbres_int(rs, 0, MC_ID);
	reason = form_get(&f, "reason");
	if (reason == NULL || cert_reason_code(reason) < 0) {
		st = req_fail(r, 400, "reason must be unspecified, "
		    "keyCompromise, affiliationChanged, superseded or "
		    "cessationOfOperation");
		goto out;
	}
	if ((rc = db_mkt_revoke(r, id, NULL, reason, &serial)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "the marketplace has no "
		    "certificate") : rc == 2 ? req_fail(r, 409, "the "
		    "certificate is already revoked") : 500;
		goto out;
	}
	if (db_crl_refresh(r, 1, NULL) != 0)
		log_warnx("CRL refresh after a console revocation failed");
	u = xasprintf("/admin/marketplaces/%lld", id);
	st = con_done(r, u, "revoked");
	free(u);
out:
	free(serial);
	dbres_free(rs);
	form_free(&f);
	return st;
}

/* The registration token of path parameter 0 (enum rtcol), or a status. */
static int
con_regtoken_of(struct req *r, struct dbres **rs)
{
	return con_row_of(r, "registration token", db_regtoken_get, rs);
}

/* GET /admin/registration-tokens/{id}/revoke: confirm. */
int
h_con_regtoken_revoke_ask(struct req *r)
{
	struct dbres	*rs;
	char		*q, *a;
	int		 st;

	if ((st = con_regtoken_of(r, &rs)) != 0)
		return st;
	q = xasprintf("Revoke registration token %s (\"%s\")? A marketplace "
	    "that has not registered with it yet cannot any more.",
	    dbres_str(rs, 0, RT_ID), dbres_str(rs, 0, RT_LABEL));
	a = xasprintf("/admin/registration-tokens/%s/revoke",
	    dbres_str(rs, 0, RT_ID));
	st = con_confirm(r, "Revoke registration token", q, a, "Revoke",
	    "/admin/registration-tokens");
	free(q);
	free(a);
	dbres_free(rs);
	return st;
}

/* POST /admin/registration-tokens/{id}/revoke. */
int
h_con_regtoken_revoke(struct req *r)
{
	struct form	 f;
	struct dbres	*rs = NULL;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = con_regtoken_of(r, &rs)) != 0)
		goto out;
	if ((rc = db_regtoken_revoke(r, dbres_int(rs, 0, RT_ID))) == -1) {
		st = 500;
		goto out;
	}
	if (rc == 0) {
		st = req_fail(r, 409, "the token is already revoked");
		goto out;
	}
	st = con_done(r, "/admin/registration-tokens", "revoked");
out:
	dbres_free(rs);
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
	struct dbres	*mk;
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
	dbres_free(mk);
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
	rc = db_tenant_create(r, &in, &id, &key, NULL, NULL);
	if (rc == TNRC_OK) {
		if (db_tenant_get(r, id, 0, &t) != 1) {
			st = 500;
			goto out;
		}
		st = con_tenant_key_page(r, id, "Tenant created", t->uid,
		    key, -1);
		goto out;
	}
	st = tnrc_status(r, rc);
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
	if ((rc = db_tenant_rotate_key(r, t->id, 0, grace, &key)) !=
	    TNRC_OK) {
		st = tnrc_status(r, rc);
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
