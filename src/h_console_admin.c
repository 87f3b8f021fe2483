/*
 * Handlers: the console's dashboard (recent activity as sentences), the
 * audit log (filters, pages, streamed CSV) and the platform admins
 * (list, create, disable, reset the password, API tokens). Admin
 * changes go through db_admin.c, each in one transaction with its audit
 * row; secrets (a new password, a new token) are shown once in the
 * POST's own answer and kept nowhere in clear.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define AUD_PER		25
#define RECENT		15

/* An actor label as people read it: "admin:a@b" is "a@b". */
static const char *
adm_who(const char *actor)
{
	if (actor == NULL)
		return "someone";
	if (strncmp(actor, "admin:", 6) == 0)
		return actor + 6;
	return actor;
}

/* What an action did, as a verb phrase before its target's name. */
static const struct {
	const char	*action;
	const char	*verb;
	int		 tapp;		/* "<app> for <tenant>" follows */
	int		 self;		/* no target named */
} adm_verbs[] = {
	{ "tenant.create", "created tenant", 0, 0 },
	{ "tenant.update", "edited tenant", 0, 0 },
	{ "tenant.delete", "deleted tenant", 0, 0 },
	{ "tenant.rotate_key", "rotated the key of tenant", 0, 0 },
	{ "tenant_app.create", "enabled", 1, 0 },
	{ "tenant_app.update", "changed", 1, 0 },
	{ "tenant_app.delete", "disabled", 1, 0 },
	{ "tenant_app.bulk", "enabled or disabled apps for tenant", 0, 0 },
	{ "listing.request", "asked for the listing of", 0, 0 },
	{ "listing.approve", "approved the listing of", 0, 0 },
	{ "listing.reject", "rejected the listing of", 0, 0 },
	{ "listing.unpublish", "unpublished the listing of", 0, 0 },
	{ "listing.publish", "published the listing of", 0, 0 },
	{ "listing.key", "gave a hub key to the listing of", 0, 0 },
	{ "marketplace.register", "registered marketplace", 0, 0 },
	{ "marketplace.update", "edited marketplace", 0, 0 },
	{ "marketplace.secret_rotate", "rotated the secret of marketplace",
	    0, 0 },
	{ "marketplace.certificate_renew",
	    "renewed the certificate of marketplace", 0, 0 },
	{ "marketplace.certificate_revoke",
	    "revoked the certificate of marketplace", 0, 0 },
	{ "provider.create", "created provider", 0, 0 },
	{ "provider.update", "edited provider", 0, 0 },
	{ "provider.secret_rotate", "rotated the secret of provider", 0, 0 },
	{ "app.create", "created app", 0, 0 },
	{ "app.update", "edited app", 0, 0 },
	{ "app.deactivate", "deactivated app", 0, 0 },
	{ "environment.create", "created an environment", 0, 1 },
	{ "environment.update", "edited an environment", 0, 1 },
	{ "environment.rotate", "rotated an environment's secret", 0, 1 },
	{ "admin.create", "created admin", 0, 0 },
	{ "admin.disable", "disabled admin", 0, 0 },
	{ "admin.enable", "enabled admin", 0, 0 },
	{ "admin.password", "set the password of an admin", 0, 1 },
	{ "admin.password_reset", "reset the password of admin", 0, 0 },
	{ "admin.login", "logged in", 0, 1 },
	{ "admin.logout", "logged out", 0, 1 },
	{ "admin.lock", "locked an admin out after failed logins", 0, 1 },
	{ "admin_token.create", "created an admin API token", 0, 1 },
	{ "admin_token.revoke", "revoked an admin API token", 0, 1 },
	{ "registration_token.create", "created a registration token", 0, 1 },
	{ "registration_token.revoke", "revoked a registration token", 0, 1 },
};

