/*
 * Randomness, hashing, constant-time comparison, the password KDF
 * (scrypt through EVP_KDF) and sealing secrets with AES-256-GCM.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "extern.h"

#define PW_SALT		16
#define PW_OUT		32
#define PW_LOGN		15	/* N = 2^15: ~0.15 s and 32 MiB here */
#define PW_R		8
#define PW_P		1

#define GCM_IV		12
#define GCM_TAG		16

/* Fill p with CSPRNG bytes; a failing RNG is fatal. */
void
crypto_random(unsigned char *p, size_t sz)
{
	if (RAND_bytes(p, (int)sz) != 1) {
		log_openssl(__func__);
		fatalx("RAND_bytes failed");
	}
}

/*
 * A new random token: prefix followed by 64 hex characters (256 bits).
 * Owned by the caller, who shows it once and stores only its hash.
 */
char *
crypto_token(const char *prefix)
{
	unsigned char	 raw[TOKEN_BYTES];
	char		*hex, *tok;

	crypto_random(raw, sizeof(raw));
	hex = hex_encode(raw, sizeof(raw));
	tok = xasprintf("%s%s", prefix, hex);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(hex, strlen(hex));
	free(hex);
	return tok;
}

void
crypto_sha256(const void *p, size_t sz, unsigned char out[32])
{
	static EVP_MD		*md;
	static EVP_MD_CTX	*ctx;

	/*
	 * The digest is fetched and its context made once per process:
	 * SHA256() looks the algorithm up by name on every call, locks
	 * included, and the hot reads hash three times a request.
	 */
	if (md == NULL && ((md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL))
		fatalx("SHA-256 is not available");
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, p, sz) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		fatalx("SHA-256 failed");
}

/* Hex SHA-256; owned by the caller. */
char *
crypto_sha256_hex(const void *p, size_t sz)
{
	unsigned char	 md[32];

	crypto_sha256(p, sz, md);
	return hex_encode(md, sizeof(md));
}

/* Constant-time equality: 1 if equal. */
int
crypto_eq(const void *a, const void *b, size_t sz)
{
	return CRYPTO_memcmp(a, b, sz) == 0;
}

/* scrypt(pw, salt) into out; 0 or -1 (logged). */
static int
pw_kdf(const char *pw, const unsigned char *salt, size_t saltsz,
    uint64_t n, uint32_t r, uint32_t p, unsigned char *out, size_t outsz)
{
	EVP_KDF		*kdf = NULL;
	EVP_KDF_CTX	*ctx = NULL;
	OSSL_PARAM	 params[6], *q = params;
	int		 rc = -1;

	if ((kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(uintptr_t)pw, strlen(pw));
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)salt, saltsz);
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	*q = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outsz, params) != 1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		log_openssl(__func__);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

/*
 * Hash a password: "$scrypt$ln=15,r=8,p=1$<salt hex>$<hash hex>", with
 * the parameters kept per row so they can be raised later. Owned by the
 * caller; NULL if the KDF failed (logged).
 */
char *
crypto_pw_hash(const char *pw)
{
	unsigned char	 salt[PW_SALT], out[PW_OUT];
	char		*hs, *ho, *s;

	crypto_random(salt, sizeof(salt));
	if (pw_kdf(pw, salt, sizeof(salt), 1ULL << PW_LOGN, PW_R, PW_P,
	    out, sizeof(out)) == -1)
		return NULL;
	hs = hex_encode(salt, sizeof(salt));
	ho = hex_encode(out, sizeof(out));
	s = xasprintf("$scrypt$ln=%d,r=%d,p=%d$%s$%s", PW_LOGN, PW_R, PW_P,
	    hs, ho);
	free(hs);
	free(ho);
	explicit_bzero(out, sizeof(out));
	return s;
}

/* 1 if pw matches the stored hash, 0 if not or if the hash is malformed. */
int
crypto_pw_verify(const char *pw, const char *stored)
{
	unsigned char	 salt[PW_SALT], want[PW_OUT], got[PW_OUT];
	char		 hs[PW_SALT * 2 + 1], ho[PW_OUT * 2 + 1];
	int		 ln, r, p, n, ok;

	if (sscanf(stored, "$scrypt$ln=%d,r=%d,p=%d$%32[0-9a-f]$%64[0-9a-f]%n",
	    &ln, &r, &p, hs, ho, &n) != 5 || stored[n] != '\0')
		return 0;
	if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 4)
		return 0;
	if (hex_decode(hs, salt, sizeof(salt)) == -1 ||
	    hex_decode(ho, want, sizeof(want)) == -1)
		return 0;
	if (pw_kdf(pw, salt, sizeof(salt), 1ULL << ln, (uint32_t)r,
	    (uint32_t)p, got, sizeof(got)) == -1)
		return 0;
	ok = crypto_eq(got, want, sizeof(got));
	explicit_bzero(got, sizeof(got));
	return ok;
}

/*
 * Seal sz bytes under key: iv (12) || ciphertext || tag (16). Returns 0
 * with an owned *out of *outsz bytes, or -1 (logged).
 */
int
crypto_seal(const unsigned char key[32], const void *p, size_t sz,
    unsigned char **out, size_t *outsz)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	unsigned char	*o;
	int		 n, f, rc = -1;

	*out = NULL;
	o = xmalloc(GCM_IV + sz + GCM_TAG);
	crypto_random(o, GCM_IV);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, o) != 1 ||
	    EVP_EncryptUpdate(ctx, o + GCM_IV, &n, p, (int)sz) != 1 ||
	    EVP_EncryptFinal_ex(ctx, o + GCM_IV + n, &f) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG,
	    o + GCM_IV + n + f) != 1) {
		log_openssl(__func__);
		free(o);
		goto out;
	}
	*out = o;
	*outsz = GCM_IV + (size_t)n + (size_t)f + GCM_TAG;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/*
 * Open what crypto_seal made. Returns 0 with an owned, NUL-terminated
 * *out of *outsz bytes, or -1 if it was tampered with or the key differs.
 */
int
crypto_open(const unsigned char key[32], const unsigned char *p, size_t sz,
    unsigned char **out, size_t *outsz)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	unsigned char	*o;
	int		 n, f, rc = -1;

	*out = NULL;
	if (sz < GCM_IV + GCM_TAG)
		return -1;
	o = xmalloc(sz - GCM_IV - GCM_TAG + 1);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, p) != 1 ||
	    EVP_DecryptUpdate(ctx, o, &n, p + GCM_IV,
	    (int)(sz - GCM_IV - GCM_TAG)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG,
	    (void *)(uintptr_t)(p + sz - GCM_TAG)) != 1 ||
	    EVP_DecryptFinal_ex(ctx, o + n, &f) != 1) {
		free(o);
		goto out;
	}
	o[n + f] = '\0';
	*out = o;
	*outsz = (size_t)(n + f);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}
