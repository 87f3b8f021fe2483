/* Unit tests: buffers, number parsing and encodings (util.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "../../src/extern.h"
#include "../tap.h"

/*
 * Inflate one gzip member of sz bytes at p into out (at most cap bytes).
 * The size inflated, or -1 if it is not one whole, valid member.
 */
static long
gunzip(const char *p, size_t sz, char *out, size_t cap)
{
	z_stream	 z;
	int		 rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)sz;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (rc != Z_STREAM_END || z.avail_in != 0)
		return -1;
	return (long)(cap - z.avail_out);
}

int
main(void)
{
	struct buf	 b = { 0 };
	long long	 v;
	unsigned char	*d, raw[4];
	size_t		 sz;
	char		*s;

	ok(buf_puts(&b, "abc") == 0 && b.len == 3, "buf_puts appends");
	ok(buf_printf(&b, "%d", 42) == 0, "buf_printf appends");
	is_str(b.p, "abc42", "contents are joined");
	buf_free(&b);
	b.max = 4;
	ok(buf_puts(&b, "abcd") == 0, "fill to the maximum");
	ok(buf_puts(&b, "e") == -1, "one byte past the maximum fails");
	is_int(b.len, 4, "a refused append changes nothing");
	ok(buf_printf(&b, "%s", "e") == -1, "buf_printf past it fails too");
	is_str(b.p, "abcd", "and leaves the contents whole");
	buf_free(&b);
	b.max = 0;
	{
		char	 big[3000];
		size_t	 i;

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ok(buf_printf(&b, "[%s]", "short") == 0 && b.len == 7,
		    "buf_printf into an empty buffer");
		ok(buf_printf(&b, "%s|%d", big, 7) == 0 &&
		    b.len == 7 + sizeof(big) - 1 + 2, "one that must grow it");
		for (i = 7; i < 7 + sizeof(big) - 1 && b.p[i] == 'x'; i++)
			;
		ok(i == 7 + sizeof(big) - 1 && strcmp(b.p + i, "|7") == 0 &&
		    strncmp(b.p, "[short]", 7) == 0, "all of it, in order");
		ok(buf_printf(&b, "%c", 'z') == 0 && b.p[b.len - 1] == 'z' &&
		    b.p[b.len] == '\0', "one into the spare room, terminated");
		buf_free(&b);
	}

	ok(buf_putu(&b, 0) == 0 && buf_puts(&b, " ") == 0 &&
	    buf_putu(&b, 7) == 0 && buf_puts(&b, " ") == 0 &&
	    buf_putu(&b, 1234567890) == 0 && buf_puts(&b, " ") == 0 &&
	    buf_putu(&b, 18446744073709551615ULL) == 0, "buf_putu appends");
	is_str(b.p, "0 7 1234567890 18446744073709551615",
	    "buf_putu: zero, one digit, many, the largest");
	buf_free(&b);
	{
		char	 dg[DEC_MAX];
		size_t	 i;

		i = dec_digits(dg, 7, 3);
		ok(DEC_MAX - i == 3 && memcmp(dg + i, "007", 3) == 0,
		    "dec_digits pads to the width with zeros");
		i = dec_digits(dg, 12345, 2);
		ok(DEC_MAX - i == 5 && memcmp(dg + i, "12345", 5) == 0,
		    "dec_digits: a width below the digits changes nothing");
	}
	b.max = 3;
	ok(buf_putu(&b, 12) == 0 && buf_putu(&b, 34) == -1 && b.len == 2,
	    "buf_putu past the maximum fails and appends nothing");
	buf_free(&b);
	b.max = 0;
	{
		char	 hx[9];

		memset(hx, '#', sizeof(hx));
		hex_put(hx, (const unsigned char *)"\x00\x9f\xa0\xff", 4);
		is_str(hx, "009fa0ff", "hex_put: lower case, terminated");
		s = hex_encode((const unsigned char *)"\x01\xab", 2);
		is_str(s, "01ab", "hex_encode as hex_put");
		free(s);
	}

	ok(num_parse("12", 0, 100, &v) == 0 && v == 12, "parse 12");
	ok(num_parse("", 0, 100, &v) == -1, "empty is refused");
	ok(num_parse("12abc", 0, 100, &v) == -1, "trailing junk refused");
	ok(num_parse(" 1", 0, 100, &v) == -1, "leading space refused");
	ok(num_parse("+1", 0, 100, &v) == -1, "explicit sign refused");
	ok(num_parse("101", 0, 100, &v) == -1, "above max refused");
	ok(num_parse("-1", 0, 100, &v) == -1, "below min refused");
	ok(num_parse("99999999999999999999", 0, INT64_MAX, &v) == -1,
	    "overflow refused");

	s = b64_encode((const unsigned char *)"user:pass", 9);
	is_str(s, "dXNlcjpwYXNz", "base64 encode");
	ok(b64_decode(s, strlen(s), &d, &sz) == 0 && sz == 9 &&
	    memcmp(d, "user:pass", 9) == 0, "base64 round trip");
	free(d);
	free(s);
	ok(b64_decode("abc", 3, &d, &sz) == -1, "base64 without padding");
	ok(b64_decode("a=bc", 4, &d, &sz) == -1, "base64 padding inside");
	ok(b64_decode("ab!c", 4, &d, &sz) == -1, "base64 bad character");
	s = b64_encode((const unsigned char *)"ab", 2);
	is_str(s, "YWI=", "base64 one pad");
	free(s);

	ok(hex_decode("00ff10ab", raw, 4) == 0 && raw[1] == 0xff &&
	    raw[3] == 0xab, "hex decode");
	ok(hex_decode("00ff10a", raw, 4) == -1, "odd hex refused");
	ok(hex_decode("00ff10ag", raw, 4) == -1, "non-hex refused");

	ok(url_decode("a%20b+c", 7, 1, &s) == 0, "url decode");
	is_str(s, "a b c", "plus is a space in forms");
	free(s);
	ok(url_decode("a+b", 3, 0, &s) == 0, "url decode in paths");
	is_str(s, "a+b", "plus stays in paths");
	free(s);
	ok(url_decode("a%00b", 5, 1, &s) == -1, "encoded NUL refused");
	ok(url_decode("a%2", 3, 1, &s) == -1, "short escape refused");
	ok(url_decode("a%zz", 4, 1, &s) == -1, "bad escape refused");
	s = url_encode("a b/c?");
	is_str(s, "a%20b%2Fc%3F", "url encode");
	free(s);

	/* gzip: one member that inflates to the input, appended to b. */
	{
		static char	 in[20000], out[20001];
		size_t		 i;
		long		 n;

		for (i = 0; i < sizeof(in); i++)
			in[i] = "{\"id\":\"app\",\"rank\":"[i % 20] +
			    (char)(i / 4000);
		b.max = 0;
		ok(buf_puts(&b, "head") == 0 &&
		    gzip_encode(in, sizeof(in), &b) == 0,
		    "gzip_encode compresses 20,000 bytes");
		ok(b.len > 4 && b.len < sizeof(in) / 4,
		    "repetitive JSON shrinks (%zu bytes)", b.len - 4);
		ok(memcmp(b.p, "head", 4) == 0 &&
		    (unsigned char)b.p[4] == 0x1f &&
		    (unsigned char)b.p[5] == 0x8b, "appended, with gzip's magic");
		n = gunzip(b.p + 4, b.len - 4, out, sizeof(out));
		ok(n == (long)sizeof(in) && memcmp(in, out, sizeof(in)) == 0,
		    "and inflates to exactly the input");
		buf_free(&b);
		ok(gzip_encode("", 0, &b) == 0 &&
		    gunzip(b.p, b.len, out, sizeof(out)) == 0,
		    "an empty body is a valid empty member");
		buf_free(&b);
		b.max = 16;
		ok(gzip_encode(in, sizeof(in), &b) == -1,
		    "a buffer too small for the bound is refused");
		buf_free(&b);
	}
	{
		/* The monotonic clock: 2 ms of sleep read as 2 ms or more. */
		struct timespec	 two = { 0, 2000000 };
		long long	 a, b2;

		a = mono_us();
		nanosleep(&two, NULL);
		b2 = mono_us();
		ok(a > 0 && b2 - a >= 2000 && b2 - a < 2000000,
		    "mono_us counts microseconds");
	}
	return done();
}
