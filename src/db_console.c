/*
 * Console data access: sessions, lock-out, dashboard counts, the audit
 * log (list and CSV, shared by the console and agoractl) and read-only
 * list queries for console pages. Changes to other groups' tables go
 * through their own db functions, never through here.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "extern.h"

#define AUDIT_NP	16	/* filter parameters of CON_AUDIT_WHERE */
#define AUDIT_NSORT	12	/* the sort key, once per CON_SORT test */

/*
 * Parse a time for an audit filter: "YYYY-MM-DD", optionally followed by
 * "T" or " " and "HH:MM" or "HH:MM:SS", optionally "Z" (always UTC).
 * Writes "YYYY-MM-DD HH:MM:SS" into out. Returns 0, or -1 if malformed.
 */
int
console_time_parse(const char *s, char out[20])
{
	struct tm	 tm, chk;
	time_t		 t;
	size_t		 len;
	int		 n = 0, y, mo, d, h = 0, mi = 0, se = 0;

	if (s == NULL || (len = strlen(s)) < 10 || len > 20)
		return -1;
	if (strspn(s, "0123456789-T :Z") != len)
		return -1;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	s += 10;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return -1;
		s += 6;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &se, &n) != 1 || n != 2)
				return -1;
			s += 3;
		}
	}
	if (*s == 'Z')
		s++;
	if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	if (y < 1970 || y > 9999 || (t = timegm(&tm)) == (time_t)-1 ||
	    gmtime_r(&t, &chk) == NULL || chk.tm_mday != d ||
	    chk.tm_mon != mo - 1 || chk.tm_hour != h || chk.tm_min != mi ||
	    chk.tm_sec != se)
		return -1;
	if (strftime(out, 20, "%Y-%m-%d %H:%M:%S", &chk) != 19)
		return -1;
	return 0;
}

/*
 * Fill an audit filter from optional text values (NULL or "" for none):
 * actor (exact), target "KIND" or "KIND:ID", since (inclusive), until
 * (exclusive). Returns 0, or -1 with *bad naming the refused field.
 */
int
audit_filter_parse(struct afilter *f, const char *actor, const char *target,
    const char *since, const char *until, const char **bad)
{
	const char	*c;
	size_t		 n;

	memset(f, 0, sizeof(*f));
	*bad = NULL;
	if (actor != NULL && *actor != '\0') {
		if (!valid_text(actor, 1, sizeof(f->actor) - 1) ||
		    strpbrk(actor, "\t\r\n") != NULL) {
			*bad = "actor";
			return -1;
		}
		snprintf(f->actor, sizeof(f->actor), "%s", actor);
	}
	if (target != NULL && *target != '\0') {
		c = strchr(target, ':');
		n = c ? (size_t)(c - target) : strlen(target);
		if (n == 0 || n >= sizeof(f->kind) || strspn(target,
		    "abcdefghijklmnopqrstuvwxyz_") != n ||
		    (c != NULL && !valid_id(c + 1, &f->target_id))) {
			*bad = "target";
			return -1;
		}
		memcpy(f->kind, target, n);
		f->kind[n] = '\0';
	}
	if (since != NULL && *since != '\0' &&
	    console_time_parse(since, f->since) == -1) {
		*bad = "since";
		return -1;
	}
	if (until != NULL && *until != '\0' &&
	    console_time_parse(until, f->until) == -1) {
		*bad = "until";
		return -1;
	}
	return 0;
}

/* The AUDIT_NP filter parameters shared by the audit statements. */
static void
audit_params(const struct afilter *f, struct dbp *p)
{
	p[0] = p[1] = f->actor[0] ? dbp_str(f->actor) : dbp_null();
	p[2] = p[3] = f->kind[0] ? dbp_str(f->kind) : dbp_null();
	p[4] = p[5] = f->target_id ? dbp_int(f->target_id) : dbp_null();
	p[6] = p[7] = f->since[0] ? dbp_str(f->since) : dbp_null();
	p[8] = p[9] = f->until[0] ? dbp_str(f->until) : dbp_null();
	p[10] = p[11] = f->action[0] ? dbp_str(f->action) : dbp_null();
	p[12] = p[13] = p[14] = p[15] = f->tenant ? dbp_int(f->tenant) :
	    dbp_null();
}

