/*
 * Credentials to a principal. HTTP Basic carries key:secret for
 * marketplaces, providers, app environments and tenants; Bearer carries
 * an admin API token ("agat_") or a registration token ("agrt_"); the
 * console uses a session cookie. Secrets are compared as SHA-256 hashes
 * in constant time; nothing secret is logged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"

#define SESSION_COOKIE	"__Host-agora_session"

/*
 * The kinds of Basic credentials, tried in this order. Tenants and
 * environments are found by a statement that also returns the
 * generations of their cached reads, so a cache hit costs this one
 * statement (db_cred_find).
 */
struct basic_kind {
	unsigned int	 role;
	enum pkind	 kind;
	const char	*name;	/* credential.kind */
};

static const struct basic_kind basic_kinds[] = {
	{ ROLE_MKT,	 PK_MKT,	"marketplace" },
	{ ROLE_PROVIDER, PK_PROVIDER,	"provider" },
	{ ROLE_ENV,	 PK_ENV,	"environment" },
	{ ROLE_TENANT,	 PK_TENANT,	"tenant" },
};

/*
 * Split "Basic base64(user:pass)". Returns 0 with owned *user and *pass,
 * or -1 if the header is not well-formed Basic.
 */
int
auth_basic_parse(const char *h, char **user, char **pass)
{
	unsigned char	*dec;
	size_t		 sz, i;
	char		*colon;

	*user = *pass = NULL;
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return -1;
	h += 6;
	while (*h == ' ')
		h++;
	if (b64_decode(h, strlen(h), &dec, &sz) == -1)
		return -1;
	for (i = 0; i < sz; i++)
		if (dec[i] < 0x20 || dec[i] == 0x7f)
			goto fail;
	if ((colon = strchr((char *)dec, ':')) == NULL ||
	    colon == (char *)dec || colon - (char *)dec > 64 ||
	    strlen(colon + 1) > 256)
		goto fail;
	*user = xstrndup((char *)dec, (size_t)(colon - (char *)dec));
	*pass = xstrdup(colon + 1);
	explicit_bzero(dec, sz);
	free(dec);
	return 0;
fail:
	explicit_bzero(dec, sz);
	free(dec);
	return -1;
}

/*
 * Tenant and environment credentials this worker has checked, by key:
 * the row the secret matched and the generations the statement read
 * with it. A request with the same key and secret then asks for those
 * generations alone (db_gen_find, two primary-key reads instead of the
 * credential statement). Every change to a credential row moves them
 * (migration 0008), as does every change to what the owner's answers
 * read, so while they are where they were the row is as it was; its
 * grace period, the one thing that changes with time alone, is kept as
 * a deadline on this worker's monotonic clock, counted from before the
 * statement that measured it. Only a match is kept. Direct-mapped: a
 * key takes the slot its hash names.
 */
#define MEMO_SLOTS	1024

struct cred_memo {
	char		 key_id[65];	/* "" when the slot is empty */
	enum pkind	 kind;
	unsigned char	 hash[32];	/* SHA-256 of the secret, as stored */
	long long	 id;
	long long	 owner_id;
	long long	 scope;		/* tenant id or app id */
	int		 retiring;
	long long	 deadline;	/* retiring: monotonic microseconds */
	uint64_t	 gen[2];
};

static struct cred_memo	memo[MEMO_SLOTS];

static struct cred_memo *
memo_slot(enum pkind kind, const char *key_id)
{
	uint32_t	 h = 2166136261u ^ (uint32_t)kind;

	for (; *key_id != '\0'; key_id++)
		h = (h ^ (unsigned char)*key_id) * 16777619u;
	return &memo[h % MEMO_SLOTS];
}

static void
memo_drop(struct cred_memo *m)
{
	explicit_bzero(m, sizeof(*m));
}

/* "a:b" into dst of sz bytes, cut to fit. */
static void
label_join(char *dst, size_t sz, const char *a, const char *b)
{
	size_t	 na = strlen(a), nb = strlen(b);

	if (na > sz - 1)
		na = sz - 1;
	memcpy(dst, a, na);
	if (na < sz - 1)
		dst[na++] = ':';
	if (nb > sz - 1 - na)
		nb = sz - 1 - na;
	memcpy(dst + na, b, nb);
	dst[na + nb] = '\0';
}

/* The principal of bk's user from what was found or kept. */
static void
auth_set(struct req *r, const struct basic_kind *bk, const char *user,
    long long id, long long owner_id, int retiring, const uint64_t gen[2])
{
	r->pr.kind = bk->kind;
	r->pr.cred_id = id;
	r->pr.id = owner_id;
	r->pr.retiring = retiring;
	if (gen != NULL) {
		r->pr.has_gen = 1;
		r->pr.gen[0] = gen[0];
		r->pr.gen[1] = gen[1];
	}
	label_join(r->pr.label, sizeof(r->pr.label), bk->name, user);
}

