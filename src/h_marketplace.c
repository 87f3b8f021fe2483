/*
 * Handlers: marketplace registration and self-service, registration
 * tokens, certificate revocation, CA and CRL downloads.
 *
 * A registration token (Bearer) may create a marketplace, never touch
 * an existing one; a marketplace (Basic key:secret) may re-register,
 * which only updates its name and endpoints. Bodies are checked against
 * field tables before any transaction opens; certificates are built
 * from validated input before the transaction too, so the transaction
 * only writes rows.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "extern.h"

#define CSR_MAX		16384

/* Keys a client can never send: the server sets them. */
static const char *const owned_reg[] = {
	"id", "api_key", "api_secret", "secret", "certificate",
	"ca_certificate", "serial", "fingerprint_sha1", "fingerprint_sha256",
	"private_key", "not_before", "not_after", "subject", "created_at",
	"updated_at", "version", "cert_id", NULL
};
static const char *const owned_patch[] = {
	"id", "nid", "environment", "api_key", "api_secret", "secret",
	"certificate", "ca_certificate", "serial", "fingerprint_sha1",
	"fingerprint_sha256", "private_key", "not_before", "not_after",
	"subject", "created_at", "updated_at", "version", "cert_id", "csr",
	"key_type", NULL
};
static const char *const owned_token[] = {
	"id", "token", "uses", "state", "created_at", "created_by",
	"expires_at", "revoked_at", NULL
};

/* Field validators: 0, or -1 with a field error. */

static int
v_name(struct req *r, const char *name, struct json_object *v)
{
	const char	*s = json_object_get_string(v);

	if (valid_text(s, 1, 255) && strchr(s, '\n') == NULL &&
	    strchr(s, '\r') == NULL)
		return 0;
	return req_field(r, name, "must be one line of 1 to 255 bytes "
	    "without control characters");
}

static int
v_env(struct req *r, const char *name, struct json_object *v)
{
	if (valid_env(json_object_get_string(v)))
		return 0;
	return req_field(r, name, "must be production or uat");
}

static int
v_csr(struct req *r, const char *name, struct json_object *v)
{
	char	 err[160];

	if (cert_csr_check(json_object_get_string(v), err, sizeof(err)) == 0)
		return 0;
	return req_field(r, name, "%s", err);
}

static int
v_keytype(struct req *r, const char *name, struct json_object *v)
{
	const char	*s = json_object_get_string(v);

	if (strcmp(s, "rsa2048") == 0 || strcmp(s, "p256") == 0)
		return 0;
	return req_field(r, name, "must be rsa2048 or p256");
}

static int
v_reason(struct req *r, const char *name, struct json_object *v)
{
	if (cert_reason_code(json_object_get_string(v)) >= 0)
		return 0;
	return req_field(r, name, "must be unspecified, keyCompromise, "
	    "affiliationChanged, superseded or cessationOfOperation");
}

static int
v_serial(struct req *r, const char *name, struct json_object *v)
{
	const char	*s = json_object_get_string(v);

	if (strspn(s, "0123456789ABCDEFabcdef") == strlen(s))
		return 0;
	return req_field(r, name, "must be the certificate's serial in hex");
}

static const struct jfield ep_fields[] = {
	{ .key = "hub", .type = JT_STR, .min = 1, .max = 512, .required = 1,
	    .check = jf_url },
	{ .key = "impac", .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = jf_url },
	{ .key = "connec", .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = jf_url },
	{ .key = "nex", .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = jf_url },
	{ .key = NULL }
};

static const struct jfield ep_patch_fields[] = {
	{ .key = "hub", .type = JT_STR, .min = 1, .max = 512,
	    .check = jf_url },
	{ .key = "impac", .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = jf_url },
	{ .key = "connec", .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = jf_url },
	{ .key = "nex", .type = JT_STR, .min = 1, .max = 512, .nullable = 1,
	    .check = jf_url },
	{ .key = NULL }
};

static int
v_endpoints(struct req *r, const char *name, struct json_object *v)
{
	return json_check(r, v, ep_fields, "endpoints.");
}

static int
v_endpoints_patch(struct req *r, const char *name, struct json_object *v)
{
	return json_check(r, v, ep_patch_fields, "endpoints.");
}