/* The sentence of a recent audit entry ("a@b enabled X for Y"). */
static void
adm_sentence(struct html *h, const struct audit_entry *e)
{
	const char	*act = e->action;
	const char	*name = e->name;
	size_t		 k, n = sizeof(adm_verbs) / sizeof(adm_verbs[0]);

	html_elem(h, "strong", NULL, adm_who(e->actor));
	html_t(h, " ");
	for (k = 0; k < n; k++)
		if (strcmp(act, adm_verbs[k].action) == 0)
			break;
	if (k == n) {
		html_tf(h, "did %s on %s %s", act, e->kind,
		    e->target ? e->target : "");
		return;
	}
	html_t(h, adm_verbs[k].verb);
	if (adm_verbs[k].self)
		return;
	if (adm_verbs[k].tapp) {
		html_t(h, " ");
		html_elem(h, "em", NULL, e->app ?
		    e->app : "an app");
		html_t(h, " for ");
		html_elem(h, "em", NULL, e->tenant ?
		    e->tenant : "a deleted tenant");
		return;
	}
	html_t(h, " ");
	if (name != NULL)
		html_elem(h, "em", NULL, name);
	else
		html_tf(h, "#%s", e->target ?
		    e->target : "?");
}

/* The change of an audit entry, pretty JSON inside <details>. */
static void
adm_change(struct html *h, const struct audit_entry *e)
{
	char	*js;

	if (e->before == NULL && e->after == NULL)
		return;
	html_lit(h, "<details class=\"change\"><summary>JSON</summary>");
	if (e->before != NULL) {
		html_elem(h, "span", "label", "before");
		js = con_json_pretty(e->before);
		html_elem(h, "pre", "json before", js);
		free(js);
	}
	if (e->after != NULL) {
		html_elem(h, "span", "label", "after");
		js = con_json_pretty(e->after);
		html_elem(h, "pre", "json after", js);
		free(js);
	}
	html_lit(h, "</details>");
}

/* GET /admin: counts and the recent activity as sentences. */
int
h_con_dashboard(struct req *r)
{
	static const struct {
		const char	*label;
		const char	*link;
	} counts[] = {
		{ "Marketplaces", "/admin/marketplaces" },
		{ "Tenants", "/admin/tenants" },
		{ "Providers", "/admin/providers" },
		{ "Apps", "/admin/apps" },
		{ "Live listings", "/admin/listings?state=approved" },
		{ "Listings to review", "/admin/listings?state=submitted" },
		{ "Tenant apps", "/admin/tenant-apps" },
		{ "Usable registration tokens", "/admin/registration-tokens" },
	};
	struct html		 h;
	struct con_counts	 c;
	struct audit_list	 al;
	long long		 n[sizeof(counts) / sizeof(counts[0])];
	size_t			 i;

	if (db_console_counts(&r->dx, &c) == -1 ||
	    db_console_recent(&r->dx, RECENT, &al) == -1)
		return 500;
	n[0] = c.marketplaces;
	n[1] = c.tenants;
	n[2] = c.providers;
	n[3] = c.apps;
	n[4] = c.live_listings;
	n[5] = c.to_review;
	n[6] = c.tenant_apps;
	n[7] = c.usable_tokens;
	con_page(r, &h, "Dashboard", "dashboard");
	html_elem(&h, "h1", NULL, "Dashboard");
	html_lit(&h, "<ul class=\"counts\">");
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		html_lit(&h, "<li>");
		html_open(&h, "a", "href", counts[i].link, NULL);
		html_open(&h, "strong", NULL);
		html_int(&h, n[i]);
		html_close(&h, "strong");
		html_elem(&h, "span", NULL, counts[i].label);
		html_close(&h, "a");
		html_lit(&h, "</li>");
	}
	html_lit(&h, "</ul>");
	html_elem(&h, "h2", NULL, "Recent activity");
	html_lit(&h, "<ol class=\"activity\">");
	for (i = 0; i < al.n; i++) {
		html_lit(&h, "<li>");
		html_time(&h, al.v[i].at);
		html_lit(&h, " <span class=\"sentence\">");
		adm_sentence(&h, &al.v[i]);
		html_lit(&h, "</span>");
		adm_change(&h, &al.v[i]);
		html_lit(&h, "</li>");
	}
	html_lit(&h, "</ol><p><a href=\"/admin/audit\">The whole audit log</a>"
	    "</p>");
	audit_list_free(&al);
	return html_reply(&h, 200);
}

/*
 * The audit filter from the query (actor, action, target, tenant, since,
 * until); 0, or -1 with a field error.
 */
