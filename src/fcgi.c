/*
 * One FastCGI request: read the parameters and the capped body into a
 * struct req (copies: FCGX_Finish_r frees its own), and write replies.
 * Every header goes through req_header, which refuses CR and LF.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "extern.h"

#define QS_MAX		64
#define HDR_MAX		4096

static const char *const methods[M__MAX] = {
	[M_GET] = "GET",
	[M_HEAD] = "HEAD",
	[M_POST] = "POST",
	[M_PUT] = "PUT",
	[M_PATCH] = "PATCH",
	[M_DELETE] = "DELETE",
	[M_OPTIONS] = "OPTIONS",
};

const char *
method_name(enum method m)
{
	return m < M__MAX ? methods[m] : "?";
}

static const char *
status_text(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 423: return "Locked";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/*
 * The FastCGI parameters a request is read from, found in one pass over
 * the environment (FCGX_GetParam scans all of it for each name).
 */
enum param {
	P_REQUEST_ID,
	P_REQUEST_METHOD,
	P_REQUEST_URI,
	P_CONTENT_LENGTH,
	P_CONTENT_TYPE,
	P_AUTHORIZATION,
	P_COOKIE,
	P_IF_MATCH,
	P_IF_NONE_MATCH,
	P_ACCEPT_ENCODING,
	P_IDEMPOTENCY_KEY,
	P_ORIGIN,
	P_SEC_FETCH_SITE,
	P_REMOTE_ADDR,
	P_USER_AGENT,
	P_SSL_CLIENT_VERIFY,
	P_SSL_CLIENT_FINGERPRINT,
	P_SSL_CLIENT_SERIAL,
	P__MAX
};

#define PARAM(s)	{ s, sizeof(s) - 1 }
static const struct {
	const char	*name;
	size_t		 len;
} params[P__MAX] = {
	[P_REQUEST_ID] = PARAM("REQUEST_ID"),
	[P_REQUEST_METHOD] = PARAM("REQUEST_METHOD"),
	[P_REQUEST_URI] = PARAM("REQUEST_URI"),
	[P_CONTENT_LENGTH] = PARAM("CONTENT_LENGTH"),
	[P_CONTENT_TYPE] = PARAM("CONTENT_TYPE"),
	[P_AUTHORIZATION] = PARAM("HTTP_AUTHORIZATION"),
	[P_COOKIE] = PARAM("HTTP_COOKIE"),
	[P_IF_MATCH] = PARAM("HTTP_IF_MATCH"),
	[P_IF_NONE_MATCH] = PARAM("HTTP_IF_NONE_MATCH"),
	[P_ACCEPT_ENCODING] = PARAM("HTTP_ACCEPT_ENCODING"),
	[P_IDEMPOTENCY_KEY] = PARAM("HTTP_IDEMPOTENCY_KEY"),
	[P_ORIGIN] = PARAM("HTTP_ORIGIN"),
	[P_SEC_FETCH_SITE] = PARAM("HTTP_SEC_FETCH_SITE"),
	[P_REMOTE_ADDR] = PARAM("REMOTE_ADDR"),
	[P_USER_AGENT] = PARAM("HTTP_USER_AGENT"),
	[P_SSL_CLIENT_VERIFY] = PARAM("SSL_CLIENT_VERIFY"),
	[P_SSL_CLIENT_FINGERPRINT] = PARAM("SSL_CLIENT_FINGERPRINT"),
	[P_SSL_CLIENT_SERIAL] = PARAM("SSL_CLIENT_SERIAL"),
};
#undef PARAM

/* Each parameter's value (borrowed from envp), or NULL; the first wins. */
static void
params_find(char **envp, const char *v[P__MAX])
{
	const char	*eq;
	size_t		 n, i;

	for (i = 0; i < P__MAX; i++)
		v[i] = NULL;
	for (; *envp != NULL; envp++) {
		if ((eq = strchr(*envp, '=')) == NULL)
			continue;
		n = (size_t)(eq - *envp);
		for (i = 0; i < P__MAX; i++)
			if (params[i].len == n && v[i] == NULL &&
			    memcmp(*envp, params[i].name, n) == 0) {
				v[i] = eq + 1;
				break;
			}
	}
}

