/*
 * Metrics shared by every worker: one file (conf metrics_file, under the
 * run directory) mapped MAP_SHARED by each process, so the pool answers
 * one sum and a crashed worker loses nothing it counted. Counting is a
 * relaxed atomic add on a mapped word: no lock, no system call.
 *
 * Layout: a header (magic, a hash of the route table and of this
 * layout, size, the global counters), then one 64-byte aligned slot per
 * route row and one per method for requests no row matched. A file of
 * another layout (another build) is reset under flock when a process
 * maps it; counters then restart at 0, which Prometheus reads as a
 * counter reset.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

#define MX_MAGIC	0x31584d41524f4741ULL	/* "AGORAMX1" */

/* Upper bounds of the latency buckets, microseconds (then +Inf). */
static const uint64_t mx_bounds[] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000, 2500000, 5000000,
};
#define MX_NB		(sizeof(mx_bounds) / sizeof(mx_bounds[0]))

/* One route row (or unmatched method): status classes, histogram. */
struct mx_slot {
	uint64_t	 cls[5];		/* 1xx .. 5xx */
	uint64_t	 bucket[MX_NB + 1];	/* not cumulative; last: +Inf */
	uint64_t	 sum_us;
} __attribute__((aligned(64)));

struct mx_head {
	uint64_t	 magic;
	uint64_t	 layout;
	uint64_t	 size;
	uint64_t	 pad[5];
	uint64_t	 counter[MX__MAX];
} __attribute__((aligned(64)));

static const struct {
	const char	*name;
	const char	*help;
} mx_names[MX__MAX] = {
	[MX_DB_STATEMENTS] = { "agora_db_statements_total",
	    "Statements sent to the database." },
	[MX_DB_ERRORS] = { "agora_db_errors_total",
	    "Statements the database refused or could not answer "
	    "(duplicate keys excluded)." },
	[MX_DB_RECONNECTS] = { "agora_db_reconnects_total",
	    "Reconnections to the database after a lost connection." },
	[MX_CACHE_HITS] = { "agora_cache_hits_total",
	    "Answers served from a worker's cache." },
	[MX_CACHE_MISSES] = { "agora_cache_misses_total",
	    "Cacheable answers that had to be rendered." },
	[MX_GZIP_BODIES] = { "agora_gzip_bodies_total",
	    "Answers compressed with gzip (once per cached answer; per "
	    "request when the cache is off)." },
	[MX_CREDS_KEPT] = { "agora_credentials_kept_total",
	    "Tenant and environment credentials a worker had checked "
	    "before, confirmed by their generations alone." },
	[MX_REGISTRATIONS] = { "agora_registrations_total",
	    "Marketplaces registered (first registrations committed)." },
	[MX_CERTS_ISSUED] = { "agora_certificates_issued_total",
	    "Certificates issued to marketplaces (registrations and "
	    "renewals)." },
	[MX_CERTS_REVOKED] = { "agora_certificates_revoked_total",
	    "Certificates revoked." },
	[MX_WORKER_STARTS] = { "agora_worker_starts_total",
	    "FastCGI worker processes started (restarts included)." },
};

static struct mx_head	*mx;		/* NULL: metrics off */
static int		 mx_worker;	/* mapped by a worker (create) */
static struct mx_slot	*mx_slot;
static size_t		 mx_size;

/* Slots: every route row, then unmatched requests per method. */
static size_t
mx_nslots(void)
{
	return routesz + M__MAX + 1;
}

/* FNV-1a over the route table and the layout's sizes. */
static uint64_t
mx_layout(void)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	uint64_t	 v[4];
	const char	*s;
	size_t		 i, j;

	v[0] = sizeof(struct mx_slot);
	v[1] = MX_NB;
	v[2] = MX__MAX;
	v[3] = mx_nslots();
	for (j = 0; j < sizeof(v); j++)
		h = (h ^ ((const unsigned char *)v)[j]) * 0x100000001b3ULL;
	for (i = 0; i < routesz; i++) {
		h = (h ^ (unsigned)routes[i].method) * 0x100000001b3ULL;
		for (s = routes[i].pattern; *s != '\0'; s++)
			h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
		h = (h ^ '\n') * 0x100000001b3ULL;
	}
	return h;
}

/*
 * Map the metrics file at path. create: make or reset the file when it
 * is missing or of another layout (workers); otherwise only attach to a
 * valid one (agoractl). Returns 0, or -1 (logged when create) with
 * metrics off.
 */