/* Columns of STMT_CON_AUDIT_LIST (the first nine) and STMT_CON_RECENT. */
enum {
	RC_ID, RC_AT, RC_ACTOR, RC_ACTION, RC_KIND, RC_TARGET, RC_BEFORE,
	RC_AFTER, RC_REQUEST, RC_NAME, RC_TENANT, RC_APP, RC__MAX
};

/* The rows of rs as audit entries, into l (which takes rs). */
static void
audit_rows(struct dbres *rs, struct audit_list *l)
{
	struct audit_entry	*e;
	size_t			 i;
	int			 named = rs->ncol == RC__MAX;

	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		e->id = dbres_int(rs, i, RC_ID);
		e->at = dbres_str(rs, i, RC_AT);
		e->actor = dbres_str(rs, i, RC_ACTOR);
		e->action = dbres_str(rs, i, RC_ACTION);
		e->kind = dbres_str(rs, i, RC_KIND);
		e->target = dbres_str(rs, i, RC_TARGET);
		e->before = dbres_str(rs, i, RC_BEFORE);
		e->after = dbres_str(rs, i, RC_AFTER);
		e->request = dbres_str(rs, i, RC_REQUEST);
		if (named) {
			e->name = dbres_str(rs, i, RC_NAME);
			e->tenant = dbres_str(rs, i, RC_TENANT);
			e->app = dbres_str(rs, i, RC_APP);
		}
	}
}