/* A bounded copy of a header's value, or NULL. */
static char *
param_dup(const char *v)
{
	return v == NULL ? NULL : xstrndup(v, HDR_MAX);
}

void
req_init(struct req *r, void *fcgi, const struct conf *c, struct db *db)
{
	memset(r, 0, sizeof(*r));
	r->fcgi = fcgi;
	r->conf = c;
	r->db = db;
	r->errstyle = ES_PROBLEM;
	r->dx.db = db;
	r->dx.conf = c;
	r->dx.pr = &r->pr;
	r->dx.id = r->id;
	r->dx.up = r;
}

/*
 * Put the query pairs in their canonical order: by key, pairs of one key
 * in the order sent (an insertion sort: stable, and QS_MAX is small).
 * Every reader (req_qs's first value, the links that repeat the query,
 * the cache key) then sees one order for the same request.
 */
static void
qs_sort(struct qsp *qs, size_t n)
{
	struct qsp	 t;
	size_t		 i, j;

	for (i = 1; i < n; i++) {
		t = qs[i];
		for (j = i; j > 0 && strcmp(qs[j - 1].key, t.key) > 0; j--)
			qs[j] = qs[j - 1];
		qs[j] = t;
	}
}

/*
 * Split and decode r->query into r->qs, in their canonical order; 0 or
 * -1 on a bad escape or too many pairs (what is parsed so far stays for
 * req_free).
 */
int
req_parse_qs(struct req *r)
{
	const char	*p = r->query, *amp, *eq;
	size_t		 len;
	char		*k, *v;

	r->qs = xcalloc(QS_MAX, sizeof(struct qsp));
	while (*p != '\0') {
		amp = p + strcspn(p, "&");
		len = (size_t)(amp - p);
		if (len > 0) {
			if (r->qsz == QS_MAX)
				return -1;
			eq = memchr(p, '=', len);
			if (url_decode(p, eq ? (size_t)(eq - p) : len, 1,
			    &k) == -1)
				return -1;
			if (url_decode(eq ? eq + 1 : "", eq ?
			    (size_t)(amp - eq - 1) : 0, 1, &v) == -1) {
				free(k);
				return -1;
			}
			r->qs[r->qsz].key = k;
			r->qs[r->qsz++].val = v;
		}
		p = *amp ? amp + 1 : amp;
	}
	qs_sort(r->qs, r->qsz);
	return 0;
}

/*
 * Fill r from the FastCGI request: method, path, query, headers we use,
 * request id and the body (at most conf->body_max bytes). Returns 0, or
 * the HTTP status to answer (400, 411, 413) with r's error set.
 */
