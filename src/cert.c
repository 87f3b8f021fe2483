/*
 * The platform CA: issuing marketplace certificates from a CSR or a
 * generated key, fingerprints, revocation and the CRL.
 *
 * The CA certificate and key are read once per process from the files
 * the configuration names (the key never enters the database or a log).
 * A leaf is built from validated input only: its subject and SAN come
 * from the marketplace's hub host, never from the CSR, whose only use is
 * its public key (after its signature verified).
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "extern.h"

#define CSR_MAX		16384
#define SERIAL_BYTES	16

struct ca {
	char		*cert_path;
	char		*key_path;
	X509		*cert;
	EVP_PKEY	*key;
	char		*pem;
};

/* The CA of this process, loaded on first use. */
static struct ca	 ca;

/*
 * The pass-phrase callback of every PEM read: there is never a pass
 * phrase. An encrypted block ("Proc-Type: 4,ENCRYPTED") then fails to
 * decode instead of reaching OpenSSL's default callback, which prompts
 * on the terminal (or reads the worker's stdin, the FastCGI socket).
 */
int
cert_nopass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Drop the loaded CA (tests, or a changed path). */
static void
ca_reset(void)
{
	free(ca.cert_path);
	free(ca.key_path);
	X509_free(ca.cert);
	EVP_PKEY_free(ca.key);
	free(ca.pem);
	memset(&ca, 0, sizeof(ca));
}

/* Read a whole small file; owned text or NULL (logged). */
static char *
file_text(const char *path, size_t max)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	p = xmalloc(max + 1);
	n = fread(p, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		log_warnx("%s: larger than %zu bytes", path, max);
		free(p);
		return NULL;
	}
	p[n] = '\0';
	return p;
}

/*
 * The CA for conf, loading it now if needed. Returns a borrowed pointer,
 * or NULL (logged) when the files do not load or do not match.
 */
static const struct ca *
ca_get(const struct conf *c)
{
	BIO	*b = NULL;
	FILE	*f = NULL;

	if (ca.cert != NULL && strcmp(ca.cert_path, c->ca_cert) == 0 &&
	    strcmp(ca.key_path, c->ca_key) == 0)
		return &ca;
	ca_reset();
	ca.cert_path = xstrdup(c->ca_cert);
	ca.key_path = xstrdup(c->ca_key);
	if ((ca.pem = file_text(c->ca_cert, 65536)) == NULL)
		goto fail;
	if ((b = BIO_new_mem_buf(ca.pem, -1)) == NULL ||
	    (ca.cert = PEM_read_bio_X509(b, NULL, cert_nopass,
	    NULL)) == NULL) {
		log_openssl(__func__);
		log_warnx("%s: not a PEM certificate", c->ca_cert);
		goto fail;
	}
	if ((f = fopen(c->ca_key, "r")) == NULL) {
		log_warn("CA key %s", c->ca_key);
		goto fail;
	}
	ca.key = PEM_read_PrivateKey(f, NULL, cert_nopass, NULL);
	fclose(f);
	if (ca.key == NULL) {
		log_openssl(__func__);
		log_warnx("%s: not a PEM private key", c->ca_key);
		goto fail;
	}
	if (X509_check_private_key(ca.cert, ca.key) != 1) {
		log_openssl(__func__);
		log_warnx("the CA key does not match the CA certificate");
		goto fail;
	}
	BIO_free(b);
	return &ca;
fail:
	BIO_free(b);
	ca_reset();
	return NULL;
}

/* The CA certificate as PEM (borrowed), or NULL (logged). */
const char *
cert_ca_pem(const struct conf *c)
{
	const struct ca	*a;

	return (a = ca_get(c)) == NULL ? NULL : a->pem;
}

/*
 * The host of an https URL the caller validated (valid_url), lower
 * case, into out. Returns 0, or -1 if it does not fit.
 */
int
cert_url_host(const char *url, char *out, size_t sz)
{
	const char	*h;
	size_t		 n, i;

	if ((h = strstr(url, "://")) == NULL)
		return -1;
	h += 3;
	n = strcspn(h, ":/?#");
	if (n == 0 || n >= sz)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 :
		    h[i]);
	out[n] = '\0';
	return 0;
}

