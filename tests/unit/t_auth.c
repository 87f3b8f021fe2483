/*
 * Unit tests: auth.c's parsing of what a caller presents (Basic
 * credentials, cookies) and the answers it gives before any database
 * is asked (schemes, malformed headers, public routes, the mTLS check
 * of a principal that is not a marketplace).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"
#include "capture.h"

/* auth_basic_parse of "Basic " + base64(plain): 0 or -1, *u and *p. */
static int
basic(const char *plain, char **u, char **p)
{
	char	*b64, *h;
	int	 rc;

	b64 = b64_encode((const unsigned char *)plain, strlen(plain));
	h = xmalloc(strlen(b64) + 8);
	strcpy(h, "Basic ");
	strcat(h, b64);
	rc = auth_basic_parse(h, u, p);
	free(b64);
	free(h);
	return rc;
}

int
main(void)
{
	struct req	 r;
	char		*u, *p, *c, big[400];

	/* Basic credentials. */
	is_int(basic("mkt-1:s3cret", &u, &p), 0, "user:pass parses");
	is_str(u, "mkt-1", "the user");
	is_str(p, "s3cret", "the password");
	free(u);
	free(p);
	is_int(basic("u:pa:ss", &u, &p), 0, "a colon in the password");
	is_str(u, "u", "the user ends at the first colon");
	is_str(p, "pa:ss", "the password keeps the others");
	free(u);
	free(p);
	is_int(basic("u:", &u, &p), 0, "an empty password parses");
	is_str(p, "", "and is empty (refused later by no match)");
	free(u);
	free(p);
	is_int(basic(":pass", &u, &p), -1, "an empty user is malformed");
	ok(u == NULL && p == NULL, "nothing is returned for it");
	is_int(basic("nocolon", &u, &p), -1, "no colon is malformed");
	is_int(basic("u\t:p", &u, &p), -1, "a control byte is malformed");
	is_int(basic("u:p\x7f", &u, &p), -1, "DEL is malformed");
	memset(big, 'a', 65);
	strcpy(big + 65, ":p");
	is_int(basic(big, &u, &p), -1, "a user over 64 bytes is malformed");
	memset(big, 'a', 64);
	strcpy(big + 64, ":p");
	is_int(basic(big, &u, &p), 0, "a user of 64 bytes is not");
	free(u);
	free(p);
	big[0] = 'u';
	big[1] = ':';
	memset(big + 2, 'p', 257);
	big[259] = '\0';
	is_int(basic(big, &u, &p), -1, "a password over 256 bytes is "
	    "malformed");
	is_int(auth_basic_parse("Basic !!!", &u, &p), -1,
	    "bad base64 is malformed");
	is_int(auth_basic_parse("Bearer dTpw", &u, &p), -1,
	    "another scheme is not Basic");
	is_int(auth_basic_parse("basic   dTpw", &u, &p), 0,
	    "the scheme is case-insensitive, spaces before the token");
	is_str(u, "u", "and it decodes");
	free(u);
	free(p);
	is_int(auth_basic_parse(NULL, &u, &p), -1, "no header");

	/* Cookies. */
	memset(&r, 0, sizeof(r));
	ok(auth_cookie(&r, "s") == NULL, "no Cookie header: none");
	r.cookie = "a=1; agora_session=tok; b=2";
	c = auth_cookie(&r, "agora_session");
	is_str(c, "tok", "a cookie among others");
	free(c);
	r.cookie = "xagora_session=evil; agora_session=good";
	c = auth_cookie(&r, "agora_session");
	is_str(c, "good", "a name that only ends with ours is not ours");
	free(c);
	r.cookie = "agora_session_x=evil";
	ok(auth_cookie(&r, "agora_session") == NULL,
	    "a name that only begins with ours is not ours");
	r.cookie = "a=1;b=";
	c = auth_cookie(&r, "b");
	is_str(c, "", "an empty value");
	free(c);

	/* What is answered before the database is asked. */
	memset(&r, 0, sizeof(r));
	is_int(auth_principal(&r, ROLE_PUBLIC), 0, "a public route: no "
	    "credentials needed");
	r.authz = "Basic !!!";
	is_int(auth_principal(&r, ROLE_MKT), 401, "malformed Basic: 401");
	is_str(r.err_detail, "malformed Basic credentials", "named so");
	req_reset(&r);
	r.authz = "Digest x=1";
	is_int(auth_principal(&r, ROLE_MKT | ROLE_ADMIN), 401,
	    "another scheme: 401");
	is_str(r.err_detail, "unsupported authorization scheme", "named so");
	req_reset(&r);
	memset(big, 'a', 300);
	big[300] = '\0';
	r.authz = big;
	memcpy(big, "Bearer agat_", 12);
	is_int(auth_principal(&r, ROLE_ADMIN), 401, "an overlong token: 401");
	is_str(r.err_detail, "invalid token", "named so");
	req_reset(&r);
	is_int(auth_principal(&r, ROLE_MKT), 401, "no credentials: 401");
	is_str(r.err_detail, "authentication required", "named so");
	req_reset(&r);

	/* The client-certificate check applies to marketplaces only. */
	r.pr.kind = PK_PROVIDER;
	r.ssl_verify = "SUCCESS";
	is_int(auth_mtls(&r), 0, "a provider's certificate is not checked");
	r.pr.kind = PK_MKT;
	r.ssl_verify = NULL;
	is_int(auth_mtls(&r), 0, "no verified certificate: nothing to check");
	r.ssl_verify = "FAILED:unable to get issuer";
	is_int(auth_mtls(&r), 0, "one nginx did not verify: not ours to "
	    "refuse");
	req_reset(&r);
	is_int(auth_retiring(&r), 403, "a retiring secret: 403");
	ok(r.err_detail != NULL && strstr(r.err_detail, "grace period"),
	    "which says why");
	req_reset(&r);
	return done();
}
