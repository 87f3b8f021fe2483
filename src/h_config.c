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
 * One marketplaces[] item from c, written to w; 0, or -1 (nothing
 * written) when its hub key cannot be opened (logged; such an item
 * would break every SDK).
 */
static int
config_item(struct req *r, struct jw *w, const struct cfg_item *c)
{
	unsigned char	*key;
	const char	*mkt;
	char		*id;
	size_t		 keysz;

	if (listing_key_open(r->conf, c->hub_key, &key, &keysz) == -1) {
		log_warnx("listing %s: the hub key does not open",
		    c->hub_api_id);
		return -1;
	}
	mkt = c->mkt_nid;
	jw_obj(w, NULL);
	id = xasprintf("%s-%s-%s", c->app_nid,
	    c->env_nid, mkt);
	jw_str(w, "nid", id);
	free(id);
	jw_str(w, "marketplace", mkt);
	jw_str(w, "environment", c->env_nid);

	jw_obj(w, "app");
	tpl_member(w, "host", c->host, mkt, 1);
	tpl_member(w, "synchronization_start_path",
	    c->sync_start, mkt, 0);
	tpl_member(w, "synchronization_toggle_path",
	    c->sync_toggle, mkt, 0);
	tpl_member(w, "synchronization_status_path",
	    c->sync_status, mkt, 0);
	jw_end(w);

	jw_obj(w, "api");
	jw_str(w, "id", c->hub_api_id);
	jw_strn(w, "key", (const char *)key, keysz);
	explicit_bzero(key, keysz);
	free(key);
	url_member(w, "host", c->hub_url);
	jw_str(w, "base", API_BASE);
	jw_end(w);

	jw_obj(w, "sso");
	tpl_member(w, "idm", c->idm == NULL ? c->host : c->idm, mkt, 1);
	tpl_member(w, "init_path", c->sso_init, mkt, 0);
	tpl_member(w, "consume_path", c->sso_consume,
	    mkt, 0);
	url_member(w, "idp", c->hub_url);
	fp_member(w, "x509_fingerprint", c->fp_sha1);
	jw_str(w, "x509_certificate", c->pem);
	jw_end(w);

	/* No Connec! of its own: the hub host, so every SDK still loads. */
	jw_obj(w, "connec");
	url_member(w, "host", c->connec_url == NULL ? c->hub_url :
	    c->connec_url);
	jw_str(w, "base_path", CONNEC_BASE);
	jw_int(w, "timeout", CONNEC_TIMEOUT);
	jw_end(w);

	jw_obj(w, "webhooks");
	jw_obj(w, "account");
	tpl_member(w, "group_path", c->group, mkt, 0);
	tpl_member(w, "group_user_path", c->group_user,
	    mkt, 0);
	jw_end(w);
	jw_obj(w, "connec");
	jw_bool(w, "external_ids", c->external_ids);
	tpl_member(w, "initialization_path",
	    c->initialization, mkt, 0);
	tpl_member(w, "notification_path",
	    c->notification, mkt, 0);
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
	struct cfg_list	 cl;
	size_t		 i;
	int		 st;

	if (db_config_marketplaces(&r->dx, r->pr.id, &cl) == -1)
		return 500;
	jw_obj(&w, NULL);
	jw_arr(&w, "marketplaces");
	for (i = 0; i < cl.n; i++)
		(void)config_item(r, &w, &cl.v[i]);
	cfg_list_free(&cl);
	jw_end(&w);
	jw_end(&w);
	st = reply_raw(r, 200, "application/json", w.b.p, w.b.len);
	explicit_bzero(w.b.p, w.b.len);
	buf_free(&w.b);
	return st;
}
