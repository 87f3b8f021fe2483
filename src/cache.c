/*
 * A worker's cache of rendered answers for the hot reads (routes marked
 * ROLE_CACHED). An entry is found by a digest of what selects the answer
 * (route, principal, path, canonical query) and is good only while the
 * generations the credential statement returned are the ones it was
 * rendered at: the database's triggers give a scope a new generation
 * on any change, so a hit is never stale. The cache holds at most
 * conf->cache_bytes (bodies, headers and bookkeeping), evicting the
 * least recently used entry first. One per process; nothing is shared.
 *
 * An entry also keeps its body compressed with gzip, made the first time
 * a client that accepts it asks (centry_gzip), so a hit for such a client
 * writes the stored compressed bytes: a catalog of ~18 KB is ~1.5 KB on
 * the socket to nginx and through TLS.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define CACHE_BUCKETS	1024		/* power of two */
#define CACHE_OVERHEAD	128		/* bytes counted per entry */

struct centry {
	unsigned char	 key[CACHE_KEYSZ];
	uint64_t	 gen[2];
	struct centry	*hnext;		/* bucket chain */
	struct centry	*prev, *next;	/* LRU list, most recent first */
	char		*ctype;
	char		*hdrs;		/* "Name: value\r\n" lines, or NULL */
	char		*body;
	size_t		 bodysz;
	char		*gz;		/* body as gzip, or NULL (not yet) */
	size_t		 gzsz;
	size_t		 cost;
};

static struct centry	*buckets[CACHE_BUCKETS];
static struct centry	*lru_head, *lru_tail;
static size_t		 cache_used, cache_max, cache_count;
static unsigned long long cache_hits, cache_misses, cache_gzips;

/* Set the bound in bytes; 0 turns the cache off. Drops everything. */
void
cache_init(size_t max)
{
	cache_clear();
	cache_max = max;
}

static size_t
bucket_of(const unsigned char *key)
{
	size_t	 h;

	memcpy(&h, key, sizeof(h));
	return h & (CACHE_BUCKETS - 1);
}

static void
lru_unlink(struct centry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		lru_head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		lru_tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct centry *e)
{
	e->prev = NULL;
	e->next = lru_head;
	if (lru_head != NULL)
		lru_head->prev = e;
	lru_head = e;
	if (lru_tail == NULL)
		lru_tail = e;
}

/* Unlink e from its bucket and the LRU list, and free it. */
static void
centry_drop(struct centry *e)
{
	struct centry	**pp;

	for (pp = &buckets[bucket_of(e->key)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	lru_unlink(e);
	cache_used -= e->cost;
	cache_count--;
	free(e->ctype);
	free(e->hdrs);
	free(e->body);
	free(e->gz);
	free(e);
}

void
cache_clear(void)
{
	while (lru_head != NULL)
		centry_drop(lru_head);
}

static struct centry *
centry_find(const unsigned char *key)
{
	struct centry	*e;

	for (e = buckets[bucket_of(key)]; e != NULL; e = e->hnext)
		if (memcmp(e->key, key, CACHE_KEYSZ) == 0)
			return e;
	return NULL;
}

/*
 * The entry for key if it was rendered at generations gen, made the most
 * recently used; NULL otherwise (an entry of other generations is
 * dropped: no request will ask for those again). Borrowed: valid until
 * the next cache_put or cache_clear.
 */
struct centry *
cache_get(const unsigned char *key, const uint64_t gen[2])
{
	struct centry	*e;

	if ((e = centry_find(key)) == NULL) {
		cache_misses++;
		return NULL;
	}
	if (e->gen[0] != gen[0] || e->gen[1] != gen[1]) {
		centry_drop(e);
		cache_misses++;
		return NULL;
	}
	lru_unlink(e);
	lru_push(e);
	cache_hits++;
	return e;
}

/* Drop least recently used entries other than keep until need fits. */
static void
cache_evict(size_t need, const struct centry *keep)
{
	while (lru_tail != NULL && lru_tail != keep &&
	    cache_used + need > cache_max)
		centry_drop(lru_tail);
}

/*
 * Keep a 200 answer for key at generations gen: content type, extra
 * header lines (may be NULL) and body are copied. An answer larger than
 * a quarter of the bound is not kept; older entries are evicted until
 * the new one fits. Returns the entry (borrowed, as from cache_get), or
 * NULL if it was not kept.
 */
struct centry *
cache_put(const unsigned char *key, const uint64_t gen[2], const char *ctype,
    const char *hdrs, const void *body, size_t bodysz)
{
	struct centry	*e;
	size_t		 cost, b;

	cost = CACHE_OVERHEAD + bodysz + strlen(ctype) +
	    (hdrs != NULL ? strlen(hdrs) : 0);
	if (cache_max == 0 || cost > cache_max / 4)
		return NULL;
	if ((e = centry_find(key)) != NULL)
		centry_drop(e);
	cache_evict(cost, NULL);

	e = xcalloc(1, sizeof(*e));
	memcpy(e->key, key, CACHE_KEYSZ);
	e->gen[0] = gen[0];
	e->gen[1] = gen[1];
	e->ctype = xstrdup(ctype);
	e->hdrs = hdrs != NULL ? xstrdup(hdrs) : NULL;
	e->body = xmalloc(bodysz + 1);
	memcpy(e->body, body, bodysz);
	e->body[bodysz] = '\0';
	e->bodysz = bodysz;
	e->cost = cost;
	b = bucket_of(key);
	e->hnext = buckets[b];
	buckets[b] = e;
	lru_push(e);
	cache_used += cost;
	cache_count++;
	return e;
}

const char *
centry_ctype(const struct centry *e)
{
	return e->ctype;
}

const char *
centry_hdrs(const struct centry *e)
{
	return e->hdrs;
}

const char *
centry_body(const struct centry *e, size_t *sz)
{
	*sz = e->bodysz;
	return e->body;
}

/*
 * The entry's body compressed with gzip, made on first use and kept with
 * the entry: its size counts against the bound, evicting other entries
 * if need be. NULL (answer uncompressed) if it could not be made.
 */
const char *
centry_gzip(struct centry *e, size_t *sz)
{
	struct buf	 b = { 0 };

	if (e->gz == NULL) {
		if (gzip_encode(e->body, e->bodysz, &b) == -1) {
			buf_free(&b);
			return NULL;
		}
		cache_evict(b.len, e);
		/* Room was made for the worst case: keep what is used. */
		e->gz = xreallocarray(b.p, b.len + 1, 1);
		e->gzsz = b.len;
		e->cost += b.len;
		cache_used += b.len;
		cache_gzips++;
		metrics_inc(MX_GZIP_BODIES);
	}
	*sz = e->gzsz;
	return e->gz;
}

/* Counters for the log and the tests: bytes held, entries, hits, misses. */
void
cache_stats(struct cache_stats *st)
{
	st->used = cache_used;
	st->max = cache_max;
	st->entries = cache_count;
	st->hits = cache_hits;
	st->misses = cache_misses;
	st->gzips = cache_gzips;
}
