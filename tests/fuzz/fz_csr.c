/*
 * libFuzzer target: the CSR/PEM path a registration or renewal takes
 * (cert_csr_check: PEM framing, no pass phrase, DER, signature, key
 * checks), and the fingerprint of a PEM certificate.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	char	*s, *fp, err[160];

	s = xstrndup((const char *)data, sz);
	(void)cert_csr_check(s, err, sizeof(err));
	if ((fp = cert_fp_pem(s, (int)(sz & 1))) != NULL)
		free(fp);
	free(s);
	return 0;
}
