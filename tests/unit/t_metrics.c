/* Unit tests: the shared metrics file and its exposition (metrics.c). */
#include "config.h"

#include <sys/file.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/extern.h"
#include "../tap.h"

#define N_TIMED	1000000L

/* The value of the sample line starting with name (with labels). */
static long long
sample(const char *text, const char *name)
{
	const char	*p = text;
	size_t		 n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
		p += n;
	}
	return -1;
}

static char *
render(void)
{
	struct buf	 b = { 0 };

	if (metrics_render(&b) == -1) {
		buf_free(&b);
		return NULL;
	}
	return b.p;
}

int
main(void)
{
	struct req	 r;
	struct timespec	 t0, t1;
	double		 ns;
	long		 i;
	char		 path[] = "/tmp/t_metrics.XXXXXX";
	char		*t;
	size_t		 hz = routesz;
	int		 fd;

	ok(metrics_allowed("127.0.0.1 ::1", "127.0.0.1"), "allow: first");
	ok(metrics_allowed("127.0.0.1, ::1", "::1"), "allow: after a comma");
	ok(!metrics_allowed("127.0.0.10", "127.0.0.1"), "allow: no prefix match");
	ok(!metrics_allowed("127.0.0.1", "127.0.0.10"), "allow: no longer match");
	ok(!metrics_allowed("", "127.0.0.1"), "allow: empty list");
	ok(!metrics_allowed("127.0.0.1", NULL), "allow: no address");
	ok(metrics_allowed("10.0.0.0/8", "10.20.30.40"), "allow: IPv4 network");
	ok(!metrics_allowed("10.0.0.0/8", "11.0.0.1"), "allow: outside it");
	ok(metrics_allowed("192.168.1.128/25", "192.168.1.200"),
	    "allow: a prefix inside a byte");
	ok(!metrics_allowed("192.168.1.128/25", "192.168.1.100"),
	    "allow: the other half of that byte");
	ok(metrics_allowed("fd00::/8 127.0.0.1", "fd12:3456::1"),
	    "allow: IPv6 network");
	ok(!metrics_allowed("fd00::/8", "127.0.0.1"), "allow: no v4 in a v6 net");
	ok(metrics_allowed("0.0.0.0/0", "203.0.113.9"), "allow: /0 is everyone");
	ok(!metrics_allowed("10.0.0.0/33 bogus 10.0.0.0/x", "10.0.0.1"),
	    "allow: malformed entries allow nothing");

	ok((t = render()) == NULL, "render fails while metrics are off");
	metrics_inc(MX_DB_STATEMENTS);		/* off: a no-op */

	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	ok(metrics_open(path, 0) == -1, "attach refuses an empty file");
	ok(metrics_open(path, 1) == 0, "a worker initialises it");
	/* The mapping must not keep the lock: others map it too. */
	fd = open(path, O_RDWR);
	ok(fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == 0,
	    "the file is not left locked");
	close(fd);

	/* The /healthz row. */
	for (hz = 0; hz < routesz; hz++)
		if (strcmp(routes[hz].pattern, "/healthz") == 0)
			break;
	memset(&r, 0, sizeof(r));
	r.rt = &routes[hz];
	r.method = M_GET;
	metrics_request(&r, 200, 0.25);		/* le 0.0005 */
	metrics_request(&r, 200, 0.5);		/* le 0.0005 (bounds inclusive) */
	metrics_request(&r, 503, 7.0);		/* le 0.01 */
	r.rt = NULL;
	r.method = M_DELETE;
	metrics_request(&r, 404, 1.0);
	metrics_inc(MX_REGISTRATIONS);
	metrics_cache(1);
	metrics_cache(0);
	metrics_cache(0);
	metrics_inc(MX_GZIP_BODIES);
	metrics_inc(MX_CREDS_KEPT);
	metrics_inc(MX_CREDS_KEPT);

	t = render();
	ok(t != NULL, "render");
	is_int(sample(t, "agora_http_requests_total{route=\"/healthz\","
	    "method=\"GET\",status=\"2xx\"}"), 2, "2xx counted");
	is_int(sample(t, "agora_http_requests_total{route=\"/healthz\","
	    "method=\"GET\",status=\"5xx\"}"), 1, "5xx counted");
	is_int(sample(t, "agora_http_requests_total{route=\"(none)\","
	    "method=\"DELETE\",status=\"4xx\"}"), 1, "unmatched by method");
	is_int(sample(t, "agora_http_request_duration_seconds_bucket{route="
	    "\"/healthz\",method=\"GET\",le=\"0.000500\"}"), 2,
	    "first bucket, bound inclusive");
	is_int(sample(t, "agora_http_request_duration_seconds_bucket{route="
	    "\"/healthz\",method=\"GET\",le=\"0.005000\"}"), 2,
	    "cumulative below 7 ms");
	is_int(sample(t, "agora_http_request_duration_seconds_bucket{route="
	    "\"/healthz\",method=\"GET\",le=\"0.010000\"}"), 3,
	    "cumulative at 10 ms");
	is_int(sample(t, "agora_http_request_duration_seconds_bucket{route="
	    "\"/healthz\",method=\"GET\",le=\"+Inf\"}"), 3, "+Inf bucket");
	is_int(sample(t, "agora_http_request_duration_seconds_count{route="
	    "\"/healthz\",method=\"GET\"}"), 3, "count");
	ok(strstr(t, "agora_http_request_duration_seconds_sum{route="
	    "\"/healthz\",method=\"GET\"} 0.007750\n") != NULL, "sum");
	is_int(sample(t, "agora_registrations_total"), 1, "registrations");
	is_int(sample(t, "agora_cache_hits_total"), 1, "cache hits");
	is_int(sample(t, "agora_cache_misses_total"), 2, "cache misses");
	is_int(sample(t, "agora_gzip_bodies_total"), 1, "gzip bodies");
	is_int(sample(t, "agora_credentials_kept_total"), 2,
	    "credentials kept");
	ok(strstr(t, "/api/v1/apps\"") == NULL, "idle rows are left out");
	free(t);

	/* Another process attaching sees the same counters. */
	metrics_close();
	ok(metrics_open(path, 0) == 0, "attach to a valid file");
	metrics_inc(MX_REGISTRATIONS);
	metrics_inc(MX_DB_STATEMENTS);
	t = render();
	is_int(sample(t, "agora_registrations_total"), 2,
	    "counts survive the process that made them");
	is_int(sample(t, "agora_db_statements_total"), 0,
	    "an attached agoractl does not count its database work");
	free(t);
	metrics_close();

	/* A file of another layout is reset by a worker, not by agoractl. */
	fd = open(path, O_WRONLY);
	ok(fd != -1 && pwrite(fd, "XXXXXXXX", 8, 0) == 8, "damage the header");
	close(fd);
	ok(metrics_open(path, 0) == -1, "attach refuses another layout");
	ok(metrics_open(path, 1) == 0, "a worker resets it");
	t = render();
	is_int(sample(t, "agora_registrations_total"), 0, "reset to zero");
	free(t);

	/* The cost on the request path: no lock, no system call. */
	r.rt = &routes[hz];
	r.method = M_GET;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < N_TIMED; i++)
		metrics_request(&r, 200, 1.5);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	    (double)(t1.tv_nsec - t0.tv_nsec)) / N_TIMED;
	printf("# metrics_request: %.1f ns per request\n", ns);
	ok(ns < 1000.0, "counting a request costs well under a microsecond "
	    "(%.0f ns)", ns);
	t = render();
	is_int(sample(t, "agora_http_request_duration_seconds_count{route="
	    "\"/healthz\",method=\"GET\"}"), N_TIMED, "every timed call counted");
	free(t);
	metrics_close();
	unlink(path);
	return done();
}