int
req_read(struct req *r)
{
	FCGX_Request	*fr = r->fcgi;
	const char	*pv[P__MAX], *m, *uri, *cl, *rid;
	char		*raw = NULL, *q;
	long long	 len = 0;
	size_t		 i;
	int		 n;

	params_find(fr->envp, pv);
	rid = pv[P_REQUEST_ID];
	if (rid != NULL && strlen(rid) == 32 && strspn(rid,
	    "0123456789abcdef") == 32)
		memcpy(r->id, rid, 33);
	else {
		unsigned char	 b[16];

		crypto_random(b, sizeof(b));
		hex_put(r->id, b, sizeof(b));
	}
	log_reqid(r->id);

	r->method = M__MAX;
	if ((m = pv[P_REQUEST_METHOD]) != NULL)
		for (i = 0; i < M__MAX; i++)
			if (strcmp(m, methods[i]) == 0)
				r->method = (enum method)i;

	r->ctype = param_dup(pv[P_CONTENT_TYPE]);
	r->authz = param_dup(pv[P_AUTHORIZATION]);
	r->cookie = param_dup(pv[P_COOKIE]);
	r->if_match = param_dup(pv[P_IF_MATCH]);
	r->if_none_match = param_dup(pv[P_IF_NONE_MATCH]);
	r->accept_encoding = param_dup(pv[P_ACCEPT_ENCODING]);
	r->idem_key = param_dup(pv[P_IDEMPOTENCY_KEY]);
	r->origin = param_dup(pv[P_ORIGIN]);
	r->fetch_site = param_dup(pv[P_SEC_FETCH_SITE]);
	r->remote_addr = param_dup(pv[P_REMOTE_ADDR]);
	r->dx.remote_addr = r->remote_addr;
	r->user_agent = param_dup(pv[P_USER_AGENT]);
	r->ssl_verify = param_dup(pv[P_SSL_CLIENT_VERIFY]);
	r->ssl_fp = param_dup(pv[P_SSL_CLIENT_FINGERPRINT]);
	r->ssl_serial = param_dup(pv[P_SSL_CLIENT_SERIAL]);

	/* The path: raw URI without the query, then normalised. */
	if ((uri = pv[P_REQUEST_URI]) == NULL)
		uri = "/";
	q = strchr(uri, '?');
	raw = q ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);
	r->query = xstrdup(q ? q + 1 : "");
	n = path_normalise(raw, &r->path);
	free(raw);
	if (n == -1) {
		r->path = xstrdup("/");
		return req_fail(r, 400, "the request path is malformed");
	}
	if (req_parse_qs(r) == -1)
		return req_fail(r, 400, "the query string is malformed");

	/* The body: exactly CONTENT_LENGTH bytes, capped. */
	cl = pv[P_CONTENT_LENGTH];
	if (cl != NULL && *cl != '\0' &&
	    num_parse(cl, 0, INT64_MAX / 2, &len) == -1)
		return req_fail(r, 400, "Content-Length is malformed");
	if (len > r->conf->body_max)
		return req_fail(r, 413, "the body is larger than %lld bytes",
		    r->conf->body_max);
	r->body = xmalloc((size_t)len + 1);
	if (len > 0 && (n = FCGX_GetStr(r->body, (int)len, fr->in)) != len)
		return req_fail(r, 400, "the body is shorter than "
		    "Content-Length");
	r->body[len] = '\0';
	r->bodysz = (size_t)len;
	return 0;
}

/*
 * End request fr (a FCGX_Request). libfcgi closes a connection by
 * shutting it down and reading until the web server has closed its
 * side, so a TCP peer is never sent a reset for input left unread: a
 * wait and a wakeup per request. When the input is read to its end (the
 * body was taken whole and the empty record that ends it is at most
 * FINISH_DRAIN bytes on), nothing is left unread, so the request is
 * detached first and the connection closed at once. Otherwise
 * libfcgi's own close does its part.
 */
#define FINISH_DRAIN	4096

void
req_finish(void *fcgi)
{
	FCGX_Request	*fr = fcgi;
	int		 i;

	if (fr->in != NULL) {
		for (i = 0; i < FINISH_DRAIN; i++)
			if (FCGX_GetChar(fr->in) == EOF)
				break;
		if (i < FINISH_DRAIN && FCGX_GetError(fr->in) == 0)
			FCGX_Detach(fr);
	}
	FCGX_Finish_r(fr);
}

void
req_free(struct req *r)
{
	size_t	 i;

	free(r->path);
	free(r->query);
	for (i = 0; i < r->qsz; i++) {
		free(r->qs[i].key);
		free(r->qs[i].val);
	}
	free(r->qs);
	if (r->body != NULL)
		explicit_bzero(r->body, r->bodysz);
	free(r->body);
	free(r->ctype);
	if (r->authz != NULL)
		explicit_bzero(r->authz, strlen(r->authz));
	free(r->authz);
	free(r->cookie);
	free(r->if_match);
	free(r->if_none_match);
	free(r->accept_encoding);
	free(r->idem_key);
	free(r->origin);
	free(r->fetch_site);
	free(r->remote_addr);
	free(r->user_agent);
	free(r->ssl_verify);
	free(r->ssl_fp);
	free(r->ssl_serial);
	for (i = 0; i < r->resphsz; i++)
		free(r->resph[i]);
	for (i = 0; i < r->pvsz; i++)
		free(r->pv[i]);
	free(r->err_title);
	free(r->err_detail);
	for (i = 0; i < r->ferrsz; i++) {
		free(r->ferr[i].field);
		free(r->ferr[i].msg);
	}
	log_reqid(NULL);
	memset(r, 0, sizeof(*r));
}

