/*
 * The route table and the dispatcher. A row says which method and path
 * pattern it serves, who may call it and how errors are written; the
 * dispatcher enforces the row before the handler runs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

#define A	ROLE_ADMIN
#define S	ROLE_SESSION
#define MF	(ROLE_MKT | ROLE_FRESH)
#define PF	(ROLE_PROVIDER | ROLE_FRESH)

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
	{ M_POST,   "/api/v1/apps/{id}/environments",	PF, ES_PROBLEM, h_env_create },
	{ M_GET,    "/api/v1/apps/{id}/environments",	ROLE_PROVIDER | A, ES_PROBLEM, h_env_list },
	{ M_GET,    "/api/v1/apps/{id}/environments/{eid}", ROLE_PROVIDER | A, ES_PROBLEM, h_env_get },
	{ M_PATCH,  "/api/v1/apps/{id}/environments/{eid}", ROLE_PROVIDER, ES_PROBLEM, h_env_update },
	{ M_POST,   "/api/v1/apps/{id}/environments/{eid}/rotate", PF, ES_PROBLEM, h_env_rotate },
	{ M_POST,   "/api/v1/apps/{id}/listings",	ROLE_PROVIDER, ES_PROBLEM, h_listing_request },
	{ M_GET,    "/api/v1/listings",			ROLE_PROVIDER, ES_PROBLEM, h_listing_list },
	{ M_GET,    "/api/v1/listings/{id}",		ROLE_PROVIDER | MF | A, ES_PROBLEM, h_listing_get },
	{ M_GET,    "/api/v1/listings/{id}/history",	ROLE_PROVIDER | ROLE_MKT | A, ES_PROBLEM, h_listing_history },
	{ M_GET,    "/api/v1/admin/listings",		A, ES_PROBLEM, h_listing_list },
	{ M_POST,   "/api/v1/admin/listings/{id}/approve", A, ES_PROBLEM, h_listing_approve },
	{ M_POST,   "/api/v1/admin/listings/{id}/reject", A, ES_PROBLEM, h_listing_reject },
	{ M_POST,   "/api/v1/admin/listings/{id}/unpublish", A, ES_PROBLEM, h_listing_unpublish },
	{ M_GET,    "/api/v1/marketplace/listings",	MF, ES_PROBLEM, h_listing_list },
	{ M_POST,   "/api/v1/marketplace/listings",	MF, ES_PROBLEM, h_listing_publish },
	{ M_GET,    "/api/v1/marketplace/listings/{id}", MF, ES_PROBLEM, h_listing_get },
	{ M_POST,   "/api/v1/marketplace/listings/{id}/unpublish", ROLE_MKT, ES_PROBLEM, h_listing_unpublish },
	/* SDK autoconfigure */
	{ M_GET,    "/api/config/v1/marketplaces",	ROLE_ENV | ROLE_CACHED, ES_SIMPLE, h_config_marketplaces },
	{ M_GET,    "/api/config/v1/marketplaces/marketplaces", ROLE_ENV | ROLE_CACHED, ES_SIMPLE, h_config_marketplaces },
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
	{ M_POST,   "/api/v1/marketplace/tenants", MF, ES_PROBLEM, h_tenant_create },
	{ M_GET,    "/api/v1/marketplace/tenants", ROLE_MKT, ES_PROBLEM, h_tenant_list },
	{ M_GET,    "/api/v1/marketplace/tenants/{tid}", ROLE_MKT, ES_PROBLEM, h_tenant_show },
	{ M_PATCH,  "/api/v1/marketplace/tenants/{tid}", ROLE_MKT, ES_PROBLEM, h_tenant_update },
	{ M_DELETE, "/api/v1/marketplace/tenants/{tid}", ROLE_MKT, ES_PROBLEM, h_tenant_delete },
	{ M_POST,   "/api/v1/marketplace/tenants/{tid}/rotate-key", MF, ES_PROBLEM, h_tenant_rotate },
	{ M_GET,    "/api/v1/marketplace/tenants/{tid}/apps", ROLE_MKT, ES_PROBLEM, h_tapp_list },
	{ M_POST,   "/api/v1/marketplace/tenants/{tid}/apps", ROLE_MKT, ES_PROBLEM, h_tapp_create },
	{ M_POST,   "/api/v1/marketplace/tenants/{tid}/apps/bulk", ROLE_MKT, ES_PROBLEM, h_tapp_bulk },
	{ M_GET,    "/api/v1/marketplace/tenants/{tid}/apps/{taid}", ROLE_MKT, ES_PROBLEM, h_tapp_show },
	{ M_PATCH,  "/api/v1/marketplace/tenants/{tid}/apps/{taid}", ROLE_MKT, ES_PROBLEM, h_tapp_update },
	{ M_DELETE, "/api/v1/marketplace/tenants/{tid}/apps/{taid}", ROLE_MKT, ES_PROBLEM, h_tapp_delete },
	/* MnoHub v2 */
	{ M_GET,    "/api/mnoe/v2/tenant", ROLE_TENANT | ROLE_CACHED, ES_JSONAPI, h_hub_tenant },
	{ M_PATCH,  "/api/mnoe/v2/tenant", ROLE_TENANT, ES_JSONAPI, h_hub_tenant_update },
	{ M_GET,    "/api/mnoe/v2/apps", ROLE_TENANT | ROLE_CACHED, ES_JSONAPI, h_hub_apps },
	{ M_PATCH,  "/api/mnoe/v2/apps/enable", ROLE_TENANT, ES_JSONAPI, h_hub_apps_enable },
	{ M_GET,    "/api/mnoe/v2/apps/{id}", ROLE_TENANT | ROLE_CACHED, ES_JSONAPI, h_hub_app },
	{ M_PATCH,  "/api/mnoe/v2/apps/{id}/enable", ROLE_TENANT, ES_JSONAPI, h_hub_app_enable },
	{ M_PATCH,  "/api/mnoe/v2/apps/{id}/disable", ROLE_TENANT, ES_JSONAPI, h_hub_app_disable },
	/* webhooks: marketplace, provider and admin faces */
	{ M_GET,    "/api/v1/marketplace/webhooks", ROLE_MKT, ES_PROBLEM, h_sub_list },
	{ M_POST,   "/api/v1/marketplace/webhooks", MF, ES_PROBLEM, h_sub_create },
	{ M_GET,    "/api/v1/marketplace/webhooks/{id}", ROLE_MKT, ES_PROBLEM, h_sub_get },
	{ M_PATCH,  "/api/v1/marketplace/webhooks/{id}", MF, ES_PROBLEM, h_sub_update },
	{ M_DELETE, "/api/v1/marketplace/webhooks/{id}", MF, ES_PROBLEM, h_sub_delete },
	{ M_POST,   "/api/v1/marketplace/webhooks/{id}/rotate-secret", MF, ES_PROBLEM, h_sub_rotate },
	{ M_POST,   "/api/v1/marketplace/webhooks/{id}/test", ROLE_MKT, ES_PROBLEM, h_sub_test },
	{ M_GET,    "/api/v1/marketplace/webhooks/{id}/deliveries", ROLE_MKT, ES_PROBLEM, h_sub_deliveries },
	{ M_GET,    "/api/v1/provider/webhooks", ROLE_PROVIDER, ES_PROBLEM, h_sub_list },
	{ M_POST,   "/api/v1/provider/webhooks", PF, ES_PROBLEM, h_sub_create },
	{ M_GET,    "/api/v1/provider/webhooks/{id}", ROLE_PROVIDER, ES_PROBLEM, h_sub_get },
	{ M_PATCH,  "/api/v1/provider/webhooks/{id}", PF, ES_PROBLEM, h_sub_update },
	{ M_DELETE, "/api/v1/provider/webhooks/{id}", PF, ES_PROBLEM, h_sub_delete },
	{ M_POST,   "/api/v1/provider/webhooks/{id}/rotate-secret", PF, ES_PROBLEM, h_sub_rotate },
	{ M_POST,   "/api/v1/provider/webhooks/{id}/test", ROLE_PROVIDER, ES_PROBLEM, h_sub_test },
	{ M_GET,    "/api/v1/provider/webhooks/{id}/deliveries", ROLE_PROVIDER, ES_PROBLEM, h_sub_deliveries },
	{ M_GET,    "/api/v1/admin/webhooks", A, ES_PROBLEM, h_sub_list },
	{ M_POST,   "/api/v1/admin/webhooks", A, ES_PROBLEM, h_sub_create },
	{ M_GET,    "/api/v1/admin/webhooks/{id}", A, ES_PROBLEM, h_sub_get },
	{ M_PATCH,  "/api/v1/admin/webhooks/{id}", A, ES_PROBLEM, h_sub_update },
	{ M_DELETE, "/api/v1/admin/webhooks/{id}", A, ES_PROBLEM, h_sub_delete },
	{ M_POST,   "/api/v1/admin/webhooks/{id}/rotate-secret", A, ES_PROBLEM, h_sub_rotate },
	{ M_POST,   "/api/v1/admin/webhooks/{id}/test", A, ES_PROBLEM, h_sub_test },
	{ M_GET,    "/api/v1/admin/webhooks/{id}/deliveries", A, ES_PROBLEM, h_sub_deliveries },
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
	{ M_POST,   "/admin/marketplaces/{id}/hub/approve", S, ES_HTML, h_con_mkt_hub_approve },
	{ M_POST,   "/admin/marketplaces/{id}/hub/refuse", S, ES_HTML, h_con_mkt_hub_refuse },
	/* operations */
	{ M_GET,    "/metrics",				ROLE_PUBLIC, ES_PROBLEM, h_metrics },
	{ M_GET,    "/admin/webhooks",			S, ES_HTML, h_con_webhooks },
	{ M_POST,   "/admin/webhooks",			S, ES_HTML, h_con_webhook_create },
	{ M_GET,    "/admin/webhooks/new",		S, ES_HTML, h_con_webhook_new },
	{ M_GET,    "/admin/webhooks/{id}",		S, ES_HTML, h_con_webhook },
	{ M_POST,   "/admin/webhooks/{id}",		S, ES_HTML, h_con_webhook_update },
	{ M_POST,   "/admin/webhooks/{id}/test",	S, ES_HTML, h_con_webhook_test },
	{ M_POST,   "/admin/webhooks/{id}/rotate",	S, ES_HTML, h_con_webhook_rotate },
	{ M_POST,   "/admin/webhooks/{id}/delete",	S, ES_HTML, h_con_webhook_delete },
	{ M_GET,    "/admin/deliveries",		S, ES_HTML, h_con_deliveries },
	{ M_GET,    "/admin/deliveries/{id}",		S, ES_HTML, h_con_delivery },
	{ M_POST,   "/admin/deliveries/{id}/resend",	S, ES_HTML, h_con_delivery_resend },
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
	long long		 id;
	int			 badid = 0;

	for (i = 0; i < routesz; i++) {
		rt = &routes[i];
		if (!route_match(rt->pattern, r->path, pv, &pvsz))
			continue;
		/*
		 * Every path parameter is an id: a row whose parameter is
		 * not one does not match (another row may: .../apps/bulk),
		 * and if none does the answer is 404 in the row's error
		 * style, whatever the method: one answer on every route.
		 */
		for (j = 0; j < pvsz && valid_id(pv[j], &id); j++)
			;
		if (j < pvsz) {
			for (j = 0; j < pvsz; j++)
				free(pv[j]);
			if (allow.len == 0)
				r->errstyle = rt->errstyle;
			badid = 1;
			continue;
		}
		if (rt->method == m) {
			for (j = 0; j < pvsz; j++)
				r->pv[j] = pv[j];
			r->pvsz = pvsz;
			r->errstyle = rt->errstyle;
			r->rt = rt;
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
	*status = badid ? req_fail(r, 404, "no such resource (an id in a "
	    "path is a positive integer)") : req_fail(r, 404, "no such route");
	return NULL;
}

/*
 * The digest of what selects a cached answer: the route row (by method
 * and pattern, so every build and host with the row agrees), the
 * principal, the path and the query pairs (in their canonical order,
 * see req_read), each length-prefixed so no two requests run together.
 */
static void
cache_key_of(const struct req *r, const struct route *rt,
    unsigned char key[CACHE_KEYSZ])
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_printf(&b, "%s %s\n%d\n%lld\n%zu:%s\n", method_name(rt->method),
	    rt->pattern, (int)r->pr.kind, r->pr.id, strlen(r->path), r->path);
	for (i = 0; i < r->qsz; i++)
		buf_printf(&b, "%zu:%s=%zu:%s&", strlen(r->qs[i].key),
		    r->qs[i].key, strlen(r->qs[i].val), r->qs[i].val);
	crypto_sha256(b.p, b.len, key);
	buf_free(&b);
}

