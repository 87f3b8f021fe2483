/*
 * The route table and the dispatcher. A row says which method and path
 * pattern it serves, who may call it and how errors are written; the
 * dispatcher enforces the row before the handler runs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define A	ROLE_ADMIN
#define S	ROLE_SESSION
#define MF	(ROLE_MKT | ROLE_FRESH)

const struct route routes[] = {
	/* health */
	{ M_GET,    "/healthz",				ROLE_PUBLIC, ES_PROBLEM, h_healthz },
	{ M_GET,    "/readyz",				ROLE_PUBLIC, ES_PROBLEM, h_readyz },
	/* marketplaces, certificates, registration tokens */
	{ M_POST,   "/api/v1/marketplaces",		ROLE_REGTOKEN | ROLE_MKT, ES_PROBLEM, h_mkt_register },
	{ M_GET,    "/api/v1/marketplace",		ROLE_MKT, ES_PROBLEM, h_mkt_self_get },
	{ M_PATCH,  "/api/v1/marketplace",		MF, ES_PROBLEM, h_mkt_self_patch },
	{ M_POST,   "/api/v1/marketplace/secret/rotate", MF, ES_PROBLEM, h_mkt_secret_rotate },
	{ M_POST,   "/api/v1/marketplace/certificate/renew", MF, ES_PROBLEM, h_mkt_cert_renew },
	{ M_GET,    "/api/v1/admin/marketplaces",	A, ES_PROBLEM, h_mkt_admin_list },
	{ M_GET,    "/api/v1/admin/marketplaces/{id}",	A, ES_PROBLEM, h_mkt_admin_get },
	{ M_POST,   "/api/v1/admin/marketplaces/{id}/certificate/revoke", A, ES_PROBLEM, h_mkt_admin_revoke },
	{ M_POST,   "/api/v1/admin/registration-tokens", A, ES_PROBLEM, h_regtoken_create },
	{ M_GET,    "/api/v1/admin/registration-tokens", A, ES_PROBLEM, h_regtoken_list },
	{ M_POST,   "/api/v1/admin/registration-tokens/{id}/revoke", A, ES_PROBLEM, h_regtoken_revoke },
	{ M_GET,    "/api/v1/ca.pem",			ROLE_PUBLIC, ES_PROBLEM, h_ca_pem },
	{ M_GET,    "/api/v1/crl.pem",			ROLE_PUBLIC, ES_PROBLEM, h_crl_pem },
	/* providers, apps, environments, listings */
	{ M_POST,   "/api/v1/admin/providers",		A, ES_PROBLEM, h_provider_create },
	{ M_GET,    "/api/v1/admin/providers",		A, ES_PROBLEM, h_provider_list },
	{ M_GET,    "/api/v1/admin/providers/{id}",	A, ES_PROBLEM, h_provider_get },
	{ M_POST,   "/api/v1/admin/providers/{id}/rotate", A, ES_PROBLEM, h_provider_rotate },
	{ M_POST,   "/api/v1/apps",			ROLE_PROVIDER, ES_PROBLEM, h_app_create },
	{ M_GET,    "/api/v1/apps",			ROLE_PROVIDER | A, ES_PROBLEM, h_app_list },
	{ M_GET,    "/api/v1/apps/{id}",		ROLE_PROVIDER | A, ES_PROBLEM, h_app_get },
	{ M_PATCH,  "/api/v1/apps/{id}",		ROLE_PROVIDER, ES_PROBLEM, h_app_update },
	{ M_POST,   "/api/v1/apps/{id}/deactivate",	ROLE_PROVIDER, ES_PROBLEM, h_app_deactivate },
	{ M_POST,   "/api/v1/apps/{id}/environments",	ROLE_PROVIDER, ES_PROBLEM, h_env_create },
	{ M_GET,    "/api/v1/apps/{id}/environments",	ROLE_PROVIDER | A, ES_PROBLEM, h_env_list },
	{ M_GET,    "/api/v1/apps/{id}/environments/{eid}", ROLE_PROVIDER | A, ES_PROBLEM, h_env_get },
	{ M_PATCH,  "/api/v1/apps/{id}/environments/{eid}", ROLE_PROVIDER, ES_PROBLEM, h_env_update },
	{ M_POST,   "/api/v1/apps/{id}/environments/{eid}/rotate", ROLE_PROVIDER, ES_PROBLEM, h_env_rotate },
	{ M_POST,   "/api/v1/apps/{id}/listings",	ROLE_PROVIDER, ES_PROBLEM, h_listing_request },
	{ M_GET,    "/api/v1/listings",			ROLE_PROVIDER, ES_PROBLEM, h_listing_list },
	{ M_GET,    "/api/v1/listings/{id}",		ROLE_PROVIDER | ROLE_MKT | A, ES_PROBLEM, h_listing_get },
	{ M_GET,    "/api/v1/listings/{id}/history",	ROLE_PROVIDER | ROLE_MKT | A, ES_PROBLEM, h_listing_history },
	{ M_GET,    "/api/v1/admin/listings",		A, ES_PROBLEM, h_listing_list },
	{ M_POST,   "/api/v1/admin/listings/{id}/approve", A, ES_PROBLEM, h_listing_approve },
	{ M_POST,   "/api/v1/admin/listings/{id}/reject", A, ES_PROBLEM, h_listing_reject },
	{ M_POST,   "/api/v1/admin/listings/{id}/unpublish", A, ES_PROBLEM, h_listing_unpublish },
	{ M_GET,    "/api/v1/marketplace/listings",	ROLE_MKT, ES_PROBLEM, h_listing_list },
	{ M_POST,   "/api/v1/marketplace/listings",	ROLE_MKT, ES_PROBLEM, h_listing_publish },
	{ M_GET,    "/api/v1/marketplace/listings/{id}", ROLE_MKT, ES_PROBLEM, h_listing_get },
	{ M_POST,   "/api/v1/marketplace/listings/{id}/unpublish", ROLE_MKT, ES_PROBLEM, h_listing_unpublish },
	/* SDK autoconfigure */
	{ M_GET,    "/api/config/v1/marketplaces",	ROLE_ENV, ES_SIMPLE, h_config_marketplaces },
	{ M_GET,    "/api/config/v1/marketplaces/marketplaces", ROLE_ENV, ES_SIMPLE, h_config_marketplaces },
	/* tenants, tenant apps */
	{ M_POST,   "/api/v1/admin/tenants", A, ES_PROBLEM, h_tenant_create },
	{ M_GET,    "/api/v1/admin/tenants", A, ES_PROBLEM, h_tenant_list },
	{ M_GET,    "/api/v1/admin/tenants/{tid}", A, ES_PROBLEM, h_tenant_show },
	{ M_PATCH,  "/api/v1/admin/tenants/{tid}", A, ES_PROBLEM, h_tenant_update },
	{ M_DELETE, "/api/v1/admin/tenants/{tid}", A, ES_PROBLEM, h_tenant_delete },
	{ M_POST,   "/api/v1/admin/tenants/{tid}/rotate-key", A, ES_PROBLEM, h_tenant_rotate },
	{ M_GET,    "/api/v1/admin/tenants/{tid}/apps", A, ES_PROBLEM, h_tapp_list },
	{ M_POST,   "/api/v1/admin/tenants/{tid}/apps", A, ES_PROBLEM, h_tapp_create },
	{ M_POST,   "/api/v1/admin/tenants/{tid}/apps/bulk", A, ES_PROBLEM, h_tapp_bulk },
	{ M_GET,    "/api/v1/admin/tenants/{tid}/apps/{taid}", A, ES_PROBLEM, h_tapp_show },
	{ M_PATCH,  "/api/v1/admin/tenants/{tid}/apps/{taid}", A, ES_PROBLEM, h_tapp_update },
	{ M_DELETE, "/api/v1/admin/tenants/{tid}/apps/{taid}", A, ES_PROBLEM, h_tapp_delete },
	{ M_POST,   "/api/v1/marketplace/tenants", ROLE_MKT, ES_PROBLEM, h_tenant_create },
	{ M_GET,    "/api/v1/marketplace/tenants", ROLE_MKT, ES_PROBLEM, h_tenant_list },
	{ M_GET,    "/api/v1/marketplace/tenants/{tid}", ROLE_MKT, ES_PROBLEM, h_tenant_show },
	{ M_PATCH,  "/api/v1/marketplace/tenants/{tid}", ROLE_MKT, ES_PROBLEM, h_tenant_update },
	{ M_DELETE, "/api/v1/marketplace/tenants/{tid}", ROLE_MKT, ES_PROBLEM, h_tenant_delete },
	{ M_POST,   "/api/v1/marketplace/tenants/{tid}/rotate-key", ROLE_MKT, ES_PROBLEM, h_tenant_rotate },
	{ M_GET,    "/api/v1/marketplace/tenants/{tid}/apps", ROLE_MKT, ES_PROBLEM, h_tapp_list },
	{ M_POST,   "/api/v1/marketplace/tenants/{tid}/apps", ROLE_MKT, ES_PROBLEM, h_tapp_create },
	{ M_POST,   "/api/v1/marketplace/tenants/{tid}/apps/bulk", ROLE_MKT, ES_PROBLEM, h_tapp_bulk },
	{ M_GET,    "/api/v1/marketplace/tenants/{tid}/apps/{taid}", ROLE_MKT, ES_PROBLEM, h_tapp_show },
	{ M_PATCH,  "/api/v1/marketplace/tenants/{tid}/apps/{taid}", ROLE_MKT, ES_PROBLEM, h_tapp_update },
	{ M_DELETE, "/api/v1/marketplace/tenants/{tid}/apps/{taid}", ROLE_MKT, ES_PROBLEM, h_tapp_delete },
	/* MnoHub v2 */
	{ M_GET,    "/api/mnoe/v2/tenant", ROLE_TENANT, ES_JSONAPI, h_hub_tenant },
	{ M_PATCH,  "/api/mnoe/v2/tenant", ROLE_TENANT, ES_JSONAPI, h_hub_tenant_update },
	{ M_GET,    "/api/mnoe/v2/apps", ROLE_TENANT, ES_JSONAPI, h_hub_apps },
	{ M_PATCH,  "/api/mnoe/v2/apps/enable", ROLE_TENANT, ES_JSONAPI, h_hub_apps_enable },
	{ M_GET,    "/api/mnoe/v2/apps/{id}", ROLE_TENANT, ES_JSONAPI, h_hub_app },
	{ M_PATCH,  "/api/mnoe/v2/apps/{id}/enable", ROLE_TENANT, ES_JSONAPI, h_hub_app_enable },
	{ M_PATCH,  "/api/mnoe/v2/apps/{id}/disable", ROLE_TENANT, ES_JSONAPI, h_hub_app_disable },
	/* admin console */
	{ M_GET,    "/active_admin",			ROLE_PUBLIC, ES_HTML, h_con_active_admin },
	{ M_GET,    "/admin/login",			ROLE_PUBLIC, ES_HTML, h_con_login_form },
	{ M_POST,   "/admin/login",			ROLE_PUBLIC, ES_HTML, h_con_login },
	{ M_POST,   "/admin/logout",			S, ES_HTML, h_con_logout },
	{ M_GET,    "/admin",				S, ES_HTML, h_con_dashboard },
	{ M_GET,    "/admin/audit",			S, ES_HTML, h_con_audit },
	{ M_GET,    "/admin/audit.csv",			S, ES_HTML, h_con_audit_csv },
	{ M_GET,    "/admin/registration-tokens",	S, ES_HTML, h_con_regtokens },
	{ M_POST,   "/admin/registration-tokens",	S, ES_HTML, h_con_regtoken_create },
	{ M_GET,    "/admin/marketplaces",		S, ES_HTML, h_con_marketplaces },
	{ M_GET,    "/admin/marketplaces/{id}",		S, ES_HTML, h_con_marketplace },
	{ M_GET,    "/admin/marketplaces/{id}/rotate",	S, ES_HTML, h_con_mkt_rotate_ask },
	{ M_POST,   "/admin/marketplaces/{id}/rotate",	S, ES_HTML, h_con_mkt_rotate },
	{ M_GET,    "/admin/marketplaces/{id}/revoke",	S, ES_HTML, h_con_mkt_revoke_ask },
	{ M_POST,   "/admin/marketplaces/{id}/revoke",	S, ES_HTML, h_con_mkt_revoke },
	{ M_GET,    "/admin/registration-tokens/{id}/revoke", S, ES_HTML, h_con_regtoken_revoke_ask },
	{ M_POST,   "/admin/registration-tokens/{id}/revoke", S, ES_HTML, h_con_regtoken_revoke },
	{ M_GET,    "/admin/tenants",			S, ES_HTML, h_con_tenants },
	{ M_POST,   "/admin/tenants",			S, ES_HTML, h_con_tenant_create },
	{ M_GET,    "/admin/tenants/new",		S, ES_HTML, h_con_tenant_new },
	{ M_GET,    "/admin/tenants/{id}",		S, ES_HTML, h_con_tenant },
	{ M_POST,   "/admin/tenants/{id}",		S, ES_HTML, h_con_tenant_update },
	{ M_GET,    "/admin/tenants/{id}/edit",		S, ES_HTML, h_con_tenant_edit },
	{ M_GET,    "/admin/tenants/{id}/rotate-key",	S, ES_HTML, h_con_tenant_rotate_ask },
	{ M_POST,   "/admin/tenants/{id}/rotate-key",	S, ES_HTML, h_con_tenant_rotate },
	{ M_GET,    "/admin/tenant-apps",		S, ES_HTML, h_con_tenant_apps_pick },
	{ M_GET,    "/admin/tenants/{id}/apps",		S, ES_HTML, h_con_tenant_apps },
	{ M_POST,   "/admin/tenants/{id}/apps",		S, ES_HTML, h_con_tenant_app_create },
	{ M_GET,    "/admin/tenants/{id}/apps/new",	S, ES_HTML, h_con_tenant_app_new },
	{ M_POST,   "/admin/tenants/{id}/apps/bulk",	S, ES_HTML, h_con_tenant_apps_bulk },
	{ M_POST,   "/admin/tenants/{id}/apps/{aid}",	S, ES_HTML, h_con_tenant_app_update },
	{ M_GET,    "/admin/tenants/{id}/apps/{aid}/edit", S, ES_HTML, h_con_tenant_app_edit },
	{ M_GET,    "/admin/tenants/{id}/apps/{aid}/delete", S, ES_HTML, h_con_tenant_app_delete_ask },
	{ M_POST,   "/admin/tenants/{id}/apps/{aid}/delete", S, ES_HTML, h_con_tenant_app_delete },
	{ M_GET,    "/admin/providers",			S, ES_HTML, h_con_providers },
	{ M_GET,    "/admin/providers/new",		S, ES_HTML, h_con_provider_new },
	{ M_GET,    "/admin/providers/{id}",		S, ES_HTML, h_con_provider },
	{ M_GET,    "/admin/apps",			S, ES_HTML, h_con_apps },
	{ M_GET,    "/admin/apps/{id}",			S, ES_HTML, h_con_app },
	{ M_GET,    "/admin/listings",			S, ES_HTML, h_con_listings },
	{ M_GET,    "/admin/listings/{id}",		S, ES_HTML, h_con_listing },
	{ M_POST,   "/admin/listings/{id}/approve",	S, ES_HTML, h_con_listing_approve },
	{ M_POST,   "/admin/listings/{id}/reject",	S, ES_HTML, h_con_listing_reject },
	{ M_POST,   "/admin/listings/{id}/unpublish",	S, ES_HTML, h_con_listing_unpublish },
	{ M_GET,    "/admin/tenants.csv",		S, ES_HTML, h_con_tenants_csv },
	{ M_GET,    "/admin/marketplaces.csv",		S, ES_HTML, h_con_marketplaces_csv },
	{ M_GET,    "/admin/providers.csv",		S, ES_HTML, h_con_providers_csv },
	{ M_GET,    "/admin/apps.csv",			S, ES_HTML, h_con_apps_csv },
	{ M_GET,    "/admin/listings.csv",		S, ES_HTML, h_con_listings_csv },
	{ M_GET,    "/admin/admins.csv",		S, ES_HTML, h_con_admins_csv },
	{ M_GET,    "/admin/registration-tokens.csv",	S, ES_HTML, h_con_regtokens_csv },
	{ M_GET,    "/admin/tenants/{id}/delete",	S, ES_HTML, h_con_tenant_delete_ask },
	{ M_POST,   "/admin/tenants/{id}/delete",	S, ES_HTML, h_con_tenant_delete },
	{ M_POST,   "/admin/providers",			S, ES_HTML, h_con_provider_create },
	{ M_POST,   "/admin/providers/{id}",		S, ES_HTML, h_con_provider_update },
	{ M_GET,    "/admin/providers/{id}/edit",	S, ES_HTML, h_con_provider_edit },
	{ M_GET,    "/admin/providers/{id}/rotate",	S, ES_HTML, h_con_provider_rotate_ask },
	{ M_POST,   "/admin/providers/{id}/rotate",	S, ES_HTML, h_con_provider_rotate },
	{ M_GET,    "/admin/marketplaces/{id}/edit",	S, ES_HTML, h_con_mkt_edit },
	{ M_POST,   "/admin/marketplaces/{id}",		S, ES_HTML, h_con_mkt_update },
	{ M_GET,    "/admin/admins",			S, ES_HTML, h_con_admins },
	{ M_POST,   "/admin/admins",			S, ES_HTML, h_con_admin_create },
	{ M_GET,    "/admin/admins/new",		S, ES_HTML, h_con_admin_new },
	{ M_GET,    "/admin/admins/{id}",		S, ES_HTML, h_con_admin },
	{ M_GET,    "/admin/admins/{id}/disable",	S, ES_HTML, h_con_admin_disable_ask },
	{ M_POST,   "/admin/admins/{id}/disable",	S, ES_HTML, h_con_admin_disable },
	{ M_GET,    "/admin/admins/{id}/enable",	S, ES_HTML, h_con_admin_enable_ask },
	{ M_POST,   "/admin/admins/{id}/enable",	S, ES_HTML, h_con_admin_enable },
	{ M_GET,    "/admin/admins/{id}/password",	S, ES_HTML, h_con_admin_password_ask },
	{ M_POST,   "/admin/admins/{id}/password",	S, ES_HTML, h_con_admin_password },
	{ M_POST,   "/admin/admins/{id}/tokens",	S, ES_HTML, h_con_admin_token_create },
	{ M_GET,    "/admin/admins/{id}/tokens/{tid}/revoke", S, ES_HTML, h_con_admin_token_revoke_ask },
	{ M_POST,   "/admin/admins/{id}/tokens/{tid}/revoke", S, ES_HTML, h_con_admin_token_revoke },
};

