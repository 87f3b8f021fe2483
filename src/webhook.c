/*
 * Webhooks, the parts both the workers and agora-notify need: the event
 * types, which addresses a delivery may reach, and the signature.
 *
 * A delivery carries Agora-Event-Id, Agora-Timestamp (Unix seconds)
 * and Agora-Signature: "v1=" and the hex HMAC-SHA256, under the
 * subscription's secret, of "<event id>.<timestamp>.<body>"; during a
 * rotation's grace period a second "v1=" signs with the old secret.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "extern.h"

const char *const webhook_types[] = {
	"listing.requested",
	"listing.approved",
	"listing.rejected",
	"listing.unpublished",
	"listing.republished",
	"app.changed",
	"environment.changed",
	"marketplace.certificate_renewed",
	"marketplace.certificate_revoked",
	"tenant.created",
	"tenant.deleted",
	"tenant.apps_changed",
	"ping",
	NULL
};

/* 1 if s names an event type or is "*", else 0. */
int
webhook_type_ok(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	if (strcmp(s, "*") == 0)
		return 1;
	for (i = 0; webhook_types[i] != NULL; i++)
		if (strcmp(s, webhook_types[i]) == 0)
			return 1;
	return 0;
}

/*
 * 1 if the IPv4 address (network order) is on the public internet: not
 * "this network", private (RFC 1918), shared (RFC 6598), loopback,
 * link-local, IETF protocol assignments, benchmarking, multicast,
 * reserved or broadcast.
 */
static int
v4_public(const unsigned char a[4])
{
	if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224)
		return 0;
	if (a[0] == 100 && (a[1] & 0xc0) == 64)
		return 0;
	if (a[0] == 169 && a[1] == 254)
		return 0;
	if (a[0] == 172 && (a[1] & 0xf0) == 16)
		return 0;
	if (a[0] == 192 && a[1] == 168)
		return 0;
	if (a[0] == 192 && a[1] == 0 && a[2] == 0)
		return 0;
	if (a[0] == 198 && (a[1] & 0xfe) == 18)
		return 0;
	return 1;
}

/*
 * 1 if a delivery may connect to sa without an admin's leave: a public
 * IPv4 or IPv6 address. IPv6 unspecified, loopback, unique-local,
 * link-local, multicast, and IPv4-mapped, -compatible or NAT64 forms of
 * a non-public IPv4 address are not. Other families: 0.
 */
int
webhook_addr_ok(const struct sockaddr *sa)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;
	const unsigned char		*a;
	static const unsigned char	 mapped[12] = { 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char	 zero[12];
	static const unsigned char	 nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		return v4_public((const unsigned char *)&s4->sin_addr);
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	a = s6->sin6_addr.s6_addr;
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, zero, 12) == 0 ||
	    memcmp(a, nat64, 12) == 0)
		return v4_public(a + 12);
	if ((a[0] & 0xfe) == 0xfc)		/* fc00::/7 */
		return 0;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)	/* fe80::/10 */
		return 0;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)	/* fec0::/10 */
		return 0;
	if (a[0] == 0xff)			/* multicast */
		return 0;
	return 1;
}

/*
 * 1 if the host of url (an https URL valid_url accepted) may be
 * subscribed to without an admin's leave: not a non-public IPv4
 * literal, not localhost. Names are checked again at every delivery,
 * on the address actually connected to (agora-notify), since their
 * answers can change.
 */
int
webhook_url_ok(const char *url)
{
	struct sockaddr_in	 sin;
	char			 host[256];
	size_t			 len;

	if (cert_url_host(url, host, sizeof(host)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sin.sin_addr) == 1)
		return webhook_addr_ok((struct sockaddr *)&sin);
	len = strlen(host);
	if (len > 0 && host[len - 1] == '.')
		host[--len] = '\0';
	if (strcmp(host, "localhost") == 0)
		return 0;
	if (len > 10 && strcmp(host + len - 10, ".localhost") == 0)
		return 0;
	return 1;
}

/*
 * The hex HMAC-SHA256 under secret of "<id>.<ts>.<body>" into out.
 * 0, or -1 (OpenSSL failure, logged).
 */
int
webhook_sign(const char *secret, const char *id, long long ts,
    const char *body, size_t bodysz, char out[65])
{
	struct buf	 b = { 0 };
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		*hex;
	int		 rc = -1;

	b.max = bodysz + 256;
	if (buf_printf(&b, "%s.%lld.", id, ts) == -1 ||
	    buf_add(&b, body, bodysz) == -1)
		goto out;
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)b.p, b.len, md, &mdlen) == NULL ||
	    mdlen != 32) {
		log_openssl("HMAC");
		goto out;
	}
	hex = hex_encode(md, mdlen);
	memcpy(out, hex, 65);
	free(hex);
	rc = 0;
out:
	buf_free(&b);
	return rc;
}