int
metrics_open(const char *path, int create)
{
	struct mx_head	 h;
	struct stat	 st;
	size_t		 size;
	void		*p;
	int		 fd, reset;

	if (mx != NULL || path == NULL || *path == '\0')
		return -1;
	size = sizeof(struct mx_head) + mx_nslots() * sizeof(struct mx_slot);
	fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	if (fd == -1) {
		if (create)
			log_warn("metrics: %s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1) {
		log_warn("metrics: %s", path);
		close(fd);
		return -1;
	}
	reset = (size_t)st.st_size != size ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    h.magic != MX_MAGIC || h.layout != mx_layout() || h.size != size;
	if (reset && !create) {
		flock(fd, LOCK_UN);
		close(fd);
		return -1;
	}
	if (reset) {
		memset(&h, 0, sizeof(h));
		h.magic = MX_MAGIC;
		h.layout = mx_layout();
		h.size = size;
		if (ftruncate(fd, 0) == -1 || ftruncate(fd, (off_t)size) == -1 ||
		    pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
			log_warn("metrics: %s", path);
			flock(fd, LOCK_UN);
			close(fd);
			return -1;
		}
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* Explicitly: the mapping keeps the open file (and a lock) alive. */
	flock(fd, LOCK_UN);
	close(fd);
	if (p == MAP_FAILED) {
		log_warn("metrics: mmap %s", path);
		return -1;
	}
	mx = p;
	mx_worker = create;
	mx_slot = (struct mx_slot *)(void *)((char *)p +
	    sizeof(struct mx_head));
	mx_size = size;
	return 0;
}

/* Unmap (tests; a worker keeps its mapping until it exits). */
void
metrics_close(void)
{
	if (mx != NULL)
		munmap(mx, mx_size);
	mx = NULL;
	mx_slot = NULL;
}

/* Add v to a shared counter: one atomic instruction, no lock. */
static inline void
mx_add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/* Read a shared counter whole. */
static inline uint64_t
mx_get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/*
 * Count one global event. agoractl (attached, not a worker) counts the
 * platform's events only, from MX_REGISTRATIONS on: its database work
 * is not the pool's.
 */
void
metrics_inc(enum metric m)
{
	if (mx == NULL || m >= MX__MAX || (!mx_worker && m < MX_REGISTRATIONS))
		return;
	mx_add(&mx->counter[m], 1);
}

/* A cache lookup: hit 1, miss 0. */
void
metrics_cache(int hit)
{
	metrics_inc(hit ? MX_CACHE_HITS : MX_CACHE_MISSES);
}

/*
 * Count one answered request: its route row (r->rt, or the method when
 * none matched), status class and latency in milliseconds.
 */
void
metrics_request(const struct req *r, int status, double ms)
{
	struct mx_slot	*s;
	uint64_t	 us;
	size_t		 i, b;
	int		 c;

	if (mx == NULL)
		return;
	if (r->rt != NULL)
		i = (size_t)(r->rt - routes);
	else
		i = routesz + (r->method < M__MAX ? (size_t)r->method : M__MAX);
	if (i >= mx_nslots())
		return;
	s = &mx_slot[i];
	c = status / 100;
	c = c < 1 ? 1 : c > 5 ? 5 : c;
	us = ms > 0 ? (uint64_t)(ms * 1000.0) : 0;
	for (b = 0; b < MX_NB && us > mx_bounds[b]; b++)
		continue;
	mx_add(&s->cls[c - 1], 1);
	mx_add(&s->bucket[b], 1);
	mx_add(&s->sum_us, us);
}

/* The labels of slot i: route pattern and method. */
static void
mx_labels(size_t i, const char **route, const char **method)
{
	if (i < routesz) {
		*route = routes[i].pattern;
		*method = method_name(routes[i].method);
	} else {
		*route = "(none)";
		*method = i - routesz < M__MAX ?
		    method_name((enum method)(i - routesz)) : "other";
	}
}

/*
 * The Prometheus text exposition (format 0.0.4) of every counter into b.
 * Rows that never answered are left out. Returns 0, or -1 when metrics
 * are off or b is full.
 */
int
metrics_render(struct buf *b)
{
	static const char *const cls[5] = { "1xx", "2xx", "3xx", "4xx", "5xx" };
	const struct mx_slot	*s;
	const char		*route, *method;
	uint64_t		 n, cum, sum;
	size_t			 i, j;
	int			 rc = 0;

	if (mx == NULL)
		return -1;
	rc |= buf_puts(b, "# HELP agora_http_requests_total Requests "
	    "answered, by route pattern, method and status class.\n"
	    "# TYPE agora_http_requests_total counter\n");
	for (i = 0; i < mx_nslots(); i++) {
		s = &mx_slot[i];
		mx_labels(i, &route, &method);
		for (j = 0; j < 5; j++)
			if ((n = mx_get(&s->cls[j])) > 0)
				rc |= buf_printf(b, "agora_http_requests_total"
				    "{route=\"%s\",method=\"%s\",status=\"%s\"}"
				    " %llu\n", route, method, cls[j],
				    (unsigned long long)n);
	}
	rc |= buf_puts(b, "# HELP agora_http_request_duration_seconds Time "
	    "from accepting a request to its last byte, by route pattern.\n"
	    "# TYPE agora_http_request_duration_seconds histogram\n");
	for (i = 0; i < mx_nslots(); i++) {
		s = &mx_slot[i];
		for (cum = 0, j = 0; j <= MX_NB; j++)
			cum += mx_get(&s->bucket[j]);
		if (cum == 0)
			continue;
		mx_labels(i, &route, &method);
		for (cum = 0, j = 0; j <= MX_NB; j++) {
			cum += mx_get(&s->bucket[j]);
			if (j < MX_NB)
				rc |= buf_printf(b,
				    "agora_http_request_duration_seconds_bucket"
				    "{route=\"%s\",method=\"%s\",le=\"%llu.%06llu\"}"
				    " %llu\n", route, method,
				    (unsigned long long)(mx_bounds[j] / 1000000),
				    (unsigned long long)(mx_bounds[j] % 1000000),
				    (unsigned long long)cum);
			else
				rc |= buf_printf(b,
				    "agora_http_request_duration_seconds_bucket"
				    "{route=\"%s\",method=\"%s\",le=\"+Inf\"}"
				    " %llu\n", route, method,
				    (unsigned long long)cum);
		}
		sum = mx_get(&s->sum_us);
		rc |= buf_printf(b, "agora_http_request_duration_seconds_sum"
		    "{route=\"%s\",method=\"%s\"} %llu.%06llu\n"
		    "agora_http_request_duration_seconds_count"
		    "{route=\"%s\",method=\"%s\"} %llu\n", route, method,
		    (unsigned long long)(sum / 1000000),
		    (unsigned long long)(sum % 1000000), route, method,
		    (unsigned long long)cum);
	}
	for (i = 0; i < MX__MAX; i++)
		rc |= buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n",
		    mx_names[i].name, mx_names[i].help, mx_names[i].name,
		    mx_names[i].name,
		    (unsigned long long)mx_get(&mx->counter[i]));
	return rc == 0 ? 0 : -1;
}

/*
 * 1 if addr (text, as nginx passes REMOTE_ADDR) is in the network ent
 * of n bytes: an IPv4 or IPv6 address, optionally with a /prefix
 * length. 0 otherwise, also for a malformed entry.
 */
static int
mx_net_has(const char *ent, size_t n, const char *addr)
{
	unsigned char	 a[16], net[16];
	char		 buf[INET6_ADDRSTRLEN + 8], *slash;
	long long	 bits;
	int		 af, max, i;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, ent, n);
	buf[n] = '\0';
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	max = af == AF_INET6 ? 128 : 32;
	bits = max;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (num_parse(slash + 1, 0, max, &bits) == -1)
			return 0;
	}
	if (inet_pton(af, buf, net) != 1 || inet_pton(af, addr, a) != 1)
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != net[i])
			return 0;
	if (bits > 0 && ((a[i] ^ net[i]) & (0xff << (8 - bits)) & 0xff) != 0)
		return 0;
	return 1;
}

/*
 * 1 if addr is in one of the space- or comma-separated addresses or
 * networks (CIDR) of list, 0 otherwise.
 */
int
metrics_allowed(const char *list, const char *addr)
{
	const char	*p, *e;

	if (list == NULL || addr == NULL || *addr == '\0')
		return 0;
	for (p = list; *p != '\0'; p = e) {
		p += strspn(p, " \t,");
		e = p + strcspn(p, " \t,");
		if (e > p && mx_net_has(p, (size_t)(e - p), addr))
			return 1;
	}
	return 0;
}
