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

const struct route routes[] = {
	/* health */
	{ M_GET,    "/healthz",				ROLE_PUBLIC, ES_PROBLEM, h_healthz },
	{ M_GET,    "/readyz",				ROLE_PUBLIC, ES_PROBLEM, h_readyz },
	/* marketplaces, certificates, registration tokens */
	/* providers, apps, environments, listings */
	/* SDK autoconfigure */
	/* tenants, tenant apps */
	/* MnoHub v2 */
	/* admin console */
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
