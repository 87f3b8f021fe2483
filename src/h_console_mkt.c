/*
 * Handlers: the console's marketplaces and registration tokens:
 * certificate rotation and revocation, token list, create and
 * revocation. See h_console.c for the rules every console page and
 * form follows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

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
	if (!valid_label(label))
		req_field(r, "label", "must be at most 255 printable "
		    "characters on one line");
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
	if (db_regtoken_create(&r->dx, label, uses, hours * 3600, &tok, &id) ==
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

/* The marketplace of path parameter 0 (*ml owned), or a status. */
static int
con_mkt_of(struct req *r, struct mkt_list *ml)
{
	int	 rc;

	if ((rc = db_mkt_get(&r->dx, req_pv_id(r, 0), ml)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such marketplace");
	return 0;
}

/* GET /admin/marketplaces/{id}/rotate: confirm a new API secret. */
int
h_con_mkt_rotate_ask(struct req *r)
{
	struct mkt_list	 ml;
	char		*q, *a, *b;
	int		 st;

	if ((st = con_mkt_of(r, &ml)) != 0)
		return st;
	q = xasprintf("Give marketplace %s a new API secret? The current "
	    "one keeps working for %lld seconds, then only the new one "
	    "does. The new secret is shown once.", ml.v[0].nid,
	    r->conf->secret_grace);
	a = xasprintf("/admin/marketplaces/%lld/rotate", ml.v[0].id);
	b = xasprintf("/admin/marketplaces/%lld", ml.v[0].id);
	st = con_confirm_rotate(r, "Rotate the API secret", q, a, b);
	free(q);
	free(a);
	free(b);
	mkt_list_free(&ml);
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
	struct mkt_list	 ml = { 0 };
	char		*secret = NULL, *u;
	long long	 id, grace;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if (con_grace(r, &f, &grace) == -1) {
		st = req_fail(r, 400, "the form is invalid");
		goto out;
	}
	if ((st = con_mkt_of(r, &ml)) != 0)
		goto out;
	id = ml.v[0].id;
	secret = crypto_token("mks_");
	if ((rc = db_cred_rotate(&r->dx, "marketplace", id,
	    ml.v[0].api_key, secret, grace, NULL, NULL)) != 1) {
		st = rc == 0 ? req_fail(r, 409, "the rotation was refused; "
		    "retry") : 500;
		goto out;
	}
	con_page(r, &h, "New API secret", "marketplaces");
	html_open(&h, "h1", NULL);
	html_tf(&h, "New API secret of %s", ml.v[0].nid);
	html_close(&h, "h1");
	html_lit(&h, "<div class=\"secret\"><p>The new secret is shown "
	    "<strong>this once</strong>; only its hash is kept.</p><dl "
	    "class=\"show\">");
	con_dl(&h, "API key", ml.v[0].api_key);
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
	mkt_list_free(&ml);
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
	struct mkt_list	 ml;
	char		*u;
	int		 st;

	if ((st = con_mkt_of(r, &ml)) != 0)
		return st;
	con_page(r, &h, "Revoke the certificate", "marketplaces");
	html_elem(&h, "h1", NULL, "Revoke the certificate");
	html_open(&h, "p", "class", "confirm", NULL);
	html_tf(&h, "Revoke the current certificate of marketplace %s? "
	    "It is added to the CRL at once; the marketplace must renew "
	    "its certificate.", ml.v[0].nid);
	html_close(&h, "p");
	u = xasprintf("/admin/marketplaces/%lld/revoke", ml.v[0].id);
	html_form(&h, u, "confirm");
	free(u);
	html_select(&h, "reason", "Reason", con_reasons,
	    sizeof(con_reasons) / sizeof(con_reasons[0]), "unspecified");
	html_submit(&h, "Revoke", "danger");
	html_t(&h, " ");
	u = xasprintf("/admin/marketplaces/%lld", ml.v[0].id);
	html_a(&h, u, "Cancel");
	free(u);
	html_form_end(&h);
	mkt_list_free(&ml);
	return html_reply(&h, 200);
}

/* POST /admin/marketplaces/{id}/revoke: reason; then the CRL. */
int
h_con_mkt_revoke(struct req *r)
{
	struct form	 f;
	struct mkt_list	 ml = { 0 };
	const char	*reason;
	char		*serial = NULL, *u;
	long long	 id;
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = con_mkt_of(r, &ml)) != 0)
		goto out;
	id = ml.v[0].id;
	reason = form_get(&f, "reason");
	if (reason == NULL || cert_reason_code(reason) < 0) {
		st = req_fail(r, 400, "reason must be unspecified, "
		    "keyCompromise, affiliationChanged, superseded or "
		    "cessationOfOperation");
		goto out;
	}
	if ((rc = db_mkt_revoke(&r->dx, id, NULL, reason, &serial)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "the marketplace has no "
		    "certificate") : rc == DBRC_CONFLICT ? req_fail(r, 409,
		    "the certificate is already revoked") : 500;
		goto out;
	}
	if (db_crl_refresh(&r->dx, 1, NULL) != 0)
		log_warnx("CRL refresh after a console revocation failed");
	u = xasprintf("/admin/marketplaces/%lld", id);
	st = con_done(r, u, "revoked");
	free(u);
out:
	free(serial);
	mkt_list_free(&ml);
	form_free(&f);
	return st;
}

/* The registration token of path parameter 0 (*tl owned), or a status. */
static int
con_regtoken_of(struct req *r, struct regtoken_list *tl)
{
	int	 rc;

	if ((rc = db_regtoken_get(&r->dx, req_pv_id(r, 0), tl)) == -1)
		return 500;
	if (rc == 0)
		return req_fail(r, 404, "no such registration token");
	return 0;
}

/* GET /admin/registration-tokens/{id}/revoke: confirm. */
int
h_con_regtoken_revoke_ask(struct req *r)
{
	struct regtoken_list tl;
	char		*q, *a;
	int		 st;

	if ((st = con_regtoken_of(r, &tl)) != 0)
		return st;
	q = xasprintf("Revoke registration token %lld (\"%s\")? A "
	    "marketplace that has not registered with it yet cannot any more.",
	    tl.v[0].id, tl.v[0].label);
	a = xasprintf("/admin/registration-tokens/%lld/revoke",
	    tl.v[0].id);
	st = con_confirm(r, "Revoke registration token", q, a, "Revoke",
	    "/admin/registration-tokens");
	free(q);
	free(a);
	regtoken_list_free(&tl);
	return st;
}

/* POST /admin/registration-tokens/{id}/revoke. */
int
h_con_regtoken_revoke(struct req *r)
{
	struct form	 f;
	struct regtoken_list tl = { 0 };
	int		 st, rc;

	if ((st = con_post(r, &f)) != 0)
		return st;
	if ((st = con_regtoken_of(r, &tl)) != 0)
		goto out;
	if ((rc = db_regtoken_revoke(&r->dx, tl.v[0].id)) == -1) {
		st = 500;
		goto out;
	}
	if (rc == 0) {
		st = req_fail(r, 409, "the token is already revoked");
		goto out;
	}
	st = con_done(r, "/admin/registration-tokens", "revoked");
out:
	regtoken_list_free(&tl);
	form_free(&f);
	return st;
}