static int
adm_audit_filter(struct req *r, struct afilter *f)
{
	const char	*bad, *v;

	if (audit_filter_parse(f, req_qs(r, "actor"), req_qs(r, "target"),
	    req_qs(r, "since"), req_qs(r, "until"), &bad) == -1) {
		if (strcmp(bad, "target") == 0)
			return req_field(r, bad, "must be KIND or KIND:ID, "
			    "e.g. tenant:12");
		if (strcmp(bad, "actor") == 0)
			return req_field(r, bad, "must be printable text");
		return req_field(r, bad, "must be a UTC time like "
		    "2026-01-31 or 2026-01-31T13:45");
	}
	if ((v = req_qs(r, "action")) != NULL && *v != '\0') {
		if (strlen(v) >= sizeof(f->action) || strspn(v,
		    "abcdefghijklmnopqrstuvwxyz_.") != strlen(v))
			return req_field(r, "action", "must be an action like "
			    "tenant.update");
		snprintf(f->action, sizeof(f->action), "%s", v);
	}
	if ((v = req_qs(r, "tenant")) != NULL && *v != '\0' &&
	    !valid_id(v, &f->tenant))
		return req_field(r, "tenant", "must be a tenant id");
	return 0;
}

/* GET /admin/audit: the audit log, filtered and paged. */
int
h_con_audit(struct req *r)
{
	static const struct hcol cols[] = {
		{ "At", "at" }, { "Actor", "actor" }, { "Action", "action" },
		{ "Target", "target" }, { "Change", NULL },
		{ "Request", "request" },
	};
	static const struct hparam orders[] = {
		{ "-at", "Newest first" }, { "at", "Oldest first" },
		{ "actor", "Actor" }, { "-actor", "Actor, descending" },
		{ "action", "Action" }, { "-action", "Action, descending" },
		{ "target", "Target" }, { "-target", "Target, descending" },
		{ "request", "Request" }, { "-request", "Request, descending" },
	};
	static const char *const keys[] = {
		"actor", "action", "target", "tenant", "since", "until",
		"sort", "per",
	};
	struct html	 h;
	struct afilter	 f;
	struct audit_list al = { 0 };
	struct hparam	 p[8];
	const char	*sort, *v;
	char		*u, *tgt;
	long long	 page = 1, per = AUD_PER, total = 0;
	size_t		 i;
	int		 bad;

	bad = adm_audit_filter(r, &f);
	for (i = 0; i < 8; i++) {
		p[i].key = keys[i];
		p[i].val = req_qs(r, keys[i]);
	}
	if ((v = req_qs(r, "page")) != NULL && *v != '\0' &&
	    num_parse(v, 1, 1000000, &page) == -1)
		bad = req_field(r, "page", "must be a page number");
	if ((v = req_qs(r, "per")) != NULL && *v != '\0' &&
	    (num_parse(v, 10, 100, &per) == -1 || (per != 10 && per != 25 &&
	    per != 50 && per != 100)))
		bad = req_field(r, "per", "must be 10, 25, 50 or 100");
	if ((sort = req_qs(r, "sort")) == NULL || *sort == '\0')
		sort = "-at";
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		if (strcmp(sort, orders[i].key) == 0)
			break;
	if (i == sizeof(orders) / sizeof(orders[0]))
		bad = req_field(r, "sort", "is not a sort order of this list");
	if (bad == 0 && db_audit_list(&r->dx, &f, sort, per, (page - 1) * per,
	    &al, &total) == -1)
		return 500;

	con_page(r, &h, "Audit log", "audit");
	html_crumbs(&h, "Dashboard", "/admin", "Audit log", NULL, NULL);
	html_lit(&h, "<div class=\"titlebar\"><h1>Audit log</h1>"
	    "<div class=\"actions\">");
	u = html_qurl("/admin/audit.csv", p, 6, NULL, NULL);
	html_open(&h, "a", "class", "button", "href", u, "id", "export-csv",
	    NULL);
	html_t(&h, "Export CSV");
	html_close(&h, "a");
	free(u);
	html_lit(&h, "</div></div><div class=\"listpage\"><aside "
	    "class=\"sidebar\"><h2>Filters</h2>");
	html_form_get(&h, "/admin/audit", "filters side");
	html_input(&h, "actor", "Actor", "text", p[0].val,
	    "exactly, e.g. admin:ops@example.com");
	html_input(&h, "action", "Action", "text", p[1].val,
	    "exactly, e.g. tenant.update");
	html_input(&h, "target", "Target", "text", p[2].val,
	    "kind or kind:id, e.g. tenant:12");
	html_input(&h, "tenant", "Tenant trail", "text", p[3].val,
	    "a tenant id: its rows and its tenant apps'");
	html_input(&h, "since", "Since (UTC)", "text", p[4].val,
	    "2026-01-31 or 2026-01-31T13:45");
	html_input(&h, "until", "Until (UTC, exclusive)", "text", p[5].val,
	    NULL);
	html_select(&h, "sort", "Order", orders,
	    sizeof(orders) / sizeof(orders[0]), sort);
	if (p[7].val != NULL)
		html_hidden(&h, "per", p[7].val);
	html_submit(&h, "Filter", "primary");
	html_lit(&h, " <a href=\"/admin/audit\">Clear</a>");
	html_form_end(&h);
	html_lit(&h, "</aside><section class=\"results\">");
	if (al.rs == NULL) {
		html_elem(&h, "p", "flash error", "Correct the filters.");
		html_lit(&h, "</section></div>");
		return html_reply(&h, 400);
	}
	html_thead(&h, "/admin/audit", p, 8, sort, cols, 6);
	for (i = 0; i < al.n; i++) {
		html_lit(&h, "<tr><td class=\"nowrap\">");
		html_time(&h, al.v[i].at);
		html_lit(&h, "</td>");
		u = html_qurl("/admin/audit", NULL, 0, "actor",
		    al.v[i].actor);
		html_td_a(&h, u, al.v[i].actor);
		free(u);
		u = html_qurl("/admin/audit", NULL, 0, "action",
		    al.v[i].action);
		html_td_a(&h, u, al.v[i].action);
		free(u);
		tgt = al.v[i].target == NULL ?
		    xstrdup(al.v[i].kind) : xasprintf("%s:%s",
		    al.v[i].kind, al.v[i].target);
		u = html_qurl("/admin/audit", NULL, 0, "target", tgt);
		html_td_a(&h, u, tgt);
		free(u);
		free(tgt);
		html_lit(&h, "<td>");
		adm_change(&h, &al.v[i]);
		html_lit(&h, "</td><td class=\"mono\">");
		html_t(&h, al.v[i].request);
		html_lit(&h, "</td></tr>");
	}
	html_tfoot(&h);
	html_pager(&h, "/admin/audit", p, 8, page, per, total);
	html_lit(&h, "</section></div>");
	audit_list_free(&al);
	return html_reply(&h, 200);
}