/* The first value of query parameter key (borrowed), or NULL. */
const char *
req_qs(const struct req *r, const char *key)
{
	size_t	 i;

	for (i = 0; i < r->qsz; i++)
		if (strcmp(r->qs[i].key, key) == 0)
			return r->qs[i].val;
	return NULL;
}

/*
 * Queue a response header. Returns 0, or -1 (logged, header dropped) if
 * the name or value holds CR, LF or NUL or the table is full.
 */
int
req_header(struct req *r, const char *name, const char *value)
{
	char	*h;
	size_t	 nsz, vsz;

	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		log_warnx("refused a header with CR/LF: %s", name);
		return -1;
	}
	if (r->resphsz == RESPH_MAX) {
		log_warnx("too many response headers");
		return -1;
	}
	nsz = strlen(name);
	vsz = strlen(value);
	h = xmalloc(nsz + 2 + vsz + 1);
	memcpy(h, name, nsz);
	memcpy(h + nsz, ": ", 2);
	memcpy(h + nsz + 2, value, vsz + 1);
	r->resph[r->resphsz++] = h;
	return 0;
}

/* Drop the queued response headers called name (any case). */
void
req_header_del(struct req *r, const char *name)
{
	size_t	 i, j, n = strlen(name);

	for (i = j = 0; i < r->resphsz; i++) {
		if (strncasecmp(r->resph[i], name, n) == 0 &&
		    r->resph[i][n] == ':') {
			free(r->resph[i]);
			continue;
		}
		r->resph[j++] = r->resph[i];
	}
	r->resphsz = j;
}

/* Set the error's detail; returns status so handlers can return it. */
int
req_fail(struct req *r, int status, const char *fmt, ...)
{
	va_list	 ap;

	free(r->err_detail);
	va_start(ap, fmt);
	if (vasprintf(&r->err_detail, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	return status;
}

/* Record a field error; returns -1 so validators can return it. */
int
req_field(struct req *r, const char *field, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (r->ferrsz == FERR_MAX)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	r->ferr[r->ferrsz].field = xstrdup(field);
	r->ferr[r->ferrsz++].msg = msg;
	return -1;
}

static int
has_header(const struct req *r, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < r->resphsz; i++)
		if (strncasecmp(r->resph[i], name, n) == 0 &&
		    r->resph[i][n] == ':')
			return 1;
	return 0;
}

/*
 * The status line and headers of a reply, in one write to the stream:
 * our headers, r's extra headers and the stored header lines hdrs
 * ("Name: value\r\n" each, or NULL). A body of sz bytes follows, or
 * (sz -1) a body of unknown length that nginx sends chunked. A HEAD
 * says the length its GET would have (RFC 9110, 9.3.2) and sends none.
 */
static void
reply_head(struct req *r, int status, const char *ctype, const char *hdrs,
    long long sz)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fcgi)->out;
	struct buf	 h = { 0 };
	size_t		 i;

	r->replied = 1;
	r->status = status;
	buf_puts(&h, "Status: ");
	buf_putu(&h, (unsigned int)status);
	buf_puts(&h, " ");
	buf_puts(&h, status_text(status));
	buf_puts(&h, "\r\n");
	if (ctype != NULL && status != 304) {
		buf_puts(&h, "Content-Type: ");
		buf_puts(&h, ctype);
		buf_puts(&h, "\r\n");
	}
	buf_puts(&h, "X-Content-Type-Options: nosniff\r\nX-Request-Id: ");
	buf_puts(&h, r->id);
	buf_puts(&h, "\r\n");
	if (!has_header(r, "Cache-Control"))
		buf_puts(&h, "Cache-Control: no-store\r\n");
	for (i = 0; i < r->resphsz; i++) {
		buf_puts(&h, r->resph[i]);
		buf_puts(&h, "\r\n");
	}
	if (hdrs != NULL)
		buf_puts(&h, hdrs);
	if (status != 304 && status != 204 && sz >= 0) {
		buf_puts(&h, "Content-Length: ");
		buf_putu(&h, (unsigned long long)sz);
		buf_puts(&h, "\r\n");
	}
	buf_puts(&h, "\r\n");
	FCGX_PutStr(h.p, (int)h.len, out);
	buf_free(&h);
}