const size_t routesz = sizeof(routes) / sizeof(routes[0]);

/*
 * Decode and normalise a request path: percent-decoded, doubled slashes
 * collapsed, trailing slash dropped; "." and ".." segments and control
 * bytes refused. Returns 0 with an owned *out, or -1.
 */
int
path_normalise(const char *raw, char **out)
{
	char	*dec, *o, *p, *seg;
	size_t	 len;

	*out = NULL;
	if (raw[0] != '/' || strlen(raw) > 2048)
		return -1;
	if (url_decode(raw, strlen(raw), 0, &dec) == -1)
		return -1;
	for (p = dec; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			free(dec);
			return -1;
		}
	}
	o = xmalloc(strlen(dec) + 2);
	len = 0;
	for (seg = dec; *seg != '\0';) {
		while (*seg == '/')
			seg++;
		if (*seg == '\0')
			break;
		p = seg + strcspn(seg, "/");
		if ((p - seg == 1 && seg[0] == '.') ||
		    (p - seg == 2 && seg[0] == '.' && seg[1] == '.')) {
			free(dec);
			free(o);
			return -1;
		}
		o[len++] = '/';
		memcpy(o + len, seg, (size_t)(p - seg));
		len += (size_t)(p - seg);
		seg = p;
	}
	if (len == 0)
		o[len++] = '/';
	o[len] = '\0';
	free(dec);
	*out = o;
	return 0;
}