/*
 * The kept check of user's secret (hash h), if there is one and nothing
 * moved. Returns 1 (r->pr set), 0 (ask the credential statement) or -1
 * (database error).
 */
static int
auth_memo(struct req *r, const struct basic_kind *bk, const char *user,
    const unsigned char h[32])
{
	struct cred_memo	*m;
	uint64_t		 g[2];

	if (bk->kind != PK_TENANT && bk->kind != PK_ENV)
		return 0;
	m = memo_slot(bk->kind, user);
	if (m->kind != bk->kind || strcmp(m->key_id, user) != 0 ||
	    !crypto_eq(m->hash, h, 32))
		return 0;
	if (m->retiring && mono_us() >= m->deadline) {
		memo_drop(m);
		return 0;
	}
	if (db_gen_find(r->db, bk->kind == PK_TENANT, m->scope, g) == -1)
		return -1;
	if (g[0] != m->gen[0] || g[1] != m->gen[1]) {
		memo_drop(m);
		return 0;
	}
	auth_set(r, bk, user, m->id, m->owner_id, m->retiring, m->gen);
	metrics_inc(MX_CREDS_KEPT);
	return 1;
}

/* Keep c, which user's secret matched, read at t0 (mono_us). */
static void
memo_keep(const struct basic_kind *bk, const char *user,
    const struct cred_row *c, long long t0)
{
	struct cred_memo	*m;

	if (!c->has_gen || strlen(user) >= sizeof(m->key_id))
		return;
	m = memo_slot(bk->kind, user);
	memo_drop(m);
	snprintf(m->key_id, sizeof(m->key_id), "%s", user);
	m->kind = bk->kind;
	memcpy(m->hash, c->hash, sizeof(m->hash));
	m->id = c->id;
	m->owner_id = c->owner_id;
	m->scope = c->scope;
	m->retiring = c->retiring;
	m->deadline = c->retiring ? t0 + c->left_us : 0;
	m->gen[0] = c->gen[0];
	m->gen[1] = c->gen[1];
}

/*
 * Check user:pass against live credentials of one kind. Returns 1 (found,
 * r->pr set), 0 (no match) or -1 (database error).
 */
static int
auth_cred(struct req *r, const struct basic_kind *bk, const char *user,
    const char *pass)
{
	struct cred_row	 c[CRED_ROWS];
	unsigned char	 h[32];
	long long	 t0;
	int		 i, n, found;

	crypto_sha256(pass, strlen(pass), h);
	if ((found = auth_memo(r, bk, user, h)) != 0)
		goto out;
	t0 = mono_us();
	if ((n = db_cred_find(r->db, bk->name, user, c)) == -1) {
		found = -1;
		goto out;
	}
	/* Every row is compared, so the time says nothing of which. */
	for (i = 0; i < n; i++) {
		if (crypto_eq(c[i].hash, h, 32) && !found) {
			found = 1;
			auth_set(r, bk, user, c[i].id, c[i].owner_id,
			    c[i].retiring, c[i].has_gen ? c[i].gen : NULL);
			memo_keep(bk, user, &c[i], t0);
		}
	}
	explicit_bzero(c, sizeof(c));
out:
	explicit_bzero(h, sizeof(h));
	return found;
}

/* Bearer tokens are looked up by their hash. 1, 0 or -1 as above. */
static int
auth_bearer(struct req *r, unsigned int roles, const char *tok)
{
	struct token_row t;
	unsigned char	 h[32];
	int		 found = 0;

	crypto_sha256(tok, strlen(tok), h);
	if ((roles & ROLE_ADMIN) && strncmp(tok, "agat_", 5) == 0) {
		if ((found = db_admin_token_find(r->db, h, &t)) == 1) {
			r->pr.kind = PK_ADMIN;
			r->pr.cred_id = t.id;
			r->pr.id = t.owner_id;
			snprintf(r->pr.label, sizeof(r->pr.label),
			    "admin:%.89s", t.name);
		}
	} else if ((roles & ROLE_REGTOKEN) && strncmp(tok, "agrt_", 5) == 0) {
		if ((found = db_regtoken_find(r->db, h, &t)) == 1) {
			r->pr.kind = PK_REGTOKEN;
			r->pr.cred_id = r->pr.id = t.id;
			snprintf(r->pr.label, sizeof(r->pr.label),
			    "regtoken:%lld", r->pr.id);
		}
	}
	return found;
}