/* Colon-separated upper-case hex of a digest of x; owned, or NULL. */
static char *
fp_of(X509 *x, const EVP_MD *md)
{
	static const char	 hx[] = "0123456789ABCDEF";
	unsigned char		 d[EVP_MAX_MD_SIZE];
	unsigned int		 n, i;
	char			*o;

	if (X509_digest(x, md, d, &n) != 1 || n == 0)
		return NULL;
	o = xmalloc(n * 3);
	for (i = 0; i < n; i++) {
		o[i * 3] = hx[d[i] >> 4];
		o[i * 3 + 1] = hx[d[i] & 0xf];
		o[i * 3 + 2] = i + 1 < n ? ':' : '\0';
	}
	return o;
}

/*
 * The SHA-1 (sha256 = 0) or SHA-256 fingerprint of a PEM certificate,
 * as colon-separated upper-case hex pairs. Owned, or NULL.
 */
char *
cert_fp_pem(const char *pem, int sha256)
{
	BIO	*b;
	X509	*x = NULL;
	char	*o = NULL;

	if ((b = BIO_new_mem_buf(pem, -1)) != NULL &&
	    (x = PEM_read_bio_X509(b, NULL, cert_nopass, NULL)) != NULL)
		o = fp_of(x, sha256 ? EVP_sha256() : EVP_sha1());
	X509_free(x);
	BIO_free(b);
	ERR_clear_error();
	return o;
}

/*
 * A certificate request as RFC 2986 has it, parsed with templates of our
 * own rather than OpenSSL's X509_REQ: the public key stays as sent
 * (algorithm and bits), where d2i_X509_REQ decodes it with a decoder set
 * OpenSSL 3.0 builds anew for every request (most of a registration's
 * CSR time). The request info keeps its encoding as received, for the
 * signature check. The names are OpenSSL's template convention.
 */
typedef struct {
	X509_ALGOR		*alg;
	ASN1_BIT_STRING		*key;
} CSR_SPKI;

typedef struct {
	ASN1_ENCODING		 enc;
	ASN1_INTEGER		*version;
	X509_NAME		*subject;
	CSR_SPKI		*spki;
	STACK_OF(X509_ATTRIBUTE) *attributes;
} CSR_INFO;

typedef struct {
	CSR_INFO		*info;
	X509_ALGOR		*sig_alg;
	ASN1_BIT_STRING		*signature;
} CSR;

