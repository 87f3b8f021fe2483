/* Unit tests: path normalisation and the route table (route.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

static char *
norm(const char *p)
{
	static char	 buf[256];
	char		*o;

	if (path_normalise(p, &o) == -1)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", o);
	free(o);
	return buf;
}

/* The pattern with every {param} replaced by "1"; owned. */
static char *
sample_path(const char *pattern)
{
	struct buf	 b = { 0 };
	const char	*p;

	for (p = pattern; *p != '\0'; p++) {
		if (*p == '{') {
			buf_puts(&b, "1");
			while (*p != '\0' && *p != '}')
				p++;
			continue;
		}
		buf_add(&b, p, 1);
	}
	return b.p;
}

static const struct {
	enum method	 m;
	const char	*path;
} badids[] = {
	{ M_GET, "/api/v1/admin/marketplaces/abc" },
	{ M_GET, "/api/v1/admin/marketplaces/01" },
	{ M_POST, "/api/v1/admin/providers/-1/rotate" },
	{ M_DELETE, "/api/v1/admin/tenants/1/apps/x" },
	{ M_PUT, "/api/v1/admin/tenants/1.5/apps" },
	{ M_GET, "/api/v1/apps/0" },
	{ M_GET, "/api/mnoe/v2/apps/9007199254740992" },
};

static const char *const near[] = {
	"/healthzz",
	"/health",
	"/healthz/x",
	"/api/mnoe/v2",
	"/api/mnoe/v2/app",
	"/api/mnoe/v2/appsx",
	"/api/mnoe/v2/apps/12/x",
	"/api/v1/admin/marketplaces/12/certificate",
};

int
main(void)
{
	struct req	 r;
	const struct route *rt;
	size_t		 i, j, bad, shadowed;
	int		 st;

	is_str(norm("/a/b"), "/a/b", "plain path");
	is_str(norm("/a/b/"), "/a/b", "trailing slash");
	is_str(norm("//a//b//"), "/a/b", "doubled slashes");
	is_str(norm("/"), "/", "root");
	is_str(norm("/a%20b"), "/a b", "percent decoded");
	is_str(norm("/a+b"), "/a+b", "plus kept");
	ok(norm("/a/../b") == NULL, "dot-dot refused");
	ok(norm("/a/./b") == NULL, "dot refused");
	ok(norm("/a%2e%2e/b") != NULL, "encoded dots inside a name pass");
	ok(norm("/a/%2e%2e/b") == NULL, "encoded dot-dot segment refused");
	ok(norm("/a%00b") == NULL, "encoded NUL refused");
	ok(norm("/a%0ab") == NULL, "encoded newline refused");
	ok(norm("a/b") == NULL, "relative refused");

	/*
	 * Every row is well-formed and reachable: a path made from its
	 * pattern (each {param} replaced by "1") finds that very row, so no
	 * earlier row shadows it and no two rows repeat.
	 */
	for (i = 0, bad = 0, shadowed = 0; i < routesz; i++) {
		if (routes[i].pattern[0] != '/' || routes[i].fn == NULL) {
			printf("# row %zu (%s) is malformed\n", i,
			    routes[i].pattern);
			bad++;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.method = routes[i].method;
		r.path = sample_path(routes[i].pattern);
		rt = route_find(&r, &st);
		if (rt != &routes[i]) {
			printf("# %s %s is shadowed by row %td\n",
			    method_name(routes[i].method), routes[i].pattern,
			    rt ? rt - routes : -1);
			shadowed++;
		}
		for (j = 0; j < r.pvsz; j++)
			free(r.pv[j]);
		for (j = 0; j < r.resphsz; j++)
			free(r.resph[j]);
		free(r.err_detail);
		free(r.path);
	}
	is_int(bad, 0, "every row has a path pattern and a handler");
	is_int(shadowed, 0, "every one of the %zu rows is reachable", routesz);

	memset(&r, 0, sizeof(r));
	r.method = M_GET;
	r.path = xstrdup("/healthz");
	rt = route_find(&r, &st);
	ok(rt != NULL && rt->fn == h_healthz, "GET /healthz found");
	free(r.path);

	memset(&r, 0, sizeof(r));
	r.method = M_DELETE;
	r.path = xstrdup("/healthz");
	rt = route_find(&r, &st);
	ok(rt == NULL && st == 405, "DELETE /healthz is 405");
	ok(r.resphsz == 1 && strstr(r.resph[0], "Allow: GET") != NULL,
	    "405 names the allowed method");
	free(r.path);
	free(r.resph[0]);
	free(r.err_detail);

	memset(&r, 0, sizeof(r));
	r.method = M_GET;
	r.path = xstrdup("/nope");
	rt = route_find(&r, &st);
	ok(rt == NULL && st == 404, "unknown path is 404");
	free(r.path);
	free(r.err_detail);

	/*
	 * Near misses of a row: a segment longer or shorter than the
	 * row's, a segment more or less than it has.
	 */
	for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.method = M_GET;
		r.path = xstrdup(near[i]);
		rt = route_find(&r, &st);
		ok(rt == NULL && st == 404 && r.pvsz == 0, "GET %s is 404",
		    near[i]);
		free(r.path);
		free(r.err_detail);
	}

	/* Path ids: a parameter that is not one names nothing. */
	for (i = 0; i < sizeof(badids) / sizeof(badids[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.method = badids[i].m;
		r.path = xstrdup(badids[i].path);
		rt = route_find(&r, &st);
		ok(rt == NULL && st == 404 && r.resphsz == 0 &&
		    r.err_detail != NULL &&
		    strstr(r.err_detail, "positive integer") != NULL,
		    "%s %s is 404, an id in a path is a positive integer",
		    method_name(badids[i].m), badids[i].path);
		free(r.path);
		free(r.err_detail);
		for (j = 0; j < r.resphsz; j++)
			free(r.resph[j]);
	}
	memset(&r, 0, sizeof(r));
	r.method = M_GET;
	r.path = xstrdup("/api/v1/admin/tenants/12/apps/34");
	rt = route_find(&r, &st);
	ok(rt != NULL && r.pvsz == 2 && req_pv_id(&r, 0) == 12 &&
	    req_pv_id(&r, 1) == 34, "ids in a path are read back");
	for (j = 0; j < r.pvsz; j++)
		free(r.pv[j]);
	free(r.path);
	memset(&r, 0, sizeof(r));
	r.method = M_POST;
	r.path = xstrdup("/api/v1/admin/tenants/12/apps/bulk");
	rt = route_find(&r, &st);
	ok(rt != NULL && rt->fn == h_tapp_bulk && r.pvsz == 1,
	    "a literal segment after an id row still matches its own row");
	for (j = 0; j < r.pvsz; j++)
		free(r.pv[j]);
	free(r.path);
	return done();
}