/* Hand a CSV line to the client (db_audit_csv's emit). */
static int
adm_csv_emit(void *arg, const char *p, size_t sz)
{
	return reply_chunk(arg, p, sz);
}

/*
 * GET /admin/audit.csv: the filtered rows as CSV, streamed while they
 * are fetched (the same bytes as agoractl audit export).
 */
int
h_con_audit_csv(struct req *r)
{
	struct afilter	 f;
	struct buf	 b = { 0 };

	if (adm_audit_filter(r, &f) == -1)
		return req_fail(r, 400, "%s %s", r->ferr[0].field,
		    r->ferr[0].msg);
	req_header(r, "Content-Disposition",
	    "attachment; filename=\"agora-audit.csv\"");
	reply_stream(r, "text/csv; charset=utf-8");
	if (r->method == M_HEAD)
		return 200;
	if (db_audit_csv(&r->dx, &f, adm_csv_emit, r) == -1) {
		log_warnx("the console audit export stopped early");
		csv_field(&b, "# the export stopped early: an error on the "
		    "server", 1);
		(void)reply_chunk(r, b.p, b.len);
		buf_free(&b);
	}
	return 200;
}

/* Admins. */

/* The admin of path parameter 0 (enum admcol), or a status. */
static int
adm_of(struct req *r, struct admin_list *al)
{
	int	 rc;

	if ((rc = db_admin_get(&r->dx, req_pv_id(r, 0), al)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such admin");
	return 0;
}

/* A page showing a secret once: an admin's password or API token. */
static int
adm_secret_page(struct req *r, const char *title, const char *what,
    const char *secret, long long id)
{
	struct html	 h;
	char		*u;

	con_page(r, &h, title, "admins");
	html_elem(&h, "h1", NULL, title);
	html_lit(&h, "<div class=\"secret\"><p>It is shown <strong>this "
	    "once</strong>; only its hash is kept.</p><dl class=\"show\">");
	html_elem(&h, "dt", NULL, what);
	html_open(&h, "dd", NULL);
	html_elem(&h, "code", "token", secret);
	html_close(&h, "dd");
	html_lit(&h, "</dl></div><p>");
	u = xasprintf("/admin/admins/%lld", id);
	html_a(&h, u, "Go to the admin");
	free(u);
	html_lit(&h, "</p>");
	return html_reply(&h, 200);
}

/* The new admin form. */
static int
adm_new_form(struct req *r, int status, const struct form *in)
{
	struct html	 h;

	con_page(r, &h, "New admin", "admins");
	html_crumbs(&h, "Dashboard", "/admin", "Admins", "/admin/admins",
	    "New", NULL, NULL);
	html_elem(&h, "h1", NULL, "New admin");
	if (status >= 400)
		html_elem(&h, "p", "flash error", r->err_detail ?
		    r->err_detail : "Correct the fields marked below.");
	html_form(&h, "/admin/admins", "edit");
	html_input(&h, "email", "E-mail", "email", in ? form_get(in,
	    "email") : NULL, "the new admin logs in with it; a first "
	    "password is shown once on the next page");
	html_submit(&h, "Create", "primary");
	html_t(&h, " ");
	html_a(&h, "/admin/admins", "Cancel");
	html_form_end(&h);
	return html_reply(&h, status);
}

/* GET /admin/admins/new. */
int
h_con_admin_new(struct req *r)
{
	return adm_new_form(r, 200, NULL);
}

/*
 * POST /admin/admins: email. The admin gets a random first password,
 * shown once (hand it over; the admin can have it reset any time).
 */
int
h_con_admin_create(struct req *r)
{
	struct form	 f;
	const char	*email;
	char		*pw = NULL;
	long long	 id;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	email = form_get(&f, "email");
	if (email == NULL || strlen(email) > 255 || !valid_email(email)) {
		req_field(r, "email", "must be an e-mail address");
		st = adm_new_form(r, 400, &f);
		goto out;
	}
	pw = crypto_token("");
	if ((rc = db_admin_create(&r->dx, email, pw, &id)) == -1)
		st = 500;
	else if (rc == 0) {
		req_field(r, "email", "is taken by another admin");
		st = adm_new_form(r, 409, &f);
	} else
		st = adm_secret_page(r, "Admin created", "First password",
		    pw, id);
out:
	secret_free(pw);
	form_free(&f);
	return st;
}

/* A confirmation that posts the admin's version along. */
static int
adm_confirm(struct req *r, const struct admin *a, const char *title,
    const char *question, const char *what, const char *button)
{
	struct html	 h;
	char		*u, ver[24];

	con_page(r, &h, title, "admins");
	html_elem(&h, "h1", NULL, title);
	html_elem(&h, "p", "confirm", question);
	u = xasprintf("/admin/admins/%lld/%s", a->id, what);
	html_form(&h, u, "confirm");
	free(u);
	snprintf(ver, sizeof(ver), "%lld", a->version);
	html_hidden(&h, "version", ver);
	html_submit(&h, button, "danger");
	html_t(&h, " ");
	u = xasprintf("/admin/admins/%lld", a->id);
	html_a(&h, u, "Cancel");
	free(u);
	html_form_end(&h);
	return html_reply(&h, 200);
}

/* GET /admin/admins/{id}: the admin, its API tokens, its actions. */
int
h_con_admin(struct req *r)
{
	static const struct hcol cols[] = {
		{ "Id", NULL }, { "Label", NULL }, { "Created", NULL },
		{ "Expires", NULL }, { "State", NULL }, { "", NULL },
	};
	struct html	 h;
	struct admin_list	 al;
	struct admin_token_list tl = { 0 };
	const char	*state;
	char		*u, *t;
	size_t		 i;
	int		 st;

	if ((st = adm_of(r, &al)) != 0)
		return st;
	if (db_admin_tokens(&r->dx, al.v[0].id, &tl) == -1) {
		admin_list_free(&al);
		return 500;
	}
	state = al.v[0].state;
	con_page(r, &h, al.v[0].email, "admins");
	html_crumbs(&h, "Dashboard", "/admin", "Admins", "/admin/admins",
	    al.v[0].email, NULL, NULL);
	html_lit(&h, "<div class=\"titlebar\">");
	html_open(&h, "h1", NULL);
	html_tf(&h, "Admin %s", al.v[0].email);
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"actions\">");
	u = xasprintf("/admin/admins/%lld/password", al.v[0].id);
	html_open(&h, "a", "class", "button", "href", u, NULL);
	html_t(&h, "Reset password");
	html_close(&h, "a");
	free(u);
	u = xasprintf("/admin/admins/%lld/%s", al.v[0].id,
	    strcmp(state, "disabled") == 0 ? "enable" : "disable");
	html_open(&h, "a", "class", "button", "href", u, NULL);
	html_t(&h, strcmp(state, "disabled") == 0 ? "Enable" : "Disable");
	html_close(&h, "a");
	free(u);
	html_lit(&h, "</div></div><dl class=\"show\">");
	con_dl(&h, "E-mail", al.v[0].email);
	con_dl(&h, "State", state);
	html_elem(&h, "dt", NULL, "Created");
	html_lit(&h, "<dd>");
	html_time(&h, al.v[0].created_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Password changed");
	html_lit(&h, "<dd>");
	html_time(&h, al.v[0].pw_changed_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Disabled");
	html_lit(&h, "<dd>");
	html_time(&h, al.v[0].disabled_at);
	html_lit(&h, "</dd>");
	html_elem(&h, "dt", NULL, "Locked until");
	html_lit(&h, "<dd>");
	html_time(&h, al.v[0].locked_until);
	html_lit(&h, "</dd></dl>");
	t = xasprintf("admin:%s", al.v[0].email);
	u = html_qurl("/admin/audit", NULL, 0, "actor", t);
	html_lit(&h, "<p>");
	html_a(&h, u, "What this admin did (audit log)");
	html_lit(&h, "</p>");
	free(u);
	free(t);

	html_elem(&h, "h2", NULL, "API tokens");
	html_thead(&h, NULL, NULL, 0, NULL, cols, 6);
	for (i = 0; i < tl.n; i++) {
		html_lit(&h, "<tr>");
		html_open(&h, "td", NULL);
		html_int(&h, tl.v[i].id);
		html_close(&h, "td");
		html_td(&h, tl.v[i].label);
		html_lit(&h, "<td class=\"nowrap\">");
		html_time(&h, tl.v[i].created_at);
		html_lit(&h, "</td><td class=\"nowrap\">");
		if (tl.v[i].expires_at == NULL)
			html_t(&h, "never");
		else
			html_time(&h, tl.v[i].expires_at);
		html_lit(&h, "</td>");
		html_td(&h, tl.v[i].state);
		html_lit(&h, "<td>");
		if (strcmp(tl.v[i].state, "active") == 0) {
			u = xasprintf("/admin/admins/%lld/tokens/%lld/revoke",
			    al.v[0].id, tl.v[i].id);
			html_a(&h, u, "Revoke");
			free(u);
		}
		html_lit(&h, "</td></tr>");
	}
	html_tfoot(&h);
	if (tl.n == 0)
		html_elem(&h, "p", "muted", "No API tokens.");
	html_elem(&h, "h2", NULL, "New API token");
	u = xasprintf("/admin/admins/%lld/tokens", al.v[0].id);
	html_form(&h, u, "inline");
	free(u);
	html_input(&h, "label", "Label", "text", NULL, "what it is for");
	html_input(&h, "expires_days", "Expires after (days)", "number", "90",
	    "1 to 3650; 0: never");
	html_submit(&h, "Create token", "primary");
	html_form_end(&h);
	admin_token_list_free(&tl);
	admin_list_free(&al);
	return html_reply(&h, 200);
}

/* GET /admin/admins/{id}/disable and .../enable: confirm. */
static int
adm_state_ask(struct req *r, int disable)
{
	struct admin_list	 al;
	char		*q;
	int		 st;

	if ((st = adm_of(r, &al)) != 0)
		return st;
	q = xasprintf(disable ? "Disable admin %s? Its sessions end now and "
	    "neither its password nor its API tokens are accepted until it "
	    "is enabled again. The last active admin cannot be disabled." :
	    "Enable admin %s again? Its password and its unexpired API "
	    "tokens are accepted again.", al.v[0].email);
	st = adm_confirm(r, &al.v[0], disable ? "Disable admin" : "Enable admin", q,
	    disable ? "disable" : "enable", disable ? "Disable" : "Enable");
	free(q);
	admin_list_free(&al);
	return st;
}

/* GET /admin/admins/{id}/disable. */
int
h_con_admin_disable_ask(struct req *r)
{
	return adm_state_ask(r, 1);
}

/* GET /admin/admins/{id}/enable. */
int
h_con_admin_enable_ask(struct req *r)
{
	return adm_state_ask(r, 0);
}

/* The version a confirmation posted: 0 with *v, or 400. */
static int
adm_version(struct req *r, const struct form *f, long long *v)
{
	const char	*s;

	if ((s = form_get(f, "version")) == NULL ||
	    num_parse(s, 1, INT32_MAX, v) == -1)
		return req_fail(r, 400, "version must be the version you saw");
	return 0;
}

/*
 * POST /admin/admins/{id}/disable and .../enable: version. 409 when the
 * admin changed since, or when it is the last active admin.
 */
static int
adm_state(struct req *r, int disable)
{
	struct form	 f;
	struct admin_list	 al = { 0 };
	char		*u;
	long long	 ver;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = adm_of(r, &al)) != 0 || (st = adm_version(r, &f, &ver)))
		goto out;
	rc = db_admin_set_disabled(&r->dx, al.v[0].id, ver, disable);
	if (rc == -1)
		st = 500;
	else if (rc == DBRC_CONFLICT)
		st = req_fail(r, 409, "%s is the last active admin and cannot "
		    "be disabled; create or enable another admin first",
		    al.v[0].email);
	else if (rc == 0)
		st = req_fail(r, 409, "Someone changed this admin since you "
		    "looked; look again first.");
	else {
		u = xasprintf("/admin/admins/%lld", al.v[0].id);
		st = con_done(r, u, disable ? "admin_disabled" :
		    "admin_enabled");
		free(u);
	}
out:
	admin_list_free(&al);
	form_free(&f);
	return st;
}

/* POST /admin/admins/{id}/disable. */
int
h_con_admin_disable(struct req *r)
{
	return adm_state(r, 1);
}

/* POST /admin/admins/{id}/enable. */
int
h_con_admin_enable(struct req *r)
{
	return adm_state(r, 0);
}

/* GET /admin/admins/{id}/password: confirm a reset. */
int
h_con_admin_password_ask(struct req *r)
{
	struct admin_list	 al;
	char		*q;
	int		 st;

	if ((st = adm_of(r, &al)) != 0)
		return st;
	q = xasprintf("Give admin %s a new random password? The current "
	    "password and every session of this admin end now; the new "
	    "password is shown once.", al.v[0].email);
	st = adm_confirm(r, &al.v[0], "Reset the password", q, "password",
	    "Reset");
	free(q);
	admin_list_free(&al);
	return st;
}

/* POST /admin/admins/{id}/password: version; the password shown once. */
int
h_con_admin_password(struct req *r)
{
	struct form	 f;
	struct admin_list	 al = { 0 };
	char		*pw = NULL;
	long long	 ver;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = adm_of(r, &al)) != 0 || (st = adm_version(r, &f, &ver)))
		goto out;
	rc = db_admin_reset_pw(&r->dx, al.v[0].id, ver, &pw);
	if (rc == -1)
		st = 500;
	else if (rc == 0)
		st = req_fail(r, 409, "Someone changed this admin since you "
		    "looked; look again first.");
	else
		st = adm_secret_page(r, "New password", "Password", pw,
		    al.v[0].id);