void
audit_list_free(struct audit_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/*
 * One page of audit rows matching f (newest first, or oldest first when
 * asc), and the total. Columns: id, at, actor, action, target_kind,
 * target_id, before_json, after_json, request_id. Returns 0 with an
 * owned *out, or -1.
 */
int
db_audit_list(struct dbx *dx, const struct afilter *f, const char *sort,
    long long limit, long long offset, struct audit_list *l,
    long long *total)
{
	struct dbres	*rs;
	struct dbp	 p[AUDIT_NP + AUDIT_NSORT + 2];
	size_t		 i;

	memset(l, 0, sizeof(*l));
	audit_params(f, p);
	if (db_query(dx->db, STMT_CON_AUDIT_COUNT, p, AUDIT_NP, &rs) == -1)
		return -1;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	for (i = 0; i < AUDIT_NSORT; i++)
		p[AUDIT_NP + i] = dbp_str(sort);
	p[AUDIT_NP + AUDIT_NSORT] = dbp_int(limit);
	p[AUDIT_NP + AUDIT_NSORT + 1] = dbp_int(offset);
	if (db_query(dx->db, STMT_CON_AUDIT_LIST, p,
	    AUDIT_NP + AUDIT_NSORT + 2, &rs) == -1)
		return -1;
	audit_rows(rs, l);
	return 0;
}

/*
 * Append s to b as one CSV field (RFC 4180 quoting), then a comma, or
 * CRLF when last. A value that a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) is prefixed with a single quote.
 */
void
csv_field(struct buf *b, const char *s, int last)
{
	if (s == NULL)
		s = "";
	buf_puts(b, "\"");
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		buf_puts(b, "'");
	for (; *s != '\0'; s++)
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_add(b, s, 1);
	buf_puts(b, last ? "\"\r\n" : "\",");
}

struct audit_csv {
	struct buf	  b;
	int		(*emit)(void *, const char *, size_t);
	void		 *arg;
};

/* One audit row as a CSV line, handed on at once. 0 or -1. */
static int
audit_csv_row(void *arg, const struct dbres *rs)
{
	struct audit_csv	*c = arg;
	size_t			 j;

	c->b.len = 0;
	for (j = 0; j < rs->ncol; j++)
		csv_field(&c->b, dbres_str(rs, 0, j), j + 1 == rs->ncol);
	return c->emit(c->arg, c->b.p, c->b.len);
}

/*
 * Every audit row matching f as CSV (a header line, then oldest first),
 * handed to emit a line at a time as the rows arrive from the server
 * (unbuffered: memory stays constant whatever the size). Returns 0, or
 * -1 (database error or emit failed).
 */
int
db_audit_csv(struct dbx *dx, const struct afilter *f,
    int (*emit)(void *, const char *, size_t), void *arg)
{
	static const char	 head[] = "id,at,actor,action,target_kind,"
	    "target_id,before,after,request_id\r\n";
	struct audit_csv	 c;
	struct dbp		 p[AUDIT_NP + 2];
	int			 rc;

	if (emit(arg, head, sizeof(head) - 1) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.emit = emit;
	c.arg = arg;
	audit_params(f, p);
	p[AUDIT_NP] = dbp_int(0);
	p[AUDIT_NP + 1] = dbp_int(INT64_MAX);
	rc = db_query_each(dx->db, STMT_CON_AUDIT_CSV, p, AUDIT_NP + 2,
	    audit_csv_row, &c);
	buf_free(&c.b);
	return rc;
}

/* The client address a lock-out is kept for ("" when unknown). */
static const char *
login_addr(const struct dbx *dx)
{
	return dx->remote_addr != NULL ? dx->remote_addr : "";
}

/*
 * The admin behind email for a login from the caller's address: 1 with
 * *out filled, 0 if there is none (out->failed and out->locked are
 * filled all the same: unknown e-mails are counted like known ones),
 * -1 on error. The lock-out is per e-mail and address; a disabled
 * admin is locked.
 */
int
db_console_admin(struct dbx *dx, const char *email, struct cadmin *out)
{
	struct dbres	*rs;
	struct dbp	 p[2];
	int		 rc = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->email, sizeof(out->email), "%s", email);
	p[0] = dbp_str(email);
	if (db_query(dx->db, STMT_ADMIN_BY_EMAIL, p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		out->id = dbres_int(rs, 0, 0);
		snprintf(out->pw_hash, sizeof(out->pw_hash), "%s",
		    dbres_str(rs, 0, 1));
		/* A disabled admin is refused like a locked one. */
		out->locked = dbres_int(rs, 0, 3) != 0;
		rc = 1;
	}
	dbres_free(rs);
	p[1] = dbp_str(login_addr(dx));
	if (db_query(dx->db, STMT_CON_LOCK_GET, p, 2, &rs) == -1)
		return -1;
	if (rs->nrow == 1) {
		out->failed = dbres_int(rs, 0, 0);
		out->locked |= dbres_int(rs, 0, 1) != 0;
	}
	dbres_free(rs);
	return rc;
}

/*
 * Count a failed login of a->email from the caller's address; the
 * conf->login_max_fail-th in a row locks that pair (only: another
 * address is not locked out) for conf->login_lock seconds, doubled for
 * each earlier lock of the pair, at most LOGIN_LOCK_MAX; audited when
 * the e-mail is an admin's. Returns 1 if this failure locked it, 0 if
 * not, -1 on error.
 */
int
db_console_login_fail(struct dbx *dx, const struct cadmin *a)
{
	struct json_object	*after;
	struct dbp		 p[11];
	long long		 max = dx->conf->login_max_fail;
	int			 lock;

	lock = a->failed + 1 >= max;
	if (db_tx_begin(dx->db) == -1)
		return -1;
	p[0] = dbp_str(a->email);
	p[1] = dbp_str(login_addr(dx));
	p[2] = p[3] = p[4] = dbp_int(max);
	p[5] = dbp_int(dx->conf->login_lock);
	p[6] = dbp_int(max);
	p[7] = dbp_int(dx->conf->login_lock);
	p[8] = dbp_int(LOGIN_LOCK_MAX);
	p[9] = p[10] = dbp_int(max);
	if (db_exec(dx->db, STMT_CON_LOCK_FAIL, p, 11, NULL, NULL) != 1)
		goto fail;
	if (lock && a->id != 0) {
		after = json_object_new_object();
		jadd_int(after, "failures", a->failed + 1);
		jadd_str(after, "remote_addr", login_addr(dx));
		if (db_audit(dx, "admin.lock", "admin", a->id, NULL,
		    after) == -1) {
			json_object_put(after);
			goto fail;
		}
		json_object_put(after);
	}
	if (db_tx_commit(dx->db) == -1)
		goto fail;
	return lock;
fail:
	db_tx_rollback(dx->db);
	return -1;
}

/*
 * A successful login for admin a: clear the failure count, end the
 * session the request came with (old, a new id every login) and this
 * admin's expired sessions, and open a new one, audited. Returns 0
 * with *tok (owned: the cookie value, never stored) and csrf filled,
 * or -1.
 */
int
db_console_login(struct dbx *dx, const struct cadmin *a, long long oldsid,
    char **tok, char csrf[65])
{
	struct json_object	*after;
	struct dbp		 p[3];
	unsigned char		 h[32], c[32];
	unsigned long long	 sid;
	char			*t, *hc;

	*tok = NULL;
	t = crypto_token("");
	crypto_sha256(t, strlen(t), h);
	crypto_random(c, sizeof(c));
	hc = hex_encode(c, sizeof(c));
	if (db_tx_begin(dx->db) == -1)
		goto fail;
	p[0] = dbp_int(a->id);
	if (db_exec(dx->db, STMT_CON_LOGIN_OK, p, 1, NULL, NULL) != 1)
		goto rollback;
	p[0] = dbp_str(a->email);
	p[1] = dbp_str(login_addr(dx));
	if (db_exec(dx->db, STMT_CON_LOCK_CLEAR, p, 2, NULL, NULL) != 1)
		goto rollback;
	if (oldsid > 0) {
		p[0] = dbp_int(oldsid);
		if (db_exec(dx->db, STMT_CON_SESSION_DEL, p, 1, NULL,
		    NULL) != 1)
			goto rollback;
	}
	p[0] = dbp_int(a->id);
	p[1] = dbp_int(dx->conf->session_idle);
	p[2] = dbp_int(dx->conf->session_max);
	if (db_exec(dx->db, STMT_CON_SESSION_PURGE, p, 3, NULL, NULL) != 1)
		goto rollback;
	p[0] = dbp_blob(h, sizeof(h));
	p[1] = dbp_int(a->id);
	p[2] = dbp_str(hc);
	if (db_exec(dx->db, STMT_CON_SESSION_ADD, p, 3, NULL, &sid) != 1)
		goto rollback;
	after = json_object_new_object();
	jadd_int(after, "session", (long long)sid);
	jadd_str(after, "remote_addr", dx->remote_addr);
	if (db_audit(dx, "admin.login", "admin", a->id, NULL, after) == -1) {
		json_object_put(after);
		goto rollback;
	}
	json_object_put(after);
	if (db_tx_commit(dx->db) == -1)
		goto rollback;
	memcpy(csrf, hc, 65);
	free(hc);
	*tok = t;
	return 0;
rollback:
	db_tx_rollback(dx->db);
fail:
	explicit_bzero(t, strlen(t));
	free(t);
	free(hc);
	return -1;
}

/* End the caller's session (logout), audited. 0 or -1. */
int
db_console_logout(struct dbx *dx)
{
	struct dbp	 p;

	if (db_tx_begin(dx->db) == -1)
		return -1;
	p = dbp_int(dx->pr->cred_id);
	if (db_exec(dx->db, STMT_CON_SESSION_DEL, &p, 1, NULL, NULL) != 1 ||
	    db_audit_commit(dx, "admin.logout", "admin", dx->pr->id, NULL,
	    NULL) == -1) {
		db_tx_rollback(dx->db);
		return -1;
	}
	return 0;
}

/*
 * Dashboard counts: marketplaces, tenants, providers, apps, live
 * listings, listings waiting for review, tenant apps, usable
 * registration tokens. Returns 0 with an owned *out (one row), or -1.
 */
int
db_console_counts(struct dbx *dx, struct con_counts *c)
{
	struct dbres	*rs;

	memset(c, 0, sizeof(*c));
	if (db_query(dx->db, STMT_CON_COUNTS, NULL, 0, &rs) == -1)
		return -1;
	c->marketplaces = dbres_int(rs, 0, 0);
	c->tenants = dbres_int(rs, 0, 1);
	c->providers = dbres_int(rs, 0, 2);
	c->apps = dbres_int(rs, 0, 3);
	c->live_listings = dbres_int(rs, 0, 4);
	c->to_review = dbres_int(rs, 0, 5);
	c->tenant_apps = dbres_int(rs, 0, 6);
	c->usable_tokens = dbres_int(rs, 0, 7);
	dbres_free(rs);
	return 0;
}

/* Copy s into a LIKE pattern "%s%" with %, _ and \\ escaped; owned. */
static char *
like_pattern(const char *s)
{
	struct buf	 b = { 0 };

	buf_puts(&b, "%");
	for (; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			buf_puts(&b, "\\");
		buf_add(&b, s, 1);
	}
	buf_puts(&b, "%");
	return b.p;
}

/*
 * The console lists: statements, and for each filter (in struct clq
 * order) whether it is a search (its LIKE pattern bound n times) or an
 * exact value (bound n times), and how many sort placeholders follow.
 */
static const struct cldef {
	enum stmt	 count;
	enum stmt	 list;
	size_t		 nf;
	struct {
		int	 like;
		int	 n;
	}		 f[CLQ_MAX];
	size_t		 nsort;
} cldefs[CL__MAX] = {
	[CL_TENANTS] = { .count = STMT_CON_TENANT_COUNT,
	    .list = STMT_CON_TENANT_LIST, .nf = 3,
	    .f = { { .n = 2 }, { .like = 1, .n = 4 }, { .n = 2 } },
	    .nsort = 16 },
	[CL_MARKETPLACES] = { .count = STMT_CON_MKT_COUNT,
	    .list = STMT_CON_MKT_LIST, .nf = 3,
	    .f = { { .n = 2 }, { .like = 1, .n = 4 }, { .n = 2 } },
	    .nsort = 20 },
	[CL_PROVIDERS] = { .count = STMT_CON_PROVIDER_COUNT,
	    .list = STMT_CON_PROVIDER_LIST, .nf = 1,
	    .f = { { .like = 1, .n = 4 } }, .nsort = 12 },
	[CL_APPS] = { .count = STMT_CON_APP_COUNT,
	    .list = STMT_CON_APP_LIST, .nf = 5,
	    .f = { { .n = 2 }, { .like = 1, .n = 3 }, { .n = 2 }, { .n = 2 },
	    { .n = 2 } }, .nsort = 16 },
	[CL_LISTINGS] = { .count = STMT_CON_LISTING_COUNT,
	    .list = STMT_CON_LISTING_LIST, .nf = 4,
	    .f = { { .n = 2 }, { .n = 2 }, { .like = 1, .n = 3 },
	    { .n = 2 } }, .nsort = 14 },
	[CL_ADMINS] = { .count = STMT_CON_ADMIN_COUNT,
	    .list = STMT_CON_ADMIN_LIST, .nf = 2,
	    .f = { { .like = 1, .n = 2 }, { .n = 2 } }, .nsort = 10 },
	[CL_RTOKENS] = { .count = STMT_CON_RTOKEN_COUNT,
	    .list = STMT_CON_RTOKEN_LIST, .nf = 2,
	    .f = { { .n = 2 }, { .like = 1, .n = 3 } }, .nsort = 14 },
};

#define CL_PARAMS_MAX	32

/*
 * Bind q's filters for list d into p (pats gets the LIKE patterns to
 * free); returns how many parameters the WHERE takes.
 */
static size_t
clist_where(const struct cldef *d, const struct clq *q, struct dbp *p,
    char **pats)
{
	const char	*v;
	size_t		 i, n = 0;
	int		 j;

	for (i = 0; i < d->nf; i++) {
		v = q->f[i] != NULL && q->f[i][0] != '\0' ? q->f[i] : NULL;
		if (v != NULL && d->f[i].like)
			v = pats[i] = like_pattern(v);
		for (j = 0; j < d->f[i].n; j++)
			p[n++] = v ? dbp_str(v) : dbp_null();
	}
	return n;
}

/* Free the LIKE patterns of clist_where. */
static void
clist_free(char **pats)
{
	size_t	 i;

	for (i = 0; i < CLQ_MAX; i++)
		free(pats[i]);
}

/* The sort key (nsort times), then limit and offset; the new count. */
static size_t
clist_order(const struct cldef *d, const struct clq *q, struct dbp *p,
    size_t n, long long limit, long long offset)
{
	size_t	 i;

	for (i = 0; i < d->nsort; i++)
		p[n++] = dbp_str(q->sort ? q->sort : "");
	p[n++] = dbp_int(limit);
	p[n++] = dbp_int(offset);
	return n;
}

/*
 * One page of console list which, filtered and sorted as q says, and
 * the total of rows matching the filters. The columns are the list's
 * statement's (see db_sql.c). Returns 0 with an owned *out, or -1.
 */
int
db_console_list(struct dbx *dx, enum clist which, const struct clq *q,
    struct dbres **out, long long *total)
{
	const struct cldef	*d = &cldefs[which];
	struct dbres		*rs;
	struct dbp		 p[CL_PARAMS_MAX];
	char			*pats[CLQ_MAX] = { NULL };
	size_t			 n;
	int			 rc = -1;

	*out = NULL;
	*total = 0;
	n = clist_where(d, q, p, pats);
	if (db_query(dx->db, d->count, p, n, &rs) == -1)
		goto out;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	n = clist_order(d, q, p, n, q->limit, q->offset);
	rc = db_query(dx->db, d->list, p, n, out);
out:
	clist_free(pats);
	return rc;
}

/*
 * Every row of console list which matching q, in q's order, handed to
 * fn as it arrives (db_query_each: constant memory). 0 or -1.
 */
int
db_console_list_each(struct dbx *dx, enum clist which, const struct clq *q,
    int (*fn)(void *, const struct dbres *), void *arg)
{
	const struct cldef	*d = &cldefs[which];
	struct dbp		 p[CL_PARAMS_MAX];
	char			*pats[CLQ_MAX] = { NULL };
	size_t			 n;
	int			 rc;

	n = clist_where(d, q, p, pats);
	n = clist_order(d, q, p, n, INT64_MAX, 0);
	rc = db_query_each(dx->db, d->list, p, n, fn, arg);
	clist_free(pats);
	return rc;
}

/* Marketplaces (id, nid) for filters and pickers. 0 or -1. */
int
db_console_mkt_names(struct dbx *dx, struct mkt_name_list *l)
{
	struct dbres	*rs;
	size_t		 i;

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_CON_MKT_NAMES, NULL, 0, &rs) == -1)
		return -1;
	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		l->v[i].id = dbres_int(rs, i, 0);
		l->v[i].id_text = dbres_str(rs, i, 0);
		l->v[i].nid = dbres_str(rs, i, 1);
	}
	return 0;
}