/* A whole reply: head and body (none for HEAD, 204 and 304). */
static int
reply_whole(struct req *r, int status, const char *ctype, const char *hdrs,
    const void *body, size_t sz)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fcgi)->out;

	if (r->replied)
		return status;
	reply_head(r, status, ctype, hdrs, (long long)sz);
	if (r->method != M_HEAD && status != 304 && status != 204 && sz > 0)
		FCGX_PutStr(body, (int)sz, out);
	return status;
}

/*
 * The header lines of r a cached answer keeps (owned, or NULL): all but
 * those the dispatcher writes again on a hit (ETag, X-Cache, Vary,
 * Content-Encoding).
 */
static char *
kept_headers(const struct req *r)
{
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < r->resphsz; i++) {
		if (strncasecmp(r->resph[i], "ETag:", 5) == 0 ||
		    strncasecmp(r->resph[i], "X-Cache:", 8) == 0 ||
		    strncasecmp(r->resph[i], "Vary:", 5) == 0 ||
		    strncasecmp(r->resph[i], "Content-Encoding:", 17) == 0)
			continue;
		buf_printf(&b, "%s\r\n", r->resph[i]);
	}
	return b.p;
}

/*
 * A 200 as gzip, for a request the dispatcher marked (r->gz): the
 * compressed body kept with cache entry e, or (e NULL: not kept) made
 * for this answer. If it cannot be made the answer goes uncompressed,
 * without the ETag, which named the compressed one.
 */
static int
reply_gzip(struct req *r, struct centry *e, const char *ctype,
    const char *hdrs, const void *body, size_t sz)
{
	struct buf	 b = { 0 };
	const char	*gz = NULL;
	size_t		 gzsz = 0;
	int		 st;

	if (e != NULL)
		gz = centry_gzip(e, &gzsz);
	else if (gzip_encode(body, sz, &b) == 0) {
		metrics_inc(MX_GZIP_BODIES);
		gz = b.p;
		gzsz = b.len;
	}
	if (gz == NULL) {
		req_header_del(r, "ETag");
		st = reply_whole(r, 200, ctype, hdrs, body, sz);
	} else {
		req_header(r, "Content-Encoding", "gzip");
		st = reply_whole(r, 200, ctype, hdrs, gz, gzsz);
	}
	buf_free(&b);
	return st;
}

/*
 * Write a complete response. Returns status. HEAD and 304 carry no body.
 * A 200 of a request the dispatcher marked (r->cache_keep) is kept in
 * the worker's cache under r->cache_key at the principal's generations,
 * and goes out compressed if the dispatcher said so (r->gz).
 */
int
reply_raw(struct req *r, int status, const char *ctype, const void *body,
    size_t sz)
{
	struct centry	*e = NULL;
	char		*hdrs;

	if (r->replied || status != 200)
		return reply_whole(r, status, ctype, NULL, body, sz);
	if (r->cache_keep && ctype != NULL) {
		hdrs = kept_headers(r);
		e = cache_put(r->cache_key, r->pr.gen, ctype, hdrs, body, sz);
		free(hdrs);
	}
	if (r->gz)
		return reply_gzip(r, e, ctype, NULL, body, sz);
	return reply_whole(r, status, ctype, NULL, body, sz);
}

/*
 * A 200 from the cache entry e: its content type, kept headers and body,
 * compressed if the dispatcher said so (r->gz).
 */
int
reply_cached(struct req *r, struct centry *e)
{
	const char	*body;
	size_t		 sz;

	body = centry_body(e, &sz);
	if (r->gz)
		return reply_gzip(r, e, centry_ctype(e), centry_hdrs(e),
		    body, sz);
	return reply_whole(r, 200, centry_ctype(e), centry_hdrs(e), body, sz);
}