/*
 * A route marked ROLE_CACHED, once the caller is authenticated: the ETag
 * from the answer's key and generations (a matching If-None-Match is a
 * 304 that renders nothing), then the worker's cache. Returns the status
 * sent for a 304 or a hit, or 0 to run the handler (whose 200 is then
 * kept, see reply_raw).
 */
static int
route_cached(struct req *r, const struct route *rt)
{
	const struct centry	*e;
	unsigned char		 h[CACHE_KEYSZ + 16], d[32];
	char			 etag[40], *hex;
	const char		*body;
	size_t			 i, sz;

	if (!r->pr.has_gen || (r->method != M_GET && r->method != M_HEAD))
		return 0;
	cache_key_of(r, rt, r->cache_key);
	memcpy(h, r->cache_key, CACHE_KEYSZ);
	for (i = 0; i < 8; i++) {
		h[CACHE_KEYSZ + i] = (unsigned char)(r->pr.gen[0] >> (8 * i));
		h[CACHE_KEYSZ + 8 + i] = (unsigned char)(r->pr.gen[1] >>
		    (8 * i));
	}
	crypto_sha256(h, sizeof(h), d);
	hex = hex_encode(d, 16);
	snprintf(etag, sizeof(etag), "\"%s\"", hex);
	free(hex);
	req_header(r, "ETag", etag);
	if (req_etag_match(r, etag)) {
		r->cache_state = "etag";
		return reply_empty(r, 304);
	}
	if ((e = cache_get(r->cache_key, r->pr.gen)) == NULL) {
		r->cache_state = "miss";
		r->cache_keep = r->method == M_GET;
		req_header(r, "X-Cache", "miss");
		return 0;
	}
	r->cache_state = "hit";
	req_header(r, "X-Cache", "hit");
	body = centry_body(e, &sz);
	return reply_cached(r, centry_ctype(e), centry_hdrs(e), body, sz);
}

