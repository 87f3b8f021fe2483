/*
 * The platform CA: issuing marketplace certificates from a CSR or a
 * generated key, fingerprints, revocation and the CRL.
 */
#include "config.h"

#include "extern.h"