/*
 * Match path against pattern ("/a/{x}/b"). Returns 1 and fills pv (owned
 * copies) on a match, 0 otherwise.
 */
static int
route_match(const char *pattern, const char *path, char **pv, size_t *pvsz)
{
	const char	*pp = pattern, *sp = path, *pe, *se;
	size_t		 n = 0, i;

	for (;;) {
		if (*pp == '\0' || *sp == '\0')
			break;
		if (*pp != '/' || *sp != '/')
			goto fail;
		pp++;
		sp++;
		pe = pp + strcspn(pp, "/");
		se = sp + strcspn(sp, "/");
		if (*pp == '{') {
			if (se == sp || n == PATHV_MAX)
				goto fail;
			pv[n++] = xstrndup(sp, (size_t)(se - sp));
		} else if (pe - pp != se - sp ||
		    strncmp(pp, sp, (size_t)(pe - pp)) != 0)
			goto fail;
		pp = pe;
		sp = se;
	}
	if (*pp != '\0' || *sp != '\0')
		goto fail;
	*pvsz = n;
	return 1;
fail:
	for (i = 0; i < n; i++)
		free(pv[i]);
	return 0;
}

/*
 * The row serving r, with r->pv filled; NULL with *status 404 (no such
 * path) or 405 (path known, method not: Allow is set).
 */
