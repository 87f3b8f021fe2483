/*
 * The SDK autoconfigure API (GET /api/config/v1/marketplaces), as the
 * unmodified Maestrano SDKs (ruby, php, java, .NET) read it: one item
 * per marketplace on which the calling environment's app is live,
 * every key present, filled from the marketplace's registration at the
 * time of the call (nothing is cached), with the environment's
 * templates rendered for that marketplace.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

#define API_BASE	"/api/v1/"
#define CONNEC_BASE	"/api/v2"
#define CONNEC_TIMEOUT	300

/* Columns of STMT_CONFIG_MARKETPLACES. */
enum cfgcol {
	CFGC_APP_NID,
	CFGC_ENV_NID,
	CFGC_MKT_NID,
	CFGC_HOST,
	CFGC_IDM,
	CFGC_SSO_INIT,
	CFGC_SSO_CONSUME,
	CFGC_GROUP,
	CFGC_GROUP_USER,
	CFGC_NOTIFICATION,
	CFGC_INITIALIZATION,
	CFGC_EXTERNAL_IDS,
	CFGC_SYNC_START,
	CFGC_SYNC_TOGGLE,
	CFGC_SYNC_STATUS,
	CFGC_HUB_API_ID,
	CFGC_HUB_KEY_ENC,
	CFGC_HUB_URL,
	CFGC_CONNEC_URL,
	CFGC_PEM,
	CFGC_FP_SHA1,
	CFGC__MAX
};

/* A URL without its trailing slashes, as a JSON string (owned). */
static struct json_object *
url_json(const char *u)
{
	size_t	 n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		n--;
	return json_object_new_string_len(u, (int)n);
}

/*
 * tpl rendered for marketplace mkt, as a JSON string (owned); JSON null
 * for a NULL tpl. A base URL (app.host, sso.idm) loses its trailing
 * slashes: the SDKs append paths that start with '/' to it.
 */
static struct json_object *
tpl_json(const char *tpl, const char *mkt, int base)
{
	struct json_object	*o;
	char			*s;

	if (tpl == NULL)
		return NULL;
	s = tpl_expand(tpl, mkt);
	o = base ? url_json(s) : json_object_new_string(s);
	free(s);
	return o;
}

