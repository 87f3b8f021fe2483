/*
 * Handlers: the admin console at /admin (server-rendered HTML): what
 * every page and form shares, and the sessions (login, logout). Each
 * area has its own file: h_console_tenant.c, h_console_app.c,
 * h_console_mkt.c, h_console_act.c (providers, marketplaces, hub
 * changes), h_console_admin.c (dashboard, audit, admins),
 * h_console_events.c (webhooks) and h_console_list.c (every list page
 * and CSV export, one helper).
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

	if ((found = db_console_admin(&r->dx, email, &a)) == -1) {
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
		if (!a.locked && db_console_login_fail(&r->dx, &a) == -1) {
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
	if (db_console_login(&r->dx, &a, oldsid, &tok, csrf) == -1) {
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
	if (db_console_logout(&r->dx) == -1)
		return 500;
	con_set_cookie(r, SESSION_COOKIE, "", 0);
	return con_redirect(r, "/admin/login?done=loggedout");
}

/* Marketplace choices for a filter: "" (all) then every nid. */
struct hparam *
con_mkt_opts(struct req *r, struct mkt_name_list *ml, size_t *n)
{
	struct hparam	*o;
	size_t		 i;

	*n = 0;
	if (db_console_mkt_names(&r->dx, ml) == -1)
		return NULL;
	o = xcalloc(ml->n + 1, sizeof(*o));
	o[0].key = "";
	o[0].val = "All marketplaces";
	for (i = 0; i < ml->n; i++) {
		o[i + 1].key = ml->v[i].id_text;
		o[i + 1].val = ml->v[i].nid;
	}
	*n = ml->n + 1;
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