ASN1_SEQUENCE(CSR_SPKI) = {
	ASN1_SIMPLE(CSR_SPKI, alg, X509_ALGOR),
	ASN1_SIMPLE(CSR_SPKI, key, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CSR_SPKI)

ASN1_SEQUENCE_enc(CSR_INFO, enc, NULL) = {
	ASN1_SIMPLE(CSR_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(CSR_INFO, subject, X509_NAME),
	ASN1_SIMPLE(CSR_INFO, spki, CSR_SPKI),
	ASN1_IMP_SET_OF_OPT(CSR_INFO, attributes, X509_ATTRIBUTE, 0),
} static_ASN1_SEQUENCE_END_ref(CSR_INFO, CSR_INFO)

ASN1_SEQUENCE(CSR) = {
	ASN1_SIMPLE(CSR, info, CSR_INFO),
	ASN1_SIMPLE(CSR, sig_alg, X509_ALGOR),
	ASN1_SIMPLE(CSR, signature, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CSR)

/*
 * The key of a SubjectPublicKeyInfo, through one decoder context made
 * once per process and used for every key. Owned, or NULL.
 */
static EVP_PKEY *
spki_key(CSR_SPKI *spki)
{
	static OSSL_DECODER_CTX	*dc;
	static EVP_PKEY		*k;
	EVP_PKEY		*out;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	size_t			 left;
	int			 len;

	if (dc == NULL && (dc = OSSL_DECODER_CTX_new_for_pkey(&k, "DER",
	    "SubjectPublicKeyInfo", NULL, EVP_PKEY_PUBLIC_KEY, NULL,
	    NULL)) == NULL)
		return NULL;
	if ((len = ASN1_item_i2d((ASN1_VALUE *)spki, &der,
	    ASN1_ITEM_rptr(CSR_SPKI))) <= 0)
		return NULL;
	p = der;
	left = (size_t)len;
	if (OSSL_DECODER_from_data(dc, &p, &left) != 1 || left != 0) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	OPENSSL_free(der);
	out = k;
	k = NULL;
	return out;
}

/*
 * Put the public key of a request into certificate x as it is sent: its
 * algorithm, parameters and key bits are copied, not decoded and encoded
 * again as X509_set_pubkey does (OpenSSL 3 runs its decoders and
 * encoders for that, most of the cost of issuing). csr_parse has
 * checked the key. 0, or -1 (OpenSSL's error queue says why).
 */
static int
pubkey_copy(X509 *x, const CSR_SPKI *spki)
{
	X509_PUBKEY		*dst;
	const ASN1_OBJECT	*aobj;
	ASN1_OBJECT		*o = NULL;
	unsigned char		*enc = NULL;
	const void		*pval;
	void			*val = NULL;
	int			 len, ptype;

	if ((dst = X509_get_X509_PUBKEY(x)) == NULL ||
	    (len = ASN1_STRING_length(spki->key)) <= 0)
		return -1;
	X509_ALGOR_get0(&aobj, &ptype, &pval, spki->alg);
	switch (ptype) {
	case V_ASN1_UNDEF:
	case V_ASN1_NULL:
		break;
	case V_ASN1_OBJECT:
		if ((val = OBJ_dup(pval)) == NULL)
			return -1;
		break;
	case V_ASN1_SEQUENCE:
		if ((val = ASN1_STRING_dup(pval)) == NULL)
			return -1;
		break;
	default:
		return -1;
	}
	if ((o = OBJ_dup(aobj)) == NULL ||
	    (enc = OPENSSL_memdup(ASN1_STRING_get0_data(spki->key),
	    (size_t)len)) == NULL ||
	    X509_PUBKEY_set0_param(dst, o, ptype, val, enc, len) != 1) {
		ASN1_OBJECT_free(o);
		OPENSSL_free(enc);
		if (ptype == V_ASN1_OBJECT)
			ASN1_OBJECT_free(val);
		else if (ptype == V_ASN1_SEQUENCE)
			ASN1_STRING_free(val);
		return -1;
	}
	return 0;
}

/*
 * Whether an EC SubjectPublicKeyInfo's algorithm names its curve by OID
 * (RFC 5480 namedCurve) rather than spelling out the parameters. 1 or 0.
 */
static int
spki_named_curve(const X509_ALGOR *alg)
{
	const ASN1_OBJECT	*obj;
	const void		*pval;
	int			 ptype;

	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	return ptype == V_ASN1_OBJECT && pval != NULL;
}

/*
 * The last CSR this request parsed and accepted. Validation
 * (cert_csr_check) and issuance (cert_issue) see the same PEM, so the
 * second parse is this copy. cert_csr_forget, which the worker calls
 * after every request, drops it: nothing carries over to the next.
 */
static struct {
	char		*pem;
	CSR		*q;
	const char	*kt;
} csr_last;

void
cert_csr_forget(void)
{
	free(csr_last.pem);
	ASN1_item_free((ASN1_VALUE *)csr_last.q, ASN1_ITEM_rptr(CSR));
	memset(&csr_last, 0, sizeof(csr_last));
}

static CSR	*csr_parse_pem(const char *, const char **, char *, size_t);

/*
 * Parse a PEM CSR: exactly one version 1 request and nothing but white
 * space around it, no pass phrase, signature verified, key RSA
 * 2048..8192 bits or EC P-256 or P-384 named by OID. Returns the request
 * with *kt set to its key type name, or NULL with a message in err. The
 * request is this file's (csr_last), valid until the next parse of
 * another PEM or cert_csr_forget: the caller does not free it. The same
 * PEM again is the request parsed the first time.
 */
static CSR *
csr_parse(const char *pem, const char **kt, char *err, size_t errsz)
{
	CSR	*q;

	if (csr_last.pem != NULL && strcmp(csr_last.pem, pem) == 0) {
		*kt = csr_last.kt;
		return csr_last.q;
	}
	cert_csr_forget();
	if ((q = csr_parse_pem(pem, kt, err, errsz)) == NULL)
		return NULL;
	csr_last.pem = xstrdup(pem);
	csr_last.q = q;
	csr_last.kt = *kt;
	return q;
}

static CSR *
csr_parse_pem(const char *pem, const char **kt, char *err, size_t errsz)
{
	static const char	 end[] = "-----END CERTIFICATE REQUEST-----";
	CSR			*q = NULL;
	EVP_PKEY		*k = NULL;
	BIO			*b = NULL;
	unsigned char		*der = NULL;
	const unsigned char	*dp = NULL;
	const char		*p, *e;
	char			 grp[64];
	size_t			 len = strlen(pem);
	long			 derlen;
	int			 bits;

	*kt = NULL;
	if (len == 0 || len > CSR_MAX) {
		snprintf(err, errsz, "must be a PEM certificate request of "
		    "at most %d bytes", CSR_MAX);
		return NULL;
	}
	p = pem + strspn(pem, " \t\r\n");
	if (strncmp(p, "-----BEGIN CERTIFICATE REQUEST-----", 35) != 0 &&
	    strncmp(p, "-----BEGIN NEW CERTIFICATE REQUEST-----", 39) != 0) {
		snprintf(err, errsz, "must start with -----BEGIN CERTIFICATE "
		    "REQUEST-----");
		return NULL;
	}
	if ((e = strstr(p, "-----END ")) == NULL ||
	    (e = strstr(e, "REQUEST-----")) == NULL ||
	    e[12 + strspn(e + 12, " \t\r\n")] != '\0') {
		snprintf(err, errsz, "must be one PEM certificate request "
		    "ending with %s and nothing after it", end);
		return NULL;
	}
	if ((b = BIO_new_mem_buf(p, (int)(len - (size_t)(p - pem)))) == NULL)
		fatalx("BIO_new_mem_buf");
	/* The DER whole and nothing after it. */
	if (PEM_bytes_read_bio(&der, &derlen, NULL, PEM_STRING_X509_REQ, b,
	    cert_nopass, NULL) == 1) {
		dp = der;
		q = (CSR *)ASN1_item_d2i(NULL, &dp, derlen,
		    ASN1_ITEM_rptr(CSR));
	}
	if (q == NULL || dp != der + derlen) {
		snprintf(err, errsz, "is not a parsable PEM certificate "
		    "request");
		goto fail;
	}
	if (ASN1_INTEGER_get(q->info->version) != 0) {
		snprintf(err, errsz, "must be a version 1 request (version "
		    "field 0)");
		goto fail;
	}
	if ((k = spki_key(q->info->spki)) == NULL) {
		snprintf(err, errsz, "holds no usable public key");
		goto fail;
	}
	if (ASN1_item_verify_ex(ASN1_ITEM_rptr(CSR_INFO), q->sig_alg,
	    q->signature, q->info, NULL, k, NULL, NULL) != 1) {
		snprintf(err, errsz, "signature does not verify");
		goto fail;
	}
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
		bits = EVP_PKEY_get_bits(k);
		if (bits < 2048 || bits > 8192) {
			snprintf(err, errsz, "RSA key must have 2048 to 8192 "
			    "bits, not %d", bits);
			goto fail;
		}
		*kt = bits == 2048 ? "rsa2048" : bits == 3072 ? "rsa3072" :
		    bits == 4096 ? "rsa4096" : "rsa";
		break;
	case EVP_PKEY_EC:
		/* RFC 5480: namedCurve only, never explicit parameters. */
		if (!spki_named_curve(q->info->spki->alg)) {
			snprintf(err, errsz, "EC key must name its curve "
			    "(RFC 5480); explicit curve parameters are "
			    "refused");
			goto fail;
		}
		if (EVP_PKEY_get_utf8_string_param(k, "group", grp,
		    sizeof(grp), NULL) != 1) {
			snprintf(err, errsz, "EC key has no named curve");
			goto fail;
		}
		if (strcmp(grp, "prime256v1") == 0 ||
		    strcmp(grp, "P-256") == 0)
			*kt = "p256";
		else if (strcmp(grp, "secp384r1") == 0 ||
		    strcmp(grp, "P-384") == 0)
			*kt = "p384";
		else {
			snprintf(err, errsz, "EC key must be on P-256 or "
			    "P-384, not %s", grp);
			goto fail;
		}
		break;
	default:
		snprintf(err, errsz, "key must be RSA (2048 bits or more) or "
		    "EC P-256/P-384");
		goto fail;
	}
	EVP_PKEY_free(k);
	OPENSSL_free(der);
	BIO_free(b);
	ERR_clear_error();
	return q;
fail:
	EVP_PKEY_free(k);
	OPENSSL_free(der);
	BIO_free(b);
	ASN1_item_free((ASN1_VALUE *)q, ASN1_ITEM_rptr(CSR));
	ERR_clear_error();
	return NULL;
}

/* A CSR acceptable to cert_issue: 0, or -1 with a message in err. */
int
cert_csr_check(const char *pem, char *err, size_t errsz)
{
	const char	*kt;

	return csr_parse(pem, &kt, err, errsz) == NULL ? -1 : 0;
}

/* Add one extension in OpenSSL's config syntax; 0 or -1. */
static int
ext_add(X509 *x, X509V3_CTX *ctx, int nid, const char *val)
{
	X509_EXTENSION	*e;
	int		 rc;

	if ((e = X509V3_EXT_conf_nid(NULL, ctx, nid, val)) == NULL)
		return -1;
	rc = X509_add_ext(x, e, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(e);
	return rc;
}

/* A random positive serial of SERIAL_BYTES bytes, first byte 01..7f. */
static int
serial_set(X509 *x)
{
	unsigned char	 b[SERIAL_BYTES];
	BIGNUM		*bn;
	int		 rc;

	do
		crypto_random(b, sizeof(b));
	while ((b[0] & 0x7f) == 0);
	b[0] &= 0x7f;
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL)
		return -1;
	rc = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL ? 0 : -1;
	BN_free(bn);
	return rc;
}

/* PEM of x or of a private key; owned text, or NULL. */
static char *
bio_text(BIO *b)
{
	char	*p;
	long	 n;

	if ((n = BIO_get_mem_data(b, &p)) <= 0)
		return NULL;
	return xstrndup(p, (size_t)n);
}

/* An ASN1_TIME as Unix time, or 0. */
static long long
asn1_unix(const ASN1_TIME *t)
{
	struct tm	 tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (long long)timegm(&tm);
}

void
cert_issued_free(struct issued *is)
{
	if (is == NULL)
		return;
	free(is->pem);
	if (is->key_pem != NULL)
		explicit_bzero(is->key_pem, strlen(is->key_pem));
	free(is->key_pem);
	free(is->serial);
	free(is->fp_sha1);
	free(is->fp_sha256);
	memset(is, 0, sizeof(*is));
}

#define CN_MAX	64

/*
 * Issue a client certificate for host (the validated hub host: subject
 * CN and DNS SAN), valid days days, for the key of csr (PEM) or for a
 * new key of key_type ("rsa2048" or "p256") when csr is NULL. Returns 0
 * with *is filled (free with cert_issued_free), 1 when the CSR is
 * refused (message in err), -1 on error (logged).
 */
int
cert_issue(const struct conf *c, const char *host, const char *csr,
    const char *key_type, long long days, struct issued *is, char *err,
    size_t errsz)
{
	const struct ca	*a;
	CSR		*q = NULL;
	EVP_PKEY	*gen = NULL;
	X509		*x = NULL;
	X509_NAME	*nm = NULL;
	X509V3_CTX	 ctx;
	BIO		*b = NULL;
	BIGNUM		*sbn = NULL;
	unsigned char	 ip[16];
	char		*san = NULL, *hex;
	const char	*kt;
	int		 longname, rc = -1;

	memset(is, 0, sizeof(*is));
	if ((a = ca_get(c)) == NULL)
		return -1;
	if (strlen(host) == 0 || strlen(host) > 253) {
		snprintf(err, errsz, "host is not usable");
		return -1;
	}
	if (csr != NULL) {
		if ((q = csr_parse(csr, &kt, err, errsz)) == NULL)
			return 1;
	} else {
		if (key_type == NULL || strcmp(key_type, "rsa2048") == 0) {
			kt = "rsa2048";
			gen = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
			    (size_t)2048);
		} else if (strcmp(key_type, "p256") == 0) {
			kt = "p256";
			gen = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		} else {
			snprintf(err, errsz, "unknown key type");
			return 1;
		}
		if (gen == NULL) {
			log_openssl(__func__);
			goto out;
		}
	}

	/* The certificate body: only validated input goes in. */
	if ((x = X509_new()) == NULL || X509_set_version(x, 2) != 1 ||
	    serial_set(x) == -1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(a->cert)) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0,
	    NULL) == NULL)
		goto ossl;
	if (q != NULL ? pubkey_copy(x, q->info->spki) == -1 :
	    X509_set_pubkey(x, gen) != 1)
		goto ossl;
	/*
	 * A CN holds at most 64 characters (RFC 5280 ub-common-name); a
	 * longer host is named by the SAN alone, which is then critical
	 * under an empty subject (RFC 5280 4.2.1.6).
	 */
	longname = strlen(host) > CN_MAX;
	if ((nm = X509_NAME_new()) == NULL || (!longname &&
	    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
	    (const unsigned char *)host, -1, -1, 0) != 1) ||
	    X509_set_subject_name(x, nm) != 1)
		goto ossl;
	if (inet_pton(AF_INET, host, ip) == 1 ||
	    inet_pton(AF_INET6, host, ip) == 1)
		san = xasprintf("%sIP:%s", longname ? "critical," : "", host);
	else
		san = xasprintf("%sDNS:%s", longname ? "critical," : "",
		    host);

	X509V3_set_ctx(&ctx, a->cert, x, NULL, NULL, 0);
	if (ext_add(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
	    ext_add(x, &ctx, NID_key_usage,
	    "critical,digitalSignature,keyEncipherment") ||
	    ext_add(x, &ctx, NID_ext_key_usage, "clientAuth") ||
	    ext_add(x, &ctx, NID_subject_key_identifier, "hash") ||
	    ext_add(x, &ctx, NID_authority_key_identifier, "keyid:always") ||
	    ext_add(x, &ctx, NID_subject_alt_name, san))
		goto ossl;
	if (X509_sign(x, a->key, EVP_sha256()) <= 0)
		goto ossl;

	/* What the caller stores and shows. */
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(b, x) != 1 || (is->pem = bio_text(b)) == NULL)
		goto ossl;
	if (gen != NULL) {
		BIO_free(b);
		if ((b = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_PrivateKey(b, gen, NULL, NULL, 0, NULL,
		    NULL) != 1 || (is->key_pem = bio_text(b)) == NULL)
			goto ossl;
	}
	if ((sbn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x), NULL)) ==
	    NULL || (hex = BN_bn2hex(sbn)) == NULL)
		goto ossl;
	is->serial = xstrdup(hex);
	OPENSSL_free(hex);
	if ((is->fp_sha1 = fp_of(x, EVP_sha1())) == NULL ||
	    (is->fp_sha256 = fp_of(x, EVP_sha256())) == NULL)
		goto ossl;
	snprintf(is->cn, sizeof(is->cn), "%s", host);
	snprintf(is->key_type, sizeof(is->key_type), "%s", kt);
	is->not_before = asn1_unix(X509_get0_notBefore(x));
	is->not_after = asn1_unix(X509_get0_notAfter(x));
	rc = 0;
	goto out;