const struct route *
route_find(struct req *r, int *status)
{
	const struct route	*rt;
	struct buf		 allow = { 0 };
	enum method		 m = r->method == M_HEAD ? M_GET : r->method;
	char			*pv[PATHV_MAX];
	size_t			 i, pvsz, j;

	for (i = 0; i < routesz; i++) {
		rt = &routes[i];
		if (!route_match(rt->pattern, r->path, pv, &pvsz))
			continue;
		if (rt->method == m) {
			for (j = 0; j < pvsz; j++)
				r->pv[j] = pv[j];
			r->pvsz = pvsz;
			r->errstyle = rt->errstyle;
			buf_free(&allow);
			return rt;
		}
		for (j = 0; j < pvsz; j++)
			free(pv[j]);
		if (allow.len == 0 || strstr(allow.p,
		    method_name(rt->method)) == NULL)
			buf_printf(&allow, "%s%s", allow.len ? ", " : "",
			    method_name(rt->method));
		r->errstyle = rt->errstyle;
	}
	if (allow.len > 0) {
		req_header(r, "Allow", allow.p);
		buf_free(&allow);
		*status = req_fail(r, 405, "this path does not take %s",
		    method_name(r->method));
		return NULL;
	}
	*status = req_fail(r, 404, "no such route");
	return NULL;
}