/*
 * Forget what a failed run of the request left in r (headers, error,
 * principal) before it runs again; the first nhdr headers were set
 * before the first run.
 */
static void
route_reset(struct req *r, size_t nhdr)
{
	size_t	 i;

	for (i = nhdr; i < r->resphsz; i++) {
		free(r->resph[i]);
		r->resph[i] = NULL;
	}
	r->resphsz = nhdr;
	free(r->err_title);
	free(r->err_detail);
	r->err_title = r->err_detail = NULL;
	for (i = 0; i < r->ferrsz; i++) {
		free(r->ferr[i].field);
		free(r->ferr[i].msg);
	}
	r->ferrsz = 0;
	memset(&r->pr, 0, sizeof(r->pr));
	r->retry_after = 0;
	r->cache_keep = 0;
	r->cache_state = NULL;
}

/*
 * One run of the row for r: authenticate, authorise, run the handler.
 * Returns the status (sent if r->replied).
 */
static int
route_run(struct req *r, const struct route *rt)
{
	int	 st;

	if ((st = auth_principal(r, rt->roles)) != 0) {
		if (st == 401 && (rt->roles & (ROLE_MKT | ROLE_PROVIDER |
		    ROLE_ENV | ROLE_TENANT)) && rt->errstyle != ES_HTML)
			req_header(r, "WWW-Authenticate",
			    "Basic realm=\"agora\", charset=\"UTF-8\"");
		return st;
	}
	if ((st = auth_mtls(r)) != 0)
		return st;
	if ((rt->roles & ROLE_FRESH) && r->pr.retiring)
		return auth_retiring(r);
	if ((rt->roles & ROLE_CACHED) && (st = route_cached(r, rt)) != 0)
		return st;
	return rt->fn(r);
}

