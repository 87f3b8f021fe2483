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

const struct route routes[] = {
	/* health */
	{ .method = M_GET, .pattern = "/healthz",
	    .roles = ROLE_PUBLIC, .fn = h_healthz },
	{ .method = M_GET, .pattern = "/readyz",
	    .roles = ROLE_PUBLIC, .fn = h_readyz },
	/* marketplaces, certificates, registration tokens */
	{ .method = M_POST, .pattern = "/api/v1/marketplaces",
	    .roles = ROLE_REGTOKEN | ROLE_MKT, .fn = h_mkt_register },
	{ .method = M_GET, .pattern = "/api/v1/marketplace",
	    .roles = ROLE_MKT, .fn = h_mkt_self_get },
	{ .method = M_PATCH, .pattern = "/api/v1/marketplace",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_mkt_self_patch },
	{ .method = M_POST, .pattern = "/api/v1/marketplace/secret/rotate",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_mkt_secret_rotate },
	{ .method = M_POST, .pattern = "/api/v1/marketplace/certificate/renew",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_mkt_cert_renew },
	{ .method = M_GET, .pattern = "/api/v1/admin/marketplaces",
	    .roles = ROLE_ADMIN, .fn = h_mkt_admin_list },
	{ .method = M_GET, .pattern = "/api/v1/admin/marketplaces/{id}",
	    .roles = ROLE_ADMIN, .fn = h_mkt_admin_get },
	{ .method = M_POST,
	    .pattern = "/api/v1/admin/marketplaces/{id}/certificate/revoke",
	    .roles = ROLE_ADMIN, .fn = h_mkt_admin_revoke },
	{ .method = M_POST, .pattern = "/api/v1/admin/registration-tokens",
	    .roles = ROLE_ADMIN, .fn = h_regtoken_create },
	{ .method = M_GET, .pattern = "/api/v1/admin/registration-tokens",
	    .roles = ROLE_ADMIN, .fn = h_regtoken_list },
	{ .method = M_POST,
	    .pattern = "/api/v1/admin/registration-tokens/{id}/revoke",
	    .roles = ROLE_ADMIN, .fn = h_regtoken_revoke },
	{ .method = M_GET, .pattern = "/api/v1/ca.pem",
	    .roles = ROLE_PUBLIC, .fn = h_ca_pem },
	{ .method = M_GET, .pattern = "/api/v1/crl.pem",
	    .roles = ROLE_PUBLIC, .fn = h_crl_pem },
	/* providers, apps, environments, listings */
	{ .method = M_POST, .pattern = "/api/v1/admin/providers",
	    .roles = ROLE_ADMIN, .fn = h_provider_create },
	{ .method = M_GET, .pattern = "/api/v1/admin/providers",
	    .roles = ROLE_ADMIN, .fn = h_provider_list },
	{ .method = M_GET, .pattern = "/api/v1/admin/providers/{id}",
	    .roles = ROLE_ADMIN, .fn = h_provider_get },
	{ .method = M_POST, .pattern = "/api/v1/admin/providers/{id}/rotate",
	    .roles = ROLE_ADMIN, .fn = h_provider_rotate },
	{ .method = M_POST, .pattern = "/api/v1/apps",
	    .roles = ROLE_PROVIDER, .fn = h_app_create },
	{ .method = M_GET, .pattern = "/api/v1/apps",
	    .roles = ROLE_PROVIDER | ROLE_ADMIN, .fn = h_app_list },
	{ .method = M_GET, .pattern = "/api/v1/apps/{id}",
	    .roles = ROLE_PROVIDER | ROLE_ADMIN, .fn = h_app_get },
	{ .method = M_PATCH, .pattern = "/api/v1/apps/{id}",
	    .roles = ROLE_PROVIDER, .fn = h_app_update },
	{ .method = M_POST, .pattern = "/api/v1/apps/{id}/deactivate",
	    .roles = ROLE_PROVIDER, .fn = h_app_deactivate },
	{ .method = M_POST, .pattern = "/api/v1/apps/{id}/environments",
	    .roles = ROLE_PROVIDER | ROLE_FRESH, .fn = h_env_create },
	{ .method = M_GET, .pattern = "/api/v1/apps/{id}/environments",
	    .roles = ROLE_PROVIDER | ROLE_ADMIN, .fn = h_env_list },
	{ .method = M_GET, .pattern = "/api/v1/apps/{id}/environments/{eid}",
	    .roles = ROLE_PROVIDER | ROLE_ADMIN, .fn = h_env_get },
	{ .method = M_PATCH, .pattern = "/api/v1/apps/{id}/environments/{eid}",
	    .roles = ROLE_PROVIDER, .fn = h_env_update },
	{ .method = M_POST,
	    .pattern = "/api/v1/apps/{id}/environments/{eid}/rotate",
	    .roles = ROLE_PROVIDER | ROLE_FRESH, .fn = h_env_rotate },
	{ .method = M_POST, .pattern = "/api/v1/apps/{id}/listings",
	    .roles = ROLE_PROVIDER, .fn = h_listing_request },
	{ .method = M_GET, .pattern = "/api/v1/listings",
	    .roles = ROLE_PROVIDER, .fn = h_listing_list },
	{ .method = M_GET, .pattern = "/api/v1/listings/{id}",
	    .roles = ROLE_PROVIDER | ROLE_MKT | ROLE_FRESH | ROLE_ADMIN,
	    .fn = h_listing_get },
	{ .method = M_GET, .pattern = "/api/v1/listings/{id}/history",
	    .roles = ROLE_PROVIDER | ROLE_MKT | ROLE_ADMIN,
	    .fn = h_listing_history },
	{ .method = M_GET, .pattern = "/api/v1/admin/listings",
	    .roles = ROLE_ADMIN, .fn = h_listing_list },
	{ .method = M_POST, .pattern = "/api/v1/admin/listings/{id}/approve",
	    .roles = ROLE_ADMIN, .fn = h_listing_approve },
	{ .method = M_POST, .pattern = "/api/v1/admin/listings/{id}/reject",
	    .roles = ROLE_ADMIN, .fn = h_listing_reject },
	{ .method = M_POST, .pattern = "/api/v1/admin/listings/{id}/unpublish",
	    .roles = ROLE_ADMIN, .fn = h_listing_unpublish },
	{ .method = M_GET, .pattern = "/api/v1/marketplace/listings",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_listing_list },
	{ .method = M_POST, .pattern = "/api/v1/marketplace/listings",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_listing_publish },
	{ .method = M_GET, .pattern = "/api/v1/marketplace/listings/{id}",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_listing_get },
	{ .method = M_POST,
	    .pattern = "/api/v1/marketplace/listings/{id}/unpublish",
	    .roles = ROLE_MKT, .fn = h_listing_unpublish },
	/* SDK autoconfigure */
	{ .method = M_GET, .pattern = "/api/config/v1/marketplaces",
	    .roles = ROLE_ENV | ROLE_CACHED, .errstyle = ES_SIMPLE,
	    .fn = h_config_marketplaces },
	{ .method = M_GET,
	    .pattern = "/api/config/v1/marketplaces/marketplaces",
	    .roles = ROLE_ENV | ROLE_CACHED, .errstyle = ES_SIMPLE,
	    .fn = h_config_marketplaces },
	/* tenants, tenant apps */
	{ .method = M_POST, .pattern = "/api/v1/admin/tenants",
	    .roles = ROLE_ADMIN, .fn = h_tenant_create },
	{ .method = M_GET, .pattern = "/api/v1/admin/tenants",
	    .roles = ROLE_ADMIN, .fn = h_tenant_list },
	{ .method = M_GET, .pattern = "/api/v1/admin/tenants/{tid}",
	    .roles = ROLE_ADMIN, .fn = h_tenant_show },
	{ .method = M_PATCH, .pattern = "/api/v1/admin/tenants/{tid}",
	    .roles = ROLE_ADMIN, .fn = h_tenant_update },
	{ .method = M_DELETE, .pattern = "/api/v1/admin/tenants/{tid}",
	    .roles = ROLE_ADMIN, .fn = h_tenant_delete },
	{ .method = M_POST,
	    .pattern = "/api/v1/admin/tenants/{tid}/rotate-key",
	    .roles = ROLE_ADMIN, .fn = h_tenant_rotate },
	{ .method = M_GET, .pattern = "/api/v1/admin/tenants/{tid}/apps",
	    .roles = ROLE_ADMIN, .fn = h_tapp_list },
	{ .method = M_POST, .pattern = "/api/v1/admin/tenants/{tid}/apps",
	    .roles = ROLE_ADMIN, .fn = h_tapp_create },
	{ .method = M_POST, .pattern = "/api/v1/admin/tenants/{tid}/apps/bulk",
	    .roles = ROLE_ADMIN, .fn = h_tapp_bulk },
	{ .method = M_GET,
	    .pattern = "/api/v1/admin/tenants/{tid}/apps/{taid}",
	    .roles = ROLE_ADMIN, .fn = h_tapp_show },
	{ .method = M_PATCH,
	    .pattern = "/api/v1/admin/tenants/{tid}/apps/{taid}",
	    .roles = ROLE_ADMIN, .fn = h_tapp_update },
	{ .method = M_DELETE,
	    .pattern = "/api/v1/admin/tenants/{tid}/apps/{taid}",
	    .roles = ROLE_ADMIN, .fn = h_tapp_delete },
	{ .method = M_POST, .pattern = "/api/v1/marketplace/tenants",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_tenant_create },
	{ .method = M_GET, .pattern = "/api/v1/marketplace/tenants",
	    .roles = ROLE_MKT, .fn = h_tenant_list },
	{ .method = M_GET, .pattern = "/api/v1/marketplace/tenants/{tid}",
	    .roles = ROLE_MKT, .fn = h_tenant_show },
	{ .method = M_PATCH, .pattern = "/api/v1/marketplace/tenants/{tid}",
	    .roles = ROLE_MKT, .fn = h_tenant_update },
	{ .method = M_DELETE, .pattern = "/api/v1/marketplace/tenants/{tid}",
	    .roles = ROLE_MKT, .fn = h_tenant_delete },
	{ .method = M_POST,
	    .pattern = "/api/v1/marketplace/tenants/{tid}/rotate-key",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_tenant_rotate },
	{ .method = M_GET, .pattern = "/api/v1/marketplace/tenants/{tid}/apps",
	    .roles = ROLE_MKT, .fn = h_tapp_list },
	{ .method = M_POST,
	    .pattern = "/api/v1/marketplace/tenants/{tid}/apps",
	    .roles = ROLE_MKT, .fn = h_tapp_create },
	{ .method = M_POST,
	    .pattern = "/api/v1/marketplace/tenants/{tid}/apps/bulk",
	    .roles = ROLE_MKT, .fn = h_tapp_bulk },
	{ .method = M_GET,
	    .pattern = "/api/v1/marketplace/tenants/{tid}/apps/{taid}",
	    .roles = ROLE_MKT, .fn = h_tapp_show },
	{ .method = M_PATCH,
	    .pattern = "/api/v1/marketplace/tenants/{tid}/apps/{taid}",
	    .roles = ROLE_MKT, .fn = h_tapp_update },
	{ .method = M_DELETE,
	    .pattern = "/api/v1/marketplace/tenants/{tid}/apps/{taid}",
	    .roles = ROLE_MKT, .fn = h_tapp_delete },
	/* MnoHub v2 */
	{ .method = M_GET, .pattern = "/api/mnoe/v2/tenant",
	    .roles = ROLE_TENANT | ROLE_CACHED, .errstyle = ES_JSONAPI,
	    .fn = h_hub_tenant },
	{ .method = M_PATCH, .pattern = "/api/mnoe/v2/tenant",
	    .roles = ROLE_TENANT, .errstyle = ES_JSONAPI,
	    .fn = h_hub_tenant_update },
	{ .method = M_GET, .pattern = "/api/mnoe/v2/apps",
	    .roles = ROLE_TENANT | ROLE_CACHED, .errstyle = ES_JSONAPI,
	    .fn = h_hub_apps },
	{ .method = M_PATCH, .pattern = "/api/mnoe/v2/apps/enable",
	    .roles = ROLE_TENANT, .errstyle = ES_JSONAPI,
	    .fn = h_hub_apps_enable },
	{ .method = M_GET, .pattern = "/api/mnoe/v2/apps/{id}",
	    .roles = ROLE_TENANT | ROLE_CACHED, .errstyle = ES_JSONAPI,
	    .fn = h_hub_app },
	{ .method = M_PATCH, .pattern = "/api/mnoe/v2/apps/{id}/enable",
	    .roles = ROLE_TENANT, .errstyle = ES_JSONAPI,
	    .fn = h_hub_app_enable },
	{ .method = M_PATCH, .pattern = "/api/mnoe/v2/apps/{id}/disable",
	    .roles = ROLE_TENANT, .errstyle = ES_JSONAPI,
	    .fn = h_hub_app_disable },
	/* webhooks: marketplace, provider and admin faces */
	{ .method = M_GET, .pattern = "/api/v1/marketplace/webhooks",
	    .roles = ROLE_MKT, .fn = h_sub_list },
	{ .method = M_POST, .pattern = "/api/v1/marketplace/webhooks",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_sub_create },
	{ .method = M_GET, .pattern = "/api/v1/marketplace/webhooks/{id}",
	    .roles = ROLE_MKT, .fn = h_sub_get },
	{ .method = M_PATCH, .pattern = "/api/v1/marketplace/webhooks/{id}",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_sub_update },
	{ .method = M_DELETE, .pattern = "/api/v1/marketplace/webhooks/{id}",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_sub_delete },
	{ .method = M_POST,
	    .pattern = "/api/v1/marketplace/webhooks/{id}/rotate-secret",
	    .roles = ROLE_MKT | ROLE_FRESH, .fn = h_sub_rotate },
	{ .method = M_POST,
	    .pattern = "/api/v1/marketplace/webhooks/{id}/test",
	    .roles = ROLE_MKT, .fn = h_sub_test },
	{ .method = M_GET,
	    .pattern = "/api/v1/marketplace/webhooks/{id}/deliveries",
	    .roles = ROLE_MKT, .fn = h_sub_deliveries },
	{ .method = M_GET, .pattern = "/api/v1/provider/webhooks",
	    .roles = ROLE_PROVIDER, .fn = h_sub_list },
	{ .method = M_POST, .pattern = "/api/v1/provider/webhooks",
	    .roles = ROLE_PROVIDER | ROLE_FRESH, .fn = h_sub_create },
	{ .method = M_GET, .pattern = "/api/v1/provider/webhooks/{id}",
	    .roles = ROLE_PROVIDER, .fn = h_sub_get },
	{ .method = M_PATCH, .pattern = "/api/v1/provider/webhooks/{id}",
	    .roles = ROLE_PROVIDER | ROLE_FRESH, .fn = h_sub_update },
	{ .method = M_DELETE, .pattern = "/api/v1/provider/webhooks/{id}",
	    .roles = ROLE_PROVIDER | ROLE_FRESH, .fn = h_sub_delete },
	{ .method = M_POST,
	    .pattern = "/api/v1/provider/webhooks/{id}/rotate-secret",
	    .roles = ROLE_PROVIDER | ROLE_FRESH, .fn = h_sub_rotate },
	{ .method = M_POST, .pattern = "/api/v1/provider/webhooks/{id}/test",
	    .roles = ROLE_PROVIDER, .fn = h_sub_test },
	{ .method = M_GET,
	    .pattern = "/api/v1/provider/webhooks/{id}/deliveries",
	    .roles = ROLE_PROVIDER, .fn = h_sub_deliveries },
	{ .method = M_GET, .pattern = "/api/v1/admin/webhooks",
	    .roles = ROLE_ADMIN, .fn = h_sub_list },
	{ .method = M_POST, .pattern = "/api/v1/admin/webhooks",
	    .roles = ROLE_ADMIN, .fn = h_sub_create },
	{ .method = M_GET, .pattern = "/api/v1/admin/webhooks/{id}",
	    .roles = ROLE_ADMIN, .fn = h_sub_get },
	{ .method = M_PATCH, .pattern = "/api/v1/admin/webhooks/{id}",
	    .roles = ROLE_ADMIN, .fn = h_sub_update },
	{ .method = M_DELETE, .pattern = "/api/v1/admin/webhooks/{id}",
	    .roles = ROLE_ADMIN, .fn = h_sub_delete },
	{ .method = M_POST,
	    .pattern = "/api/v1/admin/webhooks/{id}/rotate-secret",
	    .roles = ROLE_ADMIN, .fn = h_sub_rotate },
	{ .method = M_POST, .pattern = "/api/v1/admin/webhooks/{id}/test",
	    .roles = ROLE_ADMIN, .fn = h_sub_test },
	{ .method = M_GET, .pattern = "/api/v1/admin/webhooks/{id}/deliveries",
	    .roles = ROLE_ADMIN, .fn = h_sub_deliveries },
	/* admin console */
	{ .method = M_GET, .pattern = "/active_admin",
	    .roles = ROLE_PUBLIC, .errstyle = ES_HTML,
	    .fn = h_con_active_admin },
	{ .method = M_GET, .pattern = "/admin/login",
	    .roles = ROLE_PUBLIC, .errstyle = ES_HTML,
	    .fn = h_con_login_form },
	{ .method = M_POST, .pattern = "/admin/login",
	    .roles = ROLE_PUBLIC, .errstyle = ES_HTML, .fn = h_con_login },
	{ .method = M_POST, .pattern = "/admin/logout",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_logout },
	{ .method = M_GET, .pattern = "/admin",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_dashboard },
	{ .method = M_GET, .pattern = "/admin/audit",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_audit },
	{ .method = M_GET, .pattern = "/admin/audit.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_audit_csv },
	{ .method = M_GET, .pattern = "/admin/registration-tokens",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_regtokens },
	{ .method = M_POST, .pattern = "/admin/registration-tokens",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_regtoken_create },
	{ .method = M_GET, .pattern = "/admin/marketplaces",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_marketplaces },
	{ .method = M_GET, .pattern = "/admin/marketplaces/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_marketplace },
	{ .method = M_GET, .pattern = "/admin/marketplaces/{id}/rotate",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_rotate_ask },
	{ .method = M_POST, .pattern = "/admin/marketplaces/{id}/rotate",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_rotate },
	{ .method = M_GET, .pattern = "/admin/marketplaces/{id}/revoke",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_revoke_ask },
	{ .method = M_POST, .pattern = "/admin/marketplaces/{id}/revoke",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_revoke },
	{ .method = M_GET, .pattern = "/admin/registration-tokens/{id}/revoke",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_regtoken_revoke_ask },
	{ .method = M_POST,
	    .pattern = "/admin/registration-tokens/{id}/revoke",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_regtoken_revoke },
	{ .method = M_GET, .pattern = "/admin/tenants",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_tenants },
	{ .method = M_POST, .pattern = "/admin/tenants",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_create },
	{ .method = M_GET, .pattern = "/admin/tenants/new",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_new },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_tenant },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_update },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/edit",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_edit },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/rotate-key",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_rotate_ask },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}/rotate-key",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_rotate },
	{ .method = M_GET, .pattern = "/admin/tenant-apps",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_apps_pick },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/apps",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_apps },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}/apps",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_app_create },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/apps/new",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_app_new },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}/apps/bulk",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_apps_bulk },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}/apps/{aid}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_app_update },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/apps/{aid}/edit",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_app_edit },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/apps/{aid}/delete",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_app_delete_ask },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}/apps/{aid}/delete",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_app_delete },
	{ .method = M_GET, .pattern = "/admin/providers",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_providers },
	{ .method = M_GET, .pattern = "/admin/providers/new",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_provider_new },
	{ .method = M_GET, .pattern = "/admin/providers/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_provider },
	{ .method = M_GET, .pattern = "/admin/apps",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_apps },
	{ .method = M_GET, .pattern = "/admin/apps/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_app },
	{ .method = M_GET, .pattern = "/admin/listings",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_listings },
	{ .method = M_GET, .pattern = "/admin/listings/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_listing },
	{ .method = M_POST, .pattern = "/admin/listings/{id}/approve",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_listing_approve },
	{ .method = M_POST, .pattern = "/admin/listings/{id}/reject",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_listing_reject },
	{ .method = M_POST, .pattern = "/admin/marketplaces/{id}/hub/approve",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_hub_approve },
	{ .method = M_POST, .pattern = "/admin/marketplaces/{id}/hub/refuse",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_hub_refuse },
	/* operations */
	{ .method = M_GET, .pattern = "/metrics",
	    .roles = ROLE_PUBLIC, .fn = h_metrics },
	{ .method = M_GET, .pattern = "/admin/webhooks",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_webhooks },
	{ .method = M_POST, .pattern = "/admin/webhooks",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_webhook_create },
	{ .method = M_GET, .pattern = "/admin/webhooks/new",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_webhook_new },
	{ .method = M_GET, .pattern = "/admin/webhooks/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_webhook },
	{ .method = M_POST, .pattern = "/admin/webhooks/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_webhook_update },
	{ .method = M_POST, .pattern = "/admin/webhooks/{id}/test",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_webhook_test },
	{ .method = M_POST, .pattern = "/admin/webhooks/{id}/rotate",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_webhook_rotate },
	{ .method = M_POST, .pattern = "/admin/webhooks/{id}/delete",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_webhook_delete },
	{ .method = M_GET, .pattern = "/admin/deliveries",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_deliveries },
	{ .method = M_GET, .pattern = "/admin/deliveries/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_delivery },
	{ .method = M_POST, .pattern = "/admin/deliveries/{id}/resend",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_delivery_resend },
	{ .method = M_POST, .pattern = "/admin/listings/{id}/unpublish",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_listing_unpublish },
	{ .method = M_GET, .pattern = "/admin/tenants.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenants_csv },
	{ .method = M_GET, .pattern = "/admin/marketplaces.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_marketplaces_csv },
	{ .method = M_GET, .pattern = "/admin/providers.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_providers_csv },
	{ .method = M_GET, .pattern = "/admin/apps.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_apps_csv },
	{ .method = M_GET, .pattern = "/admin/listings.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_listings_csv },
	{ .method = M_GET, .pattern = "/admin/admins.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admins_csv },
	{ .method = M_GET, .pattern = "/admin/registration-tokens.csv",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_regtokens_csv },
	{ .method = M_GET, .pattern = "/admin/tenants/{id}/delete",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_delete_ask },
	{ .method = M_POST, .pattern = "/admin/tenants/{id}/delete",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_tenant_delete },
	{ .method = M_POST, .pattern = "/admin/providers",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_provider_create },
	{ .method = M_POST, .pattern = "/admin/providers/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_provider_update },
	{ .method = M_GET, .pattern = "/admin/providers/{id}/edit",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_provider_edit },
	{ .method = M_GET, .pattern = "/admin/providers/{id}/rotate",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_provider_rotate_ask },
	{ .method = M_POST, .pattern = "/admin/providers/{id}/rotate",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_provider_rotate },
	{ .method = M_GET, .pattern = "/admin/marketplaces/{id}/edit",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_mkt_edit },
	{ .method = M_POST, .pattern = "/admin/marketplaces/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_mkt_update },
	{ .method = M_GET, .pattern = "/admin/admins",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_admins },
	{ .method = M_POST, .pattern = "/admin/admins",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_create },
	{ .method = M_GET, .pattern = "/admin/admins/new",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_new },
	{ .method = M_GET, .pattern = "/admin/admins/{id}",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML, .fn = h_con_admin },
	{ .method = M_GET, .pattern = "/admin/admins/{id}/disable",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_disable_ask },
	{ .method = M_POST, .pattern = "/admin/admins/{id}/disable",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_disable },
	{ .method = M_GET, .pattern = "/admin/admins/{id}/enable",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_enable_ask },
	{ .method = M_POST, .pattern = "/admin/admins/{id}/enable",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_enable },
	{ .method = M_GET, .pattern = "/admin/admins/{id}/password",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_password_ask },
	{ .method = M_POST, .pattern = "/admin/admins/{id}/password",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_password },
	{ .method = M_POST, .pattern = "/admin/admins/{id}/tokens",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_token_create },
	{ .method = M_GET, .pattern = "/admin/admins/{id}/tokens/{tid}/revoke",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_token_revoke_ask },
	{ .method = M_POST,
	    .pattern = "/admin/admins/{id}/tokens/{tid}/revoke",
	    .roles = ROLE_SESSION, .errstyle = ES_HTML,
	    .fn = h_con_admin_token_revoke },
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
 * Match path against pattern ("/a/{x}/b"), a byte at a time: most rows
 * differ from a path within its first segments. Returns 1 and fills pv
 * (owned copies) on a match, 0 otherwise.
 */
static int
route_match(const char *pattern, const char *path, char **pv, size_t *pvsz)
{
	const char	*pp = pattern, *sp = path, *at[PATHV_MAX];
	size_t		 len[PATHV_MAX], n = 0, i;

	while (*pp != '\0' && *sp != '\0') {
		if (*pp++ != '/' || *sp++ != '/')
			return 0;
		if (*pp == '{') {
			if (*sp == '/' || *sp == '\0' || n == PATHV_MAX)
				return 0;
			at[n] = sp;
			while (*sp != '/' && *sp != '\0')
				sp++;
			len[n] = (size_t)(sp - at[n]);
			n++;
			while (*pp != '/' && *pp != '\0')
				pp++;
			continue;
		}
		while (*pp != '/' && *pp != '\0' && *pp == *sp) {
			pp++;
			sp++;
		}
		if ((*pp != '/' && *pp != '\0') || (*sp != '/' && *sp != '\0'))
			return 0;
	}
	if (*pp != '\0' || *sp != '\0')
		return 0;
	for (i = 0; i < n; i++)
		pv[i] = xstrndup(at[i], len[i]);
	*pvsz = n;
	return 1;
}

/* The segments of a path or pattern: its slashes. */
static size_t
route_nseg(const char *p)
{
	size_t	 n = 0;

	for (; *p != '\0'; p++)
		if (*p == '/')
			n++;
	return n;
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
	size_t			 nseg;
	/*
	 * Each row's segments, counted once: a row matches only a path
	 * with as many.
	 */
	static size_t		 rseg[sizeof(routes) / sizeof(routes[0])];
	static int		 counted;

	if (!counted) {
		for (i = 0; i < routesz; i++)
			rseg[i] = route_nseg(routes[i].pattern);
		counted = 1;
	}
	nseg = route_nseg(r->path);
	for (i = 0; i < routesz; i++) {
		rt = &routes[i];
		if (rseg[i] != nseg ||
		    !route_match(rt->pattern, r->path, pv, &pvsz))
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

/* Append s length-prefixed ("LEN:s") and then end. */
static void
key_part(struct buf *b, const char *s, const char *end)
{
	size_t	 n = strlen(s);

	buf_putu(b, n);
	buf_puts(b, ":");
	buf_add(b, s, n);
	buf_puts(b, end);
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

	buf_puts(&b, method_name(rt->method));
	buf_puts(&b, " ");
	buf_puts(&b, rt->pattern);
	buf_puts(&b, "\n");
	buf_putu(&b, (unsigned int)r->pr.kind);
	buf_puts(&b, "\n");
	buf_putu(&b, (unsigned long long)r->pr.id);
	buf_puts(&b, "\n");
	key_part(&b, r->path, "\n");
	for (i = 0; i < r->qsz; i++) {
		key_part(&b, r->qs[i].key, "=");
		key_part(&b, r->qs[i].val, "&");
	}
	crypto_sha256(b.p, b.len, key);
	buf_free(&b);
}

/*
 * A route marked ROLE_CACHED, once the caller is authenticated: the ETag
 * from the answer's key and generations (a matching If-None-Match is a
 * 304 that renders nothing), then the worker's cache. A client that
 * accepts gzip gets the compressed representation, whose ETag is the
 * digest's other half. Returns the status sent for a 304 or a hit, or 0
 * to run the handler (whose 200 is then kept, see reply_raw).
 */
static int
route_cached(struct req *r, const struct route *rt)
{
	struct centry		*e;
	unsigned char		 h[CACHE_KEYSZ + 16], d[32];
	char			 etag[35];
	size_t			 i;

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
	r->gz = accepts_gzip(r->accept_encoding);
	etag[0] = '"';
	hex_put(etag + 1, d + (r->gz ? 16 : 0), 16);
	etag[33] = '"';
	etag[34] = '\0';
	req_header(r, "ETag", etag);
	req_header(r, "Vary", "Accept-Encoding");
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
	return reply_cached(r, e);
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
	r->gz = 0;
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