out:
	secret_free(pw);
	admin_list_free(&al);
	form_free(&f);
	return st;
}

/*
 * POST /admin/admins/{id}/tokens: label, expires_days (0: never). The
 * token is shown once.
 */
int
h_con_admin_token_create(struct req *r)
{
	struct form	 f;
	struct admin_list	 al = { 0 };
	const char	*label, *v;
	char		*tok = NULL;
	long long	 days = 0;
	int		 st;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = adm_of(r, &al)) != 0)
		goto out;
	if ((label = form_get(&f, "label")) == NULL)
		label = "";
	if (!valid_text(label, 0, 255) || strpbrk(label, "\r\n\t") != NULL)
		req_field(r, "label", "must be at most 255 printable "
		    "characters");
	if ((v = form_get(&f, "expires_days")) == NULL ||
	    num_parse(v, 0, 3650, &days) == -1)
		req_field(r, "expires_days", "must be 0 (never) to 3650 days");
	if (r->ferrsz > 0) {
		st = req_fail(r, 400, "%s %s", r->ferr[0].field,
		    r->ferr[0].msg);
		goto out;
	}
	if (db_admin_token_create(&r->dx, al.v[0].id, label,
	    days * 86400, &tok) == -1) {
		st = 500;
		goto out;
	}
	st = adm_secret_page(r, "New API token", "Token (Authorization: "
	    "Bearer)", tok, al.v[0].id);
