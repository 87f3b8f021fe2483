/*
 * Unit tests: the answer cache (cache.c): hits only at the generations
 * an entry was kept at, the byte bound and least-recently-used
 * eviction, replacement, and the cache turned off.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

/* A key whose first bytes are n (so several land in one bucket too). */
static void
key_of(unsigned n, unsigned char key[CACHE_KEYSZ])
{
	memset(key, 0, CACHE_KEYSZ);
	memcpy(key, &n, sizeof(n));
	key[CACHE_KEYSZ - 1] = (unsigned char)(n * 7);
}

int
main(void)
{
	unsigned char		 k1[CACHE_KEYSZ], k2[CACHE_KEYSZ], k[CACHE_KEYSZ];
	uint64_t		 g[2] = { 11, 22 }, g2[2] = { 11, 23 };
	const struct centry	*e;
	struct cache_stats	 st;
	char			 body[1000], big[8192];
	const char		*b;
	size_t			 sz;
	unsigned		 i, found;

	cache_init(64 * 1024);
	key_of(1, k1);
	key_of(2, k2);
	ok(cache_get(k1, g) == NULL, "an empty cache misses");
	cache_put(k1, g, "application/json", "Link: <x>\r\n", "{\"a\":1}", 7);
	e = cache_get(k1, g);
	ok(e != NULL, "a kept answer hits at its generations");
	b = centry_body(e, &sz);
	ok(sz == 7 && memcmp(b, "{\"a\":1}", 7) == 0, "the body comes back");
	is_str(centry_ctype(e), "application/json", "the content type too");
	is_str(centry_hdrs(e), "Link: <x>\r\n", "and the kept headers");
	ok(cache_get(k2, g) == NULL, "another key misses");
	ok(cache_get(k1, g2) == NULL, "other generations miss");
	ok(cache_get(k1, g) == NULL, "and drop the stale entry for good");
	cache_stats(&st);
	is_int(st.entries, 0, "nothing is left");
	is_int(st.used, 0, "no bytes are counted");

	/* Replacement: one entry per key. */
	cache_put(k1, g, "text/plain", NULL, "one", 3);
	cache_put(k1, g2, "text/plain", NULL, "two", 3);
	cache_stats(&st);
	is_int(st.entries, 1, "putting a key again replaces its entry");
	e = cache_get(k1, g2);
	b = e != NULL ? centry_body(e, &sz) : NULL;
	ok(b != NULL && sz == 3 && memcmp(b, "two", 3) == 0,
	    "the newer answer is kept");
	ok(centry_hdrs(e) == NULL, "no kept headers is NULL");

	/* The bound: 300 answers of ~1 KB in 64 KB. */
	memset(body, 'x', sizeof(body));
	for (i = 0; i < 300; i++) {
		key_of(100 + i, k);
		cache_put(k, g, "text/plain", NULL, body, sizeof(body));
		cache_stats(&st);
		if (st.used > st.max)
			break;
	}
	is_int(i, 300, "the cache never holds more than its bound");
	ok(st.entries > 40 && st.entries < 64, "and stays nearly full "
	    "(%zu entries)", st.entries);
	for (i = 0, found = 0; i < 300; i++) {
		key_of(100 + i, k);
		if (cache_get(k, g) != NULL)
			found |= i < 200 ? 1 : 2;
	}
	is_int(found, 2, "the least recently used went first");

	/* Recency: a read entry survives a wave of new ones. */
	cache_init(16 * 1024);
	key_of(7, k1);
	cache_put(k1, g, "text/plain", NULL, body, sizeof(body));
	for (i = 0; i < 100; i++) {
		key_of(1000 + i, k);
		cache_put(k, g, "text/plain", NULL, body, sizeof(body));
		(void)cache_get(k1, g);
	}
	ok(cache_get(k1, g) != NULL, "an entry read often is kept");

	/* Too large for the bound, and the cache off. */
	key_of(9, k2);
	memset(big, 'y', sizeof(big));
	cache_put(k2, g, "text/plain", NULL, big, 16 * 1024 / 4 + 1);
	ok(cache_get(k2, g) == NULL, "an answer over a quarter of the "
	    "bound is not kept");
	cache_init(0);
	cache_put(k1, g, "text/plain", NULL, "x", 1);
	ok(cache_get(k1, g) == NULL, "a cache of 0 bytes keeps nothing");
	cache_stats(&st);
	ok(st.hits > 0 && st.misses > 0, "hits and misses are counted");

	/* The gzip body: made once, kept, counted against the bound. */
	{
		struct centry	*ce;
		const char	*gz, *gz2;
		size_t		 used, gzsz, gzsz2;

		cache_init(16 * 1024);
		memset(body, 'z', sizeof(body));
		ce = cache_put(k1, g, "text/plain", NULL, body, sizeof(body));
		ok(ce != NULL, "cache_put returns the entry it kept");
		cache_stats(&st);
		used = st.used;
		gz = centry_gzip(ce, &gzsz);
		ok(gz != NULL && gzsz > 18 && gzsz < sizeof(body) / 10 &&
		    (unsigned char)gz[0] == 0x1f, "a gzip body is made "
		    "(%zu bytes)", gzsz);
		cache_stats(&st);
		is_int(st.used, used + gzsz, "its size counts against the bound");
		is_int(st.gzips, 1, "one compression counted");
		ce = cache_get(k1, g);
		gz2 = ce != NULL ? centry_gzip(ce, &gzsz2) : NULL;
		ok(gz2 == gz && gzsz2 == gzsz, "a hit gets the same bytes");
		cache_stats(&st);
		is_int(st.gzips, 1, "without compressing again");
		ok(cache_put(k2, g, "text/plain", NULL, big, 16 * 1024 / 4 +
		    1) == NULL, "cache_put returns NULL for what it refuses");
		(void)cache_get(k1, g2);
		cache_stats(&st);
		is_int(st.used, 0, "a stale entry takes its gzip body with it");

		/* Filling the bound with compressed entries evicts others. */
		for (i = 0; i < 200; i++) {
			key_of(5000 + i, k);
			for (sz = 0; sz < sizeof(big); sz++)
				big[sz] = (char)((sz * 7 + i * 13) % 251);
			ce = cache_put(k, g, "text/plain", NULL, big, 3000);
			if (ce == NULL || centry_gzip(ce, &gzsz) == NULL)
				break;
			cache_stats(&st);
			if (st.used > st.max)
				break;
		}
		is_int(i, 200, "compressed entries never pass the bound");
		cache_init(0);
	}
	return done();
}