ossl:
	log_openssl(__func__);
out:
	if (rc != 0)
		cert_issued_free(is);
	BN_free(sbn);
	BIO_free(b);
	free(san);
	X509_NAME_free(nm);
	X509_free(x);
	EVP_PKEY_free(gen);
	return rc;
}

/* RFC 5280 reason names we accept, by CRLReason code. */
static const char *const reasons[] = {
	"unspecified", "keyCompromise", NULL, "affiliationChanged",
	"superseded", "cessationOfOperation",
};

/* The CRLReason code of name, or -1 if we do not take it. */
int
cert_reason_code(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i] != NULL && strcmp(reasons[i], name) == 0)
			return (int)i;
	return -1;
}

/*
 * A CRL signed by the CA listing the n entries, valid conf->crl_days,
 * with CRL number number (the database's sequence: every host agrees).
 * Returns 0 with owned PEM in *pem, or -1 (logged).
 */
int
cert_crl_build(const struct conf *c, const struct crl_entry *ents, size_t n,
    long long number, char **pem)
{
	const struct ca	*a;
	X509_CRL	*crl = NULL;
	X509_REVOKED	*rv = NULL;
	ASN1_TIME	*t = NULL;
	ASN1_INTEGER	*num = NULL;
	ASN1_ENUMERATED	*re = NULL;
	BIGNUM		*bn = NULL;
	BIO		*b = NULL;
	X509V3_CTX	 ctx;
	X509_EXTENSION	*e;
	size_t		 i;
	int		 rc = -1, code;

	*pem = NULL;
	if ((a = ca_get(c)) == NULL)
		return -1;
	if ((crl = X509_CRL_new()) == NULL ||
	    X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(a->cert)) != 1)
		goto ossl;
	if ((t = X509_gmtime_adj(NULL, 0)) == NULL ||
	    X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    X509_time_adj_ex(t, (int)c->crl_days, 0, NULL) == NULL ||
	    X509_CRL_set1_nextUpdate(crl, t) != 1)
		goto ossl;
	for (i = 0; i < n; i++) {
		if ((rv = X509_REVOKED_new()) == NULL ||
		    BN_hex2bn(&bn, ents[i].serial) == 0 ||
		    (num = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
		    X509_REVOKED_set_serialNumber(rv, num) != 1 ||
		    ASN1_TIME_set(t, (time_t)ents[i].revoked_at) == NULL ||
		    X509_REVOKED_set_revocationDate(rv, t) != 1)
			goto ossl;
		ASN1_INTEGER_free(num);
		num = NULL;
		code = ents[i].reason ? cert_reason_code(ents[i].reason) : -1;
		if (code > 0) {
			if ((re = ASN1_ENUMERATED_new()) == NULL ||
			    ASN1_ENUMERATED_set(re, code) != 1 ||
			    X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, re,
			    0, 0) != 1)
				goto ossl;
			ASN1_ENUMERATED_free(re);
			re = NULL;
		}
		if (X509_CRL_add0_revoked(crl, rv) != 1)
			goto ossl;
		rv = NULL;
	}
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    ASN1_INTEGER_set_int64(num, (int64_t)number) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1)
		goto ossl;
	X509V3_set_ctx(&ctx, a->cert, NULL, NULL, crl, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx,
	    NID_authority_key_identifier, "keyid:always")) != NULL) {
		X509_CRL_add_ext(crl, e, -1);
		X509_EXTENSION_free(e);
	} else
		ERR_clear_error();	/* a CA without SKI: no AKI */
	X509_CRL_sort(crl);
	if (X509_CRL_sign(crl, a->key, EVP_sha256()) <= 0)
		goto ossl;
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_CRL(b, crl) != 1 || (*pem = bio_text(b)) == NULL)
		goto ossl;
	rc = 0;
	goto out;