out:
	secret_free(tok);
	admin_list_free(&al);
	form_free(&f);
	return st;
}

/* The token of path parameters 0 (admin) and 1, or a status. */
static int
adm_token_of(struct req *r, struct admin_list *al,
    struct admin_token_list *tl)
{
	int	 st;

	memset(tl, 0, sizeof(*tl));
	if ((st = adm_of(r, al)) != 0)
		return st;
	if ((st = db_admin_token_get(&r->dx, al->v[0].id, req_pv_id(r, 1),
	    tl)) == -1)
		return 500;
	if (st == 0)
		return req_fail(r, 404, "no such API token");
	return 0;
}

/* GET /admin/admins/{id}/tokens/{tid}/revoke: confirm. */
int
h_con_admin_token_revoke_ask(struct req *r)
{
	struct admin_list	 al = { 0 };
	struct admin_token_list tl = { 0 };
	char		*q, *a, *b;
	int		 st;

	if ((st = adm_token_of(r, &al, &tl)) == 0) {
		q = xasprintf("Revoke API token %lld (\"%s\") of %s? Programs "
		    "using it are refused from now on.", tl.v[0].id, tl.v[0].label, al.v[0].email);
		a = xasprintf("/admin/admins/%lld/tokens/%lld/revoke",
		    al.v[0].id, tl.v[0].id);
		b = xasprintf("/admin/admins/%lld", al.v[0].id);
		st = con_confirm(r, "Revoke API token", q, a, "Revoke", b);
		free(q);
		free(a);
		free(b);
	}
	admin_token_list_free(&tl);
	admin_list_free(&al);
	return st;
}

/* POST /admin/admins/{id}/tokens/{tid}/revoke: 409 if revoked already. */
int
h_con_admin_token_revoke(struct req *r)
{
	struct form	 f;
	struct admin_list	 al = { 0 };
	struct admin_token_list tl = { 0 };
	char		*u;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = adm_token_of(r, &al, &tl)) != 0)
		goto out;
	rc = db_admin_token_revoke(&r->dx, al.v[0].id,
	    tl.v[0].id);
	if (rc == -1)
		st = 500;
	else if (rc == 0)
		st = req_fail(r, 409, "the token is already revoked");
	else {
		u = xasprintf("/admin/admins/%lld", al.v[0].id);
		st = con_done(r, u, "revoked");
		free(u);
	}
out:
	admin_token_list_free(&tl);
	admin_list_free(&al);
	form_free(&f);
	return st;
}
