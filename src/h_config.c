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

/* Member key of w: URL u without its trailing slashes. */
static void
url_member(struct jw *w, const char *key, const char *u)
{
	size_t	 n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		n--;
	jw_strn(w, key, u, n);
}

/*
 * Member key of w: tpl rendered for marketplace mkt; null for a NULL
 * tpl. A base URL (app.host, sso.idm) loses its trailing slashes: the
 * SDKs append paths that start with '/' to it.
 */
static void
tpl_member(struct jw *w, const char *key, const char *tpl, const char *mkt,
    int base)
{
	char	*s;

	if (tpl == NULL) {
		jw_null(w, key);
		return;
	}
	s = tpl_expand(tpl, mkt);
	if (base)
		url_member(w, key, s);
	else
		jw_str(w, key, s);
	free(s);
}

/* Member key of w: the fingerprint in the upper-case form openssl prints. */
static void
fp_member(struct jw *w, const char *key, const char *fp)
{
	char	*s;
	size_t	 i;

	s = xstrdup(fp);
	for (i = 0; s[i] != '\0'; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
	jw_str(w, key, s);
	free(s);
}

/*
 * One marketplaces[] item from row i, written to w; 0, or -1 (nothing
 * written) when its hub key cannot be opened (logged; such an item
 * would break every SDK).
 */
static int
config_item(struct req *r, struct jw *w, const struct dbres *rs, size_t i)
{
	unsigned char	*key;
	const char	*mkt, *ext;
	char		*id;
	size_t		 keysz;

	if (listing_key_open(r->conf, &rs->cell[i * rs->ncol +
	    CFGC_HUB_KEY_ENC], &key, &keysz) == -1) {
		log_warnx("listing %s: the hub key does not open",
		    dbres_str(rs, i, CFGC_HUB_API_ID));
		return -1;
	}
	mkt = dbres_str(rs, i, CFGC_MKT_NID);
	jw_obj(w, NULL);
	id = xasprintf("%s-%s-%s", dbres_str(rs, i, CFGC_APP_NID),
	    dbres_str(rs, i, CFGC_ENV_NID), mkt);
	jw_str(w, "nid", id);
	free(id);
	jw_str(w, "marketplace", mkt);
	jw_str(w, "environment", dbres_str(rs, i, CFGC_ENV_NID));

	jw_obj(w, "app");
	tpl_member(w, "host", dbres_str(rs, i, CFGC_HOST), mkt, 1);
	tpl_member(w, "synchronization_start_path",
	    dbres_str(rs, i, CFGC_SYNC_START), mkt, 0);
	tpl_member(w, "synchronization_toggle_path",
	    dbres_str(rs, i, CFGC_SYNC_TOGGLE), mkt, 0);
	tpl_member(w, "synchronization_status_path",
	    dbres_str(rs, i, CFGC_SYNC_STATUS), mkt, 0);
	jw_end(w);

	jw_obj(w, "api");
	jw_str(w, "id", dbres_str(rs, i, CFGC_HUB_API_ID));
	jw_strn(w, "key", (const char *)key, keysz);
	explicit_bzero(key, keysz);
	free(key);
	url_member(w, "host", dbres_str(rs, i, CFGC_HUB_URL));
	jw_str(w, "base", API_BASE);
	jw_end(w);

	jw_obj(w, "sso");
	tpl_member(w, "idm", dbres_null(rs, i, CFGC_IDM) ?
	    dbres_str(rs, i, CFGC_HOST) : dbres_str(rs, i, CFGC_IDM), mkt, 1);
	tpl_member(w, "init_path", dbres_str(rs, i, CFGC_SSO_INIT), mkt, 0);
	tpl_member(w, "consume_path", dbres_str(rs, i, CFGC_SSO_CONSUME),
	    mkt, 0);
	url_member(w, "idp", dbres_str(rs, i, CFGC_HUB_URL));
	fp_member(w, "x509_fingerprint", dbres_str(rs, i, CFGC_FP_SHA1));
	jw_str(w, "x509_certificate", dbres_str(rs, i, CFGC_PEM));
	jw_end(w);

	/* No Connec! of its own: the hub host, so every SDK still loads. */
	jw_obj(w, "connec");
	url_member(w, "host", dbres_str(rs, i,
	    dbres_null(rs, i, CFGC_CONNEC_URL) ? CFGC_HUB_URL :
	    CFGC_CONNEC_URL));
	jw_str(w, "base_path", CONNEC_BASE);
	jw_int(w, "timeout", CONNEC_TIMEOUT);
	jw_end(w);

	jw_obj(w, "webhooks");
	jw_obj(w, "account");
	tpl_member(w, "group_path", dbres_str(rs, i, CFGC_GROUP), mkt, 0);
	tpl_member(w, "group_user_path", dbres_str(rs, i, CFGC_GROUP_USER),
	    mkt, 0);
	jw_end(w);
	jw_obj(w, "connec");
	ext = dbres_str(rs, i, CFGC_EXTERNAL_IDS);
	jw_bool(w, "external_ids", ext != NULL && strcmp(ext, "0") != 0);
	tpl_member(w, "initialization_path",
	    dbres_str(rs, i, CFGC_INITIALIZATION), mkt, 0);
	tpl_member(w, "notification_path",
	    dbres_str(rs, i, CFGC_NOTIFICATION), mkt, 0);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	return 0;
}

/*
 * GET /api/config/v1/marketplaces (and the .NET-doubled
 * .../marketplaces/marketplaces): 200 {"marketplaces": [...]}, always
 * an array; 401 {"error"} from the dispatcher for bad credentials.
 * Accept and Content-Type are ignored; the body, if any, too. The ETag
 * and the cache are the dispatcher's (ROLE_CACHED).
 */
int
h_config_marketplaces(struct req *r)
{
	struct jw	 w = { 0 };
	struct dbres	*rs;
	size_t		 i;
	int		 st;

	if (db_config_marketplaces(r, r->pr.id, &rs) == -1)
		return 500;
	jw_obj(&w, NULL);
	jw_arr(&w, "marketplaces");
	for (i = 0; i < rs->nrow; i++)
		(void)config_item(r, &w, rs, i);
	dbres_free(rs);
	jw_end(&w);
	jw_end(&w);
	st = reply_raw(r, 200, "application/json", w.b.p, w.b.len);
	explicit_bzero(w.b.p, w.b.len);
	buf_free(&w.b);
	return st;
}
