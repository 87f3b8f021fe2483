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

int
main(void)
{
	struct req	 r;
	const struct route *rt;
	size_t		 i, j;
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

	/* Every row is reachable and no two rows shadow each other. */
	for (i = 0; i < routesz; i++) {
		ok(routes[i].pattern[0] == '/' && routes[i].fn != NULL,
		    "row %zu (%s) is well-formed", i, routes[i].pattern);
		for (j = 0; j < i; j++)
			ok(routes[i].method != routes[j].method ||
			    strcmp(routes[i].pattern, routes[j].pattern) != 0,
			    "rows %zu and %zu differ", j, i);
	}

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
	return done();
}
