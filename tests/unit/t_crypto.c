/* Unit tests: tokens, hashes, the password KDF and sealing (crypto.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

int
main(void)
{
	unsigned char	 key[32], key2[32], *sealed, *opened;
	size_t		 ssz, osz;
	char		*t1, *t2, *h, *pw;

	t1 = crypto_token("agrt_");
	t2 = crypto_token("agrt_");
	ok(strncmp(t1, "agrt_", 5) == 0 && strlen(t1) == 5 + 64,
	    "token has its prefix and 256 bits of hex");
	ok(strcmp(t1, t2) != 0, "two tokens differ");
	free(t1);
	free(t2);

	h = crypto_sha256_hex("abc", 3);
	is_str(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of abc");
	free(h);
	ok(crypto_eq("abcd", "abcd", 4) && !crypto_eq("abcd", "abce", 4),
	    "constant-time compare");

	pw = crypto_pw_hash("correct horse battery");
	ok(pw != NULL && strncmp(pw, "$scrypt$ln=15,r=8,p=1$", 22) == 0,
	    "password hash names its parameters");
	ok(crypto_pw_verify("correct horse battery", pw), "password verifies");
	ok(!crypto_pw_verify("correct horse batterx", pw),
	    "wrong password fails");
	ok(!crypto_pw_verify("x", "$scrypt$garbage"), "malformed hash fails");
	ok(strstr(pw, "correct") == NULL, "hash does not hold the password");
	free(pw);

	crypto_random(key, sizeof(key));
	memcpy(key2, key, sizeof(key));
	key2[0] ^= 1;
	ok(crypto_seal(key, "hub-key-secret", 14, &sealed, &ssz) == 0,
	    "seal");
	ok(ssz == 12 + 14 + 16, "sealed size is iv + data + tag");
	ok(memmem(sealed, ssz, "hub-key", 7) == NULL, "sealed is not clear");
	ok(crypto_open(key, sealed, ssz, &opened, &osz) == 0 && osz == 14 &&
	    memcmp(opened, "hub-key-secret", 14) == 0, "open round trip");
	free(opened);
	ok(crypto_open(key2, sealed, ssz, &opened, &osz) == -1,
	    "another key cannot open");
	sealed[20] ^= 1;
	ok(crypto_open(key, sealed, ssz, &opened, &osz) == -1,
	    "tampered data cannot open");
	free(sealed);
	return done();
}