static const struct jfield reg_fields[] = {
	{ .key = "nid", .type = JT_STR, .min = 2, .max = 64, .required = 1,
	    .check = jf_nid },
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255, .required = 1,
	    .check = v_name },
	{ .key = "environment", .type = JT_STR, .min = 1, .max = 16,
	    .required = 1, .check = v_env },
	{ .key = "endpoints", .type = JT_OBJ, .required = 1,
	    .check = v_endpoints },
	{ .key = "csr", .type = JT_STR, .min = 1, .max = CSR_MAX,
	    .nullable = 1, .check = v_csr },
	{ .key = "key_type", .type = JT_STR, .min = 1, .max = 16,
	    .nullable = 1, .check = v_keytype },
	{ .key = "webhooks", .type = JT_ARR, .max = SUB_REG_MAX,
	    .check = sub_reg_check },
	{ .key = NULL }
};

static const struct jfield patch_fields[] = {
	{ .key = "name", .type = JT_STR, .min = 1, .max = 255,
	    .check = v_name },
	{ .key = "endpoints", .type = JT_OBJ, .check = v_endpoints_patch },
	{ .key = NULL }
};

static const struct jfield renew_fields[] = {
	{ .key = "csr", .type = JT_STR, .min = 1, .max = CSR_MAX,
	    .nullable = 1, .check = v_csr },
	{ .key = "key_type", .type = JT_STR, .min = 1, .max = 16,
	    .nullable = 1, .check = v_keytype },
	{ .key = NULL }
};

static const struct jfield token_fields[] = {
	{ .key = "label", .type = JT_STR, .max = 255, .check = jf_label },
	{ .key = "max_uses", .type = JT_INT, .min = 1, .max = 1000000 },
	{ .key = "expires_in", .type = JT_INT, .min = 60,
	    .max = 3650LL * 86400, .nullable = 1 },
	{ .key = NULL }
};

static const struct jfield revoke_fields[] = {
	{ .key = "serial", .type = JT_STR, .min = 1, .max = 40, .nullable = 1,
	    .check = v_serial },
	{ .key = "reason", .type = JT_STR, .min = 1, .max = 32, .nullable = 1,
	    .check = v_reason },
	{ .key = NULL }
};

/* Fill in from a checked body (borrowed strings). */
static void
mkt_in_get(struct json_object *o, struct mkt_in *in)
{
	struct json_object	*e = json_get(o, "endpoints");

	memset(in, 0, sizeof(*in));
	json_get_str(o, "nid", &in->nid);
	json_get_str(o, "name", &in->name);
	json_get_str(o, "environment", &in->environment);
	json_get_str(e, "hub", &in->hub);
	json_get_str(e, "impac", &in->impac);
	json_get_str(e, "connec", &in->connec);
	json_get_str(e, "nex", &in->nex);
}

