/*
 * Unit tests: certificate building (cert.c). A throw-away CA is made
 * with the openssl command in a temporary directory; everything else is
 * checked with the OpenSSL library directly.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../../src/extern.h"
#include "../tap.h"

#define NSERIAL	64

static char	 dir[] = "/tmp/t_cert.XXXXXX";

static int
sh(const char *cmd)
{
	char	*c;
	int	 rc;

	c = xasprintf("cd %s && %s >/dev/null 2>&1", dir, cmd);
	rc = system(c);
	free(c);
	return rc;
}

static char *
slurp(const char *name)
{
	FILE	*f;
	char	*path, *p;
	size_t	 n;

	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return NULL;
	p = xcalloc(1, 65536);
	n = fread(p, 1, 65535, f);
	fclose(f);
	p[n] = '\0';
	return p;
}

static X509 *
pem_x509(const char *pem)
{
	BIO	*b = BIO_new_mem_buf(pem, -1);
	X509	*x = PEM_read_bio_X509(b, NULL, NULL, NULL);

	BIO_free(b);
	return x;
}

/* 1 if s is n colon-separated upper-case hex pairs. */
static int
fp_format(const char *s, size_t n)
{
	size_t	 i;

	if (s == NULL || strlen(s) != n * 3 - 1)
		return 0;
	for (i = 0; i < n * 3 - 1; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return 0;
		} else if (strchr("0123456789ABCDEF", s[i]) == NULL)
			return 0;
	}
	return 1;
}

/* 1 if x chains to the CA for client authentication. */
static int
chain_ok(X509 *x, X509 *cax)
{
	X509_STORE	*st = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 rc;

	X509_STORE_add_cert(st, cax);
	X509_STORE_CTX_init(ctx, st, x, NULL);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	rc = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return rc;
}

/*
 * Whether certificate PEM cert holds the public half of the private key
 * in the test directory's file name.
 */
