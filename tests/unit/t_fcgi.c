/* Unit tests: fcgi.c's request helpers (ETag lists, paging, fingerprints). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

static void
req_reset(struct req *r)
{
	size_t	 i;

	free(r->err_detail);
	for (i = 0; i < r->ferrsz; i++) {
		free(r->ferr[i].field);
		free(r->ferr[i].msg);
	}
	memset(r, 0, sizeof(*r));
}

/* Paging with one query parameter k=v (k NULL: none): the status. */
static int
page(struct req *r, const char *k, const char *v, long long *l,
    long long *o)
{
	static struct qsp	 q;

	req_reset(r);
	if (k != NULL) {
		q.key = (char *)(uintptr_t)k;
		q.val = (char *)(uintptr_t)v;
		r->qs = &q;
		r->qsz = 1;
	}
	return req_paging(r, l, o);
}

int
main(void)
{
	struct req	 r;
	unsigned char	 h1[32], h2[32];
	long long	 l, o;

	memset(&r, 0, sizeof(r));

	/* If-None-Match / If-Match lists (RFC 9110 8.8.3). */
	ok(!req_etag_match(&r, "\"a\""), "no If-None-Match: no 304");
	r.if_none_match = "\"a\"";
	ok(req_etag_match(&r, "\"a\""), "the same strong tag matches");
	ok(!req_etag_match(&r, "\"ab\""), "a longer tag does not");
	r.if_none_match = "\"ab\"";
	ok(!req_etag_match(&r, "\"a\""), "a tag's prefix does not");
	r.if_none_match = "W/\"a\"";
	ok(req_etag_match(&r, "\"a\""), "a weak tag matches (weak comparison)");
	r.if_none_match = "\"x\", \t W/\"y\" ,\"a\"";
	ok(req_etag_match(&r, "\"a\""), "found in a list with spaces and tabs");
	ok(req_etag_match(&r, "\"y\""), "a weak member of a list");
	ok(!req_etag_match(&r, "\"z\""), "absent from the list");
	r.if_none_match = "*";
	ok(req_etag_match(&r, "\"q\""), "* matches any tag");
	r.if_none_match = "";
	ok(!req_etag_match(&r, "\"a\""), "an empty header matches nothing");
	r.if_none_match = NULL;
	ok(req_if_match(&r, "\"a\""), "no If-Match: the write may go on");
	r.if_match = "\"v1\"";
	ok(!req_if_match(&r, "\"v2\""), "If-Match naming another version");
	ok(req_if_match(&r, "\"v1\""), "If-Match naming this version");
	r.if_match = NULL;

	/* Paging: defaults, bounds, one answer for a bad page. */
	is_int(page(&r, NULL, NULL, &l, &o), 0, "no paging parameters");
	ok(l == 50 && o == 0, "limit 50, offset 0 by default");
	is_int(page(&r, "limit", "200", &l, &o), 0, "limit=200");
	is_int(l, 200, "is 200");
	is_int(page(&r, "limit", "201", &l, &o), 400, "limit=201 is 400");
	ok(r.ferrsz == 1 && strcmp(r.ferr[0].field, "limit") == 0,
	    "naming limit");
	is_str(r.err_detail, "bad paging parameters", "with the one detail");
	is_int(page(&r, "limit", "0", &l, &o), 400, "limit=0 is 400");
	is_int(page(&r, "offset", "-1", &l, &o), 400, "offset=-1 is 400");
	ok(r.ferrsz == 1 && strcmp(r.ferr[0].field, "offset") == 0,
	    "naming offset");
	is_int(page(&r, "offset", "1e3", &l, &o), 400, "offset=1e3 is 400");
	is_int(page(&r, "offset", "1000", &l, &o), 0, "offset=1000");
	is_int(o, 1000, "is 1000");
	req_reset(&r);

	/* Idempotency fingerprints: method, path and body. */
	r.method = M_POST;
	r.path = "/api/v1/marketplaces";
	r.body = "{\"a\":1}";
	r.bodysz = strlen(r.body);
	ok(req_idem_hash(&r, h1) == 0 && req_idem_hash(&r, h2) == 0 &&
	    memcmp(h1, h2, 32) == 0, "the same request, the same fingerprint");
	r.body = "{\"a\":2}";
	ok(req_idem_hash(&r, h2) == 0 && memcmp(h1, h2, 32) != 0,
	    "another body, another fingerprint");
	r.body = "{\"a\":1}";
	r.path = "/api/v1/marketplace";
	ok(req_idem_hash(&r, h2) == 0 && memcmp(h1, h2, 32) != 0,
	    "another path, another fingerprint");
	r.path = "/api/v1/marketplaces";
	r.method = M_PATCH;
	ok(req_idem_hash(&r, h2) == 0 && memcmp(h1, h2, 32) != 0,
	    "another method, another fingerprint");
	return done();
}