/*
 * Start a streamed 200 reply of type ctype whose body reply_chunk
 * sends piece by piece (an export too big to hold). Returns 200.
 */
int
reply_stream(struct req *r, const char *ctype)
{
	if (!r->replied)
		reply_head(r, 200, ctype, NULL, -1);
	return 200;
}

/* Send a piece of a streamed body: 0, or -1 if the client is gone. */
int
reply_chunk(struct req *r, const void *p, size_t sz)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fcgi)->out;

	if (r->method == M_HEAD || sz == 0)
		return 0;
	if (sz > INT_MAX || FCGX_PutStr(p, (int)sz, out) != (int)sz)
		return -1;
	return 0;
}

/* Serialise o (owned: put here) as application/json. Returns status. */
int
reply_json(struct req *r, int status, struct json_object *o)
{
	const char	*s = json_text(o);

	reply_raw(r, status, "application/json", s, strlen(s));
	json_object_put(o);
	return status;
}

/* As reply_json, with the JSON:API media type. */
int
reply_jsonapi(struct req *r, int status, struct json_object *o)
{
	const char	*s = json_text(o);

	reply_raw(r, status, "application/vnd.api+json", s, strlen(s));
	json_object_put(o);
	return status;
}

int
reply_empty(struct req *r, int status)
{
	return reply_raw(r, status, NULL, NULL, 0);
}

/* A redirect to a local path or our own URL. Returns status. */
int
reply_redirect(struct req *r, int status, const char *location)
{
	if (req_header(r, "Location", location) == -1)
		return reply_error(r, 500);
	return reply_raw(r, status, "text/plain; charset=utf-8", "", 0);
}

static const char *
error_title(int status)
{
	return status_text(status);
}

/* The problem "type" for a status: a stable URI per kind of problem. */
static const char *
problem_type(int status)
{
	switch (status) {
	case 400: return "urn:agora:problem:invalid-request";
	case 401: return "urn:agora:problem:unauthenticated";
	case 403: return "urn:agora:problem:forbidden";
	case 404: return "urn:agora:problem:not-found";
	case 405: return "urn:agora:problem:method-not-allowed";
	case 409: return "urn:agora:problem:conflict";
	case 412: return "urn:agora:problem:precondition-failed";
	case 413: return "urn:agora:problem:too-large";
	case 415: return "urn:agora:problem:unsupported-media-type";
	case 422: return "urn:agora:problem:unprocessable";
	case 429: return "urn:agora:problem:rate-limited";
	case 503: return "urn:agora:problem:unavailable";
	default: return "about:blank";
	}
}

/*
 * Write the error body for status in the route's style, from r's error
 * (detail and field errors). Returns status.
 */
int
reply_error(struct req *r, int status)
{
	struct json_object	*o, *a, *e, *src;
	char			 st[8], buf[512];
	size_t			 i;
	const char		*detail;

	detail = r->err_detail;
	if (detail == NULL && r->ferrsz > 0)
		detail = "some fields are invalid";
	if (detail == NULL)
		detail = error_title(status);
	if (status == 503) {
		snprintf(st, sizeof(st), "%d", r->retry_after ?
		    r->retry_after : 1);
		req_header(r, "Retry-After", st);
	}

	switch (r->errstyle) {
	case ES_HTML:
		return html_error(r, status);
	case ES_SIMPLE:
		o = json_object_new_object();
		if (r->ferrsz > 0) {
			snprintf(buf, sizeof(buf), "%s: %s", r->ferr[0].field,
			    r->ferr[0].msg);
			jadd_str(o, "error", buf);
		} else
			jadd_str(o, "error", detail);
		return reply_json(r, status, o);
	case ES_JSONAPI:
		o = json_object_new_object();
		a = json_object_new_array();
		snprintf(st, sizeof(st), "%d", status);
		if (r->ferrsz == 0) {
			e = json_object_new_object();
			jadd_str(e, "title", error_title(status));
			jadd_str(e, "detail", detail);
			jadd_str(e, "status", st);
			jappend(a, e);
		}
		for (i = 0; i < r->ferrsz; i++) {
			e = json_object_new_object();
			jadd_str(e, "title", error_title(status));
			snprintf(buf, sizeof(buf), "%s %s", r->ferr[i].field,
			    r->ferr[i].msg);
			jadd_str(e, "detail", buf);
			jadd_str(e, "status", st);
			src = json_object_new_object();
			jadd_str(src, "parameter", r->ferr[i].field);
			jadd(e, "source", src);
			jappend(a, e);
		}
		jadd(o, "errors", a);
		return reply_jsonapi(r, status, o);
	default:
		break;
	}

	o = json_object_new_object();
	jadd_str(o, "type", problem_type(status));
	jadd_str(o, "title", error_title(status));
	jadd_int(o, "status", status);
	jadd_str(o, "detail", detail);
	if (r->ferrsz > 0) {
		a = json_object_new_array();
		for (i = 0; i < r->ferrsz; i++) {
			e = json_object_new_object();
			jadd_str(e, "field", r->ferr[i].field);
			jadd_str(e, "detail", r->ferr[i].msg);
			jappend(a, e);
		}
		jadd(o, "errors", a);
	}
	jadd_str(o, "request_id", r->id);
	{
		const char *s = json_text(o);

		reply_raw(r, status, "application/problem+json", s, strlen(s));
		json_object_put(o);
	}
	return status;
}