/*
 * Serve r: find the row, authenticate and authorise as the row says, run
 * the handler and write the uniform error body for an error status the
 * handler did not answer itself. Returns the status sent.
 */
int
route_dispatch(struct req *r)
{
	const struct route	*rt;
	int			 st;

	if ((rt = route_find(r, &st)) == NULL)
		return reply_error(r, st);
	if ((st = auth_principal(r, rt->roles)) != 0) {
		if (st == 401 && (rt->roles & (ROLE_MKT | ROLE_PROVIDER |
		    ROLE_ENV | ROLE_TENANT)) && rt->errstyle != ES_HTML)
			req_header(r, "WWW-Authenticate",
			    "Basic realm=\"agora\", charset=\"UTF-8\"");
		if (st == 500 && db_lost(r->db))
			st = 503;
		return r->replied ? st : reply_error(r, st);
	}
	if ((st = auth_mtls(r)) != 0) {
		if (st == 500 && db_lost(r->db))
			st = 503;
		return reply_error(r, st);
	}
	if ((rt->roles & ROLE_FRESH) && r->pr.retiring)
		return reply_error(r, auth_retiring(r));
	st = rt->fn(r);
	if (r->replied)
		return r->status;
	if (st >= 500 && db_lost(r->db)) {
		st = 503;
		if (r->err_detail == NULL)
			req_fail(r, 503, "the database is unavailable; "
			    "retry shortly");
	}
	if (st >= 400)
		return reply_error(r, st);
	return reply_empty(r, st);
}