/*
 * Serve r: find the row, authenticate and authorise as the row says, run
 * the handler and write the uniform error body for an error status the
 * handler did not answer itself. Returns the status sent.
 *
 * A request that failed on the database being unavailable (a lost node,
 * a transaction Galera aborted at certification) before committing
 * anything runs again whole, up to DB_TRIES times, on a new connection
 * if the node was lost; never a part of it. The pauses double from 50 ms,
 * with jitter, so writers that collide on one row across nodes do not
 * collide again in step. What still fails ends in 503 with Retry-After.
 */
int
route_dispatch(struct req *r)
{
	const struct route	*rt;
	size_t			 nhdr;
	int			 st, try;

	if ((rt = route_find(r, &st)) == NULL)
		return reply_error(r, st);
	nhdr = r->resphsz;
	for (try = 1; ; try++) {
		db_attempt(r->db);
		st = route_run(r, rt);
		if (r->replied || st < 500 || try == DB_TRIES ||
		    !db_retryable(r->db))
			break;
		log_info("database unavailable (error %d): running the "
		    "request again (%d of %d)", db_errno(r->db), try + 1,
		    DB_TRIES);
		route_reset(r, nhdr);
		usleep((useconds_t)((50000 << (try - 1)) +
		    arc4random_uniform(50000)));
	}
	if (r->replied)
		return r->status;
	if (st >= 500 && db_lost(r->db)) {
		st = 503;
		if (r->err_detail == NULL)
			req_fail(r, 503, "the database is unavailable; "
			    "retry shortly");
	}
	/* A 500 says why in the log, whoever failed to. */
	if (st >= 500 && st != 503)
		log_warnx("answered %d (%s); last database error %d", st,
		    r->err_detail != NULL ? r->err_detail : "no detail",
		    db_errno(r->db));
	if (st >= 400) {
		/* The ETag of a cached route names its 200 only. */
		if (r->cache_state != NULL)
			req_header_del(r, "ETag");
		return reply_error(r, st);
	}
	return reply_empty(r, st);
}