/*
 * 1 if an entity tag list header (If-None-Match or If-Match) names etag
 * (quoted, weak or strong) or is "*".
 */
static int
etag_in(const char *hdr, const char *etag)
{
	const char	*p = hdr, *e;
	size_t		 n = strlen(etag);

	while (*p != '\0') {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		e = p + strcspn(p, ",");
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - p) == n && strncmp(p, etag, n) == 0)
			return 1;
		p = e;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

/*
 * 1 if a qvalue (RFC 9110, 12.4.2) is a valid weight above 0: "1",
 * "1.000", "0.5", ... A malformed one counts as 0: the answer is then
 * uncompressed, which every client takes.
 */
static int
qvalue_positive(const char *v, size_t n)
{
	size_t	 i;
	int	 nonzero = 0;

	if (n == 0 || (v[0] != '0' && v[0] != '1'))
		return 0;
	if (n > 1 && (v[1] != '.' || n > 5))
		return 0;
	for (i = 2; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || (v[0] == '1' && v[i] != '0'))
			return 0;
		if (v[i] != '0')
			nonzero = 1;
	}
	return v[0] == '1' || nonzero;
}

/*
 * 1 if an Accept-Encoding value (NULL: absent) lets an answer be sent
 * with gzip: "gzip" or "x-gzip" with a weight above 0, or "*" with one
 * when gzip is not named (RFC 9110, 12.5.3).
 */
int
accepts_gzip(const char *hdr)
{
	const char	*p = hdr, *tok, *v;
	size_t		 n, vn;
	int		 gz = -1, star = -1, q;

	if (hdr == NULL)
		return 0;
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		tok = p;
		n = strcspn(p, " \t;,");
		p += n;
		q = 1;
		for (;;) {
			p += strspn(p, " \t");
			if (*p != ';')
				break;
			p++;
			p += strspn(p, " \t");
			if ((*p == 'q' || *p == 'Q') &&
			    p[1 + strspn(p + 1, " \t")] == '=') {
				p += 1 + strspn(p + 1, " \t") + 1;
				v = p + strspn(p, " \t");
				vn = strcspn(v, " \t;,");
				q = qvalue_positive(v, vn);
				p = v + vn;
			} else
				p += strcspn(p, ";,");
		}
		if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			gz = gz == 1 ? 1 : q;
		else if (n == 1 && *tok == '*')
			star = star == 1 ? 1 : q;
		/* Whatever is left of a malformed element is skipped. */
		p += strcspn(p, ",");
	}
	return gz != -1 ? gz : star == 1;
}

/* 1 if If-None-Match matches etag (answer 304). etag is quoted. */
int
req_etag_match(const struct req *r, const char *etag)
{
	return r->if_none_match != NULL && etag_in(r->if_none_match, etag);
}

/* 1 if If-Match is absent or matches etag, 0 if it names another. */
int
req_if_match(const struct req *r, const char *etag)
{
	return r->if_match == NULL || etag_in(r->if_match, etag);
}

