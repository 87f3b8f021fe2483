/* Unit tests: fcgi.c's request helpers (ETag lists, paging, fingerprints). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "../../src/extern.h"
#include "../tap.h"
#include "capture.h"

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

/* The string member k of o, or NULL. */
static const char *
jstr(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The integer member k of o, or -1. */
static long long
jint(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/* reply_error for status in style, with a detail and two field errors
 * (none for a 404), captured in c. */
static void
errs(struct req *r, struct capture *c, enum errstyle style, int status)
{
	cap_init(c, r);
	r->method = M_GET;
	memcpy(r->id, "0123abcd", 9);
	r->errstyle = style;
	if (status == 422) {
		req_field(r, "name", "must be 1 to 64 characters");
		req_field(r, "rank", "must be a positive integer");
	}
	req_fail(r, status, "bad input");
	reply_error(r, status);
}

/*
 * req_read over a FastCGI environment: every parameter it takes is
 * found, the first of two of one name wins (as FCGX_GetParam's), a name
 * that only starts like one is not it, and one not sent is NULL.
 */
static void
read_env(void)
{
	static char	 e0[] = "REQUEST_METHOD=PATCH",
			 e1[] = "HTTP_AUTHORIZATIONX=no",
			 e2[] = "REQUEST_URI=/a//b/?x=1&y",
			 e3[] = "HTTP_AUTHORIZATION=Basic one",
			 e4[] = "NOEQUALS",
			 e5[] = "HTTP_AUTHORIZATION=Basic two",
			 e6[] = "REQUEST_ID=0123456789abcdef0123456789abcdef",
			 e7[] = "HTTP_IF_NONE_MATCH=\"e\"",
			 e8[] = "SSL_CLIENT_SERIAL=",
			 e9[] = "REMOTE_ADDR=192.0.2.7";
	char		*env[] = { e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, NULL };
	FCGX_Request	 fr;
	struct conf	 c;
	struct req	 r;

	memset(&fr, 0, sizeof(fr));
	fr.envp = env;
	memset(&c, 0, sizeof(c));
	c.body_max = 1024;
	req_init(&r, &fr, &c, NULL);
	is_int(req_read(&r), 0, "a request read from its parameters");
	ok(r.method == M_PATCH, "its method");
	is_str(r.path, "/a/b", "its path, normalised");
	is_str(r.query, "x=1&y", "its query");
	is_str(r.id, "0123456789abcdef0123456789abcdef", "nginx's request id");
	is_str(r.authz, "Basic one", "the first of two parameters of one name");
	is_str(r.if_none_match, "\"e\"", "a header after a line with no '='");
	is_str(r.ssl_serial, "", "an empty value is a value");
	is_str(r.remote_addr, "192.0.2.7", "the last parameter");
	ok(r.cookie == NULL && r.ctype == NULL && r.origin == NULL,
	    "a parameter not sent is NULL");
	req_free(&r);
}

int
main(void)
{
	struct req	 r;
	struct capture	 cap = { 0 };
	struct json_object *j, *a, *e;
	unsigned char	 h1[32], h2[32];
	long long	 l, o;
	char		 cl[48];

	read_env();
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

	/* Accept-Encoding (RFC 9110 12.5.3): may the answer be gzip? */
	ok(!accepts_gzip(NULL), "no Accept-Encoding: uncompressed");
	ok(!accepts_gzip(""), "an empty one: uncompressed");
	ok(accepts_gzip("gzip"), "gzip");
	ok(accepts_gzip("GZip"), "coding names ignore case");
	ok(accepts_gzip("x-gzip"), "x-gzip is gzip");
	ok(accepts_gzip("gzip;q=1.0,deflate;q=0.6,identity;q=0.3"),
	    "Ruby net/http's default");
	ok(accepts_gzip("deflate, gzip, br, zstd"), "in a list");
	ok(accepts_gzip("br;q=1, gzip ; q=0.5"), "with a lower weight, spaced");
	ok(!accepts_gzip("gzip;q=0"), "q=0 refuses it");
	ok(!accepts_gzip("gzip;q=0.000"), "q=0.000 too");
	ok(accepts_gzip("gzip;q=0.001"), "q=0.001 accepts it");
	ok(!accepts_gzip("gzip;q=1.5"), "a malformed weight counts as 0");
	ok(!accepts_gzip("gzip;q=0.0001"), "four decimals are malformed");
	ok(!accepts_gzip("gzip;q="), "an empty weight too");
	ok(accepts_gzip("gzip;level=9"), "another parameter is ignored");
	ok(!accepts_gzip("deflate, br"), "gzip absent");
	ok(!accepts_gzip("identity"), "identity only");
	ok(!accepts_gzip("gzipx, xgzip"), "names that only contain gzip");
	ok(accepts_gzip("*"), "* accepts gzip");
	ok(!accepts_gzip("*;q=0"), "*;q=0 does not");
	ok(!accepts_gzip("*, gzip;q=0"), "gzip named with q=0 overrides *");
	ok(accepts_gzip("gzip;q=0, gzip"), "named twice: any weight above 0");
	ok(accepts_gzip(" ,, gzip ,"), "empty list elements are skipped");
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

	/* Error bodies, one shape per route style, from the same error. */
	req_reset(&r);
	errs(&r, &cap, ES_PROBLEM, 422);
	ok(strstr(cap_text(&cap), "Status: 422 ") == cap_text(&cap),
	    "problem: the status line first");
	ok(strstr(cap_text(&cap), "\r\nContent-Type: application/problem+json"
	    "\r\n") != NULL, "problem: application/problem+json");
	j = json_tokener_parse(cap_body(&cap));
	ok(j != NULL, "problem: the body is JSON");
	is_str(jstr(j, "detail"), "bad input", "problem: the detail");
	is_str(jstr(j, "title"), "Unprocessable Content", "problem: the title");
	is_int(jint(j, "status"), 422, "problem: status, a number");
	is_str(jstr(j, "request_id"), "0123abcd", "problem: the request id");
	ok(json_object_object_get_ex(j, "errors", &a) &&
	    json_object_array_length(a) == 2, "problem: both field errors");
	is_str(jstr(json_object_array_get_idx(a, 0), "field"), "name",
	    "problem: the first names its field");
	is_str(jstr(json_object_array_get_idx(a, 1), "detail"),
	    "must be a positive integer", "problem: the second its reason");
	json_object_put(j);

	req_reset(&r);
	errs(&r, &cap, ES_JSONAPI, 422);
	ok(strstr(cap_text(&cap), "\r\nContent-Type: application/vnd.api+json"
	    "\r\n") != NULL, "JSON:API: its media type");
	j = json_tokener_parse(cap_body(&cap));
	ok(j != NULL && json_object_object_get_ex(j, "errors", &a) &&
	    json_object_array_length(a) == 2, "JSON:API: one error a field");
	e = json_object_array_get_idx(a, 0);
	is_str(jstr(e, "status"), "422", "JSON:API: status, a string");
	is_str(jstr(e, "detail"), "name must be 1 to 64 characters",
	    "JSON:API: field and reason in the detail");
	ok(json_object_object_get_ex(e, "source", &e) &&
	    jstr(e, "parameter") != NULL &&
	    strcmp(jstr(e, "parameter"), "name") == 0,
	    "JSON:API: source.parameter names the field");
	json_object_put(j);

	req_reset(&r);
	errs(&r, &cap, ES_JSONAPI, 404);
	j = json_tokener_parse(cap_body(&cap));
	ok(j != NULL && json_object_object_get_ex(j, "errors", &a) &&
	    json_object_array_length(a) == 1, "JSON:API without fields: one");
	is_str(jstr(json_object_array_get_idx(a, 0), "detail"), "bad input",
	    "JSON:API without fields: the detail");
	json_object_put(j);

	req_reset(&r);
	errs(&r, &cap, ES_SIMPLE, 422);
	ok(strstr(cap_text(&cap), "\r\nContent-Type: application/json\r\n") !=
	    NULL, "simple: application/json");
	j = json_tokener_parse(cap_body(&cap));
	is_str(jstr(j, "error"), "name: must be 1 to 64 characters",
	    "simple: {\"error\"} with the first field");
	is_int(json_object_object_length(j), 1, "simple: nothing else");
	json_object_put(j);

	req_reset(&r);
	errs(&r, &cap, ES_PROBLEM, 503);
	ok(strstr(cap_text(&cap), "\r\nRetry-After: 1\r\n") != NULL,
	    "a 503 says when to retry");
	req_reset(&r);
	cap_init(&cap, &r);
	r.method = M_GET;
	reply_error(&r, 404);
	snprintf(cl, sizeof(cl), "\r\nContent-Length: %zu\r\n",
	    strlen(cap_body(&cap)));
	ok(strlen(cap_body(&cap)) > 0 && strstr(cap_text(&cap), cl) != NULL,
	    "GET: a body, and its length");
	req_reset(&r);
	cap_init(&cap, &r);
	r.method = M_HEAD;
	reply_error(&r, 404);
	is_str(cap_body(&cap), "", "HEAD: the head only");
	ok(strstr(cap_text(&cap), cl) != NULL,
	    "HEAD: the length its GET has");
	req_reset(&r);
	buf_free(&cap.got);
	return done();
}