static int
holds_key(const char *cert, const char *name)
{
	EVP_PKEY	*k = NULL;
	X509		*x;
	char		*pem;
	BIO		*b;
	int		 rc;

	if ((pem = slurp(name)) != NULL) {
		b = BIO_new_mem_buf(pem, -1);
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
		free(pem);
	}
	x = pem_x509(cert);
	rc = x != NULL && k != NULL && X509_check_private_key(x, k) == 1;
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

/* DER bytes as a PEM certificate request; owned. */
static char *
pem_of(const unsigned char *d, long n)
{
	BIO	*o = BIO_new(BIO_s_mem());
	char	*p, *s;
	long	 len;

	PEM_write_bio(o, "CERTIFICATE REQUEST", "", d, n);
	len = BIO_get_mem_data(o, &p);
	s = xstrndup(p, (size_t)len);
	BIO_free(o);
	return s;
}

/* The CSR in csr.pem with one bit of its signature flipped, as PEM. */
static char *
tamper(const char *pem)
{
	BIO			*b = BIO_new_mem_buf(pem, -1), *o;
	X509_REQ		*q = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	const ASN1_BIT_STRING	*sig;
	const X509_ALGOR	*alg;
	char			*p, *out;
	long			 n;

	BIO_free(b);
	X509_REQ_get0_signature(q, &sig, &alg);
	((unsigned char *)(uintptr_t)ASN1_STRING_get0_data(sig))[10] ^= 1;
	o = BIO_new(BIO_s_mem());
	PEM_write_bio_X509_REQ(o, q);
	n = BIO_get_mem_data(o, &p);
	out = xstrndup(p, (size_t)n);
	BIO_free(o);
	X509_REQ_free(q);
	return out;
}

int
main(void)
{
	struct conf	 c;
	struct issued	 is, ser[NSERIAL];
	struct crl_entry ce;
	struct stat	 sb;
	X509		*x, *cax;
	X509_CRL	*crl;
	ASN1_INTEGER	*crlnum;
	int64_t		 crlnum64 = 0;
	BIO		*b;
	EVP_PKEY	*pk;
	unsigned char	*der, *tail;
	char		*pname = NULL, *phdr = NULL;
	long		 derlen;
	BASIC_CONSTRAINTS *bc;
	unsigned char	 md[32];
	unsigned int	 mdn;
	char		 host[256], err[160];
	char		*cacert, *csr, *evil, *bad, *small, *crlpem;
	char		*path, *fp;
	const char	*ca;
	size_t		 i, j, bits = 0, dup = 0, topclear = 0;
	int		 crit;

	log_init("t_cert", LOGL_ERR);
	if (mkdtemp(dir) == NULL)
		return 1;
	ok(sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
	    "-out ca.key && openssl req -x509 -new -key ca.key -sha256 "
	    "-days 30 -subj /CN=test-ca -addext "
	    "basicConstraints=critical,CA:TRUE -addext "
	    "keyUsage=critical,keyCertSign,cRLSign -addext "
	    "subjectKeyIdentifier=hash -out ca.pem") == 0, "made a test CA");
	ok(sh("openssl req -new -newkey rsa:2048 -nodes -keyout k.pem "
	    "-subj /CN=evil.example.org -addext "
	    "subjectAltName=DNS:evil.example.org -out csr.pem") == 0,
	    "made a CSR naming evil.example.org");
	ok(sh("openssl req -new -newkey rsa:1024 -nodes -keyout k1.pem "
	    "-subj /CN=a -out small.pem") == 0, "made an RSA-1024 CSR");
	ok(sh("openssl ecparam -name prime256v1 -genkey -noout -out kn.pem "
	    "&& openssl req -new -key kn.pem -subj /CN=a -out named.pem && "
	    "openssl pkey -in kn.pem -ec_param_enc explicit -out kx.pem && "
	    "openssl req -new -key kx.pem -subj /CN=a -out explicit.pem") ==
	    0, "made P-256 CSRs with a named curve and explicit parameters");

	memset(&c, 0, sizeof(c));
	c.ca_cert = xasprintf("%s/ca.pem", dir);
	c.ca_key = xasprintf("%s/ca.key", dir);
	c.ca_crl = xasprintf("%s/crl.pem", dir);
	c.crl_days = 7;
	cacert = slurp("ca.pem");
	csr = slurp("csr.pem");
	small = slurp("small.pem");
	cax = pem_x509(cacert);

	ca = cert_ca_pem(&c);
	ok(ca != NULL && strcmp(ca, cacert) == 0, "the CA PEM is loaded");

	/* Host extraction. */
	ok(cert_url_host("https://Hub.Example.COM:8443/x?y", host,
	    sizeof(host)) == 0 && strcmp(host, "hub.example.com") == 0,
	    "host of a URL, lower case, without port or path");

	/* From a CSR: CN and SAN come from the host, not the CSR. */
	ok(cert_issue(&c, "hub.acme.example.com", csr, NULL, 365, &is, err,
	    sizeof(err)) == 0, "issue from a CSR");
	ok(is.key_pem == NULL, "no private key when a CSR is given");
	is_str(is.key_type, "rsa2048", "key type from the CSR");
	x = pem_x509(is.pem);
	ok(x != NULL, "the certificate parses");
	ok(X509_check_host(x, "hub.acme.example.com", 0, 0, NULL) == 1,
	    "the SAN names the hub host");
	ok(X509_check_host(x, "evil.example.org", 0, 0, NULL) != 1,
	    "nothing from the CSR's SAN");
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    host, sizeof(host));
	is_str(host, "hub.acme.example.com", "subject CN is the hub host");
	ok(X509_check_ca(x) == 0, "not a CA");
	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	ok(bc != NULL && !bc->ca && crit == 1,
	    "basicConstraints critical CA:FALSE");
	BASIC_CONSTRAINTS_free(bc);
	ok((X509_get_extended_key_usage(x) & XKU_SSL_CLIENT) != 0,
	    "EKU clientAuth");
	ok((X509_get_key_usage(x) & (KU_DIGITAL_SIGNATURE |
	    KU_KEY_ENCIPHERMENT)) == (KU_DIGITAL_SIGNATURE |
	    KU_KEY_ENCIPHERMENT), "keyUsage digitalSignature keyEncipherment");
	ok(X509_get0_subject_key_id(x) != NULL &&
	    X509_get0_authority_key_id(x) != NULL, "SKI and AKI");
	ok(X509_get_signature_nid(x) == NID_sha256WithRSAEncryption ||
	    X509_get_signature_nid(x) == NID_ecdsa_with_SHA256,
	    "signed with SHA-256");
	ok(chain_ok(x, cax), "the chain verifies for client auth");
	ok(is.not_after - is.not_before == 365 * 86400LL,
	    "validity is the days asked");

	/* Fingerprints: format and value. */
	ok(fp_format(is.fp_sha1, 20), "SHA-1 fingerprint: 20 pairs");
	ok(fp_format(is.fp_sha256, 32), "SHA-256 fingerprint: 32 pairs");
	X509_digest(x, EVP_sha256(), md, &mdn);
	fp = xcalloc(1, 128);
	for (i = 0; i < mdn; i++)
		snprintf(fp + i * 3, 4, i + 1 < mdn ? "%02X:" : "%02X", md[i]);
	is_str(is.fp_sha256, fp, "SHA-256 fingerprint is the digest");
	free(fp);
	fp = cert_fp_pem(is.pem, 0);
	is_str(fp, is.fp_sha1, "cert_fp_pem agrees");
	free(fp);
	X509_free(x);

	/* A generated key: rsa2048 by default, or p256. */
	cert_issued_free(&is);
	ok(cert_issue(&c, "hub.b.example.com", NULL, "p256", 30, &is, err,
	    sizeof(err)) == 0, "issue with a generated P-256 key");
	ok(is.key_pem != NULL && strncmp(is.key_pem,
	    "-----BEGIN PRIVATE KEY-----", 27) == 0, "the key is returned");
	b = BIO_new_mem_buf(is.key_pem, -1);
	pk = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	x = pem_x509(is.pem);
	ok(pk != NULL && EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC &&
	    X509_check_private_key(x, pk) == 1, "the key is EC and matches");
	EVP_PKEY_free(pk);
	X509_free(x);
	cert_issued_free(&is);
	ok(cert_issue(&c, "1.2.3.4", NULL, NULL, 30, &is, err,
	    sizeof(err)) == 0 && strcmp(is.key_type, "rsa2048") == 0,
	    "default key type rsa2048; an IP host");
	x = pem_x509(is.pem);
	ok(X509_check_ip_asc(x, "1.2.3.4", 0) == 1, "an IP host is an IP SAN");
	X509_free(x);
	cert_issued_free(&is);
	ok(cert_issue(&c, "h.example.com", NULL, "dsa", 30, &is, err,
	    sizeof(err)) == 1, "an unknown key type is refused");

	/* A host longer than a CN may be: the SAN alone, critical. */
	ok(cert_issue(&c, "a-host-name-of-sixty-seven-characters-in-all-for-the-"
	    "hub.example.com", csr, NULL, 30, &is, err, sizeof(err)) == 0,
	    "a 68-character host is issued");
	x = pem_x509(is.pem);
	ok(x != NULL && X509_NAME_entry_count(X509_get_subject_name(x)) == 0,
	    "under an empty subject");
	ok(x != NULL && X509_check_host(x, "a-host-name-of-sixty-seven-"
	    "characters-in-all-for-the-hub.example.com", 0, 0, NULL) == 1,
	    "named by its DNS SAN");
	ok(x != NULL && X509_get_extension_flags(x) != 0 &&
	    X509_EXTENSION_get_critical(X509_get_ext(x, X509_get_ext_by_NID(x,
	    NID_subject_alt_name, -1))) == 1, "which is critical");
	X509_free(x);
	cert_issued_free(&is);
	ok(cert_issue(&c, "exactly-sixty-four-characters-long-host-name-for-a-"
	    "hub.exampl.io", csr, NULL, 30, &is, err, sizeof(err)) == 0,
	    "a 64-character host is issued");
	x = pem_x509(is.pem);
	ok(x != NULL && X509_NAME_entry_count(X509_get_subject_name(x)) == 1,
	    "with its CN");
	X509_free(x);
	cert_issued_free(&is);

	/* Serials: 128 bits, top bit clear, unique, random-looking. */
	for (i = 0; i < NSERIAL; i++)
		if (cert_issue(&c, "s.example.com", csr, NULL, 1, &ser[i], err,
		    sizeof(err)) != 0)
			break;
	is_int(i, NSERIAL, "issued %d certificates", NSERIAL);
	for (i = 0; i < NSERIAL; i++) {
		if (strlen(ser[i].serial) == 32 &&
		    strchr("01234567", ser[i].serial[0]) != NULL)
			topclear++;
		for (j = 0; j < 32 && ser[i].serial[j] != '\0'; j++) {
			char	 ch = ser[i].serial[j];
			int	 v = ch <= '9' ? ch - '0' : ch - 'A' + 10;


			bits += (size_t)__builtin_popcount((unsigned)v);
		}
		for (j = 0; j < i; j++)
			if (strcmp(ser[i].serial, ser[j].serial) == 0)
				dup++;
	}
	is_int(topclear, NSERIAL, "every serial is 32 hex digits, top bit "
	    "clear");
	is_int(dup, 0, "no two serials are equal");
	ok(bits > NSERIAL * 128 * 40 / 100 && bits < NSERIAL * 128 * 60 / 100,
	    "serial bits look random (%zu of %d set)", bits, NSERIAL * 128);

	/*
	 * The CSR a request parsed is kept for its second use (validation,
	 * then issuance), until cert_csr_forget ends the request.
	 */
	ok(cert_csr_check(csr, err, sizeof(err)) == 0 &&
	    cert_issue(&c, "k.example.com", csr, NULL, 30, &is, err,
	    sizeof(err)) == 0 && strcmp(is.key_type, "rsa2048") == 0,
	    "a CSR validated, then issued from");
	cert_issued_free(&is);
	ok(cert_issue(&c, "k.example.com", csr, NULL, 30, &is, err,
	    sizeof(err)) == 0, "and issued from again");
	cert_issued_free(&is);
	cert_csr_forget();
	cert_csr_forget();
	ok(cert_issue(&c, "k.example.com", csr, NULL, 30, &is, err,
	    sizeof(err)) == 0 && is.pem != NULL,
	    "after cert_csr_forget (twice) it is parsed anew");
	cert_issued_free(&is);

	/* CSRs that must be refused. */
	bad = tamper(csr);
	ok(cert_csr_check(csr, err, sizeof(err)) == 0, "the good CSR passes");
	ok(cert_csr_check(bad, err, sizeof(err)) == -1 &&
	    strstr(err, "signature") != NULL,
	    "a CSR with a bad signature is refused");
	ok(cert_issue(&c, "h.example.com", bad, NULL, 30, &is, err,
	    sizeof(err)) == 1, "and cert_issue refuses it too");
	free(bad);
	ok(cert_csr_check(small, err, sizeof(err)) == -1 &&
	    strstr(err, "2048") != NULL, "an RSA-1024 CSR is refused");
	ok(cert_csr_check(cacert, err, sizeof(err)) == -1,
	    "a certificate is not a CSR");
	ok(cert_csr_check("hello", err, sizeof(err)) == -1,
	    "garbage is refused");
	evil = xasprintf("%sextra\n", csr);
	ok(cert_csr_check(evil, err, sizeof(err)) == -1,
	    "trailing text after the CSR is refused");
	free(evil);

	/* An encrypted PEM block never asks for a pass phrase. */
	evil = xasprintf("-----BEGIN CERTIFICATE REQUEST-----\n"
	    "Proc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n%s",
	    csr + strlen("-----BEGIN CERTIFICATE REQUEST-----\n"));
	ok(cert_csr_check(evil, err, sizeof(err)) == -1,
	    "an encrypted PEM CSR is refused");
	free(evil);
	ok(cert_nopass(host, sizeof(host), 0, NULL) == -1,
	    "the pass-phrase callback gives none");

	/* RFC 5480: EC keys name their curve. */
	evil = slurp("named.pem");
	ok(evil != NULL && cert_csr_check(evil, err, sizeof(err)) == 0,
	    "a P-256 CSR with a named curve passes");
	free(evil);
	evil = slurp("explicit.pem");
	ok(evil != NULL && cert_csr_check(evil, err, sizeof(err)) == -1 &&
	    strstr(err, "explicit") != NULL,
	    "the same curve with explicit parameters is refused");
	ok(evil != NULL && cert_issue(&c, "h.example.com", evil, NULL, 30,
	    &is, err, sizeof(err)) == 1, "and never reaches a certificate");
	free(evil);

	/*
	 * The request is parsed with agora's own templates (the key kept
	 * as sent): what OpenSSL's X509_REQ took still passes, the key
	 * reaches the certificate unchanged, and what RFC 2986 forbids
	 * does not pass.
	 */
	ok(cert_issue(&c, "k.example.com", csr, NULL, 30, &is, err,
	    sizeof(err)) == 0 && holds_key(is.pem, "k.pem"),
	    "the certificate holds the CSR's RSA key");
	cert_issued_free(&is);
	ok(sh("openssl req -new -newkey rsa:2048 -nodes -keyout kp.pem "
	    "-subj /CN=a -sigopt rsa_padding_mode:pss -sigopt "
	    "rsa_pss_saltlen:32 -out pss.pem && openssl ecparam -name "
	    "secp384r1 -genkey -noout -out k384.pem && openssl req -new "
	    "-key k384.pem -subj /CN=a -sha384 -out p384.pem") == 0,
	    "made an RSA-PSS-signed CSR and a P-384 CSR");
	evil = slurp("pss.pem");
	ok(evil != NULL && cert_csr_check(evil, err, sizeof(err)) == 0,
	    "a CSR signed with RSA-PSS verifies");
	free(evil);
	evil = slurp("p384.pem");
	ok(evil != NULL && cert_issue(&c, "k.example.com", evil, NULL, 30,
	    &is, err, sizeof(err)) == 0 && strcmp(is.key_type, "p384") == 0,
	    "a P-384 CSR gives a p384 certificate");
	ok(is.pem != NULL && holds_key(is.pem, "k384.pem"),
	    "whose key is the CSR's");
	cert_issued_free(&is);
	free(evil);
	der = NULL;
	b = BIO_new_mem_buf(csr, -1);
	ok(PEM_read_bio(b, &pname, &phdr, &der, &derlen) == 1 &&
	    derlen > 16 && der[8] == 0x02 && der[9] == 0x01 && der[10] == 0x00,
	    "the CSR's DER, version 0 where RFC 2986 puts it");
	BIO_free(b);
	if (der != NULL) {
		tail = OPENSSL_malloc((size_t)derlen + 2);
		memcpy(tail, der, (size_t)derlen);
		tail[derlen] = tail[derlen + 1] = 0;
		evil = pem_of(tail, derlen + 2);
		ok(cert_csr_check(evil, err, sizeof(err)) == -1 &&
		    strstr(err, "parsable") != NULL,
		    "bytes after the request's DER are refused");
		free(evil);
		OPENSSL_free(tail);
		der[10] = 0x01;
		evil = pem_of(der, derlen);
		ok(cert_csr_check(evil, err, sizeof(err)) == -1 &&
		    strstr(err, "version") != NULL,
		    "a request whose version is not 0 is refused");
		free(evil);
	}
	OPENSSL_free(pname);
	OPENSSL_free(phdr);
	OPENSSL_free(der);
	cert_csr_forget();

	/* The CRL: signed by the CA, lists the serial, written atomically. */
	ce.serial = ser[0].serial;
	ce.revoked_at = (long long)time(NULL);
	ce.reason = "keyCompromise";
	ok(cert_crl_build(&c, &ce, 1, 1764000000123LL, &crlpem) == 0,
	    "build a CRL");
	b = BIO_new_mem_buf(crlpem, -1);
	crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	BIO_free(b);
	ok(crl != NULL && X509_CRL_verify(crl, X509_get0_pubkey(cax)) == 1,
	    "the CRL is signed by the CA");
	crlnum = crl == NULL ? NULL :
	    X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	ok(crlnum != NULL && ASN1_INTEGER_get_int64(&crlnum64, crlnum) == 1 &&
	    crlnum64 == 1764000000123LL, "the CRL carries the number given");
	ASN1_INTEGER_free(crlnum);
	ok(crl != NULL && sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) == 1,
	    "one entry");
	X509_CRL_free(crl);
	ok(cert_crl_write(&c, crlpem) == 0, "write the CRL");
	ok(stat(c.ca_crl, &sb) == 0 && (sb.st_mode & 0777) == 0644,
	    "the CRL file is 0644");
	path = cert_crl_current(&c);
	is_str(path, crlpem, "the written CRL is current");
	free(path);
	free(crlpem);

	for (i = 0; i < NSERIAL; i++)
		cert_issued_free(&ser[i]);
	X509_free(cax);
	free(cacert);
	free(csr);
	free(small);
	sh("rm -f ca.key ca.pem k.pem k1.pem csr.pem small.pem crl.pem "
	    "crl.pem.lock kn.pem kx.pem named.pem explicit.pem kp.pem pss.pem "
	    "k384.pem p384.pem");
	rmdir(dir);
	free(c.ca_cert);
	free(c.ca_key);
	free(c.ca_crl);
	return done();
}