/* The current registration of m as in, borrowed. */
static void
mkt_in_row(const struct mkt *m, struct mkt_in *in)
{
	in->nid = m->nid;
	in->name = m->name;
	in->environment = m->environment;
	in->hub = m->hub;
	in->impac = m->impac;
	in->connec = m->connec;
	in->nex = m->nex;
	in->hub_pending = m->hub_pending;
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* 1 if a and b have the same name and endpoints. */
static int
mkt_in_same(const struct mkt_in *a, const struct mkt_in *b)
{
	return streq_null(a->name, b->name) && streq_null(a->hub, b->hub) &&
	    streq_null(a->impac, b->impac) &&
	    streq_null(a->connec, b->connec) && streq_null(a->nex, b->nex) &&
	    streq_null(a->hub_pending, b->hub_pending);
}

/*
 * Marketplace m (as it is) asks for hub URL in->hub. The CA
 * certifies the hub's host, so: a new URL on the same host applies at
 * once (and drops a pending request); another host is only recorded in
 * in->hub_pending, in->hub staying the current one, until an admin
 * approves it in the console. A host that is another marketplace's hub
 * is refused. Returns 0, or the status to answer (409, 500).
 */
static int
hub_request(struct req *r, const struct mkt *m, struct mkt_in *in)
{
	char	 cur[256], want[256];
	int	 rc;

	if (cert_url_host(m->hub, cur, sizeof(cur)) == -1 ||
	    cert_url_host(in->hub, want, sizeof(want)) == -1) {
		req_field(r, "endpoints.hub", "has no usable host");
		return req_fail(r, 400, "the hub has no usable host");
	}
	if (strcmp(cur, want) == 0) {
		in->hub_pending = NULL;
		return 0;
	}
	if ((rc = db_mkt_hub_taken(&r->dx, want, m->id)) == -1)
		return 500;
	if (rc == 1) {
		req_field(r, "endpoints.hub", "is the hub of another "
		    "marketplace");
		return req_fail(r, 409, "a hub host belongs to one "
		    "marketplace");
	}
	in->hub_pending = in->hub;
	in->hub = m->hub;
	return 0;
}

/*
 * Marketplace m as JSON; owned. With full, the PEMs
 * (certificate and CA) are included. Never a secret.
 */
static struct json_object *
mkt_json(struct req *r, const struct mkt *m, int full)
{
	struct json_object	*o, *e;

	o = json_object_new_object();
	jadd_int(o, "id", m->id);
	jadd_str(o, "nid", m->nid);
	jadd_str(o, "name", m->name);
	jadd_str(o, "environment", m->environment);
	e = json_object_new_object();
	jadd_str(e, "hub", m->hub);
	jadd_str(e, "impac", m->impac);
	jadd_str(e, "connec", m->connec);
	jadd_str(e, "nex", m->nex);
	jadd(o, "endpoints", e);
	if (m->hub_pending == NULL)
		jadd(o, "hub_change", NULL);
	else {
		e = json_object_new_object();
		jadd_str(e, "hub", m->hub_pending);
		jadd_str(e, "state", "awaiting an admin's approval");
		jadd(o, "hub_change", e);
	}
	jadd_str(o, "api_key", m->api_key);
	jadd_str(o, "serial", m->serial);
	jadd_str(o, "subject", m->subject);
	jadd_str(o, "fingerprint_sha1", m->fp_sha1);
	jadd_str(o, "fingerprint_sha256", m->fp_sha256);
	jadd_str(o, "key_type", m->key_type);
	jadd_str(o, "not_before", m->not_before);
	jadd_str(o, "not_after", m->not_after);
	jadd_str(o, "revoked_at", m->revoked_at);
	if (full) {
		jadd_str(o, "certificate", m->pem);
		jadd_str(o, "ca_certificate", cert_ca_pem(r->conf));
	}
	jadd_int(o, "version", m->version);
	jadd_str(o, "created_at", m->created_at);
	jadd_str(o, "updated_at", m->updated_at);
	return o;
}

/* The entity tag of marketplace m, quoted, into buf. */
static void
mkt_etag(const struct mkt *m, char *buf, size_t sz)
{
	snprintf(buf, sz, "\"mkt-%lld-%lld\"", m->id, m->version);
}

/* A new api key: "mk_" and 16 hex characters (64 random bits); owned. */
static char *
new_api_key(void)
{
	unsigned char	 b[8];
	char		*h, *k;

	crypto_random(b, sizeof(b));
	h = hex_encode(b, sizeof(b));
	k = xasprintf("mk_%s", h);
	free(h);
	return k;
}

/* What a create answers, built inside its transaction. */
struct answer {
	const char		*secret;	/* shown once, or NULL */
	const char		*key_pem;	/* never stored, or NULL */
	int			 status;
	struct json_object	*o;		/* the answer, owned */
	const struct sub_reg	*reg;		/* webhooks to add, or NULL */
	const struct mkt	*row;		/* as written, or NULL */
};

/*
 * Inside a registration, renewal or rotation transaction: build the
 * answer from the marketplace as written (a->row, a registration's) or
 * read back, and keep it for Idempotency-Key (without the private key,
 * which is never stored). 1, 0 or -1 as idem_store.
 */
static int
answer_build(void *up, long long id, void *arg)
{
	struct req		*r = up;
	struct answer	*a = arg;
	struct mkt_list	 ml;
	int		 rc;

	json_object_put(a->o);
	if (a->row != NULL && a->row->id == id)
		a->o = mkt_json(r, a->row, 1);
	else {
		if (db_mkt_get(&r->dx, id, &ml) != 1)
			return -1;
		a->o = mkt_json(r, &ml.v[0], 1);
		mkt_list_free(&ml);
	}
	if (a->secret != NULL)
		jadd_str(a->o, "api_secret", a->secret);
	if (a->reg != NULL && sub_reg_apply(r, id, a->reg, 1, a->o) == -1)
		return -1;
	if (a->key_pem != NULL)
		jadd_bool(a->o, "private_key_withheld", 1);
	rc = idem_store(r, r->pr.label, a->status, json_text(a->o));
	if (a->key_pem != NULL) {
		json_object_object_del(a->o, "private_key_withheld");
		jadd_str(a->o, "private_key", a->key_pem);
	}
	return rc;
}

/*
 * A returning marketplace (Basic): only its name and endpoints change
 * (a hub on another host waits for an admin: hub_request). 200 with its
 * registration, 403 for another nid or a foreign client certificate,
 * 409 for another environment, another marketplace's hub host or a
 * concurrent write.
 */
static int
mkt_reregister(struct req *r, struct mkt_in *in,
    const struct sub_reg *reg)
{
	struct json_object	*o;
	struct mkt_list		 ml = { 0 };
	struct mkt_in		 cur;
	int			 st, rc;

	if ((rc = db_mkt_get(&r->dx, r->pr.id, &ml)) != 1)
		return rc == 0 ? req_fail(r, 401, "invalid credentials") : 500;
	mkt_in_row(&ml.v[0], &cur);
	if (strcmp(cur.nid, in->nid) != 0) {
		st = req_fail(r, 403, "these credentials belong to "
		    "marketplace %s, not %s", cur.nid, in->nid);
		goto out;
	}
	if (strcmp(cur.environment, in->environment) != 0) {
		req_field(r, "environment", "is %s and cannot change",
		    cur.environment);
		st = req_fail(r, 409, "the environment of a marketplace "
		    "cannot change");
		goto out;
	}
	if ((st = hub_request(r, &ml.v[0], in)) != 0)
		goto out;
	if (!mkt_in_same(&cur, in)) {
		if (r->pr.retiring) {
			st = auth_retiring(r);
			goto out;
		}
		rc = db_mkt_update(&r->dx, r->pr.id, ml.v[0].version,
		    in);
		if (rc == -1) {
			st = 500;
			goto out;
		}
		if (rc == 0) {
			st = req_fail(r, 409, "a concurrent update came "
			    "first; retry");
			goto out;
		}
		mkt_list_free(&ml);
		if (db_mkt_get(&r->dx, r->pr.id, &ml) != 1) {
			st = 500;
			goto out;
		}
	}
	/* Webhooks it does not have yet are added; the others stay. */
	if (reg->n > 0 && r->pr.retiring) {
		st = auth_retiring(r);
		goto out;
	}
	o = mkt_json(r, &ml.v[0], 1);
	if (sub_reg_apply(r, r->pr.id, reg, 0, o) == -1) {
		json_object_put(o);
		st = 500;
		goto out;
	}
	st = reply_json(r, 200, o);
out:
	mkt_list_free(&ml);
	return st;
}

/*
 * POST /api/v1/marketplaces (registration token or the marketplace's
 * Basic credentials). 201 with credentials, certificate, CA and (no
 * CSR) the private key; 200 for a re-registration; 400 bad input, 403
 * token used up or foreign credentials, 409 nid taken.
 */
int
h_mkt_register(struct req *r)
{
	struct json_object	*o = NULL;
	struct mkt_in		 in;
	struct issued		 is;
	struct answer		 a;
	struct sub_reg		 reg;
	struct reg_check	 chk;
	struct mkt		 row;
	const char		*csr = NULL, *kt = NULL;
	char			 host[256], err[160];
	char			*api_key = NULL, *secret = NULL;
	long long		 id;
	int			 st, rc, hostok;

	memset(&is, 0, sizeof(is));
	memset(&a, 0, sizeof(a));
	if ((st = json_body_checked(r, reg_fields, owned_reg, 0, &o)) != 0)
		return st;
	mkt_in_get(o, &in);
	sub_reg_get(json_get(o, "webhooks"), &reg);
	a.reg = &reg;
	json_get_str(o, "csr", &csr);
	json_get_str(o, "key_type", &kt);
	if (csr != NULL && kt != NULL) {
		req_field(r, "key_type", "only applies without a csr");
		st = 400;
		goto out;
	}
	if (r->pr.kind == PK_MKT) {
		st = mkt_reregister(r, &in, &reg);
		goto out;
	}

	/* A token: replay a retried first registration before anything. */
	if ((st = idem_replay(r, r->pr.label)) != 0)
		goto out;
	/*
	 * Cheap early refusals, in one statement and in this order; the
	 * transaction checks again, atomically.
	 */
	hostok = cert_url_host(in.hub, host, sizeof(host)) == 0;
	if (db_mkt_reg_check(&r->dx, in.nid, r->pr.id, hostok ? host : NULL,
	    &chk) == -1) {
		st = 500;
		goto out;
	}
	if (chk.nid_taken) {
		st = req_fail(r, 409, "marketplace %s is already registered; "
		    "re-register with its own key and secret", in.nid);
		goto out;
	}
	if (!chk.token_active) {
		st = req_fail(r, 403, "this registration token has no use "
		    "left");
		goto out;
	}
	if (!hostok) {
		req_field(r, "endpoints.hub", "has no usable host");
		st = 400;
		goto out;
	}
	if (chk.hub_taken) {
		req_field(r, "endpoints.hub", "is the hub of another "
		    "marketplace");
		st = req_fail(r, 409, "a hub host belongs to one "
		    "marketplace");
		goto out;
	}
	if ((rc = cert_issue(r->conf, host, csr, kt, r->conf->cert_days, &is,
	    err, sizeof(err))) != 0) {
		if (rc == 1) {
			req_field(r, "csr", "%s", err);
			st = 400;
		} else
			st = 500;
		goto out;
	}

	api_key = new_api_key();
	secret = crypto_token("mks_");
	a.secret = secret;
	a.key_pem = is.key_pem;
	a.status = 201;
	a.row = &row;
	rc = db_mkt_register(&r->dx, &in, &is, api_key, secret, r->pr.id,
	    &row, answer_build, &a, &id);
	switch (rc) {
	case DBRC_OK:
		req_header(r, "Location", "/api/v1/marketplace");
		st = reply_json(r, 201, a.o);
		a.o = NULL;
		break;
	case DBRC_DUP:
		st = req_fail(r, 409, "marketplace %s is already registered; "
		    "re-register with its own key and secret", in.nid);
		break;
	case DBRC_NOUSE:
		st = req_fail(r, 403, "this registration token has no use "
		    "left");
		break;
	case DBRC_BUSY:
		st = req_fail(r, 409, "a request with this Idempotency-Key "
		    "is in progress; retry");
		break;
	default:
		st = 500;
		break;
	}
out:
	sub_reg_free(&reg);
	json_object_put(a.o);
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
	free(secret);
	free(api_key);
	cert_issued_free(&is);
	json_object_put(o);
	return st;
}

/* GET /api/v1/marketplace: the caller's registration, ETag; 304. */
int
h_mkt_self_get(struct req *r)
{
	struct mkt_list	 ml;
	char		 etag[64];
	int		 st;

	if ((st = db_mkt_get(&r->dx, r->pr.id, &ml)) != 1)
		return st == 0 ? req_fail(r, 404, "no such marketplace") : 500;
	mkt_etag(&ml.v[0], etag, sizeof(etag));
	req_header(r, "ETag", etag);
	if (req_etag_match(r, etag)) {
		mkt_list_free(&ml);
		return reply_empty(r, 304);
	}
	st = reply_json(r, 200, mkt_json(r, &ml.v[0], 1));
	mkt_list_free(&ml);
	return st;
}

/*
 * PATCH /api/v1/marketplace: name and endpoints (a null clears an
 * optional endpoint). 200, 400, 412 on a stale If-Match or a write that
 * came first.
 */
int
h_mkt_self_patch(struct req *r)
{
	struct json_object	*o = NULL, *e;
	struct mkt_list		 ml = { 0 };
	struct mkt_in		 in, cur;
	char			 etag[64];
	const char		*s;
	int			 st, rc;

	if ((st = json_body_checked(r, patch_fields, owned_patch, 0, &o)) != 0)
		return st;
	if ((rc = db_mkt_get(&r->dx, r->pr.id, &ml)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no such marketplace") : 500;
		goto out;
	}
	mkt_etag(&ml.v[0], etag, sizeof(etag));
	if (!req_if_match(r, etag)) {
		st = req_fail(r, 412, "the marketplace changed since %s",
		    r->if_match);
		goto out;
	}
	mkt_in_row(&ml.v[0], &in);
	if (json_get_str(o, "name", &s) == 1)
		in.name = s;
	if ((e = json_get(o, "endpoints")) != NULL) {
		if (json_get_str(e, "hub", &s) == 1) {
			in.hub = s;
			if ((st = hub_request(r, &ml.v[0], &in)) != 0)
				goto out;
		}
		if (json_object_object_get_ex(e, "impac", NULL))
			json_get_str(e, "impac", &in.impac);
		if (json_object_object_get_ex(e, "connec", NULL))
			json_get_str(e, "connec", &in.connec);
		if (json_object_object_get_ex(e, "nex", NULL))
			json_get_str(e, "nex", &in.nex);
	}
	mkt_in_row(&ml.v[0], &cur);
	if (mkt_in_same(&cur, &in)) {
		/* Nothing changes: no new version, no audit row. */
		req_header(r, "ETag", etag);
		st = reply_json(r, 200, mkt_json(r, &ml.v[0], 1));
		goto out;
	}
	rc = db_mkt_update(&r->dx, r->pr.id, ml.v[0].version, &in);
	if (rc != 1) {
		st = rc == 0 ? req_fail(r, 412, "the marketplace changed "
		    "meanwhile; read it again") : 500;
		goto out;
	}
	mkt_list_free(&ml);
	if ((rc = db_mkt_get(&r->dx, r->pr.id, &ml)) != 1) {
		st = 500;
		goto out;
	}
	mkt_etag(&ml.v[0], etag, sizeof(etag));
	req_header(r, "ETag", etag);
	st = reply_json(r, 200, mkt_json(r, &ml.v[0], 1));
out:
	mkt_list_free(&ml);
	json_object_put(o);
	return st;
}

/* Inside a rotation: keep its answer (arg) for Idempotency-Key. */
static int
rotate_done(void *up, long long id, void *arg)
{
	struct req		*r = up;
	return idem_store(r, r->pr.label, 200, json_text(arg));
}

/*
 * POST /api/v1/marketplace/secret/rotate {"grace_seconds"?}: a new
 * secret, shown once; the old one lives conf->secret_grace seconds
 * more, or grace_seconds (0: revoked now). 200, 400, 409 (concurrent
 * Idempotency-Key).
 */
int
h_mkt_secret_rotate(struct req *r)
{
	struct mkt_list		 ml = { 0 };
	struct json_object	*o;
	char			*secret;
	long long		 grace;
	int			 st, rc;

	if ((st = idem_replay(r, r->pr.label)) != 0)
		return st;
	if ((st = rotate_grace(r, &grace)) != 0)
		return st;
	if ((rc = db_mkt_get(&r->dx, r->pr.id, &ml)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such marketplace") : 500;
	secret = crypto_token("mks_");
	o = json_object_new_object();
	jadd_str(o, "api_key", ml.v[0].api_key);
	jadd_str(o, "api_secret", secret);
	jadd_int(o, "previous_secret_valid_for", grace);
	rc = db_cred_rotate(&r->dx, "marketplace", r->pr.id,
	    ml.v[0].api_key, secret, grace, rotate_done, o);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	mkt_list_free(&ml);
	if (rc != 1) {
		json_object_put(o);
		return rc == 0 ? req_fail(r, 409, "a request with this "
		    "Idempotency-Key is in progress; retry") : 500;
	}
	return reply_json(r, 200, o);
}

/*
 * POST /api/v1/marketplace/certificate/renew: a new certificate for
 * the current hub host, from {"csr"} or a new key ({"key_type"}, or no
 * body). 201 with it (and the private key when generated), 400.
 */
int
h_mkt_cert_renew(struct req *r)
{
	struct json_object	*o = NULL;
	struct mkt_list		 ml = { 0 };
	struct issued		 is;
	struct answer		 a;
	const char		*csr = NULL, *kt = NULL;
	char			 host[256], err[160];
	int			 st, rc;

	memset(&is, 0, sizeof(is));
	memset(&a, 0, sizeof(a));
	if ((st = json_body_checked(r, renew_fields, owned_reg, 1, &o)) != 0)
		return st;
	json_get_str(o, "csr", &csr);
	json_get_str(o, "key_type", &kt);
	if (csr != NULL && kt != NULL) {
		req_field(r, "key_type", "only applies without a csr");
		st = 400;
		goto out;
	}
	if ((st = idem_replay(r, r->pr.label)) != 0)
		goto out;
	if ((rc = db_mkt_get(&r->dx, r->pr.id, &ml)) != 1) {
		st = rc == 0 ? req_fail(r, 404, "no such marketplace") : 500;
		goto out;
	}
	if (cert_url_host(ml.v[0].hub, host, sizeof(host)) ==
	    -1) {
		st = 500;
		goto out;
	}
	if ((rc = cert_issue(r->conf, host, csr, kt, r->conf->cert_days, &is,
	    err, sizeof(err))) != 0) {
		if (rc == 1) {
			req_field(r, "csr", "%s", err);
			st = 400;
		} else
			st = 500;
		goto out;
	}
	a.key_pem = is.key_pem;
	a.status = 201;
	rc = db_mkt_renew(&r->dx, r->pr.id, &is, answer_build, &a);
	if (rc == 1) {
		st = reply_json(r, 201, a.o);
		a.o = NULL;
	} else
		st = rc == 0 ? req_fail(r, 409, "a request with this "
		    "Idempotency-Key is in progress; retry") : 500;
out:
	json_object_put(a.o);
	cert_issued_free(&is);
	mkt_list_free(&ml);
	json_object_put(o);
	return st;
}

/*
 * GET /api/v1/admin/marketplaces: a page (limit, offset), filtered by
 * environment and a nid prefix (q). 200 with X-Total-Count and Link.
 */
int
h_mkt_admin_list(struct req *r)
{
	struct json_object	*o, *arr;
	struct mkt_list		 ml;
	const char		*env, *q;
	long long		 limit, offset, total;
	size_t			 i;
	int			 st;

	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	if ((env = req_qs(r, "environment")) != NULL && !valid_env(env)) {
		req_field(r, "environment", "must be production or uat");
		return 400;
	}
	if ((q = req_qs(r, "q")) != NULL && (strlen(q) > 64 ||
	    strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(q))) {
		req_field(r, "q", "must be a nid prefix: a-z, 0-9 and '-'");
		return 400;
	}
	if (q != NULL && *q == '\0')
		q = NULL;
	if (db_mkt_list(&r->dx, env, q, limit, offset, &ml, &total) == -1)
		return 500;
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < ml.n; i++)
		jappend(arr, mkt_json(r, &ml.v[i], 0));
	jadd(o, "marketplaces", arr);
	mkt_list_free(&ml);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/*
 * GET /api/v1/admin/marketplaces/{id}: the registration and every
 * certificate it had. 200, 400, 404.
 */
int
h_mkt_admin_get(struct req *r)
{
	struct json_object	*o, *arr, *c;
	struct mkt_list		 ml;
	struct mkt_cert_list	 cs;
	long long		 id;
	size_t			 i;
	int			 rc;

	id = req_pv_id(r, 0);
	if ((rc = db_mkt_get(&r->dx, id, &ml)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such marketplace") : 500;
	if (db_mkt_certs(&r->dx, id, &cs) == -1) {
		mkt_list_free(&ml);
		return 500;
	}
	o = mkt_json(r, &ml.v[0], 1);
	mkt_list_free(&ml);
	arr = json_object_new_array();
	for (i = 0; i < cs.n; i++) {
		c = json_object_new_object();
		jadd_int(c, "id", cs.v[i].id);
		jadd_str(c, "serial", cs.v[i].serial);
		jadd_str(c, "subject", cs.v[i].subject);
		jadd_str(c, "fingerprint_sha1", cs.v[i].fp_sha1);
		jadd_str(c, "fingerprint_sha256", cs.v[i].fp_sha256);
		jadd_str(c, "key_type", cs.v[i].key_type);
		jadd_str(c, "not_before", cs.v[i].not_before);
		jadd_str(c, "not_after", cs.v[i].not_after);
		jadd_str(c, "revoked_at", cs.v[i].revoked_at);
		jadd_str(c, "revoke_reason", cs.v[i].revoke_reason);
		jadd_bool(c, "current", cs.v[i].current == 1);
		jappend(arr, c);
	}
	mkt_cert_list_free(&cs);
	jadd(o, "certificates", arr);
	return reply_json(r, 200, o);
}

/*
 * POST /api/v1/admin/marketplaces/{id}/certificate/revoke: revoke the
 * current certificate (or {"serial"}), with {"reason"}, then rewrite the
 * CRL. 200, 400, 404, 409 already revoked.
 */
int
h_mkt_admin_revoke(struct req *r)
{
	struct json_object	*o = NULL, *out;
	const char		*serial = NULL, *reason = NULL;
	char			*done = NULL, ser[48];
	long long		 id;
	size_t			 i;
	int			 st, rc;

	id = req_pv_id(r, 0);
	if ((st = json_body_checked(r, revoke_fields, NULL, 1, &o)) != 0)
		return st;
	json_get_str(o, "serial", &serial);
	json_get_str(o, "reason", &reason);
	if (serial != NULL) {
		/* Stored upper case, as nginx's $ssl_client_serial. */
		for (i = 0; serial[i] != '\0' && i + 1 < sizeof(ser); i++)
			ser[i] = (char)toupper((unsigned char)serial[i]);
		ser[i] = '\0';
		serial = ser;
	}
	if ((rc = db_mkt_revoke(&r->dx, id, serial, reason ? reason :
	    "unspecified", &done)) != 1) {
		if (rc == 0)
			st = req_fail(r, 404, "no such marketplace or "
			    "certificate");
		else if (rc == DBRC_CONFLICT)
			st = req_fail(r, 409, "the certificate is already "
			    "revoked");
		else
			st = 500;
		json_object_put(o);
		return st;
	}
	out = json_object_new_object();
	jadd_int(out, "marketplace_id", id);
	jadd_str(out, "serial", done);
	jadd_str(out, "reason", reason ? reason : "unspecified");
	jadd_bool(out, "crl_updated", db_crl_refresh(&r->dx, 1, NULL) == 0);
	free(done);
	json_object_put(o);
	return reply_json(r, 200, out);
}

/* A registration token row (enum rtcol) as JSON; owned. */
static struct json_object *
token_json(const struct regtoken *t)
{
	struct json_object	*o;

	o = json_object_new_object();
	jadd_int(o, "id", t->id);
	jadd_str(o, "label", t->label);
	jadd_int(o, "max_uses", t->max_uses);
	jadd_int(o, "uses", t->uses);
	jadd_str(o, "expires_at", t->expires_at);
	jadd_str(o, "revoked_at", t->revoked_at);
	jadd_str(o, "created_by", t->created_by);
	jadd_str(o, "created_at", t->created_at);
	jadd_str(o, "state", t->state);
	return o;
}

/*
 * POST /api/v1/admin/registration-tokens: {"label", "max_uses",
 * "expires_in"} (seconds; null or absent: never). 201 with the token,
 * shown this once.
 */
int
h_regtoken_create(struct req *r)
{
	struct json_object	*o = NULL, *out = NULL;
	struct regtoken_list	 tl = { 0 };
	const char		*label = "";
	char			*tok = NULL;
	long long		 uses = 1, ttl = 0, id;
	int			 st;

	if ((st = json_body_checked(r, token_fields, owned_token, 0, &o)) != 0)
		return st;
	json_get_str(o, "label", &label);
	json_get_int(o, "max_uses", &uses);
	json_get_int(o, "expires_in", &ttl);
	if ((st = idem_replay(r, r->pr.label)) != 0)
		goto out;
	if (db_regtoken_create(&r->dx, label, uses, ttl, &tok, &id) == -1 ||
	    db_regtoken_get(&r->dx, id, &tl) != 1) {
		st = 500;
		goto out;
	}
	out = token_json(&tl.v[0]);
	jadd_str(out, "token", tok);
	(void)idem_store(r, r->pr.label, 201, json_text(out));
	st = reply_json(r, 201, out);
out:
	if (tok != NULL)
		explicit_bzero(tok, strlen(tok));
	free(tok);
	regtoken_list_free(&tl);
	json_object_put(o);
	return st;
}

/*
 * GET /api/v1/admin/registration-tokens: a page, newest first, filtered
 * by state; never the token itself.
 */
int
h_regtoken_list(struct req *r)
{
	struct json_object	*o, *arr;
	struct regtoken_list	 tl;
	const char		*state;
	long long		 limit, offset, total;
	size_t			 i;
	int			 st;

	if ((st = req_paging(r, &limit, &offset)) != 0)
		return st;
	if ((state = req_qs(r, "state")) != NULL &&
	    strcmp(state, "active") != 0 && strcmp(state, "used") != 0 &&
	    strcmp(state, "expired") != 0 && strcmp(state, "revoked") != 0) {
		req_field(r, "state", "must be active, used, expired or "
		    "revoked");
		return 400;
	}
	if (db_regtoken_list(&r->dx, state, limit, offset, &tl, &total) == -1)
		return 500;
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < tl.n; i++)
		jappend(arr, token_json(&tl.v[i]));
	jadd(o, "registration_tokens", arr);
	regtoken_list_free(&tl);
	reply_paging(r, total, limit, offset);
	return reply_json(r, 200, o);
}

/*
 * POST /api/v1/admin/registration-tokens/{id}/revoke: 200 with the
 * token (revoking twice is harmless), 400, 404.
 */
int
h_regtoken_revoke(struct req *r)
{
	struct regtoken_list	 tl;
	long long	 id;
	int		 rc;

	id = req_pv_id(r, 0);
	if (db_regtoken_revoke(&r->dx, id) == -1)
		return 500;
	if ((rc = db_regtoken_get(&r->dx, id, &tl)) != 1)
		return rc == 0 ? req_fail(r, 404, "no such registration "
		    "token") : 500;
	rc = reply_json(r, 200, token_json(&tl.v[0]));
	regtoken_list_free(&tl);
	return rc;
}

/* GET /api/v1/ca.pem: the CA certificate (public). */
int
h_ca_pem(struct req *r)
{
	const char	*pem;

	if ((pem = cert_ca_pem(r->conf)) == NULL)
		return req_fail(r, 503, "the CA is not available");
	req_header(r, "Cache-Control", "public, max-age=300");
	return reply_raw(r, 200, "application/x-pem-file", pem, strlen(pem));
}

/*
 * GET /api/v1/crl.pem: the CRL (public), PEM; written from the database
 * when the file is missing, foreign or near its nextUpdate.
 */
int
h_crl_pem(struct req *r)
{
	char	*pem = NULL;
	int	 st;

	if ((pem = cert_crl_current(r->conf)) == NULL &&
	    db_crl_refresh(&r->dx, 0, &pem) == -1 && pem == NULL)
		return 500;
	req_header(r, "Cache-Control", "public, max-age=60");
	st = reply_raw(r, 200, "application/pkix-crl", pem, strlen(pem));
	free(pem);
	return st;
}

/*
 * The console's marketplace edit form as a PATCH body o: checked by the
 * same field table as PATCH /api/v1/marketplace. 0, or -1 with field
 * errors ("name", "endpoints.hub", ...) on r.
 */
int
mkt_patch_check(struct req *r, struct json_object *o)
{
	return json_check(r, o, patch_fields, "");
}