/* The value of cookie name (owned), or NULL. */
char *
auth_cookie(const struct req *r, const char *name)
{
	const char	*p, *e;
	size_t		 n = strlen(name);

	if (r->cookie == NULL)
		return NULL;
	for (p = r->cookie; *p != '\0'; p = *e ? e + 1 : e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, ";");
		if ((size_t)(e - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == '=')
			return xstrndup(p + n + 1, (size_t)(e - p - n - 1));
	}
	return NULL;
}

/* The console session from its cookie. 1, 0 or -1 as above. */
static int
auth_session(struct req *r)
{
	struct token_row t;
	unsigned char	 h[32];
	char		*tok;
	int		 found;

	if ((tok = auth_cookie(r, SESSION_COOKIE)) == NULL)
		return 0;
	crypto_sha256(tok, strlen(tok), h);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	found = db_session_find(r->db, h, r->conf->session_idle,
	    r->conf->session_max, &t);
	if (found == 1) {
		r->pr.kind = PK_ADMIN;
		r->pr.cred_id = t.id;
		r->pr.id = t.owner_id;
		snprintf(r->pr.label, sizeof(r->pr.label), "admin:%.89s",
		    t.name);
		snprintf(r->pr.csrf, sizeof(r->pr.csrf), "%s", t.csrf);
	}
	return found;
}

/*
 * Establish r->pr for a route that admits roles. Returns 0 when the
 * caller may proceed, or the status to answer: 401 (no or bad
 * credentials), 500 (database error).
 */
int
auth_principal(struct req *r, unsigned int roles)
{
	char		*user = NULL, *pass = NULL;
	const char	*tok;
	size_t		 i;
	int		 rc = 0;

	memset(&r->pr, 0, sizeof(r->pr));
	if (roles == ROLE_PUBLIC)
		return 0;

	if (r->authz != NULL && strncasecmp(r->authz, "Basic ", 6) == 0) {
		if (auth_basic_parse(r->authz, &user, &pass) == -1)
			return req_fail(r, 401, "malformed Basic credentials");
		for (i = 0; i < sizeof(basic_kinds) / sizeof(basic_kinds[0]);
		    i++) {
			if (!(roles & basic_kinds[i].role))
				continue;
			if ((rc = auth_cred(r, &basic_kinds[i], user, pass)))
				break;
		}
		explicit_bzero(pass, strlen(pass));
		free(user);
		free(pass);
		if (rc == -1)
			return 500;
		return rc == 1 ? 0 : req_fail(r, 401, "invalid credentials");
	}
	if (r->authz != NULL && strncasecmp(r->authz, "Bearer ", 7) == 0) {
		tok = r->authz + 7;
		while (*tok == ' ')
			tok++;
		if (strlen(tok) > 256)
			return req_fail(r, 401, "invalid token");
		if ((rc = auth_bearer(r, roles, tok)) == -1)
			return 500;
		return rc == 1 ? 0 : req_fail(r, 401, "invalid token");
	}
	if (r->authz != NULL)
		return req_fail(r, 401, "unsupported authorization scheme");
	if (roles & ROLE_SESSION) {
		if ((rc = auth_session(r)) == -1)
			return 500;
		if (rc == 1)
			return 0;
	}
	return req_fail(r, 401, "authentication required");
}

/*
 * The optional client certificate check for a marketplace, on every
 * route it calls: when nginx verified a client certificate, it must be
 * one of the marketplace's own and not revoked (a revoked one is refused
 * here even before nginx reloads the CRL). Returns 0 to proceed, or
 * 403/500 with r's error set.
 */
int
auth_mtls(struct req *r)
{
	int	 mine;

	if (r->pr.kind != PK_MKT || r->ssl_verify == NULL ||
	    strcmp(r->ssl_verify, "SUCCESS") != 0)
		return 0;
	mine = db_mkt_cert_valid(r->db, r->pr.id,
	    r->ssl_serial != NULL ? r->ssl_serial : "");
	if (mine == -1)
		return 500;
	if (mine)
		return 0;
	return req_fail(r, 403, "the client certificate presented is not a "
	    "valid certificate of this marketplace");
}

/*
 * The 403 for a secret in its grace period on a route that creates,
 * rotates or returns a credential, or changes certificates or endpoints
 * (ROLE_FRESH, and a re-registration that changes something).
 */
int
auth_retiring(struct req *r)
{
	return req_fail(r, 403, "this secret was replaced by a rotation and "
	    "only authenticates until its grace period ends; use the new "
	    "secret to create, rotate or read credentials, renew or change "
	    "the registration");
}
