/*
 * Validators for values that arrive from outside: each returns 1 when the
 * value is acceptable and 0 when not. They never allocate.
 */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <string.h>

#include "extern.h"

/* A slug: [a-z0-9] then [a-z0-9-], 2 to 64 bytes, no trailing '-'. */
int
valid_nid(const char *s)
{
	size_t	 i, len;

	if (s == NULL || (len = strlen(s)) < 2 || len > 64)
		return 0;
	for (i = 0; i < len; i++) {
		if (islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]))
			continue;
		if (s[i] == '-' && i > 0 && i + 1 < len && s[i - 1] != '-')
			continue;
		return 0;
	}
	return 1;
}

/*
 * A DNS host name (ASCII: an IDN in its xn-- form) or a dotted-quad IPv4
 * literal, lower or upper case. A name whose last label is all digits is
 * no DNS name (no top-level domain is numeric), so it must be the IPv4.
 */
static int
valid_host(const char *s, size_t len)
{
	unsigned char	 ip[4];
	char		 buf[254];
	size_t		 i, label = 0;
	int		 digits = 1;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			digits = 1;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
		if (s[i] == '-' && label == 0)
			return 0;
		if (!isdigit((unsigned char)s[i]))
			digits = 0;
		if (++label > 63)
			return 0;
	}
	if (label == 0 || s[len - 1] == '-')
		return 0;
	if (!digits)
		return 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, ip) == 1;
}

/*
 * An absolute URL we can hand to others: https (or http when allow_http),
 * a host, an optional port, no credentials, no fragment, printable ASCII,
 * at most 512 bytes.
 */
int
valid_url(const char *s, int allow_http)
{
	const char	*h, *e, *p;
	size_t		 len, i;
	long long	 port;
	char		 pbuf[8];

	if (s == NULL || (len = strlen(s)) == 0 || len > 512)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	if (strncmp(s, "https://", 8) == 0)
		h = s + 8;
	else if (allow_http && strncmp(s, "http://", 7) == 0)
		h = s + 7;
	else
		return 0;
	/* No fragment, and none of what RFC 3986 never allows unencoded. */
	if (strpbrk(s, "#\\\"<>^`{|}") != NULL)
		return 0;
	e = h + strcspn(h, "/?");
	if (memchr(h, '@', (size_t)(e - h)) != NULL)
		return 0;
	if ((p = memchr(h, ':', (size_t)(e - h))) != NULL) {
		if (e - p - 1 <= 0 || (size_t)(e - p - 1) >= sizeof(pbuf))
			return 0;
		memcpy(pbuf, p + 1, (size_t)(e - p - 1));
		pbuf[e - p - 1] = '\0';
		if (num_parse(pbuf, 1, 65535, &port) == -1)
			return 0;
	} else
		p = e;
	return valid_host(h, (size_t)(p - h));
}

/*
 * 1 unless s holds a "%{" that does not open "%{marketplace}", the one
 * variable templates know (":id" and friends are plain characters).
 */
int
valid_tpl_vars(const char *s)
{
	const char	*p;

	for (p = s; (p = strstr(p, "%{")) != NULL; p += 2)
		if (strncmp(p, TPL_VAR, strlen(TPL_VAR)) != 0)
			return 0;
	return 1;
}

/*
 * A path template for an app endpoint: starts with '/', printable ASCII,
 * no spaces, at most 512 bytes, no variable but %{marketplace}.
 */
int
valid_path_tpl(const char *s)
{
	size_t	 i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 512 || s[0] != '/')
		return 0;
	if (len > 1 && s[1] == '/')
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f ||
		    s[i] == '\\' || s[i] == '#')
			return 0;
	return valid_tpl_vars(s);
}

/* A plausible e-mail address: local@domain, printable, <= 255 bytes. */
int
valid_email(const char *s)
{
	const char	*at;
	size_t		 i, len;

	if (s == NULL || (len = strlen(s)) < 3 || len > 255)
		return 0;
	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f ||
		    strchr("\"<>()[]\\,;:", s[i]) != NULL)
			return 0;
	return valid_host(at + 1, strlen(at + 1)) && strchr(at + 1, '.');
}

/*
 * Free text of min..max bytes (the JSON parser already checked UTF-8)
 * without control characters other than tab, CR and LF: no C0, DEL or
 * C1 control, no U+2028/U+2029 separators, and none of the bidi
 * embedding, override and isolate controls that make text read other
 * than it is (U+202A..U+202E, U+2066..U+2069). When min > 0 it must hold
 * something besides white space.
 */
int
valid_text(const char *s, size_t min, size_t max)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, len;
	int			 ink = 0;

	if (s == NULL || (len = strlen(s)) < min || len > max)
		return 0;
	for (i = 0; i < len; i++) {
		if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' &&
		    u[i] != '\r') || u[i] == 0x7f)
			return 0;
		if (u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f)
			return 0;
		if (u[i] == 0xe2 && i + 2 < len && ((u[i + 1] == 0x80 &&
		    u[i + 2] >= 0xa8 && u[i + 2] <= 0xae) ||
		    (u[i + 1] == 0x81 && u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9)))
			return 0;
		if (u[i] != ' ' && u[i] != '\t' && u[i] != '\n' &&
		    u[i] != '\r')
			ink = 1;
	}
	return min == 0 || ink;
}

/*
 * A label (registration and admin tokens): valid_text of at most 255
 * bytes, on one line and without tabs. The API, the console and agoractl
 * all check a label with this.
 */
int
valid_label(const char *s)
{
	return valid_text(s, 0, 255) && strpbrk(s, "\r\n\t") == NULL;
}

/* A positive database id in decimal, as found in a path. */
int
valid_id(const char *s, long long *out)
{
	if (s == NULL || s[0] == '0')
		return 0;
	return num_parse(s, 1, 9007199254740991LL, out) == 0;
}

/* A public identifier: [A-Za-z0-9._-], 1 to 64 bytes. */
int
valid_uid(const char *s)
{
	size_t	 i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

/* A marketplace environment. */
int
valid_env(const char *s)
{
	return s != NULL &&
	    (strcmp(s, "production") == 0 || strcmp(s, "uat") == 0);
}

/* A bare DNS host name (no scheme, port or path), at most 253 bytes. */
int
valid_hostname(const char *s)
{
	return s != NULL && valid_host(s, strlen(s));
}