/* The fingerprint in the upper-case form openssl prints. */
static struct json_object *
fp_json(const char *fp)
{
	struct json_object	*o;
	char			*s;
	size_t			 i;

	s = xstrdup(fp);
	for (i = 0; s[i] != '\0'; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
	o = json_object_new_string(s);
	free(s);
	return o;
}

/*
 * One marketplaces[] item from row i, or NULL when its hub key cannot
 * be opened (logged; such an item would break every SDK).
 */
static struct json_object *
config_item(struct req *r, const struct dbres *rs, size_t i)
{
	struct json_object	*o, *app, *api, *sso, *connec, *wh, *acc, *wc;
	struct json_object	*key;
	const char		*mkt, *ext;
	char			*id;

	if ((key = listing_key_json(r->conf,
	    &rs->cell[i * rs->ncol + CFGC_HUB_KEY_ENC])) == NULL) {
		log_warnx("listing %s: the hub key does not open",
		    dbres_str(rs, i, CFGC_HUB_API_ID));
		return NULL;
	}
	mkt = dbres_str(rs, i, CFGC_MKT_NID);
	o = json_object_new_object();
	id = xasprintf("%s-%s-%s", dbres_str(rs, i, CFGC_APP_NID),
	    dbres_str(rs, i, CFGC_ENV_NID), mkt);
	jadd_str(o, "nid", id);
	free(id);
	jadd_str(o, "marketplace", mkt);
	jadd_str(o, "environment", dbres_str(rs, i, CFGC_ENV_NID));

	app = json_object_new_object();
	jadd(app, "host", tpl_json(dbres_str(rs, i, CFGC_HOST), mkt, 1));
	jadd(app, "synchronization_start_path",
	    tpl_json(dbres_str(rs, i, CFGC_SYNC_START), mkt, 0));
	jadd(app, "synchronization_toggle_path",
	    tpl_json(dbres_str(rs, i, CFGC_SYNC_TOGGLE), mkt, 0));
	jadd(app, "synchronization_status_path",
	    tpl_json(dbres_str(rs, i, CFGC_SYNC_STATUS), mkt, 0));
	jadd(o, "app", app);

	api = json_object_new_object();
	jadd_str(api, "id", dbres_str(rs, i, CFGC_HUB_API_ID));
	jadd(api, "key", key);
	jadd(api, "host", url_json(dbres_str(rs, i, CFGC_HUB_URL)));
	jadd_str(api, "base", API_BASE);
	jadd(o, "api", api);

	sso = json_object_new_object();
	jadd(sso, "idm", tpl_json(dbres_null(rs, i, CFGC_IDM) ?
	    dbres_str(rs, i, CFGC_HOST) : dbres_str(rs, i, CFGC_IDM), mkt, 1));
	jadd(sso, "init_path",
	    tpl_json(dbres_str(rs, i, CFGC_SSO_INIT), mkt, 0));
	jadd(sso, "consume_path",
	    tpl_json(dbres_str(rs, i, CFGC_SSO_CONSUME), mkt, 0));
	jadd(sso, "idp", url_json(dbres_str(rs, i, CFGC_HUB_URL)));
	jadd(sso, "x509_fingerprint", fp_json(dbres_str(rs, i, CFGC_FP_SHA1)));
	jadd_str(sso, "x509_certificate", dbres_str(rs, i, CFGC_PEM));
	jadd(o, "sso", sso);

	/* No Connec! of its own: the hub host, so every SDK still loads. */
	connec = json_object_new_object();
	jadd(connec, "host", url_json(dbres_str(rs, i,
	    dbres_null(rs, i, CFGC_CONNEC_URL) ? CFGC_HUB_URL :
	    CFGC_CONNEC_URL)));
	jadd_str(connec, "base_path", CONNEC_BASE);
	jadd_int(connec, "timeout", CONNEC_TIMEOUT);
	jadd(o, "connec", connec);

	wh = json_object_new_object();
	acc = json_object_new_object();
	jadd(acc, "group_path", tpl_json(dbres_str(rs, i, CFGC_GROUP), mkt, 0));
	jadd(acc, "group_user_path",
	    tpl_json(dbres_str(rs, i, CFGC_GROUP_USER), mkt, 0));
	jadd(wh, "account", acc);
	wc = json_object_new_object();
	ext = dbres_str(rs, i, CFGC_EXTERNAL_IDS);
	jadd_bool(wc, "external_ids", ext != NULL && strcmp(ext, "0") != 0);
	jadd(wc, "initialization_path",
	    tpl_json(dbres_str(rs, i, CFGC_INITIALIZATION), mkt, 0));
	jadd(wc, "notification_path",
	    tpl_json(dbres_str(rs, i, CFGC_NOTIFICATION), mkt, 0));
	jadd(wh, "connec", wc);
	jadd(o, "webhooks", wh);
	return o;
}

/*
 * GET /api/config/v1/marketplaces (and the .NET-doubled
 * .../marketplaces/marketplaces): 200 {"marketplaces": [...]}, always
 * an array; 401 {"error"} from the dispatcher for bad credentials.
 * Accept and Content-Type are ignored; the body, if any, too.
 */
int
h_config_marketplaces(struct req *r)
{
	struct json_object	*o, *arr, *it;
	struct dbres		*rs;
	size_t			 i;

	if (db_config_marketplaces(r, r->pr.id, &rs) == -1)
		return 500;
	arr = json_object_new_array();
	for (i = 0; i < rs->nrow; i++)
		if ((it = config_item(r, rs, i)) != NULL)
			jappend(arr, it);
	dbres_free(rs);
	o = json_object_new_object();
	jadd(o, "marketplaces", arr);
	return reply_json(r, 200, o);
}