/* Fingerprint of a request for Idempotency-Key: method, path, body. */
int
req_idem_hash(const struct req *r, unsigned char out[32])
{
	struct buf	 b = { 0 };

	if (buf_printf(&b, "%s %s\n", method_name(r->method), r->path) == -1 ||
	    buf_add(&b, r->body ? r->body : "", r->bodysz) == -1) {
		buf_free(&b);
		return -1;
	}
	crypto_sha256(b.p, b.len, out);
	buf_free(&b);
	return 0;
}

/*
 * Path parameter i ({id}, {tid}, ...) as an id. route_find answered 404
 * for a path whose parameter is not one, so here it always is: anything
 * else is a programming error.
 */
long long
req_pv_id(const struct req *r, size_t i)
{
	long long	 id;

	if (i >= r->pvsz || !valid_id(r->pv[i], &id))
		fatalx("path parameter %zu is not an id", i);
	return id;
}

/*
 * The paging parameters of a list route: ?limit= (1..200, default 50) and
 * ?offset= (0..INT32_MAX, default 0). Returns 0, or 400 with the
 * parameter named (every list route answers a bad page alike).
 */
int
req_paging(struct req *r, long long *limit, long long *offset)
{
	const char	*v;

	*limit = 50;
	*offset = 0;
	if ((v = req_qs(r, "limit")) != NULL &&
	    num_parse(v, 1, 200, limit) == -1) {
		req_field(r, "limit", "must be an integer from 1 to 200");
		return req_fail(r, 400, "bad paging parameters");
	}
	if ((v = req_qs(r, "offset")) != NULL &&
	    num_parse(v, 0, INT32_MAX, offset) == -1) {
		req_field(r, "offset", "must be a non-negative integer");
		return req_fail(r, 400, "bad paging parameters");
	}
	return 0;
}

/* Append "&key=value" (percent-encoded) for every query pair but paging. */
static void
paging_qs(const struct req *r, struct buf *b)
{
	char	*k, *v;
	size_t	 i;

	for (i = 0; i < r->qsz; i++) {
		if (strcmp(r->qs[i].key, "limit") == 0 ||
		    strcmp(r->qs[i].key, "offset") == 0)
			continue;
		k = url_encode(r->qs[i].key);
		v = url_encode(r->qs[i].val);
		buf_printf(b, "&%s=%s", k, v);
		free(k);
		free(v);
	}
}

/*
 * X-Total-Count and an RFC 8288 Link header (first, prev, next, last) for
 * a page of a list of total items. Other query parameters are kept; when
 * echoing them four times would pass LINK_MAX bytes, the Link header is
 * left out (nginx refuses a response header block over its buffer: a
 * 502 for a long query string), X-Total-Count stays.
 */
void
reply_paging(struct req *r, long long total, long long limit,
    long long offset)
{
	struct buf	 b = { 0 }, q = { 0 };
	char		 n[32];
	long long	 last;

	snprintf(n, sizeof(n), "%lld", total);
	req_header(r, "X-Total-Count", n);
	paging_qs(r, &q);
	last = total > 0 ? (total - 1) / limit * limit : 0;
	buf_printf(&b, "<%s?limit=%lld&offset=0%s>; rel=\"first\"", r->path,
	    limit, q.p ? q.p : "");
	if (offset > 0)
		buf_printf(&b, ", <%s?limit=%lld&offset=%lld%s>; rel=\"prev\"",
		    r->path, limit, offset > limit ? offset - limit : 0,
		    q.p ? q.p : "");
	if (offset + limit < total)
		buf_printf(&b, ", <%s?limit=%lld&offset=%lld%s>; rel=\"next\"",
		    r->path, limit, offset + limit, q.p ? q.p : "");
	buf_printf(&b, ", <%s?limit=%lld&offset=%lld%s>; rel=\"last\"",
	    r->path, limit, last, q.p ? q.p : "");
	if (b.len <= LINK_MAX)
		req_header(r, "Link", b.p);
	buf_free(&b);
	buf_free(&q);
}