ossl:
	log_openssl(__func__);
out:
	BIO_free(b);
	BN_free(bn);
	ASN1_ENUMERATED_free(re);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_REVOKED_free(rv);
	X509_CRL_free(crl);
	return rc;
}

/*
 * Serialise CRL writers across processes: an exclusive flock on
 * "<ca_crl>.lock". Returns the descriptor to pass to cert_crl_unlock,
 * or -1 (logged).
 */
int
cert_crl_lock(const struct conf *c)
{
	char	*path;
	int	 fd;

	/*
	 * Read-only and 0644: agoractl (root) and the workers (their own
	 * user) must both be able to lock it, whoever created it.
	 */
	path = xasprintf("%s.lock", c->ca_crl);
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		log_warn("%s", path);
	else if (flock(fd, LOCK_EX) == -1) {
		log_warn("flock %s", path);
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

void
cert_crl_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

/* Run conf->crl_hook with the CRL path, if one is configured. */
static void
crl_hook(const struct conf *c)
{
	pid_t	 pid;
	int	 st;

	if (c->crl_hook == NULL || c->crl_hook[0] == '\0')
		return;
	if ((pid = fork()) == -1) {
		log_warn("fork");
		return;
	}
	if (pid == 0) {
		execl(c->crl_hook, c->crl_hook, c->ca_crl, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			log_warn("waitpid");
			return;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		log_warnx("crl_hook %s failed", c->crl_hook);
}

/*
 * Write pem to conf->ca_crl atomically (a temporary file in the same
 * directory, mode 0644 so nginx can read it, fsync, rename), then run
 * the crl_hook. The caller holds cert_crl_lock. 0 or -1 (logged).
 */
int
cert_crl_write(const struct conf *c, const char *pem)
{
	char	*tmp;
	size_t	 len = strlen(pem), off = 0;
	ssize_t	 n;
	int	 fd, rc = -1;

	tmp = xasprintf("%s.XXXXXX", c->ca_crl);
	if ((fd = mkstemp(tmp)) == -1) {
		log_warn("mkstemp %s", tmp);
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) == -1) {
		log_warn("fchmod %s", tmp);
		goto out;
	}
	while (off < len) {
		if ((n = write(fd, pem + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("write %s", tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", tmp);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_warn("close %s", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, c->ca_crl) == -1) {
		log_warn("rename %s", c->ca_crl);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	if (rc == 0)
		crl_hook(c);
	return rc;
}

/*
 * The CRL file's text if it exists, parses, is signed by our CA and is
 * not past its nextUpdate. Owned, or NULL (write a new one).
 */
char *
cert_crl_current(const struct conf *c)
{
	const struct ca	*a;
	X509_CRL	*crl = NULL;
	EVP_PKEY	*pk;
	BIO		*b = NULL;
	char		*p;
	const ASN1_TIME	*nu;

	if (access(c->ca_crl, F_OK) == -1)
		return NULL;
	if ((a = ca_get(c)) == NULL ||
	    (p = file_text(c->ca_crl, 16 * 1024 * 1024)) == NULL)
		return NULL;
	if ((b = BIO_new_mem_buf(p, -1)) == NULL ||
	    (crl = PEM_read_bio_X509_CRL(b, NULL, cert_nopass, NULL)) ==
	    NULL ||
	    (pk = X509_get0_pubkey(a->cert)) == NULL ||
	    X509_CRL_verify(crl, pk) != 1 ||
	    (nu = X509_CRL_get0_nextUpdate(crl)) == NULL ||
	    X509_cmp_current_time(nu) <= 0 ||
	    asn1_unix(nu) - (long long)time(NULL) < 3600) {
		free(p);
		p = NULL;
	}
	ERR_clear_error();
	X509_CRL_free(crl);
	BIO_free(b);
	return p;
}

/*
 * The nextUpdate of the CRL file nginx reads (conf->ca_crl), as Unix
 * time, without checking its signature (what matters here is when nginx
 * starts refusing every client certificate). 0 with *nu, or -1 when the
 * file is missing or unparsable.
 */
int
cert_crl_next_update(const struct conf *c, long long *nu)
{
	X509_CRL	*crl = NULL;
	BIO		*b = NULL;
	const ASN1_TIME	*t;
	char		*p;
	int		 rc = -1;

	*nu = 0;
	if ((p = file_text(c->ca_crl, 16 * 1024 * 1024)) == NULL)
		return -1;
	if ((b = BIO_new_mem_buf(p, -1)) != NULL &&
	    (crl = PEM_read_bio_X509_CRL(b, NULL, cert_nopass, NULL)) !=
	    NULL && (t = X509_CRL_get0_nextUpdate(crl)) != NULL &&
	    (*nu = asn1_unix(t)) > 0)
		rc = 0;
	ERR_clear_error();
	X509_CRL_free(crl);
	BIO_free(b);
	free(p);
	return rc;
}

/*
 * The end of validity of a PEM file: a certificate's notAfter (crl 0)
 * or a CRL's nextUpdate (crl 1), for agoractl status. Returns 1 with
 * *when set, 0 if the file is missing, -1 if it does not parse.
 */
int
cert_file_until(const char *path, int crl, long long *when)
{
	FILE		*f;
	X509		*x = NULL;
	X509_CRL	*c = NULL;
	const ASN1_TIME	*t = NULL;
	int		 rc = -1;

	*when = 0;
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (crl) {
		if ((c = PEM_read_X509_CRL(f, NULL, NULL, NULL)) != NULL)
			t = X509_CRL_get0_nextUpdate(c);
	} else if ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		t = X509_get0_notAfter(x);
	if (t != NULL && (*when = asn1_unix(t)) != 0)
		rc = 1;
	ERR_clear_error();
	X509_free(x);
	X509_CRL_free(c);
	fclose(f);
	return rc;
}