void
mkt_name_list_free(struct mkt_name_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

void
live_app_list_free(struct live_app_list *l)
{
	dbrows_free(l->v, l->rs);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_CON_MKT_GET. */
enum {
	CM_ID, CM_NID, CM_NAME, CM_ENV, CM_HUB, CM_IMPAC, CM_CONNEC, CM_NEX,
	CM_API_KEY, CM_SERIAL, CM_FP1, CM_FP256, CM_NB, CM_NA, CM_REVOKED,
	CM_CREATED, CM_UPDATED, CM_CN, CM_KEYTYPE, CM_REASON, CM_VERSION,
	CM_HUB_PENDING
};

/*
 * Marketplace id as the console shows it (times in the console's form,
 * the certificate's revocation reason; no PEM): 1 with l->v[0] (l
 * owned: mkt_list_free), 0, -1.
 */
int
db_console_marketplace(struct dbx *dx, long long id, struct mkt_list *l)
{
	struct dbres	*rs;
	struct dbp	 p;
	struct mkt	*m;

	memset(l, 0, sizeof(*l));
	p = dbp_int(id);
	if (db_query(dx->db, STMT_CON_MKT_GET, &p, 1, &rs) == -1)
		return -1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		return 0;
	}
	l->rs = rs;
	l->n = 1;
	l->v = m = xcalloc(1, sizeof(*m));
	m->id = dbres_int(rs, 0, CM_ID);
	m->nid = dbres_str(rs, 0, CM_NID);
	m->name = dbres_str(rs, 0, CM_NAME);
	m->environment = dbres_str(rs, 0, CM_ENV);
	m->hub = dbres_str(rs, 0, CM_HUB);
	m->impac = dbres_str(rs, 0, CM_IMPAC);
	m->connec = dbres_str(rs, 0, CM_CONNEC);
	m->nex = dbres_str(rs, 0, CM_NEX);
	m->api_key = dbres_str(rs, 0, CM_API_KEY);
	m->serial = dbres_str(rs, 0, CM_SERIAL);
	m->fp_sha1 = dbres_str(rs, 0, CM_FP1);
	m->fp_sha256 = dbres_str(rs, 0, CM_FP256);
	m->not_before = dbres_str(rs, 0, CM_NB);
	m->not_after = dbres_str(rs, 0, CM_NA);
	m->revoked_at = dbres_str(rs, 0, CM_REVOKED);
	m->created_at = dbres_str(rs, 0, CM_CREATED);
	m->updated_at = dbres_str(rs, 0, CM_UPDATED);
	m->subject = dbres_str(rs, 0, CM_CN);
	m->key_type = dbres_str(rs, 0, CM_KEYTYPE);
	m->revoke_reason = dbres_str(rs, 0, CM_REASON);
	m->version = dbres_int(rs, 0, CM_VERSION);
	m->hub_pending = dbres_str(rs, 0, CM_HUB_PENDING);
	return 1;
}

/*
 * The tenant apps of tenant tid with their app: id, app id, app nid,
 * app name, rank, featured, updated_at, listing live (0/1). Ordered
 * like the catalog (rank, then name). 0 or -1.
 */
int
db_console_tenant_apps(struct dbx *dx, long long tid, struct dbres **out)
{
	struct dbp	 p;

	p = dbp_int(tid);
	return db_query(dx->db, STMT_CON_TAPP_LIST, &p, 1, out);
}

/*
 * A page of the apps live on marketplace mid whose name or nid holds q
 * (NULL: all): id, nid, name, attached to tenant tid (0/1); and their
 * total. 0 or -1.
 */
int
db_console_live_page(struct dbx *dx, long long mid, long long tid,
    const char *q, long long limit, long long offset,
    struct live_app_list *l, long long *total)
{
	struct dbres	*rs;
	struct dbp	 p[7];
	struct live_app	*a;
	char		*pat = NULL;
	size_t		 i;
	int		 rc = -1;

	memset(l, 0, sizeof(*l));
	*total = 0;
	if (q != NULL && *q != '\0')
		pat = like_pattern(q);
	p[0] = dbp_int(mid);
	p[1] = p[2] = p[3] = pat ? dbp_str(pat) : dbp_null();
	if (db_query(dx->db, STMT_CON_LIVE_COUNT, p, 4, &rs) == -1)
		goto out;
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	p[0] = dbp_int(tid);
	p[1] = dbp_int(mid);
	p[2] = p[3] = p[4] = pat ? dbp_str(pat) : dbp_null();
	p[5] = dbp_int(limit);
	p[6] = dbp_int(offset);
	if (db_query(dx->db, STMT_CON_LIVE_PAGE, p, 7, &rs) == -1)
		goto out;
	l->v = dbrows_new(rs, sizeof(*l->v), &l->n,
	    &l->rs);
	for (i = 0; i < l->n; i++) {
		a = &l->v[i];
		a->id = dbres_int(rs, i, 0);
		a->id_text = dbres_str(rs, i, 0);
		a->nid = dbres_str(rs, i, 1);
		a->name = dbres_str(rs, i, 2);
		a->attached = dbres_int(rs, i, 3) != 0;
	}
	rc = 0;
out:
	free(pat);
	return rc;
}

/*
 * The n latest audit rows with names for sentences: the audit columns
 * (id, at, actor, action, target_kind, target_id, before, after,
 * request_id), then the target's name, and for a tenant app its
 * tenant's and app's names. 0 with *l (owned: audit_list_free) or -1.
 */
int
db_console_recent(struct dbx *dx, long long n, struct audit_list *l)
{
	struct dbres	*rs;
	struct dbp	 p = dbp_int(n);

	memset(l, 0, sizeof(*l));
	if (db_query(dx->db, STMT_CON_RECENT, &p, 1, &rs) == -1)
		return -1;
	audit_rows(rs, l);
	return 0;
}
