/*
 * Small helpers: allocation that cannot fail (a worker that runs out of
 * memory logs and exits; the supervisor replaces it), bounded number
 * parsing, growable buffers with a hard maximum, and encodings (hex,
 * base64, URL, gzip).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "extern.h"

#define BUF_MAX_DEFAULT	(16 * 1024 * 1024)

/* malloc(3) or exit: returns owned memory, never NULL. */
void *
xmalloc(size_t sz)
{
	void	*p;

	if ((p = malloc(sz == 0 ? 1 : sz)) == NULL)
		fatal("malloc %zu", sz);
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, sz == 0 ? 1 : sz)) == NULL)
		fatal("calloc %zu x %zu", n, sz);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	void	*np;

	if (sz != 0 && n > SIZE_MAX / sz)
		fatalx("reallocarray overflow");
	if ((np = realloc(p, n * sz == 0 ? 1 : n * sz)) == NULL)
		fatal("realloc");
	return np;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("strndup");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 rc;

	va_start(ap, fmt);
	rc = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (rc == -1)
		fatal("vasprintf");
	return p;
}

/*
 * Parse a whole decimal string into [min, max] (strtonum(3) semantics).
 * Returns 0 and sets *out, or -1 on empty, junk, sign games or range.
 */
int
num_parse(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	if (*s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Grow to hold need more bytes plus NUL; -1 past the maximum. */
static int
buf_grow(struct buf *b, size_t need)
{
	size_t	 max = b->max ? b->max : BUF_MAX_DEFAULT;
	size_t	 ncap;

	if (need > max || b->len > max - need)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + need + 1)
		ncap *= 2;
	b->p = xreallocarray(b->p, ncap, 1);
	b->cap = ncap;
	return 0;
}

/* Append bytes; 0, or -1 when the buffer would pass its maximum. */
int
buf_add(struct buf *b, const void *p, size_t sz)
{
	if (buf_grow(b, sz) == -1)
		return -1;
	if (sz)
		memcpy(b->p + b->len, p, sz);
	b->len += sz;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/*
 * v in decimal, at least width digits (zeros in front, at most DEC_MAX),
 * at the end of d (DEC_MAX bytes): returns the offset of the first
 * digit, the digits running to d[DEC_MAX - 1], no NUL. printf's job on
 * the hot paths (buf_putu, the log line's numbers).
 */
size_t
dec_digits(char *d, unsigned long long v, int width)
{
	size_t	 i = DEC_MAX;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while ((v > 0 || (int)(DEC_MAX - i) < width) && i > 0);
	return i;
}

/* Append v in decimal; 0, or -1 past the maximum. */
int
buf_putu(struct buf *b, unsigned long long v)
{
	char	 d[DEC_MAX];
	size_t	 i = dec_digits(d, v, 1);

	return buf_add(b, d + i, DEC_MAX - i);
}

/*
 * Append formatted text, straight into the buffer's free space (grown
 * and formatted again if it did not fit); 0, or -1 past the maximum
 * (nothing appended).
 */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room, max = b->max ? b->max : BUF_MAX_DEFAULT;
	int	 n;

	/* Room for a line at once, so a first short text is formatted once. */
	if (b->cap == 0 && buf_grow(b, 0) == -1)
		return -1;
	room = b->cap > b->len ? b->cap - b->len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vsnprintf");
	if (b->len > max || (size_t)n > max - b->len) {
		if (room)
			b->p[b->len] = '\0';
		return -1;
	}
	if ((size_t)n >= room) {
		if (buf_grow(b, (size_t)n) == -1) {
			if (room)
				b->p[b->len] = '\0';
			return -1;
		}
		va_start(ap, fmt);
		(void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* The monotonic clock in microseconds (durations, deadlines). */
long long
mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Append sz bytes at p to b compressed as one gzip member (RFC 1952),
 * level 3 (an 18 KB catalog: ~47 us for 1.5 KB, where level 6 takes
 * ~124 us for 1.4 KB). 0, or -1 (b holds a part; the caller frees it).
 * One deflate state (~256 KB) is made on first use and reset for each
 * call, so compressing allocates nothing but b.
 */
int
gzip_encode(const void *p, size_t sz, struct buf *b)
{
	static z_stream	 z;
	static int	 ready;
	size_t		 bound;
	int		 rc;

	if (sz > UINT_MAX)
		return -1;
	if (!ready) {
		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 3, Z_DEFLATED, 15 + 16, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			return -1;
		ready = 1;
	} else if (deflateReset(&z) != Z_OK)
		return -1;
	/* deflateBound covers the gzip header and trailer too. */
	bound = deflateBound(&z, (uLong)sz);
	if (bound > UINT_MAX || buf_grow(b, bound) == -1)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)sz;
	z.next_out = (Bytef *)b->p + b->len;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	if (rc != Z_STREAM_END)
		return -1;
	b->len += bound - z.avail_out;
	b->p[b->len] = '\0';
	return 0;
}

/* Lower-case hex of sz bytes into dst, which holds 2 * sz + 1. */
void
hex_put(char *dst, const unsigned char *p, size_t sz)
{
	static const char	 hx[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < sz; i++) {
		dst[i * 2] = hx[p[i] >> 4];
		dst[i * 2 + 1] = hx[p[i] & 0xf];
	}
	dst[sz * 2] = '\0';
}

/* Lower-case hex of sz bytes; owned by the caller. */
char *
hex_encode(const unsigned char *p, size_t sz)
{
	char	*s;

	s = xmalloc(sz * 2 + 1);
	hex_put(s, p, sz);
	return s;
}

/* The value of hex digit c, or -1. */
int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode exactly sz bytes of hex (2 * sz characters); 0 or -1. */
int
hex_decode(const char *s, unsigned char *out, size_t sz)
{
	size_t	 i;
	int	 hi, lo;

	if (strlen(s) != sz * 2)
		return -1;
	for (i = 0; i < sz; i++) {
		if ((hi = hexval(s[i * 2])) == -1 ||
		    (lo = hexval(s[i * 2 + 1])) == -1)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static const char b64t[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with padding; owned by the caller. */
char *
b64_encode(const unsigned char *p, size_t sz)
{
	char	*s, *o;
	size_t	 i;

	o = s = xmalloc((sz + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < sz; i += 3) {
		*o++ = b64t[p[i] >> 2];
		*o++ = b64t[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*o++ = b64t[(p[i + 1] & 0xf) << 2 | p[i + 2] >> 6];
		*o++ = b64t[p[i + 2] & 0x3f];
	}
	if (i < sz) {
		*o++ = b64t[p[i] >> 2];
		if (i + 1 < sz) {
			*o++ = b64t[(p[i] & 3) << 4 | p[i + 1] >> 4];
			*o++ = b64t[(p[i + 1] & 0xf) << 2];
		} else {
			*o++ = b64t[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return s;
}

/* The value of one base64 digit, or -1. */
static int
b64_digit(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/*
 * Strict base64 (padding required, no whitespace). Returns 0 with an
 * owned, NUL-terminated *out of *outsz bytes, or -1.
 */
int
b64_decode(const char *s, size_t len, unsigned char **out, size_t *outsz)
{
	unsigned char	*o;
	size_t		 i, n = 0, pad = 0;
	unsigned int	 v[4];
	int		 k, d;

	*out = NULL;
	if (len % 4 != 0)
		return -1;
	o = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || (d = b64_digit(s[i + k])) == -1) {
				free(o);
				return -1;
			}
			v[k] = (unsigned int)d;
		}
		o[n++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		o[n++] = (unsigned char)((v[1] & 0xf) << 4 | v[2] >> 2);
		o[n++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	n -= pad;
	o[n] = '\0';
	*out = o;
	*outsz = n;
	return 0;
}

/*
 * Percent-decode len bytes ('+' is a space when plus is set, as in forms
 * and query strings). Returns 0 with an owned string, or -1 on a bad
 * escape or an encoded NUL.
 */
int
url_decode(const char *s, size_t len, int plus, char **out)
{
	char	*o;
	size_t	 i, n = 0;
	int	 hi, lo;

	*out = NULL;
	o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '+' && plus)
			o[n++] = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= len ||
			    (hi = hexval(s[i + 1])) == -1 ||
			    (lo = hexval(s[i + 2])) == -1 ||
			    (hi == 0 && lo == 0)) {
				free(o);
				return -1;
			}
			o[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			o[n++] = s[i];
	}
	o[n] = '\0';
	*out = o;
	return 0;
}

/* Percent-encode all but unreserved characters; owned by the caller. */
char *
url_encode(const char *s)
{
	static const char	 hx[] = "0123456789ABCDEF";
	char			*o, *p;

	p = o = xmalloc(strlen(s) * 3 + 1);
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s)) {
			*p++ = *s;
			continue;
		}
		*p++ = '%';
		*p++ = hx[(unsigned char)*s >> 4];
		*p++ = hx[(unsigned char)*s & 0xf];
	}
	*p = '\0';
	return o;
}

/* RFC 3339 UTC time, "2026-01-02T03:04:05Z". */
void
time_iso8601(time_t t, char *out, size_t sz)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * tpl with every TPL_VAR replaced by value; owned. Other placeholders
 * (":id", ":group_id", ":cld-uid") stay as they are.
 */
char *
tpl_expand(const char *tpl, const char *value)
{
	struct buf	 b = { 0 };
	const char	*p, *q;

	for (p = tpl; (q = strstr(p, TPL_VAR)) != NULL;
	    p = q + strlen(TPL_VAR)) {
		buf_add(&b, p, (size_t)(q - p));
		buf_puts(&b, value);
	}
	buf_puts(&b, p);
	return b.p;
}
