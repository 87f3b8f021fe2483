/* Unit tests: webhook event types, reachable addresses, signatures. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "../../src/extern.h"
#include "../tap.h"

/* webhook_addr_ok on the textual address s (IPv4 or IPv6). */
static int
addr_ok(const char *s)
{
	struct sockaddr_in	 a4;
	struct sockaddr_in6	 a6;

	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, s, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		return webhook_addr_ok((struct sockaddr *)&a4);
	}
	if (inet_pton(AF_INET6, s, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		return webhook_addr_ok((struct sockaddr *)&a6);
	}
	return -1;
}

int
main(void)
{
	char	 sig[65];

	ok(webhook_type_ok("listing.approved"), "type listing.approved");
	ok(webhook_type_ok("tenant.apps_changed"), "type tenant.apps_changed");
	ok(webhook_type_ok("*"), "type *");
	ok(!webhook_type_ok("listing.*"), "no partial wildcard");
	ok(!webhook_type_ok("Listing.approved"), "types are case-sensitive");
	ok(!webhook_type_ok(""), "empty type");

	is_int(addr_ok("93.184.216.34"), 1, "public IPv4");
	is_int(addr_ok("8.8.8.8"), 1, "public IPv4 (2)");
	is_int(addr_ok("127.0.0.1"), 0, "loopback");
	is_int(addr_ok("127.255.0.9"), 0, "loopback /8");
	is_int(addr_ok("10.1.2.3"), 0, "RFC 1918 10/8");
	is_int(addr_ok("172.16.0.1"), 0, "RFC 1918 172.16/12");
	is_int(addr_ok("172.31.255.255"), 0, "RFC 1918 172.16/12 end");
	is_int(addr_ok("172.32.0.1"), 1, "172.32 is public");
	is_int(addr_ok("192.168.1.1"), 0, "RFC 1918 192.168/16");
	is_int(addr_ok("169.254.169.254"), 0, "link-local (cloud metadata)");
	is_int(addr_ok("100.64.0.1"), 0, "shared address space");
	is_int(addr_ok("0.0.0.0"), 0, "this network");
	is_int(addr_ok("224.0.0.1"), 0, "multicast");
	is_int(addr_ok("255.255.255.255"), 0, "broadcast");
	is_int(addr_ok("2606:4700::1111"), 1, "public IPv6");
	is_int(addr_ok("::1"), 0, "IPv6 loopback");
	is_int(addr_ok("::"), 0, "IPv6 unspecified");
	is_int(addr_ok("fe80::1"), 0, "IPv6 link-local");
	is_int(addr_ok("fd00::1"), 0, "IPv6 unique local");
	is_int(addr_ok("ff02::1"), 0, "IPv6 multicast");
	is_int(addr_ok("::ffff:127.0.0.1"), 0, "IPv4-mapped loopback");
	is_int(addr_ok("::ffff:10.0.0.1"), 0, "IPv4-mapped private");
	is_int(addr_ok("::ffff:8.8.8.8"), 1, "IPv4-mapped public");
	is_int(addr_ok("64:ff9b::a9fe:a9fe"), 0, "NAT64 of link-local");

	ok(webhook_url_ok("https://hooks.example.com/x"), "a name passes");
	ok(webhook_url_ok("https://93.184.216.34:8443/x"), "a public literal");
	ok(!webhook_url_ok("https://127.0.0.1:8443/x"), "loopback literal");
	ok(!webhook_url_ok("https://10.0.0.5/x"), "private literal");
	ok(!webhook_url_ok("https://169.254.169.254/latest"),
	    "metadata literal");
	ok(!webhook_url_ok("https://localhost/x"), "localhost");
	ok(!webhook_url_ok("https://LOCALHOST./x"), "LOCALHOST.");
	ok(!webhook_url_ok("https://a.b.localhost/x"), "*.localhost");

	/* The value a receiver computes (python3 hmac, doc/webhooks.md). */
	ok(webhook_sign("whsec_test", "evt-1", 1700000000LL, "{\"a\":1}", 7,
	    sig) == 0, "sign");
	is_str(sig, "9a240f82f8132f051a7876ca32389b6382ea785b412a85268873222f7a96da6f",
	    "HMAC-SHA256 over id.timestamp.body");
	ok(webhook_sign("whsec_other", "evt-1", 1700000000LL, "{\"a\":1}", 7,
	    sig) == 0 && strcmp(sig, "9a240f82f8132f051a7876ca32389b6382ea785b412a85268873222f7a96da6f") != 0,
	    "another secret, another signature");
	return done();
}
